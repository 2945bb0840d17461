"""Rows of a CSV file, read in the encoding it was saved in (UTF-8 by default, with or without a BOM).

A bad cell (a byte that is not text in that encoding, or a cell longer than any real one) is one problem at
its row and column, and only its row is left out; a file that cannot be read at all is one problem. The
streamed reader (records/columns.py) applies the same rules through ``cell_fault``, ``row_fault``,
``long_line_fault`` and ``runaway_problem`` (and leaves a row with a cell past RUNAWAY_LIMIT to this module), so
both read the same rows.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Sequence

from ..errors import InputError, Problem, shown
from ._cells import OLE2, OLE2_HINT, OLE2_MESSAGE

DEFAULT_ENCODING = "utf-8"
#: The most characters a cell may hold: a longer one is a problem at its row and column.
CELL_LIMIT = 1 << 20
#: A cell past this many characters is taken for a quote that never closed and ran on through the rows after
#: it: where those rows begin cannot be known, so the file is read up to the row where the cell begins. A row
#: on one line with its quotes closed there is only a cell over CELL_LIMIT (``long_line_fault``): the csv module
#: goes on from the next line.
RUNAWAY_LIMIT = 16 << 20

#: A byte the codec could not decode, as errors="surrogateescape" keeps it (U+DC80 to U+DCFF).
ESCAPED = re.compile("[\udc80-\udcff]")
_UTF8 = ("utf-8", "utf-8-sig")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: Checked before UTF-16's: the UTF-32-LE mark (FF FE 00 00) begins with the UTF-16-LE one (FF FE).
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
#: A cell opened by a quote, to the quote that closes it on the same line (inner quotes doubled); taken whole or
#: not at all, so the quote of a pair that ends the line is not taken for the closing one.
_QUOTED = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')

Fault = tuple[str, str]  # (message, hint)


def codec_name(encoding: str) -> str:
    """The canonical name of a text encoding (``cp1252`` for "windows-1252"); an unknown one is bad input."""
    try:
        name = codecs.lookup(encoding).name
        "".encode(name)  # "hex", "rot13" and the like are codecs, but not text encodings
    except (LookupError, ValueError, TypeError):
        raise InputError(Problem(f"{shown(encoding)} is not a text encoding Python knows", field="encoding",
                                 hint="utf-8 is the default; cp1252 reads a Windows-1252 export, what Excel "
                                      "saves as plain CSV")) from None
    return name


def is_utf8(name: str) -> bool:
    return name in _UTF8


def _shown_codec(name: str) -> str:
    return "UTF-8" if is_utf8(name) else name


def _undecodable(byte: int, name: str) -> Fault:
    """What to say of a byte that is not text in encoding ``name``; a Windows-1252 export is named as such."""
    message = f"byte 0x{byte:02X} is not {_shown_codec(name)} text"
    if not is_utf8(name):
        return message, "give --encoding the encoding the file was saved in, or save it as CSV UTF-8"
    try:
        seen = bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return message, "save the spreadsheet as CSV UTF-8, or give --encoding the encoding it was saved in"
    return message, (f"in a Windows-1252 file, which Excel writes as plain \"CSV\", it is {seen}: save the "
                     "spreadsheet as \"CSV UTF-8\", or give --encoding cp1252")


def too_long() -> str:
    """What is said of a cell over CELL_LIMIT, in a CSV file or a database (the limit as it is when said)."""
    return f"the cell is longer than the {CELL_LIMIT:,} characters a cell may hold"


def _too_long() -> Fault:
    return (too_long(),
            "shorten it; a cell this long is often a quote (\") left open, which runs on into the rows after it")


def runaway_problem(row: int) -> tuple[str, int, None, None, str]:
    """The problem, as (message, row, column, field, hint), of a cell that begins in ``row`` and runs on."""
    return (f"a cell from here runs on past {RUNAWAY_LIMIT:,} characters, so a quote (\") here probably never "
            "closes; the rest of the file was not read", row, None, None, "close the quote, or remove it")


def open_quote_problem(row: int, j: int, names: list[str]) -> tuple[str, int, int, str | None, str]:
    """The problem, as (message, row, column, field, hint), of a cell (0-based column ``j``) that opens a quote
    that never closes: the csv module and pyarrow read it on to the end of the file, the rows after it inside."""
    return ("a quote (\") opens this cell and never closes, so the cell runs on to the end of the file over the rows "
            "after it; the rest of the file was not read", row, j + 1, names[j] if j < len(names) and names[j] else None,
            "close the quote, or remove it")


def ran_out(lines: Iterable[str], ended: list[bool]) -> Iterator[str]:
    """``lines`` for the csv module, then True in ``ended`` once it asks for more: it asks past the last line only
    from inside a quote (any other row ends with its line), so a row it gives once ``ended`` holds True opened a
    quote that never closes."""
    yield from lines
    ended.append(True)


def cell_fault(raw: bytes) -> Fault | None:
    """Why a cell's UTF-8 bytes cannot be read (its first bad byte, else its length), or None."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _undecodable(raw[exc.start], "utf-8")
    return _too_long() if len(text) > CELL_LIMIT else None


def long_line_fault(line: str, name: str) -> tuple[int, Fault] | None:
    """The first bad cell (0-based column, fault) of a row the csv module stopped reading at a cell past its
    limit (RUNAWAY_LIMIT), given the line the row began on (read with errors="surrogateescape"): when the whole
    row is on that line, every quote closed there, the cell is only one over CELL_LIMIT, and the row alone is
    left out. None when a quote runs on past the line (or no cell is bad): ``runaway_problem``.

    The line is looked at where it lies, never copied (a cell this long is many megabytes), as the csv module
    splits it: a quote opens a cell only as its first character, is closed by a quote not doubled, and text
    after the closing quote, or a quote inside a cell it did not open, is the cell's."""
    end = len(line) - (2 if line.endswith("\r\n") else 1 if line.endswith(("\n", "\r")) else 0)
    if line.find("\n", 0, end) >= 0 or line.find("\r", 0, end) >= 0:
        return None  # the row holds a line break: a quote it opened runs on past the line
    ascii_only = line.isascii()
    pos = j = 0
    while True:
        skipped = 0  # the quotes the csv module does not keep: the opening and closing one, one of each pair
        after = pos
        if line.startswith('"', pos, end):
            closed = _QUOTED.match(line, pos, end)
            if closed is None:
                return None  # open at the end of the line: the cell runs on into the lines after it
            after = closed.end()
            skipped = 2 + line.count('"', pos + 1, after - 1) // 2
        comma = line.find(",", after, end)
        stop = end if comma < 0 else comma
        bad = None if ascii_only else ESCAPED.search(line, pos, stop)
        if bad:
            return j, _undecodable(ord(bad.group()) - 0xDC00, name)
        if stop - pos - skipped > CELL_LIMIT:
            return j, _too_long()
        if comma < 0:
            return None
        pos, j = comma + 1, j + 1


def row_fault(cells: list[str], name: str, left_alone: Collection[int] = ()) -> tuple[int, Fault] | None:
    """The first bad cell of a row read with errors="surrogateescape": (0-based column, fault), or None. A byte
    that is not text in a column ``left_alone`` (one for people, which nothing reads) keeps no row out: aside_fault."""
    if all(map(str.isascii, cells)) and max(map(len, cells), default=0) <= CELL_LIMIT:
        return None  # the usual row, seen at the cost of two passes in C
    for j, cell in enumerate(cells):
        bad = None if cell.isascii() or j in left_alone else ESCAPED.search(cell)
        if bad:
            return j, _undecodable(ord(bad.group()) - 0xDC00, name)
        if len(cell) > CELL_LIMIT:
            return j, _too_long()
    return None


def aside_fault(cells: list[str], name: str, left_alone: Collection[int]) -> tuple[int, Fault] | None:
    """The first byte that is not text in a column ``left_alone`` of a row row_fault passes (an Excel apostrophe
    in a comment), said as a warning: the row is read all the same."""
    for j in sorted(left_alone):
        bad = None if j >= len(cells) or cells[j].isascii() else ESCAPED.search(cells[j])
        if bad:
            message, hint = _undecodable(ord(bad.group()) - 0xDC00, name)
            return j, (f"{message}; the column is for people and is not read, so the row was read", hint)
    return None


def _not_csv(head: bytes, name: str, csv_only: str = "") -> Fault | None:
    """Why a file beginning with ``head`` is no CSV text in encoding ``name`` at all, or None; ``csv_only``: what
    reads it, if that reads no workbook (then the fix is a CSV copy, whatever the file's name)."""
    if head.startswith(b"PK\x03\x04"):
        if csv_only:
            return (f"{csv_only} reads CSV files only, and this is a zip file (an Excel workbook?), not CSV text",
                    "save the sheet as CSV UTF-8 (in Excel: File > Save As > CSV UTF-8) and give that file")
        return ("this is a zip file (an Excel workbook named .csv?), not CSV text",
                "give the workbook its .xlsx name, or save it as CSV UTF-8")
    if head.startswith(OLE2):
        return (OLE2_MESSAGE + ", not CSV text", OLE2_HINT)
    if head.startswith(_UTF32_BOMS):  # before UTF-16: FF FE 00 00 begins with FF FE
        if name.startswith("utf-32"):
            return None
        return ("this is UTF-32 text, not CSV in " + _shown_codec(name),
                "save it as CSV UTF-8, or give --encoding utf-32")
    if head.startswith(_UTF16_BOMS) and not name.startswith(("utf-16", "utf-32")):
        return ("this is UTF-16 text (what Excel saves as \"Unicode Text\", its columns separated by tabs), not CSV in "
                + _shown_codec(name), "save it as an Excel Workbook (.xlsx) and give that (or as CSV UTF-8, where "
                                      "Windows' list separator is a comma); a UTF-16 file separated by commas is read "
                                      "with --encoding utf-16")
    return None


def _reading_codec(name: str, head: bytes) -> str:
    """The codec to decode a file starting with ``head`` with: UTF-8 drops a byte-order mark (Excel's "CSV UTF-8"
    writes one), and so do UTF-16 and UTF-32 named big- or little-endian (its mark would otherwise start the first
    header)."""
    if is_utf8(name):
        return "utf-8-sig"
    if (name, head[:4]) in (("utf-32-be", codecs.BOM_UTF32_BE), ("utf-32-le", codecs.BOM_UTF32_LE)):
        return "utf-32"
    if (name, head[:2]) in (("utf-16-be", codecs.BOM_UTF16_BE), ("utf-16-le", codecs.BOM_UTF16_LE)):
        return "utf-16"
    return name


def read_csv_rows(path: Path, problem: Callable[..., None], encoding: str = DEFAULT_ENCODING,
                  start: int = 1, *, csv_only: str = "", left_alone: Callable[[str], bool] | None = None
                  ) -> Iterator[tuple[int, list[str]]]:
    """Each row of a CSV file from row ``start`` on, as (row number, cells); the header is row 1.

    ``problem(message, row, column, field, hint)`` is told of each row left out for a bad cell, and of a file
    that cannot be read (then no rows come, or none after the row it names); ``problem(..., warning=True)`` of a
    byte that is not text under a header ``left_alone`` names, its row read all the same (row_fault). ``csv_only``
    names the command when it reads no workbook, so that one given it is not told to take an .xlsx name.
    """
    name = codec_name(encoding)
    try:
        with path.open("rb") as raw:
            head = raw.read(len(OLE2))
        handle = path.open(newline="", encoding=_reading_codec(name, head), errors="surrogateescape")
    except OSError as exc:
        problem(f"cannot open: {exc.strerror or exc}", None, None, None, "check the path")
        return
    fault = _not_csv(head, name, csv_only)
    if fault:
        handle.close()
        problem(fault[0], None, None, None, fault[1])
        return
    with handle:
        yield from csv_rows(handle, problem, name, start, left_alone)


def csv_rows(handle: Iterable[str], problem: Callable[..., None], name: str = "utf-8",
             start: int = 1, left_alone: Callable[[str], bool] | None = None) -> Iterator[tuple[int, list[str]]]:
    """``read_csv_rows`` of text already open (lines ending as ``newline=""`` leaves them) decoded from ``name``."""
    # The csv module's limit is for the whole process; it is only ever raised here, never lowered.
    csv.field_size_limit(max(csv.field_size_limit(), RUNAWAY_LIMIT))
    number = 0
    names: list[str] = []
    ended: list[bool] = []
    last = [""]  # the line the csv module read last
    reader = csv.reader(_lines(handle, ended, last))
    through = 0  # the lines the rows read so far took
    aside: frozenset[int] = frozenset()  # the columns left alone, once the header names them
    try:
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                # Past the field limit, set above: a row begun on the line the csv module stopped in, whole on that
                # line, is only a cell over CELL_LIMIT, and the csv module goes on from the next line; else a cell
                # runs on through the lines after it (a quote never closed), and where the next row begins cannot
                # be known.
                fault = (long_line_fault(last[0], name)
                         if "field limit" in str(exc) and reader.line_num == through + 1 else None)
                if fault is None:
                    raise
                number, through = number + 1, reader.line_num
                if number == 1:
                    _bad_header(problem, name, fault)
                    return
                if number >= start:
                    j, (message, hint) = fault
                    problem(message, number, j + 1, names[j] if j < len(names) and names[j] else None, hint)
                continue
            if cells is None:
                return
            number, through = number + 1, reader.line_num
            if ended:
                problem(*open_quote_problem(number, len(cells) - 1, names))
                return
            if 1 < number < start:
                continue
            bad = row_fault(cells, name, aside)
            if number == 1:
                if bad or any("\x00" in c for c in cells):
                    _bad_header(problem, name, bad, cells)
                    return
                names = [c.strip() for c in cells]  # to name the column of a bad cell
                aside = frozenset(j for j, column in enumerate(names) if left_alone and left_alone(column))
                if start > 1:
                    continue
            elif bad:
                j, (message, hint) = bad
                problem(message, number, j + 1, names[j] if j < len(names) and names[j] else None, hint)
                continue
            elif aside and (said := aside_fault(cells, name, aside)):
                j, (message, hint) = said
                problem(message, number, j + 1, names[j], hint, warning=True)
            yield number, cells
    except csv.Error as exc:  # past the field limit, set above: a cell running on to the end of the file
        problem(*runaway_problem(number + 1) if "field limit" in str(exc) else
                (f"cannot read CSV: {exc}", number + 1, None, None, None))
    except UnicodeError as exc:  # bytes a codec cannot keep aside (UTF-16 with no BOM, or of an odd length)
        reason = exc.reason if isinstance(exc, UnicodeDecodeError) else str(exc)
        problem(f"not {_shown_codec(name)} text from here on ({reason}): the rest of the file was not read",
                number + 1, None, None, "give --encoding the encoding the file was saved in")
    except OSError as exc:
        problem(f"cannot read: {exc.strerror or exc}", number + 1, None, None, None)


def _lines(lines: Iterable[str], ended: list[bool], last: list[str]) -> Iterator[str]:
    """``ran_out(lines, ended)``, keeping in ``last`` the line given last."""
    for line in lines:
        last[0] = line
        yield line
    ended.append(True)


def _bad_header(problem: Callable[..., None], name: str, bad: tuple[int, Fault] | None,
                cells: Sequence[str] = ()) -> None:
    if bad is None:
        problem("the header row holds NUL characters: this is not CSV text", 1, None, None, _nul_hint(name, cells))
        return
    j, (message, hint) = bad
    problem(f"the header row cannot be read: {message}; no row of this file was read", 1, j + 1, None, hint)


def _nul_hint(name: str, cells: Sequence[str]) -> str:
    """What a header row holding NUL characters was most likely saved as, and what to do. UTF-32 writes each
    character of a header in four bytes, three of them NUL: read as UTF-8 (or a one-byte code page) they come
    three together, and read as UTF-16 a NUL follows each character. UTF-16 writes one NUL with each."""
    if name.startswith("utf-16") or (not name.startswith("utf-32") and any("\x00\x00\x00" in c for c in cells)):
        return "if it is UTF-32, save it as CSV UTF-8 or give --encoding utf-32"
    return "if it is UTF-16 (Excel's \"Unicode Text\"), save it as CSV UTF-8 or give --encoding utf-16"
