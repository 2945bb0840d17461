"""Findings as text: a terminal table, JSON, CSV and Markdown. Renderers never recompute deadlines."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..engines import Finding, sort_by_urgency

FORMATS = ("table", "json", "csv", "md")
CSV_FIELDS = (
    "record", "rule", "duty", "kind", "status", "occurrence", "trigger_event", "trigger_date", "period",
    "deadline", "completion_event", "completed_date", "days_late", "working_days_late", "days_left",
    "working_days_left", "late_by", "time_left", "citation", "verification", "reason", "provisional",
    "approximate", "assumptions", "warnings", "explanation",
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
    doc: dict[str, Any] = {"as_of": as_of.isoformat(), "summary": counts(findings),
                           "findings": [f.to_dict() for f in findings]}
    if extra:
        doc.update(extra)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return " | ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(findings: Sequence[Finding]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(CSV_FIELDS)
    return buffer.getvalue() + csv_rows(f.to_dict() for f in findings)


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
        return f"latest possible deadline {show_date(f.deadline)}" if f.deadline else "no trigger date"
    return f.reason or ""


def to_table(findings: Sequence[Finding], as_of: date, colour: bool = False, explain: bool = False) -> str:
    """A fixed-width table, overdue first; with ``explain`` each finding's working follows its row."""
    rows = [("STATUS", "RECORD", "RULE", "#", "TRIGGER", "DEADLINE", "DONE", "MARGIN")]
    ordered = sort_by_urgency(findings)
    for f in ordered:
        rows.append((
            STATUS_LABELS[f.status], f.record, f.rule, str(f.occurrence),
            _date(f.trigger_date), _date(f.deadline) + (" (prov.)" if f.provisional else ""),
            _date(f.completed_date), margin_text(f),
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = [f"Compliance as of {as_of.isoformat()}: " + ", ".join(
        f"{n} {STATUS_LABELS[s].lower()}" for s, n in counts(findings).items() if n)]
    for i, row in enumerate(rows):
        text = "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1]
        if colour and i:
            status = ordered[i - 1].status
            text = _COLOURS[status] + text[:widths[0]] + _RESET + text[widths[0]:]
        lines.append(text.rstrip())
        if explain and i:
            f = ordered[i - 1]
            for step in f.assumptions + f.explanation + f.warnings:
                lines.append("      " + step)
            lines.append(f"      Source: {f.citation} [{f.verification}]")
    return "\n".join(lines) + "\n"


def _date(d: Any) -> str:
    return d.isoformat() if d is not None else "-"


def to_markdown(findings: Sequence[Finding], as_of: date) -> str:
    c = counts(findings)
    out = [f"# Compliance as of {as_of.isoformat()}", "",
           " · ".join(f"**{n}** {STATUS_LABELS[s].lower()}" for s, n in c.items()), "",
           "| Status | Record | Rule | Trigger | Deadline | Done | Margin | Source |",
           "|---|---|---|---|---|---|---|---|"]
    for f in sort_by_urgency(findings):
        out.append("| " + " | ".join((
            STATUS_LABELS[f.status], md_text(f.record),
            md_text(f.rule + (f" #{f.occurrence}" if f.occurrence > 1 else "")),
            _date(f.trigger_date), _date(f.deadline), _date(f.completed_date), md_text(margin_text(f)),
            md_text(f"{f.citation} ({f.verification})"))) + " |")
    return "\n".join(out) + "\n"


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
