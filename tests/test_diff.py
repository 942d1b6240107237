"""Diffs for legal reviewers: obligations matched through layers, texts compared by character."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govrules
from govrules.cli import main
from govrules.diff_formats import render_html, render_markdown, render_text
from govrules.library import bundled

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


def test_puding_keeps_the_server_article_with_county_for_province(puding: govrules.Diff) -> None:
    """Yunnan 第三十九条 → Puding 第三十二条: the texts differ only in 省 → 县, three times."""
    c = puding.change("no_servers_abroad")
    assert c.kind == "renumbered"
    assert _articles(c) == (("yunnan", 39), ("puding", 32))
    assert [(e.left, e.right) for e in c.text_edits] == [("省", "县")] * 3
    assert "article text: 省 → 县 (3 places)" in c.details


def test_puding_narrows_app_servers_to_the_county(puding: govrules.Diff) -> None:
    """The app-server obligation is modified: allowed regions 本省、本县 → 本县."""
    c = puding.change("app_server_local")
    assert c.kind == "modified"
    assert "app_server_regions: 本省、本县 → 本县" in c.details


def test_puding_renumbers_what_it_kept(puding: govrules.Diff) -> None:
    """Kept obligations move to Puding's numbering with identical text."""
    expected = {
        "change_close_announcement": (18, 14),
        "change_close_decision": (18, 14),
        "name_approval": (16, 13),
        "daily_update": (22, 18),
        "repost_source": (25, 21),
        "no_auto_login": (36, 29),
        "staff_trained": (37, 30),
        "objection_deadline": (45, 38),
    }
    for rule, (left, right) in expected.items():
        c = puding.change(rule)
        assert c.kind == "renumbered", (rule, c.details)
        assert _articles(c) == (("yunnan", left), ("puding", right))
        assert "article text: identical" in c.details, (rule, c.details)
        assert "in force from: 2019-09-10 → 2022-03-01" in c.details


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
        assert c.details[0].startswith("repealed by puding: ")


def test_puding_changes_who_must_open(puding: govrules.Diff) -> None:
    """第十条 obliges township governments and county departments: a modified condition."""
    c = puding.change("must_open")
    assert c.kind == "modified"
    assert "condition (when) changed" in c.details
    assert _articles(c) == (("yunnan", 12), ("puding", 10))


def test_puding_metadata(puding: govrules.Diff) -> None:
    """Level, relation, dates, issuer and number differ."""
    assert "relation: no base → adapts yunnan" in puding.metadata
    assert "effective: 2019-09-10 → 2022-03-01" in puding.metadata
    assert "level: province → county" in puding.metadata
    assert "document number: 云政办规〔2019〕6号 → 普府办发〔2022〕7号" in puding.metadata


def test_luju_adds_its_own_obligations(luju: govrules.Diff) -> None:
    """Luju adds website (第六条), offline (第七条), approval and filing (第十三、十四条) duties."""
    added = {c.rule: c.right.article for c in luju.of_kind("added") if c.right}
    assert added["no_own_website"] == 6
    assert {added[r] for r in added if r.startswith("offline_")} == {7}
    assert len([r for r in added if r.startswith("offline_")]) == 4
    assert 13 in added.values()
    assert 14 in added.values()
    assert not luju.of_kind("removed")


def test_luju_specialises_the_closing_announcement(luju: govrules.Diff) -> None:
    """Yunnan 第十八条 → Luju 第十五条: 主管单位 → 市政府办公室, from 2023-09-15."""
    c = luju.change("change_close_announcement")
    assert c.kind == "renumbered"
    assert _articles(c) == (("yunnan", 18), ("luju", 15))
    assert [(e.left, e.right) for e in c.text_edits] == [("主管单位", "市政府办公室")]
    assert "in force from: 2019-09-10 → 2023-09-15" in c.details
    assert any(d.startswith("specialises 《云南省政务新媒体管理办法》第十八条") for d in c.details)


def test_luju_leaves_yunnans_other_obligations_unchanged(luju: govrules.Diff) -> None:
    """Yunnan keeps binding Luju where Luju says nothing: filing in 7 days, daily updates."""
    for rule in ("filing_deadline", "daily_update", "objection_deadline", "transition_filing"):
        assert luju.change(rule).kind == "unchanged"
    assert "relation: no base → within yunnan" in luju.metadata


def test_json_is_the_contract_shape(
    puding: govrules.Diff, capsys: pytest.CaptureFixture[str]
) -> None:
    """`govrules diff --format json` prints left, right and changes as CONTRACT §6."""
    assert main(["diff", "yunnan", "puding", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["left"] == "yunnan"
    assert data["right"] == "puding"
    (change,) = [c for c in data["changes"] if c["rule"] == "app_server_local"]
    assert change["kind"] == "modified"
    assert change["left"] == {
        "document": "yunnan",
        "article": 39,
        "label": "第三十九条",
        "cited": "第三十九条",
    }
    assert change["right"]["label"] == "第三十二条"
    assert all(isinstance(x, str) for x in change["details"])
    assert {c["kind"] for c in data["changes"]} <= {
        "removed",
        "added",
        "modified",
        "renumbered",
        "unchanged",
    }


def test_two_versions_of_one_policy_file(tmp_path: Path) -> None:
    """Comparing two .rules files names what changed: a parameter value, in words."""
    for version in ("old", "new"):
        folder = tmp_path / version
        (folder / "texts").mkdir(parents=True)
        shutil.copy(ROOT / "policies" / "texts" / "yunnan.txt", folder / "texts" / "yunnan.txt")
        text = (ROOT / "policies" / "yunnan.rules").read_text(encoding="utf-8")
        if version == "new":
            # Whatever the alignment `govrules fmt` gives the line.
            text = re.sub(r"(param publication_date\s*=\s*)2019-08-05", r"\g<1>2019-08-03", text)
        (folder / "yunnan.rules").write_text(text, encoding="utf-8")
    d = govrules.diff(tmp_path / "old" / "yunnan.rules", tmp_path / "new" / "yunnan.rules")
    changed = [c for c in d.changes if c.kind != "unchanged"]
    assert [c.rule for c in changed] == ["transition_filing"]
    assert changed[0].kind == "modified"
    assert "publication_date: 2019-08-05 → 2019-08-03" in changed[0].details


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
    assert "Matched articles, side by side" in page
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
    ],
)
def test_golden_outputs(left: str, right: str, fmt: str) -> None:
    """Text and Markdown renderings match the reviewed golden files (GOVRULES_REGEN=1 rewrites)."""
    d = govrules.diff(left, right)
    rendered = render_text(d) if fmt == "txt" else render_markdown(d)
    golden = GOLDEN / f"diff_{left}_{right}.{fmt}"
    if os.environ.get("GOVRULES_REGEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
