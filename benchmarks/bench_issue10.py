"""Issue 10's benchmark suite in one run: govrules beside hand-written Python and peer engines.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/bench_issue10.py            # full run, several minutes
    .venv/bin/python benchmarks/bench_issue10.py --quick    # a smoke test, under a minute

Sections, all in this one process and run (docs/benchmarks.md explains each):

1. the three-rule micro policy (benchmarks/micro/micro.rules), 10,000 flat records, every
   engine given the same records, outcomes asserted equal before timing: hand-written
   Python (bare codes; explained verdicts built eagerly; explained verdicts rendered lazily),
   govrules ``Engine.evaluate`` (explanations unread, and every explanation read),
   ``govrules.evaluate(policies=folder)``, and the peer engines that are installed
   (zen-engine, json-logic-qubit, rule-engine, cedarpy; skipped when absent);
2. the shipped policies under yunnan: a unit with a year of daily posts, and 10,000 small
   records, ``Engine.evaluate`` beside ``handwritten.check`` (outcomes asserted equal);
3. ``govrules.facts.validate`` per post, and ``govrules.evaluate`` vs ``Engine.evaluate``
   per small call;
4. ``Engine.evaluate_many`` with ``workers=2`` vs ``workers=1`` on units with a year of posts;
5. cold start: the ``govrules evaluate`` command beside importing lark, attrs and dateutil.

Every conversion a caller would do (flat record to govrules facts or to a peer's input, the
peer's answer to violation codes) is inside the timed call. Times are from
``time.perf_counter``; the cases take turns for several repeats and the tables give the
minimum and the median per record. Ratios are govrules / the other side, from the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import handwritten
import micro_hand
from workloads import small_records, year_of_daily_posts

import govrules
from govrules.facts import validate

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MICRO = os.path.join(HERE, "micro")
JURISDICTION = "yunnan"
ON = dt.date(2025, 1, 1)
REGIONS = ("same_county", "same_province", "other_province", "abroad")
Case = Callable[[Mapping[str, Any]], object]


def outcomes(decision: govrules.Decision) -> dict[tuple[str, str], str]:
    """Return the engine's outcome for every (subject, obligation)."""
    return {(v.subject, v.obligation): v.outcome.value for v in decision.verdicts}


def hand(facts: Mapping[str, Any], cal: Any) -> dict[tuple[str, str], str]:
    """Return the hand-written yunnan check's outcome for every (subject, obligation)."""
    return {(s, o): outcome for s, o, outcome in handwritten.check(facts, cal, ON)}


# --- records ---------------------------------------------------------------------------


def micro_records(n: int, seed: int = 20240601) -> list[dict[str, Any]]:
    """Return ``n`` flat records: opened in 2023–2024, filed 0–20 days later, gaps 0–30."""
    rnd = random.Random(seed)
    base = dt.date(2023, 1, 1)
    records = []
    for _ in range(n):
        opened = base + dt.timedelta(days=rnd.randrange(600))
        filed = opened + dt.timedelta(days=rnd.randrange(21))
        records.append(
            {
                "opened_on": opened.isoformat(),
                "filed_on": filed.isoformat(),
                "last_post_gap_days": rnd.randrange(31),
                "server_region": rnd.choice(REGIONS),
            }
        )
    return records


# --- peer engines (optional) -----------------------------------------------------------


def _zen() -> Case | None:
    try:
        import zen
    except ImportError:
        return None
    table = {
        "contentType": "application/vnd.gorules.decision",
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
            {
                "id": "table",
                "type": "decisionTableNode",
                "name": "violations",
                "position": {"x": 1, "y": 0},
                "content": {
                    "hitPolicy": "collect",
                    "inputs": [
                        {"id": "g", "type": "expression", "field": "last_post_gap_days"},
                        {"id": "r", "type": "expression", "field": "server_region"},
                        {
                            "id": "f",
                            "type": "expression",
                            "field": "d(filed_on).isAfter(d(opened_on).add('10d'))",
                        },
                    ],
                    "outputs": [{"id": "c", "type": "expression", "field": "code"}],
                    "rules": [
                        {"_id": "1", "g": "", "r": '"abroad"', "f": "", "c": '"abroad"'},
                        {"_id": "2", "g": "> 14", "r": "", "f": "", "c": '"gap"'},
                        {"_id": "3", "g": "", "r": "", "f": "true", "c": '"late_filing"'},
                    ],
                },
            },
            {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 2, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }
    engine = zen.ZenEngine({"loader": {"type": "static", "content": {"micro": table}}})

    def check(record: Mapping[str, Any]) -> tuple[str, ...]:
        result = engine.evaluate("micro", record)["result"]
        return tuple(sorted(hit["code"] for hit in result))

    return check


def _json_logic() -> Case | None:
    try:
        import json_logic
    except ImportError:
        return None

    def days_between(a: str, b: str) -> int:
        return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days

    json_logic.add_operation("days_between", days_between)
    rules = [
        ("abroad", {"==": [{"var": "server_region"}, "abroad"]}),
        ("gap", {">": [{"var": "last_post_gap_days"}, 14]}),
        (
            "late_filing",
            {">": [{"days_between": [{"var": "opened_on"}, {"var": "filed_on"}]}, 10]},
        ),
    ]
    logic = json_logic.jsonLogic

    def check(record: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(code for code, rule in rules if logic(rule, record))

    return check


def _rule_engine() -> Case | None:
    try:
        import rule_engine
    except ImportError:
        return None
    types = rule_engine.type_resolver_from_dict(
        {
            "opened_on": rule_engine.DataType.DATETIME,
            "filed_on": rule_engine.DataType.DATETIME,
            "last_post_gap_days": rule_engine.DataType.FLOAT,
            "server_region": rule_engine.DataType.STRING,
        }
    )
    context = rule_engine.Context(type_resolver=types)
    rules = [
        ("abroad", rule_engine.Rule('server_region == "abroad"', context=context)),
        ("gap", rule_engine.Rule("last_post_gap_days > 14", context=context)),
        ("late_filing", rule_engine.Rule("filed_on > opened_on + t'P10D'", context=context)),
    ]
    fromiso = dt.date.fromisoformat

    def check(record: Mapping[str, Any]) -> tuple[str, ...]:
        typed = {
            **record,
            "opened_on": fromiso(record["opened_on"]),
            "filed_on": fromiso(record["filed_on"]),
        }
        return tuple(code for code, rule in rules if rule.matches(typed))

    return check


def _cedarpy() -> Case | None:
    try:
        import cedarpy
    except ImportError:
        return None
    policies = cedarpy.PolicySet.from_str(
        """
        @id("abroad") permit (principal, action == Action::"check", resource)
        when { context.server_region == "abroad" };
        @id("gap") permit (principal, action == Action::"check", resource)
        when { context.last_post_gap_days > 14 };
        @id("late_filing") permit (principal, action == Action::"check", resource)
        when { context.filed_on > context.opened_on.offset(duration("10d")) };
        """
    )
    entities = cedarpy.Entities.from_json_str("[]")

    def check(record: Mapping[str, Any]) -> tuple[str, ...]:
        request = {
            "principal": 'Site::"s"',
            "action": 'Action::"check"',
            "resource": 'Site::"s"',
            "context": {
                "opened_on": {"__extn": {"fn": "datetime", "arg": record["opened_on"]}},
                "filed_on": {"__extn": {"fn": "datetime", "arg": record["filed_on"]}},
                "last_post_gap_days": record["last_post_gap_days"],
                "server_region": record["server_region"],
            },
        }
        result = cedarpy.is_authorized(request, policies, entities)
        if result.diagnostics.errors:
            raise RuntimeError(result.diagnostics.errors)
        return tuple(sorted(result.diagnostics.id_annotations_by_reason.values()))

    return check


PEERS = {
    "zen-engine": ("zen-engine", _zen),
    "json-logic-qubit": ("json-logic-qubit", _json_logic),
    "rule-engine": ("rule-engine", _rule_engine),
    "cedarpy": ("cedarpy", _cedarpy),
}


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "absent"


# --- timing ----------------------------------------------------------------------------


def per_record(
    cases: Mapping[str, Case], records: Sequence[Any], repeat: int
) -> dict[str, list[float]]:
    """Return seconds per record of every case over all records, the cases taking turns."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        for record in records[:200]:
            fn(record)  # warm caches outside the timing
    for _ in range(repeat):
        for name, fn in cases.items():
            start = time.perf_counter()
            for record in records:
                fn(record)
            times[name].append((time.perf_counter() - start) / len(records))
    return times


def per_call(
    cases: Mapping[str, Callable[[], object]], repeat: int, number: int
) -> dict[str, list[float]]:
    """Return seconds per call of every thunk, ``number`` calls a repeat, taking turns."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for fn in cases.values():
        fn()
    for _ in range(repeat):
        for name, fn in cases.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return times


def table(title: str, times: Mapping[str, list[float]], unit: str = "µs/record") -> None:
    """Print min and median of every case, in microseconds."""
    print(f"\n{title}")
    print(f"| case | min ({unit}) | median ({unit}) |")
    print("|---|---:|---:|")
    for name, samples in times.items():
        print(f"| {name} | {min(samples) * 1e6:,.1f} | {statistics.median(samples) * 1e6:,.1f} |")


def ratio(times: Mapping[str, list[float]], a: str, b: str, aim: float | None = None) -> None:
    """Print a / b by minimum and by median, and whether the aim (by median) is met."""
    by_min = min(times[a]) / min(times[b])
    by_median = statistics.median(times[a]) / statistics.median(times[b])
    verdict = (
        "" if aim is None else f" — aim ≤ {aim:g}×: {'met' if by_median <= aim else 'NOT met'}"
    )
    print(f"  {a} / {b}: {by_min:.1f}× (min), {by_median:.1f}× (median){verdict}")


# --- sections --------------------------------------------------------------------------


def micro(n: int, repeat: int) -> None:
    """Section 1: the three-rule micro policy."""
    records = micro_records(n)
    engine = govrules.load(MICRO)
    on = micro_hand.ON

    def gr_codes(record: Mapping[str, Any]) -> tuple[str, ...]:
        decision = engine.evaluate(micro_hand.facts(record), "micro", on)
        return tuple(sorted(v.obligation for v in decision.violations))

    def gr_read(record: Mapping[str, Any]) -> tuple[str, ...]:
        decision = engine.evaluate(micro_hand.facts(record), "micro", on)
        for v in decision.verdicts:
            v.explanation  # noqa: B018  (read: render it)
        return tuple(sorted(v.obligation for v in decision.violations))

    def gr_folder(record: Mapping[str, Any]) -> tuple[str, ...]:
        decision = govrules.evaluate(micro_hand.facts(record), "micro", on, policies=MICRO)
        return tuple(sorted(v.obligation for v in decision.violations))

    def hand_violations(verdicts: Sequence[Any]) -> tuple[str, ...]:
        return tuple(sorted(v.obligation for v in verdicts if v.outcome == "violation"))

    def eager(record: Mapping[str, Any]) -> tuple[str, ...]:
        return hand_violations(micro_hand.explained_eager(record))

    def lazy(record: Mapping[str, Any]) -> tuple[str, ...]:
        return hand_violations(micro_hand.explained_lazy(record))

    def lazy_read(record: Mapping[str, Any]) -> tuple[str, ...]:
        verdicts = micro_hand.explained_lazy(record)
        for v in verdicts:
            v.explanation  # noqa: B018
        return hand_violations(verdicts)

    prepared = [micro_hand.facts(r) for r in records]
    facts_of = {id(r): f for r, f in zip(records, prepared, strict=True)}

    def gr_prepared(record: Mapping[str, Any]) -> tuple[str, ...]:
        decision = engine.evaluate(facts_of[id(record)], "micro", on)
        return tuple(sorted(v.obligation for v in decision.violations))

    cases: dict[str, Case] = {
        "hand-written, codes only": micro_hand.codes,
        "hand-written, explained verdicts (eager)": eager,
        "hand-written, explained verdicts (lazy, unread)": lazy,
        "hand-written, explained verdicts (lazy, all read)": lazy_read,
        "govrules Engine.evaluate (lazy, unread)": gr_codes,
        "govrules Engine.evaluate (all explanations read)": gr_read,
        "govrules Engine.evaluate, facts built beforehand": gr_prepared,
        "govrules.evaluate(policies=folder)": gr_folder,
    }
    present = []
    for name, (dist, make) in PEERS.items():
        check = make()
        if check is None:
            print(f"peer {name}: not installed, skipped")
            continue
        present.append(f"{name} {_version(dist)}")
        cases[name] = check
    print(f"peers present: {', '.join(present) or 'none'}")

    # Outcomes equal before timing: every case's violation codes, and the hand-written
    # verdicts word for word against the engine's (subject, obligation, outcome, text).
    counts = dict.fromkeys(("abroad", "gap", "late_filing"), 0)
    for record in records:
        expected = micro_hand.codes(record)
        for name, fn in cases.items():
            assert fn(record) == expected, f"{name} disagrees on {record}"
        for code in expected:
            counts[code] += 1
        decision = engine.evaluate(micro_hand.facts(record), "micro", on)
        mine = [
            (v.subject, v.obligation, v.outcome, v.citations[0].label, v.explanation)
            for v in micro_hand.explained_eager(record)
        ]
        theirs = [
            (v.subject, v.obligation, v.outcome.value, v.citations[0].label, v.explanation)
            for v in decision.verdicts
        ]
        assert mine == theirs, f"explanations differ on {record}: {mine} != {theirs}"
    print(
        f"{n} records: every case agrees; hand-written verdicts equal the engine's word for "
        f"word; violations {counts}"
    )
    times = per_record(cases, records, repeat)
    table(f"1. micro policy, {n} records, one by one", times)
    gr = "govrules Engine.evaluate (lazy, unread)"
    ratio(times, gr, "hand-written, explained verdicts (eager)", 3)
    ratio(times, gr, "hand-written, explained verdicts (lazy, unread)", 3)
    ratio(
        times,
        "govrules Engine.evaluate (all explanations read)",
        "hand-written, explained verdicts (lazy, all read)",
        3,
    )
    ratio(times, gr, "hand-written, codes only")
    ratio(times, "govrules.evaluate(policies=folder)", gr)
    for peer in (name for name in PEERS if name in cases):
        ratio(times, gr, peer)


def shipped(n: int, repeat: int, year_number: int) -> None:
    """Sections 2 and 3: yunnan, a year of posts and small records; validation; one-off calls."""
    engine = govrules.load()
    cal = engine.calendar

    unit = year_of_daily_posts()
    assert outcomes(engine.evaluate(unit, JURISDICTION, ON)) == hand(unit, cal)
    year = per_call(
        {
            "govrules Engine.evaluate": lambda: engine.evaluate(unit, JURISDICTION, ON),
            "hand-written check": lambda: hand(unit, cal),
        },
        repeat,
        year_number,
    )
    posts = len(unit["accounts"][0]["posts"])
    table(f"2a. yunnan, one unit with {posts} daily posts", year, "µs/call")
    ratio(year, "govrules Engine.evaluate", "hand-written check", 3)

    records = small_records(n)
    for record in records:
        got = outcomes(engine.evaluate(record, JURISDICTION, ON))
        assert got == hand(record, cal), f"hand-written check disagrees on {record}"
    print(f"\n{n} small records agree with the hand-written check on every verdict")
    small = per_record(
        {
            "govrules Engine.evaluate": lambda r: engine.evaluate(r, JURISDICTION, ON),
            "govrules.evaluate (bundled policies)": lambda r: govrules.evaluate(
                r, JURISDICTION, ON
            ),
            "hand-written check": lambda r: handwritten.check(r, cal, ON),
        },
        records,
        repeat,
    )
    table(f"2b. yunnan, {n} small records, one by one", small)
    ratio(small, "govrules Engine.evaluate", "hand-written check", 3)
    ratio(small, "govrules.evaluate (bundled policies)", "govrules Engine.evaluate")

    empty = json.loads(json.dumps(unit))
    empty["accounts"][0]["posts"] = []
    val = per_call(
        {
            f"validate, {posts} posts": lambda: validate(unit),
            "validate, same unit without posts": lambda: validate(empty),
        },
        repeat,
        year_number,
    )
    table("3a. govrules.facts.validate", val, "µs/call")
    full = statistics.median(val[f"validate, {posts} posts"])
    bare = statistics.median(val["validate, same unit without posts"])
    print(
        f"  per post (median): {full / posts * 1e6:.2f} µs gross, "
        f"{(full - bare) / posts * 1e6:.2f} µs net of the unit — aim ≤ 1 µs: "
        f"{'met' if full / posts <= 1e-6 else 'NOT met'}"
    )


def _busy(_: int) -> float:
    """Spin the interpreter for a fixed amount of work; return the seconds it took."""
    start = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    return time.perf_counter() - start


def parallel_capacity() -> float:
    """Return how much faster two forked processes do two units of pure-Python work than one.

    A control for section 4: 2.0 on two idle cores, less when another job holds a core.
    """
    import multiprocessing

    start = time.perf_counter()
    _busy(0)
    _busy(1)
    serial = time.perf_counter() - start
    with multiprocessing.get_context("fork").Pool(2) as pool:
        start = time.perf_counter()
        pool.map(_busy, [0, 1])
        parallel = time.perf_counter() - start
    return serial / parallel


def many(n: int) -> None:
    """Section 4: evaluate_many, workers 2 vs 1, on n units with a year of posts each."""
    engine = govrules.load()
    unit = year_of_daily_posts()

    def run(workers: int) -> float:
        start = time.perf_counter()
        count = 0
        for decision in engine.evaluate_many(
            itertools.repeat(unit, n), JURISDICTION, ON, workers=workers
        ):
            count += len(decision.violations)
        assert count == 0
        return time.perf_counter() - start

    results: dict[int, list[float]] = {1: [], 2: []}
    capacity = [parallel_capacity()]
    for workers in (1, 2, 1, 2):
        results[workers].append(run(workers))
    capacity.append(parallel_capacity())
    print(
        f"\n4. Engine.evaluate_many, {n} units with a year of daily posts (cores: {os.cpu_count()})"
    )
    print("| workers | seconds (best of 2) | units/s |")
    print("|---:|---:|---:|")
    for workers, samples in results.items():
        best = min(samples)
        print(f"| {workers} | {best:.1f} | {n / best:,.0f} |")
    speedup = min(results[1]) / min(results[2])
    print(
        "  control, two forked busy loops vs one after the other, before and after: "
        + ", ".join(f"{c:.2f}×" for c in capacity)
    )
    print(
        f"  throughput workers=2 / workers=1: {speedup:.2f}× — aim ≥ 1.6×: "
        f"{'met' if speedup >= 1.6 else 'NOT met'}"
    )


def cold(repeat: int) -> None:
    """Section 5: the command line's cold start beside importing its dependencies."""
    bindir = os.path.dirname(sys.executable)
    commands = {
        "govrules evaluate examples/county-department.json -j yunnan --on 2024-11-01": [
            os.path.join(bindir, "govrules"),
            "evaluate",
            "examples/county-department.json",
            "-j",
            "yunnan",
            "--on",
            "2024-11-01",
        ],
        'python -c "import lark, attrs, dateutil"': [
            sys.executable,
            "-c",
            "import lark, attrs, dateutil",
        ],
        'python -c "pass"': [sys.executable, "-c", "pass"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
            times[name].append(time.perf_counter() - start)
    print("\n5. cold start (wall time of the whole process)")
    print("| command | min (ms) | median (ms) |")
    print("|---|---:|---:|")
    for name, samples in times.items():
        print(f"| `{name}` | {min(samples) * 1e3:.0f} | {statistics.median(samples) * 1e3:.0f} |")
    a, b = list(times)[:2]
    r = statistics.median(times[a]) / statistics.median(times[b])
    print(f"  govrules / imports: {r:.1f}× (median) — aim ≤ 2×: {'met' if r <= 2 else 'NOT met'}")


def main(argv: list[str] | None = None) -> int:
    """Run every section and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer records and repeats")
    parser.add_argument("--many", type=int, help="units for evaluate_many (default 10,000)")
    parser.add_argument("--only", choices=("micro", "shipped", "many", "cold"), action="append")
    args = parser.parse_args(argv)
    n = 1_000 if args.quick else 10_000
    repeat = 2 if args.quick else 5
    many_n = args.many or (200 if args.quick else 10_000)
    only = set(args.only or ("micro", "shipped", "many", "cold"))
    print(
        f"python {platform.python_version()} ({sys.implementation.name}) on "
        f"{platform.machine()}, {os.cpu_count()} cores, govrules {_version('govrules')}, "
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
    )
    if "micro" in only:
        micro(n, repeat)
    if "shipped" in only:
        shipped(n, repeat, 5 if args.quick else 20)
    if "many" in only:
        many(many_n)
    if "cold" in only:
        cold(3 if args.quick else 7)
    return 0


if __name__ == "__main__":
    sys.exit(main())
