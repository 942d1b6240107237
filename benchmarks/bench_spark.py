"""The docs' Spark example, run and timed: ``Engine.evaluate`` inside ``RDD.mapPartitions``.

Run by hand from the repository root, with pyspark installed into the venv and a Java
runtime on the machine (neither is a project dependency; ``pip install pyspark``):

    .venv/bin/python benchmarks/bench_spark.py              # 4,000 units
    .venv/bin/python benchmarks/bench_spark.py --units 200  # a smoke test

The same units and files as bench_dask.py: a county department with a year of daily posts,
written to 8 JSON-lines files. Spark runs locally (``local[N]``), reads the files with
``textFile``, parses each line and judges each partition with a function that loads the
policies once per partition; what comes back is plain strings naming the violations. Timed:
a plain loop reading the same files, and the Spark job with one and with two cores (each run
after a warm-up job, so that the Python workers are started).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator

from pyspark import __version__ as spark_version
from pyspark.sql import SparkSession
from workloads import unit_files

import govrules

JURISDICTION, ON = "yunnan", "2025-01-01"


def judge_partition(lines: Iterable[str]) -> Iterator[tuple[str, ...]]:
    """Judge one partition: load the policies once, then evaluate every unit."""
    engine = govrules.load()  # once per partition, on the executor
    for line in lines:
        decision = engine.evaluate(json.loads(line), JURISDICTION, ON)
        yield tuple(f"{v.subject} {v.obligation}" for v in decision.violations)


def main(argv: list[str] | None = None) -> int:
    """Time the plain loop and the Spark job on one and two local cores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=4_000)
    args = parser.parse_args(argv)
    print(f"pyspark {spark_version}, {args.units} units, {os.cpu_count()} cores")
    folder = tempfile.mkdtemp(prefix="govrules-spark-")
    files = unit_files(folder, args.units)
    pattern = os.path.join(folder, "units-*.jsonl")

    start = time.perf_counter()
    plain: list[tuple[str, ...]] = []
    for path in files:
        with open(path, encoding="utf-8") as lines:
            plain += judge_partition(lines)
    loop = time.perf_counter() - start

    results = {}
    # The driver's Python runs the executors' too: the same venv, with govrules installed.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for cores in (1, 2):
        spark = (
            SparkSession.builder.master(f"local[{cores}]")
            .appName("govrules")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        rdd = spark.sparkContext.textFile(pattern, minPartitions=8)
        rdd.mapPartitions(judge_partition).count()  # warm-up: start the Python workers
        start = time.perf_counter()
        got = rdd.mapPartitions(judge_partition).collect()
        results[cores] = time.perf_counter() - start
        spark.stop()
        assert sorted(got) == sorted(plain), f"spark (local[{cores}]) disagrees with the loop"
    shutil.rmtree(folder)
    print("| how | seconds | units/s |")
    print("|---|---:|---:|")
    print(f"| plain loop, Engine.evaluate | {loop:.1f} | {args.units / loop:,.0f} |")
    for cores, seconds in results.items():
        print(
            f"| spark mapPartitions, local[{cores}] | {seconds:.1f} | {args.units / seconds:,.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
