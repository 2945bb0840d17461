"""Open deadlines as an iCalendar file (RFC 5545): one all-day event per overdue or due duty.

Each event's UID depends only on the record, the duty and the occurrence, so a calendar that
subscribes to the file updates an event when its status or date changes instead of adding another.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from ..calendars import day_of
from ..engines import Finding
from ..errors import printable
from ._formats import STATUS_NAMES

PRODID = "-//statutory-timelines//compliance report//EN"
UID_DOMAIN = "statutory-timelines"
_FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 section 3.1)
# Not allowed in a content line (section 3.1); tab is, and line breaks are made \n first and escaped last.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_BREAK = re.compile("\r\n|[\r\u2028\u2029]")
_SAFE_URL = re.compile(r"https?://[^\x00-\x20\x7f\"<>\\^`{|}]+", re.IGNORECASE)


def event_uid(record: str, duty: str, occurrence: int) -> str:
    """A UID stable across runs: a hash of what identifies the duty occurrence, never of its dates or status."""
    digest = hashlib.sha1(f"{record}\x1f{duty}\x1f{occurrence}".encode("utf-8")).hexdigest()
    return f"{digest}@{UID_DOMAIN}"


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 section 3.3.11); other C0 controls become spaces, and C1 and bidirectional
    ones escapes (``\\u202e``) as every other format shows them, so none can reorder or drive what shows it."""
    # Unicode's line and paragraph separators too: a reader that splits lines as Python's str.splitlines does would
    # start a property of its own after one (a team "A\u2028DTSTART:..." in a calendar's name).
    text = _CONTROL.sub(" ", _BREAK.sub("\n", value))
    # Escaped before the backslashes are, so a reader gives back the escape's own backslash, not a bad TEXT escape.
    text = printable(text)
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def uri_value(url: str | None) -> str | None:
    """A URL as a URI property value, or None when it is not a plain http(s) address.

    URI values are not escaped like TEXT, so anything that could end the line or hide in it (a line
    break, a space, a control character) means the URL is left out rather than written.
    """
    if url is None or not _SAFE_URL.fullmatch(url):
        return None
    return url


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= _FOLD_AT:
        return line
    parts: list[str] = []
    start, limit = 0, _FOLD_AT
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte: step back to a boundary
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, _FOLD_AT - 1  # continuation lines begin with one space
    return "\r\n ".join(parts)


def _date_value(d: date) -> str:
    return d.strftime("%Y%m%d")


def _utc_stamp(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _description(f: Finding) -> str:
    lines = [f"{STATUS_NAMES[f.status]}: {f.title}.", f"Record: {f.record}.",
             f"Duty holder: {f.duty_holder}."]
    if f.trigger_date:
        lines.append(f"{f.period} from {f.trigger_event} on {day_of(f.trigger_date).isoformat()}.")
    if f.late_by:
        lines.append(f"Overdue by {f.late_by}.")
    if f.time_left:
        lines.append(f"{f.time_left} left.")
    if isinstance(f.deadline, datetime):
        lines.append(f"Deadline time: {f.deadline.strftime('%H:%M')}.")
    lines.append(f"Source: {f.citation} [{f.verification}].")
    lines.extend(f.explanation)
    return "\n".join(lines)


def event_text(f: Finding, stamp: datetime) -> str:
    """One finding as a VEVENT, folded, each line ending CRLF; empty when the finding has no deadline."""
    if f.deadline is None:
        return ""
    start = day_of(f.deadline)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(f.record, f.duty, f.occurrence)}",
        f"DTSTAMP:{_utc_stamp(stamp)}",
        f"DTSTART;VALUE=DATE:{_date_value(start)}",
        f"DTEND;VALUE=DATE:{_date_value(start + timedelta(days=1))}",
        f"SUMMARY:{escape_text(f'{STATUS_NAMES[f.status]}: {f.title} ({f.record})')}",
        f"DESCRIPTION:{escape_text(_description(f))}",
        f"CATEGORIES:{escape_text(STATUS_NAMES[f.status])}",
        "TRANSP:TRANSPARENT",
    ]
    url = uri_value(f.source_url)
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return _content(lines)


#: How many of the duties overdue beyond a calendar's horizon its one event for them names (the oldest first).
BACKLOG_NAMED = 10


@dataclass(frozen=True, order=True)
class Overdue:
    """A duty overdue beyond the calendar's horizon, as the event for them all names it (sorted oldest first)."""

    deadline: date
    record: str
    title: str
    occurrence: int
    late_by: str


def overdue_of(f: Finding) -> Overdue:
    return Overdue(day_of(f.deadline), f.record, f.title, f.occurrence, f.late_by or "")


def backlog_event_text(count: int, oldest: Sequence[Overdue], days: int, on: date, stamp: datetime,
                       calendar: str) -> str:
    """One all-day event on the day of the run for the ``count`` duties overdue by more than ``days`` days: not each
    on its own past deadline (hundreds, out of sight), nor left out (a breach is what most needs acting on). Its UID
    is ``calendar``'s (what names the calendar, and the report it belongs to), so a subscribed calendar moves it
    to each run's day."""
    duties = "1 duty" if count == 1 else f"{count} duties"
    lines = [f"{duties} overdue by more than {days} days, each still open.",
             f"This calendar shows duties due within {days} days and those overdue by up to {days} days on their own "
             "deadlines; these are listed in the run's report and findings files."]
    lines.append("The oldest:" if count > len(oldest) else "They are:")
    lines += [f"- {o.title} ({o.record}): due {o.deadline.strftime('%a %d %b %Y')}"
              + (f", overdue by {o.late_by}" if o.late_by else "") for o in oldest]
    description = "\n".join(lines)
    digest = hashlib.sha1(f"backlog\x1f{calendar}".encode("utf-8")).hexdigest()
    return _content([
        "BEGIN:VEVENT",
        f"UID:{digest}@{UID_DOMAIN}",
        f"DTSTAMP:{_utc_stamp(stamp)}",
        f"DTSTART;VALUE=DATE:{_date_value(on)}",
        f"DTEND;VALUE=DATE:{_date_value(on + timedelta(days=1))}",
        f"SUMMARY:{escape_text(f'{duties} overdue by more than {days} days')}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(STATUS_NAMES['overdue'])}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ])


def calendar_head(name: str) -> str:
    """The lines that open a calendar, for writing one event at a time; ``CALENDAR_END`` closes it."""
    return _content(["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
                     f"X-WR-CALNAME:{escape_text(name)}"])


CALENDAR_END = "END:VCALENDAR\r\n"


def calendar_text(findings: Iterable[Finding], stamp: datetime, name: str) -> str:
    """An iCalendar document with one all-day event for each finding that has a deadline."""
    return calendar_head(name) + "".join(event_text(f, stamp) for f in findings) + CALENDAR_END


def _content(lines: Iterable[str]) -> str:
    return "".join(fold(line) + "\r\n" for line in lines)
