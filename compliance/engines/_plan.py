"""Planning: every duty that the events a user gives start, with its deadline, before anything is late.

"Ofsted sent us the final report on 3 December 2024: what must we do, by when?" A plan answers from
the same rules and the same engine as ``check``: each duty's deadline comes from ``evaluate_duty`` on
a record made of the dates given, never from arithmetic done here a second time. Pure: the record,
the rules and a date in, a Plan out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from ..calendars import day_of
from ..errors import CalendarRangeError, InputError, Problem, quoted, short
from ..records import (DATE_HINT, NO, YES, YES_NO_HINT, EventDate, Record, is_unknown, parse_event_date,
                       sort_key)
from ..rules import Rule, RuleSet, Vocabulary
from ._finding import Finding
from ._native import check_as_of, duties_by_kind, evaluate_duty

#: What a plan can say of a duty: its deadline; its deadline if conditions not given hold; that its
#: clock starts with an event not given; or that it does not apply.
STATES = ("scheduled", "conditional", "waiting", "not_applicable")
DEFAULT_OCCURRENCES = 3
#: The id of a plan's record when the user gives none (``id=haringey-2018-ilacs`` names it).
PLAN_ID = "plan"
_OPEN = ("due", "overdue")


@dataclass(frozen=True)
class PlanStep:
    """One deadline of a duty (one occurrence of a recurring one), as the engine found it."""

    finding: Finding
    #: True for an occurrence after one not yet held: it assumes each earlier one is held on its deadline.
    projected: bool = False
    #: The engine's working for this deadline (for a projection, without the status it has on a made-up date).
    working: tuple[str, ...] = ()

    @property
    def uncounted(self) -> bool:
        """True when the deadline could not be counted though no event it waits for is missing (it runs past the
        years the calendar covers, say): the finding's reason says why."""
        f = self.finding
        return f.status == "missing_data" and f.deadline is None and not f.needs


@dataclass(frozen=True)
class PlanEntry:
    """What the plan says of one duty, in one version of the law."""

    rule: Rule
    state: str
    steps: tuple[PlanStep, ...] = ()
    #: Why the duty does not apply, or which event starts its clock.
    reason: str | None = None
    #: Conditions the duty needs that the user did not give: the deadline holds only if they are true.
    assumed: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    #: The deadline once the rule's extension event is recorded, where the user has not given one.
    extended: EventDate | None = None
    #: Where what was given contradicts itself, as ``check`` flags it: a duty not applicable for a value given
    #: that an event given says otherwise (no further action, yet an assessment).
    checks: tuple[str, ...] = ()

    @property
    def next_deadline(self) -> EventDate | None:
        """The first deadline not yet met: what to diary first."""
        for step in self.steps:
            if step.finding.status in _OPEN or step.projected:
                return step.finding.deadline
        return self.steps[0].finding.deadline if self.steps else None


@dataclass(frozen=True)
class Plan:
    """Every duty of one kind of record, given some of its dates and attributes, as of a date."""

    record: Record
    as_of: date
    entries: tuple[PlanEntry, ...]
    #: The as-of date asked for, where a date given was later and the plan is reckoned from that instead.
    asked_as_of: date | None = None
    #: Each event of the kind, with its description from the vocabulary.
    events: Mapping[str, str] = field(default_factory=dict)
    occurrences: int = DEFAULT_OCCURRENCES

    def findings(self) -> list[Finding]:
        """The findings on the dates given (projections left out), for the exit code."""
        return [s.finding for e in self.entries if e.state == "scheduled" for s in e.steps if not s.projected]

    def uncounted(self) -> list[tuple[PlanEntry, PlanStep]]:
        """The deadlines whose clock has started but that the engine could not count (``PlanStep.uncounted``)."""
        return [(e, s) for e in self.entries if e.state in ("scheduled", "conditional") for s in e.steps
                if s.uncounted]


def plan_record(kind: str, items: Sequence[str], vocabulary: Vocabulary) -> Record:
    """A record from ``NAME=VALUE`` items (events take dates or ``unknown``, attributes values, ``id`` names the
    record); every bad item is located.

    Raises InputError with one problem per bad item, each saying what was meant where it can guess.
    """
    if kind not in vocabulary.kinds:
        raise InputError(Problem(f"unknown record kind {quoted(kind)}", field="kind",
                                 hint=_suggest(kind, vocabulary.kinds)))
    events_known = vocabulary.events(kind)
    attributes_known = vocabulary.attributes(kind)
    problems: list[Problem] = []
    attributes: dict[str, Any] = {}
    events: dict[str, tuple[EventDate, ...] | str] = {}
    rid = None
    for item in items:
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name:
            problems.append(Problem(f"{quoted(item)} is not NAME=VALUE", field=short(item) or "(empty)",
                                    hint="e.g. report_received=03/12/2024 or framework=ILACS"))
            continue
        if name == "id":
            if rid is not None or not value:
                problems.append(Problem("given twice" if rid is not None else "no id given", field="id",
                                        hint="name the record once, as its tracker does: id=haringey-2018-ilacs"))
            rid = value
            continue
        if name in events or name in attributes:
            problems.append(Problem("given twice", field=name, hint="give each event or attribute once; "
                                    "several dates of a repeating event go in one item, separated by ;"))
            continue
        if name in events_known and is_unknown(value):
            events[name] = value  # happened, or may have, on a date not known: as a tracker's cell says it
        elif name in events_known:
            dates = _dates(kind, name, value, vocabulary, problems)
            if dates:
                events[name] = dates
        elif name in attributes_known:
            parsed = _attribute(name, value, attributes_known[name], problems)
            if parsed is not None:
                attributes[name] = parsed
        else:
            known = list(events_known) + list(attributes_known)
            problems.append(Problem(f"not an event or attribute of {kind} records", field=short(name),
                                    hint=_suggest(name, known, "events: " + ", ".join(events_known)
                                                  + "; attributes: " + ", ".join(attributes_known))))
    if problems:
        raise InputError(*problems)
    return Record(rid or PLAN_ID, kind, attributes, events, vocabulary=vocabulary)


def _suggest(word: str, choices: Iterable[str], otherwise: str | None = None) -> str:
    options = list(choices)
    lower = {c.lower(): c for c in options}
    close = [lower[word.lower()]] if word.lower() in lower else difflib.get_close_matches(word, options, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return otherwise or "one of: " + ", ".join(sorted(options))


def _dates(kind: str, name: str, value: str, vocabulary: Vocabulary,
           problems: list[Problem]) -> tuple[EventDate, ...] | None:
    texts = [t for t in value.split(";") if t.strip()]
    if not texts:
        problems.append(Problem("no date given", field=name, hint=DATE_HINT))
        return None
    if len(texts) > 1 and not vocabulary.repeats(kind, name):
        problems.append(Problem(f"{name} happens once, but {len(texts)} dates are given", field=name,
                                hint="give one date"))
        return None
    out = []
    for text in texts:
        try:
            out.append(parse_event_date(text))
        except ValueError as exc:
            problems.append(Problem(str(exc), field=name, hint=DATE_HINT))
            return None
    return tuple(sorted(out, key=sort_key))


def _attribute(name: str, value: str, spec: Mapping[str, Any], problems: list[Problem]) -> Any:
    if spec.get("type") == "boolean":
        low = value.lower()
        if low in YES or low in NO:
            return low in YES
        problems.append(Problem(f"{quoted(value)} is not yes or no", field=name, hint=YES_NO_HINT))
        return None
    allowed = spec.get("values")
    if allowed and value not in allowed:
        problems.append(Problem(f"{quoted(value)} is not a known {name}", field=name,
                                hint=_suggest(value, allowed, "one of: " + ", ".join(allowed))))
        return None
    return value


def make_plan(record: Record, rules: RuleSet | Sequence[Rule], as_of: date,
              occurrences: int = DEFAULT_OCCURRENCES, vocabulary: Vocabulary | None = None) -> Plan:
    """Every duty the rules attach to ``record``'s kind: its deadlines from the dates given, or what it waits for.

    A recurring duty lists the occurrences held so far and ``occurrences`` more, each after the first open
    one assuming the one before is held on its deadline. The plan is reckoned as of ``as_of``, or as of the
    latest date given when that is later (a plan may be made before the report arrives).
    """
    check_as_of(rules, as_of)
    latest = max((day_of(d) for dates in record.events.values() for d in dates), default=as_of)
    when = max(as_of, latest)
    entries: list[PlanEntry] = []
    for versions in duties_by_kind(rules).get(record.kind, ()):
        entries.extend(_duty(record, versions, when, max(occurrences, 1)))
    group = {"scheduled": 0, "conditional": 0, "waiting": 1, "not_applicable": 2}
    entries.sort(key=lambda e: (group[e.state], _sortable(e.next_deadline)))
    vocab = vocabulary or getattr(rules, "vocabulary", None)
    described = {name: str((spec or {}).get("description") or "")
                 for name, spec in (vocab.events(record.kind).items() if vocab else ())}
    return Plan(record, when, tuple(entries), as_of if when != as_of else None, described, occurrences)


def dates_after(record: Record, as_of: date) -> list[tuple[str, EventDate]]:
    """Each event date given that is later than ``as_of``: a plan reckoned as of ``as_of`` could not count them."""
    return [(name, d) for name, dates in record.events.items() for d in dates if day_of(d) > as_of]


def _sortable(d: EventDate | None) -> tuple[date, int]:
    return sort_key(d) if d is not None else (date.max, 0)


def _duty(record: Record, versions: Sequence[Rule], when: date, occurrences: int) -> list[PlanEntry]:
    given = record.attributes
    candidates = [v for v in versions if not _contradicted(v, given)]
    if not candidates:
        # The attributes given exclude every version: the engine says why.
        finding = evaluate_duty(record, versions, when)[0]
        return [PlanEntry(_rule_of(versions, finding), "not_applicable", reason=finding.reason,
                          checks=finding.data_quality)]
    # A clock has started, or may have: its trigger is given, or given as unknown, or another event given shows it
    # happened (an assessment completed, so begun), or a date given bounds it (from below only where the duty must
    # arise: an optional trigger may never come).
    started = [v for v in candidates if record.first(v.trigger) is not None or not record.records(v.trigger)
               or v.trigger in record.implied
               or any(record.first(e) is not None for e in v.no_later_than)
               or (not v.trigger_optional and any(record.first(e) is not None for e in v.no_earlier_than))]
    if not started:
        return _waiting(record, candidates, when)
    entries = []
    for version in _alternatives(record, started):
        assumed = tuple((name, allowed) for name, allowed in version.when if name not in given)
        supposed = _supposing(record, assumed)
        findings = evaluate_duty(supposed, versions, when)
        if not findings or findings[0].status == "not_applicable":
            entry = PlanEntry(_rule_of(versions, findings[0]) if findings else version, "not_applicable",
                              reason=findings[0].reason if findings else None, assumed=assumed,
                              checks=findings[0].data_quality if findings else ())
        else:
            steps = _steps(supposed, versions, findings, when, occurrences)
            rule = _rule_of(versions, findings[0])
            checks = dict.fromkeys(q for step in steps if not step.projected for q in step.finding.data_quality)
            entry = PlanEntry(rule, "conditional" if assumed else "scheduled", tuple(steps), assumed=assumed,
                              extended=_extended(rule, versions, supposed, findings[0], when), checks=tuple(checks))
        entries.append(entry)
    return entries


def _rule_of(versions: Sequence[Rule], finding: Finding) -> Rule:
    """The version of a duty a finding was made under."""
    return next(v for v in versions if v.id == finding.rule)


def _contradicted(rule: Rule, given: Mapping[str, Any]) -> bool:
    return any(name in given and given[name] not in allowed for name, allowed in rule.when)


def _alternatives(record: Record, started: Sequence[Rule]) -> list[Rule]:
    """The versions that could govern: one per set of conditions the user has not settled."""
    out: list[Rule] = []
    seen: set[tuple[Any, ...]] = set()
    for v in started:
        key = tuple((name, allowed) for name, allowed in v.when if name not in record.attributes)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _supposing(record: Record, assumed: Sequence[tuple[str, tuple[Any, ...]]]) -> Record:
    """The record with each condition not given supposed true (its first allowed value)."""
    if not assumed:
        return record
    attributes = dict(record.attributes)
    attributes.update({name: allowed[0] for name, allowed in assumed})
    return Record.checked(record.id, record.kind, attributes, dict(record.events), record.source,
                          implied=record.implied, conflicts=record.conflicts,
                          implying=record.implying)


def _steps(record: Record, versions: Sequence[Rule], findings: list[Finding], when: date,
           occurrences: int) -> list[PlanStep]:
    """The findings on the dates given, then, for a recurring duty, the next occurrences projected."""
    steps = [PlanStep(f, False, f.explanation) for f in findings]
    rule = _rule_of(versions, findings[0])
    if (rule.recurrence is None or findings[-1].status not in _OPEN or findings[-1].deadline is None
            or (rule.until and record.first(rule.until) is not None)):
        return steps  # nothing open, or the duty has ended: nothing to project
    held = list(record.events.get(rule.completion, ()))
    shown = 1
    while shown < occurrences:
        last = steps[-1].finding
        assert last.deadline is not None
        held.append(last.deadline)
        events = dict(record.events)
        events[rule.completion] = tuple(sorted(held, key=sort_key))
        supposed = Record.checked(record.id, record.kind, record.attributes, events, record.source,
                                  implied=record.implied, conflicts=record.conflicts,
                                  implying=record.implying)
        try:
            projected = evaluate_duty(supposed, versions, max(when, day_of(last.deadline)))
        except CalendarRangeError:
            break  # past the years the calendar knows: no deadline can be given
        if len(projected) <= len(steps) or projected[len(steps)].deadline is None:
            break  # the duty ends (its `until` event) before another occurrence falls due
        nxt = projected[len(steps)]
        # The engine's working ends with the status on the made-up as-of date: leave that out.
        steps.append(PlanStep(nxt, True, nxt.explanation[:-1]))
        shown += 1
    return steps


def _extended(rule: Rule, versions: Sequence[Rule], record: Record, finding: Finding, when: date) -> EventDate | None:
    """The deadline the engine gives if the rule's extension event were recorded (on the trigger day), when it is
    not: a new period from the trigger, or one addition to the deadline."""
    ext = rule.extension
    if ext is None or record.first(ext.event) is not None or finding.trigger_date is None or finding.deadline is None:
        return None
    events = dict(record.events)
    events[ext.event] = (finding.trigger_date,)
    supposed = Record.checked(record.id, record.kind, record.attributes, events, record.source,
                              implied=record.implied, conflicts=record.conflicts,
                              implying=record.implying)
    return evaluate_duty(supposed, versions, when, explain=False)[0].deadline


def _waiting(record: Record, candidates: Sequence[Rule], when: date) -> list[PlanEntry]:
    """Duties whose clock starts with an event not given: the version in force now, per unsettled condition."""
    in_force = [v for v in candidates if v.in_force.contains(when)]
    if not in_force:
        windows = "; ".join(f"{v.in_force}" + (f" ({v.id})" if len(candidates) > 1 else "") for v in candidates)
        return [PlanEntry(candidates[-1], "not_applicable",
                          reason=f"not in force on {when.isoformat()}: in force {windows}")]
    out = []
    for version in _alternatives(record, in_force):
        assumed = tuple((name, allowed) for name, allowed in version.when if name not in record.attributes)
        out.append(PlanEntry(version, "waiting", reason=f"starts when {version.trigger} happens", assumed=assumed))
    return out
