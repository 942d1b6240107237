"""A cache of loaded policy folders, keyed by their content, in a folder the user can clear.

Parsing, checking and segmenting the five shipped regulations takes about a third of a
second, far more than evaluating a unit. What loading produces is a value (parsed policies,
documents, diagnostics, calendars), so it is stored once per content and read back in a few
milliseconds: a changed byte in any ``.rules`` file, text or year file, in the grammar or in
the govrules version gives a new key, never a stale library. The bundled working-day
calendar is kept here too (calendar.py), keyed by chinese-calendar's source.

The folder is ``$GOVRULES_CACHE_DIR``, else ``$XDG_CACHE_HOME/govrules``, else
``~/.cache/govrules``; ``GOVRULES_CACHE=off`` turns the cache off; ``govrules cache --clear``
empties it. Entries are written by govrules itself (never from a policy's text) and read only
from that folder, which is created private to the user.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import attrs

_T = TypeVar("_T")

# Bump when what is stored changes shape, so that older entries are never read.
FORMAT = "2"


def folder() -> Path | None:
    """Return the cache folder, or None when the cache is turned off."""
    if os.environ.get("GOVRULES_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    explicit = os.environ.get("GOVRULES_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "govrules"


def _code() -> str:
    """Return a stamp of govrules's own modules: another version never reads this cache."""
    here = os.path.dirname(os.path.abspath(__file__))
    stamps = []
    with os.scandir(here) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                st = entry.stat()
                stamps.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(sorted(stamps))


def key(parts: Iterable[tuple[str, bytes]]) -> str:
    """Return a key for named pieces of content (file names and bytes, in a stable order)."""
    digest = hashlib.sha256(f"govrules {_code()} cache {FORMAT}".encode())
    for name, data in parts:
        digest.update(len(name).to_bytes(4, "big") + name.encode("utf-8", "surrogatepass"))
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def cached(kind: str, content_key: str, build: Callable[[], _T]) -> _T:
    """Return what ``build`` gives for ``content_key``, from the cache when it is there.

    A cache that cannot be read or written (a read-only home, a full disk, a damaged entry)
    is passed over: the value is built as if there were no cache.
    """
    where = folder()
    if where is None:
        return build()
    path = where / f"{kind}-{content_key}.pickle"
    try:
        data = path.read_bytes()
    except OSError:
        pass
    else:
        # Reading back makes tens of thousands of objects, none of them garbage: collecting
        # while it runs only slows it down.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return pickle.loads(data)  # type: ignore[no-any-return]
        except (EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            pass
        finally:
            if collecting:
                gc.enable()
    value = build()
    _store(where, path, value)
    return value


def _store(where: Path, path: Path, value: Any) -> None:
    import tempfile  # only a cache miss writes: a cached start-up need not import it

    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=where, delete=False, suffix=".tmp") as f:
            _Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        os.replace(f.name, path)  # atomic: a concurrent reader sees all or nothing
    except (OSError, pickle.PicklingError, RecursionError):
        pass


class _Pickler(pickle.Pickler):
    """Stores attrs values as calls of their class with their fields, in order.

    attrs pickles a slotted value as a dict of its fields, which a ``__setstate__`` written in
    Python sets one by one; a call of the class reads back in about half the time, and a
    library holds some 5,000 values. Only a class whose ``__init__`` does no more than set its
    fields is stored so (see ``_arguments``); any other object is pickled as usual.
    """

    def __init__(self, file: Any, protocol: int) -> None:
        super().__init__(file, protocol=protocol)
        self._plans: dict[type, Callable[[Any], tuple[Any, ...]] | None] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        if cls not in self._plans:
            self._plans[cls] = _arguments(cls)
        arguments = self._plans[cls]
        if arguments is None:
            return NotImplemented
        return cls, arguments(obj)


def _arguments(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """Return how to read the arguments that rebuild an instance of ``cls``, or None.

    None unless ``cls`` is an attrs class that pickles the attrs way and whose ``__init__``
    takes every field, positionally and in order, and only sets it: no converter, validator,
    pre- or post-init hook would run again on reading back.
    """
    if not attrs.has(cls) or cls.__reduce__ is not object.__reduce__:
        return None
    if cls.__reduce_ex__ is not object.__reduce_ex__:
        return None
    if hasattr(cls, "__attrs_pre_init__") or hasattr(cls, "__attrs_post_init__"):
        return None
    fields = attrs.fields(cls)
    for a in fields:
        if not a.init or a.kw_only or a.converter is not None or a.validator is not None:
            return None
    names = tuple(a.name for a in fields)
    return lambda obj: tuple([getattr(obj, name) for name in names])


def clear() -> int:
    """Remove every cache entry; return how many there were."""
    where = folder()
    if where is None or not where.is_dir():
        return 0
    removed = 0
    for entry in where.iterdir():
        if entry.suffix in (".pickle", ".tmp", ".lark"):
            try:
                entry.unlink()
                removed += 1
            except OSError:
                pass
    return removed
