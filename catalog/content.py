"""Markdown pages from content/pages: a front matter block (title, optional order), then Markdown."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import markdown

from .errors import CatalogError
from .normalize import slugify

PAGES = Path(__file__).resolve().parent.parent / "content" / "pages"


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


def load_pages(folder: Path = PAGES) -> list[MarkdownPage]:
    """Render every content/pages/*.md to a page at the site root, ordered for the navigation."""
    pages = []
    for source in sorted(folder.glob("*.md")):
        fields, body = split_front_matter(source.read_text(encoding="utf-8"), name=str(source))
        slug = slugify(source.stem, fallback="page")
        html = markdown.markdown(body, extensions=["extra", "sane_lists"], output_format="html")
        pages.append(MarkdownPage(
            path=f"{slug}.html",
            title=fields.get("title") or source.stem.replace("-", " ").title(),
            html=html,
            order=int(fields["order"]) if fields.get("order", "").isdigit() else 100,
        ))
    return sorted(pages, key=lambda p: (p.order, p.path))
