"""The history as a visitor, a feed reader and a re-user see it: successive --fetch builds from a
fake LL2 on loopback, then changes.html, each spacecraft's History, the home page, changes.xml
(read by feedparser and checked against RFC 4287) and changes.json."""
from __future__ import annotations

import copy
import json
import logging
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from base import (
    FIXTURE_HOSTILE,
    ROOT,
    broken_links,
    build_site,
    config,
    flight,
    html_pages,
    image,
    image_bytes,
    parse,
    site_files,
    spacecraft,
)
from fakeserver import FakeLL2
from test_validity import BLOCKING, axe, vnu, vnu_jar  # noqa: F401 - the checkers, and fixtures for them

from catalog.build import build
from catalog.config import BuildOptions, CacheLayout
from catalog.data import history
from catalog.data.groups import build_catalog
from catalog.data.models import FetchMeta
from catalog.data.normalize import normalize_all
from catalog.errors import CatalogError
from catalog.site.changes import Changes
from catalog.site.urls import Urls

BASE = "https://someone.github.io/spacecraft-catalog/"
DAY0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC).timestamp()
DATES = ["2026-11-20T06:00:00Z", "2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z", "2026-11-23T06:00:00Z"]
ATOM = "{http://www.w3.org/2005/Atom}"


def clock(day: int):
    return lambda: DAY0 + day * 86400


def datasets(fake: FakeLL2) -> list[list[dict]]:
    """Four successive crawls: the first starts the history; the second adds, removes, renames, changes a
    status, launches and flies again; the third lands one, changes an image and a hostile rename; the
    fourth is the third again."""
    first = image(901, url=fake.add_file("/media/first.jpg", image_bytes((320, 240), "navy")), thumb=None)
    second = image(902, url=fake.add_file("/media/second.jpg", image_bytes((320, 240), "darkred")), thumb=None)
    soyuz, dragon = config(1, "Soyuz"), config(6, "Crew Dragon 2", agency=121)
    soyuz["image"] = dragon["image"] = None

    def craft(i: int, **extra) -> dict:
        return spacecraft(i, f"Craft {i}", cfg=copy.deepcopy(soyuz), **{"image": None, **extra})

    demo2, crew1 = flight(1, name="Falcon 9 | Demo-2"), flight(2, name="Falcon 9 | Crew-1")
    crew1["launch"]["net"] = "2026-11-21T00:27:17Z"
    day0 = [craft(1), craft(2, status={"id": 1, "name": "Active"}), craft(3), craft(4, image=first), craft(5),
            spacecraft(10, "Dragon C206", cfg=dragon, image=None, flights=[demo2]), craft(7)]
    day1 = {raw["id"]: raw for raw in copy.deepcopy(day0)}
    day1[1]["name"] = "Craft One"
    day1[2]["status"] = {"id": 2, "name": "Retired"}
    day1[3]["in_space"] = True
    del day1[5]  # Craft 5 leaves the API
    day1[10].update(flights=[demo2, crew1], flights_count=2)  # Dragon C206 flies again; Craft 7 stays the same
    day1[6] = craft(6)
    day2 = copy.deepcopy(day1)
    day2[3]["in_space"] = False
    day2[4]["image"] = second
    day2[6]["name"] = FIXTURE_HOSTILE
    return [day0, list(day1.values()), list(day2.values()), list(copy.deepcopy(day2).values())]


EXPECTED = [  # (date, spacecraft id, kind, before, after), in changes.json's order
    (DATES[1], 1, "renamed", "Craft 1", "Craft One"),
    (DATES[1], 2, "status", "Active", "Retired"),
    (DATES[1], 3, "in_space", False, True),
    (DATES[1], 5, "removed", None, None),
    (DATES[1], 6, "added", None, None),
    (DATES[1], 10, "new_flight", None, {"date": "2026-11-21", "id": 2, "launch": "Falcon 9 | Crew-1"}),
    (DATES[1], 10, "flights_count", 1, 2),
    (DATES[2], 3, "in_space", True, False),
    (DATES[2], 4, "image", None, None),  # the URLs: filled in by the fixture (they name the fake's port)
    (DATES[2], 6, "renamed", "Craft 6", FIXTURE_HOSTILE),
]


def fetch_days(fake: FakeLL2, root: Path, days, *, base_url: str | None = BASE, seed: bool = False) -> list[bytes]:
    """One --fetch build a day into root/out; changes.json after each."""
    published = []
    for day, records in days:
        fake.records = records
        build_site(root / "out", root / "cache", api=fake, base_url=base_url, clock=clock(day), seed=seed)
        published.append((root / "out" / "changes.json").read_bytes())
    return published


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("history")
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        published = fetch_days(fake, root, enumerate(days))
        images = (days[0][3]["image"]["image_url"], days[2][3]["image"]["image_url"])
    finally:
        fake.stop()
    return root / "out", published, images


def expected(images) -> list[tuple]:
    return [row[:3] + images if row[2] == "image" else row for row in EXPECTED]


# --- changes.json ----------------------------------------------------------------------------------

def test_changes_json_holds_every_event_of_the_successive_fetches(site):
    out, published, images = site
    data = json.loads((out / "changes.json").read_bytes())
    assert (data["version"], data["since"], data["updated"]) == (1, DATES[0], DATES[3])
    assert [(e["date"], e["spacecraft_id"], e["kind"], e["before"], e["after"]) for e in data["events"]] == \
        expected(images)
    assert {e["name"] for e in data["events"] if e["spacecraft_id"] == 5} == {"Craft 5"}  # removed: its last name
    assert history.parse(data).events  # it passes its own schema check, ids and all
    assert (out / "changes.json").read_bytes() == history.dumps(history.parse(data))  # sorted, canonical


def test_the_first_fetch_starts_the_history_and_the_same_data_again_adds_nothing(site):
    _, published, _ = site
    first, _, third, fourth = (json.loads(p) for p in published)
    assert first == {"events": [], "since": DATES[0], "updated": DATES[0], "version": 1}
    assert fourth["events"] == third["events"]
    assert (third["updated"], fourth["updated"]) == (DATES[2], DATES[3])


# --- changes.html ----------------------------------------------------------------------------------

def test_changes_page_lists_the_fetches_newest_first_each_event_linking_its_spacecraft(site):
    out, _, _ = site
    page = parse(out / "changes.html")
    assert page.h1 == "Changes"
    assert "Tracked since 2026-11-20 ; 10 changes so far." in page.text  # (the date is a <time> of its own)
    days = page.find_all("section", class_="change-day")
    assert [d.one("h2").text for d in days] == ["2026-11-22", "2026-11-21"]
    assert [d.one("time")["datetime"] for d in days] == [DATES[2], DATES[1]]
    assert [li.text for li in days[0].find_all("li")] == [
        f"{FIXTURE_HOSTILE} renamed from Craft 6", "Craft 3 back on Earth", "Craft 4 has a new image"]
    assert [li.text for li in days[1].find_all("li")] == [
        "Craft 2 status changed from Active to Retired", "Craft 3 launched: now in space",
        "Craft 5 removed from the catalog", "Craft 6 added to the catalog", "Craft One renamed from Craft 1",
        "Dragon C206 new flight: Falcon 9 | Crew-1, 2026-11-21", "Dragon C206 flights changed from 1 to 2"]
    links = {a.text: a["href"] for a in page.find_all("main")[0].find_all("a") if "spacecraft/" in a["href"]}
    assert links["Craft One"] == "spacecraft/craft-one.html" and links["Craft 3"] == "spacecraft/craft-3.html"
    removed = [li for li in days[1].find_all("li") if "removed" in li.text]
    assert [li.find_all("a") for li in removed] == [[]]  # no page to link: its last name, unlinked
    assert removed[0].one("span", class_="change-gone").text == "Craft 5"


def test_every_link_of_the_history_pages_resolves(site):
    out, _, _ = site
    assert broken_links(out) == []


def test_each_spacecraft_page_shows_its_own_history(site):
    out, _, _ = site

    def section(slug: str):
        return parse(out / "spacecraft" / f"{slug}.html").one("section", aria_labelledby="history")

    landed = section("craft-3")
    assert landed.one("h2").text == "History"
    assert "First seen on 2026-11-20 , when the catalog's history began." in landed.text  # the date: a <time>
    assert [li.text for li in landed.find_all("li")] == ["2026-11-22 Back on Earth",
                                                         "2026-11-21 Launched: now in space"]
    assert [t["datetime"] for t in landed.find_all("time")] == [DATES[0], DATES[2], DATES[1]]  # first seen, events
    added = section([p.stem for p in (out / "spacecraft").glob("*.html") if "alert" in p.name][0])
    assert "First seen on 2026-11-21 , when it appeared in Launch Library 2." in added.text
    assert [li.text for li in added.find_all("li")] == ["2026-11-22 Renamed from Craft 6",
                                                        "2026-11-21 Added to the catalog"]
    flew = section("dragon-c206")
    assert [li.text for li in flew.find_all("li")] == ["2026-11-21 New flight: Falcon 9 | Crew-1, 2026-11-21",
                                                       "2026-11-21 Flights changed from 1 to 2"]
    assert [li.text for li in section("craft-4").find_all("li")] == ["2026-11-22 Has a new image"]
    unchanged = section("craft-7")
    assert "First seen on 2026-11-20 , when the catalog's history began. No change recorded since." in unchanged.text
    assert unchanged.find_all("li") == []
    assert unchanged.one("a", href="../changes.html").text == "Every change in the catalog"


def test_home_page_shows_the_latest_changes_and_links_the_page_and_the_feed(site):
    out, _, _ = site
    latest = parse(out / "index.html").one("section", aria_labelledby="latest-changes")
    items = [li.text for li in latest.find_all("li")]  # a strip: each spacecraft once, its latest change
    assert items[:3] == [f"{FIXTURE_HOSTILE} 2026-11-22 : Renamed from Craft 6", "Craft 3 2026-11-22 : Back on Earth",
                         "Craft 4 2026-11-22 : Has a new image"]
    assert len(items) == 5  # the spacecraft of the latest 8 changes, once each; the page has them all
    assert latest.one("a", href="changes.html").text == "All changes"
    assert latest.one("a", href="changes.xml")["type"] == "application/atom+xml"


def test_changes_is_in_the_navigation_of_every_page(site):
    out, _, _ = site
    for path in ("index.html", "spacecraft/craft-3.html", "changes.html"):
        nav = parse(out / path).one("nav", aria_label="Sections")
        [link] = [a for a in nav.find_all("a") if a.text == "Changes"]
        assert urljoin(path, link["href"]) == "changes.html"
        assert (link.get("aria-current") == "page") == (path == "changes.html")


# --- changes.xml -----------------------------------------------------------------------------------

def atom_problems(data: bytes) -> list[str]:
    """What RFC 4287 requires of a feed and its entries that this document lacks."""
    try:
        feed = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    if feed.tag != ATOM + "feed":
        return [f"the root is {feed.tag}, not atom:feed"]
    problems: list[str] = []
    date = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")

    def required(element: ET.Element, where: str) -> None:
        for name in ("id", "title", "updated"):  # 4.1.1 and 4.1.2: exactly one of each
            found = element.findall(ATOM + name)
            if len(found) != 1:
                problems.append(f"{where}: {len(found)} atom:{name}, not one")
        for found in element.findall(ATOM + "id"):
            if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", found.text or ""):  # 4.2.6: an absolute IRI
                problems.append(f"{where}: atom:id {found.text!r} is not an absolute IRI")
        for found in element.findall(ATOM + "updated"):  # 3.3: an RFC 3339 date-time
            if not date.fullmatch(found.text or ""):
                problems.append(f"{where}: atom:updated {found.text!r} is not a date-time")
        for link in element.findall(ATOM + "link"):
            if not link.get("href"):
                problems.append(f"{where}: an atom:link without href")

    required(feed, "feed")
    selves = [link for link in feed.findall(ATOM + "link") if link.get("rel") == "self"]
    if len(selves) != 1:  # 4.1.1: SHOULD have one; we hold our feed to it
        problems.append(f"feed: {len(selves)} self links, not one")
    authored = feed.find(ATOM + "author") is not None
    ids = []
    for n, entry in enumerate(feed.findall(ATOM + "entry")):
        required(entry, f"entry {n}")
        ids += [e.text for e in entry.findall(ATOM + "id")]
        if not authored and entry.find(ATOM + "author") is None:  # 4.1.1: an author on the feed or each entry
            problems.append(f"entry {n}: no atom:author, and the feed has none")
        alternates = [link for link in entry.findall(ATOM + "link") if link.get("rel", "alternate") == "alternate"]
        if entry.find(ATOM + "content") is None and not alternates:  # 4.1.1: no content, then an alternate link
            problems.append(f"entry {n}: neither atom:content nor an alternate link")
    if len(ids) != len(set(ids)):
        problems.append("two entries share an id")
    return problems


CANARY = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><updated>2026-11-20</updated>
<link rel="self" href="a.xml"/><link rel="self" href="b.xml"/>
<entry><id>changes/1</id><title>x</title></entry></feed>"""


def test_the_rfc_check_rejects_a_feed_that_breaks_it():
    assert atom_problems(CANARY) == [
        "feed: 0 atom:id, not one", "feed: atom:updated '2026-11-20' is not a date-time",
        "feed: 2 self links, not one", "entry 0: 0 atom:updated, not one",
        "entry 0: atom:id 'changes/1' is not an absolute IRI", "entry 0: no atom:author, and the feed has none",
        "entry 0: neither atom:content nor an alternate link"]
    assert atom_problems(b"<feed><entry></feed>")[0].startswith("not well-formed XML")
    assert feedparser.parse(b"<feed xmlns='http://www.w3.org/2005/Atom'><entry></feed>").bozo  # the parser can fail too


def test_the_feed_is_valid_atom_with_the_latest_events_linking_their_pages(site):
    out, _, _ = site
    data = (out / "changes.xml").read_bytes()
    assert atom_problems(data) == []
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "tag:spacecraft-catalog,2026:changes"
    assert parsed.feed.updated == DATES[2]  # the latest event, not the last fetch nor the build's clock
    [self_link] = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_link == BASE + "changes.xml"
    titles = [e.title for e in parsed.entries]
    assert titles[:3] == [f"{FIXTURE_HOSTILE} renamed from Craft 6", "Craft 3 back on Earth",
                          "Craft 4 has a new image"]  # newest first, the hostile name as plain text
    assert len(parsed.entries) == len(EXPECTED)  # under the 50 the feed carries
    events = {e["id"]: e for e in json.loads((out / "changes.json").read_bytes())["events"]}
    for entry in parsed.entries:
        ident = entry.id.removeprefix("tag:spacecraft-catalog,2026:event/")
        assert ident in events, entry.id  # the event's own stable id
        assert entry.updated == events[ident]["date"]
        [link] = [link.href for link in entry.links if link.rel == "alternate"]
        assert link.startswith(BASE)  # absolute with --base-url
        page = link.removeprefix(BASE)
        if events[ident]["kind"] == "removed":
            assert page == "changes.html"  # no page of its own any more
        else:
            assert page.startswith("spacecraft/") and (out / page).is_file(), page


def test_every_page_announces_the_feed(site):
    out, _, _ = site
    for path in html_pages(out):
        announced = [link for link in parse(out / path).find_all("link", rel="alternate")
                     if link.get("type") == "application/atom+xml"]
        assert len(announced) == 1, path
        assert urljoin(path, announced[0]["href"]) == "changes.xml", path


def test_without_a_base_url_the_feed_links_are_relative_to_the_feed(tmp_path):
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        fetch_days(fake, tmp_path, enumerate(days[:2]), base_url=None)
    finally:
        fake.stop()
    data = (tmp_path / "out" / "changes.xml").read_bytes()
    assert atom_problems(data) == []
    parsed = feedparser.parse(data, response_headers={"content-location": "https://example.org/x/changes.xml",
                                                      "content-type": "application/atom+xml"})
    assert not parsed.bozo
    [self_link] = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_link == "https://example.org/x/changes.xml"  # resolved against where the feed was read
    hrefs = re.findall(rb'<link rel="alternate" type="text/html" href="([^"]+)"', data)
    assert hrefs and all(not h.startswith(b"http") for h in hrefs)
    assert all((tmp_path / "out" / h.decode()).is_file() for h in hrefs)


def test_the_feed_drops_characters_xml_cannot_hold():
    records = [spacecraft(1, "Craft\x01 one <&>", image=None)]
    catalog = build_catalog(normalize_all(records), FetchMeta(None, None, DATES[1], 1))
    event = history.make_event(DATES[1], 1, "Craft\x01 one <&>", "added")
    feed = Changes(history.History(DATES[0], DATES[1], (event,)), catalog).feed(Urls(None))
    assert atom_problems(feed) == []
    assert feedparser.parse(feed).entries[0].title == "Craft one <&> added to the catalog"


# --- Same inputs, same bytes; the up-to-date check ---------------------------------------------------

def test_an_offline_rebuild_is_byte_identical_and_a_second_one_writes_nothing(site, tmp_path):
    out, _, _ = site
    cache = out.parent / "cache"
    again = build_site(tmp_path / "again", cache, base_url=BASE)
    assert site_files(tmp_path / "again") == site_files(out)
    assert again.written > 0
    assert build_site(tmp_path / "again", cache, base_url=BASE).written == 0


def test_a_change_of_the_history_alone_rebuilds(tmp_path):
    fake = FakeLL2().start()
    try:
        fetch_days(fake, tmp_path, list(enumerate(datasets(fake)))[:2])
    finally:
        fake.stop()
    assert build_site(tmp_path / "out", tmp_path / "cache", base_url=BASE).written == 0
    shutil.rmtree(CacheLayout(tmp_path / "cache").history)  # what docs/data.md says resets it
    assert build_site(tmp_path / "out", tmp_path / "cache", base_url=BASE).written > 0
    assert "No history yet" in parse(tmp_path / "out" / "changes.html").text
    assert not (tmp_path / "out" / "changes.xml").exists()


# --- Failures ---------------------------------------------------------------------------------------

def test_a_failed_fetch_records_nothing(tmp_path):
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        fetch_days(fake, tmp_path, enumerate(days[:2]))
        before = site_files(tmp_path / "cache" / "history")
        fake.records = days[2]
        fake.always["/2.3.0/spacecraft/"] = ("500",)
        with pytest.raises(CatalogError, match="HTTP 500"):
            build_site(tmp_path / "out", tmp_path / "cache", api=fake, base_url=BASE, clock=clock(2))
    finally:
        fake.stop()
    assert site_files(tmp_path / "cache" / "history") == before


@pytest.mark.parametrize("cache", ["none", "a history without its data"])
def test_the_shipped_snapshot_shows_no_invented_history(tmp_path, cache):
    if cache != "none":  # the history of another data set must not be shown with the snapshot's
        fake = FakeLL2().start()
        try:
            fetch_days(fake, tmp_path, list(enumerate(datasets(fake)))[:2])
        finally:
            fake.stop()
        CacheLayout(tmp_path / "cache").data_file.unlink()
    build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache"))
    out = tmp_path / "out"
    assert json.loads((out / "changes.json").read_bytes()) == {"events": [], "since": None, "updated": None,
                                                              "version": 1}
    assert not (out / "changes.xml").exists()
    assert "No history yet" in parse(out / "changes.html").text
    assert "No history yet" in parse(out / "index.html").one("section", aria_labelledby="latest-changes").text
    some = next(p for p in html_pages(out) if p.startswith("spacecraft/") and not p.endswith("index.html"))
    assert "No history yet" in parse(out / some).one("section", aria_labelledby="history").text
    for path in html_pages(out):
        assert not [link for link in parse(out / path).find_all("link", rel="alternate")
                    if link.get("type") == "application/atom+xml"], path


# --- Pages of changes -------------------------------------------------------------------------------

def test_a_long_history_is_split_into_pages_linked_by_rel_prev_and_next(tmp_path):
    fake = FakeLL2().start()
    try:
        few = [spacecraft(i, f"Craft {i}", image=None, cfg={**config(), "image": None}) for i in range(1, 4)]
        many = few + [spacecraft(i, f"Craft {i}", image=None, cfg={**config(), "image": None})
                      for i in range(4, 134)]
        fetch_days(fake, tmp_path, [(0, few), (1, many)])
    finally:
        fake.stop()
    out = tmp_path / "out"
    assert sorted(p for p in html_pages(out) if p.startswith("changes")) == ["changes-2.html", "changes.html"]
    first, second = parse(out / "changes.html"), parse(out / "changes-2.html")
    assert first.rel.get("next") == ["changes-2.html"] and "prev" not in first.rel
    assert second.rel.get("prev") == ["changes.html"] and "next" not in second.rel
    assert second.title.startswith("Changes (page 2 of 2)")
    assert first.one("a", rel="next")["href"] == "changes-2.html"
    listed = [li.text for page in (first, second) for li in page.find_all("li", class_="change")]
    assert listed == [f"Craft {i} added to the catalog" for i in range(4, 134)]  # once each; 9 before 10
    assert len(first.find_all("li", class_="change")) == 100
    assert broken_links(out) == []


# --- Seeding from the published copy ----------------------------------------------------------------

def test_a_deleted_history_is_seeded_back_from_the_published_changes_json(tmp_path, caplog):
    fake = FakeLL2().start()
    try:
        published_at = fake.origin + "/site/"
        days = datasets(fake)
        fetch_days(fake, tmp_path, enumerate(days[:2]), base_url=published_at)  # nothing published yet: no seed
        recorded = json.loads((tmp_path / "out" / "changes.json").read_bytes())
        assert len(recorded["events"]) == 7
        fake.add_file("/site/changes.json", (tmp_path / "out" / "changes.json").read_bytes(), "application/json")
        shutil.rmtree(tmp_path / "cache" / "history")  # the Actions cache was evicted, say (the data survived)
        fake.requests.clear()
        with caplog.at_level(logging.INFO):
            fetch_days(fake, tmp_path, [(2, days[2])], base_url=published_at, seed=True)
        asked = [r for r in fake.requests if r.startswith("/site/")]
    finally:
        fake.stop()
    assert asked == ["/site/changes.json"]
    data = json.loads((tmp_path / "out" / "changes.json").read_bytes())
    assert data["since"] == DATES[0]
    assert data["events"][:7] == recorded["events"]  # the seeded history, whole
    assert [(e["spacecraft_id"], e["kind"]) for e in data["events"][7:]] == [(3, "in_space"), (4, "image"),
                                                                            (6, "renamed")]
    assert any("seeded the history from" in r.getMessage() for r in caplog.records)
    page = parse(tmp_path / "out" / "spacecraft" / "craft-3.html").one("section", aria_labelledby="history")
    assert [li.text for li in page.find_all("li")] == ["2026-11-22 Back on Earth", "2026-11-21 Launched: now in space"]


def history_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == history.__name__]


def published_copy(*events: history.Event, updated: str = DATES[1]) -> bytes:
    return history.dumps(history.History(DATES[0], updated, tuple(events)))


FAILED_SEEDS = {  # what a site may answer for its changes.json, none of which is a history
    "a 404": None,
    "an HTML page": (b"<!doctype html><title>Moved</title>", "text/html"),
    "an invalid document": (b'{"version": 1, "since": "then", "updated": null, "events": []}', "application/json"),
    "full-width digits": (published_copy().replace(b'"updated":"2026', "\"updated\":\"２０２６".encode()),
                          "application/json"),
    "a day that is not in the calendar": (published_copy(updated="2026-11-31T06:00:00Z"), "application/json"),
}


@pytest.mark.parametrize("answer", FAILED_SEEDS.values(), ids=FAILED_SEEDS.keys())
def test_a_failed_seed_commits_nothing_and_the_next_fetch_seeds_again(tmp_path, caplog, answer):
    fake = FakeLL2().start()
    try:
        if answer is not None:
            fake.add_file("/site/changes.json", *answer)
        days = datasets(fake)
        with caplog.at_level(logging.WARNING):
            fetch_days(fake, tmp_path, [(1, days[1])], base_url=fake.origin + "/site/", seed=True)
        warnings = history_warnings(caplog)
        committed = CacheLayout(tmp_path / "cache").history.exists()
        shown = json.loads((tmp_path / "out" / "changes.json").read_bytes())
        good = history.make_event(DATES[1], 1, "Craft One", "renamed", "Craft 1", "Craft One")
        fake.add_file("/site/changes.json", published_copy(good), "application/json")  # the site answers again
        fetch_days(fake, tmp_path, [(2, days[2])], base_url=fake.origin + "/site/", seed=True)
    finally:
        fake.stop()
    [warning] = warnings
    assert warning.startswith("the history was not seeded") and "\n" not in warning
    assert warning.endswith("this fetch records no changes, and the next --fetch tries the seed again")
    assert not committed  # nothing a later deploy could publish over the old history
    assert shown == {"events": [], "since": None, "updated": None, "version": 1}
    data = json.loads((tmp_path / "out" / "changes.json").read_bytes())
    assert (data["since"], data["updated"]) == (DATES[0], DATES[2])
    assert data["events"][0]["name"] == "Craft One"  # the published history, kept


def test_a_strict_build_fails_on_a_failed_seed_and_commits_nothing(tmp_path):
    fake = FakeLL2().start()
    try:
        fake.records = [spacecraft(1, "Craft 1", image=None, cfg={**config(), "image": None})]  # nothing to warn of
        with pytest.raises(CatalogError, match=r"^--strict: the build warned \(the history was not seeded \(.*HTTP 404"):
            build_site(tmp_path / "out", tmp_path / "cache", api=fake, base_url=fake.origin + "/site/",
                       clock=clock(1), seed=True, strict=True)
    finally:
        fake.stop()
    assert not CacheLayout(tmp_path / "cache").history.exists()
    assert not CacheLayout(tmp_path / "cache").data_file.exists()
    assert not (tmp_path / "out").exists()


def test_a_published_history_ahead_of_the_fetch_is_kept_and_published(tmp_path, caplog):
    ahead = history.make_event(DATES[3], 1, "Craft One", "renamed", "Craft 1", "Craft One")
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        fake.add_file("/site/changes.json", published_copy(ahead, updated=DATES[3]), "application/json")
        with caplog.at_level(logging.WARNING):
            fetch_days(fake, tmp_path, [(1, days[1])], base_url=fake.origin + "/site/", seed=True)
    finally:
        fake.stop()
    data = json.loads((tmp_path / "out" / "changes.json").read_bytes())
    assert (data["since"], data["updated"]) == (DATES[0], DATES[3])
    assert [e["id"] for e in data["events"]] == [ahead.id]
    assert history.load(CacheLayout(tmp_path / "cache")).events == (ahead,)  # committed: the next fetch keeps it
    assert any("already goes up to 2026-11-23T06:00:00Z" in r.getMessage() for r in caplog.records)


def test_an_integer_beyond_64_bits_from_the_api_costs_one_value_not_the_history(tmp_path, caplog):
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        huge = copy.deepcopy(days[1])
        huge[0]["flights_count"] = 2**64
        with caplog.at_level(logging.WARNING):
            fetch_days(fake, tmp_path, [(0, days[0]), (1, huge), (2, days[2])])
    finally:
        fake.stop()
    data = json.loads((tmp_path / "out" / "changes.json").read_bytes())
    assert (data["since"], data["updated"]) == (DATES[0], DATES[2])  # not started again
    kinds = [(e["date"], e["spacecraft_id"], e["kind"], e["before"], e["after"]) for e in data["events"]]
    assert (DATES[1], 1, "flights_count", 1, None) in kinds and (DATES[2], 1, "flights_count", None, 1) in kinds
    assert (DATES[2], 6, "renamed", "Craft 6", FIXTURE_HOSTILE) in kinds  # the next fetch's changes are there
    [warning] = history_warnings(caplog)
    assert warning.startswith("spacecraft 1 (Craft One): flights_count 18446744073709551616 is not an integer")
    assert "Craft One flights changed from 1 to unknown" in parse(tmp_path / "out" / "changes.html").text


def test_control_characters_of_a_seeded_name_never_reach_the_pages(tmp_path):
    odd = history.make_event(DATES[1], 1, "Craft\x00 \x0bOne\x7f", "renamed", "Craft\x0c 1", "Craft\x00 \x0bOne\x7f")
    fake = FakeLL2().start()
    try:
        days = datasets(fake)
        fake.add_file("/site/changes.json", published_copy(odd), "application/json")
        fetch_days(fake, tmp_path, [(2, days[2])], base_url=fake.origin + "/site/", seed=True)
    finally:
        fake.stop()
    out = tmp_path / "out"
    for page in ("changes.html", "index.html", "spacecraft/craft-one.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", html), page
        assert "Craft One renamed from Craft 1" in parse(out / page).text or \
            "Renamed from Craft 1" in parse(out / page).text, page
    assert json.loads((out / "changes.json").read_bytes())["events"][0]["name"] == "Craft\x00 \x0bOne\x7f"  # data


def test_the_command_line_seeds_unless_told_not_to(tmp_path):
    fake = FakeLL2().start()
    try:
        fake.records = [spacecraft(1, "Craft 1", image=None, cfg={**config(), "image": None})]
        base = fake.origin + "/site/"
        for flags, cache in (([], "C1"), (["--no-seed"], "C2")):
            done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--fetch", "--api-url", fake.url,
                                   "--retries", "0", "--base-url", base, "--cache", cache, "--out", cache + "-out",
                                   *flags], cwd=tmp_path, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            if not flags:
                assert "the history was not seeded" in done.stderr and "HTTP 404" in done.stderr
            else:
                assert "seeded" not in done.stderr
        asked = [r for r in fake.requests if r.startswith("/site/")]
    finally:
        fake.stop()
    assert asked == ["/site/changes.json"]  # once: by the build without --no-seed


# --- Valid HTML, accessible, in light and dark -----------------------------------------------------


def test_history_pages_are_valid_html(site, vnu_jar, tmp_path):  # noqa: F811 - vnu_jar: the fixture imported
    out, _, _ = site
    pages = tmp_path / "pages"
    for path in ("changes.html", "index.html", "spacecraft/craft-3.html", "spacecraft/dragon-c206.html"):
        (pages / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(out / path, pages / path)
    (tmp_path / "canary.html").write_text('<!doctype html><html lang="en"><title>x</title><ul><p></ul>')
    messages = vnu(vnu_jar, pages, tmp_path / "canary.html")
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    assert [m for m in errors if m.get("url", "").endswith("canary.html")], messages  # the checker can fail
    assert [m for m in errors if not m.get("url", "").endswith("canary.html")] == []


@pytest.mark.parametrize("path", ["changes.html", "spacecraft/craft-3.html", "index.html"])
def test_history_pages_have_no_serious_accessibility_violations(site, browser, axe, path):  # noqa: F811 - the fixture
    out, _, _ = site
    problems = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        try:
            page = context.new_page()
            page.goto((out / path).as_uri())
            violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
            problems += [(scheme, v["id"], v["help"]) for v in violations if v["impact"] in BLOCKING]
        finally:
            context.close()
    assert problems == []
