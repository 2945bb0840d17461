"""Writing a file in one step: what a killed write leaves is removed by the next write to the same file, and
nothing else is."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import textwrap

from conftest import FIXTURES, ROOT

#: A write through open_atomic that stops half-way, as a `check --output` killed while writing would.
HALF_WRITTEN = textwrap.dedent("""
    import sys, time
    from compliance.atomic import open_atomic
    with open_atomic(sys.argv[1]) as out:
        out.write("record,rule,status\\n" * 1000)
        out.flush()
        print("writing", flush=True)
        time.sleep(600)
""")


def killed_mid_write(target) -> None:
    child = subprocess.Popen([sys.executable, "-c", HALF_WRITTEN, str(target)], stdout=subprocess.PIPE, text=True,
                             cwd=ROOT)
    assert child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)


def hidden(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_write_killed_half_way_leaves_a_file_the_next_write_removes(tmp_path, run_cli):
    target = tmp_path / "findings.csv"
    killed_mid_write(target)
    first = hidden(tmp_path)
    assert len(first) == 1 and first[0].startswith(".findings.csv.") and first[0].endswith(".tmp")
    killed_mid_write(target)  # the second killed write removed the first one's file, and left its own
    second = hidden(tmp_path)
    assert len(second) == 1 and second != first and not target.exists()
    code, _, err = run_cli("check", str(FIXTURES / "report" / "council.yaml"), "--as-of", "2026-11-20",
                           "--format", "csv", "--output", str(target))
    assert code == 1, err
    assert hidden(tmp_path) == [] and target.read_text().startswith("record,")


def test_only_unlocked_leftovers_named_as_the_writer_names_them_are_removed(tmp_path):
    from compliance.atomic import write_atomic

    target = tmp_path / "findings.csv"
    # A write under way in another process holds its file locked: it is not a leftover.
    in_use = tmp_path / ".findings.csv.abcd1234.tmp"
    in_use.write_text("half")
    holder = os.open(in_use, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    # Files with other names are someone else's, and so is the leftover of a write to another file.
    kept = [".findings.csv.notes.tmp", ".findings.csv.ABCD1234.tmp", ".findings.csv.abcd1234.tmp.bak",
            ".deadlines.ics.wxyz9876.tmp", "findings.csv.abcd1234.tmp"]
    for name in kept:
        (tmp_path / name).write_text("not ours to remove")
    (tmp_path / "target").mkdir()
    os.symlink(tmp_path / "target", tmp_path / ".findings.csv.link0000.tmp")  # a link is never followed or removed
    stale = tmp_path / ".findings.csv.q1w2e3r4.tmp"
    stale.write_text("left by a killed write")
    try:
        write_atomic(target, "record,rule,status\n")
    finally:
        os.close(holder)
    assert not stale.exists()
    assert in_use.read_text() == "half"
    assert all((tmp_path / name).read_text() == "not ours to remove" for name in kept)
    assert (tmp_path / ".findings.csv.link0000.tmp").is_symlink() and (tmp_path / "target").is_dir()
    assert target.read_text() == "record,rule,status\n"
