"""Syntax nodes of the policy language: immutable values, each with the span it came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import attrs

from govrules.source import Source, Span

# --- expressions -----------------------------------------------------------------


@attrs.frozen
class Number:
    """An integer literal."""

    value: int
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Quantity:
    """An amount with a unit: ``7 workdays``, ``14 days``, ``6 months``, ``1 year``."""

    amount: int
    unit: str  # one of UNITS
    span: Span = attrs.field(eq=False)


UNITS = ("workdays", "days", "months", "years")


@attrs.frozen
class String:
    """A quoted string literal, unescaped."""

    value: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class DateLit:
    """A date literal written ``YYYY-MM-DD``."""

    value: dt.date
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Bool:
    """``true`` or ``false``."""

    value: bool
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Name:
    """A bare name: a binding, a parameter, a fact root, or an enumeration value."""

    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Field:
    """``target.name``: a fact below another value."""

    target: Expr
    name: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Call:
    """A call of a built-in function."""

    function: str
    args: tuple[Expr, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class ListLit:
    """``[a, b, c]``."""

    items: tuple[Expr, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Binary:
    """A binary operation; ``op`` is one of BINARY_OPS."""

    op: str
    left: Expr
    right: Expr
    span: Span = attrs.field(eq=False)


BINARY_OPS = ("and", "or", "<=", ">=", "==", "!=", "<", ">", "+", "-", "in", "not in", "where")


@attrs.frozen
class Unary:
    """A unary operation: ``not``, ``is missing``, ``is present``, ``is empty``."""

    op: str
    operand: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Presumed:
    """A fact read with a presumption: when the fact is absent, ``value`` stands in for it.

    Not written by authors: the compiler wraps the fact paths that a ``presume`` names.
    """

    fact: Expr
    value: Expr
    reason: str
    span: Span = attrs.field(eq=False)
    when: Expr | None = None


Expr = (
    Number
    | Quantity
    | String
    | DateLit
    | Bool
    | Name
    | Field
    | Call
    | ListLit
    | Binary
    | Unary
    | Presumed
)
Literal = Number | Quantity | String | DateLit | Bool | Name | ListLit

# --- declarations ------------------------------------------------------------------


@attrs.frozen
class Citation:
    """A reference to 条, optionally 款 and 项, of the rule set's own source text."""

    article: int
    paragraph: int | None
    item: int | None
    label: str  # as written, e.g. 第十七条第一款
    span: Span = attrs.field(eq=False)


@attrs.frozen
class HeaderField:
    """One ``key value`` line of a rule set header."""

    key: str
    value: object
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Header:
    """The ``ruleset id { ... }`` block: what the document is and how it relates to a base."""

    id: str
    fields: tuple[HeaderField, ...]
    span: Span = attrs.field(eq=False)
    kind: str = "ruleset"  # or "definitions": a file of shared definitions

    @property
    def uses(self) -> tuple[HeaderField, ...]:
        """Return the ``uses NAME`` lines: the definition files the rule set draws on."""
        return tuple(f for f in self.fields if f.key == "uses")

    def get(self, key: str) -> HeaderField | None:
        """Return the field named ``key``, the last one if repeated."""
        found = None
        for f in self.fields:
            if f.key == key:
                found = f
        return found

    def value(self, key: str) -> object:
        """Return the value of field ``key``, or None."""
        f = self.get(key)
        return None if f is None else f.value

    @property
    def relation(self) -> tuple[str, str, Span] | None:
        """Return (``adapts`` or ``within``, base id, span) if the rule set has a base."""
        for f in self.fields:
            if f.key in ("adapts", "within"):
                return f.key, str(f.value), f.span
        return None

    @property
    def notes(self) -> tuple[str, ...]:
        """Return the notes on the rule set, in order."""
        return tuple(str(f.value) for f in self.fields if f.key == "note")


@attrs.frozen
class Param:
    """``param name = literal cites …``: a named value that layers may override."""

    name: str
    value: Literal
    cites: tuple[Citation, ...]
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Let:
    """``let name = expr`` inside a rule."""

    name: str
    expr: Expr
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Except:
    """``except <claim> cites … "<what>"``: an exception a regulation grants to a rule.

    It applies only when the facts claim it (the claim is true); an absent fact means not
    claimed. When it applies, ``require`` and ``due`` replace the rule's own, or the subject
    is exempt when ``require`` is None.
    """

    claim: Expr
    cites: tuple[Citation, ...]
    what: str
    require: Expr | None
    due: Expr | None
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Presume:
    """``presume account.opened_by = unit because "…"``: a value for an absent fact."""

    fact: Expr  # a Field: a subject name (or a definition's parameter) and a fact under it
    value: Expr
    reason: str
    span: Span = attrs.field(eq=False)
    when: Expr | None = None  # the presumption holds only where this is true

    @property
    def target(self) -> tuple[str, str] | None:
        """Return (root name, fact) that the presumption covers, e.g. ('account', 'opened_by')."""
        if isinstance(self.fact, Field) and isinstance(self.fact.target, Name):
            return self.fact.target.name, self.fact.name
        return None


@attrs.frozen
class Define:
    """``define name(a, b) { value … }``: a concept written once and called by rules."""

    name: str
    params: tuple[str, ...]
    value: Expr | None
    presumes: tuple[Presume, ...]
    notes: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)


@attrs.frozen
class Rule:
    """A rule, or (``override=True``) the clauses a child layer replaces in a base rule."""

    name: str
    override: bool
    title: str | None
    subject: str | None
    subject_span: Span | None = attrs.field(eq=False)
    cites: tuple[Citation, ...] | None
    governing: Expr | None
    when: tuple[Expr, ...] | None
    lets: tuple[Let, ...]
    requires: tuple[Expr, ...] | None
    explain: String | None
    notes: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    name_span: Span = attrs.field(eq=False)
    due: Expr | None = None
    exceptions: tuple[Except, ...] | None = None


@attrs.frozen
class Repeal:
    """``repeal name [cites 第X条] because "…"``: a child drops a base rule."""

    name: str
    reason: str
    span: Span = attrs.field(eq=False)
    cites: tuple[Citation, ...] = ()


@attrs.frozen
class Renumber:
    """``renumber 第十八条 as 第十四条``: an adapted article's number in the child's text."""

    old: Citation
    new: Citation
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Unchecked:
    """Articles that no rule encodes, with the reason."""

    articles: tuple[Citation, ...]
    reason: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Overlap:
    """Articles of one text that regulate the same act differently, and the reading chosen."""

    articles: tuple[Citation, ...]
    reason: str
    span: Span = attrs.field(eq=False)


@attrs.frozen
class Expect:
    """An expected verdict in an example."""

    subject: str
    rule: str
    outcome: str
    mentions: tuple[str, ...]
    span: Span = attrs.field(eq=False)
    missing: tuple[str, ...] | None = None  # the exact missing facts, when the example says
    presumed: tuple[str, ...] | None = None
    due: dt.date | None = None


@attrs.frozen
class Example:
    """A worked scenario written in the policy: facts, a date, expected verdicts."""

    name: str
    on: dt.date | None
    jurisdiction: str | None
    facts: object
    expects: tuple[Expect, ...]
    span: Span = attrs.field(eq=False)
    # The decision's notes, when the example states them: exactly these paths and rules.
    unused: tuple[str, ...] | None = None
    not_adopted: tuple[str, ...] | None = None


@attrs.frozen
class Policy:
    """One parsed ``.rules`` file."""

    source: Source = attrs.field(eq=False)
    header: Header
    params: tuple[Param, ...]
    rules: tuple[Rule, ...]
    repeals: tuple[Repeal, ...]
    renumbers: tuple[Renumber, ...]
    unchecked: tuple[Unchecked, ...]
    examples: tuple[Example, ...]
    overlaps: tuple[Overlap, ...] = ()
    presumes: tuple[Presume, ...] = ()
    defines: tuple[Define, ...] = ()

    @property
    def id(self) -> str:
        """Return the rule set id."""
        return self.header.id


def names_in(rule: Rule) -> set[str]:
    """Return every bare name the rule's expressions mention."""
    exprs = list(rule_exprs(rule))
    found: set[str] = set()
    for expr in exprs:
        for node in walk(expr):
            if isinstance(node, Name):
                found.add(node.name)
    return found


def rule_exprs(rule: Rule) -> Iterator[Expr]:
    """Yield every top-level expression of a rule: date, conditions, lets, requirements."""
    if rule.governing is not None:
        yield rule.governing
    yield from rule.when or ()
    yield from (x.expr for x in rule.lets)
    yield from rule.requires or ()
    if rule.due is not None:
        yield rule.due
    for x in rule.exceptions or ():
        yield x.claim
        if x.require is not None:
            yield x.require
        if x.due is not None:
            yield x.due


def walk(expr: Expr) -> Iterator[Expr]:
    """Yield ``expr`` and every expression inside it."""
    yield expr
    if isinstance(expr, Field):
        yield from walk(expr.target)
    elif isinstance(expr, Call):
        for arg in expr.args:
            yield from walk(arg)
    elif isinstance(expr, ListLit):
        for item in expr.items:
            yield from walk(item)
    elif isinstance(expr, Binary):
        yield from walk(expr.left)
        yield from walk(expr.right)
    elif isinstance(expr, Unary):
        yield from walk(expr.operand)
    elif isinstance(expr, Presumed):
        yield from walk(expr.fact)
        yield from walk(expr.value)
        if expr.when is not None:
            yield from walk(expr.when)
