"""Make the sample shipped in content/: real LL2 records, hand-picked, in the 2.3.0 detailed shape.

    python scripts/make_sample.py [--shared ../shared]

Reads the real records gathered in shared/real-ll2/ (each with a `_source`) and the seed page in
shared/seed/, keeps LL2's values, converts older shapes (2.0.0-2.2.0) to 2.3.0's
SpacecraftEndpointDetailed, and writes content/data/spacecraft.jsonl (the format of
catalog/data/snapshot.py), content/data/flights.jsonl and content/data/stations.jsonl (the cache's
format of the flights and stations endpoints: catalog/data/crawl.py write_data) and
content/README.md (where each record came from, why it is there).
Only this script reads shared/: the build and the tests read content/ alone.

Conversion, the same for every record:
- the configuration is LL2's 2.3.0 detailed one of the same id (shared/reference), where the
  source had an older or shorter one;
- `flights` lists the flights of that spacecraft found in flights-real.json (SpacecraftFlightNormal,
  plus the crews and docking events where the source gives them), by launch date; null (not given)
  where no source lists any flight of it: an empty list would say it never flew;
- fields the source's API version did not have stay null ("not given"), never a guessed value;
- `url` points at the 2.3.0 record; `response_mode` is "detailed"; `_source` moves to the README.

The flights and stations, 2.3.0's SpacecraftFlightDetailed and SpaceStationDetailed:
- flights.jsonl holds every flight of the sample's spacecraft that flights-real.json has, with its
  crews as the source gives them (null: unknown), each person's fuller record from
  astronauts-real.json at their first seat (AstronautNormal at the others), and its docking events (the flight's own, joined by id with
  docking-events-real.json, as DockingEventForChaserNormal); the nested spacecraft is cut to its
  id, url and name (the whole record is in spacecraft.jsonl);
- stations.jsonl holds every station of stations-real.json, nested records (owners, the vehicle
  docked at a port) cut to their ids, urls and names;
- each record keeps its `_source`, as the real records do.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
API = "https://ll.thespacedevs.com/2.3.0/"
API_COUNT = 592  # the count of the 2.3.0 spacecraft endpoint on the seed page (shared/seed)

# id -> why it is in the sample. The order is the README's.
PICKS: dict[int, str] = {
    40: "a retired orbiter with many flights: all 25 of its flights, STS-49 to STS-134",
    38: "a retired orbiter with some of its flights listed (14 of 39): a listed count below the real one",
    39: "a retired orbiter with 18 of its 33 flights listed",
    36: "a destroyed orbiter with no flight listed and no count given",
    37: "a destroyed orbiter, no flight listed",
    612: "in space now (as of its source, July 2026), with its own picture and a given 0 mission ends",
    551: "in space now, reusable: 5 flights given, 1 listed",
    289: "reusable crew capsule, 5 flights given (as of September 2024), 2 listed; shares a name with the orbiter",
    626: "a cargo vehicle in space now",
    627: "a Chinese cargo vehicle in space now",
    629: "a Chinese crew capsule in space now",
    452: "a placeholder record (serial and history unknown), flights_count given as 0",
    233: "a destroyed capsule (lost in a ground test after one flight)",
    3: "a single-use capsule with its one flight: Mercury-Redstone 4, Liberty Bell 7",
    1: "a single-use capsule whose flight (Apollo 11) is only in its description",
    215: "a reused cargo capsule, three flights listed",
    217: "a reused cargo capsule, three flights listed",
    155: "a single-use cargo vehicle of another agency (ESA's ATV)",
    172: "a single-use Japanese cargo vehicle (HTV)",
    539: "an active capsule with no flight listed",
    178: "single-use capsule, figures given by the API (2.3.0 normal mode)",
    207: "single-use capsule, figures given by the API",
    369: "single-use cargo vehicle, figures given by the API",
    402: "single-use cargo vehicle, figures given by the API",
    438: "single-use capsule, figures given by the API",
    490: "single-use capsule, figures given by the API",
    495: "single-use capsule, figures given by the API",
    528: "single-use capsule, figures given by the API",
    530: "an uncrewed test capsule whose time in space is given as P0D: a given 0",
    605: "a destroyed Starship upper stage (another spacecraft type)",
}

DETAILED_KEYS = ("response_mode", "id", "url", "name", "serial_number", "is_placeholder", "image", "in_space",
                 "time_in_space", "time_docked", "flights_count", "mission_ends_count", "status",
                 "description", "spacecraft_config", "fastest_turnaround", "flights")
FLIGHT_KEYS = ("id", "url", "destination", "mission_end", "spacecraft", "launch", "landing", "duration",
               "turn_around_time", "response_mode")
CREW_KEYS = ("launch_crew", "onboard_crew", "landing_crew", "docking_events")  # kept where the source gives them
COUNTS = ("is_placeholder", "in_space", "time_in_space", "time_docked", "flights_count", "mission_ends_count",
          "fastest_turnaround", "image")


def read_seed(shared: Path) -> list[dict[str, Any]]:
    """The records of the stored 2.3.0 spacecraft page in shared/seed (the text after its headers)."""
    text = (shared / "seed" / "ll2-2.3.0-spacecraft-page.txt").read_text(encoding="utf-8")
    page = json.loads(text[text.index("{\n"):])
    for record in page["results"]:
        record["_source"] = {"api_version": "2.3.0", "page_url": "https://lldev.thespacedevs.com/2.3.0/spacecraft/"
                             "?format=api&offset=80&ordering=-flights_count", "source_note": "stored LL2 page "
                             "(shared/seed/ll2-2.3.0-spacecraft-page.txt), normal mode"}
    return list(page["results"])


def nested_spacecraft(flights: list[dict[str, Any]]) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """The fullest spacecraft record nested in a flight, per id, with that flight's source."""
    best: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
    for flight in flights:
        craft = flight.get("spacecraft")
        if not isinstance(craft, dict) or not isinstance(craft.get("id"), int):
            continue
        score = sum(craft.get(key) is not None for key in COUNTS)
        if score and (craft["id"] not in best or score > _score(best[craft["id"]][0])):
            best[craft["id"]] = (craft, flight["_source"])
    return best


def _score(craft: dict[str, Any]) -> int:
    return sum(craft.get(key) is not None for key in COUNTS)


def convert_flight(flight: dict[str, Any]) -> dict[str, Any]:
    """A flight as 2.3.0's SpacecraftFlightNormal, with its crews and dockings where the source has them."""
    out = {key: flight.get(key) for key in FLIGHT_KEYS}
    out["response_mode"] = "normal"
    out.update({key: flight[key] for key in CREW_KEYS if flight.get(key) is not None})
    return out


def convert(record: dict[str, Any], *, configs: dict[int, Any], flights: list[dict[str, Any]],
            nested: tuple[dict[str, Any], dict[str, Any]] | None) -> dict[str, Any]:
    """One record in the 2.3.0 detailed shape (see the module docstring)."""
    base = dict(record)
    if nested is not None:  # a later, fuller copy of the record: its figures where the base has none
        for key in COUNTS:
            if base.get(key) is None and nested[0].get(key) is not None:
                base[key] = nested[0][key]
    config = base["spacecraft_config"]
    base["spacecraft_config"] = configs.get(config["id"], config)
    base["response_mode"] = "detailed"
    base["url"] = f"{API}spacecraft/{base['id']}/"
    ordered = sorted(flights, key=lambda f: ((f.get("launch") or {}).get("net") or "", f["id"]))
    base["flights"] = [convert_flight(f) for f in ordered] if ordered else None
    return {key: base.get(key) for key in DETAILED_KEYS}


FLIGHT_DETAILED_KEYS = FLIGHT_KEYS + CREW_KEYS
EVENT_KEYS = ("id", "url", "docking", "departure", "docking_location", "space_station_target",
              "flight_vehicle_target", "payload_flight_target")
ASTRONAUT_KEYS = ("id", "url", "name", "status", "agency", "image", "response_mode", "type", "in_space",
                  "time_in_space", "eva_time", "age", "date_of_birth", "date_of_death", "nationality",
                  "bio", "wiki", "profile_image", "profile_image_thumbnail", "flights_count", "landings_count",
                  "spacewalks_count", "last_flight", "first_flight")
MINI_KEYS = ("id", "url", "name", "abbrev", "type")  # what a nested record keeps


def mini(value: Any) -> Any:
    """A nested record cut to its id, url, name (abbrev, type): enough to link it, small enough to ship."""
    if not isinstance(value, dict):
        return value
    return {key: value[key] for key in MINI_KEYS if key in value}


NORMAL_KEYS = ("id", "url", "name", "status", "agency", "image")  # AstronautNormal


def convert_person(person: dict[str, Any], people: dict[int, dict[str, Any]], seen: set[int]) -> dict[str, Any]:
    """A crew member as AstronautDetailed (the fuller record of astronauts-real.json where it has one)
    at their first seat, by flight id, and as AstronautNormal at the others: the build keeps a
    person's fullest copy, and the sample stays small."""
    full = {**person, **{k: v for k, v in people.get(person.get("id"), {}).items() if v is not None}}
    keys = NORMAL_KEYS if full.get("id") in seen else ASTRONAUT_KEYS
    seen.add(full.get("id"))  # type: ignore[arg-type]  # a seat without an id is kept as given
    out = {key: full[key] for key in keys if key in full}
    if isinstance(out.get("agency"), dict):
        out["agency"] = mini(out["agency"])
    if isinstance(out.get("image"), dict):
        out["image"] = {k: v for k, v in out["image"].items() if k != "variants"}
    if isinstance(out.get("nationality"), list):
        out["nationality"] = [{k: c.get(k) for k in ("id", "name", "nationality_name")} if isinstance(c, dict)
                              else c for c in out["nationality"]]
    return out


def convert_crew(seats: Any, people: dict[int, dict[str, Any]], seen: set[int]) -> Any:
    """A crew list as AstronautFlight items; null (not given) stays null."""
    if not isinstance(seats, list):
        return None
    return [{**seat, "astronaut": convert_person(seat["astronaut"], people, seen)}
            if isinstance(seat, dict) and isinstance(seat.get("astronaut"), dict) else seat for seat in seats]


def convert_event(event: dict[str, Any], fuller: dict[str, Any] | None) -> dict[str, Any]:
    """A docking event as DockingEventForChaserNormal: the flight's copy, filled from the events endpoint's."""
    merged = {**event, **{k: v for k, v in (fuller or {}).items() if v is not None and event.get(k) is None}}
    out = {key: merged.get(key) for key in EVENT_KEYS}
    for key in ("space_station_target", "payload_flight_target"):
        out[key] = mini(out[key])
    if isinstance(out["flight_vehicle_target"], dict):
        target = out["flight_vehicle_target"]
        out["flight_vehicle_target"] = {"id": target.get("id"), "url": target.get("url"),
                                        "spacecraft": mini(target.get("spacecraft"))}
    if isinstance(out["docking_location"], dict):
        location = out["docking_location"]
        out["docking_location"] = {"id": location.get("id"), "name": location.get("name"),
                                   **{k: mini(location[k]) for k in ("spacestation", "spacecraft", "payload")
                                      if location.get(k) is not None}}
    return out


def convert_flight_detailed(flight: dict[str, Any], *, people: dict[int, dict[str, Any]],
                            events: dict[int, dict[str, Any]], seen: set[int]) -> dict[str, Any]:
    """A flight as 2.3.0's SpacecraftFlightDetailed (see the module docstring)."""
    out: dict[str, Any] = {key: flight.get(key) for key in FLIGHT_DETAILED_KEYS}
    out["response_mode"] = "detailed"
    out["url"] = f"{API}spacecraft_flights/{flight['id']}/"
    out["spacecraft"] = mini(flight.get("spacecraft"))
    for phase in ("launch_crew", "onboard_crew", "landing_crew"):
        out[phase] = convert_crew(flight.get(phase), people, seen)
    own = {e["id"]: e for e in flight.get("docking_events") or () if isinstance(e, dict) and "id" in e}
    for event_id, event in events.items():
        chaser = event.get("flight_vehicle_chaser") or {}
        if chaser.get("id") == flight["id"]:
            own.setdefault(event_id, event)
    listed = [convert_event(own[k], events.get(k)) for k in sorted(own, key=lambda k: (own[k].get("docking") or "", k))]
    out["docking_events"] = listed if listed or flight.get("docking_events") is not None else None
    out["_source"] = flight["_source"]
    return out


def convert_station(station: dict[str, Any]) -> dict[str, Any]:
    """A station as SpaceStationDetailed, its owners and docked vehicles cut to ids, urls and names."""
    out = dict(station)
    out["owners"] = [mini(owner) for owner in station.get("owners") or ()]
    out["docking_location"] = [_port(port) for port in station.get("docking_location") or ()]
    if isinstance(out.get("image"), dict):
        out["image"] = {k: v for k, v in out["image"].items() if k != "variants"}
    return out


def _port(port: dict[str, Any]) -> dict[str, Any]:
    docked = port.get("currently_docked")
    if isinstance(docked, dict):
        chaser = docked.get("flight_vehicle_chaser") or {}
        docked = {"id": docked.get("id"), "url": docked.get("url"), "docking": docked.get("docking"),
                  "departure": docked.get("departure"),
                  "flight_vehicle_chaser": {"id": chaser.get("id"), "url": chaser.get("url"),
                                            "spacecraft": mini(chaser.get("spacecraft"))}}
    return {**{k: v for k, v in port.items() if k not in ("currently_docked", "spacestation")},
            "currently_docked": docked}


def gather_crew(shared: Path, craft_ids: set[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The flights of the sample's spacecraft and every station, by id, in the 2.3.0 detailed shapes."""
    real = shared / "real-ll2"
    people = {p["id"]: p for p in json.loads((real / "astronauts-real.json").read_text(encoding="utf-8"))
              if isinstance(p.get("id"), int)}
    events = {e["id"]: e for e in json.loads((real / "docking-events-real.json").read_text(encoding="utf-8"))
              if isinstance(e.get("id"), int)}
    flights: dict[int, dict[str, Any]] = {}
    for flight in json.loads((real / "flights-real.json").read_text(encoding="utf-8")):
        craft = (flight.get("spacecraft") or {}).get("id")
        if craft in craft_ids and isinstance(flight.get("id"), int):
            flights.setdefault(flight["id"], flight)
    seen: set[int] = set()
    converted = [convert_flight_detailed(flights[k], people=people, events=events, seen=seen) for k in sorted(flights)]
    stations = [convert_station(s) for s in json.loads((real / "stations-real.json").read_text(encoding="utf-8"))]
    return converted, sorted(stations, key=lambda s: s["id"])


def write_jsonl(path: Path, records: list[dict[str, Any]], meta: dict[str, Any]) -> None:
    """Records as JSON Lines after their meta line (snapshot.py's and crawl.py's format)."""
    lines = [json.dumps({"meta": meta}, sort_keys=True)]
    lines += [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def where(source: dict[str, Any]) -> str:
    """One line naming a source: repository, path and commit, or the stored page."""
    if source.get("repo") and source.get("path"):
        commit = (source.get("commit") or "")[:7]
        return f"`{source['repo']}` `{source['path']}`" + (f" @ {commit}" if commit else "")
    if source.get("page_url"):
        return f"stored LL2 page {source['page_url']}"
    if source.get("file"):
        return f"`{source['file']}`"
    return source.get("source_note") or "unknown"


def gather(shared: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The converted records, sorted by id, and the README's lines about each."""
    real = shared / "real-ll2"
    records = {r["id"]: r for r in json.loads((real / "spacecraft-real.json").read_text(encoding="utf-8"))}
    all_flights = json.loads((real / "flights-real.json").read_text(encoding="utf-8"))
    nested = nested_spacecraft(all_flights)
    for craft_id, (craft, source) in nested.items():  # records known only as a flight's spacecraft
        records.setdefault(craft_id, {**craft, "_source": source})
    for record in read_seed(shared):
        records[record["id"]] = record
    configs = {c["id"]: c for c in json.loads(
        (shared / "reference" / "ll2-2.3.0-spacecraft-configurations-detailed.json").read_text(encoding="utf-8"))}
    by_craft: dict[int, dict[int, dict[str, Any]]] = {}
    for flight in all_flights:
        craft = flight.get("spacecraft") or {}
        if isinstance(craft.get("id"), int) and isinstance(flight.get("id"), int):
            by_craft.setdefault(craft["id"], {}).setdefault(flight["id"], flight)
    out, notes = [], []
    for craft_id, why in PICKS.items():
        record = records[craft_id]
        flights = list(by_craft.get(craft_id, {}).values())
        out.append(convert(record, configs=configs, flights=flights, nested=nested.get(craft_id)))
        source = record["_source"]
        line = f"| {craft_id} | {record['name']} | {why} | {source.get('api_version') or source.get('api') or '?'} " \
               f"| {where(source)}"
        if craft_id in nested and nested[craft_id][1] is not source:
            line += f"; figures from the copy in {where(nested[craft_id][1])}"
        if flights:
            files = sorted({where(f["_source"]) for f in flights})
            line += f"; {len(flights)} flight{'s' if len(flights) != 1 else ''} from " + ", ".join(files)
        notes.append(line + " |")
    return sorted(out, key=lambda r: r["id"]), notes


README = """# The sample shipped with the project

`data/spacecraft.jsonl` is what `spacecraft-catalog` builds from before any `--fetch`: {n} real
spacecraft records of Launch Library 2 (LL2), hand-picked so that the first build shows every
feature of the site. `spacecraft-catalog --fetch` replaces it with the whole catalog (about {count}
spacecraft; no API key needed).

The records were gathered from copies of LL2 responses that other projects kept (test fixtures,
saved pages), and from stored pages of the API itself. `scripts/make_sample.py` makes this folder
from them (it reads `../shared/real-ll2/`, which the build and the tests never do); run it again to
remake the sample. Each record keeps LL2's values; a field the source's API version did not have is
null ("not given"), never guessed. Older shapes (2.0.0 to 2.2.0) are converted to 2.3.0's detailed
one (`SpacecraftEndpointDetailed`):

- the configuration is LL2's 2.3.0 detailed configuration of the same id;
- `flights` holds the flights of that spacecraft the sources list (crews and docking events kept
  where a source gives them); it is null when no source lists any: those spacecraft did fly, but
  the sample does not know their flights;
- `url` points at the 2.3.0 record and `response_mode` is `detailed`.

A record gives its figures as of its source's date: the "in space now" ones were in space when
their source was saved (2024 and 2026).

`data/flights.jsonl` and `data/stations.jsonl` are what the flights and stations endpoints would
send for these spacecraft (2.3.0's `SpacecraftFlightDetailed` and `SpaceStationDetailed`): the
{flights} flights of the sample's spacecraft that the sources have ({crewed} with a crew, {dockings}
docking events) and all {stations} space stations, so the first build shows crews, dockings and
stations. Each record keeps its `_source`. The crews are the launch crews the sources give: no
source had onboard or landing crews, so those are null (unknown). Each person is their fuller
record from the sources' astronauts at their first seat (by flight id; a shorter copy at the
others); each docking event the flight's copy, filled from the docking events endpoint's; nested
records (a flight's spacecraft, a station's owners, the vehicle
at a port) are cut to their id, url and name. Older shapes are kept as given where 2.3.0 reads
them alike (a role as a plain string, a docking location with no station: the build finds the
station by the port's id).

| id | spacecraft | why it is here | API version | where it came from |
| --- | --- | --- | --- | --- |
{rows}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    records, notes = gather(args.shared)
    data = ROOT / "content" / "data" / "spacecraft.jsonl"
    write_jsonl(data, records, {"api_url": API, "count": API_COUNT, "fetched_at": None, "records": len(records)})
    flights, stations = gather_crew(args.shared, {r["id"] for r in records})
    for name, rows in (("flights", flights), ("stations", stations)):
        write_jsonl(data.parent / f"{name}.jsonl", rows, {"api_url": API, "count": None, "fetched_at": None,
                                                          "pending": [], "records": len(rows)})
    crewed = sum(any(f.get(p) for p in ("launch_crew", "onboard_crew", "landing_crew")) for f in flights)
    docked = sum(len(f.get("docking_events") or ()) for f in flights)
    readme = README.format(n=len(records), count=round(API_COUNT, -1), rows="\n".join(notes),
                           flights=len(flights), crewed=crewed, dockings=docked, stations=len(stations))
    (ROOT / "content" / "README.md").write_text(re.sub(r"[ \t]+\n", "\n", readme), encoding="utf-8")
    print(f"wrote {len(records)} records to {data.relative_to(ROOT)}, {len(flights)} flights and "
          f"{len(stations)} stations beside it, and content/README.md")


if __name__ == "__main__":
    main()
