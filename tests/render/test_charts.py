"""Charts: every inline SVG of a built site parsed as XML and checked as a reader and a browser meet it
(role="img", a <title> and <desc>, a <title> on every mark, no script, no external reference), with
canaries that prove the check fails; timelines hold a mark per flight of each spacecraft."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from base import FIXTURE_HOSTILE, build_site, config, flight, flown_fleet, html_pages, parse, spacecraft

from catalog.data.groups import build_catalog
from catalog.data.models import FetchMeta
from catalog.data.normalize import normalize_all
from catalog.site import timelines

SVG = "{http://www.w3.org/2000/svg}"
_SVG_IN_PAGE = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def svg_problems(text: str) -> list[str]:
    """What is wrong with one chart: an empty list for a good one."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        return [f"not well-formed: {exc}"]
    problems = []
    if root.tag != SVG + "svg" or root.get("role") != "img":
        problems.append("the root is not an <svg role=img>")
    children = [c.tag for c in root][:2]
    if children != [SVG + "title", SVG + "desc"] or not all((c.text or "").strip() for c in list(root)[:2]):
        problems.append("no <title> and <desc> first")
    for element in root.iter():
        tag = element.tag.removeprefix(SVG)
        if tag in ("script", "foreignObject", "image", "use", "a", "style"):
            problems.append(f"a <{tag}>")
        for name, value in element.attrib.items():
            if name.rsplit("}", 1)[-1] in ("href", "src") or "url(" in value or value.startswith(("http:", "https:")):
                problems.append(f"an external reference {name}={value!r}")
            if name.startswith("on"):
                problems.append(f"an event handler {name}")
        if "mark" in element.get("class", "").split():
            titles = [c for c in element if c.tag == SVG + "title"]
            if len(titles) != 1 or not (titles[0].text or "").strip():
                problems.append(f"a mark without a <title>: {ET.tostring(element)[:80]!r}")
    return problems


def charts(page: Path) -> list[str]:
    return _SVG_IN_PAGE.findall(page.read_text(encoding="utf-8"))


def marks(svg: str, *kinds: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(svg).iter() if "mark" in e.get("class", "").split()
            and set(kinds) & set(e.get("class", "").split())]


def records() -> list[dict]:
    out = flown_fleet()
    out.append(spacecraft(60, FIXTURE_HOSTILE, cfg=config(20, "Space Shuttle", agency=999, img=None),
                          flights=[flight(400, name='Rocket & <"Co"> | STS-1', net="1981-04-12T12:00:04Z",
                                          end="1981-04-14T18:20:57Z")]))
    for raw in out:  # two types of configuration, so that the type breakdown has a chart (one type has none)
        if raw["spacecraft_config"]["name"] == "Space Shuttle":
            raw["spacecraft_config"]["type"] = {"id": 4, "name": "Spaceplane"}
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("charts")
    build_site(root / "out", root / "cache", records=records())
    return root / "out"


def test_every_chart_of_the_site_is_accessible_and_self_contained(site):
    found = {path: charts(site / path) for path in html_pages(site)}
    drawn = {path: svgs for path, svgs in found.items() if svgs}
    assert "stats.html" in drawn and len(drawn["stats.html"]) == 6  # years, histogram, four breakdowns
    assert "configurations/space-shuttle.html" in drawn and "spacecraft/space-shuttle-endeavour.html" in drawn
    for path, svgs in drawn.items():
        for svg in svgs:
            assert svg_problems(svg) == [], path


@pytest.mark.parametrize("canary, problem", [
    ('<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title><desc>d</desc><script>alert(1)</script></svg>',
     "a <script>"),
    ('<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title><desc>d</desc>'
     '<rect class="mark s0" width="3" height="3"/></svg>', "a mark without a <title>"),
    ('<svg xmlns="http://www.w3.org/2000/svg" role="img"><desc>d</desc></svg>', "no <title> and <desc> first"),
    ('<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>t</title><desc>d</desc>'
     '<rect fill="url(https://cdn.example/p.svg#x)"/></svg>', "an external reference"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><title>t</title><desc>d</desc></svg>', "the root is not"),
    ('<svg xmlns="http://www.w3.org/2000/svg" role="img"><title>Soyuz <b></title></svg>', "not well-formed"),
])
def test_the_chart_check_fails_on_a_canary(canary, problem):
    assert any(p.startswith(problem) for p in svg_problems(canary)), svg_problems(canary)


def test_each_configuration_timeline_has_a_mark_per_flight_of_each_spacecraft(site):
    raw = records()
    for path in html_pages(site):
        if not path.startswith("configurations/") or path.endswith("index.html"):
            continue
        page = parse(site / path)
        fleet = [r for r in raw if r["spacecraft_config"]["name"] == page.h1]
        flown = [(r, f) for r in fleet for f in r.get("flights") or []]
        svgs = charts(site / path)
        if not flown:
            assert svgs == [], path  # normal-mode spacecraft only: no timeline
            continue
        [svg] = svgs
        bars = marks(svg, "flight", "ongoing", "point")
        assert len(bars) == len(flown), path
        titles = [b.find(SVG + "title").text for b in bars]
        for r, f in flown:
            assert sum(1 for t in titles if t.startswith(f"{r['name']}: {f['launch']['name']}")) == 1, (path, f["id"])
        rows = [t.find(SVG + "title").text.rsplit(": ", 1)[0] for t in ET.fromstring(svg).iter(SVG + "text")
                if t.get("class") == "label"]
        firsts = sorted((min(f["launch"]["net"] for f in r["flights"]), r["name"]) for r in fleet if r.get("flights"))
        assert rows == [name for _, name in firsts], path  # one row per spacecraft, by first flight


def test_a_flight_still_in_space_runs_to_the_data_date_marked_ongoing(site):
    [svg] = charts(site / "configurations/crew-dragon-2.html")
    [ongoing] = marks(svg, "ongoing")
    assert ongoing.find(SVG + "title").text.endswith("launched 2026-03-14, still in space on 2026-11-20")
    [done] = marks(svg, "flight")
    assert "Demo-2 (2020-033A); on Falcon 9 Block 5; from Launch Complex 39A" in done.find(SVG + "title").text


def test_a_spacecraft_timeline_labels_the_turnaround_gaps(site):
    [svg] = charts(site / "spacecraft/space-shuttle-atlantis.html")
    [gap] = marks(svg, "gap")  # two flights: one gap, the API's turnaround (50 d 9 h)
    assert gap.find(SVG + "title").text.startswith("turnaround 50 d: ")
    labels = [t.text for t in ET.fromstring(svg).iter(SVG + "text") if t.get("class") == "gap-label"]
    assert labels == ["turnaround 50 d"]
    [svg] = charts(site / "spacecraft/space-shuttle-endeavour.html")
    labels = [t.text for t in ET.fromstring(svg).iter(SVG + "text") if t.get("class") == "gap-label"]
    assert labels == ["gap 4 mo (computed)", "gap 3.3 y (computed)", "gap 2.0 y (computed)"]  # no turnaround given


def test_a_spacecraft_without_flights_has_no_chart(site):
    assert charts(site / "spacecraft/soyuz-1.html") == []


def test_a_large_fleet_draws_at_most_the_eight_with_most_flights():
    raw = [spacecraft(i, f"Craft {i}", flights=[flight(i * 10 + k, net=f"{1980 + i % 40}-0{1 + k}-01T00:00:00Z", end=None)
                                                 for k in range(1 + i % 3)]) for i in range(1, 251)]
    catalog = build_catalog(normalize_all(raw), FetchMeta(None, None, "2026-11-20T00:00:00Z", len(raw)))
    [group] = catalog.configurations
    view = timelines.fleet(group, "2026-11-20")
    assert len(view.rows) == timelines.MAX_ROWS
    # the ones with most flights (83 with three), ties by name: Craft 2, 5... 23 (24 flights, under MAX_FLIGHTS)
    expected = {f"Craft {i}" for i in range(2, 251, 3)}
    expected = set(sorted(expected, key=lambda name: int(name.split()[1]))[:timelines.MAX_ROWS])
    assert {row.label for row in view.rows} == expected
    assert view.note is not None and "8 spacecraft with the most flights of the 250" in view.note
