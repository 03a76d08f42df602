"""Crawling one paginated endpoint of the API: its paging, its share of the request budget, its
checkpoint, and the commit of a complete crawl. The one place that knows these, so that an
endpoint (api.py: spacecraft, flights, stations) is a few lines.

A crawl pages through an endpoint ordered by id, following `next`. When the run's request budget
(transport.Budget) is spent, or the API rate-limits us longer than the run may wait, the pages
already received are written to a checkpoint in the cache (CacheLayout.checkpoint: JSON Lines, a
header, then one record a line; written atomically), and the next run resumes from it. A crawl is
committed (its data file written, its checkpoint removed) only when it is complete: records seen
twice are kept once (by id), and the number kept is checked against the API's `count`.

Offsets shift when records are added or removed upstream between two runs. Ordered by id, an
addition at most repeats a record (kept once); a removal would skip one, so a resumed crawl starts one
record before its checkpoint's offset, and its first page must reach back to the last id already received: when all its ids are greater, the
crawl steps back a page (to offset 0 at worst) until one is not. A checkpoint is refused, with a
warning, when it is truncated or corrupt, or was made for another API URL, endpoint query or
checkpoint version: a fresh crawl starts, and nothing else is touched.
"""
from __future__ import annotations

import json
import logging
import math
import reprlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from ..config import CacheLayout, FetchOptions
from ..progress import track
from .transport import MAX_DEPTH, Client, FetchError, follow, too_deep

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # the API's cap
CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class Endpoint:
    """One list of the API: where it is, how it is asked for, and the name of its files in the cache."""

    name: str  # "spacecraft": names its data file and its checkpoint, and its line in messages
    path: str  # relative to the API root: "spacecraft/"
    query: tuple[tuple[str, str], ...] = (("mode", "detailed"),)

    def url(self, api_url: str, *, ordering: str = "id", **extra: str) -> str:
        """The first page: the biggest pages the API allows, in a stable order, with extra filters."""
        root = api_url if api_url.endswith("/") else api_url + "/"
        params = {"limit": str(PAGE_SIZE), "ordering": ordering, **dict(self.query), **extra}
        return urljoin(root, self.path) + "?" + urlencode(sorted(params.items()))


@dataclass
class Crawl:
    """A crawl of an endpoint in progress: the records received so far (by id) and the next page."""

    endpoint: Endpoint
    api_url: str
    start: str  # the first page's URL: a checkpoint of another query is not resumed
    next: str | None
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    count: int | None = None  # the API's `count`, from the latest page
    pages: int = 0  # pages received, in every run of this crawl
    announced: int | None = None  # pages the first page's count implies
    resumed: bool = False  # its first page this run must reach back to the records already received
    paused: bool = False  # it was stopped part way once: upstream may have changed in between

    @property
    def complete(self) -> bool:
        return self.next is None

    def left(self) -> str:
        """How far it went, in words: "7 of 12 pages"."""
        if not self.pages:
            return "not started"
        total = max(self.announced or 0, self.pages + 1)
        return f"{self.pages} of {total} pages"


def start(endpoint: Endpoint, options: FetchOptions, url: str | None = None) -> Crawl:
    """A fresh crawl of endpoint from its first page (or url)."""
    first = url or endpoint.url(options.api_url)
    return Crawl(endpoint, options.api_url, first, first)


def resume_or_start(endpoint: Endpoint, options: FetchOptions, caches: CacheLayout) -> Crawl:
    """The crawl the checkpoint holds when it is usable for this endpoint and API, else a fresh one."""
    fresh = start(endpoint, options)
    found = read_checkpoint(caches.checkpoint(endpoint.name), fresh)
    if found is not None and found.next is not None:
        # One record of overlap: the page must begin at or before the last record kept (see _skipped).
        found.next = with_offset(found.next, max(0, _offset(found.next) - 1))
        log.info("%s: resuming the crawl (%s, %d records so far)", endpoint.name, found.left(), len(found.records))
    return found or fresh


# --- Paging ----------------------------------------------------------------------------------------

class Bounds:
    """How much a crawl may bring: the caps (--max-records, --max-pages), and far more than the
    first page's `count` implies, which means the pagination does not end."""

    def __init__(self, options: FetchOptions, crawl: Crawl) -> None:
        self.options = options
        self.received = len(crawl.records)
        self.fetched = crawl.pages
        self.count: int | None = crawl.count
        self.pages: int | None = None  # far more pages than the count implies: the pagination does not end

    def first(self, page: dict[str, Any]) -> None:
        count, results = page.get("count"), page["results"]
        if type(count) is int and count >= 0:
            self.count = count
            if results:
                self.pages = 2 * math.ceil(count / len(results)) + 10

    def check(self, url: str, *, new: int, more: bool) -> None:
        """After a page: refuse one that brings nothing new yet links on, and a crawl past its bounds."""
        self.fetched += 1
        if not more:
            return
        if not new:
            raise FetchError(f"{url} brought no new records but links to another page; stopped after "
                             f"{self.fetched:,} pages (the pagination does not end)")
        announced = f"the first page announced {self.count:,}" if self.count is not None else "no count was given"
        if self.received > self.options.max_records:
            raise FetchError(f"stopped after {url}: {self.received:,} records arrived, over the limit of "
                             f"{self.options.max_records:,} (--max-records raises it; {announced})")
        if self.fetched >= self.options.max_pages:
            raise FetchError(f"stopped after {url}: {self.fetched:,} pages arrived, the limit "
                             f"(--max-pages raises it; {announced})")
        if self.count is not None and (self.received > 2 * self.count + PAGE_SIZE
                                       or (self.pages is not None and self.fetched >= self.pages)):
            raise FetchError(f"stopped after {url}: {self.received:,} records arrived and {announced} "
                             "(the pagination does not end)")


def record_id(raw: Any) -> int | None:
    """A record's id when it is a genuine positive integer (JSON `true` is not 1), else None."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    return ident if type(ident) is int and 0 < ident < 2**63 else None


def run(client: Client, crawl: Crawl, options: FetchOptions) -> Crawl:
    """Fetch the pages of crawl until it is complete; the pages received stay in crawl when a
    request fails (BudgetSpent, RateLimited, any FetchError), for the caller to checkpoint."""
    bounds = Bounds(options, crawl)
    seen: set[str] = set()
    bar = track(f"fetching {crawl.endpoint.name}", crawl.announced, unit="pages")
    while crawl.next is not None:
        url = crawl.next
        if url in seen:
            raise FetchError(f"pagination loops: {url} was already fetched")
        seen.add(url)
        page = client.get_json(url)
        results = page.get("results")
        if not isinstance(results, list):
            raise FetchError(f"{url} has no 'results' list")
        count = page.get("count")
        if type(count) is int and count >= 0:
            crawl.count = count
            if crawl.pages == 0 and results:
                crawl.announced = math.ceil(count / len(results))  # the server may cap pages below our limit
                bar.total(crawl.announced)
        if crawl.pages == 0:
            bounds.first(page)
        nxt = page.get("next")
        link = follow(url, nxt, "next link") if isinstance(nxt, str) and nxt else None
        if crawl.resumed and _skipped(url, results, crawl):
            continue  # crawl.next now reaches back a page; nothing of this one is lost (it is fetched again)
        checked, crawl.resumed = crawl.resumed, False
        new = keep(crawl, url, results) or int(checked)  # the page that reaches back may bring nothing new
        bounds.received += len(results)
        crawl.pages += 1
        log.info("fetched page %d%s of the %s (%s)", crawl.pages,
                 f" of {crawl.announced}" if crawl.announced else "", crawl.endpoint.name, url)
        bar.advance()
        bounds.check(url, new=new, more=link is not None)
        crawl.next = link
    bar.close()
    return crawl


def _skipped(url: str, results: list[Any], crawl: Crawl) -> bool:
    """Whether records removed upstream may have shifted some past this resumed page; if so, point
    crawl.next a page back (the records before it are ordered by id, all at most the last kept)."""
    ids = [i for i in map(record_id, results) if i is not None]
    last = max(crawl.records, default=0)
    offset = _offset(url)
    if not ids or min(ids) <= last or offset == 0:
        return False
    back = max(0, offset - max(len(results), 1))
    log.info("%s: records were removed upstream since the checkpoint; reading from offset %d again",
             crawl.endpoint.name, back)
    crawl.next = with_offset(url, back)
    return True


def _offset(url: str) -> int:
    value = dict(parse_qsl(urlsplit(url).query)).get("offset", "0")
    return int(value) if value.isascii() and value.isdigit() else 0


def with_offset(url: str, offset: int) -> str:
    """url with its `offset` parameter set."""
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    params["offset"] = str(offset)
    return urlunsplit(parts._replace(query=urlencode(sorted(params.items()))))


def keep(crawl: Crawl, url: str, results: Iterable[Any]) -> int:
    """Add a page's usable records to crawl (the latest copy of a record wins); return how many are new."""
    new, bad, deep = 0, [], []
    for raw in results:
        ident = record_id(raw)
        if ident is None:
            bad.append(raw.get("id") if isinstance(raw, dict) else raw)
        elif too_deep(raw):
            deep.append(ident)
        else:
            new += ident not in crawl.records
            crawl.records[ident] = raw
    if bad:
        log.warning("skipping %d record%s without a positive integer id on %s (the first: %s)",
                    len(bad), "s" if len(bad) > 1 else "", url, reprlib.repr(bad[0]))
    if deep:
        log.warning("skipping record %s on %s: nested more than %d levels deep",
                    ", ".join(map(str, deep)), url, MAX_DEPTH)
    return new


def finish(crawl: Crawl) -> list[dict[str, Any]]:
    """The records of a complete crawl, sorted by id, after checking their number against `count`."""
    count = crawl.count
    if count is not None and count != len(crawl.records):
        why = (" (records were added or removed upstream while the crawl was paused; the next full refresh "
               "catches up)" if crawl.paused else "")
        log.warning("the API reported %d %s but %d distinct records were fetched%s", count, crawl.endpoint.name,
                    len(crawl.records), why)
    return [crawl.records[k] for k in sorted(crawl.records)]


# --- Checkpoints -----------------------------------------------------------------------------------

def save_checkpoint(caches: CacheLayout, crawl: Crawl) -> None:
    """Keep a crawl stopped part way, atomically: the next run resumes from it."""
    from ..files import atomic_file

    header = {"api_url": crawl.api_url, "announced": crawl.announced, "count": crawl.count,
              "endpoint": crawl.endpoint.name, "next": crawl.next, "pages": crawl.pages,
              "records": len(crawl.records), "start": crawl.start, "version": CHECKPOINT_VERSION}
    path = caches.checkpoint(crawl.endpoint.name)
    try:
        with atomic_file(path, "w", fsync=True) as out:
            out.write(json.dumps({"checkpoint": header}, sort_keys=True) + "\n")
            for ident in sorted(crawl.records):
                out.write(json.dumps(crawl.records[ident], ensure_ascii=False, sort_keys=True) + "\n")
    except OSError as exc:
        log.warning("could not keep the %s crawl's checkpoint in %s: %s; the next run starts it again",
                    crawl.endpoint.name, path, exc.strerror or exc)


def read_checkpoint(path: Path, fresh: Crawl) -> Crawl | None:
    """The crawl a checkpoint holds, when it was made for fresh's endpoint, API and query; else None
    (with a warning naming the file and why, unless there is none)."""
    try:
        with path.open("rb") as src:
            header = json.loads(src.readline())["checkpoint"]
            records = list(_records(src))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return _refused(path, f"it is corrupt ({type(exc).__name__})")
    if not isinstance(header, dict) or header.get("version") != CHECKPOINT_VERSION:
        return _refused(path, f"it is of another version ({reprlib.repr(header.get('version')) if isinstance(header, dict) else '?'})")
    if header.get("api_url") != fresh.api_url or header.get("start") != fresh.start:
        return _refused(path, "it was made for another API URL or query")
    if header.get("records") != len(records):
        return _refused(path, f"it is truncated ({len(records)} of {header.get('records')} records)")
    nxt, pages = header.get("next"), header.get("pages")
    if not (nxt is None or isinstance(nxt, str)) or type(pages) is not int:
        return _refused(path, "its header is not valid")
    crawl = Crawl(fresh.endpoint, fresh.api_url, fresh.start, nxt, pages=pages, resumed=True, paused=True,
                  count=_int_or_none(header.get("count")), announced=_int_or_none(header.get("announced")))
    for raw in records:
        ident = record_id(raw)
        if ident is None:
            return _refused(path, "it holds a record without an id")
        crawl.records[ident] = raw
    return crawl


def _records(src: Any) -> Iterator[Any]:
    for line in src:
        if line.strip():
            yield json.loads(line)


def _int_or_none(value: Any) -> int | None:
    return value if type(value) is int else None


def _refused(path: Path, why: str) -> Crawl | None:
    """None, after a warning saying why the checkpoint at path is not resumed."""
    log.warning("ignoring the checkpoint %s: %s; a fresh crawl starts", path, why)
    return None




def drop_checkpoint(caches: CacheLayout, endpoint: Endpoint) -> None:
    """Remove a checkpoint once its crawl is committed (or refused)."""
    caches.checkpoint(endpoint.name).unlink(missing_ok=True)


# --- Data files of the endpoints besides spacecraft ------------------------------------------------

def write_data(path: Path, records: Iterable[dict[str, Any]], meta: dict[str, Any]) -> None:
    """Write an endpoint's committed records atomically, as the spacecraft data file (snapshot.py)."""
    from ..files import atomic_file

    with atomic_file(path, "w", fsync=True) as out:
        out.write(json.dumps({"meta": meta}, sort_keys=True) + "\n")
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def read_data(path: Path) -> tuple[dict[str, Any], dict[int, dict[str, Any]]] | None:
    """An endpoint's committed meta and records by id; None when there are none or they are unreadable."""
    try:
        with path.open("rb") as src:
            meta = json.loads(src.readline())["meta"]
            records = {record_id(r): r for r in _records(src)}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        log.warning("ignoring %s: it is not a data file of the catalog (%s); it is fetched again",
                    path, type(exc).__name__)
        return None
    if not isinstance(meta, dict):
        return None
    return meta, {k: v for k, v in records.items() if k is not None}
