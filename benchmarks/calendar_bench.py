"""How fast add_period counts working days, against workalendar and a naive day-stepping loop.

All three run on the same 100,000 random (start, n) inputs (fixed seed) in one run, and must agree:
the naive loop on every input, workalendar on every input whose span misses the days it gets wrong
(it has no 8 May 2023 coronation holiday; the days are found by comparing it with our calendar, which
the tests check against GOV.UK). Targets: at most 1 µs per add_period call, at least 50x workalendar.

Then whole columns: the public ``add_working_days`` and ``working_days_between`` on 1,000,000 numpy
dates against numpy's own ``busday_offset(roll="backward")`` and ``busday_count`` given the same
holidays; the answers must be equal. Target: at least 2x numpy.

    pip install -e ".[bench]"
    python benchmarks/calendar_bench.py [--inputs 100000] [--columns 1000000] [--seed 20181205]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta
from typing import Callable

import numpy as np
from workalendar.europe import UnitedKingdom

from compliance.calendars import add_period, add_working_days, get_calendar, working_days_between

FIRST_START = date(2000, 1, 1)
LAST_START = date(2049, 6, 30)
MAX_N = 120
TARGET_MICROSECONDS = 1.0
TARGET_RATIO = 50.0
TARGET_COLUMN_RATIO = 2.0

Inputs = list[tuple[date, int]]


def make_inputs(count: int, seed: int) -> Inputs:
    """Random start dates across the covered years and periods of 1 to MAX_N working days."""
    rng = random.Random(seed)
    span = (LAST_START - FIRST_START).days
    first = FIRST_START.toordinal()
    return [(date.fromordinal(first + rng.randrange(span + 1)), rng.randint(1, MAX_N)) for _ in range(count)]


def naive_adder() -> Callable[[date, int], date]:
    """The textbook loop (legal-timelines.md §1.2): step a day, count it if it is a working weekday."""
    cal = get_calendar()
    closed = frozenset(h.date for year in range(cal.first_day.year, cal.last_day.year + 1)
                       for h in cal.holidays(year))
    one = timedelta(days=1)

    def add(start: date, n: int) -> date:
        day, count = start, 0
        while count < n:
            day += one
            if day.weekday() < 5 and day not in closed:
                count += 1
        return day

    return add


def timed(label: str, run: Callable[[Inputs], list[date]], inputs: Inputs,
          repeats: int) -> tuple[list[date], float]:
    """Results and the best time per call over ``repeats`` full passes, in microseconds."""
    best = float("inf")
    results: list[date] = []
    for _ in range(repeats):
        started = time.perf_counter()
        results = run(inputs)
        best = min(best, time.perf_counter() - started)
    per_call = best / len(inputs) * 1e6
    print(f"  {label:<44} {per_call:10.3f} µs per call  (best of {repeats})")
    return results, per_call


def workalendar_gaps(uk: UnitedKingdom) -> set[date]:
    """Days on which workalendar and our calendar disagree about working, over the benchmark's span."""
    cal = get_calendar()
    day, last, gaps = FIRST_START, date(LAST_START.year + 1, 12, 31), set()
    while day <= last:
        if uk.is_working_day(day) != cal.is_working_day(day):
            gaps.add(day)
        day += timedelta(days=1)
    return gaps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=100_000, help="number of random inputs (default 100000)")
    parser.add_argument("--columns", type=int, default=1_000_000,
                        help="dates in the column benchmark (default 1000000; 0 to leave it out)")
    parser.add_argument("--seed", type=int, default=20181205, help="random seed (default 20181205)")
    args = parser.parse_args(argv)

    inputs = make_inputs(args.inputs, args.seed)
    get_calendar()  # load outside the timings
    uk = UnitedKingdom()
    naive = naive_adder()
    print(f"{len(inputs):,} inputs: starts {FIRST_START} to {LAST_START}, 1 to {MAX_N} working days, "
          f"seed {args.seed}; Python {sys.version.split()[0]}")

    # Each pass is a plain loop calling the function itself, so no wrapper's cost is charged to it.
    ours, ours_us = timed('add_period(start, n, "working_days")',
                          lambda xs: [add_period(d, n, "working_days") for d, n in xs], inputs, repeats=5)
    stepped, naive_us = timed("naive day-stepping loop", lambda xs: [naive(d, n) for d, n in xs],
                              inputs, repeats=1)
    theirs, theirs_us = timed("workalendar UnitedKingdom().add_working_days",
                              lambda xs: [uk.add_working_days(d, n) for d, n in xs], inputs, repeats=1)

    gaps = workalendar_gaps(uk)
    naive_wrong = [(d, n) for (d, n), a, b in zip(inputs, ours, stepped) if a != b]
    comparable = [i for i, ((d, n), end) in enumerate(zip(inputs, ours)) if not any(d < g <= end for g in gaps)]
    theirs_wrong = [inputs[i] for i in comparable if ours[i] != theirs[i]]
    print(f"workalendar disagrees with the calendar on: {', '.join(str(g) for g in sorted(gaps)) or 'nothing'}")
    print(f"agreement: naive loop {len(inputs) - len(naive_wrong):,}/{len(inputs):,}; "
          f"workalendar {len(comparable) - len(theirs_wrong):,}/{len(comparable):,} "
          f"({len(inputs) - len(comparable):,} inputs spanning those days left out)")

    print(f"ratios: workalendar / add_period = {theirs_us / ours_us:,.0f}x; "
          f"naive loop / add_period = {naive_us / ours_us:,.0f}x")
    fast_enough = "met" if ours_us <= TARGET_MICROSECONDS else "MISSED"
    ratio_enough = "met" if theirs_us / ours_us >= TARGET_RATIO else "MISSED"
    print(f"targets: <= {TARGET_MICROSECONDS:g} µs per call: {fast_enough}; "
          f">= {TARGET_RATIO:g}x workalendar: {ratio_enough}")
    if naive_wrong or theirs_wrong:
        print(f"DISAGREEMENT: first inputs {(naive_wrong or theirs_wrong)[:5]}", file=sys.stderr)
        return 1
    return columns(args.columns, args.seed) if args.columns else 0


def best_of(run: Callable[[], np.ndarray], repeats: int = 5) -> tuple[np.ndarray, float]:
    best, out = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - started)
    return out, best


def columns(count: int, seed: int) -> int:
    """The column functions against numpy's business-day functions on ``count`` random dates."""
    cal = get_calendar()
    holidays = np.array([h.date for year in range(cal.first_day.year, cal.last_day.year + 1)
                         for h in cal.holidays(year)], dtype="datetime64[D]")
    rng = np.random.default_rng(seed)
    span = (LAST_START - FIRST_START).days
    starts = np.datetime64(FIRST_START) + rng.integers(0, span + 1, count)
    ends = starts + rng.integers(0, 366, count)  # a case's start and end, up to a year apart
    n = rng.integers(1, MAX_N + 1, count)
    busdays = np.busdaycalendar(holidays=holidays)
    print(f"\n{count:,} dates as numpy datetime64[D] columns (same span, 1 to {MAX_N} working days):")
    ours, ours_s = best_of(lambda: add_working_days(starts, n))
    theirs, theirs_s = best_of(lambda: np.busday_offset(starts, n, roll="backward", busdaycal=busdays))
    print(f"  add_working_days(dates, n)                  {ours_s * 1e3:8.1f} ms")
    print(f"  numpy busday_offset(roll='backward')         {theirs_s * 1e3:8.1f} ms   ratio {theirs_s / ours_s:.1f}x")
    counted, count_s = best_of(lambda: working_days_between(starts, ends))
    # busday_count counts [a, b); working_days_between counts (a, b]: for a <= b the same days shifted by one.
    numpy_count, numpy_count_s = best_of(lambda: np.busday_count(starts + 1, ends + 1, busdaycal=busdays))
    print(f"  working_days_between(starts, ends)           {count_s * 1e3:8.1f} ms")
    print(f"  numpy busday_count(starts + 1, ends + 1)     {numpy_count_s * 1e3:8.1f} ms   ratio "
          f"{numpy_count_s / count_s:.1f}x")
    agree = bool((ours == theirs).all() and (counted == numpy_count).all())
    ratio = min(theirs_s / ours_s, numpy_count_s / count_s)
    print(f"agreement with numpy: {'all equal' if agree else 'DISAGREEMENT'}; target >= {TARGET_COLUMN_RATIO:g}x "
          f"numpy: {'met' if ratio >= TARGET_COLUMN_RATIO else 'MISSED'} (lower ratio {ratio:.1f}x)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
