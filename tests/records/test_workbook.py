"""Excel workbooks: a zip bomb refused before it is unpacked; formulas never calculated warned of, merged cells
filled (more in test_workbook_sheets.py)."""

from __future__ import annotations

import io
import itertools
import json
import re
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from datetime import date

import pytest
from openpyxl import Workbook

import compliance.records._workbook as workbook
from compliance.records import excel_column, load_records, read_records
from compliance.records._workbook import MAX_NOTES, MAX_PART, MAX_ROWS, MAX_SHARED_BYTES, MAX_SHARED_STRINGS

from conftest import ROOT

HEADER = ["id", "kind", "authority", "framework", "lscb_review", "report_received", "ofsted_published"]


def tracker_book(rows: int = 4) -> Workbook:
    """A tracker in the record layout: inspections received on 2 January of 2020 and later years."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(HEADER)
    for i in range(rows):
        sheet.append([f"la{i}-{2020 + i}", "inspection", f"LA {i}", "ILACS", "false", f"{2020 + i}-01-02",
                      f"{2020 + i}-01-07"])
    return book


def with_part(source: bytes, name: str, edit) -> bytes:
    """The workbook ``source`` with its part ``name`` changed by ``edit`` (bytes to bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, edit(data) if info.filename == name else data)
    return out.getvalue()


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_by_hand(path, parts) -> None:
    """A zip of raw-deflated ``parts`` (name, compressed pieces, crc32, unpacked size), written without compressing
    anything here: a part of hundreds of megabytes is a list repeating one compressed megabyte."""
    directory = []
    with open(path, "wb") as out:
        for name, pieces, crc, size in parts:
            offset, packed, encoded = out.tell(), sum(map(len, pieces)), name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, packed, size, len(encoded), 0))
            out.write(encoded)
            for piece in pieces:
                out.write(piece)
            directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, packed, size,
                                         len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        start = out.tell()
        out.write(b"".join(directory))
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory), out.tell() - start,
                              start, 0))


def deflated(data: bytes, final: bool) -> bytes:
    """Raw deflate of ``data`` that starts afresh, so that pieces made this way can follow one another."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def bomb(path, megabytes: int) -> None:
    """A real tracker whose sheet carries ``megabytes`` MiB of spaces before </sheetData>: about 1 KB per MiB."""
    parts = []
    with zipfile.ZipFile(io.BytesIO(saved(tracker_book()))) as source:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, tail = data.split(b"</sheetData>")
                block = b" " * (1 << 20)
                crc = zlib.crc32(head)
                for _ in range(megabytes):
                    crc = zlib.crc32(block, crc)
                tail = b"</sheetData>" + tail
                parts.append((info.filename, [deflated(head, False)] + [deflated(block, False)] * megabytes
                              + [deflated(tail, True)], zlib.crc32(tail, crc),
                              len(head) + megabytes * len(block) + len(tail)))
            else:
                parts.append((info.filename, [deflated(data, True)], zlib.crc32(data), len(data)))
    zip_by_hand(path, parts)


def test_the_hand_made_zip_is_a_workbook_openpyxl_reads(tmp_path):
    """The bomb's construction is sound: small, it is an ordinary tracker."""
    path = tmp_path / "small.xlsx"
    bomb(path, 2)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["la0-2020", "la1-2021", "la2-2022", "la3-2023"] and problems == []


def test_a_workbook_unpacking_to_600_mb_is_refused_before_it_is_unpacked(tmp_path, run_cli):
    """Issue 12: a 1 MB .xlsx holding 1 GiB of XML took 2.2 GB and 31 s."""
    path = tmp_path / "tracker.xlsx"
    bomb(path, 600)
    assert path.stat().st_size < 2 << 20
    records, problems = read_records([path])
    assert records == []
    [problem] = problems
    assert str(problem).startswith(f"{path}: the workbook unpacks to 600 MB, more than the 500 MB limit (")
    code, _, err = run_cli("check", str(path), "--as-of", "2024-01-01")
    assert code == 2 and "unpacks to 600 MB" in err and "Traceback" not in err


def test_a_large_part_that_shrank_a_thousand_times_is_refused(tmp_path):
    path = tmp_path / "tracker.xlsx"
    bomb(path, 40)
    records, problems = read_records([path])
    assert records == []
    [problem] = problems
    assert "xl/worksheets/sheet1.xml in the workbook unpacks to 40 MB" in problem.message
    assert "times its packed size: more than 100 times is not a sheet Excel writes" in problem.message


def test_a_formula_with_no_saved_result_is_a_located_warning_and_its_date_is_unknown(tmp_path):
    """Probe P3: such a date was read as empty, "not happened", and its duty called overdue with only a warning.
    The date exists but is not known: the event is unknown (missing data naming it), never overdue."""
    book = tracker_book()
    book["Tracker"]["G3"] = "=F3+5"  # openpyxl saves the formula alone, as any script does
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert len(records) == 4 and "ofsted_published" not in records[1].events
    assert "ofsted_published" not in records[1].recorded and "ofsted_published" in records[0].recorded
    [warning] = problems
    assert warning.warning and (warning.line, warning.column) == (3, "G")
    assert str(warning) == (f"{path}:3:G: Tracker!G3 holds a formula with no saved result, so its value is not known: "
                            "a date there is read as unknown (missing data), any other field the records are read "
                            "from stops its row (open the workbook in Excel and save it, which saves each formula's "
                            "result, or type the value)")
    assert load_records([path])  # a warning rejects nothing


def _own_mapping(tmp_path) -> tuple[str, ...]:
    """The options of a council's own mapping of the workbook's columns (the same names as the record layout)."""
    (tmp_path / "own.yaml").write_text(
        'mapping: own\nkind: inspection\nid: "{id}"\nattributes:\n  framework: framework\n'
        "events:\n  report_received: report_received\n  report_published: report_published\n", encoding="utf-8")
    return ("--mapping", str(tmp_path / "own.yaml"))


@pytest.mark.parametrize("mapped", [False, True])
def test_a_duty_whose_completion_is_an_uncalculated_formula_is_missing_data_not_overdue(tmp_path, run_cli, mapped):
    """The probe's workbook: an ILACS report received Thu 3 April 2025, its publication =D2+10 never calculated.
    30 working days, skipping Good Friday, Easter Monday and 5 May, end Tue 20 May 2025: by 20 Nov 2026 it was
    "overdue"; it is missing data, naming report_published, in check and kpi, read as it is or through a mapping."""
    book = Workbook()
    book.active.append(["id", "kind", "framework", "report_received", "report_published"])
    book.active.append(["F1", "inspection", "ILACS", date(2025, 4, 3), "=D2+10"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    given = _own_mapping(tmp_path) if mapped else ()
    code, out, err = run_cli("check", str(path), *given, "--as-of", "2026-11-20", "--format", "json")
    assert code == 0 and "Sheet!E2 holds a formula with no saved result" in err, err
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] == "la-publish-report"]
    assert (finding["status"], finding["deadline"], finding["unrecorded"]) == (
        "missing_data", "2025-05-20", ["report_published"])
    code, out, err = run_cli("kpi", str(path), *given, "--as-of", "2026-11-20", "--format", "json")
    [row] = [r for r in json.loads(out)["rows"] if r["rule"] == "la-publish-report"]
    assert code == 0 and (row["overdue"], row["not_recorded"]) == (0, 1), row


@pytest.mark.parametrize("mapped", [False, True])
def test_an_uncalculated_formula_in_any_other_field_stops_its_row_at_its_cell(tmp_path, run_cli, mapped):
    """An id, a kind or an attribute not known may decide every duty of the record: its row is a problem at the
    cell, the other rows read. A row holding nothing but formulas (filled down past the last record) is no record."""
    book = Workbook()
    book.active.append(["id", "kind", "framework", "report_received", "report_published", "# days"])
    book.active.append(["F1", "inspection", '=IF(1,"ILACS","SIF")', date(2025, 4, 3), None, "=1"])
    book.active.append(['="F"&2', "inspection", "ILACS", date(2025, 4, 3)])
    book.active.append(["F3", "inspection", "ILACS", date(2025, 4, 3), None, "=1"])
    book.active.append([None, None, None, "=D4", None, "=1"])
    path = tmp_path / "formula.xlsx"
    book.save(path)
    given = _own_mapping(tmp_path) if mapped else ()
    code, out, err = run_cli("check", str(path), *given, "--as-of", "2025-04-04", "--format", "json")
    assert code == 2
    assert {f["record"] for f in json.loads(out)["findings"]} == {"F3"}
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    said = "the cell holds a formula with no saved result, so its value is not known: the row was not read"
    assert errors == [f"error: {path}:2:C: framework: {said} (open the workbook in Excel and save it, which saves "
                      "each formula's result, or type the value)",
                      f"error: {path}:3:A: id: {said} (open the workbook in Excel and save it, which saves each "
                      "formula's result, or type the value)"]
    assert "2 problem(s) in the records" in err and f"{path}:5:D: Sheet!D5 holds a formula" in err


def test_past_the_formulas_marked_a_sheet_is_read_no_further_at_a_located_problem(tmp_path, monkeypatch):
    """Each formula with no saved result is kept to be marked (8 bytes); past MAX_UNCALCULATED a cell would be
    read as empty, a date "not happened": the rows from the first formula not kept are one problem, not read."""
    monkeypatch.setattr(workbook, "MAX_UNCALCULATED", 3)
    book = tracker_book(rows=6)
    for row in range(2, 8):
        book["Tracker"][f"G{row}"] = f"=F{row}+5"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["la0-2020", "la1-2021", "la2-2022"]
    assert all("ofsted_published" not in r.recorded for r in records)
    [error] = [p for p in problems if not p.warning]
    assert (error.line, error.message) == (5, "the sheet 'Tracker' holds more than 3 formulas with no saved result: "
                                              "this row and the rest of the sheet were not read")


def test_a_calculated_formula_is_read_without_a_word(tmp_path):
    book = tracker_book()
    book["Tracker"]["G3"] = "=F3+5"
    book["Tracker"]["H1"] = "# note"
    book["Tracker"]["H2"] = '=""'
    source = saved(book)
    # As Excel saves them: a formula with its result, and a text formula whose result is empty.
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(with_part(source, "xl/worksheets/sheet1.xml",
                               lambda xml: xml.replace(b'<c r="G3"><f>F3+5</f><v />',
                                                       b'<c r="G3" t="str"><f>F3+5</f><v>2021-01-07</v>')
                               .replace(b'<c r="H2"><f>""</f><v />', b'<c r="H2" t="str"><f>""</f><v></v>')))
    records, problems = read_records([path])
    assert problems == [] and len(records) == 4
    assert str(records[1].events["ofsted_published"][0]) == "2021-01-07"


def test_merged_cells_are_read_as_excel_shows_them_and_named_in_one_located_warning(tmp_path):
    # This test asserted that C3, C4 and A6:D7's other cells were read as empty, with a warning for each range:
    # a merged value is now filled into every cell of its range, as Excel shows it (see test_workbook_sheets.py).
    book = tracker_book()
    book["Tracker"].merge_cells("C2:C4")
    book["Tracker"].merge_cells("A6:D7")
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [str(p) for p in problems if p.warning] == [
        f"{path}:2:C: Tracker!C2:C4 and Tracker!A6:D7 are merged ranges: each cell of a range is read as holding the "
        "value of its first cell, as Excel shows it (check the records on those rows are as they should be; unmerge "
        "the cells and fill each in to be sure)"]
    assert [r.attributes["authority"] for r in records] == ["LA 0", "LA 0", "LA 0", "LA 3"]


def test_records_on_hidden_rows_are_read_with_a_warning_naming_each_row(tmp_path):
    """A filter (or Hide) hid rows of records, and they were read without a word: the findings named cases no one
    looking at the sheet could see. Still read (left out, they would be lost), with a warning naming the rows."""
    book = tracker_book(5)
    for row in (3, 5, 9):  # la1 and la3, and a blank row below the records
        book["Tracker"].row_dimensions[row].hidden = True
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["la0-2020", "la1-2021", "la2-2022", "la3-2023", "la4-2024"]
    assert [str(p) for p in problems] == [
        f"{path}:3: rows 3 and 5 of the sheet 'Tracker' are hidden (by a filter, or Hide), and they were read "
        "with the others (clear the filter, or select the rows around them, right-click and choose Unhide, to see "
        "them; if their records are not to be checked, delete them or move them to a workbook of their own)"]
    assert problems[0].warning
    book["Tracker"].row_dimensions[3].hidden = book["Tracker"].row_dimensions[9].hidden = False
    book.save(path)
    _, problems = read_records([path])
    assert [p.message for p in problems] == [
        "row 5 of the sheet 'Tracker' is hidden (by a filter, or Hide), and it was read with the others"]
    # On a hidden sheet, the sheet's warning says it all.
    book["Tracker"].sheet_state = "hidden"
    book.create_sheet("Cover")
    book.save(path)
    records, problems = read_records([path])
    assert len(records) == 5 and [p.message for p in problems] == [
        "the sheet 'Tracker' is hidden, and its rows were read with the others: 5 rows of records, from row 2 to "
        "row 6"]


def test_many_formulas_are_warned_of_one_by_one_then_counted(tmp_path):
    book = tracker_book(rows=30)
    for row in range(2, 32):
        book["Tracker"][f"H{row}"] = f"=F{row}+1"
    book["Tracker"]["H1"] = "# check"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    _, problems = read_records([path])
    assert all(p.warning for p in problems) and len(problems) == MAX_NOTES + 1
    assert problems[-1].message == (f"{30 - MAX_NOTES} more cells of Tracker hold a formula with no saved result, "
                                    "read so too")


def test_check_kpi_and_report_print_warnings_without_counting_them_as_skipped_rows(tmp_path, run_cli):
    book = tracker_book()
    book["Tracker"]["G3"] = "=F3+5"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    warning = f"warning: {path}:3:G: Tracker!G3 holds a formula with no saved result"
    code, out, err = run_cli("check", str(path), "--as-of", "2020-01-03")
    assert code == 0 and warning in err and "problem(s)" not in err and "la0-2020" in out
    code, _, err = run_cli("kpi", str(path), "--as-of", "2024-01-03")
    assert code == 0 and warning in err and "problem(s)" not in err
    code, _, err = run_cli("report", str(path), "--as-of", "2020-01-03", "--out", str(tmp_path / "out"))
    assert code == 0 and f"WARNING warning: {path}:3:G: Tracker!G3 holds a formula" in err and "skipped" not in err


@pytest.mark.parametrize("content", [b"PK\x03\x04 truncated", b"", b"\x00" * 100])
def test_a_damaged_workbook_is_one_problem_not_a_traceback(tmp_path, content):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(content)
    records, problems = read_records([path])
    assert records == [] and len(problems) == 1 and "cannot open as an Excel workbook" in problems[0].message



def test_a_date_serial_out_of_range_is_a_located_problem_and_no_python_warning(tmp_path, recwarn):
    """Found by tests/test_fuzz.py: openpyxl's UserWarning about the cell reached the terminal."""
    book = tracker_book()
    book["Tracker"]["F3"] = date(2021, 1, 2)  # saved as a serial number with a date format
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(with_part(saved(book), "xl/worksheets/sheet1.xml",
                               lambda xml: re.sub(rb'(<c r="F3"[^>]*><v>)[^<]*', rb"\g<1>1e20", xml)))
    records, problems = read_records([path])
    assert len(records) == 3 and recwarn.list == []
    [problem] = problems
    assert (problem.line, problem.column, problem.field) == (3, "F", "report_received")


# -- what reading a workbook inside the zip limits may cost ---------------------------------------------------------

SHARED_STRINGS_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                       b'officedocument.spreadsheetml.sharedStrings+xml"/>')
SHARED_STRINGS_LINK = (b'<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                       b'relationships/sharedStrings" Target="sharedStrings.xml"/>')


def crafted(path, strings=None, styles=None, rows=None, dimension=None) -> None:
    """A real tracker (two rows, as openpyxl saves it) with parts made to cost: ``strings`` and ``rows`` are
    functions yielding the shared strings' <si> elements and more <row> elements, streamed into the zip."""
    with zipfile.ZipFile(io.BytesIO(saved(tracker_book(rows=1)))) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    streamed = {}
    if strings is not None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>",
                                                                            SHARED_STRINGS_TYPE + b"</Types>")
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", SHARED_STRINGS_LINK + b"</Relationships>")
        streamed["xl/sharedStrings.xml"] = lambda: itertools.chain(
            [b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'], strings(), [b"</sst>"])
    if styles is not None:
        parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b'<fonts count="1">', b"<fonts>" + styles)
    sheet = parts["xl/worksheets/sheet1.xml"]
    if dimension is not None:
        sheet = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % dimension.encode(), sheet)
    head, tail = sheet.split(b"</sheetData>")
    streamed["xl/worksheets/sheet1.xml"] = lambda: itertools.chain([head], rows() if rows else [],
                                                                   [b"</sheetData>" + tail])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, data in parts.items():
            if name not in streamed:
                book.writestr(name, data)
        for name, chunks in streamed.items():
            with book.open(name, "w", force_zip64=True) as out:
                for chunk in chunks():
                    out.write(chunk)


def in_blocks(make, count, start=0, block=10_000):
    """Elements ``make(i)`` for i from ``start`` on, ``count`` of them, joined in blocks (bytes)."""
    return lambda: (b"".join(make(i) for i in range(s, min(start + count, s + block)))
                    for s in range(start, start + count, block))


# The peak is the process's own (VmHWM): ru_maxrss would count the test process it was forked from.
MEASURE = textwrap.dedent("""
    import json, re, sys
    from compliance.records import read_records
    records, problems = read_records([sys.argv[1]])
    with open("/proc/self/status") as status:
        peak_kb = int(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1))
    print(json.dumps({"records": len(records), "problems": [str(p) for p in problems[:3]], "peak_mb": peak_kb // 1024}))
""")


def read_in_a_child(path) -> dict:
    """Read the workbook in a fresh process; what it read and its peak memory (MB)."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=900,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_workbook_of_3_million_shared_strings_is_refused_within_a_memory_bound(tmp_path):
    """Issue 22: a 1.67 MB .xlsx whose shared strings unpack to 100 MB took 42 s and 870 MB, inside both zip limits.
    Here 3,000,000 short strings (65 MB, 8 MB packed: text shrinks some eight times) took 500 MB, and 6,000,000
    took 959 MB."""
    path = tmp_path / "tracker.xlsx"
    crafted(path, strings=in_blocks(lambda i: b"<si><t>%d</t></si>" % i, 3_000_000))
    assert path.stat().st_size < 10 << 20
    read = read_in_a_child(path)
    assert read["records"] == 0 and len(read["problems"]) == 1
    assert read["problems"][0].startswith(f"{path}: the workbook holds more than {MAX_SHARED_STRINGS:,} different "
                                          "texts (shared strings)")
    assert read["peak_mb"] < 350, read  # the first 1,048,576 strings are read (some 200 MB), then it stops


def test_the_costliest_workbook_inside_every_limit_is_read_within_a_memory_bound(tmp_path):
    """Every limit reached at once in a 5 MB file: 1,048,576 shared strings making 64 MB, 4 MB of styles (fonts, the
    costliest element) and 1,048,576 rows that carry a height (openpyxl keeps each row's attributes). Read whole, at
    some 710 MB: what any workbook may cost to read, besides its records."""
    count = MAX_SHARED_STRINGS
    size = (MAX_SHARED_BYTES - 200) // count - len(b"<si><t></t></si>")
    fonts, room = [], MAX_PART - 4000  # the rest of styles.xml is some 3 KB
    while room > 0:
        fonts.append(b'<font><name val="Font %d" /></font>' % len(fonts))
        room -= len(fonts[-1])
    path = tmp_path / "tracker.xlsx"
    crafted(path, strings=in_blocks(lambda i: b"<si><t>%08d%s</t></si>" % (i, b"x" * (size - 8)), count),
            styles=b"".join(fonts),
            rows=in_blocks(lambda r: b'<row r="%d" ht="20" customHeight="1"/>' % r, MAX_ROWS - 2, start=3))
    assert path.stat().st_size < 8 << 20
    with zipfile.ZipFile(path) as book:
        assert book.getinfo("xl/sharedStrings.xml").file_size <= MAX_SHARED_BYTES
        assert MAX_PART - 8000 < book.getinfo("xl/styles.xml").file_size <= MAX_PART
    read = read_in_a_child(path)
    assert read == {"records": 1, "problems": [], "peak_mb": read["peak_mb"]}
    assert read["peak_mb"] < 900, read


def test_a_part_openpyxl_keeps_whole_is_read_only_up_to_its_limit(tmp_path):
    """4 MB of fonts took 145 MB; 16 MB (760 KB packed) took 475 MB."""
    path = tmp_path / "tracker.xlsx"
    crafted(path, styles=b"".join(b'<font><name val="Font %d" /></font>' % i for i in range(500_000)))
    records, problems = read_records([path])
    assert records == [] and [str(p) for p in problems] == [
        f"{path}: xl/styles.xml in the workbook unpacks to more than 4 MB, more than a workbook is read with (save "
        "the sheet as CSV UTF-8, which is read with no such limit, or split it over several workbooks)"]


def test_shared_strings_are_counted_and_measured_as_they_are_read(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_SHARED_STRINGS", 1000)
    path = tmp_path / "tracker.xlsx"
    # Strings as Excel writes them (rich text, an empty one, a prefixed namespace) are each one string.
    strings = [b"<si><t>plain</t></si>", b'<si><r><t>rich</t></r><r><t xml:space="preserve"> text</t></r></si>',
               b"<si/>", b"<si>\n<t>on lines</t></si>"]
    crafted(path, strings=in_blocks(lambda i: strings[i % 4], 1000))
    assert read_records([path])[1] == []
    crafted(path, strings=in_blocks(lambda i: strings[i % 4], 1001))
    [problem] = read_records([path])[1]
    assert "more than 1,000 different texts (shared strings)" in problem.message
    monkeypatch.setattr(workbook, "MAX_SHARED_BYTES", 20_000)
    crafted(path, strings=in_blocks(lambda i: b"<si><t>%0100d</t></si>" % i, 200))
    [problem] = read_records([path])[1]
    assert problem.message.startswith("xl/sharedStrings.xml in the workbook unpacks to more than 0 MB")


def test_the_declared_dimension_neither_cuts_the_rows_short_nor_fills_the_sheet_up_to_it(tmp_path):
    """openpyxl reads a sheet as large as its <dimension> says: a 4 KB file declaring A1:XFD1048576 made 17 billion
    empty cells (minutes on end), and one declaring A1:G2 lost every row after row 2 without a word."""
    small = tmp_path / "small.xlsx"
    crafted(small, dimension="A1:G2", rows=in_blocks(
        lambda r: b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>la%d-2020</t></is></c><c r="B%d" t="inlineStr"><is>'
                  b"<t>inspection</t></is></c></row>" % (r, r, r, r), 3, start=3))
    records, problems = read_records([small])
    assert [r.id for r in records] == ["la0-2020", "la3-2020", "la4-2020", "la5-2020"] and problems == []
    large = tmp_path / "large.xlsx"
    crafted(large, dimension="A1:XFD1048576")
    rows = workbook.workbook_rows(large, lambda *a, **k: None, excel_column)
    assert [(number, len(cells)) for number, cells, _ in itertools.islice(rows, 5)] == [(1, 7), (2, 7)]


@pytest.mark.parametrize("limit, rows, message", [
    ("MAX_ROWS", lambda: [b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in (3, 4, 5, 99999999)],
     "has rows after row 4, the last an Excel sheet can have"),
    ("MAX_COLUMNS", lambda: [b'<row r="3"><c r="E3"><v>1</v></c></row>', b'<row r="4"><c r="XFD4"><v>1</v></c></row>'],
     "has a cell in column XFD, past G, the last column an Excel sheet can have"),
    ("MAX_CELLS", lambda: [b'<row r="%d"><c r="G%d"><v>1</v></c></row>' % (r, r) for r in range(3, 40)],
     "holds more than 20 cells (counting the empty ones before each row's last cell)"),
])
def test_a_sheet_past_a_limit_is_read_up_to_the_row_that_passes_it_and_says_so(tmp_path, monkeypatch, limit, rows,
                                                                               message):
    monkeypatch.setattr(workbook, limit, {"MAX_ROWS": 4, "MAX_COLUMNS": 7, "MAX_CELLS": 20}[limit])
    path = tmp_path / "tracker.xlsx"
    crafted(path, rows=rows)
    records, problems = read_records([path])
    assert [r.id for r in records] == ["la0-2020"]
    where = {"MAX_ROWS": 5, "MAX_COLUMNS": 4, "MAX_CELLS": 3}[limit]
    assert [(p.line, p.message) for p in problems if "not read" in p.message] == [
        (where, f"the sheet 'Tracker' {message}: this row and the rest of the sheet were not read")]


def test_an_old_or_password_protected_workbook_is_said_to_be_one(tmp_path):
    # Both are OLE2 compound files, not zips: it was "File is not a zip file (save it as .xlsx)", of an .xlsx.
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    records, problems = read_records([path])
    assert records == [] and [(p.message, p.hint) for p in problems] == [(
        "this is an old-format Excel workbook (.xls) or a password-protected one, which cannot be read",
        "open it in Excel and save it as .xlsx (File > Save As), with no password, or as CSV UTF-8")]


def test_the_lock_file_excel_keeps_beside_an_open_workbook_is_said_to_be_one(tmp_path):
    """extracts/*.xlsx, while tracker.xlsx was open in Excel, brought in ~$tracker.xlsx: it was "not a zip file",
    with the hint to save it as .xlsx, which it cannot be."""
    book = tracker_book(1)
    book.save(tmp_path / "tracker.xlsx")
    lock = tmp_path / "~$tracker.xlsx"
    lock.write_bytes(b"\x07A Patel" + b" " * 46 + b"\x07\x00A\x00 \x00P\x00a\x00t\x00e\x00l\x00" + b"\x20\x00" * 47)
    records, problems = read_records([tmp_path / "tracker.xlsx", lock])
    assert [r.id for r in records] == ["la0-2020"]
    assert [str(p) for p in problems] == [
        f"{lock}: this is the lock file Excel keeps beside a workbook while it is open, not a workbook (leave it out: "
        "give the folder itself, which is read without it, or close the workbook in Excel, which removes it)"]
