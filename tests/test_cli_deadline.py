"""`compliance deadline` and `compliance calendar show`: the answer, the working shown, and clean errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import pytest

import reference
from conftest import ROOT

EW = reference.ReferenceCalendar()


def _subprocess_cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPLIANCE_CALENDARS", "PYTHONPATH")}
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


# -- deadline ---------------------------------------------------------------------------------------

def test_70_working_days_from_5_december_2018_shows_the_date_and_every_skipped_day(run_cli):
    code, out, err = run_cli("deadline", "2018-12-05", "70 working days")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "2019-03-18  (70 working days after 2018-12-05, england-and-wales)"
    for named in ("2018-12-25 Tuesday: Christmas Day", "2018-12-26 Wednesday: Boxing Day",
                  "2019-01-01 Tuesday: New Year's Day"):
        assert f"    {named}" in lines
    listed = [line.split()[0] for line in lines[lines.index("  Non-working days skipped:") + 1:]]
    assert listed == [d.isoformat() for d in EW.non_working_days(date(2018, 12, 5), date(2019, 3, 18))]
    assert any("The 70th working day after Wed 05 Dec 2018 is Mon 18 Mar 2019." in line for line in lines)


def test_json_output_has_the_deadline_the_skipped_days_and_the_calendar_data(run_cli):
    code, out, _ = run_cli("deadline", "2018-12-05", "70 working days", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["deadline"] == "2019-03-18"
    assert doc["start"] == "2018-12-05" and doc["amount"] == 70 and doc["unit"] == "working_days"
    assert [s["date"] for s in doc["skipped"]] == [
        d.isoformat() for d in EW.non_working_days(date(2018, 12, 5), date(2019, 3, 18))]
    assert {"date": "2018-12-25", "reason": "Christmas Day"} in doc["skipped"]
    assert doc["provisional"] is False and doc["rolled_from"] is None
    data = doc["calendar_data"]
    assert data["calendar"] == "england-and-wales" and data["file"] == "england-and-wales.yaml"
    assert len(data["file_sha256"]) == 64 and data["holidays_package"]


def test_including_and_roll_options(run_cli):
    # CA 1989 s.32: 26 weeks beginning with Tue 1 Apr 2025 end on Mon 29 Sep 2025 (§7).
    code, out, _ = run_cli("deadline", "2025-04-01", "26 weeks", "--including")
    assert code == 0 and out.startswith("2025-09-29")
    # 7 days from Sat 30 Dec 2023 is Sat 6 Jan 2024: kept without --roll, Mon 8 Jan with it.
    assert run_cli("deadline", "2023-12-30", "7 days")[1].startswith("2024-01-06")
    code, out, _ = run_cli("deadline", "2023-12-30", "7 days", "--roll", "--json")
    doc = json.loads(out)
    assert (doc["deadline"], doc["rolled_from"]) == ("2024-01-08", "2024-01-06")


def test_scotland_calendar_skips_st_andrews_day(run_cli):
    # Tue 29 Nov 2022 + 1 working day: Wed 30 Nov in England, Thu 1 Dec in Scotland (St Andrew's Day).
    assert run_cli("deadline", "2022-11-29", "1 working day")[1].startswith("2022-11-30")
    code, out, _ = run_cli("deadline", "2022-11-29", "1 working day", "--calendar", "scotland")
    assert code == 0 and out.startswith("2022-12-01")
    assert "2022-11-30 Wednesday: Saint Andrew's Day" in out


def test_provisional_deadline_says_so(run_cli):
    code, out, _ = run_cli("deadline", "2028-12-05", "70 working days")
    assert code == 0
    assert "Provisional: 2029 bank holidays are not yet announced by GOV.UK" in out


@pytest.mark.parametrize("args, fragment", [
    (("deadline", "2018-13-05", "70 working days"), "start date: '2018-13-05' is not a date: month must be in 1..12"),
    (("deadline", "05/12/18", "70 working days"), "start date: '05/12/18' is not a date: give the year in full"),
    (("deadline", "2018-12-05", "70 wrking days"), 'did you mean "70 working days"'),
    (("deadline", "1970-12-05", "70 working days"), "outside the years the england-and-wales calendar covers"),
    (("deadline", "2100-12-01", "70 working days"), "runs outside the years"),
    (("deadline", "2018-12-05", "99999999 days"), "runs past the year 9999"),
    (("deadline", "2018-12-05", "3 working days", "--calendar", "wales"), "unknown calendar 'wales'"),
])
def test_bad_input_is_one_line_exit_2_no_traceback(run_cli, args, fragment):
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith("compliance: error: ") and fragment in err


@pytest.mark.parametrize("args, fragment", [
    (("deadline", "2018-13-05", "70 working days"), "is not a date: month must be in 1..12 (write dates as DD/MM/YYYY"),
    (("deadline", "2018-12-05", "70 wrking days"), "unknown unit 'wrking days'"),
    (("deadline", "2018-12-05", "99999999999 hours"), "runs past the year 9999"),
])
def test_bad_input_from_the_real_command_line(args, fragment):
    done = _subprocess_cli(*args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and fragment in done.stderr


def test_the_real_command_line_prints_the_deadline():
    done = _subprocess_cli("deadline", "2018-12-05", "70 working days")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2019-03-18")


# -- calendar show ----------------------------------------------------------------------------------

def test_calendar_show_2022_lists_the_jubilee_and_the_state_funeral_with_names(run_cli):
    code, out, _ = run_cli("calendar", "show", "2022")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("England and Wales: non-working weekdays in 2022 (announced)")
    assert "  2022-06-02 Thursday: Spring bank holiday (moved for the Platinum Jubilee)" in lines
    assert "  2022-06-03 Friday: Platinum Jubilee of Elizabeth II" in lines
    assert "  2022-09-19 Monday: State Funeral of Queen Elizabeth II" in lines
    listed = [date.fromisoformat(line.split()[0]) for line in lines[1:-1]]
    assert set(listed) == {d for d in reference.govuk_events("england-and-wales") if d.year == 2022}
    assert lines[-1].startswith("Calendar data: holidays ") and "england-and-wales.yaml (sha256 " in lines[-1]


def test_a_period_in_hours_takes_the_time_the_clock_started(run_cli):
    # Returned from missing Wed 5 Dec 2018 at 10:00: 72 hours of clock time end Sat 8 Dec at 10:00, weekend or not.
    # The command refused the time, so only the approximate day could be had.
    code, out, err = run_cli("deadline", "05/12/2018 10:00", "72 hours")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "2018-12-08T10:00  (72 hours after 2018-12-05T10:00, england-and-wales)"
    found = json.loads(run_cli("deadline", "2018-12-05 10:00", "72 hours", "--json")[1])
    assert (found["start"], found["deadline"], found["approximate"]) == ("2018-12-05T10:00:00", "2018-12-08T10:00:00",
                                                                        False)
    # A date alone: the day, approximate, as before; working days still take a date alone.
    assert json.loads(run_cli("deadline", "2018-12-05", "72 hours", "--json")[1])["approximate"] is True
    code, _, err = run_cli("deadline", "2018-12-05 10:00", "3 working days")
    assert code == 2 and "gives a time of day" in err


def test_a_period_in_hours_refuses_including_and_roll_rather_than_ignore_them(run_cli):
    # "72 hours beginning with 2024-10-25T10:00" was printed, and the 72 hours counted as without it; --roll was
    # dropped without a word (48 hours from Thu 24 Oct 2024 10:00 end Sat 26 Oct 10:00 either way).
    code, out, err = run_cli("deadline", "25/10/2024 10:00", "72 hours", "--including")
    assert code == 2 and out == ""
    assert err == ("compliance: error: including: --including counts the start day as day 1: a period in hours runs "
                   "from the time given to a time, weekends and holidays counted (leave out --including)\n")
    code, out, err = run_cli("deadline", "24/10/2024 10:00", "48 hours", "--roll")
    assert code == 2 and out == "" and "--roll moves a deadline off a day that is not a working day" in err


def test_a_time_london_clocks_showed_twice_says_which_in_the_headline(run_cli):
    # One hour from 01:30 BST on Sun 27 Oct 2024 ends at 01:30 GMT: the headline read "2024-10-27T01:30 (1 hour after
    # 2024-10-27T01:30)", the working below it saying which.
    code, out, _ = run_cli("deadline", "27/10/2024 01:30", "1 hours")
    assert code == 0
    assert out.splitlines()[0] == "2024-10-27T01:30 GMT  (1 hour after 2024-10-27T01:30 BST, england-and-wales)"


def test_calendar_show_scotland(run_cli):
    code, out, _ = run_cli("calendar", "show", "2022", "--calendar", "scotland")
    assert code == 0
    assert "  2022-11-30 Wednesday: Saint Andrew's Day" in out.splitlines()
    assert "  2022-01-04 Tuesday:" in out  # Scotland's 2 January holiday, moved past the weekend
    code, out, _ = run_cli("calendar", "show", "2025", "--calendar", "scotland")
    assert "  2025-12-01 Monday: Saint Andrew's Day (observed)" in out.splitlines()


def test_calendar_show_marks_unannounced_years_provisional(run_cli):
    code, out, _ = run_cli("calendar", "show", "2030")
    assert code == 0 and "(provisional: not yet announced by GOV.UK)" in out.splitlines()[0]


@pytest.mark.parametrize("year", ["1970", "2101", "10000"])
def test_calendar_show_outside_the_range_is_a_clear_error(run_cli, year):
    code, out, err = run_cli("calendar", "show", year)
    assert code == 2 and out == ""
    assert err == (f"compliance: error: year {year} is outside the years the england-and-wales calendar "
                   "covers (1971 to 2100) (choose a year in that range)\n")


def test_a_period_beginning_with_its_start_says_so(run_cli):
    """It said "1 day after 2024-04-01" for 2024-04-01 itself (found by a probe); months beginning with 31 August end
    on 30 November, which has no 31st (Pruden v Cunard Ellerman [1993])."""
    code, out, _ = run_cli("deadline", "01/04/2024", "1 day", "--including")
    assert (code, out.splitlines()[0]) == (0, "2024-04-01  (1 day beginning with 2024-04-01, england-and-wales)")
    code, out, _ = run_cli("deadline", "31/08/2024", "3 months", "--including")
    assert (code, out.splitlines()[0]) == (0, "2024-11-30  (3 months beginning with 2024-08-31, england-and-wales)")
