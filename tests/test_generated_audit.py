"""Generated code agrees with the closures on the constructs an audit found it misjudged.

Each test writes a small policy and facts that exercise one construct, judges them with the
closures alone (``evaluate.run_closures``) and with the generated code (``fast.run``), and
requires the same decision, field for field, or the same error raised by both calls.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import govrules
from govrules import fast
from govrules.evaluate import run_closures
from govrules.facts import validate
from govrules.library import load

TEXT = "测试办法\n第一条 单位应当于10个工作日内备案。\n第二条 本办法自2024年1月1日起施行。\n"
HEAD = """ruleset t {
    title "《测试办法》" issuer "测试" level county jurisdiction "测试"
    effective 2024-01-01 text "texts/t.txt"
}
unchecked 第二条 because "施行日期"
"""
ON = dt.date(2024, 6, 1)


def _folder(tmp_path: Path, body: str) -> Path:
    (tmp_path / "texts").mkdir(exist_ok=True)
    (tmp_path / "texts" / "t.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "t.rules").write_text(HEAD + body, encoding="utf-8")
    errors = [d for d in govrules.check(tmp_path) if d.severity == "error"]
    assert errors == [], errors
    return tmp_path


def _decided(run: Any) -> Any:
    """Return a run's decision as data, or the error it raised (the call itself, not a read)."""
    try:
        decision = run()
    except govrules.GovrulesError as err:
        return ("error", str(err))
    return decision.to_dict()


def _same(folder: Path, given: dict[str, Any], on: dt.date = ON, jurisdiction: str = "t") -> Any:
    """Assert that the closures and the generated code decide ``given`` alike; return it."""
    library = load(folder)
    ruleset = library.ruleset(jurisdiction)
    data = validate(given).data
    cal = govrules.load(folder).calendar
    closures = _decided(lambda: run_closures(library, ruleset, data, on, cal, given))
    code = fast.plan(library, ruleset)
    generated = _decided(lambda: fast.run(library, ruleset, data, on, cal, given, code))
    assert generated == closures
    return closures


def _rule(lines: str, subject: str = "account") -> str:
    return f'rule r {{ subject {subject} cites 第一条\n{lines}\n    explain "x" }}\n'


# --- and/or with an operand that is not true or false ------------------------------------


def test_or_with_a_date_on_the_left_fails_even_when_the_right_is_true(tmp_path: Path) -> None:
    """`date or true` is an error for the closures (truth of the left first), not true."""
    folder = _folder(tmp_path, _rule("    require account.opened_on or true"))
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2024-01-01"}]})
    assert found[0] == "error"


def test_and_with_a_date_on_the_left_fails_even_when_the_right_is_false(tmp_path: Path) -> None:
    """`date and false` is an error for the closures, not false."""
    folder = _folder(tmp_path, _rule("    require account.opened_on and false"))
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2024-01-01"}]})
    assert found[0] == "error"


# --- every operand is computed, even after an unknown one --------------------------------


def test_an_unknown_left_operand_does_not_hide_a_calendar_gap_on_the_right(
    tmp_path: Path,
) -> None:
    """The closures count `opened_on + 3 workdays` even when approved_on is missing: a year
    the calendar lacks makes the verdict undetermined and names the year."""
    folder = _folder(
        tmp_path,
        _rule(
            "    let x = account.approved_on <= account.opened_on + 3 workdays\n    require true"
        ),
    )
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2099-01-05"}]})
    assert found["calendar_gaps"] == [2099]
    assert found["verdicts"][0]["outcome"] == "undetermined"


def test_an_unknown_argument_does_not_hide_an_error_in_a_later_one(tmp_path: Path) -> None:
    """`max(unknown, bad)` fails like the closures, which compute every argument first."""
    folder = _folder(
        tmp_path,
        _rule(
            "    let x = days_between(account.approved_on, min([period.end, account.opened_on]))"
            "\n    require true"
        ),
    )
    given = {"period": {"start": "2024-01-01", "end": "2024-05-31"}, "accounts": [{"id": "a"}]}
    found = _same(folder, given)
    assert found[0] == "error"


# --- a filter over a list that only a presumption gives ----------------------------------


def test_a_presumed_list_is_not_filtered_as_validated_facts(tmp_path: Path) -> None:
    """A presumed list holds what the policy wrote, not validated posts: `each.source` of a
    text is an error for the closures, not a fact found missing."""
    folder = _folder(
        tmp_path,
        'presume account.posts = ["新华社"] because "推定"\n'
        + _rule("    require (account.posts where each.source is missing) is empty"),
    )
    found = _same(folder, {"accounts": [{"id": "a"}]})
    assert found[0] == "error"
    # With posts given, the presumption stands aside and the filter reads the facts.
    given = {"accounts": [{"id": "a", "posts": [{"date": "2024-05-01", "source": "新华社"}]}]}
    assert _same(folder, given)["verdicts"][0]["outcome"] == "compliant"
