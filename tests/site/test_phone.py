"""Pages that fit a phone, measured in Chromium at 390 px (dark): the navigation is one row until its
Menu is opened, nothing of the navigation, a chart or a table runs past the screen's edge unless it is
inside a region that scrolls and says so, chart labels stay inside their chart, and the statistics page
leaves out charts and record cards with nothing to show, saying why in one line."""
from __future__ import annotations

import copy

import pytest
from base import AGENCIES, build_site, config, detailed_only, fleet, parse

PHONE = {"width": 390, "height": 844}
PAGES = ("stats.html", "configurations/space-shuttle.html", "agencies/north-american-aviation.html", "index.html",
         "search.html")

# Every element of the header, a chart or a table whose box runs past the viewport, unless an ancestor
# scrolls sideways (overflow-x auto or scroll) and shows a cue (its ::before has content), itself on screen.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  const cued = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === "auto" || style.overflowX === "scroll") {
        const cue = getComputedStyle(a, "::before");
        const box = a.getBoundingClientRect();
        return cue.content !== "none" && cue.content !== "normal" && cue.display !== "none"
               && box.left >= -0.5 && box.right <= width + 0.5;
      }
    }
    return false;
  };
  for (const el of document.querySelectorAll(".site-header *, svg.chart, svg.chart *, table, table *")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if ((box.left < -0.5 || box.right > width + 0.5) && !cued(el)) out.push(el.tagName + "." + el.getAttribute("class"));
  }
  return out;
}"""

# Chart texts whose drawn box leaves their chart's viewBox: a label cut at the edge ("Iorthrop Grumman").
CUT_LABELS = """() => [...document.querySelectorAll("svg.chart")].flatMap(svg => {
  const view = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].filter(t => {
    const b = t.getBBox();
    return b.width && (b.x < view.x - 0.5 || b.x + b.width > view.x + view.width + 0.5);
  }).map(t => t.textContent);
})"""


def long_named() -> list[dict]:
    """Records whose agency and configuration names are longer than a chart's label column."""
    agency = copy.deepcopy(AGENCIES[999])
    agency.update(id=998, name="Northrop Grumman Innovation Systems Incorporated", abbrev="NGIS")
    records = []
    for i in range(60, 64):
        cfg = config(30, "Cygnus Enhanced Extended Pressurized Cargo Module", agency=999)
        cfg["agency"], cfg["type"] = agency, {"id": 3, "name": "Cargo"}
        records.append(fleet(1)[0] | {"id": i, "name": f"Cygnus NG-{i}", "url": f"https://ll.example/spacecraft/{i}/",
                                      "spacecraft_config": cfg})
    return records


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("phone")
    build_site(root / "out", root / "cache", records=detailed_only() + fleet(12) + long_named())
    return root / "out"


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, color_scheme="dark")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_nothing_runs_past_a_phone_screen_unless_it_scrolls_with_a_cue(site, phone, path):
    phone.goto((site / path).as_uri())
    assert phone.evaluate(OVERFLOWING) == []
    phone.click(".menu summary")  # opened, the sections fit too
    assert phone.is_visible(".site-header nav")
    assert phone.evaluate(OVERFLOWING) == []


def test_the_overflow_check_catches_a_chart_scrolling_without_a_cue(site, phone):
    """Canary: the chart of a configuration's timeline is wider than a phone; without its cue it is reported."""
    phone.goto((site / "configurations/space-shuttle.html").as_uri())
    phone.add_style_tag(content=".chart-scroll::before { content: none; }")
    assert "svg.chart chart-timeline" in phone.evaluate(OVERFLOWING)


def test_the_navigation_is_one_row_on_a_phone_until_its_menu_opens(site, phone):
    phone.goto((site / "stats.html").as_uri())
    header = phone.locator(".site-header")
    brand = phone.locator(".brand").bounding_box()
    assert not phone.is_visible(".site-header nav")
    assert header.bounding_box()["height"] < 2.2 * brand["height"] + 30  # one row: the brand and the Menu button
    summary = phone.locator(".menu summary")
    assert summary.get_attribute("aria-expanded") is None  # Chromium gives a <summary> its expanded state itself
    summary.focus()
    phone.keyboard.press("Enter")  # by keyboard
    assert phone.is_visible(".site-header nav a[href$='stats.html'][aria-current='page']")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('nav') !== null")
    phone.keyboard.press("Shift+Tab")
    phone.keyboard.press("Enter")
    assert not phone.is_visible(".site-header nav")


def test_the_navigation_is_a_row_of_links_on_a_wide_screen(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto((site / "stats.html").as_uri())
    assert not page.is_visible(".menu")
    tops = {round(box["y"]) for box in (a.bounding_box() for a in page.locator(".nav a").all())}
    context.close()
    assert len(tops) == 1


@pytest.mark.parametrize("path", ["stats.html", "configurations/space-shuttle.html"])
def test_chart_labels_stay_inside_their_chart(site, phone, path):
    phone.goto((site / path).as_uri())
    assert phone.locator("svg.chart text").count() > 10
    assert phone.evaluate(CUT_LABELS) == []


def test_the_label_check_catches_a_label_running_past_the_left_edge(site, phone):
    """Canary: the name the old 34-character cut left, too long for the 230 px column, is reported."""
    phone.goto((site / "stats.html").as_uri())
    phone.evaluate("""() => { document.querySelector("#by-agency ~ .chart-scroll svg text.label").textContent =
                              "Northrop Grumman Innovation Syste…"; }""")
    assert phone.evaluate(CUT_LABELS) == ["Northrop Grumman Innovation Syste…"]


# --- Charts and records with nothing to show --------------------------------------------------------

@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    """Normal-mode records with no time in space, no time docked, no mission ends and a single type."""
    root = tmp_path_factory.mktemp("bare")
    records = fleet(9)
    for r in records:
        r.update(time_in_space=None, time_docked=None, mission_ends_count=None, fastest_turnaround=None)
        r["spacecraft_config"]["type"] = {"id": 2, "name": "Capsule"}
    build_site(root / "out", root / "cache", records=records)
    return parse(root / "out" / "stats.html")


def section_of(page, heading_id: str):
    return next(s for s in page.find_all("section") if s.get("aria-labelledby") == heading_id)


def test_stats_leave_out_empty_charts_saying_why(bare):
    histogram = section_of(bare, "time-in-space")
    assert histogram.find_all("svg") == []
    assert histogram.one("p").text == "None of the 9 spacecraft in this data has a time in space given, so there is no chart."
    by_type = section_of(bare, "by-type")
    assert by_type.find_all("svg") == []
    assert by_type.one("p").text == "All 9 spacecraft have one type, Capsule, so there is no chart."
    per_year = section_of(bare, "per-year")
    assert per_year.find_all("svg") == []
    assert per_year.one("p").text.startswith("This data lists no flights, so there is no chart")
    assert len(section_of(bare, "by-agency").find_all("svg")) == 1  # three agencies: a chart


def test_stats_leave_out_empty_record_cards_in_one_line(bare):
    records = section_of(bare, "records")
    assert [h.text for h in records.find_all("h3")] == ["Most flights"]
    assert "No spacecraft in this data has one" not in bare.text
    assert records.one("p", class_="left-out").text == ("Left out, as no spacecraft in this data has the figure: "
                                                        "most time in space, most time docked, most mission ends "
                                                        "and fastest turnaround.")


def test_stats_draw_the_charts_when_the_data_has_them(site):
    """Canary: the same checks see the charts and cards of data that has them."""
    page = parse(site / "stats.html")
    for heading in ("time-in-space", "by-type", "per-year", "by-agency"):
        assert len(section_of(page, heading).find_all("svg")) == 1, heading
    assert len(section_of(page, "records").find_all("h3")) == 5
    assert section_of(page, "records").find_all("p", class_="left-out") == []
