"""Rules as data: one duty in one version of the law, and the rule set they are loaded into.

One rule is one duty in one version of the law: its trigger and completing events, the period,
when the law was in force, and its source. Rules that share a ``duty`` are versions of one duty
(the 2010 and 2013 assessment timescales), picked by the trigger date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..calendars import Period
from ..errors import InputError, Problem
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


@dataclass(frozen=True)
class Caveat:
    """A note shown on every finding whose trigger falls in a window, e.g. a temporary modification."""

    window: Window
    note: str


@dataclass(frozen=True)
class Extension:
    """A longer period once an extension event is recorded: a new total, or an addition per event."""

    event: str
    period: Period | None = None
    adds: Period | None = None


@dataclass(frozen=True)
class Step:
    """One stage of a recurrence: the period from the previous occurrence, for how long it applies."""

    period: Period
    times: int | None = None
    while_within: Period | None = None


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
    trigger_bound: str | None = None
    extension: Extension | None = None
    recurrence: Recurrence | None = None
    caveats: tuple[Caveat, ...] = ()
    calendar: str = "england-and-wales"
    notes: str | None = None
    tests: tuple[RuleTest, ...] = ()
    file: str | None = None
    line: int | None = None

    def conditions_fail(self, attributes: dict[str, Any]) -> str | None:
        """Why the record's attributes exclude this rule, or None when they satisfy it."""
        for name, allowed in self.when:
            value = attributes.get(name)
            if value not in allowed:
                wanted = " or ".join(repr(a) for a in allowed)
                return f"applies only when {name} is {wanted}; the record has {value!r}"
        return None


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
