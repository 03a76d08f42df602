"""A rebuild keeps the spacecraft pages made from the same inputs instead of rendering them again,
and its site is byte for byte the one a build that renders everything (--force) makes."""
from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from base import fleet, write_data
from base import site_files as tree

from catalog.build import build
from catalog.config import MARKER, BuildOptions
from catalog.render import Renderer

N = 30


def options(tmp_path: Path, out: str, **extra: object) -> BuildOptions:
    return BuildOptions(out=tmp_path / out, cache=tmp_path / "cache", parallel_threshold=0, **extra)  # type: ignore[arg-type]


def kept(caplog: pytest.LogCaptureFixture) -> int:
    """How many pages the last build kept, from its --debug line."""
    found = [int(m.group(1)) for r in caplog.records
             if (m := re.search(r"\((\d+) kept from the last build\)", r.getMessage()))]
    assert found, "no debug line about kept pages"
    return found[-1]


def rebuild_equals_full(tmp_path: Path, caplog: pytest.LogCaptureFixture, **extra: object) -> int:
    """Rebuild `site`, build everything into `full` from the same inputs; the two must be equal."""
    caplog.clear()
    build(options(tmp_path, "site", **extra))
    reused = kept(caplog)
    build(options(tmp_path, "full", force=True, **extra))
    site, full = tree(tmp_path / "site"), tree(tmp_path / "full")
    site.pop(MARKER), full.pop(MARKER)
    stale = sorted(path for path in full if site.get(path) != full[path])
    assert not stale, f"pages differ from a full build: {stale[:5]}"
    assert site.keys() == full.keys()
    return reused


def renamed(records: list[dict], index: int) -> list[dict]:
    records = [dict(r) for r in records]
    craft = records[index]
    craft["name"] += " Renamed"
    craft["status"] = next(r["status"] for r in records if r["status"]["id"] != craft["status"]["id"])  # one of the others
    return records


@pytest.fixture
def debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="catalog")
    return caplog


@pytest.mark.parametrize("workers", [1, 2])
def test_one_changed_record_renders_one_spacecraft_page(tmp_path, debug, workers):
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "site", workers=workers))
    write_data(tmp_path / "cache", renamed(records, 7))
    reused = rebuild_equals_full(tmp_path, debug, workers=workers)
    assert reused == N - 1  # every spacecraft page but the changed one


def test_a_shared_configuration_renamed_renders_its_spacecraft_again(tmp_path, debug):
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "site"))
    name = records[0]["spacecraft_config"]["name"]
    changed = [dict(r, spacecraft_config={**r["spacecraft_config"], "name": name + " Mk2"})
               if r["spacecraft_config"]["id"] == records[0]["spacecraft_config"]["id"] else r for r in records]
    of_config = len(records) - sum(c is r for c, r in zip(changed, records, strict=True))
    assert 1 < of_config < N
    write_data(tmp_path / "cache", changed)
    assert rebuild_equals_full(tmp_path, debug) == N - of_config


def test_site_wide_values_render_every_page_again(tmp_path, debug):
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "site"))
    write_data(tmp_path / "cache", records, fetched_at="2026-11-21T06:00:00Z")  # every footer's date
    assert rebuild_equals_full(tmp_path, debug) == 0
    build(options(tmp_path, "site"))  # and options: a base URL changes every canonical link
    assert rebuild_equals_full(tmp_path, debug, base_url="https://example.org/catalog/") == 0


def test_nothing_changed_but_force_keeps_nothing(tmp_path, debug):
    write_data(tmp_path / "cache", fleet(N))
    build(options(tmp_path, "site"))
    debug.clear()
    build(options(tmp_path, "site", force=True))
    assert kept(debug) == 0


def test_canary_a_key_blind_to_the_record_leaves_a_stale_page(tmp_path, debug, monkeypatch):
    """The comparison above catches a render key that misses an input."""
    real = Renderer.key
    monkeypatch.setattr(Renderer, "key", lambda self, page: real(self, page) and "same-for-every-page")
    records = fleet(N)
    write_data(tmp_path / "cache", records)
    build(options(tmp_path, "site"))
    changed = [dict(r) for r in records]
    changed[7]["description"] = "A new description, on the same page path."
    write_data(tmp_path / "cache", changed)
    with pytest.raises(AssertionError, match="pages differ from a full build"):
        rebuild_equals_full(tmp_path, debug)
