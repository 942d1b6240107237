"""What evaluation returns: outcomes, citations, verdicts and the decision that holds them."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs


class Outcome(str, enum.Enum):
    """How a rule came out for one subject."""

    COMPLIANT = "compliant"
    VIOLATION = "violation"
    NOT_APPLICABLE = "not_applicable"
    UNDETERMINED = "undetermined"
    PENDING = "pending"

    def __str__(self) -> str:
        return self.value

    @property
    def chinese(self) -> str:
        """Return the outcome in Chinese, as explanations use it."""
        return _CHINESE[self]


_CHINESE = {
    Outcome.COMPLIANT: "符合",
    Outcome.VIOLATION: "违反",
    Outcome.NOT_APPLICABLE: "不适用",
    Outcome.UNDETERMINED: "无法判定",
    Outcome.PENDING: "期限未届满",
}


@attrs.frozen
class Citation:
    """An article (条, 款, 项) of a shipped document, with its text as the source has it."""

    document: str
    title: str
    number: str | None
    article: int
    paragraph: int | None
    item: int | None
    label: str
    text: str

    def __str__(self) -> str:
        return f"{self.title}{self.label}"

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-serialisable data."""
        return attrs.asdict(self)


@attrs.frozen
class Step:
    """One line of a verdict's trace: a named value that the engine computed or read."""

    name: str
    value: str

    def to_dict(self) -> dict[str, str]:
        """Return plain JSON-serialisable data."""
        return {"name": self.name, "value": self.value}


@attrs.frozen(eq=False)
class Verdict:
    """One rule's outcome for one subject, with the articles and the reasoning behind it.

    Two verdicts are equal when every field is, whatever way of building them (eager,
    lazy, compact) each comes from.
    """

    rule: str
    subject: str
    outcome: Outcome
    citations: tuple[Citation, ...]
    explanation: str
    missing: tuple[str, ...] = ()
    obligation: str = ""
    measure: str = ""
    governing_date: dt.date | None = None
    trace: tuple[Step, ...] = ()
    due: dt.date | None = None  # the deadline a deadline duty computed, whatever the outcome
    presumed: tuple[str, ...] = ()  # facts a presumption stood in for (推定)
    unclaimed: tuple[str, ...] = ()  # exceptions the regulation grants that the facts do not claim

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self._key() == other._key()

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Verdict):
            return NotImplemented
        return self._key() != other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-serialisable data (dates as ISO strings)."""
        return {
            "rule": self.rule,
            "subject": self.subject,
            "outcome": self.outcome.value,
            "citations": [c.to_dict() for c in self.citations],
            "explanation": self.explanation,
            "missing": list(self.missing),
            "due": None if self.due is None else self.due.isoformat(),
            "presumed": list(self.presumed),
            "unclaimed": list(self.unclaimed),
            "obligation": self.obligation,
            "measure": self.measure,
            "governing_date": None if self.governing_date is None else str(self.governing_date),
            "trace": [s.to_dict() for s in self.trace],
        }


_FIELDS = tuple(f.name for f in attrs.fields(Verdict))
_UNSET: Any = object()  # stands for an explanation or trace not put into words yet
_EXPLANATION = Verdict.__dict__["explanation"]
_TRACE = Verdict.__dict__["trace"]


def _kept(slot: Any, verdict: Verdict, make: Any) -> Any:
    """Return a lazily worked-out field: from its slot once set, else made and kept there."""
    try:
        return slot.__get__(verdict)
    except AttributeError:
        value = make()
        slot.__set__(verdict, value)
        return value


class LazyVerdict(Verdict):
    """A verdict whose explanation and trace are put into words only when first read.

    Evaluation builds thousands of verdicts that nobody reads in full; rendering the Chinese
    explanation and the trace costs more than deciding them. The attributes are the same as
    a Verdict's, with the same text; reading one renders it once (``render``, ``steps``).
    """

    __slots__ = ("_render", "_steps")

    def __init__(self, render: Any, steps: Any, **fields: Any) -> None:
        object.__setattr__(self, "_render", render)
        object.__setattr__(self, "_steps", steps)
        super().__init__(explanation=_UNSET, trace=_UNSET, **fields)

    @property
    def explanation(self) -> str:
        """Return the explanation, rendering it on first use."""
        return _kept(_EXPLANATION, self, self._render)  # type: ignore[attr-defined,no-any-return]

    @explanation.setter
    def explanation(self, value: str) -> None:
        if value is not _UNSET:
            _EXPLANATION.__set__(self, value)

    @property
    def trace(self) -> tuple[Step, ...]:
        """Return the trace, building it on first use."""
        return _kept(_TRACE, self, lambda: tuple(self._steps()))  # type: ignore[attr-defined,no-any-return]

    @trace.setter
    def trace(self, value: tuple[Step, ...]) -> None:
        if value is not _UNSET:
            _TRACE.__set__(self, value)

    def __reduce__(self) -> Any:
        # Across processes a verdict travels rendered: its closures stay behind.
        return (_rendered, (attrs.asdict(self, recurse=False),))


def _rendered(fields: dict[str, Any]) -> LazyVerdict:
    text, steps = fields.pop("explanation"), fields.pop("trace")
    return LazyVerdict(lambda: text, lambda: steps, **fields)


# A CompactVerdict keeps its fields in one tuple: first its head, the fields that every
# verdict of one rule version with one outcome repeats (made once and shared), then its own
# fields, then what its context needs to put the verdict into words.
HEAD = ("rule", "outcome", "citations", "obligation", "measure", "missing")
OWN = ("subject", "governing_date", "due", "presumed", "unclaimed")
WORDS = 1 + len(OWN)  # where the context's part of the tuple starts


def _head_field(i: int, name: str) -> property:
    def get(self: CompactVerdict) -> Any:
        return self._c[0][i]

    get.__name__ = name
    get.__doc__ = f"Return the verdict's {name}."
    return property(get)


def _own_field(i: int, name: str) -> property:
    def get(self: CompactVerdict) -> Any:
        return self._c[i]

    get.__name__ = name
    get.__doc__ = f"Return the verdict's {name}."
    return property(get)


class CompactVerdict(Verdict):
    """A verdict decided by generated code, built as cheaply as a tuple.

    Its fields live in one tuple and are read through properties; the explanation and the
    trace come, when first read, from its context (an object with ``explanation(verdict)``
    and ``trace(verdict)``), and are kept. The attributes and their values are a Verdict's.
    """

    __slots__ = ("_c", "_ctx")
    _c: tuple[Any, ...]
    _ctx: Any

    def __init__(self, **fields: Any) -> None:
        # For attrs.evolve and the like: the fields given, rendered already.
        values = {f.name: f.default for f in attrs.fields(Verdict)}
        values.update(fields)
        head = tuple(values[name] for name in HEAD)
        object.__setattr__(self, "_c", (head, *(values[name] for name in OWN)))
        object.__setattr__(self, "_ctx", None)
        _EXPLANATION.__set__(self, values["explanation"])
        _TRACE.__set__(self, values["trace"])

    @property
    def explanation(self) -> str:
        """Return the explanation, rendering it on first use."""
        return _kept(_EXPLANATION, self, lambda: self._ctx.explanation(self))  # type: ignore[no-any-return]

    @property
    def trace(self) -> tuple[Step, ...]:
        """Return the trace, building it on first use."""
        return _kept(_TRACE, self, lambda: tuple(self._ctx.trace(self)))  # type: ignore[no-any-return]

    def __reduce__(self) -> Any:
        return (_rendered, (attrs.asdict(self, recurse=False),))


for _i, _name in enumerate(HEAD):
    if _name != "missing":  # a property of its own, below
        setattr(CompactVerdict, _name, _head_field(_i, _name))
for _i, _name in enumerate(OWN, start=1):
    setattr(CompactVerdict, _name, _own_field(_i, _name))

# A field whose value the verdict's context works out when it is first read: the missing
# facts of an undetermined verdict that generated code decided (only the closures name them).
LATER: Any = type("Later", (), {"__repr__": lambda self: "LATER", "__slots__": ()})()
_MISSING = Verdict.__dict__["missing"]


def _missing(self: CompactVerdict) -> tuple[str, ...]:
    value = self._c[0][5]
    if value is not LATER:
        return value  # type: ignore[no-any-return]
    return _kept(_MISSING, self, lambda: tuple(self._ctx.missing(self)))  # type: ignore[no-any-return]


_missing.__doc__ = "Return the facts whose absence left the verdict open, in path order."
CompactVerdict.missing = property(_missing)  # type: ignore[assignment]


class JudgedAgain:
    """A context that words a CompactVerdict by judging its rule again (``judged``).

    Its explanation, trace and missing facts are those of the verdict judged afresh by the
    closures: the same answer, since judging is a pure function of facts, date and calendar.
    """

    __slots__ = ()

    def judged(self, verdict: Any) -> Verdict:
        """Return ``verdict`` judged again, with all its fields worked out."""
        raise NotImplementedError

    def explanation(self, verdict: Any) -> str:
        """Return the explanation of ``verdict``."""
        return self.judged(verdict).explanation

    def trace(self, verdict: Any) -> tuple[Step, ...]:
        """Return the trace of ``verdict``."""
        return self.judged(verdict).trace

    def missing(self, verdict: Any) -> tuple[str, ...]:
        """Return the facts whose absence left ``verdict`` open."""
        return self.judged(verdict).missing


def compact(fields: tuple[Any, ...], context: Any) -> CompactVerdict:
    """Return a CompactVerdict of ``fields``: its head (``HEAD``'s fields in order), then
    ``OWN``'s, then the context's."""
    self = _NEW(CompactVerdict)
    _SET_C(self, fields)
    _SET_CTX(self, context)
    return self


_NEW = object.__new__
_SET_C = CompactVerdict.__dict__["_c"].__set__
_SET_CTX = CompactVerdict.__dict__["_ctx"].__set__
# What ``compact`` does, in parts, for generated code to do in place of calling it.
COMPACT_PARTS = (CompactVerdict, _SET_C, _SET_CTX)


@attrs.frozen
class NotAdopted:
    """An obligation of a base that a rule set adapting it does not carry, and why."""

    rule: str  # qualified in the base, e.g. yunnan.filing_deadline
    reason: str  # Chinese, naming the articles

    def to_dict(self) -> dict[str, str]:
        """Return plain JSON-serialisable data."""
        return {"rule": self.rule, "reason": self.reason}


class _KeepsViolations:
    """A slot for the violations of a Decision, listed once: not one of its attrs fields,
    so that equality, ``attrs.asdict`` and pickling see only the fields."""

    __slots__ = ("_violations",)


@attrs.frozen
class Decision(_KeepsViolations):
    """Every verdict for one unit's facts under one jurisdiction on one date."""

    jurisdiction: str
    on: dt.date
    verdicts: tuple[Verdict, ...]
    not_adopted: tuple[NotAdopted, ...] = ()
    unused_facts: tuple[str, ...] = ()  # given facts that no rule in force reads
    calendar_gaps: tuple[int, ...] = ()  # years the working-day calendar lacked

    @property
    def violations(self) -> tuple[Verdict, ...]:
        """Return the verdicts whose outcome is a violation."""
        # Listed already by whoever made the verdicts (verdicts.decided), else now, once.
        found: tuple[Verdict, ...] | None = getattr(self, "_violations", None)
        if found is None:
            found = tuple([v for v in self.verdicts if v.outcome is Outcome.VIOLATION])
            _SET_VIOLATIONS(self, found)
        return found

    @property
    def pending(self) -> tuple[Verdict, ...]:
        """Return the duties whose deadline has not yet passed and that are not shown as done."""
        return tuple([v for v in self.verdicts if v.outcome is Outcome.PENDING])

    def for_subject(self, subject: str) -> tuple[Verdict, ...]:
        """Return the verdicts about one subject, e.g. ``accounts[0].events[0]``."""
        return tuple(v for v in self.verdicts if v.subject == subject)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON-serialisable data (dates as ISO strings)."""
        return {
            "jurisdiction": self.jurisdiction,
            "on": self.on.isoformat(),
            "verdicts": [v.to_dict() for v in self.verdicts],
            "not_adopted": [x.to_dict() for x in self.not_adopted],
            "unused_facts": list(self.unused_facts),
            "calendar_gaps": list(self.calendar_gaps),
        }


_DECISION_SLOTS = tuple(Decision.__dict__[f.name].__set__ for f in attrs.fields(Decision))
_SET_VIOLATIONS = _KeepsViolations.__dict__["_violations"].__set__


def decided(
    jurisdiction: str,
    on: dt.date,
    verdicts: tuple[Verdict, ...],
    not_adopted: tuple[NotAdopted, ...],
    unused_facts: tuple[str, ...],
    calendar_gaps: tuple[int, ...],
    violations: tuple[Verdict, ...] | None = None,
) -> Decision:
    """Return ``Decision(...)`` of these fields, built through its slots.

    The engine makes one Decision per evaluation, with values of the right types already:
    attrs' frozen ``__init__`` would cost as much as judging a small rule. ``violations``:
    those of ``verdicts``, in order, if the caller listed them while judging.
    """
    made = _NEW(Decision)
    put_jurisdiction, put_on, put_verdicts, put_not_adopted, put_unused, put_gaps = _DECISION_SLOTS
    put_jurisdiction(made, jurisdiction)
    put_on(made, on)
    put_verdicts(made, verdicts)
    put_not_adopted(made, not_adopted)
    put_unused(made, unused_facts)
    put_gaps(made, calendar_gaps)
    if violations is not None:
        _SET_VIOLATIONS(made, violations)
    return made
