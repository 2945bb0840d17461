"""The native engine: every status, versions, recurrence, extensions and hours, against the law.

Expected dates are worked by hand from the legal reference (docs/legal-reference.md, §1 and §5),
not taken from the engine.
"""

import json
from datetime import date, datetime

import pytest

from compliance import evaluate, load_rules
from compliance.records import records_from_text

from conftest import FIXTURES, ROOT

SAMPLE = load_rules([FIXTURES / "rules" / "casework-sample.yaml"])
INSPECTION_RULES = load_rules()


def record(kind, events, attributes=None, rid="r1"):
    doc = {"records": [{"id": rid, "kind": kind, "attributes": attributes or {}, "events": events}]}
    return records_from_text(json.dumps(doc, default=str), "json")


def findings(kind, events, as_of, attributes=None, rules=SAMPLE, rule=None):
    out = evaluate(record(kind, events, attributes), rules, as_of)
    return [f for f in out if rule is None or f.rule == rule]


def one(*args, **kw):
    found = findings(*args, **kw)
    assert len(found) == 1, found
    return found[0]


ILACS = {"framework": "ILACS"}


class TestSingleDuty:
    def test_met_on_the_last_day(self):
        f = one("inspection", {"report_received": "2019-12-12", "report_published": "2020-01-28"},
                date(2020, 6, 1), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (f.status, f.deadline, f.completed_date) == ("met", date(2020, 1, 28), date(2020, 1, 28))
        assert f.citation.startswith("Education and Inspections Act 2006")
        skipped = dict(f.skipped)
        assert skipped["2019-12-25"] == "Christmas Day" and skipped["2019-12-26"] == "Boxing Day"
        assert skipped["2020-01-01"] == "New Year's Day"
        assert any("30th working day" in step for step in f.explanation)
        assert f.calendar_data["calendar"] == "england-and-wales" and f.calendar_data["holidays_package"]

    def test_late_by_working_and_calendar_days(self):
        # 7 Feb 2020 is 8 working days after the 28 Jan deadline (29, 30, 31 Jan; 3-7 Feb).
        f = one("inspection", {"report_received": "2019-12-12", "report_published": "2020-02-07"},
                date(2020, 6, 1), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (f.status, f.working_days_late, f.days_late) == ("late", 8, 10)
        assert f.late_by == "8 working days (10 days)"

    def test_late_by_no_working_day_says_so_rather_than_0_working_days(self):
        # lscb-publish-report: received Thu 15 Aug 2019, 30 working days (Mon 26 Aug skipped) end Fri 27 Sep 2019.
        # Published Sat 28 Sep: late by 1 calendar day and 0 working days, which must not read as "not late".
        late = one("inspection", {"lscb_report_received": "2019-08-15", "lscb_report_published": "2019-09-28"},
                   date(2026, 1, 1), {"framework": "SIF", "lscb_review": True}, INSPECTION_RULES, "lscb-publish-report")
        assert (late.status, late.deadline, late.working_days_late, late.days_late) == ("late", date(2019, 9, 27), 0, 1)
        assert late.late_by == "1 day (not a working day)"
        assert any(step.endswith("late by 1 day (not a working day).") for step in late.explanation)
        # Never published: the Board ended Sun 29 Sep 2019, 2 days after the deadline, neither a working day.
        missed = one("inspection", {"lscb_report_received": "2019-08-15"}, date(2026, 1, 1),
                     {"framework": "SIF", "lscb_review": True}, INSPECTION_RULES, "lscb-publish-report")
        assert (missed.status, missed.working_days_late, missed.days_late) == ("overdue", 0, 2)
        assert missed.late_by == "2 days (none of them a working day)"

    def test_a_calendar_period_late_by_no_working_day_says_so_too(self):
        # rcpc: ICPC Fri 31 May 2024, first review within 3 months: Sat 31 Aug 2024. The plan ended Sun 1 Sep
        # with no review: overdue by 1 day, counted in calendar days first (a months rule), no working day.
        f = one("child-protection", {"strategy_discussion": "2024-05-20", "icpc": "2024-05-31",
                                     "cp_plan_end": "2024-09-01"},
                date(2025, 1, 1), {"cp_plan": True}, INSPECTION_RULES, "rcpc")
        assert (f.status, f.deadline, f.days_late, f.working_days_late) == ("overdue", date(2024, 8, 31), 1, 0)
        assert f.late_by == "1 day (not a working day)"

    def test_due_counts_what_is_left(self):
        # Received Thu 1 Oct 2026: 30th working day is Thu 12 Nov 2026. From Tue 20 Oct: 17 working days.
        f = one("inspection", {"report_received": "2026-10-01"}, date(2026, 10, 20), ILACS, INSPECTION_RULES,
                "la-publish-report")
        assert (f.status, f.deadline, f.working_days_left, f.days_left) == ("due", date(2026, 11, 12), 17, 23)
        assert f.time_left == "17 working days (23 days)"

    def test_due_on_the_deadline_itself_and_overdue_the_day_after(self):
        events = {"report_received": "2026-10-01"}
        on = one("inspection", events, date(2026, 11, 12), ILACS, INSPECTION_RULES, "la-publish-report")
        after = one("inspection", events, date(2026, 11, 13), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (on.status, on.working_days_left) == ("due", 0)
        assert (after.status, after.working_days_late, after.days_late) == ("overdue", 1, 1)

    def test_completion_after_the_as_of_date_has_not_happened_yet(self):
        f = one("inspection", {"report_received": "2019-12-12", "report_published": "2020-01-20"},
                date(2020, 1, 10), ILACS, INSPECTION_RULES, "la-publish-report")
        assert f.status == "due" and f.completed_date is None

    def test_trigger_after_as_of_is_not_applicable_yet(self):
        f = one("inspection", {"report_received": "2020-03-01"}, date(2020, 1, 10), ILACS, INSPECTION_RULES,
                "la-publish-report")
        assert f.status == "not_applicable" and "clock has not started" in f.reason

    def test_conditions_exclude_with_a_reason(self):
        f = one("inspection", {"report_received": "2016-03-01"}, date(2017, 1, 1), {"framework": "JTAI"},
                INSPECTION_RULES, "la-publish-report")
        assert f.status == "not_applicable" and "framework" in f.reason and "'JTAI'" in f.reason

    def test_in_force_window_is_judged_on_the_trigger_date(self):
        before = one("inspection", {"report_received": "2013-03-01"}, date(2014, 1, 1), {"framework": "SIF"},
                     INSPECTION_RULES, "la-send-action-plan")
        after = one("inspection", {"report_received": "2014-03-03"}, date(2015, 1, 1), {"framework": "SIF"},
                    INSPECTION_RULES, "la-send-action-plan")
        assert before.status == "not_applicable" and "2013-11-01" in before.reason
        assert after.status == "overdue"

    def test_missing_trigger_bounded_by_publication_is_certainly_overdue_once_even_the_latest_deadline_passed(self):
        # Ofsted published Fri 14 Dec 2018; receipt was no later, so 30 working days end by Wed 30 Jan 2019.
        # Nothing published by Sat 1 Jun 2019: 122 days later, 83 working days (Jan 1, Feb 20, Mar 21,
        # Apr 20 after Easter, May 21 after both May holidays).
        f = one("inspection", {"ofsted_published": "2018-12-14"}, date(2019, 6, 1), ILACS, INSPECTION_RULES,
                "la-publish-report")
        assert (f.status, f.on_bound, f.trigger_date, f.deadline) == ("overdue", "latest", None, date(2019, 1, 30))
        assert (f.working_days_late, f.days_late) == (83, 122)
        assert f.late_by == "at least 83 working days (122 days)"
        assert any("cannot be later than ofsted_published (2018-12-14)" in a for a in f.assumptions)
        assert any("overdue whatever the trigger date was" in step for step in f.explanation)

    def test_missing_trigger_with_completion_after_even_the_latest_deadline_is_certainly_late(self):
        # Published by the council Fri 1 Feb 2019, after Wed 30 Jan: at least 2 working days late (31 Jan, 1 Feb).
        f = one("inspection", {"ofsted_published": "2018-12-14", "report_published": "2019-02-01"},
                date(2019, 6, 1), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (f.status, f.on_bound, f.working_days_late, f.days_late) == ("late", "latest", 2, 2)
        assert any("late whatever the trigger date was" in step for step in f.explanation)

    def test_missing_trigger_without_any_bound(self):
        f = one("inspection", {}, date(2019, 6, 1), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (f.status, f.deadline) == ("missing_data", None)

    def test_a_completion_before_its_trigger_does_not_discharge_the_duty_nor_make_it_overdue(self):
        # Received Thu 12 Dec 2019, deadline Tue 28 Jan 2020; a "publication" dated 1 Dec 2019 cannot count, and
        # the record shows the report published, on a date that cannot be right: not overdue but missing data
        # asking for the dates to be corrected, and the working never says none is recorded.
        f = one("inspection", {"report_received": "2019-12-12", "report_published": "2019-12-01"},
                date(2020, 6, 1), ILACS, INSPECTION_RULES, "la-publish-report")
        assert (f.status, f.deadline, f.completed_date, f.days_late) == ("missing_data", date(2020, 1, 28), None, None)
        assert f.needs == ("report_received", "report_published")
        assert f.reason == ("report_published is recorded on 2019-12-01, before report_received on 2019-12-12, so it "
                            "cannot count and one of those dates is wrong; correct report_received or report_published")
        assert f.data_quality and "check the record" in f.data_quality[0] and "2019-12-01" in f.data_quality[0]
        assert not any("No report_published" in step for step in f.explanation)

    def test_caveat_for_the_covid_modification_window(self):
        f = one("inspection", {"report_received": "2020-05-01"}, date(2020, 12, 1), ILACS, INSPECTION_RULES,
                "la-publish-report")
        assert any("SI 2020/445" in w for w in f.warnings)

    def test_deadline_in_an_unannounced_year_is_provisional(self):
        f = one("inspection", {"report_received": "2028-12-01"}, date(2028, 12, 2), ILACS, INSPECTION_RULES,
                "la-publish-statement")
        assert f.deadline.year == 2029 and f.provisional
        assert any("Provisional" in step for step in f.explanation)


class TestRecurrence:
    def test_looked_after_reviews_20_working_days_then_3_then_6_months(self):
        # Looked after Mon 23 Dec 2019: 20 WD -> Thu 23 Jan 2020 (§7). Review 20 Jan (met).
        # Second within 3 months of 20 Jan -> 20 Apr 2020; held 22 Apr: late by 2 WD.
        # Third within 6 months of 22 Apr -> 22 Oct 2020; none by Sun 1 Nov: overdue 6 WD (10 days).
        found = findings("looked-after", {"became_looked_after": "2019-12-23",
                                          "cla_review": ["2020-01-20", "2020-04-22"]},
                         date(2020, 11, 1), rule="sample-cla-review")
        assert [(f.occurrence, f.status, f.deadline) for f in found] == [
            (1, "met", date(2020, 1, 23)), (2, "late", date(2020, 4, 20)), (3, "overdue", date(2020, 10, 22))]
        assert found[1].working_days_late == 2
        assert (found[2].working_days_late, found[2].days_late) == (6, 10)
        assert found[1].trigger_date == date(2020, 1, 20)

    def test_duty_ends_when_the_child_leaves_care_before_the_next_review_is_due(self):
        found = findings("looked-after", {"became_looked_after": "2019-12-23",
                                          "cla_review": ["2020-01-20", "2020-04-22"],
                                          "ceased_looked_after": "2020-06-01"}, date(2020, 11, 1),
                         rule="sample-cla-review")
        assert [f.status for f in found] == ["met", "late"]

    def test_review_missed_before_the_child_left_care(self):
        found = findings("looked-after", {"became_looked_after": "2019-12-23",
                                          "cla_review": ["2020-01-20", "2020-04-22"],
                                          "ceased_looked_after": "2020-11-15"}, date(2021, 6, 1),
                         rule="sample-cla-review")
        assert (found[-1].status, found[-1].deadline, found[-1].days_late) == ("overdue", date(2020, 10, 22), 24)

    def test_a_review_dated_after_the_child_left_care_is_not_counted_and_flagged(self):
        # Looked after Mon 23 Dec 2019: review 20 Jan (met), the second due within 3 months, by Mon 20 Apr 2020. The
        # child left care Wed 1 Apr, before it; a review "held" Wed 22 Apr cannot be: one of the dates is wrong, and
        # if the end was mistyped, the second review fell away unseen. It is not counted, and every finding says so.
        found = findings("looked-after", {"became_looked_after": "2019-12-23",
                                          "cla_review": ["2020-01-20", "2020-04-22"],
                                          "ceased_looked_after": "2020-04-01"}, date(2020, 11, 1),
                         rule="sample-cla-review")
        assert [(f.occurrence, f.status, f.deadline) for f in found] == [(1, "met", date(2020, 1, 23))]
        assert found[0].data_quality == ("cla_review on 2020-04-22 is after ceased_looked_after on 2020-04-01, when "
                                         "the duty had ended, so it is not counted: check the record.",)

    def test_many_reviews_dated_after_the_child_left_care_are_one_warning_naming_the_first_ten(self):
        # Twelve "reviews" on the 1st of each month from May 2020, after the child left care on Wed 1 Apr 2020: one
        # warning names the first ten and counts the other two (each of a duty's findings carries its warnings).
        after = [f"2020-{m:02d}-01" for m in range(5, 13)] + [f"2021-{m:02d}-01" for m in range(1, 5)]
        found = findings("looked-after", {"became_looked_after": "2019-12-23", "cla_review": ["2020-01-20", *after],
                                          "ceased_looked_after": "2020-04-01"}, date(2021, 6, 1),
                         rule="sample-cla-review")
        assert [(f.occurrence, f.status) for f in found] == [(1, "met")]
        assert found[0].data_quality == (f"cla_review on {', '.join(after[:10])} and 2 more are after "
                                         "ceased_looked_after on 2020-04-01, when the duty had ended, so they are not "
                                         "counted: check the record.",)

    def test_a_visit_given_once_with_its_time_and_once_without_is_one_visit(self):
        # Placed Fri 1 Mar 2024: the first visit is due within a week, by Fri 8 Mar; made Tue 5 Mar, entered once as a
        # date and once at 10:00. One visit, so the second is due within 6 weeks of it, by Tue 16 Apr: still due as of
        # Mon 1 Apr, not met by the same visit entered again. Two times of one day are two visits, as recorded.
        found = findings("looked-after", {"placement_start": "2024-03-01", "visit": ["2024-03-05", "2024-03-05T10:00"]},
                         date(2024, 4, 1), {"placement_until_18": False}, rules=INSPECTION_RULES, rule="cla-visit")
        assert [(f.occurrence, f.status, f.deadline) for f in found] == [
            (1, "met", date(2024, 3, 8)), (2, "due", date(2024, 4, 16))]
        assert found[1].data_quality == ("visit is given on 2024-03-05 both with a time and without: the day alone is "
                                         "not counted again; check the record.",)
        twice = findings("looked-after", {"placement_start": "2024-03-01",
                                          "visit": ["2024-03-05T09:00", "2024-03-05T15:00"]},
                         date(2024, 4, 1), {"placement_until_18": False}, rules=INSPECTION_RULES, rule="cla-visit")
        assert [(f.occurrence, f.status, f.deadline) for f in twice] == [
            (1, "met", date(2024, 3, 8)), (2, "met", date(2024, 4, 16)), (3, "due", date(2024, 4, 16))]
        assert not any(f.data_quality for f in twice)
        # The bare day beside the two times is one of them, not a third visit, and does not make the two one.
        both = findings("looked-after", {"placement_start": "2024-03-01",
                                         "visit": ["2024-03-05", "2024-03-05T09:00", "2024-03-05T15:00"]},
                        date(2024, 4, 1), {"placement_until_18": False}, rules=INSPECTION_RULES, rule="cla-visit")
        assert [(f.occurrence, f.status, f.deadline) for f in both] == [(f.occurrence, f.status, f.deadline)
                                                                         for f in twice]
        assert both[0].data_quality == found[1].data_quality

    def test_first_review_not_yet_held(self):
        f = one("looked-after", {"became_looked_after": "2019-12-23"}, date(2020, 1, 6), rule="sample-cla-review")
        # Working days after Mon 6 Jan up to Thu 23 Jan 2020: 13.
        assert (f.status, f.deadline, f.working_days_left) == ("due", date(2020, 1, 23), 13)

    def test_visits_six_weekly_in_the_first_year_then_three_monthly(self):
        found = findings("looked-after", {"placement_start": "2024-01-01",
                                          "visit": ["2024-01-08", "2024-12-20", "2025-01-31"]},
                         date(2025, 3, 1), {"placement_until_18": True}, rule="sample-visits")
        assert [(f.occurrence, f.status, f.deadline) for f in found] == [
            (1, "met", date(2024, 1, 8)),      # within 1 week of Mon 1 Jan 2024
            (2, "late", date(2024, 2, 19)),    # 6 weeks after 8 Jan
            (3, "met", date(2025, 1, 31)),     # 20 Dec 2024 is still in the first year: 6 weeks
            (4, "due", date(2025, 4, 30)),     # 31 Jan 2025 is after the first year: 3 months
        ]
        assert found[3].days_left == 60

    def test_many_visits_before_the_placement_are_one_warning_naming_ten_and_counting_the_rest(self):
        # Twelve visits from 1 to 12 Dec 2023, before the placement of Mon 1 Jan 2024, cannot count; 19 Feb and
        # 25 Mar are each given twice. Each of the duty's findings carries its record's warnings: one a date, a
        # cell of a thousand such dates made a million lines on a thousand findings.
        early = [f"2023-12-{day:02d}" for day in range(1, 13)]
        found = findings("looked-after", {"placement_start": "2024-01-01",
                                          "visit": [*early, "2024-01-08", "2024-02-19", "2024-02-19", "2024-03-25",
                                                    "2024-03-25"]},
                         date(2024, 4, 1), {"placement_until_18": True}, rule="sample-visits")
        assert [(f.occurrence, f.status, f.deadline) for f in found] == [
            (1, "met", date(2024, 1, 8)),      # within 1 week of Mon 1 Jan 2024
            (2, "met", date(2024, 2, 19)),     # 6 weeks after 8 Jan
            (3, "met", date(2024, 4, 1)),      # 6 weeks after 19 Feb
            (4, "due", date(2024, 5, 6)),      # 6 weeks after 25 Mar
        ]
        warned = ("visit on 2023-12-01, 2023-12-02, 2023-12-03, 2023-12-04, 2023-12-05, 2023-12-06, 2023-12-07, "
                  "2023-12-08, 2023-12-09, 2023-12-10 and 2 more are before placement_start on 2024-01-01, so they "
                  "cannot count: check the record.",
                  "visit is recorded more than once on each of 2024-02-19 and 2024-03-25: each counted once; check the "
                  "record.")
        assert all(f.data_quality == warned for f in found)
        # One such date is said as it always was.
        found = findings("looked-after", {"placement_start": "2024-01-01", "visit": ["2023-12-01", "2024-01-08"]},
                         date(2024, 2, 1), {"placement_until_18": True}, rule="sample-visits")
        assert found[0].data_quality == ("visit on 2023-12-01 is before placement_start on 2024-01-01, so it cannot "
                                         "count: check the record.",)


class TestExtensions:
    def test_complaint_stage_1_ten_working_days_skipping_the_state_funeral(self):
        f = one("complaint", {"complaint_received": "2022-09-09", "stage1_response": "2022-09-27"},
                date(2022, 12, 1), rule="sample-complaint-stage1")
        assert (f.status, f.deadline, f.working_days_late) == ("late", date(2022, 9, 26), 1)
        assert ("2022-09-19", "State Funeral of Queen Elizabeth II") in f.skipped

    def test_extended_stage_1_is_twenty_working_days(self):
        f = one("complaint", {"complaint_received": "2022-09-09", "stage1_extended": "2022-09-20",
                              "stage1_response": "2022-10-07"}, date(2022, 12, 1), rule="sample-complaint-stage1")
        assert (f.status, f.deadline, f.period) == ("met", date(2022, 10, 10), "20 working days")

    def test_an_extension_recorded_on_the_deadline_itself_extends_and_says_so(self):
        # Received Fri 9 Sep 2022: the 10th working day is Mon 26 Sep (the State Funeral on Mon 19 Sep skipped).
        # Extended that day, so 20 working days apply: Mon 10 Oct. Care issued Tue 1 Apr 2025: 26 weeks beginning
        # with it end Mon 29 Sep; extended that day, by 8 weeks: Mon 24 Nov.
        f = one("complaint", {"complaint_received": "2022-09-09", "stage1_extended": "2022-09-26",
                              "stage1_response": "2022-10-10"}, date(2022, 12, 1), rule="sample-complaint-stage1")
        assert (f.status, f.deadline, f.data_quality) == ("met", date(2022, 10, 10), ())
        assert ("stage1_extended recorded on Mon 26 Sep 2022, on or before the deadline, so the extended period of "
                "20 working days applies") in " ".join(f.explanation)
        care = one("care-proceedings", {"care_application_issued": "2025-04-01", "care_extension": ["2025-09-29"]},
                   date(2026, 1, 1), rule="sample-care-proceedings")
        assert (care.status, care.deadline) == ("overdue", date(2025, 11, 24))
        assert ("care_extension recorded on Mon 29 Sep 2025, on or before the deadline, extends it by 8 weeks: Mon 29 "
                "Sep 2025 becomes Mon 24 Nov 2025.") in care.explanation

    def test_care_proceedings_26_weeks_beginning_with_issue_plus_an_extension(self):
        plain = one("care-proceedings", {"care_application_issued": "2025-04-01",
                                         "care_proceedings_disposed": "2025-11-20"}, date(2026, 1, 1),
                    rule="sample-care-proceedings")
        assert (plain.status, plain.deadline, plain.days_late) == ("late", date(2025, 9, 29), 52)
        extended = one("care-proceedings", {"care_application_issued": "2025-04-01",
                                            "care_extension": ["2025-09-20"],
                                            "care_proceedings_disposed": "2025-11-20"}, date(2026, 1, 1),
                       rule="sample-care-proceedings")
        assert (extended.status, extended.deadline) == ("met", date(2025, 11, 24))


    def test_an_extension_given_once_with_its_time_and_once_without_extends_once(self):
        # Care issued Tue 1 Apr 2025: 26 weeks end Mon 29 Sep; one extension that day, entered as a date and at 10:00,
        # is 8 weeks: Mon 24 Nov, so a case disposed on Mon 1 Dec is late (counted twice, it was met by Mon 19 Jan 2026).
        care = one("care-proceedings", {"care_application_issued": "2025-04-01",
                                        "care_extension": ["2025-09-29", "2025-09-29T10:00"],
                                        "care_proceedings_disposed": "2025-12-01"}, date(2026, 1, 1),
                   rule="sample-care-proceedings")
        assert (care.status, care.deadline) == ("late", date(2025, 11, 24))
        assert care.data_quality == ("care_extension is given on 2025-09-29 both with a time and without: the day alone "
                                     "is not counted again; check the record.",)

class TestHours:
    def test_exact_clock_time_when_times_are_known(self):
        f = one("missing-episode", {"returned_from_missing": "2024-01-05T18:30",
                                    "return_interview": "2024-01-08T18:00"}, date(2024, 2, 1),
                rule="sample-return-interview")
        assert (f.status, f.deadline, f.approximate) == ("met", datetime(2024, 1, 8, 18, 30), False)

    def test_half_an_hour_late_is_late(self):
        f = one("missing-episode", {"returned_from_missing": "2024-01-05T18:30",
                                    "return_interview": "2024-01-08T19:00"}, date(2024, 2, 1),
                rule="sample-return-interview")
        assert f.status == "late" and f.late_by == "0.5 hours"

    def test_an_undated_time_on_the_deadlines_day_says_what_would_settle_it(self):
        # Returned Fri 1 Mar 2024 00:30 GMT: 72 hours end Mon 4 Mar 00:30. An interview dated the 4th without a
        # time was in time only if held in that first half hour: met to the day (legal-timelines rule 7), and
        # the working and the margin say it is approximate and what to record.
        f = one("missing-episode", {"returned_from_missing": "2024-03-01T00:30", "return_interview": "2024-03-04"},
                date(2024, 5, 1), rule="sample-return-interview")
        assert (f.status, f.deadline, f.approximate) == ("met", datetime(2024, 3, 4, 0, 30), True)
        assert any("in time only if done by 00:30" in step for step in f.explanation)
        from compliance.reports._formats import margin_text
        assert margin_text(f) == "on time (approximate)"

    def test_a_time_the_clocks_showed_twice_says_which_in_the_working(self):
        # Clocks went back at 02:00 BST on Sun 27 Oct 2024 (01:00 GMT). Returned Thu 24 Oct 02:30 BST (01:30 GMT):
        # 72 real hours end at 01:30 GMT on the 27th, the second 01:30. An interview at 01:45, read as the first
        # (summer time, 00:45 GMT), was 45 minutes early: met. The working said "01:45 is on or before the deadline
        # 01:30: met", which reads as a mistake; it now names each time's zone.
        f = one("missing-episode", {"returned_from_missing": "2024-10-24T02:30",
                                    "return_interview": "2024-10-27T01:45"}, date(2024, 12, 31),
                rule="sample-return-interview")
        assert f.status == "met"
        assert ("return_interview on Sun 27 Oct 2024 01:45 BST is on or before the deadline Sun 27 Oct 2024 01:30 GMT: "
                "met.") in f.explanation

    def test_date_only_data_is_approximate(self):
        f = one("missing-episode", {"returned_from_missing": "2024-01-05", "return_interview": "2024-01-08"},
                date(2024, 2, 1), rule="sample-return-interview")
        assert (f.status, f.deadline, f.approximate) == ("met", date(2024, 1, 8), True)
        assert any("Approximate" in step for step in f.explanation)


def test_findings_are_plain_json_and_identical_for_identical_inputs():
    from compliance.records import load_records
    from conftest import ROOT

    records = load_records([ROOT / "examples" / "inspections.yaml"])
    a = [f.to_dict() for f in evaluate(records, INSPECTION_RULES, date(2026, 11, 20))]
    b = [f.to_dict() for f in evaluate(records, INSPECTION_RULES, date(2026, 11, 20))]
    assert a == b
    assert json.loads(json.dumps(a)) == a
    assert {f["status"] for f in a} == {"met", "late", "due", "overdue", "not_applicable", "missing_data"}


@pytest.mark.parametrize("explain", [True, False])
def test_explain_false_gives_the_same_verdicts(explain):
    from compliance.records import load_records
    from conftest import ROOT

    records = load_records([ROOT / "examples" / "inspections.yaml"])
    full = evaluate(records, INSPECTION_RULES, date(2026, 11, 20))
    fast = evaluate(records, INSPECTION_RULES, date(2026, 11, 20), explain=explain)
    keys = ("record", "rule", "status", "deadline", "completed_date", "working_days_late", "working_days_left")
    assert [[getattr(f, k) for k in keys] for f in full] == [[getattr(f, k) for k in keys] for f in fast]


def test_findings_by_record_streams_the_same_findings_in_the_same_order():
    from compliance.engines import findings_by_record
    from compliance.records import load_records

    records = load_records([ROOT / "examples" / "inspections.yaml"])
    streamed = [f for _, found in findings_by_record(records, as_of=date(2026, 11, 20)) for f in found]
    assert streamed == evaluate(records, as_of=date(2026, 11, 20))


def test_a_completion_shown_by_a_later_event_is_met_with_nothing_of_lateness_or_of_what_to_record():
    """Strategy discussion Wed 10 Jan 2024: the ICPC is due in 15 working days, Wed 31 Jan (6 weekend days skipped).
    A review conference on Thu 25 Jan shows an ICPC held by then: met, judged on 1 Jan 2025 (c1) or from an extract
    drawn Fri 26 Jan 2024 (c2), with no days late and nothing left to record. A panel requested Mon 1 Jun 2020 and
    its recommendations sent Sat 20 Jun show the panel held by then, within 30 working days (Mon 13 Jul: 2-5 June
    are 4, then five a week to 26 June, 19; 29 and 30 June, 21; 1-3 July, 24; 6-10 July, 29; Mon 13 July, 30): met."""
    records = records_from_text("id,kind,strategy_discussion,rcpc,extract_date\n"
                                "c1,child-protection,2024-01-10,2024-01-25,\n"
                                "c2,child-protection,2024-01-10,2024-01-25,2024-01-26\n", "csv")
    records += records_from_text("id,kind,panel_requested,panel_report_sent\n"
                                 "p1,complaint,2020-06-01,2020-06-20\n", "csv")
    found = {f.record: f for f in evaluate(records, INSPECTION_RULES, date(2025, 1, 1))
             if f.rule in ("icpc-15wd", "complaint-panel")}
    for f in found.values():
        assert f.status == "met" and f.late_by is None
        assert (f.days_late, f.working_days_late, f.hours_late, f.days_left, f.working_days_left) == (None,) * 5
        assert (f.reason, f.needs, f.unrecorded, f.ended_on) == (None, (), (), None)
    assert (found["c1"].deadline, found["c2"].deadline, found["p1"].deadline) == (
        date(2024, 1, 31), date(2024, 1, 31), date(2020, 7, 13))
