"""Runtime values of rule expressions: durations, runs of days, and the missing-fact marker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs


@attrs.frozen
class Missing:
    """The value of an expression that needs facts the caller did not give; names their paths."""

    paths: frozenset[str]

    def __bool__(self) -> bool:
        raise TypeError("a Missing value has no truth value; use three-valued helpers")

    @staticmethod
    def union(values: Iterable[object]) -> Missing:
        """Return one Missing naming every path of the Missing values given."""
        paths: set[str] = set()
        for v in values:
            if isinstance(v, Missing):
                paths |= v.paths
        return Missing(frozenset(paths))


@attrs.frozen
class Duration:
    """An amount of time in one unit: workdays, days, months or years."""

    amount: int
    unit: str

    def __str__(self) -> str:
        return f"{self.amount}{UNIT_CHINESE[self.unit]}"


UNIT_CHINESE = {"workdays": "个工作日", "days": "天", "months": "个月", "years": "年"}


@attrs.frozen
class Run:
    """Consecutive calendar days, first to last inclusive, e.g. days without a post."""

    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        """Return how many days the run covers."""
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        return f"{self.first}至{self.last}（{self.days}天）"


class Text(str):
    """Free text from the facts (a name, a source), shown as written, never translated."""

    __slots__ = ()
