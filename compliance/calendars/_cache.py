"""Built calendars kept on disk, so a warm start reads one small file instead of importing `holidays`.

The file is keyed by the calendar file's SHA-256 and the `holidays` package's version, so editing
either builds it again. It is written to a temporary file and renamed into place: two processes
building at once both succeed, and a reader never sees half a file. A cache that cannot be read or
written is not an error; the calendar is built in memory as if there were none.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import InputError
from ..resources import installed_version, private_cache, private_file
from ._spec import Amendment, CalendarSpec

FORMAT = 1


@lru_cache(maxsize=1)
def holidays_version() -> str:
    """The installed `holidays` package's version, found without importing it (that costs ~100 ms)."""
    return installed_version("holidays") or "not installed"


def _file(path: Path, sha256: str, version: str) -> Path | None:
    """Where this calendar's build is kept; None where the cache folder is not this user's alone."""
    folder = private_cache("calendars")
    return folder / f"{path.stem}-{sha256[:20]}-holidays-{version}-v{FORMAT}.json" if folder else None


def read(path: Path, sha256: str) -> tuple[CalendarSpec, dict[date, str], str] | None:
    """The spec and holidays built earlier from this exact file and `holidays` version, or None."""
    version = holidays_version()
    kept = _file(path, sha256, version)
    if kept is None or not private_file(kept):
        return None
    try:
        doc = json.loads(kept.read_text(encoding="utf-8"))
        if doc["format"] != FORMAT or doc["sha256"] != sha256 or doc["holidays_version"] != version:
            return None
        raw = doc["spec"]
        spec = CalendarSpec(
            name=raw["name"], title=raw["title"], country=raw["country"], subdivisions=tuple(raw["subdivisions"]),
            first_year=raw["first_year"], last_year=raw["last_year"], announced_through=raw["announced_through"],
            announced_source=raw["announced_source"], common_law_holidays=raw["common_law_holidays"],
            additions=tuple(Amendment(date.fromisoformat(d), n, s) for d, n, s in raw["additions"]),
            removals=tuple(Amendment(date.fromisoformat(d), n, s) for d, n, s in raw["removals"]),
            path=path, sha256=sha256)
        return spec, {date.fromisoformat(d): n for d, n in doc["holidays"]}, version
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(spec: CalendarSpec, names: dict[date, str], version: str) -> None:
    """Keep what was built for the next process; silently skipped where the cache folder is not writable."""
    assert spec.path is not None and spec.sha256 is not None
    doc: dict[str, Any] = {
        "format": FORMAT, "sha256": spec.sha256, "holidays_version": version,
        "spec": {"name": spec.name, "title": spec.title, "country": spec.country,
                 "subdivisions": list(spec.subdivisions), "first_year": spec.first_year,
                 "last_year": spec.last_year, "announced_through": spec.announced_through,
                 "announced_source": spec.announced_source, "common_law_holidays": spec.common_law_holidays,
                 "additions": [[a.date.isoformat(), a.name, a.source] for a in spec.additions],
                 "removals": [[r.date.isoformat(), r.name, r.source] for r in spec.removals]},
        "holidays": [[d.isoformat(), n] for d, n in sorted(names.items())],
    }
    target = _file(spec.path, spec.sha256, version)
    if target is None:
        return
    try:
        write_atomic(target, json.dumps(doc, ensure_ascii=False), private=True)
    except InputError:  # not writable here: the next process builds it again
        pass
