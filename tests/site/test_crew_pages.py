"""The flight, astronaut and station pages, and what the spacecraft pages show of the crew data (issue 26):
built from fixtures written as a past --fetch left them, read as a visitor reads them."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from base import (
    astronaut,
    build_site,
    crewed_flight,
    docking_event,
    flight,
    image,
    launch_details,
    parse,
    site_files,
    spacecraft,
    station,
    write_data,
    write_endpoint,
)

from catalog.site.urls import LIST_PAGE_SIZE

CREW = [astronaut(3, "Zed Zvezdin", role="Flight Engineer", priority=2, seat=1),
        astronaut(1, "Bea Brandt", role="Flight Engineer", priority=2, seat=2),
        astronaut(2, "Al Aldrin", role="Commander", priority=0, seat=3)]
DOCKINGS = [docking_event(1, "2018-12-03T17:33:00Z", "2019-06-24T23:25:30Z", port="Poisk zenith", port_id=3),
            docking_event(2, "2019-07-01T10:00:00Z", "2019-06-30T10:00:00Z", port="Poisk zenith", port_id=3),
            docking_event(3, "2019-08-01T10:00:00Z", None, port="Rassvet nadir", port_id=5)]
CROWD = LIST_PAGE_SIZE + 1  # people on one more flight: the People index needs a second page


def bare_flight(ident: int, craft: int) -> dict:
    """A flight whose every optional field is None."""
    raw = crewed_flight(ident, craft, end=None, duration=None)
    raw.update(turn_around_time=None, landing=None, destination=None, docking_events=None,
               launch_crew=None, onboard_crew=None, landing_crew=None)
    raw["launch"].update(name=None, net=None)
    return raw


def records() -> list[dict]:
    return [
        spacecraft(8, "Soyuz MS-11", flights=[flight(6, name="Soyuz FG | Soyuz MS-11", net="2018-12-03T11:31:52Z",
                                                     end="2019-06-25T02:25:00Z", duration="P203DT15H16M",
                                                     **launch_details(mission="Soyuz MS-11"))],
                   time_docked="P300D"),
        spacecraft(9, "Soyuz MS-12", flights=[flight(7)]),
        spacecraft(10, "Crowded", flights=[flight(9, name="Big | Crowded flight", net="2020-01-01T00:00:00Z")]),
    ]


def flights() -> list[dict]:
    six = crewed_flight(6, 8, name="Soyuz FG | Soyuz MS-11", net="2018-12-03T11:31:52Z", end="2019-06-25T02:25:00Z",
                        duration="P203DT15H16M", launch=CREW, onboard=[], landing=None, docking=DOCKINGS)
    six["launch"].update(launch_details(mission="Soyuz MS-11"))
    crowd = [astronaut(100 + i, f"Crowd {i:03}", seat=i, img=None) for i in range(CROWD)]
    return [six, bare_flight(7, 9), crewed_flight(9, 10, name="Big | Crowded flight", net="2020-01-01T00:00:00Z",
                                                  launch=crowd, onboard=[], landing=[])]


def stations() -> list[dict]:
    iss = station(4, ports=[(3, "Poisk zenith"), (5, "Rassvet nadir")])
    iss["docking_location"][1]["currently_docked"] = {"id": 3}
    tiangong = station(5, "Tiangong", image=None)
    return [iss, tiangong]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crew")
    write_endpoint(root / "cache", "flights", flights())
    write_endpoint(root / "cache", "stations", stations())
    build_site(root / "out", root / "cache", records=records())
    return root / "out"


def anchors(element) -> list[tuple[str, str]]:
    """(text, href) of every link inside an element, as a visitor reads and follows them."""
    return [(a.text, a["href"]) for a in element.find_all("a")]


def said(text: str) -> str:
    """Text as read on screen: the parser puts a space between the pieces of inline elements."""
    return re.sub(r" ([:),.])", r"\1", text).replace("( ", "(")


def section(page, heading: str):
    """The <section> labelled by the heading with this id."""
    return page.one("section", **{"aria-labelledby": heading})


def test_the_spacecraft_page_links_each_flight_to_its_flight_page(site):
    page = parse(site / "spacecraft/soyuz-ms-11.html")
    assert ("Soyuz MS-11", "../flights/soyuz-ms-11.html") in anchors(page)
    assert (site / "flights/soyuz-ms-11.html").is_file()


def test_a_flight_page_lists_each_crew_by_role_priority_and_says_what_it_does_not_know(site):
    page = parse(site / "flights/soyuz-ms-11.html")
    launch = section(page, "crew-launch")
    assert [li.text for li in launch.find_all("li")] == [
        "Al Aldrin Commander", "Bea Brandt Flight Engineer", "Zed Zvezdin Flight Engineer"]
    assert ("Al Aldrin", "../astronauts/al-aldrin.html") in anchors(page)
    assert section(page, "crew-onboard").one("p").text == "no crew"
    assert section(page, "crew-landing").one("p").text == "crew not known"
    assert "uncrewed" not in page.text


def test_a_flight_page_shows_its_launch_landing_duration_and_turnaround(site):
    page = parse(site / "flights/soyuz-ms-11.html")
    launch = section(page, "launch").text
    assert "2018-12-03" in launch and "Soyuz-U" in launch and "Site 1/5" in launch
    landing = section(page, "landing").text
    assert "Kazakhstan" in landing and "Parachute" in landing and "success" in landing
    assert "Duration 203 d 15 h 16 min" in landing
    assert "Turnaround first flight of this spacecraft" in landing


def test_the_docking_log_links_the_station_says_still_docked_and_flags_a_backwards_event(site):
    page = parse(site / "flights/soyuz-ms-11.html")
    rows = [[c.text for c in tr.find_all("td")] for tr in section(page, "dockings").one("tbody").find_all("tr")]
    assert rows[0] == ["2018-12-03 17:33 UTC", "2019-06-24 23:25 UTC", "Poisk zenith", "International Space Station",
                       "203 d 5 h 52 min"]
    assert rows[1][1].startswith("2019-06-30 10:00 UTC departure before docking, as the API gives it")
    assert rows[1][4] == "—"
    assert rows[2][1] == "still docked" and rows[2][4] == "—"
    assert ("International Space Station", "../stations/international-space-station.html") in anchors(page)


def test_a_flight_with_every_optional_field_none_still_has_its_page(site):
    page = parse(site / "flights/flight-7.html") if (site / "flights/flight-7.html").exists() else None
    pages = sorted(p.name for p in (site / "flights").glob("*.html"))
    assert len(pages) == 3, pages
    bare = next(parse(site / "flights" / name) for name in pages if "Soyuz MS-12" in parse(site / "flights" / name).text)
    assert [section(bare, f"crew-{phase}").one("p").text for phase in ("launch", "onboard", "landing")] == [
        "crew not known"] * 3
    assert "The data gives no landing for this flight." in bare.text
    assert "The data lists no docking of this flight." in bare.text
    assert page is None or page.h1


def test_the_spacecraft_page_sums_its_docking_events_beside_the_api_figure(site):
    page = parse(site / "spacecraft/soyuz-ms-11.html")
    sums = page.one("dl", class_="sums").text
    assert "Time docked, summed from 1 docking event 203 d 5 h 52 min" in sums
    assert "The API gives 300 d; the docking events sum to 203 d 5 h 52 min (docking events 1; 2, 3 left out)." in sums
    assert "Crew and docking data as of 2026-11-20." in page.text


def test_the_spacecraft_timeline_shades_its_docked_periods(site):
    page = parse(site / "spacecraft/soyuz-ms-11.html")
    docked = [r.one("title").text for r in page.find_all("rect", class_="docked")]
    assert docked[0].startswith("docked from 2018-12-03 to 2019-06-24")
    assert len(docked) == 2  # the still docked one too; the backwards one is no span


def test_an_astronaut_page_lists_their_flights_with_role_and_time_aboard(site):
    page = parse(site / "astronauts/al-aldrin.html")
    assert page.h1 == "Al Aldrin"
    row = [c.text for c in section(page, "flown").one("tbody").one("tr").find_all()
           if c.tag in ("th", "td")]
    assert row == ["Soyuz MS-11", "Soyuz MS-11", "2018-12-03", "Commander (launch)", "203 d 15 h 16 min"]
    facts = section(page, "facts").text
    assert "Russian Federal Space Agency (ROSCOSMOS)" in facts and "Russian" in facts and "1964-06-21" in facts


def test_a_person_without_an_image_shows_a_drawing_of_a_person(site):
    page = parse(site / "astronauts/al-aldrin.html")
    assert page.placeholders() == ["Al Aldrin: a drawing of a person, not a photograph"]


def test_the_people_index_is_paged(site):
    first, second = parse(site / "astronauts/index.html"), parse(site / "astronauts/page-2.html")
    everyone = ["Al Aldrin", "Bea Brandt", *(f"Crowd {i:03}" for i in range(CROWD)), "Zed Zvezdin"]
    names = [a.one("span", class_="person-name").text for a in first.one("ul", class_="people").find_all("a")]
    rest = [a.one("span", class_="person-name").text for a in second.one("ul", class_="people").find_all("a")]
    assert (names, rest) == (everyone[:LIST_PAGE_SIZE], everyone[LIST_PAGE_SIZE:])
    assert ("2", "../astronauts/page-2.html") in anchors(first)


def test_a_station_page_has_its_ports_what_is_docked_now_and_its_visitors(site):
    page = parse(site / "stations/international-space-station.html")
    ports = [said(li.text) for li in section(page, "ports").find_all("li")]
    assert ports == ["Poisk zenith: free, as the station lists it",
                     "Rassvet nadir: Soyuz MS-11 since 2019-08-01 10:00 UTC"]
    assert [said(li.text) for li in section(page, "now").find_all("li")] == [
        "Soyuz MS-11 (flight Soyuz MS-11) at Rassvet nadir, since 2019-08-01 10:00 UTC"]
    assert said(section(page, "visitors").text) == "Every spacecraft that docked here Soyuz MS-11."
    assert ("Soyuz MS-11", "../spacecraft/soyuz-ms-11.html") in anchors(page)


def test_the_occupancy_table_has_a_row_for_every_mark_of_its_chart(site):
    page = parse(site / "stations/international-space-station.html")
    svg = section(page, "occupancy").one("svg")
    assert svg["role"] == "img" and svg.find_all("title")[0].text == "Port occupancy of International Space Station"
    marks = [m.one("title").text for m in svg.find_all() if "mark" in m.classes]
    rows = section(page, "occupancy").one("tbody").find_all("tr")
    assert len(marks) == len(rows) == 3
    assert [m.split(": docked ")[1][:10] for m in marks] == [r.find_all("td")[0].text[:10] for r in rows]
    assert any("still docked" in m for m in marks) and any("before the docking" in m for m in marks)


def test_the_stations_index_lists_every_station_even_without_dockings(site):
    page = parse(site / "stations/index.html")
    assert [th.text for th in page.one("table", class_="group-table").one("tbody").find_all("th")] == [
        "International Space Station", "Tiangong"]
    tiangong = parse(site / "stations/tiangong.html")
    assert "The data has no docking of a catalog spacecraft at this station." in tiangong.text


def test_astronaut_and_station_images_get_thumbnails_and_credits(tmp_path):
    from base import image_bytes
    from fakeserver import FakeLL2

    fake = FakeLL2().start()
    try:
        face = image(77, url=fake.add_file("/media/face.jpg", image_bytes((300, 400), "teal")), thumb=None,
                     credit="NASA", license_name="Public Domain")
        crafts = [spacecraft(8, "Soyuz MS-11", flights=[flight(6)], image=None)]
        crafts[0]["spacecraft_config"]["image"] = None
        fake.records = crafts
        fake.flights = [crewed_flight(6, 8, launch=[astronaut(1, "Al Aldrin", img=face)], onboard=[], landing=[])]
        iss = station(4)
        iss["image"] = None
        fake.stations = [iss]
        build_site(tmp_path / "out", tmp_path / "cache", api=fake)
    finally:
        fake.stop()
    page = parse(tmp_path / "out/astronauts/al-aldrin.html")
    assert len(page.pictures()) == 1 and page.placeholders() == []
    assert "Image: NASA · Public Domain" in page.text
    credited = parse(tmp_path / "out/credits.html")
    assert ("Al Aldrin", "astronauts/al-aldrin.html") in anchors(credited)


def test_without_crew_data_the_indexes_say_it_is_not_fetched_yet(tmp_path):
    build_site(tmp_path / "out", tmp_path / "cache", records=records())
    people, stations = parse(tmp_path / "out/astronauts/index.html"), parse(tmp_path / "out/stations/index.html")
    assert "Crew and docking data not fetched yet." in people.text
    assert "Space station data not fetched yet" in stations.text
    crafts = parse(tmp_path / "out/spacecraft/soyuz-ms-11.html")
    assert "Crew and docking data not fetched yet." in crafts.text
    assert ("Soyuz MS-11", "../flights/soyuz-ms-11.html") not in anchors(crafts)
    assert not (tmp_path / "out/flights").exists()


@pytest.mark.parametrize("path", ["stations/international-space-station.html", "flights/soyuz-ms-11.html",
                                  "astronauts/index.html", "spacecraft/soyuz-ms-11.html"])
def test_crew_pages_fit_a_phone_and_their_charts_name_every_mark(site, browser, path):
    from test_phone import OVERFLOWING, PHONE

    context = browser.new_context(viewport=PHONE, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto((site / path).as_uri())
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        charts = page.evaluate("""[...document.querySelectorAll('svg.chart')].map(svg => ({
            role: svg.getAttribute('role'), title: svg.querySelector(':scope > title')?.textContent,
            desc: svg.querySelector(':scope > desc')?.textContent,
            untitled: [...svg.querySelectorAll('.mark')].filter(m => !m.querySelector(':scope > title')).length}))""")
    finally:
        context.close()
    for chart in charts:
        assert chart["role"] == "img" and chart["title"] and chart["desc"] and chart["untitled"] == 0
    if path.startswith(("stations/", "spacecraft/")):
        assert charts


def test_a_changed_docking_renders_its_spacecraft_page_again_and_keeps_the_others(tmp_path, caplog):
    """Render keys: what a spacecraft page shows of the crew data comes through its page context, so a rebuild
    after a docking changed renders that spacecraft's page again, keeps the others, and equals a full build."""
    from catalog.build import build
    from catalog.config import MARKER, BuildOptions

    def rebuild(out: str, **extra: object) -> None:
        build(BuildOptions(out=tmp_path / out, cache=tmp_path / "cache", parallel_threshold=0, **extra))  # type: ignore[arg-type]

    caplog.set_level(logging.DEBUG, logger="catalog")
    write_endpoint(tmp_path / "cache", "flights", flights())
    write_endpoint(tmp_path / "cache", "stations", stations())
    write_data(tmp_path / "cache", records())
    rebuild("site")
    changed = flights()
    changed[0]["docking_events"][0]["departure"] = "2019-06-20T00:00:00Z"
    write_endpoint(tmp_path / "cache", "flights", changed)
    caplog.clear()
    rebuild("site")
    kept = [int(m.group(1)) for r in caplog.records if (m := re.search(r"\((\d+) kept from the last build\)", r.getMessage()))]
    rebuild("full", force=True)
    site, full = site_files(tmp_path / "site"), site_files(tmp_path / "full")
    site.pop(MARKER), full.pop(MARKER)
    assert sorted(p for p in full if site.get(p) != full[p]) == [] and site.keys() == full.keys()
    assert kept == [len(records()) - 1]
    page = parse(tmp_path / "site/spacecraft/soyuz-ms-11.html")
    assert "the docking events sum to 198 d 6 h 27 min" in page.one("dl", class_="sums").text
