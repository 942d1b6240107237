"""Policies are data: loading one reads only files inside its folder and runs nothing."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

import govrules

HEADER = """ruleset p {{
    title "《测试》" issuer "测试" level county jurisdiction "测试"
    effective 2024-01-01 text "{text}"
}}
"""


def _diagnostics(folder: Path) -> list[str]:
    return [d.message for d in govrules.check(folder)]


@pytest.mark.parametrize("text", ["../secret.txt", "/etc/passwd", "texts/../../secret.txt"])
def test_a_text_outside_the_folder_is_refused(tmp_path: Path, text: str) -> None:
    """A `text` path leaving the policy folder is an error and is not read."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("第一条 秘密。\n", encoding="utf-8")
    (folder / "p.rules").write_text(HEADER.format(text=text), encoding="utf-8")
    messages = _diagnostics(folder)
    assert any("outside the policy folder" in m for m in messages), messages


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A text reached through a link pointing outside the folder is refused."""
    folder = tmp_path / "policies"
    folder.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("第一条 秘密。\n", encoding="utf-8")
    (folder / "link.txt").symlink_to(secret)
    (folder / "p.rules").write_text(HEADER.format(text="link.txt"), encoding="utf-8")
    assert any("outside the policy folder" in m for m in _diagnostics(folder))


def test_python_in_a_policy_is_only_a_syntax_error(tmp_path: Path) -> None:
    """Code-like text in a policy is never executed: it is a parse error."""
    marker = tmp_path / "pwned"
    folder = tmp_path / "policies"
    folder.mkdir()
    payload = f'__import__("pathlib").Path("{marker}").touch()'
    (folder / "p.rules").write_text(
        HEADER.format(text="p.txt") + f"rule r {{ subject unit require {payload} }}\n",
        encoding="utf-8",
    )
    errors = govrules.check(folder)
    assert errors
    assert errors[0].severity == "error"
    assert not marker.exists()


def test_unknown_function_names_cannot_reach_python(tmp_path: Path) -> None:
    """A call of a name that is not a built-in is rejected by the checks, not looked up."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "p.txt").write_text("测试\n第一条 测试。\n", encoding="utf-8")
    (folder / "p.rules").write_text(
        HEADER.format(text="p.txt")
        + 'rule r { subject unit cites 第一条 require eval(unit.name) explain "x" }\n',
        encoding="utf-8",
    )
    assert any("unknown function 'eval'" in m for m in _diagnostics(folder))


GOOD_TEXT = "《测试》\n第一条 本办法自公布之日起施行。\n第二条 账号开办后7个工作日内备案。\n"
GOOD_RULES = HEADER.format(text="p.txt") + (
    "param filing_period = 7 workdays cites 第二条\n"
    'rule r { subject unit cites 第一条 require true explain "x" }\n'
)


def _folder(tmp_path: Path) -> Path:
    """Return a new, empty policy folder."""
    folder = tmp_path / "policies"
    folder.mkdir()
    return folder


def _outside(tmp_path: Path, name: str, text: str) -> Path:
    """Write a file outside the policy folder; return it."""
    secret = tmp_path / name
    secret.write_text(text, encoding="utf-8")
    return secret


needs_links = pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")


@needs_links
def test_a_rules_file_linking_out_of_the_folder_is_not_read(tmp_path: Path) -> None:
    """A `.rules` entry that links outside the folder is refused and its target never quoted."""
    folder = _folder(tmp_path)
    secret = _outside(tmp_path, "secret.rules", "TOP-SECRET first line\n")
    (folder / "evil.rules").symlink_to(secret)
    found = govrules.check(folder)
    assert [(Path(d.path).name, d.line, d.severity) for d in found] == [("evil.rules", 1, "error")]
    assert "outside the policy folder" in found[0].message
    assert "TOP-SECRET" not in found[0].render()


@needs_links
def test_a_rules_file_linking_inside_the_folder_is_read(tmp_path: Path) -> None:
    """A link that stays inside the folder is an ordinary policy file."""
    folder = _folder(tmp_path)
    (folder / "p.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "real").mkdir()
    (folder / "real" / "p.rules").write_text(GOOD_RULES, encoding="utf-8")
    (folder / "p.rules").symlink_to(folder / "real" / "p.rules")
    assert [d.render() for d in govrules.check(folder) if d.severity == "error"] == []


@needs_links
def test_a_calendar_year_file_linking_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A `calendar/` year file that links outside the folder raises, naming the file."""
    folder = _folder(tmp_path)
    (folder / "p.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "p.rules").write_text(GOOD_RULES, encoding="utf-8")
    (folder / "calendar").mkdir()
    secret = _outside(tmp_path, "2027.json", '{"year": 2027, "holidays": [], "workdays": []}')
    (folder / "calendar" / "2027.json").symlink_to(secret)
    with pytest.raises(govrules.CalendarFileError, match="outside the policy folder") as caught:
        govrules.check(folder)
    assert caught.value.path.endswith("2027.json")


@needs_links
def test_a_calendar_folder_linking_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    """A `calendar` entry that is itself a link to a folder outside is refused."""
    folder = _folder(tmp_path)
    (folder / "p.txt").write_text(GOOD_TEXT, encoding="utf-8")
    (folder / "p.rules").write_text(GOOD_RULES, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "2027.json").write_text(
        '{"year": 2027, "holidays": [], "workdays": []}', encoding="utf-8"
    )
    (folder / "calendar").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(govrules.CalendarFileError, match="outside the policy folder"):
        govrules.check(folder)


def test_a_text_name_too_long_for_the_system_is_a_diagnostic(tmp_path: Path) -> None:
    """A 300-character `text` name is reported as not found, not raised as OSError."""
    folder = _folder(tmp_path)
    (folder / "p.rules").write_text(HEADER.format(text="a" * 300 + ".txt"), encoding="utf-8")
    found = govrules.check(folder)
    assert found, "a text that cannot exist must be reported"
    assert all(isinstance(d, govrules.PolicyError) for d in found)


def test_a_byte_order_mark_is_read_alike_in_policies_and_texts(tmp_path: Path) -> None:
    """A UTF-8 BOM neither breaks a policy's first line nor hides a text's first article."""
    folder = _folder(tmp_path)
    (folder / "p.txt").write_bytes(b"\xef\xbb\xbf" + GOOD_TEXT.encode("utf-8"))
    (folder / "p.rules").write_bytes(b"\xef\xbb\xbf" + GOOD_RULES.encode("utf-8"))
    assert [d.render() for d in govrules.check(folder) if d.severity == "error"] == []
    assert govrules.article("p", 1, policies=folder).text == "本办法自公布之日起施行。"


def test_a_byte_order_mark_on_a_year_file_is_accepted(tmp_path: Path) -> None:
    """A year file saved with a BOM is read like one without."""
    path = tmp_path / "2027.json"
    path.write_bytes(b'\xef\xbb\xbf{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}')
    assert govrules.calendar.load_year_file(path).holidays == frozenset({date(2027, 1, 1)})
