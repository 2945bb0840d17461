"""The system's own target dates against the law's, worked out by hand (weekdays and bank holidays from
GOV.UK's list) and run through every engine.

ICPC within 15 working days of the strategy discussion (Working Together), counted from the day after it:
- Mon 3 Oct 2022: Oct 4-7 (4), 10-14 (9), 17-21 (14), 24 (15): Mon 24 Oct. A system counting the
  strategy day as day 1 gets Fri 21 Oct, 1 working day early.
- Sat 10 Sep 2022: Sep 12-16 (5), 20-23 (9; Mon 19 Sep, the State Funeral, skipped), 26-30 (14),
  Oct 3 (15): Mon 3 Oct. A system without the State Funeral gets Fri 30 Sep, 1 working day early;
  counting the Saturday as day 1 changes nothing, so only the missing holiday explains it.
- Mon 5 Sep 2022: Sep 6-9 (4), 12-16 (9), 20-23 (13), 26, 27 (15): Tue 27 Sep. Without the State
  Funeral and counting day 1 as well: Fri 23 Sep, 2 working days early.
- Mon 27 Apr 2020: Apr 28-May 1 (4), May 4-7 (8; Fri 8 May, VE Day, skipped), 11-15 (13), 18, 19 (15):
  Tue 19 May. A system with the early May holiday on Mon 4 May instead gets the same day: no flag.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from compliance import evaluate, load_rules
from compliance.calendars import Period
from compliance.calendars._targets import check_target
from compliance.engines import targets_in_use
from compliance.engines._evaluate import RuleNames
from compliance.engines.batch import evaluate_batch
from compliance.records import (Record, available_mappings, load_mapped, load_mapping, read_records,
                                records_from_text)
from compliance.records.columns import batches_from_records, read_batches

from conftest import needs_durable, rules_without

RULES = load_rules()
CENSUS = Path(__file__).parent.parent / "fixtures" / "census" / "targets.xml"
AS_OF = date(2023, 3, 31)
FIFTEEN = Period(15, "working_days")

EXPECTED = {  # record: (statutory deadline, system's target, working days, the reason)
    "RIGHT": (date(2022, 10, 24), date(2022, 10, 24), 0, ""),
    "DAYONE": (date(2022, 10, 24), date(2022, 10, 21), -1, "counts the trigger day as day 1"),
    "FUNERAL": (date(2022, 10, 3), date(2022, 9, 30), -1,
                "does not skip Mon 19 Sep 2022 (State Funeral of Queen Elizabeth II)"),
    "BOTH": (date(2022, 9, 27), date(2022, 9, 23), -2, "does not skip Mon 19 Sep 2022 (State Funeral of Queen "
             "Elizabeth II) and counts the trigger day as day 1"),
    "VEDAY": (date(2020, 5, 19), date(2020, 5, 19), 0, ""),
}


def census_findings(engine):
    records, problems = load_mapped([CENSUS], load_mapping("cin-census", RULES.vocabulary), RULES.vocabulary)
    assert problems == []
    if engine == "batch":
        rows = [row for batch in batches_from_records(records) for row in evaluate_batch(batch, RULES, AS_OF).rows()]
    else:
        rows = [f.to_dict() for f in evaluate(records, RULES, AS_OF, engine=engine)]
    return {row["record"].split("-")[0]: row for row in rows if row["rule"] == "icpc-15wd"}


@pytest.mark.parametrize("engine", ["native", pytest.param("durable", marks=needs_durable), "batch"])
def test_each_census_target_is_compared_with_the_law(engine):
    found = census_findings(engine)
    for record, (deadline, target, working, reason) in EXPECTED.items():
        row = found[record]
        assert (row["deadline"], row["recorded_deadline"], row["recorded_deadline_working_days"],
                row["recorded_deadline_reason"]) == (deadline.isoformat(), target.isoformat(), working, reason), record


def test_the_sentence_says_how_early_and_why():
    f = {x.record.split("-")[0]: x for x in evaluate(
        load_mapped([CENSUS], load_mapping("cin-census"))[0], RULES, AS_OF) if x.rule == "icpc-15wd"}
    assert f["FUNERAL"].recorded_deadline_note == (
        "The system's target Fri 30 Sep 2022 is 1 working day early: it does not skip Mon 19 Sep 2022 "
        "(State Funeral of Queen Elizabeth II).")
    assert f["RIGHT"].recorded_deadline_note == "The system's target Mon 24 Oct 2022 agrees with the deadline."
    assert any("1 working day early" in step for step in f["DAYONE"].explanation)


def test_a_missing_holiday_and_day_one_give_the_same_date_and_both_are_said():
    # Strategy discussion Wed 7 Sep 2022: 15 working days end Thu 29 Sep; without the State Funeral, or with
    # the Wednesday counted as day 1, Wed 28 Sep. One record cannot tell which: both are named.
    checked = check_target(date(2022, 9, 7), FIFTEEN, date(2022, 9, 29), date(2022, 9, 28))
    assert checked.working_days == -1
    assert checked.reason == ("does not skip Mon 19 Sep 2022 (State Funeral of Queen Elizabeth II) or counts the "
                              "trigger day as day 1")
    assert checked.note.endswith("or counts the trigger day (Wed 07 Sep 2022) as day 1.")


def test_a_moved_holiday_on_its_usual_date_is_named():
    # Trigger Mon 27 Apr 2020, 5 working days: Apr 28, 29, 30, May 1, 4: Mon 4 May. A system that keeps the
    # early May holiday on Mon 4 May skips it and gets Tue 5 May, 1 working day late.
    checked = check_target(date(2020, 4, 27), Period(5, "working_days"), date(2020, 5, 4), date(2020, 5, 5))
    assert checked.working_days == 1
    assert checked.reason == ("treats Mon 04 May 2020 as a holiday (the usual date of the early May bank holiday), "
                              "which it is not in England and Wales; that year the holiday was on Fri 08 May 2020")


def test_an_unexplained_difference_says_so():
    checked = check_target(date(2022, 10, 3), FIFTEEN, date(2022, 10, 24), date(2022, 11, 4))
    assert checked.working_days == 9 and checked.reason == "no usual mistake explains it"
    assert "9 working days late" in checked.note


def test_tracker_columns_give_targets_and_every_engine_agrees(tmp_path):
    text = ("id,kind,icpc_not_required,cp_plan,strategy_discussion,icpc,target:icpc-15wd\n"
            "a,child-protection,false,false,2022-10-03,2022-10-20,21/10/2022\n"
            "b,child-protection,false,false,2022-10-03,2022-10-20,\n")
    path = tmp_path / "tracker.csv"
    path.write_text(text, encoding="utf-8")
    native = {f.record: f for f in evaluate(records_from_text(text, "csv"), RULES, AS_OF) if f.rule == "icpc-15wd"}
    assert (native["a"].recorded_deadline_working_days, native["b"].recorded_deadline) == (-1, None)
    problems = []
    columns = {row["record"]: row for batch in read_batches([path], RULES.vocabulary, problems)
               for row in evaluate_batch(batch, RULES, AS_OF).rows() if row["rule"] == "icpc-15wd"}
    assert problems == []
    assert columns["a"]["recorded_deadline_reason"] == native["a"].recorded_deadline_reason
    assert columns["b"]["recorded_deadline"] is None


def test_a_target_for_a_rule_that_does_not_exist_skips_the_records_with_did_you_mean(run_cli, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,strategy_discussion,target:icpc-15d\na,child-protection,2022-10-03,2022-10-24\n",
                    encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "2023-03-31")
    assert code == 2 and "icpc-15d" in err and "did you mean 'icpc-15wd'" in err
    records, _ = read_records([path])
    with pytest.raises(Exception, match="icpc-15d"):
        evaluate(records, RULES, AS_OF)


def test_check_reads_a_census_return_and_shows_the_wrong_targets(run_cli):
    code, out, err = run_cli("check", str(CENSUS), "--mapping", "cin-census", "--as-of", "2023-03-31")
    assert "duties checked:" in err
    lines = out.splitlines()
    flagged = [line.strip() for line in lines if line.strip().startswith("target: The system's")]
    assert len(flagged) == 3
    assert any("Fri 30 Sep 2022 is 1 working day early: it does not skip Mon 19 Sep 2022" in line for line in flagged)


def test_day_one_counting_of_months_is_named_at_the_end_of_a_month():
    # Review conference within 3 months of Thu 1 Oct 2020: Fri 1 Jan 2021 by the corresponding date. A system
    # counting 1 October as day 1 ends the day before, Thu 31 Dec 2020, as "3 months beginning with" does
    # (counting on from 30 September would give 30 December). Found by the synthetic SSD's review due dates.
    checked = check_target(date(2020, 10, 1), Period(3, "months"), date(2021, 1, 1), date(2020, 12, 31))
    assert checked.reason == "counts the trigger day as day 1"
    # Mid-month, both ways of counting agree: 15 May 2024 + 3 months, day 1 counted, is 14 Aug.
    assert check_target(date(2024, 5, 15), Period(3, "months"), date(2024, 8, 15),
                        date(2024, 8, 14)).reason == "counts the trigger day as day 1"


def test_each_record_skipped_for_a_target_of_no_rule_is_listed_at_its_row(run_cli, tmp_path):
    """Said once for the file, the other records that gave it were skipped unlisted ("1 row could not be read")."""
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,strategy_discussion,target:icpc-15d\n" +
                    "".join(f"c{i},child-protection,2022-10-03,2022-10-24\n" for i in range(3)), encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "2023-03-31")
    assert code == 2 and [line.split(": target")[0] for line in err.splitlines() if line.startswith("error")] == [
        f"error: {path}:{row}" for row in (2, 3, 4)]
    assert "3 rows could not be read" in out
    code, out, err = run_cli("kpi", str(path), "--as-of", "2023-03-31", "--format", "csv")
    assert code == 0 and err.count("warning:") == 1 and f"{path}: target:icpc-15d" in err
    assert "are not compared" in err and ",3," in out  # counted: a KPI compares no target


@pytest.mark.parametrize("engine", ["batch", "native"])
def test_a_duty_measured_that_names_no_duty_of_the_records_kind_is_warned_of_once_per_file(run_cli, tmp_path, engine):
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,measured,referral_nfa,referral,assessment_completed\n"
                    "r1,referral,la-publish-report,no,2022-05-20,2022-06-01\n"
                    "r2,referral,la-publish-report,no,2022-05-20,2022-06-01\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(path), "--as-of", "2023-03-31", "--format", "csv", "--engine", engine)
    assert code == 0 and err.splitlines() == [
        f"warning: {path}: measured: 'la-publish-report' names no referral duty of the rules in use, so no duty is "
        "measured for it on these records (use a rule id from `compliance rules list`)"]
    assert "assessment-45wd" not in out  # nothing measured on these records
    code, _, err = run_cli("check", str(path), "--as-of", "2023-03-31")
    assert code == 0 and "names no referral duty of the rules in use" in err


def test_a_mapping_measuring_a_duty_the_rules_in_use_lack_is_read_with_a_warning(run_cli, tmp_path):
    """The census measures review conferences on the plan's record (duties: [rcpc]); with rules lacking rcpc the
    plans measure nothing, and are not even read: every command runs on (check stopped on them, and a nightly run
    wrote nothing at all)."""
    rules = rules_without(tmp_path / "rules", "rcpc")
    common = (str(CENSUS), "--mapping", "cin-census", "--rules", str(rules), "--as-of", "2023-03-31")
    for engine in ("batch", "native"):
        code, out, err = run_cli("kpi", *common, "--format", "csv", "--engine", engine)
        assert code == 0 and "error" not in err and "icpc-15wd" in out, err
    code, _, err = run_cli("check", *common)
    assert code in (0, 1) and "error" not in err and "warning" not in err, err
    code, _, err = run_cli("report", *common, "--out", str(tmp_path / "out"), "--quiet")
    assert code in (0, 1) and (tmp_path / "out" / "latest.md").exists(), err


def test_leaving_out_a_target_of_no_rule_in_use_keeps_what_the_record_implies():
    """map --rules wrote an implied value as given (cp_plan=yes from a review conference): the record was rebuilt,
    and what it implies was worked out again as if the record had said it."""
    record = Record("X", "child-protection", events={"icpc": ["2024-01-01"], "rcpc": ["2024-04-01"]},
                    targets={"rcpc": ["2024-04-01"], "icpc-15wd": ["2024-01-02"]})
    [kept], warnings = targets_in_use([record], [r for r in RULES if r.id != "rcpc"])
    assert kept.targets == {"icpc-15wd": record.targets["icpc-15wd"]} and len(warnings) == 1
    assert kept.implied == record.implied == {"cp_plan": "cp_plan taken as yes: the record has rcpc"}
    assert "cp_plan" not in kept.given_attributes


def test_a_duty_measured_that_no_rule_has_is_a_problem_not_a_warning(run_cli, tmp_path):
    """A slip in the measured column (la-publish-reprot) left the inspection unmeasured: "no findings to show",
    exit code 0, where its report was overdue. A name of a rule not in use stays a warning (above)."""
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,authority,framework,report_received,measured\n"
                    "a1,inspection,Northby,ILACS,03/12/2024,la-publish-reprot\n"
                    "a2,inspection,Southby,ILACS,03/12/2024,la-publish-reprot\n"
                    "a3,inspection,Eastby,ILACS,03/12/2024,\n", encoding="utf-8")
    code, out, err = run_cli("check", str(path), "--as-of", "2026-11-20", "--format", "json")
    assert code == 2
    problems = json.loads(out)["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "measured"), (3, "measured")]
    assert problems[0]["message"] == ("no rule or duty is called 'la-publish-reprot' (a duty measured on this "
                                      "record): the record was skipped")
    assert problems[0]["hint"] == "did you mean 'la-publish-report'?"
    assert {f["record"] for f in json.loads(out)["findings"]} == {"a3"}
    counted = set()
    for engine in ("batch", "native"):  # the same table from each: the per-record engine refused the whole run
        code, out, err = run_cli("kpi", str(path), "--as-of", "2026-11-20", "--format", "csv", "--engine", engine)
        assert code == 2 and err.count("no rule or duty is called 'la-publish-reprot'") == 1
        counted.add(out)
    assert len(counted) == 1 and "la-publish-report" in counted.pop()  # a3's duties, counted


def test_a_duty_of_a_pack_added_to_the_rules_is_no_slip_where_a_mapping_cannot_measure_it():
    # kpi --mapping measures the rules the mapping answers: a name of another rule in use is still a rule's.
    rules = load_rules()
    answered = [r for r in rules if r.id == "icpc-15wd"]
    assert RuleNames(answered, rules).mistyped({"la-publish-report", "la-publish-reprot"}) == ["la-publish-reprot"]


def test_a_mapping_whose_duties_name_no_rule_is_refused_before_any_record_is_read(run_cli, tmp_path):
    text = available_mappings()["cin-census"].read_text(encoding="utf-8")
    path = tmp_path / "census.yaml"
    path.write_text(text.replace("duties: [rcpc]", "duties: [rcpcc]", 1), encoding="utf-8")
    code, _, err = run_cli("check", str(CENSUS), "--mapping", str(path), "--as-of", "2023-03-31")
    assert code == 2 and err.count("\n") == 1
    assert (f"{path}: duties: no rule or duty is called 'rcpcc' (among the duties of the child-protection records) "
            "(did you mean 'rcpc'?)") in err
