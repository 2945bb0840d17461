"""The progress bar draws only on a real terminal, only once a run has taken a moment, and erases itself."""

from __future__ import annotations

import os
import pty

from compliance.nightly._progress import ProgressBar


def read_all(fd):
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def run_through(bar, total, chunk=10):
    """Report ``total`` items done in chunks, as a run does, then clear the bar."""
    for done in range(0, total, chunk):
        bar.advance(min(chunk, total - done))
    bar.clear()


def test_bar_on_a_terminal():
    master, slave = pty.openpty()
    with open(slave, "w", closefd=True) as terminal:
        run_through(ProgressBar(terminal, 50, delay=0), 50)
        seen = read_all(master)
    os.close(master)
    assert "\r[" in seen and "100%  50/50 records" in seen
    assert seen.endswith("\r\x1b[K")


def test_quiet_before_the_delay():
    master, slave = pty.openpty()
    with open(slave, "w", closefd=True) as terminal:
        run_through(ProgressBar(terminal, 50, delay=60), 50)
        seen = read_all(master)
    os.close(master)
    assert seen == ""


def test_nothing_on_a_pipe_or_without_a_stream(tmp_path):
    reader, writer = os.pipe()
    with open(writer, "w") as pipe:
        run_through(ProgressBar(pipe, 3, delay=0), 3, 1)
    with open(reader) as got:
        assert got.read() == ""
    run_through(ProgressBar(None, 2, delay=0), 2, 1)
    log = tmp_path / "cron.log"
    with open(log, "w") as file:
        run_through(ProgressBar(file, 2, delay=0), 2, 1)
    assert log.read_text() == ""
