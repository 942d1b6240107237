"""The consolidated rule set in force for a jurisdiction on a date: ``govrules show``.

For legal reviewers: every obligation that binds the jurisdiction's subjects on the date,
grouped by subject, with the layer and article it comes from (and that article's text),
what it specialises or adapts, its parameter values and where each value is set; then the
obligations not yet in force and those the rule set repealed. Labels are Chinese.
"""

from __future__ import annotations

import datetime as dt
import html
import os

import attrs

from govrules import nodes as n
from govrules.evaluate import as_date, citation
from govrules.explain import show as show_value
from govrules.layers import Measure, RuleSet, Version
from govrules.library import Library, load
from govrules.values import Duration
from govrules.verdicts import Citation

# Subjects in the order a reviewer reads them; a subject not listed keeps its own name.
SUBJECTS: tuple[tuple[str, str], ...] = (
    ("unit", "单位"),
    ("account", "账号"),
    ("event", "账号事件（开办、变更、关停、注销）"),
    ("website", "网站"),
    ("offline", "网站临时下线"),
    ("column", "网站栏目"),
    ("objection", "异议处理"),
    ("disclosure", "政府信息公开"),
)
_LEVELS = {
    "province": "省级",
    "prefecture": "市级",
    "county": "县级",
    "town": "乡镇级",
    "bureau": "部门",
}


@attrs.frozen
class ParamValue:
    """A parameter a rule uses: its value, and the layer and article that set it."""

    name: str
    value: str
    layer: str
    labels: tuple[str, ...]


@attrs.frozen
class Entry:
    """An obligation in force on the date, as the most specific layer in force states it."""

    obligation: str
    title: str
    subject: str
    layer: Measure
    starts: dt.date | None
    start_known: bool
    citations: tuple[Citation, ...]  # the layer's own articles first, then those specialised
    own: int  # how many of ``citations`` are the layer's own
    adapted_from: tuple[Citation, ...]
    params: tuple[ParamValue, ...]
    later: tuple[tuple[Measure, dt.date | None], ...]  # more specific versions not yet in force


@attrs.frozen
class NotYet:
    """An obligation of the rule set that no layer puts in force on the date."""

    obligation: str
    title: str
    subject: str
    layer: Measure
    starts: dt.date | None


@attrs.frozen
class Dropped:
    """A base obligation the rule set repealed, with its reason."""

    obligation: str
    title: str
    base: Measure
    layer: Measure
    reason: str


@attrs.frozen
class Consolidated:
    """The rule set in force on a date: obligations by subject, then the rest."""

    ruleset: RuleSet
    on: dt.date
    groups: tuple[tuple[str, str, tuple[Entry, ...]], ...]  # (subject, label, entries)
    not_yet: tuple[NotYet, ...]
    repealed: tuple[Dropped, ...]

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Return every obligation in force, group after group."""
        return tuple(e for _, _, group in self.groups for e in group)


def _literal(value: n.Literal) -> str:
    """Return a parameter's value as an explanation shows it (7个工作日, 本县…)."""
    if isinstance(value, n.Quantity):
        return str(Duration(value.amount, value.unit))
    if isinstance(value, n.ListLit):
        return "、".join(_literal(v) for v in value.items)  # type: ignore[arg-type]
    if isinstance(value, n.Name):
        return show_value(value.name)
    if isinstance(value, n.DateLit):
        return value.value.isoformat()
    if isinstance(value, n.Bool):
        return show_value(value.value)
    if isinstance(value, n.Number | n.String):
        return str(value.value)
    return str(value)  # pragma: no cover - every literal kind is listed above


def _chain_from(ruleset: RuleSet, measure: Measure) -> tuple[Measure, ...]:
    """Return ``measure`` and its bases, most specific first."""
    ids = [m.id for m in ruleset.chain]
    return ruleset.chain[ids.index(measure.id) :] if measure.id in ids else (measure,)


def _params(library: Library, ruleset: RuleSet, version: Version) -> tuple[ParamValue, ...]:
    values = version.param_map()
    used = sorted(name for name in n.names_in(version.rule) if name in values)
    out: list[ParamValue] = []
    for name in used:
        layer = version.measure.id
        labels: tuple[str, ...] = ()
        for measure in _chain_from(ruleset, version.measure):
            declared = [p for p in library.policies[measure.id].params if p.name == name]
            if declared:
                layer, labels = measure.id, tuple(c.label for c in declared[0].cites)
                break
        out.append(ParamValue(name, _literal(values[name]), layer, labels))
    return tuple(out)


def consolidate(
    ruleset_id: str,
    on: dt.date | str | None = None,
    *,
    policies: str | os.PathLike[str] | None = None,
) -> Consolidated:
    """Return the rule set ``ruleset_id`` as it binds on ``on`` (default today)."""
    day = dt.date.today() if on is None else as_date(on, "on")
    library = load(policies)
    ruleset = library.ruleset(ruleset_id)
    grouped: dict[str, list[Entry]] = {}
    not_yet: list[NotYet] = []
    for ob in ruleset.obligations:
        version = ob.in_force(day)
        latest = ob.latest
        subject = latest.rule.subject or ""
        title = latest.rule.title or ob.id
        if version is None:
            not_yet.append(NotYet(ob.id, title, subject, latest.measure, latest.starts))
            continue
        own = tuple(citation(library, version.measure, c) for c in version.cites)
        cites = list(own)
        for general in version.specialises:
            for c in general.cites:
                cit = citation(library, general.measure, c)
                if cit not in cites:
                    cites.append(cit)
        adapted = version.adapted_from
        adapted_from = (
            tuple(citation(library, adapted.measure, c) for c in adapted.cites) if adapted else ()
        )
        later = tuple(
            (v.measure, v.starts)
            for v in ob.versions[ob.versions.index(version) + 1 :]
            if v.starts is None or v.starts > day
        )
        grouped.setdefault(subject, []).append(
            Entry(
                obligation=ob.id,
                title=version.rule.title or ob.id,
                subject=subject,
                layer=version.measure,
                starts=version.starts,
                start_known=version.start_known,
                citations=tuple(cites),
                own=len(own),
                adapted_from=adapted_from,
                params=_params(library, ruleset, version),
                later=later,
            )
        )
    order = [s for s, _ in SUBJECTS] + sorted(s for s in grouped if s not in dict(SUBJECTS))
    groups = tuple((s, dict(SUBJECTS).get(s, s), tuple(grouped[s])) for s in order if s in grouped)
    measures = {m.id: m for m in ruleset.chain}
    repealed = tuple(
        Dropped(
            r.obligation,
            r.version.rule.title or r.obligation,
            r.version.measure,
            measures.get(r.measure, ruleset.measure),
            r.reason,
        )
        for r in ruleset.repealed
    )
    return Consolidated(ruleset, day, groups, tuple(not_yet), repealed)


# --- rendering -------------------------------------------------------------------------------


def _doc(m: Measure) -> str:
    return f"{m.title}（{m.number}）" if m.number else m.title


def _starts(m: Measure, starts: dt.date | None, known: bool) -> str:
    if not known or starts is None or starts == dt.date.min:
        return "施行日期不详"
    return f"自{starts.isoformat()}起施行"


def _relation(m: Measure) -> str:
    if m.relation == "adapts":
        return f"改编自 {m.base}（上级规定不再约束本地）"
    if m.relation == "within":
        return f"从属于 {m.base}（上级规定继续约束，本级补充、细化）"
    return "基础规则集"


def _head(c: Consolidated) -> list[str]:
    m = c.ruleset.measure
    level = _LEVELS.get(m.level, m.level)
    effective = m.effective.isoformat() if m.effective else "不详"
    count = len(c.entries)
    lines = [
        f"{_doc(m)}",
        f"规则集 {m.id} · {level} · {_relation(m)} · 施行日期 {effective}",
        f"截至 {c.on.isoformat()} 有效的义务：{count} 项",
    ]
    if m.effective is not None and c.on < m.effective:
        lines.append(f"注意：本规则集自{m.effective.isoformat()}起施行，截至该日尚未施行。")
    return lines


def _cite_line(cit: Citation) -> str:
    return f"{cit.title}{cit.label}"


def render_text(c: Consolidated) -> str:
    """Return the consolidated rule set as plain text."""
    out = _head(c)
    for _subject, label, entries in c.groups:
        out += ["", f"== {label} =="]
        for e in entries:
            out.append("")
            out.append(f"【{e.obligation}】{e.title}")
            out.append(
                f"  来源：{e.layer.id} {e.layer.title}，{_starts(e.layer, e.starts, e.start_known)}"
            )
            for i, cit in enumerate(e.citations):
                role = "条文" if i < e.own else "细化的上级条文"
                out.append(f"  {role}：{_cite_line(cit)}：{cit.text}")
            for cit in e.adapted_from:
                out.append(f"  改编自：{_cite_line(cit)}：{cit.text}")
            for p in e.params:
                where = f"{p.layer} {'、'.join(p.labels)}" if p.labels else p.layer
                out.append(f"  参数：{p.name} = {p.value}（{where}）")
            for m, starts in e.later:
                out.append(f"  待施行：{m.id} 的细化{_starts(m, starts, starts is not None)}")
    if c.not_yet:
        out += ["", "== 尚未施行 =="]
        for ny in c.not_yet:
            when = _starts(ny.layer, ny.starts, ny.starts is not None)
            out.append(f"  【{ny.obligation}】{ny.title}（{ny.layer.id}，{when}）")
    if c.repealed:
        out += ["", "== 已废止（不再适用） =="]
        for d in c.repealed:
            out.append(f"  【{d.obligation}】{d.title}（原属 {d.base.id}，由 {d.layer.id} 废止）")
            out.append(f"    理由：{d.reason}")
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    """Escape the characters Markdown would read as markup."""
    for ch in "\\`*_[]<>|":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(c: Consolidated) -> str:
    """Return the consolidated rule set as Markdown."""
    title, *rest = _head(c)
    out = [f"# {_md(title)}", "", *(f"{_md(line)}  " for line in rest)]
    for _subject, label, entries in c.groups:
        out += ["", f"## {_md(label)}"]
        for e in entries:
            out += ["", f"### {_md(e.title)} (`{e.obligation}`)", ""]
            since = _starts(e.layer, e.starts, e.start_known)
            out.append(f"- 来源：{_md(e.layer.id)} {_md(e.layer.title)}，{_md(since)}")
            for i, cit in enumerate(e.citations):
                role = "条文" if i < e.own else "细化的上级条文"
                out.append(f"- {role}：{_md(_cite_line(cit))}")
                out.append(f"  > {_md(cit.text)}")
            for cit in e.adapted_from:
                out.append(f"- 改编自：{_md(_cite_line(cit))}")
                out.append(f"  > {_md(cit.text)}")
            for p in e.params:
                where = f"{p.layer} {'、'.join(p.labels)}" if p.labels else p.layer
                out.append(f"- 参数：`{p.name}` = {_md(p.value)}（{_md(where)}）")
            for m, starts in e.later:
                later = _starts(m, starts, starts is not None)
                out.append(f"- 待施行：{_md(m.id)} 的细化{_md(later)}")
    if c.not_yet:
        out += ["", "## 尚未施行", ""]
        for ny in c.not_yet:
            when = _starts(ny.layer, ny.starts, ny.starts is not None)
            out.append(f"- {_md(ny.title)} (`{ny.obligation}`)：{_md(ny.layer.id)}，{_md(when)}")
    if c.repealed:
        out += ["", "## 已废止（不再适用）", ""]
        for d in c.repealed:
            out.append(
                f"- {_md(d.title)} (`{d.obligation}`)：原属 {_md(d.base.id)}，由 {_md(d.layer.id)} "
                f"废止。理由：{_md(d.reason)}"
            )
    return "\n".join(out) + "\n"


_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.6; color: #222; }
h1 { font-size: 1.5rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.ob { border: 1px solid #ddd; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.ob h3 { margin: .2rem 0; font-size: 1.1rem; } .id { color: #666; font-family: monospace; }
blockquote { margin: .3rem 0 .6rem 1rem; padding-left: .8rem; border-left: 3px solid #bbb;
             color: #333; } .role { font-weight: bold; } .meta { color: #555; }
table { border-collapse: collapse; } td, th { border: 1px solid #ddd; padding: .2rem .5rem; }
"""


def render_html(c: Consolidated) -> str:
    """Return the consolidated rule set as one self-contained HTML page (no external files)."""
    e_ = html.escape
    title, *rest = _head(c)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e_(title)} · {e_(c.on.isoformat())}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e_(title)}</h1>",
        *(f'<p class="meta">{e_(line)}</p>' for line in rest),
    ]
    for _subject, label, entries in c.groups:
        out.append(f"<h2>{e_(label)}</h2>")
        for e in entries:
            out.append('<section class="ob">')
            out.append(f'<h3>{e_(e.title)} <span class="id">{e_(e.obligation)}</span></h3>')
            out.append(
                f'<p class="meta">来源：{e_(e.layer.id)} {e_(e.layer.title)}，'
                f"{e_(_starts(e.layer, e.starts, e.start_known))}</p>"
            )
            for i, cit in enumerate(e.citations):
                role = "条文" if i < e.own else "细化的上级条文"
                out.append(f'<p><span class="role">{role}</span>：{e_(_cite_line(cit))}</p>')
                out.append(f"<blockquote>{e_(cit.text)}</blockquote>")
            for cit in e.adapted_from:
                out.append(f'<p><span class="role">改编自</span>：{e_(_cite_line(cit))}</p>')
                out.append(f"<blockquote>{e_(cit.text)}</blockquote>")
            if e.params:
                out.append("<table><tr><th>参数</th><th>取值</th><th>设定于</th></tr>")
                for p in e.params:
                    where = f"{p.layer} {'、'.join(p.labels)}" if p.labels else p.layer
                    out.append(
                        f"<tr><td><code>{e_(p.name)}</code></td><td>{e_(p.value)}</td>"
                        f"<td>{e_(where)}</td></tr>"
                    )
                out.append("</table>")
            for m, starts in e.later:
                later = _starts(m, starts, starts is not None)
                out.append(f'<p class="meta">待施行：{e_(m.id)} 的细化{e_(later)}</p>')
            out.append("</section>")
    if c.not_yet:
        out.append("<h2>尚未施行</h2><ul>")
        for ny in c.not_yet:
            when = _starts(ny.layer, ny.starts, ny.starts is not None)
            out.append(
                f'<li>{e_(ny.title)} <span class="id">{e_(ny.obligation)}</span>：'
                f"{e_(ny.layer.id)}，{e_(when)}</li>"
            )
        out.append("</ul>")
    if c.repealed:
        out.append("<h2>已废止（不再适用）</h2><ul>")
        for d in c.repealed:
            out.append(
                f'<li>{e_(d.title)} <span class="id">{e_(d.obligation)}</span>：原属 '
                f"{e_(d.base.id)}，由 {e_(d.layer.id)} 废止。理由：{e_(d.reason)}</li>"
            )
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
