"""A fetch within the anonymous rate limit: the request budget, resumable crawls, incremental refresh.

The API is the loopback fake with a real rate limiter (15 requests an hour on a fake clock that the
tests move: runs "an hour apart" take no time); every assertion counts the requests it received.
"""
from __future__ import annotations

import json
import logging
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from base import ROOT, build_py, build_site, config, fetch_options, image, parse, serving, spacecraft, write_data
from base import flight as base_flight

from catalog.build import fetch
from catalog.config import ANONYMOUS_BUDGET, CacheLayout
from catalog.data import history, snapshot

HOUR = 3600.0
START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC).timestamp()


def real_size(fake: Any, *, crafts: int = 600, flights: int = 1200, stations: int = 20) -> None:
    """The real catalog's size: about 600 spacecraft, 1,200 flights and 20 stations."""
    fake.records = [spacecraft(i, f"Craft {i}", flights_count=2) for i in range(1, crafts + 1)]
    fake.flights = [flight(j, craft=(j - 1) % crafts + 1) for j in range(1, flights + 1)]
    fake.stations = [{"id": k, "name": f"Station {k}"} for k in range(1, stations + 1)]


def flight(ident: int, *, craft: int, ended: bool = True) -> dict[str, Any]:
    return {"id": ident, "spacecraft": {"id": craft}, "mission_end": "2020-01-01T00:00:00Z" if ended else None}


def anonymous(fake: Any, **overrides: Any) -> Any:
    """A fetch without a key, as the command line makes one: the default budget, on the fake clock
    (a wait for a 429 moves the clock, as the rate limiter sees it)."""
    def sleep(seconds: float) -> None:
        fake.now += seconds

    settings: dict[str, Any] = dict(request_budget=ANONYMOUS_BUDGET, clock=lambda: START + fake.now, sleep=sleep)
    settings.update(overrides)
    return fetch_options(fake.url, **settings)


def run(fake: Any, cache: Path, **overrides: Any) -> int:
    """One scheduled run, an hour after the last; the requests the API received."""
    before = fake.api_requests()
    fetch(anonymous(fake, **overrides), CacheLayout(cache))
    fake.now += HOUR
    return fake.api_requests() - before


def committed(cache: Path, name: str) -> list[int]:
    """The ids of an endpoint's last complete crawl in the cache."""
    path = CacheLayout(cache).endpoint_data(name)
    if not path.is_file():
        return []
    return [r["id"] for r in snapshot.iter_records(path)]


@pytest.fixture
def limited(fake_api):
    """The fake API with LL2's anonymous rate limit: 15 requests an hour."""
    fake_api.rate_limit = (15, HOUR)
    return fake_api


def test_a_first_run_completes_the_real_catalog_within_three_runs_an_hour_apart(limited, tmp_path, caplog):
    real_size(limited)
    caplog.set_level(logging.INFO, logger="catalog")
    sent = [run(limited, tmp_path)]
    assert "flights: 6 of 12 pages; the rest on the next run" in caplog.text
    assert committed(tmp_path, "spacecraft") == list(range(1, 601))  # first in value: usable at once
    assert committed(tmp_path, "flights") == []  # only a complete crawl is committed
    sent += [run(limited, tmp_path), run(limited, tmp_path)]
    assert committed(tmp_path, "flights") == list(range(1, 1201))
    assert committed(tmp_path, "stations") == list(range(1, 21))
    assert max(sent) <= ANONYMOUS_BUDGET < 15
    assert limited.throttled_count == 0  # never over the anonymous limit
    assert not CacheLayout(tmp_path).checkpoint("flights").exists()


def test_once_complete_a_run_sends_at_most_8_requests_and_10_after_a_new_flight(limited, tmp_path):
    real_size(limited)
    for _ in range(3):
        run(limited, tmp_path)
    assert run(limited, tmp_path) <= 8  # nothing changed upstream
    limited.records[41] = spacecraft(42, "Craft 42", flights_count=3)
    limited.flights.append(flight(1201, craft=42, ended=False))
    assert run(limited, tmp_path) <= 10
    assert 1201 in committed(tmp_path, "flights")


def test_a_changed_spacecraft_has_its_flights_fetched_again(limited, tmp_path):
    real_size(limited, crafts=30, flights=300, stations=2)
    for _ in range(2):
        run(limited, tmp_path)
    limited.flights[0] = {**limited.flights[0], "destination": "Mars"}  # flight 1, of spacecraft 1: old, not the newest
    limited.records[0] = spacecraft(1, "Craft 1", flights_count=2, status={"id": 3, "name": "Destroyed"})
    run(limited, tmp_path)
    flights = {r["id"]: r for r in snapshot.iter_records(CacheLayout(tmp_path).endpoint_data("flights"))}
    assert flights[1]["destination"] == "Mars"
    assert any("spacecraft=1&" in r or r.endswith("spacecraft=1") for r in limited.requests)


def test_a_run_never_sends_more_requests_than_its_budget_retries_included(fake_api, tmp_path, caplog):
    fake_api.records = [spacecraft(i) for i in range(1, 251)]
    fake_api.fault("/2.3.0/spacecraft/", "503", times=3)  # each retry is a request of the budget
    caplog.set_level(logging.INFO, logger="catalog")
    fetch(anonymous(fake_api, request_budget=5, retries=5), CacheLayout(tmp_path))
    assert fake_api.api_requests() == 5
    assert "spacecraft: 2 of 3 pages; the rest on the next run" in caplog.text
    assert CacheLayout(tmp_path).checkpoint("spacecraft").is_file()
    assert not CacheLayout(tmp_path).data_file.exists()


def test_a_crawl_resumed_after_records_were_removed_and_added_upstream_loses_and_repeats_none(fake_api, tmp_path,
                                                                                           caplog):
    fake_api.records = [spacecraft(10 * i) for i in range(1, 251)]  # ids 10, 20... 2500
    run(fake_api, tmp_path, request_budget=1)  # page 1: ids 10 to 1000
    upstream = [r for r in fake_api.records if not 300 <= r["id"] <= 500]  # 21 removed before the offset
    upstream.append(spacecraft(15))  # one added before it
    fake_api.records = upstream
    caplog.set_level(logging.INFO, logger="catalog")
    run(fake_api, tmp_path, request_budget=None)
    kept = committed(tmp_path, "spacecraft")
    assert len(kept) == len(set(kept))
    # Every record upstream now is there (1010 to 1210 shifted behind the checkpoint's offset), and
    # the removed ones received before the pause are still there: the count check says why.
    assert set(kept) >= {r["id"] for r in upstream}
    assert set(kept) - {r["id"] for r in upstream} == set(range(300, 501, 10))
    assert ("the API reported 230 spacecraft but 251 distinct records were fetched (records were added or removed "
            "upstream while the crawl was paused") in caplog.text


def checkpointed(fake: Any, cache: Path) -> Path:
    fake.records = [spacecraft(i) for i in range(1, 251)]
    run(fake, cache, request_budget=1)
    path = CacheLayout(cache).checkpoint("spacecraft")
    assert path.is_file()
    return path


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2].rsplit(b"\n", 1)[0] + b"\n")


def _corrupt(path: Path) -> None:
    path.write_bytes(b"\x00garbage" + path.read_bytes()[40:])


def _other_api(path: Path) -> None:
    lines = path.read_bytes().split(b"\n", 1)
    header = json.loads(lines[0])
    header["checkpoint"]["api_url"] = "https://lldev.example/2.3.0/"
    path.write_bytes(json.dumps(header).encode() + b"\n" + lines[1])


def _other_version(path: Path) -> None:
    lines = path.read_bytes().split(b"\n", 1)
    header = json.loads(lines[0])
    header["checkpoint"]["version"] = 99
    path.write_bytes(json.dumps(header).encode() + b"\n" + lines[1])


@pytest.mark.parametrize(("damage", "why"), [(_truncate, "it is truncated"), (_corrupt, "it is corrupt"),
                                             (_other_api, "it was made for another API URL"),
                                             (_other_version, "it is of another version")])
def test_a_bad_checkpoint_is_ignored_with_a_warning_and_a_fresh_crawl_starts(fake_api, tmp_path, caplog, damage, why):
    damage(checkpointed(fake_api, tmp_path))
    write_data(tmp_path, [spacecraft(1, "Old")])  # the last complete data stays until the new crawl is complete
    before = fake_api.api_requests()
    run(fake_api, tmp_path, request_budget=None)
    assert f"ignoring the checkpoint {CacheLayout(tmp_path).checkpoint('spacecraft')}: {why}" in caplog.text
    assert committed(tmp_path, "spacecraft") == list(range(1, 251))
    spacecraft_pages = [r for r in fake_api.requests[before:] if r.startswith("/2.3.0/spacecraft/")]
    assert "offset" not in spacecraft_pages[0]  # from the first page


def test_a_429_longer_than_the_run_may_wait_keeps_the_checkpoint_and_builds_the_last_complete_data(fake_api,
                                                                                                 tmp_path):
    write_data(tmp_path / "cache", [spacecraft(1, "Last Complete")])
    fake_api.records = [spacecraft(i, f"New {i}") for i in range(1, 251)]
    fake_api.rate_limit = (1, 7200.0)  # the first page comes; the second is refused for two hours
    done = build_py(tmp_path / "out", tmp_path / "cache", "--fetch", "--api-url", fake_api.url, "--max-wait", "60")
    assert done.returncode == 0, done.stderr
    assert "rate-limited (HTTP 429) and asks for 7200 s more" in done.stderr
    assert "the crawl so far is kept for the next run, and the site is built from the last complete data" in done.stderr
    assert (tmp_path / "out" / "spacecraft" / "last-complete.html").is_file()  # the one record of the last crawl
    assert not (tmp_path / "out" / "spacecraft" / "new-1.html").exists()
    assert CacheLayout(tmp_path / "cache").checkpoint("spacecraft").is_file()
    strict = build_py(tmp_path / "out2", tmp_path / "cache", "--fetch", "--api-url", fake_api.url, "--max-wait", "60",
                      "--strict")
    assert strict.returncode == 1
    assert strict.stderr.splitlines()[-1].startswith("error: --strict: the build warned (")
    assert CacheLayout(tmp_path / "cache").checkpoint("spacecraft").is_file()


def test_a_kill_during_a_resumed_crawl_leaves_the_checkpoint_and_the_last_complete_data_whole(fake_api, tmp_path):
    cache = tmp_path / "cache"
    path = checkpointed(fake_api, cache)
    write_data(cache, [spacecraft(1, "Last Complete")])
    data = CacheLayout(cache).data_file
    saved = path.read_bytes(), data.read_bytes()
    fake_api.fault("/2.3.0/spacecraft/", "drip", {"size": 100_000})  # the resumed page never ends
    command = [sys.executable, str(ROOT / "build.py"), "--fetch", "--api-url", fake_api.url, "--cache", str(cache),
               "--out", str(tmp_path / "out"), "-q"]
    with subprocess.Popen(command, stderr=subprocess.DEVNULL) as child:
        assert fake_api.dripping.wait(60)
        child.send_signal(signal.SIGKILL)
        child.wait(60)
    assert (path.read_bytes(), data.read_bytes()) == saved
    run(fake_api, cache, request_budget=None)
    assert committed(cache, "spacecraft") == list(range(1, 251))


@pytest.mark.parametrize(("option", "message"), [
    (["--max-records", "10"], "15 records arrived, over the limit of 10 (--max-records raises it; the first page "
                              "announced 25)"),
    (["--max-pages", "2"], "2 pages arrived, the limit (--max-pages raises it; the first page announced 25)"),
])
def test_a_cap_hit_names_the_cap_and_the_option_that_raises_it(fake_api, tmp_path, option, message):
    fake_api.records = [spacecraft(i) for i in range(1, 26)]
    fake_api.page_cap = 5
    done = build_py(tmp_path / "out", tmp_path / "cache", "--fetch", "--api-url", fake_api.url, *option)
    assert done.returncode == 1
    assert done.stderr.startswith("error: stopped after ") and done.stderr.rstrip().endswith(message)


def due(cache: Path) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--check-due", "--cache", str(cache)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_check_due_says_whether_the_hourly_schedule_has_anything_to_do(fake_api, tmp_path):
    assert due(tmp_path) == "due=true\n"  # nothing fetched yet
    real_size(fake_api, crafts=250, flights=10, stations=2)
    now = datetime.now(UTC).timestamp()
    fetch(fetch_options(fake_api.url, request_budget=2, clock=lambda: now), CacheLayout(tmp_path))
    assert due(tmp_path) == "due=true\n"  # a crawl is left part way
    fetch(fetch_options(fake_api.url, clock=lambda: now), CacheLayout(tmp_path))
    assert due(tmp_path) == "due=false\n"  # complete and fresh: an hourly run skips
    fetch(fetch_options(fake_api.url, clock=lambda: now - 24 * HOUR), CacheLayout(tmp_path))
    assert due(tmp_path) == "due=true\n"  # a day old


# --- A history that survives a lost cache ----------------------------------------------------------

def published_site(fake: Any, tmp_path: Path) -> Path:
    """A site built and published after a fetch; then its cache is evicted (actions/cache drops it)."""
    fake.records = [spacecraft(i, f"Craft {i}", image=None, cfg=config(img=image(None, url="", thumb=None)),
                               status={"id": 1, "name": "Active"}, flights=[base_flight(i)]) for i in range(1, 5)]
    cache = tmp_path / "evicted"
    fetch(fetch_options(fake.url, clock=lambda: START), CacheLayout(cache))
    build_site(tmp_path / "site", cache, base_url="https://user.github.io/repo/")
    shutil.rmtree(cache)
    fake.records[1] = {**fake.records[1], "status": {"id": 3, "name": "Destroyed"}}
    return tmp_path / "site"


def fetch_seeded(fake: Any, site: Path, cache: Path) -> tuple[Any, ...]:
    with serving(site) as url:
        fetch(fetch_options(fake.url, clock=lambda: START + 86400, seed=True), CacheLayout(cache), site_url=url)
    return tuple((e.date, e.spacecraft_id, e.kind, e.before, e.after) for e in history.load(CacheLayout(cache)).events)


def test_a_lost_cache_records_the_change_since_the_last_publish_once(fake_api, tmp_path):
    site = published_site(fake_api, tmp_path)
    events = fetch_seeded(fake_api, site, tmp_path / "new")
    assert events == (("2026-11-21T06:00:00Z", 2, "status", "Active", "Destroyed"),)


def test_a_lost_cache_without_published_records_records_no_events_rather_than_wrong_ones(fake_api, tmp_path, caplog):
    site = published_site(fake_api, tmp_path)
    (site / "data" / "spacecraft.json").unlink()
    assert fetch_seeded(fake_api, site, tmp_path / "new") == ()  # never an "added" for every record
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1
    assert warned[0].startswith("the published records were not read (")
    assert warned[0].endswith("data/spacecraft.json answered HTTP 404 File not found); this fetch records no changes")


def test_the_home_and_data_pages_say_how_fresh_each_source_is(limited, tmp_path):
    real_size(limited, crafts=30, flights=300, stations=2)
    cache, out = tmp_path / "cache", tmp_path / "out"
    run(limited, cache, request_budget=2)  # the spacecraft, then one page of three of the flights
    build_site(out, cache)
    partial = ("Fetched: spacecraft as of 2026-11-20 · flights not fetched yet (a new crawl: 1 of 3 pages so far; "
               "the rest on the next run) · stations not fetched yet.")
    assert partial in parse(out / "index.html").text and partial in parse(out / "data.html").text
    run(limited, cache)
    build_site(out, cache)
    done = "Fetched: spacecraft as of 2026-11-20 · flights as of 2026-11-20 · stations as of 2026-11-20."
    assert done in parse(out / "index.html").text and done in parse(out / "data.html").text


def test_a_failing_stations_endpoint_is_one_warning_and_the_spacecraft_are_still_saved(fake_api, tmp_path, caplog):
    real_size(fake_api, crafts=5, flights=5, stations=2)
    fake_api.always["/2.3.0/space_stations/"] = ("status", 500)
    fetch(fetch_options(fake_api.url), CacheLayout(tmp_path))
    assert committed(tmp_path, "spacecraft") == [1, 2, 3, 4, 5]
    assert committed(tmp_path, "flights") == [1, 2, 3, 4, 5]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warned == [f"stations not refreshed: {fake_api.url}space_stations/?limit=100&mode=detailed&ordering=id "
                      "answered HTTP 500 Internal Server Error; its last complete data stays in use"]
