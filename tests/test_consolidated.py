"""govrules show: the consolidated rule set in force on a date, for legal reviewers."""

from __future__ import annotations

import re

import pytest

from govrules.cli import main
from govrules.consolidated import consolidate, render_html, render_markdown, render_text


def _block(text: str, obligation: str) -> str:
    """Return the text block of one obligation: from its 【id】 line to the next blank line."""
    match = re.search(rf"^【{obligation}】.*?(?=\n\n|\n== |\Z)", text, re.S | re.M)
    assert match is not None, obligation
    return match.group(0)


def test_puding_states_its_own_article_and_the_yunnan_article_it_adapts() -> None:
    """Puding's announcement duty: Puding 第十四条, 15个工作日, adapted from Yunnan 第十八条."""
    text = render_text(consolidate("puding", "2024-11-01"))
    assert _block(text, "change_close_announcement") == (
        "【change_close_announcement】变更、关停、注销须公告不少于15个工作日\n"
        "  来源：puding 《普定县政务新媒体管理办法》，自2022-03-01起施行\n"
        "  条文：《普定县政务新媒体管理办法》第十四条：因工作原因需要变更、关停、注销的政务新媒体，"
        "须经本单位集体研究或主要领导同意，报主管单位备案，并向社会公告。"
        "公告时间不少于 15 个工作日。\n"
        "  改编自：《云南省政务新媒体管理办法》第十八条："
        "因工作原因需要变更、关停、注销的政务新媒体,"
        "须经本单位集体研究或主要领导同意,报主管单位备案,并向社会公告.公告时间不少于１５个工作日.\n"
        "  参数：announcement_period = 15个工作日（puding 第十四条）"
    )


def test_puding_lists_the_repealed_filing_deadline_with_its_reason() -> None:
    """Yunnan's 7-working-day filing duty is listed as repealed by Puding, not as binding."""
    result = consolidate("puding", "2024-11-01")
    assert "filing_deadline" not in [e.obligation for e in result.entries]
    text = render_text(result)
    assert (
        "  【filing_deadline】开办、变更、关停、注销7个工作日内备案"
        "（原属 yunnan，由 puding 废止）\n"
        "    理由：普定县办法没有与云南省办法第十七条（分级备案制度、7个工作日内填写备案登记表）"
        "对应的条文；第十四条虽要求变更、关停、注销“报主管单位备案”，但没有任何期限，"
        "开办也无备案要求（见文首说明）\n"
    ) in text


def test_luju_cites_its_own_article_first_then_the_yunnan_article_it_specialises() -> None:
    """Luju's announcement duty shows Luju 第十五条, then Yunnan 第十八条, with Luju's value."""
    text = render_text(consolidate("luju", "2024-11-01"))
    assert _block(text, "change_close_announcement") == (
        "【change_close_announcement】变更、关停、注销须公告不少于15个工作日\n"
        "  来源：luju 《路居镇政府网站和政务新媒体管理制度》，自2023-09-15起施行\n"
        "  条文：《路居镇政府网站和政务新媒体管理制度》第十五条：因工作原因需要变更、关停、注销的"
        "政务新媒体，须经本单位集体研究或主要领导同意，报市政府办公室备案，并向社会公告。"
        "公告时间不少于15个工作日。\n"
        "  细化的上级条文：《云南省政务新媒体管理办法》第十八条：因工作原因需要变更、关停、注销的"
        "政务新媒体,须经本单位集体研究或主要领导同意,报主管单位备案,并向社会公告."
        "公告时间不少于１５个工作日.\n"
        "  参数：announcement_period = 15个工作日（luju 第十五条）"
    )


def test_before_luju_takes_effect_its_own_duties_are_not_binding() -> None:
    """On 2020-01-01 Luju's own duties are listed as not yet in force; Yunnan's bind as they are."""
    result = consolidate("luju", "2020-01-01")
    binding = {e.obligation: e for e in result.entries}
    assert "no_own_website" not in binding
    assert [n.obligation for n in result.not_yet][:1] == ["no_own_website"]
    announcement = binding["change_close_announcement"]
    assert announcement.layer.id == "yunnan"
    assert [(m.id, str(d)) for m, d in announcement.later] == [("luju", "2023-09-15")]
    text = render_text(result)
    assert "注意：本规则集自2023-09-15起施行，截至该日尚未施行。\n" in text
    assert "  【no_own_website】镇属部门不得单独建设政府网站（luju，自2023-09-15起施行）\n" in text
    assert "  待施行：luju 的细化自2023-09-15起施行" in _block(text, "change_close_announcement")


def test_obligations_are_grouped_by_subject_in_chinese() -> None:
    """Groups follow the subject order with Chinese labels: 单位, 账号, 账号事件, … 异议处理."""
    text = render_text(consolidate("yunnan", "2024-11-01"))
    assert re.findall(r"^== (.*) ==$", text, re.M) == [
        "单位",
        "账号",
        "账号事件（开办、变更、关停、注销）",
        "异议处理",
    ]
    assert text.startswith(
        "《云南省政务新媒体管理办法》（云政办规〔2019〕6号）\n"
        "规则集 yunnan · 省级 · 基础规则集 · 施行日期 2019-09-10\n"
        "截至 2024-11-01 有效的义务：24 项\n"
    )


def test_an_unknown_effective_date_is_said_so() -> None:
    """Chengjiang's own duties show that their date of effect is unknown."""
    result = consolidate("chengjiang_meteorology", "2024-11-01")
    own = [e for e in result.entries if e.layer.id == "chengjiang_meteorology"]
    assert own
    assert "施行日期不详" in _block(render_text(result), own[0].obligation)


def test_markdown_quotes_each_article() -> None:
    """Markdown gives each obligation a heading and quotes each article's text."""
    md = render_markdown(consolidate("luju", "2024-11-01"))
    assert (
        "### 变更、关停、注销须公告不少于15个工作日 (`change_close_announcement`)\n\n"
        "- 来源：luju 《路居镇政府网站和政务新媒体管理制度》，自2023-09-15起施行\n"
        "- 条文：《路居镇政府网站和政务新媒体管理制度》第十五条\n"
        "  > 因工作原因需要变更、关停、注销的政务新媒体，须经本单位集体研究或主要领导同意，"
        "报市政府办公室备案，并向社会公告。公告时间不少于15个工作日。\n"
    ) in md


def test_html_is_self_contained_and_escaped() -> None:
    """The HTML page loads nothing from elsewhere and escapes the text it shows."""
    page = render_html(consolidate("puding", "2024-11-01"))
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|\bhref=|url\(|@import", page)
    assert "<h2>已废止（不再适用）</h2>" in page
    assert "<blockquote>任何政务新媒体不得参与商业性、盈利性经营活动；严禁购买“粉丝”" in page


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_the_command_prints_each_format(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`govrules show ID --on DATE --format F` prints what the renderer returns and exits 0."""
    render = {"text": render_text, "markdown": render_markdown, "html": render_html}[fmt]
    assert main(["show", "luju", "--on", "2024-11-01", "--format", fmt]) == 0
    assert capsys.readouterr().out == render(consolidate("luju", "2024-11-01"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "luj"], "govrules: error: unknown jurisdiction 'luj' (did you mean 'luju'?)"),
        (["show", "luju", "--on", "2024-13-01"], "govrules: error: --on: expected a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown id or a bad date prints one error line, exit code 2, no traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
