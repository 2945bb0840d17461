"""Records evaluated a chunk at a time, on every core: results in the records' order, memory flat.

Records are independent, so a long run is cut into chunks and each chunk is turned into whatever its
caller needs (file text, table rows, a tally) by a pure function, in this process or, for a large run,
in worker processes. The caller receives the chunks' results in order and keeps no finding it has written.
"""

from __future__ import annotations

import os
from collections import deque
from contextlib import contextmanager
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, TypeVar

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


def map_chunks(work: Callable[[S, Sequence[Record]], T], settings: S, records: Iterable[Record],
               jobs: int = 1) -> Iterator[T]:
    """``work(settings, chunk)`` for each chunk of ``records``, in order.

    With ``jobs`` above 1 and enough records, the chunks go to that many worker processes, at most two
    each in flight. ``records`` may be read as they come (a generator): the next chunk is read while the
    workers have the last ones. ``work`` must be a module-level function and ``settings`` picklable, since each
    worker is a fresh interpreter ("spawn": the same on every platform and Python, and safe whatever
    threads this process has) that receives ``settings`` once, and collects cycles at this process's pace
    (``gc.get_threshold``).

    Ctrl-C is this process's alone: a terminal sends SIGINT to every process of the run, but the workers
    ignore it from their first instruction (they start with it blocked), so it reaches the caller as one
    ``KeyboardInterrupt``. Whatever stops the run early (an interrupt, an exception, the caller closing this
    iterator), the chunks not started are cancelled and the workers stop once the chunks they have are done
    (or are ended, if they overstay ``STOP_WAIT``).
    """
    source = iter(records)
    first = list(islice(source, PARALLEL_FROM))  # enough to be worth the workers, or every record
    chunks = chain((first[i:i + CHUNK] for i in range(0, len(first), CHUNK)),
                   iter(lambda: list(islice(source, CHUNK)), []))
    if jobs <= 1 or len(first) < PARALLEL_FROM:
        for chunk in chunks:
            yield work(settings, chunk)
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    others = set(multiprocessing.active_children())
    stopping = context.Event()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker,
                               initargs=(work, settings, stopping, gc.get_threshold()))
    pending: deque[Future[Any]] = deque()
    try:
        for chunk in chunks:
            if len(pending) >= 2 * jobs:
                yield pending.popleft().result()
            with _interrupt_held():  # submit may start a worker: not to be broken off half way
                pending.append(pool.submit(_worker_chunk, chunk))
        while pending:
            yield pending.popleft().result()
        pool.shutdown()
    except BaseException as exc:
        pending.clear()
        with _interrupt_held(keep=isinstance(exc, Exception)):
            _stop(pool, stopping, [p for p in multiprocessing.active_children() if p not in others])
        raise


#: Seconds the workers get to finish the chunks they have started when a run stops early, then to end once
#: told to (SIGTERM), before they are killed.
STOP_WAIT = 10.0


def _stop(pool: Any, stopping: Any, workers: Sequence[Any]) -> None:
    """Shut ``pool`` down early: the chunks not started cancelled (those the pool has already handed to a
    worker skipped, ``stopping`` being set), the workers left to finish the one each is working on and ended
    if they do not, and the pool's thread given time to finish.

    A worker is ended only if it overstays: one ended while it sends a result leaves the pool's thread waiting
    for the rest of it for ever, and Python waits for that thread before it exits. Left running, that thread
    also raced Python's exit to a pipe it closes ("Exception ignored in: <module 'threading'> ... Bad file
    descriptor"). The pool's own thread cancels the chunks not started (``cancel_futures``), never this one: a
    future cancelled here while that thread failed it for a broken pool raised InvalidStateError there.
    """
    import time

    manager = getattr(pool, "_executor_manager_thread", None)  # which shutdown forgets
    stopping.set()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + STOP_WAIT
    for process in workers:
        process.join(max(0.0, deadline - time.monotonic()))
    for ending in (lambda process: process.terminate(), lambda process: process.kill()):
        overstaying = [process for process in workers if process.is_alive()]
        if not overstaying:
            break
        for process in overstaying:
            ending(process)
        deadline = time.monotonic() + STOP_WAIT
        for process in overstaying:
            process.join(max(0.0, deadline - time.monotonic()))
    if manager is not None:
        manager.join(STOP_WAIT)


@contextmanager
def _interrupt_held(keep: bool = True) -> Iterator[None]:
    """Ctrl-C held back for the length of the block: raised when it ends (dropped, with ``keep`` false), and
    blocked in any process started inside it, which inherits the mask (a worker ignores it from then on).

    Only in the main thread, where Python runs its signal handlers; elsewhere the block runs as it is.
    """
    import signal
    import threading

    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield  # (None: a handler not set from Python, which cannot be put back)
        return
    held: list[tuple[int, Any]] = []
    signal.signal(signal.SIGINT, lambda signum, frame: held.append((signum, frame)))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if hasattr(signal, "pthread_sigmask") else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # a SIGINT that came meanwhile is handled now: held
        signal.signal(signal.SIGINT, previous)
        if held and keep:
            if callable(previous):
                previous(*held[0])  # Python's own handler raises KeyboardInterrupt
            else:
                signal.raise_signal(signal.SIGINT)  # SIG_DFL ends the process, SIG_IGN drops it, as they would have


_worker: tuple[Callable[[Any, Sequence[Record]], Any], Any, Any] | None = None


def _start_worker(work: Callable[[Any, Sequence[Record]], Any], settings: Any, stopping: Any,
                  collecting: tuple[int, ...]) -> None:
    import gc
    import signal

    global _worker
    gc.set_threshold(*collecting)  # at the pace of the process that started it (cli.py sets a slower one)
    # The worker was started with SIGINT blocked (_interrupt_held): ignored from now on, and one that came
    # meanwhile dropped. Ctrl-C is for the main process, which ends the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _worker = (work, settings, stopping)
    _end_with_parent()


def _end_with_parent() -> None:
    """End this worker as soon as the process that started it is gone. Killed outright (``kill -9``, a scheduler's
    time limit), that process cannot end its workers, which would wait for chunks for ever, each holding its
    memory, one more pair every night."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker_chunk(records: Sequence[Record]) -> Any:
    assert _worker is not None, "the worker was not started with its work"
    work, settings, stopping = _worker
    if stopping.is_set():
        return None  # the run has stopped: nobody waits for this chunk
    return work(settings, records)
