"""Year files: one year's working-day schedule in JSON or TOML, read and checked strictly.

:func:`govrules.calendar.load_year_file` and :func:`~govrules.calendar.load_calendar_dir`
read them (docs/calendar.md gives the format); this module loads only when one is read,
since evaluating with the bundled years needs none of it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govrules.calendar import CalendarFileError, YearSchedule, _date_problem
from govrules.files import confined, decode, display, is_file

if TYPE_CHECKING:
    from govrules.files import FileLike, Traversable

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXPECTED = {
    "year": "the year as a whole number, such as 2027",
    "holidays": "a list of dates",
    "workdays": "a list of dates",
}
_KEYS = tuple(_EXPECTED)
_SUFFIXES = (".json", ".toml")


def _as_traversable(path: FileLike) -> Traversable:
    """Return ``path`` as something with ``name``, ``read_bytes`` and ``iterdir``."""
    if isinstance(path, (str, os.PathLike)):
        return Path(path)
    return path


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return the JSON object of ``pairs``, refusing a key given twice."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _DuplicateKey(Exception):
    """A JSON object that names one key twice."""


def _parse(name: str, suffix: str, data: bytes) -> Any:
    """Return the document in ``data``, parsed as JSON or TOML by ``suffix``."""
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        raise CalendarFileError(name, "", f"is not UTF-8 text ({exc.reason})") from None
    if suffix == ".json":
        try:
            return json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        except json.JSONDecodeError as exc:
            problem = f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            raise CalendarFileError(name, "", problem) from None
        except _DuplicateKey as exc:
            raise CalendarFileError(name, str(exc), "key given twice") from None
        except RecursionError:
            raise CalendarFileError(name, "", "nests lists or objects too deeply") from None
        except ValueError:  # an integer of more than 4300 digits (Python 3.11 and later)
            raise CalendarFileError(name, "", "holds a number too long to read") from None
    if sys.version_info < (3, 11):
        raise CalendarFileError(
            name, "", "TOML calendar files need Python 3.11 or later (tomllib); use JSON instead"
        )
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CalendarFileError(name, "", f"is not valid TOML: {exc}") from None
    except RecursionError:
        raise CalendarFileError(name, "", "nests lists or tables too deeply") from None
    except ValueError:  # an integer of more than 4300 digits (Python 3.11 and later)
        raise CalendarFileError(name, "", "holds a number too long to read") from None


def _describe(value: object) -> str:
    """Return ``value`` as a message quotes it."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if value is None:
        return "null"
    return repr(value)


def _parse_date(name: str, key: str, value: object) -> date:
    """Return ``value`` as a date: an ISO ``YYYY-MM-DD`` string or a TOML date."""
    if isinstance(value, datetime):
        raise CalendarFileError(name, key, f"{value.isoformat()} is a date-time, expected a date")
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise CalendarFileError(
            name, key, f'expected a date as "YYYY-MM-DD", found {_describe(value)}'
        )
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarFileError(name, key, f'{_describe(value)} is not a date (expected "YYYY-MM-DD")')


def _parse_dates(
    name: str, label: str, value: object, year: int, *, rest_expected: bool
) -> dict[date, str]:
    """Return the dates listed under ``label``, each with the key that names it."""
    if not isinstance(value, list):
        raise CalendarFileError(name, label, f"expected a list of dates, found {_describe(value)}")
    seen: dict[date, str] = {}
    for i, item in enumerate(value):
        key = f"{label}[{i}]"
        d = _parse_date(name, key, item)
        if d in seen:
            raise CalendarFileError(name, key, f"{d.isoformat()} is already listed as {seen[d]}")
        problem = _date_problem(d, year, rest_expected=rest_expected)
        if problem:
            raise CalendarFileError(name, key, f"{d.isoformat()} {problem}")
        seen[d] = key
    return seen


def _schedule_from_document(name: str, stem: str, document: object) -> YearSchedule:
    """Return the schedule in a parsed year file, checking every key and date."""
    if not isinstance(document, Mapping):
        raise CalendarFileError(
            name,
            "",
            f"expected a table with keys year, holidays, workdays, found {_describe(document)}",
        )
    for key in document:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise CalendarFileError(
                name, str(key), f"unknown key (expected year, holidays, workdays){hint}"
            )
    for key, expected in _EXPECTED.items():
        if key not in document:
            raise CalendarFileError(name, key, f"missing key; expected {expected}")
    year = document["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        raise CalendarFileError(
            name, "year", f"expected {_EXPECTED['year']}, found {_describe(year)}"
        )
    if not 1 <= year <= 9999:
        raise CalendarFileError(name, "year", f"{year} is outside 1–9999")
    if stem.isdigit() and int(stem) != year:
        raise CalendarFileError(name, "year", f"{year} does not match the file name")
    holidays = _parse_dates(name, "holidays", document["holidays"], year, rest_expected=False)
    workdays = _parse_dates(name, "workdays", document["workdays"], year, rest_expected=True)
    return YearSchedule(year, frozenset(holidays), frozenset(workdays))


def load_year_file(path: FileLike) -> YearSchedule:
    """Return the year schedule in the JSON or TOML file ``path``, checked strictly."""
    name = display(path)
    resource = _as_traversable(path)
    suffix = os.path.splitext(resource.name)[1].lower()
    if suffix not in _SUFFIXES:
        raise CalendarFileError(name, "", "expected a .json or .toml file")
    try:
        data = resource.read_bytes()
    except OSError as exc:
        raise CalendarFileError(name, "", f"cannot be read ({exc.strerror or exc})") from None
    stem = os.path.splitext(resource.name)[0]
    return _schedule_from_document(name, stem, _parse(name, suffix, data))


def load_calendar_dir(path: FileLike, *, root: FileLike | None = None) -> tuple[YearSchedule, ...]:
    """Return the schedules of every ``*.json`` and ``*.toml`` file in a folder, by year.

    With ``root`` (a policy folder), a file or the folder itself that links outside
    ``root`` is refused rather than read.
    """
    name = display(path)
    folder = _as_traversable(path)
    if not folder.is_dir():
        raise CalendarFileError(name, "", "is not a folder")
    fence = _as_traversable(root) if root is not None else None
    files = sorted(
        (
            entry
            for entry in folder.iterdir()
            if is_file(entry) and os.path.splitext(entry.name)[1].lower() in _SUFFIXES
        ),
        key=lambda entry: entry.name,
    )
    by_year: dict[int, tuple[YearSchedule, str]] = {}
    for entry in files:
        entry_name = display(entry)
        if fence is not None and not confined(fence, entry):
            raise CalendarFileError(
                entry_name,
                "",
                "links to a place outside the policy folder; policies may only read files "
                "inside their own folder",
            )
        schedule = load_year_file(entry)
        if schedule.year in by_year:
            other = by_year[schedule.year][1]
            raise CalendarFileError(
                entry_name, "year", f"{schedule.year} is also supplied by {other}"
            )
        by_year[schedule.year] = (schedule, entry_name)
    return tuple(by_year[year][0] for year in sorted(by_year))
