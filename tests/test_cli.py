"""The command line as a whole: exit codes, one-line errors for bad input and a faulty environment, --version."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

import cli
from conftest import FIXTURES, ROOT

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
