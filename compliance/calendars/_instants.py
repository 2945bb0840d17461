"""Date-times as instants: a naive one is Europe/London local time, an offset is honoured, hours are real hours.

Records hold date-times as naive London local time (``fold`` set for the repeated hour when the clocks
go back), so a day-based rule sees the day a council would write down; an hours clock converts to the
instant, so the 72 hours across a clock change are 72 real hours. A naive time in the hour skipped in
spring is read as Greenwich Mean Time.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local(moment: datetime) -> datetime:
    """``moment`` as naive Europe/London local time; a naive one already is."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(LONDON).replace(tzinfo=None)


def clock_change(moment: datetime) -> str | None:
    """"repeated" for a naive London time in the hour the clocks go back (read as its first run, summer time),
    "skipped" for one in the hour they go forward (it did not happen; read as Greenwich Mean Time), else None."""
    if moment.tzinfo is not None or moment.fold:
        return None
    first, second = (moment.replace(tzinfo=LONDON, fold=f).utcoffset() for f in (0, 1))
    if first == second:
        return None
    return "repeated" if first > second else "skipped"  # type: ignore[operator]


def with_zone(moment: datetime, fmt: str) -> str:
    """``moment`` formatted, with BST or GMT after it where London clocks showed that time twice, saying which run
    it is: 1 hour from 01:30 BST on the night the clocks go back ends at 01:30 GMT, not at the time it began."""
    text = moment.strftime(fmt)
    if moment.hour == 1 and moment.tzinfo is None and clock_change(moment.replace(fold=0)) == "repeated":
        text += " GMT" if moment.fold else " BST"
    return text


def instant(moment: datetime) -> float:
    """Seconds since the epoch of a naive London local time (or of an aware one)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=LONDON)).timestamp()


def add_hours(moment: datetime, hours: float) -> datetime:
    """The London local time ``hours`` real hours after ``moment``, clock changes counted."""
    after = datetime.fromtimestamp(instant(moment), timezone.utc) + timedelta(hours=hours)
    return after.astimezone(LONDON).replace(tzinfo=None)


def hours_between(start: datetime, end: datetime) -> float:
    """Real hours from ``start`` to ``end``; negative when ``end`` is earlier."""
    return (instant(end) - instant(start)) / 3600
