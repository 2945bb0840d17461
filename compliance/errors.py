"""The project's own errors: each says where the bad input is, what is wrong and how to fix it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

# C0 controls but tab and newline, DEL and C1: an id holding ESC [31m would recolour or retitle a terminal. And the
# bidirectional controls and marks, which reorder the text around them, so an id could seem to say what it does not.
_BIDI = r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI + "]")


def printable(text: str) -> str:
    """Text safe to show on a terminal: each control character written as its escape (\\x1b), not obeyed."""
    return _CONTROL.sub(_code, text)


# Every control character (bidirectional ones too), and every Unicode line or paragraph separator (U+0085 is C1).
_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029" + _BIDI + "]")


def one_line(text: str) -> str:
    """Text shown on one line of a terminal: as ``printable``, and line breaks and tabs written as escapes too
    (``\\n``), so a value can never draw a line of its own."""
    return _BREAKING.sub(_escape, text) if _BREAKING.search(text) else text


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    return _NAMED.get(match.group()) or _code(match)


def _code(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: The most characters of a value a message shows whole (an id may be 1,000). A cell may hold a million: a note
#: pasted into a date's cell was echoed whole into the error and the findings' output, a megabyte for each.
SHOWN_LIMIT = 1000


def shown(value: object) -> str:
    """A value as a message shows it to a person: true/false and "nothing" rather than Python's True and None."""
    if value is None or value == "":
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _cut(value, lambda text: f"'{text}'")
    return str(value)


def quoted(value: object) -> str:
    """``repr`` of a value from a cell, which shows what is invisible in text, cut as ``shown`` cuts a long one."""
    return _cut(value, repr) if isinstance(value, str) else repr(value)


def short(text: str) -> str:
    """A name as a problem gives it (its field), cut as ``shown`` cuts a long value."""
    return _cut(text, str)


def listed(names: Sequence[str], total: int | None = None) -> str:
    """Names as a message lists them, "a, b and c"; ``total``: how many there are, where ``names`` are the first of
    them ("a, b and 40,000 more": a cell may hold tens of thousands of dates)."""
    total = len(names) if total is None else total
    if total > len(names):
        return ", ".join(names) + f" and {total - len(names):,} more"
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _cut(text: str, show: Callable[[str], str]) -> str:
    """``show(text)``; past SHOWN_LIMIT characters, of its first 40, with its length."""
    return show(text) if len(text) <= SHOWN_LIMIT else f"{show(text[:40])}... ({len(text):,} characters)"


#: Every character Unicode ends a line with (what ``str.splitlines`` splits on): in a log line or a name, each
#: would start a line of its own, forged to look like one the tool wrote.
LINE_BREAKS = re.compile("[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


class ComplianceError(Exception):
    """Base class for every error the package raises on purpose."""


#: Half of a character (a lone surrogate): a byte that is not text, as Python keeps it in a name (U+DC80 to U+DCFF),
#: or what JSON's "\\ud800" escape stands for. No text, file or terminal can hold one.
HALF_CHARACTER = re.compile("[\ud800-\udfff]")


#: A password in what was given as a file: a connection string (``password=...``, ``PWD=...``) or a URL mistyped so
#: that it reads as a path (``postgresql//reader:secret@db/ssd``), echoed back by "no such file" into logs and mail.
#: The key of a password in a query or a connection string (PWD=, Password =), its "=" maybe encoded once or twice.
PASSWORD_KEY = re.compile(r"(?:password|pwd|passwd)(?:\s|\+|%20)*(?:=|%3D|%253D)", re.IGNORECASE)
_PASSWORD_IN_PATH = re.compile(rf"""({PASSWORD_KEY.pattern}\s*)(?:'[^']*'|"[^"]*"|[^\s;&]+)"""
                               r"|(//[^/:@\s]*:)[^\s]*@"  # after the scheme's slashes: to the last @
                               r"|(^[^/:@\s]*:)(?!/)[^\s:]*@", re.IGNORECASE)  # no scheme: user:password@host


def _without_password(match: re.Match[str]) -> str:
    return f"{match.group(1)}***" if match.group(1) else f"{match.group(2) or match.group(3)}***@"


def _escape_half(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


@dataclass
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    A warning rejects nothing: the row was read, but maybe not as the person who wrote it meant.
    """

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    hint: str | None = None
    warning: bool = False
    #: The rows it kept from being read: every row of its file, for a header that stops the file; 0 where it names no
    #: row (a database not reached, a table not there or whose query failed: how many rows it held is not known).
    rows: int = 1

    def __post_init__(self) -> None:
        # A file name that is not UTF-8 (a byte Python keeps as a lone surrogate) goes into every output that lists
        # the problem: written as the escape of its byte, which any file or terminal can take.
        if self.file is not None and not self.file.isascii() and HALF_CHARACTER.search(self.file):
            self.file = HALF_CHARACTER.sub(_escape_half, self.file)
        if self.file is not None:
            self.file = _PASSWORD_IN_PATH.sub(_without_password, self.file)
        if self.field is not None and len(self.field) > SHOWN_LIMIT:  # a key a file made up, 100,000 characters long
            self.field = short(self.field)

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = self.message if not self.field else f"{self.field}: {self.message}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return one_line(f"{where}: {text}" if where else text)


def errors(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that rejected something (a row, a file), without the warnings."""
    return [p for p in problems if not p.warning]


class InputError(ComplianceError):
    """Bad input from a user: a file, a date, a period. The CLI prints it and exits with code 2."""

    def __init__(self, *problems: Problem) -> None:
        self.problems: tuple[Problem, ...] = problems
        super().__init__("\n".join(str(p) for p in problems))

    @classmethod
    def at(cls, message: str, **where: object) -> "InputError":
        return cls(Problem(message, **where))  # type: ignore[arg-type]


class CalendarRangeError(InputError):
    """A date falls outside the years a calendar covers; counting there would be a silent miscount."""


class EngineUnavailable(ComplianceError):
    """An optional engine (durable-rules) is not installed or cannot load on this Python."""
