"""What pages the site has and what each shows: the page plan, made from the models before rendering.

Each planned page has a kind (one of KINDS), its output path, its template, the values the
template shows, and its head view (site/seo.py's Head). Templates and the parallel renderer read
the kind; nothing downstream guesses a page's kind from the names its context happens to hold.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

from ..config import CHANGES_PAGE_SIZE, DEFAULT_DESCRIPTION, DEFAULT_TITLE
from ..data.crew import Astronaut, Station
from ..data.groups import Catalog
from ..data.history import EMPTY
from ..data.models import Configuration, FetchMeta, Group, Image, License, Spacecraft
from . import quality, search_index
from .changes import Changes
from .content import MarkdownPage
from .crewpages import craft_crew, no_crew_of
from .derived import derived
from .exports import CSV_SAFETY, TABLES, TERMS, Dataset, ExportFile, source_url
from .paging import paged
from .seo import Head, Seo
from .stats import compute as compute_stats
from .stats import most_flown, occupancy
from .timelines import data_date
from .urls import (
    ASTRONAUTS,
    CREDITS_PAGE_SIZE,
    GROUP_SECTIONS,
    LIST_PAGE_SIZE,
    SPACECRAFT,
    Section,
    Urls,
    index_path,
    path_for,
)

HOME, SPACECRAFT_LIST, SPACECRAFT_PAGE, GROUP_INDEX = "home", "spacecraft-list", "spacecraft", "group-index"
CONFIGURATION, AGENCY, STATUS = "configuration", "agency", "status"  # group pages: their Group.kind
SEARCH, CREDITS, MARKDOWN, NOT_FOUND = "search", "credits", "markdown", "404"
DATA, LICENSES = "data", "licenses"  # the exports (made by the build after the others: data_page()), the license audit
STATS = "stats"  # records, counts, charts (site/stats.py)
CHANGES = "changes"  # changes.html and its further pages (site/changes.py)
COMPARE = "compare"  # compare.html: spacecraft or configurations side by side, from the search index
# The crew data's pages (issue 26, site/crewpages.py): a flight, a person and the paged People index, a station
# and the stations index. Not keyed (render/__init__.py KEYED): each shows values looked up in the crew data.
FLIGHT, ASTRONAUT, ASTRONAUT_LIST, STATION, STATION_LIST = "flight", "astronaut", "astronaut-list", "station", "station-list"
QUALITY = "quality"  # quality.html: the data-quality checks (site/quality.py), and each long check's own pages
KINDS = frozenset({HOME, SPACECRAFT_LIST, SPACECRAFT_PAGE, GROUP_INDEX, CONFIGURATION, AGENCY, STATUS,
                   SEARCH, CREDITS, MARKDOWN, NOT_FOUND, DATA, LICENSES, STATS, CHANGES, COMPARE,
                   FLIGHT, ASTRONAUT, ASTRONAUT_LIST, STATION, STATION_LIST, QUALITY})
LISTS_SPACECRAFT = frozenset({HOME, SPACECRAFT_LIST, CONFIGURATION, AGENCY, STATUS})  # pages made of cards


class Page(NamedTuple):  # one per spacecraft: a tuple is quicker to make than a frozen dataclass (benchmarks/README.md)
    kind: str
    path: str
    template: str
    context: dict[str, Any]
    head: Head


class SiteInfo(NamedTuple):
    """Values every template may use as `site`: the title, counts, the data's age, the base URL."""

    title: str
    meta: FetchMeta
    data_as_of: str | None  # YYYY-MM-DD of the fetch; None for the shipped sample
    base_url: str | None
    counts: dict[str, int]
    licensed_only: bool = False  # --licensed-only: images without a known license show placeholders
    data_date: str | None = None  # what timelines run to for what is still in space: the fetch date (site/timelines.py)
    feed: bool = False  # the site publishes changes.xml, which every page announces
    download: str | None = None  # --zip: the site path of the whole site's zip, linked from the About page
    sources: tuple[str, ...] = ()  # how fresh each endpoint's fetched data is (data/crawl.py freshness)
    description: str = DEFAULT_DESCRIPTION  # the pages' meta description where a page has none of its own
    exports: bool = True  # the data downloads are published (data.html, data/*): pages may link to them
    offline_app: bool = True  # the manifest and service worker are published: pages register them
    theme_css: str | None = None  # the theme's static/css/theme.css, linked after site.css when there is one


def site_info(catalog: Catalog, urls: Urls, *, licensed_only: bool = False, feed: bool = False,
              download: str | None = None, sources: tuple[str, ...] = (), title: str = DEFAULT_TITLE,
              description: str = DEFAULT_DESCRIPTION, exports: bool = True, offline_app: bool = True,
              theme_css: str | None = None) -> SiteInfo:
    """The site-wide values of this catalog."""
    return SiteInfo(
        title=title,
        description=description,
        exports=exports,
        offline_app=offline_app,
        theme_css=theme_css,
        meta=catalog.meta,
        data_as_of=(catalog.meta.fetched_at or "")[:10] or None,
        base_url=urls.base_url,
        counts={
            "spacecraft": len(catalog.spacecraft),
            "configurations": len(catalog.configurations),
            "agencies": len(catalog.agencies),
            "statuses": len(catalog.statuses),
        },
        licensed_only=licensed_only,
        data_date=data_date(catalog),
        feed=feed,
        download=download,
        sources=sources,
    )


@dataclass(frozen=True, slots=True)
class Credit:
    image: Image
    pages: tuple[Spacecraft | Configuration | Astronaut | Station, ...]  # the pages that show the image


STRIP = 6  # spacecraft in each strip of the home page


def recently_changed(catalog: Catalog, changes: Changes) -> list[tuple[Spacecraft, str, str]]:
    """The spacecraft of the latest changes, newest first, once each: (spacecraft, day, what changed)."""
    if not changes.latest:
        return []
    by_path = {path_for(craft): craft for craft in catalog.spacecraft}
    out: list[tuple[Spacecraft, str, str]] = []
    for event in changes.latest:
        craft = by_path.get(event.path) if event.path else None
        if craft is not None and all(craft is not seen for seen, _, _ in out):
            out.append((craft, event.day, event.sentence))
        if len(out) == STRIP:
            break
    return out


def plan(catalog: Catalog, pages: list[MarkdownPage], seo: Seo, changes: Changes | None = None, *,
         list_size: int = LIST_PAGE_SIZE, credits_size: int = CREDITS_PAGE_SIZE,
         changes_size: int = CHANGES_PAGE_SIZE) -> Iterator[Page]:
    """Yield every page of the site: its kind, where it goes, what it shows (list_size cards a list page,
    credits_size images a credits page)."""
    changes = changes or Changes(EMPTY, catalog)
    def page(kind: str, path: str, template: str, context: dict[str, Any], subject: Any = None) -> Page:
        return Page(kind, path, template, context, Head(seo, path, subject))

    def biggest(groups: tuple[Group, ...]) -> list[Group]:
        return sorted(groups, key=lambda g: (-len(g.spacecraft), g.name.casefold()))[:12]

    yield page(HOME, Urls.home, "home.html", {
        "catalog": catalog, "in_space": catalog.in_space,
        "top_configurations": biggest(catalog.configurations), "top_agencies": biggest(catalog.agencies),
        "changes": changes, "most_flown": derived(catalog, "most flown", partial(most_flown, limit=STRIP)),
        "recently_changed": recently_changed(catalog, changes),
    })
    yield from list_pages(SPACECRAFT, catalog.spacecraft, seo, list_size)
    own_history, no_history = changes.by_craft, changes.default  # most spacecraft share the one with no event
    crew, no_crew = catalog.crew, no_crew_of(catalog.crew)  # most spacecraft share the one with no flight
    for craft in catalog.spacecraft:
        yield page(SPACECRAFT_PAGE, path_for(craft), "spacecraft.html",
                   {"craft": craft, "history": own_history.get(craft.id, no_history),
                    "crew": craft_crew(crew, craft.id, no_crew)}, craft)
    yield from crew_pages(catalog, seo, list_size)
    for section, groups in zip(GROUP_SECTIONS, (catalog.configurations, catalog.agencies, catalog.statuses), strict=True):
        yield page(GROUP_INDEX, index_path(section.folder), "groups.html", {"groups": groups, "section": section})
        for group in groups:
            for crafts, pager in paged(group.spacecraft, list_size, partial(Urls.group_page, group)):
                yield page(group.kind, pager.path, f"{group.kind}.html",
                           {"group": group, "crafts": crafts, "section": section, "pager": pager}, group)
    index = search_index.view(catalog)
    yield page(SEARCH, Urls.search, "search.html", {"catalog": catalog, "index": index})
    yield page(STATS, Urls.stats, "stats.html", {"stats": derived(catalog, "stats", compute_stats)})
    yield page(COMPARE, Urls.compare, "compare.html", {"index": index})
    credited = image_credits(catalog)
    for chunk, pager in paged(credited, credits_size, Urls.credits_page):
        yield page(CREDITS, pager.path, "credits.html", {"credits": chunk, "pager": pager, "total": len(credited)})
    licenses = by_license(credited)
    preview = license_preview(licenses)
    yield page(LICENSES, Urls.licenses, "licenses.html", {"licenses": licenses, "preview": preview})
    for licensed in licenses:
        if len(licensed.credits) > preview:  # the first page shows them all otherwise
            for chunk, pager in paged(licensed.credits, credits_size, partial(Urls.license_page, licensed.slug)):
                yield page(LICENSES, pager.path, "license.html", {"group": licensed, "credits": chunk, "pager": pager})
    yield from quality_pages(catalog, page)
    for listed in changes.pages(changes_size):
        yield page(CHANGES, listed.path, "changes.html", {"changes": changes, "listed": listed})
    for md in pages:
        yield page(MARKDOWN, md.path, "markdown.html", {"page": md})
    yield page(NOT_FOUND, Urls.not_found, "404.html", {})


def crew_pages(catalog: Catalog, seo: Seo, list_size: int = LIST_PAGE_SIZE) -> Iterator[Page]:
    """The pages of the crew data: a page per flight, per person (and the People index), per station (and
    theirs); the views are made in the render workers (site/crewpages.py), from the model and the crew data.
    The two indexes are always there (the navigation links them), saying so when the data is not fetched yet."""
    crew = catalog.crew
    crafts = {craft.id: craft for craft in catalog.spacecraft} if crew.flights else {}
    shared = {"crew": crew, "crafts": crafts}
    for flight in crew.flights.values():
        path = path_for(flight)
        yield Page(FLIGHT, path, "flight.html", {"flight": flight, **shared}, Head(seo, path))
    people = sorted(crew.astronauts.values(), key=lambda a: (a.name.casefold(), a.id))
    for chunk, pager in paged(people, list_size, partial(index_path, ASTRONAUTS.folder)):
        yield Page(ASTRONAUT_LIST, pager.path, "astronauts.html", {"people": chunk, "pager": pager, "total": len(people),
                                                                   **shared}, Head(seo, pager.path))
    for person in people:
        path = path_for(person)
        yield Page(ASTRONAUT, path, "astronaut.html", {"person": person, **shared}, Head(seo, path))
    stations = sorted(crew.stations.values(), key=lambda s: (s.name.casefold(), s.id))
    yield Page(STATION_LIST, Urls.stations_index, "stations.html",
               {"stations": stations, "occupancy": derived(catalog, "occupancy", occupancy), **shared},
               Head(seo, Urls.stations_index))
    for station in stations:
        path = path_for(station)
        yield Page(STATION, path, "station.html", {"station": station, **shared}, Head(seo, path))


QUALITY_PREVIEW = 10  # records quality.html lists under each check: 7 checks of ~10 elements a row, under 1,500
QUALITY_PAGE_SIZE = 100  # records on each of a long check's own pages (~10 elements a row)


def quality_pages(catalog: Catalog, page: Callable[..., Page]) -> Iterator[Page]:
    """quality.html (every check, its count and first records), and the own pages of a longer check."""
    found = derived(catalog, "quality checks", quality.checks)  # kept with the gathered catalog
    yield page(QUALITY, Urls.quality, "quality.html", {"checks": found, "preview": QUALITY_PREVIEW,
                                                       "crew_source": catalog.crew.flights_source})
    for check in found:
        if check.count > QUALITY_PREVIEW:
            for chunk, pager in paged(check.findings, QUALITY_PAGE_SIZE, partial(Urls.quality_page, check.slug)):
                yield page(QUALITY, pager.path, "quality-check.html", {
                    "check": check, "findings": chunk, "pager": pager, "start": (pager.number - 1) * QUALITY_PAGE_SIZE + 1})


def image_credits(catalog: Catalog) -> list[Credit]:
    """Every image with the pages that use it, sorted by the image's name."""
    users: dict[str, list[Spacecraft | Configuration | Astronaut | Station]] = {}
    found: dict[str, Image] = {}
    for group in catalog.configurations:
        config = group.subject
        assert isinstance(config, Configuration)  # a configuration group's subject, by construction
        if config.image:
            found.setdefault(config.image.key, config.image)
            users.setdefault(config.image.key, []).append(config)
    for craft in catalog.spacecraft:
        image = craft.shown_image
        if image:
            found.setdefault(image.key, image)
            users.setdefault(image.key, []).append(craft)
    crewed: list[Astronaut | Station] = [*catalog.crew.astronauts.values(), *catalog.crew.stations.values()]
    for shown in crewed:  # the pages of people and stations (issue 26)
        if shown.image:
            found.setdefault(shown.image.key, shown.image)
            users.setdefault(shown.image.key, []).append(shown)
    return [Credit(found[key], tuple(users[key])) for key in sorted(found, key=lambda k: found[k].name.casefold() + k)]


class LicenseGroup(NamedTuple):
    """The images of one license, for the license audit."""

    license: License
    credits: tuple[Credit, ...]
    slug: str = ""  # its own pages: licenses-<slug>.html... (Urls.license_page)

    @property
    def path(self) -> str:
        return Urls.license_page(self.slug)


LICENSE_ROWS = 30  # images licenses.html lists in all (about a credits page's 50 rows of elements)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def license_preview(groups: list[LicenseGroup]) -> int:
    """Images licenses.html lists under each license (2 to 10): the others are on the license's own pages."""
    return max(2, min(10, LICENSE_ROWS // max(len(groups), 1)))


def by_license(credited: list[Credit]) -> list[LicenseGroup]:
    """The images grouped by license name: "Unknown" first (what a re-user must check), then by name."""
    groups: dict[str, list[Credit]] = {}
    for credit in credited:
        groups.setdefault(credit.image.license.name, []).append(credit)
    order = sorted(groups, key=lambda name: (License(name, None).known, name.casefold(), name))
    out, taken = [], set()
    for number, name in enumerate(order, 1):
        slug = _NOT_SLUG.sub("-", name.casefold()).strip("-")[:60].strip("-") or f"license-{number}"
        if slug in taken:
            slug = f"{slug}-{number}"
        taken.add(slug)
        out.append(LicenseGroup(_license_of(groups[name]), tuple(groups[name]), slug))
    return out


def _license_of(credited: list[Credit]) -> License:
    """The group's license: the first with a link, as images of one license name may differ in that."""
    return next((c.image.license for c in credited if c.image.license.link), credited[0].image.license)


def data_page(files: tuple[ExportFile, ...], catalog: Catalog, seo: Seo, title: str = DEFAULT_TITLE) -> Page:
    """The data page: what each export holds, its size and SHA-256; planned once the exports are made."""
    dataset = Dataset(files, catalog.meta, site=title)
    return Page(DATA, Urls.data_page, "data.html", {"files": files, "tables": TABLES, "safety": CSV_SAFETY,
                                                    "terms": TERMS, "catalog": catalog, "dataset": dataset,
                                                    "source": source_url(catalog.meta)},
                Head(seo, Urls.data_page, dataset))


def list_pages(section: Section, crafts: tuple[Spacecraft, ...], seo: Seo, size: int = LIST_PAGE_SIZE) -> Iterator[Page]:
    """Split a long list of spacecraft into numbered pages of `size` cards."""
    for chunk, pager in paged(crafts, size, lambda n: index_path(section.folder, n)):
        yield Page(SPACECRAFT_LIST, pager.path, "list.html",
                   {"crafts": chunk, "section": section, "pager": pager}, Head(seo, pager.path))
