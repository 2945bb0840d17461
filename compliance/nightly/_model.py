"""The nightly report's content: a summary, the open duties by urgency, what changed since the previous run, a trend.

Pure: it takes findings and what the run history remembers and returns a model for the renderers to
draw. No files, no clock, no database: "today" is ``as_of`` and the run time comes in as ``generated_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Mapping, Sequence

from ..calendars import DEFAULT_CALENDAR, Period, add_period, day_of, parse_period
from ..engines import STATUSES, Finding, sort_by_urgency
from ..errors import InputError, Problem
from ..reports import KpiRow, kpi_rows, monthly_kpi_rows

DEFAULT_WINDOW = "10 working days"
#: Without a previous run, "late completions in the last period" looks back this many days, as-of day included.
LATE_LOOKBACK_DAYS = 7
#: The trend shows at most this many runs, the current one included.
TREND_LENGTH = 30
OPEN_STATUSES = ("overdue", "due")
#: Statuses, plus the report's own two groups, that can make a run exit with code 1.
FAIL_ON_CHOICES = ("overdue", "late", "due", "met", "missing_data", "due_soon", "late_in_period")
DEFAULT_FAIL_ON = ("overdue", "late")

#: Status names for people, in sentence case (the terminal table uses capitals).
CHANGE_KINDS = ("newly_overdue", "newly_late", "newly_met", "new_duty", "status_changed", "no_longer_reported")
CHANGE_LABELS = {
    "newly_overdue": "Newly overdue",
    "newly_late": "Completed late",
    "newly_met": "Newly met",
    "new_duty": "New duties",
    "status_changed": "Other status changes",
    "no_longer_reported": "No longer reported",
}

#: A duty occurrence as history remembers it across runs: (record, duty, occurrence).
Key = tuple[str, str, int]


def finding_key(f: Finding) -> Key:
    """The identity of a finding across runs: the same record, duty and occurrence number."""
    return (f.record, f.duty, f.occurrence)


@dataclass(frozen=True)
class RememberedFinding:
    """What history keeps of one finding: enough to say what it was when it changes or disappears."""

    status: str
    title: str
    deadline: date | None = None


@dataclass(frozen=True)
class Snapshot:
    """The previous run, as history remembers it."""

    run_id: int
    as_of: date
    findings: Mapping[Key, RememberedFinding]


@dataclass(frozen=True)
class TrendPoint:
    """The number of overdue duties in one run; ``run_id`` is None for a run not yet recorded."""

    as_of: date
    overdue: int
    run_id: int | None = None


@dataclass(frozen=True)
class Change:
    """One duty whose status differs from the previous run's, or that is new or gone."""

    kind: str
    record: str
    duty: str
    occurrence: int
    title: str
    before: str | None
    after: str | None
    deadline: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "record": self.record, "duty": self.duty, "occurrence": self.occurrence,
                "title": self.title, "before": self.before, "after": self.after,
                "deadline": self.deadline.isoformat() if self.deadline else None}


@dataclass(frozen=True)
class Summary:
    """The four numbers at the top of the report, and every status's count."""

    overdue: int
    due_within_window: int
    late_in_period: int
    met: int
    statuses: Mapping[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"overdue": self.overdue, "due_within_window": self.due_within_window,
                "late_in_period": self.late_in_period, "met": self.met, "statuses": dict(self.statuses)}


@dataclass(frozen=True)
class ReportModel:
    """Everything a report shows, in the order it shows it."""

    title: str
    as_of: date
    generated_at: datetime
    window: Period
    window_end: date
    period_start: date
    period_basis: str
    summary: Summary
    findings: tuple[Finding, ...]
    open_duties: tuple[Finding, ...]
    due_soon: tuple[Finding, ...]
    late_in_period: tuple[Finding, ...]
    changes: tuple[Change, ...]
    previous: Snapshot | None
    trend: tuple[TrendPoint, ...]
    records: tuple[str, ...]
    record_files: tuple[str, ...] = ()
    rule_files: tuple[str, ...] = ()
    skipped_rows: tuple[str, ...] = ()
    run_id: int | None = None
    calendar: str = DEFAULT_CALENDAR
    kpi: tuple[KpiRow, ...] = ()
    kpi_monthly: tuple[KpiRow, ...] = ()

    @property
    def window_text(self) -> str:
        return str(self.window)

    def changes_of(self, kind: str) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == kind)

    def to_dict(self) -> dict[str, Any]:
        """The report's own numbers for other tools: same values the HTML and Markdown show."""
        return {
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "run_id": self.run_id,
            "summary": self.summary.to_dict(),
            "due_window": {"period": self.window_text, "calendar": self.calendar,
                           "from": self.as_of.isoformat(), "to": self.window_end.isoformat()},
            "late_period": {"from": self.period_start.isoformat(), "to": self.as_of.isoformat(),
                            "basis": self.period_basis},
            "previous_run": ({"run_id": self.previous.run_id, "as_of": self.previous.as_of.isoformat()}
                             if self.previous else None),
            "changes": [c.to_dict() for c in self.changes],
            "trend": [{"as_of": p.as_of.isoformat(), "overdue": p.overdue, "run_id": p.run_id} for p in self.trend],
            "record_files": list(self.record_files),
            "rule_files": list(self.rule_files),
            "skipped_rows": list(self.skipped_rows),
            "kpi": [r.to_dict() for r in self.kpi],
        }


def parse_window(text: str) -> Period:
    """Read --due-within: a period of days, working days, weeks or months ("10 working days")."""
    period = parse_period(text)
    if period.unit == "hours":
        raise InputError(Problem(f"the due window cannot be in hours ({text!r})", field="--due-within",
                                 hint='give days, working days, weeks or months, e.g. "10 working days"'))
    return period


def parse_fail_on(text: str) -> tuple[str, ...]:
    """Read --fail-on: a comma list of FAIL_ON_CHOICES, or "none" for a run that exits 0 unless input is bad."""
    words = tuple(w.strip().replace("-", "_") for w in text.split(",") if w.strip())
    if words == ("none",):
        return ()
    unknown = [w for w in words if w not in FAIL_ON_CHOICES]
    if unknown or not words:
        raise InputError(Problem(f"unknown status {', '.join(unknown) or text!r}", field="--fail-on",
                                 hint="a comma list of " + ", ".join(FAIL_ON_CHOICES) + ', or "none"'))
    return words


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for f in findings:
        out[f.status] += 1
    return out


def _changes(findings: Sequence[Finding], previous: Snapshot) -> list[Change]:
    """How each duty's status moved since the previous run; not-applicable findings count as absent."""
    current = {finding_key(f): f for f in findings if f.status != "not_applicable"}
    out: list[Change] = []
    for key, f in current.items():
        before = previous.findings.get(key)
        deadline = day_of(f.deadline) if f.deadline else None
        if before is not None and before.status == f.status:
            continue
        if f.status == "overdue":
            kind = "newly_overdue"
        elif before is None:
            kind = "new_duty"
        elif f.status == "late":
            kind = "newly_late"
        elif f.status == "met":
            kind = "newly_met"
        else:
            kind = "status_changed"
        out.append(Change(kind, f.record, f.duty, f.occurrence, f.title,
                          before.status if before else None, f.status, deadline))
    for key, gone in previous.findings.items():
        if key not in current:
            out.append(Change("no_longer_reported", key[0], key[1], key[2], gone.title, gone.status, None,
                              gone.deadline))
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    return sorted(out, key=lambda c: (order[c.kind], c.deadline or date.min, c.record, c.duty, c.occurrence))


def _records_by_urgency(ordered: Sequence[Finding]) -> tuple[str, ...]:
    """Record ids in the order of their most urgent finding, records with only not-applicable ones left out."""
    seen: dict[str, None] = {}
    for f in ordered:
        if f.status != "not_applicable":
            seen.setdefault(f.record, None)
    return tuple(seen)


def build_report(
    findings: Sequence[Finding],
    as_of: date,
    generated_at: datetime,
    *,
    window: Period | None = None,
    previous: Snapshot | None = None,
    history_trend: Sequence[TrendPoint] = (),
    calendar: str = DEFAULT_CALENDAR,
    title: str = "Statutory deadlines report",
    record_files: Sequence[str] = (),
    rule_files: Sequence[str] = (),
    skipped_rows: Sequence[str] = (),
) -> ReportModel:
    """The report for ``as_of``: ``previous`` is the last earlier run, ``history_trend`` the earlier runs' points.

    "Late completions in the last period" are late findings completed after the previous run's as-of
    date, up to and including this one; with no previous run, in the last LATE_LOOKBACK_DAYS days.
    """
    window = window or parse_window(DEFAULT_WINDOW)
    ordered = tuple(sort_by_urgency(findings))
    window_end = add_period(as_of, window.amount, window.unit, calendar)
    if previous is not None:
        period_start = previous.as_of + timedelta(days=1)
        basis = f"since the previous run, as of {previous.as_of.isoformat()}"
    else:
        period_start = as_of - timedelta(days=LATE_LOOKBACK_DAYS - 1)
        basis = f"in the last {LATE_LOOKBACK_DAYS} days (no earlier run is recorded)"
    due_soon = tuple(f for f in ordered if f.status == "due" and f.deadline and day_of(f.deadline) <= window_end)
    late_recent = tuple(f for f in ordered if f.status == "late" and f.completed_date
                        and period_start <= day_of(f.completed_date) <= as_of)
    counts = _counts(ordered)
    summary = Summary(counts["overdue"], len(due_soon), len(late_recent), counts["met"], counts)
    earlier = sorted((p for p in history_trend if p.as_of != as_of), key=lambda p: p.as_of)
    trend = tuple(earlier[-(TREND_LENGTH - 1):]) + (TrendPoint(as_of, counts["overdue"]),)
    return ReportModel(
        title=title, as_of=as_of, generated_at=generated_at, window=window, window_end=window_end,
        period_start=period_start, period_basis=basis, summary=summary, findings=ordered,
        open_duties=tuple(f for f in ordered if f.status in OPEN_STATUSES),
        due_soon=due_soon, late_in_period=late_recent,
        changes=tuple(_changes(ordered, previous)) if previous else (),
        previous=previous, trend=trend, records=_records_by_urgency(ordered),
        record_files=tuple(record_files), rule_files=tuple(rule_files), skipped_rows=tuple(skipped_rows),
        calendar=calendar, kpi=tuple(r for r in kpi_rows(ordered) if r.decided),
        kpi_monthly=tuple(monthly_kpi_rows(ordered)),
    )


def with_run_id(model: ReportModel, run_id: int) -> ReportModel:
    """The model once history has numbered the run; the trend's current point gets the number too."""
    trend = model.trend[:-1] + (replace(model.trend[-1], run_id=run_id),)
    return replace(model, run_id=run_id, trend=trend)


def fails(model: ReportModel, fail_on: Iterable[str]) -> bool:
    """Whether the run should exit 1: some finding has a status in ``fail_on`` (or is in one of its groups)."""
    wanted = set(fail_on)
    if "due_soon" in wanted and model.due_soon:
        return True
    if "late_in_period" in wanted and model.late_in_period:
        return True
    return any(model.summary.statuses.get(s, 0) for s in wanted if s in STATUSES)
