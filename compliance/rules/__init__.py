"""Duties as data: rule packs in YAML, validated against a JSON Schema and the vocabulary, built into Rules.

``_model`` is what a rule is; ``_vocabulary`` the record kinds with their attributes and events;
``_build`` turns one YAML mapping into a Rule; ``_validate`` finds every problem in a pack (schema,
unknown names, overlapping versions) with file, line and column; ``_load`` reads packs into a RuleSet.
"""

from ._load import bundled_names, check_rules, load_rules, pack_files, read_pack
from ._model import (AFTER_DEADLINE, RULE_KINDS, VERIFICATION, Caveat, Extension, HolderEnded, Recurrence, Rule,
                     RuleSet, RuleTest, Source, Step, Window, condition_state)
from ._validate import SCHEMA_FILE, schema
from ._vocabulary import (HAPPENED, HAPPENED_BY_THEN, VOCABULARY_FILE, Implication, Vocabulary, bundled_vocabulary,
                          load_vocabulary)

__all__ = [
    "AFTER_DEADLINE", "HAPPENED", "HAPPENED_BY_THEN", "RULE_KINDS", "SCHEMA_FILE", "VERIFICATION", "VOCABULARY_FILE",
    "Caveat", "Extension", "HolderEnded", "Implication", "Recurrence", "Rule", "RuleSet", "RuleTest", "Source", "Step",
    "Vocabulary", "Window",
    "bundled_names", "bundled_vocabulary", "check_rules", "condition_state", "load_rules", "load_vocabulary", "pack_files", "read_pack",
    "schema",
]
