"""Rules as data: one duty in one version of the law, and the rule set they are loaded into.

One rule is one duty in one version of the law: its trigger and completing events, the period,
when the law was in force, and its source. Rules that share a ``duty`` are versions of one duty
(the 2010 and 2013 assessment timescales), picked by the trigger date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Mapping, NamedTuple

from ..calendars import Period
from ..errors import InputError, Problem, shown
from ._vocabulary import Vocabulary

RULE_KINDS = ("statutory", "guidance", "local-target")
VERIFICATION = ("primary", "secondary", "unverified")


@dataclass(frozen=True)
class Source:
    """Where a rule comes from, and how well that has been checked."""

    citation: str
    url: str | None = None
    verification: str = "unverified"
    wording: str | None = None


@dataclass(frozen=True)
class Window:
    """A span of dates, both ends included; ``None`` means open-ended."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, other: "Window") -> bool:
        return (self.end is None or other.start is None or other.start <= self.end) and (
            other.end is None or self.start is None or self.start <= other.end)

    def __str__(self) -> str:
        start = self.start.isoformat() if self.start else "the beginning"
        end = self.end.isoformat() if self.end else "now"
        return f"{start} to {end}"


Conditions_ = tuple[tuple[str, tuple[Any, ...]], ...]  # a `when`: (attribute, allowed values) pairs


def condition_state(when: Conditions_, attributes: Mapping[str, Any]) -> str:
    """"pass", "fail" or "unknown" (an attribute not given) for ``when`` on a record's attributes."""
    state = "pass"
    for name, allowed in when:
        value = attributes.get(name)
        if value is None:
            state = "unknown"
        elif value not in allowed:
            return "fail"
    return state


@dataclass(frozen=True)
class HolderEnded:
    """The day by which the body that held the duty was abolished (LSCBs, by 29 Sep 2019): a duty still open
    then was missed once and for all, not overdue for ever after; one not yet due then was never owed."""

    on: date
    note: str


@dataclass(frozen=True)
class Caveat:
    """A note shown on every finding whose period overlaps a window, e.g. a temporary modification of the law,
    and whose record meets ``when`` (a point of law that is arguable for some records only)."""

    window: Window
    note: str
    when: Conditions_ = ()

    def touches(self, start: date, end: date | None) -> bool:
        """Whether the span from the trigger to the deadline (or the trigger alone) meets the window."""
        last = end if end is not None and end >= start else start
        window = self.window  # Window.overlaps, without building a Window for every finding
        return (window.end is None or start <= window.end) and (window.start is None or window.start <= last)

    def applies(self, attributes: Mapping[str, Any]) -> bool:
        """Whether the record is one the caveat is about: it meets every condition of ``when``."""
        return not self.when or condition_state(self.when, attributes) == "pass"


#: What an extension recorded after the deadline it would extend does (``after_deadline``).
AFTER_DEADLINE = ("ignored", "from_grant")


@dataclass(frozen=True)
class Extension:
    """A longer period once an extension event is recorded: a new total, or an addition per event.

    ``after_deadline`` says what one recorded after the deadline it would extend does: ``ignored``, it
    extends nothing (SI 2006/1738 reg 14); ``from_grant``, the addition runs from the later of the deadline
    and the day it was granted (CA 1989 s.32(8)), so a late grant still extends.
    """

    event: str
    period: Period | None = None
    adds: Period | None = None
    after_deadline: str = "ignored"


@dataclass(frozen=True)
class Step:
    """One stage of a recurrence: the period from the previous occurrence, for how long it applies, and for
    which records (``when``: a step whose conditions the record fails is passed over)."""

    period: Period
    times: int | None = None
    while_within: Period | None = None
    when: Conditions_ = ()


@dataclass(frozen=True)
class Recurrence:
    """After the first period, each next occurrence is due within a period of the previous one."""

    steps: tuple[Step, ...]
    until: str | None = None


@dataclass(frozen=True)
class RuleTest:
    """An example record with the findings the law says it must produce."""

    name: str
    as_of: date
    record: dict[str, Any]
    expect: tuple[dict[str, Any], ...]
    line: int | None = None


class Conditions(NamedTuple):
    """The outcome of a rule's ``when`` conditions on a record: "pass", "fail" (with why) or "unknown"."""

    state: str
    reason: str | None = None
    unknown: tuple[str, ...] = ()  # attributes the record does not give, with no default


@lru_cache(maxsize=4096, typed=True)
def _fail_reason(name: str, allowed: tuple[Any, ...], value: Any) -> str:
    # The same few values fail the same conditions on record after record: the sentence is built once.
    wanted = " or ".join(shown(a) for a in allowed)
    return f"applies only when {name} is {wanted}; the record has {shown(value)}"


@dataclass(frozen=True)
class Rule:
    """One duty, in one version of the law."""

    id: str
    duty: str
    title: str
    kind: str
    duty_holder: str
    applies_to: str
    trigger: str
    completion: str
    period: Period
    in_force: Window
    source: Source
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    no_earlier_than: tuple[str, ...] = ()  # events the trigger cannot precede
    no_later_than: tuple[str, ...] = ()  # events the trigger cannot follow
    trigger_optional: bool = False  # the clock may never start: no trigger means the duty never arose
    extension: Extension | None = None
    recurrence: Recurrence | None = None
    caveats: tuple[Caveat, ...] = ()
    holder_ended: HolderEnded | None = None
    ends_with: str | None = None  # `until:` of a duty done once: the event that ends it (stage 2 ends stage 1)
    calendar: str = "england-and-wales"
    notes: str | None = None
    tests: tuple[RuleTest, ...] = ()
    file: str | None = None
    line: int | None = None

    def condition_state(self, attributes: Mapping[str, Any]) -> str:
        """``conditions(...).state`` without building the reason: choosing a version asks this of every one."""
        return condition_state(self.when, attributes)

    def conditions(self, attributes: Mapping[str, Any]) -> Conditions:
        """Whether the record's attributes meet the ``when`` conditions: yes, no (and why), or not known."""
        unknown = []
        for name, allowed in self.when:
            value = attributes.get(name)
            if value is None:
                unknown.append(name)
            elif value not in allowed:
                return Conditions("fail", _fail_reason(name, allowed, value))
        return Conditions("unknown", unknown=tuple(unknown)) if unknown else Conditions("pass")

    @property
    def until(self) -> str | None:
        """The event that ends the duty (a child protection plan's end for its reviews, stage 2 for stage 1), or
        None: a recurring duty's ``recurrence.until``, a duty done once's own ``until``."""
        return self.recurrence.until if self.recurrence else self.ends_with

    @property
    def attributes_read(self) -> set[str]:
        """Every attribute the rule reads: its conditions, its recurrence steps' and its caveats'."""
        names = {name for name, _ in self.when}
        for step in self.recurrence.steps if self.recurrence else ():
            names.update(name for name, _ in step.when)
        for caveat in self.caveats:
            names.update(name for name, _ in caveat.when)
        return names

    @property
    def events(self) -> set[str]:
        """Every event the rule reads: trigger, completion, bounds, extension and end."""
        names = {self.trigger, self.completion, *self.no_earlier_than, *self.no_later_than}
        if self.extension:
            names.add(self.extension.event)
        if self.until:
            names.add(self.until)
        return names


@dataclass
class RuleSet:
    """Rules loaded together, with the vocabulary they were checked against."""

    rules: list[Rule]
    vocabulary: Vocabulary
    files: list[str] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise InputError(Problem(f"no rule with id {rule_id!r}", field="rule",
                                 hint="`compliance rules list` shows the ids"))
