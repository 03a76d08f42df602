"""Markdown pages from content/pages: a front matter block (title, optional order), then Markdown."""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..config import PAGES
from ..data.normalize import slugify
from ..errors import CatalogError
from ..files import atomic_write
from .urls import Urls

EXTENSIONS = ("extra", "sane_lists")


@dataclass(frozen=True, slots=True)
class MarkdownPage:
    path: str
    title: str
    html: str  # rendered from our own content/, so trusted markup
    order: int


def split_front_matter(source: str, *, name: str) -> tuple[dict[str, str], str]:
    """Split "---\\nkey: value\\n---\\nbody" into its fields and body."""
    if not source.startswith("---\n"):
        return {}, source
    head, sep, body = source[4:].partition("\n---\n")
    if not sep:
        raise CatalogError(f"{name}: front matter opened with --- but never closed")
    fields = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip():
            fields[key.strip().lower()] = value.strip()
    return fields, body


def load_pages(folder: Path = PAGES, *, cache: Path | None = None) -> list[MarkdownPage]:
    """Render every content/pages/*.md to a page at the site root, ordered for the navigation.

    With a `cache` folder, each page's HTML is kept there by the digest of its text (and of the
    installed Markdown): loading Markdown and its extensions costs more than a small site's build.
    """
    pages = []
    for source in sorted(folder.glob("*.md")):
        fields, body = split_front_matter(source.read_text(encoding="utf-8"), name=str(source))
        slug = slugify(source.stem, fallback="page")
        html = to_html(body, cache=cache)
        pages.append(MarkdownPage(
            path=Urls.markdown(slug),
            title=fields.get("title") or source.stem.replace("-", " ").title(),
            html=html,
            order=int(fields["order"]) if fields.get("order", "").isdigit() else 100,
        ))
    return sorted(pages, key=lambda p: (p.order, p.path))


def to_html(body: str, *, cache: Path | None = None) -> str:
    """Markdown to HTML, through the cache when there is one."""
    if cache is None:
        return markdown_html(body)
    key = hashlib.blake2b(f"{markdown_stamp()} {EXTENSIONS}\n{body}".encode(), digest_size=16).hexdigest()
    kept = cache / f"{key}.html"
    with contextlib.suppress(OSError):  # not cached yet, or unreadable: render it
        return kept.read_text(encoding="utf-8")
    html = markdown_html(body)
    with contextlib.suppress(OSError):  # a cache we cannot write only costs time
        atomic_write(kept, html.encode())
    return html


def markdown_html(body: str) -> str:
    import markdown  # here: with every page cached, a build never loads it

    return markdown.markdown(body, extensions=list(EXTENSIONS), output_format="html")


@cache
def markdown_stamp() -> str:
    """Identify the installed Markdown without importing it: its files' location, size and mtime."""
    spec = importlib.util.find_spec("markdown")
    origin = spec.origin if spec and spec.origin else ""
    try:
        info = os.stat(origin)
    except OSError:
        return origin
    return f"{origin} {info.st_size} {info.st_mtime_ns}"
