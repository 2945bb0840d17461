"""The nightly report's content: a summary, the most urgent open duties, what changed, a trend, KPIs.

Pure data: ``_tally`` counts a run record by record, ``_changes`` compares it with the previous run,
``_build`` puts the two together into a ReportModel for the renderers to draw. No files, no clock, no
database: "today" is ``as_of`` and the run time comes in as ``generated_at``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from ..calendars import DEFAULT_CALENDAR, Period, day_of, parse_period
from ..engines import STATUSES, Finding
from ..errors import InputError, Problem
from ..reports import KpiRow, TargetTally

DEFAULT_WINDOW = "10 working days"
#: Without a previous run, "late completions in the last period" looks back this many days, as-of day included.
LATE_LOOKBACK_DAYS = 7
#: The trend shows at most this many runs, the current one included.
TREND_LENGTH = 30
#: Statuses, plus the report's own two groups, that can make a run exit with code 1.
FAIL_ON_CHOICES = ("overdue", "late", "due", "met", "missing_data", "due_soon", "late_in_period")
DEFAULT_FAIL_ON = ("overdue", "late")
#: The page lists this many open duties, the most urgent first; findings.csv has them all.
OPEN_DUTIES_SHOWN = 50
#: deadlines.ics holds the open duties due within this many days and those overdue by at most as many.
DEFAULT_ICS_DAYS = 30
#: ... and, apart from them, this many of the duties due within the window, the soonest first: what to do this week.
DUE_SOON_SHOWN = 50
#: Timelines are drawn for this many records, those with open duties first, the most urgent first.
TIMELINES_SHOWN = 20
#: Each kind of change lists this many duties on the page; findings.json.gz has every change.
CHANGES_SHOWN = 25
#: "Check these records" names this many records, the first in the input; findings.csv marks every one.
CHECKS_SHOWN = 25
#: The rows skipped under --skip-bad-rows the pages name, the first in the input; the findings files list every one.
SKIPPED_SHOWN = 20

CHANGE_KINDS = ("newly_overdue", "newly_late", "newly_met", "new_duty", "status_changed", "no_longer_reported")
CHANGE_LABELS = {
    "newly_overdue": "Newly overdue",
    "newly_late": "Completed late",
    "newly_met": "Newly met",
    "new_duty": "New duties",
    "status_changed": "Other status changes",
    "no_longer_reported": "No longer reported",
}


@dataclass(frozen=True)
class Snapshot:
    """The previous run, as history remembers it: each record's states line (None when pruned)."""

    run_id: int
    as_of: date
    states: Mapping[str, str] | None
    titles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviousRun:
    """Which run this one was compared with, and whether its duty states were still kept."""

    run_id: int
    as_of: date
    compared: bool = True


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

    @property
    def routine(self) -> bool:
        """A new duty already met (a record added with its duties done in time): counted on the page, not listed."""
        return self.kind == "new_duty" and self.after == "met"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "record": self.record, "duty": self.duty, "occurrence": self.occurrence,
                "title": self.title, "before": self.before, "after": self.after,
                "deadline": self.deadline.isoformat() if self.deadline else None, "routine": self.routine}


@dataclass(frozen=True)
class RecordToCheck:
    """A record whose data does not add up: each (rule, occurrence, warning) its findings carry."""

    record: str
    warnings: tuple[tuple[str, int, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {"record": self.record, "warnings": [{"rule": r, "occurrence": n, "warning": w}
                                                    for r, n, w in self.warnings]}


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
    """Everything a report shows, in the order it shows it; lists are capped, their totals are not."""

    title: str
    as_of: date
    generated_at: datetime
    window: Period
    window_end: date
    period_start: date
    period_basis: str
    summary: Summary
    open_duties: tuple[Finding, ...]
    open_total: int
    changes: tuple[Change, ...]
    previous: PreviousRun | None
    trend: tuple[TrendPoint, ...]
    records_with_duties: int
    timelines: tuple[tuple[str, tuple[Finding, ...]], ...]
    drawable_records: int
    record_files: tuple[str, ...] = ()
    rule_files: tuple[str, ...] = ()
    skipped_rows: tuple[str, ...] = ()
    #: The rows those stand for (a header that stopped a file stands for all of its rows); None: one each.
    rows_skipped: int | None = None
    run_id: int | None = None
    calendar: str = DEFAULT_CALENDAR
    kpi: tuple[KpiRow, ...] = ()
    kpi_monthly: tuple[KpiRow, ...] = ()
    #: Each rule's source: (citation, url, verification), for naming the law once per duty.
    sources: Mapping[str, tuple[str, str | None, str]] = field(default_factory=dict)
    #: The first records whose data does not add up, and how many findings and records carry a warning.
    checks: tuple[RecordToCheck, ...] = ()
    checks_total: int = 0
    checks_records: int = 0
    #: The system's own target dates against the law's (empty when no record carries one).
    targets: TargetTally = field(default_factory=TargetTally)
    #: The duties due within the window, the soonest first (capped; ``summary.due_within_window`` counts them all).
    due_soon_duties: tuple[Finding, ...] = ()
    #: The days either side of the as-of date deadlines.ics holds open duties for (``--ics-days``), for the page to say.
    ics_days: int = DEFAULT_ICS_DAYS

    @property
    def window_text(self) -> str:
        return str(self.window)

    def changes_of(self, kind: str) -> tuple[Change, ...]:
        """The changes of one kind the page lists: routine ones (``routine``) are counted, not listed."""
        return tuple(c for c in self.changes if c.kind == kind and not c.routine)

    @property
    def routine_changes(self) -> int:
        """New duties already met: the report counts them; findings.json.gz lists each under report.changes."""
        return sum(1 for c in self.changes if c.routine)

    @property
    def skipped_count(self) -> int:
        """How many rows were skipped: the banner counts rows, a file stopped by its header as all of its rows."""
        return len(self.skipped_rows) if self.rows_skipped is None else self.rows_skipped

    @property
    def overdue_open(self) -> int:
        """The overdue duties still open, which the page lists: not those that ended unmet (a child left care before
        a missed visit), overdue in the counts but past acting on."""
        return self.open_total - self.summary.statuses.get("due", 0)

    @property
    def overdue_ended(self) -> int:
        """The overdue duties that ended unmet: on record in findings.csv, not listed to act on."""
        return self.summary.overdue - self.overdue_open

    @property
    def overdue_duties(self) -> tuple[Finding, ...]:
        """The overdue duties the page lists, the most overdue first (all of them, up to the cap)."""
        return tuple(f for f in self.open_duties if f.status == "overdue")

    @property
    def due_later(self) -> tuple[Finding, ...]:
        """Of the open duties listed, those due after the window, the soonest first."""
        return tuple(f for f in self.open_duties if f.status == "due" and not self.due_soon(f))

    def due_soon(self, f: Finding) -> bool:
        """Whether an open finding falls due within the window (a yellow tag rather than a blue one)."""
        return f.status == "due" and f.deadline is not None and day_of(f.deadline) <= self.window_end

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
            "previous_run": ({"run_id": self.previous.run_id, "as_of": self.previous.as_of.isoformat(),
                              "compared": self.previous.compared} if self.previous else None),
            "open_duties": {"total": self.open_total, "shown": len(self.open_duties)},
            "due_soon": {"total": self.summary.due_within_window, "shown": len(self.due_soon_duties)},
            "records_with_duties": self.records_with_duties,
            "changes": [c.to_dict() for c in self.changes],
            "trend": [{"as_of": p.as_of.isoformat(), "overdue": p.overdue, "run_id": p.run_id} for p in self.trend],
            "record_files": list(self.record_files),
            "rule_files": list(self.rule_files),
            "skipped_rows": list(self.skipped_rows),
            "rows_skipped": self.skipped_count,
            "kpi": [r.to_dict() for r in self.kpi],
            "check_these_records": {"findings": self.checks_total, "records": self.checks_records,
                                    "shown": [c.to_dict() for c in self.checks]},
            "system_targets": self.targets.to_dict(),
        }


def bad_rows(n: int) -> str:
    """ "1 bad row was skipped", "3 bad rows were skipped": the notice at the top of the report."""
    return f"{n} bad row was skipped" if n == 1 else f"{n:,} bad rows were skipped"


def skipped_more(model: ReportModel) -> str:
    """What the pages say of the skipped rows past the SKIPPED_SHOWN they name ("" when they name all): the
    Markdown listed every one, 20 MB for 100,000 bad rows, and it is the email's text."""
    more = len(model.skipped_rows) - SKIPPED_SHOWN
    return f"and {more:,} more: findings.csv lists every one (status unreadable)" if more > 0 else ""


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


def ics_scope(model: ReportModel) -> str:
    """What deadlines.ics holds, for the page to say: not every open duty, only those near the as-of date."""
    n = model.ics_days
    days = f"{n} day" if n == 1 else f"{n} days"
    return (f"deadlines.ics, the calendar, holds only those due within {days} and those overdue by at most {days} "
            f"(--ics-days), and, if any are overdue for longer, one event on {model.as_of.isoformat()} counting them.")


def overdue_none(model: ReportModel) -> str:
    """What the page says where no open duty is overdue: that some ended unmet, where they did, so the summary's
    overdue count is not contradicted."""
    ended = model.overdue_ended
    if not ended:
        return "Nothing is overdue."
    return (f"Nothing open is overdue; {ended:,} {'duty' if ended == 1 else 'duties'} ended unmet, on record in "
            "findings.csv.")


def with_run_id(model: ReportModel, run_id: int) -> ReportModel:
    """The model once history has numbered the run; the trend's current point gets the number too."""
    trend = model.trend[:-1] + (replace(model.trend[-1], run_id=run_id),)
    return replace(model, run_id=run_id, trend=trend)


def fails(model: ReportModel, fail_on: Iterable[str]) -> bool:
    """Whether the run should exit 1: some finding has a status in ``fail_on`` (or is in one of its groups)."""
    wanted = set(fail_on)
    if "due_soon" in wanted and model.summary.due_within_window:
        return True
    if "late_in_period" in wanted and model.summary.late_in_period:
        return True
    return any(model.summary.statuses.get(s, 0) for s in wanted if s in STATUSES)
