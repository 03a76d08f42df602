"""Skip a build whose inputs are those of the last one: the site on disk is already its output.

The inputs are everything a site is made from: the data file (and the flights and stations beside
it), the change history, the image cache's index and originals, the templates, static files, Markdown
pages, the theme's files, the package's own code, the base URL, --licensed-only, the settings of
spacecraft-catalog.toml and the Python version. Their digest is kept in the output's marker with what
that build reported (counts and warnings); a build that finds the same digest writes nothing, repeats
the warnings, and is done in the time it takes to read the data file once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from typing import Any, NamedTuple

from ..config import MARKER, PACKAGE, PAGES, STATIC, TEMPLATES, CacheLayout, companions

log = logging.getLogger(__name__)

FOLDERS = (TEMPLATES, STATIC, PAGES, PACKAGE)
VERSION = 1  # bump when the meaning of the digest changes


class LastBuild(NamedTuple):  # not a dataclass: the dataclasses module alone takes 8 ms to import
    records: int
    pages: int
    warnings: tuple[str, ...]


class Inputs:
    """Everything the site is built from, as one digest; the image cache's part is read afresh each time.

    A build checks `digest()` before its images stage and stores it after: the stage may add
    thumbnails, and the next build starts from the cache as this one left it.
    """

    def __init__(self, data_file: Path, *, caches: CacheLayout, base_url: str | None,
                 licensed_only: bool = False, with_zip: bool = False, folders: tuple[Path, ...] = FOLDERS,
                 sources: tuple[str, ...] = (), settings: str = "") -> None:
        data = hashlib.sha256()  # hardware-assisted on most CPUs: the data file is 180 MB at 100,000 records
        for path in (data_file, *companions(data_file)):  # the flights and stations beside it too
            _add_file(data, path)
        self.data = data.hexdigest()  # the data files alone: the key of the gathered catalog's cache too
        frame = hashlib.sha256(f"v{VERSION} {sys.version} base={base_url!r} licensed_only={licensed_only} "
                               f"zip={with_zip}\nsettings={settings}\n".encode())
        for number, folder in enumerate(folders):  # numbered: a theme's templates/x.html is not the built-in one
            frame.update(f"\nfolder {number}\n".encode())
            for path in sorted(folder.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    frame.update(f"\n{path.relative_to(folder.parent).as_posix()}\n".encode())
                    _add_file(frame, path)
        # Everything but the data: the code, templates, static files, Markdown pages and options every
        # page is made with (a render key's frame: catalog/render's Renderer.key).
        self.frame = frame.hexdigest()
        h = hashlib.sha256(f"{self.frame}\n{self.data}\n".encode())
        h.update(("\nsources\n" + "\n".join(sources)).encode())  # how fresh each endpoint is (home and data pages)
        h.update(b"\nhistory\n")  # the change history (data/history.py): the changes pages, the feed, History sections
        _add_file(h, caches.history_events)
        self.fixed = h.hexdigest()
        self.images = caches.images

    def digest(self) -> str:
        # The thumbnail parameters (images/settings.py) are in the package's code, already in `fixed`.
        h = hashlib.sha256(self.fixed.encode())
        _add_file(h, self.images / "index.json")
        src = self.images / "src"
        h.update("\n".join(sorted(p.name for p in src.iterdir()) if src.is_dir() else []).encode())
        return h.hexdigest()[:32]


def _add_file(h: Any, path: Path) -> None:
    try:
        with path.open("rb") as src:
            while chunk := src.read(1 << 20):
                h.update(chunk)
    except FileNotFoundError:
        h.update(b"<missing>")


def last_build(out: Path, inputs: str) -> LastBuild | None:
    """What the build in `out` reported, when it was made from exactly these inputs."""
    try:
        build = json.loads((out / MARKER).read_text(encoding="utf-8")).get("build") or {}
        if build.get("inputs") != inputs:
            return None
        return LastBuild(int(build["records"]), int(build["pages"]), tuple(map(str, build.get("warnings", ()))))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def replay(last: LastBuild) -> None:
    """Say again what the last build warned about: the input still has those problems."""
    for message in last.warnings:
        log.warning("%s", message)
    log.info("nothing changed since the last build: the site is up to date")


class WarningLog(logging.Handler):
    """Collect the warnings a build logs (under catalog.*), to keep them with its inputs' digest and
    for --strict (MkDocs' counting handler): attached on entering, removed on leaving, whatever happens."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def __enter__(self) -> WarningLog:
        logging.getLogger("catalog").addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("catalog").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def summary(self, inputs: str, *, records: int, pages: int) -> dict[str, Any]:
        """What the writer keeps in the marker: the inputs' digest, the counts and the warnings so far."""
        return {"inputs": inputs, "records": records, "pages": pages, "warnings": list(self.messages)}
