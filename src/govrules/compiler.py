"""Compile rule expressions into Python closures, once per resolved version.

Closures read a typed environment (``Env``); what an unknown value does is decided by
``govrules.logic`` alone. Definitions (``define``) compile once and run with their own
environment, so their parameters can never capture a caller's names; presumptions wrap the
fact reads they name and record, in the environment, every fact they stood in for.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import attrs

from govrules import logic
from govrules import nodes as n
from govrules.calendar import WorkdayCalendar
from govrules.facts import BINDING_PATHS, GLOBAL_ROOTS, field_at
from govrules.functions import FUNCTIONS, shift
from govrules.logic import LogicError, Partial, Range
from govrules.source import Span
from govrules.values import Duration, Missing, Text

EvaluationError = LogicError

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\}")

# A binding the evaluation never reached (e.g. a let after an unmet condition), as explanations
# that mention it print it.
NOT_COMPUTED = Missing(frozenset())

# What max or min of an empty list gives: unknown, naming no fact (supplying none would help).
EMPTY = Missing(frozenset())

# Names every rule may read besides the facts: the as-of date and its measure's start.
ENGINE_NAMES = ("on", "in_force_from")


class Env:
    """What a rule may read while it is judged for one subject.

    ``values`` holds the bound names (fact roots, the subject's items, lets, ``each``, a
    definition's parameters, ``on``); ``paths`` the fact path of each name that stands for a
    fact, so that a missing fact is named (``accounts[1].platform``); ``presumed`` collects
    the facts a presumption stood in for, with the value and reason; ``cache`` lives for one run.
    """

    __slots__ = ("cache", "calendar", "paths", "presumed", "values")

    def __init__(
        self,
        values: dict[str, Any],
        paths: dict[str, str],
        calendar: WorkdayCalendar,
        cache: dict[Any, Any] | None = None,
    ) -> None:
        self.values = values
        self.paths = paths
        self.calendar = calendar
        self.presumed: dict[str, tuple[Any, str]] = {}
        self.cache = {} if cache is None else cache

    def child(self, values: dict[str, Any], paths: dict[str, str]) -> Env:
        """Return an environment for a definition's body that records into this one."""
        env = Env(values, paths, self.calendar, self.cache)
        env.presumed = self.presumed
        return env

    def copy(self) -> Env:
        """Return a copy whose bindings can change without touching this one."""
        return Env(dict(self.values), dict(self.paths), self.calendar, self.cache)


Fn = Callable[[Env], Any]


@attrs.frozen
class CompiledExcept:
    """An exception as closures: the claim, and what replaces the requirement when claimed."""

    node: n.Except
    claim: Fn
    require: Fn | None
    due: Fn | None


@attrs.frozen
class Compiled:
    """A version's rule as closures: governing date, conditions, bindings, requirements."""

    governing: Fn | None
    when: tuple[Fn, ...]
    lets: tuple[tuple[str, Fn], ...]
    requires: tuple[Fn, ...]
    due: Fn | None
    exceptions: tuple[CompiledExcept, ...]
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


def chain(expr: n.Expr) -> tuple[str, tuple[str, ...]] | None:
    """Return (root name, keys) of ``root.key.key…``, or None for any other expression."""
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
    if isinstance(value, Partial):
        known, maybe = _project(value.known, key, path), _project(value.maybe, key, path)
        if isinstance(known, Missing) or isinstance(maybe, Missing):
            return logic.unknown(known, maybe)
        return Partial(known, maybe, value.missing)
    out: list[Any] = []
    missing: list[str] = []
    for i, item in enumerate(value):
        if type(item) is dict:
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
        else:
            raise EvaluationError(f"{path}[{i}]: not an object")
    if missing:
        return Missing(frozenset(missing))
    return tuple(out)


def _read(value: Any, keys: tuple[str, ...], path: str) -> Any:
    """Return ``value.keys…``; an absent key gives Missing naming its full path."""
    for key in keys:
        if isinstance(value, Missing):
            return value
        if type(value) is dict:
            if key not in value:
                return Missing(frozenset((f"{path}.{key}",)))
            value = value[key]
        elif type(value) is tuple or isinstance(value, Partial):
            value = _project(value, key, path)
        else:
            raise EvaluationError(f"{path}.{key}: not an object")
        path = f"{path}.{key}"
    return value


class Compiler:
    """Turns the expressions of one version into closures over an environment."""

    def __init__(
        self,
        params: Mapping[str, n.Literal],
        roots: Sequence[str],
        definitions: Mapping[str, n.Define] | None = None,
        presumptions: Sequence[n.Presume] = (),
    ) -> None:
        self.params = {k: literal_value(v) for k, v in params.items()}
        self.bound: set[str] = {*GLOBAL_ROOTS, *ENGINE_NAMES, *roots}
        self.definitions = definitions or {}
        self.presumptions = {p.target: p for p in presumptions if p.target is not None}
        self._defined: dict[str, tuple[tuple[str, ...], Fn]] = {}

    def rule(self, rule: n.Rule) -> Compiled:
        """Return the closures for a fully merged rule."""
        governing = self.expr(rule.governing) if rule.governing is not None else None
        when = tuple(self.expr(e) for e in rule.when or ())
        lets = []
        for let in rule.lets:
            lets.append((let.name, self.expr(let.expr)))
            self.bound.add(let.name)
        requires = tuple(self.expr(e) for e in rule.requires or ())
        due = self.expr(rule.due) if rule.due is not None else None
        exceptions = tuple(
            CompiledExcept(
                x,
                self.expr(x.claim),
                self.expr(x.require) if x.require is not None else None,
                self.expr(x.due) if x.due is not None else None,
            )
            for x in rule.exceptions or ()
        )
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
        return Compiled(
            governing,
            when,
            tuple(lets),
            requires,
            due,
            exceptions,
            tuple(parts),
            tuple(placeholders),
        )

    def path_expr(self, dotted: str) -> Fn:
        """Return a closure for a ``{name.field}`` placeholder of an explanation."""
        get = self.expr(placeholder_node(dotted))
        if not placeholder_is_text(dotted):
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
            return self.field_expr(e)
        if isinstance(e, n.ListLit):
            items = tuple(self.expr(i) for i in e.items)

            def listed(env: Env) -> Any:
                values = tuple(f(env) for f in items)
                unsure = [v for v in values if isinstance(v, Missing | Partial | Range)]
                if unsure:
                    # A list written with an unknown member is unknown as a whole: what it
                    # feeds (min, max, membership) cannot be computed from part of it.
                    return _unknown_operand(*unsure)
                return values

            return listed
        if isinstance(e, n.Call):
            return self.call(e)
        if isinstance(e, n.Unary):
            return self.unary(e)
        if isinstance(e, n.Presumed):
            return self.presumed(
                self.expr(e.fact),
                self.expr(e.value),
                e.reason,
                self.expr(e.when) if e.when is not None else None,
            )
        return self.binary(e)

    def field_expr(self, e: n.Field) -> Fn:
        """Return a closure reading a fact path, through any presumption that covers it."""
        found = chain(e)
        if found is not None and (found[0] in self.bound or found[0] == "each"):
            root, keys = found
            presumption = self.presumptions.get((root, keys[0]))
            if presumption is None:
                return self.lookup(root, keys)
            head = self.presumed(
                self.lookup(root, keys[:1]),
                self.presumed_value(root, presumption),
                presumption.reason,
                self.expr(presumption.when) if presumption.when is not None else None,
            )
            if len(keys) == 1:
                return head
            rest, where = keys[1:], f".{keys[0]}"

            def deeper(env: Env) -> Any:
                return _read(head(env), rest, env.paths.get(root, root) + where)

            return deeper
        target = self.expr(e.target)
        key = e.name

        def get(env: Env) -> Any:
            value = target(env)
            if isinstance(value, Missing):
                return value
            if type(value) is tuple or isinstance(value, Partial):
                return _project(value, key)
            if type(value) is dict:
                return value[key] if key in value else Missing(frozenset((f"…{key}",)))
            raise EvaluationError(f"'.{key}' of a value that is not an object")

        return get

    def presumed_value(self, root: str, presumption: n.Presume) -> Fn:
        """Return a closure for a presumed value; a bare enumeration value is itself.

        ``presume account.opened_by = unit``: ``unit`` is a value of opened_by here, not
        the unit's facts, just as in a comparison with an enumerated fact.
        """
        value = presumption.value
        target = presumption.target
        if isinstance(value, n.Name) and target is not None:
            path = BINDING_PATHS.get(target[0])
            field = field_at((*path, target[1])) if path is not None else None
            if field is not None and value.name in field.values:
                constant = value.name
                return lambda env: constant
        return self.expr(value)

    @staticmethod
    def presumed(fact: Fn, value: Fn, reason: str, when: Fn | None = None) -> Fn:
        """Return a closure that reads ``fact`` and, when it is absent, presumes ``value``.

        With ``when``, the presumption holds only where that is true; elsewhere the fact
        stays unknown.
        """

        def read(env: Env) -> Any:
            got = fact(env)
            if not isinstance(got, Missing) or not got.paths:
                return got
            if when is not None:
                holds = when(env)
                if holds is not True:
                    return logic.unknown(got, holds if isinstance(holds, Missing) else None)
            instead = value(env)
            if isinstance(instead, Missing):
                return logic.unknown(got, instead)
            for path in got.paths:
                env.presumed[path] = (instead, reason)
            return instead

        return read

    def lookup(self, root: str, keys: tuple[str, ...]) -> Fn:
        """Return a closure reading ``root.keys…``; an absent key yields Missing with its path."""
        if root not in self.bound and root != "each":
            constant = self.params.get(root, root)
            if not keys:
                return lambda env: constant
            raise EvaluationError(f"'{root}' has no fields")
        if not keys:
            return lambda env: env.values.get(root, NOT_COMPUTED)
        if len(keys) == 1:
            key = keys[0]

            def one(env: Env) -> Any:
                value = env.values.get(root, NOT_COMPUTED)
                if type(value) is dict:
                    if key in value:
                        return value[key]
                    return Missing(frozenset((f"{env.paths.get(root, root)}.{key}",)))
                return _read(value, keys, env.paths.get(root, root))

            return one
        return lambda env: _read(
            env.values.get(root, NOT_COMPUTED), keys, env.paths.get(root, root)
        )

    def call(self, e: n.Call) -> Fn:
        """Return a closure calling a built-in or a definition."""
        if e.function in self.definitions:
            return self.call_definition(e)
        fn = FUNCTIONS[e.function]
        args = tuple(self.expr(a) for a in e.args)
        if e.function == "first_known":
            return _first_known(args)
        if e.function == "claimed":
            (claim,) = args
            return lambda env: claim(env) is True
        impl = fn.impl
        name = e.function

        def run(env: Env) -> Any:
            values = [f(env) for f in args]
            unsure = [v for v in values if isinstance(v, Missing | Partial | Range)]
            if unsure:
                return _call_unsure(fn, env.calendar, values, unsure)
            try:
                result = impl(env.calendar, *values)
            except (TypeError, ValueError, ArithmeticError) as err:
                raise EvaluationError(f"{name}(…): {err}") from None
            if result is None:
                # The extreme of an empty list: no value, but no fact is missing either.
                return EMPTY
            return result

        return run

    def call_definition(self, e: n.Call) -> Fn:
        """Return a closure running a definition with its own environment."""
        params, body = self.definition(e.function)
        args = tuple(self.expr(a) for a in e.args)
        sources = tuple(chain(a) for a in e.args)

        def run(env: Env) -> Any:
            values: dict[str, Any] = {}
            paths: dict[str, str] = {}
            for name, arg, source in zip(params, args, sources, strict=True):
                values[name] = arg(env)
                if source is not None:
                    root, keys = source
                    paths[name] = env.paths.get(root, root) + "".join("." + k for k in keys)
            return body(env.child(values, paths))

        return run

    def definition(self, name: str) -> tuple[tuple[str, ...], Fn]:
        """Return a definition's parameters and its body compiled once."""
        if name not in self._defined:
            d = self.definitions[name]
            inner = Compiler({}, d.params, self.definitions, d.presumes)
            inner.bound = {*d.params, *ENGINE_NAMES}
            assert d.value is not None  # the checks require a value
            self._defined[name] = (d.params, inner.expr(d.value))
        return self._defined[name]

    def unary(self, e: n.Unary) -> Fn:
        """Return a closure for ``not`` and the ``is`` tests."""
        inner = self.expr(e.operand)
        if e.op == "not":
            return lambda env: logic.not_(inner(env))
        if e.op == "is missing":
            return lambda env: isinstance(inner(env), Missing)
        if e.op == "is present":
            return lambda env: not isinstance(inner(env), Missing)
        return lambda env: logic.is_empty(inner(env))

    def binary(self, e: n.Binary) -> Fn:
        """Return a closure for a binary operator."""
        if e.op == "where":
            return self.where(e)
        left, right = self.expr(e.left), self.expr(e.right)
        op = e.op
        if op == "and":

            def and_(env: Env) -> Any:
                a = left(env)
                if a is False:
                    return False
                return logic.and_(a, right(env))

            return and_
        if op == "or":

            def or_(env: Env) -> Any:
                a = left(env)
                if a is True:
                    return True
                return logic.or_(a, right(env))

            return or_
        if op in ("in", "not in"):
            negate = op == "not in"

            def member(env: Env) -> Any:
                found = logic.member(left(env), right(env))
                return logic.not_(found) if negate else found

            return member
        if op in ("+", "-"):
            sign = 1 if op == "+" else -1

            def arithmetic(env: Env) -> Any:
                a, b = left(env), right(env)
                if isinstance(a, Missing | Range | Partial) or isinstance(
                    b, Missing | Range | Partial
                ):
                    return _unknown_operand(a, b)
                if isinstance(a, dt.date) and isinstance(b, Duration):
                    try:
                        return shift(env.calendar, a, b, sign)
                    except (ValueError, OverflowError) as err:
                        raise EvaluationError(f"{a} {op} {b}: {err}") from None
                try:
                    return a + b if sign == 1 else a - b
                except TypeError:
                    raise EvaluationError(f"cannot apply '{op}' to {a!r} and {b!r}") from None

            return arithmetic

        def comparison(env: Env) -> Any:
            return logic.compare(op, left(env), right(env))

        return comparison

    def where(self, e: n.Binary) -> Fn:
        """Return a closure filtering a collection; ``each`` names the item being tested.

        Items whose condition is unknown are kept as possible members (a Partial list),
        so that what follows can still be decided when they cannot change it.
        """
        collection = self.expr(e.left)
        found = chain(e.left)
        prefix: Callable[[Env], str]
        if found is not None and (found[0] in self.bound or found[0] == "each"):
            root, keys = found
            tail = "".join("." + k for k in keys)
            prefix = lambda env: env.paths.get(root, root) + tail  # noqa: E731
        else:
            prefix = lambda env: "…"  # noqa: E731
        outer_each = "each" in self.bound
        self.bound.add("each")
        cond = self.expr(e.right)
        keyed = self._equality_key(e) if not outer_each else None
        if not outer_each:
            self.bound.discard("each")

        def scan(env: Env, items: Any, base: str, candidates: Any = None) -> Any:
            values, paths = env.values, env.paths
            saved = values.get("each"), paths.get("each")
            uncertain = items.maybe if isinstance(items, Partial) else ()
            certain = items.known if isinstance(items, Partial) else items
            kept: list[Any] = []
            maybe: list[Any] = []
            why: list[Missing] = [items.missing] if isinstance(items, Partial) else []
            everything = (*certain, *uncertain)
            for i in range(len(everything)) if candidates is None else candidates:
                item = everything[i]
                values["each"], paths["each"] = item, f"{base}[{i}]"
                verdict = logic.truth(cond(env))
                if verdict is True:
                    (kept if i < len(certain) else maybe).append(item)
                elif verdict is not False:
                    maybe.append(item)
                    why.append(verdict)
            values["each"] = saved[0]
            if saved[1] is None:
                paths.pop("each", None)
            else:
                paths["each"] = saved[1]
            return logic.partial(kept, maybe, why)

        if keyed is None:

            def run(env: Env) -> Any:
                items = collection(env)
                if isinstance(items, Missing):
                    return items
                return scan(env, items, prefix(env))

            return run

        item_key, wanted = keyed
        node_id = object()  # this compiled filter, whatever rule or layer shares its node
        # When nothing in the filter but the wanted key depends on the subject, its result
        # depends on the key alone: one filter per key and run, not one per subject.
        memo = self._subject_free(e)

        def indexed(env: Env) -> Any:
            # `accounts where each.platform == account.platform` for every account would cost
            # N² item tests: group the items by the key once per run, then test only the
            # items whose key matches (or is unknown) against the whole condition.
            items = collection(env)
            if isinstance(items, (Missing, Partial)):
                return items if isinstance(items, Missing) else scan(env, items, prefix(env))
            key = wanted(env)
            if isinstance(key, Missing | Partial | Range) or not _hashable(key):
                return scan(env, items, prefix(env))
            groups = env.cache.get(node_id)
            if groups is None or groups[0] is not items:
                groups = (items, _group(env, items, item_key))
                env.cache[node_id] = groups
            by_key, unsure = groups[1]
            candidates = sorted((*by_key.get(key, ()), *unsure))
            if not memo:
                return scan(env, items, prefix(env), candidates)
            slot = (node_id, key, env.values.get("in_force_from"))
            found = env.cache.get(slot)
            if found is not None:
                # The presumptions the filter made hold for every subject that reuses it.
                env.presumed.update(found[1])
                return found[0]
            saved, env.presumed = env.presumed, {}
            try:
                result = scan(env, items, prefix(env), candidates)
                recorded = env.presumed
            finally:
                env.presumed = saved
            saved.update(recorded)
            env.cache[slot] = (result, recorded)
            return result

        return indexed

    def _subject_free(self, e: n.Binary) -> bool:
        return subject_free(e, self.bound)

    def _equality_key(self, e: n.Binary) -> tuple[Fn, Fn] | None:
        found = equality_key(e)
        return None if found is None else (self.expr(found[0]), self.expr(found[1]))


def equality_key(e: n.Binary) -> tuple[n.Expr, n.Expr] | None:
    """Return (key of an item, key wanted) when a filter starts ``each.f == x and …``.

    Only for a collection and a wanted key that do not depend on ``each``: then the items
    can be grouped by ``each.f`` once and looked up for every subject.
    """
    test = e.right
    while isinstance(test, n.Binary) and test.op == "and":
        test = test.left
    if not (isinstance(test, n.Binary) and test.op == "=="):
        return None
    mine, other = test.left, test.right
    found = chain(mine)
    if found is None or found[0] != "each" or not found[1]:
        mine, other = other, mine
        found = chain(mine)
    if found is None or found[0] != "each" or not found[1]:
        return None
    if any(isinstance(x, n.Name) and x.name == "each" for x in n.walk(other)):
        return None
    if any(isinstance(x, n.Name) and x.name == "each" for x in n.walk(e.left)):
        return None
    return mine, other


def subject_free(e: n.Binary, bound: Collection[str]) -> bool:
    """Return whether a keyed filter reads nothing of the subject besides its wanted key.

    ``bound`` are the names bound where the filter is read; the facts' roots, the engine's
    names and ``each`` are the same for every subject.
    """
    test = e.right
    while isinstance(test, n.Binary) and test.op == "and":
        test = test.left
    assert isinstance(test, n.Binary)
    wanted = {id(x) for side in (test.left, test.right) for x in n.walk(side)}
    shared = {*GLOBAL_ROOTS, *ENGINE_NAMES, "each"}
    for node in (*n.walk(e.left), *n.walk(e.right)):
        if id(node) in wanted:
            continue
        if isinstance(node, n.Name) and node.name in bound and node.name not in shared:
            return False
    return True


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _group(env: Env, items: Any, key: Fn) -> tuple[dict[Any, list[int]], tuple[int, ...]]:
    """Return the item positions by key, and the positions whose key is unknown."""
    values = env.values
    saved = values.get("each")
    by_key: dict[Any, list[int]] = {}
    unsure: list[int] = []
    for i, item in enumerate(items):
        values["each"] = item
        k = key(env)
        if isinstance(k, Missing | Partial | Range) or not _hashable(k):
            unsure.append(i)
        else:
            by_key.setdefault(k, []).append(i)
    values["each"] = saved
    return by_key, tuple(unsure)


# Placeholders of an explanation are compiled as expressions; they have no span of their own.
_NOWHERE = Span("<explain>", 1, 1, 1, 1)


def placeholder_node(dotted: str) -> n.Expr:
    """Return the expression an explanation's ``{name.field}`` reads."""
    root, *keys = dotted.split(".")
    node: n.Expr = n.Name(root, _NOWHERE)
    for key in keys:
        node = n.Field(node, key, _NOWHERE)
    return node


def placeholder_is_text(dotted: str) -> bool:
    """Return whether ``{name.field}`` reads free text (a name, a credited source), shown
    as written and never translated as if it were an enumeration value."""
    root, *keys = dotted.split(".")
    field = field_at((*BINDING_PATHS.get(root, (root,)), *keys)) if keys else None
    return field is not None and field.kind == "str"


def _unknown_operand(*values: Any) -> Missing:
    """Return the unknown that operands bring: ranges and partial lists too."""
    return logic.unknown(
        *(
            x if isinstance(x, Missing) else x.missing
            for x in values
            if isinstance(x, Missing | Range | Partial)
        )
    )


def _call_unsure(fn: Any, cal: WorkdayCalendar, values: list[Any], unsure: list[Any]) -> Any:
    """Return a built-in's result when some arguments are unknown or only partly known."""
    missing = [v for v in unsure if isinstance(v, Missing)]
    if missing:
        return logic.unknown(*missing)
    flexible = fn.monotone_lists(len(values))
    if any(isinstance(v, Range) for v in values) or any(
        isinstance(v, Partial) and i not in flexible for i, v in enumerate(values)
    ):
        return logic.unknown(*(v.missing for v in unsure))

    def apply(*args: Any) -> Any:
        return fn.impl(cal, *args)

    result = logic.monotone_bounds(apply, values, flexible)
    if result is None:
        return logic.unknown(*(v.missing for v in unsure))
    return result


def _first_known(args: tuple[Fn, ...]) -> Fn:
    """Return a closure giving the first argument that is known (given or computed)."""

    def run(env: Env) -> Any:
        unknowns: list[Missing] = []
        for arg in args:
            value = arg(env)
            if isinstance(value, Missing):
                unknowns.append(value)
            elif isinstance(value, Range | Partial):
                unknowns.append(value.missing)
            elif value is not None:
                return value
        return logic.unknown(*unknowns)

    return run
