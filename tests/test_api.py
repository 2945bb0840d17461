"""The public API is what the package root exports: small, typed, and pinned here so it changes on purpose."""

import compliance


def test_public_api_is_pinned():
    assert sorted(compliance.__all__) == [
        "Calendar", "ComplianceError", "Deadline", "Finding", "InputError", "NonWorkingDay", "Period", "Problem",
        "Record", "Rule", "RuleSet", "Tracker", "add_period", "add_working_days", "compute_deadline", "evaluate",
        "get_calendar", "load_records", "load_rules", "parse_period", "read_records", "working_days_between",
    ]
    for name in compliance.__all__:
        assert getattr(compliance, name).__doc__, f"{name} has no docstring"


def test_the_package_is_typed():
    from pathlib import Path

    assert (Path(compliance.__file__).parent / "py.typed").is_file()


def test_importing_the_package_does_not_load_durable_rules():
    import subprocess
    import sys

    code = "import sys, compliance; print('durable' in sys.modules or 'durable.lang' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_every_public_name_is_documented_in_the_readme_api_table():
    import re

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| name | what it is |"):]
    first_cells = re.findall(r"^\| (.*?) \|", table[:table.index("\n\n")], flags=re.M)
    documented = {name for cell in first_cells for name in re.findall(r"`([A-Za-z_]+)", cell)}
    assert set(compliance.__all__) <= documented, sorted(set(compliance.__all__) - documented)
