"""The vocabulary: the record kinds, and the attributes and events each kind of record may carry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from ..resources import rules_dir
from ..yamlio import load_yaml_cached

VOCABULARY_FILE = "vocabulary.yaml"


#: The value that says an implied event happened (on a date the record does not give).
HAPPENED = "happened"
#: The value that says an implied event happened no later than what implies it: a response sent after the
#: recommendations were received shows they were received by then (and a plan, a conference held by then).
HAPPENED_BY_THEN = "happened by then"


class Implication(NamedTuple):
    """A fact a record implies: when ``source`` (an event recorded, or an attribute with the value ``when``)
    holds, ``target`` (an attribute) has ``value``, or (an event) happened, ``value`` being ``HAPPENED``;
    ``by_then``: on or before the day the source shows it held (an event's date)."""

    source: str
    source_is_event: bool
    when: Any
    target: str
    value: Any
    by_then: bool = False


@dataclass
class Vocabulary:
    """Record kinds with their attributes and events, as listed in ``rules/vocabulary.yaml``.

    An event or attribute may say what it ``implies``: review conferences are held only under a child
    protection plan (``rcpc: {implies: {cp_plan: true}}``); a stage 2 response means stage 2 ran
    (``stage2_response: {implies: {stage2_start: happened}}``); an attribute implies only with a given value
    (``icpc_not_required: {implies: {when: true, then: {cp_plan: false}}}``).
    """

    kinds: dict[str, dict[str, Any]]

    def __post_init__(self) -> None:
        self._implications: dict[str, tuple[Implication, ...]] = {}  # by kind: every record read asks

    def events(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.kinds.get(kind, {}).get("events", {})

    def attributes(self, kind: str) -> dict[str, dict[str, Any]]:
        return self.kinds.get(kind, {}).get("attributes", {})

    def repeats(self, kind: str, event: str) -> bool:
        return bool(self.events(kind).get(event, {}).get("repeats"))

    def all_events(self) -> set[str]:
        return {e for k in self.kinds for e in self.events(k)}

    def implications(self, kind: str) -> tuple[Implication, ...]:
        """What the events and attribute values of a ``kind`` of record imply, in the vocabulary's order."""
        known = self._implications.get(kind)
        if known is None:
            known = self._implications[kind] = self._find_implications(kind)
        return known

    def implying(self, kind: str, names: set[str] | frozenset[str]) -> set[str]:
        """``names`` with every event and attribute that implies one of them, however indirectly: what must be
        read to know them (a council's response after a panel shows the panel met)."""
        found = set(names)
        grown = True
        while grown:
            before = len(found)
            found |= {imp.source for imp in self.implications(kind) if imp.target in found}
            grown = len(found) > before
        return found

    def _find_implications(self, kind: str) -> tuple[Implication, ...]:
        out = []
        for name, spec in self.events(kind).items():
            for target, value in ((spec or {}).get("implies") or {}).items():
                out.append(_implication(name, True, None, target, value))
        for name, spec in self.attributes(kind).items():
            implies = (spec or {}).get("implies")
            if isinstance(implies, dict):
                for target, value in (implies.get("then") or {}).items():
                    out.append(_implication(name, False, implies.get("when"), target, value))
        return tuple(out)

    def implication_problems(self) -> list[str]:
        """What is wrong with the ``implies`` of each kind, as sentences: names, values, defaults."""
        problems = []
        for kind in self.kinds:
            attributes, events = self.attributes(kind), self.events(kind)
            for name, spec in attributes.items():
                implies = (spec or {}).get("implies")
                if implies is not None and (not isinstance(implies, dict) or set(implies) != {"when", "then"}
                                            or not isinstance(implies["then"], dict)):
                    problems.append(f"{kind}: attribute {name}: implies must be {{when: VALUE, then: {{NAME: VALUE}}}}")
            for name, spec in events.items():
                implies = (spec or {}).get("implies")
                if implies is not None and not isinstance(implies, dict):
                    problems.append(f"{kind}: event {name}: implies must map names to values")
            try:
                found = self.implications(kind)
            except AttributeError:
                continue
            for imp in found:
                where = f"{kind}: {'event' if imp.source_is_event else 'attribute'} {imp.source} implies {imp.target}"
                if imp.target in events:
                    if imp.value != HAPPENED:
                        problems.append(f"{where}: an implied event can only be {HAPPENED} or {HAPPENED_BY_THEN}, "
                                        f"not {imp.value!r}")
                elif imp.target in attributes:
                    spec = attributes[imp.target] or {}
                    if spec.get("default") is not None and spec["default"] != imp.value:
                        default = spec["default"]
                        shown = str(default).lower() if isinstance(default, bool) else repr(default)  # as YAML writes it
                        problems.append(f"{where}: {imp.target} has a default ({shown}), so it is never absent for "
                                        "anything to imply: an implication may name only the default, to flag a "
                                        "record that gives another value")
                    allowed = [True, False] if spec.get("type") == "boolean" else spec.get("values")
                    if allowed and imp.value not in allowed:
                        problems.append(f"{where}: {imp.target} cannot be {imp.value!r}")
                else:
                    problems.append(f"{where}: {kind} records have no attribute or event {imp.target}")
        return problems

    def merge(self, other: dict[str, Any]) -> None:
        self._implications.clear()
        for kind, spec in other.items():
            mine = self.kinds.setdefault(kind, {"attributes": {}, "events": {}})
            mine.setdefault("attributes", {}).update(spec.get("attributes") or {})
            mine.setdefault("events", {}).update(spec.get("events") or {})
            if spec.get("description"):
                mine["description"] = spec["description"]


def _implication(source: str, source_is_event: bool, when: Any, target: str, value: Any) -> Implication:
    if value == HAPPENED_BY_THEN:
        return Implication(source, source_is_event, when, target, HAPPENED, by_then=True)
    return Implication(source, source_is_event, when, target, value)


def normalise_kinds(kinds: dict[str, Any]) -> dict[str, Any]:
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
    """The vocabulary in ``path`` (default the bundled one), a fresh copy a rule pack may add to."""
    path = path or rules_dir() / VOCABULARY_FILE
    doc = load_yaml_cached(path.read_text(encoding="utf-8"), str(path)).value
    return Vocabulary(normalise_kinds(doc.get("kinds", {})))


@lru_cache(maxsize=1)
def bundled_vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once and shared: for checking records, never to be added to."""
    return load_vocabulary()
