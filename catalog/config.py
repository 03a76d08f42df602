"""What a build is asked to do (BuildOptions) and where its inputs and caches live.

No imports beyond the standard library's lightest: the up-to-date check reads these before a
build knows whether it has anything to do, and a build with nothing to do loads nothing heavy.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

DEFAULT_API_URL = "https://ll.thespacedevs.com/2.3.0/"  # where --fetch reads the records
ANONYMOUS_BUDGET = 12  # requests a run sends without --api-key: LL2 allows about 15 an hour
FULL_REFRESH_DAYS = 7  # an incremental refresh misses removals: a full crawl at least this often
DEFAULT_TITLE = "Spacecraft Catalog"
DEFAULT_DESCRIPTION = ("Every spacecraft in Launch Library 2: configurations, agencies, status, flights "
                       "and time in space.")
LIST_PAGE_SIZE = 100  # cards per list or group page: ~1,300 DOM elements, under 1,500 (benchmarks/README.md)
CREDITS_PAGE_SIZE = 50  # images per credits page: each row has a picture and up to 20 links
CHANGES_PAGE_SIZE = 100  # events per page of changes.html


PACKAGE = Path(__file__).resolve().parent


def built_in_root() -> Path:
    """Where the built-in templates/, static/ and content/ are: at the top of a clone, beside its
    pyproject.toml (an editable install, or python build.py), else inside the installed package, where
    the wheel carries them (pyproject.toml maps them there).

    The package's folder is what importlib.resources.files("catalog") gives for an installed wheel, and
    Jinja, the up-to-date check and the copy of static/ all need a real folder; importing
    importlib.resources (tempfile, zipfile) would add about 8 ms to a no-change build of 75 ms."""
    return PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else PACKAGE


ROOT = built_in_root()
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"  # CSS, scripts and icons, published under static/
PAGES = ROOT / "content" / "pages"  # Markdown pages (About...)
SNAPSHOT = ROOT / "content" / "data" / "spacecraft.jsonl"  # the sample data shipped with the project
BUILT_IN = (TEMPLATES, STATIC, PAGES, SNAPSHOT)  # what every build reads (SNAPSHOT while nothing was fetched)

MARKER = ".spacecraft-catalog.json"  # in a built site: what made it (output/writer.py writes it)


ENDPOINTS_BESIDE = ("flights", "stations")  # data files beside spacecraft.jsonl, in the cache and the snapshot


def companions(data_file: Path) -> tuple[Path, ...]:
    """The flights and stations data read with a spacecraft data file: the files beside it (the
    cache's last complete crawls, or the shipped sample's), whether or not they exist."""
    return tuple(data_file.parent / f"{name}.jsonl" for name in ENDPOINTS_BESIDE)


def missing_built_in() -> Path | None:
    """The first built-in folder or file that is not there (an incomplete install), or None."""
    return next((path for path in BUILT_IN if not path.exists()), None)


class CacheLayout(NamedTuple):
    """Every location under the cache folder, in one place."""

    root: Path

    @property
    def data_file(self) -> Path:
        """The records of the last completed fetch (JSON Lines, as the snapshot)."""
        return self.root / "data" / "spacecraft.jsonl"

    def endpoint_data(self, name: str) -> Path:
        """The records of an endpoint's last complete crawl ("spacecraft" is data_file)."""
        return self.root / "data" / f"{name}.jsonl"

    @property
    def crawls(self) -> Path:
        """The checkpoints of crawls stopped part way (data/crawl.py)."""
        return self.root / "crawl"

    def checkpoint(self, name: str) -> Path:
        """A crawl of an endpoint stopped part way, which the next run resumes (data/crawl.py)."""
        return self.crawls / f"{name}.jsonl"

    @property
    def images(self) -> Path:
        """Image originals, thumbnails and their index (images/store.py)."""
        return self.root / "images"

    @property
    def gathered(self) -> Path:
        """The gathered catalog of the last build (data/gathered.py)."""
        return self.root / "catalog.pickle"

    def kept(self, name: str) -> Path:
        """Files of the last build kept for the next build of the same inputs: "exports", "search index"
        (files.KeptFiles, site/derived.py)."""
        return self.root / "kept" / name

    @property
    def compiled_templates(self) -> Path:
        return self.root / "templates"

    @property
    def history(self) -> Path:
        """The change history (data/history.py); delete this folder to start the history again."""
        return self.root / "history"

    @property
    def history_events(self) -> Path:
        """Every change event recorded, in changes.json's format: what builds read and publish."""
        return self.history / "events.json"

    def history_state(self, fetched_at: str) -> Path:
        """The records of the fetch made at fetched_at, as the next fetch compares them."""
        return self.history / f"state-{''.join(c for c in fetched_at if c.isalnum())}.json"

    def history_states(self) -> list[Path]:
        """Every state file in the history folder: the last fetch's, and any that a crash left behind."""
        return sorted(self.history.glob("state-*.json"))

    @property
    def markdown(self) -> Path:
        """Markdown pages rendered to HTML, by digest (site/content.py)."""
        return self.root / "pages"

    def exists(self) -> bool:
        """Whether there is a cache: a build from the snapshot alone makes none of its own."""
        return self.root.is_dir()


class FetchOptions(NamedTuple):
    """How --fetch reads the API (catalog/data/api.py); images use it too, without the key."""

    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    timeout: float = 30.0  # seconds per request (connect and read)
    retries: int = 5  # for 5xx and connection errors
    backoff: float = 2.0  # urllib3 backoff factor: 0, 2, 4, 8... seconds
    max_wait: float = 1800.0  # total seconds we accept to sleep on 429 before giving up
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time  # the fetch time recorded with the data (and dates its changes)
    # With a base URL and no history in the cache, seed it from the published changes.json first.
    # A request outside the API, so the command line asks for it (unless --no-seed), code when told.
    seed: bool = False
    # Limits against a server that never stops (catalog/data/api.py): the time one request may take
    # from its first byte asked to its last byte received, however slowly the bytes drip; the
    # size of one page after decompression; and how much a crawl may bring in all.
    deadline: float = 120.0  # seconds per request, on top of the per-read `timeout`
    max_page_bytes: int = 64 * 1024 * 1024
    max_records: int = 50_000  # whatever `count` says (the API has about 600); --max-records
    max_pages: int = 5_000  # --max-pages
    # Requests one run may send to the API, retries included (None: no cap). Anonymous callers get
    # about 15 an hour: the command line's default without --api-key is ANONYMOUS_BUDGET.
    request_budget: int | None = None
    full_refresh: bool = False  # crawl every endpoint whole, even when an incremental refresh would do


class BuildOptions(NamedTuple):
    """Everything a build is asked to do; frozen, made once by the command line (or a test)."""

    out: Path = Path("output")
    cache: Path = Path(".cache")
    base_url: str | None = None  # where the site is published; None: relative links only
    fetch: FetchOptions | None = None  # pull the API first (None: offline)
    strict: bool = False  # fail, writing nothing, when the build warns
    force: bool = False  # render and write every page, even when nothing changed
    licensed_only: bool = False  # show placeholders instead of images without a known license
    zip: bool = False  # also write spacecraft-catalog.zip, the whole site in one file (output/download.py)
    workers: int | None = None  # processes that render pages (None: one per core the build may use)
    parallel_threshold: int = 400  # fewer pages than this render in one process: a fork costs more
    # The site's own settings (spacecraft-catalog.toml, catalog/settings.py says each).
    title: str = DEFAULT_TITLE
    description: str = DEFAULT_DESCRIPTION
    nav: tuple[tuple[str, str], ...] = ()  # the header's [label, path] entries; empty: the built-in sections
    list_page_size: int = LIST_PAGE_SIZE
    credits_page_size: int = CREDITS_PAGE_SIZE
    changes_page_size: int = CHANGES_PAGE_SIZE
    exports: bool = True  # data.html, data/*, datapackage.json and the citation files
    offline_app: bool = True  # manifest.webmanifest, the service worker and the script registering it
    theme: Path | None = None  # a folder whose templates/ and static/ override the built-in ones by name
    pages: Path = PAGES  # the Markdown pages: the site's own content/pages, or the built-in ones

    def settings_key(self) -> str:
        """The settings a page's bytes depend on, as one line for the up-to-date check."""
        return repr((self.title, self.description, self.nav, self.list_page_size, self.credits_page_size, self.changes_page_size,
                     self.exports, self.offline_app))

    @property
    def caches(self) -> CacheLayout:
        return CacheLayout(self.cache)

    @property
    def site_url(self) -> str | None:
        """The base URL with one trailing slash, the only form the rest of the build sees."""
        return self.base_url.rstrip("/") + "/" if self.base_url else None
