"""Compare two resolved rule sets by obligation, and their articles character by character.

Obligations are matched by identity through the layers (the rule id a child overrides or
repeals). Each change is one of docs/contract.md#diff: ``removed``, ``added``, ``modified``
(the obligation differs: a value, a condition, the subject, or the text it cites),
``renumbered`` (the same obligation, values and text under another article) or
``unchanged``. Every detail is written in Chinese, for legal reviewers.

The module is not called ``diff``: ``govrules.diff`` is the function, loaded on first use,
and a submodule of that name would take its place on the package when imported.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from govrules import nodes as n
from govrules import texts
from govrules.compiler import literal_value
from govrules.errors import GovrulesError, PolicyError, contained, shown
from govrules.explain import show
from govrules.files import is_dir, is_file
from govrules.layers import Measure, Obligation, RuleSet, Version
from govrules.library import Library, load
from govrules.texts import Document
from govrules.wording import RELATION_NAMES, SUBJECT_NAMES, Reader, level_name, param_name

# The order every rendering follows: changes of substance first, unchanged last.
KINDS = ("removed", "added", "modified", "renumbered", "unchanged")
KIND_NAMES = {
    "removed": "删除",
    "added": "新增",
    "modified": "修改",
    "renumbered": "仅条号变化",
    "unchanged": "未变",
}


@attrs.frozen
class ArticleRef:
    """One side's article of a change."""

    document: str
    article: int
    label: str  # the cited unit as written, e.g. 第十七条第一款
    text: str  # that unit's text

    @property
    def article_label(self) -> str:
        """Return the article's own label, e.g. 第十七条."""
        return texts.label(self.article)

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's shape, plus the cited 款/项 under ``cited``."""
        return {
            "document": self.document,
            "article": self.article,
            "label": self.article_label,
            "cited": self.label,
        }


@attrs.frozen
class TextEdit:
    """One difference between two article texts: characters replaced, removed or added."""

    left: str
    right: str

    def __str__(self) -> str:
        return f"{self.left or '（无）'} → {self.right or '（无）'}"


@attrs.frozen
class Change:
    """How one obligation differs between the two sides."""

    kind: str
    rule: str
    title: str
    left: ArticleRef | None
    right: ArticleRef | None
    details: tuple[str, ...]
    text_edits: tuple[TextEdit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's shape: kind, rule, left, right, details."""
        return {
            "kind": self.kind,
            "rule": self.rule,
            "left": None if self.left is None else self.left.to_dict(),
            "right": None if self.right is None else self.right.to_dict(),
            "details": list(self.details),
        }


@attrs.frozen
class ArticleSide:
    """One side of an article comparison: the document and article, with its text."""

    document: str
    article: int
    label: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Return the side as JSON data."""
        return {"document": self.document, "article": self.article, "label": self.label}


@attrs.frozen
class TextComparison:
    """One pair of articles compared once, however many obligations cite them."""

    left: ArticleSide | None
    right: ArticleSide | None
    edits: tuple[TextEdit, ...]
    similarity: float
    rules: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Return whether the two texts differ (after punctuation is made uniform)."""
        return bool(self.edits) or self.left is None or self.right is None

    @property
    def summary(self) -> str:
        """Return the difference in words: the edits, a rewording, an added or removed article."""
        if self.left is None:
            return "新增条文"
        if self.right is None:
            return "删除条文"
        return describe_edits(self.edits, self.similarity)

    @property
    def where(self) -> str:
        """Return ``第十二条 → 第十条`` (one label when both sides share the number)."""
        left = self.left.label if self.left else "（无）"
        right = self.right.label if self.right else "（无）"
        return left if left == right else f"{left} → {right}"

    def to_dict(self) -> dict[str, Any]:
        """Return the comparison as JSON data."""
        return {
            "left": None if self.left is None else self.left.to_dict(),
            "right": None if self.right is None else self.right.to_dict(),
            "rules": list(self.rules),
            "summary": self.summary,
            "similarity": round(self.similarity, 2),
            "edits": [{"left": e.left, "right": e.right} for e in self.edits],
        }


@attrs.frozen
class Diff:
    """The differences between two rule sets: their documents, obligations and article texts."""

    left: str
    right: str
    left_measure: Measure
    right_measure: Measure
    metadata: tuple[str, ...]
    changes: tuple[Change, ...]
    left_document: Document | None = attrs.field(default=None, eq=False, repr=False)
    right_document: Document | None = attrs.field(default=None, eq=False, repr=False)
    texts: tuple[TextComparison, ...] = ()
    left_source: str | None = None  # the .rules file a side was read from, if given as one
    right_source: str | None = None
    notes: tuple[str, ...] = ()  # what could not be compared, and why

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        """Return the changes of one kind."""
        return tuple(c for c in self.changes if c.kind == kind)

    def change(self, rule: str) -> Change:
        """Return the change of one obligation."""
        for c in self.changes:
            if c.rule == rule:
                return c
        raise KeyError(rule)

    @property
    def left_title(self) -> str:
        """Return the left document as its header names it: 《title》（文号）, and its file."""
        return _title(self.left_measure, self.left_source, self._same_document)

    @property
    def right_title(self) -> str:
        """Return the right document as its header names it: 《title》（文号）, and its file."""
        return _title(self.right_measure, self.right_source, self._same_document)

    @property
    def _same_document(self) -> bool:
        return self.left == self.right

    def text(self, left: int | None, right: int | None) -> TextComparison | None:
        """Return the comparison of the article pair, by article numbers."""
        for t in self.texts:
            if (t.left.article if t.left else None, t.right.article if t.right else None) == (
                left,
                right,
            ):
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        """Return the contract's shape, plus the documents, metadata and article texts."""
        return {
            "left": self.left,
            "right": self.right,
            "changes": [c.to_dict() for c in self.changes],
            "documents": {
                "left": _document_dict(self.left_measure, self.left_source),
                "right": _document_dict(self.right_measure, self.right_source),
            },
            "metadata": list(self.metadata),
            "texts": [t.to_dict() for t in self.texts if t.changed],
            "notes": list(self.notes),
        }


def _title(measure: Measure, source: str | None, same: bool) -> str:
    title = measure.title or f"《{measure.id}》"
    if measure.number:
        title += f"（{measure.number}）"
    # Two versions of one rule set share title and 文号: the file tells them apart.
    if source is not None and same:
        title += f" [{source}]"
    return title


def _document_dict(measure: Measure, source: str | None) -> dict[str, Any]:
    return {
        "id": measure.id,
        "title": measure.title,
        "number": measure.number,
        "source": source,
    }


# --- text comparison -------------------------------------------------------------------

# The Yunnan extraction uses half-width punctuation and «» quotes where the other texts use
# full-width ones; comparing them raw would bury the one character that changed.
_PUNCTUATION = str.maketrans(
    {",": "，", ".": "。", ";": "；", ":": "：", "(": "（", ")": "）", "«": "《", "»": "》"}
)


def normalise(text: str) -> str:
    """Return text with punctuation, digits and spacing made uniform for comparison."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    return "".join(ch for ch in text if not ch.isspace())


def text_edits(left: str, right: str) -> tuple[TextEdit, ...]:
    """Return the character-level differences of two article texts (difflib over characters)."""
    a, b = normalise(left), normalise(right)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return tuple(
        TextEdit(a[i1:i2], b[j1:j2])
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    )


# Below this share of common characters, listing edits says less than "reworded".
SIMILAR = 0.6


def similarity(left: str, right: str) -> float:
    """Return the share of characters two texts have in common (difflib's ratio)."""
    return difflib.SequenceMatcher(None, normalise(left), normalise(right), autojunk=False).ratio()


def summarise_edits(edits: tuple[TextEdit, ...], limit: int = 6) -> str:
    """Return the edits in words, grouping repeated ones: ``省 → 县（3处）``."""
    counts: dict[str, int] = {}
    for e in edits:
        counts[str(e)] = counts.get(str(e), 0) + 1
    parts = [f"{k}（{v}处）" if v > 1 else k for k, v in counts.items()]
    if len(parts) > limit:
        parts = [*parts[:limit], f"另有{len(parts) - limit}处改动"]
    return "；".join(parts)


def describe_edits(edits: tuple[TextEdit, ...], ratio: float) -> str:
    """Return how two texts differ: identical, the edits, or reworded with the share in common."""
    if not edits:
        return "文字相同"
    if ratio < SIMILAR:
        return f"改写（{ratio:.0%}的字相同）"
    return summarise_edits(edits)


# A row names the edits of its cited text only when they are short; longer ones are shown
# once, in the article comparison, instead of in every row that cites the article.
_SHORT = 30


def _article_side(library: Library, document: str, article: int) -> ArticleSide | None:
    doc = library.documents.get(document)
    return None if doc is None else _doc_side(document, doc, article)


def compare_articles(
    left_lib: Library,
    right_lib: Library,
    pairs: Iterable[tuple[str | None, int | None, str | None, int | None, str]],
) -> tuple[TextComparison, ...]:
    """Return one comparison per pair of articles, naming the obligations that cite the pair."""
    rules: dict[tuple[str | None, int | None, str | None, int | None], list[str]] = {}
    for ldoc, lart, rdoc, rart, rule in pairs:
        names = rules.setdefault((ldoc, lart, rdoc, rart), [])
        if rule and rule not in names:
            names.append(rule)
    out = []
    for (ldoc, lart, rdoc, rart), names in rules.items():
        left = _article_side(left_lib, ldoc, lart) if ldoc and lart else None
        right = _article_side(right_lib, rdoc, rart) if rdoc and rart else None
        if left is None and right is None:
            continue
        if left is not None and right is not None:
            edits, ratio = text_edits(left.text, right.text), similarity(left.text, right.text)
        else:
            edits, ratio = (), 0.0
        out.append(TextComparison(left, right, edits, ratio, tuple(names)))
    # In the order of the left document, as a reviewer reads it; added articles by the right.
    out.sort(
        key=lambda t: (
            t.left.article if t.left else t.right.article if t.right else 0,
            t.right.article if t.right else 0,
        )
    )
    return tuple(out)


# --- obligations -----------------------------------------------------------------------


def _ref(library: Library, version: Version) -> ArticleRef | None:
    if not version.cites:
        return None
    c = version.cites[0]
    doc: Document | None = library.documents.get(version.measure.id)
    # The cited unit (款 or 项 where the rule cites one) is what the two sides say.
    text = (doc.unit_text(c.article, c.paragraph, c.item) if doc is not None else None) or ""
    return ArticleRef(version.measure.id, c.article, c.label, text)


def _params_used(version: Version) -> dict[str, object]:
    used = n.names_in(version.rule)
    values = version.param_map()
    return {k: literal_value(v) for k, v in values.items() if k in used}


def _semantics(version: Version) -> tuple[object, ...]:
    rule = version.rule
    return (
        rule.subject,
        rule.governing,
        rule.when,
        tuple(sorted((x.name, x.expr) for x in rule.lets)) if rule.lets else (),
        rule.requires,
        rule.due,
        tuple((x.claim, x.what, x.require, x.due) for x in rule.exceptions or ()),
    )


def _exception_text(read: Reader, x: n.Except) -> str:
    """Return an exception as a reviewer reads it: its claim, article and what it replaces."""
    text = f"{x.what}（{'、'.join(c.label for c in x.cites)}；主张：{read.read(x.claim)}）"
    if x.require is not None:
        text += f"，此时要求：{read.read(x.require)}"
    return text


def _exception_substance(x: n.Except) -> tuple[object, ...]:
    return (x.claim, x.what, x.require, x.due)


def _reader(version: Version) -> Reader:
    return Reader(version.param_map(), frozenset(x.name for x in version.rule.lets))


def _details(left: Version, right: Version) -> list[str]:
    """Return what differs in the obligation itself, each in Chinese."""
    details: list[str] = []
    lp, rp = _params_used(left), _params_used(right)
    for name in sorted(set(lp) & set(rp)):
        if lp[name] != rp[name]:
            details.append(f"{param_name(name)}：{show(lp[name])} → {show(rp[name])}")
    # A parameter used on one side only shows in the condition below, by its value.
    lr, rr = left.rule, right.rule
    lread, rread = _reader(left), _reader(right)
    if lr.subject != rr.subject:
        a = SUBJECT_NAMES.get(lr.subject or "", lr.subject or "无")
        b = SUBJECT_NAMES.get(rr.subject or "", rr.subject or "无")
        details.append(f"适用对象：{a} → {b}")
    if lr.when != rr.when:
        a, b = lread.conditions(lr.when), rread.conditions(rr.when)
        details.append(f"适用条件：{a} → {b}")
    lets_l = {x.name: x.expr for x in lr.lets}
    lets_r = {x.name: x.expr for x in rr.lets}
    for name in sorted(set(lets_l) | set(lets_r)):
        if lets_l.get(name) != lets_r.get(name):
            a = lread.read(lets_l[name]) if name in lets_l else "无"
            b = rread.read(lets_r[name]) if name in lets_r else "无"
            details.append(f"计算值「{name}」：{a} → {b}")
    if lr.requires != rr.requires:
        a, b = lread.conditions(lr.requires), rread.conditions(rr.requires)
        details.append(f"要求：{a} → {b}")
    if lr.governing != rr.governing:
        a = lread.read(lr.governing) if lr.governing is not None else "评价日"
        b = rread.read(rr.governing) if rr.governing is not None else "评价日"
        details.append(f"据以判断的日期：{a} → {b}")
    if lr.due != rr.due:
        a = lread.read(lr.due) if lr.due is not None else "无"
        b = rread.read(rr.due) if rr.due is not None else "无"
        details.append(f"履行期限：{a} → {b}")
    # Exceptions differ in substance when their claim, wording or replacement differs; a new
    # article number alone is renumbering.
    if [_exception_substance(x) for x in lr.exceptions or ()] != [
        _exception_substance(x) for x in rr.exceptions or ()
    ]:
        lx = [_exception_text(lread, x) for x in lr.exceptions or ()]
        rx = [_exception_text(rread, x) for x in rr.exceptions or ()]
        details.append(f"例外：{'；'.join(lx) or '无'} → {'；'.join(rx) or '无'}")
    return details


def _cite_labels(version: Version) -> str:
    return f"{version.measure.title}" + "、".join(c.label for c in version.cites)


def _text_detail(lref: ArticleRef, rref: ArticleRef) -> tuple[str | None, tuple[TextEdit, ...]]:
    """Return the detail on the cited texts (None when they are the same) and their edits."""
    edits = text_edits(lref.text, rref.text)
    if not edits:
        return None, edits
    ratio = similarity(lref.text, rref.text)
    summary = describe_edits(edits, ratio)
    where = texts.label(lref.article)
    if rref.document != lref.document:
        # As the article comparison names the pair: with each side's rule-set id.
        where = f"{lref.document} {where} → {rref.document} {texts.label(rref.article)}"
    elif rref.article != lref.article:
        where += f" → {texts.label(rref.article)}"
    if ratio < SIMILAR:
        return f"所引条文{summary}，见条文对照（{where}）", edits
    if len(summary) > _SHORT:
        return f"所引条文文字有改动，见条文对照（{where}）", edits
    return f"所引条文文字改动：{summary}", edits


def compare_obligation(
    left_lib: Library, right_lib: Library, left: Obligation | None, right: Obligation | None
) -> Change:
    """Return the change of one obligation between two resolved rule sets."""
    if left is None and right is None:
        raise ValueError("nothing to compare")
    if right is None:
        assert left is not None
        lv = left.latest
        return Change(
            "removed",
            left.id,
            lv.rule.title or left.id,
            _ref(left_lib, lv),
            None,
            (f"右侧不再有此项义务；左侧依据{_cite_labels(lv)}",),
        )
    if left is None:
        rv = right.latest
        return Change(
            "added",
            right.id,
            rv.rule.title or right.id,
            None,
            _ref(right_lib, rv),
            (f"新增义务，依据{_cite_labels(rv)}",),
        )
    lv, rv = left.latest, right.latest
    lref, rref = _ref(left_lib, lv), _ref(right_lib, rv)
    details = _details(lv, rv)
    same_article = (lref is None and rref is None) or (
        lref is not None
        and rref is not None
        and (lref.document, lref.article, lref.label) == (rref.document, rref.article, rref.label)
    )
    edits: tuple[TextEdit, ...] = ()
    text_changed = False
    if lref is not None and rref is not None:
        detail, edits = _text_detail(lref, rref)
        if detail is not None:
            details.append(detail)
            text_changed = True
        elif not same_article:
            details.append("所引条文文字相同")
    if lv.starts != rv.starts and (
        lv.starts != lv.measure.effective or rv.starts != rv.measure.effective
    ):
        # Only a date that differs from the documents' own (shown once, above) is news here.
        details.append(f"施行日期：{lv.starts or '不明'} → {rv.starts or '不明'}")
    if len(rv.specialises) > len(lv.specialises):
        details.append(f"细化上位规定{_cite_labels(rv.specialises[0])}")
    semantic = _semantics(lv) != _semantics(rv) or _params_used(lv) != _params_used(rv)
    if semantic or text_changed:
        kind = "modified"
    elif not same_article:
        kind = "renumbered"
    else:
        kind = "unchanged"
    return Change(kind, left.id, rv.rule.title or left.id, lref, rref, tuple(details), edits)


def _relation(m: Measure) -> str:
    if not m.relation:
        return "无上位规定"
    return f"{RELATION_NAMES.get(m.relation, m.relation)} {m.base}"


def _metadata(a: Measure, b: Measure) -> tuple[str, ...]:
    out = []
    for field, label in (
        ("title", "标题"),
        ("number", "文号"),
        ("issuer", "发布机关"),
        ("level", "层级"),
        ("jurisdiction", "适用地域"),
        ("published", "公布日期"),
        ("effective", "施行日期"),
    ):
        va, vb = getattr(a, field), getattr(b, field)
        if va != vb:
            if field == "level":
                va, vb = level_name(va), level_name(vb)
            # A date the header leaves out is unknown; a 文号 or issuer left out does not exist.
            absent = "不明" if field in ("published", "effective") else "无"
            out.append(f"{label}：{va or absent} → {vb or absent}")
    ra, rb = _relation(a), _relation(b)
    if ra != rb:
        out.append(f"与上位规定的关系：{ra} → {rb}")
    return tuple(out)


def _pairs(
    changes: Iterable[Change], left: RuleSet, right: RuleSet, left_lib: Library, right_lib: Library
) -> list[tuple[str | None, int | None, str | None, int | None, str]]:
    """Return the article pairs to compare: those matched obligations cite, and for two
    versions of one document every article by its number."""
    pairs: list[tuple[str | None, int | None, str | None, int | None, str]] = []
    for c in changes:
        if c.left is not None and c.right is not None:
            pairs.append(
                (c.left.document, c.left.article, c.right.document, c.right.article, c.rule)
            )
    if left.id == right.id:
        ldoc, rdoc = left_lib.documents.get(left.id), right_lib.documents.get(right.id)
        numbers = sorted({*(ldoc.numbers if ldoc else ()), *(rdoc.numbers if rdoc else ())})
        for number in numbers:
            lart = number if ldoc is not None and ldoc.has(number) else None
            rart = number if rdoc is not None and rdoc.has(number) else None
            pairs.append((left.id if lart else None, lart, right.id if rart else None, rart, ""))
    return pairs


def diff_rulesets(
    left_lib: Library,
    left: RuleSet,
    right_lib: Library,
    right: RuleSet,
    *,
    left_source: str | None = None,
    right_source: str | None = None,
) -> Diff:
    """Return the differences between two resolved rule sets."""
    left_obs = {ob.id: ob for ob in left.obligations}
    right_obs = {ob.id: ob for ob in right.obligations}
    order = [ob.id for ob in left.obligations] + [
        ob.id for ob in right.obligations if ob.id not in left_obs
    ]
    changes = []
    for oid in order:
        change = compare_obligation(left_lib, right_lib, left_obs.get(oid), right_obs.get(oid))
        if change.kind == "removed":
            reason = next((r for r in right.repealed if r.obligation == oid), None)
            if reason is not None:
                repealer = right_lib.policies.get(reason.measure)
                title = repealer.header.value("title") if repealer is not None else None
                change = attrs.evolve(
                    change, details=(f"{title or reason.measure}废止此项义务：{reason.reason}",)
                )
        changes.append(change)
    # Grouped by kind in one order for every format; within a kind, in the rule sets' order.
    changes.sort(key=lambda c: KINDS.index(c.kind))
    return Diff(
        left.id,
        right.id,
        left.measure,
        right.measure,
        _metadata(left.measure, right.measure),
        tuple(changes),
        left_lib.documents.get(left.id),
        right_lib.documents.get(right.id),
        compare_articles(left_lib, right_lib, _pairs(changes, left, right, left_lib, right_lib)),
        left_source,
        right_source,
    )


# --- sides -----------------------------------------------------------------------------


@attrs.frozen
class Side:
    """What one side of a diff names: its library and rule set, and the file it came from."""

    library: Library
    ruleset: RuleSet
    source: str | None


def _policy_file(spec: str | os.PathLike[str], path: Path) -> Side:
    if not is_file(path):
        raise GovrulesError(f"{spec}: no such policy file")
    library = load(path.parent)
    for pid in library.own:
        if Path(library.policies[pid].source.path).name == path.name:
            return Side(library, library.ruleset(pid), str(spec))
    # The file itself did not parse: its own diagnostic says where and why.
    own = [d for d in library.errors if Path(d.path).name == path.name]
    if own:
        raise own[0]
    library.raise_errors()
    raise GovrulesError(f"{spec}: the file defines no rule set")


def side(spec: str | os.PathLike[str], policies: str | os.PathLike[str] | None = None) -> Side:
    """Return what a diff side names: a rule-set id, a ``.rules`` file or a one-set folder."""
    if not isinstance(spec, (str, os.PathLike)):
        raise GovrulesError(
            "diff compares rule sets named by id (such as 'yunnan') or by a .rules file, "
            f"not {shown(spec)} ({type(spec).__name__})"
        )
    path = Path(spec)
    if path.suffix == ".rules" or is_file(path):
        return _policy_file(spec, path)
    if is_dir(path):
        library = load(path)
        library.raise_errors()
        if len(library.own) != 1:
            names = ", ".join(sorted(library.own)) or "none"
            raise GovrulesError(
                f"{spec}: a folder to compare must hold one rule set (it holds: {names}); "
                "name a .rules file instead"
            )
        (pid,) = library.own
        return Side(library, library.ruleset(pid), None)
    library = load(policies)
    return Side(library, library.ruleset(str(spec)), None)


@contained
def diff(
    left: str | os.PathLike[str],
    right: str | os.PathLike[str],
    *,
    policies: str | os.PathLike[str] | None = None,
) -> Diff:
    """Compare two rule sets, each named by id (bundled, or in ``policies``) or ``.rules`` file."""
    a, b = side(left, policies), side(right, policies)
    return diff_rulesets(
        a.library, a.ruleset, b.library, b.ruleset, left_source=a.source, right_source=b.source
    )


# --- texts only, for a policy file that no longer parses --------------------------------

_HEADER_STRING = re.compile(r'^\s*(title|number|text)\s+"([^"\n]*)"', re.MULTILINE)
_HEADER_ID = re.compile(r"^\s*ruleset\s+([a-z_][a-z0-9_]*)", re.MULTILINE)


def texts_only(
    left: str | os.PathLike[str],
    right: str | os.PathLike[str],
    error: PolicyError,
    *,
    policies: str | os.PathLike[str] | None = None,
) -> Diff:
    """Compare only the article texts of two sides, when a policy file no longer parses.

    The header's ``title``, ``number`` and ``text`` lines are read with a pattern, not the
    grammar, so an older file whose rules no longer parse still names its regulation.
    """
    docs = [_texts_side(s, policies) for s in (left, right)]
    (lm, ldoc, lsrc), (rm, rdoc, rsrc) = docs
    if ldoc is None or rdoc is None:
        raise error
    numbers = sorted({*ldoc.numbers, *rdoc.numbers})
    out = []
    for number in numbers:
        ls = _doc_side(lm.id, ldoc, number)
        rs = _doc_side(rm.id, rdoc, number)
        if ls is not None and rs is not None:
            edits, ratio = text_edits(ls.text, rs.text), similarity(ls.text, rs.text)
        else:
            edits, ratio = (), 0.0
        out.append(TextComparison(ls, rs, edits, ratio, ()))
    note = (
        f"{error.path}:{error.line}:{error.column}: 无法解析（{error.message}），"
        "只比较条文文字，不比较义务"
    )
    return Diff(
        lm.id,
        rm.id,
        lm,
        rm,
        _metadata(lm, rm),
        (),
        ldoc,
        rdoc,
        tuple(out),
        lsrc,
        rsrc,
        (note,),
    )


def _doc_side(document: str, doc: Document, number: int) -> ArticleSide | None:
    if not doc.has(number):
        return None
    found = doc.article(number)
    return ArticleSide(document, number, found.label, found.text)


def _texts_side(
    spec: str | os.PathLike[str], policies: str | os.PathLike[str] | None
) -> tuple[Measure, Document | None, str | None]:
    path = Path(spec)
    if path.suffix != ".rules":
        library = load(policies)
        rs = library.ruleset(str(spec))
        return rs.measure, library.documents.get(rs.id), None
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return _measure(path.stem, {}, str(spec)), None, str(spec)
    fields: dict[str, str] = {}
    for m in _HEADER_STRING.finditer(raw):
        # The header comes first: a rule's own ``title`` further down must not replace it.
        fields.setdefault(m[1], m[2])
    found_id = _HEADER_ID.search(raw)
    measure = _measure(found_id[1] if found_id else path.stem, fields, str(spec))
    doc: Document | None = None
    if "text" in fields:
        target = (path.parent / fields["text"]).resolve()
        # The same containment rule as the loader: a text outside the policy's folder is not read.
        if target.is_relative_to(path.parent.resolve()) and target.is_file():
            try:
                doc = texts.segment(target.read_text(encoding="utf-8"), measure.id)
            except (OSError, UnicodeDecodeError):
                doc = None
    return measure, doc, str(spec)


def _measure(pid: str, fields: dict[str, str], path: str) -> Measure:
    return Measure(
        id=pid,
        title=fields.get("title", ""),
        number=fields.get("number"),
        issuer="",
        level="",
        jurisdiction="",
        published=None,
        effective=None,
        relation=None,
        base=None,
        text=fields.get("text", ""),
        notes=(),
        path=path,
    )
