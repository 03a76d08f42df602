"""The thumbnail settings: every parameter that shapes a rendition, and the file names they give.

A rendition's file name derives from its original's digest and these parameters (Lektor style),
so changing any of them makes new files rather than reusing stale ones.
"""
from __future__ import annotations

import hashlib
from typing import Any

WIDTHS = (320, 800)  # card and page renditions; both feed every srcset
MAX_ASPECT = 1.5  # a rendition is at most 1.5 times as tall as it is wide (very tall images shrink)
WEBP_OPTIONS = {"quality": 80, "method": 2}  # method 4: twice the time for files 3-8 % smaller (benchmarks/README.md)
JPEG_OPTIONS = {"quality": 82, "progressive": True, "optimize": True}
BACKGROUND = (238, 241, 247)  # alpha is flattened onto the site's neutral image background
PARAMS = f"v2 widths={WIDTHS} aspect={MAX_ASPECT} webp={WEBP_OPTIONS} jpeg={JPEG_OPTIONS} bg={BACKGROUND}"
MAX_PIXELS = 50_000_000  # refuse larger images (decompression bombs) before decoding them
MAX_BYTES = 25 * 1024 * 1024  # refuse larger downloads


def thumb_stem(digest: str) -> str:
    """File name stem of a source's thumbnails: its digest and every parameter that shapes them."""
    return hashlib.blake2b(f"{digest} {PARAMS}".encode(), digest_size=8).hexdigest()


def thumb_names(stem: str, width: int) -> tuple[str, str]:
    """The WebP and JPEG file names of one rendition."""
    return f"{stem}-{width}w.webp", f"{stem}-{width}w.jpg"


def pillow() -> Any:
    """Pillow's Image module, imported on first use: a build with nothing new to check or resize never loads it."""
    from PIL import Image as PILImage

    PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow warns above this and refuses above twice this
    return PILImage
