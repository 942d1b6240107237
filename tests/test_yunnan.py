"""Scenarios under 《云南省政务新媒体管理办法》, with dates worked out by hand from the text.

Holiday schedules used (State Council notices): 2019 National Day 10-01..10-07 with make-up
days 09-29 (Sun) and 10-12 (Sat), Mid-Autumn 2019-09-13..15; 2024 Spring Festival 02-10..17
with make-up days 02-04 and 02-18 (Sun); 2024 Labour Day 05-01..05 with make-up days 04-28
(Sun) and 05-11 (Sat); 2024 Dragon Boat 06-10; 2024 National Day 10-01..07 with make-up
days 09-29 (Sun) and 10-12 (Sat).
"""

from __future__ import annotations

import pytest
from conftest import account, verdict

import govrules
from govrules import Outcome


def _event(**fields: object) -> dict[str, object]:
    return account(platform="wechat", events=[fields])


# --- 第十七条: filing within 7 working days --------------------------------------------


def test_filing_on_the_last_day_across_spring_festival_is_on_time() -> None:
    """2024-02-08 + 7 working days skips 02-10..17 and counts make-up Sunday 02-18: 02-23."""
    v = verdict(
        _event(type="open", date="2024-02-08", filed_on="2024-02-23"),
        "filing_deadline",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.COMPLIANT
    assert "2024-02-23" in v.explanation


def test_filing_one_working_day_late_is_a_violation_naming_the_deadline() -> None:
    """Filing on Monday 2024-02-26, after the 02-23 deadline, violates 第十七条."""
    v = verdict(
        _event(type="close", date="2024-02-08", filed_on="2024-02-26"),
        "filing_deadline",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.VIOLATION
    assert "2024-02-23" in v.explanation
    assert "2024-02-26" in v.explanation
    assert (v.citations[0].document, v.citations[0].article) == ("yunnan", 17)
    assert v.citations[0].paragraph == 1
    assert "７个工作日内" in v.citations[0].text


def test_filing_without_a_filing_date_is_undetermined_and_names_the_fact() -> None:
    """An absent filed_on is not a violation: the verdict lists the missing path."""
    v = verdict(_event(type="open", date="2024-02-08"), "filing_deadline", "accounts[0].events[0]")
    assert v.outcome is Outcome.UNDETERMINED
    assert v.missing == ("accounts[0].events[0].filed_on",)


def test_an_act_before_the_measure_took_effect_is_not_governed_by_it() -> None:
    """An account opened 2019-09-09, the day before 2019-09-10, is outside the measure."""
    v = verdict(
        _event(type="open", date="2019-09-09", filed_on="2019-12-31"),
        "filing_deadline",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.NOT_APPLICABLE
    assert "2019-09-10" in v.explanation


# --- 第十八条: decision and 15 working days' announcement ---------------------------------


def test_announcement_of_fourteen_working_days_is_too_short() -> None:
    """Announced 2024-10-09, closed 10-29: 10-10..10-28 hold 14 working days (10-12 included)."""
    v = verdict(
        _event(type="close", date="2024-10-29", announced_on="2024-10-09"),
        "change_close_announcement",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.VIOLATION
    assert "14个工作日" in v.explanation


def test_announcement_of_fifteen_working_days_is_enough() -> None:
    """Announced 2024-10-09, closed 10-30: 15 working days lie strictly between."""
    v = verdict(
        _event(type="cancel", date="2024-10-30", announced_on="2024-10-09"),
        "change_close_announcement",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.COMPLIANT


def test_opening_needs_no_announcement() -> None:
    """第十八条 covers change, close and cancel, not opening."""
    v = verdict(
        _event(type="open", date="2024-10-30"),
        "change_close_announcement",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("collective", "leader", "outcome"),
    [
        (True, False, Outcome.COMPLIANT),
        (False, True, Outcome.COMPLIANT),
        (False, False, Outcome.VIOLATION),
    ],
)
def test_closing_needs_a_collective_decision_or_the_leaders_consent(
    collective: bool, leader: bool, outcome: Outcome
) -> None:
    """第十八条 reads 集体研究或主要领导同意: either suffices."""
    v = verdict(
        _event(
            type="close",
            date="2024-10-30",
            collective_decision=collective,
            leader_approved=leader,
        ),
        "change_close_decision",
        "accounts[0].events[0]",
    )
    assert v.outcome is outcome


def test_one_known_consent_decides_even_if_the_other_is_unknown() -> None:
    """Three-valued logic: leader_approved true decides an 'or' whatever the decision was."""
    v = verdict(
        _event(type="close", date="2024-10-30", leader_approved=True),
        "change_close_decision",
        "accounts[0].events[0]",
    )
    assert v.outcome is Outcome.COMPLIANT


# --- 第十二条 --------------------------------------------------------------------------------


def test_opening_in_the_units_name_needs_both_decision_and_consent() -> None:
    """第十二条第二款 reads 集体研究和主要领导同意: both are needed."""
    v = verdict(
        account(
            opened_by="unit",
            opened_on="2024-03-01",
            collective_decision=True,
            leader_approved=False,
        ),
        "opening_decision",
        "accounts[0]",
    )
    assert v.outcome is Outcome.VIOLATION
    assert v.citations[0].label == "第十二条第二款"


def test_two_accounts_on_one_platform_are_each_a_violation() -> None:
    """One account per platform: both WeChat accounts are flagged, the Weibo one is not."""
    facts = {
        "unit": {"kind": "department", "level": "county"},
        "accounts": [
            {"id": "a", "platform": "wechat"},
            {"id": "b", "platform": "weibo"},
            {"id": "c", "platform": "wechat"},
        ],
    }
    decision = govrules.evaluate(facts, "yunnan", "2024-11-01")
    outcomes = {
        v.subject: v.outcome
        for v in decision.verdicts
        if v.obligation == "one_account_per_platform"
    }
    assert outcomes == {
        "accounts[0]": Outcome.VIOLATION,
        "accounts[1]": Outcome.COMPLIANT,
        "accounts[2]": Outcome.VIOLATION,
    }


@pytest.mark.parametrize(
    ("kind", "level", "outcome"),
    [
        ("department", "county", Outcome.VIOLATION),
        ("government", "province", Outcome.VIOLATION),
        ("township_government", "township", Outcome.NOT_APPLICABLE),
        ("classified", "county", Outcome.NOT_APPLICABLE),
        ("non_public", "county", Outcome.NOT_APPLICABLE),
        ("institution", "county", Outcome.NOT_APPLICABLE),
    ],
)
def test_governments_and_departments_at_county_level_and_above_must_open(
    kind: str, level: str, outcome: Outcome
) -> None:
    """县级以上政府及其部门应当开办; classified and non-public bodies and townships need not."""
    v = verdict({"unit": {"kind": kind, "level": level}, "accounts": []}, "must_open", "unit")
    assert v.outcome is outcome


@pytest.mark.parametrize(
    ("obligation", "fields", "outcome"),
    [
        ("no_individual_account", {"opened_by": "individual"}, Outcome.VIOLATION),
        ("no_internal_body_account", {"opened_by": "internal_body"}, Outcome.VIOLATION),
        ("no_internal_body_account", {"opened_by": "unit"}, Outcome.COMPLIANT),
        ("no_special_event_account", {"purpose": "special_event"}, Outcome.VIOLATION),
        ("approved_platform", {"platform_approved": False}, Outcome.VIOLATION),
        ("name_approval", {"name_mentions_region": True}, Outcome.UNDETERMINED),
        (
            "name_approval",
            {"name_mentions_region": True, "name_approved": False, "opened_on": "2024-03-04"},
            Outcome.VIOLATION,
        ),
        # Opened before 2019-09-10: the name needed no approval (governed by the opening).
        (
            "name_approval",
            {"name_mentions_region": True, "name_approved": False, "opened_on": "2018-03-05"},
            Outcome.NOT_APPLICABLE,
        ),
        ("name_approval", {"name_mentions_region": False}, Outcome.NOT_APPLICABLE),
        ("news_license", {"news_service": True, "news_license": False}, Outcome.VIOLATION),
        ("no_commercial_activity", {"commercial_activity": True}, Outcome.VIOLATION),
        ("no_bought_followers", {"bought_followers": True}, Outcome.VIOLATION),
        ("no_auto_login", {"auto_login": True}, Outcome.VIOLATION),
        ("mobile_vpn", {"mobile_login": True, "mobile_vpn": False}, Outcome.VIOLATION),
        ("mobile_vpn", {"mobile_login": False, "mobile_vpn": False}, Outcome.NOT_APPLICABLE),
        ("staff_trained", {"staff_trained": False}, Outcome.VIOLATION),
        ("no_servers_abroad", {"server_region": "abroad"}, Outcome.VIOLATION),
        (
            "no_servers_abroad",
            {"server_region": "same_county", "foreign_hosting": True},
            Outcome.VIOLATION,
        ),
        (
            "no_servers_abroad",
            {"server_region": "same_county", "foreign_hosting": False},
            Outcome.COMPLIANT,
        ),
        (
            "app_server_local",
            {"platform": "app", "local_data_service": True, "server_region": "other_province"},
            Outcome.VIOLATION,
        ),
        (
            "app_server_local",
            {"platform": "app", "local_data_service": True, "server_region": "same_province"},
            Outcome.COMPLIANT,
        ),
        (
            "app_server_local",
            {
                "platform": "app",
                "local_data_service": True,
                "server_region": "other_province",
                "server_site_decided": True,
            },
            Outcome.COMPLIANT,
        ),
        (
            "app_server_local",
            {"platform": "wechat", "local_data_service": True, "server_region": "abroad"},
            Outcome.NOT_APPLICABLE,
        ),
    ],
)
def test_account_obligations(obligation: str, fields: dict[str, object], outcome: Outcome) -> None:
    """Each account-level prohibition or requirement decides on its own fact."""
    assert verdict(account(**fields), obligation, "accounts[0]").outcome is outcome


# --- 第二十二条, 第二十三条, 第二十五条: updates --------------------------------------------


def test_daily_updates_skip_weekends_and_holidays_but_not_make_up_days() -> None:
    """Period 2024-05-01..05-12: working days are 05-06..05-10 and make-up Saturday 05-11."""
    posts = [{"date": f"2024-05-{d:02d}"} for d in (6, 7, 8, 9, 10)]
    facts = account(opened_on="2020-01-01", posts=posts)
    facts["period"] = {"start": "2024-05-01", "end": "2024-05-12"}
    v = verdict(facts, "daily_update", "accounts[0]", on="2024-05-13")
    assert v.outcome is Outcome.VIOLATION
    assert "2024-05-11" in v.explanation
    assert "2024-05-12" not in v.explanation.split("无更新的工作日")[1]


def test_daily_updates_count_from_the_opening_date() -> None:
    """An account opened 2024-05-09 owes posts from 05-09 on, not from the period's start."""
    facts = account(
        opened_on="2024-05-09",
        posts=[{"date": d} for d in ("2024-05-09", "2024-05-10", "2024-05-11")],
    )
    facts["period"] = {"start": "2024-05-01", "end": "2024-05-12"}
    assert verdict(facts, "daily_update", "accounts[0]", on="2024-05-13").outcome is (
        Outcome.COMPLIANT
    )


def test_daily_updates_without_post_records_are_undetermined() -> None:
    """Absent posts mean unknown, not 'no posts'."""
    facts = account(opened_on="2024-05-09")
    facts["period"] = {"start": "2024-05-01", "end": "2024-05-12"}
    v = verdict(facts, "daily_update", "accounts[0]", on="2024-05-13")
    assert v.outcome is Outcome.UNDETERMINED
    assert v.missing == ("accounts[0].posts",)


def test_thirteen_days_without_an_original_post_is_allowed_fourteen_is_not() -> None:
    """每2周: originals on 06-01 and 06-15 leave 06-02..06-14 (13 days); 06-16 leaves 14."""
    for last, outcome in (("2024-06-15", Outcome.COMPLIANT), ("2024-06-16", Outcome.VIOLATION)):
        facts = account(
            opened_on="2020-01-01",
            posts=[
                {"date": "2024-06-01", "original": True},
                {"date": last, "original": True},
                {"date": "2024-06-10"},
            ],
        )
        facts["period"] = {"start": "2024-06-01", "end": last}
        v = verdict(facts, "fortnightly_original", "accounts[0]", on="2024-07-01")
        assert v.outcome is outcome, v.explanation
    assert "2024-06-02至2024-06-15（14天）" in v.explanation


def test_reposts_must_credit_their_source() -> None:
    """A repost without a source violates 第二十五条; a credited one does not."""
    facts = account(
        posts=[
            {"date": "2024-06-03", "repost": True, "source": "新华社"},
            {"date": "2024-06-04", "repost": True},
            {"date": "2024-06-05"},
        ]
    )
    v = verdict(facts, "repost_source", "accounts[0]")
    assert v.outcome is Outcome.VIOLATION
    assert "2024-06-04" in v.explanation
    assert "2024-06-03" not in v.explanation


# --- 第四十五条: objections -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "outcome"),
    [
        ({"resolved_on": "2024-05-13"}, Outcome.COMPLIANT),
        ({"resolved_on": "2024-05-14", "extended": False}, Outcome.VIOLATION),
        # The extension is an exception (第四十五条第二款): not claimed unless the facts say so.
        ({"resolved_on": "2024-05-14"}, Outcome.VIOLATION),
        (
            {"resolved_on": "2024-06-14", "extended": True, "extension_approved": True},
            Outcome.COMPLIANT,
        ),
        (
            {"resolved_on": "2024-06-17", "extended": True, "extension_approved": True},
            Outcome.VIOLATION,
        ),
        (
            {"resolved_on": "2024-05-20", "extended": True, "extension_approved": False},
            Outcome.VIOLATION,
        ),
    ],
)
def test_objections_are_handled_in_seven_working_days_or_an_approved_thirty(
    fields: dict[str, object], outcome: Outcome
) -> None:
    """Received 2024-04-30: day 7 is 05-13 (Labour Day, make-up 05-11); day 30 is 06-14."""
    facts = {"objections": [{"received_on": "2024-04-30", **fields}]}
    v = verdict(facts, "objection_deadline", "objections[0]")
    assert v.outcome is outcome, v.explanation
    assert "2024-05-13" in v.explanation
    assert "2024-06-14" in v.explanation


# --- 第四十七条: accounts opened before publication ------------------------------------------


@pytest.mark.parametrize(
    ("filed_on", "outcome"),
    [("2019-11-01", Outcome.COMPLIANT), ("2019-11-04", Outcome.VIOLATION)],
)
def test_accounts_opened_before_publication_file_within_sixty_working_days(
    filed_on: str, outcome: Outcome
) -> None:
    """公布之日 2019-08-05 + 60 working days (Mid-Autumn, National Day, 09-29 and 10-12) = 11-01."""
    facts = account(
        opened_on="2018-05-01",
        events=[{"type": "open", "date": "2018-05-01", "filed_on": filed_on}],
    )
    v = verdict(facts, "transition_filing", "accounts[0]", on="2020-01-01")
    assert v.outcome is outcome
    assert "2019-11-01" in v.explanation


def test_accounts_opened_after_publication_have_no_transition_duty() -> None:
    """第四十七条 concerns accounts opened before the measure was published."""
    facts = account(opened_on="2019-08-05")
    assert verdict(facts, "transition_filing", "accounts[0]").outcome is Outcome.NOT_APPLICABLE


# --- the decision as a whole -----------------------------------------------------------------


def test_every_verdict_cites_an_article_with_its_source_text() -> None:
    """Citations carry the title, 文号 and the article text as the source has it."""
    facts = account(platform="wechat", events=[{"type": "open", "date": "2024-09-27"}])
    decision = govrules.evaluate(facts, "yunnan", "2024-11-01")
    assert decision.verdicts
    for v in decision.verdicts:
        assert v.citations, v.rule
        c = v.citations[0]
        assert c.title == "《云南省政务新媒体管理办法》"
        assert c.number == "云政办规〔2019〕6号"
        assert c.text
        assert "—" not in c.text


def test_verdict_order_is_stable_and_to_dict_is_plain_json() -> None:
    """Two evaluations give the same order; to_dict has the contract's keys and ISO dates."""
    import json

    facts = account(platform="wechat", events=[{"type": "open", "date": "2024-09-27"}])
    one = govrules.evaluate(facts, "yunnan", "2024-11-01")
    two = govrules.evaluate(facts, "yunnan", "2024-11-01")
    assert [(v.rule, v.subject) for v in one.verdicts] == [
        (v.rule, v.subject) for v in two.verdicts
    ]
    data = json.loads(json.dumps(one.to_dict(), ensure_ascii=False))
    assert data["jurisdiction"] == "yunnan"
    assert data["on"] == "2024-11-01"
    assert {"rule", "subject", "outcome", "citations", "explanation", "missing"} <= set(
        data["verdicts"][0]
    )


def test_article_returns_the_cleaned_text_of_any_article() -> None:
    """govrules.article gives the source text without page numbers."""
    c = govrules.article("yunnan", 39)
    assert c.label == "第三十九条"
    assert c.text.startswith("政务新媒体服务器不得放在境外")
    assert "—３１—" not in c.text
    assert c.text.endswith("安全认证和安全检测.")
