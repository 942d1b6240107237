"""Compile rule expressions into Python closures, once per resolved version.

Evaluation is three-valued: an expression that needs an absent fact yields ``Missing``
naming the fact's path; ``and``/``or`` follow Kleene's logic so that a definite answer
wins over an unknown one, and a rule whose requirement stays unknown is undetermined.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from govrules import nodes as n
from govrules.facts import field_at
from govrules.functions import FUNCTIONS, shift
from govrules.values import Duration, Missing, Text

Env = dict[str, Any]
Fn = Callable[[Env], Any]

# Names bound for every subject; subject roots are bound only for their own kind.
GLOBAL_ROOTS = ("unit", "period", "accounts", "website", "objections", "disclosures")
SUBJECT_ROOTS = {
    "unit": (),
    "account": ("account",),
    "event": ("account", "event"),
    "website": (),
    "offline": ("offline",),
    "column": ("column",),
    "objection": ("objection",),
    "disclosure": ("disclosure",),
}
# Where each subject root lies in the facts vocabulary.
FACT_PATHS = {
    "account": ("accounts",),
    "event": ("accounts", "events"),
    "offline": ("website", "offline"),
    "column": ("website", "columns"),
    "objection": ("objections",),
    "disclosure": ("disclosures",),
}
PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\}")


# A binding the evaluation never reached (e.g. a let after an unmet condition), as explanations
# that mention it print it.
NOT_COMPUTED = Missing(frozenset())


class EvaluationError(Exception):
    """A value of the wrong kind met an operator; checks should have caught it."""


@attrs.frozen
class Compiled:
    """A version's rule as closures: governing date, conditions, bindings, requirements."""

    governing: Fn | None
    when: tuple[Fn, ...]
    lets: tuple[tuple[str, Fn], ...]
    requires: tuple[Fn, ...]
    explain: tuple[str | Fn, ...]
    placeholders: tuple[tuple[str, Fn], ...]


def literal_value(lit: n.Expr) -> Any:
    """Return the runtime value of a literal (params are literals)."""
    if isinstance(lit, n.Quantity):
        return Duration(lit.amount, lit.unit)
    if isinstance(lit, n.Number | n.Bool | n.String | n.DateLit):
        return lit.value
    if isinstance(lit, n.Name):
        return lit.name
    if isinstance(lit, n.ListLit):
        return tuple(literal_value(i) for i in lit.items)
    raise EvaluationError(f"not a literal: {lit!r}")


def _chain(expr: n.Expr) -> tuple[str, tuple[str, ...]] | None:
    keys: list[str] = []
    while isinstance(expr, n.Field):
        keys.append(expr.name)
        expr = expr.target
    if isinstance(expr, n.Name):
        return expr.name, tuple(reversed(keys))
    return None


def _project(value: Any, key: str, path: str = "…") -> Any:
    """Return ``key`` of every item of a list; an item without it makes the list Missing.

    ``path`` is the list's fact path, so that the missing fact is named
    (``accounts[1].platform``): dropping the item silently would answer another question.
    """
    out: list[Any] = []
    missing: list[str] = []
    for i, item in enumerate(value):
        if type(item) is dict or isinstance(item, dict):
            # Validated facts are plain dicts: the usual item.
            if key in item:
                out.append(item[key])
            else:
                missing.append(f"{path}[{i}].{key}")
        elif isinstance(item, tuple):
            for j, x in enumerate(item):
                if isinstance(x, dict) and key in x:
                    out.append(x[key])
                else:
                    missing.append(f"{path}[{i}][{j}].{key}")
    if missing:
        return Missing(frozenset(missing))
    return tuple(out)


def _either(a: Any, b: Any) -> Missing:
    """Return the Missing naming the paths of whichever of ``a`` and ``b`` is Missing.

    The common case has one Missing operand, whose paths already are the union: return it
    rather than building an equal one (Missing is a value, compared by its paths).
    """
    if not isinstance(b, Missing):
        return a  # type: ignore[no-any-return]
    if not isinstance(a, Missing):
        return b
    return Missing.union((a, b))


def _lookup_one(root: str, key: str, suffix: str) -> Fn:
    """Return a closure reading ``root.key``, the most common path, without the general loop."""
    where = "@" + root

    def get(env: Env) -> Any:
        value = env.get(root, NOT_COMPUTED)
        if type(value) is dict:
            if key in value:
                return value[key]
            return Missing(frozenset((env[where] + suffix,)))
        if isinstance(value, Missing):
            return value
        if type(value) is tuple:
            return _project(value, key, env[where])
        raise EvaluationError(f"{env[where]}{suffix}: not an object")

    return get


def _truth(value: Any) -> bool | Missing:
    if isinstance(value, Missing):
        return value
    if isinstance(value, bool):
        return value
    raise EvaluationError(f"expected true or false, found {value!r}")


class Compiler:
    """Turns the expressions of one version into closures over an environment."""

    def __init__(self, params: Mapping[str, n.Literal], roots: tuple[str, ...]) -> None:
        self.params = {k: literal_value(v) for k, v in params.items()}
        self.bound: set[str] = {*GLOBAL_ROOTS, "on", "in_force_from", *roots}

    def rule(self, rule: n.Rule) -> Compiled:
        """Return the closures for a fully merged rule."""
        governing = self.expr(rule.governing) if rule.governing is not None else None
        when = tuple(self.expr(e) for e in rule.when or ())
        lets = []
        for let in rule.lets:
            lets.append((let.name, self.expr(let.expr)))
            self.bound.add(let.name)
        requires = tuple(self.expr(e) for e in rule.requires or ())
        parts: list[str | Fn] = []
        placeholders: list[tuple[str, Fn]] = []
        template = rule.explain.value if rule.explain else ""
        pos = 0
        for m in PLACEHOLDER.finditer(template):
            parts.append(template[pos : m.start()])
            fn = self.path_expr(m[1])
            parts.append(fn)
            placeholders.append((m[1], fn))
            pos = m.end()
        parts.append(template[pos:])
        return Compiled(governing, when, tuple(lets), requires, tuple(parts), tuple(placeholders))

    def path_expr(self, dotted: str) -> Fn:
        """Return a closure for a ``{name.field}`` placeholder of an explanation."""
        root, *keys = dotted.split(".")
        get = self.lookup(root, tuple(keys))
        field = field_at((*FACT_PATHS.get(root, (root,)), *keys)) if keys else None
        if field is None or field.kind != "str":
            return get

        def verbatim(env: Env) -> Any:
            # Free text (a name, a credited source) is shown as written, never translated
            # as if it were an enumeration value.
            value = get(env)
            return Text(value) if isinstance(value, str) else value

        return verbatim

    # expressions ----------------------------------------------------------------------
    def expr(self, e: n.Expr) -> Fn:
        """Return a closure computing ``e``."""
        if isinstance(e, n.Number | n.Quantity | n.String | n.DateLit | n.Bool):
            value = literal_value(e)
            return lambda env: value
        if isinstance(e, n.Name):
            return self.lookup(e.name, ())
        if isinstance(e, n.Field):
            chain = _chain(e)
            if chain is not None and (chain[0] in self.bound or chain[0] == "each"):
                return self.lookup(*chain)
            return self.field(self.expr(e.target), e.name)
        if isinstance(e, n.ListLit):
            items = tuple(self.expr(i) for i in e.items)
            return lambda env: tuple(f(env) for f in items)
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.Unary):
            return self.unary(e)
        return self.binary(e)

    def lookup(self, root: str, keys: tuple[str, ...]) -> Fn:
        """Return a closure reading ``root.keys…``; an absent key yields Missing with its path."""
        if root not in self.bound and root != "each":
            constant = self.params.get(root, root)
            if not keys:
                return lambda env: constant
            raise EvaluationError(f"'{root}' has no fields")
        suffixes = tuple("." + ".".join(keys[: i + 1]) for i in range(len(keys)))
        if len(keys) == 1:
            return _lookup_one(root, keys[0], suffixes[0])

        def get(env: Env) -> Any:
            value = env.get(root, NOT_COMPUTED)
            if isinstance(value, Missing):
                return value
            for i, key in enumerate(keys):
                if type(value) is dict:
                    if key in value:
                        value = value[key]
                    else:
                        return Missing(frozenset((env["@" + root] + suffixes[i],)))
                elif type(value) is tuple:
                    value = _project(value, key, env["@" + root] + (suffixes[i - 1] if i else ""))
                    if isinstance(value, Missing):
                        return value
                else:
                    raise EvaluationError(f"{env['@' + root]}{suffixes[i]}: not an object")
            return value

        if not keys:
            return lambda env: env.get(root, NOT_COMPUTED)
        return get

    def field(self, target: Fn, key: str) -> Fn:
        """Return a closure reading ``key`` of a computed value."""

        def get(env: Env) -> Any:
            value = target(env)
            if isinstance(value, Missing):
                return value
            if type(value) is tuple:
                return _project(value, key)
            if type(value) is dict:
                return value[key] if key in value else Missing(frozenset((f"…{key}",)))
            raise EvaluationError(f"'.{key}' of a value that is not an object")

        return get

    def call(self, e: n.Call) -> Fn:
        """Return a closure calling a built-in; any missing argument makes the result missing."""
        impl = FUNCTIONS[e.function].impl
        args = tuple(self.expr(a) for a in e.args)

        def run(env: Env) -> Any:
            values = [f(env) for f in args]
            for v in values:
                if isinstance(v, Missing):
                    missing = [w for w in values if isinstance(w, Missing)]
                    return missing[0] if len(missing) == 1 else Missing.union(missing)
            try:
                result = impl(env["$calendar"], *values)
            except (TypeError, ValueError, ArithmeticError) as err:
                raise EvaluationError(f"{e.function}(…): {err}") from None
            if result is None:
                return Missing(frozenset((f"{e.function}(…) of an empty list",)))
            return result

        return run

    def unary(self, e: n.Unary) -> Fn:
        """Return a closure for ``not`` and the ``is`` tests."""
        inner = self.expr(e.operand)
        if e.op == "not":

            def negate(env: Env) -> Any:
                v = _truth(inner(env))
                return v if isinstance(v, Missing) else not v

            return negate
        if e.op == "is missing":
            return lambda env: isinstance(inner(env), Missing)
        if e.op == "is present":
            return lambda env: not isinstance(inner(env), Missing)

        def empty(env: Env) -> Any:
            v = inner(env)
            return v if isinstance(v, Missing) else len(v) == 0

        return empty

    def binary(self, e: n.Binary) -> Fn:
        """Return a closure for a binary operator."""
        if e.op == "where":
            return self.where(e)
        left, right = self.expr(e.left), self.expr(e.right)
        op = e.op
        if op == "and":

            def and_(env: Env) -> Any:
                # Plain booleans skip _truth; anything else goes through it, in the same order.
                a = left(env)
                if a is False:
                    return False
                if a is not True:
                    a = _truth(a)
                b = right(env)
                if b is False:
                    return False
                if a is True and b is True:
                    return True
                return _either(a, _truth(b))

            return and_
        if op == "or":

            def or_(env: Env) -> Any:
                a = left(env)
                if a is True:
                    return True
                if a is not False:
                    a = _truth(a)
                b = right(env)
                if b is True:
                    return True
                if a is False and b is False:
                    return False
                return _either(a, _truth(b))

            return or_
        compare = _OPERATORS[op]
        shifts = op in ("+", "-")

        def apply(env: Env) -> Any:
            a, b = left(env), right(env)
            if isinstance(a, Missing) or isinstance(b, Missing):
                return _either(a, b)
            if shifts and isinstance(a, dt.date) and isinstance(b, Duration):
                try:
                    return shift(env["$calendar"], a, b, 1 if op == "+" else -1)
                except (ValueError, OverflowError) as err:
                    raise EvaluationError(f"{a} {op} {b}: {err}") from None
            try:
                return compare(a, b)
            except TypeError:
                raise EvaluationError(f"cannot apply '{op}' to {a!r} and {b!r}") from None

        return apply

    def where(self, e: n.Binary) -> Fn:
        """Return a closure filtering a collection; ``each`` names the item being tested."""
        collection = self.expr(e.left)
        chain = _chain(e.left)
        prefix: Fn
        if chain is not None and (chain[0] in self.bound or chain[0] == "each"):
            root, keys = chain
            tail = "".join("." + k for k in keys)
            prefix = lambda env: env.get("@" + root, root) + tail  # noqa: E731
        else:
            prefix = lambda env: "…"  # noqa: E731
        outer_each = "each" in self.bound
        self.bound.add("each")
        cond = self.expr(e.right)
        if not outer_each:
            self.bound.discard("each")

        def run(env: Env) -> Any:
            items = collection(env)
            if isinstance(items, Missing):
                return items
            base = prefix(env)
            saved = env.get("each"), env.get("@each")
            kept, unknown = [], []
            for i, item in enumerate(items):
                env["each"], env["@each"] = item, f"{base}[{i}]"
                verdict = cond(env)
                if verdict is True:
                    kept.append(item)
                elif verdict is not False:
                    unknown.append(_truth(verdict))
            env["each"], env["@each"] = saved
            if unknown:
                return Missing.union(unknown)
            return tuple(kept)

        return run


def _in(a: Any, b: Any) -> bool:
    return a in b


_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "in": _in,
    "not in": lambda a, b: a not in b,
}
