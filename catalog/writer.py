"""Write the site so that a failed build never damages the last good one.

Pages are compared with the manifest of the previous build; the first page that differs starts a
new tree beside the output (hard links of the old files, so nothing is copied), changed pages are
written there, and the new tree replaces the old with two renames. A build with nothing new writes
no file at all.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from pathlib import Path

from .errors import CatalogError

log = logging.getLogger(__name__)

MARKER = ".spacecraft-catalog.json"


def fingerprint(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=12).hexdigest()


class SiteWriter:
    """Collect pages for one output folder; `commit()` makes them the site."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.old = self._read_manifest(out)
        self.new: dict[str, str] = {}
        self.tmp: Path | None = None
        self.written = 0

    @staticmethod
    def _read_manifest(out: Path) -> dict[str, str]:
        if not out.exists():
            return {}
        if not out.is_dir():
            raise CatalogError(f"refusing to build into {out}: it is a file, not a folder")
        marker = out / MARKER
        if not marker.is_file():
            if any(out.iterdir()):
                raise CatalogError(
                    f"refusing to replace {out}: it is not empty and has no {MARKER} from an earlier "
                    "build (choose another --out, or empty it yourself)"
                )
            return {}
        try:
            manifest = json.loads(marker.read_text(encoding="utf-8"))["files"]
            return manifest if isinstance(manifest, dict) else {}
        except (ValueError, KeyError, TypeError):
            return {}  # unreadable manifest: every page counts as changed, the marker still proves ownership

    def _claim(self, path: str, digest: str) -> bool:
        """Record path; return True when its content differs from the previous build."""
        if path in self.new:
            raise CatalogError(f"two pages would be written to {path} (a slug collision)")
        if path.startswith("/") or ".." in Path(path).parts:
            raise CatalogError(f"refusing to write outside the site: {path}")
        self.new[path] = digest
        return self.old.get(path) != digest

    def _start(self) -> Path:
        if self.tmp is None:
            self.tmp = self.out.with_name(f".{self.out.name}.building-{os.getpid()}")
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
            if self.old:
                shutil.copytree(self.out, self.tmp, copy_function=os.link)
            else:
                self.tmp.mkdir(parents=True)
        return self.tmp

    def write(self, path: str, data: bytes) -> None:
        """Add a page; it is written only when it differs from the previous build."""
        if self._claim(path, fingerprint(data)):
            self._target(path).write_bytes(data)
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

    def _target(self, path: str) -> Path:
        target = self._start() / path
        if target.exists():
            target.unlink()  # a hard link shared with the live site: never write through it
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def commit(self) -> int:
        """Make the new tree the site; return the number of files written (0: nothing changed)."""
        removed = self.old.keys() - self.new.keys()
        if self.tmp is None and not removed:
            return 0
        tmp = self._start()
        for path in removed:
            (tmp / path).unlink(missing_ok=True)
        manifest = json.dumps({"generator": "spacecraft-catalog", "files": self.new}, sort_keys=True, indent=0)
        (tmp / MARKER).write_text(manifest + "\n", encoding="utf-8")
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.old-{os.getpid()}")
            os.rename(self.out, old)
            os.rename(tmp, self.out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, self.out)
        self.tmp = None
        return self.written + len(removed)

    def abort(self) -> None:
        """Throw away a half-written tree; the live site was never touched."""
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None
