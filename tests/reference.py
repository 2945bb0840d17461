"""An independent day-by-day reference for working days and periods, for the tests to check the code against.

Shares nothing with compliance.calendars: the holidays come from GOV.UK's own list (as bundled in the
`govuk-bank-holidays` package, 2012-2028) and, for other years, from the Banking and Financial Dealings
Act 1971 rules as legal-timelines.md §6.2 states them, computed here with our own Easter computus, with
the proclaimed changes of the years before GOV.UK's list written out below from their own sources. The
arithmetic walks one day at a time, as legal-timelines.md §1.2 writes it, so no table can hide an error.
"""

from __future__ import annotations

import calendar as month_lengths
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from govuk_bank_holidays.bank_holidays import BankHolidays

ONE_DAY = timedelta(days=1)

#: Years the reference can speak for: from the 1971 Act to 2100. The calendars must cover at least these.
FIRST_YEAR = 1971
LAST_YEAR = 2100

DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")

#: One-off English and Welsh bank holidays in years GOV.UK's bundled list does not cover, and the
#: standing days they displaced. 2011 is legal-timelines.md §6.2 (royal wedding, 29 April 2011);
#: 2002 is the Golden Jubilee proclamation (Monday 3 June a holiday, spring holiday moved from
#: 27 May to Tuesday 4 June). Every later one-off is in GOV.UK's list.
#: Before 2000: the wedding of Princess Anne (14 Nov 1973, "declared a special bank holiday"); the Silver
#: Jubilee (Tue 7 Jun 1977, with the spring holiday moved from 30 May to Mon 6 Jun: Hansard, written answer of
#: 19 Jan 1977); the royal wedding of 29 Jul 1981; VE Day's 50th anniversary (early May moved to Mon 8 May 1995);
#: the millennium (Fri 31 Dec 1999).
EW_ONE_OFF_ADDED = {
    date(1973, 11, 14): "Royal wedding",
    date(1977, 6, 6): "Spring bank holiday (moved)",
    date(1977, 6, 7): "Silver Jubilee",
    date(1981, 7, 29): "Royal wedding",
    date(1995, 5, 8): "Early May bank holiday (moved)",
    date(1999, 12, 31): "Millennium",
    date(2002, 6, 3): "Golden Jubilee",
    date(2002, 6, 4): "Spring bank holiday (moved)",
    date(2011, 4, 29): "Royal wedding",
}
EW_ONE_OFF_REMOVED = {date(1977, 5, 30), date(1995, 5, 1), date(2002, 5, 27)}
#: New Year's Day was first a bank holiday in England and Wales on 1 January 1974, by proclamation under
#: the 1971 Act; the early May holiday first on Monday 1 May 1978.
NEW_YEARS_DAY_FROM = 1974
EARLY_MAY_FROM = 1978

#: Holidays proclaimed after the GOV.UK snapshot that `govuk-bank-holidays` 0.19 bundles, with their source.
#: GOV.UK's live list carries them; the bundled copy is older. Add to this only with the proclamation.
LATER_PROCLAMATIONS: dict[str, dict[date, str]] = {
    "scotland": {
        date(2026, 6, 15): "World Cup bank holiday: Royal Proclamation of 3 February 2026 under "
                           "BFDA 1971 s.1(3), appointing Monday 15 June 2026 a bank holiday in Scotland",
    },
}


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) algorithm, not dateutil's."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 - the algorithm's own letters
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year, month, month_lengths.monthrange(year, month)[1])
    return d - timedelta(days=d.weekday())


def _new_year(year: int) -> date:
    """New Year's Day, or the Monday after when it falls at a weekend (standing proclamation)."""
    d = date(year, 1, 1)
    return d + timedelta(days={5: 2, 6: 1}.get(d.weekday(), 0))


def _christmas_and_boxing(year: int) -> set[date]:
    """Christmas Day and Boxing Day, with the weekday substitutes of BFDA 1971 Sch 1 and proclamations."""
    christmas = date(year, 12, 25)
    weekday = christmas.weekday()
    if weekday == 5:  # Saturday: both move to Monday and Tuesday
        return {date(year, 12, 27), date(year, 12, 28)}
    if weekday == 6:  # Sunday: Boxing Day Monday, Christmas substitute Tuesday
        return {date(year, 12, 26), date(year, 12, 27)}
    if weekday == 4:  # Friday: Boxing Day is Saturday, its substitute Monday the 28th
        return {christmas, date(year, 12, 28)}
    return {christmas, date(year, 12, 26)}


def rule_based_england_and_wales(year: int) -> set[date]:
    """The weekday non-working days of England and Wales by the standing rules (legal-timelines.md §6.2)."""
    easter = easter_sunday(year)
    days = {
        easter - timedelta(days=2),  # Good Friday, a common-law holiday
        easter + timedelta(days=1),  # Easter Monday
        _last_monday(year, 5),  # spring
        _last_monday(year, 8),  # summer
    } | _christmas_and_boxing(year)
    if year >= NEW_YEARS_DAY_FROM:
        days.add(_new_year(year))
    if year >= EARLY_MAY_FROM:
        days.add(_first_monday(year, 5))  # early May, by annual proclamation since 1978
    days -= EW_ONE_OFF_REMOVED
    days |= {d for d in EW_ONE_OFF_ADDED if d.year == year}
    return days


@cache
def govuk_events(division: str) -> dict[date, str]:
    """GOV.UK's bank-holidays.json as bundled in `govuk-bank-holidays` (no network), date to title."""
    data = BankHolidays.load_backup_data()
    return {date.fromisoformat(e["date"]): e["title"] for e in data[division]["events"]}


@cache
def govuk_years(division: str) -> range:
    years = sorted({d.year for d in govuk_events(division)})
    return range(years[0], years[-1] + 1)


@cache
def non_working_weekdays(division: str) -> frozenset[date]:
    """Every weekday holiday the reference knows for a division: GOV.UK's years, else (E&W) the rules."""
    known = govuk_years(division)
    days = {d for d in govuk_events(division) if d.weekday() < 5}
    days |= set(LATER_PROCLAMATIONS.get(division, {}))
    if division == "england-and-wales":
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            if year not in known:
                days |= rule_based_england_and_wales(year)
    return frozenset(days)


class OutsideReference(ValueError):
    """The reference was asked about a day it has no holiday list for."""


@dataclass(frozen=True)
class ReferenceCalendar:
    """Working days of one division, counted one day at a time."""

    division: str = "england-and-wales"

    @property
    def first(self) -> date:
        years = govuk_years(self.division) if self.division != "england-and-wales" else None
        return date(years[0] if years else FIRST_YEAR, 1, 1)

    @property
    def last(self) -> date:
        years = govuk_years(self.division) if self.division != "england-and-wales" else None
        return date(years[-1] if years else LAST_YEAR, 12, 31)

    def _known(self, day: date) -> None:
        if not self.first <= day <= self.last:
            raise OutsideReference(f"{day} is outside {self.first}..{self.last} for {self.division}")

    def is_working_day(self, day: date) -> bool:
        self._known(day)
        return day.weekday() < 5 and day not in non_working_weekdays(self.division)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (start never counted); backwards for negative n."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        day, count = start, 0
        while count < abs(n):
            day += step
            if self.is_working_day(day):
                count += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end; minus those after end up to start if earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def non_working_days(self, start: date, end: date) -> list[date]:
        out, day = [], start
        while day < end:
            day += ONE_DAY
            if not self.is_working_day(day):
                out.append(day)
        return out

    def next_working_day(self, day: date) -> date:
        while not self.is_working_day(day):
            day += ONE_DAY
        return day


def add_months(start: date, n: int) -> date:
    """Corresponding-date rule: same day number n months on, or that month's last day (§1.1 rule 4)."""
    year, month0 = divmod(start.month - 1 + n, 12)
    year += start.year
    last = month_lengths.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last))
