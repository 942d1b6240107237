"""Reading a policy folder from its files: parsed, checked, its texts segmented.

This is what the load cache (cache.py) saves: :func:`govrules.library.load` reads a folder
here only when the cache lacks its content, so this module, the parser and Lark, the checks
and the segmenter load only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from govrules import nodes as n
from govrules.calendar import YearSchedule, load_calendar_dir
from govrules.checks import Context, diagnostic, run_checks
from govrules.errors import PolicyError
from govrules.files import confined, inside, is_dir, is_file, read_text
from govrules.library import Library
from govrules.parser import parse
from govrules.texts import Document, segment

if TYPE_CHECKING:
    from govrules.files import Traversable


def read_folder(folder: Traversable, label: str, inherit: Library | None = None) -> Library:
    """Return the library of a folder read from its files, every diagnostic included."""
    policies: dict[str, n.Policy] = {}
    definitions: dict[str, n.Policy] = {}
    diagnostics: list[PolicyError] = []
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(".rules") and is_file(e)),
        key=lambda e: e.name,
    )
    for entry in entries:
        path = f"{label}/{entry.name}" if label else entry.name
        if not confined(folder, entry):
            diagnostics.append(
                PolicyError(
                    "the file links to a place outside the policy folder; it is not read",
                    path=path,
                    line=1,
                    column=1,
                    hint="policies may only read files inside their own folder",
                )
            )
            continue
        try:
            text = read_text(entry)
        except UnicodeDecodeError as err:
            diagnostics.append(_not_utf8(path, err))
            continue
        except OSError as err:
            diagnostics.append(
                PolicyError(f"cannot read the file: {err.strerror}", path=path, line=1, column=1)
            )
            continue
        try:
            policy = parse(text, path)
        except PolicyError as err:
            diagnostics.append(err)
            continue
        if policy.id in policies or policy.id in definitions:
            first = policies.get(policy.id) or definitions[policy.id]
            diagnostics.append(
                diagnostic(
                    policy,
                    policy.header.span,
                    f"rule set '{policy.id}' is defined twice",
                    hint=f"also in {first.source.path}",
                )
            )
            continue
        if policy.header.kind == "definitions":
            definitions[policy.id] = policy
            continue
        policies[policy.id] = policy
    documents: dict[str, Document | None] = {}
    refused: set[str] = set()
    for pid, policy in policies.items():
        documents[pid] = None
        ref = policy.header.get("text")
        if ref is None:
            continue
        target = inside(folder, str(ref.value))
        if target is None:
            refused.add(pid)
            diagnostics.append(
                diagnostic(
                    policy,
                    ref.span,
                    f"source text '{ref.value}' lies outside the policy folder",
                    hint="policies may only read files inside their own folder",
                )
            )
            continue
        if is_file(target):
            try:
                documents[pid] = segment(read_text(target), pid)
            except (UnicodeDecodeError, OSError) as err:
                refused.add(pid)  # reported here, not again as "not found"
                problem = (
                    f"is not UTF-8 text ({err.reason})"
                    if isinstance(err, UnicodeDecodeError)
                    else f"cannot be read ({err.strerror})"
                )
                diagnostics.append(
                    diagnostic(
                        policy,
                        ref.span,
                        f"source text '{ref.value}' {problem}",
                        hint="save the regulation's text as UTF-8 plain text",
                    )
                )
    own = set(policies)
    own_definitions = set(definitions)
    if inherit is not None:
        # A user folder may build on the bundled rule sets (e.g. a county variant within yunnan).
        policies = {**{k: v for k, v in inherit.policies.items() if k not in own}, **policies}
        documents = {**{k: v for k, v in inherit.documents.items() if k not in own}, **documents}
        definitions = {**inherit.definitions, **definitions}
    ctx = Context(policies, documents, frozenset(refused), definitions)
    for pid in sorted(own_definitions):
        diagnostics.extend(run_checks(ctx, definitions[pid]))
    for pid in sorted(own):
        diagnostics.extend(run_checks(ctx, policies[pid]))
    calendars: tuple[YearSchedule, ...] = ()
    cal_dir = folder.joinpath("calendar")
    if is_dir(cal_dir):
        calendars = load_calendar_dir(cal_dir, root=folder)
    return Library(
        label,
        policies,
        documents,
        tuple(diagnostics),
        calendars,
        own=frozenset(own),
        definitions=definitions,
    )


def _not_utf8(path: str, err: UnicodeDecodeError) -> PolicyError:
    """Return the diagnostic for a policy file that is not UTF-8, at the first bad byte."""
    good = err.object[: err.start]
    line = good.count(b"\n") + 1
    shown = err.object.split(b"\n")[line - 1].decode("utf-8", errors="replace")
    return PolicyError(
        f"not UTF-8 text: {err.reason} at byte {err.start}",
        path=path,
        line=line,
        column=len(good[good.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1,
        source_line=shown,
        hint="save the file as UTF-8",
    )
