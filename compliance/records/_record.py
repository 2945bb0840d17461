"""A record: the thing duties are about (an inspection, a child's case), with its attributes and dated events.

An event's date is a ``date``, or a ``datetime`` where the time of day is known (the 72-hour clock
needs it). The words and date forms every reader accepts are defined here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Mapping

EventDate = date  # a datetime (a subclass of date) where the time of day is known


@dataclass(frozen=True)
class Record:
    """One thing the duties are about, with the dates on which its events happened."""

    id: str
    kind: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    events: Mapping[str, tuple[EventDate, ...]] = field(default_factory=dict)
    source: str | None = None

    def first(self, event: str) -> EventDate | None:
        dates = self.events.get(event)
        return dates[0] if dates else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "attributes": dict(self.attributes),
            "events": {k: [d.isoformat() for d in v] for k, v in self.events.items()},
        }


YES = frozenset({"true", "yes", "y", "1"})
NO = frozenset({"false", "no", "n", "0"})
DATE_HINT = ("write dates as DD/MM/YYYY or YYYY-MM-DD (e.g. 05/12/2018 or 2018-12-05), with HH:MM after the date "
             "where the time counts")

# Day first, as the UK writes dates: 5/12/2018 is 5 December. A two-digit year is refused, not guessed.
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]+)(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Excel counts days from 30 December 1899. Numbers that fall between these years are hinted at as serials.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days


def parse_event_date(value: Any) -> EventDate:
    """A date or date-time from a cell or YAML value; raises ValueError with a readable message.

    Accepts a date or datetime, ISO text (YYYY-MM-DD, YYYY-MM-DDTHH:MM) and UK text (DD/MM/YYYY,
    D/M/YYYY, DD/MM/YYYY HH:MM); never month first. A number that looks like an Excel date serial
    is refused with the date it would be, since an unformatted column is the usual cause.
    """
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) and not value.tzinfo else value
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(_number_message(value, repr(value), value))
    if isinstance(value, str):
        text = value.strip()
        if "/" in text:
            return _uk_date(value, text)
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            if len(text) > 10 and text[10] in "T ":
                return datetime.fromisoformat(text)
        except ValueError as exc:
            detail = "" if "isoformat" in str(exc) else f": {exc}"
            raise ValueError(f"{value!r} is not a date{detail}") from None
        if _NUMBER.fullmatch(text):
            raise ValueError(_number_message(float(text), text, value))
    raise ValueError(f"{value!r} is not a date")


def _uk_date(value: str, text: str) -> EventDate:
    match = _UK_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"{value!r} is not a date")
    day, month, year, hour, minute, second = match.groups()
    if len(year) != 4:
        raise ValueError(f"{value!r} is not a date: give the year in full, DD/MM/YYYY")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"{value!r} is not a date: there is no month {int(month)} (dates are read day first, "
                         "DD/MM/YYYY)")
    try:
        if hour is None:
            return date(int(year), int(month), int(day))
        return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None


def _number_message(number: float, shown: str, value: Any) -> str:
    if _SERIALS[0] <= number <= _SERIALS[1]:
        moment = datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(days=number)
        if moment.time() == datetime.min.time():
            return f"{shown} looks like an Excel date serial for {moment.date().isoformat()}: format the column as a date"
        return (f"{shown} looks like an Excel date-time serial for {moment.strftime('%Y-%m-%d %H:%M')}: format the "
                "column as a date")
    return f"{value!r} is not a date"


def sort_key(d: EventDate) -> tuple[date, int]:
    """Orders dates and date-times together: a date sorts as the start of its day."""
    return (d.date() if isinstance(d, datetime) else d, d.hour * 60 + d.minute if isinstance(d, datetime) else 0)
