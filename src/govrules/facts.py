"""The facts vocabulary (v1): its schema, and strict validation of facts against it."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal

import attrs

from govrules.errors import FactsError, shown

__all__ = [
    "BINDING_PATHS",
    "GLOBAL_ROOTS",
    "LABELS",
    "SCHEMA",
    "SUBJECTS",
    "Facts",
    "Field",
    "Kind",
    "Subject",
    "describe_path",
    "field_at",
    "suggest",
    "validate",
]

Kind = Literal["str", "bool", "int", "date", "enum", "object", "list"]


@attrs.frozen(cache_hash=True)
class Field:
    """One fact of the vocabulary: its name, kind and constraints."""

    name: str
    kind: Kind
    required: bool = False
    values: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    item: Kind | None = None
    default: object = None
    unique: bool = False
    # Derived once so that validating a record costs dict lookups, not scans.
    _by_name: Mapping[str, Field] = attrs.field(init=False, repr=False, eq=False)
    _required: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)
    _defaults: tuple[tuple[str, object], ...] = attrs.field(init=False, repr=False, eq=False)
    _unique: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False)
    _ordered: bool = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_name = {f.name: f for f in self.fields}
        setattr_ = object.__setattr__
        setattr_(self, "_by_name", by_name)
        setattr_(self, "_required", tuple(f.name for f in self.fields if f.required))
        setattr_(
            self,
            "_defaults",
            tuple((f.name, f.default) for f in self.fields if f.default is not None),
        )
        setattr_(self, "_unique", tuple(f.name for f in self.fields if f.unique))
        start, end = by_name.get("start"), by_name.get("end")
        setattr_(
            self,
            "_ordered",
            start is not None and end is not None and start.kind == end.kind == "date",
        )

    def child(self, name: str) -> Field | None:
        """Return the field called ``name`` inside this object (or list of objects), if any."""
        return self._by_name.get(name)


def _str(name: str, *, required: bool = False, unique: bool = False) -> Field:
    return Field(name, "str", required=required, unique=unique)


def _bool(name: str, *, default: bool | None = None) -> Field:
    return Field(name, "bool", default=default)


def _date(name: str, *, required: bool = False) -> Field:
    return Field(name, "date", required=required)


def _enum(name: str, *values: str, required: bool = False) -> Field:
    return Field(name, "enum", required=required, values=values)


def _object(name: str, *fields: Field) -> Field:
    return Field(name, "object", fields=fields)


def _objects(name: str, *fields: Field) -> Field:
    return Field(name, "list", fields=fields)


# 新开设政务新媒体需报备的材料 (路居镇制度第十四条, 澄江市气象局制度第十七条), in their order.
MATERIALS = (
    "registration_form",
    "meeting_minutes",
    "staffing",
    "review_mechanism",
    "security_operations",
    "map_usage",
    "name_and_design",
    "outsourcing_agreement",
    "news_license",
)

SCHEMA: Field = _object(
    "facts",
    _object("period", _date("start"), _date("end")),
    _object(
        "unit",
        _str("name"),
        _enum(
            "kind",
            "government",
            "department",
            "township_government",
            "township_department",
            "institution",
            "classified",
            "non_public",
        ),
        _enum("level", "province", "prefecture", "county", "township"),
        _bool("own_website"),
        _bool("vertical_rules"),
    ),
    _objects(
        "accounts",
        _str("id", required=True, unique=True),
        _str("name"),
        _enum(
            "platform",
            "wechat",
            "weibo",
            "douyin",
            "toutiao",
            "kuaishou",
            "app",
            "mini_program",
            "other",
        ),
        _bool("platform_approved"),
        _enum("opened_by", "unit", "internal_body", "individual"),
        _enum("purpose", "regular", "special_event"),
        _date("opened_on"),
        _date("approved_on"),
        _bool("collective_decision"),
        _bool("leader_approved"),
        _bool("name_mentions_region"),
        _bool("name_approved"),
        _objects(
            "events",
            _enum("type", "open", "change", "close", "cancel", required=True),
            _date("date", required=True),
            _date("filed_on"),
            _date("announced_on"),
            _date("approved_on"),
            _bool("collective_decision"),
            _bool("leader_approved"),
            # Extensions beyond the contract's facts (docs/contract.md, docs/facts.md): the
            # filing systems and materials that the Luju and Chengjiang measures name.
            _bool("filed_national_system"),
            _bool("filed_city_system"),
            Field("materials", "list", item="enum", values=MATERIALS),
        ),
        _objects(
            "posts",
            _date("date", required=True),
            _bool("original", default=False),
            _bool("repost", default=False),
            _str("source"),
        ),
        _enum("server_region", "abroad", "other_province", "same_province", "same_county"),
        _bool("foreign_hosting"),
        _bool("local_data_service"),
        _bool("server_site_decided"),
        _bool("news_service"),
        _bool("news_license"),
        _bool("commercial_activity"),
        _bool("commercial_ads"),
        _bool("bought_followers"),
        _bool("auto_login"),
        _bool("mobile_login"),
        _bool("mobile_vpn"),
        _bool("staff_trained"),
        Field("notices", "int"),
        _bool("outsourced"),
    ),
    _object(
        "website",
        _objects(
            "offline",
            _date("start"),
            _date("end"),
            _bool("approved"),
            _bool("announced"),
            _bool("force_majeure"),
        ),
        _objects(
            "columns",
            _str("name"),
            _enum("kind", "news", "notice", "policy", "monthly", "quarterly", "annual", "other"),
            Field("updates", "list", item="date"),
        ),
    ),
    _objects(
        "objections",
        _date("received_on"),
        _date("resolved_on"),
        _bool("extended"),
        _bool("extension_approved"),
    ),
    _objects("disclosures", _date("formed_on"), _date("published_on")),
)

# --- subjects: what rules judge, declared once beside the schema ------------------------


@attrs.frozen
class Subject:
    """A kind of fact that rules judge: where its items lie and the names a rule binds for it.

    ``binds`` pairs each name a rule of this subject may use (``account``, ``event``) with
    the vocabulary path it stands for; the last pair is the subject item itself.
    """

    name: str
    binds: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def path(self) -> tuple[str, ...]:
        """Return the vocabulary path of the subject's items (empty for the unit)."""
        return self.binds[-1][1] if self.binds else ()


# Facts every rule may read, whatever its subject.
GLOBAL_ROOTS = ("unit", "period", "accounts", "website", "objections", "disclosures")

SUBJECTS: dict[str, Subject] = {
    s.name: s
    for s in (
        Subject("unit", ()),
        Subject("website", ()),
        Subject("account", (("account", ("accounts",)),)),
        Subject("event", (("account", ("accounts",)), ("event", ("accounts", "events")))),
        Subject("offline", (("offline", ("website", "offline")),)),
        Subject("column", (("column", ("website", "columns")),)),
        Subject("objection", (("objection", ("objections",)),)),
        Subject("disclosure", (("disclosure", ("disclosures",)),)),
    )
}

# Where each name a subject binds lies in the vocabulary: ``event`` is accounts[].events[].
BINDING_PATHS: dict[str, tuple[str, ...]] = {
    name: path for s in SUBJECTS.values() for name, path in s.binds
}

# Facts that label what they belong to rather than describe it: never reported as unused.
LABELS = frozenset({"id", "name"})


_INDEX = re.compile(r"\[[0-9]*\]")


def field_at(path: Sequence[str] | str) -> Field | None:
    """Return the field at ``path`` (lists are walked through), or None if there is none."""
    if isinstance(path, str):
        # A dotted spelling such as "accounts[].posts[].date" is accepted for convenience.
        path = _INDEX.sub("", path).split(".") if path else ()
    field: Field | None = SCHEMA
    for name in path:
        if field is None:
            return None
        field = field.child(name)
    return field


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to ``name`` (ignoring case), or None if none is close."""
    lowered = {c.lower(): c for c in candidates}
    matches = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[matches[0]] if matches else None


def describe_path(parts: Sequence[str | int]) -> str:
    """Render parts such as ("accounts", 0, "opened_on") as accounts[0].opened_on."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


@attrs.frozen
class Facts:
    """Validated facts: nested plain dicts and tuples, dates as ``datetime.date``.

    ``given`` are the facts as the caller gave them, before validation filled in defaults:
    what ``Decision.unused_facts`` reports on when these facts are evaluated.
    """

    data: Mapping[str, object]
    given: Mapping[str, object] | None = attrs.field(default=None, eq=False, repr=False)


class Fallback(Exception):
    """The fast validator met input it does not handle; the generic one decides it."""


class _Bad(Exception):
    """A scalar that does not fit its field; the caller adds the path."""

    def __init__(self, expected: str, found: str, hint: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.found = found
        self.hint = hint

    def at(self, parts: Sequence[str | int]) -> FactsError:
        """Return the FactsError for this problem at ``parts``."""
        return FactsError(describe_path(parts), self.expected, self.found, hint=self.hint)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE = "a date (datetime.date or 'YYYY-MM-DD')"
_EXPECTED: dict[str, str] = {
    "str": "a string",
    "bool": "a bool (True or False)",
    "int": "a non-negative int",
    "date": _DATE,
    "object": "a mapping of facts",
    "list": "a list",
}
_NONE_HINT = "leave the key out when the fact is not known"


def _expected(field: Field, kind: str | None = None) -> str:
    kind = kind or field.kind
    if kind == "enum":
        return "one of " + ", ".join(repr(v) for v in field.values)
    return _EXPECTED.get(kind, kind)


def _found(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, _dt.datetime):
        return "a datetime"
    if isinstance(value, str):
        text = repr(str.__str__(value))
        return text if len(text) <= 60 else text[:56] + "...'"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"a {type(value).__name__}"
    return f"{shown(value)} ({type(value).__name__})"


def _none_hint(value: object) -> str | None:
    return _NONE_HINT if value is None else None


def _to_str(field: Field, value: object) -> str:
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)
    raise _Bad(_expected(field, "str"), _found(value), _none_hint(value))


def _to_bool(field: Field, value: object) -> bool:
    if value is True or value is False:
        return value
    hint = _none_hint(value)
    if type(value) is int and value in (0, 1):
        hint = f"write {bool(value)}, not {value}"
    raise _Bad(_expected(field, "bool"), _found(value), hint)


def _to_int(field: Field, value: object) -> int:
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return int(value)
    hint = _none_hint(value)
    if isinstance(value, bool):
        hint = "a bool is not a count"
    raise _Bad(_expected(field, "int"), _found(value), hint)


def _parse_date(text: str) -> _dt.date:
    # The common case, checked in C: exactly YYYY-MM-DD (fromisoformat alone would also
    # take 20240101 and 2024-W01-1, which the vocabulary does not).
    if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
        try:
            return _dt.date.fromisoformat(text)
        except ValueError:
            pass
    if _ISO_DATE.fullmatch(text) is None:
        raise _Bad(_DATE, _found(text), "write dates as YYYY-MM-DD")
    try:
        return _dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError as error:
        raise _Bad(_DATE, _found(text), f"not a calendar date: {error}") from None


def _to_date(field: Field, value: object) -> _dt.date:
    kind = type(value)
    if kind is _dt.date:
        return value  # type: ignore[return-value]
    if kind is str:
        return _parse_date(value)  # type: ignore[arg-type]
    if isinstance(value, _dt.datetime):
        raise _Bad("a date", "a datetime", "pass .date()")
    if isinstance(value, _dt.date):
        return _dt.date(value.year, value.month, value.day)
    if isinstance(value, str):
        return _parse_date(str.__str__(value))
    raise _Bad(_DATE, _found(value), _none_hint(value))


def _to_enum(field: Field, value: object) -> str:
    if isinstance(value, str):
        text = value if type(value) is str else str.__str__(value)
        if text in field.values:
            return text
        near = suggest(text, field.values)
        hint = f"did you mean {near!r}?" if near else None
        raise _Bad(_expected(field, "enum"), _found(value), hint)
    raise _Bad(_expected(field, "enum"), _found(value), _none_hint(value))


_SCALARS: dict[str, Callable[[Field, object], object]] = {
    "str": _to_str,
    "bool": _to_bool,
    "int": _to_int,
    "date": _to_date,
    "enum": _to_enum,
}


# Each object's facts by name, with the function that checks a scalar (None for a list or
# an object), worked out once per object of the vocabulary: validating a post is then a
# dictionary lookup and one call per fact.
_CHECKERS: dict[Field, dict[str, tuple[Field, Callable[[Field, object], object] | None]]] = {}


def _checker(field: Field) -> Callable[[Field, object], object] | None:
    return None if field.kind in ("list", "object") else _SCALARS[field.kind]


def _check_object(field: Field, value: object, parts: tuple[str | int, ...]) -> dict[str, object]:
    if type(value) is not dict and not isinstance(value, Mapping):
        raise FactsError(
            describe_path(parts), _expected(field, "object"), _found(value), hint=_none_hint(value)
        )
    checks = _CHECKERS.get(field)
    if checks is None:
        checks = _CHECKERS[field] = {f.name: (f, _checker(f)) for f in field.fields}
    out: dict[str, object] = {}
    for key, item in value.items():
        found = checks.get(key)
        if found is None:
            raise _unknown(field, key, parts)
        sub, check = found
        if check is None:  # a list or an object: checked with its path
            if sub.kind == "list":
                out[key] = _check_list(sub, item, (*parts, key))
            else:
                out[key] = _check_object(sub, item, (*parts, key))
        else:
            try:
                out[key] = check(sub, item)
            except _Bad as bad:
                raise bad.at((*parts, key)) from None
    for name in field._required:
        if name not in out:
            sub = field._by_name[name]
            raise FactsError(
                describe_path((*parts, name)),
                _expected(sub),
                "nothing",
                hint="this fact is required",
            )
    for name, default in field._defaults:
        if name not in out:
            out[name] = default
    if field._ordered and "start" in out and "end" in out:
        start, end = out["start"], out["end"]
        if start > end:  # type: ignore[operator]
            raise FactsError(
                describe_path((*parts, "end")),
                f"a date on or after {describe_path((*parts, 'start'))} ({start})",
                str(end),
            )
    return out


def _unknown(field: Field, key: object, parts: tuple[str | int, ...]) -> FactsError:
    if not isinstance(key, str):
        return FactsError(
            describe_path(parts), "fact names that are strings", f"the key {_found(key)}"
        )
    near = suggest(key, field._by_name)
    hint = f"did you mean {near!r}?" if near else "known facts here: " + ", ".join(field._by_name)
    return FactsError(
        describe_path((*parts, key)), "a known fact", f"unknown fact {shown(key)}", hint=hint
    )


def _check_list(field: Field, value: object, parts: tuple[str | int, ...]) -> tuple[object, ...]:
    if not isinstance(value, (list, tuple)):
        raise FactsError(
            describe_path(parts), _expected(field, "list"), _found(value), hint=_none_hint(value)
        )
    if field.fields:
        unique = field._unique
        seen: dict[str, dict[object, int]] = {name: {} for name in unique}
        items: list[object] = []
        for i, element in enumerate(value):
            obj = _check_object(field, element, (*parts, i))
            for name in unique:
                if name in obj:
                    key = obj[name]
                    first = seen[name].setdefault(key, i)
                    if first != i:
                        raise FactsError(
                            describe_path((*parts, i, name)),
                            f"a unique {name!r}",
                            f"{_found(key)}, already used by {describe_path((*parts, first))}",
                        )
            items.append(obj)
        return tuple(items)
    convert = _SCALARS[field.item or "str"]
    out: list[object] = []
    for i, element in enumerate(value):
        try:
            out.append(convert(field, element))
        except _Bad as bad:
            raise bad.at((*parts, i)) from None
    return tuple(out)


def extreme_dates(data: object) -> tuple[_dt.date, _dt.date] | None:
    """Return the earliest and latest date anywhere in validated facts, or None if none."""
    found: list[_dt.date] = []
    todo = [data]
    while todo:  # a loop, not recursion: facts may nest as deep as the caller likes
        item = todo.pop()
        if isinstance(item, _dt.date):
            found.append(item)
        elif isinstance(item, Mapping):
            todo.extend(item.values())
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
    return (min(found), max(found)) if found else None


Validator = Callable[[dict[str, object]], dict[str, object]]

# The validator that govrules.factcode writes from the vocabulary, made at the second
# validation: a one-off command validates once, and writing and compiling the validator
# (about 2 ms) costs more than the generic walk saves on one unit.
_fast: Validator | None = None
_validations = 0
_new_facts = Facts.__new__
_set_data = Facts.__dict__["data"].__set__
_set_given = Facts.__dict__["given"].__set__


def _fast_validator() -> Validator | None:
    global _fast, _validations
    _validations += 1
    if _fast is None and _validations >= 2:
        from govrules.factcode import validator

        _fast = validator()
    return _fast


def validate(facts: Mapping[str, object] | Facts) -> Facts:
    """Check ``facts`` against the vocabulary and return them normalised; raise FactsError."""
    if type(facts) is dict:
        # The common case, checked by code written from the vocabulary; the generic walk
        # decides the rest and words every error.
        fast = _fast or _fast_validator()
        if fast is not None:
            try:
                data = fast(facts)
            except Fallback:
                pass
            else:
                # What attrs' frozen __init__ does, through the slot itself: half its cost.
                made = _new_facts(Facts)
                _set_data(made, data)
                _set_given(made, facts)
                return made
    return _validate_generic(facts)


def _validate_generic(facts: Mapping[str, object] | Facts) -> Facts:
    """Return what ``validate`` does, by walking the vocabulary: every case, every error."""
    if isinstance(facts, Facts):
        return facts
    if not isinstance(facts, Mapping):
        raise FactsError("", "a mapping of facts", _found(facts))
    return Facts(_check_object(SCHEMA, facts, ()), facts)
