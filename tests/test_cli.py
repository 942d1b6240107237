"""The command line: output people read, JSON programs read, exit codes, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from govrules.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "county-department.json"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m govrules`` as a user would, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "govrules", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def write_facts(tmp_path: Path, facts: Any) -> Path:
    """Write facts as JSON and return the file."""
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    return path


def test_evaluate_the_shipped_example_reports_violations_and_exits_one() -> None:
    """The README's example exits 1 and shows the missed make-up Sunday 2024-09-29."""
    result = run("evaluate", str(EXAMPLE), "--jurisdiction", "yunnan", "--on", "2024-11-01")
    assert result.returncode == 1, result.stderr
    assert "违反 accounts[0]  yunnan.daily_update" in result.stdout
    assert "2024-09-29" in result.stdout
    assert "《云南省政务新媒体管理办法》第二十二条第一款" in result.stdout
    assert "Traceback" not in result.stderr


def test_evaluate_json_is_the_decision_as_data(tmp_path: Path, capsys: Any) -> None:
    """--format json prints Decision.to_dict(): jurisdiction, on, verdicts with contract keys."""
    facts = {
        "accounts": [
            {
                "id": "wx",
                "events": [{"type": "open", "date": "2024-09-27", "filed_on": "2024-10-12"}],
            }
        ]
    }
    code = main(
        [
            "evaluate",
            str(write_facts(tmp_path, facts)),
            "-j",
            "yunnan",
            "--on",
            "2024-11-01",
            "--format",
            "json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["jurisdiction"] == "yunnan"
    assert data["on"] == "2024-11-01"
    (filing,) = [v for v in data["verdicts"] if v["rule"] == "yunnan.filing_deadline"]
    assert filing["subject"] == "accounts[0].events[0]"
    assert filing["outcome"] == "compliant"
    assert filing["citations"][0]["label"] == "第十七条第一款"
    assert filing["missing"] == []


def test_bad_date_in_facts_names_the_path_and_exits_two(tmp_path: Path) -> None:
    """A month 13 is reported at accounts[0].opened_on with exit code 2 and no traceback."""
    facts = {"unit": {"kind": "department"}, "accounts": [{"id": "a", "opened_on": "2025-13-01"}]}
    result = run("evaluate", str(write_facts(tmp_path, facts)), "--jurisdiction", "yunnan")
    assert result.returncode == 2
    assert "accounts[0].opened_on" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_misspelt_fact_gets_a_suggestion(tmp_path: Path, capsys: Any) -> None:
    """An unknown key names its path and the nearest valid key."""
    facts = {"accounts": [{"id": "a", "opend_on": "2024-01-01"}]}
    assert main(["evaluate", str(write_facts(tmp_path, facts)), "-j", "yunnan"]) == 2
    err = capsys.readouterr().err
    assert "accounts[0].opend_on" in err
    assert "opened_on" in err


def test_unknown_jurisdiction_suggests_the_nearest(tmp_path: Path, capsys: Any) -> None:
    """A misspelt rule-set id is an error with a suggestion, exit code 2."""
    assert main(["evaluate", str(write_facts(tmp_path, {})), "-j", "yunan"]) == 2
    assert "did you mean 'yunnan'?" in capsys.readouterr().err


def test_invalid_json_says_where(tmp_path: Path, capsys: Any) -> None:
    """Facts that are not JSON are reported with line and column."""
    path = tmp_path / "facts.json"
    path.write_text('{"accounts": [}', encoding="utf-8")
    assert main(["evaluate", str(path), "-j", "yunnan"]) == 2
    assert "facts.json:1:15: not valid JSON" in capsys.readouterr().err


def test_a_year_without_a_holiday_schedule_is_a_clear_note(tmp_path: Path, capsys: Any) -> None:
    """A deadline running into 2027 is undetermined, and a note names 2027 and --calendar."""
    facts = {
        "accounts": [
            {
                "id": "a",
                "events": [{"type": "open", "date": "2026-12-28", "filed_on": "2027-01-05"}],
            }
        ]
    }
    assert (
        main(["evaluate", str(write_facts(tmp_path, facts)), "-j", "yunnan", "--on", "2027-02-01"])
        == 0
    )
    out = capsys.readouterr().out
    assert "无法判定 accounts[0].events[0]  yunnan.filing_deadline" in out
    assert "注：工作日日历缺少2027年" in out
    assert "--calendar FILE" in out


def test_a_supplied_year_file_lets_the_deadline_be_computed(tmp_path: Path, capsys: Any) -> None:
    """With a 2027 schedule (New Year 01-01 off), 2026-12-28 + 7 working days is 2027-01-07."""
    schedule = {"year": 2027, "holidays": ["2027-01-01"], "workdays": []}
    cal = tmp_path / "2027.json"
    cal.write_text(json.dumps(schedule), encoding="utf-8")
    facts = {
        "accounts": [
            {
                "id": "a",
                "events": [{"type": "open", "date": "2026-12-28", "filed_on": "2027-01-08"}],
            }
        ]
    }
    code = main(
        [
            "evaluate",
            str(write_facts(tmp_path, facts)),
            "-j",
            "yunnan",
            "--on",
            "2027-02-01",
            "--calendar",
            str(cal),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "2027-01-07" in out


def test_check_on_a_broken_policy_points_at_line_and_column(tmp_path: Path) -> None:
    """`check` prints path:1:COL: error: … with the line and a caret, exit 1, no traceback."""
    (tmp_path / "broken.rules").write_text("ruleset broken {{{ ???\n", encoding="utf-8")
    result = run("check", str(tmp_path))
    assert result.returncode == 1
    assert "broken.rules:1:17: error:" in result.stdout
    assert "    ruleset broken {{{ ???" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_check_on_the_bundled_policies_is_clean(capsys: Any) -> None:
    """The shipped policies have no errors; their only warnings are the declared overlaps."""
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "5 rule set(s), 0 error(s), 2 warning(s)" in out
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert len(warnings) == 2
    assert all("regulate the same act differently" in w for w in warnings)
    assert any("luju.rules" in w and "第十三条、第十五条" in w for w in warnings)


def test_test_runs_the_examples_written_in_the_policies(capsys: Any) -> None:
    """`govrules test` runs every example of the bundled policies; all pass."""
    assert main(["test"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    passed = int(last.split()[0])
    assert passed >= 10
    assert last.endswith("0 failed")


def test_test_reports_a_failing_example_with_its_line(tmp_path: Path, capsys: Any) -> None:
    """A wrong expectation fails with the file and line of the `expect`."""
    text = (ROOT / "policies" / "yunnan.rules").read_text(encoding="utf-8")
    text = text.replace(
        'filing_deadline violation mentions "2024-10-12"',
        'filing_deadline compliant mentions "2024-10-12"',
    )
    (tmp_path / "texts").mkdir()
    (tmp_path / "yunnan.rules").write_text(text, encoding="utf-8")
    source = ROOT / "policies" / "texts" / "yunnan.txt"
    (tmp_path / "texts" / "yunnan.txt").write_bytes(source.read_bytes())
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    assert "yunnan.rules:" in out
    assert "expected compliant, found violation" in out


def test_list_shows_rule_sets_and_relations(capsys: Any) -> None:
    """`govrules list` prints each rule set with its level, relation and date."""
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "yunnan" in out
    assert "province" in out
    assert "2019-09-10" in out


def test_usage_errors_exit_two_without_traceback() -> None:
    """A missing required option is a usage error with exit code 2."""
    result = run("evaluate", str(EXAMPLE))
    assert result.returncode == 2
    assert "--jurisdiction" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["--help", "evaluate --help", "check --help"])
def test_help_works(command: str) -> None:
    """Help is available for the command and its subcommands."""
    assert run(*command.split()).returncode == 0


def test_coverage_accounts_for_every_article_of_every_document(capsys: Any) -> None:
    """Every article of every shipped document is encoded or declared not checkable."""
    from govrules.coverage import coverage
    from govrules.library import bundled

    library = bundled()
    for pid in library.own:
        cov = coverage(library, pid)
        assert cov.articles, pid
        assert [a.label for a in cov.missing] == [], pid
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    assert "第十七条" in out
    assert "filing_deadline" in out


def test_coverage_fails_for_an_unaccounted_article(tmp_path: Path, capsys: Any) -> None:
    """A policy that leaves an article unaccounted makes `coverage` exit 1 and name it."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.txt").write_text(
        "测试办法\n第一条 单位应当备案。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8"
    )
    (tmp_path / "t.rules").write_text(
        'ruleset t { title "《测试办法》" issuer "测试" level county jurisdiction "测试"\n'
        '  effective 2024-01-01 text "texts/t.txt" }\n'
        'unchecked 第二条 because "施行日期"\n',
        encoding="utf-8",
    )
    assert main(["coverage", "--policies", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "第一条" in out
    assert "missing" in out


def test_a_bad_as_of_date_names_the_option(tmp_path: Path, capsys: Any) -> None:
    """--on 2024-02-30 is reported against --on, not against the facts file."""
    assert (
        main(["evaluate", str(write_facts(tmp_path, {})), "-j", "yunnan", "--on", "2024-02-30"])
        == 2
    )
    err = capsys.readouterr().err
    assert "--on: expected a date YYYY-MM-DD, found '2024-02-30'" in err
    assert "facts.json" not in err


KNOWN = "known: anyue, chengjiang_meteorology, luju, puding, yunnan"


def test_an_unknown_jurisdiction_lists_the_known_ids_and_hints_at_policies(capsys: Any) -> None:
    """Without --policies the error lists the bundled ids and points at --policies DIR."""
    assert main(["coverage", "maguan"]) == 2
    assert capsys.readouterr().err == (
        f"govrules: error: unknown jurisdiction 'maguan'; {KNOWN} "
        "(use --policies DIR for your own rule sets)\n"
    )


def test_an_unknown_jurisdiction_in_a_given_folder_has_no_policies_hint(capsys: Any) -> None:
    """With --policies the folder was searched: the error lists its ids and no hint."""
    assert main(["diff", "yunnan", "maguan", "--policies", str(ROOT / "policies")]) == 2
    assert capsys.readouterr().err == (f"govrules: error: unknown jurisdiction 'maguan'; {KNOWN}\n")


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["evaluate", str(EXAMPLE), "-j", "yunnan", "--on", "2024-11-01"], "govrules: yunan on"),
        (["list"], "yunan "),
        (["coverage", "yunnan"], "yunan 《云南省政务新媒体管理办法》"),
        (["diff", "yunnan", "puding"], "规则集 yunan → puding"),
        (["test", "-v"], "PASS yunan: "),
        (["check"], ": 1 rule set(s), 0 error(s)"),
    ],
)
def test_every_command_that_reads_policies_takes_policies_dir(
    command: list[str], shown: str, tmp_path: Path, capsys: Any
) -> None:
    """`--policies DIR` reads the rule sets of DIR: a copy of yunnan.rules renamed yunan."""
    (tmp_path / "texts").mkdir()
    text = (ROOT / "policies" / "yunnan.rules").read_text(encoding="utf-8")
    (tmp_path / "yunan.rules").write_text(
        text.replace("ruleset yunnan {", "ruleset yunan {"), encoding="utf-8"
    )
    source = ROOT / "policies" / "texts" / "yunnan.txt"
    (tmp_path / "texts" / "yunnan.txt").write_bytes(source.read_bytes())
    args = [("yunan" if a == "yunnan" else a) for a in command]
    # The bundled ids stay known beside the folder's own (a folder may build on them).
    code = main([*args, "--policies", str(tmp_path)])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    assert shown in out


def test_test_takes_a_policy_file(capsys: Any) -> None:
    """`govrules test FILE.rules` runs the examples of that one rule set."""
    assert main(["test", str(ROOT / "policies" / "puding.rules"), "-v"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {line.split()[1] for line in lines if line.startswith("PASS")} == {"puding:"}


def test_a_violation_shows_the_whole_paragraph_it_cites(tmp_path: Path, capsys: Any) -> None:
    """Puding 第十八条第一款 is shown to its end, the sentence that imposes daily updates."""
    facts = {
        "period": {"start": "2024-06-03", "end": "2024-06-07"},
        "accounts": [
            {"id": "wx", "opened_on": "2023-01-02", "events": [], "posts": [{"date": "2024-06-03"}]}
        ],
    }
    assert (
        main(["evaluate", str(write_facts(tmp_path, facts)), "-j", "puding", "--on", "2024-06-08"])
        == 1
    )
    out = capsys.readouterr().out
    assert "除节假日外，原则上每天至少更新发布 1条信息。" in out  # the source writes a space
