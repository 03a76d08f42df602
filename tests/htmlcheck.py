"""Parse built pages with the standard library: links, scripts, headings, text."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass
class ParsedPage:
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag.attr, value)
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    h1: str = ""
    title: str = ""
    text: str = ""
    ids: set[str] = field(default_factory=set)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._stack: list[str] = []
        self._chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a and a["id"]:
            self.page.ids.add(a["id"])
        for attr in ("href", "src"):
            if a.get(attr) is not None and tag not in ("base",):
                self.page.links.append((f"{tag}.{attr}", a[attr]))
        if a.get("srcset"):
            for part in a["srcset"].split(","):
                self.page.links.append((f"{tag}.srcset", part.strip().split(" ")[0]))
        if tag == "script":
            self.page.scripts.append(a)
        if tag not in ("br", "img", "meta", "link", "input", "source", "hr", "wbr"):
            self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        if "h1" in self._stack:
            self.page.h1 += data
        if self._stack and self._stack[-1] == "title":
            self.page.title += data
        if "script" not in self._stack and "style" not in self._stack:
            self._chunks.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join(" ".join(self._chunks).split())


def parse(path: Path) -> ParsedPage:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser.page


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def broken_links(site: Path) -> list[str]:
    """Every local href/src in every page that does not resolve to a file (folders and "/" count as broken)."""
    problems = []
    for page_path in sorted(site.rglob("*.html")):
        for where, url in parse(page_path).links:
            if is_external(url) or url.startswith("#") or url.startswith("mailto:"):
                continue
            if url.startswith("/"):
                problems.append(f"{page_path.relative_to(site)}: {where} {url!r} is root-absolute")
                continue
            target_part = unquote(urlsplit(url).path)
            if not target_part:
                continue
            target = (page_path.parent / target_part).resolve()
            if not target.is_file():
                problems.append(f"{page_path.relative_to(site)}: {where} {url!r} does not resolve to a file")
            elif site.resolve() not in target.parents:
                problems.append(f"{page_path.relative_to(site)}: {where} {url!r} leaves the site")
    return problems
