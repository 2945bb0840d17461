"""Rule packs made from the bundled ones with other periods, calendars and bounds, for the differential tests of
the two engines: a council's own targets count in ways the bundled rules do not ("3 months beginning with", rolled
off a weekend, in Scotland's calendar), and each way is written twice, once a record and once a column."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import yaml

from compliance import resources
from compliance.yamlio import load_yaml

CALENDARS = ("england-and-wales", "scotland", "northern-ireland", "united-kingdom")
AMOUNTS = {"days": (1, 40), "working_days": (1, 70), "weeks": (1, 30), "months": (1, 14)}


def _period(rnd: random.Random, hours: bool) -> dict[str, Any]:
    unit = rnd.choice([*AMOUNTS, *(("hours",) if hours else ())])
    if unit == "hours":
        return {"amount": rnd.choice((1, 24, 36, 72, 100)), "unit": "hours"}  # ends at a time: never rolled
    return {"amount": rnd.randint(*AMOUNTS[unit]), "unit": unit,
            "counting": rnd.choice(("excluding", "including")), "roll": rnd.random() < 0.4}


def _mutated(rule: dict[str, Any], rnd: random.Random) -> dict[str, Any]:
    rule.pop("tests", None)  # worked for the rule as written
    recurrence, extension = rule.get("recurrence"), rule.get("extension")
    if rnd.random() < 0.8:
        rule["period"] = _period(rnd, hours=not recurrence and not extension)
    if rnd.random() < 0.3:
        rule["calendar"] = rnd.choice(CALENDARS)
    if rnd.random() < 0.3 and "trigger_bounds" not in rule:
        rule["trigger_bounds"] = {"no_later_than": rule["completion"]}
    if rnd.random() < 0.2:
        rule["trigger_optional"] = not rule.get("trigger_optional", False)
    for step in (recurrence or {}).get("steps", []):
        if rnd.random() < 0.7:
            step["period"] = _period(rnd, hours=False)
        if step is not recurrence["steps"][-1] and rnd.random() < 0.3:
            step.pop("times", None)
            step.pop("while_within", None)
            if rnd.random() < 0.5:
                step["times"] = rnd.randint(1, 4)
            else:
                step["while_within"] = _period(rnd, hours=False)
    for key in ("period", "adds"):
        if extension and key in extension and rnd.random() < 0.7:
            extension[key] = _period(rnd, hours=False)
    return rule


def mutated_rules(folder: Path, seed: int) -> Path:
    """A copy of the bundled rules in ``folder`` whose rules count otherwise, chosen by ``seed``."""
    rnd = random.Random(seed)
    shutil.copytree(resources.rules_dir(), folder)
    for path in sorted(folder.glob("*.yaml")):
        pack = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
        if "rules" in pack:
            pack["rules"] = [_mutated(rule, rnd) for rule in pack["rules"]]
            path.write_text(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder
