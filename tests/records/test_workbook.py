"""Excel workbooks: a zip bomb refused before it is unpacked; formulas never calculated and merged cells warned of."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from datetime import date

import pytest
from openpyxl import Workbook

from compliance.records import load_records, read_records
from compliance.records._workbook import MAX_NOTES

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


def test_a_formula_with_no_saved_result_is_a_located_warning_and_the_row_is_read(tmp_path):
    book = tracker_book()
    book["Tracker"]["G3"] = "=F3+5"  # openpyxl saves the formula alone, as any script does
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert len(records) == 4 and "ofsted_published" not in records[1].events
    [warning] = problems
    assert warning.warning and (warning.line, warning.column) == (3, "G")
    assert str(warning) == (f"{path}:3:G: Tracker!G3 holds a formula with no saved result, so it is read as empty "
                            "(open the workbook in Excel and save it, or type the value)")
    assert load_records([path])  # a warning rejects nothing


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


def test_merged_cells_are_a_located_warning_naming_the_cells_read_as_empty(tmp_path):
    book = tracker_book()
    book["Tracker"].merge_cells("C2:C4")
    book["Tracker"].merge_cells("A6:D7")
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    records, problems = read_records([path])
    assert [str(p) for p in problems if p.warning] == [
        f"{path}:2:C: Tracker!C2:C4 are merged cells: only C2 holds the value; C3 and C4 are read as empty "
        "(unmerge them and fill in each cell)",
        f"{path}:6:A: Tracker!A6:D7 are merged cells: only A6 holds the value; the other 7 are read as empty "
        "(unmerge them and fill in each cell)"]
    assert records[0].attributes["authority"] == "LA 0" and "authority" not in records[1].attributes


def test_many_formulas_are_warned_of_one_by_one_then_counted(tmp_path):
    book = tracker_book(rows=30)
    for row in range(2, 32):
        book["Tracker"][f"H{row}"] = f"=F{row}+1"
    book["Tracker"]["H1"] = "# check"
    path = tmp_path / "tracker.xlsx"
    book.save(path)
    _, problems = read_records([path])
    assert all(p.warning for p in problems) and len(problems) == MAX_NOTES + 1
    assert problems[-1].message == f"{30 - MAX_NOTES} more cells of Tracker hold a formula with no saved result"


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
