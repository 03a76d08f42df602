"""A fake Launch Library 2 on 127.0.0.1:0: a real HTTP server serving LL2-shaped pages and files.

Tests script its behaviour through `FakeLL2` attributes: the records, the page cap, and a queue of
faults per path (429, 503, 500, bad JSON, slow replies). Media are served from `files`.

Hostile servers too, as faults: "drip" (a body, or the whole reply headers included, one byte at a
time, pausing on an Event between bytes so nothing waits on a real sleep), "gzipbomb" (a small
gzip body that inflates to a huge page), "redirect" (to any URL), "raw" (any status, headers and
bytes: no charset, odd Retry-After values), "deep" (JSON nested too deeply). `endless` makes the
`next` chain go on forever, with new records or the same ones; `next_base` points the `next`
links at another server. Every request's headers are kept in `received`.

Three lists: `records` (spacecraft/), `flights` (spacecraft_flights/, filtered by `spacecraft`) and
`stations` (space_stations/), each ordered by `ordering` (id or -id). `rate_limit` is LL2's
anonymous limit made real: at most N requests of the API per window of the fake clock `now`
(seconds; tests move it), then HTTP 429 with the Retry-After the window still has; every request
counts, a throttled one too. `api_requests()` counts what the API received.
"""
from __future__ import annotations

import contextlib
import json
import struct
import sys
import threading
import time
import zlib
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

DRIP_PAUSE = 0.02  # seconds between two dripped bytes: far below any per-read timeout of the tests


def gzip_bomb(size: int, head: bytes = b"", tail: bytes = b"") -> bytes:
    """A gzip body of head, `size` spaces, then tail: about 1/1000 of its inflated size.

    Made quickly: after a full flush deflate starts afresh, so one compressed megabyte of spaces
    is repeated as it is, and only the checksum goes over every byte.
    """
    block = b" " * (1 << 20)
    count, rest = divmod(size, len(block))
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip framing is written here
    start = squeeze.compress(head) + squeeze.flush(zlib.Z_FULL_FLUSH)
    piece = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH) if count else b""
    end = squeeze.compress(b" " * rest + tail) + squeeze.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(b" " * rest + tail, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, no mtime
    trailer = struct.pack("<II", crc, (len(head) + size + len(tail)) & 0xFFFFFFFF)
    return header + start + piece * count + end + trailer


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up is what hostile tests are about: no traceback for it."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeLL2:
    """State of the fake API; `url` is its root, like https://ll.thespacedevs.com/2.3.0/."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.flights: list[dict[str, Any]] = []  # spacecraft_flights/: each {"id", "spacecraft": {"id"}...}
        self.stations: list[dict[str, Any]] = []  # space_stations/
        self.rate_limit: tuple[int, float] | None = None  # (requests, window seconds) on the fake clock
        self.now = 0.0  # the fake clock of the rate limiter, in seconds
        self._window: list[float] = []  # when each request of the current window came
        self.throttled_count = 0  # requests the rate limiter refused
        self.page_cap = 100  # the real API caps `limit` at 100; tests set it lower
        self.count_override: int | None = None
        self.repeat_on_page: dict[int, dict[str, Any]] = {}  # offset -> extra record on that page
        self.faults: dict[str, deque[tuple[Any, ...]]] = defaultdict(deque)  # path -> (kind, arg)
        self.always: dict[str, tuple[Any, ...]] = {}  # path -> fault served on every request
        self.files: dict[str, tuple[bytes, str]] = {}  # path -> (body, content type)
        self.delays: dict[str, float] = {}  # path -> seconds to sleep before answering
        self.requests: list[str] = []  # every path+query asked for, in order
        self.received: list[tuple[str, dict[str, str]]] = []  # (path+query, headers lower-cased), in order
        self.endless: str | None = None  # "new": every page brings new records, forever; "same": the same ones
        self.next_base: str | None = None  # root of the `next` links (default: this server's url)
        self.stopping = threading.Event()  # set by stop(): ends every drip at once
        self.dripping = threading.Event()  # set when a drip has begun (a client is waiting on it)
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/2.3.0/"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> FakeLL2:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def fault(self, path: str, kind: str, arg: Any = None, *, times: int = 1) -> None:
        """Queue a fault for the next `times` requests of path: "429", "503", "500", "badjson", "status",
        "drip", "gzipbomb", "redirect", "raw", "deep" (see _fault for each one's arg)."""
        for _ in range(times):
            self.faults[path].append((kind, arg))

    def add_file(self, path: str, body: bytes, content_type: str = "image/jpeg") -> str:
        self.files[path] = (body, content_type)
        return self.origin + path

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request received for path (without its query), in order."""
        return [headers for asked, headers in self.received if urlsplit(asked).path == path]

    def api_requests(self, path: str = "/2.3.0/") -> int:
        """How many requests the API received (under path)."""
        return sum(1 for asked in self.requests if urlsplit(asked).path.startswith(path))

    def throttled(self) -> float | None:
        """Count a request against the rate limit; the seconds to wait when it is over the limit."""
        if self.rate_limit is None:
            return None
        most, window = self.rate_limit
        self._window = [t for t in self._window if t > self.now - window]
        self._window.append(self.now)
        if len(self._window) > most:
            self.throttled_count += 1
            return self._window[-most - 1] + window - self.now
        return None

    def listing(self, path: str, query: dict[str, list[str]]) -> dict[str, Any] | None:
        """A page of one of the three lists; None for another path."""
        if path == "/2.3.0/spacecraft/":
            return self.page(query)
        source = {"/2.3.0/spacecraft_flights/": self.flights, "/2.3.0/space_stations/": self.stations}.get(path)
        if source is None:
            return None
        if "spacecraft" in query:
            wanted = int(query["spacecraft"][0])
            source = [f for f in source if (f.get("spacecraft") or {}).get("id") == wanted]
        return self.page(query, source, path.removeprefix("/2.3.0/"))

    def page(self, query: dict[str, list[str]], records: list[dict[str, Any]] | None = None,
             path: str = "spacecraft/") -> dict[str, Any]:
        limit = min(int(query.get("limit", ["10"])[0]), self.page_cap)
        offset = int(query.get("offset", ["0"])[0])
        if records is None:
            records = self.records
        ordering = query.get("ordering", [""])[0]
        if ordering in ("id", "-id"):
            records = sorted(records, key=lambda r: r.get("id") if isinstance(r.get("id"), int) else 0,
                             reverse=ordering == "-id")
        if self.endless == "new":
            results = [{"id": offset + i + 1, "name": f"Endless {offset + i + 1}"} for i in range(limit)]
        elif self.endless == "same":
            results = list(records[:limit])
        else:
            results = list(records[offset: offset + limit])
        if offset in self.repeat_on_page:
            results.append(self.repeat_on_page[offset])
        nxt = None
        if offset + limit < len(records) or self.endless:
            params = {k: v[0] for k, v in query.items()}
            params.update(limit=str(limit), offset=str(offset + limit))
            nxt = f"{self.next_base or self.url}{path}?{urlencode(params)}"
        count = self.count_override if self.count_override is not None and path == "spacecraft/" else len(records)
        return {"count": count, "next": nxt, "previous": None, "results": results}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                with fake.lock:
                    fake.requests.append(self.path)
                    fake.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    queued = fake.faults[parts.path].popleft() if fake.faults[parts.path] else None
                    wait = fake.throttled() if parts.path.startswith("/2.3.0/") else None
                if wait is not None:
                    return self._fault("429", str(max(1, round(wait))))
                fault = queued or fake.always.get(parts.path)
                delay = fake.delays.get(parts.path)
                if delay:
                    time.sleep(delay)
                if fault:
                    return self._fault(*fault)
                if parts.path in fake.files:
                    body, ctype = fake.files[parts.path]
                    return self._send(200, body, ctype)
                listed = fake.listing(parts.path, parse_qs(parts.query))
                if listed is not None:
                    return self._send(200, json.dumps(listed).encode(), "application/json")
                self._send(404, b'{"detail": "Not found."}', "application/json")

            def _fault(self, kind: str, arg: Any = None) -> None:
                if kind == "429":  # arg: the Retry-After value (str or raw bytes), or None for none
                    headers = {"Retry-After": arg if isinstance(arg, bytes) else str(arg)} if arg is not None else {}
                    body = b'{"detail": "Request was throttled. Expected available in 1 second."}'
                    self._send(429, body, "application/json", headers)
                elif kind == "badjson":
                    self._send(200, b'{"count": 3, "results": [', "application/json")
                elif kind == "status":
                    self._send(int(arg), b"<html>error</html>", "text/html")
                elif kind == "drip":  # arg: {"size": bytes announced, "headers": drip those too?}
                    self._drip(**(arg or {}))
                elif kind == "gzipbomb":  # arg: the gzip body (see gzip_bomb)
                    self._send(200, arg, "application/json", {"Content-Encoding": "gzip"})
                elif kind == "redirect":  # arg: the Location
                    self._send(302, b"", "text/plain", {"Location": arg})
                elif kind == "raw":  # arg: (status, [(name, value)] as bytes or str, body bytes)
                    status, headers, body = arg
                    self._raw(status, headers, body)
                elif kind == "deep":  # arg: levels of nesting
                    self._send(200, b"[" * arg + b"]" * arg, "application/json")
                else:
                    self._send(int(kind), b'{"detail": "error"}', "application/json")

            def _drip(self, size: int = 10_000_000, headers: bool = False) -> None:
                """Send a reply of `size` bytes one byte at a time (its headers too, if asked), forever
                in practice: it ends when the client hangs up or the server stops."""
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                        .encode())
                fake.dripping.set()
                try:
                    if not headers:
                        self.wfile.write(head)
                        head = b""
                    for byte in (head + b"[" * min(size, 1 << 20))[: len(head) + size]:
                        self.wfile.write(bytes((byte,)))
                        self.wfile.flush()
                        if fake.stopping.wait(DRIP_PAUSE):
                            break
                except OSError:  # the client gave up: what a drip is for
                    pass
                self.close_connection = True

            def _raw(self, status: int, headers: list[tuple[Any, Any]], body: bytes) -> None:
                phrase = self.responses.get(status, ("Whatever",))[0]
                lines = [f"HTTP/1.1 {status} {phrase}\r\n".encode()]
                for name, value in [*headers, ("Content-Length", str(len(body)))]:
                    lines.append(_bytes(name) + b": " + _bytes(value) + b"\r\n")
                with contextlib.suppress(OSError):  # the client hung up: nothing to tell it
                    self.wfile.write(b"".join(lines) + b"\r\n" + body)

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, Any] | None = None) -> None:
                self._raw(status, [("Content-Type", ctype), *(headers or {}).items()], body)

        return Handler


def _bytes(value: Any) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("latin-1")
