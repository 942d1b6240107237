"""Tests for the code written from the vocabulary: it decides exactly as the generic walks do."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import enum
import operator
import re
import subprocess
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import govrules
from govrules import factcode, facts, reads
from govrules.errors import FactsError
from govrules.facts import LABELS, SCHEMA, Field, validate
from govrules.reads import Pattern, fact_reads, unused_facts

# --- inputs ------------------------------------------------------------------------------


class Text(str):
    """A str subclass, as an ORM or an enum might hand over."""

    __slots__ = ()


class Shown(str):
    """A str subclass that formats itself its own way."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        return f"<{str.__str__(self)}>"


class Day(dt.date):
    """A date subclass."""


class Items(list):  # type: ignore[type-arg]
    """A list subclass."""


class Ordered(OrderedDict):  # type: ignore[type-arg]
    """A dict subclass."""


class View(Mapping[Any, Any]):
    """A mapping that is not a dict."""

    def __init__(self, data: Mapping[Any, Any]) -> None:
        self._data = dict(data)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class Count(int):
    """An int subclass."""


class Platform(str, enum.Enum):
    """A str enum, whose members are str subclasses."""

    WECHAT = "wechat"


DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31))


def _scalar(field: Field, kind: str) -> st.SearchStrategy[Any]:
    if kind == "enum":
        return st.sampled_from(field.values)
    if kind == "date":
        return DATES.flatmap(lambda day: st.sampled_from([day, day.isoformat()]))
    if kind == "int":
        return st.one_of(st.integers(0, 10_000), st.just(10**30))
    if kind == "bool":
        return st.booleans()
    return st.text(max_size=6)


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    """Swap start and end when they are out of order, keeping the keys where they are."""
    if "start" in record and "end" in record:
        start, end = (
            v if isinstance(v, dt.date) else dt.date.fromisoformat(v)
            for v in (record["start"], record["end"])
        )
        if start > end:
            record = {**record, "start": record["end"], "end": record["start"]}
    return record


def _object(field: Field) -> st.SearchStrategy[dict[str, Any]]:
    required = {f.name: valid(f) for f in field.fields if f.required}
    optional = {f.name: valid(f) for f in field.fields if not f.required}
    drawn = st.fixed_dictionaries(required, optional=optional).map(_ordered)
    # Any key order: the result keeps the order given.
    return drawn.flatmap(lambda d: st.permutations(list(d.items())).map(dict))


def valid(field: Field) -> st.SearchStrategy[Any]:
    """Return a strategy for valid values of ``field`` in plain types: what JSON gives."""
    if field.kind == "object":
        return _object(field)
    if field.kind == "list":
        if field.fields:
            unique = tuple(operator.itemgetter(f.name) for f in field.fields if f.unique)
            items = st.lists(_object(field), max_size=3, unique_by=unique or None)
        else:
            assert field.item is not None
            items = st.lists(_scalar(field, field.item), max_size=3)
        return st.one_of(items, items.map(tuple))
    return _scalar(field, field.kind)


VALID = valid(SCHEMA)

# Values that broke, or nearly broke, one validator or the other.
ODD = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -1,
        2**70,
        -(2**70),
        1.5,
        "",
        "x",
        "open",
        "wechat",
        "abroad",
        "2024-02-30",
        "2024-1-01",
        "20240101",
        "2024-W01-1",
        "2024-01-01T00:00",
        "２０２４-01-01",
        " 2024-01-01",
        "2024-13-01",
        dt.date(2024, 1, 1),
        dt.datetime(2024, 1, 1),
        Day(2024, 1, 1),
        Text("open"),
        Text("2024-01-01"),
        Platform.WECHAT,
        b"open",
        (),
        {"date": "2024-01-01"},
    ]
)


def _changed(draw: st.DrawFn, value: Any) -> Any:
    """Return ``value`` changed in one way a caller might get wrong."""
    choice = draw(st.integers(0, 9))
    if isinstance(value, dict):
        keys = list(value)
        if choice == 0:
            return View(value)
        if choice == 1:
            return Ordered(value)
        if choice == 2 and keys:
            del_key = draw(st.sampled_from(keys))
            return {k: v for k, v in value.items() if k != del_key}
        if choice == 3 and keys:
            renamed = draw(st.sampled_from(keys))
            return {Text(k) if k == renamed else k: v for k, v in value.items()}
        if choice == 4:
            key = draw(st.one_of(st.text(max_size=6), st.sampled_from([1, ("date",), None])))
            return {**value, key: draw(st.one_of(ODD, st.booleans()))}
        if choice == 5 and "start" in value and "end" in value:
            return {**value, "start": value["end"], "end": value["start"]}
    if isinstance(value, (list, tuple)):
        if choice <= 2 and value:
            return [*value, value[draw(st.integers(0, len(value) - 1))]]  # a duplicate id
        if choice == 3:
            return Items(value)
        if choice == 4:
            return tuple(value) if isinstance(value, list) else list(value)
        if choice == 5:
            return [*value, draw(ODD)]
    if isinstance(value, str) and choice <= 3:
        return draw(st.sampled_from([Text(value), value + " ", value.upper()]))
    if type(value) is dt.date and choice <= 3:
        return draw(st.sampled_from([Day(value.year, value.month, value.day), str(value)[:7]]))
    return draw(ODD)


def _mutate(draw: st.DrawFn, value: Any) -> Any:
    """Return ``value`` with one change somewhere inside it, a new object along the way."""
    if type(value) is dict and value and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(list(value)))
        return {k: _mutate(draw, v) if k == key else v for k, v in value.items()}
    if type(value) in (list, tuple) and value and draw(st.integers(0, 3)):
        at = draw(st.integers(0, len(value) - 1))
        items = [_mutate(draw, v) if i == at else v for i, v in enumerate(value)]
        return type(value)(items)
    return _changed(draw, value)


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """Draw valid facts with one to three things wrong or unusual about them."""
    value = draw(VALID)
    for _ in range(draw(st.integers(1, 3))):
        value = _mutate(draw, value)
    return value


# --- outcomes ----------------------------------------------------------------------------


def structure(value: Any) -> Any:
    """Return ``value`` spelled out with every type and the order of every mapping."""
    if isinstance(value, Mapping):
        pairs = tuple((structure(k), structure(v)) for k, v in value.items())
        return (type(value), pairs)
    if isinstance(value, (list, tuple)):
        return (type(value), tuple(structure(v) for v in value))
    return (type(value), value)


def outcome(validator: Callable[[Any], facts.Facts], value: Any) -> Any:
    """Return what ``validator`` makes of ``value``: its result, or its error in full."""
    try:
        result = validator(value)
    except FactsError as error:
        return ("error", str(error), error.path, error.expected, error.found, error.hint)
    assert type(result) is facts.Facts
    return ("facts", structure(result.data))


FAST = factcode.validator()


def generic(value: Any) -> facts.Facts:
    """Validate by the generic walk alone."""
    return facts._validate_generic(value)


@pytest.fixture(autouse=True)
def _fast_validator() -> None:
    """Make sure validate has its fast validator, made at the second validation."""
    validate({})
    validate({})
    assert facts._fast is not None


# --- validation --------------------------------------------------------------------------


# No deadline: a shared machine's pauses are not what these properties are about.
@settings(deadline=None)
@given(VALID)
def test_the_fast_validator_takes_valid_facts_and_agrees_with_the_generic_walk(
    value: dict[str, Any],
) -> None:
    """Valid facts in plain types: the fast validator decides them alone, as the generic walk."""
    assert structure(FAST(value)) == structure(generic(value).data)
    assert outcome(validate, value) == outcome(generic, value)
    assert validate(value) == generic(value)  # every field of Facts, not only its data


@settings(deadline=None)
@given(mutated())
def test_validate_agrees_with_the_generic_walk_on_odd_and_invalid_facts(value: Any) -> None:
    """Wrong types, unknown keys, bad dates, subclasses, other mappings: the same answer."""
    assert outcome(validate, value) == outcome(generic, value)


@pytest.mark.parametrize(
    "value",
    [
        {"accounts": [{"id": "a"}, {"id": "a"}]},
        {"accounts": [{"id": "a"}, {"id": Text("a")}]},
        {"period": {"start": "2025-06-30", "end": "2025-06-10"}},
        {"website": {"offline": [{"start": dt.date(2025, 1, 2), "end": "2025-01-01"}]}},
        {"accounts": [{"events": [{"type": "open"}]}]},
        {"accounts": [{"id": "a", "events": [{"date": "2024-01-01"}]}]},
        {"accounts": [{"id": "a", "posts": [{"original": True}]}]},
        {"accounts": [{"id": "a", "platform": Platform.WECHAT}]},
        {"accounts": [{"id": "a", "notices": True}]},
        {"accounts": [{"id": "a", "notices": -(10**5000)}]},
        {"accounts": [{"id": "a", "events": [{"type": "open", "date": "2024-02-30"}]}]},
        {"accounts": [{"id": "a", "events": [{"type": "open", "date": "2024-W01-1"}]}]},
        {"accounts": [{"id": "a", "events": [{"type": "open", "materials": ["staffing", 1]}]}]},
        {"website": {"columns": [{"updates": ["2024-01-01", None]}]}},
        {Text("period"): {"start": "2025-06-10"}},
        {"period": View({"start": "2025-06-10"})},
        {1: "x"},
        {"unit": None},
        {"accounts": Items([{"id": "a"}])},
        {"accounts": [{"id": Text("a")}]},
        {"accounts": [{"id": "a", "server_region": Text("abroad")}]},
        {"accounts": [{"id": "a", "opened_on": Text("2024-01-01")}]},
        {"accounts": [{"id": "a", "opened_on": Day(2024, 1, 1)}]},
        {"accounts": [{"id": "a", "opened_on": dt.datetime(2024, 1, 1)}]},
        {"accounts": [{"id": "a", "notices": Count(3)}]},
        {"unit": {"own_website": 1}},
        {"unit": {"own_website": 0}},
        {"unit": Ordered({"kind": "department"})},
        {"accounts": ({"id": "a", "posts": ({"date": "2024-01-01"},)},)},
        {"accounts": [Ordered({"id": "a"})]},
        {"website": {"columns": [{"updates": Items(["2024-01-01"])}]}},
        {"accounts": [{"id": "a", "events": [{"type": "open", "date": "2024-01-01"}] * 2}]},
    ],
)
def test_validate_agrees_with_the_generic_walk_on_each_kind_of_problem(value: Any) -> None:
    """Each case the fast validator hands over gives the generic walk's answer, error or not."""
    assert outcome(validate, value) == outcome(generic, value)


class Calls:
    """Counts the calls into the caller's code that validation makes."""

    count = 0


class SpyText(str):
    """A str subclass with its own hash and equality, as a caller might write."""

    def __hash__(self) -> int:
        Calls.count += 1
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        Calls.count += 1
        return str.__eq__(self, other)


class SpyDict(dict):  # type: ignore[type-arg]
    """A dict subclass whose items the caller computes."""

    def items(self) -> Any:
        Calls.count += 1
        return super().items()


class SpyList(list):  # type: ignore[type-arg]
    """A list subclass whose iteration the caller computes."""

    def __iter__(self) -> Any:
        Calls.count += 1
        return super().__iter__()


class SpyMapping(View):
    """A mapping that is not a dict, counting its iterations."""

    def __iter__(self) -> Iterator[Any]:
        Calls.count += 1
        return super().__iter__()


BAD = {"period": {"start": "2025-02-30"}}  # comes after the spy: validation fails late


@pytest.mark.parametrize(
    "value",
    [
        {SpyText("unit"): {"kind": "department"}, **BAD},
        {"unit": {SpyText("kind"): "department"}, **BAD},
        {"unit": {"name": SpyText("某局")}, **BAD},
        {"unit": SpyDict({"kind": "department"}), **BAD},
        {"unit": SpyMapping({"kind": "department"}), **BAD},
        {"accounts": SpyList([{"id": "a"}]), **BAD},
        {"accounts": [SpyDict({"id": "a"})], **BAD},
        {"accounts": [{"id": "a", "events": [{"type": "open", "materials": SpyList([])}]}], **BAD},
        {"accounts": [{"id": SpyText("a")}, {"id": "a"}]},
    ],
)
def test_validate_runs_the_callers_code_as_often_as_the_generic_walk(value: Any) -> None:
    """The fast validator hands over before any subclass or mapping code of the caller runs."""
    Calls.count = 0
    found = outcome(validate, value)
    calls = Calls.count
    Calls.count = 0
    assert found == outcome(generic, value)
    assert calls == Calls.count


def _nested(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


@pytest.mark.parametrize(
    "value",
    [
        {"accounts": _nested(100_000)},
        {"accounts": [{"id": "a", "posts": _nested(100_000)}]},
        {"website": {"columns": [{"updates": _nested(100_000)}]}},
        {"period": {"start": _nested(100_000)}},
    ],
    ids=["accounts", "posts", "updates", "start"],
)
def test_facts_nested_100000_deep_are_a_facts_error_and_unused_facts_ends(value: Any) -> None:
    """Deep nesting anywhere: a FactsError, not a RecursionError, and unused_facts returns."""
    found = outcome(validate, value)
    assert found[0] == "error"
    assert found == outcome(generic, value)
    everything = frozenset(_patterns(SCHEMA, ()))
    assert unused_facts(value, everything) == unused_facts(value, everything) == ()


def test_dates_read_once_are_equal_to_dates_read_afresh() -> None:
    """A date text met before gives the same date as parsing it; a bad one is never kept."""
    value = {"period": {"start": "2025-06-10", "end": "2025-06-30"}}
    first, second = validate(value).data, validate(value).data
    period = {"start": dt.date(2025, 6, 10), "end": dt.date(2025, 6, 30)}
    assert first == second == {"period": period}
    with pytest.raises(FactsError, match="not a calendar date"):
        validate({"period": {"start": "2025-02-30"}})
    assert "2025-02-30" not in factcode._DATES


def test_one_validation_does_not_write_the_validator() -> None:
    """A one-off command validates once: the generic walk, no source written or compiled."""
    code = (
        "import sys\n"
        "from govrules.facts import validate\n"
        "validate({'period': {'start': '2025-06-10'}})\n"
        "print('govrules.factcode' in sys.modules)\n"
        "validate({'period': {'start': '2025-06-10'}})\n"
        "print('govrules.factcode' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert run.stdout.split() == ["False", "True"]


# --- the source holds no facts ------------------------------------------------------------


def _vocabulary_words(field: Field) -> set[str]:
    words = {field.name, *field.values}
    for sub in field.fields:
        words |= _vocabulary_words(sub)
    return words


def _strings(source: str) -> set[str]:
    """Return every str constant in ``source``, f-string pieces included."""
    return {
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _code_strings(code: Any) -> Iterator[str]:
    for constant in code.co_consts:
        if isinstance(constant, str):
            if "<locals>" not in constant:  # Python 3.10 keeps a comprehension's qualname here
                yield constant
        elif isinstance(constant, frozenset):
            yield from (c for c in constant if isinstance(c, str))
        elif hasattr(constant, "co_consts"):
            yield from _code_strings(constant)


MARKER = "事实标记-7f3a"


def test_the_validator_source_is_written_from_the_vocabulary_alone() -> None:
    """The validator's texts are vocabulary words; facts it has seen leave no trace in it."""
    before = factcode.validator_source()
    for value in (
        {"accounts": [{"id": MARKER, "name": MARKER, "posts": [{"source": MARKER}]}]},
        {MARKER: MARKER},
        {"accounts": [{"id": "a", MARKER: 1}]},
        {"period": {"start": MARKER}},
    ):
        with contextlib.suppress(FactsError):
            validate(value)
    assert factcode.validator_source() == before
    assert MARKER not in before
    # Vocabulary words, and the dash that a date text has where the generic walk wants it.
    words = _vocabulary_words(SCHEMA) | {"-"}
    assert _strings(before) <= words
    assert facts._fast is not None
    assert set(_code_strings(facts._fast.__code__)) <= words


def test_the_unused_facts_source_holds_no_text_of_the_facts_or_the_policies() -> None:
    """The walk's source names its constants by number: no key of the reads, no fact in it."""
    read = frozenset({("accounts",), ("accounts", MARKER), ("accounts", "posts", "date")})
    given = {"accounts": [{"id": MARKER, MARKER: True, "posts": [{"date": MARKER}]}]}
    assert unused_facts(given, read) == unused_facts(given, read) == ()
    tree, flats = reads._tree(read)
    source = factcode.unused_source(tree, flats, LABELS)
    assert MARKER not in source
    assert _strings(source) <= {"", "."}


# --- unused facts ------------------------------------------------------------------------


def _patterns(field: Field, at: Pattern) -> Iterator[Pattern]:
    for sub in field.fields:
        here = (*at, sub.name)
        yield here
        yield from _patterns(sub, here)


PATTERNS = sorted(_patterns(SCHEMA, ()))
# Paths no vocabulary has, as a policy may read: below a scalar, or unknown names.
STRAY: list[Pattern] = [("accounts", "posts", "date", "day"), ("bogus",), ("unit", "id")]


@st.composite
def read_paths(draw: st.DrawFn) -> frozenset[Pattern]:
    """Draw what a rule set might read: vocabulary paths, with their prefixes or not."""
    paths = draw(st.sets(st.sampled_from(PATTERNS + STRAY), max_size=25))
    if draw(st.booleans()):
        paths = {p[:i] for p in paths for i in range(1, len(p) + 1)}
    return frozenset(paths)


def reference(data: Mapping[str, Any], read: frozenset[Pattern]) -> tuple[str, ...]:
    """Return the unused facts by their definition: given, and no read path reaches them."""
    reached = {p[:i] for p in read for i in range(1, len(p) + 1)}
    out: list[str] = []

    def walk(value: Mapping[str, Any], pattern: Pattern, path: str) -> None:
        for key, child in value.items():
            here = (*pattern, key)
            spelled = f"{path}.{key}" if path else key
            if here not in reached:
                if not (path and key in LABELS):
                    out.append(spelled)
            elif isinstance(child, Mapping):
                walk(child, here, spelled)
            elif isinstance(child, (list, tuple)):
                for i, item in enumerate(child):
                    if isinstance(item, Mapping):
                        walk(item, here, f"{spelled}[{i}]")

    walk(data, (), "")
    return tuple(out)


def _generic_unused(data: Any, read: frozenset[Pattern]) -> Any:
    tree, flats = reads._tree(read)
    out: list[str] = []
    try:
        reads._visit(data, tree, flats, "", out)
    except Exception as error:  # the old walk's answer to input that is not a mapping
        return (type(error), str(error))
    return tuple(out)


def _unused(data: Any, read: frozenset[Pattern]) -> Any:
    try:
        return unused_facts(data, read)
    except Exception as error:
        return (type(error), str(error))


@settings(max_examples=60, deadline=None)
@given(VALID, read_paths())
def test_unused_facts_are_the_facts_no_read_path_reaches(
    value: dict[str, Any], read: frozenset[Pattern]
) -> None:
    """On valid facts, as given and as validated, unused_facts is its definition."""
    for data in (value, validate(value).data):
        expected = reference(data, read)
        # The first call per reads takes the generic walk, the second the written one.
        assert unused_facts(data, read) == expected
        assert unused_facts(data, read) == expected


@settings(max_examples=60, deadline=None)
@given(mutated(), read_paths())
def test_unused_facts_agree_with_the_generic_walk_on_any_facts(
    value: Any, read: frozenset[Pattern]
) -> None:
    """On odd and invalid facts too, the written walk answers as the generic walk."""
    expected = _generic_unused(value, read)
    assert _unused(value, read) == expected
    assert _unused(value, read) == expected


POSTS_READ = frozenset(
    {
        ("period", "start"),
        ("accounts", "id"),
        ("accounts", "posts", "date"),
        ("accounts", "posts", "original"),
        ("accounts", "posts", "repost"),
        ("accounts", "posts", "source"),
    }
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"id": "x", "name": "y", "unit": {"name": "z"}}, ("id", "name", "unit")),
        (
            {"period": {"start": {"day": 1}, "end": "2024-01-01"}},
            ("period.start.day", "period.end"),
        ),
        ({"period": {"start": [{"day": 1}]}}, ("period.start[0].day",)),
        ({"accounts": [{"id": "a", "posts": [{"date": {"day": 1}}]}]}, ()),
        (
            {"accounts": [{"id": "a", "posts": [{"date": "x", "x": 1}]}]},
            ("accounts[0].posts[0].x",),
        ),
        ({"accounts": Items([{"id": "a", "x": 1}])}, ()),
        ({"accounts": [{"id": "a", "posts": Items([{"x": 1}])}]}, ()),
        ({"accounts": [View({"x": 1}), {"y": 2}]}, ("accounts[0].x", "accounts[1].y")),
        ({"accounts": [{"posts": [View({"x": 1})]}]}, ("accounts[0].posts[0].x",)),
        ({"accounts": View({"x": 1})}, ("accounts.x",)),
        (
            {"accounts": [{"events": [{"name": "n", "id": "i", "type": "open"}]}]},
            ("accounts[0].events",),
        ),
        ({"accounts": [{"name": "n", "notices": Count(1)}, "x", 3]}, ("accounts[0].notices",)),
        ({"period": {Text("start"): "x", Text("end"): "y"}}, ("period.end",)),
        ({Text("period"): {"start": "x", "end": "y"}}, ("period.end",)),
        ({Shown("period"): {"start": "x", "end": "y"}}, ("<period>.end",)),
        ({"accounts": [{Shown("posts"): [{"x": 1}]}]}, ("accounts[0].<posts>[0].x",)),
        ({"accounts": [{"posts": [{Shown("x"): 1}]}]}, ("accounts[0].posts[0].<x>",)),
        ({Shown("x"): 1}, (Shown("x"),)),
    ],
)
def test_unused_facts_of_odd_facts_are_the_generic_walks(value: Any, expected: Any) -> None:
    """Labels, subclasses, mappings and containers where values belong: as the generic walk."""
    assert _generic_unused(value, POSTS_READ) == expected
    assert unused_facts(value, POSTS_READ) == unused_facts(value, POSTS_READ) == expected


@pytest.mark.parametrize("ruleset", ["yunnan", "puding", "luju", "chengjiang_meteorology"])
def test_unused_facts_of_shipped_rule_sets_follow_their_definition(ruleset: str) -> None:
    """The shipped rule sets' reads, on facts with something unread: the definition's answer."""
    read = fact_reads(govrules.load().library.ruleset(ruleset))
    value = {
        "unit": {"name": "某局", "kind": "department", "own_website": True},
        "accounts": [
            {
                "id": "wx",
                "name": "某局",
                "notices": 2,
                "events": [{"type": "open", "date": "2024-09-23", "materials": ["staffing"]}],
                "posts": [{"date": "2024-09-23", "source": "x"}, {"date": "2024-09-24"}],
            }
        ],
        "website": {"columns": [{"name": "通知", "updates": ["2024-01-10"]}]},
        "disclosures": [{"formed_on": "2024-09-01"}],
    }
    expected = reference(value, read)
    assert unused_facts(value, read) == unused_facts(value, read) == expected


# --- validation noting unused facts --------------------------------------------------------


def _noting(read: frozenset[Pattern]) -> Callable[[Any, list[str]], Any]:
    tree, _ = reads._tree(read)
    made = factcode.noting_validator(tree, LABELS)
    assert made is not None
    return made


def _checked_and_unused(value: Any, read: frozenset[Pattern]) -> Any:
    try:
        data, _, unused = reads.checked_noting_unused(value, read)
    except FactsError as error:
        return (FactsError, str(error))
    return structure(data), unused


@settings(max_examples=80, deadline=None)
@given(VALID, read_paths())
def test_validating_valid_facts_notes_the_facts_no_read_path_reaches(
    value: dict[str, Any], read: frozenset[Pattern]
) -> None:
    """One pass gives the validator's facts and the unused facts by their definition."""
    out: list[str] = []
    data = _noting(read)(value, out)
    assert structure(data) == structure(generic(value).data)
    assert tuple(out) == reference(value, read)


@settings(max_examples=80, deadline=None)
@given(mutated(), read_paths())
def test_validating_and_noting_agrees_with_validate_then_unused_facts_on_any_facts(
    value: Any, read: frozenset[Pattern]
) -> None:
    """Odd and invalid facts: the same facts, the same error, the same unused facts, whether
    the one pass takes them or hands them to the generic code."""
    try:
        checked = generic(value)
    except FactsError as error:
        expected: Any = (FactsError, str(error))
    else:
        expected = (structure(checked.data), _generic_unused(value, read))
    # The first call per reads validates and walks generically; later ones take one pass.
    for _ in range(3):
        assert _checked_and_unused(value, read) == expected


def test_a_list_read_only_as_a_whole_leaves_its_items_facts_unused() -> None:
    """A rule set that counts an account's posts (``count(account.posts)``) and reads its id
    does not read the posts' dates: they are given and unused, by every walk."""
    read = frozenset({("accounts",), ("accounts", "posts"), ("accounts", "id")})
    given_ = {"accounts": [{"id": "a", "posts": [{"date": "2024-01-01"}]}]}
    expected = ("accounts[0].posts[0].date",)
    assert reference(given_, read) == expected
    assert _generic_unused(given_, read) == expected
    assert unused_facts(given_, read) == unused_facts(given_, read) == expected
    out: list[str] = []
    _noting(read)(given_, out)
    assert tuple(out) == expected


def test_the_noting_validator_source_holds_no_text_of_the_facts_or_the_policies() -> None:
    """Its texts are vocabulary words and the punctuation of a path; a policy's read paths
    choose which of them appear, never add one."""
    read = frozenset({("accounts",), ("accounts", MARKER), ("accounts", "posts", "date")})
    tree, _ = reads._tree(read)
    made = factcode.noting_validator(tree, LABELS)
    assert made is not None
    words = _vocabulary_words(SCHEMA) | {"-", ""}
    strings = set(_code_strings(made.__code__))
    assert MARKER not in "".join(strings)
    # Paths are spelt in pieces such as "].posts[": vocabulary words between [ ] and .
    pieces = {piece for text in strings for piece in re.split(r"[\[\].]", text)}
    assert pieces <= words, pieces - words
