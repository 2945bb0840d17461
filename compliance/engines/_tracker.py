"""Event mode: events arrive one at a time, in date order, and the tracker keeps every duty's state current.

A new event re-evaluates only the duties of its own record that name that event (as trigger, completion,
bound, extension or end); new attributes re-evaluate the record's duties. Time passing is a queue of
deadlines: a due duty falls overdue on the day after its deadline without anything else being evaluated.
Either engine can back it, with the same answers.
"""

from __future__ import annotations

import difflib
import heapq
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ..calendars import day_of
from ..errors import InputError, Problem
from ..records import EventDate, Record
from ..rules import Rule, RuleSet, load_rules
from ._finding import Finding, sort_by_urgency
from ._native import check_as_of, duties_by_kind, evaluate_duty, evaluate_native

if TYPE_CHECKING:
    from ._durable import DurableRules

OPEN = ("due", "overdue")
#: Statuses that change as days pass: due falls overdue; missing data with a latest possible deadline
#: becomes overdue once even that has passed.
_WAITING = ("due", "missing_data")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Change:
    """On ``day`` a duty ``opened``, fell ``overdue``, was ``extended``, ``moved`` or ``closed``; ``outcome`` is its
    status afterwards.

    A duty that stops being required without being done (a recurrence ended) closes with outcome "ended"; one
    missed until its end event (a complaint moved to stage 2 after the stage 1 deadline) closes "overdue", its
    lateness counted to the end (``finding.ended_on``). A duty decided that day that was not open (missing data
    until its completion's date came) closes too, with its verdict. An open duty whose deadline an extension moved
    (``event``, recorded that day) is "extended"; one whose deadline anything else moved (the trigger recorded where
    the log gave the earliest deadline a bound allowed, an attribute given) is "moved": ``before`` is its finding
    just before, with the deadline moved from and whether it was overdue.
    """

    day: date
    change: str
    finding: Finding
    outcome: str
    before: Finding | None = None
    event: str | None = None


def _in_order(d: EventDate) -> tuple[date, int]:
    """Sort key for one event's dates, as records/_readers.py sorts them: by day, then time of day where known."""
    return (day_of(d), d.hour * 60 + d.minute if isinstance(d, datetime) else 0)


class Tracker:
    """Which duties are open, due or overdue as events come in; ``engine`` is "native" or "durable"."""

    def __init__(self, rules: RuleSet | None = None, engine: str = "native", *, explain: bool = True) -> None:
        self.rules = rules if rules is not None else load_rules()
        self.engine = engine
        self.explain = explain
        self.today: date | None = None
        self.evaluations = 0  # duty evaluations run so far: what incremental updating saves
        self._duties: dict[str, list[list[Rule]]] = duties_by_kind(self.rules)
        self._touched_by: dict[tuple[str, str], list[str]] = {}
        for kind, groups in self._duties.items():
            for versions in groups:
                # An event the duty does not read may imply one it does (the panel's report, that the panel met).
                read = self.rules.vocabulary.implying(kind, set().union(*(v.events | v.attributes_read
                                                                          for v in versions)))
                for event in sorted(read & set(self.rules.vocabulary.events(kind))):
                    self._touched_by.setdefault((kind, event), []).append(versions[0].duty)
        # The events that extend each duty: recorded, they may move an open duty's deadline.
        self._extended_by: dict[str, frozenset[str]] = {
            versions[0].duty: frozenset(v.extension.event for v in versions if v.extension)
            for groups in self._duties.values() for versions in groups}
        # A duty not applicable because no version was in force yet may apply once one comes into force.
        self._starts: dict[str, tuple[date, ...]] = {
            versions[0].duty: tuple(sorted(v.in_force.start for v in versions if v.in_force.start))
            for groups in self._duties.values() for versions in groups}
        self._records: dict[str, Record] = {}
        self._findings: dict[tuple[str, str], list[Finding]] = {}
        self._queue: list[tuple[date, str, str]] = []
        self._durable: DurableRules | None = None
        if engine == "durable":
            from ._durable import DurableRules

            self._durable = DurableRules(self.rules)
        elif engine != "native":
            raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="native or durable"))

    # -- feeding it -------------------------------------------------------------------------------

    def declare(self, record_id: str, kind: str, attributes: Mapping[str, Any] | None = None) -> list[Change]:
        """Add a record before its events, or change its attributes; returns what that changed today."""
        self._check_kind(record_id, kind)
        known = self._records.get(record_id)
        merged = {**(known.given_attributes if known else {}), **(attributes or {})}
        record = Record(record_id, kind, merged, known.events if known else {}, vocabulary=self.rules.vocabulary)
        self._records[record_id] = record
        if known is not None and known.given_attributes == merged:
            return []
        return self._reevaluate(record, [v[0].duty for v in self._duties.get(kind, ())], self.today)

    def record(self, record_id: str, event: str, when: EventDate, *, kind: str | None = None,
               attributes: Mapping[str, Any] | None = None) -> list[Change]:
        """``event`` happened to the record on ``when``; returns what changed up to and on that day."""
        day = day_of(when)
        self._check_date(day, f"{event} on {day.isoformat()}")
        known = self._records.get(record_id)
        kind = kind or (known.kind if known else None)
        if kind is None:
            raise InputError(Problem(f"record {record_id!r} is new: give its kind", field="kind"))
        self._check_kind(record_id, kind)
        vocab = self.rules.vocabulary
        if event not in vocab.events(kind):
            close = difflib.get_close_matches(event, list(vocab.events(kind)), n=1)
            raise InputError(Problem(f"unknown event {event!r} for {kind} records", field="event",
                                     hint=f"did you mean {close[0]!r}?" if close else
                                     "known: " + ", ".join(sorted(vocab.events(kind)))))
        if known is not None and event in known.events and not vocab.repeats(kind, event):
            raise InputError(Problem(f"{event} happens once, and record {record_id!r} already has it on "
                                     f"{known.events[event][0].isoformat()}", field="event"))
        changes = self.advance(day)
        # The row's attributes and its event together, as one change: given apart, the log would show the duties as
        # they stood with the attributes but not yet the event (a conference "missing" on the day it is recorded).
        given = known.given_attributes if known else {}
        merged = {**given, **(attributes or {})}
        events = known.events if known else {}
        dates = tuple(sorted(events.get(event, ()) + (when,), key=_in_order))
        record = Record(record_id, kind, merged, {**events, event: dates}, vocabulary=self.rules.vocabulary)
        self._records[record_id] = record
        duties = self._touched_by.get((kind, event), [])
        if known is None or merged != given:  # new attributes may change any duty of the record
            duties = [v[0].duty for v in self._duties.get(kind, ())]
        return changes + self._reevaluate(record, duties, day, event)

    def advance(self, to: date) -> list[Change]:
        """Move the tracker's date to ``to``; returns the duties that fell overdue on the way, day by day."""
        self._check_date(to, to.isoformat())
        check_as_of(self.rules, to)
        changes: list[Change] = []
        while self._queue and self._queue[0][0] <= to:
            day, record_id, duty = heapq.heappop(self._queue)
            found = self._findings.get((record_id, duty), ())
            if any(f.status in _WAITING and f.deadline is not None and day_of(f.deadline) + ONE_DAY == day
                   for f in found) or (day in self._starts[duty] and _inapplicable(found)):
                changes += self._reevaluate(self._records[record_id], [duty], day)
        self.today = to
        return changes

    # -- asking it --------------------------------------------------------------------------------

    def open_duties(self, as_of: date | None = None) -> list[Finding]:
        """The due and overdue duties as of ``as_of`` (default the tracker's date), most urgent first."""
        as_of = self._check_as_of(as_of)
        keys = sorted({key for key, found in self._findings.items() if any(_open(f) for f in found)})
        findings: list[Finding] = []
        for record_id, duty in keys:
            findings += self._evaluate(self._records[record_id], [duty], as_of)
        return sort_by_urgency(f for f in findings if _open(f))

    def findings(self, as_of: date | None = None) -> list[Finding]:
        """Every finding for the records so far as of ``as_of``: what ``compliance check`` would say of them."""
        as_of = self._check_as_of(as_of)
        if self._durable is not None:
            return self._durable.evaluate(self._records.values(), as_of, self.explain)
        return evaluate_native(self._records.values(), self.rules, as_of, self.explain)

    def records(self) -> list[Record]:
        """The records as the events so far have built them."""
        return list(self._records.values())

    def close(self) -> None:
        """Free the durable-rules rulesets, if this tracker has them."""
        if self._durable is not None:
            self._durable.close()

    def __enter__(self) -> "Tracker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside -----------------------------------------------------------------------------------

    def _check_date(self, day: date, what: str) -> None:
        if self.today is not None and day < self.today:
            raise InputError(Problem(f"{what} is before {self.today.isoformat()}, the date the tracker has reached",
                                     field="date", hint="give events in date order: the tracker only moves forward"))

    def _check_kind(self, record_id: str, kind: str) -> None:
        known = self._records.get(record_id)
        if known is not None and known.kind != kind:
            raise InputError(Problem(f"record {record_id!r} is a {known.kind} record, not {kind}", field="kind"))
        if kind not in self.rules.vocabulary.kinds:
            raise InputError(Problem(f"unknown record kind {kind!r}", field="kind",
                                     hint="one of: " + ", ".join(sorted(self.rules.vocabulary.kinds))))

    def _check_as_of(self, as_of: date | None) -> date:
        as_of = as_of or self.today
        if as_of is None:
            raise InputError(Problem("the tracker has no date yet", field="as_of", hint="record an event first"))
        check_as_of(self.rules, as_of)
        if self.today is not None and as_of < self.today:
            raise InputError(Problem(f"{as_of.isoformat()} is before {self.today.isoformat()}, the date the "
                                     "tracker has reached", field="as_of", hint="ask about that date or later"))
        return as_of

    def _evaluate(self, record: Record, duties: Sequence[str], as_of: date) -> list[Finding]:
        self.evaluations += len(duties)
        if self._durable is not None:
            return self._durable.evaluate([record], as_of, self.explain, duties=set(duties))
        wanted = set(duties)
        return [f for versions in self._duties.get(record.kind, ()) if versions[0].duty in wanted
                for f in evaluate_duty(record, versions, as_of, self.explain)]

    def _reevaluate(self, record: Record, duties: Sequence[str], as_of: date | None,
                    event: str | None = None) -> list[Change]:
        """Evaluate ``duties`` of the record again as of ``as_of``, after ``event`` (if one) was recorded."""
        if as_of is None or not duties:
            return []
        found: dict[str, list[Finding]] = {duty: [] for duty in duties}
        for f in self._evaluate(record, duties, as_of):
            found[f.duty].append(f)
        changes: list[Change] = []
        for duty, new in found.items():
            old = self._findings.get((record.id, duty), [])
            self._findings[(record.id, duty)] = new
            changes += _differences(as_of, old, new, event, event in self._extended_by.get(duty, ()))
            for f in new:
                # Look again the day after the deadline, if that is still to come.
                if f.status in _WAITING and f.deadline is not None and day_of(f.deadline) >= as_of:
                    heapq.heappush(self._queue, (day_of(f.deadline) + ONE_DAY, record.id, duty))
            later = [start for start in self._starts.get(duty, ()) if start > as_of]
            if later and _inapplicable(new):
                # And the day a version comes into force: a trigger not recorded may then fall under it.
                heapq.heappush(self._queue, (later[0], record.id, duty))
        return changes


def _open(f: Finding) -> bool:
    """Due, or overdue and not ended: a duty missed until its end event came (a complaint moved to stage 2, a child
    who left care) is over, overdue by what it was when it ended, not open for ever."""
    return f.status in OPEN and f.ended_on is None


def _inapplicable(found: Sequence[Finding]) -> bool:
    return bool(found) and all(f.status == "not_applicable" for f in found)


def _differences(day: date, old: Iterable[Finding], new: Iterable[Finding], event: str | None = None,
                 extends: bool = False) -> list[Change]:
    """What changed for one duty of one record between two evaluations, occurrence by occurrence, after ``event``
    was recorded (if one); ``extends``: it is the duty's extension event, so a deadline that moved was moved by it."""
    before = {f.occurrence: f for f in old}
    after = {f.occurrence: f for f in new}
    changes = []
    for occurrence in sorted(before.keys() | after.keys()):
        was, now = before.get(occurrence), after.get(occurrence)
        was_open = was is not None and _open(was)
        if now is not None and _open(now):
            if not was_open:
                changes.append(Change(day, "opened", now, now.status))
            elif was is not None and (now.deadline, now.on_bound) != (was.deadline, was.on_bound):
                # Said even when the status stays "due": the deadline the log last gave is no longer the one.
                changes.append(Change(day, "extended" if extends else "moved", now, now.status, before=was,
                                      event=event))
            elif was is not None and was.status == "due" and now.status == "overdue":
                changes.append(Change(day, "overdue", now, now.status))
        elif was is not None and was_open:
            changes.append(Change(day, "closed", now or was, now.status if now else "ended"))
        elif was is not None and now is not None and now.status in ("met", "late") and now.status != was.status:
            changes.append(Change(day, "closed", now, now.status))  # decided: its completion's date came
    return changes
