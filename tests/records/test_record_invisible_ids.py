"""An id with a character that shows nothing in it (a zero-width space, a joiner, the word joiner, U+FEFF, a soft
hyphen: Unicode's format characters) is one located problem at its row, in every reader, as an id with a line
break is: 'a1' and 'a1' + U+200B were two records that every table and page showed as the same 'a1', one overdue
and one met, and the check for repeated ids could not see it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from openpyxl import Workbook

from compliance.errors import InputError
from compliance.records import Record, load_mapped, load_mapping, read_events, read_records
from compliance.records._record import INVISIBLE, id_fault
from compliance.records.columns import read_batches
from compliance.rules import load_vocabulary

from conftest import FIXTURES

HEADER = ["id", "kind", "authority", "framework", "lscb_review", "report_received", "report_published"]
#: Row 2 and row 6 are good; rows 3 to 5 hold an id that looks like row 2's.
ROWS = [
    ["HAR-2018", "inspection", "Haringey", "ILACS", "false", "14/12/2018", ""],
    ["HAR-2018\u200b", "inspection", "Haringey", "ILACS", "false", "14/12/2018", "25/01/2019"],  # pasted from a page
    ["HAR\u00ad-2018", "inspection", "Haringey", "ILACS", "false", "14/12/2018", "25/01/2019"],  # a soft hyphen
    ["\ufeffHAR-2018", "inspection", "Haringey", "ILACS", "false", "14/12/2018", "25/01/2019"],  # a BOM, mid-file
    ["Bexley-Café", "inspection", "Bexley", "ILACS", "false", "03/12/2024", ""],  # not ASCII, and nothing hidden
]
HINT = "delete the U+{}: text copied from a web page or a document often brings one in"
#: (row, message, code point) of each refused id, worked out by hand.
REFUSED = [
    (3, "the id 'HAR-2018\\u200b' holds U+200B (zero width space), which shows nothing: the id would look the same as "
        "'HAR-2018'", "200B"),
    (4, "the id 'HAR\\u00ad-2018' holds U+00AD (soft hyphen), which shows nothing: the id would look the same as "
        "'HAR-2018'", "00AD"),
    (5, "the id '\\ufeffHAR-2018' holds U+FEFF (zero width no-break space), which shows nothing: the id would look "
        "the same as 'HAR-2018'", "FEFF"),
]


def written(rows, encoding="utf-8"):
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([HEADER, *rows])
    return text.getvalue().encode(encoding)


def test_an_id_holding_a_character_that_shows_nothing_is_refused_at_its_row_by_both_csv_readers(tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_bytes(written(ROWS))
    records, problems = read_records([path])
    assert [r.id for r in records] == ["HAR-2018", "Bexley-Café"]
    assert [(p.line, p.column, p.field, p.message, p.hint) for p in problems] == [
        (row, 1, "id", message, HINT.format(code)) for row, message, code in REFUSED]
    streamed = []
    ids = [i for batch in read_batches([path], load_vocabulary(), streamed) for i in batch.ids.to_pylist()]
    assert ids == [r.id for r in records]
    assert [str(p) for p in streamed] == [str(p) for p in problems]


def test_one_such_id_among_thousands_of_ascii_ones_is_found_wherever_the_streamed_chunks_fall(tmp_path):
    # Chunks whose ids are all printable ASCII are never searched (the usual case): the one in row 2,001 is.
    rows = [[f"R{i:05d}", "inspection", "Southby", "ILACS", "false", "2019-12-12", ""] for i in range(3_000)]
    rows[1_999][0] = "R01999\u2060"  # a word joiner
    path = tmp_path / "tracker.csv"
    path.write_bytes(written(rows))
    records, problems = read_records([path])
    assert len(records) == 2_999 and [(p.line, p.field) for p in problems] == [(2_001, "id")]
    assert "holds U+2060 (word joiner)" in problems[0].message
    for block in (1 << 14, 1 << 20):
        streamed = []
        ids = [i for batch in read_batches([path], load_vocabulary(), streamed, block_bytes=block)
               for i in batch.ids.to_pylist()]
        assert sorted(ids) == sorted(r.id for r in records) and [str(p) for p in streamed] == [str(p) for p in problems]


def test_the_byte_order_mark_that_begins_a_file_is_its_encoding_not_part_of_an_id(tmp_path):
    path = tmp_path / "tracker.csv"
    for data in (codecs.BOM_UTF8 + written(ROWS[:1]), written(ROWS[:1], "utf-16")):
        path.write_bytes(data)
        encoding = "utf-16" if data.startswith(codecs.BOM_UTF16_LE) else "utf-8"
        records, problems = read_records([path], encoding=encoding)
        streamed = []
        ids = [i for b in read_batches([path], load_vocabulary(), streamed, encoding=encoding)
               for i in b.ids.to_pylist()]
        assert not problems and not streamed and [r.id for r in records] == ids == ["HAR-2018"]


def test_a_bidirectional_control_is_left_to_the_output_which_shows_it_as_its_escape():
    # Format characters too, but never invisible where the tool shows an id: every output writes \u202e.
    assert id_fault("abc\u202eFDP.exe") is None and id_fault("h\u2066x") is None


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_such_an_id_is_refused_in_yaml_and_json(tmp_path, suffix):
    items = [{"id": row[0], "kind": "inspection", "attributes": {"authority": row[2], "framework": "ILACS",
                                                                 "lscb_review": False},
              "events": {"report_received": "2018-12-14"}} for row in ROWS]
    path = tmp_path / f"records{suffix}"
    path.write_text(json.dumps({"records": items}, indent=1, ensure_ascii=suffix == ".json"), encoding="utf-8")
    records, problems = read_records([path])
    assert [r.id for r in records] == ["HAR-2018", "Bexley-Café"]
    assert [(p.field, p.message) for p in problems] == [("id", message) for _, message, _ in REFUSED]
    assert all(p.line for p in problems)


def test_such_an_id_is_refused_in_a_workbook_an_extract_an_event_file_and_in_code(tmp_path):
    book = Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    book.save(tmp_path / "tracker.xlsx")
    records, problems = read_records([tmp_path / "tracker.xlsx"])
    assert [r.id for r in records] == ["HAR-2018", "Bexley-Café"]
    assert [(p.line, p.column, p.message) for p in problems] == [(row, "A", message) for row, message, _ in REFUSED]

    source = (FIXTURES / "casework" / "annex-a-list5.csv").read_text(encoding="utf-8")
    (tmp_path / "list5.csv").write_text(source.replace("\nNB1001,", "\nNB1001\u200c,"), encoding="utf-8")
    records, problems = load_mapped([tmp_path / "list5.csv"], load_mapping("annex-a-list5"))
    hidden = [p for p in problems if p.field == "id"]
    assert [p.line for p in hidden] == [2] and "holds U+200C (zero width non-joiner)" in hidden[0].message
    assert not any("\u200c" in r.id for r in records)

    events = tmp_path / "events.csv"
    events.write_text("date,record,kind,event\n2018-12-14,HAR-2018,inspection,report_received\n"
                      "2019-01-25,HAR-2018\u200d,inspection,report_published\n", encoding="utf-8")
    read, problems = read_events(events, load_vocabulary())
    assert len(read) == 1 and [(p.line, p.column, p.field) for p in problems] == [(3, 2, "record")]
    assert "holds U+200D (zero width joiner)" in problems[0].message

    with pytest.raises(InputError, match=r"holds U\+FEFF"):
        Record("HAR-2018\ufeff", "inspection", {"framework": "ILACS"})


def test_every_format_character_but_the_bidirectional_controls_is_refused_alike_by_python_and_pyarrow():
    # The pattern is written out (a table of all 1,114,112 code points would cost every start); it must hold every
    # format character this Python knows (Unicode 14 on Python 3.11) but the ones every output escapes.
    bidi = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    cf = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    matched = {chr(c) for c in range(sys.maxunicode + 1) if INVISIBLE.match(chr(c))}
    assert cf - bidi <= matched and not matched & bidi
    assert all(unicodedata.category(c) in ("Cf", "Cn") for c in matched)  # Cn: assigned in a later Unicode
    from compliance.records.columns import _NOT_IN_ID
    sample = sorted(matched | bidi | set("a1é\u00a0\u3000-"))
    by_re2 = pc.match_substring_regex(pa.array(sample), _NOT_IN_ID).to_pylist()
    assert [c for c, hit in zip(sample, by_re2) if hit] == sorted(matched)
