"""The files of a report run: what deadlines.ics holds (the deadlines a person acts on now), a calendar for each
team, the findings that apply in findings.*, and team calendars' latest-* names kept to the newest run."""

from __future__ import annotations

import csv
import hashlib
import io
import resource
import subprocess
import sys
from datetime import date, timedelta

import icalendar
import pyarrow.parquet as pq

from compliance.nightly._files import team_slug

from conftest import FIXTURES, ROOT, read_json, referrals_csv

COUNCIL = FIXTURES / "report" / "council.yaml"


def events(path):
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return [e for e in calendar.walk("VEVENT")]


def test_the_calendar_holds_the_deadlines_due_or_missed_within_ics_days(tmp_path, run_cli):
    records = tmp_path / "referrals.csv"
    records.write_text("\n".join(referrals_csv(600)) + "\n", encoding="utf-8")
    as_of = date(2024, 11, 20)
    for days in (30, 7):
        out = tmp_path / f"out-{days}"
        code, _, err = run_cli("report", str(records), "--as-of", as_of.isoformat(), "--out", str(out), "--quiet",
                               "--fail-on", "none", "--ics-days", str(days))
        assert code == 0, err
        data = read_json(out / "latest.json.gz")
        open_ = [f for f in data["findings"] if f["status"] in ("overdue", "due")]
        wanted = {(f["record"], f["rule"], f["occurrence"]) for f in open_
                  if abs((date.fromisoformat(f["deadline"][:10]) - as_of).days) <= days}
        found, [backlog] = split_backlog(events(out / "latest.ics"))
        assert len(found) == len(wanted) and 0 < len(wanted) < len(open_)
        older = [f for f in open_ if f["status"] == "overdue"
                 and (as_of - date.fromisoformat(f["deadline"][:10])).days > days]
        assert str(backlog["SUMMARY"]) == f"{len(older)} duties overdue by more than {days} days"
        assert backlog.decoded("DTSTART") == as_of
        for event in found:
            start = event.decoded("DTSTART")
            assert as_of - timedelta(days=days) <= start <= as_of + timedelta(days=days)
            assert str(event["CATEGORIES"].to_ical().decode()) in ("Overdue", "Due")
        # The pages say what the calendar holds, not that it holds every open duty.
        said = f"holds only those due within {days} days and those overdue by at most {days} days (--ics-days)"
        assert said in (out / "latest.md").read_text() and said in (out / "latest.html").read_text()


def split_backlog(found):
    """(the duties' own events, the one event for those overdue beyond the calendar's horizon)."""
    backlog = [e for e in found if " overdue by more than " in str(e["SUMMARY"])]
    return [e for e in found if e not in backlog], backlog


def test_duties_overdue_beyond_the_horizon_are_one_event_on_the_day_of_the_run(tmp_path, run_cli):
    """Issue 20's audit: a breach overdue for longer than --ics-days left the team's calendar, though it is what most
    needs acting on. Each calendar has one event for them on the run's day (its UID the calendar's, so a subscribed
    calendar moves it each night), naming the oldest first; a team's counts only its own."""
    records = tmp_path / "referrals.csv"
    records.write_text("\n".join(referrals_csv(300)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    uids = []
    for as_of in (date(2024, 11, 20), date(2024, 11, 21)):
        code, _, err = run_cli("report", str(records), "--as-of", as_of.isoformat(), "--out", str(out), "--quiet",
                               "--fail-on", "none", "--by", "team", "--ics-days", "7")
        assert code == 0, err
        folder = out / as_of.isoformat()
        older = [f for f in read_json(out / "latest.json.gz")["findings"] if f["status"] == "overdue"
                 and (as_of - date.fromisoformat(f["deadline"][:10])).days > 7]
        _, [backlog] = split_backlog(events(folder / "deadlines.ics"))
        assert str(backlog["SUMMARY"]) == f"{len(older)} duties overdue by more than 7 days" and len(older) > 10
        assert backlog.decoded("DTSTART") == as_of and str(backlog["CATEGORIES"].to_ical().decode()) == "Overdue"
        oldest = min(older, key=lambda f: (f["deadline"][:10], f["record"]))
        described = str(backlog["DESCRIPTION"])
        assert "The oldest:" in described and f"({oldest['record']}): due " in described.split("\n")[3]
        uids.append(str(backlog["UID"]))
        counts = {}
        for path in folder.glob("deadlines-*.ics"):
            [team] = split_backlog(events(path))[1] or [None]
            counts[path.name] = int(str(team["SUMMARY"]).split()[0]) if team else 0
        by_team = {}
        for f in older:
            name = f"deadlines-{team_slug(f['attributes']['team'])}.ics"
            by_team[name] = by_team.get(name, 0) + 1
        assert counts == {name: by_team.get(name, 0) for name in counts} and sum(counts.values()) == len(older)
    assert uids[0] == uids[1]
    # Another report's (another --out, its own history), in the same calendar program, is another event.
    code, _, err = run_cli("report", str(records), "--as-of", "2024-11-21", "--out", str(tmp_path / "other"),
                           "--quiet", "--fail-on", "none", "--ics-days", "7")
    assert code == 0, err
    assert str(split_backlog(events(tmp_path / "other" / "latest.ics"))[1][0]["UID"]) != uids[0]


def test_by_team_writes_a_calendar_for_each_team_and_links_the_newest(tmp_path, run_cli):
    records = tmp_path / "referrals.csv"
    lines = referrals_csv(300)
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(records), "--as-of", "2024-11-20", "--out", str(out), "--quiet",
                           "--fail-on", "none", "--by", "team")
    assert code == 0, err
    folder = out / "2024-11-20"
    teams = {"assessment-north", "assessment-south", "front-door"}
    assert {p.name for p in folder.glob("deadlines-*.ics")} == {f"deadlines-{t}.ics" for t in teams}
    everyone = {str(e["UID"]) for e in split_backlog(events(folder / "deadlines.ics"))[0]}
    by_team = {t: {str(e["UID"]) for e in split_backlog(events(folder / f"deadlines-{t}.ics"))[0]} for t in teams}
    assert set().union(*by_team.values()) == everyone and sum(map(len, by_team.values())) == len(everyone)
    for team in teams:
        assert (out / f"latest-deadlines-{team}.ics").samefile(folder / f"deadlines-{team}.ics")
    # The next night, Front Door has no records: its latest calendar goes, the others point at the new run; a
    # file of the user's that only looks like one is left alone.
    (out / "latest-deadlines-mine.ics").write_text("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    records.write_text("\n".join(line for line in lines if ",Front Door," not in line) + "\n", encoding="utf-8")
    code, _, err = run_cli("report", str(records), "--as-of", "2024-11-21", "--out", str(out), "--quiet",
                           "--fail-on", "none", "--by", "team")
    assert code == 0, err
    assert sorted(p.name for p in out.glob("latest-deadlines-*.ics")) == [
        "latest-deadlines-assessment-north.ics", "latest-deadlines-assessment-south.ics",
        "latest-deadlines-mine.ics"]
    assert (out / "latest-deadlines-assessment-north.ics").samefile(
        out / "2024-11-21" / "deadlines-assessment-north.ics")


def test_a_team_name_makes_a_safe_file_name_that_no_other_team_can_take():
    """Whatever other teams there are: a calendar a team subscribes to must never become another team's (when the
    first of two names that made one file name was dropped, the second took it over, the next night)."""
    assert team_slug("Front Door") == team_slug("FRONT  DOOR") == team_slug("front door") == "front-door"
    assert team_slug("") == "no-team"
    assert team_slug("no team") != "no-team" and team_slug("no-team") != "no-team"  # never the no-team calendar
    for name, start in (("../../etc/passwd", "etc-passwd-"), ("Équipe ✓", "equipe-"), ("café", "cafe-"),
                        ("a_b", "a-b-"), ("A/B", "a-b-"), (".", "team-")):
        assert team_slug(name).startswith(start) and len(team_slug(name)) == len(start) + 8, name
    assert team_slug("a_b") != team_slug("A/B") and team_slug(".") != team_slug("..")
    assert len(team_slug("x" * 500)) == 40 and team_slug("x" * 500) != team_slug("x" * 400)


def test_a_team_name_in_either_unicode_form_is_one_teams_calendar(tmp_path, run_cli):
    """Issue: "Équipe Nord" typed with the accented letter (NFC) and with E and a combining accent (NFD) made two
    calendars, shown by one name."""
    composed, decomposed = "\u00c9quipe Nord", "E\u0301quipe Nord"
    assert composed != decomposed and team_slug(composed) == team_slug(decomposed)
    assert team_slug(decomposed).startswith("equipe-nord-") and team_slug("Équipe Sud") != team_slug(composed)
    records = tmp_path / "referrals.csv"
    records.write_text("id,kind,team,referral,referral_decision\n"
                       f"r1,referral,{composed},03/12/2024,\nr2,referral,{decomposed},03/12/2024,\n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(records), "--as-of", "2024-12-10", "--out", str(out), "--quiet", "--by",
                           "team")
    assert code == 1, err  # both decisions (1 working day) overdue
    [path] = (out / "2024-12-10").glob("deadlines-*.ics")
    assert path.name == f"deadlines-{team_slug(composed)}.ics"
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert str(calendar["X-WR-CALNAME"]).endswith(f": {composed}")  # one name, composed, whichever came first
    assert sorted(str(e["DESCRIPTION"]).split("Record: ")[1][:2] for e in calendar.walk("VEVENT")) == ["r1", "r2"]



def test_names_kpi_counts_as_one_team_share_one_calendar():
    """Issue: kpi counted "Straße" and "STRASSE" as one team, and ΐ typed as one character or as Ϊ and an accent,
    as Unicode's caseless match says; --by team gave each spelling a calendar of its own, so a team subscribed to
    one missed the duties entered under the other."""
    assert team_slug("Straße Nord") == team_slug("STRASSE NORD") == team_slug("strasse nord") == "strasse-nord"
    assert team_slug("Team \ufb01ve") == team_slug("Team five") == "team-five"  # the ﬁ ligature pasted from a PDF
    one, other = "Ομάδα \u0390", "Ομάδα \u03aa\u0301"  # ΐ, and capital Ϊ with an acute accent
    assert one != other and team_slug(one) == team_slug(other)
    assert team_slug(one) != team_slug("Ομάδα \u03b9")  # a plain iota is another name
    # A name that folds as it did keeps its file: its words, and a hash of the name in lower case.
    assert team_slug("Équipe Nord") == "equipe-nord-" + hashlib.sha1("équipe nord".encode("utf-8")).hexdigest()[:8]


def test_more_teams_than_files_a_process_may_open_each_get_their_calendar(tmp_path):
    """Issue: past about a thousand teams (1,024 open files, most systems' limit) --by team failed with "Too many open
    files": a handle stayed open for each team's calendar. Here 300 teams under a limit of 200."""
    teams = 300
    records = tmp_path / "referrals.csv"
    # Each team one referral received Tue 3 Dec 2024, undecided: its decision (1 working day) overdue on 10 Dec.
    records.write_text("id,kind,team,referral,referral_decision\n"
                       + "".join(f"r{n},referral,Team {n},03/12/2024,\n" for n in range(teams)), encoding="utf-8")
    out = tmp_path / "out"

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (200, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", str(records), "--as-of", "2024-12-10",
                           "--out", str(out), "--quiet", "--by", "team", "--jobs", "1"], capture_output=True,
                          text=True, cwd=ROOT, preexec_fn=few_files, timeout=300)
    assert (done.returncode, done.stderr) == (1, "")
    files = sorted((out / "2024-12-10").glob("deadlines-*.ics"))
    assert len(files) == teams
    for n in range(teams):
        calendar = icalendar.Calendar.from_ical((out / "2024-12-10" / f"deadlines-team-{n}.ics").read_bytes())
        [event] = calendar.walk("VEVENT")  # its own record's, whole, and no other team's
        assert f"Record: r{n}." in str(event["DESCRIPTION"]) and str(calendar["X-WR-CALNAME"]).endswith(f": Team {n}")
        assert (out / f"latest-deadlines-team-{n}.ics").samefile(out / "2024-12-10" / f"deadlines-team-{n}.ics")


# Each pair: a name that is hashed, and the name of plain words that spells its file name as it was (issue D1).
COLLIDING = [(".", "team 3a52ce78"), ("A/B", "a b 3ec69c85")]


def test_a_plain_name_ending_like_a_hash_is_hashed_so_it_never_takes_another_teams_file():
    assert [team_slug(hashed) for hashed, _ in COLLIDING] == ["team-3a52ce78", "a-b-3ec69c85"]  # as before
    for hashed, plain in COLLIDING:
        assert team_slug(plain).startswith(team_slug(hashed) + "-")
        assert len(team_slug(plain)) == len(team_slug(hashed)) + 9  # and its own hash
    assert team_slug("intake 20250401").startswith("intake-20250401-")  # 8 digits are hexadecimal too
    # A file name a hashed name was given is never a plain name's: spelt as plain words, it is hashed again.
    for name in ("../../etc/passwd", "Équipe ✓", "café", "a_b", "A/B", ".", "..", "x" * 500, "no team"):
        assert team_slug(team_slug(name).replace("-", " ")) != team_slug(name), name
    # Plain names that do not end so keep their files.
    assert [team_slug(n) for n in ("Front Door", "team 3a52ce7", "team 3a52ce789", "team 3a52ce7g", "Year 2025")] == [
        "front-door", "team-3a52ce7", "team-3a52ce789", "team-3a52ce7g", "year-2025"]


def test_two_teams_that_shared_a_calendar_file_each_have_their_own(tmp_path, run_cli):
    records = tmp_path / "referrals.csv"
    teams = {f"r{n}": team for n, team in enumerate(team for pair in COLLIDING for team in pair)}
    records.write_text("id,kind,team,referral,referral_decision\n"
                       + "".join(f"{r},referral,{team},03/12/2024,\n" for r, team in teams.items()), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(records), "--as-of", "2024-12-10", "--out", str(out), "--quiet", "--by",
                           "team")
    assert code == 1, err  # each referral's decision (1 working day) overdue
    files = sorted((out / "2024-12-10").glob("deadlines-*.ics"))
    assert len(files) == 4
    for path in files:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        [event] = calendar.walk("VEVENT")  # one team's one record, none of another's
        [record] = [r for r in teams if f"Record: {r}." in str(event["DESCRIPTION"])]
        assert str(calendar["X-WR-CALNAME"]).endswith(f": {teams[record]}")
        assert path.name == f"deadlines-{team_slug(teams[record])}.ics"


def test_findings_files_list_what_applies_and_all_lists_the_rest(tmp_path, run_cli):
    for extra, listed_all in (((), False), (("--all",), True)):
        out = tmp_path / f"out{len(extra)}"
        code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(out), "--quiet",
                               "--fail-on", "none", *extra)
        assert code == 0, err
        data = read_json(out / "latest.json.gz")
        statuses = [f["status"] for f in data["findings"]]
        # Without --all, a not-applicable finding is listed only when its record needs checking.
        unflagged = [f for f in data["findings"] if f["status"] == "not_applicable" and not f.get("data_quality")]
        assert bool(unflagged) is listed_all and data["not_applicable_listed"] is listed_all
        total = sum(data["summary"].values())
        flagged = len([f for f in data["findings"] if f["status"] == "not_applicable"]) - len(unflagged)
        assert len(statuses) == (total if listed_all else total - data["summary"]["not_applicable"] + flagged)
        rows = list(csv.DictReader(io.StringIO((out / "latest.csv").read_text(encoding="utf-8"))))
        assert [r["status"] for r in rows] == statuses
        assert pq.read_table(out / "latest.parquet").column("status").to_pylist() == statuses
