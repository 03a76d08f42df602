"""Progress of the long stages (fetch, downloads, resizing, rendering): silent unless turned on.

build() run from a library shows nothing: every stage gets the no-op tracker. The command line
calls enable(): on a terminal each stage then draws a tqdm bar on stderr (done of total, a
percentage, the rate and an ETA); elsewhere (a CI log) it says where it is in a plain line every
`interval` seconds, through the catalog.progress logger, so -q and the log format apply. tqdm is
imported only when a bar is drawn: a build with nothing to do never loads it.

Stages report from the process that runs the build: threads may advance a tracker, forked
workers never do (the parent counts their pages).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

log = logging.getLogger(__name__)

INTERVAL = 10.0  # seconds between plain lines: a line now and then in a CI log, not one per image

_settings: dict[str, Any] = {}  # set by enable(): "terminal", "stream", "interval", "pid"
_bars_open = 0


class Tracker:
    """One stage's progress: advance() as work completes; closes as a context manager. Does nothing."""

    def advance(self, done: int = 1, *, size: int = 0) -> None:
        """Count `done` more units of work (and `size` more bytes of it)."""

    def total(self, total: int) -> None:
        """The amount of work, once it is known (a fetch learns it from the first page)."""

    def update_to(self, done: int) -> None:
        """Set the units done so far."""

    def close(self) -> None:
        """End the stage."""

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


NULL = Tracker()


def enable(*, stream: TextIO, terminal: bool, interval: float = INTERVAL) -> None:
    """Show progress from now on: bars on a terminal, else a plain line every `interval` seconds."""
    _settings.update(stream=stream, terminal=terminal, interval=interval, pid=os.getpid())


def disable() -> None:
    """Back to silence (the default)."""
    _settings.clear()


def track(what: str, total: int | None, *, unit: str, sizes: bool = False) -> Tracker:
    """A tracker for a stage doing `total` units of work (None: not known yet); sizes: count bytes too."""
    if not _settings or _settings["pid"] != os.getpid():  # off, or a forked worker
        return NULL
    if _settings["terminal"]:
        return _Bar(what, total, unit=unit, sizes=sizes, stream=_settings["stream"])
    return _Lines(what, total, unit=unit, sizes=sizes, interval=_settings["interval"])


def write(text: str, stream: TextIO | None = None) -> None:
    """Print a line on stderr without breaking a bar being drawn."""
    out = stream or _settings.get("stream") or sys.stderr
    if _bars_open:
        from tqdm import tqdm

        tqdm.write(text, file=out)
    else:
        out.write(text + "\n")
        out.flush()


def megabytes(size: float) -> str:
    """A size for people: 830 B, 95.2 kB, 12.4 MB."""
    if size < 1e3:
        return f"{size:.0f} B"
    return f"{size / 1e3:.1f} kB" if size < 1e6 else f"{size / 1e6:.1f} MB"


class _Bar(Tracker):
    """A tqdm bar on the terminal."""

    def __init__(self, what: str, total: int | None, *, unit: str, sizes: bool, stream: TextIO) -> None:
        global _bars_open
        from tqdm import tqdm

        self.sizes, self.size, self.started = sizes, 0, time.monotonic()
        self.bar = tqdm(total=total, desc=what, unit=f" {unit}", file=stream, leave=True, dynamic_ncols=True,
                        mininterval=0.2, smoothing=0.1,
                        bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt}{unit} "
                                   "[{elapsed}<{remaining}{postfix}]")
        _bars_open += 1

    def advance(self, done: int = 1, *, size: int = 0) -> None:
        self.size += size
        if self.sizes:
            rate = self.size / max(time.monotonic() - self.started, 1e-3)
            self.bar.set_postfix_str(f"{megabytes(self.size)}, {megabytes(rate)}/s", refresh=False)
        self.bar.update(done)

    def total(self, total: int) -> None:
        self.bar.total = total
        self.bar.refresh()

    def update_to(self, done: int) -> None:
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        global _bars_open
        if self.bar.disable:
            return
        self.bar.close()
        _bars_open -= 1


class _Lines(Tracker):
    """Plain lines for logs: where the stage is, every `interval` seconds, and how it ended if it was said."""

    def __init__(self, what: str, total: int | None, *, unit: str, sizes: bool, interval: float) -> None:
        self.what, self.all, self.unit, self.sizes, self.interval = what, total, unit, sizes, interval
        self.done, self.size = 0, 0
        self.started = self.said = time.monotonic()
        self.spoke = False
        self.lock = threading.Lock()

    def advance(self, done: int = 1, *, size: int = 0) -> None:
        with self.lock:
            self.done += done
            self.size += size
            self._maybe_say()

    def total(self, total: int) -> None:
        self.all = total

    def update_to(self, done: int) -> None:
        with self.lock:
            self.done = done
            self._maybe_say()

    def close(self) -> None:
        if self.spoke and self.said != -1.0:
            self._say()
            self.said = -1.0

    def _maybe_say(self) -> None:
        if time.monotonic() - self.said >= self.interval:
            self._say()

    def _say(self) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        line = f"{self.what}: {self.done}"
        if self.all:
            line += f" of {self.all} {self.unit} ({100 * self.done // self.all}%)"
        else:
            line += f" {self.unit}"
        if self.sizes:
            line += f", {megabytes(self.size)} at {megabytes(self.size / max(elapsed, 1e-3))}/s"
        if self.all and 0 < self.done < self.all:
            line += f", about {(self.all - self.done) * elapsed / self.done:.0f} s left"
        log.info("%s", line)
        self.said, self.spoke = now, True
