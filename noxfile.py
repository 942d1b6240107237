"""CI: the test suite on every supported Python, each in a fresh environment with the package
installed (not imported from src/), as the README's test command runs it."""

from __future__ import annotations

import os
from pathlib import Path

import nox

PYTHONS = ("3.10", "3.11", "3.12", "3.13")

nox.options.sessions = ["tests"]
# A Python that cannot be found or downloaded must fail CI, not be skipped in silence.
nox.options.error_on_missing_interpreters = True
nox.options.reuse_venv = "yes"


def _pyenv_bins() -> list[str]:
    """Return the bin folders of pyenv's installed Pythons, newest patch release first.

    pyenv's shims run only the versions selected with `pyenv global`; the interpreters
    themselves are on disk all the same, and nox finds them when their folders are on PATH.
    """
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if not root.is_dir():
        return []

    def release(folder: Path) -> tuple[int, ...]:
        parts = folder.name.split(".")
        return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else ()

    found = [f for f in root.iterdir() if release(f)[:1] == (3,)]
    return [str(f / "bin") for f in sorted(found, key=release, reverse=True)]


os.environ["PATH"] = os.pathsep.join([*_pyenv_bins(), os.environ.get("PATH", "")])


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite against the installed package."""
    session.install(".[test]")
    session.run("python", "-m", "pytest", "-q", *session.posargs)
