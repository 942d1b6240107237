"""Bad input found by fuzzing: each case now fails with a GovrulesError that says what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import govrules
from govrules.cli import main

OPEN = {
    "accounts": [
        {"id": "wx", "events": [{"type": "open", "date": "2024-09-27", "filed_on": "2024-10-14"}]}
    ]
}
HUGE = 10**5000


def test_a_huge_negative_count_is_named_without_printing_it() -> None:
    """`notices: -10**5000` is a FactsError at the fact, describing the number by its size."""
    with pytest.raises(govrules.FactsError) as caught:
        govrules.evaluate({"accounts": [{"id": "a", "notices": -HUGE}]}, "yunnan", "2024-11-01")
    assert caught.value.path == "accounts[0].notices"
    assert caught.value.found == "a negative whole number of about 5001 digits (int)"


def test_a_huge_number_where_a_string_belongs_is_a_facts_error() -> None:
    """`id: 10**5000` is a FactsError at accounts[0].id."""
    with pytest.raises(govrules.FactsError) as caught:
        govrules.evaluate({"accounts": [{"id": HUGE}]}, "yunnan", "2024-11-01")
    assert caught.value.path == "accounts[0].id"
    assert caught.value.found == "a whole number of about 5001 digits (int)"


def test_a_huge_article_number_is_reported_as_missing() -> None:
    """article('yunnan', 10**5000) says the document has no such article and its range."""
    with pytest.raises(govrules.GovrulesError, match=r"has no article a whole number of about"):
        govrules.article("yunnan", HUGE)


@pytest.mark.parametrize("number", ["17", 17.0, None, True])
def test_an_article_number_must_be_a_whole_number(number: object) -> None:
    """article() refuses a number that is not an int, naming what it got."""
    with pytest.raises(govrules.GovrulesError, match="an article number is a whole number"):
        govrules.article("yunnan", number)  # type: ignore[arg-type]


@pytest.mark.parametrize("jurisdiction", [None, 123, ["yunnan"], b"yunnan"])
def test_a_jurisdiction_that_is_not_a_string_is_refused(jurisdiction: object) -> None:
    """evaluate() with a non-string jurisdiction names the type it got."""
    with pytest.raises(govrules.GovrulesError, match=r"is named by its id, such as 'yunnan'"):
        govrules.evaluate({}, jurisdiction, "2024-11-01")  # type: ignore[arg-type]


def test_an_article_of_a_non_string_document_is_refused() -> None:
    """article(5, 1) is a GovrulesError, not an AttributeError."""
    with pytest.raises(govrules.GovrulesError, match=r"not 5 \(int\)"):
        govrules.article(5, 1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "call",
    [
        lambda: govrules.evaluate({}, "yunnan", "2024-11-01", policies=5),
        lambda: govrules.check(5),
        lambda: govrules.rulesets(policies=[]),
    ],
    ids=["evaluate", "check", "rulesets"],
)
def test_a_policy_folder_that_is_not_a_path_is_refused(call: Callable[[], object]) -> None:
    """policies= must be a str or os.PathLike; anything else says so."""
    with pytest.raises(govrules.GovrulesError, match=r"policies: expected a folder"):
        call()


@pytest.mark.parametrize("side", [5, None, 2.5])
def test_a_diff_side_that_is_not_a_name_is_refused(side: object) -> None:
    """diff() of something that is neither an id nor a path is a GovrulesError."""
    with pytest.raises(govrules.GovrulesError, match="diff compares rule sets named by id"):
        govrules.diff(side, "yunnan")  # type: ignore[arg-type]


@pytest.mark.parametrize(("calendar", "kind"), [("x.json", "str"), (0, "int"), ([], "list")])
def test_a_calendar_that_is_not_a_calendar_is_refused(calendar: object, kind: str) -> None:
    """calendar= must be a WorkdayCalendar; a path or 0 is not taken or ignored silently."""
    with pytest.raises(govrules.GovrulesError, match=f"found {kind}; for a year file"):
        govrules.evaluate(OPEN, "yunnan", "2024-11-01", calendar=calendar)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "on", ["2024-W01-1", "2024-001", "20240101", "2024-1-01", "２０２４-01-01"]
)
def test_on_accepts_only_yyyy_mm_dd(on: str) -> None:
    """`on` as an ISO week date, ordinal date, basic format or full-width digits is refused."""
    with pytest.raises(govrules.FactsError) as caught:
        govrules.evaluate({}, "yunnan", on)
    assert caught.value.path == "on"


def test_a_parameter_too_large_for_a_chinese_numeral_is_checked_in_digits(
    tmp_path: Path,
) -> None:
    """`10000 workdays cites 第一条` is reported as not stated by the article, not a crash."""
    (tmp_path / "p.txt").write_text("《测试》\n第一条 七个工作日内备案。\n", encoding="utf-8")
    (tmp_path / "p.rules").write_text(
        "ruleset p {\n"
        '    title "《测试》" issuer "测试" level county jurisdiction "测试"\n'
        '    effective 2024-01-01 text "p.txt"\n'
        "}\n"
        "param filing_period = 10000 workdays cites 第一条\n",
        encoding="utf-8",
    )
    found = [d for d in govrules.check(tmp_path) if "10000" in d.message]
    assert [(d.line, d.severity) for d in found] == [(5, "error")], [d.message for d in found]


def test_a_date_past_9999_names_the_dates_given() -> None:
    """A period counted past 9999-12-31 is a DateRangeError naming the rule and the dates.

    安岳第二十二条第二款第二项: a notice column updated at least every 6 months. The run
    after the update of 9999-12-20 is measured by moving 9999-12-20 six months on, past the
    last date Python can count to.
    """
    facts = {
        "period": {"start": "9999-07-01", "end": "9999-12-31"},
        "website": {"columns": [{"name": "通知公告", "kind": "notice", "updates": ["9999-12-20"]}]},
    }
    with pytest.raises(govrules.DateRangeError) as caught:
        govrules.evaluate(facts, "anyue", "9999-12-31")
    message = str(caught.value)
    assert "rule 'notice_policy_column_interval'" in message
    assert "counts from 9999-07-01 and 9999-12-31" in message
    assert "failed" not in message


def test_runs_in_days_are_measured_up_to_9999_12_31() -> None:
    """A run measured in days needs no date past its own end, even in December 9999.

    安岳第二十二条第二款第六项 (more than 14 days without an update): one post on
    9999-12-30 leaves 9999-12-01 to 9999-12-29 without one, 29 days: a violation.
    """
    facts = {
        "period": {"start": "9999-12-01", "end": "9999-12-31"},
        "accounts": [{"id": "a", "opened_on": "9999-12-01", "posts": [{"date": "9999-12-30"}]}],
    }
    decision = govrules.evaluate(facts, "anyue", "9999-12-31")
    (verdict,) = [v for v in decision.verdicts if v.obligation == "new_media_interval"]
    assert verdict.outcome is govrules.Outcome.VIOLATION
    assert "9999-12-01至9999-12-29（29天）" in verdict.explanation


def _depth() -> int:
    """Return how many frames are on the stack here."""
    frame = sys._getframe()
    depth = 0
    while frame is not None:
        depth += 1
        frame = frame.f_back  # type: ignore[assignment]
    return depth


def test_evaluate_called_from_deep_in_the_callers_stack_raises_a_govrules_error() -> None:
    """With little of Python's stack left, evaluate raises StackDepthError, not RecursionError."""
    govrules.evaluate(OPEN, "yunnan", "2024-11-01")  # policies loaded: only evaluation is left
    outcomes: dict[int, object] = {}

    def descend(levels: int, room: int) -> None:
        if levels:
            descend(levels - 1, room)
            return
        try:
            outcomes[room] = govrules.evaluate(OPEN, "yunnan", "2024-11-01")
        except (govrules.StackDepthError, RecursionError) as err:
            outcomes[room] = err  # looked at once the stack has unwound

    for room in (*range(8, 30), 90):
        descend(sys.getrecursionlimit() - _depth() - room, room)
    package = str(Path(govrules.__file__).parent)

    def kind(outcome: object) -> str:
        if isinstance(outcome, govrules.Decision):
            return "decided"
        if isinstance(outcome, govrules.StackDepthError):
            return "stack"
        assert isinstance(outcome, RecursionError)
        # Too little room even to enter govrules is the caller's; one raised inside is not.
        frames = traceback.extract_tb(outcome.__traceback__)
        return "escaped" if any(f.filename.startswith(package) for f in frames) else "not entered"

    kinds = {room: kind(outcome) for room, outcome in outcomes.items()}
    assert "escaped" not in kinds.values(), kinds
    assert "stack" in kinds.values(), kinds
    assert kinds[90] == "decided"


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m govrules`` in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "govrules", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        check=False,
    )


def test_cli_facts_nested_100000_deep_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """Facts JSON nested 100,000 deep: one error line, exit 2, no traceback."""
    facts = tmp_path / "deep.json"
    facts.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = _cli("evaluate", str(facts), "-j", "yunnan", "--on", "2024-11-01")
    assert result.returncode == 2
    assert (
        result.stderr == f"govrules: error: {facts}: the JSON nests lists or objects too deeply\n"
    )


def test_cli_facts_with_a_5000_digit_number_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """A 5,000-digit number in facts: one error line, exit 2, on every supported Python."""
    facts = tmp_path / "big.json"
    facts.write_text('{"accounts": [{"id": "a", "notices": ' + "9" * 5000 + "}]}", encoding="utf-8")
    result = _cli("evaluate", str(facts), "-j", "yunnan", "--on", "2024-11-01")
    assert result.returncode == 2
    assert result.stderr.startswith("govrules: error: ")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_cli_facts_with_a_byte_order_mark_are_read(tmp_path: Path, capsys: Any) -> None:
    """Facts saved as UTF-8 with a BOM are read like any other facts file."""
    facts = tmp_path / "facts.json"
    facts.write_bytes(b"\xef\xbb\xbf" + json.dumps(OPEN).encode("utf-8"))
    code = main(["evaluate", str(facts), "-j", "yunnan", "--on", "2024-11-01", "--format", "json"])
    assert code == 1
    assert json.loads(capsys.readouterr().out)["jurisdiction"] == "yunnan"


def test_cli_check_of_a_json_file_is_an_error(tmp_path: Path, capsys: Any) -> None:
    """`govrules check file.json` exits 2 saying it reads folders and .rules files."""
    path = tmp_path / "file.json"
    path.write_text("{}", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"govrules: error: {path}: check reads a policy folder or a .rules file, not a .json file\n"
    )


def test_cli_check_of_a_policy_with_a_300_character_text_name(tmp_path: Path) -> None:
    """A 300-character `text` name in a header is a diagnostic from `check`, not OSError."""
    (tmp_path / "p.rules").write_text(
        "ruleset p {\n"
        '    title "《测试》" issuer "测试" level county jurisdiction "测试"\n'
        f'    effective 2024-01-01 text "{"长" * 300}"\n'
        "}\n",
        encoding="utf-8",
    )
    result = _cli("check", str(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{tmp_path}/p.rules:3:" in result.stdout


POLICY_HEAD = (
    "ruleset p {\n"
    '    title "《测试》" issuer "测试" level county jurisdiction "测试"\n'
    '    effective 2024-01-01 text "p.txt"\n'
    "}\n"
)


@pytest.mark.parametrize("separator", ["\x0c", "\x85", "\u2028", "\u2029", "\x0b"])
def test_a_line_separator_in_a_comment_keeps_the_quoted_line_right(
    tmp_path: Path, separator: str
) -> None:
    """A form feed, U+0085 or U+2028 in a comment neither shifts nor splits the quoted line."""
    (tmp_path / "p.txt").write_text("《测试》\n第一条 测试。\n", encoding="utf-8")
    (tmp_path / "p.rules").write_text(
        POLICY_HEAD
        + f"# a comment{separator}with a separator\n"
        + 'rule r { subject unit cites 第一条 require eval(unit.name) explain "x" }\n',
        encoding="utf-8",
    )
    [found] = govrules.check(tmp_path)
    assert (found.line, found.column) == (6, 41)
    assert found.source_line.startswith("rule r { subject unit")
    assert found.render().split("\n")[1:3] == [
        '    rule r { subject unit cites 第一条 require eval(unit.name) explain "x" }',
        "    " + " " * 43 + "^" * 15,  # 第一条 takes six cells
    ]


@pytest.mark.parametrize(
    ("expression", "nested", "level"),
    [
        ("not " * 150 + "true", "not not", len("not ")),
        ("(true and " * 150 + "true" + ")" * 150, "true and (", len("(true and ")),
    ],
    ids=["not", "and"],
)
def test_an_expression_nested_too_deeply_is_reported_where_it_nests(
    tmp_path: Path, expression: str, nested: str, level: int
) -> None:
    """Nesting past the limit is a PolicyError at a nested part of the expression, not 1:1."""
    (tmp_path / "p.txt").write_text("《测试》\n第一条 测试。\n", encoding="utf-8")
    (tmp_path / "p.rules").write_text(
        POLICY_HEAD + "rule r {\n  require " + expression + '\n  explain "x"\n}\n',
        encoding="utf-8",
    )
    [found] = govrules.check(tmp_path)
    assert found.message == "an expression is nested more than 100 levels deep"
    assert found.line == 6
    # Past "  require " and at least 90 levels in: the caret is inside the nesting.
    assert found.column > len("  require ") + 90 * level
    assert found.source_line[found.column - 1 :].startswith(nested)


def test_an_expression_nested_60_deep_is_checked_and_evaluated(tmp_path: Path) -> None:
    """Nesting well inside the limit goes through every stage: check, compile, evaluate."""
    (tmp_path / "p.txt").write_text("《测试》\n第一条 测试。\n", encoding="utf-8")
    expression = "(true and " * 60 + "true" + ")" * 60
    (tmp_path / "p.rules").write_text(
        POLICY_HEAD + f'rule r {{ subject unit cites 第一条 require {expression} explain "x" }}\n',
        encoding="utf-8",
    )
    assert govrules.check(tmp_path) == ()
    decision = govrules.evaluate({}, "p", "2024-11-01", policies=tmp_path)
    assert [v.outcome.value for v in decision.verdicts] == ["compliant"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"year": ' + "9" * 5000 + "}", "holds a number too long to read"),
        ("[" * 100_000 + "]" * 100_000, "nests lists or objects too deeply"),
    ],
    ids=["5000-digit year", "nested 100000 deep"],
)
def test_a_year_file_too_big_to_parse_is_a_calendar_file_error(
    tmp_path: Path, content: str, problem: str
) -> None:
    """A year file with a 5,000-digit number or 100,000-deep nesting names the file (fuzz find)."""
    path = tmp_path / "2027.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(govrules.CalendarFileError) as caught:
        govrules.calendar.load_year_file(path)
    assert str(caught.value) == f"{path}: {problem}"


def test_cli_error_quoting_a_newline_stays_on_one_line(tmp_path: Path, capsys: Any) -> None:
    """A jurisdiction holding a newline is quoted escaped: still one error line (fuzz find)."""
    facts = tmp_path / "facts.json"
    facts.write_text("{}", encoding="utf-8")
    assert main(["evaluate", str(facts), "-j", "a\nb", "--on", "2024-11-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("govrules: error: unknown jurisdiction 'a\\nb'")
    assert err.count("\n") == 1


LONG = "x" * 5000


@pytest.mark.parametrize(
    "call",
    [
        lambda: govrules.check(LONG),
        lambda: govrules.evaluate({}, "yunnan", "2024-11-01", policies=LONG),
        lambda: govrules.diff(LONG + ".rules", "yunnan"),
        lambda: govrules.check("a\x00b"),
    ],
    ids=["check", "evaluate", "diff", "NUL"],
)
def test_a_path_the_system_refuses_is_a_govrules_error(call: Callable[[], object]) -> None:
    """A 5,000-character or NUL-holding path is reported as missing, not raised as OSError."""
    with pytest.raises(govrules.GovrulesError):
        call()
