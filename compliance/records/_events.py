"""Event files for the tracker: one event a row, in date order, read from CSV and checked before any is used.

Columns: ``date``, ``record``, ``kind`` (filled in on a record's first row), ``event``; any other column is
an attribute of the record (``framework``, ``lscb_review``...). Every bad row is reported with file, row
and column; a replay with a bad row in it would be wrong from that row on, so none is skipped.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

from ..calendars import is_placeholder
from ..errors import Problem, quoted, shown
from ..rules import Vocabulary
from ._csv import DEFAULT_ENCODING, read_csv_rows
from ._readers import repeated_columns
from ._record import DATE_HINT, NO, YES, YES_NO_HINT, EventDate, id_fault, parse_event_date

COLUMNS = ("date", "record", "kind", "event")


@dataclass(frozen=True)
class Event:
    """One row of an event file: on ``when``, ``event`` happened to record ``record``."""

    when: EventDate
    record: str
    kind: str
    event: str
    attributes: Mapping[str, Any]
    line: int

    @property
    def day(self) -> date:
        return self.when.date() if isinstance(self.when, datetime) else self.when


class _EventReader:
    """Checks rows one by one against the vocabulary and against the rows before them."""

    def __init__(self, path: Path, vocabulary: Vocabulary, header: list[str]) -> None:
        self.file = str(path)
        self.vocab = vocabulary
        self.names = [h.strip() for h in header]
        self.problems: list[Problem] = []
        self.kinds: dict[str, tuple[str, int]] = {}
        self.once: dict[tuple[str, str], int] = {}
        self.last: tuple[date, int] | None = None
        known = {a for k in vocabulary.kinds for a in vocabulary.attributes(k)}
        missing = [c for c in COLUMNS if c not in self.names]
        if missing:
            self.problem(1, None, f"the header row has no {' or '.join(missing)} column",
                         "the first row names the columns: date, record, kind, event, then any attributes")
        self.repeated()
        for j, name in enumerate(self.names):
            if name and name not in COLUMNS and name not in known:
                close = difflib.get_close_matches(name, sorted(known | set(COLUMNS)), n=1)
                self.problem(1, j, f"unknown column {name!r}",
                             f"did you mean {close[0]!r}?" if close else "an attribute named in rules/vocabulary.yaml")

    def repeated(self) -> None:
        """A problem for each name the header gives twice: a row could give two dates, or two values, for it."""
        for j, name, message, hint in repeated_columns(
                self.names, lambda j: j + 1, read=bool,
                hint=lambda name: f"keep one {name} column: an event file gives one event a row"):
            self.problem(1, j, message, hint, name)

    def problem(self, line: int, column: int | None, message: str, hint: str | None = None,
                fld: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line,
                                     column=None if column is None else column + 1, field=fld, hint=hint))

    def column(self, name: str) -> int | None:
        return self.names.index(name) if name in self.names else None

    def row(self, line: int, cells: list[str]) -> Event | None:
        before = len(self.problems)
        values = {name: (cells[j].strip() if j < len(cells) else "") for j, name in enumerate(self.names) if name}
        when = self.when(line, values.get("date", ""))
        record = values.get("record", "")
        if not record:
            self.problem(line, self.column("record"), "the row has no record id", "give the record's id", "record")
        elif fault := id_fault(record):
            self.problem(line, self.column("record"), *fault, "record")
        kind = self.kind(line, record, values.get("kind", ""))
        event = values.get("event", "")
        if kind and not event:
            self.problem(line, self.column("event"), "the row has no event", "name the event that happened", "event")
        elif kind and event not in self.vocab.events(kind):
            known = self.vocab.events(kind)
            close = difflib.get_close_matches(event, list(known), n=1)
            self.problem(line, self.column("event"), f"unknown event {quoted(event)} for {kind} records",
                         f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known)), "event")
        elif kind and (record, event) in self.once:
            self.problem(line, self.column("event"), f"{event} happens once, and record {quoted(record)} already has "
                         f"it (row {self.once[(record, event)]})", "remove one of the two rows", "event")
        attributes = {name: self.attribute(line, kind, name, text) for name, text in values.items()
                      if name not in COLUMNS and text != ""} if kind else {}
        if len(self.problems) > before or when is None or kind is None:
            return None
        if not self.vocab.repeats(kind, event):
            self.once[(record, event)] = line
        return Event(when, record, kind, event, attributes, line)

    def when(self, line: int, text: str) -> EventDate | None:
        if is_placeholder(text):  # not a tracker's cell: a row here is an event that happened, so no blank or unknown
            self.problem(line, self.column("date"), f"{shown(text)} is not a date: each row of an event file is an "
                         "event that has happened, on its date", "leave the row out until the event has happened",
                         "date")
            return None
        try:
            when = parse_event_date(text)
        except ValueError as exc:  # the words a tracker's cell gets
            self.problem(line, self.column("date"), str(exc) if text else "the row has no date", DATE_HINT, "date")
            return None
        day = when.date() if isinstance(when, datetime) else when
        if self.last and day < self.last[0]:
            self.problem(line, self.column("date"), f"{day.isoformat()} is before {self.last[0].isoformat()} on "
                         f"row {self.last[1]}: events must be in date order", "sort the rows by date", "date")
            return None
        self.last = (day, line)
        return when

    def kind(self, line: int, record: str, text: str) -> str | None:
        seen = self.kinds.get(record)
        if not text:
            if seen is None and record:
                self.problem(line, self.column("kind"), f"record {quoted(record)} first appears here without a kind",
                             "give its kind on its first row: " + ", ".join(sorted(self.vocab.kinds)), "kind")
            return seen[0] if seen else None
        if text not in self.vocab.kinds:
            close = difflib.get_close_matches(text, list(self.vocab.kinds), n=1)
            self.problem(line, self.column("kind"), f"unknown record kind {quoted(text)}",
                         f"did you mean {close[0]!r}?" if close else "one of: " + ", ".join(sorted(self.vocab.kinds)),
                         "kind")
            return None
        if seen and seen[0] != text:
            self.problem(line, self.column("kind"), f"record {quoted(record)} is a {seen[0]} record (row {seen[1]}), "
                         f"not {text}", "one record has one kind", "kind")
            return None
        if record:
            self.kinds.setdefault(record, (text, line))
        return text

    def attribute(self, line: int, kind: str, name: str, text: str) -> Any:
        spec = self.vocab.attributes(kind).get(name, {})
        column = self.column(name)
        if spec.get("type") == "boolean":
            if text.lower() in YES:
                return True
            if text.lower() in NO:
                return False
            self.problem(line, column, f"{quoted(text)} is not yes or no", YES_NO_HINT, name)
            return None
        values = spec.get("values")
        if values and text not in values:
            self.problem(line, column, f"{quoted(text)} is not a known {name}", "one of: " + ", ".join(values), name)
        return text


def read_events(path: str | Path, vocabulary: Vocabulary, *,
                encoding: str = DEFAULT_ENCODING) -> tuple[list[Event], list[Problem]]:
    """The events in a CSV file (in ``encoding``, UTF-8 by default), in file order, with a problem for every bad
    row or column."""
    path = Path(path)
    unread: list[Problem] = []

    def problem(message: str, line: int | None, column: int | None, fld: str | None, hint: str | None) -> None:
        unread.append(Problem(message, file=str(path), line=line, column=column, field=fld, hint=hint))

    rows = list(read_csv_rows(path, problem, encoding, csv_only="track"))  # events are CSV only
    if not rows:
        return [], unread or [Problem("the file is empty", file=str(path), line=1,
                                      hint="the first row names the columns: date, record, kind, event")]
    reader = _EventReader(path, vocabulary, rows[0][1])
    events = []
    for line, cells in rows[1:] if not reader.problems else ():  # a wrong header: no row can be checked
        if not any(c.strip() for c in cells):
            continue
        event = reader.row(line, cells)
        if event:
            events.append(event)
    return events, sorted(unread + reader.problems, key=lambda p: p.line or 0)
