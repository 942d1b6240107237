"""A within layer may tighten its base but not relax it: the direction of each value."""

from __future__ import annotations

from pathlib import Path

import pytest

import govrules
from govrules import PolicyError
from govrules import nodes as n
from govrules.citation_numbers import appears
from govrules.parser import parse
from govrules.subordination import Analysis, relaxed_overrides, relaxed_params

HEADER = (
    'ruleset {id} {{ title "t" issuer "i" level town jurisdiction "j" '
    'effective 2024-01-01 text "t.txt" {rel} }}\n'
)
BASE = (
    HEADER.format(id="base", rel="")
    + """
param filing_period = 7 workdays
param announcement_period = 15 workdays
param regions = [same_province, same_county]
param interval = 14 days
rule filing { subject event cites 第一条
    let deadline = event.date + filing_period
    require event.filed_on <= deadline }
rule announcement { subject event cites 第二条
    let last_full_day = event.announced_on + announcement_period
    require last_full_day < event.date }
rule servers { subject account cites 第三条
    require account.server_region in regions }
rule originals { subject account cites 第四条
    let runs = gaps(account.posts.date, period.start, period.end, interval)
    require runs is empty }
"""
)


def _rules(text: str) -> list[n.Rule]:
    return list(parse(text, "base.rules").rules)


def _child(body: str) -> n.Policy:
    return parse(HEADER.format(id="child", rel="within base") + body, "child.rules")


@pytest.mark.parametrize(
    ("rule", "param", "ease"),
    [
        ("filing", "filing_period", 1),
        ("announcement", "announcement_period", -1),
        ("originals", "interval", 1),
    ],
)
def test_the_direction_of_a_value_comes_from_the_requirement(
    rule: str, param: str, ease: int
) -> None:
    """A deadline is easier when longer; a minimum announcement is harder; gaps fewer."""
    (found,) = [r for r in _rules(BASE) if r.name == rule]
    lets = {x.name: x.expr for x in found.lets}
    assert Analysis(param, lets).requirement_ease(found) == ease


@pytest.mark.parametrize(
    ("body", "relaxes"),
    [
        ("param filing_period = 10 workdays", True),
        ("param filing_period = 5 workdays", False),
        ("param announcement_period = 10 workdays", True),
        ("param announcement_period = 20 workdays", False),
        ("param regions = [same_province, same_county, other_province]", True),
        ("param regions = [same_county]", False),
        ("param interval = 30 days", True),
        ("param interval = 7 days", False),
    ],
)
def test_a_child_parameter_that_relaxes_its_base_is_found(body: str, relaxes: bool) -> None:
    """Longer deadlines, shorter minimums, wider regions and longer intervals relax."""
    base = parse(BASE, "base.rules")
    found = list(relaxed_params(list(base.rules), {p.name: p for p in base.params}, _child(body)))
    assert bool(found) is relaxes


@pytest.mark.parametrize(
    ("override", "relaxes"),
    [
        ("override filing { let deadline = event.date + 10 workdays }", True),
        ("override filing { let deadline = event.date + 3 workdays }", False),
        ("override announcement { let last_full_day = event.announced_on + 5 workdays }", True),
        ("override announcement { let last_full_day = event.announced_on + 20 workdays }", False),
    ],
)
def test_an_override_that_relaxes_a_let_is_found(override: str, relaxes: bool) -> None:
    """An override writing a laxer literal in place of the base's value relaxes it."""
    base = parse(BASE, "base.rules")
    child = _child(override)
    (rule,) = child.rules
    (base_rule,) = [r for r in base.rules if r.name == rule.name]
    found = list(relaxed_overrides(base_rule, rule, {p.name: p for p in base.params}))
    assert bool(found) is relaxes


@pytest.mark.parametrize(
    ("amount", "unit", "text", "found"),
    [
        (7, "workdays", "应于７个工作日内填写", True),
        (15, "workdays", "公告时间不少于 15 个工作日", True),
        (14, "days", "每２周至少发布１条原创信息", True),
        (3, None, "被省政府办公厅通报达（3次）及以上", True),
        (30, "days", "下线时间不得超过30天", True),
        (3, None, "第十三条", False),
        (1, None, "不得超过12天", False),
        (20, "workdays", "自该政府信息形成或者变更之日起20个工作日内", True),
    ],
)
def test_numbers_are_found_in_the_cited_text(
    amount: int, unit: str | None, text: str, found: bool
) -> None:
    """A value's number appears in ASCII, full-width or Chinese digits; 14 days as 2周."""
    assert appears(amount, unit, text) is found


TOWN_TEXT = """测试镇管理制度
第一条 开办、变更、关停、注销应于10个工作日内备案。
第二条 关停应公告不少于10个工作日。
第三条 服务器可设在省外。
第四条 开设账号须经集体研究和主要领导同意。
第五条 关停账号须经集体研究或主要领导同意。
第六条 本制度自发布之日起施行。
"""
TOWN = """ruleset town {
    title "《测试镇管理制度》" issuer "测试镇" level town jurisdiction "测试镇"
    effective 2024-01-01 text "texts/town.txt" within yunnan
}
param filing_period = 10 workdays cites 第一条
override change_close_announcement {
    cites 第二条
    let last_full_day = event.announced_on + 10 workdays
}
param app_server_regions = [same_province, same_county, other_province] cites 第三条
unchecked 第四条, 第五条, 第六条 because "测试"
"""


def _town(tmp_path: Path, text: str) -> list[PolicyError]:
    (tmp_path / "texts").mkdir(exist_ok=True)
    (tmp_path / "texts" / "town.txt").write_text(TOWN_TEXT, encoding="utf-8")
    (tmp_path / "town.rules").write_text(text, encoding="utf-8")
    return list(govrules.check(tmp_path))


def test_check_refuses_a_within_layer_that_relaxes_its_base(tmp_path: Path) -> None:
    """A longer deadline, a shorter announcement and a wider region are each an error."""
    errors = [d for d in _town(tmp_path, TOWN) if d.severity == "error"]
    messages = "\n".join(d.message for d in errors)
    assert len(errors) == 3, messages
    assert (
        "relaxes parameter 'filing_period' of rule 'filing_deadline': 7 workdays → 10 workdays"
        in messages
    )
    assert "《测试镇管理制度》第一条 against 《云南省政务新媒体管理办法》第十七条第一款" in messages
    assert (
        "'last_full_day' of rule 'change_close_announcement': 15 workdays → 10 workdays" in messages
    )
    assert "《云南省政务新媒体管理办法》第十八条" in messages
    assert "app_server_regions" in messages


def test_a_stricter_within_layer_is_accepted(tmp_path: Path) -> None:
    """Tightening (5 working days, 20 days' announcement, the county only) is allowed."""
    stricter = (
        TOWN.replace("10 workdays cites 第一条", "5 workdays cites 第一条")
        .replace("+ 10 workdays", "+ 20 workdays")
        .replace("[same_province, same_county, other_province]", "[same_county]")
    )
    text = TOWN_TEXT.replace("10个工作日内", "5个工作日内").replace("不少于10", "不少于20")
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "town.txt").write_text(text, encoding="utf-8")
    (tmp_path / "town.rules").write_text(stricter, encoding="utf-8")
    assert [d.message for d in govrules.check(tmp_path) if d.severity == "error"] == []


def test_a_value_its_article_does_not_state_is_an_error(tmp_path: Path) -> None:
    """A parameter citing an article that does not say its number is refused."""
    wrong = TOWN.replace("10 workdays cites 第一条", "5 workdays cites 第一条")
    errors = [d.message for d in _town(tmp_path, wrong) if d.severity == "error"]
    assert any(
        "parameter 'filing_period' says 5, but 《测试镇管理制度》第一条 does not state that number"
        in m
        for m in errors
    ), errors


def test_declared_overlaps_are_reported_as_warnings(tmp_path: Path) -> None:
    """`overlap` makes check warn, naming the articles and the reading chosen."""
    text = (
        TOWN.replace("unchecked 第四条, 第五条, 第六条", "unchecked 第六条").replace(
            "param filing_period = 10 workdays cites 第一条\n", ""
        )
        + 'overlap 第四条, 第五条 because "关停取第五条"\nunchecked 第四条, 第五条 because "测试"\n'
    )
    found = _town(tmp_path, text)
    warnings = [d.message for d in found if d.severity == "warning"]
    assert any("第四条、第五条 regulate the same act differently" in w for w in warnings), found
