"""One pass over the records: evaluate each, write its findings out, count it, compare it; on every core.

The records are cut into chunks. A chunk becomes text for findings.csv, findings.json and
deadlines.ics, a states line per record and a tally (``evaluate_chunk``, pure), in this process or,
for a large run, in worker processes; this process writes the chunks' text in order and adds up their
tallies, so the files are the same whichever way the work was split and no finding is kept once written.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from ..engines import findings_by_record
from ..records import Record
from ..reports import csv_rows, event_text
from ..rules import RuleSet
from ._changes import findings_line
from ._model import OPEN_STATUSES
from ._tally import RunTally

if TYPE_CHECKING:
    from concurrent.futures import Future

#: Records per chunk: big enough to amortise sending it to a worker, small enough to keep memory flat.
CHUNK = 500
#: Below this many records the run stays in one process: starting workers would cost more than it saves.
PARALLEL_FROM = 5000

_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


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
    """Evaluate ``records`` and turn their findings into file text, states lines and a tally."""
    tally = RunTally(settings.window_end)
    rows: list[dict[str, Any]] = []
    ics_parts: list[str] = []
    states: list[tuple[str, str]] = []
    for record, findings in findings_by_record(records, settings.rules, settings.as_of, explain=settings.explain):
        tally.add(record.id, findings)
        rows.extend(f.to_dict() for f in findings)
        ics_parts.extend(event_text(f, settings.stamp) for f in findings if f.status in OPEN_STATUSES)
        line = findings_line(record.id, findings)
        if line is not None:
            states.append((record.id, line))
    # Each finding's dict once, for both files: csv_rows gives the same lines `compliance check --format csv` writes.
    return ChunkOutput(len(records), csv_rows(rows), ",\n    ".join(map(_ENCODE, rows)), "".join(ics_parts), states,
                       tally)


_worker_settings: PassSettings | None = None


def _start_worker(settings: PassSettings) -> None:
    global _worker_settings
    _worker_settings = settings


def _worker_chunk(records: Sequence[Record]) -> ChunkOutput:
    assert _worker_settings is not None, "the worker was not started with its settings"
    return evaluate_chunk(_worker_settings, records)


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunks(records: Sequence[Record]) -> Iterator[Sequence[Record]]:
    for start in range(0, len(records), CHUNK):
        yield records[start:start + CHUNK]


def evaluate_all(records: Sequence[Record], settings: PassSettings, jobs: int,
                 done: Callable[[ChunkOutput], None]) -> None:
    """Evaluate every record, handing each chunk's output to ``done`` in the records' order.

    With ``jobs`` above 1 and enough records, chunks are evaluated by that many worker processes, at
    most two chunks each in flight, so memory stays flat however many records there are.
    """
    if jobs <= 1 or len(records) < PARALLEL_FROM:
        for chunk in _chunks(records):
            done(evaluate_chunk(settings, chunk))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # A fresh interpreter per worker ("spawn"): the same on every platform and Python, and safe
    # whatever threads this process has.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(settings,)) as pool:
        pending: deque[Future[ChunkOutput]] = deque()
        try:
            for chunk in _chunks(records):
                if len(pending) >= 2 * jobs:
                    done(pending.popleft().result())
                pending.append(pool.submit(_worker_chunk, chunk))
            while pending:
                done(pending.popleft().result())
        except BaseException:
            for future in pending:
                future.cancel()
            raise
