"""The meaning of "unknown": Kleene's three-valued logic, counts as ranges, partly known lists.

Every operator, filter, aggregate, condition and verdict of the engine asks this module what
an unknown does; nothing else decides it. An unknown value is ``Missing``, naming the fact
paths whose absence made it unknown. Whenever the known facts force an answer, the answer is
given: ``false and unknown`` is false, a count over a list with unknown members is a range,
and a range compared with a number is true or false when every value in it agrees.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import attrs

from govrules.values import Missing

Truth = bool | Missing


class LogicError(Exception):
    """A value of the wrong kind met a logical operator; the checks should have caught it."""


def unknown(*values: object) -> Missing:
    """Return one Missing naming every path of the unknown values given (the others ignored)."""
    found = [v for v in values if isinstance(v, Missing)]
    if len(found) == 1:
        return found[0]
    return Missing.union(found)


def truth(value: object) -> Truth:
    """Return ``value`` as a truth value: true, false or unknown."""
    if value is True or value is False or isinstance(value, Missing):
        return value
    if isinstance(value, Partial | Range):
        return value.missing
    raise LogicError(f"expected true or false, found {value!r}")


def and_(a: object, b: object) -> Truth:
    """Return Kleene's ``a and b``: false wins over unknown, unknown over true."""
    a, b = truth(a), truth(b)
    if a is False or b is False:
        return False
    if a is True and b is True:
        return True
    return unknown(a, b)


def or_(a: object, b: object) -> Truth:
    """Return Kleene's ``a or b``: true wins over unknown, unknown over false."""
    a, b = truth(a), truth(b)
    if a is True or b is True:
        return True
    if a is False and b is False:
        return False
    return unknown(a, b)


def not_(a: object) -> Truth:
    """Return Kleene's ``not a``: the negation of an unknown is unknown."""
    a = truth(a)
    return a if isinstance(a, Missing) else not a


def all_(values: Iterable[object]) -> Truth:
    """Return the Kleene conjunction of ``values`` (true for none); every unknown is named."""
    pending: list[Missing] = []
    for v in values:
        t = truth(v)
        if t is False:
            return False
        if isinstance(t, Missing):
            pending.append(t)
    return unknown(*pending) if pending else True


@attrs.frozen
class Range:
    """A whole number known only to lie between ``lo`` and ``hi`` (inclusive)."""

    lo: int
    hi: int
    missing: Missing

    def __str__(self) -> str:
        return f"至少{self.lo}、至多{self.hi}"


@attrs.frozen
class Partial:
    """A list whose ``known`` members are certain and whose ``maybe`` members may or may not be.

    A ``where`` filter gives one when its condition is unknown for some items: those items
    are ``maybe``, and ``missing`` names the facts that would settle them.
    """

    known: tuple[Any, ...]
    maybe: tuple[Any, ...]
    missing: Missing

    @property
    def largest(self) -> tuple[Any, ...]:
        """Return the list as it is if every uncertain member belongs to it."""
        return self.known + self.maybe


def partial(known: Sequence[Any], maybe: Sequence[Any], why: Sequence[Missing]) -> Any:
    """Return a plain tuple when nothing is uncertain, else a Partial."""
    if not maybe:
        return tuple(known)
    return Partial(tuple(known), tuple(maybe), unknown(*why))


def count(items: object) -> int | Range | Missing:
    """Return how many items a list has: a range when some members are uncertain."""
    if isinstance(items, Missing):
        return items
    if isinstance(items, Partial):
        return Range(len(items.known), len(items.largest), items.missing)
    return len(items)  # type: ignore[arg-type]


def is_empty(items: object) -> Truth:
    """Return whether a list is empty; a certain member settles it even if others are unknown."""
    if isinstance(items, Missing):
        return items
    if isinstance(items, Partial):
        return False if items.known else items.missing
    return len(items) == 0  # type: ignore[arg-type]


def member(x: object, items: object) -> Truth:
    """Return ``x in items``, three-valued."""
    if isinstance(x, Missing) or isinstance(items, Missing):
        return unknown(x, items)
    if isinstance(items, Partial):
        if x in items.known:
            return True
        return items.missing if x in items.maybe else False
    return x in items  # type: ignore[operator]


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def compare(op: str, a: object, b: object) -> Truth:
    """Return ``a op b`` for a comparison operator; ranges give an answer when all values agree."""
    if isinstance(a, Missing) or isinstance(b, Missing):
        return unknown(a, b)
    test = _ORDER[op]
    if isinstance(a, Range) or isinstance(b, Range):
        decided = _compare_ranges(op, *_ends(a), *_ends(b))
        if decided is not None:
            return decided
        return unknown(
            a.missing if isinstance(a, Range) else None,
            b.missing if isinstance(b, Range) else None,
        )
    try:
        return test(a, b)
    except TypeError:
        raise LogicError(f"cannot compare {a!r} with {b!r}") from None


def _ends(x: Any) -> tuple[Any, Any]:
    return (x.lo, x.hi) if isinstance(x, Range) else (x, x)


def _compare_ranges(op: str, lo_a: Any, hi_a: Any, lo_b: Any, hi_b: Any) -> bool | None:
    """Return the comparison of two ranges when every pair of values agrees, else None."""
    if op == "<":
        return True if hi_a < lo_b else False if lo_a >= hi_b else None
    if op == "<=":
        return True if hi_a <= lo_b else False if lo_a > hi_b else None
    if op == ">":
        return True if lo_a > hi_b else False if hi_a <= lo_b else None
    if op == ">=":
        return True if lo_a >= hi_b else False if hi_a < lo_b else None
    equal = lo_a == hi_a == lo_b == hi_b
    disjoint = hi_a < lo_b or hi_b < lo_a
    if op == "==":
        return True if equal else False if disjoint else None
    return False if equal else True if disjoint else None


def monotone_bounds(fn: Callable[..., Any], args: Sequence[Any], flexible: Sequence[int]) -> Any:
    """Return ``fn(*args)`` when some list arguments are Partial and ``fn`` is monotone in them.

    ``flexible`` are the positions where the function is monotone in set inclusion. The
    result is computed with the smallest and the largest reading of every Partial: equal
    results are the answer; whole numbers become a Range; anything else stays unknown.
    """
    small = list(args)
    large = list(args)
    why: list[Missing] = []
    for i in flexible:
        arg = args[i]
        if isinstance(arg, Partial):
            small[i], large[i] = arg.known, arg.largest
            why.append(arg.missing)
    low, high = fn(*small), fn(*large)
    if low == high:
        return low
    missing = unknown(*why)
    if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        return Range(min(low, high), max(low, high), missing)
    return missing
