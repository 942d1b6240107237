"""Segmenting the regulations' raw texts into 章/条/款/项: chapters, articles, paragraphs, items.

The texts are plain-text extractions of official documents. Two layouts occur:

* hard-wrapped: every printed line of the original is a line of the file, usually
  with blank lines between them (yunnan, puding, luju);
* one paragraph per line, with the occasional stray line break (the bureau, anyue).

:func:`segment` works out which layout a text has, skips the preamble (the 通知 that
precedes the measure), the annexes and the issuer's trailer, drops page numbers and
Word bookmark tags, and returns a :class:`Document` whose articles carry their
paragraphs and items as cleaned text.
"""

from __future__ import annotations

import functools
import importlib.resources
import pathlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import attrs

from govrules.errors import GovrulesError
from govrules.files import read_text

__all__ = [
    "Anomaly",
    "Article",
    "Document",
    "Item",
    "Paragraph",
    "TextLookupError",
    "chinese_numeral",
    "label",
    "load",
    "load_path",
    "segment",
    "to_chinese_numeral",
]

TEXTS_PACKAGE = "govrules.policies.texts"


class TextLookupError(GovrulesError, LookupError):
    """A bundled text, an article or a paragraph that does not exist."""


_DIGIT_VALUES = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT_VALUES = {"十": 10, "百": 100, "千": 1000}
_ZEROS = "零〇"
_DIGIT_NAMES = "零一二三四五六七八九"
_ARABIC = re.compile(r"[0-9０-９]+")
# A reference to an article as authors and texts write it: 第十七条, 第十七条第一款第二项.
ARTICLE_LABEL = re.compile(
    r"第[一二三四五六七八九十百零〇0-9０-９]+条(?:第[一二三四五六七八九十百零〇0-9０-９]+款)?"
    r"(?:第[一二三四五六七八九十百零〇0-9０-９]+项)?"
)
LARGEST_NUMERAL = 9999


def chinese_numeral(text: str) -> int:
    """Return the value of a numeral as headings write it: 十七, 四十九, 一百零一, 4 or ４."""
    if _ARABIC.fullmatch(text):
        # int() reads full-width digits as well as ASCII ones.
        return int(text)
    value = _parse_chinese(text)
    if value is None:
        raise ValueError(f"not a numeral: {text!r}")
    return value


def _parse_chinese(text: str) -> int | None:
    """Return the value of a standard Chinese numeral below 10000, or None if malformed."""
    if text in ("零", "〇"):
        return 0
    total = 0
    pending: int | None = None
    last_unit: int | None = None
    gap = False
    for index, char in enumerate(text):
        if char in _ZEROS:
            # 零 only stands between two non-zero groups: 一百零一, not 零一 or 一百零.
            if pending is not None or gap or last_unit is None or index == len(text) - 1:
                return None
            gap = True
        elif char in _DIGIT_VALUES:
            if pending is not None:
                return None
            pending = _DIGIT_VALUES[char]
        elif char in _UNIT_VALUES:
            unit = _UNIT_VALUES[char]
            if pending is None:
                # 十七 means 一十七, but only at the start: 一百十 is not standard.
                if index != 0 or unit != 10:
                    return None
                pending = 1
            if last_unit is not None:
                step_ok = unit <= last_unit // 100 if gap else unit == last_unit // 10
                if not step_ok:
                    return None
            total += pending * unit
            last_unit, pending, gap = unit, None, False
        else:
            return None
    if pending is not None:
        if last_unit is not None and not (last_unit >= 100 if gap else last_unit == 10):
            return None
        total += pending
    elif gap or last_unit is None:
        return None
    return total


def to_chinese_numeral(n: int) -> str:
    """Return ``n`` written as a standard Chinese numeral: 17 -> 十七, 101 -> 一百零一."""
    if not 0 <= n <= LARGEST_NUMERAL:
        raise ValueError(f"cannot write {n} as a Chinese numeral (supported: 0–{LARGEST_NUMERAL})")
    if n == 0:
        return "零"
    parts: list[str] = []
    gap = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            gap = bool(parts)
            continue
        if gap:
            parts.append("零")
            gap = False
        parts.append(_DIGIT_NAMES[digit] + name)
    text = "".join(parts)
    # Standard usage drops the leading 一 only for 10–19: 十七, but 一百一十.
    return text[1:] if 10 <= n < 20 else text


def label(article: int, paragraph: int | None = None, item: int | None = None) -> str:
    """Return the citation label of a provision: 17, 2 -> 第十七条第二款."""
    for kind, number in (("article", article), ("paragraph", paragraph), ("item", item)):
        if number is not None and number < 1:
            raise ValueError(f"{kind} numbers start at 1, not {number}")
    text = f"第{to_chinese_numeral(article)}条"
    if paragraph is not None:
        text += f"第{to_chinese_numeral(paragraph)}款"
    if item is not None:
        text += f"第{to_chinese_numeral(item)}项"
    return text


@attrs.frozen
class Item:
    """One 项 of a paragraph; ``text`` is without its "（一）" marker."""

    number: int
    text: str


@attrs.frozen
class Paragraph:
    """One 款 of an article; ``text`` is the whole paragraph, items included."""

    number: int
    text: str
    items: tuple[Item, ...] = ()


@attrs.frozen
class Article:
    """One 条: its number, its heading as written, its chapter and its paragraphs."""

    number: int
    label: str
    chapter: int | None
    chapter_title: str | None
    text: str
    paragraphs: tuple[Paragraph, ...]
    line: int

    def paragraph(self, n: int) -> Paragraph:
        """Return paragraph (款) ``n``, counted from 1."""
        if 1 <= n <= len(self.paragraphs):
            return self.paragraphs[n - 1]
        have = f"1–{len(self.paragraphs)}" if len(self.paragraphs) > 1 else "1"
        if not self.paragraphs:
            have = "none"
        raise TextLookupError(f"{self.label} has no paragraph {n} (it has {have})")


@attrs.frozen
class Anomaly:
    """Something odd about the source's numbering, kept so citations can mention it."""

    article: int
    message: str


@attrs.frozen
class Document:
    """The articles of one regulation, in source order, and the anomalies found."""

    key: str
    articles: tuple[Article, ...]
    anomalies: tuple[Anomaly, ...] = ()

    @property
    def numbers(self) -> tuple[int, ...]:
        """Return the article numbers in source order."""
        return tuple(article.number for article in self.articles)

    def has(self, n: int) -> bool:
        """Return whether the document has an article numbered ``n``."""
        return any(article.number == n for article in self.articles)

    def article(self, n: int) -> Article:
        """Return the article numbered ``n`` (the first one, should the source repeat it)."""
        for article in self.articles:
            if article.number == n:
                return article
        name = self.key or "the document"
        raise TextLookupError(f"{name} has no article {n} (it has {_ranges(self.numbers)})")

    def unit_text(self, article: int, paragraph: int | None, item: int | None) -> str | None:
        """Return the text of a cited 条, 款 or 项, or None if the document lacks it.

        An item cited without a paragraph (第十四条第八项) belongs to the first paragraph,
        as in an article of one paragraph.
        """
        if not self.has(article):
            return None
        found = self.article(article)
        if paragraph is None and item is not None:
            paragraph = 1
        if paragraph is None:
            return found.text
        if not 1 <= paragraph <= len(found.paragraphs):
            return None
        para = found.paragraph(paragraph)
        if item is None:
            return para.text
        return para.items[item - 1].text if 1 <= item <= len(para.items) else None


def _ranges(numbers: Sequence[int]) -> str:
    """Return ``numbers`` as compact runs: 1–39, 49."""
    if not numbers:
        return "none"
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in runs)


@functools.cache
def load(key: str) -> Document:
    """Return the bundled text ``policies/texts/{key}.txt``, segmented."""
    folder = importlib.resources.files(TEXTS_PACKAGE)
    resource = folder / f"{key}.txt"
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", key) or not resource.is_file():
        available = sorted(
            entry.name.removesuffix(".txt")
            for entry in folder.iterdir()
            if entry.name.endswith(".txt")
        )
        raise TextLookupError(
            f"no bundled text {key!r} (available: {', '.join(available) or 'none'})"
        )
    return segment(read_text(resource), key)


def load_path(path: pathlib.Path) -> Document:
    """Return the text file at ``path`` segmented; its key is the file name's stem."""
    return segment(read_text(path), path.stem)


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
