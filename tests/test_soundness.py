"""A decided verdict stays decided: supplying a missing fact never changes it.

The law of the three-valued core (docs/outcomes.md): a verdict is compliant, a violation or
not applicable only when every value of the missing facts gives that outcome. A verdict
that rests on a presumption, or on an exception the facts do not claim, is excluded: those
are readings of absence, not unknowns, and say so in ``Verdict.presumed`` and
``Verdict.unclaimed``.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import govrules
from govrules import Outcome

DAY = st.dates(min_value=dt.date(2019, 6, 1), max_value=dt.date(2025, 6, 30))
BOOL = st.booleans()
DECIDED = (Outcome.COMPLIANT, Outcome.VIOLATION, Outcome.NOT_APPLICABLE)
ON = dt.date(2025, 9, 1)

# Facts whose absence has a meaning of its own, so they are not unknowns: exception claims
# (absent: not claimed), a repost's source (absent: none credited) and approval dates, of
# which Luju and Chengjiang read the event's in place of the account's when it is given.
CLOSED_WORLD = {"force_majeure", "extended", "extension_approved", "server_site_decided",
                "vertical_rules", "source", "approved_on"}  # fmt: skip

ACCOUNT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "platform": st.sampled_from(["wechat", "weibo", "douyin", "app", "mini_program", "other"]),
    "platform_approved": BOOL,
    "opened_by": st.sampled_from(["unit", "internal_body", "individual"]),
    "purpose": st.sampled_from(["regular", "special_event"]),
    "collective_decision": BOOL,
    "leader_approved": BOOL,
    "name_mentions_region": BOOL,
    "name_approved": BOOL,
    "server_region": st.sampled_from(["abroad", "other_province", "same_province", "same_county"]),
    "foreign_hosting": BOOL,
    "local_data_service": BOOL,
    "news_service": BOOL,
    "news_license": BOOL,
    "commercial_activity": BOOL,
    "bought_followers": BOOL,
    "auto_login": BOOL,
    "mobile_vpn": BOOL,
    "staff_trained": BOOL,
    "notices": st.integers(0, 5),
}
EVENT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "filed_on": DAY,
    "announced_on": DAY,
    "collective_decision": BOOL,
    "leader_approved": BOOL,
}
UNIT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "kind": st.sampled_from(["government", "department", "township_government", "institution"]),
    "level": st.sampled_from(["province", "county", "township"]),
    "own_website": BOOL,
}
OBJECTION_VALUES: dict[str, st.SearchStrategy[Any]] = {"received_on": DAY, "resolved_on": DAY}
OFFLINE_VALUES: dict[str, st.SearchStrategy[Any]] = {"approved": BOOL, "announced": BOOL}


def _some(values: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=values)  # type: ignore[arg-type]


EVENT = st.builds(
    lambda base, extra: {**base, **extra},
    st.fixed_dictionaries(
        {"type": st.sampled_from(["open", "change", "close", "cancel"]), "date": DAY}
    ),
    _some(EVENT_VALUES),
)
POST = st.fixed_dictionaries({"date": DAY}, optional={"original": BOOL, "repost": BOOL})
ACCOUNT = st.builds(
    lambda extra, events, posts: {**extra, **events, **posts},
    _some(ACCOUNT_VALUES),
    _some({"events": st.lists(EVENT, max_size=2)}),
    _some({"posts": st.lists(POST, max_size=6)}),
)


@st.composite
def facts(draw: st.DrawFn) -> dict[str, Any]:
    """Return facts with a random part of the vocabulary left out."""
    out: dict[str, Any] = {}
    if draw(BOOL):
        out["unit"] = draw(_some(UNIT_VALUES))
    accounts = draw(st.lists(ACCOUNT, max_size=3))
    for i, account in enumerate(accounts):
        account["id"] = f"a{i}"
        dates = [e["date"] for e in account.get("events", [])]
        dates += [p["date"] for p in account.get("posts", [])]
        if draw(BOOL):
            # An account exists before anything happens to it.
            first = min(dates, default=dt.date(2025, 6, 30))
            account["opened_on"] = draw(DAY.filter(lambda d, first=first: d <= first))
    out["accounts"] = accounts
    if draw(BOOL):
        start = draw(DAY)
        out["period"] = {"start": start, "end": start + dt.timedelta(days=draw(st.integers(0, 40)))}
    if draw(BOOL):
        out["objections"] = draw(st.lists(_some(OBJECTION_VALUES), max_size=2))
    if draw(BOOL):
        spells = []
        for _ in range(draw(st.integers(0, 2))):
            start = draw(DAY)
            spell = {"start": start, "end": start + dt.timedelta(days=draw(st.integers(0, 40)))}
            spells.append({**spell, **draw(_some(OFFLINE_VALUES))})
        out["website"] = {"offline": spells}
    return out


def _holes(f: dict[str, Any]) -> list[tuple[list[Any], str, st.SearchStrategy[Any]]]:
    """Return (path to the holder, key, values) for every fact that could be supplied."""
    holes: list[tuple[list[Any], str, st.SearchStrategy[Any]]] = []

    def add(path: list[Any], holder: dict[str, Any], values: dict[str, Any]) -> None:
        holes.extend(
            (path, k, v) for k, v in values.items() if k not in holder and k not in CLOSED_WORLD
        )

    if "unit" in f:
        add(["unit"], f["unit"], UNIT_VALUES)
    for i, account in enumerate(f["accounts"]):
        add(["accounts", i], account, ACCOUNT_VALUES)
        if "opened_on" not in account:
            # An opening no later than anything known to have happened to the account.
            dates = [e["date"] for e in account.get("events", [])]
            dates += [p["date"] for p in account.get("posts", [])]
            first = min(dates, default=dt.date(2025, 6, 30))
            holes.append((["accounts", i], "opened_on", DAY.filter(lambda d, f=first: d <= f)))
        for j, event in enumerate(account.get("events", [])):
            add(["accounts", i, "events", j], event, EVENT_VALUES)
    for i, objection in enumerate(f.get("objections", [])):
        add(["objections", i], objection, OBJECTION_VALUES)
    for i, spell in enumerate(f.get("website", {}).get("offline", [])):
        add(["website", "offline", i], spell, OFFLINE_VALUES)
    return holes


def _decided(decision: govrules.Decision) -> dict[tuple[str, str], tuple[Outcome, ...]]:
    """Return the outcomes each decided verdict allows once more facts are known.

    A requirement met whatever the rule's condition is compliant (CONTRACT §8) and says
    applicability was open (无论是否适用均符合): a fact that settles the condition may turn it
    into not applicable, and only that.
    """
    out: dict[tuple[str, str], tuple[Outcome, ...]] = {}
    for v in decision.verdicts:
        if v.outcome not in DECIDED or v.presumed or v.unclaimed:
            continue
        allowed: tuple[Outcome, ...] = (v.outcome,)
        if v.outcome is Outcome.COMPLIANT and "无论是否适用均符合" in v.explanation:
            allowed = (Outcome.COMPLIANT, Outcome.NOT_APPLICABLE)
        out[(v.obligation, v.subject)] = allowed
    return out


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    jurisdiction=st.sampled_from(["yunnan", "puding", "luju", "chengjiang_meteorology", "anyue"]),
    given_facts=facts(),
    data=st.data(),
)
def test_supplying_a_missing_fact_never_changes_a_decided_verdict(
    jurisdiction: str, given_facts: dict[str, Any], data: st.DataObject
) -> None:
    """Every decided verdict (no presumption, no unclaimed exception) survives a new fact."""
    before = _decided(govrules.evaluate(given_facts, jurisdiction, ON))
    holes = _holes(given_facts)
    if not holes:
        return
    path, key, values = data.draw(st.sampled_from(holes))
    more = copy.deepcopy(given_facts)
    holder: Any = more
    for step in path:
        holder = holder[step]
    holder[key] = data.draw(values)
    after = {
        (v.obligation, v.subject): v.outcome
        for v in govrules.evaluate(more, jurisdiction, ON).verdicts
    }
    changed = {k: (was, after.get(k)) for k, was in before.items() if after.get(k) not in was}
    assert changed == {}, (path, key, holder[key])
