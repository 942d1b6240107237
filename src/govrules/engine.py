"""A loaded engine: a policy folder parsed, checked and compiled once, for many evaluations.

``govrules.evaluate`` is the one-off call; an integrator that judges many units loads the
engine once and calls ``Engine.evaluate`` or ``Engine.evaluate_many``. The work of one
evaluation is a pure function of the facts, the jurisdiction and the date, so batches can
be spread over processes (``workers``) — or over a cluster, by calling ``Engine.evaluate``
inside Spark's ``mapPartitions`` or Dask's ``map_partitions`` (docs/api.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from govrules.calendar import WorkdayCalendar
from govrules.errors import GovrulesError, contained
from govrules.evaluate import (
    as_date,
    compile_ruleset,
    decide,
    not_adopted,
    rejudge,
    with_folder_years,
)
from govrules.facts import validate
from govrules.library import Library
from govrules.library import load as load_library
from govrules.verdicts import (
    LATER,
    CompactVerdict,
    Decision,
    JudgedAgain,
    NotAdopted,
    Outcome,
    Verdict,
    compact,
    decided,
)

if TYPE_CHECKING:
    import multiprocessing.context

# Inputs a worker judges per hand-over, and inputs held in memory per forked pool: enough
# to amortise starting the processes, few enough that the workers stay busy to the end.
CHUNK = 64
BLOCK = 4096


@attrs.frozen
class Engine:
    """Policies loaded once and the working-day calendar to count with."""

    library: Library
    calendar: WorkdayCalendar
    policies: str | None  # the folder, so that worker processes can load the same one

    @contained
    def evaluate(
        self, facts: Mapping[str, Any], jurisdiction: str, on: dt.date | str | None = None
    ) -> Decision:
        """Decide the facts under ``jurisdiction`` on ``on`` (default today)."""
        day = on if type(on) is dt.date else dt.date.today() if on is None else as_date(on, "on")
        return decide(self.library, self.library.ruleset(jurisdiction), facts, day, self.calendar)

    def evaluate_many(
        self,
        facts_iterable: Iterable[Mapping[str, Any]],
        jurisdiction: str,
        on: dt.date | str | None = None,
        *,
        workers: int = 1,
    ) -> Iterator[Decision]:
        """Yield one Decision per facts, in input order; ``workers > 1`` uses processes.

        A bad input stops the batch with a GovrulesError that says which input it was.
        """
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise GovrulesError(
                f"workers: expected a whole number of at least 1, found {workers!r}"
            )
        day = dt.date.today() if on is None else as_date(on, "on")
        self.library.ruleset(jurisdiction)  # an unknown id fails before any work is spread
        if workers == 1:
            for i, facts in enumerate(facts_iterable):
                yield _numbered(i, self.evaluate, facts, jurisdiction, day)
            return
        yield from self._spread(facts_iterable, jurisdiction, day, workers)

    def _spread(
        self,
        facts_iterable: Iterable[Mapping[str, Any]],
        jurisdiction: str,
        day: dt.date,
        workers: int,
    ) -> Iterator[Decision]:
        """Evaluate blocks of inputs in forked processes, yielding decisions in input order.

        Forked workers inherit the loaded engine and the block of inputs, so nothing but
        positions goes to them; what comes back is each verdict's outcome and facts, not its
        words. The caller's process rebuilds the decisions; an explanation read later is put
        into words by judging that one rule again here (``evaluate.rejudge``).
        """
        from concurrent.futures import ProcessPoolExecutor  # only batches spread work

        context = _fork_context()
        ruleset = self.library.ruleset(jurisdiction)
        compiled = compile_ruleset(self.library, ruleset)
        # A batch is many runs: generate the rule set's code once here, before forking, so
        # that every worker inherits it instead of generating its own.
        from govrules import fast

        fast.plan(self.library, ruleset)
        notes = not_adopted(ruleset)
        # What a verdict of each version repeats: its citations, obligation and measure.
        versions = {
            (i, cv.rule): (cv.citations, cob.obligation.id, cv.version.measure.id)
            for i, cob in enumerate(compiled)
            for cv in cob.versions
        }
        start = 0
        for block in _blocks(facts_iterable, BLOCK):
            _SHARED.update(engine=self, block=block, jurisdiction=jurisdiction, day=day)
            spans = [range(i, min(i + CHUNK, len(block))) for i in range(0, len(block), CHUNK)]
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for span, results in zip(spans, pool.map(_work_span, spans), strict=True):
                    for i, result in zip(span, results, strict=True):
                        if isinstance(result, _Failure):
                            raise GovrulesError(f"facts #{start + i}: {result.message}")
                        yield self._rebuild(block[i], jurisdiction, day, versions, notes, result)
            start += len(block)
        _SHARED.clear()

    def _rebuild(
        self,
        facts: Mapping[str, Any],
        jurisdiction: str,
        day: dt.date,
        versions: Mapping[tuple[int, str], tuple[Any, str, str]],
        notes: tuple[NotAdopted, ...],
        result: _Compact,
    ) -> Decision:
        """Return the Decision a worker found, its words to be rendered here when read."""
        context = _Rebuilt(self, facts, jurisdiction, day)
        verdicts = [
            compact(
                (
                    rule,
                    subject,
                    _OUTCOMES[outcome],
                    *versions[index, rule],
                    when,
                    due,
                    presumed,
                    unclaimed,
                    LATER if missing is None else missing,
                    index,
                ),
                context,
            )
            for index, subject, outcome, rule, when, due, presumed, unclaimed, missing in (
                result.verdicts
            )
        ]
        violation = _CODES[Outcome.VIOLATION]
        return decided(
            jurisdiction,
            day,
            tuple(verdicts),
            notes,
            result.unused_facts,
            result.calendar_gaps,
            tuple(
                v for v, sent in zip(verdicts, result.verdicts, strict=True) if sent[2] == violation
            ),
        )


def load(
    policies: str | os.PathLike[str] | None = None, *, calendar: WorkdayCalendar | None = None
) -> Engine:
    """Return an engine for a policy folder (None: the bundled policies), checked and ready."""
    if calendar is not None and not isinstance(calendar, WorkdayCalendar):
        raise GovrulesError(
            f"calendar: expected a WorkdayCalendar, found {type(calendar).__name__}; "
            "for a year file pass WorkdayCalendar.default().with_year_file(path)"
        )
    library = load_library(policies)
    library.raise_errors()
    folder = None if policies is None else os.fspath(policies)
    return Engine(library, with_folder_years(calendar, library), folder)


class _Rebuilt(JudgedAgain):
    """Puts the verdicts a worker decided into words in the caller's process, when read.

    Judging is a pure function of the facts, the date and the calendar, so judging the rule
    again here gives the worker's verdict and its text.
    """

    __slots__ = ("data", "day", "engine", "facts", "jurisdiction", "seen")

    def __init__(
        self, engine: Engine, facts: Mapping[str, Any], jurisdiction: str, day: dt.date
    ) -> None:
        self.engine, self.facts, self.jurisdiction, self.day = engine, facts, jurisdiction, day
        self.seen: dict[tuple[int, str], Verdict] = {}  # each rule and subject judged again
        self.data: Mapping[str, Any] | None = None  # the facts validated, on first read

    def judged(self, verdict: Any) -> Verdict:
        key = (verdict._c[11], verdict.subject)
        found = self.seen.get(key)
        if found is None:
            library = self.engine.library
            if self.data is None:
                self.data = validate(self.facts).data
            found = self.seen[key] = rejudge(
                library,
                library.ruleset(self.jurisdiction),
                self.data,
                self.day,
                self.engine.calendar,
                key[0],
                key[1],
            )
        return found


_OUTCOMES = tuple(Outcome)
_CODES = {outcome: i for i, outcome in enumerate(_OUTCOMES)}


@attrs.frozen
class _Failure:
    """A bad input in a worker: its message, to raise in the caller's process."""

    message: str


@attrs.frozen
class _Compact:
    """A decision as a worker returns it: per verdict its obligation, outcome and facts."""

    # Per verdict: obligation index, subject, outcome code, rule, governing date, due,
    # presumed, unclaimed, missing: plain tuples pickle fastest.
    verdicts: tuple[tuple[Any, ...], ...]
    unused_facts: tuple[str, ...]
    calendar_gaps: tuple[int, ...]


def _numbered(
    i: int, evaluate: Any, facts: Mapping[str, Any], jurisdiction: str, day: dt.date
) -> Decision:
    try:
        return evaluate(facts, jurisdiction, day)  # type: ignore[no-any-return]
    except GovrulesError as err:
        raise GovrulesError(f"facts #{i}: {err}") from err


# What forked workers inherit from the caller: the engine and the block being evaluated.
_SHARED: dict[str, Any] = {}


def _work_span(span: range) -> list[_Compact | _Failure]:
    engine: Engine = _SHARED["engine"]
    block = _SHARED["block"]
    jurisdiction, day = _SHARED["jurisdiction"], _SHARED["day"]
    index = {
        ob.obligation.id: i
        for i, ob in enumerate(
            compile_ruleset(engine.library, engine.library.ruleset(jurisdiction))
        )
    }
    out: list[_Compact | _Failure] = []
    for i in span:
        try:
            decision = engine.evaluate(block[i], jurisdiction, day)
        except GovrulesError as err:
            out.append(_Failure(str(err)))
            continue
        verdicts = tuple(
            (index[c[4]], c[1], _CODES[c[2]], c[0], c[6], c[7], c[8], c[9], _sent(c[10]))
            if type(v) is CompactVerdict and (c := v._c)
            else (
                index[v.obligation],
                v.subject,
                _CODES[v.outcome],
                v.rule,
                v.governing_date,
                v.due,
                v.presumed,
                v.unclaimed,
                v.missing,
            )
            for v in decision.verdicts
        )
        out.append(_Compact(verdicts, decision.unused_facts, decision.calendar_gaps))
    return out


def _sent(missing: Any) -> Any:
    """Return the missing facts as a worker sends them: None for "name them when read"."""
    return None if missing is LATER else missing


def _blocks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while block := list(itertools.islice(iterator, size)):
        yield block


def _fork_context() -> multiprocessing.context.BaseContext:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        raise GovrulesError(
            "workers > 1 needs processes started by fork (Linux); on this system use "
            "workers=1, or spread the inputs with Spark or Dask (docs/api.md)"
        )
    return multiprocessing.get_context("fork")
