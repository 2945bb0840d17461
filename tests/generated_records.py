"""Records generated from a rule set itself, for the differential tests of the two engines.

Kinds, attributes and events come from the rule set and its vocabulary, so whatever rules are loaded are
covered: every value a ``when`` names or the vocabulary lists (so every framework), booleans both ways,
attributes missing, events missing, repeated, and dated before, on and after each rule's deadline and
in-force dates. One generator, two drivers: hypothesis (``draw``) or a seeded ``random.Random``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Sequence

from hypothesis import strategies as st

from compliance.calendars import compute_deadline
from compliance.records import EventDate, Record
from compliance.rules import RuleSet

Pick = Callable[[Sequence[Any]], Any]
# Inside the calendars' years (1971 to 2100) with room either side; now and then a record from December 1999
# (the millennium holidays) or from the calendars' last months, whose deadlines run past 2100 so that
# duty is missing data (a date outside the calendar) while every other record is evaluated.
EARLIEST = date(2000, 6, 1)
LATEST = date(2027, 12, 31)


def _day(d: EventDate) -> date:
    return d.date() if isinstance(d, datetime) else d


def _in_order(d: EventDate) -> tuple[date, int]:
    return (_day(d), d.hour * 60 + d.minute if isinstance(d, datetime) else -1)


class RecordMaker:
    """Makes records of every kind the rules apply to, choosing with ``pick`` wherever there is a choice."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.vocab = ruleset.vocabulary
        self.kinds = sorted({r.applies_to for r in ruleset})
        edges = {d for r in ruleset for d in (r.in_force.start, r.in_force.end) if d}
        self.edges = sorted({e + timedelta(days=k) for e in edges for k in (-1, 0, 1) if e >= EARLIEST})

    def periods(self, kind: str) -> list[Any]:
        out = []
        for rule in self.ruleset:
            if rule.applies_to == kind:
                out.append((rule.period, rule.calendar))
                for step in rule.recurrence.steps if rule.recurrence else ():
                    out.append((step.period, rule.calendar))
                for extra in (rule.extension.period, rule.extension.adds) if rule.extension else ():
                    if extra:
                        out.append((extra, rule.calendar))
        return out

    def attributes(self, pick: Pick, kind: str) -> dict[str, Any]:
        named = {}
        for rule in self.ruleset:
            if rule.applies_to == kind:
                for name, allowed in rule.when:
                    named.setdefault(name, set()).update(allowed)
        out = {}
        for name, spec in self.vocab.attributes(kind).items():
            values = set(named.get(name, ())) | set(spec.get("values") or ())
            if spec.get("type") == "boolean":
                values |= {True, False}
            elif not spec.get("values"):
                values.add("something else")
            options = [None] + sorted(values, key=repr)
            value = pick(options)
            if value is not None:
                out[name] = value
        return out

    def offsets(self, pick: Pick, base: date, kind: str) -> int:
        """Days from ``base`` to an event: the day before, of or after a deadline, or anywhere near."""
        how = pick(("deadline", "deadline", "near", "far"))
        if how == "deadline":
            period, calendar = pick(self.periods(kind))
            try:
                end = _day(compute_deadline(base, period, calendar, explain=False).end)
            except Exception:  # a base outside the calendar's years: the engines must agree on that too
                return pick((0, 1, 30))
            return (end - base).days + pick((-1, 0, 0, 1))
        if how == "near":
            return pick((-2, -1, 0, 1, 2, 3, 5, 8, 13))
        return pick(range(-90, 800, 7))

    def record(self, pick: Pick, rid: str) -> Record:
        kind = pick(self.kinds)
        timed = any(p.unit == "hours" for p, _ in self.periods(kind))
        base = pick(self.edges) if pick((True, False)) else EARLIEST + timedelta(
            days=pick(range(0, (LATEST - EARLIEST).days, 13)))
        if pick((False,) * 30 + (True,)):
            base = pick((date(1999, 12, 20), date(2100, 10, 1)))  # the millennium; deadlines past the calendars
        events: dict[str, tuple[EventDate, ...]] = {}
        for event in self.vocab.events(kind):
            count = pick((0, 0, 1, 1, 2, 3) if self.vocab.repeats(kind, event) else (0, 1, 1))
            dates: list[EventDate] = []
            anchor = base
            for _ in range(count):
                anchor = anchor + timedelta(days=self.offsets(pick, anchor, kind))
                if timed and pick((True, False)):
                    moment = datetime(anchor.year, anchor.month, anchor.day, pick(range(24)), pick((0, 15, 59)))
                    # Some with an offset (UTC), read as London local time, so the repeated autumn hour occurs.
                    dates.append(moment.replace(tzinfo=timezone.utc) if pick((False, False, True)) else moment)
                else:
                    dates.append(anchor)
            if dates:
                events[event] = tuple(sorted(dates, key=_in_order))
        # Sometimes an extract that cannot hold some events at all (no such column): those are unknown.
        recorded = None
        if pick((False, False, True)):
            names = sorted(self.vocab.events(kind))
            dropped = {pick(names), pick(names)}
            recorded = frozenset(n for n in names if n not in dropped)
            events = {k: v for k, v in events.items() if k in recorded}
        # Sometimes an extract drawn on a day: before, among or after the record's dates.
        drawn = base + timedelta(days=pick(range(-30, 900, 29))) if pick((False, False, False, True)) else None
        return Record(rid, kind, self.attributes(pick, kind), events, recorded=recorded, vocabulary=self.vocab,
                      extract_date=drawn)

    def as_of(self, pick: Pick, records: Sequence[Record]) -> date:
        days = [_day(d) for r in records for dates in r.events.values() for d in dates] or [date(2020, 1, 1)]
        anchor = pick(days)
        return anchor + timedelta(days=pick((-1, 0, 1, 10, 45, 100, 400, 3000)))


def hypothesis_records(maker: RecordMaker, max_size: int = 6) -> st.SearchStrategy[tuple[list[Record], date]]:
    """Lists of records with an as-of date, drawn by hypothesis (which shrinks a failure to its smallest)."""

    @st.composite
    def build(draw: Any) -> tuple[list[Record], date]:
        def pick(options: Sequence[Any]) -> Any:
            return draw(st.sampled_from(list(options)))

        count = draw(st.integers(1, max_size))
        records = [maker.record(pick, f"r{i}") for i in range(count)]
        return records, maker.as_of(pick, records)

    return build()


def seeded_records(maker: RecordMaker, count: int, seed: int) -> list[Record]:
    """``count`` records from a seeded generator: the same every run."""
    rnd = random.Random(seed)
    return [maker.record(lambda options: rnd.choice(list(options)), f"r{i}") for i in range(count)]
