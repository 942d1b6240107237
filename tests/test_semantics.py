"""Verdicts users can act on: decided despite unknowns, exceptions, presumptions, pending duties.

Each case comes from a report of a user's realistic facts; every date is worked out by hand
from the State Council schedules (2019: 国庆 10-01..10-07, make-up 09-29 Sun and 10-12 Sat;
2024: 劳动节 05-01..05-05, make-up 04-28 Sun and 05-11 Sat; 端午 06-10; 国庆 10-01..10-07,
make-up 09-29 Sun and 10-12 Sat).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import govrules
from govrules import Outcome
from govrules.cli import main

D = dt.date


def one(decision: govrules.Decision, rule: str, subject: str) -> govrules.Verdict:
    """Return the single verdict of ``rule`` (an obligation id) for ``subject``."""
    (v,) = [x for x in decision.verdicts if x.obligation == rule and x.subject == subject]
    return v


# --- exceptions: absent means not claimed -----------------------------------------------


def test_an_approved_and_announced_spell_is_compliant_whether_or_not_force_majeure() -> None:
    """Luju 第七条 and Chengjiang 第十条 (same words): approval and announcement meet the duty."""
    facts = {"website": {"offline": [{"start": "2024-06-03", "end": "2024-06-05",
                                      "approved": True, "announced": True}]}}  # fmt: skip
    for jurisdiction in ("luju", "chengjiang_meteorology"):
        decision = govrules.evaluate(facts, jurisdiction, "2024-07-01")
        for rule in ("offline_approval", "offline_announcement"):
            v = one(decision, rule, "website.offline[0]")
            assert v.outcome is Outcome.COMPLIANT, (jurisdiction, v.explanation)
            assert v.missing == ()


def test_an_unapproved_spell_without_a_claim_is_a_violation_naming_the_exception() -> None:
    """Not approved, force majeure not given: a violation saying the exception was not claimed."""
    facts = {"website": {"offline": [{"start": "2024-06-03", "end": "2024-06-05",
                                      "approved": False, "announced": True}]}}  # fmt: skip
    v = one(
        govrules.evaluate(facts, "luju", "2024-07-01"), "offline_approval", "website.offline[0]"
    )
    assert v.outcome is Outcome.VIOLATION
    assert v.unclaimed == ("因不可抗因素或被责令紧急关停而下线，事后及时报备（第七条）",)
    assert v.explanation.endswith(
        "未主张例外：因不可抗因素或被责令紧急关停而下线，事后及时报备（第七条）"
    )
    facts["website"]["offline"][0]["force_majeure"] = True  # type: ignore[index]
    v = one(
        govrules.evaluate(facts, "luju", "2024-07-01"), "offline_approval", "website.offline[0]"
    )
    assert v.outcome is Outcome.COMPLIANT
    assert "免于本项要求" in v.explanation


def test_an_approved_extension_of_objection_handling_moves_the_deadline() -> None:
    """Yunnan 第四十五条: received 04-30; 7 working days end 05-13, 30 end 06-14 (端午 06-10)."""
    base = {"received_on": "2024-04-30", "resolved_on": "2024-06-14"}
    claimed = {**base, "extended": True, "extension_approved": True}
    v = one(govrules.evaluate({"objections": [claimed]}, "yunnan", "2024-11-01"),
            "objection_deadline", "objections[0]")  # fmt: skip
    assert (v.outcome, v.due) == (Outcome.COMPLIANT, D(2024, 6, 14))
    v = one(govrules.evaluate({"objections": [base]}, "yunnan", "2024-11-01"),
            "objection_deadline", "objections[0]")  # fmt: skip
    assert (v.outcome, v.due) == (Outcome.VIOLATION, D(2024, 5, 13))
    assert (
        "未主张例外：异议处理情况复杂，经负责人批准延长处理时间（第四十五条第二款）"
        in v.explanation
    )


# --- decided whenever every reading agrees; missing lists all that could change it -----


def test_a_requirement_met_whatever_the_condition_is_compliant() -> None:
    """name_approved is true: compliant whether or not the name mentions a region."""
    facts = {"accounts": [{"id": "wx", "platform": "wechat", "name_approved": True}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-11-01"), "name_approval", "accounts[0]")
    assert v.outcome is Outcome.COMPLIANT
    # Neither whether the name mentions a region nor the opening date (which decides whether
    # the measure was in force) can change it.
    assert (
        "无论是否适用均符合（取决于accounts[0].name_mentions_region、accounts[0].opened_on）"
        in v.explanation
    )


def test_undetermined_lists_every_missing_fact_at_once() -> None:
    """Servers abroad: both server_region and foreign_hosting are named, not the first alone."""
    facts = {"accounts": [{"id": "wx", "platform": "wechat"}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-11-01"), "no_servers_abroad", "accounts[0]")
    assert v.outcome is Outcome.UNDETERMINED
    assert v.missing == ("accounts[0].foreign_hosting", "accounts[0].server_region")


def test_an_unknown_condition_is_never_stated_as_a_fact() -> None:
    """An app whose local-data service is unknown: the explanation says applicability is open."""
    facts = {"accounts": [{"id": "app", "platform": "app", "server_region": "abroad"}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-11-01"), "app_server_local", "accounts[0]")
    assert v.outcome is Outcome.UNDETERMINED
    assert "是否适用尚不确定（取决于accounts[0].local_data_service）；若适用：" in v.explanation
    assert v.missing == ("accounts[0].local_data_service",)


def test_a_known_closing_decides_the_one_account_rule() -> None:
    """Chengjiang 第十三条: one account closed before `on`, the other listed without events."""
    facts = {"accounts": [
        {"id": "wx", "platform": "wechat"},
        {"id": "dy", "platform": "douyin", "events": [{"type": "close", "date": "2024-06-28"}]},
    ]}  # fmt: skip
    v = one(govrules.evaluate(facts, "chengjiang_meteorology", "2024-11-01"),
            "one_account_per_unit", "unit")  # fmt: skip
    assert v.outcome is Outcome.COMPLIANT
    assert v.presumed == ("accounts[0].events",)


# --- presumptions ----------------------------------------------------------------------


def test_facts_a_user_takes_as_given_are_presumed_and_marked() -> None:
    """Under puding, a listed WeChat account: opened by the unit, platform approved (推定)."""
    facts = {"unit": {"kind": "department", "level": "county"},
             "accounts": [{"id": "wx", "platform": "wechat"}]}  # fmt: skip
    decision = govrules.evaluate(facts, "puding", "2024-11-01")
    v = one(decision, "no_individual_account", "accounts[0]")
    assert (v.outcome, v.presumed) == (Outcome.COMPLIANT, ("accounts[0].opened_by",))
    assert "推定：accounts[0].opened_by为单位（账号列入单位的账号清单" in v.explanation
    v = one(decision, "approved_platform", "accounts[0]")
    assert (v.outcome, v.presumed) == (Outcome.COMPLIANT, ("accounts[0].platform_approved",))
    v = one(decision, "app_server_local", "accounts[0]")
    assert v.outcome is Outcome.NOT_APPLICABLE  # a WeChat account is no app


def test_a_given_fact_beats_its_presumption() -> None:
    """platform_approved false on WeChat is a violation, with nothing presumed."""
    facts = {"accounts": [{"id": "wx", "platform": "wechat", "platform_approved": False}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-11-01"), "approved_platform", "accounts[0]")
    assert (v.outcome, v.presumed) == (Outcome.VIOLATION, ())


def test_an_unlisted_platform_is_not_presumed_approved() -> None:
    """platform other: no presumption applies, the verdict waits for platform_approved."""
    facts = {"accounts": [{"id": "x", "platform": "other"}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-11-01"), "approved_platform", "accounts[0]")
    assert (v.outcome, v.missing) == (Outcome.UNDETERMINED, ("accounts[0].platform_approved",))


# --- duties still running ------------------------------------------------------------------


def test_a_filing_not_shown_is_pending_until_the_make_up_saturday() -> None:
    """Opened 2024-09-27; the 7th working day is 10-12 (make-up Saturday): pending on 10-08."""
    facts = {"accounts": [{"id": "wx", "events": [{"type": "open", "date": "2024-09-27"}]}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-10-08"), "filing_deadline",
            "accounts[0].events[0]")  # fmt: skip
    assert (v.outcome, v.due) == (Outcome.PENDING, D(2024, 10, 12))
    v = one(govrules.evaluate(facts, "yunnan", "2024-10-12"), "filing_deadline",
            "accounts[0].events[0]")  # fmt: skip
    assert v.outcome is Outcome.PENDING  # the deadline day itself is still in time
    v = one(govrules.evaluate(facts, "yunnan", "2024-10-14"), "filing_deadline",
            "accounts[0].events[0]")  # fmt: skip
    assert (v.outcome, v.due) == (Outcome.UNDETERMINED, D(2024, 10, 12))
    assert "若未在2024-10-12（含当日）前完成，则已逾期" in v.explanation


def test_the_transition_filing_is_pending_until_2019_11_01() -> None:
    """Yunnan 第四十七条: 2019-08-05 + 60 working days = 2019-11-01; nothing filed."""
    facts = {"accounts": [{"id": "wx", "opened_on": "2018-05-01", "events": []}]}
    v = one(govrules.evaluate(facts, "yunnan", "2019-10-15"), "transition_filing", "accounts[0]")
    assert (v.outcome, v.due) == (Outcome.PENDING, D(2019, 11, 1))
    v = one(govrules.evaluate(facts, "yunnan", "2019-11-04"), "transition_filing", "accounts[0]")
    assert (v.outcome, v.due) == (Outcome.VIOLATION, D(2019, 11, 1))


def test_an_announcement_for_a_planned_closing_is_due_before_fifteen_working_days() -> None:
    """Closing on 2024-10-31: the latest start of the announcement is 10-10.

    Counting back from 10-31: 10-30, 29, 28, 25, 24, 23, 22, 21, 18, 17, 16, 15, 14, the
    make-up Saturday 10-12, and 10-11 is the 15th working day; the announcement must begin
    the day before it.
    """
    facts = {"accounts": [{"id": "wx", "events": [{"type": "close", "date": "2024-10-31"}]}]}
    v = one(govrules.evaluate(facts, "yunnan", "2024-10-01"), "change_close_announcement",
            "accounts[0].events[0]")  # fmt: skip
    assert (v.outcome, v.due) == (Outcome.PENDING, D(2024, 10, 10))


def test_the_cli_shows_a_pending_duty_with_its_due_date_and_exits_0(
    tmp_path: Path, capsys: Any
) -> None:
    """`govrules evaluate` lists the pending filing with 期限 and exits 0 (no violation)."""
    path = tmp_path / "facts.json"
    path.write_text(
        '{"accounts": [{"id": "wx", "platform": "wechat", "opened_by": "unit",'
        ' "events": [{"type": "open", "date": "2024-09-27"}]}]}',
        encoding="utf-8",
    )
    assert main(["evaluate", str(path), "-j", "yunnan", "--on", "2024-10-08"]) == 0
    out = capsys.readouterr().out
    assert "期限未届满 accounts[0].events[0]  yunnan.filing_deadline  期限：2024-10-12" in out


# --- what a jurisdiction does not judge ------------------------------------------------------


def test_puding_says_what_it_does_not_adopt_and_which_facts_it_does_not_read() -> None:
    """Under puding, website facts are read by no rule, and Yunnan's filing duty is not adopted."""
    facts = {"website": {"offline": [{"start": "2024-06-03", "end": "2024-06-05"}]},
             "accounts": [{"id": "wx", "notices": 1,
                           "events": [{"type": "open", "date": "2024-09-27",
                                       "filed_on": "2024-10-08"}]}]}  # fmt: skip
    decision = govrules.evaluate(facts, "puding", "2024-11-01")
    # Puding has no filing deadline (repealed): the filing date given is read by no rule.
    assert decision.unused_facts == (
        "website",
        "accounts[0].notices",
        "accounts[0].events[0].filed_on",
    )
    adopted = {x.rule for x in decision.not_adopted}
    assert adopted == {
        "yunnan.no_special_event_account",
        "yunnan.filing_deadline",
        "yunnan.fortnightly_original",
        "yunnan.news_license",
        "yunnan.transition_filing",
    }
    filing = next(x for x in decision.not_adopted if x.rule == "yunnan.filing_deadline")
    assert filing.reason.startswith(
        "《普定县政务新媒体管理办法》未采纳《云南省政务新媒体管理办法》第十七条第一款："
    )
    data = decision.to_dict()
    assert data["unused_facts"] == list(decision.unused_facts)
    assert data["calendar_gaps"] == []


def test_yunnan_reads_the_filing_and_adopts_everything() -> None:
    """The same facts under yunnan: filed_on is read, nothing is reported as not adopted."""
    facts = {"accounts": [{"id": "wx", "events": [{"type": "open", "date": "2024-09-27",
                                                   "filed_on": "2024-10-08"}]}]}  # fmt: skip
    decision = govrules.evaluate(facts, "yunnan", "2024-11-01")
    assert decision.unused_facts == ()
    assert decision.not_adopted == ()


# --- checks on resolved layers ---------------------------------------------------------------

TEXT = "测试{n}办法\n第一条 开办应于{d}个工作日内备案。\n第二条 本办法自2024年1月1日起施行。\n"


def _ladder(tmp_path: Path, child: str, grandchild: str) -> list[govrules.PolicyError]:
    texts = tmp_path / "texts"
    texts.mkdir()
    for name, days in (("a", 7), ("b", 5), ("c", 6)):
        (texts / f"{name}.txt").write_text(TEXT.format(n=name, d=days), encoding="utf-8")
    head = '    title "《测试{n}办法》" issuer "x" level {lvl} jurisdiction "x"\n' \
        '    effective 2024-01-01 text "texts/{n}.txt"\n'  # fmt: skip
    (tmp_path / "a.rules").write_text(
        "ruleset a {\n" + head.format(n="a", lvl="province") + "}\n"
        "param p = 7 workdays cites 第一条\n"
        'rule filing { title "备案" subject event cites 第一条 governing event.date\n'
        "    let d = event.date + p\n    require event.filed_on <= d\n"
        '    explain "{d}" }\nunchecked 第二条 because "施行"\n',
        encoding="utf-8",
    )
    (tmp_path / "b.rules").write_text(
        "ruleset b {\n"
        + head.format(n="b", lvl="county")
        + "    within a\n}\n"
        + child
        + 'unchecked 第二条 because "施行"\n',
        encoding="utf-8",
    )
    (tmp_path / "c.rules").write_text(
        "ruleset c {\n"
        + head.format(n="c", lvl="town")
        + "    within b\n}\n"
        + grandchild
        + 'unchecked 第二条 because "施行"\n',
        encoding="utf-8",
    )
    return [d for d in govrules.check(tmp_path) if d.severity == "error"]


def test_a_grandchild_may_override_what_its_parent_overrode(tmp_path: Path) -> None:
    """The parent adds let e; the grandchild's override uses e: the check accepts it."""
    errors = _ladder(
        tmp_path,
        "override filing { cites 第一条 let e = event.date + 5 workdays\n"
        "    require event.filed_on <= e }\n",
        "override filing { cites 第一条 let e = event.date + 3 workdays }\n",
    )
    assert errors == []


def test_a_relaxation_is_reported_against_the_layer_that_states_the_value(
    tmp_path: Path,
) -> None:
    """b states 5 working days in its 第一条; c's 6 relaxes b's value, not a's 7."""
    errors = _ladder(
        tmp_path,
        "param p = 5 workdays cites 第一条\n",
        "param p = 6 workdays cites 第一条\n",
    )
    assert len(errors) == 1
    assert errors[0].message == (
        "'c' is within 'b' and relaxes parameter 'p' of rule 'filing': 5 workdays → 6 workdays "
        "(《测试c办法》第一条 against 《测试b办法》第一条)"
    )


def test_every_verdict_of_every_policy_example_names_its_article() -> None:
    """Each explanation names the document and article of its first citation."""
    from govrules.library import load

    library = load(None)
    seen = 0
    for pid in sorted(library.own):
        for example in library.policies[pid].examples:
            decision = govrules.evaluate(
                example.facts,  # type: ignore[arg-type]
                example.jurisdiction or pid,
                example.on or dt.date(2024, 11, 1),
            )
            for v in decision.verdicts:
                first = v.citations[0]
                assert first.title in v.explanation, v.explanation
                assert first.label in v.explanation, v.explanation
                seen += 1
    assert seen > 2000  # the examples give about 2,700 verdicts


def test_an_unused_parameter_is_a_warning_and_does_not_count_as_coverage(tmp_path: Path) -> None:
    """A parameter no rule reads: `check` warns, and its article stays unaccounted for."""
    from govrules.coverage import coverage
    from govrules.library import load

    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "demo.txt").write_text(
        "测试办法\n第一条 公告不少于15个工作日。\n第二条 本办法自发布之日起施行。\n",
        encoding="utf-8",
    )
    (tmp_path / "demo.rules").write_text(
        'ruleset demo {\n    title "《测试办法》" issuer "x" level town jurisdiction "x"\n'
        '    effective 2024-01-01 text "texts/demo.txt" within yunnan\n}\n'
        "param spare_period = 15 workdays cites 第一条\n"
        'unchecked 第二条 because "施行日期"\n',
        encoding="utf-8",
    )
    (warning,) = govrules.check(tmp_path)
    assert (warning.severity, warning.message) == (
        "warning",
        "parameter 'spare_period' is read by no rule",
    )
    cov = coverage(load(tmp_path), "demo")
    assert [a.label for a in cov.missing] == ["第一条"]
