"""compliance template: a tracker a person fills in, that reads back with `check` unchanged.

The read-back tests fill the template with openpyxl as a user would (real date cells, the drop-down
values, a date typed as text), then check it; the expected deadlines are worked by hand in each test.
"""

from __future__ import annotations

import json
from datetime import date

import openpyxl
import pytest

from compliance.errors import InputError
from compliance.records import read_records
from compliance.records.template import template_columns
from compliance.rules import load_rules

INSPECTION_COLUMNS = [
    "id", "kind", "authority", "framework", "lscb_review", "priority_actions", "statement_required",
    "inspection_start", "inspection_end", "report_received", "ofsted_published", "report_published",
    "statement_published", "draft_action_plan_sent", "action_plan_sent", "lscb_report_received",
    "lscb_report_published",
]


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def test_the_columns_are_those_of_the_vocabulary_and_the_rules(rules):
    columns = template_columns(rules, "inspection")
    assert [c.name for c in columns] == INSPECTION_COLUMNS
    forms = {c.name: c.form for c in columns}
    assert forms["framework"] == "choice" and forms["lscb_review"] == "yes/no" and forms["report_received"] == "date"
    framework = next(c for c in columns if c.name == "framework")
    assert framework.values == ("SIF", "ILACS", "ILACS-focused-visit", "JTAI", "SEND-area", "JAR")
    assert "la-publish-report" in next(c for c in columns if c.name == "report_received").rules
    missing = {c.name: c.form for c in template_columns(rules, "missing-episode")}
    assert missing["returned_from_missing"] == "date-time"  # the 72-hour clock needs the time
    cp = {c.name: c.form for c in template_columns(rules, "child-protection")}
    assert cp["rcpc"] == "dates"  # a repeating event: several dates in one cell


def test_an_unknown_kind_suggests_the_right_one(rules):
    with pytest.raises(InputError) as exc:
        template_columns(rules, "inspections")
    assert "did you mean 'inspection'?" in str(exc.value)


def test_the_workbook_has_formats_lists_a_frozen_header_and_a_sheet_explaining_each_column(run_cli, tmp_path):
    path = tmp_path / "tracker.xlsx"
    code, out, err = run_cli("template", "inspection", "--output", str(path))
    assert code == 0 and out == "" and "17 columns" in err
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == INSPECTION_COLUMNS
    assert sheet.max_row == 1  # nothing to clear before use
    assert sheet.freeze_panes == "B2"
    letter = {c.value: c.column_letter for c in sheet[1]}
    assert sheet.column_dimensions[letter["report_received"]].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions[letter["report_received"]].width >= 13
    checks = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    framework = checks[f"{letter['framework']}2"]
    assert framework.type == "list"
    lists = book["Lists"]
    assert lists.sheet_state == "hidden"
    ref = framework.formula1.split("!")[1].replace("$", "")
    assert [c.value for row in lists[ref] for c in row] == ["SIF", "ILACS", "ILACS-focused-visit", "JTAI",
                                                            "SEND-area", "JAR"]
    lscb = checks[f"{letter['lscb_review']}2"]
    assert [c.value for row in lists[lscb.formula1.split("!")[1].replace("$", "")] for c in row] == ["yes", "no"]
    received = checks[f"{letter['report_received']}2"]
    # Between 1 Jan 1971 (Excel day 25934) and 31 Dec 2100 (day 73415, the bound is the day after), or the word
    # unknown, which the README tells a person to type and a date validation would refuse.
    j = letter["report_received"]
    assert (received.type, received.formula1) == (
        "custom", f'OR(AND(ISNUMBER({j}2),{j}2>=25934,{j}2<73416),LOWER(TRIM({j}2))="unknown")')
    assert "or unknown" in received.error
    about = book["About the columns"]
    text = {row[0]: row for row in about.iter_rows(values_only=True) if row[0]}
    assert text["report_received"][1] == ("The council receives the final report (this starts the statutory "
                                          "clocks)")
    assert text["framework"][3] == "SIF, ILACS, ILACS-focused-visit, JTAI, SEND-area, JAR"
    assert "DD/MM/YYYY" in text["report_received"][2]
    assert all(name in text for name in INSPECTION_COLUMNS)


def _fill(path, rows):
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = {c.value: c.column for c in sheet[1]}
    for i, row in enumerate(rows, start=2):
        for name, value in row.items():
            cell = sheet.cell(row=i, column=column[name], value=value)
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
    book.save(path)


def test_a_filled_in_tracker_reads_back_and_is_checked(run_cli, tmp_path):
    path = tmp_path / "tracker.xlsx"
    run_cli("template", "inspection", "--output", str(path))
    _fill(path, [
        {"id": "northby-2024-ilacs", "kind": "inspection", "authority": "Northby", "framework": "ILACS",
         "lscb_review": "no", "report_received": date(2024, 12, 3), "ofsted_published": date(2024, 12, 6),
         "report_published": date(2025, 1, 17), "action_plan_sent": date(2025, 3, 17)},
        {"id": "southby-2025-fv", "kind": "inspection", "authority": "Southby", "framework": "ILACS-focused-visit",
         "priority_actions": "yes", "report_received": "02/06/2025", "draft_action_plan_sent": date(2025, 6, 30)},
    ])
    records, problems = read_records([path])
    assert not problems and [r.id for r in records] == ["northby-2024-ilacs", "southby-2025-fv"]
    assert records[1].events["report_received"] == (date(2025, 6, 2),)  # typed as text, read day first
    code, out, err = run_cli("check", str(path), "--as-of", "2025-07-01", "--format", "json")
    assert code == 1 and err == ""
    found = {(f["record"], f["rule"]): f for f in json.loads(out)["findings"] if f["status"] != "not_applicable"}
    expected = {
        # 30 working days after Tue 3 Dec 2024 end Fri 17 Jan 2025 (25, 26 Dec and 1 Jan skipped): on the day.
        ("northby-2024-ilacs", "la-publish-report"): ("met", "2025-01-17", None),
        # 70 working days end Fri 14 Mar 2025; sent Mon 17 Mar: 1 working day (3 days) late.
        ("northby-2024-ilacs", "la-send-action-plan"): ("late", "2025-03-14", 1),
        # Not published by Tue 1 Jul 2025: 17 Mar-1 Jul is 73 working days (Good Friday, Easter Monday and the
        # early May and spring bank holidays skipped), 109 days.
        ("northby-2024-ilacs", "la-publish-statement"): ("overdue", "2025-03-14", 73),
        # 20 working days after Mon 2 Jun 2025 end Mon 30 Jun: the draft was shared on the day.
        ("southby-2025-fv", "fv-priority-draft-plan"): ("met", "2025-06-30", None),
        # 70 working days end Tue 9 Sep 2025 (the summer bank holiday, 25 Aug, skipped): still due.
        ("southby-2025-fv", "fv-priority-action-plan"): ("due", "2025-09-09", None),
        # The focused-visit letter is published within 30 working days (arguably, and the finding says so):
        # 20 by Mon 30 Jun as above, then 1-4, 7-11 July and Mon 14 July the 30th.
        ("southby-2025-fv", "la-publish-report"): ("due", "2025-07-14", None),
    }
    assert {k: (f["status"], f.get("deadline"), f.get("working_days_late")) for k, f in found.items()} == expected
    assert found[("northby-2024-ilacs", "la-publish-statement")]["days_late"] == 109
    assert found[("southby-2025-fv", "fv-priority-action-plan")]["working_days_left"] == 49
    assert any("arguabl" in w.lower() for w in found[("southby-2025-fv", "la-publish-report")]["warnings"])
    # A focused visit never carries an LSCB review: not applicable, never missing data asking for lscb_review.
    _, every, _ = run_cli("check", str(path), "--as-of", "2025-07-01", "--format", "json", "--all")
    lscb = next(f for f in json.loads(every)["findings"] if f["record"] == "southby-2025-fv"
                and f["rule"] == "lscb-publish-report")
    assert lscb["status"] == "not_applicable" and "SIF" in lscb["reason"]


def test_a_repeating_event_takes_several_dates_in_one_cell(run_cli, tmp_path):
    path = tmp_path / "looked-after.xlsx"
    run_cli("template", "looked-after", "--output", str(path))
    # First review within 20 working days of Mon 4 Nov 2024 (Mon 2 Dec): held 28 Nov. The second within 3
    # months of it (28 Feb 2025): held 27 Feb. The third within 6 months (27 Aug 2025): not held by 1 Sep.
    _fill(path, [{"id": "C0001-LA", "kind": "looked-after", "became_looked_after": date(2024, 11, 4),
                  "cla_review": "27/02/2025; 28/11/2024"}])
    code, out, _ = run_cli("check", str(path), "--as-of", "2025-09-01", "--format", "json")
    reviews = [(f["occurrence"], f["status"], f["deadline"]) for f in json.loads(out)["findings"]
               if f["rule"] == "cla-review"]
    assert reviews == [(1, "met", "2024-12-02"), (2, "met", "2025-02-28"), (3, "overdue", "2025-08-27")]
    assert code == 1


def test_the_csv_template_is_the_header_row_alone_and_reads_back(run_cli, tmp_path):
    path = tmp_path / "referrals.csv"
    code, _, _ = run_cli("template", "referral", "--output", str(path))
    assert code == 0
    header = path.read_text(encoding="utf-8")
    assert header.count("\n") == 1 and header.startswith("id,kind,team,authority,child,referral_nfa,referral,")
    assert read_records([path]) == ([], [])
    names = header.strip().split(",")
    row = dict.fromkeys(names, "")
    # A referral on Fri 20 May 2022: 45 working days (2 and 3 June 2022 skipped) end Tue 26 Jul 2022.
    row.update({"id": "R1", "kind": "referral", "referral_nfa": "no", "referral": "20/05/2022",
                "assessment_completed": "26/07/2022"})
    path.write_text(header + ",".join(row[n] for n in names) + "\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2022-12-31", "--format", "json")
    found = {f["rule"]: (f["status"], f["deadline"]) for f in json.loads(out)["findings"]}
    assert found["assessment-45wd"] == ("met", "2022-07-26")


def test_without_output_it_lists_the_columns_and_refuses_other_file_types(run_cli, tmp_path):
    code, out, _ = run_cli("template", "inspection")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == INSPECTION_COLUMNS
    code, out, err = run_cli("template", "inspection", "--output", str(tmp_path / "tracker.ods"))
    assert code == 2 and "name the file .xlsx or .csv" in err and not (tmp_path / "tracker.ods").exists()


def test_a_template_never_replaces_a_file_already_there(tmp_path, run_cli):
    """`template --output tracker.csv` run again after the tracker was filled in must not blank it."""
    filled = tmp_path / "tracker.csv"
    filled.write_text("id,kind,report_received\nr1,inspection,05/12/2018\n", encoding="utf-8")
    code, _, err = run_cli("template", "inspection", "--output", str(filled))
    assert code == 2 and "already exists" in err, err
    assert "r1,inspection" in filled.read_text(encoding="utf-8")
