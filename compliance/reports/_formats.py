"""Findings as text: a terminal table, JSON, CSV and Markdown. Renderers never recompute deadlines."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from ..engines import Finding, iso, sort_by_urgency
from ..errors import printable
from ..records import spreadsheet_safe

FORMATS = ("table", "json", "csv", "md")
CSV_FIELDS = (
    "record", "rule", "duty", "kind", "status", "occurrence", "trigger_event", "trigger_date", "period",
    "deadline", "completion_event", "completed_date", "days_late", "working_days_late", "days_left",
    "working_days_left", "late_by", "time_left", "citation", "verification", "reason", "needs", "on_bound",
    "unrecorded", "data_quality", "provisional", "approximate", "assumptions", "warnings", "explanation",
    "recorded_deadline", "recorded_deadline_working_days", "recorded_deadline_note",
)
_COLOURS = {"overdue": "\033[1;31m", "late": "\033[31m", "due": "\033[33m", "met": "\033[32m",
            "missing_data": "\033[35m", "not_applicable": "\033[2m"}
_RESET = "\033[0m"
STATUS_LABELS = {"overdue": "OVERDUE", "late": "LATE", "due": "DUE", "met": "MET",
                 "missing_data": "MISSING DATA", "not_applicable": "N/A"}
#: Status names for people, in sentence case (the terminal table uses capitals).
STATUS_NAMES = {"overdue": "Overdue", "late": "Late", "due": "Due", "met": "Met", "missing_data": "Missing data",
                "not_applicable": "Not applicable"}


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings have each status, every status present (zero where none)."""
    out = {s: 0 for s in STATUS_LABELS}
    for f in findings:
        out[f.status] += 1
    return out


def to_json(findings: Sequence[Finding], as_of: date, extra: dict[str, Any] | None = None) -> str:
    """The findings as one JSON document: ``as_of``, ``findings`` (one line each), ``summary`` (counts)."""
    body = JSON_SEPARATOR.join(json_finding(f) for f in findings)
    return json_head(as_of) + body + json_tail(counts(findings), extra)


#: Written between findings: the document keeps one finding to a line, so it can be written as it goes.
JSON_SEPARATOR = ",\n    "
#: The C encoder (json.dumps with ``indent`` runs in pure Python, ten times slower and far hungrier).
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def json_finding(f: Finding) -> str:
    return _ENCODE(f.to_dict())


def json_head(as_of: date) -> str:
    return f'{{\n  "as_of": {_ENCODE(as_of.isoformat())},\n  "findings": [\n    '


def json_tail(tally: Mapping[str, int], extra: Mapping[str, Any] | None = None) -> str:
    """What closes the document: the counts, known only once every finding is written, and any ``extra``."""
    parts = [f'  "summary": {_ENCODE(dict(tally))}']
    parts += [f"  {_ENCODE(key)}: {_ENCODE(value)}" for key, value in (extra or {}).items()]
    return "\n  ],\n" + ",\n".join(parts) + "\n}\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return spreadsheet_safe(" | ".join(str(v) for v in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(str(value))


def to_csv(findings: Sequence[Finding]) -> str:
    return csv_header() + csv_lines(findings)


def csv_header() -> str:
    return ",".join(CSV_FIELDS) + "\n"


def csv_lines(findings: Iterable[Finding]) -> str:
    """The lines ``to_csv`` writes for ``findings``, without the header: the same as ``csv_rows`` of their
    dicts, made straight from the findings (a large check writes millions)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    safe, join = spreadsheet_safe, " | ".join
    for f in findings:
        writer.writerow((
            safe(f.record), safe(f.rule), f.duty, f.kind, f.status, f.occurrence, f.trigger_event,
            _iso(f.trigger_date), f.period or "", _iso(f.deadline), f.completion_event, _iso(f.completed_date),
            _number(f.days_late), _number(f.working_days_late), _number(f.days_left), _number(f.working_days_left),
            f.late_by or "", f.time_left or "", safe(f.citation), f.verification, safe(f.reason or ""),
            join(f.needs), f.on_bound or "", join(f.unrecorded), safe(join(f.data_quality)),
            "true" if f.provisional else "false", "true" if f.approximate else "false", safe(join(f.assumptions)),
            safe(join(f.warnings)), safe(join(f.explanation)), _iso(f.recorded_deadline),
            _number(f.recorded_deadline_working_days), safe(f.recorded_deadline_note or ""),
        ))
    return buffer.getvalue()


def _iso(d: Any) -> str:
    return "" if d is None else iso(d)


def _number(n: int | None) -> Any:
    return "" if n is None else n


def csv_rows(rows: Iterable[Mapping[str, Any]]) -> str:
    """The lines ``to_csv`` writes for findings already turned into ``to_dict()``s, without the header.

    For writers that go a chunk at a time and need each finding's dict for other files too.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for d in rows:
        writer.writerow([_cell(d.get(k)) for k in CSV_FIELDS])
    return buffer.getvalue()


def margin_text(f: Finding, show_date: Callable[[Any], str] = lambda d: d.isoformat()) -> str:
    """How a finding stands against its deadline, in words: "8 working days (10 days) overdue", "on time"."""
    if f.status == "overdue":
        return f"{f.late_by} overdue"
    if f.status == "late":
        return f"late by {f.late_by}"
    if f.status == "due":
        return f"{f.time_left} left"
    if f.status == "met":
        return "on time"
    if f.status == "missing_data":
        if f.unrecorded:
            text = "not in this extract: " + ", ".join(f.unrecorded)
        else:
            text = "record " + ", ".join(f.needs) if f.needs else (f.reason or "missing data")
        if f.deadline is not None:
            bound = {"latest": " at the latest", "earliest": " at the earliest"}.get(f.on_bound or "", "")
            text += f"; deadline{bound} {show_date(f.deadline)}"
        return text
    return f.reason or ""


class TableRow(NamedTuple):
    """One finding in the terminal table: its status (for colour), its cells, and the lines shown under it."""

    status: str
    cells: tuple[str, ...]
    lines: tuple[str, ...]


_TABLE_HEADER = ("STATUS", "RECORD", "RULE", "#", "TRIGGER", "DEADLINE", "DONE", "MARGIN")


def table_row(f: Finding, explain: bool = False) -> TableRow:
    """A finding's row of the table; with ``explain``, its working follows in the lines under it."""
    cells = (STATUS_LABELS[f.status] + (" !" if f.data_quality else ""), printable(f.record), f.rule,
             str(f.occurrence), _date(f.trigger_date), _date(f.deadline) + (" (prov.)" if f.provisional else ""),
             _date(f.completed_date), printable(margin_text(f)))
    lines = [f"      ! {problem}" for problem in f.data_quality]
    if f.recorded_deadline_note and f.recorded_deadline != f.deadline:
        lines.append(f"      target: {f.recorded_deadline_note}")
    if explain:
        lines += ["      " + step for step in f.assumptions + f.explanation + f.warnings]
        lines.append(f"      Source: {f.citation} [{f.verification}]")
    return TableRow(f.status, cells, tuple(map(printable, lines)))


def to_table(findings: Sequence[Finding], as_of: date, colour: bool = False, explain: bool = False) -> str:
    """A fixed-width table, overdue first; with ``explain`` each finding's working follows its row."""
    return table_text([table_row(f, explain) for f in sort_by_urgency(findings)], as_of, counts(findings), colour)


def table_text(rows: Sequence[TableRow], as_of: date, tally: Mapping[str, int], colour: bool = False) -> str:
    """The table from rows already in order, headed by the count of each status in ``tally``."""
    if not rows:
        return f"Compliance as of {as_of.isoformat()}: no findings to show.\n"
    widths = [len(h) for h in _TABLE_HEADER[:-1]]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row.cells)]
    lines = [f"Compliance as of {as_of.isoformat()}: " + ", ".join(
        f"{n} {STATUS_LABELS[s].lower()}" for s, n in tally.items() if n)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(_TABLE_HEADER, widths)) + "  " + _TABLE_HEADER[-1])
    flagged = False
    for row in rows:
        text = "  ".join(cell.ljust(w) for cell, w in zip(row.cells, widths)) + "  " + row.cells[-1]
        if colour:
            text = _COLOURS[row.status] + text[:widths[0]] + _RESET + text[widths[0]:]
        lines.append(text.rstrip())
        lines.extend(row.lines)
        flagged = flagged or row.cells[0].endswith(" !")
    if flagged:
        lines.append("! the finding worked around a problem in the record, shown under it: check the record.")
    if any(line.startswith("      target: ") for row in rows for line in row.lines):
        lines.append("target: the deadline the record's own system set, where it differs from the law's.")
    lines.append("# is the occurrence of a recurring duty (2 = the second review); 1 for a duty done once.")
    return "\n".join(lines) + "\n"


def _date(d: Any) -> str:
    return d.isoformat() if d is not None else "-"


def to_markdown(findings: Sequence[Finding], as_of: date) -> str:
    return markdown_text([md_row(f) for f in sort_by_urgency(findings)], as_of, counts(findings))


def md_row(f: Finding) -> str:
    """A finding's line of the Markdown table, every value escaped so it stays text."""
    margin = margin_text(f)
    if f.recorded_deadline_note and f.recorded_deadline != f.deadline:
        margin += f". {f.recorded_deadline_note}"
    return "| " + " | ".join(md_text(x) for x in (
        STATUS_LABELS[f.status], f.record, f.rule + (f" #{f.occurrence}" if f.occurrence > 1 else ""),
        _date(f.trigger_date), _date(f.deadline), _date(f.completed_date), margin,
        f"{f.citation} ({f.verification})")) + " |"


def markdown_head(as_of: date, tally: Mapping[str, int]) -> str:
    """The Markdown document up to its table's first row: the title, the count of each status, the header."""
    return "\n".join([f"# Compliance as of {as_of.isoformat()}", "",
                      " · ".join(f"**{n}** {STATUS_LABELS[s].lower()}" for s, n in tally.items()), "",
                      "| Status | Record | Rule | Trigger | Deadline | Done | Margin | Source |",
                      "|---|---|---|---|---|---|---|---|"]) + "\n"


def markdown_text(rows: Sequence[str], as_of: date, tally: Mapping[str, int]) -> str:
    """The Markdown document from table lines already in order, headed by the count of each status."""
    return markdown_head(as_of, tally) + "".join(row + "\n" for row in rows)


# What starts Markdown syntax or raw HTML inside a line: each is written after a backslash, so it stays text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")
_MD_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def md_text(value: object) -> str:
    """Text for a Markdown line or table cell (CommonMark, GitHub): no raw HTML, link, emphasis or code."""
    return _MD_SPECIAL.sub(r"\\\1", _MD_CONTROL.sub(" ", str(value)))


def md_code(value: object, table: bool = False) -> str:
    """An id as a code span that no backtick inside it can close (CommonMark 6.1), on one line.

    In a GitHub table a pipe ends the cell even inside code, so there it is written ``\\|``, which
    GitHub shows as a pipe.
    """
    text = _MD_CONTROL.sub(" ", str(value))
    if table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    # A span that starts or ends with a backtick (or a space) needs a space inside each fence.
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(findings: Sequence[Finding], fmt: str, as_of: date, colour: bool = False, explain: bool = False) -> str:
    """Findings in one of FORMATS."""
    if fmt == "json":
        return to_json(findings, as_of)
    if fmt == "csv":
        return to_csv(findings)
    if fmt == "md":
        return to_markdown(findings, as_of)
    return to_table(findings, as_of, colour, explain)
