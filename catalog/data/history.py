"""The catalog's history: what changed in the records between one fetch and the next.

Each completed --fetch compares the new records with those of the previous fetch, by LL2 id, and
records dated events. The date of an event is the fetch time of the data that showed it, never
the build's clock. The first fetch starts the history ("tracking since"); a build from the
shipped snapshot has none.

The history lives in the cache (CacheLayout.history):

- ``events.json``: every event, in the format published as ``changes.json`` (below). Builds read
  it, and it is part of the up-to-date check.
- ``state-<fetched_at>.json``: a small projection of the records of the last fetch compared (the
  fields below, nothing else), which the next fetch compares with. ``events.json``'s ``updated``
  names it, so writing ``events.json`` is the one step that commits a fetch to the history: the
  new state is written first, the old one removed after. A crash in between leaves the previous
  history whole, and the next fetch finds every change again; an event is never lost or recorded
  twice.

If the cache loses its history (the Pages workflow's cache can be evicted), a --fetch with a base
URL seeds it from the site's published ``changes.json``, and compares with the cached data file
when that is not older than the published history, else with the records the site published
(``data/spacecraft.json``: the fields it shows as the API does, PUBLISHED_UNKNOWN left out). The
change since the last publish is then recorded once, dated at this fetch. When those cannot be
read either, one warning says so and the fetch records no events (never an "added" for every
record); the history goes on from it. A published history that goes further than this fetch (its clock
ran ahead) is kept as it is. A seed that fails (unreachable, not a changes.json) records nothing:
a new history committed then would be published over the old one, so the next fetch asks again.
A published ``changes.json`` with no history yet (``since`` null) starts it. Deleting the history
folder, with --no-seed, starts it again.

changes.json, format version 1 (stable: fields may be added, never renamed or removed), here with
one event; the file has keys sorted and one event a line (dumps()), so a published diff shows the
new ones::

    {"events": [{"after": "Retired", "before": "Active", "date": "2026-11-21T06:00:00Z",
                 "id": "60967c640b008b41", "kind": "status", "name": "Soyuz 29", "spacecraft_id": 178}],
     "since": "2026-11-20T06:00:00Z",
     "updated": "2026-11-22T06:00:00Z",
     "version": 1}

- ``since``: the fetch that started the history; ``updated``: the last fetch compared (a fetch
  that found no change moves it too). Both null when there is no history yet.
- ``events``: oldest first; on one date by spacecraft id, then in the order of KINDS. Dates are
  UTC, ``YYYY-MM-DDTHH:MM:SSZ``: ASCII digits, a real calendar date and time of day.
- Integers (ids, counts) are those every JSON reader reads exactly (I-JSON, RFC 7493): from
  -(2**53 - 1) to 2**53 - 1. A record with a larger one gets it recorded as unknown (a warning
  names the record and the field); an event holding one is a bad event.
- Reading a history (the cache's or a published copy), a bad event is left out with a warning
  naming the file or URL and the event; the rest of the history is kept. A bad document (its
  version, ``since``, ``updated``, ``events``) is refused whole.
- ``spacecraft_id`` is the LL2 id; ``name`` the spacecraft's name in that fetch (for ``removed``,
  its last name).
- ``id``: the first 16 hex digits of the SHA-256 of the JSON array ``[date, spacecraft_id, kind,
  before, after]`` (no spaces, keys sorted, UTF-8): the same event always has the same id.
- ``kind``, and what ``before`` and ``after`` hold (null where the API gave nothing):

  ========================  ==========================================================
  added, removed            both null
  renamed                   the old and the new name
  status                    the status names ("Active", "Retired"...)
  in_space                  false and true: launched; true and false: back on Earth
  new_flight                null, then {"id", "launch", "date"} of the flight (detailed mode)
  flights_count             integers
  mission_ends_count        integers
  time_in_space             ISO 8601 durations as the API gives them ("P36DT7H42M8S")
  time_docked               ISO 8601 durations
  configuration             configuration names (compared by configuration id)
  image                     the URL of the spacecraft's own image (not its configuration's)
  description               the old and the new text
  crew_added, crew_removed  null and a seat, or a seat and null: {"flight", "launch", "astronaut",
                            "name", "phase", "role"} (flight and person ids, the launch's and the
                            person's names, phase "launch" | "onboard" | "landing", the role)
  docked, undocked          null, then {"event", "flight", "station", "target", "port", "date"}:
                            the docking event's id, its flight's, the station's (null for a vehicle),
                            the name docked to and the port, as given; "date" is the docking or the
                            departure, UTC like the events' dates
  new_station               null, then {"id", "name"} of the station; the event's ``spacecraft_id``
                            is null (no spacecraft) and its ``name`` the station's
  ========================  ==========================================================

The crew kinds (added in issue 26; the format stays version 1) compare the flights and stations
data of two fetches (data/crewdata.py's files), kept in the state under ``crew``: the seats of each
flight of a catalog spacecraft, keyed by (flight, person, phase) and compared only in a crew list
both fetches give (a list not given is unknown, not empty); the docking events by id (a new one is
``docked``, a departure that appears ``undocked``); the stations by id. A state without ``crew`` (an
older one, or one seeded from published data) records none of them, never "new" for everything.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from ..config import CacheLayout, FetchOptions
from ..errors import CatalogError
from ..files import atomic_file
from .normalize import http_url, integer, iso_date, shown, text
from .weburl import same_origin  # the one origin check, shared with the API client

log = logging.getLogger(__name__)

VERSION = 1  # of changes.json and events.json
STATE_VERSION = 1  # of the state files: a state of another version is not compared with
KINDS = ("added", "removed", "renamed", "status", "in_space", "new_flight", "flights_count", "mission_ends_count",
         "time_in_space", "time_docked", "configuration", "image", "description",
         "crew_added", "crew_removed", "docked", "undocked", "new_station")  # the last five: crew.py's data
CREW_KINDS = frozenset(KINDS[-5:])
KIND_ORDER = {kind: n for n, kind in enumerate(KINDS)}
MAX_INTEGER = 2**53 - 1  # I-JSON (RFC 7493): beyond it, JSON readers disagree (orjson, JavaScript, json)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")  # ASCII: \d matches any script's digits
_ID = re.compile(r"[0-9a-f]{16}")
# The history's files are written and read by this one codec (json both ways, no NaN), so whatever
# is written reads back: orjson read a 65-bit integer as a float, which refused the whole history.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)

Projection = dict[str, Any]  # the fields of one record that the history compares (project())


@dataclass(frozen=True, slots=True)
class Event:
    """One change of one spacecraft, seen by the fetch made at `date`."""

    id: str
    date: str
    spacecraft_id: int | None  # None only for a new_station event
    name: str
    kind: str
    before: Any
    after: Any

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "date": self.date, "spacecraft_id": self.spacecraft_id, "name": self.name,
                "kind": self.kind, "before": self.before, "after": self.after}


@dataclass(frozen=True, slots=True)
class History:
    """Every event recorded (oldest first), since the fetch that started the history."""

    since: str | None
    updated: str | None
    events: tuple[Event, ...] = ()


EMPTY = History(since=None, updated=None)


def event_id(date: str, spacecraft_id: int | None, kind: str, before: Any, after: Any) -> str:
    """The stable id of an event: a digest of everything it says."""
    return hashlib.sha256(_JSON.encode([date, spacecraft_id, kind, before, after]).encode()).hexdigest()[:16]


def make_event(date: str, spacecraft_id: int | None, name: str, kind: str, before: Any = None, after: Any = None) -> Event:
    return Event(event_id(date, spacecraft_id, kind, before, after), date, spacecraft_id, name, kind, before, after)


def _order(event: Event) -> tuple[str, int, int, str]:
    ident = -1 if event.spacecraft_id is None else event.spacecraft_id  # a station's events before the spacecraft's
    return (event.date, ident, KIND_ORDER[event.kind], event.id)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode(data: bytes) -> Any:
    """A history file's JSON, read by the rules it was written with (_JSON); ValueError when it is not."""
    try:
        return json.loads(data, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deeply to read") from None


def is_date(value: Any) -> bool:
    """Whether value is a date of the history: UTC, YYYY-MM-DDTHH:MM:SSZ in ASCII digits, a real calendar
    date and time of day (no 2026-02-31, no 25:61)."""
    if not (isinstance(value, str) and _DATE.fullmatch(value)):
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def history_integer(value: Any) -> int | None:
    """The value when it is an integer every JSON reader reads exactly (|n| <= MAX_INTEGER), else None."""
    number = integer(value)
    return number if number is not None and -MAX_INTEGER <= number <= MAX_INTEGER else None


def _out_of_range(value: Any) -> bool:
    return integer(value) is not None and history_integer(value) is None


# --- Comparing two fetches -------------------------------------------------------------------------

def project(raw: Any, *, warn: bool = True) -> tuple[int, Projection] | None:
    """The id and the compared fields of one raw record; None for one without an id or a name.

    An integer out of the history's range is a bad value of its record: recorded as unknown (a
    flight with such an id is left out), with a warning naming the record and the field.
    """
    if not isinstance(raw, dict):
        return None
    ident, name = integer(raw.get("id")), text(raw.get("name"))
    if ident is None or name is None:
        return None
    where = f"spacecraft {ident} ({shown(name, 80)})"
    if _out_of_range(ident):
        if warn:
            log.warning("%s: id %d is not an integer from %d to %d; the history leaves the record out",
                        where, ident, -MAX_INTEGER, MAX_INTEGER)
        return None

    def number(value: Any, field: str) -> int | None:
        if warn and _out_of_range(value):
            log.warning("%s: %s %d is not an integer from %d to %d; the history records it as unknown",
                        where, field, value, -MAX_INTEGER, MAX_INTEGER)
        return history_integer(value)

    status, config, image = _obj(raw.get("status")), _obj(raw.get("spacecraft_config")), _obj(raw.get("image"))
    flights = raw.get("flights")
    return ident, {
        "name": name,
        "status_id": number(status.get("id"), "status.id"), "status": text(status.get("name")),
        "in_space": raw.get("in_space") is True,
        "flights_count": number(raw.get("flights_count"), "flights_count"),
        "mission_ends_count": number(raw.get("mission_ends_count"), "mission_ends_count"),
        "time_in_space": text(raw.get("time_in_space")), "time_docked": text(raw.get("time_docked")),
        "configuration_id": number(config.get("id"), "spacecraft_config.id"),
        "configuration": text(config.get("name")),
        "image": http_url(image.get("image_url")) or http_url(image.get("thumbnail_url")),
        "description": text(raw.get("description")),
        "flights": sorted(_flights(flights, number)) if isinstance(flights, list) else None,  # None: normal mode
    }


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _flights(raw: list[Any], number: Callable[[Any, str], int | None]) -> Iterator[list[Any]]:
    for n, item in enumerate(raw):
        if isinstance(item, dict) and number(item.get("id"), f"flights[{n}].id") is not None:
            launch = _obj(item.get("launch"))
            yield [item["id"], text(launch.get("name")), iso_date(launch.get("net"))]


def project_all(records: Iterable[Any], *, warn: bool = True) -> dict[int, Projection]:
    """The projection of every usable record, by id (warn=False: records already warned about)."""
    return dict(p for p in (project(raw, warn=warn) for raw in records) if p is not None)


_COUNTS = ("flights_count", "mission_ends_count", "time_in_space", "time_docked")


def compare(old: dict[int, Projection], new: dict[int, Projection], date: str) -> list[Event]:
    """The events that lead from the records `old` to `new`, dated `date`, in changes.json's order."""
    events: list[Event] = []
    for ident in sorted(old.keys() | new.keys()):
        a, b = old.get(ident), new.get(ident)
        if a is not None and b is not None:
            events += (make_event(date, ident, b["name"], kind, before, after) for kind, before, after in changes(a, b))
        elif b is not None:
            events.append(make_event(date, ident, b["name"], "added"))
        elif a is not None:
            events.append(make_event(date, ident, a["name"], "removed"))
    events.sort(key=_order)
    return events


def changes(a: Projection, b: Projection) -> Iterator[tuple[str, Any, Any]]:
    """(kind, before, after) of each difference between two projections of one spacecraft; a field
    that `a` does not hold (a state seeded from published data: PUBLISHED_UNKNOWN) is not compared."""
    if "name" in a and a["name"] != b["name"]:
        yield "renamed", a.get("name"), b["name"]
    if "status_id" in a and a["status_id"] != b["status_id"]:
        yield "status", a.get("status"), b["status"]
    if "in_space" in a and a["in_space"] != b["in_space"]:
        yield "in_space", a.get("in_space"), b["in_space"]
    if a.get("flights") is not None and b["flights"] is not None:  # both detailed: which flights are new
        known = {flight[0] for flight in a["flights"]}
        for fid, launch, when in b["flights"]:
            if fid not in known:
                yield "new_flight", None, {"date": when, "id": fid, "launch": launch}
    for field in _COUNTS:
        if field in a and a[field] != b[field]:
            yield field, a.get(field), b[field]
    if "configuration_id" in a and a["configuration_id"] != b["configuration_id"]:
        yield "configuration", a.get("configuration"), b["configuration"]
    if "image" in a and a["image"] != b["image"]:
        yield "image", a.get("image"), b["image"]
    if "description" in a and a["description"] != b["description"]:
        yield "description", a.get("description"), b["description"]


# --- changes.json: reading, checking and writing ---------------------------------------------------

def dumps(history: History) -> bytes:
    """changes.json's bytes: keys sorted, one event per line (a published diff shows the new ones)."""
    events = ",\n".join(_JSON.encode(e.as_json()) for e in history.events)
    return (f'{{"events":[{chr(10) + events + chr(10) if events else ""}],"since":{_JSON.encode(history.since)},'
            f'"updated":{_JSON.encode(history.updated)},"version":{VERSION}}}\n').encode()


def parse(data: Any, *, source: str = "changes.json") -> History:
    """Check a changes.json document against its schema (ids included) and return its history.

    A bad document raises ValueError naming the first problem found. A bad event is left out, with
    a warning naming `source` (the file or URL) and the event: one bad value never costs the history.
    """
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r}, not {VERSION}")
    since, updated, raw_events = data.get("since"), data.get("updated"), data.get("events")
    for name, value in (("since", since), ("updated", updated)):
        if value is not None and not is_date(value):
            raise ValueError(f"{name}: {value!r} is not a date like 2026-11-20T06:00:00Z")
    if (since is None) != (updated is None) or (since and updated and updated < since):
        raise ValueError(f"since {since!r} and updated {updated!r} do not go together")
    if not isinstance(raw_events, list):
        raise ValueError("events: not a list")
    events: list[Event] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_events):
        try:
            event = _event(raw, f"events[{n}]")
            if since is None or not since <= event.date <= (updated or ""):
                raise ValueError(f"events[{n}]: date {event.date} is outside the history ({since} to {updated})")
            if event.id in seen:
                raise ValueError(f"events[{n}]: id {event.id} is there twice")
        except ValueError as exc:
            log.warning("%s: %s; the event is left out", source, shown(str(exc), 300))
            continue
        seen.add(event.id)
        events.append(event)
    events.sort(key=_order)
    return History(since=since, updated=updated, events=tuple(events))


def _none(value: Any) -> bool:
    return value is None


def _str(value: Any) -> bool:
    return value is None or (isinstance(value, str) and bool(value))


def _int(value: Any) -> bool:
    return value is None or history_integer(value) is not None


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _flight(value: Any) -> bool:
    return (isinstance(value, dict) and history_integer(value.get("id")) is not None
            and _str(value.get("launch")) and (value.get("date") is None or _str(value.get("date"))))


def _ident(value: Any) -> bool:
    return history_integer(value) is not None and not isinstance(value, bool)


def _seat(value: Any) -> bool:
    return (isinstance(value, dict) and _ident(value.get("flight")) and _ident(value.get("astronaut"))
            and value.get("phase") in ("launch", "onboard", "landing")
            and all(_str(value.get(k)) for k in ("launch", "name", "role")))


def _docking(value: Any) -> bool:
    return (isinstance(value, dict) and _ident(value.get("event")) and _ident(value.get("flight"))
            and _int(value.get("station")) and _str(value.get("target")) and _str(value.get("port"))
            and is_date(value.get("date")))


def _station(value: Any) -> bool:
    return isinstance(value, dict) and _ident(value.get("id")) and isinstance(value.get("name"), str) and bool(
        value["name"])


# What each kind's before and after may hold (the table in the docstring).
_VALUES: dict[str, tuple[Callable[[Any], bool], Callable[[Any], bool]]] = {
    "added": (_none, _none), "removed": (_none, _none), "in_space": (_bool, _bool), "new_flight": (_none, _flight),
    "flights_count": (_int, _int), "mission_ends_count": (_int, _int),
    **{kind: (_str, _str) for kind in ("renamed", "status", "time_in_space", "time_docked", "configuration",
                                        "image", "description")},
    "crew_added": (_none, _seat), "crew_removed": (_seat, _none), "docked": (_none, _docking),
    "undocked": (_none, _docking), "new_station": (_none, _station),
}
assert _VALUES.keys() == KIND_ORDER.keys()


def _event(raw: Any, where: str) -> Event:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: not an object")
    missing = {"id", "date", "spacecraft_id", "name", "kind", "before", "after"} - raw.keys()
    if missing:
        raise ValueError(f"{where}: no {', '.join(sorted(missing))}")
    date, ident, name, kind = raw["date"], raw["spacecraft_id"], raw["name"], raw["kind"]
    if not is_date(date):
        raise ValueError(f"{where}.date: {date!r} is not a date like 2026-11-20T06:00:00Z")
    if (kind == "new_station") != (ident is None):
        raise ValueError(f"{where}.spacecraft_id: {ident!r}: null for a new_station event, and only for it")
    if ident is not None and history_integer(ident) is None:
        raise ValueError(f"{where}.spacecraft_id: {ident!r} is not an integer from {-MAX_INTEGER} to {MAX_INTEGER}")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}.name: not a non-empty string")
    if kind not in KIND_ORDER:
        raise ValueError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    for side in ("before", "after"):
        if not _VALUES[kind][side == "after"](raw[side]):
            raise ValueError(f"{where}.{side}: {raw[side]!r} is not what a {kind} event holds")
    if not (isinstance(raw["id"], str) and _ID.fullmatch(raw["id"])) or raw["id"] != event_id(
            date, ident, kind, raw["before"], raw["after"]):
        raise ValueError(f"{where}.id: {raw['id']!r} is not the id of what the event says")
    return Event(raw["id"], date, ident, name, kind, raw["before"], raw["after"])


def read(path: Path) -> History | None:
    """The history in a file of changes.json's format; None when there is none (a warning when it is unusable)."""
    try:
        return parse(decode(path.read_bytes()), source=str(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cannot read the history in %s: %s; it is ignored", path, exc.strerror or exc)
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too
        log.warning("the history in %s is not valid (%s); it is ignored", path, shown(str(exc), 300))
    return None


def load(caches: CacheLayout) -> History:
    """The history a build shows: the cache's, else none."""
    return read(caches.history_events) or EMPTY


# --- Recording a fetch -----------------------------------------------------------------------------

class Update(NamedTuple):
    """What a fetch adds to the history, ready to be written by commit()."""

    history: History
    state: dict[int, Projection]  # the new records' projection, for the next fetch
    added: int  # events this fetch found
    crew: Projection | None = None  # the crew, dockings and stations of the fetch (project_crew)


def record(caches: CacheLayout, records: list[Any], fetched_at: str, *,
           seed: Callable[[], History | None] | None = None,
           seed_state: Callable[[], dict[int, Projection] | None] | None = None) -> Update | None:
    """Compare a completed fetch with the last one in the history; None when there is nothing to record.

    Run it before the new records replace the cached data file (the file is a fallback base for a
    seeded history). `seed` gives the published history, asked only when the cache holds none; when
    it gives none (it said why), nothing is recorded, so the next fetch asks again rather than
    starting a history that a deploy would publish over the old one. `seed_state` gives the records
    the site published with that history, compared when the cache has no records of its last fetch.
    """
    current = read(caches.history_events)
    seeded = False
    if current is None and seed is not None:
        current, seeded = seed(), True
        if current is None:
            return None
    if current is not None and current.updated is not None and fetched_at <= current.updated:
        (log.info if fetched_at == current.updated else log.warning)(
            "the history already goes up to %s (this fetch: %s): its changes are left to the next fetch",
            current.updated, fetched_at)
        if seeded:  # kept as published, with these records for the next fetch to compare with
            state = project_all(records)
            return Update(current, state, 0, project_crew(caches, state))
        # Nothing is lost: the state stays that of the last fetch recorded, which the next one compares with.
        return None
    state = project_all(records)
    crew = project_crew(caches, state)
    if current is None or current.since is None or current.updated is None:
        log.info("the history of changes starts with this fetch (%s)", fetched_at)
        return Update(History(since=fetched_at, updated=fetched_at), state, 0, crew)
    base = read_state(caches, current.updated) or previous_data(caches, not_before=current.updated)
    asked = base is None and seeded and seed_state is not None
    if asked:
        base = seed_state() if seed_state is not None else None  # None: it warned, saying why
    if base is None:
        (log.info if asked else log.warning)("no records of the history's last fetch (%s) to compare with: changes until this fetch "
                    "are not recorded", current.updated)
        new: list[Event] = []
    else:
        new = compare(base, state, fetched_at)
        new += compare_crew(read_crew_state(caches, current.updated), crew, state, fetched_at)
        new.sort(key=_order)
    log.info("history: %d change%s since %s", len(new), "" if len(new) == 1 else "s", current.updated)
    events = current.events + tuple(new)  # every new event is dated after every recorded one
    return Update(History(since=current.since, updated=fetched_at, events=events), state, len(new), crew)


def commit(caches: CacheLayout, update: Update) -> None:
    """Write the new state, then events.json (the step that makes the fetch part of the history),
    then remove the older states."""
    assert update.history.updated is not None  # record() dates every update
    state_file = caches.history_state(update.history.updated)
    with atomic_file(state_file, "w", fsync=True) as out:
        out.write(_JSON.encode({"crew": update.crew, "fetched_at": update.history.updated, "records": update.state,
                                "version": STATE_VERSION}))
    with atomic_file(caches.history_events, "wb", fsync=True) as out:
        out.write(dumps(update.history))
    for stale in caches.history_states():
        if stale != state_file:
            stale.unlink(missing_ok=True)
    log.debug("recorded %d change%s in %s", update.added, "" if update.added == 1 else "s", caches.history_events)


def read_state(caches: CacheLayout, fetched_at: str) -> dict[int, Projection] | None:
    """The records the history compared last, when the cache has them."""
    path = caches.history_state(fetched_at)
    try:
        data = decode(path.read_bytes())
        if data.get("version") != STATE_VERSION or data.get("fetched_at") != fetched_at:
            return None
        return {int(k): v for k, v in data["records"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring the history's state %s: %s", path, exc)
        return None


def read_crew_state(caches: CacheLayout, fetched_at: str) -> Projection | None:
    """The crew, dockings and stations the history compared last; None when the state has none."""
    try:
        data = decode(caches.history_state(fetched_at).read_bytes())
        crew = data.get("crew") if data.get("version") == STATE_VERSION and data.get("fetched_at") == fetched_at else None
    except (OSError, ValueError, AttributeError):
        return None  # read_state said why, when it matters
    return crew if isinstance(crew, dict) else None


# --- Crew, dockings and stations (issue 26) -------------------------------------------------------

def project_crew(caches: CacheLayout, spacecraft: dict[int, Projection]) -> Projection | None:
    """What the history compares of the cache's flights and stations data, for the catalog's spacecraft
    (`spacecraft`: the projection of this fetch's records); None when neither endpoint was ever fetched.

    {"flights": {flight id: {"spacecraft", "launch", "crew": {phase: [[person id, name, role], ...] or
    null}}} or null, "dockings": {event id: [flight, docking, departure, station, target, port]} or
    null, "stations": {station id: name} or null}; ids as strings (JSON object keys).
    """
    from .crewdata import crew_seats, docking_fields, read_source

    flights_source, flights = read_source("flights", caches.endpoint_data("flights"))
    stations_source, stations = read_source("stations", caches.endpoint_data("stations"))
    if not (flights_source.fetched or stations_source.fetched):
        return None
    listed = {f[0]: ident for ident, p in spacecraft.items() for f in p.get("flights") or ()}
    out: dict[str, Any] = {"flights": None, "dockings": None, "stations": None}
    if flights_source.fetched:
        out["flights"], out["dockings"] = {}, {}
        for raw in flights:
            craft = integer(_obj(raw.get("spacecraft")).get("id"))
            craft = craft if craft in spacecraft else listed.get(raw["id"])
            if craft is None or not _ident(raw["id"]):
                continue
            out["flights"][str(raw["id"])] = {
                "spacecraft": craft, "launch": text(_obj(raw.get("launch")).get("name")),
                "crew": {phase: crew_seats(raw, phase) for phase in ("launch", "onboard", "landing")}}
            for ident, fields in docking_fields(raw):
                if _ident(ident):
                    out["dockings"][str(ident)] = [raw["id"], *fields]
    if stations_source.fetched:
        out["stations"] = {str(raw["id"]): text(raw.get("name")) or f"Station {raw['id']}" for raw in stations
                           if _ident(raw["id"])}
    return out


def compare_crew(old: Projection | None, new: Projection | None, spacecraft: dict[int, Projection],
                 date: str) -> list[Event]:
    """The crew, docking and station events from one fetch's crew projection to the next's (none
    when either lacks that part: unknown is not empty)."""
    if old is None or new is None:
        return []
    events: list[Event] = []

    def add(craft: int | None, kind: str, before: Any, after: Any, name: str | None = None) -> None:
        label = name or (spacecraft[craft]["name"] if craft in spacecraft else f"Spacecraft {craft}")
        events.append(make_event(date, craft, label, kind, before, after))

    if old.get("flights") is not None and new.get("flights") is not None:
        for fid in sorted(new["flights"], key=int):
            flight, before = new["flights"][fid], old["flights"].get(fid, {"crew": {}})
            for phase, seats in flight["crew"].items():
                was = before["crew"].get(phase, [] if fid not in old["flights"] else None)
                if seats is None or was is None:  # a list not given: unknown, never compared
                    continue
                then, now = {s[0]: s for s in was}, {s[0]: s for s in seats}
                for person in sorted(now.keys() - then.keys()):
                    add(flight["spacecraft"], "crew_added", None, _seat_value(fid, flight, phase, now[person]))
                for person in sorted(then.keys() - now.keys()):
                    add(flight["spacecraft"], "crew_removed", _seat_value(fid, flight, phase, then[person]), None)
    if old.get("dockings") is not None and new.get("dockings") is not None:
        crafts = {fid: f["spacecraft"] for fid, f in (new.get("flights") or {}).items()}
        for eid in sorted(new["dockings"], key=int):
            flight, docking, departure, *_ = fields = new["dockings"][eid]
            craft = crafts.get(str(flight))
            if craft is None:
                continue
            known = old["dockings"].get(eid)
            if known is None:
                add(craft, "docked", None, _docking_value(eid, fields, docking))
            if departure is not None and (known is None or known[2] is None):
                add(craft, "undocked", None, _docking_value(eid, fields, departure))
    if old.get("stations") is not None and new.get("stations") is not None:
        for sid in sorted(new["stations"].keys() - old["stations"].keys(), key=int):
            add(None, "new_station", None, {"id": int(sid), "name": new["stations"][sid]}, new["stations"][sid])
    return events


def _seat_value(flight: str, projected: Projection, phase: str, seat: list[Any]) -> dict[str, Any]:
    person, name, role = seat
    return {"flight": int(flight), "launch": projected["launch"], "astronaut": person,
            "name": name, "phase": phase, "role": role}


def _docking_value(event: str, fields: list[Any], date: str) -> dict[str, Any]:
    flight, _, _, station, target, port = fields
    return {"event": int(event), "flight": flight, "station": station, "target": target, "port": port, "date": date}


def previous_data(caches: CacheLayout, *, not_before: str) -> dict[int, Projection] | None:
    """The cached data file's records, when they were fetched no earlier than `not_before`."""
    from .snapshot import iter_records, read_meta

    path = caches.data_file
    if not path.is_file():
        return None
    try:
        fetched_at = read_meta(path).fetched_at
    except CatalogError:
        return None
    if not isinstance(fetched_at, str) or fetched_at < not_before:
        return None
    log.info("comparing with the records of %s in %s", fetched_at, path)
    return project_all(iter_records(path), warn=False)  # warned about when they were fetched


# --- Seeding from the published copy ---------------------------------------------------------------

# What the published spacecraft.json cannot tell as the API does (durations, images and descriptions
# come out normalized): a state seeded from it leaves them out, and they are not compared.
PUBLISHED_UNKNOWN = ("time_in_space", "time_docked", "image", "description")


def project_published(record: Any) -> tuple[int, Projection] | None:
    """The projection of one record of the published data/spacecraft.json (site/exports.py), without
    the fields it cannot tell (PUBLISHED_UNKNOWN)."""
    if not isinstance(record, dict):
        return None
    config, flights = _obj(record.get("configuration")), record.get("flights")
    raw = {"id": record.get("id"), "name": record.get("name"), "status": record.get("status"),
           "in_space": record.get("in_space"), "flights_count": record.get("flights_count"),
           "mission_ends_count": record.get("mission_ends_count"),
           "spacecraft_config": {"id": config.get("id"), "name": config.get("name")},
           "flights": [{"id": f.get("id"), "launch": {"name": f.get("launch_name"), "net": f.get("launch_date")}}
                       for f in flights if isinstance(f, dict)] if isinstance(flights, list) else None}
    found = project(raw, warn=False)
    if found is None:
        return None
    ident, projection = found
    return ident, {k: v for k, v in projection.items() if k not in PUBLISHED_UNKNOWN}


def published_state(url: str, options: FetchOptions) -> dict[int, Projection] | None:
    """The records a site published at url (its data/spacecraft.json), as the history compares them;
    None, with a one-line warning, when they cannot be had: the fetch then records no events."""
    from .transport import Client

    if not same_origin(url, options.api_url):
        options = options._replace(api_key=None)
    try:
        data = Client(options).get_value(url)
    except CatalogError as exc:
        log.warning("the published records were not read (%s); this fetch records no changes", exc)
        return None
    state = dict(p for p in map(project_published, data if isinstance(data, list) else []) if p is not None)
    if not state:
        log.warning("the published records were not read: %s is not a spacecraft.json with records; this fetch "
                    "records no changes", url)
        return None
    log.info("comparing with the %d records published at %s", len(state), url)
    return state

_NOT_SEEDED = "this fetch records no changes, and the next --fetch tries the seed again"


def published(url: str, options: FetchOptions) -> History | None:
    """The history a site published at url (its changes.json); None, with a one-line warning, when
    it cannot be had. The API key goes only to the API's own origin."""
    from .transport import Client

    if not same_origin(url, options.api_url):
        options = options._replace(api_key=None)
    try:
        history = parse(Client(options).get_json(url), source=url)
    except CatalogError as exc:
        log.warning("the history was not seeded (%s); %s", exc, _NOT_SEEDED)
        return None
    except ValueError as exc:
        log.warning("the history was not seeded: %s is not a valid changes.json (%s); %s", url,
                    shown(str(exc), 300), _NOT_SEEDED)
        return None
    log.info("seeded the history from %s: %d events since %s", url, len(history.events), history.since)
    return history
