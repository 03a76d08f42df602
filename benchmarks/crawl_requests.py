#!/usr/bin/env python3
"""Count the requests a fetch sends without an API key, against the loopback fake API with LL2's
anonymous rate limit (15 requests an hour, on a fake clock: runs an hour apart take no time).

    python benchmarks/crawl_requests.py            # every scenario, 100,000 records last
    python benchmarks/crawl_requests.py --quick    # without the 100,000-record fetch

Scenarios, at the real catalog's size (600 spacecraft, 1,200 flights, 20 stations):

- a first run from an empty cache, then one an hour until every endpoint is complete (target: 3 runs);
- a run when nothing changed upstream (target: at most 8 requests);
- a run after one new flight (target: at most 10);

then 100,000 spacecraft fetched through the command line (build.py --fetch --max-records 200000,
with a key: no budget), which the default cap of 50,000 refuses, naming --max-records.
Prints one line per figure, and exits 1 when one misses its target.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakeserver import FakeLL2  # noqa: E402  (tests/: the loopback fake API)

from catalog.build import fetch  # noqa: E402
from catalog.config import ANONYMOUS_BUDGET, CacheLayout, FetchOptions  # noqa: E402

HOUR = 3600.0
START = datetime(2026, 11, 20, 6, 0, tzinfo=UTC).timestamp()


def real_size(fake: FakeLL2) -> None:
    fake.records = [craft(i, flights=2) for i in range(1, 601)]
    fake.flights = [{"id": j, "spacecraft": {"id": (j - 1) % 600 + 1}, "mission_end": "2020-01-01T00:00:00Z"}
                    for j in range(1, 1201)]
    fake.stations = [{"id": k, "name": f"Station {k}"} for k in range(1, 21)]


def craft(ident: int, *, flights: int = 2) -> dict:
    return {"id": ident, "name": f"Craft {ident}", "flights_count": flights, "in_space": False,
            "status": {"id": 1, "name": "Active"}, "spacecraft_config": {"id": 1, "name": "Capsule"}}


def one_run(fake: FakeLL2, cache: Path) -> int:
    """A scheduled run without a key, an hour after the last; the requests the API received."""
    def sleep(seconds: float) -> None:
        fake.now += seconds

    options = FetchOptions(api_url=fake.url, request_budget=ANONYMOUS_BUDGET, retries=0, backoff=0.0,
                           clock=lambda: START + fake.now, sleep=sleep)
    before = fake.api_requests()
    fetch(options, CacheLayout(cache))
    fake.now += HOUR
    return fake.api_requests() - before


def complete(cache: Path) -> bool:
    layout = CacheLayout(cache)
    return all(layout.endpoint_data(n).is_file() for n in ("spacecraft", "flights", "stations")) and not any(
        layout.checkpoint(n).exists() for n in ("spacecraft", "flights", "stations"))


def scenarios(work: Path) -> list[tuple[str, int, int]]:
    """(what, figure, target) of the three rate-limited scenarios."""
    fake = FakeLL2().start()
    try:
        fake.rate_limit = (15, HOUR)
        real_size(fake)
        runs: list[int] = []
        while not complete(work) and len(runs) < 10:
            runs.append(one_run(fake, work))
        print(f"first crawl from an empty cache: {len(runs)} runs an hour apart, requests per run {runs}, "
              f"{fake.throttled_count} refused by the rate limit")
        unchanged = one_run(fake, work)
        fake.records[41] = craft(42, flights=3)
        fake.flights.append({"id": 1201, "spacecraft": {"id": 42}, "mission_end": None})
        one_new = one_run(fake, work)
        return [("runs to complete the first crawl", len(runs), 3),
                ("most requests in one run (rate limit: 15 an hour)", max(runs), ANONYMOUS_BUDGET),
                ("requests when nothing changed", unchanged, 8),
                ("requests after one new flight", one_new, 10)]
    finally:
        fake.stop()


def hundred_thousand(work: Path) -> list[tuple[str, int, int]]:
    """Fetch and build 100,000 spacecraft through the command line."""
    fake = FakeLL2().start()
    try:
        fake.records = [craft(i) for i in range(1, 100_001)]
        command = [sys.executable, str(ROOT / "build.py"), "--fetch", "--api-url", fake.url, "--api-key", "benchmark",
                   "--out", str(work / "out"), "-q"]
        refused = subprocess.run([*command, "--cache", str(work / "refused")], capture_output=True, text=True,
                                 timeout=3600)
        before = fake.api_requests("/2.3.0/spacecraft/")
        print(f"100,000 records with the default cap: exit {refused.returncode}: {refused.stderr.strip()[-160:]}")
        started = time.perf_counter()
        done = subprocess.run([*command, "--cache", str(work / "cache"), "--max-records", "200000"],
                              capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - started
        records = sum(1 for _ in CacheLayout(work / "cache").data_file.open()) - 1 if done.returncode == 0 else 0
        print(f"100,000 records with --max-records 200000: exit {done.returncode}, {records:,} records saved, "
              f"{fake.api_requests('/2.3.0/spacecraft/') - before:,} spacecraft requests, fetch and build {seconds:.0f} s")
        return [("records fetched through the command line", records, 100_000)]
    finally:
        fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000-record fetch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        figures = scenarios(Path(folder) / "rate-limited")
        if not args.quick:
            figures += hundred_thousand(Path(folder))
    missed = 0
    for what, figure, target in figures:
        least = what.startswith("records")
        ok = figure >= target if least else figure <= target
        missed += not ok
        print(f"{'ok  ' if ok else 'MISS'} {what}: {figure:,} (target {'at least' if least else 'at most'} {target:,})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
