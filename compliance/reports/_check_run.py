"""``compliance check``'s output, written as the findings come: flat memory and every core on a long run.

The records are evaluated a chunk at a time (``engines.map_chunks``). Each chunk becomes, in a pure
function that may run in a worker process, what its format needs: JSON and CSV lines, written at once
and in the records' order; or the compact rows of the table, the Markdown table or the workbook, which
are sorted by urgency once every chunk is in. No finding is kept once turned into its output, and the
working is computed only where the output shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, Iterable, Iterator, Sequence

from ..engines import CHUNK, Finding, findings_by_record, map_chunks, urgency_key
from ..records import Record
from ..rules import RuleSet
from ._formats import (JSON_SEPARATOR, STATUS_LABELS, csv_header, csv_lines, json_finding, json_head, json_tail,
                       markdown_head, md_row, table_row, table_text)

#: Formats written line by line in the records' order; the others are sorted by urgency first.
STREAMED = ("json", "csv")
_SLICE = 10_000  # Markdown rows joined into one write


@dataclass(frozen=True)
class CheckSettings:
    """What turning a chunk of records into output needs; sent once to each worker process."""

    rules: RuleSet
    as_of: date
    fmt: str
    #: The step-by-step working: computed only for a format that shows it.
    explain: bool
    #: Whether the table lists not-applicable findings (every other format always does).
    show_all: bool = False
    engine: str = "native"


@dataclass
class CheckChunk:
    """A chunk of records, done: the count of each status, and its output."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    #: How many findings the output shows (the table leaves out not-applicable ones unless asked).
    shown: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_LABELS, 0))
    text: str = ""
    rows: list[tuple[tuple[Any, ...], Any]] = field(default_factory=list)
    calendar_data: dict[str, None] = field(default_factory=dict)


def chunk_output(settings: CheckSettings, findings: Iterable[Finding]) -> CheckChunk:
    """What the output of ``settings.fmt`` needs from these findings."""
    out = CheckChunk()
    fmt = settings.fmt
    lines: list[Any] = []
    for f in findings:
        out.counts[f.status] += 1
        if fmt == "table" and f.status == "not_applicable" and not settings.show_all and not f.data_quality:
            continue  # a duty that does not arise is left out, unless its record needs checking
        out.shown[f.status] += 1
        if fmt == "json":
            lines.append(json_finding(f))
        elif fmt == "csv":
            lines.append(f)
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
        out.text = csv_lines(lines)
    return out


def check_chunk(settings: CheckSettings, records: Sequence[Record]) -> CheckChunk:
    """Evaluate ``records`` and turn their findings into output (runs in worker processes)."""
    return chunk_output(settings, (f for _, found in findings_by_record(
        records, settings.rules, settings.as_of, engine=settings.engine, explain=settings.explain) for f in found))


def _chunks(records: Sequence[Record], settings: CheckSettings, jobs: int) -> Iterator[CheckChunk]:
    if settings.engine == "native":
        yield from map_chunks(check_chunk, settings, records, jobs)
        return
    # Another engine compiles the rules once for the whole run, in this process.
    found = findings_by_record(records, settings.rules, settings.as_of, engine=settings.engine,
                               explain=settings.explain)
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


def write_check(records: Sequence[Record], settings: CheckSettings, out: IO[Any], *, jobs: int = 1,
                colour: bool = False, rule_files: Sequence[str] = (), record_files: Sequence[str] = (),
                generated_at: datetime | None = None) -> CheckResult:
    """Evaluate ``records`` and write ``check``'s output in ``settings.fmt`` to ``out`` (binary for xlsx)."""
    total = dict.fromkeys(STATUS_LABELS, 0)
    shown = dict.fromkeys(STATUS_LABELS, 0)
    rows: list[tuple[tuple[Any, ...], Any]] = []
    calendar_data: dict[str, None] = {}
    fmt = settings.fmt
    if fmt == "json":
        out.write(json_head(settings.as_of))
    elif fmt == "csv":
        out.write(csv_header())
    first = True
    for chunk in _chunks(records, settings, jobs):
        for status, n in chunk.counts.items():
            total[status] += n
        for status, n in chunk.shown.items():
            shown[status] += n
        if fmt in STREAMED:
            if chunk.text:
                out.write(chunk.text if first or fmt == "csv" else JSON_SEPARATOR + chunk.text)
                first = False
        else:
            rows.extend(chunk.rows)
            calendar_data.update(chunk.calendar_data)
    if fmt == "json":
        out.write(json_tail(total))
    elif fmt not in STREAMED:
        rows.sort(key=lambda r: r[0])
        if fmt == "md":
            # Written a slice at a time: the whole document as one string would double the memory of a long run.
            out.write(markdown_head(settings.as_of, shown))
            for start in range(0, len(rows), _SLICE):
                out.write("".join(row + "\n" for _, row in rows[start:start + _SLICE]))
            return CheckResult(total)
        ordered = [row for _, row in rows]
        del rows
        if fmt == "table":
            out.write(table_text(ordered, settings.as_of, shown, colour))
        else:
            from ._xlsx import findings_workbook

            out.write(findings_workbook(ordered, total, settings.as_of, list(calendar_data), rule_files=rule_files,
                                        record_files=record_files, generated_at=generated_at))
    return CheckResult(total)
