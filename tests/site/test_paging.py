"""Long lists split into numbered pages: the pager, every page reachable and every link a file."""
from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import base as rec
import pytest
from base import broken_links, build_site, html_pages, parse

from catalog.site.paging import Pager, paged

STATUSES = [{"id": 1, "name": "Active"}, {"id": 2, "name": "Retired"}]


def records() -> list[dict]:
    """23 spacecraft of two configurations and two statuses, with flights counts to sort by."""
    soyuz, dragon = rec.config(1, "Soyuz"), rec.config(6, "Crew Dragon 2", agency=121)
    return [rec.spacecraft(i, f"Craft {i:02d}", cfg=[soyuz, dragon][i % 2], status=STATUSES[i % 3 == 0],
                           flights_count=(i * 7) % 10, image=None) for i in range(1, 24)]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The records built with 4 cards a list page and 1 image a credits page: many pages of each."""
    root = tmp_path_factory.mktemp("paging")
    build_site(root / "out", root / "cache", records=records(), force=True, settings={"list_page_size": 4})
    return root / "out"


def test_a_compact_pager_keeps_the_ends_and_the_neighbours():
    paths = tuple(f"p{n}" for n in range(1, 21))
    assert Pager(7, paths).shown == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert Pager(1, paths).shown == [1, 2, 3, None, 20]
    assert (Pager(1, paths).prev, Pager(1, paths).next, Pager(20, paths).next) == (None, "p2", None)
    assert Pager(2, paths[:3]).shown == [1, 2, 3]


def test_paged_slices_cover_the_list_once_and_an_empty_list_has_one_page():
    chunks = list(paged(list(range(10)), 4, lambda n: f"page-{n}"))
    assert [list(c) for c, _ in chunks] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [p.path for _, p in chunks] == ["page-1", "page-2", "page-3"]
    assert [(list(c), p.total) for c, p in paged([], 4, str)] == [([], 1)]


def card_names(site: Path, path: str) -> list[str]:
    """The spacecraft a list page shows: its cards' titles, or a group page's fleet table rows."""
    page = parse(site / path)
    rows = page.find_all("table", id="fleet")
    if rows:
        return [th.one("a").text for th in rows[0].one("tbody").find_all("th")]
    return [e.text for e in page.find_all("span", class_="card-title")]


def resolve(page_path: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))


def walk(site: Path, first: str) -> list[str]:
    """Follow each page's rel=next link from the first page; the pages visited, in order."""
    seen, path = [], first
    while path:
        seen.append(path)
        nxt = parse(site / path).rel.get("next")
        path = resolve(path, nxt[0]) if nxt else None
    return seen


def test_the_spacecraft_list_is_split_and_each_card_is_on_exactly_one_page(site):
    pages = walk(site, "spacecraft/index.html")
    assert pages == ["spacecraft/index.html"] + [f"spacecraft/page-{n}.html" for n in range(2, 7)]
    names = [name for p in pages for name in card_names(site, p)]
    assert names == [f"Craft {i:02d}" for i in range(1, 24)]
    assert [resolve("spacecraft/page-3.html", h) for h in parse(site / "spacecraft/page-3.html").rel["prev"]] == [
        "spacecraft/page-2.html"]
    assert parse(site / "spacecraft/page-3.html").title.startswith("All spacecraft (page 3 of 6)")


def test_group_pages_are_split_under_their_slug(site):
    pages = walk(site, "statuses/active.html")  # 16 spacecraft: i % 3 != 0
    assert pages == ["statuses/active.html"] + [f"statuses/active-page-{n}.html" for n in (2, 3, 4)]
    names = [name for p in pages for name in card_names(site, p)]
    assert names == [f"Craft {i:02d}" for i in range(1, 24) if i % 3]
    assert parse(site / "statuses/active-page-2.html").h1 == "Status: Active"


def test_the_pager_links_every_page_and_marks_the_current_one(site):
    pager = parse(site / "spacecraft/page-2.html").one("nav", class_="pager")
    links = [(a.text, resolve("spacecraft/page-2.html", a["href"]), a.get("aria-current")) for a in pager.find_all("a")]
    assert links == [("Previous", "spacecraft/index.html", None), ("1", "spacecraft/index.html", None),
                     ("2", "spacecraft/page-2.html", "page"), ("3", "spacecraft/page-3.html", None),
                     ("4", "spacecraft/page-4.html", None), ("6", "spacecraft/page-6.html", None),
                     ("Next", "spacecraft/page-3.html", None)]  # 5 is left out: a gap
    assert pager.one("li", class_="pager-gap").text == "…"


def test_credits_are_split_into_pages(tmp_path):
    soyuz = rec.config(1, "Soyuz", img=rec.image(1, url="https://img.example/1.jpg", thumb=None))
    crafts = [rec.spacecraft(i, f"Craft {i}", cfg=soyuz, image=rec.image(10 + i, url=f"https://img.example/{i}.jpg",
                                                                          thumb=None)) for i in (1, 2)]
    build_site(tmp_path / "out", tmp_path / "cache", records=crafts, settings={"credits_page_size": 1})
    site = tmp_path / "out"
    assert walk(site, "credits.html") == ["credits.html", "credits-2.html", "credits-3.html"]
    assert broken_links(site) == []


def test_every_link_of_a_paged_site_points_at_a_file(site):
    assert "configurations/soyuz-page-3.html" in html_pages(site)
    assert broken_links(site) == []


def test_sorting_links_open_the_search_page_on_the_whole_group(site):
    nav = parse(site / "statuses/active-page-2.html").one("nav", class_="sort-links")
    links = {a.text: a["href"] for a in nav.find_all("a")}
    url = urlsplit(links["most flights"])
    assert url.path == "../search.html"
    assert parse_qsl(url.query) == [("status", "1"), ("ordering", "-flights_count")]
    assert parse_qsl(urlsplit(links["as a table"]).query) == [("status", "1"), ("view", "table")]


def test_a_sort_link_lists_the_whole_group_in_that_order_in_the_browser(site, page):
    page.goto((site / "statuses/active-page-3.html").as_uri())
    page.get_by_role("link", name="most flights").click()
    page.wait_for_function("document.querySelectorAll('#search-results .result').length > 0")
    crafts = [(i, (i * 7) % 10) for i in range(1, 24) if i % 3]  # the Active ones, by name
    want = [f"Craft {i:02d}" for i, _ in sorted(crafts, key=lambda c: -c[1])]
    assert page.locator("#search-results .result-name").all_text_contents() == want
