"""--zip: spacecraft-catalog.zip, the whole site in one download (catalog/output/download.py)."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from base import fleet, parse, site_files, write_data

from catalog.build import build
from catalog.config import MARKER, BuildOptions

ZIP = "spacecraft-catalog.zip"
WINDOWS_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])(\..*)?", re.I)


def build_zip(root: Path, records=None, **options) -> Path:
    write_data(root / "cache", records or fleet(6))
    build(BuildOptions(out=root / "out", cache=root / "cache", zip=True, **options))
    return root / "out"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_zip(tmp_path_factory.mktemp("zip"))


def entries(site: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(site / ZIP) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def test_zip_holds_the_whole_site_but_itself_and_the_marker(site):
    files = site_files(site)
    del files[ZIP], files[MARKER]
    assert entries(site) == files
    assert "spacecraft/craft-1.html" in files and "search-index.js" in files and "sw.js" in files


def test_entries_are_sorted_with_fixed_times_and_modes_and_names_every_system_accepts(site):
    with zipfile.ZipFile(site / ZIP) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        assert info.external_attr == 0o644 << 16 and info.compress_type == zipfile.ZIP_DEFLATED, info.filename
        for part in info.filename.split("/"):
            assert not set(part) & set('<>:"\\|?*'), info.filename
            assert not WINDOWS_RESERVED.fullmatch(part) and not part.endswith((".", " ")), info.filename


def test_same_input_gives_the_same_zip_bytes(site, tmp_path):
    again = build_zip(tmp_path)
    assert (again / ZIP).read_bytes() == (site / ZIP).read_bytes()


def test_a_rebuild_with_new_data_zips_unchanged_files_too(site, tmp_path):
    out = build_zip(tmp_path)
    build_zip(tmp_path, fleet(7))  # unchanged pages come from the old site, new ones from the new tree
    files = site_files(out)
    del files[ZIP], files[MARKER]
    assert entries(out) == files and "spacecraft/craft-7.html" in files


def test_about_page_links_the_download_only_with_zip(site, tmp_path):
    links = [url for _, url in parse(site / "about.html").links]
    assert ZIP in links
    write_data(tmp_path / "cache", fleet(6))
    build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache"))
    assert not (tmp_path / "out" / ZIP).exists()
    assert ZIP not in [url for _, url in parse(tmp_path / "out" / "about.html").links]


def test_zip_is_part_of_the_up_to_date_check(tmp_path):
    write_data(tmp_path / "cache", fleet(6))
    build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache"))
    report = build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache", zip=True))
    assert report.written > 0 and (tmp_path / "out" / ZIP).is_file()
