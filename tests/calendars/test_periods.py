"""Period arithmetic checked against the law: legal-timelines.md §1 (counting rules) and §7 (worked examples),
the shared oracle of reference deadlines, and an independent day-by-day reference (tests/reference.py).

Every expected date below was derived by hand from the rule it cites, or comes from the reference or the
oracle; none was copied from what the code returns.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import reference
from compliance.calendars import get_calendar
from compliance.errors import CalendarRangeError, InputError
from compliance.calendars import Period, add_period, compute_deadline, parse_date, parse_period, working_days_between
from conftest import ROOT

ORACLE = ROOT / "tests" / "data" / "working-days.csv"  # a copy of the shared oracle: facts, kept with the tests
EW = reference.ReferenceCalendar("england-and-wales")
D = date.fromisoformat


# -- the shared oracle ------------------------------------------------------------------------------

def _oracle_rows() -> list[dict[str, str]]:
    if not ORACLE.is_file():
        pytest.fail(
            f"the reference deadlines {ORACLE} are missing: the repository carries them in tests/data/",
            pytrace=False,
        )
    with ORACLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


def _oracle_expected(row: dict[str, str]) -> tuple[date, int, str, date]:
    return D(row["start"]), int(row["n"]), row["unit"], D(row["expected"])


def test_every_oracle_row_is_met_by_add_period():
    rows = _oracle_rows()
    assert len(rows) > 400, f"{ORACLE} has only {len(rows)} rows; expected the full reference set"
    wrong = []
    for row in rows:
        start, n, unit, expected = _oracle_expected(row)
        got = add_period(start, n, unit)
        if got != expected:
            wrong.append(f"{start} + {n} {unit}: expected {expected}, got {got} ({row['note']})")
    assert not wrong, "\n".join(wrong)


def test_every_oracle_row_is_met_by_the_independent_reference():
    """The oracle, the reference and the code are three separate methods; the first two must agree too."""
    wrong = []
    for row in _oracle_rows():
        start, n, unit, expected = _oracle_expected(row)
        if unit == "working_days":
            got = EW.add_working_days(start, n)
        elif unit == "days":
            got = start + timedelta(days=n)
        else:
            got = reference.add_months(start, n)
        if got != expected:
            wrong.append(f"{start} + {n} {unit}: oracle {expected}, reference {got}")
    assert not wrong, "\n".join(wrong)


def test_oracle_working_day_rows_ending_after_the_announced_years_are_flagged_provisional():
    projected = [r for r in _oracle_rows() if D(r["expected"]).year > 2028 and r["unit"] == "working_days"]
    assert projected, "the oracle should include deadlines in years GOV.UK has not published"
    for row in projected:
        start, n, unit, _ = _oracle_expected(row)
        assert "PROJECTED" in row["note"]
        assert compute_deadline(start, Period(n, unit)).provisional, row


# -- §7 worked examples -------------------------------------------------------------------------------

# Each row: legal-timelines.md §7 case, trigger, period, deadline by hand, counting and the holidays skipped.
WORKED_EXAMPLES = [
    # Reg 2 publish within 30 WD of Thu 12 Dec 2019: 13 Dec is day 1; 25, 26 Dec and 1 Jan skipped.
    ("reg 2 publish, 30 WD", "2019-12-12", Period(30, "working_days"), "2020-01-28"),
    # Reg 3 statement within 70 WD of the same receipt: same three holidays skipped.
    ("reg 3 statement, 70 WD", "2019-12-12", Period(70, "working_days"), "2020-03-24"),
    # Kirklees cross-check: receipt Mon 28 Nov 2016; 26 and 27 Dec 2016 and 2 Jan 2017 skipped.
    ("Kirklees, 70 WD", "2016-11-28", Period(70, "working_days"), "2017-03-09"),
    # CPPCR reg 33(1): looked after from Mon 23 Dec 2019, 20 WD.
    ("CPPCR reg 33(1), 20 WD", "2019-12-23", Period(20, "working_days"), "2020-01-23"),
    # ICPC 15 WD from Wed 16 Dec 2020: 25 Dec, 28 Dec (Boxing Day substitute) and 1 Jan skipped.
    ("ICPC, 15 WD", "2020-12-16", Period(15, "working_days"), "2021-01-11"),
    # Assessment 45 WD from Fri 20 May 2022: 2 and 3 June 2022 (moved spring holiday, jubilee) skipped.
    ("assessment 2022, 45 WD", "2022-05-20", Period(45, "working_days"), "2022-07-26"),
    # Assessment 45 WD from Mon 18 Apr 2011: Good Friday, Easter Monday, royal wedding, 2 and 30 May.
    ("assessment 2011, 45 WD", "2011-04-18", Period(45, "working_days"), "2011-06-27"),
    # First RCPC within 3 months of Thu 31 Aug 2023: no 31 Nov, so the last day of November.
    ("RCPC 3 months, month end", "2023-08-31", Period(3, "months"), "2023-11-30"),
    # First RCPC within 3 months of Thu 30 Nov 2023: no 30 Feb, 2024 is a leap year.
    ("RCPC 3 months, leap year", "2023-11-30", Period(3, "months"), "2024-02-29"),
    # Second LAC review within 3 months of Sat 30 Nov 2024: February 2025 has 28 days.
    ("LAC review 3 months", "2024-11-30", Period(3, "months"), "2025-02-28"),
    # Visit within 1 week of placement on Mon 1 Jan 2024: D + 7.
    ("visit within 1 week", "2024-01-01", Period(1, "weeks"), "2024-01-08"),
    # CA 1989 s.32: 26 weeks beginning with issue on Tue 1 Apr 2025: D + 26*7 - 1 = D + 181.
    ("s.32 26 weeks beginning with", "2025-04-01", Period(26, "weeks", "including"), "2025-09-29"),
    # Complaint stage 1: 10 WD from Fri 9 Sep 2022: the state funeral on 19 Sep skipped.
    ("complaint stage 1, 10 WD", "2022-09-09", Period(10, "working_days"), "2022-09-26"),
    # Complaint stage 2: 25 WD from Mon 24 Apr 2023: 1 May, 8 May (coronation) and 29 May skipped.
    ("complaint stage 2, 25 WD", "2023-04-24", Period(25, "working_days"), "2023-06-01"),
    # Review panel: 30 WD from Fri 1 May 2020: 8 May (VE day, moved) and 25 May skipped; 4 May worked.
    ("review panel 2020, 30 WD", "2020-05-01", Period(30, "working_days"), "2020-06-16"),
]


@pytest.mark.parametrize("case, start, period, expected", WORKED_EXAMPLES, ids=[w[0] for w in WORKED_EXAMPLES])
def test_worked_examples_of_legal_timelines_section_7(case, start, period, expected):
    assert compute_deadline(D(start), period).end == D(expected)
    assert compute_deadline(D(start), period, explain=False).end == D(expected)


def test_section_7_named_skipped_holidays():
    """§7 names the holidays each example skips; the explanation must name exactly those weekdays."""
    named = {
        ("2020-12-16", 15): ["2020-12-25", "2020-12-28", "2021-01-01"],
        ("2022-05-20", 45): ["2022-06-02", "2022-06-03"],
        ("2011-04-18", 45): ["2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30"],
        ("2022-09-09", 10): ["2022-09-19"],
        ("2023-04-24", 25): ["2023-05-01", "2023-05-08", "2023-05-29"],
        ("2020-05-01", 30): ["2020-05-08", "2020-05-25"],
    }
    for (start, n), days in named.items():
        deadline = compute_deadline(D(start), Period(n, "working_days"))
        assert [s.date.isoformat() for s in deadline.skipped if s.date.weekday() < 5] == days


def test_kirklees_cross_check_runs_backwards_to_the_receipt_date():
    # §7: a 70 WD deadline of Thu 9 Mar 2017 implies receipt on Mon 28 Nov 2016.
    assert get_calendar().add_working_days(D("2017-03-09"), -70) == D("2016-11-28")
    assert working_days_between(D("2016-11-28"), D("2017-03-09")) == 70


def test_cli_example_70_working_days_from_5_december_2018():
    # 6 Dec is day 1; 25 Dec, 26 Dec 2018 and 1 Jan 2019 skipped; the 70th working day is Mon 18 Mar 2019.
    assert add_period(D("2018-12-05"), 70, "working_days") == D("2019-03-18")


# -- counting rules, §1.1 -------------------------------------------------------------------------------

def test_within_n_days_of_d_ends_on_d_plus_n_and_is_not_moved_off_a_weekend():
    # Rule 1 (trigger day excluded) and rule 8 (no roll-forward): Sat 30 Dec 2023 + 7 = Sat 6 Jan 2024.
    assert add_period(D("2023-12-30"), 7, "days") == D("2024-01-06")
    deadline = compute_deadline(D("2023-12-30"), Period(7, "days"))
    assert deadline.end == D("2024-01-06") and deadline.rolled_from is None
    assert any("does not move" in step for step in deadline.steps)


def test_roll_forward_only_when_the_rule_opts_in():
    # Sat 6 Jan 2024 rolls to Mon 8 Jan; 10 days from Fri 15 Dec 2023 is Mon 25 Dec, rolled past Boxing Day.
    rolled = compute_deadline(D("2023-12-30"), Period(7, "days", roll=True))
    assert (rolled.end, rolled.rolled_from) == (D("2024-01-08"), D("2024-01-06"))
    christmas = compute_deadline(D("2023-12-15"), Period(10, "days", roll=True))
    assert (christmas.end, christmas.rolled_from) == (D("2023-12-27"), D("2023-12-25"))
    plain = compute_deadline(D("2023-12-15"), Period(10, "days"))
    assert (plain.end, plain.rolled_from) == (D("2023-12-25"), None)
    on_a_working_day = compute_deadline(D("2024-01-01"), Period(1, "weeks", roll=True))
    assert (on_a_working_day.end, on_a_working_day.rolled_from) == (D("2024-01-08"), None)


@pytest.mark.parametrize("start, expected", [
    ("2019-03-16", "2019-03-18"),  # Saturday start: the first working day after it is Monday
    ("2019-03-17", "2019-03-18"),  # Sunday start
    ("2018-12-25", "2018-12-27"),  # Christmas Day start: Boxing Day is skipped too
    ("2012-04-06", "2012-04-10"),  # Good Friday start: Easter Monday skipped
    ("2019-03-18", "2019-03-19"),  # a working-day start is not counted either
])
def test_first_working_day_after_a_start_whether_or_not_it_is_a_working_day(start, expected):
    assert add_period(D(start), 1, "working_days") == D(expected)


@pytest.mark.parametrize("start, n, expected", [
    ("2023-01-31", 1, "2023-02-28"),  # rule 4: no 31 Feb, so the month's last day
    ("2024-01-31", 1, "2024-02-29"),  # leap year
    ("2023-09-30", 4, "2024-01-30"),  # Dodds v Walker: 30 Sep + 4 months = 30 Jan, not 31 Jan
    ("2023-03-31", 1, "2023-04-30"),
    ("2023-12-31", 2, "2024-02-29"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2023-01-31", 2, "2023-03-31"),  # counted from the start date, never chained through 28 Feb
    ("2023-11-15", 3, "2024-02-15"),
])
def test_months_use_the_corresponding_date_or_the_month_end(start, n, expected):
    assert add_period(D(start), n, "months") == D(expected)


def test_weeks_are_seven_days_and_six_week_intervals_are_42_days():
    # Rule 6: "within one week of" D is D + 7; "at intervals of not more than six weeks" is prev + 42.
    assert add_period(D("2024-01-01"), 1, "weeks") == D("2024-01-08")
    assert add_period(D("2024-01-01"), 6, "weeks") == D("2024-02-12")


@pytest.mark.parametrize("start, period, expected", [
    ("2025-04-01", Period(26, "weeks", "including"), "2025-09-29"),  # rule 2: D + 181
    ("2024-03-04", Period(10, "days", "including"), "2024-03-13"),  # D is day 1: D + 9
    # Mon 4 Mar 2024 is working day 1, so the 10th is Fri 15 Mar.
    ("2024-03-04", Period(10, "working_days", "including"), "2024-03-15"),
    # Sat 2 Mar 2024 is not a working day: day 1 is Mon 4 Mar, the 10th Fri 15 Mar.
    ("2024-03-02", Period(10, "working_days", "including"), "2024-03-15"),
    # Good Friday 29 Mar 2024 cannot be day 1: Tue 2 Apr is (Easter Monday skipped).
    ("2024-03-29", Period(1, "working_days", "including"), "2024-04-02"),
    ("2023-06-10", Period(3, "months", "including"), "2023-09-09"),  # the day before the corresponding date
    # 3 months beginning with 1 March end on 31 May, the day before 1 June (not 28 May, which counting
    # on from the last day of February would give); 4 months beginning with 1 October end on 31 January.
    ("2023-03-01", Period(3, "months", "including"), "2023-05-31"),
    ("2023-10-01", Period(4, "months", "including"), "2024-01-31"),
    # No corresponding date: the month's last day (Pruden v Cunard Ellerman [1993] IRLR 317): beginning with
    # 31 August, 3 months end on 30 November (no 31 November), not 29 November (the day before the 30th); beginning
    # with 31 January 2024, 1 month ends on 29 February; with 29 February 2024, 12 months on 28 February 2025.
    ("2024-08-31", Period(3, "months", "including"), "2024-11-30"),
    ("2024-01-31", Period(1, "months", "including"), "2024-02-29"),
    ("2023-01-30", Period(1, "months", "including"), "2023-02-28"),
    ("2024-02-29", Period(12, "months", "including"), "2025-02-28"),
    ("2023-02-28", Period(1, "months", "including"), "2023-03-27"),  # 28 March exists: the day before
])
def test_beginning_with_counts_the_start_day_as_day_one(start, period, expected):
    assert compute_deadline(D(start), period).end == D(expected)


def test_a_time_the_clocks_showed_twice_is_named_by_its_zone_in_the_working():
    # London's clocks went back at 02:00 BST on Sun 27 Oct 2024 (01:00 GMT), so 01:00 to 01:59 came twice.
    # From Thu 24 Oct 02:30 BST (01:30 GMT), 72 real hours end at 01:30 GMT on the 27th, the second 01:30; one hour
    # from the first 01:30 (BST) ends at the second. The working said "from 2024-10-27 01:30 ends at 2024-10-27 01:30".
    three_days = compute_deadline(datetime(2024, 10, 24, 2, 30), Period(72, "hours")).steps
    assert three_days[0] == ("72 hours of clock time from 2024-10-24 02:30 ends at 2024-10-27 01:30 GMT; weekends and "
                             "holidays count.")
    assert "end at 01:30 GMT, not 02:30 by the clock on the wall" in three_days[1]
    one_hour = compute_deadline(datetime(2024, 10, 27, 1, 30), Period(1, "hours")).steps
    assert one_hour[0].startswith("1 hour of clock time from 2024-10-27 01:30 BST ends at 2024-10-27 01:30 GMT;")
    # Outside that hour nothing is added: 02:30 on 27 Oct 2024 happened once (GMT), 01:30 on 26 Oct once (BST).
    assert compute_deadline(datetime(2024, 10, 26, 1, 30), Period(1, "hours")).steps[0] == (
        "1 hour of clock time from 2024-10-26 01:30 ends at 2024-10-26 02:30; weekends and holidays count.")


def test_hours_are_clock_time_and_a_bare_date_gives_an_approximate_day():
    # Rule 7: 72 hours from a date-only return is the date + 3 days, flagged approximate.
    assert add_period(D("2024-05-03"), 72, "hours") == D("2024-05-06")
    approx = compute_deadline(D("2024-05-03"), Period(72, "hours"))
    assert approx.end == D("2024-05-06") and approx.approximate
    # With a time, clock hours; weekends count.
    exact = compute_deadline(datetime(2024, 5, 3, 18, 30), Period(72, "hours"))
    assert exact.end == datetime(2024, 5, 6, 18, 30) and not exact.approximate
    # 25 hours from an unknown time on D may run to D + 2 (23:59 + 25 h): the part day counts whole.
    assert compute_deadline(D("2024-05-03"), Period(25, "hours")).end == D("2024-05-05")
    assert add_period(D("2024-05-03"), 25, "hours") == D("2024-05-05")


# -- edge cases: Christmas and New Year, Easter, substitutes, one-offs -----------------------------------

@pytest.mark.parametrize("start, expected, why", [
    ("2021-12-24", "2021-12-29", "25/26 Dec 2021 at the weekend: substitutes Mon 27 and Tue 28"),
    ("2022-12-23", "2022-12-28", "Christmas 2022 a Sunday: Boxing Day Mon 26, Christmas substitute Tue 27"),
    ("2020-12-24", "2020-12-29", "Boxing Day 2020 a Saturday: substitute Mon 28"),
    ("2015-12-24", "2015-12-29", "Boxing Day 2015 a Saturday: substitute Mon 28"),
    ("2010-12-24", "2010-12-29", "Christmas 2010 a Saturday: substitutes Mon 27 and Tue 28 (rule-computed year)"),
    ("2016-12-23", "2016-12-28", "Christmas 2016 a Sunday: Mon 26 and Tue 27"),
    ("2026-12-24", "2026-12-29", "Boxing Day 2026 a Saturday: substitute Mon 28 (projected)"),
    ("2027-12-24", "2027-12-29", "Christmas 2027 a Saturday: Mon 27 and Tue 28 (projected)"),
    ("2044-12-23", "2044-12-28", "Christmas 2044 a Sunday: Mon 26 and Tue 27 (projected)"),
    ("2021-12-31", "2022-01-04", "New Year's Day 2022 a Saturday: substitute Mon 3 Jan"),
    ("2022-12-30", "2023-01-03", "New Year's Day 2023 a Sunday: substitute Mon 2 Jan"),
    ("2000-01-01", "2000-01-04", "New Year's Day 2000 a Saturday: substitute Mon 3 Jan, the first covered year"),
    ("2024-12-23", "2024-12-24", "Christmas Eve is an ordinary working day"),
    ("2024-12-30", "2024-12-31", "New Year's Eve is an ordinary working day"),
])
def test_christmas_and_new_year(start, expected, why):
    assert add_period(D(start), 1, "working_days") == D(expected), why


@pytest.mark.parametrize("start, expected, why", [
    ("2024-03-28", "2024-04-02", "Easter 2024: Good Friday 29 Mar, Easter Monday 1 Apr (spans two months)"),
    ("2019-04-18", "2019-04-23", "Easter 2019: 19 and 22 Apr"),
    ("2008-03-20", "2008-03-25", "an early Easter (23 Mar 2008)"),
    ("2038-04-22", "2038-04-27", "the latest possible Easter (25 Apr 2038)"),
    ("2000-04-20", "2000-04-25", "Easter 2000 (23 Apr)"),
])
def test_easter(start, expected, why):
    assert add_period(D(start), 1, "working_days") == D(expected), why


@pytest.mark.parametrize("start, expected, why", [
    ("2012-06-01", "2012-06-06", "Diamond Jubilee: 4 Jun (moved spring) and 5 Jun 2012"),
    ("2012-05-25", "2012-05-28", "28 May 2012 was a working day: the spring holiday moved to 4 Jun"),
    ("2020-05-07", "2020-05-11", "VE Day: the early May holiday moved to Fri 8 May 2020"),
    ("2020-05-01", "2020-05-04", "4 May 2020 was a working day"),
    ("2022-06-01", "2022-06-06", "Platinum Jubilee: Thu 2 and Fri 3 Jun 2022"),
    ("2022-05-27", "2022-05-30", "30 May 2022 was a working day: the spring holiday moved to 2 Jun"),
    ("2022-09-16", "2022-09-20", "State Funeral of Queen Elizabeth II, Mon 19 Sep 2022"),
    ("2023-05-05", "2023-05-09", "Coronation of King Charles III, Mon 8 May 2023"),
    ("2023-04-28", "2023-05-02", "early May 2023 (1 May) is separate from the coronation"),
    ("2011-04-28", "2011-05-03", "royal wedding Fri 29 Apr 2011, then early May Mon 2 May"),
    ("2002-05-24", "2002-05-27", "27 May 2002 was a working day: spring holiday moved for the Golden Jubilee"),
    ("2002-05-31", "2002-06-05", "Golden Jubilee: Mon 3 and Tue 4 Jun 2002"),
])
def test_one_off_and_moved_holidays(start, expected, why):
    assert add_period(D(start), 1, "working_days") == D(expected), why


# -- working_days_between ------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, expected", [
    ("2024-03-08", "2024-03-11", 1),   # Fri to Mon: only Monday counts
    ("2024-03-11", "2024-03-11", 0),
    ("2024-03-11", "2024-03-15", 4),   # Tue..Fri; the start day is not counted
    ("2024-03-09", "2024-03-15", 5),   # from a Saturday: Mon..Fri
    ("2018-12-24", "2018-12-27", 1),   # Christmas and Boxing Day skipped
    ("2018-12-05", "2019-03-18", 70),
    ("2024-03-11", "2024-03-08", -1),  # backwards: minus the working days after the end up to the start
    ("2024-03-15", "2024-03-11", -4),
])
def test_working_days_between_counts_after_start_up_to_and_including_end(start, end, expected):
    assert working_days_between(D(start), D(end)) == expected


# -- independent reference, property-based -------------------------------------------------------------

ew_dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2049, 6, 30))
amounts = st.integers(min_value=1, max_value=300)


@settings(max_examples=400, deadline=None)
@given(start=ew_dates, n=amounts)
def test_add_working_days_matches_the_day_by_day_reference(start, n):
    assert add_period(start, n, "working_days") == EW.add_working_days(start, n)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2001, 6, 1), max_value=date(2050, 12, 31)), n=amounts)
def test_counting_backwards_matches_the_reference(start, n):
    assert get_calendar().add_working_days(start, -n) == EW.add_working_days(start, -n)


@settings(max_examples=150, deadline=None)
@given(division=st.sampled_from(["scotland", "northern-ireland"]),
       start=st.dates(min_value=date(2012, 1, 1), max_value=date(2027, 6, 30)), n=amounts)
def test_scotland_and_northern_ireland_match_govuk_day_by_day(division, start, n):
    ref = reference.ReferenceCalendar(division)
    assert add_period(start, n, "working_days", calendar=division) == ref.add_working_days(start, n)


@settings(max_examples=300, deadline=None)
@given(start=ew_dates, offset=st.integers(min_value=-700, max_value=700))
def test_working_days_between_matches_the_reference_and_is_antisymmetric(start, offset):
    end = start + timedelta(days=offset)
    assume(date(2000, 1, 1) <= end <= date(2050, 12, 31))
    got = working_days_between(start, end)
    assert got == EW.working_days_between(start, end)
    assert got == -working_days_between(end, start)
    assert got <= 0 if end < start else got >= 0


@settings(max_examples=300, deadline=None)
@given(start=ew_dates, offset=st.integers(min_value=-500, max_value=500))
def test_add_working_days_inverts_working_days_between_for_working_days(start, offset):
    """add_working_days(d, working_days_between(d, e)) is e for a working day e, with one documented case.

    Counting back from a day d that is not a working day starts at the last working day before it, so for
    e < d the result is then the first working day after e: both functions never count the start day.
    """
    cal = get_calendar()
    raw = start + timedelta(days=offset)
    assume(date(2000, 1, 1) <= raw <= date(2050, 12, 20))
    end = EW.next_working_day(raw)
    n = working_days_between(start, end)
    back = cal.add_working_days(start, n)
    if end >= start or EW.is_working_day(start):
        assert back == end
    elif n == 0:
        assert back == start  # no working day between them: zero working days from start is start
    else:
        assert back == EW.add_working_days(end, 1)
    if n > 0:
        assert working_days_between(start, add_period(start, n, "working_days")) == n


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), n=st.integers(1, 240))
def test_months_match_the_corresponding_date_rule(start, n):
    got = add_period(start, n, "months")
    assert got == reference.add_months(start, n)
    assert got.day == start.day or got.day < start.day and (got + timedelta(days=1)).day == 1


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2000, 1, 1), max_value=date(2049, 12, 31)), n=st.integers(1, 400))
def test_days_and_weeks_are_plain_calendar_arithmetic(start, n):
    assert add_period(start, n, "days") == start + timedelta(days=n)
    assert add_period(start, n, "weeks") == start + timedelta(days=7 * n)
    assert compute_deadline(start, Period(n, "days", "including")).end == start + timedelta(days=n - 1)
    assert compute_deadline(start, Period(n, "weeks", "including")).end == start + timedelta(days=7 * n - 1)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2000, 1, 2), max_value=date(2049, 6, 30)), n=amounts)
def test_beginning_with_counts_a_working_start_day_as_day_one(start, n):
    expected = EW.add_working_days(start, n - 1) if EW.is_working_day(start) else EW.add_working_days(start, n)
    assert compute_deadline(start, Period(n, "working_days", "including")).end == expected


@settings(max_examples=200, deadline=None)
@given(start=ew_dates, n=st.integers(1, 120), unit=st.sampled_from(["days", "weeks", "months"]))
def test_roll_moves_only_a_non_working_end_and_only_when_asked(start, n, unit):
    plain = compute_deadline(start, Period(n, unit))
    assume(plain.end <= date(2050, 12, 20))
    rolled = compute_deadline(start, Period(n, unit, roll=True))
    assert rolled.end == EW.next_working_day(plain.end)
    assert rolled.rolled_from == (None if EW.is_working_day(plain.end) else plain.end)
    assert plain.rolled_from is None


@settings(max_examples=150, deadline=None)
@given(start=st.dates(min_value=date(2000, 1, 2), max_value=date(2049, 6, 30)), n=amounts,
       including=st.booleans(), roll=st.booleans())
def test_explained_and_bulk_deadlines_agree_and_skipped_days_are_the_references(start, n, including, roll):
    period = Period(n, "working_days", "including" if including else "excluding", roll)
    full = compute_deadline(start, period)
    bulk = compute_deadline(start, period, explain=False)
    assert (full.end, full.provisional, full.rolled_from) == (bulk.end, bulk.provisional, bulk.rolled_from)
    base = start - timedelta(days=1) if including else start
    assert [s.date for s in full.skipped] == EW.non_working_days(base, full.end)
    assert full.provisional == (full.end.year > 2028)


# -- range, provisional, provenance --------------------------------------------------------------------

def test_every_calendar_covers_at_least_2000_to_2040():
    for name in ("england-and-wales", "scotland", "northern-ireland", "united-kingdom"):
        cal = get_calendar(name)
        assert cal.first_day <= date(2000, 1, 1) and cal.last_day >= date(2040, 12, 31), name


@pytest.mark.parametrize("call", [
    lambda: add_period(date(1970, 12, 31), 1, "working_days"),
    lambda: add_period(date(2101, 1, 3), 1, "working_days"),
    lambda: add_period(date(2100, 12, 20), 30, "working_days"),      # the result would run past 2100
    lambda: get_calendar().add_working_days(date(1971, 1, 10), -30),  # backwards past 1971
    lambda: working_days_between(date(1970, 6, 1), date(1971, 6, 1)),
    lambda: working_days_between(date(2100, 6, 1), date(2101, 6, 1)),
    lambda: compute_deadline(date(1970, 12, 1), Period(3, "months")),
    lambda: compute_deadline(date(2100, 12, 20), Period(1, "months", roll=True)),  # cannot tell if it rolls
])
def test_dates_outside_the_calendar_are_refused_not_miscounted(call):
    with pytest.raises(CalendarRangeError) as caught:
        call()
    assert isinstance(caught.value, InputError)
    assert "outside the years" in str(caught.value) and "1971 to 2100" in str(caught.value)


@pytest.mark.parametrize("amount, unit", [(99_999_999, "days"), (10**20, "days"), (99_999_999, "months"),
                                          (10**12, "hours"), (10**9, "weeks")])
def test_absurd_amounts_are_a_clear_error_not_an_overflow(amount, unit):
    with pytest.raises(CalendarRangeError, match="runs past the year 9999"):
        add_period(date(2018, 12, 5), amount, unit)


def test_deadlines_in_unannounced_years_are_provisional():
    announced = compute_deadline(D("2028-06-01"), Period(20, "working_days"))
    assert not announced.provisional
    projected = compute_deadline(D("2028-12-01"), Period(20, "working_days"))
    assert projected.provisional and projected.end.year == 2029
    assert any(step.startswith("Provisional") and "2028" in step for step in projected.steps)
    assert projected.to_dict()["provisional"] is True


def test_calendar_day_deadlines_do_not_depend_on_bank_holidays_so_are_never_provisional():
    assert not compute_deadline(D("2028-12-01"), Period(3, "months")).provisional
    assert not compute_deadline(D("2028-12-01"), Period(60, "days")).provisional
    assert compute_deadline(D("2028-12-01"), Period(60, "days", roll=True)).provisional


def test_deadlines_record_the_calendar_data_they_used():
    import hashlib

    import holidays

    data = compute_deadline(D("2018-12-05"), Period(70, "working_days")).to_dict()["calendar_data"]
    bundled = ROOT / "calendars" / "england-and-wales.yaml"
    assert data["calendar"] == "england-and-wales"
    assert data["holidays_package"] == holidays.__version__
    assert data["file"] == "england-and-wales.yaml"
    assert data["file_sha256"] == hashlib.sha256(bundled.read_bytes()).hexdigest()
    assert data["announced_through"] == 2028


# -- reading periods and dates ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, period", [
    ("70 working days", Period(70, "working_days")),
    ("1 week", Period(1, "weeks")),
    ("3 calendar months", Period(3, "months")),
    (" 10 Days ", Period(10, "days")),
    ("72 hours", Period(72, "hours")),
])
def test_parse_period(text, period):
    assert parse_period(text) == period


@pytest.mark.parametrize("text, fragment", [
    ("70 wrking days", 'did you mean "70 working days"'),
    ("0 days", "at least 1"),
    ("-3 days", "at least 1"),
    ("seventy days", "cannot read period"),
    ("70 fortnights", "unknown unit"),
])
def test_parse_period_errors_say_what_is_wrong_and_how_to_fix_it(text, fragment):
    with pytest.raises(InputError) as caught:
        parse_period(text)
    message = str(caught.value)
    assert fragment in message and message.startswith("period:") and "\n" not in message


@pytest.mark.parametrize("text, hint", [
    # A slip in spelling a unit, word for word: the unit meant, as the tool writes it.
    ("70 wrking days", 'did you mean "70 working days"?'),
    ("30 dayz", 'did you mean "30 days"?'),
    ("1 wek", 'did you mean "1 week"?'),
    # Another period that looks alike is offered no unit: "clear days" is not "calendar days", and a deadline
    # counted in a unit offered in its place would be a day out.
    ("30 sitting days", "the units are days, working days, weeks, months and hours; write an amount"),
    ("3 lunar months", "the units are days, working days, weeks, months and hours; write an amount"),
    ("30 days working", "the units are days, working days, weeks, months and hours; write an amount"),
    ("2 clear weeks", "the tool does not count clear periods, which leave out both the day given and the last day"),
    ("10 clear working days", 'the tool does not count clear working days, which leave out both the day given and '
                              'the last day: "10 working days" ends on the last of them'),
])
def test_a_unit_is_suggested_only_for_a_slip_in_spelling_it(text, hint):
    with pytest.raises(InputError) as caught:
        parse_period(text)
    assert caught.value.problems[0].hint.startswith(hint)
    assert "calendar" not in caught.value.problems[0].hint


def test_clear_days_are_not_counted_and_the_period_to_give_instead_is_said():
    with pytest.raises(InputError) as caught:
        parse_period("30 clear days")
    assert caught.value.problems[0].hint == (
        "the tool does not count clear days, which leave out both the day given and the last day: 30 clear days "
        'after a day are the 30 days that follow it, and what needs them can happen on the day after them at the '
        'earliest, the day "31 days" ends on: give that')
    # By hand: 30 clear days after Tue 3 Dec 2024 are 4 Dec to 2 Jan (28 days of December, 2 of January); what
    # needs them can happen on Fri 3 Jan 2025, which is where the 31 days the message gives end.
    clear = [date(2024, 12, 4) + timedelta(days=n) for n in range(30)]
    assert clear[-1] == date(2025, 1, 2)
    assert add_period(date(2024, 12, 3), 31, "days") == date(2025, 1, 3)


@pytest.mark.parametrize("text, message", [
    ("2018-13-05", "'2018-13-05' is not a date: month must be in 1..12"),
    ("2018-02-30", "'2018-02-30' is not a date: day is out of range for month"),
    ("05/12/18", "'05/12/18' is not a date: give the year in full, DD/MM/YYYY"),
    ("", "no date given"),
    ("2018-12-05 10:00", "'2018-12-05 10:00' gives a time of day; date takes a date"),
])
def test_parse_date_errors_say_what_is_wrong_with_an_example(text, message):
    with pytest.raises(InputError) as caught:
        parse_date(text)
    assert caught.value.problems[0].message == message
    assert "DD/MM/YYYY, YYYY-MM-DD or 5 December 2018" in str(caught.value) or "give the date alone" in str(caught.value)


@pytest.mark.parametrize("text", ["2018-12-05", "05/12/2018", "5/12/2018", "5 December 2018", "5 Dec 2018",
                                  "Wednesday 5th December 2018"])
def test_parse_date_reads_every_way_a_date_is_written(text):
    assert parse_date(text) == date(2018, 12, 5)  # a Wednesday


def test_period_reads_back_as_words():
    assert str(Period(1, "weeks")) == "1 week"
    assert str(Period(70, "working_days")) == "70 working days"


def test_a_calendar_is_taken_wherever_its_name_is():
    """The README's table: compute_deadline(start, Period(...), get_calendar(...)) as well as the name."""
    import numpy as np

    from compliance import add_working_days, compute_deadline, get_calendar, working_days_between

    # Scotland's 2 January 2019 holiday moves 70 working days from Wed 5 Dec 2018 a day on, to Tue 19 Mar 2019.
    for calendar in ("scotland", get_calendar("scotland")):
        assert compute_deadline(date(2018, 12, 5), Period(70, "working_days"), calendar).end == date(2019, 3, 19)
        assert compute_deadline(date(2018, 12, 5), Period(70, "working_days"), calendar).calendar == "scotland"
        assert add_period(date(2018, 12, 5), 70, "working_days", calendar) == date(2019, 3, 19)
        assert working_days_between(date(2018, 12, 5), date(2019, 3, 19), calendar) == 70
        assert list(add_working_days(np.array(["2018-12-05"], dtype="datetime64[D]"), 70, calendar)) == [
            np.datetime64("2019-03-19")]
        assert list(working_days_between(np.array(["2018-12-05"], dtype="datetime64[D]"), date(2019, 3, 19),
                                         calendar)) == [70]
    assert get_calendar(get_calendar("scotland")) is get_calendar("scotland")
