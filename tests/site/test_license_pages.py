"""The license audit at a size that needs paging (issue 16): licenses.html lists the first images of
each license with its count and links the license's own numbered pages (licenses-<slug>.html,
-2.html...), 50 images a page like the credits, together every image of that license in name order."""
from __future__ import annotations

import pytest
from base import build_site, config, image, parse, spacecraft

from catalog.site.plan import LICENSE_ROWS
from catalog.site.urls import CREDITS_PAGE_SIZE

KNOWN, UNKNOWN = 120, 10  # images under CC BY 2.0, and without a license


def records() -> list[dict]:
    cfg = config(1, "Soyuz")
    cfg["image"] = None  # the spacecraft's own images only
    out = []
    for i in range(1, KNOWN + UNKNOWN + 1):
        licensing = {"license_name": "CC BY 2.0", "license_link": "https://creativecommons.org/licenses/by/2.0/"} \
            if i <= KNOWN else {}
        out.append(spacecraft(i, f"Craft {i}", cfg=cfg, image=image(5000 + i, url=f"https://img.example/{i}.jpg",
                                                                    thumb=None, **licensing)))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("license-pages")
    build_site(root / "out", root / "cache", records=records())
    return root / "out"


def image_names(page) -> list[str]:
    return [row.find_all("td")[1].text for row in page.one("tbody").find_all("tr")]


def test_the_first_page_lists_the_first_images_of_each_license_and_links_the_rest(site):
    page = parse(site / "licenses.html")
    unknown, known = page.one("main").find_all("section")
    preview = min(10, LICENSE_ROWS // 2)
    assert unknown.one("h2").text == f"Unknown: {UNKNOWN} images" and len(image_names(unknown)) == UNKNOWN
    assert known.one("h2").text == f"CC BY 2.0: {KNOWN} images" and len(image_names(known)) == preview
    assert [a["href"] for a in known.find_all("a") if a.text.startswith("All ")] == ["licenses-cc-by-2-0.html"]
    assert not [a for a in unknown.find_all("a") if a.text.startswith("All ")]  # all shown: no page of its own
    assert not (site / "licenses-unknown.html").exists()


def test_a_license_s_own_pages_list_all_its_images_in_name_order(site):
    pages = ["licenses-cc-by-2-0.html", "licenses-cc-by-2-0-2.html", "licenses-cc-by-2-0-3.html"]
    assert sorted(p.name for p in site.glob("licenses-*.html")) == sorted(pages)
    listed = [image_names(parse(site / p)) for p in pages]
    assert [len(names) for names in listed] == [CREDITS_PAGE_SIZE, CREDITS_PAGE_SIZE, KNOWN - 2 * CREDITS_PAGE_SIZE]
    every = [name for names in listed for name in names]
    expected = sorted((f"image {5000 + i}" for i in range(1, KNOWN + 1)), key=str.casefold)  # "[AUTO] " dropped
    assert every == expected
    assert image_names(parse(site / "licenses.html").one("main").find_all("section")[1]) == expected[:len(
        image_names(parse(site / "licenses.html").one("main").find_all("section")[1]))]
    first = parse(site / pages[0])
    assert first.h1 == "Images under CC BY 2.0"
    assert first.one("a", rel="license")["href"] == "https://creativecommons.org/licenses/by/2.0/"
    assert ("link.href", "licenses-cc-by-2-0-2.html") in first.links or ("a.href", "licenses-cc-by-2-0-2.html") in first.links
