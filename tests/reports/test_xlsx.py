"""Excel output of check, kpi and map: real workbooks, read back by openpyxl and, where installed, LibreOffice."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
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
