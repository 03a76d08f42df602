"""The Launch Library 2 client: a requests session with retries and timeouts, and a page iterator.

Nothing a server sends can hang or drown a build. Every request has a per-read timeout (urllib3),
a total deadline (`Watch`: a timer that shuts the socket down, so headers or a body dripped a byte
at a time end too) and a size limit on its body after decompression. A crawl stops at a page that
brings nothing new and when far more records or pages arrive than the first page's `count`
implies. The API key goes only to the API's own origin, never to another one named by a `next`
link or a redirect. Every failure is a FetchError whose one line names the URL.
"""
from __future__ import annotations

import json
import logging
import math
import os
import re
import reprlib
import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..config import FetchOptions
from ..errors import CatalogError
from ..progress import track
from . import weburl
from .weburl import MAX_URL, origin

if TYPE_CHECKING:  # imported when a fetch starts: an offline build never pays for requests
    import requests
    from requests.structures import CaseInsensitiveDict

__all__ = ["Client", "FetchError", "FetchOptions", "fetch_all", "iter_pages", "make_session"]

log = logging.getLogger(__name__)

PAGE_SIZE = 100  # the API's cap
MAX_REDIRECTS = 5
MAX_DEPTH = 64  # nesting levels of one record (LL2's reach about 10): deeper ones strain json's recursion
THROTTLE_BODY = 64 * 1024  # bytes read of a 429's body, to find "available in N seconds"
CHUNK = 16 * 1024  # bytes per read: the size check comes after each, decompressed
REDIRECTS = frozenset((301, 302, 303, 307, 308))
_WAIT_IN_BODY = re.compile(r"available in ([0-9]+(?:\.[0-9]+)?) seconds?", re.I)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")  # in JSON text: maybe a lone surrogate
_SURROGATE = re.compile("[\ud800-\udfff]")
_SECONDS = re.compile(r"[0-9]+")  # RFC 9110 delay-seconds: ASCII digits ("²".isdigit() is True)


class FetchError(CatalogError):
    """The API could not be read; the message names the URL."""


class DeadlineExceeded(Exception):  # noqa: N818 (not an error of ours: a verdict on the request)
    """A request ran past its deadline or was cancelled; str() says which."""


class TooLarge(Exception):  # noqa: N818 (as above)
    """A body went over its size limit; str() says by how much."""


# --- Deadlines ------------------------------------------------------------------------------------

class Watch:
    """The deadline of one request: a timer that shuts its socket down when time is up.

    A per-read timeout never ends a body that drips a byte at a time; shutting the socket down wakes
    the read blocked on it in any phase (TLS handshake, headers, body). The connection classes of
    make_session() report each attempt and its socket. Every attempt (a urllib3 retry, a redirect)
    gets the whole deadline, and none starts once one ran out: a server that drips is not retried.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.why: str | None = None  # why the request was cut: "deadline" or "interrupted"
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._generation = 0  # a timer that fires after a restart must not cut the new attempt
        self._sock: socket.socket | None = None  # a duplicate of the attempt's socket (see _duplicate)
        self._closed = False

    def attempt(self, sock: socket.socket | None, *, restart: bool) -> None:
        """Start an attempt's clock (restart) and/or watch its socket; refuse once time has run out."""
        with self._lock:
            if self.why:
                raise DeadlineExceeded(self.why)
            if restart:
                if self._timer is not None:
                    self._timer.cancel()
                self._generation += 1
                self._timer = threading.Timer(self.seconds, self._time_up, (self._generation,))
                self._timer.daemon = True
                self._timer.start()
            if sock is not None:
                self._forget_socket()
                self._sock = _duplicate(sock)

    def expire(self, why: str) -> None:
        """Cut the request now: shut its socket down so that a blocked read returns at once."""
        with self._lock:
            if self._closed or self.why:
                return
            self.why = why
            if self._sock is not None:
                with suppress(OSError):  # already closed by the other side
                    self._sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            self._forget_socket()

    def _time_up(self, generation: int) -> None:
        if generation == self._generation:
            self.expire("deadline")

    def _forget_socket(self) -> None:
        if self._sock is not None:
            self._sock.close()  # the duplicate only: the connection's own socket stays open
            self._sock = None


def _duplicate(sock: socket.socket) -> socket.socket | None:
    """A second descriptor of the same connection, for shutdown() from the timer thread.

    Not the socket object itself: urllib3 wraps it for TLS, which detaches the original, and a
    descriptor number alone could be reused by another connection once this one is closed.
    """
    try:
        return socket.socket(fileno=os.dup(sock.fileno()))
    except (OSError, ValueError):
        return None


_local = threading.local()
_active: set[Watch] = set()
_active_lock = threading.Lock()


@contextmanager
def watch(seconds: float) -> Iterator[Watch]:
    """Run the requests of this block (in this thread) under a deadline of `seconds` per attempt."""
    current = Watch(seconds)
    previous = getattr(_local, "watch", None)
    _local.watch = current
    with _active_lock:
        _active.add(current)
    try:
        yield current
    finally:
        _local.watch = previous
        with _active_lock:
            _active.discard(current)
        current.close()


def cancel_requests() -> None:
    """Cut every request in flight, in every thread (on Ctrl-C: downloads must not hold the exit)."""
    with _active_lock:
        watches = list(_active)
    for each in watches:
        each.expire("interrupted")


def _current_watch() -> Watch | None:
    return getattr(_local, "watch", None)


@cache
def _adapter_class() -> type:
    """requests' HTTPAdapter whose connections report each attempt and socket to the thread's Watch."""
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.poolmanager import PoolManager, ProxyManager

    class Watched:
        # urllib3 calls request() once per attempt; it opens the connection inside it for http (a
        # lazy connect), before it for https (the TLS handshake), and not at all on a reused one.
        _early = False  # connected before request(): this attempt's clock is already running
        _inside = False  # in request(): a connection opened now belongs to the attempt begun there

        def _new_conn(self) -> socket.socket:
            current = _current_watch()
            if current is not None and not self._inside:
                current.attempt(None, restart=True)
            sock: socket.socket = super()._new_conn()  # type: ignore[misc]  # mixin: urllib3's class follows
            if current is not None:
                current.attempt(sock, restart=False)
                self._early = not self._inside
            return sock

        def request(self, *args: Any, **kwargs: Any) -> Any:
            current = _current_watch()
            if current is not None:
                if self._early:
                    self._early = False
                else:
                    current.attempt(getattr(self, "sock", None), restart=True)
            self._inside = True
            try:
                return super().request(*args, **kwargs)  # type: ignore[misc]  # as above
            finally:
                self._inside = False

    class Conn(Watched, HTTPConnection):
        pass

    class SecureConn(Watched, HTTPSConnection):
        pass

    class Pool(HTTPConnectionPool):
        ConnectionCls = Conn

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = SecureConn

    pools = {"http": Pool, "https": SecurePool}

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
            manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if type(manager) is ProxyManager:  # not SOCKS, which has pools of its own
                manager.pool_classes_by_scheme = pools
            return manager

    return Adapter


# --- Sessions, bodies, errors ---------------------------------------------------------------------

@cache
def _retry_class() -> type:
    from urllib3.util.retry import Retry

    class _Retry(Retry):
        # 429 is handled by Client.get_json, which reads the wait from the body too, reports it and
        # keeps to --max-wait; a 5xx waits the backoff, never an unbounded Retry-After.
        RETRY_AFTER_STATUS_CODES = frozenset()

    return _Retry


def make_session(options: FetchOptions) -> requests.Session:
    """Build a session that retries 5xx and connection errors with backoff (not 429: see get_json).

    No credentials in it: Client adds the API key per request, to the API's origin only.
    """
    import requests

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
    adapter = _adapter_class()
    session.mount("http://", adapter(max_retries=retry))
    session.mount("https://", adapter(max_retries=retry))
    session.max_redirects = MAX_REDIRECTS  # for images; API pages follow redirects in Client
    session.headers["User-Agent"] = "spacecraft-catalog (+https://github.com/)"
    session.headers["Accept"] = "application/json"
    return session


def read_body(response: requests.Response, *, limit: int, cut: Watch | None = None,
              stop: threading.Event | None = None) -> bytes:
    """The body of a streamed response, decompressed, in chunks; TooLarge past `limit` bytes.

    The chunks are read decoded (gzip, deflate), so a small compressed body that inflates to
    gigabytes is stopped at the limit. DeadlineExceeded when the request's Watch `cut` it (a body
    that ends early because its socket was shut down is not a body) or `stop` is set.
    """
    length = response.headers.get("Content-Length", "").strip()
    if _SECONDS.fullmatch(length) and int(length) > limit:
        raise TooLarge(f"{int(length):,} bytes; the limit is {limit:,}")
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"over the limit of {limit:,} bytes" + (", decompressed" if _encoded(response) else ""))
        if stop is not None and stop.is_set():
            raise DeadlineExceeded("interrupted")
    if cut is not None and cut.why:
        raise DeadlineExceeded(cut.why)
    return bytes(body)


def _encoded(response: requests.Response) -> bool:
    return response.headers.get("Content-Encoding", "identity").strip().lower() not in ("", "identity")


def reason(exc: BaseException, cut: Watch | None = None, *, deadline: float | None = None) -> str:
    """A few words for a failed request; after retries, requests wraps urllib3's error in another."""
    import requests
    import urllib3

    why = cut.why if cut is not None else None
    if isinstance(exc, DeadlineExceeded):
        why = why or str(exc)
    if why == "interrupted":
        return "interrupted"
    if why:  # the watchdog cut it: whatever error the cut socket raised, time was the reason
        seconds = deadline if deadline is not None else (cut.seconds if cut is not None else 0.0)
        return f"took longer than {seconds:g} s (the deadline of one request)"
    if isinstance(exc, TooLarge):
        return f"too large ({exc})"
    cause = getattr(exc.args[0], "reason", None) if exc.args else None
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # a subclass of the timeout errors
        return f"connection failed ({connect_failure(cause)})"
    if isinstance(exc, requests.Timeout) or isinstance(cause, urllib3.exceptions.TimeoutError):
        return "timed out"
    if isinstance(exc, requests.exceptions.RetryError):
        return "too many failed attempts"
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "its compressed body does not decompress"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the connection broke off in the middle of the body"
    if isinstance(exc, requests.exceptions.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidSchema
                  | requests.exceptions.MissingSchema):
        return "not a usable URL"
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


def follow(base: str, link: str, what: str) -> str:
    """The absolute URL of a `next` link or a redirect, checked to be a plain http(s) URL."""
    if len(link) > MAX_URL:
        raise FetchError(f"{base} gave a {what} of {len(link):,} characters; the limit is {MAX_URL:,}")
    try:
        url = urljoin(base, link.strip())
        weburl.check(url)  # the one reading of a URL: refused where parsers could disagree
    except ValueError as exc:  # UrlError, or urljoin's own (an unclosed IPv6 bracket)
        why = str(exc) if isinstance(exc, weburl.UrlError) else "does not parse"
        detail = "" if why == "is not an http(s) URL" else f" (it {why})"
        raise FetchError(f"{base} gave a {what} that is not an http(s) URL: {weburl.shown(link[:200])!r}{detail}") \
            from None
    return url


def throttle_wait(response: Any) -> float | None:
    """Seconds a 429 response asks us to wait (see throttle_seconds)."""
    return throttle_seconds(response.headers, response.text)


def throttle_seconds(headers: Mapping[str, str], text: str) -> float | None:
    """Seconds a 429 asks us to wait: the Retry-After header (seconds or an HTTP-date), else the body's
    "available in N seconds"; None when neither says."""
    wait = retry_after(headers.get("Retry-After", ""))
    if wait is not None:
        return wait
    match = _WAIT_IN_BODY.search(text[:2000])
    return float(match.group(1)) if match else None


def retry_after(value: str, now: datetime | None = None) -> float | None:
    """A Retry-After value in seconds (RFC 9110: delay-seconds or an HTTP-date), None if neither."""
    value = value.strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):
        return float(value)
    import email.utils  # here: only a 429 needs it

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's unknown zone; HTTP-dates are in GMT anyway
        when = when.replace(tzinfo=UTC)
    try:
        return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
    except OverflowError:
        return None


def decode_json(url: str, body: bytes) -> Any:
    """Parse a body as JSON text in UTF-8 (RFC 8259), whatever its Content-Type says.

    A byte that is not UTF-8 is replaced where it is, with a warning naming the URL: never the
    whole page re-decoded in a guessed charset, as requests' .json() does.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = body.decode("utf-8", errors="replace")
        log.warning("%s sent bytes that are not UTF-8 (the first at offset %d); each was replaced by U+FFFD",
                    url, exc.start)
    del body
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except RecursionError:
        raise FetchError(f"{url} returned JSON nested too deeply to read ({len(text):,} characters)") from None
    except ValueError:
        raise FetchError(f"{url} did not return valid JSON ({len(text):,} characters)") from None
    if _SURROGATE_ESCAPE.search(text) and replace_lone_surrogates(data):
        log.warning("%s sent \\u escapes of lone UTF-16 surrogates, which are no text; each was replaced by "
                    "U+FFFD", url)
    return data


def replace_lone_surrogates(value: Any) -> bool:
    """Replace, in place, every lone surrogate in the strings and keys of value by U+FFFD; say if any.

    JSON can escape them ("\\ud800") but no UTF-8 file can hold them: the data file would not be
    written. Escaped pairs were joined by the parser, so every surrogate left is lone.
    """
    found = False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, child in list(item.items()):
                if isinstance(key, str) and _SURROGATE.search(key):
                    del item[key]
                    key = _SURROGATE.sub("\ufffd", key)
                    item[key] = child
                    found = True
                if isinstance(child, str) and _SURROGATE.search(child):
                    item[key] = _SURROGATE.sub("\ufffd", child)
                    found = True
                elif isinstance(child, dict | list):
                    stack.append(child)
        elif isinstance(item, list):
            for index, child in enumerate(item):
                if isinstance(child, str) and _SURROGATE.search(child):
                    item[index] = _SURROGATE.sub("\ufffd", child)
                    found = True
                elif isinstance(child, dict | list):
                    stack.append(child)
    return found


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects nest more than `limit` levels in value (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


# --- The client -----------------------------------------------------------------------------------

class Client:
    """Read JSON pages from the API, waiting out throttling within a bounded budget."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.session = make_session(options)
        self.waited = 0.0
        self._home = origin(options.api_url)

    def get_json(self, url: str) -> dict[str, Any]:
        """GET url and return its JSON object; raise FetchError naming the URL on failure."""
        try:
            weburl.check(url)  # nothing is sent to a URL that parsers could read differently
        except weburl.UrlError as exc:
            raise FetchError(f"refused to request {weburl.shown(url)[:200]!r}: it {exc}") from None
        while True:
            status, text_reason, headers, body, url = self._get(url)
            if status != 429:
                break
            self._wait_for(headers, body.decode("utf-8", errors="replace"), url)
        if status != 200:
            raise FetchError(f"{url} answered HTTP {status} {text_reason}".rstrip())
        data = decode_json(url, body)
        if not isinstance(data, dict):
            raise FetchError(f"{url} returned JSON that is not an object")
        return data

    def auth_for(self, url: str) -> dict[str, str]:
        """The Authorization header for url: only for the API's own scheme, host and port."""
        if self.options.api_key and self._home is not None and origin(url) == self._home:
            return {"Authorization": f"Token {self.options.api_key}"}
        return {}

    def _get(self, url: str) -> tuple[int, str, CaseInsensitiveDict[str], bytes, str]:
        """One GET, redirects followed here (each hop given the key only on the API's origin)."""
        import requests

        for _ in range(MAX_REDIRECTS + 1):
            with watch(self.options.deadline) as cut:
                try:
                    response = self.session.get(url, headers=self.auth_for(url), timeout=self.options.timeout,
                                                stream=True, allow_redirects=False)
                    with response:
                        status = response.status_code
                        location = response.headers.get("Location")
                        if status in REDIRECTS and location:
                            url = follow(url, location, "redirect")
                            continue
                        if status == 200:
                            body = read_body(response, limit=self.options.max_page_bytes, cut=cut)
                        elif status == 429:
                            body = _some_of(response)
                        else:
                            body = b""
                        return status, response.reason or "", response.headers, body, url
                except (requests.RequestException, DeadlineExceeded, TooLarge) as exc:
                    if isinstance(exc, TooLarge):
                        raise FetchError(f"{url} is too large ({exc})") from None
                    raise FetchError(f"could not reach {url}: {reason(exc, cut)}") from None
        raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects in a row")

    def _wait_for(self, headers: CaseInsensitiveDict[str], text: str, url: str) -> None:
        wait = throttle_seconds(headers, text)
        wait = max(60.0 if wait is None else wait, 1.0)
        if self.waited + wait > self.options.max_wait:
            raise FetchError(
                f"{url} is rate-limited (HTTP 429) and asks for {wait:.0f} s more; gave up after "
                f"waiting {self.waited:.0f} s of the {self.options.max_wait:.0f} s allowed "
                "(pass --api-key, or raise --max-wait)"
            )
        log.warning("rate-limited by the API (HTTP 429): waiting %.0f s before retrying %s", wait, url)
        self.options.sleep(wait)
        self.waited += wait


def _some_of(response: requests.Response) -> bytes:
    """The start of a body we only glance at (a 429's message); b"" if it will not come."""
    import requests

    try:
        return read_body(response, limit=THROTTLE_BODY)
    except (requests.RequestException, TooLarge):
        return b""


# --- Crawling -------------------------------------------------------------------------------------

def first_page_url(api_url: str) -> str:
    """The spacecraft endpoint, detailed mode, biggest pages the API allows."""
    root = api_url if api_url.endswith("/") else api_url + "/"
    return urljoin(root, f"spacecraft/?limit={PAGE_SIZE}&mode=detailed")


def iter_pages(client: Client, start_url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (url, page) for every page of a paginated endpoint, following `next` until it is null."""
    url: str | None = start_url
    seen: set[str] = set()
    done, total = 0, None
    bar = track("fetching", None, unit="pages")
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
        if done == 1 and type(count) is int and count >= 0 and results:
            total = math.ceil(count / len(results))  # the server may cap pages below our limit
        total = max(total, done) if total else None
        log.info("fetched page %d%s (%s)", done, f" of {total}" if total else "", url)
        if total:
            bar.total(total)
        bar.advance()
        yield url, page
        nxt = page.get("next")
        url = follow(url, nxt, "next link") if isinstance(nxt, str) and nxt else None
    bar.close()


class Bounds:
    """How much a crawl may bring, from the first page's `count`: far more means it never ends."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.records = options.max_records
        self.pages = options.max_pages
        self.count: int | None = None
        self.received = 0
        self.fetched = 0

    def first(self, page: dict[str, Any]) -> None:
        count, results = page.get("count"), page["results"]
        if type(count) is int and count >= 0:
            self.count = count
            self.records = min(self.records, 2 * count + PAGE_SIZE)
            if results:
                self.pages = min(self.pages, 2 * math.ceil(count / len(results)) + 10)

    def check(self, url: str, *, new: int, more: bool) -> None:
        """After a page: refuse one that brings nothing new yet links on, and a crawl past its bounds."""
        self.fetched += 1
        if more and not new:
            raise FetchError(f"{url} brought no new records but links to another page; stopped after "
                             f"{self.fetched:,} pages (the pagination does not end)")
        announced = f"the first page announced {self.count:,}" if self.count is not None else "no count was given"
        if more and self.received > self.records:
            raise FetchError(f"stopped after {url}: {self.received:,} records arrived and {announced} "
                             "(the pagination does not end)")
        if more and self.fetched >= self.pages:
            raise FetchError(f"stopped after {url}: {self.fetched:,} pages arrived and {announced} "
                             "(the pagination does not end)")


def record_id(raw: Any) -> int | None:
    """A record's id when it is a genuine positive integer (JSON `true` is not 1), else None."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    return ident if type(ident) is int and 0 < ident < 2**63 else None


def fetch_all(options: FetchOptions) -> tuple[list[dict[str, Any]], int | None]:
    """Pull every spacecraft record; return them (deduplicated by id, sorted) and the API's count."""
    client = Client(options)
    records: dict[int, dict[str, Any]] = {}
    bounds = Bounds(options)
    for url, page in iter_pages(client, first_page_url(options.api_url)):
        if bounds.fetched == 0:
            bounds.first(page)
        new, bad, deep = 0, [], []
        for raw in page["results"]:
            bounds.received += 1
            ident = record_id(raw)
            if ident is None:
                bad.append(raw.get("id") if isinstance(raw, dict) else raw)
            elif too_deep(raw):
                deep.append(ident)
            else:
                new += ident not in records
                records[ident] = raw  # offset pagination can repeat a record: the latest copy wins
        if bad:
            log.warning("skipping %d record%s without a positive integer id on %s (the first: %s)",
                        len(bad), "s" if len(bad) > 1 else "", url, reprlib.repr(bad[0]))
        if deep:
            log.warning("skipping record %s on %s: nested more than %d levels deep",
                        ", ".join(map(str, deep)), url, MAX_DEPTH)
        nxt = page.get("next")
        bounds.check(url, new=new, more=isinstance(nxt, str) and bool(nxt))
    count = bounds.count
    if count is not None and count != len(records):
        log.warning("the API reported %d spacecraft but %d distinct records were fetched", count, len(records))
    return [records[k] for k in sorted(records)], count

