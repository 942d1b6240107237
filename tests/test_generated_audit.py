"""Generated code agrees with the closures on the constructs an audit found it misjudged.

Each test writes a small policy and facts that exercise one construct, judges them with the
closures alone (``evaluate.run_closures``) and with the generated code (``fast.run``), and
requires the same decision, field for field, or the same error raised by both calls.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import govrules
from govrules import fast
from govrules.evaluate import run_closures
from govrules.facts import validate
from govrules.library import load

TEXT = "测试办法\n第一条 单位应当于10个工作日内备案。\n第二条 本办法自2024年1月1日起施行。\n"
HEAD = """ruleset t {
    title "《测试办法》" issuer "测试" level county jurisdiction "测试"
    effective 2024-01-01 text "texts/t.txt"
}
unchecked 第二条 because "施行日期"
"""
ON = dt.date(2024, 6, 1)


def _folder(tmp_path: Path, body: str, text: str = TEXT) -> Path:
    (tmp_path / "texts").mkdir(exist_ok=True)
    (tmp_path / "texts" / "t.txt").write_text(text, encoding="utf-8")
    (tmp_path / "t.rules").write_text(HEAD + body, encoding="utf-8")
    errors = [d for d in govrules.check(tmp_path) if d.severity == "error"]
    assert errors == [], errors
    return tmp_path


def _decided(run: Any) -> Any:
    """Return a run's decision as data, or the error it raised (the call itself, not a read)."""
    try:
        decision = run()
    except govrules.GovrulesError as err:
        return ("error", str(err))
    return decision.to_dict()


def _same(folder: Path, given: dict[str, Any], on: dt.date = ON, jurisdiction: str = "t") -> Any:
    """Assert that the closures and the generated code decide ``given`` alike; return it."""
    library = load(folder)
    ruleset = library.ruleset(jurisdiction)
    data = validate(given).data
    cal = govrules.load(folder).calendar
    closures = _decided(lambda: run_closures(library, ruleset, data, on, cal, given))
    code = fast.plan(library, ruleset)
    generated = _decided(lambda: fast.run(library, ruleset, data, on, cal, given, code))
    assert generated == closures
    return closures


def _rule(lines: str, subject: str = "account") -> str:
    return f'rule r {{ subject {subject} cites 第一条\n{lines}\n    explain "x" }}\n'


# --- and/or with an operand that is not true or false ------------------------------------


def test_or_with_a_date_on_the_left_fails_even_when_the_right_is_true(tmp_path: Path) -> None:
    """`date or true` is an error for the closures (truth of the left first), not true."""
    folder = _folder(tmp_path, _rule("    require account.opened_on or true"))
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2024-01-01"}]})
    assert found[0] == "error"


def test_and_with_a_date_on_the_left_fails_even_when_the_right_is_false(tmp_path: Path) -> None:
    """`date and false` is an error for the closures, not false."""
    folder = _folder(tmp_path, _rule("    require account.opened_on and false"))
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2024-01-01"}]})
    assert found[0] == "error"


# --- every operand is computed, even after an unknown one --------------------------------


def test_an_unknown_left_operand_does_not_hide_a_calendar_gap_on_the_right(
    tmp_path: Path,
) -> None:
    """The closures count `opened_on + 3 workdays` even when approved_on is missing: a year
    the calendar lacks makes the verdict undetermined and names the year."""
    folder = _folder(
        tmp_path,
        _rule(
            "    let x = account.approved_on <= account.opened_on + 3 workdays\n    require true"
        ),
    )
    found = _same(folder, {"accounts": [{"id": "a", "opened_on": "2099-01-05"}]})
    assert found["calendar_gaps"] == [2099]
    assert found["verdicts"][0]["outcome"] == "undetermined"


def test_an_unknown_argument_does_not_hide_an_error_in_a_later_one(tmp_path: Path) -> None:
    """`f(unknown, bad)` fails like the closures, which compute every argument first: here
    the second argument leaves the dates Python can count in."""
    folder = _folder(
        tmp_path,
        _rule(
            "    let x = days_between(account.approved_on, account.opened_on + 9000 years)"
            "\n    require true"
        ),
    )
    given = {"accounts": [{"id": "a", "opened_on": "2024-01-02"}]}
    found = _same(folder, given)
    assert found[0] == "error"


def test_a_list_written_with_an_unknown_member_is_unknown(tmp_path: Path) -> None:
    """`min([period.end, account.opened_on])` without the opening date is unknown (it used to
    raise, comparing a date with the unknown); what it feeds is undetermined, naming it."""
    folder = _folder(
        tmp_path,
        _rule("    require min([period.end, account.opened_on]) >= 2024-01-01"),
    )
    given = {"period": {"start": "2024-01-01", "end": "2024-05-31"}, "accounts": [{"id": "a"}]}
    found = _same(folder, given)
    (verdict,) = found["verdicts"]
    assert verdict["outcome"] == "undetermined"
    assert verdict["missing"] == ["accounts[0].opened_on"]


# --- a filter over a list that only a presumption gives ----------------------------------


def test_a_presumed_list_is_not_filtered_as_validated_facts(tmp_path: Path) -> None:
    """A presumed list holds what the policy wrote, not validated posts: `each.source` of a
    text is an error for the closures, not a fact found missing."""
    folder = _folder(
        tmp_path,
        'presume account.posts = ["新华社"] because "推定"\n'
        + _rule("    require (account.posts where each.source is missing) is empty"),
    )
    found = _same(folder, {"accounts": [{"id": "a"}]})
    assert found[0] == "error"
    # With posts given, the presumption stands aside and the filter reads the facts.
    given = {"accounts": [{"id": "a", "posts": [{"date": "2024-05-01", "source": "新华社"}]}]}
    assert _same(folder, given)["verdicts"][0]["outcome"] == "compliant"


# --- constants of the generated code -----------------------------------------------------


def test_a_list_of_numbers_and_an_equal_list_of_truth_values_stay_apart(tmp_path: Path) -> None:
    """`[1]` and `[true]` are equal in Python, but `claimed(max([true]))` is true and
    `claimed(max([1]))` is not: the generated code keeps each parameter's own value."""
    folder = _folder(
        tmp_path,
        "param numbers = [1] cites 第一条\nparam flags = [true] cites 第一条\n"
        + _rule("    let n = count(numbers)\n    require claimed(max(flags))"),
        text=TEXT.replace("10个工作日", "1个工作日"),
    )
    found = _same(folder, {"accounts": [{"id": "a"}]})
    assert found["verdicts"][0]["outcome"] == "compliant"


# --- areas found sound, held to it ------------------------------------------------------

EVERY_SUBJECT = """
rule off { subject offline cites 第一条
    governing offline.start
    require offline.approved and offline.announced
    except offline.force_majeure cites 第一条 "不可抗力"
    explain "x" }
rule col { subject column cites 第一条
    when column.kind == news
    require days_between(max(column.updates), on) <= 10
    explain "x" }
rule obj { subject objection cites 第一条
    governing objection.received_on
    let deadline = objection.received_on + 10 workdays
    require objection.resolved_on <= deadline
    due deadline
    except objection.extended and objection.extension_approved cites 第一条 "延长"
        then require objection.resolved_on <= objection.received_on + 20 workdays
        then due objection.received_on + 20 workdays
    explain "x" }
rule dis { subject disclosure cites 第一条
    governing disclosure.formed_on
    require disclosure.published_on <= disclosure.formed_on + 10 workdays
    due disclosure.formed_on + 10 workdays
    explain "x" }
rule u { subject unit cites 第一条
    when unit.kind == department
    require count(accounts where each.platform == wechat) <= 1
    explain "x" }
rule w { subject website cites 第一条
    require (website.offline where each.end is missing) is empty
    explain "x" }
"""


def test_every_subject_kind_is_listed_and_judged_as_the_closures_do(tmp_path: Path) -> None:
    """Offline spells, columns, objections, disclosures, the unit and the website: the
    generated driver lists the same subjects, with the same paths, in the same order."""
    folder = _folder(tmp_path, EVERY_SUBJECT)
    given = {
        "unit": {"kind": "department"},
        "accounts": [{"id": "a", "platform": "wechat"}, {"id": "b", "platform": "wechat"}],
        "website": {
            "offline": [
                {"start": "2024-05-06", "end": "2024-05-08", "approved": True, "announced": True},
                {"start": "2024-05-20", "force_majeure": True},
                {"start": "2024-05-21", "approved": True, "announced": False},
            ],
            "columns": [
                {"kind": "news", "updates": ["2024-05-29"]},
                {"kind": "news", "updates": ["2024-04-01", "2024-05-02"]},
                {"kind": "other"},
            ],
        },
        "objections": [
            {"received_on": "2024-05-06", "resolved_on": "2024-05-31"},
            {"received_on": "2024-05-20", "extended": True, "extension_approved": True},
            {"received_on": "2026-12-28"},
        ],
        "disclosures": [
            {"formed_on": "2024-05-06", "published_on": "2024-05-10"},
            {"formed_on": "2024-05-27"},
        ],
    }
    found = _same(folder, given)
    subjects = [(v["rule"], v["subject"], v["outcome"]) for v in found["verdicts"]]
    assert subjects == [
        ("t.off", "website.offline[0]", "compliant"),
        ("t.off", "website.offline[1]", "compliant"),
        ("t.off", "website.offline[2]", "violation"),
        ("t.col", "website.columns[0]", "compliant"),
        ("t.col", "website.columns[1]", "violation"),
        ("t.col", "website.columns[2]", "not_applicable"),
        ("t.obj", "objections[0]", "violation"),
        ("t.obj", "objections[1]", "pending"),
        ("t.obj", "objections[2]", "undetermined"),
        ("t.dis", "disclosures[0]", "compliant"),
        ("t.dis", "disclosures[1]", "pending"),
        ("t.u", "unit", "violation"),
        ("t.w", "website", "violation"),
    ]
    assert found["calendar_gaps"] == [2027]
    # Without facts, the unit and the website are still one subject each.
    for nothing in ({}, {"website": {}}):
        assert [v["subject"] for v in _same(folder, nothing)["verdicts"]] == ["unit", "website"]


def test_a_batch_in_two_workers_decides_as_the_closures_do(tmp_path: Path) -> None:
    """evaluate_many with workers=2 ships compact verdicts; rebuilt, they equal the closures'
    decisions, calendar gaps included."""
    folder = _folder(
        tmp_path,
        _rule(
            "    governing event.date\n    let deadline = event.date + 10 workdays\n"
            "    require event.filed_on <= deadline\n    due deadline\n"
            '    except claimed(event.collective_decision) cites 第一条 "集体决定"\n'
            "        then require event.leader_approved",
            subject="event",
        ),
    )
    days = ["2024-05-20", "2024-12-25", "2026-12-28"]
    batch = [
        {
            "accounts": [
                {
                    "id": "a",
                    "events": [
                        {"type": "open", "date": day, "filed_on": filed, "collective_decision": cd}
                        for day in days
                    ],
                }
            ]
        }
        for filed in ("2024-05-30", "2025-01-20")
        for cd in (True, False)
    ]
    engine = govrules.load(folder)
    library = engine.library
    on = dt.date(2025, 6, 1)
    decisions = list(engine.evaluate_many(batch, "t", on, workers=2))
    spread = [d.to_dict() for d in decisions]
    alone = [
        run_closures(library, library.ruleset("t"), validate(f).data, on, engine.calendar, f)
        for f in batch
    ]
    assert spread == [d.to_dict() for d in alone]
    assert all(d.calendar_gaps == (2027,) for d in alone)
    # The violations the caller's process lists while rebuilding are the closures' own.
    assert [d.violations for d in decisions] == [d.violations for d in alone]
    assert any(d.violations for d in alone)


# --- random rules: the differential property over the grammar's constructs ---------------

# Definitions and presumptions the random rules may use: a presumption inside a definition
# (recorded with the argument's path), first_known over extremes that may be empty, a
# definition given unknown arguments, a presumption with a condition.
DEFINITIONS = """
define open_on(a, day) {
    presume a.events = [] because "推定未关停"
    value (a.events where each.type in [close, cancel] and each.date <= day) is empty
}
define known_since(a) {
    value first_known(a.opened_on, min(a.events.date), min(a.posts.date))
}
define later(x, y) {
    value max(x, y)
}
presume account.opened_by = internal_body because "推定由内设机构开办"
presume account.platform = wechat when account.news_service because "推定为微信"
param period_length = 10 workdays cites 第一条
"""

DAYS = ["2023-12-28", "2024-01-02", "2024-03-01", "2024-05-20", "2024-05-31", "2024-06-03",
        "2024-07-15", "2026-12-28", "2027-01-05"]  # fmt: skip
DURATIONS = ["3 workdays", "10 days", "1 months", "20 workdays", "period_length"]


def _pick(r: random.Random, *options: str) -> str:
    return r.choice(options)


def _bool(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 19) if d > 0 else 99
    sub = d - 1
    if k == 0:
        return f"({_bool(r, sub, lets)} and {_bool(r, sub, lets)})"
    if k == 1:
        return f"({_bool(r, sub, lets)} or {_bool(r, sub, lets)})"
    if k == 2:
        return f"not {_bool(r, sub, lets)}"
    if k in (3, 4):
        kind = _pick(r, "bool", "date", "int", "list")
        test = "is missing" if k == 3 else "is present"
        return f"({_any(r, kind, sub, lets)}) {test}"
    if k == 5:
        return f"({_list(r, sub, lets)}) is empty"
    if k == 6:
        op = _pick(r, "<=", "<", "==", "!=", ">=", ">")
        return f"{_date(r, sub, lets)} {op} {_date(r, sub, lets)}"
    if k == 7:
        op = _pick(r, "<=", ">=", "==")
        return f"{_int(r, sub, lets)} {op} {_int(r, sub, lets)}"
    if k == 8:
        return f"open_on(account, {_date(r, sub, lets)})"
    if k == 9:
        return f"first_known({_bool(r, sub, lets)}, {_bool(r, sub, lets)})"
    if k == 10:
        return f"{_date(r, sub, lets)} {_pick(r, 'in', 'not in')} {_dates(r, sub, lets)}"
    if k == 11:
        return f"claimed({_bool(r, sub, lets)})"
    if k == 12:
        key = _pick(r, "account.platform", "wechat")
        return f"count(accounts where each.platform == {key} and open_on(each, on)) <= 1"
    if k == 13:
        kind = _pick(r, "open", "close")
        return f"(account.events where each.type == {kind} and each.filed_on is missing) is empty"
    if k == 14:
        return f"{_date(r, sub, lets)} in [{_date(r, sub, lets)}, {_date(r, 0, lets)}]"
    if k == 15:
        # The checks let `and` and `or` take operands of any kind.
        other = _any(r, _pick(r, "date", "int"), sub, lets)
        return f"({other} {_pick(r, 'and', 'or')} {_bool(r, sub, lets)})"
    own = [name for name, kind in lets if kind == "bool"]
    return _pick(
        r,
        "account.commercial_activity",
        "account.news_license",
        "true",
        "false",
        "account.opened_by == individual",
        "account.platform == wechat",
        "claimed(account.news_service)",
        *own,
    )


def _date(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 9) if d > 0 else 99
    sub = d - 1
    if k in (0, 1):
        sign = "+" if k == 0 else "-"
        return f"({_date(r, sub, lets)} {sign} {_pick(r, *DURATIONS)})"
    if k == 2:
        fn = _pick(r, "max", "min")
        return f"{fn}({_date(r, sub, lets)}, {_date(r, sub, lets)})"
    if k == 3:
        return f"{_pick(r, 'max', 'min')}({_dates(r, sub, lets)})"
    if k == 4:
        return f"first_known({_date(r, sub, lets)}, {_date(r, sub, lets)})"
    if k == 5:
        return "known_since(account)"
    if k == 6:
        return f"later({_date(r, sub, lets)}, {_date(r, sub, lets)})"
    own = [name for name, kind in lets if kind == "date"]
    return _pick(
        r,
        "account.opened_on",
        "account.approved_on",
        "on",
        "in_force_from",
        "2024-03-01",
        "period.start",
        "period.end",
        *own,
    )


def _int(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 4) if d > 0 else 99
    sub = d - 1
    if k == 0:
        return f"count({_list(r, sub, lets)})"
    if k == 1:
        return f"days_between({_date(r, sub, lets)}, {_date(r, sub, lets)})"
    if k == 2:
        return f"workdays_between({_date(r, sub, lets)}, {_date(r, sub, lets)})"
    own = [name for name, kind in lets if kind == "int"]
    return _pick(r, "0", "1", "account.notices", *own)


def _dates(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 6) if d > 0 else 99
    sub = d - 1
    if k == 0:
        return f"({_posts(r, sub, lets)}).date"
    if k == 1:
        return f"[{_date(r, sub, lets)}, {_date(r, sub, lets)}]"
    if k == 2:
        dates, start, end = _dates(r, sub, lets), _date(r, sub, lets), _date(r, sub, lets)
        return f"workdays_without({dates}, {start}, {end})"
    if k == 3:
        return f"without({_dates(r, sub, lets)}, {_dates(r, sub, lets)})"
    if k == 4:
        return f"({_events(r, sub, lets)}).date"
    return _pick(r, "account.posts.date", "account.events.date", "accounts.events.date")


def _posts(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    return f"account.posts where {_post_test(r, d, lets)}"


def _post_test(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 4) if d > 0 else 99
    if k in (0, 1):
        op = "and" if k == 0 else "or"
        return f"({_post_test(r, d - 1, lets)} {op} {_post_test(r, d - 1, lets)})"
    if k == 2:
        return f"not {_post_test(r, d - 1, lets)}"
    if k == 3:
        return f"(account.posts where each.date == {_date(r, 0, lets)}) is empty"
    return _pick(
        r,
        "each.original",
        "each.repost",
        "each.source is missing",
        f"each.date <= {_date(r, 0, lets)}",
        "each.date >= account.opened_on",
        "each.date in account.events.date",
    )


def _events(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    test = _event_test(r, d, lets)
    if r.random() < 0.5:
        return f"account.events where each.type == {_pick(r, 'open', 'close')} and {test}"
    return f"account.events where {test}"


def _event_test(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 3) if d > 0 else 99
    if k in (0, 1):
        op = "and" if k == 0 else "or"
        return f"({_event_test(r, d - 1, lets)} {op} {_event_test(r, d - 1, lets)})"
    if k == 2:
        return f"not {_event_test(r, d - 1, lets)}"
    return _pick(
        r,
        "each.filed_on is missing",
        "each.type in [close, cancel]",
        f"each.date <= {_date(r, 0, lets)}",
        "each.collective_decision",
        "each.filed_on <= each.date + 5 workdays",
        "claimed(each.leader_approved)",
    )


def _list(r: random.Random, d: int, lets: list[tuple[str, str]]) -> str:
    k = r.randint(0, 2)
    if k == 0:
        return _posts(r, d, lets)
    if k == 1:
        return _events(r, d, lets)
    return _dates(r, d, lets)


def _any(r: random.Random, kind: str, d: int, lets: list[tuple[str, str]]) -> str:
    return {"bool": _bool, "date": _date, "int": _int, "list": _list}[kind](r, d, lets)


def _random_rule(r: random.Random) -> str:
    """Return a rule about accounts built from the grammar's constructs, at random."""
    lets: list[tuple[str, str]] = []
    depth = 3
    lines = []
    if r.random() < 0.3:
        lines.append(f"governing {_date(r, 1, lets)}")
    for _ in range(r.randint(0, 2)):
        lines.append(f"when {_bool(r, depth, lets)}")
    for i in range(r.randint(0, 2)):
        kind = _pick(r, "date", "bool", "int")
        lines.append(f"let l{i} = {_any(r, kind, depth, lets)}")
        lets.append((f"l{i}", kind))
    for _ in range(r.randint(1, 2)):
        lines.append(f"require {_bool(r, depth, lets)}")
    if r.random() < 0.5:
        lines.append(f"due {_date(r, 2, lets)}")
    for i in range(r.randint(0, 2)):
        line = f'except {_bool(r, 2, lets)} cites 第一条 "例外{i}"'
        if r.random() < 0.5:
            line += f" then require {_bool(r, 2, lets)}"
        if r.random() < 0.3:
            line += f" then due {_date(r, 1, lets)}"
        lines.append(line)
    return _rule("    " + "\n    ".join(lines))


def _random_facts(r: random.Random) -> dict[str, Any]:
    """Return facts of up to three accounts, any fact possibly left out."""

    def some(p: float = 0.6) -> bool:
        return r.random() < p

    accounts = []
    for i in range(r.randint(1, 3)):
        account: dict[str, Any] = {"id": f"a{i}"}
        if some():
            account["platform"] = _pick(r, "wechat", "weibo", "douyin")
        for name in ("opened_on", "approved_on"):
            if some(0.5):
                account[name] = r.choice(DAYS)
        for name in ("commercial_activity", "news_license", "news_service"):
            if some(0.4):
                account[name] = some(0.5)
        if some(0.3):
            account["opened_by"] = _pick(r, "unit", "individual")
        if some(0.3):
            account["notices"] = r.randint(0, 2)
        if some(0.7):
            events = []
            for _ in range(r.randint(0, 2)):
                event = {"type": _pick(r, "open", "close", "change"), "date": r.choice(DAYS)}
                for name in ("filed_on",):
                    if some(0.5):
                        event[name] = r.choice(DAYS)
                for name in ("collective_decision", "leader_approved"):
                    if some(0.3):
                        event[name] = some(0.5)
                events.append(event)
            account["events"] = events
        if some(0.7):
            posts = []
            for _ in range(r.randint(0, 3)):
                post: dict[str, Any] = {"date": r.choice(DAYS)}
                if some(0.4):
                    post["original"] = some(0.5)
                if some(0.3):
                    post["source"] = "新华社"
                posts.append(post)
            account["posts"] = posts
        accounts.append(account)
    given: dict[str, Any] = {"accounts": accounts}
    if some(0.5):
        given["period"] = {"start": "2024-01-01", "end": "2024-05-31"}
    return given


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_random_rules_get_the_closures_verdicts(r: random.Random) -> None:
    """On random rules over the grammar's constructs and random facts, the generated code
    decides as the closures do, or fails as they do."""
    rule = _random_rule(r)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "texts").mkdir()
        (folder / "texts" / "t.txt").write_text(TEXT, encoding="utf-8")
        (folder / "t.rules").write_text(HEAD + DEFINITIONS + rule, encoding="utf-8")
        errors = [d for d in govrules.check(folder) if d.severity == "error"]
        assume(errors == [])  # a rule the checks refuse is never evaluated
        for _ in range(8):
            on = r.choice([dt.date(2024, 6, 1), dt.date(2024, 3, 5), dt.date(2025, 1, 10)])
            _same(folder, _random_facts(r), on)
