"""Working days for whole columns of dates, against numpy's own business-day arithmetic and the
date-by-date functions: numpy's ``busday_offset(..., roll="backward")`` with the calendar's weekday
holidays is an independent implementation of "the n-th working day after a date, the date not counted".
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance import add_working_days, get_calendar, working_days_between
from compliance.errors import CalendarRangeError, InputError

CAL = get_calendar("england-and-wales")
HOLIDAYS = np.array([h.date for year in range(2000, 2051) for h in CAL.holidays(year)], dtype="datetime64[D]")
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2049, 6, 30))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(days, st.integers(1, 400)), min_size=1, max_size=50))
def test_add_working_days_equals_numpys_busday_offset_rolled_backward(pairs):
    dates = np.array([d for d, _ in pairs], dtype="datetime64[D]")
    n = np.array([k for _, k in pairs])
    expected = np.busday_offset(dates, n, roll="backward", holidays=HOLIDAYS)
    assert (add_working_days(dates, n) == expected).all()
    assert [d.item() for d in add_working_days(dates, n)] == [CAL.add_working_days(d, k) for d, k in pairs]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(days, days), min_size=1, max_size=50))
def test_working_days_between_columns_equals_one_date_at_a_time(pairs):
    start = np.array([a for a, _ in pairs], dtype="datetime64[D]")
    end = np.array([b for _, b in pairs], dtype="datetime64[D]")
    assert working_days_between(start, end).tolist() == [working_days_between(a, b) for a, b in pairs]


def test_worked_examples_one_number_for_every_date_and_one_date_for_every_count():
    # 70 working days from Wed 5 Dec 2018 end Mon 18 Mar 2019 (Christmas, Boxing Day and New Year skipped).
    # Good Friday 10 Apr and Easter Monday 13 Apr 2020 are skipped after Thu 9 Apr 2020: 3 working days end Thu 16.
    got = add_working_days(np.array(["2018-12-05", "2020-04-09"], dtype="datetime64[D]"), np.array([70, 3]))
    assert got.tolist() == [date(2019, 3, 18), date(2020, 4, 16)]
    assert add_working_days([date(2022, 9, 16)], 1).tolist() == [date(2022, 9, 20)]  # the State Funeral, Mon 19 Sep
    # Tue 28 Jan 2020 to Fri 7 Feb 2020: 8 working days after the start; the other way, -8.
    assert working_days_between(np.array(["2020-01-28"], dtype="datetime64[D]"), date(2020, 2, 7)).tolist() == [8]
    assert working_days_between(date(2020, 2, 7), np.array(["2020-01-28"], dtype="datetime64[D]")).tolist() == [-8]


def test_a_missing_date_stays_missing_and_cannot_be_counted():
    dates = np.array(["2018-12-05", "NaT"], dtype="datetime64[D]")
    out = add_working_days(dates, 70)
    assert out[0] == np.datetime64("2019-03-18") and np.isnat(out[1])
    with pytest.raises(InputError, match="missing date.*position 1"):
        working_days_between(dates, date(2020, 1, 1))


def test_bad_input_is_refused_with_what_to_do():
    with pytest.raises(InputError, match="1 or more"):
        add_working_days([date(2020, 1, 1)], 0)
    with pytest.raises(InputError, match="whole numbers"):
        add_working_days([date(2020, 1, 1)], 1.5)
    with pytest.raises(InputError, match="must be dates"):
        add_working_days(["not a date"], 1)
    with pytest.raises(CalendarRangeError):
        add_working_days([date(1970, 12, 31)], 1)
    with pytest.raises(CalendarRangeError):
        add_working_days([date(2100, 12, 1)], 100)
    with pytest.raises(CalendarRangeError):
        working_days_between([date(2020, 1, 1)], [date(2101, 1, 1)])
