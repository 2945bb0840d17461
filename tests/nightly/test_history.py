"""Run history in a real SQLite file: schema and migrations, what the previous run is, the trend, and locking
between real processes."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
import zlib
from datetime import date, datetime, timezone

import pytest

from compliance.engines import evaluate
from compliance.errors import InputError
from compliance.nightly._build import snapshot_of
import compliance.nightly._run
from compliance.nightly._history import MIGRATIONS, History, RunRecord
from compliance.records import load_records
from compliance.rules import load_rules

from conftest import FIXTURES, ROOT, read_json, referrals_csv

COUNCIL = FIXTURES / "report" / "council.yaml"
NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def findings_by_date():
    rules = load_rules()
    records = load_records([COUNCIL], rules.vocabulary)
    return {d: evaluate(records, rules, d) for d in (date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 2))}


def record_run(history, as_of, findings):
    """Record a run of ``findings`` as a report run does: reserve its number, then complete it."""
    snapshot = snapshot_of(findings, 0, as_of)
    states = zlib.compress("\n".join(snapshot.states.values()).encode())
    overdue = sum(f.status == "overdue" for f in findings)
    with history.locked():
        run_id = history.reserve(as_of, NOW)
        history.complete(RunRecord(run_id, f"token-{run_id}", as_of, NOW.isoformat(), NOW.isoformat(), overdue,
                                   {"overdue": overdue}, [], [], snapshot.titles), states)
    return run_id


def test_a_new_database_gets_the_current_schema(tmp_path):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        assert h.schema_version == len(MIGRATIONS)
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"schema_version", "runs", "run_states", "identity"}
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_migrations_run_once_and_keep_the_data(tmp_path, findings_by_date):
    path = tmp_path / "h.sqlite3"
    with History(path) as h:
        record_run(h, date(2026, 11, 20), findings_by_date[date(2026, 11, 20)])
    added = ("ALTER TABLE runs ADD COLUMN note TEXT", "UPDATE runs SET note = 'migrated'")
    with History(path, migrations=MIGRATIONS + (added,)) as h:
        assert h.schema_version == len(MIGRATIONS) + 1
    # Opening again must not run the migration a second time (ALTER TABLE would fail on the existing column).
    with History(path, migrations=MIGRATIONS + (added,)) as h:
        assert h.previous(date(2026, 11, 21)).as_of == date(2026, 11, 20)
    db = sqlite3.connect(path)
    assert db.execute("SELECT note FROM runs").fetchall() == [("migrated",)]


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "h.sqlite3"
    History(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="schema version 99, newer than this tool knows"):
        History(path)


def test_someone_elses_database_or_file_is_refused(tmp_path):
    other = tmp_path / "other.sqlite3"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE customers (id INTEGER)")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="other tables, not a report history"):
        History(other)
    text = tmp_path / "notes.txt"
    text.write_text("these are not the droids\n" * 100)
    with pytest.raises(InputError, match="not a usable history database"):
        History(text)


def test_previous_is_the_latest_run_before_the_as_of_date(tmp_path, findings_by_date):
    with History(tmp_path / "h.sqlite3") as h:
        first = record_run(h, date(2026, 11, 20), findings_by_date[date(2026, 11, 20)])
        second = record_run(h, date(2026, 11, 27), findings_by_date[date(2026, 11, 27)])
        rerun = record_run(h, date(2026, 11, 27), findings_by_date[date(2026, 11, 27)])
        assert h.previous(date(2026, 11, 20)) is None
        assert h.previous(date(2026, 11, 27)).run_id == first
        # A second run on the same as-of date compares with the same earlier run, not with the first run that day.
        assert h.previous(date(2026, 12, 2)).run_id == rerun != second
        prev = h.previous(date(2026, 11, 27))
        assert '["la-publish-report",1,"due","2026-12-01"]' in prev.states["beta"]
        assert '["la-publish-report",1,"overdue","2026-11-12"]' in prev.states["alpha"]
        # Not-applicable findings are not stored: delta's clock had not started on 20 Nov.
        assert "delta" not in prev.states


def test_trend_takes_the_latest_run_of_each_date(tmp_path, findings_by_date):
    with History(tmp_path / "h.sqlite3") as h:
        for d in (date(2026, 11, 20), date(2026, 11, 27), date(2026, 11, 27), date(2026, 12, 2)):
            record_run(h, d, findings_by_date[d])
        trend = h.trend(date(2026, 12, 2), 10)
        # Overdue by hand: 20 Nov alpha and gamma (2); 27 Nov alpha only, gamma was published (1).
        assert [(p.as_of, p.overdue, p.run_id) for p in trend] == [
            (date(2026, 11, 20), 2, 1), (date(2026, 11, 27), 1, 3)]
        assert [p.as_of for p in h.trend(date(2026, 12, 3), 2)] == [date(2026, 11, 27), date(2026, 12, 2)]
        # Each date once, newest first, with its latest run: 27 Nov's second run (3) owns its folder.
        assert h.dates() == [(date(2026, 12, 2), 4), (date(2026, 11, 27), 3), (date(2026, 11, 20), 1)]


def test_a_failed_block_records_nothing_and_its_number_is_used_again(tmp_path, findings_by_date):
    with History(tmp_path / "h.sqlite3") as h:
        with pytest.raises(RuntimeError, match="rendering broke"), h.locked():
            assert h.reserve(date(2026, 11, 20), NOW) == 1
            raise RuntimeError("rendering broke")
        assert h.previous(date(2026, 12, 1)) is None and h.dates() == []
        # Nothing was published under number 1 (the run failed before it committed), so it is free again.
        assert record_run(h, date(2026, 11, 20), findings_by_date[date(2026, 11, 20)]) == 1
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)


HOLD_LOCK = textwrap.dedent("""
    import sqlite3, sys, time
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    db.execute("COMMIT")
""")


def hold_lock(path, seconds):
    """Another real process that holds the database's write lock for ``seconds``."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path), str(seconds)], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def report(out, as_of, *extra):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--as-of", as_of,
                           "--out", str(out), *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_a_run_waits_for_a_lock_held_briefly(tmp_path):
    db = tmp_path / "history.sqlite3"
    History(db).close()
    holder = hold_lock(db, 2)
    started = time.monotonic()
    result = report(tmp_path, "2026-11-20", "--lock-timeout", "30")
    holder.wait(timeout=30)
    assert result.returncode == 1, result.stderr  # 1: something is overdue
    assert time.monotonic() - started >= 1.5
    assert (tmp_path / "latest.html").is_file()


def test_a_run_fails_cleanly_when_the_lock_is_held_too_long(tmp_path):
    db = tmp_path / "history.sqlite3"
    History(db).close()
    holder = hold_lock(db, 6)
    try:
        result = report(tmp_path, "2026-11-20", "--lock-timeout", "1")
    finally:
        holder.wait(timeout=30)
    assert result.returncode == 2
    assert "in use by another report run (waited 1 s)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "latest.html").exists() and not (tmp_path / "2026-11-20").exists()
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)


def test_two_runs_at_once_both_complete_one_after_the_other(tmp_path):
    command = [sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--out", str(tmp_path)]
    runs = [subprocess.Popen(command + ["--as-of", d], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             cwd=ROOT) for d in ("2026-11-20", "2026-11-27")]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in runs]
    assert [code for code, _ in results] == [1, 1], results
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows = db.execute("SELECT as_of, overdue FROM runs ORDER BY as_of").fetchall()
    assert rows == [("2026-11-20", 2), ("2026-11-27", 1)]
    counts = [(as_of, sum(len(json.loads(line)[1]) for line in zlib.decompress(blob).decode().splitlines()))
              for as_of, blob in db.execute("SELECT r.as_of, s.states FROM run_states s JOIN runs r ON r.id = s.run_id "
                                            "ORDER BY r.as_of")]
    # 6 records x 3 duties on 20 Nov (delta's clock had not started); 7 x 3 on 27 Nov.
    assert counts == [("2026-11-20", 18), ("2026-11-27", 21)]
    assert not list(tmp_path.glob(".staging-*"))
    # Whichever finished last, latest.* belongs to the newest as-of date.
    assert read_json(tmp_path / "latest.json.gz")["as_of"] == "2026-11-27"


def version_1_database(path, runs):
    """A history database exactly as version 1 of the tool wrote it: one row per finding."""
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    db.execute("INSERT INTO schema_version (version) VALUES (1)")
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    for as_of, findings in runs:
        cursor = db.execute("INSERT INTO runs (as_of, started_at, finished_at, overdue, summary, record_files, "
                            "rule_files) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (as_of.isoformat(), NOW.isoformat(), NOW.isoformat(),
                             sum(f.status == "overdue" for f in findings), "{}", "[]", "[]"))
        db.executemany("INSERT INTO findings (run_id, record, duty, occurrence, rule, title, status, deadline, "
                       "completed_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(cursor.lastrowid, f.record, f.duty, f.occurrence, f.rule, f.title, f.status,
                         f.deadline.isoformat() if f.deadline else None,
                         f.completed_date.isoformat() if f.completed_date else None)
                        for f in findings if f.status != "not_applicable"])
    db.commit()
    db.close()


def test_a_version_1_database_is_upgraded_with_its_runs_and_duty_states(tmp_path, findings_by_date):
    path = tmp_path / "history.sqlite3"
    first, second = date(2026, 11, 20), date(2026, 11, 27)
    version_1_database(path, [(first, findings_by_date[first]), (second, findings_by_date[second])])
    with History(path) as h:
        assert h.schema_version == len(MIGRATIONS) == 3
        assert [(p.as_of, p.overdue, p.run_id) for p in h.trend(date(2026, 12, 2), 10)] == [
            (first, 2, 1), (second, 1, 2)]
        # The upgraded states are what this version would have stored for the same findings.
        prev = h.previous(date(2026, 12, 2))
        assert prev.run_id == 2 and prev.states == snapshot_of(findings_by_date[second], 2, second).states
        assert prev.titles["la-publish-report"] == "Publish the inspection report"
    tables = {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"schema_version", "runs", "run_states", "identity"}


def test_a_report_run_continues_an_upgraded_history(tmp_path, findings_by_date):
    first = date(2026, 11, 20)
    version_1_database(tmp_path / "history.sqlite3", [(first, findings_by_date[first])])
    result = report(tmp_path, "2026-11-27")
    assert result.returncode == 1, result.stderr
    data = read_json(tmp_path / "latest.json.gz")["report"]
    assert data["run_id"] == 2 and data["previous_run"] == {"run_id": 1, "as_of": "2026-11-20", "compared": True}
    # The same five changes as against a run this version recorded (tests/nightly/test_run.py).
    assert len(data["changes"]) == 5


def test_keep_runs_drops_old_duty_states_but_not_the_trend(tmp_path, findings_by_date):
    days = [date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 2)]
    with History(tmp_path / "h.sqlite3") as h:
        for d in days:
            record_run(h, d, findings_by_date[d])
        with h.locked():
            assert h.prune(2) == 1
        assert h.previous(date(2026, 11, 27)).states is None  # run 1's states are gone
        assert h.previous(date(2026, 12, 2)).states is not None
        assert [p.run_id for p in h.trend(date(2026, 12, 3), 10)] == [1, 2, 3]
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("SELECT run_id FROM run_states ORDER BY run_id").fetchall() == [(2,), (3,)]


def test_keep_runs_keeps_the_latest_dates_not_the_latest_made(tmp_path, findings_by_date):
    """Back-filling an earlier date must not drop the states of the run the next night compares with."""
    with History(tmp_path / "h.sqlite3") as h:
        for d in (date(2026, 11, 27), date(2026, 12, 2), date(2026, 11, 20)):  # the last made is the earliest
            record_run(h, d, findings_by_date[d])
        with h.locked():
            assert h.prune(2) == 1
        assert h.previous(date(2026, 12, 3)).states is not None and h.previous(date(2026, 11, 28)).states is not None
    db = sqlite3.connect(tmp_path / "h.sqlite3")
    assert db.execute("SELECT run_id FROM run_states ORDER BY run_id").fetchall() == [(1,), (2,)]


def test_keep_runs_keeps_the_latest_run_of_each_of_the_latest_dates_so_a_rerun_takes_no_dates_place(
        tmp_path, findings_by_date):
    """Issue 20's audit, D2: --keep-runs N counted runs, so a same-day rerun took a slot and fewer than N run folders
    stayed. The latest run of each of the N latest dates keeps its states (it owns the date's folder, and it is the
    one a later run compares with); an earlier run of a date it replaced keeps none."""
    nov20, nov27, dec2 = date(2026, 11, 20), date(2026, 11, 27), date(2026, 12, 2)
    with History(tmp_path / "h.sqlite3") as h:
        for d in (nov20, nov27, nov27, nov27):  # runs 1 to 4: 27 Nov run three times (corrected reruns)
            record_run(h, d, findings_by_date[d])
            with h.locked():
                h.prune(2)
        assert [h.keeps_states(i) for i in (1, 2, 3, 4)] == [True, False, False, True]
        assert h.previous(date(2026, 11, 28)).run_id == 4 and h.previous(date(2026, 11, 28)).states is not None
        assert h.previous(nov27).states is not None  # what a rerun of 27 Nov compares with: 20 Nov's run
        record_run(h, dec2, findings_by_date[dec2])
        with h.locked():
            assert h.prune(2) == 1  # 20 Nov's: 27 Nov and 2 Dec are the two latest dates
        assert [h.keeps_states(i) for i in (1, 2, 3, 4, 5)] == [False, False, False, True, True]
        assert [p.run_id for p in h.trend(date(2026, 12, 3), 10)] == [1, 4, 5]  # every date stays in the trend


# -- faults: a full disk, damaged rows, and what one run's transaction is -------------------------------------------

def snapshot_of_folder(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_history_that_cannot_grow_makes_the_run_publish_nothing(tmp_path, monkeypatch, run_cli):
    """SQLite's own SQLITE_FULL, as a full disk gives it, injected through max_page_count: the run writes the history
    before it publishes anything, so it exits 2 having changed nothing (tests/nightly/test_faults.py does it on a
    real full disk, where the machine allows mounting one)."""
    import sqlite3 as sqlite

    referrals = tmp_path / "referrals.csv"
    referrals.write_text("\n".join(referrals_csv(20)) + "\n")
    assert run_cli("report", str(referrals), "--as-of", "2026-11-20", "--out", str(tmp_path))[0] == 1
    before = snapshot_of_folder(tmp_path)
    connect = sqlite.connect

    def full(*args, **kwargs):
        db = connect(*args, **kwargs)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite refuses to grow the file: "database or disk is full"
        return db

    monkeypatch.setattr(sqlite, "connect", full)
    # A run whose duty states need more room than the history has.
    referrals.write_text("\n".join(referrals_csv(2000)) + "\n")
    before[referrals.name] = referrals.read_bytes()
    code, _, err = run_cli("report", str(referrals), "--as-of", "2026-11-27", "--out", str(tmp_path), "--quiet")
    assert code == 2, err
    line, = err.strip().splitlines()
    assert line == (f"compliance: error: {tmp_path / 'history.sqlite3'}: cannot write the history database (database "
                    "or disk is full); nothing was changed (free some disk space and run again)")
    assert snapshot_of_folder(tmp_path) == before


def test_a_transaction_sqlite_already_rolled_back_is_not_rolled_back_twice(tmp_path):
    """A full disk makes SQLite roll the transaction back itself; rolling back again gave exit 3 ("cannot rollback -
    no transaction is active")."""
    with History(tmp_path / "h.sqlite3") as h:
        with pytest.raises(RuntimeError, match="after SQLite rolled back"), h.locked():
            h._db.execute("ROLLBACK")  # as SQLite does on SQLITE_FULL
            raise RuntimeError("after SQLite rolled back")
        assert h.dates() == []


DAMAGE = {
    "a state that is not zlib": "UPDATE run_states SET states = x'00010203'",
    "titles that are not JSON": "UPDATE run_states SET titles = '{not json'",
    "a state line that is not the report's": "UPDATE run_states SET states = ?",
    "a dropped table": "DROP TABLE run_states",
    "an as-of that is not a date": "UPDATE runs SET as_of = '20 November'",
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_history_is_exit_2_naming_the_file_and_how_to_recover_with_nothing_changed(tmp_path, damage):
    """Issue 22: rows the tool cannot read back gave exit 3. They are exit 2 in one line, and the file is as it was."""
    assert report(tmp_path, "2026-11-20").returncode == 1
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    params = (zlib.compress(b'["alpha",[["la-publish-report","one","due",null]]]'),) if "?" in DAMAGE[damage] else ()
    db.execute(DAMAGE[damage], params)
    db.commit()
    db.close()
    before = snapshot_of_folder(tmp_path)
    done = report(tmp_path, "2026-11-27")
    assert done.returncode == 2, done.stderr
    line, = done.stderr.strip().splitlines()
    history = tmp_path / "history.sqlite3"
    assert line.startswith(f"compliance: error: {history}: the history database is damaged (")
    assert line.endswith(f"nothing was changed (move it aside (mv {history} {history}.damaged): the next run starts a "
                         "new history, with no earlier run to compare with)")
    assert snapshot_of_folder(tmp_path) == before
    history.rename(tmp_path / "history.sqlite3.damaged")
    again = report(tmp_path, "2026-11-27")
    assert again.returncode == 1, again.stderr  # as it says: a new history, and the report published
    assert read_json(tmp_path / "latest.json.gz")["report"]["run_id"] == 1


def test_recovery_numbering_and_recording_are_one_transaction_whose_lock_lasts_until_the_files_are_in_place(
        tmp_path, monkeypatch, run_cli):
    """Issue 22: docs/reliability.md said the run held the write lock from start to end; an SQL trace showed three
    transactions, each letting go of the lock. Traced here: opening the history is one (it creates or upgrades the
    schema), then the run is one, from finishing what a killed run left to recording this run; and from its commit
    until the files are in place, another connection can neither write nor read."""
    import sqlite3 as sqlite

    import compliance.nightly._publish as publish

    assert run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path))[0] == 1
    statements, probes = [], []
    connect = sqlite.connect

    def traced(*args, **kwargs):
        db = connect(*args, **kwargs)
        db.set_trace_callback(statements.append)
        return db

    def probe(name):
        """From another connection, as another run would: can it write, or read, the history now?"""
        other = connect(tmp_path / "history.sqlite3", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            probes.append((name, "free"))
        except sqlite.OperationalError:
            try:
                other.execute("SELECT COUNT(*) FROM runs").fetchone()
                probes.append((name, "readable"))
            except sqlite.OperationalError:
                probes.append((name, "locked"))
        finally:
            other.close()

    step = publish.step
    monkeypatch.setattr(sqlite, "connect", traced)
    monkeypatch.setattr(publish, "step", lambda name: (probe(name), step(name)))
    monkeypatch.setattr(compliance.nightly._run, "step", lambda name: (probe(name), step(name)))
    assert run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(tmp_path))[0] == 1
    transactions = [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")]
    assert transactions == ["BEGIN IMMEDIATE", "COMMIT", "BEGIN IMMEDIATE", "COMMIT"], transactions
    run = statements[[i for i, s in enumerate(statements) if s == "BEGIN IMMEDIATE"][1]:]
    assert run.index("PRAGMA locking_mode = EXCLUSIVE") == run.index("COMMIT") - 1
    assert any(s.startswith("INSERT INTO runs") for s in run) and any("run_states" in s for s in run)
    committed = [name for name, _ in probes].index("history committed")
    assert {state for _, state in probes[:committed]} == {"readable"}  # another run waits; a reader reads
    assert {state for _, state in probes[committed:]} == {"locked"}, probes  # until the files are in place
    assert probes[-1][0] == "staging removed"


def test_runs_of_one_source_share_a_mapping_and_a_kind_of_record():
    from compliance.nightly._history import Source

    tracker = Source(None, ("inspection",))
    assert tracker.same_as(Source(None, ("inspection", "referral")))  # the tracker, now with referrals too
    assert not tracker.same_as(Source(None, ("referral",)))
    assert not tracker.same_as(Source("cin-census", ("inspection",)))
    assert str(Source("cin-census", ("child-protection", "referral"))) == (
        "child-protection, referral records through the cin-census mapping")
    assert Source.from_dict(tracker.to_dict()) == tracker
