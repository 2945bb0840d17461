"""Validating rule packs: against the JSON Schema, then beyond it (events, attributes, overlapping versions).

Every problem is collected with its file, line and column, so one run reports them all.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from ..calendars import UNITS, YEARS, Period
from ..errors import InputError, Problem, shown
from ..resources import installed_version, private_cache, private_file, rules_dir
from ..yamlio import Located
from ._build import FieldError, read_period
from ._build import _date as read_day, _window as read_window  # as the rule is built
from ._model import Conditions_, Rule
from ._vocabulary import Vocabulary

SCHEMA_FILE = "rule-pack.schema.json"


@lru_cache(maxsize=None)
def schema() -> dict[str, Any]:
    """The JSON Schema for rule pack files (shipped in ``rules/`` for editors too)."""
    return json.loads((rules_dir() / SCHEMA_FILE).read_text(encoding="utf-8"))


URL_HINT = "give the http:// or https:// address of the source, on one line"


@lru_cache(maxsize=None)
def _source_url() -> re.Pattern[str]:
    """The schema's pattern for ``source.url``: an http(s) address and nothing that could end a line or a tag."""
    return re.compile(schema()["$defs"]["rule"]["properties"]["source"]["properties"]["url"]["pattern"])


@lru_cache(maxsize=1)
def _checker() -> str:
    """What a pack is checked by: the schema, this module and the installed jsonschema (found without importing
    it), as one SHA-256."""
    digest = hashlib.sha256((rules_dir() / SCHEMA_FILE).read_bytes() + Path(__file__).read_bytes())
    digest.update((installed_version("jsonschema") or "").encode())
    return digest.hexdigest()


def _passed_file(text: str) -> Path | None:
    """The marker of a pack that passed, in a cache folder no other user can write to (else None: a marker
    anyone could leave would let a pack skip the schema)."""
    folder = private_cache("rule-packs")
    if folder is None:
        return None
    return folder / f"{hashlib.sha256(_checker().encode() + text.encode('utf-8', 'surrogatepass')).hexdigest()}.passed"


def passed_before(text: str) -> bool:
    """Whether a pack of exactly this text passed the schema before, checked by the same schema, code and
    jsonschema: a warm start then need not import jsonschema (some 100 ms with the validation)."""
    marker = _passed_file(text)
    return marker is not None and private_file(marker)


def remember_passed(text: str) -> None:
    """Remember that a pack of this text passed the schema (an empty file named by the key); silently skipped
    where the cache folder is not writable. Only a pass is remembered: problems are found again each time."""
    target = _passed_file(text)
    if target is None:
        return
    try:
        target.touch(mode=0o600)
    except OSError:
        pass


def schema_problems(located: Located) -> list[Problem]:
    import jsonschema  # ~100 ms to import: only when a pack is validated

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
                    problems.append(Problem(f"unknown field {shown(key)}", field=".".join(map(str, path + (key,))),
                                            file=located.file, line=line, column=column,
                                            hint=_suggest(str(key), allowed)))
            continue
        hint = None
        if error.validator in ("oneOf", "anyOf") and path and path[-1] == "period" and isinstance(error.instance, str):
            continue  # a period written as text: reading it says what is wrong in its own words (semantic_problems)
        if error.validator in ("oneOf", "anyOf"):
            message = "is not a valid " + (str(path[-1]) if path else "document") + " (see docs/rule-language.md)"
            unit = error.instance.get("unit") if isinstance(error.instance, dict) else None
            if unit is not None and unit not in UNITS:
                # A period written as a mapping with a unit the schema does not know: say which, as the text form does.
                message = f"unknown unit {shown(unit)} in period {_inline(error.instance)}"
                hint = "the units are " + ", ".join(UNITS[:-1]) + " and " + UNITS[-1]
        if error.validator == "pattern" and path[-2:] == ("source", "url"):
            message, hint = f"{error.instance!r} is not an http:// or https:// address", URL_HINT
        elif error.validator == "pattern" and path and path[-1] in ("id", "duty") and isinstance(error.instance, str):
            message, hint = (f"{error.instance!r} cannot be a rule's {path[-1]}",
                             "write lower-case letters, digits, - and _, beginning with a letter (local-publish-report)")
        if error.validator == "required" and isinstance(error.instance, dict):
            # One error a missing field, jsonschema's words naming it ("'kind' is a required property").
            missing = error.message.split("'")[1] if error.message.count("'") >= 2 else error.message
            what = "rule" if len(path) == 2 and path[0] == "rules" else "pack" if not path else str(path[-1])
            message = f"this {what} has no {missing}:"
            hint = "every " + what + " gives " + ", ".join(f"{k}:" for k in error.validator_value) + \
                " (see docs/rule-language.md)"
        if error.validator == "type" and not path:
            # The file itself: empty (None), or a list of rules without the pack around them.
            message = "the file is empty" if error.instance is None else "the file is not a rule pack"
            hint = ("a rule pack is a mapping of pack:, title: and rules: (a list of rules); see "
                    "examples/local-targets.yaml and docs/rule-language.md")
        problems.append(Problem(message, field=field_name, hint=hint, **located.where(path)))
    return problems


def semantic_problems(rules: list[tuple[Rule, Located, tuple[Any, ...]]], vocab: Vocabulary) -> list[Problem]:
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
        refs: list[tuple[tuple[Any, ...], str]] = [(("trigger",), rule.trigger), (("completion",), rule.completion)]
        for side in ("no_earlier_than", "no_later_than"):
            path = ("trigger_bounds", side) if base + ("trigger_bounds", side) in located.positions else ("trigger_bound",)
            refs += [(path, event) for event in getattr(rule, side)]
        if rule.extension:
            refs.append((("extension", "event"), rule.extension.event))
        if rule.recurrence and rule.ends_with:
            at(located, base + ("until",), "a recurring rule gives the event that ends it in recurrence.until",
               "move `until:` under `recurrence:`")
        elif rule.until:
            refs.append((("recurrence", "until") if rule.recurrence else ("until",), rule.until))
        for key, event in refs:
            if event not in events:
                path = base + key
                at(located, path, f"unknown event {event!r} for {rule.applies_to} records",
                   _suggest(event, events))
        if rule.recurrence and not vocab.repeats(rule.applies_to, rule.completion):
            at(located, base + ("completion",),
               f"a recurring rule needs a repeating completion event; {rule.completion!r} happens once")
        attributes = vocab.attributes(rule.applies_to)
        conditions: list[tuple[tuple[Any, ...], Any]] = [(("when",), rule.when)]
        conditions += [(("caveats", i, "when"), c.when) for i, c in enumerate(rule.caveats)]
        steps = rule.recurrence.steps if rule.recurrence else ()
        conditions += [(("recurrence", "then", i, "when"), s.when) for i, s in enumerate(steps)]
        for where, when in conditions:
            for name, allowed in when:
                if name not in attributes:
                    at(located, base + where + (name,), f"unknown attribute {name!r} for {rule.applies_to} records",
                       _suggest(name, attributes))
                    continue
                values = attributes[name].get("values")
                for value in allowed:
                    if values and value not in values:
                        at(located, base + where + (name,), f"{name} cannot be {value!r}",
                           "one of: " + ", ".join(values))
        if steps and steps[-1].when:
            at(located, base + ("recurrence", "then", len(steps) - 1, "when"),
               "the last step of a recurrence applies to every record that reaches it, so it cannot have conditions",
               "add a last step without `when` for the records the others do not cover")
        if rule.extension and rule.extension.after_deadline == "from_grant" and rule.extension.adds is None:
            at(located, base + ("extension", "after_deadline"),
               "after_deadline: from_grant adds the extension to the later of the deadline and the grant day, so it "
               "needs `adds`", "write adds: 8 weeks (or the period each extension adds)")
        for key, period in _periods(rule):
            if period.amount <= 0:
                at(located, base + key, f"a period of {period.amount} {period.unit.replace('_', ' ')} "
                   "means the duty is due the moment it starts", "give a period of at least 1")
            elif _past_the_last_date(period):
                # Refused here, naming the rule: checked, it made every record's duty "missing data", blaming the
                # records' dates, and the run exited 0.
                problems.append(Problem(
                    f"rule {rule.id!r}: a period of {period} runs past the year 9999 from a trigger in "
                    f"{LAST_TRIGGER.year}, the last year a calendar covers", field=".".join(map(str, base + key)),
                    hint="check the amount; no statutory period is that long", **located.where(base + key)))
        # The schema's pattern ends in $, which Python also lets match before a final line break.
        if rule.source.url is not None and not _source_url().fullmatch(rule.source.url):
            at(located, base + ("source", "url"), f"{rule.source.url!r} is not an http:// or https:// address",
               URL_HINT)
        w = rule.in_force
        if w.start and w.end and w.start > w.end:
            at(located, base + ("in_force",), f"in force from {w.start} is after to {w.end}")
        if rule.period.unit == "hours" and rule.period.counting == "including":
            at(located, base + ("period", "counting"), "an hours period cannot count the trigger day")
        if rule.period.unit == "hours" and rule.period.roll:  # it ends at a time, weekends and holidays counted
            at(located, base + ("period", "roll"), "an hours period cannot roll to a working day")
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
                if a.id == b.id:
                    continue
                where = f", at {a.file}:{a.line}" if a.file != b.file else ""
                own = f"if it is not a version of {duty!r}, leave out its duty: line, so that it is a duty of its own"
                if a.applies_to != b.applies_to:
                    # The duty is checked on the records of its first version's kind: this one would never be.
                    at(located, base + ("applies_to",), f"rule {b.id!r} is a version of the duty {duty!r}, as "
                       f"{a.id!r} is{where}, but applies to {b.applies_to} records, not {a.applies_to}", own)
                elif a.in_force.overlaps(b.in_force) and _can_both_hold(a.when, b.when):
                    # A record is judged on the first version in force on its trigger date that its conditions
                    # allow: the other, on the same records on the same days, would never be checked.
                    both = "" if a.when == b.when else ", on records that meet both their `when` conditions"
                    at(located, base + ("in_force",),
                       f"rule {b.id!r} is in force ({b.in_force}) while {a.id!r} ({a.in_force}{where}) is, "
                       f"for the same duty {duty!r}{both}: a record is judged on one version of a duty, so the "
                       "other would never be checked",
                       f"{own}; if it is, end one version the day before the next begins"
                       + (", or give them `when` conditions no record meets both of" if both else ""))
    return problems


def _can_both_hold(a: Conditions_, b: Conditions_) -> bool:
    """Whether one record can meet the ``when`` conditions of two rules: every attribute both name allows a value
    in common (framework SIF or ILACS and framework SIF)."""
    allowed = dict(a)
    return all(any(v in allowed[name] for v in values) for name, values in b if name in allowed)


#: The last day a calendar covers (calendars/_spec.YEARS): a period that ends by 9999 from there ends by then from
#: any trigger a calendar counts.
LAST_TRIGGER = date(YEARS[-1], 12, 31)


def _past_the_last_date(period: Period) -> bool:
    """Whether ``period`` from LAST_TRIGGER ends after the last date there is (9999-12-31)."""
    if period.unit == "months":
        return LAST_TRIGGER.year + (LAST_TRIGGER.month - 1 + period.amount) // 12 > date.max.year
    # Working days: 5 in every 7 days at most (holidays only take more), so the period spans at least 7/5 of its
    # amount in days; one that runs past by that much runs past whatever the calendar.
    span = {"days": period.amount, "weeks": 7 * period.amount, "working_days": period.amount * 7 // 5 - 6,
            "hours": -(-period.amount // 24)}[period.unit]
    return span > (date.max - LAST_TRIGGER).days


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


def _inline(value: dict[Any, Any]) -> str:
    """A mapping as a rule file writes it on one line: {amount: 30, unit: fortnights}."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"


def _suggest(word: Any, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else "known: " + ", ".join(sorted(known))


def raw_problems(raw: dict[str, Any], located: Located, base: tuple[Any, ...], vocab: Vocabulary) -> list[Problem]:
    """The event and attribute names of a rule the schema refused, checked all the same, so that one run of
    `rules validate` reports every problem rather than the next one only after the first is fixed."""
    kind = raw.get("applies_to")
    if not isinstance(kind, str) or kind not in vocab.kinds:
        return []
    events, attributes = vocab.events(kind), vocab.attributes(kind)
    refs: list[tuple[tuple[Any, ...], Any]] = [(("trigger",), raw.get("trigger")), (("completion",), raw.get("completion")),
                                              (("trigger_bound",), raw.get("trigger_bound"))]
    bounds = raw.get("trigger_bounds")
    for side in ("no_earlier_than", "no_later_than"):
        value = bounds.get(side) if isinstance(bounds, dict) else None
        for j, event in enumerate(value if isinstance(value, list) else [value]):
            refs.append((("trigger_bounds", side) + ((j,) if isinstance(value, list) else ()), event))
    for part, key in (("extension", "event"), ("recurrence", "until")):
        value = raw.get(part)
        refs.append(((part, key), value.get(key) if isinstance(value, dict) else None))
    problems = []
    for path, event in refs:
        if isinstance(event, str) and event not in events:
            problems.append(Problem(f"unknown event {event!r} for {kind} records", hint=_suggest(event, events),
                                    field=".".join(map(str, base + path)), **located.where(base + path)))
    when = raw.get("when")
    for name in when if isinstance(when, dict) else ():
        if name not in attributes:
            problems.append(Problem(f"unknown attribute {name!r} for {kind} records", hint=_suggest(name, attributes),
                                    field=".".join(map(str, base + ("when", name))),
                                    **located.where(base + ("when", name))))
    return problems


def unbuilt_problems(raw: dict[str, Any], located: Located, base: tuple[Any, ...], vocab: Vocabulary,
                     known: Iterable[Problem] = ()) -> list[Problem]:
    """Every field of a rule that cannot be built (each period and date) and every unknown event or attribute it
    names, once a first problem has stopped it being built: one run of `rules validate` reports them all, rather
    than the next only after the first is fixed. Problems already in ``known`` are not repeated."""
    checks: list[Any] = [lambda: read_period(raw["period"])]
    ext = raw.get("extension")
    for key in ("period", "adds"):
        if isinstance(ext, dict) and key in ext:
            checks.append(lambda key=key: read_period(ext[key], ("extension", key)))
    rec = raw.get("recurrence")
    steps = rec.get("then") if isinstance(rec, dict) else None
    for i, step in enumerate(steps if isinstance(steps, list) else []):
        for key in ("period", "while_within"):
            if isinstance(step, dict) and key in step:
                path = ("recurrence", "then", i, key)
                checks.append(lambda step=step, key=key, path=path: read_period(step[key], path))
    checks.append(lambda: read_window(raw.get("in_force"), ("in_force",)))
    caveats = raw.get("caveats")
    for i, caveat in enumerate(caveats if isinstance(caveats, list) else []):
        checks.append(lambda caveat=caveat, i=i: read_window(caveat, ("caveats", i)))
    tests = raw.get("tests")
    for i, test in enumerate(tests if isinstance(tests, list) else []):
        checks.append(lambda test=test, i=i: read_day(test["as_of"], ("tests", i, "as_of")))
    seen = {(p.line, p.column, p.message) for p in known}
    problems = []
    for check in checks:
        try:
            check()
        except FieldError as exc:
            path = base + exc.path
            problem = Problem(exc.message, hint=exc.hint, field=".".join(map(str, path)), **located.where(path))
            if (problem.line, problem.column, problem.message) not in seen:
                problems.append(problem)
        except (KeyError, TypeError, AttributeError, ValueError, InputError):
            pass  # a shape the schema refuses: its problem is reported already
    return problems + raw_problems(raw, located, base, vocab)
