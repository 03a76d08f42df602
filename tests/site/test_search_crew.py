"""Issue 26's search in Chromium, from file:// and over HTTP: people and stations as results of
their own, a spacecraft found by the name of someone who flew it, the crewed, station and crew
member filters, and the crew_count and docking_count ranges, from the URL and from the controls.

The catalog is five spacecraft whose flights say each case once: one flown by Yuri Gagarin; one
by Valentina Tereshkova and Yuri Malenchenko, docked three times at two stations; an uncrewed
freighter docked at Mir; one whose flight gives no crew list (crew unknown) and one with no
flights data at all. Each test also asks for what must not be found (its canary)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from base import astronaut, build_site, crewed_flight, docking_event, spacecraft, static_server, station, write_endpoint
from playwright.sync_api import expect
from test_search import QuietHandler, names  # noqa: F401 - the handler serves the site

from catalog.site import search_index

GAGARIN, TERESHKOVA, MALENCHENKO = 501, 502, 503
ISS, MIR = 4, 5


def flights() -> list[dict]:
    def seat(ident: int, name: str) -> dict:
        return astronaut(ident, name, seat=ident - 500)

    return [
        crewed_flight(11, 1, launch=[seat(GAGARIN, "Yuri Gagarin")], onboard=[], landing=[seat(GAGARIN, "Yuri Gagarin")]),
        crewed_flight(21, 2, launch=[seat(TERESHKOVA, "Valentina Tereshkova"), seat(MALENCHENKO, "Yuri Malenchenko")],
                      onboard=[], landing=[],
                      docking=[docking_event(2101, "2001-01-03T00:00:00Z", "2001-02-01T00:00:00Z", station=ISS)]),
        crewed_flight(22, 2, launch=[seat(MALENCHENKO, "Yuri Malenchenko")], onboard=[], landing=[],
                      docking=[docking_event(2201, "2003-01-03T00:00:00Z", "2003-02-01T00:00:00Z", station=ISS),
                               docking_event(2202, "2003-02-03T00:00:00Z", "2003-03-01T00:00:00Z",
                                             port="Kvant aft", port_id=7, station=MIR)]),
        crewed_flight(31, 3, launch=[], onboard=[], landing=[],
                      docking=[docking_event(3101, "2004-01-03T00:00:00Z", "2004-02-01T00:00:00Z",
                                             port="Kvant aft", port_id=7, station=MIR)]),
        crewed_flight(41, 4),  # no crew list given: crew unknown
    ]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search-crew")
    crafts = [spacecraft(ident, name, serial_number=None, image=None) for ident, name in (
        (1, "Vostok Capsule"), (2, "Soyuz Ferry"), (3, "Progress Freighter"), (4, "Cargo Dragon"), (5, "Quiet Craft"))]
    write_endpoint(root / "cache", "flights", flights())
    write_endpoint(root / "cache", "stations", [station(ISS, "International Space Station", ports=[(3, "Poisk zenith")]),
                                                station(MIR, "Mir", ports=[(7, "Kvant aft")])])
    build_site(root / "out", root / "cache", records=crafts, force=True)
    return root / "out"


@pytest.fixture(scope="module")
def http_root(site):
    with static_server(site, QuietHandler) as url:
        yield url


@pytest.fixture(params=["file", "http"])
def root(request, site):
    return site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")


@pytest.fixture
def file_root(site):
    return site.as_uri() + "/"


@pytest.fixture
def page(page):
    page.set_default_timeout(5000)
    return page


def others(page) -> list[tuple[str, str, str]]:  # noqa: F811 - a Page, not the fixture
    """(name, href, kind) of each person and station the page lists above the spacecraft; [] when hidden."""
    if page.locator("#search-others").is_hidden():
        return []
    return [tuple(item) for item in page.locator("#search-others-list li").evaluate_all(
        "items => items.map(li => [li.querySelector('a').textContent, li.querySelector('a').getAttribute('href'),"
        " li.querySelector('.result-kind').textContent])")]


def count(n: int) -> str:
    return "No spacecraft match." if n == 0 else "1 spacecraft matches." if n == 1 else f"{n} spacecraft match."


def option_texts(page, label: str) -> dict[str, str]:  # noqa: F811 - a Page, not the fixture
    return dict(page.get_by_label(label, exact=True).evaluate(
        "s => Array.from(s.options, o => [o.value, o.textContent])"))


# ---- The index ----

def test_the_index_lists_people_stations_and_each_spacecrafts_crew_and_dockings(site):
    index = json.loads((site / search_index.JSON_PATH).read_text(encoding="utf-8"))
    assert index["version"] == search_index.VERSION == 6
    people = [row[1] for row in index["astronauts"]["rows"]]
    assert people == ["Valentina Tereshkova", "Yuri Gagarin", "Yuri Malenchenko"]  # by name
    assert index["astronauts"]["rows"][1] == [GAGARIN, "Yuri Gagarin", "astronauts/yuri-gagarin.html"]
    assert index["stations"]["rows"] == [[ISS, "International Space Station", "stations/international-space-station.html"],
                                         [MIR, "Mir", "stations/mir.html"]]
    fields = index["spacecraft"]["fields"]
    rows = {row[fields.index("name")]: {k: row[fields.index(k)] for k in ("crew", "stations", "docking_count")}
            for row in index["spacecraft"]["rows"]}
    assert rows == {
        "Vostok Capsule": {"crew": [1], "stations": [], "docking_count": 0},
        "Soyuz Ferry": {"crew": [0, 2], "stations": [0, 1], "docking_count": 3},
        "Progress Freighter": {"crew": [], "stations": [1], "docking_count": 1},  # uncrewed: known to be none
        "Cargo Dragon": {"crew": None, "stations": [], "docking_count": 0},  # no crew list: unknown
        "Quiet Craft": {"crew": None, "stations": [], "docking_count": None},  # no flights data
    }


# ---- A name finds the person and what they flew ----

def test_a_persons_name_finds_them_and_the_spacecraft_they_flew(page, root):
    page.goto(root + "search.html?search=gagarin")
    expect(page.locator("#search-count")).to_have_text(count(1))
    assert names(page) == ["Vostok Capsule"]
    expect(page.locator("#search-results .result").first).to_contain_text("Crew: Yuri Gagarin")
    assert others(page) == [("Yuri Gagarin", "astronauts/yuri-gagarin.html", "astronaut")]
    page.goto(root + "search.html?search=malenchenko")
    expect(page.locator("#search-count")).to_have_text(count(1))
    assert names(page) == ["Soyuz Ferry"]
    assert others(page) == [("Yuri Malenchenko", "astronauts/yuri-malenchenko.html", "astronaut")]


def test_typing_a_first_name_lists_everyone_of_that_name_and_their_spacecraft(page, file_root):
    page.goto(file_root + "search.html")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("yuri")
    expect(page.locator("#search-count")).to_have_text(count(2))
    assert sorted(names(page)) == ["Soyuz Ferry", "Vostok Capsule"]
    assert [o[0] for o in others(page)] == ["Yuri Gagarin", "Yuri Malenchenko"]
    page.get_by_label("Name, mission, person, serial number or configuration").fill("valentina")  # the canary: one of three
    expect(page.locator("#search-count")).to_have_text(count(1))
    assert names(page) == ["Soyuz Ferry"]
    assert [o[0] for o in others(page)] == ["Valentina Tereshkova"]


def test_a_station_name_finds_it_and_the_spacecraft_that_docked_there(page, file_root):
    page.goto(file_root + "search.html?search=mir")
    expect(page.locator("#search-count")).to_have_text(count(2))
    assert names(page) == ["Progress Freighter", "Soyuz Ferry"]
    assert others(page) == [("Mir", "stations/mir.html", "space station")]


def test_a_query_naming_no_one_shows_no_people(page, file_root):
    page.goto(file_root + "search.html?search=dragon")
    expect(page.locator("#search-count")).to_have_text(count(1))
    assert names(page) == ["Cargo Dragon"]
    assert others(page) == []


# ---- Facets ----

CREWED = [("true", ["Soyuz Ferry", "Vostok Capsule"]), ("false", ["Progress Freighter"]),
          ("unknown", ["Cargo Dragon", "Quiet Craft"]), ("1", ["Soyuz Ferry", "Vostok Capsule"])]


@pytest.mark.parametrize("value,want", CREWED, ids=[c[0] for c in CREWED])
def test_the_crewed_filter_tells_yes_no_and_unknown_apart(page, root, value, want):
    page.goto(root + "search.html?crewed=" + value)
    expect(page.locator("#search-count")).to_have_text(count(len(want)))
    assert names(page) == want


def test_crewed_and_station_options_count_what_they_would_give(page, file_root):
    page.goto(file_root + "search.html")
    expect(page.locator("#search-count")).to_have_text("All 5 spacecraft.")
    assert option_texts(page, "Crewed") == {"": "Either (5)", "true": "Crewed (2)", "false": "Uncrewed (1)",
                                           "unknown": "Crew unknown (2)"}
    assert option_texts(page, "Station visited") == {"": "Any station (5)", str(ISS): "International Space Station (1)",
                                                     str(MIR): "Mir (2)"}
    page.get_by_label("Crewed", exact=True).select_option("true")
    assert parse_qs(urlsplit(page.url).query) == {"crewed": ["true"]}
    expect(page.locator("#search-count")).to_have_text(count(2))
    assert option_texts(page, "Station visited")[str(MIR)] == "Mir (1)"  # the freighter is not crewed


@pytest.mark.parametrize("value,want", [(ISS, ["Soyuz Ferry"]), (MIR, ["Progress Freighter", "Soyuz Ferry"])])
def test_the_station_filter_lists_the_spacecraft_that_docked_there(page, root, value, want):
    page.goto(root + f"search.html?station={value}")
    expect(page.locator("#search-count")).to_have_text(count(len(want)))
    assert names(page) == want


CREW = [("yuri", ["Soyuz Ferry", "Vostok Capsule"]), ("yuri gagarin", ["Vostok Capsule"]),
        ("tereshkova", ["Soyuz Ferry"]), ("valentina gagarin", []), ("glenn", [])]  # one person has every word


@pytest.mark.parametrize("value,want", CREW, ids=[c[0] for c in CREW])
def test_the_crew_member_filter_lists_what_someone_of_that_name_flew(page, file_root, value, want):
    page.goto(file_root + "search.html?crew=" + value.replace(" ", "+"))
    expect(page.locator("#search-count")).to_have_text(count(len(want)))
    assert names(page) == want
    assert page.get_by_label("Crew member").input_value() == value


def test_typing_a_crew_member_goes_into_the_url(page, file_root):
    page.goto(file_root + "search.html")
    page.get_by_label("Crew member").fill("gagarin")
    expect(page.locator("#search-count")).to_have_text(count(1))
    assert names(page) == ["Vostok Capsule"]
    assert parse_qs(urlsplit(page.url).query) == {"crew": ["gagarin"]}


# ---- Ranges ----

RANGES = [
    ("crew_count__gte=2", ["Soyuz Ferry"]),
    ("crew_count__gte=1", ["Soyuz Ferry", "Vostok Capsule"]),
    ("crew_count__lte=0", ["Progress Freighter"]),  # unknown is never 0
    ("docking_count__gte=2", ["Soyuz Ferry"]),
    ("docking_count__gte=1", ["Progress Freighter", "Soyuz Ferry"]),
    ("docking_count__lte=0", ["Cargo Dragon", "Vostok Capsule"]),  # Quiet Craft's is unknown
    ("crew_count__gte=1&docking_count__gte=1", ["Soyuz Ferry"]),
]


@pytest.mark.parametrize("params,want", RANGES, ids=[r[0] for r in RANGES])
def test_a_linked_crew_or_docking_range_lists_exactly_the_spacecraft_in_it(page, root, params, want):
    page.goto(root + "search.html?" + params)
    expect(page.locator("#search-count")).to_have_text(count(len(want)))
    assert names(page) == want
    key, value = params.split("&")[0].split("=")
    assert page.locator(f"[name='{key}']").input_value() == value  # the range shows what the URL asked


# ---- Nothing shown moves when the people and the results come in ----

SHIFTS = """window.shifted = 0; new PerformanceObserver(list => {
  for (const entry of list.getEntries()) window.shifted += entry.value;  // no input here: every shift counts
}).observe({type: "layout-shift", buffered: true});"""
OLD_PLACE = """document.addEventListener("readystatechange", () => {  // parsed, before the deferred scripts run:
  if (document.readyState !== "interactive") return;  // the section above the results' area, as it was
  const area = document.querySelector(".search-area");
  area.parentNode.insertBefore(document.getElementById("search-others"), area);
});"""


class SlowIndexHandler(QuietHandler):
    """The site, its search index 1 s late: it arrives after the first paint, as a large catalog's does."""

    def do_GET(self) -> None:
        if "search-index" in self.path:
            time.sleep(1.0)
        super().do_GET()


@pytest.mark.parametrize("where", ["as built", "canary: above the results' area"])
def test_the_people_section_appears_without_moving_the_results(browser, site, where):
    context = browser.new_context(viewport={"width": 412, "height": 823}, is_mobile=True)
    try:
        tab = context.new_page()
        tab.add_init_script(SHIFTS + ("" if where == "as built" else OLD_PLACE))
        with static_server(site, SlowIndexHandler) as url:
            tab.goto(url + "search.html?search=gagarin")
            expect(tab.locator("#search-count")).to_have_text(count(1))
            assert others(tab) == [("Yuri Gagarin", "astronauts/yuri-gagarin.html", "astronaut")]
            tab.wait_for_timeout(300)  # layout-shift entries are reported after the frame that shifts
        shifted = tab.evaluate("window.shifted")
        if where == "as built":
            assert shifted < 0.01, shifted  # Lighthouse's CLS target is 0.1; nothing should move at all
        else:
            assert shifted > 0.02, shifted  # the measure sees the shift the old place made (0.045)
    finally:
        context.close()
