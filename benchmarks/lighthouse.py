#!/usr/bin/env python3
"""Lighthouse scores of every kind of page, for synthetic catalogs served on loopback.

    python benchmarks/lighthouse.py                       # 600 and 10,000 records
    python benchmarks/lighthouse.py --sizes 600 --runs 3  # the median of three runs per page
    python benchmarks/lighthouse.py --sizes 100000 --pages search,compare  # pages whose label has a word

For each N: synthetic records (benchmarks/synth.py, with a thumbnail behind every image, as a
build after --fetch has them), built with build.py into benchmarks/.work/lh-out-N, served over
HTTP by the project's preview server, and each page measured by Lighthouse 12.2.3 (mobile
defaults: a throttled phone) in Debian's Chromium. Prints one table: the four scores, LCP, total
blocking time, CLS and the number of DOM elements, with the targets of issue 16 (performance 95
at 600 records and 90 at 10,000; accessibility, best practices and SEO 100; CLS under 0.1; at
most about 1,500 DOM elements).

Needs node and npm; Lighthouse is installed on first use into benchmarks/.work/lighthouse/.
A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (dataset(): the benchmark's cached synthetic data with images)

LIGHTHOUSE_VERSION = "12.2.3"
CHROMIUM = "/usr/bin/chromium"
TARGET_PERFORMANCE = {600: 95, 10_000: 90}


def lighthouse() -> Path:
    """The Lighthouse command, installed with npm into benchmarks/.work/lighthouse/ when missing."""
    prefix = WORK / "lighthouse"
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        if not shutil.which("npm"):
            sys.exit("npm is needed for Lighthouse: apt-get install -y npm")
        print(f"installing lighthouse@{LIGHTHOUSE_VERSION} into {prefix}...", file=sys.stderr)
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "i", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}", "--prefix", str(prefix),
                        "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return binary


def pages_of(site: Path) -> list[tuple[str, str]]:
    """(label, site path) of one page of every kind the site has."""
    def first(folder: str, largest: bool = False) -> str | None:
        found = [p for p in sorted((site / folder).glob("*.html")) if not p.name.startswith(("index", "page-"))]
        if largest:
            found.sort(key=lambda p: -p.stat().st_size)
        return f"{folder}/{found[0].name}" if found else None

    wanted = [
        ("home", "index.html"), ("spacecraft list", "spacecraft/index.html"),
        ("configurations index", "configurations/index.html"), ("agencies index", "agencies/index.html"),
        ("statuses index", "statuses/index.html"), ("configuration page", first("configurations", largest=True)),
        ("agency page", first("agencies", largest=True)), ("status page", first("statuses", largest=True)),
        ("spacecraft page", first("spacecraft")), ("search", "search.html"),
        ("search with a query", "search.html?search=soyuz"), ("credits", "credits.html"),
    ]
    # Pages that other features add, when the site has them.
    for label, path in (("changes", "changes.html"), ("data", "data.html"), ("licenses", "licenses.html"),
                        ("stats", "stats.html"), ("compare", "compare.html")):
        if (site / path).exists():
            wanted.append((label, path))
    if (site / "compare.html").exists():  # two spacecraft far apart: the first and the last by file name
        crafts = sorted(p.stem for p in (site / "spacecraft").glob("*.html") if not p.name.startswith(("index", "page-")))
        ids = [json.loads((site / "spacecraft" / f"{stem}.json").read_text(encoding="utf-8"))["id"]
               for stem in (crafts[0], crafts[-1]) if (site / "spacecraft" / f"{stem}.json").exists()]
        if len(ids) == 2:
            wanted.append(("compare with ids", f"compare.html?ids={ids[0]},{ids[1]}"))
    # The crew data's pages (issue 26), when the data has flights and stations.
    for label, path in (("flight page", first("flights")), ("astronaut page", first("astronauts")),
                        ("people index", "astronauts/index.html"), ("station page", first("stations", largest=True)),
                        ("stations index", "stations/index.html"), ("quality page", "quality.html")):
        if path and (site / path).exists():
            wanted.append((label, path))
    licensed = sorted(p.name for p in site.glob("licenses-*.html"))  # a license's own pages (issue 16)
    if licensed:
        wanted.append(("license page", licensed[0]))
    return [(label, path) for label, path in wanted if path and (site / path.split("?")[0]).exists()]


def measure(binary: Path, url: str, out: Path) -> dict[str, float]:
    """One Lighthouse run; its scores (0-100) and metrics."""
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run([str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
                    "--only-categories=performance,accessibility,best-practices,seo"],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    report = json.loads(out.read_text(encoding="utf-8"))
    cats, audits = report["categories"], report["audits"]
    return {
        "perf": round(100 * (cats["performance"]["score"] or 0)),
        "a11y": round(100 * (cats["accessibility"]["score"] or 0)),
        "bp": round(100 * (cats["best-practices"]["score"] or 0)),
        "seo": round(100 * (cats["seo"]["score"] or 0)),
        "lcp": audits["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "dom": audits["dom-size"]["numericValue"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="600,10000", help="comma-separated N (default %(default)s)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is shown (default 1)")
    parser.add_argument("--pages", default="", help="only pages whose label contains one of these comma-separated "
                        "words (search,compare: the search and compare pages); default every page")
    args = parser.parse_args(argv)
    from catalog.output.serve import make_server, url_of

    binary = lighthouse()
    print(f"Lighthouse {LIGHTHOUSE_VERSION}, mobile defaults, {CHROMIUM}; median of {args.runs} run(s) per page\n")
    for n in (int(s) for s in args.sizes.split(",")):
        cache = run.dataset(n)
        out = WORK / f"lh-out-{n}"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--cache", str(cache), "--out", str(out), "-q"],
                       check=True, cwd=ROOT)
        server = make_server(out, port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        target = TARGET_PERFORMANCE.get(n, 90)
        print(f"N = {n:,} (performance target {target})\n")
        print("| page | perf | a11y | best pr. | SEO | LCP s | TBT ms | CLS | DOM elements | targets |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        try:
            words = [w for w in args.pages.split(",") if w]
            for label, path in pages_of(out):
                if words and not any(w in label for w in words):
                    continue
                runs = [measure(binary, url_of(server) + path, WORK / f"lh-{n}-{i}.json") for i in range(args.runs)]
                m = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                missed = [name for name, ok in (
                    ("perf", m["perf"] >= target), ("a11y", m["a11y"] == 100), ("bp", m["bp"] == 100),
                    ("seo", m["seo"] == 100), ("cls", m["cls"] < 0.1), ("dom", m["dom"] <= 1500)) if not ok]
                print(f"| {label} | {m['perf']:.0f} | {m['a11y']:.0f} | {m['bp']:.0f} | {m['seo']:.0f} | "
                      f"{m['lcp']:.1f} | {m['tbt']:.0f} | {m['cls']:.3f} | {m['dom']:,.0f} | "
                      f"{'ok' if not missed else 'missed: ' + ', '.join(missed)} |", flush=True)
        finally:
            server.shutdown()
            server.server_close()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
