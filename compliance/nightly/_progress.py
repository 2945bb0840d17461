"""A one-line progress bar on a terminal, for long runs: never on a pipe or a log file, so never in cron."""

from __future__ import annotations

import time
from typing import TextIO

#: The bar appears only once a run has taken this long: short runs stay quiet.
DELAY_SECONDS = 0.5
_WIDTH = 30


class ProgressBar:
    """Counts items done, as ``advance`` reports them, and redraws a bar with ``\\r`` on a terminal stream."""

    def __init__(self, stream: TextIO | None, total: int, label: str = "records",
                 delay: float = DELAY_SECONDS) -> None:
        self.stream = stream if stream is not None and stream.isatty() else None
        self.total = total
        self.label = label
        self.delay = delay
        self.shown = False
        self._start = time.monotonic()
        self._last = 0.0
        self._done = 0

    def advance(self, count: int) -> None:
        """Count ``count`` more items done (for work that arrives in chunks), redrawing the bar."""
        self._done += count
        self._update(self._done)

    def _update(self, done: int) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self._start < self.delay or (now - self._last < 0.1 and done < self.total):
            return
        self._last = now
        filled = int(_WIDTH * done / self.total) if self.total else _WIDTH
        percent = int(100 * done / self.total) if self.total else 100
        self.stream.write(f"\r[{'#' * filled}{' ' * (_WIDTH - filled)}] {percent:3d}%  {done}/{self.total} "
                          f"{self.label}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the bar so the next log line starts on a clean line."""
        if self.stream is not None and self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
