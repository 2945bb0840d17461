"""Arrow arrays to numpy and back, straight from their buffers.

pyarrow's own conversions (``Array.to_numpy``, ``pa.array`` of a numpy array or of a list, a Python number
given to a compute function) first look for pandas types, and so import pandas wherever it is installed: a
third of a second and some 50 MB before the first record is read, for nothing. These read and write the
buffers themselves; nulls are read as whatever the buffer holds there, so callers mask them.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pyarrow as pa


def offsets(array: Any) -> np.ndarray:
    """Where each cell of a string or binary array starts in its data buffer, and where the last one ends."""
    dtype = np.int64 if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type) else np.int32
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array) + 1, offset=array.offset * dtype().itemsize)


def lengths(array: Any) -> np.ndarray:
    """The length in bytes of each cell of a string or binary array."""
    return np.diff(offsets(array))


def byte_at(array: Any, k: int, where: np.ndarray) -> np.ndarray:
    """Byte ``k`` of each cell of a string or binary array (counted from the end if negative), where ``where``
    (cells long enough); 0 elsewhere."""
    out = np.zeros(len(array), dtype=np.uint8)
    if where.any():
        data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
        starts = offsets(array)
        out[where] = data[(starts[:-1] if k >= 0 else starts[1:])[where] + k]
    return out


def _cell_bytes(array: Any) -> np.ndarray:
    """The bytes of the cells of a string or binary array, end to end (none for an array of no data)."""
    data_buffer = array.buffers()[2]
    if data_buffer is None or not len(array):
        return np.zeros(0, dtype=np.uint8)
    ends = offsets(array)
    return np.frombuffer(data_buffer, dtype=np.uint8)[int(ends[0]):int(ends[-1])]


def byte_span(array: Any) -> tuple[int, int] | None:
    """(smallest, largest) byte of the cells of a string or binary array, None if they hold none: every byte
    printable ASCII (32 to 126) says at once that no cell holds a control character or a line break, and every
    byte below 128 that the cells are UTF-8."""
    data = _cell_bytes(array)
    return (int(data.min()), int(data.max())) if data.size else None


def holds_byte(array: Any, byte: int) -> bool:
    """Whether any cell of a string or binary array holds ``byte``: a search of its data in numpy, some fifteen
    times quicker than pyarrow's match_substring."""
    return bool((_cell_bytes(array) == byte).any())


def as_text(array: Any) -> Any:
    """A binary array whose bytes are known to be UTF-8 as a string array, sharing its buffers."""
    kind = pa.large_string() if pa.types.is_large_binary(array.type) else pa.string()
    return pa.Array.from_buffers(kind, len(array), array.buffers(), null_count=array.null_count, offset=array.offset)


def to_numpy(array: Any) -> np.ndarray:
    """The values of an Arrow array of integers, dates (as days since 1970), timestamps (as their integers) or
    booleans; read-only unless booleans."""
    n, offset = len(array), array.offset
    kind = array.type
    if pa.types.is_boolean(kind):
        bits = np.unpackbits(np.frombuffer(array.buffers()[1], dtype=np.uint8), count=offset + n, bitorder="little")
        return bits[offset:].view(bool)
    if pa.types.is_date32(kind):
        dtype = np.dtype(np.int32)
    elif pa.types.is_timestamp(kind) or pa.types.is_date64(kind):
        dtype = np.dtype(np.int64)
    elif pa.types.is_integer(kind):
        dtype = np.dtype(("i" if pa.types.is_signed_integer(kind) else "u") + str(kind.bit_width // 8))
    else:
        raise TypeError(f"no numpy values for Arrow type {kind}")
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=n, offset=offset * dtype.itemsize)


def _bitmap(mask: np.ndarray) -> Any:
    return pa.py_buffer(np.packbits(np.ascontiguousarray(mask, dtype=bool), bitorder="little"))


def bools(mask: np.ndarray) -> Any:
    """A numpy boolean array as an Arrow one (a filter)."""
    return pa.Array.from_buffers(pa.bool_(), mask.size, [None, _bitmap(mask)])


def integers(values: np.ndarray) -> Any:
    """A numpy array of integers as an Arrow int64 array (indices to take)."""
    data = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), data.size, [None, pa.py_buffer(data)])


def strings(values: Sequence[str]) -> Any:
    """Python strings as an Arrow string array."""
    encoded = [v.encode("utf-8") for v in values]
    ends = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=ends[1:])
    large = ends[-1] >= 1 << 31
    return pa.Array.from_buffers(pa.large_string() if large else pa.string(), len(encoded),
                                 [None, pa.py_buffer(ends if large else ends.astype(np.int32)),
                                  pa.py_buffer(b"".join(encoded))])


def with_nulls(array: Any, present: np.ndarray) -> Any:
    """The same cells (no copy), null where ``present`` is False: a cast then leaves those alone."""
    bits = np.concatenate([np.zeros(array.offset, dtype=bool), present]) if array.offset else present
    return pa.Array.from_buffers(array.type, len(array), [_bitmap(bits), *array.buffers()[1:]], offset=array.offset)
