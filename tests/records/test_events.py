"""Event files for the tracker: every bad row named by file, row and column, nothing half-read."""

from __future__ import annotations

from datetime import date, datetime

from compliance.records import read_events
from compliance.rules import load_vocabulary

from conftest import ROOT

VOCABULARY = load_vocabulary()
HEADER = "date,record,kind,event,framework,lscb_review\n"


def read(tmp_path, text, name="events.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    events, problems = read_events(path, VOCABULARY)
    return events, [str(p) for p in problems], str(path)


def test_the_example_file():
    events, problems = read_events(ROOT / "examples" / "inspection-events.csv", VOCABULARY)
    assert problems == []
    assert len(events) == 18
    first = events[0]
    assert (first.when, first.record, first.kind, first.event, dict(first.attributes), first.line) == (
        date(2026, 4, 13), "example-heath-2026-ilacs", "inspection", "inspection_start",
        {"authority": "Example Heath", "framework": "ILACS", "lscb_review": False}, 2)
    # Later rows of a record may leave the kind and attributes blank.
    assert (events[1].kind, dict(events[1].attributes)) == ("inspection", {})


def test_times_of_day_and_blank_lines(tmp_path):
    events, problems, _ = read(tmp_path, "date,record,kind,event\n2024-05-03T16:30,m1,missing-episode,"
                                         "returned_from_missing\n\n2024-05-06,m1,,return_interview\n")
    assert problems == []
    assert [(e.when, e.day, e.line) for e in events] == [
        (datetime(2024, 5, 3, 16, 30), date(2024, 5, 3), 2), (date(2024, 5, 6), date(2024, 5, 6), 4)]


def test_every_bad_row_is_reported_with_its_column(tmp_path):
    _, problems, path = read(tmp_path, HEADER + "\n".join([
        "2026-10-01,a,inspection,report_received,ILACS,false",
        "2026-13-01,a,,report_published,,",
        "2026-10-02,b,,report_received,,",
        "2026-10-03,c,inspektion,report_received,,",
        "2026-10-04,a,,report_recieved,,",
        "2026-10-05,a,,report_received,,",
        "2026-10-06,d,inspection,report_received,ILAC,maybe",
        "2026-10-02,a,,report_published,,",
        "2026-10-07,a,complaint,complaint_received,,",
        "2026-10-08,,inspection,report_received,,",
    ]) + "\n")
    assert problems == [
        f"{path}:3:1: date: '2026-13-01' is not a date: month must be in 1..12 (write dates as DD/MM/YYYY, "
        "YYYY-MM-DD or 5 December 2018 (e.g. 05/12/2018 or 2018-12-05), with HH:MM after the date where the time "
        "counts)",
        f"{path}:4:3: kind: record 'b' first appears here without a kind (give its kind on its first row: "
        "care-proceedings, child-protection, complaint, inspection, looked-after, missing-episode, referral)",
        f"{path}:5:3: kind: unknown record kind 'inspektion' (did you mean 'inspection'?)",
        f"{path}:6:4: event: unknown event 'report_recieved' for inspection records (did you mean "
        "'report_received'?)",
        f"{path}:7:4: event: report_received happens once, and record 'a' already has it (row 2) (remove one "
        "of the two rows)",
        f"{path}:8:5: framework: 'ILAC' is not a known framework (one of: SIF, ILACS, ILACS-focused-visit, JTAI, "
        "SEND-area, JAR)",
        f"{path}:8:6: lscb_review: 'maybe' is not yes or no (write yes or no; true, false, y, n, 1 and 0 are read too)",
        f"{path}:9:1: date: 2026-10-02 is before 2026-10-06 on row 8: events must be in date order (sort the "
        "rows by date)",
        f"{path}:10:3: kind: record 'a' is a inspection record (row 2), not complaint (one record has one kind)",
        f"{path}:11:2: record: the row has no record id (give the record's id)",
    ]


def test_the_header_must_name_the_columns(tmp_path):
    _, problems, path = read(tmp_path, "when,record,kind,event,framwork\n2026-10-01,a,inspection,x,ILACS\n")
    assert problems == [
        f"{path}:1: the header row has no date column (the first row names the columns: date, record, kind, "
        "event, then any attributes)",
        f"{path}:1:1: unknown column 'when' (an attribute named in rules/vocabulary.yaml)",
        f"{path}:1:5: unknown column 'framwork' (did you mean 'framework'?)",
    ]


def test_files_that_cannot_be_read(tmp_path):
    assert read(tmp_path, "")[1] == [f"{tmp_path / 'events.csv'}:1: the file is empty (the first row names the "
                                     "columns: date, record, kind, event)"]
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "2026-10-01,caf\xe9,inspection,report_received,,\n".encode("latin-1"))
    assert [str(p) for p in read_events(latin, VOCABULARY)[1]] == [
        f"{latin}:2:2: record: byte 0xE9 is not UTF-8 text (in a Windows-1252 file, which Excel writes as plain "
        "\"CSV\", it is é: save the spreadsheet as \"CSV UTF-8\", or give --encoding cp1252)"]
    assert read_events(latin, VOCABULARY, encoding="cp1252")[0][0].record == "café"
    missing = tmp_path / "missing.csv"
    assert [str(p) for p in read_events(missing, VOCABULARY)[1]] == [
        f"{missing}: cannot open: No such file or directory (check the path)"]


def test_dates_written_day_first_with_dashes_and_dots_or_a_months_name_are_read_as_with_slashes(tmp_path):
    # An ILACS inspection's events as a council's system writes them: 22 November, 3 December, 14 January.
    events, problems, _ = read(tmp_path, HEADER + "\n".join([
        "22-11-2024,h1,inspection,inspection_end,ILACS,false",
        "03.12.2024,h1,,report_received,,",
        "2025/01/14,h1,,report_published,,",
        "10-Mar-2025 09:30,h1,,statement_published,,",
    ]) + "\n")
    assert problems == []
    assert [(e.when, e.event) for e in events] == [
        (date(2024, 11, 22), "inspection_end"), (date(2024, 12, 3), "report_received"),
        (date(2025, 1, 14), "report_published"), (datetime(2025, 3, 10, 9, 30), "statement_published")]


def test_a_two_digit_year_or_a_placeholder_is_refused_saying_what_to_write(tmp_path):
    _, problems, path = read(tmp_path, HEADER + "\n".join([
        "22-11-24,h1,inspection,inspection_end,ILACS,false",
        "TBC,h2,inspection,report_received,ILACS,false",
        "n/a,h3,inspection,report_received,ILACS,false",
    ]) + "\n")
    assert problems == [
        f"{path}:2:1: date: '22-11-24' is not a date: give the year in full, DD-MM-YYYY (22-11-2024, if 2024 is "
        "meant) (write dates as DD/MM/YYYY, YYYY-MM-DD or 5 December 2018 (e.g. 05/12/2018 or 2018-12-05), with "
        "HH:MM after the date where the time counts)",
        f"{path}:3:1: date: 'TBC' is not a date: each row of an event file is an event that has happened, on its date "
        "(leave the row out until the event has happened)",
        f"{path}:4:1: date: 'n/a' is not a date: each row of an event file is an event that has happened, on its date "
        "(leave the row out until the event has happened)",
    ]


def test_a_long_cell_is_named_by_its_start_and_length_in_every_problem_of_its_row(tmp_path):
    # A note pasted into the record's cell: the id is refused, and the kind left blank is said of it too, each time
    # with the note cut to its first 40 characters (it was echoed whole, a megabyte for each problem).
    note = "haringey " + "called the office; " * 50_000 + "end"  # 9 + 19 x 50,000 + 3 = 950,012 characters
    _, problems, path = read(tmp_path, HEADER + f"2026-04-13,{note},,inspection_start,,\n"
                                                f"2026-04-14,haringey,inspection,inspection_end,,\n"
                                                f"2026-04-15,haringey,,report_received,{note},\n")
    start = "'haringey called the office; called the o'... (950,012 characters)"
    assert problems[1] == (f"{path}:2:3: kind: record {start} first appears here without a kind (give its kind on "
                           "its first row: care-proceedings, child-protection, complaint, inspection, looked-after, "
                           "missing-episode, referral)")
    assert problems[2] == (f"{path}:4:5: framework: {start} is not a known framework (one of: SIF, ILACS, "
                           "ILACS-focused-visit, JTAI, SEND-area, JAR)")
    assert len(problems) == 3 and all(len(p) < 1500 for p in problems)
