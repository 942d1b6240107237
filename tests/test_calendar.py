"""Tests for the working-day calendar (民法典第二百零一条 counting)."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules.calendar import (
    CalendarFileError,
    WorkdayCalendar,
    YearSchedule,
    load_calendar_dir,
    load_year_file,
)
from govrules.errors import CalendarError, GovrulesError

CAL = WorkdayCalendar.default()

# A made-up 2027 schedule (the real one is not yet announced): 2027-01-01 is a Friday,
# 2027-02-08..12 are Monday..Friday, and 2027-02-20 is a Saturday.
SCHEDULE_2027 = {
    "year": 2027,
    "holidays": [
        "2027-01-01",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
        "2027-02-11",
        "2027-02-12",
    ],
    "workdays": ["2027-02-20"],
}

TOML_2027 = """\
year = 2027
holidays = [2027-01-01, "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"]
workdays = ["2027-02-20"]
"""


def d(text: str) -> date:
    """Return the date written as ``YYYY-MM-DD``."""
    return date.fromisoformat(text)


def days(first: str, last: str) -> list[date]:
    """Return every date from ``first`` to ``last``, both included."""
    start, end = d(first), d(last)
    return [start + timedelta(i) for i in range((end - start).days + 1)]


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test inside a fresh folder so messages name files relative to it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- 2024 National Day (holidays 10-01..10-07, make-up days 09-29 Sun and 10-12 Sat) ---


def test_national_day_2024_rest_and_make_up_days() -> None:
    """The 2024 National Day holidays rest and its two make-up weekend days work."""
    assert CAL.is_workday(d("2024-09-27"))  # Friday
    assert not CAL.is_workday(d("2024-09-28"))  # ordinary Saturday
    assert CAL.is_workday(d("2024-09-29"))  # Sunday, make-up day
    assert CAL.is_workday(d("2024-09-30"))
    assert not any(CAL.is_workday(day) for day in days("2024-10-01", "2024-10-07"))
    assert CAL.is_workday(d("2024-10-08"))
    assert CAL.is_workday(d("2024-10-12"))  # Saturday, make-up day
    assert not CAL.is_workday(d("2024-10-13"))  # ordinary Sunday


def test_add_workdays_across_national_day_2024() -> None:
    """Seven working days after Friday 2024-09-27 end on make-up Saturday 2024-10-12."""
    assert CAL.add_workdays(d("2024-09-27"), 7) == d("2024-10-12")


def test_add_workdays_from_rest_day_counts_next_working_day_as_first() -> None:
    """One working day after rest Saturday 2024-10-05 is Tuesday 2024-10-08."""
    assert CAL.add_workdays(d("2024-10-05"), 1) == d("2024-10-08")


def test_add_workdays_never_counts_the_start_day() -> None:
    """One working day after working Tuesday 2024-10-08 is Wednesday 2024-10-09."""
    assert CAL.add_workdays(d("2024-10-08"), 1) == d("2024-10-09")


def test_workdays_between_after_national_day_2024() -> None:
    """Between 2024-10-08 and 2024-10-31 lie 17 working days, make-up Saturday 10-12 included."""
    assert CAL.workdays_between(d("2024-10-08"), d("2024-10-31")) == 17


def test_workdays_between_across_national_day_2024() -> None:
    """Between 2024-09-25 and 2024-10-14 lie 9 working days: 26, 27, 29, 30, 8, 9, 10, 11, 12."""
    assert CAL.workdays_between(d("2024-09-25"), d("2024-10-14")) == 9


def test_workdays_between_adjacent_or_reversed_days_is_zero() -> None:
    """Nothing lies strictly between a day and the next, or between reversed days."""
    assert CAL.workdays_between(d("2024-10-08"), d("2024-10-09")) == 0
    assert CAL.workdays_between(d("2024-10-08"), d("2024-10-08")) == 0
    assert CAL.workdays_between(d("2024-10-31"), d("2024-10-08")) == 0


# --- 2024 Spring Festival (holidays 02-10..17, make-up days 02-04 Sun and 02-18 Sun) ---


def test_spring_festival_2024_rest_and_make_up_days() -> None:
    """The 2024 Spring Festival holidays rest and Sundays 02-04 and 02-18 work."""
    assert CAL.is_workday(d("2024-02-04"))
    assert CAL.is_workday(d("2024-02-09"))  # 除夕 is not a statutory holiday in 2024
    assert not any(CAL.is_workday(day) for day in days("2024-02-10", "2024-02-17"))
    assert CAL.is_workday(d("2024-02-18"))


def test_spring_festival_2024_counting() -> None:
    """Counting across the 2024 Spring Festival lands on its make-up Sundays."""
    assert CAL.add_workdays(d("2024-02-02"), 1) == d("2024-02-04")
    assert CAL.add_workdays(d("2024-02-09"), 1) == d("2024-02-18")
    assert CAL.add_workdays(d("2024-02-08"), 3) == d("2024-02-19")
    assert CAL.workdays_between(d("2024-02-09"), d("2024-02-19")) == 1


def test_workdays_in_spring_festival_2024() -> None:
    """The working days of 2024-02-03..19 are 02-04..09, 02-18 and 02-19."""
    expected = (*days("2024-02-04", "2024-02-09"), d("2024-02-18"), d("2024-02-19"))
    assert CAL.workdays_in(d("2024-02-03"), d("2024-02-19")) == expected


# --- 2019 National Day (holidays 10-01..10-07, make-up days 09-29 Sun and 10-12 Sat) ---


def test_national_day_2019() -> None:
    """The 2019 National Day holidays rest and make-up days 09-29 and 10-12 work."""
    assert CAL.is_workday(d("2019-09-29"))
    assert not any(CAL.is_workday(day) for day in days("2019-10-01", "2019-10-07"))
    assert CAL.is_workday(d("2019-10-12"))
    assert CAL.add_workdays(d("2019-09-27"), 1) == d("2019-09-29")
    assert CAL.add_workdays(d("2019-09-30"), 1) == d("2019-10-08")
    assert CAL.add_workdays(d("2019-10-08"), 4) == d("2019-10-12")


def test_workdays_in_national_day_2019() -> None:
    """The working days of 2019-09-28..10-13 are 09-29, 09-30 and 10-08..12."""
    expected = (d("2019-09-29"), d("2019-09-30"), *days("2019-10-08", "2019-10-12"))
    assert CAL.workdays_in(d("2019-09-28"), d("2019-10-13")) == expected


def test_workdays_in_reversed_range_is_empty() -> None:
    """A range whose end precedes its start holds no working days."""
    assert CAL.workdays_in(d("2024-10-09"), d("2024-10-08")) == ()


def test_add_workdays_refuses_n_below_one() -> None:
    """Adding zero working days is a caller mistake, not the start day."""
    with pytest.raises(ValueError, match="at least 1"):
        CAL.add_workdays(d("2024-10-08"), 0)


# --- coverage ---


def test_default_covers_2004_to_2026() -> None:
    """The bundled calendar covers 2004 through 2026 and nothing else."""
    assert CAL.years == tuple(range(2004, 2027))
    assert CAL.covers(d("2004-01-01"))
    assert CAL.covers(d("2026-12-31"))
    assert not CAL.covers(d("2003-12-31"))
    assert not CAL.covers(d("2027-01-01"))
    assert repr(CAL) == "WorkdayCalendar(years=2004–2026)"


def test_default_is_built_once() -> None:
    """default() returns the same calendar every time."""
    assert WorkdayCalendar.default() is WorkdayCalendar.default()


def test_add_workdays_walking_into_2027_names_2027() -> None:
    """Seven working days after 2026-12-28 reach into 2027, which the calendar lacks."""
    with pytest.raises(CalendarError) as caught:
        CAL.add_workdays(d("2026-12-28"), 7)
    assert caught.value.year == 2027
    assert caught.value.covered == (2004, 2026)
    assert "2027" in str(caught.value)
    assert "2004–2026" in str(caught.value)


def test_add_workdays_within_last_year_still_works() -> None:
    """Three working days after Monday 2026-12-28 end on Thursday 2026-12-31."""
    assert CAL.add_workdays(d("2026-12-28"), 3) == d("2026-12-31")


@pytest.mark.parametrize(
    ("query", "year"),
    [
        (lambda: CAL.is_workday(d("2027-01-04")), 2027),
        (lambda: CAL.is_workday(d("2003-12-31")), 2003),
        (lambda: CAL.workdays_between(d("2026-12-30"), d("2027-01-02")), 2027),
        (lambda: CAL.workdays_between(d("2003-12-30"), d("2004-01-05")), 2003),
        (lambda: CAL.workdays_in(d("2026-12-01"), d("2027-01-31")), 2027),
    ],
)
def test_queries_outside_covered_years_raise(query: Callable[[], object], year: int) -> None:
    """Every query touching an uncovered year raises CalendarError naming that year."""
    with pytest.raises(CalendarError) as caught:
        query()
    assert caught.value.year == year
    assert isinstance(caught.value, GovrulesError)


# --- supplying years ---


def test_with_year_file_json_adds_2027(in_tmp: Path) -> None:
    """A 2027 JSON file extends the calendar so counting runs across New Year 2027."""
    (in_tmp / "2027.json").write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
    extended = CAL.with_year_file("2027.json")
    assert extended.years == tuple(range(2004, 2028))
    # 12-29, 12-30, 12-31, then 01-01 rests, 01-02/03 are a weekend, then 01-04..07.
    assert extended.add_workdays(d("2026-12-28"), 7) == d("2027-01-07")
    assert not extended.is_workday(d("2027-02-08"))
    assert extended.is_workday(d("2027-02-20"))
    assert not CAL.covers(d("2027-01-01"))  # the original calendar is unchanged


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML needs tomllib (Python 3.11)")
def test_with_year_file_toml_matches_json(in_tmp: Path) -> None:
    """A TOML year file, native dates included, reads like its JSON twin."""
    (in_tmp / "2027.toml").write_text(TOML_2027, encoding="utf-8")
    (in_tmp / "2027.json").write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
    assert load_year_file("2027.toml") == load_year_file(in_tmp / "2027.json")


@pytest.mark.skipif(sys.version_info >= (3, 11), reason="tomllib exists from Python 3.11")
def test_toml_before_python_311_is_refused(in_tmp: Path) -> None:
    """On Python 3.10 a TOML year file is refused with a pointer to JSON."""
    (in_tmp / "2027.toml").write_text(TOML_2027, encoding="utf-8")
    with pytest.raises(CalendarFileError, match=r"need Python 3\.11"):
        load_year_file("2027.toml")


def test_past_supplied_year_names_the_next() -> None:
    """After a supplied 2027 the calendar ends there: walking past it names 2028."""
    schedule = YearSchedule(2027, frozenset({d("2027-01-01")}), frozenset())
    extended = CAL.with_years(schedule)
    with pytest.raises(CalendarError) as caught:
        extended.add_workdays(d("2027-12-27"), 5)
    assert caught.value.year == 2028
    assert caught.value.covered == (2004, 2027)


def test_supplied_year_replaces_bundled_one() -> None:
    """A supplied 2024 without holidays or make-up days replaces the bundled 2024."""
    plain = CAL.with_years(YearSchedule(2024, frozenset(), frozenset()))
    assert plain.is_workday(d("2024-10-01"))
    assert not plain.is_workday(d("2024-09-29"))
    assert plain.add_workdays(d("2024-09-27"), 7) == d("2024-10-08")
    assert plain.years == CAL.years
    assert CAL.is_workday(d("2024-09-29"))


def test_gap_between_years_names_the_missing_year() -> None:
    """Supplying 2028 without 2027 is refused, naming 2027."""
    with pytest.raises(CalendarError) as caught:
        CAL.with_years(YearSchedule(2028, frozenset(), frozenset()))
    assert caught.value.year == 2027
    assert caught.value.covered == (2004, 2026)


def test_from_schedules_equals_default() -> None:
    """A calendar rebuilt from the default's schedules equals the default."""
    rebuilt = WorkdayCalendar.from_schedules(reversed(CAL.schedules))
    assert rebuilt == CAL
    assert hash(rebuilt) == hash(CAL)


def test_from_schedules_later_schedule_wins() -> None:
    """Of two schedules for one year, the later one is used."""
    first = YearSchedule(2027, frozenset({d("2027-01-01")}), frozenset())
    second = YearSchedule(2027, frozenset(), frozenset())
    assert WorkdayCalendar.from_schedules([first, second]).is_workday(d("2027-01-01"))


def test_year_schedule_refuses_weekend_holiday() -> None:
    """A schedule built in code with a Saturday holiday is refused."""
    with pytest.raises(ValueError, match="2027-01-02 is a Saturday"):
        YearSchedule(2027, frozenset({d("2027-01-02")}), frozenset())


def test_year_schedule_refuses_weekday_workday() -> None:
    """A schedule built in code with a Monday make-up workday is refused."""
    with pytest.raises(ValueError, match="2027-02-22 is a Monday"):
        YearSchedule(2027, frozenset(), frozenset({d("2027-02-22")}))


def test_year_schedule_refuses_date_two_years_away() -> None:
    """A schedule built in code with a date neither in its year nor a neighbour's is refused."""
    with pytest.raises(ValueError, match="2025-12-31 is not in 2027 or a neighbouring year"):
        YearSchedule(2027, frozenset({d("2025-12-31")}), frozenset())


# --- invalid year files: one file per message ---


def year_json(**changes: object) -> str:
    """Return the made-up 2027 schedule as JSON, with ``changes`` applied."""
    return json.dumps({**SCHEDULE_2027, **changes})


INVALID_FILES = [
    (
        "2027.json",
        year_json(holidays=["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-30"]),
        '2027.json: holidays[3]: "2027-02-30" is not a date (expected "YYYY-MM-DD")',
    ),
    (
        "2027.json",
        year_json(holidays=["20270101"]),
        '2027.json: holidays[0]: "20270101" is not a date (expected "YYYY-MM-DD")',
    ),
    (
        "2027.json",
        year_json(holidays=[20270101]),
        '2027.json: holidays[0]: expected a date as "YYYY-MM-DD", found 20270101',
    ),
    (
        "2027.json",
        year_json(holidays=["2025-12-31"]),
        "2027.json: holidays[0]: 2025-12-31 is not in 2027 or a neighbouring year",
    ),
    (
        "2027.json",
        year_json(holidays=["2027-01-01", "2027-01-02"]),
        "2027.json: holidays[1]: 2027-01-02 is a Saturday, already a rest day; "
        "holidays lists only weekdays that are rest days",
    ),
    (
        "2027.json",
        year_json(workdays=["2027-02-22"]),
        "2027.json: workdays[0]: 2027-02-22 is a Monday, already a working day; "
        "workdays lists only weekend days that are working days",
    ),
    (
        # A date in both lists is a weekend holiday or a weekday workday, so it is caught there.
        "2027.json",
        year_json(holidays=["2027-02-20"], workdays=["2027-02-20"]),
        "2027.json: holidays[0]: 2027-02-20 is a Saturday, already a rest day; "
        "holidays lists only weekdays that are rest days",
    ),
    (
        "2027.json",
        year_json(holidays=["2027-01-01", "2027-02-08", "2027-01-01"]),
        "2027.json: holidays[2]: 2027-01-01 is already listed as holidays[0]",
    ),
    (
        "2027.json",
        year_json(workdays="2027-02-20"),
        '2027.json: workdays: expected a list of dates, found "2027-02-20"',
    ),
    (
        "2027.json",
        json.dumps({"year": 2027, "holidays": []}),
        "2027.json: workdays: missing key; expected a list of dates",
    ),
    (
        "2027.json",
        json.dumps({"holidays": [], "workdays": []}),
        "2027.json: year: missing key; expected the year as a whole number, such as 2027",
    ),
    (
        "2027.json",
        json.dumps({"year": 2027, "holiday": [], "workdays": []}),
        "2027.json: holiday: unknown key (expected year, holidays, workdays); "
        "did you mean 'holidays'?",
    ),
    (
        "2027.json",
        year_json(year="2027"),
        '2027.json: year: expected the year as a whole number, such as 2027, found "2027"',
    ),
    (
        "2027.json",
        year_json(year=0, holidays=[], workdays=[]),
        "2027.json: year: 0 is outside 1–9999",
    ),
    (
        "2028.json",
        year_json(),
        "2028.json: year: 2027 does not match the file name",
    ),
    (
        "2027.json",
        '{"year": 2027, "year": 2028, "holidays": [], "workdays": []}',
        "2027.json: year: key given twice",
    ),
    (
        "2027.json",
        '{"year": 2027,}',
        # The reason and its position are the json module's words, which change between
        # Python versions (3.13 puts this one at column 14): "…" stands for them.
        "2027.json: is not valid JSON: … (line 1, column …)",
    ),
    (
        "2027.json",
        "[]",
        "2027.json: expected a table with keys year, holidays, workdays, found a list",
    ),
    (
        "2027.yaml",
        "year: 2027",
        "2027.yaml: expected a .json or .toml file",
    ),
]

if sys.version_info >= (3, 11):
    INVALID_FILES += [
        (
            "2027.toml",
            "year 2027",
            "2027.toml: is not valid TOML: …",  # tomllib's words
        ),
        (
            "2027.toml",
            'year = 2027\nholidays = [2027-01-01T00:00:00]\nworkdays = ["2027-02-20"]\n',
            "2027.toml: holidays[0]: 2027-01-01T00:00:00 is a date-time, expected a date",
        ),
    ]


@pytest.mark.parametrize(("name", "content", "message"), INVALID_FILES)
def test_invalid_year_file_message(in_tmp: Path, name: str, content: str, message: str) -> None:
    """Each kind of bad year file is refused with a message naming the file, key and fault."""
    (in_tmp / name).write_text(content, encoding="utf-8")
    with pytest.raises(CalendarFileError) as caught:
        load_year_file(name)
    assert re.fullmatch(_pattern(message), str(caught.value)), str(caught.value)
    assert isinstance(caught.value, GovrulesError)


def _pattern(message: str) -> str:
    """Return ``message`` as a regular expression in which "…" stands for any words."""
    return ".+".join(re.escape(part) for part in message.split("…"))


def test_year_file_not_utf8(in_tmp: Path) -> None:
    """A year file that is not UTF-8 is refused as such."""
    (in_tmp / "2027.json").write_bytes(b'{"year": 2027\xff}')
    with pytest.raises(CalendarFileError) as caught:
        load_year_file("2027.json")
    assert str(caught.value) == "2027.json: is not UTF-8 text (invalid start byte)"


def test_missing_year_file(in_tmp: Path) -> None:
    """A year file that does not exist is refused, naming it."""
    with pytest.raises(CalendarFileError) as caught:
        CAL.with_year_file("2027.json")
    assert str(caught.value) == "2027.json: cannot be read (No such file or directory)"


# --- calendar folders ---


@pytest.mark.skipif(sys.version_info < (3, 11), reason="TOML needs tomllib (Python 3.11)")
def test_load_calendar_dir_reads_json_and_toml(in_tmp: Path) -> None:
    """A calendar folder yields one schedule per JSON or TOML file, by year, ignoring others."""
    folder = in_tmp / "calendar"
    folder.mkdir()
    (folder / "2028.toml").write_text(
        'year = 2028\nholidays = ["2028-01-03"]\nworkdays = []\n', encoding="utf-8"
    )
    (folder / "2027.json").write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
    (folder / "README.md").write_text("not a year", encoding="utf-8")
    schedules = load_calendar_dir(folder)
    assert [s.year for s in schedules] == [2027, 2028]
    extended = CAL.with_years(*schedules)
    assert extended.years[-1] == 2028
    # 2028-01-01 is a Saturday and 01-03 (Monday) rests, so the first working day is 01-04.
    assert extended.add_workdays(d("2027-12-31"), 1) == d("2028-01-04")


def test_load_calendar_dir_refuses_a_year_twice(in_tmp: Path) -> None:
    """Two files in one folder supplying the same year are refused, naming both."""
    folder = in_tmp / "calendar"
    folder.mkdir()
    (folder / "2027.json").write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
    (folder / "copy.json").write_text(json.dumps(SCHEDULE_2027), encoding="utf-8")
    with pytest.raises(CalendarFileError) as caught:
        load_calendar_dir("calendar")
    assert str(caught.value) == (
        "calendar/copy.json: year: 2027 is also supplied by calendar/2027.json"
    )


def test_load_calendar_dir_refuses_a_non_folder(in_tmp: Path) -> None:
    """A calendar folder that does not exist is refused, naming it."""
    with pytest.raises(CalendarFileError) as caught:
        load_calendar_dir("calendar")
    assert str(caught.value) == "calendar: is not a folder"


# --- laws ---

# Late enough in each year's schedule that 40 working days stay inside 2026.
covered_dates = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30))
counts = st.integers(min_value=1, max_value=40)


@given(covered_dates, counts)
def test_add_workdays_lands_on_a_working_day(start: date, n: int) -> None:
    """The n-th working day after any date is a working day later than it."""
    end = CAL.add_workdays(start, n)
    assert CAL.is_workday(end)
    assert end > start


@given(covered_dates, counts)
def test_counting_back_gives_n(start: date, n: int) -> None:
    """n - 1 working days lie strictly between d and its n-th working day, n up to it."""
    end = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, end) == n - 1
    assert len(CAL.workdays_in(start + timedelta(1), end)) == n


@given(covered_dates, counts)
def test_add_workdays_is_monotone_in_n(start: date, n: int) -> None:
    """One more working day always lands strictly later."""
    assert CAL.add_workdays(start, n) < CAL.add_workdays(start, n + 1)


@given(covered_dates, covered_dates, counts)
def test_add_workdays_is_monotone_in_start(a: date, b: date, n: int) -> None:
    """A later start never gives an earlier deadline."""
    a, b = min(a, b), max(a, b)
    assert CAL.add_workdays(a, n) <= CAL.add_workdays(b, n)


def test_is_workday_agrees_with_chinese_calendar_except_the_corrections() -> None:
    """is_workday matches chinese_calendar on every day of 2004–2026 but 2005-12-31."""
    day, last = date(2004, 1, 1), date(2026, 12, 31)
    disagreements = []
    while day <= last:
        if CAL.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += timedelta(1)
    assert disagreements == [date(2005, 12, 31)]


# --- docs/calendar.md stays true ---

DOC = Path(__file__).resolve().parent.parent / "docs" / "calendar.md"


def doc_block(language: str) -> str:
    """Return the first fenced ``language`` block of docs/calendar.md."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"```{language}\n") + len(language) + 4
    return text[start : text.index("```", start)]


@pytest.mark.parametrize("language", ["json", "toml"])
def test_doc_example_is_the_bundled_2025(in_tmp: Path, language: str) -> None:
    """The year-file examples in docs/calendar.md load as the bundled 2025 schedule."""
    if language == "toml" and sys.version_info < (3, 11):
        pytest.skip("TOML needs tomllib (Python 3.11)")
    (in_tmp / f"2025.{language}").write_text(doc_block(language), encoding="utf-8")
    bundled = next(s for s in CAL.schedules if s.year == 2025)
    assert load_year_file(f"2025.{language}") == bundled


def test_doc_messages_are_the_real_ones() -> None:
    """Every message quoted in docs/calendar.md's table is one the tests check."""
    text = DOC.read_text(encoding="utf-8")
    quoted = [line.split("| `")[1].split("`")[0] for line in text.splitlines() if "| `20" in line]
    assert quoted
    assert set(quoted) <= {message for _, _, message in INVALID_FILES}
