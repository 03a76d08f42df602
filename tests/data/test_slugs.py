"""A name never fails the build: slugs keep clear of the site's own files, of the file system's
limit in bytes, of the names Windows refuses, and of each other as a case-insensitive disk sees them."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from base import config, spacecraft, write_data

from catalog.build import build
from catalog.config import MARKER, BuildOptions
from catalog.data.normalize import normalize_all, slugify
from catalog.site.urls import OWN_STEMS

GOTHIC = "\U00010330" * 100  # 100 characters of a 4-byte script: 400 bytes of UTF-8
WINDOWS = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def built(tmp_path: Path, records: list[dict], **settings: Any) -> Path:
    write_data(tmp_path / "cache", records)
    build(BuildOptions(out=tmp_path / "out", cache=tmp_path / "cache", **settings))
    return tmp_path / "out"


def h1(page: Path) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
    assert found, f"no <h1> in {page}"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def manifest(site: Path) -> list[str]:
    return sorted(json.loads((site / MARKER).read_text(encoding="utf-8"))["files"])


def test_names_of_the_sites_own_files_get_pages_of_their_own(tmp_path):
    index_config = config(7, "Index", agency=121)
    records = [spacecraft(1, "Index"), spacecraft(2, "Page 2"), spacecraft(3, "page-3"),
               spacecraft(4, "Page", cfg=index_config), spacecraft(5, "Page", cfg=index_config)]
    site = built(tmp_path, records, list_page_size=3)  # a second list page: spacecraft/page-2.html

    assert h1(site / "spacecraft/index.html") == "All spacecraft"
    assert h1(site / "spacecraft/page-2.html") == "All spacecraft"
    assert h1(site / "configurations/index.html") == "Configurations"
    crafts = sorted(h1(p) for p in (site / "spacecraft").glob("*.html") if not OWN_STEMS.fullmatch(p.stem))
    assert crafts == ["Index", "Page", "Page", "Page 2", "page-3"]
    configs = [h1(p) for p in (site / "configurations").glob("*.html") if p.name != "index.html"]
    assert sorted(configs) == ["Index", "Soyuz"]


def test_long_names_in_a_four_byte_script_fit_the_file_system_and_stay_unique(tmp_path):
    records = [spacecraft(1, GOTHIC), spacecraft(2, GOTHIC), spacecraft(3, GOTHIC + " 2"),
               spacecraft(4, "Ж" * 300, cfg=config(9, GOTHIC))]
    site = built(tmp_path, records)

    names = [Path(p).name for p in manifest(site)]
    assert max(len(name.encode()) for name in names) <= 255
    assert sorted(h1(p) for p in (site / "spacecraft").glob("*.html") if p.name != "index.html") == sorted(
        r["name"] for r in records)
    assert h1(next(p for p in (site / "configurations").glob("*.html") if p.name != "index.html")) == GOTHIC


def test_no_file_has_a_name_windows_refuses(tmp_path):
    aux_agency = config(3, "CON", agency=999)
    aux_agency["agency"] = {"id": 5, "name": "Aux", "abbrev": "AUX", "type": {"id": 1, "name": "Government"}}
    records = [spacecraft(1, "CON"), spacecraft(2, "nul"), spacecraft(3, "Com1"), spacecraft(4, "LPT9", cfg=aux_agency),
               spacecraft(5, "prn", status={"id": 9, "name": "PRN"}), spacecraft(6, "con.txt")]
    site = built(tmp_path, records)

    assert [p for p in manifest(site) if WINDOWS.fullmatch(Path(p).name)] == []
    assert sorted(h1(p) for p in (site / "spacecraft").glob("*.html") if p.name != "index.html") == sorted(
        r["name"] for r in records)


def test_names_one_only_in_case_get_two_files_on_a_case_insensitive_disk(tmp_path):
    # "ı" (dotless i) and "i" differ, but not on NTFS or APFS, where both are "I": one file would win.
    site = built(tmp_path, [spacecraft(1, "ıss"), spacecraft(2, "iss")])

    names = [p for p in manifest(site) if p.startswith("spacecraft/")]
    assert len({name.upper().casefold() for name in names}) == len(names)
    assert len([name for name in names if name.endswith(".html")]) == 3  # the index and two pages


@pytest.mark.parametrize("name, slug", [
    ("Soyuz 29", "soyuz-29"), ("Союз МС-25", "союз-мс-25"), ("Crew Dragon 2", "crew-dragon-2"),
    ("x" * 500, "x" * 80),
])
def test_ordinary_names_keep_their_slugs(name, slug):
    assert slugify(name, fallback="spacecraft-1") == slug


def test_a_repeated_name_still_gets_the_id_then_x(tmp_path):
    # "Dragon" id 2 would be dragon-2, which "Dragon 2" took first: then dragon-2-x.
    crafts = normalize_all([spacecraft(1, "Dragon"), spacecraft(3, "Dragon 2"), spacecraft(2, "Dragon"),
                            spacecraft(4, "Dragon 2")])
    assert [c.slug for c in crafts] == ["dragon", "dragon-2", "dragon-2-x", "dragon-2-4"]


def test_slugs_made_of_suffixes_always_end(tmp_path):
    # Names that take every "-<id>-x..." in turn: the suffix switches to numbers, the name stays short.
    names = ["a"] + ["a-7" + "-x" * k for k in range(200)]
    crafts = normalize_all([spacecraft(i, n) for i, n in enumerate(names, start=100)] + [spacecraft(7, "a")])
    slugs = [c.slug for c in crafts]
    assert len(set(slugs)) == len(slugs)
    assert max(len(s.encode()) for s in slugs) <= 250
