"""The worked scenarios of the shared spec (../shared/spec/examples.json) give their outcomes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import govrules
from govrules.library import bundled

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "examples.json"
SCENARIOS: list[dict[str, Any]] = (
    json.loads(SPEC.read_text(encoding="utf-8")) if SPEC.exists() else []
)


@pytest.mark.skipif(not SPEC.exists(), reason="the shared spec is not beside this checkout")
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_spec_scenario(scenario: dict[str, Any]) -> None:
    """Each expectation holds: the applicable verdicts citing the article agree on the outcome."""
    if scenario["jurisdiction"] not in bundled().policies:
        pytest.skip(f"rule set {scenario['jurisdiction']} is not shipped yet")
    decision = govrules.evaluate(scenario["facts"], scenario["jurisdiction"], scenario["on"])
    for expect in scenario["expect"]:
        about = decision.for_subject(expect["subject"])
        if "cites" in expect:
            doc, art = expect["cites"]
            found = [
                v for v in about if any((c.document, c.article) == (doc, art) for c in v.citations)
            ]
        else:
            doc, art = expect["first_citation"]
            found = [
                v for v in about if (v.citations[0].document, v.citations[0].article) == (doc, art)
            ]
        if "also_cites" in expect:
            also = tuple(expect["also_cites"])
            found = [v for v in found if any((c.document, c.article) == also for c in v.citations)]
        # Verdicts that could not decide or do not apply (another column kind, say) are not
        # the verdict the scenario speaks of.
        open_ = (govrules.Outcome.UNDETERMINED, govrules.Outcome.NOT_APPLICABLE)
        decided = [v for v in found if v.outcome not in open_]
        assert decided, [(v.rule, v.outcome) for v in about]
        for v in decided:
            assert v.outcome.value == expect["outcome"], v.explanation
            if "explanation_mentions" in expect:
                assert expect["explanation_mentions"] in v.explanation
