"""statutory-timelines: checks, to the day, whether English local authorities met their statutory deadlines.

The public API is what this module exports; everything else is internal. The flow is one way:
``calendars`` -> ``rules`` -> ``records`` -> ``engines`` -> ``reports`` -> ``nightly``
(see docs/architecture.md).
"""

from .calendars import (Calendar, Deadline, NonWorkingDay, Period, add_period, compute_deadline, get_calendar,
                        parse_period, working_days_between)
from .engines import Finding, Tracker, evaluate
from .errors import ComplianceError, InputError, Problem
from .records import Record, load_records, read_records
from .rules import Rule, RuleSet, load_rules

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
