"""The durable-rules backend: the native engine's findings, field for field, and its traps kept contained.

The differential tests generate records from the loaded rules themselves (tests/generated_records.py) and
compare ``Finding.to_dict()`` of both engines. The native engine's own correctness is tested against the
law in tests/engines/test_native.py; here the claim is only "identical".
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from compliance import evaluate, load_rules
from compliance.engines._durable import DurableRules, compile_error, evaluate_durable, load_durable
from compliance.engines import CASES, STATUSES, choose_version, duties_by_kind
from compliance.errors import InputError
from compliance.records import Record

from conftest import FIXTURES, ROOT, needs_durable
from generated_records import RecordMaker, hypothesis_records, seeded_records





BUNDLED = load_rules([ROOT / "rules", FIXTURES / "rules" / "casework-sample.yaml",
                      ROOT / "examples" / "local-targets.yaml"])
VERSIONS = load_rules([FIXTURES / "rules" / "durable-versions.yaml"])
BUNDLED_MAKER = RecordMaker(BUNDLED)
VERSIONS_MAKER = RecordMaker(VERSIONS)


def outcome(run):
    """What an evaluation gave: the findings as plain data, or the error it stopped with."""
    try:
        return [f.to_dict() for f in run()]
    except InputError as exc:
        return (type(exc).__name__, str(exc))


@pytest.fixture(scope="module")
def bundled():
    with DurableRules(BUNDLED) as compiled:
        yield compiled


@pytest.fixture(scope="module")
def versions():
    with DurableRules(VERSIONS) as compiled:
        yield compiled


@needs_durable
class TestSameFindings:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hypothesis_records(BUNDLED_MAKER))
    def test_bundled_rules(self, bundled, case):
        records, as_of = case
        native = outcome(lambda: evaluate(records, BUNDLED, as_of))
        assert outcome(lambda: bundled.evaluate(records, as_of)) == native

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hypothesis_records(VERSIONS_MAKER))
    def test_versions_of_a_duty(self, versions, case):
        records, as_of = case
        native = outcome(lambda: evaluate(records, VERSIONS, as_of))
        assert outcome(lambda: versions.evaluate(records, as_of)) == native

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(hypothesis_records(BUNDLED_MAKER))
    def test_without_explanations(self, bundled, case):
        records, as_of = case
        native = outcome(lambda: evaluate(records, BUNDLED, as_of, explain=False))
        assert outcome(lambda: bundled.evaluate(records, as_of, explain=False)) == native

    @pytest.mark.parametrize("ruleset, maker", [(BUNDLED, BUNDLED_MAKER), (VERSIONS, VERSIONS_MAKER)],
                             ids=["bundled", "versions"])
    def test_a_fixed_sample_covers_every_case_and_status(self, ruleset, maker):
        """The comparison is not vacuous: the sample reaches every way of choosing a version, every status."""
        records = seeded_records(maker, 1500, seed=4)
        by_kind = duties_by_kind(ruleset)
        cases, statuses, frameworks = Counter(), Counter(), Counter()
        with DurableRules(ruleset) as compiled:
            for as_of in (date(2009, 6, 30), date(2016, 2, 29), date(2026, 11, 20)):
                safe = [r for r in records if outcome(lambda: evaluate([r], ruleset, as_of)).__class__ is list]
                native = evaluate(safe, ruleset, as_of)
                assert [f.to_dict() for f in compiled.evaluate(safe, as_of)] == [f.to_dict() for f in native]
                statuses.update(f.status for f in native)
                frameworks.update(r.attributes.get("framework") for r in safe if r.kind == "inspection")
                cases.update(choose_version(r, v, as_of).case for r in safe for v in by_kind.get(r.kind, ()))
        assert set(statuses) == set(STATUSES)
        assert set(cases) == set(CASES)
        vocabulary_frameworks = set(ruleset.vocabulary.attributes("inspection")["framework"]["values"])
        assert vocabulary_frameworks <= set(frameworks)

    def test_the_example_records_through_the_command_line(self, run_cli):
        args = ["check", str(ROOT / "examples" / "inspections.yaml"), "--as-of", "2026-11-20", "--format", "json"]
        native = run_cli(*args)
        durable = run_cli(*args, "--engine", "durable")
        assert durable == native
        assert native[0] == 1 and json.loads(native[1])["summary"]["overdue"] > 0

    def test_an_error_inside_an_action_is_not_swallowed(self, monkeypatch):
        """durable-rules catches what an action raises; the backend must still stop with the same error."""
        import compliance.engines._native as native_engine

        def broken(*args, **kwargs):
            raise RuntimeError("a fault in the date arithmetic")

        monkeypatch.setattr(native_engine, "_findings", broken)
        record = Record("x", "inspection", {"framework": "ILACS"}, {"report_received": (date(2026, 10, 1),)})
        with pytest.raises(RuntimeError, match="a fault in the date arithmetic"):
            evaluate_durable([record], BUNDLED, date(2026, 11, 20))

    def test_a_deadline_past_the_calendar_is_that_records_missing_data_in_both_engines(self):
        # Looked after from Mon 20 Dec 2100: the 20th working day falls in 2101, past the calendar's last year.
        late = Record("late", "looked-after", {}, {"became_looked_after": (date(2100, 12, 20),)})
        new = Record("new", "looked-after", {}, {"became_looked_after": (date(2019, 3, 1),)})
        native = evaluate([late, new], BUNDLED, date(2100, 12, 31))
        assert [f.to_dict() for f in evaluate_durable([late, new], BUNDLED, date(2100, 12, 31))] == \
               [f.to_dict() for f in native]
        review = next(f for f in native if f.record == "late" and f.duty == "cla-review")
        assert review.status == "missing_data" and "2100" in review.reason
        assert any(f.record == "new" and f.status == "overdue" for f in native)


@needs_durable
class TestContainment:
    def test_loading_the_same_rules_twice(self):
        record = Record("x", "inspection", {"framework": "ILACS"}, {"report_received": (date(2026, 10, 1),)})
        first, second = DurableRules(load_rules()), DurableRules(load_rules())
        try:
            as_of = date(2026, 11, 20)
            assert [f.to_dict() for f in first.evaluate([record], as_of)] == \
                   [f.to_dict() for f in second.evaluate([record], as_of)] == \
                   [f.to_dict() for f in evaluate([record], load_rules(), as_of)]
        finally:
            first.close()
            second.close()
        # And once more after closing: nothing of the first two is left registered.
        assert evaluate_durable([record], load_rules(), as_of) == evaluate_durable([record], load_rules(), as_of)

    def test_two_rule_sets_in_one_process(self, bundled, versions):
        records = seeded_records(VERSIONS_MAKER, 200, seed=9)
        as_of = date(2019, 5, 1)
        for compiled, ruleset in ((bundled, BUNDLED), (versions, VERSIONS), (bundled, BUNDLED)):
            assert outcome(lambda: compiled.evaluate(records, as_of)) == outcome(
                lambda: evaluate(records, ruleset, as_of))

    def test_a_closed_rule_set_cannot_evaluate(self):
        compiled = DurableRules(VERSIONS)
        compiled.close()
        with pytest.raises(RuntimeError, match="closed"):
            compiled.evaluate([], date(2020, 1, 1))


def _teams_pack(tmp_path, count):
    values = "".join(f"        - team-{i}\n" for i in range(count))
    path = tmp_path / f"teams-{count}.yaml"
    path.write_text(
        "pack: many-teams\nrules:\n  - id: teams-target\n    title: A target for many teams\n"
        "    kind: local-target\n    duty_holder: Example council\n    applies_to: complaint\n"
        f"    when:\n      team:\n{values}"
        "    trigger: complaint_received\n    completion: stage1_response\n    period: 5 working days\n"
        "    in_force: {from: 2020-01-01}\n    source: {citation: Invented, verification: unverified}\n",
        encoding="utf-8")
    return path


@needs_durable
class TestRulesDurableCannotRun:
    def test_too_many_values_for_one_node_is_refused_not_hung(self, tmp_path):
        """durable-rules 2.0.28 loops forever on a node with 512 children; the backend refuses first."""
        path = _teams_pack(tmp_path, 600)
        with pytest.raises(InputError) as caught:
            DurableRules(load_rules([path]))
        problem = caught.value.problems[0]
        assert (problem.file, problem.line) == (str(path), 3)
        # 600 teams, and one more for a record that does not say its team
        assert "'teams-target'" in problem.message and "601 alternatives" in problem.message
        assert "--engine native" in str(problem)

    def test_just_under_the_limit_runs_and_agrees(self, tmp_path):
        ruleset = load_rules([_teams_pack(tmp_path, 500)])
        records = [Record(f"c{i}", "complaint", {"team": f"team-{i}"}, {"complaint_received": (date(2024, 1, 2),)})
                   for i in range(0, 520, 13)]
        assert outcome(lambda: evaluate_durable(records, ruleset, date(2024, 3, 1))) == outcome(
            lambda: evaluate(records, ruleset, date(2024, 3, 1)))

    def test_the_command_line_says_so_in_one_line(self, tmp_path, run_cli):
        path = _teams_pack(tmp_path, 600)
        code, out, err = run_cli("check", str(ROOT / "examples" / "inspections.yaml"), "--rules", str(path),
                                 "--engine", "durable", "--as-of", "2026-11-20")
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and err.startswith(f"compliance: error: {path}:3: rule 'teams-target'")

    def test_error_202_names_the_yaml_rule(self):
        """The opaque "error code: 202" of a malformed ruleset, as durable-rules raises it, made readable."""
        core = load_durable().durable_rules_engine
        with pytest.raises(Exception, match="error code: 202") as raised:
            core.create_ruleset("malformed", json.dumps({"r": {"all": [{"m": {"$nosuch": {"a": 1}}}]}}))
        rule = BUNDLED.get("la-publish-report")
        problem = compile_error(rule, raised.value).problems[0]
        assert (problem.file, problem.line) == (rule.file, rule.line)
        assert problem.message == ("rule 'la-publish-report' cannot run on durable-rules: durable-rules could not "
                                   "parse the compiled pattern (durable-rules error code 202)")


class TestUnavailable:
    """Run in a fresh interpreter where ``import durable`` fails, as it does when the extra is not installed."""

    BLOCKED = "import sys; sys.modules['durable'] = None; sys.path.insert(0, {root!r}); "

    def run(self, code):
        return subprocess.run([sys.executable, "-c", self.BLOCKED.format(root=str(ROOT)) + code],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)

    @pytest.mark.parametrize("command", [
        ["check", "examples/inspections.yaml", "--as-of", "2026-11-20", "--engine", "durable"],
        ["track", "examples/inspection-events.csv", "--as-of", "2026-11-20", "--engine", "durable"],
    ], ids=["check", "track"])
    def test_the_command_says_so_in_one_line_with_the_fix(self, command):
        done = self.run(f"import cli; sys.exit(cli.main({command!r}))")
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        if sys.version_info >= (3, 13):  # where the [durable] extra installs nothing
            version = ".".join(map(str, sys.version_info[:3]))
            assert done.stderr == (f"compliance: error: durable-rules does not run on Python {version} (its last "
                                   "release cannot load there): use --engine native, or Python 3.11 or 3.12 with "
                                   "pip install 'statutory-timelines[durable]'\n")
        else:
            assert done.stderr == ("compliance: error: durable-rules is not installed: pip install "
                                   "'statutory-timelines[durable]' (Python 3.11 or 3.12, with a C compiler), "
                                   "or use --engine native\n")

    def test_the_default_engine_still_works(self):
        done = self.run("import cli; sys.exit(cli.main(['check', 'examples/inspections.yaml', '--as-of', "
                        "'2026-11-20']))")
        assert done.returncode == 1 and "OVERDUE" in done.stdout and done.stderr == ""

    def test_the_library_raises_engine_unavailable(self):
        done = self.run("from compliance import evaluate, load_rules; from compliance.errors import "
                        "EngineUnavailable\ntry:\n    evaluate([], load_rules(), engine='durable')\n"
                        "except EngineUnavailable as exc:\n    print('unavailable:', exc)")
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("unavailable: durable-rules ")
        assert "--engine native" in done.stdout and done.stdout.count("\n") == 1
