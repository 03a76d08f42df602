"""Fleet views: a group page opens with a table of every member, in the group's order and split into
pages like the lists, whose sort links order the whole group on the search page; the timeline follows,
"Cite this" and the CSV link come last; and a card shows a picture only when it is the spacecraft's own."""
from __future__ import annotations

import posixpath
from urllib.parse import parse_qsl, urlsplit

import pytest
from base import build_fixture_site, build_site, detailed_only, fleet, parse, spacecraft


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("fleet")
    unknown = spacecraft(70, "Unknown Count", flights_count=None, status={"id": 3, "name": "Destroyed"})
    build_site(root / "out", root / "cache", records=detailed_only() + fleet(12) + [unknown])
    return root / "out"


def rows(page) -> list[list[str]]:
    table = page.one("table", id="fleet")
    return [[cell.text for cell in tr.iter() if cell.tag in ("th", "td")] for tr in table.one("tbody").find_all("tr")]


def test_a_configuration_page_opens_with_its_fleet_table(site):
    page = parse(site / "configurations/space-shuttle.html")
    table = page.one("table", id="fleet")
    assert [th.text for th in table.one("thead").find_all("th")] == [
        "Name", "Serial", "First launch", "Flights", "Time in space", "Status"]
    assert rows(page) == [
        ["Space Shuttle Atlantis", "Soyuz 7K-T #41", "1985-10-03", "33", "306 d 14 h 12 min", "Retired"],
        ["Space Shuttle Discovery", "Soyuz 7K-T #42", "1984-08-30", "39", "364 d 22 h", "Retired"],
        ["Space Shuttle Endeavour", "Soyuz 7K-T #40", "1992-05-07", "4 (listed)", "296 d 3 h 34 min", "Retired"],
    ]
    # The table comes first, then the timeline, then the facts; the CSV link and "Cite this" last.
    order = [e.get("id") or e.get("class") for e in page.one("main").iter()
             if e.get("id") in ("fleet", "timeline-h", "facts") or e.get("class") in ("downloads", "cite")]
    assert order == ["fleet", "timeline-h", "facts", "downloads", "cite"]


def test_an_unknown_count_is_a_dash_never_0(site):
    by_name = {row[0]: row for row in rows(parse(site / "statuses/destroyed.html"))}
    assert by_name["Unknown Count"][3] == "—"  # no count given, no flights listed
    assert by_name["Craft 4"][3] == "4"  # given
    assert by_name["Craft 7"][3] == "0"  # a given 0 is a value


def test_the_fleet_table_lists_every_member_in_the_group_order_across_its_pages(tmp_path):
    records = fleet(20)
    build_site(tmp_path / "out", tmp_path / "cache", records=records, settings={"list_page_size": 3})
    out = tmp_path / "out"
    paths = ["statuses/active.html", "statuses/active-page-2.html"]
    listed = [row[0] for path in paths for row in rows(parse(out / path))]
    expected = sorted((r["name"] for r in records if r["status"]["name"] == "Active"),
                      key=lambda name: int(name.split()[1]))
    assert listed == expected and len(listed) == 6


def test_the_fleet_tables_sort_links_order_the_whole_group_on_the_search_page(site):
    path = "configurations/space-shuttle.html"
    head = parse(site / path).one("table", id="fleet").one("thead")
    links = {a.text: a["href"] for a in head.find_all("a")}
    assert set(links) == {"Flights", "Time in space"}
    for text, ordering in (("Flights", "-flights_count"), ("Time in space", "-time_in_space")):
        target = urlsplit(links[text])
        assert posixpath.normpath(posixpath.join("configurations", target.path)) == "search.html"
        assert dict(parse_qsl(target.query)) == {"spacecraft_config": "20", "ordering": ordering}


def test_the_sort_link_check_catches_a_link_without_the_group(site):
    """Canary: the spacecraft list's sort links (no group) fail the group filter the test above demands."""
    nav = parse(site / "spacecraft/index.html").one("nav", class_="sort-links")
    query = dict(parse_qsl(urlsplit(nav.find_all("a")[0]["href"]).query))
    assert "spacecraft_config" not in query


# --- Cards ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pictured(tmp_path_factory):
    """The fixture catalog with its images: configurations with pictures, one spacecraft with its own."""
    return build_fixture_site(tmp_path_factory.mktemp("pictured"), base_url=None)


def image_of(element) -> str:
    return posixpath.basename(element.one("img")["src"]).split("-")[0]


def test_a_card_repeats_no_configuration_photo(pictured):
    soyuz = parse(pictured / "configurations/soyuz.html").one("figure", class_="detail-figure")
    config_photo = image_of(soyuz)
    cards = parse(pictured / "spacecraft/index.html").find_all("li", class_="card")
    pictured_cards = {c.one("span", class_="card-title").text: image_of(c) for c in cards if c.find_all("picture")}
    assert pictured_cards == {"Craft 4": pictured_cards["Craft 4"]}  # the one spacecraft with its own image
    assert pictured_cards["Craft 4"] != config_photo
    compact = [c for c in cards if "card-compact" in c.classes]
    assert len(compact) == len(cards) - 1


def test_the_photo_check_sees_the_configuration_photo_where_it_is_shown(pictured):
    """Canary: the configuration's own page shows its photo, and image_of finds it there."""
    figure = parse(pictured / "configurations/soyuz.html").one("figure", class_="detail-figure")
    assert figure.find_all("picture") and image_of(figure)
