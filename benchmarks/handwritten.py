"""The yunnan obligations checked by hand in plain Python, as the benchmark's yardstick.

This is the code a developer would write instead of a rule set: read the facts, parse the
dates, count working days with ``WorkdayCalendar``, and return one outcome per obligation and
subject. It mirrors ``policies/yunnan.rules`` (with the definitions of ``policies/common.rules``)
rule by rule for the facts the benchmarks give it: the presumptions (an account listed by
the unit was opened by the unit; the national platforms are approved; no events means not
closed), ``running()``, the review period (``review_from``, ``review_until``,
``review_from_settled``), app-type scoping, ``mobile_login``, governing dates, and the
outcome table of docs/outcomes.md (a requirement met whatever an unknown condition is, is
compliant; a deadline on or after ``on`` makes an unmet duty pending). It is checked against
the engine before every timing, so that the benchmark asserts both give the same outcomes.
It renders no explanation, cites nothing and validates nothing: that is the work the engine
does on top. Fact shapes the benchmarks do not produce (an event without a date, a posts list
with unknown dates) are not mirrored.

``None`` stands for "unknown" and the helpers follow Kleene's logic, as the engine does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from govrules.calendar import WorkdayCalendar

C, V, NA, U, P = "compliant", "violation", "not_applicable", "undetermined", "pending"

EFFECTIVE = dt.date(2019, 9, 10)  # ruleset yunnan: effective (in_force_from)
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
APPROVED_PLATFORMS = ("wechat", "weibo", "douyin", "toutiao", "kuaishou")
APP_PLATFORMS = ("app", "mini_program")
CHANGES = ("change", "close", "cancel")
ENDINGS = ("close", "cancel")
ONE_DAY = dt.timedelta(days=1)

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


def _ne(value: str | None, other: str) -> bool | None:
    """Return value != other, unknown when the value is absent."""
    return None if value is None else value != other


def _in(value: Any, options: tuple[str, ...]) -> bool | None:
    """Return value in options, unknown when the value is absent."""
    return None if value is None else value in options


def _le(a: dt.date | None, b: dt.date | None) -> bool | None:
    """Return a <= b, unknown when either is absent."""
    return None if a is None or b is None else a <= b


def _outcome(
    cond: bool | None, ok: bool | None, due: dt.date | None = None, on: dt.date | None = None
) -> str:
    """Return the outcome for conditions ``cond`` and requirement ``ok`` (docs/outcomes.md)."""
    if cond is False:
        return NA
    if ok is True:
        return C
    if cond is None:
        return U
    if due is not None and on is not None and due >= on:
        return P
    return U if ok is None else V


def _running(acc: Mapping[str, Any], day: dt.date) -> bool:
    """Return common's running(account, day): no close or cancel on or before ``day``."""
    for ev in acc.get("events") or ():  # presumed [] when absent
        if ev["type"] in ENDINGS and _date(ev["date"]) <= day:
            return False
    return True


def _known_since(acc: Mapping[str, Any]) -> dt.date | None:
    """Return common's known_since: opening date, else the earliest event or post date."""
    opened = _date(acc.get("opened_on"))
    if opened is not None:
        return opened
    events = acc.get("events")
    if events:
        return min(_date(ev["date"]) for ev in events)
    posts = acc.get("posts")
    if posts:
        return min(_date(p["date"]) for p in posts)
    return None


def _review(
    acc: Mapping[str, Any], period: Mapping[str, Any] | None, on: dt.date
) -> tuple[dt.date | None, dt.date | None, bool | None]:
    """Return the review period's start, end and whether its start is settled."""
    p_start = _date(period.get("start")) if period is not None else None
    p_end = _date(period.get("end")) if period is not None else None
    since = _known_since(acc)
    start = None
    if p_start is not None:
        start = max(p_start, since, EFFECTIVE) if since is not None else None
    end = None
    if p_end is not None:
        end = min(p_end, on)
        endings = [_date(ev["date"]) for ev in acc.get("events") or () if ev["type"] in ENDINGS]
        if endings:
            end = min(end, min(endings) - ONE_DAY)
    opened = _date(acc.get("opened_on"))
    from_ = None if p_start is None else max(p_start, EFFECTIVE)
    settled = _or(
        None if opened is None or since is None else opened >= since,
        None if since is None or from_ is None else since <= from_,
    )
    return start, end, settled


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
        obliged = _and(_in(unit.get("kind"), OBLIGED_KINDS), _in(unit.get("level"), OBLIGED_LEVELS))
    running_now = None if accounts is None else sum(_running(a, on) for a in accounts)
    add(("unit", "must_open", _outcome(obliged, None if running_now is None else running_now >= 1)))

    for i, acc in enumerate(accounts or ()):
        subject = f"accounts[{i}]"
        get = acc.get
        platform = get("platform")
        opened_by = get("opened_by", "unit")  # presumed (common)
        opened_on = _date(get("opened_on"))
        region = get("server_region")
        running = _running(acc, on)
        events = get("events")

        # 第十二条第一款
        if platform is None:
            same: bool | None = None
        else:
            known = unknown = 0
            for other in accounts:
                if _running(other, on):
                    theirs = other.get("platform")
                    if theirs is None:
                        unknown += 1
                    elif theirs == platform:
                        known += 1
            same = True if known + unknown <= 1 else False if known > 1 else None
        add((subject, "one_account_per_platform", _outcome(running, same)))
        add(
            (
                subject,
                "no_special_event_account",
                _outcome(True, _ne(get("purpose"), "special_event")),
            )
        )
        add((subject, "no_individual_account", _outcome(True, opened_by != "individual")))
        add((subject, "no_internal_body_account", _outcome(True, opened_by != "internal_body")))
        approved = get("platform_approved")
        if approved is None and platform in APPROVED_PLATFORMS:
            approved = True  # presumed (yunnan)
        add((subject, "approved_platform", _outcome(True, approved)))
        # 第十二条第二款, 第十六条: governed by the opening date
        by_unit = opened_by == "unit"
        mentions = get("name_mentions_region")
        if opened_on is None:
            add((subject, "opening_decision", NA if not by_unit else U))
            add((subject, "name_approval", NA if mentions is False else U))
        elif opened_on < EFFECTIVE:
            add((subject, "opening_decision", NA))
            add((subject, "name_approval", NA))
        else:
            decided = _and(get("collective_decision"), get("leader_approved"))
            add((subject, "opening_decision", _outcome(by_unit, decided)))
            add((subject, "name_approval", _outcome(mentions, get("name_approved"))))

        # 第二十二条、第二十三条、第二十五条: the review period and the posts
        start, end, settled = _review(acc, period, on)
        posts = get("posts")
        if start is None or end is None or posts is None:
            daily = fortnightly = _outcome(True, _and(None, settled))
        elif end < start:
            daily = fortnightly = _outcome(True, settled)
        else:
            dates = {_date(p["date"]) for p in posts}
            missed = any(d not in dates for d in cal.workdays_in(start, end))
            daily = _outcome(True, _and(not missed, settled))
            originals = sorted(
                d for p in posts if p.get("original") and start <= (d := _date(p["date"])) <= end
            )
            longest, before = 0, start - ONE_DAY
            for d in [*originals, end + ONE_DAY]:
                longest = max(longest, (d - before).days - 1)
                before = d
            fortnightly = _outcome(True, _and(longest < ORIGINAL_INTERVAL, settled))
        add((subject, "daily_update", daily))
        add((subject, "fortnightly_original", fortnightly))
        if posts is None:
            add((subject, "repost_source", U))
        else:
            unsourced = any(
                p.get("repost") and "source" not in p and _date(p["date"]) >= EFFECTIVE
                for p in posts
            )
            add((subject, "repost_source", _outcome(True, not unsourced)))

        # 第三十条 to 第三十九条
        add(
            (
                subject,
                "news_license",
                _outcome(_and(running, get("news_service")), get("news_license")),
            )
        )
        add((subject, "no_commercial_activity", _outcome(True, _not(get("commercial_activity")))))
        add((subject, "no_bought_followers", _outcome(True, _not(get("bought_followers")))))
        add((subject, "no_auto_login", _outcome(running, _not(get("auto_login")))))
        add(
            (subject, "mobile_vpn", _outcome(_and(running, get("mobile_login")), get("mobile_vpn")))
        )
        add((subject, "staff_trained", _outcome(running, get("staff_trained"))))
        abroad = _and(_ne(region, "abroad"), _not(get("foreign_hosting")))
        add((subject, "no_servers_abroad", _outcome(running, abroad)))
        app = _and(_and(running, _in(platform, APP_PLATFORMS)), get("local_data_service"))
        local = True if get("server_site_decided") is True else _in(region, APP_SERVER_REGIONS)
        add((subject, "app_server_local", _outcome(app, local)))

        # 第四十七条: accounts opened before publication file within 60 working days of it
        since = _known_since(acc)
        before_pub = _or(
            None if opened_on is None else opened_on < PUBLICATION,
            None if since is None else since < PUBLICATION,
        )
        deadline = cal.add_workdays(PUBLICATION, TRANSITION_PERIOD)
        filed_in_time: bool | None = None
        if events is not None:
            known = unknown = 0
            for ev in events:
                if ev["type"] == "open":
                    filed = _date(ev.get("filed_on"))
                    if filed is None:
                        unknown += 1
                    elif filed <= deadline:
                        known += 1
            filed_in_time = True if known >= 1 else None if unknown else False
        cond = _and(before_pub, _running(acc, PUBLICATION))
        add((subject, "transition_filing", _outcome(cond, filed_in_time, deadline, on)))

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
            filed_ok = _le(_date(ev.get("filed_on")), deadline)
            add((esubject, "filing_deadline", _outcome(True, filed_ok, deadline, on)))
            changes = ev["type"] in CHANGES
            decided = _or(ev.get("collective_decision"), ev.get("leader_approved"))
            add((esubject, "change_close_decision", _outcome(changes, decided)))
            if not changes:
                add((esubject, "change_close_announcement", NA))
                continue
            announced = _date(ev.get("announced_on"))
            latest = cal.sub_workdays(day, ANNOUNCEMENT_PERIOD) - ONE_DAY
            last_full_day = (
                None if announced is None else cal.add_workdays(announced, ANNOUNCEMENT_PERIOD)
            )
            in_time = None if last_full_day is None else last_full_day < day
            add((esubject, "change_close_announcement", _outcome(True, in_time, latest, on)))

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
        if ob.get("extended") is True and ob.get("extension_approved") is True:
            due = cal.add_workdays(received, OBJECTION_EXTENDED)
        else:
            due = cal.add_workdays(received, OBJECTION_PERIOD)
        add((subject, "objection_deadline", _outcome(True, _le(resolved, due), due, on)))
    return out
