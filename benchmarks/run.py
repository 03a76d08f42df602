#!/usr/bin/env python3
"""Time the build at several catalog sizes and print one table.

    python benchmarks/run.py                      # N = 600, 10,000 and 100,000
    python benchmarks/run.py --sizes 600,10000    # quicker
    python benchmarks/run.py --base-url https://example.github.io/catalog/   # as published

For each N: a full build into an empty folder (data, gathered catalog and thumbnails already
cached, as after a template edit), timed as a subprocess `python build.py --cache C --out O -q`,
interpreter start included; its peak memory (max RSS of that child); the same build with the
gathered catalog removed from the cache ("new data": the first build after a fetch reads and
normalizes every record); the output's size; the search index raw and gzipped; then a rebuild
with nothing changed (time and files written). Last, the thumbnail step on 200 new 2000x1500 JPEGs
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
TARGETS = {600: 0.6, 10_000: 2.0, 100_000: 20.0}  # seconds, full build, 2 cores
MEMORY_TARGET_MB = 1024
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
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sink)
        total = 0.0
        while True:  # sample the memory of the build and its workers together until it exits
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            total = max(total, tree_pss_mb(proc.pid))
            time.sleep(0.05)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = err.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        sys.exit(f"build failed (exit {proc.returncode}): {' '.join(cmd)}\n{text}")
    # ru_maxrss (KiB on Linux) is the largest single process of the build: the parent or a worker.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text, proc.returncode, total)


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants, in MB: shared pages counted once."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue  # exited meanwhile
    return total / 1024


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
    fulls = []
    for _ in range(repeat):
        set_aside(out)
        fulls.append(run_build(cache, out))
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
    return Row(n, pages, full, cold, rebuild, int(found.group(1)) if found else None, size, raw, gz)


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
    print()
    head = ("N", "pages", "full build s", "new data s", "cpu s", "ms/page", "peak MB", "all procs MB", "output MB", "index KiB raw/gz",
            "no-change s", "files written", "targets")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---:" for _ in head) + "|")
    for row in rows:
        print("| " + " | ".join((
            f"{row.n:,}", f"{row.pages:,}", f"{row.full.wall:.2f}", f"{row.cold.wall:.2f}", f"{row.full.cpu:.2f}",
            f"{1000 * row.full.wall / row.pages:.3f}",
            f"{row.full.peak_mb:,.0f}", f"{row.full.tree_mb:,.0f}", f"{row.output_bytes / 1e6:,.1f}",
            f"{kib(row.index_raw)} / {kib(row.index_gzip)}",
            f"{row.rebuild.wall:.2f}", "?" if row.rebuild_written is None else f"{row.rebuild_written}",
            verdict(row),
        )) + " |")
    print()
    if thumbs is None:
        print("Thumbnails: skipped")
    else:
        project, naive = thumbs
        print(f"Thumbnails, {count} new 2000x1500 JPEGs: project {project:.2f} s ({count / project:.0f}/s), "
              f"naive Pillow loop {naive:.2f} s ({count / naive:.0f}/s): {naive / project:.1f}x "
              f"({'meets' if naive / project >= THUMB_TARGET_RATIO else 'misses'} the {THUMB_TARGET_RATIO:.0f}x target)")


def verdict(row: Row) -> str:
    misses = []
    target = TARGETS.get(row.n)
    if target is not None and row.full.wall >= target:
        misses.append(f"build ≥ {target} s")
    if row.n >= 100_000 and max(row.full.peak_mb, row.full.tree_mb) >= MEMORY_TARGET_MB:
        misses.append("memory ≥ 1 GB")
    if row.rebuild_written != 0:
        misses.append("rebuild wrote files")
    if row.rebuild.wall >= row.full.wall / 2:
        misses.append("rebuild ≥ half")
    return "ok" if not misses else "MISS: " + ", ".join(misses)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,10000,100000", help="comma-separated N (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=0,
                        help="timed runs per size, best kept (default 3, 1 from 100,000 records)")
    parser.add_argument("--thumbnails", type=int, default=200, metavar="COUNT",
                        help="new source images for the thumbnail comparison; 0 skips it (default %(default)s)")
    parser.add_argument("--base-url", metavar="URL", default=None,
                        help="build as for publishing (canonical links, Open Graph, sitemap); default: without")
    args = parser.parse_args(argv)
    global BASE_URL
    BASE_URL = args.base_url
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
