"""The three-rule micro policy (benchmarks/micro/micro.rules) checked by hand, three ways.

The records are flat, as a caller's database would hold them::

    {"opened_on": "2024-03-01", "filed_on": "2024-03-09",
     "last_post_gap_days": 17, "server_region": "abroad"}

and the rules are those of ``micro.rules``: a gap of 14 days or more without a post between
the two posts ``last_post_gap_days`` apart (so a gap of more than 14 days between posts), a
server abroad, and filing more than 10 calendar days after opening.

- ``codes``: the bare check, the sorted violation codes;
- ``explained_eager``: one verdict per rule, as the engine returns them: subject, obligation,
  outcome, the citation of the article (title, label and its text) and the Chinese
  explanation with the dates computed (the review period, the run without posts, the filing
  deadline), rendered when the verdict is built;
- ``explained_lazy``: the same verdicts, their explanation rendered on first read, as the
  engine's ``LazyVerdict`` does.

The explanations are word for word the engine's (the benchmark asserts it on every record).
``facts`` turns a record into govrules facts for the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

ON = dt.date(2025, 7, 1)
REFERENCE = dt.date(2025, 6, 30)  # the later of the two posts: the end of the review period
REFERENCE_ISO = REFERENCE.isoformat()
FILING_PERIOD = dt.timedelta(days=10)
UPDATE_INTERVAL = 14
ONE_DAY = dt.timedelta(days=1)
REGIONS = {
    "abroad": "境外",
    "other_province": "外省",
    "same_province": "本省",
    "same_county": "本县",
}
fromiso = dt.date.fromisoformat


class Citation(NamedTuple):
    """The article a verdict rests on."""

    document: str
    title: str
    label: str
    text: str


TITLE = "《微型政务新媒体管理办法》"
ART2 = (Citation("micro", TITLE, "第二条", "政务新媒体开办后，应于10日内备案。"),)
ART3 = (Citation("micro", TITLE, "第三条", "政务新媒体更新间隔不得超过14天。"),)
ART4 = (Citation("micro", TITLE, "第四条", "政务新媒体的服务器不得放在境外。"),)
HEAD = {
    ("gap", True): f"符合「更新间隔不得超过14天」（依据{TITLE}第三条）：",
    ("gap", False): f"违反「更新间隔不得超过14天」（依据{TITLE}第三条）：",
    ("abroad", True): f"符合「服务器不得放在境外」（依据{TITLE}第四条）：",
    ("abroad", False): f"违反「服务器不得放在境外」（依据{TITLE}第四条）：",
    ("late_filing", True): f"符合「开办后10日内备案」（依据{TITLE}第二条）：",
    ("late_filing", False): f"违反「开办后10日内备案」（依据{TITLE}第二条）：",
}


def facts(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the record as govrules facts: one account, its opening event and two posts."""
    first = (REFERENCE - dt.timedelta(days=record["last_post_gap_days"])).isoformat()
    return {
        "period": {"start": first, "end": REFERENCE_ISO},
        "accounts": [
            {
                "id": "a",
                "server_region": record["server_region"],
                "events": [
                    {"type": "open", "date": record["opened_on"], "filed_on": record["filed_on"]}
                ],
                "posts": [{"date": first}, {"date": REFERENCE_ISO}],
            }
        ],
    }


def codes(record: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the sorted violation codes of one record: the bare hand-written check."""
    out = []
    if record["server_region"] == "abroad":
        out.append("abroad")
    if record["last_post_gap_days"] > UPDATE_INTERVAL:
        out.append("gap")
    if fromiso(record["filed_on"]) > fromiso(record["opened_on"]) + FILING_PERIOD:
        out.append("late_filing")
    return tuple(out)


# --- explanations ----------------------------------------------------------------------


def _gap_text(ok: bool, first: dt.date) -> str:
    if ok:
        runs = "无"
    else:
        days = (REFERENCE - first).days - 1
        runs = f"{first + ONE_DAY}至{REFERENCE - ONE_DAY}（{days}天）"
    return (
        f"{HEAD['gap', ok]}审查期{first}至{REFERENCE}，"
        f"连续{UPDATE_INTERVAL}天及以上无更新的时段：{runs}"
    )


def _abroad_text(ok: bool, region: str) -> str:
    return f"{HEAD['abroad', ok]}服务器所在地{REGIONS[region]}"


def _filing_text(ok: bool, opened: dt.date, deadline: dt.date, filed: dt.date) -> str:
    return f"{HEAD['late_filing', ok]}开办日期{opened}，备案期限{deadline}，实际备案日期{filed}"


class Verdict:
    """An explained verdict, its explanation rendered when it is built."""

    __slots__ = ("citations", "explanation", "obligation", "outcome", "subject")

    def __init__(
        self,
        subject: str,
        obligation: str,
        ok: bool,
        citations: tuple[Citation, ...],
        explanation: str,
    ) -> None:
        self.subject = subject
        self.obligation = obligation
        self.outcome = "compliant" if ok else "violation"
        self.citations = citations
        self.explanation = explanation


class LazyVerdict:
    """An explained verdict whose explanation is rendered on first read."""

    __slots__ = ("_args", "_render", "_text", "citations", "obligation", "outcome", "subject")

    def __init__(
        self,
        subject: str,
        obligation: str,
        ok: bool,
        citations: tuple[Citation, ...],
        render: Any,
        args: tuple[Any, ...],
    ) -> None:
        self.subject = subject
        self.obligation = obligation
        self.outcome = "compliant" if ok else "violation"
        self.citations = citations
        self._render = render
        self._args = args
        self._text: str | None = None

    @property
    def explanation(self) -> str:
        """Return the explanation, rendering it on first use."""
        if self._text is None:
            self._text = self._render(*self._args)
        return self._text


def explained_eager(record: Mapping[str, Any]) -> list[Verdict]:
    """Return the three verdicts of one record with their explanations rendered."""
    gap = record["last_post_gap_days"]
    ok_gap = gap <= UPDATE_INTERVAL
    first = REFERENCE - dt.timedelta(days=gap)
    region = record["server_region"]
    ok_region = region != "abroad"
    opened, filed = fromiso(record["opened_on"]), fromiso(record["filed_on"])
    deadline = opened + FILING_PERIOD
    ok_filed = filed <= deadline
    return [
        Verdict("accounts[0]", "gap", ok_gap, ART3, _gap_text(ok_gap, first)),
        Verdict("accounts[0]", "abroad", ok_region, ART4, _abroad_text(ok_region, region)),
        Verdict(
            "accounts[0].events[0]",
            "late_filing",
            ok_filed,
            ART2,
            _filing_text(ok_filed, opened, deadline, filed),
        ),
    ]


def explained_lazy(record: Mapping[str, Any]) -> list[LazyVerdict]:
    """Return the three verdicts of one record, their explanations rendered when read."""
    gap = record["last_post_gap_days"]
    ok_gap = gap <= UPDATE_INTERVAL
    first = REFERENCE - dt.timedelta(days=gap)
    region = record["server_region"]
    ok_region = region != "abroad"
    opened, filed = fromiso(record["opened_on"]), fromiso(record["filed_on"])
    deadline = opened + FILING_PERIOD
    ok_filed = filed <= deadline
    return [
        LazyVerdict("accounts[0]", "gap", ok_gap, ART3, _gap_text, (ok_gap, first)),
        LazyVerdict("accounts[0]", "abroad", ok_region, ART4, _abroad_text, (ok_region, region)),
        LazyVerdict(
            "accounts[0].events[0]",
            "late_filing",
            ok_filed,
            ART2,
            _filing_text,
            (ok_filed, opened, deadline, filed),
        ),
    ]
