"""The crew exports (issue 26): crew.csv, dockings.csv, astronauts.csv and stations.csv in the data package
(frictionless checks their keys, with a dangling-key canary), and data/spacecraft-catalog.sqlite queried
with sqlite3 (joins, foreign keys, integrity, the same bytes twice), the data page listing them all."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from base import (
    astronaut,
    build_site,
    config,
    crewed_flight,
    docking_event,
    flight,
    parse,
    spacecraft,
    station,
    write_endpoint,
)

BASE = "https://someone.github.io/spacecraft-catalog/"
SQLITE = "data/spacecraft-catalog.sqlite"


def records() -> list[dict]:
    """Spacecraft 8 (normal mode: it lists no flights) and 9 (detailed: it lists flight 7)."""
    return [spacecraft(8, "Soyuz MS-11", image=None),
            spacecraft(9, "Soyuz MS-12", cfg=config(38, "Soyuz MS", detailed=True), image=None,
                       flights=[flight(7, name="Soyuz-FG | Soyuz MS-12")])]


def flights() -> list[dict]:
    """Flight 6 (spacecraft 8): a crew of two at launch, one at landing, two dockings (one still docked);
    flight 7 (spacecraft 9): crew unknown, docked at a station the stations endpoint does not send;
    flight 11: of a spacecraft outside the catalog."""
    kononenko = astronaut(168, "Oleg Kononenko", role="Commander", priority=0)
    hostile = astronaut(169, "=HYPERLINK(\"https://evil.example/\")", role="Flight Engineer", priority=2, seat=2)
    return [
        crewed_flight(6, 8, launch=[hostile, kononenko], onboard=[], landing=[astronaut(168, "Oleg Kononenko")],
                      docking=[docking_event(30), docking_event(31, "2019-06-25T01:00:00Z", None, port="Forward",
                                                                port_id=9)]),
        crewed_flight(7, 9, launch=None, docking=[docking_event(32, "2019-03-15T01:01:00Z", "2019-04-01T00:00:00Z",
                                                                port="Forward", port_id=11, station=5)]),
        crewed_flight(11, 99, launch=[astronaut(500, "Outsider")]),
    ]


def stations() -> list[dict]:
    return [station(4, ports=[(3, "Poisk zenith"), (9, "Forward")]), station(6, "Tiangong", ports=[(20, "Forward")])]


def build(root: Path, **options) -> Path:
    write_endpoint(root / "cache", "flights", flights())
    write_endpoint(root / "cache", "stations", stations())
    build_site(root / "out", root / "cache", records=records(), **options)
    return root / "out"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("crew-exports"))


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("crew-exports-published"), base_url=BASE)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


# --- CSV ------------------------------------------------------------------------------------------

def test_crew_csv_has_a_row_per_seat_by_flight_phase_and_role_priority(site):
    rows = read_csv(site / "data/crew.csv")
    assert [(r["flight_id"], r["spacecraft_id"], r["astronaut_id"], r["phase"], r["role"]) for r in rows] == [
        ("6", "8", "168", "launch", "Commander"), ("6", "8", "169", "launch", "Flight Engineer"),
        ("6", "8", "168", "landing", "Commander")]
    assert rows[0]["astronaut"] == "Oleg Kononenko" and rows[1]["role_priority"] == "2"
    assert rows[1]["astronaut"].startswith("'=HYPERLINK")  # the spreadsheet rule holds in the new files too


def test_flights_csv_gains_the_flights_endpoint_flights_and_says_whether_crew_is_known(site):
    rows = {(r["id"], r["spacecraft_id"]): r for r in read_csv(site / "data/flights.csv")}
    assert sorted(rows) == [("6", "8"), ("7", "9")]  # 6 is listed by no spacecraft record; 11 is outside
    assert rows[("6", "8")]["crewed"] == "true"
    assert rows[("7", "9")]["crewed"] == ""  # crew unknown: never "false" (uncrewed)


def test_dockings_csv_gives_each_event_with_its_time_docked_and_still_docked_ones_open(site):
    rows = {r["id"]: r for r in read_csv(site / "data/dockings.csv")}
    assert sorted(rows) == ["30", "31", "32"]
    done, open_, elsewhere = rows["30"], rows["31"], rows["32"]
    assert (done["flight_id"], done["spacecraft_id"], done["station_id"], done["port"]) == ("6", "8", "4", "Poisk zenith")
    assert (done["docking"], done["departure"]) == ("2018-12-03T17:33:00Z", "2019-06-24T23:25:30Z")
    assert done["time_docked_seconds"] == str(203 * 86400 + 5 * 3600 + 52 * 60 + 30) and done["still_docked"] == "false"
    assert (open_["departure"], open_["time_docked"], open_["still_docked"]) == ("", "", "true")
    assert (elsewhere["station_id"], elsewhere["port"]) == ("5", "Forward")


def test_stations_and_astronauts_csv_list_each_once(site):
    stations_ = {r["id"]: r for r in read_csv(site / "data/stations.csv")}
    assert sorted(stations_) == ["4", "5", "6"]
    assert (stations_["4"]["name"], stations_["4"]["dockings"], stations_["4"]["docked_now"]) == (
        "International Space Station", "2", "1")
    assert stations_["4"]["ports"] == "Poisk zenith; Forward" and stations_["4"]["page_url"].startswith("stations/")
    # Station 5: named by a docking event only (the stations endpoint does not send it): no page of its own
    assert (stations_["5"]["name"], stations_["5"]["listed"], stations_["5"]["page_url"]) == ("Station 5", "false", "")
    assert (stations_["6"]["dockings"], stations_["6"]["listed"]) == ("0", "true")
    people = {r["id"]: r for r in read_csv(site / "data/astronauts.csv")}
    assert sorted(people) == ["168", "169"]  # 500 flew a spacecraft outside the catalog
    assert (people["168"]["name"], people["168"]["flights"], people["168"]["nationality"]) == (
        "Oleg Kononenko", "1", "Russian")
    assert people["168"]["page_url"].startswith("astronauts/") and people["168"]["born"] == "1964-06-21"


# --- datapackage.json -----------------------------------------------------------------------------

def validate(folder: Path):
    from frictionless import validate as frictionless_validate

    return frictionless_validate(str(folder / "datapackage.json"))


def errors(report) -> list[str]:
    return [f"{e[0]} {e[1]} {e[2]}: {e[3]}" for e in report.flatten(["taskName", "rowNumber", "type", "note"])]


def test_datapackage_describes_the_crew_tables_with_their_keys_and_validates(site):
    report = validate(site)
    assert report.valid, errors(report)
    tables = {r["name"]: r for r in json.loads((site / "datapackage.json").read_text())["resources"]}
    keys = {name: {(json.dumps(k["fields"]), k["reference"]["resource"]) for k in tables[name]["schema"]["foreignKeys"]}
            for name in ("crew", "dockings", "astronauts", "stations")}
    assert keys["crew"] == {('["flight_id", "spacecraft_id"]', "flights"), ('"spacecraft_id"', "spacecraft"),
                            ('"astronaut_id"', "astronauts")}
    assert keys["dockings"] == {('["flight_id", "spacecraft_id"]', "flights"), ('"spacecraft_id"', "spacecraft"),
                                ('"station_id"', "stations")}
    assert tables["crew"]["schema"]["primaryKey"] == ["flight_id", "astronaut_id", "phase"]
    assert tables["dockings"]["path"] == "data/dockings.csv" and tables["stations"]["schema"]["primaryKey"] == ["id"]


@pytest.mark.parametrize("path, before, after", [
    ("data/crew.csv", b"\r\n6,8,168,launch", b"\r\n6,8,777,launch"),  # a person not in astronauts.csv
    ("data/dockings.csv", b"\r\n32,7,9,", b"\r\n32,7,8,"),  # flight 7 is not spacecraft 8's
])
def test_frictionless_fails_a_dangling_crew_or_docking_key(site, tmp_path, path, before, after):
    folder = tmp_path / "copy"
    shutil.copytree(site, folder, ignore=shutil.ignore_patterns("*.html", "img", "static"))
    data = (folder / path).read_bytes()
    assert before in data
    data = data.replace(before, after)
    (folder / path).write_bytes(data)
    package = json.loads((folder / "datapackage.json").read_text())
    for resource in package["resources"]:
        if resource["path"] == path:
            resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(package))
    report = validate(folder)
    assert not report.valid
    assert "foreign-key" in [e.split(": ")[0].split()[-1] for e in errors(report)]


# --- SQLite ---------------------------------------------------------------------------------------

def query(folder: Path, sql: str, *args) -> list[tuple]:
    db = sqlite3.connect(f"file:{folder / SQLITE}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def test_sqlite_answers_who_flew_on_a_spacecraft_joined_across_tables(site):
    rows = query(site, """
        SELECT DISTINCT astronauts.name, crew.role FROM crew
        JOIN astronauts ON astronauts.id = crew.astronaut_id
        JOIN spacecraft ON spacecraft.id = crew.spacecraft_id
        WHERE spacecraft.name = ? AND crew.phase = 'launch' ORDER BY crew.role_priority""", "Soyuz MS-11")
    assert rows == [("Oleg Kononenko", "Commander"), ('=HYPERLINK("https://evil.example/")', "Flight Engineer")]
    docked = query(site, """
        SELECT stations.name, COUNT(*), SUM(dockings.still_docked) FROM dockings
        JOIN stations ON stations.id = dockings.station_id GROUP BY stations.id ORDER BY stations.id""")
    assert docked == [("International Space Station", 2, 1), ("Station 5", 1, 0)]
    assert query(site, "SELECT COUNT(*) FROM spacecraft")[0][0] == 2
    assert query(site, "SELECT typeof(in_space), typeof(flights_count) FROM spacecraft LIMIT 1") == [
        ("integer", "integer")]


def test_sqlite_declares_foreign_keys_and_indexes_and_checks_clean(site, tmp_path):
    assert query(site, "PRAGMA integrity_check") == [("ok",)]
    assert query(site, "PRAGMA foreign_key_check") == []
    refs = {(row[2], row[3]) for row in query(site, "PRAGMA foreign_key_list(crew)")}
    assert refs == {("flights", "flight_id"), ("flights", "spacecraft_id"), ("spacecraft", "spacecraft_id"),
                    ("astronauts", "astronaut_id")}
    indexed = {row[0] for row in query(site, "SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    assert {"crew", "dockings", "flights", "spacecraft"} <= indexed
    # Canary: a dangling key in a copy is what foreign_key_check reports
    (tmp_path / "data").mkdir()
    shutil.copy(site / SQLITE, tmp_path / SQLITE)
    db = sqlite3.connect(tmp_path / SQLITE)
    db.execute("UPDATE crew SET astronaut_id = 777 WHERE astronaut_id = 169")
    db.commit()
    db.close()
    assert [row[0] for row in query(tmp_path, "PRAGMA foreign_key_check")] == ["crew"]


def test_sqlite_is_the_same_bytes_from_the_same_input(site, tmp_path):
    again = build(tmp_path)
    assert (again / SQLITE).read_bytes() == (site / SQLITE).read_bytes()
    assert (again / "data/crew.csv").read_bytes() == (site / "data/crew.csv").read_bytes()


# --- The data page --------------------------------------------------------------------------------

def test_data_page_lists_the_new_files_with_their_size_and_sha256(site):
    page = parse(site / "data.html")
    listed = {row.one("a")["href"]: row.text for row in page.one("table", class_="files-table").find_all("tr")[1:]}
    for path in ("data/crew.csv", "data/dockings.csv", "data/astronauts.csv", "data/stations.csv", SQLITE):
        data = (site / path).read_bytes()
        assert f"{len(data):,} bytes" in listed[path] and hashlib.sha256(data).hexdigest() in listed[path], path
    assert "Explore with SQL" not in page.text  # from file:// Datasette Lite could not load the file


def test_data_page_links_datasette_lite_on_the_published_file(published):
    page = parse(published / "data.html")
    [link] = [a for a in page.find_all("a") if a.text.strip() == "Explore with SQL"]
    assert link["href"] == "https://lite.datasette.io/?url=" + quote(BASE + SQLITE, safe="")
