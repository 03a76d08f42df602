"""A value that cannot be used gives one warning line naming the record and the field (or the image
and its URL), and the build goes on."""
from __future__ import annotations

import logging

from base import config, flight, image, spacecraft, write_data

from catalog.build import build
from catalog.config import BuildOptions


def warnings_of(tmp_path, records, caplog) -> list[str]:
    write_data(tmp_path / "cache", records)
    with caplog.at_level(logging.WARNING, logger="catalog"):
        build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache"))
    assert all("\n" not in r.getMessage() for r in caplog.records)
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_an_unreadable_duration_names_the_spacecraft_and_the_field(tmp_path, caplog):
    bad_flight = flight(7)
    bad_flight["turn_around_time"] = "P1Q"
    records = [spacecraft(41, "Soyuz 41", time_in_space="P3X"),
               spacecraft(42, "Soyuz 42", time_docked="P3X", fastest_turnaround=3600),  # the same value again
               spacecraft(43, "Soyuz 43", cfg=config(38, "Soyuz MS", detailed=True, fastest_turnaround="soon"),
                          flights=[bad_flight])]
    assert sorted(warnings_of(tmp_path, records, caplog)) == [
        "spacecraft 41: unreadable duration 'P3X' in time_in_space",
        "spacecraft 42: unreadable duration 'P3X' in time_docked",
        "spacecraft 42: unreadable duration 3600 in fastest_turnaround",
        "spacecraft 43, flight 7: unreadable duration 'P1Q' in turn_around_time",
        "spacecraft 43: unreadable duration 'soon' in spacecraft_config.fastest_turnaround",
    ]
    assert (tmp_path / "out/spacecraft/soyuz-42.html").is_file()


def test_image_urls_that_are_not_http_warn_once_per_image_naming_the_user_and_the_url(tmp_path, caplog):
    script = image(5, url="javascript:alert(1)", thumb=None)
    records = [spacecraft(1, "Soyuz 1", image=script), spacecraft(2, "Soyuz 2", image=script),
               spacecraft(3, "Soyuz 3", image=image(6, url="data:image/png;base64,iVBORw0KGgo=", thumb=""),
                          cfg=config(4, "Vostok", img=image(None, url="file:///etc/passwd", thumb=None))),
               spacecraft(4, "Soyuz 4", image=image(None, url="https://img.example/ok.jpg\n", thumb="javascript:x"))]
    assert sorted(warnings_of(tmp_path, records, caplog)) == [
        "no image for configuration Vostok: file:///etc/passwd is not an http(s) URL",
        "no image for spacecraft Soyuz 1: javascript:alert(1) is not an http(s) URL",
        "no image for spacecraft Soyuz 3: data:image/png;base64,iVBORw0KGgo= is not an http(s) URL",
    ]


def test_a_missing_image_is_no_warning(tmp_path, caplog):
    records = [spacecraft(1, "Soyuz 1", image=None), spacecraft(2, "Soyuz 2", image=image(5, url="", thumb=None))]
    assert warnings_of(tmp_path, records, caplog) == []
