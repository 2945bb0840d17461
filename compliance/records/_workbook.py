"""The rows of an Excel sheet, read with limits, and with a warning for each cell openpyxl would read as empty.

An .xlsx file is a zip: a 1 MB file can unpack to gigabytes of XML, so one that unpacks to more than
``MAX_UNPACKED`` bytes, or holds a large part that shrank more than ``MAX_RATIO`` times, is refused before
openpyxl opens it. Inside those limits what reading may cost is bounded too, as it is read: the parts
openpyxl keeps whole (the shared strings, at a few hundred bytes of memory a string; the styles, at some
thirty bytes a byte), and the rows and cells, which openpyxl would otherwise make up to fill the sheet's
declared size (a 4 KB file declaring A1:XFD1048576 took minutes). Past a limit the file, or the rest of the
sheet, is one located problem. openpyxl reads two kinds of cell as empty without a word: a formula that
was never calculated (a workbook written by a script), whose value is not known: a located warning, and the
cell read as ``NOT_CALCULATED`` (an event there is unknown, any other field stops its row), never as empty,
which would make a date "not happened"; and every cell of a merged range but its first, which is filled here
with the first's value, as Excel shows it. Both are found in the sheet's XML before its rows are read, and so are
the hidden rows (Hide, or a filter), whose records are read with a warning: no one looking at the sheet sees them.

Every sheet that holds records in the tool's layout is read (one a year is common), one after another, as one
table under the first one's header; a sheet of anything else (a cover sheet, a list for drop-downs) is passed
over, and one that holds records but cannot be read so is a located problem (``_record_sheets``).
"""

from __future__ import annotations

import itertools
import re
import warnings
import xml.parsers.expat
import zipfile
from array import array
from bisect import bisect_left
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path
from typing import Any, Callable, Iterator

from openpyxl.utils.cell import column_index_from_string, get_column_letter

from ..errors import listed
from ._cells import HEADER_SEARCH, NOT_CALCULATED, NOT_CALCULATED_HINT, OLE2, OLE2_HINT, OLE2_MESSAGE

MiB = 1 << 20
#: Far beyond a real tracker: 100,000 rows of 30 columns unpack to about 150 MB.
MAX_UNPACKED = 500 * MiB
#: Spreadsheet XML shrinks about ten times; a part over ``RATIO_FROM`` that shrank more than this was made to.
MAX_RATIO = 100
RATIO_FROM = 10 * MiB
#: Warnings of one kind given cell by cell for a sheet; the rest are counted in one more.
MAX_NOTES = 10
#: Merged ranges of a sheet filled as Excel shows them; more are read as openpyxl reads them, and counted.
MAX_MERGED = 10_000
#: Formulas with no saved result a sheet's cells are marked for, at 8 bytes each; past them the rest of the sheet is
#: not read (a cell read as empty would be a date "not happened"). A real tracker written by a script has a few.
MAX_UNCALCULATED = 1_000_000
#: The states of a sheet Excel does not show: hidden (Unhide shows it) and very hidden (only the VBA editor does).
_HIDDEN = ("hidden", "veryHidden")
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
#: A datetime cell at this time of day is a date: Excel keeps a date as a day and a time of 0.
MIDNIGHT = time()

Row = tuple[int, list[Any], Callable[[int], Any]]
#: How to tell a header row of records: a test of its names (stripped), and what it looks for, in words.
Heads = tuple[Callable[[list[str]], bool], str]
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


def workbook_rows(path: Path, problem: Report, column: Callable[[int], Any], sheet: str | None = None,
                  problems: list[Any] | None = None, heads: Heads | None = None) -> Iterator[Row]:
    """Each row of the sheets that hold records as (row number, cells, ``column``); ``problem`` is told why not.

    Without ``sheet`` (a mapping names one), the rows are those of the first sheet whose first row ``heads`` the
    records (by default, it names an id and a kind column; through a mapping, every column it reads), the first sheet
    when none does, then those of each later sheet whose header row is the same, its header row left
    out (one sheet a year is common): see ``_record_sheets``. When a sheet other than the first is
    read, or several are, each problem about their rows names its sheet in its column ("'2024-25'!D"): those the
    caller adds to ``problems`` (its own list) while it holds a row, as well as this reader's own.
    """
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
        if _begins(path, OLE2):
            problem(OLE2_MESSAGE + ", which cannot be read", None, None, None, OLE2_HINT)
        elif path.name.startswith("~$"):
            # What a glob (extracts/*.xlsx) brings in while a workbook of the folder is open in Excel.
            problem("this is the lock file Excel keeps beside a workbook while it is open, not a workbook", None, None,
                    None, "leave it out: give the folder itself, which is read without it, or close the workbook in "
                          "Excel, which removes it")
        else:
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
        if sheet:
            chosen, named = [book[sheet]], False
        else:
            chosen = _record_sheets(book.worksheets, problem, heads or ID_AND_KIND)
            named = len(chosen) > 1 or chosen[0] is not book.worksheets[0]
        try:
            parts = {found.name: rel.target for found, rel in reader.parser.find_sheets()}
        except Exception:  # noqa: BLE001 - without the parts no cell is warned of; the rows say if the file is damaged
            parts = {}
        read = _Read(problem, column, problems if named else None)
        for worksheet in chosen:
            if read.stopped:
                break
            yield from read.sheet(worksheet, reader.archive, parts.get(worksheet.title), header=worksheet is chosen[0],
                                  hidden=worksheet.sheet_state in _HIDDEN)
    finally:
        book.close()


def _record_sheets(worksheets: list[Any], problem: Report, heads: Heads) -> list[Any]:
    """The sheets to read: the first whose first row ``heads`` the records, or the first sheet when none does; then
    each later sheet whose header row is the same.

    A sheet that holds no records (a cover or read-me sheet, a blank sheet, a list for drop-downs) is passed over
    without a word; chart sheets are not worksheets at all. A sheet that holds records but is not read (its header
    differs, or sits under title rows), before the first sheet read or after it, is an error, so that no record is
    ever left out without a word.
    """
    is_header, named = heads
    tops = [_top_rows(worksheet) for worksheet in worksheets]
    first = next((i for i, rows in enumerate(tops) if rows and is_header(_names(rows[0]))), 0)
    header = _names(tops[first][0]) if tops[first] else []
    chosen = [worksheets[first]]
    for i, (worksheet, rows) in enumerate(zip(worksheets, tops)):
        if i == first or not rows:
            continue
        if i > first and header and _same_layout(_names(rows[0]), header):
            chosen.append(worksheet)
            continue
        found = next((n for n, row in enumerate(rows, 1) if is_header(_names(row))), None)
        if found is None and not _much_alike(_names(rows[0]), header):
            continue  # no records here
        title, main = worksheet.title, worksheets[first].title
        if found is not None and found > 1:
            problem(f"the sheet {title!r} seems to hold records (row {found} names {named}) but was not read: "
                    "the first row of a sheet names the columns", found, f"{_ref(title)}!A", None,
                    "delete the rows above the header row, or save the sheet as a file of its own and give it too")
        else:
            names = _names(rows[0])
            j = next(j for j in range(max(len(names), len(header)))
                     if (names[j] if j < len(names) else "") != (header[j] if j < len(header) else ""))
            here, there = (names[j] if j < len(names) else ""), (header[j] if j < len(header) else "")
            what = f"its header names {named}" if found else f"its header is much like that of {main!r}"
            problem(f"the sheet {title!r} holds records ({what}) but was not read: its columns "
                    f"are not those of the sheet {main!r}, which is", 1, f"{_ref(title)}!{get_column_letter(j + 1)}",
                    None, f"give it the header row of {main!r} (column {get_column_letter(j + 1)} is "
                          f"{there or '(blank)'!r} there, {here or '(blank)'!r} here), or save the sheet as a file of "
                          "its own and give it too")
    return chosen


def _top_rows(worksheet: Any) -> list[tuple[Any, ...]]:
    """The first rows of a sheet, up to HEADER_SEARCH, as openpyxl streams them; none for a sheet it cannot read
    (the reading of that sheet, if it is read, says why)."""
    try:
        with _quiet():
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(max_row=HEADER_SEARCH, max_col=MAX_COLUMNS, values_only=True)
            return [tuple(row) for row in itertools.islice(rows, HEADER_SEARCH)]
    except Exception:  # noqa: BLE001 - a damaged sheet that is never read is no reason to stop
        return []


def _names(row: Any) -> list[str]:
    """A header row's column names as the readers take them (stripped), without the blank cells after the last."""
    names = ["" if cell is None else str(cell).strip() for cell in row]
    while names and not names[-1]:
        names.pop()
    return names


def _names_records(names: list[str]) -> bool:
    """Whether a header row names id and kind, in any case (the reader says "write id for 'ID'")."""
    return {"id", "kind"} <= {name.lower() for name in names}


#: What a header row of records names, by default (the tool's layout): the test of its names (stripped), and in words.
ID_AND_KIND: Heads = (_names_records, "id and kind")


def _same_layout(names: list[str], header: list[str]) -> bool:
    """Whether a sheet headed ``names`` is read as one headed ``header`` is: the same names in the same columns,
    but for columns for people (``# ...``, ``notes``), whose names may differ."""
    return len(names) == len(header) and all(a == b or (_for_people(a) and _for_people(b))
                                             for a, b in zip(names, header))


def _much_alike(names: list[str], header: list[str]) -> bool:
    """Whether a sheet headed ``names`` looks like another year of the table headed ``header``: most of its columns
    named alike (a mapped spreadsheet names no id or kind column, so that is what shows a sheet of records)."""
    wanted = {name for name in header if name and not _for_people(name)}
    return len(wanted) >= 2 and 2 * len(wanted & set(names)) >= len(wanted)


def _for_people(name: str) -> bool:
    return name == "notes" or name.startswith("#")


def _ref(title: str) -> str:
    """A sheet's name as a cell reference starts, quoted as Excel quotes it: Tracker, '2024-25', 'Read me'."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title) and not _CELL.fullmatch(title.upper()):
        return title
    return "'" + title.replace("'", "''") + "'"


class _Read:
    """The reading of a workbook's sheets, one after another, within MAX_CELLS in all.

    With ``listed`` (the caller's list of problems, given when sheets are named), each problem the caller adds to
    it while it holds a row of a sheet (its cells, its fields, the header's columns, an id seen before) gets the
    sheet in its column.
    """

    def __init__(self, problem: Report, column: Callable[[int], Any], listed: list[Any] | None) -> None:
        self.problem, self.column, self.listed = problem, column, listed
        self.named = listed is not None
        self.cells = 0
        self.stopped = False

    def where(self, title: str, letters: str | None) -> str | None:
        """The column a problem names: the letters, after the sheet when sheets are named."""
        if not self.named:
            return letters
        return f"{_ref(title)}!{letters}" if letters else _ref(title)

    def sheet(self, worksheet: Any, archive: zipfile.ZipFile, part: str | None, header: bool,
              hidden: bool = False) -> Iterator[Row]:
        """The sheet's rows, merged cells filled (``_Merges``) and formulas with no saved result marked
        (``_Uncalculated``); its header row only if ``header``. A ``hidden`` sheet's records are read as any
        sheet's (leaving them out would lose them without a word), and so are a shown sheet's hidden rows (a filter
        hides them too); a warning after its rows says how many there are: no one looking at the workbook in Excel
        sees them, yet they decide the run."""
        title = worksheet.title
        held: list[int] = []  # a hidden sheet's rows holding something, below its header
        unseen: list[int] = []  # a shown sheet's hidden rows holding something
        try:
            merges, uncalculated, rows_hidden = _warn_empty_cells(archive, part, title, self.problem, self.where)
            for number, cells in self._bounded_rows(worksheet, merges, uncalculated):
                if number > 1 and (hidden or number in rows_hidden) and any(c is not None and c != "" for c in cells):
                    (held if hidden else unseen).append(number)
                if number == 1 and not header:
                    continue  # the same header as the first sheet's, which the caller has
                if self.listed is None:
                    yield number, cells, self.column
                    continue
                mark = len(self.listed)
                try:
                    yield number, cells, self.column
                finally:  # also when the caller stops at this row (a header it refuses)
                    for found in self.listed[mark:]:
                        if not (isinstance(found.column, str) and "!" in found.column):
                            found.column = self.where(title, None if found.column is None else str(found.column))
        except MemoryError:
            raise
        except Exception as exc:  # noqa: BLE001 - as above: a damaged sheet is a damaged file
            self.problem(f"cannot read the sheet {title!r}: {_reason(exc)}; no row after this was read",
                         None, self.where(title, None), None,
                         "open the workbook in Excel and save it again")
        if held:
            very = worksheet.sheet_state == "veryHidden"
            state = "very hidden (Excel shows it only from its VBA editor)" if very else "hidden"
            rows = (f"1 row of records, row {held[0]}" if len(held) == 1 else
                    f"{len(held):,} rows of records, from row {held[0]} to row {held[-1]}")
            show = ("in Excel's VBA editor, opened with Alt+F11, set the sheet's Visible property to show it" if very
                    else "right-click a sheet's tab and choose Unhide to see it")
            self.problem(f"the sheet {title!r} is {state}, and its rows were read with the others: {rows}",
                         held[0], self.where(title, None), None,
                         show + "; if its records are not to be checked, move them to a workbook of their own",
                         warning=True)
        if unseen:
            self.problem(_hidden_rows(unseen, title), unseen[0], self.where(title, None), None,
                         "clear the filter, or select the rows around them, right-click and choose Unhide, to see "
                         "them; if their records are not to be checked, delete them or move them to a workbook of "
                         "their own",
                         warning=True)

    def _bounded_rows(self, worksheet: Any, merges: "_Merges", uncalculated: "_Uncalculated"
                      ) -> Iterator[tuple[int, list[Any]]]:
        """The sheet's rows, numbered, each as long as its last cell, within MAX_ROWS, MAX_COLUMNS and MAX_CELLS
        (and MAX_UNCALCULATED), merged cells filled and formulas with no saved result marked.

        The dimension a file declares is not used: too small, openpyxl would stop reading there without a word;
        too large, it would fill every row and column up to it. A sheet past a limit is read up to the row where
        it passes it, and one problem says where and that the rest was not read (past MAX_CELLS, of the workbook).
        """
        worksheet.reset_dimensions()
        # One more row than Excel has: openpyxl stops before a row past it, after filling the rows up to it.
        rows = worksheet.iter_rows(max_row=MAX_ROWS + 1, values_only=True)
        for number in range(1, MAX_ROWS + 2):
            with _quiet():
                row = next(rows, None)
            if row is None:
                return
            # A cell at midnight is a day (MIDNIGHT): its format, which might show a time, is not read here, so a
            # return at exactly 00:00 in a date-time cell reads as the day.
            cells = [v.date() if isinstance(v, datetime) and v.tzinfo is None and v.time() == MIDNIGHT else v
                     for v in row]
            self.cells += len(cells) + merges.fill(number, cells)
            uncalculated.mark(number, cells, merges.header)
            hint = _SAVE_AS_CSV
            if number > MAX_ROWS:
                why = f"has rows after row {MAX_ROWS:,}, the last an Excel sheet can have"
            elif len(row) > MAX_COLUMNS:
                why = (f"has a cell in column {get_column_letter(len(row))}, past {get_column_letter(MAX_COLUMNS)}, "
                       "the last column an Excel sheet can have")
            elif self.cells > MAX_CELLS:
                self.stopped = True
                why = (f"holds more than {MAX_CELLS:,} cells (counting the empty ones before each row's last cell)"
                       if not self.named else f"takes the workbook's sheets past {MAX_CELLS:,} cells (counting the "
                       "empty ones before each row's last cell)")
            elif uncalculated.past is not None and number >= uncalculated.past:
                why = f"holds more than {MAX_UNCALCULATED:,} formulas with no saved result"
                hint = NOT_CALCULATED_HINT
            else:
                yield number, cells
                continue
            rest = "the rest of the sheet" + (" and the sheets after it" if self.stopped and self.named else "")
            self.problem(f"the sheet {worksheet.title!r} {why}: this row and {rest} were not read", number,
                         self.where(worksheet.title, None), None, hint)
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


def _begins(path: Path, head: bytes) -> bool:
    """Whether the file at ``path`` begins with ``head`` (False if it cannot be read)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(head)) == head
    except OSError:
        return False


def _hidden_rows(rows: list[int], title: str) -> str:
    """What is said of a shown sheet's hidden rows of records: each row named, so that it can be found."""
    if len(rows) == 1:
        return f"row {rows[0]} of the sheet {title!r} is hidden (by a filter, or Hide), and it was read with the others"
    return (f"rows {listed([str(n) for n in rows[:MAX_NOTES]], len(rows))} of the sheet {title!r} are hidden (by a "
            "filter, or Hide), and they were read with the others")


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


def _warn_empty_cells(archive: zipfile.ZipFile, part: str | None, title: str, problem: Report,
                      where: Callable[[str, str | None], Any]
                      ) -> tuple["_Merges", "_Uncalculated", frozenset[int]]:
    """A warning for each formula with no saved result, and for the merged ranges, read from the sheet's XML; the
    merged ranges to fill and the formulas to mark as the rows are read, and the hidden rows (for the warning the
    reading gives of those holding records).

    A merged range below the header row is filled, each of its cells read as holding the value of its first, as
    Excel shows it, and the ranges are named in one warning. One in the first row (a title across the columns,
    or a header cell across two) is not: repeated, a title or a column's name would name every column it spans.
    """
    if part is None or not _worth_scanning(archive, part):
        return _Merges([]), _Uncalculated(array("q"), None), frozenset()
    scan = _SheetScan()
    try:
        with archive.open(part) as handle:
            scan.parser.ParseFile(handle)
    except (xml.parsers.expat.ExpatError, ValueError, LookupError):
        pass  # openpyxl says the sheet is damaged when it reads the rows; the cells found so far are warned of
    ref = _ref(title)
    for letters, row in scan.formulas:
        problem(f"{ref}!{letters}{row} holds a formula with no saved result, so its value is not known: a date "
                "there is read as unknown (missing data), any other field the records are read from stops its row",
                row, where(title, letters), None, NOT_CALCULATED_HINT, warning=True)
    if scan.more_formulas:
        problem(f"{scan.more_formulas:,} more cells of {title} hold a formula with no saved result, read so too", None,
                where(title, None), None, NOT_CALCULATED_HINT, warning=True)
    ranges = sorted(scan.merged, key=lambda cells: (cells[0][1], column_index_from_string(cells[0][0])))
    top = [cells for cells in ranges if cells[0][1] == 1]
    below = [cells for cells in ranges if cells[0][1] > 1]
    for first, last in top[:MAX_NOTES]:
        cell = f"{first[0]}{first[1]}"
        problem(f"{ref}!{cell}:{last[0]}{last[1]} are merged cells in the first row: only {cell} holds the value; "
                f"{_others(first, last)} read as empty", first[1], where(title, first[0]), None,
                "unmerge them, and name each column in the header row", warning=True)
    if len(top) > MAX_NOTES:
        problem(f"{len(top) - MAX_NOTES:,} more ranges of {title} in the first row are merged cells", None, None, None,
                "unmerge them, and name each column in the header row", warning=True)
    if below:
        named = [f"{ref}!{a[0]}{a[1]}:{b[0]}{b[1]}" for a, b in below[:MAX_NOTES]]
        more = len(below) - len(named)
        listed = (", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 and not more else
                  ", ".join(named) + (f" and {more:,} more ranges" if more else ""))
        each = ("each of its cells is" if len(below) == 1 else "each cell of a range is")
        problem(f"{listed} {'is a merged range' if len(below) == 1 else 'are merged ranges'}: {each} read as holding "
                "the value of its first cell, as Excel shows it", below[0][0][1], where(title, below[0][0][0]), None,
                "check the records on those rows are as they should be; unmerge the cells and fill each in to be sure",
                warning=True)
    if scan.more_merged:
        problem(f"{scan.more_merged:,} more ranges of {title} are merged cells, past the {MAX_MERGED:,} read as Excel "
                "shows them: only the first cell of each holds its value, the others are read as empty", None, None,
                None, "unmerge them and fill in each cell", warning=True)
    cells = scan.uncalculated if scan.in_order else array("q", sorted(scan.uncalculated))
    return _Merges(below), _Uncalculated(cells, scan.past), frozenset(scan.hidden)


class _Uncalculated:
    """The cells of a sheet holding a formula with no saved result (``row * _ACROSS + column``, as its XML gives
    them), marked ``NOT_CALCULATED`` as its rows stream past: openpyxl reads them as empty, which for a date is
    "not happened". Only under a named column (a header's formula stays the name read; a cell under no name or
    past the last is read as openpyxl reads it, as a merged range is), and only in a row that holds something of
    its own: formulas filled down past the last record make no records. ``past``: the row of the first formula past
    MAX_UNCALCULATED, from which the sheet is not read."""

    def __init__(self, cells: "array[int]", past: int | None) -> None:
        self.cells, self.past = cells, past

    def mark(self, number: int, cells: list[Any], header: list[bool]) -> None:
        if not self.cells or number == 1 or not any(cell is not None and cell != "" for cell in cells):
            return
        start = bisect_left(self.cells, number * _ACROSS)
        for key in self.cells[start:bisect_left(self.cells, (number + 1) * _ACROSS)]:
            j = key % _ACROSS - 1
            if j < len(header) and header[j]:
                if j >= len(cells):
                    cells.extend([None] * (j + 1 - len(cells)))
                cells[j] = NOT_CALCULATED


class _Merges:
    """The merged ranges below a sheet's header row, filled in as its rows stream past (a range is held from its
    first row to its last, so memory is the ranges', never the sheet's).

    A row is filled only if it holds something of its own (a range running down past the last record makes no
    record of its own), and only in the columns the header row names (a cell under a blank header, or past the
    last named column, would refuse the row, as something typed there does). ``fill`` gives the cells a row shows
    through its ranges, counted against MAX_CELLS with the cells read.
    """

    def __init__(self, ranges: list[tuple[tuple[str, int], tuple[str, int]]]) -> None:
        # [top, bottom, first column, last column (1-based), the first cell's value], in the order of their tops.
        self.waiting = [[a[1], b[1], column_index_from_string(a[0]), column_index_from_string(b[0]), None]
                        for a, b in ranges]
        self.waiting.reverse()  # popped from the end, lowest top first
        self.open: list[list[Any]] = []
        self.header: list[bool] = []

    def fill(self, number: int, cells: list[Any]) -> int:
        if number == 1:
            self.header = [bool(name) for name in _names(cells)]
        if not self.waiting and not self.open:
            return 0
        while self.waiting and self.waiting[-1][0] <= number:
            self.open.append(self.waiting.pop())
        self.open = [merged for merged in self.open if merged[1] >= number]
        own = any(cell is not None and cell != "" for cell in cells)
        shown = 0
        for merged in self.open:
            top, _, low, high, _ = merged
            shown += high - low + 1
            if number == top:
                merged[4] = cells[low - 1] if low - 1 < len(cells) else None
            value = merged[4]
            if not own or value is None or value == "":
                continue
            for j in range(low - 1, min(high, len(self.header))):
                if self.header[j] and (j, number) != (low - 1, top):
                    if j >= len(cells):
                        cells.extend([None] * (j + 1 - len(cells)))
                    cells[j] = value
        return shown


def _worth_scanning(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's XML may hold a formula, a merged range or a hidden row: a search ten times quicker than
    parsing it, so a sheet of plain values (most trackers) costs little more to read."""
    tail = b""
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(MiB):
                data = tail + chunk
                # A hidden row's attribute, looked for on its own: in the pattern, it made the search four times slower.
                if _FORMULA_OR_MERGE.search(data) or b"hidden=" in data:
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


#: A cell's place as one number, ``row * _ACROSS + column`` (1-based), in the order of the rows then the columns.
_ACROSS = MAX_COLUMNS + 1


class _SheetScan:
    """The cells of a sheet's XML holding a formula and no value, and its merged ranges, in one streamed pass.

    The first ``MAX_NOTES`` formulas are kept to be named, the rest counted; every one is kept to be marked
    (``uncalculated``), up to MAX_UNCALCULATED, the row of the next being ``past``; the first
    ``MAX_MERGED`` ranges are kept, the rest counted. A cell without a reference is placed as openpyxl places it:
    after the one before, in a row after the one before.
    """

    def __init__(self) -> None:
        self.formulas: list[tuple[str, int]] = []
        self.uncalculated: array[int] = array("q")
        self.in_order = True  # as Excel writes them; a file out of order is sorted once read (_warn_empty_cells)
        self.past: int | None = None
        self.merged: list[tuple[tuple[str, int], tuple[str, int]]] = []
        self.more_formulas = self.more_merged = 0
        self.hidden: array[int] = array("q")  # the rows hidden, at most MAX_ROWS of them
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
            if attrs.get("hidden") in ("1", "true"):
                self.hidden.append(self.row)
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
            if len(self.merged) < MAX_MERGED:
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
            key = self.row * _ACROSS + self.column
            if len(self.uncalculated) < MAX_UNCALCULATED:
                self.in_order = self.in_order and (not self.uncalculated or key > self.uncalculated[-1])
                self.uncalculated.append(key)
            elif self.past is None or self.row < self.past:
                self.past = self.row

    def entity(self, *_: Any) -> None:
        raise ValueError("a sheet declares no entities")
