"""The nightly report as Markdown, for a wiki page or a Teams post: the same sections as the HTML, as text.

Pure: takes a ReportModel and returns text.
"""

from __future__ import annotations

from datetime import date, datetime

from ..calendars import day_of
from ..engines import Finding
from ..reports import STATUS_NAMES, margin_text
from ._model import CHANGE_KINDS, CHANGE_LABELS, ReportModel


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _d(d: date | None) -> str:
    if d is None:
        return "-"
    return d.isoformat(timespec="minutes") if isinstance(d, datetime) else d.isoformat()


def _margin(f: Finding) -> str:
    return margin_text(f, lambda d: _d(day_of(d)))


def _duty(f: Finding) -> str:
    return f.title + (f" (occurrence {f.occurrence})" if f.occurrence > 1 else "")


def to_markdown_report(model: ReportModel) -> str:
    """The report as GitHub-flavoured Markdown."""
    s = model.summary
    out = [f"# {_md(model.title)}: compliance as of {model.as_of.isoformat()}", "",
           f"Generated {model.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip()}"
           + (f", run {model.run_id}" if model.run_id is not None else "") + ".", ""]
    if model.skipped_rows:
        out += [f"**{len(model.skipped_rows)} bad rows were skipped**; their duties are not in this report:", ""]
        out += [f"- {_md(p)}" for p in model.skipped_rows] + [""]
    out += ["## Summary", "",
            f"- **{s.overdue}** overdue",
            f"- **{s.due_within_window}** due within {model.window_text} (by {model.window_end.isoformat()})",
            f"- **{s.late_in_period}** late completions from {model.period_start.isoformat()} to "
            f"{model.as_of.isoformat()} ({_md(model.period_basis)})",
            f"- **{s.met}** met", ""]
    out += ["## What changed since the previous run", ""]
    if model.previous is None:
        out += ["This is the first run recorded in the history, so there is nothing to compare with yet.", ""]
    elif not model.changes:
        out += [f"Nothing changed since the run as of {model.previous.as_of.isoformat()}.", ""]
    else:
        out += [f"Compared with the run as of {model.previous.as_of.isoformat()}.", ""]
        for kind in CHANGE_KINDS:
            items = model.changes_of(kind)
            if not items:
                continue
            out += [f"### {CHANGE_LABELS[kind]} ({len(items)})", ""]
            for c in items:
                now = STATUS_NAMES[c.after].lower() if c.after else "no longer reported"
                what = f"was {STATUS_NAMES[c.before].lower()}, now {now}" if c.before else f"new duty, {now}"
                deadline = f", deadline {c.deadline.isoformat()}" if c.deadline else ""
                out.append(f"- `{_md(c.record)}`: {_md(c.title)}{deadline} ({what})")
            out.append("")
    out += ["## Open duties, most urgent first", ""]
    if model.open_duties:
        out += ["| Status | Record | Duty | Deadline | Margin | Duty holder |", "|---|---|---|---|---|---|"]
        out += [f"| {STATUS_NAMES[f.status]} | `{_md(f.record)}` | {_md(_duty(f))} | {_d(f.deadline)} | "
                f"{_md(_margin(f))} | {_md(f.duty_holder)} |" for f in model.open_duties]
    else:
        out.append("No duty is open: nothing is overdue or due.")
    out += ["", "## Overdue duties over time", "", "| As of | Overdue |", "|---|---:|"]
    out += [f"| {p.as_of.isoformat()} | {p.overdue} |" for p in model.trend]
    if model.kpi:
        out += ["", "## Timeliness: the share of each duty done in time", "",
                "| Duty | In time | Decided | Met | Late | Overdue |", "|---|---:|---:|---:|---:|---:|"]
        out += [f"| `{_md(r.rule)}` {_md(r.title)} | {'-' if r.in_time is None else f'{100 * r.in_time:.1f}%'} | "
                f"{r.decided} | {r.met} | {r.late} | {r.overdue} |" for r in model.kpi]
    shown = [f for f in model.findings if f.status != "not_applicable"]
    out += ["", "## All findings", "",
            "| Status | Record | Duty | Trigger | Deadline | Done | Margin | Source |",
            "|---|---|---|---|---|---|---|---|"]
    out += [f"| {STATUS_NAMES[f.status]} | `{_md(f.record)}` | {_md(_duty(f))} | {_d(f.trigger_date)} | {_d(f.deadline)} "
            f"| {_d(f.completed_date)} | {_md(_margin(f))} | {_md(f.citation)} ({_md(f.verification)}) |"
            for f in shown]
    hidden = s.statuses.get("not_applicable", 0)
    if hidden:
        out += ["", f"{hidden} not-applicable findings are left out; findings.json and findings.csv have them all."]
    return "\n".join(out) + "\n"
