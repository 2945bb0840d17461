"""The built calendars kept on disk: a warm start never imports `holidays`, and any change builds them again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date

import pytest

from compliance.calendars import _cache, build, clear_cache, get_calendar, read_spec
from conftest import ROOT

BUNDLED_EW = ROOT / "calendars" / "england-and-wales.yaml"
PROBE = ("import sys; from compliance.calendars import get_calendar, add_period; from datetime import date; "
         "cal = get_calendar('england-and-wales'); "
         "print(add_period(date(2018, 12, 5), 70, 'working_days'), 'holidays' in sys.modules, len(cal.working_ordinals))")


def _run(env: dict[str, str]) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env}, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_first_run_builds_the_calendar_and_the_next_one_never_imports_holidays(tmp_path):
    env = {"COMPLIANCE_CACHE_DIR": str(tmp_path)}
    cold = _run(env)
    warm = _run(env)
    assert cold[0] == warm[0] == "2019-03-18" and cold[2] == warm[2]
    assert (cold[1], warm[1]) == ("True", "False")
    files = list((tmp_path / "calendars").glob("england-and-wales-*.json"))
    assert len(files) == 1 and f"holidays-{_cache.holidays_version()}" in files[0].name


def test_the_cached_calendar_is_the_built_one_day_for_day(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    clear_cache()
    try:
        first = get_calendar("england-and-wales")  # built, and written to the cache
        clear_cache()
        second = get_calendar("england-and-wales")  # read from the cache
    finally:
        clear_cache()
    fresh = build(read_spec(BUNDLED_EW))
    assert first.working_ordinals == second.working_ordinals == fresh.working_ordinals
    assert second.holidays(2022) == fresh.holidays(2022) and second.provenance == fresh.provenance
    assert second.spec == fresh.spec


def test_an_edited_calendar_file_is_built_again(tmp_path):
    calendars = tmp_path / "calendars-dir"
    calendars.mkdir()
    shutil.copy(BUNDLED_EW, calendars / "england-and-wales.yaml")
    env = {"COMPLIANCE_CACHE_DIR": str(tmp_path / "cache"), "COMPLIANCE_CALENDARS": str(calendars)}
    assert _run(env)[0] == "2019-03-18"
    text = (calendars / "england-and-wales.yaml").read_text(encoding="utf-8")
    assert "\nadditions:\n" in text
    # A council closure day on Monday 17 Dec 2018 pushes the 70th working day on by one.
    text = text.replace("\nadditions:\n", "\nadditions:\n  - {date: 2018-12-17, name: Closure, source: test}\n", 1)
    (calendars / "england-and-wales.yaml").write_text(text, encoding="utf-8")
    rebuilt = _run(env)
    assert rebuilt[0] == "2019-03-19" and rebuilt[1] == "True"
    assert len(list((tmp_path / "cache" / "calendars").glob("england-and-wales-*.json"))) == 2


def test_a_damaged_cache_file_is_ignored_and_replaced(tmp_path):
    env = {"COMPLIANCE_CACHE_DIR": str(tmp_path)}
    _run(env)
    (cached,) = (tmp_path / "calendars").glob("england-and-wales-*.json")
    cached.write_text('{"format": 1, "sha256": "x"', encoding="utf-8")
    assert _run(env)[:2] == ["2019-03-18", "True"]
    assert json.loads(cached.read_text(encoding="utf-8"))["format"] == _cache.FORMAT
    assert _run(env)[1] == "False"


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    assert _run({"COMPLIANCE_CACHE_DIR": str(blocked)})[:2] == ["2019-03-18", "True"]


def test_processes_building_at_once_all_succeed_and_leave_one_good_file(tmp_path):
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.Popen([sys.executable, "-c", PROBE], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    assert {out.split()[0] for out, _ in outputs} == {"2019-03-18"}
    assert [p.name for p in (tmp_path / "calendars").iterdir() if p.name.startswith(".")] == []  # no temp files
    assert _run({"COMPLIANCE_CACHE_DIR": str(tmp_path)})[1] == "False"


def test_the_cache_is_keyed_by_the_holidays_version(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    spec = read_spec(BUNDLED_EW)
    _cache.write(spec, {date(2030, 1, 1): "New Year's Day"}, "0.1")
    assert _cache.read(BUNDLED_EW, spec.sha256) is None  # built with another version: not used
    assert _cache.read(BUNDLED_EW, "0" * 64) is None


@pytest.mark.parametrize("version", [_cache.holidays_version()])
def test_the_version_is_found_without_importing_holidays(version):
    import importlib.metadata

    assert version == importlib.metadata.version("holidays")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file modes and owners are POSIX's")
def test_a_kept_calendar_others_could_have_written_is_built_again(tmp_path, monkeypatch):
    """A built calendar stands in for the bank holidays: one in a file the group could change is not read."""
    monkeypatch.setenv("COMPLIANCE_CACHE_DIR", str(tmp_path))
    spec = read_spec(BUNDLED_EW)
    clear_cache()
    try:
        get_calendar("england-and-wales")
    finally:
        clear_cache()
    [kept] = (tmp_path / "calendars").glob("england-and-wales-*.json")
    assert _cache.read(BUNDLED_EW, spec.sha256) is not None
    os.chmod(kept, 0o664)
    assert _cache.read(BUNDLED_EW, spec.sha256) is None
