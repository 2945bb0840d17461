"""The report model: summary numbers, the due window, late completions in the period, changes and the trend.

Fixture deadlines (30 working days from report_received, SI 2007/462 reg 2; no bank holidays fall
between October and mid-December 2026), counted by hand:
  alpha, gamma  received Thu 1 Oct   -> Thu 12 Nov
  beta          received Tue 20 Oct  -> Tue 1 Dec
  zeta          received Fri 23 Oct  -> Fri 4 Dec
  eta           received Mon 26 Oct  -> Mon 7 Dec
  epsilon       received Mon 2 Nov   -> Mon 14 Dec (published Thu 26 Nov: met)
  delta         received Mon 23 Nov  -> Thu 7 Jan 2027 (skipping 25 and 28 Dec 2026 and 1 Jan 2027)
  gamma published Tue 24 Nov: late.
The 70-working-day duties all fall due in January 2027 or later, outside every window used here.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from compliance.engines import evaluate
from compliance.errors import InputError
from compliance.records import Record, load_records
from compliance.nightly._build import build_report, snapshot_of
from compliance.nightly._html import to_html
from compliance.nightly._markdown import to_markdown_report
from compliance.nightly._model import DEFAULT_FAIL_ON, TrendPoint, fails, parse_fail_on, parse_window, with_run_id
from compliance.rules import load_rules

from conftest import FIXTURES

COUNCIL = FIXTURES / "report" / "council.yaml"
NOW = datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def records(rules):
    return load_records([COUNCIL], rules.vocabulary)


def findings_on(records, rules, as_of):
    return evaluate(records, rules, as_of)


def snapshot(findings, as_of, run_id=1):
    """What history would remember of a run of ``findings``."""
    return snapshot_of(findings, run_id, as_of)


def due_soon(model):
    return [f for f in model.open_duties if model.due_soon(f)]


def keys(items):
    return sorted((f.record, f.duty) for f in items)


def test_first_run_summary_and_due_window(records, rules):
    as_of = date(2026, 11, 20)
    model = build_report(findings_on(records, rules, as_of), as_of, NOW)
    # Fri 20 Nov + 10 working days: 23-27 Nov (5), 30 Nov-4 Dec (10) -> Fri 4 Dec.
    assert model.window_end == date(2026, 12, 4)
    assert model.summary.overdue == 2
    # beta (1 Dec) and zeta (4 Dec, the window's last day) are inside; eta (7 Dec) is one working day out.
    assert keys(due_soon(model)) == [("beta", "la-publish-report"), ("zeta", "la-publish-report")]
    assert model.summary.due_within_window == 2
    assert model.summary.late_in_period == 0
    assert model.summary.met == 0
    assert model.previous is None and model.changes == ()
    # No earlier run: the last 7 days, the as-of day included.
    assert (model.period_start, model.as_of) == (date(2026, 11, 14), date(2026, 11, 20))


def test_open_duties_are_overdue_then_due_soonest_first(records, rules):
    as_of = date(2026, 11, 20)
    model = build_report(findings_on(records, rules, as_of), as_of, NOW)
    statuses = [f.status for f in model.open_duties]
    assert statuses == sorted(statuses, key=lambda s: s != "overdue")
    due = [f.deadline for f in model.open_duties if f.status == "due"]
    assert due == sorted(due)
    assert [(f.record, f.deadline) for f in model.open_duties[2:5]] == [
        ("beta", date(2026, 12, 1)), ("zeta", date(2026, 12, 4)), ("eta", date(2026, 12, 7))]
    assert all(f.status in ("overdue", "due") for f in model.open_duties)


def test_changes_and_late_completions_since_the_previous_run(records, rules):
    before = findings_on(records, rules, date(2026, 11, 20))
    as_of = date(2026, 11, 27)
    model = build_report(findings_on(records, rules, as_of), as_of, NOW,
                         previous=snapshot(before, date(2026, 11, 20)))
    by_kind = {}
    for c in model.changes:
        by_kind.setdefault(c.kind, []).append((c.record, c.duty, c.before, c.after))
    assert set(by_kind) == {"newly_late", "newly_met", "new_duty"}
    assert by_kind["newly_late"] == [("gamma", "la-publish-report", "overdue", "late")]
    assert by_kind["newly_met"] == [("epsilon", "la-publish-report", "due", "met")]
    assert sorted(by_kind["new_duty"]) == [("delta", "la-publish-report", None, "due"),
                                           ("delta", "la-publish-statement", None, "due"),
                                           ("delta", "la-send-action-plan", None, "due")]
    # The period runs from the day after the previous run's as-of date: 21 to 27 Nov holds gamma's 24 Nov.
    assert model.period_start == date(2026, 11, 21)
    assert model.summary.late_in_period == 1  # gamma
    assert model.summary.met == 1
    assert model.summary.overdue == 1
    # Fri 27 Nov + 10 working days -> Fri 11 Dec: beta, zeta and eta; delta (7 Jan) is not.
    assert model.window_end == date(2026, 12, 11)
    assert keys(due_soon(model)) == [("beta", "la-publish-report"), ("eta", "la-publish-report"),
                                    ("zeta", "la-publish-report")]


def test_newly_overdue_the_day_after_the_deadline(records, rules):
    before = findings_on(records, rules, date(2026, 11, 27))
    as_of = date(2026, 12, 2)
    model = build_report(findings_on(records, rules, as_of), as_of, NOW,
                         previous=snapshot(before, date(2026, 11, 27)))
    assert [(c.kind, c.record, c.duty, c.before) for c in model.changes] == [
        ("newly_overdue", "beta", "la-publish-report", "due")]
    # gamma's late completion (24 Nov) was in the previous period, not this one (28 Nov to 2 Dec).
    assert model.summary.late_in_period == 0


def test_a_duty_that_disappears_is_reported(records, rules):
    before = findings_on(records, rules, date(2026, 11, 20))
    as_of = date(2026, 11, 27)
    without_alpha = [f for f in findings_on(records, rules, as_of) if f.record != "alpha"]
    model = build_report(without_alpha, as_of, NOW, previous=snapshot(before, date(2026, 11, 20)))
    gone = model.changes_of("no_longer_reported")
    assert sorted((c.record, c.duty, c.before) for c in gone) == [
        ("alpha", "la-publish-report", "overdue"), ("alpha", "la-publish-statement", "due"),
        ("alpha", "la-send-action-plan", "due")]


def test_a_duty_that_ended_unmet_is_not_counted_among_the_overdue_duties_listed(rules):
    """Placed Wed 1 May 2024, visited Wed 8 May and Wed 19 Jun: the next visit was due within 6 weeks, by Wed 31 Jul.
    None was made before the child left care on Thu 15 Aug: overdue, ended. As of Mon 2 Sep nothing else is overdue,
    so the list of overdue duties to act on is empty, and its heading must not count the ended one."""
    child = Record("A", "looked-after", {"placement_until_18": False},
                   {"became_looked_after": [date(2024, 5, 1)], "placement_start": [date(2024, 5, 1)],
                    "visit": [date(2024, 5, 8), date(2024, 6, 19)], "cla_review": [date(2024, 5, 31)],
                    "ceased_looked_after": [date(2024, 8, 15)]}, vocabulary=rules.vocabulary)
    model = build_report(evaluate([child], rules, date(2024, 9, 2)), date(2024, 9, 2), NOW)
    assert model.summary.overdue == 1  # as check counts it
    assert (model.overdue_open, model.overdue_ended, model.overdue_duties) == (0, 1, ())
    markdown = to_markdown_report(model)
    assert "### Overdue (0)\n\nNothing open is overdue; 1 duty ended unmet, on record in findings.csv." in markdown
    assert "Nothing is overdue." not in markdown
    page = to_html(model)
    assert '<h3 id="overdue">Overdue (0)</h3><p>Nothing open is overdue; 1 duty ended unmet' in page
    assert "and 0 are overdue; both are listed below. 1 more overdue duty ended unmet" in page


def test_trend_adds_this_run_to_the_earlier_ones(records, rules):
    as_of = date(2026, 12, 2)
    earlier = [TrendPoint(date(2026, 11, 20), 2, 1), TrendPoint(date(2026, 11, 27), 1, 2)]
    model = with_run_id(build_report(findings_on(records, rules, as_of), as_of, NOW, history_trend=earlier), 3)
    assert [(p.as_of, p.overdue, p.run_id) for p in model.trend] == [
        (date(2026, 11, 20), 2, 1), (date(2026, 11, 27), 1, 2), (date(2026, 12, 2), 2, 3)]
    assert model.run_id == 3


def test_window_in_calendar_days_and_weeks(records, rules):
    as_of = date(2026, 11, 20)
    findings = findings_on(records, rules, as_of)
    # 14 calendar days after Fri 20 Nov is Fri 4 Dec.
    assert build_report(findings, as_of, NOW, window=parse_window("14 days")).window_end == date(2026, 12, 4)
    model = build_report(findings, as_of, NOW, window=parse_window("3 weeks"))
    assert model.window_end == date(2026, 12, 11)
    # 3 weeks from Fri 20 Nov is Fri 11 Dec: beta, zeta and eta; epsilon (14 Dec) is not.
    assert keys(due_soon(model)) == [("beta", "la-publish-report"), ("eta", "la-publish-report"),
                                    ("zeta", "la-publish-report")]
    assert model.summary.due_within_window == 3


def test_window_and_fail_on_parsing():
    assert str(parse_window("10 working days")) == "10 working days"
    with pytest.raises(InputError, match="hours"):
        parse_window("48 hours")
    with pytest.raises(InputError, match="unit"):
        parse_window("10 wrking days")
    assert parse_fail_on("overdue,late") == DEFAULT_FAIL_ON
    assert parse_fail_on("due-soon, late-in-period") == ("due_soon", "late_in_period")
    assert parse_fail_on("none") == ()
    with pytest.raises(InputError, match="overdew"):
        parse_fail_on("overdew")


def test_fails_follows_fail_on(records, rules):
    as_of = date(2026, 11, 20)
    model = build_report(findings_on(records, rules, as_of), as_of, NOW)
    assert fails(model, ("overdue",))
    assert not fails(model, ("late",))
    assert fails(model, ("due_soon",))
    assert not fails(model, ("late_in_period", "met"))
    assert not fails(model, ())


def test_to_dict_carries_the_summary_numbers(records, rules):
    as_of = date(2026, 11, 20)
    data = build_report(findings_on(records, rules, as_of), as_of, NOW).to_dict()
    assert data["summary"] | {"statuses": None} == {"overdue": 2, "due_within_window": 2, "late_in_period": 0,
                                                     "met": 0, "statuses": None}
    assert data["due_window"] == {"period": "10 working days", "calendar": "england-and-wales",
                                  "from": "2026-11-20", "to": "2026-12-04"}
    assert data["late_period"]["from"] == "2026-11-14"


def test_kpi_section_matches_the_hand_counted_casework_fixture():
    """tests/fixtures/casework/kpi-cases.yaml: ICPC 3 met, 1 late, 1 overdue -> 60.0% of 5; RCPC 2 of 4."""
    from compliance.nightly._html import to_html
    from compliance.nightly._markdown import to_markdown_report

    as_of = date(2022, 12, 31)
    cases = load_records([FIXTURES / "casework" / "kpi-cases.yaml"])
    model = build_report(evaluate(cases, load_rules(), as_of), as_of, NOW)
    kpi = {r["rule"]: r for r in model.to_dict()["kpi"]}
    assert (kpi["icpc-15wd"]["met"], kpi["icpc-15wd"]["decided"]) == (3, 5)
    assert (kpi["rcpc"]["met"], kpi["rcpc"]["decided"]) == (2, 4)
    html = to_html(model)
    assert 'id="kpi"' in html and "60.0%" in html and 'data-rule="icpc-15wd"' in html
    assert "| `icpc-15wd` " in to_markdown_report(model) and "| 60.0% | 5 | 3 | 1 | 1 |" in to_markdown_report(model)
