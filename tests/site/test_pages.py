"""A full build of fixture data, checked by parsing the HTML the way a visitor's browser would."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import broken_links, build_site, config, fleet, flight, image, parse, site_files, spacecraft

import catalog.build
from catalog.data.models import FetchMeta
from catalog.errors import CatalogError

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


def fixture_records() -> list[dict]:
    records = fleet(30)
    records.append(spacecraft(101, HOSTILE, description='Line one <img src=x onerror="alert(1)">\nLine two',
                              serial_number='"><svg onload=alert(1)>',
                              image=image(5, license_name="<i>Evil</i>", license_link="javascript:alert(1)")))
    records.append(spacecraft(102, "Союз МС-25", cfg=config(38, "Soyuz MS", detailed=True,
                                                            wiki_link="javascript:alert(2)"),
                              flights=[flight(7, name="Soyuz-2.1a | Soyuz MS-25")], in_space=True))
    records.append(spacecraft(103, "Dragon", cfg=config(6, "Crew Dragon 2", agency=121)))
    records.append(spacecraft(104, "Dragon", cfg=config(6, "Crew Dragon 2", agency=121)))
    records.append(spacecraft(105, "Unnamed Progress", is_placeholder=True))
    return records


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("site")
    build_site(root / "out", root / "cache", records=fixture_records())
    return root / "out"


def pages_by_heading(folder: Path) -> dict[str, list[str]]:
    """The pages of a section folder (not its index) by the exact text of their <h1>."""
    out: dict[str, list[str]] = {}
    for path in sorted(folder.glob("*.html")):
        if path.name != "index.html":
            out.setdefault(parse(path).h1, []).append(path.name)
    return out


def test_every_record_has_its_page_with_its_name_as_h1(site):
    headings = pages_by_heading(site / "spacecraft")
    names = sorted(raw["name"] for raw in fixture_records())
    assert sorted(name for name, pages in headings.items() for _ in pages) == names
    assert len(headings["Dragon"]) == 2  # two records, same name, two pages


def test_every_group_page_exists_with_the_group_name(site):
    expected = {
        "configurations": ["Soyuz", "Crew Dragon 2", "Apollo Command/Service Module", "Soyuz MS"],
        "agencies": ["Russian Federal Space Agency (ROSCOSMOS)", "SpaceX", "North American Aviation"],
        "statuses": ["Active", "Destroyed", "Single Use"],
    }
    heading = {"configurations": "{}", "agencies": "{}", "statuses": "Status: {}"}
    for section, names in expected.items():
        headings = pages_by_heading(site / section)
        # exact headings: a missing "Soyuz" page is not hidden by the "Soyuz MS" one
        assert sorted(headings) == sorted(heading[section].format(name) for name in names), section
        index = parse(site / section / "index.html")
        for name in names:
            [page] = headings[heading[section].format(name)]
            [link] = [a for a in index.body.find_all("a") if a.text == name]  # the index links to it by name
            assert (site / section / link["href"]).resolve() == (site / section / page).resolve(), (section, name)


def test_every_link_and_asset_resolves_to_a_file(site):
    assert broken_links(site) == []


def test_site_root_files(site):
    assert (site / ".nojekyll").is_file()
    assert parse(site / "404.html").h1 == "Page not found"
    about = parse(site / "about.html")
    assert about.h1 == "About this catalog"
    assert "Launch Library 2" in about.text


def test_home_shows_counts_in_space_and_data_date(site):
    home = parse(site / "index.html")
    assert "35 spacecraft" in home.text
    assert "Data as of 2026-11-20" in home.text
    strip = home.one("ul", id="in-space-strip")
    assert [a["href"] for a in strip.find_all("a")][:2] == ["spacecraft/craft-5.html", "spacecraft/craft-10.html"]
    assert len(strip.find_all("li")) == 6  # the strip; the link below finds them all
    in_space = home.one("section", aria_labelledby="in-space")
    assert in_space.one("a", href="search.html?in_space=true").text.startswith("All ")


def test_hostile_text_stays_text(site):
    page_file = next(p for p in (site / "spacecraft").glob("*.html") if parse(p).h1 == HOSTILE)
    page = parse(page_file)
    html = page_file.read_text()
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    # only our own external scripts, or JSON-LD data; no inline code
    assert all(s.get("src") or s.get("type") == "application/ld+json" for s in page.scripts)
    assert 'Line one <img src=x onerror="alert(1)">' in page.text
    assert '"><svg onload=alert(1)>' in page.text
    assert not [u for _, u in page.links if u.lower().startswith("javascript:")]
    credits_page = parse(site / "credits.html")
    assert "<i>Evil</i>" in credits_page.text  # the license name from the API, shown as text
    assert not [u for _, u in credits_page.links if u.lower().startswith("javascript:")]
    config_page = parse(site / "configurations" / "soyuz-ms.html")
    assert not [u for _, u in config_page.links if u.lower().startswith("javascript:")]


def test_description_line_breaks_are_kept(site):
    page_file = next(p for p in (site / "spacecraft").glob("*.html") if parse(p).h1 == HOSTILE)
    assert 'onerror="alert(1)"&gt;\nLine two' in page_file.read_text().replace("&#34;", '"')


def test_detailed_mode_shows_flights_and_specs(site):
    craft = parse(site / "spacecraft" / "союз-мс-25.html")
    assert "Soyuz-2.1a | Soyuz MS-25" in craft.text
    assert "79 d 15 h 23 min" in craft.text
    config_page = parse(site / "configurations" / "soyuz-ms.html")
    assert "Crew capacity 3" in config_page.text
    assert "Crew transport" in config_page.text


def test_spacecraft_page_shows_the_facts(site):
    page = parse(site / "spacecraft" / "craft-10.html")
    for fact in ("Serial number Soyuz 7K-T #10", "Status Destroyed", "In space Yes", "Time in space 79 d 15 h 23 min",
                 "Time docked 78 d 10 h 24 min", "Configuration Crew Dragon 2", "Agency SpaceX (SpX)"):
        assert fact in page.text
    assert ("a.href", "../configurations/crew-dragon-2.html") in page.links
    assert ("a.href", "../agencies/spx.html") in page.links


def facts_of(path: Path) -> dict[str, str]:
    """A page's Facts list as a reader hears it: each term and its value."""
    return {row.one("dt").text: row.one("dd").text for row in parse(path).one("dl", class_="facts").find_all("div")}


def test_placeholder_is_a_fact_only_of_a_placeholder_record(site):
    # "Placeholder: No" on every real spacecraft said nothing; a placeholder record still says so twice.
    placeholder = parse(site / "spacecraft" / "unnamed-progress.html")
    assert "Placeholder record" in placeholder.one("p", class_="detail-sub").text
    assert facts_of(site / "spacecraft" / "unnamed-progress.html")["Placeholder"] == "Yes"
    real = facts_of(site / "spacecraft" / "craft-10.html")
    assert "Placeholder" not in real and real["In space"] == "Yes" and real["Status"] == "Destroyed"


def test_lists_carry_the_api_ordering_fields_for_sorting(site):
    cards = parse(site / "spacecraft" / "index.html").find_all("li", class_="card")
    assert sorted(int(card["data-id"]) for card in cards) == sorted(raw["id"] for raw in fixture_records())
    [craft_7] = [card for card in cards if card["data-id"] == "7"]  # what static/js/sort.js sorts by
    assert {k: v for k, v in craft_7.attrs.items() if k.startswith("data-")} == {
        "data-id": "7", "data-flights_count": "0", "data-mission_ends_count": "1",
        "data-time_in_space": str(((79 * 24 + 15) * 60 + 23) * 60 + 49),  # P79DT15H23M49S
        "data-time_docked": str(((78 * 24 + 10) * 60 + 24) * 60 + 46)}  # P78DT10H24M46S


def test_rebuild_is_byte_identical_and_writes_nothing(site, tmp_path):
    before = site_files(site)
    report = build_site(site, site.parent / "cache")
    assert report.written == 0
    assert site_files(site) == before
    other = tmp_path / "other"
    build_site(other, site.parent / "cache")
    assert site_files(other) == before


def test_failed_build_leaves_previous_site_whole(tmp_path, monkeypatch):
    build_site(tmp_path / "out", tmp_path / "cache", records=fixture_records()[:5])
    before = site_files(tmp_path / "out")

    def explode(*args, **kwargs):
        raise CatalogError("template exploded")

    monkeypatch.setattr(catalog.build, "copy_static", explode)  # fails after every page was rendered
    with pytest.raises(CatalogError, match="template exploded"):
        build_site(tmp_path / "out", tmp_path / "cache", records=fixture_records())
    assert site_files(tmp_path / "out") == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp tree left


def test_names_sort_naturally_numbers_by_value():
    from catalog.data.groups import build_catalog
    from catalog.data.normalize import normalize_all

    crafts = normalize_all([spacecraft(1, "Progress 10"), spacecraft(2, "Progress 2"), spacecraft(3, "progress 1"),
                            spacecraft(4, "Apollo")])
    catalog = build_catalog(crafts, FetchMeta(None, None, None, 4))
    assert [c.name for c in catalog.spacecraft] == ["Apollo", "progress 1", "Progress 2", "Progress 10"]
