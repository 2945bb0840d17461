"""What the commands write, tried as a hostile input or a hurried user would: formulas for `;` locales, control
characters, forged table rows, an enormous id, the rows that could not be read, and --output's extension."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES, ROOT, read_json, referrals_csv

EXAMPLES = str(ROOT / "examples" / "inspections.yaml")
TRACKER = str(FIXTURES / "records" / "tracker.csv")
FORMULA = ("=", "+", "-", "@")


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(text: str) -> list[str]:
    """Cells that a reader splitting lines on "," or on ";" (honouring quotes, as Excel does) would start with a
    formula character, other than numbers."""
    found = []
    for separator in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            for cell in row:
                first = cell.lstrip(" \n")[:1]
                if (first in FORMULA or cell[:1] in ("\t", "\r")) and not _numeric(cell.strip()):
                    found.append(f"{separator!r}: {cell!r}")
    return found


# -- issue 22 point 1: formula injection for ";" locales --------------------------------------------------

HOSTILE = "x;=1+1;y"
# Nothing published since the report came on 3 Dec 2024: overdue by 31 Mar 2025.
HEADER = "id,kind,framework,authority,report_received,report_published,statement_published,action_plan_sent"


def test_no_cell_starts_a_formula_for_a_comma_or_a_semicolon_reader(tmp_path, run_cli):
    """check --format csv, the nightly findings.csv, kpi --format csv and map all go through one CSV writer."""
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(f"{HEADER}\n"
                       f'"{HOSTILE}",inspection,ILACS,"a;@SUM(1)",03/12/2024\n'
                       '"b;+44 20;-1",inspection,ILACS,Northby,03/12/2024\n', encoding="utf-8")
    code, out, err = run_cli("check", str(tracker), "--as-of", "2025-03-31", "--format", "csv")
    assert code == 1, err
    assert "x;'=1+1;y" in {row["record"] for row in csv.DictReader(io.StringIO(out))}  # neutralised, visibly
    assert formula_cells(out) == []
    code, _, err = run_cli("report", str(tracker), "--as-of", "2025-03-31", "--out", str(tmp_path / "out"),
                           "--quiet", "--fail-on", "none")
    assert code == 0, err
    assert formula_cells((tmp_path / "out" / "latest.csv").read_text(encoding="utf-8")) == []

    referrals = tmp_path / "referrals.csv"
    lines = referrals_csv(30)
    lines[1:4] = [line.replace("Assessment North", f'"{HOSTILE}"').replace("Front Door", '"t;@cmd"')
                  for line in lines[1:4]]
    referrals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(referrals), "--as-of", "2024-12-31", "--by", "team", "--format", "csv")
    assert code == 0, err
    assert "x;'=1+1;y" in {row["team"] for row in csv.DictReader(io.StringIO(out))}
    assert formula_cells(out) == []

    extract = tmp_path / "list5.csv"
    rows = (FIXTURES / "casework" / "annex-a-list5.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("NB1001", '"NB1001;=HYPERLINK(1)"').replace("CP East", '"CP;-East"')
    extract.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run_cli("map", str(extract), "--mapping", "annex-a-list5", "--skip-bad-rows")
    assert code == 0 and err.count("error: ") == 2, err  # the fixture's two bad rows; the rest are written
    assert formula_cells(out) == []
    assert any(cell.startswith("NB1001;'=HYPERLINK(1)") for row in csv.reader(io.StringIO(out)) for cell in row)


def test_records_map_writes_are_checked_with_the_ids_and_values_they_were_written_from(tmp_path, run_cli):
    # map guards a cell that starts a formula with a ' (-HAM-1 written '-HAM-1); check took the ' as part of the id,
    # so a case had one id through the mapping and another through map's records. In CSV and in a workbook.
    tracker = tmp_path / "tracker.csv"
    shutil.copy(ROOT / "examples" / "own-columns.csv", tracker)
    header = tracker.read_text(encoding="utf-8").splitlines()[0]
    tracker.write_text(header + "\n-HAM-1,x;=1+1,ILACS,,03/12/2024,,,,\n+HAM-2,'@x,ILACS,,03/12/2024,,,,\n",
                       encoding="utf-8")
    mapping = str(ROOT / "examples" / "own-columns.yaml")
    code, direct, err = run_cli("check", str(tracker), "--mapping", mapping, "--as-of", "2024-12-10", "--format",
                                "json", "--all")
    assert code == 0, err
    for name in ("records.csv", "records.xlsx"):
        code, _, err = run_cli("map", str(tracker), "--mapping", mapping, "--output", str(tmp_path / name))
        assert code == 0, err
        code, mapped, err = run_cli("check", str(tmp_path / name), "--as-of", "2024-12-10", "--format", "json", "--all")
        assert code == 0, err
        assert {(f["record"], f["attributes"]["authority"]) for f in json.loads(mapped)["findings"]} == {
            (f["record"], f["attributes"]["authority"]) for f in json.loads(direct)["findings"]} == {
            ("-HAM-1", "x;=1+1"), ("+HAM-2", "'@x")}


# -- issue 22 point 2: control characters -------------------------------------------------------------------

CONTROL_ID = "r\x1b]0;owned\x07\x1b]52;c;cm0gLXJm\x07\x9b31m"
RAW = ("\x1b", "\x07", "\x9b")


@pytest.fixture
def controlled(tmp_path):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(f"{HEADER}\n"
                       f'"{CONTROL_ID}",inspection,ILACS,"Nor\x1bthby\x9b",03/12/2024\n', encoding="utf-8")
    return tracker


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "table"])
def test_control_characters_never_reach_a_terminal_raw(controlled, run_cli, fmt):
    code, out, err = run_cli("check", str(controlled), "--as-of", "2025-03-31", "--format", fmt)
    assert code == 1, err
    assert not any(c in out for c in RAW), out
    if fmt == "json":  # the original is still there, as JSON's own escapes
        assert {f["record"] for f in json.loads(out)["findings"]} == {CONTROL_ID}
    elif fmt == "md":  # a space for each, as for a line break: a Markdown line stays one line
        assert "r \\]0;owned \\]52;c;cm0gLXJm 31m" in out
    else:
        assert "\\x1b]0;owned\\x07" in out


def test_control_characters_in_every_workbook_are_escaped_not_a_crash(controlled, tmp_path, run_cli):
    code, _, err = run_cli("check", str(controlled), "--as-of", "2025-03-31", "--output", str(tmp_path / "c.xlsx"))
    assert code == 1, err
    ids = {row[1] for row in openpyxl.load_workbook(tmp_path / "c.xlsx")["Findings"].iter_rows(min_row=2,
                                                                                              values_only=True)}
    assert ids == {"r\\x1b]0;owned\\x07\\x1b]52;c;cm0gLXJm\\x07\\x9b31m"}

    referrals = tmp_path / "referrals.csv"
    lines = referrals_csv(10)
    lines[1:] = [line.replace("Assessment North", "North\x1b[2J\x07\x9b") for line in lines[1:]]
    referrals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("kpi", str(referrals), "--as-of", "2024-12-31", "--by", "team",
                           "--output", str(tmp_path / "k.xlsx"))
    assert code == 0, err
    teams = {row[2] for row in openpyxl.load_workbook(tmp_path / "k.xlsx")["KPIs"].iter_rows(min_row=2,
                                                                                             values_only=True)}
    assert "North\\x1b[2J\\x07\\x9b" in teams
    code, out, err = run_cli("kpi", str(referrals), "--as-of", "2024-12-31", "--by", "team", "--format", "json")
    assert code == 0 and not any(c in out for c in RAW), err
    assert "North\x1b[2J\x07\x9b" in {row["team"] for row in json.loads(out)["rows"]}

    extract = tmp_path / "list5.csv"
    rows = (FIXTURES / "casework" / "annex-a-list5.csv").read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1].replace("NB1001", "NB\x1b1001\x9b")
    extract.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run_cli("map", str(extract), "--mapping", "annex-a-list5", "--output", str(tmp_path / "m.xlsx"),
                           "--skip-bad-rows")
    assert code == 0 and err.count("error: ") == 2, err
    sheet = openpyxl.load_workbook(tmp_path / "m.xlsx")["Records"]
    assert any(str(row[0]).startswith("NB\\x1b1001\\x9b") for row in sheet.iter_rows(min_row=2, values_only=True))


# -- issue 22 point 3: a line break cannot forge a row of the table ------------------------------------------

def test_a_line_break_in_a_value_cannot_draw_a_row_of_the_table(tmp_path, run_cli):
    forged = "x\nMET      forged-record  la-publish-report  1  2024-12-03  2025-01-17  2025-01-10  on time"
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(f"{HEADER}\n"
                       "real,inspection,ILACS,Northby,03/12/2024\n"
                       f'"{forged}",inspection,ILACS,Northby,03/12/2024\n', encoding="utf-8")
    _, out, _ = run_cli("check", str(tracker), "--as-of", "2025-03-31")
    rows = [line for line in out.splitlines() if line.split(" ")[0] in ("OVERDUE", "LATE", "DUE", "MET")]
    assert rows and all(line.split()[1] in ("real", "x\\nMET") for line in rows), out
    assert "forged-record" not in out or "x\\nMET      forged-record" in out


# -- issue 22 point 10: an enormous id is cut in the table, whole elsewhere ----------------------------------

def test_an_enormous_id_is_cut_in_the_table_and_whole_in_json(tmp_path, run_cli):
    huge = "h" * 1_000  # the longest an id may be (records/_record.ID_LIMIT)
    lines = [HEADER] + [f"r{n},inspection,ILACS,Northby,03/12/2024" for n in range(50)]
    lines.insert(26, f"{huge},inspection,ILACS,Northby,03/12/2024")
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tracker), "--as-of", "2025-03-31")
    assert code == 1, err
    assert len(out) < 30_000  # 153 rows of about a hundred characters, not 153 padded to a thousand
    assert "h" * 59 + "…" in out and "h" * 61 not in out
    assert "cut here; the other formats hold it whole" in out
    _, out, _ = run_cli("check", str(tracker), "--as-of", "2025-03-31", "--format", "json")
    assert huge in {f["record"] for f in json.loads(out)["findings"]}


def test_an_enormous_team_is_cut_in_kpis_table_and_whole_in_its_csv_and_json(tmp_path, run_cli):
    huge = "T" * 1_000_000  # under a CSV cell's limit (1,048,576): it printed 7 MB, every row padded to it
    tracker = tmp_path / "referrals.csv"
    tracker.write_text("id,kind,team,referral,referral_decision\n"
                       f"r0,referral,{huge},03/12/2024,\n"
                       "r1,referral,Small,03/12/2024,\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(tracker), "--as-of", "2024-12-10", "--by", "team")
    assert code == 0, err
    assert len(out) < 10_000
    assert "T" * 59 + "…" in out and "T" * 60 not in out
    assert "… a value longer than 60 characters is cut here; the other formats hold it whole." in out
    _, out, _ = run_cli("kpi", str(tracker), "--as-of", "2024-12-10", "--by", "team", "--format", "json")
    assert huge in {row["team"] for row in json.loads(out)["rows"]}
    _, out, _ = run_cli("kpi", str(tracker), "--as-of", "2024-12-10", "--by", "team", "--format", "csv")
    assert huge in {row["team"] for row in csv.DictReader(io.StringIO(out))}


# -- issue 19 point 1: nothing vanishes from the files people receive ---------------------------------------

def test_the_rows_not_read_are_in_every_format_check_writes(tmp_path, run_cli):
    where = {f"{TRACKER}:5:6", f"{TRACKER}:6:4"}
    _, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--format", "json")
    problems = json.loads(out)["problems"]
    assert {f"{p['file']}:{p['row']}:{p['column']}" for p in problems} == where
    assert {p["field"] for p in problems} == {"report_received", "framework"} and all(p["hint"] for p in problems)
    _, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--format", "csv")
    unread = [row for row in csv.DictReader(io.StringIO(out)) if row["status"] == "unreadable"]
    assert {row["reason"].rsplit(":", maxsplit=2)[0] for row in unread} >= set()
    assert len(unread) == 2 and all(any(w + ":" in row["reason"] for w in where) for row in unread)
    assert out.splitlines()[1].split(",")[4] == "unreadable"  # first, where a spreadsheet user looks
    _, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--format", "md")
    assert "\n\n3 records checked.\n\n## 2 rows could not be read" in out
    assert all(w.replace("_", "\\_") in out for w in where)
    code, _, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--output", str(tmp_path / "f.xlsx"))
    assert code == 2
    book = openpyxl.load_workbook(tmp_path / "f.xlsx")
    assert book.sheetnames == ["Findings", "Summary", "Problems"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Records checked"] == 3  # the tracker's 5 rows, less the 2 not read
    assert summary["Rows not read"] == "2 rows could not be read: see the Problems sheet"
    assert [row[:3] for row in book["Problems"].iter_rows(min_row=2, values_only=True)] == [
        (TRACKER, 5, 6), (TRACKER, 6, 4)]
    run_cli("check", TRACKER, "--as-of", "2026-11-20", "--output", str(tmp_path / "f.parquet"))
    table = pq.read_table(tmp_path / "f.parquet")
    assert table.column("status").to_pylist()[:2] == ["unreadable", "unreadable"]
    assert len(json.loads(pq.read_metadata(tmp_path / "f.parquet").metadata[b"problems"])) == 2
    # The table, on the terminal and saved: the rows themselves go to stderr, so the table says how many there are
    # under its counts, beside the records it checked (the 3 other rows), and a file of it never looks like the whole
    # tracker.
    said = ("3 records checked; 2 rows could not be read: their duties are not in this table (each is listed on stderr "
            "with what to correct).")
    code, out, err = run_cli("check", TRACKER, "--as-of", "2026-11-20")
    assert code == 2 and out.splitlines()[1] == said and all(w in err for w in where)
    code, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--output", str(tmp_path / "f.txt"))
    assert code == 2 and out == ""
    assert (tmp_path / "f.txt").read_text(encoding="utf-8").splitlines()[1] == said


def test_the_report_counts_rows_not_problems_and_names_skip_bad_rows(tmp_path, run_cli):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("id,kind,framework,report_received,report_published\n"
                       "good,inspection,ILACS,03/12/2024,\n"
                       "two,inspection,ILAC,31/02/2024,\n"  # two problems in one row
                       "one,inspection,ILACS,2024-13-01,\n", encoding="utf-8")
    code, _, err = run_cli("report", str(tracker), "--as-of", "2025-03-31", "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.splitlines()[-1].startswith("compliance: error: 2 rows could not be read: nothing was reported")
    assert "--skip-bad-rows" in err.splitlines()[-1]
    code, _, err = run_cli("report", str(tracker), "--as-of", "2025-03-31", "--out", str(tmp_path / "out"),
                           "--skip-bad-rows", "--quiet", "--fail-on", "none")
    assert code == 0, err
    html = (tmp_path / "out" / "latest.html").read_text(encoding="utf-8")
    assert "2 bad rows were skipped" in html and "3 bad rows" not in html
    assert "**2 bad rows were skipped**" in (tmp_path / "out" / "latest.md").read_text(encoding="utf-8")
    data = read_json(tmp_path / "out" / "latest.json.gz")
    assert len(data["problems"]) == 3 and len(data["report"]["skipped_rows"]) == 2

    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "latest.csv").read_text(encoding="utf-8"))))
    assert sum(row["status"] == "unreadable" for row in rows) == 3


# -- issue 19 point 3: --output says the format ---------------------------------------------------------------

@pytest.mark.parametrize("name, check", [
    ("f.xlsx", lambda p: zipfile.is_zipfile(p) and openpyxl.load_workbook(p).sheetnames[0] == "Findings"),
    ("f.csv", lambda p: p.read_text().startswith("record,rule,")),
    ("f.json", lambda p: json.loads(p.read_text())["as_of"] == "2026-11-20"),
    ("f.md", lambda p: p.read_text().startswith("# Compliance as of 2026-11-20")),
    ("f.parquet", lambda p: pq.read_table(p).num_rows > 0),
    ("f.txt", lambda p: p.read_text().startswith("Compliance as of 2026-11-20:")),
])
def test_check_takes_the_format_from_the_output_file(tmp_path, run_cli, name, check):
    code, _, err = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--output", str(tmp_path / name))
    assert code == 1, err
    assert check(tmp_path / name)


def test_a_file_stopped_by_its_header_counts_as_all_its_rows_in_the_banner(tmp_path, run_cli):
    # Three columns for people not marked with #: the whole file is refused. Its two inspections, one overdue, are
    # two rows not read, not "1 bad row"; with only that file, there is nothing to report, and the message says why.
    good = tmp_path / "good.csv"
    good.write_text("id,kind,framework,report_received,report_published\ng1,inspection,ILACS,03/12/2024,"
                    "14/01/2025\n", encoding="utf-8")
    extra = tmp_path / "extra.csv"
    extra.write_text("id,kind,framework,report_received,Lead officer,RAG\n"
                     "e1,inspection,ILACS,03/12/2024,A Smith,Green\ne2,inspection,ILACS,03/11/2025,B Jones,Red\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(good), str(extra), "--as-of", "2026-12-01", "--out", str(out),
                           "--skip-bad-rows", "--quiet", "--fail-on", "none")
    assert code == 0, err
    assert "**2 bad rows were skipped**" in (out / "latest.md").read_text(encoding="utf-8")
    assert read_json(out / "latest.json.gz")["report"]["rows_skipped"] == 2
    code, _, err = run_cli("report", str(extra), "--as-of", "2026-12-01", "--out", str(tmp_path / "other"),
                           "--skip-bad-rows", "--quiet")
    assert code == 2 and "no records to report on: 2 rows could not be read" in err


def test_a_format_the_output_file_contradicts_is_refused_in_one_line(tmp_path, run_cli):
    for args in (("check", EXAMPLES, "--format", "csv", "--output", str(tmp_path / "x.xlsx")),
                 ("check", EXAMPLES, "--output", str(tmp_path / "x.ics")),
                 ("kpi", str(FIXTURES / "casework" / "kpi-cases.yaml"), "--format", "json", "--output",
                  str(tmp_path / "x.csv")),
                 ("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5",
                  "--output", str(tmp_path / "x.json")),
                 ("plan", "inspection", "report_received=03/12/2024", "--format", "md", "--output",
                  str(tmp_path / "x.ics"))):
        code, out, err = run_cli(*args)
        assert (code, out) == (2, ""), args
        assert len(err.splitlines()) == 1 and err.startswith("compliance: error: "), err
    assert list(tmp_path.iterdir()) == []
    code, _, err = run_cli("check", EXAMPLES, "--format", "csv", "--output", str(tmp_path / "x.xlsx"))
    assert "--format csv contradicts --output" in err and "x.xlsx" in err


def test_a_file_named_for_a_format_never_written_is_refused_not_filled_with_the_table(tmp_path, run_cli):
    # findings.xls held the text table, which Excel opens with a warning as one column: refused as .ics is, naming
    # the endings each command writes; .txt, or a name of no known format, is the table.
    for command, name in ((("check", EXAMPLES), "findings.xls"), (("kpi", str(FIXTURES / "casework" /
                                                                          "kpi-cases.yaml")), "k.html"),
                          (("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5"),
                           "r.tsv")):
        code, out, err = run_cli(*command, "--output", str(tmp_path / name))
        assert (code, out) == (2, ""), err
        assert err.startswith(f"compliance: error: output: this command writes no {Path(name).suffix} file ("), err
        assert (", or .txt for the table" in err) is (command[0] != "map"), err
    assert list(tmp_path.iterdir()) == []
    code, _, err = run_cli("check", EXAMPLES, "--as-of", "2025-01-10", "--output", str(tmp_path / "findings.txt"))
    assert code in (0, 1) and (tmp_path / "findings.txt").read_text().startswith("Compliance as of 2025-01-10")


def test_kpi_map_and_plan_take_the_format_from_the_output_file_too(tmp_path, run_cli):
    code, _, err = run_cli("kpi", str(FIXTURES / "casework" / "kpi-cases.yaml"), "--as-of", "2022-12-31",
                           "--output", str(tmp_path / "k.xlsx"))
    assert code == 0, err
    assert openpyxl.load_workbook(tmp_path / "k.xlsx").sheetnames == ["KPIs", "Summary"]
    code, _, err = run_cli("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5",
                           "--output", str(tmp_path / "r.xlsx"), "--skip-bad-rows")
    assert code == 0 and err.count("error: ") == 2, err
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Records"
    run_cli("plan", "inspection", "report_received=03/12/2024", "--output", str(tmp_path / "p.ics"))
    assert (tmp_path / "p.ics").read_text().startswith("BEGIN:VCALENDAR")


@pytest.mark.parametrize("command", [("check", TRACKER), ("kpi", str(FIXTURES / "casework" / "kpi-cases.yaml")),
                                     ("map", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping",
                                      "annex-a-list5"),
                                     ("track", str(ROOT / "examples" / "inspection-events.csv"))])
def test_output_naming_a_file_the_command_reads_is_refused_and_the_file_kept(tmp_path, run_cli, command):
    """`--output tracker.csv` beside `tracker.csv` (a slip in the first hour) must not replace the tracker."""
    name, source, *rest = command
    given = tmp_path / f"input{source[source.rindex('.'):]}"
    shutil.copyfile(source, given)
    before = given.read_bytes()
    code, out, err = run_cli(name, str(given), *rest, "--output", str(given))
    assert code == 2 and "--output names a file this command reads" in err, err
    assert given.read_bytes() == before


def test_markdown_marks_a_finding_that_rests_on_a_record_to_check(tmp_path, run_cli):
    # An assessment "completed" Tue 10 May 2022 for a referral of Fri 20 May cannot be right: missing data (deadline
    # Tue 26 Jul), and the table's "!" and its note must not be lost in Markdown, where a manager reads it.
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral,referral_nfa,referral_decision,assessment_completed\n"
                    "R5,referral,2022-05-20,false,2022-05-20,2022-05-10\n", encoding="utf-8")
    _, out, _ = run_cli("check", str(path), "--as-of", "2022-12-01", "--format", "md")
    row = next(line for line in out.splitlines() if "assessment-45wd |" in line)
    assert row.startswith("| MISSING DATA ! | R5 |") and "Check the record: assessment\\_completed on 2022-05-10" in row


def test_a_duty_that_ended_unmet_is_a_breach_on_record_not_an_action(tmp_path, run_cli):
    # The LSCB never published its 2015 review (due Thu 30 Jul 2015) and the Boards were gone by Sun 29 Sep 2019:
    # overdue 1,522 days when it ended. A 2026 report still due to be published is the one thing to act on.
    records = tmp_path / "inspections.yaml"
    records.write_text(
        "records:\n"
        "  - id: county-2015-sif\n    kind: inspection\n    attributes: {framework: SIF, lscb_review: true}\n"
        "    events: {lscb_report_received: 2015-06-18, report_received: 2015-06-18, report_published: 2015-07-10,\n"
        "             statement_published: 2015-09-10, action_plan_sent: 2015-09-10}\n"
        "  - id: city-2026-ilacs\n    kind: inspection\n    attributes: {framework: ILACS}\n"
        "    events: {report_received: 2026-09-01}\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(records), "--as-of", "2026-11-20", "--out", str(out), "--quiet")
    assert code == 1, err  # a breach is a breach: --fail-on overdue
    rows = list(csv.DictReader(io.StringIO((out / "latest.csv").read_text(encoding="utf-8"))))
    lscb = next(r for r in rows if r["rule"] == "lscb-publish-report")
    assert (lscb["status"], lscb["ended_on"], lscb["days_late"]) == ("overdue", "2019-09-29", "1522")
    page = (out / "latest.md").read_text(encoding="utf-8")
    to_do = page.split("## What to do")[1].split("\n## ")[0]
    assert "city-2026-ilacs" in to_do and "county-2015-sif" not in to_do
    assert "county-2015-sif" not in (out / "latest.ics").read_text(encoding="utf-8")
    _, text, _ = run_cli("check", str(records), "--as-of", "2026-11-20", "--format", "json")
    found = {f["rule"]: f for f in json.loads(text)["findings"] if f["record"] == "county-2015-sif"}
    assert found["lscb-publish-report"]["ended_on"] == "2019-09-29"
