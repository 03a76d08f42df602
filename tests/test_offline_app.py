"""The installable app: manifest.webmanifest and the service worker (catalog/site/offline.py), in Chromium."""
from __future__ import annotations

import json
import re
from http.server import SimpleHTTPRequestHandler

import pytest
from base import build_site, fleet, parse, serving, static_server
from playwright.sync_api import expect


class _PagesHandler(SimpleHTTPRequestHandler):
    """Files as GitHub Pages serves them: each may be kept by the browser's HTTP cache ten minutes.

    Pages revalidates by ETag, which follows the content; this handler knows only Last-Modified, to the
    second, and would answer "304 Not Modified" for a file rebuilt in the same second as the copy the
    browser has (a new sw.js then never installed: one run in eight). So it answers every request in full."""

    def send_head(self):  # noqa: ANN201 - the stdlib's signature
        del self.headers["If-Modified-Since"]
        return super().send_head()

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


def like_github_pages(folder):
    """Serve folder on loopback with GitHub Pages' max-age=600; yield its root URL."""
    return static_server(folder, _PagesHandler)


def controlled(page, url: str) -> None:
    """Open url and wait until the site's worker controls the page."""
    page.goto(url)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def worker_version(site) -> str:
    """The version a build's sw.js names its cache by."""
    return re.search(r'"version": "([0-9a-f]+)"', (site / "sw.js").read_text()).group(1)


def update_worker(page, old: str) -> None:
    """Have the browser look for a new sw.js now (as it does on a later visit) and wait until the new
    worker controls the page: active, with version `old`'s cache deleted. The browser may have found
    it on its own after the last navigation already (then the wait ends at once); a worker that never
    comes fails the test after 20 s rather than hanging it. (Polled here: wait_for_function takes a
    promise for a truthy value.)"""
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    done = """old => navigator.serviceWorker.getRegistration().then(r =>
        !!r && !!r.active && r.active.state === "activated" && !r.installing && !r.waiting
        && navigator.serviceWorker.controller === r.active
        && caches.keys().then(names => !names.some(name => name.endsWith(":" + old))))"""
    for _ in range(200):
        if page.evaluate(done, old):
            return
        page.wait_for_timeout(100)
    state = page.evaluate("""() => navigator.serviceWorker.getRegistration().then(r => caches.keys().then(names => ({
        installing: r && r.installing && r.installing.state, waiting: r && r.waiting && r.waiting.state,
        active: r && r.active && r.active.state, controlled: !!navigator.serviceWorker.controller,
        same: !!r && navigator.serviceWorker.controller === r.active, caches: names})))""")
    pytest.fail(f"no new service worker replaced version {old} within 20 s: {state}")


def search(page, url: str, words: str):
    """The result names search.html shows for words."""
    page.goto(url + "search.html")
    page.get_by_label("Name, mission, person, serial number or configuration").fill(words)
    return page.locator("#search-results .result-name")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("offline")
    build_site(root / "out", root / "cache", records=fleet(6))
    return root / "out"


@pytest.fixture(scope="module")
def served(site):
    with serving(site) as url:
        yield url


@pytest.fixture
def page(page):
    page.set_default_timeout(10000)
    return page


def test_manifest_is_relative_to_the_site_so_it_installs_under_a_sub_path(site):
    manifest = json.loads((site / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "./index.html" and manifest["scope"] == "./"
    assert manifest["display"] == "standalone" and manifest["name"] == "Spacecraft Catalog"
    assert manifest["icons"] == [{"src": "static/favicon.svg", "sizes": "any", "type": "image/svg+xml",
                                  "purpose": "any"}]
    assert (site / manifest["icons"][0]["src"]).is_file()
    assert parse(site / "spacecraft/craft-1.html").rel["manifest"] == ["../manifest.webmanifest"]


def test_worker_version_follows_the_site_and_nothing_else(tmp_path):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    build_site(first / "out", first / "cache", records=fleet(6))
    build_site(again / "out", again / "cache", records=fleet(6))
    build_site(other / "out", other / "cache", records=fleet(7))
    worker = lambda site: (site / "out" / "sw.js").read_bytes()  # noqa: E731
    assert worker(first) == worker(again)
    assert worker(first) != worker(other)  # a new build names a new cache: stale pages go


def test_visited_pages_and_search_work_offline(page, served):
    page.goto(served + "index.html")
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    page.goto(served + "spacecraft/craft-2.html")
    expect(page.locator("h1")).to_have_text("Craft 2")
    page.goto(served + "search.html")
    page.context.set_offline(True)
    try:
        page.goto(served + "spacecraft/craft-2.html")
        expect(page.locator("h1")).to_have_text("Craft 2")
        page.goto(served + "search.html")
        page.get_by_label("Name, mission, person, serial number or configuration").fill("craft 5")
        expect(page.locator("#search-results .result-name")).to_have_text(["Craft 5"])
        with pytest.raises(Exception, match="ERR_INTERNET_DISCONNECTED|ERR_FAILED"):
            page.goto(served + "spacecraft/craft-3.html")  # never visited: not there offline
    finally:
        page.context.set_offline(False)
    page.console_errors.clear()  # the failed navigation offline logs its own error


def test_from_file_nothing_is_registered_and_nothing_breaks(page, site):
    # file:// has no service workers (getRegistrations() itself refuses): count the attempts instead.
    page.add_init_script("window.registered = 0; if (window.ServiceWorkerContainer) {"
                         " ServiceWorkerContainer.prototype.register = function () {"
                         " window.registered += 1; return Promise.reject(new Error('file')); }; }")
    page.goto((site / "index.html").as_uri())
    assert page.evaluate("window.registered") == 0
    page.goto((site / "search.html").as_uri())
    page.get_by_label("Name, mission, person, serial number or configuration").fill("craft 5")
    expect(page.locator("#search-results .result-name")).to_have_text(["Craft 5"])
    assert page.evaluate("window.registered") == 0


def test_over_http_the_registration_script_registers_the_worker(page, served):
    page.goto(served + "index.html")
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)") == served


def test_a_new_version_precaches_its_own_files_past_the_http_cache(page, tmp_path):
    site = tmp_path / "site"
    build_site(site, tmp_path / "cache1", records=fleet(6))
    with like_github_pages(tmp_path) as origin:
        url = origin + "site/"
        controlled(page, url + "index.html")
        expect(search(page, url, "craft 5")).to_have_text(["Craft 5"])
        renamed, old = fleet(6), worker_version(site)
        renamed[4]["name"] = "Nova Five"  # spacecraft 5, renamed in the next deploy
        build_site(site, tmp_path / "cache2", records=renamed)
        update_worker(page, old)
        expect(search(page, url, "nova")).to_have_text(["Nova Five"])  # not "No spacecraft match."
        page.context.set_offline(True)
        try:
            expect(search(page, url, "nova")).to_have_text(["Nova Five"])
        finally:
            page.context.set_offline(False)


def test_two_catalogs_on_one_origin_keep_each_others_offline_copies(page, tmp_path):
    build_site(tmp_path / "a", tmp_path / "cache-a", records=fleet(6))
    build_site(tmp_path / "b", tmp_path / "cache-b", records=fleet(7))  # another version: another cache
    with serving(tmp_path) as origin:
        for site in ("a", "b"):
            controlled(page, f"{origin}{site}/index.html")
            page.goto(f"{origin}{site}/spacecraft/craft-2.html")
        old = worker_version(tmp_path / "a")
        build_site(tmp_path / "a", tmp_path / "cache-a", records=fleet(5))  # a new version of a alone
        controlled(page, f"{origin}a/index.html")
        update_worker(page, old)
        page.goto(f"{origin}a/spacecraft/craft-2.html")
        page.context.set_offline(True)
        try:
            for site in ("a", "b"):
                page.goto(f"{origin}{site}/spacecraft/craft-2.html")
                expect(page.locator("h1")).to_have_text("Craft 2")
        finally:
            page.context.set_offline(False)
        names = page.evaluate("caches.keys()")
        assert len([n for n in names if f"{origin}a/" in n]) == 1, names  # a's old version is gone
        assert len([n for n in names if f"{origin}b/" in n]) == 1, names
    page.console_errors.clear()
