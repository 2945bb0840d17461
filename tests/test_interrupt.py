"""Ctrl-C in a terminal: SIGINT to every process of the run (the CLI and its workers), as a terminal sends it.

Each test starts the real command in a process group of its own, on generated data, waits for a sign that the
run has reached the stage it is about (a worker started, results written, a Parquet row group flushed), never a
fixed time, then sends SIGINT to the whole group (os.killpg). The run must end with exit code 130 and the one line
``compliance: interrupted``: no traceback from the main process or a worker, every process of the group gone,
and an earlier output left as it was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process group from /proc (Linux)")

#: Generous bounds for a busy two-core CI machine: none is waited out unless something is wrong.
MARKER_TIMEOUT = 180
EXIT_TIMEOUT = 60
#: The processes of the group must all be gone this long after the command exits (they are gone at once).
GONE_TIMEOUT = 20
EARLIER = b"an earlier run's output\n"
FORBIDDEN = ("Traceback", "Exception ignored", "Fatal Python error", "KeyboardInterrupt", "InvalidStateError")


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    """30,000 children's records (about 49,000 records, 146,000 findings): enough for worker processes and
    for Parquet row groups to be written before the end."""
    folder = tmp_path_factory.mktemp("interrupt") / "extract"
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "synth", "--children", "30000", "--seed", "5",
                           "--output-dir", str(folder)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return folder


def _group(pgid: int) -> list[tuple[int, bytes]]:
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
        state, _parent, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state not in ("Z", "X"):
            found.append((int(entry), command))
    return found


def _workers(pgid: int) -> int:
    return sum(b"spawn_main" in command for _, command in _group(pgid))


def _temporary(path: Path) -> list[Path]:
    """The temporary files an atomic write of ``path`` makes beside it."""
    return [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.") and p.name.endswith(".tmp")]


def _interrupt(args: list[str], cwd: Path, ready: Callable[[int], bool], what: str) -> tuple[int, str]:
    """Run the command in its own process group, SIGINT the group once ``ready(pgid)``; its exit code and stderr,
    once every process of the group is gone."""
    errors = cwd / "stderr.txt"
    with errors.open("wb") as stderr:
        child = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=stderr, cwd=cwd, start_new_session=True)
    try:
        deadline = time.monotonic() + MARKER_TIMEOUT
        while not ready(child.pid):
            assert child.poll() is None, f"the run ended (exit {child.returncode}) before {what}: " \
                                         f"{errors.read_text()}"
            assert time.monotonic() < deadline, f"no sign of {what} after {MARKER_TIMEOUT} s"
            time.sleep(0.02)
        os.killpg(child.pid, signal.SIGINT)
        try:
            code = child.wait(EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {EXIT_TIMEOUT} s after Ctrl-C: {_group(child.pid)}; {errors.read_text()}")
        deadline = time.monotonic() + GONE_TIMEOUT
        while _group(child.pid):
            assert time.monotonic() < deadline, f"processes left {GONE_TIMEOUT} s after the run: {_group(child.pid)}"
            time.sleep(0.05)
    finally:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        child.wait()
    return code, errors.read_text()


def _assert_interrupted(code: int, err: str) -> None:
    assert code == 130, err
    assert err.splitlines()[-1] == "compliance: interrupted", err
    assert err.count("interrupted") == 1, err
    for word in FORBIDDEN:
        assert word not in err, err


def test_ctrl_c_as_the_workers_start_ends_every_process_with_one_line(extract, tmp_path):
    # A worker that gets SIGINT while its interpreter starts printed "Fatal Python error: init_import_site" or a
    # KeyboardInterrupt traceback; the pool then broke, and some runs never ended.
    output = tmp_path / "findings.csv"
    output.write_bytes(EARLIER)
    code, err = _interrupt(["check", str(extract), "--as-of", "2025-03-31", "--output", str(output), "--jobs", "2"],
                           tmp_path, lambda pgid: _workers(pgid) >= 1, "a worker process")
    _assert_interrupted(code, err)
    assert output.read_bytes() == EARLIER
    assert not _temporary(output)


def test_ctrl_c_while_the_workers_send_results_ends_every_process_with_one_line(extract, tmp_path):
    output = tmp_path / "findings.csv"
    output.write_bytes(EARLIER)

    def writing(pgid: int) -> bool:  # results from the workers are being written: well past the header
        return _workers(pgid) >= 1 and any(p.stat().st_size > 1_000_000 for p in _temporary(output))

    code, err = _interrupt(["check", str(extract), "--as-of", "2025-03-31", "--output", str(output), "--jobs", "2"],
                           tmp_path, writing, "results being written")
    _assert_interrupted(code, err)
    assert output.read_bytes() == EARLIER
    assert not _temporary(output)


def _between_row_groups(files: Callable[[], list[Path]]) -> Callable[[int], bool]:
    """Ready once a row group (50,000 rows) of a Parquet file is on disk and the file has stopped growing: its
    writer is open between two row groups (an interrupt inside pyarrow's write is another case, and passes too)."""
    sizes: list[int] = []

    def ready(pgid: int) -> bool:
        sizes.append(max((p.stat().st_size for p in files()), default=0))
        return sizes[-1] > 100_000 and sizes[-5:] == [sizes[-1]] * 5

    return ready


def test_ctrl_c_while_a_parquet_file_is_written_leaves_no_exception_from_its_writer(extract, tmp_path):
    # pyarrow's writer, collected after the run had closed the file, tried to finish it: "Exception ignored in:
    # <function ParquetWriter.__del__> ... ValueError: write to closed file".
    output = tmp_path / "findings.parquet"
    output.write_bytes(EARLIER)
    code, err = _interrupt(["check", str(extract), "--as-of", "2025-03-31", "--output", str(output), "--jobs", "1"],
                           tmp_path, _between_row_groups(lambda: _temporary(output)), "a row group written")
    _assert_interrupted(code, err)
    assert output.read_bytes() == EARLIER
    assert not _temporary(output)


def test_ctrl_c_while_workers_feed_a_parquet_file_leaves_no_exception_from_its_writer(extract, tmp_path):
    # The writer is open before the first worker starts, and writes nothing until its first row group.
    output = tmp_path / "findings.parquet"
    output.write_bytes(EARLIER)
    code, err = _interrupt(["check", str(extract), "--as-of", "2025-03-31", "--output", str(output), "--jobs", "2"],
                           tmp_path, lambda pgid: _workers(pgid) >= 1, "a worker process")
    _assert_interrupted(code, err)
    assert output.read_bytes() == EARLIER
    assert not _temporary(output)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_during_the_nightly_report_publishes_nothing_and_prints_one_line(extract, tmp_path, jobs):
    # The run's findings.parquet is open from its start (its writer was the one that printed "Exception ignored").
    out = tmp_path / "report"
    if jobs == "1":
        ready = _between_row_groups(lambda: list(out.glob(".staging-*/*/findings.parquet")))
    else:
        def ready(pgid: int) -> bool:  # the workers' findings being written into the run's staging folder
            return _workers(pgid) >= 1 and any(p.stat().st_size > 1_000_000
                                               for p in out.glob(".staging-*/*/findings.csv"))
    code, err = _interrupt(["report", str(extract), "--out", str(out), "--as-of", "2025-03-31", "--quiet",
                            "--jobs", jobs], tmp_path, ready, "findings being written")
    _assert_interrupted(code, err)
    published = [p.name for p in out.iterdir() if not p.name.startswith(("history", ".staging-"))]
    assert published == []
