"""The data-quality checks of quality.html: what LL2's own records disagree on, each record linked.

Computed once per build, from the gathered catalog (its spacecraft and ``catalog.crew``), by
``checks(catalog)``. Each check is a ``Check`` (a slug for its anchor and its own pages, a title,
what it means, and its ``Finding``s in the catalog's order); each finding links the
records concerned to their pages in the site and to their records in the API, so that anyone can
report them upstream. Values are shown as LL2 gives them, never "fixed".

The checks (issue 26):
- ``flights-count``: ``flights_count`` differs from the number of flights the record lists;
- ``in-space``: ``in_space`` is true, yet every flight listed has ended (a mission end on or
  before the data's date);
- ``missing-flights``: a flight listed on a spacecraft that the flights endpoint does not have;
- ``backwards``: a docking event whose departure is before its docking;
- ``overlaps``: one person in the launch crews of two flights whose times overlap (a launch before
  the other flight's mission end; the launch crews only: a crew swap, launching on one vehicle and
  landing on another, is not one);
- ``sums``: the time docked or in space summed from the events or flights differs from the API's
  figure by more than an hour (figures.docking_check / in_space_check);
- ``no-license``: an image shown for a spacecraft, configuration, person or station with no license.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..data.crew import Crewed, CrewedFlight
from ..data.groups import Catalog
from ..data.models import Configuration, Image, Spacecraft, format_seconds
from .figures import docking_check, in_space_check
from .timelines import data_date
from .urls import path_for

API_ROOT = "https://ll.thespacedevs.com/2.3.0/"  # where records link when the data names no API


class Link(NamedTuple):  # tuples, not dataclasses: tens of thousands are kept with the catalog, and a
    # tuple unpickles several times quicker than a slotted dataclass (0.1 s of 0.3 at 10,000 records)
    """One record a finding names: its text, its page in the site (or None), its API record."""

    text: str
    path: str | None
    api: str | None


class Finding(NamedTuple):
    """One record (or pair) a check lists, and what is wrong, in words."""

    links: tuple[Link, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class Check:
    slug: str
    title: str
    explain: str
    findings: tuple[Finding, ...]

    @property
    def count(self) -> int:
        return len(self.findings)


def checks(catalog: Catalog) -> tuple[Check, ...]:
    """Every check of the catalog, in the page's order (each with its findings, maybe none)."""
    api = _Api(catalog.meta.api_url or API_ROOT)
    crew, today = catalog.crew, data_date(catalog)
    return (
        Check("flights-count", "Flight count differs from the flights listed",
              "The record's flights_count is not the number of flights it lists.",
              tuple(_flights_count(catalog.spacecraft, api))),
        Check("in-space", "In space, but every flight has ended",
              "The record says in_space, yet each flight it lists has a mission end on or before the data's date.",
              tuple(_in_space(catalog.spacecraft, today, api))),
        Check("missing-flights", "Flight listed on a spacecraft but absent from the flights data",
              "A spacecraft lists a flight id that the flights endpoint did not send.",
              tuple(_missing_flights(catalog, api))),
        Check("backwards", "Departure before docking",
              "A docking event departs before it docks; it is shown as given and left out of the time docked.",
              tuple(_backwards(crew, api))),
        Check("overlaps", "One person on two overlapping flights",
              "A person is in the launch crews of two flights, the second launched before the first ended.",
              tuple(_overlaps(crew, api))),
        Check("sums", "Time docked or in space differs from the sum of the events",
              "The API's time docked or time in space differs by more than an hour from the sum of the "
              "spacecraft's docking events or flights.",
              tuple(_sums(catalog, api))),
        Check("no-license", "Image with no license",
              "An image the site shows has no license recorded in Launch Library 2: ask its owner before re-using it.",
              tuple(_no_license(catalog, api))),
    )


class _Api:
    """The LL2 URL of each kind of record, from the API root the data came from."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/") + "/"

    def __call__(self, endpoint: str, ident: int) -> str:
        return f"{self.root}{endpoint}/{ident}/"


def _craft(craft: Spacecraft, api: _Api) -> Link:
    return Link(craft.name, path_for(craft), api("spacecraft", craft.id))


def _flight(flight: CrewedFlight, api: _Api) -> Link:
    name = flight.flight.mission or (flight.flight.launch_name or "").rpartition(" | ")[2] or f"flight {flight.id}"
    return Link(f"{name} (flight {flight.id})", path_for(flight), api("spacecraft_flights", flight.id))


def _flights_count(crafts: tuple[Spacecraft, ...], api: _Api) -> Iterator[Finding]:
    for craft in crafts:
        if craft.flights is not None and craft.flights_count is not None and craft.flights_count != len(craft.flights):
            yield Finding((_craft(craft, api),), f"flights_count {craft.flights_count:,}, {len(craft.flights):,} listed")


def _in_space(crafts: tuple[Spacecraft, ...], today: str | None, api: _Api) -> Iterator[Finding]:
    for craft in crafts:
        ends = [f.mission_end for f in craft.flights or ()]
        if craft.in_space and ends and all(end is not None and (today is None or end <= today) for end in ends):
            yield Finding((_craft(craft, api),), f"{len(ends):,} flight{'s' * (len(ends) != 1)} listed, "
                          f"the last ended {max(e for e in ends if e)}")


def _missing_flights(catalog: Catalog, api: _Api) -> Iterator[Finding]:
    by_id = {craft.id: craft for craft in catalog.spacecraft}
    for craft_id, flight_id in catalog.crew.missing_flights:
        craft = by_id[craft_id]
        yield Finding((_craft(craft, api), Link(f"flight {flight_id}", None, api("spacecraft_flights", flight_id))),
                      "listed on the spacecraft, not sent by the flights endpoint")


def _backwards(crew: Crewed, api: _Api) -> Iterator[Finding]:
    for event in crew.backwards:
        flight = crew.flights[event.flight]
        yield Finding((Link(f"docking event {event.id}", None, api("docking_events", event.id)), _flight(flight, api)),
                      f"docked {event.docking}, departed {event.departure}")


def _overlaps(crew: Crewed, api: _Api) -> Iterator[Finding]:
    """Per person, their launches in order against the latest end so far: O(seats log seats)."""
    for person in crew.astronauts.values():
        launched = sorted((crew.flights[s.flight] for s in crew.seats_of(person.id) if s.phase == "launch"),
                          key=lambda f: (f.flight.launch_date or "", f.id))
        latest: CrewedFlight | None = None
        for flight in launched:
            start = flight.flight.launch_date
            if latest is not None and start and start < (latest.flight.mission_end or ""):
                yield Finding((Link(person.name, path_for(person), person.url or api("astronauts", person.id)),
                               _flight(latest, api), _flight(flight, api)),
                              f"launched {start}, before the other flight ended ({latest.flight.mission_end})")
            end = flight.flight.mission_end
            if end and (latest is None or end > (latest.flight.mission_end or "")):
                latest = flight


def _sums(catalog: Catalog, api: _Api) -> Iterator[Finding]:
    for craft in catalog.spacecraft:
        for check in (docking_check(craft, catalog.crew), in_space_check(craft, catalog.crew)):
            if check.differs and check.text and check.given is not None:
                what = "time docked" if check.kind == "time_docked" else "time in space"
                yield Finding((_craft(craft, api),), f"{what} given as {format_seconds(check.given)}; {check.text}")


def _no_license(catalog: Catalog, api: _Api) -> Iterator[Finding]:
    """Each unlicensed image once per record that shows it: configurations, spacecraft, people, stations."""
    def unlicensed(image: Image | None) -> bool:
        return image is not None and not image.license.known

    for group in catalog.configurations:
        config = group.subject
        if isinstance(config, Configuration) and unlicensed(config.image):
            yield Finding((Link(config.name, path_for(group), api("spacecraft_configurations", config.id)),),
                          _image_words(config.image))
    for craft in catalog.spacecraft:
        if craft.image is not None and unlicensed(craft.image):
            yield Finding((_craft(craft, api),), _image_words(craft.image))
    for person in catalog.crew.astronauts.values():
        if unlicensed(person.image):
            yield Finding((Link(person.name, path_for(person), person.url or api("astronauts", person.id)),),
                          _image_words(person.image))
    for station in catalog.crew.stations.values():
        if unlicensed(station.image):
            yield Finding((Link(station.name, path_for(station), station.url or api("space_stations", station.id)),),
                          _image_words(station.image))


def _image_words(image: Image | None) -> str:
    assert image is not None  # only called for an image
    credit = f", credit {image.credit}" if image.credit else ", no credit"
    return f"image “{image.name}”{credit}" if image.name else f"an image{credit}"
