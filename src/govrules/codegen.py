"""Generate Python source from checked rules: the fast path of evaluation.

The closures of ``compiler.py`` carry every value through the three-valued logic, which costs
a call and a type test per node for every subject. Most facts are complete, so each rule
version is also written out as one Python function that computes with plain values and
gives up as soon as it cannot be sure to agree with the closures: it raises ``Slow``, and
``fast.py`` judges that subject with the closures instead. An undetermined verdict is
decided here too; the facts it misses are named by the closures when first read.

The contract of a generated expression: it yields exactly the value the closure would give,
or raises ``Unknown`` when the closure's value would be ``Missing``, or raises ``Slow``
(or any other exception) when it would be anything else it does not model — a partly known
list, a range, an error. ``Unknown`` is caught only where the logic lets a known value
absorb an unknown one (``and``, ``or``, ``is missing``, ``first_known``, ``claimed``, an
exception's claim, a definition's argument, a ``let``), in the closures' order of
evaluation, so that the presumptions recorded along the way are the same.

Policies are data: the source holds only names the generator makes up (``_v12``, ``_c3``)
and integers. Every value a policy wrote — strings, fact names, dates, durations, reasons —
reaches the code through the table of constants, never as source text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from govrules import nodes as n
from govrules.compiler import (
    ENGINE_NAMES,
    chain,
    equality_key,
    literal_value,
    placeholder_node,
    subject_free,
)
from govrules.facts import GLOBAL_ROOTS
from govrules.functions import FUNCTIONS, shift
from govrules.values import Duration
from govrules.verdicts import Outcome


class Slow(Exception):
    """The generated code cannot be sure to agree with the closures: judge with them."""


class Unknown(Exception):
    """The value being computed would be Missing (internal to generated code)."""


class Unsupported(Exception):
    """A construct the generator does not write out: the rule is judged by closures only."""


ABSENT: Any = type("Absent", (), {"__repr__": lambda self: "ABSENT", "__slots__": ()})()
UNK: Any = type("Unk", (), {"__repr__": lambda self: "UNK", "__slots__": ()})()

# What a version function returns first: the outcome, coded (fast._OUTCOMES reads them).
# The last two leave the missing facts to the closures, which name them when read.
COMPLIANT, VIOLATION, NOT_APPLICABLE, PENDING, UNDETERMINED, PENDING_OPEN = range(6)


def _get(value: Any, key: str) -> Any:
    """Return ``value.key`` as the closures' ``_read`` does, or raise Unknown or Slow."""
    if type(value) is dict:
        found = value.get(key, ABSENT)
        if found is ABSENT:
            raise Unknown
        return found
    if value is ABSENT or value is UNK:
        raise Unknown
    if type(value) is tuple:
        return _project(value, key)
    raise Slow


def _get_cached(value: Any, key: str, cache: dict[Any, Any]) -> Any:
    """Return ``value.key``; a long list's projection is kept for the rest of the run.

    Rules read ``account.posts.date`` again and again; the list is the same object for the
    whole run (the validated facts hold it), which the entry checks by identity.
    """
    if type(value) is tuple and len(value) > 8:
        slot = (id(value), key)
        found = cache.get(slot)
        if found is not None and found[0] is value:
            return found[1]
        result = _project(value, key)
        cache[slot] = (value, result)
        return result
    return _get(value, key)


def _project(items: tuple[Any, ...], key: str) -> tuple[Any, ...]:
    """Return ``key`` of every item; an item without it makes the list unknown."""
    try:
        return tuple([item[key] for item in items])
    except (KeyError, TypeError, IndexError):
        pass  # an item without the key, or not an object: look at each
    out = []
    for item in items:
        if type(item) is dict:
            found = item.get(key, ABSENT)
            if found is ABSENT:
                raise Unknown
            out.append(found)
        elif type(item) is tuple:
            for x in item:
                if type(x) is not dict or key not in x:
                    raise Unknown
                out.append(x[key])
        else:
            raise Slow
    return tuple(out)


def _arith(cal: Any, a: Any, b: Any, sign: int) -> Any:
    if isinstance(a, dt.date) and isinstance(b, Duration):
        return shift(cal, a, b, sign)
    return a + b if sign == 1 else a - b


def _and(a: Any, b: Any) -> bool:
    """Kleene's and of two evaluated operands (``a`` is not False); UNK is unknown."""
    if a is not True and a is not UNK:
        raise Slow  # logic.and_ fails on a value that is not true or false, whatever ``b`` is
    if b is False:
        return False
    if a is True and b is True:
        return True
    if b is True or b is UNK:
        raise Unknown
    raise Slow


def _or(a: Any, b: Any) -> bool:
    """Kleene's or of two evaluated operands (``a`` is not True); UNK is unknown."""
    if a is not False and a is not UNK:
        raise Slow  # logic.or_ fails on a value that is not true or false, whatever ``b`` is
    if b is True:
        return True
    if a is False and b is False:
        return False
    if b is False or b is UNK:
        raise Unknown
    raise Slow


def _not(a: Any) -> bool:
    if a is True:
        return False
    if a is False:
        return True
    raise Slow


# Subjects' paths as the closures spell them, made once: a run lists every account and
# event, and joining the pieces costs more than judging a small rule.
_SPELT = 256
_ACCOUNT_PATHS = tuple(f"accounts[{i}]" for i in range(_SPELT))
_EVENT_PIECES = tuple(f".events[{j}]" for j in range(_SPELT))


def _accounts(get: Callable[..., Any]) -> list[tuple[str, Any, tuple[str], tuple[Any]]]:
    """Return each account with its path, its paths as a subject and its items bound."""
    # A plain loop: for the one or two accounts of most units, cheaper than a comprehension.
    out = []
    for i, a in enumerate(get("accounts") or ()):
        s = _ACCOUNT_PATHS[i] if i < _SPELT else f"accounts[{i}]"
        out.append((s, a, (s,), (a,)))
    return out


def _accounts_events(
    get: Callable[..., Any],
) -> tuple[
    list[tuple[str, Any, tuple[str], tuple[Any]]],
    list[tuple[str, Any, Any, tuple[str, str], tuple[Any, Any]]],
]:
    """Return ``_accounts`` and each event of each account, listed alike."""
    accounts = []
    events = []
    for i, a in enumerate(get("accounts") or ()):
        sa = _ACCOUNT_PATHS[i] if i < _SPELT else f"accounts[{i}]"
        accounts.append((sa, a, (sa,), (a,)))
        listed = a.get("events") if type(a) is dict else None
        if listed:
            for j, e in enumerate(listed):
                s = sa + (_EVENT_PIECES[j] if j < _SPELT else f".events[{j}]")
                events.append((s, a, e, (sa, s), (a, e)))
    return accounts, events


RUNTIME: dict[str, Any] = {
    "_A": ABSENT,
    "_K": UNK,
    "_U": Unknown,
    "_S": Slow,
    "_get": _get,
    "_getc": _get_cached,
    "_arith": _arith,
    "_and": _and,
    "_or": _or,
    "_not": _not,
    "_date": dt.date,
    "_accounts": _accounts,
    "_accounts_events": _accounts_events,
    "__builtins__": {
        "tuple": tuple,
        "len": len,
        "enumerate": enumerate,
        "str": str,
        "type": type,
        "dict": dict,
        "isinstance": isinstance,
        "None": None,
        "sorted": sorted,
        "Exception": Exception,
        "KeyError": KeyError,
        "TypeError": TypeError,
        "IndexError": IndexError,
    },
}

_COMPARE = ("<=", ">=", "<", ">", "==", "!=")


def _typed(value: Any) -> Any:
    """Return a key telling constants apart that Python finds equal: ``(1,)`` and ``(True,)``."""
    if type(value) is tuple:
        return (tuple, tuple(_typed(x) for x in value))
    return (type(value), value)


class _Scope:
    """What a name means where it is read: a variable of the generated code, or a constant."""

    def __init__(
        self,
        names: dict[str, tuple[str, str | None, bool]],
        params: Mapping[str, Any],
        presumptions: Mapping[tuple[str, str], n.Presume],
        definition: bool,
    ) -> None:
        # name -> (variable, variable holding its fact path or None, may hold UNK / ABSENT)
        self.names = names
        self.params = params
        self.presumptions = presumptions
        self.definition = definition


class Generator:
    """Writes the functions of one rule set into one module's source."""

    def __init__(self, definitions: Mapping[str, n.Define]) -> None:
        self.lines: list[str] = []
        self.depth = 0
        self.consts: list[Any] = []
        self._const_ids: dict[Any, str] = {}
        self.counter = 0
        self.definitions = definitions
        self._defined: dict[str, tuple[str, bool]] = {}  # name -> (function, takes paths)
        self._recording: dict[str, bool] = {}
        self._pending_defs: list[str] = []
        self.unsupported: list[str] = []
        self.functions: list[str] = []
        self.records: set[str] = set()  # the functions that may record a presumption

    # plumbing -------------------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append("    " * self.depth + text)

    @contextmanager
    def block(self, head: str) -> Iterator[None]:
        self.line(head)
        self.depth += 1
        start = len(self.lines)
        yield
        if len(self.lines) == start:
            self.line("pass")
        self.depth -= 1

    def tmp(self) -> str:
        self.counter += 1
        return f"_v{self.counter}"

    def const(self, value: Any) -> str:
        try:
            key: Any = _typed(value)
            hash(key)
        except TypeError:
            key = (type(value), id(value))
        name = self._const_ids.get(key)
        if name is None:
            name = f"_c{len(self.consts)}"
            self.consts.append(value)
            self._const_ids[key] = name
        return name

    def source(self) -> str:
        """Return the source of the functions written so far (definitions aside)."""
        return "\n".join(self.lines) + "\n"

    def module_source(self) -> str:
        """Return the whole module: the definitions used, then the rules' functions."""
        return "\n".join(self._pending_defs) + "\n" + self.source()

    def namespace(self) -> dict[str, Any]:
        ns = dict(RUNTIME)
        for i, value in enumerate(self.consts):
            ns[f"_c{i}"] = value
        return ns

    # static questions -----------------------------------------------------------------
    def may_record(self, e: n.Expr, scope: _Scope) -> bool:
        """Return whether evaluating ``e`` may record a presumption."""
        for node in n.walk(e):
            if isinstance(node, n.Field):
                found = chain(node)
                if found is not None and found[1] and (found[0], found[1][0]) in scope.presumptions:
                    return True
            if (
                isinstance(node, n.Call)
                and node.function in self.definitions
                and self.definition_records(node.function)
            ):
                return True
        return False

    def definition_records(self, name: str) -> bool:
        if name not in self._recording:
            self._recording[name] = False  # definitions are not circular (checked)
            d = self.definitions[name]
            records = bool(d.presumes)
            if not records and d.value is not None:
                records = any(
                    isinstance(x, n.Call)
                    and x.function in self.definitions
                    and self.definition_records(x.function)
                    for x in n.walk(d.value)
                )
            self._recording[name] = records
        return self._recording[name]

    # expressions ----------------------------------------------------------------------
    def expr(self, e: n.Expr, scope: _Scope) -> str:
        """Write the statements computing ``e``; return the expression holding its value."""
        if isinstance(e, n.Number | n.Quantity | n.String | n.DateLit | n.Bool):
            return self.const(literal_value(e))
        if isinstance(e, n.Name):
            return self.name(e.name, scope)
        if isinstance(e, n.Field):
            return self.field(e, scope)
        if isinstance(e, n.ListLit):
            # The closures put an unknown item into the list as it is: not modelled here.
            items = [self.soft(i, scope) for i in e.items]
            for item in items:
                self.line(f"if {item} is _K: raise _S")
            return "(" + "".join(f"{i}, " for i in items) + ")"
        if isinstance(e, n.Call):
            return self.call(e, scope)
        if isinstance(e, n.Unary):
            return self.unary(e, scope)
        if isinstance(e, n.Binary):
            return self.binary(e, scope)
        raise Unsupported(type(e).__name__)

    def name(self, name: str, scope: _Scope) -> str:
        found = scope.names.get(name)
        if found is None:
            if name == "each" or name in ENGINE_NAMES:
                # Bound for the closures but without a value here (``each`` outside a
                # filter, ``on`` in a definition): they read an unknown.
                self.line("raise _U")
                return "None"
            return self.const(scope.params.get(name, name))
        var, _path, maybe = found
        if maybe:
            self.line(f"if {var} is _A or {var} is _K: raise _U")
        return var

    def path_of(self, name: str, scope: _Scope) -> str:
        """Return an expression for the fact path of a bound name (its own name if none)."""
        found = scope.names.get(name)
        if found is not None and found[1] is not None:
            return found[1]
        return self.const(name)

    def field(self, e: n.Field, scope: _Scope) -> str:
        found = chain(e)
        if found is not None and (found[0] in scope.names or found[0] == "each"):
            root, keys = found
            presumption = scope.presumptions.get((root, keys[0]))
            if presumption is not None:
                value = self.presumed_read(root, keys[0], presumption, scope)
                keys = keys[1:]
            else:
                value = self.name(root, scope)
            for key in keys:
                value = self.get(value, key)
            return value
        return self.get(self.expr(e.target, scope), e.name)

    def get(self, value: str, key: str) -> str:
        out = self.tmp()
        k = self.const(key)
        with self.block(f"if type({value}) is dict:"):
            self.line(f"{out} = {value}.get({k}, _A)")
            self.line(f"if {out} is _A: raise _U")
        # A short list's projection, as _project makes it when every item has the key; a
        # long one is kept for the run by _getc, and any other case is _getc's to decide.
        with self.block(f"elif type({value}) is tuple and len({value}) <= 8:"):
            with self.block("try:"):
                self.line(f"{out} = tuple([_x[{k}] for _x in {value}])")
            with self.block("except (KeyError, TypeError, IndexError):"):
                self.line(f"{out} = _getc({value}, {k}, _st)")
        with self.block("else:"):
            self.line(f"{out} = _getc({value}, {k}, _st)")
        return out

    def presumed_read(self, root: str, key: str, p: n.Presume, scope: _Scope) -> str:
        """Read ``root.key``; when absent, presume the value and record it, as the closures do."""
        found = scope.names.get(root)
        if found is None:
            raise Unsupported(f"presumption on {root}, which is not bound")
        holder = found[0]
        out = self.tmp()
        # Anything but an object (an unknown parameter, a list) is presumed over by the
        # closures in ways not modelled here.
        self.line(f"if type({holder}) is not dict: raise _S")
        self.line(f"{out} = {holder}.get({self.const(key)}, _A)")
        with self.block(f"if {out} is _A:"):
            if p.when is not None:
                holds = self.expr(p.when, scope)
                self.line(f"if {holds} is not True: raise _U")
            value = self.presumed_value(p, scope)
            self.line(f"{out} = {value}")
            path = self.path_of(root, scope)
            suffix = self.const("." + key)
            self.line(f"_pr[{path} + {suffix}] = ({out}, {self.const(p.reason)})")
        return out

    def presumed_value(self, p: n.Presume, scope: _Scope) -> str:
        from govrules.facts import BINDING_PATHS, field_at

        value, target = p.value, p.target
        if isinstance(value, n.Name) and target is not None:
            path = BINDING_PATHS.get(target[0])
            fact = field_at((*path, target[1])) if path is not None else None
            if fact is not None and value.name in fact.values:
                return self.const(value.name)
        if isinstance(value, n.ListLit) and not value.items:
            return "()"
        return self.expr(value, scope)

    def operands(self, exprs: Sequence[n.Expr], scope: _Scope) -> list[str]:
        """Write strict operands in order. When a later one may record a presumption or
        fail (an error, a year the calendar lacks), an unknown earlier one is held back
        until all are computed, as the closures compute every argument before looking at
        them."""
        needed = [self.may_record(x, scope) or not _plain(x) for x in exprs]
        out: list[str] = []
        held: list[str] = []
        for i, x in enumerate(exprs):
            if any(needed[i + 1 :]):
                var = self.tmp()
                with self.block("try:"):
                    self.line(f"{var} = {self.expr(x, scope)}")
                with self.block("except _U:"):
                    self.line(f"{var} = _K")
                held.append(var)
                out.append(var)
            else:
                value = self.expr(x, scope)
                if held:
                    self.line("if " + " or ".join(f"{h} is _K" for h in held) + ": raise _U")
                    held = []
                out.append(value)
        if held:
            self.line("if " + " or ".join(f"{h} is _K" for h in held) + ": raise _U")
        return out

    def soft(self, e: n.Expr, scope: _Scope) -> str:
        """Write ``e`` so that an unknown value becomes UNK instead of raising."""
        var = self.tmp()
        with self.block("try:"):
            self.line(f"{var} = {self.expr(e, scope)}")
        with self.block("except _U:"):
            self.line(f"{var} = _K")
        return var

    def call(self, e: n.Call, scope: _Scope) -> str:
        if e.function in self.definitions:
            return self.call_definition(e, scope)
        out = self.tmp()
        if e.function == "first_known":
            self.line(f"{out} = _A")
            for arg in e.args:
                with self.block(f"if {out} is _A:"):
                    value = self.soft(arg, scope)
                    self.line(f"if {value} is not _K and {value} is not None: {out} = {value}")
            self.line(f"if {out} is _A: raise _U")
            return out
        if e.function == "claimed":
            (arg,) = e.args
            value = self.soft(arg, scope)
            self.line(f"{out} = {value} is True")
            return out
        fn = FUNCTIONS.get(e.function)
        if fn is None:
            raise Unsupported(e.function)
        args = self.operands(e.args, scope)
        if e.function == "count":
            self.line(f"{out} = len({args[0]})")
            return out
        call = f"{self.const(fn.impl)}(cal, {', '.join(args)})"
        self.line(f"{out} = {call}")
        # The extreme of an empty list: no value, but no fact is missing either (EMPTY).
        self.line(f"if {out} is None: raise _U")
        return out

    def call_definition(self, e: n.Call, scope: _Scope) -> str:
        function, takes_paths = self.definition(e.function)
        args = [self.soft(a, scope) for a in e.args]
        if takes_paths:
            for param, a in zip(self.definitions[e.function].params, e.args, strict=True):
                source = chain(a)
                if source is None:
                    args.append(self.const(param))  # the closures fall back to its name
                    continue
                root, keys = source
                path = self.path_of(root, scope)
                if keys:
                    path = f"{path} + {self.const(''.join('.' + k for k in keys))}"
                args.append(path)
        out = self.tmp()
        self.line(f"{out} = {function}(_pr, cal, _st, {', '.join(args)})")
        return out

    def definition(self, name: str) -> tuple[str, bool]:
        """Return the generated function of a definition, writing it on first use."""
        if name in self._defined:
            return self._defined[name]
        d = self.definitions[name]
        if d.value is None:
            raise Unsupported(f"definition {name} without a value")
        function = f"_d_{len(self._defined)}"
        takes_paths = self.definition_records(name)
        self._defined[name] = (function, takes_paths)
        saved_lines, saved_depth = self.lines, self.depth
        self.lines, self.depth = [], 0
        names: dict[str, tuple[str, str | None, bool]] = {}
        params = []
        for i, p in enumerate(d.params):
            names[p] = (f"_p{i}", f"_q{i}" if takes_paths else None, True)
            params.append(f"_p{i}")
        if takes_paths:
            params.extend(f"_q{i}" for i in range(len(d.params)))
        presumptions = {p.target: p for p in d.presumes if p.target is not None}
        scope = _Scope(names, {}, presumptions, definition=True)
        try:
            with self.block(f"def {function}(_pr, cal, _st, {', '.join(params)}):"):
                self.line(f"return {self.expr(d.value, scope)}")
            self._pending_defs.extend(self.lines)
        except Unsupported:
            del self._defined[name]
            raise
        finally:
            self.lines, self.depth = saved_lines, saved_depth
        return self._defined[name]

    def unary(self, e: n.Unary, scope: _Scope) -> str:
        out = self.tmp()
        if e.op in ("is missing", "is present"):
            missing = e.op == "is missing"
            with self.block("try:"):
                self.expr(e.operand, scope)
                self.line(f"{out} = {not missing}")
            with self.block("except _U:"):
                self.line(f"{out} = {missing}")
            return out
        value = self.expr(e.operand, scope)
        if e.op == "not":
            self.line(f"{out} = _not({value})")
        else:
            self.line(f"{out} = len({value}) == 0")
        return out

    def binary(self, e: n.Binary, scope: _Scope) -> str:
        op = e.op
        if op == "where":
            return self.where(e, scope)
        out = self.tmp()
        if op in ("and", "or"):
            stop = "False" if op == "and" else "True"
            left = self.soft(e.left, scope)
            with self.block(f"if {left} is {stop}:"):
                self.line(f"{out} = {stop}")
            with self.block("else:"):
                right = self.soft(e.right, scope)
                self.line(f"{out} = {'_and' if op == 'and' else '_or'}({left}, {right})")
            return out
        left, right = self.operands((e.left, e.right), scope)
        if op in ("in", "not in"):
            self.line(f"{out} = {left} {op} {right}")
        elif op in ("+", "-"):
            sign = 1 if op == "+" else -1
            days = self.days_constant(e.right, scope)
            if days is not None:
                # A date moved by a constant number of calendar days, as shift() moves it.
                step = self.const(dt.timedelta(days=days))
                with self.block(f"if type({left}) is _date:"):
                    self.line(f"{out} = {left} {op} {step}")
                with self.block("else:"):
                    self.line(f"{out} = _arith(cal, {left}, {right}, {sign})")
            else:
                self.line(f"{out} = _arith(cal, {left}, {right}, {sign})")
        elif op in _COMPARE:
            self.line(f"{out} = {left} {op} {right}")
        else:
            raise Unsupported(op)
        return out

    def days_constant(self, e: n.Expr, scope: _Scope) -> int | None:
        """Return the days of ``e`` when it is a constant duration in calendar days."""
        if isinstance(e, n.Quantity):
            value: Any = literal_value(e)
        elif isinstance(e, n.Name) and e.name not in scope.names and e.name in scope.params:
            value = scope.params[e.name]
        else:
            return None
        if isinstance(value, Duration) and value.unit == "days":
            return value.amount
        return None

    def where(self, e: n.Binary, scope: _Scope) -> str:
        """Filter a list. An item whose condition is unknown would make a partly known
        list, which the generated code does not model: the subject goes to the closures."""
        items = self.expr(e.left, scope)
        self.line(f"if type({items}) is not tuple: raise _S")
        records = self.may_record(e.right, scope)
        each = self.tmp()
        base = path = None
        if records:
            base, path = self.tmp(), self.tmp()
            self.line(f"{base} = {self.collection_path(e.left, scope)}")
        inner = _Scope(
            {**scope.names, "each": (each, path, False)},
            scope.params,
            scope.presumptions,
            scope.definition,
        )
        out = self.tmp()
        keyed = None if "each" in scope.names else equality_key(e)
        item = self.item_field(e.left, scope)
        total = None
        if item is not None and keyed is None:
            total = self.total(e.right, item, each, scope)
        if total is not None:
            # Every fact the condition reads is always there (required, or filled in by
            # validation): no item can be unknown, and Python's own operators agree with
            # the logic's.
            self.line(f"{out} = tuple([{each} for {each} in {items} if {total}])")
            return out
        if keyed is None:
            self.line(f"{out} = []")
            self.scan(e.right, inner, f"enumerate({items})", each, base, path, out)
            self.line(f"{out} = tuple({out})")
            return out
        # `accounts where each.platform == account.platform` for every account would cost
        # N² tests: group the items by the key once per run, then test only the matches.
        mine, other = keyed
        wanted = self.soft(other, scope)
        self.line(f"if {wanted} is _K: raise _S")
        slot = self.const(object())  # this filter, whatever subject or rule runs it
        groups = self.tmp()
        self.line(f"{groups} = _st.get({slot})")
        with self.block(f"if {groups} is None or {groups}[0] is not {items}:"):
            by_key, index = self.tmp(), self.tmp()
            self.line(f"{by_key} = {{}}")
            with self.block(f"for {index}, {each} in enumerate({items}):"):
                key = self.soft(mine, inner)
                self.line(f"if {key} is _K: raise _S")
                self.line(f"{by_key}.setdefault({key}, []).append({index})")
            self.line(f"{groups} = ({items}, {by_key})")
            self.line(f"_st[{slot}] = {groups}")
        positions, index = self.tmp(), self.tmp()
        self.line(f"{positions} = {groups}[1].get({wanted}, ())")
        pairs = f"(({index}, {items}[{index}]) for {index} in {positions})"
        if not subject_free(e, scope.names):
            self.line(f"{out} = []")
            self.scan(e.right, inner, pairs, each, base, path, out)
            self.line(f"{out} = tuple({out})")
            return out
        # The result depends on the key alone: one filter per key and run. What the filter
        # presumes is kept with its result for the subjects that reuse it.
        memo, hit, saved = self.tmp(), self.tmp(), self.tmp()
        self.line(f"{memo} = ({slot}, {wanted})")
        self.line(f"{hit} = _st.get({memo})")
        with self.block(f"if {hit} is not None:"):
            self.line(f"{out} = {hit}[0]")
            self.line(f"_pr.update({hit}[1])")
        with self.block("else:"):
            self.line(f"{saved} = _pr")
            self.line("_pr = {}")
            self.line(f"{out} = []")
            self.scan(e.right, inner, pairs, each, base, path, out)
            self.line(f"{out} = tuple({out})")
            self.line(f"_st[{memo}] = ({out}, _pr)")
            self.line(f"{saved}.update(_pr)")
            self.line(f"_pr = {saved}")
        return out

    def item_field(self, e: n.Expr, scope: _Scope) -> Any:
        """Return the vocabulary's field of a filtered list of facts, or None."""
        from govrules.facts import BINDING_PATHS, field_at

        found = chain(e)
        if found is None or found[0] not in BINDING_PATHS or found[0] not in scope.names:
            return None
        if scope.definition or not found[1]:
            return None  # a definition's parameter may hold anything
        if (found[0], found[1][0]) in scope.presumptions:
            return None  # so may a presumed list: what the policy wrote, never validated
        field = field_at((*BINDING_PATHS[found[0]], *found[1]))
        return field if field is not None and field.kind == "list" and field.fields else None

    def total(self, e: n.Expr, item: Any, each: str, scope: _Scope) -> str | None:
        """Return ``e`` as one Python expression over a validated item, when it reads only
        facts that are always present and constants; None otherwise."""
        if isinstance(e, n.Binary) and e.op in ("and", "or"):
            left = self.total(e.left, item, each, scope)
            right = self.total(e.right, item, each, scope)
            if left is None or right is None:
                return None
            return f"({left} {e.op} {right})"
        if isinstance(e, n.Unary) and e.op == "not":
            inner = self.total(e.operand, item, each, scope)
            return None if inner is None else f"(not {inner})"
        if isinstance(e, n.Unary) and e.op in ("is missing", "is present"):
            key = self.each_key(e.operand, item)
            if key is None:
                return None
            return f"({self.const(key[0])} {'not in' if e.op == 'is missing' else 'in'} {each})"
        if isinstance(e, n.Binary) and e.op in (*_COMPARE, "in", "not in"):
            left = self.total_value(e.left, item, each, scope)
            right = self.total_value(e.right, item, each, scope)
            if left is None or right is None:
                return None
            return f"({left} {e.op} {right})"
        key = self.each_key(e, item)
        if key is not None and key[1].kind == "bool" and self.always(key[1]):
            return f"{each}[{self.const(key[0])}]"
        return None

    def total_value(self, e: n.Expr, item: Any, each: str, scope: _Scope) -> str | None:
        if isinstance(e, n.Number | n.String | n.DateLit | n.Bool):
            return self.const(literal_value(e))
        if isinstance(e, n.Name) and e.name != "each":
            found = scope.names.get(e.name)
            if found is None:
                if e.name in ENGINE_NAMES:
                    return None
                return self.const(scope.params.get(e.name, e.name))
            # A bound name is total when it can hold no unknown (``on``, ``in_force_from``).
            return None if found[2] else found[0]
        if isinstance(e, n.ListLit):
            items = [self.total_value(x, item, each, scope) for x in e.items]
            if any(x is None for x in items):
                return None
            return "(" + "".join(f"{x}, " for x in items) + ")"
        key = self.each_key(e, item)
        if key is not None and self.always(key[1]) and key[1].kind in ("date", "enum", "bool"):
            return f"{each}[{self.const(key[0])}]"
        return None

    @staticmethod
    def each_key(e: n.Expr, item: Any) -> tuple[str, Any] | None:
        found = chain(e)
        if found is None or found[0] != "each" or len(found[1]) != 1:
            return None
        field = item.child(found[1][0])
        return None if field is None else (found[1][0], field)

    @staticmethod
    def always(field: Any) -> bool:
        return bool(field.required or field.default is not None)

    def collection_path(self, e: n.Expr, scope: _Scope) -> str:
        """Return an expression for the fact path of a filtered list (its items' prefix)."""
        found = chain(e)
        if found is None or not (found[0] in scope.names or found[0] == "each"):
            return self.const("…")
        root, keys = found
        tail = "".join("." + k for k in keys)
        base = self.path_of(root, scope)
        return f"{base} + {self.const(tail)}" if tail else base

    def scan(
        self,
        cond: n.Expr,
        inner: _Scope,
        pairs: str,
        each: str,
        base: str | None,
        path: str | None,
        out: str,
    ) -> None:
        index = self.tmp()
        with self.block(f"for {index}, {each} in {pairs}:"):
            if path is not None:
                self.line(f"{path} = {base} + '[' + str({index}) + ']'")
            test = self.soft(cond, inner)
            with self.block(f"if {test} is True:"):
                self.line(f"{out}.append({each})")
            self.line(f"elif {test} is not False: raise _S")

    def rule_scope(
        self,
        binds: Sequence[str],
        params: Mapping[str, Any],
        presumptions: Mapping[tuple[str, str], n.Presume],
        starts: dt.date | None,
    ) -> _Scope:
        names: dict[str, tuple[str, str | None, bool]] = {
            root: (f"_g{i}", None, True) for i, root in enumerate(GLOBAL_ROOTS)
        }
        names["on"] = ("on", None, False)
        if starts is not None:  # the governing date is computed before it is set
            names["in_force_from"] = (self.const(starts), None, False)
        for j, b in enumerate(binds):
            names[b] = (f"_b{j}", f"_paths[{j}]", False)
        return _Scope(names, params, presumptions, definition=False)

    def function(self, head: str, body: Callable[[], None]) -> str | None:
        """Write one function; None (and nothing written) when it uses what is not modelled."""
        name = f"_f{len(self.functions)}"
        saved_lines, saved_depth = self.lines, self.depth
        self.lines, self.depth = [], 0
        try:
            with self.block(f"def {name}{head}:"):
                unpack = len(self.lines)
                body()
            # Unpack only the facts' roots the function reads.
            used = [i for i in range(len(GLOBAL_ROOTS)) if _reads(self.lines, f"_g{i}")]
            for i in reversed(used):
                self.lines.insert(unpack, f"    _g{i} = _g[{i}]")
        except Unsupported as err:
            self.unsupported.append(str(err))
            return None
        else:
            self.functions.append(name)
            saved_lines.extend(self.lines)
            return name
        finally:
            self.lines, self.depth = saved_lines, saved_depth

    def governing(
        self,
        rule: n.Rule,
        binds: Sequence[str],
        params: Mapping[str, Any],
        presumptions: Mapping[tuple[str, str], n.Presume],
    ) -> str | None:
        """Write the function giving a rule's governing date; it raises when unknown."""
        assert rule.governing is not None
        scope = self.rule_scope(binds, params, presumptions, None)
        governing = rule.governing

        def body() -> None:
            self.line(f"return {self.expr(governing, scope)}")

        name = self.function(_head(binds), body)
        if name is not None and self.may_record(governing, scope):
            self.records.add(name)
        return name

    def version(
        self,
        rule: n.Rule,
        binds: Sequence[str],
        params: Mapping[str, Any],
        presumptions: Mapping[tuple[str, str], n.Presume],
        starts: dt.date | None,
        placeholders: Sequence[str] | None = None,
    ) -> str | None:
        """Write the function judging one version: (outcome, due, exception applied or -1).

        It follows evaluate._find step by step. The outcome is coded as fast._OUTCOMES
        has it; an undetermined or pending verdict whose missing facts only the closures
        can name says so with its own code (4, 5).

        With ``placeholders`` (the dotted names of its explanation's ``{…}``), it is the
        function that words a verdict instead: it answers (outcome, due, exception applied,
        whether a condition stayed unknown, the placeholders' values, UNK where unknown).
        """
        scope = self.rule_scope(binds, params, presumptions, starts)
        words = placeholders is not None

        exceptions = rule.exceptions or ()
        dues = [rule.due, *(x.due for x in exceptions)]
        due = any(d is not None for d in dues)
        # Names the result by what can happen: no `_du` without a due date, no `_ap`
        # without exceptions, no `_cu` without conditions.
        applied = "_ap" if exceptions else "-1"
        due_value = "_du" if due else "None"

        def ret(code: str, due_at: str) -> str:
            if not words:
                return f"return ({code}, {due_at}, {applied})"
            return f"return ({code}, {due_at}, {applied}, {'_cu' if rule.when else False}, _tv)"

        def body() -> None:
            if rule.when:
                self.line("_cu = False")
            for cond in rule.when or ():
                t = self.soft(cond, scope)
                self.line(f"if {t} is False: return {'_NAW' if words else '_NA'}")
                self.line(f"if {t} is _K: _cu = True")
                self.line(f"elif {t} is not True: raise _S")
            for let in rule.lets:
                value = self.soft(let.expr, scope)
                scope.names[let.name] = (value, None, True)
            if placeholders is not None:
                # As the closures render them: after the lets, each on its own.
                values = [self.soft(placeholder_node(p), scope) for p in placeholders]
                self.line("_tv = (" + "".join(f"{v}, " for v in values) + ")")
            if exceptions:
                self.line("_ap = -1")
            for k, x in enumerate(exceptions):
                with self.block("if _ap == -1:"):
                    c = self.soft(x.claim, scope)
                    self.line(f"if {c} is True: _ap = {k}")
                    self.line(f"elif {c} is not False and {c} is not _K: raise _S")
            self.line("_rq = True")
            if due:
                self.line("_du = None")
            for k, x in enumerate(exceptions):
                with self.block(f"if _ap == {k}:"):
                    if x.require is not None:
                        self.requirement((x.require,), scope)
                    self.due(x.due if x.due is not None else rule.due, scope)
            if exceptions:
                with self.block("if _ap == -1:"):
                    self.requirement(rule.requires or (), scope)
                    self.due(rule.due, scope)
            else:
                self.requirement(rule.requires or (), scope)
                self.due(rule.due, scope)
            # Undetermined (4), and pending with the duty's facts missing (5), are decided
            # here; only the closures name the missing facts, when the verdict is read.
            self.line(f"if _rq is True: {ret('0', due_value)}")
            if rule.when:
                self.line(f"if _cu: {ret('4', due_value)}")
            if due:
                with self.block("if _du is not None and _du >= on:"):
                    self.line(f"if _rq is _K: {ret('5', '_du')}")
                    self.line(ret("3", "_du"))
            self.line(f"if _rq is False: {ret('1', due_value)}")
            self.line(ret("4", due_value))

        name = self.function(_head(binds), body)
        if name is not None:
            probe = self.rule_scope(binds, params, presumptions, starts)
            if any(self.may_record(e, probe) for e in n.rule_exprs(rule)):
                self.records.add(name)
        return name

    def requirement(self, requires: Sequence[n.Expr], scope: _Scope) -> None:
        """Set _rq to the Kleene conjunction, stopping at the first false one."""
        if len(requires) == 1:
            t = self.soft(requires[0], scope)
            self.line(f"if {t} is False: _rq = False")
            self.line(f"elif {t} is _K: _rq = _K")
            self.line(f"elif {t} is not True: raise _S")
            return
        for r in requires:
            with self.block("if _rq is not False:"):
                t = self.soft(r, scope)
                self.line(f"if {t} is False: _rq = False")
                self.line(f"elif {t} is _K: _rq = _K")
                self.line(f"elif {t} is not True: raise _S")

    def due(self, due: n.Expr | None, scope: _Scope) -> None:
        if due is None:
            return
        d = self.soft(due, scope)
        self.line(f"_du = {d} if isinstance({d}, _date) else None")


def _plain(e: n.Expr) -> bool:
    """Return whether computing ``e`` can do nothing but give a value or an unknown."""
    return isinstance(e, n.Number | n.Quantity | n.String | n.DateLit | n.Bool | n.Name)


def _reads(lines: Sequence[str], name: str) -> bool:
    """Return whether generated lines use the variable ``name`` (a whole word)."""
    pattern = re.compile(rf"\b{name}\b")
    return any(pattern.search(line) for line in lines)


def _head(binds: Sequence[str]) -> str:
    return "(_pr, on, cal, _st, _paths, _g" + "".join(f", _b{j}" for j in range(len(binds))) + ")"


# A version function's answer when a condition is false, and a wording function's.
NOT_APPLICABLE_RESULT = (2, None, -1)
NOT_APPLICABLE_WORDS = (2, None, -1, False, ())

RUNTIME["_NA"] = NOT_APPLICABLE_RESULT
RUNTIME["_NAW"] = NOT_APPLICABLE_WORDS

Function = Callable[..., Any]


def compile_module(gen: Generator) -> dict[str, Function]:
    """Return the generated functions by name, compiled from the generator's source."""
    source = gen.module_source()
    namespace = gen.namespace()
    exec(compile(source, "<govrules generated>", "exec"), namespace)
    return {name: namespace[name] for name in gen.functions}


def driver(obligations: Sequence[Any], helpers: Mapping[str, Any]) -> tuple[Function, str]:
    """Return one function judging every (rule, subject) of a rule set with generated code.

    ``obligations`` are fast.ObligationCode values. The function takes (data, on, cal, context)
    and returns the verdicts in the closures' order: by rule, then by subject. A subject
    whose function gives up, or whose rule has a governing date outside its one version,
    goes to ``context.fallback`` (the closures). Accounts and their events are listed here;
    other subjects by ``helpers["listing"]``.
    """
    gen = Generator({})
    roots = ", ".join(f"_get({gen.const(root)}, _A)" for root in GLOBAL_ROOTS)
    kinds = {oc.compiled.subject for oc in obligations}

    def body() -> None:
        gen.line("_get = data.get")
        gen.line(f"_g = ({roots})")
        gen.line("_st = {}")
        gen.line("_out = []")
        gen.line("_ap = _out.append")
        # The violations too, as they are judged: Decision.violations is what most callers
        # read first, and here each verdict's outcome is known without asking it.
        gen.line("_vio = []")
        gen.line("_vl = _vio.append")
        if "event" in kinds:
            gen.line("_LA, _LE = _accounts_events(_get)")
        elif "account" in kinds:
            gen.line("_LA = _accounts(_get)")
        others = sorted(kinds - {"account", "event"})
        for kind in others:
            gen.line(f"_L_{kinds_index(kind)} = _lst({gen.const(kind)}, data)")
        violation = helpers["outcomes"].index(Outcome.VIOLATION)
        for oc in obligations:
            obligation(gen, oc, violation)
        gen.line("return _out, _vio")

    gen.lines, gen.depth = [], 0
    with gen.block("def _run(data, on, cal, _ctx):"):
        body()
    namespace = gen.namespace()
    namespace["_CV"], namespace["_sc"], namespace["_sx"] = helpers["compact"]
    namespace["_VIOLATION"] = Outcome.VIOLATION
    namespace["_new"] = object.__new__
    for name, key in (
        ("_lst", "listing"),
        ("_C", "claims"),
        ("_von", "version_on"),
        ("_und", "undated"),
        ("_N", "nothing"),
    ):
        namespace[name] = helpers[key]
    exec(compile(gen.source(), "<govrules generated driver>", "exec"), namespace)
    return namespace["_run"], gen.source()


_KINDS: dict[str, int] = {}


def kinds_index(kind: str) -> int:
    """Return a number for a subject kind, to name its list in generated code."""
    return _KINDS.setdefault(kind, len(_KINDS))


def _version_on(gen: Generator, versions: Sequence[Any], versions_c: str, when: str) -> str:
    """Return an expression for fast._version_on(versions, when): written out for one
    version (the most common case), where calling it costs more than the comparison."""
    if len(versions) != 1:
        return f"_von({versions_c}, {when})"
    starts = versions[0].starts
    if starts is None:
        return "-1"
    return f"0 if {gen.const(starts)} <= {when} else -1"


def _versions(gen: Generator, oc: Any, binds: str) -> None:
    """Write the call of the version in force (``_k``), or give up if none is generated."""
    for k, (vc, row) in enumerate(zip(oc.versions, oc.rows, strict=True)):
        head = "if" if k == 0 else "elif"
        with gen.block(f"{head} _k == {k}:"):
            if vc.function is None:
                gen.line("raise _S")
                continue
            gen.line(f"_row = {gen.const(row)}")
            gen.line(f"_r = {gen.const(vc.function)}(_pr, on, cal, _st, _p, _g, {binds})")
    with gen.block("else:"):
        gen.line("raise _S")  # not yet in force: the closures word it


def obligation(gen: Generator, oc: Any, violation: int) -> None:
    """Write the loop judging one obligation for every subject of its kind; ``violation`` is
    the code of that outcome in the generated functions' results."""
    kind = oc.compiled.subject
    n_binds = len(oc.binds)
    oc_c = gen.const(oc)
    versions_c = gen.const(oc.versions)
    # The lists hold each subject's path, its items and their paths, made once per run.
    if kind == "account":
        loop, binds, subject, bound = "for _s, _b0, _p, _bd in _LA:", "_b0", "_s", "_bd"
    elif kind == "event":
        loop, binds, subject, bound = "for _s, _b0, _b1, _p, _bd in _LE:", "_b0, _b1", "_s", "_bd"
    else:
        loop = f"for _s, _bs, _p in _L_{kinds_index(kind)}:"
        binds, subject, bound = "*_bs", "_s", "_bs"
    if n_binds != (1 if kind == "account" else 2 if kind == "event" else n_binds):
        raise AssertionError(f"{kind} rules bind {n_binds} items")  # pragma: no cover
    if not oc.dated:
        gen.line(f"_k = {_version_on(gen, oc.versions, versions_c, 'on')}")
    with gen.block(loop):
        gen.line("_pr = {}" if oc.records else "_pr = _N")
        with gen.block("try:"):
            if oc.dated:
                if oc.governing is None:
                    gen.line("raise _S")
                with gen.block("try:"):
                    gen.line(f"_w = {gen.const(oc.governing)}(_pr, on, cal, _st, _p, _g, {binds})")
                with gen.block("except _U:"):
                    gen.line("_w = _K")
                with gen.block("if _w is _K:"):
                    # The governing date is unknown: every version may govern, and the
                    # verdict is what all their readings agree on (evaluate._undated).
                    gen.line("_w = None")
                    functions = gen.const(tuple(vc.function for vc in oc.versions))
                    gen.line(
                        f"_row, _r = _und({functions}, {gen.const(oc.rows)}, "
                        f"(_pr, on, cal, _st, _p, _g, {binds}))"
                    )
                with gen.block("else:"):
                    gen.line("if type(_w) is not _date: raise _S")
                    gen.line(f"_k = {_version_on(gen, oc.versions, versions_c, '_w')}")
                    _versions(gen, oc, binds)
            else:
                gen.line("_w = on")
                _versions(gen, oc, binds)
        with gen.block("except Exception:"):
            gen.line(f"_fv = _ctx.fallback({oc_c}, {subject}, {bound}, _p)")
            gen.line("_ap(_fv)")
            gen.line("if _fv.outcome is _VIOLATION: _vl(_fv)")
            gen.line("continue")
        presumed = "tuple(sorted(_pr)) if _pr and _r[0] != 2 else ()" if oc.records else "()"
        labels = any(vc.unclaimed for vc in oc.versions)
        unclaimed = (
            "((_row[2][:_r[2]] if _r[2] >= 0 else _row[2]) if _row[2] and _C[_r[0]] else ())"
            if labels
            else "()"
        )
        # verdicts.compact(fields, _ctx), written out: a call costs as much as its work.
        gen.line("_v = _new(_CV)")
        gen.line(
            f"_sc(_v, (_row[1][_r[0]], {subject}, _w, _r[1], {presumed}, {unclaimed}, "
            f"{oc_c}, {bound}, _p))"
        )
        gen.line("_sx(_v, _ctx)")
        gen.line("_ap(_v)")
        gen.line(f"if _r[0] == {violation}: _vl(_v)")
