"""The rows of an Excel sheet, read with limits, and with a warning for each cell openpyxl would read as empty.

An .xlsx file is a zip: a 1 MB file can unpack to gigabytes of XML, so one that unpacks to more than
``MAX_UNPACKED`` bytes, or holds a large part that shrank more than ``MAX_RATIO`` times, is refused before
openpyxl opens it. Inside those limits what reading may cost is bounded too, as it is read: the parts
openpyxl keeps whole (the shared strings, at a few hundred bytes of memory a string; the styles, at some
thirty bytes a byte), and the rows and cells, which openpyxl would otherwise make up to fill the sheet's
declared size (a 4 KB file declaring A1:XFD1048576 took minutes). Past a limit the file, or the rest of the
sheet, is one located problem. openpyxl reads two kinds of cell as empty without a word: a formula that
was never calculated (a workbook written by a script) and every cell of a merged range but its first. Each
is a located warning; the row is still read.
"""

from __future__ import annotations

import re
import warnings
import xml.parsers.expat
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl.utils.cell import column_index_from_string, get_column_letter

MiB = 1 << 20
#: Far beyond a real tracker: 100,000 rows of 30 columns unpack to about 150 MB.
MAX_UNPACKED = 500 * MiB
#: Spreadsheet XML shrinks about ten times; a part over ``RATIO_FROM`` that shrank more than this was made to.
MAX_RATIO = 100
RATIO_FROM = 10 * MiB
#: Warnings of one kind given cell by cell for a sheet; the rest are counted in one more.
MAX_NOTES = 10
#: The shared strings openpyxl holds in memory for the whole read: each costs some 160 bytes besides its text.
MAX_SHARED_STRINGS = 1 << 20
MAX_SHARED_BYTES = 64 * MiB
#: Any other part openpyxl reads whole (the styles, the workbook, the theme...): a real one is a few hundred KB.
MAX_PART = 4 * MiB
#: Excel's own last row and column; and the cells read in all, counting the empty ones openpyxl fills in up to
#: each row's last cell (100,000 rows of 30 columns are 3,000,000).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
MAX_CELLS = 50_000_000

Row = tuple[int, list[Any], Callable[[int], Any]]
Report = Callable[..., None]
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")  # a cell reference, A1 to XFD1048576 and a little beyond
_ROW = re.compile(r"[1-9][0-9]{0,6}")
_FORMULA_OR_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s/>]")
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
_LONGEST_TAG = 40  # bytes: _SHARED_STRING never matches more
_SAVE_AS_CSV = "save the sheet as CSV UTF-8, which is read with no such limit, or split it over several workbooks"


class TooCostly(Exception):
    """Reading on would cost more than any real tracker does; the message says which limit and where."""

    def __init__(self, message: str, hint: str = _SAVE_AS_CSV) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def workbook_rows(path: Path, problem: Report, column: Callable[[int], Any], sheet: str | None = None) -> Iterator[Row]:
    """Each row of the sheet (default the first) as (row number, cells, ``column``); ``problem`` is told why not."""
    refused = _too_large(path)
    if refused:
        problem(refused[0], None, None, None, refused[1])
        return
    from openpyxl.reader.excel import ExcelReader

    reader = None
    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
        reader.archive.close()
        reader.archive = _MeteredArchive(path)  # what openpyxl reads whole, within MAX_PART and the string limits
        with _quiet():
            reader.read()
        reader.archive.metered = False  # the sheets are streamed, within the row and cell limits below
    except MemoryError:
        raise
    except TooCostly as exc:
        reader.archive.close()  # type: ignore[union-attr]
        problem(exc.message, None, None, None, exc.hint)
        return
    except Exception as exc:  # noqa: BLE001 - a damaged workbook fails inside openpyxl in many ways, each "unreadable"
        if reader is not None:
            reader.archive.close()
        problem(f"cannot open as an Excel workbook: {_reason(exc)}", None, None, None, "save it as .xlsx")
        return
    book = reader.wb
    try:
        if sheet and sheet not in book.sheetnames:
            problem(f"the workbook has no sheet {sheet!r}", None, None, None, "sheets: " + ", ".join(book.sheetnames))
            return
        if not book.worksheets:
            problem("the workbook has no worksheet", None, None, None, "save it as .xlsx with the records on a sheet")
            return
        worksheet = book[sheet] if sheet else book.worksheets[0]
        if not sheet:
            _warn_other_records(book.worksheets[1:], worksheet.title, problem)
        try:
            parts = {found.name: rel.target for found, rel in reader.parser.find_sheets()}
            _warn_empty_cells(reader.archive, parts.get(worksheet.title), worksheet.title, problem)
            yield from _bounded_rows(worksheet, problem, column)
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above: a damaged sheet is a damaged file
            problem(f"cannot read the sheet {worksheet.title!r}: {_reason(exc)}; no row after this was read",
                    None, None, None, "open the workbook in Excel and save it again")
    finally:
        book.close()


def _warn_other_records(others: list[Any], first: str, problem: Report) -> None:
    """A warning for each sheet after the first whose header has an id and a kind column: records a person put
    on a sheet of their own (one a year, say) would otherwise go unread without a word."""
    for worksheet in others:
        try:
            header = next(worksheet.iter_rows(max_row=1, values_only=True), ())
        except Exception:  # noqa: BLE001 - a damaged sheet that is never read is no reason to stop
            continue
        if {"id", "kind"} <= {str(cell).strip() for cell in header if cell is not None}:
            problem(f"the sheet {worksheet.title!r} also holds records (its header has id and kind) and was not "
                    f"read: only the first sheet, {first!r}, is", None, None, None,
                    "put every record on the first sheet, or save each sheet as a file of its own and give them all",
                    warning=True)


def _bounded_rows(worksheet: Any, problem: Report, column: Callable[[int], Any]) -> Iterator[Row]:
    """The sheet's rows, numbered, each as long as its last cell, within MAX_ROWS, MAX_COLUMNS and MAX_CELLS.

    The dimension a file declares is not used: too small, openpyxl would stop reading there without a word;
    too large, it would fill every row and column up to it. A sheet past a limit is read up to the row where
    it passes it, and one problem says where and that the rest was not read.
    """
    worksheet.reset_dimensions()
    # One more row than Excel has: openpyxl stops before a row past it, after filling the rows up to it.
    rows = worksheet.iter_rows(max_row=MAX_ROWS + 1, values_only=True)
    cells = 0
    for number in range(1, MAX_ROWS + 2):
        with _quiet():
            row = next(rows, None)
        if row is None:
            return
        cells += len(row)
        if number > MAX_ROWS:
            why = f"has rows after row {MAX_ROWS:,}, the last an Excel sheet can have"
        elif len(row) > MAX_COLUMNS:
            why = (f"has a cell in column {get_column_letter(len(row))}, past {get_column_letter(MAX_COLUMNS)}, the "
                   "last column an Excel sheet can have")
        elif cells > MAX_CELLS:
            why = f"holds more than {MAX_CELLS:,} cells (counting the empty ones before each row's last cell)"
        else:
            yield number, list(row), column
            continue
        problem(f"the sheet {worksheet.title!r} {why}: this row and the rest of the sheet were not read", number,
                None, None, _SAVE_AS_CSV)
        return


class _MeteredArchive(zipfile.ZipFile):
    """The workbook's zip, whose parts cannot be read past their limits while ``metered``: openpyxl keeps what
    it reads then (all but the sheets) in memory, and a part of a few MB can take hundreds of MB there."""

    metered = True

    def open(self, name: Any, mode: str = "r", pwd: bytes | None = None, *, force_zip64: bool = False) -> Any:
        handle = super().open(name, mode, pwd, force_zip64=force_zip64)
        if not self.metered or mode != "r":
            return handle
        part = name.filename if isinstance(name, zipfile.ZipInfo) else str(name)
        strings = part.rpartition("/")[2].lower() == "sharedstrings.xml"
        return _MeteredPart(handle, part, MAX_SHARED_BYTES if strings else MAX_PART, strings)


class _MeteredPart:
    """A part being read, stopped with TooCostly past ``limit`` bytes or, for the shared strings, past
    MAX_SHARED_STRINGS strings, counted as they stream past (a string is an <si> element)."""

    def __init__(self, handle: Any, name: str, limit: int, count_strings: bool) -> None:
        self._handle, self._name, self._limit = handle, name, limit
        self._counting, self._strings, self._carry, self._read = count_strings, 0, b"", 0

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self.read(MiB), b""))
        data = self._handle.read(size)
        self._read += len(data)
        if self._read > self._limit:
            raise TooCostly(f"{self._name} in the workbook unpacks to more than {self._limit // MiB} MB, more than "
                            "a workbook is read with")
        if self._counting:
            self._count(data)
        return data

    def _count(self, data: bytes) -> None:
        buffer = self._carry + data
        # A match starting before ``cut`` ends inside the buffer; one starting after it is counted next time.
        cut = len(buffer) - _LONGEST_TAG if data else len(buffer)
        self._strings += sum(1 for match in _SHARED_STRING.finditer(buffer) if match.start() < cut)
        self._carry = buffer[max(cut, 0):]
        if self._strings > MAX_SHARED_STRINGS:
            raise TooCostly(f"the workbook holds more than {MAX_SHARED_STRINGS:,} different texts (shared strings), "
                            "more than a workbook is read with")

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> "_MeteredPart":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


@contextmanager
def _quiet() -> Iterator[None]:
    """openpyxl's warnings (a style or extension it drops, a date serial it reads as #VALUE!) would reach the
    terminal as Python's; what matters about a cell is reported where the cell is read. Never around a yield."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _reason(exc: Exception) -> str:
    return str(exc).split("\n")[0] or type(exc).__name__


def _too_large(path: Path) -> tuple[str, str] | None:
    """Why the workbook must not be unpacked, and what to do, from the sizes its zip directory declares (zipfile
    holds a part to its declared size, so they cannot lie); None when it is safe, or not a zip (openpyxl says)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED:
        return (f"the workbook unpacks to {total // MiB:,} MB, more than the {MAX_UNPACKED // MiB} MB limit",
                "a tracker is far smaller: check it is the right file, or split the records over several workbooks")
    for p in parts:
        if p.file_size > RATIO_FROM and p.file_size > MAX_RATIO * max(p.compress_size, 1):
            return (f"{p.filename} in the workbook unpacks to {p.file_size // MiB:,} MB, "
                    f"{p.file_size // max(p.compress_size, 1):,} times its packed size: more than {MAX_RATIO} times "
                    "is not a sheet Excel writes", "open the workbook in Excel and save it again")
    return None


def _warn_empty_cells(archive: zipfile.ZipFile, part: str | None, title: str, problem: Report) -> None:
    """A warning for each formula with no saved result and each merged range, read from the sheet's XML."""
    if part is None or not _mentions_formulas_or_merges(archive, part):
        return
    scan = _SheetScan()
    try:
        with archive.open(part) as handle:
            scan.parser.ParseFile(handle)
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        pass  # openpyxl says the sheet is damaged when it reads the rows; the cells found so far are warned of
    for letters, row in scan.formulas:
        problem(f"{title}!{letters}{row} holds a formula with no saved result, so it is read as empty", row, letters,
                None, "open the workbook in Excel and save it, or type the value", warning=True)
    if scan.more_formulas:
        problem(f"{scan.more_formulas:,} more cells of {title} hold a formula with no saved result", None, None, None,
                "open the workbook in Excel and save it, or type the values", warning=True)
    for first, last in sorted(scan.merged, key=lambda cells: (cells[0][1], len(cells[0][0]), cells[0][0])):
        others = _others(first, last)
        problem(f"{title}!{''.join(map(str, first))}:{''.join(map(str, last))} are merged cells: only "
                f"{''.join(map(str, first))} holds the value; {others} read as empty", first[1], first[0], None,
                "unmerge them and fill in each cell", warning=True)
    if scan.more_merged:
        problem(f"{scan.more_merged:,} more ranges of {title} are merged cells", None, None, None,
                "unmerge them and fill in each cell", warning=True)


def _mentions_formulas_or_merges(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML may hold a formula or a merged range: a search ten times quicker than parsing it,
    so a sheet of plain values (most trackers) costs little more to read."""
    tail = b""
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(MiB):
                if _FORMULA_OR_MERGE.search(tail + chunk):
                    return True
                tail = chunk[-64:]
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError):
        pass  # openpyxl says the sheet is damaged when it reads the rows
    return False


def _others(first: tuple[str, int], last: tuple[str, int]) -> str:
    """The cells of a merged range after its first, as a message names them: "C5 and C6 are"."""
    low, high = column_index_from_string(first[0]), column_index_from_string(last[0])
    count = (high - low + 1) * (last[1] - first[1] + 1) - 1
    if count > 3:
        return f"the other {count:,} are"
    cells = [f"{get_column_letter(c)}{r}" for r in range(first[1], last[1] + 1) for c in range(low, high + 1)][1:]
    if count == 1:
        return f"{cells[0]} is"
    return ", ".join(cells[:-1]) + f" and {cells[-1]} are"


class _SheetScan:
    """The cells of a sheet's XML holding a formula and no value, and its merged ranges, in one streamed pass.

    Only the first ``MAX_NOTES`` of each are kept; the rest are counted. A cell without a reference is placed
    as openpyxl places it: after the one before, in a row after the one before.
    """

    def __init__(self) -> None:
        self.formulas: list[tuple[str, int]] = []
        self.merged: list[tuple[tuple[str, int], tuple[str, int]]] = []
        self.more_formulas = self.more_merged = 0
        self.row = self.column = 0
        self.formula = self.value = self.in_value = False
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.EntityDeclHandler = self.entity

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = name.rpartition(":")[2]
        if tag == "row":
            given = _ROW.fullmatch(attrs.get("r", ""))
            self.row = int(given[0]) if given else self.row + 1
            self.column = 0
        elif tag == "c":
            cell = _CELL.fullmatch(attrs.get("r", ""))
            self.column = column_index_from_string(cell[1]) if cell else self.column + 1
            self.row = int(cell[2]) if cell else self.row
            self.formula = self.in_value = False
            # An empty <v/> is a text formula's empty result; any other cell's is a formula never calculated.
            self.value = attrs.get("t") == "str"
        elif tag == "f":
            self.formula = True
        elif tag == "v":
            self.in_value = True
        elif tag == "mergeCell":
            first, _, last = attrs.get("ref", "").partition(":")
            low, high = _CELL.fullmatch(first), _CELL.fullmatch(last)
            if not (low and high):
                return
            start, end = (low[1], int(low[2])), (high[1], int(high[2]))
            across = column_index_from_string(end[0]) - column_index_from_string(start[0])
            if across < 0 or end[1] < start[1] or (across == 0 and end[1] == start[1]):
                return  # one cell, or a range written backwards: nothing read as empty that Excel would show
            if len(self.merged) < MAX_NOTES:
                self.merged.append((start, end))
            else:
                self.more_merged += 1

    def text(self, data: str) -> None:
        if self.in_value and data.strip():
            self.value = True

    def end(self, name: str) -> None:
        tag = name.rpartition(":")[2]
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.formula and not self.value and 0 < self.column <= 16_384:
            if len(self.formulas) < MAX_NOTES:
                self.formulas.append((get_column_letter(self.column), self.row))
            else:
                self.more_formulas += 1

    def entity(self, *_: Any) -> None:
        raise ValueError("a sheet declares no entities")
