"""Period arithmetic as English law counts it, with the working shown.

* The trigger day is excluded: "within N days of D" ends on D + N (Dodds v Walker [1981]).
* N working days after D end on the N-th working day after D, whether or not D is a working day.
* Months use the corresponding date, or the month's last day when it has none (31 Jan + 1 month
  = 28/29 Feb); weeks are 7 days.
* "Beginning with" D counts D as day 1 (counting ``including``), e.g. CA 1989 s.32's 26 weeks; months beginning
  with D end the day before the corresponding date, or on the month's last day when it has none.
* No roll-forward unless a rule opts in: the statutes here do not move a deadline off a weekend.
"""

from __future__ import annotations

import difflib
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from ..errors import CalendarRangeError, InputError, Problem, ordinal
from ._instants import add_hours, with_zone
from ._registry import _CACHE, DEFAULT_CALENDAR, get_calendar
from ._workdays import Calendar, NonWorkingDay

UNITS = ("days", "working_days", "weeks", "months", "hours")
Counting = Literal["excluding", "including"]

_UNIT_WORDS = {
    "day": "days", "days": "days", "calendar day": "days", "calendar days": "days",
    "working day": "working_days", "working days": "working_days", "working_day": "working_days",
    "working_days": "working_days", "wd": "working_days",
    "week": "weeks", "weeks": "weeks",
    "month": "months", "months": "months", "calendar month": "months", "calendar months": "months",
    "hour": "hours", "hours": "hours",
}
_PERIOD_RE = re.compile(r"^\s*(-?\d+)\s*([a-z_ ]+?)\s*$")
_PERIOD_HINT = 'write an amount and a unit, e.g. "70 working days", "10 days", "26 weeks", "3 months"'


@dataclass(frozen=True)
class Period:
    """An amount of a unit, how the trigger day counts, and whether a non-working end day rolls on."""

    amount: int
    unit: str
    counting: Counting = "excluding"
    roll: bool = False

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        if self.amount == 1:
            word = word[:-1]
        return f"{self.amount} {word}"


def parse_period(text: str) -> Period:
    """Read "70 working days", "1 week", "3 months"; raise InputError naming what is wrong."""
    m = _PERIOD_RE.match(text.lower())
    if not m:
        raise InputError(Problem(f"cannot read period {text!r}", field="period", hint=_PERIOD_HINT))
    word = m.group(2).strip()
    unit = _UNIT_WORDS.get(word)
    if unit is None:
        raise InputError(Problem(f"unknown unit {word!r} in period {text!r}", field="period",
                                 hint=_unit_hint(word, int(m.group(1)))))
    amount = int(m.group(1))
    if amount <= 0:
        raise InputError(Problem(f"a period must be at least 1, not {amount}", field="period", hint=_PERIOD_HINT))
    return Period(amount, unit)


_UNITS_ARE = "the units are days, working days, weeks, months and hours"


def _unit_hint(word: str, amount: int) -> str:
    """How to write a period whose unit ``word`` is unknown. A unit is suggested only for a slip in spelling it,
    word for word ("wroking days"): a period of another meaning that merely looks alike ("clear days", "sitting
    days") is never offered one, since a deadline counted in it would be a day or more out."""
    words = word.split()
    if "clear" in words:
        # Clear days leave out both the day given and the last day: 30 clear days after 3 Dec 2024 are 4 Dec to
        # 2 Jan, so what needs them can happen on 3 Jan at the earliest, the end of "31 days" (the day given out).
        rest = " ".join(w for w in words if w != "clear")
        if _UNIT_WORDS.get(rest) == "days":
            return (f"the tool does not count clear days, which leave out both the day given and the last day: "
                    f'{amount} clear days after a day are the {amount} days that follow it, and what needs them can '
                    f'happen on the day after them at the earliest, the day "{amount + 1} days" ends on: give that')
        if _UNIT_WORDS.get(rest) == "working_days":
            return (f"the tool does not count clear working days, which leave out both the day given and the last "
                    f'day: "{amount} working days" ends on the last of them, and what needs them clear can happen '
                    "on the day after it at the earliest")
        return ("the tool does not count clear periods, which leave out both the day given and the last day; "
                + _UNITS_ARE)
    slips = [known for known in difflib.get_close_matches(word, list(_UNIT_WORDS), n=3) if _slip(words, known)]
    if slips:
        return f'did you mean "{Period(amount, _UNIT_WORDS[slips[0]])}"? {_UNITS_ARE}'
    return f"{_UNITS_ARE}; {_PERIOD_HINT}"


def _slip(words: list[str], known: str) -> bool:
    """Whether ``words`` spell the unit ``known`` with a slip in each word, not other words alike."""
    spelt = known.replace("_", " ").split()
    return len(words) == len(spelt) and all(difflib.SequenceMatcher(None, a, b).ratio() >= 0.7
                                            for a, b in zip(words, spelt))


def day_of(d: date) -> date:
    """The calendar day of a date or date-time."""
    return d.date() if isinstance(d, datetime) else d


def _calendar(name: str | Calendar) -> Calendar:
    if isinstance(name, Calendar):
        return name
    return _CACHE.get(name) or get_calendar(name)


def add_months(start: date, n: int) -> date:
    """The corresponding date n calendar months later, or that month's last day if it has none."""
    year, month = divmod(start.month - 1 + n, 12)
    year += start.year
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError(f"year {year} is out of range")
    return start.replace(year=year, month=month, day=min(start.day, monthrange(year, month)[1]))


def _months_beginning_with(start: date, n: int) -> date:
    """The last day of n months beginning with ``start``: the day before the corresponding date (3 months beginning
    with 1 March end on 31 May, which counting on from 28 February would miss), or the month's last day where it
    has none (Pruden v Cunard Ellerman [1993] IRLR 317: beginning with 31 August, 3 months end on 30 November)."""
    later = add_months(start, n)
    return later - timedelta(days=1) if later.day == start.day else later


def add_period(start: date, amount: int, unit: str, calendar: str | Calendar = DEFAULT_CALENDAR) -> date:
    """The last day of a period of ``amount`` ``unit`` after ``start``, the start day excluded.

    ``calendar`` is a calendar's name or a ``Calendar`` (``get_calendar("scotland")``).

    >>> add_period(date(2018, 12, 5), 70, "working_days")
    datetime.date(2019, 3, 18)
    """
    if unit == "working_days":
        try:
            cal = _CACHE[calendar]  # type: ignore[index]
        except (KeyError, TypeError):  # a name not loaded yet, or a Calendar itself
            cal = get_calendar(calendar)
        return cal.add_working_days(start, amount)
    try:
        if unit == "days":
            return start + timedelta(days=amount)
        if unit == "weeks":
            return start + timedelta(weeks=amount)
        if unit == "months":
            return add_months(start, amount)
        if unit == "hours":
            if isinstance(start, datetime):
                return add_hours(start, amount)
            return start + timedelta(days=-(-amount // 24))  # time unknown: the latest day it can end
    except (OverflowError, ValueError):
        units = unit.replace("_", " ")
        raise CalendarRangeError(Problem(
            f"{amount} {units[:-1] if amount == 1 else units} from {start.isoformat()} runs past the year 9999",
            field="period", hint="check the amount; no statutory period is that long",
        )) from None
    raise InputError(Problem(f"unknown unit {unit!r}", field="unit", hint="one of: " + ", ".join(UNITS)))


@dataclass
class Deadline:
    """A computed deadline and everything needed to explain and reproduce it."""

    start: date
    period: Period
    end: date
    calendar: str
    skipped: list[NonWorkingDay] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    provisional: bool = False
    rolled_from: date | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    approximate: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "period": str(self.period),
            "unit": self.period.unit,
            "amount": self.period.amount,
            "counting": self.period.counting,
            "deadline": self.end.isoformat(),
            "calendar": self.calendar,
            "skipped": [{"date": s.date.isoformat(), "reason": s.reason} for s in self.skipped],
            "steps": list(self.steps),
            "provisional": self.provisional,
            "rolled_from": self.rolled_from.isoformat() if self.rolled_from else None,
            "approximate": self.approximate,
            "calendar_data": self.provenance,
        }


def _fmt(d: date) -> str:
    return _day_text(d) if type(d) is date else d.strftime("%a %d %b %Y")


@lru_cache(maxsize=1 << 14)
def _day_text(d: date) -> str:
    # Made once per day: a long run writes the same days into many deadlines' working.
    return d.strftime("%a %d %b %Y")


def compute_deadline(start: date | datetime, period: Period, calendar: str | Calendar = DEFAULT_CALENDAR,
                     *, explain: bool = True) -> Deadline:
    """The deadline for ``period`` after ``start``, with each step and each skipped day recorded.

    ``calendar`` is a calendar's name or a ``Calendar`` (``get_calendar("england-and-wales")``).

    ``explain=False`` computes the same deadline without the steps and skipped days, for bulk runs.
    """
    cal = _calendar(calendar)
    if period.unit == "hours":
        return _hours_deadline(start, period, cal)
    if isinstance(start, datetime):
        start = start.date()
    cal.check_in_range(start, "start date")
    including = period.counting == "including"
    base = start - timedelta(days=1) if including else start
    if including and period.unit == "months":
        end = _months_beginning_with(start, period.amount)
    else:
        end = add_period(base, period.amount, period.unit, calendar)
    if period.roll:
        # Rolling needs to know whether the end day works; outside the calendar that is unknown.
        cal.check_in_range(end, "deadline")
    if not explain:
        rolled = None
        if period.roll and not cal.is_working_day(end):
            rolled, end = end, cal.add_working_days(end, 1)
        return Deadline(start, period, end, cal.name, [], [], _provisional(cal, period, end), rolled,
                        cal.provenance)
    steps = []
    if including:
        steps.append(f"The period runs beginning with {_fmt(start)}, so that day counts as day 1.")
    else:
        steps.append(f"The period runs from {_fmt(start)}; that day is not counted.")
    skipped: list[NonWorkingDay] = []
    if period.unit == "working_days":
        skipped = cal.non_working_days(base, end)
        steps.append(_skipped_summary(period, cal, skipped))
        steps.append(f"The {ordinal(period.amount)} working day after {_fmt(base)} is {_fmt(end)}.")
    elif period.unit == "months" and including:
        ends = "ends" if period.amount == 1 else "end"
        if add_months(start, period.amount).day == start.day:
            steps.append(f"{period} beginning with {_fmt(start)} {ends} the day before the corresponding date: "
                         f"{_fmt(end)}.")
        else:
            steps.append(f"{period} beginning with {_fmt(start)} {ends} on the last day of the month, which has no "
                         f"corresponding date (Pruden v Cunard Ellerman [1993]): {_fmt(end)}.")
    elif period.unit == "months":
        steps.append(f"{period} later by the corresponding-date rule is {_fmt(end)}"
                     + (" (that month has no such day, so its last day)." if end.day != base.day else "."))
    else:
        days = (end - base).days
        steps.append(f"{period} is {days} calendar day{'s' if days != 1 else ''}; the last is {_fmt(end)}.")
    rolled_from = None
    reason = cal.reason_not_working(end) if cal.spec.first_year <= end.year <= cal.spec.last_year else None
    if reason and period.roll:
        rolled_from, end = end, cal.add_working_days(end, 1)
        steps.append(f"{_fmt(rolled_from)} is not a working day ({reason}); this rule rolls the deadline "
                     f"forward to the next working day, {_fmt(end)}.")
    elif reason:
        steps.append(f"{_fmt(end)} is not a working day ({reason}); the law does not move the deadline.")
    provisional = _provisional(cal, period, end)
    if provisional:
        steps.append(f"Provisional: {end.year} bank holidays are not yet announced by GOV.UK "
                     f"(known through {cal.spec.announced_through}); a proclamation could change this.")
    return Deadline(start, period, end, cal.name, skipped, steps, provisional, rolled_from, cal.provenance)


def _provisional(cal: Calendar, period: Period, end: date) -> bool:
    """Only a deadline that counted or rolled over bank holidays can move when a new one is proclaimed."""
    return (period.unit == "working_days" or period.roll) and cal.is_provisional(end)


def _skipped_summary(period: Period, cal: Calendar, skipped: list[NonWorkingDay]) -> str:
    weekend = sum(1 for s in skipped if s.date.weekday() >= 5)
    named = [s for s in skipped if s.date.weekday() < 5]
    text = (f"Counting {period} on the {cal.spec.title} calendar skips {weekend} weekend "
            f"day{'s' if weekend != 1 else ''}")
    if named:
        text += f" and {len(named)} holiday{'s' if len(named) != 1 else ''}: " + "; ".join(
            f"{s.reason} ({_fmt(s.date)})" for s in named)
    return text + "."


def _hours_deadline(start: date | datetime, period: Period, cal: Calendar) -> Deadline:
    if isinstance(start, datetime):
        end_dt = add_period(start, period.amount, "hours")
        steps = [f"{period} of clock time from {with_zone(start, '%Y-%m-%d %H:%M')} "
                 f"ends at {with_zone(end_dt, '%Y-%m-%d %H:%M')}; weekends and holidays count."]
        wall = start + timedelta(hours=period.amount)
        if wall != end_dt:
            change = "went back" if end_dt < wall else "went forward"
            steps.append(f"The clocks {change} in between (UK local time), so {period} of real time end at "
                         f"{with_zone(end_dt, '%H:%M')}, not {wall.strftime('%H:%M')} by the clock on the wall.")
        # The clock started at that time: the deadline's start keeps it (a datetime is a date).
        return Deadline(start, period, end_dt, cal.name, [], steps, False, None, cal.provenance)
    days = -(-period.amount // 24)
    end = add_period(start, period.amount, "hours")  # (a date: the latest day it can end, as said below)
    steps = [f"Only the date of {_fmt(start)} is known, not the time: {period} is taken to end with "
             f"{_fmt(end)} ({days} day{'' if days == 1 else 's'} later). Approximate."]
    return Deadline(start, period, end, cal.name, [], steps, False, None, cal.provenance, approximate=True)
