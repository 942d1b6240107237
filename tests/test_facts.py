"""Tests for the facts vocabulary: its schema and the validation of facts against it."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import operator
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules.errors import FactsError, shown
from govrules.facts import (
    SCHEMA,
    Field,
    describe_path,
    field_at,
    suggest,
    validate,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "facts.md"

# The vocabulary of CONTRACT §3, written out independently of the schema module.
VOCABULARY: dict[str, str] = {
    "period": "object",
    "period.start": "date",
    "period.end": "date",
    "unit": "object",
    "unit.name": "str",
    "unit.kind": "enum:government department township_government township_department "
    "institution classified non_public",
    "unit.level": "enum:province prefecture county township",
    "unit.own_website": "bool",
    "accounts": "list",
    "accounts.id": "str",
    "accounts.name": "str",
    "accounts.platform": "enum:wechat weibo douyin toutiao kuaishou app mini_program other",
    "accounts.platform_approved": "bool",
    "accounts.opened_by": "enum:unit internal_body individual",
    "accounts.purpose": "enum:regular special_event",
    "accounts.opened_on": "date",
    "accounts.approved_on": "date",
    "accounts.collective_decision": "bool",
    "accounts.leader_approved": "bool",
    "accounts.name_mentions_region": "bool",
    "accounts.name_approved": "bool",
    "accounts.events": "list",
    "accounts.events.type": "enum:open change close cancel",
    "accounts.events.date": "date",
    "accounts.events.filed_on": "date",
    "accounts.events.announced_on": "date",
    "accounts.events.approved_on": "date",
    "accounts.events.collective_decision": "bool",
    "accounts.events.leader_approved": "bool",
    "accounts.posts": "list",
    "accounts.posts.date": "date",
    "accounts.posts.original": "bool",
    "accounts.posts.repost": "bool",
    "accounts.posts.source": "str",
    "accounts.server_region": "enum:abroad other_province same_province same_county",
    "accounts.foreign_hosting": "bool",
    "accounts.local_data_service": "bool",
    "accounts.news_service": "bool",
    "accounts.news_license": "bool",
    "accounts.commercial_activity": "bool",
    "accounts.bought_followers": "bool",
    "accounts.auto_login": "bool",
    "accounts.mobile_vpn": "bool",
    "accounts.staff_trained": "bool",
    "accounts.notices": "int",
    "website": "object",
    "website.offline": "list",
    "website.offline.start": "date",
    "website.offline.end": "date",
    "website.offline.approved": "bool",
    "website.offline.announced": "bool",
    "website.offline.force_majeure": "bool",
    "website.columns": "list",
    "website.columns.name": "str",
    "website.columns.kind": "enum:news notice policy monthly quarterly annual other",
    "website.columns.updates": "list:date",
    "objections": "list",
    "objections.received_on": "date",
    "objections.resolved_on": "date",
    "objections.extended": "bool",
    "objections.extension_approved": "bool",
    "disclosures": "list",
    "disclosures.formed_on": "date",
    "disclosures.published_on": "date",
}
# Extensions beyond CONTRACT §3, documented in docs/facts.md.
EXTENSIONS: dict[str, str] = {
    "accounts.events.filed_national_system": "bool",
    "accounts.events.filed_city_system": "bool",
    "accounts.events.materials": "list:enum",
    "accounts.outsourced": "bool",
    "accounts.server_site_decided": "bool",
    "accounts.mobile_login": "bool",
    "accounts.commercial_ads": "bool",
    "unit.vertical_rules": "bool",
}
REQUIRED = {"accounts.id", "accounts.events.type", "accounts.events.date", "accounts.posts.date"}
DEFAULTS = {"accounts.posts.original": False, "accounts.posts.repost": False}


def walk(field: Field, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Field]]:
    """Yield every path below ``field`` with the field found there."""
    for child in field.fields:
        path = (*prefix, child.name)
        yield path, child
        yield from walk(child, path)


def describe_kind(field: Field) -> str:
    """Render a field's kind in the notation of VOCABULARY."""
    if field.kind == "enum":
        return "enum:" + " ".join(field.values)
    if field.kind == "list" and field.item is not None:
        return f"list:{field.item}"
    return field.kind


def account(**facts: object) -> dict[str, object]:
    """Return facts holding one account with id 'a' and the given facts."""
    return {"accounts": [{"id": "a", **facts}]}


def error_of(facts: object) -> FactsError:
    """Return the FactsError that validating ``facts`` raises."""
    with pytest.raises(FactsError) as info:
        validate(facts)  # type: ignore[arg-type]
    return info.value


# Schema


def test_schema_is_exactly_the_contract_vocabulary() -> None:
    """SCHEMA holds exactly CONTRACT §3 plus the documented extensions, no more, no fewer."""
    found = {".".join(path): describe_kind(field) for path, field in walk(SCHEMA)}
    assert found == {**VOCABULARY, **EXTENSIONS}


def test_schema_required_flags_and_defaults() -> None:
    """Only the four contract keys are required, and only posts' original and repost default."""
    fields = dict(walk(SCHEMA))
    assert {".".join(p) for p, f in fields.items() if f.required} == REQUIRED
    assert {".".join(p): f.default for p, f in fields.items() if f.default is not None} == DEFAULTS
    assert [".".join(p) for p, f in fields.items() if f.unique] == ["accounts.id"]


def test_field_at_knows_every_schema_path() -> None:
    """field_at finds every path in SCHEMA, as parts and as a dotted string."""
    for path, field in walk(SCHEMA):
        assert field_at(path) is field
        assert field_at(".".join(path)) is field
    assert field_at(()) is SCHEMA


def test_field_at_walks_through_lists() -> None:
    """field_at reads list items transparently, and accepts [] or [n] in dotted paths."""
    posts_date = field_at(("accounts", "posts", "date"))
    assert posts_date is not None
    assert posts_date.kind == "date"
    assert field_at("accounts[].posts[].date") is posts_date
    assert field_at("accounts[0].posts[3].date") is posts_date
    updates = field_at(("website", "columns", "updates"))
    assert updates is not None
    assert (updates.kind, updates.item) == ("list", "date")


@pytest.mark.parametrize(
    "path",
    [
        ("accounts", "opend_on"),
        ("acounts",),
        ("accounts", "posts", "dat"),
        ("accounts", "id", "more"),
        ("website", "columns", "updates", "date"),
    ],
)
def test_field_at_rejects_unknown_paths(path: tuple[str, ...]) -> None:
    """field_at returns None for a path that is not in the vocabulary."""
    assert field_at(path) is None


def test_suggest_finds_the_nearest_name() -> None:
    """suggest proposes the closest candidate and None when nothing is close."""
    accounts = field_at(("accounts",))
    assert accounts is not None
    names = [f.name for f in accounts.fields]
    assert suggest("opend_on", names) == "opened_on"
    assert suggest("wechart", ["wechat", "weibo"]) == "wechat"
    assert suggest("WeChat", ["wechat", "weibo"]) == "wechat"
    assert suggest("zzzzzz", names) is None


def test_child_returns_named_field() -> None:
    """Field.child looks up a field by name and returns None for an unknown name."""
    unit = SCHEMA.child("unit")
    assert unit is not None
    assert unit.child("own_website") == Field("own_website", "bool")
    assert unit.child("nope") is None


def test_describe_path_renders_contract_spelling() -> None:
    """describe_path renders names with dots and indexes in brackets."""
    assert describe_path(("accounts", 0, "opened_on")) == "accounts[0].opened_on"
    assert describe_path(("accounts", 0, "events", 1, "date")) == "accounts[0].events[1].date"
    assert describe_path(("website", "columns", 2, "updates", 0)) == "website.columns[2].updates[0]"
    assert describe_path(()) == ""


# Dates


def test_impossible_date_names_its_path() -> None:
    """'2025-13-01' is rejected at accounts[0].opened_on, saying it is no calendar date."""
    error = error_of(account(opened_on="2025-13-01"))
    assert error.path == "accounts[0].opened_on"
    assert error.found == "'2025-13-01'"
    assert str(error) == (
        "accounts[0].opened_on: expected a date (datetime.date or 'YYYY-MM-DD'), "
        "found '2025-13-01' (not a calendar date: month must be in 1..12)"
    )


@pytest.mark.parametrize(
    "text",
    ["2025/01/01", "2025-1-1", "20250101", "2025-01-01T00:00", " 2025-01-01", "２０２５-01-01", ""],
)
def test_date_strings_must_be_exactly_iso(text: str) -> None:
    """Only the exact YYYY-MM-DD form is accepted for a date string."""
    error = error_of({"period": {"start": text}})
    assert error.path == "period.start"
    assert error.hint == "write dates as YYYY-MM-DD"


def test_day_out_of_range_is_reported() -> None:
    """A day past the end of its month is rejected with the reason."""
    error = error_of(account(posts=[{"date": "2025-02-29"}]))
    assert error.path == "accounts[0].posts[0].date"
    assert error.hint == "not a calendar date: day is out of range for month"


def test_datetime_is_rejected() -> None:
    """A datetime where a date is expected is rejected with advice to pass .date()."""
    error = error_of(account(opened_on=dt.datetime(2025, 1, 1, 9, 30)))
    assert error.path == "accounts[0].opened_on"
    assert str(error) == "accounts[0].opened_on: expected a date, found a datetime (pass .date())"


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_iso_string_and_date_normalise_equal(day: dt.date) -> None:
    """An ISO string and the date it spells normalise to the same datetime.date."""
    from_text = validate(account(opened_on=day.isoformat())).data
    from_date = validate(account(opened_on=day)).data
    assert from_text == from_date
    opened = from_text["accounts"][0]["opened_on"]  # type: ignore[index]
    assert type(opened) is dt.date
    assert opened == day


def test_date_subclass_becomes_plain_date() -> None:
    """A subclass of date (not a datetime) is accepted and normalised to a plain date."""

    class Day(dt.date):
        pass

    data = validate({"period": {"start": Day(2025, 1, 2)}}).data
    assert type(data["period"]["start"]) is dt.date  # type: ignore[index]


# Keys


@pytest.mark.parametrize(
    ("facts", "path", "near"),
    [
        ({"acounts": []}, "acounts", "accounts"),
        (account(opend_on="2025-01-01"), "accounts[0].opend_on", "opened_on"),
        (account(events=[{"type": "open", "date": "2025-01-01", "filed": "2025-01-02"}]),
         "accounts[0].events[0].filed", "filed_on"),
        ({"website": {"columns": [{}, {"updtes": []}]}}, "website.columns[1].updtes", "updates"),
        ({"unit": {"levl": "county"}}, "unit.levl", "level"),
    ],
)  # fmt: skip
def test_unknown_key_names_path_and_nearest(facts: object, path: str, near: str) -> None:
    """An unknown key is an error naming its path and the nearest valid key."""
    error = error_of(facts)
    assert error.path == path
    assert error.hint == f"did you mean {near!r}?"


def test_unknown_key_message() -> None:
    """The unknown-key message reads as path, expectation, the key and the suggestion."""
    error = error_of(account(opend_on="2025-01-01"))
    assert str(error) == (
        "accounts[0].opend_on: expected a known fact, found unknown fact 'opend_on' "
        "(did you mean 'opened_on'?)"
    )


def test_unknown_key_without_near_match_lists_known_facts() -> None:
    """With no close match, the error lists the facts known at that place."""
    error = error_of({"unit": {"colour": "red"}})
    assert error.path == "unit.colour"
    assert error.hint == "known facts here: name, kind, level, own_website, vertical_rules"


def test_non_string_key_is_rejected() -> None:
    """A key that is not a string is an error at the mapping that holds it."""
    error = error_of({"unit": {1: "x"}})
    assert error.path == "unit"
    assert "1 (int)" in error.found


@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ({"accounts": [{"id": "a"}, {"name": "b"}]}, "accounts[1].id"),
        (account(events=[{"date": "2025-01-01"}]), "accounts[0].events[0].type"),
        (account(events=[{"type": "open", "date": "2025-01-01"}, {"type": "close"}]),
         "accounts[0].events[1].date"),
        (account(posts=[{"original": True}]), "accounts[0].posts[0].date"),
    ],
)  # fmt: skip
def test_missing_required_key_names_path(facts: object, path: str) -> None:
    """A missing required key is an error naming the path where it belongs."""
    error = error_of(facts)
    assert error.path == path
    assert error.found == "nothing"
    assert error.hint == "this fact is required"


def test_absent_keys_stay_absent() -> None:
    """Validation adds no key except the two documented post defaults."""
    facts = {"unit": {"name": "x"}, "accounts": [{"id": "a", "events": []}]}
    assert validate(facts).data == {
        "unit": {"name": "x"},
        "accounts": ({"id": "a", "events": ()},),
    }


def test_empty_list_differs_from_absent_list() -> None:
    """An empty list stays present as an empty tuple, unlike an absent one."""
    assert validate(account(posts=[])).data["accounts"][0] == {"id": "a", "posts": ()}  # type: ignore[index]
    assert "posts" not in validate(account()).data["accounts"][0]  # type: ignore[index]


def test_posts_default_original_and_repost_false() -> None:
    """posts[].original and posts[].repost default to False; given values are kept."""
    data = validate(account(posts=[{"date": "2025-01-01"}, {"date": "2025-01-02", "repost": True}]))
    posts = data.data["accounts"][0]["posts"]  # type: ignore[index]
    assert posts == (
        {"date": dt.date(2025, 1, 1), "original": False, "repost": False},
        {"date": dt.date(2025, 1, 2), "repost": True, "original": False},
    )


def test_input_is_not_mutated() -> None:
    """Validation leaves the caller's facts untouched."""
    facts = account(posts=[{"date": "2025-01-01"}])
    before = copy.deepcopy(facts)
    validate(facts)
    assert facts == before


# Cross-field checks


def test_duplicate_account_id_names_second_and_first() -> None:
    """A repeated account id is reported at the repeat, naming the first index."""
    error = error_of({"accounts": [{"id": "a"}, {"id": "b"}, {"id": "a"}]})
    assert error.path == "accounts[2].id"
    assert error.found == "'a', already used by accounts[0]"


def test_period_start_after_end_is_rejected() -> None:
    """period.start after period.end is an error at period.end naming the start."""
    error = error_of({"period": {"start": "2025-03-01", "end": "2025-02-01"}})
    assert error.path == "period.end"
    assert "period.start (2025-03-01)" in error.expected


def test_period_of_one_day_is_valid() -> None:
    """A period whose start equals its end is valid."""
    day = dt.date(2025, 3, 1)
    assert validate({"period": {"start": day, "end": "2025-03-01"}}).data == {
        "period": {"start": day, "end": day}
    }


def test_offline_start_after_end_is_rejected() -> None:
    """An offline spell ending before it starts is an error at its end."""
    facts = {"website": {"offline": [{"start": "2025-01-01", "end": "2025-01-02"},
                                     {"start": "2025-02-02", "end": "2025-02-01"}]}}  # fmt: skip
    assert error_of(facts).path == "website.offline[1].end"


def test_errors_come_in_document_order() -> None:
    """The first problem in the input is the one reported."""
    facts = {"accounts": [{"id": "a"}, {"id": "a"}, {"id": "c", "opened_on": "bad"}]}
    assert error_of(facts).path == "accounts[1].id"


# Scalars


def test_enum_suggests_nearest_value() -> None:
    """An unknown enum value is an error suggesting the nearest valid value."""
    error = error_of(account(platform="wechart"))
    assert error.path == "accounts[0].platform"
    assert error.hint == "did you mean 'wechat'?"
    assert error.expected.startswith("one of 'wechat', 'weibo'")


def test_enum_is_case_sensitive() -> None:
    """Enum values must be spelt exactly; a different case is suggested, not accepted."""
    error = error_of({"unit": {"level": "County"}})
    assert error.hint == "did you mean 'county'?"


def test_string_enum_member_is_accepted_as_plain_str() -> None:
    """A str-based enum member is accepted and normalised to a plain string."""

    class Platform(str, enum.Enum):
        WECHAT = "wechat"

    value = validate(account(platform=Platform.WECHAT)).data["accounts"][0]["platform"]  # type: ignore[index]
    assert type(value) is str
    assert value == "wechat"


@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ({"unit": {"own_website": 1}}, "unit.own_website"),
        ({"unit": {"own_website": "true"}}, "unit.own_website"),
        (account(notices=True), "accounts[0].notices"),
        (account(notices=1.0), "accounts[0].notices"),
        (account(notices=-1), "accounts[0].notices"),
        (account(notices="2"), "accounts[0].notices"),
        ({"unit": {"name": 3}}, "unit.name"),
        ({"accounts": [{"id": 7}]}, "accounts[0].id"),
        ({"unit": {"kind": 1}}, "unit.kind"),
    ],
)
def test_scalars_are_strict(facts: object, path: str) -> None:
    """bool, int, str and enum facts accept only their own type (a bool is no int)."""
    assert error_of(facts).path == path


def test_bool_hint_for_zero_or_one() -> None:
    """An int 0 or 1 given for a bool is rejected with the bool to write instead."""
    assert error_of({"unit": {"own_website": 0}}).hint == "write False, not 0"


def test_none_is_rejected_with_advice() -> None:
    """None for a fact is an error advising to leave the key out."""
    error = error_of({"unit": {"name": None}})
    assert error.path == "unit.name"
    assert error.hint == "leave the key out when the fact is not known"


# Containers


@pytest.mark.parametrize(
    ("facts", "path"),
    [
        ([], ""),
        ({"accounts": {"id": "a"}}, "accounts"),
        ({"accounts": "a"}, "accounts"),
        ({"accounts": ["a"]}, "accounts[0]"),
        ({"unit": ["x"]}, "unit"),
        ({"website": {"columns": [{"updates": "2025-01-01"}]}}, "website.columns[0].updates"),
        (
            {"website": {"columns": [{"updates": ["2025-01-01", 5]}]}},
            "website.columns[0].updates[1]",
        ),
    ],
)
def test_containers_must_have_their_shape(facts: object, path: str) -> None:
    """Objects must be mappings and lists must be lists or tuples, else the path is named."""
    assert error_of(facts).path == path


def test_top_level_message() -> None:
    """A top level that is not a mapping is reported against 'facts'."""
    assert str(error_of(["x"])) == "facts: expected a mapping of facts, found a list"


def test_tuples_are_accepted_as_lists() -> None:
    """Tuples are accepted wherever a list is expected."""
    data = validate({"website": {"columns": ({"updates": ("2025-01-01",)},)}}).data
    assert data == {"website": {"columns": ({"updates": (dt.date(2025, 1, 1),)},)}}


def test_facts_passes_through_and_is_frozen() -> None:
    """validate returns Facts given to it unchanged, and Facts cannot be reassigned."""
    facts = validate({"unit": {"name": "x"}})
    assert validate(facts) is facts
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        facts.data = {}  # type: ignore[misc]


# Properties over the whole schema

SCALAR_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "str": st.text(max_size=8),
    "bool": st.booleans(),
    "int": st.integers(min_value=0, max_value=10_000),
    "date": st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2035, 12, 31)).flatmap(
        lambda day: st.sampled_from([day, day.isoformat()])
    ),
}


def as_date(value: object) -> dt.date:
    """Return a generated date value as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def scalar_strategy(field: Field, kind: str) -> st.SearchStrategy[Any]:
    """Return a strategy for valid scalars of ``kind`` in ``field``."""
    if kind == "enum":
        return st.sampled_from(field.values)
    return SCALAR_STRATEGIES[kind]


def ordered(record: dict[str, Any]) -> dict[str, Any]:
    """Swap start and end when they are out of order."""
    if "start" in record and "end" in record and as_date(record["start"]) > as_date(record["end"]):
        record = {**record, "start": record["end"], "end": record["start"]}
    return record


def object_strategy(field: Field) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for valid mappings of the object (or list item) ``field``."""
    required = {f.name: strategy(f) for f in field.fields if f.required}
    optional = {f.name: strategy(f) for f in field.fields if not f.required}
    return st.fixed_dictionaries(required, optional=optional).map(ordered)


def strategy(field: Field) -> st.SearchStrategy[Any]:
    """Return a strategy for valid values of ``field``, derived from SCHEMA."""
    if field.kind == "object":
        return object_strategy(field)
    if field.kind == "list":
        if field.fields:
            unique = [f.name for f in field.fields if f.unique]
            items = st.lists(
                object_strategy(field),
                max_size=2,
                unique_by=tuple(operator.itemgetter(name) for name in unique) or None,
            )
        else:
            assert field.item is not None
            items = st.lists(scalar_strategy(field, field.item), max_size=2)
        return st.one_of(items, items.map(tuple))
    return scalar_strategy(field, field.kind)


def normalised(field: Field, value: Any) -> Any:
    """Return what validation should turn a valid ``value`` of ``field`` into."""
    if field.kind in ("object", "list") and field.fields and isinstance(value, Mapping):
        out = {key: normalised(field.child(key), item) for key, item in value.items()}  # type: ignore[arg-type]
        for child in field.fields:
            if child.default is not None:
                out.setdefault(child.name, child.default)
        return out
    if field.kind == "list":
        kind = field.item
        if field.fields:
            return tuple(normalised(field, item) for item in value)
        return tuple(as_date(item) if kind == "date" else item for item in value)
    if field.kind == "date":
        return as_date(value)
    return value


@given(strategy(SCHEMA))
def test_any_valid_facts_validate_and_round_trip(facts: dict[str, Any]) -> None:
    """Facts generated from SCHEMA validate, keep every value, and validate again unchanged."""
    data = validate(facts).data
    assert data == normalised(SCHEMA, facts)
    assert validate(data).data == data


@given(strategy(SCHEMA), st.text(min_size=1, max_size=8))
def test_any_unknown_key_is_rejected_at_its_path(facts: dict[str, Any], key: str) -> None:
    """Adding a key outside the vocabulary to valid facts makes validation name that key."""
    if SCHEMA.child(key) is not None:
        return
    error = error_of({**facts, key: True})
    assert error.path == key
    # Quoted as every bad input is, cut to 60 characters: a key of 8 characters outside the
    # Basic Multilingual Plane has a longer repr.
    assert error.found == f"unknown fact {shown(key)}"


# Documentation


def doc_name(path: tuple[str, ...]) -> str:
    """Spell a schema path as the docs do, e.g. accounts[].posts[].date."""
    parts = []
    node: Field | None = SCHEMA
    for i, name in enumerate(path):
        assert node is not None
        node = node.child(name)
        inner = i < len(path) - 1 and node is not None and node.kind == "list"
        parts.append(f"{name}[]" if inner else name)
    return ".".join(parts)


def test_docs_table_lists_every_fact() -> None:
    """docs/facts.md has a table row for every path in SCHEMA."""
    text = DOCS.read_text(encoding="utf-8")
    for path, _ in walk(SCHEMA):
        assert f"| `{doc_name(path)}` |" in text, doc_name(path)


@pytest.mark.parametrize(
    "facts",
    [
        account(opend_on="2025-01-01"),
        {"unit": {"colour": "red"}},
        account(platform="wechart"),
        account(opened_on="2025-13-01"),
        {"website": {"columns": [{}, {}, {"updates": ["2025-01-01", "2025/01/02"]}]}},
        {"period": {"start": dt.datetime(2025, 1, 1)}},
        account(events=[{"type": "open", "date": "2025-01-01"}, {"type": "close"}]),
        {"accounts": [{"id": "a"}, {"id": "b"}, {"id": "a"}]},
        {"period": {"start": "2025-03-01", "end": "2025-02-01"}},
        {"website": {"offline": [{"start": "2025-01-02", "end": "2025-01-01"}]}},
        {"unit": {"own_website": 1}},
        account(notices=True),
        {"unit": {"name": None}},
        {"accounts": {"id": "a"}},
        ["x"],
    ],
)
def test_documented_messages_are_the_real_ones(facts: object) -> None:
    """Every error message shown in docs/facts.md is what validation actually says."""
    assert f"| `{error_of(facts)}` |" in DOCS.read_text(encoding="utf-8")
