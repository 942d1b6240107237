"""A language server for ``.rules`` files: ``govrules lsp`` (stdio, pygls).

What an editor gets as the author types: ``check``'s diagnostics, the text of an article
on hover (第十七条第一款), a parameter's value through the layers on hover, the definition
of a rule or parameter in the base file, and completion of fact paths, names and keywords.

The analysis below is plain Python over the project's own loader and works without pygls;
only :func:`serve` needs it. The buffer being edited is checked together with the other
files of its folder by copying that folder's policies, texts and calendars, with the
buffer in place of the file on disk, to a temporary folder: the loader reads only what it
always reads, and nothing a policy says is executed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs

from govrules import nodes as n
from govrules.errors import GovrulesError, PolicyError
from govrules.facts import BINDING_PATHS, GLOBAL_ROOTS, SCHEMA, Field, field_at
from govrules.formatter import keywords
from govrules.functions import FUNCTIONS
from govrules.library import Library, load
from govrules.parser import parse_citation
from govrules.source import Span
from govrules.texts import ARTICLE_LABEL
from govrules.values import Duration

INSTALL_HINT = "the language server needs pygls: pip install 'govrules[lsp]'"

_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_DOTTED = re.compile(r"([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\.([a-z0-9_]*)$")
_WORD = re.compile(r"[a-z_][a-z0-9_]*$")
_WHERE = re.compile(r"([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)\)?\s+where\b")


# --- positions: LSP counts UTF-16 code units from 0; our spans count characters from 1 ----


def utf16_column(line: str, column: int) -> int:
    """Return the 0-based UTF-16 offset of 1-based character ``column`` in ``line``."""
    return len(line[: max(0, column - 1)].encode("utf-16-le")) // 2


def char_index(line: str, utf16: int) -> int:
    """Return the 0-based character index at 0-based UTF-16 offset ``utf16`` in ``line``."""
    units = 0
    for i, ch in enumerate(line):
        if units >= utf16:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


@attrs.frozen
class Range:
    """A range as LSP counts it: 0-based lines, UTF-16 columns, end exclusive."""

    start_line: int
    start_char: int
    end_line: int
    end_char: int


def span_range(span: Span, text: str) -> Range:
    """Return the LSP range of a span of ``text``."""
    lines = text.split("\n")

    def line(i: int) -> str:
        return lines[i - 1] if 0 < i <= len(lines) else ""

    return Range(
        span.line - 1,
        utf16_column(line(span.line), span.column),
        span.end_line - 1,
        utf16_column(line(span.end_line), span.end_column),
    )


# --- analysis of one buffer in its folder -------------------------------------------------


@attrs.frozen
class Diagnostic:
    """A diagnostic of the buffer, located as LSP wants it."""

    range: Range
    severity: str
    message: str


@attrs.frozen
class Location:
    """A place in a file on disk."""

    path: Path
    range: Range


@attrs.frozen
class Analysis:
    """One buffer checked in its folder: diagnostics, and what hover and definition read."""

    text: str
    name: str
    folder: Path | None
    library: Library | None
    policy: n.Policy | None
    diagnostics: tuple[Diagnostic, ...]


def _copy_folder(folder: Path, target: Path, skip: str) -> None:
    """Copy what the loader reads from ``folder``: policies, texts and calendars."""
    for path in folder.glob("*.rules"):
        if path.name != skip and path.is_file():
            shutil.copy2(path, target / path.name)
    for sub in ("texts", "calendar"):
        if folder.joinpath(sub).is_dir():
            # symlinks=True keeps a link a link, so the loader still refuses one out of the folder.
            shutil.copytree(folder / sub, target / sub, symlinks=True)


def analyse(path: Path | None, text: str) -> Analysis:
    """Check ``text`` as the file ``path`` (None: an unsaved buffer) among its folder's files."""
    name = path.name if path is not None else "untitled.rules"
    folder = path.parent if path is not None and path.parent.is_dir() else None
    with tempfile.TemporaryDirectory(prefix="govrules-lsp-") as tmp:
        work = Path(tmp)
        if folder is not None:
            _copy_folder(folder, work, name)
        work.joinpath(name).write_text(text, encoding="utf-8")
        try:
            library: Library | None = load(work)
        except GovrulesError as err:  # pragma: no cover - the folder was just made
            return Analysis(text, name, folder, None, None, (_at_start(str(err)),))
        assert library is not None
        mine = [d for d in library.diagnostics if Path(d.path).name == name]
        policy = next(
            (
                p
                for pid, p in library.policies.items()
                if pid in library.own and Path(p.source.path).name == name
            ),
            None,
        )
    diagnostics = tuple(_diagnostic(d, text) for d in mine)
    return Analysis(text, name, folder, library, policy, diagnostics)


def _at_start(message: str) -> Diagnostic:
    return Diagnostic(Range(0, 0, 0, 0), "error", message)


def _diagnostic(err: PolicyError, text: str) -> Diagnostic:
    span = Span.point(err.path, err.line, err.column, err.width)
    message = err.message + (f"\nhint: {err.hint}" if err.hint else "")
    return Diagnostic(span_range(span, text), err.severity, message)


# --- what is under the cursor -------------------------------------------------------------


def _code_part(line: str) -> str:
    """Return ``line`` with quoted text blanked and any comment cut, same length up to it."""
    out: list[str] = []
    quoted = escaped = False
    for ch in line:
        if quoted:
            out.append(" ")
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            continue
        if ch == "#":
            break
        if ch == '"':
            quoted = True
            out.append(" ")
            continue
        out.append(ch)
    return "".join(out)


def _token_at(analysis: Analysis, line: int, character: int) -> tuple[str, str, int] | None:
    """Return (kind, text, start index) of the article or name under the cursor, if any."""
    lines = analysis.text.split("\n")
    if not 0 <= line < len(lines):
        return None
    raw = lines[line]
    code = _code_part(raw)
    at = char_index(raw, character)
    for kind, pattern in (("article", ARTICLE_LABEL), ("name", _NAME)):
        for m in pattern.finditer(code):
            if m.start() <= at < m.end() or (at == m.end() and at > m.start()):
                return kind, m.group(0), m.start()
    return None


def _chain(library: Library, policy: n.Policy) -> list[n.Policy]:
    """Return the policy and its bases, most specific first (a cycle stops the walk)."""
    out = [policy]
    seen = {policy.id}
    current = policy
    while current.header.relation is not None:
        base = library.policies.get(current.header.relation[1])
        if base is None or base.id in seen:
            break
        out.append(base)
        seen.add(base.id)
        current = base
    return out


def _literal(value: n.Literal) -> str:
    if isinstance(value, n.Quantity):
        return f"{value.amount} {value.unit}（{Duration(value.amount, value.unit)}）"
    if isinstance(value, n.ListLit):
        return "[" + ", ".join(_literal(v) for v in value.items) + "]"  # type: ignore[arg-type]
    if isinstance(value, n.Name):
        return value.name
    if isinstance(value, n.String):
        return f'"{value.value}"'
    if isinstance(value, n.DateLit):
        return value.value.isoformat()
    if isinstance(value, n.Bool):
        return "true" if value.value else "false"
    return str(getattr(value, "value", value))


def hover(analysis: Analysis, line: int, character: int) -> str | None:
    """Return Markdown for the article, parameter or rule under the cursor, or None."""
    found = _token_at(analysis, line, character)
    library, policy = analysis.library, analysis.policy
    if found is None or library is None or policy is None:
        return None
    kind, word, start = found
    if kind == "article":
        document = policy
        before = analysis.text.split("\n")[line][:start]
        # `renumber 第X条 as 第Y条`: X is an article of the base, Y of this rule set.
        if re.fullmatch(r"\s*renumber\s+", before) and policy.header.relation is not None:
            document = library.policies.get(policy.header.relation[1], policy)
        return _article_hover(library, document, word)
    chain = _chain(library, policy)
    params = [(p, q) for p in chain for q in p.params if q.name == word]
    if params:
        lines = [f"**参数 `{word}`**（自上级至本级）", ""]
        for p, q in reversed(params):
            cites = "、".join(c.label for c in q.cites)
            lines.append(f"- `{p.id}`：{_literal(q.value)}" + (f"，{cites}" if cites else ""))
        return "\n".join(lines)
    rules = [(p, r) for p in chain for r in p.rules if r.name == word]
    if rules:
        lines = [f"**规则 `{word}`**（自上级至本级）", ""]
        for p, r in reversed(rules):
            what = "override" if r.override else "rule"
            cites = "、".join(c.label for c in r.cites or ())
            title = f"「{r.title}」" if r.title else ""
            lines.append(f"- `{p.id}` {what}{title}" + (f"，{cites}" if cites else ""))
        return "\n".join(lines)
    return None


def _article_hover(library: Library, policy: n.Policy, label: str) -> str | None:
    try:
        cite = parse_citation(label, Span("<hover>", 1, 1, 1, 2))
    except ValueError:
        return None
    doc = library.documents.get(policy.id)
    title = str(policy.header.value("title") or policy.id)
    if doc is None:
        return f"{title}{cite.label}：（本规则集的文本未找到）"
    text = doc.unit_text(cite.article, cite.paragraph, cite.item)
    if text is None:
        return f"{title}没有{cite.label}"
    return f"**{title}{cite.label}**\n\n{text}"


def _file_of(analysis: Analysis, policy: n.Policy) -> Path:
    """Return the file on disk a loaded policy was read from."""
    library = analysis.library
    name = Path(policy.source.path).name
    if library is not None and policy.id in library.own and analysis.folder is not None:
        return analysis.folder / name
    return Path(str(files("govrules.policies"))) / name


def definition(analysis: Analysis, line: int, character: int) -> list[Location]:
    """Return where the rule or parameter under the cursor is defined, the base's first."""
    found = _token_at(analysis, line, character)
    library, policy = analysis.library, analysis.policy
    if found is None or found[0] != "name" or library is None or policy is None:
        return []
    word = found[1]
    out: list[Location] = []
    for p in reversed(_chain(library, policy)):
        text = analysis.text if p is policy else p.source.text
        for r in p.rules:
            if r.name == word:
                out.append(Location(_file_of(analysis, p), span_range(r.name_span, text)))
        for q in p.params:
            if q.name == word:
                out.append(Location(_file_of(analysis, p), span_range(q.span, text)))
    # The rule a child overrides is defined where `rule NAME` stands: list it first.
    out.sort(key=lambda loc: 0 if _is_rule_line(loc) else 1)
    return out


def _is_rule_line(loc: Location) -> bool:
    try:
        lines = loc.path.read_text(encoding="utf-8").split("\n")
    except OSError:
        return False
    line = lines[loc.range.start_line] if loc.range.start_line < len(lines) else ""
    return line.lstrip().startswith("rule ")


# --- completion ---------------------------------------------------------------------------


@attrs.frozen
class Completion:
    """A completion item: its label, a kind word and a detail line."""

    label: str
    kind: str  # "field", "keyword", "rule", "param", "function", "fact"
    detail: str


def _children(field: Field) -> Iterator[Field]:
    yield from field.fields


def _detail(field: Field) -> str:
    if field.kind == "enum" or (field.kind == "list" and field.values):
        return f"{field.kind}: " + " | ".join(field.values)
    if field.kind == "list" and field.item:
        return f"list of {field.item}"
    return field.kind + (" (required)" if field.required else "")


def completions(analysis: Analysis, line: int, character: int) -> list[Completion]:
    """Return what may be typed at the cursor: fact fields after a dot, else names and keywords."""
    lines = analysis.text.split("\n")
    raw = lines[line] if 0 <= line < len(lines) else ""
    prefix = _code_part(raw[: char_index(raw, character)])
    dotted = _DOTTED.search(prefix)
    if dotted is not None:
        parts = dotted.group(1).split(".")
        base = _fact_path(parts[0])
        if parts[0] == "each":
            # `each` is an item of the collection the nearest `where` on the line filters.
            filtered = _WHERE.findall(prefix[: dotted.start()])
            base = _fact_path(*filtered[-1].split(".")) if filtered else None
        if base is None:
            return []
        field = field_at((*base, *parts[1:]))
        if field is None:
            return []
        return [Completion(f.name, "field", _detail(f)) for f in _children(field)]
    items: dict[str, Completion] = {}
    for word in sorted(keywords()):
        items[word] = Completion(word, "keyword", "keyword")
    for name in sorted(FUNCTIONS):
        items[name] = Completion(name, "function", "function")
    for name in sorted({*BINDING_PATHS, *GLOBAL_ROOTS}):
        items[name] = Completion(name, "fact", _fact_detail(name))
    library, policy = analysis.library, analysis.policy
    if library is not None and policy is not None:
        for p in _chain(library, policy):
            for r in p.rules:
                items.setdefault(r.name, Completion(r.name, "rule", f"rule of {p.id}"))
            for q in p.params:
                items.setdefault(q.name, Completion(q.name, "param", _literal(q.value)))
    typed = _WORD.search(prefix)
    start = typed.group(0) if typed else ""
    return [c for c in items.values() if c.label.startswith(start)]


def _fact_path(root: str, *rest: str) -> tuple[str, ...] | None:
    """Return where a subject or fact (and the fields after it) lies in the vocabulary."""
    if root in BINDING_PATHS:
        return (*BINDING_PATHS[root], *rest)
    if root in GLOBAL_ROOTS:
        return (root, *rest)
    return None


def _fact_detail(name: str) -> str:
    path = BINDING_PATHS.get(name, (name,))
    field = field_at(path) or SCHEMA
    return f"{'.'.join(path)} ({field.kind})"


# --- the server (pygls) -------------------------------------------------------------------


def _uri_path(uri: str) -> Path | None:
    from urllib.parse import unquote, urlparse

    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def build_server() -> Any:
    """Return the pygls language server; raises ImportError when pygls is absent."""
    from importlib.metadata import PackageNotFoundError, version

    from lsprotocol import types as t
    from pygls.lsp.server import LanguageServer

    try:
        release = version("govrules")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree not installed
        release = "unknown"
    server = LanguageServer("govrules", release)
    analyses: dict[str, Analysis] = {}
    severities = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning}

    def lsp_range(r: Range) -> Any:
        return t.Range(t.Position(r.start_line, r.start_char), t.Position(r.end_line, r.end_char))

    def refresh(ls: LanguageServer, uri: str) -> None:
        document = ls.workspace.get_text_document(uri)
        analysis = analyse(_uri_path(uri), document.source)
        analyses[uri] = analysis
        ls.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(
                uri=uri,
                version=document.version,
                diagnostics=[
                    t.Diagnostic(
                        range=lsp_range(d.range),
                        message=d.message,
                        severity=severities.get(d.severity, t.DiagnosticSeverity.Information),
                        source="govrules",
                    )
                    for d in analysis.diagnostics
                ],
            )
        )

    def current(ls: LanguageServer, uri: str) -> Analysis:
        if uri not in analyses:
            refresh(ls, uri)
        return analyses[uri]

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LanguageServer, params: t.DidOpenTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LanguageServer, params: t.DidChangeTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: LanguageServer, params: t.DidSaveTextDocumentParams) -> None:
        refresh(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: LanguageServer, params: t.DidCloseTextDocumentParams) -> None:
        analyses.pop(params.text_document.uri, None)

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: LanguageServer, params: t.HoverParams) -> t.Hover | None:
        analysis = current(ls, params.text_document.uri)
        text = hover(analysis, params.position.line, params.position.character)
        if text is None:
            return None
        return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=text))

    @server.feature(t.TEXT_DOCUMENT_DEFINITION)
    def on_definition(ls: LanguageServer, params: t.DefinitionParams) -> list[t.Location]:
        analysis = current(ls, params.text_document.uri)
        return [
            t.Location(uri=loc.path.resolve().as_uri(), range=lsp_range(loc.range))
            for loc in definition(analysis, params.position.line, params.position.character)
        ]

    kinds = {
        "field": t.CompletionItemKind.Field,
        "keyword": t.CompletionItemKind.Keyword,
        "rule": t.CompletionItemKind.Class,
        "param": t.CompletionItemKind.Constant,
        "function": t.CompletionItemKind.Function,
        "fact": t.CompletionItemKind.Variable,
    }

    @server.feature(t.TEXT_DOCUMENT_COMPLETION, t.CompletionOptions(trigger_characters=["."]))
    def on_completion(ls: LanguageServer, params: t.CompletionParams) -> t.CompletionList:
        analysis = current(ls, params.text_document.uri)
        items = completions(analysis, params.position.line, params.position.character)
        return t.CompletionList(
            is_incomplete=False,
            items=[
                t.CompletionItem(label=c.label, kind=kinds[c.kind], detail=c.detail) for c in items
            ],
        )

    return server


def serve() -> None:
    """Run the language server over standard input and output."""
    build_server().start_io()


__all__ = ["INSTALL_HINT", "analyse", "build_server", "completions", "definition", "hover", "serve"]
