"""The command line as a whole: exit codes, one-line errors for bad input and a faulty environment, --version."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import stat
import subprocess
import sys
from collections import Counter

import pytest

import cli
from conftest import FIXTURES, ROOT, needs_durable, referrals_csv

EXAMPLES = str(ROOT / "examples" / "inspections.yaml")


def _real(*args: str, env: dict[str, str] | None = None, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, timeout=120)


def test_version_names_the_package_the_holidays_data_and_each_calendar_file():
    done = _real("--version")
    assert done.returncode == 0 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0].startswith("statutory-timelines 0.") and lines[1].startswith("holidays 0.")
    assert any(line.startswith("calendar england-and-wales: ") and "sha256 " in line for line in lines)


def test_help_lists_every_command_without_building_them():
    done = _real("--help")
    assert done.returncode == 0
    for name in cli.COMMANDS:
        assert f"    {name} " in done.stdout or f"    {name}\n" in done.stdout


def test_a_missing_input_is_one_line_and_nothing_else(tmp_path, run_cli):
    output = tmp_path / "findings.csv"
    output.write_text("yesterday's findings\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path / "tracker.xlsx"), "--format", "csv", "--output", str(output))
    assert code == 2 and out == ""
    assert err == f"compliance: error: {tmp_path / 'tracker.xlsx'}: no such file (check the path)\n"
    assert output.read_text(encoding="utf-8") == "yesterday's findings\n"  # the earlier report is untouched


@pytest.mark.parametrize("command", [("kpi",), ("report", "--out", "reports"), ("map", "--mapping", "annex-a-list4"),
                                     ("track",)])
def test_every_command_that_reads_files_stops_on_a_missing_one(tmp_path, run_cli, command):
    code, out, err = run_cli(command[0], str(tmp_path / "nothere.csv"), *command[1:])
    assert code == 2 and out == "" and err.count("\n") == 1 and "nothere.csv: no such file" in err
    assert not (tmp_path / "reports").exists()


def test_a_broken_or_looping_link_given_as_records_is_named_for_what_it_is(run_cli, tmp_path):
    """Both were "no such file", though the name is there: what is wrong is where the link leads."""
    (tmp_path / "loop1.csv").symlink_to("loop2.csv")
    (tmp_path / "loop2.csv").symlink_to("loop1.csv")
    (tmp_path / "old.csv").symlink_to("moved-away.csv")
    code, _, err = run_cli("check", str(tmp_path / "loop1.csv"), str(tmp_path / "old.csv"), "--as-of", "2025-01-01")
    assert code == 2 and err.splitlines() == [
        f"compliance: error: {tmp_path / 'loop1.csv'}: a link that leads round in a loop, never to a file "
        "(check the path)",
        f"compliance: error: {tmp_path / 'old.csv'}: a link to moved-away.csv, which does not exist (check the path)"]


def test_output_files_get_the_mode_the_umask_gives_not_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        done = _real("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "csv", "--output",
                     str(tmp_path / "findings.csv"))
    finally:
        os.umask(old)
    assert done.returncode == 1
    assert stat.S_IMODE((tmp_path / "findings.csv").stat().st_mode) == 0o644


def test_replacing_an_output_keeps_the_mode_it_had(tmp_path, run_cli):
    target = tmp_path / "findings.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o664)
    run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "csv", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o664 and target.read_text(encoding="utf-8") != "old\n"


def test_an_internal_error_is_one_line_exit_3_and_the_traceback_is_kept(tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    import compliance.reports

    monkeypatch.setattr(compliance.reports, "write_check", broken)
    code, out, err = run_cli("check", EXAMPLES, "--as-of", "2026-11-20")
    assert code == 3 and out == "" and err.count("\n") == 1
    assert err.startswith("compliance: internal error (a fault in the tool, not in your input): ZeroDivisionError")
    (log,) = (tmp_path / "errors").glob("compliance-error-*.log")
    assert str(log) in err
    assert "Traceback" in log.read_text(encoding="utf-8") and "broken" in log.read_text(encoding="utf-8")


def test_a_folder_that_cannot_be_written_is_exit_2_in_one_line(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    if os.access(folder, os.W_OK):  # root writes anywhere; /proc refuses even root
        folder = type(tmp_path)("/proc")
    try:
        done = _real("check", EXAMPLES, "--as-of", "2026-11-20", "--output", str(folder / "out.txt"))
    finally:
        (tmp_path / "read-only").chmod(0o755)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "cannot write here" in done.stderr


def test_an_output_path_that_is_a_folder_is_exit_2_in_one_line(tmp_path):
    (tmp_path / "out.txt").mkdir()
    done = _real("check", EXAMPLES, "--as-of", "2026-11-20", "--output", str(tmp_path / "out.txt"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(tmp_path / "out.txt") in done.stderr


def test_a_fixture_file_reads_the_same_from_any_folder(tmp_path):
    done = _real("check", str(FIXTURES / "records" / "tracker.csv"), "--as-of", "2026-11-20", cwd=tmp_path)
    assert done.returncode == 2 and "northby-2019-ilacs" in done.stdout


def tracker(tmp_path, team_in_row_2001=None, count=3000):
    """A referrals tracker of ``count`` records; row 2,001's team (column 4) given as bytes, if at all."""
    lines = referrals_csv(count)
    if team_in_row_2001 is not None:
        cells = lines[2000].split(",")
        lines[2000] = ",".join(cells[:3] + ["@"] + cells[4:])
    path = tmp_path / "referrals.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8").replace(b"@", team_in_row_2001 or b""))
    return path


def test_one_bad_byte_in_row_2001_of_3000_is_one_problem_and_check_and_kpi_count_the_other_2999(tmp_path, run_cli):
    path = tracker(tmp_path, b"Children\x92s Services")
    located = (f"error: {path}:2001:4: team: byte 0x92 is not UTF-8 text (in a Windows-1252 file, which Excel writes "
               "as plain \"CSV\", it is \u2019: save the spreadsheet as \"CSV UTF-8\", or give --encoding cp1252)")
    code, out, err = run_cli("check", str(path), "--as-of", "2024-12-31", "--format", "json")
    assert code == 2 and err.splitlines() == [
        located, "1 problem(s) in the records: the rows they name were left out, the rest were checked."]
    findings = json.loads(out)["findings"]
    assert len({f["record"] for f in findings}) == 2999 and "CH02000-R1" not in {f["record"] for f in findings}
    checked = Counter((f["rule"], f["status"]) for f in findings)
    counts = {}
    for engine in ("batch", "native"):
        code, out, err = run_cli("kpi", str(path), "--as-of", "2024-12-31", "--format", "json", "--engine", engine)
        assert code == 2 and err.splitlines() == [
            located, "1 problem(s) in the records: the rows they name were left out, the rest were counted."]
        counts[engine] = json.loads(out)["rows"]
    assert counts["batch"] == counts["native"]
    for row in counts["batch"]:
        for status in ("met", "late", "overdue", "due"):
            assert row[status] == checked[row["rule"], status], (row["rule"], status)
    assert sum(row["decided"] for row in counts["batch"] if row["rule"] == "referral-decision-1wd") == 2999


def test_kpi_says_nothing_was_counted_when_the_only_file_is_refused(tmp_path, run_cli):
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,referral,referral\nR1,referral,2024-01-02,2024-01-03\n", encoding="utf-8")
    code, _, err = run_cli("kpi", str(path), "--as-of", "2025-01-01")
    assert code == 2 and "no row of this file was checked" in err
    assert err.splitlines()[-1] == "1 problem(s) in the records: the rows they name were left out, no record could be counted."


@pytest.mark.parametrize("command", [("check",), ("kpi",), ("report", "--out", "reports"),
                                     ("map", "--mapping", "annex-a-list4"), ("track",)])
def test_an_unknown_encoding_is_exit_2_in_one_line_for_every_command_that_reads_files(tmp_path, run_cli, command):
    code, out, err = run_cli(command[0], str(tracker(tmp_path, count=3)), *command[1:], "--encoding", "cp-1252x")
    assert code == 2 and out == "" and err == (
        "compliance: error: encoding: 'cp-1252x' is not a text encoding Python knows (utf-8 is the default; cp1252 "
        "reads a Windows-1252 export, what Excel saves as plain CSV)\n")
    assert not (tmp_path / "reports").exists()


def test_a_windows_1252_export_gets_a_hint_and_reads_right_with_encoding_cp1252(tmp_path, run_cli):
    path = tracker(tmp_path, "Children’s Services £".encode("cp1252"))
    code, _, err = run_cli("check", str(path), "--as-of", "2024-12-31")
    assert code == 2 and f"{path}:2001:4: team: byte 0x92 is not UTF-8 text" in err and "--encoding cp1252" in err
    code, out, err = run_cli("check", str(path), "--as-of", "2024-12-31", "--format", "json", "--encoding", "cp1252")
    assert code == 1 and err == ""
    teams = {f["record"]: f["attributes"]["team"] for f in json.loads(out)["findings"]}
    assert len(teams) == 3000 and teams["CH02000-R1"] == "Children’s Services £"
    code, out, err = run_cli("kpi", str(path), "--as-of", "2024-12-31", "--by", "team", "--format", "json",
                             "--encoding", "windows-1252")
    assert code == 0 and err == "" and "Children’s Services £" in {row["team"] for row in json.loads(out)["rows"]}
    code, _, err = run_cli("report", str(path), "--as-of", "2024-12-31", "--out", str(tmp_path / "reports"), "--quiet",
                           "--fail-on", "none", "--encoding", "cp1252")
    assert code == 0 and err == ""
    latest = gzip.decompress((tmp_path / "reports" / "latest.json.gz").read_bytes()).decode()
    assert "Children’s Services £" in latest


def test_an_extract_and_an_event_file_take_encoding_too(tmp_path, run_cli):
    extract = tmp_path / "list5.csv"
    extract.write_bytes((FIXTURES / "casework" / "annex-a-list5.csv").read_text(encoding="utf-8").replace(
        "CP East", "Children’s Services", 1).encode("cp1252"))
    code, out, err = run_cli("map", str(extract), "--mapping", "annex-a-list5")
    assert code == 2 and f"{extract}:2:8: Allocated Team: byte 0x92 is not UTF-8 text" in err
    assert "NB1001" not in out
    code, out, err = run_cli("map", str(extract), "--mapping", "annex-a-list5", "--encoding", "cp1252",
                             "--skip-bad-rows")
    assert code == 0 and "NB1001-S47-2020-12-16,child-protection,icpc-15wd,NB1001,Children’s Services," in out
    events = tmp_path / "events.csv"
    events.write_bytes((ROOT / "examples" / "inspection-events.csv").read_text(encoding="utf-8").replace(
        "Example Heath", "Ex\u00e9mple Heath").encode("cp1252"))
    code, _, err = run_cli("track", str(events), "--as-of", "2026-11-20")
    assert code == 2 and f"{events}:2:5: authority: byte 0xE9 is not UTF-8 text" in err
    code, out, err = run_cli("track", str(events), "--as-of", "2026-11-20", "--encoding", "cp1252")
    assert code in (0, 1) and err == "" and "example-heath-2026-ilacs" in out


def test_a_csv_utf_8_file_with_a_byte_order_mark_reads_as_one_without(tmp_path, run_cli):
    plain = tracker(tmp_path, count=50)
    marked = tmp_path / "marked.csv"
    marked.write_bytes(codecs.BOM_UTF8 + plain.read_bytes())
    outputs = [run_cli("check", str(path), "--as-of", "2024-12-31", "--format", "csv", *encoding)
               for path, encoding in ((plain, ()), (marked, ()), (marked, ("--encoding", "utf-8")))]
    assert outputs[0][0] == 1 and outputs[0] == outputs[1] == outputs[2]


@pytest.mark.parametrize("engine", ["batch", "native", pytest.param("durable", marks=needs_durable)])
def test_a_conference_held_though_none_was_needed_is_flagged_and_counted_under_check(tmp_path, run_cli, engine):
    """A record saying no initial conference was needed, yet giving one's date (20 working days after the strategy
    discussion: late, were it due), keeps what it says, so the duty is not applicable: flagged in check and counted
    under CHECK in kpi, never silently not applicable."""
    path = tmp_path / "cp.csv"
    path.write_text("id,kind,strategy_discussion,icpc,icpc_not_required\n"
                    "CP1,child-protection,2021-12-01,2021-12-30,yes\n"
                    "CP2,child-protection,2021-12-01,2021-12-08,\n"
                    "CP3,child-protection,2021-12-01,,yes\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2022-06-30", "--format", "json", "--engine",
                           "native" if engine == "batch" else engine)
    icpc = {f["record"]: f for f in json.loads(out)["findings"] if f["rule"] == "icpc-15wd"}
    assert code == 0 and set(icpc) == {"CP1", "CP2"}  # CP3's not-applicable finding is only counted
    assert icpc["CP1"]["status"] == "not_applicable" and icpc["CP1"]["data_quality"] == [
        "icpc_not_required is yes, but the record has icpc, which implies icpc_not_required no: icpc_not_required is "
        "taken as the record gives it; check the record."]
    assert icpc["CP2"]["status"] == "met" and not icpc["CP2"].get("data_quality")
    code, out, _ = run_cli("kpi", str(path), "--as-of", "2022-06-30", "--format", "json", "--engine", engine)
    row, = [r for r in json.loads(out)["rows"] if r["rule"] == "icpc-15wd"]
    assert (row["met"], row["decided"], row["not_applicable"], row["records"], row["data_warnings"]) == (1, 1, 2, 3, 1)


@pytest.mark.parametrize("engine", ["batch", "native", pytest.param("durable", marks=needs_durable)])
def test_a_duty_no_version_of_which_applies_is_cited_from_the_version_in_force_on_its_trigger_date(tmp_path, run_cli,
                                                                                                   engine):
    """A referral closed with no further action on Tue 1 May 2012 owed no assessment: said under Working Together
    2010's initial assessment, in force that day, not the 2013 single assessment, with its citation; so is the flag
    for the initial assessment it records all the same, and kpi counts it there."""
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral_nfa,referral,initial_assessment_completed\n"
                    "R1,referral,yes,2012-05-01,2012-05-10\n"
                    "R2,referral,yes,2012-05-01,\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2012-12-31", "--format", "json", "--all", "--engine",
                           "native" if engine == "batch" else engine)
    document = json.loads(out)
    found = {(f["record"], f["rule"]): f for f in document["findings"]
             if document["rules"][f["rule"]]["duty"] == "assessment"}
    assert code == 0 and set(found) == {("R1", "initial-assessment-10wd"), ("R2", "initial-assessment-10wd")}
    r1, r2 = found[("R1", "initial-assessment-10wd")], found[("R2", "initial-assessment-10wd")]
    assert r1["status"] == r2["status"] == "not_applicable"
    assert r1["reason"] == "applies only when referral_nfa is false; the record has true"
    assert document["rules"]["initial-assessment-10wd"]["citation"].startswith(
        "Working Together to Safeguard Children 2010")
    assert r1["data_quality"] == [
        "referral_nfa is yes, but the record has initial_assessment_completed, which implies referral_nfa no: "
        "referral_nfa is taken as the record gives it; check the record."] and not r2.get("data_quality")
    code, out, _ = run_cli("kpi", str(path), "--as-of", "2012-12-31", "--format", "json", "--engine", engine)
    rows = {r["rule"]: r for r in json.loads(out)["rows"]}
    assert rows["initial-assessment-10wd"]["data_warnings"] == 1
    assert rows.get("assessment-45wd", {}).get("data_warnings", 0) == 0


@pytest.mark.parametrize("engine", ["batch", "native", pytest.param("durable", marks=needs_durable)])
def test_a_2012_referral_closed_with_no_further_action_owes_no_core_assessment(tmp_path, run_cli, engine):
    """Working Together 2010: no further action at the referral, so no initial assessment and no core assessment
    after it; not "missing data" asking for a core assessment from a source with no column for one (R1). One that
    gives a core assessment as well (started Tue 1 May 2012, 35 working days to Fri 22 Jun, the bank holidays of
    Mon 7 May, Mon 4 Jun and the Diamond Jubilee's Tue 5 Jun skipped; finished Fri 29 Jun, 5 working days late were
    it owed) contradicts it: flagged, counted under CHECK (R2)."""
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral_nfa,referral,referral_decision\n"
                    "R1,referral,yes,2012-05-01,2012-05-02\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2012-12-31", "--format", "json", "--all", "--engine",
                           "native" if engine == "batch" else engine)
    core, = [f for f in json.loads(out)["findings"] if f["rule"] == "core-assessment-35wd"]
    assert code == 0 and core["status"] == "not_applicable" and not core.get("data_quality")
    assert core["reason"] == "applies only when referral_nfa is false; the record has true"
    path.write_text("id,kind,referral_nfa,referral,core_assessment_start,core_assessment_completed\n"
                    "R2,referral,yes,2012-04-30,2012-05-01,2012-06-29\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2012-12-31", "--format", "json", "--engine",
                           "native" if engine == "batch" else engine)
    core, = [f for f in json.loads(out)["findings"] if f["rule"] == "core-assessment-35wd"]
    assert code == 0 and core["status"] == "not_applicable" and core["data_quality"] == [
        "referral_nfa is yes, but the record has core_assessment_start, which implies referral_nfa no: referral_nfa "
        "is taken as the record gives it; check the record."]
    code, out, _ = run_cli("kpi", str(path), "--as-of", "2012-12-31", "--format", "json", "--engine", engine)
    row, = [r for r in json.loads(out)["rows"] if r["rule"] == "core-assessment-35wd"]
    assert (row["late"], row["not_applicable"], row["records"], row["data_warnings"]) == (0, 1, 1, 1)
