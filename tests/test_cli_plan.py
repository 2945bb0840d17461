"""compliance plan: the README's first command, every format, exit codes and one-line errors."""

from __future__ import annotations

import json
from datetime import date

import icalendar

EXAMPLE = ("plan", "inspection", "report_received=2024-12-03", "framework=ILACS")


def test_the_readme_example_prints_the_three_deadlines(run_cli):
    code, out, err = run_cli(*EXAMPLE, "--as-of", "2024-12-10")
    assert code == 0 and err == ""
    table = out.split("\n\n")[1].splitlines()
    assert table[0].split() == ["DEADLINE", "DUTY", "WHAT", "STATUS"]
    assert table[1].startswith("Fri 17 Jan 2025  la-publish-report")
    assert table[2].startswith("Fri 14 Mar 2025  la-publish-statement")
    assert table[3].startswith("Fri 14 Mar 2025  la-send-action-plan")
    assert table[1].endswith("25 working days (38 days) left")
    # The working, the days skipped, what it depends on and the law, for each duty.
    assert "skips 12 weekend days and 3 holidays: Christmas Day (Wed 25 Dec 2024); Boxing Day (Thu 26 Dec 2024); " \
           "New Year's Day (Wed 01 Jan 2025)." in out
    assert "Clock: 30 working days from report_received; done when report_published" in out
    assert "Applies because framework is SIF or ILACS or ILACS-focused-visit." in out
    assert "Source: Education and Inspections Act 2006 (Inspection of Local Authorities) Regulations 2007" in out
    # An LSCB was reviewed only alongside a single inspection (SIF).
    assert "Not applicable:\n  lscb-publish-report: applies only when framework is 'SIF'; the record has 'ILACS'" in out


def test_overdue_when_nothing_done_is_exit_1_and_says_what_was_not_given(run_cli):
    code, out, _ = run_cli(*EXAMPLE, "--as-of", "2025-01-20")
    assert code == 1
    # Mon 20 Jan is 1 working day (3 days) after Fri 17 Jan.
    assert "overdue by 1 working day (3 days); no report_published given" in out


def test_json(run_cli):
    code, out, _ = run_cli(*EXAMPLE, "--as-of", "2024-12-10", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["kind"] == "inspection" and doc["as_of"] == "2024-12-10"
    assert doc["given"] == {"events": {"report_received": ["2024-12-03"]}, "attributes": {"framework": "ILACS"}}
    first = doc["duties"][0]
    assert (first["rule"], first["state"], first["next_deadline"]) == ("la-publish-report", "scheduled", "2025-01-17")
    assert first["deadlines"][0]["working_days_left"] == 25
    assert {"date": "2024-12-25", "reason": "Christmas Day"} in first["deadlines"][0]["skipped"]
    states = {d["rule"]: d["state"] for d in doc["duties"]}
    assert states["jar-publish-report"] == "not_applicable"


def test_markdown(run_cli):
    code, out, _ = run_cli(*EXAMPLE, "--as-of", "2024-12-10", "--format", "md")
    assert code == 0 and out.startswith("# Plan for an inspection record")
    assert "| Fri 17 Jan 2025 | la-publish-report | Publish the inspection report |" in out
    assert "## Not applicable" in out


def test_ics_is_a_calendar_outlook_reads_with_stable_uids(run_cli, tmp_path):
    first = tmp_path / "plan.ics"
    code, _, _ = run_cli(*EXAMPLE, "--format", "ics", "--output", str(first), "--as-of", "2024-12-10")
    assert code == 0
    data = first.read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded (RFC 5545 section 3.1)
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    assert sorted((e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events) == [
        (date(2025, 1, 17), "Deadline: Publish the inspection report (la-publish-report)"),
        (date(2025, 3, 14), "Deadline: Publish the written statement of proposed action (la-publish-statement)"),
        (date(2025, 3, 14), "Deadline: Send the action plan (written statement of action) to Ofsted "
                            "(la-send-action-plan)"),
    ]
    assert all(e.decoded("DTEND") - e.decoded("DTSTART") == date(2025, 1, 2) - date(2025, 1, 1) for e in events)
    assert "Christmas Day (Wed 25 Dec 2024)" in str(events[0]["DESCRIPTION"])
    # Another day, and a completion given since: the same duties keep their UIDs, so a calendar updates them.
    later = tmp_path / "later.ics"
    run_cli(*EXAMPLE, "report_published=2025-01-10", "--format", "ics", "--output", str(later), "--as-of", "2025-01-12")
    uids = lambda path: sorted(str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"))  # noqa: E731
    assert uids(first) == uids(later) and len(set(uids(first))) == 3


def test_recurring_duties_show_their_next_occurrences(run_cli):
    code, out, _ = run_cli("plan", "looked-after", "became_looked_after=04/11/2024", "--as-of", "2024-11-05",
                           "--occurrences", "4")
    assert code == 0
    rows = [line for line in out.splitlines() if " cla-review #" in line]
    assert [r.split("  ")[0] for r in rows] == ["Mon 02 Dec 2024", "Sun 02 Mar 2025", "Tue 02 Sep 2025",
                                                "Mon 02 Mar 2026"]
    assert rows[1].endswith("if #1 is held on its deadline")


def test_bad_names_are_one_line_each_with_a_suggestion(run_cli):
    code, out, err = run_cli("plan", "inspection", "report_recieved=2024-12-03")
    assert code == 2 and out == ""
    assert err == ("compliance: error: report_recieved: not an event or attribute of inspection records "
                   "(did you mean 'report_received'?)\n")
    code, out, err = run_cli("plan", "inspecton", "report_received=2024-12-03")
    assert code == 2 and err == "compliance: error: kind: unknown record kind 'inspecton' (did you mean 'inspection'?)\n"


def test_a_latest_possible_deadline_says_what_it_rests_on_in_every_format(run_cli):
    # Only Ofsted's publication (Fri 14 Dec 2018) is known: the report was received by then, so 30 working days
    # (25, 26 Dec and 1 Jan skipped) end on Wed 30 Jan 2019 at the latest.
    args = ("plan", "inspection", "ofsted_published=14/12/2018", "framework=ILACS", "--as-of", "2018-12-17")
    _, table, _ = run_cli(*args)
    assert "Wed 30 Jan 2019  la-publish-report" in table and "at the latest (report_received not given)" in table
    _, ics, _ = run_cli(*args, "--format", "ics")
    [event] = [e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT") if "la-publish-report" in str(e["SUMMARY"])]
    assert event.decoded("DTSTART") == date(2019, 1, 30)
    assert "report_received cannot be later than ofsted_published (2018-12-14)" in str(event["DESCRIPTION"])
