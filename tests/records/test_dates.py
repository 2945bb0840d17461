"""Dates in trackers: ISO, the UK's day-first DD/MM/YYYY (never month first) and the way council papers write
dates ("14 December 2018"); Excel serials refused with a hint.

Both CSV readers (records/_readers.py, and the vectorised records/columns.py) must accept and refuse the
same cells with the same words, so each cell below is read by both.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from compliance.records import parse_event_date, read_records
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

# Each cell and the date a person reading it in England means (worked by hand, not by the code).
ACCEPTED = [
    ("2025-09-05", date(2025, 9, 5)),
    ("05/09/2025", date(2025, 9, 5)),  # 5 September: day first
    ("5/9/2025", date(2025, 9, 5)),
    ("1/12/2024", date(2024, 12, 1)),
    ("31/01/2024", date(2024, 1, 31)),
    ("29/02/2024", date(2024, 2, 29)),
    (" 05/09/2025 ", date(2025, 9, 5)),
    ("05/09/2025 14:30", datetime(2025, 9, 5, 14, 30)),
    ("05/09/2025 14:30:15", datetime(2025, 9, 5, 14, 30, 15)),
    ("2025-09-05T14:30", datetime(2025, 9, 5, 14, 30)),
    ("2025-09-05 08:05", datetime(2025, 9, 5, 8, 5)),
    # As council papers write dates: 14 December 2018 was a Friday.
    ("14 December 2018", date(2018, 12, 14)),
    ("14 Dec 2018", date(2018, 12, 14)),
    ("14th December 2018", date(2018, 12, 14)),
    ("Friday 14 December 2018", date(2018, 12, 14)),
    ("Fri, 14 Dec. 2018", date(2018, 12, 14)),
    ("5 Sept 2025", date(2025, 9, 5)),
    ("5 SEPTEMBER 2025", date(2025, 9, 5)),
    ("1st March 2024 09:30", datetime(2024, 3, 1, 9, 30)),
    # Day first with a dash or a dot, as UK systems and spreadsheets also write it: 3 December 2024 (a Tuesday).
    ("03-12-2024", date(2024, 12, 3)),
    ("3-12-2024", date(2024, 12, 3)),
    ("03.12.2024", date(2024, 12, 3)),
    ("3.12.2024", date(2024, 12, 3)),
    ("03-12-2024 09:30", datetime(2024, 12, 3, 9, 30)),
    ("03.12.2024 09:30:15", datetime(2024, 12, 3, 9, 30, 15)),
    ("29-02-2024", date(2024, 2, 29)),
    # A spreadsheet's d-mmm-yyyy: the month named, so read as it says.
    ("3-Dec-2024", date(2024, 12, 3)),
    ("03-Dec-2024", date(2024, 12, 3)),
    ("3-DEC-2024", date(2024, 12, 3)),
    ("3-December-2024", date(2024, 12, 3)),
    ("3-Sept-2024 14:00", datetime(2024, 9, 3, 14, 0)),
    # The year first: never the day, so the month is second.
    ("2024/12/03", date(2024, 12, 3)),
    ("2024/12/3", date(2024, 12, 3)),
    ("2024/12/03 09:30", datetime(2024, 12, 3, 9, 30)),
]
# Each refused cell and the words the user sees.
REFUSED = [
    ("12/31/2024", "'12/31/2024' is not a date: there is no month 31 (dates are read day first, DD/MM/YYYY)"),
    ("05/09/25", "'05/09/25' is not a date: give the year in full, DD/MM/YYYY"),
    ("31/02/2024", "'31/02/2024' is not a date: day is out of range for month"),
    ("29/02/2023", "'29/02/2023' is not a date: day is out of range for month"),
    ("2025/05", "'2025/05' is not a date"),
    ("2025/13/05", "'2025/13/05' is not a date: there is no month 13 (dates are read year first, YYYY/MM/DD)"),
    ("2025/02/29", "'2025/02/29' is not a date: day is out of range for month"),
    ("13-25-2024", "'13-25-2024' is not a date: there is no month 25 (dates are read day first, DD-MM-YYYY)"),
    ("31.02.2024", "'31.02.2024' is not a date: day is out of range for month"),
    ("31-04-2024", "'31-04-2024' is not a date: day is out of range for month"),
    ("03-12.2024", "'03-12.2024' is not a date"),  # two separators: a slip, not guessed at
    # Two-digit years, refused as with a slash, with the cell written in full for the year this century.
    ("03-12-24", "'03-12-24' is not a date: give the year in full, DD-MM-YYYY (03-12-2024, if 2024 is meant)"),
    ("03.12.24", "'03.12.24' is not a date: give the year in full, DD.MM.YYYY (03.12.2024, if 2024 is meant)"),
    ("3-Dec-24", "'3-Dec-24' is not a date: give the year in full, 3-Dec-YYYY (3-Dec-2024, if 2024 is meant)"),
    ("3-Decmber-2024", "'3-Decmber-2024' is not a date: 'Decmber' is not a month (did you mean December?)"),
    # What a tracker holds for a date it does not have: refused, saying what to write instead.
    ("TBC", "'TBC' is not a date: leave the cell blank if it has not happened yet, or write unknown if it happened "
            "on a day not known"),
    ("N/A", "'N/A' is not a date: leave the cell blank if it has not happened yet, or write unknown if it happened "
            "on a day not known"),
    ("n/a", "'n/a' is not a date: leave the cell blank if it has not happened yet, or write unknown if it happened "
            "on a day not known"),
    # "Not known", as social care records abbreviate it: said, like TBC (it was "'n/k' is not a date" alone).
    ("n/k", "'n/k' is not a date: leave the cell blank if it has not happened yet, or write unknown if it happened "
            "on a day not known"),
    ("-", "'-' is not a date: leave the cell blank if it has not happened yet, or write unknown if it happened on a "
          "day not known"),
    ("45901", "45901 looks like an Excel date serial for 2025-09-01: format the column as a date"),
    ("45901.5", "45901.5 looks like an Excel date-time serial for 2025-09-01 12:00: format the column as a date"),
    ("2019", "'2019' is not a date"),
    ("5 Sep 25", "'5 Sep 25' is not a date: give the year in full, 14 December 2018"),
    ("Monday 14 December 2018", "'Monday 14 December 2018' is not a date: 14 December 2018 is a Friday, not a Monday"),
    ("14 Decmber 2018", "'14 Decmber 2018' is not a date: 'Decmber' is not a month (did you mean December?)"),
    ("December 14, 2018", "'December 14, 2018' is not a date: write the day first, 14 December 2018"),
    ("30 February 2024", "'30 February 2024' is not a date: day is out of range for month"),
]


@pytest.mark.parametrize("cell, expected", ACCEPTED)
def test_accepted_cells(cell, expected):
    assert parse_event_date(cell) == expected
    assert type(parse_event_date(cell)) is type(expected)


@pytest.mark.parametrize("cell, message", REFUSED)
def test_refused_cells_say_why(cell, message):
    with pytest.raises(ValueError) as exc:
        parse_event_date(cell)
    assert str(exc.value) == message


def test_excel_serial_numbers_from_a_workbook_cell_are_hinted_at():
    # 45901 days after 30 December 1899 is Monday 1 September 2025 (Excel's day count, from its 1900 epoch).
    with pytest.raises(ValueError, match=r"^45901 looks like an Excel date serial for 2025-09-01"):
        parse_event_date(45901)
    with pytest.raises(ValueError, match=r"^45901.0 looks like an Excel date serial for 2025-09-01"):
        parse_event_date(45901.0)
    with pytest.raises(ValueError, match=r"^true is not a date$"):
        parse_event_date(True)


def _both_readers(tmp_path, cells):
    path = tmp_path / "dates.csv"
    rows = "".join(f'r{i},missing-episode,"{c}"\n' for i, c in enumerate(cells))
    path.write_text("id,kind,returned_from_missing\n" + rows, encoding="utf-8")
    records, problems = read_records([path])
    per_record = {r.id: r.events["returned_from_missing"][0] for r in records}
    batch_problems: list = []
    vectorised = {}
    for batch in read_batches([path], load_vocabulary(), batch_problems):
        column = batch.event("returned_from_missing")
        for rid, day, second in zip(batch.ids.to_pylist(), column.days.tolist(), column.seconds.tolist()):
            d = date.fromordinal(day)
            vectorised[rid] = d if second < 0 else datetime(d.year, d.month, d.day, second // 3600,
                                                            second % 3600 // 60, second % 60)
    return per_record, problems, vectorised, batch_problems


def test_both_csv_readers_accept_and_refuse_the_same_cells_with_the_same_words(tmp_path):
    cells = [c for c, _ in ACCEPTED] + [c for c, _ in REFUSED]
    per_record, problems, vectorised, batch_problems = _both_readers(tmp_path, cells)
    expected = {f"r{i}": d for i, (_, d) in enumerate(ACCEPTED)}
    assert per_record == expected
    assert vectorised == expected
    words = {(p.line, p.column, p.message, p.hint) for p in problems}
    assert words == {(p.line, p.column, p.message, p.hint) for p in batch_problems}
    assert {p.message for p in problems} == {m for _, m in REFUSED}
    assert all("DD/MM/YYYY" in p.hint and "YYYY-MM-DD" in p.hint for p in problems)


def test_a_whole_column_of_uk_dates_is_read_by_the_fast_path_too(tmp_path):
    """Many rows of DD/MM/YYYY (the shape of a real tracker), one bad among them, in both readers."""
    cells = [f"{d:02d}/{m:02d}/2024" for m in range(1, 13) for d in (1, 15, 28)] + ["30/02/2024"]
    per_record, problems, vectorised, batch_problems = _both_readers(tmp_path, cells)
    assert per_record == vectorised
    assert len(per_record) == 36 and per_record["r0"] == date(2024, 1, 1) and per_record["r35"] == date(2024, 12, 28)
    assert [(p.line, p.message) for p in problems] == [(38, "'30/02/2024' is not a date: day is out of range for month")]
    assert [(p.line, p.message) for p in batch_problems] == [(p.line, p.message) for p in problems]


def test_check_and_kpi_give_the_same_findings_for_the_new_spellings_as_for_iso(tmp_path):
    """An Ofsted tracker with its dates written day first with dashes and dots, d-Mon-yyyy and yyyy/mm/dd: each
    record is judged as the one written ISO is, by both readers and both engines (``check``'s per-record engine on
    records/_readers.py, ``kpi``'s vectorised one on records/columns.py); the two cells that are not dates are
    refused by both, at the same rows."""
    from compliance.engines import evaluate
    from compliance.engines.batch import evaluate_batches
    from compliance.rules import load_rules

    path = tmp_path / "inspections.csv"
    path.write_text("id,kind,framework,report_received,report_published\n"
                    "iso,inspection,ILACS,2024-12-03,2025-01-14\n"
                    "dash,inspection,ILACS,03-12-2024,14-01-2025\n"
                    "dot,inspection,ILACS,3.12.2024,14.01.2025\n"
                    "mon,inspection,ILACS,3-Dec-2024,14-Jan-2025\n"
                    "yearfirst,inspection,ILACS,2024/12/03,2025/01/14\n"
                    "late,inspection,ILACS,03-12-2024,20.01.2025\n"  # Monday 20 January: the Friday's deadline passed
                    "tbc,inspection,ILACS,03-12-2024,TBC\n"
                    "short,inspection,ILACS,3-Dec-24,\n", encoding="utf-8")
    rules = load_rules()
    as_of = date(2026, 12, 1)
    records, problems = read_records([path], rules.vocabulary)
    fields = ("status", "trigger_date", "deadline", "completed_date", "days_late", "working_days_late")
    checked = {(d["record"], d["rule"]): tuple(d[k] for k in fields)
               for d in (f.to_dict() for f in evaluate(records, rules, as_of, explain=False))}
    batch_problems: list = []
    counted = {(row["record"], row["rule"]): tuple(row[k] for k in fields)
               for result in evaluate_batches(read_batches([path], rules.vocabulary, batch_problems), rules, as_of)
               for row in result.rows()}
    assert counted == checked
    assert [(p.line, p.field) for p in problems] == [(8, "report_published"), (9, "report_received")]
    said = [(p.line, p.field, p.message) for p in problems]
    assert sorted((p.line, p.field, p.message) for p in batch_problems) == said
    assert {rid for rid, _ in checked} == {"iso", "dash", "dot", "mon", "yearfirst", "late"}
    # The report is due 2025-01-17 (as the ISO row has it), published on the 14th: met, whatever the spelling.
    assert checked["iso", "la-publish-report"] == ("met", "2024-12-03", "2025-01-17", "2025-01-14", None, None)
    for rid in ("dash", "dot", "mon", "yearfirst"):
        assert {rule: v for (r, rule), v in checked.items() if r == rid} == \
            {rule: v for (r, rule), v in checked.items() if r == "iso"}
    # Friday 17 to Monday 20 January: 3 days late, 1 working day.
    assert checked["late", "la-publish-report"] == ("late", "2024-12-03", "2025-01-17", "2025-01-20", 3, 1)


def test_a_date_time_at_midnight_is_that_moment_unless_the_source_keeps_a_day_so():
    """A child back at 00:00 starts a 72-hour clock then, not at some unknown hour of the day; a database's DATETIME
    holds a day as its midnight (the SSD's 2023-03-01 00:00:00.000), which its mapping reads as the day."""
    assert parse_event_date(datetime(2022, 9, 21, 0, 0)) == datetime(2022, 9, 21, 0, 0)
    assert parse_event_date(datetime(2022, 9, 21, 0, 0), midnight_is_day=True) == date(2022, 9, 21)
    assert parse_event_date(datetime(2022, 9, 21, 9, 30), midnight_is_day=True) == datetime(2022, 9, 21, 9, 30)


def test_a_return_at_midnight_written_in_yaml_is_late_by_the_hours_as_in_csv(tmp_path):
    """Back at 00:00 on Wed 21 Sep 2022: the 72 hours end at 00:00 on Sat 24 Sep, and an interview at 23:00 that day
    is 23 hours late, from YAML's date-time as from a CSV cell (YAML's was read as the day: met, approximate)."""
    from compliance.engines import evaluate

    (tmp_path / "m.yaml").write_text("records:\n- id: m1\n  kind: missing-episode\n  events:\n"
                                     "    returned_from_missing: 2022-09-21 00:00:00\n"
                                     "    return_interview: 2022-09-24 23:00:00\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("id,kind,returned_from_missing,return_interview\n"
                                    "m1,missing-episode,21/09/2022 00:00,24/09/2022 23:00\n", encoding="utf-8")
    for name in ("m.yaml", "m.csv"):
        records, problems = read_records([tmp_path / name])
        [finding] = [f for f in evaluate(records, as_of=date(2022, 10, 1)) if f.rule == "return-interview-72h"]
        assert (finding.status, finding.hours_late, finding.deadline) == ("late", 23, datetime(2022, 9, 24, 0, 0)), name
