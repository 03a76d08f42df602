"""A fake Launch Library 2 on 127.0.0.1:0: a real HTTP server serving LL2-shaped pages and files.

Tests script its behaviour through `FakeLL2` attributes: the records, the page cap, and a queue of
faults per path (429, 503, 500, bad JSON, slow replies). Media are served from `files`.
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


class FakeLL2:
    """State of the fake API; `url` is its root, like https://ll.thespacedevs.com/2.3.0/."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.page_cap = 100  # the real API caps `limit` at 100; tests set it lower
        self.count_override: int | None = None
        self.repeat_on_page: dict[int, dict[str, Any]] = {}  # offset -> extra record on that page
        self.faults: dict[str, deque[tuple[Any, ...]]] = defaultdict(deque)  # path -> (kind, arg)
        self.always: dict[str, tuple[Any, ...]] = {}  # path -> fault served on every request
        self.files: dict[str, tuple[bytes, str]] = {}  # path -> (body, content type)
        self.delays: dict[str, float] = {}  # path -> seconds to sleep before answering
        self.requests: list[str] = []  # every path+query asked for, in order
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/2.3.0/"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeLL2:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def fault(self, path: str, kind: str, arg: Any = None, *, times: int = 1) -> None:
        """Queue a fault for the next `times` requests of path: "429", "503", "500", "badjson", "status"."""
        for _ in range(times):
            self.faults[path].append((kind, arg))

    def add_file(self, path: str, body: bytes, content_type: str = "image/jpeg") -> str:
        self.files[path] = (body, content_type)
        return self.origin + path

    def page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        limit = min(int(query.get("limit", ["10"])[0]), self.page_cap)
        offset = int(query.get("offset", ["0"])[0])
        results = list(self.records[offset: offset + limit])
        if offset in self.repeat_on_page:
            results.append(self.repeat_on_page[offset])
        nxt = None
        if offset + limit < len(self.records):
            params = {k: v[0] for k, v in query.items()}
            params.update(limit=str(limit), offset=str(offset + limit))
            nxt = f"{self.url}spacecraft/?{urlencode(params)}"
        count = self.count_override if self.count_override is not None else len(self.records)
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
                    queued = fake.faults[parts.path].popleft() if fake.faults[parts.path] else None
                fault = queued or fake.always.get(parts.path)
                delay = fake.delays.get(parts.path)
                if delay:
                    time.sleep(delay)
                if fault:
                    return self._fault(*fault)
                if parts.path in fake.files:
                    body, ctype = fake.files[parts.path]
                    return self._send(200, body, ctype)
                if parts.path == "/2.3.0/spacecraft/":
                    body = json.dumps(fake.page(parse_qs(parts.query))).encode()
                    return self._send(200, body, "application/json")
                self._send(404, b'{"detail": "Not found."}', "application/json")

            def _fault(self, kind: str, arg: Any = None) -> None:
                if kind == "429":
                    headers = {"Retry-After": str(arg)} if arg is not None else {}
                    body = b'{"detail": "Request was throttled. Expected available in 1 second."}'
                    self._send(429, body, "application/json", headers)
                elif kind == "badjson":
                    self._send(200, b'{"count": 3, "results": [', "application/json")
                elif kind == "status":
                    self._send(int(arg), b"<html>error</html>", "text/html")
                else:
                    self._send(int(kind), b'{"detail": "error"}', "application/json")

            def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
