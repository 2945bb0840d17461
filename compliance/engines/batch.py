"""The vectorised engine: the native engine's decisions and date arithmetic over whole columns of records.

For national-scale runs (a million case records) evaluating record by record spends its time in
Python objects; here each duty is evaluated for a whole batch at once with numpy, over the same
working-day tables. It follows engines/_native.py step for step (which version governs, the clock not started,
extensions, recurrences and their end, missing triggers and their bounds) and gives the same
status, deadline, completion, lateness and flags for every finding; tests/engines/test_batch.py checks it
field by field on generated data. It gives no explanations: run `compliance check` on a record for
the working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..calendars import Period
from ..calendars.arrays import NONE, DayTables, Deadlines, add_period_days, compute_deadlines, day_tables
from ..records.columns import EventColumn, RecordBatch
from ..rules import Rule, RuleSet, Window
from ._finding import STATUSES
from ._native import duties_by_kind

CODE = {s: i for i, s in enumerate(STATUSES)}
OVERDUE, LATE, DUE, MET, MISSING, NOT_APPLICABLE = (CODE[s] for s in (
    "overdue", "late", "due", "met", "missing_data", "not_applicable"))
_FIELDS = ("record", "rule", "occurrence", "status", "trigger_day", "trigger_second", "period", "deadline_day",
           "deadline_second", "completed_day", "completed_second", "days_late", "working_days_late", "days_left",
           "working_days_left", "hours_late", "provisional", "approximate")


@dataclass
class BatchFindings:
    """The findings for one batch, one row per finding, as columns; ``rules`` and ``periods`` decode them."""

    batch: RecordBatch
    rules: list[Rule]
    periods: list[str]
    columns: dict[str, np.ndarray]

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


class _Out:
    """Collects finding columns for one batch, part by part."""

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.rule_index = {id(r): i for i, r in enumerate(rules)}
        self.periods: list[str] = []
        self.period_index: dict[str, int] = {}
        self.parts: list[dict[str, np.ndarray]] = []

    def period(self, period: Period | None) -> int:
        if period is None:
            return -1
        text = str(period)
        if text not in self.period_index:
            self.period_index[text] = len(self.periods)
            self.periods.append(text)
        return self.period_index[text]

    def add(self, records: np.ndarray, rule: Rule | np.ndarray, status: int | np.ndarray, **values: Any) -> None:
        n = records.size
        if n == 0:
            return
        part: dict[str, np.ndarray] = {"record": records}
        part["rule"] = (np.full(n, self.rule_index[id(rule)], dtype=np.int32) if isinstance(rule, Rule)
                        else rule.astype(np.int32))
        part["status"] = np.broadcast_to(np.asarray(status, dtype=np.int8), (n,))
        defaults = {"occurrence": 1, "period": -1, "provisional": False, "approximate": False,
                    "trigger_second": -1, "deadline_second": -1, "completed_second": -1, "hours_late": np.nan}
        for name in _FIELDS[1:]:
            if name in ("rule", "status"):
                continue
            value = values.get(name, defaults.get(name, NONE))
            dtype = bool if name in ("provisional", "approximate") else np.float64 if name == "hours_late" else np.int64
            part[name] = np.broadcast_to(np.asarray(value, dtype=dtype), (n,))
        self.parts.append(part)

    def result(self, batch: RecordBatch) -> BatchFindings:
        if not self.parts:
            empty = {name: np.zeros(0, dtype=bool if name in ("provisional", "approximate") else
                                    np.float64 if name == "hours_late" else np.int64) for name in _FIELDS}
            return BatchFindings(batch, self.rules, self.periods, empty)
        columns = {name: np.concatenate([p[name] for p in self.parts]) for name in _FIELDS}
        return BatchFindings(batch, self.rules, self.periods, columns)


def _in_force(window: Window, days: np.ndarray) -> np.ndarray:
    ok = np.ones(days.size, dtype=bool)
    if window.start is not None:
        ok &= days >= window.start.toordinal()
    if window.end is not None:
        ok &= days <= window.end.toordinal()
    return ok


def _conditions(batch: RecordBatch, rule: Rule) -> np.ndarray:
    ok = np.ones(len(batch), dtype=bool)
    for name, allowed in rule.when:
        ok &= batch.attribute(name).isin(allowed)
    return ok


def _positions(column: EventColumn, rows: np.ndarray, bound: np.ndarray, inclusive: bool) -> np.ndarray:
    """For each row, the index into ``column.days`` of its first date after ``bound`` (on or after, if
    ``inclusive``): the dates are sorted by day within a record, so this is a count."""
    offsets = column.offsets
    counts = column.counts[rows]
    if column.days.size == 0 or not counts.any():
        return offsets[rows]
    local = np.repeat(np.arange(rows.size, dtype=np.int64), counts)
    starts = np.repeat(offsets[rows], counts)
    index = starts + (np.arange(local.size, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts))
    days = column.days[index]
    below = days < bound[local] if inclusive else days <= bound[local]
    return offsets[rows] + np.bincount(local[below], minlength=rows.size)


@dataclass
class _Dates:
    """A date for some rows: present, day, second."""

    present: np.ndarray
    day: np.ndarray
    second: np.ndarray

    @classmethod
    def none(cls, n: int) -> "_Dates":
        return cls(np.zeros(n, dtype=bool), np.full(n, NONE, dtype=np.int64), np.full(n, -1, dtype=np.int64))

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
        self.as_of = as_of.toordinal()
        self.out = out
        self.firsts: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def first(self, event: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if event not in self.firsts:
            self.firsts[event] = self.batch.event(event).first()
        return self.firsts[event]

    def tables(self, rule: Rule) -> DayTables:
        return day_tables(rule.calendar)

    def run(self) -> None:
        """_native.choose_version and _native.duty_findings, for every record of the batch at once."""
        n = len(self.batch)
        versions = self.versions
        applicable = [_conditions(self.batch, v) for v in versions]
        any_applicable = np.logical_or.reduce(applicable) if applicable else np.zeros(n, dtype=bool)
        everyone = np.arange(n, dtype=np.int64)
        self.out.add(everyone[~any_applicable], versions[-1], NOT_APPLICABLE)
        selected = np.full(n, -1)
        last_triggered = np.full(n, -1)
        for i, v in enumerate(versions):
            present, day, _ = self.first(v.trigger)
            chosen = applicable[i] & present & _in_force(v.in_force, day) & (selected < 0)
            selected[chosen] = i
            last_triggered[applicable[i] & present] = i
        for i, v in enumerate(versions):
            rows = everyone[selected == i]
            if rows.size == 0:
                continue
            _, day, second = self.first(v.trigger)
            started = day[rows] <= self.as_of
            late_start = rows[~started]
            self.out.add(late_start, v, NOT_APPLICABLE, trigger_day=day[late_start], trigger_second=second[late_start])
            rows = rows[started]
            if v.recurrence:
                self.recurring(v, rows, day[rows], second[rows])
            else:
                self.single(v, rows, day[rows], second[rows])
        rest = any_applicable & (selected < 0)
        outside = rest & (last_triggered >= 0)
        for i, v in enumerate(versions):
            rows = everyone[outside & (last_triggered == i)]
            _, day, second = self.first(v.trigger)
            self.out.add(rows, v, NOT_APPLICABLE, trigger_day=day[rows], trigger_second=second[rows])
        untriggered = rest & (last_triggered < 0)
        first_applicable = np.full(n, -1)
        last_applicable = np.full(n, -1)
        for i in reversed(range(len(versions))):
            first_applicable[applicable[i]] = i
        for i in range(len(versions)):
            last_applicable[applicable[i]] = i
        for f, head in enumerate(versions):
            group = untriggered & (first_applicable == f)
            if not group.any():
                continue
            if head.trigger_bound:
                bound_present, bound_day, _ = self.first(head.trigger_bound)
            else:
                bound_present, bound_day = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
            bounded = group & bound_present
            chosen = np.full(n, -1)
            for i, v in enumerate(versions):
                chosen[bounded & applicable[i] & _in_force(v.in_force, bound_day) & (chosen < 0)] = i
            no_version = bounded & (chosen < 0)
            for i, v in enumerate(versions):
                self.out.add(everyone[no_version & (last_applicable == i)], v, NOT_APPLICABLE)
            unbounded = group & ~bound_present
            today = np.full(n, self.as_of, dtype=np.int64)
            for i, v in enumerate(versions):
                chosen[unbounded & applicable[i] & _in_force(v.in_force, today) & (chosen < 0)] = i
            fallback = unbounded & (chosen < 0)
            chosen[fallback] = last_applicable[fallback]
            for i, v in enumerate(versions):
                self.missing(v, everyone[(bounded | unbounded) & ~no_version & (chosen == i)])

    def missing(self, rule: Rule, rows: np.ndarray) -> None:
        """_native._missing: no trigger date; with a bound, the latest possible deadline."""
        if rows.size == 0:
            return
        period = self.out.period(rule.period)
        if not rule.trigger_bound:
            self.out.add(rows, rule, MISSING, period=period)
            return
        present, day, second = self.first(rule.trigger_bound)
        free = rows[~present[rows]]
        self.out.add(free, rule, MISSING, period=period)
        rows = rows[present[rows]]
        if rows.size == 0:
            return
        latest = compute_deadlines(day[rows], second[rows], rule.period, self.tables(rule))
        done = self.batch.event(rule.completion)
        hi = _positions(done, rows, np.full(rows.size, self.as_of, dtype=np.int64), inclusive=False)
        first_done = _Dates.none(rows.size)
        first_done.pick(done, done.offsets[rows], hi > done.offsets[rows])
        self.out.add(rows, rule, MISSING, period=period, deadline_day=latest.day, deadline_second=latest.second,
                     provisional=latest.provisional, completed_day=first_done.day,
                     completed_second=first_done.second)

    def single(self, rule: Rule, rows: np.ndarray, trigger_day: np.ndarray, trigger_second: np.ndarray) -> None:
        """_native._single and engine._extended."""
        if rows.size == 0:
            return
        tables = self.tables(rule)
        ext = rule.extension
        extensions = np.zeros(rows.size, dtype=np.int64)
        if ext:
            column = self.batch.event(ext.event)
            happened = _positions(column, rows, np.full(rows.size, self.as_of, dtype=np.int64), inclusive=False)
            extensions = happened - column.offsets[rows]
        extended = extensions > 0
        deadline = _empty_deadlines(rows.size)
        period_index = np.full(rows.size, self.out.period(rule.period), dtype=np.int64)
        plain = ~extended if (ext and ext.period) else np.ones(rows.size, dtype=bool)
        _fill(deadline, plain, compute_deadlines(trigger_day[plain], trigger_second[plain], rule.period, tables))
        if ext and ext.period:
            _fill(deadline, extended, compute_deadlines(trigger_day[extended], trigger_second[extended], ext.period,
                                                        tables))
            period_index[extended] = self.out.period(ext.period)
        elif ext and ext.adds and extended.any():
            end = deadline.day.copy()
            for k in range(1, int(extensions.max()) + 1):
                more = extensions >= k
                end[more] = add_period_days(end[more], ext.adds.amount, ext.adds.unit, tables)
            deadline.day = np.where(extended, end, deadline.day)
            deadline.second = np.where(extended, -1, deadline.second)
            deadline.provisional = np.where(extended, tables.is_provisional(end), deadline.provisional)
        done = self.batch.event(rule.completion)
        start = done.offsets[rows]
        hi = _positions(done, rows, np.full(rows.size, self.as_of, dtype=np.int64), inclusive=False)
        lo = _positions(done, rows, trigger_day, inclusive=True)
        completed = _Dates.none(rows.size)
        after = lo < hi
        completed.pick(done, np.where(after, lo, start), after | (hi > start))
        self.emit(rule, rows, 1, trigger_day, trigger_second, period_index, deadline, completed,
                  _Dates.none(rows.size), tables)

    def recurring(self, rule: Rule, rows: np.ndarray, trigger_day: np.ndarray, trigger_second: np.ndarray) -> None:
        """_native._recurring: one finding per occurrence, until the duty ends."""
        if rows.size == 0:
            return
        assert rule.recurrence is not None
        tables = self.tables(rule)
        today = np.full(rows.size, self.as_of, dtype=np.int64)
        done = self.batch.event(rule.completion)
        lo = _positions(done, rows, trigger_day, inclusive=True)
        hi = _positions(done, rows, today, inclusive=False)
        count = np.maximum(hi - lo, 0)
        ended = _Dates.none(rows.size)
        if rule.recurrence.until:
            until = self.batch.event(rule.recurrence.until)
            u_lo = _positions(until, rows, trigger_day, inclusive=True)
            u_hi = _positions(until, rows, today, inclusive=False)
            ended.pick(until, u_lo, u_lo < u_hi)
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
            period_index = np.array([self.out.period(p) for p in periods], dtype=np.int64)[period_of[active]]
            shown = ~silent
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
            period_of[nxt] = self.next_period(rule, occurrence + 1, anchor_day[nxt], trigger_day[nxt], tables)
            active = nxt
            occurrence += 1

    def next_period(self, rule: Rule, occurrence: int, anchor: np.ndarray, trigger: np.ndarray,
                    tables: DayTables) -> np.ndarray:
        """_native._next_period: the index (1 = first step) of the period before each next occurrence."""
        assert rule.recurrence is not None
        steps = rule.recurrence.steps
        out = np.full(anchor.size, len(steps), dtype=np.int64)
        undecided = np.ones(anchor.size, dtype=bool)
        n = occurrence - 1
        for s, step in enumerate(steps, start=1):
            if step.times is not None:
                if n <= step.times:
                    out[undecided] = s
                    undecided[:] = False
                    break
                n -= step.times
                continue
            if step.while_within is not None:
                limit = add_period_days(trigger, step.while_within.amount, step.while_within.unit, tables)
                within = undecided & (anchor <= limit)
                out[within] = s
                undecided &= ~within
                continue
            out[undecided] = s
            undecided[:] = False
            break
        return out

    def emit(self, rule: Rule, rows: np.ndarray, occurrence: int, trigger_day: np.ndarray,
             trigger_second: np.ndarray, period_index: np.ndarray, deadline: Deadlines, completed: _Dates,
             ended: _Dates, tables: DayTables) -> None:
        """_native._status for many findings at once."""
        if rows.size == 0:
            return
        due_day, due_second = deadline.day, deadline.second
        timed = (due_second >= 0) & (completed.second >= 0)
        in_time = np.where(timed, completed.day * 86400 + completed.second <= due_day * 86400 + due_second,
                           completed.day <= due_day)
        approximate = deadline.approximate | (completed.present & ~timed & (due_second >= 0))
        status = np.where(completed.present, np.where(in_time, MET, LATE),
                          np.where(ended.present, OVERDUE, np.where(self.as_of <= due_day, DUE, OVERDUE)))
        days_late = np.full(rows.size, NONE, dtype=np.int64)
        working_late = days_late.copy()
        days_left = days_late.copy()
        working_left = days_late.copy()
        late = completed.present & ~in_time
        closed = ~completed.present & ended.present
        passed = ~completed.present & ~ended.present & (self.as_of > due_day)
        waiting = ~completed.present & ~ended.present & (self.as_of <= due_day)
        today = np.full(rows.size, self.as_of, dtype=np.int64)
        for mask, later in ((late, completed.day), (closed, ended.day), (passed, today)):
            if mask.any():
                days_late[mask] = later[mask] - due_day[mask]
                working_late[mask] = tables.working_days_between(due_day[mask], later[mask])
        hours_late = np.full(rows.size, np.nan)
        late_timed = late & timed
        if late_timed.any():
            seconds_late = (completed.day * 86400 + completed.second - due_day * 86400 - due_second)[late_timed]
            # Python's round, value by value, as _native.py rounds: numpy's differs on exact halves.
            hours_late[late_timed] = [round(x / 3600, 2) for x in seconds_late.tolist()]
        if waiting.any():
            days_left[waiting] = due_day[waiting] - self.as_of
            working_left[waiting] = tables.working_days_between(today[waiting], due_day[waiting])
        rule_completed = np.where(completed.present, completed.day, NONE)
        self.out.add(rows, rule, status.astype(np.int8), occurrence=occurrence, trigger_day=trigger_day,
                     trigger_second=trigger_second, period=period_index, deadline_day=due_day,
                     deadline_second=due_second, completed_day=rule_completed,
                     completed_second=np.where(completed.present, completed.second, -1), days_late=days_late,
                     working_days_late=working_late, days_left=days_left, working_days_left=working_left,
                     hours_late=hours_late, provisional=deadline.provisional, approximate=approximate)


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
                   duties: dict[str, list[list[Rule]]] | None = None) -> BatchFindings:
    """Every finding the native engine would give for the records of ``batch``, as columns."""
    all_rules = list(rules)
    out = _Out(all_rules)
    for versions in (duties if duties is not None else duties_by_kind(all_rules)).get(batch.kind, ()):
        _Duty(batch, versions, as_of, out).run()
    return out.result(batch)


def evaluate_batches(batches: Iterable[RecordBatch], rules: RuleSet | Sequence[Rule],
                     as_of: date) -> Iterator[BatchFindings]:
    """Evaluate batches one after another, so a caller can stream a file through and keep only totals."""
    all_rules = list(rules)
    duties = duties_by_kind(all_rules)
    for batch in batches:
        yield evaluate_batch(batch, all_rules, as_of, duties)
