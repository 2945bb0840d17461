"""Rows of a CSV file or an Excel sheet, each with its row number and a way to name its columns in messages;
and cells made safe to open in a spreadsheet, for every table the tool writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

from ._csv import DEFAULT_ENCODING, read_csv_rows

#: Characters that make a spreadsheet treat text as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, with a ' in front so it shows as typed; anything else as is.

    OWASP's rule against CSV injection: a cell that begins with =, +, -, @, a tab or a carriage return.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_column(j: int) -> str:
    """The spreadsheet letter of 0-based column ``j`` (0 -> A, 26 -> AA), for locating a bad cell."""
    label = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        label = chr(65 + rem) + label
    return label


Row = tuple[int, list[Any], Callable[[int], Any]]


def table_rows(path: Path, problem: Callable[..., None], sheet: str | None = None,
               encoding: str = DEFAULT_ENCODING) -> Iterator[Row]:
    """Each row of a CSV file or an Excel sheet as (line, cells, column label of a 0-based index).

    ``problem(message, line, column, field, hint)`` is told of each row left out for a bad cell (records/_csv.py),
    and of why a file cannot be read; rows stop there. ``encoding`` is a CSV file's. A workbook also gives
    ``problem(..., warning=True)`` for each cell read as empty that may not be (records/_workbook.py).
    """
    if path.suffix.lower() == ".csv":
        for line, cells in read_csv_rows(path, problem, encoding):
            yield line, cells, csv_column
        return
    from ._workbook import workbook_rows  # openpyxl takes a while to import: only for a workbook

    yield from workbook_rows(path, problem, excel_column, sheet)


def csv_column(j: int) -> int:
    return j + 1
