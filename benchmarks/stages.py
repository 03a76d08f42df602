#!/usr/bin/env python3
"""Where a build spends its time and its bytes: two tables for one synthetic catalog.

    python benchmarks/stages.py                 # 10,000 records
    python benchmarks/stages.py --records 600

Both builds run in this process from the benchmark's cached data (benchmarks/.work/cache-N, made
by run.py's dataset(): gathered catalog and thumbnails cached, as after a template edit), each into
a fresh folder. Printed:

1. CPU per stage: a build in one process (BuildOptions.workers=1), the CPU time between the
   build's own --debug stamps (each stage and each output of step 6), and the CPU of rendering
   each kind of page (count, total, per page, bytes per page). Then the same build on every core:
   the parent's CPU and the render workers' (getrusage of the children), and the wall time.
2. Bytes per file kind in the output: files, total and mean size.

A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import collections
import logging
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import run  # noqa: E402 - benchmarks/run.py: the datasets, set_aside and kind_of

from catalog.build import build  # noqa: E402
from catalog.config import BuildOptions  # noqa: E402


class Stamps(logging.Handler):
    """CPU time of this process at each --debug line of the build, in order."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.marks: list[tuple[str, float]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.marks.append((record.getMessage(), time.process_time()))


def cpu_per_stage(cache: Path, out: Path) -> tuple[list[tuple[str, float]], dict[str, list[float]], float]:
    """One build in this process: CPU between stamps, and (count, CPU, bytes) per page kind."""
    from catalog.render import Renderer

    kinds: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0])
    original = Renderer.render

    def timed(self: Renderer, page) -> bytes:  # type: ignore[no-untyped-def]
        started = time.process_time()
        data = original(self, page)
        entry = kinds[page.kind]
        entry[0] += 1
        entry[1] += time.process_time() - started
        entry[2] += len(data)
        return data

    stamps = Stamps()
    logger = logging.getLogger("catalog")
    logger.addHandler(stamps)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    Renderer.render = timed  # type: ignore[method-assign]
    started = time.process_time()
    try:
        build(BuildOptions(out=out, cache=cache, workers=1))
    finally:
        Renderer.render = original  # type: ignore[method-assign]
        logger.removeHandler(stamps)
        logger.setLevel(level)
    total = time.process_time() - started
    steps, last = [], started
    for message, at in stamps.marks:
        steps.append((message, at - last))
        last = at
    return steps, kinds, total


def parallel(cache: Path, out: Path) -> tuple[float, float, float]:
    """(wall, parent CPU, workers' CPU) of a build on every core."""
    self_before = resource.getrusage(resource.RUSAGE_SELF)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    build(BuildOptions(out=out, cache=cache))
    wall = time.perf_counter() - started
    self_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)

    def cpu(after: resource.struct_rusage, before: resource.struct_rusage) -> float:
        return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime

    return wall, cpu(self_after, self_before), cpu(children_after, children_before)


def bytes_per_kind(out: Path) -> dict[str, tuple[int, int]]:
    found: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith(".spacecraft-catalog"):
            entry = found[run.kind_of(path.relative_to(out).as_posix())]
            entry[0] += 1
            entry[1] += path.stat().st_size
    return {kind: (files, size) for kind, (files, size) in found.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="synthetic records (default %(default)s)")
    args = parser.parse_args(argv)
    n = args.records
    cache = run.dataset(n)
    out = run.WORK / f"profile-out-{n}"
    run.set_aside(out)
    build(BuildOptions(out=out, cache=cache))  # warm-up: thumbnails and the gathered catalog cached
    run.set_aside(out)
    steps, kinds, total = cpu_per_stage(cache, out)
    run.set_aside(out)
    wall, parent, workers = parallel(cache, out)

    print(f"Machine: {run.machine()}; {n:,} records")
    print()
    print("CPU per stage, one process (ms since the previous --debug stamp):")
    print()
    print("| stage (the stamp that ends it) | CPU ms | share |")
    print("|---|---:|---:|")
    for message, seconds in steps:
        if seconds >= 0.001:
            print(f"| {message[:70]} | {1000 * seconds:,.0f} | {seconds / total:.0%} |")
    print(f"| **total** | **{1000 * total:,.0f}** | |")
    print()
    print("Rendering, per kind of page (one process):")
    print()
    print("| page kind | pages | CPU ms | ms per page | KiB per page |")
    print("|---|---:|---:|---:|---:|")
    for kind, (count, seconds, size) in sorted(kinds.items(), key=lambda item: -item[1][1]):
        print(f"| {kind} | {count:,.0f} | {1000 * seconds:,.0f} | {1000 * seconds / count:.3f} | {size / count / 1024:.1f} |")
    rendered = sum(entry[1] for entry in kinds.values())
    print(f"| **all pages** | {sum(e[0] for e in kinds.values()):,.0f} | **{1000 * rendered:,.0f}** "
          f"({rendered / total:.0%} of the build) | | |")
    print()
    print(f"On every core: wall {wall:.2f} s, CPU {parent:.2f} s in the parent and {workers:.2f} s in the render workers")
    print()
    print("Bytes per file kind:")
    print()
    print("| kind | files | MB | KiB per file | share of bytes |")
    print("|---|---:|---:|---:|---:|")
    sizes = bytes_per_kind(out)
    everything = sum(size for _, size in sizes.values())
    for kind, (files, size) in sorted(sizes.items(), key=lambda item: -item[1][1]):
        print(f"| {kind} | {files:,} | {size / 1e6:,.1f} | {size / files / 1024:.1f} | {size / everything:.1%} |")
    print(f"| **all** | {sum(f for f, _ in sizes.values()):,} | **{everything / 1e6:,.1f}** | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
