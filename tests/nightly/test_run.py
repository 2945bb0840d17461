"""A whole report run through the `compliance report` command: files, latest copies, history, exit codes,
logs, atomic replacement and the progress bar."""

from __future__ import annotations

import errno
import json
import os
import pty
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from operator import itemgetter

import pytest

import compliance.nightly._files
import compliance.nightly._publish
from compliance.nightly import ReportOptions, run_report

from conftest import FIXTURES, ROOT, read_json

COUNCIL = FIXTURES / "report" / "council.yaml"
FILES = ("report.html", "report.md", "findings.json.gz", "findings.csv", "findings.parquet", "deadlines.ics")
LATEST = {"latest.html": "report.html", "latest.md": "report.md", "latest.json.gz": "findings.json.gz",
          "latest.csv": "findings.csv", "latest.parquet": "findings.parquet", "latest.ics": "deadlines.ics"}
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} (INFO|WARNING|ERROR) ")


def report_json(path):
    return read_json(path)["report"]


def test_a_run_writes_every_file_and_the_latest_copies(tmp_path, run_cli):
    code, out, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path))
    assert code == 1  # alpha and gamma are overdue
    assert out == ""
    run = tmp_path / "2026-11-20"
    assert sorted(p.name for p in run.iterdir()) == sorted([*FILES, ".compliance-run"])
    for latest, name in LATEST.items():
        # The same file under a second name: a hard link, a plain file on a shared drive, no second copy.
        assert (tmp_path / latest).read_bytes() == (run / name).read_bytes()
        assert not (tmp_path / latest).is_symlink() and os.path.samefile(tmp_path / latest, run / name)
    assert (tmp_path / "history.sqlite3").is_file()
    lines = err.splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), err
    assert any("run 1: 2 overdue, 2 due within 10 working days" in line for line in lines)
    data = read_json(run / "findings.json.gz")
    assert data["as_of"] == "2026-11-20"
    assert data["report"]["summary"]["overdue"] == data["summary"]["overdue"] == 2
    # The findings that apply, 6 records x 3 duties (delta's clock has not started), and the not-applicable ones
    # whose record needs checking (a date after the as-of date); the rest counted.
    applies = [f for f in data["findings"] if f["status"] != "not_applicable"]
    flagged = [f for f in data["findings"] if f["status"] == "not_applicable"]
    assert len(applies) == 18 == sum(data["summary"].values()) - data["summary"]["not_applicable"]
    assert flagged and all(f["data_quality"] for f in flagged)
    assert data["summary"]["not_applicable"] > len(flagged) and data["not_applicable_listed"] is False
    # The same findings `compliance check --format json` gives, in urgency order.
    _, checked, _ = run_cli("check", str(COUNCIL), "--as-of", "2026-11-20", "--format", "json")
    key = itemgetter("record", "rule", "occurrence")
    assert sorted(data["findings"], key=key) == sorted(json.loads(checked)["findings"], key=key)
    assert data["summary"] == json.loads(checked)["summary"]
    # findings.csv is what `compliance check --format csv` writes for the same records, byte for byte.
    _, checked_csv, _ = run_cli("check", str(COUNCIL), "--as-of", "2026-11-20", "--format", "csv")
    assert (run / "findings.csv").read_text() == checked_csv
    assert len(checked_csv.splitlines()) == 1 + len(data["findings"])


def test_quiet_logs_nothing_on_a_good_run(tmp_path, run_cli):
    code, out, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--quiet")
    assert (code, out, err) == (1, "", "")


def test_changes_and_trend_over_three_nights(tmp_path, run_cli):
    for as_of in ("2026-11-20", "2026-11-27", "2026-12-02"):
        run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--quiet")
        week = report_json(tmp_path / "latest.json.gz")
        if as_of == "2026-11-27":
            kinds = sorted((c["kind"], c["record"], c["duty"]) for c in week["changes"])
            assert kinds == [("new_duty", "delta", "la-publish-report"), ("new_duty", "delta", "la-publish-statement"),
                             ("new_duty", "delta", "la-send-action-plan"), ("newly_late", "gamma", "la-publish-report"),
                             ("newly_met", "epsilon", "la-publish-report")]
            assert week["summary"]["late_in_period"] == 1
            assert week["late_period"] == {"from": "2026-11-21", "to": "2026-11-27",
                                           "basis": "since the previous run, as of 2026-11-20"}
    last = report_json(tmp_path / "latest.json.gz")
    assert [(c["kind"], c["record"]) for c in last["changes"]] == [("newly_overdue", "beta")]
    assert [(p["as_of"], p["overdue"], p["run_id"]) for p in last["trend"]] == [
        ("2026-11-20", 2, 1), ("2026-11-27", 1, 2), ("2026-12-02", 2, 3)]
    html = (tmp_path / "latest.html").read_text()
    assert "Newly overdue (1)" in html
    md = (tmp_path / "latest.md").read_text()
    assert "### Newly overdue (1)" in md and "| 2026-11-27 | 1 |" in md


def test_a_backfilled_run_leaves_latest_alone(tmp_path, run_cli):
    run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(tmp_path), "--quiet")
    before = (tmp_path / "latest.html").read_bytes()
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--quiet")
    assert code == 1
    # A warning, shown under --quiet: a date typed wrong would otherwise keep latest.* on it unsaid every night.
    assert f"WARNING left {tmp_path}/latest.* alone: they hold run 1, as of 2026-11-27, a later date" in err
    assert f"move its folder {tmp_path / '2026-11-27'} and {tmp_path}/latest.* out of {tmp_path}" in err
    assert (tmp_path / "latest.html").read_bytes() == before
    backfill = report_json(tmp_path / "2026-11-20" / "findings.json.gz")
    assert backfill["previous_run"] is None  # no run is earlier than 20 Nov


def test_an_as_of_date_after_today_is_refused_unless_asked_for(tmp_path, run_cli):
    """Issue: a report as of 2027-12-01 (a typo) took latest.* and every later night left them alone."""
    # Three days on: after London's today whatever the machine's time zone, and if the run crosses midnight.
    later = date.today() + timedelta(days=3)
    code, out, err = run_cli("report", str(COUNCIL), "--as-of", later.isoformat(), "--out", str(tmp_path / "r"))
    assert (code, out) == (2, "")
    assert f"{later.isoformat()} is after today (" in err
    assert "give --future too" in err
    assert not (tmp_path / "r").exists()  # refused before anything was made
    code, _, _ = run_cli("report", str(COUNCIL), "--as-of", later.isoformat(), "--out", str(tmp_path / "r"),
                         "--future", "--quiet")
    assert code == 1 and (tmp_path / "r" / later.isoformat() / "report.html").is_file()


def test_latest_follow_the_newest_run_still_here_once_a_mistaken_one_is_moved_out(tmp_path, run_cli):
    """Issue: with the folder of a run dated by mistake removed by hand, every night said latest.html was not the
    report's; with latest.* moved aside too, no run ever wrote them again (the history still held the later date)."""
    out, aside = tmp_path / "r", tmp_path / "aside"
    aside.mkdir()
    assert run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(out), "--quiet")[0] == 1
    assert run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(out), "--quiet")[0] == 1
    shutil.rmtree(out / "2026-11-27")
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(out), "--quiet")
    assert code == 2
    assert (f"{out / 'latest.html'}: is not the report.html of any run folder here (it is someone's own, or the run "
            "folder it came from was moved or removed)") in err
    assert "with the other latest.* files, if their run folder is gone" in err
    for name in LATEST:
        (out / name).rename(aside / name)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(out), "--quiet")
    assert (code, err) == (1, "")
    for latest, name in LATEST.items():
        assert os.path.samefile(out / latest, out / "2026-11-20" / name)


def test_running_twice_on_one_day_replaces_that_days_folder(tmp_path, run_cli):
    run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--quiet")
    run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(tmp_path), "--quiet")
    run_cli("report", str(COUNCIL), "--as-of", "2026-11-27", "--out", str(tmp_path), "--quiet")
    again = report_json(tmp_path / "2026-11-27" / "findings.json.gz")
    assert again["run_id"] == 3
    assert again["previous_run"] == {"run_id": 1, "as_of": "2026-11-20", "compared": True}
    assert len(again["changes"]) == 5  # the same comparison as the first run that day
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["2026-11-20", "2026-11-27", "history.sqlite3", *LATEST])


def test_a_failure_while_rendering_leaves_the_previous_report_intact(tmp_path, monkeypatch):
    now = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    run_report(ReportOptions(records=[str(COUNCIL)], out=tmp_path, as_of=date(2026, 11, 20)), now)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def broken(model):
        raise RuntimeError("the HTML renderer broke")

    monkeypatch.setattr(compliance.nightly._files, "to_html", broken)
    with pytest.raises(RuntimeError, match="renderer broke"):
        run_report(ReportOptions(records=[str(COUNCIL)], out=tmp_path, as_of=date(2026, 11, 27)),
                   now.replace(day=27))
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before
    assert not (tmp_path / "2026-11-27").exists()
    assert not list(tmp_path.glob(".staging-*"))
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("SELECT as_of FROM runs").fetchall() == [("2026-11-20",)]


@pytest.mark.parametrize("as_of, fail_on, expected", [
    ("2026-11-20", "overdue,late", 1),   # alpha and gamma overdue
    ("2026-11-20", "late", 0),           # nothing completed late yet
    ("2026-11-27", "late", 1),           # gamma published late on 24 Nov
    ("2026-11-20", "none", 0),
    ("2026-11-20", "due_soon", 1),       # beta and zeta fall due by 4 Dec
    ("2026-12-02", "late_in_period", 0),  # a first run looks at 26 Nov-2 Dec: gamma's 24 Nov is before it
])
def test_exit_codes_follow_fail_on(tmp_path, run_cli, as_of, fail_on, expected):
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", as_of, "--out", str(tmp_path), "--quiet",
                           "--fail-on", fail_on)
    assert code == expected, err


def test_late_in_period_on_a_first_run_looks_back_seven_days(tmp_path, run_cli):
    # 30 Nov: the last 7 days are 24-30 Nov, which holds gamma's late publication on 24 Nov.
    code, _, _ = run_cli("report", str(COUNCIL), "--as-of", "2026-11-30", "--out", str(tmp_path), "--quiet",
                         "--fail-on", "late_in_period")
    assert code == 1
    assert report_json(tmp_path / "latest.json.gz")["late_period"]["from"] == "2026-11-24"


@pytest.mark.parametrize("args, message", [
    (["--fail-on", "overdew"], "--fail-on: unknown status 'overdew'"),
    (["--as-of", "2026-13-01"], "'2026-13-01' is not a date: month must be in 1..12"),
    (["--due-within", "10 wrking days"], "unknown unit"),
    (["--due-within", "48 hours"], "cannot be in hours"),
    (["--calendar", "narnia"], "unknown calendar 'narnia'"),
])
def test_bad_options_exit_2_and_write_nothing(tmp_path, run_cli, args, message):
    code, _, err = run_cli("report", str(COUNCIL), "--out", str(tmp_path / "out"), *args)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_bad_row_stops_the_run_unless_told_to_skip_it(tmp_path, run_cli):
    bad = tmp_path / "tracker.csv"
    bad.write_text("id,kind,framework,lscb_review,report_received,report_published\n"
                   "north,inspection,ILACS,false,2026-10-01,\n"
                   "south,inspection,ILACS,false,2026-13-45,\n")
    code, _, err = run_cli("report", str(bad), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"))
    assert code == 2
    assert f"{bad}:3" in err and "report_received" in err
    assert not (tmp_path / "out").exists()
    code, _, err = run_cli("report", str(bad), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"),
                           "--skip-bad-rows")
    assert code == 1  # north's report was due on 12 Nov and is overdue
    assert "WARNING skipped:" in err
    data = report_json(tmp_path / "out" / "latest.json.gz")
    assert len(data["skipped_rows"]) == 1 and f"{bad}:3" in data["skipped_rows"][0]
    assert "1 bad row was skipped" in (tmp_path / "out" / "latest.html").read_text()


def test_missing_records_file_and_empty_file(tmp_path, run_cli):
    code, _, err = run_cli("report", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert code == 2 and "nope.yaml: no such file" in err
    empty = tmp_path / "empty.yaml"
    empty.write_text("records: []\n")
    code, _, err = run_cli("report", str(empty), "--out", str(tmp_path / "out"))
    assert code == 2 and "no records to report on" in err
    assert not (tmp_path / "out").exists()


# Enough records that evaluating them takes several times the progress bar's half-second delay.
LONG_RUN = 3000


def many_records(path, n):
    lines = ["records:"]
    for i in range(n):
        lines += [f"  - id: case-{i:04d}", "    kind: inspection",
                  "    attributes: {authority: Example Council, framework: ILACS, lscb_review: false}",
                  "    events:", f"      report_received: 2026-{1 + i % 10:02d}-{1 + i % 28:02d}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    records = many_records(tmp_path / "many.yaml", LONG_RUN)
    result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", str(records), "--as-of", "2026-11-20",
                             "--out", str(tmp_path / "out")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 1
    assert b"\r" not in result.stderr and b"records" in result.stderr  # log lines only


def test_a_progress_bar_on_a_terminal_for_a_long_run(tmp_path):
    records = many_records(tmp_path / "many.yaml", LONG_RUN)
    master, slave = pty.openpty()
    child = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "report", str(records), "--as-of", "2026-11-20",
                              "--out", str(tmp_path / "out")], stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT)
    os.close(slave)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal, everything has been read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert child.wait(timeout=300) == 1
    seen = b"".join(chunks).decode()
    assert "\r[" in seen and f"/{LONG_RUN} records" in seen
    assert "\r\x1b[K" in seen  # the bar is erased before the log lines go on


def varied_records(path, count, seed=7, extras=False):
    """``count`` inspection records with every status in play: reports received 2024-2026, done early, late or never.

    With ``extras``, the system's own deadline for publishing the report (six weeks on, sometimes right by chance)
    and, now and then, a publication dated before the report was received, which does not add up."""
    import random
    from datetime import timedelta

    rnd = random.Random(seed)
    lines = ["id,kind,authority,framework,lscb_review,report_received,report_published,statement_published"
             + (",target:la-publish-report" if extras else "")]
    for i in range(count):
        received = date(2024, 1, 8) + timedelta(days=rnd.randrange(0, 1000))
        done = [received + timedelta(days=rnd.randint(5, 140)) if rnd.random() < 0.7 else None for _ in range(2)]
        if extras and rnd.random() < 0.05:
            done[0] = received - timedelta(days=rnd.randint(1, 20))
        cells = [d.isoformat() if d and d <= date(2026, 11, 20) else "" for d in done]
        target = f",{received + timedelta(days=42)}" if extras else ""
        lines.append(f"case-{i:05d},inspection,Council {i % 7},{rnd.choice(['ILACS', 'SIF', 'JTAI'])},"
                     f"{rnd.choice(['true', 'false'])},{received if rnd.random() < 0.95 else ''},{cells[0]},{cells[1]}"
                     + target)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_files_are_the_same_however_the_work_is_split(tmp_path, monkeypatch):
    """One process, or worker processes taking chunks of 97 records: byte-identical files."""
    import compliance.engines._parallel as parallel

    records = varied_records(tmp_path / "cases.csv", 1200, extras=True)
    now = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    single = run_report(ReportOptions(records=[str(records)], out=tmp_path / "one", as_of=date(2026, 11, 20)), now)
    monkeypatch.setattr(parallel, "CHUNK", 97)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    split = run_report(ReportOptions(records=[str(records)], out=tmp_path / "two", as_of=date(2026, 11, 20), jobs=2),
                       now)
    for name in FILES:
        one, two = ((run.folder / name).read_bytes() for run in (single, split))
        if name == "deadlines.ics":  # the event for the long overdue is each report's own (its history's id)
            one, two = (re.sub(rb"UID:[0-9a-f]+@statutory-timelines(\r\n(?:[^\r]*\r\n){3}SUMMARY:\d+ duties "
                               rb"overdue by more than)", rb"UID:-\1", text) for text in (one, two))
            assert one.count(b"UID:-") == 1
        assert one == two, name
    assert single.model.open_total > len(single.model.open_duties)  # the cap was reached: the top was chosen
    assert single.model.checks_records > len(single.model.checks)  # and so was the list of records to check
    assert single.model.targets.differ > 0 and single.model.targets.agree > 0


def test_the_page_shows_what_is_due_soon_and_overdue_and_counts_equal_to_the_json(tmp_path, run_cli):
    """On 1,200 varied records: findings.csv is `check --format csv`'s, the numbers shown are those in
    findings.json, counted here independently, and the page lists every duty due in the next ten working days
    (by Fri 4 Dec 2026: 23 Nov to 4 Dec holds no bank holiday), the soonest first, in a table of their own
    above the overdue ones, which are the first overdue findings in `check`'s urgency order."""
    from compliance.engines import evaluate, sort_by_urgency
    from compliance.nightly._model import DUE_SOON_SHOWN, OPEN_DUTIES_SHOWN
    from compliance.records import load_records
    from compliance.rules import load_rules

    records = varied_records(tmp_path / "cases.csv", 1200)
    code, _, err = run_cli("report", str(records), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"), "--quiet")
    assert code == 1, err
    _, checked_csv, _ = run_cli("check", str(records), "--as-of", "2026-11-20", "--format", "csv")
    assert (tmp_path / "out" / "latest.csv").read_text() == checked_csv
    data = read_json(tmp_path / "out" / "latest.json.gz")
    counted = {}
    for f in data["findings"]:
        counted[f["status"]] = counted.get(f["status"], 0) + 1
    assert data["summary"] == data["report"]["summary"]["statuses"]
    assert {s: n for s, n in data["summary"].items() if s != "not_applicable"} == {
        s: counted.get(s, 0) for s in data["summary"] if s != "not_applicable"}
    html = (tmp_path / "out" / "latest.html").read_text()
    shown = dict(re.findall(r'data-summary="(\w+)"><span class="count">([\d,]+)</span>', html))
    assert int(shown["overdue"].replace(",", "")) == counted["overdue"] and int(shown["met"].replace(",", "")) == counted["met"]
    rules = load_rules()
    findings = sort_by_urgency(evaluate(load_records([records], rules.vocabulary), rules, date(2026, 11, 20)))
    soon = [f for f in findings if f.status == "due" and f.deadline <= date(2026, 12, 4)]
    overdue = [f for f in findings if f.status == "overdue"]
    assert 0 < len(soon) < DUE_SOON_SHOWN < len(overdue)  # the overdue ones alone would fill the old table
    assert int(shown["due_within_window"]) == len(soon)
    assert data["report"]["due_soon"] == {"total": len(soon), "shown": len(soon)}
    assert data["report"]["open_duties"] == {"total": len(soon) + counted["due"] - len(soon) + len(overdue),
                                            "shown": OPEN_DUTIES_SHOWN}

    def listed(part):
        return re.findall(r'<tr><td><strong class="tag[^"]*">(?:Overdue|Due)</strong></td><th scope="row">'
                          r'<span class="record">([^<]+)</span></th><td>[^<]+<br><span class="hint">([^<]+)</span>',
                          part)

    due_part = html[html.index('id="due-soon"'):html.index('id="overdue"')]
    overdue_part = html[html.index('id="overdue"'):html.index('id="changes"')]
    assert listed(due_part) == [(f.record, f.rule) for f in soon]
    assert listed(overdue_part) == [(f.record, f.rule) for f in overdue[:OPEN_DUTIES_SHOWN]]
    # Above the changes, the trend and everything else: what to do this week comes first.
    assert html.index('id="summary"') < html.index('id="due-soon"') < html.index('id="overdue"') < html.index(
        'id="changes"')
    assert (f"This week: {len(soon)} duties fall due by Friday 4 December 2026 (within 10 working days), and "
            f"{len(overdue)} are overdue; both are listed below.") in html


def test_routine_changes_are_counted_and_the_rest_listed(tmp_path, run_cli):
    """A second night with 200 new records whose duties were all done in time: 400 new duties already met are
    folded into one count on the page and in report.md; findings.json lists each, marked routine."""
    records = varied_records(tmp_path / "cases.csv", 300)
    run_cli("report", str(records), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"), "--quiet")
    lines = records.read_text().splitlines()
    done_in_time = [f"new-{i:03d},inspection,Council 1,ILACS,false,2026-06-01,2026-06-10,2026-06-15"
                    for i in range(200)]
    records.write_text("\n".join(lines + done_in_time) + "\n")
    run_cli("report", str(records), "--as-of", "2026-11-27", "--out", str(tmp_path / "out"), "--quiet")
    changes = report_json(tmp_path / "out" / "latest.json.gz")["changes"]
    routine = [c for c in changes if c["routine"]]
    # ILACS: the report and the statement, both met; the action plan too, which the file has no column for.
    assert len(routine) == 400 and {(c["kind"], c["after"]) for c in routine} == {("new_duty", "met")}
    assert {c["record"] for c in routine} == {f"new-{i:03d}" for i in range(200)}
    html = (tmp_path / "out" / "latest.html").read_text()
    assert ("Also 400 new duties already met (records added with their duties done in time): counted here, not "
            "listed; findings.json.gz lists each under <code>report.changes</code>, marked routine.") in html
    changes_part = html[html.index('id="changes"'):html.index('id="trend"')]
    assert "(new duty, met)" not in changes_part
    assert "New duties (200)" in changes_part  # the action plans, missing data: listed, as is all not routine
    md = (tmp_path / "out" / "latest.md").read_text()
    assert "Also 400 new duties already met" in md and "(new duty, met)" not in md


def test_a_census_return_through_its_mapping_reports_the_system_targets(tmp_path, run_cli):
    """The census fixture of tests/engines/test_targets.py, worked by hand there: of five ICPC targets two agree
    with the law; one counts the strategy day as day 1, one lacks the State Funeral, one does both."""
    census = FIXTURES / "census" / "targets.xml"
    code, _, err = run_cli("report", str(census), "--mapping", "cin-census", "--as-of", "2023-03-31",
                           "--out", str(tmp_path), "--quiet", "--fail-on", "none")
    assert code == 0, err
    targets = report_json(tmp_path / "latest.json.gz")["system_targets"]
    assert (targets["compared"], targets["agree"], targets["differ"]) == (5, 2, 3)
    groups = {(g["working_days"], g["reason"]): (g["count"], g["only"], g["records"]) for g in targets["groups"]}
    assert groups[(-1, "counts the trigger day as day 1")] == (1, 1, ["DAYONE-S47-2022-10-03"])
    assert groups[(-1, "does not skip Mon 19 Sep 2022 (State Funeral of Queen Elizabeth II)")] == (1, 1, ["FUNERAL-S47-2022-09-10"])
    both = ("does not skip Mon 19 Sep 2022 (State Funeral of Queen Elizabeth II) and counts the trigger day as day 1")
    assert groups[(-2, both)] == (1, 1, ["BOTH-S47-2022-09-05"])
    page = (tmp_path / "latest.html").read_text()
    assert '<h2 id="targets">System targets</h2>' in page and "<strong>3 differ</strong>" in page
    markdown = (tmp_path / "latest.md").read_text()
    assert "| `icpc-15wd` | 2 working days early | 1 | 1 | " + both + " | `BOTH-S47-2022-09-05` |" in markdown
    # Only the duties a census return can answer are reported: no inspection duty, no finding without its rule.
    findings = read_json(tmp_path / "latest.json.gz")["findings"]
    from compliance.records import load_mapping
    from compliance.rules import load_rules

    rules = load_rules()
    answered = {r.id for r in load_mapping("cin-census", rules.vocabulary).duties(rules)}
    assert findings and {f["rule"] for f in findings} <= answered and "icpc-15wd" in answered
    assert not {f["rule"] for f in findings} & {"la-publish-report", "referral-decision-1wd"}


def test_records_whose_dates_do_not_add_up_are_listed_to_check(tmp_path, run_cli):
    tracker = tmp_path / "inspections.csv"
    tracker.write_text("id,kind,framework,report_received,report_published\n"
                       "early,inspection,ILACS,2026-03-02,2026-02-20\n"
                       "fine,inspection,ILACS,2026-03-02,2026-03-20\n")
    code, _, err = run_cli("report", str(tracker), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"), "--quiet")
    assert code == 0, err  # the publication before receipt cannot be right: missing data, never overdue
    checks = report_json(tmp_path / "out" / "latest.json.gz")["check_these_records"]
    # The publication bounds the receipt for the statement and the action plan too: three findings, one record.
    assert (checks["findings"], checks["records"]) == (3, 1)
    [shown] = checks["shown"]
    assert shown["record"] == "early" and shown["warnings"][0]["rule"] == "la-publish-report"
    assert "before report_received" in shown["warnings"][0]["warning"]
    page = (tmp_path / "out" / "latest.html").read_text()
    assert '<h2 id="checks">Check these records</h2>' in page and '<span class="record">early</span>' in page
    assert "## Check these records" in (tmp_path / "out" / "latest.md").read_text()


def test_dates_the_data_cannot_hold_are_listed_to_check_even_where_no_duty_applies_yet(tmp_path, run_cli):
    # A referral typed 31/12/9999: as of 20 Nov 2026 it has not happened, so its duties have not started, and
    # its record is listed to check. A publication typed 14/12/2108 is not counted, and listed too.
    tracker = tmp_path / "mixed.csv"
    tracker.write_text("id,kind,framework,referral,report_received,report_published\n"
                       "typo,inspection,ILACS,,2026-03-02,14/12/2108\n"
                       "far,referral,,31/12/9999,,\n", encoding="utf-8")
    code, _, err = run_cli("report", str(tracker), "--as-of", "2026-11-20", "--out", str(tmp_path / "out"), "--quiet")
    assert code == 1, err
    checks = report_json(tmp_path / "out" / "latest.json.gz")["check_these_records"]
    assert {shown["record"] for shown in checks["shown"]} == {"typo", "far"}
    far = next(shown for shown in checks["shown"] if shown["record"] == "far")
    assert all("9999-12-31, after the as-of date 2026-11-20" in w["warning"] for w in far["warnings"])


def test_an_unknown_encoding_is_refused_before_anything_is_read_or_written(tmp_path):
    from compliance.errors import InputError

    options = ReportOptions(records=[str(COUNCIL)], out=tmp_path / "out", as_of=date(2026, 11, 20), encoding="nope")
    with pytest.raises(InputError, match="'nope' is not a text encoding Python knows"):
        run_report(options, datetime.now(timezone.utc))
    assert not (tmp_path / "out").exists()


def test_a_windows_1252_tracker_is_reported_on_with_its_encoding(tmp_path):
    tracker = tmp_path / "referrals.csv"
    tracker.write_bytes("id,kind,team,referral,referral_decision\n"
                        "r1,referral,Children’s Services,2026-11-02,2026-11-09\n".encode("cp1252"))
    options = ReportOptions(records=[str(tracker)], out=tmp_path / "out", as_of=date(2026, 11, 20), encoding="cp1252")
    assert run_report(options, datetime.now(timezone.utc)).exit_code == 1  # the decision was late
    found = read_json(tmp_path / "out" / "latest.json.gz")["findings"]
    assert found[0]["attributes"]["team"] == "Children’s Services"


def test_the_report_warns_of_an_undated_extract_as_check_and_kpi_do(run_cli, tmp_path):
    args = ("report", str(FIXTURES / "casework" / "annex-a-list5.csv"), "--mapping", "annex-a-list5", "--as-of",
            "2026-01-01", "--out", str(tmp_path / "out"), "--quiet", "--skip-bad-rows")
    code, _, err = run_cli(*args)
    assert code in (0, 1) and "annex-a-list5 mapping's files hold no date of their own" in err, err
    code, _, err = run_cli(*args, "--extract-date", "2021-03-31")
    assert code in (0, 1) and "hold no date" not in err, err


def test_the_report_judges_records_on_the_day_they_say_their_extract_was_drawn(run_cli, tmp_path):
    """The assessment fell due on Tue 26 Jul 2022: drawn on 1 July it is not in the extract (nothing overdue);
    --extract-date 2022-08-01 stands in for that day, says so, and finds it overdue."""
    tracker = tmp_path / "records.csv"
    tracker.write_text("id,kind,extract_date,referral_nfa,referral,referral_decision,assessment_completed\n"
                       "r1,referral,2022-07-01,no,2022-05-20,2022-05-20,\n", encoding="utf-8")
    args = ("report", str(tracker), "--as-of", "2026-01-01", "--quiet")
    code, _, err = run_cli(*args, "--out", str(tmp_path / "own"))
    assert code == 0 and err == "", err
    code, _, err = run_cli(*args, "--out", str(tmp_path / "given"), "--extract-date", "2022-08-01")
    assert code == 1 and "1 record(s) say they were drawn on 2022-07-01; --extract-date 2022-08-01 is taken" in err
    overdue = [f for f in read_json(tmp_path / "given" / "latest.json.gz")["findings"] if f["status"] == "overdue"]
    assert [(f["record"], f["rule"]) for f in overdue] == [("r1", "assessment-45wd")]


def test_a_run_of_another_source_is_refused_the_folder_and_leaves_it_as_it_was(tmp_path, run_cli):
    """The census into the tracker's folder took that day's folder and latest.*, and the tracker's next run
    reported every duty of either as changed ("newly overdue", "no longer reported")."""
    out = tmp_path / "reports"
    tracker = str(ROOT / "examples" / "inspections.yaml")
    code, _, err = run_cli("report", tracker, "--as-of", "2026-11-27", "--out", str(out), "--quiet")
    assert code == 1, err
    before = {p.name: p.read_bytes() for p in out.glob("latest.*")}
    code, _, err = run_cli("report", str(ROOT / "examples" / "census.xml"), "--mapping", "cin-census", "--as-of",
                           "2026-11-27", "--out", str(out), "--quiet")
    assert code == 2
    assert (f"{out} holds the reports of another source: its run 1, as of 2026-11-27, read inspection records; this "
            "run reads child-protection, referral records through the cin-census mapping") in err
    assert "give each source its own --out folder" in err
    assert {p.name: p.read_bytes() for p in out.glob("latest.*")} == before
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["2026-11-27"]
    with sqlite3.connect(out / "history.sqlite3") as db:
        assert db.execute("SELECT id, source FROM runs").fetchall() == [
            (1, '{"mapping": null, "kinds": ["inspection"]}')]
    # The tracker's own next night, and a census in a folder of its own, run as before.
    code, _, err = run_cli("report", tracker, "--as-of", "2026-11-30", "--out", str(out), "--quiet")
    assert code == 1, err
    code, _, err = run_cli("report", str(ROOT / "examples" / "census.xml"), "--mapping", "cin-census", "--as-of",
                           "2026-11-27", "--out", str(tmp_path / "census"), "--quiet", "--fail-on", "none")
    assert code == 0, err
    # Folders of their own sharing one history (--db): the history is what is named.
    code, _, err = run_cli("report", str(ROOT / "examples" / "census.xml"), "--mapping", "cin-census", "--as-of",
                           "2026-11-27", "--out", str(tmp_path / "census-2"), "--db", str(out / "history.sqlite3"),
                           "--quiet", "--fail-on", "none")
    assert code == 2 and f"the history --db {out / 'history.sqlite3'} holds the reports of another source" in err
    assert "give each source its own --db, as its own --out folder" in err
    assert not (tmp_path / "census-2").exists() or not any((tmp_path / "census-2").iterdir())


def test_too_many_open_files_says_to_raise_the_limit_not_to_check_the_disk(tmp_path, run_cli, monkeypatch):
    """Issue: "Too many open files (check the free disk space and the folder's permissions...)": neither was the
    cause."""
    def too_many(self, name, append=False):
        raise OSError(errno.EMFILE, os.strerror(errno.EMFILE))

    monkeypatch.setattr(compliance.nightly._publish.Staging, "open", too_many)
    code, _, err = run_cli("report", str(COUNCIL), "--as-of", "2026-11-20", "--out", str(tmp_path), "--quiet")
    assert code == 2
    assert err == (f"compliance: error: {tmp_path}: cannot write the report: Too many open files (raise the limit on "
                   "open files (ulimit -n); nothing was published or recorded)\n")
    assert not (tmp_path / "2026-11-20").exists() and not list(tmp_path.glob(".staging-*"))
