"""One way to write a date, everywhere: every option and argument that takes a date reads what a tracker's cell
reads (DD/MM/YYYY, YYYY-MM-DD, "20 November 2026"), and refuses what a cell refuses with the same words."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT

INSPECTIONS = str(ROOT / "examples" / "inspections.yaml")
EVENTS = str(ROOT / "examples" / "inspection-events.csv")
# Friday 20 November 2026, written each way a person writes it.
WRITTEN = ["2026-11-20", "20/11/2026", "20 November 2026", "20 Nov 2026", "Friday 20th November 2026"]


def _commands(tmp_path):
    """Each command that takes a date, as a function of the date text."""
    return {
        "check --as-of": lambda d: ("check", INSPECTIONS, "--as-of", d),
        "kpi --as-of": lambda d: ("kpi", INSPECTIONS, "--as-of", d),
        "track --as-of": lambda d: ("track", EVENTS, "--as-of", d),
        "plan --as-of": lambda d: ("plan", "inspection", "report_received=2026-10-01", "framework=ILACS", "--as-of", d),
        "plan EVENT=": lambda d: ("plan", "inspection", f"report_received={d}", "framework=ILACS",
                                  "--as-of", "2026-12-01"),
        "deadline START": lambda d: ("deadline", d, "70 working days"),
        "calendar show": lambda d: ("calendar", "show", d),
        "report --as-of": lambda d: ("report", INSPECTIONS, "--out", str(tmp_path / "reports"), "--as-of", d,
                                     "--quiet", "--db", str(tmp_path / "history.sqlite3")),
        "synth --to": lambda d: ("synth", "--children", "3", "--seed", "1", "--output-dir", str(tmp_path / "x"),
                                 "--to", d),
    }


NAMES = list(_commands(None))


@pytest.mark.parametrize("name", NAMES)
def test_every_date_option_reads_every_way_of_writing_a_date_alike(run_cli, tmp_path, name):
    command = _commands(tmp_path)[name]
    results = set()
    for written in WRITTEN:
        code, out, err = run_cli(*command(written))
        assert code in (0, 1), f"{name} {written!r}: {err}"
        results.add((code, out.replace(str(tmp_path), "TMP")))
    assert len(results) == 1, f"{name} read the ways of writing 20 November 2026 differently"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("written, message", [
    ("20/11/26", "'20/11/26' is not a date: give the year in full, DD/MM/YYYY"),
    ("11/20/2026", "'11/20/2026' is not a date: there is no month 20 (dates are read day first, DD/MM/YYYY)"),
    ("November 20, 2026", "'November 20, 2026' is not a date: write the day first, 20 November 2026"),
    ("Monday 20 November 2026", "'Monday 20 November 2026' is not a date: 20 November 2026 is a Friday, not a Monday"),
])
def test_every_date_option_refuses_what_a_cell_refuses_in_the_same_words(run_cli, tmp_path, name, written, message):
    code, out, err = run_cli(*_commands(tmp_path)[name](written))
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert "DD/MM/YYYY, YYYY-MM-DD or 5 December 2018" in err


def test_a_tracker_cell_written_as_council_papers_write_it(run_cli, tmp_path):
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("id,kind,framework,report_received,report_published\n"
                       "haringey,inspection,ILACS,14 December 2018,Thursday 31st January 2019\n", encoding="utf-8")
    code, out, err = run_cli("check", str(tracker), "--as-of", "1 March 2019", "--format", "json")
    found = {f["rule"]: f for f in json.loads(out)["findings"]}
    # 30 working days from Fri 14 Dec 2018, skipping 25, 26 Dec and 1 Jan, end on Wed 30 Jan 2019: a day late.
    assert (code, err) == (1, "")
    assert found["la-publish-report"]["deadline"] == "2019-01-30"
    assert found["la-publish-report"]["status"] == "late"


def test_an_empty_as_of_is_refused_not_taken_as_today(run_cli):
    code, _, err = run_cli("check", INSPECTIONS, "--as-of", "")
    assert code == 2 and err == ("compliance: error: --as-of: no date given (write dates as DD/MM/YYYY, YYYY-MM-DD or "
                                 "5 December 2018 (e.g. 05/12/2018 or 2018-12-05))\n")


def test_calendar_show_says_whether_a_date_is_a_working_day(run_cli):
    code, out, _ = run_cli("calendar", "show", "19 September 2022")
    assert code == 0
    assert out.splitlines()[0] == ("Mon 19 Sep 2022 is not a working day (State Funeral of Queen Elizabeth II) on "
                                   "the England and Wales calendar.")
    assert "2022-09-19 Monday: State Funeral of Queen Elizabeth II" in out
    code, out, _ = run_cli("calendar", "show", "20/09/2022")
    assert out.splitlines()[0] == "Tue 20 Sep 2022 is a working day on the England and Wales calendar."
    code, _, err = run_cli("calendar", "show", "22")
    assert code == 2 and err == "compliance: error: year: '22' is not a year (give the year in full, e.g. 2022)\n"
