"""The two engines on the same inspection records: records per second, peak memory and the ratio.

    python benchmarks/engine_bench.py                        # 10,000 and 100,000 records
    python benchmarks/engine_bench.py --sizes 2000 --no-explain

The records are generated from a fixed seed (every framework, reports received 2008 to 2026, duties done
early, on the day, late or never). Each engine runs in a fresh process per size, so its peak memory is
its own, with and without the step-by-step explanations. Both must give the same findings: each run
prints a digest of its findings, and the script stops if the two engines' digests differ.
Speed is measured here, never asserted in tests. durable-rules needs the [durable] extra (Python < 3.13).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

from _common import AS_OF, FRAMEWORKS, SEED, done_at

from compliance.engines import evaluate  # noqa: E402
from compliance.records import Record  # noqa: E402
from compliance.rules import load_rules  # noqa: E402


def make_records(count: int, seed: int = SEED) -> list[Record]:
    """``count`` inspection records, the same for the same ``count`` and ``seed``."""
    rnd = random.Random(seed)
    records = []
    for n in range(count):
        framework = rnd.choice(FRAMEWORKS)
        received = date(2008, 1, 7) + timedelta(days=rnd.randrange(0, 365 * 18 + 300))
        events: dict[str, tuple[date, ...]] = {
            "inspection_start": (received - timedelta(days=rnd.randint(30, 60)),),
            "ofsted_published": (received + timedelta(days=rnd.randint(1, 7)),),
        }
        if rnd.random() < 0.9:  # a few records know only Ofsted's publication date
            events["report_received"] = (received,)
        attributes = {"authority": f"Council {n % 152}", "framework": framework,
                      "lscb_review": framework == "SIF" and rnd.random() < 0.7,
                      "priority_actions": framework == "ILACS-focused-visit" and rnd.random() < 0.5,
                      "statement_required": framework in ("JTAI", "SEND-area", "JAR") and rnd.random() < 0.5}
        for event, days in (("report_published", 30), ("statement_published", 70), ("action_plan_sent", 70),
                            ("draft_action_plan_sent", 20)):
            when = done_at(rnd, received, days)
            if when and when <= AS_OF:
                events[event] = (when,)
        if attributes["lscb_review"]:
            events["lscb_report_received"] = (received,)
            when = done_at(rnd, received, 30)
            if when and when <= AS_OF:
                events["lscb_report_published"] = (when,)
        records.append(Record(f"insp-{n:06d}", "inspection", attributes, events))
    return records


def run_one(engine: str, size: int, explain: bool) -> dict[str, object]:
    """Time one engine on ``size`` records in this process; the result as JSON-ready data."""
    rules = load_rules()
    records = make_records(size)
    started = time.perf_counter()
    findings = evaluate(records, rules, AS_OF, engine=engine, explain=explain)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256()
    for f in findings:
        digest.update(json.dumps(f.to_dict(), sort_keys=True, default=str).encode())
    return {"engine": engine, "size": size, "explain": explain, "seconds": seconds, "findings": len(findings),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "digest": digest.hexdigest()}


def _measure(engine: str, size: int, explain: bool) -> dict[str, object]:
    args = [sys.executable, __file__, "--one", engine, str(size)] + ([] if explain else ["--no-explain"])
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{engine} on {size} records failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="numbers of records")
    parser.add_argument("--no-explain", action="store_true", help="only time runs without explanations")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]), not args.no_explain)))
        return 0
    inspection_rules = sum(r.applies_to == "inspection" for r in load_rules())
    print(f"Python {sys.version.split()[0]}; {inspection_rules} inspection rules; as of {AS_OF}; seed {SEED}")
    print(f"{'records':>8} {'explain':>8} {'engine':>8} {'findings':>9} {'seconds':>8} {'records/s':>10} "
          f"{'peak MB':>8}")
    for size in args.sizes:
        for explain in ([False] if args.no_explain else [False, True]):
            results = [_measure(engine, size, explain) for engine in ("native", "durable")]
            native, durable = results
            if native["digest"] != durable["digest"]:
                raise SystemExit(f"the engines disagree on {size} records (explain={explain})")
            for r in results:
                print(f"{size:>8,} {'yes' if explain else 'no':>8} {r['engine']:>8} {r['findings']:>9,} "
                      f"{r['seconds']:>8.2f} {size / r['seconds']:>10,.0f} {r['peak_mb']:>8.0f}")
            print(f"{'':>8} {'':>8} {'ratio':>8}  durable takes {durable['seconds'] / native['seconds']:.2f}x "
                  "the native engine's time; identical findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
