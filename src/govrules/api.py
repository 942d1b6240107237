"""Library entry points besides evaluate: articles, rule-set listings, checks."""

from __future__ import annotations

import os

from govrules.errors import GovrulesError, PolicyError, contained, shown
from govrules.evaluate import citation
from govrules.layers import RuleSet
from govrules.library import load
from govrules.nodes import Citation as CitationNode
from govrules.source import Span
from govrules.texts import label
from govrules.verdicts import Citation


@contained
def article(
    document: str, number: int, *, policies: str | os.PathLike[str] | None = None
) -> Citation:
    """Return article ``number`` of a shipped document (by rule-set id), with its text."""
    library = load(policies)
    ruleset = library.ruleset(document)
    if not isinstance(number, int) or isinstance(number, bool):
        raise GovrulesError(
            f"an article number is a whole number such as 17, not {shown(number)} "
            f"({type(number).__name__})"
        )
    doc = library.documents.get(document)
    if doc is None or not doc.has(number):
        have = f" (it has {doc.numbers[0]}–{doc.numbers[-1]})" if doc and doc.numbers else ""
        raise GovrulesError(f"{ruleset.measure.title} has no article {shown(number)}{have}")
    node = CitationNode(number, None, None, doc.article(number).label or label(number), _NOWHERE)
    return citation(library, ruleset.measure, node)


_NOWHERE = Span("<api>", 1, 1, 1, 2)


@contained
def rulesets(*, policies: str | os.PathLike[str] | None = None) -> tuple[RuleSet, ...]:
    """Return every rule set of the folder, resolved, in id order."""
    library = load(policies)
    return tuple(library.ruleset(pid) for pid in sorted(library.policies))


@contained
def check(policies: str | os.PathLike[str] | None = None) -> tuple[PolicyError, ...]:
    """Return every diagnostic (errors and warnings) of a policy folder, sorted."""
    return load(policies).diagnostics
