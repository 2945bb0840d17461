"""`compliance check`: formats, exit codes, atomic output, bad rows."""

import csv
import io
import json
import subprocess
import sys
from datetime import date

import pytest

from conftest import FIXTURES, ROOT

EXAMPLES = str(ROOT / "examples" / "inspections.yaml")
TRACKER = str(FIXTURES / "records" / "tracker.csv")


def test_json_shape_and_exit_code_1_when_something_is_overdue(run_cli):
    code, out, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-20" and doc["problems"] == [] and doc["not_applicable_listed"] is False
    first = doc["findings"][0]
    for key in ("record", "rule", "status", "occurrence", "deadline", "explanation"):
        assert key in first
    # What every finding of a rule shares is said once, under the rule; each calendar's provenance once.
    assert {"citation", "title", "trigger_event", "completion_event", "calendar"} <= set(doc["rules"][first["rule"]])
    assert "citation" not in first and "calendar_data" not in first
    assert doc["calendars"]["england-and-wales"]["file"] == "england-and-wales.yaml"
    # The findings that apply are listed; every finding is counted.
    assert all(f["status"] != "not_applicable" for f in doc["findings"])
    assert sum(doc["summary"].values()) - doc["summary"]["not_applicable"] == len(doc["findings"])


def test_exit_code_0_when_nothing_is_late_or_overdue(run_cli, tmp_path):
    ok = tmp_path / "ok.csv"
    ok.write_text("id,kind,framework,report_received,report_published,statement_published,action_plan_sent\n"
                  "a,inspection,ILACS,2019-12-12,2020-01-28,2020-03-24,2020-03-24\n")
    code, out, _ = run_cli("check", str(ok), "--as-of", "2020-06-01")
    assert code == 0
    assert "3 met" in out.splitlines()[0]


def test_table_lists_overdue_first(run_cli):
    code, out, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20")
    lines = out.splitlines()
    assert lines[1] == "13 records checked."  # the 13 inspections of the file: it can be told none was left out
    statuses = [line.split()[0] for line in lines[3:]]
    assert statuses[0] == "OVERDUE"
    assert statuses.index("MET") > max(i for i, s in enumerate(statuses) if s in ("OVERDUE", "LATE"))
    assert "N/A" not in statuses  # not-applicable rows only with --all


def test_explain_shows_the_working_and_the_source(run_cli):
    code, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--explain")
    assert "Christmas Day (Wed 25 Dec 2019)" in out
    assert "Source: Education and Inspections Act 2006" in out


def test_csv_and_markdown(run_cli):
    _, out, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and {"record", "rule", "status", "deadline", "citation"} <= set(rows[0])
    _, md, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "md")
    assert md.startswith("# Compliance as of 2026-11-20") and "| Status | Record |" in md


def test_bad_rows_are_reported_and_the_rest_checked(run_cli):
    code, out, err = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--format", "json")
    assert code == 2
    assert {f["record"] for f in json.loads(out)["findings"]} == {
        "northby-2019-ilacs", "southby-2019-ilacs", "eastby-2026-ilacs"}
    assert f"{TRACKER}:5:6: report_received: '2018-13-05' is not a date" in err
    assert f"{TRACKER}:6:4: framework: 'ILAC' is not a known framework" in err


def test_output_is_written_atomically_and_a_failed_run_keeps_the_old_file(run_cli, tmp_path):
    target = tmp_path / "findings.json"
    code, _, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json", "--output", str(target))
    assert code == 1 and json.loads(target.read_text())["as_of"] == "2026-11-20"
    before = target.read_text()
    code, _, err = run_cli("check", EXAMPLES, "--as-of", "2026-13-01", "--format", "json", "--output", str(target))
    assert code == 2 and "--as-of" in err
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]  # no temporary files left behind


@pytest.mark.parametrize("rules", [
    ("--add-rules", str(ROOT / "examples" / "local-targets.yaml")),
    ("--rules", str(ROOT / "rules"), "--rules", str(ROOT / "examples" / "local-targets.yaml")),
], ids=["added-to-the-bundled-rules", "rules-repeated"])
def test_local_targets_are_reported_beside_the_law(run_cli, rules):
    _, out, _ = run_cli("check", TRACKER, "--as-of", "2026-11-20", "--format", "json", *rules)
    doc = json.loads(out)
    by = {(f["record"], f["rule"]): {**doc["rules"][f["rule"]], **f} for f in doc["findings"]}
    law = by[("northby-2019-ilacs", "la-publish-report")]
    target = by[("northby-2019-ilacs", "local-publish-report-30-days")]
    assert (law["status"], law["kind"]) == ("met", "statutory")
    assert (target["status"], target["kind"], target["deadline"]) == ("late", "local-target", "2020-01-11")


def test_rules_before_the_records_never_swallow_them(run_cli):
    _, out, _ = run_cli("check", "--rules", str(ROOT / "examples" / "local-targets.yaml"), TRACKER,
                           "--as-of", "2026-11-20", "--format", "json")
    findings = json.loads(out)["findings"]
    assert findings and {f["rule"] for f in findings} == {"local-publish-report-30-days"}


def test_no_traceback_for_bad_input_from_the_real_command():
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", "no-such-file.yaml"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "no-such-file.yaml: no such file" in result.stderr


def test_usage_errors_exit_2_with_a_hint(run_cli):
    import pytest

    with pytest.raises(SystemExit) as exc:
        run_cli("check")
    assert exc.value.code == 2


def test_the_occurrence_column_is_explained_under_the_table_and_in_help(run_cli, tmp_path, capsys):
    # A looked-after child from Mon 4 Nov 2024, reviewed on 28 Nov: the second review is due by 28 Feb 2025.
    path = tmp_path / "child.csv"
    path.write_text("id,kind,became_looked_after,cla_review,ceased_looked_after\nC1,looked-after,04/11/2024,28/11/2024,\n",
                    encoding="utf-8")
    _, out, _ = run_cli("check", str(path), "--as-of", "2025-01-06")
    lines = out.splitlines()
    assert lines[1] == "1 record checked." and lines[2].split()[3] == "#"
    second = next(line for line in lines if line.startswith("DUE"))
    assert second.split()[3] == "2" and "2025-02-28" in second
    assert lines[-1] == "# is the occurrence of a recurring duty (2 = the second review); 1 for a duty done once."
    with pytest.raises(SystemExit):
        run_cli("check", "--help")
    assert "# is the occurrence of a recurring duty (2 = the second review)" in capsys.readouterr().out


@pytest.mark.parametrize("command", [
    ("check", EXAMPLES, "--format", "json"),
    ("kpi", EXAMPLES),
    ("plan", "inspection", "report_received=2024-12-03"),
    ("track", str(ROOT / "examples" / "inspection-events.csv")),
])
def test_an_as_of_date_past_the_calendars_is_refused_not_turned_into_missing_data(run_cli, command):
    code, out, err = run_cli(*command, "--as-of", "2101-01-01")
    assert (code, out) == (2, "")
    assert err == ("compliance: error: the as-of date 2101-01-01 is outside the years the england-and-wales "
                   "calendar covers (1971 to 2100) (bank holidays are only known for those years; check the date)\n")


def test_a_report_as_of_a_date_past_the_calendars_is_refused_before_anything_is_written(run_cli, tmp_path):
    code, _, err = run_cli("report", EXAMPLES, "--as-of", "2101-01-01", "--out", str(tmp_path / "reports"), "--quiet")
    assert code == 2 and "2101-01-01 is outside the years" in err
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_an_as_of_date_far_ahead_is_counted_on_the_projected_calendar(run_cli, tmp_path):
    # Received Mon 5 Jan 2060 (1 Jan a Thursday): 30 working days end Mon 16 Feb 2060; nothing published by
    # Tue 1 Jun 2060: overdue, never missing data, the deadline marked provisional.
    path = tmp_path / "far.csv"
    path.write_text("id,kind,framework,report_received,report_published\nf,inspection,ILACS,2060-01-05,\n",
                    encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2060-06-01", "--format", "json")
    [report] = [f for f in json.loads(out)["findings"] if f["rule"] == "la-publish-report"]
    assert code == 1 and (report["status"], report["deadline"], report["provisional"]) == (
        "overdue", "2060-02-16", True)


def test_extract_date_says_what_an_extract_cannot_hold(run_cli, tmp_path):
    # An Annex A list 4 drawn Fri 1 Jul 2022, checked in 2026: the assessment started Fri 20 May 2022 was due
    # within 45 working days of its start (2, 3 Jun out), by Tue 26 Jul, after the list was drawn: not in this
    # extract. Without the date it would be called overdue by years.
    path = tmp_path / "list4.csv"
    path.write_text("Child Unique ID,Gender,Date of Birth,Continuous Assessment Start Date,"
                    "Continuous Assessment Date of Authorisation,Allocated Team\n"
                    "NB3001,a) Male,03/02/2015,20/05/2022,,North\n", encoding="utf-8")
    args = ("check", str(path), "--mapping", "annex-a-list4", "--as-of", "2026-01-01", "--format", "json")
    code, out, err = run_cli(*args, "--extract-date", "2022-07-01")
    found = {f["rule"]: f for f in json.loads(out)["findings"]}
    start = found["assessment-45wd-from-start"]
    assert (start["status"], start["deadline"], start["unrecorded"]) == (
        "missing_data", "2022-07-26", ["assessment_completed"])
    assert "extract drawn on 2022-07-01" in err and code == 0
    code, out, _ = run_cli(*args)
    assert {f["rule"]: f for f in json.loads(out)["findings"]}["assessment-45wd-from-start"]["status"] == "overdue"
    code, out, _ = run_cli("kpi", str(path), "--mapping", "annex-a-list4", "--as-of", "2026-01-01", "--format", "csv",
                           "--extract-date", "2022-07-01")
    [row] = [r for r in csv.DictReader(io.StringIO(out)) if r["rule"] == "assessment-45wd-from-start"]
    assert (row["overdue"], row["not_recorded"]) == ("0", "1")
    code, _, err = run_cli(*args, "--extract-date", "1/7/22")
    assert code == 2 and "--extract-date" in err


@pytest.mark.parametrize("engine", ["batch", "native"])
def test_records_that_say_when_they_were_drawn_are_judged_on_that_day_or_on_extract_date_with_a_warning(
        run_cli, tmp_path, engine):
    """The referral's assessment fell due on 26 July 2022: drawn on 1 July it is not in the extract, drawn on
    1 August it is overdue; --extract-date stands in for the records' own day, and says so."""
    path = tmp_path / "records.csv"
    path.write_text("id,kind,extract_date,referral_nfa,referral,assessment_completed\n"
                    "r1,referral,2022-07-01,no,2022-05-20,\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(path), "--as-of", "2026-01-01", "--format", "csv", "--engine", engine)
    [row] = [r for r in csv.DictReader(io.StringIO(out)) if r["rule"] == "assessment-45wd"]
    assert (row["overdue"], row["not_recorded"], code, err) == ("0", "1", 0, "")
    for command in (("kpi", "--format", "csv", "--engine", engine), ("check", "--format", "json")):
        code, out, err = run_cli(command[0], str(path), *command[1:], "--as-of", "2026-01-01",
                                 "--extract-date", "2022-08-01")
        assert (f"warning: {path}: extract_date: 1 record(s) say they were drawn on 2022-07-01; --extract-date "
                "2022-08-01 is taken instead") in err
        assert "warning:" in err and code == (0 if command[0] == "kpi" else 1)
        overdue = ([r for r in csv.DictReader(io.StringIO(out)) if r["rule"] == "assessment-45wd"][0]["overdue"]
                   if command[0] == "kpi" else
                   str(sum(f["status"] == "overdue" for f in json.loads(out)["findings"]
                           if f["rule"] == "assessment-45wd")))
        assert overdue == "1"


def test_a_tracker_whose_every_row_is_bad_says_no_record_could_be_checked_not_no_findings(run_cli, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,framework,report_received\na,inspection,ILACS,32/01/2024\nb,inspection,ILACS,soon\n",
                    encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "2024-06-01")
    assert code == 2 and "tracker.csv:2:4: report_received" in err and "tracker.csv:3:4" in err
    assert out == ("Compliance as of 2024-06-01: no record could be checked: 2 rows could not be read (each is listed "
                   "with what to correct).\n")


@pytest.mark.parametrize("fmt", ["xlsx", "md"])
def test_a_bad_row_met_after_the_workers_have_started_is_reported_and_every_other_row_checked(run_cli, tmp_path,
                                                                                              monkeypatch, fmt):
    """The records are checked as they are read: a bad row late in the file still stops nothing, is listed, and the
    output is the one a run that read every row first writes."""
    import openpyxl

    from compliance.engines import _parallel

    monkeypatch.setattr(_parallel, "CHUNK", 7)
    monkeypatch.setattr(_parallel, "PARALLEL_FROM", 20)
    rows = [f"la-{n},inspection,ILACS,{date}" for n, date in enumerate(["03/06/2024"] * 60)]
    rows[45] = "la-45,inspection,ILACS,soon"
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,framework,report_received\n" + "\n".join(rows) + "\n", encoding="utf-8")
    outputs = []
    for jobs in ("2", "1"):
        output = tmp_path / f"findings-{jobs}.{fmt}"
        code, _, err = run_cli("check", str(path), "--as-of", "2024-06-01", "--format", fmt, "--output", str(output),
                               "--jobs", jobs)
        assert code == 2
        assert "tracker.csv:47:4: report_received: 'soon' is not a date" in err
        assert "1 problem(s) in the records" in err and "the rest were checked" in err
        if fmt == "md":
            outputs.append(output.read_text(encoding="utf-8"))
            assert "'soon' is not a date" in outputs[-1] and "la-59" in outputs[-1]
            continue
        book = openpyxl.load_workbook(output)
        checked = {row[1] for row in book["Findings"].iter_rows(min_row=2, values_only=True)}
        assert checked == {f"la-{n}" for n in range(60) if n != 45}
        assert [row[:2] for row in book["Problems"].iter_rows(min_row=2, values_only=True)] == [(str(path), 47)]
        outputs.append([[cell for cell in row] for sheet in book if sheet.title != "Summary"
                        for row in sheet.iter_rows(values_only=True)])
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_file_whose_name_is_not_utf8_with_a_bad_row_is_reported_not_an_internal_error(run_cli, tmp_path, fmt):
    import os

    path = tmp_path / os.fsdecode(b"caf\xe9.csv")
    try:
        path.write_text("id,kind,framework,report_received\na,inspection,ILACS,03/06/2024\nb,inspection,ILACS,soon\n",
                        encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system takes only UTF-8 names")
    output = tmp_path / f"findings.{fmt}"
    code, _, err = run_cli("check", str(path), "--as-of", "2024-06-01", "--format", fmt, "--output", str(output))
    assert code == 2 and "internal error" not in err
    text = output.read_text(encoding="utf-8")
    named = json.loads(text)["problems"][0]["file"] if fmt == "json" else text
    assert "caf\\xe9.csv" in named


# -- probe P2: a header that stops a mapped file counts every row of it ---------------------------------------

OWN_MAPPING = ("mapping: own\nkind: inspection\ndate_formats: [\"%d/%m/%Y\"]\nid: \"{Ref}\"\n"
               "attributes:\n  framework:\n    column: Type\n"
               "    values: {\"ILACS focused visit\": ILACS-focused-visit}\n"
               "  priority_actions:\n    column: Priority\n    values: {\"Yes\": true, \"No\": false}\n"
               "events:\n  report_received: Received\n  draft_action_plan_sent: Draft plan sent\n"
               "  action_plan_sent: Plan sent\n  report_published: Published\n")
OWN_ROW = "ILACS focused visit,Yes,02/06/2025,,,01/07/2025\n"


@pytest.fixture
def misspelt(tmp_path):
    """A tracker whose header misspells Received, with 5 records and a blank row (a row of nothing, not a record),
    and one whose header is right, with 1 record; and the mapping both are read through."""
    (tmp_path / "own.yaml").write_text(OWN_MAPPING, encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("Ref,Type,Priority,Recieved,Draft plan sent,Plan sent,Published\n"
                   + "".join(f"FV-{n},{OWN_ROW}" for n in range(1, 4)) + ",,,,,,\n"
                   + "".join(f"FV-{n},{OWN_ROW}" for n in range(4, 6)), encoding="utf-8")
    ok = tmp_path / "ok.csv"
    ok.write_text("Ref,Type,Priority,Received,Draft plan sent,Plan sent,Published\nOK-1," + OWN_ROW, encoding="utf-8")
    return tmp_path


def test_a_mapped_file_whose_header_does_not_match_counts_every_row_as_not_read(misspelt, run_cli):
    """It was "1 row could not be read" for the 5 records the file holds; the record layout counted 5."""
    mapping = str(misspelt / "own.yaml")
    code, out, err = run_cli("check", str(misspelt / "bad.csv"), "--mapping", mapping, "--as-of", "2026-11-20")
    assert code == 2 and "5 rows could not be read" in out.splitlines()[0], out
    assert f"{misspelt / 'bad.csv'}:1: Received: the header row has no column 'Received' (is 'Recieved' it?" in err
    code, out, _ = run_cli("check", str(misspelt / "bad.csv"), "--mapping", mapping, "--as-of", "2026-11-20",
                           "--format", "md")
    assert code == 2 and "## 5 rows could not be read" in out


@pytest.mark.parametrize("engine", ["batch", "native"])
def test_kpi_counts_every_row_of_a_file_whose_header_stops_it_mapped_or_not(misspelt, run_cli, engine):
    """kpi prints no count of rows: the problems it works from say how many rows went unread, 5 here (they said 1,
    through the mapping, and through the batch engine's reader of the record layout)."""
    from compliance.records import load_mapping
    from compliance.reports import Tally, tally_files, unread_count
    from compliance.rules import load_rules

    code, _, err = run_cli("kpi", str(misspelt / "bad.csv"), "--mapping", str(misspelt / "own.yaml"),
                           "--as-of", "2026-11-20")
    assert code == 2 and "the header row has no column 'Received'" in err
    plain = misspelt / "plain.csv"
    plain.write_text("id,kind,framework,priority_actions,report_recieved\n"
                     + "".join(f"FV-{n},inspection,ILACS-focused-visit,yes,2025-06-02\n" for n in range(1, 6)),
                     encoding="utf-8")
    rules = load_rules()
    for paths, mapping in (([misspelt / "bad.csv"], load_mapping(misspelt / "own.yaml", rules.vocabulary)),
                           ([plain], None)):
        problems = tally_files(paths, rules, date(2026, 11, 20), [Tally(("rule",))], mapping=mapping, engine=engine)
        assert unread_count(problems) == 5, problems


def test_report_skipping_bad_rows_says_every_row_of_a_mapped_file_it_could_not_read(misspelt, run_cli):
    """It said "1 bad row was skipped" for the 5 records, their 10 overdue plans not in the report."""
    out = misspelt / "out"
    code, _, err = run_cli("report", str(misspelt / "ok.csv"), str(misspelt / "bad.csv"), "--mapping",
                           str(misspelt / "own.yaml"), "--skip-bad-rows", "--as-of", "2026-11-20", "--out", str(out),
                           "--quiet")
    assert code == 1, err  # OK-1's two plans are overdue
    for page in ("latest.html", "latest.md"):
        assert "5 bad rows were skipped" in (out / page).read_text(encoding="utf-8"), page


def test_a_mapping_that_answers_no_duty_is_refused_not_called_an_empty_file(tmp_path, run_cli):
    """A mapping of the report's receipt alone (no duty's completion): 0 records were read, then "no records in
    tracker.csv: nothing to check; add a row for each record", exit 0, blaming a file of rows (found by a probe)."""
    (tmp_path / "tracker.csv").write_text("Ref,Received\nA1,03/04/2025\n", encoding="utf-8")
    (tmp_path / "received.yaml").write_text("mapping: received\nkind: inspection\nid: \"{Ref}\"\n"
                                            "events:\n  report_received: Received\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path / "tracker.csv"), "--mapping", str(tmp_path / "received.yaml"),
                             "--as-of", "2025-06-01")
    assert code == 2 and "add a row" not in out + err
    assert "the received mapping answers none of the rules' duties" in err
    # kpi said so and exited 0, which a scheduler reads as "nothing late".
    code, out, err = run_cli("kpi", str(tmp_path / "tracker.csv"), "--mapping", str(tmp_path / "received.yaml"),
                             "--as-of", "2025-06-01")
    assert code == 2 and out == "" and "the received mapping fills in no duty's completion date" in err


@pytest.mark.parametrize("command", ["check", "kpi"])
def test_a_file_given_twice_is_read_once(tmp_path, run_cli, command):
    """refs.csv refs.csv: every record was its own duplicate, "duplicate record id 'R1' (first at refs.csv:2)"
    pointing at the row itself (found by a probe). Read once, said on stderr; the same through another path."""
    path = tmp_path / "refs.csv"
    path.write_text("id,kind,referral,referral_decision\nR1,referral,2024-01-02,2024-01-03\n", encoding="utf-8")
    code, _, err = run_cli(command, str(path), str(path), str(tmp_path / "." / "refs.csv"), "--as-of", "2025-03-31")
    assert code == 0 and "duplicate" not in err
    assert f"compliance: {path} is given more than once: read once" in err


def test_the_table_says_how_many_records_it_checked_beside_the_rows_it_could_not_read(run_cli, tmp_path):
    """It said only the rows it could not read: whether every other row of the tracker was checked could not be told
    from the table. Three rows, one with a date in a year of two digits: 2 records checked, 1 row not read."""
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral,referral_decision\nR1,referral,03/04/2025,04/04/2025\n"
                    "R2,referral,03/04/25,04/04/2025\nR3,referral,01/02/2025,03/02/2025\n", encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "01/10/2025")
    assert code == 2 and f"{path}:3:3: referral:" in err
    assert out.splitlines()[1] == ("2 records checked; 1 row could not be read: their duties are not in this table "
                                   "(each is listed on stderr with what to correct).")
