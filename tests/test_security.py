"""Policies are data: loading one reads only files inside its folder and runs nothing."""

from __future__ import annotations

import os
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
