"""The Markdown report: the same numbers and sections as the HTML, as text a wiki or Teams shows."""

from __future__ import annotations

from datetime import date, datetime, timezone

from compliance.engines import evaluate
from compliance.nightly._markdown import to_markdown_report
from compliance.records import load_records
from compliance.nightly._model import RememberedFinding, Snapshot, build_report, finding_key
from compliance.rules import load_rules

from conftest import FIXTURES

COUNCIL = FIXTURES / "report" / "council.yaml"


def test_sections_numbers_and_tables():
    rules = load_rules()
    records = load_records([COUNCIL], rules.vocabulary)
    before = evaluate(records, rules, date(2026, 11, 20))
    previous = Snapshot(1, date(2026, 11, 20), {finding_key(f): RememberedFinding(f.status, f.title, f.deadline)
                                                for f in before if f.status != "not_applicable"})
    model = build_report(evaluate(records, rules, date(2026, 11, 27)), date(2026, 11, 27),
                         datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc), previous=previous)
    md = to_markdown_report(model)
    assert md.startswith("# Statutory deadlines report: compliance as of 2026-11-27\n")
    assert "- **1** overdue\n" in md
    assert "- **3** due within 10 working days (by 2026-12-11)\n" in md
    assert "- **1** late completions from 2026-11-21 to 2026-11-27 (since the previous run, as of 2026-11-20)" in md
    assert "### Completed late (1)\n\n- `gamma`: Publish the inspection report, deadline 2026-11-12 (was overdue, now late)" in md
    assert "| Overdue | `alpha` | Publish the inspection report | 2026-11-12 | 11 working days (15 days) overdue |" in md
    lines = md.splitlines()
    findings_header = lines.index("| Status | Record | Duty | Trigger | Deadline | Done | Margin | Source |")
    rows = [line for line in lines[findings_header + 2:] if line.startswith("| ")]
    assert len(rows) == 21  # 7 records x 3 duties that apply
    assert all(row.count("|") - row.count("\\|") == 9 for row in rows)
