"""The cache is never inside the site: a --cache inside --out, equal to it, or around it is refused with
one line before anything is fetched or touched (a build replaces the whole output folder, and would take
the fetched data, the history and the images with it).

Real parts: the fake LL2 on loopback, build.py in a child process.
"""
from __future__ import annotations

import pytest
from base import bare, build_py, build_site, one_error_line, site_files


@pytest.mark.parametrize(("cache", "out"), [("O/cache", "O"), ("C", "C/site"), ("same", "same")])
def test_a_cache_inside_the_output_or_around_it_is_refused_before_fetching(cache, out, fake_api, tmp_path):
    fake_api.records = [bare(1)]
    done = build_py(tmp_path / out, tmp_path / cache, "--fetch", "--api-url", fake_api.url)
    line = one_error_line(done.stderr)
    assert done.returncode == 1 and line.startswith("error: ") and "--cache" in line and "--out" in line
    assert fake_api.received == []
    assert not (tmp_path / out).exists() and not (tmp_path / cache).exists()


def test_a_fetch_with_its_cache_inside_an_existing_site_is_refused_and_the_site_kept(fake_api, tmp_path):
    site = tmp_path / "O"
    build_site(site, tmp_path / "C", records=[bare(1), bare(2)])
    before = site_files(site)
    fake_api.records = [bare(1), bare(2), bare(3)]
    done = build_py(site, site / "cache", "--fetch", "--api-url", fake_api.url)
    line = one_error_line(done.stderr)
    assert done.returncode == 1 and "--cache" in line and "inside" in line
    assert fake_api.received == [] and site_files(site) == before
