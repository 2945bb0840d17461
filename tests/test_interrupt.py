"""Ctrl-C in a terminal: SIGINT to every process of the run (the CLI and its workers), as a terminal sends it.

Each test starts the real command in a process group of its own, on generated data, waits for a sign that the
run has reached the stage it is about (a worker started, results written, a Parquet row group flushed), never a
fixed time, then sends SIGINT to the whole group (os.killpg). The run must end with exit code 130 and the one line
``compliance: interrupted``: no traceback from the main process or a worker, every process of the group gone,
and an earlier output left as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT
from process_groups import group, interrupted

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process group from /proc (Linux)")

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


def _workers(pgid: int) -> int:
    return sum(b"spawn_main" in command for _, command in group(pgid))


def _temporary(path: Path) -> list[Path]:
    """The temporary files an atomic write of ``path`` makes beside it."""
    return [p for p in path.parent.iterdir() if p.name.startswith(f".{path.name}.") and p.name.endswith(".tmp")]


def _interrupt(args: list[str], cwd: Path, ready: Callable[[int], bool], what: str) -> tuple[int, str]:
    """The command run and interrupted once ``ready(pgid)``: its exit code and stderr, every process gone."""
    return interrupted([sys.executable, str(ROOT / "cli.py"), *args], cwd / "stderr.txt", ready, what, cwd=cwd)


def _assert_interrupted(code: int, err: str) -> None:
    assert code == 130, err
    assert err.splitlines()[-1] == "compliance: interrupted", err
    assert err.count("interrupted") == 1, err
    for word in FORBIDDEN:
        assert word not in err, err


def _between_row_groups(files: Callable[[], list[Path]]) -> Callable[[int], bool]:
    """Ready once a row group (50,000 rows) of a Parquet file is on disk and the file has stopped growing: its
    writer is open between two row groups (an interrupt inside pyarrow's write is another case, and passes too)."""
    sizes: list[int] = []

    def ready(pgid: int) -> bool:
        sizes.append(max((p.stat().st_size for p in files()), default=0))
        return sizes[-1] > 100_000 and sizes[-5:] == [sizes[-1]] * 5

    return ready


def _a_worker(output: Path) -> Callable[[int], bool]:
    return lambda pgid: _workers(pgid) >= 1


def _held_in_a_file(output: Path) -> Callable[[int], bool]:
    """Ready once the output waits in a temporary file, which has no name (deleted as it is made), for the rows that
    could not be read, written first, to be known."""
    def ready(pgid: int) -> bool:
        for pid, _ in group(pgid):
            try:
                links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:
                continue
            if any(link.startswith(tempfile.gettempdir()) and link.endswith(" (deleted)") for link in links):
                return True
        return False

    return ready


def _results_held(output: Path) -> Callable[[int], bool]:
    # Results from the workers are coming in: held in a temporary file until every record has been read.
    held = _held_in_a_file(output)
    return lambda pgid: _workers(pgid) >= 1 and held(pgid)


#: (output, --jobs, the sign awaited, what it is). As the workers start, a worker that got SIGINT while its
#: interpreter started printed "Fatal Python error: init_import_site" or a KeyboardInterrupt traceback, and the pool
#: broke, some runs never ending. Writing Parquet, pyarrow's writer, collected after the run had closed the file,
#: tried to finish it: "Exception ignored in: <function ParquetWriter.__del__> ... ValueError: write to closed file";
#: the writer is open from the start, and the rows wait in a temporary file until every record has been read.
CHECK_CASES = {
    "as the workers start": ("findings.csv", "2", _a_worker, "a worker process"),
    "while the workers send results": ("findings.csv", "2", _results_held, "results held in a temporary file"),
    "while a parquet file's rows are held": ("findings.parquet", "1", _held_in_a_file, "rows held in a temporary file"),
    "while workers feed a parquet file": ("findings.parquet", "2", _a_worker, "a worker process"),
}


@pytest.mark.parametrize("case", CHECK_CASES)
def test_ctrl_c_during_check_ends_every_process_with_one_line_and_keeps_the_earlier_output(extract, tmp_path, case):
    name, jobs, sign, what = CHECK_CASES[case]
    output = tmp_path / name
    output.write_bytes(EARLIER)
    code, err = _interrupt(["check", str(extract), "--as-of", "2025-03-31", "--output", str(output), "--jobs", jobs],
                           tmp_path, sign(output), what)
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
