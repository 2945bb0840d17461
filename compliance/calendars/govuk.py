"""Import GOV.UK's ``bank-holidays.json`` into a calendar file, so a newly proclaimed holiday is pinned with its provenance."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import InputError, Problem
from ._registry import available, package_holidays
from ._spec import read_spec

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")


def read_govuk(path: Path, division: str) -> dict[date, str]:
    """The dated events of one division of a GOV.UK bank-holidays.json file."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=str(path))) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(Problem(f"not JSON: {exc}", file=str(path),
                                 hint="download it from https://www.gov.uk/bank-holidays.json")) from None
    if not isinstance(doc, dict) or division not in doc:
        raise InputError(Problem(f"no {division!r} division in the file", file=str(path),
                                 hint="divisions are " + ", ".join(DIVISIONS)))
    events: dict[date, str] = {}
    for i, event in enumerate(doc[division].get("events", []) if isinstance(doc[division], dict) else []):
        try:
            events[date.fromisoformat(event["date"])] = str(event["title"])
        except (KeyError, TypeError, ValueError):
            raise InputError(Problem(f"event {i} needs a date (YYYY-MM-DD) and a title", file=str(path),
                                     field=f"{division}.events[{i}]")) from None
    if not events:
        raise InputError(Problem(f"the {division!r} division lists no events", file=str(path)))
    return events


def import_govuk(path: Path, calendar: str, output: Path) -> str:
    """Rewrite the calendar file so that, for the years GOV.UK covers, the calendar equals GOV.UK's list.

    Days GOV.UK lists that the `holidays` package lacks become additions; weekdays the package has
    that GOV.UK does not become removals. Pins GOV.UK confirms are kept, so a later `holidays` release
    still cannot silently drop a proclaimed day. ``announced_through`` becomes GOV.UK's last year.
    """
    division = "england-and-wales" if calendar == "united-kingdom" else calendar
    if division not in DIVISIONS:
        raise InputError(Problem(f"cannot import into calendar {calendar!r}", field="calendar",
                                 hint="one of " + ", ".join(DIVISIONS)))
    govuk = read_govuk(path, division)
    source_file = output if output.exists() else available().get(calendar)
    if source_file is None:
        raise InputError(Problem(f"no calendar file for {calendar!r} to start from", field="calendar"))
    spec = read_spec(source_file)
    years = {d.year for d in govuk}
    package = {d: n for d, n in package_holidays(spec).items() if d.weekday() < 5}
    stamp = f"GOV.UK bank-holidays.json imported from {path.name} on {date.today().isoformat()}"
    additions = [a for a in spec.additions if a.date.year not in years or a.date in govuk]
    removals = [r for r in spec.removals if r.date.year not in years or r.date not in govuk]
    pinned = {a.date for a in additions} | {r.date for r in removals}
    new_add = [(d, n) for d, n in sorted(govuk.items())
               if d.weekday() < 5 and d not in package and d not in pinned]
    new_rem = [(d, n) for d, n in sorted(package.items())
               if d.year in years and d not in govuk and d not in pinned
               and not _common_law(n, spec.common_law_holidays)]
    import yaml

    doc: dict[str, Any] = yaml.safe_load(source_file.read_text(encoding="utf-8"))
    doc["announced_through"] = max(spec.announced_through, max(years))
    doc["announced_source"] = stamp
    doc["additions"] = sorted(
        [{"date": a.date, "name": a.name, "source": a.source} for a in additions]
        + [{"date": d, "name": n, "source": stamp} for d, n in new_add], key=lambda x: x["date"])
    doc["removals"] = sorted(
        [{"date": r.date, "name": r.name, "source": r.source} for r in removals]
        + [{"date": d, "name": n, "source": stamp} for d, n in new_rem], key=lambda x: x["date"])
    header = (f"# {spec.title} working-day calendar, with GOV.UK's list pinned by `compliance calendar import`.\n"
              "# See the bundled calendars/ files for the definition of a working day.\n")
    write_atomic(output, header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    return (f"{output}: {len(new_add)} addition(s), {len(new_rem)} removal(s) for "
            f"{min(years)}-{max(years)}; announced through {doc['announced_through']}")


def _common_law(name: str, kept: bool) -> bool:
    return kept and name in ("Christmas Day", "Good Friday")
