"""A full disk while making thumbnails is no verdict on the image: the build stops with one line
naming the file, nothing is recorded as broken, and once there is space the next build makes them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from base import build_py, build_site, config, image, image_bytes, parse, site_files, spacecraft

LINE = re.compile(r"error: (?P<reason>[^()]+) \((?P<file>[^()]+)\)")


@pytest.fixture
def resized_once(tmp_path, fake_api):
    """A site built with images, then its thumbnails deleted: the next build makes them again."""
    out, cache = tmp_path / "site" / "out", tmp_path / "cache"
    no_image = config(1, "Soyuz")
    no_image["image"] = None
    fake_api.records = [spacecraft(i, f"Craft {i}", cfg=no_image, image=image(i, thumb=None, url=fake_api.add_file(
        f"/media/{i}.jpg", image_bytes((600, 400), (i * 20, 100, 200))))) for i in range(1, 4)]
    build_site(out, cache, api=fake_api)
    for thumb in (cache / "images" / "thumbs").iterdir():
        thumb.unlink()
    return out, cache


def test_a_full_disk_while_resizing_is_no_verdict_on_the_image(resized_once):
    out, cache = resized_once
    before = site_files(out)

    result = build_py(out, cache, "--force", max_file_bytes=300)  # a thumbnail is larger

    assert result.returncode == 1
    said = LINE.fullmatch(result.stderr.strip().splitlines()[-1])
    assert said and said["reason"] == "File too large", result.stderr
    assert Path(said["file"]).parent == cache / "images" / "thumbs"
    assert site_files(out) == before
    index = json.loads((cache / "images" / "index.json").read_text())
    assert [entry for entry in index["thumbs"].values() if entry.get("error")] == []

    # Space again: the next build, even without --force, makes the thumbnails and shows them.
    result = build_py(out, cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no image warned about
    page = parse(out / "spacecraft" / "craft-1.html")
    assert page.pictures and not page.find_all(class_="placeholder")
