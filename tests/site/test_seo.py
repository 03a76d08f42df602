"""The JSON-LD of spacecraft pages: put together from pieces for speed, it must be exactly the text
json.dumps makes of the same data (sorted keys, no spaces, UTF-8), whatever text the API sent."""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from base import config, image, spacecraft

from catalog.data.normalize import normalize_all
from catalog.site.seo import script_json, spacecraft_ld
from catalog.site.urls import Urls

BASE = "https://someone.github.io/spacecraft-catalog/"
HOSTILE = 'Soyuz </script><script>alert("x")</script> \\ \'q\' & <b> \u2028line\u2029 end'


def crafts() -> dict[str, Any]:
    """Spacecraft models by what the test cares about in each."""
    soyuz = config(1, "Soyuz", img=image(1, url="https://img.example/soyuz.jpg", thumb=None, credit="NASA",
                                         license_name="Public Domain",
                                         license_link="https://creativecommons.org/publicdomain/mark/1.0/"))
    bare = config(2, "Vostok", image=None)
    hostile_cfg = config(3, 'Config "</script>" \u2028', image=None)
    records = [
        spacecraft(1, "Soyuz 1", cfg=soyuz, serial_number="7K-OK #4", image=None),  # the configuration's image
        spacecraft(5, "Soyuz 2", cfg=soyuz, image=image(5, url="https://img.example/own.jpg", thumb=None)),  # its own
        spacecraft(2, "Vostok 1", cfg=bare, serial_number=None, image=None, description=""),  # no image, no serial
        spacecraft(3, "Same", cfg=bare, serial_number="Same", image=image(  # serial = name; only a thumbnail URL
            3, url=None, thumb="https://img.example/t.jpg", credit=None)),
        spacecraft(4, HOSTILE, cfg=hostile_cfg, serial_number=HOSTILE + " #2", description=HOSTILE + "\nmore",
                   image=image(4, url="https://img.example/a.jpg?x=1&y=</script>", thumb=None, credit=HOSTILE,
                               license_name="Evil", license_link="https://example.org/license?<&>")),
    ]
    normalized = normalize_all(records)
    assert len(normalized) == len(records)
    return {c.name: c for c in normalized}


def thumbnail_of(base: str | None):
    """What Seo.thumbnail gives: our published JPEG's absolute URL with a base URL, else nothing."""
    return (lambda img: f"{base}img/{img.key}-800w.jpg") if base else (lambda img: None)


def expected_data(craft, base: str | None) -> dict[str, Any]:
    """The JSON-LD as a crawler should read it, built by hand from the model."""
    page = f"spacecraft/{craft.slug}.html"

    def url(path: str) -> str:
        if base:
            return base if path == "index.html" else base + quote(path)
        return "../" + quote(path)

    here = url(page)
    thing: dict[str, Any] = {
        "@type": "Thing", "additionalType": "https://www.wikidata.org/wiki/Q40218",
        "identifier": {"@type": "PropertyValue", "propertyID": "Launch Library 2 spacecraft id", "value": craft.id},
        "name": craft.name, "url": here,
    }
    if craft.serial_number and craft.serial_number != craft.name:
        thing["alternateName"] = craft.serial_number
    img = craft.shown_image
    if img is not None:
        source = img.image_url or img.thumbnail_url
        obj = {"@type": "ImageObject", "name": img.name, "contentUrl": source,
               "thumbnailUrl": thumbnail_of(base)(img), "creditText": img.credit,
               "license": img.license.link, "acquireLicensePage": img.license.link}
        thing["image"] = {k: v for k, v in obj.items() if v}
    crumbs = [("Home", "index.html"), ("Configurations", "configurations/index.html"),
              (craft.config.name, f"configurations/{craft.config.slug}.html"), (craft.name, page)]
    trail = {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "item": url(path), "name": name, "position": n}
        for n, (name, path) in enumerate(crumbs, start=1)]}
    del trail["itemListElement"][-1]["item"]  # the last crumb is the page itself
    return {"@context": "https://schema.org", "@graph": [thing, trail]}


def dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("base", [None, BASE], ids=["relative", "base-url"])
def test_json_ld_is_exactly_json_dumps_of_the_same_data(base):
    urls, memo = Urls(base), {}  # one memo for every page, as in a build: shared pieces come from it
    for craft in list(crafts().values()) * 2:  # the second round is served from the memo
        text = spacecraft_ld(craft, page_path=f"spacecraft/{craft.slug}.html", urls=urls,
                             thumbnail=thumbnail_of(base), memo=memo)
        assert text == dumps(expected_data(craft, base)), craft.name


def test_the_cases_cover_what_they_claim():
    # Guards the test above: each branch of the JSON-LD is met by one of the crafts.
    things = [expected_data(c, BASE)["@graph"][0] for c in crafts().values()]
    assert [("alternateName" in t, "image" in t) for t in things] == [
        (True, True), (True, True), (False, False), (False, True), (True, True)]
    assert [t["image"]["contentUrl"] for t in things if "image" in t] == [
        "https://img.example/soyuz.jpg", "https://img.example/own.jpg",  # one configuration, two images
        "https://img.example/t.jpg",  # the thumbnail URL stands in for a missing image URL
        "https://img.example/a.jpg?x=1&y=</script>"]
    assert "creditText" in things[0]["image"] and "creditText" not in things[1]["image"]


def test_hostile_text_stays_inside_the_script_and_reads_back_the_same():
    craft = crafts()[HOSTILE]
    text = spacecraft_ld(craft, page_path=f"spacecraft/{craft.slug}.html", urls=Urls(BASE),
                         thumbnail=thumbnail_of(BASE))
    safe = str(script_json(text))
    for char in ("<", ">", "&", "\u2028", "\u2029"):
        assert char in text and char not in safe, repr(char)
    assert json.loads(safe) == expected_data(craft, BASE)
