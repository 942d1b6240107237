"""Show that evaluation cost is linear in accounts: the cost per account, 100 to 10,000.

Run by hand from the repository root (not part of the test suite):

    .venv/bin/python benchmarks/bench_accounts.py
    .venv/bin/python benchmarks/bench_accounts.py --no-gc   # the collector paused while timed

Every account is on one platform, the worst case for Yunnan 第十二条 (one account per
platform): each account's verdict counts the accounts on its platform. The engine groups
the accounts by platform once per run and filters once per platform, so the cost per
account stays flat; a per-account scan of all accounts would grow with N.
"""

from __future__ import annotations

import gc
import platform
import sys
import time

import govrules

SIZES = (100, 1_000, 3_000, 10_000)


def facts(n: int) -> dict[str, object]:
    """Return a county department with ``n`` WeChat accounts, each with one event."""
    return {
        "unit": {"kind": "department", "level": "county"},
        "accounts": [
            {
                "id": f"a{i}",
                "platform": "wechat",
                "events": [{"type": "open", "date": "2024-03-01", "filed_on": "2024-03-05"}],
            }
            for i in range(n)
        ],
    }


def main() -> None:
    """Print seconds per run and microseconds per account for each size."""
    print(f"python {platform.python_version()} on {platform.machine()}", file=sys.stderr)
    govrules.evaluate(facts(10), "yunnan", "2024-11-01")  # load and compile once
    print("| accounts | seconds | µs per account |")
    print("|---:|---:|---:|")
    for n in SIZES:
        data = facts(n)
        best = min(_time(data) for _ in range(3 if n <= 3_000 else 1))
        print(f"| {n:,} | {best:.2f} | {best / n * 1e6:.0f} |")


def _time(data: dict[str, object]) -> float:
    paused = "--no-gc" in sys.argv[1:]
    if paused:
        gc.disable()
    try:
        start = time.perf_counter()
        govrules.evaluate(data, "yunnan", "2024-11-01")
        return time.perf_counter() - start
    finally:
        if paused:
            gc.enable()


if __name__ == "__main__":
    main()
