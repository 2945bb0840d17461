"""Faults in the environment and in header values: exit code 2, one line saying what, where and how to fix it,
and nothing half-published (the folder and the history exactly as they were).

Read-only folders and full disks are real: as root (chmod does not stop root) the command runs in a private
mount namespace (``unshare``) over a read-only bind mount or a tiny tmpfs, which vanish when it exits;
as another user a folder is made read-only with chmod.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

COUNCIL = FIXTURES / "report" / "council.yaml"
ROOTED = os.geteuid() == 0


@functools.cache
def can_unshare() -> bool:
    if not ROOTED or not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                           "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(ROOTED and not can_unshare(),
                                  reason="as root, a read-only folder or a full disk needs a private mount namespace "
                                         "(unshare with CAP_SYS_ADMIN), which this machine does not allow")


def command(out: Path, as_of: str, *extra: str) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--as-of", as_of, "--out", str(out),
            "--quiet", *extra]


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=180,
                          env={**os.environ, **(env or {})})


def run_with_mount(mount: str, args: list[str]) -> subprocess.CompletedProcess:
    """Run ``args`` after ``mount`` (shell), in a mount namespace of its own that ends with it."""
    script = f"{mount} && exec \"$@\""
    return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *args])


def read_only(folder: Path, args: list[str]) -> subprocess.CompletedProcess:
    """Run ``args`` while ``folder`` cannot be written."""
    if ROOTED:
        return run_with_mount(f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}'", args)
    mode = folder.stat().st_mode
    folder.chmod(0o555)
    try:
        return run(args)
    finally:
        folder.chmod(mode)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and its SHA-256: what "exactly as it was" means."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def runs(db: Path) -> list[tuple[int, str]]:
    return sqlite3.connect(db).execute("SELECT id, as_of FROM runs ORDER BY id").fetchall()


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("compliance: error: ")
    return lines[0]


@pytest.fixture
def published(tmp_path):
    """An output folder holding one good run, as of 20 Nov 2026."""
    out = tmp_path / "out"
    assert run(command(out, "2026-11-20")).returncode == 1
    return out


@needs_mounts
def test_a_read_only_output_folder(published):
    before = snapshot(published)
    line = one_error_line(read_only(published, command(published, "2026-11-27")))
    assert f"{published}: cannot write here:" in line and "--out" in line
    assert snapshot(published) == before
    assert runs(published / "history.sqlite3") == [(1, "2026-11-20")]


@needs_mounts
def test_a_read_only_history_database(published, tmp_path):
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    shutil.copy(published / "history.sqlite3", db_dir / "history.sqlite3")
    before = snapshot(published)
    line = one_error_line(read_only(db_dir, command(published, "2026-11-27", "--db", str(db_dir / "history.sqlite3"))))
    assert str(db_dir) in line and "--db" in line
    assert snapshot(published) == before
    assert runs(db_dir / "history.sqlite3") == [(1, "2026-11-20")]


@pytest.mark.skipif(not ROOTED or not can_unshare(), reason="a full disk needs a tmpfs in a private mount namespace")
def test_a_full_disk_fails_cleanly_and_keeps_the_previous_report(tmp_path):
    """The first run fits on a 200 KiB disk; the second does not, and must leave the first exactly as it was."""
    out = tmp_path / "small"
    out.mkdir()
    keep = tmp_path / "kept"
    script = (f"mount -t tmpfs -o size=200k tmpfs '{out}' && "
              f"{' '.join(command(out, '2026-11-20'))} ; echo $? > '{tmp_path}/first' ; "
              f"cp -a '{out}' '{tmp_path}/before' && "
              f"{' '.join(command(out, '2026-11-27'))} 2> '{tmp_path}/second.err' ; echo $? > '{tmp_path}/second' ; "
              f"cp -a '{out}' '{keep}'")
    done = run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script])
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "first").read_text().strip() == "1"
    result = subprocess.CompletedProcess([], int((tmp_path / "second").read_text()), "",
                                         (tmp_path / "second.err").read_text())
    line = one_error_line(result)
    assert "No space left on device" in line or "disk is full" in line, line
    assert snapshot(keep) == snapshot(tmp_path / "before")
    assert runs(keep / "history.sqlite3") == [(1, "2026-11-20")]


def test_latest_html_being_a_folder(tmp_path):
    out = tmp_path / "out"
    (out / "latest.html").mkdir(parents=True)
    line = one_error_line(run(command(out, "2026-11-20")))
    assert f"{out / 'latest.html'}: is not a file" in line and "move or rename it" in line
    assert sorted(p.name for p in out.iterdir()) == ["latest.html"]


def test_a_folder_the_report_did_not_write_is_never_touched(published):
    minutes = published / "2026-11-27" / "minutes.docx"
    minutes.parent.mkdir()
    minutes.write_bytes(b"PK\x03\x04 the council's minutes")
    before = snapshot(published)
    line = one_error_line(run(command(published, "2026-11-27")))
    assert f"{minutes.parent}: holds files the report did not write (minutes.docx)" in line
    assert snapshot(published) == before
    assert runs(published / "history.sqlite3") == [(1, "2026-11-20")]


def test_a_run_folder_the_report_wrote_but_someone_added_to_is_not_replaced(published):
    added = published / "2026-11-20" / "notes.txt"
    added.write_text("my notes on this morning's report")
    before = snapshot(published)
    line = one_error_line(run(command(published, "2026-11-20")))
    assert "(notes.txt)" in line
    assert snapshot(published) == before


@pytest.mark.parametrize("extra, env, fragment", [
    (["--title", "Nightly\r\nBcc: everyone@example.gov.uk"], {}, "--title: 'Nightly\\r\\nBcc: everyone@"),
    (["--mail-to", "head@example.gov.uk\r\nRCPT TO:<x@evil.example>"], {}, "--mail-to: 'head@example.gov.uk\\r\\n"),
    (["--mail-to", "not an address"], {}, "--mail-to: 'not an address' is not an email address"),
    (["--mail-to", "head@example.gov.uk"], {"COMPLIANCE_SMTP_FROM": "bot@example.gov.uk\nBcc: x@evil.example"},
     "COMPLIANCE_SMTP_FROM: 'bot@example.gov.uk\\nBcc: x@evil.example' contains a line break"),
])
def test_bad_header_values_are_refused_before_anything_is_written(tmp_path, extra, env, fragment):
    out = tmp_path / "out"
    mail = {"COMPLIANCE_SMTP_HOST": "127.0.0.1", "COMPLIANCE_SMTP_FROM": "bot@example.gov.uk", **env}
    line = one_error_line(run(command(out, "2026-11-20", *extra), mail))
    assert fragment in line, line
    assert not out.exists()
