"""Putting a report run's files in place all at once, so a failed run leaves the previous report as it was.

Every file is written and flushed to disk in a staging folder inside the output folder first; only
then is each moved into place with a rename, which the operating system does in one step. The
``latest.*`` files are copies, not symbolic links, so the folder survives being copied to a shared drive.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Mapping

from ..errors import InputError, Problem

STAGING_PREFIX = ".staging-"
#: A staging folder older than this was left by a run that was killed; a newer one may belong to a live run.
_STALE_SECONDS = 24 * 3600


def _write(path: Path, data: str | bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_staging(out: Path) -> None:
    cutoff = time.time() - _STALE_SECONDS
    for leftover in out.glob(STAGING_PREFIX + "*"):
        if leftover.is_dir() and leftover.stat().st_mtime < cutoff:
            shutil.rmtree(leftover, ignore_errors=True)


def publish(out: str | Path, folder: str, files: Mapping[str, str | bytes],
            latest: Mapping[str, str] | None = None) -> Path:
    """Write ``files`` into ``out/folder`` (replacing it) and copy some of them to ``out``; return the folder.

    ``latest`` maps a name in ``out`` (``latest.html``) to one of ``files`` (``report.html``);
    None or empty leaves the existing latest copies alone.
    """
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
    except OSError as exc:
        raise InputError(Problem(f"cannot write the report here: {exc.strerror}", file=str(out),
                                 hint="choose a folder you can write to with --out")) from None
    try:
        _remove_stale_staging(out)
        run_dir = staging / folder
        run_dir.mkdir()
        for name, data in files.items():
            _write(run_dir / name, data)
        _sync_dir(run_dir)
        copies = {}
        for name, source in (latest or {}).items():
            copies[name] = staging / name
            _write(copies[name], files[source])
        target = out / folder
        if target.exists():
            os.rename(target, staging / "replaced")
        os.rename(run_dir, target)
        for name, path in copies.items():
            os.replace(path, out / name)
        _sync_dir(out)
        return target
    finally:
        shutil.rmtree(staging, ignore_errors=True)
