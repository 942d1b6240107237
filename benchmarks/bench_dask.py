"""The docs' Dask example, run and timed: ``Engine.evaluate`` inside ``map_partitions``.

Run by hand from the repository root, with dask installed into the venv (not a project
dependency; ``pip install dask``):

    .venv/bin/python benchmarks/bench_dask.py              # 2,000 units, about a minute
    .venv/bin/python benchmarks/bench_dask.py --units 200  # a smoke test

Each unit is a county department with a year of daily posts (benchmarks/bench_evaluate.py).
The partition function loads the policies once per partition and calls the pure
``Engine.evaluate`` on every unit; what goes back is plain tuples (subject, obligation,
outcome) of the violations, not Decisions. Timed: the same function on one process
(``scheduler="sync"``) and on Dask's process pool with two workers, beside a plain loop.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any

import dask
import dask.bag as db
from workloads import year_of_daily_posts

import govrules

JURISDICTION, ON = "yunnan", "2025-01-01"


def judge_partition(units: Iterable[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """Judge one partition: load the policies once, then evaluate every unit."""
    engine = govrules.load()  # or govrules.load("path/to/policies")
    out = []
    for facts in units:
        decision = engine.evaluate(facts, JURISDICTION, ON)
        out.append(tuple(f"{v.subject} {v.obligation}" for v in decision.violations))
    return out


def main(argv: list[str] | None = None) -> int:
    """Time the plain loop, dask on one process and dask on two processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=2_000)
    args = parser.parse_args(argv)
    units = [year_of_daily_posts() for _ in range(args.units)]
    print(f"dask {dask.__version__}, {args.units} units, {os.cpu_count()} cores")

    start = time.perf_counter()
    plain = judge_partition(units)
    loop = time.perf_counter() - start

    bag = db.from_sequence(units, npartitions=8)
    results = {}
    for scheduler, workers in (("sync", 1), ("processes", 2)):
        start = time.perf_counter()
        got = bag.map_partitions(judge_partition).compute(scheduler=scheduler, num_workers=workers)
        results[scheduler] = time.perf_counter() - start
        assert list(got) == plain, f"dask ({scheduler}) disagrees with the plain loop"
    print("| how | seconds | units/s |")
    print("|---|---:|---:|")
    print(f"| plain loop, Engine.evaluate | {loop:.1f} | {args.units / loop:,.0f} |")
    for scheduler, seconds in results.items():
        label = "dask map_partitions, " + (
            "scheduler=sync" if scheduler == "sync" else "scheduler=processes, 2 workers"
        )
        print(f"| {label} | {seconds:.1f} | {args.units / seconds:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
