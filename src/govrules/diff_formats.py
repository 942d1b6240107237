"""Render a Diff for people: terminal text, a Markdown review memo, a side-by-side HTML page."""

from __future__ import annotations

import difflib
import html
import json

from govrules.diff import KINDS, Change, Diff, normalise
from govrules.texts import Document

_COLOURS = {
    "removed": "31",
    "added": "32",
    "modified": "33",
    "renumbered": "36",
    "unchanged": "2",
}
_CHINESE = {
    "removed": "删除",
    "added": "新增",
    "modified": "修改",
    "renumbered": "条号变化",
    "unchanged": "未变",
}


def _where(change: Change) -> str:
    left = f"{change.left.document} {change.left.label}" if change.left else "—"
    right = f"{change.right.document} {change.right.label}" if change.right else "—"
    return f"{left} → {right}"


def _counts(d: Diff) -> str:
    return ", ".join(f"{len(d.of_kind(k))} {k}" for k in KINDS)


def render_text(d: Diff, colour: bool = False, show_unchanged: bool = False) -> str:
    """Return the diff for a terminal; colour only when asked (the CLI asks on a TTY)."""

    def paint(text: str, kind: str) -> str:
        return f"\033[{_COLOURS[kind]}m{text}\033[0m" if colour else text

    lines = [f"govrules diff {d.left} {d.right}"]
    lines.extend(f"  {m}" for m in d.metadata)
    lines.append("")
    for change in d.changes:
        if change.kind == "unchanged" and not show_unchanged:
            continue
        lines.append(f"{paint(f'{change.kind:10}', change.kind)} {change.rule}  {_where(change)}")
        lines.append(f"    {change.title}")
        lines.extend(f"    - {detail}" for detail in change.details)
    lines.append("")
    summary = _counts(d)
    if d.of_kind("unchanged") and not show_unchanged:
        summary += " (unchanged hidden; --all shows them)"
    lines.append(summary)
    return "\n".join(lines)


def render_json(d: Diff) -> str:
    """Return CONTRACT §6's JSON."""
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(d: Diff) -> str:
    """Return a review memo in Markdown: the documents, then the changes by kind."""
    out = [
        f"# {d.left_measure.title} → {d.right_measure.title}",
        "",
        f"Rule sets `{d.left}` → `{d.right}`: {_counts(d)}.",
        "",
    ]
    if d.metadata:
        out += ["## The documents", ""]
        out += [f"- {_md(m)}" for m in d.metadata]
        out.append("")
    for kind in KINDS:
        changes = d.of_kind(kind)
        if not changes:
            continue
        out += [f"## {kind.capitalize()} ({_CHINESE[kind]}): {len(changes)}", ""]
        if kind == "unchanged":
            out.append(", ".join(f"`{c.rule}` ({_where(c)})" for c in changes))
            out.append("")
            continue
        out += ["| obligation | articles | what differs |", "|---|---|---|"]
        for c in changes:
            details = "<br>".join(_md(x) for x in c.details) or "—"
            out.append(f"| `{c.rule}` {_md(c.title)} | {_md(_where(c))} | {details} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- HTML ----------------------------------------------------------------------------------

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:0;color:#1d2330;background:#fafafa}
header{padding:16px 24px;background:#1d3557;color:#fff}
header h1{font-size:20px;margin:0 0 6px}
header p{margin:2px 0;font-size:13px;opacity:.9}
main{padding:16px 24px}
table.changes{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
table.changes th,table.changes td{border:1px solid #d9dde3;padding:6px 8px;vertical-align:top;
text-align:left}
table.changes th{background:#eef1f5}
.kind{font-weight:bold;white-space:nowrap}
.k-removed{color:#b00020}.k-added{color:#1b7f3b}.k-modified{color:#a05a00}
.k-renumbered{color:#00677f}.k-unchanged{color:#777}
.docs{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-top:20px}
.doc{background:#fff;border:1px solid #d9dde3;padding:8px 14px}
.doc h2{font-size:16px;position:sticky;top:0;background:#fff;padding:6px 0;margin:0}
.article{padding:6px 4px;border-bottom:1px dashed #e3e6ea;font-size:14px;line-height:1.7}
.article .label{font-weight:bold;margin-right:6px}
.article.changed{background:#fff8e6}
.article:target{outline:2px solid #1d3557}
del{background:#ffd7d5;text-decoration:line-through;color:#8c0010}
ins{background:#d4f7dc;text-decoration:none;color:#0b5a26}
a{color:#1d3557}
.meta li{font-size:13px}
h2.section{font-size:17px;margin:22px 0 8px}
.pair{background:#fff;border:1px solid #d9dde3;margin:10px 0;padding:6px 12px}
.pair .docs{margin-top:4px}
.pair .rules{font-size:12px;color:#555;margin:2px 0;font-family:monospace}
"""


def _normalised_with_positions(text: str) -> tuple[str, list[int]]:
    """Return the normalised text and, for each of its characters, the source position."""
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text):
        for out in normalise(ch):
            chars.append(out)
            positions.append(i)
    return "".join(chars), positions


def _highlight(own: str, other: str, side: str) -> str:
    """Return ``own`` as HTML, in the source's own characters, marking what ``other`` lacks."""
    mine, positions = _normalised_with_positions(own)
    theirs = normalise(other)
    a, b = (mine, theirs) if side == "left" else (theirs, mine)
    changed: set[int] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        lo, hi = (i1, i2) if side == "left" else (j1, j2)
        if op != "equal":
            changed.update(positions[k] for k in range(lo, hi))
    tag = "del" if side == "left" else "ins"
    parts: list[str] = []
    run: list[str] = []
    marked = False
    for i, ch in enumerate(own):
        if (i in changed) != marked and run:
            text = html.escape("".join(run))
            parts.append(f"<{tag}>{text}</{tag}>" if marked else text)
            run = []
        marked = i in changed
        run.append(ch)
    if run:
        text = html.escape("".join(run))
        parts.append(f"<{tag}>{text}</{tag}>" if marked else text)
    return "".join(parts).replace("\n", "<br>")


def _document_column(
    d: Diff, doc: Document | None, side: str, partners: dict[int, str], changed: set[int]
) -> str:
    measure = d.left_measure if side == "left" else d.right_measure
    rows = [f'<section class="doc" id="{side}"><h2>{html.escape(measure.title)}</h2>']
    if doc is None:
        rows.append("<p>(source text not available)</p>")
    else:
        for article in doc.articles:
            other = partners.get(article.number)
            body = (
                _highlight(article.text, other, side)
                if other is not None
                else html.escape(article.text).replace("\n", "<br>")
            )
            cls = "article changed" if article.number in changed else "article"
            rows.append(
                f'<div class="{cls}" id="{side}-a{article.number}">'
                f'<span class="label">{html.escape(article.label)}</span>{body}</div>'
            )
    rows.append("</section>")
    return "\n".join(rows)


def _pairs_section(d: Diff) -> str:
    """Return the matched articles that differ, each pair side by side in one row."""
    ldoc, rdoc = d.left_document, d.right_document
    if ldoc is None or rdoc is None:
        return ""
    seen: set[tuple[int, int]] = set()
    rows = []
    for c in d.changes:
        if c.left is None or c.right is None or c.kind == "unchanged":
            continue
        key = (c.left.article, c.right.article)
        if key in seen or not (ldoc.has(key[0]) and rdoc.has(key[1])):
            continue
        seen.add(key)
        ltext, rtext = ldoc.article(key[0]).text, rdoc.article(key[1]).text
        rules = ", ".join(
            x.rule
            for x in d.changes
            if x.left and x.right and (x.left.article, x.right.article) == key
        )
        rows.append(
            f'<div class="pair"><p class="rules">{html.escape(rules)}</p><div class="docs">'
            f'<div class="article changed"><span class="label">{html.escape(d.left)} '
            f"{html.escape(ldoc.article(key[0]).label)}</span>{_highlight(ltext, rtext, 'left')}"
            f'</div><div class="article changed"><span class="label">{html.escape(d.right)} '
            f"{html.escape(rdoc.article(key[1]).label)}</span>{_highlight(rtext, ltext, 'right')}"
            "</div></div></div>"
        )
    if not rows:
        return ""
    return '<h2 class="section">Matched articles, side by side</h2>\n' + "\n".join(rows)


def render_html(d: Diff) -> str:
    """Return a self-contained HTML page: the changes, then both documents side by side."""
    left_partner: dict[int, str] = {}
    right_partner: dict[int, str] = {}
    left_changed: set[int] = set()
    right_changed: set[int] = set()
    ldoc, rdoc = d.left_document, d.right_document
    for c in d.changes:
        if c.left is not None and c.kind != "unchanged":
            left_changed.add(c.left.article)
        if c.right is not None and c.kind != "unchanged":
            right_changed.add(c.right.article)
        if c.left is not None and c.right is not None and ldoc is not None and rdoc is not None:
            if c.left.document == c.right.document and c.left.article == c.right.article:
                continue
            if ldoc.has(c.left.article) and rdoc.has(c.right.article):
                ltext = ldoc.article(c.left.article).text
                rtext = rdoc.article(c.right.article).text
                left_partner.setdefault(c.left.article, rtext)
                right_partner.setdefault(c.right.article, ltext)
    rows = []
    for c in d.changes:
        left = (
            f'<a href="#left-a{c.left.article}">{html.escape(c.left.document)} '
            f"{html.escape(c.left.label)}</a>"
            if c.left is not None
            else "—"
        )
        right = (
            f'<a href="#right-a{c.right.article}">{html.escape(c.right.document)} '
            f"{html.escape(c.right.label)}</a>"
            if c.right is not None
            else "—"
        )
        details = "<br>".join(html.escape(x) for x in c.details) or "—"
        rows.append(
            f'<tr><td class="kind k-{c.kind}">{c.kind}<br>{_CHINESE[c.kind]}</td>'
            f"<td><code>{html.escape(c.rule)}</code><br>{html.escape(c.title)}</td>"
            f"<td>{left}</td><td>{right}</td><td>{details}</td></tr>"
        )
    meta = "".join(f"<li>{html.escape(m)}</li>" for m in d.metadata)
    title = f"{d.left_measure.title} → {d.right_measure.title}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<p>govrules diff {html.escape(d.left)} {html.escape(d.right)} — {html.escape(_counts(d))}</p>
</header>
<main>
<ul class="meta">{meta}</ul>
<table class="changes">
<thead><tr><th>kind</th><th>obligation</th><th>{html.escape(d.left)}</th>
<th>{html.escape(d.right)}</th><th>what differs</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
{_pairs_section(d)}
<h2 class="section">{html.escape(d.left_measure.title)} · {html.escape(d.right_measure.title)}</h2>
<div class="docs">
{_document_column(d, ldoc, "left", left_partner, left_changed)}
{_document_column(d, rdoc, "right", right_partner, right_changed)}
</div>
</main>
</body>
</html>
"""
