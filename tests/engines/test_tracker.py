"""Event mode: duties opening, falling overdue and closing as events arrive, on either engine.

Dates are worked by hand from the legal reference (working days on the England and Wales calendar,
the trigger day not counted); the engines are also checked against a full re-evaluation after every event.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings

from compliance import evaluate, load_rules
from compliance.engines import sort_by_urgency
from compliance.errors import InputError
from compliance.records import read_events
from compliance.engines import Tracker

from conftest import ENGINES, FIXTURES, ROOT, needs_durable
from generated_records import RecordMaker, hypothesis_records




INSPECTIONS = load_rules()
SAMPLE = load_rules([FIXTURES / "rules" / "casework-sample.yaml"])
BUNDLED = load_rules([ROOT / "rules", FIXTURES / "rules" / "casework-sample.yaml"])
MAKER = RecordMaker(BUNDLED)


def summary(changes):
    """Each change as (day, change, record, rule, occurrence, outcome, deadline)."""
    return [(c.day.isoformat(), c.change, c.finding.record, c.finding.rule, c.finding.occurrence, c.outcome,
             c.finding.deadline.isoformat()) for c in changes]


def replay(tracker, path, as_of):
    events, problems = read_events(path, tracker.rules.vocabulary)
    assert problems == []
    changes = []
    for e in events:
        changes += tracker.record(e.record, e.event, e.when, kind=e.kind, attributes=e.attributes)
    return changes + tracker.advance(as_of)


@pytest.mark.parametrize("engine", ENGINES)
class TestTheExampleFile:
    def test_day_by_day(self, engine):
        with Tracker(INSPECTIONS, engine) as tracker:
            changes = replay(tracker, ROOT / "examples" / "inspection-events.csv", date(2026, 11, 20))
        heath, fen, vale = "example-heath-2026-ilacs", "example-fen-2026-fv", "example-vale-2026-ilacs"
        assert summary(changes) == [
            # The inspection ended Fri 1 May 2026: the report cannot be received before, so even the earliest
            # possible deadline is to come: due on that bound. 30 working days skipping 4 and 25 May: Tue 16 June;
            # 70: Tue 11 August. (Received Mon 1 June, they become 13 July and 8 September: still due.)
            ("2026-05-01", "opened", heath, "la-publish-report", 1, "due", "2026-06-16"),
            ("2026-05-01", "opened", heath, "la-publish-statement", 1, "due", "2026-08-11"),
            ("2026-05-01", "opened", heath, "la-send-action-plan", 1, "due", "2026-08-11"),
            # Received Mon 1 June: the log says the deadlines it gave at the earliest have moved, to 13 July and 8
            # September (30 working days: 21 left in June, then 1-10 July, Mon 13 July the 30th; 70: 31 August
            # skipped).
            ("2026-06-01", "moved", heath, "la-publish-report", 1, "due", "2026-07-13"),
            ("2026-06-01", "moved", heath, "la-publish-statement", 1, "due", "2026-09-08"),
            ("2026-06-01", "moved", heath, "la-send-action-plan", 1, "due", "2026-09-08"),
            # The focused visit ended Tue 16 June: 30 working days, Tue 28 July (its letter is published under
            # reg 2, arguably); 20, Tue 14 July; 70 (31 August skipped), Wed 23 September.
            ("2026-06-16", "opened", fen, "la-publish-report", 1, "due", "2026-07-28"),
            ("2026-06-16", "opened", fen, "fv-priority-draft-plan", 1, "due", "2026-07-14"),
            ("2026-06-16", "opened", fen, "fv-priority-action-plan", 1, "due", "2026-09-23"),
            # The letter received Thu 9 July: 30 working days end Thu 20 August; 20, Thu 6 August; 70 (31 August
            # skipped: 16 in July, 20 in August, 22 in September, 12 in October), Fri 16 October.
            ("2026-07-09", "moved", fen, "la-publish-report", 1, "due", "2026-08-20"),
            ("2026-07-09", "moved", fen, "fv-priority-draft-plan", 1, "due", "2026-08-06"),
            ("2026-07-09", "moved", fen, "fv-priority-action-plan", 1, "due", "2026-10-16"),
            ("2026-07-10", "closed", heath, "la-publish-report", 1, "met", "2026-07-13"),
            # Published Mon 20 July.
            ("2026-07-20", "closed", fen, "la-publish-report", 1, "met", "2026-08-20"),
            ("2026-08-07", "overdue", fen, "fv-priority-draft-plan", 1, "overdue", "2026-08-06"),
            ("2026-08-10", "closed", fen, "fv-priority-draft-plan", 1, "late", "2026-08-06"),
            ("2026-09-07", "closed", heath, "la-send-action-plan", 1, "met", "2026-09-08"),
            ("2026-09-09", "overdue", heath, "la-publish-statement", 1, "overdue", "2026-09-08"),
            # The inspection ended Fri 18 September: at the earliest Fri 30 October, and (25 and 28 December
            # skipped) Tue 29 December. Received Thu 1 October 2026: 30 working days is Thu 12 November; 70 skips
            # Christmas Day, the Boxing Day substitute (Mon 28 December) and New Year's Day: Tue 12 January 2027.
            ("2026-09-18", "opened", vale, "la-publish-report", 1, "due", "2026-10-30"),
            ("2026-09-18", "opened", vale, "la-publish-statement", 1, "due", "2026-12-29"),
            ("2026-09-18", "opened", vale, "la-send-action-plan", 1, "due", "2026-12-29"),
            ("2026-10-01", "moved", vale, "la-publish-report", 1, "due", "2026-11-12"),
            ("2026-10-01", "moved", vale, "la-publish-statement", 1, "due", "2027-01-12"),
            ("2026-10-01", "moved", vale, "la-send-action-plan", 1, "due", "2027-01-12"),
            ("2026-10-16", "closed", fen, "fv-priority-action-plan", 1, "met", "2026-10-16"),
            ("2026-11-13", "overdue", vale, "la-publish-report", 1, "overdue", "2026-11-12"),
            ("2026-11-16", "closed", vale, "la-publish-report", 1, "late", "2026-11-12"),
        ]
        late = [c.finding for c in changes if c.outcome == "late"]
        # Thu 6 Aug to Mon 10 Aug: 4 days, 2 working days (Fri 7, Mon 10); the same for 12 to 16 November.
        assert [(f.days_late, f.working_days_late) for f in late] == [(4, 2), (4, 2)]

    def test_open_duties_at_the_end(self, engine):
        with Tracker(INSPECTIONS, engine) as tracker:
            replay(tracker, ROOT / "examples" / "inspection-events.csv", date(2026, 11, 20))
            open_now = tracker.open_duties()
        assert [(f.record, f.rule, f.status, f.days_late, f.working_days_late, f.days_left, f.working_days_left)
                for f in open_now] == [
            # 8 September to 20 November: 73 days; working days 16 in September, 22 in October, 15 in November.
            ("example-heath-2026-ilacs", "la-publish-statement", "overdue", 73, 53, None, None),
            # 20 November to 12 January: 53 days; 6 working days in November, 21 in December, 7 in January.
            ("example-vale-2026-ilacs", "la-publish-statement", "due", None, None, 53, 34),
            ("example-vale-2026-ilacs", "la-send-action-plan", "due", None, None, 53, 34),
        ]


@pytest.mark.parametrize("engine", ENGINES)
class TestExtensionsAndRecurrence:
    def test_an_extension_moves_the_deadline_before_it_falls_overdue(self, engine):
        with Tracker(SAMPLE, engine) as tracker:
            opened = tracker.record("c1", "complaint_received", date(2024, 3, 4), kind="complaint")
            # 10 working days from Mon 4 March 2024: Mon 18 March.
            assert summary(opened) == [("2024-03-04", "opened", "c1", "sample-complaint-stage1", 1, "due",
                                        "2024-03-18")]
            extended = tracker.record("c1", "stage1_extended", date(2024, 3, 12))
            # 20 working days instead: Good Friday (29 March) and Easter Monday (1 April 2024) are skipped. The log
            # says so on the day, from the deadline it last gave.
            assert summary(extended) == [("2024-03-12", "extended", "c1", "sample-complaint-stage1", 1, "due",
                                          "2024-04-03")]
            assert (extended[0].event, extended[0].before.deadline, extended[0].before.status) == (
                "stage1_extended", date(2024, 3, 18), "due")
            assert [f.deadline for f in tracker.open_duties()] == [date(2024, 4, 3)]
            assert tracker.advance(date(2024, 3, 25)) == []
            assert summary(tracker.advance(date(2024, 4, 4))) == [
                ("2024-04-04", "overdue", "c1", "sample-complaint-stage1", 1, "overdue", "2024-04-03")]
            closed = tracker.record("c1", "stage1_response", date(2024, 4, 8))
        assert summary(closed) == [("2024-04-08", "closed", "c1", "sample-complaint-stage1", 1, "late", "2024-04-03")]
        assert (closed[0].finding.days_late, closed[0].finding.working_days_late) == (5, 3)

    def test_an_extension_granted_after_the_deadline_makes_an_overdue_duty_due_again(self, engine):
        with Tracker(INSPECTIONS, engine) as tracker:  # every bundled pack: care-proceedings-26wk
            changes = tracker.record("cp", "care_application_issued", date(2025, 4, 1), kind="care-proceedings")
            changes += tracker.advance(date(2025, 10, 9))
            extended = tracker.record("cp", "care_extension", date(2025, 10, 10))
        # s.32(1)(a)(ii): 26 weeks beginning with Tue 1 Apr 2025 end 181 days on, Mon 29 Sep; overdue from Tue 30 Sep.
        assert summary(changes) == [
            ("2025-04-01", "opened", "cp", "care-proceedings-26wk", 1, "due", "2025-09-29"),
            ("2025-09-30", "overdue", "cp", "care-proceedings-26wk", 1, "overdue", "2025-09-29")]
        # s.32(8): the extension granted Fri 10 Oct ends 8 weeks after the later of 29 Sep and 10 Oct: 10 Oct + 56
        # days, Fri 5 Dec 2025. The log shows the move on the day it was granted, from overdue to due.
        assert summary(extended) == [("2025-10-10", "extended", "cp", "care-proceedings-26wk", 1, "due",
                                      "2025-12-05")]
        assert (extended[0].event, extended[0].before.deadline, extended[0].before.status) == (
            "care_extension", date(2025, 9, 29), "overdue")

    def test_an_extension_that_extends_nothing_is_not_logged(self, engine):
        with Tracker(INSPECTIONS, engine) as tracker:  # every bundled pack: complaint-stage1
            tracker.record("c", "complaint_received", date(2022, 9, 9), kind="complaint")
            # SI 2006/1738 reg 14: 10 working days from Fri 9 Sep 2022, the State Funeral (Mon 19 Sep) skipped, end
            # Mon 26 Sep, so overdue from Tue 27 Sep. An extension recorded on Wed 28 Sep, after them, extends
            # nothing: no move to log, only the day it fell overdue, which the tracker passes on its way there.
            assert summary(tracker.record("c", "stage1_extended", date(2022, 9, 28))) == [
                ("2022-09-27", "overdue", "c", "complaint-stage1", 1, "overdue", "2022-09-26")]
            assert [f.deadline for f in tracker.open_duties()] == [date(2022, 9, 26)]

    def test_each_review_opens_the_next_until_the_duty_ends(self, engine):
        with Tracker(SAMPLE, engine) as tracker:
            changes = tracker.record("la1", "became_looked_after", date(2024, 1, 2), kind="looked-after")
            changes += tracker.record("la1", "cla_review", date(2024, 1, 30))
            changes += tracker.record("la1", "ceased_looked_after", date(2024, 3, 15))
            assert tracker.open_duties() == []
        assert summary(changes) == [
            # 20 working days from Tue 2 January 2024 (New Year's Day already past): Tue 30 January.
            ("2024-01-02", "opened", "la1", "sample-cla-review", 1, "due", "2024-01-30"),
            ("2024-01-30", "closed", "la1", "sample-cla-review", 1, "met", "2024-01-30"),
            # Then within 3 months of that review: 30 April 2024.
            ("2024-01-30", "opened", "la1", "sample-cla-review", 2, "due", "2024-04-30"),
            ("2024-03-15", "closed", "la1", "sample-cla-review", 2, "ended", "2024-04-30"),
        ]

    def test_stage_2_closes_stage_1_none_owed_before_its_deadline_missed_after(self, engine):
        with Tracker(INSPECTIONS, engine) as tracker:  # every bundled pack: complaint-stage1
            changes = tracker.record("early", "complaint_received", date(2023, 3, 1), kind="complaint")
            changes += tracker.record("late", "complaint_received", date(2023, 3, 1), kind="complaint")
            changes += tracker.record("early", "stage2_start", date(2023, 3, 6))
            changes += tracker.record("late", "stage2_start", date(2023, 4, 3))
            changes += tracker.advance(date(2023, 12, 31))
            still_open = [(f.record, f.rule) for f in tracker.open_duties()]
        stage1 = [c for c in changes if c.finding.rule == "complaint-stage1" and c.outcome != "not_applicable"]
        # SI 2006/1738 reg 14: received Wed 1 Mar 2023, 10 working days (2-3, 6-10, 13-15 March) end Wed 15 Mar.
        # Stage 2 on Mon 6 Mar ends stage 1 before it fell due: none was owed. Stage 2 on Mon 3 Apr ends it after:
        # missed, 19 days (16 in March, 3 in April) and 13 working days (16-17, 20-24, 27-31 March, 3 April) late,
        # and closed that day rather than open for ever.
        assert summary(stage1) == [
            ("2023-03-01", "opened", "early", "complaint-stage1", 1, "due", "2023-03-15"),
            ("2023-03-01", "opened", "late", "complaint-stage1", 1, "due", "2023-03-15"),
            ("2023-03-16", "overdue", "late", "complaint-stage1", 1, "overdue", "2023-03-15"),
            ("2023-04-03", "closed", "late", "complaint-stage1", 1, "overdue", "2023-03-15"),
        ]
        closed_early = [c for c in changes if c.finding.record == "early" and c.change == "closed"]
        assert [(c.day, c.outcome) for c in closed_early] == [(date(2023, 3, 6), "not_applicable")]
        assert (stage1[-1].finding.ended_on, stage1[-1].finding.days_late, stage1[-1].finding.working_days_late) == (
            date(2023, 4, 3), 19, 13)
        assert ("late", "complaint-stage1") not in still_open

    def test_a_timed_duty_falls_overdue_the_day_after(self, engine):
        with Tracker(SAMPLE, engine) as tracker:
            tracker.record("m1", "returned_from_missing", datetime(2024, 5, 3, 16, 30), kind="missing-episode")
            # 72 hours from Friday 16:30 is Monday 16:30; the duty is overdue from Tuesday.
            assert tracker.advance(date(2024, 5, 6)) == []
            assert summary(tracker.advance(date(2024, 5, 7))) == [
                ("2024-05-07", "overdue", "m1", "sample-return-interview", 1, "overdue", "2024-05-06T16:30:00")]


class TestIncremental:
    def test_an_event_re_evaluates_only_the_duties_that_name_it(self):
        with Tracker(INSPECTIONS) as tracker:
            tracker.record("a", "report_received", date(2026, 10, 1), kind="inspection",
                           attributes={"framework": "ILACS"})
            tracker.record("b", "report_received", date(2026, 10, 1), kind="inspection",
                           attributes={"framework": "JAR"})
            before = tracker.evaluations
            tracker.record("a", "inspection_start", date(2026, 10, 2))
            assert tracker.evaluations == before  # no duty names inspection_start
            tracker.record("a", "report_published", date(2026, 10, 5))
            # la-publish-report and jar-publish-report complete with report_published, and it bounds the receipt for
            # the five duties that follow from the report (statements and plans); record b is untouched.
            assert tracker.evaluations == before + 7

    @pytest.mark.parametrize("engine", ENGINES)
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=hypothesis_records(MAKER, max_size=5))
    def test_same_as_evaluating_everything_after_every_event(self, engine, case):
        records, end = case
        # The tracker's date moves with the events, and no further than the calendars' last day (2100).
        last = date(2100, 12, 31)
        end = min(end, last)
        events = sorted(((when, r.id, r.kind, r.given_attributes, name) for r in records
                         for name, dates in r.events.items() for when in dates
                         if (when.date() if isinstance(when, datetime) else when) <= last),
                        key=lambda e: (e[0].date() if isinstance(e[0], datetime) else e[0],
                                       e[0].hour * 60 + e[0].minute if isinstance(e[0], datetime) else 0))
        with Tracker(BUNDLED, engine) as tracker:
            for when, rid, kind, attributes, name in events:
                tracker.record(rid, name, when, kind=kind, attributes=attributes)
                everything = evaluate(tracker.records(), BUNDLED, tracker.today)
                # Open: due, or overdue and not ended (a duty missed until its end event is over, not open).
                expected = sort_by_urgency(f for f in everything if f.status in ("due", "overdue") and f.ended_on is None)
                assert [f.to_dict() for f in tracker.open_duties()] == [f.to_dict() for f in expected]
            if tracker.today and end > tracker.today:
                tracker.advance(end)
                assert [f.to_dict() for f in tracker.findings()] == [
                    f.to_dict() for f in evaluate(tracker.records(), BUNDLED, end)]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=hypothesis_records(MAKER, max_size=5))
    def test_the_log_last_gives_each_open_duty_its_deadline_and_status_now(self, case):
        """Whatever the order of events and attributes, the last line the log gave an open duty says its deadline
        and status as they are: a deadline given at the earliest and then known, or moved, is said again."""
        records, end = case
        last = date(2100, 12, 31)
        events = sorted(((when, r.id, r.kind, r.given_attributes, name) for r in records
                         for name, dates in r.events.items() for when in dates
                         if (when.date() if isinstance(when, datetime) else when) <= last),
                        key=lambda e: (e[0].date() if isinstance(e[0], datetime) else e[0],
                                       e[0].hour * 60 + e[0].minute if isinstance(e[0], datetime) else 0))
        with Tracker(BUNDLED) as tracker:
            changes = []
            for when, rid, kind, attributes, name in events:
                changes += tracker.record(rid, name, when, kind=kind, attributes=attributes)
            if tracker.today is None:
                return
            changes += tracker.advance(max(min(end, last), tracker.today))
            said = {}
            for c in changes:
                said[(c.finding.record, c.finding.rule, c.finding.occurrence)] = c.finding
            for f in tracker.open_duties():
                logged = said[(f.record, f.rule, f.occurrence)]
                assert (logged.deadline, logged.on_bound, logged.status) == (f.deadline, f.on_bound, f.status), f

    def test_attributes_given_with_an_event_are_logged_with_it(self):
        # The framework given on the row of the report's receipt (Mon 1 June 2026): the deadlines run from that
        # day, 30 working days to Mon 13 July and 70 (31 August skipped) to Tue 8 September, not from the end of
        # the inspection as if the report were still to come.
        with Tracker(INSPECTIONS) as tracker:
            tracker.record("i", "inspection_start", date(2026, 4, 13), kind="inspection")
            tracker.record("i", "inspection_end", date(2026, 5, 1))
            changes = tracker.record("i", "report_received", date(2026, 6, 1), attributes={"framework": "ILACS"})
        assert summary(changes) == [("2026-06-01", "opened", "i", "la-publish-report", 1, "due", "2026-07-13"),
                                    ("2026-06-01", "opened", "i", "la-publish-statement", 1, "due", "2026-09-08"),
                                    ("2026-06-01", "opened", "i", "la-send-action-plan", 1, "due", "2026-09-08")]

    def test_a_conference_held_late_is_logged_late_on_its_day_however_the_plan_is_given(self):
        # Strategy discussion Mon 6 Jan 2020: 15 working days end Mon 27 Jan. The ICPC Mon 20 Apr 2020 is 84 days
        # late; in working days 4 in January, 20 in February, 22 in March, 12 in April (10 and 13 April skipped): 58.
        for plan_with_the_conference in (True, False):
            with Tracker(INSPECTIONS) as tracker:
                plan = {"cp_plan": True}
                tracker.record("cp", "strategy_discussion", date(2020, 1, 6), kind="child-protection",
                               attributes=None if plan_with_the_conference else plan)
                changes = tracker.record("cp", "icpc", date(2020, 4, 20),
                                         attributes=plan if plan_with_the_conference else None)
            closed = [c for c in changes if c.finding.rule == "icpc-15wd" and c.day == date(2020, 4, 20)]
            assert summary(closed) == [("2020-04-20", "closed", "cp", "icpc-15wd", 1, "late", "2020-01-27")]
            assert (closed[0].finding.days_late, closed[0].finding.working_days_late) == (84, 58)
            # And the first review runs from the conference: 3 months, Mon 20 July 2020.
            assert [(c.change, c.finding.deadline) for c in changes if c.finding.rule == "rcpc"][-1] == (
                "opened", date(2020, 7, 20))

    @needs_durable
    def test_both_engines_report_the_same_changes(self):
        reports = {}
        for engine in ("native", "durable"):
            with Tracker(INSPECTIONS, engine) as tracker:
                changes = replay(tracker, ROOT / "examples" / "inspection-events.csv", date(2027, 6, 1))
                reports[engine] = [(c.day, c.change, c.outcome, c.finding.to_dict()) for c in changes]
        assert reports["native"] == reports["durable"]


class TestMistakes:
    def test_events_out_of_date_order(self):
        tracker = Tracker(INSPECTIONS)
        tracker.record("a", "report_received", date(2026, 10, 5), kind="inspection")
        with pytest.raises(InputError, match="report_published on 2026-10-01 is before 2026-10-05"):
            tracker.record("a", "report_published", date(2026, 10, 1))
        with pytest.raises(InputError, match="only moves forward"):
            tracker.advance(date(2026, 10, 4))
        with pytest.raises(InputError, match="2026-10-04 is before 2026-10-05"):
            tracker.open_duties(date(2026, 10, 4))

    def test_a_new_record_needs_its_kind(self):
        with pytest.raises(InputError, match="record 'a' is new: give its kind"):
            Tracker(INSPECTIONS).record("a", "report_received", date(2026, 10, 5))

    def test_unknown_event_with_a_suggestion(self):
        with pytest.raises(InputError) as caught:
            Tracker(INSPECTIONS).record("a", "report_recieved", date(2026, 10, 5), kind="inspection")
        assert str(caught.value) == ("event: unknown event 'report_recieved' for inspection records "
                                     "(did you mean 'report_received'?)")

    def test_an_event_that_happens_once(self):
        tracker = Tracker(INSPECTIONS)
        tracker.record("a", "report_received", date(2026, 10, 5), kind="inspection")
        with pytest.raises(InputError, match="report_received happens once, and record 'a' already has it on "
                                             "2026-10-05"):
            tracker.record("a", "report_received", date(2026, 10, 6))

    def test_one_record_one_kind(self):
        tracker = Tracker(INSPECTIONS)
        tracker.record("a", "report_received", date(2026, 10, 5), kind="inspection")
        with pytest.raises(InputError, match="record 'a' is a inspection record, not complaint"):
            tracker.record("a", "complaint_received", date(2026, 10, 6), kind="complaint")

    def test_a_rejected_event_changes_nothing(self):
        tracker = Tracker(INSPECTIONS)
        tracker.record("a", "report_received", date(2026, 10, 1), kind="inspection", attributes={"framework": "ILACS"})
        with pytest.raises(InputError):
            tracker.record("a", "no_such_event", date(2026, 12, 1))
        assert tracker.today == date(2026, 10, 1)
        assert [f.status for f in tracker.open_duties()] == ["due", "due", "due"]

    def test_unknown_engine(self):
        with pytest.raises(InputError, match="unknown engine 'drools'"):
            Tracker(INSPECTIONS, "drools")
