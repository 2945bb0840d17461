"""Every example in the README runs as written, from any folder, so the README cannot rot.

Each `compliance` command of the shell blocks runs in order, as the real command, in an empty folder: the
`examples/` files it names are the copies that come with the package, and commands that make files (`synth`)
feed the ones after them. A command may find something late (exit 1); none may fail on its input (exit 2)
or crash (exit 3, a traceback). Each output shown after `$ compliance ...` is what that command prints, the
library example runs with each value its comments promise, and the message shown for a Windows-1252 file is
the one such a file gets.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import shlex
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT, durable_loads

#: Commands that need the world outside this machine: they are tested elsewhere, not here.
NEEDS_OUTSIDE = {"--mail-to": "sends mail through an SMTP server"}


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


def test_every_readme_command_runs_as_written_from_an_empty_folder(tmp_path):
    ran = 0
    for env, args, line in readme_commands():
        skip = [why for flag, why in NEEDS_OUTSIDE.items() if flag in args]
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
    assert not (tmp_path / "examples").exists()  # read from the package's own copies, written nowhere
    assert ran > 20
    # The README's two nightly reports, a week apart, show what changed between them.
    latest = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "### Newly overdue (1)" in latest and "example-moor-2026-ilacs" in latest


@pytest.mark.parametrize("name", ["tracker.xlsx", "census.xml", "bank-holidays.json", "inspections.yaml",
                                  "inspection-events.csv", "local-targets.yaml"])
def test_every_sample_file_the_readme_names_is_shipped(name):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"examples/{name}" in readme and (ROOT / "examples" / name).is_file()


def readme_blocks(language: str) -> list[tuple[int, str]]:
    """(line number, text) of each fenced block of ``language`` in the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [(text[:m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(rf"^```{language}\n(.*?)^```", text, flags=re.S | re.M)]


def shown_in(shown: list[str], printed: str) -> str | None:
    """None when every line ``shown`` is in ``printed``, in order; else the first that is not.

    A line of "..." stands for lines left out, "..." within a line for words left out, and a long line may be
    wrapped onto the next: each part must be in an output line at or after the one the part before was in.
    """
    lines = printed.splitlines()
    at = 0
    for line in shown:
        parts = [p.strip() for p in line.split("...") if p.strip()]
        for j in range(at, len(lines)):
            position, found = 0, True
            for part in parts:
                position = lines[j].find(part, position)
                if position < 0:
                    found = False
                    break
                position += len(part)
            if found:
                at = j
                break
        else:
            return line
    return None


def test_every_output_shown_is_what_the_command_prints(tmp_path):
    checked = 0
    for number, block in readme_blocks("text"):
        first, *shown = block.splitlines()
        if not first.startswith("$ compliance "):
            continue
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *shlex.split(first[len("$ compliance "):])],
                              cwd=tmp_path, capture_output=True, text=True, timeout=600)
        missing = shown_in(shown, done.stdout)
        assert missing is None, f"README.md:{number}: {first}\nnot printed: {missing!r}\n\n{done.stdout}"
        checked += 1
    assert checked >= 2


def test_the_system_targets_output_is_what_the_census_check_prints(tmp_path):
    [(number, block)] = [(n, b) for n, b in readme_blocks("text") if "target: The system's target" in b]
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", "examples/census.xml", "--mapping",
                           "cin-census", "--as-of", "2025-03-31"], cwd=tmp_path, capture_output=True, text=True)
    assert shown_in([re.sub(r"\s+", " ", line) for line in block.splitlines()],
                    re.sub(r"[ ]+", " ", done.stdout)) is None, f"README.md:{number}\n{done.stdout}"


def test_the_windows_1252_message_is_the_one_such_a_file_gets(tmp_path):
    """The README shows tracker.csv:2001:4 for a ’ typed in Excel and saved as plain "CSV" (Windows-1252)."""
    from conftest import referrals_csv

    [(number, block)] = [(n, b) for n, b in readme_blocks("text") if "byte 0x92" in b]
    lines = referrals_csv(2000)
    cells = lines[2000].split(",")
    cells[3] = "Children’s Front Door"  # row 2001, column 4: team
    lines[2000] = ",".join(cells)
    (tmp_path / "tracker.csv").write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", "tracker.csv", "--as-of", "2025-03-31"],
                          cwd=tmp_path, capture_output=True, text=True)
    message = " ".join(block.split())
    assert f"error: {message}" in done.stderr, f"README.md:{number}\n{done.stderr}"


def test_the_library_example_runs_from_any_folder_with_the_values_it_promises(tmp_path):
    """Each line ``expression  # value`` of the README's Python must give that value; the rest must run."""
    [(number, block)] = readme_blocks("python")
    checked = []
    lines = []
    for line in block.splitlines():
        code, _, comment = line.partition("  #")
        value = comment.strip().split("  ")[0] if comment else ""
        try:
            ast.parse(value, mode="eval")
            expression = bool(value) and isinstance(ast.parse(code.strip(), mode="exec").body[0], ast.Expr)
        except SyntaxError:
            expression = False
        if expression:
            checked.append(value)
            lines.append(f"_same({code.strip()}, {value}, {value!r})")
        else:
            lines.append(line)
    program = textwrap.dedent("""
        def _same(got, expected, text):
            if isinstance(expected, list):
                got = [str(x) for x in got]
            assert got == expected, f"README promises {text}, got {got!r}"
    """) + "\n".join(lines)
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, f"README.md:{number}\n{done.stderr}"
    assert len(checked) >= 4 and "la-publish-statement" in done.stdout  # the loop prints what is late or overdue


def test_quick_start_holds_two_commands_and_says_what_the_test_extra_cannot_bring():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text[text.index("## Quick start"):text.index("## Three ways in")]
    blocks = re.findall(r"^```sh\n(.*?)^```", quick, flags=re.S | re.M)
    assert [len(b.strip().splitlines()) for b in blocks] == [1, 1]
    assert blocks[1].strip() == ("python3 -m venv .venv && .venv/bin/pip install '.[test]' && "
                                 ".venv/bin/python -m pytest")
    said = " ".join(quick.split())
    assert "pip install '.[test,durable]'" in said and "apt-get install chromium" in said
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '".[test,durable]"' in ci and "install -y -qq chromium" in ci  # what the README says CI adds


def test_without_durable_rules_the_skipped_tests_say_how_to_add_it(tmp_path):
    """A user's run without the durable extra: pytest's summary names each skipped test and the command to add it."""
    blocker = tmp_path / "site"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class _NoDurable:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'durable' or name.startswith('durable.'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _NoDurable())\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "tests/engines/test_targets.py"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-2000:]
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped and all("pip install '.[test,durable]'" in line for line in skipped), done.stdout[-2000:]
