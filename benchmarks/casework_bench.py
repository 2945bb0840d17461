"""Casework at national scale: a million case records from CSV to a KPI summary, three ways.

    python benchmarks/casework_bench.py                      # 1,000,000 records
    python benchmarks/casework_bench.py --records 200000 --subset 10000

1. ``compliance synth`` writes the records (not timed).
2. The vectorised engine reads the CSV files (streamed), evaluates the whole casework pack and
   tallies the KPIs, in a fresh process so its peak memory is its own.
3. The per-record native engine (records.py + engine.py, a plain Python loop over records) and the
   durable-rules backend run the same pipeline on a slice of the same files (every ``--subset``-th
   share of each file); their time is scaled up to the full count, and said so. On that slice the
   three KPI tables must be identical.

Prints records per second, peak memory and the ratios. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance.errors import ComplianceError  # noqa: E402
from compliance.reports import Tally  # noqa: E402
from compliance.rules import load_rules  # noqa: E402
from compliance.records.synth import write_extracts  # noqa: E402
from compliance.reports import tally_files  # noqa: E402

AS_OF = date(2025, 3, 31)
TARGET_SECONDS = 10.0
TARGET_MEMORY_MB = 2048
TARGET_RATIO = 20.0


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.csv"))


def _generate(directory: Path, records: int, seed: int) -> int:
    marker = directory / f".synth-{records}-{seed}"
    if marker.exists():
        return records
    for f in _files(directory):
        f.unlink()
    summary = write_extracts(directory, children=int(records * 0.62) + 1000, seed=seed, limit=records)
    marker.write_text(str(summary))
    return summary.total


def _slice(source: Path, target: Path, every: int) -> int:
    """Every ``every``-th data row of each file (header kept): the same data, thinned evenly."""
    target.mkdir(parents=True, exist_ok=True)
    total = 0
    for f in _files(source):
        with f.open(encoding="utf-8") as src, (target / f.name).open("w", encoding="utf-8") as out:
            out.write(src.readline())
            for i, line in enumerate(src):
                if i % every == 0:
                    out.write(line)
                    total += 1
    return total


def _run(directory: Path, engine: str) -> dict:
    rules = load_rules()
    tally = Tally(("rule",), "deadline")
    start, cpu = time.perf_counter(), time.process_time()
    problems = tally_files(_files(directory), rules, AS_OF, [tally], engine=engine)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    rows = [r.to_dict() for r in tally.rows()]
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "problems": len(problems), "rows": rows,
            "findings": sum(r["decided"] + r["due"] + r["missing_data"] for r in rows),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _in_fresh_process(directory: Path, engine: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", str(directory), "--engine", engine],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--subset", type=int, default=20_000,
                        help="records in the slice run by the per-record and durable engines (default %(default)s)")
    parser.add_argument("--workdir", help="keep the generated files here (default a temporary folder)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="batch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(_run(Path(args.measure), args.engine)))
        return 0

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="casework-bench-"))
    full = work / "full"
    full.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    reused = (full / f".synth-{args.records}-{args.seed}").exists()
    n = _generate(full, args.records, args.seed)
    size = sum(f.stat().st_size for f in _files(full)) / 1e6
    made = "reused" if reused else f"generated in {time.perf_counter() - t:.1f} s"
    print(f"{n:,} case records ({size:.0f} MB of CSV, six files, {made}); as of {AS_OF}; "
          f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")

    batch = _in_fresh_process(full, "batch")
    rate = n / batch["seconds"]
    print("\nvectorised engine, end to end (CSV -> findings -> KPI summary), fresh process:")
    print(f"  {batch['seconds']:.2f} s wall ({batch['cpu_seconds']:.2f} s CPU), {rate:,.0f} records/s, "
          f"{batch['findings']:,} findings counted, peak memory {batch['peak_mb']:.0f} MB, "
          f"{batch['problems']} bad rows")

    every = max(n // max(args.subset, 1), 1)
    part = work / f"slice-{every}"
    m = _slice(full, part, every)
    print(f"\nslice of the same files for the per-record engines: every {every}th row, {m:,} records")
    sliced = {"batch": _in_fresh_process(part, "batch"), "native": _in_fresh_process(part, "native")}
    try:
        sliced["durable"] = _in_fresh_process(part, "durable")
    except subprocess.CalledProcessError as exc:
        reason = (exc.stderr or "").strip().splitlines()[-1:] or ["unknown error"]
        print(f"  durable-rules backend unavailable here: {reason[0]}")
    identical = all(r["rows"] == sliced["batch"]["rows"] for r in sliced.values())
    print(f"  KPI tables identical across {', '.join(sliced)}: {identical}")
    print(f"\n{'engine':<44}{'records/s':>12}{'1M-record time':>16}{'vectorised is':>16}")
    print(f"{'vectorised (measured, full)':<44}{rate:>12,.0f}{batch['seconds'] * 1e6 / n:>15.1f}s{'':>16}")
    ratios = {}
    for name, label in (("native", "per-record native loop"), ("durable", "durable-rules backend")):
        if name not in sliced:
            continue
        r = m / sliced[name]["seconds"]
        ratios[name] = rate / r
        print(f"{label + ' (slice, scaled up)':<44}{r:>12,.0f}{1e6 / r:>15.1f}s{ratios[name]:>15.1f}x")
    print("\nThe per-record and durable times are measured on the slice and scaled linearly to the full count.")
    ok_time = batch["seconds"] * 1e6 / n <= TARGET_SECONDS
    ok_memory = batch["peak_mb"] < TARGET_MEMORY_MB
    ok_ratio = ratios.get("durable", 0) >= TARGET_RATIO
    print(f"targets: 1M records <= {TARGET_SECONDS:.0f} s: {'yes' if ok_time else 'NO'}; "
          f"peak < {TARGET_MEMORY_MB} MB: {'yes' if ok_memory else 'NO'}; "
          f">= {TARGET_RATIO:.0f}x durable-rules: {'yes' if ok_ratio else 'NO' if 'durable' in ratios else 'not measured'}; "
          f"identical results: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ComplianceError as exc:
        print(f"casework_bench: {exc}", file=sys.stderr)
        sys.exit(2)
