"""The search index format, and the search page in a real Chromium from file:// and over HTTP."""
from __future__ import annotations

import copy
import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import base as rec
import pytest
from base import build_site, image_bytes
from fakeserver import FakeLL2
from playwright.sync_api import expect

from catalog.data.groups import build_catalog
from catalog.data.models import FetchMeta
from catalog.data.normalize import normalize_all
from catalog.site import figures, urls
from catalog.site import search_index as search

META = FetchMeta(api_url=None, count=None, fetched_at=None, records=0)
PAGE = 50  # results rendered at a time by static/js/search.js
STATUSES = [{"id": 1, "name": "Active"}, {"id": 2, "name": "Retired"}, {"id": 3, "name": "Destroyed"},
            {"id": 4, "name": "Single Use"}]


def fixture_records(media: str = "https://img.example/") -> list[dict]:
    """130 generated spacecraft with varied numbers, plus a few with Cyrillic, accents and serials."""
    def img(ident: int) -> dict:
        return rec.image(ident, url=f"{media}{ident}.jpg", thumb=None)

    soyuz, dragon = rec.config(1, "Soyuz", img=img(1)), rec.config(6, "Crew Dragon 2", agency=121, img=img(6))
    apollo = rec.config(10, "Apollo Command/Service Module", agency=999)
    apollo["image"] = None
    configs = [soyuz, dragon, apollo]
    out = []
    for i in range(1, 131):
        out.append(rec.spacecraft(
            1000 + (i * 53) % 1000, f"Craft {i:03d}", cfg=copy.deepcopy(configs[i % 3]),
            status=STATUSES[i % 4], serial_number=f"SN-{i:03d}",
            flights_count=None if i % 13 == 0 else (i * 7) % 11, mission_ends_count=(i * 5) % 9,
            time_in_space=f"PT{(i * 37) % 500}H", time_docked=None if i % 4 == 0 else f"PT{(i * 11) % 97}H",
            in_space=i % 5 == 0, is_placeholder=i % 11 == 0, image=None if i % 2 else img(100 + i % 3)))
    out += [
        rec.spacecraft(5001, "Союз МС-25", cfg=rec.config(38, "Soyuz MS", img=img(1)), serial_number="Союз МС №755",
                       status=STATUSES[0], in_space=True, flights_count=1, image=None),
        rec.spacecraft(5002, "Crew Dragon Endeavour", cfg=copy.deepcopy(dragon), serial_number="C206",
                       status=STATUSES[0], in_space=True, flights_count=5, image=img(102)),
        rec.spacecraft(5003, "Hermès 1", cfg=rec.config(20, "Hermès spaceplane", agency=999, img=img(1)),
                       serial_number=None, status=STATUSES[1], is_placeholder=True, flights_count=0, image=None),
    ]
    return out


MEDIA = (1, 6, 100, 101, 102)  # every image id the records use


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(normalize_all(fixture_records()), META)


# ---- The index format ----

def rows_as_dicts(index: dict) -> list[dict]:
    fields = index["spacecraft"]["fields"]
    return [dict(zip(fields, row, strict=True)) for row in index["spacecraft"]["rows"]]


def test_index_has_one_row_per_spacecraft_in_catalog_order(catalog):
    index = search.build_index(catalog)
    rows = rows_as_dicts(index)
    assert [r["id"] for r in rows] == [c.id for c in catalog.spacecraft]
    assert index["spacecraft"]["fields"] == list(search.SPACECRAFT_FIELDS)
    assert index["version"] == 6


def test_index_rows_resolve_through_lookup_tables(catalog):
    index = search.build_index(catalog)
    configs, agencies, statuses = (index[k]["rows"] for k in ("configurations", "agencies", "statuses"))
    row = next(r for r in rows_as_dicts(index) if r["id"] == 5002)
    config = configs[row["configuration"]]
    assert config[:3] == [6, "Crew Dragon 2", "Capsule"]
    assert agencies[config[3]] == [121, "SpaceX", "SpX"]
    assert statuses[row["status"]] == [1, "Active"]
    assert row == {**row, "name": "Crew Dragon Endeavour", "serial": "C206", "in_space": 1, "is_placeholder": 0,
                   "flights_count": 5, "url": "spacecraft/crew-dragon-endeavour.html", "thumbnail": None}


def test_index_keeps_durations_in_seconds_and_missing_values_as_null(catalog):
    rows = {r["id"]: r for r in rows_as_dicts(search.build_index(catalog))}
    craft = {c.id: c for c in catalog.spacecraft}
    for ident, row in rows.items():
        c = craft[ident]
        assert row["time_in_space"] == (c.time_in_space.seconds if c.time_in_space else None)
        assert row["time_docked"] == (c.time_docked.seconds if c.time_docked else None)
        assert row["flights_count"] == c.flights_count
    craft_1 = rows[1000 + 53]  # Craft 001: PT37H in space, PT11H docked, 7 flights
    assert (craft_1["time_in_space"], craft_1["time_docked"], craft_1["flights_count"]) == (37 * 3600, 11 * 3600, 7)
    assert rows[1000 + (13 * 53) % 1000]["flights_count"] is None
    assert rows[1000 + (4 * 53) % 1000]["time_docked"] is None
    assert rows[5003]["serial"] is None


def test_thumbnails_are_a_lookup_table_of_distinct_paths(catalog):
    def thumb(craft):
        return None if craft.image is None else f"thumbs/{craft.image.key}.webp"

    index = search.build_index(catalog, thumbnail=thumb)
    assert len(index["thumbnails"]) == 3  # three distinct images among 133 spacecraft
    assert sorted(index["thumbnails"]) == sorted({thumb(c) for c in catalog.spacecraft} - {None})
    for craft, row in zip(catalog.spacecraft, rows_as_dicts(index), strict=True):
        got = None if row["thumbnail"] is None else index["thumbnails"][row["thumbnail"]]
        assert got == thumb(craft)


def test_thumbnail_from_pictures_uses_the_smallest_webp_of_the_craft_or_its_configuration(catalog):
    class Picture:  # the part of catalog.images.Picture the index uses
        def __init__(self, name):
            self.name = name

        def pick(self, size):
            return type("Rendition", (), {"webp": f"img/{self.name}-{size}.webp"})()

    thumbnail = search.thumbnail_from({"id-102": Picture("own"), "id-1": Picture("config")})
    crafts = {c.id: c for c in catalog.spacecraft}
    assert thumbnail(crafts[5002]) == "img/own-thumb.webp"  # its own image
    assert thumbnail(crafts[5003]) == "img/config-thumb.webp"  # no image: its configuration's
    assert thumbnail(crafts[1000 + (5 * 53) % 1000]) is None  # neither has one
    assert search.thumbnail_from({}) is None


def test_json_and_js_files_carry_the_same_data_compactly(catalog):
    files = search.files(catalog)
    data = json.loads(files["search-index.json"])
    assert data == search.build_index(catalog)
    js = files["search-index.js"]
    assert js.startswith(b"window.SPACECRAFT_INDEX = '{") and js.endswith(b"}';\n")  # the JSON as text
    assert js.endswith(f'"version":{search.VERSION}}}\';\n'.encode())  # where index.js reads it unparsed
    assert search.from_js(js) == {**data, "total": 133, "parts": []}  # a small catalog: one part
    assert "Союз МС-25" in js.decode()  # UTF-8, not \u escapes
    assert b", " not in files["search-index.json"] and b": " not in files["search-index.json"]


def test_index_bytes_do_not_depend_on_input_order():
    records = fixture_records()
    first = search.files(build_catalog(normalize_all(records), META))
    second = search.files(build_catalog(normalize_all(list(reversed(records))), META))
    assert first == second


# ---- The search page in a browser ----

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """One build of the fixture records, fetched with their images from a fake LL2, for every browser test."""
    root = tmp_path_factory.mktemp("search-site")
    fake = FakeLL2().start()
    try:
        for ident in MEDIA:
            fake.add_file(f"/media/{ident}.jpg", image_bytes((400, 300), (ident % 256, 90, 160)))
        fake.records = fixture_records(fake.origin + "/media/")
        build_site(root / "site", root / "cache", api=fake)
    finally:
        fake.stop()
    return root / "site"


@pytest.fixture(scope="module")
def http_root(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - keep pytest output clean
        pass


@pytest.fixture
def page(page):
    """The shared page fixture, failing fast: everything here renders within milliseconds."""
    page.set_default_timeout(5000)
    return page


@pytest.fixture(params=["file", "http"])
def root(request, site):
    """The site's root URL, from file:// and from a local web server."""
    return site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")


@pytest.fixture
def file_root(site):
    return site.as_uri() + "/"


def names(page) -> list[str]:
    return page.locator("#search-results .result-name").all_text_contents()


def query(page) -> str:
    return page.evaluate("location.search")


def expected(catalog, *, where=lambda c: True, ordering: str = "") -> list[str]:
    """The names the page should list, in order, computed from the models."""
    crafts = [c for c in catalog.spacecraft if where(c)]
    if ordering:
        key = ordering.lstrip("-")
        figure = {"flights_count": "flights", "mission_ends_count": "mission_ends",
                  "time_in_space": "time_in_space", "time_docked": "time_docked"}.get(key)

        def value(c):  # a figure as pages show it (figures.py): given, listed or computed; None unknown
            if figure is None:
                v = getattr(c, key)
                return v.seconds if hasattr(v, "seconds") else v
            return getattr(figures.of(c), figure).value

        present = [c for c in crafts if value(c) is not None]
        present.sort(key=value, reverse=ordering.startswith("-"))  # stable: ties keep name order
        if figure is not None:
            present.sort(key=lambda c: c.is_placeholder)  # placeholders after the real spacecraft
        crafts = present + [c for c in crafts if value(c) is None]
    return [c.name for c in crafts]


def test_typing_a_partial_latin_query_lists_the_match(page, root):
    page.goto(root + "search.html")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("dragon endeav")
    assert names(page) == ["Crew Dragon Endeavour"]
    expect(page.locator("#search-count")).to_have_text("1 spacecraft matches.")
    assert query(page) == "?search=dragon+endeav"


def test_cyrillic_query_finds_cyrillic_name(page, root):
    page.goto(root + "search.html")
    box = page.get_by_label("Name, mission, person, serial number or configuration")
    for text in ("Союз", "СОЮЗ мс", "юз", "мс-25", "755"):
        box.fill(text)
        assert names(page) == ["Союз МС-25"], text


def test_search_ignores_case_and_accents(page, file_root):
    page.goto(file_root + "search.html")
    box = page.get_by_label("Name, mission, person, serial number or configuration")
    for text in ("hermes", "HERMÈS", "Hérmes 1", "spaceplane"):
        box.fill(text)
        assert names(page) == ["Hermès 1"], text


def test_search_matches_serial_number_and_configuration_name(page, file_root, catalog):
    page.goto(file_root + "search.html")
    box = page.get_by_label("Name, mission, person, serial number or configuration")
    box.fill("c206")
    assert names(page) == ["Crew Dragon Endeavour"]
    box.fill("sn-125")  # "sn" appears only in serial numbers
    assert names(page) == ["Craft 125"]
    box.fill("command/service")
    assert names(page) == expected(catalog, where=lambda c: c.config.id == 10)
    box.fill("zzzz")
    assert names(page) == []
    expect(page.locator("#search-count")).to_have_text("No spacecraft match.")


def test_empty_query_shows_everything_fifty_at_a_time(page, file_root, catalog):
    page.goto(file_root + "search.html")
    everything = expected(catalog)
    expect(page.locator("#search-count")).to_have_text(f"All {len(everything)} spacecraft.")
    assert names(page) == everything[:PAGE]
    more = page.get_by_role("button", name=re.compile(r"^Show \d+ more"))
    expect(more).to_have_text("Show 50 more (83 not shown yet)")
    more.click()
    assert names(page) == everything[:2 * PAGE]
    expect(more).to_have_text("Show 33 more (33 not shown yet)")
    more.click()
    assert names(page) == everything
    assert page.evaluate("document.activeElement.querySelector('.result-name').textContent") == everything[2 * PAGE]
    expect(more).to_be_hidden()


FILTERS = [
    ("Status", "status", "3", lambda c: c.status.id == 3),
    ("Configuration", "spacecraft_config", "6", lambda c: c.config.id == 6),
    ("Agency", "agency", "999", lambda c: c.config.agency.id == 999),
    ("In space", "in_space", "true", lambda c: c.in_space),
    ("In space", "in_space", "false", lambda c: not c.in_space),
    ("Placeholder", "is_placeholder", "true", lambda c: c.is_placeholder),
    ("Placeholder", "is_placeholder", "false", lambda c: not c.is_placeholder),
]


@pytest.mark.parametrize("label,param,value,where", FILTERS, ids=[f"{f[1]}={f[2]}" for f in FILTERS])
def test_each_filter_narrows_results_and_goes_into_the_url(page, file_root, catalog, label, param, value, where):
    page.goto(file_root + "search.html?search=craft")
    page.get_by_label(label, exact=True).select_option(value)
    want = expected(catalog, where=lambda c: where(c) and c.name.startswith("Craft"))
    assert 0 < len(want) < 130
    assert names(page) == want[:PAGE]
    expect(page.locator("#search-count")).to_have_text(f"{len(want)} spacecraft match.")
    assert query(page) == f"?search=craft&{param}={value}"


ORDERINGS = [sign + key for key in ("flights_count", "id", "mission_ends_count", "time_docked", "time_in_space")
             for sign in ("", "-")]


def test_each_ordering_from_a_linked_url(page, file_root, catalog):
    for ordering in ORDERINGS:  # one page for all ten: loading is the slow part
        page.goto(file_root + f"search.html?ordering={ordering}&status=1")
        want = expected(catalog, where=lambda c: c.status.id == 1, ordering=ordering)
        assert names(page) == want, ordering
        expect(page.get_by_label("Order by", exact=True)).to_have_value(ordering)
        expect(page.get_by_label("Status", exact=True)).to_have_value("1")


def test_choosing_an_ordering_reorders_and_goes_into_the_url(page, file_root, catalog):
    page.goto(file_root + "search.html?search=craft")
    page.get_by_label("Order by", exact=True).select_option("-time_in_space")
    want = expected(catalog, where=lambda c: c.name.startswith("Craft"), ordering="-time_in_space")
    assert names(page) == want[:PAGE]
    assert query(page) == "?search=craft&ordering=-time_in_space"
    page.get_by_label("Order by", exact=True).select_option("")
    assert names(page) == expected(catalog, where=lambda c: c.name.startswith("Craft"))[:PAGE]
    assert query(page) == "?search=craft"


def test_a_linked_query_sets_every_control(page, root, catalog):
    page.goto(root + "search.html?search=CRAFT&agency=63&in_space=true&is_placeholder=false&ordering=-flights_count")
    expect(page.get_by_label("Name, mission, person, serial number or configuration")).to_have_value("CRAFT")
    expect(page.get_by_label("Agency", exact=True)).to_have_value("63")
    expect(page.get_by_label("In space", exact=True)).to_have_value("true")
    expect(page.get_by_label("Placeholder", exact=True)).to_have_value("false")
    want = expected(catalog, ordering="-flights_count", where=lambda c: c.name.startswith("Craft")
                    and c.config.agency.id == 63 and c.in_space and not c.is_placeholder)
    assert want and names(page) == want


def test_api_style_booleans_in_a_linked_url(page, file_root, catalog):
    page.goto(file_root + "search.html?in_space=True&is_placeholder=0")
    expect(page.get_by_label("In space", exact=True)).to_have_value("true")
    expect(page.get_by_label("Placeholder", exact=True)).to_have_value("false")
    assert names(page) == expected(catalog, where=lambda c: c.in_space and not c.is_placeholder)


def test_an_unknown_filter_value_matches_nothing_and_says_so(page, file_root):
    page.goto(file_root + "search.html?status=999")
    expect(page.locator("#search-count")).to_have_text("No spacecraft match.")
    expect(page.get_by_label("Status", exact=True)).to_have_value("999")


def test_following_a_result_and_coming_back(page, root):
    page.goto(root + "search.html")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("endeavour")
    page.get_by_role("link", name="Crew Dragon Endeavour").click()
    expect(page.locator("h1")).to_have_text("Crew Dragon Endeavour")
    assert page.url.endswith("/spacecraft/crew-dragon-endeavour.html")
    page.go_back()
    expect(page.get_by_label("Name, mission, person, serial number or configuration")).to_have_value("endeavour")
    assert names(page) == ["Crew Dragon Endeavour"]


def test_back_button_walks_through_committed_states(page, file_root):
    page.goto(file_root + "search.html")
    box = page.get_by_label("Name, mission, person, serial number or configuration")
    box.press_sequentially("hermès")  # one history entry for the whole word, not one per key
    page.get_by_label("Status", exact=True).select_option("2")
    assert query(page) == "?search=herm%C3%A8s&status=2"
    page.go_back()
    expect(page.get_by_label("Status", exact=True)).to_have_value("")
    expect(box).to_have_value("hermès")
    assert query(page) == "?search=herm%C3%A8s"
    page.go_back()
    expect(box).to_have_value("")
    assert query(page) == ""
    expect(page.locator("#search-count")).to_have_text("All 133 spacecraft.")
    page.go_forward()
    expect(box).to_have_value("hermès")
    assert names(page) == ["Hermès 1"]


def test_home_page_form_opens_search_with_results(page, root):
    page.goto(root + "index.html")
    page.get_by_label("Search the catalog").fill("союз")
    page.get_by_label("Search the catalog").press("Enter")
    expect(page.locator("#search-count")).to_have_text("1 spacecraft matches.")
    assert names(page) == ["Союз МС-25"]


def test_result_shows_configuration_status_and_thumbnail(page, root, catalog):
    page.goto(root + "search.html?search=hermes")
    result = page.locator("#search-results li")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Hermès spaceplane")
    expect(result).to_contain_text("Retired")
    expect(result).to_contain_text("Placeholder")
    link = result.get_by_role("link")
    assert link.get_attribute("href") == urls.path_for(next(c for c in catalog.spacecraft if c.id == 5003))
    thumb = result.locator("img")
    assert thumb.get_attribute("src").startswith("img/") and thumb.get_attribute("src").endswith(".webp")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#search-results img').complete")
    assert thumb.evaluate("img => img.naturalWidth") > 0  # the file is there and decodes


def test_result_without_any_image_shows_a_placeholder(page, file_root):
    page.goto(file_root + "search.html?search=craft+005")  # Apollo: no image of its own or its configuration
    result = page.locator("#search-results li")
    expect(result).to_have_count(1)
    expect(result.locator("img")).to_have_count(0)
    expect(result.locator(".placeholder")).to_have_text("AC")


def test_results_are_reachable_by_keyboard_with_visible_focus(page, file_root):
    page.goto(file_root + "search.html?search=endeavour")
    page.get_by_label("Name, mission, person, serial number or configuration").focus()
    for _ in range(20):  # the box, its button, the filters (ten), the order, clear, ranges, the view
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('result-link')"):
            break
    else:
        pytest.fail("no search result was reachable with Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Crew Dragon Endeavour")


def test_result_count_is_announced_politely(page, file_root):
    page.goto(file_root + "search.html")
    status = page.get_by_role("status")
    expect(status).to_have_attribute("aria-live", "polite")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("craft 12")
    expect(status).to_have_text("12 spacecraft match.")  # 012, 112, 120-129
