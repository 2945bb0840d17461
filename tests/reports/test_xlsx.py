"""Excel output of check, kpi and map: real workbooks, read back by openpyxl and, where installed, LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import pickle
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from compliance.reports import spreadsheet_safe
from conftest import FIXTURES, ROOT

EXAMPLES = str(ROOT / "examples" / "inspections.yaml")
CASEWORK = FIXTURES / "casework"


@pytest.mark.parametrize("text", ["=1+2", "+44 20 7946 0000", "-5", "@SUM(A1)", "\tx",
                                  "=HYPERLINK(\"http://x\",\"click\")", " =after a space", "\n @after a break"])
def test_text_a_spreadsheet_would_run_is_neutralised(text):
    assert spreadsheet_safe(text) == "'" + text


def test_a_control_character_is_written_as_its_escape_so_no_formula_or_terminal_sees_it():
    assert spreadsheet_safe("\rx") == "\\x0dx"
    assert spreadsheet_safe("a\x1b]0;title\x07\x9bz") == "a\\x1b]0;title\\x07\\x9bz"


@pytest.mark.parametrize("value", ["Northby", "", "2025-01-17", "x =not first", 5, -5, 1.5, None,
                                   date(2025, 1, 17)])
def test_everything_else_is_left_as_it_is(value):
    assert spreadsheet_safe(value) == value


def _check_xlsx(run_cli, tmp_path, *args):
    path = tmp_path / "findings.xlsx"
    code, out, err = run_cli("check", *args, "--format", "xlsx", "--output", str(path))
    return code, out, err, path


def test_check_writes_findings_with_date_cells_colours_filters_and_a_summary(run_cli, tmp_path):
    code, out, err, path = _check_xlsx(run_cli, tmp_path, EXAMPLES, "--as-of", "2026-11-20")
    assert code == 1 and out == "" and err == ""
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Findings", "Summary"]
    sheet = book["Findings"]
    header = [c.value for c in sheet[1]]
    assert header[:11] == ["Status", "Record", "Rule", "Duty", "#", "Trigger event", "Trigger date", "Deadline",
                           "Completion event", "Done", "Margin"]
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == f"A1:AA{sheet.max_row}"
    rows = list(sheet.iter_rows(min_row=2))
    col = {name: i for i, name in enumerate(header)}
    # example-heath received its report on Mon 1 Jun 2026; 70 working days (the summer bank holiday, 31 Aug,
    # skipped) end Tue 8 Sep 2026. No statement was published by Fri 20 Nov 2026.
    heath = next(r for r in rows if r[col["Record"]].value == "example-heath-2026-ilacs"
                 and r[col["Rule"]].value == "la-publish-statement")
    assert heath[col["Status"]].value == "Overdue"
    assert heath[col["Deadline"]].value == datetime(2026, 9, 8)  # a date cell, not text
    assert heath[col["Deadline"]].number_format == "DD/MM/YYYY"
    assert heath[col["Trigger date"]].value == datetime(2026, 6, 1)
    assert heath[col["Status"]].fill.fgColor.rgb.endswith("F4CCCC")
    working = heath[col["Working"]]
    assert working.alignment.wrap_text and "The 70th working day after Mon 01 Jun 2026 is Tue 08 Sep 2026." in working.value
    assert [r[col["Status"]].value for r in rows][0] == "Overdue"
    statuses = {r[col["Status"]].value for r in rows}
    assert statuses <= {"Overdue", "Late", "Due", "Met", "Missing data", "Not applicable"}
    # The summary counts what the JSON output counts.
    code, out, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json")
    summary = json.loads(out)["summary"]
    values = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert values["As of"] == datetime(2026, 11, 20)
    names = {"overdue": "Overdue", "late": "Late", "due": "Due", "met": "Met", "missing_data": "Missing data",
             "not_applicable": "Not applicable"}
    assert {names[s]: n for s, n in summary.items()} == {k: values[k] for k in names.values()}
    assert values["Total"] == sum(summary.values())
    assert len(rows) == values["Total"] - values["Not applicable"]  # counted, listed only with --all
    assert values["Rows not read"] == "none"
    assert values["Record files"] == EXAMPLES and values["Rule files"].endswith("casework.yaml")


def test_text_that_would_run_as_a_formula_is_neutralised_in_every_cell(run_cli, tmp_path):
    records = tmp_path / "tracker.csv"
    records.write_text("id,kind,framework,authority,report_received\n"
                       "=HYPERLINK(\"http://evil\"),inspection,ILACS,@SUM(1),2024-12-03\n"
                       "-1+1,inspection,ILACS,+Northby,2024-12-03\n", encoding="utf-8")
    code, _, err, path = _check_xlsx(run_cli, tmp_path, str(records), "--as-of", "2024-12-10")
    assert code == 0, err
    sheet = openpyxl.load_workbook(path)["Findings"]
    ids = {c.value for c in sheet["B"][1:]}
    assert ids == {"'=HYPERLINK(\"http://evil\")", "'-1+1"}
    assert all(c.data_type == "s" for row in sheet.iter_rows() for c in row if c.value is not None
               and not isinstance(c.value, (int, float, datetime)))


def test_a_workbook_is_never_written_to_the_terminal(run_cli):
    for command in (("check", EXAMPLES), ("kpi", str(CASEWORK / "kpi-cases.yaml")),
                    ("map", str(CASEWORK / "annex-a-list5.csv"), "--mapping", "annex-a-list5")):
        code, out, err = run_cli(*command, "--format", "xlsx")
        assert (code, out) == (2, "")
        assert err == "compliance: error: format: an Excel workbook cannot be shown in the terminal " \
                      "(give --output FILE.xlsx)\n"



def test_a_sheet_of_more_rows_than_excel_holds_is_refused_not_written_cut():
    """Excel's last row is 1,048,576: a workbook with more findings opened only after "We found a problem with some
    content", the rows past it gone."""
    from compliance.errors import InputError
    from compliance.reports._xlsx import FINDING_COLUMNS, _book, _finding_cells, _rendered_sheet

    def sheet(count: int) -> None:
        _rendered_sheet(_book(), "Findings", FINDING_COLUMNS, _finding_cells(), 0, lambda: iter(()), count, "C2")

    sheet(1_048_575)  # and the header: the last row
    with pytest.raises(InputError) as exc:
        sheet(1_048_576)
    assert str(exc.value) == ("1,048,576 rows for the Findings sheet, more than a workbook's sheet holds (1,048,575 "
                              "under its header): no workbook was written (write a CSV file instead, an --output "
                              "ending .csv, which holds any number)")


def test_check_kpi_and_map_write_no_workbook_a_sheet_cannot_hold(run_cli, tmp_path, monkeypatch):
    monkeypatch.setattr("compliance.reports._xlsx.SHEET_ROWS", 2)  # the header and one row
    for command in (("check", EXAMPLES), ("kpi", str(CASEWORK / "kpi-cases.yaml")),  # 43 findings, 2 KPI rows
                    ("map", str(CASEWORK / "annex-a-list5.csv"), "--mapping", "annex-a-list5", "--skip-bad-rows")):
        path = tmp_path / "out.xlsx"
        code, out, err = run_cli(*command, "--output", str(path))
        assert (code, out) == (2, "") and "more than a workbook's sheet holds (1 under its header)" in err, err
        assert not path.exists()


def test_kpi_workbook_has_the_csv_numbers_with_shares_and_months_as_numbers_and_dates(run_cli, tmp_path):
    path = tmp_path / "kpi.xlsx"
    args = ("kpi", str(CASEWORK / "kpi-cases.yaml"), "--as-of", "2022-12-31", "--by", "month")
    code, _, _ = run_cli(*args, "--format", "xlsx", "--output", str(path))
    assert code == 0
    _, text, _ = run_cli(*args, "--format", "csv")
    expected = list(csv.DictReader(io.StringIO(text)))
    sheet = openpyxl.load_workbook(path)["KPIs"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["Rule", "Duty", "Month (deadline)", "In time"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected):
        assert row[0].value == want["rule"]
        month = row[2].value
        if want["month"] == "(none)":
            assert month == "(none)"
        else:
            assert isinstance(month, datetime) and f"{month:%Y-%m}" == want["month"]
            assert row[2].number_format == "MMM YYYY"
        share = row[3].value
        if want["in_time_percent"]:
            assert row[3].number_format == "0.0%" and round(100 * share, 1) == float(want["in_time_percent"])
        assert [c.value for c in row[4:9]] == [int(want[k]) for k in ("decided", "met", "late", "overdue", "due")]
    assert openpyxl.load_workbook(path).sheetnames == ["KPIs", "Summary"]


def test_kpi_workbook_accounts_for_every_record_as_the_csv_does(run_cli, tmp_path):
    path = tmp_path / "kpi.xlsx"
    args = ("kpi", str(CASEWORK / "kpi-cases.yaml"), "--as-of", "2022-12-31")
    code, _, _ = run_cli(*args, "--output", str(path))
    assert code == 0
    _, text, _ = run_cli(*args, "--format", "json")
    expected = json.loads(text)
    book = openpyxl.load_workbook(path)
    sheet = book["KPIs"]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Not applicable", "Records"]
    got = [(r[0], r[-2], r[-1]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [(r["rule"], r["not_applicable"], r["records"]) for r in expected["rows"]]
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True) if r and r[0]}
    read = expected["records_read"]
    assert summary["Records read"] == f"{sum(read.values())} (" + ", ".join(f"{k} {n}" for k, n in read.items()) + ")"


def test_mapped_records_in_a_workbook_read_back_as_they_do_from_csv(run_cli, tmp_path):
    census = str(CASEWORK / "cin-census.xml")
    as_csv, as_xlsx = tmp_path / "records.csv", tmp_path / "records.xlsx"
    run_cli("map", census, "--mapping", "cin-census", "--output", str(as_csv), "--skip-bad-rows")
    code, _, err = run_cli("map", census, "--mapping", "cin-census", "--format", "xlsx", "--output", str(as_xlsx),
                           "--skip-bad-rows")
    assert code == 0 and "not a date" in err  # the fixture's one bad date; the rest is written
    sheet = openpyxl.load_workbook(as_xlsx)["Records"]
    header = [c.value for c in sheet[1]]
    plan = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "NB2001-CPP-2022-06-16")
    assert plan[header.index("rcpc")] == "15/09/2022; 01/03/2023"  # a repeating event: dates as text
    assert plan[header.index("cp_plan_start")] == datetime(2022, 6, 16)
    assert plan[header.index("cp_plan")] == "yes"

    def findings(path):
        _, out, _ = run_cli("check", str(path), "--as-of", "2023-03-31", "--format", "json")
        return sorted((f["record"], f["rule"], f["occurrence"], f["status"], f.get("deadline"))
                      for f in json.loads(out)["findings"])

    # Only the duties the census answers: none it cannot (it holds no referral decision, for one).
    assert findings(as_xlsx) == findings(as_csv) and len(findings(as_csv)) == 5


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_findings_workbook(run_cli, tmp_path):
    _, _, _, path = _check_xlsx(run_cli, tmp_path, EXAMPLES, "--as-of", "2026-11-20")
    # The CSV filter's last option writes each cell as shown, so the dates come out in the cells' own format.
    as_shown = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true"
    done = subprocess.run(["soffice", "--headless", "--convert-to", as_shown, "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=180,
                          env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader((tmp_path / "findings.csv").open(encoding="utf-8", errors="replace")))
    assert rows[0][:3] == ["Status", "Record", "Rule"]
    heath = next(r for r in rows if r[1] == "example-heath-2026-ilacs" and r[2] == "la-publish-statement")
    assert heath[0] == "Overdue" and heath[7] == "08/09/2026"  # shown as the date format says


def test_a_fact_a_record_implies_is_written_as_not_given_so_read_back_it_is_still_said_to_be_taken(tmp_path):
    from compliance.records import Record, read_records
    from compliance.reports import records_xlsx

    # Review conferences are held only under a plan: the record gives rcpc and no cp_plan, which is implied.
    record = Record("C1-S47", "child-protection", {}, {"strategy_discussion": [date(2024, 1, 8)],
                                                      "icpc": [date(2024, 1, 26)], "rcpc": [date(2024, 4, 22)]})
    assert record.attributes["cp_plan"] is True and "cp_plan" in record.implied
    path = tmp_path / "records.xlsx"
    path.write_bytes(records_xlsx([record], {"child-protection": {"rcpc"}}, title="Records"))
    header = [c.value for c in openpyxl.load_workbook(path)["Records"][1]]
    assert "cp_plan" not in header
    [again], problems = read_records([path])
    assert problems == [] and again.implied == record.implied and again.attributes == record.attributes


def test_the_duties_measured_on_each_record_are_read_back_none_and_every_duty_included(tmp_path):
    # map writes a kind its extract answers no duty for (the SSD's missing episodes) as measured for none: an empty
    # cell would read back as every duty, and check would find return interviews "missing data" (probe D4).
    from compliance.records import Record, read_records
    from compliance.reports import records_xlsx

    records = [Record("M1", "missing-episode", {}, {"returned_from_missing": [date(2024, 1, 8)]}, measured=frozenset()),
               Record("R1", "referral", {}, {"referral": [date(2024, 1, 8)]}, measured=frozenset({"assessment-45wd"})),
               Record("R2", "referral", {}, {"referral": [date(2024, 1, 9)]})]
    path = tmp_path / "records.xlsx"
    path.write_bytes(records_xlsx(records, {}, title="Records"))
    again, problems = read_records([path])
    assert problems == [] and [r.measured for r in again] == [frozenset(), frozenset({"assessment-45wd"}), None]


# -- the workbook as the openpyxl writer made it (the oracle) -----------------------------------------------------
# tests/fixtures/xlsx/*.xlsx were written by the writer that built every cell with openpyxl (before the data sheets'
# rows were written as XML, for speed): read back, today's workbooks must hold the same values, types and looks.
# Regenerate only on purpose, with a writer you trust: PYTHONPATH=tests python tests/reports/test_xlsx.py --write-oracle

ORACLE = FIXTURES / "xlsx"
_AS_OF = date(2026, 11, 20)
_LONG = "Working line. " * 3000  # 42,000 characters: past Excel's 32,767
_HOSTILE = ["=1+2", "+44 20 7946 0000", "-5", "@SUM(A1)", "\tx", " =after a space", "\rcarriage", "nul\x00byte",
            "esc \x1b[31m red", "bidi \u202e txet", "a & b < c > d \"q\" 'a'", "  leading and trailing  ",
            "Welsh ŵ ŷ, emoji \U0001F600", "line one\nline two\nline three", "x" * 33_000]


def _finding_row(n: int, status: str) -> list:
    """A findings row (finding_values' 27 columns) with values of every kind the writer meets."""
    hostile = _HOSTILE[n % len(_HOSTILE)]
    trigger = date(2024, 1, 1 + n % 28)
    return [status, f"rec-{n:03d}" if n % 3 else hostile, f"rule-{n % 4}", f"Duty {n % 5}: publish it", 1 + n % 3,
            "report_received", trigger if n % 5 else datetime(2024, 1, 2, 14, 30), date(2024, 2, 1 + n % 28),
            "report_published", date(2024, 3, 1) if n % 2 else None, f"{n} working days ({n + 2} days) overdue",
            n if n % 2 else None, -n if n % 4 == 1 else 0, None, n * 1.5 if n % 6 == 0 else None,
            "EIA 2006 s.137(4)" * (1 + n % 3), "primary", hostile if n % 4 == 0 else "",
            "report_published, statement_published", "Check the date\nand the other one" if n % 2 else "",
            "yes" if n % 3 == 0 else "", "", (_LONG if n == 7 else hostile + "\nThe 30th working day. " * (n % 9)),
            date(1900, 1 + n // 14, 1 + n % 28) if n % 7 == 0 else None, n - 3 if n % 7 == 0 else None,
            "System's own note" if n % 7 == 0 else "", "https://www.legislation.gov.uk/uksi/2007/462"]


def _oracle_findings() -> bytes:
    from compliance.errors import Problem
    from compliance.reports._xlsx import findings_workbook

    statuses = ["overdue", "late", "due", "met", "missing_data", "not_applicable"]
    rows = [_finding_row(n, statuses[n % 6]) for n in range(40)]
    problems = [Problem("not a date: =1+2", file="tracker.csv", line=4, column=5, field="report_received",
                        hint="write it as 2024-12-03"),
                Problem("unknown kind \x1b[2J", file="=evil.csv", line=9, column=2, field="kind", hint=None),
                Problem("second problem on the row", file="=evil.csv", line=9, column=3, field="framework"),
                Problem("just a warning", file="tracker.csv", line=11, warning=True)]
    tally = {"overdue": 7, "late": 7, "due": 7, "met": 7, "missing_data": 6, "not_applicable": 12}
    return findings_workbook(rows, tally, _AS_OF, ["calendars/england.yaml (sha256 0123456789ab), holidays 0.60"],
                             rule_files=["rules/inspections.yaml", "@rules.yaml"], record_files=["tracker.csv"],
                             generated_at=datetime(2026, 11, 20, 6, 30, 15, 123), problems=problems, show_all=True)


def _kpi_rows(by_record: bool) -> list:
    from compliance.reports._kpi import KpiRow, KpiRows

    rows = KpiRows()
    for n, month in enumerate(["2024-01", "2024-02", "(none)", "2023-12"]):
        group = (("month", month),) if not by_record else (("authority", f"=Council {n}"),)
        rows.append(KpiRow(f"rule-{n % 2}", f"Duty {n}\nsecond line", group, met=n * 3, late=n, overdue=n % 2,
                           due=2, missing_data=n, approximate=n % 3,
                           not_applicable=n + 1 if by_record else None, records=n * 5 + 4 if by_record else None))
    rows.append(KpiRow("rule-9", "Nothing decided", (("month", "2024-03"),) if not by_record
                       else (("authority", "Northby"),), 0, 0, 0, 1, 0, not_applicable=0 if by_record else None,
                       records=1 if by_record else None))
    if by_record:
        rows.records_read = {"inspection": 29}
    return rows


def _oracle_kpi(by_record: bool) -> bytes:
    from compliance.reports._xlsx import kpi_xlsx

    dimensions = ["authority"] if by_record else ["month"]
    return kpi_xlsx(_kpi_rows(by_record), dimensions, _AS_OF, rule_files=["rules/casework.yaml"],
                    record_files=["kpi-cases.yaml"])


def _oracle_records() -> bytes:
    from compliance.records import Record
    from compliance.reports._xlsx import records_xlsx

    # Read from a source holding these three events (a record that holds any is written with a column for each).
    held = frozenset({"strategy_discussion", "icpc", "rcpc"})
    records = [Record("C1-S47", "child-protection", {}, {"strategy_discussion": (date(2024, 1, 8),),
                                                         "icpc": (date(2024, 1, 26),),
                                                         "rcpc": (date(2024, 4, 22), date(2024, 10, 1))},
                      recorded=held),
               Record("=C2-S47", "child-protection", {"cp_plan": True},
                      {"strategy_discussion": (datetime(2024, 2, 8, 9, 15),), "icpc": (date(2024, 2, 26),)},
                      recorded=held, extract_date=date(2024, 3, 31), measured=frozenset({"icpc", "rcpc"}))]
    return records_xlsx(records, {"child-protection": {"rcpc"}}, title="Records: =title",
                        source_files=["cin.xml"], duties=["icpc", "rcpc"])


ORACLES = {"findings.xlsx": _oracle_findings, "kpi-by-month.xlsx": lambda: _oracle_kpi(False),
           "kpi-by-record.xlsx": lambda: _oracle_kpi(True), "records.xlsx": _oracle_records}


def _described(data: bytes) -> dict:
    """Everything a reader sees in a workbook: sheets, and in each its settings, widths, heights and every cell's value,
    type, number format and look."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    out: dict = {"sheets": book.sheetnames}
    for sheet in book.worksheets:
        setup = sheet.page_setup
        cells = {}
        for row in sheet.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                font, fill, align = c.font, c.fill, c.alignment
                cells[c.coordinate] = (c.value, c.data_type, c.number_format, c.style, font.name, font.sz, font.b,
                                       font.color.rgb if font.color else None, fill.patternType, fill.fgColor.rgb,
                                       align.wrap_text, align.vertical, align.horizontal)
        out[sheet.title] = {
            "freeze": sheet.freeze_panes, "filter": sheet.auto_filter.ref, "titles": sheet.print_title_rows,
            "setup": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                      sheet.sheet_properties.pageSetUpPr.fitToPage),
            "widths": {k: v.width for k, v in sheet.column_dimensions.items()},
            "heights": {k: (v.height, v.customHeight) for k, v in sheet.row_dimensions.items() if v.height},
            "size": (sheet.max_row, sheet.max_column), "cells": cells}
    return out


@pytest.mark.parametrize("name", sorted(ORACLES))
def test_a_workbook_reads_back_as_the_openpyxl_writer_made_it(name):
    got, want = _described(ORACLES[name]()), _described((ORACLE / name).read_bytes())
    assert got["sheets"] == want["sheets"]
    for sheet in want["sheets"]:
        for key in ("freeze", "filter", "titles", "setup", "widths", "heights", "size"):
            assert got[sheet][key] == want[sheet][key], (sheet, key)
        differ = {k: (got[sheet]["cells"].get(k), v) for k, v in want[sheet]["cells"].items()
                  if got[sheet]["cells"].get(k) != v}
        assert not differ, (sheet, list(differ.items())[:3])
        assert got[sheet]["cells"].keys() == want[sheet]["cells"].keys(), sheet


def _sheet_xml(data: bytes, n: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return z.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


def test_findings_written_in_other_processes_make_the_same_workbook():
    """check writes each finding's row in the worker process that found it: the rows of several processes (each
    with its own writer) make the same workbook as rows of plain values written in one."""
    from compliance.reports import _xlsx

    statuses = ["overdue", "late", "due", "met", "missing_data", "not_applicable"]
    values = [_finding_row(n, statuses[n % 6]) for n in range(40)]
    one = _xlsx.findings_workbook(values, {"met": 40}, _AS_OF, [])
    rows = []
    for part in (values[:13], values[13:29], values[29:]):
        _xlsx._FINDING_CELLS = None  # a process of its own
        rows += pickle.loads(pickle.dumps([_xlsx.finding_row(v) for v in part]))
    assert all(isinstance(r, _xlsx.FindingRow) for r in rows)
    assert _sheet_xml(_xlsx.findings_workbook(rows, {"met": 40}, _AS_OF, [])) == _sheet_xml(one)


def test_text_xml_cannot_hold_is_written_as_its_escape_and_the_workbook_opens():
    from compliance.reports._xlsx import findings_workbook

    texts = ["lone \ud800 surrogate", "not a character \ufffe\uffff", "nul\x00 and bell\x07", "#N/A", "   ",
             "\u202eevil.exe", "=cmd|' /C calc'!A0", "<b>&amp;</b>"]
    rows = [["overdue", f"r{n}", "rule", text, 1, "e", None, None, "", None, text] + [None] * 16
            for n, text in enumerate(texts)]
    data = findings_workbook(rows, {"overdue": len(rows)}, _AS_OF, [])
    xml = _sheet_xml(data)
    ET.fromstring(xml.encode("utf-8"))  # well-formed: no character XML cannot hold
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Findings"]
    got = [sheet.cell(row=n + 2, column=4).value for n in range(len(texts))]
    assert got == ["lone \\ud800 surrogate", "not a character \\ufffe\\uffff", "nul\\x00 and bell\\x07", "#N/A",
                   "   ", "\\u202eevil.exe", "'=cmd|' /C calc'!A0", "<b>&amp;</b>"]
    # Text, never an error value or a formula, and spaces kept.
    assert {sheet.cell(row=n + 2, column=4).data_type for n in range(len(texts))} == {"s"}
    assert "<f>" not in xml and 'xml:space="preserve">   <' in xml


@pytest.mark.parametrize("text", ["x" * 40_000, "\U0001F600" * 20_000, "\x1b" * 10_000, "é" * 32_767])
def test_a_cell_never_holds_more_than_excel_can(text):
    from compliance.reports._xlsx import findings_workbook

    row = ["met", "r", "rule", "duty", 1, "e", None, None, "", None, "", None, None, None, None, text] + [None] * 6 \
        + [text] + [None] * 4
    sheet = openpyxl.load_workbook(io.BytesIO(findings_workbook([row], {"met": 1}, _AS_OF, [])))["Findings"]
    for column in (16, 23):  # Citation, Working
        value = sheet.cell(row=2, column=column).value
        assert len(value.encode("utf-16-le")) // 2 <= 32_767
        assert value.startswith(text[:100].replace("\x1b", "\\x1b"))
    assert sheet.row_dimensions[2].height == 409  # Excel's tallest row


def test_dates_are_excel_dates_and_numbers_numbers():
    from compliance.reports._xlsx import findings_workbook

    row = ["due", "r", "rule", "duty", 2, "e", date(1900, 1, 1), date(1900, 3, 1), "", datetime(2026, 11, 20, 17, 45),
           "", 0, -3, 12, 1.5] + [None] * 12
    data = findings_workbook([row], {"due": 1}, _AS_OF, [])
    xml = _sheet_xml(data)
    # Serial numbers, as Excel counts them (1 January 1900 is day 1; 1900's missing 29 February kept).
    assert '<c r="G2" s="' in xml and "<v>1</v>" in xml and "<v>61</v>" in xml and "<v>46346.73958333334</v>" in xml
    cells = openpyxl.load_workbook(io.BytesIO(data))["Findings"][2]
    assert [c.value for c in cells[6:8]] == [datetime(1900, 1, 1), datetime(1900, 3, 1)]
    assert cells[9].value == datetime(2026, 11, 20, 17, 45) and cells[9].number_format == "DD/MM/YYYY HH:MM"
    assert [c.value for c in cells[11:15]] == [0, -3, 12, 1.5] and cells[4].value == 2


def test_rows_shorter_or_longer_than_the_columns_and_values_excel_cannot_hold():
    from compliance.reports._xlsx import Column, _book, _data_sheet, _save  # the data sheet of kpi and map

    book = _book()
    _data_sheet(book, "Data", [Column("a", 10), Column("b", 10, wrap=True)], [["only a"], ["a", "b", "cut"], [],
                                                                               [float("nan"), True]])
    sheet = openpyxl.load_workbook(io.BytesIO(_save(book)))["Data"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == \
        [["only a", None], ["a", "b"], [None, None], [None, True]]
    book = _book()
    with pytest.raises(ValueError, match="Cannot convert"):
        _data_sheet(book, "Data", [Column("a", 10)], [[object()]])


def test_a_sheet_past_the_zip_limit_is_written_with_64_bit_sizes(monkeypatch):
    from compliance.reports import _xlsx_rows

    small = _oracle_findings()
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)  # the Findings sheet's XML is larger
    data = _oracle_findings()
    monkeypatch.undo()
    assert _described(data) == _described(small)
    with pytest.raises(ZeroDivisionError):  # a fault while the rows are written is raised, not left in a thread
        _xlsx_rows.with_rows(small, {"xl/worksheets/sheet1.xml": lambda: (b"<row/>" if n < 5 else 1 / 0
                                                                           for n in range(10))})


def test_a_sheet_compressed_in_pieces_on_several_threads_is_one_deflate_stream_of_every_byte_in_order():
    import zlib

    from compliance.reports import _xlsx_rows

    pieces = [bytes([65 + n % 26]) * (n * 997) + b"<row/>" * n for n in range(40)]
    with _xlsx_rows._Deflating(3) as deflating:
        stream = b"".join(deflating.compress(piece) for piece in pieces) + deflating.flush()
    assert zlib.decompress(stream, -zlib.MAX_WBITS) == b"".join(pieces)
    # Put into a workbook's part by zipfile, which still checks the CRC and sizes of what it was given.
    book = _xlsx_rows.with_rows(_oracle_findings(), {"xl/worksheets/sheet1.xml": lambda: iter(pieces)})
    with zipfile.ZipFile(io.BytesIO(book)) as unzipped:
        assert unzipped.testzip() is None
        assert b"".join(pieces) in unzipped.read("xl/worksheets/sheet1.xml")


def test_a_sheet_written_by_a_thread_while_python_exits_is_written_whole(tmp_path):
    """A library user's thread may still be writing a workbook when the main thread ends: Python then stops every
    pool of threads, and the pieces still to come are compressed in the writing thread (they were refused)."""
    script = tmp_path / "late_writer.py"
    script.write_text(textwrap.dedent("""
        import io, threading, time, zipfile
        from compliance.reports._xlsx_rows import with_rows

        source = io.BytesIO()
        with zipfile.ZipFile(source, "w") as book:
            book.writestr("a.xml", b"<x><sheetData></sheetData></x>")
        started = threading.Event()

        def rows():
            started.set()
            time.sleep(0.5)  # the main thread has ended by now, and Python is exiting
            for n in range(20):
                yield b"<row/>" * 50_000

        def write():
            data = with_rows(source.getvalue(), {"a.xml": rows})
            with zipfile.ZipFile(io.BytesIO(data)) as written:
                assert written.testzip() is None and written.read("a.xml").count(b"<row/>") == 1_000_000
            print("written")

        threading.Thread(target=write).start()
        started.wait()
    """), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout, done.stderr) == (0, "written\n", "")


def test_a_run_of_columns_written_together_is_written_as_each_of_its_cells_and_refuses_what_equality_would_confuse():
    from compliance.reports._xlsx_rows import Cells, Look, SheetColumn, numbered

    cells = Cells([SheetColumn(Look(), Look(), Look())] * 3, together=[(1, 3)])
    styles = cells.styles({look: 1 for look in cells.looks})

    def row(values):
        rendered, _, lines = cells.render(values)
        return b"".join(numbered([(rendered, lines)], styles)).decode()

    assert row(["a", 1, 2]) == ('<row r="2"><c r="A2" s="1" t="inlineStr"><is><t>a</t></is></c>'
                                '<c r="B2" s="1" t="n"><v>1</v></c><c r="C2" s="1" t="n"><v>2</v></c></row>')
    assert row(["a", 1.0, 2]) == row(["a", 1, 2])  # equal, and written alike
    with pytest.raises(ValueError, match="cannot be in a run"):  # True == 1, but is a cell of its own type
        Cells([SheetColumn(Look(), Look(), Look())] * 3, together=[(1, 3)]).render(["a", True, 2])
    with pytest.raises(ValueError, match="runs"):
        Cells([SheetColumn(Look(), Look(), Look())] * 3, together=[(1, 2)])


def test_a_finding_row_holds_nothing_a_run_would_confuse():
    """The Findings sheet's runs of columns compare values by equality: no true or false in a finding's row."""
    from compliance.engines import findings_by_record
    from compliance.records import load_records
    from compliance.reports._xlsx import finding_row_values
    from compliance.rules import load_rules

    rules = load_rules(None)
    records = load_records([EXAMPLES])
    values = [finding_row_values(f) for _, found in findings_by_record(records, rules, date(2026, 11, 20),
                                                                         explain=True) for f in found]
    assert values and not any(type(v) is bool for row in values for v in row)


if __name__ == "__main__" and "--write-oracle" in __import__("sys").argv:
    ORACLE.mkdir(exist_ok=True)
    for name, make in ORACLES.items():
        (ORACLE / name).write_bytes(make())
        print("wrote", ORACLE / name)
