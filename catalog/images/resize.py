"""Resize originals into the published renditions (WebP and JPEG at each width), on every core.

Why it is fast (figures in benchmarks/README.md): JPEG draft decoding at the smallest scale that
still gives the largest rendition, each smaller rendition made from the last, WebP method 2, one
image per pool task.
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import io
import logging
import os
import signal
import warnings
from collections.abc import Generator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write, die_with_parent
from ..progress import track
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
    try:
        # Each result is kept as it arrives: after a failure or Ctrl-C, what was made is not made again.
        with contextlib.closing(run_jobs(jobs, store.thumb_dir, workers)) as results, \
                track("resizing", len(jobs), unit="images") as bar:
            for stem, result in results:
                store.thumbs[stem] = result
                bar.advance()
    finally:
        store.changed(store.thumb_dir)
    return len(jobs)


def thumbs_present(store: Store, stem: str) -> bool:
    """True when the thumbnails of stem were made (or failed for good) and their files still exist."""
    entry = store.thumbs.get(stem)
    if entry is None:
        return False
    if entry.error:
        # Same bytes, same parameters: the same failure; do not try again. Except an error of the
        # system that older versions recorded as the image's ("[Errno 28] No space left on device").
        return "[Errno " not in entry.error
    return all(store.has(store.thumb_dir, name) for width, _ in entry.sizes for name in thumb_names(stem, width))


def run_jobs(jobs: dict[str, Path], out_dir: Path,
             workers: int | None) -> Generator[tuple[str, ThumbEntry], None, None]:
    """Resize on every core, yielding each result as it comes; one job, or a platform without
    processes, runs here. An error of the system (a full disk) ends it, raised with the file's name;
    so does Ctrl-C, at once: the workers are killed, not waited for.

    Futures, not pool.map: map's iterator cancels the waiting futures itself when it stops, and
    the pool's management thread, finding its workers killed, then failed those cancelled futures
    (an InvalidStateError traceback from that thread, after the one line of a full disk). Here only
    the pool cancels them (shutdown's cancel_futures), in that same thread."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stems = sorted(jobs)
    workers = min(workers or os.cpu_count() or 1, len(stems))
    if workers > 1:
        done: set[str] = set()
        pool, killed = _pool(workers), False
        try:
            try:
                # One image per task: an image is ~60 ms of work, its round trip 0.1 ms, and
                # larger chunks left a core idle at the end of each batch (4 images x 60 ms).
                futures = [pool.submit(resize_job, str(jobs[stem]), str(out_dir), stem) for stem in stems]
            except OSError as exc:  # fork refused (too many processes, no memory)
                log.warning("resizing in one process: could not start workers (%s)", exc)
            else:
                for stem, future in zip(stems, futures, strict=True):
                    result = future.result()
                    done.add(stem)
                    yield stem, result
        except cf.process.BrokenProcessPool as exc:  # a worker was killed (out of memory on one image)
            log.warning("resizing the rest in one process: a worker stopped (%s)", exc)
        except BaseException:  # an error of the system, Ctrl-C, the caller stopping
            _kill(pool)
            killed = True
            raise
        finally:
            pool.shutdown(wait=not killed, cancel_futures=True)
        stems = [stem for stem in stems if stem not in done]
    for stem in stems:
        yield stem, resize_job(str(jobs[stem]), str(out_dir), stem)


def _pool(workers: int) -> cf.ProcessPoolExecutor:
    """The worker processes: forked where there is fork (no re-import of __main__, so a script
    calling build() needs no `if __name__ == "__main__"` guard, and no start-up cost; the download
    threads have ended)."""
    import multiprocessing  # here: a build with nothing to resize does not load it

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    if method == "fork":  # load Pillow's plugins and colour management once, here, for every worker
        from PIL import ImageOps  # noqa: F401 - imported for the workers

        pillow().init()
        colour_management()
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                                  initializer=_worker_setup, initargs=(os.getpid(),))


def _worker_setup(parent: int) -> None:
    """In each resize process: die with the build (even a SIGKILLed one), leave Ctrl-C to it."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build kills the pool: no traceback per worker


def _kill(pool: cf.ProcessPoolExecutor) -> None:
    """Stop the pool now: queued images are dropped, the ones being resized are not waited for."""
    manager = getattr(pool, "_executor_manager_thread", None)
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
    else:  # before 3.14 the executor has no public way to kill its workers; shutdown() forgets them
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError, ValueError):
                process.kill()
    # The pool's thread ends within milliseconds once its workers are dead. Left running, it could be
    # closing its wake-up pipe just as the interpreter's exit writes to it: before Python 3.12 that
    # printed an "Exception ignored in: <module 'threading'>" traceback after the one-line error
    # (seen once in about a thousand Ctrl-C tests, tests/output/test_no_moment_without_a_site.py).
    if manager is not None and manager.is_alive():
        manager.join(timeout=1)


def resize_job(source: str, out_dir: str, stem: str, max_pixels: int = MAX_PIXELS) -> ThumbEntry:
    """Make every rendition of one source (runs in a worker process); return their sizes or the error.

    Only an error about the image's bytes is returned, to be kept as the image's verdict. An error
    of the system (errno set: a full disk, a file too large for its limit, a source gone) is raised,
    with the file's name: it says nothing of the image, and the next build tries again.
    """
    PILImage = pillow()
    try:
        sizes = make_renditions(Path(source), Path(out_dir), stem, max_pixels=max_pixels)
    except PILImage.DecompressionBombError:
        return ThumbEntry(error=f"refused: too many pixels (limit {max_pixels:,})")
    except PILImage.DecompressionBombWarning:
        return ThumbEntry(error=f"refused: too many pixels (limit {max_pixels:,})")
    except OSError as exc:
        if exc.errno is not None:  # Pillow's decoding errors carry none
            raise
        return ThumbEntry(error=f"unreadable image ({exc})")
    except (SyntaxError, ValueError, EOFError) as exc:
        return ThumbEntry(error=f"unreadable image ({exc})")
    except MemoryError:
        return ThumbEntry(error="too large to decode")
    except Exception as exc:  # noqa: BLE001 - a Pillow bug on odd input must cost one image, not the build
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


