"""Rendering on several cores gives the same site as one process, and fails as cleanly."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import build_site, fleet, write_data
from base import site_files as tree

from catalog.build import BuildReport
from catalog.config import CacheLayout
from catalog.data.models import FetchMeta
from catalog.errors import CatalogError
from catalog.output import parallel
from catalog.output.parallel import render_pages
from catalog.output.writer import SiteWriter
from catalog.render import Renderer
from catalog.site.plan import SPACECRAFT_PAGE, Page, SiteInfo
from catalog.site.urls import Urls


def build_with(monkeypatch, tmp_path: Path, out: Path, workers: int) -> BuildReport:
    cache = tmp_path / "cache"
    if not CacheLayout(cache).data_file.exists():
        write_data(cache, fleet(40))
    monkeypatch.setattr(parallel, "render_pages",
                        lambda writer, renderer, pages, jobs=(): render_pages(writer, renderer, pages, jobs=jobs,
                                                                              workers=workers, min_pages=0))
    return build_site(out, cache)


def test_workers_build_the_same_bytes_as_one_process(monkeypatch, tmp_path):
    one = build_with(monkeypatch, tmp_path, tmp_path / "one", workers=1)
    three = build_with(monkeypatch, tmp_path, tmp_path / "three", workers=3)
    assert (one.pages, one.written) == (three.pages, three.written)
    assert tree(tmp_path / "one") == tree(tmp_path / "three")
    assert "spacecraft/craft-7.html" in tree(tmp_path / "three")


def test_workers_write_nothing_when_nothing_changed(monkeypatch, tmp_path):
    build_with(monkeypatch, tmp_path, tmp_path / "site", workers=2)
    before = tree(tmp_path / "site")
    assert build_with(monkeypatch, tmp_path, tmp_path / "site", workers=2).written == 0
    assert tree(tmp_path / "site") == before


def pages(n: int, *, broken: int | None = None, path=lambda i: f"p{i}.html") -> list[Page]:
    return [Page(SPACECRAFT_PAGE, path(i), "broken.html" if i == broken else "ok.html", {"n": i}, None)  # type: ignore[arg-type]
            for i in range(n)]


@pytest.fixture
def env(tmp_path):
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "ok.html").write_text("page {{ n }}")
    (tmp_path / "tpl" / "broken.html").write_text("{{ missing.name }}")
    site = SiteInfo("T", FetchMeta(None, None, None, 0), None, None, {})
    return Renderer(site=site, urls=Urls(), pictures={}, templates=tmp_path / "tpl")


def test_an_error_in_a_worker_fails_the_build_and_keeps_the_old_site(env, tmp_path):
    out = tmp_path / "site"
    writer = SiteWriter(out)
    render_pages(writer, env, pages(200), workers=2, min_pages=0)
    writer.commit()
    before = tree(out)
    writer = SiteWriter(out)
    with pytest.raises(CatalogError, match="^tpl/broken.html line 1: 'missing' is undefined$"):
        try:
            render_pages(writer, env, pages(200, broken=150), workers=2, min_pages=0)
        finally:
            writer.abort()
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "tpl"]  # no half-built tree left


def test_two_workers_writing_one_path_is_a_slug_collision(env, tmp_path):
    writer = SiteWriter(tmp_path / "site")
    with pytest.raises(CatalogError, match="same.html"):
        render_pages(writer, env, pages(200, path=lambda i: "same.html" if i in (3, 190) else f"p{i}.html"),
                     workers=2, min_pages=0)
    writer.abort()
