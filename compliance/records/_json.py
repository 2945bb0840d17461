"""Reading a JSON file of records a record at a time, so that one bad record is one problem and the others are read.

``json.loads`` stops at the first fault anywhere in a document, and would leave out every record of the file for it:
a key given twice (which json would keep silently, the last one, so it is refused here), NaN or Infinity (not JSON),
a number of more than 4,300 digits (which Python refuses to read), or nesting past Python's recursion limit. Here
each record of the list (the document's, or its ``records``) is decoded on its own: each of those faults is a problem
at its record, which is left out, and the other records are read. Only a syntax error stops the file, and its problem
says how many records were read before it.

Lines and columns come from reading the text again as YAML, which JSON nearly is; where YAML cannot read it, each
problem gives its record's first line.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import InputError, Problem, ordinal
from ..yamlio import Located, Path_, load_yaml

_SPACE = re.compile(r"[ \t\n\r]*")
# A string (escapes and all) or a bracket: enough to find where a value too deep for json ends.
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SYNTAX_HINT = "check the commas, brackets and quotes around it"
_TWICE_HINT = "give each key once; a second one would silently replace the first"


class _Fault:
    """A value json could not give, left where it stood to be reported at its path; ``kept`` stands in for it (the
    first of two equal keys' values, so the record's id can still be named)."""

    def __init__(self, message: str, hint: str, key: str | None = None, kept: Any = None) -> None:
        self.message, self.hint, self.key, self.kept = message, hint, key, kept


class _Document:
    """One parse of a JSON document: its value, each record's first character, and the faults found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder(object_pairs_hook=self.pairs, parse_constant=self.constant,
                                        parse_int=self.integer)
        self.faults = 0
        self.value: Any = None
        self.records: list[Any] = []
        self.starts: list[int] = []  # the index of each record's first character, in the order read
        self.faulty: list[tuple[Path_, Any, int]] = []  # (path, value, first character) of each holding a fault
        self.list_ended = False
        self.twice: list[tuple[str, int]] = []  # each key the document's own object gives again, and where

    def pairs(self, pairs: list[tuple[str, Any]]) -> Any:
        value = dict(pairs)
        if len(value) == len(pairs):
            return value
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                break
            seen.add(key)
        kept: dict[str, Any] = {}
        for later, item in pairs:
            kept.setdefault(later, item)
        self.faults += 1
        return _Fault(f"duplicate key {key!r}", _TWICE_HINT, key, kept)

    def constant(self, name: str) -> _Fault:
        # Python's json reads NaN and Infinity, which JSON has not: an id or a date of NaN would be read as text.
        self.faults += 1
        return _Fault(f"{name} is not a JSON value", "write the value in quotes if it is text, or leave it out")

    def integer(self, text: str) -> Any:
        try:
            return int(text)
        except ValueError:  # more than 4,300 digits, which Python refuses to turn into a number
            self.faults += 1
            return _Fault(f"a number of {len(text.lstrip('-'))} digits is too long to read",
                          "write it in quotes if it is text (an id, a team), or leave it out")

    def space(self, i: int) -> int:
        return _SPACE.match(self.text, i).end()  # type: ignore[union-attr]  # it matches the empty string

    def parse(self) -> None:
        """Read the document into ``value``; raise JSONDecodeError at a syntax error, what was read before it kept."""
        text = self.text
        i = self.space(0)
        if text.startswith("[", i):
            self.value = self.records
            i = self.items(i, ())
        elif text.startswith("{", i):
            self.value = {}
            i = self.members(i)
        else:
            self.value, i = self.decoded(i, ())
        i = self.space(i)
        if i < len(text):
            raise json.JSONDecodeError("Extra data", text, i)

    def members(self, i: int) -> int:
        """The document's own object, its ``records`` read a record at a time; the index after its ``}``."""
        text, out = self.text, self.value
        i = self.space(i + 1)
        if text.startswith("}", i):
            return i + 1
        while True:
            if not text.startswith('"', i):
                raise json.JSONDecodeError("Expecting property name enclosed in double quotes", text, i)
            at = i
            key, i = self.decoder.raw_decode(text, i)
            i = self.space(i)
            if not text.startswith(":", i):
                raise json.JSONDecodeError("Expecting ':' delimiter", text, i)
            i = self.space(i + 1)
            if key == "records" and key not in out and text.startswith("[", i):
                out[key] = self.records
                i = self.items(i, (key,))
            else:
                value, i = self.decoded(i, (key,))
                if key in out:
                    self.twice.append((key, at))  # the first is kept, as in a record
                else:
                    out[key] = value
            i = self.space(i)
            if text.startswith("}", i):
                return i + 1
            if not text.startswith(",", i):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
            i = self.space(i + 1)

    def items(self, i: int, path: Path_) -> int:
        """The list of records at ``i``, each decoded on its own; the index after its ``]``."""
        text = self.text
        i = self.space(i + 1)
        if text.startswith("]", i):
            self.list_ended = True
            return i + 1
        while True:
            self.starts.append(i)
            record, i = self.decoded(i, path + (len(self.records),))
            self.records.append(record)
            i = self.space(i)
            if text.startswith("]", i):
                self.list_ended = True
                return i + 1
            if not text.startswith(",", i):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, i)
            i = self.space(i + 1)

    def decoded(self, i: int, path: Path_) -> tuple[Any, int]:
        """The value at ``i`` and the index after it; one holding a fault is listed in ``faulty``."""
        before = self.faults
        try:
            value, end = self.decoder.raw_decode(self.text, i)
        except RecursionError:
            value, end = _Fault("nested too deeply to read", "write plain names, values and lists"), self.end_of(i)
            self.faults += 1
        if self.faults > before:
            self.faulty.append((path, value, i))
        return value, end

    def end_of(self, i: int) -> int:
        """The index after the list or object that starts at ``i`` (one too deep for json to read)."""
        depth = 0
        for found in _BRACKETS.finditer(self.text, i):
            mark = found.group()
            if mark in "[{":
                depth += 1
            elif mark in "]}":
                depth -= 1
                if depth == 0:
                    return found.end()
        raise json.JSONDecodeError("Expecting ',' delimiter", self.text, len(self.text))


def _line_column(text: str, at: int) -> tuple[int, int]:
    """The line and column (from 1) of the character at ``at``."""
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


def load_json(text: str, file: str) -> Located:
    """A JSON document of records, its faults (``Located.problems``, each value that holds one in ``unread``) and
    positions; raise InputError where nothing of it can be read (a syntax error before its records)."""
    doc = _Document(text)
    stop: json.JSONDecodeError | None = None
    try:
        doc.parse()
    except json.JSONDecodeError as exc:
        stop = exc
    try:
        # Positions: JSON has none; YAML reads it with them (values that YAML cannot read left out where they are).
        again: Located | None = load_yaml(text, file, strict=False, partial=True)
    except InputError:
        again = None
    located = Located(doc.value, file)
    prefix: Path_ = ("records",) if isinstance(doc.value, dict) else ()
    line, counted = 1, 0  # lines counted on from the record before: each record's a count of the text once
    for n, start in enumerate(doc.starts):
        line += text.count("\n", counted, start)
        counted = start
        located.positions[prefix + (n,)] = (line, start - text.rfind("\n", 0, start))
    for path, _, start in doc.faulty:
        if path not in located.positions:  # a value of the document's own, not a record (few): too deep for YAML
            located.positions[path] = _line_column(text, start)
    if again is not None:
        located.positions.update(again.positions)
        located.key_positions.update(again.key_positions)
    for path, value, _ in doc.faulty:
        _report(located, again, path, value, prefix)
    for key, at in doc.twice:
        said = again.unread.get((key,)) if again is not None else None
        line, column = _line_column(text, at)
        located.problems.append(said or Problem(f"invalid JSON: duplicate key {key!r}", file=file, line=line,
                                                column=column, field=key, hint=_TWICE_HINT))
    if stop is not None:
        if not doc.starts and not located.problems:
            raise InputError(Problem(f"invalid JSON: {stop.msg}: {NONE_READ}", file=file,
                                     line=stop.lineno, column=stop.colno, hint=_SYNTAX_HINT))
        read = len(doc.records)
        # From the record it stopped in (where the parser stopped in the list), else from where it stopped.
        line = (stop.lineno if doc.list_ended or read == len(doc.starts) else
                text.count("\n", 0, doc.starts[read]) + 1)
        said = not_read_from(line, read) if doc.starts else NONE_READ
        located.problems.append(Problem(f"invalid JSON: {stop.msg}: {said}", file=file, line=stop.lineno,
                                        column=stop.colno, hint=_SYNTAX_HINT))
    return located


#: What is said of a file of records whose parser stopped before its first record.
NONE_READ = "no record of this file was read"


def not_read_from(line: int, read: int) -> str:
    """What is said of a file of records whose parser stopped: from which line it was not read, and how many records
    before it were."""
    return f"the file was not read from line {line} on (read before it: {read} record{'' if read == 1 else 's'})"


def _report(located: Located, again: Located | None, path: Path_, value: Any, prefix: Path_) -> None:
    """Each fault in ``value`` (at ``path``) a problem at its place, the value put back as what stands in for it."""
    for at, fault in _faults(value, path):
        at_key = at + (fault.key,) if fault.key is not None else at
        said = again.unread.get(at_key) if again is not None else None
        if said is not None and fault.key is not None:
            problem = Problem(said.message, file=located.file, line=said.line, column=said.column, field=fault.key,
                              hint=said.hint)  # YAML found the second key: it says at which line the first is
        else:
            where = located.where(at_key)
            record = at[len(prefix)] if len(at) > len(prefix) else None
            rid = _record_id(located.value, prefix, record)
            field = fault.key or next((p for p in reversed(at) if isinstance(p, str) and p != "records"), None)
            whose = ("" if field == "id" and rid is not None else f"record {rid!r}: " if rid is not None else
                     f"the {ordinal(record + 1)} record: " if isinstance(record, int) else "")
            problem = Problem(f"{whose}invalid JSON: {fault.message}", field=field, hint=fault.hint, **where)
        located.problems.append(problem)
        located.unread[at_key] = problem
        _put(located, at, fault.kept)


def _faults(value: Any, path: Path_) -> list[tuple[Path_, _Fault]]:
    """Each fault in ``value`` with its path, the outermost first (a fault holds the values it stands in for). Walked
    with a list, not by recursion: a record json could read may be nested nearly as deep as Python's limit."""
    found = []
    stack = [(path, value)]
    while stack:
        at, item = stack.pop()
        if isinstance(item, _Fault):
            found.append((at, item))
            stack.append((at, item.kept))
        elif isinstance(item, dict):
            stack.extend((at + (key,), inner) for key, inner in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((at + (n,), inner) for n, inner in reversed(list(enumerate(item))))
    return found


def _put(located: Located, path: Path_, value: Any) -> None:
    if not path:
        located.value = value
        return
    parent = located.value
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, (dict, list)) and (path[-1] in parent if isinstance(parent, dict) else True):
        parent[path[-1]] = value


def _record_id(value: Any, prefix: Path_, record: Any) -> str | None:
    """The id of the record numbered ``record``, where it is text."""
    items = value.get("records") if prefix and isinstance(value, dict) else value
    if not isinstance(record, int) or not isinstance(items, list) or record >= len(items):
        return None
    raw = items[record]
    raw = raw.kept if isinstance(raw, _Fault) else raw
    rid = raw.get("id") if isinstance(raw, dict) else None
    return rid if isinstance(rid, str) else None
