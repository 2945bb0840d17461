"""statutory-timelines: checks, to the day, whether English local authorities met their statutory deadlines.

The public API is what this module exports; everything else is internal. The flow is one way:
``calendars`` -> ``rules`` -> ``records`` -> ``engines`` -> ``reports`` -> ``nightly``
(see docs/architecture.md).

Each name is imported from its subpackage the first time it is used, so ``import compliance`` (and
the command line's start-up) costs only what the caller needs: a deadline needs no rule engine.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .calendars import (Calendar, Deadline, NonWorkingDay, Period, add_period, add_working_days, compute_deadline,
                            get_calendar, parse_period, working_days_between)
    from .engines import Finding, Tracker, evaluate
    from .errors import ComplianceError, InputError, Problem
    from .records import Record, load_records, read_records
    from .rules import Rule, RuleSet, load_rules

#: Where each public name lives.
_HOMES = {
    "Calendar": "calendars",
    "ComplianceError": "errors",
    "Deadline": "calendars",
    "Finding": "engines",
    "InputError": "errors",
    "NonWorkingDay": "calendars",
    "Period": "calendars",
    "Problem": "errors",
    "Record": "records",
    "Rule": "rules",
    "RuleSet": "rules",
    "Tracker": "engines",
    "add_period": "calendars",
    "add_working_days": "calendars",
    "compute_deadline": "calendars",
    "evaluate": "engines",
    "get_calendar": "calendars",
    "load_records": "records",
    "load_rules": "rules",
    "parse_period": "calendars",
    "read_records": "records",
    "working_days_between": "calendars",
}

__all__ = [
    "Calendar", "ComplianceError", "Deadline", "Finding", "InputError", "NonWorkingDay", "Period", "Problem",
    "Record", "Rule", "RuleSet", "Tracker", "add_period", "add_working_days", "compute_deadline", "evaluate",
    "get_calendar", "load_records", "load_rules", "parse_period", "read_records", "working_days_between",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'compliance' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
