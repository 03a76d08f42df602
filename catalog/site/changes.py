"""The history as the site shows it: changes.html and its pages, each spacecraft's History, the
home page's latest changes, the Atom feed changes.xml and changes.json (format: data/history.py).

The views are made once per build. Most spacecraft have no event: their pages share one
CraftHistory, which Fragments.partial renders once per page depth.

The feed is Atom 1.0 (RFC 4287). Its ids are tag: URIs (``tag:spacecraft-catalog,2026:event/<id>``
with the event's own id), the same wherever the site is published. With --base-url its self link
and the entries' links are absolute; without, they are relative references, which RFC 4287
allows (atom:link's href is an IRI reference, resolved against the feed's own address), so the
feed works wherever the site is served. Its `updated` is the latest event's date (the start of
the history while it has none), never the build's clock. A site whose history has not started
(built from the shipped snapshot) publishes no feed and announces none.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, NamedTuple

from ..config import CHANGES_PAGE_SIZE, DEFAULT_TITLE
from ..data.groups import Catalog
from ..data.history import CREW_KINDS, History, dumps
from ..data.models import Spacecraft, format_seconds
from ..files import Writer
from .seo import xml_text
from .urls import Urls, path_for

FEED_SIZE = 50  # the most recent events in changes.xml
LATEST = 8  # on the home page
TAG = "tag:spacecraft-catalog,2026:"  # the feed's id and its entries' ids start with it
FEED_TITLE = "{title}: changes"  # the site's configured title

_DIGITS = re.compile(r"\d+")
_SIMPLE_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
# Control characters (C0 but tab and line ends, DEL, C1), surrogates and U+FFFE/U+FFFF: XML 1.0 refuses
# most, HTML calls them errors, and none is text a reader can see. The views drop them, for every page and the feed.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LABELS = {"flights_count": "flights", "mission_ends_count": "mission ends", "time_in_space": "time in space",
           "time_docked": "time docked"}


class EventView(NamedTuple):
    """One event as pages show it."""

    id: str
    date: str  # the fetch time, as in changes.json
    day: str  # YYYY-MM-DD
    kind: str
    name: str
    path: str | None  # the spacecraft's page; None when it is no longer in the catalog
    text: str  # what happened, after the name: "renamed from Soyuz 29A"
    sentence: str  # the same on the spacecraft's own page: "Renamed from Soyuz 29A"


class DateGroup(NamedTuple):
    """The events of one fetch on one page of changes."""

    date: str
    label: str  # "2026-11-21", with the time when two fetches share a day
    events: tuple[EventView, ...]


class CraftHistory(NamedTuple):
    """A spacecraft page's History section."""

    since: str | None  # when the history started; None: it has not
    first_seen: str | None  # the date of its "added" event; None: it was there when the history started
    events: tuple[EventView, ...]  # newest first


class ChangesPage(NamedTuple):
    number: int
    total: int
    path: str
    groups: tuple[DateGroup, ...]
    prev: str | None
    next: str | None


def _padded(match: re.Match[str]) -> str:
    return match.group().zfill(12)  # numbers in names in their numeric order, as the catalog's lists have them


def duration_text(value: Any) -> str:
    """An ISO 8601 duration of the API as pages show durations ("36 d 7 h 42 min"); else as it is."""
    match = _SIMPLE_DURATION.fullmatch(value) if isinstance(value, str) else None
    if match and any(match.groups()):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return format_seconds(((days * 24 + hours) * 60 + minutes) * 60 + seconds)
    return _value(value)


def _value(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


_PHASE_WORDS = {"launch": "launch crew", "onboard": "crew on board", "landing": "landing crew"}


def describe_crew(kind: str, before: Any, after: Any) -> str:
    """What a crew, docking or station event says, after the spacecraft's (or the station's) name."""
    value = after if isinstance(after, dict) else before if isinstance(before, dict) else {}
    if kind == "new_station":
        return "new space station in the data"
    if kind in ("crew_added", "crew_removed"):
        role = f" ({value['role']})" if value.get("role") else ""
        crew = f"the {_PHASE_WORDS.get(value.get('phase', ''), 'crew')} of {value.get('launch') or 'a flight'}"
        return (f"{value.get('name')}{role} joined {crew}" if kind == "crew_added"
                else f"{value.get('name')}{role} left {crew}")
    where = value.get("target") or "an unnamed target"
    port = f", port {value['port']}" if value.get("port") else ""
    when = str(value.get("date") or "")[:16].replace("T", " ")
    return f"{kind} {'at' if kind == 'docked' else 'from'} {where}{port} on {when} UTC"


def describe(kind: str, before: Any, after: Any) -> str:
    """What an event says, as the words that follow the spacecraft's name."""
    if kind in CREW_KINDS:
        return describe_crew(kind, before, after)
    if kind == "added":
        return "added to the catalog"
    if kind == "removed":
        return "removed from the catalog"
    if kind == "renamed":
        return f"renamed from {_value(before)}"
    if kind == "in_space":
        return "launched: now in space" if after else "back on Earth"
    if kind == "new_flight":
        flight = after if isinstance(after, dict) else {}
        launch, date = flight.get("launch"), flight.get("date")
        return f"new flight: {launch or 'a launch without a name'}" + (f", {date}" if date else "")
    if kind == "image":
        return "has a new image" if before and after else ("has an image" if after else "no longer has an image")
    if kind == "description":
        return "description rewritten" if before and after else (
            "description added" if after else "description removed")
    show = duration_text if kind in ("time_in_space", "time_docked") else _value
    return f"{_LABELS.get(kind, kind)} changed from {show(before)} to {show(after)}"


class Changes:
    """The history's views for one build: every event newest first, per page, per spacecraft."""

    def __init__(self, history: History, catalog: Catalog) -> None:
        self.history = history
        self.since = history.since
        self.default = CraftHistory(history.since, None, ())  # for every spacecraft without an event
        # The map costs a pass over the spacecraft: not for a history without events.
        shown = {craft.id: craft for craft in catalog.spacecraft} if history.events else {}
        stations = catalog.crew.stations
        pairs: list[tuple[int | None, EventView]] = []
        for event in history.events:
            if event.spacecraft_id is None:  # a new station: its own page, when the data has it
                station = stations.get(event.after["id"]) if isinstance(event.after, dict) else None
                path = path_for(station) if station else None
            else:
                craft = shown.get(event.spacecraft_id)
                path = path_for(craft) if craft else None
            text = visible(describe(event.kind, event.before, event.after))
            pairs.append((event.spacecraft_id, EventView(
                event.id, event.date, event.date[:10], event.kind, visible(event.name),
                path, text, text[:1].upper() + text[1:])))
        # Newest fetch first; in one fetch by name ("Craft 2" before "Craft 10"), each spacecraft's
        # events in the order of the kinds (history.events' own order, which both sorts keep: they are stable).
        pairs.sort(key=lambda pair: (_DIGITS.sub(_padded, pair[1].name.casefold()), pair[0] or -1))
        pairs.sort(key=lambda pair: pair[1].date, reverse=True)
        self.events: tuple[EventView, ...] = tuple(view for _, view in pairs)
        self.latest = self.events[:LATEST]

        days: dict[str, set[str]] = {}
        for view in self.events:
            days.setdefault(view.day, set()).add(view.date)
        self._shared_days = {day for day, dates in days.items() if len(dates) > 1}

        first_seen: dict[int, str] = {}
        for event in history.events:  # oldest first: the first "added" is when it was first seen
            if event.kind == "added" and event.spacecraft_id is not None:
                first_seen.setdefault(event.spacecraft_id, event.date)
        own: dict[int, list[EventView]] = {}
        for ident, view in pairs:
            if ident is not None:  # a station's event is on changes.html only
                own.setdefault(ident, []).append(view)
        self.by_craft = {ident: CraftHistory(history.since, first_seen.get(ident), tuple(views))
                         for ident, views in own.items()}

    def of(self, craft: Spacecraft) -> CraftHistory:
        """A spacecraft's History section."""
        return self.by_craft.get(craft.id, self.default)

    def label(self, date: str) -> str:
        return f"{date[:10]}, {date[11:16]} UTC" if date[:10] in self._shared_days else date[:10]

    def pages(self, size: int = CHANGES_PAGE_SIZE) -> list[ChangesPage]:
        """changes.html, then changes-2.html... newest first, `size` events a page, each under its fetch's date."""
        chunks = [self.events[n:n + size] for n in range(0, len(self.events), size)] or [()]
        total = len(chunks)
        out = []
        for number, chunk in enumerate(chunks, start=1):
            groups: list[DateGroup] = []
            for view in chunk:
                if not groups or groups[-1].date != view.date:
                    groups.append(DateGroup(view.date, self.label(view.date), ()))
                groups[-1] = groups[-1]._replace(events=groups[-1].events + (view,))
            out.append(ChangesPage(number, total, Urls.changes_page(number), tuple(groups),
                                   Urls.changes_page(number - 1) if number > 1 else None,
                                   Urls.changes_page(number + 1) if number < total else None))
        return out

    @property
    def has_feed(self) -> bool:
        """Whether the site publishes (and announces) changes.xml: once the history has started."""
        return self.since is not None

    def feed(self, urls: Urls, title: str = DEFAULT_TITLE) -> bytes:
        """changes.xml: the most recent events as an Atom 1.0 feed, named after the site's title."""
        assert self.since is not None  # no feed before the history starts

        def href(path: str) -> str:  # site-relative paths are relative to the feed, at the site root
            return _attr(urls.absolute(path) or path)

        entries = self.events[:FEED_SIZE]
        lines = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
                 f"<id>{TAG}changes</id>", f"<title>{_text(FEED_TITLE.format(title=title))}</title>",
                 "<subtitle>What changed in the spacecraft records of Launch Library 2 between the catalog's "
                 "fetches: new and removed spacecraft, launches and landings, names, statuses, flights.</subtitle>",
                 f"<updated>{entries[0].date if entries else self.since}</updated>",
                 f"<author><name>{_text(title)}</name></author>",
                 f'<link rel="self" type="application/atom+xml" href="{href(Urls.changes_feed)}"/>',
                 f'<link rel="alternate" type="text/html" href="{href(Urls.changes)}"/>',
                 "<generator>Spacecraft Catalog</generator>"]
        for e in entries:
            title = _text(f"{e.name} {e.text}")
            lines += ["<entry>", f"<id>{TAG}event/{e.id}</id>", f"<title>{title}</title>",
                      f"<updated>{e.date}</updated>",
                      f'<link rel="alternate" type="text/html" href="{href(e.path or Urls.changes)}"/>',
                      f'<category term="{e.kind}"/>',
                      f"<summary>{title} (fetch of {e.date[:10]}).</summary>", "</entry>"]
        lines.append("</feed>")
        return ("\n".join(lines) + "\n").encode()

    def publisher(self, urls: Urls, title: str = DEFAULT_TITLE) -> Callable[[Writer], None]:
        """The job that writes changes.json, and changes.xml once the history has started."""
        def publish(writer: Writer) -> None:
            writer.write(Urls.changes_json, dumps(self.history))
            if self.has_feed:
                writer.write(Urls.changes_feed, self.feed(urls, title))

        return publish


def visible(value: str) -> str:
    """Text as pages and the feed show it: without control characters (a seeded name may hold U+0000)."""
    return _NOT_TEXT.sub("", value)


def _text(value: str) -> str:
    """Text for an XML element, without the characters XML 1.0 cannot hold."""
    return xml_text(visible(value))


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
