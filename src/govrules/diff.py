"""Compare two resolved rule sets by obligation, and their articles character by character.

Obligations are matched by identity through the layers (the rule id a child overrides or
repeals). Each change is one of CONTRACT §6: ``removed``, ``added``, ``modified`` (the
obligation itself differs: a value, a condition, the subject), ``renumbered`` (the same
obligation and values under another article) or ``unchanged``.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from pathlib import Path
from typing import Any

import attrs

from govrules import nodes as n
from govrules import texts
from govrules.compiler import literal_value
from govrules.errors import GovrulesError, contained, shown
from govrules.explain import show
from govrules.files import is_dir, is_file
from govrules.layers import Measure, Obligation, RuleSet, Version
from govrules.library import Library, load
from govrules.texts import Document

KINDS = ("removed", "added", "modified", "renumbered", "unchanged")


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
        """Return the CONTRACT §6 shape, plus the cited 款/项 under ``cited``."""
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
        return f"{self.left or '∅'} → {self.right or '∅'}"


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
        """Return the CONTRACT §6 shape."""
        return {
            "kind": self.kind,
            "rule": self.rule,
            "left": None if self.left is None else self.left.to_dict(),
            "right": None if self.right is None else self.right.to_dict(),
            "details": list(self.details),
        }


@attrs.frozen
class Diff:
    """The differences between two rule sets: their documents and their obligations."""

    left: str
    right: str
    left_measure: Measure
    right_measure: Measure
    metadata: tuple[str, ...]
    changes: tuple[Change, ...]
    left_document: Document | None = attrs.field(default=None, eq=False, repr=False)
    right_document: Document | None = attrs.field(default=None, eq=False, repr=False)

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        """Return the changes of one kind."""
        return tuple(c for c in self.changes if c.kind == kind)

    def change(self, rule: str) -> Change:
        """Return the change of one obligation."""
        for c in self.changes:
            if c.rule == rule:
                return c
        raise KeyError(rule)

    def to_dict(self) -> dict[str, Any]:
        """Return the CONTRACT §6 shape (plus the metadata differences)."""
        return {
            "left": self.left,
            "right": self.right,
            "metadata": list(self.metadata),
            "changes": [c.to_dict() for c in self.changes],
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
    """Return the edits in words, grouping repeated ones: ``省 → 县 (3 places)``."""
    counts: dict[str, int] = {}
    for e in edits:
        counts[str(e)] = counts.get(str(e), 0) + 1
    parts = [f"{k} ({v} places)" if v > 1 else k for k, v in counts.items()]
    if len(parts) > limit:
        parts = [*parts[:limit], f"… {len(parts) - limit} more"]
    return "; ".join(parts)


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
    )


def _details(left: Version, right: Version) -> list[str]:
    details: list[str] = []
    lp, rp = _params_used(left), _params_used(right)
    for name in sorted(set(lp) | set(rp)):
        if lp.get(name) != rp.get(name):
            a = show(lp[name]) if name in lp else "(not used)"
            b = show(rp[name]) if name in rp else "(not used)"
            details.append(f"{name}: {a} → {b}")
    lr, rr = left.rule, right.rule
    if lr.subject != rr.subject:
        details.append(f"subject: {lr.subject} → {rr.subject}")
    if lr.when != rr.when:
        details.append("condition (when) changed")
    lets_l = {x.name: x.expr for x in lr.lets}
    lets_r = {x.name: x.expr for x in rr.lets}
    for name in sorted(set(lets_l) | set(lets_r)):
        if lets_l.get(name) != lets_r.get(name):
            details.append(f"computed value '{name}' changed")
    if lr.requires != rr.requires:
        details.append("requirement changed")
    if lr.governing != rr.governing:
        details.append("governing date changed")
    return details


def _cite_labels(version: Version) -> str:
    return f"{version.measure.title}" + "、".join(c.label for c in version.cites)


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
            (f"not in force on the right; cited {_cite_labels(lv)} on the left",),
        )
    if left is None:
        rv = right.latest
        return Change(
            "added",
            right.id,
            rv.rule.title or right.id,
            None,
            _ref(right_lib, rv),
            (f"new obligation, citing {_cite_labels(rv)}",),
        )
    lv, rv = left.latest, right.latest
    lref, rref = _ref(left_lib, lv), _ref(right_lib, rv)
    details = _details(lv, rv)
    same_article = (lref is None and rref is None) or (
        lref is not None
        and rref is not None
        and (lref.document, lref.article) == (rref.document, rref.article)
    )
    edits: tuple[TextEdit, ...] = ()
    if lref is not None and rref is not None and not same_article:
        edits = text_edits(lref.text, rref.text)
        ratio = similarity(lref.text, rref.text)
        if not edits:
            details.append("article text: identical")
        elif ratio < SIMILAR:
            details.append(
                f"article text: differently worded ({ratio:.0%} of the characters in common)"
            )
        else:
            details.append(f"article text: {summarise_edits(edits)}")
    if lv.starts != rv.starts:
        details.append(f"in force from: {lv.starts or 'unknown'} → {rv.starts or 'unknown'}")
    if not same_article:
        details.insert(0, f"citation: {_cite_labels(lv)} → {_cite_labels(rv)}")
    if len(rv.specialises) > len(lv.specialises):
        details.append(f"specialises {_cite_labels(rv.specialises[0])}")
    semantic = _semantics(lv) != _semantics(rv) or _params_used(lv) != _params_used(rv)
    if semantic:
        kind = "modified"
    elif not same_article:
        kind = "renumbered"
    else:
        kind = "unchanged"
    return Change(kind, left.id, rv.rule.title or left.id, lref, rref, tuple(details), edits)


def _metadata(a: Measure, b: Measure) -> tuple[str, ...]:
    out = []
    for field, label in (
        ("title", "title"),
        ("number", "document number"),
        ("issuer", "issuer"),
        ("level", "level"),
        ("jurisdiction", "jurisdiction"),
        ("published", "published"),
        ("effective", "effective"),
    ):
        va, vb = getattr(a, field), getattr(b, field)
        if va != vb:
            out.append(f"{label}: {va or 'unknown'} → {vb or 'unknown'}")
    ra = f"{a.relation} {a.base}" if a.relation else "no base"
    rb = f"{b.relation} {b.base}" if b.relation else "no base"
    if ra != rb:
        out.append(f"relation: {ra} → {rb}")
    return tuple(out)


def diff_rulesets(left_lib: Library, left: RuleSet, right_lib: Library, right: RuleSet) -> Diff:
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
                change = attrs.evolve(
                    change, details=(f"repealed by {reason.measure}: {reason.reason}",)
                )
        changes.append(change)
    return Diff(
        left.id,
        right.id,
        left.measure,
        right.measure,
        _metadata(left.measure, right.measure),
        tuple(changes),
        left_lib.documents.get(left.id),
        right_lib.documents.get(right.id),
    )


def side(spec: str | os.PathLike[str]) -> tuple[Library, RuleSet]:
    """Return the library and rule set a diff side names: a rule-set id or a ``.rules`` file."""
    if not isinstance(spec, (str, os.PathLike)):
        raise GovrulesError(
            "diff compares rule sets named by id (such as 'yunnan') or by a .rules file, "
            f"not {shown(spec)} ({type(spec).__name__})"
        )
    path = Path(spec)
    if path.suffix == ".rules" or is_file(path):
        if not is_file(path):
            raise GovrulesError(f"{spec}: no such policy file")
        library = load(path.parent)
        for pid in library.own:
            if Path(library.policies[pid].source.path).name == path.name:
                return library, library.ruleset(pid)
        library.raise_errors()
        raise GovrulesError(f"{spec}: the file defines no rule set")
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
        return library, library.ruleset(pid)
    library = load(None)
    return library, library.ruleset(str(spec))


@contained
def diff(left: str | os.PathLike[str], right: str | os.PathLike[str]) -> Diff:
    """Compare two rule sets, each named by id (bundled) or by a ``.rules`` file."""
    left_lib, left_rs = side(left)
    right_lib, right_rs = side(right)
    return diff_rulesets(left_lib, left_rs, right_lib, right_rs)
