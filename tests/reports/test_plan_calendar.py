"""The plan's renderers: whom an iCalendar plan's events are for, and which plan a UID stands for."""

from __future__ import annotations

from datetime import date

import icalendar

# A strategy discussion on Wed 16 Dec 2020: the initial conference is due in 15 working days, with Christmas Day,
# Boxing Day (substitute Mon 28 Dec) and New Year's Day skipped: Mon 11 Jan 2021.
CP = ("plan", "child-protection", "strategy_discussion=16/12/2020")


def _events(run_cli, *args):
    code, out, _ = run_cli(*CP, *args, "--format", "ics")
    assert code == 0
    return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(out).walk("VEVENT")}


def test_plans_for_two_children_on_the_same_dates_share_no_uid(run_cli):
    first = _events(run_cli, "child=C001", "--as-of", "2020-12-20")
    second = _events(run_cli, "child=C002", "team=East", "--as-of", "2020-12-20")
    icpc = first["Child C001: hold the initial child protection conference"]
    assert icpc.decoded("DTSTART") == date(2021, 1, 11)
    assert "Child C002: hold the initial child protection conference" in second
    # Importing C002's calendar must add its events, not move C001's.
    assert not {str(e["UID"]) for e in first.values()} & {str(e["UID"]) for e in second.values()}


def test_the_same_child_in_two_authorities_shares_no_uid(run_cli):
    fen = _events(run_cli, "child=C001", "authority=Fen", "--as-of", "2020-12-20")
    wold = _events(run_cli, "child=C001", "authority=Wold", "--as-of", "2020-12-20")
    assert "Fen, child C001: hold the initial child protection conference" in fen
    assert not {str(e["UID"]) for e in fen.values()} & {str(e["UID"]) for e in wold.values()}


def test_a_childs_plan_keeps_its_uids_after_reallocation_and_a_conference_held(run_cli):
    before = _events(run_cli, "child=C001", "team=West", "--as-of", "2020-12-20")
    # Reallocated to another team, and the conference held on Mon 4 Jan 2021: the same child, the same clock.
    after = _events(run_cli, "child=C001", "team=East", "icpc=04/01/2021", "--as-of", "2021-01-05")
    title = "Child C001: hold the initial child protection conference"
    assert str(before[title]["UID"]) == str(after[title]["UID"])
