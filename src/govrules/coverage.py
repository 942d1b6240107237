"""Article coverage: for each document, which rules encode each article, or why none does."""

from __future__ import annotations

import attrs

from govrules import nodes as n
from govrules.layers import unused_params
from govrules.library import Library


@attrs.frozen
class ArticleCoverage:
    """How one article of a document is accounted for."""

    article: int
    label: str
    rules: tuple[str, ...]  # rule, override, param or renumber names that cite it
    unchecked: str | None  # the reason given, if the article is declared not checkable

    @property
    def accounted(self) -> bool:
        """Return whether the article is encoded or declared not checkable."""
        return bool(self.rules) or self.unchecked is not None

    @property
    def status(self) -> str:
        """Return ``encoded``, ``unchecked`` or ``missing``."""
        if self.rules:
            return "encoded"
        return "unchecked" if self.unchecked is not None else "missing"


@attrs.frozen
class DocumentCoverage:
    """Coverage of every article of one rule set's own document."""

    ruleset: str
    title: str
    articles: tuple[ArticleCoverage, ...]

    @property
    def missing(self) -> tuple[ArticleCoverage, ...]:
        """Return the articles neither encoded nor declared not checkable."""
        return tuple(a for a in self.articles if not a.accounted)


def _citers(policy: n.Policy, unused: frozenset[str] = frozenset()) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}

    def add(cites: tuple[n.Citation, ...] | None, name: str) -> None:
        for c in cites or ():
            names = found.setdefault(c.article, [])
            if name not in names:
                names.append(name)

    for rule in policy.rules:
        add(rule.cites, ("override " if rule.override else "") + rule.name)
    for p in policy.params:
        if p.name not in unused:  # a value no rule reads encodes nothing
            add(p.cites, f"param {p.name}")
    for r in policy.renumbers:
        add((r.new,), f"renumber {r.old.label}")
    return found


def coverage(library: Library, ruleset_id: str) -> DocumentCoverage:
    """Return the coverage of a rule set's own document by its own policy file."""
    policy = library.policies[ruleset_id]
    doc = library.documents.get(ruleset_id)
    unused = frozenset(p.name for p in unused_params(library.ruleset(ruleset_id), policy))
    citers = _citers(policy, unused)
    reasons: dict[int, str] = {}
    for u in policy.unchecked:
        for c in u.articles:
            reasons.setdefault(c.article, u.reason)
    articles = tuple(
        ArticleCoverage(
            a.number,
            a.label,
            tuple(citers.get(a.number, ())),
            reasons.get(a.number),
        )
        for a in (doc.articles if doc is not None else ())
    )
    title = str(policy.header.value("title") or ruleset_id)
    return DocumentCoverage(ruleset_id, title, articles)
