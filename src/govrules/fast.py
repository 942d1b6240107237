"""Judge a rule set with generated code where it decides, and with the closures elsewhere.

``codegen`` writes each rule version as a Python function over plain values, and a driver
that runs them for every (rule, subject). Whenever one gives up (a partly known list, an
unknown governing date, an error), that one subject is judged by ``evaluate.judge`` as
before, so every verdict is the one the closures give.

A verdict decided here carries its outcome, dates, presumptions and unclaimed exceptions;
its explanation, its trace and, when undetermined, its missing facts are worked out when
first read, by judging that one rule again with the closures (the same answer, since
judging is a pure function of the facts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from govrules import codegen
from govrules.calendar import WorkdayCalendar
from govrules.codegen import Function
from govrules.compiler import literal_value, placeholder_is_text
from govrules.evaluate import (
    CompiledObligation,
    _not_adopted,
    _subjects,
    compile_ruleset,
    guarded,
    reads,
    subject_env,
)
from govrules.explain import show
from govrules.facts import GLOBAL_ROOTS, SUBJECTS
from govrules.layers import RuleSet
from govrules.library import Library
from govrules.reads import checked_noting_unused, noting_validator, unused_facts
from govrules.values import Missing, Text
from govrules.verdicts import (
    COMPACT_PARTS,
    LATER,
    WORDS,
    Decision,
    JudgedAgain,
    NotAdopted,
    Outcome,
    Verdict,
    decided,
)

# The outcomes generated code returns, by their code: 4 and 5 leave the missing facts to
# be named by the closures when read (verdicts.LATER).
_OUTCOMES = (
    Outcome.COMPLIANT,
    Outcome.VIOLATION,
    Outcome.NOT_APPLICABLE,
    Outcome.PENDING,
    Outcome.UNDETERMINED,
    Outcome.PENDING,
)
_CLAIMS = (False, True, False, True, True, True)  # outcomes that list unclaimed exceptions
_MISSING = ((), (), (), (), LATER, LATER)
_NOTHING: dict[str, Any] = {}  # the presumptions of functions that can make none: stays empty


def _version_on(versions: tuple[VersionCode, ...], when: dt.date) -> int:
    """Return the position of the most specific version in force on ``when``, or -1."""
    k = len(versions) - 1
    while k >= 0:
        starts = versions[k].starts
        if starts is not None and starts <= when:
            return k
        k -= 1
    return -1


@attrs.frozen
class VersionCode:
    """One version's generated function (None: judged by the closures) and its labels."""

    function: Function | None
    starts: dt.date | None
    unclaimed: tuple[str, ...]  # every exception's label, in order
    # The function that words its verdicts (codegen.Generator.version with placeholders),
    # and which of its explanation's placeholders read free text.
    words: Function | None = None
    verbatim: tuple[bool, ...] = ()


@attrs.frozen
class ObligationCode:
    """An obligation's generated functions, in the order of its versions."""

    index: int
    compiled: CompiledObligation
    binds: tuple[str, ...]
    governing: Function | None  # None: the rule has no governing date, or it is not generated
    dated: bool  # whether the rule has a governing date
    versions: tuple[VersionCode, ...]
    records: bool  # whether its functions may record a presumption
    # Per version, what its verdicts repeat: (function, the verdicts' heads by outcome code
    # (verdicts.HEAD), exception labels), read in the loop as one tuple.
    rows: tuple[tuple[Any, ...], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        obligation = self.compiled.obligation.id
        rows = tuple(
            (
                vc.function,
                tuple(
                    (cv.rule, outcome, cv.citations, obligation, cv.version.measure.id, missing)
                    for outcome, missing in zip(_OUTCOMES, _MISSING, strict=True)
                ),
                vc.unclaimed,
            )
            for vc, cv in zip(self.versions, self.compiled.versions, strict=True)
        )
        object.__setattr__(self, "rows", rows)


@attrs.frozen
class Plan:
    """A rule set's generated code, and what the generator left to the closures."""

    obligations: tuple[ObligationCode, ...]
    unsupported: tuple[str, ...]
    source: str = attrs.field(repr=False)  # the generated module, for review and tests
    # Judges every (rule, subject): (data, on, cal, context) -> (verdicts, violations).
    judge_all: Function = attrs.field(repr=False)
    # What every Decision of the rule set repeats, worked out with the code.
    reads: frozenset[tuple[str, ...]] = attrs.field(repr=False, default=frozenset())
    not_adopted: tuple[NotAdopted, ...] = attrs.field(repr=False, default=())
    # Validates facts and notes those the rule set does not read (reads.noting_validator).
    noting: Any = attrs.field(repr=False, default=None)


def plan(library: Library, ruleset: RuleSet) -> Plan:
    """Return the rule set's generated code, built once per library."""
    key = ("plan", ruleset.id)
    cached = library.cache.get(key)
    if cached is None:
        cached = _generate(library, ruleset)
        library.cache[key] = cached
    return cached  # type: ignore[return-value]


def _generate(library: Library, ruleset: RuleSet) -> Plan:
    from govrules.evaluate import _except_label

    compiled = compile_ruleset(library, ruleset)
    gen = codegen.Generator(ruleset.definitions)
    presumptions = {p.target: p for p in ruleset.presumptions if p.target is not None}
    drafts = []
    for index, cob in enumerate(compiled):
        binds = tuple(name for name, _ in SUBJECTS[cob.subject].binds)
        latest = cob.versions[-1].version
        governing = None
        if latest.rule.governing is not None:
            governing = gen.governing(latest.rule, binds, _params(latest), presumptions)
        versions = []
        for cv in cob.versions:
            v = cv.version
            name = gen.version(v.rule, binds, _params(v), presumptions, v.starts)
            placeholders = [dotted for dotted, _ in cv.compiled.placeholders]
            words = gen.version(v.rule, binds, _params(v), presumptions, v.starts, placeholders)
            labels = tuple(_except_label(x) for x in v.rule.exceptions or ())
            verbatim = tuple(placeholder_is_text(dotted) for dotted in placeholders)
            versions.append((name, v.starts, labels, words, verbatim))
        drafts.append((index, cob, binds, governing, latest.rule.governing is not None, versions))
    functions = codegen.compile_module(gen)
    obligations = []
    for index, cob, binds, governing, dated, versions in drafts:
        gov = functions[governing] if governing is not None else None
        obligations.append(
            ObligationCode(
                index,
                cob,
                binds,
                gov,
                dated,
                tuple(
                    VersionCode(
                        functions[name] if name is not None else None,
                        starts,
                        labels,
                        functions[words] if words is not None else None,
                        verbatim,
                    )
                    for name, starts, labels, words, verbatim in versions
                ),
                records=governing in gen.records or any(v[0] in gen.records for v in versions),
            )
        )
    judge_all, driver_source = codegen.driver(
        obligations,
        {
            "listing": _listing,
            "compact": COMPACT_PARTS,
            "outcomes": _OUTCOMES,
            "claims": _CLAIMS,
            "version_on": _version_on,
            "undated": _undated,
            "nothing": _NOTHING,
        },
    )
    return Plan(
        tuple(obligations),
        tuple(gen.unsupported),
        gen.module_source() + "\n" + driver_source,
        judge_all,
        reads(library, ruleset),
        _not_adopted(library, ruleset),
        noting_validator(reads(library, ruleset)),
    )


# What evaluate._undated decides when no version applies, or when the readings disagree
# (undetermined: its missing facts named when read; no exception listed as unclaimed).
_UNDATED_NOT_APPLICABLE = (2, None, -1)
_UNDATED_OPEN = (4, None, 0)


def _undated(
    functions: tuple[Function | None, ...], rows: tuple[tuple[Any, ...], ...], args: tuple[Any, ...]
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Judge a subject whose governing date is unknown under every version, as
    evaluate._undated does: return the row and result of the verdict they agree on."""
    results = []
    for function in functions:
        if function is None:
            raise codegen.Slow
        results.append(function(*args))
    outcomes = {_OUTCOMES[r[0]] for r in results}
    if outcomes == {Outcome.NOT_APPLICABLE}:
        return rows[-1], _UNDATED_NOT_APPLICABLE
    if outcomes <= {Outcome.COMPLIANT, Outcome.NOT_APPLICABLE}:
        # The latest version met is the one shown, with its due date.
        k = max(i for i, r in enumerate(results) if _OUTCOMES[r[0]] is Outcome.COMPLIANT)
        return rows[k], (results[k][0], results[k][1], -1)
    return rows[-1], _UNDATED_OPEN


def _params(version: Any) -> dict[str, Any]:
    return {k: literal_value(v) for k, v in version.param_map().items()}


_NO_GAPS: frozenset[int] = frozenset()


class _Context(JudgedAgain):
    """A run's facts and date: what judging a subject with the closures needs.

    The generated driver hands it the subjects its functions give up on (``fallback``), and
    the verdicts it decides ask it for their words when read (``explanation``, ``trace``),
    both by judging with the closures. Each subject's environment is made once and copied
    for every verdict, with one cache for the run, as ``run_closures`` does.
    """

    __slots__ = ("_roots", "cal", "data", "envs", "gaps", "last", "on", "top")

    def __init__(self, data: Mapping[str, Any], on: dt.date, cal: WorkdayCalendar, top: Any):
        self.data, self.on, self.cal, self.top = data, on, cal, top
        self.envs: dict[str, Any] | None = None
        # Calendar years found missing while judging: a set of its own once the closures
        # judge a subject (most runs never do).
        self.gaps: set[int] | frozenset[int] = _NO_GAPS
        self.last: tuple[Any, Verdict] | None = None  # the verdict judged last, and its twin
        self._roots: tuple[Any, ...] | None = None  # made when a verdict is first worded

    def env(self, oc: ObligationCode, subject: str, binds: tuple[Any, ...], paths: Any) -> Any:
        if self.envs is None:
            self.envs = {}
        env = self.envs.get(subject)
        if env is None:
            values, where = _bindings(oc.binds, binds, paths)
            cache = next(iter(self.envs.values())).cache if self.envs else None
            env = self.envs[subject] = subject_env(
                self.data, self.on, self.cal, values, where, cache=cache
            )
        return env.copy()

    def fallback(
        self, oc: ObligationCode, subject: str, binds: tuple[Any, ...], paths: Any
    ) -> Verdict:
        env = self.env(oc, subject, binds, paths)
        gaps = self.gaps
        if type(gaps) is not set:
            gaps = self.gaps = set()
        return guarded(oc.compiled, env, subject, self.on, self.top, gaps, self.data)

    def explanation(self, verdict: Any) -> str:
        # Worded by generated code where it can be; else by judging the rule again.
        text = self.worded(verdict)
        return self.judged(verdict).explanation if text is None else text

    def worded(self, verdict: Any) -> str | None:
        """Return the explanation of a compliant, violated or not applicable verdict as
        evaluate._explanation writes it, from the version's wording function; None where
        only the closures can word it (an unknown condition or governing date, an exception
        applied, a value the generated code does not model)."""
        oc, binds, paths = verdict._c[WORDS:]
        when = verdict.governing_date
        if when is None and oc.dated:
            return None  # judged under every version: the closures say so
        rule = verdict.rule
        k = next(i for i, cv in enumerate(oc.compiled.versions) if cv.rule == rule)
        cv, vc = oc.compiled.versions[k], oc.versions[k]
        if vc.words is None:
            return None
        presumed: dict[str, Any] = {}
        try:
            code, _, applied, unsure, values = vc.words(
                presumed, self.on, self.cal, {}, paths, self.roots(), *binds
            )
        except Exception:
            return None
        outcome = _OUTCOMES[code]
        if outcome is not verdict.outcome or unsure or applied != -1:
            return None
        if outcome is Outcome.NOT_APPLICABLE:
            body = "适用条件不满足"
        elif outcome is Outcome.COMPLIANT or outcome is Outcome.VIOLATION:
            body = _rendered(cv.compiled.explain, values, vc.verbatim)
        else:
            return None
        text = f"{outcome.chinese}{cv.head(self.top, when)}{body}"
        if verdict.unclaimed and outcome is Outcome.VIOLATION:
            text += "。未主张例外：" + "；".join(verdict.unclaimed)
        if verdict.presumed:
            if any(p not in presumed for p in verdict.presumed):
                return None
            text += "。推定：" + "；".join(
                f"{p}为{show(presumed[p][0])}（{presumed[p][1]}）" for p in verdict.presumed
            )
        return text

    def roots(self) -> tuple[Any, ...]:
        """Return the facts' roots as the generated functions take them."""
        if self._roots is None:
            get = self.data.get
            self._roots = tuple([get(root, codegen.ABSENT) for root in GLOBAL_ROOTS])
        return self._roots

    def judged(self, verdict: Any) -> Verdict:
        # A verdict read in full asks for its words, trace and missing facts: judge it once.
        if self.last is not None and self.last[0] is verdict:
            return self.last[1]
        oc, binds, paths = verdict._c[WORDS:]
        env = self.env(oc, verdict.subject, binds, paths)
        found = guarded(oc.compiled, env, verdict.subject, self.on, self.top, set(), self.data)
        self.last = (verdict, found)
        return found


def _rendered(parts: tuple[Any, ...], values: tuple[Any, ...], verbatim: tuple[bool, ...]) -> str:
    """Return an explanation's template filled in as evaluate._render fills it: ``values``
    are its placeholders' values in order (UNK where unknown)."""
    out = []
    i = 0
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = values[i]
        if value is codegen.UNK:
            value = _UNKNOWN
        elif verbatim[i] and isinstance(value, str):
            value = Text(value)
        out.append(show(value))
        i += 1
    return "".join(out)


_UNKNOWN = Missing(frozenset())  # shown as the closures show an unknown: （未提供）


def _bindings(
    names: tuple[str, ...], binds: tuple[Any, ...], paths: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, str]]:
    return dict(zip(names, binds, strict=True)), dict(zip(names, paths, strict=True))


Listed = list[tuple[str, tuple[Any, ...], tuple[str, ...]]]


def _listing(kind: str, data: Mapping[str, Any]) -> Listed:
    """Return every subject of a kind: its path, the items it binds and their paths."""
    if kind == "account":
        return [(path, (item,), (path,)) for path, item in _items(data.get("accounts"), "accounts")]
    if kind == "event":
        out: Listed = []
        for path, account in _items(data.get("accounts"), "accounts"):
            events = account.get("events") if type(account) is dict else None
            for sub, event in _items(events, path + ".events"):
                out.append((sub, (account, event), (path, sub)))
        return out
    return [
        (subject, tuple(values.values()), tuple(paths.values()))
        for subject, values, paths in _subjects(kind, data)
    ]


def _items(items: Any, base: str) -> list[tuple[str, Any]]:
    if not items:
        return []
    return [(f"{base}[{i}]", item) for i, item in enumerate(items)]


def run(
    library: Library,
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    given: Mapping[str, Any] | None,
    code: Plan,
    unused: tuple[str, ...] | None = None,
) -> Decision:
    """Evaluate validated facts: generated code first, the closures where it gives up."""
    if unused is None:
        unused = unused_facts(data if given is None else given, code.reads)
    return _judged(ruleset, data, on, cal, code, unused)


def decide(
    ruleset: RuleSet, facts: Mapping[str, Any], on: dt.date, cal: WorkdayCalendar, code: Plan
) -> Decision:
    """Validate facts and evaluate them with the rule set's code: what ``run`` returns for
    the validated facts, in one call, as every evaluation after the first makes it."""
    data, _, unused = checked_noting_unused(facts, code.reads, code.noting)
    return _judged(ruleset, data, on, cal, code, unused)


def _judged(
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    code: Plan,
    unused: tuple[str, ...],
) -> Decision:
    """Return the Decision of validated facts whose unused facts are known: every verdict
    by the plan's code (and the closures where it gives up), what the rule set does not
    adopt, and the calendar years found missing, as evaluate.decision assembles it."""
    context = _Context(data, on, cal, ruleset.measure)
    verdicts, violations = code.judge_all(data, on, cal, context)
    gaps = context.gaps
    return decided(
        ruleset.id,
        on,
        tuple(verdicts),
        code.not_adopted,
        unused,
        tuple(sorted(gaps)) if gaps else (),
        tuple(violations),
    )
