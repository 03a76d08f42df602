"""build(): the table of contents of a build, one stage after another.

Stages live in packages that import one way (data <- images <- site <- render <- output <- build,
checked by tests/test_layout.py). The lazy-import boundary is the block of imports in the middle
of build(): above it only the standard library and the light modules load (config, errors,
data/snapshot, output/uptodate), so a build whose inputs are those of the last one is done before
Jinja, Markdown, Pillow or even the models are imported; below it everything else does.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .config import PACKAGE, STATIC, TEMPLATES, BuildOptions, CacheLayout, FetchOptions
from .data import snapshot
from .errors import CatalogError
from .output import lock, uptodate

if TYPE_CHECKING:
    from .data.history import History
    from .files import Writer
    from .render import Renderer
    from .site.exports import Exports
    from .site.seo import Seo

log = logging.getLogger(__name__)


class BuildReport(NamedTuple):
    records: int
    pages: int
    written: int


def build(options: BuildOptions) -> BuildReport:
    """Build the site into options.out; the last good site stays whole until the new one is complete."""
    check_folders(options)  # before the lock, the fetch or anything else touches a file
    with lock.locked(options.out):  # one build at a time per output; what killed ones left is cleaned
        return _build(options)


def _build(options: BuildOptions) -> BuildReport:
    caches = options.caches

    # 1. Data: a fresh crawl when asked, else the last completed one, else the shipped snapshot.
    if options.fetch:
        data_file = fetch(options.fetch, caches, site_url=options.site_url, strict=options.strict)
    else:
        data_file = snapshot.source_file(caches)
    log.info("reading %s", data_file)

    # 2. Up to date: a site made from these very inputs is this build's output already.
    sources = fetched_sources(caches) if data_file == caches.data_file else ()
    inputs = uptodate.Inputs(data_file, caches=caches, base_url=options.site_url,
                             licensed_only=options.licensed_only, with_zip=options.zip, sources=sources,
                             folders=input_folders(options), settings=options.settings_key())
    last = None if options.force else uptodate.last_build(options.out, inputs.digest())
    if last is not None:
        uptodate.replay(last)
        check_strict(options.strict, last.warnings)
        return BuildReport(records=last.records, pages=last.pages, written=0)

    # ---- The lazy-import boundary: Jinja, Markdown, Pillow and the models load from here on. ----
    from .data import history
    from .data.gathered import gather
    from .files import KeptFiles, Output, kept_job, remove_stale_temps
    from .images import prepare
    from .output.download import site_zip
    from .output.parallel import gc_off, render_pages
    from .output.writer import SiteWriter
    from .render import Renderer
    from .site import content, offline, search_index, seo
    from .site.changes import Changes
    from .site.cite import Citer
    from .site.derived import kept_files
    from .site.exports import Exports
    from .site.licenses import licensed_only
    from .site.plan import plan, site_info
    from .site.urls import NAV, OWN_STEMS, Urls

    for folder in (caches.root, caches.data_file.parent, caches.crawls, caches.markdown):
        remove_stale_temps(folder)  # what atomic writes of killed builds left in the cache

    with uptodate.WarningLog() as warned:  # kept with the inputs' digest; --strict counts them
        # 3. Gather: normalize records into models and group them, before anything is written.
        gathered = gather(data_file, caches=caches, data_digest=inputs.data, warned=warned.messages,
                          reserved=OWN_STEMS)
        catalog = gathered.catalog
        if not catalog.spacecraft:
            raise CatalogError(f"no usable spacecraft records in {data_file}; the site was not written")
        log.info("%d spacecraft in %d configurations, %d agencies, %d statuses", len(catalog.spacecraft),
                 len(catalog.configurations), len(catalog.agencies), len(catalog.statuses))
        pages = content.load_pages(options.pages, cache=caches.markdown if caches.exists() else None)
        log.debug("gathered the catalog and %d Markdown pages", len(pages))
        # What changed between fetches: the history of the fetched data (the shipped snapshot has none).
        recorded = history.load(caches) if data_file == caches.data_file else history.EMPTY

        # 4. Images: download new ones (only with --fetch), resize what is missing; failures show placeholders.
        images = prepare(catalog, caches=caches, options=options.fetch)
        check_strict(options.strict, warned.messages)
        if options.licensed_only:  # before planning: pages, search index and credits see the same pictures
            images = licensed_only(images, catalog)
        log.debug("images ready: %d with thumbnails", len(images.pictures))

        # 5. Plan: every page with its kind, template, values and head, from the one URL builder.
        urls = Urls(options.base_url)
        heads = seo.Seo(urls, images.pictures)
        changes = Changes(recorded, catalog)
        planned = plan(catalog, pages, heads, changes, list_size=options.list_page_size,
                       credits_size=options.credits_page_size, changes_size=options.changes_page_size)
        static = static_files(options.theme)
        site = site_info(catalog, urls, licensed_only=options.licensed_only, feed=changes.has_feed, sources=sources,
                         download=Urls.zip if options.zip else None,  # --zip: the About page links to it
                         title=options.title, description=options.description, exports=options.exports,
                         offline_app=options.offline_app,
                         theme_css=Urls.static(THEME_CSS) if options.theme and THEME_CSS in static else None)
        renderer = Renderer(site=site, urls=urls, pictures=images.pictures, theme=options.theme,
                            nav=tuple((path, label) for label, path in options.nav) or NAV,
                            compiled=caches.compiled_templates if caches.exists() else None,
                            frame=inputs.frame)  # pages made from what made them last time are kept

        # 6. Render and write: the pages on every core while the parent writes the other outputs,
        #    then the outputs made from what is written; the new tree replaces the old site only
        #    when complete. Under --debug each output is stamped with the time it was done.
        writer = SiteWriter(options.out, rewrite=options.force)
        # What is made from the data alone is linked in from the cache when the last build made it from the
        # same inputs (a template edit, --force): the exports, the search index, the citation files.
        def kept(name: str, *inputs: object) -> KeptFiles | None:
            return kept_files(caches.kept(name) if caches.exists() else None, gathered.key, name, *inputs)

        # CSV, JSON, SQLite and datapackage.json, from the models.
        exports = Exports(catalog, urls, options.title, kept=kept("exports", urls.base_url, options.title))
        alongside = [
            Output("search index", kept_job(kept("search index", search_index.thumbnails_key(images.pictures)),
                                            lambda: search_index.files(catalog, pictures=images.pictures).items()),
                   anywhere=True),
            Output("static files", lambda w: copy_static(w, static)),
            Output("thumbnails", images.publish),
            # The exports, then the data page, which shows each file's size and SHA-256.
            *([Output("exports and the data page", lambda w: publish_exports(w, exports, renderer, heads),
                      anywhere=True)] if options.exports else []),
            Output("history", changes.publisher(urls, options.title)),  # changes.json and the Atom feed changes.xml
        ]
        if options.exports:  # Every record's BibTeX and CSL-JSON in two files: a page carries only its text citation.
            citer = Citer(urls, site.data_as_of, options.title)
            alongside.append(Output("citation files", kept_job(kept("citations", urls.base_url, options.title),
                                                               lambda: citer.files(catalog).items()), anywhere=True))
        if gathered.keep:  # a fresh catalog, or one the plan derived new values for (site/derived.py)
            alongside.append(Output("gathered catalog (cache)", gathered.keep, anywhere=True))
        after = [
            Output("sitemap and robots.txt", lambda w: write_each(w, seo.site_files(w.new, urls))),
            Output(".nojekyll", lambda w: w.write(".nojekyll", b"")),
        ]
        if options.offline_app:  # The installable app: its manifest, then the service worker, versioned by every other file.
            after += [
                Output("web app manifest", lambda w: w.write(Urls.manifest, offline.manifest(options.title))),
                Output("service worker", lambda w: w.write(Urls.service_worker, offline.service_worker(w.new))),
            ]
        if options.zip:  # last: the whole site, as written, in one download
            after.append(Output("zip", lambda w: w.write(Urls.zip, site_zip(writer, Urls.zip))))
        try:
            render_pages(writer, renderer, planned, alongside=alongside, workers=options.workers,
                         min_pages=options.parallel_threshold)
            log.debug("pages written: %d files so far", writer.written)
            with gc_off():
                for output in after:
                    output.run(writer)
                count = writer.pages()
                written = writer.commit(warned.summary(inputs.digest(), records=len(catalog.spacecraft), pages=count))
        except BaseException:
            writer.abort()
            raise
    return BuildReport(records=len(catalog.spacecraft), pages=count, written=written)


def fetch(options: FetchOptions, caches: CacheLayout, *, site_url: str | None = None, strict: bool = False) -> Path:
    """Pull every record and store them in the cache, then record what changed since the last fetch
    in the history; the old cache survives any failure. With `strict`, a warning of the fetch (a
    failed seed of the history, say) fails it before anything is saved."""
    from .data import api, history
    from .data.models import FetchMeta

    now = datetime.fromtimestamp(options.clock(), UTC).replace(microsecond=0).isoformat()
    now = now.replace("+00:00", "Z")
    with uptodate.WarningLog() as warned:
        got = api.refresh(options, caches, now=now)  # within the request budget; what is left is checkpointed
        log.info("%d request%s sent to the API%s", got.requests, "" if got.requests == 1 else "s",
                 f" (budget {options.request_budget})" if options.request_budget is not None else "")
        if got.stopped:
            log.warning("%s; the crawl so far is kept for the next run, and the site is built from the last "
                        "complete data", got.stopped)
        for line in got.left:
            log.info("%s; the rest on the next run", line)
        records, changes = got.spacecraft, None
        if records is not None:
            if not records:  # an outage or a schema change must not replace good data with nothing
                raise CatalogError(f"{options.api_url} returned no spacecraft records; the cached data was kept")
            # Compared before the new records replace the data file: that file is what a seeded history compares with.
            changes = history.record(caches, records, now, seed=history_seed(options, site_url),
                                     seed_state=published_seed_state(options, site_url))
    check_strict(strict, warned.messages)
    if records is None:
        return snapshot.source_file(caches)  # the last complete crawl's, until this one is
    target = caches.data_file
    meta = FetchMeta(api_url=options.api_url, count=got.total, fetched_at=now, records=len(records))
    snapshot.write_records(target, records, meta)
    api.commit_spacecraft(caches)
    log.info("saved %d records to %s", len(records), target)
    if changes is not None:
        try:
            history.commit(caches, changes)
        except OSError as exc:  # the data is saved: the next fetch compares with the history's last state
            log.warning("could not record the history in %s: %s; the next fetch records these changes",
                        caches.history, exc.strerror or exc)
    return target


def fetched_sources(caches: CacheLayout) -> tuple[str, ...]:
    """How fresh each endpoint's data in the cache is, for the home and data pages."""
    from .data.snapshot import freshness  # the standard library only: part of every up-to-date check

    return freshness(caches, ("spacecraft", "flights", "stations"))


def history_seed(options: FetchOptions, site_url: str | None) -> Callable[[], History | None] | None:
    """How a cache without history gets the published one: <base-url>changes.json, when seeding is on."""
    if not (options.seed and site_url):
        return None
    from .data import history
    from .site.urls import Urls

    url = Urls(site_url).absolute(Urls.changes_json)
    assert url is not None  # a base URL gives absolute URLs
    return lambda: history.published(url, options)


def published_seed_state(options: FetchOptions, site_url: str | None) -> Callable[[], dict[int, Any] | None] | None:
    """How a seeded history gets the records it last compared: the published <base-url>data/spacecraft.json."""
    if not (options.seed and site_url):
        return None
    from .data import history
    from .site.urls import Urls

    url = Urls(site_url).absolute(Urls.spacecraft_json)
    assert url is not None  # a base URL gives absolute URLs
    return lambda: history.published_state(url, options)


def check_folders(options: BuildOptions) -> None:
    """Refuse a cache inside the output, equal to it or around it: a build replaces the whole output
    folder, and would take the fetched data, the history and the images with the old site. The same
    for the content folder (the Markdown pages'); and a theme folder must exist."""
    if options.theme is not None and not options.theme.is_dir():
        raise CatalogError(f"theme folder {options.theme} does not exist (or is not a folder): create it with "
                           "templates/ and static/ inside, or set another (nothing was fetched or written)")
    out, cache = options.out.resolve(), options.cache.resolve()  # symbolic links followed: the real folders
    content = options.pages.resolve().parent
    if out == content or out.is_relative_to(content) or content.is_relative_to(out):
        raise CatalogError(f"--out {options.out} is, holds or is inside the content folder {content}: a build "
                           "replaces the whole output folder; keep the site apart (nothing was fetched or written)")
    if cache == out:
        where = "is the same folder as"
    elif cache.is_relative_to(out):
        where = "is inside"
    elif out.is_relative_to(cache):
        raise CatalogError(f"--out {options.out} is inside --cache {options.cache}: keep the site and the cache "
                           "in separate folders (nothing was fetched or written)")
    else:
        return
    raise CatalogError(f"--cache {options.cache} {where} --out {options.out}: a build replaces the whole output "
                       "folder, and the fetched data, the history and the images would go with it; keep the cache "
                       "in a separate folder (nothing was fetched or written)")


def check_strict(strict: bool, warnings: Iterable[str]) -> None:
    """In strict mode a warning fails the build before anything is written (MkDocs' --strict)."""
    warnings = list(warnings)
    if strict and warnings:
        more = f" and {len(warnings) - 1} more" if len(warnings) > 1 else ""
        raise CatalogError(f"--strict: the build warned ({warnings[0]}{more}); the site was not written")


def publish_exports(writer: Writer, exports: Exports, renderer: Renderer, heads: Seo) -> None:
    """The exports (CSV, JSON, datapackage.json), then the data page made from what they are."""
    from .site.plan import data_page
    from .site.urls import Urls

    exports.publish(writer)
    writer.write(Urls.data_page, renderer.render(data_page(exports.files, exports.catalog, heads, exports.title)))


def write_each(writer: Writer, files: dict[str, bytes]) -> None:
    """Write several small files made together (the sitemap and robots.txt)."""
    for path, data in files.items():
        writer.write(path, data)


THEME_CSS = "css/theme.css"  # a theme's stylesheet: every page links it after site.css when the theme has one


def input_folders(options: BuildOptions) -> tuple[Path, ...]:
    """The folders a site is made from, for the up-to-date check: the theme's and the pages' among them."""
    theme = (options.theme,) if options.theme is not None else ()
    return (TEMPLATES, STATIC, options.pages, PACKAGE, *theme)


def static_files(theme: Path | None) -> dict[str, Path]:
    """Every static file by its path under static/: the built-in ones, then the theme's, which replace
    those of the same name and may add others."""
    found: dict[str, Path] = {}
    for folder in (STATIC, *((theme / "static",) if theme is not None else ())):
        for source in sorted(p for p in folder.rglob("*") if p.is_file()):
            found[source.relative_to(folder).as_posix()] = source
    return found


def copy_static(writer: Writer, files: dict[str, Path]) -> None:
    """Publish the static files (CSS, scripts, icons) under static/."""
    from .site.urls import Urls

    for name in sorted(files):
        writer.write(Urls.static(name), files[name].read_bytes())
