"""Calendar files: the YAML that describes a calendar, its `holidays` subdivisions and its pinned amendments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError, shown
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
            out.append(Amendment(item["date"], _text(item["name"], f"{label}[{i}].name", path, "Coronation"),
                                 str(item.get("source", ""))))
        except (KeyError, TypeError, AttributeError) as exc:
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


#: The years a calendar may cover: the `holidays` package works out each year's days, so ten thousand years
#: would take minutes, and no statutory deadline falls outside these.
YEARS = range(1900, 2201)


def _year(doc: dict[Any, Any], key: str, path: Path) -> int:
    value = doc[key]
    if isinstance(value, bool) or not isinstance(value, int) or value not in YEARS:
        raise InputError.at(f"must be a year from {YEARS[0]} to {YEARS[-1]}, not {shown(value)}",
                            file=str(path), field=key)
    return value


def _text(value: Any, key: str, path: Path, example: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError.at(f"must be text such as {example}, not {shown(value)}", file=str(path), field=key)
    return value


def _subdivisions(value: Any, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise InputError.at(f"must be a list of codes, not {shown(value)}",
                            file=str(path), field="holidays_package.subdivisions", hint="e.g. [ENG, WLS]")
    return tuple(_text(s, "holidays_package.subdivisions", path, "ENG") for s in value)


def _flag(value: Any, key: str, path: Path) -> bool:
    if not isinstance(value, bool):
        raise InputError.at(f"must be true or false, not {shown(value)}", file=str(path), field=key)
    return value


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
        first_year, last_year = _year(doc, "first_year", path), _year(doc, "last_year", path)
        if first_year > last_year:
            raise InputError.at(f"first_year {first_year} is after last_year {last_year}", file=str(path))
        return CalendarSpec(
            name=_text(doc["name"], "name", path, "england-and-wales"),
            title=str(doc.get("title", doc["name"])),
            country=_text(package["country"], "holidays_package.country", path, "GB"),
            subdivisions=_subdivisions(package["subdivisions"], path),
            first_year=first_year,
            last_year=last_year,
            announced_through=_year(doc, "announced_through", path),
            announced_source=str(doc.get("announced_source", "")),
            common_law_holidays=_flag(doc.get("common_law_holidays", False), "common_law_holidays", path),
            additions=_amendments(doc.get("additions"), "additions", path),
            removals=_amendments(doc.get("removals"), "removals", path),
            path=path,
            sha256=hashlib.sha256(raw_bytes).hexdigest(),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError.at(f"calendar file is missing or has a bad field: {exc}", file=str(path)) from None
