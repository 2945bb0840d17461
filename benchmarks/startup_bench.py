"""Start-up: how long a legal officer waits for `compliance deadline` and `--help`, against bare Python.

    python benchmarks/startup_bench.py              # 21 runs of each, medians
    python benchmarks/startup_bench.py --runs 51

Each command runs as a fresh process, as a user runs it, the installed `compliance` script when there
is one, else `python cli.py`. Runs alternate between the commands so a machine slowing down shows in all
of them alike. The calendar's working-day tables are cached on disk (keyed by the `holidays` version
and the calendar file's SHA-256): the first run after the cache is cleared pays for building them and
is shown apart; the medians are of warm starts, the start of every day after the first. The yardstick
is `python -c pass` (bare Python), and, for the date arithmetic, the start of what a user might
otherwise pick: `python -c "import workalendar.europe"` (the [bench] extra).

Targets (issue 11): `deadline` <= 200 ms, `--help` <= 150 ms, `import compliance` <= 150 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine

TARGETS_MS = {"deadline": 200, "help": 150, "import": 150}


def commands() -> dict[str, list[str]]:
    installed = shutil.which("compliance", path=str(Path(sys.executable).parent))
    cli = [installed] if installed else [sys.executable, str(ROOT / "cli.py")]
    found = {
        "deadline": [*cli, "deadline", "2018-12-05", "70 working days"],
        "help": [*cli, "--help"],
        "import": [sys.executable, "-c", "import compliance"],
        "bare Python": [sys.executable, "-c", "pass"],
    }
    try:
        import workalendar  # noqa: F401
    except ImportError:
        pass
    else:
        found["import workalendar"] = [sys.executable, "-c", "import workalendar.europe"]
    return found


def once(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21, help="runs of each command (default %(default)s)")
    args = parser.parse_args()
    print(machine() + "\n")
    cache = Path(tempfile.mkdtemp(prefix="startup-bench-cache-"))
    env = {**os.environ, "COMPLIANCE_CACHE_DIR": str(cache)}
    found = commands()
    first = once(found["deadline"], env)  # an empty cache: the calendar is built and written
    times: dict[str, list[float]] = {name: [] for name in found}
    for _ in range(args.runs):
        for name, command in found.items():
            times[name].append(once(command, env))
    shutil.rmtree(cache, ignore_errors=True)
    bare = statistics.median(times["bare Python"])
    print(f"  {'command':<20} {'median':>8} {'min':>8} {'max':>8} {'less bare Python':>17}   target")
    for name, values in times.items():
        median = statistics.median(values)
        target = TARGETS_MS.get(name)
        verdict = f"<= {target} ms: {'met' if 1000 * median <= target else 'MISSED'}" if target else ""
        print(f"  {name:<20} {1000 * median:>6.0f}ms {1000 * min(values):>6.0f}ms {1000 * max(values):>6.0f}ms "
              f"{1000 * (median - bare):>15.0f}ms   {verdict}")
    print(f"\n  the first deadline after the cache was cleared (builds the calendar): {1000 * first:.0f} ms")
    if "import workalendar" in times:
        ratio = statistics.median(times["deadline"]) / statistics.median(times["import workalendar"])
        print(f"  `compliance deadline` takes {ratio:.2f}x the time Python takes just to import workalendar.europe")
    return 0


if __name__ == "__main__":
    sys.exit(main())
