"""Putting a run's files in place: a dated folder replaced whole, latest copies that are real files."""

from __future__ import annotations

import os
import time

from compliance.nightly._publish import STAGING_PREFIX, publish


def test_files_and_latest_copies(tmp_path):
    folder = publish(tmp_path, "2026-11-20", {"report.html": "<p>one</p>", "deadlines.ics": b"BEGIN:VCALENDAR\r\n"},
                     {"latest.html": "report.html"})
    assert folder == tmp_path / "2026-11-20"
    assert (folder / "report.html").read_text() == "<p>one</p>"
    assert (folder / "deadlines.ics").read_bytes() == b"BEGIN:VCALENDAR\r\n"
    assert (tmp_path / "latest.html").read_text() == "<p>one</p>" and not (tmp_path / "latest.html").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-20", "latest.html"]


def test_a_second_run_for_the_same_day_replaces_the_whole_folder(tmp_path):
    publish(tmp_path, "2026-11-20", {"report.html": "first", "old-only.txt": "x"}, {"latest.html": "report.html"})
    publish(tmp_path, "2026-11-20", {"report.html": "second"}, {"latest.html": "report.html"})
    assert sorted(p.name for p in (tmp_path / "2026-11-20").iterdir()) == ["report.html"]
    assert (tmp_path / "latest.html").read_text() == "second"
    assert not list(tmp_path.glob(STAGING_PREFIX + "*"))


def test_without_latest_the_copies_stay_as_they_were(tmp_path):
    publish(tmp_path, "2026-11-27", {"report.html": "newer"}, {"latest.html": "report.html"})
    publish(tmp_path, "2026-11-20", {"report.html": "older"}, None)
    assert (tmp_path / "latest.html").read_text() == "newer"
    assert (tmp_path / "2026-11-20" / "report.html").read_text() == "older"


def test_a_staging_folder_left_by_a_killed_run_is_cleared_once_stale(tmp_path):
    stale = tmp_path / (STAGING_PREFIX + "killed")
    fresh = tmp_path / (STAGING_PREFIX + "running")
    stale.mkdir()
    fresh.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    publish(tmp_path, "2026-11-20", {"report.html": "x"})
    assert not stale.exists()
    assert fresh.exists()  # it may belong to a run still going
