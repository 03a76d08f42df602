"""Rendering on several cores gives the same site as one process, and fails as cleanly."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from base import fleet, write_data
from base import site_files as tree

from catalog.build import BuildReport, build
from catalog.config import BuildOptions, CacheLayout
from catalog.data.models import FetchMeta
from catalog.errors import CatalogError
from catalog.output.parallel import render_pages
from catalog.output.writer import SiteWriter
from catalog.render import Renderer
from catalog.site.plan import SPACECRAFT_PAGE, Page, SiteInfo
from catalog.site.urls import Urls


def build_with(tmp_path: Path, out: Path, workers: int) -> BuildReport:
    cache = tmp_path / "cache"
    if not CacheLayout(cache).data_file.exists():
        write_data(cache, fleet(40))
    return build(BuildOptions(out=out, cache=cache, workers=workers, parallel_threshold=0))


def writers_of(log: Path) -> dict[str, int]:
    """page path -> the process that wrote it, from the log the patched writer keeps."""
    found = {}
    for line in log.read_text().splitlines():
        pid, path = line.split(" ", 1)
        found[path] = int(pid)
    return found


@pytest.fixture
def write_log(monkeypatch, tmp_path) -> Path:
    """Every page the writer writes, with the process that wrote it (forked workers inherit the patch)."""
    log = tmp_path / "writes.log"
    original = SiteWriter.write

    def logged(self, path: str, data: bytes, key: str | None = None) -> None:
        original(self, path, data, key)
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)  # one write a line: lines never interleave
        os.write(fd, f"{os.getpid()} {path}\n".encode())
        os.close(fd)

    monkeypatch.setattr(SiteWriter, "write", logged)
    return log


def test_workers_build_the_same_bytes_as_one_process(tmp_path, write_log):
    one = build_with(tmp_path, tmp_path / "one", workers=1)
    serial = writers_of(write_log)
    write_log.unlink()
    three = build_with(tmp_path, tmp_path / "three", workers=3)
    parallel_writers = writers_of(write_log)
    assert (one.pages, one.written) == (three.pages, three.written)
    assert tree(tmp_path / "one") == tree(tmp_path / "three")
    assert "spacecraft/craft-7.html" in tree(tmp_path / "three")
    # The pages really came from several processes: the parent (its lists) and a forked worker
    # (which pulls the spacecraft pages in chunks: one worker may take them all on a busy machine).
    pages = {pid for path, pid in parallel_writers.items() if path.endswith(".html")}
    assert len(pages) > 1 and pages - {os.getpid()}
    # The canary: the one-process build has a single writer, which the check above would refuse.
    assert {pid for path, pid in serial.items() if path.endswith(".html")} == {os.getpid()}


def test_below_the_threshold_one_process_renders(tmp_path, write_log):
    cache = tmp_path / "cache"
    write_data(cache, fleet(40))
    report = build(BuildOptions(out=tmp_path / "site", cache=cache, workers=3, parallel_threshold=report_pages(tmp_path) + 1))
    assert report.pages > 40
    assert set(writers_of(write_log).values()) == {os.getpid()}


def report_pages(tmp_path: Path) -> int:
    """The number of pages of the 40-spacecraft site, from a build of it."""
    return build_with(tmp_path, tmp_path / "count", workers=1).pages


def test_workers_write_nothing_when_nothing_changed(tmp_path):
    build_with(tmp_path, tmp_path / "site", workers=2)
    before = tree(tmp_path / "site")
    assert build_with(tmp_path, tmp_path / "site", workers=2).written == 0
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
