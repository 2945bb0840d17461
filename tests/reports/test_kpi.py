"""KPI tables: the numbers match a count by hand (tests/fixtures/casework/kpi-cases.yaml explains each)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date

import pytest

from compliance.engines.batch import evaluate_batch
from compliance.records.columns import batch_from_records
from compliance.engines import evaluate
from compliance.reports import Tally, kpi_rows, monthly_kpi_rows, render_kpi
from compliance.reports import kpi_chart_svg
from compliance.records import load_records
from compliance.rules import load_rules

from conftest import FIXTURES

CASES = FIXTURES / "casework" / "kpi-cases.yaml"
AS_OF = date(2022, 12, 31)


@pytest.fixture(scope="module")
def findings():
    return evaluate(load_records([CASES]), load_rules(), AS_OF)


def counts(row):
    return (row.met, row.late, row.overdue, row.due, row.missing_data)


def counted_alone(rows):
    """The rows as findings alone give them: those with a finding counted or flagged, without the records'
    numbers."""
    return [dataclasses.replace(r, not_applicable=None, records=None) for r in rows
            if r.decided + r.due + r.missing_data + r.not_recorded + r.data_warnings]


def per_record_rows(records, findings, rules, by=("rule",), month_of="deadline"):
    """The table the per-record engine's path counts: the records read, then their findings."""
    tally = Tally(by, month_of)
    tally.add_records(records, rules)
    tally.add_findings(findings)
    return tally.rows()


def test_by_rule_matches_the_hand_count(findings):
    rows = {r.rule: r for r in kpi_rows(findings)}
    assert set(rows) == {"icpc-15wd", "rcpc"}
    assert counts(rows["icpc-15wd"]) == (3, 1, 1, 1, 1)
    assert rows["icpc-15wd"].decided == 5 and rows["icpc-15wd"].in_time == pytest.approx(0.6)
    # cp6 does not say whether a plan was made: missing data, not "not applicable". cp4 needed no conference,
    # which implies no plan: not applicable.
    assert counts(rows["rcpc"]) == (2, 1, 1, 1, 1)
    assert rows["rcpc"].in_time == pytest.approx(0.5)


def test_by_team_matches_the_hand_count(findings):
    rows = {(r.rule, r.value("team")): r for r in kpi_rows(findings, ("team",))}
    assert counts(rows["icpc-15wd", "North"]) == (2, 1, 0, 0, 1)
    assert counts(rows["icpc-15wd", "South"]) == (1, 0, 1, 1, 0)
    assert round(100 * rows["icpc-15wd", "North"].in_time, 1) == 66.7


def test_by_month_of_the_deadline_matches_the_hand_count(findings):
    rows = {(r.rule, r.value("month")): counts(r) for r in kpi_rows(findings, ("month",))}
    assert rows == {
        ("icpc-15wd", "2022-01"): (1, 0, 0, 0, 0), ("icpc-15wd", "2022-03"): (1, 0, 0, 0, 0),
        ("icpc-15wd", "2022-05"): (1, 1, 0, 0, 0), ("icpc-15wd", "2022-06"): (0, 0, 1, 0, 1),
        ("icpc-15wd", "2023-01"): (0, 0, 0, 1, 0),
        ("rcpc", "2022-04"): (0, 1, 0, 0, 0), ("rcpc", "2022-06"): (1, 0, 0, 0, 0),
        ("rcpc", "2022-08"): (1, 0, 0, 0, 0), ("rcpc", "2022-10"): (0, 0, 1, 0, 0),
        ("rcpc", "2023-02"): (0, 0, 0, 1, 0), ("rcpc", "(none)"): (0, 0, 0, 0, 1),
    }


@pytest.mark.parametrize("by, month_of", [(("rule",), "deadline"), (("team", "month"), "deadline"),
                                          (("month",), "completed"), (("month",), "trigger")])
def test_vectorised_counts_equal_the_finding_counts(findings, by, month_of):
    records = load_records([CASES])
    tally = Tally(by, month_of)
    tally.add_batch(evaluate_batch(batch_from_records("child-protection", records), load_rules(), AS_OF))
    assert counted_alone(tally.rows()) == kpi_rows(findings, by, month_of)
    assert tally.rows() == per_record_rows(records, findings, load_rules(), by, month_of)


@pytest.mark.parametrize("seed, as_of", [(5, date(2009, 6, 30)), (7, date(2026, 11, 20))])
def test_counting_alone_gives_the_counts_of_every_finding(seed, as_of):
    """kpi evaluates only what it counts (no not-applicable findings but those flagged, no lateness): on records generated from the
    rules (every kind and case they reach), the same table by every dimension as the per-record engine's findings."""
    from compliance.records.columns import batches_from_records
    from compliance.reports import TargetTally

    from generated_records import RecordMaker, seeded_records

    rules = load_rules()
    records = seeded_records(RecordMaker(rules), 1200, seed=seed)
    findings = evaluate(records, rules, as_of, explain=False)
    groupings = [(("rule",), "deadline"), (("team", "authority", "month"), "deadline"), (("month",), "completed"),
                 (("month",), "trigger")]
    tallies = [Tally(by, month_of) for by, month_of in groupings]
    targets, expected_targets = TargetTally(), TargetTally()
    expected_targets.add_findings(findings)
    for batch in batches_from_records(records, chunk=97):
        result = evaluate_batch(batch, rules, as_of, counting=True)
        # (a duty set aside by what the record gives, though its events say otherwise, is counted under CHECK)
        assert all(row["data_quality"] for row in result.rows() if row["status"] == "not_applicable")
        for tally in [*tallies, targets]:
            tally.add_batch(result)
    for tally, (by, month_of) in zip(tallies, groupings):
        assert counted_alone(tally.rows()) == kpi_rows(findings, by, month_of)
        assert tally.rows() == per_record_rows(records, findings, rules, by, month_of)
        assert tally.rows().records_read == dict(sorted(Counter(r.kind for r in records).items()))
    assert targets.to_dict() == expected_targets.to_dict()


def test_counting_alone_compares_the_same_system_targets_in_an_extract(tmp_path):
    """Recorded deadlines beside the law's, in an extract drawn before the as-of (a duty open at the extract's date
    and due after it is not in the extract, nor is its target compared): both engines alike."""
    from compliance.reports import TargetTally, tally_files

    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,icpc_not_required,cp_plan,strategy_discussion,icpc,target:icpc-15wd\n"
                    "a,child-protection,false,false,2022-10-03,2022-10-20,21/10/2022\n"
                    "b,child-protection,false,false,2022-10-03,2022-10-20,\n"
                    "c,child-protection,false,false,2022-12-20,,2023-01-13\n"
                    "d,child-protection,false,false,2022-11-01,,2022-11-22\n", encoding="utf-8")
    counted = {}
    for engine in ("batch", "native"):
        tally, targets = Tally(("rule", "month")), TargetTally()
        assert tally_files([path], load_rules(), date(2023, 3, 31), [tally, targets], engine=engine,
                           extract_date=date(2022, 12, 31)) == []
        counted[engine] = (tally.rows(), targets.to_dict())
    assert counted["batch"] == counted["native"]
    rows, targets = counted["batch"]
    icpc = [r for r in rows if r.rule == "icpc-15wd"]
    # a and b met by 24 Oct; c due Fri 13 Jan 2023 (Christmas, Boxing Day, 27 Dec and 2 Jan skipped), after the
    # extract's 31 Dec: not in it, its target not compared; d due Tue 22 Nov 2022, overdue, its target right.
    assert [sum(r.met for r in icpc), sum(r.overdue for r in icpc), sum(r.not_recorded for r in icpc)] == [2, 1, 1]
    assert (targets["compared"], targets["agree"], targets["differ"]) == (2, 1, 1)


def test_csv_and_json_carry_the_same_numbers(findings):
    rows = kpi_rows(findings, ("team",))
    table = list(csv.DictReader(io.StringIO(render_kpi(rows, "csv", ("team",), AS_OF))))
    north = next(r for r in table if r["rule"] == "icpc-15wd" and r["team"] == "North")
    assert (north["in_time_percent"], north["decided"], north["missing_data"]) == ("66.7", "3", "1")
    doc = json.loads(render_kpi(rows, "json", ("team",), AS_OF))
    assert doc["by"] == ["rule", "team"] and len(doc["rows"]) == 4
    assert "60.0%" in render_kpi(kpi_rows(findings), "table", (), AS_OF)


def test_csv_makes_each_rows_fields_once_not_once_a_column(findings, monkeypatch):
    # Made once for each of a row's columns (15 here), a CSV of 60,000 rows by team and month took twice the table.
    from compliance.reports import _kpi

    rows = kpi_rows(findings, ("team",))
    made = Counter()
    fields = _kpi.KpiRow.to_dict
    monkeypatch.setattr(_kpi.KpiRow, "to_dict", lambda row: made.update([id(row)]) or fields(row))
    render_kpi(rows, "csv", ("team",), AS_OF)
    assert len(rows) == 4 and sorted(made.values()) == [1, 1, 1, 1]


def test_chart_has_a_panel_per_rule_and_a_point_per_month(findings):
    svg = kpi_chart_svg(monthly_kpi_rows(findings))
    root = ET.fromstring(svg)
    ns = {"s": "http://www.w3.org/2000/svg"}
    panels = root.findall("s:g", ns)
    assert [p.get("data-rule") for p in panels] == ["icpc-15wd", "rcpc"]
    # icpc: four months with a decided duty (Jan 2023 is only due); rcpc: four (Feb 2023 is only due).
    assert [len(p.findall("s:circle", ns)) for p in panels] == [4, 4]
    tips = [c.find("s:title", ns).text for c in panels[0].findall("s:circle", ns)]
    assert tips[2] == "2022-05: 50.0% in time (1 of 2; 1 late, 0 overdue)"


def test_kpi_command_streams_csv_and_writes_the_chart(run_cli, tmp_path):
    from compliance.records import load_records as read
    from compliance.records import records_csv

    path = tmp_path / "cases.csv"
    path.write_text(records_csv(read([CASES])), encoding="utf-8")
    chart = tmp_path / "kpi.svg"
    code, out, err = run_cli("kpi", str(path), "--as-of", "2022-12-31", "--by", "team", "--format", "csv",
                             "--chart", str(chart))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {(r["rule"], r["team"], r["in_time_percent"]) for r in rows} >= {("icpc-15wd", "North", "66.7"),
                                                                            ("icpc-15wd", "South", "50.0")}
    assert chart.read_text().startswith("<svg")
    code, native, _ = run_cli("kpi", str(path), "--as-of", "2022-12-31", "--by", "team", "--format", "csv",
                              "--engine", "native")
    assert code == 0 and native == out


def _row(month, met, late=0):
    from compliance.reports import KpiRow

    return KpiRow("assessment-45wd", "Complete the single assessment", (("month", month),), met=met, late=late,
                  overdue=0, due=0, missing_data=0)


def test_the_line_breaks_across_months_with_nothing_decided_and_the_gap_is_named():
    rows = [_row("2013-07", 1, 1), _row("2013-08", 1), _row("2013-09", 1), _row("2022-05", 1, 1), _row("2022-07", 1)]
    root = ET.fromstring(kpi_chart_svg(rows))
    ns = {"s": "http://www.w3.org/2000/svg"}
    [panel] = root.findall("s:g", ns)
    lines = panel.findall("s:polyline", ns)
    # One line, through the three neighbouring months of 2013; none across the nine years, none to a lone month.
    assert [len(line.get("points").split()) for line in lines] == [3]
    gaps = panel.findall("s:rect", ns)
    assert [g.find("s:title", ns).text for g in gaps] == [
        "No duty fell due in 2013-10 to 2022-04 (103 months)",  # Oct 2013 .. Apr 2022: 3 + 8 * 12 + 4 months
        "No duty fell due in 2022-06 (1 month)",
    ]
    assert len(panel.findall("s:circle", ns)) == 5
    line_x = [float(p.split(",")[0]) for p in lines[0].get("points").split()]
    gap_x = float(gaps[0].get("x"))
    assert max(line_x) < gap_x  # the line stops before the gap begins
    label = panel.find("s:text", ns).text
    assert label.endswith("(71.4% of 7 in time; due in 5 of 109 months)")  # 5 met of 7 decided


def test_neighbouring_months_are_one_line():
    rows = [_row("2024-11", 1), _row("2024-12", 1), _row("2025-01", 1)]
    panel = ET.fromstring(kpi_chart_svg(rows)).find("{http://www.w3.org/2000/svg}g")
    assert len(panel.findall("{http://www.w3.org/2000/svg}polyline")) == 1
    assert panel.findall("{http://www.w3.org/2000/svg}rect") == []


def test_a_team_a_spreadsheet_would_run_as_a_formula_is_written_as_text(run_cli, tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text('id,kind,team,referral,assessment_completed\n'
                    'r1,referral,"=HYPERLINK(""http://evil.example/"",""click"")",2024-01-08,2024-02-01\n'
                    'r2,referral,@SUM(A1),2024-01-08,2024-02-01\n', encoding="utf-8")
    code, out, err = run_cli("kpi", str(path), "--as-of", "2024-06-30", "--by", "team", "--format", "csv")
    assert code == 0, err
    teams = {r["team"] for r in csv.DictReader(io.StringIO(out))}
    assert teams == {"'=HYPERLINK(\"http://evil.example/\",\"click\")", "'@SUM(A1)"}


def _kpi_peak(path, out):
    """Run `compliance kpi` on ``path`` in a process of its own: (exit code, its peak memory in bytes)."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    child = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "kpi", str(path), "--as-of", "2024-06-30",
                              "--format", "json", "--output", str(out)], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss * 1024


@pytest.mark.skipif(not hasattr(__import__("os"), "wait4"), reason="a process's peak memory is read with wait4")
def test_columns_no_rule_reads_cost_no_memory(tmp_path):
    """A 2 MB tracker with 100,000 columns of people's notes (``#`` headers) peaks at what the same tracker
    without them does (it took 1.2 GB): the notes are not parsed, only found to be text."""
    notes = 100_000
    head = "id,kind,referral,referral_decision"
    rows = [f"R{i},referral,2024-01-{1 + i:02d},2024-01-{2 + i:02d}" for i in range(20)]
    narrow, wide = tmp_path / "narrow.csv", tmp_path / "wide.csv"
    narrow.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    wide.write_text("\n".join([head + "".join(f",# {j}" for j in range(notes)),
                               *(row + ",’" + "," * (notes - 1) for row in rows)]) + "\n", encoding="utf-8")
    assert wide.stat().st_size > 2_000_000
    narrow_code, narrow_peak = _kpi_peak(narrow, tmp_path / "narrow.json")
    wide_code, wide_peak = _kpi_peak(wide, tmp_path / "wide.json")
    assert narrow_code == wide_code == 0
    assert json.loads((tmp_path / "wide.json").read_text())["rows"] == json.loads(
        (tmp_path / "narrow.json").read_text())["rows"]
    assert wide_peak < narrow_peak + 64_000_000


def test_a_failure_while_counting_or_reading_stops_both_threads_and_is_raised():
    """kpi counts each batch in a second thread while the next is read: an error on either side ends both and
    is raised to the caller, never lost in the thread or left waiting."""
    import threading

    from compliance.reports._kpi_run import _count_beside

    class Tallies:
        def __init__(self):
            self.added = []

        def add_batch(self, result):
            self.added.append(result)

    read = []

    def batches(fail_at=None):
        for n in range(6):
            if n == fail_at:
                raise OSError("disk gone")
            read.append(n)
            yield n

    def evaluate(given, fail_on=None):
        for batch in given:
            if batch == fail_on:
                raise ValueError("bad batch")
            yield batch * 10

    tally = Tallies()
    _count_beside(batches(), evaluate, [tally])
    assert tally.added == [0, 10, 20, 30, 40, 50]
    read.clear()
    with pytest.raises(ValueError, match="bad batch"):
        _count_beside(batches(), lambda given: evaluate(given, fail_on=2), [Tallies()])
    assert read[:3] == [0, 1, 2] and len(read) <= 5  # two batches at most read past it: one waits between threads
    with pytest.raises(OSError, match="disk gone"):
        _count_beside(batches(fail_at=3), evaluate, [Tallies()])
    assert all(t.name != "kpi-count" for t in threading.enumerate())


@pytest.mark.parametrize("engine", ["batch", "native"])
def test_the_kpi_reads_every_column_a_rule_needs_step_conditions_and_implications_included(run_cli, tmp_path, engine):
    # Visits every 6 weeks from Mon 9 Jan 2023 to Mon 22 Jan 2024 after a placement of Mon 2 Jan 2023 (met, 10).
    # The 11th: meant to last until 18, within 3 months of 22 Jan, by Mon 22 Apr 2024: due on Fri 15 Mar.
    # Without the placement_until_18 column read, it would be missing data (6 weeks or 3 months).
    # Review conferences with no cp_plan column imply a plan: the first within 3 months of Thu 31 Aug 2023, by
    # Thu 30 Nov 2023, held that day: met.
    visits = ("2023-01-09;2023-02-20;2023-04-03;2023-05-15;2023-06-26;2023-08-07;2023-09-18;2023-10-30;"
              "2023-12-11;2024-01-22")
    (tmp_path / "la.csv").write_text("id,kind,team,placement_until_18,placement_start,visit,ceased_looked_after\n"
                                     f"v,looked-after,East,true,2023-01-02,{visits},\n", encoding="utf-8")
    (tmp_path / "cp.csv").write_text("id,kind,icpc,rcpc,cp_plan_end\nc,child-protection,2023-08-31,2023-11-30,"
                                     "2024-01-10\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(tmp_path / "la.csv"), str(tmp_path / "cp.csv"), "--as-of", "2024-03-15",
                             "--format", "csv", "--engine", engine)
    rows = {r["rule"]: r for r in csv.DictReader(io.StringIO(out))}
    assert (rows["cla-visit"]["met"], rows["cla-visit"]["due"], rows["cla-visit"]["missing_data"]) == ("10", "1", "0")
    assert (rows["rcpc"]["met"], rows["rcpc"]["missing_data"]) == ("1", "0")


@pytest.mark.parametrize("engine", ["batch", "native"])
def test_a_duplicate_mapped_record_is_reported_at_its_file_and_row(run_cli, tmp_path, engine):
    """Not at the mapping's name ("annex-a-list4:3 ... first in annex-a-list4"), which names no file to look in."""
    path = tmp_path / "list4.csv"
    path.write_text("Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,"
                    "Allocated Team\nK1,22/03/2024,30/05/2024,T\nK1,22/03/2024,30/05/2024,T\n", encoding="utf-8")
    code, _, err = run_cli("kpi", str(path), "--mapping", "annex-a-list4", "--extract-date", "2025-03-31",
                           "--as-of", "2025-06-30", "--engine", engine)
    assert code == 2 and f"error: {path}:3: id: duplicate record id 'K1-A-2024-03-22' (first in {path})" in err


def test_a_share_counting_findings_decided_on_a_bound_is_marked_and_none_is_given_of_those_alone(run_cli, tmp_path):
    """Annex A list 4 has no referral date: an assessment is decided against the referral's deadline only when even
    the latest possible one had passed, so a share in time would count the late alone (0.0% whatever the council
    did): none is given, and the note says why. A share counting such findings beside others is marked *."""
    path = tmp_path / "list4.csv"
    # Started Fri 22 Mar 2024, so referred by then: 45 working days end by Thu 30 May at the latest; authorised
    # Wed 31 Jul 2024, late whenever the referral was. Only the assessment from its start can be met or late here.
    path.write_text("Child Unique ID,Continuous Assessment Start Date,Continuous Assessment Date of Authorisation,"
                    "Allocated Team\nK1,22/03/2024,31/07/2024,T\n", encoding="utf-8")
    code, out, _ = run_cli("kpi", str(path), "--mapping", "annex-a-list4", "--extract-date", "2025-03-31",
                           "--as-of", "2025-06-30")
    assert code == 0
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[2:4]}
    assert rows == {"assessment-45wd": ["-", "1"], "assessment-45wd-from-start": ["0.0%", "1"]}
    assert "* 1 decided finding(s) rest on a bound" in out
    assert "IN TIME - with duties decided: every one of them rests on a bound, so no share is given" in out
    code, out, _ = run_cli("kpi", str(path), "--mapping", "annex-a-list4", "--extract-date", "2025-03-31",
                           "--as-of", "2025-06-30", "--format", "json")
    row, = [r for r in json.loads(out)["rows"] if r["rule"] == "assessment-45wd"]
    assert (row["in_time_percent"], row["decided"], row["late"], row["on_bound"]) == (None, 1, 1, 1)
    # Beside a referral whose date is known (Mon 4 Mar 2024: 45 working days end Thu 9 May, skipping Good Friday,
    # Easter Monday and the May Day bank holiday; authorised Wed 8 May), the share is given, marked: 1 of 2.
    both = tmp_path / "both.csv"
    both.write_text("id,kind,referral_nfa,referral,assessment_start,assessment_completed\n"
                    "K1,referral,no,,2024-03-22,2024-07-31\nK2,referral,no,2024-03-04,2024-03-05,2024-05-08\n",
                    encoding="utf-8")
    code, out, _ = run_cli("kpi", str(both), "--as-of", "2025-06-30")
    assert out.splitlines()[2].split()[:3] == ["assessment-45wd", "50.0%*", "2"]
    # The chart says the same: no point, and no share in its panel's title, where the table gives none.
    chart = tmp_path / "kpi.svg"
    run_cli("kpi", str(path), "--mapping", "annex-a-list4", "--extract-date", "2025-03-31", "--as-of", "2025-06-30",
            "--chart", str(chart))
    svg = chart.read_text(encoding="utf-8")
    panel = svg[svg.index('data-rule="assessment-45wd"'):svg.index('data-rule="assessment-45wd-from-start"')]
    assert "(no share in time: each of the 1 decided rests on a bound)" in panel and "<circle" not in panel
