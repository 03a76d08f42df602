"""Images: download each unique image once into the cache, then publish resized WebP and JPEG copies.

`prepare()` runs in four steps, each cheap when there is nothing new:
1. plan: one entry per unique image (`Image.key`), with the spacecraft and configurations using it;
2. download (only with --fetch): sources not yet cached, or whose URLs changed, in a small thread
   pool, checked for size and for really being an image; the thumbnail URL is the fallback;
3. resize: thumbnails whose files are missing, on every core; their names derive from the source
   bytes' digest and the parameters (Lektor style), so an unchanged source is never resized again;
4. hand over: the HTML-ready data of each image (computed once, not per page) and the files.

Cache layout, under <cache>/images/: `index.json` (what each image key resolved to, and the sizes
of each thumbnail set), `src/<digest>.<ext>` (originals), `thumbs/<stem>-<width>w.{webp,jpg}`.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import hashlib
import io
import json
import logging
import os
import threading
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from functools import cache
from typing import TYPE_CHECKING, Any

from . import api
from .files import atomic_write
from .models import Image

if TYPE_CHECKING:  # imported where used: an offline build never pays for requests, nor one with
    import requests  # no new image for Pillow (about 40 ms of start-up between them)
    from PIL import Image as PILImage

log = logging.getLogger(__name__)

WIDTHS = (320, 800)  # card and page renditions; both feed every srcset
MAX_ASPECT = 1.5  # a rendition is at most 1.5 times as tall as it is wide (very tall images shrink)
WEBP_OPTIONS = {"quality": 80, "method": 2}  # method 4: 2.2 times slower for files 3-8 % smaller
JPEG_OPTIONS = {"quality": 82, "progressive": True, "optimize": True}
BACKGROUND = (238, 241, 247)  # alpha is flattened onto the site's neutral image background
PARAMS = f"v2 widths={WIDTHS} aspect={MAX_ASPECT} webp={WEBP_OPTIONS} jpeg={JPEG_OPTIONS} bg={BACKGROUND}"

MAX_BYTES = 25 * 1024 * 1024  # refuse larger downloads
MAX_PIXELS = 50_000_000  # refuse larger images (decompression bombs) before decoding them
DOWNLOAD_WORKERS = 6
IMAGE_TIMEOUT = 20.0  # seconds per request; the whole body must arrive within 4 times that
IMAGE_RETRIES = 2

# How wide each use is drawn (static/css/site.css), so the browser picks the smallest file that fits.
SIZES = {
    "card": "(max-width: 44rem) 7.5rem, 18rem",  # a row on phones, a grid cell of 15-20rem elsewhere
    "page": "(max-width: 44rem) calc(100vw - 2rem), (max-width: 72rem) 52vw, 36rem",
    "thumb": "6rem",  # the Credits table
}
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


def pillow() -> Any:
    """Pillow's Image module, imported on first use: a build with nothing new to check or resize never loads it."""
    from PIL import Image as PILImage

    PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this and refuses above twice this
    return PILImage


@cache
def colour_management() -> tuple[Any, Any]:
    """(ImageCms, an sRGB profile), or (None, None) in a Pillow built without it: ICC profiles are then dropped."""
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover
        return None, None
    return ImageCms, ImageCms.createProfile("sRGB")


# --- What templates get -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rendition:
    width: int
    height: int
    webp: str  # site-relative paths
    jpeg: str


class Picture:
    """The HTML-ready data of one image: renditions, and srcset strings built once per page depth."""

    __slots__ = ("renditions", "_srcsets")

    def __init__(self, renditions: tuple[Rendition, ...]) -> None:
        self.renditions = renditions  # ascending width
        self._srcsets: dict[tuple[str, str], str] = {}

    def pick(self, size: str) -> Rendition:
        """The rendition used as the plain <img src>: the smallest for cards, the largest for pages."""
        return self.renditions[-1] if size == "page" else self.renditions[0]

    def srcset(self, root: str, kind: str) -> str:
        """The srcset for `kind` ("webp" or "jpeg") as seen from a page whose root prefix is `root`."""
        key = (root, kind)
        if key not in self._srcsets:
            self._srcsets[key] = ", ".join(f"{root}{getattr(r, kind)} {r.width}w" for r in self.renditions)
        return self._srcsets[key]

    def sizes(self, size: str) -> str:
        return SIZES.get(size, SIZES["card"])


@dataclass(frozen=True, slots=True)
class Prepared:
    """What an images stage hands to the rest of the build."""

    pictures: dict[str, Picture]  # Image.key -> picture; a missing key shows the placeholder
    files: tuple[tuple[str, Path, str], ...]  # (site path, cached file, digest) to publish
    downloaded: int = 0
    resized: int = 0
    failed: int = 0
    not_cached: int = 0

    def publish(self, writer: Any) -> None:
        """Add every thumbnail to the site; the writer skips files the last build already has."""
        for path, source, digest in self.files:
            writer.copy(path, source, digest)


# --- The stage ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Use:
    image: Image
    users: list[str]  # names of the spacecraft and configurations that show it

    def who(self) -> str:
        names = self.users[:3]
        more = len(self.users) - len(names)
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def prepare(catalog: Any, *, cache: Path, options: api.FetchOptions | None = None,
            workers: int | None = None, max_bytes: int = MAX_BYTES) -> Prepared:
    """Make every image of the catalog ready: download new ones (only with options), resize, describe."""
    uses = plan(catalog)
    store = Store(cache / "images")
    downloaded = resized = 0
    try:
        if options is not None:
            downloaded = fetch_sources(store, uses, options, max_bytes=max_bytes)
        resized = make_thumbnails(store, uses, workers=workers)
        if store.dirty:
            store.prune()  # only after a change, so a build with nothing new deletes nothing either
    finally:
        store.save()  # even when interrupted: what arrived is kept for the next build
    failed = report_failures(store, uses)
    pictures, files = describe(store, uses)
    not_cached = sum(1 for key in uses if store.source_path(key) is None and not store.sources.get(key, {}).get("error"))
    if not_cached and options is None:
        log.info("%d images are not downloaded yet: placeholders shown (build with --fetch to get them)",
                 not_cached)
    log.info("images: %d in use, %d downloaded, %d resized, %d shown as placeholders",
             len(uses), downloaded, resized, len(uses) - len(pictures))
    return Prepared(pictures, files, downloaded=downloaded, resized=resized, failed=failed,
                    not_cached=not_cached)


def report_failures(store: Store, uses: dict[str, Use]) -> int:
    """Warn once per image that shows a placeholder because of a failure, naming its pages and URL."""
    failed = 0
    for key, use in uses.items():
        entry = store.sources.get(key)
        if entry is None:
            continue
        if entry.get("error"):
            log.warning("no image for %s: %s", use.who(), entry["error"])
        elif entry.get("digest"):
            made = store.thumbs.get(thumb_stem(entry["digest"])) or {}
            if not made.get("error"):
                continue
            log.warning("no image for %s: %s could not be resized (%s)", use.who(), entry.get("url"), made["error"])
        else:
            continue
        failed += 1
    return failed


def plan(catalog: Any) -> dict[str, Use]:
    """Every unique image of the catalog with the pages showing it, in a stable order."""
    uses: dict[str, Use] = {}

    def add(image: Image | None, name: str) -> None:  # once per spacecraft: no Use made in vain
        if image is not None:
            use = uses.get(key := image.key)
            if use is None:
                use = uses[key] = Use(image, [])
            use.users.append(name)

    for group in catalog.configurations:
        add(group.subject.image, f"configuration {group.subject.name}")
    for craft in catalog.spacecraft:
        add(craft.shown_image, f"spacecraft {craft.name}")
    return uses


class Store:
    """The image cache on disk: originals, thumbnails and the index that ties them to image keys."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.src_dir = root / "src"
        self.thumb_dir = root / "thumbs"
        self.index_file = root / "index.json"
        data = self._load()
        self.sources: dict[str, dict[str, Any]] = data.get("sources", {})
        self.thumbs: dict[str, dict[str, Any]] = data.get("thumbs", {})
        self._stale = bool(data) and data.get("params") != PARAMS  # new parameters: rewrite the index
        self._loaded = (dict(self.sources), dict(self.thumbs))  # shallow copies: cheap to compare
        self._listing: dict[Path, set[str]] = {}

    @property
    def dirty(self) -> bool:
        """Whether the index differs from the file (comparing dicts is far cheaper than dumping JSON)."""
        return self._stale or (self.sources, self.thumbs) != self._loaded

    def has(self, folder: Path, name: str) -> bool:
        """Whether folder holds the file name; one directory listing per folder, not a stat per file."""
        if folder not in self._listing:
            try:
                self._listing[folder] = {e.name for e in os.scandir(folder) if e.is_file()}
            except FileNotFoundError:
                self._listing[folder] = set()
        return name in self._listing[folder]

    def changed(self, folder: Path) -> None:
        self._listing.pop(folder, None)

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.index_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable image cache index %s (%s): images are checked again",
                        self.index_file, exc)
            return {}
        tables = [data.get(k, {}) for k in ("sources", "thumbs")] if isinstance(data, dict) else [None]
        if not all(isinstance(t, dict) and all(isinstance(e, dict) for e in t.values()) for t in tables):
            log.warning("ignoring image cache index %s of an unknown shape: images are checked again",
                        self.index_file)
            return {}
        if data.get("params") != PARAMS:  # the originals stay valid; thumbnails are made again
            return {"params": data.get("params"), "sources": data.get("sources", {})}
        return data

    def source_path(self, key: str) -> Path | None:
        entry = self.sources.get(key)
        if not entry or not entry.get("file"):
            return None
        return self.src_dir / entry["file"] if self.has(self.src_dir, entry["file"]) else None

    def prune(self) -> int:
        """Delete originals and thumbnails that no index entry names any more (a changed URL, old
        parameters); return how many files went. Entries of images out of the catalog stay."""
        sources = {e["file"] for e in self.sources.values() if e.get("file")}
        stems = {thumb_stem(e["digest"]) for e in self.sources.values() if e.get("digest")}
        self.thumbs = {stem: made for stem, made in self.thumbs.items() if stem in stems}
        thumbs = {name for stem, made in self.thumbs.items() for width, _ in made.get("sizes", ())
                  for name in thumb_names(stem, width)}
        removed = 0
        for folder, keep in ((self.src_dir, sources), (self.thumb_dir, thumbs)):
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.is_file() and entry.name not in keep:
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
            self.changed(folder)
        return removed

    def save(self) -> None:
        """Write the index atomically, and only when it changed (an offline build creates no cache)."""
        if self.dirty:
            data = {"params": PARAMS, "sources": self.sources, "thumbs": self.thumbs}
            atomic_write(self.index_file, json.dumps(data, sort_keys=True, indent=1).encode())
            self._stale, self._loaded = False, (dict(self.sources), dict(self.thumbs))


# --- Downloading --------------------------------------------------------------------------------

def urls_of(image: Image) -> list[str]:
    return [u for u in dict.fromkeys((image.image_url, image.thumbnail_url)) if u]


def needs_download(entry: dict[str, Any] | None, image: Image, src_ok: bool) -> bool:
    """True for an image never fetched, whose URLs changed, whose file is gone, or that failed for now."""
    if entry is None or entry.get("urls") != urls_of(image):
        return True
    if entry.get("error"):
        return not entry.get("permanent")
    return not src_ok


def fetch_sources(store: Store, uses: dict[str, Use], options: api.FetchOptions, *,
                  max_bytes: int = MAX_BYTES) -> int:
    """Download what the cache lacks, a few at a time; return how many arrived."""
    todo = [key for key, use in uses.items()
            if needs_download(store.sources.get(key), use.image, store.source_path(key) is not None)]
    if not todo:
        return 0
    # Never send the API key to image hosts; images get fewer retries than the API pages.
    options = dataclasses.replace(options, api_key=None, retries=min(options.retries, IMAGE_RETRIES),
                                  timeout=min(options.timeout, IMAGE_TIMEOUT))
    local = threading.local()

    def job(key: str) -> dict[str, Any]:
        if not hasattr(local, "session"):
            local.session = api.make_session(options)
        return download_any(local.session, uses[key].image, store.src_dir, timeout=options.timeout,
                            max_bytes=max_bytes)

    log.info("downloading %d images", len(todo))
    downloaded = 0
    pool = cf.ThreadPoolExecutor(max_workers=min(DOWNLOAD_WORKERS, len(todo)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pillow().DecompressionBombWarning)  # download_any checks sizes
            for key, entry in zip(todo, pool.map(job, todo)):
                if entry.get("error") and store.source_path(key) is not None:
                    # A new URL that fails (a host outage) must not cost the copy we have: keep it
                    # and its entry, so the next --fetch tries the new URL again.
                    log.warning("image for %s: %s; showing the copy downloaded before",
                                uses[key].who(), entry["error"])
                    continue
                store.sources[key] = entry
                downloaded += not entry.get("error")
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C, do not start the downloads still queued
        store.changed(store.src_dir)
    return downloaded


def download_any(session: requests.Session, image: Image, folder: Path, *, timeout: float,
                 max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """Fetch the image URL, else the thumbnail URL; return the cache index entry (file or error)."""
    urls = urls_of(image)
    errors: list[str] = []
    permanent = True
    for url in urls:
        try:
            body, ext = download(session, url, timeout=timeout, max_bytes=max_bytes)
        except ImageError as exc:
            errors.append(f"{url}: {exc}")
            permanent = permanent and not isinstance(exc, TransientError)
            continue
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        name = f"{digest}.{ext}"
        if not (folder / name).is_file():
            atomic_write(folder / name, body)
        return {"urls": urls, "url": url, "file": name, "digest": digest}
    return {"urls": urls, "url": urls[0] if urls else None, "error": "; ".join(errors), "permanent": permanent}


def download(session: requests.Session, url: str, *, timeout: float, max_bytes: int = MAX_BYTES) -> tuple[bytes, str]:
    """GET one image with size and time limits; return its bytes and file extension."""
    import requests

    started = time.monotonic()
    try:
        with session.get(url, timeout=timeout, stream=True, headers={"Accept": "image/*"}) as response:
            if response.status_code != 200:
                error = TransientError if response.status_code in (408, 429) or response.status_code >= 500 else ImageError
                raise error(f"HTTP {response.status_code}")
            ctype = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise ImageError(f"too big ({int(length):,} bytes; the limit is {max_bytes:,})")
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise ImageError(f"too big (over {max_bytes:,} bytes)")
                if time.monotonic() - started > 4 * timeout:
                    raise TransientError("too slow")
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise TransientError(api.reason(exc)) from None
    body = b"".join(chunks)
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
    PILImage = pillow()
    try:
        with PILImage.open(io.BytesIO(body)) as im:
            width, height = im.size
    except PILImage.DecompressionBombError:
        raise ImageError(f"refused: too many pixels (limit {MAX_PIXELS:,})") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"unreadable image ({exc})") from None
    if width * height > MAX_PIXELS:
        raise ImageError(f"refused: {width}x{height} pixels is over the limit of {MAX_PIXELS:,}")
    if width < 1 or height < 1:
        raise ImageError("empty image")


# --- Resizing -----------------------------------------------------------------------------------

def thumb_stem(digest: str) -> str:
    """File name stem of a source's thumbnails: its digest and every parameter that shapes them."""
    return hashlib.blake2b(f"{digest} {PARAMS}".encode(), digest_size=8).hexdigest()


def thumb_names(stem: str, width: int) -> tuple[str, str]:
    return f"{stem}-{width}w.webp", f"{stem}-{width}w.jpg"


def make_thumbnails(store: Store, uses: dict[str, Use], *, workers: int | None = None) -> int:
    """Resize every cached source whose thumbnails are missing, in parallel; return how many were tried."""
    jobs: dict[str, Path] = {}
    for key in uses:
        source = store.source_path(key)
        if source is None:
            continue
        stem = thumb_stem(store.sources[key]["digest"])
        if stem not in jobs and not thumbs_present(store, stem):
            jobs[stem] = source
    if not jobs:
        return 0
    log.info("resizing %d images", len(jobs))
    for stem, result in run_jobs(jobs, store.thumb_dir, workers):
        store.thumbs[stem] = result
    store.changed(store.thumb_dir)
    return len(jobs)


def thumbs_present(store: Store, stem: str) -> bool:
    """True when the thumbnails of stem were made (or failed for good) and their files still exist."""
    entry = store.thumbs.get(stem)
    if entry is None:
        return False
    if entry.get("error"):
        return True  # same bytes, same parameters: the same failure; do not try again
    return all(store.has(store.thumb_dir, name) for width, _ in entry["sizes"] for name in thumb_names(stem, width))


def run_jobs(jobs: dict[str, Path], out_dir: Path, workers: int | None) -> Iterable[tuple[str, dict[str, Any]]]:
    """Resize on every core; one job, or a platform without processes, runs here."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = sorted(jobs)
    workers = min(workers or os.cpu_count() or 1, len(stems))
    if workers > 1:
        try:
            # fork where there is one: no re-import of __main__ (a script calling build() needs no
            # `if __name__ == "__main__"` guard) and no start-up cost; the download threads have ended.
            import multiprocessing  # here: a build with nothing to resize does not load it

            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
            if method == "fork":  # load Pillow's plugins and colour management once, here, for every worker
                from PIL import ImageOps  # noqa: F401 - imported for the workers

                pillow().init()
                colour_management()
            context = multiprocessing.get_context(method)
            with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                # One image per task: an image is ~60 ms of work, its round trip 0.1 ms, and
                # larger chunks left a core idle at the end of each batch (4 images x 60 ms).
                results = list(pool.map(resize_job, [str(jobs[s]) for s in stems], [str(out_dir)] * len(stems),
                                        stems, chunksize=1))
            return list(zip(stems, results))
        except (OSError, cf.process.BrokenProcessPool) as exc:
            log.warning("resizing in one process: could not start workers (%s)", exc)
    return [(stem, resize_job(str(jobs[stem]), str(out_dir), stem)) for stem in stems]


def resize_job(source: str, out_dir: str, stem: str, max_pixels: int = MAX_PIXELS) -> dict[str, Any]:
    """Make every rendition of one source (runs in a worker process); return their sizes or the error."""
    PILImage = pillow()
    try:
        sizes = make_renditions(Path(source), Path(out_dir), stem, max_pixels=max_pixels)
    except PILImage.DecompressionBombError:
        return {"error": f"refused: too many pixels (limit {max_pixels:,})"}
    except PILImage.DecompressionBombWarning:
        return {"error": f"refused: too many pixels (limit {max_pixels:,})"}
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return {"error": f"unreadable image ({exc})"}
    except MemoryError:
        return {"error": "too large to decode"}
    except Exception as exc:  # a Pillow bug on odd input must cost one image, not the build
        return {"error": f"unreadable image ({type(exc).__name__}: {exc})"}
    return {"sizes": [list(s) for s in sizes]}


def make_renditions(source: Path, out_dir: Path, stem: str, *, max_pixels: int = MAX_PIXELS) -> list[tuple[int, int]]:
    """Write the WebP and JPEG renditions of one source; return their (width, height), ascending."""
    from PIL import ImageOps

    PILImage = pillow()
    PILImage.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        with PILImage.open(source) as im:
            if im.width * im.height > max_pixels:
                raise PILImage.DecompressionBombError(f"{im.width}x{im.height}")
            im.seek(0)  # the first frame of an animation
            if im.format == "JPEG":
                im.draft(im.mode, draft_size(im))  # let libjpeg decode at 1/2, 1/4 or 1/8 scale
            im.load()
            ImageOps.exif_transpose(im, in_place=True)  # in place: no copy of the decoded pixels
            picture = to_rgb(im)
    picture.info = {}  # strip EXIF, ICC, comments: nothing of the source's metadata is published
    sizes = rendition_sizes(picture.size)
    gap = 3.0  # from the source: Lanczos after at most a third of the reduction by box averaging
    for width, height in reversed(sizes):  # largest first: each smaller one is made from the last
        if (width, height) != picture.size:
            picture = picture.resize((width, height), PILImage.LANCZOS, reducing_gap=gap)
        # From a rendition (800 px) to the next (320 px): box-average by 2 first, then Lanczos;
        # 3 ms instead of 9 per image, within 47 dB of the exact resize (JPEG q82 is ~40 dB).
        gap = 1.25
        webp, jpeg = thumb_names(stem, width)
        save(picture, out_dir / webp, "WEBP", WEBP_OPTIONS)
        save(picture, out_dir / jpeg, "JPEG", JPEG_OPTIONS)
    return sizes


def rendition_sizes(size: tuple[int, int]) -> list[tuple[int, int]]:
    """The sizes to make: each width's box (never taller than MAX_ASPECT), never upscaled, no duplicates."""
    width, height = size
    out: list[tuple[int, int]] = []
    for target in WIDTHS:
        scale = min(1.0, target / width, target * MAX_ASPECT / height)
        fit = (max(1, round(width * scale)), max(1, round(height * scale)))
        if fit not in out:
            out.append(fit)
    return sorted(out)


def draft_size(im: PILImage.Image) -> tuple[int, int]:
    """The smallest decode size that still yields the largest rendition, in the file's own orientation."""
    rotated = im.getexif().get(0x0112) in (5, 6, 7, 8)
    width, height = (im.height, im.width) if rotated else im.size
    big_w, big_h = rendition_sizes((width, height))[-1]
    return (big_h, big_w) if rotated else (big_w, big_h)


def to_rgb(im: PILImage.Image) -> PILImage.Image:
    """Convert any mode to RGB: colour-managed to sRGB when possible, alpha flattened on BACKGROUND."""
    if im.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")  # 16-bit greys would clip
    ImageCms, SRGB = colour_management()
    icc = im.info.get("icc_profile")
    if icc and ImageCms is not None and im.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            im = ImageCms.profileToProfile(im, profile, SRGB, outputMode="RGBA" if im.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: keep the numbers as they are
    has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (im.mode == "P" and "transparency" in im.info)
    if has_alpha:
        rgba = im.convert("RGBA")
        flat = pillow().new("RGB", im.size, BACKGROUND)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im if im.mode == "RGB" else im.convert("RGB")


def save(im: PILImage.Image, path: Path, fmt: str, options: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    im.save(buffer, fmt, **options)
    atomic_write(path, buffer.getvalue())


# --- Handing over -------------------------------------------------------------------------------

def describe(store: Store, uses: dict[str, Use]) -> tuple[dict[str, Picture], tuple[tuple[str, Path, str], ...]]:
    """The picture of every image with thumbnails, and the thumbnail files to publish (each once)."""
    pictures: dict[str, Picture] = {}
    by_stem: dict[str, Picture] = {}
    files: dict[str, tuple[str, Path, str]] = {}
    for key in uses:
        entry = store.sources.get(key)
        if not entry or not entry.get("digest") or store.source_path(key) is None:
            continue
        stem = thumb_stem(entry["digest"])
        if stem not in by_stem:
            made = store.thumbs.get(stem)
            if not made or made.get("error") or not thumbs_present(store, stem):
                continue
            renditions = []
            for width, height in made["sizes"]:
                webp, jpeg = thumb_names(stem, width)
                for name in (webp, jpeg):
                    files[name] = (f"img/{name}", store.thumb_dir / name, name)  # the name is the digest
                renditions.append(Rendition(width, height, f"img/{webp}", f"img/{jpeg}"))
            by_stem[stem] = Picture(tuple(renditions))
        pictures[key] = by_stem[stem]
    return pictures, tuple(files[name] for name in sorted(files))
