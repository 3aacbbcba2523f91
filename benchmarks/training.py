"""Training time per model: native thread pools held to one thread vs. left at their default.

Each row trains and backtests one model ``--runs`` times on the processed tables and reports
the median, with the default-threads median as a multiple of the one-thread median measured in
the same run: the pipeline holds native pools to one thread, and this table checks that doing
so costs nothing. Peak memory is the process's maximum resident set after the runs.

    python benchmarks/training.py                    # tables in datasets/processed
    python benchmarks/training.py --runs 1 --models launch_failure   # smoke (CI)
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from threadpoolctl import threadpool_info, threadpool_limits

from tminus.predictors.kinds import MODEL_NAMES
from tminus.settings import get_settings
from tminus.training.pipeline import train_one


def _time(name: str, processed: Path, runs: int, limit: int | None) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        if limit is None:
            train_one(name, processed, random_state=1)
        else:
            with threadpool_limits(limits=limit):
                train_one(name, processed, random_state=1)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--models", nargs="+", default=list(MODEL_NAMES), choices=MODEL_NAMES)
    parser.add_argument("--processed-dir", type=Path, default=get_settings().processed_dir)
    args = parser.parse_args()
    threads = max((p.get("num_threads", 1) for p in threadpool_info()), default=1)
    print(f"training time, median of {args.runs} runs (default native threads: {threads})")
    print(f"| {'model':18} | {'1 thread (s)':>12} | {'default (s)':>11} | {'default / 1':>11} |")
    print(f"|{'-' * 20}|{'-' * 14}|{'-' * 13}|{'-' * 13}|")
    total_one = total_default = 0.0
    for name in args.models:
        train_one(name, args.processed_dir, random_state=1)  # warm-up: imports, caches, disk
        one = _time(name, args.processed_dir, args.runs, 1)
        default = _time(name, args.processed_dir, args.runs, None)
        total_one += one
        total_default += default
        print(f"| {name:18} | {one:12.2f} | {default:11.2f} | {default / one:11.2f} |")
    print(
        f"| {'all':18} | {total_one:12.2f} | {total_default:11.2f} | "
        f"{total_default / total_one:11.2f} |"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
