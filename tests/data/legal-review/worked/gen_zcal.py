DEADLINES = []
def dl(start, period, why, including=False, error=None):
    d = {'start': start, 'period': period, 'why': why}
    if including: d['including'] = True
    if error:
        d['error'] = error
    else:
        n, unit = period.split(' ', 1)
        s = D(start); n = int(n)
        if unit.startswith('working'): d['expect'] = add_wd(s, n).isoformat()
        elif unit.startswith('week'): d['expect'] = weeks(s, n, including).isoformat()
        elif unit.startswith('month'): d['expect'] = add_months(s, n).isoformat()
        elif unit.startswith('day'): d['expect'] = (s + timedelta(n - (1 if including else 0))).isoformat()
    DEADLINES.append(d)
dl('1971-04-08', '1 working day', 'Good Friday 9 Apr and Easter Monday 12 Apr 1971 (Easter 11 Apr 1971): Tue 13 Apr.')
dl('1971-12-24', '1 working day', 'Christmas 1971 fell on a Saturday: Mon 27 Dec (BFDA 1971 Sch 1: 27 Dec where 26 Dec is a Sunday) and Tue 28 Dec (the Christmas substitute, by proclamation; U for 1971): Wed 29 Dec.')
dl('1972-12-31', '1 working day', 'New Year\'s Day was not a bank holiday in England and Wales until 1974: Mon 1 Jan 1973 is a working day.')
dl('1973-12-31', '1 working day', 'New Year\'s Day 1974, the first by proclamation under s.1(3) of the 1971 Act: Wed 2 Jan 1974.')
dl('1977-04-29', '1 working day', 'No early May holiday before 1978: Mon 2 May 1977 is a working day.')
dl('1977-05-27', '1 working day', 'The spring holiday of 1977 was moved from Mon 30 May to Mon 6 Jun for the Silver Jubilee: 30 May 1977 is a working day.')
dl('1977-06-03', '1 working day', 'Mon 6 Jun (spring, moved) and Tue 7 Jun 1977 (Silver Jubilee): Wed 8 Jun.')
dl('1978-04-28', '1 working day', 'The first early May holiday, Mon 1 May 1978: Tue 2 May.')
dl('1981-07-28', '1 working day', 'Wed 29 Jul 1981, the wedding of the Prince of Wales: Thu 30 Jul.')
dl('1995-04-28', '1 working day', 'The early May holiday of 1995 was moved to Mon 8 May (VE Day 50th): Mon 1 May 1995 is a working day.')
dl('1995-05-05', '1 working day', 'Mon 8 May 1995 (VE Day): Tue 9 May.')
dl('1999-12-17', '10 working days', 'Millennium: 27, 28 Dec 1999 (Christmas on a Saturday), Fri 31 Dec 1999 (millennium holiday), Mon 3 Jan 2000 (New Year on a Saturday): Thu 6 Jan 2000 (docs/legal-reference.md s.5).')
dl('1999-12-30', '1 working day', 'Fri 31 Dec 1999 and Mon 3 Jan 2000 skipped: Tue 4 Jan 2000.')
dl('2002-05-24', '1 working day', 'The spring holiday of 2002 moved from Mon 27 May to Tue 4 Jun (Golden Jubilee): 27 May 2002 is a working day.')
dl('2002-05-31', '1 working day', 'Mon 3 Jun (Golden Jubilee) and Tue 4 Jun 2002 (spring, moved): Wed 5 Jun.')
dl('2011-04-28', '1 working day', 'Fri 29 Apr 2011 (royal wedding) and Mon 2 May: Tue 3 May.')
dl('2012-05-25', '1 working day', 'Mon 28 May 2012 is a working day (spring moved to 4 Jun).')
dl('2012-06-01', '1 working day', 'Mon 4 Jun (spring, moved), Tue 5 Jun 2012 (Diamond Jubilee): Wed 6 Jun.')
dl('2020-05-01', '1 working day', 'Mon 4 May 2020 is a working day (early May moved to Fri 8 May, VE Day 75th).')
dl('2020-05-07', '1 working day', 'Fri 8 May 2020 (VE Day): Mon 11 May.')
dl('2022-05-27', '1 working day', 'Mon 30 May 2022 is a working day (spring moved to Thu 2 Jun).')
dl('2022-06-01', '1 working day', 'Thu 2 and Fri 3 Jun 2022 (spring moved, Platinum Jubilee): Mon 6 Jun.')
dl('2022-09-16', '1 working day', 'Mon 19 Sep 2022, the State Funeral of Queen Elizabeth II: Tue 20 Sep.')
dl('2023-05-05', '1 working day', 'Mon 8 May 2023, the Coronation of King Charles III: Tue 9 May.')
dl('2019-12-12', '30 working days', 'SI 2007/462 reg 2 worked example (legal-timelines s.7): Tue 28 Jan 2020.')
dl('2019-12-12', '70 working days', 'reg 3 worked example: Tue 24 Mar 2020.')
dl('2022-05-20', '45 working days', 'WT assessment worked example: Tue 26 Jul 2022.')
dl('2011-04-18', '45 working days', 'WT assessment worked example: Mon 27 Jun 2011 (Easter, royal wedding, both May holidays skipped).')
dl('2025-04-01', '26 weeks', 'CA 1989 s.32 "beginning with": Mon 29 Sep 2025.', including=True)
dl('2023-08-31', '3 months', 'Corresponding date: no 31 Nov, so Thu 30 Nov 2023.')
dl('2023-11-30', '3 months', 'Leap year: Thu 29 Feb 2024.')
dl('2024-02-29', '12 months', 'From 29 Feb 2024, 12 months: no 29 Feb 2025, so Fri 28 Feb 2025.')
dl('2025-01-31', '1 month', 'No 31 Feb: Fri 28 Feb 2025.')
dl('2024-01-31', '1 month', 'Leap year: Thu 29 Feb 2024.')
dl('2024-01-01', '1 week', '"Within one week of" Mon 1 Jan 2024: Mon 8 Jan.')
dl('2099-12-24', '1 working day', 'Christmas 2099 on a Friday, Boxing Day on a Saturday (Mon 28 Dec substitute): Tue 29 Dec 2099 (provisional).')
dl('2060-04-15', '1 working day', 'Easter 2060 is 18 Apr (Gregorian computus): Good Friday 16 Apr and Easter Monday 19 Apr skipped: Tue 20 Apr 2060.')
dl('2100-12-31', '1 working day', 'The calendars end with 2100: a deadline in 2101 is refused, never guessed.', error='1971 to 2100')
dl('1970-12-20', '10 working days', 'Before 1971 (the Banking and Financial Dealings Act): refused.', error='1971 to 2100')

PLANS = [
 {'kind': 'inspection', 'given': ['report_received=2024-12-03', 'framework=ILACS'], 'as_of': '2024-12-04',
  'expect': {'la-publish-report': ['2025-01-17'], 'la-publish-statement': ['2025-03-14'], 'la-send-action-plan': ['2025-03-14']},
  'why': 'docs/legal-reference.md s.5: received Tue 3 Dec 2024: 30th WD Fri 17 Jan 2025, 70th Fri 14 Mar 2025.'},
 {'kind': 'inspection', 'given': ['report_received=2018-11-01', 'framework=ILACS-focused-visit', 'priority_actions=true'], 'as_of': '2018-11-02',
  'expect': {'la-publish-report': ['2018-12-13'], 'fv-priority-draft-plan': ['2018-11-29'], 'fv-priority-action-plan': ['2019-02-12']},
  'why': 'Focused visit with priority actions: publish (arguable) 30 WD Thu 13 Dec 2018; draft 20 WD Thu 29 Nov; final 70 WD Tue 12 Feb 2019.'},
 {'kind': 'referral', 'given': ['referral=2022-05-20'], 'as_of': '2022-05-20',
  'expect': {'referral-decision-1wd': ['2022-05-23'], 'assessment-45wd': ['2022-07-26']},
  'why': 'Fri 20 May 2022: decision Mon 23 May; assessment Tue 26 Jul 2022.'},
 {'kind': 'child-protection', 'given': ['strategy_discussion=16/12/2020', 'icpc=11/01/2021', 'cp_plan=true'], 'as_of': '2021-01-12',
  'expect': {'rcpc': ['2021-04-11', '2021-10-11', '2022-04-11']},
  'why': 'Reviews: 3 months from Mon 11 Jan 2021 = Sun 11 Apr (no roll), then 6-monthly each assuming the one before is held on its deadline.'},
 {'kind': 'looked-after', 'given': ['became_looked_after=04/11/2024', 'placement_start=04/11/2024'], 'as_of': '2024-11-05',
  'expect': {'cla-review': ['2024-12-02', '2025-03-02', '2025-09-02'], 'cla-visit': ['2024-11-11', '2024-12-23', '2025-02-03']},
  'why': 'Issue 18 point 4: the first-year visits are planned without placement_until_18: Mon 11 Nov, then every 42 days. Reviews: 20 WD Mon 2 Dec 2024, then 3 months (2 Mar 2025), then 6 months.'},
 {'kind': 'care-proceedings', 'given': ['care_application_issued=2025-04-01', 'care_extension=2025-10-10'], 'as_of': '2025-10-11',
  'expect': {'care-proceedings-26wk': ['2025-12-05']},
  'why': 's.32(8): an extension granted Fri 10 Oct 2025 after the 26 weeks ran out ends Fri 5 Dec 2025.'},
 {'kind': 'care-proceedings', 'given': ['care_application_issued=2025-04-01', 'care_extension=2025-09-15;2025-12-01'], 'as_of': '2025-12-02',
  'expect': {'care-proceedings-26wk': ['2026-01-26']},
  'why': 'Two extensions, the second after the first ran out: Mon 26 Jan 2026.'},
 {'kind': 'complaint', 'given': ['complaint_received=2022-09-09'], 'as_of': '2022-09-10',
  'expect': {'complaint-stage1': ['2022-09-26']},
  'why': '10 WD with the State Funeral skipped: Mon 26 Sep 2022.'},
 {'kind': 'missing-episode', 'given': ['returned_from_missing=2024-10-25T22:00'], 'as_of': '2024-10-26',
  'expect': {'return-interview-72h': ['2024-10-28T21:00']},
  'why': '72 real hours across the end of BST: Mon 28 Oct 2024 21:00 GMT.'},
]
PLANS += [
 {'kind': 'looked-after', 'given': ['became_looked_after=04/11/2024', 'placement_start=04/11/2024'], 'as_of': '2024-11-05',
  'expect': {'cla-visit': ['2024-11-11']}, 'clock_has': {'cla-visit': 'placement_until_18'},
  'why': 'The plan\'s "Clock" line for visits must state the law: after the first year, 3 months only where the placement is meant to last until 18 (reg 28(2)(c)(i)), otherwise 6 weeks.'},
 {'kind': 'care-proceedings', 'given': ['care_application_issued=2025-04-01', 'care_extension=2025-09-15;2025-09-15'], 'as_of': '2025-09-16',
  'expect': {'care-proceedings-26wk': ['2025-11-24']},
  'why': 'The same extension entered twice is one extension: Mon 24 Nov 2025.'},
]
UNITS = {'period': {'amount': 30, 'unit': 'fortnights'}, 'must_say': ['fortnights', 'days', 'working_days', 'weeks', 'months', 'hours'],
         'why': 'Issue 18 point 11: an unknown unit in the mapping form names the unit and lists the valid ones, as the text form does.'}
WORDING = [
 {'record': 'ins-20-published-typed-2108', 'rule': 'la-publish-report', 'occurrence': 1,
  'must_contain': ['14 Dec 2108'], 'must_not_contain': ['No report_published is recorded'],
  'why': 'Issue 18 point 8: say what was recorded (14 Dec 2108) and how it was treated, never "No report_published is recorded" when one is.'},
 {'record': 'cp-01-review-deadline-on-a-sunday', 'rule': 'rcpc', 'occurrence': 2,
  'must_contain': ['No rcpc after Mon 12 Apr 2021 is recorded'], 'must_not_contain': ['No rcpc is recorded as of'],
  'why': 'The child has a review conference on record (12 Apr 2021); what is missing is one after it. "No rcpc is recorded" is false of the record.'},
 {'record': 'cp-18-review-entered-ahead', 'rule': 'rcpc', 'occurrence': 2,
  'must_contain': ['No rcpc after Fri 12 Apr 2024 and dated on or before Sun 30 Jun 2024 is recorded'], 'must_not_contain': ['No rcpc dated on or before Sun 30 Jun 2024 is recorded'],
  'why': 'A review of 12 Apr 2024 is recorded, on or before 30 Jun 2024; the sentence is false of the record.'},
]
ANNEX_WITHOUT_DATE = {'mapping': 'annex-a-list5', 'file': 'list5.csv', 'as_of': '2026-01-01', 'must_say': 'extract-date',
  'why': 'annex-a-list5 says extract_date: given (the list carries no date). Checked in 2026 without --extract-date, a January 2021 list is judged as if drawn in 2026: LR2 (strategy discussion 20 Jan 2021) becomes "1233 working days overdue" with no word said, exactly the failure issue 18 point 9 describes.'}
