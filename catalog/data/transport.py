"""The HTTP transport: a requests session with retries, deadlines, body limits and reasons in words.

Nothing a server sends can hang or drown a build. Every request has a per-read timeout (urllib3),
a total deadline (`Watch`: a timer that shuts the socket down, so headers or a body dripped a byte
at a time end too) and a size limit on its body after decompression. Each attempt (a retry
included) is reported to the thread's Watch, which is where a request budget is spent: a run never
sends more requests than its budget allows. The API key goes only to the API's own origin
(weburl.same_origin), never to another one named by a `next` link or a redirect. Every failure is
a FetchError whose one line names the URL. The LL2 crawl (api.py, crawl.py) and image downloads
(images/download.py) both use it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from ..config import FetchOptions
from ..errors import CatalogError
from . import weburl
from .weburl import MAX_URL

if TYPE_CHECKING:  # imported when a fetch starts: an offline build never pays for requests
    import requests
    from requests.structures import CaseInsensitiveDict

__all__ = ["BudgetSpent", "Client", "FetchError", "FetchOptions", "RateLimited", "make_session"]

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


class RateLimited(FetchError):  # noqa: N818 (a FetchError: the suffix is on the base)
    """The API asked us to wait (HTTP 429) longer than this run may: what was fetched so far is kept."""


class BudgetSpent(FetchError):  # noqa: N818 (as above)
    """The run's request budget is spent: the next request is not sent."""


class Budget:
    """How many requests one run may send (None: no cap). Every attempt spends one, a retry of a 5xx
    or of a 429 included: the transport's Watch reports each attempt here before it is sent."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self.spent = 0

    def left(self) -> int | None:
        """Requests this run may still send; None when there is no cap."""
        return None if self.limit is None else max(0, self.limit - self.spent)

    def spend(self) -> None:
        """Count one request about to be sent; BudgetSpent (and nothing sent) when none is left."""
        if self.limit is not None and self.spent >= self.limit:
            raise BudgetSpent(f"the request budget of this run ({self.limit}) is spent "
                              "(--request-budget raises it)")
        self.spent += 1


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

    def __init__(self, seconds: float, on_attempt: Callable[[], None] | None = None) -> None:
        self.seconds = seconds
        self.on_attempt = on_attempt  # told of every attempt before it is sent (Budget.spend); may refuse it
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
                if self.on_attempt is not None:
                    self.on_attempt()
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
def watch(seconds: float, on_attempt: Callable[[], None] | None = None) -> Iterator[Watch]:
    """Run the requests of this block (in this thread) under a deadline of `seconds` per attempt;
    on_attempt is called before each attempt is sent (and may refuse it by raising)."""
    current = Watch(seconds, on_attempt)
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

    def __init__(self, options: FetchOptions, budget: Budget | None = None) -> None:
        self.options = options
        self.session = make_session(options)
        self.waited = 0.0
        self.budget = budget or Budget(None)  # spent by every attempt, retries included

    def get_json(self, url: str) -> dict[str, Any]:
        """GET url and return its JSON object; raise FetchError naming the URL on failure."""
        data = self.get_value(url)
        if not isinstance(data, dict):
            raise FetchError(f"{url} returned JSON that is not an object")
        return data

    def get_value(self, url: str) -> Any:
        """GET url and return its JSON value, whatever it is; raise FetchError naming the URL on failure."""
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
        return decode_json(url, body)

    def auth_for(self, url: str) -> dict[str, str]:
        """The Authorization header for url: only for the API's own scheme, host and port."""
        if self.options.api_key and weburl.same_origin(url, self.options.api_url):
            return {"Authorization": f"Token {self.options.api_key}"}
        return {}

    def _get(self, url: str) -> tuple[int, str, CaseInsensitiveDict[str], bytes, str]:
        """One GET, redirects followed here (each hop given the key only on the API's origin)."""
        import requests

        for _ in range(MAX_REDIRECTS + 1):
            with watch(self.options.deadline, self.budget.spend) as cut:
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
            raise RateLimited(
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


