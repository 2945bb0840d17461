"""Where the bundled rules, calendars, schemas and examples live, whether run from a checkout or an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent

#: Environment variable naming an extra directory of calendar files that shadows the bundled ones.
CALENDARS_ENV = "COMPLIANCE_CALENDARS"


def bundled(kind: str) -> Path:
    """The bundled ``rules``, ``calendars``, ``mappings`` or ``examples`` directory: inside the wheel, else beside the
    package."""
    installed = _PACKAGE / "_bundled" / kind
    return installed if installed.is_dir() else _CHECKOUT / kind


def rules_dir() -> Path:
    return bundled("rules")


#: The folders of a checkout the package carries, which the README and --help name as in a checkout.
_SHIPPED = ("examples", "rules", "mappings")


def example_file(path: str | Path) -> Path | None:
    """The copy installed with the package of ``examples/NAME`` (or ``rules/NAME``, ``mappings/NAME``), for a path
    written so that is not there.

    The README's and --help's examples name ``examples/...`` and ``rules/inspections.yaml`` as in a checkout; an
    installed package carries the same files, so they run from any folder. None when ``path`` is not such a path,
    or the package has no such file.
    """
    parts = Path(path).parts
    if len(parts) < 2 or parts[0] not in _SHIPPED or Path(path).exists():
        return None
    found = bundled(parts[0]).joinpath(*parts[1:])
    return found if found.exists() else None


def mappings_dir() -> Path:
    """The bundled column mappings for case-management extracts (Annex A lists, the CIN census)."""
    return bundled("mappings")


def calendar_dirs() -> list[Path]:
    """Directories searched for calendar files, the user's first."""
    dirs = []
    extra = os.environ.get(CALENDARS_ENV)
    if extra:
        dirs.append(Path(extra))
    dirs.append(bundled("calendars"))
    return dirs


#: Environment variable naming the folder for cached data (built calendars, internal-error logs).
CACHE_ENV = "COMPLIANCE_CACHE_DIR"


def cache_dir() -> Path:
    """Where the tool keeps what it can rebuild: ``COMPLIANCE_CACHE_DIR``, else the user's cache folder."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "statutory-timelines"


def private_cache(kind: str) -> Path | None:
    """The cache folder for ``kind`` (``yaml``, ``calendars``), made if need be, or None when another user could
    write to it. What is read back from a cache stands in for the rules and the bank holidays, so a folder
    others can change is not used: the data is then built afresh, slower but sure. This user's own folder left
    group-writable (an earlier umask) is closed to others first."""
    folder = cache_dir() / kind
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder.stat()) and _posix() and folder.stat().st_uid == os.getuid():
            folder.chmod(0o700)
        return folder if _private(folder.stat()) else None
    except OSError:
        return None


def private_file(path: Path) -> bool:
    """Whether ``path`` is a plain file of this user's that no one else can write: one a cache may read."""
    import stat

    try:
        found = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and _private(found)


def installed_version(name: str) -> str | None:
    """The installed version of distribution ``name``, whose package has the same name (None if it is not there),
    read from its ``.dist-info`` folder beside the package: ``importlib.metadata`` costs some 20 ms to import."""
    from importlib.util import find_spec

    spec = find_spec(name)
    if spec is None or not spec.origin:
        return None
    found = list(Path(spec.origin).parent.parent.glob(f"{name}-*.dist-info"))
    if len(found) == 1:
        return found[0].name[len(name) + 1:-len(".dist-info")]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _posix() -> bool:
    return hasattr(os, "getuid")


def _private(found: os.stat_result) -> bool:
    """Owned by this user and writable by no one else (Windows has neither: a profile's folders are its own)."""
    return not _posix() or (found.st_uid == os.getuid() and not found.st_mode & 0o022)
