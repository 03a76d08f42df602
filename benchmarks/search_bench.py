#!/usr/bin/env python3
"""Measure the search index and the search page: bytes per record, Python cost, browser time per query.

    python benchmarks/search_bench.py                     # 10,000 and 100,000 records
    python benchmarks/search_bench.py --sizes 10000 --repeat 5

For each N (synthetic records from benchmarks/synth.py, with a thumbnail for every record that
has an image, as a build with downloaded images would give): the time to build and serialize the
index, and its size raw and gzipped, per record. Then, in headless Chromium (/usr/bin/chromium)
from file://, the search page of a real build with that index swapped in: the time from a
keystroke to its results being in the DOM and laid out (script, style and layout: the work of one
frame, measured with a forced layout after the page's own input handler), for a series of
queries typed key by key, for filter and order changes, and for the page's start-up. Paint is not
included; for 100 rows of text it is a fraction of a millisecond.

The page's option lists come from a 1,000-record build: synth.py's world (configurations,
agencies, statuses) is the same at every N, so the lists match the swapped-in index. Such a page
has its index with it, so it searches in the page itself, and these figures are the engine's work
per keystroke; a site of 2,000 spacecraft or more does that work in a worker (static/js/search.js),
off the page's thread, which then only inserts the answer.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from catalog.build import build  # noqa: E402
from catalog.config import BuildOptions  # noqa: E402
from catalog.data.crew import Source  # noqa: E402
from catalog.data.crewdata import join  # noqa: E402
from catalog.data.groups import build_catalog  # noqa: E402
from catalog.data.models import FetchMeta  # noqa: E402
from catalog.data.normalize import Normalizer, normalize_all  # noqa: E402
from catalog.site import search_index as search  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FRAME_MS = 16.0
TYPED = ["soyuz", "dragon 12", "bora cargo", "zz", "12345", "союз мс"]  # typed one key at a time
CHANGES = [  # (control, value): filter and order changes, each a committed change
    ("status", "4"), ("in_space", "true"), ("ordering", "-time_in_space"), ("ordering", "-time_in_space"),
    ("ordering", "flights_count"), ("spacecraft_config", "1"), ("agency", ""), ("is_placeholder", "false"),
]

# Installed in the page before any input: times each `input`/`change` event from the first
# listener (capture, on window) to after the page's handler, forcing style and layout.
PROBE = """
window.__probe = [];
const start = e => { window.__t0 = performance.now(); };
const stop = e => {
  document.body.offsetHeight;
  window.__probe.push([e.type, performance.now() - window.__t0]);
};
for (const type of ["input", "change"]) {
  window.addEventListener(type, start, true);
  window.addEventListener(type, stop, false);
}
"""


def thumbnailer(craft) -> str | None:
    """A thumbnail path per image, shaped like catalog/images.py's names (img/<digest>-320w.webp)."""
    image = craft.image or craft.config.image
    return f"img/{hashlib.blake2b(image.key.encode(), digest_size=8).hexdigest()}-320w.webp" if image else None


def index_figures(n: int) -> tuple[dict[str, bytes], dict[str, float]]:
    records = list(synth.make_records(n))
    flights, stations = list(synth.make_flights(n, records=records)), synth.make_stations()
    started = time.perf_counter()
    normalizer = Normalizer()  # as a build reads them: the spacecraft, then their flights and the stations
    spacecraft = normalize_all(records, normalizer=normalizer)
    crew = join(flights, stations, spacecraft, normalizer, flights_source=Source("flights", True, "2025-01-01"),
                stations_source=Source("stations", True, "2025-01-01"))
    catalog = build_catalog(spacecraft, FetchMeta(None, n, None, n), crew=crew)
    gathered = time.perf_counter()
    index = search.build_index(catalog, thumbnail=thumbnailer)
    built = time.perf_counter()
    data = search.to_json(index)
    done = time.perf_counter()
    files = search.files_of(index)
    figures = {
        "records": n,
        "normalize_s": gathered - started,
        "index_us_per_record": (built - gathered) / n * 1e6,
        "json_us_per_record": (done - built) / n * 1e6,
        "raw_bytes": len(data),
        "gzip_bytes": len(gzip.compress(data, 6)),
        "files": len(files) - 1,  # the head and its parts; search-index.json is not loaded by pages
        "largest_part_bytes": max(len(b) for path, b in files.items() if path != search.JSON_PATH),
    }
    return files, figures


def base_site(work: Path) -> Path:
    """A real build of 1,000 records: search.html, its scripts and styles."""
    cache = work / "cache"
    synth.write_dataset(cache, 1000)
    out = work / "site"
    build(BuildOptions(out=out, cache=cache))
    return out


def write_thumbnails(site: Path, whole: bytes) -> int:
    """Put a small real WebP at every thumbnail path the index names, so images load as they would."""
    import json

    from PIL import Image

    paths = json.loads(whole)["thumbnails"]
    sample = site / "bench-thumb.webp"
    Image.new("RGB", (320, 240), (90, 110, 160)).save(sample, "WEBP", quality=80)
    for path in paths:
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(sample, target)
    return len(paths)


def browser_figures(site: Path, repeat: int) -> dict[str, list[float]]:
    """Wall-clock ms per event from the in-page probe, and the renderer's CPU ms from a trace."""
    from playwright.sync_api import sync_playwright

    out: dict[str, list[float]] = {"typed": [], "changes": [], "startup": [], "first_sort": [],
                                   "typed_cpu": [], "changes_cpu": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((site / "search.html").as_uri())
            page.wait_for_function("window.spacecraftSearch !== undefined")
            out["startup"].append(page.evaluate(
                "performance.measure('init', 'search-start', 'search-ready').duration"))
            page.evaluate(PROBE)
            box = page.locator("#search-input")
            browser.start_tracing(page=page, categories=["devtools.timeline"])
            for text in TYPED:
                box.fill("")
                box.press_sequentially(text)
            out["typed_cpu"] += cpu_ms(browser.stop_tracing(), "input")
            out["typed"] += [ms for kind, ms in page.evaluate("window.__probe") if kind == "input"]
            box.fill("")
            page.evaluate("window.__probe = []")
            browser.start_tracing(page=page, categories=["devtools.timeline"])
            for name, value in CHANGES:
                page.locator(f"select[name={name}]").select_option(value)
            out["changes_cpu"] += cpu_ms(browser.stop_tracing(), "change")
            changes = [ms for kind, ms in page.evaluate("window.__probe") if kind == "change"]
            out["changes"] += changes
            out["first_sort"].append(changes[2])  # the first use of an ordering sorts the whole index
            page.close()
        browser.close()
    return out


def cpu_ms(trace: bytes, kind: str) -> list[float]:
    """Renderer thread CPU time of each dispatch of an event type (handler and forced layout)."""
    import json

    events = json.loads(trace)
    events = events["traceEvents"] if isinstance(events, dict) else events
    return [e["tdur"] / 1000 for e in events
            if e.get("name") == "EventDispatch" and e.get("ph") == "X" and "tdur" in e
            and e.get("args", {}).get("data", {}).get("type") == kind]


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered):5.2f}  p95 {p95:5.2f}  max {ordered[-1]:5.2f} ms  ({len(values)} events)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated record counts")
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size")
    parser.add_argument("--no-browser", action="store_true", help="index figures only")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        site = None if args.no_browser else base_site(Path(tmp))
        for n in sizes:
            files, fig = index_figures(n)
            print(f"\n{n:,} records")
            print(f"  index build      {fig['index_us_per_record']:.2f} µs/record, JSON {fig['json_us_per_record']:.2f} µs/record"
                  f" (normalize+group {fig['normalize_s']:.1f} s, not the index's cost)")
            print(f"  index size       {fig['raw_bytes']:,} B raw = {fig['raw_bytes'] / n:.1f} B/record; "
                  f"{fig['gzip_bytes']:,} B gzipped = {fig['gzip_bytes'] / n:.1f} B/record")
            print(f"  pages load       {fig['files']} files (the head and its parts), the largest {fig['largest_part_bytes']:,} B")
            if site is None:
                continue
            for stale in site.glob("search-index.*"):
                stale.unlink()
            for path, data in files.items():
                (site / path).write_bytes(data)
            thumbs = write_thumbnails(site, files[search.JSON_PATH])
            figures = browser_figures(site, args.repeat)
            typed, changes = figures["typed"], figures["changes"]
            print(f"  page start-up    {summary(figures['startup'])}  (the head and every part: unpack, fold, search)")
            print(f"  keystroke        {summary(typed)}")
            print(f"    CPU (trace)    {summary(figures['typed_cpu'])}")
            print(f"  filter/order     {summary(changes)}")
            print(f"    CPU (trace)    {summary(figures['changes_cpu'])}")
            print(f"  first ordering   {summary(figures['first_sort'])}  (orderings are sorted in idle time after load)")
            within = sum(1 for v in typed + changes if v <= FRAME_MS) / len(typed + changes)
            cpu = figures["typed_cpu"] + figures["changes_cpu"]
            within_cpu = sum(1 for v in cpu if v <= FRAME_MS) / len(cpu) if cpu else float("nan")
            print(f"  within {FRAME_MS:.0f} ms    {within:.1%} of keystrokes and changes by the clock, "
                  f"{within_cpu:.1%} by CPU time ({thumbs} distinct thumbnails)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
