"""Preview a built site on localhost with the standard library's HTTP server."""
from __future__ import annotations

import functools
import logging
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        log.info("%s %s", self.address_string(), format % args)


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


class Version:
    """The served site's version: the watcher bumps it after each good rebuild."""

    def __init__(self) -> None:
        self.number = 0

    def bump(self) -> None:
        self.number += 1


class _ReloadingHandler(_Handler):
    version: Version

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == RELOAD_PATH:
            self._send(str(self.version.number).encode(), "text/plain; charset=utf-8")
            return
        file = Path(self.translate_path(path))
        if file.is_dir():
            file = file / "index.html"
        if file.suffix != ".html" or not file.is_file():
            super().do_GET()
            return
        body = file.read_bytes()
        at = body.rfind(b"</body>")
        body = body[:at] + RELOAD_SCRIPT + body[at:] if at >= 0 else body + RELOAD_SCRIPT
        self._send(body, "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def make_server(folder: Path, *, host: str = "127.0.0.1", port: int = 8000,
                version: Version | None = None) -> ThreadingHTTPServer:
    """A server for the files in folder (port 0 picks a free one); call serve_forever() to run it.
    With a version, HTML pages reload themselves when it changes (the live preview)."""
    if version is not None:
        handler_class = type("Handler", (_ReloadingHandler,), {"version": version})
        handler = functools.partial(handler_class, directory=str(folder))
    else:
        handler = functools.partial(_Handler, directory=str(folder))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def url_of(server: ThreadingHTTPServer) -> str:
    """The address to open in a browser."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"  # an AF_INET server's host is a str
