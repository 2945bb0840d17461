"""Timeliness KPIs: the share of each duty done in time, with its counts, by rule, team, authority or month.

Pure: findings in, table rows out. A duty counts once per occurrence (each review, each visit).
"In time" is met / (met + late + overdue): duties not yet due and duties whose trigger date is
missing are shown beside the share but are not in it; not-applicable findings are not counted (the records
they concern are, apart: see below).
Counts come either from Finding objects (the native or durable engine) or straight from the
vectorised engine's columns, and the two give the same table.

Given the records as well (``Tally.add_records``, or the batches ``add_batch`` counts), a tally also counts the
records read, by kind, and each row says how many records of its rule's kind were read in its group and how many of
them the rule measured nothing on (``not_applicable``), so that rows in reconcile with counts out without the
engine making a not-applicable finding: every record gets, for each duty of its kind, either one not-applicable
finding or findings that count, exactly one of them its first occurrence. A team is grouped whatever its case,
spaces and Unicode normal form (``Front Door``, ``front  door ``; ``Équipe`` in NFC or NFD), as the nightly report's
team calendars are.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..engines import STATUSES, Finding
from ..errors import one_line
from ..records import csv_text
from ._formats import TABLE_CELL_MAX, json_text, table_cell
from ._targets import TargetTally

if TYPE_CHECKING:
    from ..engines.batch import BatchFindings
    from ..records import Record
    from ..rules import Rule

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
#: A hidden count beside them: records with a finding counted in the row, a record's first occurrence of the duty.
_FIRSTS = 9
_NOT_APPLICABLE = STATUSES.index("not_applicable")
_SLOTS = len(_COUNTS) + 1
#: Dimensions whose values name the same group whatever their case and spaces (nightly's team calendars: team_slug).
_FOLDED = frozenset({"team"})


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
    data_warnings: int = 0  # findings on a record to check: counted with a problem worked around, or not applicable
    #: Records of the rule's kind read in the group that the rule measured nothing on (not applicable to them, or
    #: measured under another version of the duty); None where the records were not counted, or by month.
    not_applicable: int | None = None
    #: Records of the rule's kind read in the group; None as for ``not_applicable``.
    records: int | None = None

    @property
    def decided(self) -> int:
        """Duties whose outcome is known: done in time, done late, or not done by the deadline."""
        return self.met + self.late + self.overdue

    @property
    def in_time(self) -> float | None:
        """The share done in time, 0 to 1 (``in_time_share``)."""
        return in_time_share(self.met, self.decided, self.on_bound)

    def value(self, dimension: str) -> str:
        return dict(self.group).get(dimension, "")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "title": self.title}
        out.update(dict(self.group))
        out.update({"in_time_percent": _percent(self.in_time), "decided": self.decided, "met": self.met,
                    "late": self.late, "overdue": self.overdue, "due": self.due, "missing_data": self.missing_data,
                    "not_recorded": self.not_recorded, "approximate": self.approximate, "on_bound": self.on_bound,
                    "data_warnings": self.data_warnings})
        if self.records is not None:
            out.update({"not_applicable": self.not_applicable, "records": self.records})
        return out


class KpiRows(list[KpiRow]):
    """A KPI table's rows, with the records read by kind (None when only findings were counted)."""

    records_read: dict[str, int] | None = None


def in_time_share(met: int, decided: int, on_bound: int) -> float | None:
    """The share done in time, 0 to 1; None when nothing was due yet, or when every duty decided was decided on a
    bound: without the trigger only the clear cases are decided (all late, where the extract holds only the latest
    day it could have been), so such a share says only which way they lean (Annex A list 4's 0%)."""
    return met / decided if decided and on_bound < decided else None


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _month(d: date | None) -> str:
    return f"{d.year:04d}-{d.month:02d}" if d is not None else NO_VALUE


def _text(value: Any) -> str:
    if value is None or value == "":
        return NO_VALUE
    return str(value)


def group_key(dimension: str, value: Any) -> str:
    """The group a record's value puts it in: a team whatever its case, the spaces around and between its words
    and how its accents are encoded (nightly.team_slug gives "Front Door" and "front  door " one calendar), any
    other value as it is."""
    text = _text(value)
    if dimension in _FOLDED and text != NO_VALUE:
        # "É" as one character or as "E" and a combining accent is the same text (NFC); Unicode's caseless match
        # folds the decomposed form. Not NFKC: that would also merge names that only look alike ("Team ²", "Team 2").
        folded = unicodedata.normalize("NFD", " ".join(text.split())).casefold()
        return unicodedata.normalize("NFC", folded) or NO_VALUE
    return text


def check_grouping(by: Sequence[str], month_of: str) -> tuple[str, ...]:
    """The grouping dimensions, rule first and each once; raises ValueError naming a bad one."""
    for d in by:
        if d not in DIMENSIONS:
            raise ValueError(f"cannot group by {d!r}; choose from {', '.join(DIMENSIONS)}")
    if month_of not in MONTH_OF:
        raise ValueError(f"month of {month_of!r}? choose from {', '.join(MONTH_OF)}")
    return tuple(d for d in DIMENSIONS if d in by and d != "rule")


class Tally:
    """Running counts by (rule, group) and status; add findings or vectorised results, batch after batch.

    With the records too (``add_records`` before their findings, or ``add_batch``), it counts the records read by
    kind and, when not grouped by month, by kind and group, so each row can say how many records of its rule's kind
    the rule measured nothing on."""

    def __init__(self, by: Sequence[str] = ("rule",), month_of: str = "deadline") -> None:
        self.dimensions = check_grouping(by, month_of)
        self.month_of = month_of
        self.counts: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        self.titles: dict[str, str] = {}
        #: Records read, by kind; None while only findings have been added.
        self.read_by_kind: dict[str, int] | None = None
        #: Records read by kind and group, when not grouped by month (a record not applicable has no month).
        self.read: dict[tuple[str, tuple[str, ...]], int] = {}
        self.kinds: dict[str, str] = {}  # each rule's record kind
        self.recurring: set[str] = set()  # rules done more than once a record: their findings are not records
        #: How each group of a folded dimension (a team) is spelt, and by how many records (or findings).
        self.spellings: dict[str, dict[str, Counter[str]]] = {d: {} for d in self.dimensions if d in _FOLDED}

    @property
    def by_record(self) -> bool:
        """Whether records can be counted in each row: not by month, where one not applicable has none."""
        return "month" not in self.dimensions

    def _bucket(self, rule: str, group: tuple[str, ...]) -> list[int]:
        key = (rule, group)
        bucket = self.counts.get(key)
        if bucket is None:
            bucket = self.counts[key] = [0] * _SLOTS
        return bucket

    def _rules(self, rules: Iterable[Rule]) -> None:
        for rule in rules:
            self.titles.setdefault(rule.id, rule.title)
            self.kinds.setdefault(rule.id, rule.applies_to)
            if rule.recurrence is not None:
                self.recurring.add(rule.id)

    def _spelt(self, dimension: str, key: str, value: Any, times: int = 1) -> None:
        if key != NO_VALUE:
            self.spellings[dimension].setdefault(key, Counter())[_text(value).strip()] += times

    def add_records(self, records: Iterable[Record], rules: Iterable[Rule]) -> None:
        """Count records read (every one, whatever its kind), before their findings are added; ``rules``: those
        in use."""
        self._rules(rules)
        read_by_kind = self.read_by_kind = self.read_by_kind if self.read_by_kind is not None else {}
        dimensions = [d for d in self.dimensions if d != "month"]
        for record in records:
            read_by_kind[record.kind] = read_by_kind.get(record.kind, 0) + 1
            group = []
            for d in dimensions:
                value = record.attributes.get(d)
                key = group_key(d, value)
                if d in self.spellings:
                    self._spelt(d, key, value)
                group.append(key)
            if self.by_record:
                key = (record.kind, tuple(group))
                self.read[key] = self.read.get(key, 0) + 1

    def add_findings(self, findings: Iterable[Finding]) -> None:
        """Count Finding objects, as the native and durable engines give them."""
        slot = {s: i for i, s in enumerate(_COUNTS[:_STATUS_SLOTS])}
        spell = self.read_by_kind is None  # else the records gave the spellings
        for f in findings:
            set_aside = f.status == "not_applicable" and bool(f.data_quality)
            if f.status not in slot and not set_aside:
                continue
            self.titles.setdefault(f.rule, f.title)
            group = tuple(self._value(f, d, spell) for d in self.dimensions)
            bucket = self._bucket(f.rule, group)
            if set_aside:
                bucket[_WARNINGS] += 1
                continue
            bucket[_NOT_RECORDED if f.status == "missing_data" and f.unrecorded else slot[f.status]] += 1
            bucket[_APPROXIMATE] += bool(f.approximate)
            bucket[_ON_BOUND] += bool(f.on_bound) and f.status in ("met", "late", "overdue")
            bucket[_WARNINGS] += bool(f.data_quality)
            bucket[_FIRSTS] += f.occurrence == 1

    def _value(self, f: Finding, dimension: str, spell: bool = False) -> str:
        if dimension == "month":
            d = {"deadline": f.deadline, "completed": f.completed_date, "trigger": f.trigger_date}[self.month_of]
            return _month(d)
        value = f.attributes.get(dimension)
        key = group_key(dimension, value)
        if spell and dimension in self.spellings:
            self._spelt(dimension, key, value)
        return key

    def _record_groups(self, result: BatchFindings) -> tuple[list[Any], list[list[str]]]:
        """Each record's group in every dimension but the month (dense codes), with the groups' keys; the records
        read counted by kind and group, and the spellings of folded groups."""
        import numpy as np

        batch = result.batch
        n = len(batch)
        read_by_kind = self.read_by_kind = self.read_by_kind if self.read_by_kind is not None else {}
        if n:
            read_by_kind[batch.kind] = read_by_kind.get(batch.kind, 0) + n
        parts: list[Any] = []
        labels: list[list[str]] = []
        for dimension in self.dimensions:
            if dimension == "month":
                continue
            attribute = batch.attribute(dimension)
            values = attribute.values
            keys = [group_key(dimension, v) for v in values]
            dense: dict[str, int] = {}
            code_to_dense = np.array([dense.setdefault(k, len(dense)) for k in keys], dtype=np.int64)
            if dimension in self.spellings:
                for code, count in enumerate(np.bincount(attribute.codes, minlength=len(keys)).tolist()):
                    if count:
                        self._spelt(dimension, keys[code], values[code], count)
            parts.append(code_to_dense[attribute.codes])
            labels.append(list(dense))
        if self.by_record and n:
            if not parts:
                self.read[(batch.kind, ())] = self.read.get((batch.kind, ()), 0) + n
            else:
                key = np.zeros(n, dtype=np.int64)
                for part, names in zip(parts, labels):
                    key = key * max(len(names), 1) + part
                counts = np.bincount(key)
                for value in np.flatnonzero(counts).tolist():
                    group = (batch.kind, self._decode(value, labels))
                    self.read[group] = self.read.get(group, 0) + int(counts[value])
        return parts, labels

    def add_batch(self, result: BatchFindings) -> None:
        """Count the vectorised engine's findings for one batch, without making a Finding each, and its records."""
        import numpy as np

        from ..calendars.arrays import NONE, months_index

        self._rules(result.rules)
        record_parts, record_labels = self._record_groups(result)
        slot_of = np.full(max(len(STATUSES), max(_CODES) + 1), -1, dtype=np.int64)  # a status code's count
        slot_of[list(_CODES)] = np.arange(len(_CODES))
        slots = slot_of[result.columns["status"]]
        # A duty not applicable on a record to check (it contradicts itself, a date after the day judged): counted
        # under CHECK alone.
        set_aside = (result.columns["status"] == _NOT_APPLICABLE) & result.columns["data_quality"]
        if set_aside.any():
            slots[set_aside] = _WARNINGS
        if slots.size and slots.min() >= 0:  # every finding counted (the engine counting alone makes no others)
            rows: Any = slice(None)
        else:
            rows = np.flatnonzero(slots >= 0)
            if not rows.size:
                return
            slots = slots[rows]
        parts: list[np.ndarray] = [result.columns["rule"][rows].astype(np.int64)]
        labels: list[list[str]] = [[r.id for r in result.rules]]
        records = result.columns["record"][rows]
        attributes = iter(zip(record_parts, record_labels))
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
                part, names = next(attributes)
                parts.append(part[records])
                labels.append(names)
        key = parts[0]
        for part, names in zip(parts[1:], labels[1:]):
            key = key * max(len(names), 1) + part
        slots = np.where((slots == _COUNTS.index("missing_data")) & result.columns["unrecorded"][rows], _NOT_RECORDED,
                         slots)
        decided = np.zeros(_SLOTS, dtype=bool)
        decided[[_COUNTS.index(s) for s in ("met", "late", "overdue")]] = True
        counted = slots != _WARNINGS  # (the findings set aside are only flagged)
        cells = [key * _SLOTS + slots,
                 key[result.columns["approximate"][rows] & counted] * _SLOTS + _APPROXIMATE,
                 key[decided[slots] & (result.columns["on_bound"][rows] > 0)] * _SLOTS + _ON_BOUND,
                 key[result.columns["data_quality"][rows] & counted] * _SLOTS + _WARNINGS]
        if any(r.recurrence is not None and r.applies_to == result.batch.kind for r in result.rules):
            # A duty done again and again: the records with a finding are those with a first occurrence. (Any other
            # has exactly one finding a record, counted below.)
            recurs = np.array([r.recurrence is not None for r in result.rules], dtype=bool)[parts[0]]
            cells.append(key[recurs & counted & (result.columns["occurrence"][rows] == 1)] * _SLOTS + _FIRSTS)
        size = (int(key.max()) + 1) * _SLOTS if key.size else 0
        if size <= 4 * key.size:  # few groups (by rule, say): counted in place, not sorted (nor joined)
            counts = sum(np.bincount(at, minlength=size) for at in cells)
            distinct = np.flatnonzero(counts)
            counts = counts[distinct]
        else:
            distinct, counts = np.unique(np.concatenate(cells), return_counts=True)
        for value, count in zip(distinct.tolist(), counts.tolist()):
            k, slot = divmod(value, _SLOTS)
            decoded = self._decode(k, labels)
            bucket = self._bucket(decoded[0], decoded[1:])
            bucket[slot] += count
            if slot <= _NOT_RECORDED and decoded[0] not in self.recurring:
                bucket[_FIRSTS] += count

    @staticmethod
    def _decode(key: int, labels: list[list[str]]) -> tuple[str, ...]:
        out: list[str] = []
        for names in reversed(labels):
            key, index = divmod(key, max(len(names), 1))
            out.append(names[index])
        return tuple(reversed(out))

    def _shown(self, dimension: str, key: str) -> str:
        """A group as the table names it: a folded one (a team) by the spelling most of its records give, whatever
        order they came in (the vectorised engine takes each kind's records in batches of their own); between
        spellings as common, one in title case with single spaces, then the first in sorted order."""
        spelt = self.spellings.get(dimension, {}).get(key)
        if not spelt:
            return key
        return min(spelt.items(), key=lambda item: (-item[1], item[0] != " ".join(item[0].split()).title(),
                                                    item[0]))[0]

    def rows(self) -> KpiRows:
        """The table, ordered by rule id, then by group. With the records counted (not by month), a rule that
        counted anything has a row for every group with records of its kind, and each row says how many."""
        keys = set(self.counts)
        counted = self.read_by_kind is not None and self.by_record
        if counted:
            by_kind: dict[str, list[tuple[str, ...]]] = {}
            for kind, group in self.read:
                by_kind.setdefault(kind, []).append(group)
            for rule in {rule for rule, _ in self.counts}:
                keys.update((rule, group) for group in by_kind.get(self.kinds.get(rule, ""), ()))
        out = []
        for rule, group in keys:
            c = self.counts.get((rule, group)) or [0] * _SLOTS
            records = not_applicable = None
            if counted and rule in self.kinds:
                records = self.read.get((self.kinds[rule], group), 0)
                not_applicable = records - c[_FIRSTS]
            shown = tuple((d, self._shown(d, v)) for d, v in zip(self.dimensions, group))
            out.append(KpiRow(rule, self.titles.get(rule, rule), shown, *c[:len(_COUNTS)],
                              not_applicable=not_applicable, records=records))
        table = KpiRows(sorted(out, key=lambda r: (r.rule, tuple(v for _, v in r.group))))
        table.records_read = dict(sorted(self.read_by_kind.items())) if self.read_by_kind is not None else None
        return table


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
            "not_recorded", "approximate", "on_bound", "data_warnings", "not_applicable", "records"]


def records_read(rows: Sequence[KpiRow]) -> dict[str, int] | None:
    """The records read by kind, where the rows were counted with them (KpiRows), else None."""
    return getattr(rows, "records_read", None)


def _fields(row: KpiRow) -> dict[str, Any]:
    """A row's fields for kpi's own CSV and JSON: the records and not-applicable ones always, null where not
    counted (by month)."""
    return {**row.to_dict(), "not_applicable": row.not_applicable, "records": row.records}


def to_csv(rows: Sequence[KpiRow], dimensions: Sequence[str]) -> str:
    headers = _headers(rows, dimensions)
    # Each row's fields made once, not once for each of its columns (by team and month, 60,000 rows took 3.2 s, 1.6 s
    # now).
    return csv_text([headers, *(list(map(_fields(r).get, headers)) for r in rows)])


def to_json(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date, month_of: str,
            extra: dict[str, Any] | None = None) -> str:
    doc: dict[str, Any] = {"as_of": as_of.isoformat(), "by": ["rule", *dimensions], "month_of": month_of,
                           "in_time": "met / (met + late + overdue)", "records_read": records_read(rows),
                           "rows": [_fields(r) for r in rows]}
    if extra:
        doc.update(extra)
    return json_text(json.dumps(doc, indent=2, ensure_ascii=False)) + "\n"


def to_table(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date) -> str:
    """A fixed-width table: rule, group, share in time, then the counts it is made of."""
    head = ["RULE", *(d.upper() for d in dimensions), "IN TIME", "DECIDED", "MET", "LATE", "OVERDUE", "DUE",
            "MISSING", "NOT IN EXTRACT", "CHECK"]
    # Records of each rule's kind, and those it measured nothing on: counted where the rows were counted from the
    # records and not by month (a record a duty does not apply to has no month).
    by_record = bool(rows) and all(r.records is not None for r in rows)
    if by_record:
        head[-1:-1] = ["N/A", "RECORDS"]
    lines = [head]
    for r in rows:
        # A share counting findings decided on a bound leans one way (without the trigger, only the clearly late
        # can be decided): marked, and said below.
        share = "-" if r.in_time is None else f"{100 * r.in_time:.1f}%" + ("*" if r.on_bound else "")
        # A team or authority is a cell of the records, escape codes and all: escaped before the widths are taken,
        # and cut as check's table cuts it, since every row is padded to the widest (a team of a million
        # characters printed 7 MB).
        lines.append([r.rule, *(table_cell(r.value(d)) for d in dimensions), share, str(r.decided), str(r.met),
                      str(r.late), str(r.overdue), str(r.due), str(r.missing_data), str(r.not_recorded),
                      *((str(r.not_applicable), str(r.records)) if by_record else ()), str(r.data_warnings)])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    numeric_from = 1 + len(dimensions)
    text = [f"Timeliness as of {as_of.isoformat()}: in time = met / (met + late + overdue)"]
    for line in lines:
        cells = [c.ljust(w) if i < numeric_from else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))]
        text.append("  ".join(cells).rstrip())
    text.append("")  # the notes apart from the table, which a script may cut at its first blank line
    if any(cell.endswith("…") for line in lines[1:] for cell in line[1:numeric_from]):
        text.append(f"… a value longer than {TABLE_CELL_MAX} characters is cut here; the other formats hold it "
                    "whole.")
    read = records_read(rows)
    if read is not None:
        kinds = ", ".join(f"{kind} {n}" for kind, n in read.items())
        text.append(f"Records read: {sum(read.values())}" + (f" ({kinds})." if kinds else "."))
        if by_record:
            text.append("N/A: the records of the rule's kind (RECORDS) it did not apply to, or another version of it "
                        "did; for a duty done once a record, DECIDED + DUE + MISSING + NOT IN EXTRACT + N/A = RECORDS.")
        elif rows:
            text.append("Records a duty did not apply to are in no month, so not counted here: without --by month, "
                        "each row says how many (N/A); those among them to check are under CHECK, in the month of "
                        f"the date --month-of names where the finding has one (a trigger), else {NO_VALUE}.")
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
    if any(r.decided and r.in_time is None for r in rows):
        text.append("IN TIME - with duties decided: every one of them rests on a bound, so no share is given (it "
                    "would count only the clear cases, all one way).")
    if any(r.data_warnings for r in rows):
        text.append("CHECK: findings counted although the record had a problem they worked around (a completion "
                    "before its trigger, a date entered twice...), and duties not applicable on a record to check (no "
                    "conference needed, yet one held; a trigger dated after the as-of date): `compliance check` lists "
                    "them.")
    return "\n".join(text).rstrip("\n") + "\n"


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
