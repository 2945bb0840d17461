"""A command run in a process group of its own and interrupted as a terminal's Ctrl-C does: SIGINT to the group.

Linux only: the group's processes are read from /proc. The interrupt comes once the run shows it has reached the
stage a test is about (``ready``), never after a fixed time; the bounds are generous for a busy machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Callable

#: None of these is waited out unless something is wrong.
READY_TIMEOUT = 180
EXIT_TIMEOUT = 60
#: The group's processes must all be gone this long after the command exits (they are gone at once).
GONE_TIMEOUT = 20


def group(pgid: int) -> list[tuple[int, bytes]]:
    """The live processes (not zombies) of process group ``pgid``, with their command lines."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        state, _parent, pgroup = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgroup) == pgid and state not in ("Z", "X"):
            found.append((int(entry), command))
    return found


def interrupted(command: list[str], errors: Path, ready: Callable[[int], bool], what: str,
                cwd: Path | None = None) -> tuple[int, str]:
    """Run ``command`` in a new process group, its stderr to ``errors``; SIGINT the group once ``ready(pgid)``.
    Its exit code and stderr, once every process of the group is gone (each is killed if the test fails)."""
    with errors.open("wb") as stderr:
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                 cwd=cwd, start_new_session=True)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not ready(child.pid):
            assert child.poll() is None, f"the run ended (exit {child.returncode}) before {what}: {errors.read_text()}"
            assert time.monotonic() < deadline, f"no sign of {what} after {READY_TIMEOUT} s"
            time.sleep(0.02)
        os.killpg(child.pid, signal.SIGINT)
        try:
            code = child.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {EXIT_TIMEOUT} s after Ctrl-C: {group(child.pid)}; "
                                 f"{errors.read_text()}") from None
        deadline = time.monotonic() + GONE_TIMEOUT
        while group(child.pid):
            assert time.monotonic() < deadline, f"processes left {GONE_TIMEOUT} s after the run: {group(child.pid)}"
            time.sleep(0.05)
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
    return code, errors.read_text()
