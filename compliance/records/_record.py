"""A record: the thing duties are about (an inspection, a child's case), with its attributes and dated events.

An event's date is a ``date``, or a ``datetime`` where the time of day is known (the 72-hour clock
needs it), held as Europe/London local time. Every reader, and ``Record(...)`` itself, checks a record
the same way (``RecordCheck``): known kind, attributes and events, values of the right type, one date
for an event that happens once, and the vocabulary's defaults for attributes not given.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import InitVar, dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..calendars import DATE_HINT, instant, local, number_message, read_date
from ..errors import LINE_BREAKS, InputError, Problem, shown
from ..rules import HAPPENED, Implication, Vocabulary

EventDate = date  # a datetime (a subclass of date) where the time of day is known

YES = frozenset({"true", "yes", "y", "1"})
NO = frozenset({"false", "no", "n", "0"})
#: How to write a yes-or-no value, with the other spellings read.
YES_NO_HINT = "write yes or no; true, false, y, n, 1 and 0 are read too"
UNKNOWN = "unknown"
#: A table column that holds the system's own deadline for a rule: "target:icpc-15wd".
TARGET_PREFIX = "target:"
RULE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")

#: Reports one problem with a record: (message, field, hint). Each reader locates it in its own file.
Report = Callable[[str, "str | None", "str | None"], None]


@dataclass(frozen=True)
class Record:
    """One thing the duties are about, with the dates on which its events happened.

    ``recorded`` names the events the record's source can hold (a CSV file's event columns, a
    mapping's fields); ``None`` means any event, as in a YAML record or one built here. An event the
    source cannot hold is unknown rather than "not happened". ``targets`` are the deadlines the
    source's own system recorded, by rule id (or duty): one date, or one per occurrence of a recurring
    duty; each finding compares its deadline with them. Building a Record checks it against the
    vocabulary (the bundled one unless ``vocabulary`` is given), applies its attribute defaults and
    what its events imply (the vocabulary's ``implies``), and raises ``InputError`` with the file
    readers' messages on anything wrong.

    ``extract_date`` is the day the record's source was drawn (a census's reference date): the record
    can hold nothing that happened after it. ``implied`` names the facts taken from what the record
    implies, each with the sentence a finding states as its assumption ("cp_plan taken as yes: the
    record has rcpc"); ``conflicts`` the facts it contradicts itself on, each with what to check.
    """

    id: str
    kind: str
    attributes: Mapping[str, Any] = field(default_factory=dict)
    events: Mapping[str, tuple[EventDate, ...]] = field(default_factory=dict)
    source: str | None = None
    recorded: frozenset[str] | None = None
    targets: Mapping[str, tuple[EventDate, ...]] = field(default_factory=dict)
    #: The duties (rule ids or duty names) measured on this record; None: all of its kind. An extract that
    #: gives one thing in two records (a census's enquiry and its plan) measures each duty on one of them.
    measured: frozenset[str] | None = None
    vocabulary: InitVar[Vocabulary | None] = None
    extract_date: date | None = None
    implied: Mapping[str, str] = field(default_factory=dict, init=False)
    conflicts: Mapping[str, str] = field(default_factory=dict, init=False)
    #: What ``implied`` and ``conflicts`` were worked out from, to work them out again as of an earlier day
    #: (``as_judged``): the vocabulary's implications for the kind.
    implying: tuple[Implication, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self, vocabulary: Vocabulary | None) -> None:
        problems: list[Problem] = []

        def report(message: str, fld: str | None, hint: str | None) -> None:
            problems.append(Problem(message, field=fld, hint=hint))

        if vocabulary is None:
            from ..rules import bundled_vocabulary

            vocabulary = bundled_vocabulary()
        check = RecordCheck(vocabulary)
        checked = check.parts(self.id, self.kind, self.attributes, self.events, report)
        if problems or checked is None:
            raise InputError(*problems)
        rid, kind, attributes, events, unknown = checked
        targets = check.targets(self.targets, report)
        if problems:
            raise InputError(*problems)
        if self.extract_date is not None and not (isinstance(self.extract_date, date)
                                                  and not isinstance(self.extract_date, datetime)):
            raise InputError(Problem(f"{shown(self.extract_date)} is not a date", field="extract_date",
                                     hint="the day the extract was drawn, as a date"))
        attributes, implied, conflicts = check.implications(kind, attributes, events)
        for name, value in (("id", rid), ("kind", kind), ("attributes", attributes), ("events", events),
                            ("targets", targets), ("implied", implied), ("conflicts", conflicts),
                            ("implying", check.vocab.implications(kind))):
            object.__setattr__(self, name, value)
        object.__setattr__(self, "recorded", check.holds(kind, self.recorded, unknown))
        if self.measured is not None:
            if isinstance(self.measured, str) or not all(isinstance(m, str) for m in self.measured):
                # A string is a collection of characters: "icpc-15wd" would measure the duties "i", "c", ...
                raise InputError(Problem(f"{shown(self.measured)} is not a collection of rule ids or duty names",
                                         field="measured", hint="e.g. measured=frozenset({'icpc-15wd'})"))
            object.__setattr__(self, "measured", frozenset(self.measured))

    @classmethod
    def checked(cls, rid: str, kind: str, attributes: Mapping[str, Any], events: Mapping[str, tuple[EventDate, ...]],
                source: str | None = None, recorded: frozenset[str] | None = None,
                targets: Mapping[str, tuple[EventDate, ...]] | None = None,
                measured: frozenset[str] | None = None, *, extract_date: date | None = None,
                implied: Mapping[str, str] | None = None, conflicts: Mapping[str, str] | None = None,
                implying: Sequence[Implication] = ()) -> "Record":
        """A Record from parts a ``RecordCheck`` has already checked (its implications applied, from ``implying``),
        without checking them twice."""
        record = object.__new__(cls)
        for name, value in (("id", rid), ("kind", kind), ("attributes", attributes), ("events", events),
                            ("source", source), ("recorded", recorded), ("targets", targets or {}),
                            ("measured", measured), ("extract_date", extract_date), ("implied", implied or {}),
                            ("conflicts", conflicts or {}), ("implying", tuple(implying))):
            object.__setattr__(record, name, value)
        return record

    @cached_property
    def last_day(self) -> date | None:
        """The day of its latest event, or None: a record with no date after the day it is judged on has none to
        flag, which every duty of it asks."""
        days = [d.date() if isinstance(d, datetime) else d for dates in self.events.values() for d in dates[-1:]]
        return max(days) if days else None

    @cached_property
    def first_day(self) -> date | None:
        """The day of its earliest event, or None: a record with no date before its calendar's years has none to
        flag, which every duty of it asks."""
        days = [d.date() if isinstance(d, datetime) else d for dates in self.events.values() for d in dates[:1]]
        return min(days) if days else None

    @cached_property
    def small_hours(self) -> bool:
        """Whether an event has a time from 01:00 to before 03:00, when London's clocks go forward or back: a record
        with none has no time to flag, which every duty of it asks."""
        return any(isinstance(d, datetime) and 1 <= d.hour < 3 for dates in self.events.values() for d in dates)

    def _with(self, **changes: Any) -> "Record":
        """This record with ``changes`` to its checked parts (``Record.checked``'s names), the rest as it is."""
        parts = {"rid": self.id, "kind": self.kind, "attributes": self.attributes, "events": self.events,
                 "source": self.source, "recorded": self.recorded, "targets": self.targets, "measured": self.measured,
                 "extract_date": self.extract_date, "implied": self.implied, "conflicts": self.conflicts,
                 "implying": self.implying}
        return Record.checked(**{**parts, **changes})

    def _dated_by(self, day: date) -> dict[str, tuple[EventDate, ...]]:
        """The events with only their dates on or before ``day``; those with none left out."""
        return {name: kept for name, dates in self.events.items()
                if (kept := tuple(d for d in dates if (d.date() if isinstance(d, datetime) else d) <= day))}

    def with_extract_date(self, day: date | None) -> "Record":
        """This record, as drawn in an extract on ``day`` (None: not from an extract)."""
        return self._with(extract_date=day)

    def with_targets(self, targets: Mapping[str, tuple[EventDate, ...]]) -> "Record":
        """This record with ``targets`` as the system's recorded deadlines, the rest as it is (what it implies too)."""
        return self._with(targets=targets)

    def with_measured(self, measured: frozenset[str] | None) -> "Record":
        """This record with ``measured`` as the duties measured on it, the rest as it is (what it implies too)."""
        return self._with(measured=measured)

    def without(self, event: str) -> "Record":
        """This record with ``event`` left blank, what it implies worked out again: a completion dated before its
        trigger cannot be right, and what the record shows of it is then what its other events imply."""
        events = {name: dates for name, dates in self.events.items() if name != event}
        attributes, implied, conflicts = implications(self.implying, self.given_attributes, events)
        return self._with(attributes=attributes, events=events, implied=implied, conflicts=conflicts)

    def as_judged(self, day: date) -> "Record":
        """This record as it stood on ``day``: what its events imply taken from those dated by then alone (a review
        conference typed 2042 shows no plan, nor a conference held, in 2024); its later dates are kept, for the
        findings to say they have not happened as of then."""
        if not (self.implied or self.conflicts) or self.last_day is None or self.last_day <= day:
            return self
        attributes, implied, conflicts = implications(self.implying, self.given_attributes, self._dated_by(day))
        if implied == self.implied and conflicts == self.conflicts:
            return self
        return self._with(attributes=attributes, implied=implied, conflicts=conflicts)

    def evidenced(self, day: date) -> "Record":
        """This record as the findings of ``day`` read it: an event it dates only after that day, which its events
        dated by then show had already happened (a conference typed 2033 under a review conference of 2023), is
        taken as happened on a date it does not give, as if left blank: the later date cannot be right, and read as
        not yet happened it made the conference overdue and its reviews not begun. ``conflicts`` says so."""
        if self.last_day is None or self.last_day <= day or not self.implying:
            return self
        memo: dict[date, Record] = self.__dict__.setdefault("_evidenced_by_day", {})
        if day not in memo:
            memo[day] = self._evidenced(day)
        return memo[day]

    def _evidenced(self, day: date) -> "Record":
        dated = self._dated_by(day)
        # Only the dated events, and what they imply, show what had happened by then: a plan the record gives (as
        # of the day its extract was drawn) does not show a conference held before a day judged in the past.
        _, shown_by, _ = implications(self.implying, {}, dated)
        later = [name for name in shown_by if self.events.get(name) and name not in dated]
        if not later:
            return self
        events = {name: dates for name, dates in self.events.items() if name not in later}
        attributes, implied, conflicts = implications(self.implying, self.given_attributes, events)
        for name in later:
            when = ", ".join(d.isoformat() for d in self.events[name])
            conflicts[name] = (f"{name} is recorded on {when}, after {day:%a %d %b %Y}, yet the record shows it had "
                               f"happened by then ({shown_by[name].partition(': ')[2]}): taken as happened on a date "
                               "the record does not give; check the record (a mistyped year?)")
        return self._with(attributes=attributes, events=events, implied=implied, conflicts=conflicts)

    def shown_by(self, event: str, day: date) -> tuple[date, str] | None:
        """The earliest day by which the record's events dated by ``day`` show ``event`` had happened, with the event
        that shows it, through the vocabulary's ``happened by then`` (recommendations received Fri 20 Dec show them
        sent by then); None where nothing dated shows when."""
        return shown_no_later_than(self.implying, self._dated_by(day), event)

    @property
    def given_attributes(self) -> dict[str, Any]:
        """The attributes without those taken from what the record implies: what its source gives."""
        return {k: v for k, v in self.attributes.items() if k not in self.implied}

    def happened(self, event: str) -> bool:
        """Whether the record says ``event`` happened: on a date it gives, or on one it implies but does not give."""
        return bool(self.events.get(event)) or event in self.implied

    def target(self, rule: str, duty: str, occurrence: int = 1) -> EventDate | None:
        """The deadline the source's system recorded for this occurrence of a rule (by its id, or its duty)."""
        dates = self.targets.get(rule) or self.targets.get(duty)
        return dates[occurrence - 1] if dates and occurrence <= len(dates) else None

    def origin(self) -> tuple[str | None, int | None]:
        """The file and row the record was read from, as ``source`` says (``file:line``); (source, None) else."""
        file, _, line = (self.source or "").rpartition(":")
        if not line.isdigit():
            return self.source, None
        return file or None, int(line)

    def measures(self, duty: str, rule_ids: Iterable[str] = ()) -> bool:
        """Whether this record is the one ``duty`` is measured on (see ``measured``), named by its name or by the
        id of any of its versions (``rule_ids``)."""
        return self.measured is None or duty in self.measured or any(r in self.measured for r in rule_ids)

    def first(self, event: str) -> EventDate | None:
        dates = self.events.get(event)
        return dates[0] if dates else None

    def records(self, event: str) -> bool:
        """Whether the record's source can hold ``event`` at all (a blank cell still says "not happened")."""
        return self.recorded is None or event in self.recorded

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "attributes": self.given_attributes,
            "events": {k: [d.isoformat() for d in v] for k, v in self.events.items()},
        }


def parse_event_date(value: Any, midnight_is_day: bool = False) -> EventDate:
    """A date or date-time from a cell or YAML value; raises ValueError with a readable message.

    Text is read as every date the tool takes is (``calendars.read_date``: YYYY-MM-DD, DD/MM/YYYY, 14 December
    2018, with HH:MM after the date where the time counts; never month first). A number that looks like an
    Excel date serial is refused with the date it would be, since an unformatted column is the usual cause.
    A date-time with an offset (``Z``, ``+01:00``) is turned into London local time; one without is taken to
    be London local time already. One at 00:00 is that moment (a child back at midnight starts a 72-hour clock
    then), unless ``midnight_is_day``: a database's DATETIME column holds a day as its midnight (the SSD's
    ``2023-03-01 00:00:00.000``).
    """
    if isinstance(value, datetime):
        if midnight_is_day and value.tzinfo is None and (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date()
        return local(value)
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(number_message(value, repr(value), value))
    if isinstance(value, str):
        return read_date(value)
    raise ValueError(f"{shown(value)} is not a date")


#: What people write between several dates in a cell instead of ";": a comma, a line break (Alt+Enter in Excel),
#: "and" or "&".
_OTHER_SEPARATORS = re.compile(r"\s*(?:[,\n\r&]|\band\b)\s*", re.IGNORECASE)


def cell_date(text: Any, repeats: bool) -> EventDate:
    """parse_event_date of one date of an event's cell (``repeats``: whether the event can happen more than once);
    a cell of several dates separated otherwise than by ``;`` is told so, not only that it is no date."""
    try:
        return parse_event_date(text)
    except ValueError:
        parts = _OTHER_SEPARATORS.split(text.strip()) if isinstance(text, str) else []
        if len(parts) < 2 or not all(map(_is_date, parts)):
            raise
    fix = (f"several dates in one cell are separated by ;, e.g. {'; '.join(parts)}" if repeats
           else f"it holds {len(parts)} dates, but this event happens once: give the one it happened on")
    raise ValueError(f"{shown(text)} is not a date: {fix}")


def _is_date(text: str) -> bool:
    try:
        parse_event_date(text)
    except ValueError:
        return False
    return True


def _word(value: Any) -> str:
    """A value as an assumption states it: yes and no for true and false."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def imply(record: Record, vocabulary: Vocabulary) -> Record:
    """``record`` with what its events and attributes imply applied, for a record built without them (the
    vectorised engine's rows handed to the per-record engine)."""
    rules = vocabulary.implications(record.kind)
    attributes, implied, conflicts = implications(rules, record.attributes, record.events)
    if not implied and not conflicts and record.implying == rules:
        return record
    return Record.checked(record.id, record.kind, attributes, record.events, record.source, record.recorded,
                          record.targets, record.measured, extract_date=record.extract_date, implied=implied,
                          conflicts=conflicts, implying=rules)


def sort_key(d: EventDate) -> tuple[date, float]:
    """Orders dates and date-times together, by the instant: a date sorts as the start of its day."""
    if isinstance(d, datetime):
        return d.date(), instant(d)
    return d, float("-inf")


def is_unknown(value: Any) -> bool:
    """Whether an event's cell says the source does not know if or when it happened (``unknown``), which
    is not the same as a blank: blank means it has not happened."""
    return isinstance(value, str) and len(value) < 40 and value.strip().lower() == UNKNOWN


#: The most characters an id may have: an id is a name (SQL keys are rarely over 50), and a longer cell in the id
#: column is a slip (a note, a row pasted into one cell) that would make every id of its file as wide in the
#: table of ids read (records/_seen_ids.py).
ID_LIMIT = 1000
#: How a record says that no duty is measured on it (``measured`` empty is every duty of its kind).
MEASURED_NONE = "none"


def measured_text(measured: frozenset[str] | None) -> str | None:
    """The duties measured on a record as its ``measured`` cell says them (read back by RecordCheck.measured)."""
    if measured is None:
        return None
    return "; ".join(sorted(measured)) if measured else MEASURED_NONE


#: Characters that show nothing where an id is shown: Unicode's format characters (category Cf: the zero-width space,
#: joiner and non-joiner, the word joiner, U+FEFF, the soft hyphen U+00AD, invisible operators, tags), so that ids
#: 'a1' and 'a1' + U+200B would look the same and be two records. The bidirectional controls and marks, Cf too,
#: are left out: every output shows them as their escape (\u202e; errors.printable). Written as the characters
#: themselves, so the pattern is one for Python's re and for pyarrow's RE2 (records/columns.py) alike.
INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200d\u2060-\u2064"
                       "\u206a-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                       "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def id_fault(rid: Any) -> tuple[str, str] | None:
    """Why ``rid`` cannot be a record's id, as (message, hint), or None. An id is a name: one line of text (a line
    break in it would draw a row or a log line of its own wherever the id is shown), with no character that shows
    nothing (INVISIBLE: it would look like another id), of at most ID_LIMIT characters."""
    if not isinstance(rid, (str, int, float, date)) or isinstance(rid, bool) or rid != rid or rid in _INFINITE:
        return f"the id must be text, not {_type_name(rid)}", "give each record a name or number as its id"
    text = str(rid).strip()
    if len(text) > ID_LIMIT:
        return (f"the id is {len(text):,} characters long ({shown(text[:20])}...): an id is a name, of at most "
                f"{ID_LIMIT:,}", "give the record's own id (a note or a whole row may have been pasted into its cell)")
    if LINE_BREAKS.search(text):
        return (f"the id {shown(text)} holds a line break: an id is a name, on one line",
                "remove the line break (Alt+Enter in an Excel cell makes one)")
    hidden = invisible(text)
    if hidden:
        return (f"the id {shown(escaped_invisible(text))} holds {hidden[0]}, which shows nothing: the id would look "
                f"the same as {shown(INVISIBLE.sub('', text))}", hidden[1])
    return None


def id_text(rid: str | int | float | date) -> str:
    """An id as its text; a whole number written with a point (1234.0: what pandas writes of an id column with a gap)
    as the number it is, so that it is the record 1234 wherever else it is written so."""
    return str(int(rid)) if isinstance(rid, float) and rid.is_integer() else str(rid).strip()


def invisible(text: str) -> tuple[str, str] | None:
    """(the first character of ``text`` that shows nothing, named: "U+200B (zero width space)"; how to put it right),
    or None: such a character makes a name look like another (an id, a column)."""
    found = None if text.isascii() else INVISIBLE.search(text)
    if found is None:
        return None
    import unicodedata  # only here: a name rarely holds one

    char = found.group()
    code = f"U+{ord(char):04X}"
    return (f"{code} ({unicodedata.name(char, 'a format character').lower()})",
            f"delete the {code}: text copied from a web page or a document often brings one in")


def escaped_invisible(text: str) -> str:
    """``text`` with each character that shows nothing written as its escape (\\u200b), so a reader sees it."""
    return INVISIBLE.sub(_code_point, text)


def _code_point(match: re.Match[str]) -> str:
    """A character as an escape a reader can see: \\u200b."""
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


#: Numbers that name nothing: an id of YAML's .inf (or .nan, which equals nothing) is a slip, not a name.
_INFINITE = (float("inf"), float("-inf"))


def _type_name(value: Any) -> str:
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    if isinstance(value, datetime):
        return f"a date and time ({value.isoformat()})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    return {list: "a list", tuple: "a list", dict: "a mapping", bool: "true or false", int: "a number",
            float: "a number"}.get(type(value), f"a {type(value).__name__}")


def suggest(word: str, known: Iterable[str]) -> str:
    """A hint naming the closest known word, or listing them all."""
    known = list(known)
    close = difflib.get_close_matches(str(word), known, n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))


def unknown_kind(kind: Any, kinds: Iterable[str]) -> tuple[str, str, str]:
    """(message, field, hint) for a kind no rule knows; a blank cell is said to be empty, not a kind "nothing"."""
    if kind is None or (isinstance(kind, str) and not kind.strip()):
        return ("the record's kind is empty", "kind", "write its kind: one of " + ", ".join(sorted(kinds))
                + "; a totals or notes row under the table is no record: delete it")
    if not isinstance(kind, str):  # a list or a mapping in YAML or JSON: never shown in Python's words
        return (f"the record's kind must be text, not {_type_name(kind)}", "kind",
                "write its kind as one name: one of " + ", ".join(sorted(kinds)))
    return f"unknown record kind {shown(kind)}", "kind", suggest(kind, kinds)


class RecordCheck:
    """Checks one record's parts against the vocabulary and normalises them, reporting each problem."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._held: dict[frozenset[str], frozenset[str]] = {}

    def parts(self, rid: Any, kind: Any, attributes: Mapping[str, Any], events: Mapping[str, Any], report: Report
              ) -> tuple[str, str, dict[str, Any], dict[str, tuple[EventDate, ...]], frozenset[str]] | None:
        """(id, kind, attributes with defaults, sorted event dates, events given as unknown), or None when
        anything is wrong."""
        failed = False

        def problem(message: str, fld: str | None, hint: str | None = None) -> None:
            nonlocal failed
            failed = True
            report(message, fld, hint)

        if rid is None or str(rid).strip() == "":
            problem("the record has no id", "id", "give each record an id")
            return None
        fault = id_fault(rid)
        if fault:
            problem(fault[0], "id", fault[1])
            return None
        if not isinstance(kind, str) or kind not in self.vocab.kinds:
            problem(*unknown_kind(kind, self.vocab.kinds))
            return None
        if not isinstance(attributes, Mapping) or not isinstance(events, Mapping):
            problem("attributes and events must each map names to values", None,
                    "e.g. attributes={'framework': 'ILACS'}, events={'report_received': '2024-12-03'}")
            return None
        specs = self.vocab.attributes(kind)
        known_events = self.vocab.events(kind)
        values: dict[str, Any] = {}
        for name, value in attributes.items():
            if name not in specs:
                hint = (f"{name} is an event: give it with the events" if name in known_events
                        else suggest(name, specs))
                problem(f"unknown attribute {shown(name)} for {kind} records", str(name), hint)
                continue
            value = self.attribute(name, specs[name], value, problem)
            if value is not None:
                values[name] = value
        for name, spec in specs.items():
            if name not in values and spec.get("default") is not None:
                values[name] = spec["default"]
        dates: dict[str, tuple[EventDate, ...]] = {}
        unknown: set[str] = set()
        for name, value in events.items():
            if name not in known_events:
                hint = (f"{name} is an attribute: give it with the attributes" if name in specs
                        else suggest(name, known_events))
                problem(f"unknown event {shown(name)} for {kind} records", str(name), hint)
                continue
            if is_unknown(value):
                unknown.add(name)
                continue
            found = self.dates(kind, name, value, problem)
            if found:
                dates[name] = found
        return None if failed else (id_text(rid), kind, values, dates, frozenset(unknown))

    def implications(self, kind: str, attributes: Mapping[str, Any], events: Mapping[str, tuple[EventDate, ...]]
                     ) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
        """``implications`` by the vocabulary's ``implies`` for ``kind``."""
        return implications(self.vocab.implications(kind), attributes, events)

    def targets(self, targets: Mapping[str, Any], report: Report) -> dict[str, tuple[EventDate, ...]]:
        """The system's recorded deadlines by rule id: one date each, or a list (or ;-separated dates) for the
        occurrences of a recurring duty. Whether the ids name rules is for whoever holds the rules to say."""
        out: dict[str, tuple[EventDate, ...]] = {}
        if not isinstance(targets, Mapping):
            report("targets must map rule ids to dates", "targets", "e.g. targets={'icpc-15wd': '2022-09-22'}")
            return out
        for rule, value in targets.items():
            name = f"target:{rule}"
            if not isinstance(rule, str) or not RULE_ID.fullmatch(rule):
                report(f"{shown(rule)} is not a rule id", name, "a rule id such as icpc-15wd")
                continue
            if value is None or value == "" or is_unknown(value):
                continue
            items = list(value) if isinstance(value, (list, tuple)) else (
                [v.strip() for v in value.split(";") if v.strip()] if isinstance(value, str) else [value])
            dates = []
            for item in items:
                try:
                    dates.append(cell_date(item, True))  # a recurring duty's target is a date an occurrence
                except ValueError as exc:
                    report(f"{exc} (the system's recorded deadline for {rule})", name, DATE_HINT)
                    break
            else:
                out[rule] = tuple(sorted(dates, key=sort_key))  # the first is the first occurrence's
        return out

    @staticmethod
    def extract_date(value: Any, report: Report) -> date | None:
        """The day the record's extract was drawn (nothing after it is in it), or None where none is given; a
        bad value is reported (``report``) and read as None."""
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            return None
        try:
            day = parse_event_date(value)
        except ValueError as exc:
            report(f"{exc} (the day the extract was drawn)", "extract_date", "YYYY-MM-DD or DD/MM/YYYY")
            return None
        if isinstance(day, datetime):
            if (day.hour, day.minute, day.second, day.microsecond) == (0, 0, 0, 0):
                return day.date()  # midnight, as a date-time format writes a day (an Excel cell reads so too)
            report(f"{shown(value)} is a moment: the extract_date is the day the extract was drawn", "extract_date",
                   "give the day alone, e.g. 2025-03-31")
            return None
        return day

    @staticmethod
    def measured(value: Any, report: Report) -> frozenset[str] | None:
        """The duties measured on this record (rule ids or duty names; its extract measures the others on other
        records), or None where none are named: every duty of its kind; ``none`` alone: no duty (an extract that
        answers none of its kind's). A name that is no rule id is reported."""
        items = list(value) if isinstance(value, (list, tuple)) else (
            [v for v in value.split(";")] if isinstance(value, str) else [] if value is None else [value])
        names = [str(v).strip() if isinstance(v, str) else v for v in items]
        names = [v for v in names if v not in (None, "")]
        if names == [MEASURED_NONE]:
            return frozenset()
        if not names:
            return None
        for name in names:
            if not isinstance(name, str) or not RULE_ID.fullmatch(name):
                report(f"{shown(name)} is not a rule id or duty name (the duties measured on this record)", "measured",
                       "rule ids or duty names separated by ;, e.g. icpc-15wd; rcpc")
                return None
        return frozenset(names)

    def holds(self, kind: str, recorded: Iterable[str] | None, unknown: frozenset[str]) -> frozenset[str] | None:
        """The events a record can tell: its source's columns (None: any) less those it gives as unknown.

        One set for every record that can tell the same events (those of a file, nearly always): a chunk of records
        sent to a worker process then carries it once, not once a record (a third of the time to receive them)."""
        if not unknown and recorded is None:
            return None
        held = frozenset(self.vocab.events(kind) if recorded is None else recorded) - unknown
        return self._held.setdefault(held, held)

    @staticmethod
    def attribute(name: str, spec: Mapping[str, Any], value: Any, problem: Callable[..., None]) -> Any:
        """An attribute's value as the vocabulary types it; None (absent) for an empty cell or a bad value."""
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            return None
        if spec.get("type") == "boolean":
            if isinstance(value, bool):
                return value
            low = str(value).lower()
            if low in YES:
                return True
            if low in NO:
                return False
            problem(f"{shown(value)} is not yes or no", name, YES_NO_HINT)
            return None
        if not isinstance(value, (str, int, float)):  # a YAML date, !!binary, list or mapping; a date in a cell
            problem(f"must be text, not {_type_name(value)}", name,
                    "write it as text: in YAML, in quotes; in a spreadsheet, in a cell formatted as text")
            return None
        allowed = spec.get("values")
        if allowed and value not in allowed:
            lower = {str(a).lower(): a for a in allowed}
            close = lower.get(str(value).lower())
            hint = f"did you mean {close!r}? (values are case-sensitive)" if close else "one of: " + ", ".join(allowed)
            problem(f"{shown(value)} is not a known {name}", name, hint)
            return None
        return value

    def dates(self, kind: str, event: str, value: Any, problem: Callable[..., None]) -> tuple[EventDate, ...] | None:
        """An event's dates, sorted: one date, a list of them, or several in a cell separated by ';'."""
        if value is None or value == "":
            return None
        if type(value) is str and len(value) == 10 and value[4] == "-":
            try:  # the common case, a plain ISO date, without the general path below
                return (date.fromisoformat(value),)
            except ValueError:
                pass  # the general path gives the message
        items: list[Any]
        if isinstance(value, (list, tuple)):
            items = list(value)
        elif isinstance(value, str) and ";" in value:
            items = [v for v in value.split(";") if v.strip()]
        else:
            items = [value]
        if len(items) > 1 and not self.vocab.repeats(kind, event):
            problem(f"{event} happens once, but {len(items)} dates are given", event, "give one date")
            return None
        out = []
        for item in items:
            if is_unknown(item):
                problem(f"{event} gives dates and also says unknown", event,
                        "write the dates the record has, or unknown alone when the source does not say")
                return None
            try:
                out.append(cell_date(item, self.vocab.repeats(kind, event)))
            except ValueError as exc:
                problem(str(exc), event, DATE_HINT)
                return None
        return tuple(sorted(out, key=sort_key))


def implications(rules: Sequence[Implication], attributes: Mapping[str, Any],
                 events: Mapping[str, tuple[EventDate, ...]]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(attributes, implied, conflicts): what the record's events and attribute values imply, by the
    vocabulary's ``implies``, taken where the record does not say; contradictions left as the record gives
    them, each with a sentence saying what to check. Events it gives as ``unknown`` imply nothing of their own (the
    source does not say they happened), but one that other events show happened is implied, and implies in turn."""
    if not rules:
        return dict(attributes), {}, {}
    happened = {name for name, dates in events.items() if dates}
    shown: dict[str, str] = {}
    # What shows each event happened: the record, or (for one implied) what implies it, said back to the record.
    why = {name: f"the record has {name}" for name in happened}
    while True:  # implied events may imply more: a response after the panel means the panel met
        changed = True
        while changed:
            changed = False
            for imp in rules:
                if (imp.source_is_event and imp.source in happened and imp.value == HAPPENED
                        and imp.target not in happened):
                    happened.add(imp.target)
                    why[imp.target] = f"{why[imp.source]}, which shows {imp.target}"
                    shown[imp.target] = (f"{imp.target} taken as happened, on a date the record does not give: "
                                         f"{why[imp.source]}")
                    changed = True
        out, implied, conflicts, why_implied = _settled(rules, attributes, why)
        # An attribute value may show an event happened (a plan is made only at a conference), and the
        # value may itself be implied (review conferences show a plan): settle again until nothing changes.
        grown = [imp for imp in rules if not imp.source_is_event and imp.value == HAPPENED
                 and imp.target not in happened
                 and out.get(imp.source) is not None and out.get(imp.source) == imp.when]
        if not grown:
            return out, {**shown, **implied}, conflicts
        for imp in grown:
            happened.add(imp.target)
            value = f"{imp.source} is {_word(imp.when)}"
            if imp.source in why_implied:  # a value the record does not give: said with what implies it
                value = f"{why_implied[imp.source]}, which implies {imp.source} {_word(imp.when)}"
            why[imp.target] = f"{value}, which shows {imp.target}"
            shown[imp.target] = f"{imp.target} taken as happened, on a date the record does not give: {value}"


def shown_no_later_than(rules: Sequence[Implication], events: Mapping[str, tuple[EventDate, ...]], target: str
                        ) -> tuple[date, str] | None:
    """(day, event) for the earliest dated event that shows ``target`` happened no later than its own day, through
    ``by_then`` implications, and through the attribute values events show held on their days (review conferences
    show a plan, which shows its conference held by then); None if none does."""
    shown: dict[str, tuple[date, str]] = {}  # an event (or "attribute=value") -> the earliest day, and whose
    for name, dates in events.items():
        if dates:
            first = min(d.date() if isinstance(d, datetime) else d for d in dates)
            shown[name] = (first, name)
    changed = True
    while changed:
        changed = False
        for imp in rules:
            source = imp.source if imp.source_is_event else f"{imp.source}={imp.when!r}"
            known = shown.get(source)
            if known is None:
                continue
            if imp.value == HAPPENED:
                if not imp.by_then:
                    continue
                key = imp.target
            else:
                key = f"{imp.target}={imp.value!r}"  # a state an event shows held on its day
            if key not in shown or known[0] < shown[key][0]:
                shown[key] = known
                changed = True
    found = shown.get(target)
    return None if found is None or events.get(target) else found


def _settled(rules: Sequence[Implication], attributes: Mapping[str, Any], shown_by: Mapping[str, str]
             ) -> tuple[dict[str, Any], dict[str, str], dict[str, str], dict[str, str]]:
    """(attributes, implied, conflicts, why): the attribute values the events that happened (each with what shows
    it) and the values given imply, taken where the record does not say (``why``: what shows each), contradictions
    left as given with a sentence to check."""
    implied: dict[str, str] = {}
    why_implied: dict[str, str] = {}
    proposed: dict[str, dict[Any, list[str]]] = {}
    for imp in rules:
        if imp.value == HAPPENED:
            continue
        if imp.source_is_event:
            if imp.source not in shown_by:
                continue
            because = shown_by[imp.source]
        else:
            if attributes.get(imp.source) is None or attributes.get(imp.source) != imp.when:
                continue
            because = f"{imp.source} is {_word(imp.when)}"
        proposed.setdefault(imp.target, {}).setdefault(imp.value, []).append(because)
    out = dict(attributes)
    conflicts: dict[str, str] = {}
    for target, by_value in proposed.items():
        given = attributes.get(target)
        reasons = "; ".join(f"{' and '.join(why)}, which implies {target} {_word(value)}"
                            for value, why in by_value.items())
        if given is not None:
            if any(value != given for value in by_value):
                conflicts[target] = (f"{target} is {_word(given)}, but {reasons}: {target} is taken as "
                                     "the record gives it; check the record.")
        elif len(by_value) > 1:
            conflicts[target] = f"{reasons}: {target} is left unknown; check the record."
        else:
            (value, why), = by_value.items()
            out[target] = value
            why_implied[target] = " and ".join(why)
            implied[target] = f"{target} taken as {_word(value)}: {why_implied[target]}"
    return out, implied, conflicts, why_implied
