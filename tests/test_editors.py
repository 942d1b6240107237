"""The editor support in editors/: a valid TextMate grammar that knows every keyword."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from govrules.formatter import keywords

VSCODE = Path(__file__).resolve().parent.parent / "editors" / "vscode"


def _grammar() -> dict[str, object]:
    return json.loads((VSCODE / "syntaxes" / "govrules.tmLanguage.json").read_text("utf-8"))


def _patterns(node: object) -> list[str]:
    """Return every `match`, `begin` and `end` regex in the grammar."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end") and isinstance(value, str):
                found.append(value)
            else:
                found += _patterns(value)
    elif isinstance(node, list):
        for item in node:
            found += _patterns(item)
    return found


def test_the_extension_files_are_valid_json() -> None:
    """package.json, the language configuration and the grammar parse as JSON."""
    for name in (
        "package.json",
        "language-configuration.json",
        "syntaxes/govrules.tmLanguage.json",
    ):
        json.loads((VSCODE / name).read_text("utf-8"))


def test_the_grammar_is_well_formed() -> None:
    """The grammar names its scope, every include resolves, and every regex compiles."""
    grammar = _grammar()
    assert grammar["scopeName"] == "source.govrules"
    repository = grammar["repository"]
    assert isinstance(repository, dict)
    includes = re.findall(r'"include": "#([a-z-]+)"', json.dumps(grammar))
    assert includes
    assert [i for i in includes if i not in repository] == []
    for pattern in _patterns(grammar):
        re.compile(pattern)  # Oniguruma's syntax for these patterns is a subset of Python's


def test_the_grammar_colours_every_keyword_of_the_language() -> None:
    """Each keyword of grammars/govrules.lark is in one of the grammar's word lists."""
    words: set[str] = set()
    for pattern in _patterns(_grammar()):
        for group in re.findall(r"\\\\b\(\?:([a-z_|]+)\)\\\\b", json.dumps(pattern)):
            words.update(group.split("|"))
    assert words
    assert sorted(keywords() - words) == []


@pytest.mark.parametrize(
    ("text", "scope"),
    [
        ("第十七条第一款", "constant.other.article.govrules"),
        ("2024-09-27", "constant.numeric.date.govrules"),
        ("# 备注", "comment.line.number-sign.govrules"),
    ],
)
def test_the_grammar_scopes_articles_dates_and_comments(text: str, scope: str) -> None:
    """Articles, dates and comments match the pattern of their scope, whole."""
    repository = _grammar()["repository"]
    assert isinstance(repository, dict)
    entry = next(e for e in repository.values() if isinstance(e, dict) and e.get("name") == scope)
    assert re.fullmatch(entry["match"].replace("$", ""), text)


def test_the_manifest_ties_rules_files_to_the_grammar_and_the_server() -> None:
    """package.json maps *.rules to the language, its grammar, and a server command setting."""
    manifest = json.loads((VSCODE / "package.json").read_text("utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["extensions"] == [".rules"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert (VSCODE / grammar["path"]).is_file()
    assert grammar["scopeName"] == "source.govrules"
    settings = manifest["contributes"]["configuration"]["properties"]
    assert settings["govrules.server.command"]["default"] == "govrules"
