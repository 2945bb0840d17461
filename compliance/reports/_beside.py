"""Work on a stream in a second thread while this one makes the stream: two cores for a pipeline of two steps."""

from __future__ import annotations

from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")


def beside(items: Iterable[T], consume: Callable[[Iterator[T]], object], *, name: str, waiting: int) -> None:
    """Make ``items`` here and ``consume`` them in a thread called ``name``, at most ``waiting`` of them between the
    two. A failure on either side stops both and is raised here: never lost in the thread, neither left waiting."""
    import queue
    import threading

    handed: queue.Queue[tuple[T] | None] = queue.Queue(maxsize=waiting)
    failed: list[BaseException] = []

    def taken() -> Iterator[T]:
        while (item := handed.get()) is not None:
            yield item[0]

    def work() -> None:
        try:
            consume(taken())
        except BaseException as exc:  # noqa: BLE001 -- raised again in the making thread, below
            failed.append(exc)
            while handed.get() is not None:  # let the maker finish handing over
                pass

    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    try:
        for item in items:
            if failed:
                break
            handed.put((item,))
    finally:
        handed.put(None)
        worker.join()
    if failed:
        raise failed[0]
