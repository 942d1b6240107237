"""govrules schema: the JSON Schema of the facts accepts exactly what evaluate accepts."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govrules
from govrules.cli import main
from govrules.facts import SCHEMA, Field
from govrules.library import bundled
from govrules.schema import DATE_PATTERN, facts_schema

ROOT = Path(__file__).resolve().parent.parent
SPEC = Path("/work/shared/spec/examples.json")
VALIDATOR = jsonschema.Draft202012Validator(facts_schema())


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    """The generated schema passes the draft 2020-12 metaschema."""
    jsonschema.Draft202012Validator.check_schema(facts_schema())
    assert facts_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """`govrules schema` prints the same schema as JSON and exits 0."""
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == facts_schema()


def test_a_fact_of_each_kind_is_translated() -> None:
    """Enums list their values, ids are required, ints are non-negative, no extra keys."""
    account = facts_schema()["properties"]["accounts"]["items"]
    assert account["required"] == ["id"]
    assert account["additionalProperties"] is False
    assert account["properties"]["platform"]["enum"] == [
        "wechat",
        "weibo",
        "douyin",
        "toutiao",
        "kuaishou",
        "app",
        "mini_program",
        "other",
    ]
    assert account["properties"]["notices"] == {"type": "integer", "minimum": 0}
    assert account["properties"]["opened_on"] == {"$ref": "#/$defs/date"}
    post = account["properties"]["posts"]["items"]
    assert post["required"] == ["date"]
    assert post["properties"]["original"] == {"type": "boolean", "default": False}


@pytest.mark.parametrize("year", [1, 4, 100, 1900, 2000, 2023, 2024, 2100, 2400, 9999])
def test_the_date_pattern_accepts_exactly_the_calendar_dates(year: int) -> None:
    """Every YYYY-MM-DD with month 00–13 and day 00–32 matches iff it is a real date."""
    import re

    pattern = re.compile(DATE_PATTERN)
    for month in range(14):
        for day in range(33):
            text = f"{year:04d}-{month:02d}-{day:02d}"
            try:
                dt.date(year, month, day)
                real = True
            except ValueError:
                real = False
            assert bool(pattern.search(text)) is real, text
    assert not pattern.search("0000-01-01")


def _example_facts() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
    for pid, policy in sorted(bundled().policies.items()):
        for example in policy.examples:
            found.append((f"{pid}: {example.name}", example.facts))
    return found


@pytest.mark.parametrize(("name", "facts"), _example_facts(), ids=[n for n, _ in _example_facts()])
def test_every_shipped_example_validates(name: str, facts: Any) -> None:
    """Each facts file in examples/ and each policy example's facts validate."""
    VALIDATOR.validate(facts)


@pytest.mark.skipif(not SPEC.is_file(), reason="the shared spec examples are not reachable")
def test_every_spec_scenario_validates() -> None:
    """Each scenario of the shared spec's examples.json has facts that validate."""
    scenarios = json.loads(SPEC.read_text(encoding="utf-8"))
    assert scenarios
    for scenario in scenarios:
        VALIDATOR.validate(scenario["facts"])


# --- generated facts: the schema and evaluate agree ------------------------------------------

# Years the bundled calendar covers: this test is about the vocabulary, not calendar gaps.
_dates = st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31)).map(dt.date.isoformat)


def _scalar(kind: str, values: tuple[str, ...]) -> st.SearchStrategy[Any]:
    return {
        "str": st.text(max_size=6),
        "bool": st.booleans(),
        "int": st.integers(0, 50),
        "date": _dates,
        "enum": st.sampled_from(values) if values else st.nothing(),
    }[kind]


def _ordered(record: dict[str, Any]) -> dict[str, Any]:
    if "start" in record and "end" in record and record["start"] > record["end"]:
        record["start"], record["end"] = record["end"], record["start"]
    return record


def _strategy(field: Field) -> st.SearchStrategy[Any]:
    if field.kind == "object" or (field.kind == "list" and field.fields):
        required = {f.name: _strategy(f) for f in field.fields if f.required}
        optional = {f.name: _strategy(f) for f in field.fields if not f.required}
        record = st.fixed_dictionaries(required, optional=optional).map(_ordered)
        if field.kind == "object":
            return record
        unique = field.child("id") is not None
        return st.lists(record, max_size=2, unique_by=(lambda r: r["id"]) if unique else None)
    if field.kind == "list":
        return st.lists(_scalar(field.item or "str", field.values), max_size=3)
    return _scalar(field.kind, field.values)


_facts = _strategy(SCHEMA)


def _paths(
    value: Any, field: Field, at: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], Field]]:
    """Return every (path, field) of the facts, objects and list items included."""
    out = [(at, field)]
    if isinstance(value, dict):
        for key, item in value.items():
            sub = field.child(key)
            assert sub is not None
            out += _paths(item, sub, (*at, key))
    elif isinstance(value, list) and field.fields:
        for i, item in enumerate(value):
            out += _paths(item, Field("item", "object", fields=field.fields), (*at, i))
    return out


def _wrong(field: Field) -> list[Any]:
    """Return values that do not fit ``field``."""
    wrong: dict[str, list[Any]] = {
        "str": [5, True, None, ["a"]],
        "bool": ["true", 1, 0, None],
        "int": [-1, "3", True, 1.5, None],
        "date": ["2024-02-30", "2024-1-05", "20240105", "2024-01-05\n", 20240105, "0000-01-01"],
        "enum": ["nope", "WECHAT", 3, None],
        "object": ["x", [], 1, None],
        "list": ["x", {}, 1, None],
    }
    return wrong[field.kind]


def _set(facts: Any, path: tuple[Any, ...], value: Any) -> Any:
    *parent, last = path
    target = facts
    for key in parent:
        target = target[key]
    target[last] = value
    return facts


def _accepted_by_evaluate(facts: Any) -> bool:
    try:
        govrules.evaluate(facts, "luju", "2024-11-01")
    except govrules.FactsError:
        return False
    return True


_AGREE = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_AGREE
@given(_facts)
def test_valid_generated_facts_are_accepted_by_both(facts: dict[str, Any]) -> None:
    """Facts generated from the vocabulary pass the schema and evaluate."""
    assert VALIDATOR.is_valid(facts)
    assert _accepted_by_evaluate(facts)


@_AGREE
@given(_facts, st.data())
def test_mutated_facts_are_rejected_by_both(facts: dict[str, Any], data: st.DataObject) -> None:
    """A wrong type, unknown key, bad enum, bad date or missing required fact fails both."""
    facts = copy.deepcopy(facts)
    paths = _paths(facts, SCHEMA)
    objects = [(p, f) for p, f in paths if f.kind == "object" or (p and isinstance(p[-1], int))]
    kind = data.draw(st.sampled_from(["wrong", "unknown", "missing"]), label="mutation")
    if kind == "wrong" and len(paths) > 1:
        path, field = data.draw(st.sampled_from(paths[1:]), label="path")
        if isinstance(path[-1], int):  # an item of a list of records: not a record
            value = data.draw(st.sampled_from(["x", 1, None, []]), label="value")
        else:
            value = data.draw(st.sampled_from(_wrong(field)), label="value")
        _set(facts, path, value)
    elif kind == "missing" and _requireds(paths):
        path, field = data.draw(st.sampled_from(_requireds(paths)), label="path")
        _set(facts, path, None)
        *parent, last = path
        target = facts
        for key in parent:
            target = target[key]
        del target[last]
    else:
        path, _field = data.draw(st.sampled_from(objects or [((), SCHEMA)]), label="object")
        target = facts
        for key in path:
            target = target[key]
        target[data.draw(st.sampled_from(["zz_unknown", "Platform", "opened"]), label="key")] = 1
    assert not VALIDATOR.is_valid(facts)
    assert not _accepted_by_evaluate(facts)


def _requireds(paths: list[tuple[tuple[Any, ...], Field]]) -> list[tuple[tuple[Any, ...], Field]]:
    return [(p, f) for p, f in paths if f.required and p]


def test_the_gaps_json_schema_cannot_express_are_the_documented_ones() -> None:
    """Duplicate ids, a start after its end, a count of 1.0: the schema passes, evaluate refuses."""
    twins = {"accounts": [{"id": "a"}, {"id": "a"}]}
    backwards = {"period": {"start": "2024-02-01", "end": "2024-01-01"}}
    fraction = {"accounts": [{"id": "a", "notices": 1.0}]}
    for facts in (twins, backwards, fraction):
        assert VALIDATOR.is_valid(facts)
        assert not _accepted_by_evaluate(facts)


def test_the_wheel_ships_py_typed(tmp_path: Path) -> None:
    """The built wheel carries govrules/py.typed, so type checkers read the package's hints."""
    import subprocess
    import sys
    import zipfile

    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if build.returncode != 0 and "No matching distribution" in build.stderr:
        pytest.skip(f"cannot build a wheel here: {build.stderr.strip()[:200]}")
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("govrules-*.whl")
    assert "govrules/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_the_installed_package_has_py_typed() -> None:
    """The installed package holds py.typed next to its modules."""
    from importlib.resources import files

    assert files("govrules").joinpath("py.typed").is_file()
