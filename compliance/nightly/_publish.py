"""Publishing a report run as one transaction: staged, journalled, put in place, finished after any crash.

In ``--out`` a run is built in ``.staging-<token>/``: its folder of files, what history will record,
and ``journal.json``, which proves the folder is this tool's (its token matches the folder's name) and
says how far the run got. While the journal says ``preparing`` nothing outside the staging folder has
changed, so a leftover is simply removed. The journal is then rewritten, in one rename, to say
``committed``: that is the moment the run happens. From then on every step is one rename or link that
can be repeated, so a run killed part-way is finished by the next run (``recover``), before it does
anything else. The history database is written in the same locked transaction, after the files.

The run's folder (``2026-11-20/``) holds a marker file naming the run; a folder is replaced only if
it has the marker (or holds nothing but a report's files, as older versions wrote them) and nothing
else, and it is swapped with the new one in one step where the system can (Linux ``renameat2``).

``latest.*`` are hard links to the newest run's files: plain files on a shared drive or from Windows,
no second copy on disk (a copy where the file system has no hard links). They are switched so that
they never mix runs: the new links are prepared in staging, the old names removed, the new ones
renamed in. A crash between those steps can leave some ``latest.*`` missing, never one from each
run, until the next run puts them back.

Setting ``COMPLIANCE_TEST_CRASH_AT=N`` makes the process exit at once at the N-th step below (for the
crash tests); ``COMPLIANCE_TEST_CRASH_AT=trace`` names each step on stderr instead.
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Mapping

from ..errors import InputError, Problem
from ._history import History, RunRecord

STAGING_PREFIX = ".staging-"
JOURNAL = "journal.json"
MARKER = ".compliance-run"
RUN_RECORD = "run.json"
STATES = "states.zlib"
TOOL = "statutory-timelines"
#: The files of a run's folder, and the latest.* name in --out that links to each.
RUN_FILES = ("report.html", "report.md", "findings.json.gz", "findings.csv", "findings.parquet", "deadlines.ics")
#: Files of a run folder that earlier versions wrote, recognised as the report's own when it replaces the folder.
OLDER_RUN_FILES = ("findings.json",)
LATEST = {"latest.html": "report.html", "latest.md": "report.md", "latest.json.gz": "findings.json.gz",
          "latest.csv": "findings.csv", "latest.parquet": "findings.parquet", "latest.ics": "deadlines.ics"}
#: A team's calendar (``--by team``) in a run's folder; in --out, ``latest-`` and its name links to the newest.
TEAM_CALENDAR = re.compile(r"deadlines-[a-z0-9][a-z0-9-]{0,59}\.ics")
LATEST_TEAM = "latest-"
CRASH_ENV = "COMPLIANCE_TEST_CRASH_AT"
CRASH_EXIT = 86
_steps = 0


def step(name: str) -> None:
    """A point where a crash test may stop the process (see the module's docstring); otherwise nothing."""
    global _steps
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    _steps += 1
    if wanted == "trace":
        sys.stderr.write(f"step {_steps}: {name}\n")
    elif wanted == str(_steps):
        sys.stderr.write(f"compliance: test crash at step {_steps}: {name}\n")
        sys.stderr.flush()
        os._exit(CRASH_EXIT)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Replace a small JSON file in one rename, so a reader sees the old content or the new, never half."""
    tmp = path.with_name(path.name + ".tmp")
    _write_file(tmp, (json.dumps(data, indent=1) + "\n").encode("utf-8"))
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES):
            raise
        _write_file(target, source.read_bytes())


def team_calendar_name(slug: str) -> str:
    """The file name of a team's calendar, ``slug`` being lower-case letters, digits and hyphens."""
    return f"deadlines-{slug}.ics"


def _is_run_file(name: str) -> bool:
    return name in RUN_FILES or name in OLDER_RUN_FILES or TEAM_CALENDAR.fullmatch(name) is not None


def latest_links(run_folder: Path) -> dict[str, str]:
    """Each latest.* name in --out and the file of ``run_folder`` it links to, the teams' calendars included."""
    teams = sorted(p.name for p in run_folder.iterdir() if TEAM_CALENDAR.fullmatch(p.name)) \
        if run_folder.is_dir() else []
    return {**LATEST, **{LATEST_TEAM + name: name for name in teams}}


def _latest_team_names(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob(LATEST_TEAM + "deadlines-*.ics")
                  if TEAM_CALENDAR.fullmatch(p.name[len(LATEST_TEAM):]))


def _links_a_run_file(out: Path, latest: str) -> bool:
    """Whether ``out/latest`` is a link to a team's calendar in a run folder the report wrote: only then is it
    the report's to remove (a copy, where the file system has no links, is left alone)."""
    path, name = out / latest, latest[len(LATEST_TEAM):]
    if path.is_symlink() or not path.is_file() or path.stat().st_nlink < 2:
        return False
    for folder in out.iterdir():
        calendar = folder / name
        if calendar.is_file() and not calendar.is_symlink() and os.path.samefile(calendar, path) \
                and read_marker(folder) is not None:
            return True
    return False


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a run folder this tool wrote, or None."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def check_replaceable(target: Path) -> None:
    """Refuse (InputError) unless ``target`` is absent or a run folder this tool wrote, holding nothing else."""
    if not os.path.lexists(target):
        return
    hint = "move it (or the files in it) elsewhere, or choose another --out"
    if target.is_symlink() or not target.is_dir():
        raise InputError(Problem("is in the way of this run's folder and was not written by the report",
                                 file=str(target), hint=hint))
    entries = {p.name: p for p in target.iterdir()}
    foreign = sorted(name for name, p in entries.items()
                     if not (_is_run_file(name) or name == MARKER) or p.is_symlink() or not p.is_file())
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise InputError(Problem(f"holds files the report did not write ({shown}); the report will not replace it",
                                 file=str(target), hint=hint))
    if MARKER not in entries and not entries:
        raise InputError(Problem("is an empty folder the report did not write; the report will not replace it",
                                 file=str(target), hint=hint))
    if MARKER in entries and read_marker(target) is None:
        raise InputError(Problem(f"has a {MARKER} file the report did not write", file=str(target), hint=hint))


def check_latest(out: Path) -> None:
    """Refuse (InputError) when a latest.* name in ``out`` is a folder or anything else but a file or link."""
    for name in [*LATEST, *_latest_team_names(out)]:
        path = out / name
        if os.path.lexists(path) and not path.is_symlink() and not path.is_file():
            raise InputError(Problem("is not a file, so the report cannot put the newest run's file there",
                                     file=str(path), hint="move or rename it; the report owns the latest.* names"))


@dataclass
class Staging:
    """One run's staging folder and its journal: write the run into it, commit, apply, remove."""

    out: Path
    path: Path
    journal: dict[str, Any]

    @classmethod
    def create(cls, out: Path, folder: str, run_id: int, history: str, db: Path) -> "Staging":
        token = secrets.token_hex(8)
        path = out / (STAGING_PREFIX + token)
        path.mkdir()
        step("staging folder created")
        journal = {"tool": TOOL, "format": 1, "token": token, "state": "preparing", "folder": folder,
                   "run_id": run_id, "history": history, "db": str(db), "latest": False,
                   "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        staging = cls(out, path, journal)
        try:
            _write_json(path / JOURNAL, journal)
            step("journal written: preparing")
            (path / folder).mkdir()
        except BaseException:
            staging.discard()  # made a moment ago by this process: nothing in it to keep
            raise
        return staging

    @property
    def token(self) -> str:
        return str(self.journal["token"])

    @property
    def folder(self) -> str:
        return str(self.journal["folder"])

    @property
    def run_dir(self) -> Path:
        return self.path / self.folder

    @property
    def target(self) -> Path:
        return self.out / self.folder

    def open(self, name: str) -> IO[bytes]:
        """A file of the run, to write as the findings come; ``close_file`` makes it durable."""
        return open(self.run_dir / name, "wb")

    def close_file(self, handle: IO[bytes], name: str) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        step(f"written: {name}")

    def write(self, name: str, data: str | bytes) -> None:
        """A whole file of the run, flushed to disk."""
        _write_file(self.run_dir / name, data.encode("utf-8") if isinstance(data, str) else data)
        step(f"written: {name}")

    def commit(self, run_record: Mapping[str, Any], states: bytes, latest: bool) -> None:
        """Make the run happen: everything staged and on disk, then the journal says ``committed``."""
        _write_file(self.run_dir / MARKER, (json.dumps({"tool": TOOL, "run_id": self.journal["run_id"],
                                                        "token": self.token, "folder": self.folder}) + "\n").encode())
        _fsync_dir(self.run_dir)
        _write_file(self.path / RUN_RECORD, (json.dumps(dict(run_record)) + "\n").encode("utf-8"))
        _write_file(self.path / STATES, states)
        _fsync_dir(self.path)
        step("staged: marker, history record")
        check_replaceable(self.target)
        if latest:
            check_latest(self.out)
        self.journal = {**self.journal, "state": "committed", "latest": latest}
        _write_json(self.path / JOURNAL, self.journal)
        step("journal written: committed")

    def apply(self) -> None:
        """Put the committed run in place; every step can be repeated, so a crash part-way is finished later."""
        marker = read_marker(self.target)
        if marker is None or marker.get("token") != self.token:
            check_replaceable(self.target)  # again: something may have appeared there since a crash
            self._swap_folder()
        if self.journal["latest"]:
            self._switch_latest()

    def _swap_folder(self) -> None:
        if not os.path.lexists(self.target):
            os.rename(self.run_dir, self.target)
        elif not _exchange(self.run_dir, self.target):
            # No atomic swap here (NFS, SMB): set the old folder aside, then move the new one in.
            aside = self.path / "replaced"
            if os.path.lexists(aside):
                shutil.rmtree(aside)
            os.rename(self.target, aside)
            step("old run folder set aside")
            os.rename(self.run_dir, self.target)
        _fsync_dir(self.out)
        step("run folder in place")

    def _switch_latest(self) -> None:
        links = latest_links(self.target)
        for name, file in links.items():
            prepared = self.path / name
            if not prepared.exists():
                _link_or_copy(self.target / file, prepared)
        _fsync_dir(self.path)
        step("latest prepared")
        for name, file in links.items():
            current = self.out / name
            if os.path.lexists(current) and not (current.exists() and os.path.samefile(current, self.target / file)):
                os.unlink(current)
                step(f"old {name} removed")
        for name in _latest_team_names(self.out):
            if name not in links and _links_a_run_file(self.out, name):  # a team the newest run no longer has
                os.unlink(self.out / name)
        for name in links:
            prepared = self.path / name
            if prepared.exists():
                os.replace(prepared, self.out / name)
                step(f"new {name} in place")
        _fsync_dir(self.out)

    def discard(self) -> None:
        """Remove a staging folder whose run did not commit; nothing outside it has changed."""
        shutil.rmtree(self.path, ignore_errors=True)

    def remove(self) -> None:
        """Remove the staging folder once its run is recorded (the old same-day folder goes with it)."""
        shutil.rmtree(self.path, ignore_errors=True)
        step("staging removed")

    def run_record(self) -> dict[str, Any]:
        return json.loads((self.path / RUN_RECORD).read_text(encoding="utf-8"))

    def states(self) -> bytes:
        return (self.path / STATES).read_bytes()


def find_leftovers(out: Path) -> tuple[list[Staging], list[Path]]:
    """Staging folders in ``out``: those provably this tool's (a journal whose token is the folder's), and the rest."""
    ours, strangers = [], []
    if not out.is_dir():
        return ours, strangers
    for path in sorted(out.glob(STAGING_PREFIX + "*")):
        if not path.is_dir() or path.is_symlink():
            continue
        try:
            journal = json.loads((path / JOURNAL).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            journal = None
        if (isinstance(journal, dict) and journal.get("tool") == TOOL
                and path.name == STAGING_PREFIX + str(journal.get("token"))
                and journal.get("state") in ("preparing", "committed")):
            ours.append(Staging(out, path, journal))
        else:
            strangers.append(path)
    return ours, strangers


def recover(out: Path, history: History) -> tuple[list[Staging], list[str]]:
    """Finish or undo what killed runs left in ``out``; needs ``history.locked()``.

    Returns the staging folders to remove once the transaction has committed (their runs are then
    recorded), and a line for the log about each leftover. Only staging folders with this history's
    journal are touched; an empty one is removed (there is nothing in it to lose); any other is left.
    """
    finished: list[Staging] = []
    notes: list[str] = []
    ours, strangers = find_leftovers(out)
    for path in strangers:
        try:
            path.rmdir()
            notes.append(f"removed {path}, an empty staging folder")
        except OSError:
            notes.append(f"left {path} alone: it has no journal of this tool's; look inside and remove it yourself")
    for staging in ours:
        run_id = int(staging.journal["run_id"])
        if staging.journal.get("history") != history.identity:
            notes.append(f"left {staging.path} alone: it belongs to another history ({staging.journal.get('db')}); "
                         "a run with that --db finishes it")
        elif staging.journal["state"] == "preparing":
            staging.discard()
            notes.append(f"removed {staging.path}: run {run_id} stopped before it was published")
        elif history.token_of(run_id) == staging.token:
            finished.append(staging)
        elif not history.has_run(run_id):
            staging.apply()
            history.complete(RunRecord.from_dict(staging.run_record()), staging.states())
            step("recovered run written, not yet committed")
            finished.append(staging)
            notes.append(f"finished publishing run {run_id} ({staging.target}), which stopped part-way")
        else:
            notes.append(f"left {staging.path} alone: its run {run_id} is numbered like another run in "
                         f"{history.path}; two --out folders share that history")
    return finished, notes
