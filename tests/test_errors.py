"""Every error a policy author can meet, locked by a golden file per message.

Each folder of ``tests/errors/`` is a small bad policy folder; ``expected.txt`` is the
exact output of ``govrules check <case>`` run from ``tests/errors``. To regenerate the
golden files after changing a message, run ``GOVRULES_REGEN=1 pytest tests/test_errors.py``
and review the diff.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govrules.cli import main
from govrules.errors import PolicyError
from govrules.library import load
from govrules.parser import parse

ERRORS = Path(__file__).parent / "errors"
CASES = sorted(p.name for p in ERRORS.iterdir() if p.is_dir())
HEADLINE = re.compile(r"^[^:]+:\d+:\d+: (error|warning): ")
YUNNAN = files("govrules.policies").joinpath("yunnan.rules").read_text(encoding="utf-8")


def _check(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.chdir(ERRORS)
    code = main(["check", case])
    out, err = capsys.readouterr()
    return code, out, err


def test_there_is_a_case_per_message() -> None:
    """The golden cases exist, each with its expected output."""
    assert len(CASES) >= 40
    missing = [c for c in CASES if not (ERRORS / c / "expected.txt").is_file()]
    if os.environ.get("GOVRULES_REGEN") != "1":
        assert not missing, f"run GOVRULES_REGEN=1 to create: {missing}"


@pytest.mark.parametrize("case", CASES)
def test_check_prints_the_expected_diagnostics(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`govrules check CASE` prints exactly the case's expected.txt."""
    _code, out, _err = _check(case, monkeypatch, capsys)
    golden = ERRORS / case / "expected.txt"
    if os.environ.get("GOVRULES_REGEN") == "1":
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_check_fails_cleanly_with_a_located_diagnostic(
    case: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each case exits 1 (0 for warnings only), has no traceback, and starts path:line:col."""
    code, out, err = _check(case, monkeypatch, capsys)
    assert "Traceback" not in out + err
    assert err == ""
    assert code == (0 if case.startswith("warning_") else 1)
    first = out.splitlines()[0]
    assert HEADLINE.match(first), first
    assert first.startswith(f"{case}/")
    assert out.splitlines()[-1].startswith(f"{case}: ")


def test_a_text_outside_the_folder_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`text "../secret.txt"` is an error, and the secret file is never opened."""
    folder = tmp_path / "policies"
    (folder / "texts").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("第一条　秘密。\n", encoding="utf-8")
    case = ERRORS / "text_outside_folder"
    (folder / "demo.rules").write_text(
        (case / "demo.rules").read_text(encoding="utf-8"), encoding="utf-8"
    )
    opened: list[Path] = []
    read_text, read_bytes, open_ = Path.read_text, Path.read_bytes, Path.open

    def spy(real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Path, *args: Any, **kwargs: Any) -> Any:
            opened.append(self.resolve())
            return real(self, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(Path, "read_text", spy(read_text))
    monkeypatch.setattr(Path, "read_bytes", spy(read_bytes))
    monkeypatch.setattr(Path, "open", spy(open_))
    library = load(folder)
    assert [d.message for d in library.errors] == [
        "source text '../secret.txt' lies outside the policy folder"
    ]
    assert library.documents["demo"] is None
    assert (folder / "demo.rules").resolve() in opened  # the spy sees what is read
    assert secret.resolve() not in opened


# --- PolicyError locates the offending token ------------------------------------------

LOCATED = [
    # (policy text, the offending token, its line, its column)
    ('ruleset a {\n  title "x"\n}\nrule filing_deadline\n  subject event\n}\n', "subject", 5, 3),
    ('ruleset a {\n  title "x"\n}\nrule r {\n  requre event.date\n}\n', "requre", 5, 3),
    ("ruleset a {\n  effective 2024-02-30\n}\n", "2024-02-30", 2, 13),
    ("ruleset a {\n  title “x”\n}\n", "“", 2, 9),
    ('ruleset a { title "x" }\nrule r { cites 第一条，第二条 }\n', "，", 2, 19),
    ("ruleset broken {{{ ???\n", "{", 1, 17),
]


@pytest.mark.parametrize(("text", "token", "line", "column"), LOCATED)
def test_policy_error_points_where_the_caret_points(
    text: str, token: str, line: int, column: int
) -> None:
    """`.path/.line/.column` name the offending token, and the caret sits under it."""
    with pytest.raises(PolicyError) as info:
        parse(text, "p.rules")
    err = info.value
    assert (err.path, err.line, err.column) == ("p.rules", line, column)
    source_line = text.split("\n")[line - 1]
    assert source_line[column - 1 :].startswith(token)
    rendered = str(err).splitlines()
    assert rendered[0] == f"p.rules:{line}:{column}: {err.message}"
    assert rendered[1] == "    " + source_line
    prefix = source_line[: column - 1]
    # The caret is indented by the display width of what precedes the token.
    assert rendered[2].index("^") == 4 + sum(
        2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in prefix
    )


def test_str_of_a_policy_error_starts_with_path_line_column_and_message() -> None:
    """`str(err)` is `path:line:col: message`, then the source line and the caret (CONTRACT §2)."""
    with pytest.raises(PolicyError) as info:
        parse("ruleset a {\n  level\n}\n", "policies/a.rules")
    err = info.value
    assert str(err).startswith(f"policies/a.rules:{err.line}:{err.column}: {err.message}\n")
    assert err.message == "expected a name after 'level', found '}'"
    assert (err.line, err.column) == (3, 1)


# --- nothing but PolicyError escapes the parser ---------------------------------------


def _parse_only_raises_policy_error(text: str) -> None:
    error: PolicyError | None = None
    try:
        parse(text, "fuzz.rules")
    except PolicyError as err:
        error = err
    if error is not None:
        assert error.line >= 1
        assert error.column >= 1
        assert error.message
        assert "\n" not in error.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_raises_only_policy_error(text: str) -> None:
    """Any text fed to the parser parses or raises PolicyError, never a Lark error."""
    _parse_only_raises_policy_error(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(min_value=0, max_value=len(YUNNAN)),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=8),
)
def test_a_damaged_real_policy_raises_only_policy_error(at: int, cut: int, insert: str) -> None:
    """The shipped policy with a slice cut and text inserted parses or raises PolicyError."""
    _parse_only_raises_policy_error(YUNNAN[:at] + insert + YUNNAN[at + cut :])
