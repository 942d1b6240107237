"""Render a Diff for people: terminal text, a Markdown review memo, a side-by-side HTML page."""

from __future__ import annotations

import difflib
import html
import json

from govrules.comparison import KIND_NAMES, KINDS, Change, Diff, TextComparison, normalise
from govrules.texts import Document

_COLOURS = {
    "removed": "31",
    "added": "32",
    "modified": "33",
    "renumbered": "36",
    "unchanged": "2",
}


def _where(change: Change) -> str:
    left = f"{change.left.document} {change.left.label}" if change.left else "（无）"
    right = f"{change.right.document} {change.right.label}" if change.right else "（无）"
    return left if left == right else f"{left} → {right}"


def _text_where(t: TextComparison) -> str:
    left = f"{t.left.document} {t.left.label}" if t.left else "（无）"
    right = f"{t.right.document} {t.right.label}" if t.right else "（无）"
    return left if left == right else f"{left} → {right}"


def counts(d: Diff) -> str:
    """Return how many changes of each kind, in Chinese: 删除5项，新增0项，…."""
    return "，".join(f"{KIND_NAMES[k]}{len(d.of_kind(k))}项" for k in KINDS)


def shown_kinds(show_unchanged: bool) -> tuple[str, ...]:
    """Return the kinds a human rendering lists: unchanged only when asked, and last."""
    return KINDS if show_unchanged else KINDS[:-1]


def changed_texts(d: Diff) -> tuple[TextComparison, ...]:
    """Return the article comparisons that found a difference, in article order."""
    return tuple(t for t in d.texts if t.changed)


def _summary_line(d: Diff, show_unchanged: bool) -> str:
    line = f"规则集 {d.left} → {d.right}：{counts(d)}"
    if d.of_kind("unchanged") and not show_unchanged:
        line += "（未变的义务未列出，--all 列出）"
    return line


def render_text(d: Diff, colour: bool = False, show_unchanged: bool = False) -> str:
    """Return the diff for a terminal; colour only when asked (the CLI asks on a TTY)."""

    def paint(text: str, kind: str) -> str:
        return f"\033[{_COLOURS[kind]}m{text}\033[0m" if colour else text

    lines = [f"{d.left_title} → {d.right_title}", _summary_line(d, show_unchanged)]
    lines.extend(f"注意：{note}" for note in d.notes)
    if d.metadata:
        lines += ["", "两份文件"]
        lines.extend(f"  {m}" for m in d.metadata)
    for kind in shown_kinds(show_unchanged):
        group = d.of_kind(kind)
        if not group:
            continue
        lines += ["", paint(f"{KIND_NAMES[kind]}（{len(group)}）", kind)]
        for change in group:
            lines.append(f"  {change.rule}  {change.title}")
            lines.append(f"    条文：{_where(change)}")
            lines.extend(f"    - {detail}" for detail in change.details)
    texts = changed_texts(d)
    if texts:
        lines += ["", f"条文对照（{len(texts)}）"]
        for t in texts:
            lines.append(f"  {_text_where(t)}")
            lines.append(f"    - {t.summary}")
            if t.rules:
                lines.append(f"    - 引用此条的义务：{'、'.join(t.rules)}")
    return "\n".join(lines)


def render_json(d: Diff) -> str:
    """Return the diff as JSON: the contract's keys, then documents, metadata and texts."""
    return json.dumps(d.to_dict(), ensure_ascii=False, indent=2)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(d: Diff, show_unchanged: bool = False) -> str:
    """Return a review memo in Markdown, grouped like the terminal text."""
    out = [f"# {d.left_title} → {d.right_title}", "", _summary_line(d, show_unchanged) + "。", ""]
    out += [f"> 注意：{_md(note)}" for note in d.notes]
    if d.notes:
        out.append("")
    if d.metadata:
        out += ["## 两份文件", ""]
        out += [f"- {_md(m)}" for m in d.metadata]
        out.append("")
    for kind in shown_kinds(show_unchanged):
        changes = d.of_kind(kind)
        if not changes:
            continue
        out += [f"## {KIND_NAMES[kind]}（{len(changes)}）", ""]
        out += ["| 义务 | 条文 | 不同之处 |", "|---|---|---|"]
        for c in changes:
            details = "<br>".join(_md(x) for x in c.details) or "—"
            out.append(f"| `{c.rule}` {_md(c.title)} | {_md(_where(c))} | {details} |")
        out.append("")
    texts = changed_texts(d)
    if texts:
        out += [f"## 条文对照（{len(texts)}）", ""]
        out += ["| 条文 | 不同之处 | 引用此条的义务 |", "|---|---|---|"]
        for t in texts:
            rules = "、".join(f"`{r}`" for r in t.rules) or "—"
            out.append(f"| {_md(_text_where(t))} | {_md(t.summary)} | {rules} |")
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
.pair .rules{font-size:13px;color:#555;margin:2px 0}
tr.group th{background:#dfe5ee;font-size:14px}
.note{background:#fff3cd;border:1px solid #e6c200;padding:6px 10px}
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
    title: str, doc: Document | None, side: str, partners: dict[int, str], changed: set[int]
) -> str:
    rows = [f'<section class="doc" id="{side}"><h2>{html.escape(title)}</h2>']
    if doc is None:
        rows.append("<p>（没有条文文本）</p>")
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
    """Return the article pairs that differ, each once, side by side in one row."""
    rows = []
    for t in changed_texts(d):
        ltext = t.left.text if t.left else ""
        rtext = t.right.text if t.right else ""
        left = (
            f'<span class="label">{html.escape(t.left.document)} {html.escape(t.left.label)}'
            f"</span>{_highlight(ltext, rtext, 'left')}"
            if t.left
            else '<span class="label">（无）</span>'
        )
        right = (
            f'<span class="label">{html.escape(t.right.document)} {html.escape(t.right.label)}'
            f"</span>{_highlight(rtext, ltext, 'right')}"
            if t.right
            else '<span class="label">（无）</span>'
        )
        rules = f"引用此条的义务：{'、'.join(t.rules)}" if t.rules else ""
        anchor = f"pair-{t.left.article if t.left else 0}-{t.right.article if t.right else 0}"
        rows.append(
            f'<div class="pair" id="{anchor}"><p class="rules">{html.escape(t.summary)}'
            f'{"　" + html.escape(rules) if rules else ""}</p><div class="docs">'
            f'<div class="article changed">{left}</div>'
            f'<div class="article changed">{right}</div></div></div>'
        )
    if not rows:
        return ""
    return f'<h2 class="section" id="pairs">条文对照（{len(rows)}）</h2>\n' + "\n".join(rows)


def _change_row(c: Change) -> str:
    left = (
        f'<a href="#left-a{c.left.article}">{html.escape(c.left.document)} '
        f"{html.escape(c.left.label)}</a>"
        if c.left is not None
        else "（无）"
    )
    right = (
        f'<a href="#right-a{c.right.article}">{html.escape(c.right.document)} '
        f"{html.escape(c.right.label)}</a>"
        if c.right is not None
        else "（无）"
    )
    details = "<br>".join(html.escape(x) for x in c.details) or "—"
    return (
        f'<tr><td class="kind k-{c.kind}">{KIND_NAMES[c.kind]}</td>'
        f"<td>{html.escape(c.title)}<br><code>{html.escape(c.rule)}</code></td>"
        f"<td>{left}</td><td>{right}</td><td>{details}</td></tr>"
    )


def render_html(d: Diff, show_unchanged: bool = False) -> str:
    """Return a self-contained HTML page: the changes, the article pairs, both documents."""
    left_partner: dict[int, str] = {}
    right_partner: dict[int, str] = {}
    for t in changed_texts(d):
        if t.left is not None and t.right is not None:
            left_partner.setdefault(t.left.article, t.right.text)
            right_partner.setdefault(t.right.article, t.left.text)
    left_changed = {t.left.article for t in changed_texts(d) if t.left is not None}
    right_changed = {t.right.article for t in changed_texts(d) if t.right is not None}
    for c in d.changes:
        if c.kind in ("removed", "modified") and c.left is not None:
            left_changed.add(c.left.article)
        if c.kind in ("added", "modified") and c.right is not None:
            right_changed.add(c.right.article)
    sections = []
    for kind in shown_kinds(show_unchanged):
        group = d.of_kind(kind)
        if not group:
            continue
        sections.append(
            f'<tr class="group"><th colspan="5">{KIND_NAMES[kind]}（{len(group)}）</th></tr>'
        )
        sections.extend(_change_row(c) for c in group)
    meta = "".join(f"<li>{html.escape(m)}</li>" for m in d.metadata)
    notes = "".join(f'<p class="note">注意：{html.escape(x)}</p>' for x in d.notes)
    title = f"{d.left_title} → {d.right_title}"
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
<p>{html.escape(_summary_line(d, show_unchanged))}</p>
</header>
<main>
{notes}
{f'<h2 class="section">两份文件</h2><ul class="meta">{meta}</ul>' if meta else ""}
<table class="changes">
<thead><tr><th>变化</th><th>义务</th><th>{html.escape(d.left)}</th>
<th>{html.escape(d.right)}</th><th>不同之处</th></tr></thead>
<tbody>
{chr(10).join(sections)}
</tbody>
</table>
{_pairs_section(d)}
<h2 class="section">全文对照</h2>
<div class="docs">
{_document_column(d.left_title, d.left_document, "left", left_partner, left_changed)}
{_document_column(d.right_title, d.right_document, "right", right_partner, right_changed)}
</div>
</main>
</body>
</html>
"""
