"""Shared test helpers: paths to fixtures and the bundled data, and a CLI runner."""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))  # cli.py lives at the top level, beside the package


_MADE_CACHE: list[str] = []


def pytest_configure(config):
    """Built calendars are cached for the test run alone, never in the user's own cache folder."""
    if "COMPLIANCE_CACHE_DIR" not in os.environ:
        import tempfile

        _MADE_CACHE.append(tempfile.mkdtemp(prefix="compliance-test-cache-"))
        os.environ["COMPLIANCE_CACHE_DIR"] = _MADE_CACHE[0]


def pytest_unconfigure(config):
    """The run's cache goes with it: a test run leaves nothing in the temporary folder."""
    if _MADE_CACHE:
        import shutil

        shutil.rmtree(_MADE_CACHE.pop(), ignore_errors=True)
        os.environ.pop("COMPLIANCE_CACHE_DIR", None)


#: The day the tests read an extract on: a table keeping only recent years' rows (the SSD's six) counts them back from
#: it where no extract date is given, so the fixtures, dated up to 2025, stay within it whatever day the tests run.
READ_ON = date(2025, 3, 31)


@pytest.fixture(autouse=True)
def extracts_read_on_a_fixed_day(monkeypatch):
    import compliance.records._mappings

    monkeypatch.setattr(compliance.records._mappings, "_today", lambda: READ_ON)


@pytest.fixture
def run_cli(capsys):
    """Run the `compliance` command in-process; return (exit code, stdout, stderr)."""
    import cli

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def durable_loads() -> bool:
    """Whether the durable-rules engine can run here. CI on Python < 3.13 installs it, so there it must."""
    from compliance.engines._durable import load_durable
    from compliance.errors import EngineUnavailable

    try:
        load_durable()
    except EngineUnavailable:
        return os.environ.get("CI") == "true" and sys.version_info < (3, 13)  # let the tests fail loudly
    return True


needs_durable = pytest.mark.skipif(not durable_loads(),
                                   reason="durable-rules is not installed, or cannot load on this Python (pip install "
                                          "'.[test,durable]' on Python 3.11 or 3.12, with a C compiler)")
ENGINES = ["native", pytest.param("durable", marks=needs_durable)]


def referrals_csv(count: int) -> list[str]:
    """The lines of a referrals tracker in the record CSV layout, as a council keeps one: the header is row 1 and
    record k is row k + 1 (team in column 4); some decisions are late, some assessments not yet done."""
    teams = ("Assessment North", "Assessment South", "Front Door")
    lines = ["id,kind,child,team,referral_nfa,referral,referral_decision,assessment_completed"]
    for k in range(1, count + 1):
        referral = date(2024, 1, 2) + timedelta(days=k % 300)
        decided = referral + timedelta(days=1 if k % 7 else 6)
        completed = f"{referral + timedelta(days=40 + k % 40):%d/%m/%Y}" if k % 5 else ""
        lines.append(f"CH{k:05d}-R1,referral,CH{k:05d},{teams[k % 3]},no,{referral:%d/%m/%Y},{decided:%d/%m/%Y},"
                     f"{completed}")
    return lines


def rules_without(folder: Path, *ids: str) -> Path:
    """A rules folder of the bundled casework pack without the rules ``ids`` (a council's own pack), in ``folder``."""
    import yaml

    folder.mkdir()
    pack = yaml.safe_load((ROOT / "rules" / "casework.yaml").read_text(encoding="utf-8"))
    pack["rules"] = [r for r in pack["rules"] if r["id"] not in ids]
    (folder / "casework.yaml").write_text(yaml.safe_dump(pack, sort_keys=False), encoding="utf-8")
    (folder / "vocabulary.yaml").write_text((ROOT / "rules" / "vocabulary.yaml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    return folder


def printed_input_error(code: str, *args: str) -> str:
    """What ``code`` prints of the InputError it raises, run with ``args`` in a Python process allowed at most 1 GiB:
    an input that would take more before it is refused fails the test, not the machine."""
    import resource
    import subprocess
    import textwrap

    probe = ("import sys\nfrom compliance.errors import InputError\ntry:\n" + textwrap.indent(code, "    ")
             + "\nexcept InputError as exc:\n    print(exc)\n")
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60, cwd=ROOT,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)))
    assert done.returncode == 0, done.stderr
    return done.stdout


def read_json(path: Path) -> dict:
    """A JSON document a command wrote, gzip-compressed (findings.json.gz, latest.json.gz) or not."""
    import gzip
    import json

    data = path.read_bytes()
    return json.loads(gzip.decompress(data) if path.name.endswith(".gz") else data)
