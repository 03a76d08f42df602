"""Download each image's original once into the cache: a few at a time, with size and time limits,
checked for really being an image; the API's thumbnail URL is the fallback."""
from __future__ import annotations

import concurrent.futures as cf
import hashlib
import io
import logging
import threading
import warnings
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..data import transport, weburl
from ..data.models import Image
from ..files import atomic_write
from ..progress import track
from .settings import MAX_BYTES, MAX_PIXELS, pillow
from .store import SourceEntry, Store
from .uses import Use

if TYPE_CHECKING:  # imported where used: an offline build never pays for requests
    import requests

log = logging.getLogger(__name__)

DOWNLOAD_WORKERS = 6
IMAGE_TIMEOUT = 20.0  # seconds per read (connect, and each wait for bytes)
IMAGE_DEADLINE = 60.0  # seconds for a whole download, however slowly its bytes come
WAIT_SLICE = 0.25  # seconds: the main thread waits on downloads in slices this long, so Ctrl-C gets in
IMAGE_RETRIES = 2
MAGIC = (
    (b"\xff\xd8\xff", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tif"),
    (b"MM\x00*", "tif"),
    (b"BM", "bmp"),
)


class ImageError(Exception):
    """One image could not be used; the message says why (the caller adds the URL)."""


class TransientError(ImageError):
    """A failure worth retrying on the next --fetch (timeouts, 5xx, refused connections)."""


def urls_of(image: Image) -> tuple[str, ...]:
    """The URLs to try for an image, best first: the full image, then the API's thumbnail."""
    return tuple(u for u in dict.fromkeys((image.image_url, image.thumbnail_url)) if u)


def needs_download(entry: SourceEntry | None, image: Image, src_ok: bool) -> bool:
    """True for an image never fetched, whose URLs changed, whose file is gone, or that failed for now."""
    if entry is None or entry.urls != urls_of(image):
        return True
    if entry.error:
        return not entry.permanent
    return not src_ok


def fetch_sources(store: Store, uses: dict[str, Use], options: transport.FetchOptions, *,
                  max_bytes: int = MAX_BYTES) -> int:
    """Download what the cache lacks, a few at a time; return how many arrived.

    Ctrl-C ends it at once: the main thread waits on each download in short slices (so the
    interrupt is delivered), then cancels the queued ones and cuts those in flight.
    """
    todo = [key for key, use in uses.items()
            if needs_download(store.sources.get(key), use.image, store.source_path(key) is not None)]
    if not todo:
        return 0
    # Never send the API key to image hosts; images get fewer retries than the API pages.
    options = options._replace(api_key=None, retries=min(options.retries, IMAGE_RETRIES),
                               timeout=min(options.timeout, IMAGE_TIMEOUT),
                               deadline=min(options.deadline, IMAGE_DEADLINE))
    local = threading.local()
    stop = threading.Event()

    def job(key: str) -> SourceEntry:
        if not hasattr(local, "session"):
            local.session = transport.make_session(options)
        entry = download_any(local.session, uses[key].image, store.src_dir, timeout=options.timeout,
                             max_bytes=max_bytes, deadline=options.deadline, stop=stop)
        bar.advance(size=(store.src_dir / entry.file).stat().st_size if entry.file and not entry.error else 0)
        return entry

    log.info("downloading %d images", len(todo))
    bar = track("downloading", len(todo), unit="images", sizes=True)
    downloaded = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pillow().DecompressionBombWarning)  # download_any checks sizes
            futures = run_all(job, todo, workers=min(DOWNLOAD_WORKERS, len(todo)), stop=stop)
            for key, future in zip(todo, futures, strict=True):  # in order: the same warnings, the same order
                entry = outcome(future)
                if entry.error and store.source_path(key) is not None:
                    # A new URL that fails (a host outage) must not cost the copy we have: keep it
                    # and its entry, so the next --fetch tries the new URL again.
                    log.warning("image for %s: %s; showing the copy downloaded before",
                                uses[key].who(), entry.error)
                    continue
                store.sources[key] = entry
                downloaded += not entry.error
    except BaseException:  # Ctrl-C above all: start nothing more, and cut the downloads under way
        stop.set()
        transport.cancel_requests()
        raise
    finally:
        bar.close()
        store.changed(store.src_dir)
    return downloaded


def run_all(job: Callable[[str], SourceEntry], keys: list[str], *, workers: int,
            stop: threading.Event) -> list[cf.Future[SourceEntry]]:
    """Run job(key) for every key on `workers` threads; return a future per key, in order.

    Daemon threads, not a ThreadPoolExecutor: the interpreter joins an executor's threads before
    it exits, so one download stuck in a connect would hold a Ctrl-C'd build for its whole timeout.
    Once `stop` is set no job starts; those running see it between chunks, or are cut.
    """
    futures: list[cf.Future[SourceEntry]] = [cf.Future() for _ in keys]
    queue = deque(zip(keys, futures, strict=True))

    def worker() -> None:
        while not stop.is_set():
            try:
                key, future = queue.popleft()  # atomic: several workers share the queue
            except IndexError:
                return
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job(key))
            except BaseException as exc:  # noqa: BLE001 (handed to the main thread, which raises it)
                future.set_exception(exc)

    for number in range(workers):
        threading.Thread(target=worker, name=f"image-download-{number}", daemon=True).start()
    return futures


def outcome(future: cf.Future[SourceEntry]) -> SourceEntry:
    """The result of a download, waited for in short slices: a bare wait may hold off Ctrl-C."""
    while True:
        try:
            return future.result(timeout=WAIT_SLICE)
        except cf.TimeoutError:
            continue


def download_any(session: requests.Session, image: Image, folder: Path, *, timeout: float,
                 max_bytes: int = MAX_BYTES, deadline: float = IMAGE_DEADLINE,
                 stop: threading.Event | None = None) -> SourceEntry:
    """Fetch the image URL, else the thumbnail URL; return the cache index entry (file or error)."""
    urls = urls_of(image)
    errors: list[str] = []
    permanent = True
    for url in urls:
        if stop is not None and stop.is_set():
            errors.append(f"{url}: interrupted")
            permanent = False
            break
        try:
            body, ext = download(session, url, timeout=timeout, max_bytes=max_bytes, deadline=deadline, stop=stop)
        except ImageError as exc:
            errors.append(f"{url}: {exc}")
            permanent = permanent and not isinstance(exc, TransientError)
            continue
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        name = f"{digest}.{ext}"
        if not (folder / name).is_file():
            atomic_write(folder / name, body)
        return SourceEntry(urls=urls, url=url, file=name, digest=digest)
    return SourceEntry(urls=urls, url=urls[0] if urls else None, error="; ".join(errors), permanent=permanent)


def download(session: requests.Session, url: str, *, timeout: float, max_bytes: int = MAX_BYTES,
             deadline: float = IMAGE_DEADLINE, stop: threading.Event | None = None) -> tuple[bytes, str]:
    """GET one image within its size limit and deadline; return its bytes and file extension."""
    import requests

    try:
        weburl.check(url)  # the URL is requested as it was read (normalize's check), by the same parser
    except weburl.UrlError as exc:
        raise ImageError(f"not a usable URL (it {exc})") from None
    with transport.watch(deadline) as cut:
        try:
            with session.get(url, timeout=timeout, stream=True, headers={"Accept": "image/*"}) as response:
                if response.status_code != 200:
                    error = (TransientError if response.status_code in (408, 429) or response.status_code >= 500
                             else ImageError)
                    raise error(f"HTTP {response.status_code}")
                ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                body = transport.read_body(response, limit=max_bytes, cut=cut, stop=stop)
        except transport.TooLarge as exc:
            raise ImageError(f"too big ({exc})") from None
        except (requests.RequestException, transport.DeadlineExceeded) as exc:
            raise TransientError(transport.reason(exc, cut)) from None
    ext = sniff(body)
    if ext is None:
        what = "an HTML page" if body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html")) else "not an image"
        raise ImageError(f"{what} ({ctype or 'no content type'}, {len(body):,} bytes)")
    check_header(body)
    return body, ext


def sniff(body: bytes) -> str | None:
    """The file extension that the first bytes announce, or None when they are not a known image."""
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp"
    for magic, ext in MAGIC:
        if body.startswith(magic):
            return ext
    return None


def check_header(body: bytes) -> None:
    """Read the image header only: refuse what Pillow cannot open and decompression bombs."""
    pil = pillow()
    try:
        with pil.open(io.BytesIO(body)) as im:
            width, height = im.size
    except pil.DecompressionBombError:
        raise ImageError(f"refused: too many pixels (limit {MAX_PIXELS:,})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"unreadable image ({exc})") from None
    if width * height > MAX_PIXELS:
        raise ImageError(f"refused: {width}x{height} pixels is over the limit of {MAX_PIXELS:,}")
    if width < 1 or height < 1:
        raise ImageError("empty image")


