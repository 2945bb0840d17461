"""Parquet for analysts: typed columns, read by pyarrow, DuckDB and Polars as they are, the same numbers as JSON."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import duckdb
import polars
import pyarrow as pa
import pyarrow.parquet as pq

from conftest import FIXTURES, ROOT

EXAMPLES = str(ROOT / "examples" / "inspections.yaml")
CASEWORK = FIXTURES / "casework"


def test_check_writes_typed_columns(tmp_path, run_cli):
    path = tmp_path / "findings.parquet"
    code, out, err = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "parquet", "--output", str(path))
    assert code == 1 and out == "", err
    schema = pq.read_schema(path)
    assert schema.field("deadline").type == pa.date32() and schema.field("trigger_date").type == pa.date32()
    assert schema.field("deadline_at").type == pa.timestamp("ms", tz="Europe/London")
    assert schema.field("days_late").type == schema.field("weekend_days_skipped").type == pa.int32()
    assert schema.field("explanation").type == pa.list_(pa.string())
    assert schema.field("holidays_skipped").type == pa.list_(pa.struct([("date", pa.date32()),
                                                                        ("name", pa.string())]))
    assert schema.field("provisional").type == pa.bool_()
    table = pq.read_table(path)
    _, text, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json")
    doc = json.loads(text)
    assert table.column("record").to_pylist() == [f["record"] for f in doc["findings"]]
    assert [d.isoformat() if d else None for d in table.column("deadline").to_pylist()] == [
        f.get("deadline") for f in doc["findings"]]
    # What every row would repeat is said once, in the file's metadata, as check --format json says it.
    metadata = {k.decode(): json.loads(v) for k, v in pq.read_metadata(path).metadata.items() if k != b"ARROW:schema"}
    assert {k: metadata[k] for k in ("as_of", "summary", "problems", "calendars", "rules")} == {
        k: doc[k] for k in ("as_of", "summary", "problems", "calendars", "rules")}


def test_duckdb_and_polars_read_it_as_it_is(tmp_path, run_cli):
    path = tmp_path / "findings.parquet"
    run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--output", str(path))
    _, text, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json")
    summary = json.loads(text)["summary"]
    counted = dict(duckdb.sql(f"SELECT status, count(*) FROM '{path}' GROUP BY status").fetchall())
    assert counted == {s: n for s, n in summary.items() if n and s != "not_applicable"}
    late = duckdb.sql(f"SELECT max(days_late), min(deadline) FROM '{path}' WHERE status = 'overdue'").fetchall()[0]
    assert isinstance(late[0], int) and isinstance(late[1], date)
    holidays = duckdb.sql(f"SELECT DISTINCT h.date, h.name FROM (SELECT unnest(holidays_skipped) AS h "
                          f"FROM '{path}')").fetchall()
    _, explained, _ = run_cli("check", EXAMPLES, "--as-of", "2026-11-20", "--format", "json", "--explain")
    named = {(d["date"], d["reason"]) for f in json.loads(explained)["findings"] for d in f.get("skipped", ())
             if date.fromisoformat(d["date"]).weekday() < 5}
    assert named and {(d.isoformat(), name) for d, name in holidays} == named
    frame = polars.read_parquet(path)
    assert frame.schema["deadline"] == polars.Date and frame.schema["working_days_late"] == polars.Int32
    assert frame.schema["explanation"] == polars.List(polars.String)
    assert frame.height == sum(n for s, n in summary.items() if s != "not_applicable")


def test_a_time_of_day_is_kept_as_an_instant_beside_the_day(tmp_path, run_cli):
    episodes = tmp_path / "missing.csv"
    episodes.write_text("id,kind,returned_from_missing,return_interview\n"
                        "m1,missing-episode,28/03/2025 21:30,31/03/2025 09:00\n", encoding="utf-8")
    path = tmp_path / "findings.parquet"
    code, _, err = run_cli("check", str(episodes), "--as-of", "2025-04-30", "--output", str(path))
    assert code in (0, 1), err
    row = next(r for r in pq.read_table(path).to_pylist() if r["trigger_at"] is not None)
    assert row["trigger_date"] == date(2025, 3, 28)
    assert row["trigger_at"].astimezone(timezone.utc) == datetime(2025, 3, 28, 21, 30, tzinfo=timezone.utc)


def test_kpi_writes_months_as_dates_and_counts_as_integers(tmp_path, run_cli):
    path = tmp_path / "kpi.parquet"
    args = ("kpi", str(CASEWORK / "kpi-cases.yaml"), "--as-of", "2022-12-31", "--by", "month")
    code, _, err = run_cli(*args, "--output", str(path))
    assert code == 0, err
    _, text, _ = run_cli(*args, "--format", "json")
    rows = json.loads(text)["rows"]
    table = pq.read_table(path)
    assert table.schema.field("month").type == pa.date32() and table.schema.field("met").type == pa.int64()
    got = table.to_pylist()
    assert [(r["rule"], r["month"].strftime("%Y-%m") if r["month"] else "(none)", r["met"], r["in_time_percent"])
            for r in got] == [(r["rule"], r["month"], r["met"], r["in_time_percent"]) for r in rows]


def test_kpi_parquet_accounts_for_every_record_as_the_json_does(tmp_path, run_cli):
    path = tmp_path / "kpi.parquet"
    args = ("kpi", str(CASEWORK / "kpi-cases.yaml"), "--as-of", "2022-12-31")
    code, _, err = run_cli(*args, "--output", str(path))
    assert code == 0, err
    expected = json.loads(run_cli(*args, "--format", "json")[1])
    table = pq.read_table(path)
    assert table.schema.field("records").type == pa.int64()
    assert [(r["rule"], r["not_applicable"], r["records"]) for r in table.to_pylist()] == [
        (r["rule"], r["not_applicable"], r["records"]) for r in expected["rows"]]
    assert json.loads(pq.read_metadata(path).metadata[b"records_read"]) == expected["records_read"]


def _referrals(explain):
    """Two referrals a day's decision is due on (1 working day), the duty's findings worked out with or without
    their working. r1, Mon 2 Sep 2024: due Tue 3 Sep, no day skipped. r2, Tue 24 Dec 2024: Christmas Day and Boxing
    Day skipped, due Fri 27 Dec."""
    from compliance.engines import evaluate
    from compliance.records import Record
    from compliance.rules import load_rules

    records = [Record(f"r{n}", "referral", {"referral_nfa": False}, {"referral": (day,)})
               for n, day in ((1, date(2024, 9, 2)), (2, date(2024, 12, 24)))]
    found = evaluate(records, load_rules(), date(2025, 1, 31), explain=explain)
    return [f for f in found if f.rule == "referral-decision-1wd"]


def test_days_skipped_not_worked_out_are_null_not_none_skipped():
    """report --no-explain works out no working: the holidays a period skipped are then not known (null), never
    "none" ([]), which a period that skipped none says, with 0 weekend days. A row not read is not known either."""
    from compliance.errors import Problem
    from compliance.reports.parquet import findings_batch

    def columns(batch):
        rows = batch.to_pylist()
        return [(r["record"], r["holidays_skipped"], r["weekend_days_skipped"]) for r in rows]

    assert columns(findings_batch(_referrals(explain=False))) == [("r1", None, None), ("r2", None, None)]
    assert columns(findings_batch(_referrals(explain=True))) == [
        ("r1", [], 0),
        ("r2", [{"date": date(2024, 12, 25), "name": "Christmas Day"},
                {"date": date(2024, 12, 26), "name": "Boxing Day"}], 0)]
    unread = findings_batch([], problems=[Problem("not a date", file="r.csv", line=3, column=4)]).to_pylist()
    assert [(r["status"], r["holidays_skipped"], r["weekend_days_skipped"]) for r in unread] == [
        ("unreadable", None, None)]


def test_the_metadata_lists_the_first_thousand_rows_not_read_and_counts_them_all(tmp_path, run_cli):
    """Issue: every row not read was in the metadata, which a reader reads whole: 400,000 bad rows made a 124 MB
    file whose metadata passed pyarrow's 100 MB, so pyarrow and pandas could not open it. The rows hold each one."""
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("id,kind,team,referral,referral_decision\n"
                       + "".join(f"r{n},referral,Front Door,soon,\n" for n in range(1_200))
                       + "ok,referral,Front Door,03/12/2024,\n", encoding="utf-8")
    path = tmp_path / "findings.parquet"
    code, _, _ = run_cli("check", str(tracker), "--as-of", "2024-12-10", "--output", str(path))
    assert code == 2
    metadata = pq.read_metadata(path).metadata
    problems = json.loads(metadata[b"problems"])
    assert json.loads(metadata[b"problems_total"]) == 1_200 and len(problems) == 1_000
    assert (problems[0]["row"], problems[-1]["row"]) == (2, 1_001)  # the header is row 1
    assert pq.read_table(path).column("status").to_pylist().count("unreadable") == 1_200
    out = tmp_path / "out"
    code, _, err = run_cli("report", str(tracker), "--as-of", "2024-12-10", "--out", str(out), "--quiet",
                           "--skip-bad-rows")
    assert code == 1, err  # the good referral's decision is overdue
    report = json.loads(pq.read_metadata(out / "latest.parquet").metadata[b"report"])
    assert report["rows_skipped"] == 1_200 and len(report["skipped_rows"]) == 1_000
    assert report["changes_total"] == 0 and report["changes"] == []
    metadata = pq.read_metadata(out / "latest.parquet").metadata
    assert json.loads(metadata[b"problems_total"]) == 1_200 and len(json.loads(metadata[b"problems"])) == 1_000
