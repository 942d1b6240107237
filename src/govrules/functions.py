"""The built-in functions rules may call, with the counting conventions of docs/contract.md."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from govrules.calendar import WorkdayCalendar
from govrules.values import Duration, Run

ONE_DAY = dt.timedelta(days=1)
_DAY = dt.date.fromordinal


Sign = int | None  # +1 the result grows with the argument, -1 it shrinks, 0 no effect, None unknown


@attrs.frozen
class Function:
    """A built-in and its signature: argument and result kinds, and how the result moves.

    ``args`` are the kinds the type checks demand (``list``, ``date``, ``duration``,
    ``value``); a variadic function repeats its last kind up to ``max_args``. ``result`` is
    ``int``, ``date``, ``list<date>``, ``list<run>``, ``like-first`` (the first argument's
    type) or ``extreme`` (an item of a list argument, or the arguments' common type).
    ``signs`` say, for each argument, whether the result grows (+1) or shrinks (-1) as the
    argument grows (a date later, a duration longer, a list with more members): the
    subordination analysis reads them, and evaluation uses them to bound a result over a
    partly known list (logic.monotone_bounds).
    """

    name: str
    args: tuple[str, ...]
    result: str
    doc: str
    impl: Callable[..., Any]
    signs: tuple[Sign, ...]
    max_args: int = 0

    def __attrs_post_init__(self) -> None:
        if not self.max_args:
            object.__setattr__(self, "max_args", len(self.args))

    @property
    def min_args(self) -> int:
        """Return how many arguments a call needs at least."""
        return len(self.args)

    def arg_kind(self, i: int) -> str:
        """Return the kind the ``i``-th argument must have (variadic: the last kind)."""
        return self.args[min(i, len(self.args) - 1)]

    def sign(self, i: int) -> Sign:
        """Return how the result moves with the ``i``-th argument."""
        return self.signs[min(i, len(self.signs) - 1)]

    def monotone_lists(self, arity: int) -> tuple[int, ...]:
        """Return the positions of list arguments in which the result is monotone."""
        return tuple(
            i for i in range(arity) if self.arg_kind(i) == "list" and self.sign(i) is not None
        )


def shift(cal: WorkdayCalendar, day: dt.date, amount: Duration, sign: int = 1) -> dt.date:
    """Return ``day`` moved by a duration; workdays count from the next day (民法典第二百零一条)."""
    if amount.unit == "days":
        return day + sign * amount.amount * ONE_DAY
    if amount.unit in ("months", "years"):
        # Imported here: a rule set that never counts months need not load it at start-up.
        from dateutil.relativedelta import relativedelta

        if amount.unit == "months":
            return day + relativedelta(months=sign * amount.amount)
        return day + relativedelta(years=sign * amount.amount)
    if sign < 0:
        return cal.sub_workdays(day, amount.amount)
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
    (docs/contract.md, counting conventions); for months, dateutil's month arithmetic decides.
    """
    if end < start:
        return ()
    runs: list[Run] = []
    cursor = start
    if interval.unit == "days":
        # The same test in whole days, counted on day numbers: a run of ``interval.amount``
        # days or more exceeds the interval, and no day past the period is ever made (the
        # day after 9999-12-31 is no date).
        need = interval.amount
        low, high = start.toordinal(), end.toordinal()
        at = low
        for number in sorted({d.toordinal() for d in dates}):
            if number < low or number > high:
                continue
            if number - at >= need and number > at:
                runs.append(Run(_DAY(at), _DAY(number - 1)))
            at = number + 1
        if high - at + 1 >= need and high >= at:
            runs.append(Run(_DAY(at), end))
        return tuple(runs)
    inside = sorted({d for d in dates if start <= d <= end})
    for d in [*inside, end + ONE_DAY]:
        if d > cursor:
            first, last = cursor, d - ONE_DAY
            if shift(cal, first - ONE_DAY, interval) <= last:
                runs.append(Run(first, last))
        cursor = d + ONE_DAY
    return tuple(runs)


def _claimed(_cal: WorkdayCalendar, value: Any) -> bool:
    # Evaluation passes an absent fact as False (see compiler.call): absent means not claimed.
    return value is True


def _first(_cal: WorkdayCalendar, *args: Any) -> Any:
    # Evaluation hands over only the known arguments (see compiler.call); the first wins.
    return args[0] if args else None


def _without(
    _cal: WorkdayCalendar, wanted: Sequence[object], given: Sequence[object]
) -> tuple[object, ...]:
    present = set(given)
    return tuple(x for x in wanted if x not in present)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("count", ("list",), "int", "number of items in a collection", _count, (1,)),
        Function(
            "max",
            ("value",),
            "extreme",
            "the latest date or largest number",
            _extreme(max),
            (1,),
            max_args=8,
        ),
        Function(
            "min",
            ("value",),
            "extreme",
            "the earliest date or smallest number",
            _extreme(min),
            (1,),
            max_args=8,
        ),
        Function("year", ("date",), "int", "the calendar year of a date", _year, (1,)),
        Function(
            "days_between",
            ("date", "date"),
            "int",
            "calendar days from the first date to the second",
            _days_between,
            (-1, 1),
        ),
        Function(
            "workdays_between",
            ("date", "date"),
            "int",
            "working days strictly after the first date and strictly before the second",
            _workdays_between,
            (-1, 1),
        ),
        Function(
            "workdays_without",
            ("list", "date", "date"),
            "list<date>",
            "working days from start to end (inclusive) on which no date of the list falls",
            _workdays_without,
            (-1, -1, 1),
        ),
        Function(
            "without",
            ("list", "list"),
            "like-first",
            "the items of the first list missing from the second",
            _without,
            (1, -1),
        ),
        Function(
            "gaps",
            ("list", "date", "date", "duration"),
            "list<run>",
            "runs of days from start to end without a date of the list that exceed the interval",
            _gaps,
            (-1, -1, 1, -1),
        ),
        Function(
            "claimed",
            ("value",),
            "bool",
            "true only when the fact is given and true: an exception is claimed, absent is not",
            _claimed,
            (1,),
        ),
        Function(
            "first_known",
            ("value",),
            "extreme",
            "the first argument that is known (given, or computed from given facts)",
            _first,
            (None,),
            max_args=8,
        ),
    )
}
