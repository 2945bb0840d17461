"""Bidirectional controls in an id, a rule's title or a value given to plan: Markdown and iCalendar show each as its
escape (\\u202e), as the terminal table, HTML and CSV do, so none can reorder the text a reader sees."""

from __future__ import annotations

import re
from pathlib import Path

import icalendar
import pytest
from markdown_it import MarkdownIt

from compliance.reports import escape_text, md_code, md_text

#: Each control or mark that reorders text, with the escape every format writes for it.
ESCAPED = {"\u061c": "\\u061c", "\u200e": "\\u200e", "\u200f": "\\u200f", "\u202a": "\\u202a",
           "\u202b": "\\u202b", "\u202c": "\\u202c", "\u202d": "\\u202d", "\u202e": "\\u202e",
           "\u2066": "\\u2066", "\u2067": "\\u2067", "\u2068": "\\u2068", "\u2069": "\\u2069"}
RAW = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: "abc<RLO>FDP.exe" shows as "abcexe.PDF": a harmless-looking name for an executable.
TRACKER = "id,kind,framework,report_received,report_published\nabc\u202eFDP.exe,inspection,ILACS,03/12/2024,\n"
SHOWN_ID = "abc\\u202eFDP.exe"
PACK = """\
pack: bidi
title: A pack whose title reorders text
rules:
  - id: bidi-publish
    title: "Publish \\u202eeht troper"
    kind: local-target
    duty_holder: "The council"
    applies_to: inspection
    trigger: report_received
    completion: report_published
    period: 30 days
    in_force:
      from: 2018-01-01
    source:
      citation: "Cabinet decision \\u2067x\\u2069"
      verification: primary
      wording: "within 30 days"
"""


def render(markdown: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown)


def calendar(path: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


@pytest.mark.parametrize("control", ESCAPED)
def test_markdown_helpers_show_each_control_as_its_escape(control):
    value = f"abc{control}FDP.exe"
    assert render(f"- {md_text(value)}\n") == f"<ul>\n<li>abc{ESCAPED[control]}FDP.exe</li>\n</ul>\n"
    for table in (False, True):
        assert f"<code>abc{ESCAPED[control]}FDP.exe</code>" in render(f"- {md_code(value, table)}\n")


@pytest.mark.parametrize("control", ESCAPED)
def test_icalendar_text_shows_each_control_as_its_escape(control):
    text = escape_text(f"abc{control}FDP.exe")
    assert text == f"abc\\{ESCAPED[control]}FDP.exe"  # the escape's backslash written as TEXT writes one
    event = icalendar.Event.from_ical(f"BEGIN:VEVENT\r\nSUMMARY:{text}\r\nEND:VEVENT\r\n")
    assert str(event["SUMMARY"]) == f"abc{ESCAPED[control]}FDP.exe"


def test_check_md_and_the_reports_markdown_and_calendar_show_the_id_escaped(tmp_path, run_cli):
    tracker = tmp_path / "bidi.csv"
    tracker.write_text(TRACKER, encoding="utf-8")
    md = tmp_path / "bidi.md"
    code, _, err = run_cli("check", str(tracker), "--as-of", "2025-01-10", "--format", "md", "--output", str(md))
    assert code == 0, err
    text = md.read_text(encoding="utf-8")
    assert not RAW.search(text)
    # Three duties: publish the report, the written statement and the action plan, all due.
    assert render(text).count(f"<td>{SHOWN_ID}</td>") == 3

    code, _, err = run_cli("report", str(tracker), "--as-of", "2025-01-10", "--out", str(tmp_path / "out"))
    assert code == 0, err
    day = tmp_path / "out" / "2025-01-10"
    report = (day / "report.md").read_text(encoding="utf-8")
    assert not RAW.search(report) and f"<code>{SHOWN_ID}</code>" in render(report)
    ics = (day / "deadlines.ics").read_text(encoding="utf-8")
    assert not RAW.search(ics)
    events = calendar(day / "deadlines.ics").walk("VEVENT")
    # 30 working days from Tue 3 Dec 2024, Christmas, Boxing Day and New Year's Day skipped: Fri 17 Jan 2025.
    assert f"Due: Publish the inspection report ({SHOWN_ID})" in {str(e["SUMMARY"]) for e in events}
    assert all(f"Record: {SHOWN_ID}." in str(e["DESCRIPTION"]) for e in events)


def test_a_rule_packs_title_and_citation_are_shown_escaped(tmp_path, run_cli):
    tracker, pack = tmp_path / "bidi.csv", tmp_path / "bidi.yaml"
    tracker.write_text(TRACKER.replace("abc\u202eFDP.exe", "northby"), encoding="utf-8")
    pack.write_text(PACK, encoding="utf-8")
    md = tmp_path / "check.md"
    code, _, err = run_cli("check", str(tracker), "--as-of", "2025-01-10", "--add-rules", str(pack),
                           "--format", "md", "--output", str(md))
    assert code == 1, err  # 30 days from 3 Dec 2024 ran out on 2 Jan 2025: overdue
    text = md.read_text(encoding="utf-8")
    assert not RAW.search(text) and "Cabinet decision \\u2067x\\u2069" in render(text)

    code, _, err = run_cli("report", str(tracker), "--as-of", "2025-01-10", "--add-rules", str(pack),
                           "--out", str(tmp_path / "out"))
    assert code == 1, err  # the overdue duty: --fail-on's default
    day = tmp_path / "out" / "2025-01-10"
    report = (day / "report.md").read_text(encoding="utf-8")
    assert not RAW.search(report) and "Publish \\u202eeht troper" in render(report)
    assert not RAW.search((day / "deadlines.ics").read_text(encoding="utf-8"))
    summaries = {str(e["SUMMARY"]) for e in calendar(day / "deadlines.ics").walk("VEVENT")}
    assert "Overdue: Publish \\u202eeht troper (northby)" in summaries


def test_plan_names_its_calendar_and_events_with_the_values_given_escaped(tmp_path, run_cli):
    ics = tmp_path / "plan.ics"
    code, _, err = run_cli("plan", "inspection", "report_received=2024-12-03", "framework=ILACS",
                           "authority=Har\u202eingey", "id=h\u2066x", "--as-of", "2024-12-10",
                           "--format", "ics", "--output", str(ics))
    assert code == 0, err
    assert not RAW.search(ics.read_text(encoding="utf-8"))
    # The calendar's name as the file writes it: TEXT, so the escape's backslash is doubled.
    assert "X-WR-CALNAME:Deadlines: Har\\\\u202eingey (h\\\\u2066x)\r\n" in ics.read_bytes().decode("utf-8")
    cal = calendar(ics)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries[0] == "Har\\u202eingey: publish the inspection report"
    assert all("Record: Har\\u202eingey (h\\u2066x)." in str(e["DESCRIPTION"]) for e in cal.walk("VEVENT"))
