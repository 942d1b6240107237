"""Python source written from the facts vocabulary and from what a rule set reads.

``facts.validate`` and ``reads.unused_facts`` walk the vocabulary's ``Field`` objects (or a
tree of read paths) generically; for a small unit that walk costs more than some rule sets
take to decide. The functions written here do the same work for the common case only —
plain dicts with str keys, plain str, bool, int and date values, lists and tuples — with
each field's check written out in place. On anything else they raise ``Fallback`` (the
validator) or hand the one fact to the generic walk (unused facts), so every error and
every unusual input is still handled by the generic code, the one place that words errors.

The source is built from the vocabulary (and from the read paths, which come from the
policies) only, never from facts: names in it are numbered, and every text from the
vocabulary is a ``repr`` literal or a constant in the namespace the source runs in.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import linecache
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from govrules.facts import SCHEMA, Fallback, Field, Validator, field_at

__all__ = [
    "Walker",
    "noting_validator",
    "unused_source",
    "unused_walker",
    "validator",
    "validator_source",
]

Walker = Callable[[dict[str, Any], list[str]], None]
Tree = dict[str, "Tree"]
Visit = Callable[[Any, Tree, dict[int, frozenset[str]], str, list[str]], None]

# Objects with more fields than this look a key's group of fields up in a dict and find
# the group by a binary search on its number; fewer compare the key with each name in turn,
# which is cheaper for them.
_CHAIN = 8

# Date texts already read, shared by every validation: a unit's dates repeat (posts, a
# period), and a lookup is several times cheaper than checking and parsing the text. Dates
# are immutable, so sharing one object between results is invisible to callers.
_DATES: dict[str, _dt.date] = {}
_DATES_KEPT = 4096  # eleven years of days


class _Source:
    """Lines of Python with their indentation."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def add(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def block(self, line: str) -> _Indented:
        self.add(line)
        return _Indented(self)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Indented:
    def __init__(self, source: _Source) -> None:
        self.source = source

    def __enter__(self) -> None:
        self.source.depth += 1

    def __exit__(self, *_: object) -> None:
        self.source.depth -= 1


def _run(source: str, name: str, namespace: dict[str, Any], *, quoted: bool) -> dict[str, Any]:
    """Compile and run ``source`` in ``namespace``; ``quoted``: tracebacks may quote it."""
    filename = f"<govrules.factcode {name}>"
    if quoted:
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace


# --- validation -------------------------------------------------------------------------


class _Where:
    """A place in the read tree while writing the validator that notes unread facts."""

    __slots__ = ("labels", "node", "path")

    def __init__(self, node: Tree, path: str, labels: frozenset[str]) -> None:
        self.node = node  # the read tree below this place
        # The data path, as the body of an f-string: accounts[{i0}].events[{i2}]. Its
        # pieces are names of the vocabulary (checked plain) and index variables.
        self.path = path
        self.labels = labels


def _scalar(out: _Source, field: Field, kind: str, var: str, level: int) -> None:
    """Write the check of one scalar in ``var``, converting it in place."""
    if kind == "str":
        with out.block(f"if type({var}) is not str:"):
            out.add("raise Fallback")
    elif kind == "bool":
        with out.block(f"if {var} is not True and {var} is not False:"):
            out.add("raise Fallback")
    elif kind == "int":
        with out.block(f"if type({var}) is not int or {var} < 0:"):
            out.add("raise Fallback")
    elif kind == "enum":
        # A set display of constants after ``in`` compiles to one frozenset constant.
        values = ", ".join(repr(v) for v in field.values)
        with out.block(f"if type({var}) is not str or {var} not in {{{values}}}:"):
            out.add("raise Fallback")
    elif kind == "date":
        t = f"t{level}"
        with out.block(f"if type({var}) is str:"):
            out.add(f"{t} = DATES.get({var})")
            # Written out rather than called: a year of daily posts is 365 texts not yet read.
            with out.block(f"if {t} is None:"):
                # facts._parse_date's common case, and only it: exactly YYYY-MM-DD.
                shape = f"len({var}) == 10 and {var}[4] == '-' and {var}[7] == '-'"
                with out.block(f"if not ({shape} and {var}.isascii()):"):
                    out.add("raise Fallback")
                with out.block("try:"):
                    out.add(f"{t} = fromisoformat({var})")
                with out.block("except ValueError:"):
                    out.add("raise Fallback from None")
                with out.block("if len(DATES) < DATES_KEPT:"):
                    out.add(f"DATES[{var}] = {t}")
            out.add(f"{var} = {t}")
        with out.block(f"elif type({var}) is not date:"):
            out.add("raise Fallback")
    else:  # pragma: no cover - the vocabulary has no other scalar kinds
        raise AssertionError(kind)


def _value(
    out: _Source, field: Field, level: int, namespace: dict[str, Any], where: _Where | None = None
) -> None:
    """Write the check of ``field``'s value in ``v{level}``, normalising it in place.

    ``where``: the value's place in the read tree, when its unread facts are to be noted.
    """
    v = f"v{level}"
    if field.kind == "object":
        out.add(f"d{level + 1} = {v}")
        _object(out, field, level + 1, namespace, where)
        out.add(f"{v} = o{level + 1}")
        return
    if field.kind != "list":
        _scalar(out, field, field.kind, v, level)
        return
    t = f"t{level}"
    out.add(f"{t} = type({v})")
    with out.block(f"if {t} is not list and {t} is not tuple:"):
        out.add("raise Fallback")
    with out.block(f"if not {v}:"):
        out.add(f"{v} = ()")
    with out.block("else:"):
        _items(out, field, level, namespace, where)


def _items(
    out: _Source, field: Field, level: int, namespace: dict[str, Any], where: _Where | None
) -> None:
    """Write the check of the items of the non-empty list in ``v{level}``, into a tuple."""
    v, w = f"v{level}", f"w{level}"
    item = f"d{level + 1}" if field.fields else f"e{level}"
    # An item's unread facts are spelt with its index: counted only where they may be.
    index = f"i{level}" if where is not None and field.fields else None
    if index is not None:
        out.add(f"{index} = -1")
    # A loop that appends, with each item's checks written inside it, is cheaper than a
    # comprehension or map() over a function for the short lists facts mostly hold.
    out.add(f"{w} = []")
    with out.block(f"for {item} in {v}:"):
        if field.fields:
            inner = None
            if where is not None and index is not None:
                out.add(f"{index} += 1")
                inner = _Where(where.node, f"{where.path}[{{{index}}}]", where.labels)
            _object(out, field, level + 1, namespace, inner)
            out.add(f"{w}.append(o{level + 1})")
        else:
            _scalar(out, field, field.item or "str", item, level)
            out.add(f"{w}.append({item})")
    for name in field._unique:
        if name in field._required:
            test = f"len({w}) > 1 and len({{e[{name!r}] for e in {w}}}) != len({w})"
            with out.block(f"if {test}:"):
                out.add("raise Fallback")
            continue
        out.add("s = set()")
        with out.block(f"for e in {w}:"), out.block(f"if {name!r} in e:"):
            with out.block(f"if e[{name!r}] in s:"):
                out.add("raise Fallback")
            out.add(f"s.add(e[{name!r}])")
    out.add(f"{v} = tuple({w})")


def _groups(fields: tuple[Field, ...], where: _Where | None, level: int) -> list[list[Field]]:
    """Return ``fields`` in groups checked alike (all bools, one enum…), largest first.

    Noting unread facts, a scalar read and one not read are not alike.
    """
    groups: dict[object, list[Field]] = {}
    for f in fields:
        alike: object = f if f.kind in ("object", "list", "enum") else f.kind
        if where is not None and alike is not f:
            alike = (alike, _reported(f, where, level))
        groups.setdefault(alike, []).append(f)
    return sorted(groups.values(), key=len, reverse=True)


def _search(
    out: _Source,
    groups: list[list[Field]],
    lo: int,
    hi: int,
    level: int,
    ns: dict[str, Any],
    where: _Where | None,
) -> None:
    """Write a binary search on the group number ``c{level}`` over ``groups[lo:hi]``."""
    if hi - lo == 1:
        _key(out, groups[lo][0], level, ns, where)
        return
    mid = (lo + hi) // 2
    test = f"c{level} == {lo}" if mid - lo == 1 else f"c{level} < {mid}"
    with out.block(f"if {test}:"):
        _search(out, groups, lo, mid, level, ns, where)
    with out.block("else:"):
        _search(out, groups, mid, hi, level, ns, where)


def _reported(field: Field, where: _Where, level: int) -> bool:
    """Return whether a given ``field`` here is an unused fact, as reads.unused_facts says:
    no rule reads it, and it is not a label (id, name) below the top."""
    return field.name not in where.node and not (field.name in where.labels and level > 0)


def _key(out: _Source, field: Field, level: int, ns: dict[str, Any], where: _Where | None) -> None:
    """Write the check of the value of key ``k{level}`` (``field``), noting it if unread."""
    inner = None
    if where is not None:
        below = where.node.get(field.name)
        if below is None:
            if _reported(field, where, level):
                # The key as given (a plain str, checked): the generic walk spells it so.
                spelt = f"{where.path}.{{k{level}}}" if where.path else f"{{k{level}}}"
                out.add(f'out.append(f"{spelt}")')
        else:
            name = f"{where.path}.{field.name}" if where.path else field.name
            inner = _Where(below, name, where.labels)
    _value(out, field, level, ns, inner)


def _object(
    out: _Source, field: Field, level: int, namespace: dict[str, Any], where: _Where | None = None
) -> None:
    """Write the check of the object in ``d{level}``, its normalised dict left in ``o{level}``."""
    d, o, k, v = f"d{level}", f"o{level}", f"k{level}", f"v{level}"
    with out.block(f"if type({d}) is not dict:"):
        out.add("raise Fallback")
    out.add(f"{o} = {{}}")
    chain = len(field.fields) <= _CHAIN
    # Start and end kept aside as they are read: cheaper than looking both up afterwards.
    ends = {"start": f"start{level}", "end": f"end{level}"} if field._ordered and chain else {}
    if ends:
        out.add(f"{ends['start']} = {ends['end']} = None")
    with out.block(f"for {k}, {v} in {d}.items():"):
        # Checked first: comparing or hashing a str subclass could run the caller's code.
        with out.block(f"if type({k}) is not str:"):
            out.add("raise Fallback")
        if chain:
            for n, sub in enumerate(field.fields):
                with out.block(f"{'elif' if n else 'if'} {k} == {sub.name!r}:"):
                    _key(out, sub, level, namespace, where)
                    if sub.name in ends:
                        out.add(f"{ends[sub.name]} = {v}")
            with out.block("else:"):
                out.add("raise Fallback")
        else:
            # One lookup and three or four comparisons, whichever of 35 facts the key is.
            groups = _groups(field.fields, where, level)
            codes = f"codes{len(namespace)}"
            namespace[codes] = {f.name: n for n, group in enumerate(groups) for f in group}
            out.add(f"c{level} = {codes}.get({k}, -1)")
            with out.block(f"if c{level} < 0:"):
                out.add("raise Fallback")
            _search(out, groups, 0, len(groups), level, namespace, where)
        out.add(f"{o}[{k}] = {v}")
    for required in field._required:
        with out.block(f"if {required!r} not in {o}:"):
            out.add("raise Fallback")
    if field._ordered:
        start, end = ends.get("start", f"{o}['start']"), ends.get("end", f"{o}['end']")
        present = (
            f"{start} is not None and {end} is not None"
            if ends
            else f"'start' in {o} and 'end' in {o}"
        )
        test = f"{present} and {start} > {end}"
        with out.block(f"if {test}:"):
            out.add("raise Fallback")
    for key, default in field._defaults:
        if type(default) not in (bool, int, str):  # pragma: no cover - repr must round-trip
            raise AssertionError(f"the default of {key!r} cannot be written as a literal")
        with out.block(f"if {key!r} not in {o}:"):
            out.add(f"{o}[{key!r}] = {default!r}")


def _validator_code(schema: Field) -> tuple[str, dict[str, Any]]:
    namespace: dict[str, Any] = {}
    out = _Source()
    with out.block("def validate(d0):"):
        _object(out, schema, 0, namespace)
        out.add("return o0")
    return out.text(), namespace


# What every validator's source refers to besides its own tables.
_VALIDATING: dict[str, Any] = {
    "Fallback": Fallback,
    "date": _dt.date,
    "fromisoformat": _dt.date.fromisoformat,
    "DATES": _DATES,
    "DATES_KEPT": _DATES_KEPT,
}


def validator_source() -> str:
    """Return the Python source of the fast validator, written from the vocabulary alone."""
    return _validator_code(SCHEMA)[0]


def validator() -> Validator:
    """Return the fast validator: facts in a plain dict to their normalised dict, or Fallback.

    It accepts only what the generic validator accepts and returns the same value for it;
    it raises Fallback on anything it does not handle, valid or not, before running any of
    the caller's code (no hashing or comparing of str subclasses, no non-dict mappings).
    """
    source, namespace = _validator_code(SCHEMA)
    namespace.update(_VALIDATING)
    run = _run(source, "validator", namespace, quoted=True)
    return run["validate"]  # type: ignore[no-any-return]


def noting_validator(
    tree: Tree, labels: frozenset[str]
) -> Callable[[dict[str, Any], list[str]], dict[str, Any]] | None:
    """Return the fast validator that also notes the unused facts of one read tree.

    ``validate(facts, out)`` returns what ``validator()`` returns, or raises Fallback where
    it does; on success ``out`` holds what ``reads.unused_facts(facts, reads)`` returns for
    the tree, in the same order. The walk's shortcut for items whose keys are all read
    (reads._tree's ``flats``) is not needed: such keys hold no facts of their own, so none
    lies below them to be noted. None if a vocabulary name could not be spelt in an f-string.
    """
    if not all(_PLAIN_NAME.fullmatch(f.name) for f in _all_fields(SCHEMA)):
        return None
    namespace: dict[str, Any] = {}
    out = _Source()
    with out.block("def validate(d0, out):"):
        _object(out, SCHEMA, 0, namespace, _Where(tree, "", labels))
        out.add("return o0")
    namespace.update(_VALIDATING)
    # Not quoted: linecache would keep the source of every one ever made, one per rule set.
    run = _run(out.text(), "validator noting unused facts", namespace, quoted=False)
    return run["validate"]  # type: ignore[no-any-return]


_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def _all_fields(field: Field) -> Iterator[Field]:
    for sub in field.fields:
        yield sub
        yield from _all_fields(sub)


# --- unused facts -----------------------------------------------------------------------

_REPORT = -1  # the code of a key that is neither read nor a label: reported


class _Node:
    """A node of the read tree, numbered, with its data path and its container keys."""

    def __init__(
        self, number: int, tree: Tree, pattern: tuple[str, ...], pieces: tuple[str, ...]
    ) -> None:
        self.number = number
        self.tree = tree
        self.pattern = pattern
        # The data path as the literal pieces between list indexes: accounts[i0].events[i1]
        # is ("accounts[", "].events[", "]"); a path without lists is one piece.
        self.pieces = pieces
        self.read: frozenset[str] = frozenset()  # keys read that hold no facts
        self.quiet: frozenset[str] = frozenset()  # labels, not reported below the top
        self.codes: dict[str, int] = {}  # the container keys' codes
        self.flat: frozenset[str] | None = None  # the keys, when all are read and hold no facts
        self.containers: list[tuple[int, _Node, bool]] = []  # code, child, whether a list

    @property
    def name(self) -> str:
        return f"_node{self.number}"

    @property
    def indexes(self) -> int:
        return len(self.pieces) - 1

    def path(self) -> str:
        """Return an f-string literal that spells this node's data path."""
        parts = [f"{{{self.name}_{n}}}{{i{n}}}" for n in range(self.indexes)]
        return 'f"' + "".join(parts) + f"{{{self.name}_{self.indexes}}}" + '"'


def _nodes(tree: Tree, flats: Mapping[int, frozenset[str]], labels: frozenset[str]) -> list[_Node]:
    """Return the read tree's nodes, root first, each knowing what its keys mean."""
    root = _Node(0, tree, (), ("",))
    nodes = [root]
    for node in nodes:  # grows while walked: breadth first
        nested = bool(node.pattern)
        node.flat = flats.get(id(node.tree))
        read: set[str] = set()
        for key, below in node.tree.items():
            pattern = (*node.pattern, key)
            field = field_at(pattern)
            kind = field.kind if field is not None else ("object" if below else "str")
            if kind not in ("list", "object"):
                read.add(key)
                continue
            pieces = list(node.pieces)
            pieces[-1] += f".{key}" if nested else key
            if kind == "list":
                pieces[-1] += "["
                pieces.append("]")
            child = _Node(len(nodes), below, pattern, tuple(pieces))
            nodes.append(child)
            code = len(node.containers)
            node.codes[key] = code
            node.containers.append((code, child, kind == "list"))
        node.read = frozenset(read)
        # A label is quiet below the top unless a rule reads it: the tree comes first.
        node.quiet = labels - node.tree.keys() if nested else frozenset()
    return nodes


def _walk(out: _Source, node: _Node, level: int) -> None:
    """Write the walk of the object in ``d{level}`` at ``node``, appending to ``out``."""
    d, k, v, t = (f"{x}{level}" for x in "dkvt")
    name = node.name
    # The generic walk of the one fact k, with its path: the answer for every value this
    # code does not handle itself, so that no case is decided in two places.
    where = node.path() if node.pattern else "''"
    generic = f"_visit({{{k}: {v}}}, {name}_tree, flats, {where}, out)"
    with out.block(f"for {k}, {v} in {d}.items():"):
        keyword = "if"
        # Read facts holding a value come first: in facts that fit the rules, most are.
        if node.read:
            with out.block(f"if {k} in {name}_read:"):
                # A value of a plain scalar type is no mapping or list: nothing lies below.
                out.add(f"{t} = type({v})")
                scalar = f"{t} is str or {t} is bool or {t} is date or {t} is int"
                with out.block(f"if not ({scalar}):"):
                    out.add(generic)
            keyword = "elif"
        if node.quiet:
            with out.block(f"{keyword} {k} in {name}_quiet:"):
                out.add("pass")
            keyword = "elif"
        with out.block("else:") if keyword == "elif" else contextlib.nullcontext():
            _other(out, node, level, generic)


def _other(out: _Source, node: _Node, level: int, generic: str) -> None:
    """Write what the walk does with a key ``k{level}`` that is neither a read value nor quiet."""
    k, c = f"k{level}", f"c{level}"
    # As the generic walk spells a key it reports: the key itself at the top, else formatted.
    report = f'out.append({node.path()[:-1]}.{{{k}}}")' if node.pattern else f"out.append({k})"
    if not node.containers:
        out.add(report)
        return
    out.add(f"{c} = {node.name}_codes.get({k}, {_REPORT})")
    for n, (code, child, is_list) in enumerate(node.containers):
        with out.block(f"{'elif' if n else 'if'} {c} == {code}:"):
            _container(out, child, is_list, level, generic)
    with out.block("else:"):
        out.add(report)


def _container(out: _Source, child: _Node, is_list: bool, level: int, generic: str) -> None:
    """Write the walk into the list or object the vocabulary expects in ``v{level}``."""
    k, v, t, item = f"k{level}", f"v{level}", f"t{level}", f"d{level + 1}"
    out.add(f"{t} = type({v})")
    # The key goes into paths: only a plain str is certain to print as the generic walk
    # prints it.
    if not is_list:
        with out.block(f"if {t} is dict and type({k}) is str:"):
            out.add(f"{item} = {v}")
            _walk(out, child, level + 1)
        with out.block("else:"):
            out.add(generic)
        return
    index = f"i{child.indexes - 1}"
    with out.block(f"if ({t} is list or {t} is tuple) and type({k}) is str:"):
        # Counted by hand: enumerate() costs more than the walk of a short list.
        out.add(f"{index} = -1")
        with out.block(f"for {item} in {v}:"):
            out.add(f"{index} += 1")
            with out.block(f"if type({item}) is dict:"):
                if child.flat is not None:
                    # Every fact of such an item is read and none holds facts: skipped
                    # whole, by its keys only, as the generic walk skips it.
                    with out.block(f"if {child.name}_flat.issuperset({item}):"):
                        out.add("continue")
                _walk(out, child, level + 1)
            with out.block(f"elif isinstance({item}, Mapping):"):
                out.add(f"_visit({item}, {child.name}_tree, flats, {child.path()}, out)")
    with out.block("else:"):
        out.add(generic)


def _unused_code(
    tree: Tree, flats: Mapping[int, frozenset[str]], labels: frozenset[str]
) -> tuple[str, dict[str, Any]]:
    nodes = _nodes(tree, flats, labels)
    namespace: dict[str, Any] = {}
    for node in nodes:
        namespace[f"{node.name}_tree"] = node.tree
        namespace[f"{node.name}_codes"] = node.codes
        namespace[f"{node.name}_read"] = node.read
        namespace[f"{node.name}_quiet"] = node.quiet
        namespace[f"{node.name}_flat"] = node.flat
        for n, piece in enumerate(node.pieces):
            namespace[f"{node.name}_{n}"] = piece
    out = _Source()
    with out.block("def walk(d0, out):"):
        _walk(out, nodes[0], 0)
    return out.text(), namespace


def unused_source(tree: Tree, flats: Mapping[int, frozenset[str]], labels: frozenset[str]) -> str:
    """Return the Python source of the unused-facts walk of one read tree."""
    return _unused_code(tree, flats, labels)[0]


def unused_walker(
    tree: Tree, flats: Mapping[int, frozenset[str]], labels: frozenset[str], visit: Visit
) -> Walker:
    """Return the unused-facts walk of one read tree: (facts in a plain dict, out) to None.

    It appends to ``out`` what ``visit(data, tree, flats, "", out)`` would, in the same order;
    every value it does not handle itself it passes to ``visit``, one fact at a time. ``tree``
    and ``flats`` must stay alive and unchanged as long as the walk is used.
    """
    source, namespace = _unused_code(tree, flats, labels)
    namespace.update(date=_dt.date, Mapping=Mapping, flats=flats, _visit=visit)
    # Not quoted: linecache would keep the source of every walk ever made, one per rule set.
    run = _run(source, "unused facts", namespace, quoted=False)
    return run["walk"]  # type: ignore[no-any-return]
