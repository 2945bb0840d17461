"""Every command written in a doc, a comment or a --help example runs: no "unrecognized arguments" for a reader.

Whole commands (code blocks in docs/, indented command lines in the comments of the shipped YAML files, and
each --help example) must parse as written, and each whose files exist runs, in order, in one folder, without
failing on its input. A command named in prose (`compliance check --format csv`) must name a real command,
real options and real choices.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

import cli

#: Options whose value is written, not read: it need not exist before the command runs.
WRITTEN = {"--output", "--out", "--chart", "--output-dir", "--db"}
FILE_SUFFIXES = (".csv", ".xlsx", ".yaml", ".json", ".xml", ".ics", ".svg", ".txt", ".md")


def _parsers() -> list[tuple[list[str], argparse.ArgumentParser]]:
    """(the words that name it, parser) for the program and each command and action."""
    top = cli.build_parser()
    found = [([], top)]

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found.append((path + [name], sub))
                    walk(sub, path + [name])

    walk(top, [])
    return found


def help_commands() -> list[tuple[str, str]]:
    """(where, command) for each example in the --help texts."""
    out = []
    for path, parser in _parsers():
        for line in (parser.epilog or "").replace("\\\n", " ").splitlines():
            match = re.match(r"\s+compliance (.*)$", line)
            if match:  # "compliance template inspection    (list the columns)": the note is not the command
                out.append((f"compliance {' '.join(path)} --help", re.split(r"\s{2,}\(", match.group(1))[0].strip()))
    return out


def doc_commands() -> list[tuple[str, str]]:
    """(where, command) for each whole command in docs/ code blocks and in the shipped files' comments."""
    out = []
    for path in sorted(ROOT.glob("docs/*.md")):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"^```(?:sh|cron)\n(.*?)^```", text, flags=re.S | re.M):
            for line in block.replace("\\\n", " ").splitlines():
                match = re.search(r"(?:^|\s|/)compliance ([a-z].*)$", line)
                if match:
                    out.append((str(path.relative_to(ROOT)), match.group(1)))
    for folder in ("examples", "rules", "calendars", "mappings"):
        for path in sorted((ROOT / folder).glob("*.yaml")):
            for line in path.read_text(encoding="utf-8").splitlines():
                match = re.match(r"#\s{2,}compliance ([a-z].*)$", line)  # an indented command line
                if match:
                    out.append((str(path.relative_to(ROOT)), match.group(1)))
    return out


def prose_mentions() -> list[tuple[str, str]]:
    """(where, mention) for each `compliance ...` in the docs' text and the shipped files' comments."""
    out = []
    for path in sorted(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]:
        for match in re.finditer(r"`compliance ([^`]+)`", path.read_text(encoding="utf-8")):
            out.append((str(path.relative_to(ROOT)), match.group(1)))
    for folder in ("examples", "rules", "calendars", "mappings"):
        for path in sorted((ROOT / folder).glob("*.yaml")):
            for match in re.finditer(r"#.*?`compliance ([^`]+)`", path.read_text(encoding="utf-8")):
                out.append((str(path.relative_to(ROOT)), match.group(1)))
    return out


def _words(command: str) -> list[str]:
    words = shlex.split(command, comments=True)
    for stop in ("|", ">>", ">", "2>&1"):
        if stop in words:
            words = words[:words.index(stop)]
    return words


def test_the_commands_are_found():
    assert len(help_commands()) > 30
    assert ("examples/local-targets.yaml",
            "check examples/inspections.yaml --add-rules examples/local-targets.yaml") in doc_commands()
    assert len(prose_mentions()) > 10


@pytest.mark.parametrize("where, command", help_commands() + doc_commands())
def test_every_whole_command_parses_as_written(where, command):
    parser = cli.build_parser()
    try:
        parser.parse_args(_words(command))
    except SystemExit as exc:
        pytest.fail(f"{where}: `compliance {command}` does not parse (exit {exc.code})")


@pytest.mark.parametrize("where, mention", prose_mentions())
def test_every_command_named_in_prose_is_real(where, mention):
    parsers = {tuple(path): parser for path, parser in _parsers()}
    words = [w for w in _words(mention) if w not in ("...", "…")]
    path: tuple[str, ...] = ()
    while words and path + (words[0],) in parsers:
        path += (words.pop(0),)
    assert path or words[:1] == ["--version"], f"{where}: `compliance {mention}` names no command"
    options = {s: a for a in parsers[path]._actions for s in a.option_strings}
    for i, word in enumerate(words):
        if word.startswith("--"):
            name = word.split("=")[0]
            assert name in options, f"{where}: `compliance {mention}`: {name} is not an option of {' '.join(path)}"
            action = options[name]
            if action.choices and i + 1 < len(words) and not words[i + 1].startswith("-"):
                assert words[i + 1] in action.choices, f"{where}: `compliance {mention}`: {words[i + 1]!r}"


def _runnable(words: list[str], folder: Path) -> bool:
    """Whether every file the command reads is there (in the folder, or an example that comes with the package)."""
    for i, word in enumerate(words):
        if word.startswith("-") or (i and words[i - 1] in WRITTEN):
            continue
        if "/" in word or word.endswith(FILE_SUFFIXES):
            if word.startswith("/") or ("*" in word and not glob.glob(word, root_dir=folder)):
                return False
            if "*" not in word and not (folder / word).exists() and not word.startswith("examples/"):
                return False
    return "--mail-to" not in words


def test_every_whole_command_whose_files_exist_runs(tmp_path):
    (tmp_path / "rules").symlink_to(ROOT / "rules")
    ran = 0
    for where, command in help_commands() + doc_commands():
        words = _words(command)
        if not _runnable(words, tmp_path):
            continue
        expanded = [m for w in words for m in (sorted(glob.glob(w, root_dir=tmp_path)) if "*" in w else [w])]
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *expanded], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600, env={**os.environ, "COMPLIANCE_CALENDARS": ""})
        assert done.returncode in (0, 1), f"{where}: compliance {command}\nexit {done.returncode}\n{done.stderr}"
        assert "Traceback" not in done.stderr, command
        ran += 1
    assert ran > 20
