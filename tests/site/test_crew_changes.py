"""The history of crew, dockings and stations (issue 26): two --fetch builds from the fake LL2 on loopback
(its spacecraft, spacecraft_flights and space_stations lists), then the events in changes.json, their
sentences on changes.html and in the Atom feed changes.xml (checked as test_changes checks it)."""
from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from base import astronaut, bare, build_site, crewed_flight, docking_event, parse, station
from fakeserver import FakeLL2
from test_changes import BASE, DATES, atom_problems, clock

from catalog.data import history


def day(n: int, fake: FakeLL2) -> None:
    """Day 0: Soyuz 8 in space, flight 6 with one person at launch (landing crew not given) and docked at
    the ISS with no departure. Day 1: a second person in its launch crew, the departure of event 30, a new
    docking (31) and a new station (6)."""
    launch = [astronaut(168, "Oleg Kononenko")]
    events = [docking_event(30, "2026-11-19T10:00:00Z", None)]
    stations = [station(4, ports=[(3, "Poisk zenith")], image=None)]  # no image: no host but loopback
    if n == 1:
        launch.append(astronaut(170, "Anne McClain", role="Flight Engineer", priority=2, seat=2))
        events = [docking_event(30, "2026-11-19T10:00:00Z", "2026-11-20T12:30:00Z"),
                  docking_event(31, "2026-11-20T14:00:00Z", None, port="Rassvet nadir", port_id=5)]
        stations.append(station(6, "Tiangong", ports=[(20, "Forward")], image=None))
    fake.records = [bare(8) | {"name": "Soyuz MS-11", "in_space": True}]
    fake.flights = [crewed_flight(6, 8, end=None, net="2026-11-18T11:31:52Z", name="Soyuz-FG | Soyuz MS-11",
                                  launch=launch, onboard=[], landing=None, docking=events)]
    fake.stations = stations


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("crew-history")
    fake = FakeLL2().start()
    try:
        for n in (0, 1):
            day(n, fake)
            build_site(root / "out", root / "cache", api=fake, base_url=BASE, clock=clock(n))
    finally:
        fake.stop()
    return root / "out"


def test_changes_json_records_crew_dockings_undockings_and_new_stations_keyed_by_ids(site):
    published = history.parse(json.loads((site / "changes.json").read_text()))  # valid by its own schema
    events = [(e.date, e.spacecraft_id, e.kind, e.before, e.after) for e in published.events]
    assert events == [
        (DATES[1], None, "new_station", None, {"id": 6, "name": "Tiangong"}),
        (DATES[1], 8, "crew_added", None, {"flight": 6, "launch": "Soyuz-FG | Soyuz MS-11", "astronaut": 170,
                                           "name": "Anne McClain", "phase": "launch", "role": "Flight Engineer"}),
        (DATES[1], 8, "docked", None, {"event": 31, "flight": 6, "station": 4, "target": "Station 4",
                                       "port": "Rassvet nadir", "date": "2026-11-20T14:00:00Z"}),
        (DATES[1], 8, "undocked", None, {"event": 30, "flight": 6, "station": 4, "target": "Station 4",
                                         "port": "Poisk zenith", "date": "2026-11-20T12:30:00Z"}),
    ]  # the landing crew, not given either day, is unknown: no event; the first fetch only starts the history
    assert published.since == DATES[0]


def test_a_tampered_crew_event_is_left_out_of_a_published_history(site, caplog):
    data = json.loads((site / "changes.json").read_text())
    data["events"][1]["after"]["astronaut"] = 171  # no longer the event its id says
    data["events"][0]["spacecraft_id"] = 8  # a station's event names no spacecraft
    kept = history.parse(data, source="copy")
    assert [e.kind for e in kept.events] == ["docked", "undocked"]
    assert len([r for r in caplog.records if "copy: events[" in r.getMessage()]) == 2


SENTENCES = [
    "Tiangong new space station in the data",
    "Soyuz MS-11 Anne McClain (Flight Engineer) joined the launch crew of Soyuz-FG | Soyuz MS-11",
    "Soyuz MS-11 docked at Station 4, port Rassvet nadir on 2026-11-20 14:00 UTC",
    "Soyuz MS-11 undocked from Station 4, port Poisk zenith on 2026-11-20 12:30 UTC",
]


def test_changes_page_says_each_crew_and_docking_change_in_a_sentence(site):
    page = parse(site / "changes.html")
    items = [" ".join(li.text.split()) for li in page.one("main").find_all("li")]
    for sentence in SENTENCES:
        assert any(sentence in item for item in items), (sentence, items)
    links = {a.text.strip(): a["href"] for a in page.one("main").find_all("a")}
    assert links["Soyuz MS-11"] == "spacecraft/soyuz-ms-11.html"
    assert links["Tiangong"] == "stations/tiangong.html"  # the station's page (urls.py)


def test_the_feed_carries_the_crew_events_and_stays_valid_atom(site):
    data = (site / "changes.xml").read_bytes()
    assert atom_problems(data) == []
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = {e.title: e for e in parsed.entries}
    assert "Soyuz MS-11 undocked from Station 4, port Poisk zenith on 2026-11-20 12:30 UTC" in titles
    assert "Soyuz MS-11 Anne McClain (Flight Engineer) joined the launch crew of Soyuz-FG | Soyuz MS-11" in titles
    station_entry = titles["Tiangong new space station in the data"]
    assert station_entry.link == BASE + "stations/tiangong.html" and station_entry.tags[0].term == "new_station"
