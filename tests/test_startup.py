"""Start-up: what a cached `govrules evaluate` loads, and the shortcuts that keep it small.

The command's wall time is measured by benchmarks/bench_issue10.py; these tests guard what
that time depends on, without timing anything: which modules a fresh interpreter imports, and
that the faster ways of loading give what the slower ones gave.
"""

from __future__ import annotations

import gc
import importlib.resources
import json
import os
import subprocess
import sys
from pathlib import Path

import attrs
import pytest

from govrules import cache
from govrules.files import package_files
from govrules.library import _load_cached

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "county-department.json"

# What only a load-cache miss, another command or another entry point needs.
NOT_FOR_A_CACHED_EVALUATE = (
    "lark",
    "govrules.parser",
    "govrules.checks",
    "govrules.loading",
    "govrules.segmenter",
    "govrules.yearfiles",
    "govrules.engine",
    "govrules.api",
    "govrules.comparison",
    "govrules.consolidated",
    "govrules.formatter",
    "govrules.lsp",
    "importlib.resources",
    "tempfile",
    "dateutil.relativedelta",
    "chinese_calendar",
)


def modules_after(code: str, cache_dir: Path) -> set[str]:
    """Return the modules a fresh interpreter has imported after running ``code``."""
    script = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    env = {**os.environ, "GOVRULES_CACHE_DIR": str(cache_dir)}
    env.pop("GOVRULES_CACHE", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_importing_govrules_loads_neither_lark_nor_the_tools(tmp_path: Path) -> None:
    """`import govrules` loads the evaluator, not Lark, the parser, the engine or the tools."""
    loaded = modules_after("import govrules", tmp_path)
    assert "govrules.evaluate" in loaded
    assert not loaded & set(NOT_FOR_A_CACHED_EVALUATE)


def test_a_cached_evaluate_command_loads_only_what_it_needs(tmp_path: Path) -> None:
    """With the library in the load cache, `govrules evaluate` imports no parser, Lark or tools."""
    run = (
        "import contextlib, io\n"
        "from govrules.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['evaluate', {str(EXAMPLE)!r}, '-j', 'yunnan', '--on', '2024-11-01'])\n"
        "assert code == 1, code\n"
    )
    first = modules_after(run, tmp_path)  # a miss: reads the folder and fills the cache
    assert {"lark", "govrules.parser", "govrules.loading"} <= first
    cached = modules_after(run, tmp_path)
    assert "govrules.evaluate" in cached
    assert sorted(cached & set(NOT_FOR_A_CACHED_EVALUATE)) == []


@pytest.mark.parametrize("package", ["govrules.policies", "govrules.grammars"])
def test_package_files_is_what_importlib_resources_gives(package: str) -> None:
    """package_files finds the bundled folders where importlib.resources.files does."""
    found = package_files(package)
    assert found == importlib.resources.files(package)
    assert type(found) is type(importlib.resources.files(package))


def test_a_library_read_back_from_the_cache_is_the_one_read_from_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache's compact pickling gives back every field, spans and texts included."""
    monkeypatch.setenv("GOVRULES_CACHE_DIR", str(tmp_path))
    folder = package_files("govrules.policies")
    read = _load_cached(folder, "policies")  # a miss: read from the files, then stored
    assert len(list(tmp_path.glob("library-*.pickle"))) == 1
    again = _load_cached(folder, "policies")
    assert again is not read
    for field in attrs.fields(type(read)):
        if field.name != "diagnostics":
            assert getattr(again, field.name) == getattr(read, field.name), field.name
    assert [str(d) for d in again.diagnostics] == [str(d) for d in read.diagnostics]
    # Spans are left out of node equality: compare them through the representation.
    assert repr(again.policies) == repr(read.policies)
    assert gc.isenabled()


def test_values_of_every_kind_come_back_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain values, values with converters and values with fields worked out survive storing."""
    from datetime import date

    from govrules.calendar import WorkdayCalendar, YearSchedule
    from govrules.source import Span

    monkeypatch.setenv("GOVRULES_CACHE_DIR", str(tmp_path))
    span = Span("a.rules", 1, 2, 1, 5)
    year = YearSchedule(2027, frozenset({date(2027, 1, 1)}), frozenset())
    calendar = WorkdayCalendar.default().with_years(year)
    value = (span, span, year, calendar)
    assert cache.cached("test", "k", lambda: value) is value  # a miss: built, then stored
    back = cache.cached("test", "k", lambda: pytest.fail("the entry was not read"))
    assert back == value
    assert back[0] is back[1]  # one object stored once stays one object
    assert back[3].years == calendar.years
    assert back[3].add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)


def test_python_m_govrules_runs_the_program(tmp_path: Path) -> None:
    """`python -m govrules` goes through cli.program: --version and a command still answer."""
    env = {**os.environ, "GOVRULES_CACHE_DIR": str(tmp_path)}
    env.pop("GOVRULES_CACHE", None)
    answers = [
        subprocess.run(
            [sys.executable, "-m", "govrules", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        for args in (["--version"], ["cache"])
    ]
    assert [(a.returncode, a.stderr) for a in answers] == [(0, ""), (0, "")]
    assert answers[0].stdout.startswith("govrules ")
    assert answers[1].stdout == f"{tmp_path}\n"


def test_the_bundled_calendar_from_the_cache_is_the_one_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default calendar read back from the load cache counts as the freshly built one."""
    from datetime import date

    from govrules import calendar

    monkeypatch.setenv("GOVRULES_CACHE_DIR", str(tmp_path))
    calendar._bundled_calendar.cache_clear()
    try:
        built = calendar.WorkdayCalendar.default()  # a miss: built from chinese-calendar
        assert len(list(tmp_path.glob("calendar-*.pickle"))) == 1
        calendar._bundled_calendar.cache_clear()
        read = calendar.WorkdayCalendar.default()
    finally:
        calendar._bundled_calendar.cache_clear()
    assert read is not built
    assert read == built
    assert read.years == built.years
    days = [date(2024, 9, 27), date(2024, 10, 1), date(2024, 12, 31)]
    assert [read.add_workdays(d, 7) for d in days] == [built.add_workdays(d, 7) for d in days]
    assert read.workdays_in(date(2004, 1, 1), date(2025, 12, 31)) == built.workdays_in(
        date(2004, 1, 1), date(2025, 12, 31)
    )
