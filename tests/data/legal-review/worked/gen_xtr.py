def xr(id, kind, as_of, drawn, ev, exp, why, **attrs):
    rec(id, kind, D(as_of), {k: ([D(x) for x in v] if isinstance(v, list) else D(v)) for k,v in ev.items()}, exp, why, attributes=attrs or None, extract_date=D(drawn), area='extract')
X = '2023-03-31'
NIE = 'not in this extract'
xr('xtr-01-assessment-open-at-the-census-date', 'referral', '2026-01-01', X, dict(referral='2023-03-01'),
   {'referral-decision-1wd': E('overdue', '2023-03-02', days_late=29), 'assessment-45wd': E('missing_data', add_wd(D('2023-03-01'),45))},
   'Issue 18 point 9: an extract drawn on 31 Mar 2023 holds nothing later. The decision was due Thu 2 Mar 2023, before the extract: overdue, counted to the extract date (29 days), not to 2026. The assessment was due ' + fmt(add_wd(D('2023-03-01'),45)) + ' (Good Friday 7 Apr, Easter Monday 10 Apr, 1 May and 8 May skipped), after the extract: not in this extract (missing data), never overdue by 900 working days.')
xr('xtr-02-assessment-overdue-at-the-census-date', 'referral', '2026-01-01', X, dict(referral='2022-12-01', referral_decision='2022-12-02'),
   {'referral-decision-1wd': E('met', '2022-12-02'), 'assessment-45wd': E('overdue', add_wd(D('2022-12-01'),45), days_late=(D(X)-add_wd(D('2022-12-01'),45)).days, working_days_late=wd_between(add_wd(D('2022-12-01'),45), D(X)))},
   'Due ' + fmt(add_wd(D('2022-12-01'),45)) + ' (Christmas 2022 substitutes 26, 27 Dec and 2 Jan skipped), before the extract date, nothing done by then: overdue as of 31 Mar 2023.')
xr('xtr-03-completion-after-the-extract-date', 'referral', '2026-01-01', X, dict(referral='2023-03-01', referral_decision='2023-03-02', assessment_completed='2023-04-10'),
   {'referral-decision-1wd': E('met', '2023-03-02'), 'assessment-45wd': E('missing_data', add_wd(D('2023-03-01'),45), data_quality=True), 'assessment-45wd-from-start': E('missing_data', add_wd(D('2023-03-01'),45), on_bound='earliest', data_quality=True, needs=['assessment_completed'])},
   'An authorisation dated 10 Apr 2023 in an extract drawn 31 Mar 2023 is impossible: not counted, flagged; the deadline is after the extract date: not in this extract. The authorisation still shows the assessment started (issue 18 point 6), no earlier than the referral, so even its earliest deadline (' + fmt(add_wd(D('2023-03-01'),45)) + ') is after the extract date: not in this extract (missing data, naming the authorisation), flagged.')
xr('xtr-04-referral-after-the-extract-date', 'referral', '2026-01-01', X, dict(referral='2023-04-05'),
   {'referral-decision-1wd': NA(data_quality=True), 'assessment-45wd': NA(data_quality=True, any_version=True), 'assessment-45wd-from-start': NA(data_quality=True), 'core-assessment-35wd': NA(data_quality=True)},
   'A referral dated after the extract was drawn is flagged; as of the extract the clock had not started.')
xr('xtr-05-review-conference-after-the-census', 'child-protection', '2026-01-01', X, dict(strategy_discussion='2022-12-20', icpc='2023-01-16'),
   {'icpc-15wd': E('late', add_wd(D('2022-12-20'),15), working_days_late=1), 'rcpc': [E('missing_data', '2023-04-16', occurrence=1)]},
   'ICPC Mon 16 Jan 2023: the first review is due Sun 16 Apr 2023, after the extract date: not in this extract. Strategy Tue 20 Dec 2022: 15 WD with 26, 27 Dec, 2 Jan skipped: ' + fmt(add_wd(D('2022-12-20'),15)) + '.', cp_plan=True)
xr('xtr-06-looked-after-just-before-the-census', 'looked-after', '2026-01-01', X, dict(became_looked_after='2023-03-20', placement_start='2023-03-20', visit=['2023-03-24']),
   {'cla-review': [E('missing_data', add_wd(D('2023-03-20'),20), occurrence=1)], 'cla-visit': [E('met', '2023-03-27', occurrence=1), E('missing_data', '2023-05-05', occurrence=2)]},
   'First review due ' + fmt(add_wd(D('2023-03-20'),20)) + ' and the second visit due 5 May 2023, both after 31 Mar 2023: not in this extract.')
xr('xtr-07-annex-a-style-extract-date-given', 'referral', '2026-01-01', '2024-03-31', dict(assessment_start='2024-02-20'),
   {'referral-decision-1wd': E('missing_data'), 'assessment-45wd': E('missing_data'), 'assessment-45wd-from-start': E('missing_data', add_wd(D('2024-02-20'),45))},
   'Annex A list 4 style with --extract-date 2024-03-31: an assessment started Tue 20 Feb 2024, 45 WD to ' + fmt(add_wd(D('2024-02-20'),45)) + ' (Good Friday 29 Mar, Easter Monday 1 Apr, 6 May skipped): after the extract, not in it.')
