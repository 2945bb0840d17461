"""Run history in SQLite: each report run, and the duty states the next run compares with.

A run is reserved (its row inserted, so its number is fixed) as soon as it holds the database's write
lock, and completed with its summary and duty states in the same transaction (``BEGIN IMMEDIATE``); a
run that fails or is killed before it commits leaves nothing. Its commit is the moment the run happens
(see ``_publish``); the lock can be kept past it (``locked(keep=True)``) while the run's files are put in
place, so that no other run comes between. A second run at the same time waits for it, up to a timeout,
then fails with a clear message. A database that cannot be written (read-only, a full disk) or read
(damaged rows, a table gone) is exit code 2 naming the file, with nothing changed.

What the next run needs is small: for each record with a duty that applies, each duty occurrence's
status and deadline. They are kept as one zlib-compressed block of JSON lines per run (see
``_changes``), and only for the latest run of each of the newest ``keep`` dates (the runs whose folders
``--keep-runs`` keeps); the ``runs`` rows (dates and counts, a few hundred bytes each) stay for the trend.
The journal stays in SQLite's default rollback mode because WAL does not work on network drives.
"""

from __future__ import annotations

import json
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence, Union

from ..errors import ComplianceError, InputError, Problem
from ._model import Snapshot, TrendPoint

if TYPE_CHECKING:
    import sqlite3

DEFAULT_TIMEOUT = 60.0
#: Dates whose latest run's duty states (and folder) are kept; other runs keep only their row (date, counts) for the
#: trend.
DEFAULT_KEEP_RUNS = 30

Migration = Sequence[Union[str, Callable[["sqlite3.Connection"], None]]]


def _states_from_findings_table(db: sqlite3.Connection) -> None:
    """Version 1 kept one row per finding; version 2 keeps each run's states as one compressed block."""
    from ._changes import states_line

    runs = [r[0] for r in db.execute("SELECT DISTINCT run_id FROM findings ORDER BY run_id")]
    for run_id in runs:
        by_record: dict[str, list[tuple[str, int, str, str | None]]] = {}
        titles: dict[str, str] = {}
        for record, duty, occurrence, title, status, deadline in db.execute(
                "SELECT record, duty, occurrence, title, status, deadline FROM findings WHERE run_id = ? "
                "ORDER BY record", (run_id,)):
            by_record.setdefault(record, []).append((duty, occurrence, status, deadline))
            titles.setdefault(duty, title)
        lines = "\n".join(states_line(record, states) for record, states in by_record.items())
        db.execute("INSERT INTO run_states (run_id, titles, states) VALUES (?, ?, ?)",
                   (run_id, json.dumps(titles), zlib.compress(lines.encode("utf-8"))))


def _name_history(db: sqlite3.Connection) -> None:
    """Give the history a name of its own, so a run's journal can tell whose it is wherever the files are moved."""
    import secrets

    db.execute("CREATE TABLE identity (id TEXT NOT NULL)")
    db.execute("INSERT INTO identity (id) VALUES (?)", (secrets.token_hex(16),))


#: Each entry migrates the schema from version i to i + 1: SQL statements, or a function for what SQL
#: cannot do, run in order inside one transaction.
MIGRATIONS: tuple[Migration, ...] = (
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
    (
        # The token ties a run to the staging journal that published it (see _publish).
        "ALTER TABLE runs ADD COLUMN token TEXT",
        """CREATE TABLE run_states (
               run_id INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
               titles TEXT NOT NULL,
               states BLOB NOT NULL
           )""",
        _states_from_findings_table,
        "DROP TABLE findings",
        _name_history,
    ),
    (
        # What a run read (its mapping, the kinds of its records): a run of another source is refused its folder.
        "ALTER TABLE runs ADD COLUMN source TEXT",
    ),
)


class HistoryBusy(ComplianceError):
    """Another run held the history database for longer than this run was willing to wait."""


@dataclass(frozen=True)
class RunRecord:
    """Everything a completed run stores, as plain data, so a journal can carry it until it is recorded."""

    run_id: int
    token: str
    as_of: date
    started_at: str
    finished_at: str
    overdue: int
    summary: Mapping[str, Any]
    record_files: Sequence[str]
    rule_files: Sequence[str]
    titles: Mapping[str, str]
    #: What the run read (``Source``); None for a run an older version's journal brings back.
    source: Source | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "token": self.token, "as_of": self.as_of.isoformat(),
                "started_at": self.started_at, "finished_at": self.finished_at, "overdue": self.overdue,
                "summary": dict(self.summary), "record_files": list(self.record_files),
                "rule_files": list(self.rule_files), "titles": dict(self.titles)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "RunRecord":
        return cls(int(data["run_id"]), str(data["token"]), date.fromisoformat(data["as_of"]),
                   str(data["started_at"]), str(data["finished_at"]), int(data["overdue"]), dict(data["summary"]),
                   list(data["record_files"]), list(data["rule_files"]), dict(data["titles"]))


@dataclass(frozen=True)
class Source:
    """What a run read: the mapping its records came through (None: the record layout), and their kinds. Runs of
    one source share a history; another's would be compared with them as if its duties had changed overnight."""

    mapping: str | None
    kinds: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"mapping": self.mapping, "kinds": list(self.kinds)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Source":
        mapping = data.get("mapping")
        return cls(str(mapping) if mapping is not None else None, tuple(str(k) for k in data.get("kinds") or ()))

    def same_as(self, other: "Source") -> bool:
        """Whether ``other`` is this source: read through the same mapping, with a kind of record in common (a
        tracker that starts to hold referrals too is still the tracker)."""
        return self.mapping == other.mapping and bool(set(self.kinds) & set(other.kinds))

    def __str__(self) -> str:
        kinds = ", ".join(self.kinds) or "no"
        return f"{kinds} records" + (f" through the {self.mapping} mapping" if self.mapping else "")


class History:
    """One open history database. Use ``with History(path) as h, h.locked(): ...`` around a run."""

    def __init__(self, path: str | Path, timeout: float = DEFAULT_TIMEOUT,
                 migrations: Sequence[Migration] = MIGRATIONS) -> None:
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
    def locked(self, keep: bool = False) -> Iterator[None]:
        """A write transaction: commits when the block ends, rolls back if it raises (nothing changed).

        With ``keep``, the write lock outlasts the commit (SQLite's exclusive locking mode), until ``release``
        or ``close``: no other connection can read or write in between.
        """
        import sqlite3

        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise HistoryBusy(f"{self.path}: the history database is in use by another report run "
                                  f"(waited {self.timeout:g} s); try again later, or give this run its own --db"
                                  ) from None
            raise self._unusable(exc) from None
        except sqlite3.DatabaseError as exc:
            raise self._unusable(exc) from None
        self._in_transaction = True
        try:
            yield
            if keep:
                self._db.execute("PRAGMA locking_mode = EXCLUSIVE")  # the commit then keeps the lock it takes
            self._db.execute("COMMIT")
        except BaseException as exc:
            # SQLite has already rolled back after some errors (a full disk among them): roll back only what is open.
            if self._db.in_transaction:
                try:
                    self._db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the journal SQLite keeps rolls it back when the database is next opened
            if keep:
                self.release()
            if isinstance(exc, sqlite3.Error):
                raise self._unusable(exc) from None
            raise
        finally:
            self._in_transaction = False

    def release(self) -> None:
        """Let go of a lock kept by ``locked(keep=True)``."""
        import sqlite3

        try:
            self._db.execute("PRAGMA locking_mode = NORMAL")
            self._db.execute("SELECT 1 FROM schema_version").fetchall()  # the next read drops the lock
        except sqlite3.Error:
            pass  # closing the connection drops it

    def _unusable(self, exc: sqlite3.Error) -> InputError:
        text = str(exc)
        if "readonly" in text or "unable to open" in text:
            return InputError(Problem(f"cannot write the history database ({text}); nothing was changed",
                                      file=str(self.path),
                                      hint="make it and its folder writable, or choose another file with --db"))
        if "disk is full" in text or "disk I/O" in text:
            return InputError(Problem(f"cannot write the history database ({text}); nothing was changed",
                                      file=str(self.path), hint="free some disk space and run again"))
        if "no such" in text or "malformed" in text or "constraint" in text:
            return self._damaged(text)
        return InputError(Problem(f"not a usable history database ({text})", file=str(self.path),
                                  hint="point --db at a new file, or at one an earlier report run created"))

    def _damaged(self, what: str) -> InputError:
        return InputError(Problem(f"the history database is damaged ({what}); nothing was changed",
                                  file=str(self.path),
                                  hint=f"move it aside (mv {self.path} {self.path}.damaged): the next run starts a new "
                                       "history, with no earlier run to compare with"))

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn rows that cannot be read as this tool wrote them into one clear error naming the file."""
        import sqlite3

        try:
            yield
        except sqlite3.Error as exc:
            raise self._unusable(exc) from None
        except (zlib.error, ValueError, TypeError, IndexError, KeyError) as exc:
            raise self._damaged(f"{type(exc).__name__}: {str(exc)[:200]}") from None

    def _write(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run a statement that writes, turning SQLite's refusals (read-only, disk full) into located errors."""
        import sqlite3

        if not self._in_transaction:
            raise RuntimeError("History writes must run inside History.locked()")
        try:
            return self._db.execute(sql, params)
        except sqlite3.OperationalError as exc:
            raise self._unusable(exc) from None

    @property
    def identity(self) -> str:
        """This history's own random name, the same wherever the file is copied or moved."""
        with self._reading():
            return str(self._db.execute("SELECT id FROM identity").fetchone()[0])

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
            self._write("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            self._write("INSERT INTO schema_version (version) VALUES (0)")
        version = self.schema_version
        if version > len(self._migrations):
            raise InputError(Problem(f"the history database has schema version {version}, newer than this "
                                     f"tool knows ({len(self._migrations)})", file=str(self.path),
                                     hint="upgrade statutory-timelines, or use another --db"))
        for target in range(version + 1, len(self._migrations) + 1):
            for step in self._migrations[target - 1]:
                if callable(step):
                    step(self._db)
                else:
                    self._write(step)
            self._write("UPDATE schema_version SET version = ?", (target,))

    # -- reading ------------------------------------------------------------------------------------

    def previous(self, as_of: date) -> Snapshot | None:
        """The latest run for the latest as-of date before ``as_of``, with its duty states (None if pruned)."""
        with self._reading():
            row = self._db.execute("SELECT id, as_of FROM runs WHERE as_of < ? ORDER BY as_of DESC, id DESC "
                                   "LIMIT 1", (as_of.isoformat(),)).fetchone()
            if row is None:
                return None
            kept = self._db.execute("SELECT titles, states FROM run_states WHERE run_id = ?", (row[0],)).fetchone()
            if kept is None:
                return Snapshot(row[0], date.fromisoformat(row[1]), None)
            titles = json.loads(kept[0])
            if not isinstance(titles, dict) or not all(isinstance(v, str) for v in titles.values()):
                raise ValueError("the duty titles are not a mapping of names to titles")
            return Snapshot(row[0], date.fromisoformat(row[1]), _states(kept[1]), titles)

    def trend(self, before: date, limit: int) -> list[TrendPoint]:
        """Overdue counts of the latest run for each of the last ``limit`` as-of dates before ``before``."""
        with self._reading():
            rows = self._db.execute(
                """SELECT r.as_of, r.overdue, r.id FROM runs r
                   WHERE r.as_of < ? AND r.id = (SELECT MAX(id) FROM runs WHERE as_of = r.as_of)
                   ORDER BY r.as_of DESC LIMIT ?""", (before.isoformat(), limit)).fetchall()
            return [TrendPoint(date.fromisoformat(a), int(n), int(i)) for a, n, i in reversed(rows)]

    def dates(self) -> list[tuple[date, int]]:
        """Each as-of date with a completed run, and the number of its latest run (the one owning its folder), the
        newest date first."""
        with self._reading():
            rows = self._db.execute("SELECT as_of, MAX(id) FROM runs WHERE finished_at != '' GROUP BY as_of "
                                    "ORDER BY as_of DESC").fetchall()
            return [(date.fromisoformat(a), int(i)) for a, i in rows]

    def token_of(self, run_id: int) -> str | None:
        """The token of a completed run, or None when there is no such run (or it was never completed)."""
        with self._reading():
            row = self._db.execute("SELECT token FROM runs WHERE id = ? AND finished_at != ''", (run_id,)).fetchone()
            return row[0] if row else None

    def last_source(self) -> tuple[int, date, Source] | None:
        """The newest run that says what it read: its number, as-of date and source (None before any did)."""
        with self._reading():
            row = self._db.execute("SELECT id, as_of, source FROM runs WHERE source IS NOT NULL ORDER BY id DESC "
                                   "LIMIT 1").fetchone()
            if row is None:
                return None
            data = json.loads(row[2])
            if not isinstance(data, dict):
                raise ValueError("a run's source is not a mapping")
            return int(row[0]), date.fromisoformat(row[1]), Source.from_dict(data)

    def has_run(self, run_id: int) -> bool:
        with self._reading():
            return self._db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is not None

    def keeps_states(self, run_id: int) -> bool:
        """Whether the run's duty states are still kept (``prune`` drops them, and ``--keep-runs`` its folder)."""
        with self._reading():
            return self._db.execute("SELECT 1 FROM run_states WHERE run_id = ?", (run_id,)).fetchone() is not None

    # -- writing (inside locked()) ------------------------------------------------------------------

    def reserve(self, as_of: date, started_at: datetime) -> int:
        """Insert this run's row now, so its number is fixed before any file names it; returns the number.

        The row is completed by ``complete`` in the same transaction; if the run fails it is rolled back.
        Writing it first also proves the database can be written before any work is done.
        """
        cursor = self._write(
            "INSERT INTO runs (as_of, started_at, finished_at, overdue, summary, record_files, rule_files) "
            "VALUES (?, ?, '', 0, '{}', '[]', '[]')", (as_of.isoformat(), started_at.isoformat(timespec="seconds")))
        return int(cursor.lastrowid or 0)

    def complete(self, run: RunRecord, states: bytes) -> None:
        """Store a run's summary and its compressed duty states; insert the row if a recovery brings it."""
        source = json.dumps(run.source.to_dict()) if run.source else None
        values = (run.as_of.isoformat(), run.started_at, run.finished_at, run.overdue, json.dumps(dict(run.summary)),
                  json.dumps(list(run.record_files)), json.dumps(list(run.rule_files)), run.token, source, run.run_id)
        updated = self._write("UPDATE runs SET as_of = ?, started_at = ?, finished_at = ?, overdue = ?, summary = ?, "
                              "record_files = ?, rule_files = ?, token = ?, source = ? WHERE id = ?", values)
        if updated.rowcount == 0:
            self._write("INSERT INTO runs (as_of, started_at, finished_at, overdue, summary, record_files, "
                        "rule_files, token, source, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        self._write("INSERT OR REPLACE INTO run_states (run_id, titles, states) VALUES (?, ?, ?)",
                    (run.run_id, json.dumps(dict(run.titles)), states))

    def prune(self, keep: int) -> int:
        """Keep the duty states of the latest run of each of the ``keep`` latest dates, and drop the others'; their
        rows stay for the trend. A date's latest run is the one that owns its folder (a rerun the same day swapped the
        earlier run's folder out) and the one a later run compares with, so a rerun takes no date's place: ``keep``
        dates keep their folders (``--keep-runs``). The latest dates, not the latest made: a run back-filling last
        month must not drop the one tomorrow's run compares with."""
        cursor = self._write("DELETE FROM run_states WHERE run_id NOT IN "
                             "(SELECT MAX(id) FROM runs WHERE finished_at != '' GROUP BY as_of "
                             "ORDER BY as_of DESC LIMIT ?)", (keep,))
        return cursor.rowcount


def _states(blob: bytes) -> dict[str, str]:
    """Each record's states line, from a run's compressed block, every line checked to be as ``_changes`` writes it
    (a damaged one would otherwise fail half-way through the next run)."""
    states = {}
    for line in zlib.decompress(blob).decode("utf-8").split("\n"):
        if not line:
            continue
        record, duties = json.loads(line)
        for duty, occurrence, status, deadline in duties:
            if not (isinstance(duty, str) and type(occurrence) is int and isinstance(status, str)
                    and (deadline is None or date.fromisoformat(deadline))):
                raise ValueError(f"a duty state of record {record!r} is not as the report writes it")
        states[str(record)] = line
    return states
