"""A longer fuzz campaign than the test suite runs: the same targets, for as long as asked.

    .venv/bin/python tools/fuzz.py --minutes 5 [--report fuzz-report.json] [--seed N]

Needs the package and its test extra installed (the README's setup does both). Each round
runs every target of tests/fuzzing.py under Hypothesis with a fresh seed; a target that lets
anything but GovrulesError out (or a command line that prints a traceback or exits other
than 0, 1 or 2) is a finding, shrunk by Hypothesis and reported once per kind. The summary
gives the number of inputs tried and the findings; docs/hardening.md records past runs.
Exit code: 0 without findings, 1 with.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import fuzzing  # lives in tests/, shared with the suite
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

ROUND = 100  # examples per target per round: short rounds keep to the time asked for


def _targets() -> dict[str, Callable[..., None]]:
    """Return each fuzz target as a Hypothesis test function, by name."""

    def folders(folder: dict[str, bytes]) -> None:
        fuzzing.check_folder(folder)

    def facts(given_facts: Any, jurisdiction: Any, on: Any) -> None:
        fuzzing.evaluate(given_facts, jurisdiction, on)

    def diff_article(left: Any, right: Any, number: Any) -> None:
        fuzzing.diff_and_article(left, right, number)

    def cli(run: tuple[list[str], bytes, dict[str, bytes]]) -> None:
        err = fuzzing.command_line(*run)
        if err.startswith("govrules: error: ") and err.count("\n") != 1:
            raise AssertionError(f"an error of more than one line: {err!r}")

    numbers = st.one_of(st.integers(), fuzzing.huge, st.sampled_from(["17", None, 1.5]))
    return {
        "policy folders (load, check, evaluate, diff)": given(fuzzing.policy_folders())(folders),
        "evaluate (facts, jurisdiction, on)": given(
            fuzzing.facts(), fuzzing.jurisdictions, fuzzing.as_of
        )(facts),
        "diff and article": given(fuzzing.jurisdictions, fuzzing.jurisdictions, numbers)(
            diff_article
        ),
        "command line": given(fuzzing.cli_runs())(cli),
    }


def _where(exc: BaseException) -> str:
    """Return the innermost frame of ``exc`` inside govrules, else the innermost at all."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "govrules" in f.filename and "tests" not in f.filename]
    frame = (ours or frames or [None])[-1]
    return f"{frame.filename}:{frame.lineno}" if frame else "?"


def campaign(minutes: float, first_seed: int) -> dict[str, Any]:
    """Run every target in rounds until ``minutes`` have passed; return the report."""
    names = list(_targets())
    findings: dict[tuple[str, str, str], dict[str, Any]] = {}
    per_target = dict.fromkeys(names, 0)
    rng = random.Random(first_seed)
    start = time.monotonic()
    rounds = 0
    while time.monotonic() - start < minutes * 60:
        rounds += 1
        # Fresh functions each round: Hypothesis lets a test be given its settings once.
        for name, test in _targets().items():
            before = fuzzing.TRIED["inputs"]
            run = settings(
                max_examples=ROUND,
                deadline=None,
                database=None,
                phases=(Phase.generate, Phase.shrink),
                suppress_health_check=list(HealthCheck),
            )(seed(rng.getrandbits(64))(test))
            try:
                run()
            except Exception as exc:  # a finding: anything the target let out
                cause = exc.__cause__ if exc.__cause__ is not None else exc
                key = (name, type(cause).__name__, _where(cause))
                entry = findings.setdefault(
                    key,
                    {
                        "target": name,
                        "exception": type(cause).__name__,
                        "where": key[2],
                        "message": str(cause).splitlines()[0][:300] if str(cause) else "",
                        "times": 0,
                    },
                )
                entry["times"] += 1
            per_target[name] += fuzzing.TRIED["inputs"] - before
            if time.monotonic() - start >= minutes * 60:
                break
    return {
        "minutes": round((time.monotonic() - start) / 60, 2),
        "seed": first_seed,
        "rounds": rounds,
        "inputs": fuzzing.TRIED["inputs"],
        "inputs_per_target": per_target,
        "python": sys.version.split()[0],
        "findings": list(findings.values()),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the campaign from the command line; print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to run (default 5)")
    parser.add_argument(
        "--seed", type=int, default=None, help="seed of the rounds (default: random)"
    )
    parser.add_argument("--report", help="also write the report to this JSON file")
    args = parser.parse_args(argv)
    first_seed = args.seed if args.seed is not None else random.randrange(2**32)
    report = campaign(args.minutes, first_seed)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.report:
        Path(args.report).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 1 if report["findings"] else 0


if __name__ == "__main__":
    sys.exit(main())
