"""Working-day calendars: which days count, built from the `holidays` package plus pinned YAML amendments.

A working day is any day except Saturday, Sunday, Christmas Day, Good Friday and a bank holiday
(SI 2007/462 reg 1(2)). Each calendar is described by a small YAML file in ``calendars/`` that names
the `holidays` subdivisions it draws on and pins any additions or removals with their provenance.
Arithmetic indexes a precomputed table of working-day counts, so its cost does not grow with distance.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import holidays as holidays_package
from dateutil.easter import easter

from .errors import CalendarRangeError, InputError, Problem
from .resources import calendar_dirs
from .yamlio import load_yaml

DEFAULT_CALENDAR = "england-and-wales"
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Amendment:
    """A pinned addition to, or removal from, the `holidays` package's list, with where it comes from."""

    date: date
    name: str
    source: str


@dataclass(frozen=True)
class CalendarSpec:
    """The contents of one ``calendars/NAME.yaml`` file."""

    name: str
    title: str
    country: str
    subdivisions: tuple[str, ...]
    first_year: int
    last_year: int
    announced_through: int
    announced_source: str
    common_law_holidays: bool
    additions: tuple[Amendment, ...]
    removals: tuple[Amendment, ...]
    path: Path | None = None
    sha256: str | None = None


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
    """A working-day calendar over a fixed range of years; dates outside the range are refused."""

    spec: CalendarSpec
    _holiday_names: dict[date, str] = field(repr=False)
    _working: list[int] = field(repr=False)
    _rank: list[int] = field(repr=False)  # _rank[o - _first]: working days on or before ordinal o
    _first: int = field(repr=False)
    _last: int = field(repr=False)
    # The working days as dates, so the hot path of add_working_days builds no date object.
    _working_dates: list[date] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._working_dates = [date.fromordinal(o) for o in self._working]

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
            "holidays_package": holidays_package.__version__,
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
        out = []
        day = start + timedelta(days=1)
        one = timedelta(days=1)
        while day <= end:
            reason = self.reason_not_working(day)
            if reason:
                out.append(NonWorkingDay(day, reason))
            day += one
        return out

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
        return [
            NonWorkingDay(d, n)
            for d, n in sorted(self._holiday_names.items())
            if d.year == year and d.weekday() < 5
        ]

    def is_provisional(self, day: date) -> bool:
        """True when ``day`` lies in a year GOV.UK has not announced, so a proclamation may change it."""
        return day.year > self.spec.announced_through


def _amendments(raw: Iterable[dict[str, Any]] | None, label: str, path: Path) -> tuple[Amendment, ...]:
    out = []
    for i, item in enumerate(raw or []):
        try:
            out.append(Amendment(item["date"], str(item["name"]), str(item.get("source", ""))))
        except (KeyError, TypeError) as exc:
            raise InputError.at(
                f"{label}[{i}] needs a date and a name ({exc})", file=str(path),
                hint="write e.g. {date: 2023-05-08, name: Coronation, source: Gazette notice 4115743}",
            ) from None
        if not isinstance(out[-1].date, date):
            raise InputError.at(f"{label}[{i}].date is not a date", file=str(path), hint="use YYYY-MM-DD")
    return tuple(out)


def read_spec(path: Path) -> CalendarSpec:
    """Read and check one calendar YAML file."""
    raw_bytes = path.read_bytes()
    doc = load_yaml(raw_bytes.decode("utf-8"), str(path)).value
    if not isinstance(doc, dict):
        raise InputError.at("a calendar file must be a mapping", file=str(path))
    try:
        package = doc["holidays_package"]
        return CalendarSpec(
            name=str(doc["name"]),
            title=str(doc.get("title", doc["name"])),
            country=str(package["country"]),
            subdivisions=tuple(str(s) for s in package["subdivisions"]),
            first_year=int(doc["first_year"]),
            last_year=int(doc["last_year"]),
            announced_through=int(doc["announced_through"]),
            announced_source=str(doc.get("announced_source", "")),
            common_law_holidays=bool(doc.get("common_law_holidays", False)),
            additions=_amendments(doc.get("additions"), "additions", path),
            removals=_amendments(doc.get("removals"), "removals", path),
            path=path,
            sha256=hashlib.sha256(raw_bytes).hexdigest(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.at(f"calendar file is missing or has a bad field: {exc}", file=str(path)) from None


def package_holidays(spec: CalendarSpec) -> dict[date, str]:
    """The `holidays` package's days for a calendar's subdivisions, substitutes included (observed=True)."""
    years = range(spec.first_year, spec.last_year + 1)
    names: dict[date, str] = {}
    for sub in spec.subdivisions:
        for d, n in holidays_package.country_holidays(spec.country, subdiv=sub, years=years).items():
            names.setdefault(d, n)
    return names


def build(spec: CalendarSpec) -> Calendar:
    """Build a Calendar: package holidays, common-law days, then the pinned amendments."""
    names = package_holidays(spec)
    if spec.common_law_holidays:
        for year in range(spec.first_year, spec.last_year + 1):
            names.setdefault(date(year, 12, 25), "Christmas Day")
            names.setdefault(easter(year) - timedelta(days=2), "Good Friday")
    for a in spec.additions:
        names[a.date] = a.name
    for r in spec.removals:
        names.pop(r.date, None)
    first = date(spec.first_year, 1, 1).toordinal()
    last = date(spec.last_year, 12, 31).toordinal()
    closed = {d.toordinal() for d in names}
    working: list[int] = []
    rank: list[int] = []
    for o in range(first, last + 1):
        if o % 7 not in (6, 0) and o not in closed:  # ordinal % 7: 6 is Saturday, 0 is Sunday
            working.append(o)
        rank.append(len(working))
    return Calendar(spec, names, working, rank, first, last)


def available() -> dict[str, Path]:
    """Calendar names mapped to their files; a user directory shadows the bundled one."""
    found: dict[str, Path] = {}
    for directory in calendar_dirs():
        for path in sorted(directory.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


@lru_cache(maxsize=None)
def _load(path: Path) -> Calendar:
    return build(read_spec(path))


def get_calendar(name: str = DEFAULT_CALENDAR) -> Calendar:
    """The calendar called ``name`` (``england-and-wales``, ``scotland``, ``northern-ireland``, ...)."""
    cal = _CACHE.get(name)
    if cal is not None:
        return cal
    files = available()
    if name not in files:
        raise InputError.at(
            f"unknown calendar {name!r}", field="calendar",
            hint="one of: " + ", ".join(sorted(files)),
        )
    cal = _CACHE[name] = _load(files[name])
    return cal


def clear_cache() -> None:
    """Forget loaded calendars, so edited calendar files are read again."""
    _CACHE.clear()
    _load.cache_clear()


_CACHE: dict[str, Calendar] = {}
