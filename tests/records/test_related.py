"""Records gathered from related tables: joined on their keys, ordered, grouped, the same from a database and CSV.

Each case is a few rows of the SSD's own tables, written as CSV files and into SQLite (tables from the SSD's
published definitions), read through the ssd mapping both ways: the records, and the problems with where each
is, must agree, and be what the rows say.
"""

from __future__ import annotations

import csv
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from ssd_databases import create, needs

from compliance.records import load_mapped, load_mapping, mapping_sql
from compliance.records._related import Related, TablePart, query
from compliance.records._synth_ssd import TABLES
from compliance.rules import load_rules


def write(folder: Path, rows: dict[str, list[dict[str, str]]], drop: tuple[str, ...] = ()) -> tuple[list[str], str]:
    """The rows as CSV files (every table, empty ones too) and in a SQLite database; (CSV paths, database URL)."""
    needs("sqlalchemy")
    database = folder / "ssd.sqlite3"
    create(f"sqlite:///{database}")
    connection = sqlite3.connect(database)
    for table in drop:
        connection.execute(f"DROP TABLE {table}")
    files = []
    for table, columns in TABLES.items():
        names = [name for name, _ in columns]
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(names)
            for row in rows.get(table, []):
                out.writerow([row.get(name, "") for name in names])
                given = {k: v for k, v in row.items() if v != ""}
                connection.execute(f"INSERT INTO {table} ({', '.join(given)}) VALUES ({', '.join('?' * len(given))})",
                                   list(given.values()))
        if table not in drop:
            files.append(str(path))
    connection.commit()
    connection.close()
    return files, f"sqlite:///{database}"


def both(folder: Path, rows: dict[str, list[dict[str, str]]], **options):
    """The records and problems from the CSV files and from the database, each keyed by record id."""
    files, url = write(folder, rows, **options)
    mapping = load_mapping("ssd")
    rules = mapping.duties(load_rules())
    out = []
    for sources in (files, [url]):
        records, problems = load_mapped(sources, mapping, rules=rules)
        out.append(({r.id: r for r in records}, problems))
    return out


def same(record_a, record_b) -> None:
    for name in ("id", "kind", "attributes", "events", "targets", "recorded", "measured"):
        assert getattr(record_a, name) == getattr(record_b, name), name


T = " 00:00:00.000"  # how an SSD extract writes a DATETIME that is a date


def period(*, episodes, placements=(), reviews=(), visits=()):
    rows = {"ssd_cla_episodes": [], "ssd_cla_placement": [], "ssd_cla_reviews": [], "ssd_cla_visits": []}
    for n, (start, ceased, entered) in enumerate(episodes, 1):
        rows["ssd_cla_episodes"].append({"clae_cla_episode_id": f"E{n}", "clae_person_id": "P1", "clae_cla_id": "CLA1",
                                         "clae_cla_episode_start_date": start + T,
                                         "clae_cla_episode_ceased_date": ceased and ceased + T,
                                         "clae_entered_care_date": entered and entered + T})
    for n, (start, kind) in enumerate(placements, 1):
        rows["ssd_cla_placement"].append({"clap_cla_placement_id": f"PL{n}", "clap_cla_id": "CLA1",
                                          "clap_cla_placement_start_date": start + T, "clap_cla_placement_type": kind})
    for n, (held, due, cancelled) in enumerate(reviews, 1):
        rows["ssd_cla_reviews"].append({"clar_cla_review_id": f"RV{n}", "clar_cla_id": "CLA1",
                                        "clar_cla_review_date": held and held + T,
                                        "clar_cla_review_due_date": due + T, "clar_cla_review_cancelled": cancelled})
    for n, day in enumerate(visits, 1):
        rows["ssd_cla_visits"].append({"clav_cla_visit_id": f"V{n}", "clav_cla_id": "CLA1", "clav_person_id": "P1",
                                       "clav_cla_visit_date": day + T})
    return rows


def test_a_period_of_care_is_its_episodes_together_and_open_while_its_latest_is(tmp_path):
    # Listed latest first: the order of the rows is the order of their start dates, not of the file.
    rows = period(episodes=[("2024-03-01", "", ""), ("2024-01-10", "2024-03-01", "2024-01-10")],
                  placements=[("2024-03-04", "U4"), ("2024-01-10", "U6")],
                  reviews=[("2024-02-05", "2024-02-07", "N"), ("2024-02-01", "2024-02-07", "Y"),
                           ("", "2024-05-05", "")],
                  visits=["2024-01-15", "2024-02-20", "2024-03-04", "2024-04-08"])
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows)
    assert not problems_csv and not problems_db
    record = from_db["CLA-CLA1"]
    same(record, from_csv["CLA-CLA1"])
    assert record.first("became_looked_after") == date(2024, 1, 10)  # the period's start, from its first episode
    assert "ceased_looked_after" not in record.events  # the latest episode is open: still looked after
    assert record.first("placement_start") == date(2024, 3, 4)  # the current placement
    assert record.attributes["placement_until_18"] is True  # U4, long-term fostering
    assert record.events["cla_review"] == (date(2024, 2, 5),)  # the cancelled review did not count
    assert record.targets["cla-review"] == (date(2024, 2, 7), date(2024, 5, 5))  # nor did its due date
    # The visits from the current placement's start: those to the first placement are not this one's to count.
    assert record.events["visit"] == (date(2024, 3, 4), date(2024, 4, 8))


def test_episodes_starting_on_one_day_follow_their_numbers_not_their_text(tmp_path):
    """Episode 10 after episode 9, not before it as text sorts: the period is open while episode 10 is (ended, no
    review was owed; open, the first is overdue)."""
    rows = period(episodes=[("2024-11-04", "2024-11-04", "2024-11-04"), ("2024-11-04", "", "2024-11-04")])
    for row, ident in zip(rows["ssd_cla_episodes"], ("9", "10")):
        row["clae_cla_episode_id"] = ident
    (from_csv, _), (from_db, problems) = both(tmp_path, rows)
    assert not problems
    same(from_db["CLA-CLA1"], from_csv["CLA-CLA1"])
    assert "ceased_looked_after" not in from_db["CLA-CLA1"].events


def test_a_link_with_a_tab_or_line_break_round_it_finds_its_record_from_either_source(tmp_path):
    """An export's stray tab or line break round a key: the CSV files found the record, the database did not (it
    trimmed spaces alone), and reported the assessment as naming no referral, which then looked overdue."""
    rows = {
        "ssd_cin_episodes": [{"cine_referral_id": "R4\t", "cine_referral_date": "2024-03-01" + T},
                             {"cine_referral_id": "R5", "cine_referral_date": "2024-03-01" + T}],
        "ssd_cin_assessments": [
            {"cina_assessment_id": "A4", "cina_referral_id": "R4", "cina_assessment_auth_date": "2024-04-02" + T},
            {"cina_assessment_id": "A5", "cina_referral_id": " R5\r\n", "cina_assessment_auth_date": "2024-04-03" + T}],
    }
    (from_csv, csv_problems), (from_db, problems) = both(tmp_path, rows)
    assert not csv_problems and not problems
    for ident, done in (("R-R4", date(2024, 4, 2)), ("R-R5", date(2024, 4, 3))):
        same(from_db[ident], from_csv[ident])
        assert from_db[ident].events["assessment_completed"] == (done,)


def test_due_dates_after_a_review_with_none_are_not_matched_to_the_wrong_reviews(tmp_path):
    """The n-th due date is the n-th review's: with the second review's blank, the third's (1 April 2025) was taken
    for the second's and found 124 working days late. Only the first can be placed; a warning says so."""
    rows = period(episodes=[("2024-01-10", "", "2024-01-10")],
                  reviews=[("2024-04-05", "2024-04-10", "N"), ("2024-10-01", "2024-10-05", "N"),
                           ("2025-03-20", "2025-04-01", "N")])
    rows["ssd_cla_reviews"][1]["clar_cla_review_due_date"] = ""
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows)
    same(from_db["CLA-CLA1"], from_csv["CLA-CLA1"])
    assert from_db["CLA-CLA1"].targets == {"cla-review": (date(2024, 4, 10),)}
    assert len(from_db["CLA-CLA1"].events["cla_review"]) == 3  # every review still counts
    for problems in (problems_csv, problems_db):
        assert [(p.warning, p.message) for p in problems] == [(True, (
            "the 2nd of this record's 3 ssd_cla_reviews rows (in date order) has no clar_cla_review_due_date, though "
            "a later one has: the system's deadlines for cla-review are matched to the occurrences by their order, "
            "so only the first can be compared"))]
    # At the row without one (RV2, the file's line 3), not the first row that has one.
    assert (problems_csv[0].file.endswith("ssd_cla_reviews.csv"), problems_csv[0].line) == (True, 3)
    assert problems_db[0].column == "ssd_cla_reviews clar_cla_review_id='RV2'"


def test_a_period_has_ended_when_its_latest_episode_has(tmp_path):
    rows = period(episodes=[("2024-01-10", "2024-03-01", ""), ("2024-03-01", "2024-06-30", "")])
    (from_csv, _), (from_db, problems) = both(tmp_path, rows)
    assert not problems
    same(from_db["CLA-CLA1"], from_csv["CLA-CLA1"])
    assert from_db["CLA-CLA1"].first("ceased_looked_after") == date(2024, 6, 30)
    # No entered-care date given: the first episode's start.
    assert from_db["CLA-CLA1"].first("became_looked_after") == date(2024, 1, 10)
    assert "placement_until_18" not in from_db["CLA-CLA1"].attributes  # no placement: not known, never guessed


def test_a_referral_takes_its_first_assessment_and_a_row_pointing_nowhere_is_reported(tmp_path):
    rows = {
        "ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_person_id": "P1", "cine_referral_date": "2024-01-02" + T,
                              "cine_referral_nfa": "N", "cine_referral_team": "Front Door"}],
        "ssd_cin_assessments": [
            {"cina_assessment_id": "A2", "cina_referral_id": "R1", "cina_assessment_start_date": "2024-04-01" + T,
             "cina_assessment_auth_date": "2024-05-01" + T},
            {"cina_assessment_id": "A1", "cina_referral_id": "R1", "cina_assessment_start_date": "2024-01-03" + T,
             "cina_assessment_auth_date": "2024-02-20" + T},
            {"cina_assessment_id": "A3", "cina_referral_id": "R404", "cina_assessment_start_date": "2024-01-03" + T},
            {"cina_assessment_id": "A4", "cina_referral_id": "", "cina_assessment_start_date": "2024-01-03" + T}],
    }
    (from_csv, csv_problems), (from_db, problems) = both(tmp_path, rows)
    assert list(from_db) == list(from_csv) == ["R-R1"]
    # Its referral is not in the extract, or it names none: the row is said not read, from either source, never
    # silently dropped. R1's second assessment in date order, A2, is said not measured, at its row.
    for found in (csv_problems, problems):
        assert sorted(p.message for p in found) == [
            "no ssd_cin_episodes row has cine_referral_id 'R404', which this ssd_cin_assessments row names, so it was "
            "not read",
            "this record has 2 ssd_cin_assessments rows giving assessment_start or assessment_completed: only the "
            "first is read, so the other is not measured (a referral record holds one of each)",
            "this ssd_cin_assessments row has no cina_referral_id, so it names no ssd_cin_episodes row and was not read"]
        # Warnings: no record is left out or judged from such a row, and a real SSD always holds some (a conference
        # for a child transferred in names no enquiry), which as errors stopped every nightly report.
        assert all(p.warning for p in found)
    second = next(p for p in csv_problems if "only the first is read" in p.message)
    assert (second.line, second.column, second.field) == (2, 4, "ssd_cin_assessments.cina_assessment_start_date")
    assert next(p for p in problems if "only the first is read" in p.message).column == (
        "ssd_cin_assessments cina_assessment_id='A2'")
    unlinked = next(p for p in csv_problems if "has no" in p.message)
    assert unlinked.file.endswith("ssd_cin_assessments.csv") and unlinked.line == 5 and unlinked.column == 3
    assert next(p for p in problems if "has no" in p.message).column == "ssd_cin_assessments cina_assessment_id='A4'"
    same(from_db["R-R1"], from_csv["R-R1"])
    assert from_db["R-R1"].events == {"referral": (date(2024, 1, 2),), "assessment_start": (date(2024, 1, 3),),
                                      "assessment_completed": (date(2024, 2, 20),)}
    assert from_db["R-R1"].attributes == {"child": "P1", "team": "Front Door", "referral_nfa": False}


def test_a_date_time_with_a_time_of_day_is_an_instant_and_midnight_a_date(tmp_path):
    rows = {"ssd_missing": [{"miss_table_id": "M1", "miss_person_id": "P1",
                             "miss_missing_episode_end_date": "2024-05-03 14:30:00.000"}],
            "ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_referral_date": "2024-05-03 00:00:00.000"}]}
    files, url = write(tmp_path, rows)
    mapping = load_mapping("ssd")
    for sources in (files, [url]):
        records, problems = load_mapped(sources, mapping)  # no rules: map reads every kind, missing episodes too
        assert not problems
        got = {r.id: r for r in records}
        assert got["MISS-M1"].first("returned_from_missing") == datetime(2024, 5, 3, 14, 30)
        assert type(got["R-R1"].first("referral")) is date


def test_a_bad_value_is_a_problem_at_its_table_row_and_column_and_the_rest_are_read(tmp_path):
    rows = {
        "ssd_cin_episodes": [
            {"cine_referral_id": "R1", "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "X"},
            {"cine_referral_id": "R2", "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N"},
            {"cine_referral_id": "R3", "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N"}],
        "ssd_cin_assessments": [{"cina_assessment_id": "A9", "cina_referral_id": "R2",
                                 "cina_assessment_auth_date": "31/02/2024"}],
        "ssd_cla_episodes": [{"clae_cla_episode_id": "E7", "clae_cla_episode_start_date": "2024-01-02" + T}],
    }
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows)
    assert list(from_db) == list(from_csv) == ["R-R3"]
    assert [(p.field, p.message) for p in problems_db] == [(p.field, p.message) for p in problems_csv]
    by_field = {p.field: p for p in problems_db}
    code, day, key = (by_field["cine_referral_nfa"], by_field["ssd_cin_assessments.cina_assessment_auth_date"],
                      by_field["clae_cla_id"])
    assert "'X' is not one of the codes" in code.message
    assert str(code).startswith(f"{tmp_path / 'ssd.sqlite3'}".join(("sqlite:///", ":ssd_cin_episodes "
                                                                                   "cine_referral_id='R1': ")))
    assert "ssd_cin_assessments cina_assessment_id='A9'" in str(day) and "'31/02/2024' is not a date" in str(day)
    assert "ssd_cla_episodes clae_cla_episode_id='E7'" in str(key) and "has no clae_cla_id, so it names no record" in str(key)
    # From the files: the file, row and column of each.
    csv_code = next(p for p in problems_csv if p.field == "cine_referral_nfa")
    assert (Path(csv_code.file).name, csv_code.line, csv_code.column) == ("ssd_cin_episodes.csv", 2, 4)
    csv_day = next(p for p in problems_csv if p.field.endswith("auth_date"))
    assert (Path(csv_day.file).name, csv_day.line, csv_day.column) == ("ssd_cin_assessments.csv", 2, 5)


def test_a_missing_table_or_column_leaves_out_only_the_records_that_need_it(tmp_path):
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_referral_date": "2024-01-02" + T}]}
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows, drop=("ssd_cla_visits",))
    assert list(from_db) == list(from_csv) == ["R-R1"]
    # Each says what it left out: the looked-after records, read without their visits, would look unvisited.
    left_out = "; so the looked-after records of ssd_cla_episodes were not read"
    assert [p.message for p in problems_db] == [f"there is no table ssd_cla_visits{left_out} (the other kinds were)"]
    assert problems_csv[0].message == (f"no file for the table ssd_cla_visits among the files given{left_out} "
                                       "(the other kinds were)")
    sqlite3.connect(tmp_path / "ssd.sqlite3").execute("ALTER TABLE ssd_cp_reviews DROP COLUMN cppr_cp_review_due")
    mapping = load_mapping("ssd")
    _, problems = load_mapped([f"sqlite:///{tmp_path / 'ssd.sqlite3'}"], mapping, rules=mapping.duties(load_rules()))
    assert ("table ssd_cp_reviews has no column cppr_cp_review_due; so the child-protection records of "
            "ssd_cp_plans were not read (the other kinds were)") in [p.message for p in problems]


def test_one_query_reads_a_kind_of_record_its_rows_together_with_nulls_typed_before_their_table():
    sa = needs("sqlalchemy")
    related = Related(TablePart("parent", "pid", "pid", None, ("born",), frozenset({"born"})),
                      (TablePart("kid", "kid_id", "parent_id", "seen", ("seen",), frozenset({"seen"})),))
    from sqlalchemy.dialects import postgresql

    sql = query(related, postgresql.dialect())
    first, second = sql.split("\nUNION ALL\n")
    assert "CAST(NULL AS TIMESTAMP WITHOUT TIME ZONE) AS seen" in first  # typed: its own branch comes later
    assert "NULL AS born" in second and "CAST(NULL" not in second  # typed by the branch before
    # A kid by its own link, so one whose parent is not there is read, and reported; so is one with no link. The
    # link as a CSV cell reads (text, trimmed, empty as none), ordered by its bytes.
    assert ("nullif(btrim(CAST(kid.parent_id AS VARCHAR), chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || "
            """chr(13)), '') COLLATE "C" AS record_key""") in second
    assert "WHERE" not in second
    assert sql.endswith("ORDER BY record_key, part")
    assert sa is not None


@pytest.mark.parametrize("url", ["mssql+pyodbc://reader@ssd-dsn", "mssql+pyodbc://reader@server/SSD?driver=ODBC+Driver+18+for+SQL+Server"])
def test_the_queries_compile_for_sql_server_and_parse_as_t_sql(url):
    """SQL Server cannot run here: the queries are compiled by SQLAlchemy's mssql dialect (no driver needed) and
    parsed by sqlglot as T-SQL, an independent parser; neither may find anything SQL Server refuses."""
    sqlglot = needs("sqlglot")
    from sqlglot import exp

    mapping = load_mapping("ssd")
    queries = mapping_sql(url, mapping, mapping.duties(load_rules()))
    assert len(queries) == 4
    for what, sql in queries:
        for refused in ("LIMIT", "OFFSET", "NULLS FIRST", "NULLS LAST", "::", " true", " false", "TIMESTAMP",
                        "VARCHAR(", "BOOLEAN", "ILIKE", '"'):
            assert refused not in sql.replace("NVARCHAR(", ""), (what, refused)
        tree = sqlglot.parse_one(sql, read="tsql", error_level=sqlglot.ErrorLevel.RAISE)
        assert not list(tree.find_all(exp.Limit)) and not list(tree.find_all(exp.Offset))
        casts = {c.to.sql(dialect="tsql") for c in tree.find_all(exp.Cast)}
        assert casts <= {"DATETIME", "NVARCHAR(MAX)"}, casts
        assert isinstance(tree, (exp.Union, exp.Select)) and tree.args.get("order") is not None


def test_a_database_with_none_of_the_tables_says_no_other_kind_was_read_either(tmp_path):
    sqlite3.connect(tmp_path / "other.sqlite3").execute("CREATE TABLE notes (a TEXT)").connection.commit()
    mapping = load_mapping("ssd")
    records, problems = load_mapped([f"sqlite:///{tmp_path / 'other.sqlite3'}"], mapping,
                                    rules=mapping.duties(load_rules()))
    assert not records and problems and not any("the other kinds were" in p.message for p in problems)
    assert "there is no table ssd_cin_episodes; so the referral records of ssd_cin_episodes were not read" in [
        p.message for p in problems]


def cla_verdicts(records, as_of: date) -> list[tuple[str, int, str, date | None]]:
    """(rule, occurrence, status, deadline) of each looked-after finding, in order."""
    from compliance import evaluate

    rules = [r for r in load_mapping("ssd").duties(load_rules()) if r.id in ("cla-review", "cla-visit")]
    return sorted((f.rule, f.occurrence, f.status, f.deadline) for f in evaluate(records, rules, as_of))


@pytest.mark.parametrize("cancelled, held", [("Y", False), ("T", False), ("Yes", False), ("TRUE", False),
                                             (True, False), ("N", True), ("f", True), ("No", True), ("0", True),
                                             ("", True)])
def test_a_review_marked_cancelled_however_the_flag_is_written_does_not_count(tmp_path, cancelled, held):
    """Looked after Mon 8 Jan 2024; reviews on 1 Feb, 20 Apr (the one marked) and 14 Jun. Only Y, y and 1 left the
    20 Apr review out: marked T, Yes or true (a database's BOOLEAN) it was counted, and the second review, due 1 May
    (three months after 1 Feb), was "met" instead of late by 44 days (held 14 Jun)."""
    rows = period(episodes=[("2024-01-08", "", "2024-01-08")], placements=[("2024-01-08", "U6")],
                  reviews=[("2024-02-01", "2024-02-05", "N"), ("2024-04-20", "2024-05-01", cancelled),
                           ("2024-06-14", "2024-05-01", "N")],
                  visits=["2024-01-10"])
    for records, problems in both(tmp_path, rows):  # True: "True" in the CSV file, 1 in SQLite
        assert not problems
        reviews = [v for v in cla_verdicts(records.values(), date(2024, 9, 30)) if v[0] == "cla-review"]
        # First: 20 working days from 8 Jan, Mon 5 Feb; held 1 Feb.
        assert reviews[0] == ("cla-review", 1, "met", date(2024, 2, 5))
        if held:  # 20 Apr, then 14 Jun, within six months of it (20 Oct); the fourth due six months on, 14 Dec
            assert reviews[1:] == [("cla-review", 2, "met", date(2024, 5, 1)),
                                   ("cla-review", 3, "met", date(2024, 10, 20)),
                                   ("cla-review", 4, "due", date(2024, 12, 14))]
        else:
            assert reviews[1:] == [("cla-review", 2, "late", date(2024, 5, 1)),
                                   ("cla-review", 3, "due", date(2024, 12, 14))]


def test_a_cancelled_flag_that_is_neither_yes_nor_no_leaves_the_record_out_at_its_row(tmp_path):
    """Read as "not cancelled", an unknown value could make a late review met; read as cancelled, a held one
    missed. Neither: a problem at the row, as an unknown code under values: is, and the record is not read."""
    rows = period(episodes=[("2024-01-08", "", "2024-01-08")], placements=[("2024-01-08", "U6")],
                  reviews=[("2024-02-01", "2024-02-05", "N"), ("2024-04-20", "2024-05-01", "Cancelled?")])
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows)
    assert not from_csv and not from_db
    message = ("'Cancelled?' is not one of the codes this mapping knows for clar_cla_review_cancelled, which says "
               "whether this ssd_cla_reviews row counts, so the record was not read")
    assert [p.message for p in problems_csv] == [p.message for p in problems_db] == [message]
    assert problems_db[0].column == "ssd_cla_reviews clar_cla_review_id='RV2'"
    assert problems_db[0].field == "ssd_cla_reviews.clar_cla_review_cancelled"
    assert (Path(problems_csv[0].file).name, problems_csv[0].line, problems_csv[0].column) == (
        "ssd_cla_reviews.csv", 3, 5)  # RV2, the file's 3rd line; the 5th column
    assert problems_db[0].hint.startswith("known: yes or no: Y, Yes, T, True or 1 (not counted), N, No, F, False or "
                                          "0 (counted), or empty (counted)")


def test_a_placement_with_no_start_date_is_never_taken_for_the_current_one(tmp_path):
    """Placed 8 Jan 2024 (PL2), then from Mon 4 Mar (PL3, U1); an older placement, PL1, has no start date. Sorted
    last, PL1 was taken for the current placement: the 10 Jan visit to PL2 counted, and the 8 Mar visit was "late".
    Which placement is current cannot be told: the record is left out, with a problem at PL1's row."""
    rows = period(episodes=[("2024-01-08", "", "2024-01-08")],
                  placements=[("2024-01-08", "K2"), ("2024-01-08", "U6"), ("2024-03-04", "U1")],
                  visits=["2024-01-10", "2024-03-08", "2024-04-15"])
    (tmp_path / "dated").mkdir()
    (tmp_path / "undated").mkdir()
    (from_csv, _), (from_db, _) = both(tmp_path / "dated", rows)
    # All dated: visits from Mon 4 Mar, within a week (Mon 11 Mar: 8 Mar), then six-weekly (19 Apr: 15 Apr; 27 May).
    for records in (from_csv, from_db):
        assert records["CLA-CLA1"].attributes["placement_until_18"] is True
        assert [v for v in cla_verdicts(records.values(), date(2024, 5, 31)) if v[0] == "cla-visit"] == [
            ("cla-visit", 1, "met", date(2024, 3, 11)), ("cla-visit", 2, "met", date(2024, 4, 19)),
            ("cla-visit", 3, "overdue", date(2024, 5, 27))]
    rows["ssd_cla_placement"][0]["clap_cla_placement_start_date"] = ""
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path / "undated", rows)
    assert not from_csv and not from_db
    message = ("this ssd_cla_placement row cannot be placed among the record's 3 ssd_cla_placement rows: it has no "
               "clap_cla_placement_start_date, so which is the latest, that placement_until_18 and placement_start "
               "are read from, cannot be told; the record was not read")
    assert [p.message for p in problems_csv] == [p.message for p in problems_db] == [message]
    assert problems_db[0].column == "ssd_cla_placement clap_cla_placement_id='PL1'"
    assert (Path(problems_csv[0].file).name, problems_csv[0].line) == ("ssd_cla_placement.csv", 2)
    assert problems_csv[0].hint == "fill in its clap_cla_placement_start_date"


def test_with_no_placement_start_no_visit_is_counted_and_the_visit_is_missing_data_naming_it(tmp_path):
    """One placement, its start date empty: no visit can be told to be to it rather than to one before (since:
    had fallen back to every date, and the 10 Jan visit made the first "met"). Looked after Mon 8 Jan 2024: a first
    visit was due by Mon 15 Jan at the earliest, so by 31 May it is missing data naming placement_start."""
    rows = period(episodes=[("2024-01-08", "", "2024-01-08")], placements=[("2024-01-08", "U6")],
                  visits=["2024-01-10", "2024-03-08"])
    rows["ssd_cla_placement"][0]["clap_cla_placement_start_date"] = ""
    for records, problems in both(tmp_path, rows):
        assert not problems
        assert "visit" not in records["CLA-CLA1"].events
        [visit] = [f for f in _findings(records.values(), date(2024, 5, 31)) if f.rule == "cla-visit"]
        assert (visit.status, visit.deadline, tuple(visit.needs)) == ("missing_data", date(2024, 1, 15),
                                                                       ("placement_start",))


def _findings(records, as_of: date):
    from compliance import evaluate

    return evaluate(list(records), load_mapping("ssd").duties(load_rules()), as_of)


@pytest.mark.parametrize("start, said, hint", [
    ("", "it has no clae_cla_episode_start_date", "fill in its clae_cla_episode_start_date"),
    ("2024-13-45", "its clae_cla_episode_start_date '2024-13-45' is not a date",
     "this mapping reads dates as YYYY-MM-DD HH:MM:SS.fff or YYYY-MM-DD HH:MM:SS or YYYY-MM-DD or DD/MM/YYYY")])
def test_an_episode_that_cannot_be_placed_never_decides_that_care_ended(tmp_path, start, said, hint):
    """Episodes from 8 Jan 2024 (ceased 4 Mar) and from 4 Mar (open). With the first's start date empty or not a
    date, it sorted last and its 4 Mar end was taken for the day the child left care: the second review, due
    1 May and overdue on 31 Mar 2025, disappeared."""
    rows = period(episodes=[("2024-01-08", "2024-03-04", "2024-01-08"), ("2024-03-04", "", "2024-01-08")],
                  placements=[("2024-01-08", "U6")], reviews=[("2024-02-01", "2024-02-05", "N")])
    rows["ssd_cla_episodes"][0]["clae_cla_episode_start_date"] = start
    (from_csv, problems_csv), (from_db, problems_db) = both(tmp_path, rows)
    assert not from_csv and not from_db
    message = (f"this ssd_cla_episodes row cannot be placed among the record's 2 ssd_cla_episodes rows: {said}, so "
               "which is the latest, that ceased_looked_after is read from, cannot be told; the record was not read")
    assert [(p.message, p.hint, p.field) for p in problems_csv] == [(p.message, p.hint, p.field) for p in problems_db] \
        == [(message, hint, "clae_cla_episode_start_date")]
    assert problems_db[0].column == "ssd_cla_episodes clae_cla_episode_id='E1'"


@pytest.mark.parametrize("key", ["K1", "2024:K1"])
def test_a_duplicate_id_from_a_database_names_the_row_left_out(tmp_path, key):
    """Keys K1 and K1 with a no-break space after it are two rows to the database and one id: the second row was
    said to be a duplicate with no table or key, only the database, and a key holding ':' was cut there."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": key, "cine_referral_date": "2024-01-02" + T},
                                 {"cine_referral_id": key + "\u00a0", "cine_referral_date": "2024-01-02" + T}]}
    (_, problems_csv), (_, problems_db) = both(tmp_path, rows)
    [problem] = problems_db
    assert problem.message.startswith(f"duplicate record id 'R-{key}' (first at sqlite:///")
    assert (problem.file, problem.line, problem.column) == (
        f"sqlite:///{tmp_path / 'ssd.sqlite3'}", None, f"ssd_cin_episodes cine_referral_id='{key}\\xa0'")
    [problem] = problems_csv
    assert (Path(problem.file).name, problem.line, problem.column) == ("ssd_cin_episodes.csv", 3, None)


def test_files_for_one_kind_alone_name_every_table_missing_and_claim_no_other_kind_read(tmp_path):
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_referral_date": "2024-01-02" + T}]}
    files, _ = write(tmp_path, rows)
    mapping = load_mapping("ssd")
    episodes = [f for f in files if f.endswith("ssd_cin_episodes.csv")]
    _, problems = load_mapped(episodes, mapping, rules=mapping.duties(load_rules()))
    messages = [p.message for p in problems]
    assert not any("the other kinds were" in m for m in messages)
    # The looked-after records need four tables: each is named, not only the first.
    assert [m.split(" among")[0] for m in messages if m.endswith("the looked-after records of ssd_cla_episodes "
                                                                 "were not read")] == [
        f"no file for the table {t}" for t in ("ssd_cla_episodes", "ssd_cla_reviews", "ssd_cla_visits",
                                                "ssd_cla_placement")]
    # Given the assessments too, the referrals are read: the others were not, and say so.
    assessments = [f for f in files if f.endswith("ssd_cin_assessments.csv")]
    records, problems = load_mapped(episodes + assessments, mapping, rules=mapping.duties(load_rules()))
    assert [r.id for r in records] == ["R-R1"]
    assert problems and all(p.message.endswith("were not read (the other kinds were)") for p in problems)


def test_a_number_in_a_database_date_column_is_said_to_be_one_not_an_excel_serial(tmp_path):
    """SQLite keeps 45357 in a DATETIME column as an INTEGER: there is no column format to change, as there is in a
    spreadsheet, whose CSV still gets the Excel serial's reading."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_referral_date": "45357"}]}
    (_, problems_csv), (_, problems_db) = both(tmp_path, rows)
    [problem] = problems_db
    assert problem.message == "45357 is a number (an INTEGER value), not a date"
    assert problem.hint == ("store dates as DATE or DATETIME values (2024-03-06 00:00:00.000), or as text written "
                            "YYYY-MM-DD HH:MM:SS.fff or YYYY-MM-DD HH:MM:SS or YYYY-MM-DD or DD/MM/YYYY")
    assert problems_csv[0].message == ("'45357' looks like an Excel date serial for 2024-03-06: format the column as "
                                       "a date")


def test_a_byte_that_is_not_utf8_in_a_sqlite_cell_is_one_problem_at_its_row_and_the_other_rows_are_read(tmp_path):
    """A Windows-1252 'é' in one referral's team (SQLite keeps any bytes in TEXT) failed the whole referral query:
    none of the referrals was read, and the message named no row. As a CSV file's bad byte is, it is now one problem
    at its table, row key and column, its record left out, the others read; a bad byte in a joined row leaves out
    the record it belongs to, which would look unassessed without it."""
    referral = {"cine_person_id": "P1", "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N",
                "cine_referral_team": "Front Door"}
    rows = {"ssd_cin_episodes": [{**referral, "cine_referral_id": f"R{n}"} for n in range(1, 5)],
            "ssd_cin_assessments": [{"cina_assessment_id": "A3", "cina_referral_id": "R3",
                                     "cina_assessment_start_date": "2024-01-03" + T,
                                     "cina_assessment_auth_date": "2024-02-20" + T}]}
    _, url = write(tmp_path, rows)
    with sqlite3.connect(tmp_path / "ssd.sqlite3") as connection:
        connection.execute("UPDATE ssd_cin_episodes SET cine_referral_team = CAST(X'436166E9205465616D' AS TEXT) "
                           "WHERE cine_referral_id = 'R2'")  # 'Caf\xe9 Team'
        connection.execute("UPDATE ssd_cin_assessments SET cina_assessment_start_date = "
                           "CAST(X'323032342D30312D30339A' AS TEXT)")  # a stray 0x9A after the date
    connection.close()
    mapping = load_mapping("ssd")
    records, problems = load_mapped([url], mapping, rules=mapping.duties(load_rules()))
    assert sorted(r.id for r in records if r.kind == "referral") == ["R-R1", "R-R4"]
    start, team = sorted(problems, key=lambda p: p.column)
    assert (team.file, team.line, team.column, team.field) == (url, None, "ssd_cin_episodes cine_referral_id='R2'",
                                                               "cine_referral_team")
    assert team.message.startswith("'Caf\\xe9 Team' holds byte 0xE9, which is not UTF-8 text, so its record was not "
                                   "read")
    assert team.hint == ("store the text as UTF-8 in the system the SSD is filled from: in Windows-1252, as it was "
                         "probably written, it reads 'Café Team' (UPDATE ssd_cin_episodes SET cine_referral_team = "
                         "'Café Team' WHERE cine_referral_id = 'R2')")
    assert start.column == "ssd_cin_assessments cina_assessment_id='A3'"
    assert start.field == "ssd_cin_assessments.cina_assessment_start_date"
    assert start.message.startswith("'2024-01-03\\x9a' holds byte 0x9A, which is not UTF-8 text, so the record it "
                                    "belongs to (cine_referral_id 'R3') was not read")
    assert all(str(p).isprintable() and p.rows == 1 for p in problems)  # never a lone surrogate in a message


def test_a_byte_that_is_not_utf8_in_a_joined_rows_link_is_said_as_such(tmp_path):
    """The link is read apart from the row's values, so its bad byte went unseen and the row was called an orphan
    whose referral no episode has, with a lone surrogate in the message ('C1\udcad')."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_person_id": "P1",
                                  "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N"}],
            "ssd_cin_assessments": [{"cina_assessment_id": "A1", "cina_referral_id": "R1",
                                     "cina_assessment_start_date": "2024-01-03" + T,
                                     "cina_assessment_auth_date": "2024-02-20" + T}]}
    _, url = write(tmp_path, rows)
    with sqlite3.connect(tmp_path / "ssd.sqlite3") as connection:
        connection.execute("UPDATE ssd_cin_assessments SET cina_referral_id = CAST(X'5231E9' AS TEXT)")  # 'R1\xe9'
    connection.close()
    mapping = load_mapping("ssd")
    _, problems = load_mapped([url], mapping, rules=mapping.duties(load_rules()))
    [problem] = problems
    assert (problem.column, problem.field) == ("ssd_cin_assessments cina_assessment_id='A1'",
                                               "ssd_cin_assessments.cina_referral_id")
    assert problem.message == ("'R1\\xe9' holds byte 0xE9, which is not UTF-8 text, so the record it belongs to "
                               "(cine_referral_id 'R1\\xe9') was not read")
    assert str(problem).isprintable()


def test_a_blob_or_an_overlong_cell_in_sqlite_is_one_problem_at_its_row_and_the_other_rows_are_read(tmp_path):
    """A BLOB was read as Python's b'...' text: a team "b'\\xff\\xfe blob'" got its own calendar, an id became
    "R-b'BL\\xff1'". A BLOB is refused, even of UTF-8 bytes (X'42' is 'B'), as a TEXT cell's bytes that are not
    UTF-8 are; and a cell longer than a CSV file's may be (a 2,000,000-character team named a 2 MB calendar file) is
    refused as the CSV readers refuse it. Each is one problem at its table, row key and column, its record left out."""
    referral = {"cine_person_id": "P1", "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N",
                "cine_referral_team": "Front Door"}
    rows = {"ssd_cin_episodes": [{**referral, "cine_referral_id": f"R{n}"} for n in range(1, 6)]}
    _, url = write(tmp_path, rows)
    with sqlite3.connect(tmp_path / "ssd.sqlite3") as connection:
        connection.execute("UPDATE ssd_cin_episodes SET cine_referral_team = X'FFFE20626C6F62' "
                           "WHERE cine_referral_id = 'R1'")
        connection.execute("UPDATE ssd_cin_episodes SET cine_referral_nfa = X'4E' WHERE cine_referral_id = 'R2'")
        connection.execute("UPDATE ssd_cin_episodes SET cine_referral_id = X'424CFF31' WHERE cine_referral_id = 'R3'")
        connection.execute("UPDATE ssd_cin_episodes SET cine_referral_team = ? WHERE cine_referral_id = 'R4'",
                           ["T" * 2_000_000])
    connection.close()
    mapping = load_mapping("ssd")
    records, problems = load_mapped([url], mapping, rules=mapping.duties(load_rules()))
    assert sorted(r.id for r in records if r.kind == "referral") == ["R-R5"]
    assert sorted((p.column, p.field, p.message, p.hint) for p in problems) == [
        ("ssd_cin_episodes cine_referral_id='R1'", "cine_referral_team",
         "X'FFFE20626C6F62' holds binary data (a BLOB), not text, so its record was not read",
         "store it as text (in SQLite, CAST(cine_referral_team AS TEXT) reads a BLOB of UTF-8 bytes as text)"),
        ("ssd_cin_episodes cine_referral_id='R2'", "cine_referral_nfa",
         "X'4E' holds binary data (a BLOB), not text, so its record was not read",
         "store it as text (in SQLite, CAST(cine_referral_nfa AS TEXT) reads a BLOB of UTF-8 bytes as text)"),
        ("ssd_cin_episodes cine_referral_id='R4'", "cine_referral_team",
         "the cell is longer than the 1,048,576 characters a cell may hold, so its record was not read",
         "shorten it in the system the SSD is filled from"),
        ("ssd_cin_episodes cine_referral_id=X'424CFF31'", "cine_referral_id",
         "X'424CFF31' holds binary data (a BLOB), not text, so its record was not read",
         "store it as text (in SQLite, CAST(cine_referral_id AS TEXT) reads a BLOB of UTF-8 bytes as text)")]


def test_the_tables_as_csv_files_are_matched_to_their_columns_whatever_their_case(tmp_path):
    """SQL Server's exports (SSMS) keep the case the columns were made with: CINE_REFERRAL_ID. The database route
    read them, the CSV route refused every kind; docs/mappings.md says columns match "spaces and case aside"."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_person_id": "P1",
                                  "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "N"}],
            "ssd_cin_assessments": [{"cina_assessment_id": "A1", "cina_referral_id": "R1",
                                     "cina_assessment_start_date": "2024-01-03" + T,
                                     "cina_assessment_auth_date": "2024-02-20" + T}]}
    (from_csv, problems), _ = both(tmp_path, rows)
    for path in tmp_path.glob("ssd_*.csv"):
        head, rest = path.read_text(encoding="utf-8").split("\n", 1)
        path.write_text(head.upper() + "\n" + rest, encoding="utf-8")
    mapping = load_mapping("ssd")
    files = sorted(str(p) for p in tmp_path.glob("ssd_*.csv"))
    records, upper_problems = load_mapped(files, mapping, rules=mapping.duties(load_rules()))
    assert not problems and not upper_problems
    same({r.id: r for r in records}["R-R1"], from_csv["R-R1"])
    # A near miss is named; a column read elsewhere (cina_assessment_start_date) is never offered for a missing one.
    episodes = tmp_path / "ssd_cin_assessments.csv"
    head, rest = episodes.read_text(encoding="utf-8").split("\n", 1)
    episodes.write_text(head.replace("CINA_ASSESSMENT_AUTH_DATE", "CINA_ASSESSMENT_AUTH_DTE") + "\n" + rest,
                        encoding="utf-8")
    _, problems = load_mapped(files, mapping, rules=mapping.duties(load_rules()))
    [problem] = problems
    assert problem.message.startswith("the header row has no column 'cina_assessment_auth_date'")
    assert problem.hint.startswith("did you mean 'CINA_ASSESSMENT_AUTH_DTE'? the ssd_cin_assessments table's columns")


def test_a_row_with_an_unquoted_comma_in_a_cell_is_left_out_at_its_row_and_the_others_are_read(tmp_path):
    """SQL Server Management Studio quotes no cell by default: the comma in a JSON outcome moved the cells after it
    one column on, and the referral was read with the team '"CP": "Y"}', with no word said."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R2", "cine_person_id": "P2",
                                  "cine_referral_date": "2024-01-05" + T, "cine_referral_nfa": "N"}]}
    files, _ = write(tmp_path, rows)
    (tmp_path / "ssd_cin_episodes.csv").write_text(
        "cine_referral_id,cine_person_id,cine_referral_date,cine_referral_nfa,cine_referral_outcome_json,"
        "cine_referral_team\n"
        'R1,P1,2024-01-02 00:00:00.000,N,{"NFA_FLAG": "N", "CP": "Y"},Front Door\n'
        'R2,P2,2024-01-05 00:00:00.000,N,{"NFA_FLAG": "N"},Front Door\n', encoding="utf-8")
    mapping = load_mapping("ssd")
    records, problems = load_mapped(files, mapping, rules=mapping.duties(load_rules()))
    assert [(r.id, r.attributes["team"]) for r in records] == [("R-R2", "Front Door")]
    [problem] = problems
    assert (Path(problem.file).name, problem.line, problem.column) == ("ssd_cin_episodes.csv", 2, 7)
    assert problem.message == ("the row has 7 cells where the header has 6: its cells may be in the wrong columns, "
                               "so the row was not read")
    assert problem.hint.startswith("export the table again with cells that hold a comma in quotes (in SQL Server "
                                   "Management Studio: Tools, Options, Query Results")


def test_null_in_a_table_exported_as_csv_is_an_empty_cell_as_the_database_gives_it(tmp_path):
    """SQL Server Management Studio writes NULL in every empty cell: "'NULL' is not a date", "not one of the codes"
    and "no episode has cine_referral_id 'NULL'", where the same table read from the database was fine."""
    rows = {"ssd_cin_episodes": [{"cine_referral_id": "R1", "cine_person_id": "P1",
                                  "cine_referral_date": "2024-01-02" + T, "cine_referral_nfa": "",
                                  "cine_referral_team": ""}],
            "ssd_cin_assessments": [
                {"cina_assessment_id": "A1", "cina_person_id": "P1", "cina_referral_id": "R1",
                 "cina_assessment_start_date": "2024-01-03" + T, "cina_assessment_auth_date": ""},
                {"cina_assessment_id": "A2", "cina_person_id": "P1", "cina_referral_id": "",
                 "cina_assessment_start_date": "2024-01-03" + T, "cina_assessment_auth_date": ""}]}
    (_, _), (from_db, db_problems) = both(tmp_path, rows)
    for name in ("ssd_cin_episodes.csv", "ssd_cin_assessments.csv"):
        path = tmp_path / name
        head, rest = path.read_text(encoding="utf-8").split("\n", 1)
        cells = [line.split(",") for line in rest.splitlines()]
        path.write_text(head + "\n" + "".join(",".join(c or "NULL" for c in row) + "\n" for row in cells),
                        encoding="utf-8")
    assert "R1,P1,2024-01-02 00:00:00.000,NULL,NULL" in (tmp_path / "ssd_cin_episodes.csv").read_text()
    mapping = load_mapping("ssd")
    files = sorted(str(p) for p in tmp_path.glob("ssd_*.csv"))
    records, problems = load_mapped(files, mapping, rules=mapping.duties(load_rules()))
    [record] = records
    same(record, from_db["R-R1"])
    assert record.attributes == {"child": "P1", "referral_nfa": False}
    assert record.events == {"referral": (date(2024, 1, 2),), "assessment_start": (date(2024, 1, 3),)}
    assert [p.message for p in problems] == [p.message for p in db_problems] == [
        "this ssd_cin_assessments row has no cina_referral_id, so it names no ssd_cin_episodes row and was not read"]


def test_a_joined_row_with_an_unquoted_comma_leaves_its_record_out_not_judged_without_it(tmp_path):
    """A review held on 20 Apr 2024 whose row had a comma in a cell: the row was left out and the period of care
    judged without it, its second review overdue (within 3 months of 1 Feb, by 1 May) though it was held. The
    record is left out, said at the row, as the database route leaves out a record with a bad cell."""
    rows = period(episodes=[("2024-01-08", "", "2024-01-08")], placements=[("2024-01-08", "U6")],
                  reviews=[("2024-02-01", "2024-02-05", "N"), ("2024-04-20", "2024-05-01", "N")], visits=["2024-01-10"])
    files, _ = write(tmp_path, rows)
    reviews = tmp_path / "ssd_cla_reviews.csv"
    lines = reviews.read_text(encoding="utf-8").splitlines()
    lines[2] += ",Smith J"
    reviews.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = load_mapping("ssd")
    records, problems = load_mapped(files, mapping, rules=mapping.duties(load_rules()), extract_date=date(2024, 9, 30))
    assert [r.kind for r in records] == []
    [problem] = problems
    assert (Path(problem.file).name, problem.line, problem.warning) == ("ssd_cla_reviews.csv", 3, False)
    assert problem.message.endswith("so the row was not read; so the record it belongs to (clae_cla_id 'CLA1') was "
                                    "not read")


def test_a_table_in_another_schema_is_told_how_to_have_it_read_by_the_login_of_the_url():
    # It named a role 'reader' whatever the URL's login, and set the search_path to that schema alone, dropping
    # "$user" and public, which PostgreSQL reads by default.
    from compliance.records._related import _default_schema

    assert _default_schema("postgresql", "ssd_cla_visits", "ssd.elsewhere", "ssd_reader") == (
        "put elsewhere in the login's search_path (ALTER ROLE ssd_reader SET search_path = elsewhere, \"$user\", public)")
    assert _default_schema("mssql", "ssd_cla_visits", "ssd.elsewhere", None) == (
        "make elsewhere the login's default schema (ALTER USER [the_login] WITH DEFAULT_SCHEMA = [elsewhere])")
