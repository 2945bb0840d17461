"""Findings, KPI rows and mapped records as Excel workbooks: a data sheet and a summary sheet.

The data sheet has real date cells shown DD/MM/YYYY, a frozen header, filters on every column, the
status coloured with its word in the cell (readable without colour), and the working in a wrapped
column. openpyxl (write-only mode) builds the workbook, its styles, the summary sheet and each data sheet's
header; the data sheets' rows are written as XML (``_xlsx_rows``): an openpyxl cell per value made
``check --format xlsx`` at 100,000 records take 84 s. A finding's row is written as it is found
(``finding_values``, in ``check``'s worker processes), so the process that writes the workbook only numbers
the rows. openpyxl is imported only when a workbook is written. Renderers only: every value comes from a
Finding, a KPI row or a record.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import Any, Callable, Collection, Iterable, Mapping, NamedTuple, Sequence
from weakref import WeakKeyDictionary

from ..engines import Finding, sort_by_urgency
from ..errors import InputError, Problem
from ..records import Record, measured_text, spreadsheet_safe, written_event, written_events
from ..rules import Vocabulary, bundled_vocabulary
from ._formats import STATUS_NAMES, counts, listed, margin_text, problem_rows, rows_not_read, unread_count
from ._kpi import NO_VALUE, KpiRow, records_read
from ._xlsx_rows import MAX_CELL, Cells, Look, SheetColumn, Styled, numbered, with_rows

#: Light backgrounds, dark text: each status also says its name, so colour is never the only cue.
STATUS_COLOURS = {"overdue": ("F4CCCC", "7F0000"), "late": ("FCE4D6", "843C0C"), "due": ("FFF2CC", "5C4400"),
                  "met": ("D9EAD3", "274E13"), "missing_data": ("E4DFEC", "3F3151"), "not_applicable": ("EDEDED", "3A3A3A")}
_DATE = "DD/MM/YYYY"
_DATE_TIME = "DD/MM/YYYY HH:MM"
_HEADER = ("1D70B8", "FFFFFF")
#: Excel's last row: a sheet holds its header and one row fewer than this. Excel opens a longer sheet only after
#: "We found a problem with some content", with the rows past it gone.
SHEET_ROWS = 1_048_576
#: The named styles each workbook has, by look, so that a cell's style is found without building its name.
_STYLES: WeakKeyDictionary[Any, dict[tuple[Any, ...], str]] = WeakKeyDictionary()
#: Each workbook's data sheets whose rows are still to be written when it is saved: the sheet and its rows' XML.
_ROWS: WeakKeyDictionary[Any, list[tuple[Any, Callable[[], Iterable[bytes]]]]] = WeakKeyDictionary()


@dataclass(frozen=True)
class Column:
    """One column of a data sheet: its heading, its width, and how its cells look."""

    heading: str
    width: float
    wrap: bool = False
    #: Centred: a date or number beside a column of text, kept apart from it.
    centre: bool = False


def _book() -> Any:
    from openpyxl import Workbook

    return Workbook(write_only=True)


def _look(*, fill: str | None = None, colour: str | None = None, bold: bool = False, wrap: bool = False,
          number_format: str | None = None, left: bool = False, centre: bool = False) -> Look:
    return Look(fill, colour, bold, wrap, number_format, "left" if left else "center" if centre else None)


def _styled(sheet: Any, value: Any, *, fill: str | None = None, colour: str | None = None, bold: bool = False,
            wrap: bool = False, number_format: str | None = None, left: bool = False, centre: bool = False) -> Any:
    """A cell holding ``value`` (made safe), in the named style for this look."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=spreadsheet_safe(value))
    cell.style = _style(sheet.parent, fill, colour, bold, wrap, number_format,
                        "left" if left else "center" if centre else None)
    return cell


def _style(book: Any, fill: str | None, colour: str | None, bold: bool, wrap: bool, number_format: str | None,
           horizontal: str | None) -> str:
    """The name of a style with this look, added to the workbook the first time it is asked for.

    A cell given a named style copies its indexes; a cell given a font, a fill and an alignment of its own
    has each looked up in the workbook's tables, which made large workbooks twenty times slower.
    """
    known = _STYLES.setdefault(book, {})
    key = (fill, colour, bold, wrap, number_format, horizontal)
    if key in known:
        return known[key]
    parts = [horizontal, "wrapped" if wrap else None, number_format, "bold" if bold else None,
             f"fill {fill}" if fill else None, f"text {colour}" if colour else None]
    name = known[key] = "Statutory timelines: " + (", ".join(p for p in parts if p) or "plain")
    if name not in book.named_styles:
        from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

        # Top-aligned, every cell: in a row made tall by wrapped working, a date or number left at the bottom
        # reads as if it belonged to the row below.
        style = NamedStyle(name=name, font=Font(name="Calibri", size=11, bold=bold, color=colour),
                           alignment=Alignment(wrap_text=wrap, vertical="top", horizontal=horizontal),
                           number_format=number_format or "General")
        if fill:
            style.fill = PatternFill("solid", fgColor=fill)
        book.add_named_style(style)
    return name


def _cell(sheet: Any, value: Any, wrap: bool = False, left: bool = False, centre: bool = False) -> Any:
    """A cell for any value: dates as date cells, date-times with their time, text made safe and trimmed to fit."""
    if isinstance(value, datetime):
        return _styled(sheet, value, number_format=_DATE_TIME, left=left, centre=centre)
    if isinstance(value, date):
        return _styled(sheet, value, number_format=_DATE, left=left, centre=centre)
    if isinstance(value, str) and len(value) > MAX_CELL:
        value = value[:MAX_CELL] + "…"
    return _styled(sheet, value, wrap=wrap, left=left, centre=centre)


def _sheet_columns(columns: Sequence[Column], named: Mapping[int, Mapping[Any, Styled]] | None = None
                   ) -> list[SheetColumn]:
    """How each column's cells look: plain values in the column's look, dates and date-times in theirs (centred
    where the column is, never wrapped), and the values ``named`` (by column) shows in looks of their own."""
    return [SheetColumn(_look(wrap=c.wrap, centre=c.centre), _look(number_format=_DATE, centre=c.centre),
                        _look(number_format=_DATE_TIME, centre=c.centre), max(int(c.width * 1.2), 10) if c.wrap else 0,
                        (named or {}).get(j))
            for j, c in enumerate(columns)]


def _data_sheet(book: Any, title: str, columns: Sequence[Column], rows: Sequence[Sequence[Any]], freeze: str = "B2",
                extra: Iterable[Look] = ()) -> Any:
    """A sheet with a header and ``rows``, widths, a frozen header and filters.

    Each row is a list of values, each in its column's look (dates as date cells, text made safe and trimmed to
    fit), or ``Styled`` in a look of its own (one of ``extra``). Rows with wrapped text get the height their lines
    need, since a spreadsheet does not grow a row for text a program wrote. The rows are written when the workbook is
    saved.
    """
    cells = Cells(_sheet_columns(columns), extra)
    rendered = [cells.render(values) for values in rows]
    used = reduce(or_, (looks for _, looks, _ in rendered), 0)
    return _rendered_sheet(book, title, columns, cells, used, lambda: ((r, lines) for r, _, lines in rendered),
                           len(rendered), freeze)


def _rendered_sheet(book: Any, title: str, columns: Sequence[Column], cells: Cells, used: int,
                    rows: Callable[[], Iterable[tuple[bytes, int]]], count: int, freeze: str) -> Any:
    """A data sheet of ``count`` rows rendered by ``cells`` (each its cells and the lines of its tallest text),
    using the looks ``used``: the header, widths, frozen panes and filters by openpyxl, the rows when it is saved."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    if count >= SHEET_ROWS:
        raise InputError(Problem(f"{count:,} rows for the {title} sheet, more than a workbook's sheet holds "
                                 f"({SHEET_ROWS - 1:,} under its header): no workbook was written",
                                 hint="write a CSV file instead, an --output ending .csv, which holds any number"))
    sheet = book.create_sheet(title)
    for j, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = column.width
    sheet.freeze_panes = freeze
    _fit_width(sheet)  # before the first row: a streamed sheet writes its settings then
    sheet.row_dimensions[1].height = 30  # two lines: headings wrap rather than being cut off
    sheet.append([_styled(sheet, c.heading, fill=_HEADER[0], colour=_HEADER[1], bold=True, wrap=True)
                  for c in columns])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    sheet.print_title_rows = "1:1"
    # Every look the rows use is a named style of the workbook before openpyxl writes its styles.
    style_ids: dict[Look, int] = {}
    for look in cells.looks_in(used):
        cell = WriteOnlyCell(sheet)
        cell.style = _style(book, *look)
        style_ids[look] = cell.style_id
    styles = cells.styles(style_ids)
    _ROWS.setdefault(book, []).append((sheet, lambda: numbered(rows(), styles)))
    return sheet


def _fit_width(sheet: Any) -> None:
    """Print landscape, every column on one page across, as many pages down as the rows need."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _summary_sheet(book: Any, title: str, lines: Sequence[tuple[str, Any]],
                   table: tuple[Sequence[str], Sequence[Sequence[Any]]] | None = None,
                   files: Sequence[tuple[str, Sequence[str]]] = ()) -> None:
    """Label and value lines, a small table by status, then lists of files: what a reader needs to trust the
    figures. The first cell of each table row is a status, shown by name in its colour."""
    sheet = book.create_sheet("Summary")
    for letter, width in zip("ABC", (26, 70, 14)):
        sheet.column_dimensions[letter].width = width
    _fit_width(sheet)
    sheet.append([_styled(sheet, title, bold=True)])
    sheet.append([])
    for label, value in lines:
        sheet.append([_styled(sheet, label, bold=True), _cell(sheet, value, left=True)])
    if table:
        headings, rows = table
        sheet.append([])
        sheet.append([_styled(sheet, h, fill=_HEADER[0], colour=_HEADER[1], bold=True) for h in headings])
        for status, *values in rows:
            fill, colour = STATUS_COLOURS.get(status, (None, None))
            name = STATUS_NAMES.get(status, status)
            sheet.append([_styled(sheet, name, fill=fill, colour=colour, bold=status not in STATUS_COLOURS),
                          *(_cell(sheet, v, left=True) for v in values)])
    for label, names in files:
        sheet.append([])
        sheet.append([_styled(sheet, label, bold=True), _cell(sheet, names[0] if names else "(none)")])
        for name in names[1:]:
            sheet.append([None, _cell(sheet, name)])


def _save(book: Any) -> bytes:
    """The workbook's bytes: openpyxl's, with the data sheets' rows put in."""
    buffer = io.BytesIO()
    book.save(buffer)
    pending = _ROWS.pop(book, [])
    return with_rows(buffer.getvalue(), {sheet.path.lstrip("/"): rows for sheet, rows in pending})


# -- findings (compliance check) -------------------------------------------------------------------

FINDING_COLUMNS = (
    Column("Status", 15), Column("Record", 26), Column("Rule", 24), Column("Duty", 36, wrap=True),
    Column("#", 5, centre=True), Column("Trigger event", 20), Column("Trigger date", 13, centre=True),
    Column("Deadline", 13, centre=True), Column("Completion event", 20), Column("Done", 13, centre=True),
    Column("Margin", 30, wrap=True), Column("Working days late", 10, centre=True), Column("Days late", 9, centre=True),
    Column("Working days left", 10, centre=True), Column("Days left", 9, centre=True),
    Column("Citation", 40, wrap=True), Column("Verification", 12), Column("Reason", 40, wrap=True),
    Column("Record this", 24, wrap=True), Column("Check the record", 40, wrap=True),
    Column("Provisional", 12, centre=True), Column("Approximate", 13, centre=True), Column("Working", 90, wrap=True),
    Column("System's target", 13, centre=True), Column("Target vs law (working days)", 12, centre=True),
    Column("Target", 40, wrap=True), Column("Source URL", 30),
)


#: Runs of the Findings sheet's columns whose values go together, each written once for all the rows that share
#: them: the rule, duty, occurrence and trigger; the trigger date and deadline; the completion; the margin and the
#: four counts of days; the citation to the flags; the system's own target and the source. (100,000 records:
#: 172,000 rows, at most about 20,000 of each run.)
_FINDING_RUNS = ((2, 6), (6, 8), (8, 10), (10, 15), (15, 22), (23, 27))


def _fit(texts: Iterable[str], minimum: float, maximum: float = 40) -> float:
    """A column width that shows the longest text (of the first thousand), within bounds."""
    longest = max((len(t) for t, _ in zip(texts, range(1000))), default=0)
    return min(max(longest + 2, minimum), maximum)


def findings_xlsx(findings: Sequence[Finding], as_of: date, *, rule_files: Sequence[str] = (),
                  record_files: Sequence[str] = (), generated_at: datetime | None = None,
                  problems: Sequence[Problem] = (), show_all: bool = False) -> bytes:
    """Findings that apply (every one with ``show_all``), most urgent first, on a sheet of their own; a summary
    sheet with the counts and the inputs; and the rows that could not be read on a "Problems" sheet."""
    shown = [f for f in sort_by_urgency(findings) if listed(f, show_all)]
    calendar_data = {calendar_data_text(f.calendar_data): None for f in shown if f.calendar_data}
    return findings_workbook([finding_row_values(f) for f in shown], counts(findings), as_of,
                             list(calendar_data), rule_files=rule_files, record_files=record_files,
                             generated_at=generated_at, problems=problems, show_all=show_all)


class FindingRow(NamedTuple):
    """A finding's row of the Findings sheet, written: its cells (``Cells.render``), the looks they use, the lines
    of its tallest wrapped text; and its record and rule, which set those columns' widths."""

    record: str
    rule: str
    cells: bytes
    looks: int
    lines: int


_FINDING_CELLS: Cells | None = None


def _finding_cells() -> Cells:
    """How a findings row is written, the same in every process (the looks in one order): built once a process."""
    global _FINDING_CELLS
    if _FINDING_CELLS is None:
        # The status by name, in its colour; overdue in bold too.
        statuses = {status: Styled(STATUS_NAMES[status], _look(fill=fill, colour=colour, bold=status == "overdue"))
                    for status, (fill, colour) in STATUS_COLOURS.items()}
        _FINDING_CELLS = Cells(_sheet_columns(FINDING_COLUMNS, {0: statuses}), together=_FINDING_RUNS)
    return _FINDING_CELLS


def finding_row(values: Sequence[Any]) -> FindingRow:
    """A findings row of plain values (``finding_row_values``) written as the Findings sheet's cells."""
    cells, looks, lines = _finding_cells().render(values)
    return FindingRow(values[1], values[2], cells, looks, lines)


def finding_values(f: Finding) -> FindingRow:
    """A finding's row of the workbook, written (``check`` calls this in its worker processes, where the finding
    is found, so that the process writing the workbook only numbers the rows)."""
    return finding_row(finding_row_values(f))


def finding_row_values(f: Finding) -> list[Any]:
    """A finding's row of the workbook as plain values, its status first (styled when written)."""
    return [
        f.status, f.record, f.rule, f.title, f.occurrence, f.trigger_event, f.trigger_date, f.deadline,
        f.completion_event, f.completed_date, margin_text(f, lambda d: d.strftime("%d/%m/%Y")), f.working_days_late,
        f.days_late, f.working_days_left, f.days_left, f.citation, f.verification, f.reason, ", ".join(f.needs),
        "\n".join(f.data_quality), "yes" if f.provisional else "", "yes" if f.approximate else "",
        "\n".join(f.assumptions + f.explanation + f.warnings), f.recorded_deadline, f.recorded_deadline_working_days,
        f.recorded_deadline_note, f.source_url,
    ]


def findings_workbook(rows: Sequence[FindingRow | Sequence[Any]], tally: Mapping[str, int], as_of: date,
                      calendar_data: Sequence[str], *, rule_files: Sequence[str] = (), record_files: Sequence[str] = (),
                      generated_at: datetime | None = None, problems: Sequence[Problem] = (),
                      show_all: bool = False, records: int | None = None) -> bytes:
    """The workbook from rows already in order, each ``finding_values``' (or ``finding_row_values``': written here),
    the count of each status (listed or not), of the ``records`` checked, and the rows that could not be read."""
    book = _book()
    written = [r if isinstance(r, FindingRow) else finding_row(r) for r in rows]
    columns = list(FINDING_COLUMNS)
    columns[1] = Column("Record", _fit((r.record for r in written), 12))
    columns[2] = Column("Rule", _fit((r.rule for r in written), 10))
    used = reduce(or_, (r.looks for r in written), 0)
    _rendered_sheet(book, "Findings", columns, _finding_cells(), used, lambda: ((r.cells, r.lines) for r in written),
                    len(written), freeze="C2")
    status_rows = [[s, n] for s, n in tally.items()] + [["Total", sum(tally.values())]]
    lines: list[tuple[str, Any]] = [("As of", as_of)]
    if generated_at:
        lines.append(("Generated", generated_at.replace(tzinfo=None, microsecond=0)))
    lines.append(("Calendar data", "; ".join(calendar_data) or "(no deadlines)"))
    if tally.get("not_applicable") and not show_all:
        lines.append(("Not listed", f"{tally['not_applicable']} not-applicable findings, counted below "
                                    "(--all lists them)"))
    if records is not None:
        lines.append(("Records checked", records))
    unread = problem_rows(problems)
    lines.append(("Rows not read", f"{rows_not_read(unread_count(problems))}: see the Problems sheet" if unread
                  else "none"))
    _summary_sheet(book, f"Compliance as of {as_of:%d/%m/%Y}", lines, (("Status", "Findings"), status_rows),
                   [("Rule files", list(rule_files)), ("Record files", list(record_files))])
    if unread:
        _problems_sheet(book, [p for row in unread for p in row])
    return _save(book)


PROBLEM_COLUMNS = (Column("File", 30), Column("Row", 8, centre=True), Column("Column", 8, centre=True),
                   Column("Field", 20), Column("What is wrong", 60, wrap=True), Column("How to fix it", 50, wrap=True))


def _problems_sheet(book: Any, problems: Sequence[Problem]) -> None:
    """The rows that could not be read: where each is, what is wrong, how to fix it."""
    _data_sheet(book, "Problems", PROBLEM_COLUMNS, [[p.file, p.line, p.column, p.field, p.message, p.hint]
                                                    for p in problems])


def calendar_data_text(data: Mapping[str, Any]) -> str:
    """The calendar file and package version behind a deadline, so a reader can reproduce it."""
    return (f"{data.get('file', '')} (sha256 {str(data.get('file_sha256', ''))[:12]}), holidays "
            f"{data.get('holidays_package', '')}")


# -- KPI rows (compliance kpi) --------------------------------------------------------------------

def kpi_xlsx(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date, month_of: str = "deadline", *,
             rule_files: Sequence[str] = (), record_files: Sequence[str] = ()) -> bytes:
    """KPI rows with the share in time as a percentage cell and months as real dates, and a summary sheet."""
    book = _book()
    columns = [Column("Rule", 26), Column("Duty", 40, wrap=True)]
    columns += [Column(d.capitalize() if d != "month" else f"Month ({month_of})", 16, centre=d == "month")
                for d in dimensions]
    columns += [Column(h, w, centre=True) for h, w in (("In time", 10), ("Decided", 10), ("Met", 8), ("Late", 8),
                                                       ("Overdue", 10), ("Due", 8), ("Missing data", 13),
                                                       ("Approximate", 12))]
    # Each row's records and those the rule did not apply to, as the table shows them (not by month: see _kpi.py).
    by_record = bool(rows) and all(r.records is not None for r in rows)
    if by_record:
        columns += [Column("Not applicable", 15, centre=True), Column("Records", 10, centre=True)]

    def make() -> Iterable[list[Any]]:
        for r in rows:
            values: list[Any] = [r.rule, r.title]
            for d in dimensions:
                values.append(_month_cell(r.value(d)) if d == "month" else r.value(d))
            share = Styled(r.in_time, _SHARE) if r.in_time is not None else "-"
            values += [share, r.decided, r.met, r.late, r.overdue, r.due, r.missing_data, r.approximate]
            if by_record:
                values += [r.not_applicable, r.records]
            yield values

    _data_sheet(book, "KPIs", columns, list(make()), freeze="B2", extra=(_SHARE, _MONTH))
    totals = [sum(getattr(r, k) for r in rows) for k in ("met", "late", "overdue", "due", "missing_data")]
    decided = sum(totals[:3])
    lines: list[tuple[str, Any]] = [("As of", as_of), ("In time", "met / (met + late + overdue)"),
                                    ("Grouped by", ", ".join(["rule", *dimensions])),
                                    ("Month of", month_of if "month" in dimensions else "(not grouped by month)"),
                                    ("All duties in time", f"{100 * totals[0] / decided:.1f}% of {decided}"
                                     if decided else "-")]
    read = records_read(rows)
    if read is not None:
        lines.append(("Records read", f"{sum(read.values())}" + (" (" + ", ".join(f"{kind} {n}" for kind, n in
                                                                                 read.items()) + ")" if read else "")))
    table = (("Status", "Duties"), [[s, n] for s, n in zip(("met", "late", "overdue", "due", "missing_data"), totals)])
    _summary_sheet(book, f"Timeliness as of {as_of:%d/%m/%Y}", lines, table,
                   [("Rule files", list(rule_files)), ("Record files", list(record_files))])
    return _save(book)


def _month_cell(month: str) -> Any:
    """"2024-05" as the first of the month, shown "May 2024"; "(none)" stays text."""
    if not month or month == NO_VALUE:
        return month
    year, mon = month.split("-")
    return Styled(date(int(year), int(mon), 1), _MONTH)


_SHARE = Look(number_format="0.0%", horizontal="center")
_MONTH = Look(number_format="MMM YYYY", horizontal="center")


# -- mapped records (compliance map) ------------------------------------------------------------------

def records_xlsx(records: Sequence[Record], repeats: Mapping[str, set[str]], *, title: str,
                 source_files: Sequence[str] = (), duties: Sequence[str] = (), vocabulary: Vocabulary | None = None,
                 mapped: Callable[[str], Collection[str]] = lambda kind: ()) -> bytes:
    """Records in the tracker layout (id, kind, the day their extract was drawn and the duties measured on them where
    known, attributes, events, the system's own deadlines) that ``compliance check`` reads back as they are.

    One date is a date cell; several dates of a repeating event are written as text, DD/MM/YYYY separated by ;.
    ``repeats`` names the repeating events of each kind. The event columns are those records_csv writes
    (``written_events``: ``mapped``, the events the mapping maps for a kind, even when blank throughout), an event
    a record's source does not hold written ``unknown``.
    """
    vocab = vocabulary or bundled_vocabulary()
    book = _book()
    attributes: dict[str, None] = {}
    # What each record gave, not what its events imply: read back, the implied facts are implied again and the
    # findings still say they were taken, as the CSV layout does (records_csv).
    given = [rec.given_attributes for rec in records]
    for attrs in given:
        attributes.update(dict.fromkeys(attrs))
    events = written_events(records, vocab, mapped)
    targets = {rule: None for rec in records for rule in rec.targets}
    drawn = any(rec.extract_date is not None for rec in records)
    measured = [measured_text(rec.measured) for rec in records]
    columns = [Column("id", _fit((r.id for r in records), 12)), Column("kind", _fit((r.kind for r in records), 8))]
    columns += [Column("extract_date", 14, centre=True)] if drawn else []
    columns += [Column("measured", _fit((m or "" for m in measured), 12))] if any(measured) else []
    columns += [Column(a, _fit((str(g.get(a, "")) for g in given), len(a) + 3)) for a in attributes]
    columns += [Column(e, max(13, len(e) + 3), centre=True) for e in events]
    columns += [Column(f"target:{rule}", max(13, len(rule) + 10), centre=True) for rule in targets]

    def cell(dates: Sequence[Any] | str, listed: bool) -> Any:
        """One date as a date cell; several (or a repeating event's) as text, DD/MM/YYYY separated by ;; unknown as
        the word."""
        if isinstance(dates, str):
            return dates
        if len(dates) > 1 or (dates and listed):
            return "; ".join(d.strftime("%d/%m/%Y %H:%M" if isinstance(d, datetime) else "%d/%m/%Y") for d in dates)
        return dates[0] if dates else None

    def make() -> Iterable[list[Any]]:
        for rec, attrs, duties in zip(records, given, measured):
            row: list[Any] = [rec.id, rec.kind]
            if drawn:
                row.append(rec.extract_date)
            if any(measured):
                row.append(duties)
            for a in attributes:
                value = attrs.get(a)
                row.append(("yes" if value else "no") if isinstance(value, bool) else value)
            row += [cell(written_event(rec, e, vocab), e in repeats.get(rec.kind, set())) for e in events]
            row += [cell(rec.targets.get(rule, ()), False) for rule in targets]
            yield row

    _data_sheet(book, "Records", columns, list(make()), freeze="B2")
    _summary_sheet(book, title, [("Records", len(records)), ("Duties they can answer", ", ".join(duties) or "none")],
                   files=[("Extract files", list(source_files))])
    return _save(book)
