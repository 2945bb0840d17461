"""What the benchmarks share: generated inspection trackers, a machine line, and a child process measured
for wall time, CPU and the peak memory of its whole process tree."""

from __future__ import annotations

import csv
import os
import platform
import random
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compliance.calendars import add_period  # noqa: E402

AS_OF = date(2026, 11, 20)
SEED = 2024
FRAMEWORKS = ("SIF", "ILACS", "ILACS", "ILACS", "ILACS-focused-visit", "JTAI", "SEND-area", "JAR")
COLUMNS = ("id", "kind", "authority", "framework", "lscb_review", "priority_actions", "statement_required",
           "inspection_start", "report_received", "ofsted_published", "report_published", "statement_published",
           "action_plan_sent", "draft_action_plan_sent", "lscb_report_received", "lscb_report_published")


def machine() -> str:
    """One line naming the machine the figures come from: they vary with it and with what else it is doing."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"Python {platform.python_version()} on {platform.machine()}, {cores} cores, "
            f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2 ** 30:.0f} GiB; "
            f"load average now {os.getloadavg()[0]:.1f}")


def done_at(rnd: random.Random, start: date, working_days: int) -> date | None:
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
                when = done_at(rnd, received, days)
                if when and when <= AS_OF:
                    row[event] = when
            if lscb:
                row["lscb_report_received"] = received
                when = done_at(rnd, received, 30)
                if when and when <= AS_OF:
                    row["lscb_report_published"] = when
            writer.writerow([row.get(c, "") for c in COLUMNS])
    return path


def tree_rss(root: int) -> int:
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


def run_measured(command: list[str], capture: bool = False) -> dict[str, Any]:
    """Run ``command`` in a child process: wall seconds, CPU of it and its workers, peak memory, bytes written.

    Peak memory is both the largest single process (getrusage maxrss, which Linux carries over from the
    parent at fork) and the whole tree at once, sampled every 0.1 s from /proc: quote the second. With
    ``capture``, the command's output (a few kilobytes at most: it is read once the command ends) is
    returned as "stdout". Exit codes 0 and 1 are answers; anything else stops the benchmark.
    """
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    peak = [0]
    finished = threading.Event()

    def sample() -> None:  # never waits for the child itself: wait4 below must be the one to reap it
        while not finished.wait(0.1):
            peak[0] = max(peak[0], tree_rss(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    finished.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    error = child.stderr.read().decode() if child.stderr else ""
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command[1:4])} failed (exit {child.returncode}):\n{error}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "largest_process": usage.ru_maxrss * 1024,
            "tree_peak": peak[0], "written": usage.ru_oublock * 512,
            "stdout": child.stdout.read().decode() if capture and child.stdout else ""}


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB" if abs(n) >= 1e5 else f"{n / 1e3:,.1f} kB"
