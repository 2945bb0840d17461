"""Whether a file's dates written in numbers run the other way from how they are read: a date that can only be month
first (3/25/2024) shows the file writes the month first, and then each date that reads either way (3/1/2024), read
day first, may be a month or more out. Said once for the file, naming the dates read so, since a finding on them
(a referral of 1 March read as 3 January, overdue) cannot be trusted."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import Problem, listed, quoted

#: The dates a message names; the others are counted.
SHOWN = 3
_NUMBERS = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})(?:[ T].*)?")


class DateOrder:
    """Watches the text of a file's date cells as they are read (``see``), then says what it found (``warning``)."""

    def __init__(self, month_first: bool = False) -> None:
        self.month_first = month_first  # how the file's dates are read: a mapping may say the month comes first
        self.against: tuple[str, int | None, Any] | None = None  # the first date that can only be read the other way
        # How many dates can be read only the other way, and only this way: a file of 25/03/2024s with one 3/25/2024
        # holds a slip, not dates written month first.
        self.other_only = self.this_only = 0
        self.either: list[tuple[str, int | None, Any, date]] = []  # the first SHOWN read one way of two
        self.count = 0
        self.pending: list[tuple[str, int | None, Any, date]] = []  # those of the row being read

    def see(self, value: Any, line: int | None, column: Any) -> None:
        """Note a cell's text (dates separated by ';' in a cell of a repeating event); a date read either way counts
        once ``kept`` says its row made a record."""
        if value.__class__ is not str or not value[:1].isdigit() or value[1:3].isdigit():
            return  # not a date in numbers, or the year first (2024-03-01): never the other way round
        for text in value.split(";") if ";" in value else (value,):
            found = _NUMBERS.fullmatch(text.strip())
            if found is None:
                continue
            first, second, year = int(found[1]), int(found[3]), int(found[4])
            if not (first and second and year):
                continue  # day 0, month 0 or year 0: a date neither way (said by the reader)
            day, month = (second, first) if self.month_first else (first, second)
            if month > 12 >= day and month <= 31:
                self.other_only += 1
                if self.against is None:
                    self.against = (text.strip(), line, column)
            elif day > 12 >= month:
                self.this_only += 1
            elif day <= 12 and month <= 12 and day != month:
                self.pending.append((text.strip(), line, column, date(year, month, day)))

    def kept(self, made: bool) -> None:
        """Whether the row seen since the last call made a record: a row not read reads no date either way."""
        if made:
            self.count += len(self.pending)
            self.either += self.pending[:SHOWN - len(self.either)]
        self.pending.clear()

    def warn(self, problems: list[Problem], file: str) -> None:
        """Add the warning for the file to ``problems``, if there is one."""
        said = self.warning(file)
        if said is not None:
            problems.append(said)

    def warning(self, file: str) -> Problem | None:
        """The warning for the file, or None: only where more dates show the other order than this one, and others
        read either way."""
        if self.against is None or not self.either or self.other_only <= self.this_only:
            return None
        text, line, column = self.against
        this, other = ("month", "day") if self.month_first else ("day", "month")
        read = [f"{quoted(t)} (row {n}) as {d.day} {d:%B %Y}" for t, n, _, d in self.either]
        first = self.either[0]
        return Problem(f"{quoted(text)} at row {line} can only be {other} first, yet {self.count:,} date(s) of this file "
                       f"that read either way were read {this} first: {listed(read, self.count)}",
                       file=file, line=first[1], column=first[2], warning=True,
                       hint=f"if the file writes dates {other} first, each of those is wrong, and so is any finding "
                            "on it: write every date as YYYY-MM-DD, which is never read the other way, and check again")
