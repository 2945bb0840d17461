"""Which days count, and when a period ends: working-day calendars and period arithmetic as English law counts.

Calendars come from the `holidays` package plus each ``calendars/*.yaml`` file's pinned amendments
(``_spec``, ``_registry``), kept built on disk between runs (``_cache``); ``_workdays`` holds one
calendar's working days as rank tables; ``_periods`` adds periods to dates with the working shown;
``_dates`` reads a date as people write it, the one parser for every cell, option and argument.
``_columnwise`` counts working days for whole columns of dates (the public ``add_working_days`` and
``working_days_between`` on arrays). Two modules are imported only by the code that needs them:
``arrays`` does the period arithmetic on numpy arrays, and ``govuk`` pins GOV.UK's list of bank
holidays into a calendar file.
"""

from ._columnwise import add_working_days, working_days_between
from ._dates import DATE_HINT, DAY_HINT, is_placeholder, number_message, parse_date, read_date
from ._instants import clock_change, hours_between, instant, local, with_zone
from ._periods import UNITS, Deadline, Period, add_months, add_period, compute_deadline, day_of, parse_period
from ._registry import DEFAULT_CALENDAR, available, build, clear_cache, get_calendar, package_holidays
from ._spec import YEARS, Amendment, CalendarSpec, read_spec
from ._targets import TargetCheck, check_target
from ._workdays import Calendar, NonWorkingDay

__all__ = [
    "DATE_HINT", "DAY_HINT", "DEFAULT_CALENDAR", "UNITS", "YEARS", "Amendment", "Calendar", "CalendarSpec",
    "Deadline", "NonWorkingDay", "Period", "TargetCheck", "add_months", "add_period", "add_working_days", "available",
    "build", "check_target", "clear_cache", "clock_change", "compute_deadline", "day_of", "get_calendar",
    "hours_between", "instant", "local", "is_placeholder", "number_message", "package_holidays", "parse_date",
    "parse_period", "read_date", "read_spec", "with_zone", "working_days_between",
]
