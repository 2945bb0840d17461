"""Reading records from YAML, JSON, CSV or Excel files, checked against the vocabulary.

A record has an ``id``, a ``kind``, attributes, and events: each a name with a date (or date-time),
or a list of dates for events that repeat. A bad row is reported with file, row and column, and
the other rows are still read.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..errors import InputError, Problem
from ..rules import Vocabulary, load_vocabulary
from ..yamlio import Located, load_yaml
from ._record import DATE_HINT, NO, YES, EventDate, Record, parse_event_date, sort_key
from ._tables import csv_column, table_rows


class _Reader:
    """Turns raw rows into Records against the vocabulary, collecting problems as it goes."""

    def __init__(self, vocab: Vocabulary, file: str) -> None:
        self.vocab = vocab
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, message: str, line: int | None, column: int | str | None, fld: str | None,
                hint: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, column=column,  # type: ignore[arg-type]
                                     field=fld, hint=hint))

    def attribute(self, kind: str, name: str, value: Any, where: tuple[int | None, Any]) -> Any:
        spec = self.vocab.attributes(kind).get(name, {})
        if spec.get("type") == "boolean" and isinstance(value, str):
            low = value.strip().lower()
            if low in YES:
                return True
            if low in NO:
                return False
            self.problem(f"{value!r} is not yes or no", *where, name, "write true or false")
            return None
        if spec.get("type") == "boolean" and value is not None and not isinstance(value, bool):
            self.problem(f"{value!r} is not yes or no", *where, name, "write true or false")
            return None
        values = spec.get("values")
        if values and value not in values and value not in (None, ""):
            self.problem(f"{value!r} is not a known {name}", *where, name, "one of: " + ", ".join(values))
        return value

    def dates(self, kind: str, event: str, value: Any, where: tuple[int | None, Any]) -> tuple[EventDate, ...] | None:
        if value is None or value == "":
            return None
        items: list[Any]
        if isinstance(value, list):
            items = value
        elif isinstance(value, str) and ";" in value:
            items = [v for v in value.split(";") if v.strip()]
        else:
            items = [value]
        if len(items) > 1 and not self.vocab.repeats(kind, event):
            self.problem(f"{event} happens once, but {len(items)} dates are given", *where, event,
                         "give one date")
            return None
        out = []
        for item in items:
            try:
                out.append(parse_event_date(item))
            except ValueError as exc:
                self.problem(str(exc), *where, event, DATE_HINT)
                return None
        return tuple(sorted(out, key=sort_key))

    def record(self, raw: Mapping[str, Any], line: int | None, col: Any = None,
               columns: Mapping[str, Any] | None = None) -> Record | None:
        """Build a Record from id/kind/attributes/events; ``columns`` maps field names to column labels."""
        columns = columns or {}
        before = len(self.problems)
        rid = raw.get("id")
        if rid is None or str(rid).strip() == "":
            self.problem("the record has no id", line, columns.get("id", col), "id", "give each record an id")
            return None
        rid = str(rid).strip()
        kind = raw.get("kind")
        if kind not in self.vocab.kinds:
            self.problem(f"unknown record kind {kind!r}", line, columns.get("kind", col), "kind",
                         "one of: " + ", ".join(sorted(self.vocab.kinds)))
            return None
        attributes = {
            name: self.attribute(kind, name, value, (line, columns.get(name, col)))
            for name, value in (raw.get("attributes") or {}).items()
        }
        events: dict[str, tuple[EventDate, ...]] = {}
        known = self.vocab.events(kind)
        for name, value in (raw.get("events") or {}).items():
            where = (line, columns.get(name, col))
            if name not in known:
                close = difflib.get_close_matches(str(name), list(known), n=1)
                self.problem(f"unknown event {name!r} for {kind} records", *where, str(name),
                             f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known)))
                continue
            dates = self.dates(kind, name, value, where)
            if dates:
                events[name] = dates
        if len(self.problems) > before:
            return None
        return Record(rid, kind, attributes, events, f"{self.file}:{line}" if line else self.file)


def _read_mapping_records(doc: Located, reader: _Reader) -> list[Record]:
    value = doc.value
    items = value.get("records") if isinstance(value, dict) else value
    if not isinstance(items, list):
        reader.problem("expected a list of records (or a mapping with `records:`)", *_where(doc, ()), None,
                       "see examples/inspections.yaml")
        return []
    out = []
    for i, raw in enumerate(items):
        base = ("records", i) if isinstance(value, dict) else (i,)
        line = _where(doc, base)[0]
        if not isinstance(raw, dict):
            reader.problem("a record must be a mapping with id, kind, attributes and events", line, None, None)
            continue
        unknown = set(raw) - {"id", "kind", "attributes", "events", "notes", "sources"}
        for key in sorted(unknown, key=str):
            reader.problem(f"unknown field {key!r} in a record", *_where(doc, base + (key,)), str(key),
                           "a record has id, kind, attributes, events and notes")
        for part in ("attributes", "events"):
            if raw.get(part) is not None and not isinstance(raw.get(part), dict):
                reader.problem(f"{part} must be a mapping of names to values", *_where(doc, base + (part,)), part)
                raw = {**raw, part: {}}
        rec = _record_with_lines(reader, raw, doc, base)
        if rec:
            out.append(rec)
    return out


def _record_with_lines(reader: _Reader, raw: dict[str, Any], doc: Located, base: tuple[Any, ...]) -> Record | None:
    before = len(reader.problems)
    line, col = _where(doc, base)
    rec = reader.record(raw, line, col)
    # Point each problem at the line of its own field, not at the start of the record.
    for p in reader.problems[before:]:
        for part in ("events", "attributes"):
            path = base + (part, p.field)
            if path in doc.positions:
                p.line, p.column = doc.positions[path]
        if p.field in ("id", "kind") and base + (p.field,) in doc.positions:
            p.line, p.column = doc.positions[base + (p.field,)]
    earlier = {(p.line, p.column) for p in reader.problems[:before]}
    reader.problems[before:] = [p for p in reader.problems[before:] if (p.line, p.column) not in earlier]
    return rec


def _where(doc: Located, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    w = doc.where(path)
    return w["line"], w["column"]


def _rows_to_records(rows: Iterable[tuple[int, list[Any]]], header: list[str], header_line: int,
                     reader: _Reader, column_label: Any) -> Iterator[Record]:
    names = [str(h).strip() if h is not None else "" for h in header]
    if "id" not in names or "kind" not in names:
        missing = [c for c in ("id", "kind") if c not in names]
        reader.problem(f"the header row has no {' or '.join(missing)} column", header_line, None, None,
                       "the first row names the columns: id, kind, then attributes and events")
        return
    all_events = reader.vocab.all_events()
    for j, name in enumerate(names):
        if name in ("id", "kind", "") or name in all_events:
            continue
        close = difflib.get_close_matches(name, list(all_events), n=1, cutoff=0.85)
        if close:
            reader.problem(f"unknown column {name!r}", header_line, column_label(j), name,
                           f"did you mean the event {close[0]!r}?")
    labels = {name: column_label(j) for j, name in enumerate(names)}
    for line, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        raw: dict[str, Any] = {"attributes": {}, "events": {}}
        for name, value in zip(names, cells):
            if not name:
                continue
            if isinstance(value, str):
                value = value.strip()
            if name in ("id", "kind"):
                raw[name] = value
            elif value in (None, ""):
                continue
            elif name in all_events:
                raw["events"][name] = value
            else:
                raw["attributes"][name] = value
        rec = reader.record(raw, line, None, labels)
        if rec:
            yield rec


def _read_table(path: Path, reader: _Reader) -> Iterator[Record]:
    rows = table_rows(path, reader.problem)
    first = next(rows, None)
    if first is None:
        if not reader.problems:
            reader.problem("the file is empty", 1, None, None, "the first row names the columns")
        return
    line, header, label = first
    yield from _rows_to_records(((n, cells) for n, cells, _ in rows), header, line, reader, label)


def read_records(paths: Sequence[str | Path], vocabulary: Vocabulary | None = None) -> tuple[list[Record], list[Problem]]:
    """Read every record it can from ``paths``; return them with the problems in the rest."""
    vocab = vocabulary or load_vocabulary()
    records: list[Record] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in map(Path, paths):
        reader = _Reader(vocab, str(path))
        for rec in _read_file(path, reader):
            if rec.id in seen:
                line = rec.source.rsplit(":", 1)[-1] if rec.source and ":" in rec.source else None
                reader.problem(f"duplicate record id {rec.id!r} (first at {seen[rec.id]})",
                               int(line) if line and line.isdigit() else None, None, "id",
                               "give each record its own id")
                continue
            seen[rec.id] = rec.source or str(path)
            records.append(rec)
        problems.extend(reader.problems)
    return records, problems


def _read_file(path: Path, reader: _Reader) -> Iterator[Record]:
    suffix = path.suffix.lower()
    if not path.is_file():
        reader.problem("no such file", None, None, None, "check the path")
        return
    if suffix in (".csv", ".xlsx", ".xlsm"):
        yield from _read_table(path, reader)
    elif suffix in (".yaml", ".yml", ".json"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reader.problem(f"cannot read: {exc}", None, None, None)
            return
        try:
            doc = _load_json(text, str(path)) if suffix == ".json" else load_yaml(text, str(path), strict=False)
        except InputError as exc:
            reader.problems.extend(exc.problems)
            return
        reader.problems.extend(doc.problems)
        yield from _read_mapping_records(doc, reader)
    else:
        reader.problem(f"unknown file type {suffix or '(none)'}", None, None, None,
                       "give a .yaml, .json, .csv or .xlsx file")


def _load_json(text: str, file: str) -> Located:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Problem(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise InputError(Problem("JSON nested too deeply", file=file)) from None
    # JSON carries no positions: re-read it as YAML (a superset) for line numbers when it parses.
    try:
        return load_yaml(text, file)
    except InputError:
        return Located(value, file)


def load_records(paths: Sequence[str | Path], vocabulary: Vocabulary | None = None) -> list[Record]:
    """Read records from YAML, JSON, CSV or XLSX files; raise InputError listing every bad row."""
    records, problems = read_records(paths, vocabulary)
    if problems:
        raise InputError(*problems)
    return records


def records_from_text(text: str, fmt: str = "yaml", vocabulary: Vocabulary | None = None) -> list[Record]:
    """Records from an in-memory document (``yaml``, ``json`` or ``csv``), for tools that already hold the text."""
    vocab = vocabulary or load_vocabulary()
    reader = _Reader(vocab, "<text>")
    if fmt == "csv":
        rows = csv.reader(io.StringIO(text))
        header = next(rows, [])
        records = list(_rows_to_records(((i + 2, r) for i, r in enumerate(rows)), header, 1, reader,
                                        csv_column))
    else:
        doc = _load_json(text, "<text>") if fmt == "json" else load_yaml(text, "<text>")
        records = _read_mapping_records(doc, reader)
    if reader.problems:
        raise InputError(*reader.problems)
    return records
