"""Import GOV.UK's ``bank-holidays.json`` into a calendar file, so a newly proclaimed holiday is pinned with its provenance.

What the file says is trusted only as far as it goes. Every day it lists becomes a holiday. A day it
does not list is removed only for a year it lists completely, which here means it lists that year's
New Year holiday (in January) and its Christmas holidays (in December), as GOV.UK's own file always
does: a file holding one date of 2024 says nothing about the rest of 2024. The calendar counts as
announced only up to the last year listed completely, and a date outside the years the calendar
covers is refused.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..errors import InputError, Problem
from ..yamlio import Located, load_yaml
from ._registry import available, package_holidays
from ._spec import CalendarSpec, read_spec

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")
_HINT = "download it again from https://www.gov.uk/bank-holidays.json"


def _located(path: Path) -> Located:
    """The file's JSON, with line and column for each value where the text allows (JSON read as YAML)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=str(path))) from None
    except UnicodeDecodeError:
        raise InputError(Problem("not UTF-8 text", file=str(path), hint=_HINT)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(f"not JSON: {exc}", file=str(path), hint=_HINT)) from None
    except ValueError:  # a number of more than 4,300 digits, which Python refuses to read
        raise InputError(Problem("not JSON: a number is too long", file=str(path), hint=_HINT)) from None
    except RecursionError:
        raise InputError(Problem("not JSON: nested too deeply", file=str(path), hint=_HINT)) from None
    try:
        located = load_yaml(text, str(path))
    except InputError:
        return Located(doc, str(path))
    return Located(doc, str(path), located.positions, located.key_positions)


def read_govuk(path: Path, division: str, first_year: int = 1, last_year: int = 9999) -> dict[date, str]:
    """The dated events of one division of a GOV.UK bank-holidays.json file, every problem located.

    A date outside ``first_year``..``last_year`` (the years the calendar covers) is a problem, never a
    silent miscount.
    """
    located = _located(path)
    doc = located.value
    problems: list[Problem] = []

    def problem(where: tuple[Any, ...], field: str, message: str, hint: str | None = _HINT) -> None:
        problems.append(Problem(message, field=field, hint=hint, **located.where(where)))

    if not isinstance(doc, dict) or division not in doc:
        raise InputError(Problem(f"no {division!r} division in the file", file=str(path),
                                 hint="divisions are " + ", ".join(DIVISIONS)))
    part = doc[division]
    raw_events = part.get("events") if isinstance(part, dict) else None
    if not isinstance(raw_events, list):
        shown = "no events" if isinstance(part, dict) and "events" not in part else json.dumps(
            raw_events if isinstance(part, dict) else part)
        raise InputError(Problem(f"must be a list of events, not {shown}", field=f"{division}.events",
                                 hint=_HINT, **located.where((division, "events") if isinstance(part, dict)
                                                             else (division,))))
    events: dict[date, str] = {}
    for i, event in enumerate(raw_events):
        where, field = (division, "events", i), f"{division}.events[{i}]"
        if not isinstance(event, dict) or not isinstance(event.get("date"), str) or not isinstance(
                event.get("title"), str) or not event["title"].strip():
            problem(where, field, f"event {i} needs a date (YYYY-MM-DD) and a title")
            continue
        try:
            day = date.fromisoformat(event["date"]) if len(event["date"]) == 10 else None
        except ValueError:
            day = None
        if day is None:
            problem(where + ("date",), field + ".date", f"{event['date']!r} is not a date written YYYY-MM-DD")
        elif not first_year <= day.year <= last_year:
            problem(where + ("date",), field + ".date",
                    f"{day.isoformat()} is outside the years the calendar covers ({first_year}-{last_year})",
                    "remove it, or extend the calendar's first_year and last_year")
        elif day in events and events[day] != event["title"]:
            problem(where + ("date",), field + ".date",
                    f"{day.isoformat()} is listed twice ({events[day]!r} and {event['title']!r})")
        else:
            events[day] = event["title"]
    if problems:
        raise InputError(*problems)
    if not events:
        raise InputError(Problem(f"the {division!r} division lists no events", file=str(path), hint=_HINT))
    return events


def complete_years(events: dict[date, str]) -> set[int]:
    """The years an event list covers whole: it has the year's New Year holiday and its Christmas holidays."""
    january = {d.year for d in events if d.month == 1 and d.day <= 4}
    december = {d.year for d in events if d.month == 12 and d.day >= 25}
    return january & december


def import_govuk(path: Path, calendar: str, output: Path) -> str:
    """Rewrite the calendar file so that, for the years GOV.UK lists completely, the calendar equals GOV.UK's list.

    Days GOV.UK lists that the `holidays` package lacks become additions (in any year); weekdays the
    package has that GOV.UK does not become removals, for complete years only. Pins GOV.UK confirms
    are kept, so a later `holidays` release still cannot silently drop a proclaimed day; pins in a
    year listed only in part are kept as they are. ``announced_through`` becomes the last complete year.
    """
    division = "england-and-wales" if calendar == "united-kingdom" else calendar
    if division not in DIVISIONS:
        raise InputError(Problem(f"cannot import into calendar {calendar!r}", field="calendar",
                                 hint="one of " + ", ".join(DIVISIONS)))
    source_file = output if output.exists() else available().get(calendar)
    if source_file is None:
        raise InputError(Problem(f"no calendar file for {calendar!r} to start from", field="calendar"))
    spec = read_spec(source_file)
    govuk = read_govuk(path, division, spec.first_year, spec.last_year)
    complete = complete_years(govuk)
    partial = sorted({d.year for d in govuk} - complete)
    package = {d: n for d, n in package_holidays(spec).items() if d.weekday() < 5}
    stamp = f"GOV.UK bank-holidays.json imported from {path.name} on {date.today().isoformat()}"
    additions = [a for a in spec.additions if a.date.year not in complete or a.date in govuk]
    removals = [r for r in spec.removals if r.date not in govuk]
    pinned = {a.date for a in additions} | {r.date for r in removals}
    new_add = [(d, n) for d, n in sorted(govuk.items())
               if d.weekday() < 5 and d not in package and d not in pinned]
    new_rem = [(d, n) for d, n in sorted(package.items())
               if d.year in complete and d not in govuk and d not in pinned
               and not _common_law(n, spec.common_law_holidays)]
    doc = _rewritten(source_file, spec, stamp, additions, removals, new_add, new_rem, complete)
    header = (f"# {spec.title} working-day calendar, with GOV.UK's list pinned by `compliance calendar import`.\n"
              "# See the bundled calendars/ files for the definition of a working day.\n")
    import yaml

    write_atomic(output, header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    years = f"{min(complete)}-{max(complete)}" if complete else "no complete year"
    summary = (f"{output}: {len(new_add)} addition(s), {len(new_rem)} removal(s) for {years}; "
               f"announced through {doc['announced_through']}")
    if partial:
        summary += (f"; listed only in part, so nothing removed for them and not counted as announced: "
                    f"{', '.join(map(str, partial))}")
    return summary


def _rewritten(source_file: Path, spec: CalendarSpec, stamp: str, additions: list[Any], removals: list[Any],
               new_add: list[tuple[date, str]], new_rem: list[tuple[date, str]], complete: set[int]) -> dict[str, Any]:
    """The calendar file's content with the new amendments and announced year, every other key as it was."""
    doc: dict[str, Any] = load_yaml(source_file.read_text(encoding="utf-8"), str(source_file)).value
    if complete:
        doc["announced_through"] = max(spec.announced_through, max(complete))
        doc["announced_source"] = stamp
    doc["additions"] = sorted(
        [{"date": a.date, "name": a.name, "source": a.source} for a in additions]
        + [{"date": d, "name": n, "source": stamp} for d, n in new_add], key=lambda x: x["date"])
    doc["removals"] = sorted(
        [{"date": r.date, "name": r.name, "source": r.source} for r in removals]
        + [{"date": d, "name": n, "source": stamp} for d, n in new_rem], key=lambda x: x["date"])
    return doc


def _common_law(name: str, kept: bool) -> bool:
    return kept and name in ("Christmas Day", "Good Friday")
