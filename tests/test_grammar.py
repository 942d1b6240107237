"""The grammar builds strictly, and parsed nodes point at the text they came from."""

from __future__ import annotations

from importlib.resources import files

import pytest
from lark import Lark

from govrules import nodes as n
from govrules.parser import parse
from govrules.source import Span

PATH = "policies/yunnan.rules"
TEXT = files("govrules.policies").joinpath("yunnan.rules").read_text(encoding="utf-8")
LINES = TEXT.split("\n")


@pytest.fixture(scope="module")
def yunnan() -> n.Policy:
    """Return the shipped Yunnan policy, parsed."""
    return parse(TEXT, PATH)


def _at(span: Span) -> str:
    """Return the text a one-line span covers."""
    assert span.line == span.end_line, span
    return LINES[span.line - 1][span.column - 1 : span.end_column - 1]


def _find(needle: str) -> tuple[int, int]:
    """Return the 1-based line and column where ``needle`` first occurs in the file."""
    offset = TEXT.index(needle)
    line = TEXT.count("\n", 0, offset) + 1
    column = offset - (TEXT.rfind("\n", 0, offset) + 1) + 1
    return line, column


def test_the_grammar_builds_in_strict_mode() -> None:
    """Lark's strict mode (terminal collisions via interegular, no conflicts) accepts it."""
    grammar = Lark.open_from_package(
        "govrules.grammars", "govrules.lark", ("",), parser="lalr", strict=True
    )
    assert grammar.parse(TEXT).data == "start"


def test_a_rule_name_span_is_where_the_name_is_written(yunnan: n.Policy) -> None:
    """The span of rule `filing_deadline`'s name is its line and column in the file."""
    rule = next(r for r in yunnan.rules if r.name == "filing_deadline")
    line, column = _find("rule filing_deadline {")
    assert (rule.name_span.line, rule.name_span.column) == (line, column + len("rule "))
    assert _at(rule.name_span) == "filing_deadline"
    assert rule.name_span.path == PATH
    assert (rule.span.line, rule.span.column) == (line, column)


def test_every_rule_name_span_covers_the_name(yunnan: n.Policy) -> None:
    """Each rule's name span covers exactly its name."""
    assert yunnan.rules
    assert all(_at(r.name_span) == r.name for r in yunnan.rules)


def test_every_citation_span_covers_the_article_as_written(yunnan: n.Policy) -> None:
    """Citations in rules, parameters and `unchecked` lists point at their 第…条 text."""
    cites = [c for r in yunnan.rules for c in r.cites or ()]
    cites += [c for p in yunnan.params for c in p.cites]
    cites += [c for u in yunnan.unchecked for c in u.articles]
    assert len(cites) > 40
    assert all(_at(c.span) == c.label for c in cites)


def test_parameter_and_let_spans_cover_their_names(yunnan: n.Policy) -> None:
    """A parameter's and a let's span is its name, where diagnostics about it point."""
    assert all(_at(p.span) == p.name for p in yunnan.params)
    lets = [x for r in yunnan.rules for x in r.lets]
    assert lets
    assert all(_at(x.span) == x.name for x in lets)


def test_header_field_spans_cover_their_values(yunnan: n.Policy) -> None:
    """A header line's span is its value: the level name, the quoted text path, the date."""
    level, text, effective = (yunnan.header.get(k) for k in ("level", "text", "effective"))
    assert level is not None
    assert text is not None
    assert effective is not None
    assert _at(level.span) == "province"
    assert _at(text.span) == '"texts/yunnan.txt"'
    assert _at(effective.span) == "2019-09-10"
    assert (level.span.line, level.span.column) == _find("province")


def test_expression_spans_cover_their_source_text(yunnan: n.Policy) -> None:
    """`let deadline = event.date + filing_period` keeps the span of the sum and its parts."""
    rule = next(r for r in yunnan.rules if r.name == "filing_deadline")
    (deadline,) = [x for x in rule.lets if x.name == "deadline"]
    expr = deadline.expr
    assert isinstance(expr, n.Binary)
    assert _at(expr.span) == "event.date + filing_period"
    assert _at(expr.left.span) == "event.date"
    assert _at(expr.right.span) == "filing_period"
    assert rule.subject_span is not None
    assert _at(rule.subject_span) == "event"
