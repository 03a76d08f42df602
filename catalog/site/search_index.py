"""The client-side search index, built from models (never from HTML).

Two files carry the same data: ``search-index.json`` for anything that can fetch it, and
``search-index.js`` (``window.SPACECRAFT_INDEX = {...};``) because a browser refuses ``fetch()``
of a local file, so the search page loads the data through ``<script src>`` under file://.

Format (version 2): compact JSON (no spaces, UTF-8, keys sorted), each table a header of field
names plus rows of values, so no name is repeated per record::

    {"version": 2,
     "agencies":       {"fields": ["id", "name", "abbrev"], "rows": [[121, "SpaceX", "SpX"], ...]},
     "configurations": {"fields": ["id", "name", "type", "agency", "url"],
                        "rows": [[6, "Crew Dragon 2", "Capsule", 0, "configurations/crew-dragon-2.html"], ...]},
     "statuses":       {"fields": ["id", "name"], "rows": [[1, "Active"], ...]},
     "thumbnails":     ["thumbs/…webp", ...],
     "spacecraft":     {"fields": [...SPACECRAFT_FIELDS], "rows": [[...], ...]}}

- ``configuration.agency``, ``spacecraft.configuration``, ``spacecraft.status`` and
  ``spacecraft.thumbnail`` are positions in the agencies, configurations, statuses and
  thumbnails tables (``thumbnail`` is null when the spacecraft has no thumbnail).
- ``id`` fields are the Launch Library 2 ids, which the search page uses in its URL
  (``status=1``, ``spacecraft_config=6``, ``agency=121``) like the API's own filters.
- ``in_space`` and ``is_placeholder`` are 1 or 0; counts and durations (seconds) are integers,
  or null when the API gave none.
- ``known_license`` is 1 when the image the spacecraft's page shows (its own, else its
  configuration's) has a known license, 0 when its license is "Unknown", null when it has no image
  (version 2 added it; the search page's ``known_license=true|false`` filter reads it).
- ``url`` and ``thumbnail`` paths are relative to the site root (where search.html lives).
- A configuration's ``url`` (its page, for compare.html) came later within version 2: readers
  look fields up by name, so an added field breaks none.
- Rows follow the catalog's order (name, then id); lookup tables follow the group order.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..data.groups import Catalog
from ..data.models import Duration, Spacecraft
from ..files import Writer
from .urls import Urls, path_for

VERSION = 2
JSON_PATH = Urls.search_index_json
JS_PATH = Urls.search_index_js
JS_GLOBAL = "SPACECRAFT_INDEX"

AGENCY_FIELDS = ("id", "name", "abbrev")
CONFIGURATION_FIELDS = ("id", "name", "type", "agency", "url")
STATUS_FIELDS = ("id", "name")
SPACECRAFT_FIELDS = (
    "id", "name", "serial", "configuration", "status", "in_space", "is_placeholder",
    "flights_count", "mission_ends_count", "time_in_space", "time_docked", "url", "thumbnail", "known_license",
)

Thumbnailer = Callable[[Spacecraft], "str | None"]

# From this many spacecraft (about 200 KB of index) the search and compare pages load the index
# after their first paint instead of with a deferred <script> (benchmarks/README.md, issue 16).
AFTER_PAINT_FROM = 2000


def loads_after_paint(catalog: Catalog) -> bool:
    """Whether pages load this catalog's index after their first paint (large) or with the page (small)."""
    return len(catalog.spacecraft) >= AFTER_PAINT_FROM


def thumbnail_from(pictures: Mapping[str, Any] | None) -> Thumbnailer | None:
    """Map a spacecraft to its smallest WebP thumbnail, from catalog/images.py's Image.key -> Picture."""
    if not pictures:
        return None

    def thumbnail(craft: Spacecraft) -> str | None:
        image = craft.shown_image
        picture = pictures.get(image.key) if image else None
        return picture.pick("thumb").webp if picture else None

    return thumbnail


def _seconds(value: Duration | None) -> int | None:
    return value.seconds if value else None


def build_index(catalog: Catalog, *, thumbnail: Thumbnailer | None = None) -> dict[str, Any]:
    """Build the index as plain data; `thumbnail` maps a spacecraft to its thumbnail path, or None."""
    agencies = {g.subject.id: i for i, g in enumerate(catalog.agencies)}
    configs = {g.subject.id: i for i, g in enumerate(catalog.configurations)}
    statuses = {g.subject.id: i for i, g in enumerate(catalog.statuses)}
    thumbs: dict[str, int] = {}
    rows = []
    for craft in catalog.spacecraft:
        thumb = thumbnail(craft) if thumbnail else None
        rows.append([
            craft.id, craft.name, craft.serial_number, configs[craft.config.id], statuses[craft.status.id],
            int(craft.in_space), int(craft.is_placeholder), craft.flights_count, craft.mission_ends_count,
            _seconds(craft.time_in_space), _seconds(craft.time_docked), path_for(craft),
            None if thumb is None else thumbs.setdefault(thumb, len(thumbs)),
            None if (image := craft.shown_image) is None else int(image.license.known),
        ])
    return {
        "version": VERSION,
        "agencies": {"fields": list(AGENCY_FIELDS), "rows": [
            [a.id, a.name, a.abbrev] for a in (g.subject for g in catalog.agencies)]},  # type: ignore[union-attr]
        "configurations": {"fields": list(CONFIGURATION_FIELDS), "rows": [
            [c.id, c.name, c.type, agencies[c.agency.id], path_for(c)]  # type: ignore[union-attr]
            for c in (g.subject for g in catalog.configurations)]},
        "statuses": {"fields": list(STATUS_FIELDS), "rows": [
            [s.id, s.name] for s in (g.subject for g in catalog.statuses)]},
        "thumbnails": list(thumbs),
        "spacecraft": {"fields": list(SPACECRAFT_FIELDS), "rows": rows},
    }


def to_json(index: dict[str, Any]) -> bytes:
    """Serialize compactly and deterministically (sorted keys, no spaces, UTF-8)."""
    return json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def to_js(data: bytes) -> bytes:
    """Wrap the JSON bytes in a script that assigns them to a global, loadable from file://."""
    return b"window." + JS_GLOBAL.encode() + b" = " + data + b";\n"


def files(catalog: Catalog, *, thumbnail: Thumbnailer | None = None) -> dict[str, bytes]:
    """The index files to publish, by site path."""
    data = to_json(build_index(catalog, thumbnail=thumbnail))
    return {JSON_PATH: data + b"\n", JS_PATH: to_js(data)}


def publisher(catalog: Catalog, pictures: Mapping[str, Any] | None) -> Callable[[Writer], None]:
    """The job that writes the index files through the site writer (while the workers render)."""
    def publish(writer: Writer) -> None:
        for path, data in files(catalog, thumbnail=thumbnail_from(pictures)).items():
            writer.write(path, data)

    return publish
