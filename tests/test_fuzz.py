"""Fuzzing kept in the suite: whatever the input, only GovrulesError escapes, and no traceback.

Budgets are small so that the suite stays fast; tools/fuzz.py runs the same targets for as
long as it is given (docs/hardening.md).
"""

from __future__ import annotations

from typing import Any

import fuzzing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

QUICK = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@QUICK
@given(fuzzing.policy_folders())
def test_loading_checking_and_evaluating_any_policy_folder(folder: dict[str, bytes]) -> None:
    """A mutated policy folder (rules, text, year file) gives diagnostics or a GovrulesError."""
    fuzzing.check_folder(folder)


@settings(QUICK, max_examples=60)
@given(fuzzing.facts(), fuzzing.jurisdictions, fuzzing.as_of)
def test_evaluating_any_facts(facts: Any, jurisdiction: Any, on: Any) -> None:
    """Any facts, jurisdiction and date give a Decision or a GovrulesError."""
    fuzzing.evaluate(facts, jurisdiction, on)


@settings(QUICK, max_examples=40)
@given(
    fuzzing.jurisdictions,
    fuzzing.jurisdictions,
    st.one_of(st.integers(), fuzzing.huge, st.sampled_from(["17", None, 1.5])),
)
def test_diff_and_article_of_anything(left: Any, right: Any, number: Any) -> None:
    """diff() and article() of any two values give an answer or a GovrulesError."""
    fuzzing.diff_and_article(left, right, number)


@QUICK
@given(fuzzing.cli_runs())
def test_the_command_line_never_prints_a_traceback(
    run: tuple[list[str], bytes, dict[str, bytes]],
) -> None:
    """Any command on drawn files exits 0, 1 or 2, and an error is one line per problem."""
    argv, facts_json, folder = run
    err = fuzzing.command_line(argv, facts_json, folder)
    if err.startswith("govrules: error: "):
        assert err.count("\n") == 1, err
