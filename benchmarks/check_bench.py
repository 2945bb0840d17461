"""`compliance check` on 100,000 inspection records in every format, against its targets (issue 11).

    python benchmarks/check_bench.py                          # 100,000 records, every format
    python benchmarks/check_bench.py --sizes 25000 100000     # is it linear in records?
    python benchmarks/check_bench.py --formats json --jobs 1

The records are report_bench.py's tracker (the same seed). Each format is written to a file with
`--output`, as a legal officer would, in a child process measured for wall time, CPU of it and its
workers, and the peak memory of the whole process tree. A user's alternative is the durable-rules
engine (`--engine durable`), compared on a slice: it takes much longer, so it is timed on --durable
records (default 5,000) and the ratio is printed per record. Targets (issue 20): <= 15 s and <= 1 GB at 100,000
records in every format, and `--format json` at most 150 MB there. Speed is measured here, never asserted in
tests; sizes do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from _common import AS_OF, ROOT, SEED, machine, mb, run_measured, write_records

FORMATS = ("table", "json", "csv", "md", "parquet", "xlsx")
TARGET_SECONDS, TARGET_BYTES = 15, 1e9
#: Issue 20's budget for what `check --format json` writes at 100,000 records.
TARGET_JSON_BYTES = 150e6


def check(records: Path, fmt: str, output: Path, extra: list[str]) -> dict[str, float]:
    return run_measured([sys.executable, str(ROOT / "cli.py"), "check", str(records), "--as-of", AS_OF.isoformat(),
                         "--format", fmt, "--output", str(output), *extra])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000], help="numbers of records")
    parser.add_argument("--formats", nargs="+", choices=FORMATS, default=list(FORMATS))
    parser.add_argument("--jobs", type=int, help="passed to compliance check (default: one per core)")
    parser.add_argument("--durable", type=int, default=5_000,
                        help="records to time the durable-rules engine on (0: skip; needs the [durable] extra)")
    parser.add_argument("--work", type=Path, help="folder for the records and outputs (default: a temporary one)")
    args = parser.parse_args()
    print(f"{machine()}; as of {AS_OF}; seed {SEED}\n")
    work = args.work or Path(tempfile.mkdtemp(prefix="check-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"  {'records':>9} {'format':<6} {'wall':>8} {'CPU':>8} {'peak, all processes':>20} {'per 1,000':>10} "
          f"{'output':>10}   targets (100,000: <= {TARGET_SECONDS} s, <= {TARGET_BYTES / 1e9:.0f} GB)")
    native_per_record = None
    for size in args.sizes:
        records = work / f"inspections-{size}.csv"
        if not records.exists():
            write_records(records, size)
        for fmt in args.formats:
            output = work / f"findings-{size}.{fmt}"
            run = check(records, fmt, output, extra)
            verdict = ""
            if size == 100_000:
                met = run["seconds"] <= TARGET_SECONDS and run["tree_peak"] <= TARGET_BYTES
                verdict = "met" if met else "MISSED"
                if fmt == "json":
                    fits = output.stat().st_size <= TARGET_JSON_BYTES
                    verdict += f"; size <= {TARGET_JSON_BYTES / 1e6:.0f} MB: {'met' if fits else 'MISSED'}"
            if fmt == "table":
                native_per_record = run["seconds"] / size
            print(f"  {size:>9,} {fmt:<6} {run['seconds']:>7.1f}s {run['cpu']:>7.1f}s {mb(run['tree_peak']):>20} "
                  f"{1000 * run['seconds'] / size:>9.2f}s {mb(output.stat().st_size):>10}   {verdict}", flush=True)
    if args.durable and native_per_record is not None:
        sliced = work / f"inspections-{args.durable}.csv"
        if not sliced.exists():
            write_records(sliced, args.durable)
        try:
            import durable  # noqa: F401
        except ImportError:
            print("\ndurable-rules is not installed (pip install '.[durable]'): the comparison is skipped")
        else:
            run = check(sliced, "table", work / "durable.table", ["--engine", "durable"])
            per_record = run["seconds"] / args.durable
            print(f"\ndurable-rules engine, table, {args.durable:,} records: {run['seconds']:.1f} s, "
                  f"{1000 * per_record:.2f} s per 1,000 records: {per_record / native_per_record:.1f}x the native "
                  "engine's time per record")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
