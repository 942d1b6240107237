"""The shipped rule sets: their examples, coverage of every rule, and their relations."""

from __future__ import annotations

import pytest

import govrules
from govrules import Outcome
from govrules.examples import run_examples
from govrules.library import bundled

# Rules that by their nature have only one decisive outcome, with the reason.
ONE_SIDED = {
    # 第二十二条第二款第五项 deems a blank column a failure: a column it applies to always fails.
    ("anyue", "blank_column"): {"violation"},
}


def _expected_outcomes(pid: str) -> dict[str, set[str]]:
    policy = bundled().policies[pid]
    seen: dict[str, set[str]] = {}
    for example in policy.examples:
        if example.jurisdiction not in (None, pid):
            continue
        for expect in example.expects:
            seen.setdefault(expect.rule.rsplit(".", 1)[-1], set()).add(expect.outcome)
    return seen


@pytest.mark.parametrize("pid", sorted(bundled().own))
def test_every_rule_of_a_rule_set_has_a_compliant_and_a_violating_example(pid: str) -> None:
    """Each obligation the rule set itself states is shown both met and broken."""
    ruleset = bundled().ruleset(pid)
    seen = _expected_outcomes(pid)
    lacking = {}
    for ob in ruleset.obligations:
        if ob.latest.measure.id != pid:
            continue  # inherited unchanged: shown by the base's examples
        wanted = ONE_SIDED.get((pid, ob.id), {"compliant", "violation"})
        if not wanted <= seen.get(ob.id, set()):
            lacking[ob.id] = sorted(seen.get(ob.id, set()))
    assert lacking == {}


def test_every_example_in_the_shipped_policies_passes() -> None:
    """`govrules test` on the bundled policies: every expectation holds."""
    results = list(run_examples())
    failed = [(r.where, r.example, r.detail) for r in results if not r.passed]
    assert len(results) > 250
    assert failed == []


def test_the_five_rule_sets_and_their_relations() -> None:
    """CONTRACT §1: ids, levels, relations and dates."""
    found = {
        rs.id: (rs.measure.level, rs.measure.relation, rs.measure.base, rs.measure.effective)
        for rs in govrules.rulesets()
    }
    import datetime as dt

    assert found == {
        "yunnan": ("province", None, None, dt.date(2019, 9, 10)),
        "puding": ("county", "adapts", "yunnan", dt.date(2022, 3, 1)),
        "luju": ("town", "within", "yunnan", dt.date(2023, 9, 15)),
        "chengjiang_meteorology": ("bureau", "within", "yunnan", None),
        "anyue": ("county", None, None, dt.date(2023, 3, 3)),
    }


def _close(date: str, announced: str) -> dict[str, object]:
    return {
        "accounts": [
            {"id": "wx", "events": [{"type": "close", "date": date, "announced_on": announced}]}
        ]
    }


def _one(decision: govrules.Decision, obligation: str) -> govrules.Verdict:
    (v,) = [x for x in decision.verdicts if x.obligation == obligation]
    return v


def test_puding_binds_only_from_its_own_date() -> None:
    """Adapts: a close on 2022-02-28 is outside Puding's measure though Yunnan's covered it."""
    facts = _close("2022-02-28", "2022-02-21")
    puding = _one(govrules.evaluate(facts, "puding", "2022-06-01"), "change_close_announcement")
    yunnan = _one(govrules.evaluate(facts, "yunnan", "2022-06-01"), "change_close_announcement")
    assert puding.outcome is Outcome.NOT_APPLICABLE
    assert "2022-03-01" in puding.explanation
    assert yunnan.outcome is Outcome.VIOLATION


def test_puding_cites_its_own_renumbered_article() -> None:
    """Yunnan 第十八条 is Puding 第十四条; Yunnan is not cited under an adapting measure."""
    # 2024-10-08 to 10-31: 17 working days strictly between (10-12 is a make-up Saturday).
    v = _one(
        govrules.evaluate(_close("2024-10-31", "2024-10-08"), "puding", "2024-11-01"),
        "change_close_announcement",
    )
    assert v.outcome is Outcome.COMPLIANT
    assert [(c.document, c.label) for c in v.citations] == [("puding", "第十四条")]
    assert "公告时间不少于 15 个工作日" in v.citations[0].text


def test_puding_dropped_the_filing_deadline() -> None:
    """Puding has no counterpart of Yunnan 第十七条: no filing-deadline verdict at all."""
    facts = {
        "accounts": [
            {
                "id": "wx",
                "events": [{"type": "open", "date": "2024-09-27", "filed_on": "2024-12-31"}],
            }
        ]
    }
    decision = govrules.evaluate(facts, "puding", "2025-01-01")
    assert not [v for v in decision.verdicts if v.obligation == "filing_deadline"]
    (repeal,) = [
        r for r in bundled().ruleset("puding").repealed if r.obligation == "filing_deadline"
    ]
    assert repeal.measure == "puding"


def test_luju_governs_from_its_date_and_yunnan_before() -> None:
    """Within: the same 9-working-day announcement is judged by Yunnan in 2022, Luju in 2024."""
    # 2022-09-23 (Fri) to 2022-10-13: 09-26..09-30 (5), National Day 10-01..07, make-up
    # 10-08 (Sat) and 10-09 (Sun), 10-10..10-12: 5 + 2 + 3 = 10 working days.
    before = _one(
        govrules.evaluate(_close("2022-10-13", "2022-09-23"), "luju", "2024-11-01"),
        "change_close_announcement",
    )
    assert before.rule == "yunnan.change_close_announcement"
    assert [c.document for c in before.citations] == ["yunnan"]
    assert before.outcome is Outcome.VIOLATION
    assert "10个工作日" in before.explanation
    after = _one(
        govrules.evaluate(_close("2024-10-14", "2024-09-25"), "luju", "2024-11-01"),
        "change_close_announcement",
    )
    assert after.rule == "luju.change_close_announcement"
    assert [(c.document, c.article) for c in after.citations] == [("luju", 15), ("yunnan", 18)]


def test_the_bureaus_unknown_date_is_said_in_its_verdicts() -> None:
    """A verdict under the bureau's own article says its effective date is unknown."""
    v = _one(
        govrules.evaluate(
            _close("2024-10-31", "2024-10-08"), "chengjiang_meteorology", "2024-11-01"
        ),
        "change_close_announcement",
    )
    assert v.citations[0].document == "chengjiang_meteorology"
    assert "未载明施行日期" in v.explanation


def test_anyue_disclosure_within_twenty_working_days() -> None:
    """Formed 2024-04-30: 20 working days are 05-06..10, 05-11 (make-up), 05-13..17,
    05-20..24, 05-27..30: the deadline is 2024-05-30, and 05-31 is late."""
    for published, outcome in (
        ("2024-05-30", Outcome.COMPLIANT),
        ("2024-05-31", Outcome.VIOLATION),
    ):
        facts = {"disclosures": [{"formed_on": "2024-04-30", "published_on": published}]}
        v = _one(govrules.evaluate(facts, "anyue", "2024-07-01"), "disclosure_deadline")
        assert v.outcome is outcome, v.explanation
        assert "2024-05-30" in v.explanation


def test_a_verdict_traces_the_file_and_line_of_the_rule_that_decided() -> None:
    """Provenance: Luju's override, by file and line, then Yunnan's rule before Luju's date."""
    text = (bundled().policies["luju"].source.text).splitlines()
    line = next(
        i for i, t in enumerate(text, 1) if t.startswith("override change_close_announcement")
    )
    after = _one(
        govrules.evaluate(_close("2024-10-14", "2024-09-25"), "luju", "2024-11-01"),
        "change_close_announcement",
    )
    assert ("rule_source", f"policies/luju.rules:{line}") in [
        (s.name, s.value) for s in after.trace
    ]
    before = _one(
        govrules.evaluate(_close("2022-10-13", "2022-09-23"), "luju", "2024-11-01"),
        "change_close_announcement",
    )
    source = dict((s.name, s.value) for s in before.trace)["rule_source"]
    assert source.startswith("policies/yunnan.rules:")
