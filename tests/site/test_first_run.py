"""The first run: the site built from the sample shipped in content/, as a visitor reads it."""
from __future__ import annotations

from pathlib import Path

import pytest
from base import build_site, config, parse, spacecraft

from catalog.data.models import Agency

SAMPLE_SENTENCE = "This is a sample of 30 real records of the 592 in Launch Library 2: spacecraft-catalog --fetch " \
                  "builds the whole catalog, no API key needed."


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The site built from the shipped sample, with no cache: what `spacecraft-catalog` makes first."""
    root = tmp_path_factory.mktemp("first-run")
    build_site(root / "out", root / "cache")
    return root / "out"


def strip(page, label: str) -> list[tuple[str, str]]:
    """(name, line under it) of each spacecraft of a home page strip."""
    return [(item.one(class_="strip-name").text, item.one(class_="strip-fact").text)
            for item in page.one("ul", id=label).find_all("li")]


def test_the_home_page_shows_what_is_in_space_and_the_most_flown_with_pictures(sample):
    home = parse(sample / "index.html")
    in_space = strip(home, "in-space-strip")
    assert ("Soyuz MS-28", "Soyuz MS") in in_space and len(in_space) == 6
    assert strip(home, "most-flown-strip")[:4] == [
        ("Space Shuttle Endeavour", "25 flights listed"), ("Space Shuttle Atlantis", "18 flights listed"),
        ("Space Shuttle Discovery", "14 flights listed"), ("Crew Dragon Endeavour", "5 flights")]
    items = home.one("ul", id="most-flown-strip").find_all("li")
    assert all(item.find_all("picture") or item.find_all(class_="placeholder") for item in items)


def test_a_placeholder_record_never_leads_most_flown_and_an_unknown_count_is_left_out(tmp_path):
    dragon = config(6, "Crew Dragon 2")
    records = [spacecraft(1, "Placeholder", cfg=dragon, flights_count=99, is_placeholder=True),
               spacecraft(2, "Flown", cfg=dragon, flights_count=3),
               spacecraft(3, "Unknown count", cfg=dragon, flights_count=None)]
    build_site(tmp_path / "out", tmp_path / "cache", records=records)
    assert strip(parse(tmp_path / "out" / "index.html"), "most-flown-strip") == [("Flown", "3 flights")]


def test_every_page_of_the_sample_says_it_is_a_sample_and_how_to_get_the_rest(sample):
    for page in ("index.html", "spacecraft/space-shuttle-endeavour.html", "stats.html", "search.html"):
        assert SAMPLE_SENTENCE in parse(sample / page).one("footer").text, page
    assert SAMPLE_SENTENCE in parse(sample / "index.html").one(class_="as-of").text


def test_a_fetched_site_does_not_call_itself_a_sample(tmp_path):
    build_site(tmp_path / "out", tmp_path / "cache", records=[spacecraft(1, "Soyuz 1", cfg=config(1, "Soyuz"))])
    assert "sample" not in parse(tmp_path / "out" / "index.html").one("footer").text  # the canary of the test above


def test_the_sample_history_says_where_history_starts(sample):
    home = parse(sample / "index.html").one("section", aria_labelledby="latest-changes").text
    assert "history starts with the first --fetch" in home and "this sample has none" in home
    page = parse(sample / "spacecraft/space-shuttle-columbia.html").one("section", aria_labelledby="history").text
    assert "history starts with the first --fetch" in page and "this sample has none" in page
    assert "first fetch of the data on" not in home + page


@pytest.mark.parametrize(("page", "label", "drawing"), [
    ("spacecraft/space-shuttle-columbia.html", "Space Shuttle Columbia: a drawing of a spaceplane, not a photograph",
     "craft-spaceplane.svg"),
    ("spacecraft/soyuz-29.html", "Soyuz 29: a drawing of a capsule, not a photograph", "craft-capsule.svg"),
    ("spacecraft/progress-14.html", "Progress 14: a drawing of a cargo vehicle, not a photograph", "craft-cargo.svg"),
])
def test_a_missing_picture_is_a_drawing_of_the_spacecraft_type_in_chromium(sample, browser, page, label, drawing):
    """Offline, no image is downloaded: each page shows its type's drawing, loaded from file://."""
    assert parse(sample / page).placeholders() == [label]
    tab = browser.new_page()
    try:
        tab.goto((sample / page).as_uri())
        figure = tab.get_by_role("img", name=label)
        assert figure.is_visible() and "spacecraft" not in figure.inner_text().casefold()[:2]  # no initials
        background = figure.evaluate("e => getComputedStyle(e).backgroundImage")
        assert drawing in background, background
        url = background[background.index('url("') + 5:background.index('")')]
        width = tab.evaluate("u => new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth);"
                             " i.onerror = () => ok(0); i.src = u; })", url)
        assert width == 160, f"{url} did not load"
    finally:
        tab.close()


def test_agency_names_are_not_doubled(sample):
    page = parse(sample / "spacecraft/soyuz-29.html").text
    assert "Russian Federal Space Agency (ROSCOSMOS)" in page and "(ROSCOSMOS) (RFSA)" not in page
    assert "National Aeronautics and Space Administration (NASA)" in parse(
        sample / "spacecraft/space-shuttle-columbia.html").text  # an abbreviation not in the name is still shown
    assert Agency(1, "Russian Federal Space Agency (ROSCOSMOS)", "RFSA", None).label == \
        "Russian Federal Space Agency (ROSCOSMOS)"
    assert Agency(2, "SpaceX", "SpaceX", None).label == "SpaceX"


def test_image_titles_lose_the_auto_prefix(sample):
    listed = parse(sample / "credits.html").text
    assert "Soyuz - image" in listed and "[AUTO]" not in listed
    from catalog.data.normalize import image_title

    assert image_title("[AUTO] Soyuz - image") == "Soyuz - image"
    assert image_title("Soyuz MS in orbit (MS-19)") == "Soyuz MS in orbit (MS-19)"


def test_a_given_zero_time_in_space_is_a_value_not_unknown(sample):
    """Vostok-1K No.1's time in space is given as P0D: the histogram counts it, under 1 day."""
    page = parse(sample / "spacecraft/vostok-1k-no-1.html").text
    assert "0 min" in page
    from catalog.data.groups import build_catalog
    from catalog.data.normalize import normalize_all
    from catalog.site.stats import compute

    zero = spacecraft(1, "Zero", cfg=config(1, "Vostok"), time_in_space="P0D")
    none = spacecraft(2, "None", cfg=config(1, "Vostok"), time_in_space=None)
    from catalog.data.models import FetchMeta
    stats = compute(build_catalog(normalize_all([zero, none]), FetchMeta(None, 2, None, 2)))
    assert stats.histogram.unknown == 1 and stats.histogram.buckets[0].value == 1
