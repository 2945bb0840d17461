"""kpi counts the records it reads: rows in reconcile with counts out, and a team is one group whatever its case.

Each row says how many records of its rule's kind were read in its group (``records``) and how many of them the
rule measured nothing on (``not_applicable``): for a duty done once a record, decided + due + missing_data +
not_recorded + not_applicable = records. The vectorised engine makes no not-applicable finding when it only counts,
so these are worked out from the records read; the per-record engine's findings say the same.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date

import pytest

from compliance.engines import evaluate
from compliance.engines.batch import evaluate_batch
from compliance.reports import Tally
from compliance.reports._kpi import group_key
from compliance.rules import load_rules

ENGINES = ["batch", "native"]

# Annex A list 5 as a council exports it (DD/MM/YYYY). Strategy discussions on Mondays; an ICPC is due within 15
# working days (no bank holiday in Jan-Mar 2025):
#   C001: Mon 6 Jan 2025, due Mon 27 Jan; held Mon 20 Jan: met.
#   C002: Mon 3 Feb, due Mon 24 Feb; held Fri 28 Feb: late. Its team spelt in lower case.
#   C003: Mon 3 Mar, due Mon 24 Mar; none held by 31 Mar: overdue.
#   C004, C005: an ICPC deemed unnecessary: not applicable, and the only records of Child Protection West.
LIST5 = (
    "Child Unique ID,Gender,Date of Birth,Strategy discussion initiating Section 47 Enquiry Start Date,"
    "Was an Initial Child Protection Conference deemed unnecessary?,Date of Initial Child Protection Conference,"
    "Did the Initial Child Protection Conference Result in a Child Protection Plan,Allocated Team\n"
    "C001,,,06/01/2025,b) No,20/01/2025,a) Yes,Child Protection East\n"
    "C002,,,03/02/2025,b) No,28/02/2025,b) No,child protection east\n"
    "C003,,,03/03/2025,b) No,,,Child Protection East\n"
    "C004,,,13/01/2025,a) Yes,,,Child Protection West\n"
    "C005,,,10/02/2025,a) Yes,,,Child Protection West\n")
LIST5_ARGS = ("--mapping", "annex-a-list5", "--as-of", "2025-03-31", "--extract-date", "2025-03-31")

# One team spelt four ways, the child-protection record first (the vectorised engine counts each kind in batches of
# its own, so it sees the referrals' spellings after it). As of Tue 31 Dec 2024, no bank holiday Sep-Nov:
#   c1: strategy discussion Tue 1 Oct 2024, ICPC due Tue 22 Oct, held 15 Oct: met.
#   r1: referred Mon 2 Sep, decided Tue 3 Sep (due then): met; assessment due Mon 4 Nov (45 working days), from its
#       start on Wed 4 Sep due Wed 6 Nov; completed Wed 30 Oct: met, met.
#   r2: referred Mon 2 Sep, decided Thu 5 Sep: late; started Fri 6 Sep, due Fri 8 Nov; completed Wed 20 Nov: late.
#   r3: no further action: decided the day referred (met); no assessment applies.
#   r4: referred Tue 10 Sep, decided Wed 11 Sep (met); assessment due Tue 12 Nov, completed Tue 15 Oct: met, met.
TEAMS = ("id,kind,team,referral_nfa,referral,referral_decision,assessment_start,assessment_completed,"
         "strategy_discussion,icpc,cp_plan\n"
         "c1,child-protection,FRONT DOOR,,,,,,2024-10-01,2024-10-15,false\n"
         "r1,referral,Front Door,false,2024-09-02,2024-09-03,2024-09-04,2024-10-30,,,\n"
         "r2,referral,Front door,false,2024-09-02,2024-09-05,2024-09-06,2024-11-20,,,\n"
         "r3,referral,front  door ,true,2024-09-03,2024-09-03,,,,,\n"
         "r4,referral,Assessment,false,2024-09-10,2024-09-11,2024-09-12,2024-10-15,,,\n")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _csv(out):
    return list(csv.DictReader(io.StringIO(out)))


@pytest.mark.parametrize("engine", ENGINES)
def test_every_record_of_an_annex_a_list_is_in_a_column_in_every_format(run_cli, tmp_path, engine):
    """The defect: 40 of 106 records (ICPC not required) were in no column and nothing said how many were read."""
    path = _write(tmp_path, "list5.csv", LIST5)
    code, out, err = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine)
    assert code == 0, err
    head, row = out.splitlines()[1:3]
    assert head.split()[-3:] == ["N/A", "RECORDS", "CHECK"]
    assert row.split() == ["icpc-15wd", "33.3%", "3", "1", "1", "1", "0", "0", "0", "2", "5", "0"]
    assert "Records read: 5 (child-protection 5)." in out
    assert "DECIDED + DUE + MISSING + NOT IN EXTRACT + N/A = RECORDS" in out

    code, out, err = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--format", "csv")
    [icpc] = _csv(out)
    assert (icpc["decided"], icpc["due"], icpc["missing_data"], icpc["not_recorded"], icpc["not_applicable"],
            icpc["records"]) == ("3", "0", "0", "0", "2", "5")

    code, out, err = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--format", "json")
    doc = json.loads(out)
    assert doc["records_read"] == {"child-protection": 5}
    [icpc] = doc["rows"]
    assert (icpc["decided"], icpc["not_applicable"], icpc["records"]) == (3, 2, 5)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_team_whose_records_the_duty_never_applied_to_still_has_its_row(run_cli, tmp_path, engine):
    """By team, West's two records needed no ICPC: a row of nothing decided and 2 not applicable, so that the teams'
    records add up to those read. East's third record, spelt in lower case, is East's."""
    path = _write(tmp_path, "list5.csv", LIST5)
    code, out, err = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--by", "team", "--format", "csv")
    assert code == 0, err
    rows = {r["team"]: (r["in_time_percent"], r["decided"], r["met"], r["late"], r["overdue"], r["not_applicable"],
                        r["records"]) for r in _csv(out)}
    assert rows == {"Child Protection East": ("33.3", "3", "1", "1", "1", "0", "3"),
                    "Child Protection West": ("", "0", "0", "0", "0", "2", "2")}
    code, table, _ = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--by", "team")
    west = next(line for line in table.splitlines() if "West" in line)
    assert west.split()[4:] == ["-", "0", "0", "0", "0", "0", "0", "0", "2", "2", "0"]


@pytest.mark.parametrize("engine", ENGINES)
def test_by_month_the_records_are_said_but_no_row_claims_them(run_cli, tmp_path, engine):
    """A record a duty does not apply to has no month: by month the rows leave records and not-applicable empty
    (never a number that is not exact), and the table says so beside the records read."""
    path = _write(tmp_path, "list5.csv", LIST5)
    code, out, err = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--by", "month", "--format", "csv")
    assert code == 0, err
    rows = _csv(out)
    assert [r["month"] for r in rows] == ["2025-01", "2025-02", "2025-03"]
    assert {(r["not_applicable"], r["records"]) for r in rows} == {("", "")}
    doc = json.loads(run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--by", "month", "--format", "json")[1])
    assert doc["records_read"] == {"child-protection": 5}
    assert {(r["not_applicable"], r["records"]) for r in doc["rows"]} == {(None, None)}
    code, table, _ = run_cli("kpi", path, *LIST5_ARGS, "--engine", engine, "--by", "month")
    assert "N/A" not in table.splitlines()[1] and "Records read: 5 (child-protection 5)." in table
    assert "Records a duty did not apply to are in no month" in table


@pytest.mark.parametrize("engine", ENGINES)
def test_a_duty_done_again_and_again_and_a_duty_with_two_versions_count_records_not_findings(run_cli, tmp_path,
                                                                                            engine):
    # c1: a plan from an ICPC on Mon 8 Jan 2024 (strategy discussion Mon 18 Dec 2023, due Thu 11 Jan: met); reviews
    # due by Mon 8 Apr (held 2 Apr: met), then within 6 months, by Wed 2 Oct (held 30 Sep: met); the third, due
    # 30 Mar 2025, cannot be told (no column says whether the plan ended): three rcpc findings, one record.
    # c2: ICPC Mon 15 Jan (strategy discussion Tue 2 Jan, due Tue 23 Jan: met), no plan: no review applies.
    # r0, referred Mon 4 Jun 2012, is measured by the initial assessment (10 working days, done Tue 12 Jun: met);
    # r1, referred in 2024, by the single assessment: each is not applicable to the other's version.
    path = _write(tmp_path, "mixed.csv",
                  "id,kind,referral_nfa,referral,referral_decision,initial_assessment_completed,assessment_start,"
                  "assessment_completed,strategy_discussion,icpc,cp_plan,rcpc\n"
                  "r0,referral,false,2012-06-04,2012-06-05,2012-06-12,,,,,,\n"
                  "r1,referral,false,2024-09-02,2024-09-03,,2024-09-04,2024-10-30,,,,\n"
                  "c1,child-protection,,,,,,,2023-12-18,2024-01-08,true,2024-04-02;2024-09-30\n"
                  "c2,child-protection,,,,,,,2024-01-02,2024-01-15,false,\n")
    code, out, err = run_cli("kpi", path, "--as-of", "2024-12-31", "--engine", engine, "--format", "csv")
    assert code == 0, err
    rows = {r["rule"]: (r["met"], r["not_recorded"], r["not_applicable"], r["records"]) for r in _csv(out)}
    assert rows["rcpc"] == ("2", "1", "1", "2")
    assert rows["icpc-15wd"] == ("2", "0", "0", "2")
    assert rows["initial-assessment-10wd"] == ("1", "0", "1", "2")
    assert rows["assessment-45wd"] == ("1", "0", "1", "2")


@pytest.mark.parametrize("engine", ENGINES)
def test_one_team_spelt_four_ways_is_one_row_as_it_is_one_calendar_in_the_report(run_cli, tmp_path, engine):
    """The defect: kpi --by team split 'Front Door' and 'Front door', where report --by team gave them one
    calendar. Case and spaces are ignored; the row shows the spelling most records give (here all as common: the
    one in title case), whatever order the engine saw them in."""
    path = _write(tmp_path, "teams.csv", TEAMS)
    code, out, err = run_cli("kpi", path, "--as-of", "2024-12-31", "--by", "team", "--engine", engine,
                             "--format", "csv")
    assert code == 0, err
    rows = {(r["rule"], r["team"]): (r["decided"], r["met"], r["late"], r["not_applicable"], r["records"])
            for r in _csv(out)}
    assert rows == {
        ("assessment-45wd", "Assessment"): ("1", "1", "0", "0", "1"),
        ("assessment-45wd", "Front Door"): ("2", "1", "1", "1", "3"),
        ("assessment-45wd-from-start", "Assessment"): ("1", "1", "0", "0", "1"),
        ("assessment-45wd-from-start", "Front Door"): ("2", "1", "1", "1", "3"),
        ("icpc-15wd", "Front Door"): ("1", "1", "0", "0", "1"),
        ("referral-decision-1wd", "Assessment"): ("1", "1", "0", "0", "1"),
        ("referral-decision-1wd", "Front Door"): ("3", "2", "1", "0", "3"),
    }
    code, _, err = run_cli("report", path, "--as-of", "2024-12-31", "--out", str(tmp_path / "out"), "--quiet",
                           "--fail-on", "none", "--by", "team")
    assert code == 0, err
    calendars = {p.name for p in (tmp_path / "out" / "2024-12-31").glob("deadlines-*.ics")}
    assert calendars == {"deadlines-front-door.ics", "deadlines-assessment.ics"}


def test_the_commonest_spelling_names_the_team():
    rules = load_rules()
    tally = Tally(("team",))
    from compliance.records import Record

    def referral(n, team):
        return Record(f"r{n}", "referral", {"team": team, "referral_nfa": False},
                      {"referral": (date(2024, 9, 2),), "referral_decision": (date(2024, 9, 3),)})

    records = [referral(1, "front door"), referral(2, "Front Door"), referral(3, "FRONT DOOR"),
               referral(4, "Front Door")]
    tally.add_records(records, rules)
    tally.add_findings(evaluate(records, rules, date(2024, 12, 31)))
    assert {r.value("team") for r in tally.rows()} == {"Front Door"}


#: Names in one tuple are one team; in different tuples, different teams.
TEAM_NAMES = [("Front Door", "Front door", "front  door", " FRONT DOOR ", "Front\tDoor"),
              ("Front-Door", "front-door", "FRONT-DOOR"), ("Front Door!", "front door!"),
              ("Équipe Nord", "ÉQUIPE NORD", "équipe  nord"), ("Assessment",), ("Assessment North",),
              ("Front Door 2",), ("Children's Services",),
              ("A very long team name that runs past forty characters",
               "a very LONG team name that runs past forty characters")]


def test_teams_are_grouped_as_the_nightly_reports_calendars_are():
    """kpi groups teams as the report names their calendars (nightly.team_slug), which kpi cannot import: reports
    comes before nightly. A CSV cell is read stripped."""
    from compliance.nightly._files import team_slug

    for i, group in enumerate(TEAM_NAMES):
        for name in group:
            for j, others in enumerate(TEAM_NAMES):
                for other in others:
                    assert (group_key("team", name) == group_key("team", other)) == (i == j), (name, other)
                    assert (team_slug(name.strip()) == team_slug(other.strip())) == (i == j), (name, other)


@pytest.mark.parametrize("seed, as_of", [(5, date(2009, 6, 30)), (7, date(2026, 11, 20))])
def test_not_applicable_is_what_the_per_record_engine_finds(seed, as_of):
    """On records generated from the rules (every kind and case they reach), counted by the vectorised engine alone:
    each row's records are those of its kind in its group, and not_applicable those with no finding counted for the
    rule, as the per-record engine's every finding says; for a duty of one version, its not-applicable findings."""
    from compliance.engines import duties_by_kind
    from compliance.records.columns import batches_from_records

    from generated_records import RecordMaker, seeded_records

    rules = load_rules()
    records = seeded_records(RecordMaker(rules), 1200, seed=seed)
    findings = evaluate(records, rules, as_of, explain=False)
    tally = Tally(("team", "authority"))
    for batch in batches_from_records(records, chunk=97):
        tally.add_batch(evaluate_batch(batch, rules, as_of, counting=True))

    def group(attributes):
        return (group_key("team", attributes.get("team")), group_key("authority", attributes.get("authority")))

    read = Counter((r.kind, group(r.attributes)) for r in records)
    counted, not_applicable = defaultdict(set), Counter()
    for f in findings:
        if f.status == "not_applicable":
            not_applicable[f.rule, group(f.attributes)] += 1
        else:
            counted[f.rule, group(f.attributes)].add(f.record)
    kind = {r.id: r.applies_to for r in rules}
    single = {versions[0].id for duties in duties_by_kind(rules).values() for versions in duties if len(versions) == 1}
    rows = tally.rows()
    assert rows.records_read == dict(sorted(Counter(r.kind for r in records).items()))
    assert {(r.rule, group(dict(r.group))) for r in rows} >= set(counted)
    for row in rows:
        key = (row.rule, group(dict(row.group)))
        assert row.records == read[kind[row.rule], key[1]]
        assert row.not_applicable == row.records - len(counted[key])
        if row.rule in single:
            assert row.not_applicable == not_applicable[key]


def test_a_team_whose_accent_is_encoded_two_ways_is_one_row():
    """"Équipe Nord" typed on one machine (É one character, NFC) and exported from another (E and a combining acute
    accent, NFD) is the same team: one row, counting both records."""
    rules = load_rules()
    composed, decomposed = "\u00c9quipe Nord", "E\u0301quipe Nord"
    assert composed != decomposed
    from compliance.records import Record

    # Referred Mon 2 Sep 2024, decided Tue 3 Sep: within the one working day, met.
    records = [Record(f"r{n}", "referral", {"team": team, "referral_nfa": False},
                      {"referral": (date(2024, 9, 2),), "referral_decision": (date(2024, 9, 3),)})
               for n, team in enumerate((composed, decomposed, composed.upper()))]
    tally = Tally(("team",))
    tally.add_records(records, rules)
    tally.add_findings(evaluate(records, rules, date(2024, 12, 31)))
    [row] = [r for r in tally.rows() if r.rule == "referral-decision-1wd"]
    assert row.value("team") in (composed, decomposed) and row.records == 3
