"""The system-targets tally: every record that differs is accounted for by a line, and chunks add up."""

from __future__ import annotations

from compliance.reports import TargetTally

GOOD_FRIDAY = "does not skip Fri 29 Mar 2024 (Good Friday) and counts the trigger day as day 1"
EASTER_MONDAY = "does not skip Mon 01 Apr 2024 (Easter Monday) and counts the trigger day as day 1"
WEEKENDS = "skips weekends but no bank holidays"
DAY_ONE = "counts the trigger day as day 1"


def tally(*rows):
    t = TargetTally()
    for record, working_days, reason in rows:
        t._add("assessment-45wd", working_days, reason, record, same_day=working_days == 0 and not reason)
    return t


def test_a_record_no_needed_explanation_fits_still_gets_its_lines():
    # r3 needs "weekends only"; r2, also 2 working days early, fits two holiday-and-day-1 stories and not that one.
    t = tally(("r3", -2, WEEKENDS), ("r2", -2, f"{GOOD_FRIDAY} or {EASTER_MONDAY}"))
    assert [(g.reason, g.records) for g in t.shown()] == [(WEEKENDS, ["r3"]), (GOOD_FRIDAY, ["r2"]),
                                                         (EASTER_MONDAY, ["r2"])]


def test_the_explanation_most_records_fit_stands_for_those_that_fit_several():
    t = tally(("a", -1, DAY_ONE), ("b", -1, DAY_ONE), ("c", -1, f"{DAY_ONE} or {GOOD_FRIDAY}"),
              ("d", -1, f"{EASTER_MONDAY} or {DAY_ONE}"), ("ok", 0, ""))
    assert (t.compared, t.agree, t.differ) == (5, 1, 4)
    assert [(g.reason, g.count, g.only) for g in t.shown()] == [(DAY_ONE, 4, 2)]
    assert len(t.groups) == 3 and "2 other explanation(s)" in t.text()


def test_tallies_of_chunks_merge_to_the_tally_of_the_whole():
    rows = [(f"r{i}", -(i % 3), [DAY_ONE, WEEKENDS, f"{DAY_ONE} or {GOOD_FRIDAY}"][i % 3] if i % 3 else "")
            for i in range(40)]
    whole = tally(*rows)
    merged = tally(*rows[:13])
    merged.merge(tally(*rows[13:29]))
    merged.merge(tally(*rows[29:]))
    assert merged.to_dict() == whole.to_dict() and merged.cases == whole.cases


def test_a_record_with_a_target_for_each_review_is_one_example_however_many_differ():
    # The SSD records a due date for every review: one plan's four reviews, each a day early, are one example.
    t = tally(("plan-1", -1, DAY_ONE), ("plan-1", -1, DAY_ONE), ("plan-1", -1, DAY_ONE), ("plan-2", -1, DAY_ONE))
    assert t.groups[("assessment-45wd", -1, DAY_ONE)].records == ["plan-1", "plan-2"]
    merged = tally(("plan-1", -1, DAY_ONE))
    merged.merge(tally(("plan-1", -1, DAY_ONE), ("plan-3", -1, DAY_ONE)))
    assert merged.groups[("assessment-45wd", -1, DAY_ONE)].records == ["plan-1", "plan-3"]


def test_a_target_a_day_off_from_the_deadline_with_no_working_day_between_says_so():
    """Fri 19 Jan 2024's deadline recorded as Sat 20 Jan: no working day between, yet not the same day."""
    from compliance.reports._targets import TargetGroup

    assert TargetGroup("icpc-15wd", 0, "no usual mistake explains it").difference == "0 working days (on a day off)"
    assert TargetGroup("icpc-15wd", -1, "").difference == "1 working day early"
    assert TargetGroup("icpc-15wd", 3, "").difference == "3 working days late"


def test_the_examples_are_the_first_ids_whatever_order_the_records_came_in():
    """A database sends its records by key, a file in its own order: kpi named other example records from the SSD
    database than from the same tables as CSV files (found by a probe). The first five ids, in order, either way."""
    ids = ["r7", "r2", "r9", "r1", "r5", "r3", "r8", "r2"]
    forwards, backwards = tally(*[(r, -1, DAY_ONE) for r in ids]), tally(*[(r, -1, DAY_ONE) for r in ids[::-1]])
    assert forwards.groups[("assessment-45wd", -1, DAY_ONE)].records == ["r1", "r2", "r3", "r5", "r7"]
    assert backwards.groups[("assessment-45wd", -1, DAY_ONE)].records == ["r1", "r2", "r3", "r5", "r7"]
    halves = tally(*[(r, -1, DAY_ONE) for r in ids[4:]])
    halves.merge(tally(*[(r, -1, DAY_ONE) for r in ids[:4]]))
    assert halves.groups[("assessment-45wd", -1, DAY_ONE)].records == ["r1", "r2", "r3", "r5", "r7"]
