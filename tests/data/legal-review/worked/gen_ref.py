def refl(id, as_of, ev, exp, why, **attrs):
    rec(id, 'referral', D(as_of), {k: (D(v) if isinstance(v,str) and len(v)==10 and v[4]=='-' else v) for k,v in ev.items()}, exp, why, attributes=attrs or None, area='referral')
WT10 = 'Working Together 2010 was issued in March 2010'
r = D('2022-05-20'); s = D('2022-05-23')
refl('ref-01-friday-referral-jubilee', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-23', assessment_start='2022-05-23', assessment_completed='2022-07-26'),
     {'referral-decision-1wd': E('met', '2022-05-23'), 'assessment-45wd': E('met', '2022-07-26', data_quality=False),
      'assessment-45wd-from-start': E('met', add_wd(s,45))},
     'WT 2013-2023: decision within 1 WD; single assessment within 45 WD "from the point of referral" (referral day not counted). Fri 20 May 2022: 1st WD Mon 23 May; 45th WD Tue 26 Jul 2022 (Thu 2 and Fri 3 Jun 2022 skipped) - legal-timelines s.7. From the start (Mon 23 May): ' + fmt(add_wd(s,45)) + '. referral_nfa not given: the vocabulary default (false) applies.')
r = D('2022-06-01')
refl('ref-02-decision-late-over-the-jubilee', '2022-12-31',
     dict(referral='2022-06-01', referral_decision='2022-06-07'),
     {'referral-decision-1wd': E('late', '2022-06-06', working_days_late=1, days_late=1), 'assessment-45wd': E('overdue', add_wd(r,45), working_days_late=wd_between(add_wd(r,45), D('2022-12-31'))),
      'assessment-45wd-from-start': NA()},
     'Wed 1 Jun 2022: Thu 2 and Fri 3 Jun holidays, weekend: the one working day is Mon 6 Jun; decided Tue 7 Jun: late by 1. No assessment started: the from-start measure never started (not applicable); the WT clock from the referral is overdue: ' + fmt(add_wd(r,45)) + '.')
r = D('2023-12-23')
refl('ref-03-saturday-before-christmas', '2024-01-31',
     dict(referral='2023-12-23', referral_decision='2023-12-27'),
     {'referral-decision-1wd': E('met', '2023-12-27'), 'assessment-45wd': E('due', add_wd(r,45))},
     'Referral on Sat 23 Dec 2023: Christmas Day Mon 25 and Boxing Day Tue 26 skipped: the one working day is Wed 27 Dec. 45 WD: ' + fmt(add_wd(r,45)) + ' (1 Jan 2024 skipped).')
r = D('2013-04-14')
refl('ref-04-last-day-of-working-together-2010', '2013-12-31',
     dict(referral='2013-04-14', initial_assessment_completed=add_wd(r,10).isoformat()),
     {'initial-assessment-10wd': E('met', add_wd(r,10), caveat=False)},
     'Sun 14 Apr 2013, the last day before WT 2013 (15 Apr 2013): the 2010 edition governs (initial assessment 10 WD, ' + fmt(add_wd(r,10)) + '); no national decision time, no single assessment.')
r = D('2013-04-15')
refl('ref-05-first-day-of-working-together-2013', '2013-12-31',
     dict(referral='2013-04-15', referral_decision='2013-04-16', assessment_completed=add_wd(r,45).isoformat()),
     {'referral-decision-1wd': E('met', '2013-04-16'), 'assessment-45wd': E('met', add_wd(r,45)), 'assessment-45wd-from-start': E('met', add_wd(r,45), on_bound='earliest', assumption='assessment_start taken as happened')},
     'Mon 15 Apr 2013: WT 2013 in force; 45 WD with 6 May and 27 May 2013 skipped: ' + fmt(add_wd(r,45)) + '.'" (Issue 18 point 6: an authorised assessment implies it started, no earlier than the referral: the from-start measure's earliest deadline is 45 WD from the referral, which the authorisation meets: met on that bound.)")
r = D('2011-04-18'); c = D('2011-05-06')
refl('ref-06-2011-initial-and-core', '2011-12-31',
     dict(referral='2011-04-18', initial_assessment_completed='2011-05-06', core_assessment_start='2011-05-06', core_assessment_completed=add_wd(c,35).isoformat()),
     {'initial-assessment-10wd': E('met', '2011-05-06'), 'core-assessment-35wd': E('met', add_wd(c,35))},
     'WT 2010: Mon 18 Apr 2011, Good Friday 22, Easter Monday 25, royal wedding Fri 29 Apr and Mon 2 May skipped: 10th WD Fri 6 May 2011. Core assessment 35 WD from Fri 6 May (30 May spring holiday skipped): ' + fmt(add_wd(c,35)) + '.')
refl('ref-07-no-further-action', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-23'),
     {'referral-decision-1wd': E('met', '2022-05-23'), 'assessment-45wd': NA(), 'assessment-45wd-from-start': NA()},
     'A referral closed with no further action needs no assessment; the decision itself is still due within 1 WD.', referral_nfa=True)
refl('ref-08-assessment-completed-before-referral', '2022-12-31',
     dict(referral='2022-05-20', assessment_completed='2022-05-10'),
     {'referral-decision-1wd': E('overdue', '2022-05-23'), 'assessment-45wd': E('overdue', '2022-07-26', data_quality=True), 'assessment-45wd-from-start': E('missing_data', data_quality=True, needs=['assessment_start'])},
     'Events in the wrong order: an authorisation dated 10 days before the referral cannot discharge it: overdue from Tue 26 Jul 2022, flagged (docs/rule-language.md step 5). The from-start measure: the authorisation implies a start (issue 18 point 6) on a date not recorded; with the authorisation unable to count, whether it was in time cannot be told: missing data naming assessment_start, flagged.')
refl('ref-09-referral-typed-9999', '2026-01-01',
     dict(referral='9999-12-31'),
     {'referral-decision-1wd': NA(data_quality=True), 'assessment-45wd': NA(data_quality=True, any_version=True), 'assessment-45wd-from-start': NA(data_quality=True), 'core-assessment-35wd': NA(data_quality=True)},
     'Issue 18 point 8: a referral dated 9999-12-31 has not happened as of 1 Jan 2026: the clock has not started, and the finding is flagged, never silently not applicable.')
refl('ref-10-completed-without-a-start-date', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-23', assessment_completed='2022-07-20'),
     {'referral-decision-1wd': E('met', '2022-05-23'), 'assessment-45wd': E('met', '2022-07-26'),
      'assessment-45wd-from-start': E('met', '2022-07-26', on_bound='earliest', assumption='assessment_start taken as happened')},
     'The from-start measure: an assessment authorised on 20 Jul 2022 was started, on a date not recorded, no earlier than the referral (the rule\'s own bound).')
refl('ref-11-only-the-assessment-start-known', '2022-12-31',
     dict(assessment_start='2022-05-20', assessment_completed='2022-07-20'),
     {'referral-decision-1wd': E('missing_data'), 'assessment-45wd': E('missing_data', '2022-07-26', on_bound='latest'), 'assessment-45wd-from-start': E('met', '2022-07-26')},
     'Annex A list 4 style: no referral date. The referral was no later than the start (Fri 20 May 2022), so the WT deadline is at the latest Tue 26 Jul 2022; authorised 20 Jul: cannot say (missing data on the latest bound). From the start: met.')
refl('ref-12-as-of-the-45th-working-day', '2022-07-26',
     dict(referral='2022-05-20'),
     {'referral-decision-1wd': E('overdue', '2022-05-23'), 'assessment-45wd': E('due', '2022-07-26', working_days_left=0, days_left=0)},
     'On the 45th working day itself the assessment is still due (in time if authorised that day).')
r = D('2024-12-24')
refl('ref-13-christmas-eve-2024', '2025-03-31',
     dict(referral='2024-12-24', referral_decision='2024-12-27', assessment_completed=add_wd(r,45).isoformat()),
     {'referral-decision-1wd': E('met', '2024-12-27'), 'assessment-45wd': E('met', add_wd(r,45)), 'assessment-45wd-from-start': E('met', add_wd(r,45), on_bound='earliest')},
     'Tue 24 Dec 2024 (Christmas Eve is an ordinary working day, but the referral day is not counted): 25 and 26 Dec skipped, the one working day is Fri 27 Dec. 45 WD (1 Jan 2025 skipped): ' + fmt(add_wd(r,45)) + '.')
refl('ref-14-maundy-thursday-2025', '2025-12-31',
     dict(referral='2025-04-17', referral_decision='2025-04-21'),
     {'referral-decision-1wd': E('met', '2025-04-22'), 'assessment-45wd': E('overdue', add_wd(D('2025-04-17'),45))},
     'Thu 17 Apr 2025: Good Friday 18 and Easter Monday 21 Apr skipped: deadline Tue 22 Apr. Decided on Easter Monday (a council may work on a bank holiday): met.')
refl('ref-15-ve-day-2020', '2020-12-31',
     dict(referral='2020-05-07', referral_decision='2020-05-11'),
     {'referral-decision-1wd': E('met', '2020-05-11', caveat=False), 'assessment-45wd': E('overdue', add_wd(D('2020-05-07'),45), caveat=False)},
     'Thu 7 May 2020: the early May holiday was moved to Fri 8 May (VE Day); Mon 4 May 2020 was a working day. Deadline Mon 11 May. Working Together is guidance, not modified by SI 2020/445: no caveat. 45 WD: ' + fmt(add_wd(D('2020-05-07'),45)) + ' (25 May skipped).')
refl('ref-16-coronation-2023', '2023-12-31',
     dict(referral='2023-05-05', referral_decision='2023-05-09'),
     {'referral-decision-1wd': E('met', '2023-05-09'), 'assessment-45wd': E('overdue', add_wd(D('2023-05-05'),45))},
     'Fri 5 May 2023: Mon 8 May (Coronation) skipped: deadline Tue 9 May.')
r = D('2022-09-16')
refl('ref-17-state-funeral-2022', '2022-12-31',
     dict(referral='2022-09-16', referral_decision='2022-09-20', assessment_completed=add_wd(r,46).isoformat()),
     {'referral-decision-1wd': E('met', '2022-09-20'), 'assessment-45wd': E('late', add_wd(r,45), working_days_late=1), 'assessment-45wd-from-start': E('missing_data', needs=['assessment_start'])},
     'Fri 16 Sep 2022: Mon 19 Sep (State Funeral) skipped: deadline Tue 20 Sep. 45 WD: ' + fmt(add_wd(r,45)) + '; authorised the next working day ' + fmt(add_wd(r,46)) + ': late by 1 WD. From the start: the authorisation implies a start no earlier than the referral, so the earliest deadline is the same ' + fmt(add_wd(r,45)) + '; authorised a day after it, in time or not depending on the start date: missing data naming assessment_start.')
r = D('2012-06-01')
refl('ref-18-diamond-jubilee-2012', '2012-12-31',
     dict(referral='2012-06-01', initial_assessment_completed=add_wd(r,10).isoformat()),
     {'initial-assessment-10wd': E('met', add_wd(r,10))},
     'Fri 1 Jun 2012: Mon 4 Jun (spring, moved) and Tue 5 Jun (Diamond Jubilee) skipped: 10th WD ' + fmt(add_wd(r,10)) + '.')
r = D('2010-03-15')
refl('ref-19-march-2010', '2010-12-31',
     dict(referral='2010-03-15', initial_assessment_completed=add_wd(r,10).isoformat()),
     {'initial-assessment-10wd': E('met', add_wd(r,10), caveat=WT10)},
     'WT 2010 was issued in March 2010 on a day not verified: a referral of 15 Mar 2010 carries the caveat. 10th WD ' + fmt(add_wd(r,10)) + '.')
refl('ref-20-before-working-together-2010', '2010-12-31',
     dict(referral='2010-02-15', initial_assessment_completed='2010-03-31'),
     {},
     'Before 1 Mar 2010 the rule pack holds no assessment duty (the 2000 Assessment Framework\'s 7 WD is not encoded): every duty not applicable, the reason naming the in-force dates.')
r = D('2022-05-20'); s = D('2022-05-18')
refl('ref-21-start-before-referral', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-23', assessment_start='2022-05-18', assessment_completed='2022-07-26'),
     {'referral-decision-1wd': E('met', '2022-05-23'), 'assessment-45wd': E('met', '2022-07-26', data_quality=True),
      'assessment-45wd-from-start': E('late', add_wd(s,45), data_quality=True)},
     'An assessment "started" two days before the referral: the referral cannot be later than the start (the rule\'s bound), so the record contradicts itself: flagged on both assessment findings. Each is judged on its own recorded trigger.')
refl('ref-22-decided-the-same-day', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-20', assessment_completed='2022-07-26'),
     {'referral-decision-1wd': E('met', '2022-05-23'), 'assessment-45wd': E('met', '2022-07-26'), 'assessment-45wd-from-start': E('met', '2022-07-26', on_bound='earliest')},
     'A decision on the day of the referral is in time ("within one working day"). From the start (implied by the authorisation, no earlier than the referral): met on the earliest deadline, Tue 26 Jul 2022.')
refl('ref-23-decided-before-the-referral', '2022-12-31',
     dict(referral='2022-05-20', referral_decision='2022-05-19', assessment_completed='2022-07-26'),
     {'referral-decision-1wd': E('overdue', '2022-05-23', data_quality=True), 'assessment-45wd': E('met', '2022-07-26'), 'assessment-45wd-from-start': E('met', '2022-07-26', on_bound='earliest')},
     'A decision dated the day before the referral cannot count: overdue, flagged. From the start (implied by the authorisation, no earlier than the referral): met on the earliest deadline, Tue 26 Jul 2022.')
refl('ref-24-referral-today', '2026-06-01',
     dict(referral='2026-06-01'),
     {'referral-decision-1wd': E('due', '2026-06-02', working_days_left=1), 'assessment-45wd': E('due', add_wd(D('2026-06-01'),45))},
     'A referral on the as-of date: the clock started today (not after the as-of date), so the decision is due Tue 2 Jun 2026.')
r = D('2099-12-01')
refl('ref-25-referral-in-2099', '2100-01-31',
     dict(referral='2099-12-01', referral_decision='2099-12-02'),
     {'referral-decision-1wd': E('met', '2099-12-02', provisional=True), 'assessment-45wd': E('due', add_wd(r,45), provisional=True)},
     'Issue 18 point 10: up to 2100 is counted (provisional). 45 WD from Tue 1 Dec 2099 with 25, 28 Dec 2099 (Boxing Day on Saturday: Mon 28 substitute) and 1 Jan 2100: ' + fmt(add_wd(r,45)) + '.')
