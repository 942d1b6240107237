"""Parse errors' hints can be followed: doing what a hint says gives a policy that checks clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from govrules.errors import PolicyError
from govrules.library import load

ERRORS = Path(__file__).parent / "errors"


@pytest.mark.parametrize(
    ("case", "hint", "wrong", "right"),
    [
        (
            "parse_unit_in_chinese",
            "units are written in English: did you mean '7 workdays'?",
            "7 工作日",
            "7 workdays",
        ),
        ("parse_unit_misspelt", "did you mean 'workdays'?", "wrokdays", "workdays"),
        ("parse_unit_week", "a week is 7 days: write '7 days'", "1 week", "7 days"),
        ("parse_keyword_run_on", "did you mean 'require'?", "requires ", "require "),
        (
            "parse_colon_after_header_key",
            "no colon after 'issuer': write issuer \"…\"",
            "issuer：",
            "issuer ",
        ),
        (
            "parse_colon_after_parameter",
            "a value is given with '=', not a colon: filing_period = …",
            "filing_period：",
            "filing_period =",
        ),
    ],
)
def test_following_the_hint_fixes_the_policy(
    case: str, hint: str, wrong: str, right: str, tmp_path: Path
) -> None:
    """Each case's hint is as given, and doing what it says leaves no error in the folder."""
    folder = tmp_path / case
    shutil.copytree(ERRORS / case, folder)
    (error,) = load(folder).errors
    assert error.hint == hint
    rules = folder / "demo.rules"
    text = rules.read_text(encoding="utf-8")
    assert text.count(wrong) == 1
    rules.write_text(text.replace(wrong, right), encoding="utf-8")
    assert [e.render() for e in load(folder).errors] == []


def test_a_word_on_the_next_line_after_a_number_is_not_taken_for_a_unit() -> None:
    """Only a word on the number's own line is read as a misspelt unit."""
    from govrules.parser import parse

    with pytest.raises(PolicyError) as caught:
        parse('ruleset demo {\n    title "x"\n}\nparam p = 5\nweek\n', "demo.rules")
    assert "expected a unit" not in caught.value.message
