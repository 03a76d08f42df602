"""The gathered catalog kept in the cache: the same site and the same warnings as gathering afresh."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from base import build_site, fleet, site_files, write_data

from catalog.config import CacheLayout
from catalog.data import gathered
from catalog.data.models import Spacecraft
from catalog.errors import CatalogError


def pages(folder: Path) -> dict[str, bytes]:
    return {path: data for path, data in site_files(folder).items() if path.endswith(".html")}


def build_logged(cache: Path, out: Path, caplog, **options) -> list[str]:
    """Build with force (so nothing is skipped as up to date); return the warnings logged."""
    caplog.clear()
    with caplog.at_level(logging.INFO):
        build_site(out, cache, force=True, **options)
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_kept_catalog_builds_the_same_site_and_says_the_same_warnings(tmp_path, caplog):
    cache = tmp_path / "cache"
    write_data(cache, fleet(8) + [{"id": 77, "name": None}])
    first = build_logged(cache, tmp_path / "one", caplog)
    assert (CacheLayout(cache).gathered).is_file()
    assert [w for w in first if w.startswith("skipping spacecraft record 77")] == first
    assert len(first) == 1

    again = build_logged(cache, tmp_path / "two", caplog)  # from the kept catalog
    assert again == first
    assert pages(tmp_path / "two") == pages(tmp_path / "one")


def test_kept_warnings_fail_a_strict_build(tmp_path, caplog):
    cache = tmp_path / "cache"
    write_data(cache, fleet(3) + [{"id": 77, "name": None}])
    build_logged(cache, tmp_path / "one", caplog)
    with pytest.raises(CatalogError, match=r"--strict: the build warned \(skipping spacecraft record 77"):
        build_logged(cache, tmp_path / "two", caplog, strict=True)
    assert not (tmp_path / "two").exists()


def test_new_data_is_gathered_again(tmp_path, caplog):
    cache = tmp_path / "cache"
    write_data(cache, fleet(4))
    build_logged(cache, tmp_path / "one", caplog)
    records = fleet(4)
    records[1]["name"] = "Renamed Craft"
    write_data(cache, records)
    build_logged(cache, tmp_path / "two", caplog)
    assert (tmp_path / "two" / "spacecraft" / "renamed-craft.html").is_file()


def test_damaged_or_foreign_cache_file_is_ignored(tmp_path, caplog):
    cache = tmp_path / "cache"
    write_data(cache, fleet(4))
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
    write_data(cache, fleet(4))

    def refuse(craft):
        raise RecursionError("maximum recursion depth exceeded while pickling an object")

    monkeypatch.setitem(gathered.REDUCERS, Spacecraft, refuse)
    warned = build_logged(cache, tmp_path / "site", caplog)
    assert (tmp_path / "site" / "index.html").is_file()
    [warning] = warned
    assert warning.startswith(f"could not keep the gathered catalog in {CacheLayout(cache).gathered}: RecursionError")
    assert not (CacheLayout(cache).gathered).exists()
