"""What a build works out from the data alone is kept in the cache and used again by the next build of
the same data: the quality checks, statistics and occupancy (site/derived.py, pickled with the
gathered catalog) and the files of the exports, the search index and the citations (files.KeptFiles). Each kept value gives the site a
build that makes everything afresh makes, byte for byte, and anything that could change it (other
data, other code, another base URL, a kept file edited since) makes it again."""
from __future__ import annotations

import logging
import os
import pickle

import pytest
from base import fleet, write_data
from base import site_files as tree

from catalog.build import build
from catalog.config import MARKER, BuildOptions, CacheLayout
from catalog.data.groups import Derived
from catalog.site import derived as derived_module
from catalog.site import quality, stats

N = 24


def options(tmp_path, out, **extra):
    # One process, so that the exports' --debug lines (written in a render worker otherwise) reach caplog;
    # tests/output/test_parallel.py compares a parallel build with a serial one.
    return BuildOptions(out=tmp_path / out, cache=tmp_path / "cache", workers=1, **extra)


def same_site(a, b):
    left, right = tree(a), tree(b)
    left.pop(MARKER), right.pop(MARKER)
    assert left.keys() == right.keys()
    differ = sorted(path for path in left if left[path] != right[path])
    assert not differ, f"differ: {differ[:5]}"


@pytest.fixture
def counted(monkeypatch):
    """How often the quality checks and the statistics are worked out."""
    calls = {"checks": 0, "stats": 0}

    def counting(name, original):
        def call(catalog):
            calls[name] += 1
            return original(catalog)
        return call

    monkeypatch.setattr(quality, "checks", counting("checks", quality.checks))
    import catalog.site.plan as plan
    monkeypatch.setattr(plan, "compute_stats", counting("stats", stats.compute))
    return calls


def test_a_rebuild_of_the_same_data_uses_the_checks_and_statistics_kept(tmp_path, counted):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    assert counted == {"checks": 1, "stats": 1}
    build(options(tmp_path, "second", force=True))  # as after a template edit: the same data
    assert counted == {"checks": 1, "stats": 1}  # not worked out again
    same_site(tmp_path / "first", tmp_path / "second")
    kept = CacheLayout(tmp_path / "cache").gathered.read_bytes()
    assert b"quality checks@" in kept and b"stats@" in kept


def test_other_site_code_works_them_out_again(tmp_path, counted, monkeypatch):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    monkeypatch.setattr(derived_module, "code_digest", lambda: "other code")  # the canary: a code change
    build(options(tmp_path, "second", force=True))
    assert counted == {"checks": 2, "stats": 2}
    same_site(tmp_path / "first", tmp_path / "second")
    build(options(tmp_path, "third", force=True))  # kept again, with the new code's values
    assert counted == {"checks": 2, "stats": 2}


def test_other_data_works_them_out_again(tmp_path, counted):
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "first"))
    records[3] = {**records[3], "status": {**records[3]["status"], "id": 99, "name": "Lost"}}
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "second"))
    assert counted == {"checks": 2, "stats": 2}
    assert "Lost" in (tmp_path / "second" / "stats.html").read_text(encoding="utf-8")


def test_a_derived_value_is_made_once_and_its_mark_is_not_kept():
    kept = Derived()
    from types import SimpleNamespace
    catalog = SimpleNamespace(derived=kept)
    made = []
    value = derived_module.derived(catalog, "count", lambda c: made.append(1) or len(made))
    assert value == derived_module.derived(catalog, "count", lambda c: made.append(1) or len(made)) == 1
    assert kept.made
    loaded = pickle.loads(pickle.dumps(kept))
    assert isinstance(loaded, Derived) and dict(loaded) == dict(kept) and not loaded.made


# --- the exports ---------------------------------------------------------------------------------------


def exports_made(caplog) -> bool:
    """Whether the last build made its exports (else it linked the kept ones in)."""
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("exports:")]
    assert lines, "no debug line about the exports"
    return "kept from the last build" not in lines[-1]


@pytest.fixture
def debug(caplog):
    caplog.set_level(logging.DEBUG, logger="catalog")
    return caplog


def test_a_rebuild_of_the_same_data_links_the_kept_exports_in(tmp_path, debug):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    assert exports_made(debug)
    build(options(tmp_path, "second", force=True))
    assert not exports_made(debug)
    same_site(tmp_path / "first", tmp_path / "second")
    kept = CacheLayout(tmp_path / "cache").kept("exports")
    site_csv = tmp_path / "second" / "data" / "spacecraft.csv"
    assert any(os.path.samefile(site_csv, f) for f in kept.iterdir())  # linked, not copied
    assert len(list((tmp_path / "second" / "spacecraft").glob("*.json"))) == N  # cut from spacecraft.json


def test_a_kept_export_edited_since_is_made_again(tmp_path, debug):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    build(options(tmp_path, "second", force=True))  # its exports are the kept files, linked in
    good = (tmp_path / "second" / "data" / "spacecraft.csv").read_bytes()
    # The canary: an editor that writes the published file in place writes the kept one too (a hard link).
    with open(tmp_path / "second" / "data" / "spacecraft.csv", "r+b") as shared:
        shared.write(b"edited!")
    build(options(tmp_path, "third", force=True))
    assert exports_made(debug)
    assert (tmp_path / "third" / "data" / "spacecraft.csv").read_bytes() == good


@pytest.mark.parametrize("change", ["base_url", "title"])
def test_another_base_url_or_title_makes_the_exports_again(tmp_path, debug, change):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    extra = {"base_url": "https://example.org/catalog/"} if change == "base_url" else {"title": "Our Fleet"}
    build(options(tmp_path, "second", **extra))
    assert exports_made(debug)
    build(options(tmp_path, "full", force=True, **extra))
    assert not exports_made(debug)  # kept by "second", which had the same inputs
    same_site(tmp_path / "second", tmp_path / "full")
    text = (tmp_path / "second" / "datapackage.json").read_text(encoding="utf-8")
    assert ("https://example.org/catalog/" if change == "base_url" else "Our Fleet") in text


def test_a_cache_that_cannot_keep_the_exports_only_warns(tmp_path, debug, monkeypatch):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "first"))
    kept = CacheLayout(tmp_path / "cache").kept("exports")
    before = {path.name: path.read_bytes() for path in kept.iterdir()}
    rename = os.rename

    def full_disk(src, dst):  # the kept folder cannot take the new one's place
        if str(dst) == str(kept) and str(src).endswith(".new"):
            raise OSError(28, "No space left on device")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", full_disk)
    build(options(tmp_path, "second", base_url="https://example.org/"))
    assert exports_made(debug)
    assert (tmp_path / "second" / "data" / "spacecraft.csv").is_file()
    warned = [r.getMessage() for r in debug.records if r.levelno == logging.WARNING and "keep" in r.getMessage()]
    assert warned == [f"could not keep files in {kept}: No space left on device"]
    assert not list(kept.parent.glob(".exports.*"))  # nothing left half made
    monkeypatch.undo()
    assert {path.name: path.read_bytes() for path in kept.iterdir()} == before  # the last kept ones stay


def kept_copy(site, path, cache):
    """Whether the site's file at path is one of the kept files (a hard link), not a file of its own."""
    return any(os.path.samefile(site / path, f) for f in CacheLayout(cache).kept("").rglob("*") if f.is_file())


@pytest.mark.parametrize("path", ["search-index.json", "data/catalog.bib"])
def test_the_search_index_and_the_citation_files_are_kept_too(tmp_path, path):
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "first"))
    assert not kept_copy(tmp_path / "first", path, tmp_path / "cache")
    build(options(tmp_path, "second", force=True))
    assert kept_copy(tmp_path / "second", path, tmp_path / "cache")
    same_site(tmp_path / "first", tmp_path / "second")
    # The canary: a renamed spacecraft is in both files, which are made again, with the new name.
    records[5] = {**records[5], "name": "Renamed Craft"}
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "third"))
    assert not kept_copy(tmp_path / "third", path, tmp_path / "cache")
    assert "Renamed Craft" in (tmp_path / "third" / path).read_text(encoding="utf-8")
    write_data(tmp_path / "fresh-cache", records)
    build(BuildOptions(out=tmp_path / "fresh", cache=tmp_path / "fresh-cache", workers=1))
    assert (tmp_path / "third" / path).read_bytes() == (tmp_path / "fresh" / path).read_bytes()


def test_the_kept_search_index_is_keyed_by_each_thumbnail():
    from catalog.images.pictures import Picture, Rendition
    from catalog.site.search_index import thumbnails_key

    def pictures(path):
        return {"img-1": Picture((Rendition(160, 120, path, "img/a-160.jpg"), Rendition(640, 480, "img/a.webp", "img/a.jpg")))}

    assert thumbnails_key(pictures("img/a-160.webp")) == thumbnails_key(pictures("img/a-160.webp"))
    assert thumbnails_key(pictures("img/a-160.webp")) != thumbnails_key(pictures("img/b-160.webp"))
    assert thumbnails_key(pictures("img/a-160.webp")) != thumbnails_key({}) == thumbnails_key(None)


def test_what_a_killed_build_left_half_kept_is_cleaned(tmp_path):
    write_data(tmp_path / "cache", fleet(N))
    kept = CacheLayout(tmp_path / "cache").kept("exports")
    kept.parent.mkdir(parents=True)
    dead = 2 ** 22 + 7  # above the usual pid_max: no process has it
    for suffix in ("new", "old"):
        left = kept.with_name(f".exports.{dead}.{suffix}")
        left.mkdir()
        (left / "00000.csv").write_bytes(b"x" * 1000)
    living = kept.with_name(f".exports.{os.getppid()}.new")  # the canary: a running build's folder stays
    living.mkdir()
    build(options(tmp_path, "site", base_url="https://example.org/"))
    assert sorted(p.name for p in kept.parent.glob(".exports.*")) == [living.name]
    assert (kept / "manifest.json").is_file()


def test_debug_says_whether_the_gathered_catalog_was_kept_again(tmp_path, caplog):
    # A build from the kept catalog, with nothing new derived for it, writes no new copy and says so,
    # rather than stamping "written" for a file it left alone.
    write_data(tmp_path / "cache", fleet(N))
    kept = CacheLayout(tmp_path / "cache").gathered
    with caplog.at_level(logging.DEBUG, logger="catalog"):
        build(options(tmp_path, "first"))
    assert "gathered catalog (cache) written" in caplog.messages
    written = kept.stat().st_mtime_ns
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="catalog"):
        build(options(tmp_path, "second"))
    assert "gathered catalog (cache): unchanged, not written again" in caplog.messages
    assert "gathered catalog (cache) written" not in caplog.messages
    assert kept.stat().st_mtime_ns == written
