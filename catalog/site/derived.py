"""What the site works out from the catalog alone, kept between builds: values with the gathered
catalog, files in the cache.

The data-quality checks, the statistics, the stations' occupancy and the most flown spacecraft
depend on nothing but the records; worked out before the pages are handed to the render
workers, they were a build's longest serial step after reading the data (0.9 s of CPU at
10,000 records, benchmarks/README.md). Each is made once per catalog and kept in its `derived`
dict, which is pickled with it (data/gathered.py): a build from the same data (a template edit,
a new base URL) finds them there.

An entry is keyed by its name and the digest of this stage's code (every module of
catalog/site/), so a change to any code that could shape it makes it again; one of another
digest is dropped on the way. `catalog.derived.made` says whether this process made one, so that
the build keeps the catalog again with it (build.py, Gathered.save).
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..data.groups import Catalog
from ..files import KeptFiles

T = TypeVar("T")
SITE_STAGE = Path(__file__).resolve().parent


@functools.cache
def code_digest() -> str:
    """The digest of every module of catalog/site/: what shapes the values kept here."""
    h = hashlib.sha256()
    for path in sorted(SITE_STAGE.glob("*.py")):
        h.update(f"\n{path.name}\n".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def derived(catalog: Catalog, name: str, make: Callable[[Catalog], T]) -> T:
    """make(catalog), made once per catalog and code: from its derived dict when it is there."""
    key = f"{name}@{code_digest()}"
    kept = catalog.derived
    if key in kept:
        return kept[key]
    for stale in [k for k in kept if k.startswith(f"{name}@")]:
        del kept[stale]
    value = kept[key] = make(catalog)
    kept.made = True
    return value


def kept_files(cache: Path | None, data_key: str | None, name: str, *inputs: Any) -> KeptFiles | None:
    """Where the files of one output are kept for the next build (files.KeptFiles), under a key made of
    what they are made from: the gathered catalog's key (the data, the data code, Python), this stage's
    code, the libraries that write their bytes, and the output's own `inputs` (a base URL, a title, the
    thumbnails...). None when there is no cache."""
    if cache is None or data_key is None:
        return None
    import sqlite3

    import orjson

    parts = (data_key, code_digest(), sqlite3.sqlite_version, orjson.__version__, name, *inputs)
    key = hashlib.sha256(json.dumps(parts, default=repr).encode()).hexdigest()[:32]
    return KeptFiles(cache, key)
