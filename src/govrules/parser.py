"""Parse ``.rules`` text into syntax nodes; Lark errors become PolicyError in the author's words."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import attrs
from lark import Lark, Token, Transformer, Tree, v_args
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
from govrules.source import Source, Span, split_lines
from govrules.texts import chinese_numeral
from govrules.texts import label as texts_label


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
    "OUTCOME": "an outcome (compliant, violation, not_applicable, undetermined, pending)",
    "HEADER_KIND": "'ruleset' or 'definitions'",
    "COMPARATOR": "a comparison (<, <=, ==, !=, >=, >)",
    "UNKNOWN": "'unknown'",
    "TRUE": "'true'",
    "FALSE": "'false'",
}

# Keyword groups that make up one kind of line; an expected set holding a whole group is
# reported as that kind of line, so the author reads "a clause (…)" and not twenty terminals.
_HEADER_KEYS = (
    "title",
    "number",
    "issuer",
    "level",
    "jurisdiction",
    "published",
    "effective",
    "text",
    "adapts",
    "within",
    "uses",
    "note",
)
_CLAUSE_KEYS = (
    "title",
    "subject",
    "cites",
    "governing",
    "when",
    "let",
    "require",
    "due",
    "except",
    "explain",
    "note",
)
_ITEM_KEYS = (
    "param",
    "rule",
    "override",
    "repeal",
    "renumber",
    "unchecked",
    "overlap",
    "presume",
    "define",
    "example",
)
_EXAMPLE_KEYS = ("on", "jurisdiction", "facts", "expect", "unused", "not_adopted")
_LINE_GROUPS = (
    (_HEADER_KEYS, "a header line"),
    (_CLAUSE_KEYS, "a clause"),
    (_ITEM_KEYS, "a declaration"),
    (_EXAMPLE_KEYS, "an example line"),
)
_VALUE_START = frozenset({"NUMBER", "STRING", "DATE", "TRUE", "FALSE", "["})
_OPERATORS = frozenset({".", "+", "-", "COMPARATOR", "in", "is", "and", "or", "where"})
_CLOSERS = {"LBRACE": "}", "LSQB": "]", "LPAR": ")"}
_QUOTES = "“”„‟‘’‚‛「」『』〝〞＂"

_ARTICLE_RE = re.compile(r"第([^第条款项]+)条(?:第([^第条款项]+)款)?(?:第([^第条款项]+)项)?")


@functools.cache
def _literals() -> dict[str, str]:
    """Return the fixed text of each literal terminal: ``RULE`` -> ``rule``, ``LBRACE`` -> ``{``."""
    return {t.name: t.pattern.value for t in grammar().terminals if t.pattern.type == "str"}


def _word(terminal: str) -> str:
    """Return a terminal as the author writes it: a keyword, a symbol or a category name."""
    literal = _literals().get(terminal)
    if literal is not None and terminal not in _TERMINAL_WORDS:
        return literal
    return terminal


def _quote(text: str, limit: int = 24) -> str:
    text = text.replace("\n", " ")
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


@attrs.frozen
class _Block:
    """A bracket that is open where parsing stopped, and what it belongs to."""

    name: str  # e.g. "rule 'filing_deadline'"
    closer: str
    opener: Token


def _open_blocks(stack: list[Any]) -> list[_Block]:
    """Return the brackets still open on the parser's value stack, outermost first.

    A block is reduced to a tree soon after its closing bracket is read; until then both
    brackets are on the stack and cancel out.
    """
    blocks: list[_Block] = []
    for i, value in enumerate(stack):
        if not isinstance(value, Token):
            continue
        if blocks and value.type in ("RBRACE", "RSQB", "RPAR"):
            blocks.pop()
            continue
        if value.type not in _CLOSERS:
            continue
        window: list[Token | None] = [None, None]
        window += [v if isinstance(v, Token) else None for v in stack[max(0, i - 2) : i]]
        keyword, named = window[-2:]
        if value.type == "LBRACE":
            kinds = {
                "HEADER_KIND": "rule set",
                "RULE": "rule",
                "OVERRIDE": "override",
                "EXAMPLE": "example",
            }
            if keyword is not None and named is not None and keyword.type in kinds:
                label = named.value if named.type == "STRING" else f"'{named.value}'"
                name = f"{kinds[keyword.type]} {label}"
            elif named is not None and named.type == "FACTS":
                name = "the facts"
            else:
                name = "the object"
        elif value.type == "LSQB":
            name = "the list"
        elif named is not None and named.type == "NAME":
            name = f"the call of '{named.value}'"
        else:
            name = "the parentheses"
        blocks.append(_Block(name, _CLOSERS[value.type], value))
    return blocks


def _innermost(blocks: list[_Block], closer: str) -> _Block | None:
    return next((b for b in reversed(blocks) if b.closer == closer), None)


def _wanted(expected: set[str], blocks: list[_Block]) -> tuple[str, bool]:
    """Return the expected set in the author's words, and whether it names a kind of line."""
    words = {_word(t) for t in expected}
    parts: list[str] = []
    lines = False
    for keys, label in _LINE_GROUPS:
        if set(keys) <= words:
            parts.append(f"{label} ({', '.join(keys)})")
            words -= set(keys)
            lines = True
    if words >= _VALUE_START:
        if "NAME" in words and "(" in words:
            parts.append("an expression")
            words -= {"NAME", "(", "not"}
        else:
            parts.append("a value")
            words -= {"NAME", "{"}
        words -= _VALUE_START
    if {"+", "-", "and", "or"} <= words:
        parts.append("an operator")
        words -= _OPERATORS | {"(", "not"}
    closing: list[str] = []
    for closer in ("}", "]", ")"):
        if closer in words:
            words.discard(closer)
            block = _innermost(blocks, closer)
            closing.append(f"'{closer}' closing {block.name}" if block else f"'{closer}'")
    end = "$END" in words
    words.discard("$END")
    single = sorted(
        _TERMINAL_WORDS.get(w) or (f"'{w}'" if w in _literals().values() else w.lower())
        for w in words
    )
    parts += single + closing
    if end:
        parts.append("the end of the file")
    if not parts:
        return "something else", lines
    if len(parts) == 1:
        return parts[0], lines
    return ", ".join(parts[:-1]) + " or " + parts[-1], lines


def _after(stack: list[Any]) -> str:
    """Return ' after …' naming what precedes the error, or '' when a block says it better."""
    if not stack or not isinstance(stack[-1], Token):
        return ""
    last: Token = stack[-1]
    if last.type in _CLOSERS:
        return ""
    prev = stack[-2] if len(stack) > 1 and isinstance(stack[-2], Token) else None
    if last.type == "NAME" and prev is not None:
        kinds = {
            "HEADER_KIND": f"rule set id '{last}'",
            "RULE": f"rule name '{last}'",
            "OVERRIDE": f"'override {last}'",
            "PARAM": f"parameter name '{last}'",
            "LET": f"let name '{last}'",
            "REPEAL": f"'repeal {last}'",
        }
        if prev.type in kinds:
            return " after " + kinds[prev.type]
    return " after " + _quote(str(last.value))


def _found(token: Token) -> str:
    if token.type == "$END":
        return "the end of the file"
    return _quote(str(token.value))


def _close_keyword(word: str, expected: set[str]) -> str | None:
    """Return the keyword expected here that ``word`` looks like a misspelling of."""
    keywords = [w for w in (_word(t) for t in expected) if w.isalpha() and w.islower()]
    if "OUTCOME" in expected:
        keywords += ["compliant", "violation", "not_applicable", "undetermined"]
    close = difflib.get_close_matches(word, keywords, n=1, cutoff=0.7)
    if not close:
        everything = [w for w in _literals().values() if w.isalpha()]
        close = difflib.get_close_matches(word, everything, n=1, cutoff=0.8)
    return close[0] if close else None


def _token_hint(
    token: Token, expected: set[str], blocks: list[_Block], stack: list[Any]
) -> str | None:
    """Return advice for the usual causes of an unexpected token."""
    words = {_word(t) for t in expected}
    if words == {"HEADER_KIND"}:
        return 'a policy file begins with its header: ruleset ID { title "…" … }'
    if token.type == "$END":
        if blocks:
            block = blocks[-1]
            return (
                f"{block.name} opened on line {block.opener.line} is still open: "
                f"close it with '{block.closer}'"
            )
        return None
    if token.type == "NAME":
        close = _close_keyword(str(token.value), expected)
        if close is not None and close != token.value:
            return f"did you mean '{close}'?"
        if "STRING" in expected and "NAME" not in expected:
            return f'text is quoted: "{token.value}"'
    if token.type == "STRING" and "NAME" in expected and "STRING" not in expected:
        return f"names are written without quotes: {token.value[1:-1]}"
    if token.type == "RBRACE" and "}" not in words and not _innermost(blocks, "}"):
        return "this '}' closes no open block"
    if token.type == "LBRACE" and "NAME" in expected:
        return "a name comes before '{', e.g. `ruleset yunnan {` or `rule filing_deadline {`"
    if token.type == "LBRACE":
        return (
            "'{' opens a block only after `ruleset ID`, `rule NAME`, `override NAME`, "
            '`example "…"` or `facts`'
        )
    keywords = {*_ITEM_KEYS, *_CLAUSE_KEYS, *_HEADER_KEYS, *_EXAMPLE_KEYS}
    if blocks and blocks[-1].closer in words and str(token.value) in keywords:
        block = blocks[-1]
        return f"is the '{block.closer}' closing {block.name} (line {block.opener.line}) missing?"
    if token.type == "EQUAL" and "COMPARATOR" in expected:
        return "compare with '=='; '=' only gives a parameter or let its value"
    if token.type == "ARTICLE" and "," in words:
        return "separate the articles with ','"
    if token.type == "NUMBER" and "DATE" in expected:
        return "write dates as YYYY-MM-DD, with zeros: 2024-01-05"
    if token.type == "STRING" and words == {"because"}:
        return 'give the reason after `because`: because "…"'
    after_param = [v for v in stack[-4:] if isinstance(v, Token)]
    if after_param and after_param[0].type == "PARAM" and "$END" in expected:
        return (
            "a parameter holds a plain value: a name, number, string, date, duration or "
            "list of them; compute other values in a rule's `let`"
        )
    if token.type == "NUMBER" and "ARTICLE" in expected:
        return "cite an article as the text numbers it, e.g. 第十七条 or 第十七条第一款"
    return None


def _character_hint(char: str) -> str | None:
    """Return advice for a character that cannot start any token."""
    if char in _QUOTES:
        return 'write strings with straight double quotes: "…"'
    if char == "'":
        return 'strings use double quotes: "…"'
    if char == ";":
        return "lines need no ';'"
    if char == '"':
        return "this string is not closed on its line: end it with '\"'"
    plain = unicodedata.normalize("NFKC", char)
    if plain != char and plain.isascii():
        return (
            f"full-width '{char}': write '{plain}'" if plain.strip() else "write an ordinary space"
        )
    if unicodedata.category(char).startswith("L"):
        return 'text goes inside double quotes, e.g. title "…"'
    return None


def _show_char(char: str) -> str:
    if char.isprintable() and not char.isspace():
        return f"'{char}'"
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name.lower()})" if name else "")


_lines = split_lines


def _acceptable(err: UnexpectedInput, expected: set[str]) -> set[str]:
    """Return the terminals the parser can really take here.

    An LALR state's expected set is a superset (states share lookaheads), which would offer
    ')' where no '(' is open; trying each terminal on a copy of the parser removes those.
    """
    parser = getattr(err, "interactive_parser", None)
    if parser is None:
        return expected
    try:
        accepted = set(parser.accepts())
    except UnexpectedInput:  # pragma: no cover - accepts() tries tokens on copies
        return expected
    return accepted or expected


# Units as authors are tempted to write them, in Chinese or English, and what the language
# spells instead; a week is not a unit because the regulations count weeks as 7 days.
_UNIT_SPELLINGS = {
    "工作日": "workdays",
    "个工作日": "workdays",
    "天": "days",
    "日": "days",
    "自然日": "days",
    "个月": "months",
    "月": "months",
    "年": "years",
}
_WEEKS = ("week", "weeks", "周", "星期", "个星期")
_UNITS = ("workdays", "days", "months", "years", "workday", "day", "month", "year")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def _unit_hint(number: str, word: str) -> str | None:
    """Return advice for ``word`` written where the unit after ``number`` belongs."""
    if word in _WEEKS:
        return f"a week is 7 days: write '{int(number) * 7} days'"
    if word in _UNIT_SPELLINGS:
        return f"units are written in English: did you mean '{number} {_UNIT_SPELLINGS[word]}'?"
    close = difflib.get_close_matches(word, _UNITS, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _unit_problem(
    stack: list[Any], line: int, column: int, lines: list[str], expected: set[str]
) -> tuple[str, int, str] | None:
    """Return (message, width, hint) when a word after a number is a misspelt unit."""
    number = stack[-1] if stack and isinstance(stack[-1], Token) else None
    if number is None or number.type != "NUMBER" or "UNIT" not in expected:
        return None
    if number.line != line or not 1 <= line <= len(lines):
        return None  # a word on the next line starts something else
    rest = lines[line - 1][column - 1 :]
    found = re.match(r"[A-Za-z_][A-Za-z0-9_]*", rest) or _CJK_RUN.match(rest)
    if found is None:
        return None
    word = found[0]
    # The longest Chinese spelling that starts the run: 5 个工作日内 is 个工作日 then 内.
    if _CJK_RUN.match(word):
        word = next(
            (
                w
                for w in sorted([*_UNIT_SPELLINGS, *_WEEKS], key=len, reverse=True)
                if word.startswith(w)
            ),
            word,
        )
    hint = _unit_hint(str(number), word)
    if hint is None:
        return None
    message = f"expected a unit (workdays, days, months, years) after '{number}', found '{word}'"
    return message, len(word), hint


def _block_keys(blocks: list[_Block]) -> tuple[tuple[str, ...], str]:
    """Return the keywords that may start a line where parsing stopped, and their kind."""
    name = blocks[-1].name if blocks else ""
    if name.startswith(("rule ", "override ")) and not name.startswith("rule set"):
        return _CLAUSE_KEYS, "a clause"
    if name.startswith("example"):
        return _EXAMPLE_KEYS, "an example line"
    if name.startswith("rule set"):
        return _HEADER_KEYS, "a header line"
    return _ITEM_KEYS, "a declaration"


def _glued_keyword(
    stack: list[Any], blocks: list[_Block], lines: list[str]
) -> tuple[str, int, int, int, str] | None:
    """Return (message, line, column, width, hint) for a keyword run into more letters.

    The lexer reads ``requires x`` as the keyword ``require`` and a name ``s``, so the parser
    only fails a token later; the author's mistake is the word ``requires``.
    """
    keywords = {*_ITEM_KEYS, *_CLAUSE_KEYS, *_HEADER_KEYS, *_EXAMPLE_KEYS}
    tokens = [v for v in stack[-4:] if isinstance(v, Token)]
    for tok in reversed(tokens):
        if str(tok) not in keywords or not tok.line or not tok.column:
            continue
        text = lines[tok.line - 1] if tok.line <= len(lines) else ""
        found = re.match(r"[A-Za-z_][A-Za-z0-9_]*", text[tok.column - 1 :])
        if found is None or found[0] == str(tok):
            return None
        word = found[0]
        keys, kind = _block_keys(blocks)
        close = difflib.get_close_matches(word, keys, n=1, cutoff=0.7)
        message = f"expected {kind} ({', '.join(keys)}), found '{word}'"
        hint = f"did you mean '{close[0]}'?" if close else f"'{word}' is not a keyword"
        return message, tok.line, tok.column, len(word), hint
    return None


def _colon_hint(char: str, expected: set[str], stack: list[Any]) -> str | None:
    """Return advice for a colon, full-width or not, where the language wants none."""
    if "COLON" in expected:
        return f"full-width '{char}': write ':'" if char != ":" else None
    last = stack[-1] if stack and isinstance(stack[-1], Token) else None
    if "EQUAL" in expected and last is not None:
        return f"a value is given with '=', not a colon: {last} = …"
    keywords = {*_CLAUSE_KEYS, *_HEADER_KEYS, *_EXAMPLE_KEYS}
    if last is not None and str(last) in keywords:
        value = '"…"' if "STRING" in expected else "…"
        return f"no colon after '{last}': write {last} {value}"
    return None


def _syntax_error(source: Source, err: UnexpectedInput) -> PolicyError:
    lines = _lines(source.text)
    state = getattr(err, "state", None)
    stack: list[Any] = list(getattr(state, "value_stack", None) or [])
    blocks = _open_blocks(stack)
    line = err.line if isinstance(err.line, int) and err.line > 0 else 1
    column = err.column if isinstance(err.column, int) and err.column > 0 else 1
    width = 1
    hint: str | None = None
    if isinstance(err, UnexpectedToken):
        token = err.token
        expected = _acceptable(err, set(err.expected))
        wanted, lines_kind = _wanted(expected, blocks)
        if token.type == "$END" and expected == {"HEADER_KIND"}:
            message = "expected 'ruleset' at the start of the file, found the end of the file"
        elif token.type == "$END":
            # The end token borrows the position of the last token: point just after it.
            if token.end_line and token.end_column:
                line, column = token.end_line, token.end_column
            message = f"unexpected end of file: expected {wanted}"
            if not lines_kind:
                message += _after(stack)
        else:
            width = len(str(token.value).split("\n")[0]) or 1
            message = f"expected {wanted}"
            if expected == {"HEADER_KIND"}:
                message += " at the start of the file"
            elif not lines_kind:
                message += _after(stack)
            message += f", found {_found(token)}"
        hint = _token_hint(token, expected, blocks, stack)
        unit = _unit_problem(stack, line, column, lines, expected)
        glued = _glued_keyword(stack, blocks, lines) if token.type != "$END" else None
        if unit is not None:
            message, width, hint = unit
        elif glued is not None:
            message, line, column, width, hint = glued
        elif token.type == "COLON":
            hint = _colon_hint(":", expected, stack) or hint
    elif isinstance(err, UnexpectedCharacters):
        line_text = lines[line - 1] if line <= len(lines) else ""
        char = line_text[column - 1 : column]
        shown = _show_char(char) if char else "a character"
        word = re.match(r"[A-Za-z0-9_]+", line_text[column - 1 :])
        if word is not None:  # a name with capitals: show all of it
            shown, width = _quote(word[0]), len(word[0])
        allowed = _acceptable(err, set(err.allowed or ()) - {"<END-OF-FILE>"})
        if allowed:
            wanted, lines_kind = _wanted(allowed, blocks)
            after = "" if lines_kind else _after(stack)
            message = f"expected {wanted}{after}, found {shown}"
        else:
            message = f"unexpected character {shown}"
        hint = _character_hint(char) if char else None
        if word is not None and not word[0].islower():
            hint = f"names are lower-case (a-z, 0-9 and _): write '{word[0].lower()}'"
        if char in (":", "："):
            hint = _colon_hint(char, allowed, stack) or hint
        unit = _unit_problem(stack, line, column, lines, allowed)
        if unit is not None:
            message, width, hint = unit
    else:
        message = "unexpected end of file" if isinstance(err, UnexpectedEOF) else "syntax error"
        if blocks:
            hint = f"{blocks[-1].name} is still open: close it with '{blocks[-1].closer}'"
    return PolicyError(
        message,
        path=source.path,
        line=line,
        column=column,
        source_line=lines[line - 1] if line <= len(lines) else "",
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
    if article < 1 or any(p is not None and p < 1 for p in parts):
        raise ValueError(label)
    # Shown in verdicts as the texts write it (第十七条), however the author typed it (第17条).
    return n.Citation(article, parts[1], parts[2], texts_label(article, parts[1], parts[2]), span)


class _Build(Transformer[Token, Any]):
    """Build syntax nodes; no validation here (errors inside a Transformer come back wrapped)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        # Tokens the grammar accepts but that mean nothing (2024-02-30, 第十十条): reported
        # after the transform, since raising here would come back wrapped as VisitError.
        self.problems: list[tuple[Token, str, str | None]] = []

    def _date(self, tok: Token) -> dt.date:
        try:
            return dt.date.fromisoformat(str(tok))
        except ValueError:
            self.problems.append(
                (
                    tok,
                    f"'{tok}' is not a calendar date: {_date_problem(str(tok))}",
                    "dates are written YYYY-MM-DD with a real month and day",
                )
            )
            return dt.date.min

    def _citation(self, tok: Token) -> n.Citation:
        try:
            return parse_citation(str(tok), self._span(tok))
        except ValueError:
            self.problems.append(
                (
                    tok,
                    f"'{tok}' is not an article number",
                    "write the number as the text does, e.g. 第十七条, 第四十五条第二款",
                )
            )
            return n.Citation(0, None, None, str(tok), self._span(tok))

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
            # The span is the value's, so that diagnostics point at what is wrong in it.
            tok: Token = value[1] if isinstance(value, tuple) else value
            if isinstance(value, tuple):
                value = value[0]
            elif value.type == "STRING":
                value = _unquote(str(value))
            else:
                value = str(value)
            return n.HeaderField(key, value, self._span(tok))

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
    h_uses = _header_field("uses")

    @v_args(inline=True)
    def date_or_unknown(self, tok: Token) -> tuple[dt.date | None, Token]:
        return (None if tok.type == "UNKNOWN" else self._date(tok)), tok

    @v_args(meta=True)
    def header(self, meta: Meta, children: list[Any]) -> n.Header:
        kind, name, *fields = children
        return n.Header(str(name), tuple(fields), self._span(meta), kind=str(kind))

    # items ----------------------------------------------------------------------------
    @v_args(inline=True, meta=True)
    def citation(self, meta: Meta, tok: Token) -> n.Citation:
        return self._citation(tok)

    def cites(self, children: list[n.Citation]) -> tuple[n.Citation, ...]:
        return tuple(children)

    @v_args(meta=True)
    def param(self, meta: Meta, children: list[Any]) -> n.Param:
        cites = children[2] if len(children) > 2 else ()
        # Declarations are located by their names, where diagnostics about them point.
        return n.Param(str(children[0]), children[1], cites, self._span(children[0]))

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
    c_due = _clause("due")

    @v_args(meta=True)
    def c_except(self, meta: Meta, children: list[Any]) -> tuple[str, Any, Span]:
        claim, cites, what, *tail = children
        parts = dict(tail)
        span = self._span(meta)
        exc = n.Except(
            claim, cites, _unquote(str(what)), parts.get("require"), parts.get("due"), span
        )
        return "except", [exc], span

    @v_args(inline=True)
    def x_require(self, expr: n.Expr) -> tuple[str, n.Expr]:
        return "require", expr

    @v_args(inline=True)
    def x_due(self, expr: n.Expr) -> tuple[str, n.Expr]:
        return "due", expr

    @v_args(meta=True)
    def presume(self, meta: Meta, children: list[Any]) -> n.Presume:
        fact, value, *rest = children
        when = rest[0][1] if len(rest) == 2 else None
        return n.Presume(fact, value, _unquote(str(rest[-1])), self._span(meta), when)

    @v_args(meta=True)
    def d_presume(self, meta: Meta, children: list[Any]) -> Any:
        return "presume", self.presume(meta, children)

    @v_args(inline=True)
    def presume_when(self, expr: n.Expr) -> tuple[str, n.Expr]:
        return "when", expr

    @v_args(inline=True)
    def d_value(self, expr: n.Expr) -> tuple[str, Any]:
        return "value", expr

    @v_args(inline=True)
    def d_note(self, tok: Token) -> tuple[str, Any]:
        return "note", _unquote(str(tok))

    @v_args(meta=True)
    def define(self, meta: Meta, children: list[Any]) -> n.Define:
        names = [c for c in children if isinstance(c, Token)]
        clauses = [c for c in children if isinstance(c, tuple)]
        value = None
        presumes: list[n.Presume] = []
        notes: list[str] = []
        for key, item in clauses:
            if key == "value":
                if value is not None:
                    self.problems.append(
                        (
                            names[0],
                            f"definition '{names[0]}' has two `value` lines",
                            "a definition has one value; combine them with `and`/`or`",
                        )
                    )
                value = item
            elif key == "presume":
                presumes.append(item)
            else:
                notes.append(item)
        return n.Define(
            str(names[0]),
            tuple(str(t) for t in names[1:]),
            value,
            tuple(presumes),
            tuple(notes),
            self._span(meta),
            self._span(names[0]),
        )

    def _rule(self, meta: Meta, children: list[Any], override: bool) -> n.Rule:
        name_tok: Token = children[0]
        title = subject = explain = governing = None
        subject_span = None
        cites: list[n.Citation] | None = None
        due: n.Expr | None = None
        exceptions: list[n.Except] | None = None
        when: list[n.Expr] | None = None
        requires: list[n.Expr] | None = None
        lets: list[n.Let] = []
        notes: list[str] = []
        for key, args, _span in children[1:]:
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
                lets.append(n.Let(str(args[0]), args[1], self._span(args[0])))
            elif key == "require":
                requires = [*(requires or []), args[0]]
            elif key == "explain":
                explain = n.String(_unquote(str(args[0])), self._span(args[0]))
            elif key == "note":
                notes.append(_unquote(str(args[0])))
            elif key == "due":
                due = args[0]
            elif key == "except":
                exceptions = [*(exceptions or []), args[0]]
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
            due=due,
            exceptions=None if exceptions is None else tuple(exceptions),
        )

    @v_args(meta=True)
    def rule(self, meta: Meta, children: list[Any]) -> n.Rule:
        return self._rule(meta, children, override=False)

    @v_args(meta=True)
    def override(self, meta: Meta, children: list[Any]) -> n.Rule:
        return self._rule(meta, children, override=True)

    @v_args(inline=True, meta=True)
    def repeal(self, meta: Meta, name: Token, *rest: Any) -> n.Repeal:
        cites: tuple[n.Citation, ...] = rest[0] if len(rest) == 2 else ()
        return n.Repeal(str(name), _unquote(str(rest[-1])), self._span(meta), cites)

    @v_args(inline=True, meta=True)
    def renumber(self, meta: Meta, old: Token, new: Token) -> n.Renumber:
        return n.Renumber(self._citation(old), self._citation(new), self._span(meta))

    @v_args(meta=True)
    def unchecked(self, meta: Meta, children: list[Token]) -> n.Unchecked:
        cites = tuple(self._citation(t) for t in children[:-1])
        return n.Unchecked(cites, _unquote(str(children[-1])), self._span(meta))

    @v_args(meta=True)
    def overlap(self, meta: Meta, children: list[Token]) -> n.Overlap:
        cites = tuple(self._citation(t) for t in children[:-1])
        return n.Overlap(cites, _unquote(str(children[-1])), self._span(meta))

    def rule_ref(self, children: list[Token]) -> str:
        return ".".join(str(c) for c in children)

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
    def e_unused(self, meta: Meta, toks: list[Token]) -> tuple[str, Any, Span]:
        return "unused", tuple(_unquote(str(t)) for t in toks), self._span(meta)

    @v_args(meta=True)
    def e_not_adopted(self, meta: Meta, toks: list[Token]) -> tuple[str, Any, Span]:
        return "not_adopted", tuple(_unquote(str(t)) for t in toks), self._span(meta)

    @v_args(meta=True)
    def e_expect(self, meta: Meta, children: list[Any]) -> tuple[str, Any, Span]:
        subject, rule, outcome, *details = children
        mentions = tuple(d for d in details if isinstance(d, str))
        extra: dict[str, Any] = dict(d for d in details if isinstance(d, tuple))
        expect = n.Expect(
            _unquote(str(subject)),
            str(rule),
            str(outcome),
            mentions,
            self._span(meta),
            missing=extra.get("missing"),
            presumed=extra.get("presumed"),
            due=extra.get("due"),
        )
        return "expect", expect, self._span(meta)

    @v_args(inline=True)
    def mention(self, tok: Token) -> str:
        return _unquote(str(tok))

    def expect_missing(self, toks: list[Token]) -> tuple[str, tuple[str, ...]]:
        # `missing` alone: the verdict lists no missing fact (decided despite unknowns).
        return "missing", tuple(_unquote(str(t)) for t in toks if t is not None)

    def expect_presumed(self, toks: list[Token]) -> tuple[str, tuple[str, ...]]:
        return "presumed", tuple(_unquote(str(t)) for t in toks)

    @v_args(inline=True)
    def expect_due(self, tok: Token) -> tuple[str, dt.date]:
        return "due", self._date(tok)

    @v_args(meta=True)
    def example(self, meta: Meta, children: list[Any]) -> n.Example:
        name = _unquote(str(children[0]))
        on: dt.date | None = None
        jurisdiction = None
        facts: object = {}
        expects: list[n.Expect] = []
        notes: dict[str, tuple[str, ...]] = {}
        for key, value, _span in children[1:]:
            if key in ("unused", "not_adopted"):
                notes[key] = value
            elif key == "on":
                on = value
            elif key == "jurisdiction":
                jurisdiction = value
            elif key == "facts":
                facts = value
            elif key == "expect":
                expects.append(value)
        return n.Example(
            name,
            on,
            jurisdiction,
            facts,
            tuple(expects),
            self._span(meta),
            unused=notes.get("unused"),
            not_adopted=notes.get("not_adopted"),
        )

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


#: How deep a policy's syntax tree may nest. The shipped policies reach 15; every later
#: stage (checks, layers, compiler, evaluation) walks trees recursively, and a limit here
#: keeps them far from Python's recursion limit instead of each catching RecursionError.
MAX_NESTING = 100


def _too_deep(tree: Tree[Token]) -> tuple[int, int] | None:
    """Return the line and column of the first node nested deeper than MAX_NESTING, if any."""
    todo: list[tuple[Tree[Token] | Token, int]] = [(tree, 1)]
    while todo:  # a loop: the tree may be deeper than Python's stack
        node, depth = todo.pop()
        if not isinstance(node, Tree):
            continue
        if depth > MAX_NESTING:
            return _position(node)
        todo.extend((child, depth + 1) for child in reversed(node.children))
    return None


def _position(tree: Tree[Token]) -> tuple[int, int]:
    """Return where ``tree`` starts: its meta, else its first token."""
    if not tree.meta.empty:
        return tree.meta.line, tree.meta.column
    for token in tree.scan_values(lambda v: isinstance(v, Token)):
        return token.line or 1, token.column or 1
    return 1, 1


def parse(text: str, path: str = "<string>") -> n.Policy:
    """Parse one policy; raise PolicyError at the first syntax error."""
    source = Source(path, text)
    lines = _lines(text)
    try:
        tree = grammar().parse(text)
    except UnexpectedInput as err:
        raise _syntax_error(source, err) from None
    deep = _too_deep(tree)
    if deep is not None:
        line, column = deep
        raise PolicyError(
            f"an expression is nested more than {MAX_NESTING} levels deep",
            path=path,
            line=line,
            column=column,
            source_line=lines[line - 1] if line <= len(lines) else "",
            hint="split it into steps with `let`",
        )
    build = _Build(path)
    try:
        header, *items = build.transform(tree)
    except (VisitError, RecursionError) as err:
        # A node constructor failed or the nesting is too deep: never a raw traceback.
        meta = getattr(getattr(err, "obj", None), "meta", None)
        line = getattr(meta, "line", 1) if meta is not None and not meta.empty else 1
        column = getattr(meta, "column", 1) if meta is not None and not meta.empty else 1
        message = (
            f"cannot read this part of the policy: {err.orig_exc}"
            if isinstance(err, VisitError)
            else "an expression is nested too deeply to read"
        )
        raise PolicyError(
            message,
            path=path,
            line=line,
            column=column,
            source_line=lines[line - 1] if line <= len(lines) else "",
            hint=None if isinstance(err, VisitError) else "split it into steps with `let`",
        ) from None
    if build.problems:
        tok, message, hint = min(build.problems, key=lambda p: (p[0].line or 0, p[0].column or 0))
        line = tok.line or 1
        raise PolicyError(
            message,
            path=path,
            line=line,
            column=tok.column or 1,
            source_line=lines[line - 1] if line <= len(lines) else "",
            width=len(str(tok)),
            hint=hint,
        )
    return _assemble(source, header, items)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date_problem(text: str) -> str:
    """Return why ``YYYY-MM-DD`` is not a date: the month or the day that does not exist."""
    year, month, day = (int(part) for part in text.split("-"))
    if year < dt.MINYEAR:
        return f"there is no year {year}"
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    following = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    days = (following - dt.date(year, month, 1)).days
    return f"{_MONTHS[month - 1]} {year} has {days} days" if day else "days start at 01"


def _assemble(source: Source, header: n.Header, items: Iterable[Any]) -> n.Policy:
    params, rules, repeals, renumbers, unchecked, examples = [], [], [], [], [], []
    overlaps, presumes, defines = [], [], []
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
        elif isinstance(item, n.Overlap):
            overlaps.append(item)
        elif isinstance(item, n.Presume):
            presumes.append(item)
        elif isinstance(item, n.Define):
            defines.append(item)
        else:  # every declaration of the grammar has a node; nothing is dropped silently
            raise TypeError(f"unexpected declaration {item!r}")
    return n.Policy(
        source,
        header,
        tuple(params),
        tuple(rules),
        tuple(repeals),
        tuple(renumbers),
        tuple(unchecked),
        tuple(examples),
        tuple(overlaps),
        tuple(presumes),
        tuple(defines),
    )
