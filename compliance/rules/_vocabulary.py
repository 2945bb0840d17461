"""The vocabulary: the record kinds, and the attributes and events each kind of record may carry."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..resources import rules_dir
from ..yamlio import load_yaml

VOCABULARY_FILE = "vocabulary.yaml"


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
    doc = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
    return Vocabulary(normalise_kinds(doc.get("kinds", {})))


@lru_cache(maxsize=1)
def bundled_vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once and shared: for checking records, never to be added to."""
    return load_vocabulary()
