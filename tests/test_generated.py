"""Generated code (codegen.py, fast.py) gives exactly the closures' verdicts.

From the second run of a rule set on, evaluation judges with Python functions generated
from the checked rules and falls back to the closures wherever those functions cannot be
sure. These tests hold the two to the same answers — every field of every verdict,
explanations and traces included — on every example of the shipped policies and on
generated facts, and check that the generated source carries no text a policy wrote.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import pickle
import re
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_soundness import ON, facts

import govrules
from govrules import codegen, fast
from govrules.evaluate import run_closures
from govrules.facts import validate
from govrules.library import load
from govrules.verdicts import CompactVerdict, Verdict

JURISDICTIONS = ("yunnan", "puding", "anyue", "luju", "chengjiang_meteorology")


@pytest.fixture(scope="module")
def library() -> Any:
    return load(None)


@pytest.fixture(scope="module")
def calendar() -> Any:
    return govrules.load().calendar


def _both(library: Any, calendar: Any, jurisdiction: str, given: Any, on: dt.date) -> Any:
    ruleset = library.ruleset(jurisdiction)
    data = validate(given).data
    closures = run_closures(library, ruleset, data, on, calendar, given)
    generated = fast.run(library, ruleset, data, on, calendar, given, fast.plan(library, ruleset))
    return closures, generated


@contextlib.contextmanager
def _handed_to_closures() -> Iterator[list[govrules.Verdict]]:
    """Collect the verdicts of the subjects generated code hands to the closures."""
    handed: list[govrules.Verdict] = []
    original = fast.guarded

    def spy(*args: Any, **kwargs: Any) -> Any:
        verdict = original(*args, **kwargs)
        handed.append(verdict)
        return verdict

    fast.guarded = spy
    try:
        yield handed
    finally:
        fast.guarded = original


def _same(closures: govrules.Decision, generated: govrules.Decision) -> None:
    assert len(closures.verdicts) == len(generated.verdicts)
    for a, b in zip(closures.verdicts, generated.verdicts, strict=True):
        assert a.to_dict() == b.to_dict(), (a.rule, a.subject)
    assert closures.to_dict() == generated.to_dict()
    # The violations the driver lists as it judges are the verdicts' own, in their order.
    listed = [v for v in generated.verdicts if v.outcome is govrules.Outcome.VIOLATION]
    assert [id(v) for v in generated.violations] == [id(v) for v in listed]
    assert generated.violations == closures.violations


def test_every_shipped_rule_version_is_generated(library: Any) -> None:
    for jurisdiction in JURISDICTIONS:
        code = fast.plan(library, library.ruleset(jurisdiction))
        assert code.unsupported == ()
        for oc in code.obligations:
            assert all(v.function is not None for v in oc.versions), oc.compiled.obligation.id
            assert oc.governing is not None or not oc.dated


def test_every_policy_example_gets_the_closures_verdicts(library: Any, calendar: Any) -> None:
    compared = 0
    for pid in sorted(library.own):
        for example in library.policies[pid].examples:
            jurisdiction = example.jurisdiction or pid
            try:
                validate(example.facts)
            except govrules.GovrulesError:
                continue  # examples of bad facts: neither path is reached
            closures, generated = _both(library, calendar, jurisdiction, example.facts, example.on)
            _same(closures, generated)
            compared += len(generated.verdicts)
    assert compared > 2000


def test_complete_facts_are_decided_by_generated_code(library: Any, calendar: Any) -> None:
    # A unit whose accounts give every fact: no verdict needs the closures.
    given = {
        "unit": {"level": "county", "kind": "department"},
        "period": {"start": "2024-01-01", "end": "2024-06-30"},
        "accounts": [
            {
                "id": "wx",
                "platform": "wechat",
                "opened_on": "2023-01-01",
                "server_region": "same_province",
                "events": [{"type": "open", "date": "2023-01-01", "filed_on": "2023-01-05"}],
                "posts": [
                    {"date": f"2024-{m:02d}-{d:02d}"} for m in range(1, 7) for d in (1, 8, 15, 22)
                ],
            }
        ],
    }
    ruleset = library.ruleset("yunnan")
    data = validate(given).data
    with _handed_to_closures() as handed:
        fast.run(
            library,
            ruleset,
            data,
            dt.date(2024, 7, 1),
            calendar,
            given,
            fast.plan(library, ruleset),
        )
    # Only verdicts the closures alone can word (undetermined, partly known lists) go back.
    assert [v.obligation for v in handed if v.outcome is not govrules.Outcome.UNDETERMINED] == []


@st.composite
def richer_facts(draw: st.DrawFn) -> dict[str, Any]:
    """Return the soundness test's facts, some posts crediting a source."""
    out = draw(facts())
    for account in out["accounts"]:
        for post in account.get("posts", []):
            if draw(st.booleans()):
                post["source"] = draw(st.sampled_from(["新华社", "人民日报"]))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(richer_facts(), st.sampled_from(JURISDICTIONS), st.sampled_from([ON, dt.date(2019, 11, 5)]))
def test_generated_facts_get_the_closures_verdicts(
    given_facts: dict[str, Any], jurisdiction: str, on: dt.date
) -> None:
    library = load(None)
    closures, generated = _both(library, govrules.load().calendar, jurisdiction, given_facts, on)
    _same(closures, generated)


def test_engine_switches_to_generated_code_on_the_second_run(tmp_path: Any) -> None:
    import shutil

    from govrules.engine import Engine  # noqa: F401 - the public entry point below

    folder = tmp_path / "micro"
    shutil.copytree("benchmarks/micro", folder)
    engine = govrules.load(folder)
    given = {
        "period": {"start": "2025-06-10", "end": "2025-06-30"},
        "accounts": [
            {
                "id": "a",
                "server_region": "abroad",
                "events": [{"type": "open", "date": "2024-03-01", "filed_on": "2024-03-12"}],
                "posts": [{"date": "2025-06-10"}, {"date": "2025-06-30"}],
            }
        ],
    }
    first = engine.evaluate(given, "micro", "2025-07-01")
    assert ("plan", "micro") not in engine.library.cache
    second = engine.evaluate(given, "micro", "2025-07-01")
    assert ("plan", "micro") in engine.library.cache
    assert all(isinstance(v, CompactVerdict) for v in second.verdicts)
    assert first.to_dict() == second.to_dict()
    # Worked by hand: filed 2024-03-12, 11 days after opening (deadline 2024-03-11); the
    # posts of 06-10 and 06-30 leave 06-11…06-29 without one (19 days > 14); server abroad.
    outcomes = {v.obligation: v.outcome.value for v in second.verdicts}
    assert outcomes == {"gap": "violation", "abroad": "violation", "late_filing": "violation"}
    late = next(v for v in second.verdicts if v.obligation == "late_filing")
    assert "备案期限2024-03-11" in late.explanation


def test_a_compact_verdict_is_a_verdict(library: Any, calendar: Any) -> None:
    given = {
        "accounts": [
            {"id": "a", "platform": "wechat", "server_region": "abroad", "opened_on": "2024-01-02"}
        ]
    }
    closures, generated = _both(library, calendar, "yunnan", given, dt.date(2024, 6, 1))
    compact = next(v for v in generated.verdicts if isinstance(v, CompactVerdict))
    twin = next(
        v for v in closures.verdicts if (v.rule, v.subject) == (compact.rule, compact.subject)
    )
    assert isinstance(compact, Verdict)
    assert compact == twin
    assert hash(compact) == hash(twin)
    assert pickle.loads(pickle.dumps(compact)) == twin
    assert copy.copy(compact).to_dict() == twin.to_dict()
    moved = attrs.evolve(compact, subject="accounts[9]")
    assert moved.subject == "accounts[9]"
    assert moved.explanation == twin.explanation
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        compact.outcome = govrules.Outcome.VIOLATION  # type: ignore[misc]


# --- policies are data -------------------------------------------------------------------

_TOKEN = re.compile(r"'[^']*'|\"[^\"]*\"")


def _literals(source: str) -> set[str]:
    return set(_TOKEN.findall(source))


def test_generated_source_holds_no_policy_text(library: Any) -> None:
    for jurisdiction in JURISDICTIONS:
        source = fast.plan(library, library.ruleset(jurisdiction)).source
        assert _literals(source) <= {"'['", "']'"}
        assert "import" not in source
        assert "__" not in source


HOSTILE = st.lists(
    st.sampled_from([*"abc_'\"\\\n{}()#;:. ", "中文", "__import__", "os.system", "')+("]),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(HOSTILE, HOSTILE)
def test_policy_strings_never_become_source(reason: str, title: str) -> None:
    # A presumption's reason and a rule's string literal reach the code as constants only.
    from govrules import nodes as n
    from govrules.source import Span

    span = Span("<test>", 1, 1, 1, 1)
    account = n.Name("account", span)
    presume = n.Presume(n.Field(account, "opened_by", span), n.String(title, span), reason, span)
    rule = n.Rule(
        name="r",
        override=False,
        title=title,
        subject="account",
        subject_span=None,
        cites=(),
        governing=None,
        when=(n.Binary("==", n.Field(account, "platform", span), n.String(title, span), span),),
        lets=(),
        requires=(
            n.Binary("!=", n.Field(account, "opened_by", span), n.String(reason, span), span),
        ),
        explain=None,
        notes=(),
        span=span,
        name_span=span,
    )
    gen = codegen.Generator({})
    name = gen.version(rule, ("account",), {}, {presume.target: presume}, dt.date(2020, 1, 1))
    assert name is not None
    source = gen.source()
    assert _literals(source) <= {"'['", "']'"}
    functions = codegen.compile_module(gen)
    presumed: dict[str, Any] = {}
    result = functions[name](
        presumed,
        dt.date(2024, 1, 1),
        None,
        {},
        ("accounts[0]",),
        (codegen.ABSENT,) * 6,
        {"platform": title},
    )
    assert result[0] == (codegen.VIOLATION if title == reason else codegen.COMPLIANT)
    assert presumed == {"accounts[0].opened_by": (title, reason)}


def test_a_filter_reused_for_another_subject_keeps_its_presumptions(
    library: Any, calendar: Any
) -> None:
    # Anyue 第八条: the accounts on a platform are counted once per platform and run; both
    # accounts rely on the presumption that neither was closed (no events listed), so both
    # verdicts must say so, not only the first one judged.
    given = {
        "accounts": [
            {"id": "a", "platform": "wechat", "opened_on": "2023-01-01"},
            {"id": "b", "platform": "wechat", "opened_on": "2023-01-01"},
        ]
    }
    for decision in _both(library, calendar, "anyue", given, dt.date(2024, 6, 1)):
        found = [v for v in decision.verdicts if v.obligation == "one_account_per_platform"]
        assert [v.outcome.value for v in found] == ["violation", "violation"]
        for v in found:
            assert set(v.presumed) >= {"accounts[0].events", "accounts[1].events"}


def test_undetermined_verdicts_name_their_missing_facts_when_read(
    library: Any, calendar: Any
) -> None:
    # Yunnan 第十七条: an account opened 2024-09-27 whose filing date is not given. On
    # 2024-10-30 the deadline (2024-10-12, the 7th working day) has passed: undetermined,
    # missing the filing date; generated code decides the outcome, the closures name the
    # fact when `missing` is first read.
    given = {"accounts": [{"id": "wx", "events": [{"type": "open", "date": "2024-09-27"}]}]}
    closures, generated = _both(library, calendar, "yunnan", given, dt.date(2024, 10, 30))
    (late,) = [v for v in generated.verdicts if v.obligation == "filing_deadline"]
    assert isinstance(late, CompactVerdict)
    assert late.outcome is govrules.Outcome.UNDETERMINED
    assert late.due == dt.date(2024, 10, 12)
    assert late.missing == ("accounts[0].events[0].filed_on",)
    assert pickle.loads(pickle.dumps(late)).missing == late.missing
    _same(closures, generated)


def test_subjects_past_the_spelt_paths_are_named_as_the_closures_name_them(
    library: Any, calendar: Any
) -> None:
    """Paths are spelt ahead for 256 accounts and 256 events each; a unit with more gets
    the same names, accounts[300] and accounts[0].events[300], and the same verdicts."""
    events = [{"type": "change", "date": "2024-05-01"} for _ in range(301)]
    accounts = [{"id": f"a{i}", "opened_on": "2024-01-01"} for i in range(301)]
    accounts[0] = {"id": "a0", "opened_on": "2024-01-01", "events": events}
    given = {"period": {"start": "2024-01-01", "end": "2024-06-30"}, "accounts": accounts}
    closures, generated = _both(library, calendar, "yunnan", given, ON)
    _same(closures, generated)
    subjects = {v.subject for v in generated.verdicts}
    assert {"accounts[255]", "accounts[256]", "accounts[300]"} <= subjects
    assert {"accounts[0].events[255]", "accounts[0].events[300]"} <= subjects


@pytest.mark.parametrize("jurisdiction", JURISDICTIONS)
def test_an_unknown_governing_date_is_judged_by_generated_code_under_every_version(
    library: Any, calendar: Any, jurisdiction: str
) -> None:
    """An account that never says when it was opened leaves rules governed by its opening
    date without a date: every version may govern, and the verdict is what all agree on
    (undetermined here, or compliant when every reading is met), as the closures decide,
    without handing the subject to them."""
    given = {
        "accounts": [
            {
                "id": "wb",
                "platform": "weibo",
                "events": [{"type": "open", "date": "2024-03-05", "filed_on": "2024-03-20"}],
            }
        ]
    }
    with _handed_to_closures() as handed:
        closures, generated = _both(library, calendar, jurisdiction, given, ON)
    _same(closures, generated)
    undated = [v for v in generated.verdicts if v.governing_date is None]
    assert undated, "a rule governed by the opening date"
    assert [v.obligation for v in handed] == []


def test_generated_code_words_compliant_and_violated_verdicts_itself(
    library: Any, calendar: Any
) -> None:
    """Reading the explanation of a verdict the generated code decided, compliant or
    violated, does not judge its rule again with the closures: the version's wording
    function gives the values its template shows, and the text is the closures' own."""
    given = {
        "unit": {"level": "county", "kind": "department"},
        "period": {"start": "2024-01-01", "end": "2024-06-30"},
        "accounts": [
            {
                "id": "wx",
                "name": "某局发布",
                "platform": "wechat",
                "opened_on": "2023-01-01",
                "server_region": "abroad",
                "events": [{"type": "open", "date": "2023-01-01", "filed_on": "2023-01-20"}],
                "posts": [{"date": "2024-01-02"}, {"date": "2024-03-30", "source": "新华社"}],
            }
        ],
    }
    closures, generated = _both(library, calendar, "yunnan", given, ON)
    rejudged: list[str] = []
    original = fast._Context.judged

    def spy(self: Any, verdict: Any) -> Any:
        rejudged.append(verdict.obligation)
        return original(self, verdict)

    fast._Context.judged = spy  # type: ignore[method-assign]
    try:
        decided = [
            (v.explanation, w.explanation)
            for v, w in zip(generated.verdicts, closures.verdicts, strict=True)
            if v.outcome in (govrules.Outcome.COMPLIANT, govrules.Outcome.VIOLATION)
        ]
    finally:
        fast._Context.judged = original  # type: ignore[method-assign]
    assert any(w.startswith("违反") for _, w in decided)
    assert all(mine == theirs for mine, theirs in decided)
    # Only a verdict that holds whatever an unknown condition is needs the closures' words.
    worded_by_closures = [
        v.obligation
        for v in closures.verdicts
        if v.outcome is govrules.Outcome.COMPLIANT and "无论是否适用" in v.explanation
    ]
    assert sorted(rejudged) == sorted(worded_by_closures)


def test_free_text_in_a_generated_explanation_is_shown_as_written(
    library: Any, calendar: Any
) -> None:
    """A column named "news" (安岳第二十二条: 动态要闻类栏目“{column.name}”) is shown as
    "news", not translated as the enumeration value news (动态要闻类栏目) would be, by the closures
    and by the generated code's own wording alike."""
    given = {
        "period": {"start": "2024-01-01", "end": "2024-06-30"},
        "website": {"columns": [{"name": "news", "kind": "news", "updates": ["2024-01-05"]}]},
    }
    closures, generated = _both(library, calendar, "anyue", given, ON)
    _same(closures, generated)
    (verdict,) = [v for v in generated.verdicts if "“news”" in v.explanation]
    assert verdict.outcome is govrules.Outcome.VIOLATION
