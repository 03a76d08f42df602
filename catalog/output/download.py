"""spacecraft-catalog.zip (--zip): the whole site in one file, to download and open from disk.

Built from the writer's files after every other one is written, byte for byte the same for the
same site: sorted entries, one fixed timestamp and mode, DEFLATE at a fixed level.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..config import MARKER
from .writer import SiteWriter

EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
MODE = 0o644 << 16  # rw-r--r--, in the high bits as Unix zip tools keep it
LEVEL = 6


def site_zip(writer: SiteWriter, name: str) -> bytes:
    """Every file the writer holds (except `name` itself and the marker) as one zip archive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(writer.new):
            if path in (name, MARKER):
                continue
            info = zipfile.ZipInfo(path, date_time=EPOCH)
            info.create_system = 3  # Unix, whatever builds it: external_attr holds a Unix mode
            info.external_attr = MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, _read(writer, path), compresslevel=LEVEL)
    return buffer.getvalue()


def _read(writer: SiteWriter, path: str) -> bytes:
    """A file of the build: in the new tree when this build wrote it, else the old site's copy,
    which commit() links into the new tree unchanged."""
    if writer.tmp is not None:
        written = Path(writer.tmp, path)
        if written.is_file():
            return written.read_bytes()
    return Path(writer.out, path).read_bytes()
