def cp(id, as_of, ev, exp, why, **attrs):
    rec(id, 'child-protection', D(as_of), {k: ([D(x) for x in v] if isinstance(v, list) else (D(v) if isinstance(v,str) and len(v)==10 and v[4]=='-' else v)) for k,v in ev.items()}, exp, why, attributes=attrs or None, area='child-protection')
sd = D('2020-12-16')
cp('cp-01-review-deadline-on-a-sunday', '2021-12-31',
   dict(strategy_discussion='2020-12-16', icpc='2021-01-11', rcpc=['2021-04-12']),
   {'icpc-15wd': E('met', '2021-01-11'),
    'rcpc': [E('late', '2021-04-11', occurrence=1, days_late=1), E('overdue', '2021-10-12', occurrence=2, days_late=80)]},
   'ICPC: 15 WD from Wed 16 Dec 2020 (25, 28 Dec, 1 Jan skipped) = Mon 11 Jan 2021 (legal-timelines s.7). First review within 3 months of the ICPC: corresponding date Sun 11 Apr 2021; no roll-forward for a calendar-month period (legal-timelines s.1.1 rule 8): held Mon 12 Apr, late by 1 day. The next is due 6 months after the review actually held: Tue 12 Oct 2021; none by 31 Dec: 80 days overdue.',
   cp_plan=True)
s = D('2023-08-10')
cp('cp-02-no-31-november', '2024-12-31',
   dict(strategy_discussion='2023-08-10', icpc='2023-08-31', rcpc=['2023-11-30', '2024-05-30'], cp_plan_end='2024-05-30'),
   {'icpc-15wd': E('met', add_wd(s,15)), 'rcpc': [E('met', '2023-11-30', occurrence=1), E('met', '2024-05-30', occurrence=2)]},
   'ICPC Thu 31 Aug 2023 + 3 months: no 31 November, so the last day, Thu 30 Nov 2023 (corresponding-date rule, Dodds v Walker). Then 6 months from 30 Nov: Thu 30 May 2024; the plan ended at that review, so no third. Strategy discussion Thu 10 Aug 2023: 15 WD (28 Aug skipped) = ' + fmt(add_wd(s,15)) + '.',
   cp_plan=True)
cp('cp-03-leap-february-then-28-february', '2024-12-31',
   dict(icpc='2023-11-30', rcpc=['2024-02-29', '2024-08-29']),
   {'icpc-15wd': E('missing_data'), 'rcpc': [E('met', '2024-02-29', occurrence=1), E('met', '2024-08-29', occurrence=2), E('due', '2025-02-28', occurrence=3)]},
   'ICPC Thu 30 Nov 2023 + 3 months = Thu 29 Feb 2024 (leap year). 6 months from the review of 29 Feb = Thu 29 Aug 2024; 6 months from 29 Aug 2024 = 29 Feb 2025, which does not exist: Fri 28 Feb 2025. No strategy discussion recorded: the ICPC clock is missing data. The reviews imply the plan (cp_plan not given).')
cp('cp-04-as-of-the-review-deadline', '2024-08-29',
   dict(strategy_discussion='2023-05-12', icpc='2023-05-31', rcpc=['2023-08-31', '2024-02-29']),
   {'icpc-15wd': E('met', add_wd(D('2023-05-12'),15)), 'rcpc': [E('met', '2023-08-31', occurrence=1), E('met', '2024-02-29', occurrence=2), E('due', '2024-08-29', occurrence=3, days_left=0)]},
   'ICPC Wed 31 May 2023 + 3 months = Thu 31 Aug 2023; + 6 months = Thu 29 Feb 2024 (no 31 Feb); from the review of 29 Feb, + 6 months = Thu 29 Aug 2024 (not 31 Aug: the period runs from the review actually held). On 29 Aug 2024 itself: due, 0 days left.',
   cp_plan=True)
cp('cp-05-late-review-then-the-next-from-the-late-one', '2023-12-31',
   dict(strategy_discussion='2021-12-15', icpc='2022-01-10', rcpc=['2022-05-20', '2022-11-18'], cp_plan_end='2023-03-01'),
   {'icpc-15wd': E('met', add_wd(D('2021-12-15'),15)), 'rcpc': [E('late', '2022-04-10', occurrence=1, days_late=40), E('met', '2022-11-20', occurrence=2)]},
   'First review due Sun 10 Apr 2022, held Fri 20 May: 40 days late. "Further reviews at intervals of not more than six months": from 20 May 2022, due Sun 20 Nov 2022; held Fri 18 Nov: met. The third (due 18 May 2023) falls away: the plan ended on 1 Mar 2023. Strategy Wed 15 Dec 2021: 15 WD with 27, 28 Dec 2021 and 3 Jan 2022 skipped = ' + fmt(add_wd(D('2021-12-15'),15)) + '.',
   cp_plan=True)
cp('cp-06-reviews-imply-a-plan', '2024-12-31',
   dict(strategy_discussion='2023-08-10', icpc='2023-08-31', rcpc=['2023-11-30', '2024-05-30'], cp_plan_end='2024-07-01'),
   {'icpc-15wd': E('met', add_wd(D('2023-08-10'),15)), 'rcpc': [E('met', '2023-11-30', occurrence=1, assumption='cp_plan taken as yes'), E('met', '2024-05-30', occurrence=2)]},
   'Issue 18 point 6: a child with review conferences and no cp_plan column: the reviews imply a plan; stated as an assumption, never missing data for every review.')
cp('cp-07-no-conference-needed', '2021-06-30',
   dict(strategy_discussion='2020-12-16'),
   {'icpc-15wd': NA(), 'rcpc': NA(assumption='cp_plan taken as no')},
   'icpc_not_required: true: no conference, so no plan made at one, so no review conferences (issue 18 point 6).',
   icpc_not_required=True)
cp('cp-08-no-conference-needed-yet-reviews', '2021-12-31',
   dict(strategy_discussion='2021-03-01', rcpc=['2021-06-15']),
   {'icpc-15wd': NA(), 'rcpc': E('missing_data', data_quality=True)},
   'Two implications disagree (icpc_not_required: true implies no plan; review conferences imply a plan): the plan is unknown and the record is flagged to check (docs/rule-language.md).',
   icpc_not_required=True)
cp('cp-09-plan-says-no-yet-reviews', '2021-12-31',
   dict(strategy_discussion='2021-03-01', icpc='2021-03-19', rcpc=['2021-06-15']),
   {'icpc-15wd': E('met', add_wd(D('2021-03-01'),15)), 'rcpc': NA(data_quality=True)},
   'The record says cp_plan: false but has a review conference: the record keeps what it says (no reviews due) and is flagged.',
   cp_plan=False)
s = D('2021-03-10')
cp('cp-10-conference-before-the-strategy-discussion', '2021-12-31',
   dict(strategy_discussion='2021-03-10', icpc='2021-03-05'),
   {'icpc-15wd': E('overdue', add_wd(s,15), data_quality=True), 'rcpc': E('overdue', '2021-06-05', data_quality=True)},
   'An ICPC dated before the strategy discussion that started its clock cannot discharge it (overdue from ' + fmt(add_wd(s,15)) + ', flagged); the review-conference clock runs from the recorded conference (5 Jun 2021) but its date contradicts the rule\'s bound (no earlier than the strategy discussion): flagged.',
   cp_plan=True)
cp('cp-11-only-the-s47-start', '2021-06-30',
   dict(s47_start='2020-12-16', icpc='2021-01-08', rcpc=['2021-04-08']),
   {'icpc-15wd': E('missing_data', '2021-01-11', on_bound='latest'), 'rcpc': [E('met', '2021-04-08', occurrence=1), E('due', '2021-10-08', occurrence=2)]},
   'The strategy discussion is no later than the s47 start (Wed 16 Dec 2020): the ICPC deadline is at the latest Mon 11 Jan 2021; a conference on 8 Jan may or may not be within 15 WD of an earlier discussion: missing data.',
   cp_plan=True)
cp('cp-12-conference-never-held', '2021-06-30',
   dict(strategy_discussion='2020-12-16'),
   {'icpc-15wd': E('overdue', '2021-01-11'), 'rcpc': E('missing_data', needs=['cp_plan'])},
   'icpc_not_required not given: the vocabulary default (false) means a conference was needed: overdue. Whether a plan exists is not said and nothing implies it: review conferences are missing data naming cp_plan.')
cp('cp-13-plan-ended-before-the-next-review', '2024-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', rcpc=['2024-04-15'], cp_plan_end='2024-06-01'),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('met', '2024-04-15', occurrence=1)]},
   'Reviews end with the plan: the second review (due 15 Oct 2024) falls away when the plan ends on 1 Jun 2024. Strategy Wed 20 Dec 2023: 15 WD with 25, 26 Dec and 1 Jan skipped = ' + fmt(add_wd(D('2023-12-20'),15)) + '.',
   cp_plan=True)
cp('cp-14-plan-ended-after-a-missed-review', '2024-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', cp_plan_end='2024-05-01'),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('overdue', '2024-04-15', occurrence=1)]},
   'The first review was due Mon 15 Apr 2024 while the plan lasted (it ended 1 May): missed, reported overdue (it can no longer be held).',
   cp_plan=True)
cp('cp-15-review-deadline-on-a-saturday', '2022-12-31',
   dict(strategy_discussion='2022-01-12', icpc='2022-01-31', rcpc=['2022-05-03', '2022-11-03']),
   {'icpc-15wd': E('met', add_wd(D('2022-01-12'),15)), 'rcpc': [E('late', '2022-04-30', occurrence=1, days_late=3), E('met', '2022-11-03', occurrence=2), E('due', '2023-05-03', occurrence=3)]},
   'ICPC Mon 31 Jan 2022 + 3 months = Sat 30 Apr 2022 (no 31 April); not moved to Tue 3 May (Mon 2 May was a bank holiday): a review on 3 May is 3 days late. Next from 3 May: 3 Nov 2022, then 3 May 2023.',
   cp_plan=True)
cp('cp-16-same-review-entered-twice', '2024-12-31',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', rcpc=['2024-04-10', '2024-04-10']),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('met', '2024-04-15', occurrence=1, data_quality=True), E('overdue', '2024-10-10', occurrence=2, data_quality=True)]},
   'The same review date twice counts once (flagged on every finding of the duty: the record needs checking); the duplicate does not stand in for the review due by 10 Oct 2024.',
   cp_plan=True)
cp('cp-17-review-dated-before-the-conference', '2024-06-30',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', rcpc=['2024-01-10', '2024-04-12']),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('met', '2024-04-15', occurrence=1, data_quality=True), E('due', '2024-10-12', occurrence=2, data_quality=True)]},
   'A review dated 10 Jan 2024, before the ICPC of 15 Jan, cannot be a review of the plan: not counted, flagged; the review of 12 Apr meets the first deadline.',
   cp_plan=True)
cp('cp-18-review-entered-ahead', '2024-06-30',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', rcpc=['2024-04-12', '2024-10-10']),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('met', '2024-04-15', occurrence=1, data_quality=True), E('due', '2024-10-12', occurrence=2, data_quality=True)]},
   'A review recorded for 10 Oct 2024, after the as-of date (30 Jun 2024), has not happened as of then: not counted, flagged (issue 18 point 8).',
   cp_plan=True)
s = D('2022-12-16')
cp('cp-19-christmas-2022', '2023-06-30',
   dict(strategy_discussion='2022-12-16', icpc=add_wd(s,15).isoformat()),
   {'icpc-15wd': E('met', add_wd(s,15))},
   'Fri 16 Dec 2022: Mon 26 (Boxing Day), Tue 27 Dec (Christmas substitute, 25th a Sunday) and Mon 2 Jan 2023 (New Year substitute) skipped: 15th WD ' + fmt(add_wd(s,15)) + '.',
   icpc_not_required=False, cp_plan=False)
cp('cp-20-strategy-before-working-together-2010', '2010-12-31',
   dict(strategy_discussion='2010-02-26', icpc='2010-03-15', rcpc=['2010-06-15']),
   {'icpc-15wd': NA(), 'rcpc': [E('met', '2010-06-15', occurrence=1), E('overdue', '2010-12-15', occurrence=2)]},
   'The pack encodes Working Together from 1 Mar 2010: a strategy discussion of 26 Feb 2010 is before it (not applicable, the reason naming the dates); the review conferences run from the ICPC of 15 Mar 2010, inside it.',
   cp_plan=True)
cp('cp-21-plan-start-implies-a-plan', '2024-06-30',
   dict(strategy_discussion='2023-12-20', icpc='2024-01-15', cp_plan_start='2024-01-15'),
   {'icpc-15wd': E('met', add_wd(D('2023-12-20'),15)), 'rcpc': [E('overdue', '2024-04-15', occurrence=1, assumption='cp_plan taken as yes')]},
   'A plan start implies a plan (vocabulary implies); first review due Mon 15 Apr 2024, none by 30 Jun: overdue.')
s = D('2024-05-01')
cp('cp-22-plan-but-no-conference-date', '2024-06-15',
   dict(strategy_discussion='2024-05-01'),
   {'icpc-15wd': E('missing_data', add_wd(s,15), needs=['icpc'], assumption='icpc taken as happened'),
    'rcpc': E('due', '2024-08-01', on_bound='earliest')},
   'cp_plan: true with no ICPC date. The conference cannot precede the strategy discussion (Wed 1 May 2024), so the first review is due at the earliest Thu 1 Aug 2024, after the as-of date: due on the earliest bound (issue 18 point 7).',
   cp_plan=True)
