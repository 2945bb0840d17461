"""A ready tracker for one kind of record: the columns the rules read, as an Excel workbook or a CSV header.

Filled in and saved, a tracker reads back with ``compliance check`` unchanged: the first sheet is the
record layout (``id``, ``kind``, attributes, events) that records/_readers.py reads. The workbook adds
what a person filling it in needs: dates shown DD/MM/YYYY, drop-down lists for yes/no and enumerated
attributes, a frozen header, and a second sheet explaining each column from the vocabulary. Imported
only where used, since it loads openpyxl.
"""

from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import InputError, Problem
from ..rules import Rule, RuleSet
from ._record import UNKNOWN

#: The years the bundled calendars cover: a date outside them cannot be counted, so the sheet refuses it.
FIRST_DAY, LAST_DAY = date(1971, 1, 1), date(2100, 12, 31)
ROWS = 2000  # rows given drop-down lists and date checks; Excel extends them as rows are inserted
_HEADER_FILL = PatternFill("solid", fgColor="1D70B8")
_HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a tracker: its name, what it holds and how to fill it in."""

    name: str
    role: str  # "id", "kind", "attribute" or "event"
    description: str
    form: str  # "text", "choice", "yes/no", "date", "date-time" or "dates" (a repeating event)
    values: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()  # the rules that read it

    @property
    def how(self) -> str:
        """How to fill the column in, in words."""
        return {
            "text": "Text.",
            "choice": "One of the values listed (a drop-down list).",
            "yes/no": "yes or no (a drop-down list); leave blank if not known.",
            "date": "A date: DD/MM/YYYY (e.g. 05/09/2025) or YYYY-MM-DD. Leave blank until it happens.",
            "date-time": "A date and time: DD/MM/YYYY HH:MM (e.g. 05/09/2025 14:30), the 24-hour clock. The time "
                         "counts for an hours clock; a date alone makes the finding approximate.",
            "dates": "It can happen many times: give every date in one cell, separated by ; "
                     "(e.g. 05/09/2025; 04/03/2026), in any order.",
        }[self.form]


def template_columns(ruleset: RuleSet, kind: str) -> list[TemplateColumn]:
    """The columns of a tracker for ``kind``: id, kind, each attribute, each event, in the vocabulary's order."""
    vocab = ruleset.vocabulary
    if kind not in vocab.kinds:
        close = difflib.get_close_matches(kind, list(vocab.kinds), n=1)
        raise InputError(Problem(f"unknown record kind {kind!r}", field="kind",
                                 hint=f"did you mean {close[0]!r}?" if close else
                                 "one of: " + ", ".join(sorted(vocab.kinds))))
    rules = [r for r in ruleset if r.applies_to == kind]
    columns = [
        TemplateColumn("id", "id", f"A name for the record, unique in the file (e.g. {_example_id(kind)}).", "text"),
        TemplateColumn("kind", "kind", f"Always {kind}: the kind of record, which decides the duties.", "choice",
                       (kind,)),
    ]
    attributes = dict(vocab.attributes(kind))
    for rule in rules:  # an attribute a rule's conditions read, even if the vocabulary does not describe it
        for name, allowed in rule.when:
            attributes.setdefault(name, {"values": [str(a) for a in allowed]})
    for name, attr in attributes.items():
        form = "yes/no" if attr.get("type") == "boolean" else "choice" if attr.get("values") else "text"
        values = ("yes", "no") if form == "yes/no" else tuple(str(v) for v in attr.get("values") or ())
        columns.append(TemplateColumn(name, "attribute", str(attr.get("description") or name.replace("_", " ")),
                                      form, values, _readers(rules, name, attribute=True)))
    timed = {e for r in rules if r.period.unit == "hours" for e in (r.trigger, r.completion)}
    for name, event in vocab.events(kind).items():
        form = "dates" if event.get("repeats") else "date-time" if name in timed else "date"
        columns.append(TemplateColumn(name, "event", str(event.get("description") or name.replace("_", " ")), form,
                                      (), _readers(rules, name, attribute=False)))
    return columns


def _example_id(kind: str) -> str:
    return {"inspection": "northby-2025-ilacs"}.get(kind, f"C0001234-{kind}-1")


def _readers(rules: list[Rule], name: str, attribute: bool) -> tuple[str, ...]:
    def reads(r: Rule) -> bool:
        if attribute:
            return any(n == name for n, _ in r.when)
        return name in r.events
    return tuple(r.id for r in rules if reads(r))


def template_csv(columns: list[TemplateColumn]) -> str:
    """The header row alone: a CSV tracker to fill in (dates DD/MM/YYYY or YYYY-MM-DD)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([c.name for c in columns])
    return buffer.getvalue()


def template_xlsx(columns: list[TemplateColumn], kind: str, description: str = "") -> bytes:
    """An Excel tracker: the record sheet to fill in, then a sheet explaining every column."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"{kind.capitalize()} records"[:31]
    lists = book.create_sheet("Lists")
    for j, column in enumerate(columns, start=1):
        letter = get_column_letter(j)
        cell = sheet.cell(row=1, column=j, value=column.name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        cell.comment = Comment(f"{column.description}\n{column.how}", "statutory-timelines", width=300, height=120)
        width = {"date": 13, "date-time": 17, "dates": 30}.get(column.form, 16)
        sheet.column_dimensions[letter].width = max(width, len(column.name) + 3, 28 if column.role == "id" else 0)
        span = f"{letter}2:{letter}{ROWS + 1}"
        if column.form in ("date", "date-time"):
            sheet.column_dimensions[letter].number_format = "DD/MM/YYYY" + (" HH:MM" if column.form == "date-time" else "")
            sheet.column_dimensions[letter].alignment = Alignment(horizontal="center")
            # A date in the calendar's years, or "unknown" (it has happened, on a date not known), which a date
            # validation would refuse: the formula is relative to the column's first cell.
            first = f"{letter}2"
            check = DataValidation(type="custom", allow_blank=True, showErrorMessage=True, errorTitle="Not a date",
                                   formula1=f'OR(AND(ISNUMBER({first}),{first}>={_serial(FIRST_DAY)},'
                                            f'{first}<{_serial(LAST_DAY) + 1}),LOWER(TRIM({first}))="{UNKNOWN}")',
                                   error=f"Type a date, e.g. 05/09/2025 (DD/MM/YYYY), between {FIRST_DAY:%d/%m/%Y} "
                                         f"and {LAST_DAY:%d/%m/%Y}, the years the calendar covers; or unknown, "
                                         "where it has happened on a date not known.")
            check.add(span)
            sheet.add_data_validation(check)
        elif column.form == "dates":
            sheet.column_dimensions[letter].number_format = "@"  # text: several dates, separated by ;
        elif column.values:
            for i, value in enumerate(column.values, start=1):
                lists.cell(row=i, column=j, value=value)
            choice = DataValidation(type="list", formula1=f"Lists!${letter}$1:${letter}${len(column.values)}",
                                    allow_blank=True, showErrorMessage=True, errorTitle=f"Not a {column.name}",
                                    error="Choose one of: " + ", ".join(column.values))
            choice.add(span)
            sheet.add_data_validation(choice)
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 20
    _landscape(sheet)
    sheet.print_title_rows = "1:1"
    lists.sheet_state = "hidden"
    _about(book.create_sheet("About the columns", 1), columns, kind, description)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _serial(d: date) -> int:
    """Excel's day number for a date (days since 30 December 1899)."""
    return (d - date(1899, 12, 30)).days


def _about(sheet, columns: list[TemplateColumn], kind: str, description: str) -> None:  # type: ignore[no-untyped-def]
    """The second sheet: how to fill the tracker in, and each column explained."""
    notes = [
        (f"How to fill in this {kind} tracker", True),
        (description, False),
        ("One row per record. Keep the first row (the column names) as it is; leave a cell blank until the event "
         "happens.", False),
        ("Dates: DD/MM/YYYY (e.g. 05/09/2025 is 5 September) or YYYY-MM-DD (2025-09-05); never month first. The date "
         "columns are formatted as dates: a number such as 45901 in a date column means the cell lost its format.",
         False),
        ("Events that happen many times: every date in one cell, separated by ; (e.g. 05/09/2025; 04/03/2026).", False),
        ("yes/no columns: yes or no (true and false also work). Then run: compliance check this-file.xlsx", False),
    ]
    row = 1
    for text, bold in notes:
        if text:
            cell = sheet.cell(row=row, column=1, value=text)
            cell.font = Font(name="Calibri", bold=bold, size=13 if bold else 11)
            row += 1
    row += 1
    headings = ("Column", "What it is", "How to fill it in", "Allowed values", "Read by the rules")
    for j, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=row, column=j, value=heading)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    header_row = row
    wrap = Alignment(wrap_text=True, vertical="top")
    widths = (26, 48, 48, 30, 34)
    for column in columns:
        row += 1
        values = (column.name, column.description, column.how, ", ".join(column.values),
                  ", ".join(column.rules) or ("-" if column.role in ("attribute", "event") else ""))
        for j, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=j, value=value)
            cell.alignment = wrap
        sheet.cell(row=row, column=1).font = Font(name="Calibri", bold=True)
        # Spreadsheets do not grow a row to fit wrapped text written by a program: give it the lines it needs.
        lines = max(-(-len(v) // int(w * 1.1)) for v, w in zip(values, widths) if v)
        sheet.row_dimensions[row].height = 15 * max(lines, 1) + 2
    for letter, width in zip("ABCDE", widths):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{header_row + 1}"
    _landscape(sheet)


def _landscape(sheet) -> None:  # type: ignore[no-untyped-def]
    """Print across the page, as wide as the columns, as long as the rows."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
