"""Evaluate facts against a resolved rule set: one verdict per (rule, subject)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from govrules.calendar import WorkdayCalendar
from govrules.compiler import (
    FACT_PATHS,
    GLOBAL_ROOTS,
    SUBJECT_ROOTS,
    Compiled,
    Compiler,
    EvaluationError,
)
from govrules.errors import DateRangeError, FactsError, GovrulesError, contained, shown
from govrules.explain import show
from govrules.facts import extreme_dates, validate
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
    # What every verdict of this version repeats, worked out once per rule set rather than
    # once per verdict: the rule's id, its trace step, and the explanation's head
    # 「title」（clause）： for the usual case (see ``head``).
    rule: str
    title: str
    measure_step: Step
    source_step: Step  # where the governing version is written: file and line
    usual_head: str
    # The rule set's effective date when this version belongs to another measure: a verdict
    # governed by an earlier date gets a clause noting that the rule set was not yet in
    # force, which names the date and so cannot be prepared. None: no verdict needs it.
    note_before: dt.date | None

    def head(self, top: Measure, when: dt.date | None) -> str:
        """Return 「title」（clause）： of a verdict governed by ``when`` (None: unknown)."""
        if when is None:
            return self.usual_head
        if self.note_before is not None and when < self.note_before:
            return _head(self.title, _measure_clause(self.version, self.citations, top, when))
        return self.usual_head


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


def _compile_version(
    library: Library, ob: Obligation, v: Version, subject: str, top: Measure
) -> CompiledVersion:
    """Return one version compiled, with the parts of its verdicts that never change."""
    title = v.rule.title or ob.id
    citations = _citations(library, v)
    # _measure_clause adds its dated note only to a version of another measure, and only
    # before the rule set's effective date; on or after it (or with no such date) the clause
    # is the same for every verdict.
    note_before = top.effective if v.measure.id != top.id else None
    usual = _measure_clause(v, citations, top, note_before or dt.date.max)
    return CompiledVersion(
        v,
        Compiler(v.param_map(), SUBJECT_ROOTS[subject]).rule(v.rule),
        citations,
        rule=f"{v.measure.id}.{ob.id}",
        title=title,
        measure_step=Step("measure", v.measure.id),
        source_step=Step("rule_source", f"{v.origin.path}:{v.origin.line}"),
        usual_head=_head(title, usual),
        note_before=note_before,
    )


def _head(title: str, clause: str) -> str:
    return f"「{title}」（{clause}）："


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
            _compile_version(library, ob, v, subject, ruleset.measure) for v in ob.versions
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
        # Like the unit, the website is one subject whether or not facts describe it, so
        # that its duties are reported (undetermined) rather than silently skipped.
        yield "website", {}
    elif kind in ("account", "event"):
        for i, account in enumerate(data.get("accounts", ())):
            path = f"accounts[{i}]"
            if kind == "account":
                yield path, {"account": account, "@account": path}
                continue
            for j, event in enumerate(account.get("events", ())):
                epath = f"{path}.events[{j}]"
                yield (
                    epath,
                    {
                        "account": account,
                        "@account": path,
                        "event": event,
                        "@event": epath,
                    },
                )
    else:
        container = FACT_PATHS[kind]
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
    return "".join([p if isinstance(p, str) else show(p(env)) for p in parts])


@functools.lru_cache(maxsize=4096)
def _date_step(when: dt.date) -> Step:
    """Return the trace step of a governing date; most verdicts of a run share ``on``."""
    return Step("governing_date", str(when))


def _measure_clause(
    v: Version, citations: tuple[Citation, ...], top: Measure, when: dt.date
) -> str:
    clause = f"依据{v.measure.title}"
    if citations:
        own = [c.label for c in citations if c.document == v.measure.id]
        clause += "、".join(own)
    general = [c for c in citations if c.document != v.measure.id]
    if general:
        by_doc: dict[str, list[str]] = {}
        for c in general:
            by_doc.setdefault(c.title, []).append(c.label)
        clause += "（细化" + "；".join(t + "、".join(ls) for t, ls in by_doc.items()) + "）"
    notes = []
    if not v.start_known and v.measure.base is not None:
        notes.append(f"{v.measure.title}未载明施行日期，按其上位规定施行之日起适用，结论以此为前提")
    elif not v.start_known:
        notes.append(f"{v.measure.title}未载明施行日期，结论以其已经施行为前提")
    if v.measure.id != top.id and top.effective is not None and when < top.effective:
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
        # Without its date we cannot tell which version governs; if no version's conditions
        # can hold, the obligation does not apply whatever the date.
        if all(_conditions(cv, env) is False for cv in cob.versions):
            return _verdict(cob, latest, subject, Outcome.NOT_APPLICABLE, env, None, None, top, ())
        return _verdict(cob, latest, subject, Outcome.UNDETERMINED, env, when, None, top, ())
    cv = cob.in_force(when)
    if cv is None:
        earliest = cob.versions[0]
        first = earliest.version
        since = (
            f"自{first.starts}起施行"
            if first.start_known
            else (f"未载明施行日期，按其上位规定自{first.starts}起适用")
        )
        text = f"{when}时{first.measure.title}尚未施行（{since}），本项义务不适用"
        return Verdict(
            rule=earliest.rule,
            subject=subject,
            outcome=Outcome.NOT_APPLICABLE,
            citations=earliest.citations,
            explanation=text,
            obligation=cob.obligation.id,
            measure=first.measure.id,
            governing_date=when,
            trace=(_date_step(when),),
        )
    compiled = cv.compiled
    trace = [_date_step(when), cv.measure_step, cv.source_step]
    outcome: Outcome
    result: Any = _conditions(cv, env)
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
            result = unknown[0] if len(unknown) == 1 else Missing.union(unknown)
    missing = result if isinstance(result, Missing) else None
    return _verdict(cob, cv, subject, outcome, env, missing, when, top, tuple(trace))


def _conditions(cv: CompiledVersion, env: dict[str, Any]) -> Any:
    """Return True, False or Missing: the `when` lines joined by three-valued ``and``.

    A false line decides even after a line that needs a missing fact, as ``a and b`` does.
    """
    env["in_force_from"] = cv.version.starts
    unknown: list[Missing] = []
    for cond in cv.compiled.when:
        result = cond(env)
        if result is False:
            return False
        if isinstance(result, Missing):
            unknown.append(result)
        elif result is not True:
            raise EvaluationError(f"a condition gave {result!r}, not true or false")
    if unknown:
        return unknown[0] if len(unknown) == 1 else Missing.union(unknown)
    return True


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
    if outcome is Outcome.NOT_APPLICABLE:
        body = "适用条件不满足"
    else:
        body = _render(cv.compiled.explain, env)
    text = f"{outcome.chinese}{cv.head(top, when)}{body}"
    paths: tuple[str, ...] = ()
    if outcome is Outcome.UNDETERMINED and missing is not None:
        paths = tuple(sorted(missing.paths))
        text += f"。缺少事实：{'、'.join(paths)}"
    return Verdict(
        rule=cv.rule,
        subject=subject,
        outcome=outcome,
        citations=cv.citations,
        explanation=text,
        missing=paths,
        obligation=cob.obligation.id,
        measure=cv.version.measure.id,
        governing_date=when,
        trace=trace,
    )


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def as_date(value: object, what: str) -> dt.date:
    """Return ``value`` as a date, accepting ISO strings; FactsError names ``what`` otherwise."""
    if isinstance(value, dt.datetime):
        raise FactsError(what, "a date", "a datetime", hint="pass .date()")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        # fromisoformat alone would take 2024-W01-1 and 20240101 on Python 3.11 and later.
        if _ISO_DATE.fullmatch(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise FactsError(what, "a date YYYY-MM-DD", shown(value))
    raise FactsError(what, "a date", type(value).__name__)


def with_folder_years(calendar: WorkdayCalendar | None, library: Library) -> WorkdayCalendar:
    """Return the calendar to count with: the caller's years win over the policy folder's.

    Without a caller's calendar, the folder's years replace the bundled ones; with one, the
    folder only adds the years that calendar lacks (CONTRACT §5).
    """
    base = WorkdayCalendar.default() if calendar is None else calendar
    own = set(calendar.years) if calendar is not None else set()
    added = [s for s in library.calendars if s.year not in own]
    return base.with_years(*added) if added else base


@contained
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
    if calendar is not None and not isinstance(calendar, WorkdayCalendar):
        raise GovrulesError(
            f"calendar: expected a WorkdayCalendar, found {type(calendar).__name__}; "
            "for a year file pass WorkdayCalendar.default().with_year_file(path)"
        )
    cal = with_folder_years(calendar, library)
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
    # Most obligations share a subject kind (most of yunnan's are about accounts): list each
    # kind's subjects and their environments once per run. Every verdict still gets its own
    # copy, because lets and ``where`` write into the environment.
    subjects: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for cob in compile_ruleset(library, ruleset):
        if cob.subject not in subjects:
            subjects[cob.subject] = [
                (subject, {**base, **bindings})
                for subject, bindings in _subjects(cob.subject, data)
            ]
        for subject, shared in subjects[cob.subject]:
            env = shared.copy()
            try:
                verdicts.append(judge(cob, env, subject, on, top))
            except (
                EvaluationError,
                TypeError,
                ValueError,
                KeyError,
                AttributeError,
                ArithmeticError,
            ) as err:
                if _overflowed(err):
                    raise DateRangeError(_out_of_range(cob, subject, on, data)) from None
                # A policy that passed its checks can still meet values of a kind it did
                # not expect; the caller gets the rule and the subject, not a traceback.
                raise GovrulesError(
                    f"rule '{cob.obligation.id}' ({cob.versions[-1].version.origin.path}:"
                    f"{cob.versions[-1].version.origin.line}) failed on {subject}: {err}"
                ) from None
    return Decision(ruleset.id, on, tuple(verdicts))


def _overflowed(err: BaseException) -> bool:
    """Return whether ``err`` is, or was raised while handling, a date leaving 1–9999."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, OverflowError):
            return True
        seen = seen.__context__  # kept even when re-raised `from None`
    return False


def _out_of_range(cob: CompiledObligation, subject: str, on: dt.date, data: Any) -> str:
    """Return why a rule's date arithmetic left Python's dates, naming the dates given."""
    version = cob.versions[-1].version
    given = [on]
    extremes = extreme_dates(data)
    if extremes is not None:
        given.extend(extremes)
    dates = " and ".join(sorted({str(d) for d in (min(given), max(given))}))
    return (
        f"rule '{cob.obligation.id}' ({version.origin.path}:{version.origin.line}) on "
        f"{subject} counts from {dates} to a date outside 0001-01-01…9999-12-31, "
        "the dates govrules can count in; check the dates in the facts and --on/on="
    )
