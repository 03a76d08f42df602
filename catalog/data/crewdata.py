"""Read the flights and stations JSON Lines into crew.Crewed, joined to the catalog's spacecraft.

Which files: those beside the spacecraft data the build reads (the cache's, from the last complete
crawls of data/api.py, or the shipped sample's in content/data/); a missing one is "not fetched
yet", never an error, and a partial one is read for what it holds.

What the data does, and what is said about it (a warning naming the flight, astronaut, station or
event id; several alike in one line), from LL2's real records (issue 26):
- a crew list null or missing is crew UNKNOWN, never "uncrewed"; a role a plain string (2.0.0) or
  an object (2.3.0); a seat with no readable role keeps the person, role unknown;
- a seat is keyed by (flight, person, phase): AstronautFlight.id repeats across launches;
- the same person on several flights is one Astronaut (the fullest copy; one warning when the
  copies disagree on the name); nationality a list of countries, of strings, or one string;
- a docking with no departure is still docked; a departure before its docking is kept as given
  (``backwards``) and left out of sums; a docking location's station is its own, else the event's
  target station, else the station whose port has that location's id;
- flights whose spacecraft is not in the catalog are left out (one warning counts them); a flight
  listed on a spacecraft but absent from the flights data is named (and kept for the quality page);
- records repeated by paging are kept once, by id.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC
from pathlib import Path
from typing import Any

from .crew import (
    PHASES,
    Astronaut,
    Crewed,
    CrewedFlight,
    DockingEvent,
    Landing,
    Port,
    Seat,
    Source,
    Station,
)
from .models import Spacecraft
from .normalize import Normalizer, _instant, http_url, integer, iso_date, mapping, text
from .snapshot import iter_located, read_at

log = logging.getLogger(__name__)

SHOWN_IDS = 10  # ids named in a warning about several records; the rest counted


class Records:
    """An endpoint's records as read_source() found them: by id, the last copy of each, read from the
    file again each time they are iterated. Only their offsets are held: at 100,000 spacecraft the
    flights file is 190,000 records, about a gigabyte as Python objects all at once."""

    def __init__(self, path: Path, offsets: list[int]) -> None:
        self.path, self.offsets = path, offsets

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return read_at(self.path, self.offsets)

    def __len__(self) -> int:
        return len(self.offsets)


def read_source(name: str, path: Path | None) -> tuple[Source, Records | list[dict[str, Any]]]:
    """An endpoint's Source and its records (deduplicated by id, the last copy kept, sorted by id)."""
    if path is None or not path.is_file():
        return Source(name, False, None), []
    try:
        with path.open("rb") as src:
            meta = mapping(json.loads(src.readline()).get("meta"))
    except (OSError, ValueError, AttributeError, RecursionError):
        log.warning("ignoring %s: it is not a data file of the catalog (bad first line)", path)
        return Source(name, False, None), []
    records: dict[int, int] = {}  # id -> the offset of its last copy
    repeated = 0
    for at, raw in iter_located(path):
        ident = integer(raw.get("id")) if isinstance(raw, dict) else None
        if ident is None:
            log.warning("%s: skipping a %s record without an integer id", path, name)
            continue
        repeated += ident in records
        records[ident] = at
    if repeated:
        log.info("%s: %d %s records repeated (kept once)", path, repeated, name)
    when = iso_date(meta.get("fetched_at"))
    count = integer(meta.get("count"))
    partial = bool(meta.get("pending")) or (count is not None and count > len(records) and name == "stations")
    return Source(name, True, when, partial), Records(path, [records[k] for k in sorted(records)])


def read(flights_file: Path | None, stations_file: Path | None, spacecraft: Sequence[Spacecraft],
         normalizer: Normalizer) -> Crewed:
    """The Crewed of the catalog's spacecraft, from the two files (either may be missing)."""
    flights_source, flights = read_source("flights", flights_file)
    stations_source, stations = read_source("stations", stations_file)
    return join(flights, stations, spacecraft, normalizer, flights_source=flights_source,
                stations_source=stations_source)


def join(flights: Iterable[dict[str, Any]], stations: Iterable[dict[str, Any]], spacecraft: Sequence[Spacecraft],
         normalizer: Normalizer, *, flights_source: Source, stations_source: Source) -> Crewed:
    """Normalize raw flights and stations (deduplicated by id) and join them to the catalog's spacecraft."""
    joiner = _Joiner(spacecraft, normalizer)
    joiner.add_stations(_unique(stations))
    joiner.add_flights(_unique(flights))  # read_source's Records as they are: unique and sorted already
    return joiner.crewed(flights_source, stations_source)


def _unique(records: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """Records by id, the last copy of each kept (paging repeats records), sorted by id."""
    if isinstance(records, Records):
        return records
    found = {raw["id"]: raw for raw in records if isinstance(raw, dict) and integer(raw.get("id")) is not None}
    return [found[k] for k in sorted(found)]


def _warn_ids(what: str, ids: Iterable[Any], consequence: str) -> None:
    """One warning for several records alike: "flights 3, 9 and 2 more: ...; shown as crew unknown"."""
    ids = list(ids)
    if not ids:
        return
    named = ", ".join(map(str, ids[:SHOWN_IDS]))
    more = f" and {len(ids) - SHOWN_IDS} more" if len(ids) > SHOWN_IDS else ""
    log.warning("%s %s%s: %s", what, named, more, consequence)


class _Joiner:
    """Builds a Crewed in one pass over the stations, then the flights."""

    def __init__(self, spacecraft: Sequence[Spacecraft], normalizer: Normalizer) -> None:
        self.norm = normalizer
        self.craft = {c.id: c for c in spacecraft}
        # flight id -> (spacecraft id, the Flight its record gives): a flight the record lists is not
        # normalized again from the flights data (the same shape, and the pages then agree).
        self.listed = {f.id: (c.id, f) for c in spacecraft for f in (c.flights or ())}
        self.flights: dict[int, CrewedFlight] = {}
        self.astronauts: dict[int, tuple[dict[str, Any], int]] = {}  # id -> (fullest raw copy, its flight)
        self.fullness: dict[int, int] = {}  # id -> how many values that copy gives (_fullness)
        self.renamed: set[int] = set()
        self.seats: list[Seat] = []
        self.dockings: dict[int, DockingEvent] = {}
        self.stations: dict[int, Station] = {}
        self.port_station: dict[int, int] = {}  # docking location id -> station id
        self.outside = 0
        self.unknown_crew: list[int] = []
        self.no_role: list[str] = []
        self.no_station: list[int] = []
        self.seen = False  # some flight was read: absences mean something

    # --- Stations ---------------------------------------------------------------------------------

    def add_stations(self, records: Iterable[dict[str, Any]]) -> None:
        for raw in records:
            station = self.station(raw)
            self.stations[station.id] = station
            for port in station.ports:
                if port.id is not None:
                    self.port_station[port.id] = station.id

    def station(self, raw: dict[str, Any]) -> Station:
        ident = raw["id"]
        name = text(raw.get("name")) or f"Station {ident}"
        ports = tuple(Port(integer(p.get("id")), text(p.get("name")) or f"Port {p.get('id')}",
                           integer(mapping(p.get("currently_docked")).get("id")))
                      for p in raw.get("docking_location") or () if isinstance(p, dict))
        owners = tuple(self.norm.agency(a) for a in raw.get("owners") or () if isinstance(a, dict))
        return Station(
            id=ident, name=name, slug=self.norm.unique_slug("station", name, ident),
            status=_name(raw.get("status")), orbit=_name(raw.get("orbit")), owners=owners,
            founded=iso_date(raw.get("founded")), deorbited=iso_date(raw.get("deorbited")),
            image=self.norm.image(raw.get("image"), user=f"station {ident}"),
            ports=ports, description=text(raw.get("description")), type=_name(raw.get("type")),
            url=http_url(raw.get("url")))

    # --- Flights ----------------------------------------------------------------------------------

    def add_flights(self, records: Iterable[dict[str, Any]]) -> None:
        for raw in records:
            self.seen = True
            craft = integer(mapping(raw.get("spacecraft")).get("id"))
            if craft not in self.craft:  # older data: no spacecraft, but a catalog one lists it
                craft = self.listed[raw["id"]][0] if raw["id"] in self.listed else None
            if craft is None:
                self.outside += 1
                continue
            self.flights[raw["id"]] = self.flight(raw, craft)

    def flight(self, raw: dict[str, Any], craft: int) -> CrewedFlight:
        ident = raw["id"]
        given = self.listed.get(ident)
        if given is not None and given[0] == craft:
            model = given[1]
        else:
            (model,) = self.norm.flights([raw], owner=craft, name=self.craft[craft].name)
        label = model.mission or (model.launch_name or "").rpartition(" | ")[2] or f"flight {ident}"
        crews = {phase: self.crew(raw, ident, phase) for phase in PHASES}
        if any(c is None for c in crews.values()):
            self.unknown_crew.append(ident)
        events = [e for e in map(lambda ev: self.docking(ev, ident, craft), raw.get("docking_events") or ()) if e]
        for event in events:
            self.dockings[event.id] = event
        return CrewedFlight(
            flight=model, spacecraft=craft, slug=self.norm.unique_slug("flight", label, ident),
            landing=_landing(raw.get("landing")), launch_crew=crews["launch"], onboard_crew=crews["onboard"],
            landing_crew=crews["landing"], docking_ids=tuple(e.id for e in sorted(events, key=_docking_order)))

    def crew(self, raw: dict[str, Any], flight: int, phase: str) -> tuple[Seat, ...] | None:
        """One crew list's seats by role priority, then name; None when the list is not given."""
        given = raw.get(f"{phase}_crew")
        if not isinstance(given, list):
            return None
        seats: dict[int, Seat] = {}
        for item in given:
            person = mapping(item.get("astronaut")) if isinstance(item, dict) else {}
            who = integer(person.get("id"))
            if who is None or who in seats:  # a person once per list: (flight, person, phase) is the key
                continue
            role, priority = _role(item.get("role"))
            if role is None:
                self.no_role.append(f"{flight} ({who})")
            seats[who] = Seat(flight, who, phase, role, priority, integer(item.get("id")))
            self.keep_person(person, flight)
        ordered = sorted(seats.values(), key=lambda s: (*_rank(s), self.person_name(s.astronaut).casefold(), s.astronaut))
        self.seats.extend(ordered)
        return tuple(ordered)

    def keep_person(self, raw: dict[str, Any], flight: int) -> None:
        """Keep the fullest copy of a person (the first of the fullest, flights in id order)."""
        ident = raw["id"]
        kept = self.astronauts.get(ident)
        if kept is None:
            self.astronauts[ident] = (raw, flight)
            self.fullness[ident] = _fullness(raw)
            return
        if text(kept[0].get("name")) != text(raw.get("name")) and text(raw.get("name")):
            self.renamed.add(ident)
        fullness = _fullness(raw)
        if fullness > self.fullness[ident]:
            self.astronauts[ident] = (raw, flight)
            self.fullness[ident] = fullness

    def person_name(self, ident: int) -> str:
        return text(self.astronauts[ident][0].get("name")) or ""

    def docking(self, raw: Any, flight: int, craft: int) -> DockingEvent | None:
        ident = integer(raw.get("id")) if isinstance(raw, dict) else None
        docking = _moment(raw.get("docking")) if ident is not None else None
        if ident is None or docking is None:
            log.warning("flight %s: a docking event with no id or no readable docking time; left out", flight)
            return None
        location = mapping(raw.get("docking_location"))
        target_station = mapping(location.get("spacestation")) or mapping(raw.get("space_station_target"))
        target_flight = mapping(raw.get("flight_vehicle_target"))
        station = integer(target_station.get("id"))
        if station is None:
            station = self.port_station.get(integer(location.get("id")) or -1)
        target = (text(target_station.get("name")) or text(mapping(target_flight.get("spacecraft")).get("name"))
                  or (self.stations[station].name if station in self.stations else None))
        if station is None and not target_flight and not raw.get("payload_flight_target"):
            self.no_station.append(ident)
        departure = _moment(raw.get("departure"))
        return DockingEvent(
            id=ident, flight=flight, spacecraft=craft, docking=docking, departure=departure,
            port=text(location.get("name")), port_id=integer(location.get("id")), station=station,
            target_flight=integer(target_flight.get("id")), target=target,
            backwards=departure is not None and departure < docking)

    # --- The join ---------------------------------------------------------------------------------

    def crewed(self, flights_source: Source, stations_source: Source) -> Crewed:
        self.warn()
        order = sorted(self.flights.values(), key=lambda f: (f.flight.launch_date or "9999", f.id))
        rank = {f.id: n for n, f in enumerate(order)}
        by_astronaut: dict[int, list[Seat]] = defaultdict(list)
        for seat in sorted(self.seats, key=lambda s: (rank[s.flight], PHASES.index(s.phase))):
            by_astronaut[seat.astronaut].append(seat)
        astronauts = {ident: self.astronaut(raw, tuple(dict.fromkeys(s.flight for s in by_astronaut[ident])))
                      for ident, (raw, _) in sorted(self.astronauts.items())}
        by_spacecraft: dict[int, list[int]] = defaultdict(list)
        for f in order:
            by_spacecraft[f.spacecraft].append(f.id)
        events = sorted(self.dockings.values(), key=_docking_order)
        docked_by: dict[int, list[int]] = defaultdict(list)
        at_station: dict[int, list[int]] = defaultdict(list)
        for e in events:
            if e.spacecraft is not None:
                docked_by[e.spacecraft].append(e.id)
            if e.station is not None:
                at_station[e.station].append(e.id)
        if self.seen and self.stations:
            _warn_ids("stations", [s for s in sorted(self.stations) if s not in at_station],
                      "no docking event of a catalog spacecraft at them in the flights data")
        missing = tuple(sorted((c, f) for f, (c, _) in self.listed.items() if f not in self.flights)) if self.seen else ()
        _warn_ids("flights", [f"{f} (spacecraft {c})" for c, f in missing],
                  "listed on a spacecraft but absent from the flights data; shown without crew or dockings")
        return Crewed(
            flights={f.id: f for f in order}, astronauts=astronauts, stations=dict(sorted(self.stations.items())),
            dockings={e.id: e for e in sorted(events, key=lambda e: e.id)}, flights_source=flights_source,
            stations_source=stations_source, missing_flights=missing,
            by_astronaut={k: tuple(v) for k, v in sorted(by_astronaut.items())},
            by_spacecraft={k: tuple(v) for k, v in sorted(by_spacecraft.items())},
            docked_by_spacecraft={k: tuple(v) for k, v in sorted(docked_by.items())},
            docked_at_station={k: tuple(v) for k, v in sorted(at_station.items())})

    def astronaut(self, raw: dict[str, Any], flights: tuple[int, ...]) -> Astronaut:
        ident = raw["id"]
        name = text(raw.get("name")) or f"Astronaut {ident}"
        agency = raw.get("agency")
        return Astronaut(
            id=ident, name=name, slug=self.norm.unique_slug("astronaut", name, ident),
            status=_name(raw.get("status")),
            agency=self.norm.agency(agency) if isinstance(agency, dict) else None,
            nationality=_nationality(raw.get("nationality")),
            born=iso_date(raw.get("date_of_birth")), died=iso_date(raw.get("date_of_death")),
            image=self.norm.image(_portrait(raw), user=f"astronaut {ident}"),
            type=_name(raw.get("type")), bio=text(raw.get("bio")), wiki=http_url(raw.get("wiki")),
            url=http_url(raw.get("url")), flight_ids=flights)

    def warn(self) -> None:
        """Say once, per kind, what the data lacks (each line names the records)."""
        if self.outside:
            log.warning("%d flight%s of spacecraft outside the catalog left out", self.outside,
                        "" if self.outside == 1 else "s")
        _warn_ids("flights", self.unknown_crew, "a crew list (launch, onboard or landing) not given; "
                  "shown as crew unknown")
        _warn_ids("flights (astronauts)", self.no_role, "a crew seat with no readable role; shown as role unknown")
        _warn_ids("astronauts", sorted(self.renamed), "named differently on different flights; the fullest "
                  "record is shown")
        _warn_ids("astronauts", sorted(i for i, (raw, _) in self.astronauts.items() if _portrait(raw) is None),
                  "no image; shown with a placeholder")
        events = sorted(self.dockings.values(), key=lambda e: e.id)
        _warn_ids("docking events", [f"{e.id} (flight {e.flight})" for e in events if e.departure is None],
                  "no departure; shown as still docked and left out of the time docked")
        _warn_ids("docking events", [f"{e.id} (flight {e.flight})" for e in events if e.backwards],
                  "departure before docking; shown as given and left out of the time docked")
        _warn_ids("docking events", self.no_station, "a docking location with no station or target")


def crew_seats(raw: dict[str, Any], phase: str) -> list[list[Any]] | None:
    """A raw flight's crew list of one phase as the history keeps it: [[person id, name, role], ...] by
    person id; None when the list is not given (crew unknown)."""
    given = raw.get(f"{phase}_crew")
    if not isinstance(given, list):
        return None
    seats: dict[int, list[Any]] = {}
    for item in given:
        person = mapping(item.get("astronaut")) if isinstance(item, dict) else {}
        who = integer(person.get("id"))
        if who is not None and who not in seats:
            seats[who] = [who, text(person.get("name")) or f"Astronaut {who}", _role(item.get("role"))[0]]
    return [seats[k] for k in sorted(seats)]


def docking_fields(raw: dict[str, Any]) -> list[tuple[int, list[Any]]]:
    """A raw flight's docking events as the history keeps them: (id, [docking, departure, station, target,
    port]), the instants as "YYYY-MM-DDTHH:MM:SSZ"; events without an id or a docking time left out."""
    out = []
    for event in raw.get("docking_events") or ():
        ident = integer(event.get("id")) if isinstance(event, dict) else None
        docking = _moment(event.get("docking")) if ident is not None else None
        if ident is None or docking is None:
            continue
        location = mapping(event.get("docking_location"))
        station = mapping(location.get("spacestation")) or mapping(event.get("space_station_target"))
        target = text(station.get("name")) or text(mapping(mapping(event.get("flight_vehicle_target")).get(
            "spacecraft")).get("name"))
        out.append((ident, [docking, _moment(event.get("departure")), integer(station.get("id")), target,
                            text(location.get("name"))]))
    return out


def _docking_order(e: DockingEvent) -> tuple[str, int]:
    return (e.docking, e.id)


def _name(value: Any) -> str | None:
    """A value's name: LL2 sends {"id", "name"} objects, older versions and some fields a string."""
    return text(value.get("name")) if isinstance(value, dict) else text(value)


# Where the API gives a role as a plain string (2.0.0) or with no priority: the common roles in the
# order LL2's priorities put them, commanders first; any other role after them, by name.
ROLE_ORDER = {name.casefold(): n for n, name in enumerate((
    "Commander", "Spacecraft Commander", "Joint Operations Commander", "Pilot", "Flight Engineer",
    "Mission Specialist", "Payload Specialist", "Spaceflight Participant", "Tourist"))}


def _rank(seat: Seat) -> tuple[int, int]:
    """A seat's place in its crew: the API's role priority, else its role's place in ROLE_ORDER."""
    if seat.priority is not None:
        return 0, seat.priority
    return 1, ROLE_ORDER.get((seat.role or "").casefold(), len(ROLE_ORDER))


def _role(value: Any) -> tuple[str | None, int | None]:
    """(role, priority): an AstronautRole object (2.1.0+) or a plain string (2.0.0)."""
    if isinstance(value, dict):
        return text(value.get("role")) or text(value.get("name")), integer(value.get("priority"))
    return text(value), None


def _nationality(value: Any) -> tuple[str, ...]:
    """Countries as LL2 sends them: a list of Country objects (2.3.0) or strings, or one string."""
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        name = (text(item.get("nationality_name")) or text(item.get("name"))) if isinstance(item, dict) else text(item)
        if name and name not in out:
            out.append(name)
    return tuple(out)


def _portrait(raw: dict[str, Any]) -> dict[str, Any] | None:
    """A person's image: 2.3.0's `image`, else the older `profile_image` URLs (no license recorded)."""
    image = raw.get("image")
    if isinstance(image, dict) and (image.get("image_url") or image.get("thumbnail_url")):
        return image
    url = text(raw.get("profile_image"))
    if url:
        return {"image_url": url, "thumbnail_url": text(raw.get("profile_image_thumbnail")) or url,
                "name": text(raw.get("name")) or ""}
    return None


def _fullness(raw: dict[str, Any]) -> int:
    return sum(v not in (None, "", [], {}) for v in raw.values())


def _moment(value: Any) -> str | None:
    """An API instant as "YYYY-MM-DDTHH:MM:SSZ" (UTC), or None."""
    moment = _instant(value)
    if moment is None or iso_date(value) is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _landing(value: Any) -> Landing | None:
    landing = mapping(value)
    if not landing:
        return None
    success = landing.get("success")
    return Landing(place=_name(landing.get("landing_location")), type=_name(landing.get("type")),
                   success=success if isinstance(success, bool) else None)
