"""Inputs for fuzzing govrules, shared by tests/test_fuzz.py and tools/fuzz.py.

Each target takes one drawn input and calls govrules the way a user would: load and check a
policy folder, evaluate facts, diff two rule sets, look up an article, or run the command
line. The contract is that whatever the input, the only exceptions are GovrulesError and the
command line prints no traceback; a target lets anything else propagate for Hypothesis to
report and shrink.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

import govrules
from govrules.cli import main

POLICIES = files("govrules.policies")
POLICY_NAMES = ("yunnan", "puding", "luju", "chengjiang_meteorology", "anyue")
EXAMPLE_FACTS: dict[str, Any] = {
    "period": {"start": "2024-09-23", "end": "2024-10-18"},
    "unit": {"name": "某县市场监督管理局", "kind": "department", "level": "county"},
    "accounts": [
        {
            "id": "wx",
            "platform": "wechat",
            "opened_on": "2024-09-23",
            "notices": 1,
            "events": [{"type": "open", "date": "2024-09-23", "filed_on": "2024-10-08"}],
            "posts": [{"date": "2024-09-23", "original": True}, {"date": "2024-10-16"}],
        }
    ],
    "website": {
        "offline": [{"start": "2024-10-01", "end": "2024-10-03", "approved": False}],
        "columns": [{"name": "通知", "kind": "notice", "updates": ["2024-01-10"]}],
    },
    "objections": [{"received_on": "2024-09-30", "resolved_on": "2024-10-20"}],
    "disclosures": [{"formed_on": "2024-09-01", "published_on": "2024-10-30"}],
}

#: Counts every input a target was given, for tools/fuzz.py's report.
TRIED = {"inputs": 0}

# Fragments that broke govrules before, or sit on a boundary: huge and long values, line
# and paragraph separators, byte-order marks, deep nesting, dates at the ends of the range.
_FRAGMENTS = (
    "9" * 5000,
    "10000",
    "-1",
    "0",
    "第一万条",
    "第零条",
    "第十七条第九十九款",
    '"' + "长" * 300 + '"',
    'text "' + "a" * 300 + '.txt"',
    'text "../../etc/passwd"',
    "\ufeff",
    "\x0c",
    "\x85",
    "\u2028",
    "\u2029",
    "\x00",
    "\r",
    "not " * 150,
    "(" * 120,
    ")" * 120,
    "[" * 120,
    "9999-12-31",
    "0001-01-01",
    "2024-02-30",
    "10000-01-01",
    "{",
    "}",
    "#",
    " workdays",
    " months",
    " cites ",
    " where ",
    "each.",
    "unknown",
)


def _huge(sign: int) -> int:
    """Return a 5001-digit number; Hypothesis cannot show one (repr refuses), so it is built."""
    return sign * 10**5000


huge = st.sampled_from([1, -1]).map(_huge)

_dates = st.one_of(
    st.dates().map(str),
    st.sampled_from(["9999-12-31", "0001-01-01", "2024-02-29", "2026-12-31", "2027-01-01"]),
)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    huge,
    st.sampled_from([2**63, -1]),
    st.floats(),
    st.text(max_size=30),
    _dates,
    st.sampled_from(["2024-W01-1", "20240101", "２０２４-01-01", "2024-1-1", "x" * 10_000]),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=12), inner, max_size=4),
    ),
    max_leaves=12,
)


def _mutate_leaves(draw: st.DrawFn, value: Any) -> Any:
    """Return ``value`` with some leaves and keys replaced by arbitrary JSON-like values."""
    if isinstance(value, dict):
        out = {k: _mutate_leaves(draw, v) for k, v in value.items()}
        if draw(st.integers(0, 9)) == 0:
            out[draw(st.text(max_size=12))] = draw(_json)
        if out and draw(st.integers(0, 9)) == 0:
            out.pop(draw(st.sampled_from(sorted(out))))
        return out
    if isinstance(value, list):
        items = [_mutate_leaves(draw, v) for v in value]
        if draw(st.integers(0, 9)) == 0:
            items.append(draw(_json))
        return items
    return draw(_json) if draw(st.integers(0, 5)) == 0 else value


@st.composite
def facts(draw: st.DrawFn) -> Any:
    """Draw facts: the example with leaves changed, arbitrary JSON, or deeply nested lists."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(_json)
    if kind == 1:
        depth = draw(st.integers(1, 3000))
        nested: Any = []
        for _ in range(depth):
            nested = [nested]
        return {"accounts": nested}
    return _mutate_leaves(draw, EXAMPLE_FACTS)


jurisdictions = st.one_of(
    st.sampled_from(POLICY_NAMES),
    st.text(max_size=12),
    st.sampled_from([None, 123, ["yunnan"], b"yunnan"]),
    huge,
)
as_of = st.one_of(st.none(), _dates, st.dates(), st.sampled_from([0, "2024-W01-1", "今天"]))


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """Draw ``text`` with a few edits: fragments inserted, spans deleted or replaced."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, max(0, len(text))))
        edit = draw(st.integers(0, 3))
        fragment = draw(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)))
        if edit == 0:
            text = text[:at] + fragment + text[at:]
        elif edit == 1:
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            text = text[:at] + fragment + text[at + draw(st.integers(1, 10)) :]
    return text


@st.composite
def policy_folders(draw: st.DrawFn) -> dict[str, bytes]:
    """Draw the files of a policy folder: a shipped policy and its text, both mutated."""
    name = draw(st.sampled_from(POLICY_NAMES))
    rules = POLICIES.joinpath(f"{name}.rules").read_text(encoding="utf-8")
    text = POLICIES.joinpath("texts", f"{name}.txt").read_text(encoding="utf-8")
    folder = {
        f"{name}.rules": draw(mutated(rules)).encode("utf-8", "surrogatepass"),
        f"texts/{name}.txt": (text if draw(st.booleans()) else draw(mutated(text))).encode(
            "utf-8", "surrogatepass"
        ),
    }
    if draw(st.integers(0, 3)) == 0:
        folder[f"texts/{name}.txt"] = draw(st.binary(max_size=200))
    if draw(st.integers(0, 3)) == 0:
        year = draw(st.sampled_from(["2027", "2026", "x", "2027.5"]))
        document: Any = draw(
            st.one_of(
                _json,
                st.fixed_dictionaries(
                    {
                        "year": st.one_of(st.integers(), _scalars),
                        "holidays": _json,
                        "workdays": _json,
                    }
                ),
                st.fixed_dictionaries(
                    {
                        "year": st.just(2027),
                        "holidays": st.lists(_dates, max_size=4),
                        "workdays": st.lists(_dates, max_size=4),
                    }
                ),
            )
        )
        try:
            data = json.dumps(document).encode("utf-8")
        except ValueError:  # an int too long for json.dumps: write its length instead
            data = b'{"year": ' + b"9" * 5000 + b"}"
        folder[f"calendar/{year}.json"] = data
    return folder


@contextlib.contextmanager
def written(folder: dict[str, bytes]) -> Iterator[Path]:
    """Write a drawn policy folder to a temporary directory and yield its path."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "policies"
        for name, data in folder.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def only_govrules_errors(call: Callable[[], object]) -> None:
    """Run ``call``; a GovrulesError is an answer, anything else propagates as a finding."""
    with contextlib.suppress(govrules.GovrulesError):
        call()


def check_folder(folder: dict[str, bytes]) -> None:
    """Load, check and list a drawn policy folder, then evaluate each rule set it holds."""
    TRIED["inputs"] += 1
    with written(folder) as root:
        only_govrules_errors(lambda: govrules.check(root))
        only_govrules_errors(lambda: govrules.rulesets(policies=root))
        name = next(n for n in folder if n.endswith(".rules")).removesuffix(".rules")
        only_govrules_errors(
            lambda: govrules.evaluate(EXAMPLE_FACTS, name, "2024-11-01", policies=root)
        )
        only_govrules_errors(lambda: govrules.diff(root / f"{name}.rules", name))


def evaluate(given: Any, jurisdiction: Any, on: Any) -> None:
    """Evaluate drawn facts, jurisdiction and date with the bundled policies."""
    TRIED["inputs"] += 1
    only_govrules_errors(lambda: govrules.evaluate(given, jurisdiction, on))


def diff_and_article(left: Any, right: Any, number: Any) -> None:
    """Diff two drawn sides and look up a drawn article of a drawn document."""
    TRIED["inputs"] += 1
    only_govrules_errors(lambda: govrules.diff(left, right))
    only_govrules_errors(lambda: govrules.article(left, number))


def command_line(argv: list[str], facts_json: bytes, folder: dict[str, bytes]) -> str:
    """Run ``govrules`` in-process on drawn files; return what it printed to stderr.

    ``{facts}`` and ``{policies}`` in ``argv`` stand for the drawn facts file and folder. An
    exception out of main() is a traceback the user would see, so it propagates; so does an
    exit code other than 0, 1 or 2.
    """
    TRIED["inputs"] += 1
    with tempfile.TemporaryDirectory() as tmp, written(folder) as root:
        facts_path = Path(tmp) / "facts.json"
        facts_path.write_bytes(facts_json)
        args = [
            a.replace("{facts}", str(facts_path)).replace("{policies}", str(root)) for a in argv
        ]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse's usage errors
                code = exit_.code if isinstance(exit_.code, int) else 2
        if code not in (0, 1, 2):
            raise AssertionError(f"govrules {args} exited {code}")
        if "Traceback" in err.getvalue() or "Traceback" in out.getvalue():
            raise AssertionError(f"govrules {args} printed a traceback:\n{err.getvalue()}")
        return err.getvalue()


def facts_files(draw: st.DrawFn) -> bytes:
    """Draw the bytes of a facts file: drawn facts as JSON, or raw and deeply nested text."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=100))
    if kind == 1:
        depth = draw(st.integers(1, 200_000))
        return b"[" * depth + b"]" * depth
    if kind == 2:
        return b'{"accounts": [{"id": "a", "notices": ' + b"9" * 5000 + b"}]}"
    try:
        return json.dumps(draw(facts())).encode("utf-8")
    except (ValueError, TypeError, RecursionError):  # facts json cannot write: deep or huge
        return b"{}"


@st.composite
def cli_runs(draw: st.DrawFn) -> tuple[list[str], bytes, dict[str, bytes]]:
    """Draw a command line, a facts file and a policy folder for it."""
    command = draw(st.sampled_from(["evaluate", "check", "diff", "test", "list", "coverage"]))
    text_arg = st.one_of(st.sampled_from(POLICY_NAMES), st.text(max_size=10))
    folder = draw(policy_folders())
    rules = next(n for n in folder if n.endswith(".rules"))
    if command == "evaluate":
        argv = ["evaluate", "{facts}", "-j", draw(text_arg)]
        if draw(st.booleans()):
            argv += ["--on", draw(st.one_of(_dates, st.text(max_size=12)))]
        if draw(st.booleans()):
            argv += ["--policies", "{policies}"]
        if draw(st.booleans()):
            argv += ["--format", "json"]
    elif command == "check":
        argv = ["check", draw(st.sampled_from(["{policies}", f"{{policies}}/{rules}", "{facts}"]))]
    elif command == "diff":
        argv = ["diff", draw(st.one_of(text_arg, st.just(f"{{policies}}/{rules}"))), draw(text_arg)]
        argv += ["--format", draw(st.sampled_from(["text", "json", "markdown", "html"]))]
    elif command == "test":
        argv = ["test", "{policies}"]
    else:
        argv = [command, "--policies", "{policies}"]
    return argv, facts_files(draw), folder
