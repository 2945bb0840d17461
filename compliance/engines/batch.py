"""The vectorised engine: the native engine's decisions and date arithmetic over whole columns of records.

For national-scale runs (a million case records) evaluating record by record spends its time in
Python objects; here each duty is evaluated for a whole batch at once with numpy, over the same
working-day tables. It makes ``_native.choose_version``'s decision for every record (conditions met,
not met or not known; the clock started, not yet, never; bounds on a missing trigger) and follows
``duty_findings`` for the records that are in order. Records the per-record engine would warn about
(a completion before its trigger or after its end, a date entered twice, an extension, a bound contradicted,
a date near the calendar's ends, the repeated hour of a clock change, a trigger not recorded whose possible days
cross the dates the duty's versions were in force) are few, and so are the few with far more completions of a
recurring duty than the rest (a loop step each costs the batch more than their findings cost one at a time);
they are evaluated by the per-record engine itself and merged in, so every finding is the same, field for
field. tests/engines/test_batch.py checks that on generated data. It gives no explanations: run `compliance
check` on a record for the working.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..calendars import Period
from ..calendars import check_target, clock_change
from ..calendars.arrays import NONE, DayTables, Deadlines, add_period_days, compute_deadlines, day_tables, instants
from ..records import Record, imply
from ..records.columns import EventColumn, RecordBatch
from ..rules import Rule, RuleSet, Vocabulary, Window, bundled_vocabulary
from ._finding import STATUSES, Finding
from ._native import check_as_of, duties_by_kind, early_until, evaluate_duty

CODE = {s: i for i, s in enumerate(STATUSES)}
OVERDUE, LATE, DUE, MET, MISSING, NOT_APPLICABLE = (CODE[s] for s in (
    "overdue", "late", "due", "met", "missing_data", "not_applicable"))
BOUNDS = (None, "latest", "earliest")  # the on_bound column's codes
#: A finding's status by (done << 1 | done in time, or not done and not yet due).
_STATUS_OF = np.array([OVERDUE, DUE, LATE, MET], dtype=np.int8)
_FIELDS = ("record", "rule", "occurrence", "status", "trigger_day", "trigger_second", "period", "deadline_day",
           "deadline_second", "completed_day", "completed_second", "days_late", "working_days_late", "days_left",
           "working_days_left", "hours_late", "provisional", "approximate", "on_bound", "data_quality", "unrecorded",
           "recorded_day", "recorded_working_days", "recorded_reason")
_FLAGS = ("provisional", "approximate", "data_quality", "unrecorded")
#: Dates this close to a calendar's last day are left to the per-record engine, which reports a deadline
#: running past the calendar as missing data for that record alone.
_MARGIN_DAYS = 400
#: The vectorised loop of a recurring duty takes a step for each occurrence of the batch's longest record, at much the
#: same cost however few rows are left in it: one record of 20,000 visits took eight times what the other 4,800
#: records of its file took. The records with more completions than _MOST_OCCURRENCES and than the _FEW-th longest of
#: the batch (so at most _FEW - 1 of them; all past _MOST_OCCURRENCES in a batch of fewer rows) are left to the
#: per-record engine, which spends on a record what its dates need. _FEW records as long as each other stay in the
#: loop: it is then as long as most of its rows need.
_MOST_OCCURRENCES = 256
_FEW = 8


@dataclass
class BatchFindings:
    """The findings for one batch, one row per finding, as columns; ``rules`` and ``periods`` decode them."""

    batch: RecordBatch
    rules: list[Rule]
    periods: list[str]
    columns: dict[str, np.ndarray]
    #: Why systems' recorded deadlines differ from the law's, as the recorded_reason column's codes decode.
    reasons: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.columns["status"].size)

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def rows(self) -> Iterator[dict[str, Any]]:
        """Each finding as plain data, with the keys and values of Finding.to_dict() that the engine shares."""
        c = self.columns
        ids = self.batch.ids.to_pylist()
        for i in range(len(self)):
            rule = self.rules[int(c["rule"][i])]
            period = int(c["period"][i])
            yield {
                "record": ids[int(c["record"][i])],
                "rule": rule.id,
                "status": STATUSES[int(c["status"][i])],
                "occurrence": int(c["occurrence"][i]),
                "trigger_date": _iso(c["trigger_day"][i], c["trigger_second"][i]),
                "period": self.periods[period] if period >= 0 else None,
                "deadline": _iso(c["deadline_day"][i], c["deadline_second"][i]),
                "completed_date": _iso(c["completed_day"][i], c["completed_second"][i]),
                "days_late": _int(c["days_late"][i]),
                "working_days_late": _int(c["working_days_late"][i]),
                "days_left": _int(c["days_left"][i]),
                "working_days_left": _int(c["working_days_left"][i]),
                "hours_late": None if np.isnan(c["hours_late"][i]) else float(c["hours_late"][i]),
                "provisional": bool(c["provisional"][i]),
                "approximate": bool(c["approximate"][i]),
                "on_bound": BOUNDS[int(c["on_bound"][i])],
                "data_quality": bool(c["data_quality"][i]),
                "unrecorded": bool(c["unrecorded"][i]),
                "recorded_deadline": _iso(c["recorded_day"][i], -1),
                "recorded_deadline_working_days": _int(c["recorded_working_days"][i]),
                "recorded_deadline_reason": self.reasons[int(c["recorded_reason"][i])]
                if c["recorded_reason"][i] >= 0 else None,
            }


def _iso(day: Any, second: Any) -> str | None:
    if day == NONE:
        return None
    d = date.fromordinal(int(day))
    if second < 0:
        return d.isoformat()
    return (datetime(d.year, d.month, d.day) + timedelta(seconds=int(second))).isoformat(timespec="minutes")


def _int(value: Any) -> int | None:
    return None if value == NONE else int(value)


def _day_second(d: date | None) -> tuple[int, int]:
    if d is None:
        return NONE, -1
    if isinstance(d, datetime):
        return d.toordinal(), d.hour * 3600 + d.minute * 60 + d.second
    return d.toordinal(), -1


class _Out:
    """Collects finding columns for one batch, part by part."""

    def __init__(self, rules: list[Rule], vocabulary: Vocabulary, counting: bool = False) -> None:
        self.rules = rules
        self.vocab = vocabulary
        #: Only what a KPI counts: no not-applicable findings, and no lateness or time left (see evaluate_batch).
        self.counting = counting
        self.rule_index = {id(r): i for i, r in enumerate(rules)}
        self.rule_by_id = {r.id: i for i, r in enumerate(rules)}
        #: The rows handed to the per-record engine, as records with what they imply, by row: made once for every
        #: duty of the batch that hands a row over (and so what the record shows as of a day is worked out once).
        self.handed: dict[int, Record] = {}
        self.periods: list[str] = []
        self.period_index: dict[str, int] = {}
        self.period_objects: list[Period | None] = []
        self.reasons: list[str] = []
        self.reason_index: dict[str, int] = {}
        self.parts: list[dict[str, np.ndarray]] = []

    def reason(self, text: str | None) -> int:
        if text is None:
            return -1
        if text not in self.reason_index:
            self.reason_index[text] = len(self.reasons)
            self.reasons.append(text)
        return self.reason_index[text]

    def period(self, period: Period | str | None) -> int:
        if period is None:
            return -1
        text = str(period)
        if text not in self.period_index:
            self.period_index[text] = len(self.periods)
            self.periods.append(text)
            self.period_objects.append(period if isinstance(period, Period) else None)
        elif isinstance(period, Period) and self.period_objects[self.period_index[text]] is None:
            self.period_objects[self.period_index[text]] = period
        return self.period_index[text]

    def add(self, records: np.ndarray, rule: Rule | np.ndarray, status: int | np.ndarray, **values: Any) -> None:
        n = records.size
        if n == 0 or (self.counting and isinstance(status, int) and status == NOT_APPLICABLE
                      and not np.any(values.get("data_quality", False))):
            return  # (one the record contradicts is counted, under CHECK)
        part: dict[str, np.ndarray] = {"record": records}
        part["rule"] = (np.full(n, self.rule_index[id(rule)], dtype=np.int32) if isinstance(rule, Rule)
                        else rule.astype(np.int32))
        part["status"] = np.broadcast_to(np.asarray(status, dtype=np.int8), (n,))
        defaults = {"occurrence": 1, "period": self.period(rule.period) if isinstance(rule, Rule) else -1,
                    "provisional": False, "approximate": False, "data_quality": False, "unrecorded": False,
                    "on_bound": 0, "trigger_second": -1, "deadline_second": -1, "completed_second": -1,
                    "hours_late": np.nan, "recorded_reason": -1}
        for name in _FIELDS[1:]:
            if name in ("rule", "status"):
                continue
            value = values.get(name, defaults.get(name, NONE))
            dtype = (bool if name in _FLAGS else np.float64 if name == "hours_late" else np.int8 if name == "on_bound"
                     else np.int64)
            part[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,))
        self.parts.append(part)

    def add_findings(self, row: int, findings: Sequence[Finding]) -> None:
        """The per-record engine's findings for one record of the batch, as columns: one part for them all (a part
        for each made a record of 20,000 visits take 7 s and 8 KB a finding)."""
        if self.counting:  # as ``add`` leaves them out
            findings = [f for f in findings if f.status != "not_applicable" or f.data_quality]
        if not findings:
            return
        columns: dict[str, list[Any]] = {}

        def put(name: str, value: Any) -> None:
            columns.setdefault(name, []).append(value)

        for f in findings:
            trigger_day, trigger_second = _day_second(f.trigger_date)
            deadline_day, deadline_second = _day_second(f.deadline)
            completed_day, completed_second = _day_second(f.completed_date)
            put("rule", self.rule_by_id[f.rule])
            put("status", CODE[f.status])
            put("occurrence", f.occurrence)
            put("trigger_day", trigger_day)
            put("trigger_second", trigger_second)
            put("period", self.period(f.period))
            put("deadline_day", deadline_day)
            put("deadline_second", deadline_second)
            put("completed_day", completed_day)
            put("completed_second", completed_second)
            put("days_late", NONE if f.days_late is None else f.days_late)
            put("working_days_late", NONE if f.working_days_late is None else f.working_days_late)
            put("days_left", NONE if f.days_left is None else f.days_left)
            put("working_days_left", NONE if f.working_days_left is None else f.working_days_left)
            put("hours_late", np.nan if f.hours_late is None else f.hours_late)
            put("provisional", f.provisional)
            put("approximate", f.approximate)
            put("on_bound", BOUNDS.index(f.on_bound))
            put("data_quality", bool(f.data_quality))
            put("unrecorded", bool(f.unrecorded))
            put("recorded_day", _day_second(f.recorded_deadline)[0])
            put("recorded_working_days", NONE if f.recorded_deadline_working_days is None
                else f.recorded_deadline_working_days)
            put("recorded_reason", self.reason(f.recorded_deadline_reason))
        rules, statuses = np.array(columns.pop("rule")), columns.pop("status")
        self.add(np.full(len(findings), row, dtype=np.int64), rules, statuses, **columns)

    def result(self, batch: RecordBatch) -> BatchFindings:
        return BatchFindings(batch, self.rules, self.periods, _Columns(self.parts), self.reasons)


class _Columns(dict):  # type: ignore[type-arg]
    """The finding columns, each joined from the parts the first time it is read: a KPI reads a few of
    them, and joining all of them for millions of findings took as long as the evaluation."""

    def __init__(self, parts: list[dict[str, np.ndarray]]) -> None:
        super().__init__()
        self._parts = parts

    def __missing__(self, name: str) -> np.ndarray:
        if name not in _FIELDS:
            raise KeyError(name)
        if self._parts:
            value = np.concatenate([p[name] for p in self._parts])
        else:
            value = np.zeros(0, dtype=bool if name in _FLAGS else np.float64 if name == "hours_late" else
                             np.int8 if name == "on_bound" else np.int64)
        self[name] = value
        return value


def _longest(counts: np.ndarray) -> np.ndarray:
    """The rows whose counts pass _MOST_OCCURRENCES and the _FEW-th largest count (every row's, in fewer rows)."""
    limit = _MOST_OCCURRENCES
    if counts.size >= _FEW:
        limit = max(limit, int(np.partition(counts, counts.size - _FEW)[counts.size - _FEW]))
    return counts > limit


def _in_force(window: Window, days: np.ndarray) -> np.ndarray:
    ok = np.ones(days.size, dtype=bool)
    if window.start is not None:
        ok &= days >= window.start.toordinal()
    if window.end is not None:
        ok &= days <= window.end.toordinal()
    return ok


def _conditions(batch: RecordBatch, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """(passes, fails) of a rule's ``when`` conditions for each record; neither means not known."""
    return _when(batch, rule.when)


def _when(batch: RecordBatch, when: Sequence[tuple[str, tuple[Any, ...]]]) -> tuple[np.ndarray, np.ndarray]:
    """(passes, fails) of conditions on attributes for each record; neither means not known."""
    passes = np.ones(len(batch), dtype=bool)
    fails = np.zeros(len(batch), dtype=bool)
    for name, allowed in when:
        column = batch.attribute(name)
        # Each distinct value's outcome, 1 passes, 2 fails, 0 not known, spread to the records in one pass over them.
        state = np.array([1 if v in allowed else 0 if v is None else 2 for v in column.values], dtype=np.int8)
        state = state[column.codes]
        passes &= state == 1
        fails |= state == 2
    return passes, fails


def _positions(column: EventColumn, rows: np.ndarray, bound: np.ndarray, inclusive: bool) -> np.ndarray:
    """For each row, the index into ``column.days`` of its first date after ``bound`` (on or after, if
    ``inclusive``): the dates are sorted by day within a record, so this is a count."""
    offsets = column.offsets
    counts = column.counts[rows]
    if column.days.size == 0 or not counts.any():
        return offsets[rows]
    if counts.max() == 1:  # at most one date a record, the usual case: no need to spread the rows out
        first = offsets[rows]
        days = column.days[np.minimum(first, column.days.size - 1)]
        below = (days < bound) if inclusive else (days <= bound)
        return first + (below & (counts == 1))
    local = np.repeat(np.arange(rows.size, dtype=np.int64), counts)
    starts = np.repeat(offsets[rows], counts)
    index = starts + (np.arange(local.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts))
    days = column.days[index]
    below = days < bound[local] if inclusive else days <= bound[local]
    return offsets[rows] + np.bincount(local[below], minlength=rows.size)


def _any_per_row(column: EventColumn, rows: np.ndarray, test: Any) -> np.ndarray:
    """Whether any of each row's dates passes ``test(days, seconds, row position)`` (arrays per date)."""
    counts = column.counts[rows]
    out = np.zeros(rows.size, dtype=bool)
    if column.days.size == 0 or not counts.any():
        return out
    if counts.max() == 1:
        has = np.flatnonzero(counts)
        index = column.offsets[rows[has]]
        hit = test(column.days[index], column.seconds[index], has)
        out[has[hit]] = True
        return out
    local = np.repeat(np.arange(rows.size, dtype=np.int64), counts)
    index = np.repeat(column.offsets[rows], counts) + (
        np.arange(local.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts))
    hit = test(column.days[index], column.seconds[index], local)
    out[local[hit]] = True
    return out


def _not_in_extract(recorded: dict[str, np.ndarray], waiting: np.ndarray) -> None:
    """No system target is compared where a duty is not in the extract (_native._status): blank it there."""
    for name in ("recorded_day", "recorded_working_days"):
        if name in recorded:
            recorded[name] = np.where(waiting, NONE, recorded[name])
    if "recorded_reason" in recorded:
        recorded["recorded_reason"] = np.where(waiting, -1, recorded["recorded_reason"])


def _clock_changing(days: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """Times London clocks showed twice or never (_native._flag_clock_changes warns of them): the few in the
    small hours looked at one by one."""
    out = (seconds >= 3600) & (seconds < 3 * 3600)
    for k in np.flatnonzero(out).tolist():
        moment = datetime.fromordinal(int(days[k])) + timedelta(seconds=int(seconds[k]))
        out[k] = clock_change(moment) is not None
    return out


def _entered_twice(column: EventColumn) -> np.ndarray:
    """The dates that repeat the one before them in the same record."""
    same = np.zeros(column.days.size, dtype=bool)
    same[1:] = (np.diff(column.days) == 0) & (np.diff(column.seconds) == 0)
    starts = column.offsets[:-1]
    same[starts[starts < column.days.size]] = False  # a record's first date repeats nothing
    return same


@dataclass
class _Dates:
    """A date for some rows: present, day, second."""

    present: np.ndarray
    day: np.ndarray
    second: np.ndarray

    @classmethod
    def none(cls, n: int) -> "_Dates":
        return cls(np.zeros(n, dtype=bool), np.full(n, NONE, dtype=np.int64), np.full(n, -1, dtype=np.int64))

    @classmethod
    def never(cls, n: int) -> "_Dates":
        """No date for any row, to be read only (nothing is made row by row)."""
        return cls(np.broadcast_to(False, (n,)), np.broadcast_to(np.int64(NONE), (n,)),
                   np.broadcast_to(np.int64(-1), (n,)))

    def pick(self, column: EventColumn, index: np.ndarray, where: np.ndarray) -> None:
        self.present = where.copy()
        safe = np.where(where, index, 0)
        if column.days.size:
            self.day = np.where(where, column.days[np.minimum(safe, column.days.size - 1)], NONE)
            self.second = np.where(where, column.seconds[np.minimum(safe, column.days.size - 1)], -1)


class _Duty:
    """One duty (its versions) evaluated over one batch."""

    def __init__(self, batch: RecordBatch, versions: Sequence[Rule], as_of: date, out: _Out) -> None:
        self.batch = batch
        self.versions = list(versions)
        #: The day the records are judged on (``_native.clock``): the extract's date, if earlier than the as-of.
        drawn = batch.extract_date
        self.asked = as_of
        self.as_of = (drawn if drawn is not None and drawn < as_of else as_of).toordinal()
        #: Open duties due after an extract was drawn are not in it (missing data), when asked about later.
        self.beyond_extract = self.as_of < as_of.toordinal()
        self.out = out
        self.firsts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self.by_hand = np.zeros(len(batch), dtype=bool)  # rows left to the per-record engine

    def first(self, event: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if event not in self.firsts:
            self.firsts[event] = self.batch.event(event).first()
        return self.firsts[event]

    def tables(self, rule: Rule) -> DayTables:
        return day_tables(rule.calendar)

    def bounds(self, rule: Rule, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(low present, low day, high present, high day) for ``rows``: the latest lower and earliest upper bound on
        the trigger."""
        n = rows.size
        low_present, low = np.zeros(n, dtype=bool), np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        high_present, high = np.zeros(n, dtype=bool), np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
        for event in rule.no_earlier_than:
            present, day, _ = self.first(event)
            present, day = present[rows], day[rows]
            low = np.where(present, np.maximum(low, day), low)
            low_present |= present
        for event in rule.no_later_than:
            present, day, _ = self.first(event)
            present, day = present[rows], day[rows]
            high = np.where(present, np.minimum(high, day), high)
            high_present |= present
        return low_present, low, high_present, high

    def unusual(self, rows: np.ndarray, rule: Rule) -> np.ndarray:
        """Rows whose dates need the per-record engine: near the calendar's ends, or in the repeated hour."""
        tables = self.tables(rule)
        late = tables.last - _MARGIN_DAYS
        out = np.zeros(rows.size, dtype=bool) | (self.as_of > late)

        for event in rule.events:
            column = self.batch.event(event)
            span = column.day_range()
            if span is not None and (span[0] < tables.first or span[1] > late):
                out |= column.any_date(("outside", tables.first, late),
                                       lambda c: (c.days < tables.first) | (c.days > late))[rows]
            if column.folds is not None:
                folds = column.folds
                out |= _any_per_row(EventColumn(column.offsets, column.days, folds.astype(np.int64)), rows,
                                    lambda d, s, r: s > 0)
        return out

    def run(self) -> None:
        """_native.choose_version and _native.duty_findings, for every record of the batch at once."""
        n = len(self.batch)
        versions = self.versions
        everyone = np.arange(n, dtype=np.int64)
        measured = self.batch.measured
        if measured is not None and versions[0].duty not in measured and not any(v.id in measured for v in versions):
            self.out.add(everyone, versions[-1], NOT_APPLICABLE, period=-1)  # _native.measured_elsewhere
            return
        hand = self.hand_rows()
        self.by_hand |= hand
        states = [_conditions(self.batch, v) for v in versions]
        candidate = [~fails & ~hand for _, fails in states]
        unknown = [~passes & ~fails for passes, fails in states]
        any_candidate = np.logical_or.reduce(candidate)
        if not self.out.counting:  # under the version in force on the trigger date, else the last
            excluded = ~any_candidate & ~hand
            for i, v in enumerate(versions):
                rows = excluded
                if i < len(versions) - 1:
                    present, day, _ = self.first(v.trigger)
                    rows = excluded & present & _in_force(v.in_force, day)
                    excluded = excluded & ~rows
                self.out.add(everyone[rows], v, NOT_APPLICABLE, period=-1)
        selected = np.full(n, -1, dtype=np.int16)  # a version's index: a duty has a few
        last_triggered = np.full(n, -1, dtype=np.int16)
        for i, v in enumerate(versions):
            present, day, _ = self.first(v.trigger)
            chosen = candidate[i] & present & _in_force(v.in_force, day) & (selected < 0)
            np.putmask(selected, chosen, i)
            np.putmask(last_triggered, candidate[i] & present, i)
        for i, v in enumerate(versions):
            rows = np.flatnonzero(selected == i)
            if rows.size == 0:
                continue
            _, day, second = self.first(v.trigger)
            undecided = unknown[i][rows]
            self.out.add(rows[undecided], v, MISSING, trigger_day=day[rows[undecided]],
                         trigger_second=second[rows[undecided]])
            rows = rows[~undecided]
            started = day[rows] <= self.as_of
            late_start = rows[~started]
            self.out.add(late_start, v, NOT_APPLICABLE, period=-1, trigger_day=day[late_start],
                         trigger_second=second[late_start])
            rows = rows[started]
            by_hand = self.unusual(rows, v) | self.anomalies(v, rows, day[rows], second[rows])
            if v.recurrence:
                by_hand |= _longest(self.batch.event(v.completion).counts[rows])
            self.by_hand[rows[by_hand]] = True
            rows = rows[~by_hand]
            if v.recurrence:
                self.recurring(v, rows, day[rows], second[rows])
            else:
                self.single(v, rows, day[rows], second[rows])
        rest = any_candidate & (selected < 0)
        outside = rest & (last_triggered >= 0)
        for i, v in enumerate(versions if not self.out.counting else ()):  # not applicable: not counted
            rows = np.flatnonzero(outside & (last_triggered == i))
            _, day, second = self.first(v.trigger)
            self.out.add(rows, v, NOT_APPLICABLE, period=-1, trigger_day=day[rows], trigger_second=second[rows])
        self.untriggered(np.flatnonzero(rest & (last_triggered < 0)), candidate, unknown)
        for row in np.nonzero(self.by_hand)[0].tolist():
            record = self.out.handed.get(row)
            if record is None:
                record = self.out.handed[row] = imply(self.batch.record(row), self.out.vocab)
            self.out.add_findings(row, evaluate_duty(record, versions, self.asked, explain=False))

    def hand_rows(self) -> np.ndarray:
        """Rows the per-record engine decides from the start, being few and needing its reasoning: a date after
        the day they are judged on, or before the calendar's years (flagged), a fact their events imply that the
        duty reads, a duty whose holder was abolished before that day, or a recurrence step that depends on an
        attribute they do not give."""
        n = len(self.batch)
        out = np.zeros(n, dtype=bool)
        judged = self.as_of
        first = min(self.tables(v).first for v in self.versions)
        for event in sorted(set().union(*(v.events for v in self.versions))):
            column = self.batch.event(event)
            span = column.day_range()
            if span is not None and span[1] > judged:  # else no date is after it: nothing to look for
                out |= column.any_date(("after", judged), lambda c: c.days > judged)
            if span is not None and span[0] < first:  # before the calendar's years: a slip, flagged
                out |= column.any_date(("before", first), lambda c: c.days < first)
            if column.timed():
                out |= column.any_date("clock change", lambda c: _clock_changing(c.days, c.seconds))
        implications = self.out.vocab.implications(self.batch.kind)
        if implications:
            # An implied event may itself imply what the duty reads.
            relevant = self.out.vocab.implying(self.batch.kind, set().union(*(v.attributes_read | v.events
                                                                               for v in self.versions)))
            for imp in implications:
                if imp.target not in relevant:
                    continue
                if imp.source_is_event:
                    source = self.batch.event(imp.source).counts > 0
                else:
                    source = self.batch.attribute(imp.source).isin((imp.when,))
                if imp.target in self.out.vocab.events(self.batch.kind):
                    differs = self.batch.event(imp.target).counts == 0
                else:
                    differs = ~self.batch.attribute(imp.target).isin((imp.value,))
                out |= source & differs
        for v in self.versions:
            if v.holder_ended is not None and judged > v.holder_ended.on.toordinal():
                out |= ~_conditions(self.batch, v)[1]  # a duty its holder outlived: few records, and words
            for step in v.recurrence.steps if v.recurrence else ():
                for name, _ in step.when:
                    column = self.batch.attribute(name)
                    out |= np.array([value is None for value in column.values], dtype=bool)[column.codes]
        return out

    def untriggered(self, rows: np.ndarray, candidate: list[np.ndarray], unknown: list[np.ndarray]) -> None:
        """_native._version_for_missing_trigger, then the case it leads to, for records with no trigger date."""
        if rows.size == 0:
            return
        versions, n = self.versions, rows.size
        unknown = [u[rows] for u in unknown]
        if self.out.counting and all(v.trigger_optional and self.batch.records(v.trigger) for v in versions) and \
                not any(u.any() for u in unknown):
            return  # a clock that never started, for every record: not applicable, nothing to count
        candidate = [c[rows] for c in candidate]
        first_candidate = np.full(n, -1)
        last_candidate = np.full(n, -1)
        for i in reversed(range(len(versions))):
            first_candidate[candidate[i]] = i
        for i in range(len(versions)):
            last_candidate[candidate[i]] = i
        chosen = np.full(n, -1)
        # Possible trigger days that cross the versions' dates (the "straddles" case, missing data in words of its
        # own): few records, left to the per-record engine.
        straddles = np.zeros(n, dtype=bool)
        for k, head in enumerate(versions):
            group = first_candidate == k
            if not group.any():
                continue
            low_present, low, high_present, high = self.bounds(head, rows)
            top = np.where(high_present, high, self.as_of)  # _native.possible_days
            low_present &= low <= top
            meets = np.zeros(n, dtype=bool)
            for i, v in enumerate(versions):
                mine = group & candidate[i] & _in_force(v.in_force, top) & (chosen < 0)
                chosen[mine] = i
                early = early_until(v)
                soon = top <= early.toordinal() if early is not None else np.zeros(n, dtype=bool)
                straddles |= mine & np.where(low_present, ~_in_force(v.in_force, low), soon)
                start, end = v.in_force.start, v.in_force.end
                meets |= group & candidate[i] & (top >= (start.toordinal() if start else top)) & (
                    ~low_present | (low <= (end.toordinal() if end else low)))
            straddles |= group & (chosen < 0) & meets
        self.by_hand[rows[straddles]] = True
        chosen[straddles] = -1
        if not self.out.counting:
            for i, v in enumerate(versions):
                self.out.add(rows[(chosen < 0) & ~straddles & (last_candidate == i)], v, NOT_APPLICABLE, period=-1)
        for i, v in enumerate(versions):
            mine = chosen == i
            self.out.add(rows[mine & unknown[i]], v, MISSING)
            waiting = rows[mine & ~unknown[i]]
            if v.trigger_optional and self.batch.records(v.trigger):
                self.out.add(waiting, v, NOT_APPLICABLE, period=-1)
            else:
                by_hand = self.unusual(waiting, v) | self.missing_anomalies(v, waiting)
                self.by_hand[waiting[by_hand]] = True
                self.missing(v, waiting[~by_hand])

    def anomalies(self, rule: Rule, rows: np.ndarray, trigger_day: np.ndarray, trigger_second: np.ndarray) -> np.ndarray:
        """Rows the per-record engine would warn about (and so decides): completions, ends or extensions before
        the trigger, a date entered twice, any extension at all, a trigger its bounds say is impossible."""
        out = np.zeros(rows.size, dtype=bool)
        timed = trigger_second >= 0
        any_timed = bool(timed.any())

        def before(column: EventColumn) -> np.ndarray:
            if column.most() <= 1:  # a date a record at most: its first, compared row for row
                present, day, second = column.first()
                day = day[rows]
                if not (column.timed() or any_timed):  # no times anywhere: a date on the trigger's day is after it
                    return present[rows] & (day < trigger_day)
                return present[rows] & ((day < trigger_day) | ((day == trigger_day) & ((second[rows] >= 0) | timed)))
            return _any_per_row(column, rows, lambda d, s, r: (d < trigger_day[r]) | (
                (d == trigger_day[r]) & ((s >= 0) | timed[r])))

        out |= before(self.batch.event(rule.completion))
        if rule.until:
            out |= before(self.batch.event(rule.until))
        if rule.until and not rule.recurrence:
            # _native._single: a duty done once that its end event may have ended (stage 1 by stage 2) needs the
            # words for it, and a source without that event leaves an open duty missing data: few complaints, so
            # every row with the event, or every row of a source without it, goes to the per-record engine.
            out |= self.batch.event(rule.until).counts[rows] > 0
            out |= not self.batch.records(rule.until)
        if rule.recurrence and rule.until:  # _native._flag_after_end: a completion after the end is flagged
            ends, end_day, _ = self.first(rule.until)
            ends, end_day = ends[rows], end_day[rows]
            out |= _any_per_row(self.batch.event(rule.completion), rows, lambda d, s, r: ends[r] & (d > end_day[r]))
        if rule.recurrence:  # an end and a completion with times on one day: which came first needs instants
            for event in filter(None, (rule.completion, rule.until)):
                if self.batch.event(event).timed():
                    out |= _any_per_row(self.batch.event(event), rows, lambda d, s, r: s >= 0)
        done = self.batch.event(rule.completion)
        if done.most() > 1:  # else no record has a date to repeat
            out |= done.any_date("entered twice", _entered_twice)[rows]
        if rule.extension:
            out |= self.batch.event(rule.extension.event).counts[rows] > 0
            out |= not self.batch.records(rule.extension.event)
        for event in rule.no_later_than:
            present, day, second = self.first(event)
            out |= present[rows] & ((day[rows] < trigger_day) | ((day[rows] == trigger_day) &
                                                                ((second[rows] >= 0) | timed)))
        for event in rule.no_earlier_than:
            present, day, second = self.first(event)
            out |= present[rows] & ((day[rows] > trigger_day) | ((day[rows] == trigger_day) &
                                                                ((second[rows] >= 0) | timed)))
        return out

    def missing_anomalies(self, rule: Rule, rows: np.ndarray) -> np.ndarray:
        """Rows with no trigger that the per-record engine would warn about or must reason about alone."""
        low_present, low, high_present, high = self.bounds(rule, rows)
        out = low_present & high_present & (high <= low)
        if rule.extension:
            out |= True
        if rule.recurrence:  # _native._after_first: later occurrences anchored on the completions recorded
            out |= self.batch.event(rule.completion).counts[rows] > 0
        if rule.until:  # _native._ended_before_any_deadline: an end that may come before any occurrence is due
            out |= self.batch.event(rule.until).counts[rows] > 0
        timed = np.zeros(rows.size, dtype=bool)
        for event in (rule.completion, *rule.no_earlier_than, *rule.no_later_than):
            if self.batch.event(event).timed():
                timed |= _any_per_row(self.batch.event(event), rows, lambda d, s, r: s >= 0)
        out |= timed
        lows = np.where(low_present, low, np.iinfo(np.int64).min)
        out |= _any_per_row(self.batch.event(rule.completion), rows, lambda d, s, r: d <= lows[r])
        return out

    def missing(self, rule: Rule, rows: np.ndarray) -> None:
        """_native._missing: no trigger date; missing data, unless its bounds decide the outcome."""
        if rows.size == 0:
            return
        knows_completion = self.batch.records(rule.completion)
        recorded = self.batch.records(rule.trigger) and knows_completion
        low_present, low, high_present, high = self.bounds(rule, rows)
        unbounded = ~low_present & ~high_present
        self.out.add(rows[unbounded], rule, MISSING, unrecorded=not recorded)
        keep = ~unbounded
        rows, low_present, low, high_present, high = (rows[keep], low_present[keep], low[keep], high_present[keep],
                                                     high[keep])
        if rows.size == 0:
            return
        tables = self.tables(rule)
        # A bound not given is a day the calendar can count from (only read where given): from its first day, a
        # period beginning with that day would start counting the day before, outside the calendar.
        anyday = tables.first + 1
        earliest = compute_deadlines(np.where(low_present, low, anyday), np.full(rows.size, -1), rule.period, tables)
        latest = compute_deadlines(np.where(high_present, high, anyday), np.full(rows.size, -1), rule.period, tables)
        done = self.batch.event(rule.completion)
        until = _positions(done, rows, np.full(rows.size, self.as_of, dtype=np.int64), inclusive=False)
        completed = _Dates.none(rows.size)
        completed.pick(done, done.offsets[rows], until > done.offsets[rows])
        late = high_present & completed.present & (completed.day > latest.day)
        met = low_present & completed.present & ~late & (completed.day <= earliest.day)
        overdue = high_present & ~completed.present & (self.as_of > latest.day) & knows_completion
        # Even the earliest possible deadline still to come: due on that bound (or not in an earlier extract).
        waiting = low_present & ~completed.present & ~overdue & (self.as_of <= earliest.day) & knows_completion
        on_latest = late | overdue
        on_earliest = met | waiting
        shown = np.where(high_present, latest.day, earliest.day)
        shown_provisional = np.where(high_present, latest.provisional, earliest.provisional)
        shown_approximate = np.where(high_present, latest.approximate, earliest.approximate)
        undecided = ~on_latest & ~on_earliest
        self.out.add(rows[undecided], rule, MISSING, deadline_day=shown[undecided],
                     provisional=shown_provisional[undecided], approximate=shown_approximate[undecided],
                     on_bound=np.where(high_present, 1, 2)[undecided], completed_day=completed.day[undecided],
                     completed_second=completed.second[undecided], unrecorded=not recorded)
        period_index = np.full(rows.size, self.out.period(rule.period), dtype=np.int64)
        for mask, deadline, code in ((on_latest, latest, 1), (on_earliest, earliest, 2)):
            if mask.any():
                self.emit(rule, rows[mask], 1, np.full(int(mask.sum()), NONE), np.full(int(mask.sum()), -1),
                          period_index[mask], _take(deadline, mask), _slice(completed, mask),
                          _Dates.none(int(mask.sum())), tables, on_bound=code)

    def single(self, rule: Rule, rows: np.ndarray, trigger_day: np.ndarray, trigger_second: np.ndarray) -> None:
        """_native._single, for records with no extension recorded (those go to the per-record engine)."""
        if rows.size == 0:
            return
        tables = self.tables(rule)
        deadline = compute_deadlines(trigger_day, trigger_second, rule.period, tables)
        period_index = np.full(rows.size, self.out.period(rule.period), dtype=np.int64)
        if not self.batch.records(rule.completion):
            self.out.add(rows, rule, MISSING, trigger_day=trigger_day, trigger_second=trigger_second,
                         period=period_index, deadline_day=deadline.day, deadline_second=deadline.second,
                         provisional=deadline.provisional, approximate=deadline.approximate, unrecorded=True)
            return
        done = self.batch.event(rule.completion)
        if done.most() <= 1:  # a date a record at most (the usual column): its first, if by the day judged
            present, day, second = done.first()
            day = day[rows]
            has = present[rows] & (day <= self.as_of)
            seconds = np.where(has, second[rows], -1) if done.timed() else np.full(rows.size, -1, dtype=np.int64)
            completed = _Dates(has, np.where(has, day, NONE), seconds)
        else:
            until = _positions(done, rows, np.full(rows.size, self.as_of, dtype=np.int64), inclusive=False)
            completed = _Dates.none(rows.size)
            completed.pick(done, done.offsets[rows], until > done.offsets[rows])
        self.emit(rule, rows, 1, trigger_day, trigger_second, period_index, deadline, completed,
                  _Dates.never(rows.size), tables)

    def recurring(self, rule: Rule, rows: np.ndarray, trigger_day: np.ndarray, trigger_second: np.ndarray) -> None:
        """_native._recurring: one finding per occurrence, until the duty ends."""
        if rows.size == 0:
            return
        assert rule.recurrence is not None
        tables = self.tables(rule)
        if not self.batch.records(rule.completion):
            deadline = compute_deadlines(trigger_day, trigger_second, rule.period, tables)
            self.out.add(rows, rule, MISSING, trigger_day=trigger_day, trigger_second=trigger_second,
                         deadline_day=deadline.day, deadline_second=deadline.second, provisional=deadline.provisional,
                         approximate=deadline.approximate, unrecorded=True)
            return
        today = np.full(rows.size, self.as_of, dtype=np.int64)
        done = self.batch.event(rule.completion)
        lo = _positions(done, rows, trigger_day, inclusive=True)
        hi = _positions(done, rows, today, inclusive=False)
        count = np.maximum(hi - lo, 0)
        ended = _Dates.none(rows.size)
        until = rule.until
        if until:
            column = self.batch.event(until)
            u_lo = _positions(column, rows, trigger_day, inclusive=True)
            u_hi = _positions(column, rows, today, inclusive=False)
            ended.pick(column, u_lo, u_lo < u_hi)
        unknown_end = bool(until) and not self.batch.records(until)
        periods = [rule.period] + [s.period for s in rule.recurrence.steps]
        period_of = np.zeros(rows.size, dtype=np.int64)
        anchor_day, anchor_second = trigger_day.copy(), trigger_second.copy()
        active = np.arange(rows.size, dtype=np.int64)
        occurrence = 1
        while active.size:
            deadline = _empty_deadlines(active.size)
            for p in np.unique(period_of[active]).tolist():
                mask = period_of[active] == p
                _fill(deadline, mask, compute_deadlines(anchor_day[active][mask], anchor_second[active][mask],
                                                        periods[p], tables))
            has = count[active] >= occurrence
            completed = _Dates.none(active.size)
            completed.pick(done, lo[active] + occurrence - 1, has)
            end = _Dates(ended.present[active], ended.day[active], ended.second[active])
            stops = end.present & (~has | (completed.day > end.day))
            silent = stops & (end.day <= deadline.day)
            if occurrence == 1:  # _native._ended_first: ended before the first occurrence fell due
                self.out.add(rows[active][silent], rule, NOT_APPLICABLE, period=-1,
                             trigger_day=anchor_day[active][silent], trigger_second=anchor_second[active][silent])
            period_index = np.array([self.out.period(p) for p in periods], dtype=np.int64)[period_of[active]]
            shown = ~silent
            open_ = shown & ~has & ~stops
            if unknown_end and open_.any():
                # An open occurrence when the source cannot say whether the duty ended: missing data.
                self.out.add(rows[active][open_], rule, MISSING, occurrence=occurrence,
                             trigger_day=anchor_day[active][open_], trigger_second=anchor_second[active][open_],
                             period=period_index[open_], deadline_day=deadline.day[open_],
                             deadline_second=deadline.second[open_], provisional=deadline.provisional[open_],
                             approximate=deadline.approximate[open_], unrecorded=True)
                shown &= ~open_
            no_end = _Dates.none(active.size)
            self.emit(rule, rows[active][shown], occurrence, anchor_day[active][shown], anchor_second[active][shown],
                      period_index[shown], _take(deadline, shown),
                      _Dates(completed.present[shown] & ~stops[shown], completed.day[shown], completed.second[shown]),
                      _Dates(stops[shown], end.day[shown], end.second[shown]) if stops.any() else _slice(no_end, shown),
                      tables)
            going = ~stops & has
            nxt = active[going]
            anchor_day[nxt] = completed.day[going]
            anchor_second[nxt] = completed.second[going]
            period_of[nxt] = self.next_period(rule, occurrence + 1, anchor_day[nxt], trigger_day[nxt], tables,
                                              rows[nxt])
            active = nxt
            occurrence += 1

    def next_period(self, rule: Rule, occurrence: int, anchor: np.ndarray, trigger: np.ndarray,
                    tables: DayTables, records: np.ndarray) -> np.ndarray:
        """_native.next_periods: the index (1 = first step) of the period before each next occurrence, for the
        batch's ``records`` (whose step conditions are known: the others are decided by hand)."""
        assert rule.recurrence is not None
        steps = rule.recurrence.steps
        out = np.full(anchor.size, len(steps), dtype=np.int64)
        undecided = np.ones(anchor.size, dtype=bool)
        n = occurrence - 1
        for s, step in enumerate(steps, start=1):
            applies = undecided.copy()
            if step.times is not None:
                if n > step.times:
                    n -= step.times
                    continue
            elif step.while_within is not None:
                limit = add_period_days(trigger, step.while_within.amount, step.while_within.unit, tables)
                applies &= anchor <= limit
            if step.when:
                applies &= _when(self.batch, step.when)[0][records]
            out[applies] = s
            undecided &= ~applies
            if not undecided.any():
                break
        return out

    def recorded_deadlines(self, rule: Rule, rows: np.ndarray, occurrence: int, start_day: np.ndarray,
                           period_index: np.ndarray, due_day: np.ndarray, tables: DayTables) -> dict[str, np.ndarray]:
        """_native's comparison with the system's own deadline: the difference for every row at once, the
        explanation (calendars/_targets.py) only for the few that differ."""
        column = self.batch.targets.get(rule.id) or self.batch.targets.get(rule.duty)
        if column is None:
            return {}
        counts = column.counts[rows]
        present = counts >= occurrence
        day = np.full(rows.size, NONE, dtype=np.int64)
        day[present] = column.days[column.offsets[rows[present]] + occurrence - 1]
        working = np.full(rows.size, NONE, dtype=np.int64)
        working[present] = tables.working_days_between(due_day[present], day[present])
        reason = np.full(rows.size, -1, dtype=np.int64)
        reason[present & (day == due_day)] = self.out.reason("")
        for k in np.flatnonzero(present & (day != due_day)).tolist():
            period = self.out.period_objects[int(period_index[k])]
            checked = check_target(date.fromordinal(int(start_day[k])), period, date.fromordinal(int(due_day[k])),
                                   date.fromordinal(int(day[k])), rule.calendar)
            reason[k] = self.out.reason(checked.reason)
        return {"recorded_day": day, "recorded_working_days": working, "recorded_reason": reason}

    def emit(self, rule: Rule, rows: np.ndarray, occurrence: int, trigger_day: np.ndarray,
             trigger_second: np.ndarray, period_index: np.ndarray, deadline: Deadlines, completed: _Dates,
             ended: _Dates, tables: DayTables, on_bound: int = 0) -> None:
        """_native._status for many findings at once."""
        if rows.size == 0:
            return
        due_day, due_second = deadline.day, deadline.second
        timed = (due_second >= 0) & completed.present & (completed.second >= 0)
        in_time = completed.day <= due_day
        seconds_late = np.zeros(rows.size, dtype=np.float64)
        if timed.any():
            # Instants, clock changes counted, for the few findings timed at both ends (the 72-hour clock).
            seconds_late[timed] = (instants(completed.day[timed], completed.second[timed])
                                   - instants(due_day[timed], due_second[timed]))
            in_time = np.where(timed, seconds_late <= 0, in_time)
        approximate = deadline.approximate | (completed.present & ~timed & (due_second >= 0))
        done = completed.present
        # Done: in time or not; else still due or not: one byte a finding, looked up (np.where made int64s).
        status = _STATUS_OF[(done.view(np.int8) << 1) | np.where(done, in_time, self.as_of <= due_day).view(np.int8)]
        if ended.present.any():
            status[~done & ended.present] = OVERDUE
        # A KPI counts the statuses: how late and how long is left are worked out only for findings shown.
        details = {} if self.out.counting else self.margins(completed, ended, deadline, in_time, timed, seconds_late,
                                                            tables)
        recorded = self.recorded_deadlines(rule, rows, occurrence, trigger_day, period_index, due_day, tables) \
            if self.batch.targets and not on_bound else {}
        unrecorded: Any = False
        if self.beyond_extract:
            waiting = status == DUE  # open at the extract's date, the deadline after it: not in this extract
            if waiting.any():
                status = np.where(waiting, np.int8(MISSING), status)
                unrecorded = waiting
                _not_in_extract(recorded, waiting)
                for name in ("days_left", "working_days_left"):
                    if name in details:
                        details[name][waiting] = NONE
        self.out.add(rows, rule, status, occurrence=occurrence, trigger_day=trigger_day,
                     trigger_second=trigger_second, period=period_index, deadline_day=due_day,
                     deadline_second=due_second, completed_day=np.where(completed.present, completed.day, NONE),
                     provisional=deadline.provisional, approximate=approximate, on_bound=on_bound,
                     unrecorded=unrecorded, **details, **recorded)

    def margins(self, completed: _Dates, ended: _Dates, deadline: Deadlines, in_time: np.ndarray, timed: np.ndarray,
                seconds_late: np.ndarray, tables: DayTables) -> dict[str, np.ndarray]:
        """How late each finding is, or how long is left, in days and working days (hours for the timed)."""
        due_day = deadline.day
        n = due_day.size
        days_late = np.full(n, NONE, dtype=np.int64)
        working_late = days_late.copy()
        days_left = days_late.copy()
        working_left = days_late.copy()
        late = completed.present & ~in_time
        closed = ~completed.present & ended.present
        passed = ~completed.present & ~ended.present & (self.as_of > due_day)
        waiting = ~completed.present & ~ended.present & (self.as_of <= due_day)
        today = np.full(n, self.as_of, dtype=np.int64)
        for mask, later in ((late, completed.day), (closed, ended.day), (passed, today)):
            if mask.any():
                days_late[mask] = later[mask] - due_day[mask]
                working_late[mask] = tables.working_days_between(due_day[mask], later[mask])
        hours_late = np.full(n, np.nan)
        late_timed = late & timed
        if late_timed.any():
            # Python's round, value by value, as _native.py rounds: numpy's differs on exact halves.
            hours_late[late_timed] = [round(x / 3600, 2) for x in seconds_late[late_timed].tolist()]
        if waiting.any():
            days_left[waiting] = due_day[waiting] - self.as_of
            working_left[waiting] = tables.working_days_between(today[waiting], due_day[waiting])
        return {"completed_second": np.where(completed.present, completed.second, -1), "days_late": days_late,
                "working_days_late": working_late, "days_left": days_left, "working_days_left": working_left,
                "hours_late": hours_late}


def _empty_deadlines(n: int) -> Deadlines:
    return Deadlines(np.zeros(n, dtype=np.int64), np.full(n, -1, dtype=np.int64), np.zeros(n, dtype=bool),
                     np.zeros(n, dtype=bool))


def _fill(target: Deadlines, mask: np.ndarray, source: Deadlines) -> None:
    target.day[mask] = source.day
    target.second[mask] = source.second
    target.approximate[mask] = source.approximate
    target.provisional[mask] = source.provisional


def _take(d: Deadlines, mask: np.ndarray) -> Deadlines:
    return Deadlines(d.day[mask], d.second[mask], d.approximate[mask], d.provisional[mask])


def _slice(d: _Dates, mask: np.ndarray) -> _Dates:
    return _Dates(d.present[mask], d.day[mask], d.second[mask])


def evaluate_batch(batch: RecordBatch, rules: RuleSet | Sequence[Rule], as_of: date,
                   duties: dict[str, list[list[Rule]]] | None = None, counting: bool = False) -> BatchFindings:
    """Every finding the native engine would give for the records of ``batch``, as columns.

    What records imply (the vocabulary's ``implies``) is read from the rule set's vocabulary, else the bundled one.
    ``counting``: only what a KPI counts (reports/_kpi.py), for speed: the findings that apply, each with its rule,
    record, status, flags, and trigger, deadline and completion days; how late and the time left are not filled in.
    """
    all_rules = list(rules)
    check_as_of(all_rules, as_of)
    out = _Out(all_rules, _vocabulary(rules), counting)
    for versions in (duties if duties is not None else duties_by_kind(all_rules)).get(batch.kind, ()):
        _Duty(batch, versions, as_of, out).run()
    return out.result(batch)


def evaluate_batches(batches: Iterable[RecordBatch], rules: RuleSet | Sequence[Rule],
                     as_of: date, counting: bool = False) -> Iterator[BatchFindings]:
    """Evaluate batches one after another, so a caller can stream a file through and keep only totals
    (``counting``: only what they count, as evaluate_batch says)."""
    all_rules = list(rules)
    check_as_of(all_rules, as_of)
    duties = duties_by_kind(all_rules)
    ruleset = RuleSet(all_rules, _vocabulary(rules))
    for batch in batches:
        yield evaluate_batch(batch, ruleset, as_of, duties, counting)


def _vocabulary(rules: RuleSet | Sequence[Rule]) -> Vocabulary:
    return rules.vocabulary if isinstance(rules, RuleSet) else bundled_vocabulary()
