"""Open exports of the catalog, built from the models (never from the HTML): CSV, JSON and a datapackage.json.

Files, by site path (site/urls.py's Urls):

- ``data/spacecraft.csv``: one row per spacecraft (SPACECRAFT_COLUMNS);
- ``data/flights.csv``: one row per flight of detailed-mode data (FLIGHT_COLUMNS);
- ``data/configurations.csv`` and ``data/agencies.csv``;
- ``data/<configurations|agencies|statuses>/<slug>.csv``: the spacecraft of one group, with the
  columns of spacecraft.csv (each group page links its own);
- ``data/spacecraft.json``: every normalized record, a JSON array with one record per line;
- ``spacecraft/<slug>.json``: one record, beside its page (linked as ``rel="alternate"``);
- ``data/crew.csv`` (a row per seat: flight, spacecraft, person, phase, role; keyed by flight,
  person and phase, as LL2's seat ids repeat across launches), ``data/dockings.csv``,
  ``data/astronauts.csv`` and ``data/stations.csv`` (a station only a docking event names has
  ``listed`` false): from the flights and stations data (CREW_TABLE and the tables after it);
- ``data/spacecraft-catalog.sqlite``: every table above in one SQLite database (site/database.py);
- ``datapackage.json``: a Frictionless Data Package: a Table Schema per CSV (types, units,
  primary and foreign keys), each file's size and SHA-256, the source and the attribution.

CSV files are RFC 4180 as Python's csv module writes them: UTF-8 (no byte order mark), a header
row, CRLF line ends, fields quoted only when they hold a comma, a quote or a line break; rows
sorted by id; empty for a value the API did not give; booleans ``true``/``false``; durations twice,
as ISO 8601 (``P79DT15H23M49S``) and as whole seconds. A negative duration (bad data: the API's, or
a turnaround of flights out of order) is in the seconds column only: ISO 8601 has no negative
durations, and XML Schema's ``-P1D`` is what a spreadsheet would run as a formula; the ISO column is
then empty, so every cell of a duration column is a duration and the package validates.

Spreadsheet safety: Excel and LibreOffice run a cell that begins with ``=``, ``+``, ``-`` or ``@``
as a formula (and a leading tab or carriage return can hide one), so in the CSV files only, a text
cell that begins with one of those characters gets a single quote ``'`` in front (OWASP's advice
on CSV injection); a spreadsheet then shows the text, and a program reading the file sees the quote.
The rule is applied in one place, where a row becomes a CSV line (_CsvLines.line), to every text
cell, so no column can miss it. Numbers are not text and are never changed (a negative number stays
a number); dates and durations never begin with one of those characters. The JSON files keep the
API's text exactly as it came.

The JSON records mirror the CSV's names: the spacecraft's fields, its ``status``, its
``configuration`` (with its ``agency``, ``family`` and ``image``), its own ``image`` (the page
shows it, else the configuration's), its ``flights`` (null in normal-mode data), ``page_url`` and
``api_url``. Keys are sorted; the same catalog gives the same bytes.

Every file is a function of the catalog (and the base URL), so the data page can show each one's
size and digest before it is written.
"""
from __future__ import annotations

import csv
import hashlib
import itertools
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any, NamedTuple
from urllib.parse import quote

import orjson

from ..config import DEFAULT_TITLE
from ..data.crew import PHASES
from ..data.groups import Catalog
from ..data.models import Agency, Configuration, Duration, FetchMeta, Flight, Group, Image, Spacecraft
from ..files import KeptFiles, Writer
from . import database, figures
from .urls import Urls, path_for, quote_path

log = logging.getLogger(__name__)

SOURCE_NAME = "Launch Library 2 by The Space Devs"
SOURCE_HOME = "https://thespacedevs.com/llapi"
CSV_DANGER = ("=", "+", "-", "@", "\t", "\r")  # a text cell starting with one gets a "'" in front
CSV_SAFETY = ("In the CSV files a text cell that begins with =, +, -, @, a tab or a carriage return has a single "
              "quote (') put in front of it, so that a spreadsheet shows it as text rather than running it as "
              "a formula; numbers are never changed, a negative duration (\"-P1D\" would be a formula too) is given in its "
              "seconds column only, with its ISO 8601 cell empty, and the JSON keeps the API's text as it is.")
TERMS = ("The data is The Space Devs' (Launch Library 2): credit \"Launch Library 2 by The Space Devs\" and follow "
         "their terms at https://thespacedevs.com/. Images belong to their owners, under the license given "
         "for each (often \"Unknown\").")


class Column(NamedTuple):
    """One field of a CSV, as its Table Schema describes it."""

    name: str
    type: str  # a Table Schema type: string, integer, boolean, date, duration
    description: str
    unit: str | None = None
    format: str | None = None  # "uri" for absolute URLs

    def schema(self) -> dict[str, Any]:
        field: dict[str, Any] = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            field["unit"] = self.unit
        if self.format:
            field["format"] = self.format
        return field


PAGE_URL = Column("page_url", "string", "The page of this record on the site: an absolute URL when the build knew "
                                        "the site's address (--base-url), else the path from the site root")
_IMAGE = (
    Column("image_url", "string", "The original image, as Launch Library 2 gives it", format="uri"),
    Column("image_credit", "string", "Who the image is credited to"),
    Column("image_license", "string", 'The image\'s license as Launch Library 2 names it ("Unknown" when nobody '
                                      "recorded one)"),
    Column("image_license_url", "string", "A link to the license's text", format="uri"),
)

SPACECRAFT_COLUMNS = (
    Column("id", "integer", "Launch Library 2 spacecraft id"),
    Column("name", "string", "Name of the spacecraft"),
    Column("serial_number", "string", "Serial number"),
    Column("status_id", "integer", "Launch Library 2 id of the status"),
    Column("status", "string", "Status (Active, Retired, Destroyed, Single Use...)"),
    Column("in_space", "boolean", "Whether the spacecraft is in space now"),
    Column("is_placeholder", "boolean", "Whether the record stands for a spacecraft not yet named or built"),
    Column("flights_count", "integer", "Number of flights"),
    Column("mission_ends_count", "integer", "Number of mission ends"),
    Column("time_in_space", "duration", "Total time in space, ISO 8601"),
    Column("time_in_space_seconds", "integer", "Total time in space, in seconds", unit="s"),
    Column("time_docked", "duration", "Total time docked, ISO 8601"),
    Column("time_docked_seconds", "integer", "Total time docked, in seconds", unit="s"),
    Column("fastest_turnaround", "duration", "Shortest time between two flights, ISO 8601"),
    Column("fastest_turnaround_seconds", "integer", "Shortest time between two flights, in seconds", unit="s"),
    # Derived (catalog/site/figures.py): the figure every page shows, and where it comes from.
    Column("flights", "integer", "Number of flights as the catalog's pages show it: flights_count, else the number "
                                 "of flights the API lists (empty when neither is known, never 0 for unknown)"),
    Column("flights_source", "string", "Where flights comes from: given (flights_count), listed (counted from the "
                                       "flights listed) or unknown"),
    Column("time_in_space_shown_seconds", "integer", "Time in space as the catalog's pages show it, in seconds: "
                                                     "time_in_space, else the sum of the listed flights' durations "
                                                     "(or launch to mission end) when every flight has one", unit="s"),
    Column("time_in_space_source", "string", "Where time_in_space_shown_seconds comes from: given, computed or unknown"),
    Column("configuration_id", "integer", "Launch Library 2 id of the configuration (configurations.csv)"),
    Column("configuration", "string", "Name of the configuration"),
    Column("configuration_type", "string", "Type of the configuration (Capsule, Cargo...)"),
    Column("agency_id", "integer", "Launch Library 2 id of the configuration's agency (agencies.csv)"),
    Column("agency", "string", "Name of the agency"),
    Column("agency_abbreviation", "string", "The agency's abbreviation"),
    *(column._replace(description=column.description + " (the image the page shows: the spacecraft's own, "
                                                        "else its configuration's)") for column in _IMAGE),
    PAGE_URL,
)
FLIGHT_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the spacecraft flight"),
    Column("spacecraft_id", "integer", "Launch Library 2 id of the spacecraft (spacecraft.csv)"),
    Column("launch_id", "string", "Launch Library 2 id of the launch (a UUID)"),
    Column("launch_name", "string", "Name of the launch"),
    Column("launch_date", "date", "Date of the launch (UTC)"),
    Column("destination", "string", "Where the flight went"),
    Column("duration", "duration", "Duration of the flight, ISO 8601"),
    Column("duration_seconds", "integer", "Duration of the flight, in seconds", unit="s"),
    Column("turnaround", "duration", "Time since the spacecraft's previous flight, ISO 8601"),
    Column("turnaround_seconds", "integer", "Time since the spacecraft's previous flight, in seconds", unit="s"),
    Column("mission_end", "date", "Date the mission ended (UTC)"),
    Column("landing", "string", "How and where the flight landed"),
    Column("launch_designator", "string", "International designator (COSPAR) of the launch"),
    Column("rocket", "string", "The launcher configuration's full name"),
    Column("pad", "string", "The launch pad"),
    Column("pad_location", "string", "Where the launch pad is"),
    Column("mission", "string", "Name of the mission"),
    Column("mission_type", "string", "Type of the mission"),
    Column("orbit", "string", "The mission's orbit"),
    Column("launch_status", "string", "Status of the launch"),
    Column("computed_span", "duration", "Launch to mission end, computed where the API gives no duration, ISO 8601"),
    Column("computed_span_seconds", "integer", "Launch to mission end, computed where the API gives no duration, "
                                               "in seconds", unit="s"),
    Column("mission_end_before_launch", "boolean", "Whether the API's mission end is before its launch "
                                                   "(then no span is computed)"),
    Column("crewed", "boolean", "Whether the flights endpoint names a crew: true, false when it gives every crew "
                                "list empty, empty when a list is not given (crew unknown: crew.csv then lacks it)"),
)
CONFIGURATION_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the spacecraft configuration"),
    Column("name", "string", "Name of the configuration"),
    Column("type", "string", "Type (Capsule, Cargo...)"),
    Column("agency_id", "integer", "Launch Library 2 id of its agency (agencies.csv)"),
    Column("agency", "string", "Name of the agency"),
    Column("family", "string", "The families it belongs to, separated by \"; \""),
    Column("in_use", "boolean", "Whether it is in use"),
    Column("spacecraft", "integer", "Number of spacecraft of this configuration in the catalog"),
    *_IMAGE,
    PAGE_URL,
)
AGENCY_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the agency"),
    Column("name", "string", "Name of the agency"),
    Column("abbreviation", "string", "Abbreviation"),
    Column("type", "string", "Type (Government, Commercial...)"),
    Column("configurations", "integer", "Number of its spacecraft configurations in the catalog"),
    Column("spacecraft", "integer", "Number of its spacecraft in the catalog"),
    PAGE_URL,
)


_FLIGHT_KEY = (("flight_id", "spacecraft_id"), "flights", ("id", "spacecraft_id"))
CREW_COLUMNS = (
    Column("flight_id", "integer", "Launch Library 2 id of the spacecraft flight (flights.csv)"),
    Column("spacecraft_id", "integer", "Launch Library 2 id of the spacecraft (spacecraft.csv)"),
    Column("astronaut_id", "integer", "Launch Library 2 id of the person (astronauts.csv)"),
    Column("phase", "string", "launch (crew at launch), onboard (joined in space) or landing (crew at landing)"),
    Column("role", "string", "The person's role, as Launch Library 2 names it (Commander, Flight Engineer...)"),
    Column("role_priority", "integer", "The role's priority (0 first): the order the pages list the crew in"),
    Column("seat_id", "integer", "Launch Library 2 id of the seat (AstronautFlight): it repeats across launches, "
                                 "so it is never a key"),
    Column("astronaut", "string", "Name of the person"),
)
DOCKING_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the docking event"),
    Column("flight_id", "integer", "Launch Library 2 id of the chaser's spacecraft flight (flights.csv)"),
    Column("spacecraft_id", "integer", "Launch Library 2 id of the chaser spacecraft (spacecraft.csv)"),
    Column("docking", "datetime", "When it docked (UTC)"),
    Column("departure", "datetime", "When it departed (UTC); empty while still docked"),
    Column("time_docked", "duration", "Departure minus docking, ISO 8601 (empty while docked or when the departure "
                                      "is before the docking)"),
    Column("time_docked_seconds", "integer", "Departure minus docking, in seconds", unit="s"),
    Column("still_docked", "boolean", "Whether no departure is given: docked now"),
    Column("departure_before_docking", "boolean", "Whether the API's departure is before its docking (shown as "
                                                  "given, left out of the sums)"),
    Column("port", "string", "Name of the docking port (names repeat across stations, e.g. Forward)"),
    Column("port_id", "integer", "Launch Library 2 id of the docking location"),
    Column("station_id", "integer", "Launch Library 2 id of the station docked at (stations.csv)"),
    Column("target", "string", "Name of the station or vehicle docked to, as given"),
    Column("target_flight_id", "integer", "Launch Library 2 id of the spacecraft flight docked to, if a vehicle"),
)
ASTRONAUT_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the person"),
    Column("name", "string", "Name"),
    Column("type", "string", "Human, Non-Human (a test dummy flies as crew too)..."),
    Column("status", "string", "Status (Active, Retired, Deceased...)"),
    Column("agency_id", "integer", "Launch Library 2 id of the person's agency"),
    Column("agency", "string", "Name of the agency"),
    Column("agency_abbreviation", "string", "The agency's abbreviation"),
    Column("nationality", "string", "Nationalities, separated by \"; \""),
    Column("born", "date", "Date of birth"),
    Column("died", "date", "Date of death"),
    Column("flights", "integer", "Number of flights aboard the catalog's spacecraft (crew.csv)"),
    *_IMAGE,
    Column("wiki", "string", "The person's Wikipedia article", format="uri"),
    Column("api_url", "string", "The person's Launch Library 2 record", format="uri"),
    PAGE_URL,
)
STATION_COLUMNS = (
    Column("id", "integer", "Launch Library 2 id of the space station"),
    Column("name", "string", "Name of the station"),
    Column("listed", "boolean", "Whether the stations endpoint sent it (false: known only from a docking event, "
                                "with its name as the event gives it and no page)"),
    Column("status", "string", "Status (Active, De-Orbited...), as given"),
    Column("type", "string", "Type (Government, Commercial...)"),
    Column("orbit", "string", "Orbit"),
    Column("founded", "date", "Date founded"),
    Column("deorbited", "date", "Date deorbited, as given (even where wrong upstream)"),
    Column("owners", "string", "The agencies that own it, separated by \"; \""),
    Column("ports", "string", "Its docking ports, separated by \"; \""),
    Column("dockings", "integer", "Number of docking events of the catalog's spacecraft there (dockings.csv)"),
    Column("docked_now", "integer", "Number of those with no departure: docked now"),
    *_IMAGE,
    Column("api_url", "string", "The station's Launch Library 2 record", format="uri"),
    PAGE_URL._replace(description=PAGE_URL.description + "; empty when it has no page"),
)


class Table(NamedTuple):
    """A CSV of the data package: where it is, what it holds, its columns and keys."""

    name: str  # the resource name in datapackage.json
    path: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ("id",)
    # (field, resource, field there): a field or a tuple of fields (a composite key)
    foreign_keys: tuple[tuple[str | tuple[str, ...], str, str | tuple[str, ...]], ...] = ()


SPACECRAFT_TABLE = Table("spacecraft", Urls.spacecraft_csv, "Spacecraft", "One row per spacecraft.",
                         SPACECRAFT_COLUMNS,
                         foreign_keys=(("configuration_id", "configurations", "id"), ("agency_id", "agencies", "id")))
FLIGHTS_TABLE = Table("flights", Urls.flights_csv, "Flights",
                      "One row per flight of each spacecraft (only detailed-mode data lists flights).",
                      FLIGHT_COLUMNS, primary_key=("id", "spacecraft_id"),
                      foreign_keys=(("spacecraft_id", "spacecraft", "id"),))
CONFIGURATIONS_TABLE = Table("configurations", Urls.configurations_csv, "Configurations",
                             "One row per spacecraft configuration.", CONFIGURATION_COLUMNS,
                             foreign_keys=(("agency_id", "agencies", "id"),))
AGENCIES_TABLE = Table("agencies", Urls.agencies_csv, "Agencies", "One row per agency that has a configuration.",
                       AGENCY_COLUMNS)
CREW_TABLE = Table("crew", Urls.crew_csv, "Crew", "One row per person aboard a flight of a catalog spacecraft, "
                   "in each phase (launch, onboard, landing); a flight whose crew is unknown has no rows.",
                   CREW_COLUMNS, primary_key=("flight_id", "astronaut_id", "phase"),
                   foreign_keys=(_FLIGHT_KEY, ("spacecraft_id", "spacecraft", "id"), ("astronaut_id", "astronauts", "id")))
DOCKINGS_TABLE = Table("dockings", Urls.dockings_csv, "Dockings", "One row per docking event of a catalog spacecraft.",
                       DOCKING_COLUMNS, foreign_keys=(_FLIGHT_KEY, ("spacecraft_id", "spacecraft", "id"),
                                                      ("station_id", "stations", "id")))
ASTRONAUTS_TABLE = Table("astronauts", Urls.astronauts_csv, "People",
                         "One row per person in a crew of a catalog spacecraft.", ASTRONAUT_COLUMNS)
STATIONS_TABLE = Table("stations", Urls.stations_csv, "Space stations",
                       "One row per space station: every one the stations endpoint sent, and any other a docking "
                       "event names.", STATION_COLUMNS)
TABLES = (SPACECRAFT_TABLE, FLIGHTS_TABLE, CONFIGURATIONS_TABLE, AGENCIES_TABLE, CREW_TABLE, DOCKINGS_TABLE,
          ASTRONAUTS_TABLE, STATIONS_TABLE)


class ExportFile(NamedTuple):
    """A file of the data page: its path, what it holds, how many rows, its size and SHA-256."""

    path: str
    title: str
    description: str
    format: str  # "CSV" | "JSON" | "SQLite"
    rows: int | None
    size: int
    sha256: str
    explore: str | None = None  # the SQLite file on Datasette Lite (only with a base URL: it fetches the file)

    @property
    def mediatype(self) -> str:
        return MEDIA_TYPES[self.format]


MEDIA_TYPES = {"CSV": "text/csv", "JSON": "application/json", "SQLite": database.MEDIA_TYPE}
DATASETTE_LITE = "https://lite.datasette.io/?url="


def explore_url(urls: Urls) -> str | None:
    """Datasette Lite on the published SQLite file; None without a base URL (it cannot fetch a file:// one)."""
    published = urls.absolute(Urls.sqlite)
    return DATASETTE_LITE + quote(published, safe="") if published else None


class Dataset(NamedTuple):
    """The data page's subject (its head view's JSON-LD): the exports as a schema.org Dataset."""

    files: tuple[ExportFile, ...]
    meta: FetchMeta
    name: str = "Launch Library 2 spacecraft data"
    site: str = DEFAULT_TITLE  # the site's title

    def json_ld(self, urls: Urls, page_path: str) -> str:
        """schema.org Dataset: each file a DataDownload; URLs absolute with a base URL, else relative."""
        def link(path: str) -> str:
            return urls.link(path, page_path=page_path)

        dataset: dict[str, Any] = {
            "@context": "https://schema.org", "@type": "Dataset",
            "name": f"{self.site}: every spacecraft in Launch Library 2",
            "description": ("Every spacecraft of Launch Library 2 with its configuration, agency, status and flights, "
                            "as CSV and JSON files with a Frictionless Data Package."),
            "url": link(page_path),
            "creator": {"@type": "Organization", "name": "The Space Devs", "url": SOURCE_HOME},
            "isBasedOn": source_url(self.meta),
            "license": {"@type": "CreativeWork", "name": f"Terms of {SOURCE_NAME}", "url": "https://thespacedevs.com/"},
            "keywords": ["spacecraft", "spaceflight", "Launch Library 2"],
            "distribution": [{"@type": "DataDownload", "name": f.title, "contentUrl": link(f.path),
                              "encodingFormat": f.mediatype,
                              "contentSize": f"{f.size} B", "sha256": f.sha256} for f in self.files],
        }
        if self.meta.fetched_at:
            dataset["dateModified"] = self.meta.fetched_at
        return json.dumps(dataset, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def source_url(meta: FetchMeta) -> str:
    """The API endpoint the records came from."""
    return meta.api_url.rstrip("/") + "/spacecraft/" if meta.api_url else SOURCE_HOME


def iso_duration(seconds: int) -> str:
    """ISO 8601 text of a duration in seconds: "P79DT15H23M49S", "PT0S"; a negative one "-P1D" (XML Schema's form)."""
    if seconds < 0:
        return "-" + iso_duration(-seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    if not days and not time:
        return "PT0S"
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def _iso(value: Duration | None) -> str | None:
    return iso_duration(value.seconds) if value else None


def _iso_cell(value: Duration | None) -> str | None:
    """A duration's ISO 8601 cell in a CSV: empty for a negative one, whose sign the seconds column keeps
    ("-P1D" would be a formula to a spreadsheet, and a quoted "'-P1D" no duration to a validator)."""
    return iso_duration(value.seconds) if value and value.seconds >= 0 else None


def _seconds(value: Duration | None) -> int | None:
    return value.seconds if value else None


def cell(text: str | None) -> str | None:
    """A text value made safe for a spreadsheet: a leading formula character gets a "'" in front."""
    return "'" + text if text and text.startswith(CSV_DANGER) else text


def _flag(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


class _Line:
    """A file for csv.writer that keeps the last line written: writerow() writes each row in one call."""

    __slots__ = ("text",)

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text = text


class _CsvLines:
    """Rows to CSV lines, one at a time (so a spacecraft's line serves spacecraft.csv and its groups' CSVs)."""

    def __init__(self) -> None:
        self.out = _Line()
        self.writer = csv.writer(self.out, lineterminator="\r\n")  # RFC 4180's CRLF, csv's default made explicit

    def line(self, row: Iterable[Any]) -> str:
        """One CSV line; every text cell made safe for a spreadsheet here, the one place cells become CSV."""
        self.writer.writerow([cell(value) if value.__class__ is str else value for value in row])
        return self.out.text


def csv_bytes(columns: tuple[Column, ...], lines: Iterable[str]) -> bytes:
    """A CSV file: the header row, then the lines."""
    header = _CsvLines().line(c.name for c in columns)
    return (header + "".join(lines)).encode()


class Exports:
    """Every export of one catalog, each made on first use and kept: the data page reads the main
    files' sizes and digests, `publish` writes every file."""

    def __init__(self, catalog: Catalog, urls: Urls, title: str = DEFAULT_TITLE, *, kept: KeptFiles | None = None) -> None:
        self.catalog = catalog
        self.urls = urls
        self.title = title  # the site's, in datapackage.json and the data page's JSON-LD
        self.kept = kept  # the last build's exports of the same inputs, in the cache (None: no cache)

    @cached_property
    def by_id(self) -> list[Spacecraft]:
        return sorted(self.catalog.spacecraft, key=lambda craft: craft.id)

    def page_url(self, path: str) -> str:
        return self.urls.absolute(path) or quote_path(path)

    # --- CSV ---------------------------------------------------------------------------------------

    @cached_property
    def spacecraft_lines(self) -> dict[int, str]:
        """Each spacecraft's CSV line, by id, in id order."""
        lines = _CsvLines()
        return {row[0]: lines.line(row) for row in self.rows(SPACECRAFT_TABLE)}

    def spacecraft_row(self, craft: Spacecraft) -> tuple[Any, ...]:
        config, agency, image = craft.config, craft.config.agency, craft.shown_image
        license_ = image.license if image else None
        return (
            craft.id, craft.name, craft.serial_number, craft.status.id, craft.status.name,
            _flag(craft.in_space), _flag(craft.is_placeholder), craft.flights_count, craft.mission_ends_count,
            _iso_cell(craft.time_in_space), _seconds(craft.time_in_space),
            _iso_cell(craft.time_docked), _seconds(craft.time_docked),
            _iso_cell(craft.fastest_turnaround), _seconds(craft.fastest_turnaround),
            *_figure_cells(craft),
            config.id, config.name, config.type, agency.id, agency.name, agency.abbrev,
            image.image_url if image else None, image.credit if image else None,
            license_.name if license_ else None, license_.link if license_ else None,
            self.page_url(path_for(craft)),
        )

    def spacecraft_rows(self) -> Iterator[tuple[Any, ...]]:
        return map(self.spacecraft_row, self.by_id)

    def flight_rows(self) -> Iterator[tuple[Any, ...]]:
        """The flights the spacecraft records list, and those of the flights endpoint they do not (normal-mode
        records list none): every flight crew.csv and dockings.csv name is here."""
        crew = self.catalog.crew
        listed = [(f, craft.id) for craft in self.by_id for f in craft.flights or ()]
        known = {(f.id, craft) for f, craft in listed}
        listed += [(c.flight, c.spacecraft) for c in crew.flights.values() if (c.id, c.spacecraft) not in known]
        seen: set[tuple[int, int]] = set()
        rows = []
        for f, craft_id in listed:
            if (f.id, craft_id) in seen:  # a flight listed twice in one record: the key is (id, spacecraft_id)
                continue
            seen.add((f.id, craft_id))
            crewed = crew.flights[f.id].crewed if f.id in crew.flights else None
            rows.append((f.id, craft_id, f.launch_id, f.launch_name, f.launch_date,
                         f.destination, _iso_cell(f.duration), _seconds(f.duration),
                         _iso_cell(f.turnaround), _seconds(f.turnaround), f.mission_end, f.landing,
                         f.designator, f.rocket, f.pad, f.location, f.mission,
                         f.mission_type, f.orbit, f.launch_status, _iso_cell(f.span),
                         _seconds(f.span), _flag(f.ends_before_launch), _flag(crewed)))
        rows.sort(key=lambda row: (row[0], row[1]))
        return iter(rows)

    def crew_rows(self) -> Iterator[tuple[Any, ...]]:
        """Every seat, by flight id, then phase, then the crew's order (role priority, then name)."""
        crew = self.catalog.crew
        for flight_id in sorted(crew.flights):
            crewed = crew.flights[flight_id]
            for phase in PHASES:
                for seat in crewed.crew(phase) or ():
                    yield (seat.flight, crewed.spacecraft, seat.astronaut, seat.phase, seat.role, seat.priority,
                           seat.seat_id, crew.astronauts[seat.astronaut].name)

    def docking_rows(self) -> Iterator[tuple[Any, ...]]:
        crew = self.catalog.crew
        for ident in sorted(crew.dockings):
            e = crew.dockings[ident]
            seconds = e.seconds
            yield (e.id, e.flight, crew.flights[e.flight].spacecraft, e.docking, e.departure,
                   iso_duration(seconds) if seconds is not None and seconds >= 0 else None, seconds,
                   _flag(e.still_docked), _flag(e.backwards), e.port, e.port_id, e.station, e.target, e.target_flight)

    def astronaut_rows(self) -> Iterator[tuple[Any, ...]]:
        crew = self.catalog.crew
        for ident in sorted(crew.astronauts):
            a = crew.astronauts[ident]
            agency = a.agency
            yield (a.id, a.name, a.type, a.status, agency.id if agency else None, agency.name if agency else None,
                   agency.abbrev if agency else None, "; ".join(a.nationality) or None, a.born, a.died,
                   len(a.flight_ids), *_image_cells(a.image), a.wiki, a.url, self.page_url(path_for(a)))

    def station_rows(self) -> Iterator[tuple[Any, ...]]:
        """The stations endpoint's stations, and those only a docking event names (by the event's name for it)."""
        crew = self.catalog.crew
        named = {e.station: e.target for e in sorted(crew.dockings.values(), key=lambda e: e.id, reverse=True)
                 if e.station is not None and e.station not in crew.stations}
        for ident in sorted({*crew.stations, *named}):
            events = crew.dockings_at(ident)
            counts = (len(events), sum(e.still_docked for e in events))
            s = crew.stations.get(ident)
            if s is None:
                yield (ident, named[ident] or f"Station {ident}", _flag(False), *(None,) * 7, *counts,
                       *_image_cells(None), None, None)
                continue
            yield (s.id, s.name, _flag(True), s.status, s.type, s.orbit, s.founded, s.deorbited,
                   "; ".join(o.name for o in s.owners) or None, "; ".join(p.name for p in s.ports) or None,
                   *counts, *_image_cells(s.image), s.url, self.page_url(path_for(s)))

    def configuration_rows(self) -> Iterator[tuple[Any, ...]]:
        for group in sorted(self.catalog.configurations, key=lambda g: g.subject.id):
            config = group.subject
            assert isinstance(config, Configuration)  # a configuration group's subject, by construction
            image = config.image
            yield (config.id, config.name, config.type, config.agency.id, config.agency.name,
                   "; ".join(f.name for f in config.family), _flag(config.in_use), len(group.spacecraft),
                   *_image_cells(image), self.page_url(path_for(group)))

    def agency_rows(self) -> Iterator[tuple[Any, ...]]:
        for group in sorted(self.catalog.agencies, key=lambda g: g.subject.id):
            agency = group.subject
            assert isinstance(agency, Agency)
            yield (agency.id, agency.name, agency.abbrev, agency.type, len(group.configurations),
                   len(group.spacecraft), self.page_url(path_for(group)))

    def rows(self, table: Table) -> list[tuple[Any, ...]]:
        """A table's rows, as given (the CSV makes text cells spreadsheet-safe; SQLite keeps them as they are);
        made once, for the CSV and the SQLite file both."""
        return self.table_rows[table.name]

    @cached_property
    def table_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        makers = {SPACECRAFT_TABLE.name: self.spacecraft_rows, FLIGHTS_TABLE.name: self.flight_rows,
                  CONFIGURATIONS_TABLE.name: self.configuration_rows, AGENCIES_TABLE.name: self.agency_rows,
                  CREW_TABLE.name: self.crew_rows, DOCKINGS_TABLE.name: self.docking_rows,
                  ASTRONAUTS_TABLE.name: self.astronaut_rows, STATIONS_TABLE.name: self.station_rows}
        return {name: list(make()) for name, make in makers.items()}

    def table_bytes(self, table: Table) -> tuple[bytes, int]:
        """A CSV of the package and its number of rows."""
        if table is SPACECRAFT_TABLE:
            lines = list(self.spacecraft_lines.values())
        else:
            writer = _CsvLines()
            lines = [writer.line(row) for row in self.rows(table)]
        return csv_bytes(table.columns, lines), len(lines)

    def group_csv(self, group: Group) -> bytes:
        """The spacecraft of one group, as spacecraft.csv has them."""
        lines = self.spacecraft_lines
        return csv_bytes(SPACECRAFT_COLUMNS, (lines[i] for i in sorted(c.id for c in group.spacecraft)))

    # --- JSON --------------------------------------------------------------------------------------

    @cached_property
    def records(self) -> tuple[bytes, list[tuple[Spacecraft, int, int]]]:
        """spacecraft.json (a JSON array, one record per line: a diff of two builds shows the records
        that changed), and where in it each spacecraft's record is (sorted keys, no spaces), in id order.

        One buffer, not a bytes object per record: orjson's result keeps the block it was written
        in (about 8 KB, whatever the record's size), which made 10,000 records take 80 MB.
        """
        configs: dict[int, dict[str, Any]] = {}
        api = self.catalog.meta.api_url
        api = api.rstrip("/") + "/spacecraft/" if api else None
        dumps, option = orjson.dumps, orjson.OPT_SORT_KEYS
        buffer = bytearray(b"[")
        spans: list[tuple[Spacecraft, int, int]] = []
        for craft in self.by_id:
            config = configs.get(craft.config.id)
            if config is None:
                config = configs[craft.config.id] = self.configuration_record(craft.config)
            record = {
                "id": craft.id, "name": craft.name, "serial_number": craft.serial_number,
                "status": {"id": craft.status.id, "name": craft.status.name},
                "in_space": craft.in_space, "is_placeholder": craft.is_placeholder,
                "flights_count": craft.flights_count, "mission_ends_count": craft.mission_ends_count,
                "time_in_space": _iso(craft.time_in_space), "time_in_space_seconds": _seconds(craft.time_in_space),
                "time_docked": _iso(craft.time_docked), "time_docked_seconds": _seconds(craft.time_docked),
                "fastest_turnaround": _iso(craft.fastest_turnaround),
                "fastest_turnaround_seconds": _seconds(craft.fastest_turnaround),
                "description": craft.description or None, "configuration": config,
                "image": image_record(craft.image),
                "flights": None if craft.flights is None else [flight_record(f) for f in craft.flights],
                "page_url": self.page_url(path_for(craft)),
                "api_url": f"{api}{craft.id}/" if api else None,
            }
            buffer += b",\n" if spans else b"\n"
            start = len(buffer)
            buffer += dumps(record, option=option)
            spans.append((craft, start, len(buffer)))
        buffer += b"\n]\n" if spans else b"]\n"
        return bytes(buffer), spans

    def configuration_record(self, config: Configuration) -> dict[str, Any]:
        """What a spacecraft's record says of its configuration (configurations.csv has the rest)."""
        agency = config.agency
        return {
            "id": config.id, "name": config.name, "type": config.type,
            "agency": {"id": agency.id, "name": agency.name, "abbreviation": agency.abbrev},
            "image": image_record(config.image),
            "page_url": self.page_url(path_for(config)),
        }

    # --- The package -------------------------------------------------------------------------------

    @cached_property
    def main(self) -> dict[str, tuple[bytes, int | None]]:
        """The files the data page lists, by path, with their rows: the CSVs, spacecraft.json, datapackage.json."""
        files: dict[str, tuple[bytes, int | None]] = {t.path: self.table_bytes(t) for t in TABLES}
        everything, spans = self.records
        files[Urls.spacecraft_json] = (everything, len(spans))
        files[Urls.datapackage] = (datapackage(self.catalog, self.urls, files, self.title), None)
        files[Urls.sqlite] = (database.database(TABLES, self.rows), None)
        return files

    @cached_property
    def files(self) -> tuple[ExportFile, ...]:
        """What the data page shows of each main file."""
        about = {t.path: (t.title, t.description) for t in TABLES}
        about[Urls.spacecraft_json] = ("Spacecraft records (JSON)", "Every normalized record, with its configuration, "
                                       "agency, images and flights: one record per line of a JSON array.")
        about[Urls.datapackage] = ("Data package", "Frictionless Data Package: the columns of every CSV (types, units, "
                                   "keys), each file's size and SHA-256, the source and the terms.")
        about[Urls.sqlite] = ("SQLite database", "Every CSV above as a table of one database, with its primary and "
                              "foreign keys and an index on each foreign key, to query with SQL (sqlite3, Datasette).")
        formats = {".json": "JSON", ".csv": "CSV", ".sqlite": "SQLite"}
        return tuple(ExportFile(path, *about[path], formats[path[path.rindex("."):]], rows, len(data),
                                hashlib.sha256(data).hexdigest(),
                                explore_url(self.urls) if path == Urls.sqlite else None)
                     for path, (data, rows) in self.main.items())

    def group_files(self) -> Iterator[tuple[str, bytes]]:
        for groups in (self.catalog.configurations, self.catalog.agencies, self.catalog.statuses):
            for group in groups:
                yield Urls.group_csv(group), self.group_csv(group)

    def publish(self, writer: Writer) -> None:
        """Write every export through the site writer (a build job: it runs while workers render),
        then let go of the files' bytes: `files`, what the data page shows of them, stays.

        With `kept` (the cache: files.KeptFiles, keyed by site/derived.py kept_files()), a build whose data, code, base
        URL and title are those of the build that kept them links the kept files in instead of making
        them again (a template edit, --force), and cuts each record's JSON from spacecraft.json.
        """
        if self.kept is not None and self._publish_kept(writer, self.kept):
            return
        files = self.files  # made now, while the bytes are here
        log.debug("exports: %d main files, %d bytes", len(files), sum(f.size for f in files))
        keeping = self.kept.keeping() if self.kept is not None else None
        made = ((path, data) for path, (data, _) in self.main.items())
        for path, data in itertools.chain(made, self.group_files()):
            writer.write(path, data)
            if keeping is not None:
                keeping.add(path, data)
        everything, spans = self.records
        records = [(Urls.record(craft), start, end) for craft, start, end in spans]
        _write_records(writer, everything, records)
        log.debug("exports written: %d files", len(self.main) + len(spans))
        if keeping is not None:  # the records' files are not kept: each is a slice of spacecraft.json
            keeping.finish({"records": records, "shown": [list(f) for f in files]})
        for name in ("main", "records", "spacecraft_lines", "by_id"):
            self.__dict__.pop(name, None)  # cached_property keeps its value in the instance's __dict__

    def _publish_kept(self, writer: Writer, kept: KeptFiles) -> bool:
        found = kept.load()
        if found is None:
            return False
        files, extra = found
        try:
            records = [(str(path), int(start), int(end)) for path, start, end in extra["records"]]
            shown = tuple(ExportFile(*entry) for entry in extra["shown"])
        except (TypeError, ValueError, KeyError):
            return False
        everything = next((source for path, source, _ in files if path == Urls.spacecraft_json), None)
        if everything is None:
            return False
        for path, source, digest in files:
            writer.copy(path, source, digest)
        _write_records(writer, everything.read_bytes(), records)
        self.__dict__["files"] = shown  # what the data page shows
        log.debug("exports: kept from the last build with these inputs")
        return True


def _write_records(writer: Writer, everything: bytes, records: list[tuple[str, int, int]]) -> None:
    """Each record's JSON file: its line of spacecraft.json (a slice of `everything`), newline-ended."""
    view, newline = memoryview(everything), b"\n"
    for path, start, end in records:
        writer.write(path, b"".join((view[start:end], newline)))
    view.release()


def _image_cells(image: Image | None) -> tuple[str | None, ...]:
    if image is None:
        return (None, None, None, None)
    return (image.image_url, image.credit, image.license.name, image.license.link)


def image_record(image: Image | None) -> dict[str, Any] | None:
    if image is None:
        return None
    return {"id": image.id, "name": image.name or None, "image_url": image.image_url,
            "thumbnail_url": image.thumbnail_url, "credit": image.credit,
            "license": {"name": image.license.name, "url": image.license.link}}


def flight_record(f: Flight) -> dict[str, Any]:
    return {"id": f.id, "launch_id": f.launch_id, "launch_name": f.launch_name, "launch_date": f.launch_date,
            "destination": f.destination, "duration": _iso(f.duration), "duration_seconds": _seconds(f.duration),
            "turnaround": _iso(f.turnaround), "turnaround_seconds": _seconds(f.turnaround),
            "mission_end": f.mission_end, "landing": f.landing,
            "launch_designator": f.designator, "rocket": f.rocket, "pad": f.pad, "pad_location": f.location,
            "mission": f.mission, "mission_type": f.mission_type, "orbit": f.orbit, "launch_status": f.launch_status,
            "computed_span": _iso(f.span), "computed_span_seconds": _seconds(f.span),
            "mission_end_before_launch": f.ends_before_launch}


def datapackage(catalog: Catalog, urls: Urls, files: dict[str, tuple[bytes, int | None]],
                title: str = DEFAULT_TITLE) -> bytes:
    """datapackage.json: a Frictionless Data Package over the CSVs and spacecraft.json (files: path -> bytes, rows)."""
    meta = catalog.meta
    endpoint = source_url(meta)
    fetched = f"fetched {meta.fetched_at}" if meta.fetched_at else "the sample snapshot shipped with the project"
    resources: list[dict[str, Any]] = []
    for table in TABLES:
        data = files[table.path][0]
        resources.append({
            "name": table.name, "path": table.path, "title": table.title,
            "description": f"{table.description} {CSV_SAFETY}",
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
            "dialect": {"delimiter": ",", "doubleQuote": True, "lineTerminator": "\r\n", "quoteChar": '"',
                        "header": True},
            "schema": {
                "fields": [c.schema() for c in table.columns],
                "missingValues": [""],
                "primaryKey": list(table.primary_key),
                "foreignKeys": [{"fields": _fields(field), "reference": {"resource": resource, "fields": _fields(ref)}}
                                for field, resource, ref in table.foreign_keys],
            },
        })
    records = files[Urls.spacecraft_json][0]
    resources.append({
        "name": "spacecraft-records", "path": Urls.spacecraft_json, "title": "Spacecraft records",
        "description": "Every normalized record as JSON (the API's text unchanged); each spacecraft's record is "
                       "also beside its page, as spacecraft/<slug>.json.",
        "profile": "data-resource", "format": "json", "mediatype": "application/json", "encoding": "utf-8",
        "bytes": len(records), "hash": "sha256:" + hashlib.sha256(records).hexdigest(),
    })
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": "spacecraft-catalog",
        "title": f"{title}: every spacecraft in Launch Library 2",
        "description": (f"Every spacecraft of the Launch Library 2 spacecraft endpoint ({fetched}), with its "
                        f"configuration, agency, status and flights. {CSV_SAFETY} {TERMS}"),
        "keywords": ["spacecraft", "spaceflight", "Launch Library 2"],
        "sources": [{"title": f"{SOURCE_NAME}: the spacecraft endpoint", "path": endpoint,
                     "description": f"Records of {endpoint}, {fetched}."}],
        "licenses": [{"title": f"Terms of {SOURCE_NAME} (the data is theirs; credit them)",
                      "path": "https://thespacedevs.com/"}],
        "contributors": [{"title": "The Space Devs", "role": "author", "path": SOURCE_HOME}],
        "resources": resources,
    }
    if meta.fetched_at:
        package["created"] = meta.fetched_at  # the data's age, never the build's: rebuilds stay byte-identical
    home = urls.absolute(urls.home)
    if home:
        package["homepage"] = home
    return orjson.dumps(package, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"


def publisher(exports: Exports) -> Callable[[Writer], None]:
    """The build job that writes every export (while the workers render pages)."""
    return exports.publish


def _figure_cells(craft: Spacecraft) -> tuple[Any, ...]:
    """The derived columns: flights and time in space as pages show them, with their sources."""
    fig = figures.of(craft)
    return fig.flights.value, fig.flights.source, fig.time_in_space.value, fig.time_in_space.source


def _fields(key: str | tuple[str, ...]) -> str | list[str]:
    """A foreign key's fields as Table Schema writes them: one name, or a list for a composite key."""
    return key if isinstance(key, str) else list(key)
