"""Render the pages on every core: forked workers share the catalog and write into one new tree.

Rendering is most of a build, and pure Python, so threads do not help. Workers are forked after
everything is gathered, so they inherit the catalog and the Jinja environment without copying or
pickling them; they write their pages through the shared SiteWriter (the parent created its tree
before forking) and send back only each page's path and digest.

The parent renders the pages that list spacecraft (its card cache then renders each card once);
the detail pages are handed out in small chunks from a shared counter, so the work balances itself
whatever the page mix.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import mmap
import os
import pickle
import signal
from collections.abc import Iterable, Iterator
from typing import Any

from ..data.gathered import gc_paused
from ..errors import CatalogError
from ..files import Output, die_with_parent, libc
from ..progress import NULL, Tracker, track
from ..render import Renderer
from ..site.plan import LISTS_SPACECRAFT, Page
from .writer import SiteWriter

log = logging.getLogger("catalog.build")

MIN_PAGES = 400  # below this a fork costs more than the second core saves (BuildOptions.parallel_threshold)
CHUNK = 48  # pages a worker takes at a time


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def render_pages(writer: SiteWriter, renderer: Renderer, pages: Iterable[Page], *,
                 alongside: Iterable[Output] = (),
                 workers: int | None = None, min_pages: int = MIN_PAGES) -> int:
    """Render and write every planned page; return how many.

    `alongside` write the other files (search index, thumbnails...) through the writer, while the
    workers start on the pages: in the parent, or in the first worker those that may run anywhere. `workers`: processes in all, the parent
    included (None: one per core); below `min_pages` pages everything happens in this process.
    """
    workers = workers or cpu_count()
    with gc_frozen():
        # The plan runs here, its generator drawn with the collector off: each of the 310,000 pages at
        # 100,000 records is a few new objects, and the collections they set off cost 3.6 s of the 5.5 s
        # the plan took (benchmarks/README.md); the pages make no cycles.
        pages = list(pages)
        return _render_all(writer, renderer, pages, alongside, workers, min_pages)


def _render_all(writer: SiteWriter, renderer: Renderer, pages: list[Page], alongside: Iterable[Output],
                workers: int, min_pages: int) -> int:
    with track("rendering", len(pages), unit="pages") as bar:
        if workers < 2 or len(pages) < min_pages or not hasattr(os, "fork"):
            for page in pages:
                render_one(writer, renderer, page)
                bar.advance()
            log.debug("%d pages rendered in one process (%d kept from the last build)",
                      len(pages) - writer.reused, writer.reused)
            for output in alongside:
                output.run(writer)
            return len(pages)
        # The parent renders the pages made of cards: its card cache then renders each card once.
        lists = [p for p in pages if p.kind in LISTS_SPACECRAFT]
        shared = [p for p in pages if p.kind not in LISTS_SPACECRAFT]
        _Pool(writer, renderer, shared, workers - 1, bar).run(lists, alongside)
        bar.update_to(len(pages))
        log.debug("%d pages rendered by %d processes (%d kept from the last build)", len(pages) - writer.reused,
                  workers, writer.reused)
        return len(pages)


def render_one(writer: SiteWriter, renderer: Renderer, page: Page) -> None:
    """Write one page: kept from the previous build when made from the same inputs, else rendered."""
    key = renderer.key(page)
    if key is not None and writer.reuse(page.path, key):
        return
    writer.write(page.path, renderer.render(page), key)


@contextlib.contextmanager
def gc_off() -> Iterator[None]:
    """The cycle collector off for a block that makes many objects and no cycles (the sitemap, the
    manifest of 400,000 files at 100,000 records), and on again after, without freezing anything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Keep the cycle collector off while pages are rendered.

    At 100,000 records the catalog is millions of objects; each full collection, triggered by
    the cards piling up in the card cache, walked all of them (a list page took 3 times longer).
    Frozen, they are also never touched by a forked worker's collector, so they stay shared.
    Rendering makes next to no cycles (a few Jinja macro objects per list page, about 100 KB per
    1,000 pages), so the collector stays off altogether until the pages are written.
    """
    gc.freeze()
    try:
        with gc_paused():
            yield
    finally:
        gc.unfreeze()


class _Pool:
    """The parent and `children` forked workers, pulling chunks of `shared` from one counter."""

    def __init__(self, writer: SiteWriter, renderer: Renderer, shared: list[Page], children: int,
                 bar: Tracker = NULL) -> None:
        self.writer, self.renderer, self.shared, self.children = writer, renderer, shared, children
        self.bar, self.parent, self.own_done = bar, os.getpid(), 0
        self.next_chunk = _SharedCounter()
        self.pids: dict[int, int] = {}  # pid -> read end of its result pipe

    def run(self, own: list[Page], alongside: Iterable[Output] = ()) -> None:
        self.writer.begin()  # the shared tree must exist before the fork
        self.renderer.prepare_fork()
        libc()  # loaded once here, not in every worker (die_with_parent)
        try:
            # The outputs that may run anywhere go to the first worker: the parent has the others and
            # the list pages, so that when most detail pages are kept from the last build (SiteWriter.reuse)
            # the worker is not left idle while the parent works through everything else.
            alongside = list(alongside)
            handed = [o for o in alongside if o.anywhere]
            for child in range(self.children):
                self._fork(handed if child == 0 else [])
            for output in alongside:
                if not output.anywhere:
                    output.run(self.writer)
            for page in own:
                self._render(page)
                self.own_done += 1
                self._report()
            self._work()
            for pid in list(self.pids):
                self.writer.absorb(*self._collect(pid))
        finally:
            self._stop()
            self.next_chunk.close()

    def _fork(self, outputs: list[Output]) -> None:
        read, write = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker: never return into the caller's code (its cleanup is the parent's)
            die_with_parent(parent)  # a killed build leaves no worker writing on
            os.close(read)
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it, workers just stop
                self.writer.detach()
                for output in outputs:
                    output.run(self.writer)
                self._work()
                reply: tuple[str, Any] = ("ok", self.writer.results())
                status = 0
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                reply = ("error", exc)
            try:
                data = pickle.dumps(reply)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled: keep its words
                data = pickle.dumps(("error", RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))
            with os.fdopen(write, "wb") as out:
                out.write(data)
            os._exit(status)
        os.close(write)
        self.pids[pid] = read

    def _work(self) -> None:
        while True:
            start = self.next_chunk.take(CHUNK)
            if start >= len(self.shared):
                return
            for page in self.shared[start:start + CHUNK]:
                self._render(page)
            self._report()

    def _report(self) -> None:
        """Progress, from the parent only: its own pages, and the chunks handed out less those still in hand."""
        if os.getpid() == self.parent:
            taken = min(self.next_chunk.take(0), len(self.shared))
            self.bar.update_to(self.own_done + max(0, taken - self.children * CHUNK))

    def _render(self, page: Page) -> None:
        render_one(self.writer, self.renderer, page)

    def _collect(self, pid: int) -> tuple[dict[str, str], int]:
        with os.fdopen(self.pids.pop(pid), "rb") as src:
            data = src.read()
        _, status = os.waitpid(pid, 0)
        try:
            kind, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - whatever the worker left (nothing, half a pickle) means it died
            code = os.waitstatus_to_exitcode(status)
            raise CatalogError(f"a render worker stopped without a result (exit status {code})") from None
        if kind == "error":
            raise value
        return value

    def _stop(self) -> None:
        """After a failure here (Ctrl-C included): stop the workers before the caller throws their
        tree away. SIGKILL: a worker has nothing to clean up, and a stopped one ignores SIGTERM."""
        for pid, read in self.pids.items():
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
            os.close(read)
        self.pids.clear()


class _SharedCounter:
    """A counter that forked processes share: shared memory, and a pipe holding one byte as its lock.

    It stands in for multiprocessing.Value, whose imports (ctypes, sockets, pickling helpers) take
    longer than rendering a small site's pages on the second core saves.
    """

    def __init__(self) -> None:
        self.memory = mmap.mmap(-1, 8)  # anonymous and shared: a forked child sees the same bytes
        self.lock_read, self.lock_write = os.pipe()
        os.write(self.lock_write, b".")

    def take(self, step: int) -> int:
        """Return the value and add step to it, atomically across the processes."""
        os.read(self.lock_read, 1)  # blocks while another process holds the byte
        try:
            value = int.from_bytes(self.memory[:8], "little")
            self.memory[:8] = (value + step).to_bytes(8, "little")
        finally:
            os.write(self.lock_write, b".")
        return value

    def close(self) -> None:
        os.close(self.lock_read)
        os.close(self.lock_write)
        self.memory.close()
