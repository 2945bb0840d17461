"""Rule packs: the bundled packs are valid and pass their own tests; bad packs are reported precisely."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compliance.errors import InputError
from compliance.rules import check_rules, load_rules
from compliance.engines import run_rule_tests

from conftest import FIXTURES, ROOT

BAD = FIXTURES / "rules"
#: The line la-publish-report begins on in the bundled pack, where a problem naming it points.
RULE_LINE = (ROOT / "rules" / "inspections.yaml").read_text(encoding="utf-8").splitlines().index(
    "  - id: la-publish-report") + 1


def test_bundled_packs_are_valid():
    ruleset, problems = check_rules()
    assert problems == []
    ids = {r.id for r in ruleset}
    assert {"la-publish-report", "la-publish-statement", "la-send-action-plan", "lscb-publish-report"} <= ids


def _all_rule_tests():
    ruleset = load_rules([ROOT / "rules", ROOT / "examples" / "local-targets.yaml"])
    return [pytest.param(r, id=f"{r.rule}: {r.name}") for r in run_rule_tests(ruleset)]


@pytest.mark.parametrize("result", _all_rule_tests())
def test_every_rule_passes_its_own_tests(result):
    assert result.passed, "\n".join(result.differences)


def test_statute_says_working_days_and_local_target_says_calendar_days():
    law = load_rules().get("la-publish-report")
    local = load_rules([ROOT / "examples" / "local-targets.yaml"]).get("local-publish-report-30-days")
    assert (law.period.amount, law.period.unit, law.kind) == (30, "working_days", "statutory")
    assert (local.period.amount, local.period.unit, local.kind) == (30, "days", "local-target")


def test_lscb_duty_ends_with_lscbs():
    rule = load_rules().get("lscb-publish-report")
    assert rule.in_force.end == date(2019, 9, 29)
    assert rule.source.verification == "unverified"


def _problems(name):
    _, problems = check_rules([BAD / name])
    return [(p.line, p.column, p.message) for p in problems]


def test_unknown_event_duplicate_id_and_zero_period_each_located():
    found = _problems("bad-typos.yaml")
    assert (8, 14, "unknown event 'report_recieved' for inspection records") in found
    assert any(line == 12 and "duplicate rule id 'publish-report'" in m for line, _, m in found)
    assert any(line == 19 and "a period of 0 working days" in m for line, _, m in found)
    assert len(found) == 3


def test_overlapping_versions_of_one_duty():
    found = _problems("bad-overlap.yaml")
    assert len(found) == 1
    line, _, message = found[0]
    assert line == 23 and "'assessment-2013'" in message and "'assessment-2010'" in message


def _local_pack(tmp_path, duty_line, when="{framework: [SIF, ILACS]}", applies_to="inspection"):
    """examples/local-targets.yaml's rule, with ``duty_line`` after its id (line 3), in a pack of its own."""
    path = tmp_path / "local.yaml"
    path.write_text(f"""pack: local
rules:
  - id: local-publish-report-30-days
{duty_line}
    title: Publish the inspection report within 30 calendar days (local target)
    kind: local-target
    duty_holder: Example Borough Council
    applies_to: {applies_to}
    when: {when}
    trigger: report_received
    completion: report_published
    period: 30 days
    in_force: {{from: 2018-01-01}}
    source: {{citation: "Example Borough Council Cabinet decision, 2018", verification: primary}}
""", encoding="utf-8")
    return path


def test_an_added_rule_naming_a_bundled_duty_in_force_with_it_is_refused_at_its_line(tmp_path, run_cli):
    """It passed with another `when` (framework SIF or ILACS, not the law's three), and `check` then judged every
    inspection on la-publish-report alone, the first version in force: the target was in no finding at all."""
    pack = _local_pack(tmp_path, "    duty: la-publish-report")
    _, problems = check_rules([ROOT / "rules", pack])
    [problem] = problems
    assert (problem.file, problem.line) == (str(pack), 13)  # its in_force:
    assert problem.message == (
        "rule 'local-publish-report-30-days' is in force (2018-01-01 to now) while 'la-publish-report' (2007-04-01 to "
        f"now, at {ROOT / 'rules' / 'inspections.yaml'}:{RULE_LINE}) is, for the same duty 'la-publish-report', on records that "
        "meet both their `when` conditions: a record is judged on one version of a duty, so the other would never be "
        "checked")
    assert problem.hint.startswith("if it is not a version of 'la-publish-report', leave out its duty: line")
    code, out, err = run_cli("check", str(ROOT / "examples" / "inspections.yaml"), "--add-rules", str(pack),
                             "--as-of", "2026-11-20")
    assert code == 2 and out == "" and "local.yaml:13:" in err


@pytest.mark.parametrize("when", ["{framework: [JTAI]}", "{framework: JTAI, lscb_review: true}"])
def test_versions_of_one_duty_in_force_together_for_records_no_one_of_which_meets_both_are_kept(tmp_path, when):
    # The law's version is for SIF, ILACS and focused visits: a JTAI record is judged on this one.
    _, problems = check_rules([ROOT / "rules", _local_pack(tmp_path, "    duty: la-publish-report", when)])
    assert problems == []


def test_a_version_of_a_duty_for_another_kind_of_record_is_refused(tmp_path):
    # The duty was checked on the records of its first version's kind alone.
    pack = _local_pack(tmp_path, "    duty: la-publish-report", when="{}", applies_to="complaint")
    messages = [(p.line, p.message) for p in check_rules([ROOT / "rules", pack])[1] if "version" in p.message]
    assert messages == [(8, "rule 'local-publish-report-30-days' is a version of the duty 'la-publish-report', as "
                            f"'la-publish-report' is, at {ROOT / 'rules' / 'inspections.yaml'}:{RULE_LINE}, but applies to "
                            "complaint records, not inspection")]


def test_duplicate_key_in_a_rule():
    assert [(11, 5)] == [(line, col) for line, col, _ in _problems("bad-duplicate-key.yaml")]


def test_schema_problems_all_reported_in_one_run():
    found = _problems("bad-schema.yaml")
    messages = "\n".join(m for _, _, m in found)
    assert "'2007-04-31' is not a valid value" in messages
    assert "unknown field 'perod'" in messages
    assert "'statute' is not one of" in messages
    assert "unknown unit 'wrking days'" in messages
    assert all(line is not None for line, _, _ in found)


@pytest.mark.parametrize("text, message, hint", [
    ("", "the file is empty", "a rule pack is a mapping of pack:, title: and rules:"),
    ("[]\n", "the file is not a rule pack", "a rule pack is a mapping of pack:, title: and rules:"),
    ("title: Local\n", "this pack has no rules:", "every pack gives"),
    ('pack: p\ntitle: t\nrules:\n  - id: "=HYPERLINK(1)"\n', "'=HYPERLINK(1)' cannot be a rule's id",
     "write lower-case letters, digits, - and _, beginning with a letter"),
    ("pack: p\ntitle: t\nrules:\n  - id: local-x\n", "this rule has no title:", "every rule gives id:, title:"),
])
def test_a_pack_that_is_none_or_lacks_a_field_is_said_so_with_the_fix(tmp_path, text, message, hint):
    # jsonschema's words passed through: "None is not of type 'object'", "'title' is a required property".
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = check_rules([path])
    said = [(p.message, p.hint or "") for p in problems]
    assert any(m == message and h.startswith(hint) for m, h in said), said


def test_load_rules_raises_with_every_problem():
    with pytest.raises(InputError) as exc:
        load_rules([BAD / "bad-typos.yaml"])
    assert len(exc.value.problems) == 3


def test_validate_command_prints_file_line_column_and_exits_2(run_cli):
    code, out, err = run_cli("rules", "validate", str(BAD / "bad-typos.yaml"))
    assert code == 2
    assert f"{BAD / 'bad-typos.yaml'}:8:14: unknown event 'report_recieved'" in err
    assert "did you mean 'report_received'?" in err


def test_validate_command_ok(run_cli):
    code, out, _ = run_cli("rules", "validate")
    assert code == 0 and out.startswith("ok: ")


def test_list_and_show_print_citations(run_cli):
    code, out, _ = run_cli("rules", "list")
    assert code == 0 and "la-publish-report" in out and "SI 2007/462, reg 2" in out
    code, out, _ = run_cli("rules", "show", "la-publish-report")
    assert code == 0
    assert "30 working days (excluding the trigger day)" in out
    assert "within 30 working days of receiving it" in out


def test_show_unknown_rule_is_a_clear_error(run_cli):
    code, _, err = run_cli("rules", "show", "no-such-rule")
    assert code == 2 and "no rule with id 'no-such-rule'" in err


def test_rules_test_command_reports_failures(run_cli, tmp_path):
    text = (ROOT / "examples" / "local-targets.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("deadline: 2020-01-11", "deadline: 2020-01-13"))
    code, out, _ = run_cli("rules", "test", str(broken))
    assert code == 1
    assert "FAIL" in out and "deadline expected 2020-01-13, got 2020-01-11" in out


rule_text = st.fixed_dictionaries({
    "id": st.text(min_size=0, max_size=12),
    "kind": st.sampled_from(["statutory", "guidance", "local-target", "law", 3]),
    "period": st.one_of(st.text(max_size=20), st.integers(), st.fixed_dictionaries(
        {"amount": st.integers(-3, 100), "unit": st.sampled_from(["days", "working_days", "fortnights"])})),
    "trigger": st.sampled_from(["report_received", "report_recieved", "", "x"]),
    "in_force": st.one_of(st.none(), st.fixed_dictionaries({"from": st.dates() | st.text(max_size=10)})),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule_text, st.booleans())
def test_arbitrary_rule_documents_give_problems_not_crashes(tmp_path, raw, wrap):
    import yaml

    doc = {"rules": [dict(raw, title="t", duty_holder="d", applies_to="inspection", completion="report_published",
                          source={"citation": "c", "verification": "primary"})]} if wrap else raw
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(doc, default_flow_style=False))
    ruleset, problems = check_rules([path])
    for p in problems:
        assert p.file == str(path)
    assert problems or len(ruleset) == 1


def test_a_rule_pack_can_extend_the_vocabulary(tmp_path):
    pack = tmp_path / "extra.yaml"
    pack.write_text(Path(BAD / "bad-duplicate-key.yaml").read_text().replace("    period: 30 days\n", "")
                    .replace("trigger: report_received", "trigger: council_notified")
                    + "vocabulary:\n  kinds:\n    inspection:\n      events:\n        council_notified: notified\n")
    ruleset = load_rules([pack])
    assert ruleset.get("publish-report").trigger == "council_notified"


def test_a_key_that_is_not_a_name_is_a_located_problem(tmp_path):
    """Found by tests/test_fuzz.py: `when: {0: true}` was a TypeError traceback in the suggestion for it."""
    text = (FIXTURES / "rules" / "casework-sample.yaml").read_text(encoding="utf-8")
    path = tmp_path / "pack.yaml"
    path.write_text(text.replace("when: {placement_until_18: true}", "when: {placement_until_18: true, 0: true}"),
                    encoding="utf-8")
    _, problems = check_rules([path])
    [problem] = [p for p in problems if "not a name" in p.message]
    assert problem.message == "0 is not a name, so it cannot be a key" and problem.field == "rules.1.when.0"
    assert (problem.file, problem.line) == (str(path), 24)


def test_a_pack_that_passed_the_schema_is_not_checked_by_it_again_until_it_changes(tmp_path):
    """The schema check (jsonschema: some 100 ms to import) is remembered for a pack's exact text; a pack with a
    problem is never remembered, and an edited one is checked again."""
    import os
    import subprocess
    import sys

    pack = tmp_path / "pack.yaml"
    pack.write_text((ROOT / "rules" / "inspections.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    probe = ("import sys; from compliance.rules import check_rules; "
             f"_, problems = check_rules([{str(pack)!r}]); print(len(problems), 'jsonschema' in sys.modules)")
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path / "cache")}

    def run():
        return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                              check=True).stdout.split()

    assert run() == ["0", "True"]
    assert run() == ["0", "False"]
    pack.write_text(pack.read_text(encoding="utf-8").replace("title:", "titel:", 1), encoding="utf-8")
    assert run()[1] == "True" and run()[1] == "True" and run()[0] != "0"


RULE = """pack: x
title: x
rules:
  - id: visits
    title: Visits
    kind: statutory
    duty_holder: x
    applies_to: looked-after
    trigger: placement_start
    completion: visit
    period: {period}
    source: {{citation: x, verification: primary}}
{more}"""


def _messages(tmp_path, period="1 week", more=""):
    path = tmp_path / "pack.yaml"
    path.write_text(RULE.format(period=period, more=more), encoding="utf-8")
    _, problems = check_rules([path])
    return [(p.message, p.hint) for p in problems]


def test_a_period_written_as_a_mapping_with_an_unknown_unit_names_it_and_the_units(tmp_path):
    [(message, hint)] = _messages(tmp_path, period="{amount: 30, unit: fortnights}")
    assert message == "unknown unit 'fortnights' in period {amount: 30, unit: fortnights}"
    assert hint == "the units are days, working_days, weeks, months and hours"
    [(message, hint)] = _messages(tmp_path, period="30 fortnights")
    assert message == "unknown unit 'fortnights' in period '30 fortnights'"
    assert "days, working days, weeks, months and hours" in hint


@pytest.mark.parametrize("period, said", [
    ("-5 days", "a period must be at least 1, not -5"),
    ("1e3 days", "cannot read period '1e3 days'"),
    ("days", "cannot read period 'days'"),
])
def test_a_period_written_wrong_is_one_problem_in_its_own_words(tmp_path, period, said):
    """It was two: the schema's "rules.0.period: is not a valid period", with no value, then the reading's own."""
    [(message, hint)] = _messages(tmp_path, period=period)
    assert message == said and "write an amount and a unit" in hint


@pytest.mark.parametrize("period, said", [
    # From 31 Dec 2200, the last day a calendar covers, 9999-12-31 is 2,848,526 days, 406,932 weeks and 93,588
    # months away (7,799 years).
    ("2848527 days", "2848527 days"), ("406933 weeks", "406933 weeks"), ("93589 months", "93589 months"),
    ("68364625 hours", "68364625 hours"), ("{amount: 99999999999, unit: days}", "99999999999 days"),
    ("2100000 working days", "2100000 working days"),  # at least 2,940,000 days, weekends alone
])
def test_a_period_running_past_the_year_9999_is_refused_naming_the_rule_and_field(tmp_path, period, said):
    path = tmp_path / "pack.yaml"
    path.write_text(RULE.format(period=period, more=""), encoding="utf-8")
    _, [problem] = check_rules([path])
    assert (problem.field, problem.line) == ("rules.0.period", 11)
    assert problem.message == (f"rule 'visits': a period of {said} runs past the year 9999 from a trigger in 2200, "
                               "the last year a calendar covers")
    assert problem.hint == "check the amount; no statutory period is that long"


@pytest.mark.parametrize("period", ["2848526 days", "406932 weeks", "93588 months", "68364624 hours",
                                    "1500000 working days"])
def test_a_period_ending_by_the_year_9999_is_left_to_the_records(tmp_path, period):
    assert _messages(tmp_path, period=period) == []


def test_conditions_on_steps_and_caveats_are_checked_against_the_vocabulary(tmp_path):
    found = _messages(tmp_path, more="""    recurrence:
      then:
        - {period: 6 weeks, when: {placement_untill_18: true}}
        - {period: 3 months, when: {placement_until_18: true}}
    caveats:
      - {when: {framwork: x}, note: y}
""")
    messages = [m for m, _ in found]
    assert "unknown attribute 'placement_untill_18' for looked-after records" in messages
    assert "unknown attribute 'framwork' for looked-after records" in messages
    assert any(m.startswith("the last step of a recurrence applies to every record") for m in messages)
    assert len(found) == 3


def test_the_event_that_ends_a_duty_is_checked_and_said_once(tmp_path):
    # A duty done once gives its end as `until:`; a misspelt event is named where it is written.
    assert _messages(tmp_path, more="    until: ceased_looked_after\n") == []
    [(message, _)] = _messages(tmp_path, more="    until: ceased_looked_afer\n")
    assert message == "unknown event 'ceased_looked_afer' for looked-after records"
    # A recurring duty gives it in `recurrence.until`, so one rule never has two ends.
    [(message, hint)] = _messages(tmp_path, more="    until: ceased_looked_after\n    recurrence:\n"
                                                  "      then: [{period: 6 weeks}]\n")
    assert (message, hint) == ("a recurring rule gives the event that ends it in recurrence.until",
                               "move `until:` under `recurrence:`")


def test_an_extension_counted_from_its_grant_needs_an_addition(tmp_path):
    text = RULE.replace("applies_to: looked-after\n    trigger: placement_start\n    completion: visit",
                        "applies_to: care-proceedings\n    trigger: care_application_issued\n"
                        "    completion: care_proceedings_disposed")
    path = tmp_path / "pack.yaml"
    path.write_text(text.format(period="26 weeks", more="    extension: {event: care_extension, period: 34 weeks, "
                                                        "after_deadline: from_grant}\n"), encoding="utf-8")
    _, problems = check_rules([path])
    assert [p.message for p in problems] == [
        "after_deadline: from_grant adds the extension to the later of the deadline and the grant day, so it needs "
        "`adds`"]
    path.write_text(text.format(period="26 weeks", more="    extension: {event: care_extension, adds: 8 weeks, "
                                                        "after_deadline: sometimes}\n"), encoding="utf-8")
    _, problems = check_rules([path])
    assert len(problems) == 1 and problems[0].field == "rules.0.extension.after_deadline"


@pytest.mark.parametrize("implies, message", [
    ("{cp_plann: true}", "child-protection records have no attribute or event cp_plann"),
    ("{cp_plan: maybe}", "cp_plan cannot be 'maybe'"),
    ("{icpc: true}", "an implied event can only be happened or happened by then, not True"),
    ("{icpc_not_required: true}", "icpc_not_required has a default (false), so it is never absent for anything to "
                                  "imply: an implication may name only the default, to flag a record that gives"),
])
def test_what_a_pack_says_an_event_implies_is_checked(tmp_path, implies, message):
    pack = tmp_path / "extra.yaml"
    pack.write_text(RULE.format(period="1 week", more="") + "vocabulary:\n  kinds:\n    child-protection:\n"
                    f"      events:\n        strategy_review: {{description: x, implies: {implies}}}\n",
                    encoding="utf-8")
    _, problems = check_rules([pack])
    assert any(message in p.message for p in problems), [p.message for p in problems]


def test_a_pack_may_imply_an_attributes_default_to_flag_a_record_that_gives_another(tmp_path):
    pack = tmp_path / "extra.yaml"
    pack.write_text(RULE.format(period="1 week", more="") + "vocabulary:\n  kinds:\n    child-protection:\n"
                    "      events:\n        strategy_review: {description: x, implies: {icpc_not_required: false}}\n",
                    encoding="utf-8")
    _, problems = check_rules([pack])
    assert not [p for p in problems if not p.warning], [p.message for p in problems]


def test_the_bundled_vocabulary_says_what_events_imply():
    vocab = load_rules().vocabulary
    assert ("rcpc", "cp_plan", True) in {(i.source, i.target, i.value) for i in vocab.implications("child-protection")}
    assert ("stage2_response", "stage2_start", "happened") in {
        (i.source, i.target, i.value) for i in vocab.implications("complaint")}


def test_a_rules_folder_with_no_packs_is_refused_not_an_all_clear(tmp_path, run_cli):
    """An empty --rules folder, or one of .yml files, would check nothing and report nothing late, exit 0."""
    empty, yml = tmp_path / "empty", tmp_path / "yml"
    empty.mkdir()
    yml.mkdir()
    (yml / "casework.yml").write_text((ROOT / "rules" / "casework.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    records = tmp_path / "r.csv"
    records.write_text("id,kind,referral\nr1,referral,01/01/2025\n", encoding="utf-8")
    for folder, hint in ((empty, "give the folder that holds the .yaml rule packs"), (yml, "rename casework.yml")):
        code, out, err = run_cli("check", str(records), "--as-of", "2025-06-01", "--rules", str(folder))
        assert (code, out) == (2, "") and "no rule packs" in err and hint in err, err


def test_a_rule_file_not_in_utf_8_is_said_so_where_its_first_such_byte_is(tmp_path):
    # It was "cannot read rule file: 'utf-8' codec can't decode byte 0xe9 in position 19: ...", with no line.
    path = tmp_path / "local.yaml"
    path.write_bytes(b"pack: local\ntitle: Caf\xe9 targets\nrules: []\n")
    with pytest.raises(InputError) as exc:
        load_rules([path])
    [problem] = exc.value.problems
    assert (problem.file, problem.line, problem.column) == (str(path), 2, 11)
    assert problem.message == "byte 0xe9 is not UTF-8 text"
    assert problem.hint == "save the rule file as UTF-8, as YAML files must be"
    path.write_bytes(b"pack: local\ntitle: Cafe\xcc\x81 \xe9t\xe9\nrules: []\n")  # e and a combining acute, then 0xe9
    with pytest.raises(InputError) as exc:
        load_rules([path])
    # Counted in characters as an editor counts them: 'title: Cafe' is 11, U+0301 (two bytes) the 12th, a space the
    # 13th: the byte is the 14th character (it was 15, in bytes).
    assert (exc.value.problems[0].line, exc.value.problems[0].column) == (2, 14)


def test_an_hours_period_that_would_roll_to_a_working_day_is_refused(tmp_path):
    # It was accepted and the roll left out of the sum without a word: 48 hours from Thu 24 Oct 2024 10:00 end on
    # Saturday 26 Oct at 10:00, roll or not.
    path = tmp_path / "local.yaml"
    path.write_text("""pack: local
title: Our own targets
rules:
  - id: return-interview-48h-local
    duty: return-interview-local
    title: Offer a return interview within 48 hours
    kind: local-target
    duty_holder: Local authority children's social care
    applies_to: missing-episode
    trigger: returned_from_missing
    completion: return_interview
    period: {amount: 48, unit: hours, roll: true}
    in_force: {from: 2015-01-01}
    source: {citation: Our practice standard 7.1, verification: primary}
""", encoding="utf-8")
    rules, problems = check_rules([path])
    assert [(p.line, p.message) for p in problems] == [(12, "an hours period cannot roll to a working day")]  # period:
