"""Preview a built site on localhost with the standard library's HTTP server.

What it answers, decided in one place each:
- which requests: only those whose Host is the server's own address (`127.0.0.1:PORT` or
  `localhost:PORT`), so a page on another site that rebinds its DNS name to 127.0.0.1 reads nothing
  (check_host);
- which files: regular files under the output folder only, after every symlink is resolved; a
  folder's index.html, never a listing (file_for);
- what bytes: one reply() for GET and HEAD alike, so HEAD announces the length GET sends, also for
  the pages the live preview adds its reload script to;
- what a client that hangs up gets: one log line, never a traceback (handle).
"""
from __future__ import annotations

import functools
import io
import logging
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from ..site.urls import Urls

log = logging.getLogger(__name__)

# What the preview adds to each HTML page it serves (never to the files on disk): ask the server for
# the site's version every half second and reload the page when a rebuild has changed it.
RELOAD_PATH = "/__reload"
RELOAD_SCRIPT = b"""<script>(function () {
  var seen = null;
  function poll() {
    fetch("/__reload", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (v) {
      if (seen !== null && v !== seen) { location.reload(); return; }
      seen = v; setTimeout(poll, 500);
    }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();</script>
"""

# What the live preview answers for the offline app's sw.js: a worker that caches and answers nothing
# (no fetch handler), so every request reaches this server and an edit shows on the next load. It
# takes over at once from a real worker a plain --serve left on this address, and deletes that
# worker's caches (those of this scope only: catalog/site/offline.py names them).
PREVIEW_WORKER = b"""// The live preview's stand-in for the offline app's worker (catalog/output/serve.py).
"use strict";
var OWN = "spacecraft-catalog:" + self.registration.scope + ":";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(OWN) === 0; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});
"""


class Version:
    """The served site's version: the watcher bumps it after each good rebuild."""

    def __init__(self) -> None:
        self.number = 0

    def bump(self) -> None:
        self.number += 1


class _Server(ThreadingHTTPServer):
    """The HTTP server; `hosts` are the Host headers it answers."""

    daemon_threads = True
    hosts: frozenset[str] = frozenset()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A bug in answering one request: one line, never a traceback; the server goes on."""
        exc = sys.exc_info()[1]
        log.warning("error: unexpected %s answering %s: %s", type(exc).__name__, client_address[0], exc)


class _Handler(SimpleHTTPRequestHandler):
    root: Path  # the output folder, resolved
    version: Version | None = None  # the live preview's (--watch), else None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.info("%s %s", self.address_string(), format % args)

    def handle(self) -> None:
        try:
            super().handle()
        except ConnectionError:  # a reset, a closed tab: nobody is left to answer
            asked = f"{self.command} {self.path}" if getattr(self, "command", None) else "its request"
            log.info("%s hung up before the reply to %s was sent", self.address_string(), asked)

    def parse_request(self) -> bool:
        return super().parse_request() and self.check_host()

    def check_host(self) -> bool:
        """Answer only requests for this server's own address: refuse any other Host with 421."""
        server = self.server
        assert isinstance(server, _Server)
        if self.headers.get("Host", "") in server.hosts:
            return True
        self.send_error(421, "Misdirected Request", f"this preview answers only {' or '.join(sorted(server.hosts))}")
        return False

    def send_head(self) -> BinaryIO | None:
        """Send the status and headers of the reply to GET or HEAD; return its body (None: sent already)."""
        path = unquote(urlsplit(self.path).path)
        if self.version is not None and path == RELOAD_PATH:
            return self.reply(str(self.version.number).encode(), "text/plain; charset=utf-8")
        if self.version is not None and path == "/" + Urls.service_worker:
            return self.reply(PREVIEW_WORKER, "text/javascript; charset=utf-8")
        file = self.file_for(path)
        if file is None:
            self.send_error(404, "File not found")
            return None
        if self.version is not None and file.suffix == ".html":
            return self.reply(with_reload_script(file.read_bytes()), "text/html; charset=utf-8")
        return self.reply(file, self.guess_type(str(file)))

    def file_for(self, path: str) -> Path | None:
        """The regular file under the output that a request path names (`folder/`: its index.html), or
        None: a path out of the output, through a symlink or not, a null byte, a device, a listing."""
        try:
            target = Path(self.translate_path(path)).resolve(strict=True)
            if target.is_dir() and path.endswith("/"):
                target = (target / "index.html").resolve(strict=True)
        except (OSError, ValueError, RuntimeError):  # missing, a null byte, a symlink loop
            return None
        if not target.is_relative_to(self.root) or not target.is_file():
            return None
        return target

    def reply(self, content: bytes | Path, content_type: str) -> BinaryIO:
        """Send the headers of a 200 with these bytes or this file's; return the body for GET to copy
        (and HEAD to close)."""
        body: BinaryIO = io.BytesIO(content) if isinstance(content, bytes) else content.open("rb")
        size = len(content) if isinstance(content, bytes) else os.fstat(body.fileno()).st_size
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(size))
        self.send_header("Cache-Control", "no-cache")  # a preview shows each file as it is now
        self.end_headers()
        return body


def with_reload_script(page: bytes) -> bytes:
    """The page with the live preview's reload script before its </body>."""
    at = page.rfind(b"</body>")
    return page[:at] + RELOAD_SCRIPT + page[at:] if at >= 0 else page + RELOAD_SCRIPT


def make_server(folder: Path, *, host: str = "127.0.0.1", port: int = 8000,
                version: Version | None = None) -> ThreadingHTTPServer:
    """A server for the files in folder (port 0 picks a free one); call serve_forever() to run it.
    With a version, HTML pages reload themselves when it changes (the live preview)."""
    root = folder.resolve()
    handler_class = type("Handler", (_Handler,), {"root": root, "version": version})
    server = _Server((host, port), functools.partial(handler_class, directory=str(root)))
    bound = server.server_address[1]
    server.hosts = frozenset({f"{host}:{bound}", f"127.0.0.1:{bound}", f"localhost:{bound}"})
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    """The address to open in a browser."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"  # an AF_INET server's host is a str
