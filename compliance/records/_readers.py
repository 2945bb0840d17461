"""Reading records from YAML, JSON, CSV or Excel files, checked against the vocabulary.

A record has an ``id``, a ``kind``, attributes, and events: each a name with a date (or date-time),
or a list of dates for events that repeat. A bad row is reported with file, row and column, and
the other rows are still read.
"""

from __future__ import annotations

import difflib
import io
import re
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from ..errors import HALF_CHARACTER, InputError, Problem, errors, shown
from ..resources import example_file
from ..rules import Vocabulary, load_vocabulary
from ..yamlio import Located, YamlSyntaxError, list_items, load_yaml
from ._cells import NOT_CALCULATED, NOT_CALCULATED_HINT, NOT_CALCULATED_MESSAGE
from ._csv import DEFAULT_ENCODING, codec_name, csv_rows
from ._database import given_as_url, is_database_url, shown_url
from ._date_order import DateOrder
from ._json import NONE_READ, load_json, not_read_from
from ._record import RULE_ID, TARGET_PREFIX, UNKNOWN, Record, RecordCheck, escaped_invisible, invisible, suggest
from ._tables import csv_column, header_under_titles, other_separator, table_rows, unguarded


class _Reader:
    """Turns raw rows into Records against the vocabulary, collecting problems as it goes."""

    def __init__(self, vocab: Vocabulary, file: str) -> None:
        self.vocab = vocab
        self.file = file
        self.check = RecordCheck(vocab)
        self.problems: list[Problem] = []

    def problem(self, message: str, line: int | None, column: int | str | None, fld: str | None,
                hint: str | None = None, warning: bool = False) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, column=column,  # type: ignore[arg-type]
                                     field=fld, hint=hint, warning=warning))

    def record(self, raw: Mapping[str, Any], line: int | None, col: Any = None,
               columns: Mapping[str, Any] | None = None, recorded: Iterable[str] | None = None) -> Record | None:
        """A Record from id/kind/attributes/events, or None with its problems; ``columns`` maps names to labels.

        ``recorded`` names the columns of a table: the events the record's source can hold.
        """
        columns = columns or {}

        def report(message: str, fld: str | None, hint: str | None) -> None:
            self.problem(message, line, columns.get(fld, col) if fld else col, fld, hint)

        parts = self.check.parts(raw.get("id"), raw.get("kind"), raw.get("attributes") or {},
                                 raw.get("events") or {}, report)
        if parts is None:
            return None
        rid, kind, attributes, events, unknown = parts
        before = len(self.problems)
        targets = self.check.targets(raw.get("targets") or {}, report)
        drawn = self.check.extract_date(raw.get("extract_date"), report)
        measured = self.check.measured(raw.get("measured"), report)
        if len(self.problems) > before:
            return None
        kind_events = self.vocab.events(kind)
        columns_held = None if recorded is None else [e for e in recorded if e in kind_events]
        attributes, implied, conflicts = self.check.implications(kind, attributes, events)
        return Record.checked(rid, kind, attributes, events, f"{self.file}:{line}" if line else self.file,
                              self.check.holds(kind, columns_held, unknown), targets, measured, extract_date=drawn,
                              implied=implied, conflicts=conflicts, implying=self.vocab.implications(kind))


#: What a record in a YAML or JSON file may have besides its attributes.
_RECORD_KEYS = ("id", "kind", "attributes", "events", "targets", "extract_date", "measured", "notes", "sources")


def _what_it_is(value: Any) -> str:
    """How to give a YAML file that is not records: a mapping or a rule pack found beside the records (a folder
    read whole), told what it looks like."""
    if isinstance(value, dict) and "mapping" in value:
        return "this is a column mapping, not records: give it with --mapping, and keep it out of a folder of records"
    if isinstance(value, dict) and ("rules" in value or "pack" in value):
        return "this is a rule pack, not records: give it with --add-rules, and keep it out of a folder of records"
    if isinstance(value, dict) and "kinds" in value:
        return "this is a vocabulary, not records: it belongs in a rule pack"
    return "see examples/inspections.yaml"


def _read_mapping_records(doc: Located, reader: _Reader) -> list[Record]:
    value = doc.value
    items = value.get("records") if isinstance(value, dict) else value
    if not isinstance(items, list):
        reader.problem("expected a list of records (or a mapping with `records:`)", *_where(doc, ()), None,
                       _what_it_is(value))
        return []
    if isinstance(value, dict):
        # A key beside `records:` is read by nothing: records under it (`record:`, a second list) would be lost
        # (an error), anything else (an export's date or title) is only said.
        for key in [k for k in value if k != "records"]:
            w = doc.key_where((key,))
            held = value[key]
            lost = isinstance(held, list) and any(isinstance(item, dict) for item in held)
            mistyped = difflib.get_close_matches(str(key), ["records"], n=1)
            reader.problem(f"unknown key {key!r}: nothing under it is read", w["line"], w["column"], str(key),
                           ("did you mean 'records'? " if mistyped else "")
                           + "a record file holds one list of records, under `records:`", warning=not lost)
    out = []
    # The records holding a value that could not be read (a key given twice, a tag, a bad date): each is said where
    # it is (doc.problems) and its record left out, the others read.
    prefix = ("records",) if isinstance(value, dict) else ()
    unread = {path[len(prefix)] for path in doc.unread if len(path) > len(prefix) and path[:len(prefix)] == prefix}
    for i, raw in enumerate(items):
        base = ("records", i) if isinstance(value, dict) else (i,)
        line = _where(doc, base)[0]
        if base in doc.unread:
            continue  # the record itself could not be read (a tag on it, nested too deep): its problem says so
        if not isinstance(raw, dict):
            reader.problem("a record must be a mapping with id, kind, attributes and events", line, None, None)
            continue
        before = len(reader.problems)
        if _half_characters(raw, doc, base, reader, raw.get("id")):
            continue
        raw = _flat_attributes(raw, doc, base, reader)
        for part in ("attributes", "events", "targets"):
            if raw.get(part) is not None and not isinstance(raw.get(part), dict):
                reader.problem(f"{part} must be a mapping of names to values", *_where(doc, base + (part,)), part)
                raw = {**raw, part: {}}
        rec = _record_with_lines(reader, raw, doc, base)
        if rec is not None and len(reader.problems) == before and i not in unread:
            out.append(rec)
    return out


def _half_characters(value: Any, doc: Located, path: tuple[Any, ...], reader: _Reader, record_id: Any) -> bool:
    """Whether ``value`` (a record, at ``path``) holds a lone surrogate in a name or a text, each a problem at its
    place: the record is not read (a CSV file's byte that is not text leaves its row out so)."""
    found = False
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        for text in (key, item):
            if isinstance(text, str) and HALF_CHARACTER.search(text):
                escaped = HALF_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
                whose = f"record {record_id!r}: " if isinstance(record_id, str) and record_id != text else ""
                reader.problem(f"{whose}{shown(escaped[:60])} holds half of a character (a \\u escape of a lone "
                               "surrogate, U+D800 to U+DFFF), not text", *_where(doc, path + (key,)),
                               HALF_CHARACTER.sub("?", key) if isinstance(key, str) else None,
                               "write the character itself, or its whole escape (a pair, such as \\ud83d\\ude00)")
                found = True
                break
        else:
            found = _half_characters(item, doc, path + (key,), reader, record_id) or found
    return found


def _flat_attributes(raw: dict[str, Any], doc: Located, base: tuple[Any, ...], reader: _Reader) -> dict[str, Any]:
    """Attributes may be given flat on the record, as a CSV row gives them; anything else unknown is a problem."""
    kind = raw.get("kind")
    specs = reader.vocab.attributes(kind) if isinstance(kind, str) else {}
    events = reader.vocab.events(kind) if isinstance(kind, str) else {}
    extra = {k: v for k, v in raw.items() if k not in _RECORD_KEYS}
    if not extra:
        return raw
    given = raw.get("attributes")
    attributes = dict(given) if isinstance(given, dict) else {} if given is None else given
    for key, value in extra.items():
        where = _where(doc, base + (key,))
        if isinstance(key, str) and key.startswith(TARGET_PREFIX):
            reader.problem(f"{key} is a column name: in YAML, give the system's deadlines under targets:", *where,
                           key, f"write targets: {{{key[len(TARGET_PREFIX):]}: YYYY-MM-DD}}")
            continue
        if key in specs and isinstance(attributes, dict):
            if key in attributes:
                reader.problem(f"{key} is given twice, flat and under attributes", *where, str(key), "give it once")
            attributes[key] = value
        elif key in events:
            reader.problem(f"{key} is an event: put it under events:", *where, str(key),
                           f"write events: {{{key}: YYYY-MM-DD}}")
        else:
            what = f"{kind} records" if specs else "a record"
            reader.problem(f"unknown field {shown(key)} for {what}", *where, str(key),
                           suggest(str(key), [*specs, *_RECORD_KEYS]) + "; a record has id, kind, its attributes, "
                           "events and notes")
    return {**{k: v for k, v in raw.items() if k in _RECORD_KEYS}, "attributes": attributes}


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
        if p.field is not None and base + (p.field,) in doc.positions:
            p.line, p.column = doc.positions[base + (p.field,)]
    earlier = {(p.line, p.column) for p in reader.problems[:before]}
    reader.problems[before:] = [p for p in reader.problems[before:] if (p.line, p.column) not in earlier]
    return rec


def _where(doc: Located, path: tuple[Any, ...]) -> tuple[int | None, int | None]:
    w = doc.where(path)
    return w["line"], w["column"]


#: Columns a record table may have besides the vocabulary's attributes and events; a header beginning with
#: "#" is a column for people (a lead officer, a comment) that the tool leaves alone.
TABLE_COLUMNS = ("id", "kind", "extract_date", "measured", "notes")
#: The columns that say something of the record itself, not of its case.
_OWN_COLUMNS = ("id", "kind", "extract_date", "measured")


def ignored_column(name: str) -> bool:
    return not name or for_people(name)


def for_people(name: str) -> bool:
    """Whether a column is one for people (notes, a "#" column), which nothing reads: a byte in it that is not text
    keeps no row out. (A column with no header is refused where a row has something in it.)"""
    return name == "notes" or name.startswith("#")


def unknown_columns(names: Sequence[str], vocab: Vocabulary) -> list[tuple[int, str, str]]:
    """(index, name, hint) for each header that names nothing a record can hold: the whole file is refused,
    because a misspelt event column would make every row's duty look undone."""
    events = vocab.all_events()
    known = set(TABLE_COLUMNS) | events | {a for k in vocab.kinds for a in vocab.attributes(k)}
    out = []
    for j, name in enumerate(names):
        if name.startswith(TARGET_PREFIX) and RULE_ID.fullmatch(name[len(TARGET_PREFIX):]):
            continue  # the system's deadline for a rule; whether the rule exists is checked with the rules
        if not ignored_column(name) and name not in known:
            # A name in other capitals is the name meant (Referral_NFA: not the event referral, the closer letter by
            # letter).
            close = [k for k in sorted(known) if k.lower() == name.strip().lower()][:1] or \
                _by_words(name, vocab) or difflib.get_close_matches(name, sorted(known), n=1)
            what = ("" if not close else "the event" if close[0] in events else "the column" if close[0] in TABLE_COLUMNS
                    else "the attribute")
            hint = (f"did you mean {what} {close[0]!r}? " if close else "no record kind has such an attribute or event; ")
            out.append((j, name, hint + f"rename it, or start its header with # (\"# {name}\") for a column the "
                                        "tool should leave alone"))
    return out


#: Words a person's header adds that say nothing of which column it is ("Date referral received").
_FILLER = frozenset({"date", "dt", "the", "a", "an", "of", "on", "by", "to", "and", "was", "is"})


def _by_words(name: str, vocab: Vocabulary) -> list[str]:
    """The column a header written in a person's words names: the one whose name and description hold every word of
    it ("Date referral received" is referral, "Received by children's social care"), fewest other words first;
    letter by letter it was nearer panel_report_received."""
    words = set(re.findall(r"[a-z]+", name.lower())) - _FILLER
    if not words:
        return []
    found = []
    for kind in vocab.kinds:
        for column, spec in [*vocab.events(kind).items(), *vocab.attributes(kind).items()]:
            own = set(column.split("_"))
            if words <= own | set(re.findall(r"[a-z]+", str(spec.get("description") or "").lower())):
                found.append((len(own - words), column))
    return [min(found)[1]] if found else []  # the fewest other words; a tie goes to the name first in order


def header_fault(names: Sequence[str]) -> tuple[str, str] | None:
    """Why a header row cannot start the record layout (no id or kind column), with the likeliest fix, or None."""
    missing = [c for c in ("id", "kind") if c not in names]
    if not missing:
        return None
    message = f"the header row has no {' or '.join(missing)} column"
    cased = [n for n in names if n.lower() in missing]
    if cased:
        return message, "column names are lower case: write " + ", ".join(f"{n.lower()} for {n!r}" for n in cased)
    separated = other_separator(names, lambda split: bool({"id", "kind"} & {name.lower() for name in split}))
    if separated:
        return message, separated
    return message, ("the first row names the columns: id, kind, then attributes and events; a spreadsheet with "
                     "columns of its own is read through a mapping (--mapping, docs/mappings.md)")


def _keep_one(name: str) -> str:
    return (f"keep one {name} column (move what the others hold into it), or start the others' headers with # "
            f"(\"# {name}\") for columns the tool should leave alone")


def repeated_columns(names: Sequence[str], column_label: Callable[[int], Any], hint: Callable[[str], str] = _keep_one,
                     read: Callable[[str], bool] = lambda name: not ignored_column(name)
                     ) -> list[tuple[int, str, str, str]]:
    """(index of its second column, name, message, hint) for each header ``read`` that names a column twice: the
    whole file is refused, because a row could give two different values and taking either would be a guess."""
    where: dict[str, list[int]] = {}
    for j, name in enumerate(names):
        if read(name):
            where.setdefault(name, []).append(j)
    out = []
    for name, columns in where.items():
        if len(columns) > 1:
            labels = [str(column_label(j)) for j in columns]
            times = "twice" if len(columns) == 2 else f"{len(columns)} times"
            out.append((columns[1], name,
                        f"the header names {shown(name)} {times}, in columns {', '.join(labels[:-1])} and "
                        f"{labels[-1]}: no row of this file was checked", hint(name)))
    return out


def header_problems(names: Sequence[str], vocab: Vocabulary, column_label: Callable[[int], Any]
                    ) -> list[tuple[str, Any, str | None, str]]:
    """(message, column, field, hint) for each reason the header stops the whole file; empty when rows can be read.
    Both readers (this one and records/columns.py) refuse a header for the same reasons, in the same words."""
    fault = header_fault(names)
    if fault and not any(name.lower() in ("id", "kind") for name in names):
        return [(fault[0], None, None, fault[1])]  # a title above the header, say: its cells are no columns to name
    # Every reason at once, so that a header is put right in one go ("ID" and "Framework" both named, not one a run);
    # a column the fault's hint already names ("write id for 'ID'") is not told twice.
    found = [_unknown_column(j, name, hint, column_label) for j, name, hint in unknown_columns(names, vocab)
             if not (fault and name.lower() in ("id", "kind"))]
    found += [(message, column_label(j), name, hint)
              for j, name, message, hint in repeated_columns(names, column_label)]
    return [(fault[0], None, None, fault[1])] + found if fault else found


def _unknown_column(j: int, name: str, hint: str, column_label: Callable[[int], Any]) -> tuple[str, Any, str, str]:
    """A column no rule knows, as (message, column, field, hint); a character in its name that shows nothing is
    written as its escape and named, or the name and the one suggested look the same ('refer\\u200bral')."""
    hidden = invisible(name)
    if hidden is None:
        return f"unknown column {shown(name)}: no row of this file was checked", column_label(j), name, hint
    escaped = escaped_invisible(name)
    return (f"unknown column {shown(escaped)}, which holds {hidden[0]}, a character that shows nothing: no row of "
            "this file was checked", column_label(j), escaped, f"{hidden[1]}; {hint.replace(name, escaped)}")


def header_refusals(names: Sequence[str], header_line: int, rows: Iterable[tuple[int, Sequence[Any]]],
                    vocab: Vocabulary, column_label: Callable[[int], Any]
                    ) -> list[tuple[str, int, Any, str | None, str, int]]:
    """(message, line, column, field, hint, rows not read) for each reason the header stops the whole file, read
    from ``rows`` (the rows after it); empty, and ``rows`` left unread, when its rows can be read. Both readers
    (this one and records/columns.py) stop a file so.

    Every row of the file goes unread: counted, so that "1 row could not be read" never stands for a file. A first
    row naming neither id nor kind may be a title: a row under it among the top ones that names both is the header,
    and the one problem says so, at that row (the rows above it are not records, so not counted).
    """
    refused = header_problems(names, vocab, column_label)
    if not refused:
        return []
    titled = not any(name.lower() in ("id", "kind") for name in names)
    found, left = header_under_titles(rows, lambda cells: titled and {"id", "kind"} <= {c.lower() for c in cells})
    if found is not None:
        return [(f"the header row has no id or kind column: row {found} names id and kind, and the rows above it (a "
                 "title?) are read as the header", found, None, None,
                 "delete the rows above the header row: the first row names the columns", max(left, 1))]
    return [(message, header_line, column, fld, hint, max(left, 1)) for message, column, fld, hint in refused]


def long_row(cells: Sequence[Any], width: int, workbook: bool = False) -> tuple[int, str, str] | None:
    """(0-based column, message, hint) for a row with something in a cell past the header's last column, or None.

    An unquoted comma in a cell ("Smith, J") splits it in two and moves every later cell one column on, dates
    under the wrong event: the row is refused rather than read so. Cells past the header that hold nothing (or
    only spaces, as every cell is read stripped) are how some tools end a row, and are passed over. In a
    ``workbook`` no comma moves a cell: the cell was typed past the last named column.
    """
    for j in range(width, len(cells)):
        cell = cells[j]
        if cell is not None and (cell.strip() if isinstance(cell, str) else True):
            return (j, f"the row has {len(cells)} cells where the header has {width}: its cells may be in the wrong "
                       "columns, so the row was not read",
                    "clear the cells past the last named column, or name their column in the header row (# and a "
                    "name for a column to leave alone)" if workbook else
                    "put a cell that holds a comma in quotes (\"Smith, J\"), or clear the cells past the last column")
    return None


def unnamed_cell(cells: Sequence[Any], unnamed: Sequence[int], column_label: Callable[[int], Any]
                 ) -> tuple[int, str, str] | None:
    """(0-based column, message, hint) for a row with something in a column whose header is blank (``unnamed``),
    or None. Such a cell belongs to nothing the record holds (a date typed one column too far, say): the row is
    refused rather than read without it, as a row with something past the header's last column is."""
    for j in unnamed:
        fault = unnamed_fault(column_label(j), cells[j] if j < len(cells) else None)
        if fault:
            return (j, *fault)
    return None


def unnamed_fault(label: Any, cell: Any) -> tuple[str, str] | None:
    """(message, hint) when ``cell``, in the column ``label`` whose header is blank, holds something; else None."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    text = shown(cell.strip() if isinstance(cell, str) else cell)
    return (f"column {label} has no name in the header, but this row has "
            f"{text if len(text) <= 40 else text[:37] + '...'} in it, so the row was not read",
            "name the column in the header row, or start its name with # for a column the tool should leave alone")


def _rows_to_records(rows: Iterable[tuple[int, list[Any]]], header: list[str], header_line: int,
                     reader: _Reader, column_label: Any) -> Iterator[Record]:
    names = [str(h).strip() if h is not None else "" for h in header]
    refused = header_refusals(names, header_line, rows, reader.vocab, column_label)
    if refused:
        for message, line, column, fld, hint, left in refused:
            reader.problem(message, line, column, fld, hint)
            reader.problems[-1].rows = left
        return
    all_events = reader.vocab.all_events()
    labels = {name: column_label(j) for j, name in enumerate(names)}
    recorded = [name for name in names if name in all_events]
    # Where each cell goes, worked out once for the file: (column, name, "id" | "kind" | "events" | "attributes").
    plan = [(j, name[len(TARGET_PREFIX):] if name.startswith(TARGET_PREFIX) else name,
             name if name in _OWN_COLUMNS else "events" if name in all_events
             else "targets" if name.startswith(TARGET_PREFIX) else "attributes")
            for j, name in enumerate(names) if not ignored_column(name)]
    unnamed = [j for j, name in enumerate(names) if not name]
    in_csv = column_label is csv_column
    order = DateOrder()  # sees the text of each date cell: said once the file is read
    for line, cells in rows:
        if not any(c not in (None, "") for c in cells):
            continue
        refused = long_row(cells, len(names), column_label is not csv_column) or unnamed_cell(cells, unnamed,
                                                                                            column_label)
        if refused:
            reader.problem(refused[1], line, column_label(refused[0]), None, refused[2])
            continue
        raw: dict[str, Any] = {"attributes": {}, "events": {}, "targets": {}}
        width = len(cells)
        unknowable = False
        for j, name, part in plan:
            if j >= width:  # a short row: the cells a tool left off at its end are empty
                continue
            value = cells[j]
            if value is NOT_CALCULATED:
                # A workbook's formula with no saved result: a date not known is unknown (missing data), never "not
                # happened"; any other field may decide a duty, so the row is not read on a guess.
                if part == "events":
                    value = UNKNOWN
                else:
                    reader.problem(NOT_CALCULATED_MESSAGE, line, column_label(j), names[j], NOT_CALCULATED_HINT)
                    unknowable = True
                    continue
            if isinstance(value, str):
                # As written, before trimming: the guard is a cell's first character (records/columns.py alike).
                value = unguarded(value, in_csv).strip()
                if part == "events" or part == "targets":
                    order.see(value, line, column_label(j))
            if part in _OWN_COLUMNS:
                raw[part] = value
            elif value is not None and value != "":
                raw[part][name] = value
        if unknowable:
            order.kept(False)
            continue
        rec = reader.record(raw, line, None, labels, recorded)
        order.kept(rec is not None)
        if rec:
            yield rec
    order.warn(reader.problems, reader.file)


def _read_table(path: Path, reader: _Reader, encoding: str) -> Iterator[Record]:
    rows = table_rows(path, reader.problem, encoding=encoding, problems=reader.problems, left_alone=for_people)
    first = next(rows, None)
    if first is None:
        if not reader.problems:
            reader.problem("the file is empty", 1, None, None, "the first row names the columns")
        return
    line, header, label = first
    yield from _rows_to_records(((n, cells) for n, cells, _ in rows), header, line, reader, label)


def read_records(paths: Sequence[str | Path], vocabulary: Vocabulary | None = None, *,
                 encoding: str = DEFAULT_ENCODING) -> tuple[list[Record], list[Problem]]:
    """Read every record it can from ``paths``; return them with the problems in the rest.

    ``encoding`` is the CSV files' (UTF-8, with or without a byte-order mark, unless told otherwise). A path
    ``examples/NAME`` that is not in the working folder is read from the examples installed with the package.
    """
    problems: list[Problem] = []
    records = list(stream_records(paths, vocabulary, problems, encoding=encoding))
    return records, problems


def stream_records(paths: Sequence[str | Path], vocabulary: Vocabulary | None, problems: list[Problem], *,
                   encoding: str = DEFAULT_ENCODING) -> Iterator[Record]:
    """``read_records`` a record at a time, so that they can be checked while the rest are read: each file's
    problems are added to ``problems`` once the file is read through."""
    vocab = vocabulary or load_vocabulary()
    encoding = codec_name(encoding)
    seen: dict[str, str] = {}
    for given in paths:
        if is_database_url(given):
            problems.append(Problem("a database is read through a mapping of its tables", file=shown_url(str(given)),
                                    hint="give --mapping ssd for the Standard Safeguarding Dataset", rows=0))
            continue
        path = Path(given)
        path = example_file(path) or path
        reader = _Reader(vocab, str(path))
        for rec in _read_file(path, reader, encoding):
            if rec.id in seen:
                line = rec.source.rsplit(":", 1)[-1] if rec.source and ":" in rec.source else None
                reader.problem(f"duplicate record id {rec.id!r} (first at {seen[rec.id]})",
                               int(line) if line and line.isdigit() else None, None, "id",
                               "give each record its own id")
                continue
            seen[rec.id] = rec.source or str(path)
            yield rec
        problems.extend(reader.problems)


def _read_file(path: Path, reader: _Reader, encoding: str) -> Iterator[Record]:
    suffix = path.suffix.lower()
    if not path.is_file():
        reader.problem("no such file", None, None, None, "check the path")
        return
    if suffix in (".csv", ".xlsx", ".xlsm"):
        yield from _read_table(path, reader, encoding)
    elif suffix in (".yaml", ".yml", ".json"):
        try:
            data = path.read_bytes()
        except OSError as exc:
            reader.problem(f"cannot read: {exc.strerror or exc}", None, None, None, "check the path and permissions")
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            # YAML and JSON are UTF-8 by their own rules: say where the bad byte is, as the CSV reader does.
            before = data[:exc.start]
            line, column = before.count(b"\n") + 1, len(before) - before.rfind(b"\n")
            reader.problem(f"byte 0x{data[exc.start]:02x} is not UTF-8 text", line, column, None,
                           "save the file as UTF-8, as YAML and JSON files must be")
            return
        try:
            doc = (load_json(text, str(path)) if suffix == ".json" else
                   load_yaml(text, str(path), strict=False, partial=True))
        except InputError as exc:
            # What stops the parser stops the file: a syntax error where it is (the records before it are read,
            # and its problem says how many), an alias bomb all of it. Said so, as the summary says the rest were
            # checked.
            doc = _before_syntax_error(text, str(path), exc) if isinstance(exc, YamlSyntaxError) else None
            if doc is None:
                for p in exc.problems:
                    if not p.message.endswith(NONE_READ):
                        p.message += f": {NONE_READ}"
            reader.problems.extend(exc.problems)
            if doc is None:
                return
        reader.problems.extend(doc.problems)
        yield from _read_mapping_records(doc, reader)
    else:
        reader.problem(f"unknown file type {suffix or '(none)'}", None, None, None,
                       given_as_url(path) or "give a .yaml, .json, .csv or .xlsx file")


def _before_syntax_error(text: str, file: str, stop: YamlSyntaxError) -> Located | None:
    """The records of a YAML file wholly before the syntax error that stopped it: the text up to the line of the
    record the parser stopped in (or of the end of the list of records, where it ended before), read again; its
    problem told from which line the file was not read. None where no record is read so (a list written in
    brackets, cut, is no YAML)."""
    starts, end = list_items(text, "records")
    began = [i for i in starts if i <= stop.index]
    cut = end if end is not None and end <= stop.index else began[-1] if began else None
    if cut is None:
        return None
    cut = text.rfind("\n", 0, cut) + 1
    try:
        doc = load_yaml(text[:cut], file, strict=False, partial=True)
    except InputError:
        return None
    items = doc.value.get("records") if isinstance(doc.value, dict) else doc.value
    if not isinstance(items, list) or not items:
        return None
    stop.problems[0].message += f": {not_read_from(text.count(chr(10), 0, cut) + 1, len(items))}"
    return doc


def load_records(paths: Sequence[str | Path], vocabulary: Vocabulary | None = None, *,
                 encoding: str = DEFAULT_ENCODING) -> list[Record]:
    """Read records from YAML, JSON, CSV or XLSX files; raise InputError listing every bad row (warnings aside)."""
    records, problems = read_records(paths, vocabulary, encoding=encoding)
    if errors(problems):
        raise InputError(*errors(problems))
    return records


def drawn_on(records: Sequence[Record], day: date) -> tuple[list[Record], list[Problem]]:
    """The records as drawn on ``day`` (--extract-date, which stands in for their own), and a warning for each file
    whose records say they were drawn on another day, as a census that says so is warned of."""
    warnings: list[Problem] = []
    return list(redrawn(records, day, warnings)), warnings


def redrawn(records: Iterable[Record], day: date, warnings: list[Problem]) -> Iterator[Record]:
    """``drawn_on`` a record at a time: the warnings are added to ``warnings`` once the records are read through."""
    said: dict[tuple[str | None, date], int] = {}
    for rec in records:
        if rec.extract_date is not None and rec.extract_date != day:
            file = rec.origin()[0]
            said[(file, rec.extract_date)] = said.get((file, rec.extract_date), 0) + 1
        yield rec.with_extract_date(day)
    warnings.extend(redrawn_warning(own, day, count, file) for (file, own), count in said.items())


def redrawn_warning(own: date, day: date, count: int, file: str | None = None) -> Problem:
    """The warning for ``count`` records whose extract_date says ``own``, judged as drawn on ``day`` instead."""
    return Problem(f"{count} record(s) say they were drawn on {own.isoformat()}; --extract-date {day.isoformat()} is "
                   "taken instead", file=file, field="extract_date",
                   hint="leave --extract-date out to judge each record as of its own extract_date", warning=True)


def records_from_text(text: str, fmt: str = "yaml", vocabulary: Vocabulary | None = None) -> list[Record]:
    """Records from an in-memory document (``yaml``, ``json`` or ``csv``), for tools that already hold the text."""
    vocab = vocabulary or load_vocabulary()
    reader = _Reader(vocab, "<text>")
    if fmt == "csv":
        # Read as a file's rows are (_csv): lines ending at CR, LF or CRLF, a quote left open said at its row.
        rows = csv_rows(io.StringIO(text, newline=""), reader.problem, left_alone=for_people)
        first = next(rows, None)
        header = first[1] if first else []
        records = list(_rows_to_records(rows, header, 1, reader, csv_column))
    else:
        doc = load_json(text, "<text>") if fmt == "json" else load_yaml(text, "<text>")
        reader.problems.extend(doc.problems)
        records = _read_mapping_records(doc, reader)
    if reader.problems:
        raise InputError(*reader.problems)
    return records
