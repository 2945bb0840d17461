"""A reader that stops early (`compliance check ... 2>&1 | head`, a log filter that exits) changes nothing in
the exit code: a scheduler reading it still sees 2 for bad rows, 1 for an overdue duty, 0 for neither, and no
traceback is shown. The pipes here are real and closed before the writes they break, so no test depends on
timing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

HEADER = "id,kind,authority,framework,report_received,report_published\n"
#: Received 03/12/2024, not published: la-publish-report's 30 working days end on 17/01/2025, so on 20/11/2026 it
#: is overdue; on 04/12/2024 it is only due.
OVERDUE = "la-{n},inspection,Town {n},ILACS,03/12/2024,\n"
#: 31 February: a row that cannot be read.
BAD = "bad-1,inspection,Bad,ILACS,31/02/2025,\n"


def closed_pipe() -> int:
    """The writing end of a pipe whose reader has already gone: every write to it fails with EPIPE."""
    reader, writer = os.pipe()
    os.close(reader)
    return writer


def records(tmp_path: Path, rows: str) -> str:
    path = tmp_path / "tracker.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("rows, as_of, code", [
    (OVERDUE.format(n=1) + BAD, "2026-11-20", 2),  # a bad row: 2, though a duty is also overdue
    (OVERDUE.format(n=1), "2026-11-20", 1),
    (OVERDUE.format(n=1), "2024-12-04", 0),  # due, not overdue
])
def test_the_exit_code_is_the_runs_when_stdout_and_stderr_go_to_a_pipe_already_closed(tmp_path, rows, as_of, code):
    writer = closed_pipe()
    try:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", records(tmp_path, rows),
                               "--as-of", as_of], stdout=writer, stderr=writer, stdin=subprocess.DEVNULL,
                              cwd=ROOT, timeout=120)
    finally:
        os.close(writer)
    assert done.returncode == code


def test_help_to_a_closed_pipe_exits_0_not_120():
    # The help fits the pipe's buffer; it is the interpreter's flush at exit that fails, and Python would exit 120.
    writer = closed_pipe()
    try:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], stdout=writer,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT, timeout=120)
    finally:
        os.close(writer)
    assert (done.returncode, done.stderr) == (0, b"")


@pytest.mark.parametrize("stdout_too", [True, False], ids=["2>&1 | head", "2>&1 >FILE | head"])
def test_a_reader_that_stops_partway_leaves_the_exit_code_2(tmp_path, stdout_too):
    # 300 overdue records with --all and 300 bad rows print far more than a pipe holds (64 KiB) on stdout and on
    # stderr, so the run is still writing, or blocked writing, when the reader goes after 400 bytes: a write fails
    # whenever the reader stops.
    rows = "".join(OVERDUE.format(n=n) for n in range(300)) + BAD * 300
    table = tmp_path / "table.txt"
    with table.open("wb") as saved:
        child = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "check", records(tmp_path, rows),
                                  "--as-of", "2026-11-20", "--all"],
                                 stdout=subprocess.PIPE if stdout_too else saved,
                                 stderr=subprocess.STDOUT if stdout_too else subprocess.PIPE,
                                 stdin=subprocess.DEVNULL, cwd=ROOT)
        reader = child.stdout if stdout_too else child.stderr
        head = reader.read(400)
        reader.close()
        assert child.wait(timeout=120) == 2
    if stdout_too:
        assert head.startswith(b"Compliance as of 2026-11-20: 300 overdue")
    else:
        assert head.startswith(b"error: ") and b"tracker.csv:302:5: report_received: '31/02/2025'" in head
        # stdout, a file, holds the whole table: only the pipe's writes were silenced.
        assert table.read_text(encoding="utf-8").count("OVERDUE ") == 300
