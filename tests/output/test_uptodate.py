"""A build from the same inputs as the last one skips the work, says the same warnings, writes nothing."""
from __future__ import annotations

import logging
from pathlib import Path

from base import build_site, fleet, write_data

from catalog.config import CacheLayout
from catalog.output import uptodate


def tree(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file with its bytes and inode: a file written again, even with the same bytes, gets a new inode."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_inputs_skip_the_build_and_repeat_its_warnings(tmp_path, caplog):
    cache, out = tmp_path / "cache", tmp_path / "site"
    write_data(cache, fleet(6) + [{"id": 99, "name": None}])
    with caplog.at_level(logging.INFO):
        first = build_site(out, cache)
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w.split(":")[0] for w in warned] == ["skipping spacecraft record 99"]
    before = tree(out)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        again = build_site(out, cache)
    assert (again.records, again.pages, again.written) == (first.records, first.pages, 0)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == warned
    assert any("up to date" in r.getMessage() for r in caplog.records)
    assert tree(out) == before


def test_changed_data_is_built(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "site"
    write_data(cache, fleet(6))
    build_site(out, cache)
    records = fleet(6)
    records[2]["name"] = "Renamed Craft"
    write_data(cache, records)
    report = build_site(out, cache)
    assert report.written > 0
    assert (out / "spacecraft" / "renamed-craft.html").is_file()


def test_another_base_url_is_built(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "site"
    write_data(cache, fleet(3))
    build_site(out, cache)
    assert build_site(out, cache, base_url="https://example.org/cat/").written > 0
    assert (out / "sitemap.xml").is_file()


def test_digest_covers_data_images_templates_and_base_url(tmp_path):
    data = tmp_path / "data.jsonl"
    data.write_text("{}\n")
    cache = tmp_path / "cache"
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text("<html>")

    def digest(base_url=None):
        return uptodate.Inputs(data, caches=CacheLayout(cache), base_url=base_url, folders=(templates,)).digest()

    seen = {digest()}
    assert digest() in seen  # stable
    data.write_text('{"id": 1}\n')
    seen.add(digest())
    (templates / "base.html").write_text("<html lang=en>")
    seen.add(digest())
    (templates / "new.html").write_text("")
    seen.add(digest())
    (cache / "images" / "src").mkdir(parents=True)
    (cache / "images" / "src" / "abc.jpg").write_bytes(b"x")
    seen.add(digest())
    (cache / "images" / "index.json").write_text("{}")
    seen.add(digest())
    seen.add(digest("https://example.org/"))
    assert len(seen) == 7
