"""The rows of an Excel sheet, read with limits, and with a warning for each cell openpyxl would read as empty.

An .xlsx file is a zip: a 1 MB file can unpack to gigabytes of XML, so one that unpacks to more than
``MAX_UNPACKED`` bytes, or holds a large part that shrank more than ``MAX_RATIO`` times, is refused before
openpyxl opens it. openpyxl reads two kinds of cell as empty without a word: a formula that was never
calculated (a workbook written by a script) and every cell of a merged range but its first. Each is a
located warning; the row is still read.
"""

from __future__ import annotations

import itertools
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

Row = tuple[int, list[Any], Callable[[int], Any]]
Report = Callable[..., None]
_CELL = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")  # a cell reference, A1 to XFD1048576 and a little beyond
_ROW = re.compile(r"[1-9][0-9]{0,6}")
_FORMULA_OR_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s/>]")


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
        with _quiet():
            reader.read()
    except MemoryError:
        raise
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
        try:
            parts = {found.name: rel.target for found, rel in reader.parser.find_sheets()}
            _warn_empty_cells(reader.archive, parts.get(worksheet.title), worksheet.title, problem)
            rows = worksheet.iter_rows(values_only=True)
            for number in itertools.count(1):
                with _quiet():
                    row = next(rows, None)
                if row is None:
                    break
                yield number, list(row), column
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above: a damaged sheet is a damaged file
            problem(f"cannot read the sheet {worksheet.title!r}: {_reason(exc)}; no row after this was read",
                    None, None, None, "open the workbook in Excel and save it again")
    finally:
        book.close()


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
