"""A finding: what the law required of one record under one duty (one occurrence of it), and whether it was done.

Every engine gives Findings; every renderer reads them and never recomputes a deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Mapping, NamedTuple

from ..records import EventDate

STATUSES = ("overdue", "late", "due", "met", "missing_data", "not_applicable")


class Extended(NamedTuple):
    """One extension that moved a deadline, dates in ISO: added time (``adds``) runs from ``runs_from`` (the deadline
    it extends, or the day granted where later), or a new total ``period`` runs from the trigger; ``deadline`` is
    the deadline it gave."""

    event: str
    granted: str
    adds: str | None
    period: str | None
    runs_from: str | None
    deadline: str


@dataclass(frozen=True, slots=True)
class Finding:
    """What the law required of one record under one rule (one occurrence of it), and whether it was done."""

    record: str
    record_kind: str
    rule: str
    duty: str
    title: str
    kind: str
    duty_holder: str
    status: str
    occurrence: int
    trigger_event: str
    trigger_date: EventDate | None
    period: str | None
    deadline: EventDate | None
    completion_event: str
    completed_date: EventDate | None
    days_late: int | None
    working_days_late: int | None
    days_left: int | None
    working_days_left: int | None
    citation: str
    source_url: str | None
    verification: str
    reason: str | None = None
    explanation: tuple[str, ...] = ()
    # The days the period skipped, as (date, reason) pairs; None where they were not worked out (no working asked).
    skipped: tuple[tuple[str, str], ...] | None = ()
    assumptions: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    provisional: bool = False
    approximate: bool = False
    calendar: str = "england-and-wales"
    calendar_data: Mapping[str, Any] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    hours_late: float | None = None
    # What is wrong in the record that the finding worked around (a completion dated before its trigger,
    # a date entered twice, an extension recorded after the deadline, a date after the as-of date or after
    # the day its extract was drawn, a record contradicting what its own events imply): check the record.
    data_quality: tuple[str, ...] = ()
    # "latest" or "earliest" when the deadline is not known exactly (the trigger date is not recorded, or the
    # period depends on an attribute the record does not give) and the deadline shown is the latest or earliest
    # it can be. With late or overdue the status is certain all the same (even the latest possible deadline has
    # passed: at least that late), with met likewise (done by the earliest possible one), and with due (even the
    # earliest possible one is still to come: at least that much time left).
    on_bound: str | None = None
    # Events the record's source cannot hold at all (no such column) that the finding needed.
    unrecorded: tuple[str, ...] = ()
    # For missing data: the attributes or events to record to settle it.
    needs: tuple[str, ...] = ()
    # The deadline the record's own system recorded for this duty, if it did, compared with the law's:
    # recorded minus statutory in working days (negative: the system's target is early), the usual mistake
    # that explains a difference in a few words ("" when they agree), and the comparison as a sentence.
    recorded_deadline: EventDate | None = None
    recorded_deadline_working_days: int | None = None
    recorded_deadline_reason: str | None = None
    recorded_deadline_note: str | None = None
    # For an overdue duty that ended unmet (the child left care before a missed visit; the body that owed it was
    # abolished): the day it ended, to which it is counted overdue. It is a breach on record, no longer to act on.
    ended_on: EventDate | None = None
    # The extensions that moved the deadline, in the order they apply: the deadline is rebuilt from the trigger,
    # the period and these.
    extensions: tuple[Extended, ...] = ()

    @property
    def is_open(self) -> bool:
        """Whether someone can still act on the duty: due, or overdue and not ended."""
        return self.status == "due" or (self.status == "overdue" and self.ended_on is None)

    @property
    def late_by(self) -> str | None:
        """How late, in words: working days for a working-day rule, calendar days otherwise, hours for an hours clock."""
        if self.status not in ("late", "overdue"):
            return None
        if self.hours_late is not None:  # only ever with both times known, so never on a bound
            text: str | None = f"{self.hours_late:g} hours"
        else:
            text = amount_text(self.working_days_late, self.days_late, self._unit_is_working)
        return f"at least {text}" if self.on_bound and text else text

    @property
    def time_left(self) -> str | None:
        if self.status != "due":
            return None
        text = amount_text(self.working_days_left, self.days_left, self._unit_is_working)
        # Due on a bound only ever rests on the earliest deadline possible: there may be longer left.
        return f"at least {text}" if self.on_bound and text else text

    @property
    def _unit_is_working(self) -> bool:
        return bool(self.period and "working" in self.period)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data, keys in a fixed order."""
        return {
            "record": self.record,
            "record_kind": self.record_kind,
            "rule": self.rule,
            "duty": self.duty,
            "title": self.title,
            "kind": self.kind,
            "duty_holder": self.duty_holder,
            "status": self.status,
            "occurrence": self.occurrence,
            "trigger_event": self.trigger_event,
            "trigger_date": iso(self.trigger_date),
            "period": self.period,
            "deadline": iso(self.deadline),
            "completion_event": self.completion_event,
            "completed_date": iso(self.completed_date),
            "days_late": self.days_late,
            "working_days_late": self.working_days_late,
            "hours_late": self.hours_late,
            "late_by": self.late_by,
            "days_left": self.days_left,
            "working_days_left": self.working_days_left,
            "time_left": self.time_left,
            "citation": self.citation,
            "source_url": self.source_url,
            "verification": self.verification,
            "reason": self.reason,
            "explanation": list(self.explanation),
            "skipped": None if self.skipped is None else [{"date": d, "reason": r} for d, r in self.skipped],
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "provisional": self.provisional,
            "approximate": self.approximate,
            "calendar": self.calendar,
            "calendar_data": dict(self.calendar_data),
            "attributes": dict(self.attributes),
            "data_quality": list(self.data_quality),
            "on_bound": self.on_bound,
            "unrecorded": list(self.unrecorded),
            "needs": list(self.needs),
            "recorded_deadline": iso(self.recorded_deadline),
            "recorded_deadline_working_days": self.recorded_deadline_working_days,
            "recorded_deadline_reason": self.recorded_deadline_reason,
            "recorded_deadline_note": self.recorded_deadline_note,
            "ended_on": iso(self.ended_on),
            "extensions": [e._asdict() for e in self.extensions],
        }


def iso(d: EventDate | None) -> str | None:
    if d is None:
        return None
    if isinstance(d, datetime):
        return d.isoformat(timespec="minutes")
    return d.isoformat()


def amount_text(working: int | None, days: int | None, prefer_working: bool) -> str | None:
    """A margin in words, working days first for a working-day rule: "8 working days (10 days)"."""
    if days is None:
        return None
    d = f"{days} day{'s' if days != 1 else ''}"
    if working is None:
        return d
    if working == 0 and days > 0:
        # "0 working days (2 days) overdue" reads as not late at all: a deadline or completion on a weekend or
        # holiday is late by calendar days none of which is a working day, and is said so.
        return f"{d} (not a working day)" if days == 1 else f"{d} (none of them a working day)"
    w = f"{working} working day{'s' if working != 1 else ''}"
    return f"{w} ({d})" if prefer_working else f"{d} ({w})"


def exit_status(findings: Iterable[Finding], fail_on: Iterable[str] = ("late", "overdue")) -> int:
    """0 when no finding has a failing status, 1 otherwise: the exit code schedulers read."""
    failing = set(fail_on)
    return 1 if any(f.status in failing for f in findings) else 0


def listed(f: Finding, show_all: bool) -> bool:
    """Whether a document lists ``f``: every finding that applies, and a not-applicable one only with ``show_all``
    or when its record needs checking (a data-quality warning)."""
    return show_all or f.status != "not_applicable" or bool(f.data_quality)


_ORDER = {s: i for i, s in enumerate(STATUSES)}


def urgency_key(f: Finding) -> tuple[Any, ...]:
    """Sorts overdue first (most overdue first), then late, due (soonest first), met, missing data, not applicable."""
    urgency = -(f.days_late or 0) if f.status in ("overdue", "late") else (f.days_left or 0)
    return (_ORDER[f.status], urgency, f.record, f.rule, f.occurrence)


def sort_by_urgency(findings: Iterable[Finding]) -> list[Finding]:
    """Overdue first (most overdue first), then late, due (soonest first), met, missing data, not applicable."""
    return sorted(findings, key=urgency_key)
