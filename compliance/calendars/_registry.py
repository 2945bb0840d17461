"""The calendar registry: builds each calendar from the `holidays` package and its YAML file, once per process.

A working day is any day except Saturday, Sunday, Christmas Day, Good Friday and a bank holiday
(SI 2007/462 reg 1(2)). Each calendar is described by a small YAML file in ``calendars/`` that names
the `holidays` subdivisions it draws on and pins any additions or removals with their provenance.
A user's folder (``COMPLIANCE_CALENDARS``) shadows the bundled files.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..resources import CALENDARS_ENV, calendar_dirs
from . import _cache
from ._spec import CalendarSpec, parse_spec
from ._workdays import Calendar

DEFAULT_CALENDAR = "england-and-wales"


def package_holidays(spec: CalendarSpec) -> dict[date, str]:
    """The `holidays` package's days for a calendar's subdivisions, substitutes included (observed=True)."""
    import holidays as holidays_package

    years = range(spec.first_year, spec.last_year + 1)
    names: dict[date, str] = {}
    for sub in spec.subdivisions:
        try:
            found = holidays_package.country_holidays(spec.country, subdiv=sub, years=years)
        except NotImplementedError:  # what the package raises for a country or subdivision it does not know
            raise InputError.at(f"the holidays package has no subdivision {sub!r} of the country {spec.country!r}",
                                file=str(spec.path) if spec.path else None, field="holidays_package",
                                hint="England and Wales is country GB, subdivisions ENG and WLS") from None
        for d, n in found.items():
            names.setdefault(d, n)
    return names


def holiday_names(spec: CalendarSpec) -> dict[date, str]:
    """Every holiday of a calendar: the package's, the common-law days, then the pinned amendments."""
    from dateutil.easter import easter

    names = package_holidays(spec)
    if spec.common_law_holidays:
        for year in range(spec.first_year, spec.last_year + 1):
            names.setdefault(date(year, 12, 25), "Christmas Day")
            names.setdefault(easter(year) - timedelta(days=2), "Good Friday")
    for a in spec.additions:
        names[a.date] = a.name
    for r in spec.removals:
        names.pop(r.date, None)
    return names


def build(spec: CalendarSpec) -> Calendar:
    """Build a Calendar from its spec and the `holidays` package, without the disk cache."""
    return Calendar(spec, holiday_names(spec), _cache.holidays_version())


def available() -> dict[str, Path]:
    """Calendar names mapped to their files; a user directory shadows the bundled one."""
    found: dict[str, Path] = {}
    for directory in calendar_dirs():
        for path in sorted(directory.glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


@lru_cache(maxsize=None)
def _load(path: Path) -> Calendar:
    raw = path.read_bytes()
    sha256 = hashlib.sha256(raw).hexdigest()
    cached = _cache.read(path, sha256)
    if cached is not None:
        return Calendar(*cached)
    spec = parse_spec(raw, path)
    names = holiday_names(spec)
    _cache.write(spec, names, _cache.holidays_version())
    return Calendar(spec, names, _cache.holidays_version())


def get_calendar(name: str | Calendar = DEFAULT_CALENDAR) -> Calendar:
    """The calendar called ``name`` (``england-and-wales``, ``scotland``, ``northern-ireland``, ...).

    A Calendar is returned as it is, so every function that takes a calendar's name takes the calendar too.
    """
    if isinstance(name, Calendar):
        return name
    cal = _CACHE.get(name)
    if cal is not None:
        return cal
    missing = [d for d in calendar_dirs() if not d.is_dir()]
    if missing:
        # Only the user's folder can be missing: reckoning on the bundled calendars instead would be silent.
        raise InputError.at(f"{CALENDARS_ENV} names {str(missing[0])!r}, which is not a folder",
                            hint="give the folder of your calendar files, or unset it")
    files = available()
    if name not in files:
        raise InputError.at(
            f"unknown calendar {name!r}", field="calendar",
            hint="one of: " + ", ".join(sorted(files)),
        )
    cal = _CACHE[name] = _load(files[name])
    return cal


def clear_cache() -> None:
    """Forget loaded calendars, so edited calendar files are read again."""
    _CACHE.clear()
    _load.cache_clear()


_CACHE: dict[str, Calendar] = {}
