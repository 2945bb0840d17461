"""The referral KPIs three ways: `compliance kpi`, an analyst's DuckDB SQL, and an analyst's pandas script.

    pip install -e ".[bench]"
    python benchmarks/kpi_vs_sql.py                       # 2,000,000 referrals
    python benchmarks/kpi_vs_sql.py --referrals 200000 --memory-sizes ""

1. ``compliance synth`` writes the referrals (not timed); the file is kept in --work for the next run.
2. Each contender runs in a fresh process on the same CSV file and prints its counts by rule and status;
   the script times the whole process (reading the CSV included), takes its peak memory, and stops if
   the counts are not identical.
   - **compliance**: ``compliance kpi referrals.csv --format json`` (every rule, every cell checked).
   - **DuckDB**: one SQL query, 2 threads, with a working-day rank table made from the same calendar
     (the n-th working day after D is the working day whose rank is rank(D) + n).
   - **pandas**: the same with ``read_csv`` and ``numpy.searchsorted`` on the working days.
   The hand-written versions compute only what this file needs (referral decision and assessments after
   April 2013); the project evaluates every referral rule in the pack, as a user would run it.
3. Memory as input grows: ``compliance kpi`` on --memory-sizes rows (the file repeated with new ids);
   the target is at most +20% from the smallest to the largest.

Target: ``compliance kpi`` at least as fast as the DuckDB SQL. Speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from _common import ROOT, run_measured

AS_OF = "2025-03-31"
CHILDREN_PER_REFERRAL = 0.8  # compliance synth writes about 1.25 referrals per child
STATUSES = ("met", "late", "overdue", "due")
# The referral duties the hand-written versions compute: (rule, trigger, completion, working days, needs no NFA).
DUTIES = (
    ("referral-decision-1wd", "referral", "referral_decision", 1, False),
    ("assessment-45wd", "referral", "assessment_completed", 45, True),
    ("assessment-45wd-from-start", "assessment_start", "assessment_completed", 45, True),
)
IN_FORCE_FROM = "2013-04-15"


def working_days() -> tuple[list[int], int]:
    """The calendar's working days as day ordinals, and its first day: the tables both SQL and pandas use."""
    sys.path.insert(0, str(ROOT))
    from compliance.calendars import get_calendar

    cal = get_calendar("england-and-wales")
    return list(cal.working_ordinals), cal.first_day.toordinal()


def run_duckdb(path: str) -> dict[str, dict[str, int]]:
    import duckdb
    import numpy as np

    working, _ = working_days()
    con = duckdb.connect()
    con.execute("SET threads = 2")
    work = np.asarray(working, dtype=np.int64) - 719163  # days since 1970-01-01
    import pyarrow as pa

    con.register("wd_frame", pa.table({"k": np.arange(1, len(work) + 1), "day": pa.array(work.astype("datetime64[D]"))}))
    con.execute("CREATE TABLE wd AS SELECT k::INTEGER AS k, day::DATE AS day FROM wd_frame")
    # rank(D): working days on or before D, for every day of the calendar.
    con.execute("""
        CREATE TABLE cal AS
        SELECT c.d::DATE AS day, coalesce(wd.k, 0)::INTEGER AS rank
        FROM range(DATE '2000-01-01', DATE '2051-01-01', INTERVAL 1 DAY) c(d)
        ASOF LEFT JOIN wd ON c.d >= wd.day
    """)
    parts = []
    for rule, trigger, done, n, needs_nfa in DUTIES:
        nfa = "AND NOT coalesce(referral_nfa, false)" if needs_nfa else ""
        parts.append(f"""SELECT '{rule}' AS rule, {trigger} AS trig, {done} AS done, {n} AS n FROM r
                         WHERE {trigger} BETWEEN DATE '{IN_FORCE_FROM}' AND DATE '{AS_OF}' {nfa}""")
    rows = con.execute(f"""
        WITH r AS (
            SELECT * FROM read_csv('{path}', header = true, columns = {{
                'id': 'VARCHAR', 'kind': 'VARCHAR', 'child': 'VARCHAR', 'team': 'VARCHAR', 'authority': 'VARCHAR',
                'referral_nfa': 'BOOLEAN', 'referral': 'DATE', 'referral_decision': 'DATE',
                'assessment_start': 'DATE', 'assessment_completed': 'DATE',
                'initial_assessment_completed': 'DATE', 'core_assessment_start': 'DATE',
                'core_assessment_completed': 'DATE'}})
        ), duties AS ({' UNION ALL '.join(parts)})
        SELECT rule, CASE
                WHEN done >= trig AND done <= DATE '{AS_OF}' THEN CASE WHEN done <= w.day THEN 'met' ELSE 'late' END
                WHEN DATE '{AS_OF}' > w.day THEN 'overdue' ELSE 'due' END AS status, count(*)
        FROM duties d JOIN cal c ON c.day = d.trig JOIN wd w ON w.k = c.rank + d.n
        GROUP BY ALL
    """).fetchall()
    return _table(rows)


def run_pandas(path: str) -> dict[str, dict[str, int]]:
    import numpy as np
    import pandas as pd

    working, _ = working_days()
    work = np.asarray(working, dtype=np.int64) - 719163
    dates = ["referral", "referral_decision", "assessment_start", "assessment_completed"]
    frame = pd.read_csv(path, usecols=["referral_nfa", *dates], dtype={"referral_nfa": "boolean"},
                        parse_dates=dates, engine="pyarrow")
    as_of = np.datetime64(AS_OF).astype(np.int64)
    since = np.datetime64(IN_FORCE_FROM).astype(np.int64)
    nfa = frame["referral_nfa"].fillna(False).to_numpy(dtype=bool)
    rows = []
    for rule, trigger, done, n, needs_nfa in DUTIES:
        trig = frame[trigger].to_numpy(dtype="datetime64[D]").astype(np.int64)
        finish = frame[done].to_numpy(dtype="datetime64[D]")
        present = ~np.isnat(finish)
        finish = finish.astype(np.int64)
        keep = (trig >= since) & (trig <= as_of) & ~np.isnat(frame[trigger].to_numpy(dtype="datetime64[D]"))
        if needs_nfa:
            keep &= ~nfa
        trig, finish, present = trig[keep], finish[keep], present[keep]
        deadline = work[np.searchsorted(work, trig, side="right") + n - 1]
        completed = present & (finish >= trig) & (finish <= as_of)
        status = np.where(completed, np.where(finish <= deadline, 0, 1), np.where(as_of > deadline, 2, 3))
        counts = np.bincount(status, minlength=4)
        rows += [(rule, s, int(c)) for s, c in zip(STATUSES, counts) if c]
    return _table(rows)


def run_compliance(path: str) -> dict[str, dict[str, int]]:
    out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "kpi", path, "--as-of", AS_OF, "--format", "json"],
                         capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        raise SystemExit(f"compliance kpi failed ({out.returncode}): {out.stderr}")
    doc = json.loads(out.stdout)
    return {row["rule"]: {s: row[s] for s in STATUSES if row[s]} for row in doc["rows"]
            if any(row[s] for s in STATUSES)}


def _table(rows: list[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for rule, status, count in rows:
        out.setdefault(rule, {})[status] = int(count)
    return out


CONTENDERS = {"compliance": run_compliance, "duckdb": run_duckdb, "pandas": run_pandas}


def timed(name: str, path: Path) -> tuple[float, float, dict[str, dict[str, int]]]:
    """Run one contender in a fresh process: (seconds, peak MB of its whole process tree, counts)."""
    run = run_measured([sys.executable, __file__, "--run", name, str(path)], capture=True)
    return run["seconds"], run["tree_peak"] / 1e6, json.loads(run["stdout"])["counts"]


def _generate(work: Path, referrals: int, seed: int) -> Path:
    path = work / f"referrals-{referrals}-{seed}.csv"
    if path.exists():
        return path
    folder = work / f"synth-{referrals}-{seed}"
    children = int(referrals * CHILDREN_PER_REFERRAL) + 1
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "synth", "--children", str(children), "--seed", str(seed),
                    "--output-dir", str(folder)], check=True, capture_output=True)
    lines = (folder / "referrals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:referrals + 1]), encoding="utf-8")
    return path


def _grown(base: Path, rows: int) -> Path:
    """``base`` repeated (each copy's ids made new) to ``rows`` rows."""
    path = base.with_name(f"{base.stem}-x{rows}.csv")
    if path.exists():
        return path
    lines = base.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        written, copy = 0, 0
        while written < rows:
            take = body[:rows - written]
            out.writelines(take if copy == 0 else (f"{line.split(',', 1)[0]}-c{copy},{line.split(',', 1)[1]}"
                                                   for line in take))
            written += len(take)
            copy += 1
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--referrals", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default=os.environ.get("TMPDIR", "/tmp") + "/kpi-vs-sql",
                        help="folder for the generated files, kept between runs")
    parser.add_argument("--memory-sizes", default="1000000,5000000",
                        help="row counts for the memory test, comma-separated ('' to leave it out)")
    parser.add_argument("--run", nargs=2, metavar=("CONTENDER", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        name, path = args.run
        print(json.dumps({"counts": CONTENDERS[name](path)}))
        return 0

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    path = _generate(work, args.referrals, args.seed)
    print(f"{args.referrals:,} referrals in {path} ({path.stat().st_size / 1e6:.0f} MB), as of {AS_OF}; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    results = {name: timed(name, path) for name in CONTENDERS}
    for name, (seconds, peak, _) in results.items():
        print(f"  {name:<12} {seconds:7.2f} s   peak {peak:7.0f} MB")
    base_counts = results["compliance"][2]
    mine = {rule: base_counts.get(rule, {}) for rule, *_ in DUTIES}
    agree = all(results[name][2] == mine for name in ("duckdb", "pandas"))
    print(f"counts: {'identical' if agree else 'DIFFERENT'}: {json.dumps(mine)}")
    if not agree:
        for name in ("duckdb", "pandas"):
            print(f"  {name}: {json.dumps(results[name][2])}", file=sys.stderr)
    ours = results["compliance"][0]
    print(f"ratios: DuckDB / compliance = {results['duckdb'][0] / ours:.2f}x; "
          f"pandas / compliance = {results['pandas'][0] / ours:.2f}x; target >= 1x DuckDB: "
          f"{'met' if results['duckdb'][0] >= ours else 'MISSED'}")
    sizes = [int(s) for s in args.memory_sizes.split(",") if s.strip()]
    if sizes:
        peaks = []
        for rows in sizes:
            seconds, peak, _ = timed("compliance", _grown(path, rows))
            peaks.append(peak)
            print(f"  compliance kpi on {rows:>10,} rows: {seconds:6.2f} s, peak {peak:6.0f} MB")
        growth = peaks[-1] / peaks[0] - 1
        print(f"memory growth {sizes[0]:,} -> {sizes[-1]:,} rows: {growth:+.0%} (target <= +20%: "
              f"{'met' if growth <= 0.20 else 'MISSED'})")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
