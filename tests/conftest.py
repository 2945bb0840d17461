"""Shared test helpers: paths to fixtures and the bundled data, and a CLI runner."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))  # cli.py lives at the top level, beside the package


@pytest.fixture
def run_cli(capsys):
    """Run the `compliance` command in-process; return (exit code, stdout, stderr)."""
    import cli

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
