"""compliance plan: the README's first command, every format, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

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


def test_a_duty_done_once_that_an_event_ends_says_so_and_is_counted_to_its_end(run_cli):
    code, out, _ = run_cli("plan", "complaint", "complaint_received=2023-03-01", "stage2_start=2023-04-03",
                           "--as-of", "2023-12-31")
    assert code == 1
    assert "Clock: 10 working days from complaint_received, until stage2_start; done when stage1_response" in out
    # Due Wed 15 Mar 2023 (2-3, 6-10, 13-15 March); stage 2 on Mon 3 Apr ended it: 19 days, 13 working days
    # (16-17, 20-24, 27-31 March, 3 April), not counted on to 31 December.
    assert "Wed 15 Mar 2023  complaint-stage1" in out and "overdue by 13 working days (19 days)" in out


def test_overdue_when_nothing_done_is_exit_1_and_says_what_was_not_given(run_cli):
    code, out, _ = run_cli(*EXAMPLE, "--as-of", "2025-01-20")
    assert code == 1
    # Mon 20 Jan is 1 working day (3 days) after Fri 17 Jan.
    assert "overdue by 1 working day (3 days); no report_published given" in out


def test_json(run_cli):
    code, out, _ = run_cli(*EXAMPLE, "--as-of", "2024-12-10", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["kind"] == "inspection" and doc["as_of"] == "2024-12-10"
    assert doc["given"] == {"events": {"report_received": ["2024-12-03"]}, "unknown": [],
                            "attributes": {"framework": "ILACS"}}
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
        (date(2025, 1, 17), "Publish the inspection report"),
        (date(2025, 3, 14), "Publish the written statement of proposed action"),
        (date(2025, 3, 14), "Send the action plan (written statement of action) to Ofsted"),
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
    [event] = [e for e in icalendar.Calendar.from_ical(ics).walk("VEVENT")
               if "(la-publish-report)" in str(e["DESCRIPTION"])]
    assert event.decoded("DTSTART") == date(2019, 1, 30)
    assert str(event["SUMMARY"]) == "Publish the inspection report (at the latest)"
    assert "report_received cannot be later than ofsted_published (2018-12-14)" in str(event["DESCRIPTION"])


def _deadlines_from_check(run_cli, tmp_path, events, as_of):
    """What `check` says of a record with the same facts: {rule: (status, deadline, on_bound)} for duties that apply."""
    record = tmp_path / "record.yaml"
    record.write_text("records:\n  - id: same-facts\n    kind: inspection\n    framework: ILACS\n    events:\n"
                      + "".join(f"      {k}: {v}\n" for k, v in events.items()), encoding="utf-8")
    _, out, _ = run_cli("check", str(record), "--as-of", as_of, "--format", "json")
    return {f["rule"]: (f["status"], f["deadline"], f["on_bound"]) for f in json.loads(out)["findings"]
            if f["status"] != "not_applicable"}


def _deadlines_from_plan(run_cli, events, as_of):
    code, out, err = run_cli("plan", "inspection", "framework=ILACS", *(f"{k}={v}" for k, v in events.items()),
                             "--as-of", as_of, "--format", "json")
    assert code == 0, err
    return {d["rule"]: (s["status"], s["deadline"], s["on_bound"]) for d in json.loads(out)["duties"]
            for s in d["deadlines"]}


def test_plan_given_only_the_inspection_end_gives_checks_earliest_deadlines(run_cli, tmp_path):
    # The report cannot be received before the inspection ends (Fri 25 Oct 2024): 30 working days from then end on
    # Fri 6 Dec 2024, 70 (Christmas, Boxing Day and New Year's Day skipped) on Wed 5 Feb 2025, at the earliest.
    # Even the earliest deadline is after 1 Nov 2024, so none can be overdue yet: each is due, on the bound.
    events = {"inspection_end": "2024-10-25"}
    checked = _deadlines_from_check(run_cli, tmp_path, events, "2024-11-01")
    assert checked == {"la-publish-report": ("due", "2024-12-06", "earliest"),
                       "la-publish-statement": ("due", "2025-02-05", "earliest"),
                       "la-send-action-plan": ("due", "2025-02-05", "earliest")}
    assert _deadlines_from_plan(run_cli, events, "2024-11-01") == checked
    _, table, _ = run_cli("plan", "inspection", "inspection_end=25/10/2024", "framework=ILACS", "--as-of", "2024-11-01")
    assert "Fri 06 Dec 2024  la-publish-report" in table
    assert "at the earliest (report_received not given)" in table


def test_plan_takes_unknown_as_a_tracker_does(run_cli, tmp_path):
    # Ofsted published on Mon 9 Dec 2024, so the report was received by then, on a day not known: the deadlines
    # are at the latest, 30 working days after 9 Dec (Thu 23 Jan 2025) and 70 (Thu 20 Mar 2025), as check says.
    events = {"report_received": "unknown", "ofsted_published": "2024-12-09"}
    checked = _deadlines_from_check(run_cli, tmp_path, events, "2024-12-20")
    assert checked["la-publish-report"] == ("missing_data", "2025-01-23", "latest")
    assert _deadlines_from_plan(run_cli, events, "2024-12-20") == checked
    code, table, _ = run_cli("plan", "inspection", "framework=ILACS", "report_received=unknown",
                             "ofsted_published=09/12/2024", "--as-of", "2024-12-20")
    assert code == 0
    assert table.splitlines()[0].endswith("ofsted_published Mon 09 Dec 2024; report_received unknown; framework ILACS")
    assert "Thu 23 Jan 2025  la-publish-report" in table and "at the latest (report_received unknown)" in table
    # Unknown with nothing to bound it: no deadline, and says what would give one, never "starts when it happens".
    code, table, _ = run_cli("plan", "inspection", "framework=ILACS", "report_received=unknown", "--as-of", "2024-12-20")
    assert "no deadline until report_received is known" in table and "starts when report_received" not in table
    # A completion given as unknown: the deadline stands, whether it was met is not known.
    code, table, _ = run_cli("plan", "inspection", "framework=ILACS", "report_received=03/12/2024",
                             "report_published=unknown", "--as-of", "2024-12-20")
    assert "Fri 17 Jan 2025  la-publish-report" in table and "whether met is not known (report_published unknown)" in table


def test_a_date_after_the_as_of_date_is_said_plainly(run_cli):
    # Asked as of Tue 10 Dec 2024 with a publication on Fri 20 Dec: refused, naming the date and the fix.
    code, out, err = run_cli(*EXAMPLE, "report_published=20/12/2024", "--as-of", "10/12/2024")
    assert code == 2 and out == ""
    assert err == ("compliance: error: report_published: Fri 20 Dec 2024 is after --as-of (Tue 10 Dec 2024), so the "
                   "plan could not count it (give --as-of 20/12/2024 or later, or leave --as-of out to reckon as of "
                   "the latest date given)\n")
    # Without --as-of, a date after today is planned as if it had happened, and the plan says so.
    code, out, err = run_cli("plan", "inspection", "report_received=03/12/2099", "framework=ILACS")
    assert code == 0
    assert err.startswith("compliance: note: report_received Thu 03 Dec 2099 is after today (")
    assert "the plan is reckoned as of Thu 03 Dec 2099" in err
    assert out.splitlines()[1].startswith("Reckoned as of Thu 03 Dec 2099, the latest date given, not ")


HARINGEY = ("plan", "inspection", "id=haringey-2018-ilacs", "authority=Haringey", "framework=ILACS",
            "report_received=14 December 2018")


def test_ics_events_are_named_for_the_record_with_the_law_and_the_working(run_cli, tmp_path):
    path = tmp_path / "haringey.ics"
    code, _, _ = run_cli(*HARINGEY, "--as-of", "2018-12-20", "--format", "ics", "--output", str(path))
    assert code == 0
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Deadlines: Haringey (haringey-2018-ilacs)"
    events = sorted(cal.walk("VEVENT"), key=lambda e: (e.decoded("DTSTART"), str(e["SUMMARY"])))
    # 30 working days from Fri 14 Dec 2018 (25, 26 Dec and 1 Jan skipped): Wed 30 Jan 2019; 70: Wed 27 Mar 2019.
    assert [(e.decoded("DTSTART"), str(e["SUMMARY"])) for e in events] == [
        (date(2019, 1, 30), "Haringey: publish the inspection report"),
        (date(2019, 3, 27), "Haringey: publish the written statement of proposed action"),
        (date(2019, 3, 27), "Haringey: send the action plan (written statement of action) to Ofsted"),
    ]
    description = str(events[0]["DESCRIPTION"])
    assert "Record: Haringey (haringey-2018-ilacs)." in description
    assert "Source: Education and Inspections Act 2006 (Inspection of Local Authorities) Regulations 2007" in description
    assert "Christmas Day (Tue 25 Dec 2018); Boxing Day (Wed 26 Dec 2018); New Year's Day (Tue 01 Jan 2019)" \
        in description
    assert not list(events[0].walk("VALARM"))  # no reminder unless asked


def test_ics_reminders_fall_working_days_before_each_deadline(run_cli, tmp_path):
    path = tmp_path / "haringey.ics"
    run_cli(*HARINGEY, "--as-of", "2018-12-20", "--format", "ics", "--remind", "5", "--output", str(path))
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    # 5 working days before Wed 30 Jan 2019 is Wed 23 Jan, at 09:00: 6 days and 15 hours before the day starts.
    [alarm] = events["Haringey: publish the inspection report"].walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER") == -timedelta(days=6, hours=15)
    assert "5 working days to go (Wed 30 Jan 2019)" in str(alarm["DESCRIPTION"])
    # Across Christmas: a focused visit's draft plan, 20 working days from Mon 3 Dec 2018, is due Thu 3 Jan 2019
    # (25, 26 Dec and 1 Jan skipped). Counting back 5 working days (2 Jan, 31, 28, 27 Dec, then 24 Dec; the
    # holidays and the weekends skipped) gives Mon 24 Dec 2018, 09:00: 9 days and 15 hours before 3 Jan begins.
    fv = tmp_path / "fv.ics"
    run_cli("plan", "inspection", "authority=Fen", "framework=ILACS-focused-visit", "priority_actions=yes",
            "report_received=03/12/2018", "--as-of", "2018-12-03", "--format", "ics", "--remind", "5",
            "--output", str(fv))
    [draft] = [e for e in icalendar.Calendar.from_ical(fv.read_bytes()).walk("VEVENT")
               if "early draft" in str(e["SUMMARY"])]
    assert draft.decoded("DTSTART") == date(2019, 1, 3)
    assert [a.decoded("TRIGGER") for a in draft.walk("VALARM")] == [-timedelta(days=9, hours=15)]


def test_ics_uids_stay_with_the_record_and_duty_when_the_plan_is_updated(run_cli, tmp_path):
    first, corrected = tmp_path / "first.ics", tmp_path / "corrected.ics"
    run_cli(*HARINGEY, "--as-of", "2018-12-20", "--format", "ics", "--output", str(first))
    # The receipt date was wrong, and the report has been published since: the same id, the same duties.
    run_cli("plan", "inspection", "id=haringey-2018-ilacs", "authority=Haringey", "framework=ILACS",
            "report_received=17/12/2018", "report_published=25/01/2019", "--as-of", "2019-02-01",
            "--format", "ics", "--output", str(corrected))

    def uids(path):
        return {str(e["SUMMARY"]): str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}

    assert uids(first) == uids(corrected) and len(set(uids(first).values())) == 3
    # The nightly report's deadlines.ics gives the same record and duty the same UID, so either updates the other.
    from compliance.reports import event_uid

    assert uids(first)["Haringey: publish the inspection report"] == event_uid("haringey-2018-ilacs", "la-publish-report", 1)


def test_remind_is_refused_where_it_would_be_ignored(run_cli):
    code, out, err = run_cli(*EXAMPLE, "--remind", "5")
    assert code == 2 and out == "" and err == (
        "compliance: error: remind: --remind sets a calendar's reminders; --format table has none (add --format ics "
        "--output FILE.ics)\n")
    code, _, err = run_cli(*EXAMPLE, "--format", "ics", "--remind", "0")
    assert code == 2 and "--remind must be 1 or more working days, not 0" in err


def test_a_reminder_before_the_calendars_years_names_the_option(tmp_path, run_cli):
    code, out, err = run_cli("plan", "inspection", "report_received=01/06/2025", "--as-of", "2025-06-02",
                             "--format", "ics", "--remind", "99999", "--output", str(tmp_path / "p.ics"))
    assert code == 2 and "--remind 99999 working days before" in err and "e.g. --remind 5" in err, err
    assert not (tmp_path / "p.ics").exists()


def test_a_deadline_past_the_calendars_years_gives_checks_reason_in_every_format(run_cli, tmp_path):
    # Received Fri 10 Dec 2100: 30 working days run into 2101, a year the calendar does not cover.
    args = ("plan", "inspection", "report_received=2100-12-10", "framework=ILACS", "--as-of", "2100-12-31")
    why = ("the deadline cannot be counted: 30 working days from 2100-12-10 runs outside the years the "
           "england-and-wales calendar covers (1971 to 2100); check the dates")
    for fmt in ("table", "md"):
        code, out, err = run_cli(*args, "--format", fmt)
        assert code == 0, err
        assert "no deadline until" not in out  # report_received was given
        assert why in out and why.replace("30 working", "70 working") in out
    code, out, _ = run_cli(*args, "--format", "json")
    [step] = next(d for d in json.loads(out)["duties"] if d["rule"] == "la-publish-report")["deadlines"]
    assert (step["status"], step["deadline"], step["reason"]) == ("missing_data", None, why)
    ics = tmp_path / "plan.ics"
    code, _, err = run_cli(*args, "--format", "ics", "--output", str(ics))
    assert code == 0, err
    cal = icalendar.Calendar.from_ical(ics.read_bytes())
    assert cal.walk("VEVENT") == []
    # The calendar says which duties it leaves out and why (TEXT escapes each ";" as "\;").
    unfolded = re.sub(r"\r\n ", "", ics.read_bytes().decode("utf-8"))
    assert ("X-WR-CALDESC:Not in this calendar: la-publish-report: " + why.replace(";", "\\;")) in unfolded
    assert "la-publish-statement: " in unfolded and "la-send-action-plan: " in unfolded
    # And whoever wrote it is told, on one line: the calendar file itself shows nothing amiss once subscribed to.
    assert err.startswith("compliance: warning: the calendar has no event for la-publish-report: " + why)
    assert err.count("\n") == 1


def test_values_given_reach_the_markdown_as_text_never_as_html_or_markup(run_cli):
    code, out, _ = run_cli("plan", "inspection", "authority=<img src=x onerror=alert(1)> *Sefton*",
                           "report_received=03/12/2024", "framework=ILACS", "--as-of", "2024-12-10", "--format", "md")
    assert code == 0 and not re.search(r"(?<!\\)<img", out)
    assert "\\<img src=x onerror=alert(1)\\> \\*Sefton\\*" in out.splitlines()[0]


def test_what_was_given_that_contradicts_itself_is_said_under_the_duty_it_excludes_in_every_format(run_cli):
    """No further action on a referral of Tue 1 May 2012, yet an initial assessment: not applicable under Working
    Together 2010's initial assessment, in force that day, with check's flag beside it."""
    given = ("plan", "referral", "referral=2012-05-01", "referral_nfa=yes", "initial_assessment_completed=2012-05-10",
             "--as-of", "2012-12-31")
    flag = ("referral_nfa is yes, but the record has initial_assessment_completed, which implies referral_nfa no: "
            "referral_nfa is taken as the record gives it; check the record.")
    code, out, _ = run_cli(*given)
    assert code == 0
    assert ("  initial-assessment-10wd: applies only when referral_nfa is false; the record has true\n"
            f"    Check: {flag}\n") in out
    code, out, _ = run_cli(*given, "--format", "json")
    duties = {d["rule"]: d for d in json.loads(out)["duties"]}
    assert "assessment-45wd" not in duties
    assert duties["initial-assessment-10wd"]["state"] == "not_applicable"
    assert duties["initial-assessment-10wd"]["checks"] == [flag]
    assert duties["referral-decision-1wd"]["checks"] == []
    code, out, _ = run_cli(*given, "--format", "md")
    assert "- **initial-assessment-10wd**: applies only when referral\\_nfa is false; the record has true\n" \
           "  - Check: referral\\_nfa is yes, but the record has initial\\_assessment\\_completed" in out


def test_a_scheduled_duty_resting_on_contradicting_values_says_check_in_every_format(run_cli):
    """A plan started Sat 20 Jan 2024, yet no conference needed: whether review conferences are owed is not known,
    as check flags it; the plan's table and JSON say so beside the duty."""
    given = ("plan", "child-protection", "strategy_discussion=2024-01-10", "icpc_not_required=true",
             "cp_plan_start=2024-01-20", "--as-of", "2024-02-01")
    flag = ("the record has cp_plan_start, which implies cp_plan yes; icpc_not_required is yes, which implies cp_plan "
            "no: cp_plan is left unknown; check the record.")
    code, out, _ = run_cli(*given)
    assert f"    Check: {flag}\n" in out
    code, out, _ = run_cli(*given, "--format", "json")
    duties = {d["rule"]: d for d in json.loads(out)["duties"]}
    assert duties["rcpc"]["state"] == "conditional" and duties["rcpc"]["checks"] == [flag]


def test_a_return_at_midnight_keeps_its_hour_in_a_plan_as_in_check(run_cli):
    """plan read "21/09/2022 00:00" as the day alone, and the interview 23 hours late as met (approximate)."""
    code, out, _ = run_cli("plan", "missing-episode", "returned_from_missing=21/09/2022 00:00",
                           "return_interview=24/09/2022 23:00", "--as-of", "2022-10-01")
    assert code == 1 and "returned_from_missing Wed 21 Sep 2022 00:00" in out
    assert "late by 23 hours (return_interview Sat 24 Sep 2022 23:00)" in out


def test_plan_json_gives_a_time_of_day_with_its_utc_offset_as_check_does(run_cli):
    """01:30 BST on Fri 24 Oct 2025 is 00:30 UTC; 72 real hours on, the clocks gone back on the Sunday, is 00:30
    GMT on Mon 27 Oct: only the offsets show the clock ran 72 hours, not 71."""
    code, out, _ = run_cli("plan", "missing-episode", "returned_from_missing=24/10/2025 01:30", "--as-of", "2025-10-30",
                           "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["given"]["events"]["returned_from_missing"] == ["2025-10-24T01:30+01:00"]
    [duty] = doc["duties"]
    [step] = duty["deadlines"]
    assert duty["next_deadline"] == step["deadline"] == "2025-10-27T00:30+00:00"
    assert step["trigger_date"] == "2025-10-24T01:30+01:00" and step["on_bound"] is None


def test_a_clock_another_event_shows_started_is_planned_as_check_judges_it(run_cli):
    """An assessment completed on Thu 1 Feb 2024 was begun: its 45 working days from the start are at the earliest
    those from the referral on Wed 10 Jan (Wed 13 Mar 2024), met, as `check` says. plan said "starts when
    assessment_start happens"."""
    code, out, _ = run_cli("plan", "referral", "referral=2024-01-10", "assessment_completed=2024-02-01",
                           "--as-of", "2024-06-01")
    assert "starts when assessment_start happens" not in out
    [line] = [line for line in out.splitlines() if line.startswith("Wed 13 Mar 2024  assessment-45wd-from-start")]
    assert "met (assessment_completed Thu 01 Feb 2024); the deadline at the earliest (assessment_start not given)" in line


def test_a_long_value_is_named_by_its_start_and_length(run_cli):
    # 5 + 100,000 characters, as much as a shell passes in one argument: it was echoed whole.
    code, out, err = run_cli("plan", "inspection", "framework=ILACS" + "x" * 100_000, "report_received=2024-12-03")
    assert (code, out) == (2, "")
    assert err == ("compliance: error: framework: 'ILACSxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (100,005 characters) "
                   "is not a known framework (one of: SIF, ILACS, ILACS-focused-visit, JTAI, SEND-area, JAR)\n")
    # A long item that is no NAME=VALUE, or a long name, is cut in the field that names it too.
    code, _, err = run_cli("plan", "inspection", "x" * 5_000)
    assert code == 2 and err == ("compliance: error: " + "x" * 40 + "... (5,000 characters): '" + "x" * 40
                                 + "'... (5,000 characters) is not NAME=VALUE (e.g. report_received=03/12/2024 or "
                                 "framework=ILACS)\n")
    code, _, err = run_cli("plan", "inspection", "y" * 3_000 + "=1")
    assert code == 2 and err.startswith("compliance: error: " + "y" * 40 + "... (3,000 characters): not an event or "
                                        "attribute of inspection records") and len(err) < 1_000
