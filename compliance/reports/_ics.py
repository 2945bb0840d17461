"""Open deadlines as an iCalendar file (RFC 5545): one all-day event per overdue or due duty.

Each event's UID depends only on the record, the duty and the occurrence, so a calendar that
subscribes to the file updates an event when its status or date changes instead of adding another.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from ..calendars import day_of
from ..engines import Finding
from ._formats import STATUS_NAMES

PRODID = "-//statutory-timelines//compliance report//EN"
UID_DOMAIN = "statutory-timelines"
_FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 section 3.1)


def event_uid(record: str, duty: str, occurrence: int) -> str:
    """A UID stable across runs: a hash of what identifies the duty occurrence, never of its dates or status."""
    digest = hashlib.sha1(f"{record}\x1f{duty}\x1f{occurrence}".encode("utf-8")).hexdigest()
    return f"{digest}@{UID_DOMAIN}"


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newline (RFC 5545 section 3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


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


def _event(f: Finding, stamp: str) -> list[str]:
    assert f.deadline is not None
    start = day_of(f.deadline)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event_uid(f.record, f.duty, f.occurrence)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date_value(start)}",
        f"DTEND;VALUE=DATE:{_date_value(start + timedelta(days=1))}",
        f"SUMMARY:{escape_text(f'{STATUS_NAMES[f.status]}: {f.title} ({f.record})')}",
        f"DESCRIPTION:{escape_text(_description(f))}",
        f"CATEGORIES:{escape_text(STATUS_NAMES[f.status])}",
        "TRANSP:TRANSPARENT",
    ]
    if f.source_url:
        lines.append(f"URL:{f.source_url}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(findings: Iterable[Finding], stamp: datetime, name: str) -> str:
    """An iCalendar document with one all-day event for each finding that has a deadline."""
    dtstamp = _utc_stamp(stamp)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}"]
    for f in findings:
        if f.deadline is not None:
            lines.extend(_event(f, dtstamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
