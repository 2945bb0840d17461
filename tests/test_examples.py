"""The sample files in examples/: what they hold is true, and the tracker is the template filled in.

examples/tracker.xlsx is `compliance template inspection` filled with TRACKER_ROWS. When the template
changes, rebuild it with `python tests/test_examples.py`; the first test below fails until then.
"""

from __future__ import annotations

import json
import sys
from copy import copy
from datetime import date
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest import ROOT  # noqa: E402
from reference import ReferenceCalendar  # noqa: E402

EXAMPLES = ROOT / "examples"
TRACKER = EXAMPLES / "tracker.xlsx"

#: Invented inspections in the shapes council papers describe, dates placed to show each outcome.
TRACKER_ROWS = [
    {"id": "northby-2024-ilacs", "kind": "inspection", "authority": "Northby", "framework": "ILACS",
     "lscb_review": "no", "inspection_start": date(2024, 10, 14), "inspection_end": date(2024, 10, 25),
     "report_received": date(2024, 12, 3), "ofsted_published": date(2024, 12, 9),
     "report_published": date(2025, 1, 17), "statement_published": date(2025, 3, 14),
     "action_plan_sent": date(2025, 3, 17)},
    {"id": "southby-2025-fv", "kind": "inspection", "authority": "Southby", "framework": "ILACS-focused-visit",
     "lscb_review": "no", "priority_actions": "yes", "inspection_start": date(2025, 4, 28),
     "inspection_end": date(2025, 4, 29), "report_received": date(2025, 6, 2), "ofsted_published": date(2025, 6, 4),
     "draft_action_plan_sent": date(2025, 6, 30), "action_plan_sent": date(2025, 9, 9)},
    {"id": "westby-2023-jtai", "kind": "inspection", "authority": "Westby", "framework": "JTAI",
     "lscb_review": "no", "statement_required": "yes", "inspection_start": date(2023, 1, 16),
     "inspection_end": date(2023, 1, 20), "report_received": date(2023, 3, 6), "ofsted_published": date(2023, 3, 9),
     "statement_published": date(2023, 6, 16)},
    {"id": "eastby-2026-ilacs", "kind": "inspection", "authority": "Eastby", "framework": "ILACS",
     "lscb_review": "no", "inspection_start": date(2026, 8, 24), "inspection_end": date(2026, 9, 4),
     "report_received": date(2026, 10, 1), "ofsted_published": date(2026, 10, 6),
     "report_published": date(2026, 11, 16)},
    {"id": "midby-2026-ilacs", "kind": "inspection", "authority": "Midby", "framework": "ILACS",
     "lscb_review": "no", "inspection_start": date(2026, 10, 12), "inspection_end": date(2026, 10, 23)},
]


def build_tracker(path: Path) -> None:
    """The template for inspections, filled in as a person would: date cells, the drop-down values."""
    from compliance.records.template import template_columns, template_xlsx
    from compliance.rules import load_rules

    rules = load_rules()
    description = str(rules.vocabulary.kinds["inspection"].get("description") or "")
    path.write_bytes(template_xlsx(template_columns(rules, "inspection"), "inspection", description))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = {c.value: c.column for c in sheet[1]}
    for i, row in enumerate(TRACKER_ROWS, start=2):
        for name, value in row.items():
            cell = sheet.cell(row=i, column=column[name], value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
                cell.alignment = copy(sheet.column_dimensions[cell.column_letter].alignment)
    book.save(path)


def _values(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_shipped_tracker_is_the_template_filled_in(tmp_path):
    fresh = tmp_path / "tracker.xlsx"
    build_tracker(fresh)
    assert _values(TRACKER) == _values(fresh), "rebuild it: python tests/test_examples.py"


def test_the_shipped_tracker_checks_as_worked_by_hand(run_cli):
    code, out, err = run_cli("check", str(TRACKER), "--as-of", "2026-11-20", "--format", "json")
    assert code == 1 and err == ""
    found = {(f["record"], f["rule"]): (f["status"], f.get("deadline"), f.get("working_days_late"))
             for f in json.loads(out)["findings"]}
    expected = {
        # Received Tue 3 Dec 2024: 30 working days end Fri 17 Jan 2025 (25, 26 Dec and 1 Jan skipped); 70 end
        # Fri 14 Mar 2025. The action plan went on Mon 17 Mar: 1 working day late.
        ("northby-2024-ilacs", "la-publish-report"): ("met", "2025-01-17", None),
        ("northby-2024-ilacs", "la-publish-statement"): ("met", "2025-03-14", None),
        ("northby-2024-ilacs", "la-send-action-plan"): ("late", "2025-03-14", 1),
        # Received Mon 2 Jun 2025: 20 working days end Mon 30 Jun; 70 end Tue 9 Sep (25 Aug skipped).
        ("southby-2025-fv", "fv-priority-draft-plan"): ("met", "2025-06-30", None),
        ("southby-2025-fv", "fv-priority-action-plan"): ("met", "2025-09-09", None),
        # Received Mon 6 Mar 2023: 70 working days skip Good Friday, Easter Monday, 1 and 8 May (the
        # Coronation) and 29 May, and end Mon 19 Jun 2023.
        ("westby-2023-jtai", "jar-written-statement"): ("met", "2023-06-19", None),
        # Received Thu 1 Oct 2026: 30 working days end Thu 12 Nov 2026; published Mon 16 Nov, 2 working days
        # late. 70 end Tue 12 Jan 2027 (25 and 28 Dec and 1 Jan skipped): still due on 20 Nov 2026.
        ("eastby-2026-ilacs", "la-publish-report"): ("late", "2026-11-12", 2),
        ("eastby-2026-ilacs", "la-publish-statement"): ("due", "2027-01-12", None),
        ("eastby-2026-ilacs", "la-send-action-plan"): ("due", "2027-01-12", None),
        # Inspected (ended Fri 23 Oct 2026), the report not yet received: the deadline can be no earlier than
        # 30 working days after the inspection ended, Fri 4 Dec 2026, still to come: due, on that bound.
        ("midby-2026-ilacs", "la-publish-report"): ("due", "2026-12-04", None),
    }
    assert {k: found[k] for k in expected} == expected


def test_the_census_example_reads_without_a_problem_and_its_targets_are_right():
    import xml.etree.ElementTree as ET

    from compliance.records import load_mapped, load_mapping

    from compliance import evaluate, load_rules

    records, problems = load_mapped([EXAMPLES / "census.xml"], load_mapping("cin-census"))
    assert problems == [] and len(records) > 50
    reference = ReferenceCalendar()
    enquiries = ET.parse(EXAMPLES / "census.xml").getroot().findall("Children/Child/CINdetails/Section47")
    assert enquiries
    # Each InitialCPCtarget is the 15th working day after the strategy discussion, except three that a system
    # counting differently set, to show `check` and `kpi` finding them: Tue 2 Jan 2024 counted as day 1 gives
    # Mon 22 Jan (the law: Tue 23 Jan); Fri 27 Dec 2024 as day 1 gives Fri 17 Jan 2025 (Mon 20 Jan); Tue 30 Aug
    # 2022 without the State Funeral (Mon 19 Sep) gives Tue 20 Sep (Wed 21 Sep).
    wrong = {date(2024, 1, 2): date(2024, 1, 22), date(2024, 12, 27): date(2025, 1, 17),
             date(2022, 8, 30): date(2022, 9, 20)}
    for s47 in enquiries:
        start = date.fromisoformat(s47.findtext("S47ActualStartDate"))
        expected = wrong.get(start, reference.add_working_days(start, 15))
        assert date.fromisoformat(s47.findtext("InitialCPCtarget")) == expected
    targets = {f.record: f for f in evaluate(records, load_rules(), date(2025, 3, 31)) if f.recorded_deadline}
    early = sorted((f.record, f.recorded_deadline_working_days) for f in targets.values()
                   if f.recorded_deadline_working_days)
    assert early == [("C0000005-S47-2024-01-02", -1), ("C0000010-S47-2024-12-27", -1), ("C0000060-S47-2022-08-30", -1)]


def test_the_bank_holidays_example_is_in_govuk_format_with_the_2025_holidays():
    doc = json.loads((EXAMPLES / "bank-holidays.json").read_text(encoding="utf-8"))
    assert set(doc) == {"england-and-wales", "scotland", "northern-ireland"}
    events = doc["england-and-wales"]["events"]
    assert all(set(e) == {"title", "date", "notes", "bunting"} for e in events)
    # GOV.UK's 2025 list for England and Wales (legal-timelines.md §6.2 agrees).
    assert [e["date"] for e in events if e["date"].startswith("2025")] == [
        "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25",
        "2025-12-26"]


def test_the_inspection_examples_and_the_event_file_agree():
    """A record in both files has the same events on the same dates, and the same attributes, in each."""
    import csv

    from compliance.records import load_records

    yaml_records = {r.id: r for r in load_records([EXAMPLES / "inspections.yaml"])}
    events: dict[str, dict[str, tuple[date, ...]]] = {}
    attributes: dict[str, dict[str, str]] = {}
    with (EXAMPLES / "inspection-events.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            events.setdefault(row["record"], {})[row["event"]] = (date.fromisoformat(row["date"]),)
            if row["kind"]:
                attributes[row["record"]] = {k: row[k] for k in ("authority", "framework")}
    shared = set(events) & set(yaml_records)
    assert shared == {"example-heath-2026-ilacs", "example-vale-2026-ilacs"}
    for rid in shared:
        assert dict(yaml_records[rid].events) == events[rid], rid
        assert {k: yaml_records[rid].attributes[k] for k in ("authority", "framework")} == attributes[rid], rid


if __name__ == "__main__":
    build_tracker(TRACKER)
    print(f"wrote {TRACKER}")
