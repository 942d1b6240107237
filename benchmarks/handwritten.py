"""The yunnan obligations checked by hand in plain Python, as the benchmark's yardstick.

This is the code a developer would write instead of a rule set: read the facts, parse the
dates, count working days with ``WorkdayCalendar``, and return one outcome per obligation and
subject. It mirrors ``policies/yunnan.rules`` rule by rule, including what the engine does
with an absent fact (the verdict is undetermined) and with a governing date before the
measure took effect (the rule does not apply), so that the benchmark can assert that both
give the same outcomes before it times them. It renders no explanation, cites nothing and
validates nothing: that is the work the engine does on top.

``None`` stands for "unknown" and the helpers follow Kleene's logic, as the engine does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from govrules.calendar import WorkdayCalendar

C, V, NA, U = "compliant", "violation", "not_applicable", "undetermined"

EFFECTIVE = dt.date(2019, 9, 10)  # ruleset yunnan: effective
PUBLICATION = dt.date(2019, 8, 5)  # param publication_date
FILING_PERIOD = 7  # workdays, 第十七条第一款
ANNOUNCEMENT_PERIOD = 15  # workdays, 第十八条
ORIGINAL_INTERVAL = 14  # days, 第二十三条
OBJECTION_PERIOD = 7  # workdays, 第四十五条第二款
OBJECTION_EXTENDED = 30  # workdays, 第四十五条第二款
TRANSITION_PERIOD = 60  # workdays, 第四十七条
OBLIGED_KINDS = ("government", "department")
OBLIGED_LEVELS = ("province", "prefecture", "county")
APP_SERVER_REGIONS = ("same_province", "same_county")
CHANGES = ("change", "close", "cancel")

Outcomes = list[tuple[str, str, str]]


def _date(value: Any) -> dt.date | None:
    """Return an ISO date string (or a date) as a date; None stays None."""
    if value is None or type(value) is dt.date:
        return value
    return dt.date.fromisoformat(value)


def _and(a: bool | None, b: bool | None) -> bool | None:
    """Return Kleene's a and b: false wins over unknown."""
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: bool | None, b: bool | None) -> bool | None:
    """Return Kleene's a or b: true wins over unknown."""
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _not(a: bool | None) -> bool | None:
    """Return not a, unknown staying unknown."""
    return None if a is None else not a


def _require(ok: bool | None) -> str:
    """Return the outcome of a rule whose requirement is ``ok``."""
    if ok is None:
        return U
    return C if ok else V


def _applies(cond: bool | None, ok: bool | None) -> str:
    """Return the outcome of a rule with one ``when`` condition and one requirement."""
    if cond is None:
        return U
    if not cond:
        return NA
    return _require(ok)


def _ne(value: str | None, other: str) -> bool | None:
    """Return value != other, unknown when the value is absent."""
    return None if value is None else value != other


def check(facts: Mapping[str, Any], cal: WorkdayCalendar, on: dt.date) -> Outcomes:
    """Return (subject, obligation, outcome) for every yunnan obligation and subject."""
    if on < EFFECTIVE:
        raise NotImplementedError("the hand-written check assumes yunnan is in force on 'on'")
    out: Outcomes = []
    add = out.append
    unit = facts.get("unit")
    accounts = facts.get("accounts")
    period = facts.get("period")

    # 第十二条第一款: must_open
    if unit is None:
        obliged: bool | None = None
    else:
        kind, level = unit.get("kind"), unit.get("level")
        obliged = _and(
            None if kind is None else kind in OBLIGED_KINDS,
            None if level is None else level in OBLIGED_LEVELS,
        )
    add(("unit", "must_open", _applies(obliged, None if accounts is None else len(accounts) >= 1)))

    for i, acc in enumerate(accounts or ()):
        subject = f"accounts[{i}]"
        get = acc.get
        platform = get("platform")
        opened_by = get("opened_by")
        opened_on = _date(get("opened_on"))
        region = get("server_region")

        # 第十二条第一款
        if platform is None:
            add((subject, "one_account_per_platform", NA))
        else:
            others = [a.get("platform") for a in accounts]
            if None in others:
                add((subject, "one_account_per_platform", U))
            else:
                add((subject, "one_account_per_platform", _require(others.count(platform) <= 1)))
        add((subject, "no_special_event_account", _require(_ne(get("purpose"), "special_event"))))
        add((subject, "no_individual_account", _require(_ne(opened_by, "individual"))))
        add((subject, "no_internal_body_account", _require(_ne(opened_by, "internal_body"))))
        add((subject, "approved_platform", _require(get("platform_approved"))))
        # 第十二条第二款: governed by the opening date
        if opened_on is None:
            add((subject, "opening_decision", U))
        elif opened_on < EFFECTIVE:
            add((subject, "opening_decision", NA))
        else:
            decided = _and(get("collective_decision"), get("leader_approved"))
            by_unit = None if opened_by is None else opened_by == "unit"
            add((subject, "opening_decision", _applies(by_unit, decided)))
        # 第十六条
        add((subject, "name_approval", _applies(get("name_mentions_region"), get("name_approved"))))

        # 第二十二条、第二十三条、第二十五条: the review period and the posts
        start = end = None
        if period is not None and opened_on is not None and "start" in period:
            start = max(_date(period["start"]), opened_on)
        if period is not None and "end" in period:
            end = min(_date(period["end"]), on)
        posts = get("posts")
        if start is None or end is None or posts is None:
            daily = fortnightly = U
        elif end < start:
            daily = fortnightly = C
        else:
            dates = {_date(p["date"]) for p in posts}
            daily = _require(all(d in dates for d in cal.workdays_in(start, end)))
            originals = sorted(
                d for p in posts if p.get("original") and start <= (d := _date(p["date"])) <= end
            )
            longest, before = 0, start - dt.timedelta(days=1)
            for d in [*originals, end + dt.timedelta(days=1)]:
                longest = max(longest, (d - before).days - 1)
                before = d
            fortnightly = _require(longest < ORIGINAL_INTERVAL)
        add((subject, "daily_update", daily))
        add((subject, "fortnightly_original", fortnightly))
        if posts is None:
            add((subject, "repost_source", U))
        else:
            unsourced = any(p.get("repost") and "source" not in p for p in posts)
            add((subject, "repost_source", _require(not unsourced)))

        # 第三十条 to 第三十九条
        add((subject, "news_license", _applies(get("news_service"), get("news_license"))))
        add((subject, "no_commercial_activity", _require(_not(get("commercial_activity")))))
        add((subject, "no_bought_followers", _require(_not(get("bought_followers")))))
        add((subject, "no_auto_login", _require(_not(get("auto_login")))))
        add((subject, "mobile_vpn", _require(get("mobile_vpn"))))
        add((subject, "staff_trained", _require(get("staff_trained"))))
        abroad = _and(_ne(region, "abroad"), _not(get("foreign_hosting")))
        add((subject, "no_servers_abroad", _require(abroad)))
        add(
            (
                subject,
                "app_server_local",
                _applies(
                    get("local_data_service"),
                    None if region is None else region in APP_SERVER_REGIONS,
                ),
            )
        )

        # 第四十七条: accounts opened before publication file within 60 working days of it
        events = get("events")
        if opened_on is None:
            transition = U
        elif opened_on >= PUBLICATION:
            transition = NA
        elif events is None:
            transition = U
        else:
            deadline = cal.add_workdays(PUBLICATION, TRANSITION_PERIOD)
            in_time: bool | None = False
            for ev in events:
                if ev["type"] != "open":
                    continue
                filed = _date(ev.get("filed_on"))
                if filed is None:
                    in_time = None
                    break
                in_time = in_time or filed <= deadline
            transition = _require(in_time)
        add((subject, "transition_filing", transition))

        # 第十七条、第十八条: one verdict per event, governed by its date
        for j, ev in enumerate(events or ()):
            esubject = f"{subject}.events[{j}]"
            day = _date(ev["date"])
            if day < EFFECTIVE:
                add((esubject, "filing_deadline", NA))
                add((esubject, "change_close_decision", NA))
                add((esubject, "change_close_announcement", NA))
                continue
            deadline = cal.add_workdays(day, FILING_PERIOD)
            filed = _date(ev.get("filed_on"))
            add(
                (
                    esubject,
                    "filing_deadline",
                    _require(None if filed is None else filed <= deadline),
                )
            )
            changes = ev["type"] in CHANGES
            decided = _or(ev.get("collective_decision"), ev.get("leader_approved"))
            add((esubject, "change_close_decision", _applies(changes, decided)))
            if not changes:
                add((esubject, "change_close_announcement", NA))
                continue
            announced = _date(ev.get("announced_on"))
            if announced is None:
                add((esubject, "change_close_announcement", U))
                continue
            last_full_day = cal.add_workdays(announced, ANNOUNCEMENT_PERIOD)
            add((esubject, "change_close_announcement", _require(last_full_day < day)))

    # 第四十五条第二款
    for k, ob in enumerate(facts.get("objections") or ()):
        subject = f"objections[{k}]"
        received = _date(ob.get("received_on"))
        if received is None:
            add((subject, "objection_deadline", U))
            continue
        if received < EFFECTIVE:
            add((subject, "objection_deadline", NA))
            continue
        resolved = _date(ob.get("resolved_on"))
        deadline = cal.add_workdays(received, OBJECTION_PERIOD)
        longest = cal.add_workdays(received, OBJECTION_EXTENDED)
        in_time = None if resolved is None else resolved <= deadline
        extended = _and(
            _and(ob.get("extended"), ob.get("extension_approved")),
            None if resolved is None else resolved <= longest,
        )
        add((subject, "objection_deadline", _require(_or(in_time, extended))))
    return out
