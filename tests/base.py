"""Shared test helpers: LL2-shaped raw records (spacecraft, config, image, flight, fleet), written in code."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

AGENCIES = {
    63: {"response_mode": "list", "id": 63, "url": "https://ll.example/agencies/63/",
         "name": "Russian Federal Space Agency (ROSCOSMOS)", "abbrev": "RFSA", "type": {"id": 1, "name": "Government"}},
    121: {"response_mode": "list", "id": 121, "url": "https://ll.example/agencies/121/",
          "name": "SpaceX", "abbrev": "SpX", "type": {"id": 3, "name": "Commercial"}},
    999: {"response_mode": "list", "id": 999, "url": "https://ll.example/agencies/999/",
          "name": "North American Aviation", "abbrev": "", "type": {"id": 3, "name": "Commercial"}},
}


def image(ident: int | None = 1927, *, url: str = "https://img.example/soyuz.jpg",
          thumb: str | None = "https://img.example/soyuz_thumb.jpg", credit: str | None = None,
          license_name: str = "Unknown", license_link: str | None = None) -> dict[str, Any]:
    return {"id": ident, "name": f"[AUTO] image {ident}", "image_url": url, "thumbnail_url": thumb,
            "credit": credit, "license": {"id": 1, "name": license_name, "priority": 9, "link": license_link},
            "single_use": True, "variants": []}


def config(ident: int = 1, name: str = "Soyuz", *, agency: int = 63, detailed: bool = False,
           img: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "response_mode": "detailed" if detailed else "normal", "id": ident,
        "url": f"https://ll.example/spacecraft_configurations/{ident}/", "name": name,
        "type": {"id": 2, "name": "Capsule"}, "agency": copy.deepcopy(AGENCIES[agency]),
        "family": [{"response_mode": "normal", "id": 1, "name": "Soyuz", "description": "A family.",
                    "manufacturer": {"id": 1000, "name": "Energia", "abbrev": "OKB-1"},
                    "parent": None, "maiden_flight": "1966-11-28"}] if name.startswith("Soyuz") else [],
        "in_use": False, "image": img if img is not None else image(),
    }
    if detailed:
        raw.update(capability="Crew transport", history="Since 1966.", details="Three modules.",
                   maiden_flight="1966-11-28", height=7.48, diameter=2.72, human_rated=True,
                   crew_capacity=3, payload_capacity=200, payload_return_capacity=None, flight_life="180 days",
                   wiki_link="https://en.wikipedia.org/wiki/Soyuz_(spacecraft)", info_link="",
                   spacecraft_flown=150, total_launch_count=150, successful_launches=148, failed_launches=2,
                   attempted_landings=140, successful_landings=138, failed_landings=2, fastest_turnaround=None)
    raw.update(extra)
    return raw


def flight(ident: int = 1, *, name: str = "Soyuz 7K-T | Soyuz 29") -> dict[str, Any]:
    return {"id": ident, "url": f"https://ll.example/spacecraft/flights/{ident}/", "response_mode": "normal",
            "destination": "Salyut 6", "mission_end": "1978-11-02T11:05:00Z",
            "duration": "P79DT15H23M49S", "turn_around_time": "P0D",
            "launch": {"id": "e7f0c7b2-0000-4000-8000-000000000001", "name": name,
                       "net": "1978-06-15T20:16:38Z", "slug": "soyuz-29"},
            "landing": {"id": 5, "attempt": True, "success": True, "description": "",
                        "landing_location": {"id": 1, "name": "Kazakhstan"}, "type": {"id": 1, "name": "Parachute"}},
            "spacecraft": {"id": 178, "name": "Soyuz 29"}}


def spacecraft(ident: int, name: str = "", *, cfg: dict[str, Any] | None = None,
               flights: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    """A raw spacecraft; pass flights=[...] for a detailed-mode record."""
    raw: dict[str, Any] = {
        "response_mode": "normal" if flights is None else "detailed",
        "id": ident, "url": f"https://ll.example/spacecraft/{ident}/", "name": name or f"Soyuz {ident}",
        "serial_number": f"Soyuz 7K-T #{ident}", "is_placeholder": False, "image": image(),
        "in_space": False, "time_in_space": "P79DT15H23M49S", "time_docked": "P78DT10H24M46S",
        "flights_count": 1, "mission_ends_count": 1, "status": {"id": 4, "name": "Single Use"},
        "description": f"Spacecraft number {ident}.", "spacecraft_config": cfg or config(),
        "fastest_turnaround": None,
    }
    if flights is not None:
        raw["flights"] = flights
    raw.update(extra)
    return raw


def fleet(n: int) -> list[dict[str, Any]]:
    """n varied records over three configurations, two agencies and three statuses."""
    configs = [config(1, "Soyuz"), config(6, "Crew Dragon 2", agency=121, img=image(2000, url="https://img.example/dragon.png")),
               config(10, "Apollo Command/Service Module", agency=999, img=None)]
    configs[2]["image"] = None
    statuses = [{"id": 1, "name": "Active"}, {"id": 3, "name": "Destroyed"}, {"id": 4, "name": "Single Use"}]
    out = []
    for i in range(1, n + 1):
        out.append(spacecraft(i, f"Craft {i}", cfg=copy.deepcopy(configs[i % 3]), status=statuses[i % 3],
                              flights_count=i % 7, in_space=(i % 5 == 0), image=None if i % 4 == 0 else image(100 + i % 3)))
    return out


def write_data(cache: Path, records: list[dict[str, Any]], fetched_at: str = "2026-11-20T06:00:00Z") -> None:
    """Write records as the data a previous --fetch left in the cache folder."""
    from catalog.config import CacheLayout
    from catalog.data import snapshot
    from catalog.data.models import FetchMeta

    meta = FetchMeta(api_url="https://ll.example/2.3.0/", count=len(records), fetched_at=fetched_at,
                     records=len(records))
    snapshot.write_records(CacheLayout(cache).data_file, records, meta)
