"""govrules fmt: one canonical layout, idempotent, comments kept, meaning unchanged."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from govrules.cli import main
from govrules.formatter import _lark, format_text, keywords
from govrules.parser import parse

POLICIES = Path(__file__).resolve().parent.parent / "policies"
SHIPPED = sorted(POLICIES.glob("*.rules"))

MESSY = """\
# A demo.
ruleset demo { title "《测试》"   issuer "测试县"
  level county jurisdiction "测试县" effective 2023-03-03 text "texts/demo.txt" }
param filing_period=5 workdays cites 第二条
param offline_limit   =  30 cites 第五条第二款   # 上限
rule filing_deadline { title "备案" subject event cites 第二条 governing event.date
  # the deadline
  let deadline=event.date+filing_period
  require event.filed_on<=deadline explain "期限{deadline}" }
unchecked 第一条,第三条 because "不设义务"
example "one" { on 2024-06-01 facts { accounts: [{id: "wx", events: [{type: "open",
  date: 2024-04-03, filed_on: 2024-04-12},]}], }
  expect "accounts[0].events[0]" filing_deadline violation }
"""

MESSY_FORMATTED = """\
# A demo.
ruleset demo {
    title        "《测试》"
    issuer       "测试县"
    level        county
    jurisdiction "测试县"
    effective    2023-03-03
    text         "texts/demo.txt"
}

param filing_period = 5 workdays cites 第二条
param offline_limit = 30         cites 第五条第二款  # 上限

rule filing_deadline {
    title     "备案"
    subject   event
    cites     第二条
    governing event.date
    # the deadline
    let       deadline = event.date + filing_period
    require   event.filed_on <= deadline
    explain   "期限{deadline}"
}

unchecked 第一条, 第三条 because "不设义务"

example "one" {
    on 2024-06-01
    facts {
        accounts: [{id: "wx", events: [{type: "open", date: 2024-04-03, filed_on: 2024-04-12}]}]
    }
    expect "accounts[0].events[0]" filing_deadline violation
}
"""


def test_messy_policy_gets_the_canonical_layout() -> None:
    """A policy written any which way comes out aligned, spaced and indented as documented."""
    assert format_text(MESSY) == MESSY_FORMATTED


def test_long_expressions_wrap_at_the_loosest_operator_under_the_expression() -> None:
    """A too-long condition breaks before a word operator, under its expression or its '('."""
    text = (
        'ruleset x { title "t" }\nrule r { when account.platform is present and not '
        "(account.events is present and count(account.events where each.type in [close, cancel] "
        "and each.date <= on) >= 1) require true }\n"
    )
    assert format_text(text) == (
        'ruleset x {\n    title "t"\n}\n\nrule r {\n'
        "    when    account.platform is present\n"
        "            and not (account.events is present\n"
        "                     and count(account.events\n"
        "                               where each.type in [close, cancel] and each.date <= on)"
        " >= 1)\n"
        "    require true\n}\n"
    )


def test_trailing_comment_and_its_continuation_lines_stay_aligned() -> None:
    """A trailing comment continued on the next lines keeps its continuation under it."""
    text = (
        'ruleset x { title "t" }\n'
        "renumber 第十二条 as 第十条 # one,\n"
        "                            # two\n"
        "renumber 第二十二条 as 第十八条 # three\n"
    )
    assert format_text(text) == (
        'ruleset x {\n    title "t"\n}\n\n'
        "renumber 第十二条   as 第十条    # one,\n"
        "                                 # two\n"
        "renumber 第二十二条 as 第十八条  # three\n"
    )


def test_declarations_align_cell_by_cell_but_reasons_follow_at_one_space() -> None:
    """Params align names, '=' and values, and `cites` among those that cite; reasons do not."""
    text = (
        'ruleset x { title "t" }\n'
        "param a = 7 workdays cites 第一条\n"
        "param published = 2019-08-05\n"
        "param kinds = [government, department] cites 第二条第一款\n"
        'repeal daily_update because "理由"\n'
        'repeal r because "理由"\n'
        'unchecked 第一条, 第二条 because "无"\n'
        'unchecked 第三条 because "无"\n'
    )
    assert format_text(text) == (
        'ruleset x {\n    title "t"\n}\n\n'
        "param a         = 7 workdays               cites 第一条\n"
        "param published = 2019-08-05\n"
        "param kinds     = [government, department] cites 第二条第一款\n\n"
        'repeal daily_update because "理由"\n'
        'repeal r because "理由"\n\n'
        'unchecked 第一条, 第二条 because "无"\n'
        'unchecked 第三条 because "无"\n'
    )


def test_text_is_copied_byte_for_byte() -> None:
    """Quoted text, escapes and inner spaces included, is never touched."""
    text = 'ruleset x { title "  a\\"b  \\\\ #not a comment  " note "x"}\n'
    assert '"  a\\"b  \\\\ #not a comment  "' in format_text(text)


def test_keywords_come_from_the_grammar() -> None:
    """The formatter's keyword list is read from the grammar, so new keywords need no change."""
    assert {"rule", "override", "require", "cites", "mentions", "facts"} <= keywords()
    assert "NAME" not in keywords()


def test_a_syntax_error_is_a_policy_error_with_the_parser_message() -> None:
    """Formatting text that does not parse raises the parser's own diagnostic."""
    from govrules.errors import PolicyError

    with pytest.raises(PolicyError, match="expected"):
        format_text("ruleset x { title }")


# --- laws over the shipped policies and generated ones -------------------------------------


def _tokens_and_comments(text: str) -> tuple[list[str], list[str]]:
    lark, sink = _lark()
    sink.clear()
    tree = lark.parse(text)
    comments = [str(c).rstrip() for c in sink]
    sink.clear()
    return [str(t) for t in tree.scan_values(lambda _: True)], comments


def _relayout(text: str, rnd: random.Random) -> str:
    """Return the policy's tokens and comments with random spaces and line breaks between them."""
    lark, sink = _lark()
    sink.clear()
    tree = lark.parse(text)
    items = [(t.line, t.column, str(t), False) for t in tree.scan_values(lambda _: True)]
    items += [(c.line, c.column, str(c).rstrip(), True) for c in sink]
    sink.clear()
    items.sort(key=lambda i: (i[0], i[1]))
    out: list[str] = []
    for _line, _col, value, comment in items:
        out.append(value)
        out.append("\n" if comment else rnd.choice([" ", "  ", "\n", "\n  ", "\t"]))
    return "".join(out)


def _check_laws(text: str) -> None:
    once = format_text(text)
    assert format_text(once) == once
    assert parse(once) == parse(text)
    assert _tokens_and_comments(once)[1] == _tokens_and_comments(text)[1]
    assert all(len(line) == len(line.rstrip()) for line in once.splitlines())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_policy_laws(path: Path) -> None:
    """On each shipped policy fmt is idempotent, keeps the meaning and every comment in order."""
    _check_laws(path.read_text(encoding="utf-8"))


# Shrinking a whole policy is slow and says little more than the seed: generate only.
_QUICK = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


@_QUICK
@given(st.sampled_from(SHIPPED), st.integers(0, 2**32))
def test_any_layout_of_a_shipped_policy_obeys_the_laws(path: Path, seed: int) -> None:
    """With its tokens and comments laid out at random, a shipped policy still obeys the laws."""
    _check_laws(_relayout(path.read_text(encoding="utf-8"), random.Random(seed)))


# A small generator of policies in the grammar: names, literals, expressions, clauses, items.
_names = st.sampled_from(["a", "b", "deadline", "account", "event", "each", "x_1", "on"])
_atoms = st.one_of(
    _names,
    st.integers(0, 99999).map(str),
    st.tuples(st.integers(1, 40), st.sampled_from(["days", "workdays", "month", "years"])).map(
        lambda t: f"{t[0]} {t[1]}"
    ),
    st.sampled_from(['"x"', '"中文 # 不是注释"', '""', '"a\\"b"']),
    st.sampled_from(["2024-01-05", "true", "false"]),
    st.tuples(_names, _names).map(lambda t: f"{t[0]}.{t[1]}"),
)


def _operand(e: str) -> str:
    """Return ``e`` parenthesised when compound, so that any operator can take it."""
    return f"({e})" if " " in e else e


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(
            inner, st.sampled_from(["and", "or", "where", "+", "-", "==", "<=", "in"]), inner
        ).map(lambda t: f"{_operand(t[0])} {t[1]} {_operand(t[2])}"),
        inner.map(lambda e: f"not {_operand(e)}"),
        inner.map(lambda e: f"({e})"),
        st.tuples(st.sampled_from(["count", "max", "gaps"]), st.lists(inner, max_size=4)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        st.lists(inner, max_size=4).map(lambda xs: f"[{', '.join(xs)}]"),
        st.tuples(inner, st.sampled_from(["missing", "present", "empty"])).map(
            lambda t: f"{_operand(t[0])} is {t[1]}"
        ),
    )


_exprs = st.recursive(_atoms, _extend, max_leaves=12)
_clauses = st.one_of(
    _exprs.map(lambda e: f"when {e}"),
    _exprs.map(lambda e: f"require {e}"),
    st.tuples(_names, _exprs).map(lambda t: f"let {t[0]} = {t[1]}"),
    _exprs.map(lambda e: f"governing {e}"),
    st.just('title "标题"'),
    st.just("subject account"),
    st.just("cites 第一条, 第二条第三款"),
    st.just('explain "{a}与{b}"'),
)
_items = st.one_of(
    st.tuples(_names, st.lists(_clauses, max_size=6)).map(
        lambda t: f"rule {t[0]} {{ {' '.join(t[1])} }}"
    ),
    st.tuples(_names, st.sampled_from(["5 workdays", "[a, b]", '"s"', "2024-02-29"])).map(
        lambda t: f"param {t[0]} = {t[1]} cites 第三条"
    ),
    st.just('repeal r because "理由"'),
    st.just("renumber 第一条 as 第二条"),
    st.just(
        'example "e" { on 2024-01-02 facts { a: [1, {b: "c"}], "d e": true } '
        'expect "unit" r compliant mentions "x" }'
    ),
)
_policies = st.lists(_items, max_size=6).map(
    lambda items: 'ruleset gen { title "《生成》" level county }\n' + "\n".join(items) + "\n"
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(_policies, st.integers(0, 2**32))
def test_generated_policies_obey_the_laws(text: str, seed: int) -> None:
    """fmt(fmt(x)) == fmt(x) and parse(fmt(x)) == parse(x) for generated policies, any layout."""
    messy = _relayout(text, random.Random(seed))
    _check_laws(messy)
    assert format_text(messy) == format_text(text)


def test_comments_everywhere_are_kept_in_order() -> None:
    """Comments between any two tokens survive formatting, in their order."""
    text = POLICIES.joinpath("yunnan.rules").read_text(encoding="utf-8")
    lark, sink = _lark()
    sink.clear()
    values = [str(t) for t in lark.parse(text).scan_values(lambda _: True)]
    sink.clear()
    commented = "".join(f"{v} # c{i}\n" for i, v in enumerate(values[:400])) + " ".join(
        values[400:]
    )
    once = format_text(commented)
    assert re.findall(r"# c\d+", once) == [f"# c{i}" for i in range(400)]
    assert format_text(once) == once
    assert parse(once) == parse(text)


# --- the command ------------------------------------------------------------------------------


def test_fmt_check_lists_files_that_would_change_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`fmt --check` changes nothing, names each file that would change, and exits with 1."""
    messy = tmp_path / "demo.rules"
    messy.write_text(MESSY, encoding="utf-8")
    tidy = tmp_path / "tidy.rules"
    tidy.write_text(MESSY_FORMATTED, encoding="utf-8")
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    assert capsys.readouterr().out == f"would reformat {messy}\n"
    assert messy.read_text(encoding="utf-8") == MESSY


def test_fmt_rewrites_files_in_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`fmt FILE` writes the canonical layout and reports the file; a second run is silent."""
    messy = tmp_path / "demo.rules"
    messy.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", str(messy)]) == 0
    assert messy.read_text(encoding="utf-8") == MESSY_FORMATTED
    assert capsys.readouterr().out == f"reformatted {messy}\n"
    assert main(["fmt", "--check", str(messy)]) == 0
    assert capsys.readouterr().out == ""


def test_fmt_of_a_broken_file_prints_the_diagnostic_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that does not parse is reported as `check` would, and fmt exits with 2."""
    bad = tmp_path / "bad.rules"
    bad.write_text("ruleset x { title }\n", encoding="utf-8")
    assert main(["fmt", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}:1:19: error: expected a quoted string")
    assert bad.read_text(encoding="utf-8") == "ruleset x { title }\n"


def test_version_comes_from_the_package_metadata(capsys: pytest.CaptureFixture[str]) -> None:
    """`govrules --version` prints the installed distribution's version."""
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"govrules {version('govrules')}\n"


def test_the_tools_are_public() -> None:
    """govrules exports the formatter, the facts schema and the consolidated view."""
    import govrules
    from govrules.consolidated import consolidate
    from govrules.schema import facts_schema

    assert govrules.format_policy is format_text
    assert govrules.facts_schema is facts_schema
    assert govrules.consolidate is consolidate
    assert {"format_policy", "facts_schema", "consolidate", "Consolidated"} <= set(govrules.__all__)


def test_exceptions_presumptions_definitions_and_due_get_the_canonical_layout() -> None:
    """`uses`, `define`, `presume`, `due`, `except … then` and `pending` lay out like the rest."""
    text = (
        'ruleset x { title "t" uses common }\n'
        'define open_on(a, d) { note "n" value a.opened_on <= d }\n'
        'presume account.opened_by = unit because "账号由单位开办"\n'
        "rule r { subject event due event.date + 7 workdays\n"
        '  except event.collective_decision cites 第五条 "经集体研究"'
        " then require event.filed_on <= on }\n"
        'example "e" { on 2024-01-02 facts {} expect "unit" r pending missing }\n'
    )
    once = format_text(text)
    assert once == (
        "ruleset x {\n"
        '    title "t"\n'
        "    uses  common\n"
        "}\n\n"
        "define open_on(a, d) {\n"
        '    note  "n"\n'
        "    value a.opened_on <= d\n"
        "}\n\n"
        'presume account.opened_by = unit because "账号由单位开办"\n\n'
        "rule r {\n"
        "    subject event\n"
        "    due     event.date + 7 workdays\n"
        '    except  event.collective_decision cites 第五条 "经集体研究"'
        " then require event.filed_on <= on\n"
        "}\n\n"
        'example "e" {\n'
        "    on 2024-01-02\n"
        "    facts {}\n"
        '    expect "unit" r pending missing\n'
        "}\n"
    )
    assert format_text(once) == once


def test_fmt_of_a_missing_path_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A path that does not exist is named in one error line; fmt exits with 2."""
    assert main(["fmt", str(tmp_path / "nowhere.rules")]) == 2
    assert (
        capsys.readouterr().err
        == f"govrules: error: {tmp_path / 'nowhere.rules'}: no such file or folder\n"
    )


def test_windows_line_ends_come_out_as_line_feeds() -> None:
    """CRLF text formats like LF text: the same layout, comments without a stray carriage return."""
    assert format_text(MESSY.replace("\n", "\r\n")) == MESSY_FORMATTED


def test_the_shipped_policies_are_formatted(capsys: pytest.CaptureFixture[str]) -> None:
    """`govrules fmt --check` on the shipped policy folder finds nothing to change."""
    assert main(["fmt", "--check", str(POLICIES)]) == 0
    assert capsys.readouterr().out == ""
