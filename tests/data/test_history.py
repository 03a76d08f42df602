"""The history of the data stage: comparing two fetches, changes.json's schema, writing the history
safely, and seeding it from a published copy over real HTTP on loopback."""
from __future__ import annotations

import copy
import hashlib
import json
import logging
import re

import pytest
from base import Loopback, config, fetch_options, flight, image, spacecraft, write_data

from catalog.config import CacheLayout
from catalog.data import history
from catalog.data.history import EMPTY, History, compare, dumps, make_event, parse, project_all, published, record

T0, T1, T2 = "2026-11-20T06:00:00Z", "2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z"


def fleet_of_four() -> list[dict]:
    records = [spacecraft(i, f"Craft {i}", image=None) for i in range(1, 4)]
    records.append(spacecraft(10, "Dragon C206", cfg=config(6, "Crew Dragon 2", agency=121),
                              flights=[flight(1, name="Falcon 9 | Demo-2")]))
    return records


def said(events: list[history.Event]) -> list[tuple]:
    return [(e.spacecraft_id, e.name, e.kind, e.before, e.after) for e in events]


# --- Comparing two fetches -------------------------------------------------------------------------

def test_every_kind_of_change_is_an_event_dated_by_the_new_fetch():
    old = fleet_of_four()
    new = copy.deepcopy(old)
    new[0].update(name="Craft One", status={"id": 2, "name": "Retired"}, in_space=True, flights_count=2,
                  mission_ends_count=2, time_in_space="P100D", time_docked="P90D",
                  spacecraft_config=config(38, "Soyuz MS"), image=image(7, url="https://img.example/new.jpg"),
                  description="Rewritten.")
    del new[1]  # Craft 2 leaves the API
    new.append(spacecraft(4, "Craft 4", image=None))
    new[2]["flights"].append(flight(2, name="Falcon 9 | Crew-1"))  # Dragon C206 flies again

    events = compare(project_all(old), project_all(new), T1)

    assert {e.date for e in events} == {T1}
    assert said(events) == [
        (1, "Craft One", "renamed", "Craft 1", "Craft One"),
        (1, "Craft One", "status", "Single Use", "Retired"),
        (1, "Craft One", "in_space", False, True),
        (1, "Craft One", "flights_count", 1, 2),
        (1, "Craft One", "mission_ends_count", 1, 2),
        (1, "Craft One", "time_in_space", "P79DT15H23M49S", "P100D"),
        (1, "Craft One", "time_docked", "P78DT10H24M46S", "P90D"),
        (1, "Craft One", "configuration", "Soyuz", "Soyuz MS"),
        (1, "Craft One", "image", None, "https://img.example/new.jpg"),
        (1, "Craft One", "description", "Spacecraft number 1.", "Rewritten."),
        (2, "Craft 2", "removed", None, None),  # its last name
        (4, "Craft 4", "added", None, None),
        (10, "Dragon C206", "new_flight", None, {"date": "1978-06-15", "id": 2, "launch": "Falcon 9 | Crew-1"}),
    ]


def test_the_same_records_give_no_event():
    records = fleet_of_four()
    assert compare(project_all(records), project_all(copy.deepcopy(records)), T1) == []


def test_a_record_switching_to_detailed_mode_is_no_new_flight():
    normal = [spacecraft(10, "Dragon C206")]
    detailed = [spacecraft(10, "Dragon C206", flights=[flight(1)])]
    assert compare(project_all(normal), project_all(detailed), T1) == []


def test_a_shared_configuration_image_is_no_change_of_each_spacecraft():
    old = [spacecraft(i, image=None) for i in (1, 2)]
    new = [spacecraft(i, image=None, cfg=config(img=image(99, url="https://img.example/other.jpg"))) for i in (1, 2)]
    assert compare(project_all(old), project_all(new), T1) == []


def test_an_event_id_is_the_digest_of_what_it_says():
    event = make_event(T1, 178, "Soyuz 29", "status", "Active", "Retired")
    expected = hashlib.sha256(json.dumps([T1, 178, "status", "Active", "Retired"], ensure_ascii=False,
                                         sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]
    assert event.id == expected
    assert make_event(T1, 178, "Renamed meanwhile", "status", "Active", "Retired").id == event.id
    assert make_event(T2, 178, "Soyuz 29", "status", "Active", "Retired").id != event.id


# --- changes.json --------------------------------------------------------------------------------

def sample_history() -> History:
    return History(since=T0, updated=T2, events=(
        make_event(T1, 1, "Craft 1", "removed"),
        make_event(T1, 10, "Dragon C206", "new_flight", None, {"date": "2026-11-21", "id": 2, "launch": "Crew-1"}),
        make_event(T2, 3, "Союз <3>", "renamed", "Craft 3", "Союз <3>"),
    ))


def test_changes_json_reads_back_as_written_with_sorted_keys():
    data = dumps(sample_history())
    assert parse(json.loads(data)) == sample_history()
    assert dumps(parse(json.loads(data))) == data
    objects: list[list[str]] = []  # the keys of every object, in the order written
    json.loads(data, object_pairs_hook=lambda pairs: objects.append([k for k, _ in pairs]) or dict(pairs))
    assert len(objects) == 1 + len(sample_history().events) + 1  # the document, its events, a flight
    assert all(keys == sorted(keys) for keys in objects)
    assert data.count(b"\n") == len(sample_history().events) + 2  # one event per line
    assert "Союз <3>" in data.decode()  # UTF-8, not escapes
    assert json.loads(data)["version"] == 1
    assert dumps(EMPTY) == b'{"events":[],"since":null,"updated":null,"version":1}\n'


def valid() -> dict:
    return json.loads(dumps(sample_history()))


def with_event(**changes) -> dict:
    data = valid()
    data["events"][0].update(changes)
    return data


@pytest.mark.parametrize("document, problem", [
    ([], "not a JSON object"),
    ({**valid(), "version": 2}, "version 2"),
    ({**valid(), "since": "yesterday"}, "since: 'yesterday' is not a date"),
    ({**valid(), "since": None}, "do not go together"),
    ({**valid(), "events": {}}, "events: not a list"),
    ({k: v for k, v in valid().items() if k != "events"}, "events: not a list"),
    ({**valid(), "updated": "２０２６-11-22T06:00:00Z"}, "updated: '２０２６-11-22T06:00:00Z' is not a date"),  # full-width
    ({**valid(), "updated": "2026-02-31T25:61:61Z"}, "updated: '2026-02-31T25:61:61Z' is not a date"),
    ({**valid(), "since": "2026-11-2\u0661T06:00:00Z"}, "since: '2026-11-2\u0661T06:00:00Z' is not a date"),  # Arabic-Indic
])
def test_an_invalid_changes_json_is_refused_naming_the_problem(document, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse(document)


def with_bad_event(raw: dict) -> dict:
    """A valid changes.json with one more event, `raw`, its id made consistent with what it says."""
    data = valid()
    raw = {"id": "", "date": T1, "spacecraft_id": 5, "name": "Craft 5", "kind": "added", "before": None,
           "after": None, **raw}
    if not raw["id"]:
        raw["id"] = history.event_id(raw["date"], raw["spacecraft_id"], raw["kind"], raw["before"], raw["after"])
    data["events"].insert(1, raw)
    return data


@pytest.mark.parametrize("raw, problem", [
    ({"kind": "exploded"}, "kind: 'exploded' is not one of"),
    ({"id": "0123456789abcdef"}, "is not the id of what the event says"),
    ({"spacecraft_id": "1"}, "spacecraft_id: '1' is not an integer"),
    ({"spacecraft_id": 2**64}, "spacecraft_id: 18446744073709551616 is not an integer from -9007199254740991 to"),
    ({"kind": "flights_count", "before": 1, "after": 2**64}, "after: 18446744073709551616 is not what a flights_count"),
    ({"kind": "new_flight", "after": {"id": -2**70, "launch": "Crew-1", "date": None}}, "after: {'id': -1180591"),
    ({"date": "2026-11-21"}, "date: '2026-11-21' is not a date"),
    ({"date": "2026-11-２1T06:00:00Z"}, "date: '2026-11-２1T06:00:00Z' is not a date"),
    ({"date": "2026-11-31T06:00:00Z"}, "date: '2026-11-31T06:00:00Z' is not a date"),
    ({"kind": "status", "before": [1]}, "before: [1] is not what a"),
    ({"kind": "in_space", "before": "no", "after": "yes"}, "is not what a in_space event holds"),
    ({"date": "2026-11-19T06:00:00Z"}, "is outside the history"),
    (json.loads(dumps(sample_history()))["events"][0], "is there twice"),
])
def test_a_bad_event_is_left_out_naming_it_and_the_rest_of_the_history_is_kept(raw, problem, caplog):
    with caplog.at_level(logging.WARNING):
        assert parse(with_bad_event(raw), source="https://example.org/changes.json") == sample_history()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith("https://example.org/changes.json: events[1]")
    assert problem in warning and warning.endswith("; the event is left out") and "\n" not in warning


# --- Recording fetches -----------------------------------------------------------------------------

def fetch(caches: CacheLayout, records: list[dict], at: str) -> history.Update | None:
    """What build.fetch does: compare, then save the data, then commit the history."""
    update = record(caches, records, at)
    write_data(caches.root, records, fetched_at=at)
    if update is not None:
        history.commit(caches, update)
    return update


def files(caches: CacheLayout) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(caches.history.iterdir())}


def test_the_first_fetch_starts_the_history_and_the_next_ones_add_their_changes(tmp_path):
    caches = CacheLayout(tmp_path)
    first = fleet_of_four()
    fetch(caches, first, T0)
    assert history.load(caches) == History(since=T0, updated=T0, events=())
    assert sorted(files(caches)) == ["events.json", "state-20261120T060000Z.json"]

    second = copy.deepcopy(first)
    second[0]["name"] = "Craft One"
    fetch(caches, second, T1)
    fetch(caches, copy.deepcopy(second), T2)  # the same data again: no event, the history moves on

    loaded = history.load(caches)
    assert (loaded.since, loaded.updated) == (T0, T2)
    assert said(list(loaded.events)) == [(1, "Craft One", "renamed", "Craft 1", "Craft One")]
    assert [e.date for e in loaded.events] == [T1]
    assert sorted(files(caches)) == ["events.json", "state-20261122T060000Z.json"]  # only the last state kept


def test_a_fetch_no_newer_than_the_history_records_nothing(tmp_path, caplog):
    caches = CacheLayout(tmp_path)
    fetch(caches, fleet_of_four(), T1)
    before = files(caches)
    changed = fleet_of_four()[1:]
    with caplog.at_level(logging.WARNING):
        assert fetch(caches, changed, T0) is None  # a clock gone back
    assert files(caches) == before
    assert any("already goes up to 2026-11-21T06:00:00Z" in r.getMessage() for r in caplog.records)
    fetch(caches, changed, T2)  # nothing was lost: the next fetch compares with the last one recorded
    assert said(list(history.load(caches).events)) == [(1, "Craft 1", "removed", None, None)]


def test_a_crash_while_committing_leaves_the_history_whole_and_the_next_fetch_records_each_change_once(
        tmp_path, monkeypatch):
    caches = CacheLayout(tmp_path)
    records = fleet_of_four()
    fetch(caches, records, T0)
    before = files(caches)
    renamed = copy.deepcopy(records)
    renamed[0]["name"] = "Craft One"

    real = history.atomic_file

    def full_disk(path, *args, **kwargs):
        if path == caches.history_events:
            raise OSError(28, "No space left on device")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(history, "atomic_file", full_disk)
    with pytest.raises(OSError):
        fetch(caches, renamed, T1)  # the new state was written, events.json not
    monkeypatch.undo()
    assert (caches.history / "events.json").read_bytes() == before["events.json"]
    assert history.load(caches) == History(since=T0, updated=T0, events=())

    fetch(caches, renamed, T2)
    events = history.load(caches).events
    assert said(list(events)) == [(1, "Craft One", "renamed", "Craft 1", "Craft One")]
    assert sorted(files(caches)) == ["events.json", "state-20261122T060000Z.json"]


def test_a_damaged_history_is_ignored_with_a_warning(tmp_path, caplog):
    caches = CacheLayout(tmp_path)
    caches.history.mkdir(parents=True)
    caches.history_events.write_text('{"events": [')
    with caplog.at_level(logging.WARNING):
        assert history.load(caches) == EMPTY
    assert any("events.json is not valid" in r.getMessage() for r in caplog.records)


def test_an_integer_out_of_range_is_a_bad_value_of_its_record_never_a_bad_history(tmp_path, caplog):
    caches = CacheLayout(tmp_path)
    fetch(caches, fleet_of_four(), T0)
    huge = fleet_of_four()
    huge[0]["flights_count"] = 2**64  # beyond 64 bits, as an API could send it
    huge[1]["name"] = "Craft Two"
    with caplog.at_level(logging.WARNING):
        fetch(caches, huge, T1)
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning == ("spacecraft 1 (Craft 1): flights_count 18446744073709551616 is not an integer from "
                       "-9007199254740991 to 9007199254740991; the history records it as unknown")
    again = fleet_of_four()
    again[1]["name"], again[2]["name"] = "Craft Two", "Craft Three"
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        fetch(caches, again, T2)
        loaded = history.load(caches)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == []
    assert (loaded.since, loaded.updated) == (T0, T2)  # the history goes on: it did not start again
    assert [(e.date, *row) for e, row in zip(loaded.events, said(list(loaded.events)), strict=True)] == [
        (T1, 1, "Craft 1", "flights_count", 1, None),
        (T1, 2, "Craft Two", "renamed", "Craft 2", "Craft Two"),
        (T2, 1, "Craft 1", "flights_count", None, 1),
        (T2, 3, "Craft Three", "renamed", "Craft 3", "Craft Three"),
    ]


def test_a_seed_that_fails_records_nothing_and_the_next_fetch_asks_again(tmp_path):
    caches = CacheLayout(tmp_path)
    asked = []

    def seed(answer):
        return lambda: asked.append(answer) or answer

    assert record(caches, fleet_of_four(), T1, seed=seed(None)) is None  # published() said why, in one line
    assert not caches.history.exists()
    update = record(caches, fleet_of_four(), T2, seed=seed(sample_history()))
    assert asked == [None, sample_history()]
    assert update is not None and update.history.events == sample_history().events


def test_a_published_history_newer_than_the_fetch_is_kept_and_committed(tmp_path, caplog):
    caches = CacheLayout(tmp_path)
    seeded = History(since=T0, updated=T2, events=sample_history().events)  # its clock ran ahead of this one
    with caplog.at_level(logging.WARNING):
        update = record(caches, fleet_of_four(), T1, seed=lambda: seeded)
    assert update is not None and update.history == seeded
    history.commit(caches, update)
    assert history.load(caches) == seeded
    assert any("already goes up to 2026-11-22T06:00:00Z (this fetch: 2026-11-21T06:00:00Z)" in r.getMessage()
               for r in caplog.records)
    later = fleet_of_four()[1:]
    fetch(caches, later, "2026-11-23T06:00:00Z")  # compared with the records of the fetch that kept it
    loaded = history.load(caches)
    assert loaded.events[:-1] == seeded.events
    assert said(list(loaded.events[-1:])) == [(1, "Craft 1", "removed", None, None)]


# --- Seeding from the published changes.json -------------------------------------------------------

def test_a_cache_without_history_is_seeded_and_compared_with_its_data_file(tmp_path):
    caches = CacheLayout(tmp_path)
    records = fleet_of_four()
    write_data(tmp_path, records, fetched_at=T1)  # the data survived; the history did not
    seeded = History(since=T0, updated=T1, events=sample_history().events[:1])
    changed = copy.deepcopy(records)
    changed[1]["status"] = {"id": 1, "name": "Active"}
    update = record(caches, changed, T2, seed=lambda: seeded)
    assert update is not None
    assert update.history.events[:1] == seeded.events[:1]
    assert said(list(update.history.events[1:])) == [(2, "Craft 2", "status", "Single Use", "Active")]


def test_a_seeded_history_newer_than_the_data_file_is_not_compared_with_it(tmp_path, caplog):
    caches = CacheLayout(tmp_path)
    write_data(tmp_path, fleet_of_four(), fetched_at=T0)  # older than the published history: its changes are known
    seeded = History(since=T0, updated=T1, events=sample_history().events[:1])
    with caplog.at_level(logging.WARNING):
        update = record(caches, fleet_of_four()[1:], T2, seed=lambda: seeded)
    assert update is not None and update.history.events == seeded.events  # nothing recorded twice
    assert update.history.updated == T2
    assert any("changes until this fetch are not recorded" in r.getMessage() for r in caplog.records)


def test_the_published_history_is_read_over_http_and_the_key_stays_with_the_api(caplog):
    with Loopback() as other_host, Loopback() as api_host:
        body = dumps(sample_history())
        elsewhere = other_host.reply("/site/changes.json", body)
        same = api_host.reply("/site/changes.json", body)
        assert published(elsewhere, fetch_options(api_host.origin + "/2.3.0/", api_key="secret")) == sample_history()
        assert published(same, fetch_options(api_host.origin + "/2.3.0/", api_key="secret")) == sample_history()
        [seen_elsewhere] = other_host.headers_of("/site/changes.json")
        [seen_same] = api_host.headers_of("/site/changes.json")
    assert "authorization" not in seen_elsewhere
    assert seen_same["authorization"] == "Token secret"  # the API's own origin may have it


@pytest.mark.parametrize("reply, said_", [
    ((b"{}", 404), "HTTP 404"),
    ((b'{"version": 1, "events": "all of them"}', 200), "is not a valid changes.json (events: not a list)"),
    ((b"<html>", 200), "did not return valid JSON"),
])
def test_a_missing_or_invalid_published_history_is_one_warning(caplog, reply, said_):
    body, status = reply
    with Loopback() as host:
        url = host.reply("/changes.json", body, status=status)
        with caplog.at_level(logging.WARNING):
            assert published(url, fetch_options(host.origin + "/2.3.0/")) is None
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert said_ in warning and "\n" not in warning
    assert warning.endswith("this fetch records no changes, and the next --fetch tries the seed again")


def test_a_published_history_with_an_integer_out_of_range_is_seeded_without_that_event(caplog):
    data = json.loads(dumps(sample_history()))
    bad = {"date": T1, "spacecraft_id": 2**64, "name": "Craft 2**64", "kind": "added", "before": None, "after": None}
    bad["id"] = history.event_id(T1, 2**64, "added", None, None)
    data["events"].insert(0, bad)
    with Loopback() as host:
        url = host.reply("/changes.json", json.dumps(data).encode())
        with caplog.at_level(logging.WARNING):
            assert published(url, fetch_options(host.origin + "/2.3.0/")) == sample_history()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"{url}: events[0].spacecraft_id: 18446744073709551616 is not an integer from")


def test_a_published_history_that_never_answers_times_out(caplog):
    with Loopback() as host:
        url = host.hold("/changes.json")
        with caplog.at_level(logging.WARNING):
            assert published(url, fetch_options(host.origin + "/2.3.0/", timeout=0.2)) is None
    assert any("timed out" in r.getMessage() for r in caplog.records)


def test_the_docstring_example_of_changes_json_passes_its_schema():
    # the one written spec of changes.json (docs/data.md links it): its example is a real document
    doc = history.__doc__ or ""
    example = doc.split("changes.json, format version 1", 1)[1].split("::\n\n", 1)[1].split("\n\n", 1)[0]
    [event] = parse(json.loads(example)).events
    assert (event.kind, event.before, event.after, event.spacecraft_id) == ("status", "Active", "Retired", 178)
    assert event.id == history.event_id(event.date, 178, "status", "Active", "Retired")
