"""The work of a build that is not skipped: gather the catalog, prepare images, render, write.

Called by pipeline.build() once the up-to-date check has found something to do.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import api, content, gathered, images, search, seo, snapshot, uptodate, urls
from .errors import CatalogError
from .groups import Catalog, build_catalog
from .models import FetchMeta, Group, Image
from .normalize import normalize_all
from .parallel import gc_paused, render_pages
from .pipeline import BuildReport, check_strict
from .render import STATIC, make_env
from .writer import SiteWriter

log = logging.getLogger(__name__)


class Page(NamedTuple):  # one per spacecraft: a tuple is made three times quicker than a frozen dataclass
    path: str
    template: str
    context: dict[str, Any]


def make_site(data_file: Path, *, out: Path, cache: Path, inputs: uptodate.Inputs, warned: uptodate.WarningLog,
              base_url: str | None, fetch_options: api.FetchOptions | None, strict: bool, force: bool) -> BuildReport:
    """Build the site into `out` from data_file; the old site stays whole until the new one is complete."""
    meta = snapshot.read_meta(data_file)

    # 2. Gather: normalize records into models and group them, before anything is written.
    catalog, keep = gather(data_file, meta, cache=cache, key=gathered.key(inputs.data), warned=warned)
    if not catalog.spacecraft:
        raise CatalogError(f"no usable spacecraft records in {data_file}; the site was not written")
    log.info("%d spacecraft in %d configurations, %d agencies, %d statuses",
             len(catalog.spacecraft), len(catalog.configurations), len(catalog.agencies), len(catalog.statuses))
    pages = content.load_pages(cache=cache / "pages" if cache.is_dir() else None)
    log.debug("gathered the catalog and %d Markdown pages", len(pages))

    # 3. Images: download new ones (only with --fetch), resize what is missing; failures show placeholders.
    thumbs = images.prepare(catalog, cache=cache, options=fetch_options)
    check_strict(strict, warned.messages)

    # 4. Write: render every page, then swap the new site in, or leave the old one whole.
    env = make_env(compiled=cache / "templates" if cache.is_dir() else None)  # a build makes no cache of its own
    env.globals["site"] = site_globals(catalog, base_url)
    env.globals["thumbs"] = thumbs.pictures
    env.filters.update(seo.template_filters(env.globals["site"]["base_url"], pictures=thumbs.pictures))
    writer = SiteWriter(out, rewrite=force)
    count = 0
    try:
        def search_index(writer: SiteWriter) -> None:
            for path, data in search.files(catalog, thumbnail=search.thumbnail_from(thumbs.pictures)).items():
                writer.write(path, data)

        # Files that are not pages are written alongside them, while the other cores render.
        jobs = (search_index, copy_static, thumbs.publish) + ((keep,) if keep else ())
        count = render_pages(writer, env, plan(catalog, pages), jobs=jobs)
        log.debug("rendered %d pages, %d files written", count, writer.written)
        for path, data in seo.site_files(writer.new, env.globals["site"]["base_url"]).items():
            writer.write(path, data)  # after the pages: the sitemap lists every one written
        writer.write(".nojekyll", b"")
        written = writer.commit(warned.summary(inputs.digest(), records=len(catalog.spacecraft), pages=count))
    except BaseException:
        writer.abort()
        raise
    return BuildReport(records=len(catalog.spacecraft), pages=count, written=written)


def gather(data_file: Path, meta: FetchMeta, *, cache: Path, key: str,
           warned: uptodate.WarningLog) -> tuple[Catalog, Callable[[SiteWriter], None] | None]:
    """The catalog of the data file: from the last build's copy in the cache when the data and the
    code are the same (its warnings said again), else read, normalized and grouped.

    A catalog gathered afresh comes with the job that keeps it in the cache, which the build runs
    while the workers render (pickling 100,000 records takes a second).
    """
    kept = cache / gathered.FILE_NAME if cache.is_dir() else None  # a build makes no cache of its own
    with gc_paused():  # millions of new objects and no cycles: collections would only cost time
        found = gathered.load(kept, key) if kept else None
        if found is not None:
            catalog, warnings = found
            for message in warnings:
                log.warning("%s", message)
            log.debug("gathered catalog read from %s", kept)
            return catalog, None
        before = len(warned.messages)
        catalog = build_catalog(normalize_all(snapshot.iter_records(data_file)), meta)
    if not kept or not catalog.spacecraft:
        return catalog, None
    warnings = warned.messages[before:]
    return catalog, lambda writer: gathered.save(kept, key, catalog, warnings)


def site_globals(catalog: Catalog, base_url: str | None) -> dict[str, Any]:
    """Values every template may use: counts, the data's age, the base URL."""
    return {
        "title": "Spacecraft Catalog",
        "meta": catalog.meta,
        "data_as_of": (catalog.meta.fetched_at or "")[:10] or None,
        "base_url": base_url.rstrip("/") + "/" if base_url else None,
        "counts": {
            "spacecraft": len(catalog.spacecraft),
            "configurations": len(catalog.configurations),
            "agencies": len(catalog.agencies),
            "statuses": len(catalog.statuses),
        },
    }


def plan(catalog: Catalog, pages: list[content.MarkdownPage]) -> Iterator[Page]:
    """Yield every page of the site: what to render, where."""
    def biggest(groups: tuple[Group, ...]) -> list[Group]:
        return sorted(groups, key=lambda g: (-len(g.spacecraft), g.name.casefold()))[:12]

    yield Page("index.html", "home.html", {
        "catalog": catalog, "in_space": catalog.in_space,
        "top_configurations": biggest(catalog.configurations), "top_agencies": biggest(catalog.agencies),
    })
    yield from list_pages("spacecraft", "All spacecraft", catalog.spacecraft)
    for craft in catalog.spacecraft:
        yield Page(urls.path_for(craft), "spacecraft.html", {"craft": craft})
    for section, groups, title in (
        ("configurations", catalog.configurations, "Configurations"),
        ("agencies", catalog.agencies, "Agencies"),
        ("statuses", catalog.statuses, "Statuses"),
    ):
        yield Page(urls.index_path(section), "groups.html", {"groups": groups, "title": title, "section": section})
        for group in groups:
            yield Page(urls.path_for(group), f"{group.kind}.html", {"group": group, "crafts": group.spacecraft})
    yield Page("search.html", "search.html", {"catalog": catalog})
    yield Page("credits.html", "credits.html", {"credits": credits(catalog)})
    for md in pages:
        yield Page(md.path, "markdown.html", {"page": md})
    yield Page("404.html", "404.html", {})


@dataclass(frozen=True, slots=True)
class Credit:
    image: Image
    pages: tuple[Any, ...]  # the spacecraft and configurations that show the image


def credits(catalog: Catalog) -> list[Credit]:
    """Every image with the pages that use it, in order of first appearance."""
    users: dict[str, list[Any]] = {}
    found: dict[str, Image] = {}  # not `images`: that is the module
    for group in catalog.configurations:
        config = group.subject
        if config.image:  # type: ignore[union-attr]
            found.setdefault(config.image.key, config.image)  # type: ignore[union-attr]
            users.setdefault(config.image.key, []).append(config)  # type: ignore[union-attr]
    for craft in catalog.spacecraft:
        image = craft.shown_image
        if image:
            found.setdefault(image.key, image)
            users.setdefault(image.key, []).append(craft)
    return [Credit(found[key], tuple(users[key])) for key in sorted(found, key=lambda k: found[k].name.casefold() + k)]


def list_pages(section: str, title: str, crafts: tuple) -> Iterator[Page]:
    """Split a long list of spacecraft into numbered pages."""
    size = urls.LIST_PAGE_SIZE
    total = max(1, -(-len(crafts) // size))
    for number in range(1, total + 1):
        chunk = crafts[(number - 1) * size: number * size]
        yield Page(urls.index_path(section, number), "list.html",
                   {"title": title, "crafts": chunk, "section": section, "number": number, "total": total})


def copy_static(writer: SiteWriter) -> None:
    """Publish static/ (CSS, scripts) under static/."""
    for source in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        writer.write("static/" + source.relative_to(STATIC).as_posix(), source.read_bytes())
