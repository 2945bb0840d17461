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
