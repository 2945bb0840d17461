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


def example_file(path: str | Path) -> Path | None:
    """The copy installed with the package of ``examples/NAME``, for a path written so that is not there.

    The README's examples name ``examples/...`` as in a checkout; an installed package carries the same files,
    so they run from any folder. None when ``path`` is not such a path, or the package has no such example.
    """
    parts = Path(path).parts
    if len(parts) < 2 or parts[0] != "examples" or Path(path).exists():
        return None
    found = bundled("examples").joinpath(*parts[1:])
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
