"""Edges of the generated path, each first found by an audit: generated code against the
closures (an unknown governing date under layers of unknown date), the noting validator
against validate + unused_facts, Decision.violations, and ``gaps`` in days up to 9999-12-31.

Each test states what the reference gives (the closures, or the definition written out
here) and requires the generated path to give the same.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import govrules
from govrules import fast
from govrules.calendar import WorkdayCalendar
from govrules.evaluate import run_closures
from govrules.facts import validate
from govrules.functions import FUNCTIONS
from govrules.library import load
from govrules.values import Duration, Run

CAL = WorkdayCalendar.default()
GAPS = FUNCTIONS["gaps"].impl


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    errors = [d for d in govrules.check(folder) if d.severity == "error"]
    assert errors == [], errors
    return folder


def _decided(run: Any) -> Any:
    """A run's decision as data (every verdict field read), or the error the call raised,
    or, apart, an error raised only when the decision is read."""
    try:
        decision = run()
    except govrules.GovrulesError as err:
        return ("error", str(err))
    try:
        return decision.to_dict()
    except govrules.GovrulesError as err:
        return ("error when read", str(err))


def _both(folder: Path, jurisdiction: str, facts: dict[str, Any], on: dt.date) -> Any:
    library = load(folder)
    ruleset = library.ruleset(jurisdiction)
    data = validate(facts).data
    cal = govrules.load(folder).calendar
    closures = _decided(lambda: run_closures(library, ruleset, data, on, cal, facts))
    code = fast.plan(library, ruleset)
    generated = _decided(lambda: fast.run(library, ruleset, data, on, cal, facts, code))
    return closures, generated


# --- an unknown governing date, under a version whose start is unknown --------------------

UNDATED_BASE = """ruleset b0 {
    title "《测试省管理办法》" issuer "测试省" level province jurisdiction "测试省"
    effective unknown text "texts/b0.txt"
}
unchecked 第二条 because "施行日期"

rule opening {
    title "开办" subject account cites 第一条
    governing account.opened_on
    let start = max(period.start, in_force_from)
    require account.approved_on >= start
    explain "{start}"
}
"""
UNDATED_CHILD = """ruleset c0 {
    title "《测试局管理制度》" issuer "测试局" level bureau jurisdiction "测试局"
    effective unknown text "texts/c0.txt"
    within b0
}
unchecked 第二条 because "施行日期"

override opening {
    cites 第一条
    require account.approved_on >= start and account.collective_decision
}
"""


def test_an_undated_subject_under_a_version_of_unknown_start_is_judged_as_the_closures_do(
    tmp_path: Path,
) -> None:
    """A bureau of unknown date within a base of unknown date: the bureau's version has no
    start (``in_force_from`` is None for the closures). An account without ``opened_on``
    leaves the governing date unknown, so evaluate._undated judges it under every version,
    the bureau's included, and the closures' ``max(period.start, in_force_from)`` fails on
    None: the evaluation is an error. fast._undated must give the same answer; it reads
    ``in_force_from`` of that version as unknown and returns an undetermined verdict
    instead (whose explanation then raises the closures' error when read)."""
    folder = _write(
        tmp_path,
        {
            "texts/b0.txt": "测试省管理办法\n第一条 开办账号应当备案。\n第二条 本办法施行。\n",
            "texts/c0.txt": "测试局管理制度\n第一条 开办账号应当备案。\n第二条 本制度施行。\n",
            "b0.rules": UNDATED_BASE,
            "c0.rules": UNDATED_CHILD,
        },
    )
    facts = {
        "period": {"start": "2024-01-01", "end": "2024-06-30"},
        "accounts": [{"id": "a", "approved_on": "2024-02-01", "collective_decision": True}],
    }
    closures, generated = _both(folder, "c0", facts, dt.date(2024, 7, 1))
    assert generated == closures


# --- gaps in days, up to the last date Python counts -------------------------------------


def _runs_by_definition(
    dates: list[dt.date], start: dt.date, end: dt.date, days: int
) -> tuple[Run, ...]:
    """The maximal runs of days in [start, end] on which no date falls, N days or longer,
    counted on day numbers so that nothing is computed past 9999-12-31."""
    seen = {d.toordinal() for d in dates}
    runs = []
    first = None
    for day in range(start.toordinal(), end.toordinal() + 1):
        if day in seen:
            if first is not None and day - first >= days:
                runs.append(Run(dt.date.fromordinal(first), dt.date.fromordinal(day - 1)))
            first = None
        elif first is None:
            first = day
    if first is not None and end.toordinal() - first + 1 >= days:
        runs.append(Run(dt.date.fromordinal(first), end))
    return tuple(runs)


def _gaps_or_error(dates: list[dt.date], start: dt.date, end: dt.date, days: int) -> Any:
    try:
        return GAPS(CAL, tuple(dates), start, end, Duration(days, "days"))
    except OverflowError as err:
        return ("OverflowError", str(err))


def test_gaps_in_days_with_a_date_on_9999_12_31() -> None:
    """A post on the last day of the period, 9999-12-31: 9999-12-01 … 12-30 is a run of 30
    days without one, which exceeds 14 days (the definition needs no later date). The
    fast path moves its cursor to the day after each date and overflows instead."""
    start, last = dt.date(9999, 12, 1), dt.date.max
    expected = _runs_by_definition([last], start, last, 14)
    assert expected == (Run(start, dt.date(9999, 12, 30)),)
    assert _gaps_or_error([last], start, last, 14) == expected
    # A period of that one day, with its date: no run at all.
    assert _gaps_or_error([last], last, last, 1) == ()


def test_a_post_on_9999_12_31_leaves_a_run_the_rules_can_report() -> None:
    """安岳 new_media_interval (more than 14 days without an update), as
    tests/test_hardening.py::test_runs_in_days_are_measured_up_to_9999_12_31 has it, with the
    one post on 9999-12-31: 9999-12-01 … 9999-12-30 (30 days) is a violation, not an error."""
    facts = {
        "period": {"start": "9999-12-01", "end": "9999-12-31"},
        "accounts": [{"id": "a", "opened_on": "9999-12-01", "posts": [{"date": "9999-12-31"}]}],
    }
    (run,) = _runs_by_definition([dt.date.max], dt.date(9999, 12, 1), dt.date.max, 14)
    shown = f"{run.first}至{run.last}（{(run.last - run.first).days + 1}天）"
    decision = govrules.evaluate(facts, "anyue", "9999-12-31")
    (verdict,) = [v for v in decision.verdicts if v.obligation == "new_media_interval"]
    assert verdict.outcome is govrules.Outcome.VIOLATION
    assert shown in verdict.explanation


@settings(max_examples=200, deadline=None)
@given(
    # 9999-12-31 itself as a date is test_gaps_in_days_with_a_date_on_9999_12_31's case.
    st.lists(st.dates(dt.date(9999, 10, 1), dt.date(9999, 12, 30)), max_size=8),
    st.dates(dt.date(9999, 10, 1), dt.date.max),
    st.integers(0, 120),
    st.integers(0, 40),
)
def test_gaps_in_days_near_9999_12_31_are_the_runs_of_the_definition(
    dates: list[dt.date], start: dt.date, length: int, days: int
) -> None:
    """Periods ending on or before 9999-12-31, dates inside and outside them, repeated
    dates, a period of one day and an interval of 0 days: the runs of the definition."""
    end = dt.date.fromordinal(min(dt.date.max.toordinal(), start.toordinal() + length))
    assert _gaps_or_error(dates, start, end, days) == _runs_by_definition(dates, start, end, days)


# --- Decision's fields, as attrs lists them --------------------------------------------------


def test_a_decision_has_the_same_attrs_fields_from_the_closures_and_from_generated_code() -> None:
    """Decisions are frozen attrs classes (docs/api.md, Types), read field by field with
    attrs.asdict/astuple as well as by attribute. The closures' Decision and the generated
    code's Decision for the same facts must list the same fields with equal values; the
    private slot that caches ``violations`` is one of attrs' fields, None in the closures'
    Decision until ``violations`` is read and already set in the generated code's."""
    import attrs

    library = load(None)
    ruleset = library.ruleset("yunnan")
    facts = {"accounts": [{"id": "a", "commercial_activity": True}]}
    data = validate(facts).data
    cal = govrules.load().calendar
    on = dt.date(2024, 6, 1)
    closures = run_closures(library, ruleset, data, on, cal, facts)
    generated = fast.run(library, ruleset, data, on, cal, facts, fast.plan(library, ruleset))
    assert closures == generated
    assert closures.violations  # a violation, so the two lists are not both empty
    fresh = run_closures(library, ruleset, data, on, cal, facts)
    assert attrs.asdict(generated, recurse=False) == attrs.asdict(fresh, recurse=False)


# --- areas found sound, held to it ---------------------------------------------------------

JURISDICTIONS = ("yunnan", "puding", "anyue", "luju", "chengjiang_meteorology")


def _random_facts(r: Any) -> dict[str, Any]:
    """Facts over the whole vocabulary, any optional fact left out, dates as text or dates."""
    from govrules.facts import SCHEMA

    def scalar(field: Any, kind: str) -> Any:
        if kind == "date":
            day = dt.date(2019, 1, 1) + dt.timedelta(days=r.randrange(2500))
            return day.isoformat() if r.random() < 0.7 else day
        if kind == "bool":
            return r.random() < 0.5
        if kind == "int":
            return r.randrange(5)
        if kind == "enum":
            return r.choice(list(field.values))
        return r.choice(["a", "b", "新华社"])

    def value(field: Any) -> Any:
        if field.kind == "object":
            return obj(field)
        if field.kind == "list":
            if field.fields:
                return [obj(field) for _ in range(r.choice([0, 1, 2]))]
            return [scalar(field, field.item or "str") for _ in range(r.choice([0, 1, 2]))]
        return scalar(field, field.kind)

    def obj(field: Any) -> dict[str, Any]:
        out = {f.name: value(f) for f in field.fields if f.required or r.random() < 0.6}
        if "start" in out and "end" in out:
            a, b = sorted(str(out[k]) for k in ("start", "end"))
            out["start"], out["end"] = a, b
        return out

    facts = obj(SCHEMA)
    for i, account in enumerate(facts.get("accounts", [])):
        account["id"] = f"a{i}"
    return facts


def test_the_noting_validator_gives_validate_and_unused_facts_on_the_whole_vocabulary() -> None:
    """For the reads of every shipped rule set, facts over the whole vocabulary (labels,
    lists read only as a whole, facts no rule reads): the one pass gives validate's data and
    unused_facts' list, in order."""
    import random

    from govrules import factcode
    from govrules import reads as reads_module
    from govrules.evaluate import reads
    from govrules.facts import LABELS, Fallback

    library = load(None)
    noting = []
    for jurisdiction in JURISDICTIONS:
        read = reads(library, library.ruleset(jurisdiction))
        tree, _ = reads_module._tree(read)
        noting.append((read, factcode.noting_validator(tree, LABELS)))
    r = random.Random(0)
    for _ in range(150):
        facts = _random_facts(r)
        expected_data = validate(facts).data
        for read, made in noting:
            assert made is not None
            out: list[str] = []
            try:
                data = made(facts, out)
            except Fallback:
                continue
            assert data == expected_data
            assert tuple(out) == reads_module.unused_facts(facts, read)


def test_violations_are_the_violating_verdicts_after_pickling_evolving_and_copying() -> None:
    import copy
    import pickle
    import random

    import attrs

    engine = govrules.load()
    r = random.Random(1)
    on = dt.date(2024, 7, 1)
    for jurisdiction in ("yunnan", "anyue"):
        for _ in range(12):
            facts = _random_facts(r)
            for _ in range(3):  # the closures first, generated code after
                decision = engine.evaluate(facts, jurisdiction, on)
            decision.violations  # noqa: B018  (read once: the Decision keeps them)
            for made in (
                decision,
                pickle.loads(pickle.dumps(decision)),
                attrs.evolve(decision, verdicts=decision.verdicts[::-1]),
                copy.copy(decision),
                copy.deepcopy(decision),
            ):
                listed = [v for v in made.verdicts if v.outcome is govrules.Outcome.VIOLATION]
                assert [id(v) for v in made.violations] == [id(v) for v in listed]
