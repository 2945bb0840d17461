"""Reading CSV files (records/_csv.py): a byte that is not text or an oversized cell is one problem at its row and
column and only that row is left out; encodings; files that are no CSV text at all.

Each file is read both ways, by the csv module (check, report, map, track) and streamed through pyarrow
(kpi, the vectorised engine), and both must give the same records and the same problems.
"""

from __future__ import annotations

import codecs
from datetime import date

import pytest

from compliance.errors import InputError
from compliance.records import load_mapped, load_mapping, read_records
from compliance.records._csv import CELL_LIMIT, RUNAWAY_LIMIT
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

from conftest import FIXTURES, referrals_csv

VOCABULARY = load_vocabulary()
CP1252_HINT = ("in a Windows-1252 file, which Excel writes as plain \"CSV\", it is {}: save the spreadsheet as "
               "\"CSV UTF-8\", or give --encoding cp1252")


def both_ways(path, encoding="utf-8"):
    """The records and problems read by the csv module, after checking that streaming gives the same."""
    records, problems = read_records([path], VOCABULARY, encoding=encoding)
    streamed = []
    teams = {}
    for batch in read_batches([path], VOCABULARY, streamed, encoding=encoding):
        team = batch.attribute("team")
        teams.update(zip(batch.ids.to_pylist(), (team.values[c] for c in team.codes)))
    assert sorted(teams) == sorted(r.id for r in records)
    assert {r.id: r.attributes.get("team") for r in records} == teams
    assert sorted(map(str, streamed)) == sorted(map(str, problems))
    return records, problems


def with_team(lines, row, team):
    """``lines`` with the team (column 4) of row ``row`` (the header is row 1) replaced."""
    cells = lines[row - 1].split(",")
    cells[3] = team
    return lines[: row - 1] + [",".join(cells)] + lines[row:]


def tracker(tmp_path, lines, swap=b"", by=b""):
    """A CSV file of ``lines`` as UTF-8, with the bytes ``swap`` replaced by ``by`` (bytes no text can hold)."""
    path = tmp_path / "tracker.csv"
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(data.replace(swap, by) if swap else data)
    return path


def test_one_bad_byte_in_row_2001_of_3000_is_one_problem_there_and_every_other_row_is_read(tmp_path):
    path = tracker(tmp_path, with_team(referrals_csv(3000), 2001, "@"), b"@", b"Children\x92s Services")
    records, problems = both_ways(path)
    assert len(records) == 2999 and "CH02000-R1" not in {r.id for r in records}
    assert [str(p) for p in problems] == [
        f"{path}:2001:4: team: byte 0x92 is not UTF-8 text ({CP1252_HINT.format('’')})"]


def with_comments(lines, notes):
    """``lines`` with a column for people, "# note", after the id: ``notes`` by row (the header is row 1)."""
    out = []
    for number, line in enumerate(lines, 1):
        rid, rest = line.split(",", 1)
        out.append(f"{rid},{'# note' if number == 1 else notes.get(number, '')},{rest}")
    return out


@pytest.mark.parametrize("wide", [False, True])
def test_a_byte_that_is_not_text_in_a_column_for_people_is_a_warning_and_its_row_is_read(tmp_path, wide):
    """An Excel apostrophe in a comment: no rule reads the column, so the row is read (its late decision is not
    lost) and the byte is a warning at its cell; a byte that is not text in a column read still keeps its row out,
    and says only that. ``wide``: the columns no rule reads are not parsed when streaming (kpi)."""
    lines = with_comments(with_team(referrals_csv(3000), 2001, "@"), {7: "Mum@s partner", 2001: "Mum@s partner"})
    if wide:
        lines = [line + (",x" * 12 if n > 1 else "".join(f",#c{k}" for k in range(12))) for n, line in enumerate(lines, 1)]
    path = tracker(tmp_path, lines, b"@", b"\x92")
    records, problems = both_ways(path)
    assert len(records) == 2999 and "CH00006-R1" in {r.id for r in records}
    assert [(p.line, p.column, p.field, p.message, p.warning) for p in problems] == [
        (7, 2, "# note", "byte 0x92 is not UTF-8 text; the column is for people and is not read, so the row was read",
         True),
        (2001, 5, "team", "byte 0x92 is not UTF-8 text", False)]  # the cell that keeps the row out, said alone
    assert problems[0].hint == CP1252_HINT.format("’")
    streamed = []
    read = [i for b in read_batches([path], VOCABULARY, streamed, columns={"referral"}) for i in b.ids.to_pylist()]
    assert len(read) == 2999 and sorted(map(str, streamed)) == sorted(map(str, problems))


def test_a_comment_with_a_byte_that_is_not_text_no_longer_hides_a_late_decision(tmp_path):
    """The row read, not left out: its referral decision, six days after the referral, is late."""
    from compliance.engines import evaluate

    lines = with_comments(referrals_csv(8), {8: "Mum@s partner"})
    records, problems = both_ways(tracker(tmp_path, lines, b"@", b"\x92"))
    late = [f for f in evaluate(records, as_of=date(2024, 6, 1)) if f.status == "late"]
    assert [(f.record, f.rule) for f in late] == [("CH00007-R1", "referral-decision-1wd")]
    assert [p.warning for p in problems] == [True]


def test_a_cell_over_the_limit_is_one_problem_at_its_cell_and_one_at_the_limit_is_read(tmp_path):
    lines = with_team(with_team(referrals_csv(40), 11, "x" * (CELL_LIMIT + 1)), 12, "y" * CELL_LIMIT)
    path = tracker(tmp_path, lines)
    records, problems = both_ways(path)
    assert [str(p) for p in problems] == [
        f"{path}:11:4: team: the cell is longer than the 1,048,576 characters a cell may hold (shorten it; a cell "
        "this long is often a quote (\") left open, which runs on into the rows after it)"]
    assert len(records) == 39 and records[9].attributes["team"] == "y" * CELL_LIMIT  # row 12


def test_a_quote_that_never_closes_stops_the_file_at_its_row_and_says_so(tmp_path):
    lines = referrals_csv(100)
    lines[50] = lines[50].replace(",no,", ',"no,')  # row 51
    path = tracker(tmp_path, lines + ["more,rows,the,quote,runs,on,into"] * (RUNAWAY_LIMIT // 30))
    records, problems = both_ways(path)
    assert len(records) == 49
    assert [str(p) for p in problems] == [
        f"{path}:51: a cell from here runs on past 16,777,216 characters, so a quote (\") here probably never "
        "closes; the rest of the file was not read (close the quote, or remove it)"]


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf-8-sig"])
def test_a_byte_order_mark_is_no_part_of_the_header_whichever_utf_8_is_named(tmp_path, encoding):
    path = tmp_path / "tracker.csv"
    path.write_bytes(codecs.BOM_UTF8 + "\n".join(with_team(referrals_csv(20), 3, "Children’s Services")).encode())
    records, problems = both_ways(path, encoding)
    assert not problems and len(records) == 20 and records[1].attributes["team"] == "Children’s Services"


def test_a_windows_1252_export_is_named_with_its_fix_and_read_right_with_cp1252(tmp_path):
    lines = with_team(with_team(referrals_csv(10), 3, "Children’s Services"), 5, "£ pilot")
    path = tmp_path / "tracker.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))
    records, problems = both_ways(path)
    assert [(p.line, p.column, p.field, p.message, p.hint) for p in problems] == [
        (3, 4, "team", "byte 0x92 is not UTF-8 text", CP1252_HINT.format("’")),
        (5, 4, "team", "byte 0xA3 is not UTF-8 text", CP1252_HINT.format("£"))]
    assert len(records) == 8
    for name in ("cp1252", "windows-1252"):
        records, problems = both_ways(path, name)
        assert not problems and [r.attributes["team"] for r in records][1:4] == [
            "Children’s Services", "Assessment North", "£ pilot"]


def test_a_byte_the_given_encoding_has_no_character_for_is_located_in_it_too(tmp_path):
    # 0x81 is one of the five bytes Windows-1252 leaves unused; the streamed reading gives up there and reads on.
    path = tracker(tmp_path, with_team(referrals_csv(3000), 2001, "@"), b"@", b"Caf\xe9 \x81")
    records, problems = both_ways(path, "cp1252")
    assert len(records) == 2999
    assert [str(p) for p in problems] == [
        f"{path}:2001:4: team: byte 0x81 is not cp1252 text (give --encoding the encoding the file was saved in, or "
        "save it as CSV UTF-8)"]


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04" + bytes(200), "this is a zip file (an Excel workbook named .csv?), not CSV text"),
    # An old Excel workbook (.xls), or a password-protected .xlsx, renamed .csv: it was "byte 0xD0 is not UTF-8 text
    # ... give --encoding cp1252", and with that, "if it is UTF-32 ...".
    (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600),
     "this is an old-format Excel workbook (.xls) or a password-protected one, not CSV text"),
    ("\n".join(referrals_csv(3)).encode("utf-16"),
     "this is UTF-16 text (what Excel saves as \"Unicode Text\", its columns separated by tabs), not CSV in UTF-8"),
    (b"id,kind,t\x92am\nr1,referral,North\n",
     "the header row cannot be read: byte 0x92 is not UTF-8 text; no row of this file was read"),
    ("\n".join(referrals_csv(3)).encode("utf-16-le"), "the header row holds NUL characters: this is not CSV text"),
])
def test_a_file_that_is_no_csv_text_is_one_problem_for_the_file(tmp_path, content, message):
    path = tmp_path / "tracker.csv"
    path.write_bytes(content)
    records, problems = both_ways(path)
    assert records == [] and [p.message for p in problems] == [message]


def test_a_utf_16_file_reads_with_encoding_utf_16(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes("\n".join(with_team(referrals_csv(30), 7, "Children’s Services")).encode("utf-16"))
    records, problems = both_ways(path, "utf-16")
    assert not problems and len(records) == 30 and records[5].attributes["team"] == "Children’s Services"


def test_excels_unicode_text_is_told_to_be_saved_as_a_workbook_not_read_with_encoding_utf_16(tmp_path):
    """Excel's "Unicode Text" is UTF-16 separated by tabs: the advice, --encoding utf-16, led to "the header row has no
    id or kind column", for a header that plainly named both."""
    path = tmp_path / "tracker.csv"  # saved as "Unicode Text", then renamed
    path.write_bytes("id\tkind\treferral\r\nr1\treferral\t03/04/2025\r\n".encode("utf-16"))
    records, problems = both_ways(path)
    assert records == [] and [p.hint for p in problems] == [
        "save it as an Excel Workbook (.xlsx) and give that (or as CSV UTF-8, where Windows' list separator is a "
        "comma); a UTF-16 file separated by commas is read with --encoding utf-16"]
    records, problems = both_ways(path, "utf-16")
    assert records == [] and [str(p) for p in problems] == [
        f"{path}:1: the header row has no id or kind column (its columns are separated by tabs, as Excel saves "
        "\"Unicode Text\": save it as an Excel Workbook (.xlsx) and give that (or as CSV UTF-8, where Windows' list "
        "separator is a comma))"]


@pytest.mark.parametrize("encoding, mark", [("utf-16-be", codecs.BOM_UTF16_BE), ("UTF-16LE", codecs.BOM_UTF16_LE)])
def test_a_utf_16_file_with_its_byte_order_mark_reads_with_the_byte_order_named(tmp_path, encoding, mark):
    """The mark started the first header ("\ufeffid"), and the file was refused for having no id column."""
    path = tmp_path / "tracker.csv"
    lines = with_team(referrals_csv(30), 7, "Children’s Services")
    path.write_bytes(mark + "\n".join(lines).encode(encoding))
    records, problems = both_ways(path, encoding)
    assert not problems and len(records) == 30 and records[5].attributes["team"] == "Children’s Services"
    open_quote = lines[:10] + [lines[10].replace(",", ',"', 1)] + lines[11:]
    path.write_bytes(mark + "\n".join(open_quote).encode(encoding))
    records, problems = both_ways(path, encoding)
    assert len(records) == 9 and [(p.line, "never closes" in p.message) for p in problems] == [(11, True)]


@pytest.mark.parametrize("name", ["nonsense", "hex", "rot13", ""])
def test_an_unknown_encoding_is_bad_input_before_any_file_is_read(tmp_path, name):
    with pytest.raises(InputError, match="is not a text encoding Python knows"):
        read_records([tmp_path / "not-read.csv"], VOCABULARY, encoding=name)
    with pytest.raises(InputError, match="is not a text encoding Python knows"):
        list(read_batches([tmp_path / "not-read.csv"], VOCABULARY, [], encoding=name))


def test_an_extract_read_through_a_mapping_loses_only_the_row_with_the_bad_byte(tmp_path):
    path = tmp_path / "list5.csv"
    path.write_bytes((FIXTURES / "casework" / "annex-a-list5.csv").read_bytes().replace(
        b"CP East", b"Children\x92s Services", 1))
    mapping = load_mapping("annex-a-list5")
    records, problems = load_mapped([path], mapping)
    # Rows 5 and 6 hold a bad date and a bad code (test_mappings.py); row 2 now a byte that is not UTF-8.
    assert [(p.line, p.column) for p in problems] == [(2, 8), (5, 4), (6, 5)]
    assert (problems[0].field, problems[0].message) == ("Allocated Team", "byte 0x92 is not UTF-8 text")
    assert "NB1001-S47-2020-12-16" not in {r.id for r in records} and len(records) == 3
    records, problems = load_mapped([path], mapping, encoding="cp1252")
    assert [p.line for p in problems] == [5, 6]
    assert records[0].id == "NB1001-S47-2020-12-16" and records[0].attributes["team"] == "Children’s Services"


LONG = "the cell is longer than the 1,048,576 characters a cell may hold"
LONG_HINT = "shorten it; a cell this long is often a quote (\") left open, which runs on into the rows after it"


@pytest.mark.parametrize("cell, ending", [
    ("N" * (RUNAWAY_LIMIT + 1_000), "\n"),  # no quote in the file at all: a note pasted many times over
    ('"Front Door, ""duty"" desk ' + "N" * RUNAWAY_LIMIT + '"', "\r\n"),  # quoted, the quote closed on its line
])
def test_a_cell_past_the_runaway_limit_on_a_line_of_its_own_is_only_too_long_and_the_rows_after_it_are_read(
        tmp_path, cell, ending):
    # Row 11's team (column 4) holds over 16 Mi characters; the row is all on its line, so where the next row
    # begins is known. It was taken for a quote that never closes, and rows 12 to 41 were not read.
    from unittest import mock

    import compliance.records.columns
    path = tmp_path / "tracker.csv"
    path.write_bytes(ending.join(with_team(referrals_csv(40), 11, cell)).encode("utf-8") + ending.encode())
    # pyarrow gives up on a row longer than its block (1 MiB); in a block that holds it, the row goes to the csv
    # module all the same, which says whether a quote runs on.
    for block in (None, 64 << 20):
        with mock.patch.object(compliance.records.columns, "_READ_BLOCK_BYTES", block or 1 << 20):
            records, problems = both_ways(path)
        assert [str(p) for p in problems] == [f"{path}:11:4: team: {LONG} ({LONG_HINT})"]
        assert len(records) == 39 and "CH00010-R1" not in {r.id for r in records}
        assert records[-1].id == "CH00040-R1" and records[-1].attributes["team"] == "Assessment South"  # row 41


def test_a_quote_left_open_in_a_cell_past_the_runaway_limit_still_stops_the_file_at_its_row(tmp_path):
    path = tracker(tmp_path, with_team(referrals_csv(40), 11, '"' + "N" * (RUNAWAY_LIMIT + 10)))
    records, problems = both_ways(path)
    assert len(records) == 9
    assert [str(p) for p in problems] == [
        f"{path}:11: a cell from here runs on past 16,777,216 characters, so a quote (\") here probably never "
        "closes; the rest of the file was not read (close the quote, or remove it)"]


def test_a_header_cell_past_the_runaway_limit_is_the_header_that_cannot_be_read(tmp_path):
    lines = referrals_csv(5)
    lines[0] = lines[0].replace(",team,", "," + "t" * (RUNAWAY_LIMIT + 1) + ",")
    records, problems = both_ways(tracker(tmp_path, lines))
    assert records == [] and [(p.line, p.column, p.message) for p in problems] == [
        (1, 4, f"the header row cannot be read: {LONG}; no row of this file was read")]


@pytest.mark.parametrize("line, expected", [  # with a limit of 8 characters a cell; "runs on": None
    ("CH1,referral,NNNNNNNNN,no\n", (2, "long")),  # unquoted: referral is 8, at the limit; NNNNNNNNN is 9
    ('CH1,"say ""hi"" N",no\r\n', (1, "long")),  # the cell holds: say "hi" N (10 characters)
    ('CH1,"say ""hi""",no', (None, None)),  # the cell holds: say "hi" (8): no cell is bad
    ('CH1,ab"cdefgh,no\n', (1, "long")),  # a quote inside a cell it did not open is the cell's: ab"cdefgh (9)
    ('"CH1"NNNN,no\n', (None, None)),  # text after the closing quote is the cell's: CH1NNNN (7)
    ('"CH1"NNNNNN,no\n', (0, "long")),  # CH1NNNNNN (9)
    ("CH1,b\udc92,NNNNNNNNN\n", (1, "byte 0x92 is not UTF-8 text")),  # the first bad cell, as row_fault finds it
    ('CH1,"NNNNNNNNN\n', None),  # a quote open at the end of the line runs on into the lines after it
    ('CH1,"NNN""\n', None),  # ...and one whose last quote is doubled
    ('CH1,"NN\nNNNNNNN",no\n', None),  # a line break inside the row: it took more than one line
])
def test_a_row_the_csv_module_stopped_in_is_read_off_its_line_as_the_csv_module_splits_it(line, expected):
    import csv
    from unittest import mock

    import compliance.records._csv as module
    with mock.patch.object(module, "CELL_LIMIT", 8):
        found = module.long_line_fault(line, "utf-8")
        long = module._too_long()
        assert long[0] == "the cell is longer than the 8 characters a cell may hold"
        if expected is None:
            assert found is None
            return
        assert ((found[0], "long" if found[1] == long else found[1][0]) if found else (None, None)) == expected
        # The row is whole on its line: row_fault finds the same in the cells the csv module reads off it.
        assert module.row_fault(next(csv.reader([line])), "utf-8") == found


def utf_32(lines, encoding="utf-32"):
    """``lines`` as UTF-32 with a byte-order mark (little-endian here, as Python writes "utf-32" on this machine)."""
    text = ("\n".join(lines) + "\n").encode(encoding)
    return text if encoding == "utf-32" else codecs.BOM_UTF32_BE + text


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-be"])
def test_a_utf_32_file_is_named_utf_32_and_reads_with_encoding_utf_32(tmp_path, encoding):
    # FF FE 00 00 begins with the UTF-16 mark FF FE: the file was called UTF-16, and --encoding utf-16, as advised,
    # then found NUL characters in the header and advised --encoding utf-16 again.
    path = tmp_path / "tracker.csv"
    path.write_bytes(utf_32(with_team(referrals_csv(30), 7, "Children’s Services"), encoding))
    for given in ("utf-8", "utf-16", "cp1252"):
        records, problems = both_ways(path, given)
        shown_as = "UTF-8" if given == "utf-8" else given
        assert records == [] and [(p.message, p.hint) for p in problems] == [
            (f"this is UTF-32 text, not CSV in {shown_as}", "save it as CSV UTF-8, or give --encoding utf-32")]
    named = "utf-32-le" if encoding == "utf-32" else encoding
    for given in ("utf-32", "UTF-32", named):  # the mark is no part of the header, whichever order is named
        records, problems = both_ways(path, given)
        assert not problems and len(records) == 30 and records[5].attributes["team"] == "Children’s Services"


@pytest.mark.parametrize("saved_as, read_as, advice", [
    ("utf-32-le", "utf-8", "utf-32"), ("utf-32-be", "utf-8", "utf-32"), ("utf-32-le", "utf-16-le", "utf-32"),
    ("utf-16-le", "utf-8", "utf-16"), ("utf-16-be", "cp1252", "utf-16"),
])
def test_a_header_of_nul_characters_names_the_encoding_it_was_likely_saved_in(tmp_path, saved_as, read_as, advice):
    # No byte-order mark: UTF-32 puts three NULs beside each letter of "id,kind,...", UTF-16 one.
    path = tmp_path / "tracker.csv"
    path.write_bytes(("\n".join(referrals_csv(3)) + "\n").encode(saved_as))
    records, problems = both_ways(path, read_as)
    assert records == [] and [(p.line, p.message) for p in problems] == [
        (1, "the header row holds NUL characters: this is not CSV text")]
    assert f"give --encoding {advice}" in problems[0].hint
