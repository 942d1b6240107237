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

import datetime as _dt
import linecache
from collections.abc import Callable
from typing import Any

from govrules.facts import SCHEMA, Fallback, Field

__all__ = ["validator", "validator_source"]

Validator = Callable[[dict[str, Any]], dict[str, Any]]

# Objects with more fields than this look a key's group of fields up in a dict and find
# the group by a binary search on its number; fewer compare the key with each name in turn,
# which is cheaper for them.
_CHAIN = 8

# Date texts already read, shared by every validation: a unit's dates repeat (posts, a
# period), and a lookup is several times cheaper than checking and parsing the text. Dates
# are immutable, so sharing one object between results is invisible to callers.
_DATES: dict[str, _dt.date] = {}
_DATES_KEPT = 4096  # eleven years of days


def _date_text(text: str) -> _dt.date:
    """Return the date ``text`` spells, as facts._parse_date's common case; else Fallback."""
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:
            day = _dt.date.fromisoformat(text)
        except ValueError:
            raise Fallback from None
        if len(_DATES) < _DATES_KEPT:
            _DATES[text] = day
        return day
    raise Fallback


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
        with out.block(f"if type({var}) is str:"):
            # A date is never false: ``or`` reaches _date_text only for a text not yet read.
            out.add(f"{var} = DATES.get({var}) or _date_text({var})")
        with out.block(f"elif type({var}) is not date:"):
            out.add("raise Fallback")
    else:  # pragma: no cover - the vocabulary has no other scalar kinds
        raise AssertionError(kind)


def _value(out: _Source, field: Field, level: int, namespace: dict[str, Any]) -> None:
    """Write the check of ``field``'s value in ``v{level}``, normalising it in place."""
    v = f"v{level}"
    if field.kind == "object":
        out.add(f"d{level + 1} = {v}")
        _object(out, field, level + 1, namespace)
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
        _items(out, field, level, namespace)


def _items(out: _Source, field: Field, level: int, namespace: dict[str, Any]) -> None:
    """Write the check of the items of the non-empty list in ``v{level}``, into a tuple."""
    v, w = f"v{level}", f"w{level}"
    item = f"d{level + 1}" if field.fields else f"e{level}"
    # A loop that appends, with each item's checks written inside it, is cheaper than a
    # comprehension or map() over a function for the short lists facts mostly hold.
    out.add(f"{w} = []")
    with out.block(f"for {item} in {v}:"):
        if field.fields:
            _object(out, field, level + 1, namespace)
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


def _groups(fields: tuple[Field, ...]) -> list[list[Field]]:
    """Return ``fields`` in groups checked alike (all bools, one enum…), largest first."""
    groups: dict[object, list[Field]] = {}
    for f in fields:
        alike = f if f.kind in ("object", "list", "enum") else f.kind
        groups.setdefault(alike, []).append(f)
    return sorted(groups.values(), key=len, reverse=True)


def _search(
    out: _Source, groups: list[list[Field]], lo: int, hi: int, level: int, ns: dict[str, Any]
) -> None:
    """Write a binary search on the group number ``c{level}`` over ``groups[lo:hi]``."""
    if hi - lo == 1:
        _value(out, groups[lo][0], level, ns)
        return
    mid = (lo + hi) // 2
    test = f"c{level} == {lo}" if mid - lo == 1 else f"c{level} < {mid}"
    with out.block(f"if {test}:"):
        _search(out, groups, lo, mid, level, ns)
    with out.block("else:"):
        _search(out, groups, mid, hi, level, ns)


def _object(out: _Source, field: Field, level: int, namespace: dict[str, Any]) -> None:
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
                    _value(out, sub, level, namespace)
                    if sub.name in ends:
                        out.add(f"{ends[sub.name]} = {v}")
            with out.block("else:"):
                out.add("raise Fallback")
        else:
            # One lookup and three or four comparisons, whichever of 35 facts the key is.
            groups = _groups(field.fields)
            codes = f"codes{len(namespace)}"
            namespace[codes] = {f.name: n for n, group in enumerate(groups) for f in group}
            out.add(f"c{level} = {codes}.get({k}, -1)")
            with out.block(f"if c{level} < 0:"):
                out.add("raise Fallback")
            _search(out, groups, 0, len(groups), level, namespace)
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
    namespace.update(Fallback=Fallback, date=_dt.date, DATES=_DATES, _date_text=_date_text)
    run = _run(source, "validator", namespace, quoted=True)
    return run["validate"]  # type: ignore[no-any-return]
