"""Numbers the options take: one below any use is refused by name, in one line with exit code 2, before any
work, rather than met with an internal error or a run that quietly does nothing."""

from __future__ import annotations

import pytest

LOOKED_AFTER = ("plan", "looked-after", "became_looked_after=04/11/2024", "--as-of", "2024-11-05")


@pytest.mark.parametrize("given, said", [
    # numpy's generator takes no negative seed: this was exit 3, "internal error".
    (("--seed", "-1"), "seed: --seed must be 0 or more, not -1 (e.g. --seed 7)"),
    # This wrote no file and said "wrote 0 records ()", exit 0.
    (("--limit", "0"), "limit: --limit must be 1 or more, not 0 (e.g. --limit 1000)"),
    (("--limit", "-1"), "limit: --limit must be 1 or more, not -1 (e.g. --limit 1000)"),
])
def test_synth_refuses_a_negative_seed_or_a_limit_below_one(tmp_path, run_cli, given, said):
    folder = tmp_path / "extracts"
    code, out, err = run_cli("synth", "--children", "1", "--output-dir", str(folder), *given)
    assert (code, out, err) == (2, "", f"compliance: error: {said}\n")
    assert not folder.exists()


def test_synth_takes_seed_0_and_limit_1(tmp_path, run_cli):
    code, out, err = run_cli("synth", "--children", "1", "--seed", "0", "--limit", "1",
                             "--output-dir", str(tmp_path))
    assert code == 0 and out.startswith("wrote 1 records ("), err


@pytest.mark.parametrize("occurrences", ["0", "-1"])
def test_plan_refuses_occurrences_below_one(run_cli, occurrences):
    # The plan listed one of each duty as if --occurrences 1 had been given.
    code, out, err = run_cli(*LOOKED_AFTER, "--occurrences", occurrences)
    assert (code, out) == (2, "")
    assert err == (f"compliance: error: occurrences: --occurrences must be from 1 to 1,000,000, not {occurrences} "
                   "(e.g. --occurrences 5)\n")


def test_plan_with_one_occurrence_lists_no_second(run_cli):
    code, out, err = run_cli(*LOOKED_AFTER, "--occurrences", "1")
    assert code == 0 and "cla-review #1" in out and "cla-review #2" not in out, err


@pytest.mark.parametrize("argv, said", [
    (["chek", "x.csv"], "argument COMMAND: invalid choice: 'chek' (did you mean 'check'? choose from "),
    (["rules", "lst"], "argument ACTION: invalid choice: 'lst' (did you mean 'list'? choose from "),
    (["kpi", "x.csv", "--by", "taem"], "argument --by: invalid choice: 'taem' (did you mean 'team'? choose from "),
    (["check", "x.csv", "--asof", "2024-01-01"], "unrecognized arguments: --asof 2024-01-01 (did you mean --as-of?)"),
    (["calendar", "show", "2025", "--calender", "x"], "unrecognized arguments: --calender x (did you mean "
                                                       "--calendar?)"),
    (["check", "--asof=2024-01-01", "--formt=json", "x.csv"], "unrecognized arguments: --asof=2024-01-01 "
                                                              "--formt=json (did you mean --as-of for "
                                                              "--asof=2024-01-01 and --format for --formt=json?)"),
    # Nothing close: argparse's own words, no guess.
    (["check", "x.csv", "--xyzzy"], "unrecognized arguments: --xyzzy\n"),
    (["frobnicate"], "invalid choice: 'frobnicate' (choose from "),
])
def test_a_misspelt_command_or_option_is_told_the_one_meant(capsys, argv, said):
    import cli

    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and said in err, err
