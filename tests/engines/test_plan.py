"""Planning: every duty the dates given start, with deadlines worked out by hand here from the law.

Working days are counted on the England and Wales calendar, the trigger day not counted; each expected
date below says how it was counted.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from compliance.engines import evaluate, make_plan, plan_record
from compliance.errors import InputError
from compliance.rules import load_rules


@pytest.fixture(scope="module")
def rules():
    return load_rules()


def plan(rules, kind, *items, as_of=date(2024, 12, 10), occurrences=3):
    return make_plan(plan_record(kind, list(items), rules.vocabulary), rules, as_of, occurrences)


def by_rule(p):
    return {e.rule.id: e for e in p.entries}


def deadlines(entry):
    return [s.finding.deadline for s in entry.steps]


def test_report_received_on_3_december_2024(rules):
    # 30 working days after Tue 3 Dec 2024: 4-6 Dec (3), 9-13 (8), 16-20 (13), 23-24 (15), 25 and 26 Dec are
    # holidays, 27 (16), 30-31 (18), 1 Jan is a holiday, 2-3 Jan (20), 6-10 (25), 13-17 (30): Fri 17 Jan 2025.
    # 70: 20-24 Jan (35), 27-31 (40), 3-7 Feb (45), 10-14 (50), 17-21 (55), 24-28 (60), 3-7 Mar (65),
    # 10-14 Mar (70): Fri 14 Mar 2025.
    p = plan(rules, "inspection", "report_received=2024-12-03", "framework=ILACS")
    entries = by_rule(p)
    assert deadlines(entries["la-publish-report"]) == [date(2025, 1, 17)]
    assert deadlines(entries["la-publish-statement"]) == [date(2025, 3, 14)]
    assert deadlines(entries["la-send-action-plan"]) == [date(2025, 3, 14)]
    assert [e.rule.id for e in p.entries][:3] == ["la-publish-report", "la-publish-statement", "la-send-action-plan"]
    report = entries["la-publish-report"].steps[0].finding
    holidays = [d for d, reason in report.skipped if reason not in ("Saturday", "Sunday")]
    assert holidays == ["2024-12-25", "2024-12-26", "2025-01-01"]
    # As of Tue 10 Dec: 11-13 Dec (3), 16-20 (8), 23-24 (10), 27 (11), 30-31 (13), 2-3 Jan (15), 6-10 (20),
    # 13-17 (25) working days left; 21 days to 31 Dec and 17 more to 17 Jan.
    assert (report.status, report.working_days_left, report.days_left) == ("due", 25, 38)
    assert report.citation.startswith("Education and Inspections Act 2006")
    assert {e.state for e in p.entries} == {"scheduled", "not_applicable"}


def test_attributes_that_exclude_a_duty_say_why(rules):
    entries = by_rule(plan(rules, "inspection", "report_received=2024-12-03", "framework=ILACS"))
    jar = entries["jar-publish-report"]
    assert jar.state == "not_applicable" and "framework" in jar.reason and "JAR" in jar.reason
    assert entries["fv-priority-draft-plan"].state == "not_applicable"
    lscb = entries["lscb-publish-report"]  # an LSCB was reviewed only alongside a single inspection (SIF)
    assert lscb.state == "not_applicable" and "framework" in lscb.reason and "SIF" in lscb.reason


def test_a_clock_started_by_an_event_not_given_waits_for_it(rules):
    entries = by_rule(plan(rules, "complaint", "complaint_received=2022-09-09", as_of=date(2022, 9, 12)))
    assert entries["complaint-stage2"].state == "waiting"
    assert entries["complaint-stage2"].reason == "starts when stage2_start happens"
    assert entries["complaint-panel"].steps == ()
    # 10 working days after Fri 9 Sep 2022, skipping the State Funeral on Mon 19 Sep: Mon 26 Sep.
    stage1 = entries["complaint-stage1"]
    assert deadlines(stage1) == [date(2022, 9, 26)]
    # Extended to 20 working days in all: 27-30 Sep (14), 3-7 Oct (19), Mon 10 Oct (20).
    assert stage1.extended == date(2022, 10, 10)


def test_nothing_given_but_the_framework_lists_every_clock_as_waiting(rules):
    entries = by_rule(plan(rules, "inspection", "framework=ILACS", as_of=date(2025, 1, 6)))
    assert entries["la-publish-report"].state == "waiting"
    assert entries["la-publish-report"].reason == "starts when report_received happens"


def test_only_the_bounding_event_gives_the_latest_possible_deadline(rules):
    # Ofsted published on Fri 14 Dec 2018, so the council had received the report by then: 30 working days
    # after 14 Dec 2018, skipping 25-26 Dec and 1 Jan, end on Wed 30 Jan 2019 at the latest.
    entries = by_rule(plan(rules, "inspection", "ofsted_published=14/12/2018", "framework=ILACS",
                           as_of=date(2018, 12, 17)))
    report = entries["la-publish-report"]
    assert report.state == "scheduled" and deadlines(report) == [date(2019, 1, 30)]
    assert report.steps[0].finding.status == "missing_data"
    assert report.steps[0].finding.assumptions


def test_recurring_duty_projects_the_next_occurrences_on_a_stated_assumption(rules):
    # 20 working days after Mon 4 Nov 2024: 5-8 Nov (4), 11-15 (9), 18-22 (14), 25-29 (19), Mon 2 Dec (20).
    # If held on 2 Dec, the second is due 3 months later, 2 Mar 2025; if held then, the third 6 months later.
    entries = by_rule(plan(rules, "looked-after", "became_looked_after=04/11/2024", as_of=date(2024, 11, 5)))
    review = entries["cla-review"]
    assert deadlines(review) == [date(2024, 12, 2), date(2025, 3, 2), date(2025, 9, 2)]
    assert [s.projected for s in review.steps] == [False, True, True]
    assert review.steps[1].working[-1] == "Occurrence 2: within 3 months of the previous cla_review on Mon 02 Dec 2024."


def test_reviews_already_held_count_and_projection_starts_after_the_open_one(rules):
    # Held on 28 Nov 2024 (met); the second is due 3 months after it, 28 Feb 2025; then 28 Aug 2025, 28 Feb 2026.
    entries = by_rule(plan(rules, "looked-after", "became_looked_after=2024-11-04", "cla_review=2024-11-28",
                           as_of=date(2024, 12, 1)))
    review = entries["cla-review"]
    assert [s.finding.status for s in review.steps] == ["met", "due", "due", "due"]
    assert deadlines(review) == [date(2024, 12, 2), date(2025, 2, 28), date(2025, 8, 28), date(2026, 2, 28)]
    assert [s.projected for s in review.steps] == [False, False, True, True]


def test_no_projection_once_the_duty_has_ended(rules):
    entries = by_rule(plan(rules, "child-protection", "icpc=2023-08-31", "rcpc=2023-11-30", "cp_plan_end=2024-03-01",
                           "cp_plan=true", as_of=date(2024, 3, 1)))
    assert [s.projected for s in entries["rcpc"].steps] == [False]


def test_conditions_not_given_are_shown_as_only_if_one_entry_each(rules):
    # Inspection duties for an unnamed framework: one entry per set of conditions the user has not settled.
    p = plan(rules, "inspection", "report_received=2024-12-03", as_of=date(2024, 12, 10))
    report = [e for e in p.entries if e.rule.id == "la-publish-report"]
    assert [(e.state, e.assumed) for e in report] == [
        ("conditional", (("framework", ("SIF", "ILACS", "ILACS-focused-visit")),))]


def test_first_year_visits_need_no_word_on_whether_the_placement_lasts_until_18(rules):
    # Visits: within a week of the placement (Mon 11 Nov 2024), then at most six weeks apart: 23 Dec, 3 Feb.
    # Only the interval after the first year depends on placement_until_18 (SI 2010/959 reg 28(2)(c)).
    p = plan(rules, "looked-after", "placement_start=2024-11-04", as_of=date(2024, 11, 5))
    visits = [e for e in p.entries if e.rule.duty == "cla-visit"]
    assert [(e.rule.id, e.state, e.assumed) for e in visits] == [("cla-visit", "scheduled", ())]
    assert deadlines(visits[0]) == [date(2024, 11, 11), date(2024, 12, 23), date(2025, 2, 3)]


def test_the_version_in_force_on_the_trigger_date_is_used(rules):
    # A referral in April 2011 falls under Working Together 2010: the initial assessment in 10 working days
    # (Mon 18 Apr 2011, skipping Good Friday, Easter Monday and the royal wedding: Fri 6 May 2011).
    entries = by_rule(plan(rules, "referral", "referral=18/04/2011", "referral_nfa=false", as_of=date(2011, 4, 19)))
    assert deadlines(entries["initial-assessment-10wd"]) == [date(2011, 5, 6)]
    assert "assessment-45wd" not in entries


def test_completions_given_are_judged(rules):
    # Published Mon 20 Jan 2025, the first working day after Fri 17 Jan: late by 1 working day, 3 days.
    report = by_rule(plan(rules, "inspection", "report_received=2024-12-03", "framework=ILACS",
                          "report_published=20/01/2025", as_of=date(2025, 2, 1)))["la-publish-report"]
    f = report.steps[0].finding
    assert (f.status, f.working_days_late, f.days_late) == ("late", 1, 3)


def test_dates_after_the_as_of_date_plan_ahead_from_the_latest(rules):
    p = plan(rules, "inspection", "report_received=2026-12-03", "framework=ILACS", as_of=date(2026, 11, 28))
    assert p.as_of == date(2026, 12, 3) and p.asked_as_of == date(2026, 11, 28)
    # 30 working days after Thu 3 Dec 2026: Christmas Day (Fri 25 Dec) and Boxing Day (observed, Mon 28 Dec) and
    # New Year's Day (Fri 1 Jan 2027) skipped: 4 (1), 7-11 (6), 14-18 (11), 21-24 (15), 29-31 (18), 4-8 Jan (23),
    # 11-15 (28), 18-19 (30): Tue 19 Jan 2027.
    assert deadlines(by_rule(p)["la-publish-report"]) == [date(2027, 1, 19)]


def test_hours_clock_keeps_the_time_of_day(rules):
    entries = by_rule(plan(rules, "missing-episode", "returned_from_missing=01/03/2024 22:00", as_of=date(2024, 3, 2)))
    assert deadlines(entries["return-interview-72h"]) == [datetime(2024, 3, 4, 22, 0)]


@pytest.mark.parametrize("kind, items, field, words", [
    ("inspections", [], "kind", "did you mean 'inspection'?"),
    ("inspection", ["report_recieved=2024-12-03"], "report_recieved", "did you mean 'report_received'?"),
    ("inspection", ["framework=ilacs"], "framework", "did you mean 'ILACS'?"),
    ("inspection", ["lscb_review=maybe"], "lscb_review", "write yes or no; true, false, y, n, 1 and 0 are read too"),
    ("inspection", ["report_received=03/12/24"], "report_received", "give the year in full"),
    ("inspection", ["report_received"], "report_received", "NAME=VALUE"),
    ("inspection", ["report_received=2024-12-03;2024-12-04"], "report_received", "happens once"),
    ("inspection", ["framework=ILACS", "framework=SIF"], "framework", "given twice"),
])
def test_bad_items_are_located_with_a_suggestion(rules, kind, items, field, words):
    with pytest.raises(InputError) as exc:
        plan_record(kind, items, rules.vocabulary)
    [problem] = exc.value.problems
    assert problem.field == field and words in str(problem)


def test_every_bad_item_is_reported_at_once(rules):
    with pytest.raises(InputError) as exc:
        plan_record("inspection", ["report_recieved=2024-12-03", "framework=ilacs"], rules.vocabulary)
    assert [p.field for p in exc.value.problems] == ["report_recieved", "framework"]


def test_an_extension_that_adds_weeks_shows_the_deadline_one_extension_makes(rules):
    # Issued Tue 1 Apr 2025: 26 weeks beginning with that day end Mon 29 Sep 2025; one 8-week extension, Mon 24 Nov.
    entry = by_rule(plan(rules, "care-proceedings", "care_application_issued=2025-04-01",
                         as_of=date(2025, 4, 2)))["care-proceedings-26wk"]
    assert deadlines(entry) == [date(2025, 9, 29)] and entry.extended == date(2025, 11, 24)


#: What `check` says of a report received on Fri 10 Dec 2100: its 30 working days run into 2101, a year the
#: England and Wales calendar does not cover.
PAST_THE_CALENDAR = ("the deadline cannot be counted: 30 working days from 2100-12-10 runs outside the years the "
                     "england-and-wales calendar covers (1971 to 2100); check the dates")


def test_a_deadline_past_the_calendars_years_is_uncounted_with_checks_reason(rules):
    record = plan_record("inspection", ["report_received=2100-12-10", "framework=ILACS"], rules.vocabulary)
    p = make_plan(record, rules, date(2100, 12, 31))
    left_out = p.uncounted()
    assert [e.rule.id for e, _ in left_out] == ["la-publish-report", "la-publish-statement", "la-send-action-plan"]
    assert all(s.finding.deadline is None and s.finding.trigger_date == date(2100, 12, 10) for _, s in left_out)
    assert left_out[0][1].finding.reason == PAST_THE_CALENDAR
    checked = {f.rule: f.reason for f in evaluate([record], rules, date(2100, 12, 31))}
    assert all(s.finding.reason == checked[e.rule.id] for e, s in left_out)


def test_a_deadline_waiting_for_a_date_is_not_uncounted(rules):
    assert plan(rules, "inspection", "report_received=2024-12-03", "framework=ILACS").uncounted() == []
    # Received on a date not known: record it, and the deadline is counted.
    unknown = plan(rules, "inspection", "report_received=unknown", "framework=ILACS")
    step = by_rule(unknown)["la-publish-report"].steps[0]
    assert step.finding.needs == ("report_received",) and not step.uncounted and unknown.uncounted() == []
