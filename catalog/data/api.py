"""The Launch Library 2 client: a requests session with retries and timeouts, and a page iterator."""
from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..errors import CatalogError
from ..config import FetchOptions

if TYPE_CHECKING:  # imported when a fetch starts: an offline build never pays for requests
    import requests

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # the API's cap
_WAIT_IN_BODY = re.compile(r"available in (\d+(?:\.\d+)?) seconds?", re.I)


class FetchError(CatalogError):
    """The API could not be read; the message names the URL."""


@cache
def _retry_class() -> type:
    from urllib3.util.retry import Retry

    class _Retry(Retry):
        # 429 is handled by Client.get_json, which reads the wait from the body too, reports it and
        # keeps to --max-wait; a 5xx waits the backoff, never an unbounded Retry-After.
        RETRY_AFTER_STATUS_CODES = frozenset()

    return _Retry


def make_session(options: FetchOptions) -> requests.Session:
    """Build a session that retries 5xx and connection errors with backoff (not 429: see get_json)."""
    import requests
    from requests.adapters import HTTPAdapter

    retry = _retry_class()(
        total=options.retries,
        connect=options.retries,
        read=options.retries,
        status=options.retries,
        backoff_factor=options.backoff,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=("GET",),
        respect_retry_after_header=True,
        raise_on_status=False,  # hand the last response back so the error names its status
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = "spacecraft-catalog (+https://github.com/)"
    session.headers["Accept"] = "application/json"
    if options.api_key:
        session.headers["Authorization"] = f"Token {options.api_key}"
    return session


def throttle_wait(response: requests.Response) -> float | None:
    """Seconds a 429 asks us to wait: the Retry-After header, else "available in N seconds"."""
    header = response.headers.get("Retry-After", "").strip()
    if header.isdigit():
        return float(header)
    match = _WAIT_IN_BODY.search(response.text[:2000])
    return float(match.group(1)) if match else None


class Client:
    """Read JSON pages from the API, waiting out throttling within a bounded budget."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.session = make_session(options)
        self.waited = 0.0

    def get_json(self, url: str) -> dict[str, Any]:
        """GET url and return its JSON object; raise FetchError naming the URL on failure."""
        import requests

        while True:
            try:
                response = self.session.get(url, timeout=self.options.timeout)
            except requests.RequestException as exc:
                raise FetchError(f"could not reach {url}: {reason(exc)}") from None
            if response.status_code != 429:
                break
            self._wait_for(response, url)
        if response.status_code != 200:
            raise FetchError(f"{url} answered HTTP {response.status_code} {response.reason or ''}".rstrip())
        try:
            data = response.json()
        except ValueError:
            raise FetchError(f"{url} did not return valid JSON ({len(response.content)} bytes)") from None
        if not isinstance(data, dict):
            raise FetchError(f"{url} returned JSON that is not an object")
        return data

    def _wait_for(self, response: requests.Response, url: str) -> None:
        wait = throttle_wait(response)
        if wait is None:
            wait = 60.0
        wait = max(wait, 1.0)
        if self.waited + wait > self.options.max_wait:
            raise FetchError(
                f"{url} is rate-limited (HTTP 429) and asks for {wait:.0f} s more; gave up after "
                f"waiting {self.waited:.0f} s of the {self.options.max_wait:.0f} s allowed "
                "(pass --api-key, or raise --max-wait)"
            )
        log.warning("rate-limited by the API (HTTP 429): waiting %.0f s before retrying %s", wait, url)
        self.options.sleep(wait)
        self.waited += wait


def reason(exc: requests.RequestException) -> str:
    """A few words for a failed request; after retries, requests wraps urllib3's error in another."""
    import requests
    import urllib3

    cause = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # a subclass of the timeout errors
        return f"connection failed ({connect_failure(cause)})"
    if isinstance(exc, requests.Timeout) or isinstance(cause, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, requests.exceptions.RetryError):
        return "too many failed attempts"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__


def connect_failure(error: BaseException) -> str:
    """Why a connection could not be made, in words (urllib3's own text is a nested repr)."""
    import urllib3

    if isinstance(error, urllib3.exceptions.NameResolutionError):
        return "the host name does not resolve: no network, or no such host"
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError) and "timed out" in str(error):
        return "no answer from the host"
    if "Connection refused" in str(error) or "Errno 111" in str(error):
        return "refused: nothing listens at that address"
    if "Network is unreachable" in str(error):
        return "the network is unreachable"
    return "the host could not be reached"


def first_page_url(api_url: str) -> str:
    """The spacecraft endpoint, detailed mode, biggest pages the API allows."""
    root = api_url if api_url.endswith("/") else api_url + "/"
    return urljoin(root, f"spacecraft/?limit={PAGE_SIZE}&mode=detailed")


def iter_pages(client: Client, start_url: str) -> Iterator[dict[str, Any]]:
    """Yield every page of a paginated endpoint, following `next` until it is null."""
    url: str | None = start_url
    seen: set[str] = set()
    done, total = 0, None
    while url:
        if url in seen:
            raise FetchError(f"pagination loops: {url} was already fetched")
        seen.add(url)
        page = client.get_json(url)
        results = page.get("results")
        if not isinstance(results, list):
            raise FetchError(f"{url} has no 'results' list")
        done += 1
        count = page.get("count")
        if done == 1 and isinstance(count, int) and results:
            total = math.ceil(count / len(results))  # the server may cap pages below our limit
        total = max(total, done) if total else None
        log.info("fetched page %d%s (%s)", done, f" of {total}" if total else "", url)
        yield page
        nxt = page.get("next")
        url = urljoin(url, nxt) if isinstance(nxt, str) and nxt else None


def fetch_all(options: FetchOptions) -> tuple[list[dict[str, Any]], int | None]:
    """Pull every spacecraft record; return them (deduplicated by id, sorted) and the API's count."""
    client = Client(options)
    records: dict[int, dict[str, Any]] = {}
    count: int | None = None
    for page in iter_pages(client, first_page_url(options.api_url)):
        if count is None and isinstance(page.get("count"), int):
            count = page["count"]
        for raw in page["results"]:
            ident = raw.get("id") if isinstance(raw, dict) else None
            if isinstance(ident, int):
                records[ident] = raw  # offset pagination can repeat a record: the latest copy wins
            else:
                log.warning("skipping a record without an integer id on a page of %s", options.api_url)
    if count is not None and count != len(records):
        log.warning("the API reported %d spacecraft but %d distinct records were fetched", count, len(records))
    return [records[k] for k in sorted(records)], count
