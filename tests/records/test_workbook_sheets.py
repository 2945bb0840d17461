"""Workbooks of several sheets and merged cells: every sheet of records read, each problem naming its sheet; a
merged range read as Excel shows it. Each workbook is built here with openpyxl, as a council's tracker is."""

from __future__ import annotations

from datetime import datetime

from openpyxl import Workbook

from compliance.records import read_records

HEADER = ["id", "kind", "framework", "report_received", "report_published"]


def year_sheets(*years: tuple[str, list[list]], header: list[str] = HEADER) -> Workbook:
    """A tracker of one sheet a year, as councils keep them: each sheet its header row, then its records."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in years:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    return book


THIS_YEAR = ("2025-26", [["ham-2025", "inspection", "ILACS", datetime(2025, 6, 3), datetime(2025, 7, 1)]])
# Received on 3 June 2024 and never published: 30 working days later, 15 July 2024, it was overdue.
LAST_YEAR = ("2024-25", [["ham-2024", "inspection", "ILACS", datetime(2024, 6, 3), None]])


def test_every_sheet_of_records_is_read_and_an_overdue_record_on_the_second_fails_the_run(tmp_path, run_cli):
    """Found by hand: the record on '2024-25' was dropped with a warning, and the run exited 0."""
    path = tmp_path / "tracker.xlsx"
    year_sheets(THIS_YEAR, LAST_YEAR).save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025", "ham-2024"] and problems == []
    assert records[1].events["report_received"][0].isoformat() == "2024-06-03"
    code, out, err = run_cli("check", str(path), "--as-of", "2026-12-01")
    assert code == 1 and err == ""
    assert [line.split()[:3] for line in out.splitlines() if line.startswith(("OVERDUE", "MET"))] == [
        ["OVERDUE", "ham-2024", "la-publish-report"], ["MET", "ham-2025", "la-publish-report"]]


def test_a_problem_on_any_sheet_names_the_sheet_row_and_column(tmp_path):
    bad = ("2024-25", [["ham-2024", "inspection", "ILCAS", "31/02/2024", None],
                       ["ham-2023", "inspection", "ILACS", datetime(2023, 6, 5), datetime(2023, 7, 3)]])
    first = ("2025-26", [["ham-2025", "inspection", "ILACS", "32/06/2025", None]])
    path = tmp_path / "tracker.xlsx"
    year_sheets(first, bad).save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2023"]
    assert [(p.line, p.column, p.field) for p in problems] == [
        (2, "'2025-26'!D", "report_received"), (2, "'2024-25'!C", "framework"), (2, "'2024-25'!D", "report_received")]
    assert str(problems[1]).startswith(f"{path}:2:'2024-25'!C: framework: ")


def test_a_record_id_given_on_two_sheets_is_a_duplicate(tmp_path):
    again = ("2024-25", [["ham-2025", "inspection", "ILACS", datetime(2024, 6, 3), None]])
    path = tmp_path / "tracker.xlsx"
    year_sheets(THIS_YEAR, again).save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025"]
    [duplicate] = problems
    assert (duplicate.line, duplicate.column, duplicate.field) == (2, "'2024-25'", "id")
    assert duplicate.message.startswith("duplicate record id 'ham-2025' (first at ")


def test_a_cover_sheet_first_is_passed_over_and_the_records_on_the_tracker_sheet_read(tmp_path):
    """Found by hand: a 'Read me' sheet first refused the whole file ("the first row names the columns")."""
    book = year_sheets(("Tracker", LAST_YEAR[1] + [["ham-2025", "inspection", "ILACS", "03/10/2025", "nope"]]))
    cover = book.create_sheet("Read me", 0)
    cover["A1"] = "Ofsted inspection tracker. The records are on the Tracker sheet; dates are DD/MM/YYYY."
    cover["A3"] = "Owner: Children's Services performance team"
    book.create_sheet("Blank")
    lists = book.create_sheet("Lists")  # the values of a drop-down list, as the template has
    for value in ("SIF", "ILACS", "JTAI"):
        lists.append([value])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2024"]
    # Not the first sheet: its problems name it, so that nobody looks for row 3 on 'Read me'.
    assert [(p.line, p.column, p.field) for p in problems] == [(3, "Tracker!E", "report_published")]


def test_a_single_sheet_tracker_is_located_as_before(tmp_path):
    book = year_sheets(("Tracker", [["ham-2024", "inspection", "ILACS", "31/02/2024", None]]))
    notes = book.create_sheet("Notes")
    notes.append(["Column", "What it holds"])
    notes.append(["id", "the inspection's own name"])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    _, problems = read_records([path])
    assert [(p.line, p.column) for p in problems] == [(2, "D")]


def test_a_sheet_of_records_with_other_columns_is_an_error_not_a_silent_gap(tmp_path, run_cli):
    path = tmp_path / "tracker.xlsx"
    book = year_sheets(THIS_YEAR)
    older = book.create_sheet("2024-25")
    older.append(["id", "kind", "framework", "report_received", "statement_published", "report_published"])
    older.append(["ham-2024", "inspection", "ILACS", datetime(2024, 6, 3), None, None])
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025"]
    [problem] = problems
    assert not problem.warning and (problem.line, problem.column) == (1, "'2024-25'!E")
    assert problem.message == ("the sheet '2024-25' holds records (its header names id and kind) but was not read: "
                               "its columns are not those of the sheet '2025-26', which is")
    assert "(column E is 'report_published' there, 'statement_published' here)" in problem.hint
    code, _, err = run_cli("check", str(path), "--as-of", "2026-12-01")
    assert code == 2 and "'2024-25'" in err


def test_columns_for_people_may_differ_between_sheets(tmp_path):
    header = HEADER + ["# lead officer"]
    book = year_sheets(("2025-26", [THIS_YEAR[1][0] + ["A Smith"]]), header=header)
    older = book.create_sheet("2024-25")
    older.append(HEADER + ["notes"])
    older.append(LAST_YEAR[1][0] + ["published late: see the board minutes"])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025", "ham-2024"] and problems == []


def test_records_under_title_rows_on_a_later_sheet_are_an_error(tmp_path):
    book = year_sheets(THIS_YEAR)
    older = book.create_sheet("2024-25")
    older.append(["Hamley Borough Council: inspections 2024-25"])
    older.append(HEADER)
    older.append(LAST_YEAR[1][0])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025"]
    [problem] = problems
    assert not problem.warning and (problem.line, problem.column) == (2, "'2024-25'!A")
    assert "row 2 names id and kind" in problem.message


def test_a_mapping_naming_a_sheet_reads_that_sheet_alone(tmp_path):
    from compliance.records._tables import excel_column, table_rows

    path = tmp_path / "tracker.xlsx"
    year_sheets(THIS_YEAR, LAST_YEAR).save(path)
    said = []
    rows = list(table_rows(path, lambda *a, **k: said.append(a), sheet="2024-25"))
    assert [(n, cells[0]) for n, cells, _ in rows] == [(1, "id"), (2, "ham-2024")] and said == []
    assert rows[0][2] is excel_column


def test_a_council_workbook_read_through_a_mapping_reads_each_year_and_refuses_one_headed_otherwise(tmp_path, run_cli):
    # A mapped spreadsheet names no id or kind column: a later year's sheet headed alike is read, and one with a column
    # added (RAG) is an error naming it, not dropped with exit 0 (its inspection, received 3 Nov 2025 and never
    # published, was overdue from Mon 15 Dec 2025).
    head = ["Inspection ref", "Local authority", "Type of inspection", "Priority actions?",
            "Date final report received", "Date report published on website", "Date action plan sent to Ofsted"]
    year1 = ("2024-25", [["HAM-2024-ILACS", "Hamley", "ILACS", None, "03/12/2024", "14/01/2025", "10/03/2025"]])
    year2 = ("2025-26", [["HAM-2025-ILACS", "Hamley", "ILACS", None, "03/11/2025", None, None]])
    mapping = ["--mapping", "examples/own-columns.yaml", "--as-of", "2026-12-01", "--format", "json"]
    alike = tmp_path / "alike.xlsx"
    year_sheets(year1, year2, header=head).save(alike)
    code, out, err = run_cli("check", str(alike), *mapping)
    assert code == 1 and "HAM-2025-ILACS" in out, err
    book = year_sheets(year1, header=head)
    other = book.create_sheet("2025-26")
    other.append(head + ["RAG"])
    other.append(year2[1][0] + ["Red"])
    differs = tmp_path / "differs.xlsx"
    book.save(differs)
    code, out, err = run_cli("check", str(differs), *mapping)
    assert code == 2 and "HAM-2025-ILACS" not in out
    assert ("the sheet '2025-26' holds records (its header names every column the own-columns mapping reads) but was "
            "not read") in err


def test_a_sheet_before_the_first_read_headed_much_like_it_is_an_error_not_a_silent_gap(tmp_path, run_cli):
    """Found by hand: '2024-25' first, its kind column headed 'type', was passed over as a cover sheet and the run exited
    0 on '2025-26' alone, though ham-2024 (received 3 June 2024, never published) was overdue."""
    book = year_sheets(LAST_YEAR, header=["id", "type", *HEADER[2:]])
    book.create_sheet(THIS_YEAR[0]).append(HEADER)
    book[THIS_YEAR[0]].append(THIS_YEAR[1][0])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025"]
    [problem] = problems
    assert not problem.warning and (problem.line, problem.column) == (1, "'2024-25'!B")
    assert problem.message == ("the sheet '2024-25' holds records (its header is much like that of '2025-26') but was "
                               "not read: its columns are not those of the sheet '2025-26', which is")
    assert "(column B is 'kind' there, 'type' here)" in problem.hint
    code, _, err = run_cli("check", str(path), "--as-of", "2026-12-01")
    assert code == 2 and "'2024-25'" in err


def test_a_council_workbook_read_through_a_mapping_passes_over_a_cover_sheet_before_its_records(tmp_path, run_cli):
    """Found by hand: a 'Read me' sheet first was read as the records, and the run said only that the header row had no
    column 'Date final report received', which the second sheet's had."""
    head = ["Inspection ref", "Local authority", "Type of inspection", "Priority actions?",
            "Date final report received", "Date report published on website", "Date action plan sent to Ofsted"]
    # Received Mon 3 Nov 2025 and never published: 30 working days on, Mon 15 Dec 2025, it was overdue.
    book = year_sheets(("Inspections", [["HAM-2025-ILACS", "Hamley", "ILACS", None, "03/11/2025", None, None]]),
                       header=head)
    cover = book.create_sheet("Read me", 0)
    cover["A1"] = "Hamley inspection tracker: one row an inspection, dates DD/MM/YYYY."
    titled = book.create_sheet("Old")  # a sheet of records under a title: said, not passed over
    titled.append(["Inspections before 2024"])
    titled.append(head)
    titled.append(["HAM-2019-ILACS", "Hamley", "ILACS", None, "21/01/2019", "11/03/2019", None])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    code, out, err = run_cli("check", str(path), "--mapping", "examples/own-columns.yaml", "--as-of", "2026-12-01",
                             "--format", "json")
    assert code == 2 and "HAM-2025-ILACS" in out and "HAM-2019-ILACS" not in out
    assert ("Old!A: the sheet 'Old' seems to hold records (row 2 names every column the own-columns mapping reads) "
            "but was not read") in err
    assert "Inspections!" not in err and "header row has no column" not in err


# -- merged cells -------------------------------------------------------------------------------------------------

def test_a_value_merged_down_a_column_is_read_on_every_row_it_covers(tmp_path, run_cli):
    """Found by hand: framework ILACS merged over C2:C3 left b's framework blank: five findings of missing data."""
    book = year_sheets(("Tracker", [["a", "inspection", "ILACS", datetime(2024, 12, 3), datetime(2025, 1, 14)],
                                    ["b", "inspection", None, datetime(2025, 10, 3), datetime(2025, 11, 3)]]))
    book["Tracker"].merge_cells("C2:C3")
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.attributes.get("framework") for r in records] == ["ILACS", "ILACS"]
    assert [str(p) for p in problems] == [
        f"{path}:2:C: Tracker!C2:C3 is a merged range: each of its cells is read as holding the value of its first "
        "cell, as Excel shows it (check the records on those rows are as they should be; unmerge the cells and fill "
        "each in to be sure)"]
    assert all(p.warning for p in problems)
    code, out, err = run_cli("check", str(path), "--as-of", "2026-12-01")
    # Met on time, both; the missing data is only the statement and the plan, which the sheet has no column for.
    assert code == 0 and "2 met, 4 missing data," in out and "framework" not in out
    assert out.count("not recorded:") == 4 and err.count("warning:") == 1


def test_merged_ranges_are_named_in_one_warning_and_filled_only_where_a_record_and_a_named_column_are(tmp_path):
    rows = [["a", "inspection", "ILACS", "03/12/2024", None, "Leeds"],
            ["b", "inspection", None, "05/12/2024", None, None],
            ["c", "inspection", "SIF", "14/01/2019", "14/01/2019", "Leeds"],
            [None, None, None, None, None, None]]
    book = year_sheets(("2025-26", rows), header=HEADER + ["# authority", None])
    sheet = book["2025-26"]
    sheet.merge_cells("C2:C3")   # down a column: b is ILACS
    sheet.merge_cells("D4:E4")   # across two date columns: c was received and published the same day
    sheet.merge_cells("F4:H5")   # across a column for people, a blank-headed one and past the header, and row 5
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [(r.id, r.attributes.get("framework")) for r in records] == [("a", "ILACS"), ("b", "ILACS"), ("c", "SIF")]
    assert records[2].events["report_published"][0].isoformat() == "2019-01-14"
    # F4:H5 filled nothing: G has no name and H is past the header (a value there would refuse the row), and
    # row 5 holds no record of its own.
    [warning] = problems
    assert warning.warning and (warning.line, warning.column) == (2, "C")
    assert warning.message == ("'2025-26'!C2:C3, '2025-26'!D4:E4 and '2025-26'!F4:H5 are merged ranges: each cell "
                               "of a range is read as holding the value of its first cell, as Excel shows it")


def test_a_title_or_header_merged_across_columns_is_not_repeated(tmp_path):
    book = year_sheets(("Tracker", [["a", "inspection", "ILACS", "03/12/2024", "14/01/2025"]]),
                       header=HEADER[:4] + ["report_published", None])
    book["Tracker"].merge_cells("E1:F1")  # the header's last cell spread over a spare column
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["a"]
    [warning] = problems
    assert warning.warning and warning.message == (
        "Tracker!E1:F1 are merged cells in the first row: only E1 holds the value; F1 is read as empty")
    titled = Workbook()
    sheet = titled.active
    sheet.append(["Hamley Borough Council: Ofsted inspections"])
    sheet.append(HEADER)
    sheet.merge_cells("A1:E1")
    titled.save(path)
    records, problems = read_records([path])
    # The title is the first row, as it was: it names no id or kind column, once, not five times (and row 2 does).
    assert records == [] and [p.message for p in problems if not p.warning] == [
        "the header row has no id or kind column: row 2 names id and kind, and the rows above it (a title?) are read "
        "as the header"]


def test_merged_cells_on_a_later_sheet_are_filled_and_named_with_their_sheet(tmp_path):
    older = ("2024-25", [["b", "inspection", "ILACS", "05/12/2024", None],
                         ["c", "inspection", None, "06/12/2024", None]])
    book = year_sheets(THIS_YEAR, older)
    book["2024-25"].merge_cells("C2:C3")
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [(r.id, r.attributes.get("framework")) for r in records] == [
        ("ham-2025", "ILACS"), ("b", "ILACS"), ("c", "ILACS")]
    [warning] = problems
    assert (warning.line, warning.column) == (2, "'2024-25'!C") and warning.message.startswith("'2024-25'!C2:C3 is")


# -- probe P6: a title above the header on the first sheet, or in a file --------------------------------------

TITLED_MAPPING = ('mapping: northshire\nkind: inspection\ndate_formats: ["%d/%m/%Y"]\nid: "{Ref}"\n'
                  "attributes:\n  framework: Framework\n"
                  "events:\n  report_received: Report received\n  report_published: Report published\n")


def titled_book(header: list[str]) -> Workbook:
    """A council's first sheet: a title merged across row 1, a blank row 2, the header in row 3, three records and
    a blank row between two of them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Inspections"
    sheet.append(["Northshire County Council: Ofsted inspection tracker (OFFICIAL-SENSITIVE)"])
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(header)
    sheet.append(["n-24", "inspection", "ILACS", "03/12/2024", "17/01/2025"])
    sheet.append(["s-25", "inspection", "ILACS", "03/04/2025", None])
    sheet.append([])
    sheet.append(["e-25", "inspection", "ILACS", "04/06/2025", None])
    return book


def test_a_title_above_the_header_on_the_first_sheet_says_which_row_is_the_header(tmp_path, run_cli):
    """It said only "the header row has no id or kind column (the first row names the columns...)", at row 1,
    where a later sheet's message names the row; and it counted the header row among the 4 rows not read."""
    path = tmp_path / "tracker.xlsx"
    titled_book(HEADER).save(path)
    records, problems = read_records([path])
    [error] = [p for p in problems if not p.warning]
    assert records == [] and (error.line, error.column, error.rows) == (3, None, 3)
    assert str(error) == (f"{path}:3: the header row has no id or kind column: row 3 names id and kind, and the "
                          "rows above it (a title?) are read as the header (delete the rows above the header row: the "
                          "first row names the columns)")
    code, out, _ = run_cli("check", str(path), "--as-of", "2026-11-20")
    assert code == 2 and "3 rows could not be read" in out


def test_a_title_above_the_header_of_a_csv_file_says_so_in_check_and_kpi(tmp_path, run_cli):
    path = tmp_path / "tracker.csv"
    path.write_text("Northshire inspections,,,,\n,,,,\n" + ",".join(HEADER) + "\n"
                    "n-24,inspection,ILACS,03/12/2024,17/01/2025\ns-25,inspection,ILACS,03/04/2025,\n",
                    encoding="utf-8")
    for command in ("check", "kpi"):
        code, out, err = run_cli(command, str(path), "--as-of", "2026-11-20")
        assert code == 2 and f"{path}:3: the header row has no id or kind column: row 3 names id and kind" in err
    code, out, _ = run_cli("check", str(path), "--as-of", "2026-11-20", "--format", "md")
    assert "## 2 rows could not be read" in out


def test_a_first_row_that_is_a_header_gets_its_own_fix_not_the_title_hint(tmp_path):
    """ID and Kind, cased, name the columns: the first row is the header, and the fix is to write them lower case."""
    path = tmp_path / "tracker.csv"
    path.write_text("ID,Kind,framework\nid,kind,framework\nn-24,inspection,ILACS\n", encoding="utf-8")
    _, [problem] = read_records([path])
    assert problem.line == 1 and problem.hint == "column names are lower case: write id for 'ID', kind for 'Kind'"


def test_a_mapping_whose_columns_are_all_on_a_lower_row_says_which_row(tmp_path, run_cli):
    """It named one column (the first in alphabetical order) missing from row 1, when all were in row 3."""
    (tmp_path / "northshire.yaml").write_text(TITLED_MAPPING, encoding="utf-8")
    path = tmp_path / "tracker.xlsx"
    titled_book(["Ref", "Kind", "Framework", "Report received", "Report published"]).save(path)
    code, out, err = run_cli("check", str(path), "--mapping", str(tmp_path / "northshire.yaml"),
                             "--as-of", "2026-11-20")
    assert code == 2 and "3 rows could not be read" in out
    assert (f"error: {path}:3: the first row names none of the columns the northshire mapping reads, and row 3 names "
            "them all: the rows above it (a title?) are read as the header (delete the rows above the header row: the "
            "first row names the columns)") in err.splitlines()
    # A row of headings over groups of columns names one of them: the row under it is still named.
    grouped = tmp_path / "grouped.csv"
    grouped.write_text(",Framework,Dates,\nRef,Framework,Report received,Report published\n"
                       "n-24,ILACS,03/12/2024,17/01/2025\n", encoding="utf-8")
    code, _, err = run_cli("check", str(grouped), "--mapping", str(tmp_path / "northshire.yaml"),
                           "--as-of", "2026-11-20")
    assert code == 2 and (f"error: {grouped}:2: the header row has no column 'Ref', but row 2 names every column the "
                          "northshire mapping reads: the rows above it are read as the header (delete the rows above "
                          "the header row: the first row names the columns)") in err.splitlines()
    # A header row naming some of them is the header, a column misspelt: the row under it names none.
    csv = tmp_path / "tracker.csv"
    csv.write_text("Ref,Framework,Report recieved,Report published\nn-24,ILACS,03/12/2024,17/01/2025\n",
                   encoding="utf-8")
    code, _, err = run_cli("check", str(csv), "--mapping", str(tmp_path / "northshire.yaml"), "--as-of", "2026-11-20")
    assert code == 2 and f"{csv}:1: Report received: the header row has no column 'Report received' (is " in err


# -- hostile probe D7: hidden sheets ------------------------------------------------------------------------------

def test_records_on_hidden_and_very_hidden_sheets_are_read_with_a_warning_naming_each_sheet(tmp_path, run_cli):
    """They were read without a word: a sheet no one sees in Excel decided the run. Still read (left out, its
    records would be lost), with a warning naming the sheet and its rows of records."""
    older = ("2023-24", [["ham-2023a", "inspection", "ILACS", datetime(2023, 6, 5), None], [None] * 5,
                         ["ham-2023b", "inspection", "ILACS", datetime(2023, 9, 4), datetime(2023, 10, 2)]])
    book = year_sheets(THIS_YEAR, LAST_YEAR, older)
    book["2024-25"].sheet_state = "hidden"
    book["2023-24"].sheet_state = "veryHidden"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["ham-2025", "ham-2024", "ham-2023a", "ham-2023b"]
    assert all(p.warning for p in problems)
    assert [(p.line, p.column, p.message) for p in problems] == [
        (2, "'2024-25'", "the sheet '2024-25' is hidden, and its rows were read with the others: 1 row of records, "
                         "row 2"),
        (2, "'2023-24'", "the sheet '2023-24' is very hidden (Excel shows it only from its VBA editor), and its "
                         "rows were read with the others: 2 rows of records, from row 2 to row 4")]
    assert problems[0].hint == ("right-click a sheet's tab and choose Unhide to see it; if its records are not to be "
                                "checked, move them to a workbook of their own")
    assert "Visible property" in problems[1].hint
    # ham-2024 (received 3 June 2024, never published) is overdue: the run fails, the warnings change nothing.
    code, out, err = run_cli("check", str(path), "--as-of", "2026-12-01")
    assert code == 1 and "ham-2024" in out and f"warning: {path}:2:'2024-25': the sheet '2024-25' is hidden" in err


def test_a_hidden_sheet_a_mapping_reads_is_warned_of_too(tmp_path, run_cli):
    (tmp_path / "northshire.yaml").write_text(TITLED_MAPPING + "sheet: Old\n", encoding="utf-8")
    book = Workbook()
    book.active.title = "Cover"
    old = book.create_sheet("Old")
    old.append(["Ref", "Framework", "Report received", "Report published"])
    old.append(["n-24", "ILACS", "03/12/2024", "17/01/2025"])
    old.sheet_state = "hidden"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    code, _, err = run_cli("check", str(path), "--mapping", str(tmp_path / "northshire.yaml"), "--as-of", "2026-11-20")
    assert code == 0 and (f"warning: {path}:2: the sheet 'Old' is hidden, and its rows were read with the "
                          "others: 1 row of records, row 2") in err
