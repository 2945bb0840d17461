"""Writing a file in one step: what a killed write leaves is removed by the next write to the same file, and
nothing else is."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

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


def read_all(fd: int) -> bytes:
    """What a writer that has finished and closed left in a pipe opened with O_NONBLOCK."""
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_link_is_followed_and_the_file_it_leads_to_replaced_in_one_step_the_link_kept(tmp_path):
    from compliance.atomic import write_atomic

    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "findings.csv"
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(os.path.join("reports", "findings.csv"))  # relative, as `ln -s` is mostly used
    write_atomic(link, "record,rule,status\n")
    assert link.is_symlink() and os.readlink(link) == os.path.join("reports", "findings.csv")
    assert real.read_text() == "record,rule,status\n"
    assert hidden(tmp_path / "reports") == [] and sorted(p.name for p in tmp_path.iterdir()) == ["latest.csv",
                                                                                                   "reports"]


def writes_straight_through(path) -> bool:
    """Asked before writing to /dev/null: a regression that renames over it, run as root, would destroy it."""
    from compliance.atomic import _destination

    return _destination(path, private=False)[1]


def test_dev_null_is_written_through_and_is_still_a_character_device_after(tmp_path):
    from compliance.atomic import open_atomic, write_atomic

    assert writes_straight_through("/dev/null")
    before = os.stat("/dev/null")
    write_atomic("/dev/null", "record,rule,status\n")
    with open_atomic("/dev/null") as out:
        out.write("text too\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert after.st_mode == before.st_mode
    assert not [name for name in os.listdir("/dev") if name.startswith(".null.")]


def test_a_fifo_is_written_through_to_its_reader_and_is_still_a_fifo_after(tmp_path):
    from compliance.atomic import write_atomic

    fifo = tmp_path / "findings.csv"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader there, so the write does not wait for one
    try:
        write_atomic(fifo, "record,rule,status\n")
        assert read_all(reader) == b"record,rule,status\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and hidden(tmp_path) == []


@pytest.mark.parametrize("make, said", [
    (lambda t: (t / "out.csv").symlink_to(t / "nowhere.csv"), "a link to"),
    (lambda t: ((t / "out.csv").symlink_to(t / "loop.csv"), (t / "loop.csv").symlink_to(t / "out.csv")),
     "a link that leads round in a loop"),
])
def test_a_broken_link_or_a_link_loop_is_refused_and_left_as_it_is(tmp_path, make, said):
    from compliance.atomic import write_atomic
    from compliance.errors import InputError

    make(tmp_path)
    before = sorted((p.name, os.readlink(p)) for p in tmp_path.iterdir())
    with pytest.raises(InputError, match=said) as refused:
        write_atomic(tmp_path / "out.csv", "record\n")
    assert str(tmp_path / "out.csv") in str(refused.value) and "link" in refused.value.problems[0].hint
    assert sorted((p.name, os.readlink(p)) for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("name, said, hint", [
    ("newdir/", "ends with /, so names a folder, not a file", "name a file, not a folder"),
    ("newdir/deeper/", "ends with /, so names a folder, not a file", "name a file, not a folder"),
    ("base.csv/", "names a folder, but", "leave out the final /"),
    ("folder", "a folder, not a file", "name a file in it"),
    ("folder/", "a folder, not a file", "name a file in it"),
    ("base.csv/x.csv", "is a file, so nothing can be written in it", "name a file in a folder"),
    ("base.csv/more/x.csv", "is a file, so nothing can be written in it", "name a file in a folder"),
])
def test_a_path_no_file_can_be_written_at_is_refused_saying_why_and_nothing_is_made(tmp_path, name, said, hint):
    from compliance.atomic import output_problem, write_atomic
    from compliance.errors import InputError

    (tmp_path / "base.csv").write_text("id\n")
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError) as refused:
        write_atomic(f"{tmp_path}/{name}", "record\n")
    [problem] = refused.value.problems
    assert said in problem.message and hint in problem.hint and problem.file == f"{tmp_path}/{name}"
    assert "busy" not in str(problem) and "File exists" not in str(problem)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base.csv", "folder"]
    assert (tmp_path / "base.csv").read_text() == "id\n" and list((tmp_path / "folder").iterdir()) == []
    assert output_problem(f"{tmp_path}/{name}", "output").message == problem.message


def test_the_root_folder_and_the_working_folder_are_folders_not_busy_files():
    from compliance.atomic import output_problem

    for name in ("/", ".", "./"):
        assert output_problem(name).message == "a folder, not a file"


def test_a_private_file_replaces_a_link_or_a_pipe_in_its_place_never_writing_through_them(tmp_path):
    """A cache is trusted for what it holds: a link planted where it goes must not send it elsewhere."""
    from compliance.atomic import write_atomic

    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("kept")
    (tmp_path / "cache.json").symlink_to(elsewhere)
    os.mkfifo(tmp_path / "pipe.json")
    for name in ("cache.json", "pipe.json"):
        write_atomic(tmp_path / name, "{}", private=True)
        assert stat.S_ISREG(os.lstat(tmp_path / name).st_mode) and (tmp_path / name).read_text() == "{}"
        assert (tmp_path / name).stat().st_mode & 0o077 == 0
    assert elsewhere.read_text() == "kept" and hidden(tmp_path) == []


def test_a_pipe_put_in_the_files_place_while_it_is_written_is_not_replaced(tmp_path):
    from compliance.atomic import open_atomic
    from compliance.errors import InputError

    target = tmp_path / "findings.csv"
    target.write_text("old")
    with pytest.raises(InputError, match="no longer a plain file"):
        with open_atomic(target) as out:
            out.write("record,rule,status\n")
            target.unlink()
            os.mkfifo(target)
    assert stat.S_ISFIFO(os.lstat(target).st_mode) and hidden(tmp_path) == []


def test_a_read_only_file_is_refused_and_left_as_it_is_even_for_root(tmp_path, run_cli):
    """A file chmod 444 is one its owner meant to keep: cp and a shell's > refuse to write it, so --output does not
    rename a new one over it. The mode bits decide, so the test holds when run as root, whom os.access lets write."""
    from compliance.atomic import output_problem, write_atomic
    from compliance.errors import InputError

    kept = tmp_path / "findings.csv"
    kept.write_text("precious\n")
    kept.chmod(0o444)
    code, out, err = run_cli("check", str(ROOT / "examples" / "inspections.yaml"), "--output", str(kept))
    assert code == 2 and out == ""
    assert err == (f"compliance: error: {kept}: output: a read-only file: it was left as it is (make it writable "
                   "first to replace it, or name another file)\n")
    assert kept.read_text() == "precious\n" and stat.S_IMODE(kept.stat().st_mode) == 0o444
    with pytest.raises(InputError):
        write_atomic(kept, "record\n")
    assert output_problem(kept) is not None and sorted(p.name for p in tmp_path.iterdir()) == ["findings.csv"]
    kept.chmod(0o644)  # writable by its owner alone is writable: replaced, keeping its mode
    write_atomic(kept, "record\n")
    assert kept.read_text() == "record\n" and stat.S_IMODE(kept.stat().st_mode) == 0o644
