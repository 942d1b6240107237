"""The working-day calendar for Chinese deadlines, counted as 民法典第二百零一条 does."""

from __future__ import annotations

import bisect
import functools
import importlib.util
import itertools
import os
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from govrules import cache
from govrules.errors import CalendarError, DateRangeError, GovrulesError

if TYPE_CHECKING:
    from govrules.files import FileLike

__all__ = [
    "CORRECTIONS",
    "CalendarFileError",
    "Correction",
    "WorkdayCalendar",
    "YearSchedule",
    "load_calendar_dir",
    "load_year_file",
]

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarFileError(GovrulesError):
    """A year file or calendar folder that cannot be used, naming the file and the key."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {problem}")


def _date_set(dates: Iterable[date]) -> frozenset[date]:
    """Return ``dates`` as a frozenset."""
    return frozenset(dates)


def _schedule_problem(
    year: int, holidays: frozenset[date], workdays: frozenset[date]
) -> str | None:
    """Return what is wrong with a year's schedule, or None when it is sound."""
    for label, dates, rest in (("holidays", holidays, False), ("workdays", workdays, True)):
        for d in sorted(dates):
            problem = _date_problem(d, year, rest_expected=rest)
            if problem:
                return f"{label}: {d.isoformat()} {problem}"
    return None


def _date_problem(d: date, year: int, *, rest_expected: bool) -> str | None:
    """Return why ``d`` cannot be listed (holiday or make-up workday) in ``year``'s schedule.

    A year's notice may move days of the neighbouring years: the 2006, 2007, 2008 and 2019
    notices set make-up days or holidays in the previous December.
    """
    if abs(d.year - year) > 1:
        return f"is not in {year} or a neighbouring year"
    weekend = d.weekday() >= 5
    if rest_expected and not weekend:
        return (
            f"is a {_WEEKDAY_NAMES[d.weekday()]}, already a working day; "
            "workdays lists only weekend days that are working days"
        )
    if not rest_expected and weekend:
        return (
            f"is a {_WEEKDAY_NAMES[d.weekday()]}, already a rest day; "
            "holidays lists only weekdays that are rest days"
        )
    return None


@attrs.frozen
class YearSchedule:
    """One year's State Council schedule: weekday rest days and weekend working days.

    The lists may hold days of the neighbouring years that the year's notice moves (such as
    2005-12-31 in 2006's); they change those days without replacing the neighbour's schedule.
    """

    year: int
    holidays: frozenset[date] = attrs.field(converter=_date_set)
    workdays: frozenset[date] = attrs.field(converter=_date_set)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year must be an int, not {type(self.year).__name__}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is outside 1–9999")
        problem = _schedule_problem(self.year, self.holidays, self.workdays)
        if problem:
            raise ValueError(f"schedule for {self.year}: {problem}")


@attrs.frozen(repr=False)
class WorkdayCalendar:
    """Working days of a contiguous run of years, answering each query with a bisect."""

    schedules: tuple[YearSchedule, ...]
    # Ordinals of every working day in the covered years, ascending.
    _ordinals: tuple[int, ...] = attrs.field(init=False, eq=False)
    _first: int = attrs.field(init=False, eq=False)
    _last: int = attrs.field(init=False, eq=False)
    # The same days as dates, made on first use: a year of them is a slice, not 250 dates.
    _dates: tuple[date, ...] | None = attrs.field(init=False, eq=False, default=None)

    def __attrs_post_init__(self) -> None:
        if not self.schedules:
            raise ValueError("a working-day calendar needs at least one year")
        years = [s.year for s in self.schedules]
        for before, after in itertools.pairwise(years):
            if after <= before:
                raise ValueError("schedules must be one per year, ascending; use from_schedules")
            if after != before + 1:
                # A gap would make "covers 2004–2028" a lie about 2027: name the year to supply.
                raise CalendarError(before + 1, covered=(years[0], before))
        # Each day's status from the schedules in year order: the later notice wins, so a
        # December day moved by the next year's notice takes that notice's word.
        moved: dict[int, bool] = {}
        for schedule in self.schedules:
            moved.update((d.toordinal(), False) for d in schedule.holidays)
            moved.update((d.toordinal(), True) for d in schedule.workdays)
        ordinals: list[int] = []
        start = date(years[0], 1, 1).toordinal()
        stop = date(years[-1], 12, 31).toordinal() + 1
        for ordinal in range(start, stop):
            # Ordinal 1 (0001-01-01) is a Monday, so this is date.weekday() without a date.
            if moved.get(ordinal, (ordinal - 1) % 7 < 5):
                ordinals.append(ordinal)
        object.__setattr__(self, "_ordinals", tuple(ordinals))
        object.__setattr__(self, "_first", years[0])
        object.__setattr__(self, "_last", years[-1])

    @staticmethod
    def default() -> WorkdayCalendar:
        """Return the calendar built once per process from chinese-calendar's tables."""
        return _bundled_calendar()

    @classmethod
    def from_schedules(cls, schedules: Iterable[YearSchedule]) -> WorkdayCalendar:
        """Return a calendar of ``schedules``; of two schedules for one year the later wins."""
        by_year = {s.year: s for s in schedules}
        return cls(tuple(by_year[year] for year in sorted(by_year)))

    def with_years(self, *schedules: YearSchedule) -> WorkdayCalendar:
        """Return this calendar extended with ``schedules``, each replacing its year if present."""
        return WorkdayCalendar.from_schedules((*self.schedules, *schedules))

    def with_year_file(self, path: FileLike) -> WorkdayCalendar:
        """Return this calendar extended with the year in the JSON or TOML file ``path``."""
        return self.with_years(load_year_file(path))

    @property
    def years(self) -> tuple[int, ...]:
        """Return the covered years, ascending."""
        return tuple(range(self._first, self._last + 1))

    def covers(self, d: date) -> bool:
        """Return whether ``d`` lies in a covered year."""
        return self._first <= d.year <= self._last

    def is_workday(self, d: date) -> bool:
        """Return whether ``d`` is a working day (make-up working days included)."""
        self._require(d)
        ordinal = d.toordinal()
        i = bisect.bisect_left(self._ordinals, ordinal)
        return i < len(self._ordinals) and self._ordinals[i] == ordinal

    def add_workdays(self, d: date, n: int) -> date:
        """Return the ``n``-th working day after ``d``; ``d`` itself never counts.

        Only the days after ``d`` up to the result are looked at, so only their years must
        be covered: ``d`` may be the last day of an uncovered year.
        """
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        self._require(_day_after(d))
        i = bisect.bisect_right(self._ordinals, d.toordinal()) + n - 1
        if i >= len(self._ordinals):
            raise CalendarError(self._last + 1, covered=(self._first, self._last))
        return date.fromordinal(self._ordinals[i])

    def sub_workdays(self, d: date, n: int) -> date:
        """Return the ``n``-th working day before ``d``; ``d`` itself never counts."""
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        self._require(d)
        i = bisect.bisect_left(self._ordinals, d.toordinal()) - n
        if i < 0:
            raise CalendarError(self._first - 1, covered=(self._first, self._last))
        return date.fromordinal(self._ordinals[i])

    def workdays_between(self, a: date, b: date) -> int:
        """Return how many working days lie strictly after ``a`` and strictly before ``b``.

        Only those days are looked at: their years must be covered, not those of ``a``
        and ``b``, and nothing at all when none lies between.
        """
        if b.toordinal() - a.toordinal() < 2:
            return 0
        self._require(_day_after(a))
        self._require(b - _ONE_DAY)
        lo = bisect.bisect_right(self._ordinals, a.toordinal())
        hi = bisect.bisect_left(self._ordinals, b.toordinal())
        return hi - lo

    def workdays_in(self, start: date, end: date) -> tuple[date, ...]:
        """Return the working days from ``start`` to ``end``, both included."""
        if end < start:
            return ()
        self._require(start)
        self._require(end)
        lo = bisect.bisect_left(self._ordinals, start.toordinal())
        hi = bisect.bisect_right(self._ordinals, end.toordinal())
        dates = self._dates
        if dates is None:
            dates = tuple(map(date.fromordinal, self._ordinals))
            object.__setattr__(self, "_dates", dates)
        return dates[lo:hi]

    def _require(self, d: date) -> None:
        """Raise CalendarError unless ``d`` lies in a covered year."""
        if not self.covers(d):
            raise CalendarError(d.year, covered=(self._first, self._last))

    def __repr__(self) -> str:
        return f"WorkdayCalendar(years={self._first}–{self._last})"


_ONE_DAY = timedelta(days=1)


def _day_after(d: date) -> date:
    """Return the day after ``d``; there is none after 9999-12-31."""
    if d == date.max:
        raise DateRangeError("no day follows 9999-12-31, the last date govrules can count in")
    return d + _ONE_DAY


@attrs.frozen
class Correction:
    """A day on which chinese-calendar's table departs from the State Council's notice."""

    day: date
    workday: bool
    year: int  # the year whose notice set the day; a December day may be the next year's
    notice: str  # the notice, by 文号, and what it says about the day


#: Corrections to chinese-calendar's tables, each citing the notice it follows. Every year
#: 2004–2026 was cross-checked against the notices and other libraries; these are the days
#: where chinese-calendar 1.11 departs from the notice.
CORRECTIONS: tuple[Correction, ...] = (
    Correction(
        date(2005, 12, 31),
        workday=True,
        year=2006,
        notice=(
            "国办发明电〔2005〕35号《国务院办公厅关于2006年部分节假日安排的通知》，元旦："
            "2005年12月31日（星期六）上班 (chinese-calendar issue #125)"
        ),
    ),
)


def _notice_year(d: date, name: object) -> int:
    """Return the year whose notice set ``d``: a late-December New Year day is the next's."""
    return d.year + 1 if d.month == 12 and name == "New Year's Day" else d.year


def _bundled_schedules() -> tuple[YearSchedule, ...]:
    """Return one schedule per year from chinese-calendar's holiday and workday tables."""
    from chinese_calendar import constants

    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    # Each day goes to the schedule of the notice that set it, so that replacing a year
    # keeps the December days its successor's notice moved. The tables list weekend days
    # inside a holiday too; those are rest days anyway.
    for d, name in constants.holidays.items():
        if d.weekday() < 5:
            holidays.setdefault(_notice_year(d, name), set()).add(d)
    for d, name in constants.workdays.items():
        workdays.setdefault(_notice_year(d, name), set()).add(d)
    for fix in CORRECTIONS:
        for table in (holidays, workdays):
            for year in (fix.day.year, fix.year):
                table.get(year, set()).discard(fix.day)
        if fix.workday != (fix.day.weekday() < 5):
            (workdays if fix.workday else holidays).setdefault(fix.year, set()).add(fix.day)
    first = min(d.year for d in constants.holidays)
    last = max(d.year for d in constants.holidays)
    return tuple(
        YearSchedule(year, frozenset(holidays.get(year, ())), frozenset(workdays.get(year, ())))
        for year in range(first, last + 1)
    )


@functools.cache
def _bundled_calendar() -> WorkdayCalendar:
    """Return the calendar of the bundled years, built on first use or read from the cache.

    Importing chinese-calendar and building from its tables takes a few milliseconds of
    every start-up; the load cache keeps the result, keyed by the tables' source (and, as
    every entry, by govrules's own code, which holds CORRECTIONS).
    """
    key = _tables_key()
    if key is None:
        return _build_bundled_calendar()
    return cache.cached("calendar", key, _build_bundled_calendar)


def _build_bundled_calendar() -> WorkdayCalendar:
    return WorkdayCalendar(_bundled_schedules())


def _tables_key() -> str | None:
    """Return a key of chinese-calendar's source files, or None where they cannot be read."""
    spec = importlib.util.find_spec("chinese_calendar")
    if spec is None or not spec.submodule_search_locations:
        return None
    parts = []
    try:
        for folder in spec.submodule_search_locations:
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.name.endswith(".py") and entry.is_file():
                        with open(entry.path, "rb") as f:
                            parts.append((entry.name, f.read()))
    except OSError:
        return None
    return cache.key(parts) if parts else None


def load_year_file(path: FileLike) -> YearSchedule:
    """Return the year schedule in the JSON or TOML file ``path``, checked strictly."""
    from govrules.yearfiles import load_year_file as read

    return read(path)


def load_calendar_dir(path: FileLike, *, root: FileLike | None = None) -> tuple[YearSchedule, ...]:
    """Return the schedules of every ``*.json`` and ``*.toml`` file in a folder, by year.

    With ``root`` (a policy folder), a file or the folder itself that links outside
    ``root`` is refused rather than read.
    """
    from govrules.yearfiles import load_calendar_dir as read

    return read(path, root=root)
