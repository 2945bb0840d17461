"""Array date arithmetic equals periods.py date by date, across the calendar's years."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from compliance.calendars.arrays import add_period_days, compute_deadlines, day_tables
from compliance.calendars import Period, add_period, compute_deadline


@pytest.mark.parametrize("amount, unit", [(1, "working_days"), (15, "working_days"), (45, "working_days"),
                                          (3, "months"), (6, "months"), (1, "weeks"), (26, "weeks"), (10, "days")])
def test_add_period_matches_one_by_one(amount, unit):
    rng = np.random.default_rng(7)
    starts = rng.integers(date(2000, 1, 1).toordinal(), date(2049, 6, 1).toordinal(), 3000)
    got = add_period_days(starts, amount, unit, day_tables("england-and-wales"))
    want = [add_period(date.fromordinal(int(s)), amount, unit).toordinal() for s in starts]
    assert got.tolist() == want


def test_including_and_hours_match_compute_deadline():
    tables = day_tables("england-and-wales")
    start = np.array([date(2025, 4, 1).toordinal(), date(2024, 2, 29).toordinal()])
    weeks = compute_deadlines(start, np.full(2, -1), Period(26, "weeks", "including"), tables)
    assert [date.fromordinal(int(d)) for d in weeks.day] == [
        compute_deadline(date(2025, 4, 1), Period(26, "weeks", "including")).end,
        compute_deadline(date(2024, 2, 29), Period(26, "weeks", "including")).end]
    hours = compute_deadlines(start, np.array([22 * 3600, -1]), Period(72, "hours"), tables)
    timed = compute_deadline(datetime(2025, 4, 1, 22, 0), Period(72, "hours")).end
    assert (int(hours.day[0]), int(hours.second[0])) == (timed.toordinal(), 22 * 3600)
    assert bool(hours.approximate[1]) and int(hours.day[1]) == date(2024, 3, 3).toordinal()


def test_months_beginning_with_end_as_compute_deadline_counts_them():
    # "N months beginning with" D: the day before the corresponding date, or the month's last day where it has none.
    # Wed 1 Mar 2023, 3 months: the corresponding date is Thu 1 Jun, so Wed 31 May (counting on from Tue 28 Feb, as
    # the arrays did, gave Sun 28 May). Mon 1 May 2023, 1 month: Wed 31 May (not Tue 30 May). Fri 1 Dec 2023,
    # 1 month: Sun 31 Dec. Thu 31 Aug 2023, 3 months: no 31 Nov, so Thu 30 Nov (Pruden v Cunard Ellerman).
    # Wed 31 Jan 2024, 1 month: no 31 Feb, so Thu 29 Feb. Mon 29 Jan 2024, 1 month: the day before Thu 29 Feb, Wed 28.
    tables = day_tables("england-and-wales")
    cases = [(date(2023, 3, 1), 3, date(2023, 5, 31)), (date(2023, 5, 1), 1, date(2023, 5, 31)),
             (date(2023, 12, 1), 1, date(2023, 12, 31)), (date(2023, 8, 31), 3, date(2023, 11, 30)),
             (date(2024, 1, 31), 1, date(2024, 2, 29)), (date(2024, 1, 29), 1, date(2024, 2, 28))]
    for start, months, end in cases:
        got = compute_deadlines(np.array([start.toordinal()]), np.array([-1]), Period(months, "months", "including"),
                                tables)
        assert date.fromordinal(int(got.day[0])) == end == compute_deadline(start, Period(months, "months",
                                                                                          "including")).end
