"""The vectorised engine gives, field by field, the findings of the per-record engine."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from compliance.engines.batch import evaluate_batch, evaluate_batches
from compliance.records.columns import batch_from_records, batches_from_records, read_batches
from compliance.engines import evaluate
from compliance.records import Record, read_records
from compliance import resources
from compliance.rules import load_rules
from compliance.records.synth import write_extracts

from generated_records import RecordMaker, seeded_records
from generated_rules import mutated_rules

FIELDS = ("record", "rule", "status", "occurrence", "trigger_date", "period", "deadline", "completed_date",
          "days_late", "working_days_late", "days_left", "working_days_left", "hours_late", "provisional",
          "approximate", "on_bound")
#: Compared as whether there are any: the vectorised engine keeps flags, not the sentences.
FLAGS = ("data_quality", "unrecorded")


def native_row(f):
    d = f.to_dict()
    return tuple(d[k] for k in FIELDS) + tuple(bool(d[k]) for k in FLAGS)


def batch_row(row):
    return tuple(row[k] for k in FIELDS) + tuple(bool(row[k]) for k in FLAGS)


def per_record(paths, rules, as_of):
    records, problems = read_records(paths, rules.vocabulary)
    findings = evaluate(records, rules, as_of, explain=False)
    return sorted(native_row(f) for f in findings), problems


def vectorised(paths, rules, as_of):
    problems = []
    rows = [batch_row(row)
            for result in evaluate_batches(read_batches(paths, rules.vocabulary, problems, block_bytes=4096), rules, as_of)
            for row in result.rows()]
    return sorted(rows), problems


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, list[Path]]:
    """Two generated caseloads: one spanning the 2013 change of Working Together, one recent."""
    old = tmp_path_factory.mktemp("old")
    write_extracts(old, 900, seed=3, start=date(2010, 6, 1), end=date(2014, 12, 31))
    new = tmp_path_factory.mktemp("new")
    write_extracts(new, 900, seed=4, start=date(2021, 1, 1), end=date(2025, 3, 31))
    return {"old": sorted(old.glob("*.csv")), "new": sorted(new.glob("*.csv"))}


@pytest.mark.parametrize("caseload, as_of", [("old", date(2012, 11, 15)), ("old", date(2013, 4, 20)),
                                             ("old", date(2014, 12, 31)), ("new", date(2022, 6, 30)),
                                             ("new", date(2025, 3, 31))])
def test_identical_to_the_per_record_engine_on_generated_data(generated, rules, caseload, as_of):
    paths = generated[caseload]
    expected, problems = per_record(paths, rules, as_of)
    actual, batch_problems = vectorised(paths, rules, as_of)
    assert not problems and not batch_problems
    assert len(actual) == len(expected) > 1000
    assert actual == expected
    statuses = {row[2] for row in expected}
    assert {"met", "late", "overdue", "due", "not_applicable"} <= statuses


def test_identical_on_the_awkward_cases(rules):
    """Extensions, an ended recurrence, a missing trigger with its bound, times of day and versions."""
    def rec(i, kind, events, **attributes):
        return Record(f"r{i}", kind, attributes, {k: tuple(v) for k, v in events.items()})

    records = [
        rec(1, "care-proceedings", {"care_application_issued": [date(2025, 4, 1)],
                                    "care_extension": [date(2025, 9, 1), date(2025, 11, 1)]}),
        rec(2, "complaint", {"complaint_received": [date(2022, 9, 9)], "stage1_extended": [date(2022, 9, 20)],
                             "stage1_response": [date(2022, 10, 11)]}),
        rec(3, "child-protection", {"icpc": [date(2023, 8, 31)], "rcpc": [date(2023, 11, 30)],
                                    "cp_plan_end": [date(2024, 7, 1)]}, cp_plan=True),
        rec(4, "child-protection", {"s47_start": [date(2020, 12, 16)], "icpc": [date(2021, 1, 8)]},
            icpc_not_required=False),
        rec(5, "missing-episode", {"returned_from_missing": [datetime(2024, 3, 1, 22, 0)],
                                   "return_interview": [datetime(2024, 3, 4, 22, 30)]}),
        rec(6, "missing-episode", {"returned_from_missing": [datetime(2024, 3, 1, 22, 0)],
                                   "return_interview": [date(2024, 3, 4)]}),
        rec(7, "referral", {"referral": [date(2011, 4, 18)], "initial_assessment_completed": [date(2011, 5, 9)]},
            referral_nfa=False),
        rec(8, "referral", {"referral": [date(2009, 4, 18)]}, referral_nfa=False),
        rec(9, "referral", {"referral": [date(2026, 4, 18)]}, referral_nfa=True),
        rec(10, "looked-after", {"became_looked_after": [date(2024, 11, 4)],
                                 "cla_review": [date(2024, 11, 28), date(2025, 1, 9)],
                                 "ceased_looked_after": [date(2025, 1, 10)]}),
        rec(11, "complaint", {"stage1_response": [date(2022, 9, 1)], "complaint_received": [date(2022, 9, 9)]}),
        # An LSCB that never published (missed when the Boards ended), one not yet due when they did, one unbounded.
        rec(12, "inspection", {"lscb_report_received": [date(2015, 6, 18)]}, framework="SIF", lscb_review=True),
        rec(13, "inspection", {"lscb_report_received": [date(2019, 9, 2)]}, framework="SIF", lscb_review=True),
        rec(14, "inspection", {"report_received": [date(2016, 3, 1)]}, framework="SIF", lscb_review=True),
        # Care, or a plan, that ended before even the earliest day a first visit or review could be due.
        rec(15, "looked-after", {"became_looked_after": [date(2024, 1, 1)], "ceased_looked_after": [date(2024, 1, 5)]}),
        rec(17, "looked-after", {"became_looked_after": [date(2024, 2, 1)], "visit": [date(2024, 2, 5)]}),
        rec(16, "child-protection", {"strategy_discussion": [date(2024, 1, 10)], "cp_plan_end": [date(2024, 3, 1)]},
            cp_plan=True),
        # Completions shown done by the day of an event that implies them: met, on a date not recorded.
        rec(18, "child-protection", {"strategy_discussion": [date(2024, 1, 10)], "rcpc": [date(2024, 1, 25)]}),
        rec(19, "complaint", {"panel_held": [date(2019, 12, 16)], "panel_report_received": [date(2019, 12, 20)]}),
        # ... but not one dated before the trigger: that shows nothing of when, and is flagged.
        rec(20, "child-protection", {"strategy_discussion": [date(2024, 1, 10)], "rcpc": [date(2023, 12, 1)]}),
        # Complaints moved to stage 2, which ends stage 1 (SI 2006/1738 regs 14 and 17). Received Wed 1 Mar 2023, the
        # stage 1 deadline is Wed 15 Mar (2-3, 6-10, 13-15 March): stage 2 began before it (none owed), after it
        # (missed until Mon 3 Apr), shown begun by a response before it or after it, or after a stage 1 response.
        rec(21, "complaint", {"complaint_received": [date(2023, 3, 1)], "stage2_start": [date(2023, 3, 6)],
                              "stage2_response": [date(2023, 6, 5)]}),
        rec(22, "complaint", {"complaint_received": [date(2023, 3, 1)], "stage2_start": [date(2023, 4, 3)]}),
        rec(23, "complaint", {"complaint_received": [date(2023, 3, 1)], "stage2_response": [date(2023, 3, 10)]}),
        rec(24, "complaint", {"complaint_received": [date(2023, 3, 1)], "stage2_response": [date(2023, 6, 5)]}),
        rec(25, "complaint", {"complaint_received": [date(2023, 3, 1)], "stage1_response": [date(2023, 3, 14)],
                              "stage2_start": [date(2023, 3, 20)]}),
        # Closed with no further action: no version of the assessment duty applies. Under the one in force on the
        # referral's date (Working Together 2010 before 15 Apr 2013, 2013 from it); the last without a date.
        rec(26, "referral", {"referral": [date(2012, 5, 1)]}, referral_nfa=True),
        rec(27, "referral", {"referral": [date(2013, 4, 15)]}, referral_nfa=True),
        rec(28, "referral", {"referral_decision": [date(2012, 5, 2)]}, referral_nfa=True),
        # A review, and a visit with no placement date, dated after the child left care: not counted, flagged.
        rec(29, "looked-after", {"became_looked_after": [date(2019, 12, 23)],
                                 "cla_review": [date(2020, 1, 20), date(2020, 4, 22)],
                                 "ceased_looked_after": [date(2020, 4, 1)]}),
        rec(30, "looked-after", {"became_looked_after": [date(2024, 1, 1)],
                                 "visit": [date(2024, 1, 5), date(2024, 3, 20)],
                                 "ceased_looked_after": [date(2024, 3, 1)]}),
    ]
    as_of = date(2025, 12, 31)
    expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
    actual = []
    for kind in sorted({r.kind for r in records}):
        result = evaluate_batch(batch_from_records(kind, [r for r in records if r.kind == kind]), rules, as_of)
        actual += [batch_row(row) for row in result.rows()]
    assert sorted(actual) == expected
    shown = {(row[0], row[1]): row[2] for row in expected}
    assert shown[("r18", "icpc-15wd")] == shown[("r19", "complaint-panel-report")] == "met"
    assert shown[("r20", "icpc-15wd")] == "missing_data"
    assert [shown[(f"r{i}", "complaint-stage1")] for i in range(21, 26)] == [
        "not_applicable", "overdue", "not_applicable", "missing_data", "met"]
    ended = [row for row in expected if row[0] == "r22" and row[1] == "complaint-stage1"]
    assert (ended[0][8], ended[0][9]) == (19, 13)  # 15 Mar to 3 Apr 2023: 19 days, 13 working days, not to 2025
    missed = [row for row in expected if row[0] == "r12" and row[1] == "lscb-publish-report"]
    assert missed[0][2] == "overdue" and missed[0][8] == 1522  # counted to 29 Sep 2019, not to the day judged
    late_by_hours = [row for row in expected if row[0] == "r5" and row[1] == "return-interview-72h"]
    assert late_by_hours[0][12] == 0.5
    assessed = {row[0]: row[1] for row in expected if row[1] in ("initial-assessment-10wd", "assessment-45wd")}
    assert assessed == {"r7": "initial-assessment-10wd", "r8": "assessment-45wd", "r9": "assessment-45wd",
                        "r26": "initial-assessment-10wd", "r27": "assessment-45wd", "r28": "assessment-45wd"}


VISITS_FROM_AN_UNRECORDED_PLACEMENT = """\
pack: visits-bounded
rules:
  - id: visits-bounded
    title: Statutory visits, the placement bounded by the day care began
    kind: statutory
    duty_holder: Responsible authority
    applies_to: looked-after
    trigger: placement_start
    trigger_bounds: {no_earlier_than: became_looked_after}
    completion: visit
    period: 1 week
    recurrence:
      then: [{period: 6 weeks}]
      until: ceased_looked_after
    source: {citation: SI 2010/959 reg 28(2), verification: primary}
"""


def test_an_end_before_even_the_earliest_first_deadline_owes_nothing_in_both_engines(tmp_path):
    # Looked after Mon 1 Jan 2024, so placed no earlier: a first visit due Mon 8 Jan at the earliest. Care that
    # ended Fri 5 Jan owed none; care that ended Fri 12 Jan depends on the placement's date.
    (tmp_path / "visits.yaml").write_text(VISITS_FROM_AN_UNRECORDED_PLACEMENT)
    rules = load_rules([tmp_path / "visits.yaml"])
    records = [Record(rid, "looked-after", {}, {"became_looked_after": (date(2024, 1, 1),),
                                                "ceased_looked_after": (end,), "placement_start": (), "visit": ()})
               for rid, end in (("ended-early", date(2024, 1, 5)), ("ended-later", date(2024, 1, 12)))]
    as_of = date(2024, 6, 1)
    expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
    actual = sorted(batch_row(row) for row in evaluate_batch(batch_from_records("looked-after", records), rules,
                                                              as_of).rows())
    assert actual == expected
    assert [(row[0], row[2]) for row in expected] == [("ended-early", "not_applicable"),
                                                       ("ended-later", "missing_data")]


A_MONTH_BEGINNING_WITH = """\
pack: local-targets
rules:
  - id: first-review-a-month
    title: A council's own target, the first review within a month beginning with the day care began
    kind: local-target
    duty_holder: Responsible authority
    applies_to: looked-after
    trigger: became_looked_after
    completion: cla_review
    period: {amount: 1, unit: months, counting: including}
    source: {citation: the council's own target, verification: unverified}
"""


def test_months_beginning_with_a_first_of_the_month_end_on_its_last_day_in_both_engines(tmp_path):
    # One month beginning with Wed 1 Mar 2023 ends the day before the corresponding date, Fri 31 Mar (the
    # vectorised engine counted on from Tue 28 Feb and ended it Tue 28 Mar, so a review on 31 Mar was late by 3
    # days in kpi and met in check). Beginning with Mon 1 May 2023: Wed 31 May; a review on Thu 1 Jun is late by 1.
    (tmp_path / "local.yaml").write_text(A_MONTH_BEGINNING_WITH)
    rules = load_rules([tmp_path / "local.yaml"])
    records = [Record(rid, "looked-after", {}, {"became_looked_after": (start,), "cla_review": (review,)})
               for rid, start, review in (("march", date(2023, 3, 1), date(2023, 3, 31)),
                                          ("may", date(2023, 5, 1), date(2023, 6, 1)))]
    as_of = date(2023, 12, 31)
    expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
    actual = sorted(batch_row(row) for row in evaluate_batch(batch_from_records("looked-after", records), rules,
                                                              as_of).rows())
    assert actual == expected
    assert [(row[0], row[2], row[6], row[8]) for row in expected] == [("march", "met", "2023-03-31", None),
                                                                       ("may", "late", "2023-05-31", 1)]


def test_a_source_without_the_end_event_leaves_an_open_stage_1_undecided_in_both_engines(tmp_path, rules):
    # Stage 2 ends stage 1 (SI 2006/1738 regs 14 and 17): a tracker with no stage2_start column cannot say whether a
    # complaint with no stage 1 response moved on before its deadline (none owed) or after it (missed until then).
    # Received Wed 1 Mar 2023: due Wed 15 Mar (2-3, 6-10, 13-15 March); answered Tue 14 Mar, met whatever came next.
    path = tmp_path / "complaints.csv"
    path.write_text("id,kind,complaint_received,stage1_response\nopen,complaint,2023-03-01,\n"
                    "answered,complaint,2023-03-01,2023-03-14\n", encoding="utf-8")
    expected, problems = per_record([path], rules, date(2023, 12, 31))
    actual, batch_problems = vectorised([path], rules, date(2023, 12, 31))
    assert actual == expected and not problems and not batch_problems
    stage1 = {row[0]: row[2] for row in expected if row[1] == "complaint-stage1"}
    assert stage1 == {"open": "missing_data", "answered": "met"}


def test_bad_rows_are_left_out_by_both_engines_alike(tmp_path, rules):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "id,kind,team,referral_nfa,referral,referral_decision,assessment_completed\n"
        "a1,referral,North,false,2022-05-20,2022-05-23,2022-07-26\n"
        "a2,referral,North,maybe,2022-05-20,,\n"
        "a3,referral,North,false,2022-02-30,,\n"
        ",referral,North,false,2022-05-20,,\n"
        "a1,referral,South,false,2022-06-01,,\n"
        "a6,referral, South ,no, 2022-06-01 ,2022-06-06;,\n"
        "a7,inspection,North,false,2022-06-01,,\n", encoding="utf-8")
    expected, problems = per_record([path], rules, date(2022, 12, 31))
    actual, batch_problems = vectorised([path], rules, date(2022, 12, 31))
    assert actual == expected
    where = lambda ps: sorted((p.line, p.field) for p in ps)  # noqa: E731
    assert where(batch_problems) == where(problems)
    assert {r[0] for r in actual} == {"a1", "a6"}


@pytest.mark.parametrize("seed, as_of", [(5, date(2009, 6, 30)), (6, date(2016, 2, 29)), (7, date(2026, 11, 20))])
def test_identical_on_records_generated_from_the_rules(rules, seed, as_of):
    """Every kind and case the rules reach: implied facts, extract dates, dates after the as-of date, extensions
    granted late, recurrence steps that depend on an attribute not given, deadlines past the calendar."""
    records = seeded_records(RecordMaker(rules), 1200, seed=seed)
    expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
    actual = sorted(batch_row(row) for batch in batches_from_records(records, chunk=97)
                    for row in evaluate_batch(batch, rules, as_of).rows())
    assert actual == expected
    statuses = {row[2] for row in expected}
    assert set(statuses) == {"met", "late", "due", "overdue", "missing_data", "not_applicable"}
    assert any(r.extract_date for r in records) and any(r.implied for r in records)


def test_a_record_of_far_more_visits_than_the_rest_is_left_to_the_per_record_engine(rules, monkeypatch):
    # The vectorised loop takes a step for each occurrence of the longest record, whatever the others: one record of
    # 20,000 visits took eight times what the 4,800 others of its file took. 300 fortnightly visits from a
    # placement of Mon 6 Jun 2011 (to Mon 5 Dec 2022) among ten records of a few are judged record by record.
    import compliance.engines.batch as batch

    def placed(i, visits):
        start = date(2011, 6, 6)
        return Record(f"c{i}", "looked-after", {"placement_until_18": False},
                      {"became_looked_after": (start,), "placement_start": (start,),
                       "visit": tuple(date.fromordinal(start.toordinal() + 14 * (k + 1)) for k in range(visits))})

    records = [placed(i, 2 + i % 3) for i in range(10)] + [placed(10, 300)]
    handed = []
    evaluate_duty = batch.evaluate_duty
    monkeypatch.setattr(batch, "evaluate_duty", lambda record, *a, **kw: handed.append(record.id)
                        or evaluate_duty(record, *a, **kw))
    as_of = date(2025, 12, 31)
    result = evaluate_batch(batch_from_records("looked-after", records), rules, as_of)
    expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
    assert sorted(batch_row(row) for row in result.rows()) == expected
    assert set(handed) == {"c10"}
    visits = [row for row in expected if row[0] == "c10" and row[1] == "cla-visit"]
    assert len(visits) == 301 and visits[-1][2] == "overdue"  # the 301st due 6 weeks after Mon 5 Dec 2022


def test_the_findings_of_a_record_left_to_the_per_record_engine_are_kept_as_columns(rules):
    # Kept as one part a finding, 22 arrays each, the findings of one record of 20,000 visits took some 6 KB each.
    import tracemalloc

    import compliance.engines.batch as batch

    start = date(2011, 6, 6)
    record = Record("c1", "looked-after", {"placement_until_18": False},
                    {"became_looked_after": (start,), "placement_start": (start,),
                     "visit": tuple(date.fromordinal(start.toordinal() + 14 * (k + 1)) for k in range(2000))})
    versions = [r for r in rules if r.id == "cla-visit"]
    findings = batch.evaluate_duty(record, versions, date(2090, 1, 1), explain=False)
    assert len(findings) == 2001
    out = batch._Out(list(rules), rules.vocabulary, counting=True)
    tracemalloc.start()
    out.add_findings(0, findings)
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert kept < 1_000_000, kept  # 11.6 MB as a part a finding
    assert len(out.parts) == 1 and out.parts[0]["occurrence"].tolist() == list(range(1, 2002))


def test_a_local_target_beginning_with_its_trigger_is_bounded_without_the_trigger_in_both_engines(tmp_path):
    # A council's own target, 20 working days beginning with the day an assessment starts, which cannot start before
    # the referral. R1 (referred Fri 5 Jan 2024) gives no start and nothing done: its earliest deadline counts Fri 5
    # Jan as day 1, Mon 8 to Fri 12 as 2 to 6, the next three weeks as 7 to 21... the 20th is Thu 1 Feb 2024; with
    # no latest bound, missing data on that earliest deadline. kpi took the absent latest bound as the calendar's
    # first day, 1 Jan 1971, counted from the day before it, and stopped: '1970-12-31 is outside the years...'.
    pack = tmp_path / "local.yaml"
    pack.write_text("""pack: local-targets
title: Our own targets
rules:
  - id: assessment-20wd-local
    duty: assessment-local
    title: Complete the assessment within 20 working days, beginning with the day it starts
    kind: local-target
    duty_holder: Local authority children's social care
    applies_to: referral
    trigger: assessment_start
    trigger_bounds: {no_earlier_than: referral}
    completion: assessment_completed
    period: {amount: 20, unit: working_days, counting: including}
    in_force: {from: 2015-01-01}
    source: {citation: Our practice standard 4.2, verification: primary}
""", encoding="utf-8")
    records = tmp_path / "referrals.csv"
    records.write_text("id,kind,referral,assessment_start,assessment_completed\n"
                       "R1,referral,2024-01-05,,\nR2,referral,2024-01-08,2024-01-09,2024-02-01\n", encoding="utf-8")
    rules = load_rules([str(resources.rules_dir()), str(pack)])
    expected, problems = per_record([records], rules, date(2024, 6, 1))
    actual, batch_problems = vectorised([records], rules, date(2024, 6, 1))
    assert not problems and not batch_problems and actual == expected
    local = {row[0]: dict(zip(FIELDS, row)) for row in actual if row[1] == "assessment-20wd-local"}
    assert (local["R1"]["status"], local["R1"]["deadline"], local["R1"]["on_bound"]) == ("missing_data", "2024-02-01", "earliest")
    assert (local["R2"]["status"], local["R2"]["deadline"]) == ("met", "2024-02-05")  # Tue 9 Jan is day 1


@pytest.mark.parametrize("seed", [7, 13, 21])
def test_identical_on_the_bundled_rules_counted_otherwise(tmp_path, seed):
    """The bundled rules with other periods (every unit, beginning with the trigger or not, rolled or not), calendars,
    bounds and recurrence steps, as a council's own targets may count: the two engines agree. (Seed 13 counts 11 months
    beginning with Fri 1 Dec 2006: to Wed 31 Oct 2007, where the vectorised engine ended them on Tue 30 Oct.)"""
    rules = load_rules([mutated_rules(tmp_path / "rules", seed)])
    records = seeded_records(RecordMaker(rules), 300, seed=seed)
    for as_of in (date(2016, 2, 29), date(2025, 3, 31)):
        expected = sorted(native_row(f) for f in evaluate(records, rules, as_of, explain=False))
        actual = sorted(batch_row(row) for batch in batches_from_records(records, chunk=97)
                        for row in evaluate_batch(batch, rules, as_of).rows())
        assert actual == expected
