"""Records as columns: batches of one record kind held as numpy arrays, read from CSV in streamed chunks.

The vectorised engine (engines/batch.py) evaluates a batch with array operations instead of one record at a
time. A CSV file in the project's record layout (``id, kind``, attributes, events; see records/_readers.py) is
read a chunk of rows at a time, so memory stays flat however long the file is. Every cell is checked
as records/_readers.py checks it, and a row with a bad cell is reported with file, row and column and left
out, as records/_readers.py leaves it out; the other rows are still read. So is a row with a byte that is not
text or a cell too long (records/_csv.py): the same rows are read either way.
"""

from __future__ import annotations

import codecs
import csv
import gc
import itertools
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..calendars.arrays import EPOCH
from ..errors import LINE_BREAKS, Problem, shown
from ..rules import Vocabulary
from . import _arrow
from ._tables import GUARDED_INNER, GUARDED_START, csv_column
from ._csv import (CELL_LIMIT, DEFAULT_ENCODING, RUNAWAY_LIMIT, Fault, aside_fault, cell_fault, codec_name, is_utf8,
                   long_line_fault, open_quote_problem, ran_out, read_csv_rows, row_fault, runaway_problem)
from ._date_order import DateOrder
from ._readers import (for_people, header_refusals, ignored_column, long_row, read_records, unnamed_cell,
                       unnamed_fault)
from ._record import (DATE_HINT, ID_LIMIT, INVISIBLE, TARGET_PREFIX, Record, RecordCheck, cell_date, id_fault,
                      is_unknown, suggest, unknown_kind)
from ._seen_ids import SeenIds

DEFAULT_CHUNK_ROWS = 200_000
DEFAULT_BLOCK_BYTES = 8 << 20
#: The blocks pyarrow parses, joined into chunks of DEFAULT_BLOCK_BYTES: it keeps some 32 blocks in memory.
_READ_BLOCK_BYTES = 1 << 20
#: Rows read at a time where pyarrow gave up and the csv module reads the rest of a file.
_REST_ROWS = 50_000
#: How long a finished file waits at most for pyarrow's threads to let its reader go (they take microseconds).
_RELEASE_SECONDS = 10.0
#: What an id may not hold, LINE_BREAKS and INVISIBLE, as pyarrow's regular expressions (RE2) write it.
_NOT_IN_ID = f"{LINE_BREAKS.pattern}|{INVISIBLE.pattern}"
#: A UTF-8 file with at least this many columns no rule reads has only the others parsed: pyarrow copies every
#: cell of a column it parses (a tenth of its time on a file of 13 columns, 3 of them unread). Any at all, then;
#: a name of its own so that a test can have every column parsed.
_LEAN_FROM = 1
#: More unread columns than this make a file wide: where a row might be more than a blank one (see _Stream), the
#: csv module reads the rest, for pyarrow's cost of some microseconds and kilobytes a column for each block,
#: whatever the column holds. Narrower files are parsed again from that row with every column.
_UNREAD_COLUMNS = 16
#: Blocks pyarrow parses when it parses only some columns: it joins a row over two blocks at most, so any row
#: it parses is shorter than a cell may be, and the cells it does not parse need no check of their length.
_LEAN_BLOCK_BYTES = CELL_LIMIT // 2
#: How much of a file is read at a time to see whether it is ASCII.
_ASCII_BLOCK_BYTES = 8 << 20

@dataclass
class EventColumn:
    """One event's dates for every record of a batch, as compressed rows: record i owns
    ``days[offsets[i]:offsets[i + 1]]``, sorted as records/_readers.py sorts them."""

    offsets: np.ndarray
    days: np.ndarray
    seconds: np.ndarray  # second of the day (London local time), or -1 where only the date is known
    folds: np.ndarray | None = None  # True for a time in the repeated hour when the clocks go back (its second run)
    #: counts and first(), kept once worked out: every duty of a batch asks for them (the arrays never change).
    _known: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def empty(cls, n: int) -> "EventColumn":
        return cls(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    @property
    def counts(self) -> np.ndarray:
        if "counts" not in self._known:
            self._known["counts"] = np.diff(self.offsets)
        return self._known["counts"]

    def day_range(self) -> tuple[int, int] | None:
        """(earliest, latest) of the column's days, None if it has none: where no date can pass a test of the
        dates, asking each record costs nothing."""
        if "range" not in self._known:
            self._known["range"] = (int(self.days.min()), int(self.days.max())) if self.days.size else None
        return self._known["range"]

    def most(self) -> int:
        """The most dates any one record has."""
        if "most" not in self._known:
            self._known["most"] = int(self.counts.max()) if self.counts.size else 0
        return self._known["most"]

    def timed(self) -> bool:
        """Whether any of the column's dates has a time of day: where none has, no test of times can pass."""
        if "timed" not in self._known:
            self._known["timed"] = bool(self.seconds.size) and int(self.seconds.max()) >= 0
        return self._known["timed"]

    def any_date(self, key: Any, test: Callable[["EventColumn"], np.ndarray]) -> np.ndarray:
        """Whether any of each record's dates passes ``test`` (which marks the column's dates), kept under ``key``:
        a test of the dates alone gives the same for every duty of a batch."""
        known = self._known.setdefault("any", {})
        if key not in known:
            passed = np.zeros(self.days.size + 1, dtype=np.int64)
            if self.days.size:
                np.cumsum(test(self), out=passed[1:])
            known[key] = passed[self.offsets[1:]] > passed[self.offsets[:-1]]
        return known[key]

    def first(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(present, day, second) of each record's first date."""
        if "first" not in self._known:
            present = self.counts > 0
            if self.days.size == 0:
                zeros = np.zeros(present.size, dtype=np.int64)
                self._known["first"] = present, zeros, zeros - 1
            elif self.days.size == present.size and self.most() == 1:  # one date each (the usual column)
                self._known["first"] = present, self.days, self.seconds
            else:
                index = np.minimum(self.offsets[:-1], self.days.size - 1)
                self._known["first"] = present, self.days[index], self.seconds[index]
        return self._known["first"]

    def take(self, rows: np.ndarray) -> "EventColumn":
        counts = self.counts[rows]
        offsets = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        starts = np.repeat(self.offsets[:-1][rows] - offsets[:-1], counts)
        index = starts + np.arange(offsets[-1], dtype=np.int64)
        folds = self.folds[index] if self.folds is not None else None
        return EventColumn(offsets, self.days[index], self.seconds[index], folds if folds is not None and folds.any()
                           else None)

    def dates(self, row: int) -> tuple[date, ...]:
        """Record ``row``'s dates as Python dates and date-times, as a Record holds them."""
        out: list[date] = []
        for k in range(int(self.offsets[row]), int(self.offsets[row + 1])):
            day = date.fromordinal(int(self.days[k]))
            second = int(self.seconds[k])
            if second < 0:
                out.append(day)
            else:
                fold = int(self.folds[k]) if self.folds is not None else 0
                out.append(datetime(day.year, day.month, day.day, second // 3600, second // 60 % 60, second % 60,
                                    fold=fold))
        return tuple(out)


class Categorical:
    """An attribute for every record of a batch: codes into a list of distinct values (None = absent).

    The values may be given as the raw cells of a CSV column, read (stripped, "" as absent) only when
    first asked for: a column such as the child's id has a value per record and no rule ever reads it.
    """

    def __init__(self, codes: np.ndarray, values: list[Any] | None = None, cells: Any = None) -> None:
        self.codes = codes
        self._shared: dict[str, Any] = {"values": values, "cells": cells}

    @classmethod
    def absent(cls, n: int, default: Any = None) -> "Categorical":
        """An attribute no record gives: the vocabulary's default for every record, else absent."""
        return cls(np.zeros(n, dtype=np.int32), [default])

    @property
    def values(self) -> list[Any]:
        shared = self._shared
        if shared["values"] is None:
            shared["values"] = [text.strip() or None for text in shared["cells"].to_pylist()]
            shared["cells"] = None
        return shared["values"]

    def take(self, rows: np.ndarray) -> "Categorical":
        out = Categorical(self.codes[rows])
        out._shared = self._shared
        return out

    def isin(self, allowed: Sequence[Any]) -> np.ndarray:
        """Which records have a value in ``allowed``, compared as Python compares them (``in``)."""
        ok = np.array([v in allowed for v in self.values], dtype=bool)
        return ok[self.codes]


@dataclass
class RecordBatch:
    """Records of one kind, column by column.

    ``recorded`` names the events the batch's source can hold (a CSV file's event columns; None: any),
    and ``defaults`` the vocabulary's values for attributes a record does not give.
    """

    kind: str
    ids: Any  # a pyarrow string array
    attributes: dict[str, Categorical] = field(default_factory=dict)
    events: dict[str, EventColumn] = field(default_factory=dict)
    recorded: frozenset[str] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    #: The system's own recorded deadlines, by rule id (a date per occurrence).
    targets: dict[str, EventColumn] = field(default_factory=dict)
    #: The duties measured on these records (Record.measured); None: all of the kind.
    measured: frozenset[str] | None = None
    #: The day the records' extract was drawn (Record.extract_date); None: not an extract.
    extract_date: date | None = None
    #: The file the records were read from, for messages; None when they come from several (or none).
    source: str | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def attribute(self, name: str) -> Categorical:
        return self.attributes.get(name) or Categorical.absent(len(self), self.defaults.get(name))

    def event(self, name: str) -> EventColumn:
        return self.events.get(name) or EventColumn.empty(len(self))

    def records(self, event: str) -> bool:
        return self.recorded is None or event in self.recorded

    def take(self, rows: np.ndarray) -> "RecordBatch":
        return RecordBatch(self.kind, self.ids.take(_arrow.integers(rows)), {k: v.take(rows) for k, v in self.attributes.items()},
                           {k: v.take(rows) for k, v in self.events.items()}, self.recorded, self.defaults,
                           {k: v.take(rows) for k, v in self.targets.items()}, self.measured, self.extract_date,
                           self.source)

    def record(self, row: int) -> Record:
        """Record ``row`` as a Record, for the rows the vectorised engine hands to the per-record one."""
        attributes = {}
        for name, column in self.attributes.items():
            value = column.values[column.codes[row]]
            if value is not None:
                attributes[name] = value
        for name, value in self.defaults.items():
            attributes.setdefault(name, value)
        events = {name: column.dates(row) for name, column in self.events.items() if column.counts[row]}
        targets = {rule: column.dates(row) for rule, column in self.targets.items() if column.counts[row]}
        return Record.checked(str(self.ids[row]), self.kind, attributes, events, None, self.recorded, targets,
                              self.measured, extract_date=self.extract_date)

    def has_target(self, rule: str, duty: str) -> np.ndarray:
        """Which records carry the system's own deadline for a rule (by its id, or its duty)."""
        out = np.zeros(len(self), dtype=bool)
        for key in (rule, duty):
            if key in self.targets:
                out |= self.targets[key].counts > 0
        return out


def _encode(values: Sequence[Any]) -> Categorical:
    lookup: dict[Any, int] = {None: 0}
    distinct: list[Any] = [None]
    codes = np.empty(len(values), dtype=np.int32)
    for i, v in enumerate(values):
        code = lookup.get(v)
        if code is None:
            code = lookup[v] = len(distinct)
            distinct.append(v)
        codes[i] = code
    return Categorical(codes, distinct)


def _day_second(d: date) -> tuple[int, int, bool]:
    if isinstance(d, datetime):
        return d.toordinal(), d.hour * 3600 + d.minute * 60 + d.second, bool(d.fold)
    return d.toordinal(), -1, False


def _sorted_column(owner: np.ndarray, days: np.ndarray, seconds: np.ndarray, n: int,
                   folds: np.ndarray | None = None) -> EventColumn:
    """Compressed rows from (owner, day, second) triples, each record's dates in the order records/_readers.py gives."""
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner, minlength=n), out=offsets[1:])
    folds = folds if folds is not None and folds.any() else None
    step_owner, step_day, step_second = np.diff(owner), np.diff(days), np.diff(seconds)
    ordered = (step_owner > 0) | ((step_owner == 0) & ((step_day > 0) | ((step_day == 0) & (step_second >= 0))))
    if ordered.all():
        return EventColumn(offsets, days, seconds, folds)
    order = np.lexsort((seconds, days, owner))
    return EventColumn(offsets, days[order], seconds[order], folds[order] if folds is not None else None)


def batch_from_records(kind: str, records: Sequence[Record]) -> RecordBatch:
    """A batch from Record objects of one kind and one source (YAML, JSON, XLSX and mapped extracts come this way).

    The records' attributes already hold the vocabulary's defaults; they share what their source records. What
    they imply is left out, as a CSV file's batch leaves it: the engine finds it and hands those rows to the
    per-record engine, which tells what was implied by what.
    """
    n = len(records)
    attributes: dict[str, list[Any]] = {}
    events: dict[str, tuple[list[int], list[int], list[int], list[bool]]] = {}
    targets: dict[str, tuple[list[int], list[int], list[int], list[bool]]] = {}
    for i, rec in enumerate(records):
        for name, value in rec.given_attributes.items():
            attributes.setdefault(name, [None] * n)[i] = value
        for into, given in ((events, rec.events), (targets, rec.targets)):
            for name, dates in given.items():
                owner, days, seconds, folds = into.setdefault(name, ([], [], [], []))
                for d in dates:
                    day, second, fold = _day_second(d)
                    owner.append(i)
                    days.append(day)
                    seconds.append(second)
                    folds.append(fold)

    def columns(given: dict[str, tuple[list[int], list[int], list[int], list[bool]]]) -> dict[str, EventColumn]:
        return {k: _sorted_column(np.asarray(o, dtype=np.int64), np.asarray(d, dtype=np.int64),
                                  np.asarray(s, dtype=np.int64), n, np.asarray(f, dtype=bool))
                for k, (o, d, s, f) in given.items()}

    return RecordBatch(
        kind, _arrow.strings([r.id for r in records]), {k: _encode(v) for k, v in attributes.items()},
        columns(events), records[0].recorded if records else None, targets=columns(targets),
        measured=records[0].measured if records else None, extract_date=records[0].extract_date if records else None)


def batches_from_records(records: Iterable[Record], chunk: int = DEFAULT_CHUNK_ROWS) -> Iterator[RecordBatch]:
    """Batches of at most ``chunk`` records, each of one kind, one source's columns, one set of duties
    measured and one extract date, in the order they come."""
    pending: dict[tuple[str, frozenset[str] | None, frozenset[str] | None, date | None], list[Record]] = {}
    for rec in records:
        key = (rec.kind, rec.recorded, rec.measured, rec.extract_date)
        group = pending.setdefault(key, [])
        group.append(rec)
        if len(group) >= chunk:
            yield batch_from_records(rec.kind, group)
            pending[key] = []
    for (kind, *_), group in pending.items():
        if group:
            yield batch_from_records(kind, group)


#: The columns that say something of the record itself, and how each cell of them is read.
_OWN_READ: dict[str, Callable[[Any, Any], Any]] = {"extract_date": RecordCheck.extract_date,
                                                   "measured": RecordCheck.measured}


def _own_values(own: dict[str, Categorical], group: int) -> dict[str, Any]:
    """The batch's fields named as these columns (extract_date, measured) for the records in ``group``, a
    mixed-radix number of their codes."""
    out: dict[str, Any] = {}
    for name, column in reversed(own.items()):
        group, code = divmod(group, len(column.values))
        out[name] = column.values[code]
    return out


class _Sink:
    """Collects the problems of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, line: int | None, column: Any, fld: str | None, hint: str | None = None,
            warning: bool = False) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, column=column, field=fld, hint=hint,
                                     warning=warning))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a chunk makes many small acyclic objects: collecting them
    generation by generation would slow reading for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _iso_text(items: Any) -> Any:
    """UK dates (DD/MM/YYYY, with HH:MM or HH:MM:SS after it) rewritten as ISO text, for the fast casts below.

    Other forms (D/M/YYYY, a bad day) are left as written and read cell by cell by records/_record.py.
    """
    if not _arrow.holds_byte(items, ord("/")):
        return items
    items = pc.replace_substring_regex(items, pattern=r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$", replacement=r"\3-\2-\1")
    return pc.replace_substring_regex(items, pattern=r"^([0-9]{2})/([0-9]{2})/([0-9]{4})[ T]([0-9]{2}:[0-9]{2}(:[0-9]{2})?)$",
                                      replacement=r"\3-\2-\1 \4")


def _encoded(cells: Any) -> tuple[list[Any], np.ndarray]:
    """(the distinct cells, each cell's index among them); one value throughout (a file of one record kind) is
    seen in one comparison, where encoding hashes every cell."""
    if len(cells) and _arrow.to_numpy(pc.equal(cells, cells[0])).all():
        return [cells[0].as_py()], np.zeros(len(cells), dtype=np.int32)
    encoded = pc.dictionary_encode(cells)
    return encoded.dictionary.to_pylist(), _arrow.to_numpy(encoded.indices)


def _filled(cells: Any) -> np.ndarray:
    """Which cells hold something other than spaces (str.strip()'s whitespace, as records/_readers.py strips)."""
    return _arrow.lengths(_trimmed(cells)) > 0


def _trimmed(cells: Any) -> Any:
    """The cells with white space stripped from both ends; as they are when none begins or ends with any (the
    usual case, seen from the first and last bytes: a byte of 0x7F or more may begin white space that is not
    ASCII)."""
    size = _arrow.lengths(cells)
    filled = size > 0
    if not filled.any():
        return cells
    first, last = _arrow.byte_at(cells, 0, filled), _arrow.byte_at(cells, -1, filled)
    plain = ((first > 0x20) & (first < 0x7F) & (last > 0x20) & (last < 0x7F)) | ~filled
    return cells if plain.all() else pc.utf8_trim_whitespace(cells)


def _unguarded(cells: Any) -> Any:
    """The cells with the ' that the tool's CSV writer puts before a formula character taken off, as records/_readers.py
    takes it off (records/_tables.unguarded); the column itself when no cell holds a ' (the usual case: one search
    in numpy, 2 ms for 2,000,000 cells)."""
    if not _arrow.holds_byte(cells, ord("'")):
        return cells
    cells = pc.replace_substring_regex(cells, pattern=GUARDED_INNER, replacement=r"\1\2")
    return pc.replace_substring_regex(cells, pattern=GUARDED_START, replacement=r"\1", max_replacements=1)


class _ChunkReader:
    """Turns chunks of CSV cells (Arrow string columns) into record batches, checking every cell as
    records/_readers.py checks it, with whole-column operations."""

    def __init__(self, vocab: Vocabulary, names: list[str], sink: _Sink, seen: SeenIds,
                 file_events: frozenset[str] | None = None, positions: Sequence[int] | None = None) -> None:
        self.vocab = vocab
        #: The events the file has a column for, read or not: the events its records can hold.
        self.file_events = file_events if file_events is not None else frozenset(n for n in names
                                                                                  if n in vocab.all_events())
        self.names = names
        self.sink = sink
        self.seen = seen
        self.file_number = seen.file_number(sink.file)
        self.all_events = vocab.all_events()
        # Each name once: a header that repeats one is refused before any row is read (header_problems).
        self.columns = {name: j for j, name in enumerate(names) if not ignored_column(name)}
        # Problems name the file's own column numbers (``positions``: where each given column is in the file).
        where = list(positions) if positions is not None else list(range(len(names)))
        self.label = {name: where[j] + 1 for name, j in self.columns.items()}
        #: Whether the file's dates run the other way (records/_readers.py asks it too), seen a row at a time in file
        #: order at the end of each chunk, once its rows are known to make records: (line, column, row, cell).
        self.order = DateOrder()
        self.numbered: list[tuple[int, int, int, str]] = []

    def read(self, arrays: list[Any], lines: np.ndarray) -> list[RecordBatch]:
        n = len(arrays[0]) if arrays else 0
        if n == 0:
            return []
        raw = {name: _unguarded(arrays[j]) for name, j in self.columns.items()}
        ids = _trimmed(raw["id"])
        kinds, kind_codes = _encoded(raw["kind"])
        kind_of_code = [str(k).strip() for k in kinds]
        bad = np.zeros(n, dtype=bool)
        no_id = _arrow.lengths(ids) == 0
        for i in np.nonzero(no_id)[0].tolist():
            self.sink.add("the record has no id", int(lines[i]), self.label["id"], "id", "give each record an id")
        bad |= no_id
        # An id with a line break or a character that shows nothing in it, or too long, is refused, as RecordCheck
        # refuses it (few rows get past the search in C, and none when every byte of the ids is printable ASCII and
        # none is long: the usual case).
        span = _arrow.byte_span(ids)
        long = (_arrow.lengths(ids) > ID_LIMIT) & ~bad
        breaks = np.flatnonzero(long) if span is None or (span[0] >= 0x20 and span[1] <= 0x7E) else np.flatnonzero(
            (_arrow.to_numpy(pc.match_substring_regex(ids, _NOT_IN_ID)) | long) & ~bad)
        for i in breaks.tolist():
            fault = id_fault(ids[i].as_py())
            if fault:
                self.sink.add(fault[0], int(lines[i]), self.label["id"], "id", fault[1])
                bad[i] = True
        known_code = np.array([k in self.vocab.kinds for k in kind_of_code], dtype=bool)
        unknown = ~bad & ~known_code[kind_codes]
        for i in np.nonzero(unknown)[0].tolist():
            message, fld, hint = unknown_kind(kind_of_code[kind_codes[i]], self.vocab.kinds)
            self.sink.add(message, int(lines[i]), self.label["kind"], fld, hint)
        bad |= unknown
        parsed = []
        for kind in dict.fromkeys(k for k, ok in zip(kind_of_code, known_code) if ok):
            codes = [c for c, k in enumerate(kind_of_code) if k == kind]
            members = np.nonzero(np.isin(kind_codes, codes) & ~bad)[0]
            if members.size:
                parsed.append((kind, members, *self.fields(kind, members, raw, lines, bad)))
        self.watch_order(bad)  # before repeated ids are found: records/_readers.py finds them after reading the file
        good = np.nonzero(~bad)[0]
        repeat, first_files = self.seen.add(ids if good.size == n else ids.take(_arrow.integers(good)),
                                            self.file_number)
        if repeat.any():
            id_values = ids.take(_arrow.integers(good[repeat])).to_pylist()
            for rid, first, i in zip(id_values, first_files, good[repeat].tolist()):
                self.sink.add(f"duplicate record id {rid!r} (first in {first})", int(lines[i]), None, "id",
                              "give each record its own id")
            bad[good[repeat]] = True
        batches = []
        for kind, members, attributes, events, unknown, targets, own in parsed:
            good_rows = ~bad[members]
            columns = frozenset(e for e in self.file_events if e in self.vocab.events(kind))
            specs = self.vocab.attributes(kind)
            defaults = {a: spec["default"] for a, spec in specs.items() if spec.get("default") is not None}
            # Records that give an event as unknown hold less than the file's columns, and records drawn on
            # another day, or measured for other duties, are judged so: each a batch of their own.
            said = sorted(unknown)
            group = np.zeros(len(members), dtype=np.int64)
            for column in own.values():
                group = group * len(column.values) + column.codes
            pattern = group << len(said)
            for bit, name in enumerate(said):
                pattern |= unknown[name].astype(np.int64) << bit
            if not pattern.any() and good_rows.all() and members.size == n:
                # Every row of the chunk, all of one kind and all good (the usual case): nothing to pick out.
                batches.append(RecordBatch(kind, ids, attributes, events, columns, defaults, targets,
                                           **_own_values(own, 0)))
                continue
            for code in np.unique(pattern[good_rows]).tolist():
                local = np.nonzero(good_rows & (pattern == code))[0]
                held = columns - {name for bit, name in enumerate(said) if code >> bit & 1}
                batches.append(RecordBatch(kind, ids.take(_arrow.integers(members[local])),
                                           {k: v.take(local) for k, v in attributes.items()},
                                           {k: v.take(local) for k, v in events.items()}, held, defaults,
                                           {k: v.take(local) for k, v in targets.items()},
                                           **_own_values(own, code >> len(said))))
        return batches

    def watch_order(self, bad: np.ndarray) -> None:
        """Show DateOrder the chunk's dates not read in one cast, a row at a time in file order, each row then said to
        make a record or not (``bad``), as records/_readers.py shows them."""
        self.numbered.sort()
        for line, group in itertools.groupby(self.numbered, key=lambda seen: seen[0]):
            for _, column, row, text in group:
                self.order.see(text, line, column)
            self.order.kept(not bad[row])
        self.numbered.clear()

    def fields(self, kind: str, members: np.ndarray, raw: dict[str, Any], lines: np.ndarray,
               bad: np.ndarray) -> tuple[dict[str, Categorical], dict[str, EventColumn], dict[str, np.ndarray],
                                         dict[str, EventColumn], dict[str, Categorical]]:
        known = self.vocab.events(kind)
        specs = self.vocab.attributes(kind)
        attributes: dict[str, Categorical] = {}
        events: dict[str, EventColumn] = {}
        unknown: dict[str, np.ndarray] = {}
        targets: dict[str, EventColumn] = {}
        own: dict[str, Categorical] = {}
        later: list[tuple[str, Any]] = []
        take = _arrow.integers(members)
        everyone = members.size == len(lines)
        for name, column in raw.items():
            if name in ("id", "kind"):
                continue
            cells = column if everyone else column.take(take)
            if name in _OWN_READ or name.startswith(TARGET_PREFIX):
                later.append((name, cells))
                continue
            if name in self.all_events:
                filled = _arrow.lengths(cells) > 0
                if not filled.any():
                    continue
                if name not in known:
                    filled &= _filled(cells)
                    hint = f"{name} is an attribute: give it with the attributes" if name in specs else suggest(name, known)
                    for k in np.nonzero(filled)[0].tolist():
                        self.sink.add(f"unknown event {shown(name)} for {kind} records", int(lines[members[k]]),
                                      self.label[name], name, hint)
                    bad[members[filled]] = True
                    continue
                events[name], said_unknown = self.dates(kind, name, cells, filled, members, lines, bad)
                if said_unknown.any():
                    unknown[name] = said_unknown
            elif name not in specs:
                filled = _filled(cells)
                hint = f"{name} is an event: give it with the events" if name in known else suggest(name, specs)
                for k in np.nonzero(filled)[0].tolist():
                    self.sink.add(f"unknown attribute {shown(name)} for {kind} records", int(lines[members[k]]),
                                  self.label[name], name, hint)
                bad[members[filled]] = True
            else:
                attributes[name] = self.attribute(name, specs[name], cells, members, lines, bad)
        # The system's deadlines and what a record says of itself are read, as records/_readers.py reads them, only
        # for records whose case is sound: a row is told of those only once its attributes and events pass.
        sound = ~bad[members]
        for name, cells in later:
            if name in _OWN_READ:
                own[name] = self.own(name, cells, members, lines, bad, sound)
                continue
            filled = (_arrow.lengths(cells) > 0) & sound
            if filled.any():
                rule = name[len(TARGET_PREFIX):]
                targets[rule] = self.dates(kind, name, cells, filled, members, lines, bad, repeats=True,
                                           deadline_of=rule)[0]
        return attributes, events, unknown, targets, own

    def own(self, name: str, cells: Any, members: np.ndarray, lines: np.ndarray, bad: np.ndarray,
            sound: np.ndarray) -> Categorical:
        """What a column says of each record itself (the day its extract was drawn, the duties measured on it; None:
        not given), each distinct cell read once, as RecordCheck reads it; a bad one is told for ``sound`` rows."""
        encoded = pc.dictionary_encode(cells)
        codes = _arrow.to_numpy(encoded.indices).astype(np.int32)
        values: list[Any] = []
        for code, text in enumerate(encoded.dictionary.to_pylist()):
            wrong: list[tuple[str, str | None]] = []
            values.append(_OWN_READ[name](text, lambda message, fld, hint=None: wrong.append((message, hint))))
            for message, hint in wrong:
                rows = np.nonzero((codes == code) & sound)[0]
                for k in rows.tolist():
                    self.sink.add(message, int(lines[members[k]]), self.label[name], name, hint)
                bad[members[rows]] = True
        return Categorical(codes, values)

    def attribute(self, name: str, spec: dict[str, Any], cells: Any, members: np.ndarray, lines: np.ndarray,
                  bad: np.ndarray) -> Categorical:
        """An attribute column, each distinct cell read once, as RecordCheck reads it; a blank cell takes the
        vocabulary's default."""
        encoded = pc.dictionary_encode(cells)
        codes = _arrow.to_numpy(encoded.indices).astype(np.int32)
        default = spec.get("default")
        if spec.get("type") != "boolean" and not spec.get("values") and default is None:
            return Categorical(codes, cells=encoded.dictionary)
        values: list[Any] = []
        for code, text in enumerate(encoded.dictionary.to_pylist()):
            wrong: list[tuple[str, str | None]] = []
            value = RecordCheck.attribute(name, spec, text, lambda message, fld, hint=None: wrong.append((message, hint)))
            for message, hint in wrong:
                rows = np.nonzero(codes == code)[0]
                for k in rows.tolist():
                    self.sink.add(message, int(lines[members[k]]), self.label[name], name, hint)
                bad[members[rows]] = True
            values.append(default if value is None and not wrong else value)
        return Categorical(codes, values)

    def dates(self, kind: str, event: str, cells: Any, filled: np.ndarray, members: np.ndarray, lines: np.ndarray,
              bad: np.ndarray, repeats: bool | None = None, deadline_of: str | None = None
              ) -> tuple[EventColumn, np.ndarray]:
        """The event's dates, and which records give it as ``unknown`` (the source does not say). ``deadline_of``:
        the column is the system's deadlines for that rule, read as RecordCheck.targets reads them (a cell that
        says unknown is none given; an unknown among dates is a date that is not one)."""
        col = self.label[event]
        n = len(cells)
        every = bool(filled.all())
        if ((_arrow.lengths(cells) == 10) | ~filled).all():
            # The usual column: one plain ISO date (YYYY-MM-DD) in each filled cell, read in one cast that
            # passes over the empty ones (as nulls: nothing is copied). Each record has one date at most.
            try:
                values = _arrow.to_numpy(pc.cast(cells if every else _arrow.with_nulls(cells, filled), pa.date32()))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                values = None  # something else (a bad day, not a date): read below, cell by cell if need be
            if values is not None:
                days = (values if every else values[filled]).astype(np.int64) + EPOCH
                if not days.size or days.min() >= 1:  # year 0 casts but is no date to Python: read below
                    if every:
                        offsets = np.arange(n + 1, dtype=np.int64)
                    else:
                        offsets = np.zeros(n + 1, dtype=np.int64)
                        np.cumsum(filled, out=offsets[1:])
                    return EventColumn(offsets, days, np.full(days.size, -1, dtype=np.int64)), np.zeros(n, bool)
        owners = np.flatnonzero(filled).astype(np.int64)
        items = cells.filter(_arrow.bools(filled))
        repeats = self.vocab.repeats(kind, event) if repeats is None else repeats
        if _arrow.holds_byte(cells, ord(";")):
            parts = pc.split_pattern(cells, ";")
            items = pc.utf8_trim_whitespace(pc.list_flatten(parts))
            owners = _arrow.to_numpy(pc.list_parent_indices(parts)).astype(np.int64)
            keep = (_arrow.lengths(items) > 0) & filled[owners]  # a cell not to be read gives no date
            items = items.filter(_arrow.bools(keep))
            owners = owners[keep]
            if not repeats:
                many = np.bincount(owners, minlength=n) > 1
                for k in np.nonzero(many)[0].tolist():
                    count = int(np.count_nonzero(owners == k))
                    self.sink.add(f"{event} happens once, but {count} dates are given", int(lines[members[k]]), col,
                                  event, "give one date")
                bad[members[many]] = True
                single = ~many[owners]
                items = items.filter(_arrow.bools(single))
                owners = owners[single]
        written = items
        items = _iso_text(items)
        days = np.zeros(len(items), dtype=np.int64)
        seconds = np.full(len(items), -1, dtype=np.int64)
        pending = np.ones(len(items), dtype=bool)
        length = _arrow.to_numpy(pc.utf8_length(items))
        only_day = length == 10
        timed = (length == 16) | (length == 19)
        if timed.any():
            timed &= _arrow.to_numpy(pc.is_in(pc.utf8_slice_codeunits(items, 10, 11),
                                              value_set=_arrow.strings(["T", " "])))
        for mask, target in ((only_day, pa.date32()), (timed, pa.timestamp("s"))):
            if not mask.any():
                continue
            try:
                parsed = pc.cast(items.filter(_arrow.bools(mask)), target, safe=True)
            except pa.ArrowInvalid:
                continue  # a day that does not exist (2023-02-30): found cell by cell below
            values = _arrow.to_numpy(parsed).astype(np.int64)
            if target == pa.date32():
                found = values + EPOCH
                days[mask], seconds[mask] = found, -1
            else:
                found = values // 86400 + EPOCH
                days[mask], seconds[mask] = found, values % 86400
            # Year 0 parses here but is no date to Python: leave it to be read (and refused) cell by cell.
            pending[np.nonzero(mask)[0][found >= 1]] = False
        folds = np.zeros(len(items), dtype=bool)
        unknown = np.zeros(n, dtype=bool)
        if pending.any():
            keep = np.ones(len(items), dtype=bool)
            texts = [text.strip() for text in written.to_pylist()]  # as records/_readers.py strips a cell
            for k in np.unique(owners[pending]).tolist():  # whole cells, as records/_readers.py shows them
                self.numbered.append((int(lines[members[k]]), col, int(members[k]), str(cells[k].as_py()).strip()))
            failed: set[int] = set()
            given = np.bincount(owners, minlength=n)  # dates and unknowns each record's cell gives
            note = f" (the system's recorded deadline for {deadline_of})" if deadline_of else ""
            for x in np.nonzero(pending)[0].tolist():
                k = int(owners[x])
                if k in failed or not texts[x]:
                    keep[x] = False
                    continue
                if is_unknown(texts[x]) and not (deadline_of and given[k] > 1):
                    unknown[k] = True
                    keep[x] = False
                    continue
                try:
                    days[x], seconds[x], folds[x] = _day_second(cell_date(texts[x], repeats))
                except ValueError as exc:
                    self.sink.add(f"{exc}{note}", int(lines[members[k]]), col, event, DATE_HINT)
                    bad[members[k]] = True
                    failed.add(k)
                    keep[x] = False
            days, seconds, owners, folds = days[keep], seconds[keep], owners[keep], folds[keep]
            # Unknown with anything else in its cell (another unknown too), as records/_readers.py reads it; a
            # record already told of a bad date there is told once.
            mixed = unknown & (given > 1)
            mixed[list(failed)] = False
            for k in np.nonzero(mixed)[0].tolist():
                self.sink.add(f"{event} gives dates and also says unknown", int(lines[members[k]]), col, event,
                              "write the dates the record has, or unknown alone when the source does not say")
            bad[members[mixed]] = True
        return _sorted_column(owners, days, seconds, n, folds), unknown


def _string_arrays(rows: Sequence[list[str]], width: int, wanted: Sequence[int]) -> list[Any]:
    """The ``wanted`` columns of rows of cells as Arrow text, a short row padded and a long one cut as
    records/_readers.py reads them."""
    padded = [cells if len(cells) == width else (cells + [""] * width)[:width] for cells in rows]
    columns = list(zip(*padded)) if padded else [()] * width
    return [_arrow.strings(columns[j]) for j in wanted]


def _readable(column: Any) -> Any:
    """A column of cells as text when each is UTF-8 no longer than CELL_LIMIT (the usual case, seen in C), else None."""
    size = _arrow.lengths(column)
    if size.size and size.max() > CELL_LIMIT:
        return None
    span = _arrow.byte_span(column)
    if span is None or span[1] < 0x80:  # ASCII throughout (the usual column, seen at once): UTF-8 as it is
        return _arrow.as_text(column)
    try:
        return column.cast(pa.string())
    except pa.ArrowInvalid:
        return None


def _bad_cells(columns: Sequence[Any], texts: Sequence[Any], aside: Collection[int] = ()
               ) -> tuple[dict[int, tuple[int, Fault]], list[int], dict[int, tuple[int, Fault]]]:
    """The first bad cell of each row that has one, {row: (column, fault)}, the rows with a cell past
    RUNAWAY_LIMIT (left to the csv module: a quote that runs on, or a long cell alone on its line), and the first
    byte that is not text in a column ``aside`` (for people) of each other row, a warning (records/_csv.aside_fault);
    looking cell by cell only in the columns ``texts`` could not read."""
    bad: dict[int, tuple[int, Fault]] = {}
    warned: dict[int, tuple[int, Fault]] = {}
    runaway_rows = []
    for j, (column, text) in enumerate(zip(columns, texts)):
        if text is not None:
            continue
        for i, raw in enumerate(column.to_pylist()):
            if len(raw) > RUNAWAY_LIMIT and len(raw.decode("utf-8", "surrogateescape")) > RUNAWAY_LIMIT:
                runaway_rows.append(i)
            elif i in bad:
                continue
            elif j in aside:  # read as the csv module's rows are: its length, then its bytes, as a warning
                cell = [raw.decode("utf-8", "surrogateescape")]
                if found := row_fault(cell, "utf-8", (0,)):
                    bad[i] = (j, found[1])
                elif i not in warned and (found := aside_fault(cell, "utf-8", (0,))):
                    warned[i] = (j, found[1])
            elif fault := cell_fault(raw):
                bad[i] = (j, fault)
    return bad, runaway_rows, {i: found for i, found in warned.items() if i not in bad}


def _blank(columns: Sequence[Any], names: Sequence[str]) -> np.ndarray:
    """The rows with no cell holding anything, in any column (records/_readers.py skips them; a row with text
    only in a column no rule reads is a record, and its missing id is a problem)."""
    blank = np.ones(len(columns[0]), dtype=bool)
    first = [j for j, name in enumerate(names) if name in ("id", "kind")]  # most rows end the search here
    for j in first + [j for j in range(len(columns)) if j not in first]:
        blank &= _arrow.lengths(columns[j]) == 0
        if not blank.any():
            break
    return blank


def _opens_quote(text: str) -> bool:
    """Whether a row's text, as pyarrow hands over a short or long row, ends inside a quote it opens."""
    ended: list[bool] = []
    try:
        next(csv.reader(ran_out([text], ended)), [])
    except csv.Error:
        return False
    return bool(ended)


def _cells_apart(rows: list[tuple[int, str]], names: list[str], faults: dict[int, tuple[int, Fault]],
                 stops: dict[int, tuple[Any, ...]], aside: Collection[int] = (),
                 warned: dict[int, tuple[int, Fault]] | None = None) -> list[tuple[int, list[str]]]:
    """The cells of the short and long rows pyarrow set apart, (number, text), as the csv module reads them; a row
    with a bad cell, or with something past the header's columns, goes to ``faults``; one with a cell that runs on,
    or that opens a quote never closed, to ``stops`` with its problem; a byte that is not text in a column
    ``aside`` (for people), to ``warned``."""
    out = []
    for number, text in rows:
        ended: list[bool] = []
        try:
            cells = next(csv.reader(ran_out([text], ended)), [])
        except csv.Error:  # past the csv module's limit, RUNAWAY_LIMIT since the header was read (take leaves
            # such a row to the csv module; this reads it as that would)
            fault = long_line_fault(text, "utf-8")
            if fault is None:
                stops[number] = runaway_problem(number)
            else:
                faults[number] = fault
            continue
        if ended:
            stops[number] = open_quote_problem(number, len(cells) - 1, names)
            continue
        fault = row_fault(cells, "utf-8", aside)
        if not fault and warned is not None and (said := aside_fault(cells, "utf-8", aside)):
            warned[number] = said
        long = None if fault else (long_row(cells, len(names))
                                   or unnamed_cell(cells, [j for j, name in enumerate(names) if not name], csv_column))
        if fault or long:
            faults[number] = fault or (long[0], long[1:])
        else:
            out.append((number, cells))
    return out


class _UnevenRows:
    """pyarrow's handler for short and long rows: it keeps them for the csv module to read (as records/_readers.py
    reads a short or long row) and has pyarrow pass over them."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def __call__(self, row: Any) -> str:
        self.rows.append(row)
        return "skip"


@contextmanager
def _unreported(rows: list[Any]) -> Iterator[None]:
    """pyarrow decodes a short or long row before it calls its handler, and one that is not UTF-8 makes it
    print an "Exception ignored" traceback, then give up: the row is read again by records/_csv.py, which says
    what is wrong with it, so that traceback is kept off the terminal (the handler that keeps ``rows``)."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not (isinstance(unraisable.object, _UnevenRows) and unraisable.object.rows is rows):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        if sys.unraisablehook is hook:
            sys.unraisablehook = previous


class _ArrowGaveUp(Exception):
    """pyarrow stopped before the end of the file; the rows it has not handed over are still to be read."""


class _NotJustBlank(Exception):
    """A row is empty in every column parsed; the rows from the chunk it is in are still to be read."""


class _Stream:
    """One CSV file through pyarrow into a _ChunkReader, each row with its number and the same bad cells as
    records/_csv.py finds; from a row pyarrow cannot read on, the rest of the file is read by records/_csv.py.

    pyarrow hands over short and long rows apart from the others, sometimes a block ahead of them: they are
    kept by number until the rows around them come, so that the records come in file order.

    Columns no rule reads (notes, people's own columns) are not parsed when the whole file is UTF-8 text (so no
    cell left unparsed can hold a byte that is not), in blocks that keep rows shorter than a cell may be. A row
    empty in every column parsed might hold text in the others (a record with no id, not a blank row): from there
    on every column is parsed (a file that is not UTF-8 has them all parsed from the start), or, in a wide file
    (_UNREAD_COLUMNS), the csv module reads the rest. ``resume``: the first row to read (the rows before it were
    read already, before such a row).
    """

    def __init__(self, path: Path, name: str, names: list[str], wanted: list[int], reader: _ChunkReader,
                 sink: _Sink, lean: bool = True, resume: int = 2) -> None:
        self.path = path
        self.name = name
        self.names = names
        self.wanted = wanted
        self.reader = reader
        self.sink = sink
        self.line = 2  # the number of the next row pyarrow parses
        self.apart: dict[int, str] = {}  # the short and long rows not yet read, by number: their text
        self.uneven_rows: list[Any] = []
        self.resume = resume
        self.wide = len(names) - len(wanted) > _UNREAD_COLUMNS
        self.lean = lean and len(names) - len(wanted) >= _LEAN_FROM and is_utf8(name)
        #: Columns whose header is blank: a row with something in one is refused (records/_readers.unnamed_cell).
        self.unnamed = [j for j, column in enumerate(names) if not column]
        # The file's columns pyarrow parses; the last always, for the quote that may open there (open_at_end).
        self.parsed = sorted({*wanted, *self.unnamed, len(names) - 1}) if self.lean else list(range(len(names)))
        self.read_from = [self.parsed.index(j) for j in wanted]  # where each wanted column is among them
        #: The columns for people among them (parsed when the file is not UTF-8 throughout, to be looked into).
        self.aside = [k for k, j in enumerate(self.parsed) if for_people(names[j])]

    def blocks(self) -> Iterator[Any]:
        """The blocks pyarrow parses; then, or when reading stops, wait until pyarrow has let its reader go.

        pyarrow's own threads read ahead, and the last of them to finish may hold the reader after Python has
        dropped it. Freeing it frees the Python handler, which needs the interpreter: at the interpreter's exit
        that thread is ended in the middle of C++ code, and the process aborts ("terminate called without an
        active exception"; seen after a file of a header and no rows). The handler going shows the reader gone.
        """
        import threading
        import weakref

        labels = [f"c{j}" for j in range(len(self.names))]
        handler: Any = _UnevenRows(self.uneven_rows)
        released = threading.Event()
        weakref.finalize(handler, released.set)
        reader: Any = None
        try:
            # pyarrow reads some 32 blocks ahead: small blocks keep that small, and _parsed_ahead joins them into
            # chunks of ``block_bytes`` for the checks, which cost less per row on long columns. The columns are
            # read as bytes: a bad cell in any of them leaves its row out, as records/_csv.py does.
            reader = pacsv.open_csv(
                self.path,
                read_options=pacsv.ReadOptions(column_names=labels, skip_rows=1, use_threads=False,
                                               block_size=_LEAN_BLOCK_BYTES if self.lean else _READ_BLOCK_BYTES,
                                               encoding="utf8" if is_utf8(self.name) else self.name),
                parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                                 invalid_row_handler=handler),
                convert_options=pacsv.ConvertOptions(column_types={labels[j]: pa.binary() for j in self.parsed},
                                                     include_columns=[labels[j] for j in self.parsed],
                                                     strings_can_be_null=False))
            handler = None
            yield from reader
        finally:
            handler = reader = None
            released.wait(_RELEASE_SECONDS)

    def batches(self, seen: SeenIds, block_bytes: int) -> Iterator[RecordBatch]:
        size = self.path.stat().st_size
        # Whether a cell left unparsed may hold a byte that is not text: the whole file is read for it while pyarrow
        # parses the first blocks (the answer comes before the first row is read; 45 ms of 200 MB, no longer first).
        utf8 = _Answer(_utf8_throughout, self.path) if self.lean else None
        not_text = False
        try:
            with _unreported(self.uneven_rows), closing(_parsed_ahead(self.blocks, self.uneven_rows, block_bytes,
                                                                 _with_texts)) as chunks:
                for n, ((parsed, uneven_rows), last) in enumerate(_with_last(chunks)):
                    if utf8 is not None:
                        not_text, utf8 = not utf8.get(), None
                        if not_text:
                            break
                    self.apart.update((row.number, row.text) for row in uneven_rows)
                    if parsed is None:
                        continue
                    chunk, texts = parsed
                    if n == 0 and size > block_bytes and self.resume == 2:  # (once a file: not again from a row)
                        seen.expect(_rows_in(self.path, chunk, size))
                    batches, ended = self.take(chunk, texts, last)
                    yield from batches
                    if ended:
                        return
            if utf8 is not None:  # nothing parsed (a header alone): asked now
                not_text = not utf8.get()
            if not_text:  # a byte that is not text, in some cell left unparsed: every column read from the start
                yield from self.rest() if self.wide else self.every_column(seen, block_bytes)
                return
            tail = self.take(None, [])[0]  # the rows apart after the last parsed
        except _ArrowGaveUp:
            self.apart.clear()
            yield from self.rest()
            return
        except _NotJustBlank:
            yield from self.every_column(seen, block_bytes)
            return
        yield from tail

    def every_column(self, seen: SeenIds, block_bytes: int) -> Iterator[RecordBatch]:
        """The rows from ``line`` on, every column parsed."""
        stream = _Stream(self.path, self.name, self.names, self.wanted, self.reader, self.sink, lean=False,
                         resume=self.line)
        yield from stream.batches(seen, block_bytes)

    def take(self, chunk: Any, texts: list[Any], last: bool = False) -> tuple[list[RecordBatch], bool]:
        """The records of a chunk of parsed rows (None: the end of the file) and of the rows apart among them;
        True when a cell that runs on ends the file there. ``texts``: its columns as _with_texts reads them;
        ``last``: no rows are parsed after these."""
        count = chunk.num_rows if chunk is not None else 0
        columns = [chunk.column(j) for j in range(chunk.num_columns)] if count else []
        blank = _blank(columns, [self.names[j] for j in self.parsed]) if count else np.zeros(0, dtype=bool)
        if self.lean and blank.any():  # a row empty in every column parsed: is it empty in the others?
            if self.wide:
                raise _ArrowGaveUp
            raise _NotJustBlank
        lines = _row_numbers(self.line, count, sorted(n for n in self.apart if n >= self.line))
        through = (int(lines[-1]) if count else self.line - 1) if chunk is not None else max(self.apart, default=0)
        if count and lines[0] < self.resume:  # read already (a prefix of the chunk: rows come in order)
            cut = int(np.searchsorted(lines, self.resume))
            columns, texts = [c.slice(cut) for c in columns], [t if t is None else t.slice(cut) for t in texts]
            blank, lines, count = blank[cut:], lines[cut:], count - cut
        for n in [n for n in self.apart if n < self.resume and n <= through]:  # read already (those after the
            del self.apart[n]                                                  # chunk number the next one)
        bad, runaway_rows, warned = _bad_cells(columns, texts, self.aside) if None in texts else ({}, [], {})
        if runaway_rows or any(len(text) > RUNAWAY_LIMIT or _opens_quote(text)
                               for n, text in self.apart.items() if n <= through):
            # A cell past RUNAWAY_LIMIT: the csv module reads on from here (self.line), saying whether it is a quote
            # that runs on or only a cell over the limit on a row of its own line (records/_csv.py's csv_rows). So
            # does a row apart that opens a quote it does not close: pyarrow cuts the text of a long or short row at
            # its block's end, a quoted line break there making two rows of one (seen with pyarrow 26).
            raise _ArrowGaveUp
        if chunk is not None:
            self.line = through + 1
        for j in self.unnamed if count else ():
            k = self.parsed.index(j)
            cells = texts[k] if texts[k] is not None else columns[k]
            for i in np.flatnonzero(_arrow.lengths(cells) > 0).tolist():
                value = cells[i].as_py()
                fault = i not in bad and unnamed_fault(csv_column(j), value if isinstance(value, str) else
                                                      value.decode("utf-8", "surrogateescape"))
                if fault:
                    bad[i] = (k, fault)
        faults = {int(lines[i]): (self.parsed[j], fault) for i, (j, fault) in bad.items()}
        warnings = {int(lines[i]): (self.parsed[j], fault) for i, (j, fault) in warned.items()}
        stops: dict[int, tuple[Any, ...]] = {}
        apart = _cells_apart(sorted((n, self.apart.pop(n)) for n in [n for n in self.apart if n <= through]),
                             self.names, faults, stops, [self.parsed[k] for k in self.aside], warnings)
        if last and count and not self.apart and int(lines[-1]) > max(stops, default=0):
            self.open_at_end(columns, texts, int(lines[-1]), stops)
        stop = min(stops, default=None)
        keep = ~blank
        keep[list(bad)] = False
        apart = [(n, cells) for n, cells in apart if any(cells)]
        for number, (j, (message, hint)) in sorted(faults.items()):
            if stop is None or number < stop:
                self.sink.add(message, number, j + 1, (self.names[j] if j < len(self.names) else None) or None, hint)
        for number, (j, (message, hint)) in sorted(warnings.items()):
            if stop is None or number < stop:
                self.sink.add(message, number, j + 1, self.names[j], hint, warning=True)
        if stop is not None:
            keep &= lines < stop
            apart = [(n, cells) for n, cells in apart if n < stop]
            self.sink.add(*stops[stop])
        if keep.all():
            arrays = [texts[k] for k in self.read_from] if count else []
        else:
            mask = _arrow.bools(keep)
            lines = lines[keep]
            arrays = [(texts[k] if texts[k] is not None else columns[k]).filter(mask).cast(pa.string())
                      for k in self.read_from]
        if apart:  # merged in file order, so that a repeated id is the later row, as records/_readers.py finds it
            extra = _string_arrays([cells for _, cells in apart], len(self.names), self.wanted)
            arrays = [pa.concat_arrays([a, b]) for a, b in zip(arrays, extra)] if arrays else extra
            lines = np.concatenate([lines, np.array([n for n, _ in apart], dtype=np.int64)])
            order = np.argsort(lines, kind="stable")
            arrays = [a.take(_arrow.integers(order)) for a in arrays]
            lines = lines[order]
        with _no_cyclic_gc():
            return self.reader.read(arrays, lines) if lines.size else [], stop is not None

    def open_at_end(self, columns: list[Any], texts: list[Any], number: int, stops: dict[int, tuple[Any, ...]]
                    ) -> None:
        """Add to ``stops`` the last row of the file when its last cell opens a quote that never closes: pyarrow
        reads the rest of the file into that cell without a word, the csv module's rows (open_quote_problem)."""
        k = self.parsed.index(len(self.names) - 1)
        cell = (texts[k] if texts[k] is not None else columns[k])[-1].as_py()
        text = cell if isinstance(cell, str) else cell.decode("utf-8", "surrogateescape")
        if _ends_open(self.path, text, self.name, first=len(self.names) == 1):
            stops[number] = open_quote_problem(number, len(self.names) - 1, self.names)

    def refused_long(self, number: int, cells: list[str]) -> bool:
        """Whether a row has something past the header's columns or under a blank header, told to the sink
        (records/_readers.py refuses it)."""
        long = long_row(cells, len(self.names)) or unnamed_cell(cells, self.unnamed, csv_column)
        if long:
            j, message, hint = long
            self.sink.add(message, number, j + 1, None, hint)
        return long is not None

    def rest(self) -> Iterator[RecordBatch]:
        """The rows from ``line`` on, read by records/_csv.py: pyarrow gave up there (a short row with a byte that
        is not UTF-8, a row longer than it can join, a byte the encoding does not have)."""
        rows = ((n, cells) for n, cells in read_csv_rows(self.path, self.sink.add, self.name,
                                                         start=max(self.line, self.resume), left_alone=for_people)
                if any(cells) and not self.refused_long(n, cells))
        while block := list(itertools.islice(rows, _REST_ROWS)):
            lines = np.array([n for n, _ in block], dtype=np.int64)
            arrays = _string_arrays([cells for _, cells in block], len(self.names), self.wanted)
            with _no_cyclic_gc():
                batches = self.reader.read(arrays, lines)
            yield from batches


def read_csv_batches(path: Path, vocab: Vocabulary, problems: list[Problem], seen: SeenIds,
                     block_bytes: int = DEFAULT_BLOCK_BYTES, columns: Collection[str] | None = None,
                     encoding: str = DEFAULT_ENCODING) -> Iterator[RecordBatch]:
    """Stream a CSV file in the record layout as batches; bad rows go to ``problems`` and are left out.

    ``columns`` names the only attributes and events to read (with id and kind): the ones the rules and
    the grouping need. The others are only checked to be text of a sane length (records/_csv.py); the header
    still says which events the file can hold. Each block of the file is parsed in a second thread while the one
    before is checked. ``encoding`` is the file's (UTF-8 by default).
    """
    sink = _Sink(str(path))
    try:
        name = codec_name(encoding)
        rows = read_csv_rows(path, sink.add, name)
        first = next(rows, None)
        if first is None:
            if not sink.problems:
                sink.add("the file is empty", 1, None, None, "the first row names the columns")
            return
        names = [h.strip() for h in first[1]]
        refused = header_refusals(names, 1, rows, vocab, csv_column)
        if refused:
            for message, line, column, fld, hint, left in refused:
                sink.add(message, line, column, fld, hint)
                sink.problems[-1].rows = left
            return
        rows.close()
        wanted = [j for j, column in enumerate(names) if not for_people(column)
                  and (columns is None or column in ("id", "kind", *_OWN_READ) or column in columns
                       or column.startswith(TARGET_PREFIX))]
        chunk_reader = _ChunkReader(vocab, [names[j] for j in wanted], sink, seen,
                                    frozenset(column for column in names if column in vocab.all_events()), wanted)
        yield from _Stream(path, name, names, wanted, chunk_reader, sink).batches(seen, block_bytes)
        chunk_reader.order.warn(sink.problems, sink.file)
    finally:
        problems.extend(sink.problems)


class _Answer:
    """``function(*args)`` worked out in a thread of its own, from now until it is asked for. (A
    concurrent.futures Future would do, for 20 ms more of importing at every start.)"""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        import threading

        self._value: list[Any] = []
        self._failure: list[BaseException] = []

        def work() -> None:
            try:
                self._value.append(function(*args))
            except BaseException as exc:  # raised where the answer is asked for
                self._failure.append(exc)

        self._thread = threading.Thread(target=work, daemon=True, name=f"answer-{function.__name__}")
        self._thread.start()

    def get(self) -> Any:
        self._thread.join()
        if self._failure:
            raise self._failure[0]
        return self._value[0]


def _with_texts(chunk: Any) -> tuple[Any, list[Any]]:
    """A chunk of parsed cells, and its columns as text where every cell is (None where some cell is not)."""
    return chunk, [_readable(column) for column in chunk.columns]


def _parsed_ahead(blocks_of: Callable[[], Iterable[Any]], ragged: list[Any], chunk_bytes: int,
                  prepare: Callable[[Any], Any]) -> Iterator[tuple[Any, list[Any]]]:
    """The blocks ``blocks_of()`` gives, joined into chunks of about ``chunk_bytes`` and given to
    ``prepare``, each with the short or long rows met while parsing it; the next ones (two wait at most) are parsed
    and prepared in a thread of its own meanwhile: pyarrow parses and casts without the GIL, so checking and parsing
    share two cores. The first two blocks are handed over alone, so that the checks start at once. Where pyarrow gives up, what it parsed before is handed over, then _ArrowGaveUp is raised."""
    import queue
    import threading

    ahead: queue.Queue[tuple[str, Any, list[Any]]] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def hand_over(item: tuple[str, Any, list[Any]]) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def joined(blocks: list[Any]) -> Any:
        if len(blocks) == 1:
            return blocks[0]
        return pa.RecordBatch.from_arrays([pa.concat_arrays([b.column(j) for b in blocks])
                                           for j in range(blocks[0].num_columns)], names=blocks[0].schema.names)

    def met() -> list[Any]:
        rows = list(ragged)
        ragged.clear()
        return rows

    def parse() -> None:
        try:
            blocks: list[Any] = []
            size = 0
            gave_up = False
            handed = 0
            try:
                for block in blocks_of():
                    blocks.append(block)
                    size += block.nbytes
                    if size >= chunk_bytes or handed < 2:
                        handed += 1
                        if not hand_over(("chunk", prepare(joined(blocks)), met())):
                            return
                        blocks, size = [], 0
            except MemoryError:
                raise
            except (pa.ArrowException, UnicodeError):
                gave_up = True
            if (blocks or ragged) and not hand_over(("chunk", prepare(joined(blocks)) if blocks else None, met())):
                return
            ahead.put(("gave up" if gave_up else "end", None, []))
        except BaseException as exc:  # handed to the reading thread, which raises it
            ahead.put(("error", exc, []))

    thread = threading.Thread(target=parse, name="csv-parse", daemon=True)
    thread.start()
    try:
        while True:
            what, value, rows = ahead.get()
            if what == "end":
                return
            if what == "gave up":
                raise _ArrowGaveUp
            if what == "error":
                raise value
            yield value, rows  # value is None for short or long rows after the last block
    finally:
        stop.set()
        try:
            ahead.get_nowait()  # let a parser blocked on a full queue see the stop
        except queue.Empty:
            pass
        thread.join()


def _with_last(items: Iterable[Any]) -> Iterator[tuple[Any, bool]]:
    """Each item with whether it is the last, known once the next is there (the next is being made meanwhile).
    An item before an exception is still given, not as the last."""
    items = iter(items)
    held = next(items, _NONE)
    while held is not _NONE:
        try:
            after = next(items, _NONE)
        except BaseException:
            yield held, False
            raise
        yield held, after is _NONE
        held = after


_NONE = object()


def _ends_open(path: Path, cell: str, name: str, first: bool = False) -> bool:
    """Whether the file ends with ``cell`` (a row's last cell, as pyarrow parsed it) opened by a quote never closed.

    Its text then ends the file just after the quote, inner quotes doubled, and the quote starts the cell: after a
    comma, or (the row's ``first`` cell) a line break or nothing. A cell closed by a quote may end the file so too
    (a cell of quotes alone; a line break alone, the file's last line break after its closing quote), but its
    quote never follows a comma where that text begins."""
    bom = len("".encode(name))  # UTF-16 and UTF-32 write one before any text
    try:  # a byte that is not text was kept as a lone surrogate (open_at_end): written back as that byte
        tail = ('"' + cell.replace('"', '""')).encode(name, "surrogateescape")[bom:]
    except UnicodeEncodeError:  # such a byte in a file of an encoding that cannot keep it: a bad cell, said so
        return False
    starts = [text.encode(name)[bom:] for text in (("\n", "\r") if first else (",",))]
    width = len(starts[0])
    start = path.stat().st_size - len(tail)  # where the quote opening the cell would be
    if start < bom:
        return False
    with path.open("rb") as handle:
        handle.seek(start)
        if handle.read() != tail:
            return False
        if start - bom < width:  # nothing before it: the file's first cell
            return first
        handle.seek(start - width)
        return handle.read(width) in starts


def _utf8_throughout(path: Path) -> bool:
    """Whether a file is UTF-8 text from end to end: ASCII throughout (the usual file), or else read a block at a
    time (most blocks are ASCII, seen at once)."""
    if _ascii_throughout(path):
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while block := handle.read(DEFAULT_BLOCK_BYTES):
                if not (block.isascii() and not decoder.getstate()[0]):
                    decoder.decode(block)
        decoder.decode(b"", final=True)
    except (UnicodeDecodeError, OSError):
        return False
    return True


def _ascii_throughout(path: Path) -> bool:
    """Whether every byte of a file is below 128, read into one buffer _ASCII_BLOCK_BYTES at a time and seen eight
    bytes at a time. (Not mapped: a file cut short by another program while it is read would end the process.)"""
    buffer = bytearray(_ASCII_BLOCK_BYTES)
    try:
        with path.open("rb", buffering=0) as handle:
            while size := handle.readinto(buffer):
                if not _ascii(memoryview(buffer)[:size]):
                    return False
    except OSError:  # read a block at a time by the caller, which says so
        return False
    return True


def _ascii(buffer: Any) -> bool:
    data = np.frombuffer(buffer, dtype=np.uint8)
    whole = data.size // 8 * 8
    return not (int(np.bitwise_or.reduce(data[:whole].view(np.uint64), initial=np.uint64(0))) & 0x8080808080808080
                or int(np.bitwise_or.reduce(data[whole:], initial=np.uint8(0))) & 0x80)


def _rows_in(path: Path, chunk: Any, size: int) -> int:
    """About how many rows a file of ``size`` bytes holds: as many as its first megabyte has line breaks for its
    size (a quoted line break counts too), or, where it has none, as its first chunk
    judges: each cell's text and the comma or line end after it. (The chunk alone, where columns no rule reads are
    not parsed, took their rows for more rows: the table of ids seen was made twice as large.)"""
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    lines = sample.count(b"\n") or sample.count(b"\r")
    if lines:
        return size * lines // len(sample)
    read = sum(int(_arrow.offsets(column)[-1] - _arrow.offsets(column)[0]) for column in chunk.columns)
    return chunk.num_rows * size // max(read + chunk.num_rows * chunk.num_columns, 1)


def _row_numbers(first: int, count: int, skipped: list[int]) -> np.ndarray:
    """Row numbers for ``count`` rows read from ``first`` on, passing over the rows read separately."""
    if not skipped:
        return np.arange(first, first + count, dtype=np.int64)
    span = np.arange(first, first + count + len(skipped), dtype=np.int64)
    return span[~np.isin(span, np.asarray(skipped, dtype=np.int64))][:count]


def read_batches(paths: Sequence[str | Path], vocab: Vocabulary, problems: list[Problem],
                 chunk_rows: int = DEFAULT_CHUNK_ROWS, block_bytes: int = DEFAULT_BLOCK_BYTES,
                 columns: Collection[str] | None = None, encoding: str = DEFAULT_ENCODING) -> Iterator[RecordBatch]:
    """Batches from record files: CSV streamed column-wise (``block_bytes`` at a time, only ``columns`` if
    given; in ``encoding``), other formats read through records/_readers.py and batched ``chunk_rows`` records
    at a time."""
    seen = SeenIds()
    for path in map(Path, paths):
        if path.suffix.lower() == ".csv" and path.is_file():
            batches = read_csv_batches(path, vocab, problems, seen, block_bytes, columns, encoding)
        else:
            records, found = read_records([path], vocab, encoding=encoding)
            problems.extend(found)
            batches = batches_from_records(unique_records(records, seen, str(path), problems), chunk_rows)
        for batch in batches:
            batch.source = str(path)
            yield batch


def unique_records(records: Sequence[Record], seen: SeenIds, file: str, problems: list[Problem]) -> list[Record]:
    """The records whose id has not been read before; each repeat is reported at the file and row it was read from
    (``file`` where a record names no row: a database's records name their table and key), as records/_readers.py
    does."""
    kept = []
    for origin, group in itertools.groupby(records, key=lambda r: _file_of(r) or file):
        chunk = list(group)
        repeat, first_files = seen.add([r.id for r in chunk], seen.file_number(origin))
        firsts = iter(first_files)
        for rec, again in zip(chunk, repeat.tolist()):
            if not again:
                kept.append(rec)
                continue
            where, line = rec.origin()
            problems.append(Problem(f"duplicate record id {rec.id!r} (first in {next(firsts)})", file=where or origin,
                                    line=line, field="id", hint="give each record its own id"))
    return kept


def _file_of(record: Record) -> str | None:
    """The file a record was read from at a numbered row, else None."""
    where, line = record.origin()
    return where if line is not None else None
