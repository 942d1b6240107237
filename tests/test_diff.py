"""Diffs for legal reviewers: obligations matched through layers, texts compared by character."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govrules
from govrules.cli import main
from govrules.comparison import KIND_NAMES, KINDS
from govrules.diff_formats import render_html, render_json, render_markdown, render_text
from govrules.library import bundled
from govrules.parser import parse
from govrules.wording import PARAM_NAMES, Reader

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
IDS = sorted(bundled().own)


@settings(max_examples=len(IDS) * 2, deadline=None)
@given(st.sampled_from(IDS))
def test_a_rule_set_compared_with_itself_is_all_unchanged(pid: str) -> None:
    """Law: diff(x, x) has no change but `unchanged`, and no metadata difference."""
    d = govrules.diff(pid, pid)
    assert d.metadata == ()
    assert {c.kind for c in d.changes} == {"unchanged"}
    assert [t for t in d.texts if t.changed] == []
    assert len(d.changes) == len(bundled().ruleset(pid).obligations)


@pytest.fixture(scope="module")
def puding() -> govrules.Diff:
    """Return Yunnan → Puding."""
    return govrules.diff("yunnan", "puding")


@pytest.fixture(scope="module")
def luju() -> govrules.Diff:
    """Return Yunnan → Luju."""
    return govrules.diff("yunnan", "luju")


def _articles(change: govrules.Change) -> tuple[object, object]:
    left = None if change.left is None else (change.left.document, change.left.article)
    right = None if change.right is None else (change.right.document, change.right.article)
    return left, right


def test_puding_changes_county_for_province_in_the_server_article(puding: govrules.Diff) -> None:
    """Yunnan 第三十九条 → Puding 第三十二条: the cited text differs in 省 → 县, so modified."""
    c = puding.change("no_servers_abroad")
    assert c.kind == "modified"
    assert _articles(c) == (("yunnan", 39), ("puding", 32))
    assert [(e.left, e.right) for e in c.text_edits] == [("省", "县")] * 3
    assert c.details == ("所引条文文字改动：省 → 县（3处）",)


def test_puding_narrows_app_servers_to_the_county(puding: govrules.Diff) -> None:
    """App servers are modified: the parameter in Chinese, 本省、本县 → 本县, and the exception."""
    c = puding.change("app_server_local")
    assert c.kind == "modified"
    claim = "主张：账号经主办单位集体研究指定服务器放置地点"
    assert c.details == (
        "本地数据服务应用系统服务器的允许所在地：本省、本县 → 本县",
        "例外：确因情况特殊，难以放置在本省，经主办单位集体研究后指定地点放置"
        f"（第三十九条；{claim}） → 确因情况特殊，难以放置在本县，经主办单位集体研究后"
        f"指定地点放置（第三十二条；{claim}）",
        "所引条文文字改动：省 → 县（3处）",
    )


def test_puding_renumbers_what_it_kept_word_for_word(puding: govrules.Diff) -> None:
    """Kept obligations whose cited text is identical move to Puding's numbering: renumbered."""
    expected = {
        "opening_decision": (12, 10),
        "change_close_announcement": (18, 14),
        "change_close_decision": (18, 14),
        "name_approval": (16, 13),
        "daily_update": (22, 18),
        "repost_source": (25, 21),
        "no_commercial_activity": (34, 27),
        "no_bought_followers": (34, 27),
        "no_auto_login": (36, 29),
        "mobile_vpn": (36, 29),
        "staff_trained": (37, 30),
        "objection_deadline": (45, 38),
    }
    assert {c.rule for c in puding.of_kind("renumbered")} == set(expected)
    for rule, (left, right) in expected.items():
        c = puding.change(rule)
        assert _articles(c) == (("yunnan", left), ("puding", right))
        assert c.details == ("所引条文文字相同",), rule


def test_puding_drops_five_obligations_with_reasons(puding: govrules.Diff) -> None:
    """Filing in 7 working days, fortnightly originals, the transition, special events, licences."""
    removed = {c.rule: c for c in puding.of_kind("removed")}
    assert set(removed) == {
        "filing_deadline",
        "fortnightly_original",
        "transition_filing",
        "no_special_event_account",
        "news_license",
    }
    for c in removed.values():
        assert c.right is None
        assert c.details[0].startswith("《普定县政务新媒体管理办法》废止此项义务：普定县办法")


def test_puding_changes_who_must_open(puding: govrules.Diff) -> None:
    """第十条 obliges township governments and county departments: both conditions written out."""
    c = puding.change("must_open")
    assert c.kind == "modified"
    assert _articles(c) == (("yunnan", 12), ("puding", 10))
    assert c.details == (
        "适用条件：单位类别为政府、政府部门且单位层级为省级、州市级、县级 → "
        "单位类别为乡镇人民政府，或（单位类别为政府部门且单位层级为县级）",
        "所引条文文字有改动，见条文对照（yunnan 第十二条 → puding 第十条）",
    )


def test_one_text_comparison_per_article_pair(puding: govrules.Diff) -> None:
    """Yunnan 第十二条 → Puding 第十条 is compared once, naming every obligation that cites it."""
    pairs = [(t.left.article, t.right.article) for t in puding.texts if t.left and t.right]
    assert len(pairs) == len(set(pairs))
    t = puding.text(12, 10)
    assert t is not None
    assert t.rules == (
        "must_open",
        "one_account_per_platform",
        "no_individual_account",
        "no_internal_body_account",
        "approved_platform",
        "opening_decision",
    )
    assert t.summary == (
        "县级以上 → 各乡（镇、街道）人民；其 → 各政府；"
        "各级政府及其部门开展重大活动或专项工作，原则上不单独开办政务新媒体。 → （无）"
    )
    fragment = "原则上不单独开办政务新媒体。 → （无）"
    for rendered in (render_text(puding), render_markdown(puding), render_html(puding)):
        assert rendered.count(fragment) == 1


def test_every_format_groups_changes_by_kind_in_one_order(puding: govrules.Diff) -> None:
    """Removed, added, modified, renumbered, unchanged: the same order in the API, JSON and text."""
    order = [c.kind for c in puding.changes]
    assert order == sorted(order, key=KINDS.index)
    data = puding.to_dict()
    assert [c["kind"] for c in data["changes"]] == order
    text = render_text(puding)
    markdown = render_markdown(puding)
    page = render_html(puding)
    for rendered, mark in ((text, "{}（"), (markdown, "## {}（"), (page, '<th colspan="5">{}（')):
        kinds = ("removed", "modified", "renumbered")
        positions = [rendered.index(mark.format(KIND_NAMES[k])) for k in kinds]
        assert positions == sorted(positions)


def test_puding_metadata(puding: govrules.Diff) -> None:
    """Level, relation, dates, issuer and number differ, each said in Chinese."""
    assert "与上位规定的关系：无上位规定 → 改写自 yunnan" in puding.metadata
    assert "施行日期：2019-09-10 → 2022-03-01" in puding.metadata
    assert "层级：省级 → 县级" in puding.metadata
    assert "文号：云政办规〔2019〕6号 → 普府办发〔2022〕7号" in puding.metadata


def test_titles_come_from_the_headers(puding: govrules.Diff) -> None:
    """The diff is titled with each document's 《title》 and 文号, not the rule-set ids."""
    assert puding.left_title == "《云南省政务新媒体管理办法》（云政办规〔2019〕6号）"
    assert puding.right_title == "《普定县政务新媒体管理办法》（普府办发〔2022〕7号）"
    assert render_text(puding).splitlines()[0] == f"{puding.left_title} → {puding.right_title}"


def test_luju_adds_its_own_obligations(luju: govrules.Diff) -> None:
    """Luju adds website (第六条), offline (第七条), approval and filing (第十三、十四条) duties."""
    added = {c.rule: c.right.article for c in luju.of_kind("added") if c.right}
    assert added["no_own_website"] == 6
    assert {added[r] for r in added if r.startswith("offline_")} == {7}
    assert len([r for r in added if r.startswith("offline_")]) == 4
    assert 13 in added.values()
    assert 14 in added.values()
    assert not luju.of_kind("removed")


def test_luju_changes_who_receives_the_closing_filing(luju: govrules.Diff) -> None:
    """Yunnan 第十八条 → Luju 第十五条: 主管单位 → 市政府办公室 makes both rules modified."""
    for rule in ("change_close_decision", "change_close_announcement"):
        c = luju.change(rule)
        assert c.kind == "modified"
        assert _articles(c) == (("yunnan", 18), ("luju", 15))
        assert [(e.left, e.right) for e in c.text_edits] == [("主管单位", "市政府办公室")]
        assert c.details == (
            "所引条文文字改动：主管单位 → 市政府办公室",
            "细化上位规定《云南省政务新媒体管理办法》第十八条",
        )


def test_luju_leaves_yunnans_other_obligations_unchanged(luju: govrules.Diff) -> None:
    """Yunnan keeps binding Luju where Luju says nothing: filing in 7 days, daily updates."""
    for rule in ("filing_deadline", "daily_update", "objection_deadline", "transition_filing"):
        assert luju.change(rule).kind == "unchanged"
    assert "与上位规定的关系：无上位规定 → 从属于 yunnan" in luju.metadata


def test_json_is_the_contract_shape(
    puding: govrules.Diff, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON keeps left, right and changes[kind, rule, left, right, details], adds the texts."""
    assert main(["diff", "yunnan", "puding", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data)[:3] == ["left", "right", "changes"]
    assert data["left"] == "yunnan"
    assert data["right"] == "puding"
    for change in data["changes"]:
        assert list(change) == ["kind", "rule", "left", "right", "details"]
    (change,) = [c for c in data["changes"] if c["rule"] == "app_server_local"]
    assert change["kind"] == "modified"
    assert change["left"] == {
        "document": "yunnan",
        "article": 39,
        "label": "第三十九条",
        "cited": "第三十九条",
    }
    assert change["right"]["label"] == "第三十二条"
    assert data["documents"]["right"]["title"] == "《普定县政务新媒体管理办法》"
    assert data["texts"][1] == {
        "left": {"document": "yunnan", "article": 39, "label": "第三十九条"},
        "right": {"document": "puding", "article": 32, "label": "第三十二条"},
        "rules": ["no_servers_abroad", "app_server_local"],
        "summary": "省 → 县（3处）",
        "similarity": 0.99,
        "edits": [{"left": "省", "right": "县"}] * 3,
    }


def _two_versions(tmp_path: Path, old_rules: str | None = None) -> tuple[Path, Path]:
    """Write old/ and new/ copies of Yunnan: new says 市政府办公室 and 2019-08-03."""
    for version in ("old", "new"):
        folder = tmp_path / version
        (folder / "texts").mkdir(parents=True)
        text = (ROOT / "policies" / "texts" / "yunnan.txt").read_text(encoding="utf-8")
        rules = (ROOT / "policies" / "yunnan.rules").read_text(encoding="utf-8")
        if version == "new":
            text = text.replace("报主管单位备案", "报市政府办公室备案")
            # Whatever alignment `govrules fmt` gives the line.
            rules = re.sub(r"(param publication_date\s*=\s*)2019-08-05", r"\g<1>2019-08-03", rules)
        elif old_rules is not None:
            rules = old_rules
        (folder / "texts" / "yunnan.txt").write_text(text, encoding="utf-8")
        (folder / "yunnan.rules").write_text(rules, encoding="utf-8")
    return tmp_path / "old" / "yunnan.rules", tmp_path / "new" / "yunnan.rules"


def test_two_versions_of_one_policy_file(tmp_path: Path) -> None:
    """Two versions of yunnan.rules: a parameter and the article text of 第十八条, in words."""
    old, new = _two_versions(tmp_path)
    d = govrules.diff(old, new)
    changed = {c.rule: c for c in d.changes if c.kind != "unchanged"}
    assert sorted(changed) == [
        "change_close_announcement",
        "change_close_decision",
        "transition_filing",
    ]
    assert changed["transition_filing"].details == ("公布之日：2019-08-05 → 2019-08-03",)
    assert changed["change_close_decision"].details == (
        "所引条文文字改动：主管单位 → 市政府办公室",
    )
    assert [t.summary for t in d.texts if t.changed] == ["主管单位 → 市政府办公室"]
    assert d.to_dict()["texts"][0]["left"] == {
        "document": "yunnan",
        "article": 18,
        "label": "第十八条",
    }


def test_two_versions_are_titled_by_header_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text diff of two versions names 《title》（文号） and each file, not `yunnan yunnan`."""
    _two_versions(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["diff", "old/yunnan.rules", "new/yunnan.rules"]) == 0
    out = capsys.readouterr().out
    title = "《云南省政务新媒体管理办法》（云政办规〔2019〕6号）"
    assert out.splitlines()[0] == f"{title} [old/yunnan.rules] → {title} [new/yunnan.rules]"
    assert "条文对照（1）\n  yunnan 第十八条\n    - 主管单位 → 市政府办公室\n" in out


def test_an_old_file_that_no_longer_parses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unparsable old version: a located error (exit 2), then the article texts compared."""
    rules = (ROOT / "policies" / "yunnan.rules").read_text(encoding="utf-8")
    filing = re.compile(r"(param filing_period\s*=\s*7 )workdays")
    old_rules = filing.sub(r"\g<1>weeks", rules)
    line = next(i for i, text in enumerate(rules.splitlines(), 1) if filing.search(text))
    column = old_rules.splitlines()[line - 1].index("weeks") + 1
    _two_versions(tmp_path, old_rules)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(govrules.PolicyError) as caught:
        govrules.diff("old/yunnan.rules", "new/yunnan.rules")
    assert (caught.value.path, caught.value.line) == ("old/yunnan.rules", line)
    assert main(["diff", "old/yunnan.rules", "new/yunnan.rules"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"old/yunnan.rules:{line}:{column}: error: ")
    assert "Traceback" not in err
    title = "《云南省政务新媒体管理办法》（云政办规〔2019〕6号）"
    assert out.splitlines()[:3] == [
        f"{title} [old/yunnan.rules] → {title} [new/yunnan.rules]",
        "规则集 yunnan → yunnan：删除0项，新增0项，修改0项，仅条号变化0项，未变0项",
        f"注意：old/yunnan.rules:{line}:{column}: 无法解析（{caught.value.message}），"
        "只比较条文文字，不比较义务",
    ]
    assert "条文对照（1）\n  yunnan 第十八条\n    - 主管单位 → 市政府办公室" in out


def test_a_missing_side_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id or file is reported with exit code 2 and no traceback."""
    assert main(["diff", "yunnan", "pudin"]) == 2
    assert "did you mean 'puding'?" in capsys.readouterr().err
    assert main(["diff", "yunnan", "nowhere/x.rules"]) == 2
    assert "no such policy file" in capsys.readouterr().err


def test_html_is_self_contained_and_marks_the_characters(puding: govrules.Diff) -> None:
    """The page has no external assets, links changes to articles, marks 省 and 县."""
    page = render_html(puding)
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "src=" not in page
    assert 'href="#left-a39"' in page
    assert 'id="right-a32"' in page
    assert '<h2 class="section" id="pairs">条文对照（2）</h2>' in page
    assert "<th>变化</th><th>义务</th>" in page
    assert "本<del>省</del>内" in page
    assert "本<ins>县</ins>内" in page
    # the source's own characters are shown: Yunnan's half-width punctuation stays
    assert "境外,禁止使用" in page


@pytest.mark.parametrize(
    ("left", "right", "fmt"),
    [
        ("yunnan", "puding", "txt"),
        ("yunnan", "puding", "md"),
        ("yunnan", "luju", "txt"),
        ("yunnan", "luju", "md"),
        ("yunnan", "luju", "json"),
    ],
)
def test_golden_outputs(left: str, right: str, fmt: str) -> None:
    """Text, Markdown and JSON match the reviewed golden files (GOVRULES_REGEN=1 rewrites)."""
    d = govrules.diff(left, right)
    renderers = {"txt": render_text, "md": render_markdown, "json": render_json}
    rendered = renderers[fmt](d)
    golden = GOLDEN / f"diff_{left}_{right}.{fmt}"
    if os.environ.get("GOVRULES_REGEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_every_parameter_of_the_shipped_policies_has_a_chinese_name() -> None:
    """A reviewer never meets an internal parameter name: each has an entry in PARAM_NAMES."""
    library = bundled()
    names = {p.name for policy in library.policies.values() for p in policy.params}
    assert sorted(names - set(PARAM_NAMES)) == []


@pytest.mark.parametrize(
    ("expr", "reading"),
    [
        ("unit.kind in obliged_kinds", "单位类别为政府、政府部门"),
        ("event.type in [change, close, cancel]", "事件类型为变更、关停、注销"),
        ("not offline.force_majeure", "临时下线并非因不可抗因素"),
        ("account.opened_by != individual", "账号开办主体不为个人"),
        ("event.filed_on <= event.date + filing_period", "事件备案日期 ≤ 事件日期加7个工作日"),
        ("a or b and c", "a，或（b且c）"),
        ("event.announced_on is missing", "事件公告日期未提供"),
        ("count(accounts) >= 1", "账号的数量 ≥ 1"),
        ("max(period.start, account.opened_on)", "审查期开始日期、账号开办日期中最晚者"),
    ],
)
def test_conditions_are_read_in_chinese(expr: str, reading: str) -> None:
    """Rule expressions read as Chinese phrases, parameters shown by their values."""
    policy = parse(f"ruleset t {{}}\nrule r {{\n    require {expr}\n}}\n")
    (rule,) = policy.rules
    assert rule.requires is not None
    params = {p.name: p.value for p in bundled().policies["yunnan"].params}
    assert Reader(params).conditions(rule.requires) == reading


def test_unchanged_obligations_are_listed_last_and_only_with_all(luju: govrules.Diff) -> None:
    """Text, Markdown and HTML count the 16 unchanged; --all lists them after the renumbered."""
    renderings = {
        "text": (render_text, "未变（16）"),
        "markdown": (render_markdown, "## 未变（16）"),
        "html": (render_html, '<th colspan="5">未变（16）</th>'),
    }
    for name, (render, heading) in renderings.items():
        hidden = render(luju, show_unchanged=False)
        shown = render(luju, show_unchanged=True)
        assert "未变16项（未变的义务未列出，--all 列出）" in hidden, name
        assert heading not in hidden, name
        assert shown.index("修改（8）") < shown.index(heading) < shown.index("条文对照（4）"), name
