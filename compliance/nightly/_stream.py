"""One pass over the records: evaluate each chunk, turn it into file text, a tally and states lines.

``evaluate_chunk`` is pure and runs wherever ``engines.map_chunks`` sends it, in this process or, for
a large run, in worker processes; the run writes the chunks' text in order and adds up their tallies,
so the files are the same whichever way the work was split and no finding is kept once written.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Sequence

from ..calendars import day_of
from ..engines import Finding, listed_by_record
from ..records import Record
from ..reports import (BACKLOG_NAMED, JSON_SEPARATOR, JsonContext, JsonDocument, Overdue, csv_lines, event_text,
                       json_finding, overdue_of)
from ..rules import RuleSet
from ._changes import findings_line
from ._model import DEFAULT_ICS_DAYS
from ._tally import RunTally


@dataclass(frozen=True)
class PassSettings:
    """What evaluating a chunk needs, sent once to each worker."""

    rules: RuleSet
    as_of: date
    window_end: date
    stamp: datetime
    explain: bool = True
    #: List the not-applicable findings in the files too (``--all``); they are always counted.
    show_all: bool = False
    ics_days: int = DEFAULT_ICS_DAYS
    #: Also a calendar for each team (the records' ``team`` attribute).
    by_team: bool = False

    def in_calendar(self, f: Finding) -> bool:
        """Whether ``f`` is a deadline a person acts on now: open, and due or missed within ``ics_days``."""
        if not f.is_open or f.deadline is None:
            return False
        return abs((day_of(f.deadline) - self.as_of).days) <= self.ics_days

    def long_overdue(self, f: Finding) -> bool:
        """Whether ``f`` is open and overdue by more than ``ics_days``: counted in the calendar's one event for
        them, on the day of the run."""
        return (f.status == "overdue" and f.is_open and f.deadline is not None
                and (self.as_of - day_of(f.deadline)).days > self.ics_days)

    def json_context(self) -> JsonContext:
        return JsonContext.for_run(self, self.rules, explain=False)


#: The team of a record that names none, in ``ChunkOutput.ics`` and ``teams``.
NO_TEAM = ""


@dataclass
class ChunkOutput:
    """A chunk of records, done: the text of each findings file, each record's states line, the tally."""

    records: int
    csv: str
    json: str
    parquet: Any  # a pyarrow RecordBatch
    #: The chunk's calendar events: every one under None, and with ``by_team`` each team's under its name.
    ics: dict[str | None, str]
    states: list[tuple[str, str]]
    tally: RunTally
    document: JsonDocument = field(default_factory=JsonDocument)
    #: Every team a listed finding names (with ``by_team``), so a team with nothing due still gets its calendar.
    teams: set[str] = field(default_factory=set)
    #: The duties overdue beyond the calendar's horizon, keyed as ``ics``.
    backlog: dict[str | None, "Backlog"] = field(default_factory=dict)


@dataclass
class Backlog:
    """How many duties a calendar has overdue beyond its horizon, and the oldest of them (BACKLOG_NAMED at most),
    the same however the records were split into chunks."""

    count: int = 0
    oldest: list[Overdue] = field(default_factory=list)

    def add(self, other: "Backlog") -> None:
        self.count += other.count
        self.oldest = sorted(self.oldest + other.oldest)[:BACKLOG_NAMED]


def team_of(f: Finding) -> str:
    """The finding's team, in Unicode's composed form (NFC): one system typing ``Équipe`` with a combining accent
    and another with the accented letter mean one team, shown alike. Not NFKC: that also folds characters that look
    different (``Team ²`` into ``Team 2``, ``Ⅳ`` into ``IV``), and two teams must never share a calendar."""
    value = f.attributes.get("team")
    return NO_TEAM if value is None or value == "" else unicodedata.normalize("NFC", str(value))


def evaluate_chunk(settings: PassSettings, records: Sequence[Record]) -> ChunkOutput:
    """Evaluate ``records`` and turn their findings into file text, states lines and a tally.

    The CSV and JSON lines are made by the functions ``compliance check`` writes its files with, so
    findings.csv is byte for byte, and findings.json line for line, what ``check`` writes.
    """
    from ..reports.parquet import findings_batch

    tally = RunTally(settings.window_end)
    found: list[Finding] = []
    ics: dict[str | None, list[str]] = {None: []}
    overdue: dict[str | None, list[Overdue]] = {}
    teams: set[str] = set()
    states: list[tuple[str, str]] = []
    for record, findings, counted in listed_by_record(records, settings.rules, settings.as_of, explain=settings.explain,
                                                      show_all=settings.show_all):
        tally.add(record.id, findings, counted)
        for f in findings:
            found.append(f)
            team = team_of(f) if settings.by_team else None
            if team is not None:
                teams.add(team)
            if settings.in_calendar(f):
                event = event_text(f, settings.stamp)
                ics[None].append(event)
                if team is not None:
                    ics.setdefault(team, []).append(event)
            elif settings.long_overdue(f):
                for key in (None, team) if team is not None else (None,):
                    overdue.setdefault(key, []).append(overdue_of(f))
        line = findings_line(record.id, findings)
        if line is not None:
            states.append((record.id, line))
    context, document = settings.json_context(), JsonDocument()
    json_text = JSON_SEPARATOR.join(json_finding(f, context, document) for f in found)
    return ChunkOutput(len(records), csv_lines(found), json_text, findings_batch(found),
                       {team: "".join(events) for team, events in ics.items()}, states, tally, document, teams,
                       {key: Backlog(len(late), sorted(late)[:BACKLOG_NAMED]) for key, late in overdue.items()})

