"""Record ids already read, to find a later record with the same id: linear time, compact memory.

Millions of ids are checked in chunks, so this is an open-addressing hash table built from numpy
arrays rather than a Python set (which would hold a string object per id). The ids themselves are
kept as fixed-width bytes, so a hash that matches is confirmed by comparing the ids: a duplicate is
never a coincidence of hashes. Each chunk costs time in proportion to its own size; the table doubles
when 70% full, so growing it costs, in all, time in proportion to the ids read.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

#: Claims are ``claimant - _CLAIM``: negative, below any slot in use (positive) or empty (0).
_CLAIM = 1 << 31
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


class SeenIds:
    """Record ids already read, each with the file it came from."""

    def __init__(self) -> None:
        self.files: list[str] = []
        self._ids = np.zeros(16, dtype="S1")  # distinct ids in the order first read; the first ``_count`` are used
        self._owner = np.zeros(16, dtype=np.uint16)  # the file each id was first read in
        self._count = 0
        self._slots = np.zeros(1 << 10, dtype=np.int32)  # 0: empty; otherwise 1 + the id's index in ``_ids``

    def file_number(self, file: str) -> int:
        self.files.append(file)
        if len(self.files) > np.iinfo(self._owner.dtype).max:
            self._owner = self._owner.astype(np.int64)
        return len(self.files) - 1

    def __len__(self) -> int:
        return self._count

    def expect(self, more: int) -> None:
        """Make room now for about ``more`` ids to come (an estimate from a file's size), so the table is
        not rebuilt again and again as it fills."""
        self._reserve(max(more, 0), self._ids.dtype.itemsize)

    def add(self, ids: Any, file_number: int) -> tuple[np.ndarray, list[str]]:
        """Mark the repeats among ``ids`` (in order) and remember the rest: (repeat mask, first file of each)."""
        keys = fixed_width(ids)
        n = keys.size
        repeat = np.zeros(n, dtype=bool)
        first = np.full(n, -1, dtype=np.int64)
        if n == 0:
            return repeat, []
        self._reserve(n, keys.dtype.itemsize)
        mask = np.uint64(self._slots.size - 1)
        position = _hash(keys) & mask
        pending = np.arange(n, dtype=np.int64)
        with np.errstate(over="ignore"):
            while pending.size:
                slot = position[pending].astype(np.int64)
                occupant = self._slots[slot]
                empty = occupant == 0
                waiting = np.zeros(0, dtype=np.int64)
                if empty.any():
                    # Of several ids reaching one empty slot, the first in the file takes it; the others
                    # stay to compare with it, so a repeat within a chunk is found as one across chunks.
                    claimants, claimed = pending[empty], slot[empty]
                    # Claims are written into the empty slots themselves as negative numbers, the smallest
                    # for the first claimant, so the lowest wins without a table of claims beside them.
                    claim = (claimants - _CLAIM).astype(np.int32)
                    np.minimum.at(self._slots, claimed, claim)
                    won = self._slots[claimed] == claim
                    winners, free = claimants[won], claimed[won]
                    index = np.arange(self._count, self._count + winners.size, dtype=np.int64)
                    self._ids[index] = keys[winners]
                    self._owner[index] = file_number
                    self._count += winners.size
                    self._slots[free] = index + 1
                    waiting = claimants[~won]
                taken = ~empty
                probing = pending[taken]
                held = occupant[taken] - 1
                same = self._ids[held] == keys[probing]
                repeat[probing[same]] = True
                first[probing[same]] = held[same]
                moving = probing[~same]
                position[moving] = (position[moving] + np.uint64(1)) & mask
                pending = np.sort(np.concatenate([waiting, moving]))
        owners = self._owner[first[repeat]]
        return repeat, [self.files[f] for f in owners.tolist()]

    def _reserve(self, n: int, width: int) -> None:
        """Room for ``n`` more ids of up to ``width`` bytes, keeping the table at most 70% full."""
        needed = self._count + n
        if width > self._ids.dtype.itemsize:
            self._ids = self._ids.astype(f"S{width}")
        if needed > self._ids.size:
            size = max(needed, 2 * self._ids.size)
            self._ids = np.resize(self._ids, size)
            self._owner = np.resize(self._owner, size)
        if 10 * needed > 7 * self._slots.size:
            capacity = self._slots.size
            while 10 * needed > 7 * capacity:
                capacity *= 2
            self._rehash(capacity)

    def _rehash(self, capacity: int) -> None:
        """Place every id again in a table of ``capacity`` slots (the ids are distinct: nothing to compare)."""
        self._slots = np.zeros(capacity, dtype=np.int32)
        mask = np.uint64(capacity - 1)
        position = _hash(self._ids[:self._count]) & mask
        pending = np.arange(self._count, dtype=np.int64)
        while pending.size:
            slot = position[pending].astype(np.int64)
            free = self._slots[slot] <= 0
            claimants, claimed = pending[free], slot[free]
            claim = (claimants - _CLAIM).astype(np.int32)
            np.minimum.at(self._slots, claimed, claim)
            won = self._slots[claimed] == claim
            self._slots[claimed[won]] = claimants[won] + 1
            placed = np.zeros(pending.size, dtype=bool)
            placed[np.flatnonzero(free)[won]] = True
            pending = pending[~placed]
            position[pending] = (position[pending] + np.uint64(1)) & mask


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


def fixed_width(ids: Any) -> np.ndarray:
    """UTF-8 ids as a numpy array of fixed-width byte strings (zero-padded), straight from Arrow's buffers."""
    ids = pa.array(ids, type=pa.string()) if not isinstance(ids, pa.Array) else ids
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype="S1")
    ids = pc.cast(ids, pa.large_string()) if ids.offset or ids.null_count else ids
    longest = pc.max(pc.binary_length(ids)).as_py() or 1
    if pc.all(pc.equal(pc.binary_length(ids), longest)).as_py():
        # Every id as long as the longest (the usual case: ids in one format): the bytes are the array.
        data = ids.buffers()[2]
        start = (np.frombuffer(ids.buffers()[1], dtype=np.int64 if pa.types.is_large_string(ids.type) else np.int32,
                               count=1)[0])
        return np.frombuffer(data, dtype=f"S{longest}", count=n, offset=int(start)).copy()
    offsets_buffer, data_buffer = ids.buffers()[1], ids.buffers()[2]
    offset_type = np.int64 if pa.types.is_large_string(ids.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type, count=n + 1).astype(np.int64)
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, dtype=np.uint8)
    lengths = np.diff(offsets)
    width = max(int(lengths.max()), 1)
    out = np.zeros((n, width), dtype=np.uint8)
    total = int(offsets[-1] - offsets[0])
    if total:
        row = np.repeat(np.arange(n), lengths)
        col = np.arange(total) - np.repeat(offsets[:-1] - offsets[0], lengths)
        out[row, col] = data[offsets[0]:offsets[-1]]
    return out.view(f"S{width}").ravel()
