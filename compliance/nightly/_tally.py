"""A run's numbers, counted one record at a time: what the report needs and nothing more.

Counts, the most urgent open duties and the records most in need of attention (each list capped),
late completions by day, the KPI tallies, the records whose data does not add up (the first of them
named), and how the system's own target dates compare with the law's. Tallies of separate chunks of records add up with
``merge``, in any order, to what one tally of all the records would hold, so chunks can be counted in
other processes. Pure: findings in, numbers out.
"""

from __future__ import annotations

import heapq
from collections import Counter
from datetime import date
from typing import Callable, Sequence, TypeVar

from ..calendars import day_of
from ..engines import STATUSES, Finding, urgency_key
from ..reports import Tally, TargetTally
from ._model import CHECKS_SHOWN, DUE_SOON_SHOWN, OPEN_DUTIES_SHOWN, TIMELINES_SHOWN, RecordToCheck

T = TypeVar("T")
#: A record picked for a timeline: its most urgent finding, its id, and its findings that apply.
Candidate = tuple[Finding, str, tuple[Finding, ...]]


def most_urgent(items: Sequence[T], limit: int, head: Callable[[T], Finding]) -> list[T]:
    """The ``limit`` items whose ``head`` finding comes first in urgency order (the order of ``check``)."""
    return heapq.nsmallest(limit, items, key=lambda item: urgency_key(head(item)))


def _merge_tally(into: Tally, other: Tally) -> None:
    for key, counts in other.counts.items():
        mine = into.counts.setdefault(key, [0] * len(counts))
        for i, n in enumerate(counts):
            mine[i] += n
    for rule, title in other.titles.items():
        into.titles.setdefault(rule, title)


class RunTally:
    """Running totals of one report run; ``add`` each record's findings, ``merge`` another chunk's tally."""

    def __init__(self, window_end: date) -> None:
        self.window_end = window_end
        self.statuses = {s: 0 for s in STATUSES}
        self.due_soon = 0
        self.late_completions: Counter[date] = Counter()
        self.open_total = 0
        self.open_duties: list[Finding] = []
        self.due_soon_duties: list[Finding] = []  # due within the window: the page lists the soonest
        self.open_records: list[Candidate] = []
        self.other_records: list[Candidate] = []
        self.records_with_duties = 0
        self.drawable_records = 0
        self.kpi = Tally(("rule",))
        self.kpi_monthly = Tally(("rule", "month"), "deadline")
        self.sources: dict[str, tuple[str, str | None, str]] = {}
        self.targets = TargetTally()
        self.checks: list[RecordToCheck] = []  # the first records with data-quality warnings, in input order
        self.checks_total = 0  # findings with a warning
        self.checks_records = 0

    def _check(self, record: str, findings: Sequence[Finding]) -> None:
        """A record whose findings worked around a problem in it, not-applicable ones included: a referral dated
        9999-12-31 has no duty yet, and its date must still be checked."""
        warned = tuple((f.rule, f.occurrence, warning) for f in findings for warning in f.data_quality)
        if warned:
            self.checks_total += sum(1 for f in findings if f.data_quality)
            self.checks_records += 1
            if len(self.checks) < CHECKS_SHOWN:
                self.checks.append(RecordToCheck(record, warned))

    def add(self, record: str, findings: Sequence[Finding], not_applicable: int = 0) -> None:
        """One record's findings, and ``not_applicable`` more of its duties that do not apply, only counted."""
        applies = tuple(f for f in findings if f.status != "not_applicable")
        self.statuses["not_applicable"] += len(findings) - len(applies) + not_applicable
        self._check(record, findings)
        if not applies:
            return
        self.records_with_duties += 1
        for f in applies:
            self.statuses[f.status] += 1
            self.sources.setdefault(f.rule, (f.citation, f.source_url, f.verification))
            if f.is_open:
                self.open_total += 1
                self.open_duties.append(f)
                if f.status == "due" and f.deadline is not None and day_of(f.deadline) <= self.window_end:
                    self.due_soon += 1
                    self.due_soon_duties.append(f)
            elif f.status == "late" and f.completed_date is not None:
                self.late_completions[day_of(f.completed_date)] += 1
        self.kpi.add_findings(applies)
        self.kpi_monthly.add_findings(applies)
        self.targets.add_findings(applies)
        drawable = [f for f in applies if f.deadline or f.trigger_date]
        if drawable:
            self.drawable_records += 1
            urgent = [f for f in drawable if f.is_open]
            target = self.open_records if urgent else self.other_records
            target.append((min(urgent or drawable, key=urgency_key), record, applies))
        self._trim(2)

    def merge(self, other: "RunTally") -> None:
        for status, n in other.statuses.items():
            self.statuses[status] += n
        self.due_soon += other.due_soon
        self.late_completions.update(other.late_completions)
        self.open_total += other.open_total
        self.open_duties.extend(other.open_duties)
        self.due_soon_duties.extend(other.due_soon_duties)
        self.open_records.extend(other.open_records)
        self.other_records.extend(other.other_records)
        self.records_with_duties += other.records_with_duties
        self.drawable_records += other.drawable_records
        _merge_tally(self.kpi, other.kpi)
        _merge_tally(self.kpi_monthly, other.kpi_monthly)
        for rule, source in other.sources.items():
            self.sources.setdefault(rule, source)
        self.targets.merge(other.targets)
        self.checks_total += other.checks_total
        self.checks_records += other.checks_records
        self.checks.extend(other.checks[:CHECKS_SHOWN - len(self.checks)])
        self._trim(1)

    def _trim(self, slack: int) -> None:
        """Keep the lists within ``slack`` times their caps; sorting only now and then keeps adding cheap."""
        if len(self.open_duties) > slack * OPEN_DUTIES_SHOWN:
            self.open_duties = most_urgent(self.open_duties, OPEN_DUTIES_SHOWN, lambda f: f)
        if len(self.due_soon_duties) > slack * DUE_SOON_SHOWN:
            self.due_soon_duties = most_urgent(self.due_soon_duties, DUE_SOON_SHOWN, lambda f: f)
        for name in ("open_records", "other_records"):
            items: list[Candidate] = getattr(self, name)
            if len(items) > slack * TIMELINES_SHOWN:
                setattr(self, name, most_urgent(items, TIMELINES_SHOWN, lambda c: c[0]))

    def late_between(self, first: date, last: date) -> int:
        """Late findings completed from ``first`` to ``last``, both included."""
        return sum(n for day, n in self.late_completions.items() if first <= day <= last)

    def most_urgent_open(self) -> tuple[Finding, ...]:
        return tuple(most_urgent(self.open_duties, OPEN_DUTIES_SHOWN, lambda f: f))

    def soonest_due(self) -> tuple[Finding, ...]:
        """The duties due within the window, the soonest first, up to the cap: what to do this week."""
        return tuple(most_urgent(self.due_soon_duties, DUE_SOON_SHOWN, lambda f: f))

    def timelines(self) -> tuple[tuple[str, tuple[Finding, ...]], ...]:
        """The records to draw: those with open duties, the most urgent first, then the others, up to the cap."""
        chosen = most_urgent(self.open_records, TIMELINES_SHOWN, lambda c: c[0])
        chosen += most_urgent(self.other_records, TIMELINES_SHOWN - len(chosen), lambda c: c[0])
        return tuple((record, findings) for _, record, findings in chosen)
