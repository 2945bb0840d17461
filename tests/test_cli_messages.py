"""Commands say what they did: an unknown rule, every problem of a rule file at once, a folder of records, a file
with no records and a blank kind each get words that match what happened."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, read_json

EXAMPLES = ROOT / "examples"
HEADER = "id,kind,framework,report_received,report_published\n"


def test_rules_test_with_an_unknown_rule_exits_2_naming_the_nearest_ids(run_cli):
    code, out, err = run_cli("rules", "test", "--rule", "la-publish-reprot")
    assert code == 2 and out == ""
    assert err == ("compliance: error: --rule: no rule with id 'la-publish-reprot' (the nearest: la-publish-report, "
                   "jar-publish-report, lscb-publish-report; `compliance rules list` shows every id)\n")
    code, out, err = run_cli("rules", "test", "--rule", "NO-SUCH-RULE")
    assert code == 2 and "no rule with id 'NO-SUCH-RULE'" in err and "0 passed" not in out


def test_rules_test_for_one_rule_runs_its_examples(run_cli):
    code, out, _ = run_cli("rules", "test", "--rule", "la-publish-report")
    assert code == 0 and out.splitlines()[-1].endswith("passed, 0 failed") and not out.startswith("0 passed")


def test_rules_validate_shows_every_problem_in_one_pass(run_cli, tmp_path):
    text = (EXAMPLES / "local-targets.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "targets.yaml"
    # Three typos in one rule: a unit, an event name and an in-force date.
    bad.write_text(text.replace("period: 30 days", "period: 30 dayz")
                   .replace("trigger: report_received", "trigger: report_recieved")
                   .replace("from: 2018-01-01", "from: 2018-01-01\n      to: soon"), encoding="utf-8")
    code, out, err = run_cli("rules", "validate", str(bad))
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == (f"{bad}:20:14: rules.0.trigger: unknown event 'report_recieved' for inspection records "
                        "(did you mean 'report_received'?)")
    assert lines[1].startswith(f"{bad}:23:13: rules.0.period: unknown unit 'dayz' in period '30 dayz'")
    assert lines[2] == f"{bad}:26:11: rules.0.in_force.to: 'soon' is not a date (write dates as YYYY-MM-DD, e.g. 2013-04-15)"
    assert lines[3:] == ["3 problems in 1 file"]



def test_rules_validate_add_rules_checks_a_pack_beside_the_bundled_rules_as_check_reads_it(run_cli, tmp_path):
    """A local target that gives a bundled duty as its own passes on its own and is refused by check: validated with
    --add-rules, it is refused at its line, as check refuses it; on its own, the tool says how it was checked."""
    text = (EXAMPLES / "local-targets.yaml").read_text(encoding="utf-8")
    pack = tmp_path / "targets.yaml"
    pack.write_text(text.replace("  - id: local-publish-report-30-days\n",
                                 "  - id: local-publish-report-30-days\n    duty: la-publish-report\n"), encoding="utf-8")
    # Refused at the day it comes into force, the first day both versions are.
    line = pack.read_text(encoding="utf-8").splitlines().index("      from: 2018-01-01") + 1
    code, out, err = run_cli("rules", "validate", str(pack))
    assert code == 0 and err == ""
    assert out.splitlines() == ["ok: 1 rules in 1 file(s)",
                                "  checked with these files alone: `compliance rules validate --add-rules FILE` checks "
                                "a file beside the bundled rules, as `check --add-rules` reads it"]
    code, out, err = run_cli("rules", "validate", "--add-rules", str(pack))
    assert code == 2 and out == ""
    assert err.startswith(f"{pack}:{line}:7: rule 'local-publish-report-30-days' is in force (2018-01-01 to now) while "
                          "'la-publish-report' (2007-04-01 to now, at ")
    assert err.splitlines()[-1] == "1 problem in 3 files"
    code, _, err = run_cli("check", str(EXAMPLES / "inspections.yaml"), "--add-rules", str(pack), "--as-of", "2025-03-31")
    assert code == 2 and f"{pack}:{line}:7: rule 'local-publish-report-30-days'" in err
    # The example pack, beside the bundled rules: one rule more than they hold.
    bundled = int(run_cli("rules", "validate")[1].split()[1])
    code, out, _ = run_cli("rules", "validate", "--add-rules", str(EXAMPLES / "local-targets.yaml"))
    assert code == 0 and out == f"ok: {bundled + 1} rules in 3 file(s)\n"


def test_a_folder_given_as_a_record_file_reads_the_record_files_in_it(run_cli, tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    shutil.copy(EXAMPLES / "tracker.xlsx", folder)
    shutil.copy(EXAMPLES / "inspections.yaml", folder)
    (folder / "notes.txt").write_text("who to ask\n", encoding="utf-8")
    code, out, err = run_cli("check", str(folder), "--as-of", "2026-11-20", "--format", "json")
    assert code == 1
    assert err.splitlines()[0] == (f"compliance: {folder} is a folder: reading the 2 record files in it "
                                   "(inspections.yaml, tracker.xlsx); not read: notes.txt")
    records = {f["record"] for f in json.loads(out)["findings"]}
    assert "haringey-2018-ilacs" in records and "northby-2024-ilacs" in records  # one from each file
    # The same for kpi and report.
    code, _, err = run_cli("kpi", str(folder), "--as-of", "2026-11-20")
    assert code == 0 and "reading the 2 record files in it" in err
    code, _, err = run_cli("report", str(folder), "--as-of", "2026-11-20", "--out", str(tmp_path / "reports"),
                           "--quiet")
    assert code == 1 and "reading the 2 record files in it" in err
    doc = read_json(tmp_path / "reports" / "latest.json.gz")
    assert doc["report"]["record_files"] == [str(folder / "inspections.yaml"), str(folder / "tracker.xlsx")]


def test_a_folder_with_no_record_files_says_how_to_name_them(run_cli, tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    code, out, err = run_cli("check", str(folder))
    assert code == 2 and out == ""
    assert err == (f"compliance: error: {folder}: a folder with no record files (.csv, .xlsx, .xlsm, .yaml, .yml, "
                   f".json) in it (give the files to read, e.g. {folder}/*.csv)\n")
    code, _, err = run_cli("track", str(folder))
    assert code == 2 and err == f"compliance: error: {folder}: a folder, not a file (check the path)\n"


def test_a_csv_with_a_header_and_no_rows_says_no_records(run_cli, tmp_path):
    empty = tmp_path / "tracker.csv"
    empty.write_text(HEADER, encoding="utf-8")
    code, out, err = run_cli("check", str(empty), "--as-of", "2024-12-10")
    assert (code, err) == (0, "")
    assert out == f"Compliance as of 2024-12-10: no records in {empty}: nothing to check; add a row for each record.\n"
    assert "no findings" not in out
    code, _, err = run_cli("check", str(empty), "--as-of", "2024-12-10", "--format", "csv",
                           "--output", str(tmp_path / "findings.csv"))
    assert code == 0 and err == f"compliance: no records in {empty}: nothing to check; add a row for each record\n"
    code, _, err = run_cli("kpi", str(empty), "--as-of", "2024-12-10")
    assert code == 0 and err == f"compliance: nothing counted: no records with a duty in {empty}\n"


def test_the_workbook_template_checked_before_it_is_filled_says_no_records(run_cli, tmp_path):
    tracker = tmp_path / "tracker.xlsx"
    run_cli("template", "inspection", "--output", str(tracker))
    code, out, _ = run_cli("check", str(tracker), "--as-of", "2024-12-10")
    assert code == 0 and "no records in" in out


@pytest.mark.parametrize("command", ["check", "kpi"])
def test_a_blank_kind_says_the_kind_is_empty(run_cli, tmp_path, command):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(HEADER + "haringey,,ILACS,14/12/2018,\n", encoding="utf-8")
    code, _, err = run_cli(command, str(tracker), "--as-of", "2019-01-10")
    assert code == 2
    assert err.splitlines()[0] == (
        f"error: {tracker}:2:2: kind: the record's kind is empty (write its kind: one of care-proceedings, "
        "child-protection, complaint, inspection, looked-after, missing-episode, referral; a totals or notes row "
        "under the table is no record: delete it)")
    assert "nothing" not in err


def test_a_spreadsheet_of_its_own_columns_is_pointed_to_a_mapping(run_cli):
    code, _, err = run_cli("check", str(EXAMPLES / "own-columns.csv"), "--as-of", "2025-01-10")
    assert code == 2 and "a spreadsheet with columns of its own is read through a mapping (--mapping, " \
                         "docs/mappings.md)" in err


def test_hours_from_a_date_are_said_in_hours_and_days_in_the_singular(run_cli):
    code, out, _ = run_cli("deadline", "2024-01-01", "1 hours")
    assert code == 0 and "1 hour is taken to end with Tue 02 Jan 2024 (1 day later)" in out
    code, _, err = run_cli("deadline", "9999-12-31", "1 hours")
    assert code == 2 and "1 hour from 9999-12-31 runs past the year 9999" in err


def test_synth_given_a_file_for_its_folder_says_so(run_cli, tmp_path):
    (tmp_path / "afile").write_text("mine\n", encoding="utf-8")
    code, _, err = run_cli("synth", "--children", "1", "--output-dir", str(tmp_path / "afile"))
    assert code == 2 and "is a file, not a folder" in err
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("command", ["check", "kpi"])
def test_a_note_pasted_into_a_date_cell_is_named_by_its_start_and_length_not_echoed_whole(run_cli, tmp_path, command):
    # 11 + 14 x 70,000 + 3 = 980,014 characters, under a cell's limit: echoed whole it was a megabyte of error, and
    # check's CSV gave it again in the row's problem.
    note = "14/12/2018 " + "seen at home, " * 70_000 + "end"
    tracker = tmp_path / "tracker.csv"
    tracker.write_text(HEADER + "haringey-2018,inspection,ILACS,14/12/2018,\n"
                       f'hackney-2018,inspection,ILACS,"{note}",\n', encoding="utf-8")
    extra = ("--format", "csv") if command == "check" else ()
    code, out, err = run_cli(command, str(tracker), "--as-of", "2019-01-10", *extra)
    assert code == 2
    said = "'14/12/2018 seen at home, seen at home, s'... (980,014 characters) is not a date"
    assert err.splitlines()[0].startswith(f"error: {tracker}:3:4: report_received: {said} (write dates as ")
    assert len(err) < 2000 and len(out) < 5000
    if command == "check":
        assert said in out
