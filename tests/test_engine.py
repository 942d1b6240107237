"""Engine semantics on small policies: three-valued conditions, projections, errors, wording."""

from __future__ import annotations

from pathlib import Path

import pytest

import govrules
from govrules import GovrulesError, Outcome

TEXT = "测试办法\n第一条 单位应当开办政务新媒体。\n第二条 本办法自2024年1月1日起施行。\n"
HEAD = """ruleset t {
    title "《测试办法》" issuer "测试" level county jurisdiction "测试"
    effective 2024-01-01 text "texts/t.txt"
}
unchecked 第二条 because "施行日期"
"""


def _folder(tmp_path: Path, body: str) -> Path:
    (tmp_path / "texts").mkdir(exist_ok=True)
    (tmp_path / "texts" / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.rules").write_text(HEAD + body, encoding="utf-8")
    errors = [d for d in govrules.check(tmp_path) if d.severity == "error"]
    assert errors == [], errors
    return tmp_path


def _verdict(folder: Path, facts: dict[str, object], rule: str = "r") -> govrules.Verdict:
    decision = govrules.evaluate(facts, "t", "2024-06-01", policies=folder)
    (v,) = [x for x in decision.verdicts if x.obligation == rule]
    return v


def test_a_false_when_line_decides_after_an_unknown_one(tmp_path: Path) -> None:
    """`when` lines join with three-valued `and`: unknown then false is not applicable."""
    folder = _folder(
        tmp_path,
        """rule r { subject account cites 第一条
    when account.news_service
    when account.platform == wechat
    require account.news_license
    explain "x" }
""",
    )
    facts = {"accounts": [{"id": "a", "platform": "weibo"}]}
    assert _verdict(folder, facts).outcome is Outcome.NOT_APPLICABLE
    facts = {"accounts": [{"id": "a", "platform": "wechat"}]}
    v = _verdict(folder, facts)
    assert v.outcome is Outcome.UNDETERMINED
    # Both could change the outcome: news_service (whether it applies) and the license.
    assert v.missing == ("accounts[0].news_license", "accounts[0].news_service")
    facts = {"accounts": [{"id": "a", "platform": "wechat", "news_license": True}]}
    v = _verdict(folder, facts)
    assert v.outcome is Outcome.COMPLIANT, "met whether or not the rule applies"
    assert v.missing == ()


def test_a_projection_with_a_missing_fact_is_unknown(tmp_path: Path) -> None:
    """`accounts.opened_on` with one account lacking the date names that account's fact."""
    folder = _folder(
        tmp_path,
        """rule r { subject unit cites 第一条
    let first = min(accounts.opened_on)
    require first >= 2024-01-01
    explain "最早{first}" }
""",
    )
    facts = {"accounts": [{"id": "a", "opened_on": "2024-02-01"}, {"id": "b"}]}
    v = _verdict(folder, facts)
    assert v.outcome is Outcome.UNDETERMINED
    assert v.missing == ("accounts[1].opened_on",)
    facts = {
        "accounts": [{"id": "a", "opened_on": "2024-02-01"}, {"id": "b", "opened_on": "2023-12-31"}]
    }
    assert _verdict(folder, facts).outcome is Outcome.VIOLATION


def test_a_value_of_the_wrong_kind_for_a_builtin_fails_the_check(tmp_path: Path) -> None:
    """`year(unit.name)` is refused by `check`, from the built-in's signature, not at evaluate."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.txt").write_text(TEXT, encoding="utf-8")
    body = (
        "rule r { subject unit cites 第一条\n"
        "    require year(unit.name) > 2000\n"
        '    explain "x" }\n'
    )
    (tmp_path / "t.rules").write_text(HEAD + body, encoding="utf-8")
    (error,) = [d for d in govrules.check(tmp_path) if d.severity == "error"]
    assert error.message == "'year' takes a date first, and this is unit.name (a string)"
    assert (error.line, error.column) == (7, 18)
    with pytest.raises(GovrulesError):
        _verdict(tmp_path, {"unit": {"name": "某县"}})


def test_free_text_is_shown_as_written_and_enumerations_in_chinese(tmp_path: Path) -> None:
    """An account named "app" prints as app; the platform value app prints as 移动客户端."""
    folder = _folder(
        tmp_path,
        """rule r { subject account cites 第1条
    require account.platform_approved
    explain "{account.name}/{account.platform}" }
""",
    )
    v = _verdict(folder, {"accounts": [{"id": "a", "name": "app", "platform": "app"}]})
    assert "app/移动客户端" in v.explanation
    assert v.citations[0].label == "第一条"


def test_a_policy_folder_can_ship_a_years_schedule(tmp_path: Path) -> None:
    """calendar/2027.json in the folder extends the working days: 12-28 + 7 = 2027-01-07."""
    folder = _folder(
        tmp_path,
        """param filing = 7 workdays
rule r { subject event cites 第一条 governing event.date
    let deadline = event.date + filing
    require event.filed_on <= deadline
    explain "期限{deadline}" }
""",
    )
    (folder / "calendar").mkdir()
    (folder / "calendar" / "2027.json").write_text(
        '{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}', encoding="utf-8"
    )
    facts = {
        "accounts": [
            {
                "id": "a",
                "events": [{"type": "open", "date": "2026-12-28", "filed_on": "2027-01-08"}],
            }
        ]
    }
    # 2026-12-29..31 (3), 2027-01-01 is the holiday, 01-04..01-07 (4): the 7th is 01-07.
    decision = govrules.evaluate(facts, "t", "2027-02-01", policies=folder)
    (v,) = [x for x in decision.verdicts if x.obligation == "r"]
    assert v.outcome is Outcome.VIOLATION
    assert "2027-01-07" in v.explanation


def test_without_the_schedule_only_the_verdicts_needing_the_year_are_undetermined(
    tmp_path: Path,
) -> None:
    """With no 2027 schedule, the deadline rule is undetermined naming 2027; others decide."""
    folder = _folder(
        tmp_path,
        """rule r { subject event cites 第一条 governing event.date
    let deadline = event.date + 3 workdays
    require event.filed_on <= deadline
    explain "期限{deadline}" }
""",
    )
    facts = {
        "accounts": [
            {
                "id": "a",
                "events": [{"type": "open", "date": "2026-12-30", "filed_on": "2027-01-08"}],
            }
        ]
    }
    decision = govrules.evaluate(facts, "t", "2027-02-01", policies=folder)
    (v,) = [x for x in decision.verdicts if x.obligation == "r"]
    assert v.outcome is Outcome.UNDETERMINED
    assert "2027" in v.explanation
    assert "calendar/2027.json" in v.explanation
    assert decision.calendar_gaps == (2027,)
    # 2026-12-30 + 3 working days lies in 2027, but a filing on 12-31 is decided by 2026 alone
    # only if the rule could tell; it cannot without the deadline, so the gap is reported.
    facts["accounts"][0]["events"][0]["filed_on"] = "2026-12-31"  # type: ignore[index]
    again = govrules.evaluate(facts, "t", "2027-02-01", policies=folder)
    assert again.calendar_gaps == (2027,)
