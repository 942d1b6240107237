"""Lay out ``.rules`` text canonically: ``govrules fmt``.

The formatter knows the grammar's shape, not its words. It parses with the project's own
grammar keeping every token, and lays the tree out by a few structural rules:

- a ``{ … }`` whose children each begin with a keyword is a *block*: one child a line,
  indented four spaces, the leading keywords aligned in a column unless a line opens a
  nested brace (examples, whose ``facts { … }`` would drag the column far right);
- a bracket with comma-separated children is *data*: kept on one line, filled and wrapped
  under the open bracket when too long; an object that ends a block line is exploded, one
  entry a line;
- consecutive one-line declarations of the same kind and shape (``param``, ``renumber``…)
  are aligned cell by cell;
- a line longer than the width breaks at the loosest point (a comma, or an operator of the
  outermost expression), continuing under the innermost open bracket or the expression.

So a clause keyword or declaration the grammar gains later formats without a change here.
Comments are kept where they stand (a trailing comment stays on its token's line; its
continuation lines stay aligned under it); quoted text is copied byte for byte.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import attrs
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedInput

from govrules.errors import PolicyError
from govrules.parser import parse

WIDTH = 100
INDENT = 4

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = frozenset(_OPEN.values())
_NO_SPACE_BEFORE = frozenset({",", ":", ".", *_CLOSE})
_NO_SPACE_AFTER = frozenset({".", *_OPEN})


@functools.cache
def _lark() -> tuple[Lark, list[Token]]:
    """Return a parser of the policy grammar that keeps every token, and its comment sink."""
    comments: list[Token] = []
    lark = Lark.open_from_package(
        "govrules.grammars",
        "govrules.lark",
        ("",),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
        lexer_callbacks={"COMMENT": comments.append},
    )
    return lark, comments


_LOCK = threading.Lock()  # the comment sink is shared by every parse


@functools.cache
def keywords() -> frozenset[str]:
    """Return the grammar's keywords: the fixed words of its literal terminals."""
    lark, _ = _lark()
    words: set[str] = set()
    for terminal in lark.terminals:
        if terminal.pattern.type == "str":
            value = str(terminal.pattern.value)
            if value.replace("_", "").isalpha():
                words.add(value)
    return frozenset(words)


def width(text: str) -> int:
    """Return how many terminal columns ``text`` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _is_keyword(tok: Token) -> bool:
    return str(tok) in keywords() and tok.type != "NAME"


# --- comments attached to tokens -------------------------------------------------------


@attrs.define
class _Comment:
    text: str
    blank_before: bool


@attrs.define
class _Notes:
    """What surrounds a token in the source: comments before and after it, blank lines."""

    before: list[_Comment] = attrs.field(factory=list)
    after: list[str] = attrs.field(factory=list)  # a trailing comment and its continuations
    blank_before: bool = False


def _leaves(tree: Tree[Token]) -> Iterator[Token]:
    for child in tree.children:
        if isinstance(child, Tree):
            yield from _leaves(child)
        else:
            yield child


def _attach(
    tokens: list[Token], comments: list[Token], lines: list[str]
) -> tuple[dict[int, _Notes], list[_Comment]]:
    """Return each token's comments and blank lines (by id), and the comments after the last."""

    def shown(line: int, column: int) -> int:
        # Authors align continuation comments by what they see: CJK characters are two wide.
        return width(lines[line - 1][: column - 1]) if 0 < line <= len(lines) else column

    notes: dict[int, _Notes] = {id(t): _Notes() for t in tokens}
    events: list[tuple[int, int, int, Token | None, Token | None]] = []
    for t in tokens:
        events.append((t.line or 0, t.column or 0, 0, t, None))
    for c in comments:
        events.append((c.line or 0, c.column or 0, 1, None, c))
    events.sort(key=lambda e: (e[0], e[1]))
    last_line = 0
    prev_tok: Token | None = None
    trail_col: int | None = None  # column of the trailing comment continuations may follow
    trail_line = 0
    pending: list[_Comment] = []
    for line, column, _kind, tok, com in events:
        blank = last_line > 0 and line - last_line >= 2
        if tok is not None:
            note = notes[id(tok)]
            note.before, note.blank_before = pending, blank
            pending = []
            prev_tok = tok
            last_line = tok.end_line or line
            trail_col = None
            continue
        assert com is not None
        text = str(com).rstrip()
        if prev_tok is not None and (prev_tok.end_line or 0) == line and not pending:
            notes[id(prev_tok)].after.append(text)
            trail_col, trail_line = shown(line, column), line
        elif (
            trail_col is not None
            and prev_tok is not None
            and shown(line, column) == trail_col
            and line == trail_line + 1
            and not pending
        ):
            notes[id(prev_tok)].after.append(text)  # continues the trailing comment above
            trail_line = line
        else:
            pending.append(_Comment(text, blank))
            trail_col = None
        last_line = line
    return notes, pending


# --- layout --------------------------------------------------------------------------------


def _flat(tokens: list[Token]) -> str:
    """Return tokens on one line with the canonical spaces between them."""
    out: list[str] = []
    prev: Token | None = None
    for tok in tokens:
        if prev is not None and _space_between(prev, tok):
            out.append(" ")
        out.append(str(tok))
        prev = tok
    return "".join(out)


def _space_between(prev: Token, tok: Token) -> bool:
    text, before = str(tok), str(prev)
    if text in _NO_SPACE_BEFORE or before in _NO_SPACE_AFTER:
        return False
    # A call: the function's name touches its parenthesis; a keyword such as `not (` does not.
    return not (text == "(" and prev.type == "NAME")


@attrs.define
class _Piece:
    """A token to lay out, and how loose a line break before it would be (None: no break)."""

    token: Token
    depth: tuple[int, int] | None = None
    kind: str = ""  # what the break follows: "comma", "operator" or "clause"


def _pieces(node: Tree[Token] | Token, depth: int = 0, *, line: bool = False) -> list[_Piece]:
    """Return the node's tokens, marking where a line may break and how loose each break is.

    A line may break after a comma inside brackets, before the operator of a binary form
    (left operand, operator tokens, right operand), and before a keyword-led part of a line
    (``mentions "…"``), the last only when nothing else helps.
    """
    if isinstance(node, Token):
        return [_Piece(node)]
    pieces: list[_Piece] = []
    kids = node.children
    binary = (
        len(kids) >= 3
        and isinstance(kids[0], Tree)
        and isinstance(kids[-1], Tree)
        and all(isinstance(k, Token) for k in kids[1:-1])
    )
    for i, kid in enumerate(kids):
        sub = _pieces(kid, depth + 1)
        if not sub:
            continue
        if binary and i == 1 and str(kid).replace("_", "").isalpha():
            # Only before a word operator (and, or, where…): `a\n<= b` reads badly.
            sub[0].depth, sub[0].kind = (0, depth), "operator"
        elif i > 0 and _text(kids[i - 1]) == ",":
            sub[0].depth, sub[0].kind = (0, depth), "comma"
        elif line and i > 0 and isinstance(kid, Tree) and _is_keyword(sub[0].token):
            sub[0].depth, sub[0].kind = (1, depth), "clause"
        pieces.extend(sub)
    return pieces


def _text(node: Tree[Token] | Token) -> str | None:
    return str(node) if isinstance(node, Token) else None


@attrs.define
class _Step:
    """Where a piece lands when a line is laid out from a given start."""

    index: int
    before: int  # column before the piece's gap
    start: int  # column where the piece's text starts
    end: int
    opens: tuple[int, ...]  # open-bracket columns before the piece


class _Writer:
    """Accumulates output lines; knows the comments and blank lines around every token."""

    def __init__(self, notes: dict[int, _Notes]) -> None:
        self.notes = notes
        self.lines: list[str] = []

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "" and not self.lines[-1].endswith("{"):
            self.lines.append("")

    def note(self, tok: Token) -> _Notes:
        return self.notes[id(tok)]

    def leading(self, tok: Token, indent: int, *, keep_blank: bool = True) -> None:
        """Write the comments on their own lines before ``tok``, and the blank line before it."""
        note = self.note(tok)
        for c in note.before:
            if c.blank_before and keep_blank:
                self.blank()
            self.lines.append(" " * indent + c.text)
        if note.blank_before and keep_blank:
            self.blank()

    # --- one logical line, wrapped when too long ---------------------------------------

    def _lay(
        self, pieces: list[_Piece], s: int, col: int, opens: tuple[int, ...], stops: dict[int, int]
    ) -> Iterator[_Step]:
        """Yield where pieces ``s``… land on one line starting at ``col``."""
        prev: Token | None = None
        stack = list(opens)
        for k in range(s, len(pieces)):
            tok = pieces[k].token
            gap = 1 if prev is not None and _space_between(prev, tok) else 0
            start = col + gap
            if k in stops and prev is not None:
                start = max(start, stops[k])
            end = start + width(str(tok))
            yield _Step(k, col, start, end, tuple(stack))
            text = str(tok)
            if text in _OPEN:
                stack.append(end)
            elif text in _CLOSE and stack:
                stack.pop()
            col, prev = end, tok

    def fill(
        self,
        pieces: list[_Piece],
        indent: int,
        *,
        stops: dict[int, int] | None = None,
        hang_index: int = 1,
    ) -> None:
        """Write pieces as one logical line from ``indent``, breaking it where it is too long."""
        stops = stops or {}
        pieces = _drop_dangling_commas(pieces, self)
        s, col = 0, indent
        opens: tuple[int, ...] = ()
        hang = indent + INDENT
        first_line = True
        while s < len(pieces):
            steps: list[_Step] = []
            cut: int | None = None  # first piece of the next line
            resume: tuple[int, tuple[int, ...]] | None = None
            for step in self._lay(pieces, s, col, opens, stops):
                k = step.index
                if k > s and self.note(pieces[k].token).before:
                    cut, resume = k, (self._cont(step.opens, hang), step.opens)
                    break
                if first_line and k == hang_index:
                    hang = step.start
                if step.end > WIDTH and k > s:
                    seen = [*steps, step]
                    b = self._break(pieces, seen, s, hang, indent)
                    if b is not None:
                        at = next(x for x in seen if x.index == b)
                        steps = [x for x in steps if x.index < b]
                        cont = self._cont_at(pieces[b], at.opens, hang, indent)
                        cut, resume = b, (cont, at.opens)
                        break
                steps.append(step)
                if self.note(pieces[k].token).after and k + 1 < len(pieces):
                    stack = list(step.opens)
                    text = str(pieces[k].token)
                    if text in _OPEN:
                        stack.append(step.end)
                    elif text in _CLOSE and stack:
                        stack.pop()
                    cut, resume = k + 1, (self._cont(tuple(stack), hang), tuple(stack))
                    break
            self._emit(pieces, steps, col)
            if cut is None:
                break
            assert resume is not None
            col, opens = resume
            s, first_line = cut, False
            self.leading(pieces[s].token, col, keep_blank=False)

    @staticmethod
    def _cont(opens: tuple[int, ...], hang: int) -> int:
        return opens[-1] if opens else hang

    def _cont_at(self, piece: _Piece, opens: tuple[int, ...], hang: int, indent: int) -> int:
        """Return the column a line broken before ``piece`` continues at."""
        if piece.kind == "clause":
            return indent + INDENT
        return self._cont(opens, hang)

    def _break(
        self, pieces: list[_Piece], steps: list[_Step], s: int, hang: int, indent: int
    ) -> int | None:
        """Return the loosest break on this line after which the overflowing chunk fits."""
        over = steps[-1].index
        nxt = next((j for j in range(over + 1, len(pieces)) if pieces[j].depth), len(pieces))
        best: tuple[tuple[int, int, int], int] | None = None
        for step in steps[1:] if steps[0].index == s else steps:
            piece = pieces[step.index]
            depth = piece.depth
            # A list outside brackets (the articles of `unchecked`) stays on its line.
            if depth is None or (piece.kind == "comma" and not step.opens):
                continue
            cont = self._cont_at(piece, step.opens, hang, indent)
            chunk = _flat([p.token for p in pieces[step.index : nxt]])
            if cont + width(chunk) > WIDTH:
                continue
            key = (depth[0], len(step.opens), depth[1])
            if best is None or key <= best[0]:
                best = (key, step.index)
        return None if best is None else best[1]

    def _emit(self, pieces: list[_Piece], steps: list[_Step], col: int) -> None:
        if not steps:
            return
        out = [" " * col]
        at = col
        for step in steps:
            out.append(" " * (step.start - at) + str(pieces[step.index].token))
            at = step.end
        after = self.note(pieces[steps[-1].index].token).after
        line = "".join(out)
        if after:
            self.lines.append(f"{line}  {after[0]}")
            self.lines.extend(" " * (at + 2) + c for c in after[1:])
        else:
            self.lines.append(line)

    # --- structure ---------------------------------------------------------------------

    def block(self, node: Tree[Token], indent: int) -> bool:
        """Write ``node`` as a block ``head { lines }`` if it is one; return whether it was."""
        kids = node.children
        opener = next(
            (i for i, k in enumerate(kids) if _text(k) == "{" and _text(kids[-1]) == "}"), None
        )
        if opener is None:
            return False
        lines = kids[opener + 1 : -1]
        if not all(isinstance(k, Tree) and _starts_with_keyword(k) for k in lines):
            return False
        head: list[_Piece] = []
        for kid in kids[: opener + 1]:
            head.extend(_pieces(kid))
        self.fill(head, indent)
        inner = indent + INDENT
        aligned = not any(_text(t) == "{" for k in lines for t in _leaves(_tree(k)))
        stops: dict[int, int] = {}
        if aligned and lines:
            column = inner + max(width(str(_first(_tree(k)))) for k in lines) + 1
            stops = {1: column}
        for i, line in enumerate(lines):
            tree = _tree(line)
            self.leading(_first(tree), inner, keep_blank=i > 0)
            self.line(tree, inner, stops)
        close = kids[-1]
        assert isinstance(close, Token)
        self.leading(close, inner, keep_blank=False)
        self.fill([_Piece(close)], indent)
        return True

    def line(self, node: Tree[Token], indent: int, stops: dict[int, int]) -> None:
        """Write one line of a block; a data object that ends it is written one entry a line."""
        if self.block(node, indent):
            return
        kids = node.children
        last = kids[-1]
        hang_index = _hang_index(node)
        if isinstance(last, Tree) and _is_data(last) and len(kids) > 1:
            head: list[_Piece] = []
            for kid in kids[:-1]:
                head.extend(_pieces(kid))
            self.explode(head, last, indent, stops)
            return
        self.fill(_pieces(node, line=True), indent, stops=stops, hang_index=hang_index)

    def explode(
        self, head: list[_Piece], data: Tree[Token], indent: int, stops: dict[int, int]
    ) -> None:
        """Write ``head {`` then one entry of the object a line, then ``}``."""
        kids = data.children
        open_, close = kids[0], kids[-1]
        assert isinstance(open_, Token)
        assert isinstance(close, Token)
        entries: list[list[_Piece]] = []
        for kid in kids[1:-1]:
            if _text(kid) == ",":
                assert isinstance(kid, Token)
                if entries:
                    entries[-1].append(_Piece(kid))
                continue
            entries.append(_pieces(kid))
        if entries and _text(entries[-1][-1].token) == ",":
            comma = entries[-1][-1].token
            if not self.note(comma).after and not self.note(comma).before:
                entries[-1].pop()  # a trailing comma after the last entry is dropped
        if not entries:
            self.fill([*head, _Piece(open_), _Piece(close)], indent, stops=stops)
            return
        self.fill([*head, _Piece(open_)], indent, stops=stops)
        inner = indent + INDENT
        for i, entry in enumerate(entries):
            self.leading(entry[0].token, inner, keep_blank=i > 0)
            self.fill(entry, inner, hang_index=_entry_hang(entry))
        self.leading(close, inner, keep_blank=False)
        self.fill([_Piece(close)], indent)


def _tree(node: Tree[Token] | Token) -> Tree[Token]:
    assert isinstance(node, Tree)
    return node


def _first(tree: Tree[Token]) -> Token:
    return next(_leaves(tree))


def _starts_with_keyword(tree: Tree[Token]) -> bool:
    first = next(_leaves(tree), None)
    return first is not None and _is_keyword(first)


def _is_data(tree: Tree[Token]) -> bool:
    """Return whether ``tree`` is a bracketed literal: ``{…}`` or ``[…]`` not made of lines."""
    kids = tree.children
    if not kids or _text(kids[0]) not in ("{", "[") or _text(kids[-1]) not in ("}", "]"):
        return False
    inner = kids[1:-1]
    return not inner or not all(isinstance(k, Tree) and _starts_with_keyword(k) for k in inner)


def _hang_index(node: Tree[Token]) -> int:
    """Return the piece a wrapped line continues under: the start of the line's expression."""
    kids = node.children
    last = kids[-1]
    if isinstance(last, Tree) and len(kids) > 1:
        index = sum(len(list(_leaves(k))) if isinstance(k, Tree) else 1 for k in kids[:-1])
        if index > 0:
            return index
    return 1


def _entry_hang(entry: list[_Piece]) -> int:
    """Return the piece an object entry continues under: its value, after ``key:``."""
    for i, p in enumerate(entry):
        if str(p.token) == ":":
            return i + 1
    return 1


def _drop_dangling_commas(pieces: list[_Piece], writer: _Writer) -> list[_Piece]:
    """Drop a comma right before a closing bracket (``[a, b,]``) unless a comment hangs on it."""
    out: list[_Piece] = []
    for i, p in enumerate(pieces):
        nxt = pieces[i + 1].token if i + 1 < len(pieces) else None
        note = writer.note(p.token)
        if (
            str(p.token) == ","
            and nxt is not None
            and str(nxt) in _CLOSE
            and not note.after
            and not note.before
        ):
            continue
        out.append(p)
    return out


# --- the file --------------------------------------------------------------------------------


def _one_line(item: Tree[Token]) -> bool:
    return not any(_text(t) == "{" for t in _leaves(item))


def _signature(item: Tree[Token]) -> tuple[str, ...]:
    return (
        str(item.data),
        *("*" if isinstance(k, Tree) else k.type for k in item.children),
    )


def _quiet(item: Tree[Token], notes: dict[int, _Notes]) -> bool:
    """Return whether the item fits a line and has no comments inside it."""
    tokens = list(_leaves(item))
    if width(_flat(tokens)) > WIDTH:
        return False
    return not any(notes[id(t)].before for t in tokens[1:]) and not any(
        notes[id(t)].after for t in tokens[:-1]
    )


def _write_run(writer: _Writer, run: list[Tree[Token]]) -> None:
    """Write one-line declarations of one kind with their cells aligned in columns.

    A cell is aligned with the same cell of the lines that agree with it on every cell up
    to it (so `cites` lines up in the params that have one). A cell after a comma is not
    padded, so lists keep one space after each comma, and neither is a cell with quoted text
    after it: a reason (`because "…"`) follows its line at one space.
    """
    cells = [
        [_flat(list(_leaves(k))) if isinstance(k, Tree) else str(k) for k in item.children]
        for item in run
    ]
    firsts = [
        [(next(_leaves(k)) if isinstance(k, Tree) else k) for k in item.children] for item in run
    ]
    sigs = [_signature(item)[1:] for item in run]
    ends = [0] * len(run)
    starts: list[list[int]] = [[] for _ in run]
    for c in range(max(len(row) for row in cells)):
        rows = [r for r in range(len(run)) if c < len(cells[r])]
        targets: dict[tuple[str, ...], int] = {}
        gaps: dict[int, int] = {}
        for r in rows:
            before = run[r].children[c - 1] if c > 0 else None
            spaced = before is not None and _space_between(_last_token(before), firsts[r][c])
            gap = 1 if spaced else 0
            gaps[r] = gap
            if gap and _aligned(run[r], c):
                key = sigs[r][: c + 1]
                targets[key] = max(targets.get(key, 0), ends[r] + 1)
        for r in rows:
            key = sigs[r][: c + 1]
            aligned = gaps[r] and _aligned(run[r], c)
            start = targets.get(key, ends[r] + gaps[r]) if aligned else ends[r] + gaps[r]
            starts[r].append(start)
            ends[r] = start + width(cells[r][c])
    comment_col = max(ends) + 2
    for r, item in enumerate(run):
        writer.leading(firsts[r][0], 0, keep_blank=False)
        line = ""
        for c in range(len(cells[r])):
            line += " " * (starts[r][c] - width(line)) + cells[r][c]
        after = writer.note(_last_token(item)).after
        if after:
            line += " " * (comment_col - width(line)) + after[0]
            writer.lines.append(line)
            writer.lines.extend(" " * comment_col + a for a in after[1:])
        else:
            writer.lines.append(line)


def _aligned(item: Tree[Token], c: int) -> bool:
    """Return whether cell ``c`` of a one-line declaration is padded to its column."""
    kids = item.children
    if c == 0 or _text(kids[c - 1]) == ",":
        return False
    return not any(_text(k) is not None and str(k).startswith('"') for k in kids[c:])


def _last_token(node: Tree[Token] | Token) -> Token:
    if isinstance(node, Token):
        return node
    *_, last = _leaves(node)
    return last


def _write_file(tree: Tree[Token], writer: _Writer) -> None:
    items = [_tree(k) for k in tree.children]
    notes = writer.notes
    i = 0
    prev: Tree[Token] | None = None
    while i < len(items):
        item = items[i]
        first = _first(item)
        # Declarations of one kind written together stay together; anything else is set apart.
        together = (
            prev is not None
            and _one_line(prev)
            and _one_line(item)
            and prev.data == item.data
            and not notes[id(first)].blank_before
            and not any(c.blank_before for c in notes[id(first)].before)
        )
        if prev is not None and not together:
            writer.blank()
        run = [item]
        if _one_line(item) and _quiet(item, notes):
            while i + len(run) < len(items):
                nxt = items[i + len(run)]
                nfirst = _first(nxt)
                if (
                    _one_line(nxt)
                    and _quiet(nxt, notes)
                    and nxt.data == item.data
                    and not notes[id(nfirst)].before
                    and not notes[id(nfirst)].blank_before
                ):
                    run.append(nxt)
                else:
                    break
        if len(run) > 1:
            writer.leading(first, 0)
            notes[id(first)].before = []
            _write_run(writer, run)
        else:
            writer.leading(first, 0)
            if not writer.block(item, 0):
                writer.fill(_pieces(item, line=True), 0, hang_index=_hang_index(item))
        prev = run[-1]
        i += len(run)


def format_text(text: str, path: str = "<string>") -> str:
    """Return ``text`` laid out canonically; raise PolicyError if it is not a valid policy."""
    parse(text, path)  # the project's own syntax errors, in the author's words
    lark, sink = _lark()
    with _LOCK:
        sink.clear()
        try:
            tree = lark.parse(text)
        except UnexpectedInput as err:  # pragma: no cover - parse() above already refused it
            raise PolicyError(
                "cannot lay out this policy", path=path, line=err.line, column=err.column
            ) from None
        comments = list(sink)
        sink.clear()
    tokens = list(_leaves(tree))
    notes, tail = _attach(tokens, comments, text.split("\n"))
    writer = _Writer(notes)
    _write_file(tree, writer)
    for i, c in enumerate(tail):
        if c.blank_before or i == 0:
            writer.blank()
        writer.lines.append(c.text)
    while writer.lines and writer.lines[0] == "":
        writer.lines.pop(0)
    return "\n".join(line.rstrip() for line in writer.lines) + "\n"


@attrs.frozen
class FileResult:
    """One file's formatting: its path, and whether it changed (or would)."""

    path: str
    changed: bool


def format_file(path: str, *, check: bool = False) -> FileResult:
    """Format one ``.rules`` file in place (or only report, with ``check``)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise PolicyError(f"not UTF-8 text: {err.reason}", path=path, line=1, column=1) from None
    except OSError as err:
        raise PolicyError(
            f"cannot read the file: {err.strerror}", path=path, line=1, column=1
        ) from None
    result = format_text(text, path)
    changed = result != text
    if changed and not check:
        file.write_text(result, encoding="utf-8")
    return FileResult(path, changed)


__all__ = ["FileResult", "format_file", "format_text", "keywords", "width"]
