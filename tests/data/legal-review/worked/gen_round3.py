# ---- third round: "unknown" dates, versions on bounds, the as-of day for an hours clock, in-force edges
ins('ins-45-receipt-unknown-nothing-published', '2019-06-01',
    dict(inspection_end='2018-11-09', ofsted_published='2018-12-14', report_received='unknown'),
    {'la-publish-report': E('overdue', '2019-01-30', on_bound='latest'), 'la-publish-statement': E('overdue', add_wd(D('2018-12-14'),70), on_bound='latest'), 'la-send-action-plan': E('overdue', add_wd(D('2018-12-14'),70), on_bound='latest')},
    'report_received given as "unknown" (received, date not known) is no different from not recorded: the council received the report no later than Ofsted published it (Fri 14 Dec 2018), so nothing published by the latest possible deadline (Wed 30 Jan 2019) is overdue on that bound, as ins-18.',
    framework='ILACS')
r = D('2024-12-03')
ins('ins-46-published-on-an-unknown-date-before-the-deadline', '2025-01-10',
    dict(report_received='2024-12-03', report_published='unknown'),
    {'la-publish-report': E('missing_data', '2025-01-17', needs=['report_published'], decision='Kept as missing data. The README defines `unknown` as "it has happened, or may have, but the date is not known" (and `plan` says the same of an event given as unknown), so the tool reads it as the source not saying, like a missing column: had the report not yet been published it would be due, not met, and a council cannot defend a "met" resting on a publication that may not have happened. Neither reading makes it overdue, and missing data is counted apart, never as overdue. Where the record itself shows the completion happened (a fact the vocabulary implies, such as a conference implied by a plan), the tool does give met resting on the as-of date (docs/rule-language.md, What an event or a value implies). Recorded in docs/rule-language.md step 4.'),
     'la-publish-statement': E('due', '2025-03-14'), 'la-send-action-plan': E('due', '2025-03-14')},
    'A completion known to have happened, whose date is unknown, by an as-of date before the deadline.',
    framework='ILACS')
refl('ref-26-referral-date-missing-across-the-2013-change', '2013-12-31',
     dict(assessment_start='2013-04-20', assessment_completed='2013-05-01'),
     {'referral-decision-1wd': E('missing_data'), 'initial-assessment-10wd': E('missing_data', any_version=True), 'assessment-45wd-from-start': E('met', add_wd(D('2013-04-20'),45))},
     'The referral was no later than the assessment start (Sat 20 Apr 2013): it may have been before 15 Apr 2013 (WT 2010, initial assessment) or after (WT 2013): the version cannot be chosen, so missing data naming the referral date.')
mis('miss-17-as-of-the-deadline-day', '2024-03-04', dict(returned_from_missing='2024-03-01T22:00'),
    {RI: E('due', '2024-03-04T22:00')}, 'As of Mon 4 Mar 2024 (a date), the interview may still be held before 22:00 that day: due, not overdue.')
mis('miss-18-return-after-the-as-of-date', '2024-03-04', dict(returned_from_missing='2024-03-05T10:00'),
    {RI: NA(data_quality=True)}, 'A return recorded after the as-of date: the clock has not started, flagged.')
cmp_('comp-19-before-the-2006-regulations', '2007-06-30', dict(complaint_received='2006-08-31', stage1_response='2006-09-20'),
     {'complaint-stage1': NA()}, 'SI 2006/1738 in force 1 Sep 2006: a complaint received 31 Aug 2006 is outside it.')
cmp_('comp-20-first-day-of-the-2006-regulations', '2007-06-30', dict(complaint_received='2006-09-01', stage1_response=add_wd(D('2006-09-01'),10).isoformat()),
     {'complaint-stage1': E('met', add_wd(D('2006-09-01'),10))}, 'Fri 1 Sep 2006: 10 WD = ' + fmt(add_wd(D('2006-09-01'),10)) + '.')
cmp_('comp-21-received-on-good-friday', '2024-12-31', dict(complaint_received='2024-03-29', stage1_response=add_wd(D('2024-03-29'),10).isoformat()),
     {'complaint-stage1': E('met', add_wd(D('2024-03-29'),10))}, 'A complaint emailed on Good Friday (29 Mar 2024): the day of receipt is not counted whatever it is; Easter Monday 1 Apr skipped: 10th WD ' + fmt(add_wd(D('2024-03-29'),10)) + '.')
cp('cp-26-late-later-review-resets-the-clock', '2025-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', rcpc=['2024-04-15', '2024-12-01', '2025-05-30']),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('met', '2024-04-15', occurrence=1), E('late', '2024-10-15', occurrence=2, days_late=47), E('met', '2025-06-01', occurrence=3), E('overdue', '2025-11-30', occurrence=4)]},
   'Second review due Tue 15 Oct 2024, held 1 Dec: 47 days late; the third runs from 1 Dec 2024: Sun 1 Jun 2025 (held 30 May); the fourth from 30 May 2025: Sun 30 Nov 2025, none by 31 Dec.', cp_plan=True)
cpr('care-18-disposed-on-the-issue-day', '2025-12-31', dict(care_application_issued='2025-04-01', care_proceedings_disposed='2025-04-01'),
    {R: E('met', '2025-09-29')}, 'Disposed of on the day of issue (a withdrawn application): within the 26 weeks.')
lac('lac-27-visit-on-the-placement-day', '2024-03-31',
    dict(became_looked_after='2024-01-01', placement_start='2024-01-01', cla_review=['2024-01-26'], visit=['2024-01-01', '2024-02-12']),
    {'cla-review': [E('met', add_wd(D('2024-01-01'),20), occurrence=1), E('due', '2024-04-26', occurrence=2)],
     'cla-visit': [E('met', '2024-01-08', occurrence=1), E('met', '2024-02-12', occurrence=2), E('due', '2024-03-25', occurrence=3) if False else E('overdue', '2024-03-25', occurrence=3)]},
    'A visit on the day of the placement is "within one week of the start": met; the next within 6 weeks of that visit (Mon 12 Feb), then Mon 25 Mar 2024; none by 31 Mar: overdue.')
cp('cp-27-plan-end-implies-a-plan', '2024-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', cp_plan_end='2024-09-01'),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('overdue', '2024-04-15', occurrence=1, assumption='cp_plan taken as yes')]},
   'Issue 18 point 6: a plan end implies a plan. The first review was due Mon 15 Apr 2024 while the plan lasted (to 1 Sep): missed.')
cp('cp-28-plan-ended-before-the-first-review-was-due', '2025-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', cp_plan_end='2024-02-01'),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)),
    'rcpc': [E('not_applicable', occurrence=1, reason_has='cp_plan_end on Thu 01 Feb 2024, on or before the day the first rcpc was due (Mon 15 Apr 2024): none was owed')]},
   'A plan that ends within weeks of the initial conference: no review conference is owed.', cp_plan=True)
