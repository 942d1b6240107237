"""The facts vocabulary as JSON Schema (draft 2020-12), derived from ``facts.SCHEMA``.

There is one vocabulary, declared in ``facts.py``; this module only translates it. The
schema accepts what ``evaluate`` accepts, with three differences JSON Schema cannot express
(docs/tools.md): unique account ids, a ``start`` not after its ``end``, and whole numbers
written with a fraction (``1.0``), which JSON Schema counts as integers.
"""

from __future__ import annotations

from typing import Any

from govrules.facts import SCHEMA, Field

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# A calendar date YYYY-MM-DD (years 0001–9999, leap days only in leap years), as the
# validator reads it: a pattern, because "format": "date" is only an annotation by default.
_YEAR = "(?!0000)[0-9]{4}"
_LEAP = "(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
DATE_PATTERN = f"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP}-02-29)$"


def _scalar(kind: str, values: tuple[str, ...]) -> dict[str, Any]:
    if kind == "str":
        return {"type": "string"}
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "int":
        return {"type": "integer", "minimum": 0}
    if kind == "date":
        return {"$ref": "#/$defs/date"}
    if kind == "enum":
        return {"type": "string", "enum": list(values)}
    raise ValueError(f"no JSON Schema for the kind {kind!r}")  # pragma: no cover


def _object(field: Field) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {f.name: _field(f) for f in field.fields},
        "additionalProperties": False,
    }
    required = [f.name for f in field.fields if f.required]
    if required:
        out["required"] = required
    return out


def _field(field: Field) -> dict[str, Any]:
    if field.kind == "object":
        return _object(field)
    if field.kind == "list":
        items = _object(field) if field.fields else _scalar(field.item or "str", field.values)
        return {"type": "array", "items": items}
    out = _scalar(field.kind, field.values)
    if field.default is not None:
        out["default"] = field.default
    return out


def facts_schema() -> dict[str, Any]:
    """Return the JSON Schema of the facts ``evaluate`` accepts."""
    schema = _object(SCHEMA)
    return {
        "$schema": DIALECT,
        "$id": "https://govrules.invalid/schema/facts-v1.json",
        "title": "govrules facts (vocabulary v1)",
        "description": (
            "Facts for govrules.evaluate. Also required, beyond this schema: account ids are "
            "unique, and every start is on or before its end."
        ),
        **schema,
        "$defs": {
            "date": {
                "description": "a calendar date written YYYY-MM-DD",
                "type": "string",
                "format": "date",
                "pattern": DATE_PATTERN,
                "maxLength": 10,  # Python's `$` also matches before a final newline
            }
        },
    }
