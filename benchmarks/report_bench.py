"""The nightly report at 10,000 and 100,000 inspection records (and 1,000,000 with --million), against its targets.

    python benchmarks/report_bench.py                     # 10,000 and 100,000 records
    python benchmarks/report_bench.py --million           # and 1,000,000
    python benchmarks/report_bench.py --sizes 2000 --explain no

For each size it writes a tracker CSV from a fixed seed (every framework, reports received 2008 to 2026,
duties done early, on the day, late or never: the distribution of engine_bench.py), runs
`compliance report` as a subprocess twice, as of the night before and as of the night, and measures
the second run, the one a council runs every night (it compares with the previous run):

- wall time, and CPU time of the command and its worker processes;
- peak memory: the largest single process (getrusage maxrss, as RUSAGE_CHILDREN reports it) and the
  whole process tree at once, sampled every 0.1 s from /proc;
- report.html's size, and the time Chromium takes to load it (Playwright, /usr/bin/chromium);
- the run folder: each file's size, largest first, against issue 20's budget (100 MB at 100,000 records,
  1 GB at 1,000,000);
- bytes written per run: what the run adds on disk (hard links counted once) and what the
  command wrote to the block device (getrusage ru_oublock, SQLite's journal and the fsyncs included);
- history growth per run: history.sqlite3 after the second run less after the first.

Targets (issue 11; the times and the run folder's budget from issue 20) are printed beside each figure. Speed is measured here, never asserted in tests.
The machine is named at the top: figures vary with whatever else it is doing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _common import AS_OF, ROOT, SEED, machine, mb, run_measured, write_records

TARGETS = {10_000: None, 100_000: {"seconds": 30, "peak_gb": 1.5, "page_mb": 15, "chromium_s": 5, "folder_mb": 100},
           1_000_000: {"seconds": 300, "peak_gb": 4.0, "folder_mb": 1000}}


def disk_use(folder: Path) -> int:
    """Bytes on disk under ``folder``, each file counted once however many names (hard links) it has."""
    seen, total = set(), 0
    for path in folder.rglob("*"):
        stat = path.lstat()
        if path.is_file() and (stat.st_dev, stat.st_ino) not in seen:
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_blocks * 512
    return total


def chromium_load(page_path: Path) -> float | None:
    """Seconds Chromium takes from navigation to the load event, or None without Playwright or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        started = time.perf_counter()
        page.goto(page_path.as_uri(), wait_until="load", timeout=600_000)
        seconds = time.perf_counter() - started
        browser.close()
    return seconds


def stored_per_run(db: Path) -> int:
    """What the newest run stored in the history: its row and its compressed duty states."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT length(s.states) + length(s.titles) + length(r.summary) + 100 FROM runs r "
                                 "JOIN run_states s ON s.run_id = r.id ORDER BY r.id DESC LIMIT 1").fetchone()
    return int(row[0])


def run_report(records: Path, out: Path, as_of: date, extra: list[str]) -> dict[str, float]:
    """One `compliance report` run in a child process, measured."""
    return run_measured([sys.executable, str(ROOT / "cli.py"), "report", str(records), "--out", str(out),
                         "--as-of", as_of.isoformat(), "--quiet", *extra])


def _row(label: str, value: str, target: str = "") -> None:
    print(f"  {label:<42} {value:>16}   {target}")


def measure(size: int, work: Path, extra: list[str]) -> None:
    records = work / f"inspections-{size}.csv"
    if not records.exists():
        write_records(records, size)
    out = work / f"out-{size}"
    shutil.rmtree(out, ignore_errors=True)
    run_report(records, out, AS_OF - timedelta(days=1), extra)
    db = out / "history.sqlite3"
    before_disk, before_db = disk_use(out), db.stat().st_size
    night = run_report(records, out, AS_OF, extra)
    page = out / AS_OF.isoformat() / "report.html"
    loaded = chromium_load(out / "latest.html")
    target = TARGETS.get(size) or {}
    print(f"{size:,} records ({mb(records.stat().st_size)} of CSV), the second night:")
    _row("wall time", f"{night['seconds']:.1f} s", f"target <= {target['seconds']} s" if "seconds" in target else "")
    _row("CPU time, all processes", f"{night['cpu']:.1f} s")
    _row("peak memory, all processes at once", mb(night["tree_peak"]),
         f"target <= {target['peak_gb']} GB" if "peak_gb" in target else "")
    _row("peak memory, largest process (maxrss)", mb(night["largest_process"]))
    _row("report.html", mb(page.stat().st_size), f"target <= {target['page_mb']} MB" if "page_mb" in target else "")
    _row("Chromium opens it in", "not measured" if loaded is None else f"{loaded:.2f} s",
         f"target <= {target['chromium_s']} s" if "chromium_s" in target else "")
    folder = out / AS_OF.isoformat()
    files = sorted(((p.stat().st_size, p.name) for p in folder.iterdir() if p.is_file()), reverse=True)
    _row("run folder (the night's files)", mb(sum(size for size, _ in files)),
         f"target <= {target['folder_mb']} MB" if "folder_mb" in target else "")
    for size_, name in files:
        _row(f"  {name}", mb(size_))
    _row("added on disk by the run (links once)", mb(disk_use(out) - before_disk))
    _row("written to disk by the run (ru_oublock)", mb(night["written"]))
    _row("history growth per run (the file)", mb(db.stat().st_size - before_db))
    _row("history stored per run (row and states)", mb(stored_per_run(db)))
    print(flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="numbers of records")
    parser.add_argument("--million", action="store_true", help="add 1,000,000 records (about 10 minutes)")
    parser.add_argument("--jobs", type=int, help="passed to compliance report (default: one per core)")
    parser.add_argument("--explain", choices=("yes", "no", "both"), default="yes",
                        help="with each finding's working in the files, without it (--no-explain), or both")
    parser.add_argument("--work", type=Path, help="folder for the records and reports (default: a temporary one)")
    args = parser.parse_args()
    sizes = args.sizes + ([1_000_000] if args.million else [])
    print(f"{machine()}; as of {AS_OF}; seed {SEED}\n")
    work = args.work or Path(tempfile.mkdtemp(prefix="report-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    variants = {"yes": [[]], "no": [["--no-explain"]], "both": [[], ["--no-explain"]]}[args.explain]
    for size in sizes:
        for variant in variants:
            extra = variant + (["--jobs", str(args.jobs)] if args.jobs else [])
            if len(variants) > 1 or variant:
                print("without the working (--no-explain):" if variant else "with the working:")
            measure(size, work, extra)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
