"""What pages get of the images: each image's renditions as site paths, srcsets made once per depth."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..files import Writer
from .resize import thumbs_present
from .settings import thumb_names, thumb_stem
from .store import Store
from .uses import Use

# How wide each use is drawn (static/css/site.css), so the browser picks the smallest file that fits.
SIZES = {
    "card": "(max-width: 44rem) 7.5rem, 18rem",  # a row on phones, a grid cell of 15-20rem elsewhere
    "page": "(max-width: 44rem) calc(100vw - 2rem), (max-width: 72rem) 52vw, 36rem",
    "thumb": "6rem",  # the Credits table
}


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

    def publish(self, writer: Writer) -> None:
        """Add every thumbnail to the site; the writer skips files the last build already has."""
        for path, source, digest in self.files:
            writer.copy(path, source, digest)



def describe(store: Store, uses: dict[str, Use]) -> tuple[dict[str, Picture], tuple[tuple[str, Path, str], ...]]:
    """The picture of every image with thumbnails, and the thumbnail files to publish (each once)."""
    pictures: dict[str, Picture] = {}
    by_stem: dict[str, Picture] = {}
    files: dict[str, tuple[str, Path, str]] = {}
    for key in uses:
        entry = store.sources.get(key)
        if entry is None or not entry.digest or store.source_path(key) is None:
            continue
        stem = thumb_stem(entry.digest)
        if stem not in by_stem:
            made = store.thumbs.get(stem)
            if made is None or made.error or not thumbs_present(store, stem):
                continue
            renditions = []
            for width, height in made.sizes:
                webp, jpeg = thumb_names(stem, width)
                for name in (webp, jpeg):
                    files[name] = (f"img/{name}", store.thumb_dir / name, name)  # the name is the digest
                renditions.append(Rendition(width, height, f"img/{webp}", f"img/{jpeg}"))
            by_stem[stem] = Picture(tuple(renditions))
        pictures[key] = by_stem[stem]
    return pictures, tuple(files[name] for name in sorted(files))
