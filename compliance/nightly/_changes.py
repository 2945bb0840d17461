"""What changed since the previous run, from each record's duty states: a compact line per record.

A record's states line is JSON, ``["record id", [["duty", occurrence, "status", "deadline"], ...]]``,
its duties in a fixed order and not-applicable ones left out, so two runs that found the same thing
write the same line and most records are compared by one string equality. JSON keeps any character
an id may hold. Pure: lines in, changes out.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Iterable, Iterator, Mapping, Sequence

from ..calendars import day_of
from ..engines import Finding
from ._model import CHANGE_KINDS, Change

State = tuple[str, int, str, "str | None"]
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def states_line(record: str, states: Sequence[Sequence[object]]) -> str:
    """The line history keeps for one record: its (duty, occurrence, status, deadline) states, sorted."""
    return _ENCODE([record, sorted([list(s) for s in states], key=lambda s: (str(s[0]), s[1]))])


def findings_line(record: str, findings: Iterable[Finding]) -> str | None:
    """The states line of one record's findings, or None when no duty applies to it."""
    states = [(f.duty, f.occurrence, f.status, day_of(f.deadline).isoformat() if f.deadline else None)
              for f in findings if f.status != "not_applicable"]
    return states_line(record, states) if states else None


def _parse(line: str) -> dict[tuple[str, int], tuple[str, str | None]]:
    return {(str(d), int(o)): (str(s), dl) for d, o, s, dl in json.loads(line)[1]}


def _kind(before: str | None, after: str) -> str:
    if after == "overdue":
        return "newly_overdue"
    if before is None:
        return "new_duty"
    if after == "late":
        return "newly_late"
    if after == "met":
        return "newly_met"
    return "status_changed"


def _record_changes(record: str, before: str | None, after: str | None,
                    titles: Mapping[str, str]) -> Iterator[Change]:
    old = _parse(before) if before else {}
    new = _parse(after) if after else {}
    for key, (status, deadline) in new.items():
        was = old.get(key)
        if was is not None and was[0] == status:
            continue
        yield Change(_kind(was[0] if was else None, status), record, key[0], key[1], titles.get(key[0], key[0]),
                     was[0] if was else None, status, date.fromisoformat(deadline) if deadline else None)
    for key, (status, deadline) in old.items():
        if key not in new:
            yield Change("no_longer_reported", record, key[0], key[1], titles.get(key[0], key[0]), status, None,
                         date.fromisoformat(deadline) if deadline else None)


class ChangeFinder:
    """Compares a run's states lines, fed as they are made, with the previous run's; then lists the changes."""

    def __init__(self, previous: Mapping[str, str], titles: Mapping[str, str]) -> None:
        self.previous = previous
        self.titles = titles
        self.changes: list[Change] = []
        self._seen: set[str] = set()

    def feed(self, record: str, line: str) -> None:
        before = self.previous.get(record)
        self._seen.add(record)
        if before != line:
            self.changes.extend(_record_changes(record, before, line, self.titles))

    def finish(self) -> list[Change]:
        """Every change, duties gone since the previous run included, in the order the report lists them."""
        for record, before in self.previous.items():
            if record not in self._seen:
                self.changes.extend(_record_changes(record, before, None, self.titles))
        order = {k: i for i, k in enumerate(CHANGE_KINDS)}
        return sorted(self.changes, key=lambda c: (order[c.kind], c.deadline or date.min, c.record, c.duty,
                                                   c.occurrence))
