"""The built-in ``gaps``: runs of days without a date, against their definition.

docs/contract.md (counting conventions): a run of consecutive days in the review period
without a qualifying date exceeds an interval of N days when it is N days long or longer
("更新间隔不得超过14天": a post on day d and none until day d + 15 leaves days d+1 … d+14,
14 days, without one). The definition is checked here day by day, as a reviewer counts on a
calendar, against the function the rules call.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from govrules.calendar import WorkdayCalendar
from govrules.functions import FUNCTIONS
from govrules.values import Duration, Run

CAL = WorkdayCalendar.default()
GAPS = FUNCTIONS["gaps"].impl
DAY = dt.timedelta(days=1)


def counted_on_a_calendar(
    dates: list[dt.date], start: dt.date, end: dt.date, days: int
) -> tuple[Run, ...]:
    """Walk the period a day at a time; close a run at each date and at the end."""
    runs = []
    first = None
    day = start
    while day <= end:
        if day in dates:
            if first is not None and (day - first).days >= days:
                runs.append(Run(first, day - DAY))
            first = None
        elif first is None:
            first = day
        day += DAY
    if first is not None and (end - first).days + 1 >= days:
        runs.append(Run(first, end))
    return tuple(runs)


def test_fourteen_days_without_a_post_exceed_the_fourteen_day_interval() -> None:
    """Posts on 1 and 16 June leave 2–15 June, 14 days: a run; on 15 June, 13 days: none."""
    june = dt.date(2025, 6, 1)
    interval = Duration(14, "days")
    end = dt.date(2025, 6, 16)
    assert GAPS(CAL, (june, end), june, end, interval) == (
        Run(dt.date(2025, 6, 2), dt.date(2025, 6, 15)),
    )
    assert GAPS(CAL, (june, dt.date(2025, 6, 15), end), june, end, interval) == ()


def test_the_run_to_the_end_of_the_period_counts_its_last_day() -> None:
    """A last post on 17 June and a period ending 30 June leave 18–30 June: 13 days, none;
    to 1 July, 14 days: a run."""
    interval = Duration(14, "days")
    start, post = dt.date(2025, 6, 10), dt.date(2025, 6, 17)
    assert GAPS(CAL, (start, post), start, dt.date(2025, 6, 30), interval) == ()
    assert GAPS(CAL, (start, post), start, dt.date(2025, 7, 1), interval) == (
        Run(dt.date(2025, 6, 18), dt.date(2025, 7, 1)),
    )


@given(
    st.lists(st.dates(dt.date(2024, 1, 1), dt.date(2024, 4, 30)), max_size=12),
    st.dates(dt.date(2024, 1, 1), dt.date(2024, 4, 30)),
    st.integers(0, 60),
    st.integers(1, 40),
)
def test_gaps_in_days_are_the_runs_a_reviewer_counts(
    dates: list[dt.date], start: dt.date, length: int, days: int
) -> None:
    end = start + dt.timedelta(days=length)
    expected = counted_on_a_calendar(dates, start, end, days)
    assert GAPS(CAL, tuple(dates), start, end, Duration(days, "days")) == expected
