"""Which facts a rule set reads, and which given facts none of its rules read.

A reader who gives ``website.offline`` to a rule set that has no rule about websites must be
told so, not left to take silence for compliance: ``Decision.unused_facts`` lists such
facts. The paths a rule set reads are found once from its rules, without evaluating them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from govrules import nodes as n
from govrules.facts import (
    GLOBAL_ROOTS,
    LABELS,
    SUBJECTS,
    Fallback,
    field_at,
    validate,
)
from govrules.layers import RuleSet

if TYPE_CHECKING:
    from govrules.factcode import Walker

Noting = Callable[[dict[str, Any], list[str]], dict[str, Any]]
_Made = TypeVar("_Made")

Pattern = tuple[str, ...]  # a fact path without list indexes: ("accounts", "events", "date")


class _Reader:
    """Walks expressions, noting every fact path they reach."""

    def __init__(self, definitions: Mapping[str, n.Define]) -> None:
        self.definitions = definitions
        self.found: set[Pattern] = set()
        self._inside: set[str] = set()  # definitions being walked: no endless recursion

    def walk(self, e: n.Expr, scope: dict[str, Pattern]) -> Pattern | None:
        """Return the fact path ``e`` denotes (None if it is no fact), noting what it reads."""
        if isinstance(e, n.Name):
            found = scope.get(e.name)
            if found is not None:
                self.found.add(found)
            return found
        if isinstance(e, n.Field):
            target = self.walk(e.target, scope)
            if target is None:
                return None
            path = (*target, e.name)
            self.found.add(path)
            return path
        if isinstance(e, n.Binary):
            left = self.walk(e.left, scope)
            if e.op == "where":
                inner = dict(scope)
                if left is not None:
                    inner["each"] = left
                self.walk(e.right, inner)
                return left
            self.walk(e.right, scope)
            return None
        if isinstance(e, n.Unary):
            self.walk(e.operand, scope)
            return None
        if isinstance(e, n.ListLit):
            for item in e.items:
                self.walk(item, scope)
            return None
        if isinstance(e, n.Call):
            args = [self.walk(a, scope) for a in e.args]
            d = self.definitions.get(e.function)
            if d is not None and d.name not in self._inside and d.value is not None:
                self._inside.add(d.name)
                inner = {p: a for p, a in zip(d.params, args, strict=False) if a is not None}
                self.walk(d.value, inner)
                for p in d.presumes:
                    self.walk(p.value, inner)
                self._inside.discard(d.name)
            return None
        if isinstance(e, n.Presumed):
            self.walk(e.value, scope)
            return self.walk(e.fact, scope)
        return None


def _scope(subject: str) -> dict[str, Pattern]:
    scope: dict[str, Pattern] = {root: (root,) for root in GLOBAL_ROOTS}
    for name, path in SUBJECTS[subject].binds if subject in SUBJECTS else ():
        scope[name] = path
    return scope


def fact_reads(ruleset: RuleSet) -> frozenset[Pattern]:
    """Return every fact path the rule set's rules (any version) and presumptions read."""
    reader = _Reader(ruleset.definitions)
    for ob in ruleset.obligations:
        for version in ob.versions:
            rule = version.rule
            subject = rule.subject or "unit"
            scope = _scope(subject)
            if SUBJECTS.get(subject) is not None and SUBJECTS[subject].path:
                reader.found.add(SUBJECTS[subject].path)
            for expr in (rule.governing,) if rule.governing is not None else ():
                reader.walk(expr, scope)
            for expr in rule.when or ():
                reader.walk(expr, scope)
            for let in rule.lets:
                found = reader.walk(let.expr, scope)
                if found is not None:
                    scope[let.name] = found
            for expr in n.rule_exprs(rule):
                reader.walk(expr, scope)
    every = _scope("event") | _scope("offline") | _scope("column") | _scope("objection")
    every |= _scope("disclosure")
    for p in ruleset.presumptions:
        reader.walk(p.fact, every)
        reader.walk(p.value, every)
    return frozenset(reader.found)


def unused_facts(data: Mapping[str, Any], reads: frozenset[Pattern]) -> tuple[str, ...]:
    """Return the given facts that no path in ``reads`` reaches, each as short as given."""
    out: list[str] = []
    if type(data) is dict:
        walk = _WALKERS.made.get(reads) or _WALKERS.ask(reads)
        if walk is not None:
            walk(data, out)
            return tuple(out)
    tree, flats = _tree(reads)
    _visit(data, tree, flats, "", out)
    return tuple(out)


def checked_noting_unused(
    facts: Mapping[str, Any], reads: frozenset[Pattern], noting: Noting | None = None
) -> tuple[Mapping[str, Any], Mapping[str, Any], tuple[str, ...]]:
    """Return what ``validate(facts)`` holds (its data and given facts) and the unused facts
    of ``reads`` among those given.

    For facts in a plain dict this is one pass, by a validator written for these reads
    (govrules.factcode.noting_validator; ``noting``, if the caller has it already); anything
    it does not handle is validated and walked by the generic code.
    """
    if type(facts) is dict:
        if noting is None:
            noting = _NOTING.made.get(reads) or _NOTING.ask(reads)
        if noting is not None:
            out: list[str] = []
            try:
                data = noting(facts, out)
            except Fallback:
                pass
            else:
                return data, facts, tuple(out)
    checked = validate(facts)
    given = checked.data if checked.given is None else checked.given
    return checked.data, given, unused_facts(given, reads)


def noting_validator(reads: frozenset[Pattern]) -> Noting | None:
    """Return the validator noting the unused facts of ``reads``, made now if not yet."""
    return _NOTING.made.get(reads) or _NOTING.ask(reads, now=True)


class _SecondAsk(Generic[_Made]):
    """Code factcode writes for a rule set's reads, made the second time those reads are
    asked about (the first, a one-off command's only one, takes the generic code), and kept
    by the reads: a plain dict is cheaper to consult than an lru_cache."""

    def __init__(self, make: Callable[[frozenset[Pattern]], _Made | None]) -> None:
        self.make = make
        self.made: dict[frozenset[Pattern], _Made | None] = {}  # None: the generic code
        self.asked: set[frozenset[Pattern]] = set()

    def ask(self, reads: frozenset[Pattern], *, now: bool = False) -> _Made | None:
        """Return the code for ``reads``: None the first time (unless ``now``) and where
        it could not be written; callers look in ``made`` first."""
        if reads in self.made:
            return self.made[reads]
        if reads not in self.asked and not now:
            if len(self.asked) >= _KEPT:
                self.asked.clear()
            self.asked.add(reads)
            return None
        made = self.make(reads)
        if len(self.made) >= _KEPT:
            self.made.clear()
        self.made[reads] = made
        return made


_KEPT = 64


def _make_walker(reads: frozenset[Pattern]) -> Walker:
    from govrules.factcode import unused_walker

    tree, flats = _tree(reads)
    return unused_walker(tree, flats, LABELS, _visit)


def _make_noting(reads: frozenset[Pattern]) -> Noting | None:
    from govrules.factcode import noting_validator

    return noting_validator(_tree(reads)[0], LABELS)


_WALKERS: _SecondAsk[Walker] = _SecondAsk(_make_walker)
_NOTING: _SecondAsk[Noting] = _SecondAsk(_make_noting)


_Tree = dict[str, "_Tree"]


@functools.lru_cache(maxsize=64)
def _tree(reads: frozenset[Pattern]) -> tuple[_Tree, dict[int, frozenset[str]]]:
    """Return the read paths as a tree of keys, built once per rule set.

    With it, by the id of each node whose keys are all leaves that hold no facts of their
    own (the facts of a post), those keys: an item holding no other key is wholly read and
    need not be walked. A leaf that holds facts (``account.posts`` read only as a whole) is
    no such key: the facts below it are given and not read. The ids stay valid as long as
    the tree they index, which is cached with them.
    """
    root: _Tree = {}
    for path in reads:
        node = root
        for key in path:
            node = node.setdefault(key, {})
    flats: dict[int, frozenset[str]] = {}
    todo: list[tuple[_Tree, Pattern]] = [(root, ())]
    while todo:
        node, at = todo.pop()
        if node and all(not below and _bare((*at, key)) for key, below in node.items()):
            flats[id(node)] = frozenset(node)
        todo.extend((below, (*at, key)) for key, below in node.items())
    return root, flats


def _bare(pattern: Pattern) -> bool:
    """Return whether the fact at ``pattern`` holds no facts of its own (in the vocabulary)."""
    found = field_at(pattern)
    return found is None or not found.fields


def _visit(
    value: Any, node: _Tree, flats: dict[int, frozenset[str]], path: str, out: list[str]
) -> None:
    for key, child in value.items():
        below = node.get(key)
        if below is None:
            if not (key in LABELS and path):
                out.append(f"{path}.{key}" if path else key)
        elif type(child) is dict or isinstance(child, Mapping):
            _visit(child, below, flats, f"{path}.{key}" if path else key, out)
        elif type(child) is tuple or type(child) is list:
            where = f"{path}.{key}" if path else key
            flat = flats.get(id(below))
            for i, item in enumerate(child):
                if flat is not None and type(item) is dict and item.keys() <= flat:
                    continue  # every fact of this item is read, and none holds more facts
                if type(item) is dict or isinstance(item, Mapping):
                    _visit(item, below, flats, f"{where}[{i}]", out)
