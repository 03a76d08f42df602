"""The image cache on disk: originals, thumbnails, and the index that ties them to image keys.

Layout, under <cache>/images/ (config.CacheLayout.images): `index.json` (what each image key
resolved to, and the sizes of each thumbnail set), `src/<digest>.<ext>` (originals),
`thumbs/<stem>-<width>w.{webp,jpg}` (resize.py names them).
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import alive, atomic_write, temp_owner
from . import settings
from .settings import thumb_names, thumb_stem

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceEntry:
    """What one image key resolved to: the original downloaded (file, digest) or why not (error)."""

    urls: tuple[str, ...]  # the image's URLs when it was fetched: a change means fetching again
    url: str | None = None  # the one that answered (or the first, on failure)
    file: str | None = None  # name under src/
    digest: str | None = None  # of the original's bytes; names its thumbnails
    error: str | None = None
    permanent: bool = False  # the error will not go away by itself (HTTP 404, not an image...)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceEntry:
        return cls(urls=tuple(data.get("urls") or ()), url=data.get("url"), file=data.get("file"),
                   digest=data.get("digest"), error=data.get("error"), permanent=bool(data.get("permanent")))

    def to_json(self) -> dict[str, Any]:
        if self.error:
            return {"urls": list(self.urls), "url": self.url, "error": self.error, "permanent": self.permanent}
        return {"urls": list(self.urls), "url": self.url, "file": self.file, "digest": self.digest}


@dataclass(frozen=True, slots=True)
class ThumbEntry:
    """The renditions made from one original (their sizes, ascending), or why none could be."""

    sizes: tuple[tuple[int, int], ...] = ()
    error: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ThumbEntry:
        return cls(sizes=tuple((int(w), int(h)) for w, h in data.get("sizes") or ()), error=data.get("error"))

    def to_json(self) -> dict[str, Any]:
        return {"error": self.error} if self.error else {"sizes": [list(s) for s in self.sizes]}


class Store:
    """The image cache: `sources` (image key -> SourceEntry) and `thumbs` (stem -> ThumbEntry)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.src_dir = root / "src"
        self.thumb_dir = root / "thumbs"
        self.index_file = root / "index.json"
        params, sources, thumbs = self._load()
        self.sources: dict[str, SourceEntry] = sources
        self.thumbs: dict[str, ThumbEntry] = thumbs
        self._stale = params is not None and params != settings.PARAMS  # new parameters: rewrite the index
        self._loaded = (dict(self.sources), dict(self.thumbs))  # shallow copies: cheap to compare
        self._listing: dict[Path, set[str]] = {}

    @property
    def dirty(self) -> bool:
        """Whether the index differs from the file (comparing dicts is far cheaper than dumping JSON)."""
        return self._stale or (self.sources, self.thumbs) != self._loaded

    def has(self, folder: Path, name: str) -> bool:
        """Whether folder holds the file name; one directory listing per folder, not a stat per file."""
        if folder not in self._listing:
            try:
                self._listing[folder] = {e.name for e in os.scandir(folder) if e.is_file()}
            except FileNotFoundError:
                self._listing[folder] = set()
        return name in self._listing[folder]

    def changed(self, folder: Path) -> None:
        self._listing.pop(folder, None)

    def _load(self) -> tuple[str | None, dict[str, SourceEntry], dict[str, ThumbEntry]]:
        try:
            data = json.loads(self.index_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, {}, {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable image cache index %s (%s): images are checked again",
                        self.index_file, exc)
            return None, {}, {}
        try:
            if not isinstance(data, dict):
                raise TypeError("not an object")
            params = str(data.get("params"))
            sources = {str(k): SourceEntry.from_json(v) for k, v in (data.get("sources") or {}).items()}
            # New parameters: the originals stay valid; thumbnails are made again.
            thumbs = ({str(k): ThumbEntry.from_json(v) for k, v in (data.get("thumbs") or {}).items()}
                      if params == settings.PARAMS else {})
        except (AttributeError, TypeError, ValueError):
            log.warning("ignoring image cache index %s of an unknown shape: images are checked again",
                        self.index_file)
            return None, {}, {}
        return params, sources, thumbs

    def source_path(self, key: str) -> Path | None:
        """The cached original of an image key, if it is on disk."""
        entry = self.sources.get(key)
        if entry is None or not entry.file:
            return None
        return self.src_dir / entry.file if self.has(self.src_dir, entry.file) else None

    def prune(self) -> int:
        """Delete originals and thumbnails that no index entry names any more (a changed URL, old
        parameters); return how many files went. Entries of images out of the catalog stay."""
        sources = {e.file for e in self.sources.values() if e.file}
        stems = {thumb_stem(e.digest) for e in self.sources.values() if e.digest}
        self.thumbs = {stem: made for stem, made in self.thumbs.items() if stem in stems}
        thumbs = {name for stem, made in self.thumbs.items() for width, _ in made.sizes
                  for name in thumb_names(stem, width)}
        removed = 0
        for folder, keep in ((self.src_dir, sources), (self.thumb_dir, thumbs)):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.is_file() and entry.name not in keep:
                    owner = temp_owner(entry.name)
                    if owner is not None and alive(owner):
                        continue  # a file another build is writing now
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
            self.changed(folder)
        return removed

    def save(self) -> None:
        """Write the index atomically, and only when it changed (an offline build creates no cache)."""
        if self.dirty:
            data = {"params": settings.PARAMS, "sources": {k: e.to_json() for k, e in self.sources.items()},
                    "thumbs": {k: e.to_json() for k, e in self.thumbs.items()}}
            atomic_write(self.index_file, json.dumps(data, sort_keys=True, indent=1).encode())
            self._stale, self._loaded = False, (dict(self.sources), dict(self.thumbs))
