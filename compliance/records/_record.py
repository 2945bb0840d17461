"""A record: the thing duties are about (an inspection, a child's case), with its attributes and dated events.

An event's date is a ``date``, or a ``datetime`` where the time of day is known (the 72-hour clock
needs it). The words and date forms every reader accepts are defined here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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
DATE_HINT = "write dates as YYYY-MM-DD (e.g. 2018-12-05), or YYYY-MM-DDTHH:MM for a time"


def parse_event_date(value: Any) -> EventDate:
    """A date or date-time from a cell or YAML value; raises ValueError with a readable message."""
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) and not value.tzinfo else value
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            if len(text) > 10 and text[10] in "T ":
                return datetime.fromisoformat(text)
        except ValueError as exc:
            detail = "" if "isoformat" in str(exc) else f": {exc}"
            raise ValueError(f"{value!r} is not a date{detail}") from None
    raise ValueError(f"{value!r} is not a date")


def sort_key(d: EventDate) -> tuple[date, int]:
    """Orders dates and date-times together: a date sorts as the start of its day."""
    return (d.date() if isinstance(d, datetime) else d, d.hour * 60 + d.minute if isinstance(d, datetime) else 0)
