census = """<?xml version="1.0" encoding="UTF-8"?>
<Message>
  <Header>
    <CollectionDetails>
      <Collection>CIN</Collection>
      <Year>2023</Year>
      <ReferenceDate>2023-03-31</ReferenceDate>
    </CollectionDetails>
  </Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>LR001</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-03-01</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2023-03-02</AssessmentActualStartDate></Assessments>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>LR002</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2022-12-01</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
        <Assessments><AssessmentActualStartDate>2022-12-05</AssessmentActualStartDate></Assessments>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>LR003</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-02-01</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>2023-02-01</AssessmentActualStartDate>
          <AssessmentAuthorisationDate>2023-04-12</AssessmentAuthorisationDate>
        </Assessments>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>LR004</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-03-13</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
        <Section47>
          <S47ActualStartDate>2023-03-20</S47ActualStartDate>
          <ICPCnotRequired>false</ICPCnotRequired>
        </Section47>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>LR005</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2022-09-01</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
        <ChildProtectionPlans>
          <CPPstartDate>2022-10-03</CPPstartDate>
          <Reviews><CPPreviewDate>2023-01-03</CPPreviewDate></Reviews>
        </ChildProtectionPlans>
      </CINdetails>
    </Child>
    <Child>
      <ChildIdentifiers><LAchildID>LR006</LAchildID></ChildIdentifiers>
      <CINdetails>
        <CINreferralDate>2023-04-03</CINreferralDate>
        <ReferralNFA>false</ReferralNFA>
      </CINdetails>
    </Child>
  </Children>
</Message>
"""
EXTRACTS = [
 {'id': 'census-2023-checked-in-2026', 'mapping': 'cin-census', 'file': 'census.xml', 'as_of': '2026-01-01', 'content': census,
  'why': 'Issue 18 point 9: the census is drawn at its ReferenceDate (31 Mar 2023) and holds nothing later; checked in 2026, an assessment open at 31 Mar and due after it is not in this extract, one due before it is overdue as of 31 Mar 2023.',
  'expect': {
    'LR001-R-2023-03-01': {'assessment-45wd': E('missing_data', add_wd(D('2023-03-01'),45)), 'assessment-45wd-from-start': E('missing_data', add_wd(D('2023-03-02'),45))},
    'LR002-R-2022-12-01': {'assessment-45wd': E('overdue', '2023-02-07', days_late=(D('2023-03-31')-D('2023-02-07')).days), 'assessment-45wd-from-start': E('overdue', '2023-02-09')},
    'LR003-R-2023-02-01': {'assessment-45wd': E('missing_data', '2023-04-05', data_quality=True)},
    'LR004-S47-2023-03-20': {'icpc-15wd': E('missing_data', '2023-04-12')},
    'LR004-R-2023-03-13': {'assessment-45wd': E('missing_data', add_wd(D('2023-03-13'),45)), 'assessment-45wd-from-start': NA()},
    'LR005-R-2022-09-01': {'assessment-45wd': E('overdue', add_wd(D('2022-09-01'),45), days_late=(D('2023-03-31')-add_wd(D('2022-09-01'),45)).days)},
    'LR005-CPP-2022-10-03': {'rcpc': [E('met', '2023-01-03', occurrence=1), E('missing_data', '2023-07-03', occurrence=2)]},
    'LR006-R-2023-04-03': {'assessment-45wd': NA(data_quality=True)},
  }},
 {'id': 'annex-a-list5-drawn-31-january-2021', 'mapping': 'annex-a-list5', 'file': 'list5.csv', 'as_of': '2026-01-01', 'extract_date': '2021-01-31',
  'content': 'Child Unique ID,Gender,Date of Birth,Strategy discussion initiating Section 47 Enquiry Start Date,Was an Initial Child Protection Conference deemed unnecessary?,Date of Initial Child Protection Conference,Did the Initial Child Protection Conference Result in a Child Protection Plan,Allocated Team\n'
             'LR1,a) Male,03/02/2015,16/12/2020,b) No,11/01/2021,a) Yes,CP East\n'
             'LR2,b) Female,11/07/2012,20/01/2021,b) No,,,CP East\n'
             'LR3,b) Female,21/09/2019,02/01/2021,b) No,,,CP West\n'
             'LR4,a) Male,30/11/2010,05/01/2021,a) Yes,,,CP West\n',
  'why': 'Annex A list 5 with --extract-date 2021-01-31: a strategy discussion of Wed 20 Jan 2021 is due a conference by Wed 10 Feb, after the list was drawn: not in this extract; one of Sat 2 Jan 2021 was due Fri 22 Jan (the Saturday not counted; 15 WD from Mon 4 Jan): overdue as of 31 Jan.',
  'expect': {
    'LR1-S47-2020-12-16': {'icpc-15wd': E('met', '2021-01-11')},
    'LR2-S47-2021-01-20': {'icpc-15wd': E('missing_data', '2021-02-10')},
    'LR3-S47-2021-01-02': {'icpc-15wd': E('overdue', '2021-01-22', days_late=9)},
    'LR4-S47-2021-01-05': {'icpc-15wd': NA()},
  }},
]
EXTRACTS = [dict(x, expect={rid: {rule: ([clean(e) for e in v] if isinstance(v, list) else clean(v)) for rule, v in exp.items()} for rid, exp in x['expect'].items()}) for x in EXTRACTS]
