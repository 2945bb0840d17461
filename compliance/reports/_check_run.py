"""``compliance check``'s output, written as the findings come: flat memory and every core on a long run.

The records are evaluated a chunk at a time (``engines.map_chunks``), as they are read (``write_check``). Each
chunk becomes, in a pure function that may run in a worker process, what its format needs: JSON and CSV lines or
a Parquet batch, written in the records' order once the rows that could not be read are known; or the compact rows of
the table, the Markdown table or the workbook, which are sorted by urgency once every chunk is in. No finding is kept once turned into
its output, and the working is computed only where the output shows it. Every format lists the findings
that apply and counts the rest (``show_all`` lists them too), and carries the rows that could not be read.
"""

from __future__ import annotations

from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from ..engines import CHUNK, Finding, findings_by_record, listed_by_record, map_chunks, urgency_key
from ..errors import InputError, Problem
from ..records import Record
from ..rules import RuleSet
from ._formats import (JSON_SEPARATOR, STATUS_LABELS, JsonContext, JsonDocument, csv_header, csv_lines,
                       csv_problem_lines, json_finding, json_head, json_tail, listed, markdown_head, md_row, table_row,
                       table_text)

#: Formats written as they come, in the records' order; the others are sorted by urgency first.
STREAMED = ("json", "csv", "parquet")
#: Formats written as bytes (``out`` is a binary stream).
BINARY = ("xlsx", "parquet")
_SLICE = 10_000  # Markdown rows joined into one write


@dataclass(frozen=True)
class CheckSettings:
    """What turning a chunk of records into output needs; sent once to each worker process."""

    rules: RuleSet
    as_of: date
    fmt: str
    #: ``--explain``: the table shows each finding's working, CSV fills its ``explanation`` column, JSON and
    #: Parquet list every day a period skipped (not only the holidays).
    explain: bool
    #: ``--all``: list the not-applicable findings too (every format counts them).
    show_all: bool = False
    engine: str = "native"

    @property
    def working(self) -> bool:
        """Whether the engine computes the working: only for a format that shows some of it."""
        if self.fmt == "table":
            return self.explain
        return self.fmt != "md"

    def json_context(self) -> JsonContext:
        return JsonContext.for_run(self, self.rules, self.explain)


@dataclass
class CheckChunk:
    """A chunk of records, done: the count of each status, and its output."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    text: str = ""
    rows: list[tuple[tuple[Any, ...], Any]] = field(default_factory=list)
    calendar_data: dict[str, None] = field(default_factory=dict)
    document: JsonDocument = field(default_factory=JsonDocument)
    batch: Any = None  # a pyarrow RecordBatch, for Parquet


def chunk_output(settings: CheckSettings, findings: Iterable[Finding], not_applicable: int = 0) -> CheckChunk:
    """What the output of ``settings.fmt`` needs from these findings and ``not_applicable`` more, only counted."""
    out = CheckChunk()
    out.counts["not_applicable"] += not_applicable
    fmt = settings.fmt
    lines: list[Any] = []
    context = settings.json_context() if fmt in ("json", "parquet") else None
    for f in findings:
        out.counts[f.status] += 1
        if not listed(f, settings.show_all):
            continue
        if fmt == "json":
            assert context is not None
            lines.append(json_finding(f, context, out.document))
        elif fmt in ("csv", "parquet"):
            lines.append(f)
            if context is not None and f.rule in context.rules:
                out.document.rules[f.rule] = None
                if f.calendar_data:
                    out.document.calendars[f.calendar] = None
        elif fmt == "table":
            out.rows.append((urgency_key(f), table_row(f, settings.explain)))
        elif fmt == "md":
            out.rows.append((urgency_key(f), md_row(f)))
        else:
            from ._xlsx import calendar_data_text, finding_values

            out.rows.append((urgency_key(f), finding_values(f)))
            if f.calendar_data:
                out.calendar_data[calendar_data_text(f.calendar_data)] = None
    if fmt == "json":
        out.text = JSON_SEPARATOR.join(lines)
    elif fmt == "csv":
        out.text = csv_lines(lines, settings.explain)
    elif fmt == "parquet":
        from .parquet import findings_batch

        out.batch = findings_batch(lines, settings.explain)
    return out


def check_chunk(settings: CheckSettings, records: Sequence[Record]) -> CheckChunk:
    """Evaluate ``records`` and turn their findings into output (runs in worker processes)."""
    shown: list[Finding] = []
    counted = 0
    for _, found, n in listed_by_record(records, settings.rules, settings.as_of, engine=settings.engine,
                                        explain=settings.working, show_all=settings.show_all):
        shown.extend(found)
        counted += n
    return chunk_output(settings, shown, counted)


def _chunks(records: Iterable[Record], settings: CheckSettings, jobs: int) -> Iterator[CheckChunk]:
    if settings.engine == "native":
        yield from map_chunks(check_chunk, settings, records, jobs)
        return
    # Another engine compiles the rules once for the whole run, in this process.
    found = findings_by_record(records, settings.rules, settings.as_of, engine=settings.engine,
                               explain=settings.working)
    pending: list[Finding] = []
    for n, (_, findings) in enumerate(found, start=1):
        pending.extend(findings)
        if n % CHUNK == 0:
            yield chunk_output(settings, pending)
            pending = []
    yield chunk_output(settings, pending)


@dataclass
class CheckResult:
    """What a check found: the count of each status over every finding."""

    counts: dict[str, int]

    @property
    def failing(self) -> bool:
        return bool(self.counts["late"] or self.counts["overdue"])


def write_check(records: Iterable[Record], settings: CheckSettings, out: IO[Any], *, jobs: int = 1,
                colour: bool = False, rule_files: Sequence[str] = (), record_files: Sequence[str] = (),
                generated_at: datetime | None = None,
                problems: Sequence[Problem] | Callable[[], Sequence[Problem]] = ()) -> CheckResult:
    """Evaluate ``records`` and write ``check``'s output in ``settings.fmt`` to ``out`` (binary for xlsx and
    Parquet), the rows that could not be read (``problems``) with the findings.

    ``records`` may be read as they are checked (a generator), ``problems`` then a function that gives them once
    every record has been read. JSON, CSV and Parquet, which give those rows first, hold what the chunks checked
    before then give (in a temporary file past a few megabytes), and write it after them."""
    def unread() -> Sequence[Problem]:
        return problems() if callable(problems) else problems

    reading = _Reading(records)
    total = dict.fromkeys(STATUS_LABELS, 0)
    rows: list[tuple[tuple[Any, ...], Any]] = []
    calendar_data: dict[str, None] = {}
    document = JsonDocument()
    fmt = settings.fmt
    parquet = None
    if fmt == "parquet":
        from .parquet import ParquetWriter, findings_schema

        parquet = ParquetWriter(out, findings_schema())
    held: _Held | None = None
    first = True

    def write(chunk: CheckChunk) -> None:
        nonlocal first
        if parquet is not None:
            (held if held is not None else parquet).add(chunk.batch)
        elif chunk.text:
            (held if held is not None else out).write(chunk.text if first or fmt == "csv"
                                                      else JSON_SEPARATOR + chunk.text)
            first = False

    def head() -> None:
        """The document's start, the rows not read in it, then whatever was held until they were known."""
        nonlocal held
        if fmt == "json":
            out.write(json_head(settings.as_of, unread(), settings.show_all))
        elif fmt == "csv":
            out.write(csv_header() + csv_problem_lines(unread()))
        else:
            from .parquet import findings_batch

            assert parquet is not None
            parquet.add(findings_batch([], problems=unread()))
        if held is not None:
            for part in held.release():
                if parquet is not None:
                    parquet.add(part)
                else:
                    out.write(part)
            held.close()
            held = None

    if fmt in STREAMED:
        if reading.done:
            head()
        else:
            held = _Held(fmt)
    try:
        for chunk in _chunks(reading, settings, jobs):
            for status, n in chunk.counts.items():
                total[status] += n
            document.update(chunk.document)
            if fmt in STREAMED:
                if held is not None and reading.done:
                    head()
                write(chunk)
            else:
                rows.extend(chunk.rows)
                calendar_data.update(chunk.calendar_data)
        if held is not None:  # (the last record was read after the last chunk came, or there was none)
            head()
    finally:
        if held is not None:
            with suppress(OSError):  # (a full temporary folder fails its close too: the first error is the one said)
                held.close()
    if fmt == "json":
        out.write(json_tail(total, settings.json_context(), document))
    elif parquet is not None:
        from .parquet import findings_metadata

        context = settings.json_context()
        parquet.close(findings_metadata(settings.as_of, total, unread(), settings.show_all,
                                        {r: context.rules[r] for r in document.rules},
                                        {c: context.calendars[c] for c in document.calendars}))
    elif fmt not in STREAMED:
        rows.sort(key=lambda r: r[0])
        if fmt == "md":
            # Written a slice at a time: the whole document as one string would double the memory of a long run.
            out.write(markdown_head(settings.as_of, total, settings.show_all, unread(), reading.count))
            for start in range(0, len(rows), _SLICE):
                out.write("".join(row + "\n" for _, row in rows[start:start + _SLICE]))
            return CheckResult(total)
        ordered = [row for _, row in rows]
        del rows
        if fmt == "table":
            out.write(table_text(ordered, settings.as_of, total, colour, settings.show_all, unread(), reading.count))
        else:
            from ._xlsx import findings_workbook

            out.write(findings_workbook(ordered, total, settings.as_of, list(calendar_data), rule_files=rule_files,
                                        record_files=record_files, generated_at=generated_at, problems=unread(),
                                        show_all=settings.show_all, records=reading.count))
    return CheckResult(total)


class _Reading:
    """The records, read one at a time and counted, and whether the last has been (after which every row that could not
    be read is known)."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.done = isinstance(records, Sequence)
        self._records = iter(records)
        self.count = 0  # the records read so far

    def __iter__(self) -> _Reading:
        return self

    def __next__(self) -> Record:
        try:
            record = next(self._records)
        except StopIteration:
            self.done = True
            raise
        self.count += 1
        return record


#: Bytes of held output kept in memory before it goes to a temporary file.
_SPOOL = 8 << 20


class _Held:
    """Output that waits for the rows not read, which come first: nearly all of a long run's, as records are checked
    as they are read. In a temporary file past ``_SPOOL`` bytes, to keep memory flat."""

    def __init__(self, fmt: str) -> None:
        from tempfile import SpooledTemporaryFile

        self._batches = fmt == "parquet"
        self._file: Any = (SpooledTemporaryFile(_SPOOL) if self._batches
                           else SpooledTemporaryFile(_SPOOL, mode="w+", encoding="utf-8", newline=""))
        self._stream: Any = None

    def close(self) -> None:
        self._file.close()

    def write(self, text: str) -> None:
        with _temporary_file_errors():
            self._file.write(text)

    def add(self, batch: Any) -> None:
        if batch is not None and batch.num_rows:
            with _temporary_file_errors():
                if self._stream is None:
                    import pyarrow as pa

                    # Compressed: Arrow's batches take some 15 times the Parquet file's room; lz4 takes a fifth of that.
                    lz4 = "lz4" if pa.Codec.is_available("lz4_frame") else None
                    self._stream = pa.ipc.new_stream(self._file, batch.schema,
                                                     options=pa.ipc.IpcWriteOptions(compression=lz4))
                self._stream.write_batch(batch)

    def release(self) -> Iterator[Any]:
        """What was held, in order: text a block at a time, or the batches."""
        with _temporary_file_errors():
            if self._batches:
                if self._stream is not None:
                    import pyarrow as pa

                    self._stream.close()
                    self._file.seek(0)
                    yield from pa.ipc.open_stream(self._file)
                return
            self._file.seek(0)
            yield from iter(lambda: self._file.read(_SPOOL), "")


@contextmanager
def _temporary_file_errors() -> Iterator[None]:
    """A failure of the temporary file said as one, naming its folder: not blamed on the output (whose disk may
    have room)."""
    try:
        yield
    except OSError as exc:
        from tempfile import gettempdir

        raise InputError(Problem(f"cannot hold the output until every record is read: {exc.strerror or exc}",
                                 file=gettempdir(), hint="free some space there, or set TMPDIR to a folder with "
                                 "room for the output")) from None
