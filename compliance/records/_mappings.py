"""Column mappings: a YAML file that turns a case-management extract into records, without code.

A table mapping (CSV or XLSX, e.g. an Ofsted Annex A list) names the record kind, how to build each
record's id, and which column holds each attribute and event. An XML mapping (the DfE children-in-need
census) names the element to stream (``unit``, one child), and for each kind of record the elements
to make records from (``each``) and the paths to their fields. Files are streamed: a table a row at
a time, XML a child at a time, so a national census needs little memory. A row or element that
cannot be read is reported with file, row (or line) and column (or element), and the rest are still read.
XML nested deeper than ``MAX_DEPTH`` or declaring entities is read no further; a unit holding more than
``MAX_UNIT_ELEMENTS`` elements or ``MAX_UNIT_TEXT`` characters is skipped, with the line it starts on.

Field forms, for attributes and events alike:

* ``Column name`` (or an XML path): the cell's value;
* ``{column: C, values: {"a) Yes": true, "b) No": false}}``: the value through a table of codes;
* ``{columns: [A, B]}`` or ``{paths: [A, B]}``: the first that is filled in;
* ``{value: true}``: the same value for every record;
* ``{column: C, present: true}``: true when the cell is filled in, false when it is empty;
* ``{path: P, all: true}`` (XML, repeating events): every matching element (or, from tables, every row);
* ``{column: C, last: true}``: the value in the last of the record's rows, empty or not (the current
  placement's start; whether the latest episode has ended).
* ``{column: C, all: true, since: E}``: an event's dates on or after the record's event ``E`` (its latest
  date) alone, those before belonging to a part of the case the record does not measure (the visits to an
  earlier placement, where a looked-after record measures visits from the current one).
* ``{column: C, recent_years: N}`` (tables): the table keeps only the rows of the last N years before the day the
  extract was drawn (the SSD keeps six years of reviews and visits, and the periods of care that began long before).
  A record whose case began before then may have lost some: the event is unknown on it (missing data, "not in this
  extract", never late or overdue), unless it happens once and a date is given. Recurring dates are all unknown on
  it, since which occurrence the first one kept is cannot be told.

``recorded_deadlines`` maps a rule id to the column or path holding the deadline the council's own
system recorded for it (the census's ``InitialCPCtarget`` for ``icpc-15wd``): each finding then
compares its deadline with the system's.

``extract_date`` says where the day the extract was drawn comes from: an XML path from the document's
root, outside the streamed units (the census's ``Message/Header/CollectionDetails/ReferenceDate``,
which comes before the children), or ``given`` where the file holds none (an Annex A list: the user
gives ``--extract-date``, which also corrects a date the file holds). An extract holds nothing that
happened after that day, so a duty falling due after it is "not in this extract", never overdue.
XML paths are relative to the ``each`` element; ``..`` goes up one element, and a leading ``/``
starts from the unit.

A ``tables`` mapping (the Standard Safeguarding Dataset) reads related tables, from a database URL or
from CSV files named after the tables: each kind of record has a ``table`` and its ``key`` (a row's
identifier), optionally a ``group`` column whose rows make one record (a looked-after period's episodes)
and an ``order`` (a date column); ``join`` names the tables that point at it, each with the column
holding the record's key (``on``), its own ``key`` and ``order``. A field from a joined table is written
``table.column``. Records are read by records/_related.py, from the database in one sorted query per
kind of record; when the rules are known, only the columns their duties read are asked for.
"""

from __future__ import annotations

import difflib
import re
import xml.parsers.expat
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Collection, Iterator, Sequence
from xml.etree.ElementTree import Element

from ..calendars import DEFAULT_CALENDAR, add_months, day_of, get_calendar, number_message
from ..errors import InputError, Problem, listed, ordinal, quoted, shown
from ..resources import mappings_dir
from ..rules import Rule, RuleSet, Vocabulary, bundled_names, load_vocabulary
from ..yamlio import load_yaml, yaml_text
from ._cells import NOT_CALCULATED, NOT_CALCULATED_HINT, NOT_CALCULATED_MESSAGE
from ._csv import DEFAULT_ENCODING, codec_name
from ._database import (CHUNK_ROWS, Database, checking_note, dialect_of, given_as_url, is_database_url, reading_note,
                        shown_url)
from ._date_order import DateOrder
from ._record import (NO, TARGET_PREFIX, UNKNOWN, YES, EventDate, Record, RecordCheck, is_unknown, measured_text,
                      parse_event_date, sort_key, suggest)
from ._related import Group, Related, Row, TablePart, csv_groups, database_groups, missing, query
from ._tables import csv_line, header_under_titles, other_separator, table_rows

FORMATS = ("table", "cin-census-xml", "tables")
#: A date that starts with a day and a month in figures, either of which could come first (11/07/2023).
_NUMERIC_DAY = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2,4}")
#: The keys of a mapping file, and of each kind of record in it: a misspelt one (atributes:) would otherwise be
#: passed over, and every record read without what it names.
_MAPPING_KEYS = ("mapping", "title", "format", "date_formats", "notes", "sheet", "unit", "extract_date", "records")
_RECORD_KEYS = ("kind", "id", "each", "attributes", "events", "recorded_deadlines", "duties", "table", "key", "group",
                "order", "join")
#: ``extract_date: given``: the extract's file holds no date; the user gives it (--extract-date).
GIVEN = "given"
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_FEED_BYTES = 1 << 20


@dataclass(frozen=True)
class Field:
    """Where one attribute or event comes from."""

    name: str
    sources: tuple[str, ...] = ()
    values: dict[str, Any] | None = None
    constant: Any = None
    has_constant: bool = False
    present: bool = False
    all: bool = False
    #: The value in the last row of a record read from tables, empty or not.
    last: bool = False
    #: An event whose dates count only from the record's ``since`` event on (its latest date), those before belonging
    #: to an earlier part of the case the record does not measure (visits to an earlier placement).
    since: str | None = None
    #: The table keeps only rows dated within this many years of the day the extract was drawn (the SSD's window).
    recent_years: int | None = None


@dataclass(frozen=True)
class Join:
    """A table joined to a kind of record read from tables: the rows whose ``on`` column holds the record's key."""

    table: str
    on: str
    key: str
    order: str | None = None
    #: Rows left out (a review marked cancelled): a column, and its codes, each True for a row not to count and False
    #: for one that counts; None for a yes-or-no flag (``_FLAG``). An empty cell counts the row; any other value is a
    #: problem, since read either way it could make a late review met.
    skip_if: tuple[tuple[str, tuple[tuple[str, bool], ...] | None], ...] = ()


@dataclass(frozen=True)
class RecordSpec:
    """How to make records of one kind: from which element (XML), with which id and fields."""

    kind: str
    id_template: str
    attributes: tuple[Field, ...]
    events: tuple[Field, ...]
    each: str | None = None
    #: The system's own deadlines, by rule id (the census's InitialCPCtarget for icpc-15wd).
    recorded_deadlines: tuple[Field, ...] = ()
    #: The duties measured on these records (rule ids or duty names); None: every duty of the kind.
    duties: frozenset[str] | None = None
    #: From tables: the table, its row identifier, the column shared by the rows of one record (default the key),
    #: the date column that orders them, and the tables joined to it.
    table: str | None = None
    key: str | None = None
    group: str | None = None
    order: str | None = None
    joins: tuple[Join, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """A column mapping read from YAML."""

    name: str
    title: str
    format: str
    specs: tuple[RecordSpec, ...]
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    sheet: str | None = None
    unit: str | None = None
    notes: str | None = None
    file: str | None = None
    #: Where the day the extract was drawn comes from: an XML path from the root (its elements' names),
    #: ``GIVEN`` (the user says, with --extract-date), or None (the mapping does not say).
    extract_date: tuple[str, ...] | str | None = None

    def month_first(self) -> bool:
        """Whether a date format puts the month before the day, before the year (MM/DD/YYYY)."""
        return any(0 <= f.find("%m") < f.find("%d") < max(f.find("%Y"), f.find("%y")) for f in self.date_formats)

    def events(self, kind: str) -> frozenset[str]:
        """The events this mapping can fill in for records of ``kind``."""
        return frozenset(f.name for spec in self.specs if spec.kind == kind for f in spec.events)

    def kinds(self) -> set[str]:
        return {spec.kind for spec in self.specs}

    def duties(self, rules: RuleSet | Sequence[Rule]) -> list[Rule]:
        """The rules an extract read with this mapping can answer: their completion is among the mapped events,
        and so is their trigger (or the event that bounds it). Others would only report the extract's gaps.
        A name among a kind's duties that no rule has, in use or bundled, is refused: every record of that kind
        would be measured for nothing."""
        names = {r.id for r in rules} | {r.duty for r in rules}
        for spec in self.specs:
            slips = sorted(d for d in spec.duties or () if d not in names and d not in bundled_names())
            if slips:
                raise InputError(Problem(f"no rule or duty is called {slips[0]!r} (among the duties of the "
                                         f"{spec.kind} records)", file=self.file, field="duties",
                                         hint=suggest(slips[0], names)))
        out = []
        for rule in rules:
            if rule.applies_to not in self.kinds():
                continue
            specs = [spec for spec in self.specs if spec.kind == rule.applies_to and
                     (spec.duties is None or rule.id in spec.duties or rule.duty in spec.duties)]
            if not specs:
                continue
            events = frozenset(f.name for spec in specs for f in spec.events)
            if rule.completion in events and (rule.trigger in events or events & set(rule.no_later_than)):
                out.append(rule)
        return out


#: The part of a record that a source's values are rows of, as (what they are, e.g. "ssd_cin_assessments rows",
#: their values one a row), or None for the record's own values.
Parts = Callable[[str], "tuple[str, list[Any]] | None"]


def _given(value: Any) -> bool:
    return value is not None and str(value).strip() != ""


def available_mappings() -> dict[str, Path]:
    """Bundled mapping names and their files."""
    return {p.stem: p for p in sorted(mappings_dir().glob("*.yaml"))}


def _texts(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(x, str) and x for x in value)


def _field(name: str, raw: Any, where: Callable[[str], dict[str, Any]], xml: bool) -> Field:
    if isinstance(raw, str) and raw:
        return Field(name, (raw,))
    if _texts(raw):
        return Field(name, tuple(raw))
    if not isinstance(raw, dict):
        raise InputError(Problem(f"cannot read the source of {name!r}", field=name, **where(name),
                                 hint="a column name, a list of them, or {column: ..., values: {...}}"))
    known = {"column", "columns", "path", "paths", "values", "value", "present", "all", "last", "since",
             "recent_years"}
    unknown = sorted((k for k in raw if k not in known), key=str)
    if unknown:
        raise InputError(Problem(f"unknown key {shown(unknown[0])} in the source of {name!r}", field=name,
                                 **where(name), hint="one of: " + ", ".join(sorted(known))))
    if "value" in raw:
        return Field(name, constant=raw["value"], has_constant=True)
    single = raw.get("path" if xml else "column", raw.get("column", raw.get("path")))
    many = raw.get("paths" if xml else "columns", raw.get("columns", raw.get("paths")))
    what = "path" if xml else "column"
    if many is not None and not _texts(many) or single is not None and not (isinstance(single, str) and single):
        raise InputError(Problem(f"the {what} of {name!r} must be a name, or a list of names", field=name,
                                 **where(name)))
    sources = tuple(many) if many else (single,) if single else ()
    if not sources:
        raise InputError(Problem(f"no {what} for {name!r}", field=name, **where(name)))
    values = raw.get("values")
    if values is not None and not isinstance(values, dict):
        raise InputError(Problem(f"values for {name!r} must map codes to values", field=name, **where(name)))
    since = raw.get("since")
    if since is not None and not (isinstance(since, str) and since):
        raise InputError(Problem(f"since for {name!r} must name an event", field=name, **where(name)))
    years = raw.get("recent_years")
    if years is not None and (isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 100):
        raise InputError(Problem(f"recent_years for {name!r} must be a whole number of years from 1 to 100, not "
                                 f"{shown(years)}", field=name, **where(name), hint="e.g. recent_years: 6"))
    return Field(name, sources, {str(k): v for k, v in values.items()} if values else None,
                 present=bool(raw.get("present")), all=bool(raw.get("all")), last=bool(raw.get("last")), since=since,
                 recent_years=years)


def _fields(raw: dict[str, Any], part: str, where: Callable[..., dict[str, Any]], xml: bool) -> tuple[Field, ...]:
    """The attributes, events or recorded deadlines of one kind of record: names, each with its source."""
    given = raw.get(part) or {}
    bad = not isinstance(given, dict) or next((k for k in given if not isinstance(k, str)), None) is not None
    if bad:
        raise InputError(Problem(f"{part} must map names to columns or paths", field=part, **where(None, part),
                                 hint=f"e.g. {part}:\n  name: Column heading"))
    return tuple(_field(k, v, lambda k, p=part: where(k, p), xml) for k, v in given.items())


def load_mapping(name_or_path: str | Path, vocabulary: Vocabulary | None = None) -> Mapping:
    """A mapping by bundled name (``annex-a-list4``) or file path, checked against the vocabulary."""
    path = Path(name_or_path)
    if not path.is_file():
        bundled = available_mappings()
        if path.is_dir() and str(name_or_path) not in bundled:  # (a folder ssd/ beside --mapping ssd is no matter)
            inside = sorted(f.name for f in path.glob("*.y*ml"))
            raise InputError(Problem(f"{str(name_or_path)!r} is a folder, not a mapping file", field="mapping",
                                     hint=f"give the mapping's file: {listed(inside)}" if inside else
                                     "give the mapping's .yaml file, or one of the bundled mappings: "
                                     + ", ".join(sorted(bundled))))
        if str(name_or_path) not in bundled:
            # A name with a folder or .yaml in it was meant as a file: say that file is not there.
            looks_like_file = path.suffix.lower() in (".yaml", ".yml") or len(path.parts) > 1
            said = (f"no mapping file {str(name_or_path)!r} (no such file)" if looks_like_file
                    else f"no mapping called {str(name_or_path)!r}")
            raise InputError(Problem(said, field="mapping",
                                     hint="check the path of the mapping file, or give one of the bundled mappings: "
                                          + ", ".join(sorted(bundled))))
        path = bundled[str(name_or_path)]
    located = load_yaml(yaml_text(path, "mapping file"), str(path))
    doc = located.value
    vocab = vocabulary or load_vocabulary()
    if not isinstance(doc, dict):
        raise InputError(Problem("a mapping file is a YAML mapping", file=str(path), line=1))

    def need(ok: bool, key: str, message: str, hint: str | None = None) -> None:
        if not ok:
            raise InputError(Problem(message, field=key, **located.where((key,)), hint=hint))

    allowed = _MAPPING_KEYS + (() if "records" in doc else _RECORD_KEYS)  # one kind of record may be written at the top
    for key in doc:
        if key not in allowed:
            raise InputError(Problem(f"unknown key {shown(key)} in the mapping", field=str(key),
                                     **located.key_where((key,)), hint=suggest(str(key), allowed)))
    fmt = doc.get("format", "table")
    need(isinstance(fmt, str) and fmt in FORMATS, "format", f"unknown format {shown(fmt)}",
         "one of: " + ", ".join(FORMATS))
    xml = fmt == "cin-census-xml"
    formats = doc.get("date_formats") or ["%Y-%m-%d"]
    need(_texts(formats), "date_formats", "date_formats must be a list of formats", 'e.g. ["%d/%m/%Y"]')
    for written in formats:
        fault = _format_fault(written)
        need(fault is None, "date_formats", f"the date format {written!r} {fault}",
             'strptime codes, e.g. "%d/%m/%Y" for 14/12/2018 or "%Y-%m-%d %H:%M:%S" for 2018-12-14 09:30:00')
    for key in ("mapping", "title", "sheet", "unit", "notes"):
        need(doc.get(key) is None or isinstance(doc.get(key), str), key, f"{key} must be text")
    # A day written here (2025-03-31) would be one extract's, not the mapping's: the day is given with each run.
    need(doc.get("extract_date") is None or isinstance(doc.get("extract_date"), str), "extract_date",
         f"extract_date says where the day an extract was drawn comes from, not the day itself: {GIVEN} (the day is "
         "given with --extract-date), or for an XML file the path of the element that holds it",
         f"write extract_date: {GIVEN}, and --extract-date {doc.get('extract_date')} when the extract is read")
    extract_date: tuple[str, ...] | str | None = doc.get("extract_date")
    if isinstance(extract_date, str) and extract_date != GIVEN:
        need(xml, "extract_date", f"a table has no header to read the extract's date from: write extract_date: {GIVEN}",
             "then give --extract-date when checking it")
        extract_date = tuple(s for s in extract_date.split("/") if s)
    raw_specs = doc.get("records") if "records" in doc else [doc]
    need(isinstance(raw_specs, list), "records", "records must be a list of kinds of record",
         "each with kind, id, attributes and events")
    specs = []
    for i, raw in enumerate(raw_specs):
        base: tuple[Any, ...] = ("records", i) if "records" in doc else ()
        if not isinstance(raw, dict):
            raise InputError(Problem("each kind of record is a mapping with kind, id, attributes and events",
                                     field="records", **located.where(base)))
        for key in raw if base else ():
            if key not in _RECORD_KEYS:
                raise InputError(Problem(f"unknown key {shown(key)} in a kind of record", field=str(key),
                                         **located.key_where(base + (key,)),
                                         hint=suggest(str(key), _RECORD_KEYS)))
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in vocab.kinds:
            raise InputError(Problem(f"unknown record kind {shown(kind)}", field="kind",
                                     **located.where(base + ("kind",)), hint="one of: " + ", ".join(sorted(vocab.kinds))))
        if not isinstance(raw.get("id"), str):
            raise InputError(Problem("each record needs an id template, e.g. \"{Child Unique ID}-{Date of Referral}\"",
                                     field="id", **located.where(base)))
        outside = _TEMPLATE.sub("", raw["id"])
        if not _TEMPLATE.search(raw["id"]) or "{" in outside or "}" in outside:
            # An id naming no column is the same for every row: each after the first would be called a duplicate.
            raise InputError(Problem(f"the id template {raw['id']!r} names no column, or a brace is left open",
                                     field="id", **located.where(base + ("id",)),
                                     hint="name the columns in braces, e.g. \"{Child Unique ID}-{Date of Referral}\""))
        if raw.get("each") is not None and not isinstance(raw.get("each"), str):
            raise InputError(Problem("each must be a path, e.g. CINdetails/Section47", field="each",
                                     **located.where(base + ("each",))))

        def where(key: str | None, part: str, base: tuple[Any, ...] = base) -> dict[str, Any]:
            return located.where(base + ((part, key) if key is not None else (part,)))

        attributes = _fields(raw, "attributes", where, xml)
        events = _fields(raw, "events", where, xml)
        for f in events:
            if f.name not in vocab.events(kind):
                raise InputError(Problem(f"unknown event {f.name!r} for {kind} records", field=f.name,
                                         **where(f.name, "events"), hint=suggest(f.name, vocab.events(kind))))
            if f.since is not None and f.since not in {e.name for e in events if e is not f}:
                raise InputError(Problem(f"{f.name} counts since {f.since!r}, which is not an event this mapping "
                                         f"reads for {kind} records", field=f.name, **where(f.name, "events"),
                                         hint=suggest(f.since, [e.name for e in events if e is not f])))
        targets = _fields(raw, "recorded_deadlines", where, xml)
        for part, f in [("attributes", f) for f in attributes] + [("recorded_deadlines", f) for f in targets]:
            for key, given in (("since", f.since), ("recent_years", f.recent_years)):
                if given is not None:  # only events are counted from another event's day, or kept for some years
                    raise InputError(Problem(f"{key} is for events; {f.name!r} is among the {part}", field=f.name,
                                             **where(f.name, part), hint=f"leave {key} out"))
        for f in attributes:
            if f.name not in vocab.attributes(kind):
                raise InputError(Problem(f"unknown attribute {f.name!r} for {kind} records", field=f.name,
                                         **where(f.name, "attributes"), hint=suggest(f.name, vocab.attributes(kind))))
            # What a code maps to is read as a cell would be: a value the attribute cannot take is the mapping's
            # slip, said here once, not at every cell that holds the code.
            spec = vocab.attributes(kind)[f.name]
            for code, value in ([("value", f.constant)] if f.has_constant else []) + list((f.values or {}).items()):
                wrong: list[str] = []
                RecordCheck.attribute(f.name, spec, value, lambda message, *_: wrong.append(message))
                if wrong:
                    raise InputError(Problem(f"{code!r} maps to {shown(value)}, which {f.name} cannot be: "
                                             f"{wrong[0]}", field=f.name, **where(f.name, "attributes"),
                                             hint="map each code to a value the attribute takes (true or false for "
                                             "a yes-or-no attribute)"))
        duties = raw.get("duties")
        if duties is not None and (not isinstance(duties, list) or not duties or
                                   not all(isinstance(d, str) and d.strip() for d in duties)):
            # An empty list would measure nothing on the records: they would be read for no duty at all.
            raise InputError(Problem("duties must be a list of one or more rule ids or duty names", field="duties",
                                     **located.where(base + ("duties",)),
                                     hint="e.g. duties: [icpc-15wd]; leave out the records no duty is measured on"))
        spec = RecordSpec(kind, raw["id"], attributes, events, raw.get("each"), targets,
                          frozenset(duties) if duties is not None else None)
        if fmt == "tables":
            spec = _tables_spec(spec, raw, located, base)
        specs.append(spec)
    if xml and not doc.get("unit"):
        raise InputError(Problem("an XML mapping names the element to stream, e.g. unit: Child", field="unit",
                                 file=str(path)))
    return Mapping(str(doc.get("mapping") or path.stem), str(doc.get("title") or path.stem), fmt, tuple(specs),
                   tuple(formats), doc.get("sheet"), doc.get("unit"), doc.get("notes"), str(path), extract_date)


def _format_fault(written: str) -> str | None:
    """Why ``written`` cannot be a mapping's date format (a code strptime does not know, no whole date), or None:
    a day written in it must read back as that day."""
    sample = datetime(2001, 2, 3, 4, 5, 6, 7000, tzinfo=timezone.utc)  # aware, for %z and %Z
    try:
        back = datetime.strptime(sample.strftime(written), written)
    except ValueError as exc:
        return f"cannot be read: {exc}"
    if back.date() != sample.date():
        return "does not hold a whole date (day, month and year)"
    return None


# -- turning values into record fields -----------------------------------------------------------------

def _written(fmt: str) -> str:
    """A strptime format as a person writes it: DD/MM/YYYY, YYYY-MM-DD HH:MM:SS.fff."""
    for code, written in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%H", "HH"), ("%M", "MM"), ("%S", "SS"),
                          ("%f", "fff")):
        fmt = fmt.replace(code, written)
    return fmt


@dataclass
class _Builder:
    """Builds records from looked-up values, reporting each bad value where it was found."""

    mapping: Mapping
    vocab: Vocabulary
    file: str
    problems: list[Problem] = field(default_factory=list)
    #: The day the extract was drawn, given or read from its header; None while not known.
    extract_date: date | None = None
    #: Problems about one of a record's rows (by the problem's id): which, the n-th of its table's in order.
    rows: dict[int, int] = field(default_factory=dict)
    #: Whether the values come from a database, whose columns have SQL types (a number is no unformatted cell).
    database: bool = False
    #: The day a table keeping only recent rows counts its years back from, where the extract's own date is not known:
    #: the as-of date or the day it is read, whichever is later (it was drawn by then, so it keeps no less).
    read_on: date | None = None
    #: The records whose case began before such a table's years, by kind and event: said once, as a warning.
    before_window: dict[tuple[str, str, date], int] = field(default_factory=dict)
    #: Sees the text of a table's date cells, where a file's dates may run the other way (_read_table).
    order: DateOrder | None = None

    @cached_property
    def check(self) -> RecordCheck:
        """The vocabulary's checks, one for the extract: its records then share the set of events they can tell."""
        return RecordCheck(self.vocab)

    def problem(self, message: str, line: int | None, column: Any, fld: str | None, hint: str | None = None,
                warning: bool = False) -> None:
        self.problems.append(Problem(message, file=self.file, line=line, column=column, field=fld, hint=hint,
                                     warning=warning))

    def date(self, value: Any) -> EventDate:
        # An extract's date-times at midnight are days: a database's DATETIME, a date format with its time.
        if isinstance(value, (date, datetime)):
            return parse_event_date(value, midnight_is_day=True)
        text = str(value).strip()
        for fmt in self.mapping.date_formats:
            try:
                parsed = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return parse_event_date(parsed, midnight_is_day=True)
        if self.mapping.month_first() and _NUMERIC_DAY.match(text):
            # The usual reading puts the day first, which a mapping that says the month comes first contradicts:
            # 11/07/2023 would be 11 July here and 7 November in the rows its formats read.
            raise ValueError(text)
        # Read as every date is where the formats do not read it (2025-04-03 00:00:00, as an export writes a date
        # column), and a day at midnight all the same: else the one extract read a day two ways, and a 72-hour clock
        # ran from midnight for one row and from the day for the next. A time with its UTC offset is an instant:
        # 2025-04-02T23:00Z is 00:00 in London, not the day.
        moment = parse_event_date(text)
        return moment if _names_offset(text) else parse_event_date(moment, midnight_is_day=True)

    def record(self, spec: RecordSpec, lookup: Callable[[str], tuple[list[Any], Any]], line: int | None,
               where: Callable[[str], Any], parts: Parts | None = None) -> Record | None:
        """A record for one row or element; ``lookup(source)`` gives (values, location) for a column or path, and
        ``parts(source)`` the part of the record that a source's values are one a row of, where it may have several
        (a joined table's rows, repeated elements)."""
        before = len(self.problems)
        if parts is not None:
            lookup = self.one_row(spec, lookup, parts, line)
        rid = self.template(spec.id_template, lookup, line, where,
                            {source for f in spec.events + spec.recorded_deadlines for source in f.sources})
        attributes: dict[str, Any] = {}
        for f in spec.attributes:
            value = self.attribute(spec.kind, f, lookup, line, where)
            if value is not None:
                attributes[f.name] = value
        events: dict[str, tuple[EventDate, ...]] = {}
        not_known: list[str] = []
        for f in spec.events:
            found = self.values(f, lookup)
            if found is None:
                continue
            items, source = found
            if NOT_CALCULATED in items or (len(items) == 1 and is_unknown(items[0])):
                # A cell saying unknown, or a workbook's formula with no saved result: a date not known, never "not
                # happened", as the record layout reads them.
                not_known.append(f.name)
                continue
            if len(items) > 1 and not self.vocab.repeats(spec.kind, f.name):
                self.problem(f"{f.name} happens once, but {len(items)} dates are given", line, where(source), source)
                continue
            dates = []
            for item in items:
                if self.order is not None:
                    self.order.see(item, line, where(source))
                try:
                    dates.append(self.date(item))
                except ValueError as exc:
                    formats = " or ".join(dict.fromkeys(_written(fmt) for fmt in self.mapping.date_formats))
                    text = str(item).strip()
                    # A workbook's date column that lost its format holds Excel's serials: say which day each is.
                    serial = re.fullmatch(r"[0-9]+(\.[0-9]+)?", text)
                    # Else what the usual reading found wrong (a two-digit year, TBC), where it read the cell: a
                    # mapping whose month comes first refuses a day-first date unread.
                    said = str(exc)
                    message = (number_message(float(text), quoted(text), text) if serial and not self.database
                               else said if said.startswith(f"{shown(text)} is not a date: ")
                               else f"{quoted(text)} is not a date")
                    hint = f"this mapping reads dates as {formats}"
                    sql = _SQL_NUMBERS.get(type(item).__name__) if self.database else None
                    if sql:  # a database column has a type, not a format: an Excel serial's advice would not do
                        message = f"{text} is a number ({sql}), not a date"
                        hint = (f"store dates as DATE or DATETIME values (2024-03-06 00:00:00.000), or as text "
                                f"written {formats}")
                    self.problem(message, line, where(source), source, hint)
                    break
            else:
                events[f.name] = tuple(sorted(dates, key=sort_key))
        for f in spec.events:
            if f.since and f.name in events and events.get(f.since):
                start = max(day_of(d) for d in events[f.since])
                events[f.name] = tuple(d for d in events[f.name] if day_of(d) >= start)
            elif f.since and f.name in events:
                # With no day to count from, none can be told to be after it (a visit may be to an earlier
                # placement): none is counted, and a duty that needs the day is missing data naming it.
                del events[f.name]
        for name in self.lost_to_window(spec, events):
            events.pop(name, None)
            not_known.append(name)
        given: dict[str, Any] = {**events, **dict.fromkeys(not_known, UNKNOWN)}
        targets: dict[str, tuple[EventDate, ...]] = {}
        for f in spec.recorded_deadlines:
            found = self.values(f, lookup)
            if found is None:
                continue
            items, source = found
            if self.not_calculated(items, line, where(source), source):
                continue
            if f.all:
                items = self.before_gap(f.name, lookup(source)[0], line, where(source), source)
                if not items:
                    continue
            try:
                dates = [self.date(item) for item in items]
            except ValueError:
                self.problem(f"{quoted(str(items[0]).strip())} is not a date (the system's deadline for {f.name})",
                             line, where(source), source, "this mapping's date_formats say how dates are written")
                continue
            targets[f.name] = tuple(sorted(self.held_or_next(spec, dates, lookup, source) if f.all else dates,
                                           key=sort_key))
        if rid is not None and self.mapping.format == "table" and not self.holds_any(spec, lookup):
            # A spreadsheet's totals row ("Total | 5") or a note under the table: the id's column is filled, nothing
            # else the mapping reads is. Read as a record, it would be a case with every duty missing its dates. (A
            # database's or census's row like it is a case with nothing recorded, and is judged as one.)
            shown_in = _TEMPLATE.findall(spec.id_template)[0]
            self.problem(f"this row has an id ({quoted(rid)}) but no dates or attributes: nothing else this mapping "
                         "reads is filled in, so it is not a record (a totals or notes row?)", line, where(shown_in),
                         shown_in, "delete the row if it is not a case, or fill in its dates")
            return None
        if any(not p.warning for p in self.problems[before:]):  # a warning rejects nothing
            # One bad cell mapped to two events (list 5's start date) is one problem, not two.
            unique: dict[tuple[Any, ...], Problem] = {}
            for p in self.problems[before:]:
                unique.setdefault((p.line, p.column, p.message), p)
            self.problems[before:] = list(unique.values())
            return None
        if rid is None:
            return None
        sources = {f.name: f.sources[0] for f in spec.attributes + spec.events if f.sources}

        def report(message: str, fld: str | None, hint: str | None) -> None:
            self.problem(message, line, where(sources[fld]) if fld in sources else None, sources.get(fld, fld), hint)

        # The vocabulary's defaults and checks, as for any record; the extract holds only the events mapped.
        check = self.check
        parts = check.parts(rid, spec.kind, attributes, given, report)
        if parts is None:
            return None
        rid, kind, attributes, dates, unknown = parts
        attributes, implied, conflicts = check.implications(kind, attributes, dates)
        return Record.checked(rid, kind, attributes, dates, f"{self.file}:{line}" if line else self.file,
                              check.holds(kind, self.mapping.events(spec.kind), unknown), targets, spec.duties,
                              extract_date=self.extract_date, implied=implied, conflicts=conflicts,
                              implying=self.vocab.implications(kind))

    def lost_to_window(self, spec: RecordSpec, events: dict[str, tuple[EventDate, ...]]) -> list[str]:
        """The events of a table that keeps only recent rows which this record may have lost: its case began (its
        earliest date from the other tables, or its ``since`` event) on or before the first day kept. Such an event
        is unknown, never "not happened": the first review kept would be taken for the first review held, late by
        years. An event that happens once and is given is kept (it is the one)."""
        windowed = [f for f in spec.events if f.recent_years is not None]
        if not windowed:
            return []
        drawn = self.extract_date or self.read_on or _today()
        names = {f.name for f in windowed}
        # The case's beginning: its earliest date from the other tables.
        case_begun = self.days([d for name, dates in events.items() if name not in names for d in dates])
        lost = []
        for f in windowed:
            if f.name in events and not self.repeats(spec, f):
                continue
            first_kept = add_months(drawn, -12 * (f.recent_years or 0))
            begun = case_begun if f.since is None else self.days(events.get(f.since, ()))
            if begun and min(begun) <= first_kept:
                lost.append(f.name)
                key = (spec.kind, f.name, first_kept)
                self.before_window[key] = self.before_window.get(key, 0) + 1
        return lost

    def days(self, dates: Sequence[EventDate]) -> list[date]:
        """The days of ``dates`` a case can begin on: one before the calendar's first day (1971), which no duty
        reaches back to, is a placeholder (the SSD's 1900-01-01 for "none", Excel's day 0) or a slip, which the
        findings flag, not the start of a history a table keeping recent rows cut short."""
        return [day for d in dates if (day := day_of(d)) >= self.first_day]

    @cached_property
    def first_day(self) -> date:
        return get_calendar(DEFAULT_CALENDAR).first_day

    def repeats(self, spec: RecordSpec, f: Field) -> bool:
        return f.all or self.vocab.repeats(spec.kind, f.name)

    def window_warnings(self, file: str) -> list[Problem]:
        """One warning for each event a table keeping only recent rows may have lost on some records of ``file``."""
        return [Problem(f"{count} {kind} record(s) began on or before {first.isoformat()}, the first day the extract "
                        f"keeps {name} for: their {name} is not in this extract (missing data, never late or overdue), "
                        "since earlier ones may have been left out", file=file, field=name, warning=True,
                        hint="an extract of more years (the SSD's @ssd_timeframe_years) measures them")
                for (kind, name, first), count in self.before_window.items()]

    def not_calculated(self, items: Sequence[Any], line: int | None, column: Any, source: str) -> bool:
        """Whether ``items`` hold a workbook's formula with no saved result, a problem at its cell: a field other than
        an event may decide a duty, so the row is not read on a guess."""
        if NOT_CALCULATED not in items:
            return False
        self.problem(NOT_CALCULATED_MESSAGE, line, column, source, NOT_CALCULATED_HINT)
        return True

    @staticmethod
    def holds_any(spec: RecordSpec, lookup: Callable[[str], tuple[list[Any], Any]]) -> bool:
        """Whether a cell the mapping reads for ``spec``, its id aside, is filled in (a value every record is
        given, ``value:``, is read from none)."""
        return any(_given(v) for f in spec.attributes + spec.events + spec.recorded_deadlines
                   for source in f.sources for v in lookup(source)[0])

    @staticmethod
    def held_or_next(spec: RecordSpec, dates: list[EventDate], lookup: Callable[[str], tuple[list[Any], Any]],
                     source: str) -> list[EventDate]:
        """The system's deadlines of a joined table's rows (one an occurrence, rows in date order, ``dates``) for the
        occurrences held and the next ones to come: a row with a due date but no date of its own (a review not held,
        not cancelled) before the last held row is left out. Its due date is the missed occurrence's, whose deadline
        the next held row (the late review) has its own due date for; matched by order, it made every later row's
        due date the one before's (a review 122 working days "early")."""
        table, _, _ = source.rpartition(".")
        order = next((j.order for j in spec.joins if j.table == table and j.order), None)
        held = [_given(v) for v in lookup(f"{table}.{order}")[0]] if order else []
        if True not in held:
            return dates
        last = len(held) - held[::-1].index(True)  # rows in date order: those not held come after the held ones
        last_due = max(day_of(d) for d in dates[:last])
        return dates[:last] + [d for d in dates[last:] if day_of(d) > last_due]

    def before_gap(self, rule: str, given: list[Any], line: int | None, column: Any, source: str) -> list[Any]:
        """A record's recorded deadlines for ``rule``, one a row: the n-th is the n-th occurrence's, so where a row
        gives none and a later one does, only those before it can be placed, and the others are not compared
        (a warning says so)."""
        filled = [v is not None and str(v).strip() != "" for v in given]
        if True not in filled:
            return []
        end = len(filled) - filled[::-1].index(True)
        if all(filled[:end]):
            return given[:end]
        gap = filled.index(False)
        table, _, name = source.rpartition(".")
        rows = f"{table} rows (in date order)" if table else f"{name} values"
        compared = "none" if gap == 0 else "only the first" if gap == 1 else f"only the first {gap}"
        self.problem(f"the {ordinal(gap + 1)} of this record's {len(given)} {rows} has no {name}, though a later one "
                     f"has: the system's deadlines for {rule} are matched to the occurrences by their order, so "
                     f"{compared} can be compared", line, column, source, "fill in the missing date", warning=True)
        self.rows[id(self.problems[-1])] = gap
        return given[:gap]

    def one_row(self, spec: RecordSpec, lookup: Callable[[str], tuple[list[Any], Any]], parts: Parts,
                line: int | None) -> Callable[[str], tuple[list[Any], Any]]:
        """``lookup``, reading the fields that take one value (not all:, not last:) from one row of each part: the
        first that gives any of them. Taken field by field, a referral's first assessment's start and its second's
        authorisation made one assessment of two, late by the days between them; the rows after the first are
        said to be left out."""
        single = [f for f in spec.attributes + spec.events + spec.recorded_deadlines if not (f.all or f.last)]
        several = {s for f in spec.attributes + spec.events + spec.recorded_deadlines if f.all or f.last
                   for s in f.sources}
        by_part: dict[str, list[tuple[str, str, list[Any]]]] = {}
        for f in single:
            for source in f.sources:
                part = parts(source) if source not in several else None
                if part is not None:
                    by_part.setdefault(part[0], []).append((f.name, source, part[1]))
        picked: dict[str, list[Any]] = {}
        for part, fields in by_part.items():
            count = max(len(values) for _, _, values in fields)
            given = [i for i in range(count) if any(i < len(values) and _given(values[i]) for _, _, values in fields)]
            for _, source, values in fields:
                picked[source] = [values[given[0]]] if given and given[0] < len(values) else []
            if len(given) > 1:
                names = list(dict.fromkeys(name for name, _, _ in fields))
                self.problem(f"this record has {len(given)} {part} giving {' or '.join(names)}: only the first is "
                             f"read, so the {'other is' if len(given) == 2 else 'others are'} not measured (a "
                             f"{spec.kind} record holds one of each)", line, None, fields[0][1],
                             "each is a duty of its own: check the others by hand, or correct them if they are "
                             "mistakes", warning=True)
                self.rows[id(self.problems[-1])] = given[1]
        return lambda source: (picked[source], None) if source in picked else lookup(source)

    def values(self, f: Field, lookup: Callable[[str], tuple[list[Any], Any]]) -> tuple[list[Any], str] | None:
        for source in f.sources:
            items, _ = lookup(source)
            if f.last:
                items = items[-1:]
            items = [v for v in items if v is not None and str(v).strip() != ""]
            if items:
                return (items if f.all else items[:1]), source
        return None

    def attribute(self, kind: str, f: Field, lookup: Callable[[str], tuple[list[Any], Any]], line: int | None,
                  where: Callable[[str], Any]) -> Any:
        if f.has_constant:
            return f.constant
        found = self.values(f, lookup)
        if found is not None and self.not_calculated(found[0], line, where(found[1]), found[1]):
            return None
        if f.present:
            return found is not None
        if found is None:
            return None
        (value, *_), source = found
        text = value.strip() if isinstance(value, str) else value
        spec = self.vocab.attributes(kind).get(f.name, {})
        if f.values is not None:
            if str(text) not in f.values:
                # A yes-or-no attribute coded Y/N read from a database's true/false (BOOLEAN, BIT) or written Yes or
                # No: read as what it says, as skip_if reads a flag, not refused for want of a code.
                flag = text if isinstance(text, bool) else _FLAG.get(str(text).casefold())
                yes_no = spec.get("type") == "boolean" and all(isinstance(v, bool) for v in f.values.values())
                if flag is not None and yes_no:
                    return flag
                self.problem(f"{quoted(text)} is not one of the codes this mapping knows for {f.name}", line,
                             where(source), source, "known: " + ", ".join(map(repr, f.values))
                             + (", or yes or no (true or false)" if yes_no else ""))
                return None
            return f.values[str(text)]
        if spec.get("type") == "boolean" and not isinstance(text, bool):
            low = str(text).lower()
            if low in YES:
                return True
            if low in NO:
                return False
            self.problem(f"{quoted(text)} is not yes or no", line, where(source), source, "add values: to the mapping")
            return None
        if isinstance(text, (date, datetime)):
            return text.isoformat()
        return text if isinstance(text, str) else str(text)

    def template(self, template: str, lookup: Callable[[str], tuple[list[Any], Any]], line: int | None,
                 where: Callable[[str], Any], dates: Collection[str] = ()) -> str | None:
        """The record's id from ``template``; a date in it (from one of the columns ``dates``, or in one of the
        mapping's formats) written ISO, so that one day written two ways is one id."""
        missing: list[str] = []
        unknowable: list[str] = []  # a formula with no saved result, said at its cell

        def fill(m: re.Match[str]) -> str:
            items, _ = lookup(m.group(1))
            items = [v for v in items if v is not None and str(v).strip() != ""]
            if not items:
                missing.append(m.group(1))
                return ""
            if self.not_calculated(items[:1], line, where(m.group(1)), m.group(1)):
                unknowable.append(m.group(1))
                return ""
            value = items[0]
            if isinstance(value, (date, datetime)):
                return (value.date() if isinstance(value, datetime) else value).isoformat()
            text = str(value).strip()
            if m.group(1) in dates:
                try:  # as the event is read: 22/03/2024 00:00 is the day 22/03/2024 is
                    return day_of(self.date(text)).isoformat()
                except ValueError:
                    return text  # the event's own reading says what is wrong with it
            for fmt in self.mapping.date_formats:
                try:  # dates in ids are written ISO, whatever the extract's format
                    return datetime.strptime(text, fmt).date().isoformat()
                except ValueError:
                    continue
            return text

        rid = _TEMPLATE.sub(fill, template)
        if unknowable:
            return None
        if missing:
            self.problem(f"the record id needs {missing[0]!r}, which is empty", line, where(missing[0]), missing[0],
                         "every record needs the fields its id is made of")
            return None
        return rid


# -- tables: CSV and XLSX ---------------------------------------------------------------------------------

def _header_index(header: Sequence[str], needed: Sequence[str]) -> dict[str, int]:
    """Each column a header row names, by name, and the 0-based column of each of ``needed`` it names loosely."""
    index = {name: j for j, name in enumerate(header) if name}
    # Templates of different years write "Allocated team" or "Allocated  Team": the same column.
    loose = {_loose(name): j for name, j in reversed(list(index.items()))}
    index.update({n: loose[_loose(n)] for n in needed if n not in index and _loose(n) in loose})
    return index


def _read_table(path: Path, mapping: Mapping, builder: _Builder, encoding: str) -> Iterator[Record]:
    header: list[str] | None = None
    index: dict[str, int] = {}
    spec = mapping.specs[0]
    needed = sorted({s for f in spec.attributes + spec.events for s in f.sources}
                    | set(_TEMPLATE.findall(spec.id_template)))
    if path.suffix.lower() not in (".csv", ".xlsx", ".xlsm"):
        builder.problem(f"a table mapping reads .csv or .xlsx, not {path.suffix or '(none)'}", None, None, None)
        return

    def names_all(names: list[str]) -> bool:
        return set(needed) <= set(_header_index(names, needed))

    order = builder.order = DateOrder(mapping.month_first())
    # A workbook's records are on the first sheet naming every column read: a cover or read-me sheet is passed over.
    rows = table_rows(path, builder.problem, mapping.sheet, encoding, builder.problems,
                      heads=(names_all, f"every column the {mapping.name} mapping reads"))
    for line, cells, label in rows:
        if header is None:
            header = ["" if c is None else str(c).strip() for c in cells]
            index = _header_index(header, needed)
            absent = [n for n in needed if n not in index]
            if absent:
                # Every row of the file goes unread: counted, as the record layout's reader counts them, so that
                # "1 row could not be read" (and --skip-bad-rows's "1 bad row was skipped") never stands for a file.
                # A row under a title naming every column the mapping reads is the header: said, not one column.
                found, left = header_under_titles(((n, c) for n, c, _ in rows), names_all)
                if found is not None:
                    builder.problem(f"the first row names none of the columns the {mapping.name} mapping reads, "
                                    f"and row {found} names them all: the rows above it (a title?) are read as the "
                                    "header" if not set(needed) & set(index) else
                                    f"the header row has no column {absent[0]!r}, but row {found} names every "
                                    f"column the {mapping.name} mapping reads: the rows above it are read as the "
                                    "header",
                                    found, None, None, "delete the rows above the header row: the first row names "
                                                       "the columns")
                elif separated := other_separator(header, lambda split: bool(set(needed)
                                                                            & set(_header_index(split, needed)))):
                    builder.problem(f"the header row has no column {absent[0]!r}", line, None, absent[0], separated)
                else:
                    close = difflib.get_close_matches(absent[0], list(index), n=1, cutoff=0.6)
                    builder.problem(f"the header row has no column {absent[0]!r}", line, None, absent[0],
                                    (f"is {close[0]!r} it? " if close else "") + f"the {mapping.name} mapping expects "
                                    "the columns: " + ", ".join(needed))
                builder.problems[-1].rows = max(left, 1)
                return
            continue
        if not any(c not in (None, "") for c in cells):
            continue

        def lookup(source: str, cells: list[Any] = cells) -> tuple[list[Any], Any]:
            j = index.get(source)
            return ([cells[j]] if j is not None and j < len(cells) else []), source

        def where(source: str, label: Callable[[int], Any] = label) -> Any:
            j = index.get(source)
            return label(j) if j is not None else None

        rec = builder.record(spec, lookup, line, where)
        order.kept(rec is not None)
        if rec is not None:
            yield rec
    order.warn(builder.problems, builder.file)
    if header is None:
        builder.problem("the file is empty", 1, None, None, "the first row names the columns")


# -- XML: the children-in-need census ------------------------------------------------------------------

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


#: Far beyond any real census, whose elements nest about six deep; deeper is a broken or hostile file.
MAX_DEPTH = 100
#: Elements in one unit (a child with years of casework has a few hundred) and characters of text in it.
MAX_UNIT_ELEMENTS = 10_000
MAX_UNIT_TEXT = 1_000_000


class _Refused(Exception):
    """A file the reader stops at: a limit passed or an entity declared."""

    def __init__(self, message: str, line: int, hint: str) -> None:
        super().__init__(message)
        self.message, self.line, self.hint = message, line, hint


class _Units:
    """Streams an XML file with expat, handing over each ``unit`` element (with its line numbers) when it closes.

    Each element costs the same whatever its depth, so reading time grows with the file, never faster.
    """

    def __init__(self, unit: str, problem: Callable[..., None], watch: tuple[str, ...] = ()) -> None:
        self.unit = unit
        self.problem = problem
        #: A path from the root, outside the units, whose text is kept (the census's reference date).
        self.watch = list(watch)
        self.watched: tuple[str, int] | None = None
        self.path: list[str] = []
        # The open elements; None for one outside every unit (or inside a unit too large to keep).
        self.stack: list[Element | None] = []
        self.root: Element | None = None  # the outermost open unit
        self.outermost: str | None = None  # the document's own element, named when the file holds no unit
        self.units = 0
        self.elements = self.chars = 0
        self.too_large = False
        self.lines: dict[int, int] = {}
        self.done: list[Element] = []
        self.parser = xml.parsers.expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.EntityDeclHandler = self.entity

    def start(self, name: str, attrs: dict[str, str]) -> None:
        line = self.parser.CurrentLineNumber
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused(f"elements are nested more than {MAX_DEPTH} deep, so the rest of the file was not read",
                           line, "a census return nests its elements about six deep: check the file is one")
        tag = _local(name)
        self.outermost = self.outermost or tag
        self.path.append(tag)
        if self.root is None and tag != self.unit:
            self.stack.append(None if self.path != self.watch else Element(tag))
            return
        element = Element(tag)
        if self.root is None:
            self.root, self.elements, self.chars, self.too_large = element, 1, 0, False
            self.units += 1
        else:
            self.elements += 1
            if self.elements > MAX_UNIT_ELEMENTS:
                self.skip(f"more than {MAX_UNIT_ELEMENTS:,} elements")
            parent = self.stack[-1]
            if self.too_large or parent is None:
                self.stack.append(None)
                return
            parent.append(element)
        self.lines[id(element)] = line
        self.stack.append(element)

    def skip(self, what: str) -> None:
        """Drop the open unit, which is too large to be one record's worth; the rest of the file is read."""
        if not self.too_large and self.root is not None:
            self.too_large = True
            self.problem(f"this <{self.unit}> holds {what}, so it was skipped", self.lines.get(id(self.root)),
                         None, None, "a real one holds a few hundred elements and a few kilobytes: check the file")
            for e in self.root.iter():
                self.lines.pop(id(e), None)
            self.root.clear()

    def end(self, name: str) -> None:
        element = self.stack.pop()
        if self.root is None and element is not None and self.path == self.watch and self.watched is None:
            self.watched = ((element.text or "").strip(), self.parser.CurrentLineNumber)
        self.path.pop()
        if element is not None and element is self.root:
            if not self.too_large:
                self.done.append(element)
            self.root = None

    def text(self, data: str) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None or self.too_large:
            return
        if self.root is None:  # the watched element, outside every unit
            top.text = ((top.text or "") + data)[:100]
            return
        self.chars += len(data)
        if self.chars > MAX_UNIT_TEXT:
            self.skip(f"more than {MAX_UNIT_TEXT:,} characters of text")
            return
        top.text = (top.text or "") + data

    def entity(self, name: str, *_: Any) -> None:
        # A census return declares no entities; expanding them is how a small file becomes a huge one.
        raise _Refused(f"the file declares the entity {name!r}, so it was not read", self.parser.CurrentLineNumber,
                       "a CIN census return has no DOCTYPE or entities: check where the file came from")

    def stream(self, handle: Any) -> Iterator[tuple[Element, dict[int, int]]]:
        """Each unit as it closes; a file that breaks off or passes a limit still gives the units before."""
        while True:
            chunk = handle.read(_FEED_BYTES)
            failure: Exception | None = None
            try:
                self.parser.Parse(chunk, not chunk)
            except (xml.parsers.expat.ExpatError, _Refused) as exc:
                failure = exc
            except (LookupError, ValueError) as exc:  # how Python refuses an encoding the XML declaration names
                failure = _Refused(f"cannot read the file's encoding: {exc}", self.parser.CurrentLineNumber,
                                   "a CIN census return is UTF-8")
            for element in self.done:
                yield element, self.lines
                for e in element.iter():
                    self.lines.pop(id(e), None)
            self.done.clear()
            if failure is not None:
                raise failure
            if not chunk:
                return


class _Tree:
    """One unit's elements found by path (see the module's docstring); each path is walked once per start."""

    def __init__(self, unit: Element) -> None:
        self.unit = unit
        self.parents = {id(child): parent for parent in unit.iter() for child in parent}
        self.found: dict[tuple[int, str], list[Element]] = {}

    def find(self, start: Element, path: str) -> list[Element]:
        origin = self.unit if path.startswith("/") else start
        key = (id(origin), path)
        if key not in self.found:
            current = [origin]
            for step in (s for s in path.strip("/").split("/") if s and s != "."):
                if step == "..":
                    current = [self.parents[id(e)] for e in current if id(e) in self.parents]
                else:
                    current = [child for e in current for child in e if child.tag == step]
            self.found[key] = current
        return self.found[key]


def _read_xml(path: Path, mapping: Mapping, builder: _Builder) -> Iterator[Record]:
    watch = mapping.extract_date if isinstance(mapping.extract_date, tuple) else ()
    given = builder.extract_date  # --extract-date, which stands in for the file's own
    units = _Units(mapping.unit or "", builder.problem, watch)
    try:
        handle = path.open("rb")
    except OSError as exc:
        builder.problem(f"cannot open: {exc}", None, None, None)
        return
    dated = False
    with handle:
        try:
            for unit, lines in units.stream(handle):
                if units.watched is not None and not dated:
                    dated = True
                    _extract_date(builder, units.watched, watch, given)
                tree = _Tree(unit)
                for spec in mapping.specs:
                    for element in tree.find(unit, spec.each or "."):

                        def lookup(source: str, element: Element = element) -> tuple[list[Any], Any]:
                            found = tree.find(element, source)
                            return [(e.text or "").strip() for e in found], found[0] if found else None

                        def where(source: str) -> Any:
                            return None  # the element path is the problem's field; its line locates it

                        def parts(source: str, element: Element = element) -> tuple[str, list[Any]] | None:
                            container, _, name = source.rpartition("/")
                            if not container or source.startswith("/") or ".." in source.split("/"):
                                return None
                            values = []
                            for each in tree.find(element, container):
                                found = tree.find(each, name)
                                values.append((found[0].text or "").strip() if found else "")
                            return f"<{container.rpartition('/')[2]}> elements", values

                        def line_of(source: str, element: Element = element) -> int | None:
                            found = tree.find(element, source)
                            return lines.get(id(found[0])) if found else lines.get(id(element))

                        before = len(builder.problems)
                        rec = builder.record(spec, lookup, lines.get(id(element)), where, parts)
                        for p in builder.problems[before:]:
                            p.line = line_of(p.field) if p.field else p.line
                        if rec is not None:
                            yield rec
        except xml.parsers.expat.ExpatError as exc:
            builder.problem(f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}", exc.lineno,
                            exc.offset, None, "check the file is a complete CIN census XML return")
            return
        except _Refused as exc:
            builder.problem(exc.message, exc.line, None, None, exc.hint)
            return
    if not units.units:
        builder.problem(f"the file holds no <{mapping.unit}> element (its outermost is <{units.outermost}>), so no "
                        "record was read", None, None, None, f"check the file is a {mapping.title}")
    elif watch and given is None and units.watched is None:
        builder.problem(f"the file has no {'/'.join(watch)}, so the day it was drawn is not known: it is judged as "
                        "if drawn on the as-of date, and a duty falling due after that day may be called overdue",
                        None, None, "/".join(watch), "give --extract-date YYYY-MM-DD", warning=True)


def _loose(name: str) -> str:
    """A column name as a person reads it: case and runs of spaces aside."""
    return " ".join(name.split()).casefold()


def _extract_date(builder: _Builder, watched: tuple[str, int], path: tuple[str, ...], given: date | None) -> None:
    """The extract's date from the text of its header element, or a problem saying why not; where --extract-date
    was ``given`` it stands, with a warning if the file says another day."""
    text, line = watched
    try:
        day = builder.date(text)
    except ValueError:
        day = None
    dated = isinstance(day, date) and not isinstance(day, datetime)
    if given is not None:
        if dated and day != given:
            builder.problem(f"the file says it was drawn on {day.isoformat()}; --extract-date {given.isoformat()} is "
                            "taken instead", line, None, "/".join(path),
                            "leave --extract-date out to judge the file as of its own date", warning=True)
        return
    if dated:
        builder.extract_date = day
        return
    builder.problem(f"{quoted(text)} is not a date, so the day this extract was drawn is not known", line, None,
                    "/".join(path), "give --extract-date YYYY-MM-DD: duties falling due after it are then not "
                    "called overdue")
    builder.extract_date = None


def undated_warning(mapping: Mapping, extract_date: date | None) -> Problem | None:
    """The warning for files ``mapping`` reads that hold no date of their own (an Annex A list), read with no
    ``extract_date``: judged as if drawn on the as-of date, a list years old would call all that is open in it
    overdue."""
    if mapping.extract_date != GIVEN or extract_date is not None:
        return None
    return Problem(f"the {mapping.name} mapping's files hold no date of their own and no --extract-date was given: "
                   "they are judged as if drawn on the as-of date, so a duty falling due after the day they were "
                   "drawn may be called overdue; give --extract-date YYYY-MM-DD", warning=True)


def read_mapped(paths: Sequence[str | Path], mapping: Mapping, vocabulary: Vocabulary | None = None, *,
                encoding: str = DEFAULT_ENCODING, extract_date: date | None = None,
                rules: Sequence[Rule] | None = None, as_of: date | None = None
                ) -> Iterator[tuple[Record | None, list[Problem]]]:
    """Records from extracts read through ``mapping``, streamed: yields (record, new problems) pairs,
    the record None where only problems were found. ``encoding`` is a CSV extract's (XML says its own).
    ``extract_date`` is the day the extracts were drawn, where they hold none (or to correct it); where it is not
    known, a table that keeps only recent years' rows counts them back from ``as_of`` (the day they are judged on)
    or today, whichever is later: an extract read today was drawn by today, so it keeps no earlier rows than that.

    A ``tables`` mapping also reads database URLs; given the ``rules`` to answer, it reads only the tables and
    columns their duties need."""
    vocab = vocabulary or load_vocabulary()
    encoding = codec_name(encoding)
    today = _today()
    read_on = max(as_of or today, today)
    if mapping.format == "tables":
        yield from _read_tables(paths, mapping, vocab, encoding, rules, extract_date, read_on)
        return
    for given in paths:
        if is_database_url(given):
            yield None, [Problem(f"the {mapping.name} mapping reads files, not a database", file=shown_url(str(given)),
                                 hint="a database is read through a mapping of its tables, such as ssd", rows=0)]
            continue
        path = Path(given)
        builder = _Builder(mapping, vocab, str(path), extract_date=extract_date, read_on=read_on)
        if not path.is_file():
            yield None, [Problem("no such file", file=str(path), hint="check the path")]
            continue
        records = (_read_xml(path, mapping, builder) if mapping.format == "cin-census-xml"
                   else _read_table(path, mapping, builder, encoding))
        seen = 0
        for rec in records:
            fresh = builder.problems[seen:]
            seen = len(builder.problems)
            yield rec, fresh
        builder.problems += builder.window_warnings(str(path))
        if len(builder.problems) > seen:
            yield None, builder.problems[seen:]


def load_mapped(paths: Sequence[str | Path], mapping: Mapping, vocabulary: Vocabulary | None = None, *,
                encoding: str = DEFAULT_ENCODING, extract_date: date | None = None,
                rules: Sequence[Rule] | None = None, as_of: date | None = None) -> tuple[list[Record], list[Problem]]:
    """Every record the extracts give through ``mapping``, each id once, with the problems in the rest.

    A second record with an id already read is a problem, not a record: counting one child twice would
    count their duties twice.
    """
    records: list[Record] = []
    problems: list[Problem] = []
    first: dict[str, str | None] = {}
    for rec, found in read_mapped(paths, mapping, vocabulary, encoding=encoding, extract_date=extract_date,
                                  rules=rules, as_of=as_of):
        problems.extend(found)
        if rec is None:
            continue
        if rec.id in first:
            problems.append(Problem(f"duplicate record id {rec.id!r} (first at {first[rec.id]})", field="id",
                                    hint="each record needs its own id", **_located(rec.source or "")))
            continue
        first[rec.id] = rec.source
        records.append(rec)
    return records, problems


def _today() -> date:
    """The day an extract is read: the clock, read here alone."""
    return date.today()


#: A database row's source, as _records_from writes it: the URL, then the table and the row's key
#: (``sqlite:///ssd.db:ssd_cin_episodes cine_referral_id='K1'``). The first such colon is the one: a key may hold more.
_DATABASE_ROW = re.compile(r"(?P<file>[A-Za-z][A-Za-z0-9+.-]*://.*?):(?P<row>[A-Za-z_][A-Za-z0-9_]* "
                           r"[A-Za-z_][A-Za-z0-9_]*=.*)", re.DOTALL)


def _located(source: str) -> dict[str, Any]:
    """The file, line or row of a record's ``source``: a file's line (``list4.csv:12``), a database's row, or the
    file alone."""
    row = _DATABASE_ROW.fullmatch(source)
    if row:
        return {"file": row["file"], "column": row["row"]}  # where a bad value of a database row says its row
    file, _, line = source.rpartition(":")
    if line.isdigit() and file:
        return {"file": file, "line": int(line)}
    return {"file": source or None}


def load_extract(paths: Sequence[str | Path], mapping_name: str | Path, ruleset: RuleSet, *,
                 encoding: str = DEFAULT_ENCODING, extract_date: date | None = None, as_of: date | None = None
                 ) -> tuple[Mapping, list[Record], list[Problem], RuleSet]:
    """Extracts read through a mapping for checking record by record (as of ``as_of``): the mapping, its records
    (each id once), the problems in the rest, and the rules such an extract can answer."""
    mapping = load_mapping(mapping_name, ruleset.vocabulary)
    answered = mapping.duties(ruleset)
    records, problems = load_mapped(paths, mapping, ruleset.vocabulary, encoding=encoding, extract_date=extract_date,
                                    rules=answered, as_of=as_of)
    return mapping, records, problems, RuleSet(answered, ruleset.vocabulary, files=ruleset.files)


def written_events(records: Sequence[Record], vocabulary: Vocabulary,
                   mapped: Callable[[str], Collection[str]] = lambda kind: ()) -> list[str]:
    """The event columns a file of ``records`` is written with, so that read back each record holds the events it
    held, in the vocabulary's order: every event its source holds (all of its kind's for a record that holds any),
    and ``mapped(kind)``, the events its mapping maps, even where no record gives one or its source said unknown.
    An event column left out would be read back as "not recorded" (missing data), not as "not happened": a mapped
    column blank in every row, a new tracker's duties not yet done, would turn OVERDUE into MISSING DATA."""
    events: dict[str, None] = {}
    for rec in records:
        held = set(rec.events) | set(mapped(rec.kind))
        events.update(dict.fromkeys(name for name in vocabulary.events(rec.kind)
                                    if rec.recorded is None or name in rec.recorded or name in held))
    return list(events)


def written_event(rec: Record, name: str, vocabulary: Vocabulary) -> tuple[EventDate, ...] | str:
    """What ``rec``'s cell in the event column ``name`` says: its dates (none: it has not happened), or ``unknown``
    where its source does not hold the event (a cell that said unknown, or a column another kind's records have),
    so that read back the record holds the events it held."""
    if name in rec.events:
        return rec.events[name]
    if rec.recorded is not None and name not in rec.recorded and name in vocabulary.events(rec.kind):
        return UNKNOWN
    return ()


def records_csv(records: Sequence[Record], vocabulary: Vocabulary | None = None,
                mapped: Callable[[str], Collection[str]] = lambda kind: ()) -> str:
    """Records in the project's record CSV layout (id, kind, the day their extract was drawn and the duties measured
    on them where known, attributes, events, the system's own deadlines; lists joined with ";"), which
    ``compliance check`` reads back as they are: the events columns are ``written_events`` (``mapped``, the events
    the mapping maps for a kind, written even when blank throughout)."""
    vocab = vocabulary or load_vocabulary()
    attributes: dict[str, None] = {}
    for rec in records:
        attributes.update(dict.fromkeys(rec.given_attributes))
    events = written_events(records, vocab, mapped)
    targets = {rule: None for rec in records for rule in rec.targets}
    # The day each record's extract was drawn: read back, a duty falling due after it is still not in the extract.
    # And the duties measured on each, where its extract measures others on other records (an enquiry's conference
    # on the enquiry, the reviews on the plan's own record).
    drawn = ["extract_date"] if any(rec.extract_date is not None for rec in records) else []
    measured = ["measured"] if any(rec.measured is not None for rec in records) else []
    header = ["id", "kind", *drawn, *measured, *attributes, *events, *(TARGET_PREFIX + rule for rule in targets)]
    lines = [csv_line(header)]
    for rec in records:
        row: list[Any] = [rec.id, rec.kind]
        if drawn:
            row.append(rec.extract_date.isoformat() if rec.extract_date is not None else None)
        if measured:
            row.append(measured_text(rec.measured))
        given = rec.given_attributes
        for name in attributes:
            value = given.get(name)
            row.append(None if value is None else str(value).lower() if isinstance(value, bool) else str(value))
        for name in events:
            value = written_event(rec, name, vocab)
            row.append(value if isinstance(value, str) else ";".join(_iso(d) for d in value))
        for rule in targets:
            row.append(";".join(_iso(d) for d in rec.targets.get(rule, ())))
        lines.append(csv_line(row))
    return "".join(lines)


def _iso(d: EventDate) -> str:
    return d.isoformat(timespec="minutes") if isinstance(d, datetime) else d.isoformat()


# -- related tables: the Standard Safeguarding Dataset, from a database or CSV files ----------------------

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _tables_spec(spec: RecordSpec, raw: dict[str, Any], located: Any, base: tuple[Any, ...]) -> RecordSpec:
    """The table, keys and joins of a kind of record read from tables, each name checked where it is written."""
    def need(ok: bool, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        if not ok:
            raise InputError(Problem(message, field=str(path[-1]), **located.where(base + path), hint=hint))

    def name(value: Any) -> bool:
        return isinstance(value, str) and _NAME.fullmatch(value) is not None

    need(name(raw.get("table")), ("table",), "each kind of record read from tables names its table",
         "e.g. table: ssd_cin_episodes")
    need(name(raw.get("key")), ("key",), "key names the column that identifies a row of the table",
         "e.g. key: cine_referral_id")
    for option in ("group", "order"):
        need(raw.get(option) is None or name(raw.get(option)), (option,), f"{option} must be a column name")
    given = raw.get("join") or {}
    need(isinstance(given, dict), ("join",), "join maps each joined table to its columns",
         "e.g. join: {ssd_cin_assessments: {on: cina_referral_id, key: cina_assessment_id}}")
    joins = []
    for table, options in given.items():
        need(name(table) and isinstance(options, dict), ("join", table),
             f"join {shown(table)}: a table name, with on: and key:")
        need(table != raw["table"], ("join", table), f"{table} is the records' own table: it cannot be joined to them",
             "rows of one table that make one record share a group: column")
        unknown = sorted(set(options) - {"on", "key", "order", "skip_if"}, key=str)
        need(not unknown, ("join", table), f"unknown key {shown(unknown[0]) if unknown else ''} in join {table}",
             "on (the column holding the record's key), key (the row's identifier), order (a date column), "
             "skip_if (rows not to count)")
        for option in ("on", "key"):
            need(name(options.get(option)), ("join", table), f"join {table} needs {option}: a column name")
        need(options.get("order") is None or name(options.get("order")), ("join", table, "order"),
             "order must be a column name")
        skip = options.get("skip_if") or {}
        # A list of the codes that leave a row out would say nothing of the others: a cancelled review marked
        # T or Yes, or a database's true, was counted as held. So every code is named, or the column is a flag.
        need(isinstance(skip, dict) and all(name(c) and (v is True or isinstance(v, dict) and v and all(
            isinstance(b, bool) for b in v.values())) for c, v in skip.items()),
             ("join", table, "skip_if"), "skip_if maps a column to true (a yes-or-no flag: a row saying yes does not "
             "count) or to each of its codes, true for a row not to count and false for one that counts",
             'e.g. skip_if: {clar_cla_review_cancelled: true}, or {review_status: {"C": true, "H": false}}')
        joins.append(Join(table, options["on"], options["key"], options.get("order"),
                          tuple((c, None if v is True else tuple((str(k), b) for k, b in v.items()))
                                for c, v in skip.items())))
    tables = {raw["table"]} | {j.table for j in joins}
    for part, fields in (("attributes", spec.attributes), ("events", spec.events),
                         ("recorded_deadlines", spec.recorded_deadlines)):
        for f in fields:
            for source in f.sources:
                table, _, column = source.rpartition(".")
                need(name(column) and (not table or table in tables), (part, f.name),
                     f"{source!r} is not a column of {raw['table']} or of a table joined to it",
                     "write column, or table.column for a table under join:")
    for source in _TEMPLATE.findall(spec.id_template):
        need(name(source), ("id",), f"the id is made of columns of {raw['table']}, not {source!r}")
    return RecordSpec(spec.kind, spec.id_template, spec.attributes, spec.events, None, spec.recorded_deadlines,
                      spec.duties, raw["table"], raw["key"], raw.get("group"), raw.get("order"), tuple(joins))


def _answered(spec: RecordSpec, rules: Sequence[Rule]) -> list[Rule]:
    return [r for r in rules if r.applies_to == spec.kind and (spec.duties is None or r.id in spec.duties
                                                                or r.duty in spec.duties)]


def _related_for(spec: RecordSpec, rules: Sequence[Rule] | None) -> Related | None:
    """What to read from the tables for ``spec``: with ``rules``, only the events and system deadlines their
    duties read (every attribute, which findings carry); None when none of them is measured on these records."""
    assert spec.table is not None and spec.key is not None
    events, targets = spec.events, spec.recorded_deadlines
    if rules is not None:
        answered = _answered(spec, rules)
        if not answered:
            return None
        read = {e for r in answered for e in r.events}
        named = {r.id for r in answered} | {r.duty for r in answered}
        events = tuple(f for f in events if f.name in read)
        targets = tuple(f for f in targets if f.name in named)
    columns: dict[str, dict[str, bool]] = {spec.table: {}}
    for fields, dated in ((spec.attributes, False), (events, True), (targets, True)):
        for f in fields:
            for source in f.sources:
                table, _, column = source.rpartition(".")
                held = columns.setdefault(table or spec.table, {})
                held[column] = held.get(column, False) or dated
    for column in _TEMPLATE.findall(spec.id_template):
        columns[spec.table].setdefault(column, False)

    def part(table: str, key: str, link: str, order: str | None, skip: tuple[str, ...] = ()) -> TablePart:
        held = columns.get(table, {})
        return TablePart(table, key, link, order, tuple(dict.fromkeys((*held, *skip))),
                         frozenset(c for c, dated in held.items() if dated) | ({order} if order else set()))

    main = part(spec.table, spec.key, spec.group or spec.key, spec.order)
    joins = tuple(part(j.table, j.key, j.on, j.order, tuple(c for c, _ in j.skip_if))
                  for j in spec.joins if columns.get(j.table))
    return Related(main, joins)


def mapping_sql(source: str, mapping: Mapping, rules: Sequence[Rule] | None = None) -> list[tuple[str, str]]:
    """The SQL a ``tables`` mapping runs on the database at ``source`` (for ``--show-sql``), without connecting:
    (what the query reads, the query) for each kind of record ``rules`` need read."""
    if mapping.format != "tables":
        raise InputError(Problem(f"the {mapping.name} mapping reads files, not a database", field="mapping",
                                 hint="a database is read through a mapping of its tables, such as ssd"))
    dialect = dialect_of(source)
    out = []
    for spec in mapping.specs:
        related = _related_for(spec, rules)
        if related is not None:
            joined = [p.table for p in related.joins]
            what = f"{spec.kind} records from {spec.table}" + (f" with {', '.join(joined)}" if joined else "")
            out.append((what, query(related, dialect)))
    return out


def show_sql(source: str, mapping: Mapping, rules: Sequence[Rule] | None = None, command: str = "check") -> str:
    """For the database's administrator to approve: every query ``compliance COMMAND`` runs on ``source``, as the
    database receives it, with how the database is kept read-only. Nothing is read to write it."""
    queries = mapping_sql(source, mapping, rules)
    head = [f"-- The queries `compliance {command}` runs on {shown_url(source)} through the {mapping.name} mapping, "
            f"{len(queries)} in all, each read {CHUNK_ROWS:,} rows at a time (from a server-side cursor where the database has them).",
            f"-- {reading_note(source)}",
            f"-- {checking_note(source)}",
            "-- Only the columns the duties measured need are read; the password never appears in anything written."
            if rules is not None else
            "-- Every column the mapping names is read; the password never appears in anything written."]
    body = [f"\n-- {what}\n{sql};" for what, sql in queries]
    return "\n".join(head + body) + "\n"


_NUMBERS = re.compile(r"([0-9]+)")
#: The SQL types a database driver gives a number as, by the Python type it arrives as.
_SQL_NUMBERS = {"int": "an INTEGER value", "float": "a REAL or FLOAT value", "Decimal": "a NUMERIC or DECIMAL value"}


def _order_key(builder: _Builder, row: Row, order: str | None, key: str) -> tuple[Any, ...]:
    """Rows of one record in date order (empty dates last), then by their key, its numbers as numbers (episode 10
    after episode 9, as systems number them in turn), then by its text (01 before 1): the same from a database,
    whose rows come in no order, or a file."""
    text = str(row.values.get(key) or "")
    ident = (tuple((0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part)
                   for part in _NUMBERS.split(text.strip()) if part), text)
    value = row.values.get(order) if order else None
    if value is None or str(value).strip() == "":
        return (1, (date.min, 0.0), "", ident) if order else (0, (date.min, 0.0), "", ident)
    try:
        return (0, sort_key(builder.date(value)), "", ident)
    except ValueError:
        return (2, (date.min, 0.0), str(value), ident)


def _records_from(groups: Iterator[Group], spec: RecordSpec, related: Related, builder: _Builder,
                  source: Callable[[str], str]) -> Iterator[tuple[Record | None, list[Problem]]]:
    """A record from each group of rows, each problem located at its table, row and column; then a warning for each
    joined table that held no row, at the file or database ``source`` names for it (``_empty_table``)."""
    counted = dict.fromkeys((p.table for p in related.parts), 0)
    for rec, problems in _grouped_records(_counting(groups, counted), spec, related, builder):
        yield rec, problems
    empty = [_empty_table(part.table, related.main.table, counted[related.main.table], spec, source(part.table))
             for part in related.joins if counted[related.main.table] >= EMPTY_TABLE_FROM and not counted[part.table]]
    if empty:
        yield None, empty


#: The main table's rows from which a joined table holding none is warned of: a few new cases may have no assessment,
#: review or visit yet, but ten or more with none at all is an extract that left the table unfilled.
EMPTY_TABLE_FROM = 10


def _counting(groups: Iterator[Group], counted: dict[str, int]) -> Iterator[Group]:
    """The groups, each table's rows added to ``counted`` as they pass."""
    for group in groups:
        for table, rows in group.rows.items():
            counted[table] += len(rows)
        yield group


def _empty_table(table: str, main: str, rows: int, spec: RecordSpec, file: str) -> Problem:
    """A joined table with no row under a main table with some: each record is judged with nothing from it, so its
    events look as if they never happened. A refresh that failed part-way leaves a table so: said, as a warning."""
    fields = [f.name for f in spec.attributes + spec.events if any(s.startswith(f"{table}.") for s in f.sources)]
    named = " or ".join(filter(None, (", ".join(fields[:-1]), fields[-1]))) if fields else f"row of {table}"
    return Problem(f"{table} holds no rows, though {main} holds {rows:,}: each {spec.kind} record is judged as if no "
                   f"{named} had happened (a duty one completes is overdue once its deadline has passed)",
                   file=file, field=table, warning=True,
                   hint=f"check the extract filled {table} (a refresh that failed part-way leaves a table empty); if "
                        "nothing it records has happened, the findings stand")


def _grouped_records(groups: Iterator[Group], spec: RecordSpec, related: Related,
                     builder: _Builder) -> Iterator[tuple[Record | None, list[Problem]]]:
    """A record from each group of rows, each problem located at its table, row and column."""
    orders = {p.table: p.order for p in related.parts}
    keys = {p.table: p.key for p in related.parts}
    last = {s for f in spec.attributes + spec.events + spec.recorded_deadlines if f.last for s in f.sources}
    # The tables whose latest row a field is read from (the current placement), with those fields' names.
    latest: dict[str, list[str]] = {}
    for f in spec.attributes + spec.events + spec.recorded_deadlines:
        for source in f.sources if f.last else ():
            latest.setdefault(source.rpartition(".")[0] or related.main.table, []).append(f.name)
    skips = {j.table: j.skip_if for j in spec.joins if j.skip_if}
    for group in groups:
        main_rows = group.rows[related.main.table]
        if not main_rows:
            yield None, [_orphan(row, part, related.main, group.key) for part in related.joins
                         for row in group.rows[part.table]]
            continue
        if related.main.link != related.main.key and (group.key is None or str(group.key).strip() == ""):
            # Rows that share a record's id (a period of care's episodes): one without it names no record, and the
            # record it belongs to is measured without it (care ending at the last episode given).
            yield None, [_unlinked(row, related.main) for row in main_rows]
            continue
        if related.main.link == related.main.key and len(main_rows) > 1:
            # A database's rows have no order, so neither copy of the key can be taken as the record (from CSV files
            # the first in the file is, and the later ones are reported as duplicate ids).
            yield None, [Problem(f"{len(main_rows)} rows of {related.main.table} have {related.main.key} "
                                 f"{quoted(str(group.key))}: which one holds the case cannot be told, so none was read",
                                 file=main_rows[0].file,
                                 field=related.main.key,
                                 hint=f"give each row its own {related.main.key} (the table's primary key)")]
            continue
        refused: list[Problem] = []
        for table, rows in group.rows.items():
            if table in skips:
                rows[:] = [r for r in rows if not _skipped(r, table, skips[table], refused)]
            rows.sort(key=lambda row, t=table: _order_key(builder, row, orders[t], keys[t]))
            refused += _differing_copies(builder, rows, table, orders[table], keys[table], table != related.main.table)
            if table in latest and orders[table] and len(rows) > 1:
                refused += _unplaced(builder, rows, table, orders[table], latest[table], table != related.main.table)
        if related.main.link != related.main.key:  # (in date order: the earliest row is the one the others differ from)
            refused += _disagreeing(main_rows, spec, related.main)
        if refused:
            yield None, refused
            continue
        first = group.rows[related.main.table][0]

        def lookup(source: str, rows: dict[str, list[Row]] = group.rows) -> tuple[list[Any], Any]:
            table, _, column = source.rpartition(".")
            return [row.values.get(column) for row in rows.get(table or related.main.table, ())], None

        def where(source: str, row: int | None = None, rows: dict[str, list[Row]] = group.rows
                  ) -> tuple[str, int | None, Any]:
            table, _, column = source.rpartition(".")
            candidates = rows.get(table or related.main.table) or [first]
            if row is not None and row < len(candidates):
                return candidates[row].where(column)
            if source in last:
                return candidates[-1].where(column)
            filled = [r for r in candidates if r.values.get(column) is not None and str(r.values[column]).strip()]
            return (filled or candidates)[0].where(column)

        def parts(source: str, rows: dict[str, list[Row]] = group.rows) -> tuple[str, list[Any]] | None:
            table, _, column = source.rpartition(".")
            if not table or table == related.main.table:
                return None
            return f"{table} rows", [row.values.get(column) for row in rows.get(table, ())]

        builder.file = first.file if first.line is not None else f"{first.file}:{first.label}"
        before = len(builder.problems)
        rec = builder.record(spec, lookup, first.line, lambda source: source, parts)
        found = builder.problems[before:]
        del builder.problems[before:]
        for p in found:
            p.file, p.line, p.column = where(p.field or related.main.key, builder.rows.pop(id(p), None))
        yield rec, found


#: How a yes-or-no flag is written, in any case: the record layout's YES and NO, and T and F as systems write them
_FLAG = {**dict.fromkeys(YES | {"t"}, True), **dict.fromkeys(NO | {"f"}, False)}


def _skipped(row: Row, table: str, skip_if: tuple[tuple[str, tuple[tuple[str, bool], ...] | None], ...],
             refused: list[Problem]) -> bool:
    """Whether ``row`` is one not to count (a cancelled review); a value that is neither a code marking it so nor one
    marking it counted goes to ``refused``, as an unknown code under values: does: taken as "counts", a cancelled
    review made a late one met."""
    out = False
    for column, codes in skip_if:
        value = row.values.get(column)
        value = value.strip() if isinstance(value, str) else value
        if value is None or value == "":
            continue  # not marked: the row counts
        said = (value if isinstance(value, bool) else _FLAG.get(str(value).casefold())) if codes is None \
            else dict(codes).get(str(value))
        if said is None:
            file, line, where = row.where(column)
            known = ("yes or no: Y, Yes, T, True or 1 (not counted), N, No, F, False or 0 (counted)" if codes is None
                     else ", ".join(f"{code!r} ({'not counted' if skip else 'counted'})" for code, skip in codes))
            refused.append(Problem(f"{quoted(value)} is not one of the codes this mapping knows for {column}, which "
                                   f"says whether this {table} row counts, so the record was not read", file=file,
                                   line=line, column=where, field=f"{table}.{column}",
                                   hint=f"known: {known}, or empty (counted); correct the value, or name the code "
                                        "under skip_if in the mapping"))
        out = out or bool(said)
    return out


def _unplaced(builder: _Builder, rows: list[Row], table: str, order: str, fields: list[str], joined: bool
              ) -> list[Problem]:
    """A problem for each of a record's ``rows`` whose ``order`` date is empty or not a date, where ``fields`` are
    read from the latest of them: sorted last, such a row was taken for the current placement, or its episode's end
    for the day a child still in care left it. It may be the earliest or the latest: which cannot be told."""
    out = []
    for row in rows:
        value = row.values.get(order)
        if value is not None and str(value).strip() != "":
            try:
                builder.date(value)
                continue
            except ValueError:
                said, hint = (f"its {order} {quoted(str(value).strip())} is not a date",
                              "this mapping reads dates as "
                              + " or ".join(dict.fromkeys(_written(f) for f in builder.mapping.date_formats)))
        else:
            said, hint = f"it has no {order}", f"fill in its {order}"
        file, line, column = row.where(order)
        out.append(Problem(f"this {table} row cannot be placed among the record's {len(rows)} {table} rows: {said}, "
                           f"so which is the latest, that {' and '.join(fields)} {'is' if len(fields) == 1 else 'are'}"
                           " read from, cannot be told; the record was not read", file=file, line=line,
                           column=column, field=f"{table}.{order}" if joined else order, hint=hint))
    return out


def _differing_copies(builder: _Builder, rows: list[Row], table: str, order: str | None, key: str, joined: bool
                      ) -> list[Problem]:
    """A problem for each of a record's ``rows`` (sorted) that has the key and the date of the row before it but
    other values: two versions of one row (a refresh that left the old one). Which is read would be whichever the
    database sends last, so SQLite and DuckDB would judge the same case differently: neither is taken. Exact copies
    are one row recorded twice, said where its dates are counted."""
    out = []
    for before, row in zip(rows, rows[1:]):
        # Rows of another key (the usual pair) are told apart at once, before their dates are read again.
        if row.values.get(key) != before.values.get(key) or row.values == before.values \
                or _order_key(builder, row, order, key) != _order_key(builder, before, order, key):
            continue
        differ = sorted(c for c in {*row.values, *before.values} if row.values.get(c) != before.values.get(c))
        file, line, column = row.where(key)
        out.append(Problem(f"2 {table} rows have {key} {quoted(str(row.values.get(key)).strip())}"
                           + (f" and the same {order}" if order else "") + f" but differ in {', '.join(differ)}: "
                           "which one holds the case cannot be told, so the record was not read", file=file,
                           line=line, column=column, field=f"{table}.{key}" if joined else key,
                           hint=f"remove the stale copy: each row needs its own {key} (the table's primary key)"))
    return out


def _disagreeing(rows: list[Row], spec: RecordSpec, main: TablePart) -> list[Problem]:
    """A problem for each of the rows that make one record (the episodes of a period of care, sharing its id) whose
    attribute read from them differs from the first's: a period of care is one child's, so the record they would
    make, one child's case ended by another's episode, cannot be right. Fields read from the latest row (``last``)
    may change from row to row."""
    out = []
    for f in spec.attributes:
        columns = [c for table, _, c in (source.rpartition(".") for source in f.sources)
                   if not f.last and table in ("", main.table)]
        for column in columns:
            filled = [(row, str(row.values[column]).strip()) for row in rows if _given(row.values.get(column))]
            for row, value in filled[1:]:
                if value != filled[0][1]:
                    file, line, where = row.where(column)
                    link = quoted(str(row.values.get(main.link)).strip())
                    out.append(Problem(f"this {main.table} row shares {main.link} {link} with a row whose {column} "
                                       f"is {quoted(filled[0][1])}, but its own is {quoted(value)}: one record cannot "
                                       "be both, so the record was not read", file=file, line=line,
                                       column=where, field=column,
                                       hint=f"give each {f.name}'s rows their own {main.link} (an id reused for "
                                            "another case), or correct the " + column))
    return out


def _unlinked(row: Row, main: TablePart) -> Problem:
    """A row of a record's own table that names no record: it is not read, and its record may look shorter."""
    file, line, column = row.where(main.link)
    return Problem(f"this {main.table} row has no {main.link}, so it names no record and was not read: the record it "
                   "belongs to is judged without it", file=file, line=line, column=column, field=main.link,
                   hint=f"fill in its {main.link}: the value its record's other {main.table} rows share")


def _orphan(row: Row, part: TablePart, main: TablePart, key: Any) -> Problem:
    """A joined table's row whose record is not in the main table, or that names none: said, never read silently
    into nothing. A warning: no record is left out or judged from it, and a real SSD always holds some (a conference
    for a child transferred in names no enquiry; an assessment kept whose referral ended before the six years)."""
    file, line, column = row.where(part.link)
    if key is None:
        return Problem(f"this {part.table} row has no {part.link}, so it names no {main.table} row and was not read",
                       file=file, line=line, column=column, field=part.link, warning=True,
                       hint=f"if it belongs to a {main.table} row, fill in its {part.link} with that row's "
                            f"{main.link}")
    return Problem(f"no {main.table} row has {main.link} {quoted(str(key))}, which this {part.table} row names, so "
                   "it was not read", file=file, line=line, column=column, field=part.link, warning=True,
                   hint=f"check the {part.link}, or that the {main.table} row is in the extract")


def _read_tables(paths: Sequence[str | Path], mapping: Mapping, vocab: Vocabulary, encoding: str,
                 rules: Sequence[Rule] | None, extract_date: date | None, read_on: date
                 ) -> Iterator[tuple[Record | None, list[Problem]]]:
    """Records from databases (each URL) and from CSV files, one per table, named after it (all files together)."""
    reads = [(spec, related) for spec in mapping.specs if (related := _related_for(spec, rules)) is not None]
    files: dict[str, Path] = {}
    for given in paths:
        if is_database_url(given):
            yield from _read_database(str(given), mapping, vocab, reads, extract_date, read_on)
            continue
        path = Path(given)
        if not path.is_file():
            yield None, [Problem("no such file", file=str(path), hint="check the path")]
        elif path.suffix.lower() != ".csv":
            yield None, [Problem(f"the {mapping.name} mapping reads a database, or its tables as .csv files, not "
                                 f"{path.suffix or 'a file without an extension'}", file=str(path),
                                 hint=given_as_url(path))]
        elif path.stem.casefold() in files:
            yield None, [Problem(f"a second file for the table {path.stem} (the first is "
                                 f"{files[path.stem.casefold()]})", file=str(path), hint="give each table once")]
        else:
            # Named whatever the case, as the tables are in the database (SQL Server exports SSD_CIN_EPISODES.csv).
            files[path.stem.casefold()] = path
    if not files:
        return
    files = {p.table: files[p.table.casefold()] for _, related in reads for p in related.parts
             if p.table.casefold() in files}
    # A kind left out (a table's file missing, empty or short of a column) is said once every kind has been tried:
    # only then is it known whether "the other kinds were" read. A missing file is named for every kind needing it.
    refused: dict[tuple[Any, ...], tuple[Problem, list[tuple[RecordSpec, Related]]]] = {}
    some_read = False
    for spec, related in reads:
        absent = [p.table for p in related.parts if p.table not in files]
        for table in absent:
            problem = Problem(f"no file for the table {table} among the files given", field=table,
                              hint=f"give {table}.csv with the others", rows=0)  # it names no row
            refused.setdefault((problem.message,), (problem, []))[1].append((spec, related))
        if absent:
            continue
        found: list[Problem] = []
        kept: list[Problem] = []
        builder = _Builder(mapping, vocab, str(files.get(related.main.table, "")), extract_date=extract_date,
                           read_on=read_on)
        groups = csv_groups(files, related, found.append, encoding, refuse=kept.append)
        for rec, problems in _records_from(groups, spec, related, builder, lambda table: str(files[table])):
            yield rec, found + problems
            found.clear()
        found += builder.window_warnings(str(files[related.main.table]))
        if found:
            yield None, list(found)
        some_read = some_read or not kept
        for problem in kept:
            refused.setdefault((problem.message, problem.file), (problem, []))[1].append((spec, related))
    if refused:
        yield None, [_left_out(problem, kinds, others=some_read) for problem, kinds in refused.values()]


def _read_database(url: str, mapping: Mapping, vocab: Vocabulary, reads: list[tuple[RecordSpec, Related]],
                   extract_date: date | None, read_on: date) -> Iterator[tuple[Record | None, list[Problem]]]:
    """Records from one database, read in one read-only transaction: a kind whose tables or columns are not all
    there is left out, with a problem for each missing one, and the other kinds are read."""
    try:
        with Database(url) as db:
            needs = [{t for p in related.parts for t in (p.table, *(f"{p.table}.{c}" for c in p.read()))}
                     for _, related in reads]
            gaps = missing(db, [related for _, related in reads])
            absent = {p.field for p in gaps}
            # Said once every kind has been tried, when it is known whether "the other kinds were" read.
            failed: list[tuple[Problem, tuple[RecordSpec, Related], bool]] = []  # and whether any record came
            some_read = False
            for (spec, related), need in zip(reads, needs):
                if need & absent:
                    continue
                found: list[Problem] = []  # bad cells, each leaving out its own record
                yielded = False
                try:
                    with db.apart():  # a kind whose query fails (a column of another type) stops no other kind
                        builder = _Builder(mapping, vocab, url, extract_date=extract_date, database=True,
                                           read_on=read_on)
                        for rec, problems in _records_from(database_groups(db, related, found.append), spec,
                                                           related, builder, lambda _: shown_url(url)):
                            yielded = True
                            yield rec, found + problems
                            found.clear()
                        found += builder.window_warnings(shown_url(url))
                    some_read = True
                except InputError as exc:
                    failed += [(p, (spec, related), yielded) for p in exc.problems]
                if found:
                    yield None, list(found)
            left = [_left_out(p, [read for read, need in zip(reads, needs) if p.field in need],
                              others=some_read)
                    for p in gaps]
            left += [_left_out(p, [kind], "not all read" if yielded else "not read", others=some_read)
                     for p, kind, yielded in failed]
            if left:
                yield None, left
    except InputError as exc:
        yield None, list(exc.problems)


def _left_out(problem: Problem, reads: Sequence[tuple[RecordSpec, Related]], what: str = "not read", *,
              others: bool) -> Problem:
    """``problem``, saying which kinds of record it kept from being read (a missing table leaves out every record
    of the kinds read from it: read without it, their cases would look as if nothing in it had happened), and
    whether ``others`` were read all the same."""
    if not reads:
        return problem
    kinds = " and ".join(f"the {spec.kind} records of {related.main.table}" for spec, related in reads)
    return replace(problem, message=f"{problem.message}; so {kinds} were {what}"
                                    + (" (the other kinds were)" if others else ""))


def _names_offset(text: str) -> bool:
    """Whether an ISO date-time gives its UTC offset (``Z``, ``+01:00``)."""
    try:
        return datetime.fromisoformat(text.strip()).tzinfo is not None
    except ValueError:
        return False
