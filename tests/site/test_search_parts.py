"""Issue 23: the search index in parts, in Chromium from file:// and over HTTP.

The fixture's 133 spacecraft are split into a head of 20 rows and parts of 25 (the real sizes are
1,000 and 1,000), loaded after the first paint as a large catalog's are: results from every part
are found, the page says how much it searched while parts load, compare finds spacecraft in two
parts, and an index of another version, or a missing part, is refused with a line saying why.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from base import build_parted, build_site
from playwright.sync_api import expect
from test_search import QuietHandler, catalog, fixture_records, names, page  # noqa: F401 - fixtures

from catalog.data.models import format_seconds
from catalog.site import offline, urls
from catalog.site import search_index as index_module

FIRST_ROWS, PART_ROWS = 20, 25
PARTS = 1 + -(-(133 - FIRST_ROWS) // PART_ROWS)  # the head and five parts


@pytest.fixture(scope="module")
def parted(tmp_path_factory) -> Path:
    """A build of the fixture records whose index comes in parts, after the first paint."""
    root = tmp_path_factory.mktemp("parted")
    return build_parted(root / "site", root / "cache", fixture_records(), first=FIRST_ROWS, part=PART_ROWS)


class Server:
    """The parted site over HTTP on loopback; a path given to hold() is answered only after release()."""

    def __init__(self, site: Path) -> None:
        self.held, self.released = "", threading.Event()
        gate = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                if gate.held and self.path.split("?")[0].endswith("/" + gate.held):
                    gate.released.wait(30)
                super().do_GET()

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        self.http.daemon_threads = True
        self.root = f"http://127.0.0.1:{self.http.server_address[1]}/"

    def hold(self, path: str) -> None:
        self.held = path
        self.released.clear()

    def release(self) -> None:
        self.released.set()


@pytest.fixture(scope="module")
def server(parted):
    served = Server(parted)
    threading.Thread(target=served.http.serve_forever, daemon=True).start()
    yield served
    served.release()
    served.http.shutdown()
    served.http.server_close()


@pytest.fixture(params=["file", "http"])
def root(request, parted):
    return parted.as_uri() + "/" if request.param == "file" else request.getfixturevalue("server").root


def part_rows(site: Path, number: int) -> list[list]:
    """The spacecraft rows of one file the pages load: the head (1) or a part (2...)."""
    path = urls.Urls.search_index_js if number == 1 else urls.Urls.search_index_part(number)
    data = index_module.from_js((site / path).read_bytes())
    return data["spacecraft"]["rows"] if number == 1 else data["rows"]


def set_version(site: Path, path: str, version: int) -> None:
    file = site / path
    text = file.read_text(encoding="utf-8")
    assert f'"version":{index_module.VERSION}' in text
    file.write_text(text.replace(f'"version":{index_module.VERSION}', f'"version":{version}'), encoding="utf-8")


# ---- The files ----

def test_a_script_of_the_index_gives_back_its_json():
    data = {"name": "it's a \\ \"quote\" \u2028 Союз </script>", "rows": [[1, None]]}
    script = index_module.to_js(index_module.to_json(data))
    assert index_module.from_js(script) == data
    assert b"\\u" not in script  # UTF-8, not escapes


def test_the_head_and_its_parts_together_are_the_whole_index(parted):
    whole = json.loads((parted / "search-index.json").read_text(encoding="utf-8"))["spacecraft"]["rows"]
    pieces = [part_rows(parted, k) for k in range(1, PARTS + 1)]
    assert [len(p) for p in pieces] == [20, 25, 25, 25, 25, 13]
    assert sum(pieces, []) == whole
    assert not (parted / urls.Urls.search_index_part(PARTS + 1)).exists()
    head = index_module.from_js((parted / "search-index.js").read_bytes())
    assert head["parts"] == [f"search-index.{k}.js" for k in range(2, PARTS + 1)] and head["total"] == 133


def test_the_offline_app_precaches_every_part(parted):
    files = {p.relative_to(parted).as_posix(): "digest" for p in parted.rglob("*") if p.is_file()}
    precache = json.loads(offline.service_worker(files).decode().split("var CONFIG = ")[1].split(";\n")[0])["precache"]
    assert sorted(p for p in precache if p.startswith("search-index")) == \
        sorted(["search-index.js"] + [f"search-index.{k}.js" for k in range(2, PARTS + 1)])


# ---- The search page ----

def test_a_spacecraft_in_the_last_part_is_found(page, root, parted):  # noqa: F811
    last = part_rows(parted, PARTS)
    assert "Союз МС-25" in [row[1] for row in last]  # the last in name order
    page.goto(root + "search.html?search=союз")
    expect(page.locator("#search-count")).to_have_text("1 spacecraft matches.")
    assert names(page) == ["Союз МС-25"]


def test_the_unfiltered_page_lists_every_part(page, root, catalog):  # noqa: F811
    page.goto(root + "search.html?view=table&ordering=-flights_count")
    expect(page.locator("#search-count")).to_have_text("All 133 spacecraft.")
    page.get_by_role("button", name="Show 50 more").click()
    page.get_by_role("button", name="Show 33 more").click()
    shown = page.locator("#search-rows th a").all_text_contents()
    assert sorted(shown) == sorted(c.name for c in catalog.spacecraft)


def test_while_parts_load_the_page_says_how_many_it_searched(page, server, catalog):  # noqa: F811
    held = urls.Urls.search_index_part(4)
    server.hold(held)
    try:
        page.goto(server.root + "search.html?search=craft")
        count = page.locator("#search-count")
        searched = FIRST_ROWS + 2 * PART_ROWS  # the head and parts 2 and 3
        in_first = [c.name for c in catalog.spacecraft[:searched] if c.name.startswith("Craft")]
        expect(count).to_have_text(f"{len(in_first)} spacecraft match so far ({searched} of 133 searched; the rest is loading).")
        expect(count).to_have_attribute("aria-busy", "true")
        assert names(page) == in_first[:50]
        page.get_by_label("Name, mission, person, serial number or configuration").fill("союз")
        expect(count).to_have_text(f"No match so far ({searched} of 133 searched; the rest is loading).")
    finally:
        server.release()
    expect(count).to_have_text("1 spacecraft matches.")
    assert count.get_attribute("aria-busy") is None
    assert names(page) == ["Союз МС-25"]


@pytest.fixture(scope="module")
def whole(tmp_path_factory) -> Path:
    """The same records with the whole index in the page (no parts)."""
    root = tmp_path_factory.mktemp("whole")
    build_site(root / "site", root / "cache", records=fixture_records())
    return root / "site"


@pytest.mark.parametrize("search", ["dragon", "apollo", "crew"])
def test_the_best_matches_come_first_across_parts(page, parted, whole, search):  # noqa: F811
    # A ranked search merges each part's matches into the others by score (search.js mergeRanked)
    # rather than searching every row again: the order is the one of the whole index searched at once.
    count = page.locator("#search-count")
    page.goto(whole.as_uri() + f"/search.html?search={search}")
    expect(count).to_have_text(re.compile(r"^\d+ spacecraft match(es)?\.$"))
    said, once = count.text_content(), names(page)
    page.goto(parted.as_uri() + f"/search.html?search={search}")
    expect(count).to_have_text(said)  # every part searched (while they load it says "so far")
    assert names(page) == once
    # Matches in the head and in later parts, so that the parts' matches were merged (ties in the catalog's
    # order: a merge that put a part's ties first, or lost or doubled one, would differ).
    head = {row[1] for row in part_rows(parted, 1)}
    assert any(name in head for name in once) and any(name not in head for name in once)


@pytest.mark.parametrize("ordering", ["-flights_count", "status__name"])
def test_an_order_chosen_while_parts_load_sorts_every_part(page, parted, whole, ordering):  # noqa: F811
    # Another order than the catalog's sorts every row again, which while parts load is done at most once a
    # second (search.js RESORT) and once more after the last part: the final list is the whole index's.
    count = page.locator("#search-count")
    page.goto(whole.as_uri() + f"/search.html?ordering={ordering}&view=table")
    expect(count).to_have_text("All 133 spacecraft.")
    rows = page.locator("#search-rows th a")
    once = rows.all_text_contents()
    page.goto(parted.as_uri() + f"/search.html?ordering={ordering}&view=table")
    expect(count).to_have_text("All 133 spacecraft.")
    assert rows.all_text_contents() == once
    head = {row[1] for row in part_rows(parted, 1)}
    assert any(name not in head for name in once[:50])  # rows of later parts lead it: sorted again at the end


# ---- The worker ----

def test_a_large_catalog_is_searched_in_a_worker(page, root, catalog):  # noqa: F811
    # The page's thread only shows answers: the index is parsed and searched in a worker made from a blob
    # (from file:// too), so that neither the parts coming in nor a search of 100,000 rows blocks the page.
    page.goto(root + "search.html?search=craft")
    want = [c.name for c in catalog.spacecraft if c.name.startswith("Craft")]
    expect(page.locator("#search-count")).to_have_text(f"{len(want)} spacecraft match.")
    assert [w.url.split(":")[0] for w in page.workers] == ["blob"]
    assert page.evaluate("window.SPACECRAFT_INDEX === null && window.SPACECRAFT_INDEX_PART === null")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("союз")
    expect(page.locator("#search-count")).to_have_text("1 spacecraft matches.")
    assert names(page) == ["Союз МС-25"]


def test_without_workers_the_page_searches_by_itself(browser, parted, catalog):  # noqa: F811
    context = browser.new_context()
    context.add_init_script("delete window.Worker;")  # a browser that has no workers (or refuses this one)
    try:
        page = context.new_page()
        page.goto(parted.as_uri() + "/search.html?search=craft")
        want = [c.name for c in catalog.spacecraft if c.name.startswith("Craft")]
        expect(page.locator("#search-count")).to_have_text(f"{len(want)} spacecraft match.")
        assert names(page) == want[:50] and page.workers == []
    finally:
        context.close()


# ---- Rows in slices ----

@pytest.fixture(scope="module")
def big_part(tmp_path_factory) -> Path:
    """The fixture records with one part larger than the slice index.js hands over at a time (100 rows)."""
    root = tmp_path_factory.mktemp("big-part")
    return build_parted(root / "site", root / "cache", fixture_records(), first=20, part=113)


# Loads the index with a page's callbacks that take 5 ms a slice (the search page's work on a slow phone),
# recording each slice's size and whether it came in the same task as the slice before it (a microtask
# queued by one slice runs before the next task, never inside the same one).
TAKE_SLOWLY = """
el => new Promise(resolve => {
  const slices = [], sameTask = [];
  let pending = false;
  SpacecraftIndex.load(el, {
    head: () => {},
    rows: rows => {
      slices.push(rows.length);
      sameTask.push(pending);
      pending = true;
      queueMicrotask(() => { pending = false; });
      const until = performance.now() + 5;
      while (performance.now() < until) { /* the work of a slow page */ }
    },
    done: () => resolve({ slices, sameTask }),
    fail: reason => resolve({ reason })
  });
})
"""


def test_a_part_is_taken_in_slices_in_tasks_of_their_own(page, big_part):  # noqa: F811
    # At 100,000 spacecraft taking a part of 1,000 rows in at once was a task of 15-60 ms (four times that
    # on a phone), blocking the page; index.js hands rows over 100 at a time and lets other tasks run.
    page.goto(big_part.as_uri() + "/compare.html")
    got = page.evaluate(TAKE_SLOWLY, page.locator("#compare").element_handle())
    assert got["slices"] == [20, 100, 13]
    assert got["sameTask"] == [False, False, False]


# ---- Compare ----

def test_compare_loads_no_index_when_nothing_is_asked_for(page, root, parted):  # noqa: F811
    page.goto(root + "compare.html")
    expect(page.locator("#compare-status")).to_have_text("Pick two to four spacecraft to compare.")
    assert page.evaluate("document.querySelectorAll('script[src*=\"search-index\"]').length") == 0
    assert page.locator("#compare").get_attribute("aria-busy") is None


def test_compare_stops_loading_once_it_has_what_it_compares(page, root, parted):  # noqa: F811
    first, second = part_rows(parted, 1)[0], part_rows(parted, 2)[0]
    page.goto(root + f"compare.html?ids={first[0]},{second[0]}")
    expect(page.locator("#compare-status")).to_have_text("Comparing 2 spacecraft.")
    loaded = page.evaluate("[...document.querySelectorAll('script[src*=\"search-index\"]')].map(s => s.src.split('/').pop())")
    assert loaded == ["search-index.js", "search-index.2.js"]  # not parts 3 to 6

def test_compare_finds_spacecraft_in_two_parts(page, root, parted):  # noqa: F811
    first, last = part_rows(parted, 1)[0], part_rows(parted, PARTS)[-1]
    page.goto(root + f"compare.html?ids={first[0]},{last[0]}")
    expect(page.locator("#compare-status")).to_have_text("Comparing 2 spacecraft.")
    assert page.locator(".compare-table thead th a:not(.compare-remove)").all_text_contents() == [first[1], last[1]]


# ---- A mismatched or missing index ----

@pytest.fixture
def copy(parted, tmp_path) -> Path:
    """A copy of the parted site to break."""
    return Path(shutil.copytree(parted, tmp_path / "site"))


MISMATCH = ("The search index could not be loaded: search-index.js is version 2 of the index and this page "
            f"reads version {index_module.VERSION}; build the site again.")


def test_a_head_of_another_version_is_refused(page, copy):  # noqa: F811
    set_version(copy, "search-index.js", 2)
    page.goto(copy.as_uri() + "/search.html?search=craft")
    expect(page.locator("#search-count")).to_have_text(MISMATCH)
    assert names(page) == []
    page.goto(copy.as_uri() + "/compare.html?ids=5002,5003")
    expect(page.locator("#compare-status")).to_have_text(MISMATCH)


def test_a_part_of_another_version_is_refused_and_the_page_says_how_much_it_searched(page, copy, catalog):  # noqa: F811
    set_version(copy, "search-index.3.js", 2)
    page.goto(copy.as_uri() + "/search.html?search=craft")
    searched = FIRST_ROWS + PART_ROWS
    want = [c.name for c in catalog.spacecraft[:searched] if c.name.startswith("Craft")]
    expect(page.locator("#search-count")).to_have_text(
        f"{len(want)} spacecraft match. Only {searched} of 133 spacecraft were searched: search-index.3.js is "
        f"version 2 of the index and this page reads version {index_module.VERSION}; build the site again.")
    assert names(page) == want[:50]


def test_a_missing_part_is_named(browser, copy):
    (copy / "search-index.2.js").unlink()
    context = browser.new_context()  # the missing file is a console error, which the page fixture refuses
    try:
        pg = context.new_page()
        pg.goto(copy.as_uri() + "/compare.html?ids=5002,5003")
        expect(pg.locator("#compare-status")).to_have_text(
            "The search index could not be loaded: search-index.2.js could not be loaded.")
    finally:
        context.close()


# ---- One format for durations ----

def test_the_pages_format_durations_as_the_python_pages_do(page, parted):  # noqa: F811
    values = [0, 1, 59, 60, 61, 3599, 3600, 3661, 86399, 86400, 90061, 31 * 86400 + 7 * 3600 + 42 * 60 + 5, -3600]
    page.goto(parted.as_uri() + "/compare.html")
    shown = page.evaluate("vs => vs.map(SpacecraftIndex.formatSeconds)", values)
    assert shown == [format_seconds(v) for v in values]
