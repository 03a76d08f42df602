"""Markdown pages: rendered once, then served from the cache until their text changes."""
from __future__ import annotations

from catalog.site.content import load_pages


def test_cached_markdown_follows_edits(tmp_path):
    pages, cache = tmp_path / "pages", tmp_path / "cache"
    pages.mkdir()
    source = pages / "about.md"
    source.write_text("---\ntitle: About\n---\nData from *Launch Library 2*.\n", encoding="utf-8")

    first = load_pages(pages, cache=cache)
    again = load_pages(pages, cache=cache)
    assert first[0].html == again[0].html == "<p>Data from <em>Launch Library 2</em>.</p>"
    assert list(cache.glob("*.html")), "the rendered page is kept"

    source.write_text("---\ntitle: About\n---\nImages by **their owners**.\n", encoding="utf-8")
    edited = load_pages(pages, cache=cache)
    assert edited[0].html == "<p>Images by <strong>their owners</strong>.</p>"
    assert load_pages(pages)[0].html == edited[0].html  # the same HTML as without a cache
