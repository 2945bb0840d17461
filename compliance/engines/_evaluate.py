"""The one ``evaluate()``: chooses an engine and returns its findings.

It sits above the engines so that none of them knows another: the durable-rules backend is loaded
only when asked for, because it is an optional extra that cannot load on every Python.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator, Sequence

from ..errors import InputError, Problem
from ..records import Record
from ..rules import Rule, RuleSet, load_rules
from ._finding import Finding, listed
from ._native import check_as_of, duties_by_kind, evaluate_duty, evaluate_native, listed_duty_findings


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
    check_as_of(ruleset, as_of)
    records = list(records)
    _, unknown = check_targets(records, ruleset)
    if unknown:
        raise InputError(*unknown)
    if engine == "durable":
        from ._durable import evaluate_durable

        return evaluate_durable(records, ruleset, as_of, explain=explain)
    if engine != "native":
        raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="native or durable"))
    return evaluate_native(records, ruleset, as_of, explain)


def findings_by_record(
    records: Iterable[Record],
    rules: RuleSet | Sequence[Rule] | None = None,
    as_of: date | None = None,
    *,
    engine: str = "native",
    explain: bool = True,
) -> Iterator[tuple[Record, list[Finding]]]:
    """Each record with its findings, one record at a time, so a long run can write as it goes in flat memory.

    The same findings as ``evaluate``, in the same order. An as-of date outside the calendars is refused
    here, before the first record is evaluated.
    """
    ruleset = rules if rules is not None else load_rules()
    as_of = as_of or date.today()
    check_as_of(ruleset, as_of)
    return _findings_by_record(records, ruleset, as_of, engine, explain)


def _findings_by_record(records: Iterable[Record], ruleset: RuleSet | Sequence[Rule], as_of: date, engine: str,
                        explain: bool) -> Iterator[tuple[Record, list[Finding]]]:
    if engine == "durable":
        from ._durable import DurableRules

        with DurableRules(ruleset) as compiled:
            for record in records:
                yield record, compiled.evaluate([record], as_of, explain)
        return
    if engine != "native":
        raise InputError(Problem(f"unknown engine {engine!r}", field="engine", hint="native or durable"))
    by_kind = duties_by_kind(ruleset)
    for record in records:
        found: list[Finding] = []
        for versions in by_kind.get(record.kind, ()):
            found.extend(evaluate_duty(record, versions, as_of, explain))
        yield record, found


def listed_by_record(
    records: Iterable[Record],
    rules: RuleSet | Sequence[Rule],
    as_of: date,
    *,
    engine: str = "native",
    explain: bool = True,
    show_all: bool = False,
) -> Iterator[tuple[Record, list[Finding], int]]:
    """Each record with the findings a document lists (``listed``) and how many not-applicable ones it only counts.

    What a report or ``check`` writes: the counted findings are never built by the native engine, which
    spends most of a run on them otherwise. The listed findings are ``findings_by_record``'s, in its order.
    """
    check_as_of(rules, as_of)
    if engine != "native" or show_all:
        for record, found in _findings_by_record(records, rules, as_of, engine, explain):
            shown = [f for f in found if listed(f, show_all)]
            yield record, shown, len(found) - len(shown)
        return
    by_kind = duties_by_kind(rules)
    for record in records:
        shown = []
        counted = 0
        for versions in by_kind.get(record.kind, ()):
            found = listed_duty_findings(record, versions, as_of, explain)
            if found is None:
                counted += 1
                continue
            for f in found:
                if listed(f, False):
                    shown.append(f)
                else:
                    counted += 1
        yield record, shown, counted


def check_targets(records: Sequence[Record], rules: RuleSet | Sequence[Rule]) -> tuple[list[Record], list[Problem]]:
    """The records whose recorded deadlines (``targets``) and duties measured (``measured``) all name a rule or duty
    of ``rules``, and a problem for each name that does not, once per file: those records are skipped, never
    checked without the target, nor with a duty taken as measured elsewhere."""
    import difflib

    names = {r.id for r in rules} | {r.duty for r in rules}
    kept: list[Record] = []
    reported: dict[tuple[str, str, str], Problem] = {}
    for record in records:
        bad = [("target", key) for key in record.targets if key not in names]
        bad += [("measured", key) for key in sorted(record.measured or ()) if key not in names]
        if not bad:
            kept.append(record)
            continue
        file, _, line = (record.source or "").rpartition(":")
        for what, key in bad:
            if (file, what, key) in reported:
                continue
            close = difflib.get_close_matches(key, sorted(names), n=1)
            why = ("so the system's deadline given for it cannot be compared" if what == "target" else
                   "so which duties are measured on the record cannot be told")
            reported[(file, what, key)] = Problem(
                f"no rule or duty is called {key!r}, {why}: the records that give it were skipped", file=file or None,
                line=int(line) if line.isdigit() else None, field=f"target:{key}" if what == "target" else "measured",
                hint=f"did you mean {close[0]!r}?" if close else "use a rule id from `compliance rules list`")
    return kept, list(reported.values())
