"""A new user's morning, through the command line: the README's first command, then `template`'s workbook filled
in as a person fills it (date cells, dates typed as text the three ways, `unknown`), checked, and reported on two
nights. Every date below is worked out by hand on the England and Wales calendar."""

from __future__ import annotations

import json
from datetime import date

import openpyxl

#: Rows as a person types them: the workbook keeps typed text as text, dates picked as date cells.
ROWS = [
    # Haringey's real inspection: Ofsted published on Fri 14 Dec 2018; the day the council received it is unknown.
    {"id": "haringey-2018-ilacs", "kind": "inspection", "authority": "Haringey", "framework": "ILACS",
     "lscb_review": "no", "inspection_start": date(2018, 10, 22), "inspection_end": date(2018, 11, 9),
     "ofsted_published": "14 December 2018", "report_received": "unknown"},
    {"id": "ourtown-2026-ilacs", "kind": "inspection", "authority": "Ourtown", "framework": "ILACS",
     "lscb_review": "no", "inspection_end": date(2026, 10, 23), "report_received": "Fri 20 Nov 2026"},
    {"id": "ourtown-2026-fv", "kind": "inspection", "authority": "Ourtown", "framework": "ILACS-focused-visit",
     "lscb_review": "no", "priority_actions": "yes", "inspection_end": date(2026, 9, 2),
     "report_received": date(2026, 10, 5), "ofsted_published": date(2026, 10, 7), "draft_action_plan_sent": "06/11/2026"},
]


def _fill(path):
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    column = {c.value: c.column for c in sheet[1]}
    for i, row in enumerate(ROWS, start=2):
        for name, value in row.items():
            sheet.cell(row=i, column=column[name], value=value)
    book.save(path)


def test_from_the_readme_to_the_nightly_page(run_cli, tmp_path):
    code, out, _ = run_cli("plan", "inspection", "report_received=2024-12-03", "framework=ILACS",
                           "--as-of", "2024-12-10")
    assert code == 0 and "Fri 17 Jan 2025  la-publish-report" in out

    tracker = tmp_path / "tracker.xlsx"
    code, _, err = run_cli("template", "inspection", "--output", str(tracker))
    assert code == 0 and f"then run `compliance check {tracker}`" in err
    code, out, _ = run_cli("check", str(tracker), "--as-of", "2026-12-01")
    assert code == 0 and "no records in" in out  # checked before it is filled: said so
    _fill(tracker)

    code, out, err = run_cli("check", str(tracker), "--as-of", "1 December 2026", "--format", "json")
    assert (code, err) == (1, "")
    found = {(f["record"], f["rule"]): f for f in json.loads(out)["findings"] if f["status"] != "not_applicable"}
    # Received by Fri 14 Dec 2018 at the latest: 30 working days (25, 26 Dec and 1 Jan skipped) end by Wed 30 Jan
    # 2019, so with nothing published the report is overdue whatever the day of receipt.
    haringey = found[("haringey-2018-ilacs", "la-publish-report")]
    assert (haringey["status"], haringey["deadline"], haringey["on_bound"]) == ("overdue", "2019-01-30", "latest")
    # Received Fri 20 Nov 2026: 30 working days, skipping Christmas (Fri 25 Dec), Boxing Day's substitute (Mon 28
    # Dec, the 26th being a Saturday) and New Year's Day (Fri 1 Jan), end on Wed 6 Jan 2027.
    assert found[("ourtown-2026-ilacs", "la-publish-report")]["deadline"] == "2027-01-06"
    # The focused visit's draft plan: 20 working days from Mon 5 Oct 2026 end on Mon 2 Nov; sent Fri 6 Nov, 4 late.
    draft = found[("ourtown-2026-fv", "fv-priority-draft-plan")]
    assert (draft["status"], draft["deadline"], draft["working_days_late"]) == ("late", "2026-11-02", 4)

    reports = tmp_path / "reports"
    for night in ("15/12/2026", "22 December 2026"):
        # --future: written in December 2026, these nights were days to come (a report refuses them without it).
        code, _, err = run_cli("report", str(tracker), "--as-of", night, "--out", str(reports), "--quiet",
                               "--future")
        assert code == 1, err
    page = (reports / "latest.html").read_text(encoding="utf-8")
    # Ten working days after Tue 22 Dec 2026, passing 25 and 28 Dec and 1 Jan, is Fri 8 Jan 2027: Ourtown's report,
    # due Wed 6 Jan, is the one duty due this week, listed before the four overdue: three at Haringey, and the focused
    # visit's letter (received Mon 5 Oct 2026, 30 working days to Mon 16 Nov, never published).
    assert ("This week: 1 duty falls due by Friday 8 January 2027 (within 10 working days), and 4 are overdue; "
            "both are listed below.") in page
    due = page[page.index('id="due-soon"'):page.index('id="overdue"')]
    overdue = page[page.index('id="overdue"'):page.index('id="changes"')]
    assert "ourtown-2026-ilacs" in due and "haringey" not in due
    assert overdue.count("haringey-2018-ilacs") == 3 and "ourtown-2026-fv" in overdue
