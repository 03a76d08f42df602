"""A full build of fixture data the way the Pages workflow makes it: --fetch from a (fake) API, with images."""
from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image as PILImage

from catalog.data import api
from catalog.build import build
from catalog.config import BuildOptions
from fakeserver import FakeLL2
from base import config, flight, image, spacecraft

HOSTILE = '</script><script>alert("x")</script> & <b>"bold"</b>'


def picture_bytes(color: tuple[int, int, int], size: tuple[int, int], fmt: str) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def fixture_records(fake: FakeLL2) -> list[dict]:
    """A small catalog: several configurations, agencies and statuses, images with and without licenses."""
    soyuz_img = image(1, url=fake.add_file("/media/soyuz.jpg", picture_bytes((40, 90, 160), (900, 600), "JPEG")),
                      thumb=None, credit="NASA", license_name="Public Domain",
                      license_link="https://creativecommons.org/publicdomain/mark/1.0/")
    dragon_img = image(2, url=fake.add_file("/media/dragon.png", picture_bytes((200, 200, 210), (600, 800), "PNG"),
                                            "image/png"), thumb=None, credit="SpaceX", license_name="CC BY-NC 2.0",
                       license_link="https://creativecommons.org/licenses/by-nc/2.0/")
    own_img = image(3, url=fake.add_file("/media/own.jpg", picture_bytes((120, 60, 30), (640, 480), "JPEG")),
                    thumb=None, credit=None)
    soyuz = config(1, "Soyuz", img=soyuz_img)
    dragon = config(6, "Crew Dragon 2", agency=121, img=dragon_img)
    apollo = config(10, "Apollo Command/Service Module", agency=999)
    apollo["image"] = None
    statuses = [{"id": 1, "name": "Active"}, {"id": 3, "name": "Destroyed"}, {"id": 4, "name": "Single Use"}]
    records = [spacecraft(i, f"Craft {i}", cfg=[soyuz, dragon, apollo][i % 3], status=statuses[i % 3],
                          flights_count=i % 4, in_space=(i % 5 == 0), image=own_img if i == 4 else None)
               for i in range(1, 10)]
    records.append(spacecraft(50, HOSTILE, cfg=dragon, description="Text with <tags> & \"quotes\".",
                              serial_number="C-<50>", image=None))
    records.append(spacecraft(51, "Союз МС-25", cfg=config(38, "Soyuz MS", detailed=True, img=soyuz_img),
                              flights=[flight(7, name="Soyuz-2.1a | Soyuz MS-25")], in_space=True, image=None))
    return records


def build_site(root: Path, *, base_url: str | None) -> Path:
    """Fetch the fixture catalog from a fake LL2 on loopback and build it into root/out."""
    fake = FakeLL2().start()
    try:
        fake.records = fixture_records(fake)
        options = api.FetchOptions(api_url=fake.url, retries=0, sleep=lambda seconds: None)
        build(BuildOptions(out=root / "out", cache=root / "cache", base_url=base_url, fetch=options))
    finally:
        fake.stop()
    return root / "out"


def html_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as site-relative paths."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


class Head(HTMLParser):
    """The <head> of a page as a visitor's browser and a crawler see it: title, meta, links, JSON-LD."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.title = ""
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        elif tag == "link":
            for rel in a.get("rel", "").split():
                self.links.setdefault(rel, []).append(a.get("href", ""))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in = "ld"
            self.json_ld.append("")
        elif tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag):
        if tag in ("script", "title", "h1"):
            self._in = None

    def handle_data(self, data):
        if self._in == "ld":
            self.json_ld[-1] += data
        elif self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def read_head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser
