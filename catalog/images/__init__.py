"""Images: download each unique image once into the cache, then publish resized WebP and JPEG copies.

`prepare()` is the stage, in four steps, each cheap when there is nothing new:
1. plan (uses.py): one entry per unique image (`Image.key`), with the spacecraft and
   configurations using it;
2. download (download.py, only with --fetch): sources not yet cached, or whose URLs changed;
3. resize (resize.py): thumbnails whose files are missing, on every core, named by settings.py
   after the source's digest and the parameters, so an unchanged source is never resized again;
4. hand over (pictures.py): the HTML-ready data of each image and the files to publish.
The cache itself (originals, thumbnails, the index of typed entries) is store.py.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .pictures import Picture, Prepared, Rendition, describe
from .resize import make_thumbnails
from .settings import MAX_BYTES, thumb_stem
from .store import Store
from .uses import Use, plan

if TYPE_CHECKING:
    from ..config import CacheLayout
    from ..data.api import FetchOptions

__all__ = ["Picture", "Prepared", "Rendition", "prepare"]

log = logging.getLogger(__name__)


def prepare(catalog: Any, *, caches: CacheLayout, options: FetchOptions | None = None,
            workers: int | None = None, max_bytes: int = MAX_BYTES) -> Prepared:
    """Make every image of the catalog ready: download new ones (only with options), resize, describe."""
    uses = plan(catalog)
    store = Store(caches.images)
    downloaded = resized = 0
    try:
        if options is not None:  # the transport (requests, sockets) loads only for a fetch
            from .download import fetch_sources
            downloaded = fetch_sources(store, uses, options, max_bytes=max_bytes)
        resized = make_thumbnails(store, uses, workers=workers)
        if store.dirty:
            store.prune()  # only after a change, so a build with nothing new deletes nothing either
    finally:
        store.save()  # even when interrupted: what arrived is kept for the next build
    failed = report_failures(store, uses)
    pictures, files = describe(store, uses)
    not_cached = sum(1 for key in uses if store.source_path(key) is None
                     and not ((entry := store.sources.get(key)) and entry.error))
    if not_cached and options is None:
        log.info("%d images are not downloaded yet: placeholders shown (build with --fetch to get them)",
                 not_cached)
    log.info("images: %d in use, %d downloaded, %d resized, %d shown as placeholders",
             len(uses), downloaded, resized, len(uses) - len(pictures))
    return Prepared(pictures, files, downloaded=downloaded, resized=resized, failed=failed,
                    not_cached=not_cached)


def report_failures(store: Store, uses: dict[str, Use]) -> int:
    """Warn once per image that shows a placeholder because of a failure, naming its pages and URL."""
    failed = 0
    for key, use in uses.items():
        entry = store.sources.get(key)
        if entry is None:
            continue
        if entry.error:
            log.warning("no image for %s: %s", use.who(), entry.error)
        elif entry.digest:
            made = store.thumbs.get(thumb_stem(entry.digest))
            if made is None or not made.error:
                continue
            log.warning("no image for %s: %s could not be resized (%s)", use.who(), entry.url, made.error)
        else:
            continue
        failed += 1
    return failed
