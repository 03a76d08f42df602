"""quality.html: each check of LL2's records with its count and its records, linked to their pages and
to their LL2 records (issue 26). Each check runs on a catalog that triggers it and on a canary
catalog of the same records, set right, where it finds nothing."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import (
    astronaut,
    build_site,
    config,
    crewed_flight,
    docking_event,
    flight,
    image,
    parse,
    spacecraft,
    station,
    write_endpoint,
)

import catalog.site.plan

LL2 = "https://ll.example/2.3.0/"
LICENSED = {"license_name": "Public Domain", "license_link": "https://creativecommons.org/publicdomain/mark/1.0/"}


def craft(ident: int, name: str, flights: list[tuple[int, str, str]], **extra) -> dict:
    """A spacecraft listing its flights (id, launch, mission end), with a licensed image and figures that agree."""
    listed = [flight(i, net=f"{net}T10:00:00Z", end=f"{end}T10:00:00Z", duration=None) for i, net, end in flights]
    values = {"time_in_space": None, "time_docked": None, "flights_count": len(listed), "in_space": False,
              "image": image(10 + ident, **LICENSED), **extra}
    return spacecraft(ident, name, cfg=config(img=image(1, **LICENSED)), flights=listed, **values)


def catalog_of(*, wrong: bool) -> tuple[list[dict], list[dict]]:
    """(spacecraft, flights) where each check finds one record (wrong) or none (the canary)."""
    crafts = [
        craft(1, "Counted Craft", [(11, "2010-01-01", "2010-02-01")], flights_count=3 if wrong else 1),
        craft(2, "Up There", [(21, "2019-01-01", "2019-05-01")], in_space=wrong),
        craft(3, "Lost Flight", [(31, "2011-01-01", "2011-02-01"), (32, "2012-01-01", "2012-02-01")]),
        craft(4, "Reversed Dock", [(41, "2013-01-01", "2013-03-01")]),
        craft(5, "First Ride", [(51, "2020-01-01", "2020-03-01")]),
        craft(6, "Second Ride", [(61, "2020-02-01" if wrong else "2020-04-01", "2020-05-01")]),
        craft(7, "Docked Long", [(71, "2014-01-01", "2014-03-01")], time_docked="P30D" if wrong else "P10D"),
        craft(8, "Unlicensed Look", [(81, "2015-01-01", "2015-02-01")],
              image=image(99, credit="Someone") if wrong else image(99, **LICENSED)),
    ]
    crew = [astronaut(501, "Ann Overlap")]
    flights = [
        crewed_flight(11, 1, net="2010-01-01T10:00:00Z", end="2010-02-01T10:00:00Z"),
        crewed_flight(21, 2, net="2019-01-01T10:00:00Z", end="2019-05-01T10:00:00Z"),
        crewed_flight(31, 3, net="2011-01-01T10:00:00Z", end="2011-02-01T10:00:00Z"),
        crewed_flight(41, 4, net="2013-01-01T10:00:00Z", end="2013-03-01T10:00:00Z", docking=[
            docking_event(401, "2013-01-03T00:00:00Z", "2012-12-01T00:00:00Z" if wrong else "2013-02-01T00:00:00Z")]),
        crewed_flight(51, 5, launch=crew, net="2020-01-01T10:00:00Z", end="2020-03-01T10:00:00Z"),
        crewed_flight(61, 6, launch=crew, net="2020-02-01T10:00:00Z" if wrong else "2020-04-01T10:00:00Z",
                      end="2020-05-01T10:00:00Z"),
        crewed_flight(71, 7, net="2014-01-01T10:00:00Z", end="2014-03-01T10:00:00Z", docking=[
            docking_event(701, "2014-01-03T00:00:00Z", "2014-01-13T00:00:00Z", port_id=5)]),
        crewed_flight(81, 8, net="2015-01-01T10:00:00Z", end="2015-02-01T10:00:00Z"),
    ]
    if not wrong:
        flights.append(crewed_flight(32, 3, net="2012-01-01T10:00:00Z", end="2012-02-01T10:00:00Z"))
    return crafts, flights


def build(root: Path, *, wrong: bool, preview: int | None = None) -> Path:
    crafts, flights = catalog_of(wrong=wrong)
    write_endpoint(root / "cache", "flights", flights)
    write_endpoint(root / "cache", "stations", [station(4, "Station 4", ports=[(3, "Poisk zenith"), (5, "Aft")],
                                                        image=image(3004, **LICENSED))])
    patch = pytest.MonkeyPatch()
    if preview is not None:
        patch.setattr(catalog.site.plan, "QUALITY_PREVIEW", preview)
        patch.setattr(catalog.site.plan, "QUALITY_PAGE_SIZE", preview)
    try:
        build_site(root / "out", root / "cache", records=crafts, force=True)
    finally:
        patch.undo()
    return root / "out"


@pytest.fixture(scope="module")
def wrong(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("quality-wrong"), wrong=True)


@pytest.fixture(scope="module")
def right(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("quality-right"), wrong=False)


def section(site: Path, slug: str):
    """The check's <section> on quality.html (found by its heading's id)."""
    page = parse(site / "quality.html")
    [found] = [s for s in page.find_all("section") if s.attrs.get("aria-labelledby") == slug]
    return found


def reads(element) -> str:
    """The text as a reader sees it (the parser's text puts a space around each element's text)."""
    return element.text.replace("( ", "(").replace(" )", ")").replace(" ,", ",").replace(" :", ":")


def hrefs(element) -> list[str]:
    return [a.attrs["href"] for a in element.find_all("a")]


# (check slug, heading, the one record's text, the links it must carry: site pages and LL2 records)
CASES = [
    ("flights-count", "Flight count differs from the flights listed: 1",
     "Counted Craft (LL2 record): flights_count 3, 1 listed",
     ["spacecraft/counted-craft.html", f"{LL2}spacecraft/1/"]),
    ("in-space", "In space, but every flight has ended: 1",
     "Up There (LL2 record): 1 flight listed, the last ended 2019-05-01",
     ["spacecraft/up-there.html", f"{LL2}spacecraft/2/"]),
    ("missing-flights", "Flight listed on a spacecraft but absent from the flights data: 1",
     "Lost Flight (LL2 record), flight 32 (LL2 record): listed on the spacecraft, not sent by the flights endpoint",
     ["spacecraft/lost-flight.html", f"{LL2}spacecraft/3/", f"{LL2}spacecraft_flights/32/"]),
    ("backwards", "Departure before docking: 1",
     "docking event 401 (LL2 record), Soyuz 29 (flight 41) (LL2 record): docked 2013-01-03T00:00:00Z, "
     "departed 2012-12-01T00:00:00Z",
     [f"{LL2}docking_events/401/", "flights/soyuz-29", f"{LL2}spacecraft_flights/41/"]),
    ("overlaps", "One person on two overlapping flights: 1",
     "Ann Overlap (LL2 record), Soyuz 29 (flight 51) (LL2 record), Soyuz 29 (flight 61) (LL2 record): "
     "launched 2020-02-01, before the other flight ended (2020-03-01)",
     ["astronauts/ann-overlap.html", "https://ll.example/astronauts/501/", f"{LL2}spacecraft_flights/51/",
      f"{LL2}spacecraft_flights/61/"]),
    ("sums", "Time docked or in space differs from the sum of the events: 1",
     "Docked Long (LL2 record): time docked given as 30 d; the docking events sum to 10 d (docking events 701)",
     ["spacecraft/docked-long.html", f"{LL2}spacecraft/7/"]),
    ("no-license", "Image with no license: 1",
     "Unlicensed Look (LL2 record): image “image 99”, credit Someone",
     ["spacecraft/unlicensed-look.html", f"{LL2}spacecraft/8/"]),
]


@pytest.mark.parametrize(("slug", "heading", "text", "links"), CASES, ids=[c[0] for c in CASES])
def test_each_check_counts_and_links_the_record_that_triggers_it(wrong, slug, heading, text, links):
    found = section(wrong, slug)
    assert found.one("h2").text == heading
    [item] = found.find_all("li")
    assert reads(item) == text
    shown = hrefs(item)
    for link in links:
        assert any(link in href for href in shown), (link, shown)
    assert not [h for h in shown if h.startswith("/")]  # relative links: the site works under a sub-path


@pytest.mark.parametrize(("slug", "heading"), [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_canary_each_check_finds_nothing_when_the_records_agree(right, slug, heading):
    found = section(right, slug)
    assert found.one("h2").text == heading.replace(": 1", ": 0")
    assert found.find_all("li") == []
    assert "None found." in found.text


def test_the_data_page_and_every_footer_link_the_quality_page(wrong):
    data = parse(wrong / "data.html")
    assert "quality.html" in [href for _, href in data.links]
    for page in ("index.html", "spacecraft/counted-craft.html"):
        footer = parse(wrong / page).one("footer")
        assert any(href.endswith("quality.html") for href in hrefs(footer)), page
    assert parse(wrong / "quality.html").h1 == "Data quality"


def test_a_long_check_lists_the_first_records_and_pages_the_rest(tmp_path):
    crafts, flights = catalog_of(wrong=True)
    for n in range(9, 12):  # three more unlicensed images: four in all
        crafts.append(craft(n, f"Bare {n}", [], image=image(200 + n)))
    write_endpoint(tmp_path / "cache", "flights", flights)
    patch = pytest.MonkeyPatch()
    patch.setattr(catalog.site.plan, "QUALITY_PREVIEW", 2)
    patch.setattr(catalog.site.plan, "QUALITY_PAGE_SIZE", 3)
    try:
        build_site(tmp_path / "out", tmp_path / "cache", records=crafts, force=True)
    finally:
        patch.undo()
    out = tmp_path / "out"
    found = section(out, "no-license")
    assert found.one("h2").text == "Image with no license: 4"
    assert len(found.find_all("li")) == 2
    more = found.find_all("a")[-1]
    assert (more.text, more.attrs["href"]) == ("All 4 records: image with no license", "quality-no-license.html")
    first, second = parse(out / "quality-no-license.html"), parse(out / "quality-no-license-2.html")
    assert first.h1 == "Image with no license"
    names = [[li.find_all("a")[0].text for li in page.one("ol").find_all("li")] for page in (first, second)]
    assert [len(n) for n in names] == [3, 1]
    assert sorted(names[0] + names[1]) == ["Bare 10", "Bare 11", "Bare 9", "Unlicensed Look"]
    assert second.one("ol").attrs["start"] == "4"
    assert "quality-no-license.html" in hrefs(second.one("nav", class_="pager"))
