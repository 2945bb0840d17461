"""One pass over the records: evaluate each chunk, turn it into file text, a tally and states lines.

``evaluate_chunk`` is pure and runs wherever ``engines.map_chunks`` sends it, in this process or, for
a large run, in worker processes; the run writes the chunks' text in order and adds up their tallies,
so the files are the same whichever way the work was split and no finding is kept once written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from ..engines import Finding, findings_by_record
from ..records import Record
from ..reports import JSON_SEPARATOR, csv_lines, event_text, json_finding
from ..rules import RuleSet
from ._changes import findings_line
from ._model import OPEN_STATUSES
from ._tally import RunTally


@dataclass(frozen=True)
class PassSettings:
    """What evaluating a chunk needs, sent once to each worker."""

    rules: RuleSet
    as_of: date
    window_end: date
    stamp: datetime
    explain: bool = True


@dataclass
class ChunkOutput:
    """A chunk of records, done: the text of each findings file, each record's states line, the tally."""

    records: int
    csv: str
    json: str
    ics: str
    states: list[tuple[str, str]]
    tally: RunTally


def evaluate_chunk(settings: PassSettings, records: Sequence[Record]) -> ChunkOutput:
    """Evaluate ``records`` and turn their findings into file text, states lines and a tally.

    The CSV and JSON lines are made by the functions ``compliance check`` writes its files with, so
    findings.csv is byte for byte, and findings.json line for line, what ``check`` writes.
    """
    tally = RunTally(settings.window_end)
    found: list[Finding] = []
    ics_parts: list[str] = []
    states: list[tuple[str, str]] = []
    for record, findings in findings_by_record(records, settings.rules, settings.as_of, explain=settings.explain):
        tally.add(record.id, findings)
        found.extend(findings)
        ics_parts.extend(event_text(f, settings.stamp) for f in findings if f.status in OPEN_STATUSES)
        line = findings_line(record.id, findings)
        if line is not None:
            states.append((record.id, line))
    return ChunkOutput(len(records), csv_lines(found), JSON_SEPARATOR.join(map(json_finding, found)),
                       "".join(ics_parts), states, tally)
