"""The license audit (issue 14): licenses.html groups images by license, "Unknown" first; the search
page filters by known license (in Chromium); --licensed-only shows placeholders instead of images
without a known license, publishes none of their files, and the credits page says so."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from base import build_site, fetch_options, fixture_catalog, html_pages, parse, serving, site_files
from fakeserver import FakeLL2

from catalog.build import build
from catalog.config import BuildOptions

# fixture_catalog's images: Soyuz's "Public Domain" (configurations Soyuz and Soyuz MS), Crew
# Dragon's "CC BY-NC 2.0", and craft 4's own, whose license is "Unknown"; Apollo has none.
UNKNOWN_PAGE = "spacecraft/craft-4.html"
KNOWN_PAGE = "spacecraft/craft-1.html"  # shows the Crew Dragon 2 configuration's image


def fetch_build(root: Path, *, licensed_only: bool) -> Path:
    """--fetch the fixture catalog from a fake LL2 (images and all) and build it."""
    fake = FakeLL2().start()
    try:
        fake.records = fixture_catalog(fake)
        build(BuildOptions(out=root / "out", cache=root / "cache", fetch=fetch_options(fake.url),
                           licensed_only=licensed_only))
    finally:
        fake.stop()
    return root / "out"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return fetch_build(tmp_path_factory.mktemp("licenses"), licensed_only=False)


@pytest.fixture(scope="module")
def licensed(tmp_path_factory) -> Path:
    return fetch_build(tmp_path_factory.mktemp("licensed-only"), licensed_only=True)


def test_licenses_page_groups_images_by_license_unknown_first(site):
    page = parse(site / "licenses.html")
    sections = page.one("main").find_all("section")
    headings = [s.one("h2").text for s in sections]
    assert headings == ["Unknown: 1 image", "CC BY-NC 2.0: 1 image", "Public Domain: 1 image"]
    unknown, dragon, soyuz = sections
    assert [a["href"] for a in unknown.one("tbody").find_all("a") if not a["href"].startswith("http")] == [
        UNKNOWN_PAGE]
    used_on = [a.text for a in soyuz.one("tbody").find_all("a") if not a["href"].startswith("http")]
    assert used_on[:2] == ["Soyuz", "Soyuz MS"] and "Craft 3" in used_on and "Союз МС-25" in used_on
    assert dragon.one("a", rel="license")["href"] == "https://creativecommons.org/licenses/by-nc/2.0/"
    assert [c.text for c in page.one("ul", class_="chips").find_all("li")] == [
        "Unknown 1", "CC BY-NC 2.0 1", "Public Domain 1"]


def test_licenses_page_is_linked_from_every_footer(site):
    for path in html_pages(site):
        if path != "404.html":
            hrefs = [a["href"] for a in parse(site / path).one("footer").find_all("a")]
            assert any(h.endswith("licenses.html") for h in hrefs), path


def test_the_search_index_says_whose_image_has_a_known_license(site):
    index = json.loads((site / "search-index.json").read_text())
    fields = index["spacecraft"]["fields"]
    rows = {row[fields.index("id")]: row[fields.index("known_license")] for row in index["spacecraft"]["rows"]}
    assert (rows[1], rows[3], rows[4], rows[2]) == (1, 1, 0, None)  # Dragon's, Soyuz's, its own unknown, none


@pytest.fixture(scope="module")
def served(site):
    with serving(site) as url:
        yield url


def result_names(page) -> list[str]:
    page.wait_for_selector("#search-count:not(:empty)")
    return page.eval_on_selector_all("#search-results .result-name", "els => els.map(e => e.textContent)")


def test_search_filters_by_known_license(page, served):
    page.goto(served + "search.html?known_license=false")
    assert result_names(page) == ["Craft 4"]
    page.select_option("#filter-known_license", "true")
    page.wait_for_function("location.search === '?known_license=true'")
    names = result_names(page)
    assert "Craft 1" in names and "Союз МС-25" in names and "Craft 4" not in names
    assert "Craft 2" not in names  # Apollo's spacecraft have no image at all: neither known nor unknown
    page.select_option("#filter-known_license", "")
    assert len(result_names(page)) == 11


# --- --licensed-only ------------------------------------------------------------------------------

def test_licensed_only_shows_placeholders_for_images_without_a_known_license(site, licensed):
    assert parse(site / UNKNOWN_PAGE).pictures() and not parse(site / UNKNOWN_PAGE).placeholders()
    assert parse(licensed / UNKNOWN_PAGE).pictures() == []
    assert parse(licensed / UNKNOWN_PAGE).placeholders() == ["Craft 4: a drawing of a capsule, not a photograph"]
    assert len(parse(licensed / KNOWN_PAGE).pictures()) == 1  # a known license: shown as before


def test_licensed_only_publishes_no_file_of_an_unlicensed_image(site, licensed):
    def thumbs(folder: Path, page: str) -> set[str]:
        return {src.rsplit("/", 1)[-1] for _, src in parse(folder / page).links if "img/" in src}

    unlicensed = thumbs(site, UNKNOWN_PAGE)
    assert unlicensed and {p.name for p in (site / "img").iterdir()} >= unlicensed
    published = {p.name for p in (licensed / "img").iterdir()}
    assert not published & unlicensed
    assert thumbs(site, KNOWN_PAGE) <= published
    index = json.loads((licensed / "search-index.json").read_text())
    assert not [t for t in index["thumbnails"] if t.rsplit("/", 1)[-1] in unlicensed]


def test_credits_page_says_the_site_was_built_licensed_only(site, licensed):
    assert "--licensed-only" in parse(licensed / "credits.html").one("main").text
    assert "--licensed-only" not in parse(site / "credits.html").one("main").text
    assert "--licensed-only" in parse(licensed / "licenses.html").one("main").text


def test_licensed_only_is_part_of_the_up_to_date_check(tmp_path):
    cache = tmp_path / "cache"
    fetch_build(tmp_path, licensed_only=False)  # the images come into the cache
    before = site_files(tmp_path / "out")
    again = build(BuildOptions(out=tmp_path / "out", cache=cache, licensed_only=True))
    assert again.written > 0 and site_files(tmp_path / "out") != before
    assert build(BuildOptions(out=tmp_path / "out", cache=cache, licensed_only=True)).written == 0
    assert build_site(tmp_path / "out", cache).written > 0  # and back again
    assert site_files(tmp_path / "out") == before
