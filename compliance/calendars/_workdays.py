"""A working-day calendar: the working days of a fixed range of years, held as rank tables.

Arithmetic indexes a precomputed table of working-day counts, so its cost does not grow with distance.
Dates outside the calendar's years are refused rather than miscounted.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, compress
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from ..errors import CalendarRangeError, Problem
from ._spec import CalendarSpec

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class NonWorkingDay:
    """A day skipped when counting working days, and why it is not a working day."""

    date: date
    reason: str

    def __str__(self) -> str:
        weekday = _WEEKDAY_NAMES[self.date.weekday()]
        if self.reason == weekday:
            return f"{self.date.isoformat()} {weekday}"
        return f"{self.date.isoformat()} {weekday}: {self.reason}"


@dataclass(slots=True)
class Calendar:
    """A working-day calendar over a fixed range of years; dates outside the range are refused.

    Built from its spec, every named holiday in its years (weekend ones included, for their names),
    and the version of the `holidays` package they came from, recorded in every deadline's provenance.
    """

    spec: CalendarSpec
    _holiday_names: Mapping[date, str] = field(repr=False)
    holidays_version: str = ""
    _holiday_days: list[date] = field(init=False, repr=False)  # sorted, for finding those in a span
    _working: list[int] = field(init=False, repr=False)
    _rank: list[int] = field(init=False, repr=False)  # _rank[o - _first]: working days on or before ordinal o
    _first: int = field(init=False, repr=False)
    _last: int = field(init=False, repr=False)
    # The working days as dates, so the hot path of add_working_days builds no date object.
    _working_dates: list[date] = field(init=False, repr=False)
    # Every non-working day with its reason, and their ordinals: built on first use (a run that explains its
    # deadlines asks for the days skipped of each one), then each span is a slice.
    _off: list[NonWorkingDay] | None = field(default=None, init=False, repr=False)
    _off_ordinals: list[int] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._first = date(self.spec.first_year, 1, 1).toordinal()
        self._last = date(self.spec.last_year, 12, 31).toordinal()
        self._holiday_days = sorted(self._holiday_names)
        # Built with C-speed list operations: 130 years of days are built on every start of the command line.
        flags = bytearray(b"\x01") * (self._last - self._first + 1)
        saturday = self._first + (6 - self._first % 7) % 7  # ordinal % 7: 6 is Saturday, 0 is Sunday
        flags[saturday - self._first::7] = bytes(len(range(saturday, self._last + 1, 7)))
        sunday = saturday + 1
        flags[sunday - self._first::7] = bytes(len(range(sunday, self._last + 1, 7)))
        for d in self._holiday_days:
            i = d.toordinal() - self._first
            if 0 <= i < len(flags):
                flags[i] = 0
        self._rank = list(accumulate(flags))
        self._working = list(compress(range(self._first, self._last + 1), flags))
        self._working_dates = list(map(date.fromordinal, self._working))

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def first_day(self) -> date:
        return date.fromordinal(self._first)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self._last)

    @property
    def working_ordinals(self) -> list[int]:
        """Sorted ordinals of every working day in range, for vectorised callers; do not mutate."""
        return self._working

    @property
    def provenance(self) -> dict[str, Any]:
        """What data produced this calendar, so that a deadline can be reproduced later."""
        return {
            "calendar": self.spec.name,
            "holidays_package": self.holidays_version,
            "file": self.spec.path.name if self.spec.path else None,
            "file_sha256": self.spec.sha256,
            "announced_through": self.spec.announced_through,
        }

    def check_in_range(self, day: date, what: str = "date") -> None:
        """Raise CalendarRangeError unless ``day`` is a day this calendar covers."""
        o = day.toordinal()
        if o < self._first or o > self._last:
            raise CalendarRangeError(
                Problem(
                    f"{what} {day.isoformat()} is outside the years the {self.name} calendar covers "
                    f"({self.spec.first_year} to {self.spec.last_year})",
                    hint="bank holidays are only known for those years; check the date",
                )
            )

    def _index(self, day: date, what: str) -> int:
        i = day.toordinal() - self._first
        if i < 0 or i >= len(self._rank):
            self.check_in_range(day, what)
        return i

    def is_working_day(self, day: date) -> bool:
        i = self._index(day, "date")
        return self._rank[i] != (self._rank[i - 1] if i else 0)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself never counted); n may be negative."""
        i = start.toordinal() - self._first
        if n > 0 and i >= 0:
            # The common case, kept to two list lookups: add_period runs once per record and rule.
            try:
                return self._working_dates[self._rank[i] + n - 1]
            except IndexError:
                pass  # the start or the result lies past the last covered day; reported below
        rank = self._rank
        if i < 0 or i >= len(rank):
            self.check_in_range(start, "start date")
        if n > 0:
            k = rank[i] + n - 1
        elif n < 0:
            k = (rank[i - 1] if i else 0) + n
        else:
            return start
        if k < 0 or k >= len(self._working):
            raise CalendarRangeError(
                Problem(
                    f"{n} working day{'s' if abs(n) != 1 else ''} from {start.isoformat()} runs outside the "
                    f"years the {self.name} calendar covers ({self.spec.first_year} to {self.spec.last_year})"
                )
            )
        return self._working_dates[k]

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier."""
        return self._rank[self._index(end, "end date")] - self._rank[self._index(start, "start date")]

    def next_working_day(self, day: date) -> date:
        """``day`` itself when it is a working day, otherwise the first working day after it."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def non_working_days(self, start: date, end: date) -> list[NonWorkingDay]:
        """The days after ``start`` up to and including ``end`` that are not working days, with reasons."""
        self.check_in_range(start, "start date")
        self.check_in_range(end, "end date")
        if self._off is None:
            rank, first = self._rank, self._first
            self._off_ordinals = [first + i for i in range(len(rank)) if rank[i] == (rank[i - 1] if i else 0)]
            self._off = [NonWorkingDay(d, self.reason_not_working(d) or "")
                         for d in map(date.fromordinal, self._off_ordinals)]
        ordinals = self._off_ordinals
        return self._off[bisect_right(ordinals, start.toordinal()):bisect_right(ordinals, end.toordinal())]

    def reason_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day (weekend, holiday name), or None when it is one."""
        name = self._holiday_names.get(day)
        if day.weekday() >= 5:
            weekend = _WEEKDAY_NAMES[day.weekday()]
            return f"{weekend} ({name})" if name else weekend
        return name

    def holidays(self, year: int) -> list[NonWorkingDay]:
        """Every named holiday in ``year`` that falls on a weekday, so is a non-working day."""
        if not self.spec.first_year <= year <= self.spec.last_year:
            raise CalendarRangeError(Problem(
                f"year {year} is outside the years the {self.name} calendar covers "
                f"({self.spec.first_year} to {self.spec.last_year})", hint="choose a year in that range"))
        return [NonWorkingDay(d, self._holiday_names[d]) for d in self._holiday_days
                if d.year == year and d.weekday() < 5]

    def is_provisional(self, day: date) -> bool:
        """True when ``day`` lies in a year GOV.UK has not announced, so a proclamation may change it."""
        return day.year > self.spec.announced_through
