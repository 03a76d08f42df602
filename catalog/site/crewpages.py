"""What the flight, astronaut and station pages show (issue 26): purpose-built views of the crew data.

The plan (plan.py) gives each such page its model and the catalog's ``Crewed`` (data/crew.py); the
render workers make the view through a filter (``flight|flight_page(crew, crafts)``...), so the
parent does no per-page work and templates print values, never look anything up. A spacecraft
page is different: it has a render key, so everything it shows of the crew data comes through its
page context, ``craft_crew()``, made in the plan.

Words every page uses for what the data does not say: a crew list the API did not give is "crew not
known" (never "uncrewed"); a known empty list is "no crew"; a docking with no departure is "still
docked"; a departure before its docking is shown as given and flagged.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import NamedTuple

from ..data.crew import PHASES, Astronaut, Crewed, CrewedFlight, DockingEvent, Seat, Station
from ..data.models import Spacecraft, format_seconds
from .figures import docked_check, flight_rows, flown_check, mission_name
from .timelines import Bar, Row, Timeline, day, shown_duration

PHASE_TITLES = {"launch": "Crew at launch", "onboard": "Crew on board", "landing": "Crew at landing"}
CREW_NOT_KNOWN = "crew not known"  # the API gave no list: never shown as uncrewed
NO_CREW = "no crew"  # the API gave the list, and it is empty
STILL_DOCKED = "still docked"
BACKWARDS = "departure before docking, as the API gives it: left out of the time docked"
MAX_EVENTS = 60  # docking events a station page draws and lists (the most recent): ~1,000 elements
MAX_VISITORS = 300  # spacecraft a station page links, by name (one element each)


def instant(value: str | None) -> str:
    """An API instant as a page shows it: "2018-12-03 17:33 UTC"; "—" when not given."""
    if not value:
        return "—"
    return f"{value[:10]} {value[11:16]} UTC" if len(value) >= 16 else value


# --- A spacecraft page's share of the crew data (its page context: render keys) ---------------------

class CraftCrew(NamedTuple):
    """The crew data a spacecraft page shows: its flights' pages, its docking events, how fresh the data is."""

    flights: tuple[CrewedFlight, ...]
    dockings: tuple[DockingEvent, ...]
    source: str  # "crew and docking data as of 2026-11-20", "... not fetched yet"

    def path_of(self, flight_id: int | None) -> str | None:
        """The flight page of one of its flights ("flights/soyuz-ms-11.html"), None when there is none."""
        for cf in self.flights:
            if cf.id == flight_id:
                return f"flights/{cf.slug}.html"
        return None


def craft_crew(crew: Crewed, craft_id: int, empty: CraftCrew) -> CraftCrew:
    """A spacecraft's flights and docking events; `empty` (shared) for the many with none."""
    if craft_id not in crew.by_spacecraft and craft_id not in crew.docked_by_spacecraft:
        return empty
    return CraftCrew(crew.flights_of_spacecraft(craft_id), crew.dockings_of_spacecraft(craft_id), empty.source)


def no_crew_of(crew: Crewed) -> CraftCrew:
    """The context of a spacecraft with no flight in the crew data."""
    return CraftCrew((), (), crew.flights_source.text)


# --- Flight pages -------------------------------------------------------------------------------------

class CrewLine(NamedTuple):
    person: Astronaut | None  # None: a person the data names only by id
    name: str
    role: str


class CrewList(NamedTuple):
    """One phase's crew, by role priority; `lines` None when the API did not give the list."""

    phase: str
    title: str
    lines: tuple[CrewLine, ...] | None

    @property
    def note(self) -> str | None:
        """ "crew not known" or "no crew" when there is no one to list."""
        if self.lines is None:
            return CREW_NOT_KNOWN
        return None if self.lines else NO_CREW


class DockingRow(NamedTuple):
    """One docking event as a table row: the flight page's docking log, a station's occupancy table."""

    id: int
    docked: str
    departed: str  # the departure, or "still docked"
    port: str
    station: Station | None  # linked when the stations data has it
    target: str  # the station's or target vehicle's name, as given
    target_flight: CrewedFlight | None  # the vehicle docked to, when it is a catalog flight
    chaser: CrewedFlight | None  # the flight that docked
    craft: Spacecraft | None  # its spacecraft, when in the catalog
    time: str  # time docked, "—" when still docked or backwards
    flag: str | None  # a departure before the docking
    still_docked: bool


def docking_row(event: DockingEvent, crew: Crewed, crafts: Mapping[int, Spacecraft]) -> DockingRow:
    station = crew.stations.get(event.station) if event.station is not None else None
    target_flight = crew.flights.get(event.target_flight) if event.target_flight is not None else None
    target = (station.name if station else event.target) or (
        mission_name(target_flight.flight) if target_flight else "not given")
    seconds = event.seconds
    return DockingRow(
        event.id, instant(event.docking), STILL_DOCKED if event.still_docked else instant(event.departure),
        event.port or "port not given", station, target, target_flight, crew.flights.get(event.flight),
        crafts.get(event.spacecraft) if event.spacecraft is not None else None,
        format_seconds(seconds) if seconds is not None else "—", BACKWARDS if event.backwards else None,
        event.still_docked)


class FlightPage(NamedTuple):
    title: str
    craft: Spacecraft | None
    launch: tuple[tuple[str, str], ...]  # (label, value) of what the data gives
    landing: tuple[tuple[str, str], ...]  # empty when the data gives no landing
    duration: str
    turnaround: str
    crews: tuple[CrewList, ...]
    dockings: tuple[DockingRow, ...]
    summary: str  # the line under the title, and the page's description


def _crew_list(phase: str, seats: Iterable[Seat] | None, crew: Crewed) -> CrewList:
    if seats is None:
        return CrewList(phase, PHASE_TITLES[phase], None)
    lines = []
    for seat in seats:
        person = crew.astronauts.get(seat.astronaut)
        lines.append(CrewLine(person, person.name if person else f"Astronaut {seat.astronaut}",
                              seat.role or "role not given"))
    return CrewList(phase, PHASE_TITLES[phase], tuple(lines))


def _success(value: bool | None) -> str:
    return "not given" if value is None else "success" if value else "failure"


def _turnaround(cf: CrewedFlight, craft: Spacecraft | None) -> str:
    """The turnaround before this flight as the spacecraft page's flights table says it (figures.flight_rows)."""
    for row in flight_rows(craft) if craft is not None else ():
        if row.flight_id == cf.id:
            if not row.turnaround:
                return "first flight of this spacecraft"
            return row.turnaround + (" (computed)" if row.turnaround_computed else "")
    given = cf.flight.turnaround
    return given.text if given is not None and given.seconds > 0 else "—"


def flight_page(cf: CrewedFlight, crew: Crewed, crafts: Mapping[int, Spacecraft]) -> FlightPage:
    """What a flight page shows: launch, landing, duration, turnaround, crews and docking log."""
    f = cf.flight
    craft = crafts.get(cf.spacecraft)
    launch = tuple((label, value) for label, value in (
        ("Date", f.launch_date), ("Launch", f.launch_name), ("Rocket", f.rocket),
        ("Pad", ", ".join(p for p in (f.pad, f.location) if p)), ("Mission", f.mission),
        ("Mission type", " · ".join(p for p in (f.mission_type, f.orbit) if p)),
        ("Designator", f.designator), ("Launch status", f.launch_status), ("Destination", f.destination),
        ("Mission end", f.mission_end)) if value)
    landing: tuple[tuple[str, str], ...] = ()
    if cf.landing is not None:
        landing = (("Place", cf.landing.place or "not given"), ("Type", cf.landing.type or "not given"),
                   ("Success", _success(cf.landing.success)))
    crews = tuple(_crew_list(phase, cf.crew(phase), crew) for phase in PHASES)
    dockings = tuple(docking_row(crew.dockings[i], crew, crafts) for i in cf.docking_ids if i in crew.dockings)
    who = craft.name if craft else f"spacecraft {cf.spacecraft}"
    summary = f"A flight of {who}" + (f", launched {f.launch_date}" if f.launch_date else ", launch date not given")
    people = sum(len(c.lines or ()) for c in crews[:1])
    summary += (f", {people} aboard at launch" if crews[0].lines else f", {crews[0].note} at launch") + "."
    return FlightPage(mission_name(f), craft, launch, landing, shown_duration(f), _turnaround(cf, craft), crews,
                      dockings, summary)


# --- Astronaut pages ----------------------------------------------------------------------------------

class Aboard(NamedTuple):
    """One flight of a person: its page, its spacecraft, their role in each phase, their time aboard."""

    flight: CrewedFlight
    title: str
    craft: Spacecraft | None
    launch: str | None
    roles: str  # "Commander (launch, landing)"
    time: str


class AstronautPage(NamedTuple):
    facts: tuple[tuple[str, str], ...]
    flights: tuple[Aboard, ...]
    summary: str


def _roles(seats: list[Seat]) -> str:
    by_role: dict[str, list[str]] = {}
    for seat in seats:
        by_role.setdefault(seat.role or "role not given", []).append(seat.phase)
    return "; ".join(f"{role} ({', '.join(phases)})" for role, phases in by_role.items())


def _time_aboard(cf: CrewedFlight, person: int) -> str:
    """The flight's time when the person flew all of it (launched and landed on it, or the data cannot
    tell); else why it is not known."""
    phases = {s.phase for seats in (cf.launch_crew, cf.onboard_crew, cf.landing_crew) if seats
              for s in seats if s.astronaut == person}
    landed = cf.landing_crew
    if "launch" in phases and (landed is None or "landing" in phases):
        return shown_duration(cf.flight)
    return "— (not aboard from launch to landing)"


def astronaut_page(person: Astronaut, crew: Crewed, crafts: Mapping[int, Spacecraft]) -> AstronautPage:
    """What an astronaut page shows: who they are, as LL2 gives it, and every catalog flight aboard."""
    facts = tuple((label, value) for label, value in (
        ("Agency", person.agency.label if person.agency else None),
        ("Nationality", ", ".join(person.nationality)), ("Status", person.status), ("Type", person.type),
        ("Born", person.born), ("Died", person.died)) if value)
    seats_by_flight: dict[int, list[Seat]] = {}
    for seat in crew.seats_of(person.id):
        seats_by_flight.setdefault(seat.flight, []).append(seat)
    rows = []
    for cf in crew.flights_of(person.id):
        rows.append(Aboard(cf, mission_name(cf.flight), crafts.get(cf.spacecraft), cf.flight.launch_date,
                           _roles(seats_by_flight.get(cf.id, [])), _time_aboard(cf, person.id)))
    count = len(rows)
    summary = f"{person.name}: {count} flight{'' if count == 1 else 's'} aboard catalog spacecraft"
    if person.agency:
        summary += f", {person.agency.label}"
    return AstronautPage(facts, tuple(rows), summary + ".")


# --- Station pages ------------------------------------------------------------------------------------

class PortLine(NamedTuple):
    name: str
    docked: DockingRow | None  # the event the station lists at the port now, when the flights data has it
    text: str  # "free", "occupied (docking event 9, not a catalog flight)"...


class StationPage(NamedTuple):
    facts: tuple[tuple[str, str], ...]
    ports: tuple[PortLine, ...]
    timeline: Timeline | None  # the port occupancy: a row per port, a mark per docking event in `events`
    events: tuple[DockingRow, ...]  # the same events as the timeline's marks, in the same order
    note: str | None  # what the timeline and its table leave out
    docked_now: tuple[DockingRow, ...]
    visitors: tuple[Spacecraft, ...]
    more_visitors: int
    summary: str


def _bar_of(event: DockingEvent, row: DockingRow, as_of: int | None) -> Bar | None:
    start = day(event.docking[:10])
    if start is None:
        return None
    who = row.craft.name if row.craft else (mission_name(row.chaser.flight) if row.chaser else f"flight {event.flight}")
    what = f"{who} at {row.port}: docked {row.docked}"
    end = day(event.departure[:10]) if event.departure else None
    if event.backwards:
        return Bar(start, start, "point", f"{what}, departure given as {row.departed}, before the docking")
    if event.still_docked:
        stop = max(start, as_of) if as_of is not None else start
        return Bar(start, stop, "ongoing", f"{what}, still docked" + (
            f" on {date.fromordinal(stop).isoformat()}" if as_of is not None else ""))
    return Bar(start, max(start, end if end is not None else start), "flight",
               f"{what}, departed {row.departed} ({row.time})")


def occupancy(station: Station, events: tuple[DockingEvent, ...], rows: tuple[DockingRow, ...],
              as_of: str | None) -> Timeline | None:
    """The station's ports on a time axis, a row each, each docking a bar from docking to departure."""
    today = day(as_of)
    by_port: dict[str, list[Bar]] = {}
    for event, row in zip(events, rows, strict=True):
        bar = _bar_of(event, row, today)
        if bar is not None:
            by_port.setdefault(row.port, []).append(bar)
    if not by_port:
        return None
    ports = sorted(by_port, key=lambda p: (min(b.start for b in by_port[p]), p))
    lines = tuple(Row(p, f"{p}: {len(by_port[p])} docking{'' if len(by_port[p]) == 1 else 's'}", tuple(by_port[p]))
                  for p in ports)
    first = min(b.start for bars in by_port.values() for b in bars)
    last = max(b.end for bars in by_port.values() for b in bars)
    start = date(date.fromordinal(first).year, 1, 1).toordinal()
    end = date(date.fromordinal(last).year + 1, 1, 1).toordinal()
    count = sum(len(b) for b in by_port.values())
    desc = (f"The docking ports of {station.name}, one row each; {count} docking event{'' if count == 1 else 's'}, "
            f"each a bar from docking to departure; still docked: to the data's date; a departure given before "
            f"its docking: a point.")
    return Timeline(f"Port occupancy of {station.name}", desc, lines, start, end)


def _port_line(port_name: str, event_id: int | None, crew: Crewed, crafts: Mapping[int, Spacecraft]) -> PortLine:
    if event_id is None:
        return PortLine(port_name, None, "free, as the station lists it")
    event = crew.dockings.get(event_id)
    if event is None:
        return PortLine(port_name, None, f"occupied (docking event {event_id}, not a flight of a catalog spacecraft)")
    return PortLine(port_name, docking_row(event, crew, crafts), "occupied")


def station_page(station: Station, crew: Crewed, crafts: Mapping[int, Spacecraft], as_of: str | None) -> StationPage:
    """What a station page shows: facts as given, ports, occupancy (chart and table), who is docked, who came."""
    owners = ", ".join(a.label for a in station.owners)
    facts = tuple((label, value) for label, value in (
        ("Status", station.status), ("Type", station.type), ("Orbit", station.orbit), ("Owners", owners),
        ("Founded", station.founded), ("Deorbited", station.deorbited)) if value)
    every = crew.dockings_at(station.id)
    shown = every[-MAX_EVENTS:]  # in docking order: the most recent
    rows = tuple(docking_row(e, crew, crafts) for e in shown)
    note = (f"The {len(shown)} most recent of {len(every):,} docking events are drawn and listed."
            if len(every) > len(shown) else None)
    ports = tuple(_port_line(p.name, p.docked_event, crew, crafts) for p in station.ports)
    now = tuple(docking_row(e, crew, crafts) for e in crew.docked_now(station.id))
    seen: dict[int, Spacecraft] = {}
    for e in every:
        craft = crafts.get(e.spacecraft) if e.spacecraft is not None else None
        if craft is not None:
            seen.setdefault(craft.id, craft)
    visitors = sorted(seen.values(), key=lambda c: (c.name.casefold(), c.id))
    summary = (f"{station.name}: {station.status or 'status not given'}; {len(every):,} docking "
               f"event{'' if len(every) == 1 else 's'} of catalog spacecraft, {len(now)} docked now.")
    return StationPage(facts, ports, occupancy(station, shown, rows, as_of), rows, note, now,
                       tuple(visitors[:MAX_VISITORS]), max(0, len(visitors) - MAX_VISITORS), summary)


class CheckLine(NamedTuple):
    """A spacecraft page's figure summed from the crew data, beside the API's own (figures.Check)."""

    label: str  # "Time docked, summed from 3 docking events"
    value: str  # the sum, and whether it agrees with the API's figure
    differs: str | None  # where they differ by more than an hour: both, and the events counted and left out


CHECK_LABELS = {"time_docked": ("Time docked", "docking event"), "time_in_space": ("Time in space", "flight")}


def craft_checks(craft: Spacecraft, crew: CraftCrew) -> tuple[CheckLine, ...]:
    """Time docked and time in space summed from the spacecraft's docking events and flights (figures.py)."""
    out = []
    for check in (docked_check(craft, crew.dockings), flown_check(craft, crew.flights)):
        if check.computed is None:
            continue
        label, noun = CHECK_LABELS[check.kind]
        count = len(check.counted)
        value = format_seconds(check.computed)
        if check.given is None:
            value += " (the API gives none)"
        elif not check.differs:
            value += " (agrees with the API's figure within an hour)"
        differs = f"The API gives {format_seconds(check.given)}; {check.text}." if check.differs and check.given is not None else None
        out.append(CheckLine(f"{label}, summed from {count} {noun}{'' if count == 1 else 's'}", value, differs))
    return tuple(out)
