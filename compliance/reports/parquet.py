"""Findings and KPI rows as Parquet, for analysts: typed columns that pandas, Polars, DuckDB, Power BI and
Excel's Power Query read directly.

Dates are dates (the day; a time, where one is known, is in a ``*_at`` instant column), counts are integers,
the working and every other list is a list of text, the holidays a period skipped a list of (date, name).
What every row would repeat is said once, in the file's key-value metadata (JSON text): the as-of date, the
count of each status, the rows that could not be read, each rule's facts and each calendar's provenance.
The rows that could not be read are also rows, with the status ``unreadable`` and the located message as
their ``reason``. pyarrow is imported only here, so a run that writes no Parquet never loads it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter
from typing import IO, Any, Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from ..calendars import instant
from ..engines import Extended, Finding
from ..errors import Problem
from ._formats import UNREADABLE, counted_days, problem_dict, skipped_days
from ._kpi import NO_VALUE, KpiRow

#: Snappy: what every Parquet reader takes, Power Query's included, and fast to write.
COMPRESSION = "snappy"
_LONDON = pa.timestamp("ms", tz="Europe/London")  # Parquet keeps milliseconds at the coarsest
_DAY = pa.struct([("date", pa.date32()), ("name", pa.string())])
_SKIPPED_DAY = pa.struct([("date", pa.date32()), ("reason", pa.string())])
_EXTENSION = pa.struct([("event", pa.string()), ("granted", pa.date32()), ("adds", pa.string()),
                        ("period", pa.string()), ("runs_from", pa.date32()), ("deadline", pa.date32())])
#: Each date column, and the column of the instant where the value has a time of day.
_DATES = {"trigger_date": "trigger_at", "deadline": "deadline_at", "completed_date": "completed_at",
          "recorded_deadline": "recorded_deadline_at"}
_INTEGERS = ("occurrence", "days_late", "working_days_late", "days_left", "working_days_left",
             "recorded_deadline_working_days")
_LISTS = ("explanation", "assumptions", "warnings", "data_quality", "unrecorded", "needs")
#: The columns, in order, with their types; a Finding field not named here becomes a text column (JSON text
#: for a value that is not text), so a new field is never lost.
_COLUMNS: dict[str, pa.DataType] = {
    "record": pa.string(), "record_kind": pa.string(), "rule": pa.string(), "duty": pa.string(),
    "title": pa.string(), "kind": pa.string(), "duty_holder": pa.string(), "status": pa.string(),
    "occurrence": pa.int32(), "trigger_event": pa.string(), "trigger_date": pa.date32(), "trigger_at": _LONDON,
    "period": pa.string(), "deadline": pa.date32(), "deadline_at": _LONDON, "completion_event": pa.string(),
    "completed_date": pa.date32(), "completed_at": _LONDON, "days_late": pa.int32(),
    "working_days_late": pa.int32(), "hours_late": pa.float64(), "late_by": pa.string(), "days_left": pa.int32(),
    "working_days_left": pa.int32(), "time_left": pa.string(), "citation": pa.string(), "source_url": pa.string(),
    "verification": pa.string(), "reason": pa.string(), "explanation": pa.list_(pa.string()),
    "holidays_skipped": pa.list_(_DAY), "weekend_days_skipped": pa.int32(), "skipped": pa.list_(_SKIPPED_DAY),
    "assumptions": pa.list_(pa.string()), "warnings": pa.list_(pa.string()), "provisional": pa.bool_(),
    "approximate": pa.bool_(), "calendar": pa.string(), "attributes": pa.map_(pa.string(), pa.string()),
    "data_quality": pa.list_(pa.string()), "on_bound": pa.string(), "unrecorded": pa.list_(pa.string()),
    "needs": pa.list_(pa.string()), "recorded_deadline": pa.date32(), "recorded_deadline_at": _LONDON,
    "recorded_deadline_working_days": pa.int32(), "recorded_deadline_reason": pa.string(),
    "recorded_deadline_note": pa.string(), "ended_on": pa.date32(), "extensions": pa.list_(_EXTENSION),
}
# Written once per file (in the metadata), or split into the typed columns above.
_NOT_COLUMNS = ("calendar_data",)


def _other_fields() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(Finding) if f.name not in _COLUMNS and f.name not in _NOT_COLUMNS)


def findings_schema() -> pa.Schema:
    """The columns of a findings file: the typed ones, then any other field of a Finding as text."""
    return pa.schema([*_COLUMNS.items(), *((name, pa.string()) for name in _other_fields())])


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _attributes(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(k, ("true" if v else "false") if isinstance(v, bool) else str(v)) for k, v in values.items()
            if v is not None]


def findings_batch(findings: Sequence[Finding], explain: bool = False,
                   problems: Sequence[Problem] = ()) -> pa.RecordBatch:
    """Rows for ``findings`` (after a row for each problem that rejected a row of the input), as one batch.

    Every day the period skipped is listed (``skipped``) only with ``explain``; the holidays, named, and the
    count of weekend days wherever the working was worked out (null where it was not: not known).
    """
    schema = findings_schema()
    unread = [p for p in problems if not p.warning]
    # The fields taken as they are, read from each finding at once and turned into columns by zip (a batch has
    # tens of thousands of findings and fifty columns: a comprehension for each would cost more than the rest).
    taken = [name for name in schema.names if name not in _DATES.values() and name not in _DERIVED]
    if findings:
        values = dict(zip(taken, map(list, zip(*map(attrgetter(*taken), findings)))))
    else:
        values = {name: [] for name in taken}
    columns: dict[str, list[Any]] = {}
    for name in schema.names:
        if name in _DATES.values():
            continue
        if name in _DATES:
            dates = values[name]
            columns[name] = [v.date() if isinstance(v, datetime) else v for v in dates]  # day_of, None kept
            columns[_DATES[name]] = ([round(1000 * instant(v)) if isinstance(v, datetime) else None for v in dates]
                                     if any(isinstance(v, datetime) for v in dates) else [None] * len(dates))
        elif name == "holidays_skipped":
            # Null where the working was not worked out: not known, where [] would say no holiday was skipped.
            columns[name] = [_holidays(f.skipped) if counted_days(f) is not None else None for f in findings]
        elif name == "weekend_days_skipped":
            columns[name] = [None if days is None else days[1] for days in map(counted_days, findings)]
        elif name == "skipped":
            columns[name] = [[{"date": date.fromisoformat(d), "reason": r} for d, r in f.skipped]
                             if explain and counted_days(f) is not None else None for f in findings]
        elif name == "extensions":
            columns[name] = [[_extension(e) for e in f.extensions] for f in findings]
        elif name == "attributes":
            # A record's findings share its attributes: each mapping is turned into pairs once.
            pairs: dict[int, list[tuple[str, str]]] = {}
            columns[name] = [pairs.get(id(a)) or pairs.setdefault(id(a), _attributes(a)) for a in values[name]]
        elif name in _COLUMNS:
            columns[name] = values[name]  # lists are lists of text whether tuples or lists
        else:
            columns[name] = [_text(v) for v in values[name]]
    if unread:
        for name, column in columns.items():
            filler: Any = [] if name in _LISTS else None
            column[:0] = [filler] * len(unread)
        columns["status"][:len(unread)] = [UNREADABLE] * len(unread)
        columns["reason"][:len(unread)] = [str(p) for p in unread]
    arrays = [pa.array(columns[name], type=schema.field(name).type) for name in schema.names]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


#: Columns made from a finding's fields rather than read from one of the same name.
_DERIVED = ("holidays_skipped", "weekend_days_skipped", "skipped", "extensions")


def _extension(e: Extended) -> dict[str, Any]:
    """An extension's struct: its dates as days (one granted at a time of day is granted that day)."""
    def day(text: str | None) -> date | None:
        return None if text is None else date.fromisoformat(text[:10])

    return {"event": e.event, "granted": day(e.granted), "adds": e.adds, "period": e.period,
            "runs_from": day(e.runs_from), "deadline": day(e.deadline)}


@lru_cache(maxsize=4096)
def _holidays(skipped: tuple[tuple[str, str], ...]) -> list[dict[str, Any]]:
    """The holidays column's value for the days a period skipped (shared by every finding with those days)."""
    return [{"date": date.fromisoformat(day), "name": holiday} for day, holiday in skipped_days(skipped)[0].items()]


def _metadata(values: Mapping[str, Any]) -> dict[bytes, bytes]:
    return {key.encode(): json.dumps(value, ensure_ascii=False, default=str).encode() for key, value in values.items()}


#: Rows gathered into one row group: each group has its own dictionaries, so small ones compress badly (a
#: chunk's batch of a few thousand rows makes a file a third larger), and a reader skips whole groups.
ROW_GROUP = 50_000


class ParquetWriter:
    """A Parquet file written to a binary stream as batches come, in row groups of ``ROW_GROUP`` rows; its
    metadata is added when it is closed.

    A file not closed is abandoned, never finished: nothing more is written to the stream once an exception
    (Ctrl-C, a full disk) stops the writing or the run that feeds it, whether the writer is used as a context
    manager, ``abandon`` is called or the writer is simply dropped. (pyarrow's own writer would finish the file
    when it is collected, into a stream its run has already closed: "Exception ignored in ParquetWriter.__del__".)
    """

    def __init__(self, sink: IO[bytes], schema: pa.Schema) -> None:
        self._writer = _FileWriter(sink, schema)
        self._pending: list[pa.RecordBatch] = []
        self._rows = 0

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abandon()  # nothing left to do after close

    def add(self, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            self._pending.append(batch)
            self._rows += batch.num_rows
            if self._rows >= ROW_GROUP:
                self._flush()

    def _flush(self) -> None:
        if self._pending:
            try:
                self._writer.write_table(pa.Table.from_batches(self._pending), row_group_size=self._rows)
            except BaseException:
                self.abandon()
                raise
            self._pending, self._rows = [], 0

    def close(self, metadata: Mapping[str, Any]) -> None:
        """Finish the file, with ``metadata`` (each value as JSON text) in its key-value metadata."""
        self._flush()
        try:
            self._writer.add_key_value_metadata(_metadata(metadata))
            self._writer.close()
        finally:
            self.abandon()  # after a close, only lets go of the writer

    def abandon(self) -> None:
        """Stop writing, leaving the stream as it is (a file without its footer, which no reader opens)."""
        self._writer.abandon()
        self._pending, self._rows = [], 0


class _Sink:
    """The stream a Parquet file is written to, taking nothing more once the file is abandoned."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.abandoned = False

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def write(self, data: bytes) -> int:
        if self.abandoned:
            return len(data)
        return self._stream.write(data)

    def flush(self) -> None:
        if not self.abandoned:
            self._stream.flush()


class _FileWriter(pq.ParquetWriter):
    """pyarrow's writer, which abandons a file it was not asked to close instead of finishing it when collected."""

    def __init__(self, stream: IO[bytes], schema: pa.Schema) -> None:
        self._sink = _Sink(stream)
        super().__init__(pa.PythonFile(self._sink, mode="w"), schema, compression=COMPRESSION)

    def abandon(self) -> None:
        # Whatever pyarrow's C++ writer still writes as it is freed (it finishes a file it was not asked to close)
        # goes nowhere.
        self._sink.abandoned = True
        self.is_open = False

    def __del__(self) -> None:
        if getattr(self, "is_open", False):
            self.abandon()


#: How many of a long list (the rows not read, the nightly changes) the metadata holds, the first; each list's total
#: is beside it, and every row not read is a row of the file. A reader reads the metadata whole, and pyarrow (pandas
#: with it) opens no file whose metadata passes 100 MB: 400,000 bad rows made one that only DuckDB could read.
IN_METADATA = 1_000


def findings_metadata(as_of: date, tally: Mapping[str, int], problems: Sequence[Problem], show_all: bool,
                      rules: Mapping[str, Any], calendars: Mapping[str, Any],
                      extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a findings file says once: as ``check --format json``'s document says it, without the findings, and
    with the first IN_METADATA rows not read (``problems``) and how many there are (``problems_total``)."""
    unread = [p for p in problems if not p.warning]
    return {"as_of": as_of.isoformat(), "not_applicable_listed": show_all,
            "problems": [problem_dict(p) for p in unread[:IN_METADATA]], "problems_total": len(unread),
            "summary": dict(tally), "rules": dict(rules), "calendars": dict(calendars), **(extra or {})}


def table_bytes(batches: Iterable[pa.RecordBatch], schema: pa.Schema, metadata: Mapping[str, Any]) -> bytes:
    """A whole Parquet file in memory, from batches."""
    sink = pa.BufferOutputStream()
    writer = pq.ParquetWriter(sink, schema, compression=COMPRESSION)
    for batch in batches:
        writer.write_batch(batch)
    writer.add_key_value_metadata(_metadata(metadata))
    writer.close()
    return sink.getvalue().to_pybytes()


def findings_parquet(findings: Sequence[Finding], as_of: date, rules: Iterable[Any], *, show_all: bool = False,
                     explain: bool = False, problems: Sequence[Problem] = ()) -> bytes:
    """The findings as one Parquet file (``check --format parquet``'s, for a list of findings)."""
    from ._formats import JsonContext, counts, listed

    shown = [f for f in findings if listed(f, show_all)]
    context = JsonContext.of(rules, explain)
    used_rules = {f.rule: context.rules[f.rule] for f in shown if f.rule in context.rules}
    used_calendars = {f.calendar: context.calendars[f.calendar] for f in shown if f.calendar_data}
    metadata = findings_metadata(as_of, counts(findings), problems, show_all, used_rules, used_calendars)
    return table_bytes([findings_batch(shown, explain, problems)], findings_schema(), metadata)


# -- KPI rows -------------------------------------------------------------------------------------------

def kpi_parquet(rows: Sequence[KpiRow], dimensions: Sequence[str], as_of: date, month_of: str) -> bytes:
    """KPI rows as Parquet: a month as the date of its first day, the share in time as a percentage, counts as
    integers."""
    columns: dict[str, pa.Array] = {"rule": pa.array([r.rule for r in rows], pa.string()),
                                    "title": pa.array([r.title for r in rows], pa.string())}
    for d in dimensions:
        values = [r.value(d) for r in rows]
        if d == "month":
            columns["month"] = pa.array([None if not v or v == NO_VALUE else date(int(v[:4]), int(v[5:7]), 1)
                                         for v in values], pa.date32())
        else:
            columns[d] = pa.array([None if v == NO_VALUE else v for v in values], pa.string())
    columns["in_time_percent"] = pa.array([r.to_dict()["in_time_percent"] for r in rows], pa.float64())
    for key in ("decided", "met", "late", "overdue", "due", "missing_data", "not_recorded", "approximate",
                "on_bound", "data_warnings"):
        columns[key] = pa.array([getattr(r, key) for r in rows], pa.int64())
    for key in ("not_applicable", "records"):  # null by month, as in kpi's CSV and JSON
        columns[key] = pa.array([getattr(r, key) for r in rows], pa.int64())
    table = pa.table(columns)
    metadata = {"as_of": as_of.isoformat(), "by": ["rule", *dimensions], "month_of": month_of,
                "in_time": "met / (met + late + overdue)", "records_read": getattr(rows, "records_read", None)}
    return table_bytes(table.to_batches(), table.schema, metadata)
