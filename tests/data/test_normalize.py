"""Raw record -> model: durations, nullable and empty fields, slugs, records that cannot be used."""
from __future__ import annotations

import logging

import pytest
from base import config, flight, image, spacecraft

from catalog.data.normalize import Normalizer, duration, format_seconds, normalize_all, slugify


@pytest.mark.parametrize("raw, seconds, shown", [
    ("P36DT7H42M8S", 36 * 86400 + 7 * 3600 + 42 * 60 + 8, "36 d 7 h 42 min"),
    ("PT1H46M", 6360, "1 h 46 min"),
    ("PT8M26S", 506, "8 min 26 s"),
    ("P0D", 0, "0 min"),
    ("P1DT17M3S", 87423, "1 d 17 min"),
])
def test_durations_are_parsed_to_seconds_and_shown_readably(raw, seconds, shown):
    parsed = duration(raw)
    assert parsed is not None
    assert (parsed.seconds, parsed.text) == (seconds, shown)


@pytest.mark.parametrize("raw", [None, "", "  ", "36 days", 42, ["P1D"], {"d": 1}, "P99999999999Y"])
def test_missing_or_unreadable_durations_are_none(raw):
    assert duration(raw) is None


def test_format_seconds_drops_seconds_past_an_hour():
    assert format_seconds(3600 + 59) == "1 h"
    assert format_seconds(59) == "59 s"


def test_nullable_fields_and_empty_strings_become_absent():
    cfg = config(10, "Apollo CSM", agency=999, img=None)
    cfg["image"] = None
    raw = spacecraft(5, "Apollo 11 CSM", cfg=cfg, serial_number=None, image=None, time_in_space=None,
                     time_docked=None, flights_count=None, mission_ends_count=None, description=None)
    craft = Normalizer().spacecraft(raw)
    assert craft.serial_number is None
    assert craft.image is None and craft.config.image is None
    assert craft.time_in_space is None and craft.time_docked is None
    assert craft.flights_count is None and craft.mission_ends_count is None
    assert craft.description == ""
    assert craft.config.agency.abbrev is None  # "" in the API
    assert craft.config.agency.label == "North American Aviation"
    assert craft.flights is None  # normal mode: no flights key at all


def test_image_credit_and_license_link_nullable_and_only_http_links_kept():
    raw = spacecraft(1, image=image(7, credit=None, license_link="javascript:alert(1)"))
    craft = Normalizer().spacecraft(raw)
    assert craft.image.credit is None
    assert craft.image.license.name == "Unknown"
    assert craft.image.license.link is None
    raw = spacecraft(2, image=image(8, credit="NASA", license_name="CC BY 2.0",
                                    license_link="https://creativecommons.org/licenses/by/2.0/"))
    assert Normalizer().spacecraft(raw).image.license.link.startswith("https://creativecommons.org/")


def test_detailed_mode_gives_flights_and_configuration_specs():
    raw = spacecraft(178, "Soyuz 29", cfg=config(1, "Soyuz", detailed=True), flights=[flight(1)])
    craft = Normalizer().spacecraft(raw)
    assert craft.flights is not None and len(craft.flights) == 1
    f = craft.flights[0]
    assert (f.launch_name, f.launch_date, f.destination, f.mission_end) == (
        "Soyuz 7K-T | Soyuz 29", "1978-06-15", "Salyut 6", "1978-11-02")
    assert f.duration.text == "79 d 15 h 23 min"
    assert f.landing == "Landed — Kazakhstan"
    specs = {s.label: s for s in craft.config.specs}
    assert specs["Crew capacity"].value == "3"
    assert specs["Height"].value == "7.48 m"
    assert specs["Wikipedia"].link == "https://en.wikipedia.org/wiki/Soyuz_(spacecraft)"
    assert "More information" not in specs  # info_link was ""
    assert "Payload return capacity" not in specs  # null


@pytest.mark.parametrize("net", ["１９７８-０６-１５T20:16:38Z", "1978-02-31T20:16:38Z", "1978-13-01", "197８-06-15"])
def test_a_launch_date_that_is_no_ascii_calendar_day_is_unknown(net):
    raw = spacecraft(178, "Soyuz 29", cfg=config(1, "Soyuz", detailed=True), flights=[flight(1, net=net)])
    assert Normalizer().spacecraft(raw).flights[0].launch_date is None


def test_empty_flights_list_is_detailed_mode_with_no_flights():
    craft = Normalizer().spacecraft(spacecraft(3, flights=[]))
    assert craft.flights == ()


def test_shared_configuration_is_one_object():
    crafts = normalize_all([spacecraft(1), spacecraft(2)])
    assert crafts[0].config is crafts[1].config
    assert crafts[0].image is crafts[1].image


def test_unusable_records_are_skipped_with_a_warning_naming_the_id(caplog):
    caplog.set_level(logging.WARNING)
    good = spacecraft(1)
    no_config = spacecraft(2, spacecraft_config=None)
    no_name = spacecraft(3)
    no_name["name"] = "  "
    no_id = spacecraft(4)
    no_id["id"] = "four"
    crafts = normalize_all([good, no_config, no_name, no_id, "junk"])
    assert [c.id for c in crafts] == [1]
    assert "skipping spacecraft record 2: spacecraft 2: no usable spacecraft_config" in caplog.text
    assert "skipping spacecraft record 3" in caplog.text
    assert "skipping spacecraft record four: no integer id" in caplog.text


def test_missing_status_defaults_to_unknown():
    craft = Normalizer().spacecraft(spacecraft(1, status=None))
    assert craft.status.name == "Unknown"


@pytest.mark.parametrize("name, slug", [
    ("Soyuz 29", "soyuz-29"),
    ("Soyuz 7K-OK (P) 11F615 #3", "soyuz-7k-ok-p-11f615-3"),
    ("Союз МС-25", "союз-мс-25"),
    ("../../etc/passwd", "etc-passwd"),
    ("a/b\\c", "a-b-c"),
    ("...", "spacecraft-9"),
    ("Ｓｈｅｎｚｈｏｕ １７", "shenzhou-17"),
])
def test_slugs_are_safe_file_names(name, slug):
    assert slugify(name, fallback="spacecraft-9") == slug


def test_slugs_are_unique_when_names_repeat():
    crafts = normalize_all([spacecraft(1, "Dragon"), spacecraft(2, "Dragon"), spacecraft(3, "dragon"),
                            spacecraft(4, "Dragon 2")])
    slugs = [c.slug for c in crafts]
    assert slugs == ["dragon", "dragon-2", "dragon-3", "dragon-2-4"]
    assert len(set(slugs)) == 4


def test_slug_length_is_bounded():
    assert len(slugify("x" * 500, fallback="f")) <= 80


def test_data_lines_orjson_refuses_are_read_as_json_reads_them(tmp_path):
    from catalog.data import snapshot

    data = tmp_path / "spacecraft.jsonl"
    data.write_bytes(b'{"meta": {"records": 2}}\n'
                     b'{"id": 1, "name": "Soy\xffuz"}\n'  # not UTF-8: the byte reads as U+FFFD
                     b'{"id": 2, "name": "Odd", "mass": NaN}\n')  # not strict JSON, but json reads it
    first, second = snapshot.iter_records(data)
    assert first["name"] == "Soy\ufffduz"
    assert second["name"] == "Odd" and second["mass"] != second["mass"]


def test_a_record_given_twice_is_kept_once_the_first_with_a_warning_naming_it(caplog):
    caplog.set_level(logging.WARNING)
    out = normalize_all([spacecraft(3, "First"), spacecraft(4, "Other"), spacecraft(3, "Second")])
    assert [(s.id, s.name) for s in out] == [(3, "First"), (4, "Other")]
    assert "spacecraft record 3 appears again in the data: the first is kept" in caplog.text
    caplog.clear()
    assert len(normalize_all([spacecraft(3, "First"), spacecraft(5, "Second")])) == 2  # canary: other ids stay
    assert "appears again" not in caplog.text
