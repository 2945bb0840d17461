"""The durable-rules backend: each YAML rule compiled into a durable-rules ruleset, records posted as events.

durable-rules does the matching: which version of a duty governs a record, and in which case (in force,
clock not started, trigger outside the in-force dates, excluded by its conditions, trigger missing, and
whether its possible days cross the in-force dates). Its
patterns compare attribute values and event dates (as day ordinals) on one message per record. The
action of the rule that fires calls the same date arithmetic as the native engine
(``_native.duty_findings``), so both engines give the same findings.

Traps of durable-rules 2.0.28 avoided here (the README, "Engines", says what a user sees of them):
- its registry of rulesets is global and final: each compiled rule set has a host of its own and
  unique ruleset names, and frees its rulesets on ``close()``;
- its timers count wall-clock seconds: none are used, records are evaluated as of their own dates;
- ``post_batch`` can return before every action has run: each message is posted on its own, and every
  post is checked to have fired exactly one action;
- ``assert_fact`` keeps about 8 KB per fact: records are posted as events, consumed once;
- a bad ruleset fails with an opaque ``error code: 202``: the error is reported against the YAML rule;
- a node of its network with 512 children makes it loop forever: such a rule is refused before compiling.

This is the only module that imports durable-rules, and only when asked to: it is an optional extra
that builds from source and does not load on Python 3.13.
"""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import weakref
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import ModuleType
from typing import Any, Callable, Collection, Iterable, Sequence

from ..errors import EngineUnavailable, InputError, Problem
from ..records import Record
from ..rules import Rule, RuleSet, Window
from ._finding import Finding
from ._native import CASES, Choice, check_as_of, clock, duties_by_kind, duty_findings, early_until, measured_elsewhere

INSTALL_HINT = "pip install 'statutory-timelines[durable]' (Python 3.11 or 3.12, with a C compiler)"

# durable-rules 2.0.28 keeps the children of one node of its network in an open-addressed table of 512
# slots (NEXT_BUCKET_LENGTH in src/rules/rules.h). Once a table is full, looking in it for a child that is
# not there loops forever, so create_ruleset hangs instead of failing: wider nodes are refused up front.
MAX_CHILDREN = 511
_ERROR_MEANINGS = {
    "101": "durable-rules ran out of memory",
    "106": "too many rules in one ruleset",
    "113": "a pattern has more terms than durable-rules allows",
    "201": "durable-rules could not parse the compiled pattern",
    "202": "durable-rules could not parse the compiled pattern",
    "203": "durable-rules could not parse a number in the compiled pattern",
    "204": "durable-rules could not parse the compiled pattern",
    "205": "durable-rules could not parse the compiled pattern",
    "303": "an event matched more of its patterns at once than durable-rules can follow (64)",
}

_serial = itertools.count(1)


def load_durable() -> ModuleType:
    """durable-rules' engine module, or EngineUnavailable saying in one line why not and what to do."""
    version = ".".join(map(str, sys.version_info[:3]))
    try:
        from durable import engine
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] not in ("durable", "durable_rules_engine"):
            raise
        if sys.version_info >= (3, 13):
            raise EngineUnavailable(f"durable-rules does not run on Python {version} (its last release cannot "
                                    "load there): use --engine native, or Python 3.11 or 3.12 with "
                                    f"{INSTALL_HINT.split(' (')[0]}") from None
        raise EngineUnavailable(f"durable-rules is not installed: {INSTALL_HINT}, "
                                "or use --engine native") from None
    except (ImportError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EngineUnavailable(f"durable-rules cannot load on Python {version} ({reason}); it runs on Python "
                                "3.11 and 3.12 only: use --engine native, or a Python 3.12 environment") from None
    return engine


def compile_error(rule: Rule, exc: BaseException) -> InputError:
    """durable-rules' refusal of a compiled ruleset, reported against the YAML rule it came from."""
    text = str(exc.args[0] if exc.args else exc)
    code = re.search(r"error code: (\d+)", text)
    meaning = _ERROR_MEANINGS.get(code.group(1), text) if code else text
    detail = f"{meaning} (durable-rules error code {code.group(1)})" if code else meaning
    return InputError(Problem(f"rule {rule.id!r} cannot run on durable-rules: {detail}", file=rule.file,
                              line=rule.line, hint="simplify its `when` conditions, or use --engine native"))


# -- patterns ---------------------------------------------------------------------------------------
# A case is built as a boolean formula over atoms on one message, then flattened into a list of
# conjunctions, each one durable rule: an "or" inside a durable-rules pattern is no cheaper, and a flat
# list lets contradictions be pruned before durable-rules ever sees them.
#   ("in" | "notin", field, tokens)      an attribute is / is not one of some values (tokens sorted)
#   ("ex" | "nex", field)                an event is / is not recorded
#   ("gte" | "lte", field, ordinal)      an event's date compared with a fixed date
#   ("lte_asof" | "gt_asof", field)      an event's date compared with the as-of date in the message
# A comparison with an absent field is false in durable-rules, so negating one adds "or absent".
# Attributes are always in the message. "in" stays one atom until the very end (``_patterns``), so a
# condition with hundreds of values does not multiply the work of flattening.

Atom = tuple[Any, ...]
Conjunction = frozenset[Atom]
Formula = tuple[Any, ...]
TRUE: Formula = ("and", ())
FALSE: Formula = ("or", ())
AS_OF = "asof"

_NEGATED = {"in": "notin", "notin": "in", "ex": "nex", "nex": "ex", "lte_asof": "gt_asof", "gt_asof": "lte_asof"}


def _join(op: str, parts: Iterable[Formula]) -> Formula:
    """``op`` ("and" or "or") over ``parts``, nested ones of the same op flattened and repeats dropped."""
    flat: dict[Formula, None] = {}
    for part in parts:
        for p in (part[1] if part[0] == op else (part,)):
            flat[p] = None
    return (op, tuple(flat))


def _and(*parts: Formula) -> Formula:
    return _join("and", parts)


def _or(*parts: Formula) -> Formula:
    return _join("or", parts)


def _not(part: Formula) -> Formula:
    return ("not", part)


def _atom(*atom: Any) -> Formula:
    return ("atom", atom)


def _negate_atom(atom: Atom) -> list[Conjunction]:
    op, name = atom[0], atom[1]
    if op == "gte":
        return [frozenset({("nex", name)}), frozenset({("lte", name, atom[2] - 1)})]
    if op == "lte":
        return [frozenset({("nex", name)}), frozenset({("gte", name, atom[2] + 1)})]
    flipped = (_NEGATED[op],) + atom[1:]
    if op in ("lte_asof", "gt_asof"):
        return [frozenset({("nex", name)}), frozenset({flipped})]
    return [frozenset({flipped})]


class _Flattener:
    """Turns formulas into lists of consistent conjunctions, pruning contradictions as it goes."""

    def __init__(self, always_present: Collection[str]) -> None:
        self.present = set(always_present)

    def dnf(self, formula: Formula, positive: bool = True) -> list[Conjunction]:
        op, arg = formula
        if op == "atom":
            return self.prune([frozenset({arg})] if positive else _negate_atom(arg))
        if op == "not":
            return self.dnf(arg, not positive)
        if (op == "and") == positive:
            out: list[Conjunction] = [frozenset()]
            for part in arg:
                right = self.dnf(part, positive)
                out = self.prune([a | b for a in out for b in right])
            return out
        return self.prune([c for part in arg for c in self.dnf(part, positive)])

    def prune(self, conjunctions: Iterable[Conjunction]) -> list[Conjunction]:
        unique = sorted({s for s in map(self.simplify, conjunctions) if s is not None}, key=len)
        if unique and not unique[0]:
            return [frozenset()]
        # A conjunction that contains another adds nothing to the disjunction.
        kept = [c for c in unique if not any(o < c for o in unique if len(o) < len(c))]
        return sorted(kept, key=sorted)

    def simplify(self, conjunction: Conjunction) -> Conjunction | None:
        """The same conjunction without redundant atoms, or None when it can never hold."""
        within: dict[str, set[str]] = {}
        outside: dict[str, set[str]] = {}
        low: dict[str, int] = {}
        high: dict[str, int] = {}
        compared = set()
        out: set[Atom] = set()
        for atom in conjunction:
            op, name = atom[0], atom[1]
            if op == "in":
                within[name] = within[name] & set(atom[2]) if name in within else set(atom[2])
            elif op == "notin":
                outside.setdefault(name, set()).update(atom[2])
            elif op == "gte":
                low[name] = max(low.get(name, atom[2]), atom[2])
            elif op == "lte":
                high[name] = min(high.get(name, atom[2]), atom[2])
            elif op in ("lte_asof", "gt_asof"):
                if (_NEGATED[op], name) in conjunction:
                    return None
                out.add(atom)
            if op in ("gte", "lte", "lte_asof", "gt_asof"):
                compared.add(name)
        for atom in conjunction:
            op, name = atom[0], atom[1]
            if op == "nex" and (name in self.present or name in compared or ("ex", name) in conjunction):
                return None
            if (op == "nex") or (op == "ex" and name not in self.present and name not in compared):
                out.add(atom)
        for name in within.keys() | outside.keys():
            if name in within:
                allowed = within[name] - outside.get(name, set())
                if not allowed:
                    return None
                out.add(("in", name, tuple(sorted(allowed))))
            else:
                out.add(("notin", name, tuple(sorted(outside[name]))))
        for name in low.keys() | high.keys():
            if name in low and name in high and low[name] > high[name]:
                return None
            if name in low:
                out.add(("gte", name, low[name]))
            if name in high:
                out.add(("lte", name, high[name]))
        return frozenset(out)


def _patterns(kind: str, conjunction: Conjunction) -> list[list[dict[str, Any]]]:
    """The tests of durable-rules patterns for one conjunction: one pattern per choice of value for each "in".

    durable-rules shares a test between patterns that begin alike, except a comparison with another field
    of the message, which every pattern gets a copy of and every event visits: those go last, after the
    choice of value, or an event would visit one copy per value (and overflow its stack of 64).
    """
    fixed: list[dict[str, Any]] = [{"kind": kind}]
    choices: list[list[dict[str, Any]]] = []
    last: list[dict[str, Any]] = []
    for atom in sorted(conjunction):
        op, name = atom[0], atom[1]
        if op == "in":
            choices.append([{name: value} for value in atom[2]])
        elif op == "notin":
            fixed.extend({"$neq": {name: value}} for value in atom[2])
        elif op in ("ex", "nex"):
            fixed.append({f"${op}": {name: 1}})
        elif op == "lte_asof":
            last.append({"$lte": {name: {"$m": AS_OF}}})
        elif op == "gt_asof":
            last.append({"$gt": {name: {"$m": AS_OF}}})
        else:
            fixed.append({f"${op}": {name: atom[2]}})
    return [fixed + list(chosen) + last for chosen in itertools.product(*choices)]


def token(value: Any) -> str:
    """A string that two attribute values share exactly when Python's ``==`` calls them equal."""
    if isinstance(value, (bool, int)) or (isinstance(value, float) and value.is_integer()):
        return f"n:{int(value)}"
    if isinstance(value, float):
        return f"n:{value!r}"
    if isinstance(value, str):
        return f"s:{value}"
    if value is None:
        return "none:"
    return f"{type(value).__name__}:{value!r}"


def _widest_node(patterns: Iterable[list[dict[str, Any]]]) -> int:
    """The most children any node gets when durable-rules chains the patterns' tests, sharing common prefixes."""
    root: dict[str, Any] = {}
    widest = 0
    for n, tests in enumerate(patterns):
        node = root
        for test in tests:
            key = json.dumps(test, sort_keys=True)
            child = node.setdefault(f"{key} #{n}" if '"$m"' in key else key, {})
            widest = max(widest, len(node))
            node = child
    return widest


@dataclass
class _Fields:
    """Message field names for one record kind: ``aN`` for attributes (and whether the record's source can hold
    an event), ``eN`` for event dates, ``lN``/``hN`` for the latest lower and earliest upper bound on a trigger
    (a lower bound keyed with the upper bounds that can contradict it, as ``_native.possible_days`` drops it)."""

    attributes: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    recorded: dict[str, str] = field(default_factory=dict)
    lows: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = field(default_factory=dict)
    highs: dict[tuple[str, ...], str] = field(default_factory=dict)

    def attribute(self, name: str) -> str:
        return self.attributes.setdefault(name, f"a{len(self.attributes)}")

    def event(self, name: str) -> str:
        return self.events.setdefault(name, f"e{len(self.events)}")

    def records(self, event: str) -> str:
        return self.recorded.setdefault(event, f"r{len(self.recorded)}")

    def low(self, rule: Rule) -> str | None:
        key = (rule.no_earlier_than, rule.no_later_than)
        return self.lows.setdefault(key, f"l{len(self.lows)}") if rule.no_earlier_than else None

    def high(self, events: tuple[str, ...]) -> str | None:
        return self.highs.setdefault(events, f"h{len(self.highs)}") if events else None

    def message(self, index: int, record: Record, as_of: date) -> dict[str, Any]:
        """The event posted for one record: attributes as tokens, first event dates as day ordinals, and the
        bounds on each trigger worked out from them (the latest lower bound, the earliest upper bound).

        The as-of date is the day the record is judged on (``_native.clock``: its extract's date if earlier);
        a bound dated after it has not happened as of then. An event the record implies happened, on a date it
        does not give, is one whose source cannot say it did not happen (``_native.choose_version``)."""
        judged = clock(record, as_of)
        out: dict[str, Any] = {"i": index, "kind": record.kind, AS_OF: judged.toordinal()}
        for name, key in self.attributes.items():
            out[key] = token(record.attributes.get(name))
        for name, key in self.recorded.items():
            out[key] = token(record.records(name) and name not in record.implied)
        for name, key in self.events.items():
            dates = record.events.get(name)
            if dates:
                out[key] = _ordinal(dates[0])
        last = judged.toordinal()

        def dated(bounds: tuple[str, ...]) -> list[int]:
            return [day for e in bounds if record.events.get(e) and (day := _ordinal(record.events[e][0])) <= last]

        for bounds, key in self.highs.items():
            if found := dated(bounds):
                out[key] = min(found)
        for (bounds, highs), key in self.lows.items():
            found, above = dated(bounds), dated(highs)
            if found and (not above or max(found) <= min(above)):  # a lower bound after the upper one is dropped
                out[key] = max(found)
        return out


def _ordinal(d: date) -> int:
    return (d.date() if hasattr(d, "hour") else d).toordinal()  # type: ignore[attr-defined]


class _DutyPatterns:
    """The formula for each case of each version of one duty; mirrors ``_native.choose_version``.

    A version is a candidate when no ``when`` condition fails on a value the record gives (an attribute the
    record does not give is token ``none:``); it passes when every condition holds.
    """

    def __init__(self, versions: Sequence[Rule], fields: _Fields) -> None:
        self.v = versions
        self.f = fields
        self.n = len(versions)

    def _conditions(self, j: int, absent_allowed: bool) -> Formula:
        extra = {token(None)} if absent_allowed else set()
        return _and(*(_atom("in", self.f.attribute(name), tuple(sorted({token(value) for value in allowed} | extra)))
                      for name, allowed in self.v[j].when))

    def candidate(self, j: int) -> Formula:
        return self._conditions(j, True)

    def passes(self, j: int) -> Formula:
        return self._conditions(j, False)

    def within(self, name: str, window: Window) -> Formula:
        parts = [] if name == AS_OF else [_atom("ex", name)]
        if window.start:
            parts.append(_atom("gte", name, window.start.toordinal()))
        if window.end:
            parts.append(_atom("lte", name, window.end.toordinal()))
        return _and(*parts)

    def trigger(self, j: int) -> str:
        return self.f.event(self.v[j].trigger)

    def in_force(self, j: int) -> Formula:
        return _and(self.candidate(j), self.dated(j))

    def dated(self, j: int) -> Formula:
        """Version j's trigger is dated within the days it was in force, whatever its conditions."""
        return self.within(self.trigger(j), self.v[j].in_force)

    def triggered(self, j: int) -> Formula:
        return _and(self.candidate(j), _atom("ex", self.trigger(j)))

    def none_of(self, make: Callable[[int], Formula], js: Iterable[int]) -> Formula:
        return _and(*(_not(make(j)) for j in js))

    def first_candidate(self, k: int) -> Formula:
        return _and(self.candidate(k), self.none_of(self.candidate, range(k)))

    def last_candidate(self, k: int) -> Formula:
        return _and(self.candidate(k), self.none_of(self.candidate, range(k + 1, self.n)))

    def top_within(self, high: str | None, window: Window) -> Formula:
        """The latest day a trigger not recorded could have been (its upper bound in field ``high``, else the as-of
        date) is in ``window``."""
        if high is None:
            return self.within(AS_OF, window)
        return _or(self.within(high, window), _and(_not(_atom("ex", high)), self.within(AS_OF, window)))

    def choice_without_trigger(self, i: int) -> tuple[Formula, Formula, Formula]:
        """(version i is chosen and the case is "missing", version i is chosen and the case is "straddles", no
        version can be chosen) for a record with no trigger date, as ``_native._version_for_missing_trigger``."""
        missing, straddles, nothing = [], [], []
        window = self.v[i].in_force
        early = early_until(self.v[i])
        for k in range(self.n):
            rule = self.v[k]
            high, low = self.f.high(rule.no_later_than), self.f.low(rule)

            def at_top(j: int) -> Formula:
                return _and(self.candidate(j), self.top_within(high, self.v[j].in_force))

            def meets(j: int) -> Formula:
                """Version j was in force on some day the trigger could have been."""
                start, end = self.v[j].in_force.start, self.v[j].in_force.end
                begun = self.top_within(high, Window(start, None))
                ended = TRUE if low is None or end is None else _or(_not(_atom("ex", low)),
                                                                     _atom("lte", low, end.toordinal()))
                return _and(self.candidate(j), begun, ended)

            has_low = _atom("ex", low) if low else FALSE
            low_within = self.within(low, window) if low else FALSE
            soon = self.top_within(high, Window(None, early)) if early else FALSE
            chosen = _and(self.first_candidate(k), at_top(i), self.none_of(at_top, range(i)))
            no_top = _and(self.first_candidate(k), self.none_of(at_top, range(self.n)))
            missing.append(_and(chosen, _or(low_within, _and(_not(has_low), _not(soon)))))
            straddles.append(_or(_and(chosen, _or(_and(has_low, _not(low_within)), _and(_not(has_low), soon))),
                                 _and(no_top, meets(i), self.none_of(meets, range(i + 1, self.n)))))
            nothing.append(_and(no_top, self.none_of(meets, range(self.n))))
        return _or(*missing), _or(*straddles), _or(*nothing)

    def cases(self, i: int) -> dict[str, Formula]:
        """The formula under which version i governs the record, for each case."""
        rule = self.v[i]
        unknown = _and(self.candidate(i), _not(self.passes(i)))
        first_in_force = _and(self.in_force(i), self.none_of(self.in_force, range(i)))
        untriggered = self.none_of(self.triggered, range(self.n))
        missing, straddles, nothing = self.choice_without_trigger(i)
        waiting = _and(untriggered, _or(missing, straddles), self.passes(i))
        never = _atom("in", self.f.records(rule.trigger), (token(True),)) if rule.trigger_optional else FALSE
        return {
            "excluded": _and(self.none_of(self.candidate, range(self.n)), self.none_of(self.dated, range(i)),
                             self.dated(i) if i < self.n - 1 else TRUE),
            "undecided": _or(_and(first_in_force, unknown), _and(untriggered, missing, unknown),
                             _and(untriggered, straddles, unknown)),
            "in_force": _and(first_in_force, self.passes(i), _atom("lte_asof", self.trigger(i))),
            "not_started": _and(first_in_force, self.passes(i), _atom("gt_asof", self.trigger(i))),
            "outside": _and(self.triggered(i), self.none_of(self.in_force, range(self.n)),
                            self.none_of(self.triggered, range(i + 1, self.n))),
            "no_version": _and(untriggered, self.last_candidate(i), nothing),
            "never_started": _and(waiting, never),
            "missing": _and(untriggered, missing, self.passes(i), _not(never)),
            "straddles": _and(untriggered, straddles, self.passes(i), _not(never)),
        }


# -- running ----------------------------------------------------------------------------------------

@dataclass
class _Run:
    """One evaluation in progress: what the actions read, and what the one that decides leaves behind."""

    records: Sequence[Record]
    as_of: date
    explain: bool
    index: int = -1
    duty: int = -1
    fired: int = 0
    decisions: int = 0
    found: list[Finding] = field(default_factory=list)
    error: BaseException | None = None


@dataclass
class _Duty:
    index: int
    name: str
    versions: list[Rule]
    rulesets: list[str]


@lru_cache(maxsize=1)
def _host_class() -> type:
    """durable-rules' Host without its timer threads, which sweep every ruleset five times a second."""
    engine = load_durable()

    class ReplayHost(engine.Host):  # type: ignore[misc, name-defined]
        """A host of its own per compiled rule set: records are replayed by their own dates, never by timers."""

        def _run(self) -> None:
            pass

    return ReplayHost


class DurableRules:
    """A rule set compiled into durable-rules rulesets on a host of its own; evaluate it as often as needed.

    Close it (or use it as a context manager) to free the rulesets in durable-rules' C core.
    """

    def __init__(self, rules: RuleSet | Sequence[Rule]) -> None:
        self._host = _host_class()()
        self._lock = threading.Lock()
        self._current: _Run | None = None
        self._handles: list[Any] = []
        self._duties: dict[str, list[_Duty]] = {}
        self._fields: dict[str, _Fields] = {}
        self._rules = list(rules)
        self._finalizer = weakref.finalize(self, _delete_rulesets, load_durable().durable_rules_engine, self._handles)
        for kind, groups in duties_by_kind(rules).items():
            fields = self._fields.setdefault(kind, _Fields())
            for versions in groups:
                duty = _Duty(sum(map(len, self._duties.values())), versions[0].duty, versions, [])
                self._duties.setdefault(kind, []).append(duty)
                patterns = _DutyPatterns(versions, fields)
                for i, rule in enumerate(versions):
                    duty.rulesets.append(self._register(rule, duty, patterns.cases(i), fields))

    def _register(self, rule: Rule, duty: _Duty, cases: dict[str, Formula], fields: _Fields) -> str:
        flat = _Flattener(set(fields.attributes.values()) | set(fields.recorded.values()) | {AS_OF})
        definition: dict[str, Any] = {}
        for case in CASES:
            action = self._action(duty, Choice(case, rule))
            patterns = [p for c in flat.dnf(cases[case]) for p in _patterns(rule.applies_to, c)]
            for n, tests in enumerate(patterns):
                definition[f"{case}.{n}"] = {"all": [{"m": {"$and": tests}}], "pri": 1, "run": action}
        widest = _widest_node(r["all"][0]["m"]["$and"] for r in definition.values())
        if widest > MAX_CHILDREN:
            raise InputError(Problem(
                f"rule {rule.id!r} cannot run on durable-rules: its conditions need {widest} alternatives at one "
                f"point, more than the {MAX_CHILDREN} durable-rules can hold", file=rule.file, line=rule.line,
                hint="shorten its `when` lists, or use --engine native"))
        # Every message fires exactly one rule: this one when another version of the duty governs.
        definition["elsewhere"] = {"all": [{"m": {"$ex": {"i": 1}}}], "pri": 2, "run": self._elsewhere}
        name = f"{rule.id}#{next(_serial)}"
        try:
            self._host.register_rulesets({name: definition})
        except Exception as exc:
            raise compile_error(rule, exc) from None
        self._handles.append(self._host.get_ruleset(name)._handle)
        return name

    def _action(self, duty: _Duty, choice: Choice) -> Callable[[Any], None]:
        def act(c: Any) -> None:
            run = self._current
            assert run is not None
            run.fired += 1
            if (c.m["i"], duty.index) != (run.index, run.duty):
                run.error = RuntimeError("durable-rules ran an action for another record or duty than the one posted")
                return
            run.decisions += 1
            if run.decisions > 1:
                return
            try:
                run.found = duty_findings(run.records[run.index], duty.versions, choice, run.as_of, run.explain)
            except BaseException as exc:  # durable-rules swallows what an action raises: carry it out
                run.error = exc
        return act

    def _elsewhere(self, c: Any) -> None:
        assert self._current is not None
        self._current.fired += 1

    def evaluate(self, records: Iterable[Record], as_of: date, explain: bool = True,
                 duties: Collection[str] | None = None) -> list[Finding]:
        """Findings for ``records`` as of ``as_of``, in the native engine's order; ``duties`` limits which."""
        if not self._finalizer.alive:
            raise RuntimeError("these durable-rules rulesets were closed; compile the rules again")
        check_as_of(self._rules, as_of)
        with self._lock:
            self._current = run = _Run([r.evidenced(clock(r, as_of)) for r in records], as_of, explain)
            try:
                return self._post_all(run, duties)
            finally:
                self._current = None

    def _post_all(self, run: _Run, only: Collection[str] | None) -> list[Finding]:
        findings: list[Finding] = []
        for index, record in enumerate(run.records):
            duties = [d for d in self._duties.get(record.kind, ()) if only is None or d.name in only]
            if not duties:
                continue
            run.index = index
            message = self._fields[record.kind].message(index, record, run.as_of)
            for duty in duties:
                if not record.measures(duty.versions[0].duty, (v.id for v in duty.versions)):
                    # Which record a duty is measured on is the extract's layout, not a rule: no pattern for it.
                    findings.append(measured_elsewhere(record, duty.versions, run.as_of))
                    continue
                run.duty, run.decisions, run.found = duty.index, 0, []
                for rule, name in zip(duty.versions, duty.rulesets):
                    before = run.fired
                    try:
                        self._host.post(name, message)
                    except Exception as exc:
                        raise compile_error(rule, exc) from None
                    if run.error is not None:
                        raise run.error
                    if run.fired != before + 1:
                        raise RuntimeError(f"durable-rules returned from post with {run.fired - before} actions "
                                           f"run for record {record.id!r} (expected 1)")
                if run.decisions != 1:
                    raise RuntimeError(f"durable-rules chose {run.decisions} versions of {duty.name!r} for record "
                                       f"{record.id!r}: the compiled patterns disagree with choose_version")
                findings += run.found
        return findings

    def close(self) -> None:
        """Free the rulesets in durable-rules' C core; the object cannot evaluate afterwards."""
        self._finalizer()
        self._duties.clear()

    def __enter__(self) -> "DurableRules":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _delete_rulesets(core: ModuleType, handles: list[Any]) -> None:
    while handles:
        core.delete_ruleset(handles.pop())


def evaluate_durable(records: Iterable[Record], rules: RuleSet | Sequence[Rule], as_of: date,
                     explain: bool = True) -> list[Finding]:
    """``engine.evaluate`` on durable-rules: the same findings, field for field."""
    with DurableRules(rules) as compiled:
        return compiled.evaluate(records, as_of, explain)
