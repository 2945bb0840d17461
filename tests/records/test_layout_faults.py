"""Files whose layout would put cells in the wrong place: a column named twice, a row longer than its header, a
quote left open at the end of a CSV file, a JSON key given twice or a value JSON has not. Each is a located
problem, and CSV files are read both ways (by the csv module for check, streamed for kpi) with the same result."""

from __future__ import annotations

from unittest import mock

import pytest

import compliance.records.columns
from compliance.records import read_events, read_records
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

VOCABULARY = load_vocabulary()
TWICE_HINT = ("keep one referral column (move what the others hold into it), or start the others' headers with # "
              "(\"# referral\") for columns the tool should leave alone")
OPEN_QUOTE = ("a quote (\") opens this cell and never closes, so the cell runs on to the end of the file over the rows "
              "after it; the rest of the file was not read (close the quote, or remove it)")
LONG_HINT = "put a cell that holds a comma in quotes (\"Smith, J\"), or clear the cells past the last column"
UNNAMED_HINT = "name the column in the header row, or start its name with # for a column the tool should leave alone"


def both_ways(path):
    """(ids, problems as text) read by the csv module, after checking that streaming gives the same."""
    records, problems = read_records([path], VOCABULARY)
    streamed = []
    ids = [i for batch in read_batches([path], VOCABULARY, streamed) for i in batch.ids.to_pylist()]
    assert sorted(ids) == sorted(r.id for r in records)
    assert sorted(map(str, streamed)) == sorted(map(str, problems))
    return [r.id for r in records], [str(p) for p in problems]


def csv_file(tmp_path, *lines, end="\n"):
    path = tmp_path / "tracker.csv"
    path.write_text("\n".join(lines) + end, encoding="utf-8")
    return path


def test_a_header_naming_a_column_twice_is_one_problem_and_no_row_is_read(tmp_path):
    path = csv_file(tmp_path, "id,kind,referral,team,referral", "m1,referral,01/01/2025,North,30/05/2025")
    assert both_ways(path) == ([], [f"{path}:1:5: referral: the header names 'referral' twice, in columns 3 and 5: "
                                    f"no row of this file was checked ({TWICE_HINT})"])


def test_a_column_named_three_times_is_named_with_each_of_its_columns(tmp_path):
    path = csv_file(tmp_path, "referral,id,kind,referral,referral", "01/01/2025,m1,referral,,30/05/2025")
    ids, problems = both_ways(path)
    assert ids == [] and len(problems) == 1
    assert "'referral' 3 times, in columns 1, 4 and 5" in problems[0]


def test_columns_for_people_may_share_a_name(tmp_path):
    path = csv_file(tmp_path, "id,kind,# note,referral,# note,notes,notes", "m1,referral,a,01/01/2025,b,c,d")
    assert both_ways(path) == (["m1"], [])


def test_a_workbook_header_naming_a_column_twice_names_its_column_letters(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "kind", "referral", "team", "referral"])
    book.active.append(["m1", "referral", "01/01/2025", "North", "30/05/2025"])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path], VOCABULARY)
    assert records == [] and [(p.line, p.column, p.field) for p in problems] == [(1, "E", "referral")]
    assert "twice, in columns C and E" in problems[0].message


def test_an_event_file_naming_date_twice_is_refused_at_its_header(tmp_path):
    path = csv_file(tmp_path, "date,record,kind,event,date", "01/01/2025,r1,referral,referral,30/05/2025")
    events, problems = read_events(path, VOCABULARY)
    assert events == [] and [(p.line, p.column, p.field) for p in problems] == [(1, 5, "date")]
    assert problems[0].message == "the header names 'date' twice, in columns 1 and 5: no row of this file was checked"


def test_a_row_with_text_past_the_header_is_refused_and_the_others_read(tmp_path):
    # An unquoted comma in r2's team moves its date from referral to a sixth column.
    path = csv_file(tmp_path, "id,kind,team,referral,referral_nfa", "r1,referral,North,01/01/2025,no",
                    "r2,referral,Smith, J,01/01/2025,no", "r3,referral,South,01/01/2025,no")
    assert both_ways(path) == (["r1", "r3"], [f"{path}:3:6: the row has 6 cells where the header has 5: its cells "
                                              f"may be in the wrong columns, so the row was not read ({LONG_HINT})"])


def test_a_workbook_row_with_a_cell_past_the_header_is_told_what_a_workbook_can_do(tmp_path):
    # No comma moves a workbook's cells: the advice to quote one was for CSV files.
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", "kind", "team", "referral"])
    book.active.append(["r1", "referral", "North", "01/01/2025"])
    book.active.append(["r2", "referral", "South", "01/01/2025", None, "stray"])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path], VOCABULARY)
    assert [r.id for r in records] == ["r1"] and [(p.line, p.column) for p in problems] == [(3, "F")]
    assert problems[0].hint == ("clear the cells past the last named column, or name their column in the header row "
                                "(# and a name for a column to leave alone)")


def test_short_rows_and_empty_cells_past_the_header_are_read_without_a_word(tmp_path):
    path = csv_file(tmp_path, "id,kind,team,referral", "r1,referral,North", "r2,referral,South,01/01/2025,, ")
    assert both_ways(path) == (["r1", "r2"], [])


@pytest.mark.parametrize("end", ["\n", ""])
def test_a_quote_left_open_at_the_end_is_reported_where_its_cell_begins(tmp_path, end):
    path = csv_file(tmp_path, "id,kind,referral,team", "r1,referral,01/01/2025,North",
                    'r2,referral,01/01/2025,"North', "r3,referral,01/01/2025,South", end=end)
    assert both_ways(path) == (["r1"], [f"{path}:3:4: team: {OPEN_QUOTE}"])


def test_a_quote_left_open_over_a_byte_that_is_not_text_is_still_found_at_the_end(tmp_path):
    """Found by the fuzz test: the open cell's byte 0x80 made the check of the file's end fail, not report."""
    path = tmp_path / "tracker.csv"
    path.write_bytes(b'id,kind,referral,team\r\nr1,referral,01/01/2025,"\x80North\r\nr2,referral,01/01/2025,South\r\n')
    assert both_ways(path) == ([], [f"{path}:2:4: team: {OPEN_QUOTE}"])


def test_a_quote_left_open_in_a_short_row_is_reported_at_its_cell(tmp_path):
    path = csv_file(tmp_path, "id,kind,referral,team", 'r1,referral,"01/01/2025', "r2,referral,01/01/2025,South")
    assert both_ways(path) == ([], [f"{path}:2:3: referral: {OPEN_QUOTE}"])


@pytest.mark.parametrize("last", ['"a cell, closed"', '"""quoted"""', '""""', 'x"y'])
def test_a_last_cell_whose_quotes_close_is_read(tmp_path, last):
    path = csv_file(tmp_path, "id,kind,referral,# note", f"r1,referral,01/01/2025,{last}", end="")
    assert both_ways(path) == (["r1"], [])


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_last_cell_of_a_line_break_alone_in_closed_quotes_is_read(tmp_path, end):
    """Found by the fuzz test: the file's own last line break, after the closing quote, made the cell's text look
    like a quote opened at the end of the file."""
    path = csv_file(tmp_path, "id,kind,referral,# note", f'r1,referral,01/01/2025,"{end}"', end=end)
    assert both_ways(path) == (["r1"], [])
    one_column = tmp_path / "one.csv"
    one_column.write_text(f'"# note"\n"{end}"{end}', encoding="utf-8")
    assert both_ways(one_column)[0] == []


def test_a_quote_left_open_is_found_when_only_some_columns_are_parsed(tmp_path):
    path = csv_file(tmp_path, "id,kind,referral,# note", "r1,referral,01/01/2025,fine",
                    'r2,referral,01/01/2025,"runs on', "r3,referral,01/01/2025,lost")
    problems = []
    with mock.patch.object(compliance.records.columns, "_UNREAD_COLUMNS", 0):
        ids = [i for b in read_batches([path], VOCABULARY, problems, columns={"referral"}) for i in b.ids.to_pylist()]
    assert ids == ["r1"] and [str(p) for p in problems] == [f"{path}:3:4: # note: {OPEN_QUOTE}"]


def json_file(tmp_path, text):
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")
    return read_records([path], VOCABULARY)


def test_a_json_key_given_twice_is_refused_at_its_line(tmp_path):
    records, problems = json_file(tmp_path, '[\n {"id": "a",\n  "kind": "referral",\n  "id": "b"}\n]\n')
    assert records == [] and [(p.line, p.message) for p in problems] == [
        (4, "duplicate key 'id' (first given at line 2)")]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json_and_are_located(tmp_path, value):
    # The record before it is still read: one bad value leaves out its own record, not the file's.
    records, problems = json_file(tmp_path, f'[{{"id": "a", "kind": "referral"}},\n {{"id": {value}}}]')
    assert [r.id for r in records] == ["a"] and [(p.line, p.column, p.field, p.message) for p in problems] == [
        (2, 9, "id", f"the 2nd record: invalid JSON: {value} is not a JSON value")]


def test_an_id_of_true_is_refused_as_yaml_refuses_it_and_a_number_is_kept(tmp_path):
    records, problems = json_file(tmp_path, '[{"id": true, "kind": "referral"}, {"id": 5, "kind": "referral"}]')
    assert [r.id for r in records] == ["5"]
    assert [(p.field, p.message) for p in problems] == [("id", "the id must be text, not true or false")]
    yaml_path = tmp_path / "records.yaml"
    yaml_path.write_text("- id: true\n  kind: referral\n- id: .nan\n  kind: referral\n", encoding="utf-8")
    records, problems = read_records([yaml_path], VOCABULARY)
    assert records == [] and [(p.line, p.field) for p in problems] == [(1, "id"), (3, "id")]


@pytest.mark.parametrize("header, meant", [("extract date", "extract_date"), ("measure", "measured")])
def test_a_header_close_to_a_records_own_column_is_named_as_a_column(tmp_path, header, meant):
    path = csv_file(tmp_path, f"id,kind,{header},referral", "r1,referral,x,01/01/2025")
    _, problems = both_ways(path)
    assert f"did you mean the column {meant!r}?" in problems[0]


def test_a_row_with_something_under_a_blank_header_is_refused_and_the_others_read(tmp_path):
    """The completion typed under a column with no name was dropped without a word, and the duty looked undone; a
    blank column left blank (a trailing comma) is fine."""
    path = csv_file(tmp_path, "id,kind,referral,,assessment_completed,", "m1,referral,01/01/2025,28/02/2025,,",
                    "m2,referral,01/01/2025,,28/02/2025,  ", "m3,referral,01/01/2025,,,x")
    assert both_ways(path) == (["m2"], [
        f"{path}:2:4: column 4 has no name in the header, but this row has '28/02/2025' in it, so the row was not "
        f"read ({UNNAMED_HINT})",
        f"{path}:4:6: column 6 has no name in the header, but this row has 'x' in it, so the row was not read "
        f"({UNNAMED_HINT})"])


def test_a_short_or_long_row_with_something_under_a_blank_header_is_refused_the_same_way(tmp_path):
    path = csv_file(tmp_path, "id,kind,,referral", "m1,referral,x", "m2,referral,,01/01/2025", "m3,referral,y,,")
    assert both_ways(path) == (["m2"], [
        f"{path}:2:3: column 3 has no name in the header, but this row has 'x' in it, so the row was not read "
        f"({UNNAMED_HINT})",
        f"{path}:4:3: column 3 has no name in the header, but this row has 'y' in it, so the row was not read "
        f"({UNNAMED_HINT})"])


SEMICOLONS_HINT = ("its columns are separated by semicolons, as Excel saves every kind of CSV (\"CSV UTF-8 (Comma "
                   "delimited)\" too) where Windows' list separator is a semicolon: save it as an Excel Workbook "
                   "(.xlsx) and give that, which is read as it is")


def test_a_header_separated_by_semicolons_is_told_a_fix_that_works_in_a_semicolon_excel(tmp_path):
    """It said to save the file as "CSV UTF-8 (Comma delimited)", which Excel also writes with semicolons where the
    list separator is one: the user saved it again and got the same file."""
    path = csv_file(tmp_path, "id;kind;referral;referral_decision", "r1;referral;03/04/2025;04/04/2025",
                    "r2;referral;01/02/2025;03/02/2025")
    assert both_ways(path) == ([], [f"{path}:1: the header row has no id or kind column ({SEMICOLONS_HINT})"])
