"""Write the site so that a failed build never damages the last good one.

Pages are compared with the manifest of the previous build; changed pages are written into a new
tree beside the output, and at commit the unchanged files of the old site are hard-linked in (so
nothing is copied) and the new tree takes the old one's place in one atomic exchange (renameat2 on
Linux; two renames elsewhere). A build with nothing new writes no file at all.

Only the old site's own files come into the new tree: those its manifest lists and this build
makes again, each a regular file in real folders. A symbolic link (to a file outside, to a
folder), or anything else put into the output by hand, never does; a page whose old copy is
missing or not a plain file is written again.

Worker processes may share one writer: the parent calls `begin()` before forking, each worker
calls `detach()` and writes its pages into the same tree, and hands `results()` back to the
parent's `absorb()`, which still refuses two pages at one path.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from ..config import MARKER
from ..errors import CatalogError
from ..files import atomic_write, exchange, fingerprint, named, write_all
from .lock import building, remove_tree, retired


class SiteWriter:
    """Collect pages for one output folder; `commit()` makes them the site."""

    def __init__(self, out: Path, *, rewrite: bool = False) -> None:
        self.out = out
        self.rewrite = rewrite  # write every file, even one the previous build wrote the same
        self.old, self.previous_build, self.old_keys = self._read_manifest(out)
        self.new: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # path -> render key, for the pages that have one (reuse())
        self.tmp: Path | None = None
        self.written = 0
        self.reused = 0  # pages kept by reuse(), not rendered
        self._tree = ""  # str(self.tmp), once
        self._dirs: set[str] = set()  # folders of the new tree known to exist, relative to it
        self._old_files: dict[str, frozenset[str]] = {}  # folder -> its regular files in the old site

    @staticmethod
    def _read_manifest(out: Path) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
        if not out.exists():
            return {}, {}, {}
        if not out.is_dir():
            raise CatalogError(f"refusing to build into {out}: it is a file, not a folder")
        marker = out / MARKER
        if not marker.is_file():
            if any(out.iterdir()):
                raise CatalogError(
                    f"refusing to replace {out}: it is not empty and has no {MARKER} from an earlier "
                    "build (choose another --out, or empty it yourself)"
                )
            return {}, {}, {}
        try:
            data = json.loads(marker.read_text(encoding="utf-8"))
            manifest, build, keys = data["files"], data.get("build"), data.get("keys")
            return ((manifest if isinstance(manifest, dict) else {}), (build if isinstance(build, dict) else {}),
                    (keys if isinstance(keys, dict) else {}))
        except (ValueError, KeyError, TypeError, AttributeError):
            return {}, {}, {}  # unreadable manifest: every page counts as changed, the marker still proves ownership

    def _claim(self, path: str, digest: str) -> bool:
        """Record path; return True when it must be written: its content differs from the previous
        build's, or the old site has no plain file of it to reuse."""
        if path in self.new:
            raise _collision(path)
        if path.startswith("/") or ".." in path.split("/"):
            raise CatalogError(f"refusing to write outside the site: {path}")
        self.new[path] = digest
        return self.rewrite or self.old.get(path) != digest or not self._reusable(path)

    def _reusable(self, path: str) -> bool:
        """Whether the old site holds path as a regular file in real folders (no symbolic link)."""
        folder, _, name = path.rpartition("/")
        names = self._old_files.get(folder)
        if names is None:
            names = self._old_files[folder] = _regular_files(self.out, folder)
        return name in names

    def begin(self) -> Path:
        """Create the new tree now (empty: the old site's files join it at commit); return it."""
        if self.tmp is None:
            self.tmp = building(self.out)
            if os.path.lexists(self.tmp):
                remove_tree(self.tmp)
            self.tmp.mkdir(parents=True)
            self._tree, self._dirs = str(self.tmp), {""}
        return self.tmp

    def reuse(self, path: str, key: str) -> bool:
        """Keep the previous build's page at path without rendering it, when that page was made from
        the same inputs (its render key: catalog/render's Renderer.key) and is still a plain file
        there; return whether it was kept. Never under --force."""
        old = self.old.get(path)
        if self.rewrite or old is None or self.old_keys.get(path) != key:
            return False
        if not self._reusable(path):
            return False
        self._claim(path, old)  # the same digest: commit() links the old file in
        self.keys[path] = key
        self.reused += 1
        return True

    def write(self, path: str, data: bytes, key: str | None = None) -> None:
        """Add a page; it is written only when it differs from the previous build. `key`: the page's
        render key, kept in the manifest so that the next build may reuse() the page."""
        if key is not None:
            self.keys[path] = key
        if self._claim(path, fingerprint(data)):
            # os.open rather than open(): no file object, and O_EXCL makes sure of what _target says.
            target = self._target(path)
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
            except FileExistsError:  # another worker wrote it: absorb() would have found the same
                raise _collision(path) from None
            try:
                write_all(fd, data, target)  # a full disk names the file
            finally:
                try:
                    os.close(fd)
                except OSError as exc:  # a quota or NFS error surfaces only here
                    raise named(exc, target) from None
            self.written += 1

    def pages(self) -> int:
        """How many HTML pages the build has made so far (written or unchanged)."""
        return sum(path.endswith(".html") for path in self.new)

    def copy(self, path: str, source: Path, digest: str) -> None:
        """Add a file from disk (a thumbnail, a stylesheet); digest identifies its content."""
        if self._claim(path, digest):
            target = self._target(path)
            try:
                os.link(source, target)
            except OSError:
                _copy_regular(str(source), target)
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
        self.new, self.written, self.keys, self.reused = {}, 0, {}, 0

    def results(self) -> tuple[dict[str, str], int, dict[str, str], int]:
        """What a worker hands back: its pages (path -> digest), how many it wrote, their render keys,
        how many it reused."""
        return self.new, self.written, self.keys, self.reused

    def absorb(self, pages: dict[str, str], written: int, keys: dict[str, str] | None = None,
               reused: int = 0) -> None:
        """Take in a worker's pages; a path claimed twice is a slug collision, as in one process."""
        clash = next((path for path in pages if path in self.new), None)
        if clash is not None:
            raise _collision(clash)
        self.new.update(pages)
        self.written += written
        self.keys.update(keys or {})
        self.reused += reused

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
            if (build != self.previous_build or self.keys != self.old_keys) and self.out.is_dir():
                self._write_marker(self.out, build)
            return 0
        tmp = self.begin()
        self._link_unchanged()
        self._write_marker(tmp, build)
        self.tmp = None
        try:
            _swap(tmp, self.out)
        except BaseException:
            remove_tree(tmp)  # the new tree if the swap failed, the old site if only its removal did
            raise
        return self.written + len(removed)

    def _link_unchanged(self) -> None:
        """Hard-link into the new tree each file of the old site that this build made again the same
        (no copying); _claim() checked that each is a regular file, and wrote it if not."""
        if self.rewrite or not self.old:
            return
        out = str(self.out)
        for path, digest in self.new.items():
            if self.old.get(path) != digest:
                continue
            source, target = f"{out}/{path}", self._target(path)
            try:
                os.link(source, target, follow_symlinks=False)
            except FileExistsError:
                continue  # written by this build: its old copy was not a plain file
            except OSError:  # a file system without hard links, a file with too many
                _copy_regular(source, target)

    def _write_marker(self, folder: Path, build: dict[str, Any]) -> None:
        import orjson  # json's indented output is pure Python: 0.3 s for 100,000 pages, orjson's 0.02 s

        manifest = orjson.dumps({"generator": "spacecraft-catalog", "files": self.new, "build": build,
                                 "keys": self.keys},
                                option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2)
        atomic_write(folder / MARKER, manifest + b"\n")

    def abort(self) -> None:
        """Throw away a half-written tree; the live site was never touched."""
        if self.tmp is not None:
            remove_tree(self.tmp)
            self.tmp = None


def _swap(new: Path, out: Path) -> None:
    """Make the tree `new` the site at `out`, and delete the old one."""
    if not os.path.lexists(out):
        os.rename(new, out)
    elif exchange(new, out):  # one atomic step: the old site until it, the new one after
        remove_tree(new)  # the old site, now under the new tree's name
    else:
        # Two renames where the atomic exchange is missing (not Linux, a C library or kernel too
        # old, a file system without it): a kill between them leaves no site at `out` until the
        # next build, which puts the old one back (lock.clean_leftovers).
        old = retired(out)
        os.rename(out, old)
        try:
            os.rename(new, out)
        except BaseException:
            os.rename(old, out)
            raise
        remove_tree(old)


def _collision(path: str) -> CatalogError:
    return CatalogError(f"two pages would be written to {path} (a slug collision)")


def _regular_files(out: Path, folder: str) -> frozenset[str]:
    """The regular files of out/folder, when every folder on the way is a real one (not a link)."""
    path = str(out)
    for part in folder.split("/") if folder else ():
        path = f"{path}/{part}"
        try:
            if not stat.S_ISDIR(os.lstat(path).st_mode):
                return frozenset()
        except OSError:
            return frozenset()
    try:
        with os.scandir(path) as entries:  # the file type comes with the listing: no stat per file
            return frozenset(e.name for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return frozenset()


def _copy_regular(source: str, target: str) -> None:
    """Copy a regular file without following a link; errors name the file."""
    fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise CatalogError(f"refusing to copy {source}: not a regular file")
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        try:
            while chunk := os.read(fd, 1 << 20):
                write_all(out, chunk, target)
        finally:
            os.close(out)
    finally:
        os.close(fd)
