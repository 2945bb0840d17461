"""Run history in SQLite: each report run and its findings, so a report can say what changed and show a trend.

The tool creates and migrates the schema itself. A run holds the database's write lock (``BEGIN
IMMEDIATE``) from reading the previous run until its own run is recorded, so a second run at the same
time waits for it, up to a timeout, and then fails with a clear message; it never interleaves.
The journal stays in SQLite's default rollback mode because WAL does not work on network drives.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from ..calendars import day_of
from ..engines import Finding
from ..errors import ComplianceError, InputError, Problem
from ._model import Key, RememberedFinding, Snapshot, TrendPoint

if TYPE_CHECKING:
    import sqlite3

DEFAULT_TIMEOUT = 60.0

#: Each entry migrates the schema from version i to i + 1; statements run one by one inside one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE runs (
               id INTEGER PRIMARY KEY,
               as_of TEXT NOT NULL,
               started_at TEXT NOT NULL,
               finished_at TEXT NOT NULL,
               overdue INTEGER NOT NULL,
               summary TEXT NOT NULL,
               record_files TEXT NOT NULL,
               rule_files TEXT NOT NULL
           )""",
        "CREATE INDEX runs_by_as_of ON runs (as_of, id)",
        """CREATE TABLE findings (
               run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
               record TEXT NOT NULL,
               duty TEXT NOT NULL,
               occurrence INTEGER NOT NULL,
               rule TEXT NOT NULL,
               title TEXT NOT NULL,
               status TEXT NOT NULL,
               deadline TEXT,
               completed_date TEXT,
               PRIMARY KEY (run_id, record, duty, occurrence)
           )""",
    ),
)


class HistoryBusy(ComplianceError):
    """Another run held the history database for longer than this run was willing to wait."""


def _iso(d: date | None) -> str | None:
    return day_of(d).isoformat() if d is not None else None


class History:
    """One open history database. Use ``with History(path) as h, h.locked(): ...`` around a run."""

    def __init__(self, path: str | Path, timeout: float = DEFAULT_TIMEOUT,
                 migrations: Sequence[Sequence[str]] = MIGRATIONS) -> None:
        import sqlite3

        self.path = Path(path)
        self.timeout = timeout
        self._migrations = migrations
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are begun and ended here explicitly, never implicitly.
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise InputError(Problem(f"cannot open the history database: {exc}", file=str(self.path),
                                     hint="choose a file you can write to with --db")) from None
        self._db.execute("PRAGMA foreign_keys = ON")
        self._in_transaction = False
        try:
            with self.locked():
                self._migrate()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> "History":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """A write transaction: commits when the block ends, rolls back if it raises."""
        import sqlite3

        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise HistoryBusy(f"{self.path}: the history database is in use by another report run "
                                  f"(waited {self.timeout:g} s); try again later, or give this run its own --db"
                                  ) from None
            raise self._unreadable(exc) from None
        except sqlite3.DatabaseError as exc:
            raise self._unreadable(exc) from None
        self._in_transaction = True
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._in_transaction = False

    def _unreadable(self, exc: sqlite3.Error) -> InputError:
        return InputError(Problem(f"not a usable history database ({exc})", file=str(self.path),
                                  hint="point --db at a new file, or at one an earlier report run created"))

    @property
    def schema_version(self) -> int:
        row = self._db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0])

    def _migrate(self) -> None:
        """Create the schema, or bring an older one up to date; refuse a newer one and a stranger's database."""
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in tables:
            if tables:
                raise InputError(Problem("this SQLite file holds other tables, not a report history",
                                         file=str(self.path), hint="point --db at a new file"))
            self._db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            self._db.execute("INSERT INTO schema_version (version) VALUES (0)")
        version = self.schema_version
        if version > len(self._migrations):
            raise InputError(Problem(f"the history database has schema version {version}, newer than this "
                                     f"tool knows ({len(self._migrations)})", file=str(self.path),
                                     hint="upgrade statutory-timelines, or use another --db"))
        for target in range(version + 1, len(self._migrations) + 1):
            for statement in self._migrations[target - 1]:
                self._db.execute(statement)
            self._db.execute("UPDATE schema_version SET version = ?", (target,))

    def previous(self, as_of: date) -> Snapshot | None:
        """The latest run for the latest as-of date before ``as_of``, with its findings."""
        row = self._db.execute("SELECT id, as_of FROM runs WHERE as_of < ? ORDER BY as_of DESC, id DESC LIMIT 1",
                               (as_of.isoformat(),)).fetchone()
        if row is None:
            return None
        findings: dict[Key, RememberedFinding] = {}
        for record, duty, occurrence, title, status, deadline in self._db.execute(
                "SELECT record, duty, occurrence, title, status, deadline FROM findings WHERE run_id = ?", (row[0],)):
            findings[(record, duty, occurrence)] = RememberedFinding(
                status, title, date.fromisoformat(deadline) if deadline else None)
        return Snapshot(row[0], date.fromisoformat(row[1]), findings)

    def trend(self, before: date, limit: int) -> list[TrendPoint]:
        """Overdue counts of the latest run for each of the last ``limit`` as-of dates before ``before``."""
        rows = self._db.execute(
            """SELECT r.as_of, r.overdue, r.id FROM runs r
               WHERE r.as_of < ? AND r.id = (SELECT MAX(id) FROM runs WHERE as_of = r.as_of)
               ORDER BY r.as_of DESC LIMIT ?""", (before.isoformat(), limit)).fetchall()
        return [TrendPoint(date.fromisoformat(a), n, i) for a, n, i in reversed(rows)]

    def newest_as_of(self) -> date | None:
        row = self._db.execute("SELECT MAX(as_of) FROM runs").fetchone()
        return date.fromisoformat(row[0]) if row[0] else None

    def record(self, as_of: date, started_at: datetime, finished_at: datetime, findings: Sequence[Finding],
               summary: dict[str, object], record_files: Sequence[str] = (), rule_files: Sequence[str] = ()) -> int:
        """Store a run and its findings (not-applicable ones left out); return the run's id. Needs ``locked()``."""
        if not self._in_transaction:
            raise RuntimeError("History.record must run inside History.locked()")
        overdue = sum(1 for f in findings if f.status == "overdue")
        cursor = self._db.execute(
            "INSERT INTO runs (as_of, started_at, finished_at, overdue, summary, record_files, rule_files) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (as_of.isoformat(), started_at.isoformat(timespec="seconds"), finished_at.isoformat(timespec="seconds"),
             overdue, json.dumps(summary), json.dumps(list(record_files)), json.dumps(list(rule_files))))
        run_id = int(cursor.lastrowid or 0)
        self._db.executemany(
            "INSERT INTO findings (run_id, record, duty, occurrence, rule, title, status, deadline, completed_date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(run_id, f.record, f.duty, f.occurrence, f.rule, f.title, f.status, _iso(f.deadline),
              _iso(f.completed_date)) for f in findings if f.status != "not_applicable"])
        return run_id
