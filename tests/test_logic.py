"""The three-valued core: Kleene truth tables, counts as ranges, comparisons on ranges."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules import logic
from govrules.logic import Partial, Range
from govrules.values import Missing

U = Missing(frozenset({"a"}))
V = Missing(frozenset({"b"}))
T, F = True, False

# Kleene's strong three-valued logic, written out as the tables in the literature give it.
AND = {
    (T, T): T, (T, F): F, (T, U): U,
    (F, T): F, (F, F): F, (F, U): F,
    (U, T): U, (U, F): F, (U, U): U,
}  # fmt: skip
OR = {
    (T, T): T, (T, F): T, (T, U): T,
    (F, T): T, (F, F): F, (F, U): U,
    (U, T): T, (U, F): U, (U, U): U,
}  # fmt: skip
NOT = {T: F, F: T, U: U}


def _same(a: object, b: object) -> bool:
    if isinstance(b, Missing):
        return isinstance(a, Missing)
    return a is b


@pytest.mark.parametrize(("a", "b"), list(itertools.product((T, F, U), repeat=2)))
def test_and_follows_the_kleene_table(a: object, b: object) -> None:
    """`a and b` for every pair of true, false and unknown is Kleene's value."""
    assert _same(logic.and_(a, b), AND[(a, b)])  # type: ignore[index]


@pytest.mark.parametrize(("a", "b"), list(itertools.product((T, F, U), repeat=2)))
def test_or_follows_the_kleene_table(a: object, b: object) -> None:
    """`a or b` for every pair of true, false and unknown is Kleene's value."""
    assert _same(logic.or_(a, b), OR[(a, b)])  # type: ignore[index]


@pytest.mark.parametrize("a", [T, F, U])
def test_not_follows_the_kleene_table(a: object) -> None:
    """`not a` swaps true and false and keeps unknown."""
    assert _same(logic.not_(a), NOT[a])  # type: ignore[index]


def test_an_unknown_result_names_every_fact_that_could_change_it() -> None:
    """unknown and unknown names both facts; false and unknown names none (it is false)."""
    both = logic.and_(U, V)
    assert isinstance(both, Missing)
    assert both.paths == {"a", "b"}
    assert logic.or_(U, V) == Missing(frozenset({"a", "b"}))
    assert logic.and_(F, U) is False


def test_a_conjunction_of_many_stops_at_the_first_false() -> None:
    """all_ is false as soon as one value is false, even after unknowns; true for none."""
    assert logic.all_([U, F, V]) is False
    assert logic.all_([]) is True
    assert logic.all_([T, U, V]) == Missing(frozenset({"a", "b"}))


def test_a_count_over_uncertain_members_is_a_range() -> None:
    """Two certain and one uncertain member: the count is at least 2 and at most 3."""
    items = Partial(("x", "y"), ("z",), U)
    assert logic.count(items) == Range(2, 3, U)
    assert logic.count(("x",)) == 1


@pytest.mark.parametrize(
    ("op", "number", "expected"),
    [
        (">=", 2, T),  # every count in 2..3 is at least 2
        (">=", 3, U),  # 2 is not, 3 is
        (">=", 4, F),
        ("<=", 3, T),
        ("<=", 1, F),
        ("<=", 2, U),
        ("==", 1, F),
        ("==", 2, U),
        ("!=", 5, T),
        ("<", 2, F),
        (">", 1, T),
    ],
)
def test_a_range_compared_with_a_number(op: str, number: int, expected: object) -> None:
    """A range compared with a number is decided when every value in it agrees."""
    assert _same(logic.compare(op, Range(2, 3, U), number), expected)


def test_a_single_valued_range_compares_like_its_value() -> None:
    """Range(4, 4) == 4 is true, != 4 is false."""
    assert logic.compare("==", Range(4, 4, U), 4) is True
    assert logic.compare("!=", 4, Range(4, 4, U)) is False


@given(
    lo=st.integers(0, 6),
    width=st.integers(0, 4),
    n=st.integers(-1, 11),
    op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
)
def test_a_decided_range_comparison_holds_for_every_value_in_the_range(
    lo: int, width: int, n: int, op: str
) -> None:
    """If compare gives true or false, every count in the range gives that same answer."""
    result = logic.compare(op, Range(lo, lo + width, U), n)
    answers = {logic.compare(op, v, n) for v in range(lo, lo + width + 1)}
    if isinstance(result, bool):
        assert answers == {result}
    else:
        assert answers == {True, False}


def test_emptiness_and_membership_of_a_partly_known_list() -> None:
    """A certain member makes the list non-empty; a maybe-member makes membership unknown."""
    items = Partial(("x",), ("z",), U)
    assert logic.is_empty(items) is False
    assert logic.is_empty(Partial((), ("z",), U)) == U
    assert logic.member("x", items) is True
    assert logic.member("z", items) == U
    assert logic.member("q", items) is False


def test_a_monotone_function_of_a_partly_known_list_is_bounded() -> None:
    """len over a list with one uncertain member is a range; a constant is decided."""
    items = Partial((1, 2), (3,), U)
    assert logic.monotone_bounds(len, [items], [0]) == Range(2, 3, U)
    assert logic.monotone_bounds(lambda xs: min(xs), [items], [0]) == 1
