"""A case-management system's own target date against the law's deadline: how far apart, and why.

Systems compute their own targets, and get working days wrong in a few usual ways: a hard-coded
holiday list that lacks a one-off holiday (the State Funeral, 19 September 2022) or has a moved one
on its usual date (4 May 2020 instead of 8 May), the trigger day counted as day 1, calendar days
for working days, a deadline moved off a weekend. Each is tried in turn, by counting the period again
the mistaken way; the first that gives the system's date is the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from ._periods import Period, add_months
from ._registry import get_calendar
from ._workdays import Calendar

#: Other UK calendars whose holidays a system may have used by mistake.
_OTHER_CALENDARS = {"england-and-wales": ("scotland", "northern-ireland")}


@dataclass(frozen=True)
class TargetCheck:
    """A recorded target compared with the statutory deadline."""

    recorded: date
    statutory: date
    #: recorded minus statutory, in working days: negative when the target is early, 0 when they agree.
    working_days: int
    #: The mistake that explains the difference, in words that do not name the record's own dates, so that
    #: targets can be grouped by it; "" when they agree.
    reason: str
    #: The whole comparison as a sentence, for the finding's working.
    note: str


@lru_cache(maxsize=1 << 16)
def check_target(start: date, period: Period, statutory: date, recorded: date,
                 calendar: str = "england-and-wales") -> TargetCheck:
    """Compare a system's ``recorded`` target with the ``statutory`` deadline of ``period`` from ``start``."""
    cal = get_calendar(calendar)
    difference = cal.working_days_between(statutory, recorded)
    shown = _day(recorded)
    if recorded == statutory:
        return TargetCheck(recorded, statutory, 0, "", f"The system's target {shown} agrees with the deadline.")
    if difference:
        amount = f"{abs(difference)} working day{'s' if abs(difference) != 1 else ''}"
        side = "early" if difference < 0 else "late"
    else:
        days = (recorded - statutory).days
        amount = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
        side = "early" if days < 0 else "late"
    found = _explain(cal, start, period, statutory, recorded)
    if found:
        reason = " or ".join(generic for generic, _ in found)
        note = f"The system's target {shown} is {amount} {side}: it " + " or ".join(said for _, said in found) + "."
    else:
        reason = "no usual mistake explains it"
        note = (f"The system's target {shown} is {amount} {side} against the deadline {_day(statutory)}; no usual "
                "mistake (a missing or extra holiday, the trigger day counted as day 1, calendar days) explains it: "
                "check how the system counts.")
    return TargetCheck(recorded, statutory, difference, reason, note)


def _explain(cal: Calendar, start: date, period: Period, statutory: date,
             recorded: date) -> list[tuple[str, str]]:
    """Every usual mistake that gives ``recorded`` (a missing holiday and day-1 counting can give the same date),
    each as (in general words, for grouping; as said of this record); none when nothing fits."""
    base = start - timedelta(days=1) if period.counting == "including" else start
    n = period.amount
    day_one = ("counts the trigger day as day 1", f"counts the trigger day ({_day(start)}) as day 1")
    found: list[tuple[str, str]] = []
    if period.unit == "working_days":
        window_end = max(recorded, statutory)
        holidays = [d for d in cal._holiday_days if base < d <= window_end and d.weekday() < 5]
        for day in holidays:
            if _count(cal, base, n, working={day}) == recorded:
                missing = f"does not skip {_day(day)} ({cal.reason_not_working(day)})"
                found.append((missing, missing))
        if len(holidays) > 1 and _count(cal, base, n, working=set(holidays)) == recorded:
            found.append(("skips weekends but no bank holidays", "skips weekends but no bank holidays (" +
                          "; ".join(_day(d) for d in holidays) + ")"))
        for day, why, moved in _holidays_elsewhere(cal, base, window_end):
            if _count(cal, base, n, closed={day}, working=moved) == recorded:
                that_year = f"; that year the holiday was on {_day(min(moved))}" if moved else ""
                extra = f"treats {_day(day)} as a holiday ({why}), which it is not in {cal.spec.title}{that_year}"
                found.append((extra, extra))
        if period.counting == "excluding" and cal.add_working_days(start - timedelta(days=1), n) == recorded:
            found.append(day_one)
        if start + timedelta(days=n) == recorded:
            found.append((f"counts {n} calendar days, not working days",) * 2)
        if not found and period.counting == "excluding":
            for day in holidays:  # two mistakes at once
                if _count(cal, start - timedelta(days=1), n, working={day}) == recorded:
                    missing = f"does not skip {_day(day)} ({cal.reason_not_working(day)})"
                    found.append((f"{missing} and {day_one[0]}", f"{missing} and {day_one[1]}"))
        return found
    # Counting the trigger day as day 1 ends the day before the law's date, as "N months beginning with" does:
    # from 1 October, 3 months so counted end on 31 December (counting from 30 September would give the 30th).
    if period.counting == "excluding" and _calendar_end(start, period) - timedelta(days=1) == recorded:
        found.append(day_one)
    if period.counting == "including" and _calendar_end(start, period) == recorded:
        found.append(("does not count the trigger day as day 1, as the law does",
                      f"does not count the trigger day ({_day(start)}) as day 1, as the law does"))
    if not cal.is_working_day(statutory) and cal.next_working_day(statutory) == recorded:
        found.append(("moves a deadline off a weekend or holiday, which the law does not",
                      f"moves the deadline off {cal.reason_not_working(statutory)} ({_day(statutory)}) to the next "
                      "working day, which the law does not"))
    return found


def _calendar_end(base: date, period: Period) -> date:
    if period.unit == "months":
        return add_months(base, period.amount)
    if period.unit == "weeks":
        return base + timedelta(weeks=period.amount)
    return base + timedelta(days=period.amount)


def _count(cal: Calendar, base: date, n: int, working: set[date] = frozenset(), closed: set[date] = frozenset()) -> date:
    """The n-th working day after ``base``, the days in ``working`` counted as working and those in ``closed`` not."""
    day, count = base, 0
    while count < n:
        day += timedelta(days=1)
        if day in closed:
            continue
        if day in working or cal.is_working_day(day):
            count += 1
    return day


def _holidays_elsewhere(cal: Calendar, base: date, end: date) -> list[tuple[date, str, set[date]]]:
    """Working days here that a system might wrongly skip, each with the holidays it would then count as
    working: a moved holiday's usual date (and the day it moved to), and other UK nations' holidays."""
    out: list[tuple[date, str, set[date]]] = []
    for year in range(base.year, end.year + 1):
        for usual, name in ((_first_monday(year, 5), "the usual date of the early May bank holiday"),
                            (_last_monday(year, 5), "the usual date of the spring bank holiday")):
            if base < usual <= end and cal.is_working_day(usual):
                out.append((usual, name, _moved_to(cal, usual)))
    for other in _OTHER_CALENDARS.get(cal.name, ()):
        elsewhere = get_calendar(other)
        for day in elsewhere._holiday_days:
            if base < day <= end and day.weekday() < 5 and cal.is_working_day(day):
                out.append((day, f"{elsewhere.reason_not_working(day)} in {elsewhere.spec.title}", set()))
    return out


def _moved_to(cal: Calendar, usual: date) -> set[date]:
    """Where the holiday usually on ``usual`` went that year (Fri 8 May 2020 for Mon 4 May): the first weekday
    holiday within two weeks of it. A system with the usual date counts that day as a working day."""
    near = [d for d in cal._holiday_days if abs((d - usual).days) <= 14 and d.weekday() < 5]
    return set(near[:1])


def _first_monday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


def _day(d: date) -> str:
    return d.strftime("%a %d %b %Y")
