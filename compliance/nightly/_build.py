"""Putting a report together: a run's tally and its changes since the previous run become a ReportModel.

Pure. ``build_model`` is what a streamed run calls once every record has been counted;
``build_report`` does the whole thing from a list of findings, for the library and the tests.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import groupby
from typing import Iterable, Sequence

from ..calendars import DEFAULT_CALENDAR, Period, add_period
from ..engines import Finding
from ..errors import CalendarRangeError, InputError, Problem
from ._changes import ChangeFinder, findings_line
from ._model import (DEFAULT_ICS_DAYS, DEFAULT_WINDOW, LATE_LOOKBACK_DAYS, TREND_LENGTH, Change, PreviousRun,
                     ReportModel, Snapshot, Summary, TrendPoint, parse_window)
from ._tally import RunTally


def window_end(as_of: date, window: Period, calendar: str = DEFAULT_CALENDAR) -> date:
    """The last day of the "due soon" window: ``window`` after ``as_of`` on ``calendar``; a window past the
    calendar's years is bad input naming the two options that make it."""
    try:
        return add_period(as_of, window.amount, window.unit, calendar)
    except CalendarRangeError as exc:
        raise InputError(Problem(f"the due-soon window, --due-within {window} from --as-of {as_of.isoformat()}, "
                                 f"cannot be reckoned: {exc.problems[0].message}",
                                 hint="give an earlier --as-of or a shorter --due-within")) from None


def build_model(
    tally: RunTally,
    changes: Sequence[Change],
    as_of: date,
    generated_at: datetime,
    *,
    window: Period,
    previous: Snapshot | None = None,
    history_trend: Sequence[TrendPoint] = (),
    calendar: str = DEFAULT_CALENDAR,
    title: str = "Statutory deadlines report",
    record_files: Sequence[str] = (),
    rule_files: Sequence[str] = (),
    skipped_rows: Sequence[str] = (),
    rows_skipped: int | None = None,
    ics_days: int = DEFAULT_ICS_DAYS,
) -> ReportModel:
    """The report for ``as_of`` from a run's tally; ``previous`` is the last earlier run, if any.

    "Late completions in the last period" are late findings completed after the previous run's as-of
    date, up to and including this one; with no previous run, in the last LATE_LOOKBACK_DAYS days.
    """
    if previous is not None:
        period_start = previous.as_of + timedelta(days=1)
        basis = f"since the previous run, as of {previous.as_of.isoformat()}"
    else:
        period_start = as_of - timedelta(days=LATE_LOOKBACK_DAYS - 1)
        basis = f"in the last {LATE_LOOKBACK_DAYS} days (no run for an earlier date is recorded)"
    counts = dict(tally.statuses)
    summary = Summary(counts["overdue"], tally.due_soon, tally.late_between(period_start, as_of), counts["met"],
                      counts)
    earlier = sorted((p for p in history_trend if p.as_of != as_of), key=lambda p: p.as_of)
    trend = tuple(earlier[-(TREND_LENGTH - 1):]) + (TrendPoint(as_of, counts["overdue"]),)
    return ReportModel(
        title=title, as_of=as_of, generated_at=generated_at, window=window, window_end=tally.window_end,
        period_start=period_start, period_basis=basis, summary=summary,
        open_duties=tally.most_urgent_open(), open_total=tally.open_total, due_soon_duties=tally.soonest_due(),
        changes=tuple(changes),
        previous=(PreviousRun(previous.run_id, previous.as_of, previous.states is not None)
                  if previous else None),
        trend=trend, records_with_duties=tally.records_with_duties, timelines=tally.timelines(),
        drawable_records=tally.drawable_records, record_files=tuple(record_files), rule_files=tuple(rule_files),
        skipped_rows=tuple(skipped_rows), rows_skipped=rows_skipped, calendar=calendar,
        kpi=tuple(r for r in tally.kpi.rows() if r.decided), kpi_monthly=tuple(tally.kpi_monthly.rows()),
        sources=dict(tally.sources), checks=tuple(tally.checks), checks_total=tally.checks_total,
        checks_records=tally.checks_records, targets=tally.targets, ics_days=ics_days,
    )


def by_record(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    """Findings grouped by record, records in the order they first appear (as the engines give them)."""
    groups: dict[str, list[Finding]] = {}
    for record, items in groupby(findings, key=lambda f: f.record):
        groups.setdefault(record, []).extend(items)
    return list(groups.items())


def titles_of(findings: Iterable[Finding]) -> dict[str, str]:
    """Each duty's title, for naming a change."""
    titles: dict[str, str] = {}
    for f in findings:
        titles.setdefault(f.duty, f.title)
    return titles


def snapshot_of(findings: Sequence[Finding], run_id: int, as_of: date) -> Snapshot:
    """What history would remember of a run that found ``findings``."""
    states = {}
    for record, items in by_record(findings):
        line = findings_line(record, items)
        if line is not None:
            states[record] = line
    return Snapshot(run_id, as_of, states, titles_of(findings))


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
    rows_skipped: int | None = None,
) -> ReportModel:
    """The report for ``as_of`` from every finding of a run, compared with ``previous``."""
    window = window or parse_window(DEFAULT_WINDOW)
    tally = RunTally(window_end(as_of, window, calendar))
    known = previous.states if previous is not None and previous.states is not None else None
    finder = ChangeFinder(known or {}, {**(previous.titles if previous else {}), **titles_of(findings)})
    for record, items in by_record(findings):
        tally.add(record, items)
        line = findings_line(record, items)
        if line is not None:
            finder.feed(record, line)
    changes = finder.finish() if known is not None else []
    return build_model(tally, changes, as_of, generated_at, window=window, previous=previous,
                       history_trend=history_trend, calendar=calendar, title=title, record_files=record_files,
                       rule_files=rule_files, skipped_rows=skipped_rows, rows_skipped=rows_skipped)
