"""The Launch Library 2 crawl: which endpoints a run fetches, in what order, and how much of each.

Three endpoints (crawl.Endpoint): spacecraft, their flights and the space stations. Each run sends
at most its request budget (--request-budget; by default ANONYMOUS_BUDGET without --api-key, which
fits LL2's anonymous rate limit of about 15 an hour), spent in order of value:

1. the spacecraft: every page, every run (only a whole list shows what is new, changed or gone);
2. the flights that can still change: once a complete crawl of the flights exists, only the newest
   page (ordered by -id: new flights, and the recent ones in progress), the flights of each
   spacecraft whose flights changed (its count, its list, its status, in space or not) and those of
   spacecraft in space whose flight has not ended; without one, or when the last full crawl is
   FULL_REFRESH_DAYS old (or --full-refresh), the whole list;
3. the rest: the space stations (one page).

A crawl the budget or the rate limit stops part way is kept as a checkpoint that the next run
resumes (crawl.py); each endpoint's last complete data stays in use until then. What an
incremental refresh cannot see (a flight removed upstream, an old flight edited while its
spacecraft did not change) the weekly full crawl catches: docs/publishing.md, "How the fetch stays within
the rate limit".
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from ..config import FULL_REFRESH_DAYS, CacheLayout, FetchOptions
from . import crawl
from .crawl import Crawl, Endpoint, record_id
from .transport import Budget, BudgetSpent, Client, FetchError, RateLimited

__all__ = ["FLIGHTS", "SPACECRAFT", "STATIONS", "Refresh", "due", "fetch_all", "refresh"]

log = logging.getLogger(__name__)

SPACECRAFT = Endpoint("spacecraft", "spacecraft/")
FLIGHTS = Endpoint("flights", "spacecraft_flights/")
STATIONS = Endpoint("stations", "space_stations/")
DAILY = timedelta(hours=23)  # a scheduled run with nothing left to finish refreshes once a day


def fetch_all(options: FetchOptions) -> tuple[list[dict[str, Any]], int | None]:
    """Pull every spacecraft record, with no budget and no checkpoint; return them (deduplicated by
    id, sorted) and the API's count."""
    done = crawl.run(Client(options), crawl.start(SPACECRAFT, options), options)
    return crawl.finish(done), done.count


class Refresh(NamedTuple):
    """What a run fetched: the spacecraft of a complete crawl, and what is left for the next run."""

    spacecraft: list[dict[str, Any]] | None  # None: the crawl is not complete; the cached data stays
    total: int | None  # the API's count of spacecraft
    left: tuple[str, ...]  # "flights: 7 of 12 pages" for each crawl left part way
    stopped: str | None  # why the run stopped early, when the API's rate limit did (a warning)
    requests: int


class _Run:
    """One run: the client, its budget, the cache, and what stopped it."""

    def __init__(self, options: FetchOptions, caches: CacheLayout, now: str) -> None:
        self.options, self.caches, self.now = options, caches, now
        self.budget = Budget(options.request_budget)
        self.client = Client(options, self.budget)
        self.left: list[str] = []
        self.stopped: str | None = None
        self.spent = False  # the budget ran out, or the rate limit stopped us: no more requests

    def crawl(self, done: Crawl, *, checkpoint: bool = True) -> bool:
        """Run a crawl within the budget; keep it as a checkpoint when it stops part way (unless told
        not to: a crawl of one spacecraft's flights is asked again whole). True when complete."""
        if self.spent:  # its checkpoint, if any, stays as it is
            self.note_left(done)
            return False
        try:
            crawl.run(self.client, done, self.options)
        except (BudgetSpent, RateLimited) as exc:
            self.stop(exc)
            self.note_left(done)
            if checkpoint:
                crawl.save_checkpoint(self.caches, done)
            return False
        except BaseException:  # a failed or interrupted request: what was received is kept all the same
            if done.pages and checkpoint:
                crawl.save_checkpoint(self.caches, done)
            raise
        return True

    def get(self, url: str) -> dict[str, Any] | None:
        """One page within the budget; None when the budget or the rate limit stops the run."""
        if self.spent:
            return None
        try:
            return self.client.get_json(url)
        except (BudgetSpent, RateLimited) as exc:
            self.stop(exc)
            return None

    def stop(self, exc: FetchError) -> None:
        self.spent = True
        if isinstance(exc, RateLimited):
            self.stopped = str(exc)

    def note_left(self, done: Crawl) -> None:
        self.left.append(f"{done.endpoint.name}: {done.left()}")


def refresh(options: FetchOptions, caches: CacheLayout, *, now: str) -> Refresh:
    """Fetch what can have changed, within the run's request budget (see the module docstring)."""
    run = _Run(options, caches, now)
    before = signatures(_cached_spacecraft(caches, options))
    sc = crawl.resume_or_start(SPACECRAFT, options, caches)
    spacecraft = crawl.finish(sc) if run.crawl(sc) else None
    changed = _changed(before, signatures(spacecraft)) if spacecraft is not None and before is not None else set()
    in_space = {i for i, raw in _by_id(spacecraft or ()).items() if raw.get("in_space") is True}
    besides(run, FLIGHTS, lambda: refresh_flights(run, changed, in_space))
    besides(run, STATIONS, lambda: refresh_whole(run, STATIONS))
    return Refresh(spacecraft, sc.count, tuple(run.left), run.stopped, run.budget.spent)


def besides(run: _Run, endpoint: Endpoint, refresh: Callable[[], object]) -> None:
    """Refresh an endpoint besides the spacecraft: a failure of its own (an HTTP 500, a bad page) is
    a warning naming the URL, its last complete data stays in use, and the spacecraft are still saved."""
    try:
        refresh()
    except (BudgetSpent, RateLimited):
        raise  # handled by _Run: never here
    except FetchError as exc:
        log.warning("%s not refreshed: %s; its last complete data stays in use", endpoint.name, exc)


def commit_spacecraft(caches: CacheLayout) -> None:
    """Drop the spacecraft checkpoint once its records are saved (build.fetch saves them, after the history)."""
    crawl.drop_checkpoint(caches, SPACECRAFT)


def refresh_whole(run: _Run, endpoint: Endpoint) -> bool:
    """Crawl an endpoint whole (resuming its checkpoint) and commit it; True when it is complete."""
    done = crawl.resume_or_start(endpoint, run.options, run.caches)
    if not run.crawl(done):
        return False
    meta: dict[str, Any] = {"api_url": run.options.api_url, "count": done.count, "fetched_at": run.now, "full_at": run.now,
            "pending": []}
    crawl.write_data(run.caches.endpoint_data(endpoint.name), crawl.finish(done), meta)
    crawl.drop_checkpoint(run.caches, endpoint)
    return True


def refresh_flights(run: _Run, changed: set[int], in_space: set[int]) -> None:
    """The whole list when due, else the flights that can have changed (the module docstring, 2)."""
    path = run.caches.endpoint_data(FLIGHTS.name)
    committed = crawl.read_data(path)
    if committed is None or full_due(committed[0], run) or run.caches.checkpoint(FLIGHTS.name).is_file():
        refresh_whole(run, FLIGHTS)
        return
    meta: dict[str, Any] = committed[0]
    flights = committed[1]
    newest = newest_flights(run, flights)
    if newest is None:
        run.left.append("flights: the newest page and the flights of changed spacecraft")
        return
    ongoing = {_spacecraft_of(f) for i, f in flights.items() if i not in newest and f.get("mission_end") is None}
    pending = sorted(changed | {i for i in ongoing if i in in_space} | set(_ints(meta.get("pending"))))
    for n, ident in enumerate(pending):
        done = crawl.start(FLIGHTS, run.options, FLIGHTS.url(run.options.api_url, spacecraft=str(ident)))
        try:
            complete = run.crawl(done, checkpoint=False)
        finally:
            flights.update(done.records)
        if not complete:
            run.left[-1] = f"flights: those of {len(pending) - n} changed spacecraft"
            _save_flights(run, meta, flights, pending[n:])
            return
    _save_flights(run, meta, flights, [])


def newest_flights(run: _Run, flights: dict[int, dict[str, Any]]) -> set[int] | None:
    """Fetch the newest flights (by id) into flights until a page holds one already known; their ids,
    or None when the budget stops it."""
    url: str | None = FLIGHTS.url(run.options.api_url, ordering="-id")
    seen: set[int] = set()
    while url is not None:
        page = run.get(url)
        if page is None:
            return None
        results = page.get("results")
        if not isinstance(results, list):
            raise FetchError(f"{url} has no 'results' list")
        known = any(record_id(r) in flights for r in results)
        probe = Crawl(FLIGHTS, run.options.api_url, url, None)
        crawl.keep(probe, url, results)
        seen |= probe.records.keys()
        flights.update(probe.records)
        nxt = page.get("next")
        url = crawl.follow(url, nxt, "next link") if not known and isinstance(nxt, str) and nxt else None
    return seen


def _save_flights(run: _Run, meta: dict[str, Any], flights: dict[int, dict[str, Any]], pending: list[int]) -> None:
    meta = {**meta, "fetched_at": run.now, "pending": pending}
    crawl.write_data(run.caches.endpoint_data(FLIGHTS.name), [flights[k] for k in sorted(flights)], meta)


def full_due(meta: dict[str, Any], run: _Run) -> bool:
    """Whether an endpoint's last full crawl is old enough (or of another API) for a full one now."""
    if run.options.full_refresh or meta.get("api_url") != run.options.api_url:
        return True
    last = _when(meta.get("full_at"))
    return last is None or _when(run.now) - last >= timedelta(days=FULL_REFRESH_DAYS)  # type: ignore[operator]


def _when(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


# --- What changed in the spacecraft ----------------------------------------------------------------

def signatures(records: Iterable[Any] | None) -> dict[int, tuple[Any, ...]] | None:
    """What of each spacecraft tells that its flights changed: counts, status, in space, its flights."""
    if records is None:
        return None
    found = {}
    for raw in records:
        ident = record_id(raw)
        if ident is None:
            continue
        status = raw.get("status") if isinstance(raw.get("status"), dict) else {}
        flights = raw.get("flights")
        ids = tuple(sorted(record_id(f) or 0 for f in flights)) if isinstance(flights, list) else None
        found[ident] = (raw.get("flights_count"), raw.get("mission_ends_count"), raw.get("in_space"),
                        status.get("id"), ids)
    return found


def _changed(before: dict[int, tuple[Any, ...]], after: dict[int, tuple[Any, ...]] | None) -> set[int]:
    return {i for i, sig in (after or {}).items() if before.get(i) != sig}


def _cached_spacecraft(caches: CacheLayout, options: FetchOptions) -> list[Any] | None:
    """The spacecraft of the last complete crawl of this API, when the cache has them."""
    from .snapshot import iter_records, read_meta

    path = caches.data_file
    if not path.is_file():
        return None
    try:
        if read_meta(path).api_url != options.api_url:
            return None
        return list(iter_records(path))
    except (OSError, ValueError) as exc:
        log.debug("not comparing with %s: %s", path, exc)
        return None


def _by_id(records: Iterable[Any]) -> dict[int, Any]:
    return {i: r for r in records if (i := record_id(r)) is not None}


def _spacecraft_of(flight: Any) -> int | None:
    craft = flight.get("spacecraft") if isinstance(flight, dict) else None
    return record_id(craft)


def _ints(value: Any) -> list[int]:
    return [v for v in value if type(v) is int] if isinstance(value, list) else []


# --- Whether a scheduled run is due ----------------------------------------------------------------

def due(caches: CacheLayout, now: datetime) -> str | None:
    """Why a scheduled run should fetch now (a crawl left part way, no data, a day since the last
    fetch), or None when nothing is due: the hourly schedule skips it."""
    from ..errors import CatalogError
    from .snapshot import read_meta

    open_ = sorted(p.stem for p in caches.crawls.glob("*.jsonl"))
    if open_:
        return f"a crawl is left part way ({', '.join(open_)})"
    try:
        last = _when(read_meta(caches.data_file).fetched_at) if caches.data_file.is_file() else None
    except CatalogError:
        last = None
    if last is None:
        return "no complete crawl in the cache"
    missing = [e.name for e in (FLIGHTS, STATIONS) if not caches.endpoint_data(e.name).is_file()]
    if missing:
        return f"no complete crawl of the {' and '.join(missing)}"
    if now - last >= DAILY:
        return f"the last fetch was at {last:%Y-%m-%d %H:%M} UTC"
    return None
