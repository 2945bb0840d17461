def lac(id, as_of, ev, exp, why, **attrs):
    rec(id, 'looked-after', D(as_of), {k: ([D(x) for x in v] if isinstance(v, list) else (D(v) if isinstance(v,str) and len(v)==10 and v[4]=='-' else v)) for k,v in ev.items()}, exp, why, attributes=attrs or None, area='looked-after')
COV = 'SI 2021/261'
def wk(s, n=6): return (D(s) + timedelta(7*n)).isoformat()
lac('lac-01-looked-after-23-december-2019', '2020-06-30',
    dict(became_looked_after='2019-12-23', cla_review=['2020-01-23']),
    {'cla-review': [E('met', '2020-01-23', occurrence=1, caveat=False), E('overdue', '2020-04-23', occurrence=2, caveat=False)],
     'cla-visit': E('missing_data', '2019-12-30', on_bound='earliest', needs=['placement_start'])},
    'SI 2010/959 reg 33(1): 20 WD from Mon 23 Dec 2019 (25, 26 Dec, 1 Jan skipped) = Thu 23 Jan 2020 (legal-timelines s.7); reg 33(2): the second within 3 months of the first = Thu 23 Apr 2020, the day before SI 2020/445\'s window (no caveat). No placement date: every looked-after child is placed (CA 1989 s.22C), so visits are missing data naming placement_start (issue 18 point 4); the placement cannot precede becoming looked after, so the first visit is due at the earliest Mon 30 Dec 2019.')
lac('lac-02-review-on-a-saturday-and-six-weekly-visits', '2025-03-31',
    dict(became_looked_after='2024-11-04', cla_review=['2024-11-30', '2025-02-28'], placement_start='2024-11-04', visit=['2024-11-11', '2024-12-20', '2025-01-31', '2025-03-14']),
    {'cla-review': [E('met', '2024-12-02', occurrence=1), E('met', '2025-02-28', occurrence=2), E('due', '2025-08-28', occurrence=3)],
     'cla-visit': [E('met', '2024-11-11', occurrence=1), E('met', '2024-12-23', occurrence=2), E('met', '2025-01-31', occurrence=3), E('met', '2025-03-14', occurrence=4), E('due', '2025-04-25', occurrence=5)]},
    'Reg 33: first review by the 20th WD after Mon 4 Nov 2024 = Mon 2 Dec; held Sat 30 Nov. The second within 3 months of Sat 30 Nov = Fri 28 Feb 2025 (no 30 Feb). Then 6 months: Thu 28 Aug 2025. Reg 28(2): within one week of the placement (Mon 11 Nov), then at most 6 weeks (42 days) apart in the first year, whatever placement_until_18 says (issue 18 point 4).')
lac('lac-03-placed-the-day-before-the-2010-regulations', '2011-12-31',
    dict(became_looked_after='2011-03-31', placement_start='2011-03-31', cla_review=['2011-04-28', '2011-07-28'], visit=['2011-04-07', '2011-05-19']),
    {'cla-review-1991': [E('met', '2011-04-28', occurrence=1), E('met', '2011-07-28', occurrence=2), E('due', '2012-01-28', occurrence=3)],
     'cla-visit': NA(reason_has='outside the dates this duty was in force', decision='A duty\'s version is fixed by its trigger date, as docs/rule-language.md says of in_force; a placement that began on 31 Mar 2011, the last day of the 1991 regime, is outside reg 28 of SI 2010/959 as the rule is written. Whether a visit or review falling due after a revocation is owed under the new regulations turns on when the obligation was incurred (Interpretation Act 1978 s.16(1)(c)) and on SI 2010/959\'s transitional provisions, which were not read (U); the reviewer reads it by the due date, a reading equally arguable by the date the obligation arose (the placement, or the previous visit or review). Not changed on an unread transitional provision; stated in docs/legal-reference.md (Versions across a revocation). The visits of the 1991 Placement Regulations are not modelled, so the finding says the 2010 duty does not apply, with the reason, rather than inventing one.')},
    'Looked after Thu 31 Mar 2011, the last day of the Review of Children\'s Cases Regulations 1991: first review within 4 weeks = Thu 28 Apr 2011; second within 3 months = Thu 28 Jul; third within 6 months = Sat 28 Jan 2012.')
p = D('2021-10-01')
v = ['2021-10-08']
for _ in range(8): v.append(wk(v[-1]))
# v[-1] = 2022-09-09, within the first year (placement to 30 Sep 2022)
v.append(wk(v[-1]))  # 2022-10-21, after the first year
v.append('2023-01-20')
exp = [E('met', v[0], occurrence=1, caveat=False)] + [E('met', v[i], occurrence=i+1) for i in range(1, 10)]
lac('lac-04-until-18-three-monthly-after-the-first-year', '2023-03-31',
    dict(became_looked_after='2021-10-01', placement_start='2021-10-01', visit=v),
    {'cla-review': E('overdue', add_wd(p,20), occurrence=1),
     'cla-visit': exp + [E('met', '2023-01-21', occurrence=11), E('due', '2023-04-20', occurrence=12)]},
    'Placement Fri 1 Oct 2021, the day after the remote-visit provisions ended (SI 2021/261: 30 Sep 2021): no caveat. Visits every 42 days to Fri 9 Sep 2022 (inside the first year); the next is still on the 6-week interval (Fri 21 Oct 2022). After the first year, meant to last until 18: 3 months from 21 Oct = Sat 21 Jan 2023 (no roll); visited Fri 20 Jan; then 20 Apr 2023. No review recorded: the first was due 20 WD after the child became looked after: ' + fmt(add_wd(p,20)) + '.',
    placement_until_18=True)
lac('lac-05-after-the-first-year-until-18-not-said', '2023-03-31',
    dict(became_looked_after='2021-10-01', placement_start='2021-10-01', cla_review=[add_wd(p,20).isoformat()], visit=v),
    {'cla-review': [E('met', add_wd(p,20), occurrence=1), E('overdue', add_months(add_wd(p,20),3), occurrence=2)],
     'cla-visit': exp + [E('missing_data', '2023-01-21', occurrence=11, on_bound='latest', needs=['placement_until_18']),
                         E('missing_data', occurrence=12, needs=['placement_until_18'])]},
    'The same visits without placement_until_18: the visit of 20 Jan 2023 is after the 6-week deadline (2 Dec 2022) but within 3 months (21 Jan): which applies is not known, so missing data naming placement_until_18 (reg 28(2)(c)). The 12th: 6 weeks from 20 Jan is 3 Mar 2023 (passed), 3 months is 20 Apr (to come): missing data.')
v6 = ['2023-01-09']
for _ in range(8): v6.append(wk(v6[-1]))
# v6[-1] = 2023-12-11
lac('lac-06-last-first-year-visit-the-day-before-the-anniversary', '2024-06-30',
    dict(became_looked_after='2023-01-02', placement_start='2023-01-02', cla_review=['2023-01-30', '2023-04-28', '2023-10-27', '2024-04-26'], visit=v6 + ['2024-01-01', '2024-02-12']),
    {'cla-review': [E('met', add_wd(D('2023-01-02'),20), occurrence=1), E('met', '2023-04-30', occurrence=2), E('met', '2023-10-28', occurrence=3), E('met', '2024-04-27', occurrence=4), E('due', '2024-10-26', occurrence=5)],
     'cla-visit': [E('met', v6[0], occurrence=1)] + [E('met', v6[i], occurrence=i+1) for i in range(1, 9)] + [E('met', '2024-01-22', occurrence=10), E('met', '2024-02-12', occurrence=11), E('due', '2024-05-12', occurrence=12) if False else E('overdue', '2024-05-12', occurrence=12)]},
    'Placement Mon 2 Jan 2023; a visit on Mon 1 Jan 2024 is within the first year on any reading, so the next is due within 6 weeks: Mon 12 Feb 2024 (visited). That visit is after the first year: meant to last until 18, so 3 months: Sun 12 May 2024; none by 30 Jun: overdue. Reviews: 20 WD from Mon 2 Jan 2023 = ' + fmt(add_wd(D('2023-01-02'),20)) + '; 3 months from Mon 30 Jan = Sun 30 Apr (no 30 Feb issue), etc.',
    placement_until_18=True)
lac('lac-07-first-year-visit-the-day-after-the-anniversary', '2024-06-30',
    dict(became_looked_after='2023-01-02', placement_start='2023-01-02', visit=v6 + ['2024-01-03']),
    {'cla-review': E('overdue', add_wd(D('2023-01-02'),20), occurrence=1),
     'cla-visit': [E('met', v6[0], occurrence=1)] + [E('met', v6[i], occurrence=i+1) for i in range(1, 9)] + [E('met', '2024-01-22', occurrence=10), E('due', '2024-04-03', occurrence=11) if False else E('met', '2024-04-03', occurrence=11) if False else E('overdue', '2024-04-03', occurrence=11)]},
    'A visit on Wed 3 Jan 2024 is after the first year on any reading (placement Mon 2 Jan 2023): the next is due within 3 months (meant to last until 18): Wed 3 Apr 2024; none by 30 Jun: overdue.',
    placement_until_18=True)
lac('lac-08-covid-window-end-2021', '2021-12-31',
    dict(became_looked_after='2021-08-24', placement_start='2021-08-24', cla_review=[add_wd(D('2021-08-24'),20).isoformat()], visit=['2021-08-31', '2021-10-05']),
    {'cla-review': [E('met', add_wd(D('2021-08-24'),20), occurrence=1, caveat=False), E('overdue', add_months(add_wd(D('2021-08-24'),20),3), occurrence=2)],
     'cla-visit': [E('met', '2021-08-31', occurrence=1, caveat=COV), E('met', '2021-10-12', occurrence=2, caveat=COV), E('overdue', '2021-11-16', occurrence=3, caveat=False)]},
    'Issue 18 point 5: SI 2021/261 extended the remote-visit provisions (reg 28(1A)-(1E), SI 2020/909) to 30 Sep 2021. The first visit (24-31 Aug 2021) and the second (31 Aug-12 Oct, running into the window) carry the caveat; the third (5 Oct-16 Nov) does not. Reviews are not under the remote-visit provisions (the cla-review caveat covers SI 2020/445 only: 24 Apr-25 Sep 2020).')
lac('lac-09-covid-window-start-2020', '2020-12-31',
    dict(became_looked_after='2020-03-02', placement_start='2020-03-02', cla_review=[add_wd(D('2020-03-02'),20).isoformat()], visit=['2020-03-09', '2020-04-20', '2020-05-29']),
    {'cla-review': [E('met', add_wd(D('2020-03-02'),20), occurrence=1, caveat=False), E('overdue', add_months(add_wd(D('2020-03-02'),20),3), occurrence=2, caveat='SI 2020/445')],
     'cla-visit': [E('met', '2020-03-09', occurrence=1, caveat=False), E('met', '2020-04-20', occurrence=2, caveat=False), E('met', '2020-06-01', occurrence=3, caveat=COV), E('overdue', '2020-07-10', occurrence=4, caveat=COV)]},
    'Visits: 2-9 Mar and 9 Mar-20 Apr 2020 end before 24 Apr 2020 (no caveat); 20 Apr-1 Jun runs into SI 2020/445\'s window (caveat). First review 20 WD from Mon 2 Mar 2020 = ' + fmt(add_wd(D('2020-03-02'),20)) + ' (before the window); the second (3 months on) falls in it: caveat.')
lac('lac-10-no-placement-date-earliest-visit-to-come', '2024-01-05',
    dict(became_looked_after='2024-01-01'),
    {'cla-review': E('due', add_wd(D('2024-01-01'),20), occurrence=1), 'cla-visit': E('due', '2024-01-08', on_bound='earliest', days_left=3)},
    'No placement date; the placement is no earlier than becoming looked after (Mon 1 Jan 2024), so even the earliest first-visit deadline (Mon 8 Jan) is after the as-of date: due on that bound (issue 18 points 4 and 7). First review: 20 WD from 1 Jan 2024 = ' + fmt(add_wd(D('2024-01-01'),20)) + '.')
lac('lac-11-no-placement-date-but-visits', '2024-03-01',
    dict(became_looked_after='2024-01-01', cla_review=['2024-01-26'], visit=['2024-01-05']),
    {'cla-review': [E('met', add_wd(D('2024-01-01'),20), occurrence=1), E('due', '2024-04-26', occurrence=2)],
     'cla-visit': [E('met', '2024-01-08', on_bound='earliest', occurrence=1),
                   E('overdue', '2024-02-16', occurrence=2)]},
    'The visit of 5 Jan 2024 shows the child was in the placement by then, and the placement is no earlier than 1 Jan: the first visit is met by even the earliest deadline (8 Jan).')
lac('lac-12-left-care-before-the-next-review', '2025-12-31',
    dict(became_looked_after='2024-11-04', cla_review=['2024-11-28'], ceased_looked_after='2025-01-10', placement_start='2024-11-04', visit=['2024-11-08', '2024-12-19']),
    {'cla-review': [E('met', '2024-12-02', occurrence=1)],
     'cla-visit': [E('met', '2024-11-11', occurrence=1), E('met', '2024-12-20', occurrence=2)]},
    'The second review (due 28 Feb 2025) and the third visit (due 30 Jan 2025) fall away: the child ceased to be looked after on 10 Jan 2025.')
lac('lac-13-left-care-before-the-first-review-was-due', '2025-12-31',
    dict(became_looked_after='2024-11-04', ceased_looked_after='2024-11-20', placement_start='2024-11-04', visit=['2024-11-08']),
    {'cla-review': [E('not_applicable', occurrence=1, reason_has='ceased_looked_after on Wed 20 Nov 2024, on or before the day the first cla_review was due (Mon 02 Dec 2024): none was owed')],
     'cla-visit': [E('met', '2024-11-11', occurrence=1)]},
    'Looked after 4-20 Nov 2024: the first review (due 2 Dec) was never owed; the duty is reported not applicable with the reason, not dropped. The second visit (due 20 Dec) falls away likewise.')
lac('lac-14-review-entered-twice', '2020-06-30',
    dict(became_looked_after='2019-12-23', cla_review=['2020-01-20', '2020-01-20'], placement_start='2019-12-23', visit=['2019-12-30', '2020-02-10', '2020-03-23', '2020-05-04', '2020-06-15']),
    {'cla-review': [E('met', '2020-01-23', occurrence=1, data_quality=True), E('overdue', '2020-04-20', occurrence=2, data_quality=True)],
     'cla-visit': [E('met', '2019-12-30', occurrence=1), E('met', '2020-02-10', occurrence=2), E('met', '2020-03-23', occurrence=3), E('met', '2020-05-04', occurrence=4, caveat=COV), E('met', '2020-06-15', occurrence=5, caveat=COV), E('due', '2020-07-27', occurrence=6, caveat=COV)]},
    'docs/rule-language.md step 7: the review of Mon 20 Jan 2020 entered twice counts once (flagged); the second review was due within 3 months, Mon 20 Apr 2020, and was not held.')
lac('lac-15-looked-after-in-december-1999', '2000-06-30',
    dict(became_looked_after='1999-12-01', cla_review=['1999-12-29', '2000-03-29']),
    {'cla-review-1991': [E('met', '1999-12-29', occurrence=1), E('met', '2000-03-29', occurrence=2), E('due', '2000-09-29', occurrence=3)],
     'cla-visit': NA(reason_has='before any version of this duty was in force')},
    'Issue 18 point 10: a 1999 case is counted, not missing data. Review of Children\'s Cases Regulations 1991 reg 3: within 4 weeks (29 Dec 1999), then 3 months (29 Mar 2000), then 6 months (29 Sep 2000). Visits: reg 28 of the 2010 Regulations was not in force (not applicable).')
s = D('2024-03-01')
lac('lac-16-ceased-before-becoming-looked-after', '2024-12-31',
    dict(became_looked_after='2024-03-01', ceased_looked_after='2024-02-01'),
    {'cla-review': [E('overdue', add_wd(s,20), occurrence=1, data_quality=True)],
     'cla-visit': E('missing_data', '2024-03-08', on_bound='earliest')},
    'An end dated before the start cannot end the episode: not counted, flagged; the first review (20 WD from Fri 1 Mar 2024, Good Friday 29 Mar and Easter Monday 1 Apr skipped: ' + fmt(add_wd(s,20)) + ') is overdue.')
s = D('2060-03-01')
lac('lac-17-looked-after-in-2060', '2060-06-30',
    dict(became_looked_after='2060-03-01', cla_review=[add_wd(s,20).isoformat()], placement_start='2060-03-01', visit=['2060-03-08']),
    {'cla-review': [E('met', add_wd(s,20), occurrence=1, provisional=True), E('overdue', add_months(add_wd(s,20),3), occurrence=2)],
     'cla-visit': [E('met', '2060-03-08', occurrence=1), E('overdue', '2060-04-19', occurrence=2)]},
    '20 WD from Mon 1 Mar 2060 on the projected calendar (Good Friday 16 Apr, Easter Monday 19 Apr 2060 by the Gregorian computus): ' + fmt(add_wd(s,20)) + ', provisional.')
lac('lac-18-review-entered-ahead', '2024-03-01',
    dict(became_looked_after='2024-01-02', cla_review=['2024-01-25', '2024-04-20'], placement_start='2024-01-02', visit=['2024-01-09', '2024-02-19']),
    {'cla-review': [E('met', add_wd(D('2024-01-02'),20), occurrence=1, data_quality=True), E('due', '2024-04-25', occurrence=2, data_quality=True)],
     'cla-visit': [E('met', '2024-01-09', occurrence=1), E('met', '2024-02-20', occurrence=2), E('due', '2024-04-01', occurrence=3)]},
    'A review recorded for 20 Apr 2024, after the as-of date (1 Mar 2024): not counted as held, flagged; the second review stays due by 25 Apr.')
s = D('2023-01-09')
lac('lac-19-late-first-review-then-from-the-late-one', '2023-12-31',
    dict(became_looked_after='2023-01-09', cla_review=['2023-02-20', '2023-05-22']),
    {'cla-review': [E('late', add_wd(s,20), occurrence=1, working_days_late=wd_between(add_wd(s,20), D('2023-02-20'))), E('late', '2023-05-20', occurrence=2, days_late=2), E('overdue', '2023-11-22', occurrence=3)],
     'cla-visit': E('missing_data', '2023-01-16', on_bound='earliest')},
    'First review due ' + fmt(add_wd(s,20)) + ', held Mon 20 Feb 2023: late. The second "not more than three months after the first" runs from the review actually held: Sat 20 May 2023 (no roll); held Mon 22 May: 2 days late. The third: 6 months from 22 May = Wed 22 Nov 2023; none by 31 Dec.')
s = D('2020-04-01')
lac('lac-20-first-review-in-the-2020-window', '2020-12-31',
    dict(became_looked_after='2020-04-01', cla_review=['2020-04-29', '2020-07-29', '2021-01-20']),
    {'cla-review': [E('met', add_wd(s,20), occurrence=1, caveat='SI 2020/445', data_quality=True), E('met', '2020-07-29', occurrence=2, caveat='SI 2020/445', data_quality=True), E('due', '2021-01-29', occurrence=3, data_quality=True, caveat='SI 2020/445')],
     'cla-visit': E('missing_data', '2020-04-08', on_bound='earliest', caveat=False)},
    'Looked after Wed 1 Apr 2020: 20 WD (Good Friday, Easter Monday skipped) = ' + fmt(add_wd(s,20)) + ', running into SI 2020/445\'s window: caveat. A third review recorded for 20 Jan 2021, after the as-of date: not counted, flagged.')
lac('lac-21-1991-regulations-four-weeks-to-a-sunday', '2011-12-31',
    dict(became_looked_after='2011-03-20', cla_review=['2011-04-15', '2011-07-15']),
    {'cla-review-1991': [E('met', '2011-04-17', occurrence=1), E('met', '2011-07-15', occurrence=2), E('due', '2012-01-15', occurrence=3)],
     'cla-visit': E('missing_data', needs=['placement_start'])},
    'Looked after Sun 20 Mar 2011 under the 1991 Regulations (the trigger decides the version): 4 weeks = Sun 17 Apr 2011 (no roll); held Fri 15 Apr; then 3 months from 15 Apr = 15 Jul; then 6 months = Sun 15 Jan 2012.')
lac('lac-22-not-until-18-six-weekly-after-the-first-year', '2024-06-30',
    dict(became_looked_after='2023-01-02', placement_start='2023-01-02', visit=v6 + ['2024-01-03', '2024-02-14']),
    {'cla-review': E('overdue', add_wd(D('2023-01-02'),20), occurrence=1),
     'cla-visit': [E('met', v6[0], occurrence=1)] + [E('met', v6[i], occurrence=i+1) for i in range(1, 9)] + [E('met', '2024-01-22', occurrence=10), E('met', '2024-02-14', occurrence=11), E('overdue', '2024-03-27', occurrence=12)]},
    'Not meant to last until 18 (reg 28(2)(c)(ii)): six-weekly after the first year too: 3 Jan + 42 = 14 Feb 2024; 14 Feb + 42 = Wed 27 Mar 2024.',
    placement_until_18=False)
lac('lac-23-placement-before-becoming-looked-after', '2024-03-01',
    dict(became_looked_after='2024-01-10', placement_start='2024-01-02', visit=['2024-01-09']),
    {'cla-review': E('overdue', add_wd(D('2024-01-10'),20), occurrence=1),
     'cla-visit': [E('met', '2024-01-09', occurrence=1, data_quality=True), E('overdue', '2024-02-20', occurrence=2, data_quality=True)]},
    'A placement dated before the child became looked after contradicts the rule\'s bound (a looked-after placement starts no earlier): flagged; judged on the recorded placement.')
