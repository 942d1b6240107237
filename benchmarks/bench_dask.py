"""The docs' Dask example, run and timed: ``Engine.evaluate`` inside ``map_partitions``.

Run by hand from the repository root, with dask installed into the venv (not a project
dependency; ``pip install dask``):

    .venv/bin/python benchmarks/bench_dask.py              # 2,000 units, about a minute
    .venv/bin/python benchmarks/bench_dask.py --units 200  # a smoke test

Each unit is a county department with a year of daily posts (benchmarks/bench_evaluate.py).
The units are written to 8 JSON-lines files first, as a cluster would read them from
storage; the bag reads them (``read_text``), parses each line and judges each partition with
a function that loads the policies once per partition and calls the pure
``Engine.evaluate`` on every unit. What goes back is plain strings naming the violations,
not Decisions. Timed: the same pipeline on one process (``scheduler="sync"``) and on Dask's
process pool with two workers, beside a plain loop that reads and parses the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from typing import Any

import dask
import dask.bag as db
from workloads import unit_files

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
    print(f"dask {dask.__version__}, {args.units} units, {os.cpu_count()} cores")
    folder = tempfile.mkdtemp(prefix="govrules-dask-")
    files = unit_files(folder, args.units)

    start = time.perf_counter()
    plain = []
    for path in files:
        with open(path, encoding="utf-8") as lines:
            plain += judge_partition(json.loads(text) for text in lines)
    loop = time.perf_counter() - start

    bag = db.read_text(os.path.join(folder, "units-*.jsonl")).map(json.loads)
    results = {}
    runs = (
        ("scheduler=sync", "sync", 1, "spawn"),
        ("scheduler=processes, 2 workers (spawned)", "processes", 2, "spawn"),
        ("scheduler=processes, 2 workers (forked)", "processes", 2, "fork"),
    )
    for label, scheduler, workers, context in runs:
        with dask.config.set({"multiprocessing.context": context}):
            start = time.perf_counter()
            got = bag.map_partitions(judge_partition).compute(
                scheduler=scheduler, num_workers=workers
            )
            results[label] = time.perf_counter() - start
        assert list(got) == plain, f"dask ({label}) disagrees with the plain loop"
    shutil.rmtree(folder)
    print("| how | seconds | units/s |")
    print("|---|---:|---:|")
    print(f"| plain loop, Engine.evaluate | {loop:.1f} | {args.units / loop:,.0f} |")
    for label, seconds in results.items():
        print(f"| dask map_partitions, {label} | {seconds:.1f} | {args.units / seconds:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
