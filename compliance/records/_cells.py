"""What a table's cell can hold beyond text, where a header is looked for, and a file neither reads: shared by the
readers of CSV files and of workbooks (records/_tables.py, records/_workbook.py), which each import this rather than
one another."""

from __future__ import annotations

#: The rows at the top of a sheet or file searched for a header row under title rows.
HEADER_SEARCH = 10


class NotCalculated:
    """What a workbook's cell holds, under a named column, when it holds a formula with no saved result (a workbook
    written by a script, or by an export that does not calculate): its value is not known. Read as empty, a date
    there was "not happened", and its duty overdue; so an event there is read as ``unknown`` (missing data), and
    any other field a record is made of stops its row (records/_readers.py, records/_mappings.py)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_CALCULATED"


NOT_CALCULATED = NotCalculated()
#: The message and hint for a field a record is made of (not an event) holding NOT_CALCULATED.
NOT_CALCULATED_MESSAGE = ("the cell holds a formula with no saved result, so its value is not known: the row was not "
                          "read")
NOT_CALCULATED_HINT = "open the workbook in Excel and save it, which saves each formula's result, or type the value"


#: How an old Excel workbook (.xls) begins, and a password-protected .xlsx too (an OLE2 compound file, not a zip):
#: neither reader can read it, and each says so in these words.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE2_MESSAGE = "this is an old-format Excel workbook (.xls) or a password-protected one"
OLE2_HINT = "open it in Excel and save it as .xlsx (File > Save As), with no password, or as CSV UTF-8"
