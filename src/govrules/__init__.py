"""govrules: Chinese government regulations as layered, citable rules.

>>> import govrules
>>> decision = govrules.evaluate(
...     {"accounts": [{"id": "wx", "events": [
...         {"type": "open", "date": "2024-09-27", "filed_on": "2024-10-12"}]}]},
...     jurisdiction="yunnan", on="2024-11-01")
>>> [v.outcome.value for v in decision.for_subject("accounts[0].events[0]")
...  if v.obligation == "filing_deadline"]
['compliant']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govrules.calendar import CalendarFileError, WorkdayCalendar, YearSchedule
from govrules.errors import (
    CalendarError,
    DateRangeError,
    FactsError,
    GovrulesError,
    PolicyError,
    StackDepthError,
)
from govrules.evaluate import evaluate
from govrules.verdicts import Citation, Decision, Outcome, Verdict

if TYPE_CHECKING:
    from govrules.api import article, check, rulesets
    from govrules.comparison import Change, Diff, diff
    from govrules.consolidated import Consolidated, consolidate
    from govrules.engine import Engine, load
    from govrules.formatter import format_text as format_policy
    from govrules.schema import facts_schema

# The engine, the tools for authors and reviewers and the other entry points load on first
# use: the evaluate command needs none of them, and its start-up should not pay for importing
# them. (evaluate stays eager: the submodule of that name would otherwise shadow it.)
_LAZY = {
    "Engine": ("govrules.engine", "Engine"),
    "load": ("govrules.engine", "load"),
    "article": ("govrules.api", "article"),
    "check": ("govrules.api", "check"),
    "rulesets": ("govrules.api", "rulesets"),
    "Change": ("govrules.comparison", "Change"),
    "Diff": ("govrules.comparison", "Diff"),
    "diff": ("govrules.comparison", "diff"),
    "Consolidated": ("govrules.consolidated", "Consolidated"),
    "consolidate": ("govrules.consolidated", "consolidate"),
    "format_policy": ("govrules.formatter", "format_text"),
    "facts_schema": ("govrules.schema", "facts_schema"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govrules' has no attribute {name!r}")


__all__ = [
    "CalendarError",
    "CalendarFileError",
    "Change",
    "Citation",
    "Consolidated",
    "DateRangeError",
    "Decision",
    "Diff",
    "Engine",
    "FactsError",
    "GovrulesError",
    "Outcome",
    "PolicyError",
    "StackDepthError",
    "Verdict",
    "WorkdayCalendar",
    "YearSchedule",
    "article",
    "check",
    "consolidate",
    "diff",
    "evaluate",
    "facts_schema",
    "format_policy",
    "load",
    "rulesets",
]
