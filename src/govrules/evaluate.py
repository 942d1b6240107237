"""Evaluate facts against a resolved rule set: one verdict per (rule, subject)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govrules.calendar import WorkdayCalendar
from govrules.compiler import GLOBAL_ROOTS, SUBJECT_ROOTS, Compiled, Compiler, EvaluationError
from govrules.errors import FactsError, GovrulesError
from govrules.explain import show
from govrules.facts import validate
from govrules.layers import Measure, Obligation, RuleSet, Version
from govrules.library import Library, load
from govrules.texts import Document
from govrules.values import Missing
from govrules.verdicts import Citation, Decision, Outcome, Step, Verdict


@attrs.frozen
class CompiledVersion:
    """A version with its closures and its citations ready to attach to verdicts."""

    version: Version
    compiled: Compiled
    citations: tuple[Citation, ...]


@attrs.frozen
class CompiledObligation:
    """An obligation whose versions are compiled, most general first."""

    obligation: Obligation
    subject: str
    versions: tuple[CompiledVersion, ...]

    def in_force(self, on: dt.date) -> CompiledVersion | None:
        """Return the most specific compiled version in force on ``on``."""
        for cv in reversed(self.versions):
            if cv.version.starts is not None and cv.version.starts <= on:
                return cv
        return None


def citation(library: Library, measure: Measure, cite: Any) -> Citation:
    """Return the public Citation of one of a measure's citations, with the source's text."""
    doc: Document | None = library.documents.get(measure.id)
    found = doc.unit_text(cite.article, cite.paragraph, cite.item) if doc is not None else None
    text = found or ""
    return Citation(
        document=measure.id,
        title=measure.title,
        number=measure.number,
        article=cite.article,
        paragraph=cite.paragraph,
        item=cite.item,
        label=cite.label,
        text=text,
    )


def _citations(library: Library, version: Version) -> tuple[Citation, ...]:
    """Return the version's own citations first, then those of the versions it specialises."""
    out = [citation(library, version.measure, c) for c in version.cites]
    for general in version.specialises:
        for c in general.cites:
            cit = citation(library, general.measure, c)
            if cit not in out:
                out.append(cit)
    return tuple(out)


def compile_ruleset(library: Library, ruleset: RuleSet) -> tuple[CompiledObligation, ...]:
    """Return the rule set's obligations compiled, cached on the library."""
    key = ("compiled", ruleset.id)
    cached = library.cache.get(key)
    if cached is not None:
        return cached  # type: ignore[return-value]
    out = []
    for ob in ruleset.obligations:
        subject = ob.latest.rule.subject or "unit"
        versions = tuple(
            CompiledVersion(
                v,
                Compiler(v.param_map(), SUBJECT_ROOTS[subject]).rule(v.rule),
                _citations(library, v),
            )
            for v in ob.versions
        )
        out.append(CompiledObligation(ob, subject, versions))
    result = tuple(out)
    library.cache[key] = result
    return result


def _subjects(kind: str, data: Mapping[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (subject path, bindings) for every fact of the rule's subject kind."""
    if kind == "unit":
        yield "unit", {}
    elif kind == "website":
        if "website" in data:
            yield "website", {}
    elif kind in ("account", "event"):
        for i, account in enumerate(data.get("accounts", ())):
            path = f"accounts[{i}]"
            if kind == "account":
                yield path, {"account": account, "@account": path}
                continue
            for j, event in enumerate(account.get("events", ())):
                epath = f"{path}.events[{j}]"
                yield epath, {
                    "account": account,
                    "@account": path,
                    "event": event,
                    "@event": epath,
                }
    else:
        container = {"offline": ("website", "offline"), "column": ("website", "columns")}.get(
            kind, (kind + "s",)
        )
        holder: Any = data
        for key in container[:-1]:
            holder = holder.get(key, {})
        prefix = ".".join(container)
        for i, item in enumerate(holder.get(container[-1], ())):
            path = f"{prefix}[{i}]"
            yield path, {kind: item, "@" + kind: path}


def _base_env(data: Mapping[str, Any], on: dt.date, cal: WorkdayCalendar) -> dict[str, Any]:
    env: dict[str, Any] = {"on": on, "$calendar": cal}
    for root in GLOBAL_ROOTS:
        env[root] = data[root] if root in data else Missing(frozenset((root,)))
        env["@" + root] = root
    return env


def _render(parts: tuple[Any, ...], env: dict[str, Any]) -> str:
    return "".join(p if isinstance(p, str) else show(p(env)) for p in parts)


def _measure_clause(cv: CompiledVersion, top: Measure, when: dt.date) -> str:
    v = cv.version
    clause = f"依据{v.measure.title}"
    if cv.citations:
        own = [c.label for c in cv.citations if c.document == v.measure.id]
        clause += "、".join(own)
    general = [c for c in cv.citations if c.document != v.measure.id]
    if general:
        by_doc: dict[str, list[str]] = {}
        for c in general:
            by_doc.setdefault(c.title, []).append(c.label)
        clause += "（细化" + "；".join(t + "、".join(ls) for t, ls in by_doc.items()) + "）"
    notes = []
    if not v.start_known:
        notes.append(f"{v.measure.title}未载明施行日期，按其上位规定施行之日起适用，结论以此为前提")
    if v.measure.id != top.id and (top.effective is None or when < top.effective):
        if top.effective is not None:
            notes.append(f"{top.title}自{top.effective}起施行，{when}时尚未施行")
    return clause + ("；" + "；".join(notes) if notes else "")


def judge(
    cob: CompiledObligation,
    env: dict[str, Any],
    subject: str,
    on: dt.date,
    top: Measure,
) -> Verdict:
    """Return the verdict of one obligation for one subject."""
    latest = cob.versions[-1]
    governing = latest.compiled.governing
    when = governing(env) if governing is not None else on
    if isinstance(when, Missing):
        return _verdict(cob, latest, subject, Outcome.UNDETERMINED, env, when, None, top, ())
    cv = cob.in_force(when)
    if cv is None:
        first = cob.versions[0].version
        text = (
            f"{when}时{first.measure.title}尚未施行（自{first.measure.effective_label()}起施行），"
            "本项义务不适用"
        )
        return Verdict(
            rule=f"{first.measure.id}.{cob.obligation.id}",
            subject=subject,
            outcome=Outcome.NOT_APPLICABLE,
            citations=latest.citations,
            explanation=text,
            obligation=cob.obligation.id,
            measure=first.measure.id,
            governing_date=when,
            trace=(Step("governing_date", str(when)),),
        )
    compiled = cv.compiled
    trace = [Step("governing_date", str(when)), Step("measure", cv.version.measure.id)]
    outcome: Outcome
    result: Any = True
    for cond in compiled.when:
        result = cond(env)
        if result is not True:
            break
    if isinstance(result, Missing):
        outcome = Outcome.UNDETERMINED
    elif result is not True:
        outcome = Outcome.NOT_APPLICABLE
    else:
        for name, fn in compiled.lets:
            env[name] = fn(env)
            trace.append(Step(name, show(env[name])))
        unknown: list[Missing] = []
        outcome = Outcome.COMPLIANT
        for req in compiled.requires:
            value = req(env)
            if value is False:
                outcome = Outcome.VIOLATION
                break
            if isinstance(value, Missing):
                unknown.append(value)
            elif value is not True:
                raise EvaluationError(f"a requirement gave {value!r}, not true or false")
        if outcome is Outcome.COMPLIANT and unknown:
            outcome = Outcome.UNDETERMINED
            result = Missing.union(unknown)
    missing = result if isinstance(result, Missing) else None
    return _verdict(cob, cv, subject, outcome, env, missing, when, top, tuple(trace))


def _verdict(
    cob: CompiledObligation,
    cv: CompiledVersion,
    subject: str,
    outcome: Outcome,
    env: dict[str, Any],
    missing: Missing | None,
    when: dt.date | None,
    top: Measure,
    trace: tuple[Step, ...],
) -> Verdict:
    v = cv.version
    title = v.rule.title or cob.obligation.id
    clause = _measure_clause(cv, top, when) if when is not None else f"依据{v.measure.title}"
    body = _render(cv.compiled.explain, env) if outcome is not Outcome.NOT_APPLICABLE else ""
    if outcome is Outcome.NOT_APPLICABLE:
        body = "适用条件不满足"
    text = f"{outcome.chinese}「{title}」（{clause}）：{body}"
    paths: tuple[str, ...] = ()
    if outcome is Outcome.UNDETERMINED and missing is not None:
        paths = tuple(sorted(missing.paths))
        text += f"。缺少事实：{'、'.join(paths)}"
    return Verdict(
        rule=f"{v.measure.id}.{cob.obligation.id}",
        subject=subject,
        outcome=outcome,
        citations=cv.citations,
        explanation=text,
        missing=paths,
        obligation=cob.obligation.id,
        measure=v.measure.id,
        governing_date=when,
        trace=trace,
    )


def as_date(value: object, what: str) -> dt.date:
    """Return ``value`` as a date, accepting ISO strings; FactsError names ``what`` otherwise."""
    if isinstance(value, dt.datetime):
        raise FactsError(what, "a date", "a datetime", hint="pass .date()")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        raise FactsError(what, "a date YYYY-MM-DD", repr(value))
    raise FactsError(what, "a date", type(value).__name__)


def evaluate(
    facts: Mapping[str, Any],
    jurisdiction: str,
    on: dt.date | str | None = None,
    *,
    policies: str | os.PathLike[str] | None = None,
    calendar: WorkdayCalendar | None = None,
) -> Decision:
    """Decide which rules apply to the facts on ``on`` and whether each was met."""
    day = dt.date.today() if on is None else as_date(on, "on")
    library = load(policies)
    ruleset = library.ruleset(jurisdiction)
    cal = calendar or WorkdayCalendar.default()
    if library.calendars:
        cal = cal.with_years(*library.calendars)
    data = validate(facts).data
    return run(library, ruleset, data, day, cal)


def run(
    library: Library,
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
) -> Decision:
    """Evaluate validated facts against a resolved rule set."""
    base = _base_env(data, on, cal)
    verdicts = []
    top = ruleset.measure
    for cob in compile_ruleset(library, ruleset):
        for subject, bindings in _subjects(cob.subject, data):
            env = {**base, **bindings}
            try:
                verdicts.append(judge(cob, env, subject, on, top))
            except EvaluationError as err:
                raise GovrulesError(
                    f"rule '{cob.obligation.id}' ({cob.versions[-1].version.origin.path}:"
                    f"{cob.versions[-1].version.origin.line}) failed on {subject}: {err}"
                ) from None
    return Decision(ruleset.id, on, tuple(verdicts))
