"""Timelines: a configuration's fleet (a row per spacecraft) and a spacecraft's own flights (a row
per flight, with the turnaround gaps), as small frozen views that render/svg.py draws.

Days are proleptic ordinals (date.toordinal()), so every position is an integer and the drawing
is the same bytes for the same data. A flight still under way (the spacecraft is in space and its
last flight has no mission end) runs to the data's date: the fetch date, never the build clock.
The spacecraft endpoint sends no docking per flight (its flights are SpacecraftFlightNormal, only
a spacecraft's total time docked); a spacecraft's timeline shades the docked periods its docking events
(the flights data, data/crew.py) give.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from ..data.crew import DockingEvent
from ..data.groups import Catalog, sort_key
from ..data.models import Flight, Group, Spacecraft

MAX_ROWS = 8  # spacecraft drawn in a large fleet's timeline: those with most flights...
MAX_FLIGHTS = 40  # ...as long as they have this many flights together (beside 100 cards: under ~1,500 elements)


class Bar(NamedTuple):
    """One flight on a timeline: from its launch to its mission end (a point when the end is unknown)."""

    start: int  # day of the launch
    end: int  # day of the mission end, the data's date when ongoing; == start for a point
    kind: str  # "flight", "ongoing" (still in space) or "point" (no usable mission end)
    title: str  # names the spacecraft and the flight, with its launch details and dates
    docked: tuple[tuple[int, int], ...] = ()
    gap_from: int | None = None  # craft timelines: the end of the previous flight
    gap: str | None = None  # its label: "turnaround 123 d" (the API's) or "gap 123 d (computed)"


class Row(NamedTuple):
    label: str
    title: str
    bars: tuple[Bar, ...]


class Timeline(NamedTuple):
    title: str
    desc: str
    rows: tuple[Row, ...]
    start: int  # first day of the axis (1 January of the first year)
    end: int  # last day of the axis (1 January after the last year)
    note: str | None = None  # what was left out, said under the chart
    flights: tuple[tuple[Spacecraft, Flight], ...] = ()  # the flights drawn, for the table of the same numbers

    @property
    def by_craft(self) -> list[tuple[Spacecraft, list[Flight]]]:
        """The flights drawn, a spacecraft and its flights at a time (a table row each: fewer elements)."""
        out: list[tuple[Spacecraft, list[Flight]]] = []
        for craft, f in self.flights:
            if out and out[-1][0] is craft:
                out[-1][1].append(f)
            else:
                out.append((craft, [f]))
        return out


def day(iso: str | None) -> int | None:
    """The ordinal of a YYYY-MM-DD date, or None."""
    if not iso:
        return None
    try:
        return date.fromisoformat(iso).toordinal()
    except ValueError:
        return None


def data_date(catalog: Catalog) -> str | None:
    """The date the data describes: its fetch date, else (the shipped sample) the latest date it holds."""
    if catalog.meta.fetched_at:
        return catalog.meta.fetched_at[:10]
    latest = None
    for craft in catalog.spacecraft:
        for f in craft.flights or ():
            for value in (f.launch_date, f.mission_end):
                if value and (latest is None or value > latest):
                    latest = value
    return latest


def compact(days: int) -> str:
    """A gap in words a chart label has room for: "12 d", "5 mo", "3.2 y"."""
    if days >= 365:
        return f"{days / 365.25:.1f} y"
    if days >= 60:
        return f"{round(days / 30.44)} mo"
    return f"{days} d"


def launch_summary(f: Flight) -> str:
    """The launch details of a flight in one line: designator, rocket, pad, mission, status."""
    parts = [f.launch_name or f"Flight {f.id}"]
    if f.designator:
        parts[0] += f" ({f.designator})"
    if f.rocket:
        parts.append(f"on {f.rocket}")
    where = ", ".join(p for p in (f.pad, f.location) if p)
    if where:
        parts.append(f"from {where}")
    mission = " · ".join(p for p in (f.mission_type, f.orbit) if p)
    if mission:
        parts.append(mission)
    if f.launch_status:
        parts.append(f.launch_status)
    return "; ".join(parts)


def shown_duration(f: Flight) -> str:
    """The flight's duration as pages show it: the API's, a computed span marked, or why there is none."""
    if f.duration is not None:
        return f.duration.text
    if f.span is not None:
        return f"{f.span.text} (computed)"
    if f.ends_before_launch:
        return "— (the mission end given is before the launch)"
    return "—"


def first_launch(craft: Spacecraft) -> str | None:
    """The date of the spacecraft's first listed launch (a fleet table's column), None when none is dated."""
    dated = _dated(craft)
    return date.fromordinal(dated[0][0]).isoformat() if dated else None


def _ongoing(craft: Spacecraft, flights: list[tuple[int, Flight]]) -> Flight | None:
    """The flight still under way: the last one, with no mission end, of a spacecraft in space."""
    if craft.in_space and flights and flights[-1][1].mission_end is None:
        return flights[-1][1]
    return None


def _dated(craft: Spacecraft) -> list[tuple[int, Flight]]:
    """The spacecraft's flights with a launch date, in launch order (the API lists them in any order)."""
    out = [(d, f) for f in craft.flights or () if (d := day(f.launch_date)) is not None]
    out.sort(key=lambda pair: (pair[0], pair[1].id))
    return out


def _bar(craft: Spacecraft, launch: int, f: Flight, ongoing: bool, as_of: int | None,
         events: Iterable[DockingEvent] = ()) -> Bar:
    end = day(f.mission_end)
    dates = f"launched {f.launch_date}"
    if ongoing and as_of is not None and as_of >= launch:
        kind, stop, dates = "ongoing", as_of, dates + f", still in space on {date.fromordinal(as_of).isoformat()}"
    elif end is not None and not f.ends_before_launch and end >= launch:
        kind, stop, dates = "flight", end, dates + f", mission end {f.mission_end}"
    elif f.ends_before_launch:
        kind, stop, dates = "point", launch, dates + f"; the mission end given, {f.mission_end}, is before the launch"
    else:
        kind, stop, dates = "point", launch, dates + ", no mission end given"
    duration = shown_duration(f)
    if duration != "—" and not f.ends_before_launch:
        dates += f" ({duration})"
    spans = list(f.docked) + [(e.docking[:10], e.departure[:10] if e.departure else None) for e in events
                              if not e.backwards]  # a departure before its docking is no span
    docked = tuple((a, max(a, b)) for a, b in ((day(d), day(e) or stop) for d, e in spans) if a is not None)
    return Bar(launch, stop, kind, f"{craft.name}: {launch_summary(f)}; {dates}", docked)


def _axis(first: int, last: int) -> tuple[int, int]:
    start = date(date.fromordinal(first).year, 1, 1).toordinal()
    return start, date(date.fromordinal(last).year + 1, 1, 1).toordinal()


def fleet(group: Group, as_of: str | None) -> Timeline | None:
    """A configuration's fleet: a row per spacecraft with dated flights, sorted by first flight;
    None when none has any (normal-mode data)."""
    today = day(as_of)
    flown = [(craft, dated) for craft in group.spacecraft if (dated := _dated(craft))]
    if not flown:
        return None
    note = None
    if len(flown) > MAX_ROWS:
        flown.sort(key=lambda pair: (-len(pair[1]), sort_key(pair[0])))
        keep, flights = 1, len(flown[0][1])
        while keep < MAX_ROWS and flights + len(flown[keep][1]) <= MAX_FLIGHTS:
            flights += len(flown[keep][1])
            keep += 1
        note = (f"The {keep} spacecraft with the most flights of the {len(flown):,} with dated flights are drawn "
                f"and listed; each spacecraft's page has its own.")
        flown = flown[:keep]
    flown.sort(key=lambda pair: (pair[1][0][0], sort_key(pair[0])))
    rows, drawn, first, last = [], [], None, None
    for craft, dated in flown:
        ongoing = _ongoing(craft, dated)
        bars = tuple(_bar(craft, d, f, f is ongoing, today) for d, f in dated)
        rows.append(Row(craft.name, f"{craft.name}: {len(bars)} flight{'' if len(bars) == 1 else 's'}", bars))
        drawn += [(craft, f) for _, f in dated]
        first = min(first or bars[0].start, bars[0].start)
        last = max([last or 0, *(b.end for b in bars)])
    start, end = _axis(first or 0, last or 0)
    flights = len(drawn)
    ongoing_any = any(b.kind == "ongoing" for row in rows for b in row.bars)
    desc = (f"{len(rows):,} spacecraft of the {group.name} configuration, one row each, sorted by first flight; "
            f"{flights:,} flight{'' if flights == 1 else 's'}, each a bar from launch to mission end"
            f"{', still in space: to ' + as_of + ', marked as ongoing' if as_of and ongoing_any else ''}. "
            + ("Docked time is shaded where a flight lists its dockings." if _any_docked(drawn) else
               "The data gives time docked only as each spacecraft's total, so no docking is shaded."))
    return Timeline(f"Timeline of the {group.name} fleet", desc, tuple(rows), start, end, note, tuple(drawn))


def _any_docked(flights: Iterable[tuple[Spacecraft, Flight]]) -> bool:
    return any(f.docked for _, f in flights)


def craft(craft: Spacecraft, as_of: str | None, dockings: Iterable[DockingEvent] = ()) -> Timeline | None:
    """A spacecraft's own flights on a time axis, a row each, with the turnaround gap before each
    flight labelled: the API's turnaround where it gives one, else the gap computed and marked so.
    Its docking events (the flights data's, data/crew.py) shade the docked periods of their flights."""
    dated = _dated(craft)
    if not dated:
        return None
    today = day(as_of)
    ongoing = _ongoing(craft, dated)
    by_flight: dict[int, list[DockingEvent]] = {}
    for event in dockings:
        by_flight.setdefault(event.flight, []).append(event)
    rows, previous = [], None
    for launch, f in dated:
        bar = _bar(craft, launch, f, f is ongoing, today, by_flight.get(f.id, ()))
        if previous is not None:
            given = f.turnaround.seconds // 86400 if f.turnaround and f.turnaround.seconds > 0 else None
            gap_days = given if given is not None else max(0, launch - previous)
            label = f"turnaround {compact(gap_days)}" if given is not None else f"gap {compact(gap_days)} (computed)"
            bar = bar._replace(gap_from=min(previous, launch), gap=label,
                               title=bar.title + f"; {label} since the previous flight")
        rows.append(Row(f"{f.launch_date} {f.launch_label}", bar.title, (bar,)))
        previous = bar.end if previous is None else max(previous, bar.end)
    start, end = _axis(dated[0][0], max(r.bars[0].end for r in rows))
    n = len(rows)
    shaded = any(b.docked for r in rows for b in r.bars)
    desc = (f"The {n} flight{'' if n == 1 else 's'} of {craft.name} in launch order, each a bar from launch to "
            f"mission end; the gap before each flight is labelled with the turnaround"
            + ("; docked periods are shaded." if shaded else "."))
    return Timeline(f"Flights of {craft.name}", desc, tuple(rows), start, end, None,
                    tuple((craft, f) for _, f in dated))
