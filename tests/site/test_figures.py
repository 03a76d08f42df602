"""One honest figure: a spacecraft's flights read the same, with the same source, wherever a visitor
meets them (its card, its page, the group page and index, search, compare, stats, the CSV), an
unknown count is never 0, placeholders never lead a record; and the flights table fits the page
at 1,280 px, at 390 px and in print. Each check has a canary: the same check on a site built with
the old rule (flights_count, an unknown one as 0) or on a table made too wide, which it must fail.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import base as rec
import pytest
from base import build_site, parse

from catalog.site import figures

GIVEN, LISTED, UNKNOWN, PLACEHOLDER = "Given Craft", "Listed Craft", "Unknown Craft", "Placeholder Craft"
# What a visitor should read of each: in words (cards, search results, summaries), and in a table cell.
WORDS = {GIVEN: ("3 flights", "3"), LISTED: ("2 flights (listed)", "2 (listed)"),
         UNKNOWN: ("flights not known", "—"), PLACEHOLDER: ("50 flights", "50")}
IDS = {GIVEN: 1, LISTED: 2, UNKNOWN: 3, PLACEHOLDER: 4}


def records() -> list[dict]:
    """Four spacecraft of one configuration: flights given, listed (detailed mode, no count), unknown, and a placeholder."""
    unknown = {"flights_count": None, "mission_ends_count": None, "time_in_space": None, "time_docked": None}
    return [
        rec.spacecraft(1, GIVEN, flights_count=3),
        rec.spacecraft(2, LISTED, **unknown, flights=[
            rec.flight(11, name="Soyuz-U | Soyuz 29", **rec.launch_details(mission="Soyuz 29")),
            rec.flight(12, name="Soyuz-U | Soyuz 30", net="1978-06-27T15:27:21Z", end="1978-07-05T13:30:20Z",
                       duration=None, **rec.launch_details("1978-065A", mission="Soyuz 30"))]),
        rec.spacecraft(3, UNKNOWN, **unknown),
        rec.spacecraft(4, PLACEHOLDER, flights_count=50, is_placeholder=True, serial_number="TBD"),
    ]


def old_rule(craft):
    """The canary's rule, as the catalog had it: flights_count, an unknown one as 0, listed flights ignored."""
    return figures.Figure("flights", craft.flights_count or 0, figures.GIVEN)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The site, and the canary site built with the old rule."""
    root = tmp_path_factory.mktemp("figures")
    build_site(root / "site", root / "cache", records=records())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "_flights", old_rule)
        build_site(root / "canary", root / "canary-cache", records=records())
    return {"site": root / "site", "canary": root / "canary"}


def read_static(site: Path) -> dict[str, dict[str, str]]:
    """What each surface built in Python says of each spacecraft's flights."""
    seen: dict[str, dict[str, str]] = {}
    for card in parse(site / "spacecraft/index.html").find_all("li", class_="card"):
        name = card.one("span", class_="card-title").text
        if name in IDS:
            seen.setdefault(name, {})["card"] = card.find_all("span", class_="fact")[0].text
    for row in parse(site / "configurations/soyuz.html").one("table", class_="fleet").one("tbody").find_all("tr"):
        seen[row.one("th").one("a").text]["fleet table"] = row.find_all("td")[2].text  # serial, first launch, flights
    for name in IDS:
        page = parse(next((site / "spacecraft").glob(f"{name.lower().replace(' ', '-')}*.html")))
        facts = {d.one("dt").text: d.one("dd").text for d in page.one("dl", class_="facts").find_all("div")}
        seen[name]["fact"] = facts.get("Flights", "—")
        seen[name]["summary"] = page.one("p", class_="summary").text.split(",")[0].split(" · ")[0]
        seen[name]["description"] = page.meta["description"][0].rsplit(", ", 1)[1].rstrip(".")
    with (site / "data/spacecraft.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["name"]
            seen[name]["csv"] = (row["flights"] or "—") + ("" if row["flights_source"] in ("given", "unknown")
                                                           else f" ({row['flights_source']})")
    return seen


def static_problems(site: Path) -> list[str]:
    """Where a surface says another figure than WORDS, or a 0 for an unknown count."""
    problems = []
    for name, said in read_static(site).items():
        words, cell = WORDS[name]
        for surface, text in said.items():
            want = words if surface in ("card", "summary", "description") else cell
            if text != want:
                problems.append(f"{name} on the {surface}: {text!r}, not {want!r}")
    return problems


def group_problems(site: Path) -> list[str]:
    """The group page's header and the configurations index: the sum covers 3 of the 4 spacecraft."""
    problems = []
    header = parse(site / "configurations/soyuz.html").one("p", class_="detail-sub").text
    if "55 flights (known for 3 of 4 spacecraft)" not in header:
        problems.append(f"group header: {header!r}")
    index = parse(site / "configurations/index.html")
    cells = [td.text for td in index.one("tbody").one("tr").find_all("td")]
    if cells[-1] != "55 (3 of 4 known)":
        problems.append(f"configurations index: {cells!r}")
    return problems


def records_problems(site: Path) -> list[str]:
    """The stats page's "Most flights": real spacecraft only, with their sources; no placeholder, no unknown."""
    section = parse(site / "stats.html").one("section", aria_labelledby="record-flights")
    rows = [(tr.one("th").one("a").text, tr.find_all("td")[-1].text) for tr in section.one("tbody").find_all("tr")]
    want = [(GIVEN, "3"), (LISTED, "2 (listed)")]
    return [] if rows == want else [f"most flights: {rows!r}, not {want!r}"]


@pytest.mark.parametrize("check", [static_problems, group_problems, records_problems])
def test_every_page_says_the_same_figure_and_its_source(sites, check):
    assert check(sites["site"]) == []
    assert check(sites["canary"]) != []  # the canary: the old rule's figures fail the same check


def test_no_zero_flights_for_an_unknown_count(sites):
    def zeros(site: Path) -> list[str]:
        pages = [parse(site / "configurations/soyuz.html"), parse(site / "spacecraft/unknown-craft.html")]
        return [p.title for p in pages if re.search(r"(?<![\d,])0 flights", p.text)]

    assert zeros(sites["site"]) == []
    assert zeros(sites["canary"]) != []
    text = parse(sites["site"] / "spacecraft/unknown-craft.html").text
    assert "Not given by the data: flights, mission ends, time in space, time docked" in text


def search_and_compare(page, site: Path) -> dict[str, dict[str, str]]:
    """What search (its cards, its table) and compare say of each spacecraft, in Chromium from file://."""
    seen: dict[str, dict[str, str]] = {name: {} for name in IDS}
    page.goto((site / "search.html").as_uri() + "?ordering=-flights_count")
    page.locator("#search-results .result").first.wait_for()
    for result in page.locator("#search-results .result").all():
        seen[result.locator(".result-name").inner_text()]["search card"] = result.locator(".fact").inner_text()
    page.goto((site / "search.html").as_uri() + "?view=table&ordering=-flights_count")
    page.locator("#search-rows tr").first.wait_for()
    header = page.locator("#search-table thead th").all_inner_texts()
    for row in page.locator("#search-rows tr").all():
        cells = row.locator("th, td").all_inner_texts()
        seen[cells[1]]["search table"] = cells[header.index("Flights")]
    page.goto((site / "compare.html").as_uri() + "?ids=1,2,3,4")
    page.locator(".compare-table").wait_for()
    names = page.locator(".compare-table thead th a:not(.compare-remove)").all_inner_texts()
    flights = page.locator(".compare-table tbody tr", has=page.locator("th", has_text="Flights")).first
    for name, cell in zip(names, flights.locator("td").all_inner_texts(), strict=True):
        seen[name]["compare"] = cell
    return seen


def browser_problems(page, site: Path) -> list[str]:
    problems = []
    for name, said in search_and_compare(page, site).items():
        words, cell = WORDS[name]
        for surface, text in said.items():
            want = words if surface == "search card" else cell
            if text.strip() != want:
                problems.append(f"{name} on the {surface}: {text!r}, not {want!r}")
    return problems


def test_search_and_compare_say_the_same_figure(page, sites):
    assert browser_problems(page, sites["site"]) == []
    assert browser_problems(page, sites["canary"]) != []


def order_of(page, site: Path, query: str) -> list[str]:
    page.goto((site / "search.html").as_uri() + query)
    page.locator("#search-count").filter(has_text="match").or_(page.locator("#search-count").filter(
        has_text="All")).wait_for()
    return page.locator("#search-results .result-name").all_inner_texts()


def test_most_flights_puts_placeholders_after_real_ones_and_the_unknown_last(page, sites):
    assert order_of(page, sites["site"], "?ordering=-flights_count") == [GIVEN, LISTED, PLACEHOLDER, UNKNOWN]
    assert order_of(page, sites["site"], "?ordering=flights_count") == [LISTED, GIVEN, PLACEHOLDER, UNKNOWN]
    # a range never matches an unknown count, and matches a listed one
    assert order_of(page, sites["site"], "?flights_count__gte=0&flights_count__lte=2") == [LISTED]
    # the canary: with the old rule the unknown count is a 0 and is found
    assert UNKNOWN in order_of(page, sites["canary"], "?flights_count__gte=0&flights_count__lte=2")


def test_the_words_of_search_and_compare_are_figures_py_words(page, sites):
    """index.js says figures as figures.py does, for every source and both kinds of value."""
    page.goto((sites["site"] / "search.html").as_uri())
    page.locator("#search-results .result").first.wait_for()
    cases = [("flights", 1, figures.GIVEN), ("flights", 2, figures.LISTED), ("flights", None, figures.UNKNOWN),
             ("time_in_space", 90061, figures.COMPUTED), ("mission_ends", 0, figures.GIVEN),
             ("time_docked", None, figures.UNKNOWN)]
    for kind, value, source in cases:
        figure = figures.Figure(kind, value, source)
        said = page.evaluate("([k, v, s]) => [SpacecraftIndex.figureText(k, v, s), SpacecraftIndex.figureCell(k, v, s)]",
                             [figure.field, value, "gglc" if source == figures.GIVEN else source[0] * 4])
        assert said == [figure.text, figure.cell], figure


# --- The flights table fits the page --------------------------------------------------------------

def outside(page) -> list[str]:
    """The flights table's cells whose box is not inside the viewport's width."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth, out = [];
      for (const cell of document.querySelectorAll('.flights-table th, .flights-table td')) {
        const box = cell.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // hidden (a phone's header row, an empty turnaround)
        if (box.left < 0 || box.right > width + 0.5) out.push(cell.textContent.trim().slice(0, 30) + ' ' + Math.round(box.right));
      }
      return out;
    }""")


@pytest.fixture(scope="module")
def shuttle(tmp_path_factory) -> Path:
    """An orbiter with 25 flights, long pad names and one failed launch, as LL2 lists them (no count)."""
    root = tmp_path_factory.mktemp("shuttle")
    flights = [rec.flight(100 + k, name=f"Space Shuttle Endeavour | STS-{49 + 3 * k}",
                          net=f"{1992 + k}-05-07T23:40:00Z", end=f"{1992 + k}-05-16T20:57:00Z", duration=None,
                          turnaround=None,
                          **rec.launch_details(f"{1992 + k}-{k:03d}A", rocket="Space Shuttle", mission=f"STS-{49 + 3 * k}",
                                               pad="Launch Complex 39B", location="Kennedy Space Center, FL, USA",
                                               status="Launch Failure" if k == 3 else "Launch Successful"))
               for k in range(25)]
    build_site(root / "out", root / "cache", records=[
        rec.spacecraft(40, "Space Shuttle Endeavour", cfg=rec.config(20, "Space Shuttle", agency=999),
                       flights=flights, flights_count=None)])
    return root / "out" / "spacecraft/space-shuttle-endeavour.html"


@pytest.mark.parametrize("width,media", [(1280, "screen"), (390, "screen"), (718, "print")])
def test_every_column_of_the_flights_table_is_on_the_page(page, shuttle, width, media):
    """At 1,280 px, on a phone, and in print (718 px: A4's width inside its 1.5 cm margins)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(media=media)
    page.goto(shuttle.as_uri())
    assert page.locator(".flights-table tbody tr").count() == 25
    assert outside(page) == []
    second = page.locator(".flights-table tbody tr").nth(1).locator("th, td")
    assert [cell.is_visible() for cell in second.all()] == [True] * 6  # mission, launch, duration, end, destination, turnaround
    # the canary: a table as wide as the old one's eleven columns does not fit, and the check says so
    page.add_style_tag(content=".flights-table { table-layout: auto; width: 1600px; display: table; }")
    assert outside(page) != []
