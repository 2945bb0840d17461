"""Working days for whole columns of dates: numpy ``datetime64[D]`` arrays in, arrays out.

For library users with a table of cases (a DataFrame column, a numpy array): the same answers as the
date-by-date ``Calendar`` methods, from the calendar's rank tables, a few array operations for a million dates.
numpy is imported only when these are called.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import CalendarRangeError, InputError, Problem
from ._registry import DEFAULT_CALENDAR, get_calendar
from ._workdays import Calendar

if TYPE_CHECKING:
    import numpy as np


def add_working_days(dates: Any, n: Any, calendar: str | Calendar = DEFAULT_CALENDAR) -> np.ndarray:
    """The ``n``-th working day after each date, the date itself never counted: ``datetime64[D]`` in and out.

    ``n`` is one whole number for every date or an array of them, 1 or more (``add_period`` counts a
    period the same way, one date at a time). A date that is not a working day counts from there, so
    the answer equals numpy's ``busday_offset(dates, n, roll="backward", holidays=...)``. Raises
    ``CalendarRangeError`` when a date or an answer lies outside the calendar's years.
    """
    import numpy as np

    from .arrays import EPOCH, day_tables

    days, missing = _ordinals(dates, "dates")
    steps = np.asarray(n)
    if steps.dtype.kind not in "iu" and not (steps.dtype.kind == "f" and np.all(np.mod(steps, 1) == 0)):
        raise InputError(Problem(f"n must be whole numbers of working days, not {steps.dtype}", field="n",
                                 hint="e.g. add_working_days(dates, 30)"))
    steps = np.broadcast_to(steps.astype(np.int64), days.shape)
    if steps.size and int(steps[~missing].min(initial=1)) < 1:
        raise InputError(Problem("n must be 1 or more working days", field="n",
                                 hint="count back with working_days_between, or add_period for other units"))
    tables = day_tables(calendar)
    known = days[~missing]
    tables.check(known, "date")
    k = tables.rank[known - tables.first] + (steps[~missing] - 1)
    if k.size and int(k.max()) >= tables.working.size:
        raise CalendarRangeError(Problem(
            f"{int(steps.max())} working days from a date runs outside the years the {tables.calendar.name} calendar "
            "covers "
            f"({tables.calendar.spec.first_year} to {tables.calendar.spec.last_year})"))
    out = np.full(days.shape, np.datetime64("NaT", "D"), dtype="datetime64[D]")
    out[~missing] = (tables.working[k] - EPOCH).astype("datetime64[D]")
    return out


def working_days_between(start: Any, end: Any, calendar: str | Calendar = DEFAULT_CALENDAR) -> Any:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier.

    Two dates give an int. Arrays of dates (numpy ``datetime64[D]``, a pandas column's ``.to_numpy()``,
    lists of dates), or an array and a date, give an int64 array, counted a whole column at a time.
    """
    if isinstance(start, date) and isinstance(end, date):
        return get_calendar(calendar).working_days_between(start, end)
    return _between_columns(start, end, calendar)


def _between_columns(start: Any, end: Any, calendar: str | Calendar) -> np.ndarray:
    """Working days after each start up to and including each end, as int64.

    Either side may be one date, broadcast against the other. A missing date (``NaT``) has no count, so
    it is refused with its position rather than given a number that could be summed by mistake.
    """
    import numpy as np

    from .arrays import day_tables

    a, a_missing = _ordinals(start, "start")
    b, b_missing = _ordinals(end, "end")
    for name, missing in (("start", a_missing), ("end", b_missing)):
        if missing.any():
            position = int(np.flatnonzero(missing)[0])
            raise InputError(Problem(f"{name} has {int(missing.sum())} missing date(s) (NaT), the first at position "
                                     f"{position}", field=name, hint="drop or fill the missing dates first"))
    a, b = np.broadcast_arrays(a, b)
    tables = day_tables(calendar)
    tables.check(a, "start date")
    tables.check(b, "end date")
    return tables.rank[b - tables.first] - tables.rank[a - tables.first]


def _ordinals(values: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Day ordinals (``date.toordinal()``) of an array of dates, and where it holds ``NaT``."""
    import numpy as np

    from .arrays import EPOCH

    if isinstance(values, date):
        values = [values]
    try:
        array = np.asarray(values, dtype="datetime64[D]")
    except (TypeError, ValueError) as exc:
        raise InputError(Problem(f"{name} must be dates: {exc}", field=name,
                                 hint="a numpy datetime64[D] array, or a list of datetime.date")) from None
    missing = np.isnat(array)
    days = array.astype(np.int64) + EPOCH
    return days, missing
