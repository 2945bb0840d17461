"""`synth --layout ssd`: the record layout's children in the Standard Safeguarding Dataset's own tables and columns."""

from __future__ import annotations

import csv
import sqlite3

import pytest

from ssd_databases import definitions, needs

from compliance.errors import InputError
from compliance.records import read_records
from compliance.records._synth_ssd import TABLES
from compliance.records.synth import write_extracts


def rows(path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_tables_and_columns_written_are_the_ssds_own():
    published = {t: {f["name"]: f for f in fields} for t, fields in definitions()["tables"].items()}
    assert set(TABLES) == set(published)
    for table, columns in TABLES.items():
        for name, kind in columns:
            assert name in published[table], f"{table}.{name}"
            assert published[table][name]["sqlserver"] == kind, f"{table}.{name}"
        key = next(f["name"] for f in published[table].values() if f.get("primary_key"))
        assert columns[0][0] == key


def test_the_same_seed_gives_the_children_of_the_record_layout(tmp_path):
    write_extracts(tmp_path / "records", 400, 9)
    summary = write_extracts(tmp_path / "ssd", 400, 9, layout="ssd")
    records, _ = read_records(sorted((tmp_path / "records").glob("*.csv")))
    ssd = tmp_path / "ssd"
    assert {r["cine_referral_id"] for r in rows(ssd / "ssd_cin_episodes.csv")} == {
        r.id for r in records if r.kind == "referral"}
    assert {r["s47e_s47_enquiry_id"] for r in rows(ssd / "ssd_s47_enquiry.csv")} == {
        r.id for r in records if r.kind == "child-protection"}
    assert {r["clae_cla_id"] for r in rows(ssd / "ssd_cla_episodes.csv")} == {
        r.id for r in records if r.kind == "looked-after"}
    assert {r["miss_table_id"] for r in rows(ssd / "ssd_missing.csv")} == {
        r.id for r in records if r.kind == "missing-episode"}
    assert sorted(p.name for p in summary.files) == sorted(f"{t}.csv" for t in TABLES)
    # Dates are written as SQL Server writes a DATETIME.
    assert all(r["cine_referral_date"].endswith(" 00:00:00.000") for r in rows(ssd / "ssd_cin_episodes.csv"))
    # Some periods of care have two episodes; some reviews were cancelled; open plans have their next review due.
    episodes = rows(ssd / "ssd_cla_episodes.csv")
    assert len(episodes) > len({e["clae_cla_id"] for e in episodes})
    assert any(r["clar_cla_review_cancelled"] == "Y" for r in rows(ssd / "ssd_cla_reviews.csv"))
    assert any(not r["cppr_cp_review_date"] and r["cppr_cp_review_due"] for r in rows(ssd / "ssd_cp_reviews.csv"))


def test_the_same_seed_gives_the_same_files(tmp_path):
    write_extracts(tmp_path / "a", 200, 4, layout="ssd")
    write_extracts(tmp_path / "b", 200, 4, layout="ssd")
    for table in TABLES:
        assert (tmp_path / "a" / f"{table}.csv").read_bytes() == (tmp_path / "b" / f"{table}.csv").read_bytes()


def test_a_database_without_the_tables_gets_them(tmp_path):
    needs("sqlalchemy")
    summary = write_extracts(tmp_path, 150, 2, layout="ssd", database=f"sqlite:///{tmp_path / 'new.db'}")
    assert str(summary).endswith(f"and loaded them into sqlite:///{tmp_path / 'new.db'}")
    with sqlite3.connect(tmp_path / "new.db") as connection:
        count = connection.execute("SELECT count(*) FROM ssd_cin_episodes").fetchone()[0]
        typed = dict(connection.execute("SELECT name, type FROM pragma_table_info('ssd_cp_reviews')").fetchall())
    assert count == len(rows(tmp_path / "ssd_cin_episodes.csv")) and typed["cppr_cp_review_due"] == "DATETIME"


def test_only_the_ssd_layout_is_loaded_into_a_database(tmp_path):
    with pytest.raises(InputError, match="only the ssd layout"):
        write_extracts(tmp_path, 10, layout="records", database=f"sqlite:///{tmp_path / 'x.db'}")
