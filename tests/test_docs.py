"""The documentation is executable: its policies parse and check, its code runs, its output is real.

Conventions in docs/*.md (see the comment at the top of each page):

- every ```rules block parses: a complete policy (its first line that is not a comment
  starts with ``ruleset`` or ``definitions``) as it is, any other block as the items of a
  policy;
- a block preceded by ``<!-- file: PATH -->`` is a file of the documentation's example
  folder; the files of all pages form one folder, and every policy folder in it checks
  clean and passes its examples, unless a page shows ``govrules check`` diagnostics for it;
- a block preceded by ``<!-- output: govrules … -->`` is that command's exact output, run
  in the example folder;
- a block preceded by ``<!-- from: policies/ID.rules -->`` quotes a shipped policy: each
  of its lines is a line of that file (lines may be left out, none may differ);
- in docs/api.md, docs/outcomes.md and docs/undetermined.md every ```python block without
  ``...`` runs in a fresh namespace, and a block preceded by ``<!-- output: python -->`` is
  the exact output of the one before it.

After changing what a command prints, ``GOVRULES_REGEN=1 pytest tests/test_docs.py`` rewrites
the output blocks; review the change to the pages before committing it.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import shlex
import tempfile
from pathlib import Path

import attrs
import pytest

import govrules
from govrules import cli
from govrules.examples import run_examples
from govrules.functions import FUNCTIONS
from govrules.parser import parse

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = ("language.md", "layers.md", "api.md", "outcomes.md", "undetermined.md")
# The pages whose ```python blocks run (see test_python_examples_in_the_docs_run).
PYTHON_PAGES = ("api.md", "outcomes.md", "undetermined.md")
_BLOCK = re.compile(
    r"(?:<!--\s*(?P<marker>file|output|from):\s*(?P<arg>.*?)\s*-->\n)?"
    r"^```(?P<lang>[A-Za-z]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


@attrs.frozen
class Block:
    """A fenced code block of a page, with the marker comment just before it, if any."""

    page: str
    line: int
    lang: str
    body: str
    marker: str | None
    arg: str | None

    @property
    def where(self) -> str:
        """Return ``page:line`` of the block's opening fence."""
        return f"docs/{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    """Return the fenced blocks of a page, in order."""
    text = (DOCS / page).read_text(encoding="utf-8")
    found = []
    for m in _BLOCK.finditer(text):
        fence = m.start("lang") - 3
        found.append(
            Block(
                page,
                text.count("\n", 0, fence) + 1,
                m["lang"],
                m["body"],
                m["marker"],
                m["arg"],
            )
        )
    return found


def _is_complete(body: str) -> bool:
    for line in body.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return stripped.startswith(("ruleset", "definitions"))
    return False


def _rules_blocks(complete: bool) -> list[Block]:
    return [
        b
        for page in ("language.md", "layers.md")
        for b in blocks(page)
        if b.lang == "rules" and _is_complete(b.body) == complete
    ]


def _files() -> dict[str, str]:
    return {b.arg: b.body for page in PAGES for b in blocks(page) if b.marker == "file" and b.arg}


def _commands() -> list[Block]:
    return [b for page in PAGES for b in blocks(page) if b.marker == "output" and b.arg != "python"]


@pytest.fixture(scope="module")
def example_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding every file the pages mark with ``file:``."""
    root = tmp_path_factory.mktemp("docs")
    for name, body in _files().items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    return root


def _compare(block: Block, actual: str) -> None:
    """Assert that an output block shows ``actual``, or rewrite it under GOVRULES_REGEN=1."""
    if actual == block.body:
        return
    if os.environ.get("GOVRULES_REGEN") == "1":
        path = DOCS / block.page
        text = path.read_text(encoding="utf-8")
        old = f"<!-- output: {block.arg} -->\n```text\n{block.body}```"
        assert text.count(old) == 1, f"{block.where}: cannot rewrite an ambiguous block"
        new = f"<!-- output: {block.arg} -->\n```text\n{actual}```"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return
    assert actual == block.body


def _run_cli(root: Path, command: str, monkeypatch: pytest.MonkeyPatch) -> str:
    argv = shlex.split(command)
    assert argv[0] == "govrules", command
    monkeypatch.chdir(root)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        cli.main(argv[1:])
    return out.getvalue()


@pytest.mark.parametrize("block", _rules_blocks(complete=True), ids=lambda b: b.where)
def test_complete_policies_in_the_docs_parse(block: Block) -> None:
    """Every ```rules block of language.md and layers.md that starts with `ruleset` parses."""
    parse(block.body, block.where)


@pytest.mark.parametrize("block", _rules_blocks(complete=False), ids=lambda b: b.where)
def test_policy_fragments_in_the_docs_parse(block: Block) -> None:
    """Every other ```rules block parses as the items of a policy."""
    parse("ruleset fragment { }\n" + block.body, block.where)


def test_the_docs_show_complete_policies() -> None:
    """The pages hold complete policies for the tests above to parse."""
    assert len(_rules_blocks(complete=True)) >= 6


def _clean_folders(root: Path) -> list[Path]:
    """Return the policy folders of the docs, less those a page shows diagnostics of."""
    broken = {
        root / shlex.split(b.arg or "")[-1]
        for b in _commands()
        if " check " in f" {b.arg} " and re.search(r": (error|warning): ", b.body)
    }
    return sorted({p.parent for p in root.rglob("*.rules")} - broken)


def test_example_policy_folders_check_clean(example_folder: Path) -> None:
    """Every policy folder of the docs checks clean, unless a page shows its diagnostics."""
    folders = _clean_folders(example_folder)
    assert folders
    for folder in folders:
        assert govrules.check(folder) == (), folder.name


def test_examples_written_in_the_docs_pass(example_folder: Path) -> None:
    """Every `example` in the docs' policies gives the verdicts it expects."""
    results = [r for folder in _clean_folders(example_folder) for r in run_examples(folder)]
    assert results
    assert [r.detail for r in results if not r.passed] == []


@pytest.mark.parametrize("block", _commands(), ids=lambda b: b.where)
def test_command_output_shown_in_the_docs_is_real(
    block: Block, example_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block marked `output: govrules …` is exactly what that command prints."""
    assert block.arg is not None
    _compare(block, _run_cli(example_folder, block.arg, monkeypatch))


@pytest.mark.parametrize(
    "block",
    [b for page in PAGES for b in blocks(page) if b.marker == "from"],
    ids=lambda b: b.where,
)
def test_quotes_of_shipped_policies_are_verbatim(block: Block) -> None:
    """A block marked `from: policies/….rules` quotes lines that the shipped file has."""
    assert block.arg is not None
    source = (DOCS.parent / block.arg).read_text(encoding="utf-8")
    lines = {line.strip() for line in source.splitlines()}
    quoted = [line.strip() for line in block.body.splitlines() if line.strip()]
    assert [line for line in quoted if line not in lines] == []


def _python_blocks() -> list[tuple[Block, Block | None]]:
    pairs = []
    for page in PYTHON_PAGES:
        found = blocks(page)
        for i, b in enumerate(found):
            if b.lang != "python" or "..." in b.body:
                continue
            after = found[i + 1] if i + 1 < len(found) else None
            expected = (
                after if after and after.marker == "output" and after.arg == "python" else None
            )
            pairs.append((b, expected))
    return pairs


@pytest.mark.parametrize(
    ("block", "expected"), _python_blocks(), ids=[b.where for b, _ in _python_blocks()]
)
def test_python_examples_in_the_docs_run(
    block: Block, expected: Block | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every runnable ```python block of the Python pages runs alone and prints what it shows."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # what a block makes stays here
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block.body, block.where, "exec"), {"__name__": "__docs__"})
    if expected is not None:
        _compare(expected, out.getvalue())


def test_every_output_block_follows_what_it_shows() -> None:
    """Each `output: python` block comes right after a runnable python block."""
    for page in PYTHON_PAGES:
        found = blocks(page)
        for i, b in enumerate(found):
            if b.marker == "output" and b.arg == "python":
                before = found[i - 1]
                assert before.lang == "python", b.where
                assert "..." not in before.body, b.where


def _prose(text: str) -> str:
    """Return ``text`` without its fenced blocks."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def _anchors(text: str) -> set[str]:
    """Return the anchors GitHub gives the headings of a page."""
    found = set()
    for line in _prose(text).splitlines():
        if m := re.match(r"#+\s+(.*)", line):
            found.add(re.sub(r"[^\w\- ]", "", m[1].strip().lower()).replace(" ", "-"))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_links_between_pages_lead_to_headings(page: str) -> None:
    """Every relative link of a page names an existing page and, if given, one of its headings."""
    broken = []
    for m in re.finditer(r"\]\(([^)]+)\)", _prose((DOCS / page).read_text(encoding="utf-8"))):
        target, _, anchor = m[1].partition("#")
        if target.startswith(("http:", "https:")):
            continue
        path = DOCS / (target or page)
        headings = _anchors(path.read_text(encoding="utf-8")) if path.is_file() else None
        if headings is None or (anchor and anchor not in headings):
            broken.append(m[1])
    assert broken == []


def test_package_docstring_example_passes() -> None:
    """The example in the govrules package docstring runs and gives what it shows."""
    result = doctest.testmod(govrules, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


def test_every_builtin_function_is_documented() -> None:
    """language.md describes every function a rule may call."""
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    assert [name for name in FUNCTIONS if f"**`{name}(" not in text] == []


def test_every_command_is_documented() -> None:
    """api.md describes every subcommand of the govrules command."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if a.dest == "command"]
    assert [name for name in sub.choices if f"`govrules {name}" not in text] == []


def test_the_readme_example_prints_what_the_readme_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's Python example runs and prints exactly the output block after it."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code, shown = re.search(r"```python\n(.*?)```\n\n```\n(.*?)```", readme, re.S).groups()  # type: ignore[union-attr]
    exec(compile(code, "README.md", "exec"), {})
    assert capsys.readouterr().out == shown


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    """.ci/run's command is the README's second shell block, word for word."""
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    blocks = readme.split("```sh\n")[1:]
    test_command = blocks[1].split("\n```")[0].strip()
    ci = (root / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == test_command


def test_ci_covers_every_python_the_package_supports() -> None:
    """noxfile.py runs the suite on 3.10 (requires-python's floor) through 3.13."""
    root = Path(__file__).resolve().parents[1]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.10"' in pyproject
    noxfile = (root / "noxfile.py").read_text(encoding="utf-8")
    assert 'PYTHONS = ("3.10", "3.11", "3.12", "3.13")' in noxfile
