"""The command line reading the Standard Safeguarding Dataset where it lives: check, kpi, report and map take a
database URL, --show-sql prints what they would run, and the password is never printed, logged or written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, rules_without
from ssd_databases import create, fill, needs, postgres_ssd

AS_OF = "2025-03-31"
CHILDREN, SEED = 300, 11


@pytest.fixture(scope="module")
def ssd(tmp_path_factory):
    needs("sqlalchemy")
    needs("duckdb_engine")
    folder = tmp_path_factory.mktemp("ssd")
    fill(folder, f"sqlite:///{folder / 'ssd.sqlite3'}", CHILDREN, SEED)
    fill(folder, f"duckdb:///{folder / 'ssd.duckdb'}", CHILDREN, SEED)
    return {"folder": folder, "csv": sorted(str(p) for p in folder.glob("ssd_*.csv")),
            "sqlite": f"sqlite:///{folder / 'ssd.sqlite3'}", "duckdb": f"duckdb:///{folder / 'ssd.duckdb'}"}


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    with postgres_ssd(tmp_path_factory.mktemp("ssd-postgres"), CHILDREN, SEED) as database:
        yield database


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command, in a process of its own, with only the environment given beside the usual one."""
    base = {k: v for k, v in os.environ.items() if k not in ("PGPASSWORD", "COMPLIANCE_DB_PASSWORD", "PGPASSFILE")}
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          env={**base, **(env or {})}, cwd=cwd, timeout=600)


def test_check_reads_each_database_as_it_reads_the_tables_as_csv(ssd, run_cli):
    code, from_csv, _ = run_cli("check", *ssd["csv"], "--mapping", "ssd", "--as-of", AS_OF)
    assert code == 1 and "OVERDUE" in from_csv and "target: The system's target" in from_csv
    for route in ("sqlite", "duckdb"):
        code, out, err = run_cli("check", ssd[route], "--mapping", "ssd", "--as-of", AS_OF)
        assert code == 1 and sorted(out.splitlines()) == sorted(from_csv.splitlines()), route
        assert "record(s) read through ssd; duties checked: assessment-45wd" in err


def test_check_says_a_duty_whose_records_could_not_be_read_was_not_checked(ssd, run_cli, tmp_path):
    """Without ssd_cp_reviews no child protection plan is read (its reviews would look missed): rcpc, measured on the
    plans, is not checked, and the summary says so rather than listing it among the duties checked."""
    import shutil
    import sqlite3

    shutil.copy(ssd["folder"] / "ssd.sqlite3", tmp_path / "ssd.sqlite3")
    with sqlite3.connect(tmp_path / "ssd.sqlite3") as connection:
        connection.execute("DROP TABLE ssd_cp_reviews")
    code, out, err = run_cli("check", f"sqlite:///{tmp_path / 'ssd.sqlite3'}", "--mapping", "ssd", "--as-of", AS_OF)
    assert code == 2
    summary = next(line for line in err.splitlines() if "read through ssd" in line)
    checked, unchecked = summary.split("duties checked: ")[1].split("; not checked (no record of theirs was read): ")
    assert "icpc-15wd" in checked.split(", ") and "rcpc" not in checked.split(", ") and unchecked == "rcpc"
    assert ("there is no table ssd_cp_reviews; so the child-protection records of ssd_cp_plans were not read (the "
            "other kinds were)") in err
    assert "rcpc" not in out and "icpc-15wd" in out


def test_a_query_or_database_that_failed_is_not_said_to_be_a_row_left_out(run_cli, tmp_path):
    """A kind whose query failed (dates held as INTEGER in DuckDB) was "1 row could not be read", with a hint about
    locked files; a database not reached (a folder given as the file) said "the rows they name were left out"."""
    sa = needs("sqlalchemy")
    needs("duckdb_engine")
    url = f"duckdb:///{tmp_path / 'ssd.duckdb'}"
    create(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE ssd_cin_assessments")
        connection.exec_driver_sql("CREATE TABLE ssd_cin_assessments (cina_assessment_id VARCHAR, cina_person_id "
                                   "VARCHAR, cina_referral_id VARCHAR, cina_assessment_start_date INTEGER, "
                                   "cina_assessment_auth_date INTEGER)")
        connection.exec_driver_sql("INSERT INTO ssd_cin_episodes (cine_referral_id, cine_referral_date) VALUES "
                                   "('R1', '2024-01-02')")
        connection.exec_driver_sql("INSERT INTO ssd_cin_assessments VALUES ('A1', 'P1', 'R1', 20240103, 20240306)")
    engine.dispose()
    code, out, err = run_cli("check", url, "--mapping", "ssd", "--as-of", AS_OF)
    assert code == 2 and "1 row could not be read" not in out
    assert "no record could be checked: the tables or databases named could not be read" in out
    [error] = [line for line in err.splitlines() if line.startswith("error:")]
    assert "LINE " not in error and "no other program holds it open" not in error
    assert "(column cina_assessment_start_date is INTEGER, which the query cannot read as TIMESTAMP" in error
    assert "problem(s) in the records: the tables or databases they name were not read, no record could" in err
    (tmp_path / "folder.db").mkdir()
    code, _, err = run_cli("check", f"SQLITE:///{tmp_path / 'folder.db'}", "--mapping", "ssd", "--as-of", AS_OF)
    assert code == 2 and "folder.db: is a folder, not a SQLite database file" in err
    assert "the rows they name" not in err and "the tables or databases they name were not read" in err


def test_check_reads_postgresql_with_the_same_findings(ssd, postgres, run_cli):
    csv_route = run("check", *ssd["csv"], "--mapping", "ssd", "--as-of", AS_OF, "--format", "json")
    done = run("check", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, "--format", "json",
               env={"PGPASSWORD": postgres.password})
    assert done.returncode == 1, done.stderr

    def findings(text: str) -> list[str]:
        data = json.loads(text)
        return sorted(json.dumps(f, sort_keys=True) for f in data["findings"])

    assert findings(done.stdout) == findings(csv_route.stdout)


def test_kpi_and_report_show_the_systems_own_due_dates(ssd, run_cli, tmp_path):
    code, out, _ = run_cli("kpi", ssd["sqlite"], "--mapping", "ssd", "--as-of", AS_OF)
    assert code == 0 and "System targets:" in out and "counts the trigger day as day 1" in out
    for rule in ("icpc-15wd", "rcpc", "cla-review"):
        assert f"\n{rule} " in out.split("System targets:")[1]
    code, _, err = run_cli("report", ssd["duckdb"], "--mapping", "ssd", "--as-of", AS_OF, "--out",
                           str(tmp_path / "reports"), "--quiet", "--jobs", "1")
    assert code == 1, err
    page = (tmp_path / "reports" / "latest.md").read_text(encoding="utf-8")
    assert "## System targets" in page and "counts the trigger day as day 1" in page


def test_map_writes_every_kind_the_ssd_holds(ssd, run_cli, tmp_path):
    code, _, err = run_cli("map", ssd["sqlite"], "--mapping", "ssd", "--output", str(tmp_path / "records.csv"),
                           "--extract-date", AS_OF)
    assert code == 0, err
    text = (tmp_path / "records.csv").read_text(encoding="utf-8")
    for kind in ("referral", "child-protection", "looked-after", "missing-episode"):
        assert f",{kind}," in text
    assert "target:icpc-15wd" in text.splitlines()[0] and "return_interview" not in text.splitlines()[0]


def test_map_with_rules_lacking_a_duty_writes_no_target_of_it_so_check_reads_every_record(ssd, run_cli, tmp_path):
    """The SSD gives the plans' review due dates (target:rcpc). Written for rules without rcpc, `check` with those
    rules skipped every plan for a target of no rule: map leaves the column out, with a warning, and check then
    gives the findings `check --mapping` gives for every duty the SSD answers with those rules."""
    rules = str(rules_without(tmp_path / "rules", "rcpc"))
    records = tmp_path / "records.csv"
    code, _, err = run_cli("map", ssd["sqlite"], "--mapping", "ssd", "--rules", rules, "--output", str(records),
                           "--extract-date", AS_OF)
    assert code == 0 and "warning: target:rcpc: no rule or duty is called 'rcpc' in the rules in use" in err, err
    header = records.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert "target:icpc-15wd" in header and "target:rcpc" not in header
    code, mapped, err = run_cli("check", str(records), "--rules", rules, "--as-of", AS_OF, "--format", "json")
    assert code == 1 and "error" not in err, err
    code, direct, err = run_cli("check", ssd["sqlite"], "--mapping", "ssd", "--rules", rules, "--as-of", AS_OF,
                                "--extract-date", AS_OF,
                                "--format", "json")
    answered = err.split("duties checked: ")[1].split("\n")[0].split(", ")
    assert code == 1 and "icpc-15wd" in answered and "rcpc" not in answered

    def findings(out: str) -> list[str]:
        return sorted(json.dumps(f, sort_keys=True) for f in json.loads(out)["findings"] if f["rule"] in answered)

    assert len(findings(direct)) > 100 and findings(mapped) == findings(direct)


def test_records_map_writes_are_checked_as_check_mapping_checks_the_database(ssd, run_cli, tmp_path):
    """Probe D4: the missing episodes, whose return interview the SSD never dates, were written measured for every
    duty (an empty cell), so `check` of what map wrote gave 59 "missing data" return interviews `check --mapping`
    never gives. They are written measured for none, and the two give the same findings."""
    records = tmp_path / "records.csv"
    code, _, err = run_cli("map", ssd["sqlite"], "--mapping", "ssd", "--output", str(records), "--extract-date", AS_OF)
    assert code == 0, err
    assert f",missing-episode,{AS_OF},none," in records.read_text(encoding="utf-8")
    code, mapped, err = run_cli("check", str(records), "--as-of", AS_OF, "--format", "json")
    assert code == 1 and "error" not in err, err
    code, direct, err = run_cli("check", ssd["sqlite"], "--mapping", "ssd", "--as-of", AS_OF, "--extract-date", AS_OF,
                                "--format", "json")
    assert code == 1, err

    def findings(out: str) -> list[str]:
        return sorted(json.dumps(f, sort_keys=True) for f in json.loads(out)["findings"])

    assert len(findings(direct)) > 100 and findings(mapped) == findings(direct)
    assert not [f for f in json.loads(mapped)["findings"] if f["rule"] == "return-interview-72h"]


def test_show_sql_prints_the_queries_and_reads_nothing(run_cli):
    code, out, _ = run_cli("check", "postgresql://reader@db.invalid/ssd", "--mapping", "ssd", "--show-sql")
    assert code == 0 and out.startswith("-- The queries `compliance check` runs on postgresql://reader@db.invalid/ssd")
    assert "FROM ssd_cin_assessments\nORDER BY" in out and "IS NOT NULL" not in out  # rows that name no record too
    assert "ssd_missing" not in out
    code, out, _ = run_cli("map", "mssql+pyodbc://reader@ssd-dsn", "--mapping", "ssd", "--show-sql")
    assert code == 0 and "CAST(NULL AS DATETIME)" in out and "FROM ssd_missing" in out
    code, _, err = run_cli("kpi", "extracts/referrals.csv", "--show-sql")
    assert code == 2 and "give a database URL and --mapping" in err


def test_show_sql_with_an_output_file_is_refused_not_left_unwritten(run_cli, tmp_path):
    # The SQL is printed: a file given to --output was left as it was, with no word that nothing went into it.
    output = tmp_path / "queries.sql"
    code, out, err = run_cli("kpi", "postgresql://reader@db.invalid/ssd", "--mapping", "ssd", "--show-sql",
                             "--output", str(output))
    assert code == 2 and out == "" and not output.exists()
    assert "--show-sql prints the SQL and writes nothing: --output would be left as it is" in err
    assert "> queries.sql" in err


def test_a_database_needs_a_mapping_of_its_tables(ssd, run_cli):
    code, _, err = run_cli("check", ssd["sqlite"], "--as-of", AS_OF)
    assert code == 2 and "a database is read through a mapping of its tables (give --mapping ssd" in err
    code, _, err = run_cli("check", ssd["sqlite"], "--mapping", "annex-a-list5", "--as-of", AS_OF)
    assert code == 2 and "the annex-a-list5 mapping reads files, not a database" in err


def test_a_password_in_the_url_is_refused_and_never_echoed(run_cli, tmp_path):
    needs("sqlalchemy")
    for command in (("check", "postgresql://reader:Sekr1t-in-url@db.invalid/ssd", "--mapping", "ssd", "--output",
                     str(tmp_path / "findings.csv")),
                    ("report", "postgresql://reader@db.invalid/ssd?password=Sekr1t-in-url", "--mapping", "ssd",
                     "--out", str(tmp_path / "reports")),
                    ("synth", "--children", "3", "--layout", "ssd", "--output-dir", str(tmp_path / "ssd"),
                     "--database", "postgresql://owner:Sekr1t-in-url@db.invalid/ssd")):
        code, out, err = run_cli(*command)
        assert code == 2 and "holds a password" in err and "Sekr1t-in-url" not in out + err
    assert not list(tmp_path.iterdir())  # refused before anything was written


def _everything_written(*folders: Path) -> bytes:
    """Every byte the run wrote, compressed files as their readers see them (a password gzip or Parquet compressed
    would pass a search of the bytes on disk)."""
    import gzip

    import pyarrow.parquet as pq

    def readable(path: Path) -> bytes:
        if path.suffix == ".gz":
            return gzip.decompress(path.read_bytes())
        if path.suffix == ".parquet":
            return str(pq.read_table(path).to_pylist()).encode() + str(pq.read_metadata(path).metadata).encode()
        return path.read_bytes()

    return b"".join(readable(p) for folder in folders for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("source", ["PGPASSWORD", "COMPLIANCE_DB_PASSWORD", "PGPASSFILE"])
def test_the_password_is_never_printed_logged_or_written(postgres, tmp_path, source):
    secret = postgres.password
    if source == "PGPASSFILE":
        pgpass = tmp_path / "pgpass"
        pgpass.write_text(f"*:*:*:*:{secret}\n", encoding="utf-8")
        pgpass.chmod(0o600)
        env = {"PGPASSFILE": str(pgpass)}
    else:
        env = {source: secret}
    out = tmp_path / "out"
    runs = [
        run("check", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, "--explain", env=env),
        run("check", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, "--format", "json", "--output",
            str(out / "findings.json"), env=env),
        run("kpi", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, "--by", "team", "month", env=env),
        run("report", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, "--out", str(out / "reports"), env=env),
        run("map", postgres.url, "--mapping", "ssd", "--output", str(out / "records.csv"), env=env),
        run("check", postgres.url, "--mapping", "ssd", "--show-sql", env=env),
    ]
    assert [r.returncode for r in runs] == [1, 1, 0, 1, 0, 0], [r.stderr[-500:] for r in runs]
    assert "run 1:" in runs[3].stderr  # the report's log, at its usual level
    shown = "".join(r.stdout + r.stderr for r in runs)
    assert secret not in shown
    written = _everything_written(out)
    assert secret.encode() not in written
    assert (out / "reports" / "history.sqlite3").is_file()


def test_a_wrong_password_is_one_line_that_does_not_repeat_it(postgres):
    wrong = "Not-" + postgres.password
    for env in ({"PGPASSWORD": wrong}, {"COMPLIANCE_DB_PASSWORD": wrong}):
        done = run("check", postgres.url, "--mapping", "ssd", "--as-of", AS_OF, env=env)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "cannot connect" in done.stderr and "password authentication failed" in done.stderr
        assert wrong not in done.stderr + done.stdout
