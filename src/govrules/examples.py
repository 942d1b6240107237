"""Run the examples written inside policies: facts, a date, and the verdicts they must give."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import attrs

from govrules import nodes as n
from govrules.errors import GovrulesError
from govrules.evaluate import evaluate
from govrules.library import load
from govrules.source import Span
from govrules.verdicts import Decision


@attrs.frozen
class ExampleResult:
    """The outcome of one expectation of one example."""

    policy: str
    example: str
    label: str  # the rule an expectation names, or the note an example states
    span: Span
    passed: bool
    detail: str

    @property
    def where(self) -> str:
        """Return ``path:line`` of the expectation."""
        return f"{self.span.path}:{self.span.line}"


def _matches(rule: str, verdict_rule: str, obligation: str) -> bool:
    return rule in (verdict_rule, obligation)


def check_expectation(decision: Decision, expect: n.Expect) -> tuple[bool, str]:
    """Return whether the decision meets one expectation, and what it found."""
    found = [
        v
        for v in decision.verdicts
        if v.subject == expect.subject and _matches(expect.rule, v.rule, v.obligation)
    ]
    if not found:
        subjects = sorted({v.subject for v in decision.verdicts if v.obligation == expect.rule})
        return False, f"no verdict of '{expect.rule}' for {expect.subject} (subjects: {subjects})"
    verdict = found[0]
    if verdict.outcome.value != expect.outcome:
        return False, (
            f"expected {expect.outcome}, found {verdict.outcome.value}: {verdict.explanation}"
        )
    for text in expect.mentions:
        if text not in verdict.explanation:
            return False, f"explanation does not mention '{text}': {verdict.explanation}"
    for what, wanted, got in (
        ("missing facts", expect.missing, verdict.missing),
        ("presumed facts", expect.presumed, verdict.presumed),
    ):
        if wanted is not None and sorted(wanted) != sorted(got):
            return False, f"expected {what} {sorted(wanted)}, found {sorted(got)}"
    if expect.due is not None and verdict.due != expect.due:
        return False, f"expected due {expect.due}, found {verdict.due}: {verdict.explanation}"
    return True, verdict.explanation


def check_notes(decision: Decision, example: n.Example) -> Iterator[tuple[str, bool, str]]:
    """Yield (note, passed, detail) for the decision notes an example states."""
    if example.unused is not None:
        got = sorted(decision.unused_facts)
        ok = sorted(example.unused) == got
        yield (
            "unused",
            ok,
            f"unused facts {got}"
            if ok
            else (f"expected unused facts {sorted(example.unused)}, found {got}"),
        )
    if example.not_adopted is not None:
        rules = sorted(x.rule for x in decision.not_adopted)
        ok = sorted(example.not_adopted) == rules
        yield (
            "not_adopted",
            ok,
            f"not adopted {rules}"
            if ok
            else (f"expected not adopted {sorted(example.not_adopted)}, found {rules}"),
        )


def run_examples(
    policies: str | os.PathLike[str] | None = None, only: str | None = None
) -> Iterator[ExampleResult]:
    """Yield a result for every expectation of every example in the folder's policies."""
    library = load(policies)
    library.raise_errors()
    for pid in sorted(library.own):
        policy = library.policies[pid]
        if only is not None and pid != only:
            continue
        for example in policy.examples:
            jurisdiction = example.jurisdiction or pid
            on = example.on or dt.date.today()
            try:
                decision = evaluate(_facts(example.facts), jurisdiction, on, policies=policies)
            except GovrulesError as err:
                for expect in example.expects:
                    yield ExampleResult(
                        pid, example.name, expect.rule, expect.span, False, f"error: {err}"
                    )
                continue
            for expect in example.expects:
                passed, detail = check_expectation(decision, expect)
                yield ExampleResult(pid, example.name, expect.rule, expect.span, passed, detail)
            for note, passed, detail in check_notes(decision, example):
                yield ExampleResult(pid, example.name, note, example.span, passed, detail)


def _facts(value: object) -> Any:
    if not isinstance(value, dict):
        raise GovrulesError("an example's facts must be an object")
    return value
