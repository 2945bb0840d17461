"""Publishing a report run: staged, recorded in the history, put in place, finished after any crash.

In ``--out`` a run is built in ``.staging-<token>/``. Its ``journal.json`` is written first, once, and
removed last: it proves the folder is this tool's (its token is the folder's name, and it names the
history it belongs to) and says what to put where (the dated folder, and whether ``latest.*`` follow).
The run's folder of files is written and flushed beside it. Then the history records the run, token
included, in its transaction: **that commit is the moment the run happens**. Before it nothing outside
the staging folder has changed, so a leftover whose token the history does not hold is simply removed.
After it, holding the history's lock still, the run's folder is put in place, ``latest.*`` are switched
and run folders past ``--keep-runs`` are set aside; every step is one rename or link that can be
repeated, so a run killed part-way is finished by the next run (``recover``), before it does anything
else. A staging folder killed while its journal was being written holds nothing else, and is removed.

The run's folder (``2026-11-20/``) holds a marker file naming the run, the folder and the inode number, size and
modification time of each of its files; a folder is replaced (or, past ``--keep-runs``, removed) only if it has the
marker, is named as the marker names it, and holds nothing else, no file added or changed since, and it is swapped
with the new one in one step where the system can (Linux ``renameat2``). Past ``--keep-runs`` its files must also be
the very files the run wrote (their inode numbers): a copy (``cp -a`` keeps every size and time) is someone's, and
is left, as is anything added but what a file browser leaves (.DS_Store, Thumbs.db, desktop.ini), which goes with
the folder and is named in the log. A folder without a marker is the report's only as version 0.1 wrote it: all
five of its files, its findings.json dated as the folder is named; run-named files alone prove nothing.

``latest.*`` are hard links to the newest run's files: plain files on a shared drive or from Windows,
no second copy on disk (a copy where the file system has no hard links). They are switched so that
they never mix runs: the new links are prepared in staging, the old names removed, the new ones
renamed in. A crash between those steps can leave some ``latest.*`` missing, never one from each
run, until the next run puts them back. A ``latest.*`` name is replaced only when it is the report's
own: a link to (or a copy of) that file of a run folder the report wrote.

Setting ``COMPLIANCE_TEST_CRASH_AT=N`` makes the process exit at once at the N-th step below (for the
crash tests); ``COMPLIANCE_TEST_CRASH_AT=trace`` names each step on stderr instead.
"""

from __future__ import annotations

import errno
import filecmp
import json
import os
import re
import secrets
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterator

from ..errors import InputError, Problem, listed
from ._history import History, RunRecord

STAGING_PREFIX = ".staging-"
JOURNAL = "journal.json"
MARKER = ".compliance-run"
#: What a journal of the first format (which said "preparing", then "committed") staged for the history.
RUN_RECORD = "run.json"
STATES = "states.zlib"
#: Where a run sets aside the folders of runs past --keep-runs, inside its staging folder, to go with it.
EXPIRED = "expired"
TOOL = "statutory-timelines"
JOURNAL_FORMAT = 2
#: The files of a run's folder, and the latest.* name in --out that links to each.
RUN_FILES = ("report.html", "report.md", "findings.json.gz", "findings.csv", "findings.parquet", "deadlines.ics")
#: Files of a run folder that earlier versions wrote, recognised as the report's own when it replaces the folder.
OLDER_RUN_FILES = ("findings.json",)
#: Every run folder version 0.1 wrote (it had no marker) held these five files and nothing else.
VERSION_0_1_FILES = ("report.html", "report.md", "findings.json", "findings.csv", "deadlines.ics")
_0_1_JSON_HEAD = re.compile(rb'\{\n  "as_of": "([0-9]{4}-[0-9]{2}-[0-9]{2})",\n')
#: Where a same-day run sets the old folder aside, inside its staging folder, where no atomic swap exists.
REPLACED = "replaced"
LATEST = {"latest.html": "report.html", "latest.md": "report.md", "latest.json.gz": "findings.json.gz",
          "latest.csv": "findings.csv", "latest.parquet": "findings.parquet", "latest.ics": "deadlines.ics"}
#: A team's calendar (``--by team``) in a run's folder; in --out, ``latest-`` and its name links to the newest.
TEAM_CALENDAR = re.compile(r"deadlines-[a-z0-9][a-z0-9-]{0,59}\.ics")
LATEST_TEAM = "latest-"
CRASH_ENV = "COMPLIANCE_TEST_CRASH_AT"
CRASH_EXIT = 86
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
#: What a file browser leaves in a folder it has shown (macOS Finder, Windows Explorer), in lower case: a run folder
#: past --keep-runs is removed with them, and the log names them; nothing else the report did not write goes with it.
BROWSER_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
_TOKEN = re.compile(r"[0-9a-f]{16}")
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


def _write_file(path: Path, data: bytes, exclusive: bool = False) -> None:
    with open(path, "xb" if exclusive else "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


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


def _remove(path: Path) -> None:
    """Remove a file, or a folder and all in it; nothing if it is gone already."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        os.unlink(path)


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


def _latest_team_names(out: Path) -> dict[str, str]:
    """The teams' latest-deadlines-*.ics names present in ``out``, each with the run file it stands for."""
    return {p.name: p.name[len(LATEST_TEAM):] for p in sorted(out.glob(LATEST_TEAM + "deadlines-*.ics"))
            if TEAM_CALENDAR.fullmatch(p.name[len(LATEST_TEAM):])}


def read_marker(folder: Path) -> dict[str, Any] | None:
    """The marker of a run folder this tool wrote, or None."""
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def _shown(names: list[str]) -> str:
    return listed(names[:5], len(names))


def _changed_since_marked(marker: dict[str, Any], entries: dict[str, Path]) -> list[str]:
    """The run files of a marked folder that its marker does not list at the size and modification time it
    recorded: added or edited since the run was sealed (an edit that keeps the size still moves the time), so
    someone else's. A marker that lists no files (an older one) proves only itself; one that gives no times, sizes."""
    files = marker.get("files")
    if not isinstance(files, dict):
        return []
    modified = marker.get("modified") if isinstance(marker.get("modified"), dict) else {}

    def changed(name: str, path: Path) -> bool:
        stat = path.stat()
        return (not isinstance(files.get(name), list) or files[name][-1:] != [stat.st_size]
                or (name in modified and modified[name] != stat.st_mtime_ns))

    return sorted(name for name, p in entries.items() if name != MARKER and changed(name, p))


def _is_browser_file(path: Path) -> bool:
    return path.name.lower() in BROWSER_FILES and path.is_file() and not path.is_symlink()


def _not_as_written(folder: Path, marker: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Why a marked run folder is not the report's to remove past --keep-runs (nothing when it is), and the files a
    file browser left in it (``BROWSER_FILES``), which would go with it.

    It is the report's only as the run wrote it: named as its marker names it (``cp -a`` and ``mv`` keep the
    marker), holding the files the marker lists and those very files (the same inode numbers: a copy keeps every
    size and time, not its inodes), each at the size and modification time recorded, and nothing else. A file the
    run wrote and someone removed does not stop it (what is left is the report's), but is named beside what does.
    A marker of an older version, listing no files, proves only its own name and the run files' names; one giving
    no times, the sizes; an inode number of 0 (a file system that has none) is not compared."""
    reasons: list[str] = []
    entries = {p.name: p for p in folder.iterdir()}
    browser = sorted(name for name, p in entries.items() if _is_browser_file(p))
    files = marker.get("files") if isinstance(marker.get("files"), dict) else None
    modified = marker.get("modified") if isinstance(marker.get("modified"), dict) else {}
    added, changed, copied = [], [], []
    for name, path in sorted(entries.items()):
        if name in browser:
            continue
        if path.is_symlink() or not path.is_file() or not (_is_run_file(name) or name == MARKER):
            added.append(name)
        elif name == MARKER or files is None:
            continue
        elif not isinstance(files.get(name), list):
            added.append(name)
        else:
            recorded, stat = files[name], path.stat()
            if recorded[-1:] != [stat.st_size] or (name in modified and modified[name] != stat.st_mtime_ns):
                changed.append(name)
            elif len(recorded) == 2 and recorded[0] and stat.st_ino and recorded[0] != stat.st_ino:
                copied.append(name)
    named = marker.get("folder", folder.name)
    if named != folder.name:
        reasons.append(f"its {MARKER} names the run folder {named}, so it is "
                       + ("a copy of that folder" if copied else "a copy of that folder, or that folder renamed"
                          if files is None else "that folder renamed")
                       + ", not the folder the report wrote here")
    elif copied:
        reasons.append(f"its files are copies of the ones the report wrote, not those files ({_shown(copied)}): "
                       "copied back, or restored from a backup")
    if added:
        reasons.append(f"files were added to it ({_shown(added)})")
    if changed:
        reasons.append(f"files were changed in it since the report wrote them ({_shown(changed)})")
    removed = sorted(name for name in files or () if name not in entries)
    if reasons and removed:
        reasons.append(f"files were removed from it ({_shown(removed)})")
    return reasons, browser


def _written_by_0_1(folder: Path, entries: dict[str, Path]) -> bool:
    """Whether an unmarked folder is a run version 0.1 wrote: all five of its files and nothing else, its
    findings.json opening with the day the folder is named after (or any day, set aside as ``replaced``).

    Run-named files alone prove nothing (someone's own notes can be called report.md); 0.1 always wrote the five
    together, and its findings.json always began so."""
    if set(entries) != set(VERSION_0_1_FILES):
        return False
    try:
        with open(folder / "findings.json", "rb") as handle:
            head = _0_1_JSON_HEAD.match(handle.read(64))
    except OSError:
        return False
    return head is not None and (folder.name == REPLACED or head.group(1).decode() == folder.name)


def check_replaceable(target: Path) -> None:
    """Refuse (InputError) unless ``target`` is absent or provably a run folder this tool wrote, holding nothing
    else: its marker, listing every file in it, or (unmarked) the five files version 0.1 wrote."""
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
        raise InputError(Problem(f"holds files the report did not write ({_shown(foreign)}); the report will not "
                                 "replace it", file=str(target), hint=hint))
    if not entries:
        raise InputError(Problem("is an empty folder the report did not write; the report will not replace it",
                                 file=str(target), hint=hint))
    if MARKER not in entries:
        if not _written_by_0_1(target, entries):
            raise InputError(Problem(f"has no {MARKER} marker, so nothing proves the report wrote its files "
                                     f"({_shown(sorted(entries))}); the report will not replace it",
                                     file=str(target), hint=hint))
        return
    marker = read_marker(target)
    if marker is None:
        raise InputError(Problem(f"has a {MARKER} file the report did not write", file=str(target), hint=hint))
    if marker.get("folder", target.name) != target.name:  # every marker names its folder; a copy names another
        raise InputError(Problem(f"is not a folder the report wrote: its {MARKER} names the run folder "
                                 f"{marker.get('folder')} (a copy of it, or that folder renamed); the report will not "
                                 "replace it", file=str(target), hint=hint))
    changed = _changed_since_marked(marker, entries)
    if changed:
        raise InputError(Problem(f"holds files added or changed since the report wrote it ({_shown(changed)}); "
                                 "the report will not replace it", file=str(target), hint=hint))


def _run_folders(out: Path) -> Iterator[Path]:
    """Every run folder the report wrote in ``out``: in place, or set aside in a staging folder (the one a same-day
    run swapped out, one past --keep-runs), where a crash may have left it while latest.* still link to it."""
    found = [p for p in out.iterdir() if DAY.fullmatch(p.name)]
    for staging in out.glob(STAGING_PREFIX + "*"):
        if staging.is_dir() and not staging.is_symlink():
            found += [p for p in staging.iterdir() if DAY.fullmatch(p.name)] + [staging / REPLACED]
            found += [p for p in (staging / EXPIRED).glob("*") if DAY.fullmatch(p.name)]
    for folder in found:
        if folder.is_dir() and not folder.is_symlink() and _wrote(folder):
            yield folder


def _wrote(folder: Path) -> bool:
    if read_marker(folder) is not None:
        return True
    try:  # unmarked, as version 0.1 wrote them
        check_replaceable(folder)
    except InputError:
        return False
    return True


def _is_ours(path: Path, file: str, folders: list[Path]) -> bool:
    """Whether ``path`` (a latest.* name) is the report's: a link to ``file`` of one of ``folders``, or a copy; or
    the file a folder's marker names by inode and size (it is still a link when the folder's own name for it is
    gone)."""
    counterparts = [f / file for f in folders if (f / file).is_file()]
    try:
        if any(os.path.samefile(path, c) for c in counterparts):
            return True
        stat = path.stat()
        for marker in map(read_marker, folders):
            files = (marker or {}).get("files")
            if isinstance(files, dict) and files.get(file) == [stat.st_ino, stat.st_size]:
                return True
        return path.is_file() and any(c.stat().st_size == stat.st_size and filecmp.cmp(path, c, shallow=False)
                                      for c in counterparts)
    except OSError:
        return False


def check_latest(out: Path, names: dict[str, str] = LATEST) -> None:
    """Refuse (InputError) when a latest.* name about to be replaced (``names``, each with the run file it links
    to) holds anything the report did not put there: a folder, or a file that is not a link to (or a copy of)
    that file of one of its run folders."""
    present = [name for name in names if os.path.lexists(out / name)]
    if not present:
        return
    folders = list(_run_folders(out))
    for name in present:
        path = out / name
        if not path.is_symlink() and not path.is_file():
            raise InputError(Problem("is not a file, so the report cannot put the newest run's file there",
                                     file=str(path), hint="move or rename it; the report owns the latest.* names"))
        if not _is_ours(path, names[name], folders):
            # A run folder removed by hand takes the proof with it: the file may be the report's all the same.
            raise InputError(Problem(f"is not the {names[name]} of any run folder here (it is someone's own, or the "
                                     "run folder it came from was moved or removed), so the report will not replace "
                                     "it", file=str(path),
                                     hint="move it elsewhere (with the other latest.* files, if their run folder is "
                                          "gone), or choose another --out: the report puts the newest run's files "
                                          "under the latest.* names there"))


@dataclass
class Staging:
    """One run's staging folder and its journal: write the run into it, then put it in place and remove it."""

    out: Path
    path: Path
    journal: dict[str, Any]

    @classmethod
    def create(cls, out: Path, folder: str, run_id: int, history: str, db: Path, latest: bool) -> "Staging":
        token = secrets.token_hex(8)
        path = out / (STAGING_PREFIX + token)
        path.mkdir()
        step("staging folder created")
        journal = {"tool": TOOL, "format": JOURNAL_FORMAT, "token": token, "folder": folder, "run_id": run_id,
                   "history": history, "db": str(db), "latest": latest,
                   "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        staging = cls(out, path, journal)
        try:
            # Written once, in place: killed half-way, it leaves a folder holding nothing but part of a journal.
            _write_file(path / JOURNAL, (json.dumps(journal, indent=1) + "\n").encode("utf-8"), exclusive=True)
            _fsync_dir(path)
            step("journal written")
            (path / folder).mkdir()
        except BaseException:
            staging.discard()  # made a moment ago by this process: nothing in it to keep
            raise
        return staging

    @property
    def token(self) -> str:
        return str(self.journal["token"])

    @property
    def run_id(self) -> int:
        return int(self.journal["run_id"])

    @property
    def folder(self) -> str:
        return str(self.journal["folder"])

    @property
    def run_dir(self) -> Path:
        return self.path / self.folder

    @property
    def target(self) -> Path:
        return self.out / self.folder

    def open(self, name: str, append: bool = False) -> IO[bytes]:
        """A file of the run, to write as the findings come (``append``: one closed earlier, to go on with);
        ``close_file`` makes it durable."""
        return open(self.run_dir / name, "ab" if append else "wb")

    def close_file(self, handle: IO[bytes], name: str) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        step(f"written: {name}")

    def write(self, name: str, data: str | bytes) -> None:
        """A whole file of the run, flushed to disk."""
        _write_file(self.run_dir / name, data.encode("utf-8") if isinstance(data, str) else data)
        step(f"written: {name}")

    def seal(self) -> None:
        """The run's folder complete and on disk, with its marker; ready for the history to record the run."""
        stats = {p.name: p.stat() for p in sorted(self.run_dir.iterdir()) if _is_run_file(p.name) and p.is_file()}
        files = {name: [stat.st_ino, stat.st_size] for name, stat in stats.items()}
        modified = {name: stat.st_mtime_ns for name, stat in stats.items()}
        _write_file(self.run_dir / MARKER, (json.dumps({"tool": TOOL, "run_id": self.run_id, "token": self.token,
                                                        "folder": self.folder, "files": files,
                                                        "modified": modified}) + "\n").encode())
        _fsync_dir(self.run_dir)
        _fsync_dir(self.path)
        check_replaceable(self.target)
        if self.journal["latest"]:
            check_latest(self.out, latest_links(self.run_dir))
        step("staged: run folder sealed")

    def apply(self) -> None:
        """Put the recorded run in place; every step can be repeated, so a crash part-way is finished later."""
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
            aside = self.path / REPLACED
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
        stale = {name: file for name, file in _latest_team_names(self.out).items() if name not in links}
        if stale:  # teams the newest run no longer has: their links go, if they are the report's own
            folders = list(_run_folders(self.out))
            for name, file in stale.items():
                if _is_ours(self.out / name, file, folders):
                    os.unlink(self.out / name)
        for name in links:
            prepared = self.path / name
            if prepared.exists():
                os.replace(prepared, self.out / name)
                step(f"new {name} in place")
        _fsync_dir(self.out)

    def expire(self, history: History, keep: set[str], keep_runs: int) -> tuple[list[str], list[str]]:
        """Set aside, into this staging folder (to go with it), the folders of this history's runs whose duty states
        it no longer keeps (``--keep-runs``), but for the folders named in ``keep``, and only as the runs wrote them
        (``_not_as_written``). Returns a warning for each folder left alone, saying what was found in it (and one
        naming together the run folders past the newest ``keep_runs`` dates whose runs this history does not hold),
        and a line for the log about each folder removed (naming the files a file browser left in it, if any)."""
        notes: list[str] = []
        removed_with: list[str] = []
        strangers: list[str] = []
        dates = history.dates()
        # Older than the newest keep_runs dates: past --keep-runs, were the folder this history's.
        oldest_kept = dates[keep_runs - 1][0].isoformat() if len(dates) >= keep_runs else ""
        aside = self.path / EXPIRED
        for folder in sorted(self.out.iterdir()):
            marker = read_marker(folder) if DAY.fullmatch(folder.name) and folder.is_dir() else None
            if marker is None or folder.name in keep or folder.is_symlink():
                continue
            try:
                run_id = int(marker["run_id"])
            except (KeyError, TypeError, ValueError):
                continue
            if history.token_of(run_id) != marker.get("token"):
                if folder.name < oldest_kept:
                    strangers.append(folder.name)
                continue
            if history.keeps_states(run_id):
                continue
            reasons, browser = _not_as_written(folder, marker)
            if reasons:
                notes.append(f"left {folder} alone, past --keep-runs: {'; '.join(reasons)}; it is not the report's "
                             "to remove: move or remove it yourself")
                continue
            aside.mkdir(exist_ok=True)
            try:
                os.rename(folder, aside / folder.name)
            except OSError as exc:  # a read-only folder cannot move (its ".." changes): the rest go on without it
                notes.append(f"left {folder} alone, past --keep-runs: it could not be moved out to be removed "
                             f"({exc.strerror or exc}); make it writable and the next run removes it, or remove it "
                             "yourself")
                continue
            step(f"expired {folder.name}")
            removed_with.append(f"removed {folder}, past --keep-runs" + (
                f", with what a file browser left in it ({', '.join(browser)})" if browser else ""))
        if strangers:
            # Only the history proves a folder's run is the report's to remove (its token): a history moved aside
            # (a damaged one) takes that proof with it.
            notes.append(f"left {len(strangers)} run folder(s) in {self.out} alone, past --keep-runs: "
                         f"{_shown(strangers)}; their runs are not in this history ({history.path}): written before "
                         "it was moved aside or started anew, or with another --db, so they are not the report's to "
                         "remove: move or remove them yourself")
        if aside.exists():
            _fsync_dir(self.out)
        return notes, removed_with

    def discard(self) -> None:
        """Remove a staging folder whose run was never recorded; nothing outside it has changed."""
        self.remove(announce=False)

    def remove(self, announce: bool = True) -> None:
        """Remove the staging folder, its journal last: until then the folder is recognisably this tool's."""
        if self.path.is_dir():
            for entry in sorted(self.path.iterdir(), key=lambda p: p.name == JOURNAL):
                if entry.name == JOURNAL and announce:
                    step("staging emptied but for its journal")
                _remove(entry)
            self.path.rmdir()
        if announce:
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
                and journal.get("format", 1) in (1, JOURNAL_FORMAT)):
            ours.append(Staging(out, path, journal))
        else:
            strangers.append(path)
    return ours, strangers


def _unfinished(path: Path) -> bool:
    """A staging folder of this tool's killed while its journal was being written: it holds nothing else."""
    name = path.name[len(STAGING_PREFIX):]
    entries = [p for p in path.iterdir()]
    return bool(_TOKEN.fullmatch(name)) and all(p.name in (JOURNAL, JOURNAL + ".tmp") and p.is_file()
                                                and not p.is_symlink() for p in entries)


def recover(out: Path, history: History) -> tuple[list[Staging], list[str]]:
    """Finish or undo what killed runs left in ``out``; needs ``history.locked()``.

    A staging folder whose run the history records is put in place and removed; one whose run it does not
    record published nothing and is removed. Returns the staging folders to remove once the transaction has
    committed (runs of the first journal format, recorded in it now), and a line for the log about each
    leftover. Only staging folders with this history's journal are touched, besides those holding nothing
    but (part of) a journal; any other is left.
    """
    later: list[Staging] = []
    notes: list[str] = []
    ours, strangers = find_leftovers(out)
    for path in strangers:
        if _unfinished(path):
            shutil.rmtree(path)
            notes.append(f"removed {path}: a run was stopped while it wrote its journal; nothing else was in it")
        else:
            notes.append(f"left {path} alone: it has no journal of this tool's; look inside and remove it yourself")
    for staging in ours:
        run_id, recorded = staging.run_id, history.token_of(staging.run_id) == staging.token
        if staging.journal.get("history") != history.identity:
            notes.append(f"left {staging.path} alone: it belongs to another history ({staging.journal.get('db')}); "
                         "a run with that --db finishes it")
        elif recorded:
            staging.apply()
            staging.remove()
            notes.append(f"finished publishing run {run_id} ({staging.target}), recorded before it stopped")
        elif staging.journal.get("format", 1) == 1 and staging.journal.get("state") == "committed":
            if history.has_run(run_id):
                notes.append(f"left {staging.path} alone: its run {run_id} is numbered like another run in "
                             f"{history.path}; two --out folders share that history")
                continue
            # The first format recorded a run after putting it in place: its journal's commit point had passed.
            staging.apply()
            history.complete(RunRecord.from_dict(staging.run_record()), staging.states())
            step("recovered run written, not yet committed")
            later.append(staging)
            notes.append(f"finished publishing run {run_id} ({staging.target}), which stopped part-way")
        else:
            staging.discard()
            notes.append(f"removed {staging.path}: run {run_id} stopped before it was recorded; nothing of it was "
                         "published")
    return later, notes
