"""The native engine: evaluates records against rules as of a date, one finding per duty and occurrence.

Pure: no files, no clock, no terminal. ``as_of`` is "today" for the evaluation, so a run can be
replayed for any past date and give the same answer. ``choose_version`` decides which version of a
duty governs a record and in which case; ``duty_findings`` does the date arithmetic. The durable-rules
backend makes the same decision by pattern matching and calls the same arithmetic; the vectorised
engine follows both step for step. docs/rule-language.md ("How statuses are decided") says each rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Callable, Iterable, NamedTuple, Sequence

from ..calendars import (Deadline, Period, add_period, check_target, clock_change, compute_deadline, day_of,
                         get_calendar, hours_between, instant, with_zone)
from ..errors import CalendarRangeError, listed
from ..records import EventDate, Record, sort_key
from ..rules import Rule, RuleSet, Window, condition_state
from ._finding import Extended, Finding, amount_text, iso


def _fmt(d: EventDate) -> str:
    if type(d) is date:
        return _day_text(d)
    if isinstance(d, datetime):
        # BST or GMT after a time London clocks showed twice: without it, "01:45 is on or before the deadline 01:30:
        # met" reads as a mistake when the deadline is the second 01:30.
        return with_zone(d, "%a %d %b %Y %H:%M")
    return d.strftime("%a %d %b %Y")


@lru_cache(maxsize=1 << 14)
def _day_text(d: date) -> str:
    # Made once per day: a long run writes the same days into many findings' working.
    return d.strftime("%a %d %b %Y")


def _unrecorded_text(event: str) -> str:
    return f"this record's source does not record {event} (no such column or field, or it says unknown)"


#: The most dates a warning names: a cell may hold tens of thousands, and every finding of a recurring duty carries
#: its record's warnings (1,000 visits before the placement, each said on each of 1,000 visits' findings, made 87 MB).
_LISTED = 10


def _listed(dates: Sequence[EventDate], written: Callable[[EventDate], str | None] = iso) -> str:
    """Dates as a warning names them: the first ``_LISTED``, then how many more."""
    return listed([written(d) or "" for d in dates[:_LISTED]], len(dates))


def _are(dates: Sequence[EventDate]) -> str:
    """"is" of one date, "are" of several."""
    return "is" if len(dates) == 1 else "are"


def _it(dates: Sequence[EventDate], verb: str = "does") -> str:
    """"it does" of one date, "they do" of several ("it is", "they are"; "it cannot", "they cannot")."""
    return f"it {verb}" if len(dates) == 1 else f"they {({'does': 'do', 'is': 'are'}).get(verb, verb)}"


def clock(record: Record, as_of: date) -> date:
    """The day a record is judged on: the as-of date, or the day its extract was drawn if that is earlier,
    since an extract holds nothing that happened after it."""
    drawn = record.extract_date
    return drawn if drawn is not None and drawn < as_of else as_of


@dataclass
class _Context:
    record: Record
    rule: Rule
    as_of: date  # the day the record is judged on (``clock``): every date after it has not happened as of then
    explain: bool
    asked: date | None = None  # the as-of date asked for, when later than ``as_of`` (an extract drawn earlier)
    quality: dict[str, None] = field(default_factory=dict)  # data-quality warnings found on the way, in order
    assumed: tuple[str, ...] = ()  # facts the record implies that this rule reads
    extended: tuple[Extended, ...] = ()  # the extensions that moved the deadline (_extended)

    def base(self, **kw: Any) -> dict[str, Any]:
        out = _rule_fields(self.rule).copy()
        out["record"] = self.record.id
        out["record_kind"] = self.record.kind
        out["attributes"] = self.record.attributes
        out["data_quality"] = tuple(self.quality)
        out.update(kw)
        if self.extended and out.get("deadline") is not None:
            out["extensions"] = self.extended
        if self.assumed:
            out["assumptions"] = self.assumed + tuple(out.get("assumptions", ()))
        return out

    @property
    def day_name(self) -> str:
        """What the day the record is judged on is, in words."""
        if self.asked is not None:
            return f"the date this extract was drawn ({self.as_of.isoformat()})"
        return f"the as-of date {self.as_of.isoformat()}"

    def warn(self, text: str) -> None:
        self.quality[text] = None  # a dict: a record's thousands of bad dates were each looked for in a list


_RULE_FIELDS: dict[int, tuple[Rule, dict[str, Any]]] = {}


def _rule_fields(rule: Rule) -> dict[str, Any]:
    """The fields every finding of ``rule`` starts from, made once per rule (by identity: rules are immutable)."""
    known = _RULE_FIELDS.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    fields = dict(rule=rule.id, duty=rule.duty, title=rule.title, kind=rule.kind, duty_holder=rule.duty_holder,
                  occurrence=1, trigger_event=rule.trigger, trigger_date=None, period=str(rule.period),
                  deadline=None, completion_event=rule.completion, completed_date=None, days_late=None,
                  working_days_late=None, days_left=None, working_days_left=None, citation=rule.source.citation,
                  source_url=rule.source.url, verification=rule.source.verification, calendar=rule.calendar)
    if len(_RULE_FIELDS) > 4096:
        _RULE_FIELDS.clear()
    _RULE_FIELDS[id(rule)] = (rule, fields)
    return fields


def _happened(record: Record, event: str, as_of: date) -> tuple[EventDate, ...]:
    """The event's dates up to the as-of date: later ones have not happened yet as of then (and are flagged)."""
    return tuple(d for d in record.events.get(event, ()) if day_of(d) <= as_of)


def _first(record: Record, event: str, as_of: date) -> EventDate | None:
    """The event's first date, if it happened by the as-of date."""
    found = record.first(event)
    return found if found is not None and day_of(found) <= as_of else None


#: How a date after the day a record is judged on is treated, by the part the event plays in the rule.
_NOT_YET = {"trigger": "the clock is taken as not started", "completion": "it is not counted as done",
            "extension": "it extends nothing", "until": "the duty is not taken as ended",
            "bound": "it is not used to bound the trigger"}


_ROLES: dict[int, tuple[Rule, dict[str, str]]] = {}


def _roles(rule: Rule) -> dict[str, str]:
    """The part each event plays in ``rule``, found once per rule (by identity, as ``_rule_fields``)."""
    known = _ROLES.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    if len(_ROLES) > 4096:
        _ROLES.clear()
    roles = {event: "bound" for event in (*rule.no_earlier_than, *rule.no_later_than)}
    if rule.until:
        roles[rule.until] = "until"
    if rule.extension:
        roles[rule.extension.event] = "extension"
    roles[rule.completion] = "completion"
    roles[rule.trigger] = "trigger"
    _ROLES[id(rule)] = (rule, roles)
    return roles


def _flag_later_dates(ctx: _Context) -> None:
    """Every date of an event the rule reads that is after the day the record is judged on: a data-quality
    warning saying what was recorded and how it is treated (not happened as of then)."""
    record = ctx.record
    if record.last_day is None or record.last_day <= ctx.as_of:
        return
    why = (" (this extract cannot hold a later date)" if ctx.asked is not None
           else " (a mistyped year, or a date entered ahead?)")
    for event, role in _roles(ctx.rule).items():
        later = [d for d in record.events.get(event, ()) if day_of(d) > ctx.as_of]
        if not later or (role == "until" and _done_once(ctx)):
            continue
        ctx.warn(f"{event} is recorded on {_listed(later)}, after {ctx.day_name}, so as of then it has not happened: "
                 f"{_NOT_YET[role]}; check the record{why}.")
    if record.implied:
        # What only later dates imply is taken all the same (a review conference dated ahead, mistyped or
        # scheduled, still shows a conference held: never overdue on that word), but said.
        by_then = record.as_judged(ctx.as_of).implied
        for name in sorted(_reads(ctx.rule) & record.implied.keys() - by_then.keys()):
            ctx.warn(f"{record.implied[name]}, dated only after {ctx.day_name}; check the record{why}.")


def _done_once(ctx: _Context) -> bool:
    """Whether a duty done once was done, after its trigger, by the day the record is judged on: then when its end
    event came (stage 2 after a stage 1 response) cannot change its finding, so a date of it is not flagged here."""
    rule = ctx.rule
    trigger = ctx.record.first(rule.trigger)
    if rule.recurrence or trigger is None:
        return False
    return any(not _before(d, trigger) for d in _happened(ctx.record, rule.completion, ctx.as_of))


#: Each calendar's first day, by name: asked of every duty of every record, so kept at hand.
_FIRST_DAYS: dict[str, date] = {}


def _flag_early_dates(ctx: _Context) -> None:
    """Every date of an event the rule reads before the first day of its calendar (1971): no duty here is that old,
    so it is a slip (Excel's day 0, 1900; 1024 for 2024), which left unsaid made the duty not applicable."""
    record = ctx.record
    earliest = record.first_day
    if earliest is None:
        return
    first = _FIRST_DAYS.get(ctx.rule.calendar)
    if first is None:
        first = _FIRST_DAYS.setdefault(ctx.rule.calendar, get_calendar(ctx.rule.calendar).first_day)
    if earliest >= first or ctx.rule.condition_state(record.attributes) == "fail":
        return  # said once for each duty the record can have, not for every duty of its kind
    for event in _roles(ctx.rule):
        early = [d for d in record.events.get(event, ()) if day_of(d) < first]
        if early:
            ctx.warn(f"{event} is recorded on {_listed(early)}, before {first.year}, which no "
                     "duty here reaches back to; check the record (a mistyped year, or Excel's day 0 of 1900?).")


def _later_steps(ctx: _Context, event: str) -> list[str]:
    """The working's account of an event recorded only after the day the record is judged on."""
    if ctx.record.last_day is None or ctx.record.last_day <= ctx.as_of:
        return []
    later = [d for d in ctx.record.events.get(event, ()) if day_of(d) > ctx.as_of]
    if not later:
        return []
    return [f"{event} is recorded on {_listed(later, _fmt)}, after {ctx.day_name}: not counted as "
            "done as of then (see the data-quality warning)."]


def _before(a: EventDate, b: EventDate) -> bool:
    """Whether ``a`` happened before ``b``: by the instant when both have times, by the day otherwise."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return instant(a) < instant(b)
    return day_of(a) < day_of(b)


def _caveats(ctx: _Context, start: EventDate | None, end: EventDate | None) -> list[str]:
    """Notes of temporary modifications of the law that the period from ``start`` to ``end`` ran through, and of
    points of law arguable for records like this one (a caveat's ``when``)."""
    caveats = ctx.rule.caveats
    if start is None or not caveats:
        return []
    first, last = day_of(start), day_of(end) if end is not None else None
    return [c.note for c in caveats if (not c.when or c.applies(ctx.record.attributes)) and c.touches(first, last)]


def _in_time(completed: EventDate, due: EventDate) -> tuple[bool, bool]:
    """(done by the deadline, approximate): instants when both have times, days otherwise."""
    if isinstance(due, datetime) and isinstance(completed, datetime):
        return instant(completed) <= instant(due), False
    return day_of(completed) <= day_of(due), isinstance(due, datetime)


def _status(ctx: _Context, deadline: Deadline, trigger: EventDate | None, completed: EventDate | None,
            occurrence: int, extra_steps: Sequence[str] = (), ended: EventDate | None = None,
            on_bound: str | None = None, assumptions: Sequence[str] = (),
            span_start: EventDate | None = None) -> Finding:
    rule, as_of = ctx.rule, ctx.as_of
    cal = get_calendar(rule.calendar)
    due = deadline.end
    due_day = day_of(due)
    holder = rule.holder_ended
    after_holder = ""
    if completed is not None and holder is not None and day_of(completed) > holder.on:
        # Done after the body that owed the duty was gone: not its doing, so the duty stands as it did then.
        after_holder = (f"; {rule.completion} on {_fmt(completed)} came after it, so it is not counted as done by "
                        f"the {rule.duty_holder}")
        extra_steps = [*extra_steps, f"{rule.completion} on {_fmt(completed)} is after the {rule.duty_holder} "
                                     f"ended by {_fmt(holder.on)}: it is not counted as done by it."]
        completed = None
    if completed is None and ended is None and holder is not None and as_of > holder.on:
        # The body that owed the duty was abolished: open when it went, the duty was missed then, not since.
        if due_day >= holder.on and on_bound == "latest":
            # Only the latest possible deadline is known to be after the end: an earlier one may have come before.
            return _unknown(ctx, f"the {rule.duty_holder} ended by {_fmt(holder.on)}: whether this duty fell due "
                                 f"before then depends on {rule.trigger}; record {rule.trigger}", deadline, trigger,
                            occurrence, unrecorded=(), assumptions=assumptions, steps=extra_steps,
                            span_start=span_start, needs=(rule.trigger,), on_bound=on_bound)
        if due_day >= holder.on:
            return _not_applicable(ctx, f"the {rule.duty_holder} ended by {_fmt(holder.on)}, on or before this "
                                        f"duty's deadline {_fmt(due)} ({holder.note}): none was owed{after_holder}",
                                   trigger)
        ended = holder.on
    if completed is None and ended is None and as_of <= due_day and ctx.asked is not None:
        # Open at the extract's date with its deadline on or after it: what happened next is not in the extract.
        when = "on the day of the deadline" if as_of == due_day else "before the deadline"
        return _unknown(ctx, f"not in this extract: it was drawn on {as_of.isoformat()}, {when} "
                             f"{iso(due)}, so whether {rule.completion} was done in time is not in it; record "
                             f"{rule.completion} (or check a later extract)", deadline, trigger, occurrence,
                        unrecorded=(rule.completion,), assumptions=assumptions, steps=extra_steps,
                        span_start=span_start, on_bound=on_bound)
    steps = list(deadline.steps) + list(extra_steps) if ctx.explain else []
    least = "at least " if on_bound else ""
    fields: dict[str, Any] = {}
    approximate = deadline.approximate
    if completed is not None:
        in_time, rough = _in_time(completed, due)
        approximate = approximate or rough
        if in_time and rough and day_of(completed) == due_day:
            status = "met"
            steps.append(f"{rule.completion} on {_fmt(completed)} gives no time, and the deadline is "
                         f"{due.strftime('%H:%M')} that day: met to the day, approximate (in time only if done by "
                         f"{due.strftime('%H:%M')}; record the time of {rule.completion} to settle it).")
        elif in_time:
            status = "met"
            steps.append(f"{rule.completion} on {_fmt(completed)} is on or before the deadline {_fmt(due)}: met.")
        else:
            status = "late"
            fields["days_late"] = (day_of(completed) - due_day).days
            fields["working_days_late"] = cal.working_days_between(due_day, day_of(completed))
            late_by = amount_text(fields["working_days_late"], fields["days_late"], True)
            if isinstance(due, datetime) and isinstance(completed, datetime):
                fields["hours_late"] = round(hours_between(due, completed), 2)
                late_by = f"{fields['hours_late']:g} hours"
            steps.append(f"{rule.completion} on {_fmt(completed)} is after the deadline {_fmt(due)}: "
                         f"late by {least}{late_by}.")
    elif ended is not None:
        status = "overdue"
        fields["ended_on"] = ended
        fields["days_late"] = (day_of(ended) - due_day).days
        fields["working_days_late"] = cal.working_days_between(due_day, day_of(ended))
        how = (f"the {rule.duty_holder} ended by {_fmt(ended)} ({holder.note})"
               if holder is not None and ended == holder.on and not rule.until
               else f"the duty ended with {rule.until or 'its end event'} on {_fmt(ended)}")
        steps.append(f"No {rule.completion} was recorded by {_fmt(due)}, and {how}: "
                     f"missed, {fields['days_late']} days overdue when it ended.")
    elif as_of <= due_day:
        status = "due"
        fields["days_left"] = (due_day - as_of).days
        fields["working_days_left"] = cal.working_days_between(as_of, due_day)
        steps.append(f"{_none_recorded(ctx, occurrence, trigger)}; "
                     f"{least}{amount_text(fields['working_days_left'], fields['days_left'], True)} left: due.")
    else:
        status = "overdue"
        fields["days_late"] = (as_of - due_day).days
        fields["working_days_late"] = cal.working_days_between(due_day, as_of)
        steps.append(f"{_none_recorded(ctx, occurrence, trigger)}, {least}"
                     f"{amount_text(fields['working_days_late'], fields['days_late'], True)} after the deadline: "
                     "overdue.")
    target = ctx.record.target(rule.id, rule.duty, occurrence) if ctx.record.targets and not on_bound else None
    if target is not None:
        checked = check_target(day_of(deadline.start), deadline.period, due_day, day_of(target), rule.calendar)
        fields.update(recorded_deadline=target, recorded_deadline_working_days=checked.working_days,
                      recorded_deadline_reason=checked.reason, recorded_deadline_note=checked.note)
        if ctx.explain:
            steps.append(checked.note)
    return Finding(**ctx.base(
        status=status, occurrence=occurrence, trigger_date=trigger, period=str(deadline.period),
        deadline=due, completed_date=completed, explanation=tuple(steps),
        skipped=_skipped(ctx, deadline),
        assumptions=tuple(assumptions), warnings=tuple(_caveats(ctx, span_start or trigger, due)),
        provisional=deadline.provisional, approximate=approximate, calendar_data=deadline.provenance,
        on_bound=on_bound, **fields,
    ))


def _none_recorded(ctx: _Context, occurrence: int, anchor: EventDate | None) -> str:
    """The working's words for a completion not recorded by the day the record is judged on: never "no X is
    recorded" when one is, dated later or (a recurring duty's earlier occurrence) before this one's start."""
    completion, as_of, last = ctx.rule.completion, ctx.as_of, ctx.record.last_day
    after = f" after {_fmt(anchor)}" if occurrence > 1 and anchor is not None else ""
    if last is not None and last > as_of and any(day_of(d) > as_of for d in ctx.record.events.get(completion, ())):
        return f"No {completion}{after}{' and' if after else ''} dated on or before {_fmt(as_of)} is recorded"
    if ctx.asked is not None:
        return f"No {completion}{after} is recorded in this extract (drawn on {_fmt(as_of)})"
    return f"No {completion}{after} is recorded as of {_fmt(as_of)}"


def _unknown(ctx: _Context, reason: str, deadline: Deadline | None = None, trigger: EventDate | None = None,
             occurrence: int = 1, unrecorded: Sequence[str] = (), assumptions: Sequence[str] = (),
             steps: Sequence[str] = (), completed: EventDate | None = None,
             span_start: EventDate | None = None, needs: Sequence[str] | None = None,
             on_bound: str | None = None) -> Finding:
    """A missing-data finding: what is not known and what to record, with any deadline that can be shown
    (``on_bound`` when that deadline is the latest or earliest one possible, the trigger not being known)."""
    extra: dict[str, Any] = {}
    if deadline is not None:
        extra = dict(deadline=deadline.end, period=str(deadline.period), provisional=deadline.provisional,
                     approximate=deadline.approximate, calendar_data=deadline.provenance,
                     skipped=_skipped(ctx, deadline))
    explanation = (list(deadline.steps) if deadline is not None else []) + list(steps) if ctx.explain else []
    return Finding(**ctx.base(
        status="missing_data", reason=reason, occurrence=occurrence, trigger_date=trigger, completed_date=completed,
        unrecorded=tuple(unrecorded), needs=tuple(unrecorded if needs is None else needs), on_bound=on_bound,
        assumptions=tuple(assumptions), explanation=tuple(explanation),
        warnings=tuple(_caveats(ctx, span_start or trigger, deadline.end if deadline else None)), **extra))


def _computed(start: EventDate, period: Period, calendar: str, explain: bool) -> Deadline:
    # The fold is part of the key: datetimes that differ only in it are equal, yet in the hour the clocks go back
    # the first 01:00 and the second are an hour apart, and so are their deadlines (the first row read set both).
    return _computed_once(start, getattr(start, "fold", 0), period, calendar, explain)


@lru_cache(maxsize=1 << 16)
def _computed_once(start: EventDate, fold: int, period: Period, calendar: str, explain: bool) -> Deadline:
    # Many records share a trigger date and a period; their deadlines and explanations are computed once.
    return compute_deadline(start, period, calendar, explain=explain)


def _deadline(ctx: _Context, start: EventDate, period: Period) -> Deadline:
    """The deadline, a copy of the one cached: an extension may change its end."""
    return replace(_computed(start, period, ctx.rule.calendar, ctx.explain))


def _skipped_pairs(start: EventDate, period: Period, calendar: str) -> tuple[tuple[str, str], ...]:
    return _skipped_pairs_once(start, getattr(start, "fold", 0), period, calendar)


@lru_cache(maxsize=1 << 16)
def _skipped_pairs_once(start: EventDate, fold: int, period: Period, calendar: str) -> tuple[tuple[str, str], ...]:
    skipped = _computed(start, period, calendar, True).skipped
    if not skipped:
        return ()
    # The days skipped are every non-working day from the first to the last: a slice of the calendar's.
    pairs, index = _calendar_pairs(calendar)
    return pairs[index[skipped[0].date]:index[skipped[-1].date] + 1]


@lru_cache(maxsize=16)
def _calendar_pairs(calendar: str) -> tuple[tuple[tuple[str, str], ...], dict[date, int]]:
    """Every non-working day of a calendar as a (date, reason) pair, and each one's place among them."""
    cal = get_calendar(calendar)
    days = cal.non_working_days(cal.first_day, cal.last_day)
    return tuple((s.date.isoformat(), s.reason) for s in days), {s.date: i for i, s in enumerate(days)}


def _skipped(ctx: _Context, deadline: Deadline) -> tuple[tuple[str, str], ...] | None:
    """The days the period skipped, as (date, reason) pairs; only when explaining (None, not known, otherwise)."""
    if not ctx.explain:
        return None
    if not deadline.skipped:
        return ()
    return _skipped_pairs(deadline.start, deadline.period, ctx.rule.calendar)


def _extensions(ctx: _Context, trigger: EventDate) -> list[EventDate]:
    """The extension events recorded by the as-of date that can count: none before the trigger, and none after
    the duty was done (nothing is left to extend then)."""
    rule = ctx.rule
    ext = rule.extension
    if ext is None:
        return []
    done = next((w for w in _happened(ctx.record, rule.completion, ctx.as_of) if not _before(w, trigger)), None)
    candidates, early, after = [], [], []
    for when in _happened(ctx.record, ext.event, ctx.as_of):
        if _before(when, trigger):
            early.append(when)
        elif done is not None and _before(done, when):
            after.append(when)
        else:
            candidates.append(when)
    valid, twice, bare = _once_each(candidates)
    if early:
        ctx.warn(f"{ext.event} on {_listed(early)} {_are(early)} before {rule.trigger} on {iso(trigger)}, so "
                 f"{_it(early)} not extend anything: check the record.")
    if after:
        ctx.warn(f"{ext.event} on {_listed(after)} {_are(after)} after {rule.completion} on {iso(done)}, so "
                 f"{_it(after)} not extend anything: check the record.")
    _given_again(ctx, ext.event, twice, bare)
    return valid


def _given_again(ctx: _Context, event: str, twice: Sequence[EventDate], bare: Sequence[EventDate]) -> None:
    """Warn of the dates an event is recorded more than once on, and of the days given bare beside a time of them
    (``_once_each``)."""
    days = list(dict.fromkeys(twice))
    if len(days) == 1:
        ctx.warn(f"{event} is recorded more than once on {iso(days[0])}: counted once; check the record.")
    elif days:
        ctx.warn(f"{event} is recorded more than once on each of {_listed(days)}: each counted once; check the "
                 "record.")
    if bare:
        ctx.warn(f"{event} is given on {_listed(bare)} both with a time and without: the day alone is not counted "
                 "again; check the record.")


def _extended(ctx: _Context, trigger: EventDate) -> tuple[Deadline, list[str]]:
    """The deadline for a single duty, lengthened by each extension: one recorded after the deadline it would
    extend extends nothing (``after_deadline: ignored``), or runs from the day it was granted (``from_grant``)."""
    rule = ctx.rule
    ext = rule.extension
    deadline = _deadline(ctx, trigger, rule.period)
    notes: list[str] = []
    if ext is None:
        return deadline, notes
    extended: list[Extended] = []
    for when in _extensions(ctx, trigger):
        late = day_of(when) > day_of(deadline.end)
        if late and ext.after_deadline == "from_grant":
            assert ext.adds is not None
            end = add_period(day_of(when), ext.adds.amount, ext.adds.unit, rule.calendar)
            notes.append(f"{ext.event} granted on {_fmt(when)}, after the deadline {_fmt(deadline.end)} had passed, "
                         f"still extends it: the extension runs {ext.adds} from the later of the deadline and the "
                         f"day it was granted, so the deadline becomes {_fmt(end)}.")
            extended.append(Extended(ext.event, iso(when), str(ext.adds), None, iso(day_of(when)), iso(end)))
            deadline.end = end
            deadline.provisional = get_calendar(rule.calendar).is_provisional(end)
            continue
        if late:
            ctx.warn(f"{ext.event} on {iso(when)} is after the deadline it would extend ({iso(deadline.end)}) had "
                     "passed, so it does not extend it: check the record.")
            continue
        if ext.period:
            if deadline.period == ext.period:
                continue  # already extended to the new total
            deadline = _deadline(ctx, trigger, ext.period)
            notes.append(f"{ext.event} recorded on {_fmt(when)}, on or before the deadline, so the extended period of "
                         f"{ext.period} applies instead of {rule.period}.")
            extended.append(Extended(ext.event, iso(when), None, str(ext.period), None, iso(deadline.end)))
        else:
            assert ext.adds is not None
            end = add_period(day_of(deadline.end), ext.adds.amount, ext.adds.unit, rule.calendar)
            notes.append(f"{ext.event} recorded on {_fmt(when)}, on or before the deadline, extends it by {ext.adds}: "
                         f"{_fmt(deadline.end)} becomes {_fmt(end)}.")
            extended.append(Extended(ext.event, iso(when), str(ext.adds), None, iso(day_of(deadline.end)), iso(end)))
            deadline.end = end
            deadline.provisional = get_calendar(rule.calendar).is_provisional(end)
    ctx.extended = tuple(extended)
    return deadline, notes


def _once_each(dates: Sequence[EventDate]) -> tuple[list[EventDate], list[EventDate], list[EventDate]]:
    """Dates of a repeating event (in order) each counted once: (those counted, those given twice, the days given bare
    where a time of the day is given too: which of its visits the bare date is cannot be told, so it is none more).
    Two times of one day are two."""
    timed = {day_of(d) for d in dates if isinstance(d, datetime)}
    kept: dict[EventDate, None] = {}
    twice: list[EventDate] = []
    bare: list[EventDate] = []
    for d in dates:
        if d in kept:
            twice.append(d)
        elif not isinstance(d, datetime) and d in timed:
            bare.append(d)
        else:
            kept[d] = None
    return list(kept), twice, bare


def _completions(ctx: _Context, trigger: EventDate) -> list[EventDate]:
    """The completions recorded by the as-of date that can count: none before the trigger, each date once."""
    rule = ctx.rule
    happened = _happened(ctx.record, rule.completion, ctx.as_of)
    early = [when for when in happened if _before(when, trigger)]
    out, twice, bare = _once_each([when for when in happened if not _before(when, trigger)])
    if early:
        ctx.warn(f"{rule.completion} on {_listed(early)} {_are(early)} before {rule.trigger} on {iso(trigger)}, so "
                 f"{_it(early, 'cannot')} count: check the record.")
    _given_again(ctx, rule.completion, twice, bare)
    return out


def _check_bounds(ctx: _Context, trigger: EventDate) -> None:
    """A recorded trigger that its bounds say is impossible is a data-quality warning."""
    rule, record = ctx.rule, ctx.record
    for event in rule.no_later_than:
        bound = _first(record, event, ctx.as_of)
        if bound is not None and _before(bound, trigger):
            ctx.warn(f"{rule.trigger} on {iso(trigger)} is after {event} on {iso(bound)}, which it cannot be: "
                     "check the record.")
    for event in rule.no_earlier_than:
        bound = _first(record, event, ctx.as_of)
        if bound is not None and _before(trigger, bound):
            ctx.warn(f"{rule.trigger} on {iso(trigger)} is before {event} on {iso(bound)}, which it cannot be: "
                     "check the record.")


def _single(ctx: _Context, trigger: EventDate) -> list[Finding]:
    rule = ctx.rule
    deadline, notes = _extended(ctx, trigger)
    # A source with no column for the completion cannot say when it was done; but where the record shows it done
    # (a plan, made only at a conference), it is judged as any record that shows so: met if by a day not after the
    # deadline, as a source with the column and the cell blank is.
    if not ctx.record.records(rule.completion) and rule.completion not in ctx.record.implied:
        return [_unknown(ctx, f"{_unrecorded_text(rule.completion)}, so whether the duty was done in time cannot "
                              f"be told; record {rule.completion}", deadline, trigger,
                         unrecorded=(rule.completion,), steps=notes)]
    # Done, by the record, only on dates before the trigger, which cannot be right: never "no icpc is recorded",
    # nor overdue on such a date. Met or not as if undated where the record's other events show it done.
    happened = _happened(ctx.record, rule.completion, ctx.as_of)
    early = list(happened) if happened and all(_before(w, trigger) for w in happened) else []
    undated = _as_if_undated(ctx, early, f"{rule.trigger} on {_fmt(trigger)}") if early else None
    if undated is not None:
        return [_done_undated(undated, deadline, trigger, [*notes, next(reversed(undated.quality))])]
    done = _completions(ctx, trigger)
    if not done and rule.completion in ctx.record.implied:
        return [_done_undated(ctx, deadline, trigger, notes)]
    if early:
        why = _impossible(ctx, early, f"{rule.trigger} on {iso(trigger)}",
                          f"correct {rule.trigger} or {rule.completion}")
        return [_unknown(ctx, why, deadline, trigger, steps=[*notes, f"{why}: missing data."],
                         needs=(rule.trigger, rule.completion))]
    ended = _ended(ctx, trigger)
    if ended is not None and done and not _before(ended, done[0]):
        ended = None  # done before the duty ended: judged on the completion
    until = rule.until
    if not done and ended is None and until and until in ctx.record.implied:
        ended_undated = _ended_undated(ctx, deadline, trigger, notes)
        if ended_undated is not None:
            return [ended_undated]
    if not done:
        notes += _later_steps(ctx, rule.completion)
    finding = _ended_or_status(ctx, deadline, trigger, done, ended, notes)
    if not done and until and not ctx.record.records(until) and finding.status in ("due", "overdue"):
        return [_unknown(ctx, _not_known_ended(finding.status, until), deadline, trigger, unrecorded=(until,),
                         steps=notes)]
    ext = rule.extension
    if ext is None or ctx.record.records(ext.event) or finding.status not in ("late", "overdue"):
        return [finding]
    # The source cannot say whether the period was extended: a late outcome stands only if it would be
    # late even after the longest extension the law allows.
    if ext.period:
        longest = _deadline(ctx, trigger, ext.period)
        outer = _ended_or_status(ctx, longest, trigger, done, ended, notes, on_bound="latest",
                                 assumptions=[f"This record's source does not record {ext.event}: even with the "
                                              f"extended period of {ext.period} (deadline {iso(longest.end)}) the "
                                              f"duty is {finding.status}."])
        if outer.status in ("late", "overdue"):
            return [outer]
    return [_unknown(ctx, f"{finding.status} by the {rule.period} unless the period was extended, and "
                          f"{_unrecorded_text(ext.event)}; record {ext.event}", deadline, trigger,
                     unrecorded=(ext.event,), steps=notes, completed=done[0] if done else None)]


def _ended_or_status(ctx: _Context, deadline: Deadline, trigger: EventDate, done: Sequence[EventDate],
                     ended: EventDate | None, notes: Sequence[str], on_bound: str | None = None,
                     assumptions: Sequence[str] = ()) -> Finding:
    """A duty done once, judged as ``_status`` does, unless its ``until`` event ended it before it was done (a
    complaint moved to stage 2 before a stage 1 response): on or before the deadline, none was owed; after it, the
    duty was missed, counted to the day it ended, not growing for ever after."""
    if ended is None:
        return _status(ctx, deadline, trigger, done[0] if done else None, 1, notes, on_bound=on_bound,
                       assumptions=assumptions)
    if day_of(ended) <= day_of(deadline.end):
        return _not_applicable(ctx, f"{ctx.rule.until} on {_fmt(ended)}, on or before the deadline "
                                    f"{_fmt(deadline.end)}, ended this duty before it fell due, with no "
                                    f"{ctx.rule.completion} recorded before it: none was owed.", trigger)
    return _status(ctx, deadline, trigger, None, 1, notes, ended=ended, on_bound=on_bound, assumptions=assumptions)


def _ended_undated(ctx: _Context, deadline: Deadline, trigger: EventDate, notes: Sequence[str]) -> Finding | None:
    """A duty done once, not done, whose ``until`` event the record shows happened on a date it does not give (a
    stage 2 response shows stage 2 began, by the day of that response): none was owed if it is shown by the
    deadline; otherwise whether it ended the duty before the deadline is not known, so missing data naming it.
    None where nothing dated by the day judged shows when."""
    until = ctx.rule.until
    assert until is not None
    shown = ctx.record.shown_by(until, ctx.as_of)
    if shown is None or shown[0] < day_of(trigger):  # dated before the trigger, it shows nothing of when
        return None
    by = f"no later than {_fmt(shown[0])}, when the record has {shown[1]}"
    if shown[0] <= day_of(deadline.end):
        return _not_applicable(ctx, f"{until} happened, on a date the record does not give, {by}: on or before the "
                                    f"deadline {_fmt(deadline.end)}, so it ended this duty before it fell due, with "
                                    f"no {ctx.rule.completion} recorded: none was owed.", trigger)
    return _unknown(ctx, f"{until} happened, on a date the record does not give, {by}: whether it ended this duty "
                         f"before the deadline {iso(deadline.end)} depends on that date; record {until}", deadline,
                    trigger, steps=notes, needs=(until,))


def _as_if_undated(ctx: _Context, early: Sequence[EventDate], anchor: str) -> _Context | None:
    """For a once-only duty whose only completions are dated before ``anchor`` (its trigger, or the earliest the
    trigger can be: an event and its day, in words), which cannot be: the context to judge it in as if their date
    were not given, when the record's other events show it happened all the same (a review conference on 25 Jan
    shows the initial conference held by then, whatever its mistyped date says), its last warning saying so; None
    when they do not."""
    rule = ctx.rule
    if rule.recurrence is not None:
        return None
    undated = ctx.record.without(rule.completion)
    if rule.completion not in undated.implied:
        return None
    judged = _context(undated, rule, ctx.asked or ctx.as_of, ctx.explain)
    for text in ctx.quality:
        judged.warn(text)
    shown = undated.implied[rule.completion].partition(": ")[2]
    judged.warn(f"{rule.completion} is recorded on {', '.join(_fmt(d) for d in early)}, before {anchor}, so one of "
                f"those dates is wrong; the record shows {rule.completion} happened all the same ({shown}), so it is "
                "judged as if its date were not given: check the record.")
    return judged


def _impossible(ctx: _Context, early: Sequence[EventDate], anchor: str, fix: str) -> str:
    """Why a once-only duty whose only completions are dated before ``anchor`` cannot be judged (missing data)."""
    return (f"{ctx.rule.completion} is recorded on {', '.join(iso(d) or '' for d in early)}, before {anchor}, so it "
            f"cannot count and one of those dates is wrong; {fix}")


def _done_undated(ctx: _Context, deadline: Deadline, trigger: EventDate | None, notes: Sequence[str],
                  on_bound: str | None = None, assumptions: Sequence[str] = (),
                  span_start: EventDate | None = None) -> Finding:
    """A completion the record implies happened, on a date it does not give: no later than the day the record is
    judged on when what implies it is dated by then (or than an earlier event's day, where that event shows it done
    by then: ``_known_by``), so met when that day is on or before the deadline (resting on it); missing data
    otherwise (implied only by a later date, a review conference typed 2042, it may yet come)."""
    rule = ctx.rule
    by, shown = _known_by(ctx, trigger if trigger is not None else span_start)
    if by <= day_of(deadline.end) and rule.completion in ctx.record.as_judged(ctx.as_of).implied:
        finding = _status(ctx, deadline, trigger, None, 1, notes, on_bound=on_bound, assumptions=assumptions,
                          span_start=span_start)
        if finding.status == "not_applicable":  # owed by no one by then
            return finding
        steps = list(deadline.steps) + list(notes) if ctx.explain else []
        steps += [f"{rule.completion} happened, on a date the record does not give, so no later than {shown}, "
                  f"which is on or before the deadline {_fmt(deadline.end)}: met."]
        # Met: nothing of the overdue or missing finding it was worked out as (days late, what to record) stays.
        return replace(finding, status="met", days_left=None, working_days_left=None, days_late=None,
                       working_days_late=None, hours_late=None, ended_on=None, reason=None, needs=(), unrecorded=(),
                       explanation=tuple(steps))
    return _unknown(ctx, f"{rule.completion} happened, on a date the record does not give, so whether it was by "
                         f"the deadline {iso(deadline.end)} cannot be told; record {rule.completion}", deadline,
                    trigger, steps=notes, needs=(rule.completion,), on_bound=on_bound, assumptions=assumptions,
                    span_start=span_start)


def _known_by(ctx: _Context, start: EventDate | None) -> tuple[date, str]:
    """The day by which an implied completion is known to have happened, and how it is said: the day the record is
    judged on, or the day of an event dated by then that shows it done by then (the council's response after the
    panel's recommendations were received shows them received that day at the latest). An event dated before
    ``start`` (the trigger, or the earliest it can be) shows nothing of when: the record is flagged to check."""
    rule = ctx.rule
    shown = ctx.record.shown_by(rule.completion, ctx.as_of)
    if shown is not None and start is not None and shown[0] < day_of(start):
        ctx.warn(f"{shown[1]} on {_fmt(shown[0])} is before {rule.trigger} ({_fmt(start)}), which {rule.completion} "
                 f"cannot precede, so it does not show when {rule.completion} happened: check the record.")
        shown = None
    if shown is not None and shown[0] < ctx.as_of:
        return shown[0], f"{_fmt(shown[0])}, when the record has {shown[1]}"
    return ctx.as_of, ctx.day_name


def next_periods(rule: Rule, attributes: Any, occurrence: int, anchor: EventDate,
                 trigger: EventDate) -> tuple[tuple[Period, ...], tuple[str, ...]]:
    """The periods that may come before occurrence number ``occurrence`` (2 or more) of a recurring duty, and
    the attributes the record does not give that decide among them (none when one period is certain).

    Steps are tried in order: one whose ``times`` are used up, or whose ``while_within`` window has passed,
    or whose ``when`` the record fails, is passed over; the first left applies, and the last step repeats.
    """
    assert rule.recurrence is not None
    n = occurrence - 1
    possible: list[Period] = []
    unknown: list[str] = []
    for step in rule.recurrence.steps:
        if step.times is not None:
            if n > step.times:
                n -= step.times
                continue
        elif step.while_within is not None:
            limit = add_period(day_of(trigger), step.while_within.amount, step.while_within.unit, rule.calendar)
            if day_of(anchor) > limit:
                continue
        state = condition_state(step.when, attributes)
        if state == "fail":
            continue
        if step.period not in possible:
            possible.append(step.period)
        if state == "pass":
            break
        unknown += [name for name, _ in step.when if attributes.get(name) is None and name not in unknown]
    if not possible:
        possible.append(rule.recurrence.steps[-1].period)
    return tuple(possible), tuple(unknown) if len(possible) > 1 else ()


def _recurring(ctx: _Context, trigger: EventDate) -> list[Finding]:
    rule, record = ctx.rule, ctx.record
    assert rule.recurrence is not None
    if not record.records(rule.completion):
        return [_unknown(ctx, f"{_unrecorded_text(rule.completion)}, so whether the duty was done in time cannot "
                              f"be told; record {rule.completion}", _deadline(ctx, trigger, rule.period), trigger,
                         unrecorded=(rule.completion,))]
    done = _completions(ctx, trigger)
    ended = _ended(ctx, trigger)
    if ended is not None:
        _flag_after_end(ctx, done, ended)
    return _occurrences(ctx, done, ended, 1, trigger, ((rule.period,), ()), trigger)


def _flag_after_end(ctx: _Context, done: Sequence[EventDate], ended: EventDate) -> None:
    """A review held after the child left care cannot be: one of the two dates is wrong, and a mistyped end would
    make the occurrences after it fall away unseen."""
    after = [w for w in done if _before(ended, w)]
    if after:
        ctx.warn(f"{ctx.rule.completion} on {_listed(after)} {_are(after)} after {ctx.rule.until} on {iso(ended)}, "
                 f"when the duty had ended, so {_it(after, 'is')} not counted: check the record.")


def _ended(ctx: _Context, start: EventDate, warn: bool = True) -> EventDate | None:
    """The first date of the rule's ``until`` event not before ``start`` (the trigger: earlier ones are flagged),
    or None."""
    rule = ctx.rule
    until = rule.until
    early = []
    found = None
    for when in _happened(ctx.record, until, ctx.as_of) if until else ():
        if not _before(when, start):
            found = when
            break
        early.append(when)
    if early and warn:
        ctx.warn(f"{until} on {_listed(early)} {_are(early)} before {rule.trigger} on {iso(start)}: not counted; "
                 "check the record.")
    return found


def _occurrences(ctx: _Context, done: Sequence[EventDate], ended: EventDate | None, first: int, anchor: EventDate,
                 periods: tuple[tuple[Period, ...], tuple[str, ...]] | None, trigger: EventDate,
                 latest_trigger: EventDate | None = None) -> list[Finding]:
    """The findings of a recurring duty from occurrence ``first``, each due within a period of the previous
    completion (``anchor``). ``latest_trigger`` is given when the trigger is not recorded and lies between
    ``trigger`` and it: an occurrence whose period that leaves open is missing data naming the trigger."""
    rule, record = ctx.rule, ctx.record
    until = rule.until
    findings: list[Finding] = []
    for occurrence in range(first, len(done) + 2):
        if periods is None:
            findings.append(_unknown(ctx, f"whether this {rule.completion} fell within the first steps of the duty "
                                          f"depends on {rule.trigger}, which is not recorded; record {rule.trigger}",
                                     trigger=anchor, occurrence=occurrence, needs=(rule.trigger,)))
            break
        completed = done[occurrence - 1] if occurrence <= len(done) else None
        if periods[1]:
            finding = _undecided_occurrence(ctx, anchor, periods[0], periods[1], completed, occurrence, ended)
            if finding is None:
                break
            findings.append(finding)
            if completed is None or (ended is not None and _before(ended, completed)):
                break
            anchor = completed
            periods = _following(ctx, occurrence + 1, anchor, trigger, latest_trigger)
            continue
        period = periods[0][0]
        deadline = _deadline(ctx, anchor, period)
        if ended is not None and (completed is None or _before(ended, completed)):
            if day_of(ended) <= day_of(deadline.end):
                if occurrence == 1:
                    findings.append(_ended_first(ctx, trigger, ended, deadline))
                break
            findings.append(_status(ctx, deadline, anchor, None, occurrence, (), ended=ended))
            break
        steps = [] if occurrence == 1 else [
            f"Occurrence {occurrence}: within {period} of the previous {rule.completion} on {_fmt(anchor)}."]
        if completed is None:
            steps += _later_steps(ctx, rule.completion)
        finding = _status(ctx, deadline, anchor, completed, occurrence, steps)
        if completed is None and until and not record.records(until) and finding.status in ("due", "overdue"):
            finding = _unknown(ctx, _not_known_ended(finding.status, until), deadline, anchor, occurrence,
                               unrecorded=(until,), steps=steps)
        findings.append(finding)
        if completed is None:
            break
        anchor = completed
        periods = _following(ctx, occurrence + 1, anchor, trigger, latest_trigger)
    return findings


def _following(ctx: _Context, occurrence: int, anchor: EventDate, trigger: EventDate,
               latest_trigger: EventDate | None) -> tuple[tuple[Period, ...], tuple[str, ...]] | None:
    """``next_periods`` for the occurrence; None when the trigger, known only to lie between ``trigger`` and
    ``latest_trigger``, could give it different periods (a visit that may or may not be in the first year)."""
    found = next_periods(ctx.rule, ctx.record.attributes, occurrence, anchor, trigger)
    if latest_trigger is not None and next_periods(ctx.rule, ctx.record.attributes, occurrence, anchor,
                                                   latest_trigger) != found:
        return None
    return found


def _after_first(ctx: _Context, first: Finding) -> list[Finding]:
    """The later occurrences of a recurring duty whose trigger is not recorded but whose first occurrence was
    done: each is due within a period of the previous completion, which the record gives."""
    rule, record = ctx.rule, ctx.record
    if rule.recurrence is None or first.completed_date is None:
        return []
    low, _, high, _ = trigger_bounds(record, rule, ctx.as_of)
    latest = high if high is not None else ctx.as_of  # a trigger not recorded is no later than the day judged on
    done = _once_each([w for w in _happened(record, rule.completion, ctx.as_of) if low is None or not _before(w, low)])[0]
    if not done or done[0] != first.completed_date:
        return []
    ended = _ended(ctx, done[0], warn=False)
    if ended is not None:
        _flag_after_end(ctx, done, ended)
    earliest = low if low is not None else latest
    # With no lower bound, a step counted from the trigger (the first year) cannot be placed.
    open_ended = low is None and any(step.while_within for step in rule.recurrence.steps)
    periods = None if open_ended else _following(ctx, 2, done[0], earliest, latest)
    return _occurrences(ctx, done, ended, 2, done[0], periods, earliest, latest)


def _ended_first(ctx: _Context, trigger: EventDate, ended: EventDate, deadline: Deadline) -> Finding:
    """A recurring duty that ended before its first occurrence fell due: none was owed, and the finding says so
    (every record gets a finding for every duty of its kind)."""
    until = ctx.rule.until
    return _not_applicable(ctx, f"{until} on {_fmt(ended)}, on or before the day the first {ctx.rule.completion} "
                                f"was due ({_fmt(deadline.end)}): none was owed.", trigger)


def _not_known_ended(status: str, until: str) -> str:
    """Why an open occurrence is missing data when the source cannot say whether the duty ended before it."""
    return f"{status} unless the duty ended first, and {_unrecorded_text(until)}; record {until}"


def _undecided_occurrence(ctx: _Context, anchor: EventDate, periods: Sequence[Period], unknown: Sequence[str],
                          completed: EventDate | None, occurrence: int, ended: EventDate | None) -> Finding | None:
    """An occurrence whose period depends on attributes the record does not give: decided where every period
    it could have gives the same outcome (on the earliest or latest deadline), missing data naming them
    otherwise; None when the duty ended before even the earliest deadline."""
    rule = ctx.rule
    deadlines = sorted((_deadline(ctx, anchor, p) for p in periods), key=lambda d: sort_key(d.end))
    earliest, latest = deadlines[0], deadlines[-1]
    names = " or ".join(unknown)
    options = " or ".join(str(p) for p in periods)
    assumptions = [f"The period before this {rule.completion} depends on {names}, which the record does not give: "
                   f"{options} after the previous one on {iso(anchor)}, so the deadline is at the earliest "
                   f"{iso(earliest.end)} and at the latest {iso(latest.end)}."]
    steps = [f"Occurrence {occurrence}: within {options} of the previous {rule.completion} on {_fmt(anchor)}, "
             f"depending on {names}."]
    steps_when = tuple(c for s in rule.recurrence.steps for c in s.when) if rule.recurrence else ()
    record_it = "record " + "; ".join(_how_named(steps_when, n) for n in unknown)
    if ended is not None and (completed is None or _before(ended, completed)):
        if day_of(ended) <= day_of(earliest.end):
            return None
        if day_of(ended) > day_of(latest.end):
            return _status(ctx, latest, anchor, None, occurrence, steps, ended=ended, on_bound="latest",
                           assumptions=assumptions)
        return _unknown(ctx, f"whether this {rule.completion} fell due before the duty ended depends on {names}; "
                             f"{record_it}", latest, anchor, occurrence, assumptions=assumptions, steps=steps,
                        needs=tuple(unknown), on_bound="latest")
    if completed is not None:
        if _in_time(completed, earliest.end)[0]:
            return _status(ctx, earliest, anchor, completed, occurrence, steps, on_bound="earliest",
                           assumptions=assumptions)
        if not _in_time(completed, latest.end)[0]:
            return _status(ctx, latest, anchor, completed, occurrence, steps, on_bound="latest",
                           assumptions=assumptions)
        return _unknown(ctx, f"whether {rule.completion} on {iso(completed)} was in time depends on {names}; "
                             f"{record_it}", latest, anchor, occurrence, assumptions=assumptions, steps=steps,
                        completed=completed, needs=tuple(unknown), on_bound="latest")
    steps += _later_steps(ctx, rule.completion)
    until = rule.until
    for passed, bound, name in ((ctx.as_of > day_of(latest.end), latest, "latest"),
                                (ctx.as_of <= day_of(earliest.end), earliest, "earliest")):
        if not passed:
            continue
        finding = _status(ctx, bound, anchor, None, occurrence, steps, on_bound=name, assumptions=assumptions)
        if until and not ctx.record.records(until) and finding.status in ("due", "overdue"):
            return _unknown(ctx, _not_known_ended(finding.status, until), bound, anchor, occurrence,
                            unrecorded=(until,), assumptions=assumptions, steps=steps, on_bound=name)
        return finding
    return _unknown(ctx, f"whether this {rule.completion} is overdue depends on {names}; {record_it}", latest, anchor,
                    occurrence, assumptions=assumptions, steps=steps, needs=tuple(unknown), on_bound="latest")


class _Bounds(NamedTuple):
    """What the record says of a trigger it does not record: no earlier than ``low``, no later than ``high``."""

    low: EventDate | None
    low_event: str | None
    high: EventDate | None
    high_event: str | None


def trigger_bounds(record: Record, rule: Rule, as_of: date) -> _Bounds:
    """The latest of the trigger's lower bounds and the earliest of its upper bounds that the record gives,
    each dated by the as-of date (a later one has not happened as of then)."""
    lows = [(_first(record, e, as_of), e) for e in rule.no_earlier_than if _first(record, e, as_of) is not None]
    highs = [(_first(record, e, as_of), e) for e in rule.no_later_than if _first(record, e, as_of) is not None]
    low = max(lows, key=lambda x: sort_key(x[0])) if lows else (None, None)
    high = min(highs, key=lambda x: sort_key(x[0])) if highs else (None, None)
    return _Bounds(low[0], low[1], high[0], high[1])


def _missing(ctx: _Context) -> Finding:
    """No trigger date: missing data, unless the bounds on the trigger already decide the outcome."""
    rule, record, as_of = ctx.rule, ctx.record, ctx.as_of
    recorded = record.records(rule.trigger)
    what = f"{rule.trigger} is not recorded" if recorded else _unrecorded_text(rule.trigger)
    if rule.trigger in record.implied:
        what = f"{rule.trigger} is not recorded, though the record shows it happened"
    unrecorded = () if recorded else (rule.trigger,)
    low, low_event, high, high_event = trigger_bounds(record, rule, as_of)
    if low is not None and high is not None and _before(high, low):
        _contradicting_bounds(ctx, low, low_event, high, high_event)
        low = low_event = None
    needs: tuple[str, ...] = (rule.trigger,)
    knows_completion = record.records(rule.completion)
    if not knows_completion:
        # Nothing can be decided without the completion, but a bound still shows when the deadline fell.
        what += f", and {_unrecorded_text(rule.completion)}"
        unrecorded += (rule.completion,)
        needs += (rule.completion,)
    record_text = " and ".join(needs)
    if low is None and high is None:
        return _unknown(ctx, f"{what}, so the deadline cannot be computed; record {record_text}", unrecorded=unrecorded,
                        needs=needs)
    earliest = _deadline(ctx, low, rule.period) if low is not None else None
    latest = _latest(ctx, high) if high is not None else None
    assumptions = []
    if low is not None and earliest is not None:
        assumptions.append(f"{rule.trigger} cannot be earlier than {low_event} ({iso(low)}), so the deadline is at "
                           f"the earliest {iso(earliest.end)}.")
    if high is not None:
        assumptions.append(f"{rule.trigger} cannot be later than {high_event} ({iso(high)}), so the deadline is at "
                           "the latest " + (iso(latest.end) if latest is not None else "unknown: the source does not "
                                            "record whether the period was extended") + ".")
    ended = _ended_before_any_deadline(ctx, low, low_event, earliest)
    if ended is not None:
        return ended
    happened = _happened(record, rule.completion, as_of)
    early = list(happened) if low is not None and happened and all(_before(w, low) for w in happened) else []
    undated = (_as_if_undated(ctx, early, f"{low_event} on {_fmt(low)}, which {rule.trigger} cannot precede")
               if early and low is not None else None)
    if undated is not None:
        return _missing(undated)  # as if the completion were not given: the record's other events show it done
    if early and rule.recurrence is None:
        why = _impossible(ctx, early, f"{low_event} on {iso(low)}, which {rule.trigger} cannot precede",
                          f"record {rule.trigger}, and correct {low_event} or {rule.completion}")
        _before_bound(ctx, early, low, low_event)
        return _unknown(ctx, why, latest or earliest, unrecorded=unrecorded, assumptions=assumptions, span_start=low,
                        needs=(rule.trigger, rule.completion), on_bound="latest" if latest is not None else "earliest")
    done = [when for when in happened if low is None or not _before(when, low)]
    if low is not None and len(done) < len(happened):
        _before_bound(ctx, [when for when in happened if _before(when, low)], low, low_event)
    completed = done[0] if done else None
    start = low or high
    if completed is not None:
        if latest is not None and not _in_time(completed, latest.end)[0]:
            return _status(ctx, latest, None, completed, 1, [f"{rule.completion} is after even the latest possible "
                           "deadline: late whatever the trigger date was."], on_bound="latest",
                           assumptions=assumptions, span_start=start)
        if earliest is not None and _in_time(completed, earliest.end)[0]:
            return _status(ctx, earliest, None, completed, 1, [f"{rule.completion} is on or before even the earliest "
                           "possible deadline: met whatever the trigger date was."], on_bound="earliest",
                           assumptions=assumptions, span_start=start)
        return _unknown(ctx, f"{what}: whether {rule.completion} on {iso(completed)} was in time depends on it; "
                             f"record {rule.trigger}", latest or earliest, unrecorded=unrecorded,
                        assumptions=assumptions, completed=completed, span_start=start, needs=(rule.trigger,),
                        on_bound="latest" if latest is not None else "earliest")
    if rule.completion in record.implied:
        # Done on a date not given, so no later than the day judged (or an event dated earlier that shows it): met
        # only if that day is on or before every possible deadline.
        if earliest is not None and _known_by(ctx, start)[0] <= day_of(earliest.end):
            return _done_undated(ctx, earliest, None, [], on_bound="earliest", assumptions=assumptions,
                                 span_start=start)
        return _unknown(ctx, f"{what}, and {rule.completion} happened on a date the record does not give: whether it "
                             f"was in time cannot be told; record {rule.trigger} and {rule.completion}",
                        latest or earliest, unrecorded=unrecorded, assumptions=assumptions, span_start=start,
                        needs=(rule.trigger, rule.completion), on_bound="latest" if latest is not None else
                        "earliest" if earliest is not None else None)
    later = _later_steps(ctx, rule.completion)
    if knows_completion and latest is not None and as_of > day_of(latest.end):
        return _status(ctx, latest, None, None, 1, later + ["The latest possible deadline has passed with nothing "
                       "done: overdue whatever the trigger date was."], on_bound="latest", assumptions=assumptions,
                       span_start=start)
    if knows_completion and earliest is not None and as_of <= day_of(earliest.end):
        # Even the earliest possible deadline is still to come: not overdue, whatever the trigger date is.
        return _status(ctx, earliest, None, None, 1, later + ["Even the earliest possible deadline is still to "
                       "come: due whatever the trigger date is."], on_bound="earliest", assumptions=assumptions,
                       span_start=start)
    depends = "whether the duty is overdue depends on it" if knows_completion else "whether the duty was met is unknown"
    return _unknown(ctx, f"{what}: {depends}; record {record_text}",
                    latest or earliest, unrecorded=unrecorded, assumptions=assumptions, span_start=start,
                    needs=needs, on_bound="latest" if latest is not None else "earliest")


def _ended_before_any_deadline(ctx: _Context, low: EventDate | None, low_event: str | None,
                               earliest: Deadline | None) -> Finding | None:
    """Not applicable when a duty ended, with nothing done, on or before even the earliest day its first
    occurrence could fall due (care ended within days, the trigger not recorded): none was owed, whatever the
    trigger's date. None otherwise."""
    rule, record, as_of = ctx.rule, ctx.record, ctx.as_of
    if not rule.until or earliest is None or low is None:
        return None
    ends = [when for when in _happened(record, rule.until, as_of) if not _before(when, low)]
    if not ends or day_of(ends[0]) > day_of(earliest.end):
        return None
    if any(not _before(ends[0], when) for when in _happened(record, rule.completion, as_of)):
        return None  # something was done before the end: the occurrences are worked out from it
    return _not_applicable(ctx, f"{rule.until} on {_fmt(ends[0])}, on or before even the earliest day the first "
                                f"{rule.completion} could have been due ({_fmt(earliest.end)}: {rule.trigger} is not "
                                f"recorded, and cannot be earlier than {low_event} on {_fmt(low)}): none was owed.")


def _latest(ctx: _Context, high: EventDate) -> Deadline | None:
    """The latest possible deadline for a trigger no later than ``high``, with the longest extension possible;
    None when that has no limit (extensions the source cannot show, each adding time)."""
    rule = ctx.rule
    ext = rule.extension
    if ext is None:
        return _deadline(ctx, high, rule.period)
    recorded = ctx.record.records(ext.event)
    if ext.period:
        extended = bool(_happened(ctx.record, ext.event, ctx.as_of)) or not recorded
        return _deadline(ctx, high, ext.period if extended else rule.period)
    if not recorded:
        return None
    assert ext.adds is not None
    deadline = _deadline(ctx, high, rule.period)
    for when in dict.fromkeys(_happened(ctx.record, ext.event, ctx.as_of)):  # a date entered twice counts once
        base = day_of(deadline.end)
        if ext.after_deadline == "from_grant":
            base = max(base, day_of(when))
        deadline.end = add_period(base, ext.adds.amount, ext.adds.unit, rule.calendar)
    deadline.provisional = get_calendar(rule.calendar).is_provisional(day_of(deadline.end))
    return deadline


def _not_applicable(ctx: _Context, reason: str, trigger: EventDate | None = None) -> Finding:
    return Finding(**ctx.base(status="not_applicable", reason=reason, trigger_date=trigger, period=None))


CASES = ("excluded", "undecided", "in_force", "not_started", "outside", "no_version", "never_started", "missing",
         "straddles")


class Choice(NamedTuple):
    """Which version of a duty governs a record, and in which of the ``CASES``."""

    case: str
    rule: Rule


def choose_version(record: Record, versions: Sequence[Rule], as_of: date) -> Choice:
    """The version in force on the trigger date, or why there is none: the decision every engine makes.

    The durable backend reaches the same choice by pattern matching (engines/_durable.py) and the
    vectorised engine by array operations (engines/batch.py); keep the three in step.
    """
    candidates = [v for v in versions if v.condition_state(record.attributes) != "fail"]
    if not candidates:  # cited from the version in force on its trigger date, as any other finding
        return Choice("excluded", next((v for v in versions[:-1] if _dated_within(record, v)), versions[-1]))
    as_of = clock(record, as_of)
    dated = [(v, record.first(v.trigger)) for v in candidates]
    for rule, trigger in dated:
        if trigger is not None and rule.in_force.contains(day_of(trigger)):
            if rule.condition_state(record.attributes) == "unknown":
                return Choice("undecided", rule)
            return Choice("not_started" if day_of(trigger) > as_of else "in_force", rule)
    triggered = [v for v, t in dated if t is not None]
    if triggered:
        return Choice("outside", triggered[-1])
    chosen, case = _version_for_missing_trigger(record, candidates, as_of)
    if chosen is None:
        return Choice("no_version", candidates[-1])
    if chosen.condition_state(record.attributes) == "unknown":
        return Choice("undecided", chosen)
    if chosen.trigger_optional and record.records(chosen.trigger) and chosen.trigger not in record.implied:
        return Choice("never_started", chosen)
    return Choice(case, chosen)


def _dated_within(record: Record, rule: Rule) -> bool:
    """Whether the record dates ``rule``'s trigger within the days the rule was in force."""
    trigger = record.first(rule.trigger)
    return trigger is not None and rule.in_force.contains(day_of(trigger))


def _version_for_missing_trigger(record: Record, candidates: Sequence[Rule], as_of: date) -> tuple[Rule | None, str]:
    """With no trigger date, the version judged on and the case: "missing" (judged on the version in force on the
    latest day the trigger could have been, its upper bound or else the day judged on), "straddles" (the days it
    could have been cross the dates the versions were in force, so whether the duty applies, and which version,
    depends on it), or None and "no_version" (no version was in force on any of them).

    With a lower bound, the version must hold every possible day. Without one, the trigger is taken to be no
    earlier than the version's start, unless the latest possible day is within one period of it (``early_until``):
    a referral no later than an assessment started 16 Apr 2013 may well be before 15 Apr 2013, when the single
    assessment came in."""
    low, top = possible_days(record, candidates[0], as_of)
    at_top = next((v for v in candidates if v.in_force.contains(top)), None)
    if at_top is not None:
        if low is not None:
            return at_top, "missing" if at_top.in_force.contains(low) else "straddles"
        early = early_until(at_top)
        return at_top, "straddles" if early is not None and top <= early else "missing"
    # No version on the latest possible day: one in force on an earlier possible day leaves it open.
    meeting = [v for v in candidates if v.in_force.overlaps(Window(low, top))]
    return (meeting[-1], "straddles") if meeting else (None, "no_version")


def _before_bound(ctx: _Context, early: Sequence[EventDate], low: EventDate, low_event: str | None) -> None:
    """Warn that completions are dated before an event their trigger cannot precede, so they cannot count."""
    rule = ctx.rule
    ctx.warn(f"{rule.completion} on {_listed(early)} {_are(early)} before {low_event} on {iso(low)}, which "
             f"{rule.trigger} cannot precede, so {_it(early, 'cannot')} count: check the record.")


def _contradicting_bounds(ctx: _Context, low: EventDate, low_event: str | None, high: EventDate,
                          high_event: str | None) -> None:
    """Warn that the trigger's lower bound is after its upper one, so one of them is wrong (the lower is dropped)."""
    ctx.warn(f"{low_event} on {iso(low)} is after {high_event} on {iso(high)}, so {ctx.rule.trigger} could not "
             "fall between them: check the record.")


def possible_days(record: Record, rule: Rule, as_of: date) -> tuple[date | None, date]:
    """The days a trigger not recorded could have been, by its bounds (``trigger_bounds``): from the lower bound (None:
    open below) to the upper bound, else the day the record is judged on. A lower bound after the upper one
    contradicts it and is dropped (``_missing`` and ``_straddles`` warn of it)."""
    low, _, high, _ = trigger_bounds(record, rule, as_of)
    top = day_of(high) if high is not None else as_of
    return (day_of(low) if low is not None and day_of(low) <= top else None), top


def early_until(rule: Rule) -> date | None:
    """The last day of one period of ``rule`` after the day it came into force (a trigger no later than that may
    have been before it, under an earlier version or none), or None when it has always been in force. Engines
    that choose versions without ``choose_version`` compare with this same day."""
    start = rule.in_force.start
    if start is None:
        return None
    try:
        return day_of(_computed(start, rule.period, rule.calendar, False).end)
    except CalendarRangeError:  # a start before the calendar's years: no possible day here is that early
        return None


def duty_findings(record: Record, versions: Sequence[Rule], choice: Choice, as_of: date,
                  explain: bool = True) -> list[Finding]:
    """The findings once the governing version is chosen: the date arithmetic every engine shares.

    A date outside the calendar's years makes this record's finding missing data naming the date;
    every other record and duty is still evaluated.
    """
    return _findings_of(_context(record, choice.rule, as_of, explain), versions, choice)


def _findings_of(ctx: _Context, versions: Sequence[Rule], choice: Choice) -> list[Finding]:
    """``duty_findings`` from the context already made (``listed_duty_findings`` reads its warnings first)."""
    record = ctx.record
    try:
        return _findings(ctx, versions, choice.case)
    except CalendarRangeError as exc:
        ctx.quality.clear()
        trigger = record.first(choice.rule.trigger)
        return [_unknown(ctx, f"the deadline cannot be counted: {exc.problems[0].message}; check the dates", needs=(),
                         trigger=trigger if trigger is not None and day_of(trigger) <= ctx.as_of else None)]


def _context(record: Record, rule: Rule, as_of: date, explain: bool) -> _Context:
    """What evaluating one duty of one record starts from: the day it is judged on, what the record implies
    that the rule reads (assumptions), and the record's own contradictions and impossible dates (warnings)."""
    judged = clock(record, as_of)
    ctx = _Context(record, rule, judged, explain, asked=as_of if judged < as_of else None)
    if record.implied or record.conflicts:
        read = _reads(rule)
        ctx.assumed = tuple(text for name, text in record.implied.items() if name in read)
        for name, text in record.conflicts.items():
            if name in read:
                ctx.warn(text)
    _flag_later_dates(ctx)
    _flag_early_dates(ctx)
    _flag_clock_changes(ctx)
    return ctx


def _flag_clock_changes(ctx: _Context) -> None:
    """A time the rule reads that London clocks showed twice, or never, on the night they changed: a data-quality
    warning saying how it was read (the status rests on that reading)."""
    if not ctx.record.small_hours:
        return
    for event in _roles(ctx.rule):
        for when in ctx.record.events.get(event, ()):
            change = clock_change(when) if isinstance(when, datetime) and 1 <= when.hour < 3 else None
            if change == "repeated":
                ctx.warn(f"{event} at {when:%H:%M} on {_fmt(when.date())} is ambiguous: London clocks showed that "
                         "time twice (they went back); read as the first, in summer time. Record the time with its "
                         "offset (+01:00 or Z) if it was the second.")
            elif change == "skipped":
                ctx.warn(f"{event} at {when:%H:%M} on {_fmt(when.date())} did not happen in London (the clocks "
                         "went forward); read as Greenwich Mean Time: check the record.")


_READS: dict[int, tuple[Rule, frozenset[str]]] = {}


def _reads(rule: Rule) -> frozenset[str]:
    """Every attribute and event a rule reads, found once per rule (by identity, as ``_rule_fields``)."""
    known = _READS.get(id(rule))
    if known is not None and known[0] is rule:
        return known[1]
    if len(_READS) > 4096:
        _READS.clear()
    names = frozenset(rule.attributes_read | rule.events)
    _READS[id(rule)] = (rule, names)
    return names


def _findings(ctx: _Context, versions: Sequence[Rule], case: str) -> list[Finding]:
    rule, record, as_of = ctx.rule, ctx.record, ctx.as_of
    trigger = record.first(rule.trigger)
    if case == "in_force":
        assert trigger is not None
        _check_bounds(ctx, trigger)
        return _recurring(ctx, trigger) if rule.recurrence else _single(ctx, trigger)
    if case == "missing":
        _assume_in_force(ctx, versions)
        first = _missing(ctx)
        return [first, *_after_first(ctx, first)]
    if case == "straddles":
        return [_straddles(ctx, versions)]
    if case == "excluded":
        return [_not_applicable(ctx, rule.conditions(record.attributes).reason or "")]
    if case == "undecided":
        names = rule.conditions(record.attributes).unknown
        return [_unknown(ctx, "the record does not say " + " or ".join(names) + ", which decides whether and how "
                              "this duty applies; record " + "; ".join(_how(rule, n) for n in names), trigger=trigger,
                         needs=names)]
    if case == "not_started":
        return [_not_applicable(ctx, f"{rule.trigger} on {iso(trigger)} is after {ctx.day_name}: the clock has not "
                                     "started.", trigger)]
    if case == "never_started":
        return [_not_applicable(ctx, f"no {rule.trigger} is recorded: the clock never started.")]
    candidates = [v for v in versions if v.condition_state(record.attributes) != "fail"]
    if case == "outside":
        windows = "; ".join(f"{v.id}: {v.in_force}" for v in candidates)
        return [_not_applicable(ctx, f"{rule.trigger} on {iso(trigger)} is outside the dates this duty was in "
                                     f"force ({windows}).", trigger)]
    low, low_event, high, high_event = trigger_bounds(record, candidates[0], as_of)
    windows = "; ".join(f"{v.id}: {v.in_force}" for v in candidates)
    if high is not None and low is not None and day_of(low) == day_of(high):
        return [_not_applicable(ctx, f"{rule.trigger} is not recorded; it was on the day of {high_event} "
                                     f"({iso(high)}), when no version of this duty was in force ({windows}).")]
    if high is not None and possible_days(record, candidates[0], as_of)[0] is not None:
        return [_not_applicable(ctx, f"{rule.trigger} is not recorded, and no version of this duty was in force "
                                     f"between {low_event} ({iso(low)}) and {high_event} ({iso(high)}) ({windows}).")]
    if high is not None:
        return [_not_applicable(ctx, f"{rule.trigger} is not recorded, and no version of this duty was in force on "
                                     f"or before {high_event} ({iso(high)}) ({windows}).")]
    if all(v.in_force.start is not None and v.in_force.start > as_of for v in candidates):
        return [_not_applicable(ctx, f"{rule.trigger} is not recorded, so it was no later than {ctx.day_name}, "
                                     f"before any version of this duty was in force ({windows}).")]
    return [_not_applicable(ctx, f"{rule.trigger} is not recorded; it cannot be before {low_event} ({iso(low)}), "
                                 f"after every version of this duty had ended ({windows}).")]


def _assume_in_force(ctx: _Context, versions: Sequence[Rule]) -> None:
    """A trigger not recorded that only an upper bound places is taken to be no earlier than the day the version
    judged on came into force (``choose_version`` found that bound well after it): said as an assumption of every
    finding. With no bound at all nothing is decided on the version (missing data, no deadline), so nothing is said."""
    rule, record = ctx.rule, ctx.record
    candidates = [v for v in versions if v.condition_state(record.attributes) != "fail"]
    start = rule.in_force.start
    high = trigger_bounds(record, candidates[0], ctx.as_of).high
    if start is not None and high is not None and possible_days(record, candidates[0], ctx.as_of)[0] is None:
        ctx.assumed += (f"{rule.trigger} is taken to be on or after {start.isoformat()}, when {rule.id} came into "
                        "force (no earlier day is recorded).",)


def _straddles(ctx: _Context, versions: Sequence[Rule]) -> Finding:
    """Missing data for a trigger not recorded whose possible days cross the dates this duty was in force: whether
    it applies, and which version, depends on the day (``_version_for_missing_trigger``)."""
    rule, record = ctx.rule, ctx.record
    candidates = [v for v in versions if v.condition_state(record.attributes) != "fail"]
    low, low_event, high, high_event = trigger_bounds(record, candidates[0], ctx.as_of)
    bottom, top = possible_days(record, candidates[0], ctx.as_of)
    if low is not None and high is not None and bottom is None:
        _contradicting_bounds(ctx, low, low_event, high, high_event)
    latest = f"{high_event} ({iso(high)})" if high is not None else ctx.day_name
    span = f"between {low_event} ({iso(low)}) and {latest}" if bottom is not None else f"no later than {latest}"
    if len(candidates) == 1:
        depends = f"whether this duty applies depends on it (in force {rule.in_force})"
    else:
        depends = ("whether this duty applies, and which version, depends on it ("
                   + "; ".join(f"{v.id}: {v.in_force}" for v in candidates) + ")")
    if rule.in_force.contains(top):
        if bottom is None:  # the latest possible day is within one period of this version's start
            depends += f": {rule.trigger} could have been before {rule.in_force.start}, when {rule.id} came into force"
    elif bottom is None:
        depends += f": the duty applied only if {rule.trigger} was on or before {rule.in_force.end}"
    what = f"{rule.trigger} is not recorded" if record.records(rule.trigger) else _unrecorded_text(rule.trigger)
    if rule.trigger in record.implied:
        what = f"{rule.trigger} is not recorded, though the record shows it happened"
    unrecorded = () if record.records(rule.trigger) else (rule.trigger,)
    needs: tuple[str, ...] = (rule.trigger,)
    if not record.records(rule.completion):
        what += f", and {_unrecorded_text(rule.completion)}"
        unrecorded += (rule.completion,)
        needs += (rule.completion,)
    return _unknown(ctx, f"{what}; it was {span}, and {depends}; record {' and '.join(needs)}",
                    unrecorded=unrecorded, needs=needs)


def _how(rule: Rule, name: str) -> str:
    """How to record attribute ``name``, and the values under which the rule applies."""
    return _how_named(rule.when, name)


def _how_named(when: Sequence[tuple[str, tuple[Any, ...]]], name: str) -> str:
    """How to record attribute ``name``, and the values the conditions ``when`` name for it."""
    allowed = tuple(v for n, values in when if n == name for v in values)
    if all(isinstance(a, bool) for a in allowed):
        return f"{name} as yes or no"
    return f"{name} (this rule applies when it is {' or '.join(map(str, allowed))})"


def evaluate_duty(record: Record, versions: Sequence[Rule], as_of: date, explain: bool = True) -> list[Finding]:
    """Findings for one record under one duty, choosing the version in force on the trigger date."""
    if not record.measures(versions[0].duty, (v.id for v in versions)):
        return [measured_elsewhere(record, versions, as_of)]
    record = record.evidenced(clock(record, as_of))
    return duty_findings(record, versions, choose_version(record, versions, as_of), as_of, explain)


#: The cases ``duty_findings`` answers with one not-applicable finding.
_NOT_APPLICABLE = frozenset({"excluded", "not_started", "never_started", "outside", "no_version"})


def listed_duty_findings(record: Record, versions: Sequence[Rule], as_of: date,
                         explain: bool = True) -> list[Finding] | None:
    """``evaluate_duty``'s findings, or None when they are one not-applicable finding with no data-quality warning:
    the finding a document only counts, so it is never built (most duties of most records are such)."""
    if not record.measures(versions[0].duty, (v.id for v in versions)):
        return None
    record = record.evidenced(clock(record, as_of))
    choice = choose_version(record, versions, as_of)
    ctx = _context(record, choice.rule, as_of, explain)
    if choice.case in _NOT_APPLICABLE and not ctx.quality:  # the not-applicable cases add no warning of their own
        return None
    return _findings_of(ctx, versions, choice)


def measured_elsewhere(record: Record, versions: Sequence[Rule], as_of: date) -> Finding:
    """The finding for a duty its extract measures on another record (an enquiry's plan has its own record)."""
    ctx = _Context(record, versions[-1], as_of, False)
    here = ", ".join(sorted(record.measured or ()))
    return _not_applicable(ctx, f"this extract measures {versions[-1].duty} on other records; this record is "
                                f"for {here}.")


def check_as_of(rules: RuleSet | Sequence[Rule] | Iterable[Rule], as_of: date) -> None:
    """Refuse an as-of date outside the years of a calendar the rules count on (CalendarRangeError, an
    InputError): every status is judged on that day, so counting to it there would be a silent miscount."""
    for name in sorted({rule.calendar for rule in rules}):
        get_calendar(name).check_in_range(as_of, "the as-of date")


def evaluate_native(records: Iterable[Record], rules: RuleSet | Sequence[Rule], as_of: date,
                    explain: bool = True) -> list[Finding]:
    """Every finding for ``records``, record by record, duty by duty, in rule-file order."""
    check_as_of(rules, as_of)
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
