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
- bytes written per run: what the run adds on disk (hard links counted once) and what the
  command wrote to the block device (getrusage ru_oublock, SQLite's journal and the fsyncs included);
- history growth per run: history.sqlite3 after the second run less after the first.

Targets (issue 11) are printed beside each figure. Speed is measured here, never asserted in tests.
The machine is named at the top: figures vary with whatever else it is doing.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance.calendars import add_period  # noqa: E402

AS_OF = date(2026, 11, 20)
SEED = 2024
FRAMEWORKS = ("SIF", "ILACS", "ILACS", "ILACS", "ILACS-focused-visit", "JTAI", "SEND-area", "JAR")
COLUMNS = ("id", "kind", "authority", "framework", "lscb_review", "priority_actions", "statement_required",
           "inspection_start", "report_received", "ofsted_published", "report_published", "statement_published",
           "action_plan_sent", "draft_action_plan_sent", "lscb_report_received", "lscb_report_published")
TARGETS = {10_000: None, 100_000: {"seconds": 60, "peak_gb": 1.5, "page_mb": 15, "chromium_s": 5},
           1_000_000: {"seconds": 600, "peak_gb": 4.0}}


def _done(rnd: random.Random, start: date, working_days: int) -> date | None:
    """When a duty of ``working_days`` from ``start`` was done: mostly in time, some late, some never."""
    roll = rnd.random()
    if roll < 0.08:
        return None
    deadline = add_period(start, working_days, "working_days")
    if roll < 0.20:
        return deadline + timedelta(days=rnd.randint(1, 40))
    if roll < 0.30:
        return deadline
    return deadline - timedelta(days=rnd.randint(1, 30))


def write_records(path: Path, count: int, seed: int = SEED) -> Path:
    """``count`` inspection records as a tracker CSV, written row by row; the same for the same count and seed."""
    rnd = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(count):
            framework = rnd.choice(FRAMEWORKS)
            received = date(2008, 1, 7) + timedelta(days=rnd.randrange(0, 365 * 18 + 300))
            row: dict[str, object] = {
                "id": f"insp-{n:07d}", "kind": "inspection", "authority": f"Council {n % 152}",
                "framework": framework, "inspection_start": received - timedelta(days=rnd.randint(30, 60)),
                "ofsted_published": received + timedelta(days=rnd.randint(1, 7))}
            if rnd.random() < 0.9:  # a few records know only Ofsted's publication date
                row["report_received"] = received
            lscb = framework == "SIF" and rnd.random() < 0.7
            row["lscb_review"] = str(lscb).lower()
            row["priority_actions"] = str(framework == "ILACS-focused-visit" and rnd.random() < 0.5).lower()
            row["statement_required"] = str(framework in ("JTAI", "SEND-area", "JAR") and rnd.random() < 0.5).lower()
            for event, days in (("report_published", 30), ("statement_published", 70), ("action_plan_sent", 70),
                                ("draft_action_plan_sent", 20)):
                when = _done(rnd, received, days)
                if when and when <= AS_OF:
                    row[event] = when
            if lscb:
                row["lscb_report_received"] = received
                when = _done(rnd, received, 30)
                if when and when <= AS_OF:
                    row["lscb_report_published"] = when
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


def _tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants now, in bytes (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def run_report(records: Path, out: Path, as_of: date, extra: list[str]) -> dict[str, float]:
    """One `compliance report` run in a child process, measured."""
    command = [sys.executable, str(ROOT / "cli.py"), "report", str(records), "--out", str(out), "--as-of",
               as_of.isoformat(), "--quiet", *extra]
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    finished = threading.Event()

    def sample() -> None:  # never waits for the child itself: wait4 below must be the one to reap it
        while not finished.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    finished.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1):
        raise SystemExit(f"the report failed (exit {child.returncode}):\n{error}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "largest_process": usage.ru_maxrss * 1024,
            "tree_peak": peak[0], "written": usage.ru_oublock * 512}


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


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB" if abs(n) >= 1e5 else f"{n / 1e3:,.1f} kB"


def stored_per_run(db: Path) -> int:
    """What the newest run stored in the history: its row and its compressed duty states."""
    import sqlite3

    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT length(s.states) + length(s.titles) + length(r.summary) + 100 FROM runs r "
                                 "JOIN run_states s ON s.run_id = r.id ORDER BY r.id DESC LIMIT 1").fetchone()
    return int(row[0])


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
    print(f"{size:,} records ({_mb(records.stat().st_size)} of CSV), the second night:")
    _row("wall time", f"{night['seconds']:.1f} s", f"target <= {target['seconds']} s" if "seconds" in target else "")
    _row("CPU time, all processes", f"{night['cpu']:.1f} s")
    _row("peak memory, all processes at once", _mb(night["tree_peak"]),
         f"target <= {target['peak_gb']} GB" if "peak_gb" in target else "")
    _row("peak memory, largest process (maxrss)", _mb(night["largest_process"]))
    _row("report.html", _mb(page.stat().st_size), f"target <= {target['page_mb']} MB" if "page_mb" in target else "")
    _row("Chromium opens it in", "not measured" if loaded is None else f"{loaded:.2f} s",
         f"target <= {target['chromium_s']} s" if "chromium_s" in target else "")
    _row("added on disk by the run (links once)", _mb(disk_use(out) - before_disk))
    _row("written to disk by the run (ru_oublock)", _mb(night["written"]))
    _row("history growth per run (the file)", _mb(db.stat().st_size - before_db))
    _row("history stored per run (row and states)", _mb(stored_per_run(db)))
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
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"Python {platform.python_version()} on {platform.machine()}, {cores} cores, "
          f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2 ** 30:.0f} GiB; as of {AS_OF}; seed {SEED}; "
          f"load average now {os.getloadavg()[0]:.1f}\n")
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
