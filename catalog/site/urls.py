"""The one URL builder: where every page and file of the site lives (datasette's `Urls`).

Paths are site-relative and name a file ("spacecraft/soyuz-29.html"): pages link to each other
through `root` (the way back to the site root, "../" per folder) plus such a path, so the output
works on GitHub project pages and from file://. The base URL (--base-url) is applied here only,
in `absolute()` and `link()`, for canonical links, link previews and the sitemap.
"""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, urlencode

from ..config import CREDITS_PAGE_SIZE, LIST_PAGE_SIZE  # noqa: F401 - the defaults; BuildOptions carries the sizes
from ..data.crew import Astronaut, CrewedFlight, Station
from ..data.models import Agency, Configuration, Group, Spacecraft, Status


class Section(NamedTuple):
    """A section of the site: its folder, its title, and the kind of group its pages show."""

    folder: str
    title: str
    kind: str | None = None  # the Group.kind of its pages; None for the spacecraft list
    param: str | None = None  # the search page's URL parameter that filters on one of its groups


# The API's ordering fields, each way round, as the search page offers them (search_for's `ordering`).
ORDERINGS = (
    ("-flights_count", "Most flights"), ("flights_count", "Fewest flights"),
    ("-time_in_space", "Most time in space"), ("time_in_space", "Least time in space"),
    ("-time_docked", "Most time docked"), ("time_docked", "Least time docked"),
    ("-mission_ends_count", "Most mission ends"), ("mission_ends_count", "Fewest mission ends"),
    ("-id", "Newest in the database (id)"), ("id", "Oldest in the database (id)"),
)


SPACECRAFT = Section("spacecraft", "All spacecraft")
CONFIGURATIONS = Section("configurations", "Configurations", "configuration", "spacecraft_config")
AGENCIES = Section("agencies", "Agencies", "agency", "agency")
STATUSES = Section("statuses", "Statuses", "status", "status")
GROUP_SECTIONS = (CONFIGURATIONS, AGENCIES, STATUSES)
SECTION_OF_KIND = {s.kind: s for s in GROUP_SECTIONS}
_KINDS = {Configuration: "configuration", Agency: "agency", Status: "status"}
FLIGHTS = Section("flights", "Flights")  # one page per flight of a catalog spacecraft (issue 26)
ASTRONAUTS = Section("astronauts", "People")  # one page per person in any crew, and a paged index
STATIONS = Section("stations", "Space stations")  # one page per station, and an index
_CREW_FOLDERS = {CrewedFlight: FLIGHTS.folder, Astronaut: ASTRONAUTS.folder, Station: STATIONS.folder}
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(path, safe="/") leaves as it is



def path_for(obj: object) -> str:
    """Output path of a model's page, relative to the site root (e.g. "spacecraft/soyuz-29.html")."""
    if isinstance(obj, Spacecraft):
        return f"spacecraft/{obj.slug}.html"
    folder = _CREW_FOLDERS.get(type(obj))
    if folder is not None:
        return f"{folder}/{obj.slug}.html"  # type: ignore[attr-defined]  # each of them has a slug
    kind = obj.kind if isinstance(obj, Group) else _KINDS.get(type(obj))
    if kind is not None:
        return f"{SECTION_OF_KIND[kind].folder}/{obj.slug}.html"  # type: ignore[attr-defined]  # every kind has a slug
    raise TypeError(f"no page for {type(obj).__name__}")


SECTION_INDEX, LIST_PAGE = "index", "page-"  # a section's first list page; the n-th is page-<n>


def index_path(folder: str, page: int = 1) -> str:
    """Path of a section's index, or of its n-th list page."""
    return f"{folder}/{SECTION_INDEX}.html" if page == 1 else f"{folder}/{LIST_PAGE}{page}.html"


# The stems of the files the site writes itself in every section folder (index_path's): a model's
# slug must never be one, or its page would take the section's index or a list page. The build
# hands it to the data stage, which assigns the slugs (data/normalize.py).
# A group's further pages are "<slug>-page-<n>", so no slug may end that way either.
OWN_STEMS = re.compile(f"{re.escape(SECTION_INDEX)}|(.+-)?{re.escape(LIST_PAGE)}[0-9]+")


def root_of(path: str) -> str:
    """The relative prefix that leads from a page back to the site root ("", "../"...)."""
    return "../" * path.count("/")


def quote_path(path: str) -> str:
    """Percent-encode a site path for a URL (most slugs are plain ASCII: no work for them)."""
    return path if _URL_SAFE.fullmatch(path) else quote(path, safe="/")


class Urls:
    """Every path of the site, one attribute or method per kind of page; templates get it as `urls`.

    Fixed pages and files are attributes (a Jinja attribute look-up is cheap on pages rendered
    100,000 times); pages of models are `path()` (templates: `craft|path`).
    """

    home = "index.html"
    search = "search.html"
    credits = "credits.html"
    about = "about.html"
    not_found = "404.html"
    sitemap = "sitemap.xml"
    robots = "robots.txt"
    search_index_json = "search-index.json"
    search_index_js = "search-index.js"  # the head of the index the pages load; its parts: search_index_part()
    stylesheet = "static/css/site.css"
    search_stylesheet = "static/css/search.css"
    favicon = "static/favicon.svg"
    search_script = "static/js/search.js"
    index_script = "static/js/index.js"  # loads the search index for search.js and compare.js
    compare = "compare.html"  # 2 to 4 spacecraft or configurations side by side (compare.html?ids=...)
    compare_script = "static/js/compare.js"
    keys_script = "static/js/keys.js"  # "/" focuses a search box, on every page
    manifest = "manifest.webmanifest"  # the installable app (site/offline.py)
    service_worker = "sw.js"  # at the root: its scope is the whole site
    offline_script = "static/js/offline.js"  # registers the service worker, over http(s) only
    zip = "spacecraft-catalog.zip"  # the whole site for offline use (--zip; output/download.py)
    changes = "changes.html"  # what changed between fetches, newest first (site/changes.py)
    changes_feed = "changes.xml"  # the most recent changes as an Atom feed
    changes_json = "changes.json"  # every change, for reuse (its format: data/history.py)
    cite_script = "static/js/cite.js"  # the "Cite this" copy buttons
    data_page = "data.html"  # the exports: what each file holds, its size and digest, how to cite
    licenses = "licenses.html"  # the license audit: images grouped by license
    stats = "stats.html"  # records, counts and charts of the whole catalog (site/stats.py)
    datapackage = "datapackage.json"  # Frictionless Data Package describing the CSVs (site/exports.py)
    spacecraft_csv = "data/spacecraft.csv"
    flights_csv = "data/flights.csv"
    configurations_csv = "data/configurations.csv"
    agencies_csv = "data/agencies.csv"
    spacecraft_json = "data/spacecraft.json"
    citations_bib = "data/catalog.bib"  # every record's citation (site/cite.py): for readers without script
    citations_csl = "data/catalog.csl.json"
    spacecraft_index = index_path(SPACECRAFT.folder)
    configurations_index = index_path(CONFIGURATIONS.folder)
    agencies_index = index_path(AGENCIES.folder)
    statuses_index = index_path(STATUSES.folder)
    flights_index = index_path(FLIGHTS.folder)
    astronauts_index = index_path(ASTRONAUTS.folder)  # "People", paged
    stations_index = index_path(STATIONS.folder)
    quality = "quality.html"  # the data-quality checks, each with its records (issue 26)
    crew_csv = "data/crew.csv"
    dockings_csv = "data/dockings.csv"
    astronauts_csv = "data/astronauts.csv"
    stations_csv = "data/stations.csv"
    sqlite = "data/spacecraft-catalog.sqlite"

    path = staticmethod(path_for)
    section = staticmethod(index_path)
    root_of = staticmethod(root_of)

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url.rstrip("/") + "/" if base_url else None

    @staticmethod
    def static(relative: str) -> str:
        """A file of static/, published under static/."""
        return f"static/{relative}"

    @staticmethod
    def image(name: str) -> str:
        """A thumbnail, published under img/."""
        return f"img/{name}"

    @staticmethod
    def record(craft: Spacecraft) -> str:
        """A spacecraft's record as JSON, beside its page (templates: craft|record_path)."""
        return f"spacecraft/{craft.slug}.json"

    @staticmethod
    def group_csv(group: Group) -> str:
        """The spacecraft of a configuration, agency or status as CSV, under data/ (group|csv_path)."""
        return f"data/{SECTION_OF_KIND[group.kind].folder}/{group.slug}.csv"

    @staticmethod
    def changes_page(number: int) -> str:
        """The n-th page of changes: changes.html, then changes-2.html..."""
        return Urls.changes if number == 1 else f"changes-{number}.html"

    @staticmethod
    def group_page(group: Group, number: int = 1) -> str:
        """The n-th page of a group's spacecraft: its own page, then "<slug>-page-2.html"..."""
        first = path_for(group)
        return first if number == 1 else f"{first[:-5]}-{LIST_PAGE}{number}.html"

    @staticmethod
    def search_index_part(number: int) -> str:
        """The n-th part of the search index the pages load (n >= 2; the first is search_index_js)."""
        return f"search-index.{number}.js"

    @staticmethod
    def credits_page(number: int) -> str:
        """The n-th page of image credits: credits.html, then credits-2.html..."""
        return Urls.credits if number == 1 else f"credits-{number}.html"

    @staticmethod
    def license_page(slug: str, number: int = 1) -> str:
        """The n-th page of the images of one license: licenses-<slug>.html, then licenses-<slug>-2.html..."""
        return f"licenses-{slug}.html" if number == 1 else f"licenses-{slug}-{number}.html"

    @staticmethod
    def quality_page(slug: str, number: int = 1) -> str:
        """The n-th page of one data-quality check's records: quality-<slug>.html, then quality-<slug>-2.html..."""
        return f"quality-{slug}.html" if number == 1 else f"quality-{slug}-{number}.html"

    @staticmethod
    def search_for(params: tuple[tuple[str, object], ...]) -> str:
        """The search page showing the results of these URL parameters (the API's names), in order."""
        return Urls.search + ("?" + urlencode(params) if params else "")

    @staticmethod
    def markdown(slug: str) -> str:
        """A Markdown page (content/pages/<slug>.md), at the site root."""
        return f"{slug}.html"

    def absolute(self, path: str) -> str | None:
        """Absolute URL of a site path (the site root for the home page); None without a base URL."""
        if self.base_url is None:
            return None
        return self.base_url if path == self.home else self.base_url + quote_path(path)

    def link(self, path: str, *, page_path: str) -> str:
        """URL of a site path as seen from page_path: absolute with a base URL, else relative."""
        return self.absolute(path) or root_of(page_path) + quote_path(path)


# The site header's links, in order: (path, label).
NAV = (
    (Urls.spacecraft_index, "Spacecraft"), (Urls.configurations_index, CONFIGURATIONS.title),
    (Urls.agencies_index, AGENCIES.title), (Urls.statuses_index, STATUSES.title),
    (Urls.astronauts_index, ASTRONAUTS.title), (Urls.stations_index, "Stations"),  # the crew data's (issue 26)
    (Urls.changes, "Changes"), (Urls.stats, "Statistics"), (Urls.search, "Search"), (Urls.about, "About"),
)
NAV_PATHS = frozenset(path for path, _ in NAV)
