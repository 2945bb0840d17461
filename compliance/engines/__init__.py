"""Evaluation: records and rules in, findings out, as of a date; pure, so any past day can be replayed.

``_finding`` is what every engine returns; ``_native`` evaluates record by record; ``_durable`` runs
the same rules on durable-rules (an optional extra, loaded only when asked for); ``batch`` evaluates
whole columns of records with numpy and is imported only where used; ``_parallel`` cuts a long run
into chunks for every core; ``_tracker`` keeps duties current as events arrive; ``_ruletests`` runs the worked examples each rule carries; ``_plan`` lists every deadline the dates
a user gives start, before anything is late. ``evaluate`` chooses.
"""

from ._evaluate import (RuleNames, check_targets, evaluate, findings_by_record, listed_by_record, targets_checked,
                        targets_in_use)
from ._finding import STATUSES, Extended, Finding, exit_status, iso, listed, sort_by_urgency, urgency_key
from ._native import (CASES, Choice, check_as_of, choose_version, duties_by_kind, duty_findings, evaluate_duty,
                      evaluate_native)
from ._parallel import CHUNK, PARALLEL_FROM, available_cores, map_chunks
from ._plan import DEFAULT_OCCURRENCES, STATES as PLAN_STATES, Plan, PlanEntry, PlanStep, make_plan, plan_record
from ._plan import PLAN_ID, dates_after
from ._ruletests import RuleTestResult, check_rule_tests, run_rule_tests
from ._tracker import OPEN, Tracker
from ._tracker import Change as TrackerChange

__all__ = [
    "CASES", "CHUNK", "DEFAULT_OCCURRENCES", "OPEN", "PARALLEL_FROM", "PLAN_STATES", "STATUSES", "Choice", "Finding",
    "Plan", "PlanEntry", "PlanStep", "RuleNames", "RuleTestResult", "Tracker", "TrackerChange", "available_cores",
    "check_as_of", "check_rule_tests", "check_targets", "choose_version", "duties_by_kind", "duty_findings", "evaluate",
    "evaluate_duty", "evaluate_native", "exit_status", "findings_by_record", "iso", "make_plan", "map_chunks", "plan_record",
    "listed", "listed_by_record", "run_rule_tests", "sort_by_urgency", "targets_checked", "targets_in_use", "urgency_key",
    "PLAN_ID", "dates_after", "Extended",
]
