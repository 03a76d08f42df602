"""The open exports (issue 14): every CSV and JSON file parsed and checked against the fixture records,
datapackage.json validated by frictionless (with canaries that prove it can fail), the data page's
sizes and digests checked against the files, and a spacecraft's JSON opened in Chromium through its
page's alternate link."""
from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from base import build_site, config, flight, image, parse, serving, spacecraft

BASE = "https://someone.github.io/spacecraft-catalog/"
FORMULA = '=HYPERLINK("https://evil.example/","Click me")'  # what a spreadsheet would run as a formula
FORMULAS = {60: FORMULA, 61: "+1-555-0100", 62: "-2+3", 63: "@SUM(A1:A9)"}


def records() -> list[dict]:
    """Spacecraft of four configurations, three agencies and three statuses; detailed records with
    flights; spreadsheet formulas in names and serial numbers; a Cyrillic name; a negative count."""
    soyuz = config(1, "Soyuz", img=image(11, license_name="Public Domain",
                                         license_link="https://creativecommons.org/publicdomain/mark/1.0/",
                                         credit="NASA"))
    dragon = config(6, "Crew Dragon 2", agency=121, img=image(12, url="https://img.example/dragon.jpg"))
    apollo = config(10, "Apollo Command/Service Module", agency=999, img=None)
    apollo["image"] = None
    ms = config(38, "Soyuz MS", detailed=True, img=image(13, url="https://img.example/ms.jpg"))
    active, retired = {"id": 1, "name": "Active"}, {"id": 2, "name": "Retired"}
    out = [
        spacecraft(5, "Craft 5", cfg=copy.deepcopy(dragon), status=active, in_space=True, image=None,
                   fastest_turnaround="P12DT3H"),
        spacecraft(3, "Craft 3", cfg=copy.deepcopy(apollo), status=retired, image=None, time_docked=None),
        spacecraft(1, "Craft 1", cfg=copy.deepcopy(soyuz), image=image(14, url="https://img.example/own.jpg",
                                                                        credit="@roscosmos")),
        spacecraft(2, "Союз МС-25", cfg=copy.deepcopy(ms), in_space=True, image=None, status=active,
                   flights=[flight(8, name="Soyuz-2.1a | Soyuz MS-25"), flight(7, name="Soyuz-FG | Soyuz MS-08")]),
        spacecraft(4, "Craft 4", cfg=copy.deepcopy(ms), image=None, flights=[]),
    ]
    out[3]["flights"][0]["launch"]["id"] = "aaaaaaaa-0000-4000-8000-000000000008"
    for ident, text in FORMULAS.items():
        out.append(spacecraft(ident, text, cfg=copy.deepcopy(soyuz), serial_number=text, image=None,
                              flights_count=-1 if ident == 62 else 2))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exports")
    build_site(root / "out", root / "cache", records=records())
    return root / "out"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("exports-published")
    build_site(root / "out", root / "cache", records=records(), base_url=BASE)
    return root / "out"


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"), newline="")))


def by_id(rows: list[dict[str, str]]) -> dict[int, dict[str, str]]:
    return {int(row["id"]): row for row in rows}


# --- CSV ------------------------------------------------------------------------------------------

def test_spacecraft_csv_has_a_row_per_record_sorted_by_id_with_its_values(site):
    rows = read_csv(site / "data/spacecraft.csv")
    raw = {r["id"]: r for r in records()}
    assert [int(row["id"]) for row in rows] == sorted(raw)
    craft1, craft5, craft3 = (by_id(rows)[i] for i in (1, 5, 3))
    assert craft1["name"] == "Craft 1" and craft1["serial_number"] == "Soyuz 7K-T #1"
    assert (craft1["status_id"], craft1["status"]) == ("4", "Single Use")
    assert (craft1["in_space"], craft5["in_space"], craft1["is_placeholder"]) == ("false", "true", "false")
    assert (craft1["time_in_space"], craft1["time_in_space_seconds"]) == ("P79DT15H23M49S", str(79 * 86400 + 15 * 3600
                                                                                              + 23 * 60 + 49))
    assert (craft1["time_docked"], craft1["time_docked_seconds"]) == ("P78DT10H24M46S", "6776686")
    assert (craft3["time_docked"], craft3["time_docked_seconds"]) == ("", "")  # the API gave none
    assert (craft5["fastest_turnaround"], craft5["fastest_turnaround_seconds"]) == (
        "P12DT3H", str(12 * 86400 + 3 * 3600))
    assert (craft1["configuration_id"], craft1["configuration"], craft1["configuration_type"]) == (
        "1", "Soyuz", "Capsule")
    assert (craft5["agency_id"], craft5["agency"], craft5["agency_abbreviation"]) == ("121", "SpaceX", "SpX")
    # the image the page shows: the spacecraft's own, else its configuration's
    assert (craft1["image_url"], craft1["image_credit"], craft1["image_license"]) == (
        "https://img.example/own.jpg", "'@roscosmos", "Unknown")
    assert craft5["image_url"] == "https://img.example/dragon.jpg"
    assert (craft3["image_url"], craft3["image_license"]) == ("", "")
    assert craft1["page_url"] == "spacecraft/craft-1.html"
    assert by_id(rows)[2]["name"] == "Союз МС-25" and by_id(rows)[2]["page_url"] == \
        "spacecraft/%D1%81%D0%BE%D1%8E%D0%B7-%D0%BC%D1%81-25.html"


def test_csv_files_are_rfc_4180_utf8_with_crlf_line_ends(site):
    for name in ("spacecraft", "flights", "configurations", "agencies"):
        data = (site / "data" / f"{name}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), name  # UTF-8 without a byte order mark
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b""), name
        assert data.split(b"\r\n", 1)[0].startswith(b"id,"), name
    assert "Союз МС-25".encode() in (site / "data/spacecraft.csv").read_bytes()


def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_a_quote_in_csv_only(site):
    rows = by_id(read_csv(site / "data/spacecraft.csv"))
    for ident, text in FORMULAS.items():
        assert rows[ident]["name"] == "'" + text and rows[ident]["serial_number"] == "'" + text
    assert rows[62]["flights_count"] == "-1"  # a number is not a text cell: never changed
    assert not [row for row in rows.values() for value in row.values() if value.startswith(("=", "+", "@"))]
    records_json = {r["id"]: r for r in json.loads((site / "data/spacecraft.json").read_text())}
    assert records_json[60]["name"] == FORMULA and records_json[61]["serial_number"] == "+1-555-0100"
    assert records_json[1]["image"]["credit"] == "@roscosmos"  # the JSON keeps the API's text unchanged
    own = json.loads((site / "spacecraft" / "hyperlink-https-evil-example-click-me.json").read_text())
    assert own["name"] == FORMULA


NEGATIVE = {"time_in_space": "-P1D", "time_docked": "-PT5M", "fastest_turnaround": "-P2DT3H"}


@pytest.fixture(scope="module")
def negative(tmp_path_factory) -> Path:
    """A site whose data has negative durations (the API's, or a flight's turnaround), written as
    XML Schema writes them: "-P1D", which a spreadsheet would read as a formula."""
    root = tmp_path_factory.mktemp("exports-negative")
    craft = spacecraft(70, "Craft 70", cfg=config(38, "Soyuz MS", detailed=True), image=None, **NEGATIVE,
                       flights=[flight(9, duration="-P3D", turnaround="-PT1H")])
    build_site(root / "out", root / "cache", records=[craft, spacecraft(71, "Craft 71", image=None)])
    return root / "out"


def starts_a_formula(value: str) -> bool:
    """What a spreadsheet runs: a cell beginning with = + - @ (or a tab or CR hiding one) that is not a number."""
    if not value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def test_no_csv_cell_starts_a_formula_not_even_a_negative_duration(negative):
    cells = [(path.name, value) for path in sorted((negative / "data").rglob("*.csv"))
             for row in read_csv(path) for value in row.values()]
    assert [cell for cell in cells if starts_a_formula(cell[1])] == []
    assert starts_a_formula("-P1D") and not starts_a_formula("-86400")  # canary: the check can fail
    craft = by_id(read_csv(negative / "data/spacecraft.csv"))[70]
    for field in NEGATIVE:  # the signed value is kept where a spreadsheet reads it as a number
        assert craft[field] == "" and int(craft[f"{field}_seconds"]) < 0, field
    assert craft["time_in_space_seconds"] == "-86400" and craft["fastest_turnaround_seconds"] == str(-(2 * 86400 + 3 * 3600))
    [row] = read_csv(negative / "data/flights.csv")
    assert (row["duration"], row["duration_seconds"], row["turnaround"], row["turnaround_seconds"]) == (
        "", str(-3 * 86400), "", "-3600")
    record = json.loads((negative / "data/spacecraft.json").read_text())[0]
    assert record["time_in_space"] == "-P1D" and record["flights"][0]["turnaround"] == "-PT1H"  # JSON: as given
    report = validate(negative)  # and the package still validates: every duration cell is a duration
    assert report.valid, errors(report)


def test_flights_csv_has_a_row_per_flight_of_detailed_records(site):
    rows = read_csv(site / "data/flights.csv")
    assert [(int(r["id"]), int(r["spacecraft_id"])) for r in rows] == [(7, 2), (8, 2)]
    seven, eight = rows
    assert seven["launch_name"] == "Soyuz-FG | Soyuz MS-08" and eight["launch_name"] == "Soyuz-2.1a | Soyuz MS-25"
    assert eight["launch_id"] == "aaaaaaaa-0000-4000-8000-000000000008"
    assert (eight["launch_date"], eight["mission_end"], eight["destination"]) == (
        "1978-06-15", "1978-11-02", "Salyut 6")
    assert (eight["duration"], eight["duration_seconds"], eight["turnaround"], eight["turnaround_seconds"]) == (
        "P79DT15H23M49S", "6881029", "PT0S", "0")
    assert eight["landing"] == "Landed — Kazakhstan"


def test_configurations_and_agencies_csv_list_each_once_with_counts(site):
    configs = by_id(read_csv(site / "data/configurations.csv"))
    assert sorted(configs) == [1, 6, 10, 38]
    assert (configs[1]["name"], configs[1]["agency_id"], configs[1]["family"], configs[1]["spacecraft"]) == (
        "Soyuz", "63", "Soyuz", str(1 + len(FORMULAS)))
    assert (configs[1]["image_license"], configs[1]["image_license_url"]) == (
        "Public Domain", "https://creativecommons.org/publicdomain/mark/1.0/")
    assert configs[38]["in_use"] == "false" and configs[38]["page_url"] == "configurations/soyuz-ms.html"
    agencies = by_id(read_csv(site / "data/agencies.csv"))
    assert sorted(agencies) == [63, 121, 999]
    assert (agencies[63]["abbreviation"], agencies[63]["configurations"], agencies[63]["spacecraft"]) == (
        "RFSA", "2", str(3 + len(FORMULAS)))
    assert agencies[999]["abbreviation"] == ""  # the API's empty abbreviation


def test_each_group_page_links_a_csv_of_its_own_spacecraft(site):
    expected = {"configurations/soyuz-ms.html": [2, 4], "agencies/spx.html": [5], "statuses/active.html": [2, 5],
                "configurations/apollo-command-service-module.html": [3]}
    for path, ids in expected.items():
        page = parse(site / path)
        [link] = [e["href"] for e in page.find_all("a") if e.get("type") == "text/csv"]
        assert page.rel["alternate"] == [link]
        rows = read_csv((site / path).parent / link)
        assert [int(r["id"]) for r in rows] == ids, path
        assert list(rows[0]) == list(read_csv(site / "data/spacecraft.csv")[0]), path  # spacecraft.csv's columns


def test_page_urls_are_absolute_when_the_site_address_is_known(published):
    rows = by_id(read_csv(published / "data/spacecraft.csv"))
    assert rows[1]["page_url"] == BASE + "spacecraft/craft-1.html"
    record = json.loads((published / "spacecraft/craft-1.json").read_text())
    assert record["page_url"] == BASE + "spacecraft/craft-1.html"


# --- JSON -----------------------------------------------------------------------------------------

def test_spacecraft_json_holds_every_normalized_record_and_each_is_beside_its_page(site):
    data = (site / "data/spacecraft.json").read_bytes()
    everything = json.loads(data)
    assert [r["id"] for r in everything] == sorted(r["id"] for r in records())
    assert data.count(b"\n") == len(everything) + 2  # "[", one record per line, "]"
    for record in everything:
        page = next(p for p in (site / "spacecraft").glob("*.html") if p.name != "index.html"
                    and parse(p).h1 == record["name"])
        assert json.loads(page.with_suffix(".json").read_text()) == record
    ms25 = next(r for r in everything if r["id"] == 2)
    assert ms25["configuration"]["agency"] == {"abbreviation": "RFSA", "id": 63,
                                               "name": "Russian Federal Space Agency (ROSCOSMOS)"}
    assert [f["id"] for f in ms25["flights"]] == [8, 7]  # the record's own order
    assert ms25["flights"][0]["duration_seconds"] == 6881029
    assert ms25["api_url"] == "https://ll.example/2.3.0/spacecraft/2/"
    craft1 = next(r for r in everything if r["id"] == 1)
    assert craft1["flights"] is None  # normal mode: the API sent no flights
    assert craft1["image"]["license"] == {"name": "Unknown", "url": None}
    assert craft1["time_in_space"] == "P79DT15H23M49S" and craft1["time_in_space_seconds"] == 6881029


def test_json_keys_are_sorted(site):
    text = (site / "spacecraft/craft-1.json").read_text()
    assert text == json.dumps(json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


@pytest.fixture(scope="module")
def served(site):
    with serving(site) as url:
        yield url


def test_a_spacecraft_page_announces_its_json_which_the_browser_opens(page, served):
    page.goto(served + "spacecraft/craft-5.html")
    href = page.eval_on_selector('link[rel="alternate"][type="application/json"]', "link => link.href")
    assert href == served + "spacecraft/craft-5.json"
    record = page.evaluate("url => fetch(url).then(r => r.json())", href)
    assert (record["id"], record["name"], record["status"]["name"]) == (5, "Craft 5", "Active")


# --- datapackage.json -----------------------------------------------------------------------------

def validate(folder: Path):
    from frictionless import validate as frictionless_validate

    return frictionless_validate(str(folder / "datapackage.json"))


def errors(report) -> list[str]:
    return [f"{e[0]} {e[1]} {e[2]}: {e[3]}" for e in report.flatten(["taskName", "rowNumber", "type", "note"])]


def test_datapackage_is_valid_and_describes_every_csv(site):
    report = validate(site)
    assert report.valid, errors(report)
    package = json.loads((site / "datapackage.json").read_text())
    tables = {r["name"]: r for r in package["resources"] if r["profile"] == "tabular-data-resource"}
    assert sorted(tables) == ["agencies", "astronauts", "configurations", "crew", "dockings", "flights", "spacecraft",
                              "stations"]  # the crew tables are empty here: no flights or stations data
    for resource in tables.values():  # the schema's columns are the file's header, in order
        header = (site / resource["path"]).read_bytes().decode().split("\r\n", 1)[0].split(",")
        assert [f["name"] for f in resource["schema"]["fields"]] == header
    fields = {f["name"]: f for f in tables["spacecraft"]["schema"]["fields"]}
    assert fields["time_in_space_seconds"]["unit"] == "s" and fields["time_in_space"]["type"] == "duration"
    assert tables["spacecraft"]["schema"]["primaryKey"] == ["id"]
    assert {(k["fields"], k["reference"]["resource"]) for k in tables["spacecraft"]["schema"]["foreignKeys"]} == {
        ("configuration_id", "configurations"), ("agency_id", "agencies")}
    assert tables["flights"]["schema"]["foreignKeys"] == [
        {"fields": "spacecraft_id", "reference": {"resource": "spacecraft", "fields": "id"}}]
    [source] = package["sources"]
    assert source["path"] == "https://ll.example/2.3.0/spacecraft/" and "2026-11-20T06:00:00Z" in source["description"]
    assert package["created"] == "2026-11-20T06:00:00Z"  # the fetch time, never the build's
    assert "The Space Devs" in package["licenses"][0]["title"] and "'" in tables["spacecraft"]["description"]


def test_frictionless_fails_a_wrong_type_a_broken_key_and_a_changed_file(site, tmp_path):
    # Canaries: the same package with one thing wrong each time; the validator must say so.
    def broken(name: str, change) -> list[str]:
        copy_ = tmp_path / name
        shutil.copytree(site, copy_, ignore=shutil.ignore_patterns("*.html", "img", "static"))
        change(copy_)
        report = validate(copy_)
        assert not report.valid, name
        return [e.split(": ")[0].split()[-1] for e in errors(report)]

    def wrong_type(folder: Path) -> None:
        package = json.loads((folder / "datapackage.json").read_text())
        package["resources"][0]["schema"]["fields"][1]["type"] = "integer"  # spacecraft.name as an integer
        (folder / "datapackage.json").write_text(json.dumps(package))

    def dangling_key(folder: Path) -> None:  # a flight of a spacecraft that is not in spacecraft.csv
        path = folder / "data/flights.csv"
        data = path.read_bytes().replace(b"\r\n8,2,", b"\r\n8,999,")
        path.write_bytes(data)
        package = json.loads((folder / "datapackage.json").read_text())
        for resource in package["resources"]:
            if resource["name"] == "flights":
                resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
        (folder / "datapackage.json").write_text(json.dumps(package))

    def changed_file(folder: Path) -> None:
        path = folder / "data/agencies.csv"
        path.write_bytes(path.read_bytes().replace(b"SpaceX", b"SpaceY"))

    assert "type-error" in broken("type", wrong_type)
    assert "foreign-key" in broken("key", dangling_key)
    assert "hash-count" in broken("hash", changed_file)


# --- The data page --------------------------------------------------------------------------------

def test_data_page_gives_each_file_its_size_and_sha256(site):
    page = parse(site / "data.html")
    rows = page.one("table", class_="files-table").find_all("tr")[1:]
    listed = {}
    for row in rows:
        link = row.one("a")
        listed[link["href"]] = row.text
    assert sorted(listed) == ["data/agencies.csv", "data/astronauts.csv", "data/configurations.csv", "data/crew.csv",
                              "data/dockings.csv", "data/flights.csv", "data/spacecraft-catalog.sqlite",
                              "data/spacecraft.csv", "data/spacecraft.json", "data/stations.csv", "datapackage.json"]
    for path, text in listed.items():
        data = (site / path).read_bytes()
        assert f"{len(data):,} bytes" in text and hashlib.sha256(data).hexdigest() in text, path
    assert f"{len(records()):,}" in listed["data/spacecraft.csv"].split("bytes")[0]  # its rows
    assert "Data as of 2026-11-20" in page.text
    assert "single quote (')" in page.text  # the spreadsheet rule, said where the files are
    assert "The Space Devs" in page.one("section", aria_labelledby="terms-h").text


def test_data_page_describes_a_schema_org_dataset(site, published):
    [blob] = parse(published / "data.html").json_ld
    dataset = json.loads(blob)
    assert dataset["@type"] == "Dataset" and dataset["url"] == BASE + "data.html"
    assert dataset["isBasedOn"] == "https://ll.example/2.3.0/spacecraft/"
    assert dataset["dateModified"] == "2026-11-20T06:00:00Z"
    downloads = {d["contentUrl"]: d for d in dataset["distribution"]}
    assert downloads[BASE + "data/spacecraft.csv"]["encodingFormat"] == "text/csv"
    data = (published / "data/spacecraft.csv").read_bytes()
    assert downloads[BASE + "data/spacecraft.csv"]["sha256"] == hashlib.sha256(data).hexdigest()
    [local] = parse(site / "data.html").json_ld
    assert all("://" not in d["contentUrl"] for d in json.loads(local)["distribution"])  # relative without a base URL


def test_data_page_is_linked_from_the_home_page_and_every_footer(site):
    home = parse(site / "index.html")
    assert [a for a in home.one("main").find_all("a") if a["href"] == "data.html"]
    for path in ("spacecraft/craft-1.html", "configurations/soyuz.html", "credits.html"):
        footer = parse(site / path).one("footer")
        assert [a["href"] for a in footer.find_all("a") if a.text == "Download the data"] == [
            "../data.html" if "/" in path else "data.html"], path
