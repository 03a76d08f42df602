"""The statistics page and the launch details: records checked against figures computed here from the
fixture records, the flights table's launch details, derived figures marked, flights.csv's new columns."""
from __future__ import annotations

import csv
import logging
import re
from datetime import date

import base as rec
import pytest
from base import build_site, flown_fleet, parse

from catalog.data.models import format_seconds
from catalog.data.normalize import duration


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("stats")
    records = flown_fleet()
    handler = _Collect()
    logging.getLogger("catalog").addHandler(handler)
    try:
        build_site(root / "out", root / "cache", records=records)
    finally:
        logging.getLogger("catalog").removeHandler(handler)
    return root / "out", records, handler.messages


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def record_table(page, key: str) -> list[tuple[str, str]]:
    """(spacecraft, figure) of each row of a record table, in order."""
    section = page.one("section", aria_labelledby=f"record-{key}")
    return [(row.one("th").one("a").text, row.find_all("td")[-1].text) for row in section.one("tbody").find_all("tr")]


def natural(name: str) -> tuple[str, ...]:
    return tuple(re.sub(r"\d+", lambda m: m.group().zfill(12), name.casefold()))


def expected_top(records, value, *, reverse=True):
    """The top ten computed here: by the figure, ties by name (natural order) then id."""
    rows = [(value(r), r) for r in records if value(r)]
    rows.sort(key=lambda pair: ((-pair[0] if reverse else pair[0]), natural(pair[1]["name"]), pair[1]["id"]))
    return [r["name"] for _, r in rows[:10]]


def seconds(text: str | None) -> int:
    parsed = duration(text)
    return parsed.seconds if parsed else 0


def test_the_statistics_page_is_in_the_navigation_and_linked_from_home(built):
    out, _, _ = built
    home = parse(out / "index.html")
    main = home.one("main")
    assert "stats.html" in [a["href"] for a in main.find_all("a")]  # in the page itself, not only the navigation
    assert "stats.html" in [a["href"] for a in home.one("header", class_="site-header").find_all("a")]
    assert parse(out / "stats.html").h1 == "Statistics"
    assert ("a.href", "../stats.html") in parse(out / "spacecraft/soyuz-1.html").links


def test_records_are_the_top_ten_computed_from_the_fixtures(built):
    out, records, _ = built
    page = parse(out / "stats.html")

    def flights(r):
        return r["flights_count"] if r["flights_count"] is not None else len(r.get("flights") or [])

    assert [name for name, _ in record_table(page, "flights")] == expected_top(records, flights)
    assert [name for name, _ in record_table(page, "time_in_space")] == expected_top(
        records, lambda r: seconds(r["time_in_space"]))
    assert [name for name, _ in record_table(page, "time_docked")] == expected_top(
        records, lambda r: seconds(r["time_docked"]))
    assert [name for name, _ in record_table(page, "mission_ends")] == expected_top(
        records, lambda r: r["mission_ends_count"])
    assert [name for name, _ in record_table(page, "fastest_turnaround")] == expected_top(
        records, lambda r: seconds(r["fastest_turnaround"]), reverse=False)
    # flights_count is null for Endeavour: the flights it lists are counted, and said to be
    assert ("Space Shuttle Endeavour", "4 (listed)") in record_table(page, "flights")
    assert record_table(page, "fastest_turnaround")[0] == ("Space Shuttle Discovery", "47 d 17 h")


def test_flights_per_year_and_counts_match_the_fixtures(built):
    out, records, _ = built
    page = parse(out / "stats.html")
    table = page.one("section", aria_labelledby="per-year").one("table")
    totals = {row.one("th").text: int(row.find_all("td")[-1].text) for row in table.one("tbody").find_all("tr")}
    expected: dict[str, int] = {}
    for r in records:
        for f in r.get("flights") or []:
            year = f["launch"]["net"][:4]
            expected[year] = expected.get(year, 0) + 1
    assert {y: n for y, n in totals.items() if n} == expected
    assert list(totals) == [str(y) for y in range(1984, 2027)]  # every year, empty ones too
    by_status = page.one("section", aria_labelledby="by-status").one("tbody")
    rows = [(row.one("th").text, int(row.one("td").text)) for row in by_status.find_all("tr")]
    counted: dict[str, int] = {}
    for r in records:
        counted[r["status"]["name"]] = counted.get(r["status"]["name"], 0) + 1
    assert rows == sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))


def test_the_histogram_counts_each_spacecraft_in_its_range(built):
    out, records, _ = built
    table = parse(out / "stats.html").one("section", aria_labelledby="time-in-space").one("tbody")
    counts = {row.one("th").text: int(row.one("td").text) for row in table.find_all("tr")}
    days = [seconds(r["time_in_space"]) / 86400 for r in records]
    assert counts["1–4 weeks"] == sum(1 for d in days if 7 <= d < 30)
    assert counts["6–12 months"] == sum(1 for d in days if 182 <= d < 365)
    assert sum(counts.values()) == len(records)


def test_in_space_now_lists_the_spacecraft_in_space(built):
    out, records, _ = built
    section = parse(out / "stats.html").one("section", aria_labelledby="in-space-now")
    assert [a.text for a in section.one("tbody").find_all("a")] == [r["name"] for r in records if r["in_space"]]


def flights_table(page) -> tuple[list[str], dict[str, list[str]]]:
    """The flights table's header, and its rows by the launch designator (each the mission cell, then the rest)."""
    table = page.one("table", class_="flights-table")
    header = [th.text for th in table.one("thead").find_all("th")]
    rows = {}
    for tr in table.one("tbody").find_all("tr"):
        mission = tr.one("th")
        detail = mission.find_all("span", class_="muted")
        key = detail[0].text.split(" · ")[0] if detail else mission.text
        rows[key] = [mission.text] + [td.text for td in tr.find_all("td")]
    return header, rows


def test_the_flights_table_shows_the_launch_details(built):
    out, _, _ = built
    header, rows = flights_table(parse(out / "spacecraft/dragon-c206-endeavour.html"))
    assert header == ["Mission", "Launch", "Duration", "Mission end", "Destination", "Turnaround"]
    first = dict(zip(header, rows["2020-033A"], strict=True))
    # the mission's name (not "Vehicle | Mission"), the launch details on a second line, no "Launch Successful"
    assert first["Mission"] == "Demo-2 2020-033A · Falcon 9 Block 5 · Launch Complex 39A, Kennedy Space Center, FL, USA"
    assert (first["Launch"], first["Duration"], first["Mission end"]) == ("2020-05-30", "63 d 23 h 25 min", "2020-08-02")
    assert first["Turnaround"] == ""  # the first flight has none
    # the last flight is under way: in space now, its turnaround the gap from the previous flight's end
    last = dict(zip(header, rows["Crew-10"], strict=True))
    assert last["Mission end"] == "in space now"
    assert last["Turnaround"] == format_seconds((date(2026, 3, 14) - date(2020, 8, 2)).days * 86400) + "*"


def test_a_failed_launch_says_so_and_a_success_says_nothing(tmp_path):
    failed = rec.flight(5, name="Soyuz-U | Soyuz T-10-1", net="1983-09-26T19:37:49Z", end="1983-09-26T19:43:02Z",
                        duration="PT5M13S", **rec.launch_details("1983-F01", mission="Soyuz T-10-1",
                                                                  status="Launch Failure"))
    fine = rec.flight(6, **rec.launch_details())
    build_site(tmp_path / "out", tmp_path / "cache", records=[rec.spacecraft(1, "Soyuz T-10", flights=[failed, fine])])
    _, rows = flights_table(parse(tmp_path / "out/spacecraft/soyuz-t-10.html"))
    assert rows["1983-F01"][0].startswith("Soyuz T-10-1 Launch Failure ")
    assert "Launch Successful" not in rows["1978-057A"][0]


def test_derived_figures_are_marked_and_a_contradiction_is_shown_as_given_and_warned_once(built):
    out, _, warnings = built
    page = parse(out / "spacecraft/space-shuttle-endeavour.html")
    _, rows = flights_table(page)
    # no duration from the API: the span from launch to mission end, marked computed (a star, the word once)
    assert rows["1992-090A"][2] == "8 d 21 h 17 min*"
    table = page.one("table", class_="flights-table")
    assert "computed" not in table.text.casefold()
    assert "* Computed: a duration from the launch to the mission end" in page.one("p", class_="flights-note").text
    assert "off by hours" in page.one("p", class_="flights-note").text
    # STS-72: the mission end before the launch is shown as given, with no (negative) duration
    assert rows["1996-119A"][2] == "—"
    assert rows["1996-119A"][3] == "1966-01-20 (before the launch, as the API gives it)"
    assert "−" not in page.text
    assert [w for w in warnings if "before its launch" in w] == [
        "spacecraft 40 (Space Shuttle Endeavour): flight 119 (Space Shuttle | STS-72) ends 1966-01-20, before its "
        "launch on 1996-01-11; shown as the API gives it, with no duration computed"]
    facts = {d.one("dt").text: d.one("dd").text for d in page.one("dl", class_="facts").find_all("div")}
    assert facts["Flights"] == "4 (listed)"


def test_flights_csv_has_the_launch_details_and_the_derived_figures(built):
    out, _, _ = built
    with (out / "data/flights.csv").open(newline="", encoding="utf-8") as fh:
        rows = {row["id"]: row for row in csv.DictReader(fh)}
    demo = rows["300"]
    assert (demo["launch_designator"], demo["rocket"], demo["pad"], demo["pad_location"]) == (
        "2020-033A", "Falcon 9 Block 5", "Launch Complex 39A", "Kennedy Space Center, FL, USA")
    assert (demo["mission"], demo["mission_type"], demo["orbit"], demo["launch_status"]) == (
        "Demo-2", "Human Exploration", "Low Earth Orbit", "Launch Successful")
    assert (demo["computed_span"], demo["mission_end_before_launch"]) == ("", "false")
    assert rows["90"]["computed_span_seconds"] == str(8 * 86400 + 21 * 3600 + 17 * 60)
    assert (rows["119"]["computed_span"], rows["119"]["mission_end_before_launch"]) == ("", "true")


def test_the_same_data_gives_the_same_statistics_bytes(built, tmp_path):
    out, records, _ = built
    build_site(tmp_path / "out", tmp_path / "cache", records=records)
    for path in ("stats.html", "configurations/space-shuttle.html", "spacecraft/space-shuttle-endeavour.html"):
        assert (tmp_path / "out" / path).read_bytes() == (out / path).read_bytes()
