"""Synthetic LL2-shaped spacecraft records for benchmarks, any number of them, deterministic.

The shape follows the API's /2.3.0/spacecraft/ endpoint (same keys as tests/base.py): about 60
configurations from 25 agencies, 5 statuses, images shared by id between many records (as the real
API shares a configuration's image), descriptions of 100-400 characters, and one record in twenty
in detailed mode with its flights. The same (n, seed) always gives the same records.

Beside them, the flights and stations endpoints (issue 26; 2.3.0's SpacecraftFlightDetailed and
SpaceStationDetailed): each spacecraft's `flights_count` flights (about 2 per spacecraft; the ids a
detailed record lists), 30 % of them crewed by people drawn from a pool much smaller than the
flights (so people fly again), about a third docking at one of a handful of stations (a few still
docked), and 1 flight in 20 with its crew lists not given (unknown).

    python benchmarks/synth.py 10000 --cache benchmarks/.work/cache-10000

Other benchmark scripts import it: `write_dataset`, `make_records`, `make_flights`, `make_stations`,
`make_source_images`.
"""
from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

API = "https://ll.example/2.3.0/"
IMAGE_HOST = "https://img.example/synth/"
CONFIGURATIONS = 60
AGENCIES = 25
STATUSES = ({"id": 1, "name": "Active"}, {"id": 2, "name": "Retired"}, {"id": 3, "name": "Destroyed"},
            {"id": 4, "name": "Single Use"}, {"id": 5, "name": "Unknown"})
STATUS_WEIGHTS = (20, 25, 5, 45, 5)
TYPES = ({"id": 1, "name": "Unknown"}, {"id": 2, "name": "Capsule"}, {"id": 3, "name": "Cargo"},
         {"id": 4, "name": "Spaceplane"}, {"id": 5, "name": "Station module"})
AGENCY_TYPES = ({"id": 1, "name": "Government"}, {"id": 3, "name": "Commercial"}, {"id": 2, "name": "Multinational"})
LICENSES = ({"id": 1, "name": "Unknown", "priority": 9, "link": None},
            {"id": 4, "name": "CC BY 2.0", "priority": 3, "link": "https://creativecommons.org/licenses/by/2.0/"},
            {"id": 2, "name": "Public Domain", "priority": 1, "link": None})
WORDS = ("orbital vehicle launched from the cosmodrome carrying crew and cargo to the station docked "  # noqa: SIM905 - prose
         "for several months before undocking and landing under parachutes in the steppe after a "
         "nominal reentry the capsule was recovered refurbished and flown again on a later mission "
         "uncrewed test flight demonstrated rendezvous life support solar arrays heat shield "
         "Kosmos Zarya Dragon Cygnus Progress Tianzhou Shenzhou Orion Starliner HTV ATV").split()
SYLLABLES = ("so", "yuz", "dra", "gon", "pro", "gress", "cyg", "nus", "vos", "tok", "zar", "ya",
             "tian", "zhou", "ori", "on", "her", "mes", "ky", "bo", "lux", "ter", "ra", "nova")
SOURCE_SIZE = (2000, 1500)


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _sentence(rng: random.Random, low: int, high: int) -> str:
    """Words up to a length drawn between low and high characters, ending with a full stop."""
    target = rng.randint(low, high)
    words: list[str] = []
    length = 0
    while length < target - 1:
        word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    body = " ".join(words)[: target - 1]
    if body.endswith(" "):
        body = body[:-1] + "s"
    return (body + ".").capitalize()


def _image(ident: int, label: str, rng: random.Random) -> dict[str, Any]:
    return {"id": ident, "name": f"[AUTO] {label} - image", "image_url": f"{IMAGE_HOST}{ident}.jpg",
            "thumbnail_url": f"{IMAGE_HOST}{ident}_thumb.jpg",
            "credit": rng.choice((None, "NASA", "Roscosmos", "ESA", "SpaceX")),
            "license": dict(rng.choice(LICENSES)), "single_use": True, "variants": []}


def _duration(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"P{days}DT{hours}H{minutes}M{secs}S" if seconds else "P0D"


class _World:
    """The shared parts every record embeds: agencies, configurations (with their images)."""

    def __init__(self, rng: random.Random) -> None:
        self.agencies = [
            {"response_mode": "list", "id": 100 + i, "url": f"{API}agencies/{100 + i}/",
             "name": f"{_name(rng, 3)} Space Agency", "abbrev": _name(rng, 1).upper()[:4] if i % 5 else "",
             "type": dict(rng.choice(AGENCY_TYPES))}
            for i in range(AGENCIES)
        ]
        self.configs = []
        for i in range(CONFIGURATIONS):
            name = f"{_name(rng, 2)} {rng.choice(('', 'II', '7K', 'MS', 'Cargo', 'Crew'))}".strip()
            family = [{"response_mode": "normal", "id": 10 + i % 12, "name": f"{name.split()[0]} family",
                       "description": _sentence(rng, 80, 200),
                       "manufacturer": {"id": 1000 + i % 7, "name": f"{_name(rng, 2)} Works", "abbrev": ""},
                       "parent": None, "maiden_flight": f"{1960 + i % 60}-0{1 + i % 9}-1{i % 10}"}] if i % 3 else []
            self.configs.append({
                "response_mode": "normal", "id": 1 + i, "url": f"{API}spacecraft_configurations/{1 + i}/",
                "name": name, "type": dict(TYPES[i % len(TYPES)]),
                "agency": self.agencies[i % AGENCIES] if i < AGENCIES else rng.choice(self.agencies),
                "family": family, "in_use": i % 4 != 0,
                "image": _image(1000 + i, name, rng) if i % 10 else None,
            })
        # Skewed sizes, as in the real data: a few configurations (Soyuz, Progress, Dragon) hold most records.
        self.config_weights = [1.0 / (1 + i) for i in range(CONFIGURATIONS)]


def make_records(n: int, *, seed: int = 1) -> Iterator[dict[str, Any]]:
    """Yield n raw spacecraft records, sorted by id, the same ones for the same (n, seed)."""
    rng = random.Random(seed)
    world = _World(rng)
    own_images = max(40, n // 25)  # records with their own image share a pool of this many
    for ident in range(1, n + 1):
        cfg = rng.choices(world.configs, weights=world.config_weights)[0]
        flights = rng.choices((0, 1, 2, 3, 5, 12), weights=(5, 60, 15, 10, 7, 3))[0]
        in_space = rng.random() < 0.03
        roll = rng.random()
        if roll < 0.5:
            image = cfg["image"]  # the common case: the configuration's image
        elif roll < 0.9:
            pick = rng.randrange(own_images)
            image = _image(5000 + pick, f"Spacecraft {pick}", random.Random(pick))
        else:
            image = None
        name = f"{cfg['name']} {ident}" if ident % 97 else cfg["name"]  # some names repeat: slugs must stay unique
        record: dict[str, Any] = {
            "response_mode": "normal", "id": ident, "url": f"{API}spacecraft/{ident}/", "name": name,
            "serial_number": f"{cfg['name'][:3].upper()}-{ident:05d}" if ident % 7 else None,
            "is_placeholder": ident % 211 == 0, "image": image, "in_space": in_space,
            "time_in_space": _duration(rng.randrange(0, 200 * 86400) if flights else 0),
            "time_docked": _duration(rng.randrange(0, 150 * 86400) if flights else 0),
            "flights_count": flights, "mission_ends_count": min(flights, 1 if not in_space else 0),
            "status": dict(rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]),
            "description": _sentence(rng, 100, 400), "spacecraft_config": cfg,
            "fastest_turnaround": _duration(rng.randrange(30, 400) * 86400) if flights > 1 else None,
        }
        if ident % 20 == 0:
            record["response_mode"] = "detailed"
            record["flights"] = [_flight(ident, k, name, rng) for k in range(flights)]
        yield record


def _flight(craft: int, k: int, name: str, rng: random.Random) -> dict[str, Any]:
    year = 1970 + rng.randrange(55)
    ident = craft * 20 + k
    return {"id": ident, "url": f"{API}spacecraft/flights/{ident}/", "response_mode": "normal",
            "destination": rng.choice(("International Space Station", "Low Earth Orbit", "Tiangong", "Mir")),
            "mission_end": f"{year}-0{1 + k % 9}-2{k % 8}T10:00:00Z",
            "duration": _duration(rng.randrange(3600, 200 * 86400)), "turn_around_time": _duration(rng.randrange(0, 400) * 86400),
            "launch": {"id": f"00000000-0000-4000-8000-{ident:012d}", "name": f"Rocket | {name} flight {k + 1}",
                       "net": f"{year}-0{1 + k % 9}-1{k % 8}T08:00:00Z", "slug": f"flight-{ident}"},
            "landing": {"id": ident, "attempt": True, "success": rng.random() < 0.95, "description": "",
                        "landing_location": {"id": 1, "name": "Kazakhstan"}, "type": {"id": 1, "name": "Parachute"}},
            "spacecraft": {"id": craft, "name": name}}


STATIONS = ("Orbital Station Alpha", "Salyut Test", "Tiangong Synth", "Mir Synth", "Gateway Synth", "Skylab Synth")
PORTS = ("Forward", "Aft", "Zenith", "Nadir")  # the same names at every station, as in LL2
ROLES = (("Commander", 1), ("Pilot", 2), ("Flight Engineer", 3), ("Mission Specialist", 4),
         ("Payload Specialist", 5), ("Spaceflight Participant", 6))
CREWED_SHARE = 0.3
DOCKING_SHARE = 0.35
UNKNOWN_CREW_SHARE = 0.05


def make_stations(*, seed: int = 1) -> list[dict[str, Any]]:
    """The handful of stations the synthetic flights dock at (SpaceStationDetailed), sorted by id."""
    rng = random.Random(seed * 7919)
    agencies = _World(random.Random(seed)).agencies
    stations = []
    for number, name in enumerate(STATIONS, start=1):
        stations.append({
            "response_mode": "detailed", "id": number, "url": f"{API}space_stations/{number}/", "name": name,
            "status": {"id": 1, "name": "Active"} if number < 4 else {"id": 2, "name": "De-Orbited"},
            "founded": f"{1971 + 5 * number}-04-19", "deorbited": None if number < 4 else f"{1990 + number}-10-11",
            "description": _sentence(rng, 100, 300), "orbit": "Low Earth Orbit",
            "type": {"id": 1, "name": "Government"}, "owners": [_mini_agency(agencies[number % AGENCIES])],
            "image": _image(9000 + number, name, rng) if number % 3 else None,
            "docking_location": [{"id": number * 10 + k, "name": port, "currently_docked": None}
                                 for k, port in enumerate(PORTS)],
            "active_docking_events": [], "active_expeditions": [], "onboard_crew": None, "docked_vehicles": None,
        })
    return stations


def _mini_agency(agency: dict[str, Any]) -> dict[str, Any]:
    return {key: agency[key] for key in ("id", "url", "name", "abbrev", "type")}


class _People:
    """A pool of astronauts, drawn with a skew so that some fly often (ids from 1)."""

    def __init__(self, size: int, agencies: list[dict[str, Any]], seed: int) -> None:
        rng = random.Random(seed * 104729)
        self.cumulative = list(itertools.accumulate(1.0 / (1 + i % 50) for i in range(size)))  # drawn in O(log n)
        self.people = [self._person(i + 1, rng, agencies) for i in range(size)]
        self.seated: set[int] = set()

    @staticmethod
    def _person(ident: int, rng: random.Random, agencies: list[dict[str, Any]]) -> dict[str, Any]:
        name = f"{_name(rng, 2)} {_name(rng, 3)}"
        nation = rng.choice(("American", "Russian", "Chinese", "Japanese", "French", "Canadian"))
        return {
            "response_mode": "detailed", "id": ident, "url": f"{API}astronauts/{ident}/", "name": name,
            "status": {"id": 2, "name": "Retired"} if ident % 3 else {"id": 1, "name": "Active"},
            "agency": _mini_agency(rng.choice(agencies)),
            "image": _image(20000 + ident, name, rng) if ident % 4 else None,
            "type": {"id": 2, "name": "Government"} if ident % 97 else {"id": 5, "name": "Non-Human"},
            "date_of_birth": f"{1930 + ident % 60}-0{1 + ident % 9}-1{ident % 10}" if ident % 11 else None,
            "date_of_death": None, "nationality": [{"id": 1 + ident % 6, "name": nation, "nationality_name": nation}],
            "bio": _sentence(rng, 60, 160), "wiki": None,
        }

    def crew(self, rng: random.Random) -> list[dict[str, Any]]:
        """One crew list: one to seven people, no one twice, by role."""
        size = rng.choices((1, 2, 3, 4, 6, 7), weights=(5, 20, 40, 15, 10, 10))[0]
        chosen: dict[int, dict[str, Any]] = {}
        while len(chosen) < min(size, len(self.people)):
            person = rng.choices(self.people, cum_weights=self.cumulative)[0]
            chosen.setdefault(person["id"], person)
        return [{"id": 1 + n, "role": {"id": role[1], "role": role[0], "priority": role[1]}, "astronaut": self.copy(person)}
                for n, (person, role) in enumerate(zip(chosen.values(), _roles(len(chosen)), strict=True))]

    def copy(self, person: dict[str, Any]) -> dict[str, Any]:
        """The whole record (AstronautDetailed) at a person's first seat, a short one after: the build keeps
        the fullest copy, and the file stays a size a benchmark can write quickly."""
        if person["id"] in self.seated:
            return {key: person[key] for key in ("id", "url", "name", "status")}
        self.seated.add(person["id"])
        return person


def _roles(size: int) -> list[tuple[str, int]]:
    return [ROLES[min(n, 3 if n < 4 else 3 + n % 3)] for n in range(size)]


def make_flights(n: int, *, seed: int = 1, records: Iterable[dict[str, Any]] | None = None,
                 ) -> Iterator[dict[str, Any]]:
    """Yield the flights endpoint's records of make_records(n, seed) (or of those records), by
    spacecraft then flight."""
    people = _People(max(60, n // 8), _World(random.Random(seed)).agencies, seed)
    stations = make_stations(seed=seed)
    for record in records if records is not None else make_records(n, seed=seed):
        rng = random.Random(seed * 1_000_003 + record["id"])
        listed = record.get("flights")
        for k in range(record["flights_count"]):
            flight = dict(listed[k]) if listed else _flight(record["id"], k, record["name"], rng)
            yield _detailed(flight, record, rng, people, stations)


def _detailed(flight: dict[str, Any], craft: dict[str, Any], rng: random.Random, people: _People,
              stations: list[dict[str, Any]]) -> dict[str, Any]:
    """A flight as SpacecraftFlightDetailed: crews (30 % crewed) and docking events (about a third)."""
    flight.update(response_mode="detailed", spacecraft={"id": craft["id"], "url": craft["url"], "name": craft["name"]})
    roll = rng.random()
    if roll < UNKNOWN_CREW_SHARE:
        crews: list[Any] = [None, None, None]
    elif roll < UNKNOWN_CREW_SHARE + CREWED_SHARE:
        crew = people.crew(rng)
        crews = [crew, [], crew]
    else:
        crews = [[], [], []]
    flight["launch_crew"], flight["onboard_crew"], flight["landing_crew"] = crews
    flight["docking_events"] = _dockings(flight, rng, stations) if rng.random() < DOCKING_SHARE else []
    return flight


def _dockings(flight: dict[str, Any], rng: random.Random, stations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One docking event, now and then two (a port relocation); a few still docked."""
    station = rng.choice(stations)
    start = flight["launch"]["net"][:10]
    events = []
    for j in range(1 if rng.random() < 0.9 else 2):
        port = rng.choice(station["docking_location"])
        day = 2 + 20 * j
        ident = flight["id"] * 2 + j
        events.append({
            "id": ident, "url": f"{API}docking_events/{ident}/", "docking": f"{_later(start, day)}T06:30:00Z",
            "departure": None if rng.random() < 0.02 else f"{_later(start, day + 10 + rng.randrange(60))}T12:00:00Z",
            "docking_location": {"id": port["id"], "name": port["name"],
                                 "spacestation": {"id": station["id"], "url": station["url"], "name": station["name"]}},
            "space_station_target": {"id": station["id"], "url": station["url"], "name": station["name"]},
            "flight_vehicle_target": None, "payload_flight_target": None})
    return events


def _later(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def image_urls(records: list[dict[str, Any]] | None = None, *, n: int = 0, seed: int = 1) -> list[str]:
    """Every distinct image URL the records use, sorted (records, or make_records(n, seed))."""
    urls: set[str] = set()
    for record in records if records is not None else make_records(n, seed=seed):
        for image in (record["image"], record["spacecraft_config"]["image"]):
            if image:
                urls.add(image["image_url"])
    return sorted(urls)


def write_dataset(cache: Path, n: int, *, seed: int = 1) -> Path:
    """Write n records as the cache's fetched data (what an offline build reads), their flights and
    the stations beside them (the flights and stations endpoints' data); return the spacecraft file."""
    from catalog.config import CacheLayout
    from catalog.data import snapshot
    from catalog.data.crawl import write_data
    from catalog.data.models import FetchMeta

    meta = FetchMeta(api_url=API, count=n, fetched_at="2025-01-01T00:00:00Z", records=n)
    layout = CacheLayout(cache)
    target = layout.data_file
    spacecraft = list(make_records(n, seed=seed))
    snapshot.write_records(target, spacecraft, meta)
    flights = list(make_flights(n, seed=seed, records=spacecraft))
    for name, records in (("flights", flights), ("stations", make_stations(seed=seed))):
        write_data(layout.endpoint_data(name), records, {
            "api_url": API, "count": len(records), "fetched_at": "2025-01-01T00:00:00Z",
            "full_at": "2025-01-01T00:00:00Z", "pending": []})
    return target


def make_source_image(path: Path, number: int, size: tuple[int, int] = SOURCE_SIZE) -> Path:
    """Write one photo-like JPEG (a gradient with a pattern that differs per number)."""
    from PIL import Image, ImageDraw

    width, height = size
    rng = random.Random(number)
    base = Image.linear_gradient("L").resize(size)
    hue = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    img = Image.merge("RGB", (base, base.rotate(90).resize(size), Image.new("L", size, hue[2])))
    draw = ImageDraw.Draw(img)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, 300)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(rng.randrange(256), hue[1], rng.randrange(256)))
    img = img.effect_spread(3) if number % 2 else img  # some texture so JPEG sizes look like photos
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=88)
    return path


def make_source_images(folder: Path, count: int, *, start: int = 0,
                       size: tuple[int, int] = SOURCE_SIZE) -> list[Path]:
    """Make `count` source JPEGs in folder (kept between runs: only missing ones are drawn)."""
    paths = []
    for number in range(start, start + count):
        path = folder / f"source-{number:05d}-{size[0]}x{size[1]}.jpg"
        if not path.is_file():
            make_source_image(path, number, size)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of spacecraft records")
    parser.add_argument("--cache", type=Path, required=True, help="cache folder to write the data into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    target = write_dataset(args.cache, args.n, seed=args.seed)
    print(f"wrote {args.n} records to {target}, their flights and the stations beside it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
