"""Source files and positions within them, for diagnostics that point at text."""

from __future__ import annotations

import attrs


def split_lines(text: str) -> list[str]:
    """Return the lines of ``text`` as Lark and editors number them: split at ``\n`` only.

    ``str.splitlines`` also splits at form feeds, U+0085, U+2028 and others, so a comment
    holding one would shift every later line away from the line a diagnostic names.
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


@attrs.frozen
class Span:
    """A region of a source file: 1-based line and column, end exclusive."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int, width: int = 1) -> Span:
        """Return a span of ``width`` characters starting at a point."""
        return cls(path, line, column, line, column + width)


@attrs.frozen
class Source:
    """The text of one policy file, kept so diagnostics can quote it."""

    path: str
    text: str

    def line(self, number: int) -> str:
        """Return line ``number`` (1-based) without its newline, or '' past the end."""
        lines = split_lines(self.text)
        return lines[number - 1] if 1 <= number <= len(lines) else ""
