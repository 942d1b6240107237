"""Does a subordinate (*within*) layer relax its base? A small monotonicity analysis.

A within layer may add and tighten obligations but not lift or relax them (docs/contract.md,
rule sets).
Relaxing means changing a value so that the requirement becomes easier to meet: a longer
deadline, a shorter minimum announcement, a wider set of allowed regions. We find the
direction of each value from the rule itself: ``event.filed_on <= event.date + P`` is easier
as P grows, ``event.announced_on + P < event.date`` is harder. Where the direction cannot be
told (a value used in an equality, say), nothing is claimed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govrules import nodes as n
from govrules.functions import FUNCTIONS

HOLE = "$hole"
Sign = int | None  # +1 grows with the hole, -1 shrinks, 0 independent, None unknown


def _combine(*signs: Sign) -> Sign:
    nonzero = {s for s in signs if s != 0}
    if None in nonzero or len(nonzero) > 1:
        return None
    return nonzero.pop() if nonzero else 0


def _neg(s: Sign) -> Sign:
    return None if s is None else -s


def _times(a: Sign, b: Sign) -> Sign:
    if a == 0:
        return 0
    return None if a is None or b is None else a * b


@attrs.frozen
class Analysis:
    """Signs of expressions with respect to one named value, through a rule's lets."""

    target: str
    lets: Mapping[str, n.Expr]

    def sign(self, e: n.Expr) -> Sign:
        """Return how ``e`` moves when the target value grows."""
        if isinstance(e, n.Name):
            if e.name == self.target:
                return 1
            if e.name in self.lets:
                return self.sign(self.lets[e.name])
            return 0
        if isinstance(e, n.Number | n.Quantity | n.String | n.DateLit | n.Bool):
            return 0
        if isinstance(e, n.Field):
            return 0 if self.sign(e.target) == 0 else None
        if isinstance(e, n.ListLit):
            return 0 if all(self.sign(i) == 0 for i in e.items) else None
        if isinstance(e, n.Binary):
            a, b = self.sign(e.left), self.sign(e.right)
            if e.op == "+":
                return _combine(a, b)
            if e.op == "-":
                return _combine(a, _neg(b))
            return 0 if a == b == 0 else None
        if isinstance(e, n.Call):
            fn = FUNCTIONS.get(e.function)
            args = [self.sign(a) for a in e.args]
            if fn is None:
                return 0 if all(a == 0 for a in args) else None
            # The registry says how the result moves with each argument.
            return _combine(*(_times(a, fn.sign(i)) for i, a in enumerate(args)))
        if isinstance(e, n.Unary):
            return 0 if self.sign(e.operand) == 0 else None
        return None

    def ease(self, e: n.Expr) -> Sign:
        """Return whether a requirement gets easier (+1) or harder (-1) as the target grows."""
        if isinstance(e, n.Binary):
            if e.op in ("and", "or"):
                return _combine(self.ease(e.left), self.ease(e.right))
            if e.op in ("<=", "<"):
                return _combine(self.sign(e.right), _neg(self.sign(e.left)))
            if e.op in (">=", ">"):
                return _combine(self.sign(e.left), _neg(self.sign(e.right)))
            return 0 if self.sign(e.left) == self.sign(e.right) == 0 else None
        if isinstance(e, n.Unary):
            if e.op == "not":
                return _neg(self.ease(e.operand))
            if e.op == "is empty":
                return _neg(self.sign(e.operand))
            return 0 if self.sign(e.operand) == 0 else None
        return 0 if self.sign(e) == 0 else None

    def requirement_ease(self, rule: n.Rule) -> Sign:
        """Return the ease of all of a rule's requirements together."""
        return _combine(*(self.ease(r) for r in rule.requires or ()))


def membership(rule: n.Rule, name: str) -> int:
    """Return +1 if ``name`` is only an allowed set (``x in name``), -1 if only a forbidden one."""
    signs: set[int] = set()
    for req in rule.requires or ():
        for node in n.walk(req):
            if (
                isinstance(node, n.Binary)
                and node.op in ("in", "not in")
                and isinstance(node.right, n.Name)
                and node.right.name == name
            ):
                signs.add(1 if node.op == "in" else -1)
    return signs.pop() if len(signs) == 1 else 0


@attrs.frozen
class Relaxation:
    """A value a within layer changed so that its base's requirement became easier."""

    what: str
    base_value: str
    child_value: str
    span: Any  # where the child changed it
    base_rule: n.Rule


def _value(lit: n.Expr) -> Any:
    if isinstance(lit, n.Quantity):
        return (lit.unit, lit.amount)
    if isinstance(lit, n.Number):
        return ("", lit.value)
    if isinstance(lit, n.ListLit):
        return frozenset(_value(i) for i in lit.items)
    if isinstance(lit, n.Name):
        return lit.name
    if isinstance(lit, n.String):
        return lit.value
    return None


def _show(lit: n.Expr) -> str:
    if isinstance(lit, n.Quantity):
        return f"{lit.amount} {lit.unit}"
    if isinstance(lit, n.Number):
        return str(lit.value)
    if isinstance(lit, n.ListLit):
        return "[" + ", ".join(_show(i) for i in lit.items) + "]"
    if isinstance(lit, n.Name):
        return lit.name
    return repr(_value(lit))


def _relaxes(ease: Sign, base: n.Expr, child: n.Expr, allowed_set: int) -> bool:
    b, c = _value(base), _value(child)
    if isinstance(b, frozenset) and isinstance(c, frozenset):
        if allowed_set > 0:
            return not c <= b
        if allowed_set < 0:
            return not b <= c
        return False
    if (
        isinstance(b, tuple)
        and isinstance(c, tuple)
        and b[0] == c[0]
        and ease in (1, -1)
        and b[1] != c[1]
    ):
        grows = c[1] > b[1]
        return grows if ease == 1 else not grows
    return False


def relaxed_params(
    base_rules: list[n.Rule], base_params: Mapping[str, n.Param], child: n.Policy
) -> Iterator[Relaxation]:
    """Yield the child's parameters that relax a base rule using them."""
    for param in child.params:
        base = base_params.get(param.name)
        if base is None:
            continue
        for rule in base_rules:
            if param.name not in n.names_in(rule):
                continue
            lets = {x.name: x.expr for x in rule.lets}
            ease = Analysis(param.name, lets).requirement_ease(rule)
            if _relaxes(ease, base.value, param.value, membership(rule, param.name)):
                yield Relaxation(
                    f"parameter '{param.name}'",
                    _show(base.value),
                    _show(param.value),
                    param.span,
                    rule,
                )
                break


def _pairs(
    a: n.Expr, b: n.Expr, path: tuple[int, ...] = ()
) -> Iterator[tuple[Any, Any, tuple[int, ...]]]:
    """Yield the differing leaves of two expressions of the same shape, with their position."""
    if type(a) is not type(b) or isinstance(a, n.Number | n.Quantity | n.Name | n.String):
        if a != b:
            yield a, b, path
        return
    kids_a, kids_b = _children(a), _children(b)
    if len(kids_a) != len(kids_b) or _label(a) != _label(b):
        yield a, b, path
        return
    for i, (x, y) in enumerate(zip(kids_a, kids_b, strict=True)):
        yield from _pairs(x, y, (*path, i))


def _children(e: n.Expr) -> tuple[n.Expr, ...]:
    if isinstance(e, n.Field):
        return (e.target,)
    if isinstance(e, n.Call | n.ListLit):
        return e.args if isinstance(e, n.Call) else e.items
    if isinstance(e, n.Binary):
        return (e.left, e.right)
    if isinstance(e, n.Unary):
        return (e.operand,)
    return ()


def _label(e: n.Expr) -> object:
    if isinstance(e, n.Field):
        return e.name
    if isinstance(e, n.Call):
        return e.function
    if isinstance(e, n.Binary | n.Unary):
        return e.op
    return None


def _replace(e: n.Expr, path: tuple[int, ...], new: n.Expr) -> n.Expr:
    if not path:
        return new
    kids = list(_children(e))
    kids[path[0]] = _replace(kids[path[0]], path[1:], new)
    if isinstance(e, n.Field):
        return attrs.evolve(e, target=kids[0])
    if isinstance(e, n.Call):
        return attrs.evolve(e, args=tuple(kids))
    if isinstance(e, n.ListLit):
        return attrs.evolve(e, items=tuple(kids))
    if isinstance(e, n.Binary):
        return attrs.evolve(e, left=kids[0], right=kids[1])
    if isinstance(e, n.Unary):
        return attrs.evolve(e, operand=kids[0])
    return e


def relaxed_overrides(
    base: n.Rule, override: n.Rule, params: Mapping[str, n.Param]
) -> Iterator[Relaxation]:
    """Yield the values an override changed in a let or requirement so that it got easier."""
    base_lets = {x.name: x.expr for x in base.lets}

    def resolve(leaf: Any) -> n.Expr | None:
        if isinstance(leaf, n.Name) and leaf.name in params:
            return params[leaf.name].value
        if isinstance(leaf, n.Quantity | n.Number | n.ListLit):
            return leaf
        return None

    def check(old: n.Expr, new: n.Expr, rebuild: Any, what: str, span: Any) -> Iterator[Relaxation]:
        for a, b, path in _pairs(old, new):
            va, vb = resolve(a), resolve(b)
            if va is None or vb is None:
                continue
            probe = _replace(old, path, n.Name(HOLE, span))
            ease = rebuild(probe)
            if _relaxes(ease, va, vb, 0):
                yield Relaxation(what, _show(va), _show(vb), span, base)

    for let in override.lets:
        if let.name not in base_lets:
            continue

        def with_let(probe: n.Expr, name: str = let.name) -> Sign:
            analysis = Analysis(HOLE, {**base_lets, name: probe})
            return analysis.requirement_ease(base)

        yield from check(base_lets[let.name], let.expr, with_let, f"'{let.name}'", let.span)
    if (
        override.requires is not None
        and base.requires is not None
        and len(override.requires) == len(base.requires)
    ):
        for old, new in zip(base.requires, override.requires, strict=True):
            yield from check(
                old,
                new,
                lambda probe: Analysis(HOLE, base_lets).ease(probe),
                "the requirement",
                new.span,
            )
