"""Segmenting a regulation's raw text into 章/条/款/项 (:func:`govrules.texts.segment`).

The texts are plain-text extractions of official documents. Two layouts occur:

* hard-wrapped: every printed line of the original is a line of the file, usually
  with blank lines between them (yunnan, puding, luju);
* one paragraph per line, with the occasional stray line break (the bureau, anyue).

:func:`segment` works out which layout a text has, skips the preamble (the 通知 that
precedes the measure), the annexes and the issuer's trailer, drops page numbers and
Word bookmark tags, and returns a :class:`~govrules.texts.Document` whose articles carry
their paragraphs and items as cleaned text. Only loading a policy folder segments (a
cached library holds its documents already), so this module and its patterns load then.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import attrs

from govrules.texts import (
    Anomaly,
    Article,
    Document,
    Item,
    Paragraph,
    _parse_chinese,
    chinese_numeral,
)

_NUM = r"(?:[零〇一二两三四五六七八九十百千]{1,8}|[0-9０-９]{1,4})"
_SEP = r"[\s\u3000]"
_ARTICLE = re.compile(rf"^(?P<label>第(?P<num>{_NUM})条)(?P<sep>{_SEP}*)(?P<rest>.*)$")
_NO_FINAL = r"[^。.．；;：:！？!?，,]"
_CHAPTER = re.compile(
    rf"^第(?P<num>{_NUM})章(?P<title>{_NO_FINAL}{{0,24}}?)"
    rf"(?:{_SEP}*(?P<rest>第{_NUM}条(?:{_SEP}.*)?))?$"
)
# A chapter heading left at the end of the previous article's last line.
_GLUED_CHAPTER = re.compile(
    rf"^(?P<text>.*[。.．；;！？!?][”’」』）)]*){_SEP}*"
    rf"(?P<heading>第(?P<num>{_NUM})章{_SEP}*{_NO_FINAL}{{1,24}})$"
)
_ITEM = re.compile(r"^[（(]\s*(?P<num>[一二三四五六七八九十]{1,4})\s*[）)]\s*")
_FINAL = re.compile(r"[。.．；;：:！？!?…][”’\"'」』）)》»]*$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]\n]*\]")
_PAGE_NUMBER = re.compile(r"^[—－\-–]+\s*[0-9０-９]{1,4}\s*[—－\-–]+$")
_DIGIT = r"[0-9０-９〇零一二三四五六七八九]"
_TRAILER = re.compile(
    r"^(?:"
    r"附件\s*[0-9０-９一二三四五六七八九十]*\s*(?:[:：].*)?"
    r"|附[:：].*"
    r"|(?:抄送|抄报|主送|主题词|关键词)\s*[:：].*"
    r"|信息公开选项.*|公开方式\s*[:：].*"
    rf"|(?:\S.*\s)?{_DIGIT}{{4}}\s*年\s*{_DIGIT}{{1,3}}\s*月\s*{_DIGIT}{{1,3}}\s*日\s*(?:印发|发布)?"
    r")$"
)
_IN_FORCE = re.compile(r"^本.{0,12}自.*(?:施行|执行)[。.．]$")
_RUNS_OF_SPACE = re.compile(r"[^\S\u3000]+")
# An extraction artefact: a full-width opening bracket came out as space + half-width bracket.
_SPACE_BEFORE_OPENER = re.compile(r" (?=[(«“‘\[<（《])")
_HEADING_SEPARATOR = re.compile(rf"^(第\S+?[条章]){_SEP}+")
_INDENT = 2.0


@attrs.frozen
class _Line:
    """A non-blank line of the raw text: its 1-based number and its stripped text."""

    number: int
    text: str


def _lines(raw: str) -> list[_Line]:
    """Return the non-blank lines without page numbers and bookmark tags."""
    # Split on newlines only: splitlines() would also break at form feeds and so
    # shift the line numbers away from what an editor shows.
    rows = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines: list[_Line] = []
    for number, row in enumerate(rows, start=1):
        text = _BOOKMARK.sub("", row).strip()
        if text and not _PAGE_NUMBER.match(text):
            lines.append(_Line(number, text))
    return lines


def _unglue(lines: list[_Line]) -> list[_Line]:
    """Return the lines with chapter headings glued to a line's end split off."""
    result: list[_Line] = []
    chapter = 0
    for line in lines:
        glued = _GLUED_CHAPTER.match(line.text)
        whole = _CHAPTER.match(line.text)
        if whole:
            chapter = _numeral(whole["num"]) or chapter
        elif glued and _numeral(glued["num"]) == chapter + 1:
            chapter += 1
            result.append(_Line(line.number, glued["text"].strip()))
            result.append(_Line(line.number, glued["heading"].strip()))
            continue
        result.append(line)
    return result


def _numeral(text: str) -> int | None:
    """Return the value of a heading numeral, or None where it is malformed."""
    try:
        return chinese_numeral(text)
    except ValueError:
        return None


def _ends_sentence(text: str) -> bool:
    """Return whether ``text`` ends with sentence-final punctuation (closing quotes allowed)."""
    return _FINAL.search(text) is not None


def _join(parts: Sequence[str]) -> str:
    """Return hard-wrapped pieces joined as one cleaned text."""
    text = ""
    for part in parts:
        # Chinese wraps without spaces, but a break between two Latin words stood for one.
        if _is_latin(text[-1:]) and _is_latin(part[:1]):
            text += " "
        text += part
    return _RUNS_OF_SPACE.sub(" ", text).strip()


def _is_latin(char: str) -> bool:
    """Return whether ``char`` is an ASCII letter or digit."""
    return char.isascii() and char.isalnum()


def _measure(text: str) -> float:
    """Return how many full-width cells ``text`` took in the printed original."""
    text = _HEADING_SEPARATOR.sub("\\1\u3000", text)
    text = _SPACE_BEFORE_OPENER.sub("", text)
    width = 0.0
    for char in text:
        if char.isalnum() and (char.isascii() or unicodedata.east_asian_width(char) == "F"):
            # Digits and Latin letters were set half-width, whatever the extraction made of them.
            width += 0.5
        elif char == " ":
            width += 0.25
        else:
            # Includes ASCII , . ; : which stand for full-width Chinese punctuation (yunnan).
            width += 1.0
    return width


@attrs.frozen
class _Layout:
    """How a text is laid out: its wrap width in cells, or None for a paragraph per line."""

    width: float | None

    def ends_paragraph(self, line: str, first: bool, following: str | None) -> bool:
        """Return whether ``line`` (``first`` of its paragraph or not) ends a paragraph."""
        if not _ends_sentence(line):
            return False
        if self.width is None:
            return True
        # The first line of a paragraph (and of an article) was indented by two cells.
        full = self.width - (_INDENT if first else 0.0)
        if _measure(line) <= full - 1.0:
            return True
        # A full line can still end a paragraph: then the next one is indented.
        return following is not None and self.indented(following)

    def indented(self, line: str) -> bool:
        """Return whether ``line`` is the indented, wrapped first line of a paragraph."""
        if self.width is None or _ends_sentence(line) or _ARTICLE.match(line):
            return False
        width = _measure(line)
        if line.endswith(("，", "、", ",")):
            # Hanging punctuation: a comma may stick out past the right margin.
            width -= 1.0
        return abs(width - (self.width - _INDENT)) <= 0.5


def _layout(lines: Sequence[_Line]) -> _Layout:
    """Return the layout of the body ``lines``, judged from their widths."""
    body = [line.text for line in lines if not _CHAPTER.match(line.text)]
    wrapped = [
        _measure(text) for text in body if not _ends_sentence(text) and not _ITEM.match(text)
    ]
    wrapped = [width for width in wrapped if width >= 8]
    if len(wrapped) < 5:
        return _Layout(None)
    # Lines that stop mid-sentence are mostly full, so their commonest width is the
    # wrap width. A wrapped text has next to no line wider than that (hanging
    # punctuation adds one cell); a text of one paragraph per line has many.
    counts = Counter(wrapped)
    width = max(counts, key=lambda w: (counts[w], w))
    near = sum(1 for w in wrapped if width - 2.5 <= w <= width + 1.5)
    too_long = sum(1 for text in body if _measure(text) > width + 3)
    if near * 2 < len(wrapped) or too_long * 20 > len(body):
        return _Layout(None)
    return _Layout(width)


@attrs.define
class _ParagraphDraft:
    """A paragraph being read: its introductory lines and its items' lines."""

    intro: list[str] = attrs.Factory(list)
    items: list[tuple[int, list[str]]] = attrs.Factory(list)

    def expected_item(self) -> int:
        """Return the number the next item of this paragraph must have."""
        return self.items[-1][0] + 1 if self.items else 1

    def add(self, text: str) -> None:
        """Add a continuation line to the last item, or to the introduction."""
        (self.items[-1][1] if self.items else self.intro).append(text)

    def text(self) -> str:
        """Return the whole paragraph, items included, as one cleaned text."""
        return _join(self.intro + [part for _, parts in self.items for part in parts])

    def build(self, number: int) -> Paragraph:
        """Return the finished paragraph numbered ``number``."""
        items = tuple(
            Item(n, _join([_ITEM.sub("", parts[0], count=1), *parts[1:]]))
            for n, parts in self.items
        )
        return Paragraph(number, self.text(), items)


@attrs.define
class _ArticleDraft:
    """An article being read."""

    number: int
    label: str
    chapter: int | None
    chapter_title: str | None
    line: int
    paragraphs: list[_ParagraphDraft] = attrs.Factory(list)

    def build(self) -> Article:
        """Return the finished article."""
        paragraphs = tuple(draft.build(n) for n, draft in enumerate(self.paragraphs, start=1))
        return Article(
            number=self.number,
            label=self.label,
            chapter=self.chapter,
            chapter_title=self.chapter_title,
            text="\n".join(paragraph.text for paragraph in paragraphs),
            paragraphs=paragraphs,
            line=self.line,
        )


def _article_heading(line: _Line, after_sentence: bool, last_number: int) -> re.Match[str] | None:
    """Return the heading match of ``line`` if it starts an article, else None."""
    match = _ARTICLE.match(line.text)
    if match is None or _numeral(match["num"]) is None:
        return None
    if match["sep"] or not match["rest"]:
        return match
    # "第十一条规定…" at the start of a line is usually a reference; take it as a
    # heading only where a heading fits: after a full sentence, next in sequence.
    if after_sentence and _numeral(match["num"]) == last_number + 1:
        return match
    return None


def _chapter_title(raw: str) -> str | None:
    """Return a chapter title without the spacing that centres it: "总　则" -> "总则"."""
    return re.sub(r"[\s\u3000]+", "", raw) or None


def _skip_message(label: str, previous_label: str, previous: int, number: int) -> str | None:
    """Return what is wrong with ``number`` following ``previous``, or None if nothing."""
    if number == previous + 1:
        return None
    if number == previous:
        problem = "the number is repeated"
    elif number < previous:
        problem = "numbering goes back"
    elif number == previous + 2:
        problem = f"numbering skips {previous + 1}"
    else:
        problem = f"numbering skips {previous + 1}–{number - 1}"
    return f"{label} follows {previous_label}: {problem}"


def segment(raw: str, key: str = "") -> Document:
    """Return the articles of the regulation in ``raw``, with paragraphs and items."""
    lines = _unglue(_lines(raw))
    start = next(
        (
            index
            for index, line in enumerate(lines)
            if _CHAPTER.match(line.text) or _article_heading(line, False, 0)
        ),
        len(lines),
    )
    body = lines[start:]
    end = next(
        (
            index
            for index in range(1, len(body))
            if _TRAILER.match(body[index].text) and _ends_sentence(body[index - 1].text)
        ),
        len(body),
    )
    return _Reader(key, _layout(body[:end])).read(body)


class _Reader:
    """Reads the body lines into articles; one instance per call of :func:`segment`."""

    def __init__(self, key: str, layout: _Layout) -> None:
        self.key = key
        self.layout = layout
        self.articles: list[Article] = []
        self.anomalies: list[Anomaly] = []
        self.current: _ArticleDraft | None = None
        self.chapter: int | None = None
        self.chapter_label = ""
        self.chapter_title: str | None = None
        self.chapter_anomaly: str | None = None
        self.last_number = 0
        self.last_label = ""
        # Whether the last line ended a paragraph, and whether it ended a sentence: a
        # full-width line can end a sentence without the widths showing a paragraph end.
        self.at_boundary = True
        self.after_sentence = True
        # Whether the current article has said "本办法自…起施行", after which come the
        # issuer's signature, the date and the annexes.
        self.in_force = False
        self.skipping = False

    def read(self, lines: Sequence[_Line]) -> Document:
        """Return the document read from ``lines``, which start at the first heading."""
        for index, line in enumerate(lines):
            following = lines[index + 1].text if index + 1 < len(lines) else None
            after_sentence = self.at_boundary or self.after_sentence
            if self.current is not None and after_sentence and _TRAILER.match(line.text):
                break
            chapter = _CHAPTER.match(line.text)
            number = _numeral(chapter["num"]) if chapter else None
            if chapter and number is not None and (after_sentence or self.current is None):
                self._chapter(number, chapter)
                if chapter["rest"]:
                    self._line(_Line(line.number, chapter["rest"]), following)
                continue
            self._line(line, following)
        self._finish()
        return Document(self.key, tuple(self.articles), tuple(self.anomalies))

    def _chapter(self, number: int, match: re.Match[str]) -> None:
        self._finish()
        label = match.group(0)[: match.start("title")].strip()
        previous = self.chapter or 0
        if self.chapter is None and number != 1:
            self.chapter_anomaly = f"the first chapter is {label}, not 第一章"
        elif self.chapter is not None:
            self.chapter_anomaly = _skip_message(label, self.chapter_label, previous, number)
        self.chapter, self.chapter_label = number, label
        self.chapter_title = _chapter_title(match["title"])
        self.at_boundary = self.after_sentence = True
        self.skipping = False

    def _line(self, line: _Line, following: str | None) -> None:
        heading = _article_heading(line, self.at_boundary or self.after_sentence, self.last_number)
        if heading is not None:
            article = self._start_article(line, heading)
            rest = heading["rest"].strip()
            if rest:
                self._text(article, rest, line.text, following, new_paragraph=True)
            return
        if self.current is None or self.skipping:
            return
        if self.in_force and not (
            self.at_boundary and (_ends_sentence(line.text) or self.layout.indented(line.text))
        ):
            # What follows the in-force sentence is the signature, the date and the
            # annexes, unless it reads as a further paragraph of the same article.
            self.skipping = True
            return
        self._text(self.current, line.text, line.text, following, new_paragraph=self.at_boundary)

    def _text(
        self,
        article: _ArticleDraft,
        text: str,
        whole: str,
        following: str | None,
        *,
        new_paragraph: bool,
    ) -> None:
        """Add one line's text; ``whole`` is the full line, heading included, for measuring."""
        paragraphs = article.paragraphs
        item = _ITEM.match(text)
        item_number = _parse_chinese(item["num"]) if item else None
        if (
            item_number is not None
            and paragraphs
            and self.after_sentence
            and item_number == paragraphs[-1].expected_item()
        ):
            # Items belong to the paragraph that introduces them.
            paragraphs[-1].items.append((item_number, [text]))
            first = True
        elif new_paragraph or not paragraphs:
            draft = _ParagraphDraft()
            if item_number == 1:
                draft.items.append((1, [text]))
            else:
                draft.intro.append(text)
            paragraphs.append(draft)
            first = True
        else:
            paragraphs[-1].add(text)
            first = False
        self.at_boundary = self.layout.ends_paragraph(whole, first, following)
        self.after_sentence = _ends_sentence(whole)
        if self.at_boundary and _IN_FORCE.match(paragraphs[-1].text()):
            self.in_force = True

    def _start_article(self, line: _Line, heading: re.Match[str]) -> _ArticleDraft:
        self._finish()
        number = _numeral(heading["num"]) or 0
        label = heading["label"]
        if not self.last_label:
            message = None if number == 1 else f"the first article is {label}, not 第一条"
        else:
            message = _skip_message(label, self.last_label, self.last_number, number)
        for problem in (self.chapter_anomaly, message):
            if problem is not None:
                self.anomalies.append(Anomaly(number, problem))
        self.chapter_anomaly = None
        self.current = _ArticleDraft(number, label, self.chapter, self.chapter_title, line.number)
        self.last_number, self.last_label = number, label
        self.at_boundary = self.after_sentence = True
        self.in_force = self.skipping = False
        return self.current

    def _finish(self) -> None:
        if self.current is None:
            return
        article = self.current.build()
        if not article.paragraphs:
            self.anomalies.append(Anomaly(article.number, f"{article.label} has no text"))
        self.articles.append(article)
        self.current = None
