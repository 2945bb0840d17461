"""The Standard Safeguarding Dataset read where it lives, against the same tables read as CSV files.

    python benchmarks/ssd_bench.py                              # 10,000 and 100,000 children
    python benchmarks/ssd_bench.py --sizes 2000 --no-postgres    # without a PostgreSQL server
    python benchmarks/ssd_bench.py --sizes 100000 --routes csv postgresql

For each size, `compliance synth --layout ssd` writes the children's SSD tables as CSV files (the file
route) and loads them into PostgreSQL (the server named by COMPLIANCE_TEST_POSTGRES, with
COMPLIANCE_TEST_POSTGRES_PASSWORD: .ci/postgres.sh starts one), SQLite and DuckDB. Then, each in a process of
its own, measured for wall time, CPU (the command and its workers) and peak memory (the whole process tree,
sampled from /proc):

- read: the records read through the ssd mapping and nothing else (what the database route adds);
- kpi: `compliance kpi` streamed into the vectorised engine (its memory should not grow with the tables);
- report: `compliance report` run as of the night before and as of the night; the second is measured, as
  in report_bench.py (its budget: 60 s and 1.5 GB at 100,000 inspection records).

With PostgreSQL on this machine, the CPU its server spends on each command is given beside the command's.

The machine line gives the load average before and after: the machine may be shared, so CPU time is the
figure to compare. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine, mb, run_measured

AS_OF, NIGHT_BEFORE = "2025-03-31", "2025-03-30"
SEED = 21


def read_only(source: str) -> None:
    """The read phase alone: every record the ssd mapping builds from ``source``, kept as check and report keep them."""
    from glob import glob

    from compliance.records import load_extract
    from compliance.rules import load_rules

    sources = sorted(glob(source)) if "*" in source else [source]
    _, records, problems, _ = load_extract(sources, "ssd", load_rules())
    print(f"{len(records)} records, {len(problems)} problems")


def postgres(children: int, folder: Path) -> tuple[str, callable]:
    """A fresh database on the test server holding the tables in ``folder``; its URL and how to drop it."""
    import sqlalchemy as sa

    url = os.environ["COMPLIANCE_TEST_POSTGRES"]
    password = os.environ.get("COMPLIANCE_TEST_POSTGRES_PASSWORD", "")
    server = sa.engine.make_url(url).set(drivername="postgresql+psycopg", password=password or None)
    name = f"ssd_bench_{children}_{secrets.token_hex(3)}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    os.environ["PGPASSWORD"] = password  # for the commands measured, as a performance team would set it

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return f"postgresql://{server.username}@{server.host}:{server.port or 5432}/{name}", drop


def server_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (its CPU is then measured too)."""
    import sqlalchemy as sa

    engine = sa.create_engine(sa.engine.make_url(url).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:  # read while the backend serving this connection is alive
            backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None
    finally:
        engine.dispose()


def server_cpu(pid: int | None) -> float:
    """CPU seconds the server has used: its main process, its children alive, and those it has reaped."""
    if pid is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, and its reaped children's
        elif int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def load(folder: Path, url: str) -> float:
    from compliance.records._synth_ssd import load_database

    started = time.perf_counter()
    load_database(folder, url)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="children")
    parser.add_argument("--no-postgres", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--routes", nargs="+", choices=("csv", "postgresql", "sqlite", "duckdb"),
                        default=["csv", "postgresql", "sqlite", "duckdb"], help="the routes to time (default all)")
    parser.add_argument("--read-only", metavar="SOURCE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read_only:
        read_only(args.read_only)
        return
    use_postgres = (not args.no_postgres and "postgresql" in args.routes
                    and bool(os.environ.get("COMPLIANCE_TEST_POSTGRES")))
    print(f"ssd_bench: {machine()}")
    if not use_postgres:
        print("(PostgreSQL left out: set COMPLIANCE_TEST_POSTGRES and COMPLIANCE_TEST_POSTGRES_PASSWORD)")
    python, cli = sys.executable, str(ROOT / "cli.py")
    for children in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="ssd-bench-"))
        drops = []
        try:
            started = time.perf_counter()
            from compliance.records.synth import write_extracts

            summary = write_extracts(work / "tables", children, SEED, layout="ssd")
            print(f"\n{children:,} children: {summary.total:,} SSD records in {len(summary.files)} tables, "
                  f"{sum(p.stat().st_size for p in summary.files) / 1e6:.1f} MB of CSV, written in "
                  f"{time.perf_counter() - started:.1f} s")
            routes = {"CSV files": str(work / "tables" / "ssd_*.csv")} if "csv" in args.routes else {}
            server = None
            if use_postgres:
                url, drop = postgres(children, work)
                drops.append(drop)
                print(f"  loaded into PostgreSQL in {load(work / 'tables', url):.1f} s")
                routes["PostgreSQL"] = url
                server = server_pid(url)
            for kind in (k for k in ("sqlite", "duckdb") if k in args.routes):
                url = f"{kind}:///{work / f'ssd.{kind}'}"
                print(f"  loaded into {kind} in {load(work / 'tables', url):.1f} s")
                routes[{"sqlite": "SQLite", "duckdb": "DuckDB"}[kind]] = url
            print(f"  {'route':<11} {'phase':<7} {'wall':>8} {'CPU':>8} {'server CPU':>11} "
                  f"{'peak, all processes':>20}")
            for route, source in routes.items():
                expanded = sorted(str(p) for p in (work / "tables").glob("ssd_*.csv")) if "*" in source else [source]
                phases = {
                    "read": [python, str(Path(__file__)), "--read-only", source],
                    "kpi": [python, cli, "kpi", *expanded, "--mapping", "ssd", "--as-of", AS_OF],
                }
                if route in ("CSV files", "PostgreSQL") or not use_postgres:
                    out = work / f"reports-{route.split()[0]}"
                    report = [python, cli, "report", *expanded, "--mapping", "ssd", "--out", str(out), "--quiet"]
                    run_measured(report + ["--as-of", NIGHT_BEFORE])  # the night before, for the changes
                    phases["report"] = report + ["--as-of", AS_OF]
                for phase, command in phases.items():
                    before = server_cpu(server) if route == "PostgreSQL" else 0.0
                    got = run_measured(command)
                    used = f"{server_cpu(server) - before:.1f}s" if route == "PostgreSQL" and server else "-"
                    print(f"  {route:<11} {phase:<7} {got['seconds']:>7.1f}s {got['cpu']:>7.1f}s {used:>11} "
                          f"{mb(got['tree_peak']):>20}")
        finally:
            for drop in drops:
                drop()
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nload average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
