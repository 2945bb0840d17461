"""The nightly report as Markdown, for a wiki page or a Teams post: the same sections as the HTML, as text.

Every value from a record or a rule is escaped (``md_text``, ``md_code``), so an id or a title cannot
open a link, raw HTML or a code span of its own. Pure: takes a ReportModel and returns text.
"""

from __future__ import annotations

from datetime import date, datetime

from ..calendars import day_of
from ..engines import Finding
from ..reports import STATUS_NAMES, margin_text, md_code, md_text
from ._model import (CHANGE_KINDS, CHANGE_LABELS, CHANGES_SHOWN, SKIPPED_SHOWN, ReportModel, bad_rows, ics_scope,
                     overdue_none, skipped_more)


def _d(d: date | None) -> str:
    if d is None:
        return "-"
    return d.isoformat(timespec="minutes") if isinstance(d, datetime) else d.isoformat()


def _margin(f: Finding) -> str:
    return margin_text(f, lambda d: _d(day_of(d)))


def _duty(f: Finding) -> str:
    return f.title + (f" (occurrence {f.occurrence})" if f.occurrence > 1 else "")


def _changes(model: ReportModel) -> list[str]:
    out = ["## What changed since the previous run", ""]
    if model.previous is None:
        return out + ["No run for an earlier date is recorded in the history, so there is nothing to compare with yet.", ""]
    if not model.previous.compared:
        return out + [f"The previous run, as of {model.previous.as_of.isoformat()}, is no longer kept in detail in "
                      "the history (see --keep-runs), so the changes since it cannot be listed.", ""]
    if not model.changes:
        return out + [f"Nothing changed since the run as of {model.previous.as_of.isoformat()}.", ""]
    out += [f"Compared with the run as of {model.previous.as_of.isoformat()}.", ""]
    if model.routine_changes:
        n = model.routine_changes
        out += [f"Also {n} new {'duty' if n == 1 else 'duties'} already met (records added with their duties done in "
                "time): counted, not listed; findings.json.gz lists each under `report.changes`, marked routine.", ""]
    for kind in CHANGE_KINDS:
        items = model.changes_of(kind)
        if not items:
            continue
        out += [f"### {CHANGE_LABELS[kind]} ({len(items)})", ""]
        for c in items[:CHANGES_SHOWN]:
            now = STATUS_NAMES[c.after].lower() if c.after else "no longer reported"
            what = f"was {STATUS_NAMES[c.before].lower()}, now {now}" if c.before else f"new duty, {now}"
            deadline = f", deadline {c.deadline.isoformat()}" if c.deadline else ""
            out.append(f"- {md_code(c.record)}: {md_text(c.title)}{deadline} ({what})")
        if len(items) > CHANGES_SHOWN:
            out.append(f"- and {len(items) - CHANGES_SHOWN} more: findings.json.gz lists every change under "
                       "`report.changes`")
        out.append("")
    return out


def _duty_table(findings: tuple[Finding, ...]) -> list[str]:
    return ["| Status | Record | Duty | Deadline | Margin | Duty holder |", "|---|---|---|---|---|---|"] + [
        f"| {STATUS_NAMES[f.status]} | {md_code(f.record, table=True)} | {md_text(_duty(f))} | "
        f"{_d(f.deadline)} | {md_text(_margin(f))} | {md_text(f.duty_holder)} |" for f in findings]


def _group(heading: str, findings: tuple[Finding, ...], total: int, which: str, none: str) -> list[str]:
    out = [f"### {heading} ({total})", ""]
    if not findings:
        return out + [none, ""]
    if len(findings) < total:
        out += [f"The {len(findings)} {which} of {total}.", ""]
    return out + _duty_table(findings) + [""]


def _open(model: ReportModel) -> list[str]:
    """What to do this week: the duties due within the window, the soonest first; then the overdue ones."""
    s, by = model.summary, model.window_end.isoformat()
    out = ["## What to do: due soon, and overdue", "",
           f"Every open duty is in findings.csv (its status is Overdue or Due). {ics_scope(model)} A duty that "
           "ended unmet (a child left care before a missed visit) is a breach on record in findings.csv, overdue "
           "until it ended (ended_on), and not listed here.", "",
           *_group(f"Due by {by}", model.due_soon_duties, s.due_within_window, "soonest",
                   f"Nothing falls due within {model.window_text}, by {by}."),
           *_group("Overdue", model.overdue_duties, model.overdue_open, "most overdue", overdue_none(model))]
    after = s.statuses.get("due", 0) - s.due_within_window
    if after:
        out += _group(f"Due after {by}", model.due_later, after, "soonest", "Listed in findings.csv.")
    return out


def _targets(model: ReportModel) -> list[str]:
    t = model.targets
    if not t.compared:
        return []
    out = ["", "## System targets", "",
           f"{t.compared} target dates recorded by the case-management system compared with the law's: {t.agree} "
           f"agree, {t.differ} differ. Each explanation fits the target dates counted; only it explains some of them."]
    groups = t.shown()
    if groups:
        out += ["", "| Duty | Difference | Fits | Only | Explanation | For example |", "|---|---|---:|---:|---|---|"]
        out += [f"| {md_code(g.rule, table=True)} | {g.difference} | {g.count} | {g.only} | {md_text(g.reason)} | "
                f"{', '.join(md_code(r, table=True) for r in g.records)} |" for g in groups]
    if hidden := len(t.groups) - len(groups):
        out += ["", f"{hidden} more explanations fit only target dates those above explain too; findings.json.gz lists "
                "every one under `report.system_targets`."]
    return out


def _checks(model: ReportModel) -> list[str]:
    if not model.checks:
        return []
    out = ["", "## Check these records", "",
           f"{model.checks_total} findings rest on data that does not add up (a completion before its trigger, a "
           "date entered twice, an extension recorded too late); each duty is counted as if the impossible date "
           "were not there, so correct the record."
           + (f" The first {len(model.checks)} of {model.checks_records} records; findings.csv marks every one "
              "(column data_quality)." if len(model.checks) < model.checks_records else ""), ""]
    for c in model.checks:
        out.append(f"- {md_code(c.record)}: " + "; ".join(
            f"{md_code(rule)}{f' #{n}' if n > 1 else ''}: {md_text(text)}" for rule, n, text in c.warnings))
    return out


def to_markdown_report(model: ReportModel) -> str:
    """The report as GitHub-flavoured Markdown."""
    s = model.summary
    out = [f"# {md_text(model.title)}: compliance as of {model.as_of.isoformat()}", "",
           f"Generated {model.generated_at.strftime('%Y-%m-%d %H:%M %Z').strip()}"
           + (f", run {model.run_id}" if model.run_id is not None else "") + ".", ""]
    if model.skipped_rows:
        out += [f"**{bad_rows(model.skipped_count)}**; what they hold is not in this report:", ""]
        more = skipped_more(model)
        out += [f"- {md_text(p)}" for p in model.skipped_rows[:SKIPPED_SHOWN]]
        out += [f"- {md_text(more)}", ""] if more else [""]
    out += ["## Summary", "",
            f"- **{s.overdue:,}** overdue",
            f"- **{s.due_within_window:,}** due within {model.window_text} (by {model.window_end.isoformat()})",
            f"- **{s.late_in_period:,}** late completions from {model.period_start.isoformat()} to "
            f"{model.as_of.isoformat()} ({md_text(model.period_basis)})",
            f"- **{s.met:,}** met", ""]
    out += _open(model)
    out += _changes(model)
    out += ["## Overdue duties over time", "", "| As of | Overdue |", "|---|---:|"]
    out += [f"| {p.as_of.isoformat()} | {p.overdue} |" for p in model.trend]
    if model.kpi:
        out += ["", "## Timeliness: the share of each duty done in time", "",
                "| Duty | In time | Decided | Met | Late | Overdue |", "|---|---:|---:|---:|---:|---:|"]
        out += [f"| {md_code(r.rule, table=True)} {md_text(r.title)} | "
                f"{'-' if r.in_time is None else f'{100 * r.in_time:.1f}%'} | {r.decided} | {r.met} | {r.late} | "
                f"{r.overdue} |" for r in model.kpi]
    out += _targets(model) + _checks(model)
    total = sum(n for status, n in s.statuses.items() if status != "not_applicable")
    out += ["", "## Every finding", "",
            f"All {total} findings that apply, each with its working and its source, are in findings.json.gz and "
            "findings.parquet beside this report, and in findings.csv for a spreadsheet; the duties that do not "
            "apply are counted above, and listed only by a report run with --all."]
    return "\n".join(out) + "\n"
