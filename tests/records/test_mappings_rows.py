"""Rows read through a mapping: the dates UK trackers write with dashes, dots and month names, and rows that are not
cases (a totals row, a note) refused where they are, the rest read.

Outcomes worked by hand: 30 working days from Tuesday 3 December 2024 (Christmas Day, Boxing Day and New Year's
Day out) is Friday 17 January 2025; 70 is Friday 14 March 2025.
"""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, datetime

import pytest

from compliance.engines import evaluate
from compliance.records import load_mapped, load_mapping
from compliance.rules import load_rules

from conftest import ROOT

MAPPED = ROOT / "tests" / "data" / "mapped"
TRACKER = MAPPED / "hamley-tracker.csv"
HEADER = TRACKER.read_text(encoding="utf-8").splitlines(keepends=True)[0]
TOTALS = ("this row has an id ('Total') but no dates or attributes: nothing else this mapping reads is filled in, so "
          "it is not a record (a totals or notes row?)")
NOT_YET = "leave the cell blank if it has not happened yet, or write unknown if it happened on a day not known"


@pytest.fixture(scope="module")
def mapping():
    return load_mapping(MAPPED / "hamley-inspections.yaml")


def test_a_tracker_of_dashes_dots_and_month_names_is_read_day_first_and_its_slips_located(mapping):
    records, problems = load_mapped([TRACKER], mapping)
    assert [r.id for r in records] == ["ham-2024-ilacs", "ham-2025-ilacs"]  # dates or not, a framework is a case
    first = records[0]
    assert {k: v for k, v in first.events.items() if v} == {
        "inspection_end": (date(2024, 11, 22),), "report_received": (date(2024, 12, 3),),
        "report_published": (date(2025, 1, 14),), "statement_published": (date(2025, 3, 10),),
        "action_plan_sent": (date(2025, 3, 10),)}
    found = {(f.rule, f.status, f.deadline) for f in evaluate([first], load_rules(), date(2026, 12, 1))
             if f.rule.startswith("la-")}
    assert found == {("la-publish-report", "met", date(2025, 1, 17)),
                     ("la-publish-statement", "met", date(2025, 3, 14)),
                     ("la-send-action-plan", "met", date(2025, 3, 14))}
    hint = "this mapping reads dates as DD/MM/YYYY or YYYY-MM-DD"
    assert [(p.line, p.column, p.field, p.message, p.hint) for p in problems] == [
        (4, 5, "Date final report received",
         "'3-Dec-23' is not a date: give the year in full, 3-Dec-YYYY (3-Dec-2023, if 2023 is meant)", hint),
        (5, 4, "Inspection end date", f"'TBC' is not a date: {NOT_YET}", hint),
        (6, 1, "Ref", "the record id needs 'Ref', which is empty", "every record needs the fields its id is made of"),
        (7, 1, "Ref", TOTALS, "delete the row if it is not a case, or fill in its dates"),
    ]
    assert all(p.file == str(TRACKER) and not p.warning for p in problems)


@pytest.mark.parametrize("cell, read", [
    ("12/03/2024", date(2024, 12, 3)),  # its own format: month first
    ("2024/12/03", date(2024, 12, 3)),  # the year first: the month is second, whoever wrote it
    ("2024-12-03", date(2024, 12, 3)),
    ("3-Dec-2024", date(2024, 12, 3)),  # the month named
    ("03-12-2024", None),  # day first or month first cannot be told: never read day first here
    ("03.12.2024", None),
    ("3.12.2024", None),
    ("03-12-2024 09:30", None),
    ("12-03-2024", None),  # nor month first with a separator the format does not give
])
def test_a_mapping_that_puts_the_month_first_reads_no_date_day_first_whatever_its_separator(tmp_path, cell, read):
    path = tmp_path / "us.yaml"
    path.write_text((MAPPED / "hamley-inspections.yaml").read_text(encoding="utf-8")
                    .replace('["%d/%m/%Y", "%Y-%m-%d"]', '["%m/%d/%Y"]'), encoding="utf-8")
    extract = tmp_path / "tracker.csv"
    extract.write_text(HEADER + f"x1,,ILACS,,{cell},,,,\n", encoding="utf-8")
    records, problems = load_mapped([extract], load_mapping(path))
    if read is None:
        assert records == []
        assert [(p.line, p.column, p.message, p.hint) for p in problems] == [
            (2, 5, f"{cell!r} is not a date", "this mapping reads dates as MM/DD/YYYY")]
    else:
        assert not problems and records[0].events["report_received"] == (read,)


def test_a_totals_row_in_a_workbook_is_one_located_problem_and_the_rest_are_checked(run_cli, tmp_path):
    """The shape a council's tracker came in: the last row counts the inspections above it."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["ham-2024-ilacs", "inspection", "ILACS", None, datetime(2024, 12, 3), "14-01-2025", None, None,
                  "A Smith"])
    sheet.append(["ham-2018-sif", "inspection", "SIF", None, "2018-03-01", "2018-04-10", None, None, "A Smith"])
    sheet.append(["Total", "2", None, None, None, None, None, None, "A Smith"])
    path = tmp_path / "hamley.xlsx"
    book.save(path)
    mapping = str(MAPPED / "hamley-inspections.yaml")
    code, out, err = run_cli("check", str(path), "--mapping", mapping, "--as-of", "2026-12-01", "--format", "csv")
    assert code == 2
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {row["record"] for row in rows if row["status"] != "unreadable"} == {"ham-2024-ilacs", "ham-2018-sif"}
    assert [row["reason"] for row in rows if row["status"] == "unreadable"] == [
        f"{path}:4:A: Ref: {TOTALS} (delete the row if it is not a case, or fill in its dates)"]
    assert {(row["record"], row["status"]) for row in rows if row["rule"] == "la-publish-report"} == {
        ("ham-2024-ilacs", "met"), ("ham-2018-sif", "met")}
    assert f"{path}:4:A: Ref: this row has an id ('Total') but no dates or attributes" in err
    assert "1 problem(s)" in err
    written = tmp_path / "records.csv"
    code, _, err = run_cli("map", str(path), "--mapping", mapping, "--output", str(written))
    assert code == 2 and "nothing written: 1 row could not be read" in err and not written.exists()
    code, _, err = run_cli("map", str(path), "--mapping", mapping, "--output", str(written), "--skip-bad-rows")
    assert code == 0 and "2 record(s) read" in err
    assert [line.split(",")[0] for line in written.read_text(encoding="utf-8").splitlines()] == [
        "id", "ham-2024-ilacs", "ham-2018-sif"]


TABLES = """\
mapping: hamley-tables
title: Hamley inspections, as tables
format: tables
records:
  - kind: inspection
    table: inspections
    key: ref
    id: "{ref}"
    attributes:
      framework: framework
    events:
      report_received: received
      report_published: published
"""


@pytest.fixture()
def tables_mapping(tmp_path):
    path = tmp_path / "tables.yaml"
    path.write_text(TABLES, encoding="utf-8")
    return load_mapping(path)


ROWS = [("ham-2024-ilacs", "ILACS", "2024-12-03", "2025-01-14"), ("ham-2025-ilacs", "ILACS", None, None),
        ("Total", None, None, None)]


def test_a_system_tables_row_with_only_its_key_is_a_case_with_nothing_recorded(tmp_path, tables_mapping):
    # Totals rows are a spreadsheet's: a row of a system's table (here exported as CSV) with only its key is a case
    # the system holds nothing for, and is judged as one (missing data), never refused.
    table = tmp_path / "inspections.csv"
    table.write_text("ref,framework,received,published\n"
                     + "".join(",".join(v or "" for v in row) + "\n" for row in ROWS), encoding="utf-8")
    records, problems = load_mapped([table], tables_mapping)
    assert [r.id for r in records] == ["ham-2024-ilacs", "ham-2025-ilacs", "Total"] and not problems


def test_a_database_row_with_only_its_key_is_a_case_too(tmp_path, tables_mapping):
    pytest.importorskip("sqlalchemy")
    db = tmp_path / "hamley.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE inspections (ref TEXT PRIMARY KEY, framework TEXT, received TEXT, published TEXT)")
        con.executemany("INSERT INTO inspections VALUES (?, ?, ?, ?)", ROWS)
    con.close()
    records, problems = load_mapped([f"sqlite:///{db}"], tables_mapping, rules=tables_mapping.duties(load_rules()))
    assert sorted(r.id for r in records) == ["Total", "ham-2024-ilacs", "ham-2025-ilacs"] and not problems
