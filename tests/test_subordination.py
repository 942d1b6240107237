"""A within layer may tighten its base but not relax it: the direction of each value."""

from __future__ import annotations

import pytest

from govrules import nodes as n
from govrules.citation_numbers import appears
from govrules.parser import parse
from govrules.subordination import Analysis, relaxed_overrides, relaxed_params

HEADER = 'ruleset {id} {{ title "t" issuer "i" level town jurisdiction "j" effective 2024-01-01 text "t.txt" {rel} }}\n'
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
