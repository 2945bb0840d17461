"""`compliance calendar import`: pinning GOV.UK's bank-holidays.json into a calendar file.

The fixture tests/fixtures/govuk-bank-holidays-2028-2029.json is in GOV.UK's format. Its 2028 events are
GOV.UK's own (copied from the list bundled in `govuk-bank-holidays`); its 2029 events are the standing
rules as GOV.UK would write them, with two deliberate changes that are TEST DATA, not real holidays:
England and Wales gain an "Invented jubilee" on Mon 4 June 2029 and lose the summer bank holiday of
Mon 27 August 2029. The import must turn the first into an addition and the second into a removal.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from compliance.calendars import build, clear_cache, get_calendar, read_spec
from compliance.errors import InputError
from compliance.calendars.govuk import import_govuk
from conftest import FIXTURES, ROOT

GOVUK_FIXTURE = FIXTURES / "govuk-bank-holidays-2028-2029.json"
BUNDLED_EW = ROOT / "calendars" / "england-and-wales.yaml"
INVENTED = date(2029, 6, 4)
DROPPED = date(2029, 8, 27)


@pytest.fixture
def fresh_calendars():
    """Calendars are cached by name; forget them before and after a test that changes where they come from."""
    clear_cache()
    yield
    clear_cache()


def _cli(*args: str, env_extra: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPLIANCE_CALENDARS", "PYTHONPATH")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, **kwargs)


def test_import_adds_a_new_govuk_day_and_removes_a_package_day_govuk_drops(tmp_path):
    out = tmp_path / "england-and-wales.yaml"
    summary = import_govuk(GOVUK_FIXTURE, "england-and-wales", out)
    assert summary == f"{out}: 1 addition(s), 1 removal(s) for 2028-2029; announced through 2029"
    spec = read_spec(out)
    additions = {a.date: a for a in spec.additions}
    removals = {r.date: r for r in spec.removals}
    assert additions[INVENTED].name == "Invented jubilee (test data, not a real holiday)"
    assert GOVUK_FIXTURE.name in additions[INVENTED].source
    assert DROPPED in removals and GOVUK_FIXTURE.name in removals[DROPPED].source
    assert spec.announced_through == 2029
    cal = build(spec)
    assert not cal.is_working_day(INVENTED)
    assert cal.is_working_day(DROPPED)
    assert [h.date for h in cal.holidays(2029)] == [
        date(2029, 1, 1), date(2029, 3, 30), date(2029, 4, 2), date(2029, 5, 7), date(2029, 5, 28),
        INVENTED, date(2029, 12, 25), date(2029, 12, 26)]
    assert not cal.is_provisional(date(2029, 12, 31)) and cal.is_provisional(date(2030, 1, 1))


def test_import_keeps_the_pinned_proclamations_outside_and_inside_the_imported_years(tmp_path):
    out = tmp_path / "england-and-wales.yaml"
    import_govuk(GOVUK_FIXTURE, "england-and-wales", out)
    spec = read_spec(out)
    added = {a.date: a.source for a in spec.additions}
    removed = {r.date for r in spec.removals}
    for day in (date(2002, 6, 3), date(2011, 4, 29), date(2012, 6, 5), date(2022, 9, 19), date(2023, 5, 8)):
        assert day in added
    assert added[date(2022, 9, 19)] == "The Gazette notice 4158896"
    assert {date(2012, 5, 28), date(2020, 5, 4), date(2022, 5, 30)} <= removed


def test_importing_govuks_full_list_changes_nothing_and_keeps_every_pin(tmp_path):
    """GOV.UK confirms every pinned day, so the pins stay: a later `holidays` release cannot drop one."""
    from govuk_bank_holidays import bank_holidays

    govuk_json = Path(bank_holidays.__file__).with_name("bank-holidays.json")
    out = tmp_path / "england-and-wales.yaml"
    summary = import_govuk(govuk_json, "england-and-wales", out)
    assert "0 addition(s), 0 removal(s) for 2012-2028" in summary
    before, after = read_spec(BUNDLED_EW), read_spec(out)
    assert [(a.date, a.name, a.source) for a in after.additions] == [
        (a.date, a.name, a.source) for a in before.additions]
    assert [(r.date, r.name, r.source) for r in after.removals] == [
        (r.date, r.name, r.source) for r in before.removals]


def test_importing_twice_is_stable(tmp_path):
    out = tmp_path / "england-and-wales.yaml"
    import_govuk(GOVUK_FIXTURE, "england-and-wales", out)
    first = read_spec(out)
    summary = import_govuk(GOVUK_FIXTURE, "england-and-wales", out)
    assert "0 addition(s), 0 removal(s)" in summary
    second = read_spec(out)
    assert (first.additions, first.removals) == (second.additions, second.removals)


def test_scotland_imports_from_its_own_division(tmp_path):
    out = tmp_path / "scotland.yaml"
    summary = import_govuk(GOVUK_FIXTURE, "scotland", out)
    assert "0 addition(s), 0 removal(s) for 2028-2029" in summary
    cal = build(read_spec(out))
    assert cal.name == "scotland"
    assert [h.date for h in cal.holidays(2029) if h.date.month in (1, 8, 11)] == [
        date(2029, 1, 1), date(2029, 1, 2), date(2029, 8, 6), date(2029, 11, 30)]


@pytest.mark.parametrize("content, fragment", [
    ("{not json", "not JSON"),
    ('{"scotland": {"events": [{"title": "x", "date": "2029-01-01"}]}}', "no 'england-and-wales' division"),
    ('{"england-and-wales": {"events": [{"title": "x"}]}}', "england-and-wales.events[0]"),
    ('{"england-and-wales": {"events": [{"title": "x", "date": "2029-02-30"}]}}', "YYYY-MM-DD"),
    ('{"england-and-wales": {"events": []}}', "lists no events"),
    ('{"england-and-wales": {"events": [], "n": ' + "9" * 5000 + "}}", "a number is too long"),  # found by fuzzing
])
def test_bad_govuk_files_are_refused_with_the_file_named(tmp_path, content, fragment):
    bad = tmp_path / "bank-holidays.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        import_govuk(bad, "england-and-wales", tmp_path / "out.yaml")
    assert fragment in str(caught.value) and str(bad) in str(caught.value)
    assert not (tmp_path / "out.yaml").exists()


def test_unknown_division_is_refused(tmp_path):
    with pytest.raises(InputError, match="cannot import into calendar 'wales'"):
        import_govuk(GOVUK_FIXTURE, "wales", tmp_path / "out.yaml")


def test_imported_calendar_used_through_compliance_calendars_changes_deadlines(tmp_path):
    calendars = tmp_path / "calendars"
    done = _cli("calendar", "import", str(GOVUK_FIXTURE), "--output", str(calendars / "england-and-wales.yaml"))
    assert done.returncode == 0, done.stderr
    assert "1 addition(s), 1 removal(s)" in done.stdout
    env = {"COMPLIANCE_CALENDARS": str(calendars)}
    # Fri 1 Jun 2029 + 1 working day: Mon 4 Jun, unless the (invented) jubilee makes it Tue 5 Jun.
    assert _cli("deadline", "2029-06-01", "1 working day").stdout.startswith("2029-06-04")
    imported = _cli("deadline", "2029-06-01", "1 working day", env_extra=env)
    assert imported.stdout.startswith("2029-06-05")
    assert "2029-06-04 Monday: Invented jubilee (test data, not a real holiday)" in imported.stdout
    # Fri 24 Aug 2029 + 1: Tue 28 Aug past the summer bank holiday, or Mon 27 Aug once GOV.UK drops it.
    assert _cli("deadline", "2029-08-24", "1 working day").stdout.startswith("2029-08-28")
    assert _cli("deadline", "2029-08-24", "1 working day", env_extra=env).stdout.startswith("2029-08-27")
    shown = _cli("calendar", "show", "2029", env_extra=env).stdout
    assert "(announced)" in shown and "Invented jubilee" in shown and "2029-08-27" not in shown


def test_compliance_calendars_shadows_the_bundled_file_in_process(tmp_path, monkeypatch, fresh_calendars):
    calendars = tmp_path / "calendars"
    import_govuk(GOVUK_FIXTURE, "england-and-wales", calendars / "england-and-wales.yaml")
    assert get_calendar().is_working_day(INVENTED)
    clear_cache()
    monkeypatch.setenv("COMPLIANCE_CALENDARS", str(calendars))
    cal = get_calendar()
    assert not cal.is_working_day(INVENTED)
    assert cal.provenance["file"] == "england-and-wales.yaml" and cal.spec.path.parent == calendars
    assert get_calendar("scotland").spec.path.parent != calendars  # other calendars still bundled


def test_bad_json_on_the_command_line_is_one_line_exit_2_and_leaves_the_old_file(tmp_path):
    bad = tmp_path / "bank-holidays.json"
    bad.write_text('{"england-and-wales": {"events": [', encoding="utf-8")
    out = tmp_path / "england-and-wales.yaml"
    shutil.copy(BUNDLED_EW, out)
    done = _cli("calendar", "import", str(bad), "--output", str(out))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"compliance: error: {bad}: not JSON")
    assert out.read_bytes() == BUNDLED_EW.read_bytes()


def test_a_failed_write_leaves_the_previous_calendar_file_whole(tmp_path):
    """A real write failure: the child process may not write more than 1 KiB to any file (RLIMIT_FSIZE)."""
    out = tmp_path / "england-and-wales.yaml"
    shutil.copy(BUNDLED_EW, out)
    before = out.read_bytes()
    assert len(before) > 1024

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    done = _cli("calendar", "import", str(GOVUK_FIXTURE), "--output", str(out),
                env_extra={"PYTHONDONTWRITEBYTECODE": "1"}, preexec_fn=small_files)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "File too large; the previous file is unchanged" in done.stderr
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["england-and-wales.yaml"]  # no temporary left


def test_written_calendar_is_valid_yaml_that_names_its_source(tmp_path):
    out = tmp_path / "england-and-wales.yaml"
    import_govuk(GOVUK_FIXTURE, "england-and-wales", out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# England and Wales working-day calendar")
    spec = read_spec(out)
    assert spec.announced_source.startswith(f"GOV.UK bank-holidays.json imported from {GOVUK_FIXTURE.name}")
    assert json.loads(GOVUK_FIXTURE.read_text(encoding="utf-8"))["england-and-wales"]["division"] == spec.name


def govuk_file(tmp_path, events, division="england-and-wales"):
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps({division: {"division": division, "events": events}}, indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("events, fragment", [
    (5, "england-and-wales.events: must be a list of events, not 5"),
    (None, "england-and-wales.events: must be a list of events, not null"),
    ("2024-01-01", 'england-and-wales.events: must be a list of events, not "2024-01-01"'),
    ([5], "england-and-wales.events[0]: event 0 needs a date (YYYY-MM-DD) and a title"),
    ([{"title": "x", "date": 20240101}], "england-and-wales.events[0]: event 0 needs a date"),
    ([{"title": "", "date": "2024-01-01"}], "england-and-wales.events[0]: event 0 needs a date"),
    ([{"title": "x", "date": "01/01/2024"}], "england-and-wales.events[0].date: '01/01/2024' is not a date"),
])
def test_a_malformed_file_is_a_located_problem_not_a_traceback(tmp_path, events, fragment):
    bad = govuk_file(tmp_path, events)
    with pytest.raises(InputError) as caught:
        import_govuk(bad, "england-and-wales", tmp_path / "out.yaml")
    assert fragment in str(caught.value) and str(caught.value).startswith(f"{bad}:")
    done = _cli("calendar", "import", str(bad), "--output", str(tmp_path / "out.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert fragment in done.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_problems_carry_the_line_of_the_event(tmp_path):
    bad = govuk_file(tmp_path, [{"title": "New Year's Day", "date": "2024-01-01"},
                                {"title": "Broken", "date": "2024-13-01"}])
    with pytest.raises(InputError) as caught:
        import_govuk(bad, "england-and-wales", tmp_path / "out.yaml")
    (problem,) = caught.value.problems
    line = next(i for i, text in enumerate(bad.read_text().splitlines(), 1) if "2024-13-01" in text)
    assert (problem.line, problem.field) == (line, "england-and-wales.events[1].date")


def test_a_file_listing_part_of_a_year_removes_nothing(tmp_path):
    """One 2024 date used to remove the five other real 2024 holidays; it must remove none."""
    partial = govuk_file(tmp_path, [{"title": "Early May bank holiday", "date": "2024-05-06"}])
    out = tmp_path / "england-and-wales.yaml"
    summary = import_govuk(partial, "england-and-wales", out)
    assert "0 addition(s), 0 removal(s)" in summary and "listed only in part" in summary and "2024" in summary
    bundled, imported = build(read_spec(BUNDLED_EW)), build(read_spec(out))
    # Every 2024 holiday of the bundled calendar, by hand: 1 Jan, 29 Mar, 1 Apr, 6 May, 27 May, 26 Aug, 25-26 Dec.
    expected = [date(2024, 1, 1), date(2024, 3, 29), date(2024, 4, 1), date(2024, 5, 6), date(2024, 5, 27),
                date(2024, 8, 26), date(2024, 12, 25), date(2024, 12, 26)]
    assert [h.date for h in imported.holidays(2024)] == [h.date for h in bundled.holidays(2024)] == expected
    assert read_spec(out).announced_through == read_spec(BUNDLED_EW).announced_through == 2028
    assert read_spec(out).removals == read_spec(BUNDLED_EW).removals


def test_pins_of_a_year_listed_in_part_are_kept(tmp_path):
    """A file with one 2022 date must not drop the State Funeral (19 Sep 2022) the calendar pins."""
    partial = govuk_file(tmp_path, [{"title": "Spring bank holiday", "date": "2022-06-02"}])
    out = tmp_path / "england-and-wales.yaml"
    import_govuk(partial, "england-and-wales", out)
    assert date(2022, 9, 19) in {a.date for a in read_spec(out).additions}
    assert not build(read_spec(out)).is_working_day(date(2022, 9, 19))


@pytest.mark.parametrize("day", ["9999-01-01", "2101-01-03", "1970-12-28"])
def test_a_date_outside_the_calendar_is_refused(tmp_path, day):
    """A 9999 date used to turn "provisional" off for every year."""
    bad = govuk_file(tmp_path, [{"title": "New Year's Day", "date": "2029-01-01"},
                                {"title": "Far off", "date": day}])
    out = tmp_path / "england-and-wales.yaml"
    with pytest.raises(InputError, match=f"{day} is outside the years the calendar covers \\(1971-2100\\)"):
        import_govuk(bad, "england-and-wales", out)
    assert not out.exists()


def test_announced_through_stops_at_the_last_year_listed_whole(tmp_path):
    """The fixture's 2028 and 2029 are whole; one more date in 2030 must not make 2030 count as announced."""
    events = json.loads(GOVUK_FIXTURE.read_text(encoding="utf-8"))["england-and-wales"]["events"]
    extended = govuk_file(tmp_path, events + [{"title": "New Year's Day", "date": "2030-01-01"}])
    out = tmp_path / "england-and-wales.yaml"
    summary = import_govuk(extended, "england-and-wales", out)
    assert "for 2028-2029; announced through 2029" in summary and "listed only in part" in summary
    cal = build(read_spec(out))
    assert not cal.is_provisional(date(2029, 12, 31)) and cal.is_provisional(date(2030, 6, 3))
    # 2030's listed day still counts as a holiday; none of 2030's package days is removed.
    assert not cal.is_working_day(date(2030, 1, 1)) and not cal.is_working_day(date(2030, 8, 26))
