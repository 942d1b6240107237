"""Shared helpers: evaluate facts and pick the verdict of one obligation for one subject."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from typing import Any

import pytest

# The suite keeps its load cache to itself, in a fresh folder, not in the user's cache.
os.environ["GOVRULES_CACHE_DIR"] = tempfile.mkdtemp(prefix="govrules-test-cache-")

import govrules
from govrules.verdicts import Verdict


def verdict(
    facts: dict[str, Any],
    obligation: str,
    subject: str,
    *,
    on: str | dt.date = "2024-11-01",
    jurisdiction: str = "yunnan",
    **kwargs: Any,
) -> Verdict:
    """Return the one verdict of ``obligation`` about ``subject``."""
    decision = govrules.evaluate(facts, jurisdiction, on, **kwargs)
    found = [v for v in decision.verdicts if v.obligation == obligation and v.subject == subject]
    assert len(found) == 1, [(v.obligation, v.subject) for v in decision.verdicts]
    return found[0]


def account(**fields: Any) -> dict[str, Any]:
    """Return facts of a county department with one account built from ``fields``."""
    return {
        "unit": {"kind": "department", "level": "county"},
        "accounts": [{"id": "a", **fields}],
    }


@pytest.fixture
def tmp_policies(tmp_path: Any) -> Any:
    """Return a function writing .rules files into a fresh policy folder."""

    def write(**files: str) -> Any:
        for name, text in files.items():
            (tmp_path / f"{name}.rules").write_text(text, encoding="utf-8")
        return tmp_path

    return write
