"""Issue 16 in Chromium, from file:// and over HTTP: facet counts, ranges, the table view, compare
and the "/" key, each checked against values computed from the fixture's models."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from base import build_site
from playwright.sync_api import expect
from test_search import catalog, expected, file_root, fixture_records, http_root, names, page, root, site  # noqa: F401 - fixtures
from test_validity import BLOCKING, axe  # noqa: F401 - the checker's fixture

from catalog.data.models import format_seconds
from catalog.site import figures
from catalog.site import search_index as index_module

DAY = 86400


def option_texts(page, label: str) -> dict[str, str]:  # noqa: F811 - a Page, not the fixture
    """value -> text of each option of the labelled list."""
    return dict(page.get_by_label(label, exact=True).evaluate(
        "s => Array.from(s.options, o => [o.value, o.textContent])"))


def seconds(d) -> int | None:
    return d.seconds if d else None


# ---- Facet counts ----

def test_each_facet_value_counts_the_matches_it_would_give_with_the_other_filters(page, root, catalog):  # noqa: F811
    page.goto(root + "search.html?status=1&in_space=false")
    expect(page.locator("#search-count")).to_have_text(
        f"{sum(c.status.id == 1 and not c.in_space for c in catalog.spacecraft)} spacecraft match.")
    crafts = catalog.spacecraft
    statuses = option_texts(page, "Status")  # counted with in_space=false only
    for g in catalog.statuses:
        want = sum(c.status.id == g.subject.id and not c.in_space for c in crafts)
        assert statuses[str(g.subject.id)] == f"{g.name} ({want})"
    assert statuses[""] == f"Any status ({sum(not c.in_space for c in crafts)})"
    configs = option_texts(page, "Configuration")  # counted with both filters
    for g in catalog.configurations:
        want = sum(c.config.id == g.subject.id and c.status.id == 1 and not c.in_space for c in crafts)
        assert configs[str(g.subject.id)] == f"{g.name} ({want})"
    in_space = option_texts(page, "In space")
    assert in_space["true"] == f"In space ({sum(c.status.id == 1 and c.in_space for c in crafts)})"
    types = option_texts(page, "Type")
    capsules = sum(c.config.type == "Capsule" and c.status.id == 1 and not c.in_space for c in crafts)
    assert types["Capsule"] == f"Capsule ({capsules})"


def test_facet_counts_follow_the_controls_and_the_text(page, file_root, catalog):  # noqa: F811
    page.goto(file_root + "search.html")
    page.get_by_label("Agency", exact=True).select_option("121")
    page.get_by_label("Name, mission, person, serial number or configuration").fill("craft")
    crafts = [c for c in catalog.spacecraft if "craft" in c.name.lower()]
    statuses = option_texts(page, "Status")
    for g in catalog.statuses:
        want = sum(c.status.id == g.subject.id and c.config.agency.id == 121 for c in crafts)
        assert statuses[str(g.subject.id)] == f"{g.name} ({want})"
    agencies = option_texts(page, "Agency")
    assert agencies["999"].endswith(f"({sum(c.config.agency.id == 999 for c in crafts)})")


def test_a_filter_alone_browses_the_whole_catalog(page, file_root, catalog):  # noqa: F811
    page.goto(file_root + "search.html?is_placeholder=true")
    want = expected(catalog, where=lambda c: c.is_placeholder)
    expect(page.locator("#search-count")).to_have_text(f"{len(want)} spacecraft match.")
    assert names(page) == want[:50]


# ---- Ranges ----

RANGES = [
    ("flights_count__gte=3&flights_count__lte=6", lambda c: c.flights_count is not None and 3 <= c.flights_count <= 6),
    ("mission_ends_count__gte=7", lambda c: c.mission_ends_count is not None and c.mission_ends_count >= 7),
    ("time_in_space__gte=P10D&time_in_space__lte=PT400H",
     lambda c: c.time_in_space is not None and 10 * DAY <= c.time_in_space.seconds <= 400 * 3600),
    ("time_docked__lte=7200", lambda c: c.time_docked is not None and c.time_docked.seconds <= 7200),
]


@pytest.mark.parametrize("params,where", RANGES, ids=[r[0] for r in RANGES])
def test_a_linked_range_lists_exactly_the_spacecraft_in_it(page, root, catalog, params, where):  # noqa: F811
    page.goto(root + "search.html?search=craft&" + params + "&ordering=-flights_count")
    want = expected(catalog, where=lambda c: where(c) and c.name.startswith("Craft"), ordering="-flights_count")
    assert 0 < len(want) < 130
    count = f"{len(want)} spacecraft match." if len(want) > 1 else "1 spacecraft matches."
    expect(page.locator("#search-count")).to_have_text(count)
    assert names(page) == want[:50]


def test_range_controls_write_django_filter_names_and_iso_durations(page, file_root, catalog):  # noqa: F811
    page.goto(file_root + "search.html")
    page.get_by_text("Ranges: flights").click()
    page.get_by_label("at least").nth(2).fill("10")  # time in space, in days
    page.get_by_label("at most").nth(0).fill("4")  # flights
    page.get_by_label("at most").nth(0).press("Tab")
    assert parse_qs(urlsplit(page.url).query) == {"time_in_space__gte": ["P10D"], "flights_count__lte": ["4"]}
    want = expected(catalog, where=lambda c: c.time_in_space is not None and c.time_in_space.seconds >= 10 * DAY
                    and c.flights_count is not None and c.flights_count <= 4)
    assert names(page) == want[:50]
    page.reload()
    assert page.get_by_label("at least").nth(2).input_value() == "10"


def test_a_range_nothing_is_in_says_so(page, file_root):  # noqa: F811
    page.goto(file_root + "search.html?flights_count__gte=1000")
    expect(page.locator("#search-count")).to_have_text("No spacecraft match.")
    assert names(page) == []
    assert option_texts(page, "Status")[""] == "Any status (0)"


# ---- The table view ----

def table_rows(page) -> list[list[str]]:  # noqa: F811 - a Page, not the fixture
    return page.locator("#search-rows tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('th, td'), c => c.textContent.trim()).slice(1))")


def row_of(c) -> list[str]:
    def n(v):
        return "—" if v is None else f"{v:,}"

    def d(v):
        return "—" if v is None else format_seconds(v.seconds)

    return [c.name, c.config.name, c.config.agency.abbrev or c.config.agency.name, c.status.name,
            n(c.flights_count), n(c.mission_ends_count), d(c.time_in_space), d(c.time_docked)]


def test_the_table_view_shows_the_facts_of_every_result(page, root, catalog):  # noqa: F811
    page.goto(root + "search.html?view=table&status=2")
    want = [c for c in catalog.spacecraft if c.status.id == 2]
    expect(page.locator("#search-count")).to_have_text(f"{len(want)} spacecraft match.")
    assert table_rows(page) == [row_of(c) for c in want]
    expect(page.locator("#search-results")).to_be_hidden()
    assert page.get_by_role("radio", name="a table").is_checked()


def test_table_headers_sort_the_whole_result_and_announce_the_order(page, root, catalog):  # noqa: F811
    page.goto(root + "search.html?view=table&in_space=true")
    header = page.get_by_role("columnheader", name=re.compile("^Time docked"))
    expect(page.get_by_role("columnheader", name=re.compile("^Name"))).to_have_attribute("aria-sort", "ascending")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert parse_qs(urlsplit(page.url).query)["ordering"] == ["-time_docked"]
    crafts = [c for c in catalog.spacecraft if c.in_space]
    present = sorted((c for c in crafts if c.time_docked), key=lambda c: (c.is_placeholder, -c.time_docked.seconds))
    assert [r[0] for r in table_rows(page)] == [c.name for c in present + [c for c in crafts if not c.time_docked]]
    page.keyboard.press("Enter")  # the focus stays on the header's button: again, the other way
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert page.get_by_role("columnheader", name=re.compile("^Name")).get_attribute("aria-sort") is None
    config = page.get_by_role("columnheader", name=re.compile("^Configuration"))
    config.get_by_role("button").click()
    expect(config).to_have_attribute("aria-sort", "ascending")
    by_config = sorted(crafts, key=lambda c: c.config.name)  # stable: name order within a configuration
    assert [r[0] for r in table_rows(page)] == [c.name for c in by_config]


def test_choosing_the_table_view_goes_into_the_url(page, file_root):  # noqa: F811
    page.goto(file_root + "search.html?search=hermes")
    page.get_by_role("radio", name="a table").check()
    assert parse_qs(urlsplit(page.url).query) == {"search": ["hermes"], "view": ["table"]}
    assert [r[0] for r in table_rows(page)] == ["Hermès 1"]


# ---- Compare ----

def compare_cells(page) -> dict[str, list[str]]:  # noqa: F811 - a Page, not the fixture
    """Row header -> the cells of the comparison table."""
    return dict(page.locator(".compare-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.querySelector('th').textContent,"
        " Array.from(r.querySelectorAll('td'), c => c.textContent)])"))


def test_picked_results_open_a_shareable_comparison(page, root, catalog):  # noqa: F811
    page.goto(root + "search.html?search=dragon")
    page.get_by_label("Compare Crew Dragon Endeavour").check()
    expect(page.locator("#compare-link")).to_have_text("Pick one more to compare")
    first_other = next(c for c in catalog.spacecraft if c.config.id == 6 and c.id != 5002)
    page.get_by_label(f"Compare {first_other.name}").check()
    assert parse_qs(urlsplit(page.url).query)["compare"] == [f"5002,{first_other.id}"]
    page.get_by_role("link", name="Compare 2 spacecraft").click()
    assert urlsplit(page.url).path.endswith("/compare.html")
    assert parse_qs(urlsplit(page.url).query) == {"ids": [f"5002,{first_other.id}"]}
    expect(page.locator("#compare-status")).to_have_text("Comparing 2 spacecraft.")
    crafts = {c.id: c for c in catalog.spacecraft}
    pair = [crafts[5002], first_other]
    cells = compare_cells(page)
    assert cells["Flights"] == [f"{c.flights_count:,}" if c.flights_count is not None else "—" for c in pair]
    assert cells["Time in space"] == [format_seconds(c.time_in_space.seconds) if c.time_in_space else "—" for c in pair]
    assert cells["Status"] == [c.status.name for c in pair]
    assert cells["Agency"] == [c.config.agency.label for c in pair]
    assert page.locator(".compare-table thead a").first.text_content() == "Crew Dragon Endeavour"


def test_a_fifth_pick_is_refused(page, file_root, catalog):  # noqa: F811
    page.goto(file_root + "search.html?compare=1053,1106,1159,1212")
    boxes = page.locator("#search-results input.pick")
    assert boxes.evaluate_all("bs => bs.filter(b => b.checked).length") == sum(
        1 for c in catalog.spacecraft[:50] if c.id in (1053, 1106, 1159, 1212))
    assert boxes.evaluate_all("bs => bs.every(b => b.checked || b.disabled)")


def test_a_linked_comparison_of_configurations_sums_their_spacecraft(page, root, catalog):  # noqa: F811
    page.goto(root + "configurations/index.html")
    page.get_by_label("Compare Soyuz", exact=True).check()
    page.get_by_label("Compare Crew Dragon 2", exact=True).check()
    page.get_by_role("button", name="compare them").click()
    expect(page.locator("#compare-status")).to_have_text("Comparing 2 configurations.")
    assert sorted(parse_qs(urlsplit(page.url).query)["configs"]) == ["1", "6"]  # a plain GET form: configs=1&configs=6
    groups = {g.subject.id: g for g in catalog.configurations}
    pair = [groups[int(i)] for i in parse_qs(urlsplit(page.url).query)["configs"]]  # columns in the URL's order
    cells = compare_cells(page)
    assert cells["Spacecraft"] == [str(len(g.spacecraft)) for g in pair]
    # a sum over a group says how many spacecraft it covers, as the group pages do: never an unknown as 0
    assert cells["Flights"] == [figures.total("flights", g.spacecraft).cell for g in pair]
    assert all("known)" in cell for cell in cells["Flights"])
    assert cells["In space"] == [str(sum(c.in_space for c in g.spacecraft)) for g in pair]


def test_a_comparison_names_ids_the_catalog_lacks(page, file_root):  # noqa: F811
    page.goto(file_root + "compare.html?ids=5002,424242")
    expect(page.locator("#compare-status")).to_have_text(
        "Not in the catalog: 424242. Pick two to four spacecraft to compare.")


# ---- Keyboard ----

def test_slash_focuses_the_search_box_on_every_page(page, root):  # noqa: F811
    page.goto(root + "index.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.goto(root + "spacecraft/crew-dragon-endeavour.html")
    page.keyboard.press("/")
    page.wait_for_url(re.compile(r"search\.html#search-input$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'search-input'")
    page.keyboard.type("hermes")
    assert names(page) == ["Hermès 1"]


# ---- A large catalog: the index after the first paint ----

def test_a_large_catalog_loads_the_index_after_the_first_paint(tmp_path, page, monkeypatch):  # noqa: F811
    monkeypatch.setattr(index_module, "AFTER_PAINT_FROM", 1)
    build_site(tmp_path / "out", tmp_path / "cache", records=fixture_records())
    html = (tmp_path / "out" / "search.html").read_text()
    assert 'src="search-index.js"' not in html  # search.js adds it once the page is painted
    page.goto((tmp_path / "out").as_uri() + "/search.html?search=hermes&view=table")
    page.wait_for_function("document.querySelectorAll('#search-rows tr').length === 1")
    assert "search-index.js" in page.evaluate(
        "Array.from(document.head.querySelectorAll('script[src]'), s => s.src.split('/').pop())")
    page.goto((tmp_path / "out").as_uri() + "/compare.html?ids=5002,5003")
    expect(page.locator("#compare-status")).to_have_text("Comparing 2 spacecraft.")


# ---- Accessibility of the new views ----

@pytest.mark.parametrize("path", ["search.html?view=table&status=1&compare=5002",
                                  "search.html?flights_count__gte=2&compare=5002,5003",
                                  "compare.html?ids=5002,5003,5001", "compare.html?configs=1,6",
                                  "configurations/index.html"])
def test_new_views_have_no_serious_accessibility_violations(browser, http_root, axe, path):  # noqa: F811
    problems = []
    context = browser.new_context()
    try:
        pg = context.new_page()
        pg.goto(http_root + path)
        pg.wait_for_function("!/Loading/.test((document.querySelector('[role=status]') || {}).textContent || '')")
        pg.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        for scheme in ("light", "dark"):
            pg.emulate_media(color_scheme=scheme)
            violations = axe.run(pg, options={"resultTypes": ["violations"]}).response["violations"]
            problems += [(scheme, v["id"], v["help"], [n["target"] for n in v["nodes"][:3]])
                         for v in violations if v["impact"] in BLOCKING]
    finally:
        context.close()
    assert not problems, problems
