"""The one ``evaluate()``: chooses an engine and returns its findings.

It sits above the engines so that none of them knows another: the durable-rules backend is loaded
only when asked for, because it is an optional extra that cannot load on every Python.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from ..errors import InputError, Problem
from ..records import Record
from ..rules import Rule, RuleSet, load_rules
from ._finding import Finding
from ._native import evaluate_native


def evaluate(
    records: Iterable[Record],
    rules: RuleSet | Sequence[Rule] | None = None,
    as_of: date | None = None,
    *,
    engine: str = "native",
    explain: bool = True,
) -> list[Finding]:
    """Evaluate ``records`` against ``rules`` as of ``as_of`` (default today); one finding per duty occurrence.

    ``engine="durable"`` runs the same rules on durable-rules (optional extra) and gives the same findings.
    ``explain=False`` skips the step-by-step text, for bulk runs that only need statuses.
    """
    ruleset = rules if rules is not None else load_rules()
    as_of = as_of or date.today()
    if engine == "durable":
        from ._durable import evaluate_durable

        return evaluate_durable(records, ruleset, as_of, explain=explain)
    if engine != "native":
        raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="native or durable"))
    return evaluate_native(records, ruleset, as_of, explain)
