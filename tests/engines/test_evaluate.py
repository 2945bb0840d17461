"""engines.listed_by_record against the findings it stands for: what a document lists, and the rest counted.

``check`` and the nightly report never build the not-applicable findings they only count. Whatever shortcut
decides that must leave exactly the findings ``findings_by_record`` gives, filtered by ``listed``, and count
exactly the ones it filters out, on records generated from the rules themselves (every kind and framework,
events missing, repeated, after the as-of date, extracts drawn on a day, columns an extract lacks).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from compliance import load_rules
from compliance.engines import findings_by_record, listed, listed_by_record
from compliance.errors import CalendarRangeError

from conftest import FIXTURES, ROOT
from generated_records import RecordMaker, hypothesis_records, seeded_records

RULES = load_rules([ROOT / "rules", FIXTURES / "rules" / "casework-sample.yaml",
                    FIXTURES / "rules" / "durable-versions.yaml"])
MAKER = RecordMaker(RULES)


def _agree(records, as_of, explain):
    try:
        everything = list(findings_by_record(records, RULES, as_of, explain=explain))
    except CalendarRangeError:  # an as-of past the calendars is refused by both, before any record
        with pytest.raises(CalendarRangeError):
            list(listed_by_record(records, RULES, as_of, explain=explain))
        return
    shortcut = list(listed_by_record(records, RULES, as_of, explain=explain))
    assert [r.id for r, _ in everything] == [r.id for r, _, _ in shortcut]
    for (record, found), (_, shown, counted) in zip(everything, shortcut):
        expected = [f for f in found if listed(f, False)]
        assert [f.to_dict() for f in shown] == [f.to_dict() for f in expected], record.id
        assert counted == len(found) - len(expected), record.id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hypothesis_records(MAKER))
def test_what_is_listed_and_what_is_counted_are_the_full_evaluation_split(case):
    records, as_of = case
    _agree(records, as_of, explain=True)


def test_two_thousand_seeded_records_split_the_same_way_with_and_without_the_working():
    records = seeded_records(MAKER, 2000, seed=20)
    as_of = MAKER.as_of(lambda options: sorted(options)[len(options) // 2], records)
    _agree(records, as_of, explain=True)
    _agree(records, as_of, explain=False)


def test_a_not_applicable_duty_flagged_for_a_time_the_clocks_showed_twice_is_listed_as_the_full_evaluation_lists_it():
    # Returned at 01:30 on Sun 27 Oct 2013, the night the clocks went back: before the 2014 guidance, so the
    # 72-hour duty does not apply, but the ambiguous time is still a data-quality flag the record is listed for.
    from datetime import date, datetime

    from compliance.records import Record

    record = Record("m-2013", "missing-episode", events={"returned_from_missing": datetime(2013, 10, 27, 1, 30)})
    [(_, shown, counted)] = list(listed_by_record([record], RULES, date(2014, 6, 1)))
    [(_, found)] = list(findings_by_record([record], RULES, date(2014, 6, 1)))
    [finding] = [f for f in found if f.rule == "return-interview-72h"]
    assert finding.status == "not_applicable" and finding.data_quality
    assert finding in shown
    _agree([record], date(2014, 6, 1), explain=True)
