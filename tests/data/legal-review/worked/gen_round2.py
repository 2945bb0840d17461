# ---- second round: edges a court or Ofsted would argue over
revs = ['2009-06-29', '2009-09-29']
for y in range(2010, 2020):
    revs += [f'{y}-03-29', f'{y}-09-29']
revs += ['2020-03-27', '2020-09-25']
exp = []
prev = None
for i, rv in enumerate(revs):
    occ = i + 1
    if occ == 1: dl_ = '2009-06-29'
    elif occ == 2: dl_ = add_months(D(revs[0]), 3).isoformat()
    else: dl_ = add_months(D(revs[i-1]), 6).isoformat()
    e = E('met', dl_, occurrence=occ)
    if occ == 6:
        e['decision'] = 'A duty\'s version is fixed by its trigger date, as docs/rule-language.md says of in_force; a placement that began on 31 Mar 2011, the last day of the 1991 regime, is outside reg 28 of SI 2010/959 as the rule is written. Whether a visit or review falling due after a revocation is owed under the new regulations turns on when the obligation was incurred (Interpretation Act 1978 s.16(1)(c)) and on SI 2010/959\'s transitional provisions, which were not read (U); the reviewer reads it by the due date, a reading equally arguable by the date the obligation arose (the placement, or the previous visit or review). Not changed on an unread transitional provision; stated in docs/legal-reference.md (Versions across a revocation). Here the intervals of SI 1991/895 reg 3 and SI 2010/959 reg 33(2) after the first review are the same (3 then 6 months, corresponding date), so every deadline and status stands; only the citation differs.'
    if occ == 24:
        e['decision'] = 'Follows from the version decision on occurrence 6: the review is judged under the 1991 version, which carries no SI 2020/445 caveat (that instrument modified SI 2010/959, not the revoked 1991 Regulations). The deadline and status are the same either way; docs/legal-reference.md (Versions across a revocation) tells the reader that a long-stay child\'s reviews in 2020 may have fallen under the modified 2010 regime.'
    exp.append(e)
exp.append(E('due', add_months(D(revs[-1]), 6), occurrence=len(revs)+1))
lac('lac-24-looked-after-since-2009-reviews-to-2020', '2020-12-31',
    dict(became_looked_after='2009-06-01', cla_review=revs),
    {'cla-review-1991': exp, 'cla-visit': E('missing_data', needs=['placement_start'])},
    'A child looked after since 1 Jun 2009 and reviewed six-monthly to 2020. Reviews due up to 31 Mar 2011 are under SI 1991/895 reg 3; those due from 1 Apr 2011 under SI 2010/959 reg 33(2) (the 1991 regulations were revoked then; transitional provisions not read). The periods are the same (6 months, corresponding date); the citation and the COVID caveat differ.')
s = D('2020-03-02')
ins('ins-38-jtai-statement-in-the-covid-window', '2020-12-31',
    dict(report_received='2020-03-02', statement_published=add_wd(s,70).isoformat()),
    {'jar-written-statement': E('met', add_wd(s,70), caveat='SI 2020/445 Part 9 reg 10')},
    'SI 2015/1792 reg 4, 70 WD from Mon 2 Mar 2020 = ' + fmt(add_wd(s,70)) + ', running into SI 2020/445 (reg 10 modified the JAR 2015 Regulations): caveat.',
    framework='JTAI', statement_required=True)
s = D('2020-02-03')
ins('ins-39-focused-visit-priority-actions-covid', '2020-12-31',
    dict(report_received='2020-02-03', report_published=add_wd(s,30).isoformat(), draft_action_plan_sent=add_wd(s,20).isoformat(), action_plan_sent=add_wd(s,70).isoformat()),
    {'la-publish-report': E('met', add_wd(s,30), caveat=FV), 'fv-priority-draft-plan': E('met', add_wd(s,20), caveat=False), 'fv-priority-action-plan': E('met', add_wd(s,70), caveat=CAV445)},
    'Received Mon 3 Feb 2020: draft by the 20th WD (' + fmt(add_wd(s,20)) + ', before 24 Apr: no COVID caveat); final by the 70th (' + fmt(add_wd(s,70)) + ', in the window: caveat); publication (' + fmt(add_wd(s,30)) + ', before 24 Apr) carries only the focused-visit caveat.',
    framework='ILACS-focused-visit', priority_actions=True)
s = D('2028-11-20')
ins('ins-40-deadline-in-the-first-unannounced-year', '2029-06-01',
    dict(report_received='2028-11-20', report_published=add_wd(s,30).isoformat(), statement_published=add_wd(s,70).isoformat(), action_plan_sent=add_wd(s,70).isoformat()),
    {'la-publish-report': E('met', add_wd(s,30), provisional=True), 'la-publish-statement': E('met', add_wd(s,70), provisional=True), 'la-send-action-plan': E('met', add_wd(s,70), provisional=True)},
    'calendars/england-and-wales.yaml says GOV.UK has announced through 2028: a deadline in 2029 (' + fmt(add_wd(s,30)) + ') is provisional.',
    framework='ILACS')
s = D('2028-09-01')
ins('ins-41-deadline-in-the-last-announced-year', '2029-06-01',
    dict(report_received='2028-09-01', report_published=add_wd(s,30).isoformat(), statement_published=add_wd(s,70).isoformat(), action_plan_sent=add_wd(s,70).isoformat()),
    {'la-publish-report': E('met', add_wd(s,30), provisional=False), 'la-publish-statement': E('met', add_wd(s,70), provisional=False), 'la-send-action-plan': E('met', add_wd(s,70), provisional=False)},
    '30 WD from Fri 1 Sep 2028 end ' + fmt(add_wd(s,30)) + ', 70 WD ' + fmt(add_wd(s,70)) + ': both in 2028, the last announced year: not provisional.',
    framework='ILACS')
ins('ins-42-ofsted-published-before-the-inspection-ended', '2019-06-01',
    dict(inspection_end='2018-12-20', ofsted_published='2018-12-14'),
    {'la-publish-report': E('overdue', data_quality=True), 'la-publish-statement': E('overdue', data_quality=True), 'la-send-action-plan': E('overdue', data_quality=True)},
    'Bounds that contradict each other (published by Ofsted before the inspection ended): flagged. Whichever date is wrong, nothing was published by 1 Jun 2019, more than 70 WD after either: overdue.',
    framework='ILACS')
ins('ins-43-sif-lscb-only-ofsted-dates', '2017-06-01',
    dict(inspection_end='2017-02-09', ofsted_published='2017-03-31'),
    {'la-publish-report': E('overdue', '2017-05-17', on_bound='latest'), 'la-publish-statement': E('missing_data', add_wd(D('2017-03-31'),70)), 'la-send-action-plan': E('missing_data', add_wd(D('2017-03-31'),70)),
     'lscb-publish-report': E('overdue', '2017-05-17', on_bound='latest')},
    'Harrow 2017 (seed 000): SIF with an LSCB review, on site to Thu 9 Feb 2017, combined report published by Ofsted Fri 31 Mar 2017. The Board received its report no later than that: 30 WD (Good Friday 14 Apr, Easter Monday 17 Apr, 1 May skipped) = Wed 17 May 2017 at the latest; nothing by 1 Jun 2017: overdue on that bound. The statement and action plan (70 WD) are due between ' + fmt(add_wd(D('2017-02-09'),70)) + ' and ' + fmt(add_wd(D('2017-03-31'),70)) + ': as of 1 Jun 2017 the earliest has passed, the latest not: missing data.',
    framework='SIF', lscb_review=True, authority='Harrow')
ins('ins-44-sif-received-before-the-framework', '2014-06-01',
    dict(report_received='2013-10-31', report_published=add_wd(D('2013-10-31'),30).isoformat()),
    {'la-publish-report': E('met', add_wd(D('2013-10-31'),30)), 'la-publish-statement': E('overdue', add_wd(D('2013-10-31'),70)), 'la-send-action-plan': NA(), 'lscb-publish-report': NA()},
    'A report received 31 Oct 2013, before the SIF (Nov 2013): the Ofsted action-plan requirement and the LSCB review duty are not applicable; SI 2007/462 regs 2 and 3 apply (from 2007).',
    framework='SIF', lscb_review=True)
cmp_('comp-17-extended-after-the-response', '2022-12-31', dict(complaint_received='2022-09-09', stage1_response='2022-09-20', stage1_extended='2022-09-22'),
     {'complaint-stage1': E('met', '2022-09-26', data_quality=True)}, 'An extension recorded after the response extends nothing (flagged); the response of 20 Sep is within the 10 WD anyway: met.')
cmp_('comp-18-stage-2-extension-after-25-days', '2023-12-31', dict(complaint_received='2023-03-01', stage1_response='2023-03-15', stage2_start='2023-04-24', stage2_extended='2023-06-05', stage2_response='2023-06-20'),
     {'complaint-stage1': E('met', add_wd(D('2023-03-01'),10)), 'complaint-stage2': E('late', '2023-06-01', data_quality=True)},
     'The complainant was told only on 5 Jun 2023, after the 25 WD ended (Thu 1 Jun): the extension extends nothing (rule: after_deadline ignored), flagged: late.')
cpr('care-17-same-extension-entered-twice', '2026-03-31', dict(care_application_issued='2025-04-01', care_extension=['2025-09-15', '2025-09-15'], care_proceedings_disposed='2026-01-05'),
    {R: E('late', '2025-11-24', data_quality=True)}, 'The same extension entered twice is one order (8 weeks to Mon 24 Nov 2025), flagged; disposed 5 Jan 2026: late. Counting it twice would give 19 Jan 2026 and a false "met".')
cp('cp-23-icpc-the-same-day', '2021-12-31',
   dict(strategy_discussion='2021-03-01', icpc='2021-03-01'),
   {'icpc-15wd': E('met', add_wd(D('2021-03-01'),15))}, 'A conference on the day of the strategy discussion is within the 15 WD.', cp_plan=False)
cp('cp-24-conference-held-though-said-not-needed', '2021-12-31',
   dict(strategy_discussion='2021-03-01', icpc='2021-03-19'),
   {'icpc-15wd': NA(decision='Not applicable, as the record says (icpc_not_required defaults to no, so yes is a positive statement the duty honours), and flagged: an ICPC implies icpc_not_required no, so the record contradicts itself and only the council can tell which is wrong (docs/legal-reference.md, What a record\'s events imply). Until 7 December 2026 it was not flagged.', data_quality=True),
    'rcpc': NA(assumption='cp_plan taken as no')},
   'Contradictory record: a conference held, and marked as not needed.', icpc_not_required=True)
cp('cp-25-plan-ended-before-the-conference', '2021-12-31',
   dict(strategy_discussion='2021-03-01', icpc='2021-03-19', cp_plan_end='2021-03-10'),
   {'icpc-15wd': E('met', add_wd(D('2021-03-01'),15)), 'rcpc': [E('overdue', '2021-06-19', occurrence=1, data_quality=True)]},
   'A plan "ended" before the conference that made it cannot end it: not counted, flagged; the first review was due Sat 19 Jun 2021.', cp_plan=True)
lac('lac-25-same-visit-entered-twice', '2024-03-31',
    dict(became_looked_after='2024-01-01', placement_start='2024-01-01', cla_review=['2024-01-26'], visit=['2024-01-08', '2024-01-08', '2024-02-19']),
    {'cla-review': [E('met', add_wd(D('2024-01-01'),20), occurrence=1), E('due', '2024-04-26', occurrence=2)],
     'cla-visit': [E('met', '2024-01-08', occurrence=1, data_quality=True), E('met', '2024-02-19', occurrence=2, data_quality=True), E('due', '2024-04-01', occurrence=3, data_quality=True)]},
    'A visit entered twice counts once, flagged.')
mis('miss-13-date-only-return-timed-interview', '2024-03-31', dict(returned_from_missing='2024-03-01', return_interview='2024-03-04T23:00'),
    {RI: E('met', '2024-03-04', approximate=True)}, 'A return with only a date: the deadline is the third day after it (approximate); an interview at 23:00 on that day is within it.')
mis('miss-14-timed-return-date-only-interview', '2024-03-31', dict(returned_from_missing='2024-03-01T22:00', return_interview='2024-03-04'),
    {RI: E('met', approximate=True)}, 'An interview with only a date on the day the 72 hours end (Mon 4 Mar, 22:00): it may have been before or after 22:00; at best an approximate met.')
mis('miss-15-return-in-the-repeated-hour', '2024-11-30', dict(returned_from_missing='2024-10-27T01:30', return_interview='2024-10-30T01:00'),
    {RI: E('late', data_quality=True, decision='Flagged, and judged on the first reading (summer time), which the flag states: 01:30 BST is 00:30 GMT, 72 hours end 00:30 GMT on Wed 30 Oct, so an interview at 01:00 is half an hour late. The second reading would make it met; the flag tells the council to record the time with its offset (+01:00 or Z) to settle it. Stated in docs/rule-language.md step 8.')},
    'The clocks went back at 02:00 BST on 27 Oct 2024: 01:00-01:59 occurred twice.')
mis('miss-16-return-in-the-missing-hour', '2024-04-30', dict(returned_from_missing='2024-03-31T01:30', return_interview='2024-04-03T01:00'),
    {RI: E('met', data_quality=True)},
    'The clocks went forward at 01:00 GMT on 31 Mar 2024: 01:00-01:59 did not happen.')
lac('lac-26-visit-on-the-first-anniversary', '2024-06-30',
    dict(became_looked_after='2023-01-02', placement_start='2023-01-02', visit=v6 + ['2024-01-02', '2024-03-28']),
    {'cla-review': E('overdue', add_wd(D('2023-01-02'),20), occurrence=1),
     'cla-visit': [E('met', v6[0], occurrence=1)] + [E('met', v6[i], occurrence=i+1) for i in range(1, 9)] + [E('met', '2024-01-22', occurrence=10),
                   E('late', '2024-02-13', occurrence=11, decision='The tool counts while_within as it counts every period: excluding the day it starts from, so 12 months from Mon 2 Jan 2023 end at the end of Tue 2 Jan 2024 (the corresponding date), and a visit on the anniversary is within the first year, the next due within 6 weeks (Tue 13 Feb 2024); the visit of 28 Mar is late. The age convention (Family Law Reform Act 1969 s.9) governs attaining an age, not the end of a period reckoned from an event; reg 28(2) says "for the first year of the placement" without saying which. Arguable; the reading is stated in docs/rule-language.md (Recurring duties).'),
                   E('overdue', '2024-06-28', occurrence=12)]},
    'The first-year boundary: which interval follows a visit made on the placement\'s first anniversary?',
    placement_until_18=True)
