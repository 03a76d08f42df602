"""Crew, dockings, stations and people: frozen models and the catalog-level join. No I/O.

API (for the pages, exports, history, stats, quality page and search; /work/notes/crew-api.md)
---------------------------------------------------------------------------------------------
Reach it from the gathered catalog: ``catalog.crew`` is a ``Crewed`` (groups.Catalog), never None
(an empty one, ``NO_CREW``, when neither the flights nor the stations were read).

``Crewed``
  - ``flights: dict[int, CrewedFlight]``: by flight id, only flights of catalog spacecraft;
  - ``astronauts: dict[int, Astronaut]``: by id, one per person (deduplicated across flights and pages);
  - ``stations: dict[int, Station]``: by id, every station the stations endpoint sent;
  - ``dockings: dict[int, DockingEvent]``: by id, the docking events of the catalog's flights;
  - ``flights_source`` / ``stations_source``: a ``Source``: ``.text`` is "crew and docking data as of
    2026-11-20", "... from the shipped sample" or "... not fetched yet"; ``.fetched`` is False when
    the file was missing;
  - lookups: ``seats(flight_id, phase)`` (ordered by role priority, then name; None = crew unknown,
    () = known to be none), ``seats_of(astronaut_id)``, ``flights_of(astronaut_id)`` (by launch),
    ``flights_of_spacecraft(craft_id)``, ``dockings_of_spacecraft(craft_id)``,
    ``dockings_at(station_id)``, ``docked_now(station_id)`` (events with no departure), and the
    quality lists ``missing_flights`` ((spacecraft id, flight id) listed on a spacecraft, absent
    from the flights endpoint) and ``backwards`` (events whose departure is before their docking).

``CrewedFlight``: ``flight`` (data.models.Flight: launch, rocket, pad, mission, duration,
turnaround...), ``spacecraft`` (the catalog spacecraft's id), ``slug`` (unique among flights),
``landing`` (a ``Landing``: place, type, success; or None), the crews ``launch_crew``,
``onboard_crew``, ``landing_crew`` (tuples of ``Seat``, or None when the API gave no list: crew
UNKNOWN, never "uncrewed"), ``docking_ids``; ``.crewed`` is True / False / None (unknown).

``Seat``: ``flight``, ``astronaut`` (ids), ``phase`` ("launch" | "onboard" | "landing"), ``role``
(str or None), ``priority`` (int or None: sorts last), ``seat_id`` (the API's AstronautFlight.id,
which repeats across launches: shown at most, never a key). ``key`` is (flight, astronaut, phase).

``DockingEvent``: ``id``, ``flight`` (the chaser flight id), ``spacecraft`` (chaser spacecraft id),
``docking``, ``departure`` (ISO 8601 instants "YYYY-MM-DDTHH:MM:SSZ"; departure None = still
docked), ``port`` (the docking location's name: repeats across stations, e.g. "Forward"),
``port_id``, ``station`` (station id or None), ``target_flight`` (the flight docked to, or None),
``target`` (the station's or vehicle's name as given, or None), ``backwards`` (departure before
docking: shown as given, left out of sums); ``.seconds`` (None when still docked or backwards).

``Astronaut``: ``id``, ``name``, ``slug`` (unique among astronauts), ``status``, ``agency``
(models.Agency or None), ``nationality`` (tuple of str), ``born``, ``died`` (ISO dates or None),
``image`` (models.Image or None, its license inside), ``type`` ("Human", "Non-Human"...),
``bio``, ``wiki``, ``url`` (its LL2 record), ``flight_ids`` (catalog flights, by launch).

``Station``: ``id``, ``name``, ``slug`` (unique among stations), ``status``, ``orbit``, ``owners``
(tuple of models.Agency), ``founded``, ``deorbited`` (ISO dates as given, never "fixed"),
``image``, ``ports`` (tuple of ``Port``: id, name, ``docked_event`` id or None), ``description``,
``type``, ``url``.

Figures built on these live in site/figures.py (``docking_check``, ``in_space_check``).
Reading and normalizing the JSON Lines is data/crewdata.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .models import Agency, Flight, Image

PHASES = ("launch", "onboard", "landing")


@dataclass(frozen=True, slots=True)
class Source:
    """Whether an endpoint's data was read, and how fresh it is."""

    name: str  # "flights" | "stations"
    fetched: bool  # a file was read (the cache's or the shipped sample's)
    as_of: str | None  # YYYY-MM-DD of its fetch; None for the shipped sample
    partial: bool = False  # a crawl left part way, or fewer records than the API counted

    @property
    def text(self) -> str:
        """ "crew and docking data as of 2026-11-20", "... from the shipped sample", "... not fetched yet"."""
        what = "crew and docking data" if self.name == "flights" else "space station data"
        if not self.fetched:
            return f"{what} not fetched yet"
        when = f"as of {self.as_of}" if self.as_of else "from the shipped sample"
        return f"{what} {when}" + (" (partial)" if self.partial else "")


@dataclass(frozen=True, slots=True)
class Astronaut:
    id: int
    name: str
    slug: str
    status: str | None
    agency: Agency | None
    nationality: tuple[str, ...]
    born: str | None  # ISO date
    died: str | None
    image: Image | None
    type: str | None  # "Human", "Non-Human" (a mannequin is crew too)
    bio: str | None
    wiki: str | None
    url: str | None
    flight_ids: tuple[int, ...] = ()  # the catalog flights aboard, by launch date


@dataclass(frozen=True, slots=True)
class Seat:
    flight: int
    astronaut: int
    phase: str  # one of PHASES
    role: str | None
    priority: int | None  # AstronautRole.priority; None sorts last
    seat_id: int | None = None  # AstronautFlight.id: repeats across launches, never a key

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.flight, self.astronaut, self.phase)


@dataclass(frozen=True, slots=True)
class Landing:
    place: str | None
    type: str | None
    success: bool | None


@dataclass(frozen=True, slots=True)
class CrewedFlight:
    flight: Flight
    spacecraft: int
    slug: str
    landing: Landing | None
    launch_crew: tuple[Seat, ...] | None  # None: not given (unknown), () given as none
    onboard_crew: tuple[Seat, ...] | None
    landing_crew: tuple[Seat, ...] | None
    docking_ids: tuple[int, ...] = ()

    @property
    def id(self) -> int:
        return self.flight.id

    def crew(self, phase: str) -> tuple[Seat, ...] | None:
        """The seats of one phase, ordered by role priority; None when the API did not say."""
        return {"launch": self.launch_crew, "onboard": self.onboard_crew, "landing": self.landing_crew}[phase]

    @property
    def crewed(self) -> bool | None:
        """True when a list names someone; False only when every list is given and empty; else None."""
        crews = (self.launch_crew, self.onboard_crew, self.landing_crew)
        if any(crews):
            return True
        return False if all(c is not None for c in crews) else None


@dataclass(frozen=True, slots=True)
class DockingEvent:
    id: int
    flight: int  # the chaser flight
    spacecraft: int | None  # the chaser spacecraft
    docking: str  # "YYYY-MM-DDTHH:MM:SSZ"
    departure: str | None  # None: still docked
    port: str | None
    port_id: int | None
    station: int | None
    target_flight: int | None
    target: str | None  # the station's or target vehicle's name, as given
    backwards: bool = False  # departure before docking: shown as given, left out of sums

    @property
    def seconds(self) -> int | None:
        """Time docked; None when still docked or the departure is before the docking."""
        if self.departure is None or self.backwards:
            return None
        return int((_instant(self.departure) - _instant(self.docking)).total_seconds())

    @property
    def still_docked(self) -> bool:
        return self.departure is None


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Port:
    id: int | None
    name: str
    docked_event: int | None  # the event docked there now, as the station lists it


@dataclass(frozen=True, slots=True)
class Station:
    id: int
    name: str
    slug: str
    status: str | None
    orbit: str | None
    owners: tuple[Agency, ...]
    founded: str | None
    deorbited: str | None  # as given, even when wrong upstream
    image: Image | None
    ports: tuple[Port, ...]
    description: str | None
    type: str | None
    url: str | None


@dataclass(frozen=True, slots=True, eq=False)
class Crewed:
    """The crew, dockings and stations of the catalog, with their lookups (built by crewdata.join)."""

    flights: Mapping[int, CrewedFlight]
    astronauts: Mapping[int, Astronaut]
    stations: Mapping[int, Station]
    dockings: Mapping[int, DockingEvent]
    flights_source: Source
    stations_source: Source
    missing_flights: tuple[tuple[int, int], ...] = ()  # (spacecraft id, flight id)
    # Indexes, by id, in display order:
    by_astronaut: Mapping[int, tuple[Seat, ...]] = field(default_factory=dict)
    by_spacecraft: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # flight ids by launch
    docked_by_spacecraft: Mapping[int, tuple[int, ...]] = field(default_factory=dict)  # event ids by docking
    docked_at_station: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    def seats(self, flight_id: int, phase: str) -> tuple[Seat, ...] | None:
        """A flight's seats of one phase by role priority; None when unknown (or not a catalog flight)."""
        found = self.flights.get(flight_id)
        return found.crew(phase) if found is not None else None

    def seats_of(self, astronaut_id: int) -> tuple[Seat, ...]:
        """Every seat of a person, by launch of its flight, then phase."""
        return self.by_astronaut.get(astronaut_id, ())

    def flights_of(self, astronaut_id: int) -> tuple[CrewedFlight, ...]:
        """The catalog flights a person was aboard, by launch date."""
        person = self.astronauts.get(astronaut_id)
        return tuple(self.flights[i] for i in person.flight_ids) if person else ()

    def flights_of_spacecraft(self, craft_id: int) -> tuple[CrewedFlight, ...]:
        return tuple(self.flights[i] for i in self.by_spacecraft.get(craft_id, ()))

    def dockings_of_spacecraft(self, craft_id: int) -> tuple[DockingEvent, ...]:
        return tuple(self.dockings[i] for i in self.docked_by_spacecraft.get(craft_id, ()))

    def dockings_at(self, station_id: int) -> tuple[DockingEvent, ...]:
        return tuple(self.dockings[i] for i in self.docked_at_station.get(station_id, ()))

    def docked_now(self, station_id: int | None = None) -> tuple[DockingEvent, ...]:
        """Events with no departure: at one station, or anywhere."""
        events = self.dockings_at(station_id) if station_id is not None else tuple(
            self.dockings[i] for i in sorted(self.dockings, key=lambda i: (self.dockings[i].docking, i)))
        return tuple(e for e in events if e.still_docked)

    @property
    def backwards(self) -> tuple[DockingEvent, ...]:
        return tuple(self.dockings[i] for i in sorted(self.dockings) if self.dockings[i].backwards)


NO_CREW = Crewed({}, {}, {}, {}, Source("flights", False, None), Source("stations", False, None))
