"""Read and write raw records: the fetch cache and the snapshot shipped in content/.

Format: JSON Lines, UTF-8. The first line is ``{"meta": {"api_url", "count", "fetched_at",
"records"}}`` (the API root, the API's own ``count``, the fetch time as ``YYYY-MM-DDTHH:MM:SSZ`` or
null for a sample, and the number of records that follow); each further line is one raw API record,
as the API gave it, sorted by id. One file, so one atomic rename publishes a complete crawl; lines, so 100,000 records stream
without holding the raw dicts in memory.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import SNAPSHOT, CacheLayout
from ..errors import CatalogError

if TYPE_CHECKING:
    from .models import FetchMeta

log = logging.getLogger(__name__)



def source_file(caches: CacheLayout) -> Path:
    """The data an offline build uses: the last completed fetch if any, else the shipped snapshot."""
    cached = caches.data_file
    return cached if cached.is_file() else SNAPSHOT


def write_records(path: Path, records: Iterable[dict[str, Any]], meta: FetchMeta) -> None:
    """Write meta and records to path atomically: a temp file beside it, then a rename."""
    from ..files import atomic_file  # (tempfile): not for a build with nothing to do

    with atomic_file(path, "w", fsync=True) as out:
        header = {"api_url": meta.api_url, "count": meta.count,
                  "fetched_at": meta.fetched_at, "records": meta.records}
        out.write(json.dumps({"meta": header}, sort_keys=True) + "\n")
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def read_meta(path: Path) -> FetchMeta:
    """Read the header line of a data file."""
    try:
        with path.open(encoding="utf-8", errors="replace") as src:  # bad bytes: caught as bad JSON
            first = src.readline()
    except OSError as exc:
        raise CatalogError(f"cannot read data file {path}: {exc.strerror}") from None
    from .models import FetchMeta  # here: a build with nothing to do never loads the models

    try:
        meta = json.loads(first)["meta"]
        return FetchMeta(api_url=meta.get("api_url"), count=meta.get("count"),
                         fetched_at=meta.get("fetched_at"), records=int(meta.get("records") or 0))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise CatalogError(f"{path} is not a spacecraft data file (bad first line)") from None


def iter_records(path: Path) -> Iterator[Any]:
    """Yield the raw records of a data file; a line that is not JSON is skipped with a warning."""
    for _, record in iter_located(path):
        yield record


def iter_located(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield each raw record of a data file with the byte offset of its line, from which read_at()
    reads it again; a line that is not JSON is skipped with a warning (once: read_at never meets it)."""
    with path.open("rb") as src:
        offset = len(src.readline())
        for number, line in enumerate(src, start=2):
            at, offset = offset, offset + len(line)
            if line.strip():
                record = _parse(line, path, number)
                if record is not _SKIPPED:
                    yield at, record


def read_at(path: Path, offsets: Iterable[int]) -> Iterator[Any]:
    """The records at these offsets of a data file (each one iter_located() gave), in that order:
    a caller that keeps offsets instead of records holds a few bytes a record, not the record."""
    with path.open("rb") as src:
        for at in offsets:
            src.seek(at)
            yield _parse(src.readline(), path, 0)


_SKIPPED = object()


def _parse(line: bytes, path: Path, number: int) -> Any:
    """One line's record, or _SKIPPED (with a warning naming the file and line)."""
    import orjson  # not for a build with nothing to do

    try:
        return orjson.loads(line)  # several times quicker than json on these records
    except ValueError:
        # What orjson refuses and json reads: bytes that are not UTF-8 (read as U+FFFD, as
        # before), NaN and Infinity. Else the line is not JSON at all. (Integers beyond 64
        # bits orjson reads as floats: no LL2 id or count comes near.)
        try:
            return json.loads(line.decode("utf-8", errors="replace"))
        except ValueError:
            log.warning("%s line %d is not valid JSON; record skipped", path, number)
        except RecursionError:  # json recurses per level; orjson refused it past 1024 levels
            log.warning("%s line %d is JSON nested too deeply to read; record skipped", path, number)
        return _SKIPPED


def freshness(caches: CacheLayout, names: Iterable[str]) -> tuple[str, ...]:
    """How fresh each endpoint's data is, one phrase each, for the home and data pages: "flights as
    of 2026-11-20", and what a crawl left part way has done ("6 of 12 pages; the rest on the next run").
    Reads only the first line of each file: it is part of the up-to-date check of every build, so it
    lives here, with the standard library only (data/crawl.py writes these files)."""
    phrases = []
    for name in names:
        meta = _header(caches.endpoint_data(name), "meta")
        when = meta.get("fetched_at") if meta else None
        phrase = f"{name} as of {when[:10]}" if isinstance(when, str) and when[:10] else f"{name} not fetched yet"
        ahead = _header(caches.checkpoint(name), "checkpoint")
        if ahead and type(ahead.get("pages")) is int:
            announced = ahead.get("announced")
            total = f" of {announced}" if type(announced) is int else ""
            phrase += f" (a new crawl: {ahead['pages']}{total} pages so far; the rest on the next run)"
        phrases.append(phrase)
    return tuple(phrases)


def _header(path: Path, key: str) -> dict[str, Any] | None:
    try:
        with path.open("rb") as src:
            value = json.loads(src.readline())[key]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
