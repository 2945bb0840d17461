"""Findings as text: a terminal table, JSON, CSV and Markdown. Renderers never recompute deadlines.

Every format lists the findings that apply to a record (met, late, due, overdue, missing data) and
counts the not-applicable ones, which it lists only when asked (``show_all``: ``--all``). Text from
the inputs never reaches a terminal raw: the table and Markdown show control characters as escapes,
CSV cells go through the one CSV writer (``records.csv_line``), and JSON writes them as its own
``\\u`` escapes, so the original is still there for a program. The rows that could not be read are in
every document, beside the findings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, NamedTuple, Sequence

from ..calendars import get_calendar, instant
from ..engines import Extended, Finding, iso, listed, sort_by_urgency
from ..errors import Problem, one_line, printable
from ..records import csv_line
from ..rules import Rule

FORMATS = ("table", "json", "csv", "md")
CSV_FIELDS = (
    "record", "rule", "duty", "kind", "status", "occurrence", "trigger_event", "trigger_date", "period",
    "deadline", "completion_event", "completed_date", "days_late", "working_days_late", "days_left",
    "working_days_left", "late_by", "time_left", "citation", "verification", "reason", "needs", "on_bound",
    "unrecorded", "data_quality", "provisional", "approximate", "assumptions", "warnings", "explanation",
    "recorded_deadline", "recorded_deadline_working_days", "recorded_deadline_note", "holidays_skipped",
    "weekend_days_skipped", "ended_on", "extensions",
)
_COLOURS = {"overdue": "\033[1;31m", "late": "\033[31m", "due": "\033[33m", "met": "\033[32m",
            "missing_data": "\033[35m", "not_applicable": "\033[2m"}
_RESET = "\033[0m"
STATUS_LABELS = {"overdue": "OVERDUE", "late": "LATE", "due": "DUE", "met": "MET",
                 "missing_data": "MISSING DATA", "not_applicable": "N/A"}
#: Status names for people, in sentence case (the terminal table uses capitals).
STATUS_NAMES = {"overdue": "Overdue", "late": "Late", "due": "Due", "met": "Met", "missing_data": "Missing data",
                "not_applicable": "Not applicable"}
#: The status a row that could not be read has in the files that list findings and problems as rows (CSV, parquet).
UNREADABLE = "unreadable"


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings have each status, every status present (zero where none)."""
    out = {s: 0 for s in STATUS_LABELS}
    for f in findings:
        out[f.status] += 1
    return out


# -- rows that could not be read ---------------------------------------------------------------------

def problem_rows(problems: Sequence[Problem]) -> list[list[Problem]]:
    """The problems that rejected a row, grouped by the row (a row can have several): one list per row, in order."""
    rows: dict[tuple[Any, ...], list[Problem]] = {}
    for n, p in enumerate(problems):
        if p.warning:
            continue
        key = (p.file, p.line) if p.line is not None else (p.file, None, n)
        rows.setdefault(key, []).append(p)
    return list(rows.values())


def unread_count(problems: Sequence[Problem]) -> int:
    """How many rows the problems kept from being read: one a row, and all of a file's for a header that stopped it."""
    return sum(max(p.rows for p in row) for row in problem_rows(problems))


def records_checked(n: int) -> str:
    """ "1 record checked", "4,000 records checked": said beside the counts, so they can be put beside the file's rows."""
    return "1 record checked" if n == 1 else f"{n:,} records checked"


def rows_not_read(n: int) -> str:
    """ "1 row could not be read", "4 rows could not be read"; with none, problems that name no row (a database table
    whose query failed or that is not there, a database not reached: ``Problem.rows`` 0) were said to be a row each."""
    if n == 0:
        return "the tables or databases named could not be read"
    return f"{n} row could not be read" if n == 1 else f"{n} rows could not be read"


def problem_dict(p: Problem) -> dict[str, Any]:
    """A problem as data: where (file, row or line, column, field), what is wrong, how to fix it."""
    return {"file": p.file, "row": p.line, "column": p.column, "field": p.field, "message": p.message,
            "hint": p.hint}


# -- JSON ----------------------------------------------------------------------------------------------

#: What a finding has because of its rule: written once per document under "rules", not on every finding.
RULE_KEYS = ("record_kind", "duty", "title", "kind", "duty_holder", "trigger_event", "period", "completion_event",
             "citation", "source_url", "verification", "calendar")


def rule_facts(rule: Rule) -> dict[str, Any]:
    """What every finding of ``rule`` says because of the rule, and how its period counts the trigger day."""
    return {"record_kind": rule.applies_to, "duty": rule.duty, "title": rule.title, "kind": rule.kind,
            "duty_holder": rule.duty_holder, "trigger_event": rule.trigger, "completion_event": rule.completion,
            "citation": rule.source.citation, "source_url": rule.source.url, "verification": rule.source.verification,
            "calendar": rule.calendar, "period": str(rule.period), "counting": rule.period.counting}


@dataclass(frozen=True)
class JsonContext:
    """What writing findings as JSON needs: the facts of each rule and each calendar's provenance, written once
    per document, and whether each finding lists every day its period skipped (``explain``)."""

    rules: Mapping[str, Mapping[str, Any]]
    calendars: Mapping[str, Mapping[str, Any]]
    explain: bool = False

    @classmethod
    def of(cls, rules: Iterable[Rule], explain: bool = False) -> "JsonContext":
        facts = {rule.id: rule_facts(rule) for rule in rules}
        calendars = {name: get_calendar(name).provenance for name in {f["calendar"] for f in facts.values()}}
        return cls(facts, calendars, explain)

    @classmethod
    def for_run(cls, owner: object, rules: Iterable[Rule], explain: bool = False) -> "JsonContext":
        """``of(rules, explain)``, made once for ``owner`` (a run's settings) in each process that asks."""
        cached = _CONTEXTS.get(id(owner))
        if cached is None or cached[0] is not owner:
            _CONTEXTS.clear()
            cached = _CONTEXTS[id(owner)] = (owner, cls.of(rules, explain))
        return cached[1]


#: The context of the run in progress, by its settings (the last one asked for: a process runs one at a time).
_CONTEXTS: dict[int, tuple[object, JsonContext]] = {}


@dataclass
class JsonDocument:
    """What a JSON document's tail names: the rules and calendars its findings use, in the order first used."""

    rules: dict[str, None] = field(default_factory=dict)
    calendars: dict[str, None] = field(default_factory=dict)

    def update(self, other: "JsonDocument") -> None:
        self.rules.update(other.rules)
        self.calendars.update(other.calendars)


#: Written between findings: the document keeps one finding to a line, so it can be written as it goes.
JSON_SEPARATOR = ",\n    "
#: The C encoder (json.dumps with ``indent`` runs in pure Python, ten times slower and far hungrier).
_ENCODE = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
# What JSON may hold raw but a terminal obeys (DEL, C1 controls) or a line reader breaks on (U+2028, U+2029):
# written as JSON's own \u escapes, which any JSON reader turns back into the character.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")
_EMPTY = (None, False, [], {})


def json_text(text: str) -> str:
    """JSON text with every character a terminal would obey written as a ``\\u`` escape (JSON already escapes C0)."""
    if text.isascii() and "\x7f" not in text:  # the usual case, told without a regular expression's scan
        return text
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _JSON_RAW.search(text) else text


#: The fields that hold a date, or a date-time where the time of day is known (given with its offset).
_MOMENTS = ("trigger_date", "deadline", "completed_date", "recorded_deadline", "ended_on")


def finding_data(f: Finding, context: JsonContext, document: JsonDocument | None = None) -> dict[str, Any]:
    """A finding as compact data: what its rule and calendar say is left to the document's "rules" and
    "calendars" (a value that differs stays on the finding); every day its period skipped only with
    ``context.explain`` (the working, ``explanation``, names each holiday and counts the weekend days); other
    keys whose value is null, false or empty ("", [], {}) are left out."""
    d = f.to_dict()
    for key in _MOMENTS:
        value = getattr(f, key)
        if isinstance(value, datetime):
            d[key] = moment_iso(value)
    facts = context.rules.get(f.rule)
    if facts is not None:
        for key in RULE_KEYS:
            if key in d and d[key] == facts[key]:
                del d[key]
        if document is not None:
            document.rules[f.rule] = None
    data = d.pop("calendar_data", None)
    if data and data != context.calendars.get(f.calendar):
        d["calendar_data"] = data
    elif data and document is not None:
        document.calendars[f.calendar] = None
    skipped = d.pop("skipped", None)
    if context.explain:
        d["skipped"] = skipped
    # A rule's fact the finding lacks (no period without a deadline) stays, as null: left out, it would read as
    # the rule's.
    kept = facts.keys() if facts is not None else ()
    # Empty is falsy but for the numbers: null, false, "", [] and {} go; 0 and 0.0 stay.
    return {k: v for k, v in d.items() if k in kept or v or type(v) is int or type(v) is float}


@lru_cache(maxsize=4096)
def skipped_days(skipped: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], int]:
    """The holidays among the days a period skipped, by date (ISO) with their names, and how many were weekend
    days (a holiday on a Saturday or Sunday is a weekend day: it adds no day to the count)."""
    holidays = {day: reason for day, reason in skipped if date.fromisoformat(day).weekday() < 5}
    return holidays, len(skipped) - len(holidays)


def counted_days(f: Finding) -> tuple[dict[str, str], int] | None:
    """``skipped_days`` of a finding whose working was worked out (an empty dict and 0 where its period skipped no
    day); None where it was not (no deadline, ``report --no-explain``): not known, so never "no holidays"."""
    if f.deadline is None or f.skipped is None:
        return None
    return skipped_days(f.skipped) if f.skipped else ({}, 0)


def json_finding(f: Finding, context: JsonContext, document: JsonDocument | None = None) -> str:
    """A finding as one line of the document (``finding_data``, encoded)."""
    return json_text(_ENCODE(finding_data(f, context, document)))


def json_head(as_of: date, problems: Sequence[Problem] = (), show_all: bool = False) -> str:
    """The document up to its first finding: the date, whether not-applicable findings are listed, and the rows
    that could not be read (each problem with where it is and how to fix it)."""
    unread = [json_text(_ENCODE(problem_dict(p))) for p in problems if not p.warning]
    lines = [f'  "as_of": {_ENCODE(as_of.isoformat())}',
             f'  "not_applicable_listed": {_ENCODE(show_all)}',
             '  "problems": [' + ("".join(f"\n    {p}," for p in unread)[:-1] + "\n  ]" if unread else "]")]
    return "{\n" + ",\n".join(lines) + ',\n  "findings": [\n    '


def json_tail(tally: Mapping[str, int], context: JsonContext, document: JsonDocument,
              extra: Mapping[str, Any] | None = None) -> str:
    """What closes the document, known only once every finding is written: the count of each status (the
    not-applicable ones too, listed or not), the rules and calendars the findings use, and any ``extra``."""
    rules = {rule: context.rules[rule] for rule in document.rules}
    calendars = {name: context.calendars[name] for name in document.calendars}
    parts = [f'  "summary": {_ENCODE(dict(tally))}', f'  "rules": {json_text(_ENCODE(rules))}',
             f'  "calendars": {_ENCODE(calendars)}']
    parts += [f"  {_ENCODE(key)}: {json_text(_ENCODE(value))}" for key, value in (extra or {}).items()]
    return "\n  ],\n" + ",\n".join(parts) + "\n}\n"


def to_json(findings: Sequence[Finding], as_of: date, rules: Iterable[Rule], *, show_all: bool = False,
            explain: bool = False, problems: Sequence[Problem] = (), extra: Mapping[str, Any] | None = None) -> str:
    """The findings as one JSON document (see docs/output-formats.md): ``as_of``, ``problems``, ``findings``
    (one line each), ``summary`` (counts), ``rules`` and ``calendars``."""
    context, document = JsonContext.of(rules, explain), JsonDocument()
    body = JSON_SEPARATOR.join(json_finding(f, context, document) for f in findings if listed(f, show_all))
    return json_head(as_of, problems, show_all) + body + json_tail(counts(findings), context, document, extra)


# -- CSV -----------------------------------------------------------------------------------------------

def csv_header() -> str:
    return ",".join(CSV_FIELDS) + "\n"


def csv_lines(findings: Iterable[Finding], explain: bool = False) -> str:
    """The lines of ``to_csv`` for ``findings``, without the header; the working (``explanation``) only with
    ``explain``, the holidays skipped (named) and the weekend days (counted) wherever the working was worked out:
    both blank where it was not, a count of 0 and no holiday where none was skipped."""
    join = " | ".join
    lines = []
    for f in findings:
        holidays, weekends = counted_days(f) or ({}, None)
        lines.append(csv_line((
            f.record, f.rule, f.duty, f.kind, f.status, f.occurrence, f.trigger_event, iso_text(f.trigger_date),
            f.period, iso_text(f.deadline), f.completion_event, iso_text(f.completed_date), f.days_late,
            f.working_days_late,
            f.days_left, f.working_days_left, f.late_by, f.time_left, f.citation, f.verification, f.reason,
            # The flags are true or blank, as unrecorded and data_quality are something or blank: "false" on every
            # row was 2 MB of a nightly run folder at 100,000 records.
            join(f.needs), f.on_bound, join(f.unrecorded), join(f.data_quality), f.provisional or None,
            f.approximate or None,
            join(f.assumptions), join(f.warnings), join(f.explanation) if explain else None,
            iso_text(f.recorded_deadline), f.recorded_deadline_working_days, f.recorded_deadline_note,
            join(f"{name} ({day})" for day, name in holidays.items()), weekends, iso_text(f.ended_on),
            join(map(extension_text, f.extensions)))))
    return "".join(lines)


def extension_text(e: Extended) -> str:
    """An extension as CSV says it: "care_extension granted 2020-09-10: 8 weeks from 2020-10-11, to 2020-12-06"."""
    how = f"{e.adds} from {e.runs_from}" if e.adds else f"{e.period} in all"
    return f"{e.event} granted {e.granted}: {how}, to {e.deadline}"


def csv_problem_lines(problems: Sequence[Problem]) -> str:
    """The rows that could not be read, as lines of the findings CSV: status ``unreadable``, the located
    message and its fix under ``reason``; a spreadsheet shows them first, above the findings."""
    status, reason = CSV_FIELDS.index("status"), CSV_FIELDS.index("reason")
    lines = []
    for p in problems:
        if not p.warning:
            cells: list[Any] = [None] * len(CSV_FIELDS)
            cells[status], cells[reason] = UNREADABLE, str(p)
            lines.append(csv_line(cells))
    return "".join(lines)


def to_csv(findings: Sequence[Finding], *, show_all: bool = False, explain: bool = False,
           problems: Sequence[Problem] = ()) -> str:
    return (csv_header() + csv_problem_lines(problems)
            + csv_lines((f for f in findings if listed(f, show_all)), explain))


def iso_text(d: Any) -> str | None:
    """A date, or a date-time with its UTC offset (``moment_iso``), as JSON and CSV give them."""
    return None if d is None else moment_iso(d) if isinstance(d, datetime) else iso(d)


def moment_iso(moment: datetime) -> str:
    """A date-time in ISO 8601 with its UTC offset ("2026-10-25T01:30+01:00"): a London time in the hour the clocks go
    back is shown twice a year, and only the offset tells the two apart (the instant Parquet gives)."""
    utc = datetime.fromtimestamp(instant(moment), timezone.utc)
    return moment.replace(tzinfo=timezone(moment.replace(tzinfo=None) - utc.replace(tzinfo=None))).isoformat(
        timespec="minutes")


# -- the terminal table ----------------------------------------------------------------------------------

def margin_text(f: Finding, show_date: Callable[[Any], str] = lambda d: d.isoformat()) -> str:
    """How a finding stands against its deadline, in words: "8 working days (10 days) overdue", "on time"."""
    if f.status == "overdue":
        return f"{f.late_by} overdue"
    if f.status == "late":
        return f"late by {f.late_by}"
    if f.status == "due":
        return f"{f.time_left} left"
    if f.status == "met":
        return "on time (approximate)" if f.approximate else "on time"
    if f.status == "missing_data":
        if f.unrecorded:
            # Not recorded: no column for it, or the record says unknown; unless the extract was drawn too early.
            drawn = (f.reason or "").startswith("not in this extract")
            text = ("not in this extract: " if drawn else "not recorded: ") + ", ".join(f.unrecorded)
        else:
            text = "record " + ", ".join(f.needs) if f.needs else (f.reason or "missing data")
        if f.deadline is not None:
            bound = {"latest": " at the latest", "earliest": " at the earliest"}.get(f.on_bound or "", "")
            text += f"; deadline{bound} {show_date(f.deadline)}"
        return text
    return f.reason or ""


class TableRow(NamedTuple):
    """One finding in the terminal table: its status (for colour), its cells, and the lines shown under it."""

    status: str
    cells: tuple[str, ...]
    lines: tuple[str, ...]


_TABLE_HEADER = ("STATUS", "RECORD", "RULE", "#", "TRIGGER", "DEADLINE", "DONE", "MARGIN")
#: The longest a cell of the table's padded columns may be: every row is padded to the longest, so one
#: enormous id would otherwise widen every line of the table. The other formats hold the whole value.
TABLE_CELL_MAX = 60


def table_cell(text: str, limit: int | None = TABLE_CELL_MAX) -> str:
    """Text for one cell of the table: on one line (control characters and line breaks written as escapes, so
    none can draw a row of its own), cut to ``limit`` characters with an ellipsis."""
    if limit is not None and len(text) > limit:
        text = one_line(text[:limit * 4])  # an escape is at most 6 characters for 1: enough left to fill the cell
        return text[:limit - 1] + "…" if len(text) > limit else text
    return one_line(text)


def table_row(f: Finding, explain: bool = False) -> TableRow:
    """A finding's row of the table; with ``explain``, its working follows in the lines under it."""
    cells = (STATUS_LABELS[f.status] + (" !" if f.data_quality else ""), table_cell(f.record), table_cell(f.rule),
             str(f.occurrence), _date(f.trigger_date), _date(f.deadline) + (" (prov.)" if f.provisional else ""),
             _date(f.completed_date), table_cell(margin_text(f), None))
    lines = [f"      ! {problem}" for problem in f.data_quality]
    if f.recorded_deadline_note and f.recorded_deadline != f.deadline:
        lines.append(f"      target: {f.recorded_deadline_note}")
    if explain:
        lines += ["      " + step for step in f.assumptions + f.explanation + f.warnings]
        lines.append(f"      Source: {f.citation} [{f.verification}]")
    return TableRow(f.status, cells, tuple(one_line(line) for line in lines))


def to_table(findings: Sequence[Finding], as_of: date, colour: bool = False, explain: bool = False,
             show_all: bool = False, problems: Sequence[Problem] = (), records: int = 0) -> str:
    """A fixed-width table, overdue first; with ``explain`` each finding's working follows its row. ``records``: how
    many records the findings are of, said under the counts."""
    rows = [table_row(f, explain) for f in sort_by_urgency(findings) if listed(f, show_all)]
    return table_text(rows, as_of, counts(findings), colour, show_all, problems, records)


def table_text(rows: Sequence[TableRow], as_of: date, tally: Mapping[str, int], colour: bool = False,
               show_all: bool = False, problems: Sequence[Problem] = (), records: int = 0) -> str:
    """The table from rows already in order, headed by the count of each status in ``tally``, of the ``records``
    checked and of the rows that could not be read (which the command lists on stderr)."""
    counted = ", ".join(f"{n} {STATUS_LABELS[s].lower()}" for s, n in tally.items() if n)
    if tally.get("not_applicable") and not show_all:
        counted += " (not listed: --all lists them)"
    # Said under the counts, so that a table saved to a file (the problems went to stderr) or cut by `head` never
    # looks like the whole of the records, and so that the records checked can be put beside the rows of the file.
    said = [records_checked(records)] if records else []
    if problem_rows(problems):
        said.append(f"{rows_not_read(unread_count(problems))}: their duties are not in this table (each is listed on "
                    "stderr with what to correct)")
    unread = ["; ".join(said) + "."] if said else []
    if not rows:
        if not any(tally.values()) and problems:
            return (f"Compliance as of {as_of.isoformat()}: no record could be checked: "
                    f"{rows_not_read(unread_count(problems))} (each is listed with what to correct).\n")
        return "\n".join([f"Compliance as of {as_of.isoformat()}: no findings to show"
                          f"{'; ' + counted if counted else ''}.", *unread]) + "\n"
    widths = [len(h) for h in _TABLE_HEADER[:-1]]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row.cells)]
    lines = [f"Compliance as of {as_of.isoformat()}: {counted}", *unread]
    lines.append("  ".join(h.ljust(w) for h, w in zip(_TABLE_HEADER, widths)) + "  " + _TABLE_HEADER[-1])
    flagged = False
    for row in rows:
        text = "  ".join(cell.ljust(w) for cell, w in zip(row.cells, widths)) + "  " + row.cells[-1]
        if colour:
            text = _COLOURS[row.status] + text[:widths[0]] + _RESET + text[widths[0]:]
        lines.append(text.rstrip())
        lines.extend(row.lines)
        flagged = flagged or row.cells[0].endswith(" !")
    if flagged:
        lines.append("! the finding worked around a problem in the record, shown under it: check the record.")
    if any(line.startswith("      target: ") for row in rows for line in row.lines):
        lines.append("target: the deadline the record's own system set, where it differs from the law's.")
    if any(row.cells[1].endswith("…") or row.cells[2].endswith("…") for row in rows):
        lines.append(f"… a value longer than {TABLE_CELL_MAX} characters is cut here; the other formats hold it "
                     "whole.")
    lines.append("# is the occurrence of a recurring duty (2 = the second review); 1 for a duty done once.")
    return "\n".join(lines) + "\n"


def _date(d: Any) -> str:
    return d.isoformat() if d is not None else "-"


# -- Markdown ------------------------------------------------------------------------------------------

def to_markdown(findings: Sequence[Finding], as_of: date, *, show_all: bool = False,
                problems: Sequence[Problem] = (), records: int = 0) -> str:
    rows = [md_row(f) for f in sort_by_urgency(findings) if listed(f, show_all)]
    return markdown_text(rows, as_of, counts(findings), show_all, problems, records)


def md_row(f: Finding) -> str:
    """A finding's line of the Markdown table, every value escaped so it stays text."""
    margin = margin_text(f)
    if f.recorded_deadline_note and f.recorded_deadline != f.deadline:
        margin += f". {f.recorded_deadline_note}"
    if f.data_quality:  # as the table's "!" and its lines under the row: the status rests on a record to check
        margin += ". Check the record: " + "; ".join(f.data_quality)
    return "| " + " | ".join(md_text(x) for x in (
        STATUS_LABELS[f.status] + (" !" if f.data_quality else ""), f.record,
        f.rule + (f" #{f.occurrence}" if f.occurrence > 1 else ""),
        _date(f.trigger_date), _date(f.deadline), _date(f.completed_date), margin,
        f"{f.citation} ({f.verification})")) + " |"


def markdown_head(as_of: date, tally: Mapping[str, int], show_all: bool = False,
                  problems: Sequence[Problem] = (), records: int = 0) -> str:
    """The Markdown document up to its table's first row: the title, the count of each status and of the
    ``records`` checked, the rows that could not be read, the header."""
    count = " · ".join(f"**{n}** {STATUS_LABELS[s].lower()}" for s, n in tally.items())
    if tally.get("not_applicable") and not show_all:
        count += " (not listed: --all lists them)"
    lines = [f"# Compliance as of {as_of.isoformat()}", "", count, ""]
    if records:
        lines += [records_checked(records) + ".", ""]
    unread = problem_rows(problems)
    if unread:
        lines += [f"## {rows_not_read(unread_count(problems))}", "",
                  "Their duties are not in this document; fix each row and check again.", ""]
        lines += [f"- {md_text(p)}" for row in unread for p in row] + [""]
    lines += ["| Status | Record | Rule | Trigger | Deadline | Done | Margin | Source |",
              "|---|---|---|---|---|---|---|---|"]
    return "\n".join(lines) + "\n"


def markdown_text(rows: Sequence[str], as_of: date, tally: Mapping[str, int], show_all: bool = False,
                  problems: Sequence[Problem] = (), records: int = 0) -> str:
    """The Markdown document from table lines already in order, headed by the count of each status."""
    return markdown_head(as_of, tally, show_all, problems, records) + "".join(row + "\n" for row in rows)


# What starts Markdown syntax or raw HTML inside a line: each is written after a backslash, so it stays text.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~|])")
# Control characters (C0, DEL, C1) and Unicode line separators: a space, so a value stays on its line and
# nothing reaches a terminal that shows the file.
_MD_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _md_plain(value: object) -> str:
    """A value on one line, its bidirectional controls written as escapes (``\\u202e``) as the table and HTML do:
    obeyed, one would reorder the text around it, so that an id seemed to say what it does not."""
    return printable(_MD_CONTROL.sub(" ", str(value)))


# Where GitHub's autolinks make a link of bare text: a scheme's "://" and a word beginning "www.". A backslash before
# the ":" or the "." keeps it text (an escaped character is never part of an autolink), and is not shown.
_MD_AUTOLINK = re.compile(r"(?<=[A-Za-z0-9])(?=://)|(?<=(?<![A-Za-z0-9.-])[wW]{3})(?=\.)")


def md_text(value: object) -> str:
    """Text for a Markdown line or table cell (CommonMark, GitHub): no raw HTML, link, emphasis or code."""
    return _MD_AUTOLINK.sub(r"\\", _MD_SPECIAL.sub(r"\\\1", _md_plain(value)))


def md_code(value: object, table: bool = False) -> str:
    """An id as a code span that no backtick inside it can close (CommonMark 6.1), on one line.

    In a GitHub table a pipe ends the cell even inside code, so there it is written ``\\|``, which
    GitHub shows as a pipe.
    """
    text = _md_plain(value)
    if table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    # A span that starts or ends with a backtick (or a space) needs a space inside each fence.
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(findings: Sequence[Finding], fmt: str, as_of: date, rules: Iterable[Rule], colour: bool = False,
           explain: bool = False, show_all: bool = False, problems: Sequence[Problem] = ()) -> str:
    """Findings in one of FORMATS."""
    if fmt == "json":
        return to_json(findings, as_of, rules, show_all=show_all, explain=explain, problems=problems)
    if fmt == "csv":
        return to_csv(findings, show_all=show_all, explain=explain, problems=problems)
    if fmt == "md":
        return to_markdown(findings, as_of, show_all=show_all, problems=problems)
    return to_table(findings, as_of, colour, explain, show_all, problems)
