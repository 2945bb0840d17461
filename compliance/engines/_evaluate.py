"""The one ``evaluate()``: chooses an engine and returns its findings.

It sits above the engines so that none of them knows another: the durable-rules backend is loaded
only when asked for, because it is an optional extra that cannot load on every Python.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable, Iterator, Sequence

from ..errors import InputError, Problem, errors
from ..records import Record
from ..rules import Rule, RuleSet, bundled_names, load_rules
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
    _, found = check_targets(records, ruleset)
    if errors(found):
        raise InputError(*errors(found))
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


class RuleNames:
    """What a record may name among ``rules``: in its recorded deadlines (``targets``) any rule or duty, in the
    duties measured on it (``measured``) those of its kind. Warnings are given once per file and name."""

    def __init__(self, rules: RuleSet | Sequence[Rule], known: Iterable[Rule] = ()) -> None:
        self.names = {r.id for r in rules} | {r.duty for r in rules}
        #: Names of rules that exist though not measured here (kpi --mapping measures those it can answer).
        self.known = self.names | {r.id for r in known} | {r.duty for r in known}
        self.of_kind: dict[str, set[str]] = {}
        for rule in rules:
            self.of_kind.setdefault(rule.applies_to, set()).update((rule.id, rule.duty))
        self._warned: set[tuple[str | None, str, str]] = set()

    def unknown_targets(self, keys: Iterable[str]) -> list[str]:
        return [key for key in keys if key not in self.names]

    def target_problem(self, key: str, file: str | None, line: int | None) -> Problem:
        """The problem of a record skipped for a recorded deadline of a rule there is not."""
        return Problem(f"no rule or duty is called {key!r}, so the system's deadline given for it cannot be compared: "
                       "the record was skipped", file=file, line=line, field=f"target:{key}",
                       hint=self._closest(key, self.names))

    def target_warnings(self, keys: Iterable[str], file: str | None) -> list[Problem]:
        """Warnings for recorded deadlines of rules there are not, where only what is counted matters (kpi)."""
        return [Problem(f"no rule or duty is called {key!r}, so the system's deadlines given for it are not "
                        "compared", file=file, field=f"target:{key}", hint=self._closest(key, self.names),
                        warning=True)
                for key in self.unknown_targets(keys) if self._first(file, "target", key)]

    def measured_warnings(self, kind: str, measured: Iterable[str] | None, file: str | None) -> list[Problem]:
        """Warnings for names among the duties measured on a record that name no duty of its kind: nothing is
        measured on the record for them (a mapping's duties for rules not in use). A name no rule has at all is a
        problem (``mistyped``), not a warning."""
        known = self.of_kind.get(kind, set())
        slips = self.mistyped(measured)
        return [Problem(f"{key!r} names no {kind} duty of the rules in use, so no duty is measured for it on these "
                        "records", file=file, field="measured", hint=self._closest(key, known), warning=True)
                for key in sorted(measured or ()) if key not in known and key not in slips
                and self._first(file, kind, key)]

    def mistyped(self, measured: Iterable[str] | None) -> list[str]:
        """Names among the duties measured on a record that no rule has, in use or bundled: a slip
        (la-publish-reprot), which would leave the record's duties unmeasured and the run saying all is well."""
        unknown = sorted(key for key in measured or () if key not in self.known)
        return [key for key in unknown if key not in bundled_names()] if unknown else []

    def measured_problem(self, key: str, file: str | None, line: int | None, counted: bool = False) -> Problem:
        """The problem of a record naming, among the duties measured on it, a duty no rule has: skipped by check,
        and by kpi taken as measured for no such duty, so not counted for it."""
        outcome = "no duty is counted for that name" if counted else "the record was skipped"
        return Problem(f"no rule or duty is called {key!r} (a duty measured on this record): {outcome}", file=file,
                       line=line, field="measured", hint=self._closest(key, self.names))

    def mistyped_problems(self, measured: Iterable[str] | None, file: str | None) -> list[Problem]:
        """measured_problem for each name no rule has, once per file, for kpi (which counts the records)."""
        return [self.measured_problem(key, file, None, counted=True) for key in self.mistyped(measured)
                if self._first(file, "no rule", key)]

    def _first(self, file: str | None, what: str, key: str) -> bool:
        if (file, what, key) in self._warned:
            return False
        self._warned.add((file, what, key))
        return True

    @staticmethod
    def _closest(key: str, names: Iterable[str]) -> str:
        import difflib

        close = difflib.get_close_matches(key, sorted(names), n=1)
        return f"did you mean {close[0]!r}?" if close else "use a rule id from `compliance rules list`"


def check_targets(records: Sequence[Record], rules: RuleSet | Sequence[Rule]) -> tuple[list[Record], list[Problem]]:
    """The records whose recorded deadlines (``targets``) all name a rule or duty of ``rules``, and a problem for
    each record that does not: it is skipped, never checked without its target. And a warning for each name among
    the duties measured on a record that names no duty of its kind, once per file."""
    problems: list[Problem] = []
    return list(targets_checked(records, rules, problems)), problems


def targets_checked(records: Iterable[Record], rules: RuleSet | Sequence[Rule], problems: list[Problem]
                    ) -> Iterator[Record]:
    """``check_targets`` a record at a time, each problem added to ``problems`` as it is found."""
    names = RuleNames(rules)
    for record in records:
        file, line = record.origin()
        if record.measured:
            problems += names.measured_warnings(record.kind, record.measured, file)
            slips = names.mistyped(record.measured)
            if slips:
                problems += [names.measured_problem(key, file, line) for key in slips]
                continue
        unknown = names.unknown_targets(record.targets)
        if unknown:
            problems += [names.target_problem(key, file, line) for key in unknown]
            continue
        yield record


def targets_in_use(records: Sequence[Record], rules: RuleSet | Sequence[Rule]) -> tuple[list[Record], list[Problem]]:
    """The records with only the recorded deadlines (``targets``) of rules or duties in ``rules``, and a warning for
    each name left out: records written for later checks (`map`) that ``check_targets`` would skip whole."""
    names = RuleNames(rules)
    dropped: dict[str, None] = {}
    kept = []
    for record in records:
        unknown = names.unknown_targets(record.targets)
        if unknown:
            dropped.update(dict.fromkeys(unknown))
            record = record.with_targets({k: v for k, v in record.targets.items() if k in names.names})
        kept.append(record)
    return kept, [Problem(f"no rule or duty is called {key!r} in the rules in use, so the system's deadlines the "
                          f"extract gives for it were left out (target:{key})", field=f"target:{key}",
                          hint="give the rules that have it with --rules or --add-rules to keep them", warning=True)
                  for key in dropped]
