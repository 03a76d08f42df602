"""Resize originals into the published renditions (WebP and JPEG at each width), on every core.

Why it is fast (figures in benchmarks/README.md): JPEG draft decoding at the smallest scale that
still gives the largest rendition, each smaller rendition made from the last, WebP method 2, one
image per pool task.
"""
from __future__ import annotations

import concurrent.futures as cf
import io
import logging
import os
import warnings
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write
from .settings import BACKGROUND, JPEG_OPTIONS, MAX_ASPECT, MAX_PIXELS, WEBP_OPTIONS, WIDTHS, pillow, thumb_names, thumb_stem
from .store import Store, ThumbEntry
from .uses import Use

if TYPE_CHECKING:
    from PIL import Image as PILImage

log = logging.getLogger(__name__)


@cache
def colour_management() -> tuple[Any, Any]:
    """(ImageCms, an sRGB profile), or (None, None) in a Pillow built without it: ICC profiles are then dropped."""
    try:
        from PIL import ImageCms
    except ImportError:  # pragma: no cover
        return None, None
    return ImageCms, ImageCms.createProfile("sRGB")


def make_thumbnails(store: Store, uses: dict[str, Use], *, workers: int | None = None) -> int:
    """Resize every cached source whose thumbnails are missing, in parallel; return how many were tried."""
    jobs: dict[str, Path] = {}
    for key in uses:
        source = store.source_path(key)
        if source is None:
            continue
        stem = thumb_stem(store.sources[key].digest or "")
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
    if entry.error:
        return True  # same bytes, same parameters: the same failure; do not try again
    return all(store.has(store.thumb_dir, name) for width, _ in entry.sizes for name in thumb_names(stem, width))


def run_jobs(jobs: dict[str, Path], out_dir: Path, workers: int | None) -> Iterable[tuple[str, ThumbEntry]]:
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


def resize_job(source: str, out_dir: str, stem: str, max_pixels: int = MAX_PIXELS) -> ThumbEntry:
    """Make every rendition of one source (runs in a worker process); return their sizes or the error."""
    PILImage = pillow()
    try:
        sizes = make_renditions(Path(source), Path(out_dir), stem, max_pixels=max_pixels)
    except PILImage.DecompressionBombError:
        return ThumbEntry(error=f"refused: too many pixels (limit {max_pixels:,})")
    except PILImage.DecompressionBombWarning:
        return ThumbEntry(error=f"refused: too many pixels (limit {max_pixels:,})")
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return ThumbEntry(error=f"unreadable image ({exc})")
    except MemoryError:
        return ThumbEntry(error="too large to decode")
    except Exception as exc:  # a Pillow bug on odd input must cost one image, not the build
        return ThumbEntry(error=f"unreadable image ({type(exc).__name__}: {exc})")
    return ThumbEntry(sizes=tuple(sizes))


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


