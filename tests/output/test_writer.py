"""SiteWriter: a rebuild writes only what changed, swaps atomically, and never harms the last good site."""
from __future__ import annotations

import json
import os

import pytest

from catalog.errors import CatalogError
from catalog.output.writer import MARKER, SiteWriter


def build(out, pages, *, build_info=None):
    writer = SiteWriter(out)
    for path, text in pages.items():
        writer.write(path, text.encode())
    return writer.commit(build_info)


def snapshot(folder):
    """Every file under folder with its bytes and inode: a rewritten file gets a new inode."""
    out = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as src:
                out[os.path.relpath(path, folder)] = (src.read(), os.stat(path).st_ino)
    return out


SITE = {"index.html": "<h1>Home</h1>", "spacecraft/a.html": "A", "spacecraft/b.html": "B"}


def test_first_build_writes_every_page(tmp_path):
    out = tmp_path / "site"
    assert build(out, SITE) == 3
    assert (out / "spacecraft" / "a.html").read_text() == "A"
    assert set(json.loads((out / MARKER).read_text())["files"]) == set(SITE)


def test_no_change_rebuild_writes_nothing(tmp_path):
    out = tmp_path / "site"
    build(out, SITE)
    before = snapshot(out)
    assert build(out, SITE) == 0
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary tree left behind


def test_changed_page_is_rewritten_and_the_others_kept(tmp_path):
    out = tmp_path / "site"
    build(out, SITE)
    before = snapshot(out)
    assert build(out, {**SITE, "spacecraft/b.html": "B2"}) == 1
    after = snapshot(out)
    assert after["spacecraft/b.html"][0] == b"B2"
    assert after["spacecraft/a.html"] == before["spacecraft/a.html"]  # same file (hard link), not a copy
    assert after["index.html"] == before["index.html"]


def test_removed_page_is_deleted(tmp_path):
    out = tmp_path / "site"
    build(out, SITE)
    assert build(out, {k: v for k, v in SITE.items() if k != "spacecraft/b.html"}) == 1
    assert not (out / "spacecraft" / "b.html").exists()
    assert (out / "spacecraft" / "a.html").read_text() == "A"


def test_failed_build_leaves_the_old_site(tmp_path):
    out = tmp_path / "site"
    build(out, SITE)
    before = snapshot(out)
    writer = SiteWriter(out)
    writer.write("index.html", b"half-built")
    writer.abort()
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_refuses_a_folder_it_did_not_build(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(CatalogError, match="refusing to replace"):
        SiteWriter(out)
    (tmp_path / "file").write_text("x")
    with pytest.raises(CatalogError, match="not a folder"):
        SiteWriter(tmp_path / "file")
    assert (out / "thesis.tex").read_text() == "precious"


def test_two_pages_at_one_path_fail(tmp_path):
    writer = SiteWriter(tmp_path / "site")
    writer.write("spacecraft/soyuz.html", b"one")
    with pytest.raises(CatalogError, match="spacecraft/soyuz.html"):
        writer.write("spacecraft/soyuz.html", b"two")
    writer.abort()


def test_build_info_is_kept_and_updated_without_writing_pages(tmp_path):
    out = tmp_path / "site"
    build(out, SITE, build_info={"inputs": "one"})
    assert SiteWriter(out).previous_build == {"inputs": "one"}
    pages_before = {k: v for k, v in snapshot(out).items() if k != MARKER}
    assert build(out, SITE, build_info={"inputs": "two"}) == 0
    assert SiteWriter(out).previous_build == {"inputs": "two"}
    assert {k: v for k, v in snapshot(out).items() if k != MARKER} == pages_before


def test_forked_workers_share_one_tree(tmp_path):
    out = tmp_path / "site"
    build(out, SITE)
    writer = SiteWriter(out)
    writer.begin()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker: writes its pages, hands back what it claimed
        try:
            writer.detach()
            writer.write("spacecraft/b.html", b"B2")
            writer.write("spacecraft/c.html", b"C")
            os.write(write, json.dumps(writer.results()).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as src:
        pages, written, keys, reused = json.loads(src.read())
    os.waitpid(pid, 0)
    writer.write("index.html", SITE["index.html"].encode())
    writer.write("spacecraft/a.html", b"A")
    writer.absorb(pages, written, keys, reused)
    assert writer.commit() == 2
    assert {p: snapshot(out)[p][0] for p in ("spacecraft/b.html", "spacecraft/c.html", "index.html")} == {
        "spacecraft/b.html": b"B2", "spacecraft/c.html": b"C", "index.html": b"<h1>Home</h1>"}


def test_a_worker_page_at_a_claimed_path_fails(tmp_path):
    writer = SiteWriter(tmp_path / "site")
    writer.begin()
    writer.write("spacecraft/soyuz.html", b"one")
    with pytest.raises(CatalogError, match="spacecraft/soyuz.html"):
        writer.absorb({"spacecraft/soyuz.html": "digest"}, 1)
    writer.abort()
    assert not (tmp_path / "site").exists()
