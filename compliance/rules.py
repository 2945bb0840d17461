"""Rules: duties written as YAML data, loaded, validated against a JSON Schema and beyond it.

One rule is one duty in one version of the law: its trigger and completing events, the period,
when the law was in force, and its source. Rules that share a ``duty`` are versions of one duty
(the 2010 and 2013 assessment timescales), picked by the trigger date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

import jsonschema

from .errors import InputError, Problem
from .periods import Period, parse_period
from .resources import rules_dir
from .yamlio import Located, load_yaml

RULE_KINDS = ("statutory", "guidance", "local-target")
VERIFICATION = ("primary", "secondary", "unverified")
SCHEMA_FILE = "rule-pack.schema.json"
VOCABULARY_FILE = "vocabulary.yaml"


@dataclass(frozen=True)
class Source:
    """Where a rule comes from, and how well that has been checked."""

    citation: str
    url: str | None = None
    verification: str = "unverified"
    wording: str | None = None


@dataclass(frozen=True)
class Window:
    """A span of dates, both ends included; ``None`` means open-ended."""

    start: date | None = None
    end: date | None = None

    def contains(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def overlaps(self, other: "Window") -> bool:
        return (self.end is None or other.start is None or other.start <= self.end) and (
            other.end is None or self.start is None or self.start <= other.end)

    def __str__(self) -> str:
        start = self.start.isoformat() if self.start else "the beginning"
        end = self.end.isoformat() if self.end else "now"
        return f"{start} to {end}"


@dataclass(frozen=True)
class Caveat:
    """A note shown on every finding whose trigger falls in a window, e.g. a temporary modification."""

    window: Window
    note: str


@dataclass(frozen=True)
class Extension:
    """A longer period once an extension event is recorded: a new total, or an addition per event."""

    event: str
    period: Period | None = None
    adds: Period | None = None


@dataclass(frozen=True)
class Step:
    """One stage of a recurrence: the period from the previous occurrence, for how long it applies."""

    period: Period
    times: int | None = None
    while_within: Period | None = None


@dataclass(frozen=True)
class Recurrence:
    """After the first period, each next occurrence is due within a period of the previous one."""

    steps: tuple[Step, ...]
    until: str | None = None


@dataclass(frozen=True)
class RuleTest:
    """An example record with the findings the law says it must produce."""

    name: str
    as_of: date
    record: dict[str, Any]
    expect: tuple[dict[str, Any], ...]
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    """One duty, in one version of the law."""

    id: str
    duty: str
    title: str
    kind: str
    duty_holder: str
    applies_to: str
    trigger: str
    completion: str
    period: Period
    in_force: Window
    source: Source
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    trigger_bound: str | None = None
    extension: Extension | None = None
    recurrence: Recurrence | None = None
    caveats: tuple[Caveat, ...] = ()
    calendar: str = "england-and-wales"
    notes: str | None = None
    tests: tuple[RuleTest, ...] = ()
    file: str | None = None
    line: int | None = None

    def conditions_fail(self, attributes: dict[str, Any]) -> str | None:
        """Why the record's attributes exclude this rule, or None when they satisfy it."""
        for name, allowed in self.when:
            value = attributes.get(name)
            if value not in allowed:
                wanted = " or ".join(repr(a) for a in allowed)
                return f"applies only when {name} is {wanted}; the record has {value!r}"
        return None


@dataclass
class Vocabulary:
    """Record kinds with their attributes and events, as listed in ``rules/vocabulary.yaml``."""

    kinds: dict[str, dict[str, Any]]

    def events(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.kinds.get(kind, {}).get("events", {})

    def attributes(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.kinds.get(kind, {}).get("attributes", {})

    def repeats(self, kind: str, event: str) -> bool:
        return bool(self.events(kind).get(event, {}).get("repeats"))

    def all_events(self) -> set[str]:
        return {e for k in self.kinds for e in self.events(k)}

    def merge(self, other: dict[str, Any]) -> None:
        for kind, spec in other.items():
            mine = self.kinds.setdefault(kind, {"attributes": {}, "events": {}})
            mine.setdefault("attributes", {}).update(spec.get("attributes") or {})
            mine.setdefault("events", {}).update(spec.get("events") or {})
            if spec.get("description"):
                mine["description"] = spec["description"]


@dataclass
class RuleSet:
    """Rules loaded together, with the vocabulary they were checked against."""

    rules: list[Rule]
    vocabulary: Vocabulary
    files: list[str] = field(default_factory=list)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise InputError(Problem(f"no rule with id {rule_id!r}", field="rule",
                                 hint="`compliance rules list` shows the ids"))


@lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    """The JSON Schema for rule pack files (shipped in ``rules/`` for editors too)."""
    return json.loads((rules_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))


def _normalise_events(kinds: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for kind, spec in (kinds or {}).items():
        spec = dict(spec or {})
        spec["events"] = {
            name: (value if isinstance(value, dict) else {"description": value})
            for name, value in (spec.get("events") or {}).items()
        }
        spec["attributes"] = dict(spec.get("attributes") or {})
        out[kind] = spec
    return out


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    path = path or rules_dir() / VOCABULARY_FILE
    doc = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
    return Vocabulary(_normalise_events(doc.get("kinds", {})))


def _period(raw: Any, path: tuple[Any, ...] = ("period",)) -> Period:
    if isinstance(raw, str):
        try:
            return parse_period(raw)
        except InputError as exc:
            raise _FieldError(path, exc.problems[0].message, exc.problems[0].hint) from None
    base = parse_period(f"{raw['amount']} {raw['unit']}") if raw.get("amount", 0) > 0 else Period(
        raw.get("amount", 0), raw["unit"])
    return Period(base.amount, base.unit, raw.get("counting", "excluding"), bool(raw.get("roll", False)))


class _FieldError(Exception):
    """A field that passed the schema but is still unusable; ``path`` is relative to the rule."""

    def __init__(self, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.path, self.message, self.hint = path, message, hint


def _date(value: Any, path: tuple[Any, ...]) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    raise _FieldError(path, f"{value!r} is not a date", "write dates as YYYY-MM-DD, e.g. 2013-04-15")


def _window(raw: dict[str, Any] | None, path: tuple[Any, ...]) -> Window:
    raw = raw or {}
    return Window(_date(raw.get("from"), path + ("from",)), _date(raw.get("to"), path + ("to",)))


def _build_rule(raw: dict[str, Any], file: str, line: int | None) -> Rule:
    when = tuple(
        (name, tuple(value) if isinstance(value, list) else (value,))
        for name, value in (raw.get("when") or {}).items()
    )
    ext = raw.get("extension")
    extension = None
    if ext:
        extension = Extension(
            ext["event"],
            _period(ext["period"], ("extension", "period")) if "period" in ext else None,
            _period(ext["adds"], ("extension", "adds")) if "adds" in ext else None,
        )
    rec = raw.get("recurrence")
    recurrence = None
    if rec:
        recurrence = Recurrence(
            tuple(
                Step(_period(s["period"], ("recurrence", "then", i, "period")), s.get("times"),
                     _period(s["while_within"], ("recurrence", "then", i, "while_within"))
                     if "while_within" in s else None)
                for i, s in enumerate(rec["then"])
            ),
            rec.get("until"),
        )
    src = raw["source"]
    tests = tuple(
        RuleTest(
            str(t.get("name", f"test {i + 1}")),
            _date(t["as_of"], ("tests", i, "as_of")),  # type: ignore[arg-type]
            t["record"],
            tuple(t["expect"] if isinstance(t["expect"], list) else [t["expect"]]),
        )
        for i, t in enumerate(raw.get("tests") or [])
    )
    return Rule(
        id=raw["id"],
        duty=raw.get("duty", raw["id"]),
        title=raw["title"],
        kind=raw["kind"],
        duty_holder=raw["duty_holder"],
        applies_to=raw["applies_to"],
        trigger=raw["trigger"],
        completion=raw["completion"],
        period=_period(raw["period"]),
        in_force=_window(raw.get("in_force"), ("in_force",)),
        source=Source(src["citation"], src.get("url"), src.get("verification", "unverified"), src.get("wording")),
        when=when,
        trigger_bound=raw.get("trigger_bound"),
        extension=extension,
        recurrence=recurrence,
        caveats=tuple(Caveat(_window(c, ("caveats", i)), c["note"]) for i, c in enumerate(raw.get("caveats") or [])),
        calendar=raw.get("calendar", "england-and-wales"),
        notes=raw.get("notes"),
        tests=tests,
        file=file,
        line=line,
    )


def _schema_problems(located: Located) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema(), format_checker=None)
    problems = []
    for error in sorted(validator.iter_errors(located.value), key=lambda e: list(map(str, e.absolute_path))):
        path = tuple(error.absolute_path)
        field_name = ".".join(str(p) for p in path) or None
        message = error.message
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = list(error.schema.get("properties", {}))
            for key in error.instance:
                if key not in allowed:
                    line, column = located.key_positions.get(path + (key,), (None, None))
                    problems.append(Problem(f"unknown field {key!r}", field=".".join(map(str, path + (key,))),
                                            file=located.file, line=line, column=column,
                                            hint=_suggest(str(key), allowed)))
            continue
        if error.validator in ("oneOf", "anyOf"):
            message = "is not a valid " + (str(path[-1]) if path else "document") + " (see docs/rule-language.md)"
        problems.append(Problem(message, field=field_name, **located.where(path)))
    return problems


def _semantic_problems(rules: list[tuple[Rule, Located, tuple[Any, ...]]], vocab: Vocabulary) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, Rule] = {}

    def at(located: Located, path: tuple[Any, ...], message: str, hint: str | None = None) -> None:
        problems.append(Problem(message, hint=hint, **located.where(path)))

    for rule, located, base in rules:
        if rule.id in seen:
            first = seen[rule.id]
            at(located, base + ("id",), f"duplicate rule id {rule.id!r} (also at {first.file}:{first.line})",
               "give each rule its own id; versions of one duty share a `duty` instead")
        seen.setdefault(rule.id, rule)
        if rule.applies_to not in vocab.kinds:
            at(located, base + ("applies_to",), f"unknown record kind {rule.applies_to!r}",
               "one of: " + ", ".join(sorted(vocab.kinds)))
            continue
        events = vocab.events(rule.applies_to)
        refs = [("trigger", rule.trigger), ("completion", rule.completion)]
        if rule.trigger_bound:
            refs.append(("trigger_bound", rule.trigger_bound))
        if rule.extension:
            refs.append(("extension", rule.extension.event))
        if rule.recurrence and rule.recurrence.until:
            refs.append(("recurrence", rule.recurrence.until))
        for key, event in refs:
            if event not in events:
                path = base + ((key, "event") if key == "extension" else (key, "until") if key == "recurrence" else (key,))
                at(located, path, f"unknown event {event!r} for {rule.applies_to} records",
                   _suggest(event, events))
        if rule.recurrence and not vocab.repeats(rule.applies_to, rule.completion):
            at(located, base + ("completion",),
               f"a recurring rule needs a repeating completion event; {rule.completion!r} happens once")
        attributes = vocab.attributes(rule.applies_to)
        for name, allowed in rule.when:
            if name not in attributes:
                at(located, base + ("when", name), f"unknown attribute {name!r} for {rule.applies_to} records",
                   _suggest(name, attributes))
                continue
            values = attributes[name].get("values")
            for value in allowed:
                if values and value not in values:
                    at(located, base + ("when", name), f"{name} cannot be {value!r}", "one of: " + ", ".join(values))
        for key, period in _periods(rule):
            if period.amount <= 0:
                at(located, base + key, f"a period of {period.amount} {period.unit.replace('_', ' ')} "
                   "means the duty is due the moment it starts", "give a period of at least 1")
        w = rule.in_force
        if w.start and w.end and w.start > w.end:
            at(located, base + ("in_force",), f"in force from {w.start} is after to {w.end}")
        if rule.period.unit == "hours" and rule.period.counting == "including":
            at(located, base + ("period", "counting"), "an hours period cannot count the trigger day")
        for i, test in enumerate(rule.tests):
            kind_events = vocab.events(rule.applies_to)
            for event in (test.record.get("events") or {}):
                if event not in kind_events:
                    at(located, base + ("tests", i, "record", "events", event),
                       f"unknown event {event!r} in test {test.name!r}", _suggest(event, kind_events))

    groups: dict[str, list[tuple[Rule, Located, tuple[Any, ...]]]] = {}
    for item in rules:
        groups.setdefault(item[0].duty, []).append(item)
    for duty, items in groups.items():
        for i, (a, _, _) in enumerate(items):
            for b, located, base in items[i + 1:]:
                if a.id != b.id and a.in_force.overlaps(b.in_force) and a.when == b.when:
                    at(located, base + ("in_force",),
                       f"rule {b.id!r} is in force ({b.in_force}) while {a.id!r} ({a.in_force}) is, "
                       f"for the same duty {duty!r}",
                       "end one version the day before the next begins")
    return problems


def _periods(rule: Rule) -> Iterable[tuple[tuple[Any, ...], Period]]:
    yield ("period",), rule.period
    if rule.extension:
        if rule.extension.period:
            yield ("extension", "period"), rule.extension.period
        if rule.extension.adds:
            yield ("extension", "adds"), rule.extension.adds
    if rule.recurrence:
        for i, step in enumerate(rule.recurrence.steps):
            yield ("recurrence", "then", i, "period"), step.period


def _suggest(word: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))


def read_pack(path: Path) -> tuple[Located, list[Problem]]:
    """Parse one rule pack and check it against the schema."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(f"cannot read rule file: {exc}", file=str(path))) from None
    located = load_yaml(text, str(path), strict=False)
    return located, located.problems + _schema_problems(located)


def pack_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """Rule pack files named by ``paths`` (files or directories), or the bundled packs."""
    if not paths:
        paths = [rules_dir()]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(f for f in sorted(p.glob("*.yaml")) if f.name != VOCABULARY_FILE)
        elif p.is_file():
            files.append(p)
        else:
            raise InputError(Problem("no such rule file or directory", file=str(p),
                                     hint="give a .yaml rule pack or a directory of them"))
    return files


def check_rules(paths: Sequence[str | Path] | None = None) -> tuple[RuleSet, list[Problem]]:
    """Load rule packs and return them with every problem found, instead of stopping at the first."""
    vocab = load_vocabulary()
    problems: list[Problem] = []
    loaded: list[tuple[Rule, Located, tuple[Any, ...]]] = []
    files = pack_files(paths)
    packs = []
    for path in files:
        try:
            located, found = read_pack(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        if isinstance(located.value, dict) and isinstance(located.value.get("rules"), list):
            if not any(p.field and p.field.startswith("vocabulary") for p in found):
                vocab.merge(_normalise_events((located.value.get("vocabulary") or {}).get("kinds", {})))
            bad = {tuple(p.field.split(".")[:2]) for p in found if p.field and p.field.startswith("rules.")}
            bad |= {_rule_at(located, p.line) for p in found if p.line is not None}
            packs.append((path, located, bad))
    for path, located, bad in packs:
        for i, raw in enumerate(located.value["rules"]):
            base = ("rules", i)
            if ("rules", str(i)) in bad or base in bad or not isinstance(raw, dict):
                if isinstance(raw, dict) and isinstance(raw.get("period"), str):
                    try:  # the period is the field most often mistyped: report it in the same run
                        _period(raw["period"])
                    except _FieldError as exc:
                        problems.append(Problem(exc.message, hint=exc.hint, field=f"rules.{i}.period",
                                                **located.where(base + ("period",))))
                continue  # already reported; building it would only repeat the problem
            try:
                rule = _build_rule(raw, str(path), located.positions.get(base, (None,))[0])
            except _FieldError as exc:
                path = base + exc.path
                problems.append(Problem(exc.message, hint=exc.hint, field=".".join(map(str, path)),
                                        **located.where(path)))
                continue
            loaded.append((rule, located, base))
    problems.extend(_semantic_problems(loaded, vocab))
    return RuleSet([r for r, _, _ in loaded], vocab, [str(f) for f in files]), problems


def _rule_at(located: Located, line: int) -> tuple[Any, ...] | None:
    """The path of the rule whose text contains ``line``, for problems located only by line."""
    starts = sorted((pos[0], path) for path, pos in located.positions.items()
                    if len(path) == 2 and path[0] == "rules")
    found = None
    for start, path in starts:
        if start <= line:
            found = path
    return found


def load_rules(paths: Sequence[str | Path] | None = None) -> RuleSet:
    """Load and validate rule packs (default: the bundled ones); raise InputError listing every problem."""
    ruleset, problems = check_rules(paths)
    if problems:
        raise InputError(*problems)
    return ruleset
