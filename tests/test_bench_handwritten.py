"""The benchmarks' hand-written checkers agree with the engine (a correctness test, no timing).

``benchmarks/handwritten.py`` (yunnan) and ``benchmarks/micro_hand.py`` (the micro policy)
are the yardsticks of docs/benchmarks.md; the benchmarks assert the same before they time
anything, but only when run by hand. This keeps the yardsticks honest as the policies change.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import pytest

BENCHMARKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks")
sys.path.insert(0, BENCHMARKS)

import handwritten  # noqa: E402
import micro_hand  # noqa: E402
from workloads import small_records, year_of_daily_posts  # noqa: E402

import govrules  # noqa: E402

ON = dt.date(2025, 1, 1)


@pytest.fixture(scope="module")
def yunnan() -> govrules.Engine:
    return govrules.load()


def _engine(engine: govrules.Engine, facts: dict) -> dict:
    decision = engine.evaluate(facts, "yunnan", ON)
    return {(v.subject, v.obligation): v.outcome.value for v in decision.verdicts}


def _hand(engine: govrules.Engine, facts: dict) -> dict:
    return {(s, o): out for s, o, out in handwritten.check(facts, engine.calendar, ON)}


def test_year_of_posts_agrees(yunnan: govrules.Engine) -> None:
    unit = year_of_daily_posts()
    assert _hand(yunnan, unit) == _engine(yunnan, unit)


def test_small_records_agree(yunnan: govrules.Engine) -> None:
    for record in small_records(300):
        assert _hand(yunnan, record) == _engine(yunnan, record), record


def test_micro_explained_verdicts_equal_the_engines_word_for_word() -> None:
    engine = govrules.load(os.path.join(BENCHMARKS, "micro"))
    for gap in (0, 13, 14, 15, 30):
        for region in ("abroad", "same_province", "other_province", "same_county"):
            for delay in (0, 10, 11, 20):
                record = {
                    "opened_on": "2024-02-20",
                    "filed_on": (dt.date(2024, 2, 20) + dt.timedelta(days=delay)).isoformat(),
                    "last_post_gap_days": gap,
                    "server_region": region,
                }
                decision = engine.evaluate(micro_hand.facts(record), "micro", micro_hand.ON)
                theirs = [
                    (v.subject, v.obligation, v.outcome.value, v.explanation)
                    for v in decision.verdicts
                ]
                for build in (micro_hand.explained_eager, micro_hand.explained_lazy):
                    mine = [
                        (v.subject, v.obligation, v.outcome, v.explanation) for v in build(record)
                    ]
                    assert mine == theirs
                codes = tuple(sorted(v.obligation for v in decision.violations))
                assert micro_hand.codes(record) == codes
