"""The native engine: evaluates records against rules as of a date, one finding per duty and occurrence.

Pure: no files, no clock, no terminal. ``as_of`` is "today" for the evaluation, so a run can be
replayed for any past date and give the same answer. ``choose_version`` and ``duty_findings`` are the
decision and the date arithmetic the durable-rules backend shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, NamedTuple, Sequence

from ..calendars import Deadline, Period, add_period, compute_deadline, day_of, get_calendar
from ..records import EventDate, Record
from ..rules import Rule, RuleSet
from ._finding import Finding, amount_text, iso

def _fmt(d: EventDate) -> str:
    if isinstance(d, datetime):
        return d.strftime("%a %d %b %Y %H:%M")
    return d.strftime("%a %d %b %Y")


@dataclass
class _Context:
    record: Record
    rule: Rule
    as_of: date
    explain: bool

    def base(self, **kw: Any) -> dict[str, Any]:
        rule = self.rule
        out: dict[str, Any] = dict(
            record=self.record.id, record_kind=self.record.kind, rule=rule.id, duty=rule.duty, title=rule.title,
            kind=rule.kind, duty_holder=rule.duty_holder, occurrence=1, trigger_event=rule.trigger,
            trigger_date=None, period=str(rule.period), deadline=None, completion_event=rule.completion,
            completed_date=None, days_late=None, working_days_late=None, days_left=None,
            working_days_left=None, citation=rule.source.citation, source_url=rule.source.url,
            verification=rule.source.verification, calendar=rule.calendar,
            attributes=self.record.attributes,
        )
        out.update(kw)
        return out


def _happened(record: Record, event: str, as_of: date) -> tuple[EventDate, ...]:
    """The event's dates up to the as-of date: later ones have not happened yet as of then."""
    return tuple(d for d in record.events.get(event, ()) if day_of(d) <= as_of)


def _caveats(rule: Rule, trigger: EventDate) -> list[str]:
    return [c.note for c in rule.caveats if c.window.contains(day_of(trigger))]


def _status(ctx: _Context, deadline: Deadline, trigger: EventDate, completed: EventDate | None,
            occurrence: int, extra_steps: Sequence[str] = (), warnings: Sequence[str] = (),
            ended: EventDate | None = None) -> Finding:
    rule, as_of = ctx.rule, ctx.as_of
    cal = get_calendar(rule.calendar)
    due = deadline.end
    due_day = day_of(due)
    steps = list(deadline.steps) + list(extra_steps) if ctx.explain else []
    fields: dict[str, Any] = {}
    approximate = deadline.approximate
    if completed is not None:
        if isinstance(due, datetime) and isinstance(completed, datetime):
            in_time = completed <= due
        else:
            in_time = day_of(completed) <= due_day
            approximate = approximate or isinstance(due, datetime)
        if in_time:
            status = "met"
            steps.append(f"{rule.completion} on {_fmt(completed)} is on or before the deadline {_fmt(due)}: met.")
        else:
            status = "late"
            fields["days_late"] = (day_of(completed) - due_day).days
            fields["working_days_late"] = cal.working_days_between(due_day, day_of(completed))
            late_by = amount_text(fields["working_days_late"], fields["days_late"], True)
            if isinstance(due, datetime) and isinstance(completed, datetime):
                fields["hours_late"] = round((completed - due).total_seconds() / 3600, 2)
                late_by = f"{fields['hours_late']:g} hours"
            steps.append(f"{rule.completion} on {_fmt(completed)} is after the deadline {_fmt(due)}: "
                         f"late by {late_by}.")
    elif ended is not None:
        status = "overdue"
        fields["days_late"] = (day_of(ended) - due_day).days
        fields["working_days_late"] = cal.working_days_between(due_day, day_of(ended))
        steps.append(f"No {rule.completion} was recorded by {_fmt(due)}, and the duty ended with "
                     f"{rule.recurrence.until if rule.recurrence else 'its end event'} on {_fmt(ended)}: "
                     f"missed, {fields['days_late']} days overdue when it ended.")
    elif as_of <= due_day:
        status = "due"
        fields["days_left"] = (due_day - as_of).days
        fields["working_days_left"] = cal.working_days_between(as_of, due_day)
        steps.append(f"No {rule.completion} is recorded as of {_fmt(as_of)}; "
                     f"{amount_text(fields['working_days_left'], fields['days_left'], True)} left: due.")
    else:
        status = "overdue"
        fields["days_late"] = (as_of - due_day).days
        fields["working_days_late"] = cal.working_days_between(due_day, as_of)
        steps.append(f"No {rule.completion} is recorded as of {_fmt(as_of)}, "
                     f"{amount_text(fields['working_days_late'], fields['days_late'], True)} after the deadline: "
                     "overdue.")
    return Finding(**ctx.base(
        status=status, occurrence=occurrence, trigger_date=trigger, period=str(deadline.period),
        deadline=due, completed_date=completed,
        explanation=tuple(steps),
        skipped=tuple((s.date.isoformat(), s.reason) for s in deadline.skipped),
        warnings=tuple(list(warnings) + _caveats(rule, trigger)),
        provisional=deadline.provisional, approximate=approximate,
        calendar_data=deadline.provenance, **fields,
    ))


def _deadline(ctx: _Context, start: EventDate, period: Period) -> Deadline:
    return compute_deadline(start, period, ctx.rule.calendar, explain=ctx.explain)


def _extended(ctx: _Context, trigger: EventDate) -> tuple[Deadline, list[str]]:
    """The deadline for a single duty, lengthened by any extension events recorded by the as-of date."""
    rule = ctx.rule
    ext = rule.extension
    events = _happened(ctx.record, ext.event, ctx.as_of) if ext else ()
    if ext and events and ext.period:
        deadline = _deadline(ctx, trigger, ext.period)
        return deadline, [f"{ext.event} recorded on {_fmt(events[0])}, so the extended period of "
                          f"{ext.period} applies instead of {rule.period}."]
    deadline = _deadline(ctx, trigger, rule.period)
    notes: list[str] = []
    if ext and events and ext.adds:
        end = deadline.end
        for when in events:
            new_end = add_period(day_of(end), ext.adds.amount, ext.adds.unit, rule.calendar)
            notes.append(f"{ext.event} recorded on {_fmt(when)} extends the deadline by {ext.adds}: "
                         f"{_fmt(end)} becomes {_fmt(new_end)}.")
            end = new_end
        deadline.end = end
        deadline.provisional = get_calendar(rule.calendar).is_provisional(day_of(end))
    return deadline, notes


def _single(ctx: _Context, trigger: EventDate) -> list[Finding]:
    deadline, notes = _extended(ctx, trigger)
    warnings: list[str] = []
    done = _happened(ctx.record, ctx.rule.completion, ctx.as_of)
    completed = next((d for d in done if day_of(d) >= day_of(trigger)), None)
    if completed is None and done:
        completed = done[0]
        warnings.append(f"{ctx.rule.completion} on {iso(completed)} is before {ctx.rule.trigger} on "
                        f"{iso(trigger)}: check the record.")
    return [_status(ctx, deadline, trigger, completed, 1, notes, warnings)]


def _next_period(rule: Rule, occurrence: int, anchor: EventDate, trigger: EventDate) -> Period:
    """The period before occurrence number ``occurrence`` (2 or more) of a recurring duty."""
    assert rule.recurrence is not None
    n = occurrence - 1
    for step in rule.recurrence.steps:
        if step.times is not None:
            if n <= step.times:
                return step.period
            n -= step.times
            continue
        if step.while_within is not None:
            limit = add_period(day_of(trigger), step.while_within.amount, step.while_within.unit, rule.calendar)
            if day_of(anchor) <= limit:
                return step.period
            continue
        return step.period
    return rule.recurrence.steps[-1].period


def _recurring(ctx: _Context, trigger: EventDate) -> list[Finding]:
    rule, record, as_of = ctx.rule, ctx.record, ctx.as_of
    assert rule.recurrence is not None
    all_done = _happened(record, rule.completion, as_of)
    done = [d for d in all_done if day_of(d) >= day_of(trigger)]
    warnings = [f"{len(all_done) - len(done)} {rule.completion} date(s) before {rule.trigger} on "
                f"{iso(trigger)} were ignored: check the record."] if len(done) < len(all_done) else []
    ended_dates = _happened(record, rule.recurrence.until, as_of) if rule.recurrence.until else ()
    ended = next((d for d in ended_dates if day_of(d) >= day_of(trigger)), None)
    findings: list[Finding] = []
    anchor, period = trigger, rule.period
    for occurrence in range(1, len(done) + 2):
        deadline = _deadline(ctx, anchor, period)
        completed = done[occurrence - 1] if occurrence <= len(done) else None
        if ended is not None and (completed is None or day_of(completed) > day_of(ended)):
            if day_of(ended) <= day_of(deadline.end):
                break
            findings.append(_status(ctx, deadline, anchor, None, occurrence, (), warnings, ended=ended))
            break
        steps = [] if occurrence == 1 else [
            f"Occurrence {occurrence}: within {period} of the previous {rule.completion} on {_fmt(anchor)}."]
        findings.append(_status(ctx, deadline, anchor, completed, occurrence, steps, warnings))
        if completed is None:
            break
        anchor = completed
        period = _next_period(rule, occurrence + 1, anchor, trigger)
    return findings


def _missing(ctx: _Context) -> Finding:
    rule, record = ctx.rule, ctx.record
    reason = f"{rule.trigger} is not recorded, so the deadline cannot be computed."
    assumptions: list[str] = []
    steps: list[str] = []
    extra: dict[str, Any] = {}
    bound = record.first(rule.trigger_bound) if rule.trigger_bound else None
    if bound is not None:
        latest = _deadline(ctx, bound, rule.period)
        assumptions.append(
            f"Assumption: {rule.trigger} cannot be later than {rule.trigger_bound} ({iso(bound)}), so the "
            f"deadline is at the latest {iso(latest.end)}. The real deadline may be earlier.")
        steps = list(latest.steps)
        done = _happened(record, rule.completion, ctx.as_of)
        if done and day_of(done[0]) > day_of(latest.end):
            steps.append(f"{rule.completion} on {_fmt(done[0])} is after even the latest possible deadline: "
                         "late whatever the trigger date was.")
        elif done:
            steps.append(f"{rule.completion} on {_fmt(done[0])} is within the latest possible deadline; whether "
                         f"it was in time depends on the {rule.trigger} date.")
        elif ctx.as_of > day_of(latest.end):
            steps.append(f"No {rule.completion} is recorded, and the latest possible deadline has passed: "
                         "overdue whatever the trigger date was.")
        extra = dict(deadline=latest.end, provisional=latest.provisional, calendar_data=latest.provenance,
                     completed_date=done[0] if done else None,
                     skipped=tuple((s.date.isoformat(), s.reason) for s in latest.skipped))
    return Finding(**ctx.base(status="missing_data", reason=reason, assumptions=tuple(assumptions),
                              explanation=tuple(steps), **extra))


def _not_applicable(ctx: _Context, reason: str, trigger: EventDate | None = None) -> Finding:
    return Finding(**ctx.base(status="not_applicable", reason=reason, trigger_date=trigger, period=None))


CASES = ("excluded", "in_force", "not_started", "outside", "no_version", "missing")


class Choice(NamedTuple):
    """Which version of a duty governs a record, and in which of the ``CASES``."""

    case: str
    rule: Rule


def choose_version(record: Record, versions: Sequence[Rule], as_of: date) -> Choice:
    """The version in force on the trigger date, or why there is none: the decision both engines make.

    The durable backend reaches the same choice by pattern matching (engines/_durable.py); keep the two in step.
    """
    applicable = [v for v in versions if v.conditions_fail(record.attributes) is None]
    if not applicable:
        return Choice("excluded", versions[-1])
    dated = [(v, record.first(v.trigger)) for v in applicable]
    for rule, trigger in dated:
        if trigger is not None and rule.in_force.contains(day_of(trigger)):
            return Choice("not_started" if day_of(trigger) > as_of else "in_force", rule)
    triggered = [v for v, t in dated if t is not None]
    if triggered:
        return Choice("outside", triggered[-1])
    bound = record.first(applicable[0].trigger_bound) if applicable[0].trigger_bound else None
    if bound is not None:
        in_force = next((v for v in applicable if v.in_force.contains(day_of(bound))), None)
        return Choice("missing", in_force) if in_force else Choice("no_version", applicable[-1])
    # Nothing dates the trigger: say the data is missing rather than guess which version applied.
    return Choice("missing", next((v for v in applicable if v.in_force.contains(as_of)), applicable[-1]))


def duty_findings(record: Record, versions: Sequence[Rule], choice: Choice, as_of: date,
                  explain: bool = True) -> list[Finding]:
    """The findings once the governing version is chosen: the date arithmetic both engines share."""
    case, rule = choice
    ctx = _Context(record, rule, as_of, explain)
    trigger = record.first(rule.trigger)
    if case == "in_force":
        assert trigger is not None
        return _recurring(ctx, trigger) if rule.recurrence else _single(ctx, trigger)
    if case == "missing":
        return [_missing(ctx)]
    if case == "excluded":
        return [_not_applicable(ctx, rule.conditions_fail(record.attributes) or "")]
    if case == "not_started":
        return [_not_applicable(ctx, f"{rule.trigger} on {iso(trigger)} is after the as-of date "
                                     f"{as_of.isoformat()}: the clock has not started.", trigger)]
    applicable = [v for v in versions if v.conditions_fail(record.attributes) is None]
    if case == "outside":
        windows = "; ".join(f"{v.id}: {v.in_force}" for v in applicable)
        return [_not_applicable(ctx, f"{rule.trigger} on {iso(trigger)} is outside the dates this duty was in "
                                     f"force ({windows}).", trigger)]
    bound = record.first(applicable[0].trigger_bound) if applicable[0].trigger_bound else None
    return [_not_applicable(ctx, f"{rule.trigger} is not recorded, and no version of this duty was in force on "
                                 f"or before {rule.trigger_bound} ({iso(bound)}).")]


def evaluate_duty(record: Record, versions: Sequence[Rule], as_of: date, explain: bool = True) -> list[Finding]:
    """Findings for one record under one duty, choosing the version in force on the trigger date."""
    return duty_findings(record, versions, choose_version(record, versions, as_of), as_of, explain)


def evaluate_native(records: Iterable[Record], rules: RuleSet | Sequence[Rule], as_of: date,
                    explain: bool = True) -> list[Finding]:
    """Every finding for ``records``, record by record, duty by duty, in rule-file order."""
    by_kind = duties_by_kind(rules)
    findings: list[Finding] = []
    for record in records:
        for versions in by_kind.get(record.kind, ()):
            findings.extend(evaluate_duty(record, versions, as_of, explain))
    return findings


def duties_by_kind(rules: RuleSet | Sequence[Rule]) -> dict[str, list[list[Rule]]]:
    """Duties (lists of versions in in-force order) for each record kind, in rule-file order."""
    groups: dict[str, list[Rule]] = {}
    for rule in rules:
        groups.setdefault(rule.duty, []).append(rule)
    out: dict[str, list[list[Rule]]] = {}
    for versions in groups.values():
        versions.sort(key=lambda r: r.in_force.start or date.min)
        out.setdefault(versions[0].applies_to, []).append(versions)
    return out
