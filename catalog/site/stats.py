"""The statistics page: records, counts, flights per year and time in space, from the models in one pass.

Every figure is a small frozen value the template and render/svg.py read; ties are broken by name
(in the catalog's natural order), then id, so the same data always gives the same page.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from ..data.crew import Astronaut
from ..data.groups import Catalog
from ..data.models import Group, Spacecraft
from . import figures
from .urls import AGENCIES, CONFIGURATIONS, STATUSES, index_path

TOP = 10  # entries in each record table
ROWS = 15  # groups a breakdown shows (its chart and its table); the rest are one "others" row
IN_SPACE_ROWS = 15  # spacecraft the "in space now" table lists; the search page lists them all (15 keeps
# the page under 1,500 elements at 10,000 records with the crew tables, benchmarks/lighthouse.py)
SERIES = 5  # agencies named in the flights-per-year chart; the others are one "Other agencies" series
DAY = 86400
UNKNOWN_TYPE = "Unknown type"  # the type breakdown's row of configurations with no type given
# Time in space: (label, lower bound in seconds); a bucket holds the values from its bound to the next.
BUCKETS = (("under 1 day", 0), ("1–7 days", DAY), ("1–4 weeks", 7 * DAY), ("1–3 months", 30 * DAY),
           ("3–6 months", 91 * DAY),
           ("6–12 months", 182 * DAY), ("1–2 years", 365 * DAY), ("2 years or more", 730 * DAY))


class Entry(NamedTuple):
    """One place in a record table."""

    rank: int
    craft: Spacecraft
    value: str  # the figure shown: "12", "25 listed", "36 d 7 h 42 min"
    number: int  # the figure the order is by (flights, seconds)


class Record(NamedTuple):
    key: str  # "flights", "time_in_space"...: the id of its section
    title: str
    unit: str  # what `number` counts, for the chart's marks
    entries: tuple[Entry, ...]
    note: str | None = None


class Count(NamedTuple):
    label: str
    value: int  # spacecraft
    group: Group | None = None  # the page it links, when it has one


class Breakdown(NamedTuple):
    key: str
    title: str
    counts: tuple[Count, ...]  # largest first
    column: str = ""  # what a row is: "Agency"
    noun: str = ""  # what rows are: "agencies"
    index_page: str | None = None  # the page listing every group of the kind, when there is one

    @property
    def shown(self) -> tuple[Count, ...]:
        """The groups drawn and listed one by one: the ROWS largest."""
        return self.counts[:ROWS]

    @property
    def rest(self) -> tuple[Count, ...]:
        """The groups shown together as one "others" row."""
        return self.counts[ROWS:]

    @property
    def rest_total(self) -> int:
        return sum(c.value for c in self.rest)

    @property
    def left_out(self) -> str | None:
        """Why the page shows no chart of this breakdown (a chart of one bar says nothing), else None."""
        if not self.counts:
            return "This data has no spacecraft, so there is no chart."
        if len(self.counts) > 1:
            return None
        only = self.counts[0]
        if only.label in (UNKNOWN_TYPE, "Unknown"):  # ours, or LL2's own name for no type
            return f"The data gives no {self.column.lower()} for any of the {only.value:,} spacecraft, so there is no chart."
        return f"All {only.value:,} spacecraft have one {self.column.lower()}, {only.label}, so there is no chart."


class Year(NamedTuple):
    year: int
    parts: tuple[int, ...]  # flights of each series, in Years.series order
    total: int

    def by_series(self, series: tuple[str, ...]) -> str:
        """The year's flights of each series as one text ("NASA 12 · Other agencies 3"), the zeros left out."""
        return " · ".join(f"{name} {count:,}" for name, count in zip(series, self.parts, strict=True) if count) or "none"


class Years(NamedTuple):
    series: tuple[str, ...]  # agency names; "Other agencies" last when there are more than SERIES
    years: tuple[Year, ...]  # every year from the first to the last, empty ones included
    flights: int
    spacecraft: int  # spacecraft with at least one dated flight

    @property
    def left_out(self) -> str | None:
        """Why the page shows no chart of flights per year, else None."""
        if not self.years:
            return ("This data lists no flights, so there is no chart: only detailed records carry them "
                    "(spacecraft-catalog --fetch asks for them).")
        if len(self.years) == 1:
            year = self.years[0]
            return (f"All {year.total:,} flight{'' if year.total == 1 else 's'} listed launched in {year.year}"
                    f" ({year.by_series(self.series)}), so there is no chart.")
        return None


class Bucket(NamedTuple):
    label: str
    value: int  # spacecraft


class Histogram(NamedTuple):
    buckets: tuple[Bucket, ...]
    counted: int  # spacecraft with a time in space (catalog/site/figures.py: given or computed)
    unknown: int  # spacecraft whose time in space is unknown

    @property
    def left_out(self) -> str | None:
        """Why the page shows no histogram (no spacecraft with a time in space, or all in one range), else None."""
        filled = [b for b in self.buckets if b.value]
        if not filled:
            return (f"None of the {self.unknown:,} spacecraft in this data has a time in space given, "
                    "so there is no chart.")
        if len(filled) == 1:
            return (f"All {self.counted:,} spacecraft with a time in space given spent {filled[0].label} in space"
                    f"{f' ({self.unknown:,} have none given)' if self.unknown else ''}, so there is no chart.")
        return None


class Person(NamedTuple):
    """A place in the table of people with the most flights aboard catalog spacecraft."""

    rank: int
    astronaut: Astronaut
    flights: int


class Docked(NamedTuple):
    rank: int
    craft: Spacecraft
    dockings: int


class Occupancy(NamedTuple):
    """Vehicle-days docked at each station, per year: the days each docking event spans within the year, summed."""

    series: tuple[str, ...]  # station names; "Other stations" last when there are more than SERIES
    years: tuple[Year, ...]  # parts: whole days per station
    events: int  # docking events counted
    left_out: int  # events with no known end (still docked, no data date) or a departure before the docking
    until: str | None  # the data's date, up to which still-docked events are counted

    @property
    def empty(self) -> str | None:
        """Why there is no chart, else None."""
        if len(self.years) < 2:
            return ("Too few docking events at stations in this data for a chart of occupancy over time"
                    f" ({self.events:,} counted).")
        return None


class CrewStats(NamedTuple):
    people: tuple[Person, ...] = ()
    docked: tuple[Docked, ...] = ()
    source: str = ""  # "crew and docking data as of ..."


class Stats(NamedTuple):
    spacecraft: int
    records: tuple[Record, ...]
    breakdowns: tuple[Breakdown, ...]
    years: Years
    histogram: Histogram
    in_space: tuple[Spacecraft, ...]
    in_space_rows: int = IN_SPACE_ROWS
    crew: CrewStats = CrewStats()

    @property
    def records_shown(self) -> tuple[Record, ...]:
        """The records some spacecraft holds: a card saying nobody has one is left out."""
        return tuple(r for r in self.records if r.entries)

    @property
    def records_left_out(self) -> str | None:
        """One line naming the records left out for want of data, else None."""
        empty = [r.title for r in self.records if not r.entries]
        if not empty:
            return None
        empty = [title[0].lower() + title[1:] for title in empty]
        names = empty[0] if len(empty) == 1 else ", ".join(empty[:-1]) + " and " + empty[-1]
        return f"Left out, as no spacecraft in this data has the figure: {names}."


def most_flown(catalog: Catalog, limit: int) -> list[tuple[Spacecraft, int, bool]]:
    """The spacecraft with the most flights (their figure: given, else counted from the listed
    flights), most first, at most `limit`: (spacecraft, flights, counted from the list).

    Placeholder records and spacecraft whose count is unknown are left out (figures.ranked):
    neither leads a record.
    """
    known = []
    for order, craft in enumerate(catalog.spacecraft):  # name order breaks ties
        flights = figures.of(craft).flights
        if figures.ranked(flights, craft) and flights.value:
            known.append((-flights.value, order, craft, flights.source == figures.LISTED))
    return [(craft, -count, listed) for count, _, craft, listed in sorted(known, key=lambda k: k[:2])[:limit]]


def compute(catalog: Catalog) -> Stats:
    """Every figure of the statistics page, in one pass over the spacecraft."""
    candidates: dict[str, list[tuple[int, tuple[str, int], Spacecraft, str]]] = defaultdict(list)
    per_year: dict[int, Counter[int]] = defaultdict(Counter)  # year -> agency id -> flights
    agency_flights: Counter[int] = Counter()
    agency_names: dict[int, str] = {}
    buckets = [0] * len(BUCKETS)
    unknown = flown = 0
    # catalog.spacecraft is in name order: a record's candidates are too, so the sort key needs no name
    for order, craft in enumerate(catalog.spacecraft):
        tie = (f"{order:09d}", craft.id)
        fig = figures.of(craft)
        # A record is of real spacecraft: a placeholder's figures (serial "TBD") never lead one.
        for key, figure in (("flights", fig.flights), ("time_in_space", fig.time_in_space),
                            ("time_docked", fig.time_docked), ("mission_ends", fig.mission_ends)):
            if figures.ranked(figure, craft) and figure.value:
                candidates[key].append((-figure.value, tie, craft, figure.cell))
        if (not craft.is_placeholder and craft.fastest_turnaround is not None
                and craft.fastest_turnaround.seconds > 0):
            candidates["fastest_turnaround"].append((craft.fastest_turnaround.seconds, tie, craft,
                                                     craft.fastest_turnaround.text))
        if fig.time_in_space.value is not None:  # a given 0 is a value: under a day
            buckets[_bucket(fig.time_in_space.value)] += 1
        else:
            unknown += 1
        if craft.flights:
            agency = craft.config.agency
            seen: set[int] = set()
            for f in craft.flights:
                if f.launch_date and f.id not in seen:  # a flight listed twice counts once
                    seen.add(f.id)
                    per_year[int(f.launch_date[:4])][agency.id] += 1
                    agency_flights[agency.id] += 1
                    agency_names[agency.id] = agency.name
            flown += 1 if seen else 0
    return Stats(
        spacecraft=len(catalog.spacecraft),
        records=(
            _record("flights", "Most flights", "flights", candidates["flights"],
                    note="Where the API gives no flights count, the flights it lists are counted (“listed”). "
                         "Placeholder records are left out of every record."),
            _record("time_in_space", "Most time in space", "time in space", candidates["time_in_space"],
                    note="Where the API gives none, the listed flights' times are summed (“computed”)."),
            _record("time_docked", "Most time docked", "time docked", candidates["time_docked"]),
            _record("mission_ends", "Most mission ends", "mission ends", candidates["mission_ends"]),
            _record("fastest_turnaround", "Fastest turnaround", "turnaround", candidates["fastest_turnaround"],
                    note="The shortest time between two flights of one spacecraft, as the API gives it."),
        ),
        breakdowns=_breakdowns(catalog),
        years=_years(per_year, agency_flights, agency_names, flown),
        histogram=Histogram(tuple(Bucket(label, n) for (label, _), n in zip(BUCKETS, buckets, strict=True)),
                            sum(buckets), unknown),
        in_space=catalog.in_space,
        crew=crew_stats(catalog),
    )


def crew_stats(catalog: Catalog) -> CrewStats:
    """The people with the most flights aboard catalog spacecraft and the most-docked spacecraft, from
    catalog.crew (ties by name, then id). Station occupancy per year (occupancy()) is drawn on the
    stations index: on this page it took the statistics past 1,500 elements."""
    crew = catalog.crew
    people = sorted(crew.astronauts.values(), key=lambda a: (-len(a.flight_ids), a.name.casefold(), a.id))
    people = [a for a in people if a.flight_ids][:TOP]
    crafts = {craft.id: craft for craft in catalog.spacecraft} if crew.docked_by_spacecraft else {}
    docked = sorted(((len(ids), crafts[c]) for c, ids in crew.docked_by_spacecraft.items() if c in crafts),
                    key=lambda pair: (-pair[0], pair[1].name.casefold(), pair[1].id))[:TOP]
    return CrewStats(people=tuple(Person(n, a, len(a.flight_ids)) for n, a in enumerate(people, 1)),
                     docked=tuple(Docked(n, craft, count) for n, (count, craft) in enumerate(docked, 1)),
                     source=crew.flights_source.text)


def occupancy(catalog: Catalog) -> Occupancy:
    """Days docked per station and year; a still-docked event counts up to the data's date when it is known."""
    crew = catalog.crew
    until = catalog.meta.fetched_at[:19] + "Z" if catalog.meta.fetched_at else None
    days: dict[int, Counter[int]] = defaultdict(Counter)  # year -> station id -> seconds
    per_station: Counter[int] = Counter()
    counted = left_out = 0
    for event in crew.dockings.values():
        if event.station is None:
            continue
        end = event.departure or until
        if event.backwards or end is None or end < event.docking:
            left_out += 1
            continue
        counted += 1
        start, stop = _when(event.docking), _when(end)
        for year in range(start.year, stop.year + 1):
            low = max(start, datetime(year, 1, 1, tzinfo=UTC))
            high = min(stop, datetime(year + 1, 1, 1, tzinfo=UTC))
            seconds = int((high - low).total_seconds())
            days[year][event.station] += seconds
            per_station[event.station] += seconds
    ranked = sorted(per_station, key=lambda s: (-per_station[s], s))
    named, rest = ranked[:SERIES], ranked[SERIES:]
    series = tuple(crew.stations[s].name if s in crew.stations else f"Station {s}" for s in named)
    series += ("Other stations",) if rest else ()
    years = []
    for year in range(min(days), max(days) + 1) if days else ():
        parts = [days[year][s] // DAY for s in named] + ([sum(days[year][s] for s in rest) // DAY] if rest else [])
        years.append(Year(year, tuple(parts), sum(parts)))
    return Occupancy(series, tuple(years), counted, left_out, until[:10] if until else None)


def _when(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00"))


def _bucket(seconds: int) -> int:
    index = 0
    for i, (_, low) in enumerate(BUCKETS):
        if seconds >= low:
            index = i
    return index


def _record(key: str, title: str, unit: str, found: list[tuple[int, tuple[str, int], Spacecraft, str]],
            note: str | None = None) -> Record:
    best = heapq.nsmallest(TOP, found, key=lambda c: (c[0], c[1]))
    return Record(key, title, unit, tuple(Entry(rank, craft, shown, abs(number))
                                          for rank, (number, _, craft, shown) in enumerate(best, 1)), note)


def _breakdowns(catalog: Catalog) -> tuple[Breakdown, ...]:
    def counts(groups: tuple[Group, ...], label: Callable[[Group], str]) -> tuple[Count, ...]:
        return tuple(sorted((Count(label(g), len(g.spacecraft), g) for g in groups),
                            key=lambda c: (-c.value, c.label.casefold(), c.label)))

    types: Counter[str] = Counter()
    for group in catalog.configurations:
        types[getattr(group.subject, "type", None) or UNKNOWN_TYPE] += len(group.spacecraft)
    by_type = tuple(sorted((Count(t, n) for t, n in types.items()),
                           key=lambda c: (-c.value, c.label.casefold(), c.label)))
    return (
        Breakdown("agency", "Spacecraft by agency", counts(catalog.agencies, lambda g: g.name), "Agency", "agencies",
                  index_path(AGENCIES.folder)),
        Breakdown("status", "Spacecraft by status", counts(catalog.statuses, lambda g: g.name), "Status", "statuses",
                  index_path(STATUSES.folder)),
        Breakdown("type", "Spacecraft by type of configuration", by_type, "Type", "types"),
        Breakdown("configuration", "Spacecraft by configuration", counts(catalog.configurations, lambda g: g.name),
                  "Configuration", "configurations", index_path(CONFIGURATIONS.folder)),
    )


def _years(per_year: dict[int, Counter[int]], agency_flights: Counter[int], names: dict[int, str],
           flown: int) -> Years:
    if not per_year:
        return Years((), (), 0, 0)
    ranked = sorted(agency_flights, key=lambda a: (-agency_flights[a], names[a].casefold(), a))
    named, others = ranked[:SERIES], ranked[SERIES:]
    series = tuple(names[a] for a in named) + (("Other agencies",) if others else ())
    years = []
    for year in range(min(per_year), max(per_year) + 1):
        flights = per_year.get(year, Counter())
        parts = tuple(flights[a] for a in named) + ((sum(flights[a] for a in others),) if others else ())
        years.append(Year(year, parts, sum(parts)))
    return Years(series, tuple(years), sum(agency_flights.values()), flown)

