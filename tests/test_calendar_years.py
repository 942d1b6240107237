"""Which years a count needs, corrections to the bundled table, neighbour-year moves, precedence.

Dates are worked out from the State Council notices, cited beside each test.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

import govrules
from govrules import Outcome
from govrules.calendar import CORRECTIONS, WorkdayCalendar, YearSchedule, load_year_file
from govrules.cli import main
from govrules.errors import CalendarError, DateRangeError

CAL = WorkdayCalendar.default()
DOC = Path(__file__).resolve().parent.parent / "docs" / "calendar.md"


def d(text: str) -> date:
    """Return the date written as ``YYYY-MM-DD``."""
    return date.fromisoformat(text)


# --- only the years of the days looked at ---


def test_workdays_between_needs_only_the_days_strictly_between() -> None:
    """2026-12-20 (Sun) to 2027-01-01 counts 12-21…25 and 12-28…31 of 2026: 9, no 2027."""
    assert CAL.workdays_between(d("2026-12-20"), d("2027-01-01")) == 9


def test_workdays_between_adjacent_days_needs_no_year() -> None:
    """Nothing lies between 2026-12-31 and 2027-01-01, so no year is needed."""
    assert CAL.workdays_between(d("2026-12-31"), d("2027-01-01")) == 0
    assert CAL.workdays_between(d("2030-05-01"), d("2030-05-02")) == 0


def test_add_workdays_does_not_need_the_year_of_the_start() -> None:
    """2003-12-31 + 1 looks only at 2004: 01-01 (Thu) is New Year's Day, so 2004-01-02."""
    assert CAL.add_workdays(d("2003-12-31"), 1) == d("2004-01-02")


def test_add_workdays_names_the_year_of_the_first_day_it_looks_at() -> None:
    """2002-12-31 + 1 looks at 2003-01-01 first, so the error names 2003."""
    with pytest.raises(CalendarError) as caught:
        CAL.add_workdays(d("2002-12-31"), 1)
    assert caught.value.year == 2003


def test_an_empty_range_of_working_days_needs_no_year() -> None:
    """workdays_in with the end before the start looks at no day and is empty."""
    assert CAL.workdays_in(d("2031-01-05"), d("2031-01-01")) == ()


def test_workdays_between_still_names_a_year_it_looks_into() -> None:
    """2026-12-30 to 2027-01-02 looks at 2027-01-01, so 2027 is needed."""
    with pytest.raises(CalendarError) as caught:
        CAL.workdays_between(d("2026-12-30"), d("2027-01-02"))
    assert caught.value.year == 2027


def test_no_day_follows_9999_12_31() -> None:
    """Counting after the last representable date is a DateRangeError naming it."""
    calendar = WorkdayCalendar((YearSchedule(9999, frozenset(), frozenset()),))
    with pytest.raises(DateRangeError, match="9999-12-31"):
        calendar.add_workdays(date.max, 1)


# --- corrections to chinese-calendar ---


def test_2005_12_31_was_a_make_up_working_day() -> None:
    """国办发明电〔2005〕35号: 2006 元旦 1月1日至3日放假, 2005-12-31 (Sat) 上班."""
    assert CAL.is_workday(d("2005-12-31"))
    # Thu 12-29 + 2: Fri 12-30, Sat 12-31.
    assert CAL.add_workdays(d("2005-12-29"), 2) == d("2005-12-31")
    # Sat 12-31 + 1: 01-01 (Sun), 01-02 and 01-03 rest, so Wednesday 2006-01-04.
    assert CAL.add_workdays(d("2005-12-31"), 1) == d("2006-01-04")


def test_every_correction_cites_the_notice_of_its_year() -> None:
    """Each correction names a 国办发明电 of the year before and that year's notice title."""
    notice = re.compile(
        r"国办发明电〔(\d{4})〕\d+号《国务院办公厅关于(\d{4})年部分节假日安排的通知》"
    )
    assert CORRECTIONS
    for fix in CORRECTIONS:
        found = notice.search(fix.notice)
        assert found is not None, fix
        assert (int(found[1]), int(found[2])) == (fix.year - 1, fix.year)
        assert fix.day.year in (fix.year - 1, fix.year)


def test_docs_list_every_correction() -> None:
    """docs/calendar.md's correction table names each corrected day and its notice."""
    text = DOC.read_text(encoding="utf-8")
    for fix in CORRECTIONS:
        number = fix.notice.split("《")[0]
        assert f"| {fix.day.isoformat()} |" in text
        assert number in text


def test_replacing_2005_keeps_the_day_the_2006_notice_moved() -> None:
    """2005-12-31 belongs to the 2006 notice: a plain 2005 schedule does not undo it."""
    plain = CAL.with_years(YearSchedule(2005, frozenset(), frozenset()))
    assert plain.is_workday(d("2005-12-31"))
    assert plain.is_workday(d("2005-10-03"))  # the replacement did take the 2005 holidays


def test_replacing_2018_keeps_the_december_days_of_the_2019_notice() -> None:
    """国办发明电〔2018〕15号: 2018-12-30…2019-01-01 off, 2018-12-29 (Sat) 上班."""
    plain = CAL.with_years(YearSchedule(2018, frozenset(), frozenset()))
    assert plain.is_workday(d("2018-12-29"))
    assert not plain.is_workday(d("2018-12-31"))
    assert plain.is_workday(d("2018-10-01"))  # 2018's own National Day is gone


# --- year files that move a neighbouring year's days ---


def _2027_file(tmp_path: Path) -> Path:
    """Write a 2027 year file that also makes 2026-12-31 a holiday; return its path."""
    path = tmp_path / "2027.json"
    path.write_text(
        json.dumps({"year": 2027, "holidays": ["2026-12-31", "2027-01-01"], "workdays": []}),
        encoding="utf-8",
    )
    return path


def test_a_year_file_may_move_a_day_of_the_previous_december(tmp_path: Path) -> None:
    """A 2027 file making Thu 2026-12-31 a holiday moves that day and keeps the rest of 2026."""
    extended = CAL.with_year_file(_2027_file(tmp_path))
    assert not extended.is_workday(d("2026-12-31"))
    # Mon 12-28 + 3: 12-29, 12-30, then 12-31 and 01-01 rest, the weekend, Monday 01-04.
    assert extended.add_workdays(d("2026-12-28"), 3) == d("2027-01-04")
    bundled_2026 = next(s for s in CAL.schedules if s.year == 2026)
    assert next(s for s in extended.schedules if s.year == 2026) == bundled_2026
    assert not extended.is_workday(d("2026-10-01"))
    assert CAL.is_workday(d("2026-12-31"))  # the bundled calendar is unchanged


def test_a_neighbouring_day_is_loaded_as_part_of_the_schedule(tmp_path: Path) -> None:
    """load_year_file keeps a December day of the previous year in the year's lists."""
    schedule = load_year_file(_2027_file(tmp_path))
    assert schedule.year == 2027
    assert schedule.holidays == frozenset({d("2026-12-31"), d("2027-01-01")})


# --- the caller's years win over a policy folder's ---

TEXT = "测试办法\n第一条 开办后7个工作日内备案。\n"
RULES = """ruleset t {
    title "《测试办法》" issuer "测试" level county jurisdiction "测试"
    effective 2024-01-01 text "t.txt"
}
param filing = 7 workdays cites 第一条
rule r { subject event cites 第一条 governing event.date
    let deadline = event.date + filing
    require event.filed_on <= deadline
    explain "期限{deadline}" }
"""
FACTS = {
    "accounts": [
        {"id": "a", "events": [{"type": "open", "date": "2024-09-27", "filed_on": "2024-10-12"}]}
    ]
}


def _folder_with_plain_2024(tmp_path: Path) -> Path:
    """Write a one-rule policy folder shipping a 2024 without holidays; return it."""
    folder = tmp_path / "policies"
    (folder / "calendar").mkdir(parents=True)
    (folder / "t.txt").write_text(TEXT, encoding="utf-8")
    (folder / "t.rules").write_text(RULES, encoding="utf-8")
    (folder / "calendar" / "2024.json").write_text(
        '{"year": 2024, "holidays": [], "workdays": []}', encoding="utf-8"
    )
    return folder


def _deadline(decision: govrules.Decision) -> str:
    """Return the deadline the rule's explanation states."""
    (v,) = [x for x in decision.verdicts if x.obligation == "r"]
    return v.explanation.split("期限")[1][:10]


def test_a_folders_year_replaces_the_bundled_one(tmp_path: Path) -> None:
    """With no calendar=, the folder's plain 2024 counts Fri 09-27 + 7 to Tue 10-08."""
    decision = govrules.evaluate(
        FACTS, "t", "2024-11-01", policies=_folder_with_plain_2024(tmp_path)
    )
    assert _deadline(decision) == "2024-10-08"
    (v,) = [x for x in decision.verdicts if x.obligation == "r"]
    assert v.outcome is Outcome.VIOLATION


def test_the_callers_year_wins_over_the_folders(tmp_path: Path) -> None:
    """calendar= covering 2024 keeps its 2024: 09-29, 09-30, 10-08…10-12, so 2024-10-12."""
    folder = _folder_with_plain_2024(tmp_path)
    decision = govrules.evaluate(FACTS, "t", "2024-11-01", policies=folder, calendar=CAL)
    assert _deadline(decision) == "2024-10-12"


def test_the_folder_still_supplies_years_the_caller_lacks(tmp_path: Path) -> None:
    """A caller's calendar without 2024 takes the folder's 2024."""
    folder = _folder_with_plain_2024(tmp_path)
    mine = WorkdayCalendar.from_schedules(s for s in CAL.schedules if s.year <= 2023)
    decision = govrules.evaluate(FACTS, "t", "2024-11-01", policies=folder, calendar=mine)
    assert _deadline(decision) == "2024-10-08"


def test_cli_calendar_files_win_only_for_their_own_years(tmp_path: Path, capsys: object) -> None:
    """--calendar 2027.json leaves the folder's 2024 in force (the deadline stays 10-08)."""
    folder = _folder_with_plain_2024(tmp_path)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(FACTS), encoding="utf-8")
    year = _2027_file(tmp_path)
    args = ["evaluate", str(facts), "-j", "t", "--on", "2024-11-01", "--format", "json"]
    code = main([*args, "--policies", str(folder), "--calendar", str(year)])
    assert code == 1
    out = json.loads(capsys.readouterr().out)  # type: ignore[attr-defined]
    (v,) = [x for x in out["verdicts"] if x["rule"] == "t.r"]
    assert "期限2024-10-08" in v["explanation"]
