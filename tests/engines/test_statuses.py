"""Statuses on incomplete and messy records: no duty silently dropped, no false "met", no noise.

Each case is a small record file as a council would keep it, with the outcome worked out by hand (the
working-day counts checked against tests/reference.py's independent day-by-day calendar), run through
every engine: the per-record engine, durable-rules, and the vectorised engine fed both from Record
objects and straight from the CSV file. The engines must agree with the hand count and so with each other.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from compliance import evaluate, load_rules
from compliance.engines.batch import evaluate_batch
from compliance.errors import InputError
from compliance.records import load_mapping, read_mapped, read_records, records_from_text
from compliance.records.columns import batches_from_records, read_batches

from conftest import needs_durable

RULES = load_rules()
ENGINES = ["native", pytest.param("durable", marks=needs_durable), "batch", "columns"]
KEYS = ("record", "rule", "status", "occurrence", "trigger_date", "deadline", "completed_date", "days_late",
        "working_days_late", "days_left", "working_days_left", "hours_late", "on_bound", "data_quality",
        "unrecorded")


def run(engine, text, as_of, tmp_path, extract_date=None):
    """The findings of every engine for the records in CSV ``text``, as comparable dicts keyed by (record, rule);
    ``extract_date``, the day the records' extract was drawn."""
    if engine == "columns":
        path = tmp_path / "records.csv"
        path.write_text(text, encoding="utf-8")
        problems = []
        batches = list(read_batches([path], RULES.vocabulary, problems))
        for batch in batches:
            batch.extract_date = extract_date or batch.extract_date
        rows = [row for batch in batches for row in evaluate_batch(batch, RULES, as_of).rows()]
        assert problems == []
    else:
        records = [r.with_extract_date(extract_date or r.extract_date) for r in records_from_text(text, "csv")]
        if engine == "batch":
            rows = [row for batch in batches_from_records(records) for row in evaluate_batch(batch, RULES, as_of).rows()]
        else:
            rows = [f.to_dict() for f in evaluate(records, RULES, as_of, engine=engine)]
    out = {}
    for row in rows:
        got = {k: row[k] for k in KEYS}
        got["data_quality"] = bool(got["data_quality"])
        got["unrecorded"] = bool(got["unrecorded"])
        out[(row["record"], row["rule"], row["occurrence"])] = got
    return out


def expect(found, record, rule, occurrence=1, **fields):
    got = found[(record, rule, occurrence)]
    assert {k: got[k] for k in fields} == fields, got


@pytest.mark.parametrize("engine", ENGINES)
class TestEveryEngine:
    def test_a_plain_referral_extract_measures_every_assessment_and_nothing_else(self, engine, tmp_path):
        # No referral_nfa column: the vocabulary's default (false) applies, so the assessment is due.
        # r1: referral Fri 20 May 2022, 45 working days (2, 3 Jun skipped) end Tue 26 Jul: done on the day.
        # r2: referral Wed 1 Jun 2022, 45 working days end Fri 5 Aug; nothing by Sat 31 Dec: 148 days,
        #     101 working days late (29 Aug, 19 Sep, 26 and 27 Dec skipped).
        found = run(engine, "id,kind,referral,assessment_completed\n"
                            "r1,referral,2022-05-20,2022-07-26\n"
                            "r2,referral,2022-06-01,\n", date(2022, 12, 31), tmp_path)
        expect(found, "r1", "assessment-45wd", status="met", deadline="2022-07-26", data_quality=False)
        expect(found, "r2", "assessment-45wd", status="overdue", deadline="2022-08-05", days_late=148,
               working_days_late=101)
        # The extract has no decision column: the decision duty is not overdue but not recorded.
        expect(found, "r1", "referral-decision-1wd", status="missing_data", unrecorded=True, deadline="2022-05-23")
        # Working Together 2010's core assessment ended in 2013; a 2022 referral cannot have one.
        expect(found, "r1", "core-assessment-35wd", status="not_applicable")
        expect(found, "r2", "core-assessment-35wd", status="not_applicable")

    def test_a_completion_shown_by_another_fact_counts_where_the_source_has_no_column_for_it(self, engine, tmp_path):
        # A plan is made only at an initial conference: cp_plan yes shows the ICPC held by the day the extract is
        # judged on. Strategy discussion Wed 1 May 2024, 15 working days (6 and 27 May skipped) end Thu 23 May: as
        # of Fri 10 May the conference was held in time, whether or not the extract has an icpc column (it was
        # "not recorded: icpc" without one). As of Mon 10 June, when it was held cannot be told either way.
        for header, row in (("id,kind,strategy_discussion,cp_plan", "cp,child-protection,2024-05-01,true"),
                            ("id,kind,strategy_discussion,icpc,cp_plan", "cp,child-protection,2024-05-01,,true")):
            found = run(engine, f"{header}\n{row}\n", date(2024, 5, 10), tmp_path)
            expect(found, "cp", "icpc-15wd", status="met", deadline="2024-05-23", unrecorded=False)
            found = run(engine, f"{header}\n{row}\n", date(2024, 6, 10), tmp_path)
            expect(found, "cp", "icpc-15wd", status="missing_data", deadline="2024-05-23", unrecorded=False)

    def test_an_attribute_a_rule_needs_and_nobody_gave_is_missing_data_not_not_applicable(self, engine, tmp_path):
        found = run(engine, "id,kind,report_received,report_published\n"
                            "x,inspection,2019-12-12,2020-01-28\n", date(2020, 6, 1), tmp_path)
        for rule in ("la-publish-report", "la-publish-statement", "la-send-action-plan"):
            expect(found, "x", rule, status="missing_data", trigger_date="2019-12-12", deadline=None)
        # Looked-after visits: placement_until_18 decides only the interval after the placement's first year,
        # so the first-year visits are counted without it. Placement Mon 1 Jan 2024: the first visit by Mon 8 Jan
        # (held that day), the next within 6 weeks of it, by Mon 19 Feb; none by Sun 31 Mar: 41 days overdue.
        found = run(engine, "id,kind,became_looked_after,placement_start,visit,ceased_looked_after\n"
                            "c1,looked-after,2024-01-01,2024-01-01,2024-01-08,\n", date(2024, 3, 31), tmp_path)
        expect(found, "c1", "cla-visit", 1, status="met", deadline="2024-01-08")
        expect(found, "c1", "cla-visit", 2, status="overdue", deadline="2024-02-19", days_late=41)

    def test_a_clock_that_never_started_is_not_applicable_and_a_required_one_missing(self, engine, tmp_path):
        # Resolved at stage 1 (received Fri 9 Sep 2022, answered Mon 26 Sep, the state funeral skipped).
        found = run(engine, "id,kind,complaint_received,stage1_response,stage2_start,stage2_response,panel_requested,"
                            "panel_held,panel_report_sent,panel_report_received,la_response\n"
                            "c1,complaint,2022-09-09,2022-09-26,,,,,,,\n"
                            "c2,complaint,,2022-09-26,,,,,,,\n", date(2022, 12, 31), tmp_path)
        expect(found, "c1", "complaint-stage1", status="met", deadline="2022-09-26")
        for rule in ("complaint-stage2", "complaint-panel", "complaint-panel-report", "complaint-la-response"):
            expect(found, "c1", rule, status="not_applicable")
        expect(found, "c2", "complaint-stage1", status="missing_data", unrecorded=False)

    @pytest.mark.parametrize("text, as_of, rule, deadline", [
        # A report "published" before it was received: received Thu 12 Dec 2019, deadline Tue 28 Jan 2020.
        ("id,kind,framework,report_received,report_published\nx,inspection,ILACS,2019-12-12,2019-12-01\n",
         date(2020, 6, 1), "la-publish-report", "2020-01-28"),
        # A conference before the strategy discussion (Wed 16 Dec 2020): 15 working days end Mon 11 Jan 2021.
        ("id,kind,icpc_not_required,cp_plan,strategy_discussion,icpc,rcpc,cp_plan_end\n"
         "x,child-protection,false,false,2020-12-16,2020-12-10,,\n",
         date(2021, 6, 30), "icpc-15wd", "2021-01-11"),
        # An assessment completed before the referral (Fri 20 May 2022): 45 working days end Tue 26 Jul.
        ("id,kind,referral,assessment_completed\nx,referral,2022-05-20,2022-05-10\n",
         date(2022, 12, 31), "assessment-45wd", "2022-07-26"),
        # A return interview in the morning before the child came back (Fri 1 Mar 2024, 22:00): 72 hours end
        # Mon 4 Mar 22:00.
        ("id,kind,returned_from_missing,return_interview\nx,missing-episode,2024-03-01T22:00,2024-03-01T10:00\n",
         date(2024, 3, 31), "return-interview-72h", "2024-03-04T22:00"),
    ], ids=["report", "conference", "assessment", "return-interview"])
    def test_a_completion_before_its_trigger_does_not_count_and_is_missing_data(self, engine, tmp_path, text, as_of,
                                                                               rule, deadline):
        # The record shows the duty done on a date that cannot be right: one of the two dates is wrong, so it is
        # neither met nor overdue (it was overdue, counted to the as-of date, before).
        found = run(engine, text, as_of, tmp_path)
        expect(found, "x", rule, status="missing_data", deadline=deadline, completed_date=None, days_late=None,
               working_days_late=None, data_quality=True)

    def test_a_conference_dated_before_its_strategy_discussion_is_judged_by_what_the_record_shows(self, engine,
                                                                                                 tmp_path):
        # Strategy discussion Wed 10 Jan 2024: 15 working days (11-12, 15-19, 22-26, 29-31 Jan) end Wed 31 Jan.
        # cp1: ICPC typed 9 Jan, the day before, impossible; the review conference Thu 25 Jan shows the ICPC held
        #      by then (cp_plan, so its conference): met, as cp2, which gives no ICPC date at all, flagged to check.
        # cp3: the review conference Mon 5 Feb, after the deadline: held by then says nothing of in time: missing
        #      data, as with no ICPC date.
        # cp4: no review conference, nothing else shows the ICPC held: missing data, correct the dates.
        found = run(engine, "id,kind,strategy_discussion,icpc,rcpc\n"
                            "cp1,child-protection,10/01/2024,09/01/2024,25/01/2024\n"
                            "cp2,child-protection,10/01/2024,,25/01/2024\n"
                            "cp3,child-protection,10/01/2024,09/01/2024,05/02/2024\n"
                            "cp4,child-protection,10/01/2024,09/01/2024,\n", date(2025, 6, 1), tmp_path)
        expect(found, "cp1", "icpc-15wd", status="met", deadline="2024-01-31", completed_date=None, data_quality=True)
        expect(found, "cp2", "icpc-15wd", status="met", deadline="2024-01-31", completed_date=None, data_quality=False)
        for rid in ("cp3", "cp4"):
            expect(found, rid, "icpc-15wd", status="missing_data", deadline="2024-01-31", days_late=None,
                   data_quality=True)
        # Receipt not recorded, between the inspection's end (Sat 5 Oct 2024) and Ofsted's publication (Sun 20 Oct):
        # a report "published" Tue 1 Oct cannot be right either. 30 working days after 20 Oct (21-25, 28 Oct-1 Nov,
        # 4-8, 11-15, 18-22, 25-29 Nov) end Fri 29 Nov at the latest: missing data, not overdue.
        found = run(engine, "id,kind,framework,inspection_end,report_received,ofsted_published,report_published\n"
                            "p1,inspection,ILACS,05/10/2024,,20/10/2024,01/10/2024\n", date(2025, 6, 1), tmp_path)
        expect(found, "p1", "la-publish-report", status="missing_data", deadline="2024-11-29", on_bound="latest",
               days_late=None, data_quality=True)

    def test_the_same_review_entered_twice_counts_once(self, engine, tmp_path):
        # Looked after Mon 23 Dec 2019; reviewed Mon 20 Jan 2020 (entered twice): in time (deadline Thu 23 Jan).
        # The second review was due within 3 months, by Mon 20 Apr; none by Mon 1 Jun: 42 days, 28 working days.
        found = run(engine, "id,kind,became_looked_after,cla_review,ceased_looked_after\n"
                            "x,looked-after,2019-12-23,2020-01-20;2020-01-20,\n", date(2020, 6, 1), tmp_path)
        expect(found, "x", "cla-review", 1, status="met", deadline="2020-01-23", data_quality=True)
        expect(found, "x", "cla-review", 2, status="overdue", deadline="2020-04-20", days_late=42,
               working_days_late=28)
        assert ("x", "cla-review", 3) not in found

    def test_an_extension_after_the_deadline_or_before_the_trigger_extends_nothing(self, engine, tmp_path):
        # Received Fri 9 Sep 2022: 10 working days end Mon 26 Sep. "Extended" on Wed 28 Sep, answered Fri 7 Oct:
        # late by 11 days, 9 working days.
        found = run(engine, "id,kind,complaint_received,stage1_extended,stage1_response\n"
                            "x,complaint,2022-09-09,2022-09-28,2022-10-07\n", date(2022, 12, 31), tmp_path)
        expect(found, "x", "complaint-stage1", status="late", deadline="2022-09-26", days_late=11,
               working_days_late=9, data_quality=True)
        # Issued Tue 1 Apr 2025, 26 weeks beginning with it end Mon 29 Sep; an "extension" dated before the
        # application does not move that. Disposed of Thu 20 Nov: 52 days, 38 working days late.
        found = run(engine, "id,kind,care_application_issued,care_extension,care_proceedings_disposed\n"
                            "x,care-proceedings,2025-04-01,2025-03-20,2025-11-20\n", date(2025, 12, 31), tmp_path)
        expect(found, "x", "care-proceedings-26wk", status="late", deadline="2025-09-29", days_late=52,
               working_days_late=38, data_quality=True)

    def test_an_extract_that_cannot_show_an_extension_decides_only_what_an_extension_could_not_change(
            self, engine, tmp_path):
        # No stage1_extended column. Answered Mon 3 Oct 2022: after the 10 working days (Mon 26 Sep) but before
        # the 20 an extension allows (Mon 10 Oct): cannot be told. Answered Tue 11 Oct: late even if extended.
        found = run(engine, "id,kind,complaint_received,stage1_response\n"
                            "a,complaint,2022-09-09,2022-10-03\n"
                            "b,complaint,2022-09-09,2022-10-11\n", date(2022, 12, 31), tmp_path)
        expect(found, "a", "complaint-stage1", status="missing_data", unrecorded=True)
        expect(found, "b", "complaint-stage1", status="late", on_bound="latest", deadline="2022-10-10", days_late=1,
               working_days_late=1)

    def test_an_event_given_as_unknown_is_not_known_and_a_blank_has_not_happened(self, engine, tmp_path):
        # Published by Ofsted Fri 14 Dec 2018, so received by then: 30 working days end Wed 30 Jan 2019 at the
        # latest. "unknown" publication: nothing can be decided, the latest deadline is still shown. Blank
        # publication: nothing was published, so overdue on the bound.
        found = run(engine, "id,kind,framework,ofsted_published,report_received,report_published\n"
                            "u,inspection,ILACS,2018-12-14,,unknown\n"
                            "b,inspection,ILACS,2018-12-14,,\n"
                            "r,inspection,ILACS,2018-12-14,Unknown,2019-01-10\n", date(2019, 6, 1), tmp_path)
        expect(found, "u", "la-publish-report", status="missing_data", unrecorded=True, deadline="2019-01-30",
               on_bound="latest")
        expect(found, "b", "la-publish-report", status="overdue", unrecorded=False, on_bound="latest")
        # Receipt unknown but publication on Thu 10 Jan 2019, before even the latest deadline: not decidable
        # from above, and nothing bounds receipt from below.
        expect(found, "r", "la-publish-report", status="missing_data", unrecorded=True, deadline="2019-01-30")

    def test_times_are_instants_across_the_clock_changes(self, engine, tmp_path):
        found = run(engine, "id,kind,returned_from_missing,return_interview\n"
                            # Clocks back on Sun 27 Oct 2024: 72 real hours from Fri 22:00 BST end Mon 21:00 GMT.
                            "autumn,missing-episode,2024-10-25T22:00,2024-10-28T21:30\n"
                            # Clocks forward on Sun 31 Mar 2024: from Fri 22:00 GMT they end Mon 23:00 BST.
                            "spring,missing-episode,2024-03-29T22:00,2024-04-01T22:30\n"
                            # 21:00 UTC is 22:00 in June: the deadline is 22:00 on Tue 4 June, London time.
                            "offset,missing-episode,2024-06-01T21:00Z,2024-06-04T21:30\n"
                            "offsets,missing-episode,2024-06-01T22:00+01:00,2024-06-04T21:00Z\n",
                    date(2024, 12, 31), tmp_path)
        expect(found, "autumn", "return-interview-72h", status="late", deadline="2024-10-28T21:00", hours_late=0.5)
        expect(found, "spring", "return-interview-72h", status="met", deadline="2024-04-01T23:00")
        expect(found, "offset", "return-interview-72h", status="met", deadline="2024-06-04T22:00")
        expect(found, "offsets", "return-interview-72h", status="met", deadline="2024-06-04T22:00")

    def test_a_deadline_past_the_calendar_is_one_records_missing_data(self, engine, tmp_path):
        # Looked after from Mon 20 Dec 2100: the 20th working day would fall in 2101, past the calendar's years.
        found = run(engine, "id,kind,became_looked_after,cla_review,ceased_looked_after\n"
                            "late,looked-after,2100-12-20,,\n"
                            "new,looked-after,2019-12-23,2020-01-20,\n", date(2100, 12, 31), tmp_path)
        expect(found, "late", "cla-review", status="missing_data", deadline=None)
        expect(found, "new", "cla-review", 1, status="met", deadline="2020-01-23")

    def test_a_missing_receipt_with_even_the_latest_deadline_passed_is_overdue(self, engine, tmp_path):
        # Published by Ofsted Fri 14 Dec 2018, so received by then: 30 working days end Wed 30 Jan 2019 at
        # the latest; nothing published by Sat 1 Jun 2019: at least 122 days, 83 working days overdue.
        found = run(engine, "id,kind,framework,ofsted_published,report_published\n"
                            "x,inspection,ILACS,2018-12-14,\n", date(2019, 6, 1), tmp_path)
        expect(found, "x", "la-publish-report", status="overdue", on_bound="latest", deadline="2019-01-30",
               days_late=122, working_days_late=83)


def test_why_a_finding_is_missing_data_says_what_to_record():
    records = records_from_text("id,kind,report_received,report_published\nx,inspection,2019-12-12,\n", "csv")
    found = {f.rule: f for f in evaluate(records, RULES, date(2020, 6, 1))}
    f = found["la-publish-report"]
    assert f.needs == ("framework",) and "framework" in f.reason and "None" not in f.reason
    assert "record framework (this rule applies when it is SIF or ILACS or ILACS-focused-visit)" in f.reason
    records = records_from_text("id,kind,referral\nr,referral,2022-05-20\n", "csv")
    decision = next(f for f in evaluate(records, RULES, date(2022, 12, 31)) if f.rule == "referral-decision-1wd")
    assert decision.unrecorded == ("referral_decision",) and "does not record referral_decision" in decision.reason


def test_data_quality_warnings_are_in_the_table_not_only_the_json(run_cli, tmp_path):
    path = tmp_path / "tracker.csv"
    path.write_text("id,kind,framework,report_received,report_published\nx,inspection,ILACS,2019-12-12,2019-12-01\n",
                    encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2020-06-01")
    lines = out.splitlines()
    row = next(line for line in lines if "la-publish-report" in line)
    # A publication dated before receipt cannot be right: missing data (correct the dates), flagged in the table.
    assert code == 0 and row.startswith("MISSING DATA !")
    assert lines[lines.index(row) + 1].startswith("      ! report_published on 2019-12-01 is before report_received")
    assert "! the finding worked around a problem in the record" in out


def test_the_kpi_counts_what_the_extract_cannot_answer_apart(run_cli, tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral,assessment_completed\nr1,referral,2022-05-20,2022-07-26\n"
                    "r2,referral,2022-06-01,\n", encoding="utf-8")
    code, out, err = run_cli("kpi", str(path), "--as-of", "2022-12-31", "--format", "json")
    assert code == 0, err
    rows = {r["rule"]: r for r in json.loads(out)["rows"]}
    assert (rows["assessment-45wd"]["decided"], rows["assessment-45wd"]["in_time_percent"]) == (2, 50.0)
    assert "core-assessment-35wd" not in rows
    decision = rows["referral-decision-1wd"]
    assert (decision["decided"], decision["overdue"], decision["not_recorded"]) == (0, 0, 2)


def test_a_blank_annex_a_cell_takes_the_vocabularys_default(tmp_path):
    # List 5: the "ICPC deemed unnecessary?" cell left blank. The default (false) applies: the conference
    # was due 15 working days after Wed 1 Jun 2022 (2 and 3 Jun skipped), on Fri 24 Jun; held Mon 20 Jun.
    path = tmp_path / "list5.csv"
    path.write_text("Child Unique ID,Gender,Date of Birth,Strategy discussion initiating Section 47 Enquiry Start Date,"
                    "Was an Initial Child Protection Conference deemed unnecessary?,"
                    "Date of Initial Child Protection Conference,"
                    "Did the Initial Child Protection Conference Result in a Child Protection Plan,Allocated Team\n"
                    "NB2001,a) Male,03/02/2015,01/06/2022,,20/06/2022,b) No,CP East\n", encoding="utf-8")
    mapping = load_mapping("annex-a-list5", RULES.vocabulary)
    [(record, problems)] = list(read_mapped([path], mapping, RULES.vocabulary))
    assert problems == [] and record.attributes["icpc_not_required"] is False
    icpc = next(f for f in evaluate([record], RULES, date(2022, 12, 31)) if f.rule == "icpc-15wd")
    assert (icpc.status, icpc.deadline) == ("met", date(2022, 6, 24))


def test_the_covid_modification_is_flagged_when_the_period_runs_into_it():
    # Received Wed 1 Apr 2020, before the window (24 Apr to 25 Sep 2020), due Mon 18 May 2020, inside it.
    records = records_from_text("id,kind,framework,report_received\nx,inspection,ILACS,2020-04-01\n", "csv")
    found = {f.rule: f for f in evaluate(records, RULES, date(2020, 12, 31))}
    assert found["la-publish-report"].deadline == date(2020, 5, 18)
    assert any("SI 2020/445" in w for w in found["la-publish-report"].warnings)
    assert any("SI 2020/445" in w for w in found["la-send-action-plan"].warnings)
    later = records_from_text("id,kind,framework,report_received\nx,inspection,ILACS,2020-10-01\n", "csv")
    assert not any(f.warnings for f in evaluate(later, RULES, date(2021, 6, 30)) if f.rule == "la-publish-report")


class TestSkippedMeansSkipped:
    def test_a_misspelt_event_column_stops_the_file_and_nothing_is_evaluated(self, run_cli, tmp_path):
        path = tmp_path / "tracker.csv"
        path.write_text("id,kind,framework,report_received,action_plan_snet\nx,inspection,ILACS,2026-10-01,\n",
                        encoding="utf-8")
        code, out, err = run_cli("check", str(path), "--as-of", "2026-11-20")
        assert code == 2 and "x " not in out and "la-send-action-plan" not in out
        assert "unknown column 'action_plan_snet': no row of this file was checked" in err
        assert "did you mean the event 'action_plan_sent'?" in err

    def test_yaml_attributes_may_be_flat_and_an_event_in_the_wrong_place_is_named(self):
        records = records_from_text("records:\n  - {id: a, kind: inspection, framework: ILACS, "
                                    "events: {report_received: 2019-12-12}}\n")
        assert records[0].attributes["framework"] == "ILACS"
        with pytest.raises(InputError) as exc:
            records_from_text("records:\n  - {id: a, kind: inspection, framework: ILACS, report_received: 2019-12-12}\n")
        assert "report_received is an event: put it under events:" in str(exc.value)
        with pytest.raises(InputError) as exc:
            records_from_text("records:\n  - {id: a, kind: inspection, framwork: ILACS}\n")
        assert "unknown field 'framwork'" in str(exc.value) and "did you mean 'framework'?" in str(exc.value)

    def test_a_record_with_a_problem_is_not_evaluated_at_all(self, tmp_path):
        path = tmp_path / "records.yaml"
        path.write_text("records:\n"
                        "  - {id: a, kind: inspection, attributes: {framework: ILACS}, notes: fine,\n"
                        "     events: {report_received: 2019-12-12}, framwork: x}\n"
                        "  - {id: b, kind: inspection, attributes: {framework: ILACS}, events: {report_received: 2019-12-12}}\n",
                        encoding="utf-8")
        records, problems = read_records([path], RULES.vocabulary)
        assert [r.id for r in records] == ["b"] and len(problems) == 1 and problems[0].line == 3


class TestRecordFromTheLibrary:
    def test_defaults_apply_and_bad_arguments_fail_at_once_with_the_readers_messages(self):
        from compliance import Record

        record = Record("r1", "referral", {}, {"referral": "2022-05-20"})
        assert record.attributes == {"referral_nfa": False}
        assert record.events == {"referral": (date(2022, 5, 20),)}  # a bare date is one date
        with pytest.raises(InputError, match="unknown record kind 'inspecton'.*did you mean 'inspection'"):
            Record("x", "inspecton")
        with pytest.raises(InputError, match="'ilacs' is not a known framework.*did you mean 'ILACS'"):
            Record("x", "inspection", {"framework": "ilacs"})
        with pytest.raises(InputError, match="'2019-13-01' is not a date"):
            Record("x", "inspection", {}, {"report_received": "2019-13-01"})
        with pytest.raises(InputError, match="report_received happens once, but 2 dates are given"):
            Record("x", "inspection", {}, {"report_received": ["2019-12-01", "2019-12-02"]})


class TestUnknown:
    """``unknown`` says the source does not know whether or when an event happened; a blank says it has not."""

    def test_yaml_records_may_say_unknown_and_the_finding_names_what_to_record(self):
        records, problems = read_records_text("""
records:
  - id: harrow-2017-sif
    kind: inspection
    framework: SIF
    events: {ofsted_published: 2017-03-31, report_received: unknown, report_published: unknown}
""")
        assert problems == []
        f = next(f for f in evaluate(records, RULES, date(2026, 11, 20)) if f.rule == "la-publish-report")
        # Ofsted published Fri 31 Mar 2017: 30 working days (Good Friday 14 Apr, Easter Monday 17 Apr and the
        # early May bank holiday 1 May skipped) end Wed 17 May 2017 at the latest.
        assert (f.status, f.deadline, f.on_bound) == ("missing_data", date(2017, 5, 17), "latest")
        assert f.needs == ("report_received", "report_published")
        assert f.unrecorded == ("report_received", "report_published")

    def test_record_built_in_python_may_say_unknown(self):
        from compliance import Record
        r = Record("x", "referral", events={"referral": "2022-05-20", "referral_decision": "unknown"})
        assert not r.records("referral_decision") and r.records("assessment_completed")
        decision = next(f for f in evaluate([r], RULES, date(2022, 12, 31)) if f.rule == "referral-decision-1wd")
        assert decision.status == "missing_data" and decision.unrecorded == ("referral_decision",)

    def test_unknown_beside_dates_is_a_located_problem_in_both_csv_readers(self, tmp_path):
        path = tmp_path / "reviews.csv"
        path.write_text("id,kind,became_looked_after,cla_review\n"
                        "x,looked-after,2019-12-23,2020-01-20;unknown\n"
                        "y,looked-after,2019-12-23,2020-01-20\n", encoding="utf-8")
        records, problems = read_records([path])
        assert [r.id for r in records] == ["y"]
        assert [(p.line, p.column, p.field) for p in problems] == [(2, 4, "cla_review")]
        assert "also says unknown" in problems[0].message
        problems = []
        ids = [i for batch in read_batches([path], RULES.vocabulary, problems) for i in batch.ids.to_pylist()]
        assert ids == ["y"] and [(p.line, p.field) for p in problems] == [(2, "cla_review")]


def read_records_text(text):
    from compliance.records import records_from_text
    try:
        return records_from_text(text, "yaml"), []
    except InputError as exc:
        return [], list(exc.problems)


# -- round two: the law's remaining edges, facts the records imply, dates the data cannot hold ------------------

@pytest.mark.parametrize("engine", ENGINES)
class TestTheLawsEdges:
    def test_a_care_extension_granted_after_the_period_ran_out_extends_from_the_grant_day(self, engine, tmp_path):
        # Issued Tue 1 Apr 2025: 26 weeks beginning with that day end Mon 29 Sep (1 Apr + 181 days).
        # p1: extended Fri 10 Oct, after the 26 weeks: 8 weeks after the later of 29 Sep and 10 Oct, so
        #     10 Oct + 56 days = Fri 5 Dec; disposed of Thu 4 Dec: met.
        # p2: extended Mon 15 Sep (before 29 Sep): 29 Sep + 56 = Mon 24 Nov; again Mon 1 Dec, after 24 Nov had
        #     passed: 1 Dec + 56 = Mon 26 Jan 2026; disposed of Tue 20 Jan 2026: met, where counting nothing for
        #     the late extension would have made it late.
        # p3: extended Fri 10 Oct, not disposed of by Tue 31 Mar 2026: 26 days of December, 31, 28 and 31 of
        #     January to March, 116 days overdue.
        found = run(engine, "id,kind,care_application_issued,care_extension,care_proceedings_disposed\n"
                            "p1,care-proceedings,2025-04-01,2025-10-10,2025-12-04\n"
                            "p2,care-proceedings,2025-04-01,2025-09-15;2025-12-01,2026-01-20\n"
                            "p3,care-proceedings,2025-04-01,2025-10-10,\n", date(2026, 3, 31), tmp_path)
        expect(found, "p1", "care-proceedings-26wk", status="met", deadline="2025-12-05", data_quality=False)
        expect(found, "p2", "care-proceedings-26wk", status="met", deadline="2026-01-26", data_quality=False)
        expect(found, "p3", "care-proceedings-26wk", status="overdue", deadline="2025-12-05", days_late=116)
        # An extension dated after the proceedings were disposed of extends nothing: disposed of Fri 10 Oct, 11
        # days after 29 Sep, "extended" Fri 17 Oct: late by 11 days, flagged.
        found = run(engine, "id,kind,care_application_issued,care_extension,care_proceedings_disposed\n"
                            "p4,care-proceedings,2025-04-01,2025-10-17,2025-10-10\n", date(2026, 3, 31), tmp_path)
        expect(found, "p4", "care-proceedings-26wk", status="late", deadline="2025-09-29", days_late=11,
               data_quality=True)

    def test_an_lscb_review_report_is_asked_only_of_a_single_inspection(self, engine, tmp_path):
        # Only a SIF inspection (Nov 2013 until LSCBs ended) was combined with a review of the LSCB: a JTAI, an
        # ILACS inspection or a focused visit is not applicable whatever its lscb_review, never missing data.
        found = run(engine, "id,kind,framework,report_received\n"
                            "j,inspection,JTAI,2016-12-01\n"
                            "i,inspection,ILACS,2024-03-01\n"
                            "f,inspection,ILACS-focused-visit,2024-03-01\n"
                            "s,inspection,SIF,2016-12-01\n", date(2024, 6, 1), tmp_path)
        for rid in ("j", "i", "f"):
            expect(found, rid, "lscb-publish-report", status="not_applicable", data_quality=False)
        # A SIF record that does not say whether the LSCB was reviewed: that, and only that, is asked.
        expect(found, "s", "lscb-publish-report", status="missing_data")

    def test_a_focused_visit_letter_is_published_within_30_working_days(self, engine, tmp_path):
        # Received Thu 1 Nov 2018: 2 Nov (1), 5-30 Nov (21), 3-7 Dec (26), 10-13 Dec (30): Thu 13 Dec.
        # Published Fri 14 Dec: 1 working day (1 day) late.
        found = run(engine, "id,kind,framework,report_received,report_published\n"
                            "f,inspection,ILACS-focused-visit,2018-11-01,2018-12-14\n", date(2019, 6, 1), tmp_path)
        expect(found, "f", "la-publish-report", status="late", deadline="2018-12-13", working_days_late=1,
               days_late=1)
        expect(found, "f", "la-publish-statement", status="not_applicable")

    def test_the_first_years_visits_need_no_placement_until_18_and_the_rest_are_bounded(self, engine, tmp_path):
        # Placement Mon 2 Jan 2023; visits every 6 weeks from Mon 9 Jan 2023 to Mon 22 Jan 2024 (the tenth).
        # The 11th follows a visit after the first year (2 Jan 2023 + 12 months = 2 Jan 2024): 6 weeks
        # (Mon 4 Mar 2024) or, meant to last until 18, 3 months (Mon 22 Apr 2024). Not given, so:
        visits = "2023-01-09;2023-02-20;2023-04-03;2023-05-15;2023-06-26;2023-08-07;2023-09-18;2023-10-30;" \
                 "2023-12-11;2024-01-22"
        text = f"id,kind,placement_start,visit,ceased_looked_after\nv,looked-after,2023-01-02,{visits},\n"
        # Fri 1 Mar: even the earliest deadline is to come: due, 3 days left on that bound.
        found = run(engine, text, date(2024, 3, 1), tmp_path)
        expect(found, "v", "cla-visit", 10, status="met", deadline="2024-01-22")
        expect(found, "v", "cla-visit", 11, status="due", deadline="2024-03-04", on_bound="earliest", days_left=3)
        # Fri 15 Mar: between the two, so it depends on placement_until_18: missing data, the latest shown.
        found = run(engine, text, date(2024, 3, 15), tmp_path)
        expect(found, "v", "cla-visit", 11, status="missing_data", deadline="2024-04-22", on_bound="latest")
        # Wed 1 May: even the latest (22 Apr) has passed with no visit: 9 days overdue, on that bound.
        found = run(engine, text, date(2024, 5, 1), tmp_path)
        expect(found, "v", "cla-visit", 11, status="overdue", deadline="2024-04-22", on_bound="latest", days_late=9)
        # Given: meant to last until 18, three months, due by Mon 22 Apr; not, six weeks, overdue since 4 Mar.
        found = run(engine, text.replace("placement_start,", "placement_until_18,placement_start,")
                    .replace("looked-after,", "looked-after,true,"), date(2024, 3, 15), tmp_path)
        expect(found, "v", "cla-visit", 11, status="due", deadline="2024-04-22", on_bound=None)

    def test_a_looked_after_child_with_no_placement_date_is_missing_data_naming_it(self, engine, tmp_path):
        # Looked after from Mon 1 Jan 2024, so placed no earlier: the first visit falls due Mon 8 Jan at the
        # earliest. On Fri 1 Mar that has passed and the placement could be any day since: missing data.
        found = run(engine, "id,kind,became_looked_after,placement_start,visit\n"
                            "c,looked-after,2024-01-01,,\n", date(2024, 3, 1), tmp_path)
        expect(found, "c", "cla-visit", status="missing_data", deadline="2024-01-08", on_bound="earliest",
               unrecorded=False)


@pytest.mark.parametrize("engine", ENGINES)
class TestImpliedFacts:
    def test_review_conferences_imply_a_plan(self, engine, tmp_path):
        # No cp_plan column. Initial conference Thu 31 Aug 2023: the first review within 3 months, by Thu 30 Nov
        # (held that day); the next within 6 months of it, by Thu 30 May 2024; none by Mon 1 Jul, when the plan
        # ended: missed, 32 days overdue when it ended.
        found = run(engine, "id,kind,icpc,rcpc,cp_plan_end\nc,child-protection,2023-08-31,2023-11-30,2024-07-01\n",
                    date(2024, 12, 31), tmp_path)
        expect(found, "c", "rcpc", 1, status="met", deadline="2023-11-30")
        expect(found, "c", "rcpc", 2, status="overdue", deadline="2024-05-30", days_late=32)

    def test_no_conference_needed_implies_no_plan_and_a_contradiction_is_flagged(self, engine, tmp_path):
        found = run(engine, "id,kind,icpc_not_required,cp_plan,strategy_discussion,icpc,rcpc\n"
                            "n,child-protection,true,,2020-12-16,,\n"
                            "x,child-protection,,false,2023-08-20,2023-08-31,2023-11-30\n", date(2024, 6, 1), tmp_path)
        expect(found, "n", "rcpc", status="not_applicable", data_quality=False)
        # The record says no plan but has a review conference: kept as given (not applicable), and flagged.
        expect(found, "x", "rcpc", status="not_applicable", data_quality=True)

    def test_a_stage_2_response_means_stage_2_ran(self, engine, tmp_path):
        # Received Thu 20 Apr 2023, so stage 2 started no earlier: 25 working days skipping 1, 8 and 29 May end
        # Tue 30 May at the earliest. Answered Thu 25 May: met whatever the start date, on that bound.
        # Answered Fri 30 Jun: after the earliest deadline, before a latest there is none of: missing data.
        found = run(engine, "id,kind,complaint_received,stage1_response,stage2_start,stage2_response,panel_requested\n"
                            "a,complaint,2023-04-20,2023-04-25,,2023-05-25,\n"
                            "b,complaint,2023-04-20,2023-04-25,,2023-06-30,\n", date(2023, 12, 31), tmp_path)
        expect(found, "a", "complaint-stage2", status="met", deadline="2023-05-30", on_bound="earliest")
        expect(found, "b", "complaint-stage2", status="missing_data", deadline="2023-05-30")
        # The panel was never asked for: still not applicable, the clock never started.
        expect(found, "a", "complaint-panel", status="not_applicable")


@pytest.mark.parametrize("engine", ENGINES)
class TestDatesTheDataCannotHold:
    def test_even_the_earliest_deadline_to_come_is_due_not_missing_data(self, engine, tmp_path):
        # The inspection ended Fri 2 Oct 2026, so the report came no earlier: 30 working days end Fri 13 Nov at
        # the earliest. Tue 20 Oct: 21-23, 26-30 Oct, 2-6 and 9-13 Nov are 18 working days (24 days) left.
        found = run(engine, "id,kind,framework,inspection_end,report_received,report_published\n"
                            "x,inspection,ILACS,2026-10-02,,\n", date(2026, 10, 20), tmp_path)
        expect(found, "x", "la-publish-report", status="due", deadline="2026-11-13", on_bound="earliest",
               working_days_left=18, days_left=24)

    def test_a_completion_dated_after_the_as_of_date_is_flagged_and_not_counted(self, engine, tmp_path):
        # Received Thu 1 Nov 2018: 30 working days end Thu 13 Dec 2018. "Published 14/12/2108", a typo for 2018:
        # as of Sat 1 Jun 2019 nothing is published: 14 Dec to 31 Dec 2018 (10 working days: 25, 26 Dec out),
        # January 22, February 20, March 21, April 20 (Good Friday, Easter Monday out), May 21 (6, 27 May
        # out): 114 working days, 170 days overdue, flagged.
        found = run(engine, "id,kind,framework,report_received,report_published\n"
                            "x,inspection,ILACS,2018-11-01,14/12/2108\n", date(2019, 6, 1), tmp_path)
        expect(found, "x", "la-publish-report", status="overdue", deadline="2018-12-13", working_days_late=114,
               days_late=170, data_quality=True, completed_date=None)

    def test_a_completion_implied_only_by_a_later_date_is_not_met_by_the_day_judged(self, engine, tmp_path):
        # Strategy discussion Wed 1 May 2024: 15 working days (6 May out) end Thu 23 May. A review conference shows a
        # plan, so an initial conference held, on a date not given: no later than the review. As of Fri 10 May,
        # before the deadline, it was "met", said to be "no later than" that day; typed 2042 (or after the day the
        # extract was drawn), the review shows no such thing, so whether it was held by then cannot be told.
        text = ("id,kind,icpc_not_required,strategy_discussion,icpc,rcpc,extract_date\n"
                "typo,child-protection,no,2024-05-01,,2042-08-01,\n"
                "drawn,child-protection,no,2024-05-01,,2024-09-01,2024-05-10\n"
                "held,child-protection,no,2024-05-01,,2024-05-09,\n")
        found = run(engine, text, date(2024, 5, 10), tmp_path)
        for record in ("typo", "drawn"):
            expect(found, record, "icpc-15wd", status="missing_data", deadline="2024-05-23")
        # A review of Thu 9 May shows the conference held by then: met, on the day judged at the latest.
        expect(found, "held", "icpc-15wd", status="met", deadline="2024-05-23", data_quality=False)
        # After the deadline, the review typed 2042 still says one was held, on a date not given: missing data,
        # as before, never overdue (it may have been held on time); flagged, as it rests on a date yet to come.
        found = run(engine, text, date(2024, 6, 15), tmp_path)
        expect(found, "typo", "icpc-15wd", status="missing_data", deadline="2024-05-23", data_quality=True)
        expect(found, "held", "icpc-15wd", status="met", data_quality=False)

    def test_an_event_typed_ahead_that_earlier_dates_show_already_happened_reads_as_left_blank(self, engine, tmp_path):
        # Strategy discussion Tue 2 May 2023: 15 working days (8 May, the Coronation, out) end Wed 24 May. A plan and
        # a review conference of Thu 17 Aug 2023 show the initial conference held by then, so "19/05/2033" is a
        # typo: read as not yet held it made the conference 153 working days overdue and its reviews not begun.
        # Read as the blank row does: held on a date not given (missing data, the deadline passed), the first review
        # 3 months after it, the second 6 months after the first, Sat 17 Feb 2024; flagged to check.
        text = ("id,kind,strategy_discussion,icpc,cp_plan,rcpc\n"
                "typo,child-protection,2023-05-02,2033-05-19,true,2023-08-17\n"
                "blank,child-protection,2023-05-02,,true,2023-08-17\n")
        found = run(engine, text, date(2024, 1, 1), tmp_path)
        for record, flagged in (("typo", True), ("blank", False)):
            expect(found, record, "icpc-15wd", status="missing_data", deadline="2023-05-24", data_quality=flagged)
            expect(found, record, "rcpc", occurrence=2, status="missing_data", deadline="2024-02-17")

    def test_an_attribute_given_is_no_evidence_of_what_happened_by_a_day_judged_in_the_past(self, engine, tmp_path):
        # Strategy discussion Tue 3 Jan 2023: 15 working days end Tue 24 Jan. A plan the record gives (as of the day
        # it was drawn) does not show the conference of Fri 20 Jan held by Tue 10 Jan: still due then, not met.
        text = ("id,kind,strategy_discussion,icpc,cp_plan\n"
                "plan,child-protection,2023-01-03,2023-01-20,true\n")
        found = run(engine, text, date(2023, 1, 10), tmp_path)
        expect(found, "plan", "icpc-15wd", status="due", deadline="2023-01-24", working_days_left=10)

    def test_a_date_before_the_calendars_years_is_flagged(self, engine, tmp_path):
        # Excel's day 0 (1900) and 1024 for 2024: outside every duty's years, so not applicable, as before, but now
        # said at the finding (a table lists it, where an unflagged not-applicable finding is left out).
        text = ("id,kind,framework,report_received\n"
                "zero,inspection,ILACS,01/01/1900\n"
                "typo,inspection,ILACS,03/12/1024\n"
                "real,inspection,ILACS,03/12/2024\n")
        found = run(engine, text, date(2026, 11, 20), tmp_path)
        for record in ("zero", "typo"):
            expect(found, record, "la-publish-report", status="not_applicable", data_quality=True)
            expect(found, record, "jar-publish-report", status="not_applicable", data_quality=False)  # not a JAR
        expect(found, "real", "la-publish-report", status="missing_data", data_quality=False)  # no publication column

    def test_a_trigger_dated_after_the_as_of_date_is_flagged(self, engine, tmp_path):
        found = run(engine, "id,kind,referral\nr,referral,9999-12-31\n", date(2026, 1, 1), tmp_path)
        for rule in ("referral-decision-1wd", "assessment-45wd"):
            expect(found, "r", rule, status="not_applicable", data_quality=True)

    def test_an_extract_ends_at_the_day_it_was_drawn(self, engine, tmp_path):
        # Referrals of Fri 20 May 2022: 45 working days (2, 3 Jun out) end Tue 26 Jul 2022. Checked in 2026.
        text = ("id,kind,referral,referral_decision,assessment_completed\n"
                "a,referral,2022-05-20,2022-05-23,\n"
                "b,referral,2022-05-20,2022-05-23,2022-08-10\n"
                "c,referral,2022-09-01,2022-09-02,\n")
        # Drawn Fri 1 Jul 2022, before the deadline: whether it was done in time is not in this extract.
        found = run(engine, text, date(2026, 1, 1), tmp_path, extract_date=date(2022, 7, 1))
        expect(found, "a", "assessment-45wd", status="missing_data", deadline="2022-07-26", unrecorded=True,
               data_quality=False)
        # Drawn on the deadline's day itself: it could still be done that day, after the extract was drawn.
        found = run(engine, text, date(2026, 1, 1), tmp_path, extract_date=date(2022, 7, 26))
        expect(found, "a", "assessment-45wd", status="missing_data", deadline="2022-07-26", unrecorded=True)
        reason = found[("a", "assessment-45wd", 1)].get("reason")
        assert reason is None or "drawn on 2022-07-26, on the day of the deadline 2022-07-26" in reason
        # Drawn Mon 1 Aug 2022, after it: overdue as of that day, 27 Jul to 1 Aug being 4 working days (6 days).
        found = run(engine, text, date(2026, 1, 1), tmp_path, extract_date=date(2022, 8, 1))
        expect(found, "a", "assessment-45wd", status="overdue", deadline="2022-07-26", working_days_late=4,
               days_late=6)
        # An extract drawn 1 Aug cannot hold a completion of 10 Aug, nor a referral of 1 Sep: both flagged.
        expect(found, "b", "assessment-45wd", status="overdue", working_days_late=4, data_quality=True)
        expect(found, "c", "assessment-45wd", status="not_applicable", data_quality=True)


STRADDLE_REFERRALS = (
    "id,kind,referral_nfa,referral,assessment_start,initial_assessment_completed,assessment_completed\n"
    # Working Together 2010 (initial assessment in 10 working days) gave way to the 2013 single assessment (45) on
    # Mon 15 Apr 2013. The assessment started Tue 16 Apr 2013, so the referral was no later, and no earlier day is
    # recorded. 45 working days after Mon 15 Apr 2013 (6 May and 27 May skipped) end Wed 19 Jun 2013; 16 Apr is well
    # within them, so the referral could have been before 15 Apr. Referred Thu 11 Apr, 10 working days (12, 15-19,
    # 22-25 Apr) end Thu 25 Apr: the initial assessment that day was met; referred 15 Apr, the single assessment,
    # never completed, is overdue. Which, the referral date decides.
    "a,referral,no,unknown,16/04/2013,25/04/2013,\n"
    # The same, the referral column given but blank for this record (not recorded, not "unknown").
    "b,referral,no,,16/04/2013,25/04/2013,\n"
    # Started Mon 2 Sep 2013, long after 19 Jun: the referral is taken to be on or after 15 Apr 2013 (said as an
    # assumption). 45 working days after 2 Sep end Mon 4 Nov 2013 (Sep 3-6: 4, 9-27: 19, 30: 20, Oct 1-31: 43,
    # Nov 1: 44, Nov 4: 45). Nothing by Wed 1 Jan 2014: 26 + 31 + 1 = 58 days; working days Nov 5-29: 19,
    # Dec 2-24: 36, 27: 37, 30-31: 39 (25, 26 Dec and 1 Jan skipped): overdue by at least 39 working days.
    "c,referral,no,unknown,02/09/2013,,\n")
STRADDLE_JAR = (
    "id,kind,framework,statement_required,inspection_end,report_received,ofsted_published,report_published,"
    "statement_published\n"
    # SI 2005/1973 (publish the report in 30 working days) is in force to Sun 8 Nov 2015, SI 2015/1792 (a written
    # statement in 70) from Mon 9 Nov. Received between the inspection's end, Sun 1 Nov, and Ofsted's publication,
    # Fri 20 Nov: 1-8 Nov the first applies and not the second, 9-20 Nov the reverse.
    "j1,inspection,JAR,yes,01/11/2015,unknown,20/11/2015,,\n"
    # Only Ofsted's publication, Fri 20 Nov 2015: received on or before it. The 2005 duty applied only if received
    # by 8 Nov; the 2015 one came in on 9 Nov, and 70 working days from then run into 2016, so receipt may well
    # have been before it.
    "j2,inspection,JAR,yes,,unknown,20/11/2015,,\n"
    # Received between Tue 1 Dec and Sun 20 Dec 2015, all after 8 Nov: the 2005 duty never applied. The 2015 one
    # did, on every possible day: 70 working days after 20 Dec (25, 28 Dec, 1 Jan, 25, 28 Mar skipped) end Fri
    # 1 Apr 2016 at the latest; nothing by Wed 1 Jun 2016: 29 + 31 + 1 = 61 days, 41 working days (Apr 4-29: 20,
    # May 3-27: 39, 31 May and 1 Jun: 41; 2 and 30 May skipped).
    "j3,inspection,JAR,yes,01/12/2015,unknown,20/12/2015,,\n")


@pytest.mark.parametrize("engine", ENGINES)
class TestATriggerNotRecordedAcrossAChangeOfTheLaw:
    def test_a_referral_that_may_be_before_the_single_assessment_began_is_missing_data(self, engine, tmp_path):
        found = run(engine, STRADDLE_REFERRALS, date(2014, 1, 1), tmp_path)
        expect(found, "a", "assessment-45wd", status="missing_data", deadline=None, on_bound=None, unrecorded=True)
        expect(found, "b", "assessment-45wd", status="missing_data", deadline=None, on_bound=None, unrecorded=False)
        expect(found, "c", "assessment-45wd", status="overdue", deadline="2013-11-04", on_bound="latest",
               days_late=58, working_days_late=39)
        assert ("a", "initial-assessment-10wd", 1) not in found  # one finding for the duty, whichever version

    def test_a_report_received_either_side_of_the_2015_regulations_is_missing_data(self, engine, tmp_path):
        found = run(engine, STRADDLE_JAR, date(2016, 6, 1), tmp_path)
        for rid in ("j1", "j2"):
            for rule in ("jar-publish-report", "jar-written-statement"):
                expect(found, rid, rule, status="missing_data", deadline=None, on_bound=None, unrecorded=True)
        expect(found, "j3", "jar-publish-report", status="not_applicable")
        expect(found, "j3", "jar-written-statement", status="overdue", deadline="2016-04-01", on_bound="latest",
               days_late=61, working_days_late=41)


def test_a_trigger_across_a_change_of_the_law_says_what_it_depends_on_and_what_was_assumed():
    referrals = records_from_text(STRADDLE_REFERRALS, "csv")
    found = {(f.record, f.rule): f for f in evaluate(referrals, RULES, date(2014, 1, 1))}
    found.update({(f.record, f.rule): f for f in evaluate(records_from_text(STRADDLE_JAR, "csv"), RULES,
                                                          date(2016, 6, 1))})
    a = found[("a", "assessment-45wd")]
    assert a.needs == ("referral",) and "overdue" not in a.reason and not a.explanation
    assert "no later than assessment_start (2013-04-16)" in a.reason
    assert "initial-assessment-10wd: 2010-03-01 to 2013-04-14; assessment-45wd: 2013-04-15 to now" in a.reason
    assert "referral could have been before 2013-04-15" in a.reason and a.reason.endswith("record referral")
    c = found[("c", "assessment-45wd")]
    assert ("referral is taken to be on or after 2013-04-15, when assessment-45wd came into force (no earlier day is "
            "recorded).") in c.assumptions
    j1 = found[("j1", "jar-publish-report")]
    assert "between inspection_end (2015-11-01) and ofsted_published (2015-11-20)" in j1.reason
    assert "whether this duty applies depends on it (in force 2005-09-01 to 2015-11-08)" in j1.reason
    assert j1.reason.endswith("record report_received")
    j2 = found[("j2", "jar-publish-report")]
    assert "the duty applied only if report_received was on or before 2015-11-08" in j2.reason
    assert "report_received could have been before 2015-11-09" in found[("j2", "jar-written-statement")].reason
    # None applied on any possible day: not applicable, in words that say so without contradicting themselves.
    assert found[("j3", "jar-publish-report")].reason == (
        "report_received is not recorded, and no version of this duty was in force between inspection_end "
        "(2015-12-01) and ofsted_published (2015-12-20) (jar-publish-report: 2005-09-01 to 2015-11-08).")
    # Bounded below, the 2015 duty held on every possible day: nothing is assumed of its start.
    assert not any("taken to be on or after" in text for text in found[("j3", "jar-written-statement")].assumptions)


@pytest.mark.parametrize("engine", ENGINES)
def test_bounds_that_contradict_each_other_are_flagged_on_a_trigger_across_a_change_of_the_law(engine, tmp_path):
    """Inspection ended 25 Nov 2013, Ofsted published 20 Nov: the report cannot have been received between them. The
    duties judged on the upper bound said so; the action plan duty (in force from 1 Nov 2013, so 20 Nov is within
    one period of its start: missing data) dropped the lower bound without a word (found by a review)."""
    found = run(engine, "id,kind,framework,statement_required,inspection_end,report_received,ofsted_published\n"
                        "s1,inspection,SIF,yes,25/11/2013,unknown,20/11/2013\n", date(2016, 1, 1), tmp_path)
    for rule in ("la-publish-report", "la-publish-statement", "la-send-action-plan"):
        expect(found, "s1", rule, data_quality=True)
    expect(found, "s1", "la-send-action-plan", status="missing_data", deadline=None)


def test_a_conference_dated_before_its_trigger_is_never_said_not_to_be_recorded():
    records = records_from_text("id,kind,strategy_discussion,icpc,rcpc\n"
                                "cp1,child-protection,10/01/2024,09/01/2024,25/01/2024\n"
                                "cp4,child-protection,10/01/2024,09/01/2024,\n", "csv")
    found = {f.record: f for f in evaluate(records, RULES, date(2025, 6, 1)) if f.rule == "icpc-15wd"}
    assert not any("No icpc" in step for f in found.values() for step in f.explanation)
    assert any(w.startswith("icpc is recorded on Tue 09 Jan 2024, before strategy_discussion on Wed 10 Jan 2024, so "
                            "one of those dates is wrong; the record shows icpc happened all the same")
               for w in found["cp1"].data_quality)
    assert any("judged as if its date were not given" in step for step in found["cp1"].explanation)
    assert found["cp4"].reason == ("icpc is recorded on 2024-01-09, before strategy_discussion on 2024-01-10, so it "
                                   "cannot count and one of those dates is wrong; correct strategy_discussion or icpc")
    assert found["cp4"].needs == ("strategy_discussion", "icpc")


def test_what_was_recorded_after_the_as_of_date_is_said_never_hidden():
    records = records_from_text("id,kind,framework,report_received,report_published\n"
                                "x,inspection,ILACS,2018-11-01,14/12/2108\n", "csv")
    f = next(f for f in evaluate(records, RULES, date(2019, 6, 1)) if f.rule == "la-publish-report")
    assert any("report_published is recorded on 2108-12-14, after the as-of date 2019-06-01" in w
               for w in f.data_quality)
    assert not any(step.startswith("No report_published is recorded") for step in f.explanation)
    assert any("2108" in step and "not counted" in step for step in f.explanation)


def test_assumptions_and_caveats_are_stated_on_the_finding():
    records = records_from_text("id,kind,icpc,rcpc\nc,child-protection,2023-08-31,2023-11-30\n", "csv")
    [review] = [f for f in evaluate(records, RULES, date(2024, 1, 31)) if f.rule == "rcpc" and f.occurrence == 1]
    assert review.assumptions[0] == "cp_plan taken as yes: the record has rcpc"
    letter = records_from_text("id,kind,framework,report_received\nf,inspection,ILACS-focused-visit,2018-11-01\n",
                               "csv")
    [report] = [f for f in evaluate(letter, RULES, date(2019, 6, 1)) if f.rule == "la-publish-report"]
    assert any("Arguable" in w and "s.136" in w for w in report.warnings)
    # Visits into September 2021 ran while remote visits were allowed (SI 2021/261): caveated; October 2021 not.
    visits = records_from_text("id,kind,placement_start,visit\nv,looked-after,2021-06-01,2021-06-07\n"
                               "w,looked-after,2021-10-04,2021-10-08\n", "csv")
    found = {(f.record, f.occurrence): f for f in evaluate(visits, RULES, date(2021, 6, 30)) if f.rule == "cla-visit"}
    assert any("SI 2021/261" in w for w in found[("v", 1)].warnings)
    later = {(f.record, f.occurrence): f for f in evaluate(visits, RULES, date(2021, 12, 31)) if f.rule == "cla-visit"}
    assert not later[("w", 1)].warnings


def test_a_flagged_record_whose_duties_do_not_apply_is_still_shown_in_the_table(run_cli, tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_text("id,kind,referral\nr,referral,31/12/9999\n", encoding="utf-8")
    code, out, _ = run_cli("check", str(path), "--as-of", "2026-01-01")
    row = next(line for line in out.splitlines() if " assessment-45wd " in line)
    assert row.startswith("N/A !") and "after the as-of date 2026-01-01" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_a_record_says_which_duties_are_measured_on_it_and_when_its_extract_was_drawn(engine, tmp_path):
    """A duty is measured on a record that names it, or any of its versions; the assessment fell due on
    26 July 2022: in an extract drawn on 1 July it is not there, in one drawn on 1 August it is overdue by 4
    working days (6 days) as of that day, years later too."""
    text = ("id,kind,extract_date,measured,referral_nfa,referral,assessment_completed\n"
            "m1,referral,,assessment-45wd,no,2022-05-20,2022-06-01\n"
            "m2,referral,,initial-assessment-10wd,no,2022-05-20,2022-06-01\n"
            "m3,referral,,assessment,no,2022-05-20,2022-06-01\n"
            "d1,referral,2022-07-01,,no,2022-05-20,\n"
            "d2,referral,2022-08-01,,no,2022-05-20,\n")
    found = run(engine, text, date(2026, 1, 1), tmp_path)
    for record in ("m1", "m2", "m3"):
        expect(found, record, "assessment-45wd", status="met", working_days_late=None)
        expect(found, record, "referral-decision-1wd", status="not_applicable")
    expect(found, "d1", "assessment-45wd", status="missing_data", unrecorded=True)
    expect(found, "d2", "assessment-45wd", status="overdue", working_days_late=4, days_late=6)
