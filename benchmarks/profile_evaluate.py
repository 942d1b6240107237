"""Where ``Engine.evaluate`` spends its time: cProfile over the micro policy and small records.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/profile_evaluate.py            # top 15 functions each
    .venv/bin/python benchmarks/profile_evaluate.py --top 25

Two workloads, each profiled on its own after two warm-up calls (the
second generates the rule set's code): 2,000 records of the
three-rule micro policy (benchmarks/micro), and 2,000 small yunnan records (one account, one
``open`` event), both through ``Engine.evaluate`` with the explanations left unread. The
tables list the functions with the most time of their own (tottime) and their cumulative
time; cProfile's overhead inflates small functions, so read shares, not absolute times.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys

import micro_hand
from bench_issue10 import MICRO, micro_records
from workloads import small_records

import govrules

ON = dt.date(2025, 1, 1)


def profile(title: str, work: object, top: int) -> None:
    """Profile one thunk and print its top functions by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(work)  # type: ignore[arg-type]
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n{title}: {total:.2f} s under cProfile")
    print("| own % | own s | cum s | calls | function |")
    print("|---:|---:|---:|---:|---|")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in rows[:top]:
        where = filename.split("/src/")[-1].split("/lib/python")[-1]
        print(
            f"| {tottime / total * 100:.1f} | {tottime:.3f} | {cumtime:.3f} | {calls} | "
            f"`{name}` ({where}:{line}) |"
        )


def main(argv: list[str] | None = None) -> int:
    """Profile both workloads."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)

    micro = govrules.load(MICRO)
    facts = [micro_hand.facts(r) for r in micro_records(2_000)]
    for f in facts[:2]:  # the second run generates the rule set's code
        micro.evaluate(f, "micro", micro_hand.ON)

    def micro_work() -> None:
        for f in facts:
            micro.evaluate(f, "micro", micro_hand.ON)

    profile("micro policy, 2,000 records, Engine.evaluate", micro_work, args.top)

    yunnan = govrules.load()
    records = small_records(2_000)
    for r in records[:2]:
        yunnan.evaluate(r, "yunnan", ON)

    def small_work() -> None:
        for r in records:
            yunnan.evaluate(r, "yunnan", ON)

    profile("yunnan, 2,000 small records, Engine.evaluate", small_work, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
