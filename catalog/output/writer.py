"""Write the site so that a failed build never damages the last good one.

Pages are compared with the manifest of the previous build; changed pages are written into a new
tree beside the output, and at commit the unchanged files of the old site are hard-linked in (so
nothing is copied) and the new tree replaces the old with two renames. A build with nothing new
writes no file at all.

Worker processes may share one writer: the parent calls `begin()` before forking, each worker
calls `detach()` and writes its pages into the same tree, and hands `results()` back to the
parent's `absorb()`, which still refuses two pages at one path.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from ..errors import CatalogError
from ..files import atomic_write
from ..config import MARKER



def fingerprint(data: bytes) -> str:
    """What the manifest keeps of a file's content: SHA-256 (hardware-assisted on most CPUs, twice
    BLAKE2b's speed here), cut to 96 bits, plenty to notice that a page changed."""
    return hashlib.sha256(data).hexdigest()[:24]


class SiteWriter:
    """Collect pages for one output folder; `commit()` makes them the site."""

    def __init__(self, out: Path, *, rewrite: bool = False) -> None:
        self.out = out
        self.rewrite = rewrite  # write every file, even one the previous build wrote the same
        self.old, self.previous_build = self._read_manifest(out)
        self.new: dict[str, str] = {}
        self.tmp: Path | None = None
        self.written = 0
        self._tree = ""  # str(self.tmp), once
        self._dirs: set[str] = set()  # folders of the new tree known to exist, relative to it

    @staticmethod
    def _read_manifest(out: Path) -> tuple[dict[str, str], dict[str, Any]]:
        if not out.exists():
            return {}, {}
        if not out.is_dir():
            raise CatalogError(f"refusing to build into {out}: it is a file, not a folder")
        marker = out / MARKER
        if not marker.is_file():
            if any(out.iterdir()):
                raise CatalogError(
                    f"refusing to replace {out}: it is not empty and has no {MARKER} from an earlier "
                    "build (choose another --out, or empty it yourself)"
                )
            return {}, {}
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            manifest, build = data["files"], data.get("build")
            return (manifest if isinstance(manifest, dict) else {}), (build if isinstance(build, dict) else {})
        except (ValueError, KeyError, TypeError, AttributeError):
            return {}, {}  # unreadable manifest: every page counts as changed, the marker still proves ownership

    def _claim(self, path: str, digest: str) -> bool:
        """Record path; return True when its content differs from the previous build."""
        if path in self.new:
            raise _collision(path)
        if path.startswith("/") or ".." in path.split("/"):
            raise CatalogError(f"refusing to write outside the site: {path}")
        self.new[path] = digest
        return self.rewrite or self.old.get(path) != digest

    def begin(self) -> Path:
        """Create the new tree now (empty: the old site's files join it at commit); return it."""
        if self.tmp is None:
            self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
            self.tmp.mkdir(parents=True)
            self._tree, self._dirs = str(self.tmp), {""}
        return self.tmp

    def write(self, path: str, data: bytes) -> None:
        """Add a page; it is written only when it differs from the previous build."""
        if self._claim(path, fingerprint(data)):
            # os.open rather than open(): no file object, and O_EXCL makes sure of what _target says.
            try:
                fd = os.open(self._target(path), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            except FileExistsError:  # another worker wrote it: absorb() would have found the same
                raise _collision(path) from None
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
            self.written += 1

    def copy(self, path: str, source: Path, digest: str) -> None:
        """Add a file from disk (a thumbnail, a stylesheet); digest identifies its content."""
        if self._claim(path, digest):
            target = self._target(path)
            try:
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
            self.written += 1

    def _target(self, path: str) -> str:
        # The new tree starts empty and a path is claimed once, so nothing is there yet: in
        # particular never a hard link shared with the live site, which must not be written through.
        if self.tmp is None:
            self.begin()
        tree = self._tree
        folder = path.rpartition("/")[0]
        if folder not in self._dirs:
            os.makedirs(f"{tree}/{folder}", exist_ok=True)
            self._dirs.add(folder)
        return f"{tree}/{path}"

    # --- Worker processes -----------------------------------------------------------------------

    def detach(self) -> None:
        """In a forked worker: keep the shared tree, start an empty record of this worker's pages."""
        if self.tmp is None:
            raise RuntimeError("SiteWriter.begin() must run before workers are forked")
        self.new, self.written = {}, 0

    def results(self) -> tuple[dict[str, str], int]:
        """What a worker hands back: its pages (path -> digest) and how many it wrote."""
        return self.new, self.written

    def absorb(self, pages: dict[str, str], written: int) -> None:
        """Take in a worker's pages; a path claimed twice is a slug collision, as in one process."""
        clash = next((path for path in pages if path in self.new), None)
        if clash is not None:
            raise _collision(clash)
        self.new.update(pages)
        self.written += written

    # --- The swap -------------------------------------------------------------------------------

    def commit(self, build: dict[str, Any] | None = None) -> int:
        """Make the new tree the site; return the number of files written (0: nothing changed).

        `build` (JSON-able: what the site was built from) is kept in the marker; when only it
        changed, the marker alone is replaced and no page is written.
        """
        build = build or {}
        removed = self.old.keys() - self.new.keys()
        if not self.written and not removed:
            self.abort()
            if build != self.previous_build and self.out.is_dir():
                self._write_marker(self.out, build)
            return 0
        tmp = self.begin()
        if self.out.exists():
            # Bring in every file of the old site this build did not write (hard links: no copying).
            shutil.copytree(self.out, tmp, copy_function=_link_unless_present, dirs_exist_ok=True)
        for path in removed:
            (tmp / path).unlink(missing_ok=True)
        self._write_marker(tmp, build)
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            os.rename(self.out, old)
            os.rename(tmp, self.out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, self.out)
        self.tmp = None
        return self.written + len(removed)

    def _write_marker(self, folder: Path, build: dict[str, Any]) -> None:
        import orjson  # json's indented output is pure Python: 0.3 s for 100,000 pages, orjson's 0.02 s

        manifest = orjson.dumps({"generator": "spacecraft-catalog", "files": self.new, "build": build},
                                option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
        atomic_write(folder / MARKER, manifest + b"\n")

    def abort(self) -> None:
        """Throw away a half-written tree; the live site was never touched."""
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


def _collision(path: str) -> CatalogError:
    return CatalogError(f"two pages would be written to {path} (a slug collision)")


def _link_unless_present(source: str, target: str) -> None:
    """copytree's copy function: hard-link an old file unless this build wrote that path."""
    try:
        os.link(source, target)
    except FileExistsError:
        pass  # written by this build
    except OSError:
        if not os.path.exists(target):
            shutil.copyfile(source, target)
