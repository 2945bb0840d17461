"""Reading record CSV files as columns: the same cells accepted and refused as records/_readers.py, streamed."""

from __future__ import annotations

import csv
import io
from datetime import date
from unittest import mock

import numpy as np
import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import compliance.records.columns
from compliance.records import read_records
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

from conftest import referrals_csv


def read(tmp_path, text, block=1 << 20):
    path = tmp_path / "records.csv"
    path.write_text(text, encoding="utf-8")
    problems = []
    batches = list(read_batches([path], load_vocabulary(), problems, block_bytes=block))
    return batches, problems


def test_dates_lists_and_times_become_sorted_columns(tmp_path):
    batches, problems = read(tmp_path, "id,kind,icpc,rcpc\n"
                                       "c1,child-protection,2023-08-31,2024-05-30;2023-11-30\n"
                                       "c2,child-protection,2023-09-01,\n")
    assert not problems
    [batch] = batches
    rcpc = batch.event("rcpc")
    assert rcpc.counts.tolist() == [2, 0]
    assert [date.fromordinal(d) for d in rcpc.days.tolist()] == [date(2023, 11, 30), date(2024, 5, 30)]
    times, _ = read(tmp_path, "id,kind,returned_from_missing\nm1,missing-episode,2024-03-01T22:15\n"
                              "m2,missing-episode,2024-03-02\n")
    column = times[0].event("returned_from_missing")
    assert column.seconds.tolist() == [22 * 3600 + 15 * 60, -1]


def test_each_records_first_date_whether_every_record_has_one_or_not():
    # As many dates as records, one each (read straight from the column), or two for one record and none for
    # another (each record's first picked out).
    from compliance.records.columns import EventColumn

    def column(offsets, days):
        return EventColumn(np.array(offsets), np.array(days), np.array([-1] * len(days)))

    present, day, _ = column([0, 1, 2], [738000, 737000]).first()
    assert present.tolist() == [True, True] and day.tolist() == [738000, 737000]
    present, day, _ = column([0, 2, 2], [737000, 738000]).first()
    assert present.tolist() == [True, False] and day[:1].tolist() == [737000]


def test_a_bad_cell_is_reported_with_row_and_column_and_the_rest_read(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral,referral_nfa\n"
                                       "r1,referral,2022-05-20,false\n"
                                       "r2,referral,05/20/2022,false\n"
                                       "r3,referral,2022-05-21,perhaps\n"
                                       "r4,referral,2022-05-22,true\n")
    assert [b.ids.to_pylist() for b in batches] == [["r1", "r4"]]
    assert sorted((p.line, p.column, p.field) for p in problems) == [(3, 3, "referral"), (4, 4, "referral_nfa")]
    assert all(p.file.endswith("records.csv") for p in problems)


def test_duplicate_ids_across_chunks_keep_the_first(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral\nr1,referral,2022-05-20\nr2,referral,2022-05-21\n"
                                       "r1,referral,2022-05-22\n", block=48)
    assert sorted(i for b in batches for i in b.ids.to_pylist()) == ["r1", "r2"]
    assert [(p.line, p.field) for p in problems] == [(4, "id")]
    assert "duplicate record id 'r1'" in problems[0].message


def test_short_rows_blank_lines_and_empty_cells_past_the_header_are_read_as_records_py_reads_them(tmp_path):
    batches, problems = read(tmp_path, "id,kind,referral,referral_decision\n"
                                       "r1,referral,2022-05-20\n\n"
                                       "r2,referral,2022-05-21,2022-05-23, ,\n")
    assert not problems
    assert sorted(i for b in batches for i in b.ids.to_pylist()) == ["r1", "r2"]


def test_a_file_without_id_or_kind_is_refused_at_the_header(tmp_path):
    batches, problems = read(tmp_path, "ref,kind\nr1,referral\n")
    assert batches == [] and problems[0].line == 1 and "no id column" in problems[0].message


def both_ways(path):
    """(ids, problems) read by the csv module and streamed, each as a sorted list; ids by their row."""
    records, problems = read_records([path], load_vocabulary())
    streamed = []
    ids = [i for batch in read_batches([path], load_vocabulary(), streamed) for i in batch.ids.to_pylist()]
    return (sorted(r.id for r in records), where(problems)), (sorted(ids), where(streamed))


def test_unknown_given_twice_or_beside_a_bad_date_is_read_as_records_py_reads_it(tmp_path):
    # Streamed, "unknown;unknown" was taken as unknown, where the row reader refuses it, so kpi's engines counted
    # the review conferences differently; beside a bad date, the row is told once.
    path = tmp_path / "plans.csv"
    path.write_text("id,kind,strategy_discussion,icpc,cp_plan,rcpc\n"
                    "c1,child-protection,2023-05-02,2023-05-19,true,unknown;unknown\n"
                    "c2,child-protection,2023-05-02,2023-05-19,true,31/02/2023;unknown\n"
                    "c3,child-protection,2023-05-02,2023-05-19,true,unknown\n", encoding="utf-8")
    (ids, problems), streamed = both_ways(path)
    assert (ids, problems) == streamed and ids == ["c3"]
    assert [(line, field) for line, _, field, _ in problems] == [(2, "rcpc"), (3, "rcpc")]


def test_several_dates_in_a_cell_not_separated_by_a_semicolon_are_told_so_by_both_readers(tmp_path):
    # A comma, a line break (Alt+Enter in Excel), "and", "&": each is "not a date", and the fix is a ";" where the
    # event repeats (rcpc), one date where it happens once (icpc); a system's target is a date an occurrence.
    path = tmp_path / "plans.csv"
    path.write_text("id,kind,strategy_discussion,icpc,cp_plan,rcpc,target:rcpc-3m\n"
                    "c1,child-protection,2025-04-01,2025-04-17,true,\"17/07/2025, 15/01/2026\",\n"
                    "c2,child-protection,2025-04-01,2025-04-17,true,\"17/07/2025\n15/01/2026\",\n"
                    "c3,child-protection,2025-04-01,2025-04-17,true,17/07/2025 and 15/01/2026,\n"
                    "c4,child-protection,2025-04-01,2025-04-17,true,2025-07-17 & 2026-01-15;2026-07-15,\n"
                    "c5,child-protection,2025-04-01,\"17/04/2025, 18/04/2025\",true,,\n"
                    "c6,child-protection,2025-04-01,2025-04-17,true,,\"17/07/2025, 17/10/2025\"\n"
                    "c7,child-protection,2025-04-01,2025-04-17,true,\"17/07/2025, soon\",\n", encoding="utf-8")
    (ids, problems), streamed = both_ways(path)
    assert (ids, problems) == streamed and ids == []
    semicolon = "is not a date: several dates in one cell are separated by ;, e.g."
    assert [(line, field, message) for line, _, field, message in problems] == [
        (2, "rcpc", f"'17/07/2025, 15/01/2026' {semicolon} 17/07/2025; 15/01/2026"),
        (3, "rcpc", f"'17/07/2025\n15/01/2026' {semicolon} 17/07/2025; 15/01/2026"),  # printed as \\n
        (4, "rcpc", f"'17/07/2025 and 15/01/2026' {semicolon} 17/07/2025; 15/01/2026"),
        (5, "rcpc", f"'2025-07-17 & 2026-01-15' {semicolon} 2025-07-17; 2026-01-15"),
        (6, "icpc", "'17/04/2025, 18/04/2025' is not a date: it holds 2 dates, but this event happens once: give "
                    "the one it happened on"),
        (7, "target:rcpc-3m", f"'17/07/2025, 17/10/2025' {semicolon} 17/07/2025; 17/10/2025 (the system's "
                              "recorded deadline for rcpc-3m)"),
        (8, "rcpc", "'17/07/2025, soon' is not a date"),  # not two dates: nothing to separate
    ]


def where(problems):
    """Each problem's place and message, sorted; a repeated id names where the first one is by row, or by file
    when streamed, so only what comes before that is compared."""
    return sorted((p.line, p.column, p.field, p.message.split(" (first")[0]) for p in problems)


def test_rows_keep_their_numbers_when_short_rows_fall_between_the_blocks_pyarrow_parses(tmp_path):
    lines = referrals_csv(300)
    for row in range(7, 300, 11):
        lines[row - 1] = lines[row - 1].rsplit(",", 2)[0]  # a short row, which pyarrow hands over apart
    for row in range(9, 300, 13):
        lines[row - 1] = lines[row - 1].replace("/2024,", "/2024x,", 1)  # a bad date, to be reported at its row
    path = tmp_path / "records.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for block in (64, 200, 333):
        with mock.patch.object(compliance.records.columns, "_READ_BLOCK_BYTES", block):
            by_csv_module, streamed = both_ways(path)
            assert streamed == by_csv_module
            assert [p[0] for p in streamed[1]] == sorted(set(range(9, 300, 13)) - set(range(7, 300, 11)))


def test_a_short_row_with_a_byte_that_is_not_utf_8_is_read_on_and_no_traceback_is_printed(tmp_path, capfd):
    lines = referrals_csv(3000)
    lines[2000] = lines[2000].rsplit(",", 2)[0].replace("-R1", "-R\x00")  # row 2,001: short, with a bad byte
    path = tmp_path / "records.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8").replace(b"-R\x00", b"-R\xff"))
    by_csv_module, streamed = both_ways(path)
    assert streamed == by_csv_module and len(streamed[0]) == 2999
    assert streamed[1] == [(2001, 1, "id", "byte 0xFF is not UTF-8 text")]
    assert capfd.readouterr().err == ""


cells = st.one_of(st.sampled_from(["r1", "r2", "r3", "referral", "inspection", "2022-05-20", "20/05/2022", "2022-02-30",
                                   "no", "maybe", "North", "", " ", "a,b", 'say "hi"', "two\nlines", "r1\u200b",
                                   "\ufeffr2"]),
                  st.binary(max_size=4).map(lambda b: b.decode("latin-1")))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=25), block=st.sampled_from([64, 256, 1 << 20]),
       bad=st.sampled_from([b"\x92", b"\xe2\x80", b"\xff\xfe"]))
# Text only past the header's columns, or only in a column no rule reads: a record with no id, not a blank row.
@example(rows=[["", "", "", "", "", "r1"], ["", "", "North", "", ""]], block=64, bad=b"\x92")
@example(rows=[["", "", "", "", "", "r1"], ["", "", "North", "", ""]], block=1 << 20, bad=b"\x92")
# The last cell a line break alone, its quote closed: the file's own last line break follows that quote.
@example(rows=[["r1", "r1", "r1", "r1", "\n"]], block=64, bad=b"\x92")
# A long row whose last cell holds a quoted line break past its block's end: pyarrow cut the row there, and the
# rest of the file was "a quote that never closes".
@example(rows=[["inspection"], ["r1", "maybe"], ["r1", "r1", "r1", "a,b", "two\nlines", "xxx", "two\nlines"]],
         block=64, bad=b"\x92")
def test_streaming_reads_the_rows_and_problems_the_csv_module_reads(tmp_path, rows, block, bad):
    """Short, long and blank rows, quoted line breaks, repeated ids and bytes that are not UTF-8 (a latin-1 \\xa4
    in a cell becomes ``bad``), wherever pyarrow's blocks fall."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["id", "kind", "team", "referral_nfa", "referral"], *rows])
    path = tmp_path / "records.csv"
    path.write_bytes(text.getvalue().encode("utf-8").replace("\xa4".encode("utf-8"), bad))
    with mock.patch.object(compliance.records.columns, "_READ_BLOCK_BYTES", block):
        by_csv_module, streamed = both_ways(path)
    assert streamed == by_csv_module


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=6), max_size=25), block=st.sampled_from([64, 256, 1 << 20]),
       bad=st.sampled_from([b"\x92", b"\xe2\x80", b"\xff\xfe"]), lean=st.booleans())
@example(rows=[["r1", "\xa4", "referral", "\xa4", "2022-05-20"], ["r2", "\xa4", "referral"]], block=64, bad=b"\x92",
         lean=True)
@example(rows=[["r1", "r1", "inspection", "r1"]], block=64, bad=b"\x92", lean=True)  # a team no inspection has
def test_a_column_for_people_warns_of_a_byte_that_is_not_text_in_both_readers_alike(tmp_path, rows, block, bad, lean):
    """A byte that is not text under "# note" warns and its row is read; elsewhere it keeps the row out, the same
    by the csv module and streamed, whether or not the columns no rule reads are parsed (``lean``)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["id", "# note", "kind", "team", "referral"], *rows])
    path = tmp_path / "records.csv"
    path.write_bytes(text.getvalue().encode("utf-8").replace("\xa4".encode("utf-8"), bad))
    records, by_csv_module = read_records([path], load_vocabulary())
    streamed = []
    with mock.patch.object(compliance.records.columns, "_READ_BLOCK_BYTES", block):
        # lean: every column but "# note" read, which is then left unparsed unless some byte is not UTF-8.
        ids = [i for batch in read_batches([path], load_vocabulary(), streamed,
                                           columns={"referral", "team"} if lean else None, block_bytes=block)
               for i in batch.ids.to_pylist()]
    flagged = [sorted((p.line, p.column, p.field, p.message.split(" (first")[0], p.warning) for p in found)
               for found in (by_csv_module, streamed)]
    assert sorted(ids) == sorted(r.id for r in records) and flagged[0] == flagged[1]


def batches_read(path, columns, block_bytes=compliance.records.columns.DEFAULT_BLOCK_BYTES):
    """(ids by row, problems) streamed, reading only ``columns`` (with id and kind), in chunks of ``block_bytes``."""
    problems = []
    ids = [i for batch in read_batches([path], load_vocabulary(), problems, columns=columns, block_bytes=block_bytes)
           for i in batch.ids.to_pylist()]
    return sorted(ids), where(problems)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, min_size=0, max_size=7), max_size=25), block=st.sampled_from([64, 256, 1 << 20]),
       bad=st.sampled_from([b"\x92", b"\xe2\x80", b"\xff\xfe"]))
@example(rows=[["", "", "", "", "", "r1"], ["", "", "North", "", ""]], block=64, bad=b"\x92")
@example(rows=[["r1", "referral", "", "no", "2022-05-20"], ["", "", "\xa4", "", ""], [",", "", "", "", ""]], block=64,
         bad=b"\x92")
def test_parsing_only_the_columns_read_reads_what_parsing_them_all_reads(tmp_path, rows, block, bad):
    """A file with columns no rule reads has only the others parsed: the same records and problems as when every
    column is parsed, bad bytes and rows empty but for those columns included, whether such a row has every column
    parsed from there on (a narrow file) or the csv module read the rest (a wide one)."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["id", "kind", "team", "referral_nfa", "referral"], *rows])
    path = tmp_path / "records.csv"
    path.write_bytes(text.getvalue().encode("utf-8").replace("\xa4".encode("utf-8"), bad))
    columns = compliance.records.columns
    with mock.patch.object(columns, "_READ_BLOCK_BYTES", block), mock.patch.object(columns, "_LEAN_FROM", 99):
        every_column = batches_read(path, {"referral"})
    with mock.patch.object(columns, "_READ_BLOCK_BYTES", block), mock.patch.object(columns, "_LEAN_BLOCK_BYTES", block):
        narrow = batches_read(path, {"referral"}, block)  # a chunk a block: a row blank so is met in any of them
        with mock.patch.object(columns, "_UNREAD_COLUMNS", 0):
            wide = batches_read(path, {"referral"})
    assert narrow == every_column and wide == every_column


@pytest.mark.parametrize("text, utf8", [
    (b"", True), (b"id,kind\nr1,referral\n" * 9, True), ("Caf\u00e9 Team\n".encode() * 3, True),
    *((b"x" * at + b"\xe9" + b"x" * 20, False) for at in range(9)),  # a byte of 128 or more in each lane of a word
    (b"x" * 21 + b"\x92", False),  # and in the bytes after the last whole word
    ("x\u00e9".encode()[:2], False),  # the file ends part way through a character
])
def test_a_file_is_utf8_throughout_or_not_wherever_its_bytes_are(tmp_path, text, utf8):
    # Only a UTF-8 file has its unread columns left unparsed: pyarrow would not look at their bytes.
    path = tmp_path / "records.csv"
    path.write_bytes(text)
    assert compliance.records.columns._utf8_throughout(path) is utf8


def test_a_byte_past_the_first_block_read_is_seen(tmp_path):
    # The file is read a block at a time into one buffer (mapped, a file cut short while read ended the process).
    columns = compliance.records.columns
    step = 4096
    path = tmp_path / "records.csv"
    for at, utf8 in ((None, True), (step - 1, False), (step, False), (2 * step + 5, False)):
        data = bytearray(b"x" * (2 * step + 10))
        if at is not None:
            data[at] = 0x92
        path.write_bytes(bytes(data))
        with mock.patch.object(columns, "_ASCII_BLOCK_BYTES", step):
            assert columns._utf8_throughout(path) is utf8, at


def test_the_rows_a_file_holds_are_judged_from_its_line_breaks_whatever_columns_are_parsed(tmp_path):
    # Judged by a chunk of the columns read alone (child, team, authority not parsed), 5,000,000 referrals were
    # taken for nearly twice as many, and the table of ids seen was made twice as large (memory +20%).
    import pyarrow as pa

    path = tmp_path / "referrals.csv"
    path.write_text("\n".join(referrals_csv(20_000)) + "\n", encoding="utf-8")
    few = pa.RecordBatch.from_arrays([pa.array(["r1"] * 10, pa.binary())], names=["id"])  # the columns read
    estimate = compliance.records.columns._rows_in(path, few, path.stat().st_size)
    assert 19_000 <= estimate <= 21_000
    path.write_text("\r".join(referrals_csv(20_000)) + "\r", encoding="utf-8")  # line ends a Mac once wrote
    assert 19_000 <= compliance.records.columns._rows_in(path, few, path.stat().st_size) <= 21_000


def test_a_row_blank_in_the_columns_read_has_every_column_parsed_from_there(tmp_path):
    """Not the csv module for the rest of the file (ten times as long): rows before it are not read twice, and a
    row with text only in a column no rule reads is a record with no id, at its own line."""
    lines = ["id,kind,team,referral"] + [f"r{i},referral,North,2024-01-02" for i in range(300)]
    lines[150] = ",,,"
    lines[200] = ",,South,"
    lines[250] = "r248,referral,North,2024-01-02"  # the id of the row before it
    path = tmp_path / "records.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    columns = compliance.records.columns
    every_column = columns._Stream.every_column
    from_row = []

    def parsed_again(stream, *args):
        from_row.append(stream.line)
        return every_column(stream, *args)

    problems = []
    with mock.patch.object(columns, "_LEAN_BLOCK_BYTES", 512), mock.patch.object(columns, "_READ_BLOCK_BYTES", 512), \
            mock.patch.object(columns._Stream, "every_column", parsed_again), \
            mock.patch.object(columns._Stream, "rest", side_effect=AssertionError("the csv module read the rest")):
        ids = sorted(i for batch in read_batches([path], load_vocabulary(), problems, columns={"referral"},
                                                 block_bytes=4096) for i in batch.ids.to_pylist())
    assert 2 < from_row[0] <= 151 and len(from_row) == 1  # from the first row of the chunk the blank row is in
    problems = where(problems)
    assert ids == sorted(f"r{i}" for i in range(300) if i not in (149, 199, 249))
    assert problems == [(201, 1, "id", "the record has no id"), (251, None, "id", "duplicate record id 'r248'")]


def test_a_column_with_a_blank_header_is_parsed_when_only_the_columns_read_are(tmp_path):
    """Its cells are looked at whichever columns are read: one holding something refuses its row."""
    path = tmp_path / "records.csv"
    path.write_text("id,kind,team,,referral\nr1,referral,North,,2024-01-02\nr2,referral,North,02/01/2024,\n",
                    encoding="utf-8")
    every_column = batches_read(path, {"referral"})
    with mock.patch.object(compliance.records.columns, "_UNREAD_COLUMNS", 0):
        read_columns = batches_read(path, {"referral"})
    assert read_columns == every_column and every_column[0] == ["r1"] and len(every_column[1]) == 1


def test_a_wide_file_parses_only_the_columns_read(tmp_path):
    """100,000 columns of people's notes (2 MB): only id, kind, the two events and the last column (whose cell, in
    the last row, may open a quote that never closes) are parsed."""
    notes = 100_000
    lines = ["id,kind,referral,referral_decision," + ",".join(f"# note {j}" for j in range(notes))]
    lines += [f"R{i},referral,2024-01-0{1 + i},2024-01-1{i}," + "," * (notes - 1) for i in range(8)]
    lines += ["R8,referral,2024-01-09,2024-01-19," + "see file" + "," * (notes - 1)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = []
    open_csv = compliance.records.columns.pacsv.open_csv

    def counted(*args, **kwargs):
        parsed.append(len(kwargs["convert_options"].include_columns))
        return open_csv(*args, **kwargs)

    with mock.patch.object(compliance.records.columns.pacsv, "open_csv", counted):
        ids, problems = batches_read(path, {"referral", "referral_decision"})
    assert ids == [f"R{i}" for i in range(9)] and problems == []
    assert parsed == [5]


def test_reading_and_counting_never_import_pandas(tmp_path):
    """pyarrow imports pandas, where it is installed, to look for pandas types whenever numbers pass between
    numpy and Arrow (0.3 s and 50 MB): `kpi` reads its records without ever asking it to."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    fake = tmp_path / "site" / "pandas"
    fake.mkdir(parents=True)
    marker = tmp_path / "imported"
    (fake / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise ImportError('not here')\n")
    path = tmp_path / "referrals.csv"
    path.write_text("\n".join(referrals_csv(500)) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(ROOT)])}
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "kpi", str(path), "--as-of", "2024-12-31", "--by",
                           "team", "month"], env=env, capture_output=True, text=True)
    assert done.returncode in (0, 1) and "referral-decision-1wd" in done.stdout, done.stderr
    assert not marker.exists()


def _handlers_alive() -> int:
    import gc

    return sum(isinstance(o, compliance.records.columns._UnevenRows) for o in gc.get_objects())


def test_pyarrow_has_let_each_reader_go_when_reading_ends(tmp_path):
    """pyarrow's read-ahead threads may hold a reader after Python drops it; freeing it then needs the interpreter,
    and at the interpreter's exit that aborted the process. Reading returns only once each reader is gone: after a
    file of a header alone, a whole file, and a file whose reading stops at its first batch."""
    header = tmp_path / "header.csv"
    header.write_text("id,kind,referral\n", encoding="utf-8")
    whole = tmp_path / "whole.csv"
    whole.write_text("\n".join(referrals_csv(3000)) + "\n", encoding="utf-8")
    for path in (header, whole):
        list(read_batches([path], load_vocabulary(), []))
        assert _handlers_alive() == 0
    batches = read_batches([whole], load_vocabulary(), [], block_bytes=4096)
    next(batches)
    batches.close()
    assert _handlers_alive() == 0


def test_kpi_on_a_file_of_a_header_alone_never_aborts_at_exit(tmp_path):
    """The abort ("terminate called without an active exception", 1 run in 25 to 100 on a busy machine) came as the
    process ended: many processes, two at a time, each reading the file and exiting straight after."""
    import subprocess
    import sys

    from conftest import ROOT

    path = tmp_path / "header.csv"
    path.write_text("id,kind,child,team,authority,referral_nfa,referral,referral_decision\n", encoding="utf-8")
    code = ("import sys; from compliance.records.columns import read_batches; from compliance.rules import "
            "load_vocabulary; list(read_batches([sys.argv[1]], load_vocabulary(), []))")
    failed = []
    for _ in range(15):
        runs = [subprocess.Popen([sys.executable, "-c", code, str(path)], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for run in runs:
            out, err = run.communicate()
            if run.returncode != 0 or "terminate" in err:
                failed.append((run.returncode, err[-300:]))
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "kpi", str(path), "--as-of", "2024-12-31"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "nothing counted" in done.stderr, done.stderr
    assert failed == []


own_cells = st.sampled_from(["", "2025-03-31", "31/03/2025", "2025-02-30", "2025-03-31 10:00", "31/03/2025 00:00", "unknown",
                             "assessment-45wd", "icpc-15wd; rcpc", "rcpc;icpc-15wd", "a b", ";", "45901", "none",
                             " none ", "none; rcpc"])


event_cells = st.sampled_from(["2025-01-02", "", "2025-13-02", "unknown", "02/01/2025"])
target_cells = st.sampled_from(["", "2025-02-03", "unknown", "2025-02-03; unknown", "2025-02-30", "3/2/2025;2025-03-04"])


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(own_cells, own_cells, event_cells, target_cells), max_size=30),
       block=st.sampled_from([64, 1 << 20]))
@example(rows=[("bogus", "", "2025-13-02", "")], block=64)
@example(rows=[("", "x y", "2025-13-02", "2025-02-30")], block=64)
@example(rows=[("", "", "2025-01-02", "2025-02-03; unknown")], block=64)
def test_the_day_drawn_and_the_duties_measured_are_read_as_the_csv_module_reads_them(tmp_path, rows, block):
    """Each record's extract_date, measured and system deadlines: the same values, and the same cells refused,
    streamed (in batches of one day and one set of duties) as read record by record, a row with a bad date told
    of that alone, as records/_readers.py tells it."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(
        [["id", "kind", "extract_date", "measured", "referral", "target:assessment-45wd"],
         *([f"r{i}", "referral", drawn, measured, referral, target]
           for i, (drawn, measured, referral, target) in enumerate(rows))])
    path = tmp_path / "records.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    records, problems = read_records([path], load_vocabulary())
    streamed = []
    with mock.patch.object(compliance.records.columns, "_READ_BLOCK_BYTES", block):
        batches = list(read_batches([path], load_vocabulary(), streamed, block_bytes=block))
    assert sorted((i, b.extract_date, b.measured) for b in batches for i in b.ids.to_pylist()) == \
        sorted((r.id, r.extract_date, r.measured) for r in records)
    assert sorted((i, b.targets["assessment-45wd"].dates(k) if "assessment-45wd" in b.targets else ())
                  for b in batches for k, i in enumerate(b.ids.to_pylist())) == \
        sorted((r.id, r.targets.get("assessment-45wd", ())) for r in records)
    assert where(streamed) == where(problems)


def test_a_cell_saying_when_the_extract_was_drawn_or_what_it_measures_is_read_or_refused(tmp_path):
    batches, problems = read(tmp_path, "id,kind,extract_date,measured,referral\n"
                                       "r1,referral,31/03/2025,icpc-15wd; rcpc,2025-01-02\n"
                                       "r2,referral,,,2025-01-02\n"
                                       "r3,referral,2025-03-31 10:00,,2025-01-02\n"
                                       "r4,referral,,a b,2025-01-02\n"
                                       "r5,referral,2025-03-31 00:00,,2025-01-02\n")
    assert sorted((b.ids.to_pylist(), b.extract_date, b.measured) for b in batches) == [
        (["r1"], date(2025, 3, 31), frozenset({"icpc-15wd", "rcpc"})), (["r2"], None, None),
        (["r5"], date(2025, 3, 31), None)]  # midnight, as a date-time format writes a day
    assert [(p.line, p.column, p.field, p.message) for p in problems] == [
        (4, 3, "extract_date", "'2025-03-31 10:00' is a moment: the extract_date is the day the extract was drawn"),
        (5, 4, "measured", "'a b' is not a rule id or duty name (the duties measured on this record)")]


def test_records_that_name_no_row_are_checked_for_repeats_as_one_source():
    """A database's records name a table and key, not a row: each was a source of its own, checked alone, so the
    work grew with the square of the records."""
    from compliance.records import Record
    from compliance.records.columns import SeenIds, unique_records

    records = [Record.checked(f"R{i % 3}", "referral", {}, {}, f"sqlite:///x.db:ssd_cin_episodes id='R{i}'")
               for i in range(5)]
    seen, problems = SeenIds(), []
    kept = unique_records(records, seen, "sqlite:///x.db", problems)
    assert [r.id for r in kept] == ["R0", "R1", "R2"] and seen.files == ["sqlite:///x.db"]
    assert [(p.file, p.message) for p in problems] == [
        (f"sqlite:///x.db:ssd_cin_episodes id='R{i}'", f"duplicate record id 'R{i - 3}' (first in sqlite:///x.db)")
        for i in (3, 4)]


def test_the_guard_the_csv_writer_puts_before_a_formula_is_taken_off_as_records_py_takes_it_off(tmp_path):
    # As map writes them (records/_tables.csv_cell): ids -HAM-1 and +HAM-2 read back as given, not 'HAM-1; a ' that
    # no writer put there (not first, not after a ";", or before no formula character) is kept.
    path = tmp_path / "mapped.csv"
    path.write_text("id,kind,team,referral\n"
                    "'-HAM-1,referral,'=Front door,2024-01-02\n"
                    "'+HAM-2,referral,\"a;'=b\",2024-01-02\n"
                    "it's,referral,'x,2024-01-02\n"
                    " '-3,referral,''@t,2024-01-02\n", encoding="utf-8")
    expected = [("-HAM-1", "=Front door"), ("+HAM-2", "a;=b"), ("it's", "'x"), ("'-3", "'@t")]
    records, problems = read_records([path], load_vocabulary())
    assert not problems and [(r.id, r.attributes["team"]) for r in records] == expected
    batches, problems = read(tmp_path, path.read_text(encoding="utf-8"))
    assert not problems and [(i, team) for batch in batches
                             for i, team in zip(batch.ids.to_pylist(), batch.attribute("team").values)] == expected


def test_dates_written_month_first_are_warned_of_as_the_record_reader_warns(tmp_path):
    # kpi's reader, as check's: 3/25/2024 (R1) can only be month first, so R2's 3/1/2024, 3/4/2024 and 4/10/2024, read
    # day first as 3 January, 3 April and 4 October, may each be a month or more out, as may the 5/6/2024 of R4 (a
    # repeat of R2's id, read and then left out); R1 is not read. R3's 13/03/2024 reads one way alone.
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,team,referral,assessment_start,assessment_completed\n"
                    "R1,referral,A,3/25/2024,3/26/2024,\n"
                    "R2,referral,A,3/1/2024,3/4/2024,4/10/2024\n"
                    "R3,referral,A,2024-03-01,13/03/2024,\n"
                    "R2,referral,A,5/6/2024,,\n", encoding="utf-8")
    problems = []
    batches = list(read_batches([path], load_vocabulary(), problems))
    expected = read_records([path], load_vocabulary())[1]
    [warning] = [p for p in problems if p.warning]
    assert warning == [p for p in expected if p.warning][0]
    assert (warning.line, warning.column) == (3, 4)
    assert warning.message == (
        "'3/25/2024' at row 2 can only be month first, yet 4 date(s) of this file that read either way were read day "
        "first: '3/1/2024' (row 3) as 3 January 2024, '3/4/2024' (row 3) as 3 April 2024, '4/10/2024' (row 3) as 4 "
        "October 2024 and 1 more")
    assert sorted(i for batch in batches for i in batch.ids.to_pylist()) == ["R2", "R3"]
