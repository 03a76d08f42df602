"""Keep the gathered catalog between builds, so that a template edit does not parse the data again.

Reading and normalizing the records is the one stage of a build that the second core cannot
share: 0.3 s at 10,000 records, 3.5 s at 100,000. Its result is pickled into the cache under a
key made of the data file's digest, the source of the code that makes it and the Python version;
loading it takes a fifth of that time. The warnings gathering logged are kept with it and said
again, so a build from the cache reports (and --strict fails on) exactly what a fresh one would.

The file is the build's own, in its own cache folder: anything wrong with it (missing, another
key, unreadable) only means gathering again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import operator
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import groups, models
from .files import atomic_write
from .groups import Catalog

log = logging.getLogger(__name__)

FILE_NAME = "catalog.pickle"
PACKAGE = Path(__file__).resolve().parent
SOURCES = ("models.py", "normalize.py", "groups.py", "snapshot.py", "gathered.py")  # what shapes the catalog


def key(data_digest: str) -> str:
    """The cache key: the data, the code that turns it into a catalog, and the Python version."""
    h = hashlib.sha256(f"{sys.version}\n{data_digest}\n".encode())
    for name in SOURCES:
        h.update((PACKAGE / name).read_bytes())
    return h.hexdigest()[:32]


def load(path: Path, wanted: str) -> tuple[Catalog, list[str]] | None:
    """The catalog and its warnings, when path holds them for this key; else None."""
    try:
        with path.open("rb") as src:
            if src.readline().decode("ascii", errors="replace").strip() != wanted:
                return None
            catalog, warnings = pickle.load(src)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged cache file is only a slower build
        log.debug("ignoring %s: %s", path, exc)
        return None
    if not isinstance(catalog, Catalog) or not isinstance(warnings, list):
        return None
    return catalog, [str(w) for w in warnings]


def save(path: Path, key_: str, catalog: Catalog, warnings: list[str]) -> None:
    """Keep the catalog for the next build (atomically: a reader sees the old file or this one)."""
    buffer = io.BytesIO()
    buffer.write(key_.encode("ascii") + b"\n")
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _REDUCERS
    try:
        pickler.dump((catalog, warnings))
        atomic_write(path, buffer.getvalue())
    except OSError as exc:  # the site does not depend on it: the next build gathers again
        log.warning("could not keep the gathered catalog in %s: %s", path, exc.strerror or exc)
    except Exception as exc:  # noqa: BLE001 - e.g. a record too deeply nested to pickle
        log.warning("could not keep the gathered catalog in %s: %s: %s", path, type(exc).__name__, exc)


def _reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    """Pickle a frozen dataclass as its class and its fields, rebuilt by calling the class.

    The default for slotted dataclasses goes through a __getstate__ that looks up the fields on
    every object, and a __setstate__ that sets them one by one: three times slower to load.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    if len(names) == 1:
        (name,) = names
        return lambda obj: (cls, (getattr(obj, name),))
    get = operator.attrgetter(*names)
    return lambda obj: (cls, get(obj))


_REDUCERS = {
    value: _reducer(value)
    for module in (models, groups)
    for value in vars(module).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
}
