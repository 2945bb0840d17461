def cpr(id, as_of, ev, exp, why):
    rec(id, 'care-proceedings', D(as_of), {k: ([D(x) for x in v] if isinstance(v, list) else D(v)) for k,v in ev.items()}, exp, why, area='care-proceedings')
R = 'care-proceedings-26wk'
def end26(s): return weeks(D(s), 26, including=True)
cpr('care-01-26-weeks-beginning-with-issue', '2025-12-31', dict(care_application_issued='2025-04-01', care_proceedings_disposed='2025-09-29'),
    {R: E('met', '2025-09-29', data_quality=False)}, 'CA 1989 s.32(1)(a)(ii): 26 weeks "beginning with the day on which the application was issued": the issue day is day 1, so Tue 1 Apr 2025 + 181 days = Mon 29 Sep 2025 (legal-timelines s.1.1 rule 2, s.5.3).')
cpr('care-02-a-day-over', '2025-12-31', dict(care_application_issued='2025-04-01', care_proceedings_disposed='2025-09-30'),
    {R: E('late', '2025-09-29', days_late=1)}, 'Disposed Tue 30 Sep 2025: one day over the 26 weeks.')
cpr('care-03-extension-before-expiry', '2025-12-31', dict(care_application_issued='2025-04-01', care_extension=['2025-09-15'], care_proceedings_disposed='2025-11-24'),
    {R: E('met', '2025-11-24', data_quality=False)}, 's.32(8): 8 weeks after the later of the end of the period (Mon 29 Sep) and the grant day (15 Sep): Mon 24 Nov 2025.')
cpr('care-04-extension-after-expiry', '2025-12-31', dict(care_application_issued='2025-04-01', care_extension=['2025-10-10'], care_proceedings_disposed='2025-12-04'),
    {R: E('met', '2025-12-05', data_quality=False)}, 'Issue 18 point 1: granted Fri 10 Oct 2025, after the 26 weeks ran out: it still extends, to 8 weeks after the end of the grant day: Fri 5 Dec 2025; not a data-quality problem.')
cpr('care-05-second-extension-after-the-first-expired', '2026-03-31', dict(care_application_issued='2025-04-01', care_extension=['2025-09-15', '2025-12-01'], care_proceedings_disposed='2026-01-20'),
    {R: E('met', '2026-01-26', data_quality=False)}, 'The first ends Mon 24 Nov 2025; the second, granted Mon 1 Dec after that, ends 8 weeks after the grant day: Mon 26 Jan 2026; no cap on the number of extensions.')
cpr('care-06-two-extensions-both-in-time', '2026-03-31', dict(care_application_issued='2025-04-01', care_extension=['2025-09-15', '2025-11-10'], care_proceedings_disposed='2026-01-19'),
    {R: E('met', '2026-01-19')}, 'The first ends Mon 24 Nov 2025; the second, granted 10 Nov while it ran, adds 8 weeks to its end: Mon 19 Jan 2026.')
cpr('care-07-extension-on-the-last-day', '2025-12-31', dict(care_application_issued='2025-04-01', care_extension=['2025-09-29'], care_proceedings_disposed='2025-11-25'),
    {R: E('late', '2025-11-24', days_late=1)}, 'Granted Mon 29 Sep, the last day of the 26 weeks: the later of the two is the same day: ends Mon 24 Nov 2025; disposed 25 Nov: 1 day over.')
cpr('care-08-extension-before-issue', '2025-12-31', dict(care_application_issued='2025-04-01', care_extension=['2025-03-15'], care_proceedings_disposed='2025-10-15'),
    {R: E('late', '2025-09-29', days_late=16, data_quality=True)}, 'An extension dated before the application was issued extends nothing (flagged): judged on the 26 weeks.')
cpr('care-09-extension-after-disposal', '2025-12-31', dict(care_application_issued='2025-04-01', care_proceedings_disposed='2025-10-20', care_extension=['2025-10-25']),
    {R: E('late', '2025-09-29', days_late=21, data_quality=True)}, 'An extension recorded after the case was disposed of extends nothing, whatever after_deadline says (flagged): late against the 26 weeks.')
cpr('care-10-issued-the-day-before-the-2014-amendment', '2015-06-30', dict(care_application_issued='2014-04-21', care_proceedings_disposed='2014-12-01'),
    {R: NA()}, 'CFA 2014 s.14 in force 22 Apr 2014 (SI 2014/889 art 4(c)): an application issued on 21 Apr 2014 is outside it.')
cpr('care-11-issued-on-the-first-day', '2015-06-30', dict(care_application_issued='2014-04-22', care_proceedings_disposed='2014-10-20'),
    {R: E('met', end26('2014-04-22'))}, 'Tue 22 Apr 2014 + 181 days = Mon 20 Oct 2014.')
cpr('care-12-issued-29-february', '2024-12-31', dict(care_application_issued='2024-02-29'),
    {R: E('overdue', end26('2024-02-29'))}, '26 weeks beginning with Thu 29 Feb 2024 end Wed 28 Aug 2024 (+181 days).')
cpr('care-13-as-of-the-last-day', '2025-09-29', dict(care_application_issued='2025-04-01'),
    {R: E('due', '2025-09-29', days_left=0)}, 'On the last day of the 26 weeks the case is still within time: due, 0 days left.')
cpr('care-14-three-extensions-the-last-after-expiry', '2026-06-30', dict(care_application_issued='2025-04-01', care_extension=['2025-09-15', '2025-11-20', '2026-02-10'], care_proceedings_disposed='2026-04-07'),
    {R: E('met', '2026-04-07', data_quality=False)}, 'First to Mon 24 Nov 2025; second (granted 20 Nov, in time) to Mon 19 Jan 2026; third granted Tue 10 Feb 2026, after that ran out: 8 weeks from the grant day: Tue 7 Apr 2026.')
cpr('care-15-extension-entered-ahead', '2025-10-01', dict(care_application_issued='2025-04-01', care_extension=['2025-10-10']),
    {R: E('overdue', '2025-09-29', days_late=2, data_quality=True)}, 'An extension recorded for 10 Oct 2025, after the as-of date (1 Oct): not granted as of then: not counted, flagged; overdue by 2 days.')
cpr('care-16-extension-granted-after-expiry-case-still-open', '2026-01-10', dict(care_application_issued='2025-04-01', care_extension=['2025-10-10']),
    {R: E('overdue', '2025-12-05', days_late=36)}, 'Extended from the grant day (Fri 10 Oct) to Fri 5 Dec 2025; open on 10 Jan 2026: 36 days over.')

def cmp_(id, as_of, ev, exp, why):
    rec(id, 'complaint', D(as_of), {k: ([D(x) for x in v] if isinstance(v, list) else D(v)) for k,v in ev.items()}, exp, why, area='complaint')
C445 = 'SI 2020/445 reg 6'
r = D('2022-09-09')
cmp_('comp-01-state-funeral', '2022-12-31', dict(complaint_received='2022-09-09', stage1_response='2022-09-26'),
     {'complaint-stage1': E('met', '2022-09-26')}, 'SI 2006/1738 reg 14: 10 WD from receipt (Fri 9 Sep 2022), the State Funeral (Mon 19 Sep) skipped: Mon 26 Sep. Resolved at stage 1: no stage 2, panel or response (the clocks never started).')
cmp_('comp-02-extended-in-time', '2022-12-31', dict(complaint_received='2022-09-09', stage1_extended='2022-09-20', stage1_response='2022-10-10'),
     {'complaint-stage1': E('met', add_wd(r,20), data_quality=False)}, 'Extended on 20 Sep, within the 10 WD: 20 WD in all: ' + fmt(add_wd(r,20)) + '.')
cmp_('comp-03-extended-too-late', '2022-12-31', dict(complaint_received='2022-09-09', stage1_extended='2022-09-28', stage1_response='2022-10-07'),
     {'complaint-stage1': E('late', '2022-09-26', working_days_late=9, days_late=11, data_quality=True)}, 'Issue 18 point 1: a complaint extension after the 10 WD ran out extends nothing (unlike care proceedings): late by 9 WD, flagged.')
cmp_('comp-04-extended-on-the-tenth-day', '2022-12-31', dict(complaint_received='2022-09-09', stage1_extended='2022-09-26', stage1_response='2022-10-10'),
     {'complaint-stage1': E('met', add_wd(r,20), data_quality=False)}, 'Extended on Mon 26 Sep, the 10th WD itself, still within the period: 20 WD in all.')
cmp_('comp-05-extended-before-the-complaint', '2022-12-31', dict(complaint_received='2022-09-09', stage1_extended='2022-09-01', stage1_response='2022-10-10'),
     {'complaint-stage1': E('late', '2022-09-26', data_quality=True)}, 'An extension dated before the complaint was received extends nothing (flagged).')
s2 = D('2023-04-24')
cmp_('comp-06-stage-2-coronation', '2023-12-31', dict(complaint_received='2023-03-01', stage1_response='2023-03-15', stage2_start='2023-04-24', stage2_response='2023-06-01'),
     {'complaint-stage1': E('met', add_wd(D('2023-03-01'),10)), 'complaint-stage2': E('met', '2023-06-01')}, 'reg 17: 25 WD from the start date (Mon 24 Apr 2023), 1 May, 8 May (Coronation) and 29 May skipped: Thu 1 Jun 2023.')
cmp_('comp-07-stage-2-extended-to-65', '2023-12-31', dict(complaint_received='2023-03-01', stage1_response='2023-03-15', stage2_start='2023-04-24', stage2_extended='2023-05-10', stage2_response=add_wd(s2,65).isoformat()),
     {'complaint-stage1': E('met', add_wd(D('2023-03-01'),10)), 'complaint-stage2': E('met', add_wd(s2,65))}, 'The complainant told that 25 WD is not reasonably practicable: at most 65 WD: ' + fmt(add_wd(s2,65)) + '.')
cmp_('comp-08-stage-2-response-implies-it-ran', '2023-12-31', dict(complaint_received='2023-04-20', stage1_response='2023-04-21', stage2_response='2023-05-25'),
     {'complaint-stage1': E('met', add_wd(D('2023-04-20'),10)), 'complaint-stage2': E('met', '2023-05-30', on_bound='earliest', assumption='stage2_start')}, 'Issue 18 point 6: a stage 2 response implies stage 2 ran; its start is no earlier than the complaint (Thu 20 Apr 2023), so the deadline is no earlier than Tue 30 May (1, 8 May skipped); answered 25 May: met on that bound.')
cmp_('comp-09-panel-in-the-covid-window', '2020-12-31', dict(complaint_received='2020-01-06', stage1_response='2020-01-17', stage2_start='2020-02-03', stage2_response='2020-03-06', panel_requested='2020-05-01', panel_held='2020-06-16', panel_report_sent='2020-06-23', panel_report_received='2020-06-24', la_response='2020-07-16'),
     {'complaint-stage1': E('met', add_wd(D('2020-01-06'),10), caveat=False), 'complaint-stage2': E('met', add_wd(D('2020-02-03'),25), caveat=False),
      'complaint-panel': E('met', '2020-06-16', caveat=C445), 'complaint-panel-report': E('met', '2020-06-23', caveat=C445), 'complaint-la-response': E('late', '2020-07-15', working_days_late=1, caveat=C445)},
     'reg 19(4): 30 WD from Fri 1 May 2020 (8 May VE Day, 25 May skipped) = Tue 16 Jun (legal-timelines s.7); reg 20: 5 WD from Tue 16 Jun = Tue 23 Jun; reg 21: 15 WD from Wed 24 Jun = Wed 15 Jul; all in SI 2020/445\'s window: caveat.')
cmp_('comp-10-panel-held-implies-a-request', '2020-12-31', dict(complaint_received='2019-09-02', stage1_response='2019-09-13', stage2_start='2019-10-01', stage2_response='2019-11-01', panel_held='2019-12-02', panel_report_sent='2019-12-09'),
     {'complaint-stage1': E('met', add_wd(D('2019-09-02'),10)), 'complaint-stage2': E('met', add_wd(D('2019-10-01'),25)),
      'complaint-panel': E('met', add_wd(D('2019-11-01'),30), on_bound='earliest', assumption='panel_requested'),
      'complaint-panel-report': E('met', '2019-12-09'),
      'complaint-la-response': E('missing_data', assumption='panel_report_received taken as happened')},
     'A panel met, so it was requested (reg 19(4)), on a date not recorded but no earlier than the stage 2 start (1 Oct 2019): the earliest deadline is ' + fmt(add_wd(D('2019-10-01'),30)) + '; held 2 Dec, after that: not decided on that bound. Panel report within 5 WD of 2 Dec = Mon 9 Dec. No response or receipt recorded: the recommendations were sent, so the council received them on a date not recorded (missing data).')
cmp_('comp-11-response-implies-the-chain', '2020-12-31', dict(complaint_received='2019-09-02', stage1_response='2019-09-13', stage2_start='2019-10-01', stage2_response='2019-11-01', panel_requested='2019-11-20', panel_held='2019-12-16', la_response='2020-01-02'),
     {'complaint-stage1': E('met', add_wd(D('2019-09-02'),10)), 'complaint-stage2': E('met', add_wd(D('2019-10-01'),25)),
      'complaint-panel': E('met', add_wd(D('2019-11-20'),30)), 'complaint-panel-report': E('missing_data', add_wd(D('2019-12-16'),5), needs=['panel_report_sent']),
      'complaint-la-response': E('met', add_wd(D('2019-12-16'),15), on_bound='earliest', assumption='panel_report_received')},
     'The council\'s response (2 Jan 2020) implies it received the recommendations, no earlier than the panel met (Mon 16 Dec 2019): the earliest deadline is 15 WD after 16 Dec = ' + fmt(add_wd(D('2019-12-16'),15)) + ' (25, 26 Dec, 1 Jan skipped): met on that bound. The panel report: no sending date, but it was received, so sent on a date not recorded: missing data.')
cmp_('comp-12-saved-by-reg-17-of-si-2020-445', '2020-12-31', dict(complaint_received='2020-09-01', stage1_response='2020-09-15', stage2_start='2020-10-15', stage2_response=add_wd(D('2020-10-15'),25).isoformat()),
     {'complaint-stage1': E('met', add_wd(D('2020-09-01'),10), caveat=C445),
      'complaint-stage2': E('met', add_wd(D('2020-10-15'),25), decision='No caveat: caveats are keyed on the period of the duty itself (trigger to deadline), and stage 2 here ran from 15 Oct 2020, after the window. The saving in SI 2020/445 reg 17 for representations made during the relevant period is of unverified content (legal-timelines s.5.4: existence verified, content not), so the tool builds nothing on it; the stage 1 finding of the same complaint carries the SI 2020/445 caveat and tells the reader to check. Stated in docs/legal-reference.md.')},
     'Complaint received 1 Sep 2020, inside SI 2020/445\'s window; stage 2 from 15 Oct 2020.')
cmp_('comp-13-deadline-in-2101', '2100-12-31', dict(complaint_received='2100-12-20'),
     {'complaint-stage1': E('missing_data')}, 'Issue 18 point 10 / rule-language step 9: 10 WD from Mon 20 Dec 2100 fall in January 2101, outside the calendars: missing data for this record alone, naming the date.')
cmp_('comp-14-response-entered-ahead', '2024-06-03', dict(complaint_received='2024-05-20', stage1_response='2024-06-14'),
     {'complaint-stage1': E('due', add_wd(D('2024-05-20'),10), data_quality=True)}, 'A response dated 14 Jun 2024, after the as-of date (3 Jun): not counted; the stage 1 deadline (' + fmt(add_wd(D('2024-05-20'),10)) + ', 27 May skipped) is still to come: due, flagged.')
cmp_('comp-15-stage-2-started-the-day-stage-1-answered', '2025-03-31', dict(complaint_received='2024-12-20', stage1_response='2025-01-08', stage2_start='2025-01-08'),
     {'complaint-stage1': E('met', add_wd(D('2024-12-20'),10)), 'complaint-stage2': E('overdue', add_wd(D('2025-01-08'),25))},
     'Stage 1 from Fri 20 Dec 2024, 25, 26 Dec and 1 Jan skipped: ' + fmt(add_wd(D('2024-12-20'),10)) + '. Stage 2 from Wed 8 Jan 2025: 25 WD = ' + fmt(add_wd(D('2025-01-08'),25)) + '; no response by 31 Mar: overdue.')
cmp_('comp-16-stage-2-start-entered-ahead', '2024-12-31', dict(complaint_received='2024-12-02', stage1_response='2024-12-13', stage2_start='2025-01-08'),
     {'complaint-stage1': E('met', add_wd(D('2024-12-02'),10)), 'complaint-stage2': NA(data_quality=True), 'complaint-panel': NA(data_quality=True)},
     'A stage 2 start dated after the as-of date: the clock has not started (not applicable), flagged (issue 18 point 8).')
