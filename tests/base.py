"""The one shared helper module of the tests.

- Records: LL2-shaped raw records written in code (image, config, flight, spacecraft, fleet).
- Images: real image files made with Pillow (image_bytes).
- Fixture sites: write_data (records as the cache of a past --fetch), fetch_options (fast settings
  against a loopback server), build_site (the one way a test builds a site), fixture_catalog and
  build_fixture_site (the catalog the Pages workflow would build, images and all), site_files.
- HTML: parse / parse_html read a built page into a tree of Elements, as a browser would; Page adds
  what a visitor and a crawler see (the h1, the text, links, head tags, JSON-LD, pictures);
  html_pages and broken_links go over a whole site.
- Servers: Loopback, a tiny HTTP server on 127.0.0.1:0 that records the requests it receives and
  can hold a reply until released (the fake LL2 itself is tests/fakeserver.py); serving (the preview
  server in this process) and Preview (build.py --serve in a child process, its stderr as it comes).
"""
from __future__ import annotations

import contextlib
import copy
import functools
import io
import re
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from fakeserver import FakeLL2

    from catalog.build import BuildReport
    from catalog.config import FetchOptions

ROOT = Path(__file__).resolve().parent.parent  # the repository

AGENCIES = {
    63: {"response_mode": "list", "id": 63, "url": "https://ll.example/agencies/63/",
         "name": "Russian Federal Space Agency (ROSCOSMOS)", "abbrev": "RFSA", "type": {"id": 1, "name": "Government"}},
    121: {"response_mode": "list", "id": 121, "url": "https://ll.example/agencies/121/",
          "name": "SpaceX", "abbrev": "SpX", "type": {"id": 3, "name": "Commercial"}},
    999: {"response_mode": "list", "id": 999, "url": "https://ll.example/agencies/999/",
          "name": "North American Aviation", "abbrev": "", "type": {"id": 3, "name": "Commercial"}},
}


def image(ident: int | None = 1927, *, url: str = "https://img.example/soyuz.jpg",
          thumb: str | None = "https://img.example/soyuz_thumb.jpg", credit: str | None = None,
          license_name: str = "Unknown", license_link: str | None = None) -> dict[str, Any]:
    return {"id": ident, "name": f"[AUTO] image {ident}", "image_url": url, "thumbnail_url": thumb,
            "credit": credit, "license": {"id": 1, "name": license_name, "priority": 9, "link": license_link},
            "single_use": True, "variants": []}


def config(ident: int = 1, name: str = "Soyuz", *, agency: int = 63, detailed: bool = False,
           img: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "response_mode": "detailed" if detailed else "normal", "id": ident,
        "url": f"https://ll.example/spacecraft_configurations/{ident}/", "name": name,
        "type": {"id": 2, "name": "Capsule"}, "agency": copy.deepcopy(AGENCIES[agency]),
        "family": [{"response_mode": "normal", "id": 1, "name": "Soyuz", "description": "A family.",
                    "manufacturer": {"id": 1000, "name": "Energia", "abbrev": "OKB-1"},
                    "parent": None, "maiden_flight": "1966-11-28"}] if name.startswith("Soyuz") else [],
        "in_use": False, "image": img if img is not None else image(),
    }
    if detailed:
        raw.update(capability="Crew transport", history="Since 1966.", details="Three modules.",
                   maiden_flight="1966-11-28", height=7.48, diameter=2.72, human_rated=True,
                   crew_capacity=3, payload_capacity=200, payload_return_capacity=None, flight_life="180 days",
                   wiki_link="https://en.wikipedia.org/wiki/Soyuz_(spacecraft)", info_link="",
                   spacecraft_flown=150, total_launch_count=150, successful_launches=148, failed_launches=2,
                   attempted_landings=140, successful_landings=138, failed_landings=2, fastest_turnaround=None)
    raw.update(extra)
    return raw


def flight(ident: int = 1, *, name: str = "Soyuz 7K-T | Soyuz 29", net: str = "1978-06-15T20:16:38Z",
           end: str | None = "1978-11-02T11:05:00Z", duration: str | None = "P79DT15H23M49S",
           turnaround: str | None = "P0D", **launch: Any) -> dict[str, Any]:
    """A raw flight; `launch` adds LaunchNormal fields (launch_details() gives a full set)."""
    return {"id": ident, "url": f"https://ll.example/spacecraft/flights/{ident}/", "response_mode": "normal",
            "destination": "Salyut 6", "mission_end": end,
            "duration": duration, "turn_around_time": turnaround,
            "launch": {"id": "e7f0c7b2-0000-4000-8000-000000000001", "name": name,
                       "net": net, "slug": "soyuz-29", **launch},
            "landing": {"id": 5, "attempt": True, "success": True, "description": "",
                        "landing_location": {"id": 1, "name": "Kazakhstan"}, "type": {"id": 1, "name": "Parachute"}},
            "spacecraft": {"id": 178, "name": "Soyuz 29"}}


def launch_details(designator: str = "1978-057A", *, rocket: str = "Soyuz-U", pad: str = "Site 1/5",
                   location: str = "Baikonur Cosmodrome, Republic of Kazakhstan", mission: str = "Soyuz 29",
                   mission_type: str = "Human Exploration", orbit: str = "Low Earth Orbit",
                   status: str = "Launch Successful") -> dict[str, Any]:
    """The LaunchNormal fields of a flight's launch beyond id, name and net (pass as flight(**launch_details()))."""
    return {"launch_designator": designator, "status": {"id": 3, "name": status, "abbrev": "Success"},
            "rocket": {"id": 1, "configuration": {"id": 1, "name": rocket.split()[0], "full_name": rocket}},
            "pad": {"id": 1, "name": pad, "location": {"id": 1, "name": location}},
            "mission": {"id": 1, "name": mission, "type": mission_type,
                        "orbit": {"id": 8, "name": orbit, "abbrev": "LEO"}}}


def spacecraft(ident: int, name: str = "", *, cfg: dict[str, Any] | None = None,
               flights: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A raw spacecraft; pass flights=[...] for a detailed-mode record."""
    raw: dict[str, Any] = {
        "response_mode": "normal" if flights is None else "detailed",
        "id": ident, "url": f"https://ll.example/spacecraft/{ident}/", "name": name or f"Soyuz {ident}",
        "serial_number": f"Soyuz 7K-T #{ident}", "is_placeholder": False, "image": image(),
        "in_space": False, "time_in_space": "P79DT15H23M49S", "time_docked": "P78DT10H24M46S",
        "flights_count": 1, "mission_ends_count": 1, "status": {"id": 4, "name": "Single Use"},
        "description": f"Spacecraft number {ident}.", "spacecraft_config": cfg or config(),
        "fastest_turnaround": None,
    }
    if flights is not None:
        raw["flights"] = flights
    raw.update(extra)
    return raw


def fleet(n: int) -> list[dict[str, Any]]:
    """n varied records over three configurations, two agencies and three statuses."""
    configs = [config(1, "Soyuz"), config(6, "Crew Dragon 2", agency=121, img=image(2000, url="https://img.example/dragon.png")),
               config(10, "Apollo Command/Service Module", agency=999, img=None)]
    configs[2]["image"] = None
    statuses = [{"id": 1, "name": "Active"}, {"id": 3, "name": "Destroyed"}, {"id": 4, "name": "Single Use"}]
    out = []
    for i in range(1, n + 1):
        out.append(spacecraft(i, f"Craft {i}", cfg=copy.deepcopy(configs[i % 3]), status=statuses[i % 3],
                              flights_count=i % 7, in_space=(i % 5 == 0),
                              image=None if i % 4 == 0 else image(100 + i % 3)))
    return out


def flown_fleet() -> list[dict[str, Any]]:
    """Detailed-mode records with several flights across years: three orbiters of one configuration
    (flights_count null on one, a mission end before its launch as LL2 has for STS-72, flights with
    no duration), a Dragon still in space, a Soyuz, and normal-mode records beside them."""
    shuttle = config(20, "Space Shuttle", agency=999, img=None)
    dragon = config(6, "Crew Dragon 2", agency=121)

    def sts(ident: int, mission: str, net: str, end: str, duration: str | None = None,
            turnaround: str | None = None) -> dict[str, Any]:
        return flight(ident, name=f"Space Shuttle | {mission}", net=net, end=end, duration=duration,
                      turnaround=turnaround, **launch_details(f"{net[:4]}-{ident:03d}A", rocket="Space Shuttle",
                                                              pad="Launch Complex 39B",
                                                              location="Kennedy Space Center, FL, USA",
                                                              mission=mission, orbit="Low Earth Orbit"))

    endeavour = [sts(90, "STS-49", "1992-05-07T23:40:00Z", "1992-05-16T20:57:00Z"),
                 sts(93, "STS-47", "1992-09-12T14:23:00Z", "1992-09-20T12:53:00Z"),
                 sts(119, "STS-72", "1996-01-11T09:41:00Z", "1966-01-20T07:41:00Z"),  # the API's own error
                 sts(134, "STS-89", "1998-01-23T02:48:00Z", "1998-01-31T22:36:00Z")]
    atlantis = [sts(60, "STS-51-J", "1985-10-03T15:15:00Z", "1985-10-07T17:00:00Z", "P4DT1H45M", None),
                sts(70, "STS-61-B", "1985-11-27T00:29:00Z", "1985-12-03T21:33:00Z", "P6DT21H4M", "P50DT9H")]
    discovery = [sts(50, "STS-41-D", "1984-08-30T12:41:00Z", "1984-09-05T13:37:00Z", "P6DT56M", None)]
    records = [
        spacecraft(40, "Space Shuttle Endeavour", cfg=shuttle, flights=endeavour, flights_count=None,
                   time_in_space="P296DT3H34M", time_docked="P50DT12H", mission_ends_count=25,
                   fastest_turnaround="P54DT3H", status={"id": 2, "name": "Retired"}),
        spacecraft(41, "Space Shuttle Atlantis", cfg=shuttle, flights=atlantis, flights_count=33,
                   time_in_space="P306DT14H12M", time_docked="P90DT1H", mission_ends_count=33,
                   fastest_turnaround="P50DT9H", status={"id": 2, "name": "Retired"}),
        spacecraft(42, "Space Shuttle Discovery", cfg=shuttle, flights=discovery, flights_count=39,
                   time_in_space="P364DT22H", time_docked="P80DT3H", mission_ends_count=39,
                   fastest_turnaround="P47DT17H", status={"id": 2, "name": "Retired"}),
        spacecraft(43, "Dragon C206 Endeavour", cfg=dragon, in_space=True, flights_count=2, mission_ends_count=1,
                   time_in_space="P214DT4H", time_docked="P210DT1H", fastest_turnaround="P300DT2H",
                   status={"id": 1, "name": "Active"},
                   flights=[flight(300, name="Falcon 9 | Demo-2", net="2020-05-30T19:22:45Z",
                                   end="2020-08-02T18:48:00Z", duration="P63DT23H25M", turnaround="P0D",
                                   **launch_details("2020-033A", rocket="Falcon 9 Block 5", pad="Launch Complex 39A",
                                                    location="Kennedy Space Center, FL, USA", mission="Demo-2")),
                            flight(301, name="Falcon 9 | Crew-10", net="2026-03-14T23:03:00Z", end=None,
                                   duration=None, turnaround=None)]),
        spacecraft(44, "Soyuz MS-25", cfg=config(38, "Soyuz MS"), flights_count=1, time_in_space="P183DT10H",
                   flights=[flight(310, name="Soyuz-2.1a | Soyuz MS-25", net="2024-03-23T12:36:00Z",
                                   end="2024-09-23T11:59:00Z", duration="P183DT23H23M")]),
    ]
    records += [spacecraft(i, f"Soyuz {i}", flights_count=i % 3, time_in_space=f"P{i * 7}D") for i in range(1, 6)]
    return records


def detailed_only() -> list[dict[str, Any]]:
    """flown_fleet()'s detailed-mode records alone (ids 40 to 44): beside fleet(N), whose ids start at 1,
    no id appears twice (the build keeps the first record of an id)."""
    return [record for record in flown_fleet() if record["id"] >= 40]


# --- Images ---------------------------------------------------------------------------------------

def image_bytes(size: tuple[int, int] = (64, 48), color: str | tuple[int, int, int] = "navy",
                fmt: str = "JPEG") -> bytes:
    """A plain image file of one colour, made with Pillow."""
    from PIL import Image as PILImage

    out = io.BytesIO()
    PILImage.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


# --- Fixture sites ----------------------------------------------------------------------------------

def write_data(cache: Path, records: list[dict[str, Any]], fetched_at: str = "2026-11-20T06:00:00Z") -> None:
    """Write records as the data a previous --fetch left in the cache folder."""
    from catalog.config import CacheLayout
    from catalog.data import snapshot
    from catalog.data.models import FetchMeta

    meta = FetchMeta(api_url="https://ll.example/2.3.0/", count=len(records), fetched_at=fetched_at,
                     records=len(records))
    snapshot.write_records(CacheLayout(cache).data_file, records, meta)


def fetch_options(api_url: str, **overrides: Any) -> FetchOptions:
    """--fetch settings for a loopback server: no retries, no sleeping, and a generous timeout (a good
    reply on loopback is never late; a test of timeouts holds its reply until the client gives up)."""
    from catalog.config import FetchOptions

    settings: dict[str, Any] = dict(api_url=api_url, timeout=30.0, retries=0, backoff=0.0, sleep=lambda seconds: None)
    settings.update(overrides)
    return FetchOptions(**settings)


def build_site(out: Path, cache: Path, *, records: list[dict[str, Any]] | None = None, api: FakeLL2 | None = None,
               base_url: str | None = None, force: bool = False, strict: bool = False,
               settings: dict[str, Any] | None = None, **fetch: Any) -> BuildReport:
    """Build a site into out, the way build.py does: from `records` written as the cached data, or
    with --fetch from the fake `api` (its records and images; **fetch overrides fetch_options),
    else from whatever the cache holds (or the shipped snapshot). `settings` sets further BuildOptions
    fields (list_page_size=3, theme=...), as spacecraft-catalog.toml does."""
    from catalog.build import build
    from catalog.config import BuildOptions

    if records is not None:
        write_data(cache, records)
    options = fetch_options(api.url, **fetch) if api is not None else None
    return build(BuildOptions(out=out, cache=cache, base_url=base_url, fetch=options, force=force, strict=strict,
                              **(settings or {})))


def build_parted(out: Path, cache: Path, records: list[dict[str, Any]], *, first: int, part: int) -> Path:
    """Build a site whose search index comes in parts (`first` rows in the head, `part` in each further
    one) and is loaded after the first paint, as a large catalog's is; return the site folder."""
    import pytest

    from catalog.site import search_index

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_index, "FIRST_ROWS", first)
        patch.setattr(search_index, "PART_ROWS", part)
        patch.setattr(search_index, "AFTER_PAINT_FROM", 1)
        build_site(out, cache, records=records)
    return out


FIXTURE_HOSTILE = '</script><script>alert("x")</script> & <b>"bold"</b>'  # the name of spacecraft 50


def fixture_catalog(fake: FakeLL2) -> list[dict[str, Any]]:
    """A small catalog whose images fake serves: several configurations, agencies and statuses,
    images with and without licenses, a hostile name and a detailed-mode Cyrillic record."""
    soyuz_img = image(1, url=fake.add_file("/media/soyuz.jpg", image_bytes((900, 600), (40, 90, 160))),
                      thumb=None, credit="NASA", license_name="Public Domain",
                      license_link="https://creativecommons.org/publicdomain/mark/1.0/")
    dragon_img = image(2, url=fake.add_file("/media/dragon.png", image_bytes((600, 800), (200, 200, 210), "PNG"),
                                            "image/png"), thumb=None, credit="SpaceX", license_name="CC BY-NC 2.0",
                       license_link="https://creativecommons.org/licenses/by-nc/2.0/")
    own_img = image(3, url=fake.add_file("/media/own.jpg", image_bytes((640, 480), (120, 60, 30))),
                    thumb=None, credit=None)
    soyuz = config(1, "Soyuz", img=soyuz_img)
    dragon = config(6, "Crew Dragon 2", agency=121, img=dragon_img)
    apollo = config(10, "Apollo Command/Service Module", agency=999)
    apollo["image"] = None
    statuses = [{"id": 1, "name": "Active"}, {"id": 3, "name": "Destroyed"}, {"id": 4, "name": "Single Use"}]
    records = [spacecraft(i, f"Craft {i}", cfg=[soyuz, dragon, apollo][i % 3], status=statuses[i % 3],
                          flights_count=i % 4, in_space=(i % 5 == 0), image=own_img if i == 4 else None)
               for i in range(1, 10)]
    records.append(spacecraft(50, FIXTURE_HOSTILE, cfg=dragon, description='Text with <tags> & "quotes".',
                              serial_number="C-<50>", image=None))
    records.append(spacecraft(51, "Союз МС-25", cfg=config(38, "Soyuz MS", detailed=True, img=soyuz_img),
                              flights=[flight(7, name="Soyuz-2.1a | Soyuz MS-25")], in_space=True, image=None))
    return records


def fixture_crew(fake: FakeLL2) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The fixture catalog's flights and stations (issue 26), with nothing to warn about: a crewed flight of
    the detailed-mode record that docked at a station, its people with images fake serves."""
    face = image(4, url=fake.add_file("/media/face.jpg", image_bytes((300, 400), (90, 120, 90))), thumb=None,
                 credit="NASA", license_name="Public Domain")
    crew = [astronaut(1, "Oleg Novitsky", img=face),
            astronaut(2, "Tracy Dyson", role="Flight Engineer", priority=2, seat=2, img=face)]
    events = [docking_event(1, "2024-03-25T14:03:00Z", "2024-09-23T07:37:00Z", port="Rassvet nadir", port_id=5)]
    flights = [crewed_flight(7, 51, name="Soyuz-2.1a | Soyuz MS-25", net="2024-03-23T12:36:00Z",
                             end="2024-09-23T10:59:00Z", duration="P183DT22H23M", launch=crew, onboard=[],
                             landing=crew, docking=events)]
    iss = station(4, ports=[(5, "Rassvet nadir")], image=None)
    return flights, [iss]


def build_fixture_site(root: Path, *, base_url: str | None) -> Path:
    """The fixture catalog as the Pages workflow builds it: --fetch from a fake LL2, images and all,
    into root/out (root/cache keeps the data for offline rebuilds)."""
    from fakeserver import FakeLL2

    fake = FakeLL2().start()
    try:
        fake.records = fixture_catalog(fake)
        fake.flights, fake.stations = fixture_crew(fake)
        build_site(root / "out", root / "cache", api=fake, base_url=base_url)
    finally:
        fake.stop()
    return root / "out"


def site_files(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its path relative to folder, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- HTML -----------------------------------------------------------------------------------------

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
UNSEEN = frozenset({"script", "style", "template"})  # their character data is not text a visitor reads


class Element:
    """One element of a parsed page: its tag, its attributes (a valueless one is ""), its children."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, class_: str | None = None, **attrs: str) -> list[Element]:
        """Every element inside (this one included) of that tag, holding class_ among its classes and
        exactly these attribute values (pass aria_label= for aria-label)."""
        want = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (class_ is None or class_ in e.classes)
                and all(e.attrs.get(k) == v for k, v in want.items())]

    def one(self, tag: str | None = None, *, class_: str | None = None, **attrs: str) -> Element:
        """The only element find_all finds; fails the test if there is none or more than one."""
        found = self.find_all(tag, class_=class_, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag}> elements with {class_=} {attrs} (one expected): {found}"
        return found[0]

    @property
    def raw_text(self) -> str:
        """The character data inside, exactly as written (a <script>'s JSON, say)."""
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        """The text a reader sees, whitespace collapsed; pieces in separate elements are separated by a
        space, so a <dt>Status</dt><dd>Active</dd> reads "Status Active". Scripts and styles are left out."""
        return " ".join(" ".join(self._pieces()).split())

    def _pieces(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in UNSEEN:
                yield from child._pieces()


class Page(Element):
    """A whole parsed page, with what a visitor, a crawler and a link checker read from it."""

    @property
    def title(self) -> str:
        """The document's <title> (a chart's inline SVG has titles of its own in the body)."""
        return self.one("head").one("title").text

    @property
    def h1(self) -> str:
        """The text of the page's heading; fails the test unless the page has exactly one <h1>."""
        return self.one("h1").text

    @property
    def body(self) -> Element:
        return self.one("body")

    @property
    def text(self) -> str:
        """The visible text of the body."""
        return self.body.text

    @property
    def links(self) -> list[tuple[str, str]]:
        """Every URL the page refers to, as ("tag.attribute", url): href, src and each srcset entry."""
        out = []
        for e in self.iter():
            for attr in ("href", "src"):
                if attr in e.attrs and e.tag != "base":
                    out.append((f"{e.tag}.{attr}", e.attrs[attr]))
            if e.attrs.get("srcset"):
                out += [(f"{e.tag}.srcset", part.split()[0]) for part in e.attrs["srcset"].split(",") if part.strip()]
        return out

    @property
    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.iter() if e.attrs.get("id")}

    @property
    def scripts(self) -> list[Element]:
        return self.find_all("script")

    @property
    def meta(self) -> dict[str, list[str]]:
        """<meta> contents by property (Open Graph) or name (robots, twitter:*)."""
        out: dict[str, list[str]] = {}
        for e in self.find_all("meta"):
            key = e.attrs.get("property") or e.attrs.get("name")
            if key:
                out.setdefault(key, []).append(e.attrs.get("content", ""))
        return out

    @property
    def rel(self) -> dict[str, list[str]]:
        """The hrefs of <link> elements by each of their rel values (canonical, icon, stylesheet...)."""
        out: dict[str, list[str]] = {}
        for e in self.find_all("link"):
            for rel in e.attrs.get("rel", "").split():
                out.setdefault(rel, []).append(e.attrs.get("href", ""))
        return out

    @property
    def json_ld(self) -> list[str]:
        """The text of every JSON-LD script, as a crawler reads it."""
        return [e.raw_text for e in self.find_all("script", type="application/ld+json")]

    def pictures(self) -> list[tuple[Element, Element]]:
        """(source, img) of every <picture>, each holding one WebP <source> and one <img>."""
        out = []
        for picture in self.find_all("picture"):
            [source], [img] = picture.find_all("source"), picture.find_all("img")
            out.append((source, img))
        return out

    def placeholders(self) -> list[str]:
        """What a screen reader says for each image placeholder with a name (the aria-label)."""
        return [e.attrs["aria-label"] for e in self.find_all("span", class_="placeholder") if "aria-label" in e.attrs]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page("#document", {})
        self.open: list[Element] = [self.page]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # An end tag closes the nearest open element of its name, and any left open inside it
        # (an omitted </li> or </p>); a stray end tag is ignored, as a browser does.
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse_html(html: str) -> Page:
    """Parse an HTML document into a Page."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.page


def parse(path: Path) -> Page:
    """Parse a built page."""
    return parse_html(path.read_text(encoding="utf-8"))


def html_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as site-relative paths, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


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


# --- Servers --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    path: str  # with its query
    headers: dict[str, str]  # names lower-cased


class Loopback:
    """A tiny HTTP server on 127.0.0.1:0 that records every request it receives (path and headers).

    It answers the paths given to reply() and 404 to others; a path given to hold() answers only
    once release() is called, so a client's timeout fires without any test sleeping. Use it as a
    context manager: leaving releases what is held and stops the server.
    """

    HOLD_LIMIT = 30.0  # seconds; a client that never gives up then gets a 504, and its test fails instead of hanging

    def __init__(self) -> None:
        self.replies: dict[str, tuple[int, bytes, str]] = {}
        self.held: set[str] = set()
        self.received: list[Received] = []
        self.released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def reply(self, path: str, body: bytes, content_type: str = "application/json", status: int = 200) -> str:
        """Answer GET path with body; return its URL."""
        self.replies[path] = (status, body, content_type)
        return self.origin + path

    def hold(self, path: str) -> str:
        """Answer GET path only after release() (a 200 of nothing much), or a 504 after HOLD_LIMIT; return its URL."""
        self.held.add(path)
        return self.origin + path

    def release(self) -> None:
        self.released.set()

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The headers of every request received for path (query included), in order."""
        return [r.headers for r in self.received if r.path == path]

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                server.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}))
                path = urlsplit(self.path).path
                status, body, ctype = server.replies.get(path, (404, b'{"detail": "Not found."}', "application/json"))
                if path in server.held:
                    released = server.released.wait(server.HOLD_LIMIT)
                    status, body = (200, b"{}") if released else (504, b'{"detail": "held too long"}')
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up before the reply: what a held reply is for
                    pass

        return Handler


@contextlib.contextmanager
def serving(folder: Path, *, watch: bool = False) -> Iterator[str]:
    """Serve a built site over HTTP on loopback with the project's preview server, as GitHub Pages
    would (with watch, as `--serve --watch` does: the reload script and a worker that caches
    nothing); yield its root URL."""
    from catalog.output.serve import Version, make_server, url_of

    server = make_server(folder, port=0, version=Version()) if watch else make_server(folder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield url_of(server)
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def static_server(folder: Path, handler: type[SimpleHTTPRequestHandler]) -> Iterator[str]:
    """Serve folder on loopback with a plain static handler (a stand-in for a host, with its quirks or
    delays); yield its root URL. For the project's own preview server, use serving()."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Preview:
    """build.py --serve (with more options: --watch, --fetch ...) running in root, on a free port; its
    stderr lines, read as they come. Use it as a context manager: leaving stops it."""

    def __init__(self, root: Path, *args: str) -> None:
        script = root / "build.py" if (root / "build.py").exists() else ROOT / "build.py"  # a clone's own
        self.process = subprocess.Popen([sys.executable, str(script), "--serve", "--port", "0",
                                         "--out", "O", "--cache", "C", *args], cwd=root, stdin=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60, *, count: int = 1) -> re.Match[str]:
        """The last stderr line matching pattern, once `count` such lines came (fail after timeout seconds)."""
        with self.changed:
            found: list[re.Match[str]] = []

            def seen() -> bool:
                found[:] = [m for m in (re.search(pattern, line) for line in self.lines) if m]
                return len(found) >= count

            assert self.changed.wait_for(seen, timeout), f"no line matching {pattern!r} in {self.lines}"
            return found[-1]

    def url(self) -> str:
        """The root URL it serves, once it says so."""
        return self.wait_for(r"at (http://127\.0\.0\.1:\d+/)index\.html").group(1)

    def stop(self) -> list[str]:
        """Stop it (as Ctrl+C would); return every line it printed."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(10)
        return self.lines

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.stop()


def within(seconds: float, call: Any, *args: Any, **kwargs: Any) -> Any:
    """call() in a thread; fail unless it ends within `seconds` (a generous bound proving it ends, never a
    speed check); return or raise what it did."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def build_py(out: Path, cache: Path, *args: str,
             max_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """build.py in a child process; with max_file_bytes, no file it writes may grow past that
    (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails with EFBIG, as a full disk fails with ENOSPC)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    command = [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--cache", str(cache), "-q", *args]
    return subprocess.run(command,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=limit if max_file_bytes is not None else None)


def bare(ident: int) -> dict[str, Any]:
    """A record with no image: nothing may try a host beyond loopback."""
    cfg = config()
    cfg["image"] = None
    return spacecraft(ident, cfg=cfg, image=None)


def one_error_line(stderr: str) -> str:
    """The one line saying what went wrong (a usage error also prints the usage above it); never a traceback."""
    assert "Traceback" not in stderr and "unexpected" not in stderr
    [line] = [line for line in stderr.splitlines() if "error:" in line]
    return line


# --- Crew, dockings and stations (issue 26): the flights and stations endpoints' records ---------------

def astronaut(ident: int, name: str = "", *, role: Any = "Commander", priority: int | None = 0, seat: int = 1,
              nationality: Any = None, agency: int | None = 63, img: dict[str, Any] | None = None,
              born: str | None = "1964-06-21", kind: str = "Human") -> dict[str, Any]:
    """A crew seat (AstronautFlight) with its person (AstronautDetailed); role a string is 2.0.0's."""
    person = {"id": ident, "url": f"https://ll.example/astronauts/{ident}/", "name": name or f"Person {ident}",
              "status": {"id": 1, "name": "Active"}, "type": {"id": 2, "name": kind},
              "agency": copy.deepcopy(AGENCIES[agency]) if agency is not None else None,
              "image": img, "date_of_birth": born, "date_of_death": None,
              "nationality": nationality if nationality is not None else [
                  {"id": 5, "name": "Russia", "alpha_2_code": "RU", "nationality_name": "Russian"}]}
    role_value = {"id": 1, "role": role, "priority": priority} if isinstance(role, str) and priority is not None else role
    return {"id": seat, "role": role_value, "astronaut": person}


def docking_event(ident: int, docking: str = "2018-12-03T17:33:00Z", departure: str | None = "2019-06-24T23:25:30Z",
                  *, port: str = "Poisk zenith", port_id: int = 3, station: int | None = 4) -> dict[str, Any]:
    """A DockingEventForChaserNormal; station None leaves the location's station out (2.1.0's shape)."""
    location: dict[str, Any] = {"id": port_id, "name": port}
    if station is not None:
        location["spacestation"] = {"id": station, "name": f"Station {station}"}
    return {"id": ident, "url": f"https://ll.example/docking_events/{ident}/", "docking": docking,
            "departure": departure, "docking_location": location, "space_station_target": None,
            "flight_vehicle_target": None, "payload_flight_target": None}


def crewed_flight(ident: int, craft: int, *, launch: list[Any] | None = None, onboard: list[Any] | None = None,
                  landing: list[Any] | None = None, docking: list[Any] | None = None, **raw: Any) -> dict[str, Any]:
    """A SpacecraftFlightDetailed of spacecraft `craft`; a crew left None is not given (unknown)."""
    out = flight(ident, **{k: v for k, v in raw.items() if k in ("name", "net", "end", "duration")})
    out.update(response_mode="detailed", spacecraft={"id": craft, "name": f"Soyuz {craft}"}, launch_crew=launch,
               onboard_crew=onboard, landing_crew=landing, docking_events=docking if docking is not None else [])
    return out


def station(ident: int = 4, name: str = "International Space Station", *, ports: list[tuple[int, str]] = (),
            **extra: Any) -> dict[str, Any]:
    """A SpaceStationDetailed with its docking ports (id, name)."""
    raw = {"id": ident, "url": f"https://ll.example/space_stations/{ident}/", "name": name,
           "image": image(3000 + ident), "status": {"id": 1, "name": "Active"}, "founded": "1998-11-20",
           "deorbited": None, "description": "A station.", "orbit": "Low Earth Orbit",
           "type": {"id": 2, "name": "Government"}, "owners": [copy.deepcopy(AGENCIES[63])],
           "docking_location": [{"id": i, "name": n, "currently_docked": None} for i, n in ports],
           "active_docking_events": []}
    raw.update(extra)
    return raw


def write_endpoint(cache: Path, name: str, records: list[dict[str, Any]],
                   fetched_at: str = "2026-11-20T06:00:00Z") -> None:
    """Write an endpoint's records ("flights", "stations") as a previous --fetch left them in the cache."""
    from catalog.config import CacheLayout
    from catalog.data.crawl import write_data as write

    meta = {"api_url": "https://ll.example/2.3.0/", "count": len(records), "fetched_at": fetched_at,
            "full_at": fetched_at, "pending": []}
    write(CacheLayout(cache).endpoint_data(name), records, meta)
