"""The benchmark's synthetic records: LL2-shaped, varied like the real data, deterministic."""
from __future__ import annotations

import sys
from pathlib import Path

from base import spacecraft

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import synth  # noqa: E402

from catalog.config import CacheLayout  # noqa: E402
from catalog.data import snapshot  # noqa: E402
from catalog.data.groups import build_catalog  # noqa: E402
from catalog.data.normalize import normalize_all  # noqa: E402


def test_records_have_the_api_shape():
    real = spacecraft(1, flights=[])
    records = list(synth.make_records(100))
    for record in records:
        assert set(record) - {"flights"} == set(real) - {"flights"}
        assert set(record["spacecraft_config"]) == set(real["spacecraft_config"])
        assert 100 <= len(record["description"]) <= 400
    images = [r["image"] for r in records if r["image"] is not None]
    assert 0 < len(images) < len(records)  # some records have an image, some have none (null, as in the API)
    assert all(set(img) == set(real["image"]) for img in images)


def test_records_vary_like_the_real_catalog():
    records = list(synth.make_records(3000))
    assert len({r["spacecraft_config"]["id"] for r in records}) == synth.CONFIGURATIONS
    assert len({r["spacecraft_config"]["agency"]["id"] for r in records}) == synth.AGENCIES
    assert len({r["status"]["id"] for r in records}) == len(synth.STATUSES)
    images = [r["image"]["id"] for r in records if r["image"]]
    assert len(set(images)) < len(images) / 5  # many records share one image
    detailed = [r for r in records if r["response_mode"] == "detailed"]
    assert detailed and all(isinstance(r["flights"], list) for r in detailed)
    assert any(r["flights"] for r in detailed)


def test_same_seed_same_records_and_another_seed_differs():
    assert list(synth.make_records(50)) == list(synth.make_records(50))
    assert list(synth.make_records(50, seed=2)) != list(synth.make_records(50))


def test_written_dataset_builds_a_catalog(tmp_path):
    target = synth.write_dataset(tmp_path / "cache", 500)
    assert target == CacheLayout(tmp_path / "cache").data_file
    assert snapshot.read_meta(target).records == 500
    catalog = build_catalog(normalize_all(snapshot.iter_records(target)), snapshot.read_meta(target))
    assert len(catalog.spacecraft) == 500
    assert len({craft.slug for craft in catalog.spacecraft}) == 500
    assert len(catalog.statuses) == len(synth.STATUSES)


def test_flights_are_about_two_per_spacecraft_30_percent_crewed_with_people_who_fly_again():
    records = list(synth.make_records(2000))
    flights = list(synth.make_flights(2000, records=records))
    assert 1.6 <= len(flights) / len(records) <= 2.4
    assert len({f["id"] for f in flights}) == len(flights)
    crewed = [f for f in flights if f["launch_crew"]]
    assert 0.25 <= len(crewed) / len(flights) <= 0.35
    assert any(f["launch_crew"] is None for f in flights)  # some crews not given: unknown
    seats = [s["astronaut"]["id"] for f in crewed for s in f["launch_crew"]]
    assert len(seats) >= 3 * len(set(seats))  # astronauts reused across flights
    for record in records:  # a detailed record lists exactly its flights of the flights endpoint
        if record.get("flights") is not None:
            assert [f["id"] for f in record["flights"]] == [f["id"] for f in flights if f["spacecraft"]["id"] == record["id"]]


def test_dockings_are_at_a_handful_of_stations_some_still_docked():
    flights = list(synth.make_flights(2000))
    events = [e for f in flights for e in f["docking_events"]]
    assert 0.25 <= len({e["id"] for e in events}) / len(flights) <= 0.5
    stations = {s["id"]: s for s in synth.make_stations()}
    assert {e["docking_location"]["spacestation"]["id"] for e in events} == set(stations)
    ports = {p["id"] for s in stations.values() for p in s["docking_location"]}
    assert {e["docking_location"]["id"] for e in events} <= ports
    assert any(e["departure"] is None for e in events)
    assert all(e["departure"] is None or e["departure"] > e["docking"] for e in events)


def test_same_seed_same_flights_and_another_seed_differs():
    assert list(synth.make_flights(50)) == list(synth.make_flights(50))
    assert list(synth.make_flights(50, seed=2)) != list(synth.make_flights(50))


def test_written_dataset_carries_crew_dockings_and_stations_the_build_reads(tmp_path):
    from catalog.config import companions
    from catalog.data import crewdata
    from catalog.data.normalize import Normalizer

    target = synth.write_dataset(tmp_path / "cache", 500)
    normalizer = Normalizer()
    spacecraft = normalize_all(snapshot.iter_records(target), normalizer=normalizer)
    crew = crewdata.read(*companions(target), spacecraft, normalizer)
    assert len(crew.flights) == sum(c.flights_count or 0 for c in spacecraft)
    assert crew.flights_source.text == "crew and docking data as of 2025-01-01"
    assert len(crew.stations) == len(synth.STATIONS) and crew.dockings and crew.astronauts
    assert crew.missing_flights == ()
    assert sum(f.crewed is True for f in crew.flights.values()) > len(crew.flights) / 5


def test_source_images_are_large_jpegs(tmp_path):
    from PIL import Image

    paths = synth.make_source_images(tmp_path, 2, size=(400, 300))
    assert len(set(p.read_bytes() for p in paths)) == 2
    with Image.open(paths[0]) as img:
        assert (img.format, img.size) == ("JPEG", (400, 300))
