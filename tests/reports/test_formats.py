"""check's documents: compact JSON that loses nothing, deadlines rebuilt by hand from it (the working names each
holiday and counts the weekend days), the table's cells on one line and cut to size."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from compliance.engines import evaluate
from compliance.records import Record, load_records
from compliance.errors import Problem
from compliance.reports import CSV_FIELDS, CheckSettings, table_cell, table_text, to_json, to_table, write_check
from compliance.rules import load_rules

from conftest import FIXTURES, ROOT
from generated_records import RecordMaker, seeded_records
from reference import ReferenceCalendar, add_months

RULES = load_rules()
AS_OF = date(2026, 11, 20)
EMPTY = (None, False, "", [], {})




def _care(id_, issued, extensions, disposed):
    return Record(id_, "care-proceedings", {"child": id_.split("-")[0], "team": "Court Team"},
                  {"care_application_issued": (issued,), "care_extension": extensions,
                   "care_proceedings_disposed": (disposed,)})


# Care proceedings: 26 weeks beginning with the issue day end 181 days after it; each extension adds 8 weeks (56
# days) to the later of the deadline it extends and the day it is granted (Children Act 1989 s.32(8)).
CARE = [
    # Issued Mon 13 Apr 2020: 26 weeks end Sun 11 Oct; extended on Thu 10 Sep, to Sun 6 Dec 2020.
    _care("C0000193-CP-2020-04-13", date(2020, 4, 13), (date(2020, 9, 10),), date(2020, 11, 28)),
    # Issued Tue 1 Apr 2025: 26 weeks end Mon 29 Sep; extended on Fri 10 Oct, after that: to Fri 5 Dec 2025.
    _care("C0000210-CP-2025-04-01", date(2025, 4, 1), (date(2025, 10, 10),), date(2025, 12, 4)),
    # The same issue day, extended on Mon 15 Sep (to Mon 24 Nov), then on Mon 1 Dec, after that: to Mon 26 Jan 2026.
    _care("C0000211-CP-2025-04-01", date(2025, 4, 1), (date(2025, 9, 15), date(2025, 12, 1)), date(2026, 1, 20)),
]
RECORDS = load_records([ROOT / "examples" / "inspections.yaml", FIXTURES / "casework" / "kpi-cases.yaml"],
                       RULES.vocabulary) + seeded_records(RecordMaker(RULES), 300, seed=11) + CARE
FINDINGS = evaluate(RECORDS, RULES, AS_OF)


def document(explain=False, show_all=False):
    out = io.StringIO()
    write_check(RECORDS, CheckSettings(RULES, AS_OF, "json", explain, show_all=show_all), out)
    return json.loads(out.getvalue())


@pytest.fixture(scope="module")
def doc():
    return json.loads(to_json(FINDINGS, AS_OF, RULES, show_all=True))


def test_the_compact_document_holds_every_value_of_every_finding(doc):
    """Each finding with its rule's facts and its calendar's provenance put back is the finding's own data."""
    assert len(doc["findings"]) == len(FINDINGS)
    for f, compact in zip(FINDINGS, doc["findings"]):
        facts = {k: v for k, v in doc["rules"][compact["rule"]].items() if k != "counting"}
        full = {**facts, **compact}
        if f.calendar_data:
            full["calendar_data"] = doc["calendars"][full["calendar"]]
        own = f.to_dict()
        del own["skipped"]  # every day: only with --explain; the holidays and the weekend count instead
        for key, value in list(full.items()):  # a time of day is given with its UTC offset: the same local time
            if isinstance(getattr(f, key, None), datetime):
                full[key] = datetime.fromisoformat(value).replace(tzinfo=None).isoformat(timespec="minutes")
        assert full == {k: v for k, v in own.items() if v not in EMPTY and (k not in facts or v != facts[k])
                        or k in facts}


def test_an_empty_string_is_left_out_like_null_false_and_empty_lists():
    """Issue 20's audit, m3: a system's target that agrees with the law has the reason "" (no mistake to name), and
    JSON kept ``"recorded_deadline_reason": ""`` though null, false and empty values are left out. Zero is a value:
    ``"recorded_deadline_working_days": 0`` (the target agrees) stays."""
    from compliance.records import load_mapped, load_mapping

    records, problems = load_mapped([FIXTURES / "census" / "targets.xml"], load_mapping("cin-census", RULES.vocabulary),
                                    RULES.vocabulary)
    assert problems == []
    out = io.StringIO()
    write_check(records, CheckSettings(RULES, date(2023, 3, 31), "json", False), out)
    found = {f["record"].split("-")[0]: f for f in json.loads(out.getvalue())["findings"] if f["rule"] == "icpc-15wd"}
    for agreeing in ("RIGHT", "VEDAY"):
        assert found[agreeing]["recorded_deadline_working_days"] == 0
        assert "recorded_deadline_reason" not in found[agreeing]
    assert found["DAYONE"]["recorded_deadline_reason"] == "counts the trigger day as day 1"
    assert not [(f["record"], k) for f in json.loads(out.getvalue())["findings"] for k, v in f.items() if v == ""]


def test_every_saturday_and_sunday_is_listed_only_with_explain():
    plain, explained = document(), document(explain=True)
    assert not any("skipped" in f for f in plain["findings"])
    with_days = [f for f in explained["findings"] if "skipped" in f]
    assert with_days and all(skipped(f) == (
        {d["date"]: d["reason"] for d in f["skipped"] if date.fromisoformat(d["date"]).weekday() < 5},
        sum(date.fromisoformat(d["date"]).weekday() >= 5 for d in f["skipped"])) for f in with_days)
    assert len(json.dumps(plain)) < 0.8 * len(json.dumps(explained))


_COUNTING = re.compile(r"^Counting .* skips (\d+) weekend days?(?: and \d+ holidays?: (.*))?\.$")
_NAMED = re.compile(r"(.+?) \(\w\w\w (\d\d \w\w\w \d{4})\)(?:; |$)")


def skipped(f):
    """The holidays (ISO date: name) and the number of weekend days the working says a period skipped."""
    for step in f.get("explanation", ()):
        found = _COUNTING.match(step)
        if found:
            named = {datetime.strptime(day, "%d %b %Y").date().isoformat(): name
                     for name, day in _NAMED.findall(found.group(2) or "")}
            return named, int(found.group(1))
    return {}, 0


def _bound(f):
    """The date a deadline was counted from when the trigger is not recorded: the bound its assumption names."""
    for text in f.get("assumptions", ()):
        found = re.search(r"\((\d{4}-\d\d-\d\d)\), so the deadline is at the " + f["on_bound"], text)
        if found:
            return date.fromisoformat(found.group(1))
    return None


def rebuild(f, rule):
    """The deadline worked out by hand from what the document holds: the trigger (or the bound counted from),
    the period and how it counts the trigger day, the holidays it lists and the weekend days it counts."""
    start = f.get("trigger_date") or (_bound(f) and _bound(f).isoformat())
    if start is None:
        return None
    start = date.fromisoformat(start[:10])
    amount, unit = f.get("period", rule["period"]).split(" ", 1)
    amount = int(amount)
    including = rule["counting"] == "including"
    if unit.startswith("working day"):
        holidays, weekend_days = skipped(f)
        day, counted, weekends, passed = start - timedelta(days=1 if including else 0), 0, 0, []
        while counted < amount:
            day += timedelta(days=1)
            if day.weekday() >= 5:
                weekends += 1
            elif day.isoformat() in holidays:
                passed.append(day.isoformat())
            else:
                counted += 1
        assert weekends == weekend_days and passed == list(holidays), f
        return day
    if unit.startswith("day"):
        return start + timedelta(days=amount - including)
    if unit.startswith("week"):
        return start + timedelta(days=7 * amount - including)
    if unit.startswith("month"):
        return add_months(start, amount) - timedelta(days=including)
    return None  # hours: an instant, counted in real hours


def extend(deadline, f):
    """The deadline after each extension the finding lists: added time runs from the later of the deadline it
    extends and the day it was granted (one granted later extends only where the law says so, and is listed only
    then); a new total is the finding's period, the deadline already counted with it."""
    for e in f.get("extensions", ()):
        if e["adds"]:
            runs_from = max(deadline, date.fromisoformat(e["granted"][:10]))
            assert e["runs_from"] == runs_from.isoformat(), f
            amount, unit = e["adds"].split(" ", 1)
            assert unit in ("week", "weeks"), f  # the only addition the rules make: s.32(8)'s 8 weeks
            deadline = runs_from + timedelta(days=7 * int(amount))
        else:
            assert e["period"] == f["period"], f
        assert e["deadline"] == deadline.isoformat(), f
    return deadline


def test_each_deadline_is_rebuilt_by_hand_from_what_the_json_holds(doc):
    rebuilt, extended = 0, Counter()
    for f in doc["findings"]:
        if "deadline" not in f:
            continue
        rule = doc["rules"][f["rule"]]
        expected = rebuild(f, rule)
        if expected is None:
            assert f.get("period", rule["period"]).endswith(("hour", "hours")) or not (
                f.get("trigger_date") or f.get("on_bound")), f
            continue
        assert extend(expected, f).isoformat() == f["deadline"][:10], f
        rebuilt += 1
        extended.update("adds" if e["adds"] else "period" for e in f.get("extensions", ()))
    # Every kind of extension is rebuilt: added time (one granted after the deadline too), and a new total.
    assert rebuilt > 300 and extended["adds"] >= 4 and extended["period"] >= 1


def test_the_holidays_named_are_the_calendars_own(doc):
    """The holidays a finding names are every non-working weekday between its trigger and its deadline, by an
    independent day-by-day calendar."""
    reference, checked = ReferenceCalendar(), 0
    for f in doc["findings"]:
        period = f.get("period", doc["rules"][f["rule"]]["period"]) or ""
        if "working day" in period and f.get("trigger_date") and "period" not in f and f.get("explanation"):
            start, end = date.fromisoformat(f["trigger_date"][:10]), date.fromisoformat(f["deadline"][:10])
            expected = [d.isoformat() for d in reference.non_working_days(start, end) if d.weekday() < 5]
            assert list(skipped(f)[0]) == expected, f
            checked += 1
    assert checked > 100


# -- the table ------------------------------------------------------------------------------------------

def test_a_table_cell_is_one_line_and_cut_with_an_ellipsis():
    assert table_cell("a\nb\r\tc\u2028d\x85e\x1b") == "a\\nb\\r\\tc\\u2028d\\x85e\\x1b"
    assert table_cell("x" * 61) == "x" * 59 + "…"
    assert table_cell("x" * 60) == "x" * 60
    assert len(table_cell("\n" * 100)) == 60  # cut after escaping: the cell never grows past the limit


def test_a_value_that_would_draw_a_row_stays_in_its_own_row():
    f = next(f for f in FINDINGS if f.status == "overdue")
    forged = replace(f, record="a\nMET      b  la-publish-report", reason="x\ny")
    lines = to_table([forged], AS_OF, explain=True).splitlines()
    assert [line.split()[0] for line in lines[2:-1] if not line.startswith(" ")] == ["OVERDUE"]


def test_a_table_with_no_finding_to_list_still_says_how_many_rows_were_not_read():
    # Every finding not applicable and not listed: the table is one line, and the rows left out are still said;
    # a warning is not a row left out.
    problems = [Problem("not a date", file="t.csv", line=3, column=4), Problem("merged", warning=True)]
    assert table_text([], date(2024, 12, 10), {"not_applicable": 5}, problems=problems) == (
        "Compliance as of 2024-12-10: no findings to show; 5 n/a (not listed: --all lists them).\n"
        "1 row could not be read: their duties are not in this table (each is listed on stderr with what to "
        "correct).\n")
    assert table_text([], date(2024, 12, 10), {"not_applicable": 5}, problems=problems[1:]) == (
        "Compliance as of 2024-12-10: no findings to show; 5 n/a (not listed: --all lists them).\n")


def _decisions(explain):
    """A day's decision on a referral (1 working day), with or without the working. r1, Mon 2 Sep 2024: due Tue
    3 Sep, no day skipped. r2, Tue 24 Dec 2024: Christmas Day and Boxing Day skipped, due Fri 27 Dec."""
    from compliance.records import Record

    records = [Record(f"r{n}", "referral", {"referral_nfa": False}, {"referral": (day,)})
               for n, day in ((1, date(2024, 9, 2)), (2, date(2024, 12, 24)))]
    return [f for f in evaluate(records, RULES, date(2025, 1, 31), explain=explain)
            if f.rule == "referral-decision-1wd"]


def test_csv_leaves_the_days_skipped_blank_only_where_they_were_not_worked_out():
    """A weekend count of 0 says the period was counted and skipped nothing (no holiday either); both blank say the
    days skipped were not worked out (report --no-explain), so a blank holidays cell never reads as "none"."""
    from compliance.reports import csv_lines

    def cells(findings):
        rows = csv.DictReader(io.StringIO(",".join(CSV_FIELDS) + "\n" + csv_lines(findings)))
        return [(r["record"], r["holidays_skipped"], r["weekend_days_skipped"]) for r in rows]

    assert cells(_decisions(explain=False)) == [("r1", "", ""), ("r2", "", "")]
    assert cells(_decisions(explain=True)) == [
        ("r1", "", "0"), ("r2", "Christmas Day (2024-12-25) | Boxing Day (2024-12-26)", "0")]


def test_a_time_of_day_carries_its_utc_offset_in_json_and_csv():
    """01:30 on Sun 25 Oct 2026 happened twice in London: first in summer time (00:30 UTC), then an hour later in
    Greenwich Mean Time (01:30 UTC). The 72 hours from each end at 00:30 UTC and 01:30 UTC on Wed 28 Oct, after
    the change: 00:30 and 01:30 by the wall clock. Without the offset the two triggers read the same."""
    from compliance.reports import csv_lines

    records = [Record(f"m{n}", "missing-episode", {},
                      {"returned_from_missing": (datetime(2026, 10, 25, 1, 30, fold=n),)}) for n in (0, 1)]
    findings = [f for f in evaluate(records, RULES, date(2026, 12, 1)) if f.rule == "return-interview-72h"]
    expected = [("m0", "2026-10-25T01:30+01:00", "2026-10-28T00:30+00:00"),
                ("m1", "2026-10-25T01:30+00:00", "2026-10-28T01:30+00:00")]
    doc = json.loads(to_json(findings, date(2026, 12, 1), RULES))
    assert [(f["record"], f["trigger_date"], f["deadline"]) for f in doc["findings"]] == expected
    rows = csv.DictReader(io.StringIO(",".join(CSV_FIELDS) + "\n" + csv_lines(findings)))
    assert [(r["record"], r["trigger_date"], r["deadline"]) for r in rows] == expected
