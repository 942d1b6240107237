"""The regulations' texts as values: documents of 章/条/款/项, and the numerals that label them.

A :class:`Document` holds the articles of one regulation, each with its paragraphs and
items as cleaned text; :func:`segment` reads one from a raw text (its machinery is in
:mod:`govrules.segmenter`, loaded on first use: evaluating with a cached library reads
documents, it never segments one). :func:`label` and the numeral functions write and read
the citation labels 第十七条第一款.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import attrs

from govrules.errors import GovrulesError
from govrules.files import read_text

if TYPE_CHECKING:
    import pathlib

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
# Compiled on first use (module __getattr__ below): only the checks and the language server
# read it, and compiling its CJK classes costs half a millisecond of every start-up.
_ARTICLE_LABEL = (
    r"第[一二三四五六七八九十百零〇0-9０-９]+条(?:第[一二三四五六七八九十百零〇0-9０-９]+款)?"
    r"(?:第[一二三四五六七八九十百零〇0-9０-９]+项)?"
)
if TYPE_CHECKING:
    ARTICLE_LABEL: re.Pattern[str]
LARGEST_NUMERAL = 9999

if not TYPE_CHECKING:  # hidden from mypy, which would take any name of the module for it

    def __getattr__(name: str) -> re.Pattern[str]:
        if name == "ARTICLE_LABEL":
            pattern = re.compile(_ARTICLE_LABEL)
            globals()[name] = pattern
            return pattern
        raise AttributeError(f"module 'govrules.texts' has no attribute {name!r}")


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
    import importlib.resources

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


def segment(raw: str, key: str = "") -> Document:
    """Return the articles of the regulation in ``raw``, with paragraphs and items."""
    from govrules.segmenter import segment as read

    return read(raw, key)
