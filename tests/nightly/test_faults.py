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
    # Unicode's own line and paragraph separators, and NEL, end a line for mail libraries too.
    (["--title", "Nightly\u2028Bcc: everyone@example.gov.uk", "--mail-to", "head@example.gov.uk"], {},
     "--title: 'Nightly\\u2028Bcc: everyone@example.gov.uk' contains a line break"),
    (["--title", "Nightly\u2029Bcc: everyone@example.gov.uk"], {}, "--title: 'Nightly\\u2029Bcc"),
    (["--title", "Nightly\x85Bcc: everyone@example.gov.uk"], {}, "--title: 'Nightly\\x85Bcc"),
    (["--mail-to", "head@example.gov.uk"], {"COMPLIANCE_SMTP_FROM": "bot\x85@example.gov.uk"},
     "COMPLIANCE_SMTP_FROM: 'bot\\x85@example.gov.uk' contains a line break"),
    (["--mail-to", "head@example.gov.uk"], {"COMPLIANCE_SMTP_HOST": "mail.example.gov.uk\u2028RCPT TO:<x@evil>"},
     "host: 'mail.example.gov.uk\\u2028RCPT"),
])
def test_bad_header_values_are_refused_before_anything_is_written(tmp_path, extra, env, fragment):
    out = tmp_path / "out"
    mail = {"COMPLIANCE_SMTP_HOST": "127.0.0.1", "COMPLIANCE_SMTP_FROM": "bot@example.gov.uk", **env}
    line = one_error_line(run(command(out, "2026-11-20", *extra), mail))
    assert fragment in line, line
    assert not out.exists()


@pytest.mark.parametrize("as_of, extra", [("2100-12-31", []), ("2026-11-20", ["--due-within", "999999 working days"])])
def test_a_due_soon_window_past_the_calendars_names_the_options_before_anything_is_written(tmp_path, as_of, extra):
    out = tmp_path / "out"
    line = one_error_line(run(command(out, as_of, *extra)))
    assert "--due-within" in line and f"--as-of {as_of}" in line and "covers (1971 to 2100)" in line, line
    assert not out.exists()


@pytest.mark.parametrize("extra, fragment", [
    (["--keep-runs", "99999999999999999999999"], "--keep-runs must be from 1 to 1,000,000"),
    (["--lock-timeout", "inf"], "--lock-timeout must be from 0 to 86,400 seconds, not inf"),
    (["--lock-timeout", "nan"], "not nan"),
    (["--lock-timeout", "-1"], "not -1.0"),
])
def test_option_values_past_any_use_are_bad_input_not_an_internal_error(tmp_path, extra, fragment):
    out = tmp_path / "out"
    line = one_error_line(run(command(out, "2026-11-20", *extra)))
    assert fragment in line, line
    assert not out.exists()


def test_an_empty_out_is_refused_rather_than_writing_into_the_working_folder(tmp_path):
    args = [sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--as-of", "2026-11-20", "--out", ""]
    result = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=180, env=os.environ)
    assert result.returncode == 2 and "--out is empty" in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("db, fragment", [("folder", "is not a file"), ("new/", "--db names a folder"),
                                            ("", "--db is empty")])
def test_a_db_that_is_no_file_is_refused_before_any_folder_is_made(tmp_path, db, fragment):
    (tmp_path / "folder").mkdir()
    args = [sys.executable, str(ROOT / "cli.py"), "report", str(COUNCIL), "--as-of", "2026-11-20", "--out", "out",
            "--db", db]
    result = subprocess.run(args, capture_output=True, text=True, cwd=tmp_path, timeout=180, env=os.environ)
    assert result.returncode == 2 and fragment in result.stderr and "give --db a file" in result.stderr, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]  # no report folder, no database file "new"


@pytest.mark.parametrize("previous_run", [False, True])
def test_latest_files_the_report_did_not_write_are_never_replaced(tmp_path, previous_run):
    """Issue 22: an --out folder holding the user's own latest.md and latest.csv had them silently replaced."""
    out = tmp_path / "out"
    if previous_run:  # the report's latest.md, replaced by someone's own
        assert run(command(out, "2026-11-20")).returncode == 1
        (out / "latest.md").unlink()
    else:  # a folder of someone's own files
        out.mkdir()
        (out / "latest.csv").write_text("my,own,spreadsheet\n")
    (out / "latest.md").write_text("# My own notes on the latest inspection\n")
    before = snapshot(out)
    line = one_error_line(run(command(out, "2026-11-27")))
    assert f"{out / 'latest.md'}: is not the report.md of any run folder here" in line
    assert "choose another --out" in line
    assert snapshot(out) == before


def test_a_latest_link_to_a_file_elsewhere_is_not_the_reports(published, tmp_path):
    mine = tmp_path / "mine.html"
    mine.write_text("<p>mine</p>")
    (published / "latest.html").unlink()
    (published / "latest.html").symlink_to(mine)
    before = snapshot(published)
    line = one_error_line(run(command(published, "2026-11-27")))
    assert "latest.html: is not the report.html of any run folder here" in line
    assert snapshot(published) == before and mine.read_text() == "<p>mine</p>"


def test_the_reports_own_latest_files_are_replaced_however_they_were_kept(published):
    """A copy (a shared drive without hard links, or an older version) is the report's too, and so is a link whose
    run folder no longer has that file."""
    (published / "latest.md").unlink()
    shutil.copy(published / "2026-11-20" / "report.md", published / "latest.md")
    (published / "2026-11-20" / "findings.csv").unlink()  # latest.csv is now the only name for it
    assert run(command(published, "2026-11-27")).returncode == 1
    assert os.path.samefile(published / "latest.md", published / "2026-11-27" / "report.md")
    assert os.path.samefile(published / "latest.csv", published / "2026-11-27" / "findings.csv")


def many_records(path: Path, count: int) -> Path:
    lines = ["id,kind,authority,framework,lscb_review,report_received,report_published"]
    for i in range(count):
        published = f"2026-{2 + i % 10:02d}-{1 + i % 27:02d}" if i % 3 else ""
        lines.append(f"case-{i:05d},inspection,Example Council,ILACS,false,2026-{1 + i % 10:02d}-{1 + i % 28:02d},"
                     f"{published}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.skipif(not ROOTED or not can_unshare(), reason="a full disk needs a tmpfs in a private mount namespace")
def test_a_full_disk_under_the_history_database_publishes_nothing(tmp_path):
    """Issue 22: with the history on a full disk the run failed with exit 3 ("cannot rollback - no transaction is
    active"), and with a little more room it published the run, then failed to record it. The history is now
    written, and committed, before anything is published: on disks from too small to large enough, every run
    either publishes and records the run, or exits 2 in one line having changed nothing."""
    start = tmp_path / "start"
    first = [sys.executable, str(ROOT / "cli.py"), "report", str(many_records(tmp_path / "few.csv", 100)),
             "--as-of", "2026-11-20", "--out", str(start / "out"), "--db", str(start / "db" / "history.sqlite3"),
             "--quiet", "--rules", str(ROOT / "rules" / "inspections.yaml")]
    assert run(first).returncode == 1
    second = [*first[:3], str(many_records(tmp_path / "many.csv", 3000)), "--as-of", "2026-11-27", *first[6:]]
    sizes = list(range(32, 96, 8))  # KiB: the history is 28 KiB; the second run takes it to 44, and needs a journal
    script = "".join(
        f"mkdir -p '{tmp_path}/{k}' && cp -a '{start}/out' '{tmp_path}/{k}/out' && mkdir '{tmp_path}/{k}/db' && "
        f"mount -t tmpfs -o size={k}k tmpfs '{tmp_path}/{k}/db' && "
        f"cp '{start}/db/history.sqlite3' '{tmp_path}/{k}/db/' "
        f"&& {' '.join(second).replace(str(start), f'{tmp_path}/{k}')} 2> '{tmp_path}/{k}/err'; echo $? > "
        f"'{tmp_path}/{k}/code'; cp -a '{tmp_path}/{k}/db' '{tmp_path}/{k}/db-after'; umount '{tmp_path}/{k}/db'; "
        for k in sizes)
    done = run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script])
    assert done.returncode == 0, done.stderr
    before = snapshot(start / "out")
    outcomes = []
    for k in sizes:
        case = tmp_path / str(k)
        result = subprocess.CompletedProcess([], int((case / "code").read_text()), "", (case / "err").read_text())
        runs_after = runs(case / "db-after" / "history.sqlite3")
        if result.returncode == 2:
            line = one_error_line(result)
            assert "database or disk is full" in line and "nothing was changed" in line, (k, line)
            assert snapshot(case / "out") == before, k
            assert runs_after == [(1, "2026-11-20")], k
        else:
            assert result.returncode == 1, (k, result.stderr)
            assert runs_after == [(1, "2026-11-20"), (2, "2026-11-27")], k
            assert os.path.samefile(case / "out" / "latest.json.gz", case / "out" / "2026-11-27" / "findings.json.gz")
        assert not list((case / "out").glob(".staging-*")), k
        outcomes.append(result.returncode)
    assert outcomes[0] == 2 and outcomes[-1] == 1, dict(zip(sizes, outcomes))  # both sides of the edge were tried
