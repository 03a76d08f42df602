"""The client-side search index, built from models (never from HTML).

The search and compare pages load the index in parts, one ``<script src>`` after another, each a
short task, so that at 100,000 spacecraft (11.7 MB) no single parse blocks the page and results
fill in as the parts arrive (static/js/index.js reads them, for search.js and compare.js). A
browser refuses ``fetch()`` of a local file, and a worker, under file://: scripts are what loads
there. For anyone else the whole index is one JSON file too.

Files (format version VERSION, 6 now; compact JSON, no spaces, UTF-8, keys sorted):

- ``search-index.json``: the whole index, for reuse (the pages do not read it)::

    {"version": 6,
     "agencies":       {"fields": ["id", "name", "abbrev"], "rows": [[121, "SpaceX", "SpX"], ...]},
     "configurations": {"fields": ["id", "name", "type", "agency", "url"],
                        "rows": [[6, "Crew Dragon 2", "Capsule", 0, "configurations/crew-dragon-2.html"], ...]},
     "statuses":       {"fields": ["id", "name"], "rows": [[1, "Active"], ...]},
     "astronauts":     {"fields": ["id", "name", "url"], "rows": [[25, "John Glenn", "astronauts/john-glenn.html"], ...]},
     "stations":       {"fields": ["id", "name", "url"], "rows": [[4, "International Space Station", "stations/…html"], ...]},
     "thumbnails":     ["thumbs/…webp", ...],
     "stopwords":      ["a", "an", "and", ...],
     "spacecraft":     {"fields": [...SPACECRAFT_FIELDS], "rows": [[...], ...]}}

- ``search-index.js``, the head the pages load first: ``window.SPACECRAFT_INDEX = '{...}';`` (the
  JSON as a string, keys sorted: the pages read the version at its end before parsing it) with
  the same lookup tables and thumbnails, the spacecraft ``fields`` and the first ``FIRST_ROWS``
  rows, and two more keys: ``total``, the number of spacecraft in the whole index, and ``parts``,
  the site paths of the further parts in order (``["search-index.2.js", ...]``; empty when the
  head holds every row, as in a catalog under ``FIRST_ROWS`` spacecraft).
- ``search-index.K.js`` (K = 2, 3, ...): ``window.SPACECRAFT_INDEX_PART = '{"part":K,"rows":
  [...],"version":6}';``, the next ``PART_ROWS`` rows of the spacecraft table. The head's rows
  then each part's, in order, are the whole file's rows.

Rows:

- ``configuration.agency``, ``spacecraft.configuration``, ``spacecraft.status`` and
  ``spacecraft.thumbnail`` are positions in the agencies, configurations, statuses and
  thumbnails tables (``thumbnail`` is null when the spacecraft has no thumbnail).
- ``id`` fields are the Launch Library 2 ids, which the search page uses in its URL
  (``status=1``, ``spacecraft_config=6``, ``agency=121``) like the API's own filters.
- ``in_space`` and ``is_placeholder`` are 1 or 0; counts and durations (seconds) are integers,
  or null when unknown. They are the catalog's figures (catalog/site/figures.py), not only the
  API's fields: ``flights_count`` and ``mission_ends_count`` are the API's, else counted from the
  flights it lists; ``time_in_space`` and ``time_docked`` the API's, else computed from the
  flights' durations or dates. ``figure_sources`` says which, a letter for each of the four in
  that order: ``g`` given by the API, ``l`` counted from the listed flights, ``c`` computed,
  ``u`` unknown (e.g. ``"llcu"``).
- ``missions`` lists the spacecraft's distinct mission names, in flight order (a flight's mission,
  else the mission part of its launch name, "STS-134" of "Space Shuttle Endeavour | STS-134"); empty
  in normal mode, where the API sends no flights. The search page shows the one a query matched.
- ``terms`` is the rest of what its flights say, as words: their international designators (COSPAR
  ids, "1969-059A"), destinations and the initials of a destination of several words ("International
  Space Station" adds "ISS"); ``words`` is at most ``DESCRIPTION_WORDS`` distinct words of the
  description, in order, lowercased, less ``STOPWORDS`` ("" in a catalog of ``DESCRIPTIONS_BELOW``
  spacecraft or more). The page ranks a match in a name above one in a mission or its terms, and
  those above one in the words.
- Crew and dockings (from ``catalog.crew``, the flights data): ``crew`` lists the positions, in the
  astronauts table, of everyone aboard any of the spacecraft's flights (any phase), by the first
  flight they flew on it: ``[]`` when every one of its flights is given with no crew (uncrewed),
  null when that is unknown (no flights data for it, or a crew list not given and no one named).
  The page reads crewed (yes, no, unknown) and the number of people aboard from it, so neither is
  sent. ``stations`` lists the positions, in the stations table, of the stations it docked at, and
  ``docking_count`` counts its docking events (null when the flights data has none of its flights).
  The page finds a spacecraft by a crew member's name or a station it docked at (ranked as a
  mission), filters it by crewed, station and crew member, and shows the astronauts and stations a
  query names as results of their own.
- ``known_license`` is 1 when the image the spacecraft's page shows (its own, else its
  configuration's) has a known license, 0 when its license is "Unknown", null when it has no image.
- ``url`` and ``thumbnail`` paths are relative to the site root (where search.html lives).
- Rows follow the catalog's order (name, then id); lookup tables follow the group order; the
  astronauts and stations tables are by name, then id.
- Readers look fields up by name, so an added field breaks none.

Versions: 2 added ``known_license`` and later a configuration's ``url``; 3 split what the pages
load into the head and its parts (``search-index.json`` kept its shape); 4 added ``missions``,
``terms`` and ``words``, and the head's ``stopwords`` (the words a query needs not find); 5 added the
``astronauts`` and ``stations`` tables and ``crew``, ``stations`` and ``docking_count`` (issue 26); 6 gave the
scripts' JSON as text (``window.SPACECRAFT_INDEX = '{...}'``), which the search page's worker parses. The pages refuse an
index of another version than the build that wrote them (the version reaches them from here,
through the templates' ``index`` view).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from ..data.groups import Catalog
from ..data.models import Spacecraft
from . import figures
from .urls import Urls, path_for

VERSION = 6
JSON_PATH = Urls.search_index_json
JS_PATH = Urls.search_index_js
JS_GLOBAL = "SPACECRAFT_INDEX"
PART_GLOBAL = "SPACECRAFT_INDEX_PART"
# Rows in the head and in each further part: the head shows the first results at once; a part is
# parsed in one task (its script) and taken in by the page in slices of a few ms (index.js). A part
# of 1,000 rows took 1-11 ms to parse here at 100,000 spacecraft (with the crew data), which
# Lighthouse's 4x slower phone makes up to 45 ms, near the 50 ms from which a task counts as
# blocking; 500 rows keep it well under (benchmarks/README.md, issue 23).
FIRST_ROWS = 1000
PART_ROWS = 500

AGENCY_FIELDS = ("id", "name", "abbrev")
CONFIGURATION_FIELDS = ("id", "name", "type", "agency", "url")
STATUS_FIELDS = ("id", "name")
SPACECRAFT_FIELDS = (
    "id", "name", "serial", "configuration", "status", "in_space", "is_placeholder",
    "flights_count", "mission_ends_count", "time_in_space", "time_docked", "url", "thumbnail", "known_license",
    "figure_sources", "missions", "terms", "words", "crew", "stations", "docking_count",
)
PEOPLE_FIELDS = ("id", "name", "url")  # the astronauts table
STATION_FIELDS = ("id", "name", "url")
# A description is searched by its first distinct words only: they name what the record is (its
# missions, callsign, maker), and the bound keeps the index small at 100,000 records, where
# descriptions of 400 characters would otherwise double it (benchmarks/README.md, issue 25).
DESCRIPTION_WORDS = 24
# Reading every description costs about 20 µs a spacecraft (2-3 s of a 100,000-record build whose
# budget is 20 s): from this many spacecraft (LL2 has about 600) descriptions are not searched.
DESCRIPTIONS_BELOW = 20000
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "had", "has", "have", "in", "into",
    "is", "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "which", "with",
))
_WORD = re.compile(r"[^\W_]+")
COMMON_FROM = 10  # a catalog this small keeps every word: a third of it is too few to judge

Thumbnailer = Callable[[Spacecraft], "str | None"]

# From this many spacecraft (about 200 KB of index) the search and compare pages load the index
# after their first paint instead of with a deferred <script> (benchmarks/README.md, issue 16).
AFTER_PAINT_FROM = 2000


def loads_after_paint(catalog: Catalog) -> bool:
    """Whether pages load this catalog's index after their first paint (large) or with the page (small)."""
    return len(catalog.spacecraft) >= AFTER_PAINT_FROM


class IndexView(NamedTuple):
    """What the search and compare templates need of the index: when to load it, and its version."""

    after_paint: bool
    version: int


def view(catalog: Catalog) -> IndexView:
    """The index as the search and compare pages see it."""
    return IndexView(after_paint=loads_after_paint(catalog), version=VERSION)


def thumbnail_from(pictures: Mapping[str, Any] | None) -> Thumbnailer | None:
    """Map a spacecraft to its smallest WebP thumbnail, from catalog/images.py's Image.key -> Picture."""
    if not pictures:
        return None

    def thumbnail(craft: Spacecraft) -> str | None:
        image = craft.shown_image
        picture = pictures.get(image.key) if image else None
        return picture.pick("thumb").webp if picture else None

    return thumbnail



def mission_names(craft: Spacecraft) -> list[str]:
    """The distinct names of the spacecraft's missions, in flight order (none in normal mode)."""
    names: dict[str, str] = {}
    for flight in craft.flights or ():
        launched = flight.launch_name.rpartition(" | ")[2].strip() if flight.launch_name else None
        for name in (flight.mission, launched):
            if name:
                names.setdefault(name.casefold(), name)
    return list(names.values())


def flight_terms(craft: Spacecraft) -> str:
    """The designators and destinations of the spacecraft's flights, with a destination's initials."""
    terms: dict[str, None] = {}
    for flight in craft.flights or ():
        terms.update(dict.fromkeys(filter(None, (flight.designator, flight.destination))))
        words = _WORD.findall(flight.destination or "")
        if len(words) > 1:
            terms["".join(w[0] for w in words).upper()] = None
    return " ".join(terms)


def description_words(catalog: Catalog) -> Callable[[Spacecraft], str]:
    """Map a spacecraft to the first DESCRIPTION_WORDS distinct words of its description that tell
    it apart: lowercased, less STOPWORDS, less the words of its own name, serial and configuration
    (found there already, and ranked higher), less the words of more than a third of all
    descriptions (in 224 LL2 records: "spacecraft", "launched", "crew", "utc"), which find no one."""
    configs: dict[int, frozenset[str]] = {}
    kept: dict[int, list[str]] = {}
    counts: Counter[str] = Counter()
    for craft in catalog.spacecraft:
        config = configs.get(craft.config.id)
        if config is None:
            config = configs[craft.config.id] = STOPWORDS | frozenset(_words(craft.config.name))
        own = config.union(_words(craft.name), _words(craft.serial_number or ""))
        distinct = kept[craft.id] = [w for w in dict.fromkeys(_words(craft.description)) if w not in own]
        counts.update(distinct)
    common = {word for word, n in counts.items() if n > max(COMMON_FROM, len(catalog.spacecraft) / 3)}

    def words(craft: Spacecraft) -> str:
        return " ".join([w for w in kept[craft.id] if w not in common][:DESCRIPTION_WORDS])

    return words


# Every ASCII character but a letter or digit, to a space: the regular expression's words, quicker.
_ASCII_SPACES = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


def _no_words(craft: Spacecraft) -> str:
    return ""


def _words(text: str) -> list[str]:
    """The words of a text, lowercased: runs of letters and digits (the index's words, and search.js's)."""
    text = text.lower()
    return text.translate(_ASCII_SPACES).split() if text.isascii() else _WORD.findall(text)


def crew_columns(catalog: Catalog, people: Mapping[int, int], stations: Mapping[int, int],
                 craft: Spacecraft) -> list[Any]:
    """A spacecraft's crew, stations and docking_count (see the module docstring)."""
    crew = catalog.crew
    flights = crew.flights_of_spacecraft(craft.id)
    if not flights:
        return [None, [], None]
    aboard: dict[int, None] = {}
    for flight in flights:
        for seats in (flight.launch_crew, flight.onboard_crew, flight.landing_crew):
            aboard.update(dict.fromkeys(people[s.astronaut] for s in seats or ()))
    known = aboard or all(f.crewed is False for f in flights)  # someone named, or every flight said none
    events = crew.dockings_of_spacecraft(craft.id)
    visited = dict.fromkeys(stations[e.station] for e in events if e.station is not None and e.station in stations)
    return [list(aboard) if known else None, list(visited), len(events)]


def build_index(catalog: Catalog, *, thumbnail: Thumbnailer | None = None) -> dict[str, Any]:
    """Build the index as plain data; `thumbnail` maps a spacecraft to its thumbnail path, or None."""
    agencies = {g.subject.id: i for i, g in enumerate(catalog.agencies)}
    configs = {g.subject.id: i for i, g in enumerate(catalog.configurations)}
    statuses = {g.subject.id: i for i, g in enumerate(catalog.statuses)}
    thumbs: dict[str, int] = {}
    people = sorted(catalog.crew.astronauts.values(), key=lambda a: (a.name.casefold(), a.id))
    places = sorted(catalog.crew.stations.values(), key=lambda s: (s.name.casefold(), s.id))
    person_at = {a.id: n for n, a in enumerate(people)}
    station_at = {s.id: n for n, s in enumerate(places)}
    words = description_words(catalog) if len(catalog.spacecraft) < DESCRIPTIONS_BELOW else _no_words
    rows = []
    for craft in catalog.spacecraft:
        thumb = thumbnail(craft) if thumbnail else None
        fig = figures.of(craft)
        rows.append([
            craft.id, craft.name, craft.serial_number, configs[craft.config.id], statuses[craft.status.id],
            int(craft.in_space), int(craft.is_placeholder), *(f.value for f in fig), path_for(craft),
            None if thumb is None else thumbs.setdefault(thumb, len(thumbs)),
            None if (image := craft.shown_image) is None else int(image.license.known),
            "".join(f.source[0] for f in fig), mission_names(craft), flight_terms(craft), words(craft),
            *crew_columns(catalog, person_at, station_at, craft),
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
        "astronauts": {"fields": list(PEOPLE_FIELDS), "rows": [[a.id, a.name, path_for(a)] for a in people]},
        "stations": {"fields": list(STATION_FIELDS), "rows": [[s.id, s.name, path_for(s)] for s in places]},
        "thumbnails": list(thumbs),
        "stopwords": sorted(STOPWORDS),
        "spacecraft": {"fields": list(SPACECRAFT_FIELDS), "rows": rows},
    }


def to_json(index: dict[str, Any]) -> bytes:
    """Serialize compactly and deterministically (sorted keys, no spaces, UTF-8)."""
    return json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def to_js(data: bytes, name: str = JS_GLOBAL) -> bytes:
    """Wrap the JSON bytes in a script that assigns them, as text, to a global: loadable from file://.

    The JSON goes in as a string: the page's thread only scans it (V8 compiles the same data as a
    JavaScript literal, and caches it as code), and the search page hands the text to its worker,
    which parses it there (static/js/index.js).
    """
    text = data.replace(b"\\", b"\\\\").replace(b"'", b"\\'")
    return b"window." + name.encode() + b" = '" + text + b"';\n"


def from_js(script: bytes) -> Any:
    """The data of a script written by to_js() (for tests and benchmarks)."""
    text = script[script.index(b" = '") + 4:script.rindex(b"';")]
    return json.loads(text.replace(b"\\'", b"'").replace(b"\\\\", b"\\"))


def split(index: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The head (lookup tables, the first rows, the total and the parts' paths) and the further parts."""
    rows = index["spacecraft"]["rows"]
    chunks = [rows[at:at + PART_ROWS] for at in range(FIRST_ROWS, len(rows), PART_ROWS)]
    numbers = range(2, len(chunks) + 2)
    head = {**index, "spacecraft": {**index["spacecraft"], "rows": rows[:FIRST_ROWS]}, "total": len(rows),
            "parts": [Urls.search_index_part(k) for k in numbers]}
    return head, [{"version": VERSION, "part": k, "rows": chunk} for k, chunk in zip(numbers, chunks, strict=True)]


def files(catalog: Catalog, *, thumbnail: Thumbnailer | None = None,
          pictures: Mapping[str, Any] | None = None) -> dict[str, bytes]:
    """The index files to publish, by site path: the whole JSON, the head and its parts; each spacecraft's
    thumbnail from `thumbnail`, else from the pictures (catalog/images: Image.key -> Picture)."""
    return files_of(build_index(catalog, thumbnail=thumbnail or thumbnail_from(pictures)))


def thumbnails_key(pictures: Mapping[str, Any] | None) -> str:
    """What the index takes from the pictures, for the key of the kept index (site/derived.py): each
    image's thumbnail."""
    h = hashlib.sha256()
    for key in sorted(pictures or ()):
        h.update(f"{key}\t{pictures[key].pick('thumb').webp}\n".encode())  # type: ignore[index]
    return h.hexdigest()


def files_of(index: dict[str, Any]) -> dict[str, bytes]:
    """The files of an index built by build_index(), by site path."""
    head, parts = split(index)
    out = {JSON_PATH: to_json(index) + b"\n", JS_PATH: to_js(to_json(head))}
    for part in parts:
        out[Urls.search_index_part(part["part"])] = to_js(to_json(part), PART_GLOBAL)
    return out
