"""Writing files so that a failed run never destroys what an earlier run wrote."""

from __future__ import annotations

import errno
import os
import re
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError, Problem

#: What ``tempfile.mkstemp`` adds between the prefix and the suffix: eight of these characters.
_RANDOM = "[a-z0-9_]{8}"

#: The most links followed from one name to the file it stands for: the kernel's own limit.
_MAX_LINKS = 40


def write_atomic(path: str | Path, data: str | bytes, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place in one step."""
    with open_atomic(path, binary=True, private=private) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def output_problem(path: str | Path, field: str | None = None, private: bool = False) -> Problem | None:
    """What makes ``path`` no place to write a file (a folder, a broken link, a file as its folder), or None;
    found without writing anything, so a command can refuse before its work."""
    try:
        _destination(path, private)
    except InputError as exc:
        problem = exc.problems[0]
        problem.field = field
        return problem
    return None


@contextmanager
def open_atomic(path: str | Path, binary: bool = False, private: bool = False) -> Iterator[IO]:
    """A file to write ``path`` through as it goes: it replaces ``path`` in one step when the block ends,
    and vanishes, leaving ``path`` as it was, if the block fails. ``private``: readable and writable by its
    owner alone (a cache, which is trusted only so: resources.private_file).

    A link is followed, and the file it leads to replaced (the link kept); a device or a pipe (/dev/null,
    /dev/stdout, a FIFO) is written straight through, never replaced. A private file is only ever a plain one:
    a link or a pipe in its place is replaced, never followed or written into.

    The temporary file (``.NAME.XXXXXXXX.tmp`` beside ``path``) is locked while it is written; one that a
    killed process left is unlocked, and the next write to the same ``path`` removes it.
    """
    target, through = _destination(path, private)
    if through:
        with _open_through(target, binary) as handle:
            yield handle
        return
    import tempfile

    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(Problem(f"cannot write here: {exc.strerror}", file=str(path),
                                 hint="choose a folder you can write to")) from None
    try:
        _lock(fd)
        _remove_leftovers(directory, target.name, Path(tmp).name)
        # mkstemp makes the file readable by its owner alone; unless private, give it the mode any new file would
        # have here (or the one it replaces has), so colleagues on a shared drive can still open the report.
        if not private:
            os.fchmod(fd, _mode_for(target))
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            # The path was looked at before the work; a pipe or a device put there since must not be replaced.
            _still_replaceable(target, path)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}; the previous file is unchanged",
                                 file=str(path), hint="check the disk space and permissions")) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _destination(path: str | Path, private: bool) -> tuple[Path, bool]:
    """The file that writing ``path`` replaces (a link's target), and whether it is written straight through
    instead (a device or a pipe); an InputError for a path no file can be written at."""
    text = os.fspath(path)
    shown = str(path)
    if text.endswith(tuple(s for s in (os.sep, os.altsep) if s)):
        # Path() drops a final /, so this is the one place left to see that a folder was meant.
        if os.path.isdir(text):
            raise _refused("a folder, not a file", shown, "name a file in it, not the folder itself")
        bare = text.rstrip(os.sep + (os.altsep or ""))
        if os.path.lexists(bare):
            raise _refused(f"ends with /, so names a folder, but {bare} is a file", shown,
                           "name a file, not a folder: leave out the final /")
        raise _refused("ends with /, so names a folder, not a file", shown,
                       "name a file, not a folder: put a file name after the /")
    try:
        status = os.lstat(text) if private else os.stat(text)
    except FileNotFoundError:
        if os.path.islink(text):
            raise _refused(str(dead_end(text)), shown,
                           "point the link at a file, remove it, or name another file") from None
        return Path(text), False
    except NotADirectoryError:
        parent = next((p for p in reversed(Path(text).parents) if p.exists() and not p.is_dir()), None)
        raise _refused(f"its folder {parent or Path(text).parent} is a file, so nothing can be written in it",
                       shown, "name a file in a folder, or move that file away") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refused(_LOOP, shown, "fix or remove the link, or name another file") from None
        return Path(text), False  # not readable here: writing it says why, naming the fault
    if stat.S_ISDIR(status.st_mode):
        raise _refused("a folder, not a file", shown, "name a file in it, not the folder itself")
    if private:
        # A cache is trusted for what it holds: a link planted in its folder must not send it, or a pipe feed it,
        # anywhere else; the folder is its owner's alone, so whatever is there is replaced.
        return Path(text), False
    if stat.S_ISREG(status.st_mode):
        if _through_proc(text):
            # /dev/stdout and /dev/fd/N lead to a file this process holds open: it is truncated and written, as a
            # shell would; replacing it would leave the open file, where the rest of the output goes, apart.
            return Path(text), True
        if _read_only(text, status.st_mode):
            raise _refused("a read-only file: it was left as it is", shown,
                           "make it writable first to replace it, or name another file")
        return Path(os.path.realpath(text) if os.path.islink(text) else text), False
    if stat.S_ISCHR(status.st_mode) or stat.S_ISFIFO(status.st_mode):
        return Path(text), True
    if stat.S_ISBLK(status.st_mode):
        raise _refused("a disk device: writing to it would overwrite what the disk holds", shown,
                       "name a file")
    raise _refused("not a file, a device or a pipe (a socket?): nothing can be written to it", shown,
                   "name a file")


_LOOP = "a link that leads round in a loop, never to a file"


def dead_end(path: str | Path) -> str | None:
    """Why ``path``, a name that is there, leads to no file: a link to nothing, or round in a loop; None when it
    is no link, or leads somewhere."""
    if not os.path.islink(path):
        return None
    try:
        os.stat(path)
    except FileNotFoundError:
        return f"a link to {os.readlink(path)}, which does not exist"
    except OSError as exc:
        return _LOOP if exc.errno == errno.ELOOP else None
    return None


def _read_only(text: str, mode: int) -> bool:
    """Whether the file is one its owner marked not to be written (no write bit for anyone), or one this user may
    not write: replacing it by a rename would succeed, where cp or a shell's > refuse, and so must not."""
    # The mode bits first: root may write anything (os.access says so), yet a file chmod 444 is still meant to stay.
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(text, os.W_OK)


def _refused(message: str, file: str, hint: str) -> InputError:
    return InputError(Problem(message, file=file, hint=hint))


def _through_proc(text: str) -> bool:
    """Whether ``text`` leads through /proc, where a link names an open file, not a path: in a folder there
    (/dev/fd/1 is /proc/self/fd/1), or by its links (/dev/stdout)."""
    if (os.path.realpath(os.path.dirname(os.path.abspath(text))) + os.sep).startswith("/proc/"):
        return True
    for _ in range(_MAX_LINKS):
        if not os.path.islink(text):
            return False
        text = os.path.join(os.path.dirname(text), os.readlink(text))
        if os.path.normpath(text).startswith("/proc/"):
            return True
    return False


@contextmanager
def _open_through(target: Path, binary: bool) -> Iterator[IO]:
    """``target``, a device or a pipe, opened for writing; no temporary file, since one cannot replace it."""
    # No O_CREAT: were the device or pipe gone, a plain file must not be made in its place.
    flags = os.O_WRONLY | os.O_TRUNC | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}", file=str(target),
                                 hint="check that the device or pipe is there and can be written")) from None
    try:
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            yield handle
    except OSError as exc:
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}; part of the output may have gone through",
                                 file=str(target), hint="check that the device or pipe can be written")) from None


def _still_replaceable(target: Path, path: str | Path) -> None:
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        raise InputError(Problem("no longer a plain file (a folder, link, device or pipe was put there while the "
                                 "output was made): it was left as it is", file=str(path),
                                 hint="run again, or name another file"))


def _lock(fd: int) -> bool:
    """Lock the open file ``fd`` for as long as it is open (a killed process's lock goes with it); False where
    the system has no such locks."""
    try:
        import fcntl
    except ImportError:  # Windows: leftovers stay, as before
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _remove_leftovers(directory: Path, name: str, own: str) -> None:
    """Remove the temporary files that writes to ``name`` left when they were killed: named as ``open_atomic``
    names them, plain files, and locked by no process (a write under way holds its lock)."""
    pattern = re.compile(re.escape(f".{name}.") + _RANDOM + re.escape(".tmp"))
    try:
        names = [entry for entry in os.listdir(directory) if pattern.fullmatch(entry) and entry != own]
    except OSError:
        return
    for entry in names:
        path = directory / entry
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            continue  # gone already, a link, or another user's
        try:
            if os.path.isfile(path) and not os.path.islink(path) and _lock(fd):
                os.unlink(path)
        except OSError:
            pass
        finally:
            os.close(fd)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
