"""The deadlines calendar: RFC 5545 line endings, folding, escaping, all-day events and UIDs stable across runs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timezone

import icalendar
import pytest

from compliance.engines import evaluate
from compliance.reports import CALENDAR_END, calendar_head, calendar_text, escape_text, event_uid, fold
from compliance.records import load_records
from compliance.rules import load_rules

from conftest import FIXTURES

COUNCIL = FIXTURES / "report" / "council.yaml"


@pytest.fixture(scope="module")
def council():
    rules = load_rules()
    return rules, load_records([COUNCIL], rules.vocabulary)


def open_duties(council, as_of):
    """The open (overdue and due) findings: what the nightly report's deadlines.ics holds."""
    rules, records = council
    return [f for f in evaluate(records, rules, as_of) if f.status in ("overdue", "due")]


def calendar_on(council, as_of, now):
    return calendar_text(open_duties(council, as_of), now, "Statutory deadlines report")


def unfold(text):
    """RFC 5545 section 3.1: remove every CRLF followed by one space or tab."""
    return re.sub(r"\r\n[ \t]", "", text)


def strict_lines(text):
    """Check the framing a strict parser needs and return the unfolded content lines."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF"
    assert "\r" not in text.replace("\r\n", ""), "bare CR"
    for physical in text.split("\r\n")[:-1]:
        assert len(physical.encode("utf-8")) <= 75, physical
    return unfold(text).split("\r\n")[:-1]


def events(lines):
    out, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            out.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    return out


def test_open_duties_become_all_day_events(council):
    lines = strict_lines(calendar_on(council, date(2026, 11, 20), datetime(2026, 11, 20, 6, 30, tzinfo=timezone.utc)))
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert any(line.startswith("PRODID:") for line in lines)
    found = events(lines)
    # Every open duty, and nothing else: 2 overdue + 16 due on 20 Nov.
    assert len(found) == len(open_duties(council, date(2026, 11, 20))) == 18
    beta = next(e for e in found if "(beta)" in e["SUMMARY"] and "inspection report" in e["SUMMARY"])
    assert beta["DTSTART;VALUE=DATE"] == "20261201"
    assert beta["DTEND;VALUE=DATE"] == "20261202"  # DTEND is exclusive: one whole day
    assert beta["DTSTAMP"] == "20261120T063000Z"
    assert beta["SUMMARY"] == "Due: Publish the inspection report (beta)"
    assert beta["UID"] == event_uid("beta", "la-publish-report", 1)
    alpha = next(e for e in found if "(alpha)" in e["SUMMARY"] and "inspection report" in e["SUMMARY"])
    assert alpha["SUMMARY"].startswith("Overdue:") and alpha["DTSTART;VALUE=DATE"] == "20261112"
    assert len({e["UID"] for e in found}) == len(found)


def test_icalendar_package_reads_it(council):
    cal = icalendar.Calendar.from_ical(calendar_on(council, date(2026, 11, 20),
                                                   datetime(2026, 11, 20, 6, 30, tzinfo=timezone.utc)))
    parsed = [c for c in cal.walk("VEVENT")]
    assert len(parsed) == 18
    zeta = next(e for e in parsed if "(zeta)" in str(e["SUMMARY"]) and "inspection report" in str(e["SUMMARY"]))
    assert zeta.decoded("DTSTART") == date(2026, 12, 4)
    assert "Education and Inspections Act 2006" in str(zeta["DESCRIPTION"])
    assert "\n" in str(zeta["DESCRIPTION"])  # escaped newlines come back as newlines


def test_uids_are_stable_across_runs_while_status_and_stamp_change(council):
    first = events(strict_lines(calendar_on(council, date(2026, 11, 20),
                                            datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc))))
    later = events(strict_lines(calendar_on(council, date(2026, 12, 2),
                                            datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc))))
    by_uid_first = {e["UID"]: e for e in first}
    by_uid_later = {e["UID"]: e for e in later}
    beta = event_uid("beta", "la-publish-report", 1)
    # beta was due on 20 Nov and is overdue on 2 Dec: the same event, updated.
    assert by_uid_first[beta]["SUMMARY"].startswith("Due:")
    assert by_uid_later[beta]["SUMMARY"].startswith("Overdue:")
    assert by_uid_first[beta]["DTSTAMP"] != by_uid_later[beta]["DTSTAMP"]
    # gamma was published (late) on 24 Nov: its open event is gone from the later calendar.
    assert event_uid("gamma", "la-publish-report", 1) in by_uid_first
    assert event_uid("gamma", "la-publish-report", 1) not in by_uid_later
    # Everything still open keeps its UID.
    common = set(by_uid_first) & set(by_uid_later)
    assert len(common) == 16


def test_escaping_and_folding_round_trip():
    text = "Report; received, then\\published\nnext line"
    assert escape_text(text) == "Report\\; received\\, then\\\\published\\nnext line"
    long = "DESCRIPTION:" + "é" * 60 + "x" * 40  # 2-octet characters straddle the 75-octet boundary
    folded = fold(long)
    for physical in folded.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
        physical.encode("utf-8").decode("utf-8")  # no character was split
    assert unfold(folded) == long
    assert fold("SHORT:line") == "SHORT:line"


def test_a_deadline_with_a_time_is_an_all_day_event_on_that_day(council):
    rules, records = council
    finding = evaluate(records, rules, date(2026, 11, 20))[0]
    timed = replace(finding, deadline=datetime(2026, 12, 1, 17, 0), status="due")
    lines = strict_lines(calendar_text([timed], datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc), "Test"))
    (event,) = events(lines)
    assert event["DTSTART;VALUE=DATE"] == "20261201"
    description = icalendar.Calendar.from_ical("\r\n".join(lines) + "\r\n").walk("VEVENT")[0]["DESCRIPTION"]
    assert "Deadline time: 17:00." in str(description)


def test_a_url_with_a_line_break_cannot_add_a_property(council):
    """A rule's source.url is written as a URI, which has no escaping: one that could end the line is left out."""
    rules, records = council
    finding = next(f for f in evaluate(records, rules, date(2026, 11, 20)) if f.status == "overdue")
    stamp = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    for url in ("https://example.gov.uk/\r\nATTENDEE:mailto:attacker@evil.example",
                "https://example.gov.uk/\nATTENDEE:mailto:attacker@evil.example", "javascript:alert(1)",
                "https://example.gov.uk/a b"):
        text = calendar_text([replace(finding, source_url=url)], stamp, "Test")
        lines = strict_lines(text)
        assert not any(line.startswith(("ATTENDEE", "URL")) for line in lines), url
        (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
        assert "ATTENDEE" not in event and "URL" not in event
    good = calendar_text([replace(finding, source_url="https://www.legislation.gov.uk/uksi/2007/462")], stamp, "T")
    assert "URL:https://www.legislation.gov.uk/uksi/2007/462" in unfold(good)


def test_line_breaks_and_control_characters_in_text_stay_inside_their_property(council):
    rules, records = council
    finding = next(f for f in evaluate(records, rules, date(2026, 11, 20)) if f.status == "overdue")
    hostile = replace(finding, record="alpha\r\nATTENDEE:mailto:x@evil.example\x00\x1b[31m", title="T\rBEGIN:VALARM")
    text = calendar_text([hostile], datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc), "Name\nX-EVIL:1")
    lines = strict_lines(text)
    assert not any(line.startswith(("ATTENDEE", "BEGIN:VALARM", "X-EVIL")) for line in lines)
    assert not any(ch in text for ch in "\x00\x1b")
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Overdue: T\nBEGIN:VALARM (alpha\nATTENDEE:mailto:x@evil.example")



def test_unicode_line_separators_are_written_as_the_line_breaks_they_are():
    """A team "A\u2028DTSTART:..." was written raw into its calendar's name: a reader that splits lines as Python's
    str.splitlines does read a DTSTART property there."""
    text = escape_text("A\u2028DTSTART:20991231\u2029B\r\nC")
    assert text == "A\\nDTSTART:20991231\\nB\\nC"
    calendar = calendar_head("Report: A\u2028DTSTART:20991231") + CALENDAR_END
    assert [line.split(":")[0] for line in calendar.splitlines()] == [
        "BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME", "END"]


def test_c1_controls_are_written_as_escapes_a_reader_gives_back():
    # U+0085 (next line) and U+009B (CSI) are not RFC 5545 controls, but a terminal showing the text obeys them.
    text = escape_text("a\x85b\x9b2J")
    assert text == "a\\\\x85b\\\\x9b2J"
    event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\nSUMMARY:{text}\r\nEND:VEVENT\r\n")
    assert str(event["SUMMARY"]) == "a\\x85b\\x9b2J"
