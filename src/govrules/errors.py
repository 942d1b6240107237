"""The exceptions govrules raises; every one derives from GovrulesError."""

from __future__ import annotations

import functools
import sys
import unicodedata
from collections.abc import Callable
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


class GovrulesError(Exception):
    """Base of every error govrules raises on purpose."""


def shown(value: object, limit: int = 60) -> str:
    """Return ``repr(value)`` cut to ``limit`` characters, for quoting bad input in a message.

    ``repr`` of an int of more than 4300 digits raises ValueError (Python's guard against
    quadratic conversion), so an error message about such a number must not call it.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        sign = "a negative" if value < 0 else "a"
        return f"{sign} whole number of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = repr(value)
    except Exception:  # a caller's object whose __repr__ fails must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _display_width(text: str) -> int:
    """Return how many terminal cells ``text`` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _printable(line: str) -> str:
    """Return ``line`` with tabs, line and paragraph separators and controls as spaces.

    One character for one keeps the caret under the right column; a form feed or U+2028
    printed as it is would break the quoted line in two on a terminal.
    """
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in line)


class PolicyError(GovrulesError):
    """A mistake in a ``.rules`` file, located by path, line and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str,
        line: int,
        column: int,
        source_line: str = "",
        width: int = 1,
        hint: str | None = None,
        severity: str = "error",
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.source_line = source_line
        self.width = max(1, width)
        self.hint = hint
        self.severity = severity
        super().__init__(self.render())

    def __reduce__(self) -> tuple[object, ...]:
        # Diagnostics travel between processes and into the load cache: keep every field.
        return (_policy_error, (self.message, self.__dict__.copy()))

    def headline(self) -> str:
        """Return the one-line ``path:line:col: message`` form."""
        return f"{self.path}:{self.line}:{self.column}: {self.message}"

    def render(self) -> str:
        """Return the headline, the source line with a caret under the span, and the hint."""
        parts = [self.headline()]
        if self.source_line:
            prefix = self.source_line[: max(0, self.column - 1)]
            marked = self.source_line[max(0, self.column - 1) : self.column - 1 + self.width]
            pad = " " * _display_width(prefix.replace("\t", " "))
            carets = "^" * max(1, _display_width(marked))
            parts.append("    " + _printable(self.source_line))
            parts.append("    " + pad + carets)
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.render()


def _policy_error(message: str, fields: dict[str, object]) -> PolicyError:
    keys = ("path", "line", "column", "source_line", "width", "hint", "severity")
    return PolicyError(message, **{k: fields[k] for k in keys})  # type: ignore[arg-type]


class PolicyErrors(PolicyError):
    """Several diagnostics from one check run; behaves as the first, renders all."""

    def __init__(self, errors: list[PolicyError]) -> None:
        if not errors:
            raise ValueError("PolicyErrors needs at least one error")
        self.errors = tuple(errors)
        first = errors[0]
        super().__init__(
            first.message,
            path=first.path,
            line=first.line,
            column=first.column,
            source_line=first.source_line,
            width=first.width,
            hint=first.hint,
        )

    def render(self) -> str:
        return "\n".join(e.render() for e in getattr(self, "errors", ()))


class FactsError(GovrulesError):
    """Facts that do not fit the vocabulary; ``path`` names the offending fact."""

    def __init__(self, path: str, expected: str, found: str, *, hint: str | None = None) -> None:
        self.path = path
        self.expected = expected
        self.found = found
        self.hint = hint
        message = f"{path or 'facts'}: expected {expected}, found {found}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class CalendarError(GovrulesError):
    """A date in a year that the working-day calendar does not cover."""

    def __init__(self, year: int, covered: tuple[int, int] | None = None) -> None:
        self.year = year
        self.covered = covered
        span = f" (it covers {covered[0]}–{covered[1]})" if covered else ""
        super().__init__(
            f"the working-day calendar has no schedule for {year}{span}; "
            "supply it with evaluate(..., calendar=WorkdayCalendar.default()"
            ".with_year_file(path)), `--calendar FILE` on the command line, or ship "
            f"`calendar/{year}.json` in the policy folder (format: docs/calendar.md)"
        )


class DateRangeError(GovrulesError):
    """Dates so near 0001-01-01 or 9999-12-31 that a deadline or period falls outside them."""


class StackDepthError(GovrulesError):
    """Python's stack ran out: the input nests too deeply or the caller was already deep."""


def contained(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Return ``fn`` raising StackDepthError where it would let a RecursionError out.

    Parsing, checking and evaluating walk nested expressions and facts recursively; called
    from deep in a caller's own recursion they can meet Python's limit on any input.
    """

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return fn(*args, **kwargs)
        except RecursionError:
            raise StackDepthError(
                "govrules ran out of Python's stack (sys.getrecursionlimit() is "
                f"{sys.getrecursionlimit()}); call it from a shallower place or split "
                "deeply nested input"
            ) from None

    return wrapper
