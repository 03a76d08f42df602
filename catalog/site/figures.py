"""The figures of a spacecraft, decided in one place: each with where it comes from.

A spacecraft's flights, mission ends, time in space and time docked are shown on its page, its
card, the group pages and indexes, the home page, search (its sort and range filters), compare,
stats, the exports and the meta description. Each is a Figure: a value and its source,

- ``given``: the API's own field (a given 0 is a value, not "not given");
- ``listed``: counted from the flights the API lists (detailed mode, where the count is null);
- ``computed``: summed from the listed flights' durations, or their launch and mission-end dates;
- ``unknown``: none of these; never shown, sorted or summed as 0.

Every page says a figure with the words of this module (``text``, ``cell``), and search.js and
compare.js with the same words, from the index's value and source (static/js/index.js).
A sum over a group says how many of its spacecraft it covers (Total).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import NamedTuple

from ..data.crew import Crewed, CrewedFlight, DockingEvent
from ..data.models import Duration, Flight, Group, Spacecraft, format_seconds

GIVEN, LISTED, COMPUTED, UNKNOWN = "given", "listed", "computed", "unknown"
# How each source is marked after a value: the words search.js and compare.js use too.
MARKS = {GIVEN: "", LISTED: " (listed)", COMPUTED: " (computed)", UNKNOWN: ""}
# The figures, as (key, the noun of one, of many, whether it is a duration), in the order pages list them.
KINDS = {
    "flights": ("flight", "flights", False),
    "mission_ends": ("mission end", "mission ends", False),
    "time_in_space": ("in space", "in space", True),
    "time_docked": ("docked", "docked", True),
}
LABELS = {"flights": "Flights", "mission_ends": "Mission ends", "time_in_space": "Time in space",
          "time_docked": "Time docked"}
FIELDS = {"flights": "flights_count", "mission_ends": "mission_ends_count", "time_in_space": "time_in_space",
          "time_docked": "time_docked"}
UNKNOWN_WORDS = {"flights": "flights not known", "mission_ends": "mission ends not known",
                 "time_in_space": "time in space not known", "time_docked": "time docked not known"}


class Figure(NamedTuple):
    """One figure of a spacecraft: a count or a number of seconds, and where it comes from."""

    kind: str  # a key of KINDS
    value: int | None  # None exactly when source is UNKNOWN
    source: str

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def label(self) -> str:
        """Its name in a list of facts: "Time in space"."""
        return LABELS[self.kind]

    @property
    def field(self) -> str:
        """The API's name of the figure, which orderings and range filters use: "flights_count"."""
        return FIELDS[self.kind]

    @property
    def number(self) -> str:
        """The value alone: "25", "296 d 3 h 34 min"; "—" when unknown."""
        if self.value is None:
            return "—"
        return format_seconds(self.value) if KINDS[self.kind][2] else f"{self.value:,}"

    @property
    def cell(self) -> str:
        """The value and its source, for a table cell or a fact: "25 (listed)", "—" when unknown."""
        return self.number + MARKS[self.source]

    @property
    def text(self) -> str:
        """The figure in words, for a card or a summary: "25 flights (listed)", "flights not known"."""
        if self.value is None:
            return UNKNOWN_WORDS[self.kind]
        one, many, is_time = KINDS[self.kind]
        noun = many if is_time or self.value != 1 else one
        return f"{self.number} {noun}{MARKS[self.source]}"


class Figures(NamedTuple):
    flights: Figure
    mission_ends: Figure
    time_in_space: Figure
    time_docked: Figure

    @property
    def unknown(self) -> tuple[str, ...]:
        """The names of the figures the data does not give: ("time docked",)."""
        return tuple(UNKNOWN_WORDS[f.kind].removesuffix(" not known") for f in self if not f.known)

    @property
    def derived(self) -> bool:
        """Whether a figure is listed or computed (the page says once what that means)."""
        return any(f.source in (LISTED, COMPUTED) for f in self)


def _flights(craft: Spacecraft) -> Figure:
    if craft.flights_count is not None:
        return Figure("flights", craft.flights_count, GIVEN)
    if craft.flights is not None:  # detailed mode: the API lists every flight (a flight listed twice counts once)
        return Figure("flights", len({f.id for f in craft.flights}), LISTED)
    return Figure("flights", None, UNKNOWN)


def _mission_ends(craft: Spacecraft) -> Figure:
    if craft.mission_ends_count is not None:
        return Figure("mission_ends", craft.mission_ends_count, GIVEN)
    if craft.flights is not None:
        return Figure("mission_ends", len({f.id for f in craft.flights if f.mission_end}), LISTED)
    return Figure("mission_ends", None, UNKNOWN)


def flight_seconds(f: Flight) -> int | None:
    """A flight's time in space: the API's duration, else its span from launch to mission end."""
    if f.duration is not None:
        return f.duration.seconds
    return f.span.seconds if f.span is not None else None


def _time(kind: str, given: Duration | None, craft: Spacecraft, compute: Callable[[Spacecraft], int | None]) -> Figure:
    if given is not None:
        return Figure(kind, given.seconds, GIVEN)
    computed = compute(craft) if craft.flights else None  # only where the API gives none
    if computed is not None:
        return Figure(kind, computed, COMPUTED)
    return Figure(kind, None, UNKNOWN)


def _in_space(craft: Spacecraft) -> int | None:
    """The sum of the listed flights' times, when every one of them has one (else it would undercount)."""
    flights = _unique(craft.flights or ())
    seconds = [flight_seconds(f) for f in flights]
    if not seconds or any(s is None for s in seconds):
        return None
    return sum(s for s in seconds if s is not None)


def _docked(craft: Spacecraft) -> int | None:
    """The sum of the docking spans the listed flights give (whole days), when every one has a departure."""
    spans = [(docking, departure) for f in _unique(craft.flights or ()) for docking, departure in f.docked]
    if not spans or any(departure is None for _, departure in spans):
        return None
    return sum(max(0, (date.fromisoformat(b) - date.fromisoformat(a)).days) * 86400
               for a, b in spans if b is not None)


def _unique(flights: Iterable[Flight]) -> list[Flight]:
    seen: set[int] = set()
    out = []
    for f in flights:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out


def of(craft: Spacecraft) -> Figures:
    """The figures of a spacecraft, each with its source."""
    return Figures(_flights(craft), _mission_ends(craft), _time("time_in_space", craft.time_in_space, craft, _in_space),
                   _time("time_docked", craft.time_docked, craft, _docked))


def one(kind: str, craft: Spacecraft) -> Figure:
    """One figure of a spacecraft (a group's sum asks for one of each member, not all four)."""
    if kind == "flights":
        return _flights(craft)
    if kind == "mission_ends":
        return _mission_ends(craft)
    if kind == "time_in_space":
        return _time(kind, craft.time_in_space, craft, _in_space)
    return _time(kind, craft.time_docked, craft, _docked)


def ranked(figure: Figure, craft: Spacecraft) -> bool:
    """Whether a figure may stand in a "most"/"longest" record: known, and not a placeholder's."""
    return figure.known and not craft.is_placeholder


class Total(NamedTuple):
    """A figure summed over a group: the known values, and how many of the group's spacecraft they cover."""

    kind: str
    value: int  # the sum of the known values
    known: int  # spacecraft with a known value
    of: int  # spacecraft in the group
    derived: int  # of the known, those listed or computed rather than given

    @property
    def text(self) -> str:
        """ "25 flights", or "25 flights (known for 4 of 5 spacecraft)"; "flights not known" when none is."""
        if not self.known:
            return UNKNOWN_WORDS[self.kind]
        figure = Figure(self.kind, self.value, GIVEN)
        one, many, is_time = KINDS[self.kind]
        noun = many if is_time or self.value != 1 else one
        head = f"{figure.number} {noun}"
        return head if self.known == self.of else f"{head} (known for {self.known:,} of {self.of:,} spacecraft)"

    @property
    def cell(self) -> str:
        """For a table cell: "25", "25 (4 of 5 known)", "—"."""
        if not self.known:
            return "—"
        number = Figure(self.kind, self.value, GIVEN).number
        return number if self.known == self.of else f"{number} ({self.known:,} of {self.of:,} known)"


def total(kind: str, crafts: Iterable[Spacecraft]) -> Total:
    """The sum of one figure over spacecraft, never counting an unknown as 0."""
    value = known = count = derived = 0
    for craft in crafts:
        count += 1
        figure = one(kind, craft)
        if figure.value is not None:
            value += figure.value
            known += 1
            derived += figure.source != GIVEN
    return Total(kind, value, known, count, derived)


class GroupTotals(NamedTuple):
    flights: Total
    time_in_space: Total


def group_totals(group: Group) -> GroupTotals:
    """What a group's header and the indexes say of it."""
    return GroupTotals(total("flights", group.spacecraft), total("time_in_space", group.spacecraft))


def sort_key(figure: Figure, craft: Spacecraft) -> tuple[int, int]:
    """Orders spacecraft by a figure, largest first: real ones, then placeholders, then the unknown."""
    if figure.value is None:
        return (2, 0)
    return (1 if craft.is_placeholder else 0, -figure.value)


class FlightRow(NamedTuple):
    """One row of a spacecraft page's flights table."""

    mission: str  # the mission's name, else the launch's without its "Vehicle | " prefix
    detail: str  # designator, rocket, pad and place, on a second line
    status: str | None  # the launch status, only when it is not a success
    launch: str | None  # YYYY-MM-DD
    duration: str  # "—" when unknown
    duration_computed: bool
    end: str  # the mission end, "in space now", or "—"
    end_note: str | None  # a mission end before the launch, as the API gives it
    destination: str | None
    turnaround: str  # before this flight: the API's, else the gap from the previous flight's end; "" for the first
    turnaround_computed: bool
    flight_id: int | None = None  # its flight page, where the crew data has one (issue 26)


def mission_name(f: Flight) -> str:
    """The mission's name; else the launch's name without LL2's "Vehicle | " prefix ("Soyuz 29")."""
    if f.mission:
        return f.mission
    if f.launch_name:
        return f.launch_name.rpartition(" | ")[2] or f.launch_name
    return f"Flight {f.id}"


def _succeeded(status: str | None) -> bool:
    return status is None or "success" in status.casefold()


def flight_rows(craft: Spacecraft) -> tuple[FlightRow, ...]:
    """The spacecraft's flights in launch order (undated last), each with the turnaround before it."""
    flights = sorted(_unique(craft.flights or ()), key=lambda f: (f.launch_date is None, f.launch_date or "", f.id))
    rows: list[FlightRow] = []
    previous_end: str | None = None
    for at, f in enumerate(flights):
        ongoing = craft.in_space and at == len(flights) - 1 and f.mission_end is None
        seconds = flight_seconds(f)
        turnaround, turnaround_computed = _turnaround(f, previous_end) if at else ("", False)
        where = ", ".join(p for p in (f.pad, f.location) if p)
        detail = " · ".join(p for p in (f.designator, f.rocket, where) if p)
        rows.append(FlightRow(
            mission=mission_name(f), detail=detail,
            status=None if _succeeded(f.launch_status) else f.launch_status,
            launch=f.launch_date,
            duration="—" if seconds is None or f.ends_before_launch else format_seconds(seconds),
            duration_computed=f.duration is None and f.span is not None,
            end="in space now" if ongoing else (f.mission_end or "—"),
            end_note="before the launch, as the API gives it" if f.ends_before_launch else None,
            destination=f.destination, turnaround=turnaround, turnaround_computed=turnaround_computed,
            flight_id=f.id))
        if f.mission_end and not f.ends_before_launch:
            previous_end = max(previous_end or f.mission_end, f.mission_end)
        elif f.launch_date:
            previous_end = max(previous_end or f.launch_date, f.launch_date)
    return tuple(rows)


def _turnaround(f: Flight, previous_end: str | None) -> tuple[str, bool]:
    """The API's turnaround when it gives one above 0, else the days from the previous flight's end."""
    if f.turnaround is not None and f.turnaround.seconds > 0:
        return f.turnaround.text, False
    if previous_end is None or f.launch_date is None:
        return "—", False
    days = (date.fromisoformat(f.launch_date) - date.fromisoformat(previous_end)).days
    return (format_seconds(days * 86400), True) if days >= 0 else ("—", False)


class Summary(NamedTuple):
    """The line under a spacecraft page's title."""

    flights: Figure
    first: str | None  # the first launch
    last: str | None  # the last mission end, or None while still in space
    ongoing: bool
    time_in_space: Figure
    where: str  # "in space now", "on Earth", "destroyed"...


def summary(craft: Spacecraft, rows: tuple[FlightRow, ...], figures: Figures) -> Summary:
    """How many flights, first launch to last mission end, time in space, where it is now."""
    launches = [r.launch for r in rows if r.launch]
    ends = [f.mission_end for f in craft.flights or () if f.mission_end and not f.ends_before_launch]
    ongoing = bool(rows) and rows[-1].end == "in space now"
    status = craft.status.name.casefold()
    where = ("in space now" if craft.in_space else "destroyed" if "destroy" in status or "lost" in status
             else "not in space")
    return Summary(figures.flights, min(launches) if launches else None,
                   None if ongoing or not ends else max(ends), ongoing, figures.time_in_space, where)


class CraftPage(NamedTuple):
    """What a spacecraft page shows of its figures and flights, made once per page as plain values (a
    spacecraft page is rendered for every record: each attribute a template looks up costs)."""

    rows: tuple[FlightRow, ...]
    computed: bool  # a row's duration or turnaround is computed: the footnote says what that means
    summary: str  # the line under the title
    flights: str  # the flights in words, for the meta description
    facts: tuple[tuple[str, str], ...]  # (label, value) of each figure known, and the fastest turnaround
    missing: str | None  # the figures the data does not give, in one line
    derived: bool  # a figure is listed or computed: the page says once what that means


def summary_line(s: Summary) -> str:
    """ "25 flights (listed), 1992-05-07 to 2011-06-01 · 262 d 12 h in space (computed) · not in space"."""
    line = s.flights.text
    if s.first:
        line += f", {s.first} to {'now' if s.ongoing else s.last or 'an end not given'}"
    return f"{line} · {s.time_in_space.text} · {s.where}"


def page(craft: Spacecraft) -> CraftPage:
    """A spacecraft page's figures, flights table and summary line."""
    fig = of(craft)
    rows = flight_rows(craft)
    facts = [(f.label, f.cell) for f in fig if f.value is not None]
    missing = list(fig.unknown)
    if craft.fastest_turnaround is not None:
        facts.append(("Fastest turnaround", craft.fastest_turnaround.text))
    else:
        missing.append("fastest turnaround")
    return CraftPage(rows, any(r.duration_computed or r.turnaround_computed for r in rows),
                     summary_line(summary(craft, rows, fig)), fig.flights.text, tuple(facts),
                     f"Not given by the data: {', '.join(missing)}." if missing else None, fig.derived)


# --- Figures that show their work: sums of the crew data beside the API's own (issue 26) -----------

HOUR = 3600  # a sum further than this from the API's figure is shown beside it


class Check(NamedTuple):
    """A figure of the API beside the sum of the events or flights that explain it, for the page to show
    both where they differ by more than an hour, with the events counted and those left out."""

    kind: str  # "time_docked" | "time_in_space"
    given: int | None  # the API's figure (seconds); None when it gives none
    computed: int | None  # the sum; None when nothing could be counted
    counted: tuple[int, ...]  # the docking event (or flight) ids summed
    left_out: tuple[int, ...]  # still docked, departure before docking, or a flight with no time

    @property
    def differs(self) -> bool:
        """Whether both are known and more than an hour apart."""
        return self.given is not None and self.computed is not None and abs(self.given - self.computed) > HOUR

    @property
    def text(self) -> str | None:
        """ "the docking events sum to 30 d 2 h (events 3, 5; 7 left out)", when it differs; else None."""
        if not self.differs:
            return None
        assert self.computed is not None
        what = "docking events" if self.kind == "time_docked" else "flights"
        named = ", ".join(map(str, self.counted))
        left = f"; {', '.join(map(str, self.left_out))} left out" if self.left_out else ""
        return f"the {what} sum to {format_seconds(self.computed)} ({what} {named}{left})"


def docking_check(craft: Spacecraft, crew: Crewed) -> Check:
    """The spacecraft's time docked beside the sum of its docking events (none still docked or backwards)."""
    return docked_check(craft, crew.dockings_of_spacecraft(craft.id))


def docked_check(craft: Spacecraft, events: Sequence[DockingEvent]) -> Check:
    """docking_check of the events given (a spacecraft page has its own in its context: render keys)."""
    times = [(e.id, e.seconds) for e in events]  # each event's dates parsed once
    counted = tuple(i for i, s in times if s is not None)
    left = tuple(i for i, s in times if s is None)
    computed = sum(s for _, s in times if s is not None) if counted else None
    return Check("time_docked", craft.time_docked.seconds if craft.time_docked else None, computed, counted, left)


def in_space_check(craft: Spacecraft, crew: Crewed) -> Check:
    """The spacecraft's time in space beside the sum of its flights' times (from the flights data)."""
    return flown_check(craft, crew.flights_of_spacecraft(craft.id))


def flown_check(craft: Spacecraft, crewed: Sequence[CrewedFlight]) -> Check:
    """in_space_check of the flights given (a spacecraft page has its own in its context: render keys)."""
    flights = [f.flight for f in crewed]
    times = [(f.id, flight_seconds(f)) for f in flights if not f.ends_before_launch]
    times += [(f.id, None) for f in flights if f.ends_before_launch]
    counted = tuple(i for i, s in times if s is not None)
    computed = sum(s for _, s in times if s is not None) if counted else None
    return Check("time_in_space", craft.time_in_space.seconds if craft.time_in_space else None, computed, counted,
                 tuple(sorted(i for i, s in times if s is None)))
