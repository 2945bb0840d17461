"""Calendar files: the YAML that describes a calendar, its `holidays` subdivisions and its pinned amendments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError
from ..yamlio import load_yaml


@dataclass(frozen=True)
class Amendment:
    """A pinned addition to, or removal from, the `holidays` package's list, with where it comes from."""

    date: date
    name: str
    source: str


@dataclass(frozen=True)
class CalendarSpec:
    """The contents of one ``calendars/NAME.yaml`` file."""

    name: str
    title: str
    country: str
    subdivisions: tuple[str, ...]
    first_year: int
    last_year: int
    announced_through: int
    announced_source: str
    common_law_holidays: bool
    additions: tuple[Amendment, ...]
    removals: tuple[Amendment, ...]
    path: Path | None = None
    sha256: str | None = None


def _amendments(raw: Iterable[dict[str, Any]] | None, label: str, path: Path) -> tuple[Amendment, ...]:
    out = []
    for i, item in enumerate(raw or []):
        try:
            out.append(Amendment(item["date"], str(item["name"]), str(item.get("source", ""))))
        except (KeyError, TypeError) as exc:
            raise InputError.at(
                f"{label}[{i}] needs a date and a name ({exc})", file=str(path),
                hint="write e.g. {date: 2023-05-08, name: Coronation, source: Gazette notice 4115743}",
            ) from None
        if not isinstance(out[-1].date, date):
            raise InputError.at(f"{label}[{i}].date is not a date", file=str(path), hint="use YYYY-MM-DD")
    return tuple(out)


def read_spec(path: Path) -> CalendarSpec:
    """Read and check one calendar YAML file."""
    return parse_spec(path.read_bytes(), path)


def parse_spec(raw_bytes: bytes, path: Path) -> CalendarSpec:
    """Check the contents of calendar file ``path``."""
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError.at("a calendar file must be UTF-8 text", file=str(path), hint="save it as UTF-8") from None
    doc = load_yaml(text, str(path)).value
    if not isinstance(doc, dict):
        raise InputError.at("a calendar file must be a mapping", file=str(path))
    try:
        package = doc["holidays_package"]
        return CalendarSpec(
            name=str(doc["name"]),
            title=str(doc.get("title", doc["name"])),
            country=str(package["country"]),
            subdivisions=tuple(str(s) for s in package["subdivisions"]),
            first_year=int(doc["first_year"]),
            last_year=int(doc["last_year"]),
            announced_through=int(doc["announced_through"]),
            announced_source=str(doc.get("announced_source", "")),
            common_law_holidays=bool(doc.get("common_law_holidays", False)),
            additions=_amendments(doc.get("additions"), "additions", path),
            removals=_amendments(doc.get("removals"), "removals", path),
            path=path,
            sha256=hashlib.sha256(raw_bytes).hexdigest(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.at(f"calendar file is missing or has a bad field: {exc}", file=str(path)) from None
