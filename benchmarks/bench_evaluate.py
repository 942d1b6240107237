"""Time ``govrules.evaluate`` under yunnan beside a hand-written check of the same obligations.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/bench_evaluate.py            # full run, about a minute
    .venv/bin/python benchmarks/bench_evaluate.py --quick    # fewer repeats, a smoke test

Two workloads, each timed beside ``handwritten.check`` in the same process and run, after
asserting that both give the same outcome for every (subject, obligation):

1. one county department with a WeChat account and a post on every day of 2024;
2. 10,000 small records (one account, one ``open`` event with a filing date) one by one.

Times are per call, from ``time.perf_counter`` over several repeats; the minimum is the
least disturbed figure, the median the typical one. The script also counts calls into
chinese-calendar's functions: the working-day calendar is built from its tables once, so
no evaluation calls it, let alone per day.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import chinese_calendar
import chinese_calendar.utils
import handwritten
from workloads import small_records, year_of_daily_posts

# Count every call into chinese-calendar's API (and its shared date check) from here on,
# before govrules builds its calendar, so the count covers building it too.
CALLS = {"n": 0}


def _counting(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        CALLS["n"] += 1
        return fn(*args, **kwargs)

    return wrapper


for _module in (chinese_calendar, chinese_calendar.utils):
    for _name in (*chinese_calendar.__all__, "_validate_date", "_wrap_date"):
        _fn = getattr(_module, _name, None)
        if callable(_fn) and not isinstance(_fn, type):
            setattr(_module, _name, _counting(_fn))

import govrules  # noqa: E402  (after the counters, so building the calendar is counted)
from govrules.calendar import WorkdayCalendar  # noqa: E402
from govrules.evaluate import run  # noqa: E402
from govrules.facts import validate  # noqa: E402
from govrules.library import bundled  # noqa: E402

JURISDICTION = "yunnan"
ON = dt.date(2025, 1, 1)
RECORDS = 10_000
AIM_RATIO = 3.0
AIM_RECORD_US = 10.0


# --- measuring -------------------------------------------------------------------------


def outcomes(decision: govrules.Decision) -> dict[tuple[str, str], str]:
    """Return the engine's outcome for every (subject, obligation)."""
    return {(v.subject, v.obligation): v.outcome.value for v in decision.verdicts}


def by_hand(facts: Mapping[str, Any], cal: WorkdayCalendar) -> dict[tuple[str, str], str]:
    """Return the hand-written check's outcome for every (subject, obligation)."""
    return {(s, o): outcome for s, o, outcome in handwritten.check(facts, cal, ON)}


def timed(fn: Callable[[], object], number: int) -> float:
    """Return the seconds per call of ``fn`` over ``number`` calls."""
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def interleaved(
    cases: Mapping[str, Callable[[], object]], repeat: int, number: int
) -> dict[str, list[float]]:
    """Time every case ``repeat`` times, taking turns so that they share the machine's mood."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()  # warm caches (compiled rule set, calendar) outside the timing
    for _ in range(repeat):
        for name, fn in cases.items():
            times[name].append(timed(fn, number))
    return times


def us(seconds: float) -> str:
    """Return seconds as microseconds for the report."""
    return f"{seconds * 1e6:10.1f}"


def report(title: str, times: Mapping[str, list[float]], unit: str = "µs/call") -> None:
    """Print min and median of every case."""
    print(f"\n{title}")
    print(f"  {'':38} {'min':>10} {'median':>10}  ({unit})")
    for name, samples in times.items():
        print(f"  {name:38} {us(min(samples))} {us(statistics.median(samples))}")


def ratio(times: Mapping[str, list[float]], engine: str, hand: str) -> tuple[float, float]:
    """Return engine / hand-written, by minimum and by median."""
    return (
        min(times[engine]) / min(times[hand]),
        statistics.median(times[engine]) / statistics.median(times[hand]),
    )


def each(records: Iterable[Mapping[str, Any]], fn: Callable[[Any], object]) -> Callable[[], None]:
    """Return a thunk that applies ``fn`` to every record, one by one."""
    items = tuple(records)

    def go() -> None:
        for record in items:
            fn(record)

    return go


def main(argv: list[str] | None = None) -> int:
    """Run both workloads and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and records")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 9
    year_number = 5 if args.quick else 40
    n_records = 1_000 if args.quick else RECORDS

    print(f"python {platform.python_version()} ({sys.implementation.name}), {platform.machine()}")
    print(f"govrules evaluate, jurisdiction {JURISDICTION}, on {ON}")

    before = CALLS["n"]
    cal = WorkdayCalendar.default()
    library = bundled()
    ruleset = library.ruleset(JURISDICTION)
    if library.calendars:
        cal = cal.with_years(*library.calendars)
    built = CALLS["n"] - before
    print(f"calendar {cal!r}: {built} chinese-calendar calls while building it")
    CALLS["n"] = 0

    # 1. A year of daily posts -------------------------------------------------------------
    unit = year_of_daily_posts()
    decision = govrules.evaluate(unit, JURISDICTION, ON)
    assert outcomes(decision) == by_hand(unit, cal), "hand-written check disagrees (year)"
    data = validate(unit).data
    year = interleaved(
        {
            "govrules.evaluate": lambda: govrules.evaluate(unit, JURISDICTION, ON),
            "  of which facts.validate": lambda: validate(unit),
            "  of which evaluate.run": lambda: run(library, ruleset, data, ON, cal),
            "hand-written check": lambda: handwritten.check(unit, cal, ON),
        },
        repeat,
        year_number,
    )
    posts = len(unit["accounts"][0]["posts"])
    report(f"1. one unit, {posts} daily posts, {len(decision.verdicts)} verdicts", year)
    by_min, by_median = ratio(year, "govrules.evaluate", "hand-written check")
    print(f"  ratio evaluate / hand-written: {by_min:.1f}× (min), {by_median:.1f}× (median)")

    # 2. Small records one by one ----------------------------------------------------------
    records = small_records(n_records)
    late = 0
    for record in records:
        got = outcomes(govrules.evaluate(record, JURISDICTION, ON))
        assert got == by_hand(record, cal), f"hand-written check disagrees on {record}"
        late += got[("accounts[0].events[0]", "filing_deadline")] == "violation"
    verdicts = len(govrules.evaluate(records[0], JURISDICTION, ON).verdicts)
    print(
        f"\n{n_records} records agree with the hand-written check on all {verdicts} verdicts "
        f"each; {late} filed late"
    )
    validated = [validate(r).data for r in records]
    small = interleaved(
        {
            "govrules.evaluate": each(records, lambda r: govrules.evaluate(r, JURISDICTION, ON)),
            "  of which facts.validate": each(records, validate),
            "  of which evaluate.run": each(validated, lambda d: run(library, ruleset, d, ON, cal)),
            "hand-written check": each(records, lambda r: handwritten.check(r, cal, ON)),
        },
        repeat,
        1,
    )
    per_record = {name: [t / n_records for t in samples] for name, samples in small.items()}
    report(f"2. {n_records} small records, one by one", per_record, "µs/record")
    by_min, by_median = ratio(per_record, "govrules.evaluate", "hand-written check")
    print(f"  ratio evaluate / hand-written: {by_min:.1f}× (min), {by_median:.1f}× (median)")
    engine_us = statistics.median(per_record["govrules.evaluate"]) * 1e6
    print(
        f"  aim: within {AIM_RATIO:.0f}× and under {AIM_RECORD_US:.0f} µs/record — "
        f"{'met' if by_median <= AIM_RATIO and engine_us < AIM_RECORD_US else 'not met'}"
    )

    # 3. The calendar ----------------------------------------------------------------------
    print(f"\nchinese-calendar calls during all evaluations above: {CALLS['n']}")
    assert CALLS["n"] == 0, "the calendar called chinese-calendar during evaluation"
    return 0


if __name__ == "__main__":
    sys.exit(main())
