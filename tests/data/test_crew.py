"""Crew, dockings and stations joined to the catalog: one test per lesson of LL2's real data (issue 26)."""
from __future__ import annotations

import logging
from typing import Any

from base import (
    astronaut,
    build_site,
    crewed_flight,
    docking_event,
    flight,
    image,
    spacecraft,
    station,
    write_data,
    write_endpoint,
)

from catalog.config import CacheLayout
from catalog.data import crewdata
from catalog.data.crew import Crewed, Source
from catalog.data.normalize import Normalizer, normalize_all
from catalog.site.urls import OWN_STEMS

FETCHED = Source("flights", True, "2026-11-20")


def crew_of(crafts: list[dict[str, Any]], flights: list[dict[str, Any]], stations: list[dict[str, Any]] = (),
            ) -> Crewed:
    normalizer = Normalizer(reserved=OWN_STEMS)
    models = normalize_all(crafts, normalizer=normalizer)
    return crewdata.join(flights, list(stations), models, normalizer, flights_source=FETCHED,
                         stations_source=Source("stations", True, "2026-11-20"))


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_flight_without_crew_lists_is_crew_unknown_never_uncrewed(caplog):
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=None), crewed_flight(7, 8, launch=[], onboard=[],
                                                                                        landing=[])])
    assert crew.flights[6].crewed is None
    assert crew.seats(6, "launch") is None
    assert crew.flights[7].crewed is False  # every list given, and empty: uncrewed
    assert "flights 6: a crew list (launch, onboard or landing) not given; shown as crew unknown" in warnings(caplog)


def test_seats_are_keyed_by_flight_and_person_not_by_the_repeated_seat_id():
    same_seat = 917  # AstronautFlight.id repeats across launches in the real data
    crew = crew_of([spacecraft(8), spacecraft(9)],
                   [crewed_flight(6, 8, launch=[astronaut(168, "Oleg Kononenko", seat=same_seat)]),
                    crewed_flight(7, 9, launch=[astronaut(169, "Anne McClain", seat=same_seat)])])
    assert [s.astronaut for s in crew.seats(6, "launch")] == [168]
    assert [s.astronaut for s in crew.seats(7, "launch")] == [169]
    assert [p.name for p in crew.astronauts.values()] == ["Oleg Kononenko", "Anne McClain"]


def test_seats_are_ordered_by_role_priority_then_name():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[
        astronaut(3, "Zed", role="Flight Engineer", priority=2, seat=1),
        astronaut(1, "Bea", role="Flight Engineer", priority=2, seat=2),
        astronaut(2, "Al", role="Commander", priority=0, seat=3)])])
    assert [(s.role, crew.astronauts[s.astronaut].name) for s in crew.seats(6, "launch")] == [
        ("Commander", "Al"), ("Flight Engineer", "Bea"), ("Flight Engineer", "Zed")]


def test_roles_with_no_priority_are_ordered_as_ll2_ranks_them_commander_first():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[
        astronaut(1, "Alexander", role="Mission Specialist", priority=None, seat=1),
        astronaut(2, "Zed", role="Commander", priority=None, seat=2),
        astronaut(3, "Yann", role="Pilot", priority=None, seat=3),
        astronaut(4, "Bob", role="Anthropomorphic Test Device", priority=None, seat=4)])])
    assert [crew.astronauts[s.astronaut].name for s in crew.seats(6, "launch")] == ["Zed", "Yann", "Alexander", "Bob"]


def test_role_as_a_plain_string_of_2_0_0_and_an_unreadable_role(caplog):
    crew = crew_of([spacecraft(8)], [crewed_flight(2, 8, launch=[astronaut(10, role="Pilot", priority=None),
                                                                 astronaut(11, role={"id": 9}, seat=2)])])
    roles = {s.astronaut: s.role for s in crew.seats(2, "launch")}
    assert roles == {10: "Pilot", 11: None}
    assert "flights (astronauts) 2 (11): a crew seat with no readable role; shown as role unknown" in warnings(caplog)


def test_the_same_person_on_several_flights_is_one_astronaut_with_both_flights():
    crew = crew_of([spacecraft(8), spacecraft(9)], [
        crewed_flight(6, 8, net="2018-12-03T11:31:52Z", launch=[astronaut(168, "Oleg Kononenko")]),
        crewed_flight(7, 9, net="2008-10-12T07:01:00Z", launch=[astronaut(168, "Oleg Kononenko")])])
    assert list(crew.astronauts) == [168]
    assert [f.id for f in crew.flights_of(168)] == [7, 6]  # by launch


def test_a_person_is_their_fullest_copy_whichever_flight_brings_it():
    # Flights embed the person; some copies give less. The copy with the most values is kept, and a
    # sparser one on a later flight does not replace it.
    sparse = dict(born=None, agency=None, nationality=[])
    crew = crew_of([spacecraft(8)], [
        crewed_flight(6, 8, net="2008-10-12T07:01:00Z", launch=[astronaut(168, "Oleg Kononenko", **sparse)]),
        crewed_flight(7, 8, net="2012-12-19T12:12:00Z", launch=[astronaut(168, "Oleg Kononenko")]),
        crewed_flight(9, 8, net="2018-12-03T11:31:52Z", launch=[astronaut(168, "Oleg Kononenko", **sparse)])])
    person = crew.astronauts[168]
    assert (person.born, person.agency is not None, person.nationality) == ("1964-06-21", True, ("Russian",))
    assert [f.id for f in crew.flights_of(168)] == [6, 7, 9]


def test_a_person_who_landed_on_another_spacecraft_than_they_launched_on():
    crew = crew_of([spacecraft(8), spacecraft(9)], [
        crewed_flight(6, 8, launch=[astronaut(5, "Swapped")], onboard=[], landing=[]),
        crewed_flight(7, 9, launch=[], onboard=[], landing=[astronaut(5, "Swapped")])])
    assert [(s.flight, s.phase) for s in crew.seats_of(5)] == [(6, "launch"), (7, "landing")]
    assert [f.spacecraft for f in crew.flights_of(5)] == [8, 9]


def test_mannequin_crew_is_crew():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[
        astronaut(40, "Anthropomorphic Test Device", kind="Non-Human", born=None, agency=None)])])
    person = crew.astronauts[40]
    assert (person.type, person.born, person.agency) == ("Non-Human", None, None)
    assert crew.flights[6].crewed is True


def test_nationality_as_a_list_of_two_countries_or_one_string():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[
        astronaut(1, nationality=[{"id": 1, "name": "France", "nationality_name": "French"},
                                  {"id": 2, "name": "United States", "nationality_name": "American"}]),
        astronaut(2, nationality="Russian", seat=2)])])
    assert crew.astronauts[1].nationality == ("French", "American")
    assert crew.astronauts[2].nationality == ("Russian",)


def test_an_astronaut_without_an_image_is_named_once(caplog):
    crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[astronaut(1), astronaut(2, img=image(7), seat=2)]),
                              crewed_flight(7, 8, launch=[astronaut(1)])])
    assert [w for w in warnings(caplog) if "no image" in w] == ["astronauts 1: no image; shown with a placeholder"]


def test_still_docked_departures_after_the_mission_end_and_docking_twice(caplog):
    events = [docking_event(1, "2018-12-03T17:33:00Z", "2019-01-01T00:00:00Z", port="Poisk zenith"),
              docking_event(2, "2019-01-01T01:00:00Z", None, port="Rassvet nadir")]  # relocated, still there
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, end="2018-12-20T00:00:00Z", docking=events)])
    assert [(e.port, e.departure, e.seconds) for e in crew.dockings_of_spacecraft(8)] == [
        ("Poisk zenith", "2019-01-01T00:00:00Z", 29 * 86400 - (17 * 3600 + 33 * 60)),  # after the mission end: kept
        ("Rassvet nadir", None, None)]
    assert [e.id for e in crew.docked_now(4)] == [2]
    assert ("docking events 2 (flight 6): no departure; shown as still docked and left out of the time docked"
            in warnings(caplog))


def test_a_departure_before_its_docking_is_kept_as_given_and_named(caplog):
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, docking=[
        docking_event(9, "2019-06-24T00:00:00Z", "2019-06-01T00:00:00Z")])])
    event = crew.dockings[9]
    assert (event.departure, event.backwards, event.seconds) == ("2019-06-01T00:00:00Z", True, None)
    assert [e.id for e in crew.backwards] == [9]
    assert ("docking events 9 (flight 6): departure before docking; shown as given and left out of the time docked"
            in warnings(caplog))


def test_repeated_port_names_belong_to_their_own_station_found_by_the_port_id(caplog):
    stations = [station(4, "International Space Station", ports=[(3, "Forward")]),
                station(18, "Tiangong", ports=[(50, "Forward")])]
    crew = crew_of([spacecraft(8), spacecraft(9)], [
        crewed_flight(6, 8, docking=[docking_event(1, port="Forward", port_id=3, station=None)]),
        crewed_flight(7, 9, docking=[docking_event(2, port="Forward", port_id=50, station=None),
                                     docking_event(3, port="Mystery", port_id=99, station=None)])],
        stations)
    assert [(e.id, e.station, e.target) for e in crew.dockings_at(4)] == [(1, 4, "International Space Station")]
    assert [(e.id, e.station, e.target) for e in crew.dockings_at(18)] == [(2, 18, "Tiangong")]
    assert "docking events 3: a docking location with no station or target" in warnings(caplog)


def test_a_station_with_no_events_and_values_wrong_upstream_shown_as_given(caplog):
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8)],
                   [station(5, "Salyut 5", founded="1976-06-22", deorbited="1988-08-08", status={"id": 2, "name": "De-Orbited"})])
    assert (crew.stations[5].deorbited, crew.stations[5].status) == ("1988-08-08", "De-Orbited")
    assert "stations 5: no docking event of a catalog spacecraft at them in the flights data" in warnings(caplog)


def test_flights_outside_the_catalog_are_left_out_in_one_warning_and_missing_flights_named(caplog):
    craft = spacecraft(8, flights=[flight(6), flight(60)])
    crew = crew_of([craft], [crewed_flight(6, 8)] + [crewed_flight(100 + i, 999) for i in range(5)])
    assert list(crew.flights) == [6]
    assert crew.missing_flights == ((8, 60),)
    said = warnings(caplog)
    assert "5 flights of spacecraft outside the catalog left out" in said
    assert ("flights 60 (spacecraft 8): listed on a spacecraft but absent from the flights data; "
            "shown without crew or dockings") in said


def test_paging_duplicates_are_kept_once(tmp_path):
    cache = tmp_path / "cache"
    write_endpoint(cache, "flights", [crewed_flight(6, 8, launch=[astronaut(1)]),
                                      crewed_flight(6, 8, launch=[astronaut(1)])])
    source, records = crewdata.read_source("flights", CacheLayout(cache).endpoint_data("flights"))
    assert [r["id"] for r in records] == [6]
    assert source.text == "crew and docking data as of 2026-11-20"


def test_records_are_read_again_from_the_file_last_copy_by_id_and_a_bad_line_warned_once(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    cache = tmp_path / "cache"
    write_endpoint(cache, "flights", [crewed_flight(9, 8, launch=[astronaut(1)]), crewed_flight(6, 8, launch=None),
                                      crewed_flight(9, 8, launch=[astronaut(2)])])
    path = CacheLayout(cache).endpoint_data("flights")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines[:2], b"{not json\n", *lines[2:]]))  # a damaged line after the first record
    source, records = crewdata.read_source("flights", path)
    first = [(r["id"], r["launch_crew"] and r["launch_crew"][0]["astronaut"]["id"]) for r in records]
    assert first == [(6, None), (9, 2)]  # sorted by id, the last copy of 9
    assert [(r["id"]) for r in records] == [6, 9]  # read again: the same
    assert len(records) == 2 and source.fetched
    assert len([w for w in warnings(caplog) if "is not valid JSON" in w]) == 1  # the canary: it is seen


def test_slugs_never_take_a_site_file_name_and_stay_unique():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[astronaut(1, "Index"), astronaut(2, "Page 2", seat=2),
                                                                 astronaut(3, "index", seat=3)])],
                   [station(4, "Index"), station(5, "Index")])
    assert sorted(p.slug for p in crew.astronauts.values()) == ["index-1", "index-3", "page-2-2"]
    assert sorted(s.slug for s in crew.stations.values()) == ["index-4", "index-5"]


def test_missing_files_build_and_a_new_flights_file_rebuilds(tmp_path, caplog):
    cache, out = tmp_path / "cache", tmp_path / "out"
    up_to_date = "nothing changed since the last build: the site is up to date"

    def rebuilt() -> bool:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            build_site(out, cache)
        return up_to_date not in [r.getMessage() for r in caplog.records]

    write_data(cache, [spacecraft(8, flights=[flight(6)])])
    assert rebuilt()  # no flights, no stations: the build works
    assert not rebuilt()
    write_endpoint(cache, "flights", [crewed_flight(6, 8, launch=[astronaut(1)])])
    assert rebuilt()
    assert not rebuilt()
    # The same fetch time (so the same "as of" line), other crew: the file's bytes are an input.
    write_endpoint(cache, "flights", [crewed_flight(6, 8, launch=[astronaut(2)])])
    assert rebuilt()
    write_endpoint(cache, "stations", [station(4)])
    assert rebuilt()


def test_a_2_0_0_flight_without_its_spacecraft_joins_the_spacecraft_that_lists_it(caplog):
    old = crewed_flight(2, 8, launch=[astronaut(1, "John Glenn", role="Pilot", priority=None)])
    old["spacecraft"] = None
    crew = crew_of([spacecraft(8, flights=[flight(2)])], [old])
    assert crew.flights[2].spacecraft == 8
    assert [f.id for f in crew.flights_of_spacecraft(8)] == [2]
    assert not [w for w in warnings(caplog) if "outside the catalog" in w]


def test_a_person_listed_twice_in_one_crew_has_one_seat():
    crew = crew_of([spacecraft(8)], [crewed_flight(6, 8, launch=[astronaut(1, seat=1), astronaut(1, seat=2)])])
    assert [(s.astronaut, s.seat_id) for s in crew.seats(6, "launch")] == [(1, 1)]


def test_the_gathered_catalog_carries_the_crew_and_is_kept_by_the_flights_digest(tmp_path):
    from catalog.build import build
    from catalog.config import BuildOptions
    from catalog.data.gathered import load

    cache = tmp_path / "cache"
    write_data(cache, [spacecraft(8, flights=[flight(6)])])
    write_endpoint(cache, "flights", [crewed_flight(6, 8, launch=[astronaut(1, "Oleg Kononenko")])])
    write_endpoint(cache, "stations", [station(4)])
    build(BuildOptions(out=tmp_path / "out", cache=cache))
    with CacheLayout(cache).gathered.open("rb") as src:
        wanted = src.readline().decode().strip()
    catalog, _ = load(CacheLayout(cache).gathered, wanted)
    assert [p.name for p in catalog.crew.astronauts.values()] == ["Oleg Kononenko"]
    assert catalog.crew.flights_source.text == "crew and docking data as of 2026-11-20"
    assert catalog.crew.stations[4].name == "International Space Station"


def test_a_flight_in_both_the_spacecraft_and_the_flights_data_is_warned_about_once(caplog):
    caplog.set_level(logging.WARNING)
    backwards = {"net": "1996-01-11T09:41:00Z", "end": "1966-01-20T07:41:00Z"}  # as LL2 has STS-72
    crew_of([spacecraft(8, flights=[flight(119, **backwards)])], [crewed_flight(119, 8, **backwards),
                                                                 crewed_flight(120, 8, net="1996-02-01T00:00:00Z",
                                                                               end="1966-02-02T00:00:00Z")])
    said = [w for w in warnings(caplog) if "before its launch" in w]
    assert len([w for w in said if "flight 119" in w]) == 1
    assert len([w for w in said if "flight 120" in w]) == 1  # the canary: another flight is still warned about
