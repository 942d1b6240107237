"""Layers: a base, a variant that adapts it and a measure within it, on a small ladder of texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govrules
from govrules import Outcome

BASE_TEXT = """测试省管理办法
第一条 开办、关停应于7个工作日内备案。
第二条 关停应公告不少于15个工作日。
第三条 本办法自2020年1月1日起施行。
"""
ADAPT_TEXT = """测试县管理办法
第一条 关停应公告不少于15个工作日。
第二条 开办、关停应于5个工作日内备案。
第三条 本办法自2022年3月1日起施行。
"""
WITHIN_TEXT = """测试镇管理制度
第一条 开办、关停应于3个工作日内备案。
第二条 本制度自发布之日起施行。
"""

BASE = """
ruleset base {
    title "《测试省管理办法》"  issuer "测试省"  level province  jurisdiction "测试省"
    effective 2020-01-01  text "texts/base.txt"
}
param filing_period = 7 workdays cites 第一条
rule filing {
    title "备案" subject event cites 第一条 governing event.date
    let deadline = event.date + filing_period
    require event.filed_on <= deadline
    explain "期限{deadline}"
}
rule announcement {
    title "公告" subject event cites 第二条 governing event.date
    when event.type == close
    require workdays_between(event.announced_on, event.date) >= 15
    explain "公告"
}
"""
ADAPTS = """
ruleset county {
    title "《测试县管理办法》"  issuer "测试县"  level county  jurisdiction "测试县"
    effective 2022-03-01  text "texts/county.txt"  adapts base
}
renumber 第二条 as 第一条
param filing_period = 5 workdays cites 第二条
"""
WITHIN = """
ruleset town {
    title "《测试镇管理制度》"  issuer "测试镇"  level town  jurisdiction "测试镇"
    effective 2023-09-15  text "texts/town.txt"  within base
}
override filing {
    cites 第一条
    let deadline = event.date + 3 workdays
}
"""
QUIET = """
ruleset quiet {
    title "《测试镇管理制度》"  issuer "测试镇"  level town  jurisdiction "测试镇"
    effective 2023-09-15  text "texts/town.txt"  within base
}
"""


@pytest.fixture(scope="module")
def ladder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a policy folder holding the base, an adapting county, and two towns within."""
    folder = tmp_path_factory.mktemp("ladder")
    texts = folder / "texts"
    texts.mkdir()
    for name, text in (("base", BASE_TEXT), ("county", ADAPT_TEXT), ("town", WITHIN_TEXT)):
        (texts / f"{name}.txt").write_text(text, encoding="utf-8")
    for name, text in (("base", BASE), ("county", ADAPTS), ("town", WITHIN), ("quiet", QUIET)):
        (folder / f"{name}.rules").write_text(text, encoding="utf-8")
    return folder


def _event(**fields: Any) -> dict[str, Any]:
    return {"accounts": [{"id": "a", "events": [fields]}]}


def _verdict(folder: Path, jurisdiction: str, obligation: str, **event: Any) -> govrules.Verdict:
    decision = govrules.evaluate(_event(**event), jurisdiction, "2024-12-31", policies=folder)
    (v,) = [x for x in decision.verdicts if x.obligation == obligation]
    return v


def test_the_ladder_checks_clean(ladder: Path) -> None:
    """The four small policies have no diagnostics."""
    assert govrules.check(ladder) == ()


def test_adapting_child_uses_its_own_parameter_and_article(ladder: Path) -> None:
    """County: 2024-06-03 + 5 working days = 06-11 (06-04..07, then Dragon Boat 06-10 skipped)."""
    v = _verdict(ladder, "county", "filing", type="open", date="2024-06-03", filed_on="2024-06-12")
    assert v.outcome is Outcome.VIOLATION
    assert "2024-06-11" in v.explanation
    assert [(c.document, c.article) for c in v.citations] == [("county", 2)]
    assert v.rule == "county.filing"


def test_adapting_child_renumbers_inherited_rules(ladder: Path) -> None:
    """The base's 第二条 (announcement) is the county's 第一条; the base is not cited."""
    v = _verdict(ladder, "county", "announcement", type="close", date="2024-06-03")
    assert [(c.document, c.label) for c in v.citations] == [("county", "第一条")]
    assert "不少于15个工作日" in v.citations[0].text


def test_adapting_child_binds_only_from_its_own_date(ladder: Path) -> None:
    """An act of 2022-02-28 falls before the county's 2022-03-01: its rules do not apply."""
    v = _verdict(ladder, "county", "filing", type="open", date="2022-02-28", filed_on="2022-03-30")
    assert v.outcome is Outcome.NOT_APPLICABLE
    assert "2022-03-01" in v.explanation


def test_within_child_specialises_and_cites_the_base_article_second(ladder: Path) -> None:
    """Town after 2023-09-15: 3 working days govern; the town's article first, then the base's."""
    v = _verdict(ladder, "town", "filing", type="open", date="2024-06-03", filed_on="2024-06-07")
    assert v.outcome is Outcome.VIOLATION  # 06-03 + 3 working days = 06-06
    assert "2024-06-06" in v.explanation
    assert [(c.document, c.article) for c in v.citations] == [("town", 1), ("base", 1)]


def test_within_child_leaves_the_base_in_force_before_its_date(ladder: Path) -> None:
    """Town before 2023-09-15: the base's 7 working days govern, citing only the base."""
    v = _verdict(ladder, "town", "filing", type="open", date="2023-06-01", filed_on="2023-06-09")
    assert v.outcome is Outcome.COMPLIANT  # 06-01 + 7 working days = 06-12 (Dragon Boat 06-22)
    assert [(c.document, c.article) for c in v.citations] == [("base", 1)]
    assert v.rule == "base.filing"
    assert "2023-09-15" in v.explanation


def test_within_child_keeps_base_obligations_it_does_not_touch(ladder: Path) -> None:
    """The announcement obligation of the base binds the town unchanged."""
    v = _verdict(
        ladder, "town", "announcement", type="close", date="2024-06-03", announced_on="2024-05-30"
    )
    assert v.outcome is Outcome.VIOLATION
    assert [(c.document, c.article) for c in v.citations] == [("base", 2)]


_dates = st.dates(dt.date(2020, 1, 2), dt.date(2026, 6, 30))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event_day=_dates, lag=st.integers(0, 40), kind=st.sampled_from(["open", "close"]))
def test_a_child_within_that_overrides_nothing_decides_like_its_base(
    ladder: Path, event_day: dt.date, lag: int, kind: str
) -> None:
    """Law: an empty `within` layer gives the base's outcomes and explanations."""
    facts = _event(
        type=kind,
        date=event_day.isoformat(),
        filed_on=(event_day + dt.timedelta(days=lag)).isoformat(),
        announced_on=(event_day - dt.timedelta(days=lag)).isoformat(),
    )
    base = govrules.evaluate(facts, "base", "2026-12-31", policies=ladder)
    quiet = govrules.evaluate(facts, "quiet", "2026-12-31", policies=ladder)
    assert [(v.obligation, v.outcome, v.citations) for v in base.verdicts] == [
        (v.obligation, v.outcome, v.citations) for v in quiet.verdicts
    ]


def test_within_layer_cannot_repeal(tmp_path: Path, ladder: Path) -> None:
    """`repeal` in a `within` layer is an error naming the base's article."""
    for item in ladder.rglob("*"):
        target = tmp_path / item.relative_to(ladder)
        if item.is_dir():
            target.mkdir(exist_ok=True)
        else:
            target.write_bytes(item.read_bytes())
    (tmp_path / "town.rules").write_text(
        WITHIN + '\nrepeal announcement because "镇里不公告"\n', encoding="utf-8"
    )
    errors = [d for d in govrules.check(tmp_path) if d.severity == "error"]
    assert len(errors) == 1
    assert "cannot lift the obligation 'announcement' (base 第二条)" in errors[0].message
    assert errors[0].path.endswith("town.rules")


UNDATED_BASE_TEXT = "测试省管理办法\n第一条 开办账号应经批准。\n第二条 本办法施行。\n"
UNDATED_WITHIN_TEXT = "测试局管理制度\n第一条 开办账号应经集体决定。\n第二条 本制度施行。\n"
UNDATED_BASE = """
ruleset b0 {
    title "《测试省管理办法》" issuer "测试省" level province jurisdiction "测试省"
    effective unknown text "texts/b0.txt"
}
unchecked 第二条 because "施行日期"
rule opening {
    title "开办" subject account cites 第一条
    governing account.opened_on
    require account.approved_on <= account.opened_on
    explain "批准{account.approved_on}，开办{account.opened_on}"
}
"""
UNDATED_WITHIN = """
ruleset c0 {
    title "《测试局管理制度》" issuer "测试局" level bureau jurisdiction "测试局"
    effective unknown text "texts/c0.txt"
    within b0
}
unchecked 第二条 because "施行日期"
override opening {
    cites 第一条
    require account.approved_on <= account.opened_on and account.collective_decision
}
"""


def test_a_layer_of_unknown_date_within_a_base_of_unknown_date_binds_on_every_date(
    tmp_path: Path,
) -> None:
    """docs/contract.md: a rule set whose text gives no date counts as in force on every
    date after its base's, and a base of unknown date binds on every date. So the bureau's
    stricter opening rule (集体决定) governs an account opened on 2024-01-05: without a
    collective decision it is violated, and the verdict says the dates are unknown."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "b0.txt").write_text(UNDATED_BASE_TEXT, encoding="utf-8")
    (tmp_path / "texts" / "c0.txt").write_text(UNDATED_WITHIN_TEXT, encoding="utf-8")
    (tmp_path / "b0.rules").write_text(UNDATED_BASE, encoding="utf-8")
    (tmp_path / "c0.rules").write_text(UNDATED_WITHIN, encoding="utf-8")
    assert [d for d in govrules.check(tmp_path) if d.severity == "error"] == []
    account = {"id": "a", "opened_on": "2024-01-05", "approved_on": "2024-01-02"}
    facts = {"accounts": [{**account, "collective_decision": False}]}
    (verdict,) = govrules.evaluate(facts, "c0", "2024-07-01", policies=tmp_path).verdicts
    assert (verdict.rule, verdict.outcome) == ("c0.opening", Outcome.VIOLATION)
    assert "《测试局管理制度》未载明施行日期" in verdict.explanation
    assert "None" not in verdict.explanation
    facts = {"accounts": [{**account, "collective_decision": True}]}
    (verdict,) = govrules.evaluate(facts, "c0", "2024-07-01", policies=tmp_path).verdicts
    assert (verdict.rule, verdict.outcome) == ("c0.opening", Outcome.COMPLIANT)
