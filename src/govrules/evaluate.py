"""Evaluate facts against a resolved rule set: one verdict per (rule, subject)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

import attrs

from govrules import logic
from govrules import nodes as n
from govrules.calendar import WorkdayCalendar
from govrules.compiler import Compiled, Compiler, Env, EvaluationError
from govrules.errors import (
    CalendarError,
    DateRangeError,
    FactsError,
    GovrulesError,
    contained,
    shown,
)
from govrules.explain import show
from govrules.facts import GLOBAL_ROOTS, SUBJECTS, extreme_dates
from govrules.layers import Measure, Obligation, RuleSet, Version
from govrules.library import Library, load
from govrules.reads import checked_noting_unused, fact_reads, unused_facts
from govrules.texts import Document
from govrules.values import Missing
from govrules.verdicts import (
    WORDS,
    Citation,
    Decision,
    NotAdopted,
    Outcome,
    Step,
    Verdict,
    compact,
    decided,
)


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
    library: Library, ob: Obligation, v: Version, subject: str, ruleset: RuleSet
) -> CompiledVersion:
    """Return one version compiled, with the parts of its verdicts that never change."""
    title = v.rule.title or ob.id
    top = ruleset.measure
    citations = _citations(library, v)
    # _measure_clause adds its dated note only to a version of another measure, and only
    # before the rule set's effective date; on or after it (or with no such date) the clause
    # is the same for every verdict.
    note_before = top.effective if v.measure.id != top.id else None
    usual = _measure_clause(v, citations, top, note_before or dt.date.max)
    return CompiledVersion(
        v,
        Compiler(
            v.param_map(),
            [name for name, _ in SUBJECTS[subject].binds],
            ruleset.definitions,
            ruleset.presumptions,
        ).rule(v.rule),
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
        versions = tuple(_compile_version(library, ob, v, subject, ruleset) for v in ob.versions)
        out.append(CompiledObligation(ob, subject, versions))
    result = tuple(out)
    library.cache[key] = result
    return result


def _subjects(
    kind: str, data: Mapping[str, Any]
) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    """Yield (subject path, bindings, their paths) for every fact of a subject kind."""
    subject = SUBJECTS[kind]
    if not subject.binds:
        # The unit and the website are one subject each whether or not facts describe them,
        # so that their duties are reported (undetermined) rather than silently skipped.
        yield kind, {}, {}
        return
    yield from _walk(subject.binds, data, {}, {})


def _walk(
    binds: tuple[tuple[str, tuple[str, ...]], ...],
    holder: Any,
    values: dict[str, Any],
    paths: dict[str, str],
    above: tuple[str, ...] = (),
    prefix: str = "",
) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
    """Yield the items of nested subject paths (accounts, then each account's events)."""
    (name, path), rest = binds[0], binds[1:]
    keys = path[len(above) :]
    for key in keys[:-1]:
        holder = holder.get(key, {}) if isinstance(holder, dict) else {}
    items = holder.get(keys[-1], ()) if isinstance(holder, dict) else ()
    base = (prefix + "." if prefix else "") + ".".join(keys)
    for i, item in enumerate(items):
        here = f"{base}[{i}]"
        vals, ps = {**values, name: item}, {**paths, name: here}
        if rest:
            yield from _walk(rest, item, vals, ps, path, here)
        else:
            yield here, vals, ps


def _base_env(data: Mapping[str, Any], on: dt.date, cal: WorkdayCalendar) -> Env:
    values: dict[str, Any] = {"on": on}
    paths: dict[str, str] = {}
    for root in GLOBAL_ROOTS:
        values[root] = data[root] if root in data else Missing(frozenset((root,)))
        paths[root] = root
    return Env(values, paths, cal)


def _render(parts: tuple[Any, ...], env: Env) -> str:
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


@attrs.frozen
class Finding:
    """What judging one obligation for one subject found, before it is put into words."""

    outcome: Outcome
    missing: Missing | None = None
    due: dt.date | None = None
    conditional: Missing | None = None  # the rule's condition, when it stayed unknown
    applied: n.Except | None = None
    unclaimed: tuple[n.Except, ...] = ()


def judge(
    cob: CompiledObligation,
    env: Env,
    subject: str,
    on: dt.date,
    top: Measure,
) -> Verdict:
    """Return the verdict of one obligation for one subject."""
    latest = cob.versions[-1]
    governing = latest.compiled.governing
    when = governing(env) if governing is not None else on
    if isinstance(when, Missing):
        return _undated(cob, env, subject, on, top, when)
    cv = cob.in_force(when)
    if cv is None:
        return _not_yet(cob, subject, when)
    trace: list[Any] = [_date_step(when), cv.measure_step, cv.source_step]
    finding = _find(cv.compiled, cv, env, on, trace)
    return _verdict(cob, cv, subject, finding, env, when, top, tuple(trace), on)


def _undated(
    cob: CompiledObligation, env: Env, subject: str, on: dt.date, top: Measure, when: Missing
) -> Verdict:
    """Judge an obligation whose governing date is unknown: every version, or none, may govern.

    The verdict is decided only when all the readings agree: not applicable when no version
    can apply, compliant when every version that might govern is met (or does not apply).
    """
    latest = cob.versions[-1]
    findings = []
    for cv in cob.versions:
        trial = env.copy()
        trial.presumed = env.presumed
        findings.append((cv, _find(cv.compiled, cv, trial, on, [])))
    outcomes = {f.outcome for _, f in findings}
    if outcomes == {Outcome.NOT_APPLICABLE}:
        return _verdict(
            cob, latest, subject, Finding(Outcome.NOT_APPLICABLE), env, None, top, (), on
        )
    if outcomes <= {Outcome.COMPLIANT, Outcome.NOT_APPLICABLE}:
        cv, met = next((cv, f) for cv, f in reversed(findings) if f.outcome is Outcome.COMPLIANT)
        shown = env.copy()
        shown.presumed = env.presumed
        _find(cv.compiled, cv, shown, on, [])  # bind the lets its explanation shows
        finding = attrs.evolve(met, conditional=logic.unknown(when, met.conditional))
        return _verdict(cob, cv, subject, finding, shown, None, top, (), on)
    missing = logic.unknown(when, *(f.missing for _, f in findings if f.missing is not None))
    return _verdict(
        cob, latest, subject, Finding(Outcome.UNDETERMINED, missing), env, None, top, (), on
    )


def _find(c: Compiled, cv: CompiledVersion, env: Env, on: dt.date, trace: list[Any]) -> Finding:
    """Decide one rule for one subject: the outcome every reading of the unknowns agrees on."""
    cond = _conditions(cv, env)
    if cond is False:
        return Finding(Outcome.NOT_APPLICABLE)
    for name, fn in c.lets:
        env.values[name] = fn(env)
        trace.append((name, env.values[name]))  # put into words only if the trace is read
    applied = None
    unclaimed: list[n.Except] = []
    for x in c.exceptions:
        # An exception applies only when the facts claim it: unknown is not claimed.
        if logic.truth(x.claim(env)) is True:
            applied = x
            break
        unclaimed.append(x.node)
    if applied is not None:
        req: Any = True if applied.require is None else logic.truth(applied.require(env))
        due_fn = applied.due or c.due
    elif len(c.requires) == 1:
        req = logic.truth(c.requires[0](env))
        due_fn = c.due
    else:
        req = logic.all_(f(env) for f in c.requires)
        due_fn = c.due
    due = due_fn(env) if due_fn is not None else None
    known_due = due if isinstance(due, dt.date) else None
    conditional = cond if isinstance(cond, Missing) else None
    node = applied.node if applied is not None else None
    gone = tuple(unclaimed)
    if req is True:
        return Finding(Outcome.COMPLIANT, None, known_due, conditional, node, gone)
    if conditional is not None:
        # Not applicable under some readings, not met under others: only the facts can say.
        missing = logic.unknown(cond, req)
        return Finding(Outcome.UNDETERMINED, missing, known_due, conditional, node, gone)
    if known_due is not None and known_due >= on:
        # The facts that would show the duty done, when they are what is missing.
        open_facts = req if isinstance(req, Missing) else None
        return Finding(Outcome.PENDING, open_facts, known_due, None, node, gone)
    if req is False:
        return Finding(Outcome.VIOLATION, None, known_due, None, node, gone)
    missing = logic.unknown(req, due if isinstance(due, Missing) else None)
    return Finding(Outcome.UNDETERMINED, missing, known_due, None, node, gone)


def _conditions(cv: CompiledVersion, env: Env) -> Any:
    """Return True, False or Missing: the `when` lines joined by three-valued ``and``."""
    env.values["in_force_from"] = cv.version.starts
    when = cv.compiled.when
    if not when:
        return True
    if len(when) == 1:
        return logic.truth(when[0](env))
    return logic.all_(cond(env) for cond in when)


def _not_yet(cob: CompiledObligation, subject: str, when: dt.date) -> Verdict:
    """Return the verdict of an obligation whose every version starts after ``when``."""
    earliest = cob.versions[0]
    first = earliest.version
    since = (
        f"自{first.starts}起施行"
        if first.start_known
        else (f"未载明施行日期，按其上位规定自{first.starts}起适用")
    )
    articles = "、".join(c.label for c in earliest.citations if c.document == first.measure.id)
    text = (
        f"{Outcome.NOT_APPLICABLE.chinese}「{earliest.title}」（{first.measure.title}{articles}）："
        f"{when}时{first.measure.title}尚未施行（{since}），本项义务不适用"
    )
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


def _except_label(x: n.Except) -> str:
    return f"{x.what}（{'、'.join(c.label for c in x.cites)}）"


def _verdict(
    cob: CompiledObligation,
    cv: CompiledVersion,
    subject: str,
    finding: Finding,
    env: Env,
    when: dt.date | None,
    top: Measure,
    trace: tuple[Any, ...],
    on: dt.date,
) -> Verdict:
    outcome = finding.outcome
    due = finding.due
    paths: tuple[str, ...] = ()
    if finding.missing is not None and outcome in (Outcome.PENDING, Outcome.UNDETERMINED):
        paths = tuple(sorted(finding.missing.paths))
    claims = outcome in (Outcome.VIOLATION, Outcome.UNDETERMINED, Outcome.PENDING)
    presumed = tuple(sorted(env.presumed)) if outcome is not Outcome.NOT_APPLICABLE else ()

    def explain() -> str:
        return _explanation(cv, finding, env, when, top, on, paths, presumed)

    def steps() -> tuple[Step, ...]:
        return tuple(s if isinstance(s, Step) else Step(s[0], show(s[1])) for s in trace)

    return compact(
        (
            (cv.rule, outcome, cv.citations, cob.obligation.id, cv.version.measure.id, paths),
            subject,
            when,
            due,
            presumed,
            tuple(_except_label(x) for x in finding.unclaimed) if claims else (),
            explain,
            steps,
        ),
        _WORDED_LATER,
    )


class _WordedLater:
    """The context of a verdict judged by the closures: its words are closures it carries."""

    @staticmethod
    def explanation(verdict: Any) -> str:
        return verdict._c[WORDS]()  # type: ignore[no-any-return]

    @staticmethod
    def trace(verdict: Any) -> tuple[Step, ...]:
        return verdict._c[WORDS + 1]()  # type: ignore[no-any-return]


_WORDED_LATER = _WordedLater()


def _explanation(
    cv: CompiledVersion,
    finding: Finding,
    env: Env,
    when: dt.date | None,
    top: Measure,
    on: dt.date,
    paths: tuple[str, ...],
    presumed: tuple[str, ...],
) -> str:
    """Return a verdict's explanation in Chinese: what was found, with dates and articles."""
    outcome = finding.outcome
    if outcome is Outcome.NOT_APPLICABLE:
        body = "适用条件不满足"
    else:
        body = _render(cv.compiled.explain, env)
    text = f"{outcome.chinese}{cv.head(top, when)}"
    if finding.conditional is not None and outcome is not Outcome.NOT_APPLICABLE:
        shown = "、".join(sorted(finding.conditional.paths))
        lead = "无论是否适用均符合" if outcome is Outcome.COMPLIANT else "是否适用尚不确定"
        text += f"{lead}（取决于{shown}）；若适用："
    text += body
    if finding.applied is not None:
        text += f"；适用例外：{_except_label(finding.applied)}"
        if finding.applied.require is None:
            text += "，免于本项要求"
    due = finding.due
    if outcome is Outcome.PENDING and due is not None:
        text += f"；期限{due}尚未届满（评价日{on}），截至评价日尚在履行期内"
        if paths:
            text += f"。事实未显示已完成（{'、'.join(paths)}）"
    if outcome is Outcome.UNDETERMINED and finding.missing is not None:
        text += f"。缺少事实：{'、'.join(paths)}"
        if due is not None and due < on and finding.conditional is None:
            text += f"；若未在{due}（含当日）前完成，则已逾期，若已按期完成，则符合"
    if finding.unclaimed and outcome in (Outcome.VIOLATION, Outcome.UNDETERMINED, Outcome.PENDING):
        text += "。未主张例外：" + "；".join(_except_label(x) for x in finding.unclaimed)
    if presumed:
        text += "。推定：" + "；".join(
            f"{p}为{show(env.presumed[p][0])}（{env.presumed[p][1]}）" for p in presumed
        )
    return text


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
    return decide(library, ruleset, facts, day, cal)


def decide(
    library: Library, ruleset: RuleSet, facts: Mapping[str, Any], on: dt.date, cal: WorkdayCalendar
) -> Decision:
    """Validate the facts and evaluate them: what every evaluation does once loaded."""
    code = library.cache.get(("plan", ruleset.id))
    if code is None:
        data, given, unused = checked_noting_unused(facts, reads(library, ruleset))
        return run(library, ruleset, data, on, cal, given, unused)
    decision: Decision = _fast().decide(ruleset, facts, on, cal, code)
    return decision


def run(
    library: Library,
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    given: Mapping[str, Any] | None = None,
    unused: tuple[str, ...] | None = None,
) -> Decision:
    """Evaluate validated facts against a resolved rule set.

    ``given`` are the facts as the caller gave them, before validation filled in defaults:
    ``Decision.unused_facts`` speaks of those (``unused``, when noted while validating).
    """
    code = library.cache.get(("plan", ruleset.id))
    if code is None:
        if not library.cache.get(("ran", ruleset.id)):
            # A one-off evaluation (the command line) does not pay for generating code;
            # the second run of a rule set generates it for every run after.
            library.cache[("ran", ruleset.id)] = True
            return run_closures(library, ruleset, data, on, cal, given, unused)
        code = _fast().plan(library, ruleset)
    decision: Decision = _fast().run(library, ruleset, data, on, cal, given, code, unused)
    return decision


@functools.cache
def _fast() -> Any:
    from govrules import fast  # it builds on this module

    return fast


def run_closures(
    library: Library,
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    given: Mapping[str, Any] | None = None,
    unused: tuple[str, ...] | None = None,
) -> Decision:
    """Evaluate validated facts with the closures alone (what ``run`` does the first time)."""
    base = _base_env(data, on, cal)
    verdicts = []
    gaps: set[int] = set()
    top = ruleset.measure
    compiled = compile_ruleset(library, ruleset)
    # Most obligations share a subject kind (most of yunnan's are about accounts): list each
    # kind's subjects and their environments once per run. Every verdict still gets its own
    # copy, because lets and ``where`` write into the environment.
    subjects: dict[str, list[tuple[str, Env]]] = {}
    for cob in compiled:
        if cob.subject not in subjects:
            listed = []
            for subject, values, paths in _subjects(cob.subject, data):
                env = base.copy()
                env.values.update(values)
                env.paths.update(paths)
                listed.append((subject, env))
            subjects[cob.subject] = listed
        for subject, shared in subjects[cob.subject]:
            verdicts.append(guarded(cob, shared.copy(), subject, on, top, gaps, data))
    return decision(library, ruleset, on, verdicts, data if given is None else given, gaps, unused)


def decision(
    library: Library,
    ruleset: RuleSet,
    on: dt.date,
    verdicts: list[Verdict],
    given: Mapping[str, Any],
    gaps: Collection[int],
    unused: tuple[str, ...] | None = None,
) -> Decision:
    """Return the Decision of a run: its verdicts, what the rule set does not adopt, the
    given facts no rule reads (``unused``, if noted already), and the calendar years found
    missing."""
    return decided(
        ruleset.id,
        on,
        tuple(verdicts),
        _not_adopted(library, ruleset),
        unused_facts(given, reads(library, ruleset)) if unused is None else unused,
        tuple(sorted(gaps)) if gaps else (),
    )


def subject_env(
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    values: Mapping[str, Any],
    paths: Mapping[str, str],
    cache: dict[Any, Any] | None = None,
) -> Env:
    """Return the environment judging one subject: the facts' roots, ``on`` and its items."""
    env = _base_env(data, on, cal)
    if cache is not None:
        env.cache = cache
    env.values.update(values)
    env.paths.update(paths)
    return env


def guarded(
    cob: CompiledObligation,
    env: Env,
    subject: str,
    on: dt.date,
    top: Measure,
    gaps: set[int],
    data: Any,
) -> Verdict:
    """Judge one subject; a missing calendar year makes it undetermined (noted in ``gaps``),
    and anything a checked policy did not expect becomes an error naming rule and subject."""
    try:
        return judge(cob, env, subject, on, top)
    except CalendarError as err:
        gaps.add(err.year)
        return _calendar_gap(cob, subject, err)
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
        # A policy that passed its checks can still meet values of a kind it did not
        # expect; the caller gets the rule and the subject, not a traceback.
        raise GovrulesError(
            f"rule '{cob.obligation.id}' ({cob.versions[-1].version.origin.path}:"
            f"{cob.versions[-1].version.origin.line}) failed on {subject}: {err}"
        ) from None


def rejudge(
    library: Library,
    ruleset: RuleSet,
    data: Mapping[str, Any],
    on: dt.date,
    cal: WorkdayCalendar,
    index: int,
    subject: str,
) -> Verdict:
    """Return the verdict of the ``index``-th obligation for one subject, judged afresh.

    A verdict decided in another process is rebuilt here from its outcome; its explanation is
    put into words, when read, by judging it again from the same facts (judging is a pure
    function of facts, date and calendar, so the text is the same).
    """
    cob = compile_ruleset(library, ruleset)[index]
    base = _base_env(data, on, cal)
    for name, values, paths in _subjects(cob.subject, data):
        if name == subject:
            env = base.copy()
            env.values.update(values)
            env.paths.update(paths)
            try:
                return judge(cob, env, subject, on, ruleset.measure)
            except CalendarError as err:
                return _calendar_gap(cob, subject, err)
    raise GovrulesError(f"no subject {subject} for rule '{cob.obligation.id}'")


def _calendar_gap(cob: CompiledObligation, subject: str, err: CalendarError) -> Verdict:
    """Return the undetermined verdict of a rule that needs a year the calendar lacks."""
    cv = cob.versions[-1]
    return Verdict(
        rule=cv.rule,
        subject=subject,
        outcome=Outcome.UNDETERMINED,
        citations=cv.citations,
        explanation=(
            f"{Outcome.UNDETERMINED.chinese}{cv.usual_head}工作日日历缺少{err.year}年的节假日安排，"
            f"无法计算以工作日计的期限；可用 calendar= 参数、命令行 --calendar FILE 或规则目录中的 "
            f"calendar/{err.year}.json 补充该年（格式见 docs/calendar.md）"
        ),
        obligation=cob.obligation.id,
        measure=cv.version.measure.id,
    )


def not_adopted(ruleset: RuleSet) -> tuple[NotAdopted, ...]:
    """Return the base obligations an adapting rule set does not carry, with its reasons."""
    if ruleset.measure.relation != "adapts":
        return ()
    out = []
    for rep in ruleset.repealed:
        if rep.measure != ruleset.id:
            continue
        base = rep.version.measure
        articles = "、".join(c.label for c in rep.version.cites)
        reason = f"{ruleset.measure.title}未采纳{base.title}{articles}：{rep.reason}"
        out.append(NotAdopted(f"{base.id}.{rep.obligation}", reason))
    return tuple(out)


def _not_adopted(library: Library, ruleset: RuleSet) -> tuple[NotAdopted, ...]:
    """Return ``not_adopted`` of the rule set, worked out once: it depends on nothing else."""
    key = ("not_adopted", ruleset.id)
    if key not in library.cache:
        library.cache[key] = not_adopted(ruleset)
    return library.cache[key]  # type: ignore[return-value]


def reads(library: Library, ruleset: RuleSet) -> frozenset[tuple[str, ...]]:
    """Return the fact paths (without indexes) that the rule set's rules read, cached."""
    key = ("reads", ruleset.id)
    cached = library.cache.get(key)
    if cached is None:
        cached = fact_reads(ruleset)
        library.cache[key] = cached
    return cached  # type: ignore[return-value]


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
