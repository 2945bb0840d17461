"""Period arithmetic on numpy arrays of day ordinals, giving the same dates as calendars/_periods.py one by one.

Dates are ``date.toordinal()`` integers (int64), so a million deadlines are a few array operations.
Working days index the calendar's precomputed tables: ``rank[d - first]`` counts the working days on
or before ``d``, and ``working[k]`` is the (k+1)-th working day of the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from ..errors import CalendarRangeError, Problem
from ._instants import add_hours, instant
from ._periods import Period
from ._registry import get_calendar
from ._workdays import Calendar

# date(1970, 1, 1).toordinal(): numpy's datetime64 epoch as a day ordinal.
EPOCH = 719163
NONE = np.iinfo(np.int64).min  # "no value" in an int64 column (no date, no count)
_TABLES: dict[str, "DayTables"] = {}


@dataclass(frozen=True)
class DayTables:
    """A calendar's working-day tables as numpy arrays, for vectorised counting."""

    calendar: Calendar
    first: int
    last: int
    rank: np.ndarray
    working: np.ndarray
    announced_through: int

    def check(self, days: np.ndarray, what: str = "date") -> None:
        """Raise CalendarRangeError, as the per-record engine does, if any day is outside the calendar."""
        if days.size == 0:
            return
        low, high = int(days.min()), int(days.max())
        if low < self.first or high > self.last:
            bad = low if low < self.first else high
            self.calendar.check_in_range(date.fromordinal(bad), what)

    def add_working_days(self, start: np.ndarray, n: int) -> np.ndarray:
        """The n-th working day after each start (n >= 1), the start never counted."""
        self.check(start, "start date")
        k = self.rank[start - self.first] + (n - 1)
        if k.size and int(k.max()) >= self.working.size:
            raise CalendarRangeError(Problem(
                f"{n} working days from a date runs outside the years the {self.calendar.name} calendar "
                f"covers ({self.calendar.spec.first_year} to {self.calendar.spec.last_year})"))
        return self.working[k]

    def working_days_between(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Working days after each start up to and including each end; negative when end is earlier."""
        self.check(start, "start date")
        self.check(end, "end date")
        return self.rank[end - self.first] - self.rank[start - self.first]

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        self.check(days)
        i = days - self.first
        before = np.where(i > 0, self.rank[np.maximum(i - 1, 0)], 0)
        return self.rank[i] != before

    def is_provisional(self, days: np.ndarray) -> np.ndarray:
        """True where a day lies in a year GOV.UK has not announced (Calendar.is_provisional): on or after the
        first day of the year after (one comparison, where finding each day's year costs four conversions)."""
        return days >= date(self.announced_through + 1, 1, 1).toordinal()


def day_tables(name: str | Calendar) -> DayTables:
    """The working-day tables of the calendar called ``name``, or of a Calendar (rebuilt if it was reloaded)."""
    cal = get_calendar(name)
    tables = _TABLES.get(cal.name)
    if tables is None or tables.calendar is not cal:
        tables = _TABLES[cal.name] = _build_tables(cal)
    return tables


def _build_tables(cal: Calendar) -> DayTables:
    first, last = cal.first_day.toordinal(), cal.last_day.toordinal()
    working = np.asarray(cal.working_ordinals, dtype=np.int64)
    rank = np.searchsorted(working, np.arange(first, last + 1, dtype=np.int64), side="right").astype(np.int64)
    return DayTables(cal, first, last, rank, working, cal.spec.announced_through)


def _local(day: int, second: int) -> datetime:
    d = date.fromordinal(day)
    return datetime(d.year, d.month, d.day, second // 3600, second // 60 % 60, second % 60)


def instants(day: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Seconds since the epoch of London local date-times given as (day ordinal, second of the day)."""
    return np.array([instant(_local(d, s)) for d, s in zip(day.tolist(), second.tolist())], dtype=np.float64)


def to_datetime64(days: np.ndarray) -> np.ndarray:
    return (days - EPOCH).astype("datetime64[D]")


def months_index(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 (year * 12 + month - 1 - 1970 * 12), for grouping by month."""
    return to_datetime64(days).astype("datetime64[M]").astype(np.int64)


def add_months(days: np.ndarray, n: int) -> np.ndarray:
    """The corresponding day n months later, or that month's last day when it has none."""
    month = months_index(days)
    offset = days - _first_of_month(month)
    target = month + n
    return np.minimum(_first_of_month(target) + offset, _first_of_month(target + 1) - 1)


def months_beginning_with(days: np.ndarray, n: int) -> np.ndarray:
    """The last day of n months beginning with each day, as periods.py counts it: the day before the corresponding
    date, or the month's last day where it has none (counting on from the day before would end 3 months beginning
    with 1 March on 28 May)."""
    later = add_months(days, n)
    same_day = later - _first_of_month(months_index(later)) == days - _first_of_month(months_index(days))
    return later - same_day


def _first_of_month(month: np.ndarray) -> np.ndarray:
    """The ordinal of the first day of each month (months since January 1970)."""
    return month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + EPOCH


def add_period_days(days: np.ndarray, amount: int, unit: str, tables: DayTables) -> np.ndarray:
    """periods.add_period for whole days: the start excluded, no roll."""
    if unit == "working_days":
        return tables.add_working_days(days, amount)
    if unit == "days":
        return days + amount
    if unit == "weeks":
        return days + 7 * amount
    if unit == "months":
        return add_months(days, amount)
    if unit == "hours":
        return days + amount // 24  # a date plus whole hours keeps only the whole days, as datetime does
    raise ValueError(f"unknown unit {unit!r}")


@dataclass
class Deadlines:
    """Deadlines for many starts under one period: the day, the second of the day (-1 if only a date)."""

    day: np.ndarray
    second: np.ndarray
    approximate: np.ndarray
    provisional: np.ndarray


def compute_deadlines(start_day: np.ndarray, start_second: np.ndarray, period: Period,
                      tables: DayTables) -> Deadlines:
    """periods.compute_deadline for arrays of starts (``explain=False``), date for date."""
    n = start_day.size
    if period.unit == "hours":
        timed = start_second >= 0
        day = start_day + -(-period.amount // 24)  # time unknown: the latest day it can end, as periods.py takes it
        second = np.full(n, -1, dtype=np.int64)
        if timed.any():
            # Real hours from the instant, clock changes counted: a Python date-time each, only for timed starts.
            ends = [add_hours(_local(d, s), period.amount) for d, s in zip(start_day[timed].tolist(),
                                                                          start_second[timed].tolist())]
            day = day.copy()
            day[timed] = [e.toordinal() for e in ends]
            second[timed] = [e.hour * 3600 + e.minute * 60 + e.second for e in ends]
        return Deadlines(day, second, ~timed, np.zeros(n, dtype=bool))
    tables.check(start_day, "start date")
    if period.counting == "including" and period.unit == "months":
        end = months_beginning_with(start_day, period.amount)
    else:
        base = start_day - 1 if period.counting == "including" else start_day
        end = add_period_days(base, period.amount, period.unit, tables)
    if period.roll and n:
        closed = ~tables.is_working_day(end)
        if closed.any():
            end = end.copy()
            end[closed] = tables.add_working_days(end[closed], 1)
    return Deadlines(end, np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=bool), tables.is_provisional(end))
