"""Crash injection: a report run is stopped dead (``os._exit``, as kill -9 would) at every step of publishing, then
run again; after each crash and after each next run the output folder and the history must be consistent.
With ``--keep-runs 2`` a run also removes the folder of the oldest run, and every step of that is crashed too, with
a user's ``cp -a`` copy of that folder beside it, which must be left as it is; and a same-day rerun keeping two runs
removes nothing (a rerun takes no date's place).

``COMPLIANCE_TEST_CRASH_AT=N`` makes the run exit at its N-th step (``trace`` names them). Each case starts from
a copy of a folder holding earlier runs (``cp -a``, which keeps hard links), so every case is independent; the
cases run a few at a time. What "consistent" means is ``problems`` below, written from the guarantees in
docs/reliability.md, not from the code.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from compliance.nightly._publish import (CRASH_ENV, CRASH_EXIT, JOURNAL, LATEST, MARKER, REPLACED, RUN_FILES,
                                         STAGING_PREFIX)

from conftest import FIXTURES, ROOT, read_json

COUNCIL = FIXTURES / "report" / "council.yaml"
#: Only the inspection rules: the council's records need no others, and each of the many runs starts faster.
RULES = ROOT / "rules" / "inspections.yaml"
DAY = re.compile(r"\d{4}-\d\d-\d\d")
#: A user's ``cp -a`` copy of the 20 Nov run folder, saved under another date (``two_days_and_a_copy``).
USERS_COPY = "2026-11-13"


def command(out: Path, as_of: str, records: Path = COUNCIL, extra: tuple[str, ...] = ()) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "report", str(records), "--as-of", as_of, "--out", str(out),
            "--rules", str(RULES), "--quiet", *extra]


def environment(crash: str | None = None) -> dict[str, str]:
    # Compiled modules may be cached between the many runs (PYTHONDONTWRITEBYTECODE would recompile each time).
    env = {k: v for k, v in os.environ.items() if k not in (CRASH_ENV, "PYTHONDONTWRITEBYTECODE")}
    if crash is not None:
        env[CRASH_ENV] = crash
    return env


def report(out: Path, as_of: str, records: Path = COUNCIL, crash: str | None = None,
           extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(command(out, as_of, records, extra), capture_output=True, text=True, cwd=ROOT,
                          env=environment(crash), timeout=300)


def copy(source: Path, target: Path) -> Path:
    """``source`` copied to ``target`` as the report left it there: ``cp -a`` keeps sizes, times and latest.* as hard
    links, but every file gets a new inode number, and a run folder whose files are not those its marker names is a
    copy, which --keep-runs never removes. So the markers of the folders the report wrote (named as their marker
    names them; ``replaced`` in a staging folder) are given the copies' inode numbers; a user's copy keeps its own."""
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)
    for path in target.rglob(MARKER):
        marker = json.loads(path.read_text())
        if path.parent.name in (marker["folder"], REPLACED):
            marker["files"] = {name: [(path.parent / name).stat().st_ino, size]
                               for name, (_, size) in marker["files"].items()}
            path.write_text(json.dumps(marker) + "\n")
    return target


def tree(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Each file of ``folder`` with its inode number and bytes: what a folder left alone keeps."""
    return {str(p.relative_to(folder)): (p.stat().st_ino, p.read_bytes()) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def files_outside_staging(out: Path) -> dict[str, bytes]:
    """Every file a reader could see, bar SQLite's own rollback journal (the database is compared by its rows)."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.relative_to(out).parts[0].startswith(STAGING_PREFIX)
            and not p.name.endswith("-journal")}


def journals(out: Path) -> list[dict]:
    found = []
    for path in out.glob(STAGING_PREFIX + "*"):
        try:
            found.append(json.loads((path / JOURNAL).read_text()))
        except (OSError, ValueError):
            found.append({"state": "unreadable", "path": str(path)})
    return found


def recorded_runs(out: Path) -> dict[int, tuple[str, str]]:
    db = sqlite3.connect(out / "history.sqlite3")
    try:
        return {i: (a, t) for i, a, t in db.execute("SELECT id, as_of, token FROM runs WHERE finished_at != ''")}
    finally:
        db.close()


def kept_runs(out: Path) -> set[int]:
    """The runs whose duty states the history keeps: --keep-runs removes the others' folders."""
    db = sqlite3.connect(out / "history.sqlite3")
    try:
        return {i for (i,) in db.execute("SELECT run_id FROM run_states")}
    finally:
        db.close()


def whole_run_problems(folder: Path, run_id: int) -> list[str]:
    """A published run folder must hold every file, each complete and each naming the same run."""
    problems = []
    missing = [name for name in RUN_FILES if not (folder / name).is_file()]
    if missing:
        return [f"{folder.name}: missing {missing}"]
    try:
        data = read_json(folder / "findings.json.gz")
    except (ValueError, OSError, EOFError):
        return [f"{folder.name}: findings.json.gz is not whole JSON"]
    if data["report"]["run_id"] != run_id:
        problems.append(f"{folder.name}: findings.json says run {data['report']['run_id']}, the marker {run_id}")
    html = (folder / "report.html").read_text()
    if not html.endswith("</html>\n") or f"run {run_id} &middot;" not in html:
        problems.append(f"{folder.name}: report.html is not whole, or is not run {run_id}")
    rows = list(csv.reader(io.StringIO((folder / "findings.csv").read_text())))
    if len(rows) != 1 + len(data["findings"]):
        problems.append(f"{folder.name}: findings.csv has {len(rows) - 1} rows for {len(data['findings'])} findings")
    if pq.read_metadata(folder / "findings.parquet").num_rows != len(data["findings"]):
        problems.append(f"{folder.name}: findings.parquet does not hold the run's findings")
    if not (folder / "deadlines.ics").read_bytes().endswith(b"END:VCALENDAR\r\n"):
        problems.append(f"{folder.name}: deadlines.ics is not whole")
    return problems


def problems(out: Path, settled: bool) -> list[str]:
    """Everything wrong with ``out`` and its history. ``settled``: after a run that finished, nothing may be pending."""
    found: list[str] = []
    runs = recorded_runs(out)
    kept = kept_runs(out)
    # A run recorded in the history is happening: its staging folder may still be putting it in place.
    pending = [j for j in journals(out) if "token" in j and runs.get(j["run_id"], (None, None))[1] == j["token"]]
    leftovers = list(out.glob(STAGING_PREFIX + "*"))
    if settled and leftovers:
        found.append(f"staging left after a finished run: {leftovers}")
    if len(leftovers) > 1:
        found.append(f"more than one staging folder: {leftovers}")
    for path in out.glob(STAGING_PREFIX + "*"):
        # Only a crash in the instant between making the folder and writing its journal leaves one without a
        # journal, and then it is empty: nothing in it to lose, and the next run removes it.
        if not (path / JOURNAL).is_file() and any(path.iterdir()):
            found.append(f"{path.name} holds files but no journal")  # the journal is removed last
    # A user's copy is no run folder of the report's: crash_then_run checks it is left as it was.
    folders = {p.name: p for p in out.iterdir() if p.is_dir() and DAY.fullmatch(p.name) and p.name != USERS_COPY}
    markers = {}
    for name, folder in folders.items():
        try:
            marker = json.loads((folder / MARKER).read_text())
        except (OSError, ValueError):
            found.append(f"{name}: no marker")
            continue
        markers[name] = marker
        found += whole_run_problems(folder, marker["run_id"])
        if runs.get(marker["run_id"]) != (name, marker["token"]):
            found.append(f"{name}: run {marker['run_id']} is published but not in the history")
    for day in {a for a, _ in runs.values()}:
        newest = max(i for i, (a, _) in runs.items() if a == day)
        being_put_in_place = any(j["folder"] == day for j in pending)
        if day not in markers:
            if newest in kept and not being_put_in_place:
                found.append(f"run {newest} as of {day} is in the history but its folder is gone")
        elif markers[day]["run_id"] != newest and not being_put_in_place:
            found.append(f"{day} holds run {markers[day]['run_id']}, not the newest run of that day, {newest}")
    present = [name for name in LATEST if os.path.lexists(out / name)]
    # A same-day run swaps its folder in; until its staging folder is removed, the run it replaced is in there.
    candidates = list(folders.items()) + [(p.name, p) for s in out.glob(STAGING_PREFIX + "*")
                                          for p in [*s.iterdir(), *(s / "expired").glob("*")]
                                          if p.is_dir() and DAY.fullmatch(p.name)]
    owners = {(day, json.loads((folder / MARKER).read_text())["run_id"]) for name in present
              for day, folder in candidates
              if (folder / LATEST[name]).exists() and os.path.samefile(out / name, folder / LATEST[name])}
    if present and len(owners) != 1:
        found.append(f"latest.* come from {len(owners)} runs: {sorted(owners)} ({present})")
    switching = [j for j in pending if j.get("latest")]
    if len(present) < len(LATEST) and (settled or not switching):
        found.append(f"latest.* incomplete without a switch in progress: {present}")
    if len(owners) == 1 and runs:
        newest_day = max(a for a, _ in runs.values())
        ((owner, owner_run),) = owners
        if owner_run not in runs:
            found.append(f"latest.* are run {owner_run}'s, which is not recorded")
        if owner != newest_day and not any(j["folder"] == newest_day for j in switching):
            found.append(f"latest.* are {owner}'s, but the newest recorded run is as of {newest_day}")
    if settled and sorted(runs) != list(range(1, len(runs) + 1)):
        found.append(f"run numbers are not 1..n: {sorted(runs)}")
    expired = sorted(name for name, marker in markers.items() if marker["run_id"] not in kept
                     and name != max((a for a, _ in runs.values()), default=None))
    if settled and expired:
        found.append(f"folders past --keep-runs are still there: {expired}")
    return found


def step_names(start: Path, tmp: Path, as_of: str, extra: tuple[str, ...] = ()) -> list[str]:
    traced = report(copy(start, tmp / "trace"), as_of, crash="trace", extra=extra)
    return re.findall(r"^step \d+: (.*)$", traced.stderr, re.M)


def crash_then_run(start: Path, case: Path, as_of: str, n: int, names: list[str], extra: tuple[str, ...] = ()
                   ) -> list[str]:
    """Crash a run as of ``as_of`` at step ``n``, check, run it again, check; the problems, labelled."""
    out = copy(start, case)
    before = files_outside_staging(out), recorded_runs(out)
    users_copy = tree(out / USERS_COPY) if (out / USERS_COPY).exists() else None
    crashed = report(out, as_of, crash=str(n), extra=extra)
    label = f"step {n} ({names[n - 1]})"
    if crashed.returncode != CRASH_EXIT:
        return [f"{label}: the run did not stop there: exit {crashed.returncode} {crashed.stderr}"]
    found = [f"{label}, after the crash: {p}" for p in problems(out, settled=False)]
    if users_copy is not None and (not (out / USERS_COPY).is_dir() or tree(out / USERS_COPY) != users_copy):
        found.append(f"{label}, after the crash: the user's copy {USERS_COPY} was touched")
    committed = names.index("history committed") + 1
    if n < committed and (files_outside_staging(out), recorded_runs(out)) != before:
        found.append(f"{label}: something changed outside staging before the run committed")
    again = report(out, as_of, extra=extra)
    if again.returncode != 1:
        found.append(f"{label}: the next run exited {again.returncode}: {again.stderr}")
    found += [f"{label}, after the next run: {p}" for p in problems(out, settled=True)]
    if users_copy is not None and (not (out / USERS_COPY).is_dir() or tree(out / USERS_COPY) != users_copy):
        found.append(f"{label}, after the next run: the user's copy {USERS_COPY} was touched")
    return found


def reference(start: Path, tmp: Path, as_of: str, extra: tuple[str, ...] = ()) -> dict:
    out = copy(start, tmp / "reference")
    assert report(out, as_of, extra=extra).returncode == 1
    return read_json(out / as_of / "findings.json.gz")


def same_report(out: Path, as_of: str, expected: dict) -> bool:
    data = read_json(out / as_of / "findings.json.gz")
    keys = ("summary", "changes", "previous_run", "late_period")
    return (data["findings"] == expected["findings"] and data["summary"] == expected["summary"]
            and {k: data["report"][k] for k in keys} | {"previous_run": None}
            == {k: expected["report"][k] for k in keys} | {"previous_run": None})


@pytest.fixture(scope="module")
def two_days(tmp_path_factory):
    """An output folder with a run as of 20 Nov and one as of 27 Nov, as a council's would be."""
    out = tmp_path_factory.mktemp("start") / "out"
    for as_of in ("2026-11-20", "2026-11-27"):
        assert report(out, as_of).returncode == 1
    assert problems(out, settled=True) == []
    return out


@pytest.fixture(scope="module")
def two_days_and_a_copy(two_days, tmp_path_factory):
    """``two_days``, and a user's ``cp -a`` copy of the 20 Nov run folder saved as 13 Nov: its marker and every size
    and time are the run's, but it is not the folder the report wrote (issue 20's audit, D1)."""
    out = copy(two_days, tmp_path_factory.mktemp("copied") / "out")
    subprocess.run(["cp", "-a", str(out / "2026-11-20"), str(out / USERS_COPY)], check=True)
    return out


@pytest.mark.parametrize("start, as_of, extra, expired, what", [
    ("two_days", "2026-12-02", (), False, "a new day: a new folder, latest.* switched"),
    ("two_days", "2026-11-27", (), False, "the same day again: the folder swapped for the new one, latest.* switched"),
    ("two_days", "2026-11-20", (), False, "an earlier day (a back-fill): its folder swapped, latest.* left alone"),
    ("two_days_and_a_copy", "2026-12-02", ("--keep-runs", "2"), True,
     "a new day keeping two runs: the oldest run's folder removed, a user's copy of it left as it is"),
    ("two_days", "2026-11-27", ("--keep-runs", "2"), False,
     "the same day again keeping two runs: a rerun takes no date's place, so no folder is removed"),
])
def test_a_crash_at_every_step_leaves_a_consistent_folder_and_history(request, tmp_path, start, as_of, extra, expired,
                                                                     what):
    start = request.getfixturevalue(start)
    names = step_names(start, tmp_path, as_of, extra)
    assert "history committed" in names and names[-1] == "staging removed", names
    assert [n for n in names if n.startswith("expired")] == (["expired 2026-11-20"] if expired else []), names
    expected = reference(start, tmp_path, as_of, extra)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: crash_then_run(start, tmp_path / f"case-{n}", as_of, n, names, extra),
                                range(1, len(names) + 1)))
    found = [p for each in results for p in each]
    assert not found, "\n".join(found)
    if expired:
        assert not (tmp_path / "reference" / "2026-11-20").exists()
    else:  # the run kept every folder: two dates, and --keep-runs 2 keeps two run folders
        assert (tmp_path / "reference" / "2026-11-20").is_dir()
    for n in range(1, len(names) + 1):
        # Whatever happened before, the next run reports what a run that never crashed reports.
        assert same_report(tmp_path / f"case-{n}", as_of, expected), f"step {n} ({names[n - 1]})"


def test_a_crash_while_finishing_an_earlier_crash_is_finished_too(two_days, tmp_path):
    """Stop a run just after it commits; stop the next run at each step of finishing it; then run once more."""
    names = step_names(two_days, tmp_path, "2026-12-02")
    committed = names.index("history committed") + 1
    start = copy(two_days, tmp_path / "committed")
    assert report(start, "2026-12-02", crash=str(committed)).returncode == CRASH_EXIT
    recovery = re.findall(r"^step \d+: (.*)$", report(copy(start, tmp_path / "trace2"), "2026-12-02",
                                                    crash="trace").stderr, re.M)
    finishing = recovery.index("staging removed") + 1  # the recovery's steps come first, up to its cleanup

    def case(m: int) -> list[str]:
        out = copy(start, tmp_path / f"again-{m}")
        crashed = report(out, "2026-12-02", crash=str(m))
        found = [] if crashed.returncode == CRASH_EXIT else [f"recovery step {m}: exit {crashed.returncode}"]
        found += [f"recovery step {m} ({recovery[m - 1]}): {p}" for p in problems(out, settled=False)]
        final = report(out, "2026-12-02")
        found += [] if final.returncode == 1 else [f"recovery step {m}: final run exit {final.returncode}"]
        found += [f"recovery step {m}, after the final run: {p}" for p in problems(out, settled=True)]
        if sorted(recorded_runs(out)) != [1, 2, 3, 4]:  # 20 Nov, 27 Nov, the crashed 2 Dec (finished), 2 Dec again
            found.append(f"recovery step {m}: runs {sorted(recorded_runs(out))}")
        return found

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(case, range(1, finishing + 1)))
    found = [p for each in results for p in each]
    assert not found, "\n".join(found)


def big_records(path: Path, count: int) -> Path:
    lines = ["id,kind,authority,framework,lscb_review,report_received,report_published"]
    for i in range(count):
        received = f"2026-{1 + i % 10:02d}-{1 + i % 28:02d}"
        published = f"2026-{2 + i % 10:02d}-{1 + i % 27:02d}" if i % 3 else ""
        lines.append(f"case-{i:05d},inspection,Example Council,ILACS,false,{received},{published}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_kill_9_at_moments_through_a_long_run(two_days, tmp_path):
    """Real SIGKILLs at moments spread over a run of 1,000 records, as a scheduler's timeout would send them."""
    records = big_records(tmp_path / "many.csv", 1000)
    clean = copy(two_days, tmp_path / "clean")
    started = time.monotonic()
    assert report(clean, "2026-12-02", records).returncode == 1
    duration = time.monotonic() - started
    found = []
    for i, fraction in enumerate((0.6, 0.9, 0.98)):
        out = copy(two_days, tmp_path / f"killed-{i}")
        child = subprocess.Popen(command(out, "2026-12-02", records), cwd=ROOT, env=environment(),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        found += [f"killed at {fraction:.0%}: {p}" for p in problems(out, settled=False)]
        final = report(out, "2026-12-02", records)
        found += [] if final.returncode == 1 else [f"killed at {fraction:.0%}: the next run exited {final.returncode}"]
        found += [f"killed at {fraction:.0%}, after the next run: {p}" for p in problems(out, settled=True)]
    assert not found, "\n".join(found)


def test_staging_folders_a_kill_left_while_writing_or_removing_the_journal_are_removed(two_days, tmp_path):
    """Issue 22: a kill while the journal was written (format 1 wrote journal.json.tmp, then renamed it), or while
    the staging folder was removed (the journal went first), left folders every later run kept, warning. The journal
    is now written once, in place, and removed last: a folder holding nothing but (part of) a journal is one a run
    of this tool's left before it staged anything, and is removed; anything else without a journal is left alone."""
    out = copy(two_days, tmp_path / "out")
    half_written = out / (STAGING_PREFIX + "0123456789abcdef")
    half_written.mkdir()
    (half_written / JOURNAL).write_text('{"tool": "statutory-timelines", "format": 2, "tok')
    half_renamed = out / (STAGING_PREFIX + "fedcba9876543210")
    half_renamed.mkdir()
    (half_renamed / (JOURNAL + ".tmp")).write_text('{"tool": "statutory-timelines", "format": 1, "token": "fed')
    someone_elses = out / (STAGING_PREFIX + "notes")
    someone_elses.mkdir()
    (someone_elses / JOURNAL).write_text("my own notes")
    (someone_elses / "draft.docx").write_bytes(b"PK\x03\x04")
    before = files_outside_staging(out)
    done = report(out, "2026-12-02")
    assert done.returncode == 1, done.stderr
    assert not half_written.exists() and not half_renamed.exists()
    assert sorted(p.name for p in someone_elses.iterdir()) == ["draft.docx", JOURNAL]
    assert "left " + str(someone_elses) + " alone" in done.stderr
    assert problems(out, settled=False) == [] and files_outside_staging(out) != before


def test_a_kill_while_a_staging_folder_is_removed_leaves_it_to_the_next_run(two_days, tmp_path):
    """Stopped with the staging folder emptied but for its journal (a same-day rerun: the replaced day was in it)."""
    names = step_names(two_days, tmp_path, "2026-11-27")
    emptied = names.index("staging emptied but for its journal") + 1
    out = copy(two_days, tmp_path / "out")
    assert report(out, "2026-11-27", crash=str(emptied)).returncode == CRASH_EXIT
    [left] = out.glob(STAGING_PREFIX + "*")
    assert [p.name for p in left.iterdir()] == [JOURNAL]
    assert problems(out, settled=False) == []
    again = report(out, "2026-11-27")
    assert again.returncode == 1, again.stderr
    assert not left.exists() and problems(out, settled=True) == []


def test_a_run_an_older_version_left_committed_is_finished(two_days, tmp_path):
    """The first journal format said "committed" before the history recorded the run, and carried what the history
    was to record (run.json, states.zlib): such a leftover, from before an upgrade, is finished as that version
    would have finished it."""
    names = step_names(two_days, tmp_path, "2026-12-02")
    out = copy(two_days, tmp_path / "out")
    assert report(out, "2026-12-02", crash=str(names.index("history written, not yet committed") + 1)
                  ).returncode == CRASH_EXIT
    [staging] = out.glob(STAGING_PREFIX + "*")
    journal = json.loads((staging / JOURNAL).read_text())
    assert recorded_runs(out).get(journal["run_id"]) is None
    db = sqlite3.connect(out / "history.sqlite3")
    titles, states = db.execute("SELECT titles, states FROM run_states WHERE run_id = 2").fetchone()
    db.close()
    record = {"run_id": journal["run_id"], "token": journal["token"], "as_of": "2026-12-02",
              "started_at": "2026-12-02T06:00:00+00:00", "finished_at": "2026-12-02T06:00:05+00:00", "overdue": 1,
              "summary": {"overdue": 1}, "record_files": [], "rule_files": [], "titles": json.loads(titles)}
    (staging / "run.json").write_text(json.dumps(record))
    (staging / "states.zlib").write_bytes(states)
    (staging / JOURNAL).write_text(json.dumps({**{k: v for k, v in journal.items() if k != "format"},
                                               "format": 1, "state": "committed"}))
    done = report(out, "2026-12-03")
    assert done.returncode == 1, done.stderr
    assert f"finished publishing run {journal['run_id']}" in done.stderr
    assert sorted(recorded_runs(out)) == [1, 2, 3, 4] and recorded_runs(out)[3] == ("2026-12-02", journal["token"])
    assert problems(out, settled=True) == []
