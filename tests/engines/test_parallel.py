"""map_chunks: results in order from worker processes, and a run stopped early (an exception, Ctrl-C) that ends
its workers at once and prints nothing of its own."""

from __future__ import annotations

import multiprocessing
import operator
import sys
import textwrap
import time

import pytest

from compliance.engines import _parallel, map_chunks
from conftest import ROOT
from process_groups import interrupted


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(_parallel, "CHUNK", 10)
    monkeypatch.setattr(_parallel, "PARALLEL_FROM", 20)


def test_chunks_come_back_in_order_from_the_workers(small_chunks):
    records = list(range(205))
    # operator.add(settings, chunk): each chunk, copied by a worker (a module-level function, as spawn needs)
    assert list(map_chunks(operator.add, [], records, jobs=2)) == [records[i:i + 10] for i in range(0, 205, 10)]
    assert not multiprocessing.active_children()


def _collecting(settings, chunk):
    import gc

    return gc.get_threshold()


def test_workers_collect_cycles_at_the_pace_of_the_process_that_started_them(small_chunks):
    import gc

    pace = gc.get_threshold()
    try:
        gc.set_threshold(12_345, *pace[1:])  # (cli.py sets a slower pace than Python's for a long run)
        assert set(map_chunks(_collecting, None, list(range(40)), jobs=2)) == {gc.get_threshold()}
    finally:
        gc.set_threshold(*pace)


def test_a_consumer_that_stops_early_ends_the_workers(small_chunks):
    chunks = map_chunks(operator.add, [], list(range(10_000)), jobs=2)
    assert next(chunks) == list(range(10))
    assert multiprocessing.active_children()
    start = time.monotonic()
    chunks.close()
    assert not multiprocessing.active_children()
    assert time.monotonic() - start < _parallel.STOP_WAIT


#: A run of map_chunks in a process of its own, as the CLI runs it: slow chunks, so that it is still running
#: when it is interrupted, and the message the CLI gives for KeyboardInterrupt.
SCRIPT = textwrap.dedent('''
    import sys, time
    sys.path[:0] = [{root!r}, {here!r}]
    import slow
    from compliance.engines import _parallel
    _parallel.CHUNK, _parallel.PARALLEL_FROM = 2, 4
    try:
        for n, chunk in enumerate(_parallel.map_chunks(slow.work, {marks!r}, list(range(400)), jobs=2)):
            if {consumer!r}:
                open({marks!r} + "/consuming", "w").close()
                time.sleep(600)  # the interrupt comes here, while the generator waits for its consumer
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
''')

SLOW = textwrap.dedent('''
    import os, time

    def work(marks, chunk):
        open(os.path.join(marks, "working-%d" % os.getpid()), "w").close()
        time.sleep(0.5)
        return list(chunk)
''')


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the process group from /proc (Linux)")
@pytest.mark.parametrize("where", ["waiting for a worker", "in the consumer"])
def test_ctrl_c_to_the_whole_group_ends_the_run_and_its_workers_quietly(tmp_path, where):
    (tmp_path / "slow.py").write_text(SLOW)
    marks = tmp_path / "marks"
    marks.mkdir()
    consumer = where == "in the consumer"
    script = SCRIPT.format(root=str(ROOT), here=str(tmp_path), marks=str(marks), consumer=consumer)

    def working(pgid: int) -> bool:  # both workers at work, and for the consumer, the consumer holding a chunk
        return len(list(marks.glob("working-*"))) >= 2 and (not consumer or (marks / "consuming").exists())

    code, err = interrupted([sys.executable, "-c", script], tmp_path / "stderr.txt", working, "the workers at work")
    assert code == 130, err
    assert err == "interrupted\n"


@pytest.mark.parametrize("jobs", [1, 2])
def test_records_given_as_they_are_read_are_read_a_chunk_ahead_not_all_first(small_chunks, jobs):
    read = []

    def records():
        for n in range(10_000):
            read.append(n)
            yield n

    chunks = map_chunks(operator.add, [], records(), jobs=jobs)
    assert next(chunks) == list(range(10))
    # Enough for the workers first (20), then a chunk at a time with at most two a worker in flight (4 of 10).
    assert len(read) == (20 if jobs == 1 else 20 + 3 * 10)
    assert [n for chunk in chunks for n in chunk] == list(range(10, 10_000))
    assert not multiprocessing.active_children()



@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc (Linux)")
def test_workers_end_when_their_run_is_killed_outright(tmp_path):
    """kill -9 (a scheduler's time limit) leaves the run no time to end its workers: they see it gone and end, not
    wait for chunks for ever (they did, one pair more after each run killed so)."""
    import os
    import signal
    import subprocess
    from pathlib import Path

    (tmp_path / "slow.py").write_text(SLOW)
    marks = tmp_path / "marks"
    marks.mkdir()
    run = subprocess.Popen([sys.executable, "-c", SCRIPT.format(root=str(ROOT), here=str(tmp_path), marks=str(marks),
                                                              consumer=False)], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while len(list(marks.glob("working-*"))) < 2:
            assert time.monotonic() < deadline, "the workers never started"
            time.sleep(0.05)
        workers = [int(p.name.split("-")[1]) for p in marks.glob("working-*")]
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 30
        while any(Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]
                  for pid in workers):
            assert time.monotonic() < deadline, "a worker outlived its run"
            time.sleep(0.05)
    finally:
        run.kill()
