"""Record ids already read, to find a later record with the same id: linear time, compact memory.

Millions of ids are checked in chunks, so this is an open-addressing hash table built from numpy arrays
rather than a Python set (which would hold a string object per id, some 60 bytes). Each id read is numbered in
file order; beside each number the table keeps 16 bits of its hash (a tag), and the ids themselves a chunk at
a time, compressed: they are read back only where a tag matches (a duplicate, or one comparison in 65,536), to
confirm it, so a duplicate is never a coincidence of hashes. Memory grows by about 9 bytes a row (ids of one
pattern, such as ``C0012345-R1``, compress to half a byte; a repeat is counted too, and the problem that
reports it costs far more). Each chunk costs time in proportion to its own size; the table doubles when 70%
full, so growing it costs, in all, time in proportion to the ids read, and it is rebuilt a chunk of ids at a
time, so that costs no memory beside it.

Ids are handled as fixed-width bytes, padded to the longest of their class of width (8 bytes, 16, 32...): each class
apart, so that one long id (a note pasted into its cell, up to 1,000 characters) pads only the ids as long as it.

Ids in ascending order (as extracts are often sorted by their key) are distinct by their order alone: while every
id read is greater than the one before it, only the ids are kept, and the table is built from them when one is
not (2,000,000 ids in order are checked in a third of the time).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from ..errors import InputError, Problem
from . import _arrow

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_LOW = np.uint64(0xFFFF)
_HIGH = np.uint64(32)
#: Ids are numbered in 32 bits, one more than the number in a slot: rows read in one run, repeats included.
_MOST_ROWS = (1 << 31) - 2
#: The most bytes of ids kept as they are: older chunks of ids are compressed beyond it (a few files' worth of
#: ids cost nothing to compress; millions cost a few milliseconds a chunk).
_PLAIN_BYTES = 8 << 20


class _Run:
    """The ids of one chunk, in order, as fixed-width bytes, compressed if long; ``repeats``: which of them
    repeat an id read before (they hold no slot).

    Compressed byte by byte across the ids (every first byte, then every second...), as the ids of a file share
    their pattern column by column: ``C0012345-R1`` then takes under half a byte, not 1.7, and less time."""

    __slots__ = ("start", "count", "width", "file", "data", "compressed", "repeats")

    def __init__(self, start: int, keys: np.ndarray, file: int, repeats: np.ndarray) -> None:
        self.start, self.count, self.width, self.file = start, keys.size, keys.dtype.itemsize, file
        self.data: bytes = keys.tobytes()
        self.compressed = False
        self.repeats = repeats if repeats.size else None

    def compress(self) -> None:
        across = np.frombuffer(self.data, dtype=np.uint8).reshape(self.count, self.width).T.tobytes()
        # To bytes of their own size: pyarrow's buffer would keep the room the worst case needs.
        self.data = _codec().compress(across, asbytes=True)
        self.compressed = True

    def keys(self) -> np.ndarray:
        if not self.compressed:
            return np.frombuffer(self.data, dtype=f"S{self.width}", count=self.count)
        across = np.frombuffer(_codec().decompress(self.data, self.count * self.width, asbytes=True), dtype=np.uint8)
        return np.ascontiguousarray(across.reshape(self.width, self.count).T).view(f"S{self.width}").ravel()


_CODEC: list[Any] = []


def _codec() -> Any:
    """zstd at a fast level (some 500 MB/s; ids such as ``C0012345-R1`` to a seventh of their size, where level 1
    takes a quarter, at a third of the speed), or None where pyarrow was built without it."""
    if not _CODEC:
        _CODEC.append(pa.Codec("zstd", compression_level=-1) if pa.Codec.is_available("zstd") else None)
    return _CODEC[0]


class SeenIds:
    """Record ids already read, each with the file it came from."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._runs: list[_Run] = []
        self._tags = np.zeros(16, dtype=np.uint16)  # each id's tag, by its number
        self._count = 0  # ids numbered, repeats included
        self._distinct = 0
        self._slots = np.zeros(1 << 10, dtype=np.int32)  # 0: empty; otherwise 1 + the number of an id
        self._plain = 0  # bytes of ids not compressed
        #: The last id read while every id read was greater than the one before it (no table is kept meanwhile);
        #: None once one was not.
        self._ascending: bytes | None = b""
        self._expected = 0  # ids expected in all (read and to come), for the table when it is built

    def file_number(self, file: str) -> int:
        self.files.append(file)
        return len(self.files) - 1

    def __len__(self) -> int:
        return self._distinct

    def expect(self, more: int) -> None:
        """Make room now for about ``more`` ids to come (an estimate from a file's size), so the table is
        not rebuilt again and again as it fills."""
        if self._ascending is not None:
            self._expected = max(self._expected, self._count + more)
            return
        self._reserve(max(more, 0))

    def add(self, ids: Any, file_number: int) -> tuple[np.ndarray, list[str]]:
        """Mark the repeats among ``ids`` (in order) and remember the rest: (repeat mask, first file of each)."""
        if not isinstance(ids, pa.Array):
            ids = pa.array(ids, type=pa.string())
        n = len(ids)
        if n == 0:
            return np.zeros(0, dtype=bool), []
        if self._count + n > _MOST_ROWS:
            raise InputError(Problem(f"more than {_MOST_ROWS:,} records in one run: too many to check their ids",
                                     hint="split the records into several runs"))
        groups = _by_width(ids)
        if groups is None:
            repeat, first = self._add(fixed_width(ids), file_number)
        else:
            # Each width apart, in file order within it (copies of an id are always of one width, so the first of
            # them in the file is still the one kept): one long id pads only the few as long as it.
            if self._ascending is not None:
                self._index(n)
            repeat, first = np.zeros(n, dtype=bool), np.full(n, -1, dtype=np.int64)
            for rows in groups:
                repeat[rows], first[rows] = self._add(fixed_width(ids.take(_arrow.integers(rows))), file_number)
        runs = self._run_of(first[repeat])
        return repeat, [self.files[self._runs[r].file] for r in runs.tolist()]

    def _add(self, keys: np.ndarray, file_number: int) -> tuple[np.ndarray, np.ndarray]:
        """Mark the repeats among ``keys`` and keep them: (repeat mask, the number of the id each repeat repeats)."""
        n = keys.size
        repeat = np.zeros(n, dtype=bool)
        first = np.full(n, -1, dtype=np.int64)
        start = self._count
        if self._ascending is not None:
            if keys[0] > self._ascending and bool((keys[1:] > keys[:-1]).all()):
                self._ascending = bytes(keys[-1])
                self._keep(keys, file_number, repeat)
                return repeat, first
            self._index(n)
        self._reserve(n)
        hashes = _hash(keys)
        tags = self._tags[start:start + n]
        tags[:] = hashes & _LOW
        mask = self._slots.size - 1
        position = ((hashes >> _HIGH) & np.uint64(mask)).astype(np.int64)
        plain: dict[int, np.ndarray] = {}  # runs read back in this call
        pending: np.ndarray | None = None  # every id, in the first round
        # Ids with the same hash follow the same slots in step: several reaching one empty slot, any of them
        # takes it and the others find it there in the next round, as repeats of it.
        while pending is None or pending.size:
            slot = position if pending is None else position[pending]
            occupant = self._slots[slot]
            empty = occupant == 0
            where = np.flatnonzero(empty)
            claimants = where if pending is None else pending[where]
            waiting = claimants[:0]
            if claimants.size:
                claimed = slot[where]
                number = (claimants + (start + 1)).astype(np.int32)
                self._slots[claimed] = number
                waiting = claimants[self._slots[claimed] != number]
            taken = np.flatnonzero(~empty)
            probing = taken if pending is None else pending[taken]
            held = occupant[taken] - 1
            same = self._tags[held] == tags[probing]
            if same.any():  # a tag matches: the ids themselves say whether it is the same id
                same[same] = self._equal(held[same], keys[probing[same]], start, keys, plain)
                repeat[probing[same]] = True
                first[probing[same]] = held[same]
                probing = probing[~same]
            position[probing] = (position[probing] + 1) & mask
            pending = np.concatenate([waiting, probing])
        self._first_in_file(repeat, first, position, start)
        self._keep(keys, file_number, repeat)
        return repeat, first

    def _keep(self, keys: np.ndarray, file_number: int, repeat: np.ndarray) -> None:
        """Number the ids of a chunk read (``repeat``: which of them repeat an id read before) and keep them."""
        self._runs.append(_Run(self._count, keys, file_number, np.flatnonzero(repeat).astype(np.int32)))
        self._count += keys.size
        self._distinct += keys.size - int(np.count_nonzero(repeat))
        self._plain += keys.nbytes
        self._compress_old()

    def _index(self, more: int) -> None:
        """Build the table of the ids read so far, all in ascending order (so distinct), with room for ``more``."""
        self._ascending = None
        needed = max(self._count + more, self._expected)
        self._tags = np.zeros(max(needed, 16), dtype=np.uint16)
        for run in self._runs:
            self._tags[run.start:run.start + run.count] = _hash(run.keys()) & _LOW
        self._rehash(_capacity(self._slots.size, needed))

    def _first_in_file(self, repeat: np.ndarray, first: np.ndarray, position: np.ndarray, start: int) -> None:
        """Where copies of an id in this chunk met in one empty slot, any may have taken it: make the first of
        them in the file the one that holds the slot and the others its repeats, as records/_readers.py reads
        them. A repeat stays at the slot it matched in (``position``)."""
        inside = np.flatnonzero(repeat & (first >= start))
        if not inside.size:
            return
        holder = first[inside] - start
        earliest = np.arange(repeat.size, dtype=np.int64)  # by holder: the first of its copies in the file
        np.minimum.at(earliest, holder, inside)
        holders = np.unique(holder)
        lost = holders[earliest[holders] < holders]
        if not lost.size:
            return
        new = earliest[lost]
        self._slots[position[new]] = new + start + 1
        repeat[new], repeat[lost] = False, True
        first[inside] = earliest[holder] + start
        first[lost] = new + start

    def _compress_old(self) -> None:
        """Compress the oldest runs of ids until at most _PLAIN_BYTES are left as they are."""
        if _codec() is None:
            return
        for run in self._runs:
            if self._plain <= _PLAIN_BYTES:
                break
            if not run.compressed:
                self._plain -= len(run.data)
                run.compress()

    def _run_of(self, index: np.ndarray) -> np.ndarray:
        """The run each id number is in."""
        return np.searchsorted(np.array([run.start for run in self._runs], dtype=np.int64), index, side="right") - 1

    def _equal(self, held: np.ndarray, candidates: np.ndarray, start: int, keys: np.ndarray,
               plain: dict[int, np.ndarray]) -> np.ndarray:
        """Whether the ids numbered ``held`` are ``candidates``, reading back only the runs that hold them (ids
        numbered from ``start`` on are this chunk's ``keys``)."""
        out = np.zeros(held.size, dtype=bool)
        current = held >= start
        out[current] = keys[held[current] - start] == candidates[current]
        if not current.all():
            run_of = self._run_of(held)
            for r in dict.fromkeys(run_of[~current].tolist()):  # few: np.unique would load numpy.ma first
                mine = ~current & (run_of == r)
                run = self._runs[r]
                if r not in plain:
                    plain[r] = run.keys()
                out[mine] = plain[r][held[mine] - run.start] == candidates[mine]
        return out

    def _reserve(self, n: int) -> None:
        """Room for ``n`` more ids, keeping the table at most 70% full."""
        needed = self._count + n
        if needed > self._tags.size:
            grown = np.zeros(max(needed, self._tags.size + self._tags.size // 2), dtype=np.uint16)
            grown[:self._count] = self._tags[:self._count]
            self._tags = grown
        if 10 * needed > 7 * self._slots.size:
            self._rehash(_capacity(self._slots.size, needed))

    def _rehash(self, capacity: int) -> None:
        """Place every id again in a table of ``capacity`` slots, a run at a time; repeats hold no slot, so the
        ids placed are distinct and each takes the first empty slot on its path."""
        self._slots = np.zeros(capacity, dtype=np.int32)
        mask = np.uint64(capacity - 1)
        for run in self._runs:
            position = (_hash(run.keys()) >> _HIGH) & mask
            pending = np.arange(run.count, dtype=np.int64)
            if run.repeats is not None:
                pending = np.delete(pending, run.repeats)
            while pending.size:
                slot = position[pending].astype(np.int64)
                free = np.flatnonzero(self._slots[slot] == 0)
                number = (pending[free] + run.start + 1).astype(np.int32)
                self._slots[slot[free]] = number
                placed = np.zeros(pending.size, dtype=bool)
                placed[free[self._slots[slot[free]] == number]] = True
                pending = pending[~placed]
                position[pending] = (position[pending] + np.uint64(1)) & mask


def _capacity(size: int, needed: int) -> int:
    """The table's size for ``needed`` ids: ``size`` doubled until they fill at most 70% of it."""
    while 10 * needed > 7 * size:
        size *= 2
    return size


def _hash(keys: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each id, eight bytes at a time; the zero padding is skipped, so the width an id is
    stored at does not change its hash."""
    width = keys.dtype.itemsize
    words = -(-width // 8)
    if words * 8 != width:
        keys = keys.astype(f"S{words * 8}")
    matrix = keys.view(np.uint64).reshape(keys.size, words)
    h = np.full(keys.size, np.uint64(0x243F6A8885A308D3), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(words):
            word = matrix[:, j]
            mixed = (h ^ word) * _MULTIPLIER
            mixed ^= mixed >> np.uint64(31)
            h = np.where(word != 0, mixed, h)
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return h


def _by_width(ids: Any) -> list[np.ndarray] | None:
    """The rows of ids in each class of width (up to 8 bytes, 16, 32, 64...), or None if all are of one class:
    padded to the longest id, a chunk with one id of 900 bytes among 90,000 of 11 would take 80 MB."""
    words = np.maximum((_arrow.lengths(ids) + 7) >> 3, 1)
    widths = np.frexp((words - 1).astype(np.float64))[1]  # the bits of words - 1: 0 for 8 bytes, 1 for 16...
    if widths.min() == widths.max():
        return None
    return [np.flatnonzero(widths == w) for w in np.flatnonzero(np.bincount(widths))]


def fixed_width(ids: Any) -> np.ndarray:
    """Ids (an Arrow string array) as a numpy array of fixed-width UTF-8 byte strings (zero-padded), straight from
    the array's buffers."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype="S1")
    offsets = _arrow.offsets(ids).astype(np.int64)
    data_buffer = ids.buffers()[2]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    lengths = np.diff(offsets)
    width = max(int(lengths.max()), 1)
    if (lengths == width).all():
        # Every id as long as the longest (the usual case: ids in one format): the bytes are the array.
        return data[offsets[0]:offsets[-1]].view(f"S{width}").copy()
    # Byte by byte across the ids, so that nothing beside the result is larger than one byte of each id (a map of
    # every byte read took 24 bytes per byte of the ids: 30 MB for a chunk of 90,000).
    out = np.zeros((n, width), dtype=np.uint8)
    starts = offsets[:-1]
    shortest = int(lengths.min())
    for j in range(width):
        if j < shortest:
            out[:, j] = data[starts + j]
        else:
            longer = np.flatnonzero(lengths > j)
            out[longer, j] = data[starts[longer] + j]
    return out.view(f"S{width}").ravel()
