"""The statistics page's people and dockings (issue 26): the people with the most flights aboard catalog
spacecraft and the most-docked spacecraft, and station occupancy per year (an SVG chart and its table,
on the stations index, which the statistics page links), each saying how it was derived; built from
the crew exports' fixture."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import build_site, parse
from test_crew_exports import build


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("crew-stats"))


@pytest.fixture(scope="module")
def stats(built):
    return parse(built / "stats.html")


def rows(table) -> list[list[str]]:
    return [[" ".join(c.text.split()) for c in tr.iter() if c.tag in ("th", "td")] for tr in table.find_all("tr")[1:]]


def test_the_people_with_the_most_flights_and_the_most_docked_spacecraft(stats):
    section = stats.one("section", aria_labelledby="crew-stats")
    people, docked = section.find_all("table", class_="record-table")
    assert rows(people) == [["1", '=HYPERLINK("https://evil.example/")', "1"], ["2", "Oleg Kononenko", "1"]]
    assert rows(docked) == [["1", "Soyuz MS-11", "2"], ["2", "Soyuz MS-12", "1"]]
    assert [a["href"] for a in docked.find_all("a")] == ["spacecraft/soyuz-ms-11.html", "spacecraft/soyuz-ms-12.html"]
    assert "crew and docking data as of 2026-11-20" in section.text
    assert "Derived: the flights in any crew list" in section.text and "Derived: the docking events" in section.text


def test_station_occupancy_is_a_chart_with_its_table_of_days_docked_per_year(stats, built):
    link = stats.one("section", aria_labelledby="crew-stats").one("a", href="stations/index.html#occupancy")
    assert link.text == "Space stations"
    section = parse(built / "stations/index.html").one("section", aria_labelledby="occupancy")
    svg = section.one("svg")
    assert svg["role"] == "img" and svg.find_all("title")[0].text == "Station occupancy per year"
    assert all(mark.find_all("title") for mark in svg.find_all(class_="mark"))
    table = rows(section.one("details", class_="chart-data").one("table"))
    by_year = {row[0]: row for row in table}
    assert list(by_year) == [str(y) for y in range(2018, 2027)]
    # event 30: 2018-12-03 17:33 to 2019-06-24; 31 still docked from 2019-06-25 01:00 to the data's date; 32 at 5
    assert by_year["2018"][1:] == ["International Space Station 28", "28"]
    assert by_year["2020"][1:] == ["International Space Station 366", "366"]
    assert by_year["2019"][1] == "International Space Station 364 · Station 5 16"
    assert "to 2026-11-20, the data's date, while still docked" in section.text
    assert "0 events left out" in section.text


def test_without_crew_data_the_section_says_so_and_draws_no_chart(tmp_path: Path):
    from base import bare

    build_site(tmp_path / "out", tmp_path / "cache", records=[bare(1)])
    section = parse(tmp_path / "out/stats.html").one("section", aria_labelledby="crew-stats")
    assert not section.find_all("svg") and "crew and docking data not fetched yet" in section.text
    occupancy = parse(tmp_path / "out/stations/index.html").one("section", aria_labelledby="occupancy")
    assert not occupancy.find_all("svg") and "Too few docking events" in occupancy.text
