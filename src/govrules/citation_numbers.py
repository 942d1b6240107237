"""Do the numbers of a rule set's values appear in the articles they cite?

A parameter ``filing_period = 7 workdays cites 第十七条第一款`` is only as good as its
citation: the text of 第十七条第一款 must say 7 (as ``7``, ``７`` or ``七``). Fourteen days
may be written as two weeks (``每２周``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from govrules import nodes as n
from govrules.texts import LARGEST_NUMERAL, Document, to_chinese_numeral

_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_DIGITS = frozenset("0123456789０１２３４５６７８９")


def spellings(amount: int, unit: str | None) -> tuple[str, ...]:
    """Return the ways a source text may write ``amount`` of ``unit``."""
    forms = _written(amount)
    if unit == "days" and amount % 7 == 0:
        forms += [f"{w}周" for w in _written(amount // 7)]
    return tuple(forms)


def _written(amount: int) -> list[str]:
    """Return ``amount`` in digits, full-width digits and, where it has one, a Chinese numeral.

    A number too large for a Chinese numeral (10000 workdays) can still be cited, in digits;
    one too long for ``str`` (over 4300 digits) cannot appear in any text.
    """
    if amount.bit_length() > 64:
        return []
    forms = [str(amount), str(amount).translate(_FULL_WIDTH)]
    if 0 <= amount <= LARGEST_NUMERAL:
        forms.append(to_chinese_numeral(amount))
    return forms


def appears(amount: int, unit: str | None, text: str) -> bool:
    """Return whether ``text`` states ``amount`` (not as part of a longer number)."""
    for form in spellings(amount, unit):
        if form[0] in _DIGITS:
            pattern = rf"(?<![0-9０-９]){re.escape(form)}(?![0-9０-９])"
        elif form.endswith("周"):
            pattern = re.escape(form)
        else:
            numeral = "[一二三四五六七八九十百零〇]"
            pattern = rf"(?<!{numeral}){re.escape(form)}(?!{numeral})"
        if re.search(pattern, text):
            return True
    return False


def unsupported(
    doc: Document, value: n.Expr, cites: tuple[n.Citation, ...]
) -> Iterator[tuple[int, str]]:
    """Yield (number, labels) for numbers of ``value`` that none of ``cites`` states."""
    amounts: list[tuple[int, str | None]] = []
    items = value.items if isinstance(value, n.ListLit) else (value,)
    for item in items:
        if isinstance(item, n.Quantity):
            amounts.append((item.amount, item.unit))
        elif isinstance(item, n.Number):
            amounts.append((item.value, None))
    if not amounts or not cites:
        return
    texts = [t for c in cites if (t := doc.unit_text(c.article, c.paragraph, c.item)) is not None]
    if not texts:
        return  # the citation itself is reported missing elsewhere
    labels = "、".join(c.label for c in cites)
    for amount, unit in amounts:
        if not any(appears(amount, unit, t) for t in texts):
            yield amount, labels
