"""Keep the gathered catalog between builds, so that a template edit does not parse the data again.

Reading and normalizing the records is the one stage of a build that the second core cannot
share. Its result is pickled into the cache under a key made of the data file's digest, the
source of the code that makes it and the Python version; loading it takes a fifth of the time
(benchmarks/README.md). The warnings gathering logged are kept with it and said
again, so a build from the cache reports (and --strict fails on) exactly what a fresh one would.

The file is the build's own, in its own cache folder: anything wrong with it (missing, another
key, unreadable) only means gathering again.
"""
from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import io
import logging
import operator
import pickle
import re
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from ..config import CacheLayout, companions
from ..files import Writer, atomic_write
from . import crew, groups, models
from .groups import Catalog

log = logging.getLogger(__name__)

DATA_STAGE = Path(__file__).resolve().parent
# What shapes the catalog: the data stage and the modules it may import (tests/test_layout.py
# holds it to these), so that moving code in or out of it can never load a stale catalog.
SHARED = tuple(DATA_STAGE.parent / name for name in ("config.py", "errors.py", "files.py"))


def key(data_digest: str, reserved: re.Pattern[str] | None = None) -> str:
    """The cache key: the data, the code that turns it into a catalog, the file stems no slug may
    take, and the Python version."""
    stems = reserved.pattern if reserved is not None else None
    h = hashlib.sha256(f"{sys.version}\n{data_digest}\n{stems!r}\n".encode())
    for path in sorted(DATA_STAGE.glob("*.py")) + list(SHARED):
        h.update(f"\n{path.name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


class Gathered(NamedTuple):
    catalog: Catalog
    # The job that keeps the catalog in the cache (None: no cache). It saves a freshly gathered catalog, and
    # one read from the cache when the site derived a value for it that was not kept (site/derived.py).
    save: Callable[[Writer], None] | None = None
    fresh: bool = True
    key: str | None = None  # what the catalog is made from (key()), for what is derived from it and kept (None: no cache)

    @property
    def keep(self) -> Callable[[Writer], str | None] | None:
        """The job to run beside the render workers, when there is one: it keeps the catalog as it is when
        the job runs, so after the pages are planned, with what the site derived for them; it says so
        when there was nothing new to keep."""
        save = self.save
        if save is None:
            return None
        fresh, derived = self.fresh, self.catalog.derived

        def keep(writer: Writer) -> str | None:
            if not (fresh or derived.made):
                return "gathered catalog (cache): unchanged, not written again"
            save(writer)
            return None

        return keep


def gather(data_file: Path, *, caches: CacheLayout, data_digest: str, warned: list[str],
           reserved: re.Pattern[str] | None = None) -> Gathered:
    """The catalog of the data file (with the flights and stations beside it, config.companions;
    `data_digest` covers all three): from the last build's copy in the cache when the data and the
    code are the same (its warnings said again), else read, normalized and grouped.

    The catalog comes with the job that keeps it in the cache (Gathered.keep), which the build runs
    while the workers render (pickling 100,000 records takes a second). `warned` is the list the
    build's warning log fills: the new warnings of a fresh gathering are kept with the catalog.
    `reserved`: the file stems the site writes itself in each section folder, which no slug may take.
    """
    kept = caches.gathered if caches.exists() else None  # a build makes no cache of its own
    wanted = key(data_digest, reserved)
    with gc_paused():  # millions of new objects and no cycles: collections would only cost time
        found = load(kept, wanted) if kept else None
        if found is not None:
            catalog, warnings = found
            for message in warnings:
                log.warning("%s", message)
            log.debug("gathered catalog read from %s", kept)
            assert kept is not None  # found in it
            return Gathered(catalog, partial(save_job, kept, wanted, catalog, warnings), fresh=False, key=wanted)
        before = len(warned)
        catalog = gather_afresh(data_file, reserved)
    if not kept or not catalog.spacecraft:
        return Gathered(catalog)
    return Gathered(catalog, partial(save_job, kept, wanted, catalog, warned[before:]), key=wanted)


def save_job(path: Path, key_: str, catalog: Catalog, warnings: list[str], writer: Writer) -> None:
    """Gathered.save: keep the catalog (the writer is not needed: the cache is not the site)."""
    save(path, key_, catalog, warnings)


def gather_afresh(data_file: Path, reserved: re.Pattern[str] | None) -> Catalog:
    """Read, normalize and group the spacecraft, then join the flights and stations beside them."""
    from .crewdata import read
    from .groups import build_catalog
    from .normalize import Normalizer, normalize_all
    from .snapshot import iter_records, read_meta

    normalizer = Normalizer(reserved=reserved)  # one for all: agencies, images and slugs shared
    meta = read_meta(data_file)
    spacecraft = normalize_all(iter_records(data_file), reserved=reserved, normalizer=normalizer)
    flights_file, stations_file = companions(data_file)
    return build_catalog(spacecraft, meta, crew=read(flights_file, stations_file, spacecraft, normalizer))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Switch the cycle collector off while records are loaded: they make no cycles, only garbage
    that reference counting frees, and collections would cost a sixth of the load.

    What was loaded is then frozen: the collector would otherwise walk all of it once, on the
    first collection after. Frozen objects are still freed by
    reference counting; output/parallel.py's gc_frozen() unfreezes everything when the pages are written.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


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
    pickler.dispatch_table = REDUCERS
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


REDUCERS = {  # also render keys' (catalog/render): fast and the same bytes for equal models
    value: _reducer(value)
    for module in (models, groups, crew)
    for value in vars(module).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
}
