"""Records as columns: batches of one record kind held as numpy arrays, read from CSV in streamed chunks.

The vectorised engine (engines/batch.py) evaluates a batch with array operations instead of one record at a
time. A CSV file in the project's record layout (``id, kind``, attributes, events; see records/_readers.py) is
read a chunk of rows at a time, so memory stays flat however long the file is. Every cell is checked
as records/_readers.py checks it, and a row with a bad cell is reported with file, row and column and left
out, as records/_readers.py leaves it out; the other rows are still read.
"""

from __future__ import annotations

import csv
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..calendars.arrays import EPOCH
from ..errors import Problem, shown
from ..rules import Vocabulary
from ._readers import ignored_column, read_records, unknown_columns
from ._record import DATE_HINT, Record, RecordCheck, is_unknown, parse_event_date, suggest
from ._seen_ids import SeenIds

DEFAULT_CHUNK_ROWS = 200_000
DEFAULT_BLOCK_BYTES = 16 << 20
#: The blocks pyarrow parses, joined into chunks of DEFAULT_BLOCK_BYTES: it keeps some 32 blocks in memory.
_READ_BLOCK_BYTES = 1 << 20

@dataclass
class EventColumn:
    """One event's dates for every record of a batch, as compressed rows: record i owns
    ``days[offsets[i]:offsets[i + 1]]``, sorted as records/_readers.py sorts them."""

    offsets: np.ndarray
    days: np.ndarray
    seconds: np.ndarray  # second of the day (London local time), or -1 where only the date is known
    folds: np.ndarray | None = None  # True for a time in the repeated hour when the clocks go back (its second run)

    @classmethod
    def empty(cls, n: int) -> "EventColumn":
        return cls(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def first(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(present, day, second) of each record's first date."""
        present = self.counts > 0
        index = np.minimum(self.offsets[:-1], max(self.days.size - 1, 0))
        if self.days.size == 0:
            zeros = np.zeros(present.size, dtype=np.int64)
            return present, zeros, zeros - 1
        return present, self.days[index], self.seconds[index]

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

    def __len__(self) -> int:
        return len(self.ids)

    def attribute(self, name: str) -> Categorical:
        return self.attributes.get(name) or Categorical.absent(len(self), self.defaults.get(name))

    def event(self, name: str) -> EventColumn:
        return self.events.get(name) or EventColumn.empty(len(self))

    def records(self, event: str) -> bool:
        return self.recorded is None or event in self.recorded

    def take(self, rows: np.ndarray) -> "RecordBatch":
        return RecordBatch(self.kind, self.ids.take(pa.array(rows)), {k: v.take(rows) for k, v in self.attributes.items()},
                           {k: v.take(rows) for k, v in self.events.items()}, self.recorded, self.defaults)

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
        return Record.checked(str(self.ids[row]), self.kind, attributes, events, None, self.recorded)


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

    The records' attributes already hold the vocabulary's defaults; they share what their source records.
    """
    n = len(records)
    attributes: dict[str, list[Any]] = {}
    events: dict[str, tuple[list[int], list[int], list[int], list[bool]]] = {}
    for i, rec in enumerate(records):
        for name, value in rec.attributes.items():
            attributes.setdefault(name, [None] * n)[i] = value
        for name, dates in rec.events.items():
            owner, days, seconds, folds = events.setdefault(name, ([], [], [], []))
            for d in dates:
                day, second, fold = _day_second(d)
                owner.append(i)
                days.append(day)
                seconds.append(second)
                folds.append(fold)
    return RecordBatch(
        kind, pa.array([r.id for r in records], type=pa.string()), {k: _encode(v) for k, v in attributes.items()},
        {k: _sorted_column(np.asarray(o, dtype=np.int64), np.asarray(d, dtype=np.int64),
                           np.asarray(s, dtype=np.int64), n, np.asarray(f, dtype=bool))
         for k, (o, d, s, f) in events.items()},
        records[0].recorded if records else None)


def batches_from_records(records: Iterable[Record], chunk: int = DEFAULT_CHUNK_ROWS) -> Iterator[RecordBatch]:
    """Batches of at most ``chunk`` records, each of one kind and one source's columns, in the order they come."""
    pending: dict[tuple[str, frozenset[str] | None], list[Record]] = {}
    for rec in records:
        key = (rec.kind, rec.recorded)
        group = pending.setdefault(key, [])
        group.append(rec)
        if len(group) >= chunk:
            yield batch_from_records(rec.kind, group)
            pending[key] = []
    for (kind, _), group in pending.items():
        if group:
            yield batch_from_records(kind, group)


class _Sink:
    """Collects the problems of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, message: str, line: int | None, column: Any, fld: str | None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, column=column, field=fld, hint=hint))


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
    if not _np(pc.match_substring(items, "/")).any():
        return items
    items = pc.replace_substring_regex(items, pattern=r"^([0-9]{2})/([0-9]{2})/([0-9]{4})$", replacement=r"\3-\2-\1")
    return pc.replace_substring_regex(items, pattern=r"^([0-9]{2})/([0-9]{2})/([0-9]{4})[ T]([0-9]{2}:[0-9]{2}(:[0-9]{2})?)$",
                                      replacement=r"\3-\2-\1 \4")


def _np(array: Any) -> np.ndarray:
    return array.to_numpy(zero_copy_only=False)


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
        self.columns: dict[str, list[int]] = {}
        for j, name in enumerate(names):
            if not ignored_column(name):
                self.columns.setdefault(name, []).append(j)
        # Problems name the file's own column numbers (``positions``: where each given column is in the file).
        where = list(positions) if positions is not None else list(range(len(names)))
        self.label = {name: where[j[-1]] + 1 for name, j in self.columns.items()}

    def cells(self, arrays: list[Any], name: str) -> Any:
        """The cells of a named column as read; with repeated header names, the last non-empty cell wins."""
        indexes = self.columns[name]
        if len(indexes) == 1 or name in ("id", "kind"):
            return arrays[indexes[-1]]
        merged = arrays[indexes[0]]
        for j in indexes[1:]:
            later = arrays[j]
            merged = pc.if_else(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(later)), 0), later, merged)
        return merged

    def read(self, arrays: list[Any], lines: np.ndarray) -> list[RecordBatch]:
        n = len(arrays[0]) if arrays else 0
        if n == 0:
            return []
        raw = {name: self.cells(arrays, name) for name in self.columns}
        maybe_blank = ~(_np(pc.greater(pc.utf8_length(raw["id"]), 0)) | _np(pc.greater(pc.utf8_length(raw["kind"]), 0)))
        if maybe_blank.any():
            blank = maybe_blank.copy()
            for a in arrays:
                blank &= ~_np(pc.greater(pc.utf8_length(a), 0))
            if blank.any():
                keep = pa.array(~blank)
                arrays = [a.filter(keep) for a in arrays]
                raw = {name: column.filter(keep) for name, column in raw.items()}
                lines = lines[~blank]
                n = len(lines)
                if n == 0:
                    return []
        ids = pc.utf8_trim_whitespace(raw["id"])
        kinds = pc.dictionary_encode(raw["kind"])
        kind_of_code = [str(k).strip() for k in kinds.dictionary.to_pylist()]
        kind_codes = _np(kinds.indices)
        bad = np.zeros(n, dtype=bool)
        no_id = _np(pc.equal(pc.utf8_length(ids), 0))
        for i in np.nonzero(no_id)[0].tolist():
            self.sink.add("the record has no id", int(lines[i]), self.label["id"], "id", "give each record an id")
        bad |= no_id
        known_code = np.array([k in self.vocab.kinds for k in kind_of_code], dtype=bool)
        unknown = ~bad & ~known_code[kind_codes]
        for i in np.nonzero(unknown)[0].tolist():
            self.sink.add(f"unknown record kind {kind_of_code[kind_codes[i]]!r}", int(lines[i]), self.label["kind"],
                          "kind", "one of: " + ", ".join(sorted(self.vocab.kinds)))
        bad |= unknown
        parsed = []
        for kind in dict.fromkeys(k for k, ok in zip(kind_of_code, known_code) if ok):
            codes = [c for c, k in enumerate(kind_of_code) if k == kind]
            members = np.nonzero(np.isin(kind_codes, codes) & ~bad)[0]
            if members.size:
                parsed.append((kind, members, *self.fields(kind, members, raw, lines, bad)))
        good = np.nonzero(~bad)[0]
        repeat, first_files = self.seen.add(ids if good.size == n else ids.take(pa.array(good)), self.file_number)
        if repeat.any():
            id_values = ids.take(pa.array(good[repeat])).to_pylist()
            for rid, first, i in zip(id_values, first_files, good[repeat].tolist()):
                self.sink.add(f"duplicate record id {rid!r} (first in {first})", int(lines[i]), None, "id",
                              "give each record its own id")
            bad[good[repeat]] = True
        batches = []
        for kind, members, attributes, events, unknown in parsed:
            good_rows = ~bad[members]
            columns = frozenset(e for e in self.file_events if e in self.vocab.events(kind))
            specs = self.vocab.attributes(kind)
            defaults = {a: spec["default"] for a, spec in specs.items() if spec.get("default") is not None}
            # Records that give an event as unknown hold less than the file's columns: a batch of their own.
            said = sorted(unknown)
            pattern = np.zeros(len(members), dtype=np.int64)
            for bit, name in enumerate(said):
                pattern |= unknown[name].astype(np.int64) << bit
            if not said and good_rows.all() and members.size == n:
                # Every row of the chunk, all of one kind and all good (the usual case): nothing to pick out.
                batches.append(RecordBatch(kind, ids, attributes, events, columns, defaults))
                continue
            for code in np.unique(pattern[good_rows]).tolist():
                local = np.nonzero(good_rows & (pattern == code))[0]
                held = columns - {name for bit, name in enumerate(said) if code >> bit & 1}
                batches.append(RecordBatch(kind, ids.take(pa.array(members[local])),
                                           {k: v.take(local) for k, v in attributes.items()},
                                           {k: v.take(local) for k, v in events.items()}, held, defaults))
        return batches

    def fields(self, kind: str, members: np.ndarray, raw: dict[str, Any], lines: np.ndarray,
               bad: np.ndarray) -> tuple[dict[str, Categorical], dict[str, EventColumn], dict[str, np.ndarray]]:
        known = self.vocab.events(kind)
        specs = self.vocab.attributes(kind)
        attributes: dict[str, Categorical] = {}
        events: dict[str, EventColumn] = {}
        unknown: dict[str, np.ndarray] = {}
        take = pa.array(members)
        everyone = members.size == len(lines)
        for name, column in raw.items():
            if name in ("id", "kind"):
                continue
            cells = column if everyone else column.take(take)
            if name in self.all_events:
                filled = _np(pc.greater(pc.utf8_length(cells), 0))
                if not filled.any():
                    continue
                if name not in known:
                    filled &= _np(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0))
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
                filled = _np(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0))
                hint = f"{name} is an event: give it with the events" if name in known else suggest(name, specs)
                for k in np.nonzero(filled)[0].tolist():
                    self.sink.add(f"unknown attribute {shown(name)} for {kind} records", int(lines[members[k]]),
                                  self.label[name], name, hint)
                bad[members[filled]] = True
            else:
                attributes[name] = self.attribute(name, specs[name], cells, members, lines, bad)
        return attributes, events, unknown

    def attribute(self, name: str, spec: dict[str, Any], cells: Any, members: np.ndarray, lines: np.ndarray,
                  bad: np.ndarray) -> Categorical:
        """An attribute column, each distinct cell read once, as RecordCheck reads it; a blank cell takes the
        vocabulary's default."""
        encoded = pc.dictionary_encode(cells)
        codes = _np(encoded.indices).astype(np.int32)
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
              bad: np.ndarray) -> tuple[EventColumn, np.ndarray]:
        """The event's dates, and which records give it as ``unknown`` (the source does not say)."""
        col = self.label[event]
        n = len(cells)
        owners = np.flatnonzero(filled).astype(np.int64)
        items = cells.filter(pa.array(filled))
        try:
            # The usual column: one plain ISO date (YYYY-MM-DD) in each filled cell, read in one cast.
            if pc.all(pc.equal(pc.binary_length(items), 10)).as_py() is not False:
                days = _np(pc.cast(items, pa.date32()).view(pa.int32())).astype(np.int64) + EPOCH
                if not days.size or days.min() >= 1:  # year 0 casts but is no date to Python: read below
                    return _sorted_column(owners, days, np.full(days.size, -1, dtype=np.int64), n), np.zeros(n, bool)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass  # something else in the column (a time, a UK date, a bad day): read below, cell by cell if need be
        if _np(pc.match_substring(cells, ";")).any():
            parts = pc.split_pattern(cells, ";")
            items = pc.utf8_trim_whitespace(pc.list_flatten(parts))
            owners = _np(pc.list_parent_indices(parts)).astype(np.int64)
            keep = _np(pc.greater(pc.utf8_length(items), 0))
            items = items.filter(pa.array(keep))
            owners = owners[keep]
            if not self.vocab.repeats(kind, event):
                many = np.bincount(owners, minlength=n) > 1
                for k in np.nonzero(many)[0].tolist():
                    count = int(np.count_nonzero(owners == k))
                    self.sink.add(f"{event} happens once, but {count} dates are given", int(lines[members[k]]), col,
                                  event, "give one date")
                bad[members[many]] = True
                single = ~many[owners]
                items = items.filter(pa.array(single))
                owners = owners[single]
        written = items
        items = _iso_text(items)
        days = np.zeros(len(items), dtype=np.int64)
        seconds = np.full(len(items), -1, dtype=np.int64)
        pending = np.ones(len(items), dtype=bool)
        length = _np(pc.utf8_length(items))
        only_day = length == 10
        timed = (length == 16) | (length == 19)
        if timed.any():
            timed &= _np(pc.is_in(pc.utf8_slice_codeunits(items, 10, 11), value_set=pa.array(["T", " "])))
        for mask, target in ((only_day, pa.date32()), (timed, pa.timestamp("s"))):
            if not mask.any():
                continue
            try:
                parsed = pc.cast(items.filter(pa.array(mask)), target, safe=True)
            except pa.ArrowInvalid:
                continue  # a day that does not exist (2023-02-30): found cell by cell below
            values = _np(parsed.view(pa.int32() if target == pa.date32() else pa.int64())).astype(np.int64)
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
            texts = written.to_pylist()
            failed: set[int] = set()
            for x in np.nonzero(pending)[0].tolist():
                k = int(owners[x])
                if k in failed or not texts[x].strip():
                    keep[x] = False
                    continue
                if is_unknown(texts[x]):
                    unknown[k] = True
                    keep[x] = False
                    continue
                try:
                    days[x], seconds[x], folds[x] = _day_second(parse_event_date(texts[x]))
                except ValueError as exc:
                    self.sink.add(str(exc), int(lines[members[k]]), col, event, DATE_HINT)
                    bad[members[k]] = True
                    failed.add(k)
                    keep[x] = False
            days, seconds, owners, folds = days[keep], seconds[keep], owners[keep], folds[keep]
            mixed = unknown & (np.bincount(owners, minlength=n) > 0)
            for k in np.nonzero(mixed)[0].tolist():
                self.sink.add(f"{event} gives dates and also says unknown", int(lines[members[k]]), col, event,
                              "write the dates the record has, or unknown alone when the source does not say")
            bad[members[mixed]] = True
        return _sorted_column(owners, days, seconds, n, folds), unknown


def _header(path: Path) -> list[str] | None:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), None)


def _arrow_rows(row: Any, width: int) -> list[Any]:
    cells = next(csv.reader([row.text]), [])
    cells = (cells + [""] * width)[:width]
    return [pa.array([c]) for c in cells]


def read_csv_batches(path: Path, vocab: Vocabulary, problems: list[Problem], seen: SeenIds,
                     block_bytes: int = DEFAULT_BLOCK_BYTES, columns: Collection[str] | None = None
                     ) -> Iterator[RecordBatch]:
    """Stream a CSV file in the record layout as batches; bad rows go to ``problems`` and are left out.

    ``columns`` names the only attributes and events to read (with id and kind): the ones the rules and
    the grouping need. The others are not parsed or checked; the header still says which events the
    file can hold. Each block of the file is parsed in a second thread while the one before is checked.
    """
    sink = _Sink(str(path))
    try:
        try:
            header = _header(path)
        except OSError as exc:
            sink.add(f"cannot open: {exc}", None, None, None)
            return
        except UnicodeDecodeError:
            sink.add("the file is not UTF-8 text", None, None, None, "save the spreadsheet as CSV UTF-8")
            return
        if header is None:
            sink.add("the file is empty", 1, None, None, "the first row names the columns")
            return
        names = [h.strip() for h in header]
        if "id" not in names or "kind" not in names:
            missing = [c for c in ("id", "kind") if c not in names]
            sink.add(f"the header row has no {' or '.join(missing)} column", 1, None, None,
                     "the first row names the columns: id, kind, then attributes and events")
            return
        unknown = unknown_columns(names, vocab)
        for j, name, hint in unknown:
            sink.add(f"unknown column {shown(name)}: no row of this file was checked", 1, j + 1, name, hint)
        if unknown:
            return
        width = len(names)
        labels = [f"c{j}" for j in range(width)]
        wanted = [j for j, name in enumerate(names)
                  if columns is None or name in ("id", "kind") or name in columns]
        ragged: list[Any] = []

        def uneven(row: Any) -> str:
            ragged.append(row)  # read by the csv module below, as records/_readers.py reads a short or long row
            return "skip"

        # pyarrow reads some 32 blocks ahead: small blocks keep that small, and _parsed_ahead joins them
        # into chunks of ``block_bytes`` for the checks, which cost less per row on long columns.
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(column_names=labels, skip_rows=1, use_threads=False,
                                                 block_size=_READ_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=uneven),
            convert_options=pacsv.ConvertOptions(column_types={labels[j]: pa.string() for j in wanted},
                                                 include_columns=[labels[j] for j in wanted],
                                                 strings_can_be_null=False))
        chunk_reader = _ChunkReader(vocab, [names[j] for j in wanted], sink, seen,
                                    frozenset(name for name in names if name in vocab.all_events()), wanted)
        line = 2
        size = path.stat().st_size
        for n, (chunk, uneven_rows) in enumerate(_parsed_ahead(reader, ragged, block_bytes)):
            rows = chunk.num_rows if chunk is not None else 0
            if n == 0 and size > block_bytes:
                seen.expect(rows * size // block_bytes)  # rows to come, judged by the first chunk
            skipped = sorted(r.number for r in uneven_rows if r.number is not None)
            lines = _row_numbers(line, rows, skipped)
            line = int(lines[-1]) + 1 if lines.size else line
            with _no_cyclic_gc():
                batches = chunk_reader.read([chunk.column(k) for k in range(len(wanted))], lines) if rows else []
                for row in uneven_rows:
                    cells = _arrow_rows(row, width)
                    batches += chunk_reader.read([cells[j] for j in wanted], np.array([row.number or 0]))
            yield from batches
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text:
            sink.add("the file is not UTF-8 text", None, None, None, "save the spreadsheet as CSV UTF-8")
        else:
            sink.add(f"cannot read CSV: {text}", None, None, None)
    finally:
        problems.extend(sink.problems)


def _parsed_ahead(reader: Any, ragged: list[Any], chunk_bytes: int) -> Iterator[tuple[Any, list[Any]]]:
    """The reader's blocks joined into chunks of about ``chunk_bytes``, each with the short or long rows met
    while parsing it; the next chunk is parsed in a thread of its own meanwhile: pyarrow parses without the
    GIL, so checking and parsing share two cores."""
    import queue
    import threading

    ahead: queue.Queue[tuple[str, Any, list[Any]]] = queue.Queue(maxsize=1)
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

    def parse() -> None:
        try:
            blocks: list[Any] = []
            size = 0
            for block in reader:
                blocks.append(block)
                size += block.nbytes
                if size >= chunk_bytes:
                    rows = list(ragged)
                    ragged.clear()
                    if not hand_over(("chunk", joined(blocks), rows)):
                        return
                    blocks, size = [], 0
            if blocks or ragged:
                rows = list(ragged)
                ragged.clear()
                chunk = joined(blocks) if blocks else None
                if chunk is not None and not hand_over(("chunk", chunk, rows)):
                    return
                if chunk is None and rows and not hand_over(("rows", None, rows)):
                    return
            ahead.put(("end", None, []))
        except BaseException as exc:  # handed to the reading thread, which raises it
            ahead.put(("error", exc, []))

    thread = threading.Thread(target=parse, name="csv-parse", daemon=True)
    thread.start()
    try:
        while True:
            what, value, rows = ahead.get()
            if what == "end":
                return
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


def _row_numbers(first: int, count: int, skipped: list[int]) -> np.ndarray:
    """Row numbers for ``count`` rows read from ``first`` on, passing over the rows read separately."""
    if not skipped:
        return np.arange(first, first + count, dtype=np.int64)
    span = np.arange(first, first + count + len(skipped), dtype=np.int64)
    return span[~np.isin(span, np.asarray(skipped, dtype=np.int64))][:count]


def read_batches(paths: Sequence[str | Path], vocab: Vocabulary, problems: list[Problem],
                 chunk_rows: int = DEFAULT_CHUNK_ROWS, block_bytes: int = DEFAULT_BLOCK_BYTES,
                 columns: Collection[str] | None = None) -> Iterator[RecordBatch]:
    """Batches from record files: CSV streamed column-wise (``block_bytes`` at a time, only ``columns`` if
    given), other formats read through records/_readers.py and batched ``chunk_rows`` records at a time."""
    seen = SeenIds()
    for path in map(Path, paths):
        if path.suffix.lower() == ".csv" and path.is_file():
            yield from read_csv_batches(path, vocab, problems, seen, block_bytes, columns)
            continue
        records, found = read_records([path], vocab)
        problems.extend(found)
        yield from batches_from_records(unique_records(records, seen, str(path), problems), chunk_rows)


def unique_records(records: Sequence[Record], seen: SeenIds, file: str, problems: list[Problem]) -> list[Record]:
    """The records whose id has not been read before; each repeat is reported, as records/_readers.py does."""
    repeat, first_files = seen.add([r.id for r in records], seen.file_number(file))
    firsts = iter(first_files)
    kept = []
    for rec, again in zip(records, repeat.tolist()):
        if not again:
            kept.append(rec)
            continue
        tail = rec.source.rsplit(":", 1)[-1] if rec.source and ":" in rec.source else ""
        problems.append(Problem(f"duplicate record id {rec.id!r} (first in {next(firsts)})", file=file,
                                line=int(tail) if tail.isdigit() else None, field="id",
                                hint="give each record its own id"))
    return kept
