"""build(): the data, then the up-to-date check, then (catalog/make.py) gather, render and write.

This module loads nothing heavy: a build whose inputs are those of the last one is done before
Jinja, Markdown, Pillow or even the models are imported (interpreter start is half its time).
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from typing import TYPE_CHECKING, NamedTuple

from . import snapshot, uptodate
from .errors import CatalogError

if TYPE_CHECKING:  # imported by a fetch only: it needs dataclasses, which a skipped build never loads
    from . import api

log = logging.getLogger(__name__)


class BuildReport(NamedTuple):
    records: int
    pages: int
    written: int


def fetch(options: api.FetchOptions, cache: Path) -> Path:
    """Pull every record and store them in the cache; the old cache survives any failure."""
    from . import api

    records, count = api.fetch_all(options)
    if not records:  # an outage or a schema change must not replace good data with nothing
        raise CatalogError(f"{options.api_url} returned no spacecraft records; the cached data was kept")
    from .models import FetchMeta

    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    meta = FetchMeta(api_url=options.api_url, count=count, fetched_at=now, records=len(records))
    target = snapshot.cache_file(cache)
    snapshot.write_records(target, records, meta)
    log.info("saved %d records to %s", len(records), target)
    return target


def build(*, out: Path, cache: Path, base_url: str | None = None,
          fetch_options: api.FetchOptions | None = None, strict: bool = False,
          force: bool = False) -> BuildReport:
    """Build the site into `out` from the cache (fetching first when asked) or the shipped snapshot."""
    # 1. Data: a fresh crawl when asked, else the last completed one, else the snapshot.
    data_file = fetch(fetch_options, cache) if fetch_options else snapshot.source_file(cache)
    log.info("reading %s", data_file)
    inputs = uptodate.Inputs(data_file, cache=cache, base_url=base_url)
    last = None if force else uptodate.last_build(out, inputs.digest())
    if last is not None:  # made from these very inputs: the site on disk is this build's output
        uptodate.replay(last)
        check_strict(strict, last.warnings)
        return BuildReport(records=last.records, pages=last.pages, written=0)
    warned = uptodate.WarningLog()  # kept with the inputs' digest, repeated by a build that skips

    from .make import make_site  # only now: Jinja, Markdown, Pillow and the models load here

    return make_site(data_file, out=out, cache=cache, inputs=inputs, warned=warned, base_url=base_url,
                     fetch_options=fetch_options, strict=strict, force=force)


def check_strict(strict: bool, warnings: Iterable[str]) -> None:
    """In strict mode a warning fails the build before anything is written (MkDocs' --strict)."""
    warnings = list(warnings)
    if strict and warnings:
        more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
        raise CatalogError(f"--strict: the build warned ({warnings[0]}{more}); the site was not written")
