"""Reading the files of a policy folder: one decoding, and no way out of the folder.

Every file the loader reads — ``.rules`` policies, the source texts they name and
``calendar/`` year files — goes through :func:`read_text`, so a byte-order mark, a bad byte
or an unreadable file is met the same way everywhere, and :func:`confined` /
:func:`inside`, so that no symbolic link or ``..`` reaches a file outside the folder.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
import sys
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeAlias

# importlib.resources and its Traversable load only when needed (a package in a zip file):
# importing them costs a few milliseconds of every command's start-up.
if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from importlib.resources.abc import Traversable
    else:  # pragma: no cover - importlib.abc.Traversable is deprecated from 3.12 on
        from importlib.abc import Traversable

__all__ = [
    "FileLike",
    "Traversable",
    "confined",
    "decode",
    "display",
    "exists",
    "inside",
    "is_dir",
    "is_file",
    "package_files",
    "read_text",
]

if not TYPE_CHECKING:  # hidden from mypy, which would take any name of the module for it

    def __getattr__(name: str) -> Any:
        if name == "Traversable":
            if sys.version_info >= (3, 11):
                from importlib.resources.abc import Traversable
            else:  # pragma: no cover
                from importlib.abc import Traversable
            return Traversable
        raise AttributeError(f"module 'govrules.files' has no attribute {name!r}")


#: Anything a policy file, a text or a year file can be read from.
FileLike: TypeAlias = "str | os.PathLike[str] | Traversable"

_BOM = "\ufeff"


def decode(data: bytes) -> str:
    """Return ``data`` as UTF-8 text without a leading byte-order mark.

    Editors on Windows save UTF-8 with a BOM; it is not part of the text, and left in it
    would make the first line of a policy a syntax error and hide a text's first article.
    Raises UnicodeDecodeError at the first byte that is not UTF-8.
    """
    return data.decode("utf-8").removeprefix(_BOM)


def package_files(package: str) -> Traversable:
    """Return the files of a package, as ``importlib.resources.files(package)`` does.

    A package installed as a folder of source or bytecode files (a wheel, an editable
    install) is that folder, a ``pathlib.Path``, which is what ``files`` returns for it;
    importlib.resources loads only for a package that takes more to read (one in a zip file).
    """
    spec = importlib.import_module(package).__spec__
    loaders = (importlib.machinery.SourceFileLoader, importlib.machinery.SourcelessFileLoader)
    if spec is not None and spec.origin and isinstance(spec.loader, loaders):
        return Path(spec.origin).parent
    from importlib.resources import files

    return files(package)


def read_text(resource: Traversable) -> str:
    """Return the text of a file; OSError and UnicodeDecodeError are the caller's to report."""
    return decode(resource.read_bytes())


def confined(root: Traversable, entry: Traversable) -> bool:
    """Return whether ``entry``, with every symbolic link followed, lies inside ``root``.

    Only files on disk can link elsewhere; a packaged resource (the bundled policies) is
    inside its package by construction.
    """
    if not isinstance(root, Path) or not isinstance(entry, Path):
        return True
    try:
        entry.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        # ValueError: outside; OSError: a name the system cannot resolve (too long, a loop
        # on some systems); RuntimeError: a symbolic-link loop on Python 3.10–3.12.
        return False
    return True


def inside(root: Traversable, relative: str) -> Traversable | None:
    """Return ``relative`` under ``root`` if it names a place inside it, else None."""
    parts = PurePosixPath(relative.replace("\\", "/")).parts
    if not parts or relative.startswith(("/", "\\")) or ":" in parts[0]:
        return None
    if any(p in ("..", "") for p in parts):
        return None
    target = root
    for p in parts:
        target = target.joinpath(p)
    return target if confined(root, target) else None


def is_file(entry: Traversable) -> bool:
    """Return whether ``entry`` is a regular file, False for a name the system refuses."""
    try:
        return entry.is_file()
    except (OSError, ValueError):  # a name too long for the system, or with a NUL byte
        return False


def is_dir(entry: Traversable) -> bool:
    """Return whether ``entry`` is a folder, False for a name the system refuses."""
    try:
        return entry.is_dir()
    except (OSError, ValueError):
        return False


def exists(path: Path) -> bool:
    """Return whether ``path`` names anything, False for a name the system refuses."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def display(path: FileLike) -> str:
    """Return how messages name ``path``."""
    return os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path)
