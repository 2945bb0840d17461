"""Every `compliance` command in the README's shell blocks runs as written, so the README cannot rot.

Each runs in order, as the real command, in a folder holding a copy of examples/ (commands that make
files, such as `synth`, feed the ones after them). A command may find something late (exit 1); none may
fail on its input (exit 2) or crash (exit 3, a traceback).
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, durable_loads

#: Commands that need the world outside this machine: they are tested elsewhere, not here.
NEEDS_OUTSIDE = {"--mail-to": "sends mail through an SMTP server"}
#: A council's database server, which a command may name: tests/test_cli_ssd.py runs the same commands against
#: PostgreSQL. With --show-sql a command connects to nothing, so it runs here.
SERVERS = ("postgresql://", "mssql+pyodbc://")


def readme_commands() -> list[tuple[dict[str, str], list[str], str]]:
    """(environment, arguments after `compliance`, the line as written) for each command in a ```sh block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if "|" in words:
                words = words[:words.index("|")]  # `| head -40`: the command's own output is what counts
            env = {}
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
                name, _, value = words.pop(0).partition("=")
                env[name] = value
            if words and words[0] == "compliance":
                commands.append((env, words[1:], line.strip()))
    return commands


def test_the_readme_has_the_commands_a_reader_tries_first():
    lines = [line for _, _, line in readme_commands()]
    assert lines[0] == "compliance plan inspection report_received=2024-12-03 framework=ILACS"
    assert len(lines) > 25


def test_every_readme_command_runs_as_written(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    ran = 0
    for env, args, line in readme_commands():
        skip = [why for flag, why in NEEDS_OUTSIDE.items() if flag in args]
        if any(arg.startswith(SERVERS) for arg in args) and "--show-sql" not in args:
            skip.append("reads the council's database server")
        if "--engine" in args and args[args.index("--engine") + 1] == "durable" and not durable_loads():
            skip.append("durable-rules cannot load here")
        if skip:
            continue
        expanded = [match for arg in args
                    for match in (sorted(glob.glob(arg, root_dir=tmp_path)) if "*" in arg else [arg])]
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *expanded], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600, env={**os.environ, **env})
        assert done.returncode in (0, 1), f"{line}\nexit {done.returncode}\n{done.stderr}"
        assert "Traceback" not in done.stderr + done.stdout, line
        ran += 1
    assert ran > 20
    # The README's two nightly reports, a week apart, show what changed between them.
    latest = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "### Newly overdue (1)" in latest and "example-moor-2026-ilacs" in latest


@pytest.mark.parametrize("name", ["tracker.xlsx", "census.xml", "bank-holidays.json", "inspections.yaml",
                                  "inspection-events.csv", "local-targets.yaml"])
def test_every_sample_file_the_readme_names_is_shipped(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"examples/{name}" in readme and (ROOT / "examples" / name).is_file()
