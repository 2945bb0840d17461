"""Running the example records a rule carries, so a legal officer can prove an edited rule still says what the law says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import InputError, Problem
from ..records import DATE_HINT, RecordCheck, parse_event_date, records_from_text
from ..rules import Rule, RuleSet
from ._finding import iso
from ._native import evaluate_duty

_COMPARED = ("status", "on_bound", "deadline", "working_days_late", "days_late", "working_days_left", "days_left",
             "needs")
#: Expectations about the words a finding carries: a caveat (``warning``) or an assumption it contains.
_CONTAINED = {"warning": "warnings", "assumption": "assumptions"}


@dataclass(frozen=True)
class RuleTestResult:
    """The outcome of one rule test: passed, or what differed from what the law says."""

    rule: str
    name: str
    passed: bool
    differences: tuple[str, ...] = ()
    location: str | None = None


def _as_text(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _expected(key: str, value: Any) -> Any:
    """An expected value as Finding.to_dict() writes it: a deadline written 24/04/2025 is 2025-04-24."""
    if key == "deadline" and value is not None:
        try:
            return iso(parse_event_date(value))
        except ValueError:
            pass
    return _as_text(value)


def check_rule_tests(ruleset: RuleSet) -> list[Problem]:
    """Every problem in the rules' own tests, found as a file reader finds them: the test record (known
    attributes and events, values of the right type) and the dates the test expects."""
    check = RecordCheck(ruleset.vocabulary)
    problems: list[Problem] = []
    for rule in ruleset:
        for i, test in enumerate(rule.tests):
            where = f"tests.{i}"

            def report(message: str, fld: str | None, hint: str | None, where: str = where) -> None:
                problems.append(Problem(message, file=rule.file, line=test.line, hint=hint,
                                        field=f"{where}.record.{fld}" if fld else f"{where}.record"))

            check.parts(f"{rule.id} test", rule.applies_to, test.record.get("attributes") or {},
                        test.record.get("events") or {}, report)
            for expect in test.expect:
                if "deadline" in expect:
                    try:
                        parse_event_date(expect["deadline"])
                    except ValueError as exc:
                        problems.append(Problem(f"{exc} (the deadline the test expects)", file=rule.file,
                                                line=test.line, field=f"{where}.expect.deadline", hint=DATE_HINT))
    return problems


def run_rule_tests(ruleset: RuleSet, only: str | None = None) -> list[RuleTestResult]:
    """Evaluate every rule's own tests against the duty it belongs to; ``only`` limits it to one rule id."""
    versions_of: dict[str, list[Rule]] = {}
    for rule in ruleset:
        versions_of.setdefault(rule.duty, []).append(rule)
    results = []
    for rule in ruleset:
        if only and rule.id != only:
            continue
        versions = sorted(versions_of[rule.duty], key=lambda r: (r.in_force.start is not None, r.in_force.start))
        for test in rule.tests:
            results.append(_run(rule, versions, test, ruleset))
    return results


def _run(rule: Rule, versions: list[Rule], test: Any, ruleset: RuleSet) -> RuleTestResult:
    raw = {"records": [{"id": f"{rule.id} test", "kind": rule.applies_to,
                        "attributes": test.record.get("attributes") or {},
                        "events": test.record.get("events") or {}}]}
    where = f"{rule.file}:{rule.line}"
    try:
        import json

        record = records_from_text(json.dumps(raw, default=_as_text), "json", ruleset.vocabulary)[0]
        drawn = test.record.get("extract_date")
        if drawn is not None:
            record = record.with_extract_date(drawn if isinstance(drawn, date) else date.fromisoformat(str(drawn)))
        findings = evaluate_duty(record, versions, test.as_of)
    except (InputError, ValueError) as exc:
        problems = exc.problems if isinstance(exc, InputError) else (f"extract_date: {exc}",)
        return RuleTestResult(rule.id, test.name, False, tuple(str(p) for p in problems), where)
    differences = []
    for expect in test.expect:
        occurrence = expect.get("occurrence", 1)
        found = next((f for f in findings if f.occurrence == occurrence), None)
        if found is None:
            differences.append(f"expected occurrence {occurrence}, but the engine gave {len(findings)}")
            continue
        actual = found.to_dict()
        if found.rule != rule.id and expect["status"] != "not_applicable":
            differences.append(f"the finding came from rule {found.rule!r}, not {rule.id!r}")
        for key in _COMPARED:
            if key in expect and _expected(key, expect[key]) != actual[key]:
                differences.append(f"occurrence {occurrence}: {key} expected {_expected(key, expect[key])}, "
                                   f"got {actual[key]}")
        if "data_quality" in expect and bool(found.data_quality) != expect["data_quality"]:
            differences.append(f"occurrence {occurrence}: data_quality expected {expect['data_quality']}, got "
                               f"{list(found.data_quality)}")
        for key, part in _CONTAINED.items():
            if key in expect and not any(str(expect[key]) in text for text in actual[part]):
                differences.append(f"occurrence {occurrence}: expected a {key} containing {expect[key]!r}, got "
                                   f"{actual[part]}")
    return RuleTestResult(rule.id, test.name, not differences, tuple(differences), where)
