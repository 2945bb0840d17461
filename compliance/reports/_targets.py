"""System targets: how the deadlines a case-management system recorded compare with the law's.

Counted beside the KPIs: how many agree, and the rest by rule, by how far early or late, and by each
usual mistake that would explain them (a holiday the system lacks, the trigger day counted as day 1),
with the first records to look at. One record can fit two explanations (a target a working day early
across the State Funeral fits both a missing holiday and day-1 counting), so each explanation says how
many records it fits and how many it alone explains: the system's rule is the one that fits them all.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from ..engines import Finding

if TYPE_CHECKING:
    from ..engines.batch import BatchFindings

#: How many records each group names; the rest are counted.
EXAMPLES = 5


@dataclass
class TargetGroup:
    """Recorded deadlines of one rule that differ from the law's by the same amount and that one usual mistake
    would explain: ``count`` records fit it, ``only`` of them fit nothing else."""

    rule: str
    working_days: int
    reason: str
    count: int = 0
    only: int = 0
    records: list[str] = field(default_factory=list)

    @property
    def difference(self) -> str:
        n = abs(self.working_days)
        amount = f"{n} working day{'s' if n != 1 else ''}"
        if not self.working_days:  # a different date with no working day between: a weekend day or a holiday
            return "0 working days (on a day off)"
        return f"{amount} early" if self.working_days < 0 else f"{amount} late"

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "working_days": self.working_days, "reason": self.reason, "count": self.count,
                "only": self.only, "records": list(self.records)}


def _keep_example(records: list[str], record: str) -> None:
    """Keep in ``records`` (sorted) the EXAMPLES first ids in order, each once (a review's targets: one record): the
    same examples whatever order the records came in (a database sends them by key, a file in its own order)."""
    if record in records or (len(records) >= EXAMPLES and record > records[-1]):
        return
    bisect.insort(records, record)
    del records[EXAMPLES:]


class TargetTally:
    """Recorded deadlines counted as findings come, by the same two routes as the KPI ``Tally``."""

    dimensions: tuple[str, ...] = ()  # reads no column beyond the rules'

    def __init__(self) -> None:
        self.compared = 0
        self.agree = 0
        self.differ = 0
        self.groups: dict[tuple[str, int, str], TargetGroup] = {}
        # Each distinct set of explanations some record fits, and how many records: which to show rests on it.
        self.cases: Counter[tuple[str, int, tuple[str, ...]]] = Counter()

    def _add(self, rule: str, working_days: int, reason: str, record: str, same_day: bool) -> None:
        self.compared += 1
        if same_day:
            self.agree += 1
            return
        self.differ += 1
        candidates = tuple(reason.split(" or ")) if reason else ("no reason given",)
        self.cases[(rule, working_days, candidates)] += 1
        for candidate in candidates:
            group = self.groups.setdefault((rule, working_days, candidate), TargetGroup(rule, working_days, candidate))
            group.count += 1
            group.only += len(candidates) == 1
            _keep_example(group.records, record)

    def add_findings(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            if f.recorded_deadline is not None and f.recorded_deadline_working_days is not None:
                self._add(f.rule, f.recorded_deadline_working_days, f.recorded_deadline_reason or "", f.record,
                          f.recorded_deadline == f.deadline)

    def add_batch(self, result: BatchFindings) -> None:
        import numpy as np

        from ..calendars.arrays import NONE

        day = result.columns["recorded_day"]
        rows = np.flatnonzero(day != NONE)
        if not rows.size:
            return
        ids = result.batch.ids
        deadline = result.columns["deadline_day"]
        for i in rows.tolist():
            code = int(result.columns["recorded_reason"][i])
            self._add(result.rules[int(result.columns["rule"][i])].id, int(result.columns["recorded_working_days"][i]),
                      result.reasons[code] if code >= 0 else "", str(ids[int(result.columns["record"][i])]),
                      bool(day[i] == deadline[i]))

    def merge(self, other: "TargetTally") -> None:
        """Add a tally of other records (another chunk of the same run), as if they had been added here."""
        self.compared += other.compared
        self.agree += other.agree
        self.differ += other.differ
        self.cases.update(other.cases)
        for key, theirs in other.groups.items():
            mine = self.groups.setdefault(key, TargetGroup(theirs.rule, theirs.working_days, theirs.reason))
            mine.count += theirs.count
            mine.only += theirs.only
            for record in theirs.records:
                _keep_example(mine.records, record)

    def ordered(self) -> list[TargetGroup]:
        """The groups, by rule, then most records first."""
        return sorted(self.groups.values(), key=lambda g: (g.rule, -g.count, -g.only, g.working_days, g.reason))

    def to_dict(self) -> dict[str, Any]:
        return {"compared": self.compared, "agree": self.agree, "differ": self.differ,
                "groups": [g.to_dict() for g in self.ordered()]}

    def shown(self) -> list[TargetGroup]:
        """The explanations worth a line, enough to account for every record that differs: those some record
        needs (it fits nothing else); then, for records none of those fits, the explanations among theirs that
        fit the most records. The rest fit only records already accounted for."""
        chosen = {key for key, g in self.groups.items() if g.only}
        for (rule, working_days, candidates), _ in self.cases.most_common():
            keys = [(rule, working_days, c) for c in candidates]
            if not chosen.intersection(keys):
                most = max(self.groups[k].count for k in keys)
                chosen.update(k for k in keys if self.groups[k].count == most)
        return [g for g in self.ordered() if (g.rule, g.working_days, g.reason) in chosen]

    def text(self) -> str:
        """The section under the KPI table; empty when no record carried a target."""
        if not self.compared:
            return ""
        head = (f"System targets: {self.compared} recorded deadline(s) compared with the law's; {self.agree} agree, "
                f"{self.differ} differ. Each explanation: the target dates it fits (a review's each count), and how many only it explains.")
        lines = ["", head]
        shown = self.shown()
        if shown:
            rows = [("RULE", "DIFFERENCE", "FITS", "ONLY", "EXPLANATION", "FOR EXAMPLE")]
            rows += [(g.rule, g.difference, str(g.count), str(g.only), g.reason, ", ".join(g.records)) for g in shown]
            widths = [max(len(r[j]) for r in rows) for j in range(5)]
            lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[5] for r in rows]
        if hidden := len(self.groups) - len(shown):
            lines.append(f"{hidden} other explanation(s) fit only target dates that those above explain too (a holiday "
                         "the system may lack); --format json lists them all.")
        return "\n".join(lines) + "\n"
