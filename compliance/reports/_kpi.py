"""Timeliness KPIs: the share of each duty done in time, with its counts, by rule, team, authority or month.

Pure: findings in, table rows out. A duty counts once per occurrence (each review, each visit).
"In time" is met / (met + late + overdue): duties not yet due and duties whose trigger date is
missing are shown beside the share but are not in it; not-applicable findings are left out.
Counts come either from Finding objects (the native or durable engine) or straight from the
vectorised engine's columns, and the two give the same table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..engines import STATUSES, Finding
from ..errors import one_line
from ..records import csv_text
from ._formats import json_text
from ._targets import TargetTally

if TYPE_CHECKING:
    from ..engines.batch import BatchFindings

DIMENSIONS = ("rule", "team", "authority", "month")
MONTH_OF = ("deadline", "completed", "trigger")
FORMATS = ("table", "csv", "json")
NO_VALUE = "(none)"
#: What a row counts: the five statuses that matter (missing data split into what the record lacks and what
#: its source cannot hold at all), then findings that are approximate, rest on a bound, or carry a warning.
_COUNTS = ("met", "late", "overdue", "due", "missing_data", "not_recorded", "approximate", "on_bound", "data_warnings")
_STATUS_SLOTS = 5
_CODES = tuple(STATUSES.index(s) for s in _COUNTS[:_STATUS_SLOTS])  # the vectorised engine's status codes
_NOT_RECORDED, _APPROXIMATE, _ON_BOUND, _WARNINGS = 5, 6, 7, 8


@dataclass(frozen=True)
class KpiRow:
    """One line of a KPI table: a rule, the group it is counted in, and the counts."""

    rule: str
    title: str
    group: tuple[tuple[str, str], ...]
    met: int
    late: int
    overdue: int
    due: int
    missing_data: int
    not_recorded: int = 0  # missing data the extract cannot hold: no column for an event, or due after it was drawn
    approximate: int = 0
    on_bound: int = 0  # decided although the trigger is not recorded: even its latest possible deadline had passed
    data_warnings: int = 0  # counted, though the record had a problem the finding worked around: check them

    @property
    def decided(self) -> int:
        """Duties whose outcome is known: done in time, done late, or not done by the deadline."""
        return self.met + self.late + self.overdue

    @property
    def in_time(self) -> float | None:
        """The share done in time, 0 to 1; None when nothing was due yet."""
        return self.met / self.decided if self.decided else None

    def value(self, dimension: str) -> str:
        return dict(self.group).get(dimension, "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "title": self.title}
        out.update(dict(self.group))
        out.update({"in_time_percent": _percent(self.in_time), "decided": self.decided, "met": self.met,
                    "late": self.late, "overdue": self.overdue, "due": self.due, "missing_data": self.missing_data,
                    "not_recorded": self.not_recorded, "approximate": self.approximate, "on_bound": self.on_bound,
                    "data_warnings": self.data_warnings})
        return out


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _month(d: date | None) -> str:
    return f"{d.year:04d}-{d.month:02d}" if d is not None else NO_VALUE


def _text(value: Any) -> str:
    if value is None or value == "":
        return NO_VALUE
    return str(value)


def check_grouping(by: Sequence[str], month_of: str) -> tuple[str, ...]:
    """The grouping dimensions, rule first and each once; raises ValueError naming a bad one."""
    for d in by:
        if d not in DIMENSIONS:
            raise ValueError(f"cannot group by {d!r}; choose from {', '.join(DIMENSIONS)}")
    if month_of not in MONTH_OF:
        raise ValueError(f"month of {month_of!r}? choose from {', '.join(MONTH_OF)}")
    return tuple(d for d in DIMENSIONS if d in by and d != "rule")


class Tally:
    """Running counts by (rule, group) and status; add findings or vectorised results, batch after batch."""

    def __init__(self, by: Sequence[str] = ("rule",), month_of: str = "deadline") -> None:
        self.dimensions = check_grouping(by, month_of)
        self.month_of = month_of
        self.counts: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self.titles: dict[str, str] = {}

    def _bucket(self, rule: str, group: tuple[str, ...]) -> list[int]:
        key = (rule, group)
        bucket = self.counts.get(key)
        if bucket is None:
            bucket = self.counts[key] = [0] * len(_COUNTS)
        return bucket

    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Count Finding objects, as the native and durable engines give them."""
        slot = {s: i for i, s in enumerate(_COUNTS[:_STATUS_SLOTS])}
        for f in findings:
            if f.status not in slot:
                continue
            self.titles.setdefault(f.rule, f.title)
            group = tuple(self._value(f, d) for d in self.dimensions)
            bucket = self._bucket(f.rule, group)
            bucket[_NOT_RECORDED if f.status == "missing_data" and f.unrecorded else slot[f.status]] += 1
            bucket[_APPROXIMATE] += bool(f.approximate)
            bucket[_ON_BOUND] += bool(f.on_bound) and f.status in ("met", "late", "overdue")
            bucket[_WARNINGS] += bool(f.data_quality)

    def _value(self, f: Finding, dimension: str) -> str:
        if dimension == "month":
            d = {"deadline": f.deadline, "completed": f.completed_date, "trigger": f.trigger_date}[self.month_of]
            return _month(d)
        return _text(f.attributes.get(dimension))

    def add_batch(self, result: BatchFindings) -> None:
        """Count the vectorised engine's findings for one batch, without making a Finding each."""
        import numpy as np

        from ..calendars.arrays import NONE, months_index

        slot_of = np.full(max(len(STATUSES), max(_CODES) + 1), -1, dtype=np.int64)  # a status code's count
        slot_of[list(_CODES)] = np.arange(len(_CODES))
        slots = slot_of[result.columns["status"]]
        if slots.size and slots.min() >= 0:  # every finding counted (the engine counting alone makes no others)
            rows: Any = slice(None)
        else:
            rows = np.flatnonzero(slots >= 0)
            if not rows.size:
                return
            slots = slots[rows]
        parts: list[np.ndarray] = [result.columns["rule"][rows].astype(np.int64)]
        labels: list[list[str]] = [[r.id for r in result.rules]]
        for dimension in self.dimensions:
            if dimension == "month":
                day = result.columns[{"deadline": "deadline_day", "completed": "completed_day",
                                      "trigger": "trigger_day"}[self.month_of]][rows]
                known = day != NONE
                month = np.where(known, months_index(np.where(known, day, 719163)), -1)
                # Months are small numbers: numbered in order through a table of those seen, not by sorting.
                seen = np.zeros(int(month.max()) + 2 if month.size else 1, dtype=bool)
                seen[month + 1] = True
                distinct = np.flatnonzero(seen) - 1
                parts.append((np.cumsum(seen) - 1)[month + 1])
                labels.append([NO_VALUE if m < 0 else f"{1970 + m // 12:04d}-{m % 12 + 1:02d}"
                               for m in distinct.tolist()])
            else:
                attribute = result.batch.attribute(dimension)
                texts = [_text(v) for v in attribute.values]
                dense: dict[str, int] = {}
                code_to_dense = np.array([dense.setdefault(t, len(dense)) for t in texts], dtype=np.int64)
                records = result.columns["record"][rows]
                parts.append(code_to_dense[attribute.codes[records]])
                labels.append(list(dense))
        key = np.zeros(slots.size, dtype=np.int64)
        for part, names in zip(parts, labels):
            key = key * max(len(names), 1) + part
        slots = np.where((slots == _COUNTS.index("missing_data")) & result.columns["unrecorded"][rows], _NOT_RECORDED,
                         slots)
        decided = np.zeros(len(_COUNTS), dtype=bool)
        decided[[_COUNTS.index(s) for s in ("met", "late", "overdue")]] = True
        cells = np.concatenate([key * len(_COUNTS) + slots,
                                key[result.columns["approximate"][rows]] * len(_COUNTS) + _APPROXIMATE,
                                key[decided[slots] & (result.columns["on_bound"][rows] > 0)] * len(_COUNTS) + _ON_BOUND,
                                key[result.columns["data_quality"][rows]] * len(_COUNTS) + _WARNINGS])
        size = int(cells.max()) + 1
        if size <= 4 * cells.size:  # few groups (by rule, say): counted in place, not sorted
            counts = np.bincount(cells, minlength=size)
            distinct = np.flatnonzero(counts)
            counts = counts[distinct]
        else:
            distinct, counts = np.unique(cells, return_counts=True)
        for rule in result.rules:
            self.titles.setdefault(rule.id, rule.title)
        for value, count in zip(distinct.tolist(), counts.tolist()):
            k, slot = divmod(value, len(_COUNTS))
            decoded = self._decode(k, labels)
            self._bucket(decoded[0], decoded[1:])[slot] += count

    @staticmethod
    def _decode(key: int, labels: list[list[str]]) -> tuple[str, ...]:
        out: list[str] = []
        for names in reversed(labels):
            key, index = divmod(key, max(len(names), 1))
            out.append(names[index])
        return tuple(reversed(out))

    def rows(self) -> list[KpiRow]:
        """The table, ordered by rule id, then by group."""
        out = []
        for (rule, group), c in sorted(self.counts.items()):
            out.append(KpiRow(rule, self.titles.get(rule, rule), tuple(zip(self.dimensions, group)), *c))
        return out


def kpi_rows(findings: Iterable[Finding], by: Sequence[str] = ("rule",), month_of: str = "deadline") -> list[KpiRow]:
    """KPI table rows from findings: the share of each duty done in time, by the chosen dimensions."""
    tally = Tally(by, month_of)
    tally.add_findings(findings)
    return tally.rows()


def monthly_kpi_rows(findings: Iterable[Finding]) -> list[KpiRow]:
    """Rows by rule and month of the deadline, as the nightly report's KPI chart draws them."""
    return kpi_rows(findings, ("rule", "month"), "deadline")


def _headers(rows: Sequence[KpiRow], dimensions: Sequence[str]) -> list[str]:
    return ["rule", *dimensions, "in_time_percent", "decided", "met", "late", "overdue", "due", "missing_data",
            "not_recorded", "approximate", "on_bound", "data_warnings"]


def to_csv(rows: Sequence[KpiRow], dimensions: Sequence[str]) -> str:
    headers = _headers(rows, dimensions)
    return csv_text([headers, *([r.to_dict().get(h) for h in headers] for r in rows)])


def to_json(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date, month_of: str,
            extra: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {"as_of": as_of.isoformat(), "by": ["rule", *dimensions], "month_of": month_of,
                           "in_time": "met / (met + late + overdue)", "rows": [r.to_dict() for r in rows]}
    if extra:
        doc.update(extra)
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def to_table(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date) -> str:
    """A fixed-width table: rule, group, share in time, then the counts it is made of."""
    head = ["RULE", *(d.upper() for d in dimensions), "IN TIME", "DECIDED", "MET", "LATE", "OVERDUE", "DUE",
            "MISSING", "NOT IN EXTRACT", "CHECK"]
    lines = [head]
    for r in rows:
        # A share counting findings decided on a bound leans one way (without the trigger, only the clearly late
        # can be decided): marked, and said below.
        share = "-" if r.in_time is None else f"{100 * r.in_time:.1f}%" + ("*" if r.on_bound else "")
        # A team or authority is a cell of the records, escape codes and all: escaped before the widths are taken.
        lines.append([r.rule, *(one_line(r.value(d)) for d in dimensions), share, str(r.decided), str(r.met),
                      str(r.late), str(r.overdue), str(r.due), str(r.missing_data), str(r.not_recorded),
                      str(r.data_warnings)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    numeric_from = 1 + len(dimensions)
    text = [f"Timeliness as of {as_of.isoformat()}: in time = met / (met + late + overdue)"]
    for line in lines:
        cells = [c.ljust(w) if i < numeric_from else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))]
        text.append("  ".join(cells).rstrip())
    approximate = sum(r.approximate for r in rows)
    if approximate:
        text.append(f"{approximate} finding(s) are approximate: the record holds a date without a time for an "
                    "hours clock.")
    if any(r.not_recorded for r in rows):
        text.append("NOT IN EXTRACT: duties the extract cannot answer: it has no column for an event they need, a "
                    "record gives the event as unknown, or the duty falls due after the day it was drawn; counted "
                    "apart, never as overdue.")
    bounded = sum(r.on_bound for r in rows)
    if bounded:
        text.append(f"* {bounded} decided finding(s) rest on a bound: the trigger is not recorded, but even its "
                    "latest possible deadline had passed (or the duty was done by the earliest). Only such clear "
                    "cases can be decided without the trigger, so a share marked * leans their way: read it with "
                    "the MISSING and NOT IN EXTRACT counts.")
    if any(r.data_warnings for r in rows):
        text.append("CHECK: findings counted although the record had a problem they worked around (a completion "
                    "before its trigger, a date entered twice...): `compliance check` lists them.")
    return "\n".join(text) + "\n"


def render_kpi(rows: Sequence[KpiRow], fmt: str, dimensions: Sequence[str], as_of: date,
               month_of: str = "deadline", targets: TargetTally | None = None) -> str:
    """KPI rows in one of FORMATS, with the system targets' section (``targets``) in the table and JSON."""
    if fmt == "csv":
        return to_csv(rows, dimensions)
    if fmt == "json":
        extra = {"system_targets": targets.to_dict()} if targets is not None and targets.compared else None
        return to_json(rows, dimensions, as_of, month_of, extra)
    # The targets' section names records by their ids, as the records spell them: each line shown escaped.
    section = "\n".join(map(one_line, targets.text().split("\n"))) if targets is not None else ""
    return to_table(rows, dimensions, as_of) + section
