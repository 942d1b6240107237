"""Parse ``.rules`` text into syntax nodes; Lark errors become PolicyError in the author's words."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Iterable
from typing import Any

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.tree import Meta

from govrules import nodes as n
from govrules.errors import PolicyError
from govrules.source import Source, Span
from govrules.texts import chinese_numeral


@functools.cache
def grammar() -> Lark:
    """Return the policy grammar, built once."""
    return Lark.open_from_package(
        "govrules.grammars",
        "govrules.lark",
        ("",),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
    )


# Words an author would recognise, for the terminals Lark reports as expected.
_TERMINAL_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted string ("…")',
    "DATE": "a date (YYYY-MM-DD)",
    "NUMBER": "a number",
    "ARTICLE": "an article such as 第十七条 or 第十七条第一款",
    "UNIT": "a unit (workdays, days, months, years)",
    "OUTCOME": "an outcome (compliant, violation, not_applicable, undetermined)",
    "COMPARATOR": "a comparison (<, <=, ==, !=, >=, >)",
    "UNKNOWN": "'unknown'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "$END": "the end of the file",
}

_ARTICLE_RE = re.compile(r"第([^第条款项]+)条(?:第([^第条款项]+)款)?(?:第([^第条款项]+)项)?")


def _terminal_word(name: str) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    for term in grammar().terminals:
        if term.name == name and term.pattern.type == "str":
            return f"'{term.pattern.value}'"
    return name.lower()


def _keywords() -> list[str]:
    return [
        t.pattern.value
        for t in grammar().terminals
        if t.pattern.type == "str" and t.pattern.value.isalpha()
    ]


def _describe(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    return f"'{token.value}'"


def _previous_word(text: str, line: int, column: int) -> str | None:
    lines = text.splitlines()
    before = "\n".join(lines[: line - 1] + [lines[line - 1][: column - 1] if lines else ""])
    before = re.sub(r"#[^\n]*", "", before)
    words = re.findall(r'"[^"\n]*"|[^\s{}()\[\],]+|[{}()\[\],]', before)
    return words[-1] if words else None


def _syntax_error(source: Source, err: UnexpectedInput) -> PolicyError:
    line = getattr(err, "line", None) or 1
    column = getattr(err, "column", None) or 1
    if line < 1:  # Lark reports EOF positions as -1
        lines = source.text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    width = 1
    hint = None
    if isinstance(err, UnexpectedToken):
        token = err.token
        expected = sorted(_terminal_word(t) for t in err.expected)
        found = _describe(token)
        width = len(str(token.value)) if token.type != "$END" else 1
        if token.type == "$END":
            line = token.end_line if token.end_line else line
        wanted = " or ".join(expected[:6]) + (" …" if len(expected) > 6 else "")
        message = f"expected {wanted}, found {found}"
        prev = _previous_word(source.text, line, column)
        if prev:
            message += f" after '{prev}'"
        if token.type == "NAME":
            close = difflib.get_close_matches(str(token.value), _keywords(), n=1, cutoff=0.7)
            if close:
                hint = f"did you mean '{close[0]}'?"
        if "'}'" in expected and token.type == "$END":
            hint = "a '{' block is still open: close it with '}'"
    elif isinstance(err, UnexpectedCharacters):
        char = source.line(line)[column - 1 : column] or "?"
        message = f"unexpected character '{char}'"
        if char in "“”":
            hint = 'strings use straight double quotes: "…"'
        elif char == "'":
            hint = 'strings use double quotes: "…"'
        elif char == "{":
            hint = "a block was opened here but is not allowed at this point"
        else:
            allowed = sorted(_terminal_word(t) for t in (err.allowed or ()))
            if allowed:
                hint = "expected " + " or ".join(allowed[:6])
    elif isinstance(err, UnexpectedEOF):
        message = "unexpected end of file"
        hint = "a block is still open: close it with '}'"
    else:
        message = str(err).splitlines()[0]
    return PolicyError(
        message,
        path=source.path,
        line=line,
        column=column,
        source_line=source.line(line),
        width=width,
        hint=hint,
    )


def parse_citation(label: str, span: Span) -> n.Citation:
    """Return the Citation written as ``label`` (第十七条第一款)."""
    m = _ARTICLE_RE.fullmatch(label)
    if m is None:  # the grammar's ARTICLE token already guarantees the form
        raise ValueError(label)
    parts = [chinese_numeral(g) if g else None for g in m.groups()]
    article = parts[0]
    assert article is not None
    return n.Citation(article, parts[1], parts[2], label, span)


class _Build(Transformer[Token, Any]):
    """Build syntax nodes; no validation here (errors inside a Transformer come back wrapped)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.bad_dates: list[Token] = []

    def _date(self, tok: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(tok))
        except ValueError:
            self.bad_dates.append(tok)
            return dt.date.min

    def _span(self, meta: Meta | Token) -> Span:
        if isinstance(meta, Token):
            return Span(
                self.path,
                meta.line or 1,
                meta.column or 1,
                meta.end_line or meta.line or 1,
                meta.end_column or (meta.column or 1) + 1,
            )
        if getattr(meta, "empty", False):
            return Span(self.path, 1, 1, 1, 2)
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    # literals -------------------------------------------------------------------------
    @v_args(inline=True, meta=True)
    def number(self, meta: Meta, tok: Token) -> n.Number:
        return n.Number(int(tok), self._span(meta))

    @v_args(inline=True, meta=True)
    def quantity(self, meta: Meta, amount: Token, unit: Token) -> n.Quantity:
        name = str(unit)
        if not name.endswith("s"):
            name += "s"
        return n.Quantity(int(amount), name, self._span(meta))

    @v_args(inline=True, meta=True)
    def string(self, meta: Meta, tok: Token) -> n.String:
        return n.String(_unquote(str(tok)), self._span(meta))

    @v_args(inline=True, meta=True)
    def date(self, meta: Meta, tok: Token) -> n.DateLit:
        return n.DateLit(self._date(tok), self._span(meta))

    @v_args(inline=True, meta=True)
    def true(self, meta: Meta, _tok: Token) -> n.Bool:
        return n.Bool(True, self._span(meta))

    @v_args(inline=True, meta=True)
    def false(self, meta: Meta, _tok: Token) -> n.Bool:
        return n.Bool(False, self._span(meta))

    @v_args(inline=True, meta=True)
    def name(self, meta: Meta, tok: Token) -> n.Name:
        return n.Name(str(tok), self._span(meta))

    # expressions ----------------------------------------------------------------------
    @v_args(inline=True, meta=True)
    def field(self, meta: Meta, target: n.Expr, name: Token) -> n.Field:
        return n.Field(target, str(name), self._span(meta))

    @v_args(meta=True)
    def call(self, meta: Meta, children: list[Any]) -> n.Call:
        return n.Call(str(children[0]), tuple(children[1:]), self._span(meta))

    @v_args(meta=True)
    def list_lit(self, meta: Meta, children: list[Any]) -> n.ListLit:
        return n.ListLit(tuple(children), self._span(meta))

    def _binary(op: str) -> Any:  # type: ignore[misc]
        @v_args(inline=True, meta=True)
        def build(self: _Build, meta: Meta, left: n.Expr, right: n.Expr) -> n.Binary:
            return n.Binary(op, left, right, self._span(meta))

        return build

    where = _binary("where")
    or_ = _binary("or")
    and_ = _binary("and")
    add = _binary("+")
    sub = _binary("-")
    in_ = _binary("in")
    not_in = _binary("not in")

    @v_args(inline=True, meta=True)
    def compare(self, meta: Meta, left: n.Expr, op: Token, right: n.Expr) -> n.Binary:
        return n.Binary(str(op), left, right, self._span(meta))

    def _unary(op: str) -> Any:  # type: ignore[misc]
        @v_args(inline=True, meta=True)
        def build(self: _Build, meta: Meta, operand: n.Expr) -> n.Unary:
            return n.Unary(op, operand, self._span(meta))

        return build

    not_ = _unary("not")
    is_missing = _unary("is missing")
    is_present = _unary("is present")
    is_empty = _unary("is empty")

    # header ---------------------------------------------------------------------------
    def _header_field(key: str) -> Any:  # type: ignore[misc]
        @v_args(inline=True, meta=True)
        def build(self: _Build, meta: Meta, value: Any) -> n.HeaderField:
            if isinstance(value, Token) and value.type == "STRING":
                value = _unquote(str(value))
            elif isinstance(value, Token):
                value = str(value)
            return n.HeaderField(key, value, self._span(meta))

        return build

    h_title = _header_field("title")
    h_number = _header_field("number")
    h_issuer = _header_field("issuer")
    h_level = _header_field("level")
    h_jurisdiction = _header_field("jurisdiction")
    h_published = _header_field("published")
    h_effective = _header_field("effective")
    h_text = _header_field("text")
    h_adapts = _header_field("adapts")
    h_within = _header_field("within")
    h_note = _header_field("note")

    @v_args(inline=True)
    def date_or_unknown(self, tok: Token) -> object:
        return None if tok.type == "UNKNOWN" else self._date(tok)

    @v_args(meta=True)
    def header(self, meta: Meta, children: list[Any]) -> n.Header:
        return n.Header(str(children[0]), tuple(children[1:]), self._span(meta))

    # items ----------------------------------------------------------------------------
    @v_args(inline=True, meta=True)
    def citation(self, meta: Meta, tok: Token) -> n.Citation:
        return parse_citation(str(tok), self._span(tok))

    def cites(self, children: list[n.Citation]) -> tuple[n.Citation, ...]:
        return tuple(children)

    @v_args(meta=True)
    def param(self, meta: Meta, children: list[Any]) -> n.Param:
        cites = children[2] if len(children) > 2 else ()
        return n.Param(str(children[0]), children[1], cites, self._span(meta))

    def _clause(key: str) -> Any:  # type: ignore[misc]
        @v_args(meta=True)
        def build(self: _Build, meta: Meta, children: list[Any]) -> tuple[str, Any, Span]:
            return key, children, self._span(meta)

        return build

    c_title = _clause("title")
    c_subject = _clause("subject")
    c_cites = _clause("cites")
    c_governing = _clause("governing")
    c_when = _clause("when")
    c_let = _clause("let")
    c_require = _clause("require")
    c_explain = _clause("explain")
    c_note = _clause("note")

    def _rule(self, meta: Meta, children: list[Any], override: bool) -> n.Rule:
        name_tok: Token = children[0]
        title = subject = explain = governing = None
        subject_span = None
        cites: list[n.Citation] | None = None
        when: list[n.Expr] | None = None
        requires: list[n.Expr] | None = None
        lets: list[n.Let] = []
        notes: list[str] = []
        for key, args, span in children[1:]:
            if key == "title":
                title = _unquote(str(args[0]))
            elif key == "subject":
                subject, subject_span = str(args[0]), self._span(args[0])
            elif key == "cites":
                cites = [*(cites or []), *args[0]]
            elif key == "governing":
                governing = args[0]
            elif key == "when":
                when = [*(when or []), args[0]]
            elif key == "let":
                lets.append(n.Let(str(args[0]), args[1], span))
            elif key == "require":
                requires = [*(requires or []), args[0]]
            elif key == "explain":
                explain = n.String(_unquote(str(args[0])), self._span(args[0]))
            elif key == "note":
                notes.append(_unquote(str(args[0])))
        return n.Rule(
            name=str(name_tok),
            override=override,
            title=title,
            subject=subject,
            subject_span=subject_span,
            cites=None if cites is None else tuple(cites),
            governing=governing,
            when=None if when is None else tuple(when),
            lets=tuple(lets),
            requires=None if requires is None else tuple(requires),
            explain=explain,
            notes=tuple(notes),
            span=self._span(meta),
            name_span=self._span(name_tok),
        )

    @v_args(meta=True)
    def rule(self, meta: Meta, children: list[Any]) -> n.Rule:
        return self._rule(meta, children, override=False)

    @v_args(meta=True)
    def override(self, meta: Meta, children: list[Any]) -> n.Rule:
        return self._rule(meta, children, override=True)

    @v_args(inline=True, meta=True)
    def repeal(self, meta: Meta, name: Token, reason: Token) -> n.Repeal:
        return n.Repeal(str(name), _unquote(str(reason)), self._span(meta))

    @v_args(inline=True, meta=True)
    def renumber(self, meta: Meta, old: Token, new: Token) -> n.Renumber:
        return n.Renumber(
            parse_citation(str(old), self._span(old)),
            parse_citation(str(new), self._span(new)),
            self._span(meta),
        )

    @v_args(meta=True)
    def unchecked(self, meta: Meta, children: list[Token]) -> n.Unchecked:
        cites = tuple(parse_citation(str(t), self._span(t)) for t in children[:-1])
        return n.Unchecked(cites, _unquote(str(children[-1])), self._span(meta))

    # examples -------------------------------------------------------------------------
    def object(self, children: list[tuple[str, Any]]) -> dict[str, Any]:
        return dict(children)

    @v_args(inline=True)
    def pair(self, key: Token, value: Any) -> tuple[str, Any]:
        return (_unquote(str(key)) if key.type == "STRING" else str(key)), _plain(value)

    def array(self, children: list[Any]) -> list[Any]:
        return [_plain(c) for c in children]

    @v_args(inline=True, meta=True)
    def e_on(self, meta: Meta, tok: Token) -> tuple[str, Any, Span]:
        return "on", self._date(tok), self._span(meta)

    @v_args(inline=True, meta=True)
    def e_jurisdiction(self, meta: Meta, tok: Token) -> tuple[str, Any, Span]:
        return "jurisdiction", str(tok), self._span(meta)

    @v_args(inline=True, meta=True)
    def e_facts(self, meta: Meta, obj: dict[str, Any]) -> tuple[str, Any, Span]:
        return "facts", obj, self._span(meta)

    @v_args(meta=True)
    def e_expect(self, meta: Meta, children: list[Any]) -> tuple[str, Any, Span]:
        subject, rule, outcome, *mentions = children
        expect = n.Expect(
            _unquote(str(subject)),
            str(rule),
            str(outcome),
            tuple(mentions),
            self._span(meta),
        )
        return "expect", expect, self._span(meta)

    @v_args(inline=True)
    def mention(self, tok: Token) -> str:
        return _unquote(str(tok))

    @v_args(meta=True)
    def example(self, meta: Meta, children: list[Any]) -> n.Example:
        name = _unquote(str(children[0]))
        on: dt.date | None = None
        jurisdiction = None
        facts: object = {}
        expects: list[n.Expect] = []
        for key, value, _span in children[1:]:
            if key == "on":
                on = value
            elif key == "jurisdiction":
                jurisdiction = value
            elif key == "facts":
                facts = value
            elif key == "expect":
                expects.append(value)
        return n.Example(name, on, jurisdiction, facts, tuple(expects), self._span(meta))

    def start(self, children: list[Any]) -> list[Any]:
        return children


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        body = text[1:-1]
        return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), body)
    return text


def _plain(value: Any) -> Any:
    """Turn example values into what a caller would pass in facts (dates as ISO strings)."""
    if isinstance(value, n.String):
        return value.value
    if isinstance(value, n.DateLit):
        return value.value.isoformat()
    if isinstance(value, n.Number | n.Bool):
        return value.value
    if isinstance(value, Token):
        return str(value)
    return value


def parse(text: str, path: str = "<string>") -> n.Policy:
    """Parse one policy; raise PolicyError at the first syntax error."""
    source = Source(path, text)
    try:
        tree = grammar().parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(source, err) from None
    build = _Build(path)
    try:
        header, *items = build.transform(tree)
    except VisitError as err:  # a node constructor failed: a bug here, but never a raw traceback
        raise PolicyError(
            f"could not build the syntax tree: {err.orig_exc}", path=path, line=1, column=1
        ) from None
    if build.bad_dates:
        tok = build.bad_dates[0]
        raise PolicyError(
            f"'{tok}' is not a calendar date",
            path=path,
            line=tok.line or 1,
            column=tok.column or 1,
            source_line=source.line(tok.line or 1),
            width=len(str(tok)),
            hint="dates are written YYYY-MM-DD with a real month and day",
        )
    return _assemble(source, header, items)


def _assemble(source: Source, header: n.Header, items: Iterable[Any]) -> n.Policy:
    params, rules, repeals, renumbers, unchecked, examples = [], [], [], [], [], []
    for item in items:
        if isinstance(item, n.Param):
            params.append(item)
        elif isinstance(item, n.Rule):
            rules.append(item)
        elif isinstance(item, n.Repeal):
            repeals.append(item)
        elif isinstance(item, n.Renumber):
            renumbers.append(item)
        elif isinstance(item, n.Unchecked):
            unchecked.append(item)
        elif isinstance(item, n.Example):
            examples.append(item)
    return n.Policy(
        source,
        header,
        tuple(params),
        tuple(rules),
        tuple(repeals),
        tuple(renumbers),
        tuple(unchecked),
        tuple(examples),
    )
