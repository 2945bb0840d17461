"""Rows of a CSV file or an Excel sheet, each with its row number and a way to name its columns in messages;
and cells made safe to open in a spreadsheet, with the one CSV writer every table the tool writes goes through."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..errors import printable
from ._cells import HEADER_SEARCH
from ._csv import DEFAULT_ENCODING, read_csv_rows

#: Characters that make a spreadsheet treat text as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _one_of(chars: Iterable[str]) -> str:
    """A character class of ``chars``, written alike for Python's re and for RE2 (pyarrow's regular expressions)."""
    return "[" + "".join("\\-" if c == "-" else c.encode("unicode_escape").decode() for c in chars) + "]"


# The signs start a formula also after spaces or line breaks (a reader that trims a cell would find them there);
# the tab and carriage return only first. Any guards already before them (``'=1`` given as a value) are counted in,
# so that such a value gets one more and reading a cell takes exactly one off (``unguarded``).
_SIGNS = _one_of(c for c in FORMULA_STARTS if c.isprintable())
_CONTROLS = _one_of(c for c in FORMULA_STARTS if not c.isprintable())
_STARTS = rf"'*(?:{_CONTROLS}|[ \n]*{_SIGNS})"
_FORMULA = re.compile(_STARTS)
# A formula start inside a cell, where a reader splitting lines on ";" starts a cell of its own (after a ";",
# or after a line break, which ends its line), past any spaces and quotes.
_INNER = f"'*{_one_of(FORMULA_STARTS)}"
_INNER_FORMULA = re.compile(rf'(?<=[;\n])([ "]*)(?={_INNER})')
#: The guard ``csv_cell`` puts first in a cell, and the one it puts inside (replaced by their groups: the guard
#: taken off). Without lookarounds, so that pyarrow (records/columns.py) reads a cell as the csv module does.
GUARDED_START = f"^'({_STARTS})"
GUARDED_INNER = rf"""([;\n][ "]*)'({_INNER})"""
_GUARDED_START = re.compile(GUARDED_START)
_GUARDED_INNER = re.compile(GUARDED_INNER)
# What makes a CSV cell need quotes: the separator, a quote, a line break.
_QUOTED = re.compile(r'[,"\n\r]')


def spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet shows as typed, never runs: control characters written as escapes (\\x1b: a terminal
    never obeys them, and a workbook's XML cannot hold them), and text that a spreadsheet would run as a formula
    with a ' in front; anything else as is.

    OWASP's rule against CSV injection: a cell that begins with =, +, -, @, a tab or a carriage return (here
    also after leading spaces or line breaks), or with such a cell's ' already (``'=1`` is ``''=1``: the readers
    take exactly one off, ``unguarded``).
    """
    if isinstance(value, str):
        value = printable(value)
        if _FORMULA.match(value):
            return "'" + value
    return value


def csv_cell(value: Any) -> str:
    """One value as a cell of the CSV files the tool writes.

    Text is made ``spreadsheet_safe``, and quoted when it holds a comma, a quote or a line break. Excel set to
    a language whose list separator is ";" (German, French, Dutch) splits each line of a comma-separated file
    at every ";", quotes or not, and at every line break: a cell of its own starts there. So a formula
    character after a ";" or a line break inside a cell gets a ' before it too (``x;=1+1`` is written
    ``x;'=1+1``), and no reader of either kind ever starts a cell with one. Lists are joined with " | ",
    dates written ISO.
    """
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = " | ".join(map(str, value))
    elif isinstance(value, datetime):
        value = value.isoformat(timespec="minutes")
    elif isinstance(value, date):
        return value.isoformat()
    elif not isinstance(value, str):
        return str(value)
    text = spreadsheet_safe(value)
    if (";" in text or "\n" in text) and _INNER_FORMULA.search(text):
        text = _INNER_FORMULA.sub(r"\1'", text)
    if _QUOTED.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


#: Text cells already made, by their text: a long file repeats the same texts (rule names, citations,
#: periods, statuses) on every line. Short texts only, and never more than ``_MADE_MAX``: memory stays flat.
_MADE: dict[str, str] = {}
_MADE_MAX, _MADE_LONGEST = 20_000, 200


def unguarded(text: str, inner: bool = True) -> str:
    """A cell as it was before ``csv_cell`` guarded it: the ' it put before a formula character, first or (``inner``,
    in a CSV file) after a ";" or a line break, taken off, so that ``map``'s records read back as they were given
    (``-HAM-1``, not ``'-HAM-1``). Exactly that ': a value that begins ``'=`` was given one more. A workbook's cell
    (``inner`` False) has only the first: ``spreadsheet_safe`` guards it, as Excel splits no cell at a ";"."""
    if "'" not in text:
        return text  # the usual cell
    if inner and (";" in text or "\n" in text):
        text = _GUARDED_INNER.sub(r"\1\2", text)
    return _GUARDED_START.sub(r"\1", text, count=1)


def csv_line(cells: Iterable[Any]) -> str:
    """One line of a CSV file, its cells made by ``csv_cell``, ending with a newline."""
    made = _MADE
    out = []
    for value in cells:
        if type(value) is str:
            cell = made.get(value)
            if cell is None:
                cell = csv_cell(value)
                if len(value) <= _MADE_LONGEST:
                    if len(made) >= _MADE_MAX:
                        made.clear()
                    made[value] = cell
            out.append(cell)
        else:
            out.append("" if value is None else csv_cell(value))
    return ",".join(out) + "\n"


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """Lines of a CSV file (a header is a row like any other)."""
    return "".join(map(csv_line, rows))


def excel_column(j: int) -> str:
    """The spreadsheet letter of 0-based column ``j`` (0 -> A, 26 -> AA), for locating a bad cell."""
    label = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        label = chr(65 + rem) + label
    return label


Row = tuple[int, list[Any], Callable[[int], Any]]

#: What else Excel separates the cells of a text file with, and when, with the fix. Semicolons in every kind of CSV,
#: "CSV UTF-8 (Comma delimited)" too, where Windows' list separator is one (most of Europe): saving it again as CSV
#: changes nothing there, and a workbook is read as it is. Tabs in "Unicode Text", which --encoding utf-16 reads
#: but does not split at commas.
_SEPARATORS = {
    ";": "semicolons, as Excel saves every kind of CSV (\"CSV UTF-8 (Comma delimited)\" too) where Windows' list "
         "separator is a semicolon: save it as an Excel Workbook (.xlsx) and give that, which is read as it is",
    "\t": "tabs, as Excel saves \"Unicode Text\": save it as an Excel Workbook (.xlsx) and give that (or as CSV UTF-8, "
          "where Windows' list separator is a comma)",
}


def other_separator(header: Sequence[Any], is_header: Callable[[list[str]], bool]) -> str | None:
    """Why a header row reads as one run-on column (its cells separated by semicolons or tabs, not commas), with the
    fix, when its cells split at that separator give names that ``is_header``; else None."""
    cells = ["" if c is None else str(c) for c in header]
    for separator, why in _SEPARATORS.items():
        if any(separator in c for c in cells) and is_header([p.strip() for c in cells for p in c.split(separator)]):
            return "its columns are separated by " + why
    return None


def header_under_titles(rows: Iterable[tuple[int, Sequence[Any]]], is_header: Callable[[list[str]], bool]
                        ) -> tuple[int | None, int]:
    """For a file whose first row is not the header it needs, and whose other ``rows`` (line, cells) go unread: (the
    line of the first of them among the top HEADER_SEARCH rows whose names (stripped) ``is_header``, under a title
    and blank rows, or None; how many rows holding anything it holds, after that line, or all when None), so that
    the message can say where the header is, and the rows not read are counted, a real header not among them."""
    found, total, after = None, 0, 0
    for n, (line, cells) in enumerate(rows, 2):
        if not any(c not in (None, "") for c in cells):
            continue
        if found is None and n <= HEADER_SEARCH and is_header(["" if c is None else str(c).strip() for c in cells]):
            found = line
            continue
        total += 1
        after += found is not None
    return found, (after if found is not None else total)


def table_rows(path: Path, problem: Callable[..., None], sheet: str | None = None,
               encoding: str = DEFAULT_ENCODING, problems: list[Any] | None = None,
               left_alone: Callable[[str], bool] | None = None,
               heads: tuple[Callable[[list[str]], bool], str] | None = None) -> Iterator[Row]:
    """Each row of a CSV file or an Excel sheet as (line, cells, column label of a 0-based index).

    ``problem(message, line, column, field, hint)`` is told of each row left out for a bad cell (records/_csv.py),
    and of why a file cannot be read; rows stop there. A CSV file's bad byte under a header ``left_alone`` names
    (a column for people) is only a warning. ``encoding`` is a CSV file's. A workbook also gives
    ``problem(..., warning=True)`` for each cell read as empty that may not be, and for each formula with no saved
    result, whose cell (under a named column) is ``NOT_CALCULATED``; and it reads every sheet of records:
    the problems the caller adds to ``problems`` while it holds a row then name the row's sheet
    (records/_workbook.py). ``heads`` tells a header row of records from a cover sheet's rows: (a test of its names,
    what it looks for in words), id and kind by default.
    """
    if path.suffix.lower() == ".csv":
        for line, cells in read_csv_rows(path, problem, encoding, left_alone=left_alone):
            yield line, cells, csv_column
        return
    from ._workbook import workbook_rows  # openpyxl takes a while to import: only for a workbook

    yield from workbook_rows(path, problem, excel_column, sheet, problems, heads)


def csv_column(j: int) -> int:
    return j + 1
