"""Reading a date as people write it: one parser for every cell, option and argument that takes a date.

ISO (2018-12-14, and 2018/12/14: the year first is never the day), the UK's day first (14/12/2018,
14-12-2018, 14.12.2018, never month first), and the way council papers and spreadsheets write dates (14
December 2018, 14 Dec 2018, Friday 14th December 2018, 14-Dec-2018). A two-digit year is refused, not
guessed; a weekday that does not match the date is refused, since one of the two is a typo. A time of
day may follow (14/12/2018 09:30), and an ISO date-time's offset is turned into London local time.
A placeholder (TBC, N/A, -) is refused with what to write instead: a blank, or ``unknown``.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, timedelta

from ..errors import InputError, Problem, shown
from ._instants import local

DATE_HINT = ("write dates as DD/MM/YYYY, YYYY-MM-DD or 5 December 2018 (e.g. 05/12/2018 or 2018-12-05), with HH:MM "
             "after the date where the time counts")
#: The hint for an option or argument that takes a day, not a time.
DAY_HINT = "write dates as DD/MM/YYYY, YYYY-MM-DD or 5 December 2018 (e.g. 05/12/2018 or 2018-12-05)"

_TIME = r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?)?"
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]+)" + _TIME)
# 14-12-2018 and 14.12.2018: the day first as with a slash, the same separator twice.
_UK_OTHER = re.compile(r"([0-9]{1,2})([.-])([0-9]{1,2})\2([0-9]+)" + _TIME)
# 2018/12/14: the year first, so the month is second (no one writes YYYY/DD/MM).
_YEAR_FIRST = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})" + _TIME)
# 14-Dec-2018, 14-December-2018: as a spreadsheet's date format shows a day.
_DASHED_WORDS = re.compile(r"([0-9]{1,2})-([a-z]+)-([0-9]+)" + _TIME, re.IGNORECASE)
#: What a tracker's date cell holds for a date it does not have: not a date, and not guessed at.
_PLACEHOLDERS = frozenset({"tbc", "tba", "tbd", "tbc.", "n/a", "na", "n.a.", "n.a", "-", "--", "\u2013", "\u2014",
                           "?", "??", "none", "nil", "pending", "not known", "n/k", "nk", "n.k.", "not yet",
                           "not applicable"})
_NOT_YET = "leave the cell blank if it has not happened yet, or write unknown if it happened on a day not known"
_MONTHS = {name: n for n, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], 1) for name in names}
_WEEKDAYS = {name: n for n, names in enumerate(
    [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
     ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]) for name in names}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# "Friday 14th December 2018", "14 Dec 2018": an optional weekday, the day, the month's name, the year.
_WORDS_DATE = re.compile(r"(?:([a-z]+)\.?,?\s+)?([0-9]{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+([0-9]+)" + _TIME,
                         re.IGNORECASE)
# "December 14, 2018": the month first, as American papers write it; read, but only to say how to write it.
_MONTH_FIRST = re.compile(r"([a-z]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]+)", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Excel counts days from 30 December 1899. Numbers that fall between these years are hinted at as serials.
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIALS = (date(1990, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days


def read_date(text: str) -> date:
    """A date, or a datetime where a time of day is written, from text; raises ValueError saying what is wrong.

    >>> read_date("14 Dec 2018"), read_date("14/12/2018"), read_date("2018-12-14")
    (datetime.date(2018, 12, 14), datetime.date(2018, 12, 14), datetime.date(2018, 12, 14))
    """
    try:
        return _read(text, text.strip())
    except ValueError:
        if is_placeholder(text.strip()):  # looked at only once the cell is no date: dates cost nothing more
            raise ValueError(f"{shown(text)} is not a date: {_NOT_YET}") from None
        raise


def _read(value: str, text: str) -> date:
    if "/" in text:
        match = _UK_DATE.fullmatch(text)
        if match is not None:
            day, month, year, *time = match.groups()
            return _built(value, year, int(month), day, time, "DD/MM/YYYY")
        match = _YEAR_FIRST.fullmatch(text)
        if match is None:
            raise ValueError(f"{shown(value)} is not a date")
        year, month, day, *time = match.groups()
        return _built(value, year, int(month), day, time, "YYYY/MM/DD")
    if text[:1].isdigit():
        match = _UK_OTHER.fullmatch(text)
        if match is not None:
            day, mark, month, year, *time = match.groups()
            return _built(value, year, int(month), day, time, f"DD{mark}MM{mark}YYYY",
                          f"{day}{mark}{month}{mark}20{year}" if len(year) == 2 else None)
        dashed = _DASHED_WORDS.fullmatch(text)
        if dashed is not None:
            day, month_name, year, *time = dashed.groups()
            return _from_words(value, None, day, month_name, year, *time,
                               form=f"{day}-{month_name}-YYYY",
                               fix=f"{day}-{month_name}-20{year}" if len(year) == 2 else None)
    if text[:1].isdigit() or text[:1].isalpha():
        words = _WORDS_DATE.fullmatch(text)
        if words is not None:
            return _from_words(value, *words.groups())
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        if len(text) > 10 and text[10] in "T ":
            return local(datetime.fromisoformat(text))
    except ValueError as exc:
        detail = "" if "isoformat" in str(exc) else f": {exc}"
        raise ValueError(f"{shown(value)} is not a date{detail}") from None
    if _NUMBER.fullmatch(text):
        raise ValueError(number_message(float(text), text, value))
    backwards = _MONTH_FIRST.fullmatch(text)
    if backwards is not None and backwards.group(1).lower() in _MONTHS:
        month, day, year = backwards.groups()
        raise ValueError(f"{shown(value)} is not a date: write the day first, {int(day)} {month} {year}")
    raise ValueError(f"{shown(value)} is not a date")


def is_placeholder(text: str) -> bool:
    """Whether a cell's text is a placeholder for a date not given (TBC, N/A, -), which is not a date."""
    return len(text) < 20 and " ".join(text.split()).lower() in _PLACEHOLDERS


def _from_words(value: str, weekday: str | None, day: str, month_name: str, year: str, *time: str | None,
                form: str = "14 December 2018", fix: str | None = None) -> date:
    month = _MONTHS.get(month_name.lower())
    if month is None:
        close = difflib.get_close_matches(month_name.lower(), [n for n in _MONTHS if len(n) > 4], n=1)
        guess = f" (did you mean {close[0].capitalize()}?)" if close else ""
        raise ValueError(f"{shown(value)} is not a date: {month_name!r} is not a month{guess}")
    found = _built(value, year, month, day, time, form, fix)
    if weekday is not None:
        named = _WEEKDAYS.get(weekday.lower())
        if named is None:
            raise ValueError(f"{shown(value)} is not a date: {weekday!r} is not a day of the week")
        if named != found.weekday():
            raise ValueError(f"{shown(value)} is not a date: {found.day} {found.strftime('%B %Y')} is a "
                             f"{found.strftime('%A')}, not a {_DAY_NAMES[named]}")
    return found


def _built(value: str, year: str, month: int, day: str, time: list[str | None] | tuple[str | None, ...],
           form: str, fix: str | None = None) -> date:
    """The date (or date-time) of a match; ``form`` says how it is written, ``fix`` the cell with a two-digit year
    written in full (20YY: named as the fix if that is the year meant, never taken)."""
    if len(year) != 4:
        named = f" ({fix}, if 20{year} is meant)" if fix else ""
        raise ValueError(f"{shown(value)} is not a date: give the year in full, {form}{named}")
    if not 1 <= month <= 12:
        order = "year first, YYYY/MM/DD" if form.startswith("YYYY") else f"day first, {form}"
        raise ValueError(f"{shown(value)} is not a date: there is no month {month} (dates are read {order})")
    hour, minute, second = time
    try:
        if hour is None:
            return date(int(year), month, int(day))
        return datetime(int(year), month, int(day), int(hour), int(minute or 0), int(second or 0))
    except ValueError as exc:
        raise ValueError(f"{shown(value)} is not a date: {exc}") from None


def number_message(number: float, text: str, value: object) -> str:
    """What to say of a number where a date was wanted: an Excel serial is named as the date it would be."""
    if _SERIALS[0] <= number <= _SERIALS[1]:
        moment = datetime.combine(_EXCEL_EPOCH, datetime.min.time()) + timedelta(days=number)
        if moment.time() == datetime.min.time():
            return (f"{text} looks like an Excel date serial for {moment.date().isoformat()}: format the column as a "
                    "date")
        return (f"{text} looks like an Excel date-time serial for {moment.strftime('%Y-%m-%d %H:%M')}: format the "
                "column as a date")
    return f"{shown(value)} is not a date"


def parse_date(text: str, what: str = "date") -> date:
    """A day given as an option or argument (``--as-of``, a start date), read as ``read_date`` reads a cell.

    Raises InputError naming ``what`` with the same words a tracker's cell gets, and the way to write it.
    """
    if not isinstance(text, str) or not text.strip():
        said = "no date given" if isinstance(text, str) or text is None else f"{shown(text)} is not a date"
        raise InputError(Problem(said, field=what, hint=DAY_HINT))
    if is_placeholder(text.strip()):  # not a cell: no blank or unknown to suggest
        raise InputError(Problem(f"{shown(text)} is not a date", field=what, hint=DAY_HINT))
    try:
        day = read_date(text)
    except ValueError as exc:
        raise InputError(Problem(str(exc), field=what, hint=DAY_HINT)) from None
    if isinstance(day, datetime):
        raise InputError(Problem(f"{shown(text)} gives a time of day; {what} takes a date", field=what,
                                 hint=f"give the date alone, e.g. {day.strftime('%d/%m/%Y')}"))
    return day
