"""Loading rule packs: files or folders of YAML, parsed with positions, validated, built into a RuleSet."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from ..errors import InputError, Problem, shown
from ..resources import rules_dir
from ..yamlio import Located, load_yaml_cached, yaml_text
from ._build import FieldError, build_rule
from ._model import Rule, RuleSet
from ._validate import passed_before, remember_passed, schema_problems, semantic_problems, unbuilt_problems
from ._vocabulary import VOCABULARY_FILE, normalise_kinds, load_vocabulary

def read_pack(path: Path) -> tuple[Located, list[Problem]]:
    """Parse one rule pack and check it against the schema."""
    text = yaml_text(path, "rule file")
    located = load_yaml_cached(text, str(path), strict=False)
    if passed_before(text):
        return located, located.problems + _key_problems(located)
    schema = schema_problems(located)
    if not schema:
        remember_passed(text)
    return located, located.problems + _key_problems(located) + schema


def _key_problems(located: Located) -> list[Problem]:
    """Every key in a rule pack is a name; YAML reads ``0:``, ``2024-01-01:`` or ``true:`` as something else."""
    return [Problem(f"{shown(path[-1])} is not a name, so it cannot be a key", field=".".join(map(str, path)),
                    file=located.file, line=line, column=column, hint="write the name of a field or attribute")
            for path, (line, column) in located.key_positions.items() if not isinstance(path[-1], str)]


def pack_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """Rule pack files named by ``paths`` (files or directories), or the bundled packs."""
    if not paths:
        paths = [rules_dir()]
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [f for f in sorted(p.glob("*.yaml")) if f.name != VOCABULARY_FILE]
            if not found:
                # A folder of no rules would check nothing and report nothing late: a false all-clear.
                others = sorted(f.name for f in p.glob("*.yml"))
                raise InputError(Problem("a folder with no rule packs (.yaml files) in it", file=str(p),
                                         hint=f"rename {', '.join(others)} to .yaml" if others
                                         else "give the folder that holds the .yaml rule packs, or a pack itself"))
            files.extend(found)
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
                vocab.merge(normalise_kinds((located.value.get("vocabulary") or {}).get("kinds", {})))
            bad = {tuple(p.field.split(".")[:2]) for p in found if p.field and p.field.startswith("rules.")}
            bad |= {_rule_at(located, p.line) for p in found if p.line is not None}
            packs.append((path, located, bad))
    for path, located, bad in packs:
        for i, raw in enumerate(located.value["rules"]):
            base = ("rules", i)
            if ("rules", str(i)) in bad or base in bad or not isinstance(raw, dict):
                if isinstance(raw, dict):  # the rest of the rule's problems, in the same run
                    problems.extend(unbuilt_problems(raw, located, base, vocab, problems))
                continue  # the schema's problems are reported; building it would only repeat them
            try:
                rule = build_rule(raw, str(path), located.positions.get(base, (None,))[0])
                rule = replace(rule, tests=tuple(replace(t, line=located.positions.get(base + ("tests", j), (None,))[0])
                                                 for j, t in enumerate(rule.tests)))
            except FieldError as exc:
                path = base + exc.path
                problems.append(Problem(exc.message, hint=exc.hint, field=".".join(map(str, path)),
                                        **located.where(path)))
                problems.extend(unbuilt_problems(raw, located, base, vocab, problems))
                continue
            loaded.append((rule, located, base))
    problems.extend(Problem(text, field="vocabulary", hint="see `implies` in docs/rule-language.md")
                    for text in vocab.implication_problems())
    problems.extend(semantic_problems(loaded, vocab))
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


@lru_cache(maxsize=1)
def bundled_names() -> frozenset[str]:
    """Every rule id and duty name of the bundled packs: a name that is none of these, nor a rule's in use, is a
    slip (la-publish-reprot), where one of them is a rule's left out of the rules in use."""
    rules = load_rules()
    return frozenset({r.id for r in rules} | {r.duty for r in rules})
