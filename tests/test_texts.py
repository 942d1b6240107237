"""Tests for segmenting the source regulations into 章/条/款/项 (govrules.texts).

Every expected text below was read off the raw files in policies/texts/, not off
the segmenter's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules.errors import GovrulesError
from govrules.texts import (
    Article,
    Document,
    TextLookupError,
    chinese_numeral,
    label,
    load,
    load_path,
    segment,
    to_chinese_numeral,
)

KEYS = ("yunnan", "puding", "luju", "chengjiang_meteorology", "anyue")


def paragraph_texts(article: Article) -> list[str]:
    """Return the texts of the article's paragraphs, in order."""
    return [paragraph.text for paragraph in article.paragraphs]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十七", 17),
        ("四十九", 49),
        ("二十", 20),
        ("十", 10),
        ("一", 1),
        ("一百零一", 101),
        ("一百一十", 110),
        ("一百九十九", 199),
        ("两百", 200),
        ("一千零一十", 1010),
        ("4", 4),
        ("４", 4),
        ("１５", 15),
        ("零", 0),
    ],
)
def test_chinese_numeral_reads_heading_numerals(text: str, value: int) -> None:
    """Chinese, ASCII and full-width numerals as headings write them have their values."""
    assert chinese_numeral(text) == value


@pytest.mark.parametrize(
    "junk", ["", "abc", "十十", "一二", "零一", "一百零", "百", "第十", "4a", "十七条", "一百十"]
)
def test_chinese_numeral_rejects_junk(junk: str) -> None:
    """Anything that is not a well-formed numeral raises ValueError."""
    with pytest.raises(ValueError, match="not a numeral"):
        chinese_numeral(junk)


@pytest.mark.parametrize(
    ("value", "text"),
    [(17, "十七"), (10, "十"), (20, "二十"), (49, "四十九"), (101, "一百零一"), (110, "一百一十")],
)
def test_to_chinese_numeral_writes_standard_numerals(value: int, text: str) -> None:
    """Numbers are written as standard numerals: 十七 (not 一十七), 一百零一."""
    assert to_chinese_numeral(value) == text


@given(st.integers(min_value=1, max_value=199))
def test_numeral_round_trip(n: int) -> None:
    """Writing a number as a Chinese numeral and reading it back gives the number."""
    assert chinese_numeral(to_chinese_numeral(n)) == n


@given(st.integers(min_value=0, max_value=9999))
def test_numeral_round_trip_to_the_largest(n: int) -> None:
    """The round trip holds for every supported number, 0–9999."""
    assert chinese_numeral(to_chinese_numeral(n)) == n


@pytest.mark.parametrize("n", [-1, 10000])
def test_to_chinese_numeral_refuses_out_of_range(n: int) -> None:
    """Numbers outside 0–9999 raise ValueError naming the supported range."""
    with pytest.raises(ValueError, match="0–9999"):
        to_chinese_numeral(n)


def test_label_names_article_paragraph_and_item() -> None:
    """label() writes the citation form 第…条第…款第…项."""
    assert label(17) == "第十七条"
    assert label(17, 2) == "第十七条第二款"
    assert label(22, 2, 1) == "第二十二条第二款第一项"
    assert label(11, item=3) == "第十一条第三项"
    assert label(49) == "第四十九条"


def test_label_refuses_numbers_below_one() -> None:
    """Articles, paragraphs and items are counted from 1; 0 raises ValueError."""
    with pytest.raises(ValueError, match="paragraph numbers start at 1"):
        label(17, 0)


@pytest.mark.parametrize(
    ("key", "numbers"),
    [
        ("yunnan", tuple(range(1, 50))),
        ("puding", (*range(1, 40), 49)),
        ("luju", tuple(range(1, 26))),
        ("chengjiang_meteorology", tuple(range(1, 33))),
        ("anyue", tuple(range(1, 39))),
    ],
)
def test_article_numbers_of_each_source(key: str, numbers: tuple[int, ...]) -> None:
    """Each source has the articles its headings number, in source order."""
    document = load(key)
    assert document.key == key
    assert document.numbers == numbers


@pytest.mark.parametrize("key", ["yunnan", "luju", "chengjiang_meteorology", "anyue"])
def test_well_numbered_sources_have_no_anomalies(key: str) -> None:
    """A source numbered 1, 2, 3, … without gaps records no anomaly."""
    assert load(key).anomalies == ()


def test_puding_misnumbered_last_article_is_kept_and_recorded() -> None:
    """Puding's last article keeps the source's number 49 and the gap is an anomaly."""
    document = load("puding")
    assert document.has(49)
    assert not document.has(40)
    assert [a.article for a in document.anomalies] == [49]
    message = document.anomalies[0].message
    assert "第四十九条" in message
    assert "第三十九条" in message
    assert "40–48" in message


def test_puding_article_49_is_the_in_force_article() -> None:
    """Puding 第四十九条 is 施行 on 2022-03-01, in chapter 7, with nothing of the trailer."""
    article = load("puding").article(49)
    assert article.label == "第四十九条"
    assert article.text == "本办法自 2022 年 3 月 1 日起施行。"
    assert article.chapter == 7
    assert article.chapter_title == "附则"
    assert article.line == 470


def test_missing_article_lookup_says_what_exists() -> None:
    """Asking for an absent article raises LookupError listing the numbers there are."""
    with pytest.raises(LookupError, match=r"puding has no article 40 \(it has 1–39, 49\)"):
        load("puding").article(40)


def test_missing_article_error_is_a_govrules_error() -> None:
    """The lookup error is also a GovrulesError, as every deliberate error is."""
    with pytest.raises(GovrulesError):
        load("yunnan").article(50)


def test_yunnan_article_1_text_starts_after_the_ideographic_space() -> None:
    """The heading 第一条 and its ideographic space are not part of the text."""
    article = load("yunnan").article(1)
    assert article.label == "第一条"
    assert article.text.startswith("为全面规范政务新媒体的建设和应用管理,推进全省")
    assert article.text.endswith("结合我省实际,制定本办法.")
    assert article.line == 25
    assert article.chapter == 1
    assert article.chapter_title == "总则"


def test_yunnan_page_break_line_with_leading_space_is_joined() -> None:
    """A line starting with a space after a page break continues the sentence."""
    assert "以习近平新时代中国特色社会主义思想为指导" in load("yunnan").article(4).text


def test_yunnan_article_17_has_two_paragraphs() -> None:
    """Yunnan 第十七条 has two 款; the first ends with the filing within ７ working days."""
    article = load("yunnan").article(17)
    first, second = paragraph_texts(article)
    assert first.startswith("全省政务新媒体实行分级备案制度,")
    assert "７个工作日内" in first
    assert first.endswith("进行备案.")
    assert second == (
        "县级以上政府应当建立健全备案信息库.上一级主管单位对"
        "下一级单位上报的备案信息要实行档案管理,以备查核."
    )


def test_yunnan_article_12_second_paragraph() -> None:
    """Yunnan 第十二条 has two 款, the second a single sentence."""
    article = load("yunnan").article(12)
    assert len(article.paragraphs) == 2
    assert article.paragraph(1).text.startswith("除涉密单位和不对外行使公共管理职能的部门外,")
    assert article.paragraph(2).text == "以单位名义开办的,须经单位集体研究和主要领导同意."


def test_yunnan_article_18_is_one_paragraph() -> None:
    """Yunnan 第十八条 is one 款 that keeps its full-width ０-９ digits."""
    article = load("yunnan").article(18)
    assert len(article.paragraphs) == 1
    assert article.text == (
        "因工作原因需要变更、关停、注销的政务新媒体,须经本单位集体研究或主要领导同意,"
        "报主管单位备案,并向社会公告.公告时间不少于１５个工作日."
    )
    assert "不少于１５个工作日" in article.text


def test_yunnan_article_22_full_line_ending_in_period_is_mid_paragraph() -> None:
    """Yunnan 第二十二条: a full-width line ending in '.' does not end the 款.

    The source has two paragraphs here (the layout and Puding 第十八条, the same text,
    agree): the first runs on past "同根同源." to the daily update rule.
    """
    article = load("yunnan").article(22)
    first, second = paragraph_texts(article)
    assert "与政府网站所载信息同根同源.不得发布违反国家有关法律法规规定的信息" in first
    assert first.endswith("每天至少更新发布１条信息.")
    assert second.startswith("同一信息在不同政务新媒体发布的,应保持一致.")
    assert second.endswith("依法取得审图号的地图.")


def test_yunnan_article_28_has_no_page_number() -> None:
    """The page number "—０１—" inside 第二十八条 is dropped and the word rejoined."""
    text = load("yunnan").article(28).text
    assert "意见建议应及时转送有关业务部门." in text
    assert "—" not in text
    assert "０１" not in text


def test_yunnan_article_39_has_no_page_number() -> None:
    """The page number "—３１—" inside 第三十九条 is dropped."""
    text = load("yunnan").article(39).text
    assert text.endswith("安全认证和安全检测.")
    assert "３１" not in text
    assert "—" not in text


def test_yunnan_article_45_has_two_paragraphs() -> None:
    """Yunnan 第四十五条 has two 款: the objection, then the 7/30 working-day handling."""
    article = load("yunnan").article(45)
    first, second = paragraph_texts(article)
    assert first.endswith("可向政务新媒体主管或主 (承)办单位提出异议.")
    assert "应当在７个工作日内依法作出处理" in second
    assert "但累计不得超过３０个工作日;" in second


def test_yunnan_paragraphs_split_by_width_and_indentation() -> None:
    """Articles with several 款 in the wrapped Yunnan text come out with all of them."""
    yunnan = load("yunnan")
    assert len(yunnan.article(6).paragraphs) == 3
    assert len(yunnan.article(41).paragraphs) == 3
    assert len(yunnan.article(25).paragraphs) == 2
    assert len(yunnan.article(37).paragraphs) == 1


def test_yunnan_keeps_spaces_inside_a_line() -> None:
    """A space inside a line, as in "VPN 认证", is kept."""
    assert (
        load("yunnan")
        .article(36)
        .paragraph(2)
        .text.startswith("使用移动终端登录政务新媒体平台系统需经 VPN 认证,")
    )


def test_yunnan_last_article_excludes_the_annex() -> None:
    """Yunnan 第四十九条 is only the in-force sentence, not the 附件 form or 抄送."""
    article = load("yunnan").article(49)
    assert article.text == "本办法自２０１９年９月１０日起施行."
    assert len(article.paragraphs) == 1
    assert load("yunnan").articles[-1] is article


def test_yunnan_chapters() -> None:
    """Articles carry the chapter they stand in, titles without centring spaces."""
    yunnan = load("yunnan")
    assert yunnan.article(5).chapter == 1
    assert yunnan.article(6).chapter == 2
    assert yunnan.article(6).chapter_title == "组织管理与职能职责"
    assert yunnan.article(46).chapter == 7
    assert yunnan.article(46).chapter_title == "附则"


def test_puding_article_32_keeps_county_wording() -> None:
    """Puding 第三十二条 says 本县内 where Yunnan says 本省内."""
    article = load("puding").article(32)
    assert "原则上设置在本县内" in article.text
    assert len(article.paragraphs) == 1


def test_puding_chapter_after_full_line_is_a_chapter() -> None:
    """The 第三章 heading after a full line ending in 。 is not glued into 第八条."""
    puding = load("puding")
    assert "第三章" not in puding.article(8).text
    assert puding.article(8).text.endswith("综合能力的专业化队伍。")
    assert puding.article(9).chapter == 3
    assert puding.article(9).chapter_title == "开办整合与变更关停"


def test_puding_article_39_after_page_break() -> None:
    """ " 第三十九条" with a leading space after "第七章 附 则" is an article of chapter 7."""
    article = load("puding").article(39)
    assert article.chapter == 7
    assert article.text == "本办法由县政府办公室（信息调研办公室）负责解释。"
    assert article.line == 466


def test_puding_article_18_paragraphs() -> None:
    """Puding 第十八条 keeps "同根同源。不得发布…" within one 款 and has two 款."""
    first, second = paragraph_texts(load("puding").article(18))
    assert "同根同源。不得发布违反国家有关法律法规规定的信息" in first
    assert first.endswith("原则上每天至少更新发布 1条信息。")
    assert second.startswith("同一信息在不同政务新媒体发布的，应保持一致。")


def test_puding_full_line_before_indented_line_ends_a_paragraph() -> None:
    """A full line ending in 。 followed by an indented line ends the 款 (第二十一、二十二条)."""
    puding = load("puding")
    assert paragraph_texts(puding.article(21))[1].startswith("党中央、国务院和省委、省政府发布的")
    assert paragraph_texts(puding.article(22))[1].startswith("凡开通并提供办事服务功能的")


def test_puding_full_line_before_short_line_does_not_end_a_paragraph() -> None:
    """第十四条 and 第三十条: a full line ending in 。 followed by more text is one 款."""
    puding = load("puding")
    assert puding.article(14).text == (
        "因工作原因需要变更、关停、注销的政务新媒体，须经本单位集体研究或主要领导同意，"
        "报主管单位备案，并向社会公告。公告时间不少于 15 个工作日。"
    )
    assert len(puding.article(30).paragraphs) == 1


def test_luju_article_7_is_one_paragraph() -> None:
    """Luju 第七条 (taking a website offline) is one 款."""
    article = load("luju").article(7)
    assert len(article.paragraphs) == 1
    assert article.text == (
        "政府网站由于整改等原因需要临时下线的，由综合管理办公室向市政府办公室提出申请，"
        "经市政府办公室审批同意后，方可临时下线，同时在本级政府门户网站发布公告。"
        "临时下线每年不得超过1次，下线时间不得超过30天。如遇不可抗因素导致长时间断电、"
        "断网等情况，或因无法落实有关安全要求被责令紧急关停，综合管理办公室要及时向"
        "市政府办公室报备。"
    )


def test_luju_article_15_joins_lines_that_start_with_a_comma() -> None:
    """Luju 第十五条: lines starting with "，" join the previous one; one 款."""
    article = load("luju").article(15)
    assert len(article.paragraphs) == 1
    assert article.text == (
        "因工作原因需要变更、关停、注销的政务新媒体，须经本单位集体研究或主要领导同意，"
        "报市政府办公室备案，并向社会公告。公告时间不少于15个工作日。"
    )


def test_luju_article_14_has_nine_items() -> None:
    """Luju 第十四条 is one 款 introducing nine 项; items do not start paragraphs."""
    article = load("luju").article(14)
    assert len(article.paragraphs) == 1
    paragraph = article.paragraph(1)
    assert [item.number for item in paragraph.items] == list(range(1, 10))
    assert paragraph.items[0].text == "《云南省政务新媒体备案登记表》;"
    assert paragraph.items[7].text == "委托其他专门机构承办的，明确权责及签订保密协议情况；"
    assert (
        paragraph.items[8].text == "从事互联网新闻信息服务或传播网络视听节目的，具备相应资质情况。"
    )
    assert paragraph.text.startswith("新开设政务新媒体，需报备以下材料：（一）《云南省")


def test_luju_last_article_excludes_annex_and_signature() -> None:
    """Luju ends with 第二十五条, without the 附件, issuer or date that follow it."""
    luju = load("luju")
    assert luju.articles[-1].number == 25
    assert luju.article(25).text == "本制度自发布之日起施行。"


def test_bureau_article_3_has_no_bookmark_tag() -> None:
    """The Word tag "[bookmark: _GoBack]" before 第三条 is removed."""
    article = load("chengjiang_meteorology").article(3)
    assert "bookmark" not in article.text
    assert article.text.startswith("政府网站和政务新媒体工作的总体要求是以习近平")
    assert article.line == 6


def test_bureau_chapter_4_written_with_arabic_numeral() -> None:
    """ "第4章  政务新媒体建设" is chapter 4."""
    bureau = load("chengjiang_meteorology")
    assert bureau.article(11).chapter == 3
    assert bureau.article(12).chapter == 4
    assert bureau.article(12).chapter_title == "政务新媒体建设"
    assert bureau.article(19).chapter == 4
    assert bureau.article(20).chapter == 5


def test_bureau_chapter_titles_lose_tabs_and_spacing() -> None:
    """Chapter titles set with tabs or spaces ("第二章 \\t组织…", "总  则") come out bare."""
    bureau = load("chengjiang_meteorology")
    assert bureau.article(1).chapter_title == "总则"
    assert bureau.article(4).chapter_title == "组织管理和职责分工"


def test_bureau_article_10_is_one_paragraph() -> None:
    """Bureau 第十条 is one 款, one line of the source."""
    article = load("chengjiang_meteorology").article(10)
    assert len(article.paragraphs) == 1
    assert article.text == (
        "政府网站由于整改等原因需要临时下线的，由主办单位向市政府办公室提出申请，"
        "经市政府办公室审批同意后，方可临时下线，同时在本级政府门户网站发布公告。"
        "临时下线每年不得超过1次，下线时间不得超过30天。如遇不可抗因素导致长时间断电、"
        "断网等情况，或因无法落实有关安全要求被责令紧急关停，主办单位要及时向"
        "市政府办公室报备。"
    )


def test_bureau_line_without_punctuation_continues() -> None:
    """Bureau 第七条: "…属地管理" without punctuation continues on the next line."""
    article = load("chengjiang_meteorology").article(7)
    assert article.text == (
        "政府网站和政务新媒体要按照主管主办和属地管理原则，"
        "接受宣传、网信管理部门的有关业务统筹指导和宏观管理。"
    )


def test_bureau_items() -> None:
    """Bureau items in half-width "(一)" are read, up to (十一), each as one 项."""
    bureau = load("chengjiang_meteorology")
    assert len(bureau.article(17).paragraph(1).items) == 9
    assert bureau.article(17).paragraph(1).items[7].text == (
        "委托其他专门机构承办的，明确权责及签订保密协议情况。"
    )
    items = bureau.article(29).paragraph(1).items
    assert [item.number for item in items] == list(range(1, 12))
    assert items[10].text == "违反法律法规及本制度其他规定的。"


def test_bureau_last_article_excludes_the_annex() -> None:
    """Bureau 第三十二条 ends before the 附件 form."""
    assert load("chengjiang_meteorology").article(32).text == "本制度自发布之日起施行。"


def test_anyue_reference_to_article_11_does_not_start_an_article() -> None:
    """ "除上述第十一条规定相关信息外" is text of 第十二条, not a new 第十一条."""
    anyue = load("anyue")
    article = anyue.article(12)
    assert article.text.startswith("除上述第十一条规定相关信息外，县政府及其有关部门")
    assert len(article.paragraphs) == 1
    assert anyue.numbers.count(11) == 1
    assert len(anyue.article(11).paragraph(1).items) == 15


def test_anyue_article_13_twenty_working_days() -> None:
    """Anyue 第十三条 sets 20 working days for proactive disclosure."""
    assert "应当自该政府信息形成或者变更之日起20个工作日内及时公开。" in (
        load("anyue").article(13).text
    )


def test_anyue_article_22_second_paragraph_has_six_items() -> None:
    """Anyue 第二十二条 has two 款; the second introduces six 项 of update intervals."""
    article = load("anyue").article(22)
    assert len(article.paragraphs) == 2
    items = article.paragraph(2).items
    assert len(items) == 6
    assert items[0].text == "政府网站动态要闻类栏目更新时间间隔不超过14天。"
    assert "14天" in items[0].text
    assert items[5].text == "政务新媒体更新时间间隔不超过14天。"
    assert article.paragraph(1).items == ()


def test_anyue_article_16_has_three_paragraphs() -> None:
    """Anyue 第十六条: the rule, then the "三审" and "三校" paragraphs."""
    first, second, third = paragraph_texts(load("anyue").article(16))
    assert first.endswith("信息审核实行“三审三校”和“分级审核”制。")
    assert second.startswith("“三审”：一级审核")
    assert third.startswith("“三校”即信息在平台排版出样时")


def test_anyue_preamble_and_trailer_are_not_articles() -> None:
    """The 通知 before the measure and "信息公开选项" after it belong to no article."""
    anyue = load("anyue")
    assert anyue.articles[0].line == 23
    assert anyue.articles[-1].number == 38
    assert anyue.article(38).text == "本管理办法自发布之日起施行。"


@pytest.mark.parametrize("key", KEYS)
def test_article_text_is_its_paragraphs_joined(key: str) -> None:
    """An article's text is its paragraphs' texts joined by newlines, numbered from 1."""
    for article in load(key).articles:
        assert article.text == "\n".join(paragraph_texts(article))
        assert [p.number for p in article.paragraphs] == list(range(1, len(article.paragraphs) + 1))
        assert article.paragraphs, article.label


@pytest.mark.parametrize("key", KEYS)
def test_no_artefacts_in_article_texts(key: str) -> None:
    """No article text keeps a heading, a tab, a bookmark, an annex or a trailer."""
    for article in load(key).articles:
        assert not article.text.startswith("第"), article.label
        for artefact in ("\t", "bookmark", "附件", "抄送:", "抄送：", "—"):
            assert artefact not in article.text, (article.label, artefact)
        assert article.text == article.text.strip()


@pytest.mark.parametrize("key", KEYS)
def test_last_article_is_the_in_force_article(key: str) -> None:
    """Each source's last article is its "本办法/本制度…施行" article."""
    last = load(key).articles[-1]
    assert last.text.startswith("本")
    assert last.text.rstrip("。.").endswith("施行")


@pytest.mark.parametrize("key", KEYS)
def test_items_are_numbered_from_one(key: str) -> None:
    """The items of a paragraph are numbered 1, 2, 3, … and sit inside its text."""
    for article in load(key).articles:
        for paragraph in article.paragraphs:
            assert [item.number for item in paragraph.items] == list(
                range(1, len(paragraph.items) + 1)
            )
            for item in paragraph.items:
                assert item.text in paragraph.text


def test_paragraph_lookup_out_of_range() -> None:
    """Asking for an absent 款 raises LookupError naming the article and its 款."""
    article = load("yunnan").article(17)
    assert article.paragraph(2).number == 2
    with pytest.raises(LookupError, match=r"第十七条 has no paragraph 3 \(it has 1–2\)"):
        article.paragraph(3)
    with pytest.raises(LookupError, match="no paragraph 0"):
        article.paragraph(0)


def test_load_is_cached() -> None:
    """Loading a bundled text twice returns the same Document."""
    assert load("anyue") is load("anyue")


@pytest.mark.parametrize("key", ["nowhere", "../yunnan", ""])
def test_load_unknown_key(key: str) -> None:
    """An unknown key raises TextLookupError listing the bundled texts."""
    with pytest.raises(TextLookupError, match="available: anyue, chengjiang_meteorology"):
        load(key)


def test_load_path_reads_a_user_text(tmp_path: Path) -> None:
    """load_path segments a text file and keys it by its file name."""
    path = tmp_path / "county.txt"
    path.write_text(
        "某县政务新媒体管理办法\n第一章 总则\n第一条 为规范管理，制定本办法。\n"
        "第二条 本办法自发布之日起施行。\n",
        encoding="utf-8",
    )
    document = load_path(path)
    assert document.key == "county"
    assert document.numbers == (1, 2)
    assert document.article(1).text == "为规范管理，制定本办法。"


def test_segment_without_articles_is_empty() -> None:
    """A text without any heading gives a Document without articles."""
    document = segment("关于印发某办法的通知\n各单位：\n现印发给你们。\n")
    assert document.articles == ()
    assert document.numbers == ()
    with pytest.raises(LookupError, match=r"the document has no article 1 \(it has none\)"):
        document.article(1)


def test_segment_splits_a_chapter_glued_to_an_article() -> None:
    """A chapter heading left at the end of an article's last line starts the chapter."""
    raw = (
        "第一章 总则\n第一条 为规范管理，制定本办法。\n"
        "第二条 本办法适用于全县。第二章 附则\n第三条 本办法自发布之日起施行。\n"
    )
    document = segment(raw)
    assert document.article(2).text == "本办法适用于全县。"
    assert document.article(3).chapter == 2
    assert document.article(3).chapter_title == "附则"


def test_segment_reads_a_chapter_and_article_on_one_line() -> None:
    """ "第七章 附 则 第三十九条 …" on one line gives the chapter and the article."""
    raw = "第六章 其他\n第三十八条 甲。\n第七章 附 则 第三十九条 本办法自发布之日起施行。\n"
    document = segment(raw)
    assert document.numbers == (38, 39)
    assert document.article(39).chapter == 7
    assert document.article(39).chapter_title == "附则"
    assert document.article(39).text == "本办法自发布之日起施行。"


def test_segment_records_other_numbering_anomalies() -> None:
    """Repeated, backward and late-starting numbers are anomalies, articles kept."""
    raw = "第二条 甲。\n第三条 乙。\n第三条 丙。\n第一条 丁。\n"
    document = segment(raw, "made-up")
    assert document.numbers == (2, 3, 3, 1)
    assert [a.message for a in document.anomalies] == [
        "the first article is 第二条, not 第一条",
        "第三条 follows 第三条: the number is repeated",
        "第一条 follows 第三条: numbering goes back",
    ]
    assert document.article(3).text == "乙。"


def test_segment_drops_signature_and_date_after_in_force_article() -> None:
    """After "本办法自…施行", the issuer and the date are not article text."""
    raw = (
        "第一条 为规范管理，制定本办法。\n第二条 本办法自发布之日起施行。\n\n"
        "某县人民政府办公室\n2023年3月3日\n"
    )
    assert segment(raw).article(2).text == "本办法自发布之日起施行。"


def test_segment_keeps_a_sentence_after_the_in_force_sentence() -> None:
    """A further sentence right after the in-force sentence stays in that article."""
    raw = "第一条 甲。\n第二条 本办法自发布之日起施行。\n原《某办法》同时废止。\n某县人民政府\n"
    assert segment(raw).article(2).text == "本办法自发布之日起施行。\n原《某办法》同时废止。"


def test_segment_joins_wrapped_latin_words_with_a_space() -> None:
    """A line break between two Latin words stands for a space; between hanzi, for nothing."""
    raw = "第一条 使用移动终端登录需经VPN\nclient认证，防范风\n险。\n"
    assert segment(raw).article(1).text == "使用移动终端登录需经VPN client认证，防范风险。"


@given(st.text())
def test_segment_never_raises_on_arbitrary_text(raw: str) -> None:
    """segment() returns a Document for any text whatsoever."""
    assert isinstance(segment(raw), Document)


FRAGMENTS = st.sampled_from(
    [
        "",
        " ",
        "\t",
        "\u3000",
        "第一条",
        "第十一条 ",
        "第4章",
        "第二章 附则",
        "（一）",
        "(十一)",
        "。",
        ".",
        "，",
        "—０１—",
        "[bookmark: _GoBack]",
        "附件：",
        "抄送：",
        "本办法自发布之日起施行。",
        "２０１９年８月５日印发",
        "政务新媒体",
        "VPN",
        "第一百零一条",
        "第十十条",
    ]
)


@given(st.lists(st.lists(FRAGMENTS, max_size=6).map("".join), max_size=40).map("\n".join))
def test_segment_never_raises_on_heading_like_text(raw: str) -> None:
    """segment() returns a Document for texts made of headings, items and trailers."""
    document = segment(raw)
    for article in document.articles:
        assert article.text == "\n".join(paragraph_texts(article))
