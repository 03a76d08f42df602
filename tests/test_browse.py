"""The built pages in real headless Chromium, opened from disk: sorting lists, keyboard use."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import build_site, spacecraft


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browse")
    records = [
        spacecraft(1, "Alpha", flights_count=2, time_in_space="P10D", time_docked="P1D", mission_ends_count=2),
        spacecraft(2, "Bravo", flights_count=9, time_in_space="P2D", time_docked="P0D", mission_ends_count=1),
        spacecraft(3, "Charlie", flights_count=5, time_in_space="P30D", time_docked="P20D", mission_ends_count=0),
        spacecraft(4, "Delta", flights_count=None, time_in_space=None, time_docked=None, mission_ends_count=None),
    ]
    build_site(root / "out", root / "cache", records=records)
    return root / "out"


@pytest.mark.parametrize("link, expected", [
    ("most flights", ["Bravo", "Charlie", "Alpha", "Delta"]),  # Delta's count is unknown: last
    ("most time in space", ["Charlie", "Alpha", "Bravo", "Delta"]),
    ("most time docked", ["Charlie", "Alpha", "Bravo", "Delta"]),
    ("most mission ends", ["Alpha", "Bravo", "Charlie", "Delta"]),
    ("newest in the database (id)", ["Delta", "Charlie", "Bravo", "Alpha"]),
])
def test_group_list_sorts_whole_on_the_search_page_from_disk(site, page, link, expected):
    # A list split into pages is sorted by the search page, over the whole group (issue 16).
    page.goto((site / "configurations" / "soyuz.html").as_uri())
    assert page.locator("#fleet tbody th a").all_inner_texts() == ["Alpha", "Bravo", "Charlie", "Delta"]
    page.get_by_role("link", name=link, exact=True).click()
    page.wait_for_function("document.querySelectorAll('#search-results .result').length === 4")
    assert page.locator("#search-results .result-name").all_inner_texts() == expected


def test_keyboard_reaches_skip_link_first_and_it_moves_focus_to_main(site, page):
    page.goto((site / "index.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'", timeout=5000)  # the jump is asynchronous
    assert page.url.endswith("#main")


def test_spacecraft_card_link_opens_its_page(site, page):
    page.goto((site / "spacecraft" / "index.html").as_uri())
    page.get_by_role("link", name="Bravo").first.click()
    assert page.locator("h1").inner_text() == "Bravo"
    assert page.url.endswith("/spacecraft/bravo.html")
