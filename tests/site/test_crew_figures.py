"""Time docked and time in space summed from the crew data, beside the API's own figure (issue 26)."""
from __future__ import annotations

from base import crewed_flight, docking_event, spacecraft

from catalog.data import crewdata
from catalog.data.crew import Source
from catalog.data.normalize import Normalizer, normalize_all
from catalog.site import figures


def checks(raw_craft, flights):
    normalizer = Normalizer()
    (craft,) = normalize_all([raw_craft], normalizer=normalizer)
    crew = crewdata.join(flights, [], [craft], normalizer, flights_source=Source("flights", True, "2026-11-20"),
                         stations_source=Source("stations", False, None))
    return figures.docking_check(craft, crew), figures.in_space_check(craft, crew)


def test_time_docked_sums_the_events_and_names_those_left_out_where_it_differs_from_the_api():
    events = [docking_event(1, "2019-01-01T00:00:00Z", "2019-01-11T00:00:00Z"),  # 10 d
              docking_event(2, "2019-02-01T00:00:00Z", "2019-01-01T00:00:00Z"),  # backwards: left out
              docking_event(3, "2019-03-01T00:00:00Z", None)]  # still docked: left out
    docked, _ = checks(spacecraft(8, time_docked="P12D"), [crewed_flight(6, 8, docking=events)])
    assert (docked.given, docked.computed, docked.counted, docked.left_out) == (12 * 86400, 10 * 86400, (1,), (2, 3))
    assert docked.text == "the docking events sum to 10 d (docking events 1; 2, 3 left out)"


def test_within_an_hour_the_sum_agrees_and_nothing_counted_is_unknown_never_0():
    events = [docking_event(1, "2019-01-01T00:00:00Z", "2019-01-11T00:30:00Z")]
    docked, in_space = checks(spacecraft(8, time_docked="P10D", time_in_space="P79DT15H23M49S"),
                              [crewed_flight(6, 8, docking=events)])
    assert not docked.differs and docked.text is None
    assert (in_space.computed, in_space.differs) == (79 * 86400 + 15 * 3600 + 23 * 60 + 49, False)
    none, _ = checks(spacecraft(8, time_docked="P10D"), [crewed_flight(6, 8, docking=[
        docking_event(1, "2019-01-01T00:00:00Z", None)])])
    assert (none.computed, none.differs, none.left_out) == (None, False, (1,))


def test_time_in_space_sums_the_flights_of_the_flights_data():
    _, in_space = checks(spacecraft(8, time_in_space="P1D"), [crewed_flight(6, 8, duration="P2D"),
                                                             crewed_flight(7, 8, duration="P3D")])
    assert (in_space.computed, in_space.counted, in_space.differs) == (5 * 86400, (6, 7), True)
    assert in_space.text == "the flights sum to 5 d (flights 6, 7)"
