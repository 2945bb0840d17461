K='inspection'
CAV445 = 'SI 2020/445'
FV = 'Arguable'
def ins(id, as_of, ev, exp, why, **attrs):
    rec(id, K, D(as_of), {k: (D(v) if isinstance(v,str) and v[:1].isdigit() and len(v)==10 else v) for k,v in ev.items()}, exp, why, attributes=attrs or None, area='inspection')

r = D('2019-12-12')
ins('ins-01-ilacs-all-on-time', '2020-06-01',
    dict(framework=None) if False else dict(report_received='2019-12-12', report_published='2020-01-28', statement_published='2020-03-24', action_plan_sent='2020-03-24'),
    {'la-publish-report': E('met', add_wd(r,30), caveat=False, data_quality=False),
     'la-publish-statement': E('met', add_wd(r,70), caveat=False),
     'la-send-action-plan': E('met', add_wd(r,70), caveat=False),
     'lscb-publish-report': NA(data_quality=False), 'jar-publish-report': NA(), 'jar-written-statement': NA()},
    'SI 2007/462 reg 2 and 3, "within 30/70 working days of receiving": receipt Thu 12 Dec 2019 not counted; 25, 26 Dec, 1 Jan skipped: 30th WD Tue 28 Jan 2020, 70th WD Tue 24 Mar 2020 (legal-timelines s.7). ILACS never carries an LSCB review (issue 18 point 2).',
    framework='ILACS')
ins('ins-02-ilacs-published-a-day-late', '2020-06-01',
    dict(report_received='2019-12-12', report_published='2020-01-29'),
    {'la-publish-report': E('late', '2020-01-28', working_days_late=1, days_late=1),
     'la-publish-statement': E('overdue', '2020-03-24', working_days_late=wd_between(D('2020-03-24'), D('2020-06-01'))),
     'la-send-action-plan': E('overdue', '2020-03-24', caveat=False)},
    'Published Wed 29 Jan 2020, the day after the 30th working day: late by 1. Nothing else done by 1 Jun 2020: the 70 WD ended Tue 24 Mar, before SI 2020/445 window (24 Apr), so no caveat: the period trigger-to-deadline does not meet the window.',
    framework='ILACS')
r = D('2019-12-14')
ins('ins-03-received-on-a-saturday', '2020-06-01',
    dict(report_received='2019-12-14', report_published=add_wd(r,30).isoformat(), statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,71).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30)),
     'la-publish-statement': E('met', add_wd(r,70)),
     'la-send-action-plan': E('late', add_wd(r,70), working_days_late=1)},
    f'A report emailed on Sat 14 Dec 2019: the receipt day is not counted whatever day it is; counting starts Mon 16 Dec; 30th WD {fmt(add_wd(r,30))}, 70th {fmt(add_wd(r,70))} (Dodds v Walker exclusion; legal-timelines s.1.3: take the calendar date of receipt).',
    framework='ILACS')
r = D('2016-12-22')
ins('ins-04-sif-with-lscb-review', '2017-06-01',
    dict(inspection_end='2016-11-10', ofsted_published='2016-12-22', report_received='2016-12-22', report_published='2017-02-07', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat(), lscb_report_received='2016-12-22', lscb_report_published='2017-02-07'),
    {'la-publish-report': E('met', '2017-02-07'), 'la-publish-statement': E('met', add_wd(r,70)), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': E('met', '2017-02-07', data_quality=False)},
    'SIF with an LSCB review (the only framework that carried one). Received Thu 22 Dec 2016: 26 and 27 Dec 2016 (Christmas on a Sunday) and Mon 2 Jan 2017 skipped: 30th WD Tue 7 Feb 2017.',
    framework='SIF', lscb_review=True)
ins('ins-05-sif-lscb-review-implied', '2017-06-01',
    dict(report_received='2016-12-22', report_published='2017-02-07', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat(), lscb_report_received='2016-12-22', lscb_report_published='2017-02-08'),
    {'la-publish-report': E('met', '2017-02-07'), 'la-publish-statement': E('met', add_wd(r,70)), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': E('late', '2017-02-07', working_days_late=1, assumption='lscb_review taken as yes')},
    'Issue 18 point 6: an LSCB review report received implies the review took place; the finding says so as an assumption. Published the day after the 30th WD: late by 1.',
    framework='SIF')
ins('ins-06-sif-says-nothing-of-an-lscb-review', '2017-06-01',
    dict(report_received='2016-12-22', report_published='2017-02-07', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat()),
    {'la-publish-report': E('met', '2017-02-07'), 'la-publish-statement': E('met', add_wd(r,70)), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': E('missing_data')},
    'A SIF record that says nothing of an LSCB review (and has no LSCB event): whether the Board was reviewed is not known, so missing data (asking for lscb_review), not not-applicable.',
    framework='SIF')
ins('ins-07-sif-lscb-review-false-but-report-received', '2017-06-01',
    dict(report_received='2016-12-22', report_published='2017-02-07', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat(), lscb_report_received='2016-12-22'),
    {'la-publish-report': E('met', '2017-02-07'), 'la-publish-statement': E('met', add_wd(r,70)), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': NA(data_quality=True)},
    'The record says lscb_review: false yet has an LSCB report received: it contradicts what its own event implies; the record keeps what it says (no duty) and is flagged (docs/rule-language.md, implies).',
    framework='SIF', lscb_review=False)
r = D('2019-11-01')
ins('ins-08-ilacs-claims-an-lscb-review', '2020-06-01',
    dict(report_received='2019-11-01', report_published=add_wd(r,30).isoformat(), statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat(), lscb_report_received='2019-11-01'),
    {'la-publish-report': E('met', add_wd(r,30)), 'la-publish-statement': E('met', add_wd(r,70), caveat=False), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': NA()},
    'ILACS never carries an LSCB review and LSCBs had ended by 29 Sep 2019: not applicable whatever lscb_review says (issue 18 point 2). 70 WD from Fri 1 Nov 2019 end before the COVID window.',
    framework='ILACS', lscb_review=True)
r = D('2018-03-01')
ins('ins-09-jtai-statement-required', '2018-12-31',
    dict(report_received='2018-03-01', statement_published=add_wd(r,70).isoformat()),
    {'jar-written-statement': E('met', add_wd(r,70)), 'lscb-publish-report': NA()},
    f'SI 2015/1792 reg 4 (70 WD of receiving, principal authority). Received Thu 1 Mar 2018: Good Friday 30 Mar, Easter Monday 2 Apr, 7 and 28 May skipped: 70th WD {fmt(add_wd(r,70))}. A JTAI is not a s.137 inspection (no la-publish-report) and never carries an LSCB review.',
    framework='JTAI', statement_required=True)
ins('ins-10-jtai-statement-required-not-said', '2018-12-31',
    dict(report_received='2018-03-01'),
    {'jar-written-statement': E('missing_data', needs=['statement_required']), 'lscb-publish-report': NA()},
    'HMCI decides in the report whether a statement is required (reg 3): a record that does not say is missing data naming statement_required.',
    framework='JTAI')
r = D('2010-06-01')
ins('ins-11-jar-2010-late', '2011-01-01',
    dict(report_received='2010-06-01', report_published='2010-07-14'),
    {'jar-publish-report': E('late', '2010-07-13', working_days_late=1), 'jar-written-statement': NA(), 'lscb-publish-report': NA()},
    'SI 2005/1973 reg 3(4): 30 WD of receiving; received Tue 1 Jun 2010 (31 May spring holiday is before it), 30th WD Tue 13 Jul 2010. The 2015 written-statement rule was not in force in 2010: not applicable although statement_required is not given (in force decides before a missing condition).',
    framework='JAR')
r = D('2015-11-08')
ins('ins-12-jar-received-on-the-last-day-of-the-2005-regs', '2016-06-01',
    dict(report_received='2015-11-08', report_published=add_wd(r,30).isoformat()),
    {'jar-publish-report': E('met', add_wd(r,30)), 'jar-written-statement': NA()},
    f'SI 2005/1973 applied to reports received up to 8 Nov 2015 (SI 2015/1792 in force 9 Nov 2015). Received Sun 8 Nov 2015: counting from Mon 9 Nov; 25 and 28 Dec 2015, 1 Jan 2016 skipped: 30th WD {fmt(add_wd(r,30))}.',
    framework='JAR', statement_required=True)
r = D('2015-11-09')
ins('ins-13-jar-received-on-the-first-day-of-the-2015-regs', '2016-06-01',
    dict(report_received='2015-11-09', statement_published=add_wd(r,70).isoformat()),
    {'jar-publish-report': NA(), 'jar-written-statement': E('met', add_wd(r,70))},
    f'SI 2015/1792 reg 4 from 9 Nov 2015: 70 WD, Christmas 2015 (25, 28 Dec), 1 Jan, Good Friday 25 Mar, Easter Monday 28 Mar 2016 skipped: {fmt(add_wd(r,70))}.',
    framework='JAR', statement_required=True)
r = D('2018-11-01')
ins('ins-14-focused-visit-priority-actions', '2019-06-01',
    dict(report_received='2018-11-01', report_published='2018-12-13', draft_action_plan_sent='2018-11-29', action_plan_sent='2019-02-13'),
    {'la-publish-report': E('met', '2018-12-13', caveat=FV), 'la-publish-statement': NA(), 'la-send-action-plan': NA(),
     'fv-priority-draft-plan': E('met', '2018-11-29'), 'fv-priority-action-plan': E('late', '2019-02-12', working_days_late=1)},
    'Issue 18 point 3: a focused-visit letter is a s.137 report (EIA 2006 s.136 inspection), so SI 2007/462 reg 2 applies, with the caveat that the point is arguable; no written statement is asked. Ofsted policy (CYP Now 16 Aug 2018): draft 20 WD, final 70 WD. Received Thu 1 Nov 2018: 20th WD Thu 29 Nov, 30th Thu 13 Dec, 70th Tue 12 Feb 2019.',
    framework='ILACS-focused-visit', priority_actions=True)
r = D('2019-03-01')
ins('ins-15-focused-visit-priority-actions-not-said', '2019-12-31',
    dict(report_received='2019-03-01', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30), caveat=FV), 'fv-priority-draft-plan': E('missing_data', needs=['priority_actions']), 'fv-priority-action-plan': E('missing_data', needs=['priority_actions'])},
    f'No priority_actions given: the action-plan duties are missing data naming it. Reg 2 deadline from Fri 1 Mar 2019 (Good Friday 19 Apr, Easter Monday 22 Apr skipped): {fmt(add_wd(r,30))}.',
    framework='ILACS-focused-visit')
ins('ins-16-focused-visit-no-priority-actions-not-published', '2019-12-31',
    dict(report_received='2019-03-01'),
    {'la-publish-report': E('overdue', add_wd(r,30), caveat=FV)},
    'No priority actions: no action plan (Ofsted framework). The letter not published by the as-of date: overdue under reg 2, caveated as arguable.',
    framework='ILACS-focused-visit', priority_actions=False)
r = D('2018-06-01')
ins('ins-17-focused-visit-before-the-priority-action-policy', '2019-06-01',
    dict(report_received='2018-06-01', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30), caveat=FV)},
    'The priority-action plans were asked from August/September 2018 (CYP Now 16 Aug 2018); a letter received 1 Jun 2018 is before that: not applicable.',
    framework='ILACS-focused-visit', priority_actions=True)
p = D('2018-12-14')
ins('ins-18-haringey-2018-only-ofsted-publication-known', '2019-06-01',
    dict(inspection_end='2018-11-09', ofsted_published='2018-12-14'),
    {'la-publish-report': E('overdue', add_wd(p,30), on_bound='latest', working_days_late=wd_between(add_wd(p,30), D('2019-06-01'))),
     'la-publish-statement': E('overdue', add_wd(p,70), on_bound='latest'),
     'la-send-action-plan': E('overdue', add_wd(p,70), on_bound='latest')},
    f'Haringey ILACS (seed 002): on site to 9 Nov 2018, Ofsted published Fri 14 Dec 2018; the council received the report no later than that, so the latest possible deadlines are 30 WD {fmt(add_wd(p,30))} and 70 WD {fmt(add_wd(p,70))}; nothing recorded by 1 Jun 2019: overdue on the latest bound. (The paper gives an action-plan deadline of 18 Mar 2019, i.e. receipt on 5 Dec 2018.)',
    framework='ILACS', authority='Haringey')
e = D('2026-10-02')
ins('ins-19-earliest-deadline-still-to-come', '2026-10-20',
    dict(inspection_end='2026-10-02'),
    {'la-publish-report': E('due', add_wd(e,30), on_bound='earliest', working_days_left=wd_between(D('2026-10-20'), add_wd(e,30))),
     'la-publish-statement': E('due', add_wd(e,70), on_bound='earliest'),
     'la-send-action-plan': E('due', add_wd(e,70), on_bound='earliest')},
    'Issue 18 point 7: the report cannot have been received before the inspection ended (Fri 2 Oct 2026), so even the earliest possible deadline (Fri 13 Nov 2026) is after the as-of date: due, resting on that bound, never missing data.',
    framework='ILACS')
r = D('2018-11-01')
ins('ins-20-published-typed-2108', '2019-06-01',
    dict(report_received='2018-11-01', report_published='2108-12-14'),
    {'la-publish-report': E('overdue', '2018-12-13', working_days_late=114, days_late=170, data_quality=True),
     'la-publish-statement': E('overdue', add_wd(r,70)), 'la-send-action-plan': E('overdue', add_wd(r,70)),
     'jar-publish-report': NA(data_quality=True)},
    'Issue 18 point 8: 14/12/2108 is after the as-of date: not counted as done, flagged, and the explanation must say what was recorded. The flag is on every finding whose rule reads report_published (so also the not-applicable JAR duty).',
    framework='ILACS')
r = D('2060-01-05')
ins('ins-21-a-2060-inspection', '2060-06-01',
    dict(report_received='2060-01-05', report_published='2060-02-16'),
    {'la-publish-report': E('met', add_wd(r,30), provisional=True),
     'la-publish-statement': E('overdue', add_wd(r,70), provisional=True), 'la-send-action-plan': E('overdue', add_wd(r,70))},
    f'Issue 18 point 10: a 2060 date is counted on the projected calendar and marked provisional. Received Mon 5 Jan 2060: 30th WD {fmt(add_wd(r,30))}; 70th {fmt(add_wd(r,70))} (Good Friday 16 Apr, Easter Monday 19 Apr 2060 by the Gregorian computus).',
    framework='ILACS')
r = D('2020-04-01')
ins('ins-22-received-before-the-covid-window-runs-into-it', '2020-12-31',
    dict(report_received='2020-04-01', report_published='2020-05-18', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat()),
    {'la-publish-report': E('met', '2020-05-18', caveat=CAV445), 'la-publish-statement': E('met', add_wd(r,70), caveat=CAV445), 'la-send-action-plan': E('met', add_wd(r,70), caveat=CAV445)},
    'Received Wed 1 Apr 2020: 10 and 13 Apr (Easter) and Fri 8 May (VE Day, moved from 4 May) skipped: 30th WD Mon 18 May. The period runs into SI 2020/445 (24 Apr-25 Sep 2020, reg 7 modified SI 2007/462): caveat.',
    framework='ILACS')
r = D('2020-03-02')
ins('ins-23-publication-period-ends-before-the-window', '2020-12-31',
    dict(report_received='2020-03-02', report_published='2020-04-15', statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat()),
    {'la-publish-report': E('met', '2020-04-15', caveat=False), 'la-publish-statement': E('met', add_wd(r,70), caveat=CAV445), 'la-send-action-plan': E('met', add_wd(r,70), caveat=CAV445)},
    'Received Mon 2 Mar 2020: 30th WD Wed 15 Apr (Good Friday and Easter Monday skipped), before 24 Apr: no caveat on publication; the 70 WD run to ' + fmt(add_wd(r,70)) + ', into the window: caveat.',
    framework='ILACS')
r = D('2020-09-25')
ins('ins-24-received-on-the-last-day-of-the-window', '2020-12-31',
    dict(report_received='2020-09-25', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30), caveat=CAV445), 'la-publish-statement': E('overdue', add_wd(r,70), caveat=CAV445) if add_wd(r,70) < D('2020-12-31') else E('due', add_wd(r,70), caveat=CAV445), 'la-send-action-plan': E('due', add_wd(r,70), caveat=CAV445)},
    'Received Fri 25 Sep 2020, the last day of SI 2020/445\'s relevant period ("beginning with 24 April and ending with 25 September"): the report was received while the modification applied, so the caveat shows.',
    framework='ILACS')
r = D('2020-09-28')
ins('ins-25-received-after-the-window', '2020-12-31',
    dict(report_received='2020-09-28', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30), caveat=False), 'la-publish-statement': E('due', add_wd(r,70), caveat=False), 'la-send-action-plan': E('due', add_wd(r,70), caveat=False)},
    'Received Mon 28 Sep 2020, after the window closed on 25 Sep: no caveat.',
    framework='ILACS')
r = D('2019-03-01')
ins('ins-26-published-before-received', '2019-06-01',
    dict(report_received='2019-03-01', report_published='2019-02-20'),
    {'la-publish-report': E('overdue', add_wd(r,30), data_quality=True), 'la-publish-statement': E('due', add_wd(r,70)), 'la-send-action-plan': E('due', add_wd(r,70))},
    'Events in the wrong order: a publication dated before receipt cannot discharge the duty; judged as not done, flagged.',
    framework='ILACS')
r = D('2024-03-01')
ins('ins-27-framework-not-given', '2024-12-31',
    dict(report_received='2024-03-01', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('missing_data', needs=['framework']), 'la-publish-statement': E('missing_data', needs=['framework']), 'la-send-action-plan': E('missing_data', needs=['framework']),
     'lscb-publish-report': NA(), 'jar-publish-report': NA(), 'jar-written-statement': E('missing_data'),
     'fv-priority-draft-plan': E('missing_data'), 'fv-priority-action-plan': E('missing_data')},
    'No framework: the duties that could apply are missing data naming it. The LSCB duty (ended 29 Sep 2019) and the 2005 JAR duty (ended 8 Nov 2015) cannot apply to a 2024 report whatever the framework: not applicable, not missing data.')
r = D('2013-11-01')
ins('ins-28-sif-first-day', '2014-06-01',
    dict(report_received='2013-11-01', report_published=add_wd(r,30).isoformat(), statement_published=add_wd(r,70).isoformat(), action_plan_sent=add_wd(r,70).isoformat(), lscb_report_received='2013-11-01', lscb_report_published=add_wd(r,31).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30)), 'la-publish-statement': E('met', add_wd(r,70)), 'la-send-action-plan': E('met', add_wd(r,70)),
     'lscb-publish-report': E('late', add_wd(r,30), working_days_late=1)},
    f'SIF from 1 Nov 2013 (in force judged on the trigger date). Fri 1 Nov 2013: 30th WD {fmt(add_wd(r,30))} (25, 26 Dec, 1 Jan skipped); 70th {fmt(add_wd(r,70))}.',
    framework='SIF', lscb_review=True)
p = D('2018-12-14')
ins('ins-30-between-the-bounds', '2019-06-01',
    dict(inspection_end='2018-10-26', ofsted_published='2018-12-14', report_published='2019-01-02'),
    {'la-publish-report': E('missing_data', '2019-01-30'), 'la-publish-statement': E('overdue', add_wd(p,70), on_bound='latest'), 'la-send-action-plan': E('overdue', add_wd(p,70), on_bound='latest')},
    'Receipt between 26 Oct and 14 Dec 2018: deadline between Fri 7 Dec 2018 and Wed 30 Jan 2019; published 2 Jan 2019 lies between: cannot say (missing data, showing the latest bound).',
    framework='ILACS')
ins('ins-31-published-before-the-earliest-deadline', '2019-06-01',
    dict(inspection_end='2018-10-26', ofsted_published='2018-12-14', report_published='2018-12-07'),
    {'la-publish-report': E('met', '2018-12-07', on_bound='earliest'), 'la-publish-statement': E('overdue', add_wd(p,70), on_bound='latest'), 'la-send-action-plan': E('overdue', add_wd(p,70), on_bound='latest')},
    'Published on the earliest possible deadline (30 WD after the inspection ended Fri 26 Oct 2018 = Fri 7 Dec 2018): met whatever the receipt date.',
    framework='ILACS')
ins('ins-32-published-after-the-latest-deadline', '2019-06-01',
    dict(inspection_end='2018-10-26', ofsted_published='2018-12-14', report_published='2019-01-31'),
    {'la-publish-report': E('late', '2019-01-30', on_bound='latest', working_days_late=1), 'la-publish-statement': E('overdue', add_wd(p,70), on_bound='latest'), 'la-send-action-plan': E('overdue', add_wd(p,70), on_bound='latest')},
    'Published Thu 31 Jan 2019, a day after even the latest possible deadline (Wed 30 Jan 2019): late, at least 1 WD.',
    framework='ILACS')
r = D('2016-11-28')
ins('ins-33-kirklees-2016', '2017-06-01',
    dict(report_received='2016-11-28', statement_published='2017-03-09', action_plan_sent='2017-03-09', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30)), 'la-publish-statement': E('met', '2017-03-09'), 'la-send-action-plan': E('met', '2017-03-09'), 'lscb-publish-report': E('overdue', add_wd(r,30), on_bound='latest')},
    'Kirklees 2017 cross-check (legal-timelines s.3.2): 70 WD back from 9 Mar 2017 gives receipt on Mon 28 Nov 2016. SIF with an LSCB review but no LSCB dates: the review was one combined report with the inspection (EIA 2006 s.152), so the Board received it on 28 Nov 2016 too; nothing published by 1 Jun 2017: overdue (on the bound report_received gives).',
    framework='SIF', lscb_review=True)
r = D('2024-12-03')
ins('ins-34-received-3-december-2024', '2025-02-01',
    dict(report_received='2024-12-03'),
    {'la-publish-report': E('overdue', '2025-01-17', working_days_late=wd_between(D('2025-01-17'), D('2025-02-01'))), 'la-publish-statement': E('due', '2025-03-14'), 'la-send-action-plan': E('due', '2025-03-14')},
    'docs/legal-reference.md s.5: received Tue 3 Dec 2024, 30th WD Fri 17 Jan 2025, 70th Fri 14 Mar 2025.',
    framework='ILACS')
ins('ins-35-as-of-the-deadline-day', '2025-01-17',
    dict(report_received='2024-12-03'),
    {'la-publish-report': E('due', '2025-01-17', working_days_left=0, days_left=0), 'la-publish-statement': E('due', '2025-03-14'), 'la-send-action-plan': E('due', '2025-03-14')},
    '"Within 30 working days": the 30th working day is still in time, so on that day the duty is due, not overdue.',
    framework='ILACS')
r = D('2023-04-28')
ins('ins-36-coronation-may-2023', '2023-12-31',
    dict(report_received='2023-04-28', report_published=add_wd(r,30).isoformat()),
    {'la-publish-report': E('met', add_wd(r,30)), 'la-publish-statement': E('overdue', add_wd(r,70)), 'la-send-action-plan': E('overdue', add_wd(r,70))},
    f'Received Fri 28 Apr 2023: 1 May, 8 May (Coronation) and 29 May skipped: 30th WD {fmt(add_wd(r,30))}.',
    framework='ILACS')
ins('ins-37-received-after-ofsted-published', '2019-06-01',
    dict(ofsted_published='2018-12-14', report_received='2019-01-10'),
    {'la-publish-report': E('overdue', data_quality=True), 'la-publish-statement': E('overdue', data_quality=True), 'la-send-action-plan': E('overdue', data_quality=True)},
    'The record says the council received the report after Ofsted published it, which the rules say cannot be (no_later_than: ofsted_published): flagged. Either date makes the report overdue by 1 Jun 2019.',
    framework='ILACS')
