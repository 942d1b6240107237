"""The built-in functions rules may call, with the counting conventions of CONTRACT §5."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from govrules.calendar import WorkdayCalendar
from govrules.values import Duration, Run

ONE_DAY = dt.timedelta(days=1)


@attrs.frozen
class Function:
    """A built-in: how many arguments it takes, what it returns, and what it does."""

    name: str
    min_args: int
    max_args: int
    doc: str
    impl: Callable[..., Any]


def shift(cal: WorkdayCalendar, day: dt.date, amount: Duration, sign: int = 1) -> dt.date:
    """Return ``day`` moved by a duration; workdays count from the next day (民法典第二百零一条)."""
    if amount.unit == "days":
        return day + sign * amount.amount * ONE_DAY
    if amount.unit == "months":
        return day + relativedelta(months=sign * amount.amount)
    if amount.unit == "years":
        return day + relativedelta(years=sign * amount.amount)
    if sign < 0:
        raise ValueError("subtracting working days is not supported")
    return cal.add_workdays(day, amount.amount)


def _count(_cal: WorkdayCalendar, items: Sequence[object]) -> int:
    return len(items)


def _extreme(pick: Callable[..., Any]) -> Callable[..., Any]:
    def run(_cal: WorkdayCalendar, *args: Any) -> Any:
        if len(args) == 1 and isinstance(args[0], tuple):
            return pick(args[0]) if args[0] else None
        return pick(args)

    return run


def _year(_cal: WorkdayCalendar, day: dt.date) -> int:
    return day.year


def _days_between(_cal: WorkdayCalendar, first: dt.date, last: dt.date) -> int:
    return (last - first).days


def _workdays_between(cal: WorkdayCalendar, first: dt.date, last: dt.date) -> int:
    return cal.workdays_between(first, last)


def _workdays_without(
    cal: WorkdayCalendar, dates: Sequence[dt.date], start: dt.date, end: dt.date
) -> tuple[dt.date, ...]:
    if end < start:
        return ()
    seen = set(dates)
    return tuple(d for d in cal.workdays_in(start, end) if d not in seen)


def _gaps(
    cal: WorkdayCalendar,
    dates: Sequence[dt.date],
    start: dt.date,
    end: dt.date,
    interval: Duration,
) -> tuple[Run, ...]:
    """Runs of days in [start, end] with no date, long enough that the interval is exceeded.

    A run from ``a`` to ``b`` exceeds the interval when the day ``interval`` after ``a - 1``
    still falls inside it: for 14 days, a run of 14 or more days without a qualifying post
    (CONTRACT §5); for months, dateutil's month arithmetic decides.
    """
    if end < start:
        return ()
    inside = sorted({d for d in dates if start <= d <= end})
    runs: list[Run] = []
    cursor = start
    for d in [*inside, end + ONE_DAY]:
        if d > cursor:
            first, last = cursor, d - ONE_DAY
            if shift(cal, first - ONE_DAY, interval) <= last:
                runs.append(Run(first, last))
        cursor = d + ONE_DAY
    return tuple(runs)


def _without(
    _cal: WorkdayCalendar, wanted: Sequence[object], given: Sequence[object]
) -> tuple[object, ...]:
    present = set(given)
    return tuple(x for x in wanted if x not in present)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("count", 1, 1, "number of items in a collection", _count),
        Function("max", 1, 8, "the latest date or largest number", _extreme(max)),
        Function("min", 1, 8, "the earliest date or smallest number", _extreme(min)),
        Function("year", 1, 1, "the calendar year of a date", _year),
        Function(
            "days_between", 2, 2, "calendar days from the first date to the second", _days_between
        ),
        Function(
            "workdays_between",
            2,
            2,
            "working days strictly after the first date and strictly before the second",
            _workdays_between,
        ),
        Function(
            "workdays_without",
            3,
            3,
            "working days from start to end (inclusive) on which no date of the list falls",
            _workdays_without,
        ),
        Function("without", 2, 2, "the items of the first list missing from the second", _without),
        Function(
            "gaps",
            4,
            4,
            "runs of days from start to end without a date of the list that exceed the interval",
            _gaps,
        ),
    )
}
