"""statutory-timelines: checks, to the day, whether English local authorities met their statutory deadlines.

The public API is what this module exports; everything else is internal.
"""

from .calendars import Calendar, NonWorkingDay, get_calendar
from .engine import Finding, evaluate
from .errors import ComplianceError, InputError, Problem
from .periods import Deadline, Period, add_period, compute_deadline, parse_period, working_days_between
from .records import Record, load_records, read_records
from .rules import Rule, RuleSet, load_rules
from .tracker import Tracker

__all__ = [
    "Calendar",
    "ComplianceError",
    "Deadline",
    "Finding",
    "InputError",
    "NonWorkingDay",
    "Period",
    "Problem",
    "Record",
    "Rule",
    "RuleSet",
    "Tracker",
    "add_period",
    "compute_deadline",
    "evaluate",
    "get_calendar",
    "load_records",
    "load_rules",
    "parse_period",
    "read_records",
    "working_days_between",
]

__version__ = "0.1.0"
