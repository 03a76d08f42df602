"""build.py end to end, as a user runs it: fetch from a fake LL2, rebuild offline, fail cleanly."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from base import ROOT, config, fleet, image, image_bytes, parse, site_files, spacecraft, write_data

BUILD = ROOT / "build.py"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.fixture
def served_fleet(fake_api):
    """Twenty-three records whose images the fake server itself serves."""
    url = fake_api.add_file("/media/soyuz.jpg", image_bytes((64, 48), "navy"))
    records = fleet(23)
    for raw in records:
        for holder in (raw, raw["spacecraft_config"]):
            if holder.get("image"):
                holder["image"] = image(holder["image"]["id"], url=url, thumb=None)
    fake_api.records = records
    fake_api.page_cap = 10
    return fake_api


def test_fetch_then_offline_rebuild_is_byte_identical(served_fleet, tmp_path):
    api_url = served_fleet.url
    done = run("--fetch", "--api-url", api_url, "--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "fetched page 3 of 3" in done.stderr
    pages = {p.name for p in (tmp_path / "O" / "spacecraft").glob("*.html")}
    assert pages >= {f"craft-{i}.html" for i in range(1, 24)}
    assert (tmp_path / "C" / "data" / "spacecraft.jsonl").is_file()

    served_fleet.stop()  # offline from here on
    again = run("--cache", "C", "--out", "O2", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert site_files(tmp_path / "O") == site_files(tmp_path / "O2")


def test_failed_fetch_keeps_previous_data_and_site(served_fleet, tmp_path):
    assert run("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", cwd=tmp_path).returncode == 0
    data_before = (tmp_path / "C" / "data" / "spacecraft.jsonl").read_bytes()
    site_before = site_files(tmp_path / "O")

    served_fleet.records.append(config(99))  # would change the data, but the crawl fails first
    served_fleet.always["/2.3.0/spacecraft/"] = ("500",)
    failed = run("--fetch", "--api-url", served_fleet.url, "--retries", "1", "--cache", "C", "--out", "O", cwd=tmp_path,
                 env={"PATH": "/usr/bin:/bin", "LL2_API_KEY": "k"})
    assert failed.returncode == 1
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("error: ") and "HTTP 500" in last and served_fleet.url in last
    assert "Traceback" not in failed.stderr
    assert (tmp_path / "C" / "data" / "spacecraft.jsonl").read_bytes() == data_before
    assert site_files(tmp_path / "O") == site_before


def test_fresh_clone_builds_from_the_shipped_snapshot(tmp_path):
    done = run("--out", "site", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "content/data/spacecraft.jsonl" in done.stderr
    assert (tmp_path / "site" / "spacecraft" / "soyuz-29.html").is_file()
    assert not (tmp_path / ".cache").exists()  # an offline build creates no cache


def test_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "thesis.tex").write_text("precious")
    done = run("--out", "docs", cwd=tmp_path)
    assert done.returncode == 1
    assert "refusing to replace docs" in done.stderr
    assert (tmp_path / "docs" / "thesis.tex").read_text() == "precious"


def test_help_explains_every_option(tmp_path):
    done = run("--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--fetch", "--api-url", "--api-key", "--cache", "--out", "LL2_API_URL", "LL2_API_KEY"):
        assert option in done.stdout


def test_unreadable_data_file_is_one_line(tmp_path):
    bad = tmp_path / "C" / "data" / "spacecraft.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_text("not json\n")
    done = run("--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: {Path('C/data/spacecraft.jsonl')} is not a spacecraft data file (bad first line)")


def test_strict_fails_on_a_warning_and_writes_nothing(tmp_path):
    records = [spacecraft(1), spacecraft(2, spacecraft_config=None)]  # the second is skipped with a warning
    write_data(tmp_path / "C", records)
    done = run("--strict", "--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: --strict: the build warned (skipping spacecraft record 2")
    assert not (tmp_path / "O").exists()
    assert run("--cache", "C", "--out", "O", cwd=tmp_path).returncode == 0  # without --strict: a warning only
    assert run("--strict", "--cache", "C", "--out", "O", cwd=tmp_path).returncode == 1  # also when up to date


def test_urls_must_be_http(tmp_path):
    bad_base = run("--base-url", "javascript:alert(1)", "--out", "O", cwd=tmp_path)
    assert bad_base.returncode == 2
    assert "argument --base-url: 'javascript:alert(1)' is not an http(s) URL" in bad_base.stderr
    bad_api = run("--fetch", "--api-url", "ll.thespacedevs.com/2.3.0/", "--out", "O", cwd=tmp_path)
    assert bad_api.returncode == 2 and "is not an http(s) URL" in bad_api.stderr
    assert not (tmp_path / "O").exists()


def test_an_empty_crawl_keeps_the_cached_data(served_fleet, tmp_path):
    assert run("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", cwd=tmp_path).returncode == 0
    data_before = (tmp_path / "C" / "data" / "spacecraft.jsonl").read_bytes()
    served_fleet.records = []
    done = run("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        f"error: {served_fleet.url} returned no spacecraft records; the cached data was kept")
    assert (tmp_path / "C" / "data" / "spacecraft.jsonl").read_bytes() == data_before


def test_data_with_no_usable_record_fails_without_writing(tmp_path):
    bad = tmp_path / "C" / "data" / "spacecraft.jsonl"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b'{"meta": {"records": 1}}\n\xff\xfe{broken\n')
    done = run("--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 1
    assert "line 2 is not valid JSON; record skipped" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: no usable spacecraft records in")
    assert not (tmp_path / "O").exists()


def test_port_out_of_range_is_a_usage_error(tmp_path):
    done = run("--serve", "--port", "70000", cwd=tmp_path)
    assert done.returncode == 2 and "is not a port number" in done.stderr


def test_image_cache_index_of_a_wrong_shape_is_ignored_with_a_warning(tmp_path):
    index = tmp_path / "C" / "images" / "index.json"
    index.parent.mkdir(parents=True)
    index.write_text('{"sources": [1, 2], "thumbs": "x"}')
    done = run("--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ignoring image cache index" in done.stderr and "of an unknown shape" in done.stderr


def test_a_new_image_url_that_fails_keeps_the_copy_we_had(served_fleet, tmp_path):
    assert run("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", cwd=tmp_path).returncode == 0
    originals = sorted(p.name for p in (tmp_path / "C" / "images" / "src").iterdir())
    assert originals
    for raw in served_fleet.records:  # the API moves every image to a host that is down
        for holder in (raw, raw["spacecraft_config"]):
            if holder.get("image"):
                holder["image"]["image_url"] = served_fleet.origin + "/moved/soyuz.jpg"
    done = run("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "showing the copy downloaded before" in done.stderr and "/moved/soyuz.jpg" in done.stderr
    assert sorted(p.name for p in (tmp_path / "C" / "images" / "src").iterdir()) == originals
    assert len(parse(tmp_path / "O" / "spacecraft" / "craft-1.html").pictures()) == 1


def test_force_restores_a_page_deleted_by_hand(tmp_path):
    assert run("--out", "O", cwd=tmp_path).returncode == 0
    page = tmp_path / "O" / "spacecraft" / "soyuz-29.html"
    original = page.read_bytes()
    page.unlink()
    skipped = run("--out", "O", cwd=tmp_path)
    assert "nothing changed since the last build" in skipped.stderr and not page.exists()
    forced = run("--force", "--out", "O", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert page.read_bytes() == original


def test_debug_shows_each_stage_with_its_time(tmp_path):
    done = run("--out", "site", "--debug", cwd=tmp_path)  # from the shipped snapshot
    assert done.returncode == 0, done.stderr
    stamped = [line for line in done.stderr.splitlines() if line.split()[1:2] == ["ms"]]
    stages = " ".join(stamped)
    for stage in ("reading", "spacecraft in", "images:", "pages written",
                  # each output of step 6, by name, once it is written
                  "search index written", "static files written", "thumbnails written", "exports written",
                  "history written", "data page written", "sitemap and robots.txt written", "service worker written"):
        assert stage in stages, done.stderr
    times = [int(line.split()[0]) for line in stamped]
    assert times == sorted(times)


@pytest.mark.parametrize(("option", "value", "reason"), [
    ("--max-wait", "nan", "is not a number of seconds from 0 to 86400"),
    ("--max-wait", "inf", "is not a number of seconds from 0 to 86400"),
    ("--max-wait", "-5", "is not a number of seconds from 0 to 86400"),
    ("--max-wait", "1e9", "is not a number of seconds from 0 to 86400"),
    ("--max-wait", "soon", "is not a number of seconds from 0 to 86400"),
    ("--retries", "-1", "is not a number of retries from 0 to 20"),
    ("--retries", "1000000000", "is not a number of retries from 0 to 20"),
    ("--retries", "2.5", "is not a number of retries from 0 to 20"),
])
def test_fetch_limits_out_of_range_are_a_usage_error(tmp_path, option, value, reason):
    # --max-wait nan compared false with every wait, so a 429 was waited out forever.
    done = run(option, value, "--cache", "C", "--out", "O", cwd=tmp_path)  # no --fetch: nothing leaves the machine
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == f"build.py: error: argument {option}: {value!r} {reason}"
    assert not (tmp_path / "O").exists() and not (tmp_path / "C").exists()


def test_fetch_limits_at_the_ends_of_their_range_are_taken():
    from catalog.cli import parse_args

    for wait, retries in (("0", "0"), ("86400", "20"), ("2.5", "3")):
        args = parse_args(["--max-wait", wait, "--retries", retries])
        assert (args.max_wait, args.retries) == (float(wait), int(retries))


def test_the_command_says_everything_before_its_fast_exit(tmp_path):
    # The command ends with os._exit (cli.run): what it printed must be flushed first. With output to a
    # pipe and no PYTHONUNBUFFERED (which this machine sets), stdout is block-buffered: an unflushed
    # --version line or summary would be lost, and the exit status must still be the build's.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    version = run("--version", cwd=tmp_path, env=env)
    assert (version.returncode, version.stdout.startswith("spacecraft-catalog "), version.stderr) == (0, True, "")
    cache = tmp_path / "cache"
    write_data(cache, fleet(3))
    done = run("--cache", str(cache), "--out", str(tmp_path / "site"), cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "built " in done.stderr and "for 3 spacecraft into " in done.stderr, done.stderr
    assert (tmp_path / "site" / "index.html").is_file()
    usage = run("--no-such-option", cwd=tmp_path, env=env)
    assert usage.returncode == 2 and "unrecognized arguments: --no-such-option" in usage.stderr
