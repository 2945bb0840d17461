"""The built wheel carries its rules and calendars, and the installed `compliance` command works from anywhere.

Builds the wheel from this checkout (hatchling comes from the package index as a build dependency),
installs it with --no-deps into a fresh virtualenv, and runs the installed command from a directory
that is not the repository, so nothing can be found by accident beside the source tree.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

BIN = "Scripts" if sys.platform == "win32" else "bin"


def _run(*args: str | Path, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COMPLIANCE_CALENDARS")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, ROOT)
    assert done.returncode == 0, f"building the wheel failed:\n{done.stdout}\n{done.stderr}"
    wheels = list(out.glob("statutory_timelines-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A virtualenv holding only the wheel; its dependencies are the ones this test run already has."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    done = _run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    assert done.returncode == 0, done.stderr
    python = venv / BIN / "python"
    if sys.prefix != sys.base_prefix:
        # Running inside a virtualenv: "system" site-packages would be the base interpreter's, which lacks
        # the dependencies. List this environment's site-packages after the new one's, so the wheel wins.
        inner = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
        Path(inner, "test-run-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # --ignore-installed: the dependencies' site-packages may hold an installed copy of this project too.
    done = _run(python, "-m", "pip", "install", "--no-deps", "--no-index", "--ignore-installed", "--quiet", wheel)
    assert done.returncode == 0, done.stderr
    return venv


def test_wheel_contains_the_bundled_data_the_cli_and_the_type_marker(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("compliance/_bundled/rules/inspections.yaml",
                     "compliance/_bundled/rules/vocabulary.yaml",
                     "compliance/_bundled/rules/rule-pack.schema.json",
                     "compliance/_bundled/calendars/england-and-wales.yaml",
                     "compliance/_bundled/calendars/scotland.yaml",
                     "compliance/_bundled/calendars/northern-ireland.yaml",
                     "compliance/_bundled/calendars/united-kingdom.yaml",
                     "compliance/_bundled/examples/inspections.yaml",
                     "compliance/_bundled/examples/tracker.xlsx",
                     "compliance_cli.py",
                     "compliance/py.typed"):
        assert required in names, f"{required} is missing from {wheel.name}"


def test_installed_command_runs_from_outside_the_repository(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    command = installed / BIN / "compliance"
    where = _run(installed / BIN / "python", "-c",
                 "import compliance, compliance_cli; from compliance.resources import bundled; "
                 "print(compliance.__file__); print(compliance_cli.__file__); print(bundled('calendars'))",
                 cwd=elsewhere)
    assert where.returncode == 0, where.stderr
    for path in where.stdout.splitlines():
        assert Path(path).resolve().is_relative_to(installed.resolve()), f"{path} is not from the wheel"

    deadline = _run(command, "deadline", "2018-12-05", "70 working days", cwd=elsewhere)
    assert deadline.returncode == 0, deadline.stderr
    assert deadline.stdout.startswith("2019-03-18")

    tests = _run(command, "rules", "test", cwd=elsewhere)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    passed, failed = tests.stdout.strip().splitlines()[-1].split(", ")
    assert int(passed.split()[0]) > 0 and failed == "0 failed"


def test_the_quick_start_check_runs_from_outside_the_repository(installed, tmp_path):
    """The README's first command, `compliance check examples/inspections.yaml`, reads the examples that come with
    the package when the folder has none, and says so."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _run(installed / BIN / "compliance", "check", "examples/inspections.yaml", "--as-of", "2026-11-20",
                cwd=elsewhere)
    assert done.returncode == 1, done.stderr  # some examples are overdue, as intended
    assert done.stdout.startswith("Compliance as of 2026-11-20: 3 overdue")
    assert "examples/inspections.yaml is not in this folder: reading the copy installed with the package" in done.stderr
    bundled = Path(done.stderr.split("with the package, ")[1].split()[0])
    assert bundled.resolve().is_relative_to(installed.resolve())


def test_the_help_examples_naming_rule_files_and_mappings_run_from_outside_the_repository(installed, tmp_path):
    """`compliance rules test rules/inspections.yaml` and `--mapping examples/own-columns.yaml`, as --help and
    docs/mappings.md write them, read the copies installed with the package from any folder."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = _run(installed / BIN / "compliance", "rules", "test", "rules/inspections.yaml", "--rule",
                "la-publish-report", cwd=elsewhere)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rules/inspections.yaml is not in this folder" in done.stderr
    done = _run(installed / BIN / "compliance", "check", "examples/own-columns.csv", "--mapping",
                "examples/own-columns.yaml", "--as-of", "2025-12-31", cwd=elsewhere)
    assert done.returncode == 1 and "late by 5 working days (7 days)" in done.stdout, done.stderr
