"""Records evaluated a chunk at a time, on every core: results in the records' order, memory flat.

Records are independent, so a long run is cut into chunks and each chunk is turned into whatever its
caller needs (file text, table rows, a tally) by a pure function, in this process or, for a large run,
in worker processes. The caller receives the chunks' results in order and keeps no finding it has written.
"""

from __future__ import annotations

import os
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

from ..records import Record

if TYPE_CHECKING:
    from concurrent.futures import Future

S = TypeVar("S")
T = TypeVar("T")

#: Records per chunk: big enough to amortise sending it to a worker, small enough to keep memory flat.
CHUNK = 500
#: Below this many records the run stays in one process: starting workers would cost more than it saves.
PARALLEL_FROM = 5000


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_chunks(work: Callable[[S, Sequence[Record]], T], settings: S, records: Sequence[Record],
               jobs: int = 1) -> Iterator[T]:
    """``work(settings, chunk)`` for each chunk of ``records``, in order.

    With ``jobs`` above 1 and enough records, the chunks go to that many worker processes, at most two
    each in flight. ``work`` must be a module-level function and ``settings`` picklable, since each
    worker is a fresh interpreter ("spawn": the same on every platform and Python, and safe whatever
    threads this process has) that receives ``settings`` once.
    """
    chunks = (records[i:i + CHUNK] for i in range(0, len(records), CHUNK))
    if jobs <= 1 or len(records) < PARALLEL_FROM:
        for chunk in chunks:
            yield work(settings, chunk)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(work, settings)) as pool:
        pending: deque[Future[Any]] = deque()
        try:
            for chunk in chunks:
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().result()
                pending.append(pool.submit(_worker_chunk, chunk))
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


_worker: tuple[Callable[[Any, Sequence[Record]], Any], Any] | None = None


def _start_worker(work: Callable[[Any, Sequence[Record]], Any], settings: Any) -> None:
    global _worker
    _worker = (work, settings)


def _worker_chunk(records: Sequence[Record]) -> Any:
    assert _worker is not None, "the worker was not started with its work"
    work, settings = _worker
    return work(settings, records)
