"""Putting a run in place: a staged, journalled folder; latest.* as hard links; nothing replaced that the
report did not write. Whole runs, crashes and recovery are in test_crash.py."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest

import compliance.nightly._publish as publish
from compliance.errors import InputError
from compliance.nightly._publish import (JOURNAL, LATEST, MARKER, RUN_FILES, STAGING_PREFIX, Staging,
                                         check_latest, check_replaceable, find_leftovers, read_marker)

FILES = {name: f"{name} of run {{run}}\n" for name in RUN_FILES}


def stage(out: Path, folder: str, run_id: int, latest: bool = True) -> Staging:
    """A staged run, sealed and ready to be recorded, whose every file says which run it is."""
    staging = Staging.create(out, folder, run_id, "history-id", out / "history.sqlite3", latest)
    for name, text in FILES.items():
        staging.write(name, text.format(run=run_id))
    staging.seal()
    return staging


def run_of(path: Path) -> str:
    return path.read_text().rsplit(" ", 1)[1].strip()


def test_a_committed_run_is_put_in_place_with_latest_as_hard_links(tmp_path):
    staging = stage(tmp_path, "2026-11-20", 1)
    journal = json.loads((staging.path / JOURNAL).read_text())
    assert journal["token"] == staging.path.name[len(STAGING_PREFIX):] and journal["latest"] is True
    staging.apply()
    staging.remove()
    folder = tmp_path / "2026-11-20"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*RUN_FILES, MARKER])
    assert read_marker(folder)["run_id"] == 1
    for latest, name in LATEST.items():
        path = tmp_path / latest
        assert not path.is_symlink() and path.is_file()
        assert os.path.samefile(path, folder / name) and path.stat().st_nlink == 2  # one file on disk, two names
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["2026-11-20", *LATEST])


@pytest.mark.parametrize("atomic_swap", [True, False])
def test_a_second_run_for_the_same_day_replaces_the_whole_folder_and_latest(tmp_path, monkeypatch, atomic_swap):
    first = stage(tmp_path, "2026-11-20", 1)
    first.apply()
    first.remove()
    (tmp_path / "2026-11-20" / "findings.csv").unlink()  # a file the second run also writes
    if not atomic_swap:  # as on NFS or SMB: set aside, then move in
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    second = stage(tmp_path, "2026-11-20", 2)
    second.apply()
    second.remove()
    folder = tmp_path / "2026-11-20"
    assert {run_of(folder / name) for name in RUN_FILES} == {"2"}
    assert {run_of(tmp_path / name) for name in LATEST} == {"2"}
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_without_latest_the_links_stay_on_the_newer_run(tmp_path):
    newer = stage(tmp_path, "2026-11-27", 1)
    newer.apply()
    older = stage(tmp_path, "2026-11-20", 2, latest=False)
    older.apply()
    assert {run_of(tmp_path / name) for name in LATEST} == {"1"}
    assert run_of(tmp_path / "2026-11-20" / "report.html") == "2"


def test_without_hard_links_latest_files_are_copies(tmp_path, monkeypatch):
    def no_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    staging = stage(tmp_path, "2026-11-20", 1)
    staging.apply()
    for latest, name in LATEST.items():
        assert (tmp_path / latest).read_bytes() == (tmp_path / "2026-11-20" / name).read_bytes()
        assert not os.path.samefile(tmp_path / latest, tmp_path / "2026-11-20" / name)


def test_a_run_folder_is_replaced_only_if_the_report_wrote_it_and_nothing_else_is_in_it(tmp_path):
    folder = tmp_path / "2026-11-20"
    check_replaceable(folder)  # absent: fine
    folder.mkdir()
    with pytest.raises(InputError, match="empty folder the report did not write"):
        check_replaceable(folder)
    (folder / "minutes.docx").write_bytes(b"PK\x03\x04 the minutes")
    with pytest.raises(InputError, match=r"holds files the report did not write \(minutes.docx\)"):
        check_replaceable(folder)
    (folder / "minutes.docx").unlink()
    (folder / "report.html").write_text("someone's page")  # named as a run's file, but nothing proves whose
    with pytest.raises(InputError, match=r"has no .compliance-run marker.*\(report.html\)"):
        check_replaceable(folder)
    (folder / MARKER).write_text(json.dumps({"tool": "statutory-timelines", "run_id": 3}))
    check_replaceable(folder)
    (folder / "notes").mkdir()
    with pytest.raises(InputError, match=r"\(notes\)"):
        check_replaceable(folder)
    (folder / "notes").rmdir()
    (folder / MARKER).write_text("someone else's marker")
    with pytest.raises(InputError, match="has a .compliance-run file the report did not write"):
        check_replaceable(folder)
    a_file = tmp_path / "2026-11-21"
    a_file.write_text("x")
    with pytest.raises(InputError, match="in the way"):
        check_replaceable(a_file)


def write_0_1_run(folder: Path, day: str) -> None:
    """A run folder as version 0.1 wrote it: no marker, its five files, findings.json opening with the day."""
    folder.mkdir()
    for name in ("report.html", "report.md", "findings.csv", "deadlines.ics"):
        (folder / name).write_text(f"{name} of {day}\n")
    (folder / "findings.json").write_text(f'{{\n  "as_of": "{day}",\n  "summary": {{}}\n}}\n')


def test_an_unmarked_folder_is_the_reports_only_as_version_0_1_wrote_it(tmp_path):
    folder = tmp_path / "2026-11-20"
    write_0_1_run(folder, "2026-11-20")
    check_replaceable(folder)
    (folder / "deadlines.ics").unlink()  # 0.1 always wrote all five
    with pytest.raises(InputError, match="has no .compliance-run marker"):
        check_replaceable(folder)
    other_day = tmp_path / "2026-11-21"
    write_0_1_run(other_day, "2026-11-20")  # its findings.json is another day's
    with pytest.raises(InputError, match="has no .compliance-run marker"):
        check_replaceable(other_day)


def test_a_marked_folder_with_a_file_changed_since_the_run_is_not_replaced(tmp_path):
    stage(tmp_path, "2026-11-20", 1).apply()
    folder = tmp_path / "2026-11-20"
    check_replaceable(folder)
    (folder / "report.md").write_text("report.md of run 1, with my comments added\n")
    with pytest.raises(InputError, match=r"added or changed since the report wrote it \(report.md\)"):
        check_replaceable(folder)


def test_a_file_edited_since_the_run_is_noticed_though_its_size_is_the_same(tmp_path):
    stage(tmp_path, "2026-11-20", 1).apply()
    folder = tmp_path / "2026-11-20"
    report = folder / "report.md"
    text = report.read_bytes()
    stat = report.stat()
    report.write_bytes(text[:-2] + b"!\n")  # one character changed: the same size
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(InputError, match=r"added or changed since the report wrote it \(report.md\)"):
        check_replaceable(folder)


def test_a_latest_file_is_not_the_reports_for_matching_a_file_in_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "2026-11-20").mkdir()
    (tmp_path / "2026-11-20" / "report.md").write_text("my own notes\n")
    (tmp_path / "latest.md").write_text("my own notes\n")
    with pytest.raises(InputError, match="latest.md: is not the report.md of any run folder here"):
        check_latest(tmp_path)


def test_a_dated_folder_holding_only_a_users_file_named_report_md_is_never_touched(tmp_path, run_cli):
    """The run-named file alone made the folder look like the report's, and the user's notes were replaced."""
    folder = tmp_path / "rep" / "2025-06-01"
    folder.mkdir(parents=True)
    (folder / "report.md").write_text("my own notes\n")
    records = tmp_path / "base.csv"
    records.write_text("id,kind,referral\nr1,referral,01/01/2025\n")
    code, out, err = run_cli("report", str(records), "--as-of", "2025-06-01", "--out", str(tmp_path / "rep"),
                             "--quiet")
    assert code == 2
    assert err.count("\n") == 1 and f"{folder}: has no .compliance-run marker" in err and "move it" in err
    assert (folder / "report.md").read_text() == "my own notes\n"
    assert [p.name for p in (tmp_path / "rep").iterdir()] == ["2025-06-01"]
    assert [p.name for p in folder.iterdir()] == ["report.md"]


def test_a_same_day_run_replaces_a_folder_and_latest_copies_version_0_1_wrote(tmp_path, run_cli):
    folder = tmp_path / "2026-11-20"
    write_0_1_run(folder, "2026-11-20")
    (tmp_path / "latest.html").write_bytes((folder / "report.html").read_bytes())  # 0.1's latest.* were copies
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--quiet")
    assert code == 1, err
    assert read_marker(folder)["run_id"] == 1 and not (folder / "findings.json").exists()
    assert os.path.samefile(tmp_path / "latest.html", folder / "report.html")


def test_a_latest_name_that_is_a_folder_is_refused(tmp_path):
    check_latest(tmp_path)
    (tmp_path / "latest.html").mkdir()
    with pytest.raises(InputError, match="latest.html: is not a file"):
        check_latest(tmp_path)


def test_only_staging_folders_with_a_matching_journal_are_this_tools(tmp_path):
    ours = Staging.create(tmp_path, "2026-11-20", 1, "history-id", tmp_path / "h.sqlite3", True)
    (tmp_path / (STAGING_PREFIX + "old-version")).mkdir()  # an older version's staging folder: no journal
    forged = tmp_path / (STAGING_PREFIX + "forged")
    forged.mkdir()
    (forged / JOURNAL).write_text(json.dumps({"tool": "statutory-timelines", "token": "other", "state": "preparing"}))
    (tmp_path / (STAGING_PREFIX + "a-file")).write_text("not a folder")
    found, strangers = find_leftovers(tmp_path)
    assert [s.path for s in found] == [ours.path]
    assert sorted(p.name for p in strangers) == [STAGING_PREFIX + "forged", STAGING_PREFIX + "old-version"]


COUNCIL = Path(__file__).resolve().parent.parent / "fixtures" / "report" / "council.yaml"


def days(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_keep_runs_removes_the_folders_of_older_runs_the_report_wrote_and_nothing_else(tmp_path, run_cli):
    """Issue 20: --keep-runs N kept N runs' duty states in the history but every run folder for ever. A run folder
    goes with its run's duty states; a folder someone added to, or did not come from the report, stays."""
    mine = tmp_path / "2026-11-01"
    mine.mkdir()
    (mine / "minutes.docx").write_bytes(b"PK\x03\x04 the council's minutes")
    for as_of in ("2026-11-13", "2026-11-20", "2026-11-27"):
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path))[0] == 1
    (tmp_path / "2026-11-20" / "notes.txt").write_text("my notes on this report")
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "1")
    assert code == 1, err
    # 13 Nov went with its duty states; 20 Nov has someone's notes in it; 1 Nov is someone's own folder.
    assert days(tmp_path) == ["2026-11-01", "2026-11-20", "2026-12-02"]
    assert f"left {tmp_path / '2026-11-20'} alone, past --keep-runs: files were added to it (notes.txt)" in err
    assert (mine / "minutes.docx").read_bytes() == b"PK\x03\x04 the council's minutes"
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_keep_runs_never_removes_the_folder_latest_belongs_to(tmp_path, run_cli):
    """A back-filled run is the newest run but not the newest day: latest.* stay with the newest day, and so does its
    folder, whatever --keep-runs says."""
    for as_of in ("2026-11-27", "2026-11-13"):
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--keep-runs", "1")[0] == 1
    assert days(tmp_path) == ["2026-11-13", "2026-11-27"]
    assert os.path.samefile(tmp_path / "latest.json.gz", tmp_path / "2026-11-27" / "findings.json.gz")
    assert run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "1")[0] == 1
    assert days(tmp_path) == ["2026-12-02"]


def test_keep_runs_never_removes_a_copy_of_a_run_folder(tmp_path, run_cli):
    """Issue 20's audit, D1: a user's ``cp -a`` copy of a run folder, saved under another date, was removed past
    --keep-runs: its marker named a run the history had dropped, and cp -a kept every size and time. The marker names
    the folder and each file's inode number: a folder named otherwise, or holding other files (a copy put back under
    the run's own name, a folder restored from a backup), is not the report's to remove, nor to replace."""
    for as_of in ("2026-11-13", "2026-11-20", "2026-11-27"):
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path))[0] == 1
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    shutil.copytree(tmp_path / "2026-11-13", tmp_path / "2026-10-15", copy_function=shutil.copy2)  # cp -a
    os.rename(tmp_path / "2026-11-20", elsewhere)  # moved away, then a copy of it put back
    shutil.copytree(elsewhere, tmp_path / "2026-11-20", copy_function=shutil.copy2)
    assert read_marker(tmp_path / "2026-10-15")["folder"] == "2026-11-13"
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "1")
    assert code == 1, err
    assert days(tmp_path) == ["2026-10-15", "2026-11-20", "2026-12-02"]  # 13 and 27 Nov were the report's
    assert (f"left {tmp_path / '2026-10-15'} alone, past --keep-runs: its .compliance-run names the run folder "
            "2026-11-13, so it is a copy of that folder, not the folder the report wrote here") in err
    assert (f"left {tmp_path / '2026-11-20'} alone, past --keep-runs: its files are copies of the ones the report "
            "wrote, not those files (deadlines.ics, findings.csv") in err
    assert err.count("alone, past --keep-runs") == 2
    # A same-day run does not replace a copy saved under its date either.
    shutil.copytree(tmp_path / "2026-12-02", tmp_path / "2026-12-04", copy_function=shutil.copy2)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-04", "--out", str(tmp_path), "--quiet")
    assert code == 2 and "is not a folder the report wrote: its .compliance-run names the run folder 2026-12-02" in err
    assert read_marker(tmp_path / "2026-12-04")["folder"] == "2026-12-02"


def test_a_folder_past_keep_runs_that_cannot_be_moved_is_left_with_a_warning_and_the_rest_go(tmp_path, run_cli,
                                                                                             monkeypatch):
    """Issue: a read-only run folder past --keep-runs (chmod 555: a folder's ".." cannot change, so it cannot move)
    failed every later run with exit 2 naming only the staging folder, and no older folder was removed again. The
    refusal is made here as the system makes it, whoever runs the test (root moves any folder)."""
    for as_of in ("2026-11-13", "2026-11-20", "2026-11-27"):
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--quiet")[0] == 1
    stuck = tmp_path / "2026-11-13"
    rename = os.rename

    def read_only(source, target):
        if Path(source) == stuck:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(source))
        rename(source, target)

    monkeypatch.setattr(os, "rename", read_only)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "1",
                           "--quiet")
    assert code == 1, err
    assert days(tmp_path) == ["2026-11-13", "2026-12-02"]  # 20 and 27 Nov went; 13 Nov could not
    assert err.count("WARNING") == 1
    assert (f"WARNING left {stuck} alone, past --keep-runs: it could not be moved out to be removed (Permission "
            "denied); make it writable and the next run removes it, or remove it yourself") in err
    assert os.path.samefile(tmp_path / "latest.html", tmp_path / "2026-12-02" / "report.html")
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))
    monkeypatch.setattr(os, "rename", rename)  # made writable: the next run removes it
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-03", "--out", str(tmp_path), "--keep-runs", "1",
                           "--quiet")
    assert (code, err) == (1, "")
    assert days(tmp_path) == ["2026-12-03"]


def test_run_folders_of_a_history_moved_aside_are_named_once_past_keep_runs_and_never_removed(tmp_path, run_cli):
    """Issue: after the history was moved aside (the fix for a damaged one), the old run folders were never removed
    and nothing said so. Only the history proves a folder's run the report's (its token), so they stay, named."""
    for as_of in ("2026-11-13", "2026-11-20"):
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--quiet")[0] == 1
    (tmp_path / "history.sqlite3").rename(tmp_path.parent / f"{tmp_path.name}-damaged.sqlite3")
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(tmp_path), "--quiet")
    assert (code, err) == (1, "")  # within the newest 30 dates: nothing past --keep-runs to say
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "1",
                           "--quiet")
    assert code == 1, err
    # 27 Nov was this history's run: it goes. 13 and 20 Nov were the old history's: they stay, one warning for both.
    assert days(tmp_path) == ["2026-11-13", "2026-11-20", "2026-12-02"]
    assert err.count("WARNING") == 1
    assert (f"WARNING left 2 run folder(s) in {tmp_path} alone, past --keep-runs: 2026-11-13 and 2026-11-20; their runs "
            f"are not in this history ({tmp_path / 'history.sqlite3'}): written before it was moved aside or started "
            "anew, or with another --db, so they are not the report's to remove: move or remove them yourself") in err


def test_keep_runs_keeps_the_newest_n_run_folders_however_often_a_day_is_rerun(tmp_path, run_cli):
    """Issue 20's audit, D2: --keep-runs counted runs, so a corrected rerun the same morning took a slot, and with
    --keep-runs 2 only one run folder was left. The newest N run folders stay, each its date's latest run."""
    for as_of in ("2026-11-20", "2026-11-27", "2026-11-27", "2026-11-27"):
        code, _, err = run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--keep-runs", "2")
        assert code == 1, err
        assert days(tmp_path) == ["2026-11-20", "2026-11-27"][:1 + (as_of == "2026-11-27")]
    assert read_marker(tmp_path / "2026-11-27")["run_id"] == 4
    assert run_cli("report", str(COUNCIL), "--as-of", "2026-12-02", "--out", str(tmp_path), "--keep-runs", "2")[0] == 1
    assert days(tmp_path) == ["2026-11-27", "2026-12-02"]
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_a_folder_left_past_keep_runs_is_named_with_what_was_found_in_it(tmp_path, run_cli):
    """Issue 20's audit, m2: the warning said "files were added to it" whatever was found. It names the files added,
    changed or removed. What a file browser leaves in a folder it showed (.DS_Store, Thumbs.db, desktop.ini) is no
    reason to keep the folder for ever, warning every night: the folder goes, and the log names those files."""
    runs = ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09")
    for as_of in runs:
        assert run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path))[0] in (0, 1)
    (tmp_path / "2026-11-02" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "2026-11-02" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "2026-11-03" / "findings.csv").unlink()  # only removed: the rest is the report's, and goes
    edited = tmp_path / "2026-11-04" / "report.md"
    edited.write_text(edited.read_text() + "my comments\n")
    (tmp_path / "2026-11-04" / "deadlines.ics").unlink()
    (tmp_path / "2026-11-05" / "desktop.ini").mkdir()  # a folder of that name is no file browser's
    (tmp_path / "2026-11-05" / "notes.txt").write_text("mine")
    os.symlink(tmp_path / "2026-11-09" / "report.md", tmp_path / "2026-11-06" / "Thumbs.db")  # nor a link
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-10", "--out", str(tmp_path), "--keep-runs", "2")
    assert code == 0, err  # nothing overdue on these days
    assert days(tmp_path) == ["2026-11-04", "2026-11-05", "2026-11-06", "2026-11-09", "2026-11-10"]
    left = {line.split(" alone, past --keep-runs: ")[0].rsplit(" ", 1)[1]: line.split(": ", 1)[1]
            for line in err.splitlines() if " alone, past --keep-runs: " in line}
    assert set(left) == {str(tmp_path / day) for day in ("2026-11-04", "2026-11-05", "2026-11-06")}
    assert left[str(tmp_path / "2026-11-04")].startswith(
        "files were changed in it since the report wrote them (report.md); files were removed from it (deadlines.ics)")
    assert left[str(tmp_path / "2026-11-05")].startswith("files were added to it (desktop.ini and notes.txt)")
    assert left[str(tmp_path / "2026-11-06")].startswith("files were added to it (Thumbs.db)")
    assert "files were added to it" not in left[str(tmp_path / "2026-11-04")]
    assert (f"removed {tmp_path / '2026-11-02'}, past --keep-runs, with what a file browser left in it "
            "(.DS_Store, Thumbs.db)") in err
    assert f"removed {tmp_path / '2026-11-03'}, past --keep-runs\n" in err  # each folder removed is named
    assert (tmp_path / "2026-11-09" / "report.md").is_file() and (tmp_path / "2026-11-05" / "notes.txt").is_file()
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_a_run_back_filling_a_date_past_keep_runs_says_its_states_go_and_when_its_folder_does(tmp_path, run_cli):
    # The log said "pruned the duty states of 1 older run(s)" of the run just made, which left two folders past
    # --keep-runs 1 without a word; the next run removes the back-filled folder, and says so.
    for day in ("2026-11-20", "2026-11-05"):
        code, _, err = run_cli("report", str(COUNCIL), "--as-of", day, "--out", str(tmp_path), "--keep-runs", "1")
    assert code == 0, err
    assert (f"this run's date, 2026-11-05, is older than the newest 1 kept (--keep-runs 1): its duty states are not "
            f"kept for later runs to compare with, and its folder {tmp_path / '2026-11-05'} goes at the next run") in err
    assert "pruned the duty states" not in err
    assert days(tmp_path) == ["2026-11-05", "2026-11-20"]
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-21", "--out", str(tmp_path), "--keep-runs", "1")
    assert days(tmp_path) == ["2026-11-21"]
    assert f"removed {tmp_path / '2026-11-05'}, past --keep-runs" in err
    assert f"removed {tmp_path / '2026-11-20'}, past --keep-runs" in err

