"""The gathered catalog kept in the cache: the same site and the same warnings as gathering afresh."""
from __future__ import annotations

import logging
from pathlib import Path

from catalog.data import gathered
from catalog.data import snapshot
from catalog.data.models import FetchMeta, Spacecraft
from catalog.build import build
from catalog.config import BuildOptions, CacheLayout
from base import fleet

META = FetchMeta(api_url=None, count=None, fetched_at="2025-01-01T00:00:00Z", records=0)


def pages(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*.html"))}


def build_logged(cache: Path, out: Path, caplog, **options) -> list[str]:
    """Build with force (so nothing is skipped as up to date); return the warnings logged."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        build(BuildOptions(out=out, cache=cache, force=True, **options))
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_kept_catalog_builds_the_same_site_and_says_the_same_warnings(tmp_path, caplog):
    cache = tmp_path / "cache"
    snapshot.write_records(CacheLayout(cache).data_file, fleet(8) + [{"id": 77, "name": None}], META)
    first = build_logged(cache, tmp_path / "one", caplog)
    assert (CacheLayout(cache).gathered).is_file()
    assert any("77" in w for w in first)

    again = build_logged(cache, tmp_path / "two", caplog)  # from the kept catalog
    assert again == first
    assert pages(tmp_path / "two") == pages(tmp_path / "one")


def test_kept_warnings_fail_a_strict_build(tmp_path, caplog):
    cache = tmp_path / "cache"
    snapshot.write_records(CacheLayout(cache).data_file, fleet(3) + [{"id": 77, "name": None}], META)
    build_logged(cache, tmp_path / "one", caplog)
    try:
        build_logged(cache, tmp_path / "two", caplog, strict=True)
    except Exception as exc:  # noqa: BLE001 - the message is what is checked
        assert "--strict" in str(exc) and "77" in str(exc)
    else:
        raise AssertionError("a strict build from the kept catalog did not fail on its warning")
    assert not (tmp_path / "two").exists()


def test_new_data_is_gathered_again(tmp_path, caplog):
    cache = tmp_path / "cache"
    snapshot.write_records(CacheLayout(cache).data_file, fleet(4), META)
    build_logged(cache, tmp_path / "one", caplog)
    records = fleet(4)
    records[1]["name"] = "Renamed Craft"
    snapshot.write_records(CacheLayout(cache).data_file, records, META)
    build_logged(cache, tmp_path / "two", caplog)
    assert (tmp_path / "two" / "spacecraft" / "renamed-craft.html").is_file()


def test_damaged_or_foreign_cache_file_is_ignored(tmp_path, caplog):
    cache = tmp_path / "cache"
    snapshot.write_records(CacheLayout(cache).data_file, fleet(4), META)
    build_logged(cache, tmp_path / "one", caplog)
    kept = CacheLayout(cache).gathered
    key = kept.read_bytes().split(b"\n", 1)[0]
    for junk in (b"", b"not a key\n", key + b"\nnot a pickle", key + b"\n" + kept.read_bytes()[len(key) + 1:][:40]):
        kept.write_bytes(junk)
        assert build_logged(cache, tmp_path / "two", caplog) == []
        assert pages(tmp_path / "two") == pages(tmp_path / "one")


def test_build_from_the_snapshot_without_a_cache_folder_keeps_nothing(tmp_path, caplog):
    cache = tmp_path / "no-cache"
    build_logged(cache, tmp_path / "site", caplog)
    assert not cache.exists()
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_catalog_that_cannot_be_kept_still_builds(tmp_path, caplog, monkeypatch):
    cache = tmp_path / "cache"
    snapshot.write_records(CacheLayout(cache).data_file, fleet(4), META)

    def refuse(craft):
        raise RecursionError("maximum recursion depth exceeded while pickling an object")

    monkeypatch.setitem(gathered._REDUCERS, Spacecraft, refuse)
    warned = build_logged(cache, tmp_path / "site", caplog)
    assert (tmp_path / "site" / "index.html").is_file()
    assert any("could not keep the gathered catalog" in w for w in warned)
    assert not (CacheLayout(cache).gathered).exists()
