"""The casework rule pack against the law: legal-timelines.md §7's worked examples, hand-checked.

Every expected date below was counted by hand from the rule's wording and the England and Wales
bank holidays (legal-timelines.md §6), and is re-counted here day by day by an independent method.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from compliance.engines import evaluate
from compliance.calendars import Period, compute_deadline
from compliance.records import Record
from compliance.resources import rules_dir
from compliance.rules import load_rules
from compliance.engines import run_rule_tests

PACK = rules_dir() / "casework.yaml"
# England and Wales weekday bank holidays near the examples (legal-timelines.md §6.2), listed by hand.
HOLIDAYS = {
    date(2011, 4, 22), date(2011, 4, 25), date(2011, 4, 29), date(2011, 5, 2), date(2011, 5, 30),
    date(2012, 5, 7), date(2012, 6, 4), date(2012, 6, 5),
    date(2019, 12, 25), date(2019, 12, 26), date(2020, 1, 1), date(2020, 5, 8), date(2020, 5, 25),
    date(2020, 12, 25), date(2020, 12, 28), date(2021, 1, 1),
    date(2022, 6, 2), date(2022, 6, 3), date(2022, 8, 29), date(2022, 9, 19),
    date(2023, 5, 1), date(2023, 5, 8), date(2023, 5, 29),
}


def by_hand(start: date, n: int) -> date:
    """The n-th working day after start, counted one day at a time (legal-timelines.md §1.2)."""
    d, count = start, 0
    while count < n:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in HOLIDAYS:
            count += 1
    return d


@pytest.fixture(scope="module")
def casework():
    return load_rules([PACK])


def finding(casework, kind, events, attributes=None, as_of=date(2025, 12, 31), rule=None):
    record = Record("case", kind, attributes or {}, {k: tuple(v) for k, v in events.items()})
    found = [f for f in evaluate([record], casework, as_of) if rule is None or f.rule == rule]
    return found


@pytest.mark.parametrize("start, n, expected", [
    (date(2020, 12, 16), 15, date(2021, 1, 11)),   # ICPC: 25 Dec, 28 Dec and 1 Jan skipped
    (date(2022, 5, 20), 45, date(2022, 7, 26)),    # single assessment: 2 and 3 June 2022 skipped
    (date(2011, 4, 18), 45, date(2011, 6, 27)),    # Easter, the royal wedding and both May holidays
    (date(2011, 4, 18), 10, date(2011, 5, 6)),     # WT 2010 initial assessment
    (date(2019, 12, 23), 20, date(2020, 1, 23)),   # first looked-after review
    (date(2022, 9, 9), 10, date(2022, 9, 26)),     # complaint stage 1: the state funeral skipped
    (date(2023, 4, 24), 25, date(2023, 6, 1)),     # complaint stage 2: 1, 8 and 29 May skipped
    (date(2020, 5, 1), 30, date(2020, 6, 16)),     # review panel: 8 and 25 May 2020 skipped
    (date(2012, 5, 1), 35, date(2012, 6, 22)),     # WT 2010 core assessment, Diamond Jubilee year
])
def test_working_day_examples_counted_by_hand(start, n, expected):
    assert by_hand(start, n) == expected
    assert compute_deadline(start, Period(n, "working_days")).end == expected


@pytest.mark.parametrize("kind, events, attributes, rule, deadline", [
    ("child-protection", {"strategy_discussion": [date(2020, 12, 16)], "icpc": [date(2021, 1, 11)]},
     {"icpc_not_required": False}, "icpc-15wd", date(2021, 1, 11)),
    ("referral", {"referral": [date(2022, 5, 20)], "assessment_completed": [date(2022, 7, 26)]},
     {"referral_nfa": False}, "assessment-45wd", date(2022, 7, 26)),
    ("referral", {"referral": [date(2011, 4, 18)], "initial_assessment_completed": [date(2011, 5, 6)]},
     {"referral_nfa": False}, "initial-assessment-10wd", date(2011, 5, 6)),
    ("looked-after", {"became_looked_after": [date(2019, 12, 23)], "cla_review": [date(2020, 1, 23)]},
     {}, "cla-review", date(2020, 1, 23)),
    ("looked-after", {"placement_start": [date(2024, 1, 1)], "visit": [date(2024, 1, 8)]},
     {"placement_until_18": False}, "cla-visit", date(2024, 1, 8)),
    ("care-proceedings", {"care_application_issued": [date(2025, 4, 1)],
                          "care_proceedings_disposed": [date(2025, 9, 29)]}, {}, "care-proceedings-26wk",
     date(2025, 9, 29)),
    ("complaint", {"complaint_received": [date(2022, 9, 9)], "stage1_response": [date(2022, 9, 26)]}, {},
     "complaint-stage1", date(2022, 9, 26)),
    ("complaint", {"stage2_start": [date(2023, 4, 24)], "stage2_response": [date(2023, 6, 1)]}, {},
     "complaint-stage2", date(2023, 6, 1)),
    ("complaint", {"panel_requested": [date(2020, 5, 1)], "panel_held": [date(2020, 6, 16)]}, {},
     "complaint-panel", date(2020, 6, 16)),
])
def test_worked_examples_met_on_the_last_day(casework, kind, events, attributes, rule, deadline):
    [f] = [f for f in finding(casework, kind, events, attributes, rule=rule) if f.occurrence == 1]
    assert (f.status, f.deadline) == ("met", deadline)


def test_a_day_late_is_one_working_day_late(casework):
    [f] = finding(casework, "child-protection", {"strategy_discussion": [date(2020, 12, 16)],
                                                 "icpc": [date(2021, 1, 12)]},
                  {"icpc_not_required": False}, rule="icpc-15wd")
    assert (f.status, f.days_late, f.working_days_late) == ("late", 1, 1)


def test_the_2011_referral_falls_under_working_together_2010(casework):
    [f] = finding(casework, "referral", {"referral": [date(2011, 4, 18)]}, {"referral_nfa": False},
                  as_of=date(2011, 5, 6), rule="initial-assessment-10wd")
    assert (f.status, f.deadline, f.days_left) == ("due", date(2011, 5, 6), 0)
    assert not [f for f in finding(casework, "referral", {"referral": [date(2011, 4, 18)]}, {"referral_nfa": False})
                if f.rule == "assessment-45wd"]


@pytest.mark.parametrize("icpc, first_review", [
    (date(2023, 8, 31), date(2023, 11, 30)),  # no 31 November: the month's last day
    (date(2023, 11, 30), date(2024, 2, 29)),  # a leap-year February
])
def test_first_review_conference_within_three_months(casework, icpc, first_review):
    found = finding(casework, "child-protection", {"icpc": [icpc], "rcpc": [first_review]}, {"cp_plan": True},
                    as_of=first_review, rule="rcpc")
    assert (found[0].status, found[0].deadline) == ("met", first_review)
    second = found[1]
    assert second.occurrence == 2 and second.status == "due"
    assert second.trigger_date == first_review  # six months from the review actually held


def test_second_looked_after_review_three_months_after_a_saturday_first(casework):
    found = finding(casework, "looked-after", {"became_looked_after": [date(2024, 11, 4)],
                                               "cla_review": [date(2024, 11, 30), date(2025, 2, 28)]},
                    as_of=date(2025, 3, 31), rule="cla-review")
    assert [(f.occurrence, f.status, f.deadline) for f in found] == [
        (1, "met", date(2024, 12, 2)), (2, "met", date(2025, 2, 28)), (3, "due", date(2025, 8, 28))]


def test_reviews_stop_when_the_child_leaves_care_before_the_next_is_due(casework):
    found = finding(casework, "looked-after", {"became_looked_after": [date(2024, 11, 4)],
                                               "cla_review": [date(2024, 11, 28)],
                                               "ceased_looked_after": [date(2025, 1, 10)]}, rule="cla-review")
    assert [(f.occurrence, f.status) for f in found] == [(1, "met")]


def test_long_term_placement_visits_become_three_monthly_after_a_year(casework):
    visits = [date(2023, 1, 9)] + [date(2023, 1, 9) + timedelta(days=42 * k) for k in range(1, 10)]
    assert visits[-1] == date(2024, 1, 22)
    found = finding(casework, "looked-after", {"placement_start": [date(2023, 1, 2)], "visit": visits},
                    {"placement_until_18": True}, as_of=date(2024, 3, 1), rule="cla-visit")
    last = found[-1]
    assert (last.occurrence, last.status, last.deadline) == (11, "due", date(2024, 4, 22))
    other = finding(casework, "looked-after", {"placement_start": [date(2023, 1, 2)], "visit": visits},
                    {"placement_until_18": False}, as_of=date(2024, 3, 1), rule="cla-visit")
    assert (other[-1].status, other[-1].deadline) == ("due", date(2024, 3, 4))


def test_care_proceedings_count_the_issue_day_and_extend_by_eight_weeks(casework):
    [f] = finding(casework, "care-proceedings", {"care_application_issued": [date(2025, 4, 1)]},
                  as_of=date(2025, 6, 1), rule="care-proceedings-26wk")
    assert f.deadline == date(2025, 4, 1) + timedelta(days=26 * 7 - 1) == date(2025, 9, 29)
    [g] = finding(casework, "care-proceedings", {"care_application_issued": [date(2025, 4, 1)],
                                                 "care_extension": [date(2025, 9, 1), date(2025, 11, 1)]},
                  as_of=date(2025, 12, 1), rule="care-proceedings-26wk")
    assert g.deadline == date(2025, 9, 29) + timedelta(weeks=16)


def test_stage1_extension_gives_twenty_working_days(casework):
    [f] = finding(casework, "complaint", {"complaint_received": [date(2022, 9, 9)],
                                          "stage1_extended": [date(2022, 9, 20)]},
                  as_of=date(2022, 9, 30), rule="complaint-stage1")
    assert f.deadline == by_hand(date(2022, 9, 9), 20) == date(2022, 10, 10)


def test_review_panel_in_the_covid_window_is_flagged(casework):
    [f] = finding(casework, "complaint", {"panel_requested": [date(2020, 5, 1)], "panel_held": [date(2020, 6, 16)]},
                  rule="complaint-panel")
    assert f.status == "met" and any("SI 2020/445" in w for w in f.warnings)


def test_return_interview_counts_clock_hours_with_a_time(casework):
    back = datetime(2024, 3, 1, 22, 0)
    [f] = finding(casework, "missing-episode", {"returned_from_missing": [back],
                                                "return_interview": [datetime(2024, 3, 4, 22, 30)]},
                  rule="return-interview-72h")
    assert (f.status, f.deadline, f.approximate) == ("late", back + timedelta(hours=72), False)


@pytest.mark.parametrize("order", [1, -1])
def test_the_two_one_oclocks_of_the_night_the_clocks_go_back_keep_their_own_deadlines_in_either_order(casework, order):
    # Sun 27 Oct 2024: 01:00 BST (fold 0) is 00:00 UTC and 01:00 GMT (fold 1) an hour later; 72 hours on, the clocks
    # being GMT, the deadlines are 00:00 and 01:00 on Wed 30 Oct. Equal as datetimes, the first row read set both.
    first, second = datetime(2024, 10, 27, 1, 0), datetime(2024, 10, 27, 1, 0, fold=1)
    interview = datetime(2024, 10, 30, 0, 31)
    records = [Record(name, "missing-episode", {}, {"returned_from_missing": (back,), "return_interview": (interview,)})
               for name, back in (("bst", first), ("gmt", second))][::order]
    found = {f.record: f for f in evaluate(records, casework, date(2025, 1, 1)) if f.rule == "return-interview-72h"}
    assert (found["bst"].status, found["bst"].deadline) == ("late", datetime(2024, 10, 30, 0, 0))
    assert (found["gmt"].status, found["gmt"].deadline) == ("met", datetime(2024, 10, 30, 1, 0))


def test_return_interview_with_dates_only_is_approximate(casework):
    [f] = finding(casework, "missing-episode", {"returned_from_missing": [date(2024, 3, 1)],
                                                "return_interview": [date(2024, 3, 4)]}, rule="return-interview-72h")
    assert (f.status, f.deadline, f.approximate) == ("met", date(2024, 3, 4), True)


def test_icpc_anchor_is_the_initiating_strategy_discussion(casework):
    rule = casework.get("icpc-15wd")
    assert rule.trigger == "strategy_discussion" and "initiated" in (rule.notes or "")


def test_every_rule_has_a_source_and_its_own_tests_pass(casework):
    for rule in casework:
        assert rule.source.citation and rule.source.verification in ("primary", "secondary", "unverified")
        assert rule.tests, rule.id
    results = run_rule_tests(casework)
    assert results and all(r.passed for r in results), [r for r in results if not r.passed]


def test_the_rule_ids_the_issue_names_exist(casework):
    ids = {r.id for r in casework}
    assert {"assessment-45wd", "icpc-15wd", "rcpc", "cla-review", "care-proceedings-26wk", "complaint-stage1"} <= ids
