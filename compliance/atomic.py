"""Writing files so that a failed run never destroys what an earlier run wrote."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .errors import InputError, Problem

#: What ``tempfile.mkstemp`` adds between the prefix and the suffix: eight of these characters.
_RANDOM = "[a-z0-9_]{8}"


def write_atomic(path: str | Path, data: str | bytes, private: bool = False) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place in one step."""
    with open_atomic(path, binary=True, private=private) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


@contextmanager
def open_atomic(path: str | Path, binary: bool = False, private: bool = False) -> Iterator[IO]:
    """A file to write ``path`` through as it goes: it replaces ``path`` in one step when the block ends,
    and vanishes, leaving ``path`` as it was, if the block fails. ``private``: readable and writable by its
    owner alone (a cache, which is trusted only so: resources.private_file).

    The temporary file (``.NAME.XXXXXXXX.tmp`` beside ``path``) is locked while it is written; one that a
    killed process left is unlocked, and the next write to the same ``path`` removes it.
    """
    import tempfile

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise InputError(Problem(f"cannot write here: {exc.strerror}", file=str(target),
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
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(Problem(f"cannot write: {exc.strerror or exc}; the previous file is unchanged",
                                 file=str(target), hint="check the disk space and permissions")) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
