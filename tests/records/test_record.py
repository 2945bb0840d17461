"""What a record may hold, whichever reader made it: an id is one line of text, a text attribute holds text.

A value that breaks either is one located problem for its record; the other records are read, and nothing
downstream (a JSON file, the table, a log line) ever sees it.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from compliance.errors import InputError
from compliance.records import Record, load_mapping, load_mapped, read_events, read_records
from compliance.records._record import ID_LIMIT
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

from conftest import FIXTURES, read_json

#: Every kind of line break Unicode knows: each would start a line of its own in a table or a log.
BREAKS = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
HEADER = ["id", "kind", "authority", "framework", "lscb_review", "report_received"]


#: The breaks a workbook's XML can hold (a lone CR is read back as a line feed).
IN_XML = ["\n", "\r\n", "\x85", "\u2028", "\u2029"]


def tracker_rows(breaks: list[str] = BREAKS) -> list[list[str]]:
    """Row 2 is good; rows 3 and on each have an id broken by one kind of line break."""
    rows = [["northby", "inspection", "Northby", "ILACS", "false", "2019-12-12"]]
    rows += [[f"south{brk}by-{i}", "inspection", "Southby", "ILACS", "false", "2019-12-12"]
             for i, brk in enumerate(breaks)]
    return rows


def assert_refused_at_their_rows(records, problems, field="id", first_row=3):
    assert [r.id for r in records] == ["northby"]
    assert [(p.line, p.field) for p in problems] == [(first_row + i, field) for i in range(len(BREAKS))]
    assert all("holds a line break: an id is a name, on one line" in p.message for p in problems)
    assert all("\n" not in str(p) and "\u2028" not in str(p) and "\x85" not in str(p) for p in problems)


def test_an_id_with_a_line_break_is_refused_at_its_row_by_the_csv_readers(tmp_path):
    path = tmp_path / "tracker.csv"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows([HEADER, *tracker_rows()])
    path.write_text(text.getvalue(), encoding="utf-8")
    records, problems = read_records([path])
    # A quoted line break stays inside its row, so every row keeps its spreadsheet number.
    assert_refused_at_their_rows(records, problems)
    assert {p.column for p in problems} == {1}
    streamed = []
    ids = [i for batch in read_batches([path], load_vocabulary(), streamed) for i in batch.ids.to_pylist()]
    assert ids == ["northby"]
    assert [(p.line, p.column, p.field, p.message) for p in streamed] == [
        (p.line, p.column, p.field, p.message) for p in problems]


def test_an_id_with_a_line_break_is_refused_in_a_workbook(tmp_path):
    book = Workbook()
    book.active.append(HEADER)
    for row in tracker_rows(IN_XML):
        book.active.append(row)
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["northby"]
    assert [p.line for p in problems] == list(range(3, 3 + len(IN_XML)))
    assert all(p.field == "id" and p.column == "A" and "holds a line break" in p.message for p in problems)


def test_an_id_longer_than_a_name_is_refused_at_its_row_and_the_others_read(tmp_path):
    # A whole row pasted into one id cell, in a file of 5,000 records: refused at its cell, as a line break is.
    # The table of ids read holds each id at the width of the longest, so a 200,000-character one made a file of
    # 60,000 rows ask for 12 GB and fail as a whole.
    pasted = "é" * 600 + "x" * (200_000 - 600)
    rows = [[f"R{i:05d}" if i != 2_500 else pasted, "inspection", "Southby", "ILACS", "false", "2019-12-12"]
            for i in range(5_000)]
    rows[10][0] = "é" * ID_LIMIT  # as long as an id may be, counted in characters (2,000 bytes)
    path = tmp_path / "tracker.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([HEADER, *rows])
    records, problems = read_records([path])
    assert len(records) == 4_999
    assert [(p.line, p.column, p.field) for p in problems] == [(2_502, 1, "id")]
    assert problems[0].message.startswith("the id is 200,000 characters long ('éééé")
    assert problems[0].message.endswith(f"...): an id is a name, of at most {ID_LIMIT:,}")
    streamed = []
    ids = [i for batch in read_batches([path], load_vocabulary(), streamed) for i in batch.ids.to_pylist()]
    assert ids == [r.id for r in records]
    assert [(p.line, p.column, p.field, p.message) for p in streamed] == [
        (p.line, p.column, p.field, p.message) for p in problems]


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_an_id_with_a_line_break_is_refused_in_yaml_and_json(tmp_path, suffix):
    items = [dict(zip(["id", "kind"], row[:2]), attributes=dict(zip(HEADER[2:5], row[2:5])),
                  events={"report_received": row[5]}) for row in tracker_rows()]
    items[1:] = [{**item, "attributes": {**item["attributes"], "lscb_review": False}} for item in items[1:]]
    path = tmp_path / f"records{suffix}"
    path.write_text(json.dumps({"records": items}, indent=1), encoding="utf-8")  # JSON is YAML too
    records, problems = read_records([path])
    assert [r.id for r in records] == ["northby"]
    assert len(problems) == len(BREAKS) and all(p.field == "id" and p.line for p in problems)
    assert all("holds a line break" in p.message for p in problems)


def test_an_id_with_a_line_break_is_refused_in_an_extract_read_through_its_mapping(tmp_path):
    source = (FIXTURES / "casework" / "annex-a-list5.csv").read_text(encoding="utf-8")
    path = tmp_path / "list5.csv"
    path.write_text(source.replace("\nNB1001,", '\n"NB\u20281001",').replace("\nNB1002,", '\n"NB\n1002",'),
                    encoding="utf-8")
    records, problems = load_mapped([path], load_mapping("annex-a-list5"))
    broken = [p for p in problems if p.field == "id"]
    assert [p.line for p in broken] == [2, 3] and all("holds a line break" in p.message for p in broken)
    assert not any(r.id.startswith("NB\u2028") or "\n" in r.id for r in records)
    assert "NB1003-S47-2022-06-02" in [r.id for r in records]
    census = (FIXTURES / "casework" / "cin-census.xml").read_text(encoding="utf-8")
    xml = tmp_path / "census.xml"
    xml.write_text(census.replace("<LAchildID>NB2001</LAchildID>", "<LAchildID>NB&#x2028;2001</LAchildID>"),
                   encoding="utf-8")
    records, problems = load_mapped([xml], load_mapping("cin-census"))
    assert any(p.field == "id" and "holds a line break" in p.message for p in problems)
    assert not any("\u2028" in r.id for r in records) and records


def test_a_record_id_with_a_line_break_is_refused_in_an_event_file(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text('date,record,kind,event\n2026-04-13,heath,inspection,inspection_start\n'
                    '2026-04-14,"heath\n2026-04-14,forged,inspection,inspection_start",inspection,report_received\n',
                    encoding="utf-8")
    events, problems = read_events(path, load_vocabulary())
    assert [(p.line, p.column, p.field) for p in problems] == [(3, 2, "record")]
    assert "holds a line break" in problems[0].message


def test_a_record_built_in_code_refuses_an_id_with_a_line_break():
    with pytest.raises(InputError, match="holds a line break"):
        Record("a\u2029b", "inspection", {"framework": "ILACS"})
    with pytest.raises(InputError, match="the id must be text, not binary data"):
        Record(b"north", "inspection", {"framework": "ILACS"})  # type: ignore[arg-type]
    assert Record("  northby\n", "inspection", {"framework": "ILACS"}).id == "northby"  # spaces around are trimmed


WRONG_TYPES = """\
records:
  - id: binary
    kind: inspection
    attributes: {authority: !!binary aGVsbG8=, framework: ILACS, lscb_review: false}
    events: {report_received: 2026-10-01}
  - id: a-date
    kind: inspection
    attributes: {authority: 2024-01-01, framework: ILACS, lscb_review: false}
    events: {report_received: 2026-10-01}
  - id: a-list
    kind: inspection
    attributes: {authority: [North, South], framework: ILACS, lscb_review: false}
    events: {report_received: 2026-10-01}
  - id: a-mapping
    kind: inspection
    attributes: {authority: {name: North}, framework: ILACS, lscb_review: false}
    events: {report_received: 2026-10-01}
  - id: good
    kind: inspection
    attributes: {authority: 12, framework: ILACS, lscb_review: false}
    events: {report_received: 2026-10-01}
"""


def test_a_value_of_the_wrong_type_in_a_text_attribute_is_one_located_problem(tmp_path):
    path = tmp_path / "records.yaml"
    path.write_text(WRONG_TYPES, encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["good"] and records[0].attributes["authority"] == 12
    assert [(p.line, p.field) for p in problems] == [(4, "authority"), (8, "authority"), (12, "authority"),
                                                     (16, "authority")]
    assert [p.message for p in problems] == ["must be text, not binary data", "must be text, not a date (2024-01-01)",
                                             "must be text, not a list", "must be text, not a mapping"]


def test_a_date_in_a_text_column_of_a_workbook_is_one_located_problem(tmp_path):
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["northby", "inspection", datetime(2024, 1, 1), "ILACS", "false", "2019-12-12"])
    book.active.append(["southby", "inspection", "Southby", "ILACS", "false", "2019-12-12"])
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["southby"]
    assert [(p.line, p.column, p.field) for p in problems] == [(2, "C", "authority")]
    assert "not a date" in problems[0].message


def test_check_json_and_the_report_list_the_record_and_go_on(tmp_path, run_cli):
    path = tmp_path / "records.yaml"
    path.write_text(WRONG_TYPES, encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "2026-11-20", "--format", "json")
    assert code == 2, err
    assert f"{path}:4:" in err and "must be text, not binary data" in err and "internal error" not in err
    assert {f["record"] for f in json.loads(out)["findings"]} == {"good"}
    code, _, err = run_cli("report", str(path), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--skip-bad-rows", "--quiet")
    assert code == 1, err  # "good" is overdue
    report = read_json(tmp_path / "out" / "latest.json.gz")["report"]
    assert len(report["skipped_rows"]) == 4 and "binary data" in report["skipped_rows"][0]
    code, _, err = run_cli("report", str(path), "--as-of", "2026-11-20", "--out", str(tmp_path / "out2"))
    assert code == 2 and "internal error" not in err and not (tmp_path / "out2").exists()
    assert date(2026, 11, 20)  # the as-of the report was asked for
