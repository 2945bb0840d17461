"""The files of one report run, rendered in memory before anything touches the disk."""

from __future__ import annotations

import json

from ..reports import calendar_text, counts, to_csv
from ._html import to_html
from ._markdown import to_markdown_report
from ._model import ReportModel

#: The copies of the newest run kept in the output folder, and the file in the run's folder each copies.
LATEST_COPIES = {"latest.html": "report.html", "latest.md": "report.md", "latest.json": "findings.json",
                 "latest.csv": "findings.csv", "latest.ics": "deadlines.ics"}


def findings_json(model: ReportModel) -> str:
    """Every finding, with the status counts and the report's own numbers, one finding per line.

    The same document ``compliance check --format json`` writes plus a "report" key, laid out so that
    the fast C encoder does the work: an indented dump of tens of thousands of findings takes seconds.
    """
    head = {"as_of": model.as_of.isoformat(), "summary": counts(model.findings), "report": model.to_dict()}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    rows = ",\n".join("    " + json.dumps(f.to_dict(), ensure_ascii=False) for f in model.findings)
    return "\n".join(lines + ['  "findings": [', rows, "  ]", "}"]) + "\n"


def render_files(model: ReportModel) -> dict[str, str]:
    """Every file of a run, by name, rendered in memory before anything touches the disk."""
    return {
        "report.html": to_html(model),
        "report.md": to_markdown_report(model),
        "findings.json": findings_json(model),
        "findings.csv": to_csv(list(model.findings)),
        "deadlines.ics": to_ics(model),
    }


def to_ics(model: ReportModel) -> str:
    """The open duties (overdue and due) of a report as an iCalendar document with CRLF line endings."""
    return calendar_text(model.open_duties, model.generated_at, model.title)
