"""A folder of policies loaded once: parsed, checked, resolved, with its texts and calendars.

Loading reads only ``*.rules`` files, the source texts they name and ``calendar/*.json``
inside the folder; a ``text`` path that leads outside the folder is refused. Policies are
data: nothing in them is executed or imported.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from govrules import cache
from govrules import nodes as n
from govrules.calendar import YearSchedule
from govrules.errors import GovrulesError, PolicyError, PolicyErrors, contained, shown
from govrules.files import confined, is_dir, is_file, package_files
from govrules.layers import RuleSet, resolve
from govrules.texts import Document

if TYPE_CHECKING:
    from govrules.files import Traversable


class UnknownRuleSetError(GovrulesError):
    """A rule-set id that the policy folder does not define."""


@attrs.frozen
class Library:
    """Every policy of one folder, with diagnostics, documents and resolved rule sets."""

    folder: str
    policies: Mapping[str, n.Policy]
    documents: Mapping[str, Document | None]
    diagnostics: tuple[PolicyError, ...]
    calendars: tuple[YearSchedule, ...]
    own: frozenset[str] = frozenset()
    definitions: Mapping[str, n.Policy] = attrs.field(factory=dict)
    content_key: str = ""  # what the load cache knows this library by (cache.py)
    cache: dict[object, object] = attrs.field(factory=dict, eq=False, repr=False)
    _resolved: dict[str, RuleSet] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def errors(self) -> tuple[PolicyError, ...]:
        """Return the diagnostics of severity error."""
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def raise_errors(self) -> None:
        """Raise every error diagnostic at once, if there is any."""
        if self.errors:
            raise PolicyErrors(list(self.errors))

    def ruleset(self, ruleset_id: str) -> RuleSet:
        """Return the resolved rule set, raising if the folder has errors or lacks the id."""
        if type(ruleset_id) is str:
            # Resolved before, hence after the folder's errors were checked: every
            # evaluation asks, and the checks below cost as much as judging a small rule.
            found = self._resolved.get(ruleset_id)
            if found is not None:
                return found
        self.raise_errors()
        if not isinstance(ruleset_id, str):
            raise UnknownRuleSetError(
                f"a rule set is named by its id, such as 'yunnan', not {shown(ruleset_id)} "
                f"({type(ruleset_id).__name__})"
            )
        if ruleset_id not in self.policies:
            from govrules.facts import suggest

            close = suggest(ruleset_id, self.policies)
            hint = f" (did you mean '{close}'?)" if close else ""
            known = ", ".join(sorted(self.policies))
            raise UnknownRuleSetError(
                f"unknown jurisdiction {shown(ruleset_id)}{hint}; known: {known}"
            )
        if ruleset_id not in self._resolved:
            self._resolved[ruleset_id] = resolve(self.policies, ruleset_id, self.definitions)
        return self._resolved[ruleset_id]


@functools.cache
def bundled() -> Library:
    """Return the policies shipped with govrules, loaded once per process."""
    return _load_cached(package_files("govrules.policies"), "policies")


def _load_cached(folder: Traversable, label: str, inherit: Library | None = None) -> Library:
    """Return the folder's library, from the load cache when the content is the same."""
    grammar = package_files("govrules.grammars").joinpath("govrules.lark").read_bytes()
    parts: list[tuple[str, bytes]] = [("label", label.encode()), ("grammar", grammar)]
    if inherit is not None:
        parts.append(("inherit", inherit.content_key.encode()))
    for sub in ("", "texts", "calendar"):
        holder = folder.joinpath(sub) if sub else folder
        if not is_dir(holder):
            continue
        for entry in sorted(holder.iterdir(), key=lambda e: e.name):
            # Only what the loader may read: files inside the folder, links out of it not.
            if not is_file(entry) or not confined(folder, entry):
                continue
            if not sub and not entry.name.endswith(".rules"):
                continue
            try:
                parts.append((f"{sub}/{entry.name}", entry.read_bytes()))
            except OSError:
                return _read(folder, label, inherit)
    content_key = cache.key(parts)

    def build() -> Library:
        library = _read(folder, label, inherit)
        return attrs.evolve(library, content_key=content_key)

    return cache.cached("library", content_key, build)


def _read(folder: Traversable, label: str, inherit: Library | None) -> Library:
    """Return the folder's library read from its files, as on a load-cache miss."""
    # Imported here: reading needs the parser, Lark and the checks, which a cached start-up
    # never loads.
    from govrules.loading import read_folder

    return read_folder(folder, label, inherit)


_FOLDERS: dict[tuple[str, tuple[tuple[str, int, int], ...]], Library] = {}


@contained
@functools.lru_cache(maxsize=64)
def _real(folder: str) -> str:
    return os.path.realpath(folder)


def _stamp(folder: str) -> tuple[tuple[str, int, int], ...]:
    """Return what a folder's library is read from, with sizes and modification times.

    Its policies, their usual texts folder and its calendars (not every file below it:
    `govrules check /` must not walk the disk). ``os.scandir`` keeps this to a few
    microseconds a file, so an unchanged folder costs little more than a loaded engine.
    """
    found: list[tuple[str, int, int]] = []
    for sub, suffix in (
        (folder, ".rules"),
        (os.path.join(folder, "texts"), ""),
        (os.path.join(folder, "calendar"), ""),
    ):
        try:
            entries = os.scandir(sub)
        except OSError:
            continue
        with entries:
            for entry in entries:
                if not entry.name.endswith(suffix):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                found.append((entry.path, st.st_size, st.st_mtime_ns))
    return tuple(sorted(found))


def load(folder: str | os.PathLike[str] | None) -> Library:
    """Return the library of a policy folder (None: the bundled one), reloaded when files change."""
    if folder is None:
        return bundled()
    if not isinstance(folder, (str, os.PathLike)):
        raise GovrulesError(
            f"policies: expected a folder (a str or os.PathLike path), found {shown(folder)} "
            f"({type(folder).__name__})"
        )
    path = Path(folder)
    if not is_dir(path):
        raise GovrulesError(
            f"policy folder {shown(os.fspath(folder))} does not exist or is not a folder"
        )
    key = (_real(os.fspath(path)), _stamp(os.fspath(path)))
    if key not in _FOLDERS:
        _FOLDERS.clear()
        _FOLDERS[key] = _load_cached(path, str(folder).rstrip("/\\"), inherit=bundled())
    return _FOLDERS[key]
