"""spacecraft-catalog.toml as a user writes it: found in the working directory or given with --config,
overridden by the command line, refused in one line when wrong, part of the up-to-date check, and
each optional output it switches off really left out (and not linked)."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from base import ROOT, broken_links, fleet, parse, site_files, write_data

from catalog import settings

BUILD = ROOT / "build.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), "-q", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A site folder whose cache holds a small fetched catalog."""
    write_data(tmp_path / ".cache", fleet(7))
    return tmp_path


def configure(folder: Path, text: str, name: str = settings.FILE_NAME) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_in_the_working_directory_sets_the_title_and_the_page_size(site):
    configure(site, 'title = "Orbiters of Ours"\nlist_page_size = 3\nout = "public"\n')
    done = run(cwd=site)
    assert done.returncode == 0, done.stderr
    home = parse(site / "public" / "index.html")
    assert home.h1 == "Orbiters of Ours" and home.title == "Orbiters of Ours"
    assert parse(site / "public" / "spacecraft" / "page-3.html").h1 == "All spacecraft"  # 7 cards, 3 a page
    assert not (site / "public" / "spacecraft" / "page-4.html").exists()


def test_the_command_line_overrides_the_file_which_overrides_the_defaults(site, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("conf")
    config = configure(elsewhere, 'out = "from-file"\nlicensed_only = true\n')
    done = run("--config", str(config), "--out", "from-cli", "--cache", ".cache", cwd=site)
    assert done.returncode == 0, done.stderr
    assert (site / "from-cli" / "index.html").is_file()
    assert not (elsewhere / "from-file").exists()
    # licensed_only from the file still holds: the credits page says so.
    assert "without a known license" in parse(site / "from-cli" / "credits.html").text


@pytest.mark.parametrize(("text", "expected"), [
    ('titel = "X"\n', f'error: {settings.FILE_NAME}: unknown key "titel" (did you mean "title"?)'),
    ('list_page_size = "ten"\n', f'error: {settings.FILE_NAME}: key "list_page_size" must be an integer, not a string'),
    ("list_page_size = 0\n", f'error: {settings.FILE_NAME}: key "list_page_size": 0 is not a page size from 1 to 10000'),
    ("zip = 1\n", f'error: {settings.FILE_NAME}: key "zip" must be a boolean, not an integer'),
    ('base_url = "ftp://example.org/"\n', f'error: {settings.FILE_NAME}: key "base_url": '),
    ('nav = [["Home", "/index.html"]]\n', f'error: {settings.FILE_NAME}: key "nav": \'/index.html\' is not a path inside'),
    ('out = ".cache/site"\n', f'error: {settings.FILE_NAME}: key "out": \'.cache/site\' is, holds or is inside the cache'),
    ('out = "content"\n', f'error: {settings.FILE_NAME}: key "out": \'content\' is, holds or is inside the content folder'),
    ('out = "."\n', f'error: {settings.FILE_NAME}: key "out": \'.\' is, holds or is inside the cache'),
    ('title = "unterminated\n', f"error: {settings.FILE_NAME}: not valid TOML: "),
])
def test_a_bad_config_is_one_line_naming_file_and_key_and_the_last_site_stays(site, text, expected):
    assert run(cwd=site).returncode == 0  # the last good site
    before = site_files(site / "output")
    configure(site, text)
    done = run(cwd=site)
    assert done.returncode == 1
    assert done.stderr.startswith(expected), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert site_files(site / "output") == before


def test_the_api_key_itself_is_refused_and_not_printed(site):
    key = "3f2a9c0d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
    configure(site, f'api_key_env = "{key}"\n')
    done = run(cwd=site)
    assert done.returncode == 1
    assert done.stderr.startswith(f'error: {settings.FILE_NAME}: key "api_key_env": looks like an API key itself')
    assert key not in done.stderr + done.stdout
    assert not (site / "output").exists()


def test_a_missing_config_given_with_config_is_one_line(site):
    done = run("--config", "nowhere.toml", cwd=site)
    assert (done.returncode, done.stderr) == (1, "error: nowhere.toml: no such config file\n")


def test_changing_the_title_rebuilds(site):
    configure(site, 'title = "First"\n')
    assert run(cwd=site).returncode == 0
    configure(site, 'title = "Second"\n')
    assert run(cwd=site).returncode == 0
    assert parse(site / "output" / "index.html").h1 == "Second"


def test_exports_off_leaves_the_data_out_and_no_page_links_to_it(site):
    configure(site, "exports = false\n")
    assert run(cwd=site).returncode == 0, "build failed"
    out = site / "output"
    assert not (out / "data").exists() and not (out / "data.html").exists() and not (out / "datapackage.json").exists()
    assert broken_links(out) == []
    assert "Download the data" not in parse(out / "index.html").text


def test_offline_app_off_leaves_out_the_worker_and_its_registration(site):
    configure(site, "offline_app = false\n")
    assert run(cwd=site).returncode == 0
    out = site / "output"
    assert not (out / "sw.js").exists() and not (out / "manifest.webmanifest").exists()
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "offline.js" not in html and "manifest" not in html
    assert broken_links(out) == []


def test_the_defaults_publish_both(site):  # the canary of the two above: on, the files are there
    assert run(cwd=site).returncode == 0
    out = site / "output"
    assert (out / "sw.js").is_file() and (out / "data.html").is_file() and (out / "data" / "spacecraft.csv").is_file()
    assert "offline.js" in (out / "index.html").read_text(encoding="utf-8")



def one_event_history(cache: Path) -> None:
    """A history of one event in the cache, so the build publishes changes.xml (data/history.py's format)."""
    event = ["2026-11-21T06:00:00Z", 1, "status", "Active", "Retired"]
    ident = hashlib.sha256(json.dumps(event, separators=(",", ":"), sort_keys=True).encode()).hexdigest()[:16]
    (cache / "history").mkdir(parents=True, exist_ok=True)
    (cache / "history" / "events.json").write_text(json.dumps({
        "events": [{"after": "Retired", "before": "Active", "date": event[0], "id": ident, "kind": "status",
                    "name": "Craft 1", "spacecraft_id": 1}],
        "since": "2026-11-20T06:00:00Z", "updated": "2026-11-22T06:00:00Z", "version": 1}), encoding="utf-8")


@pytest.mark.parametrize("title", ["Orbiters & <Ours>", None])  # None: the default title (the canary)
def test_the_title_names_the_site_in_the_feed_the_citations_and_the_data_package(site, title, page):
    one_event_history(site / ".cache")
    if title:
        configure(site, f'title = "{title}"\n')
    done = run(cwd=site)
    assert done.returncode == 0, done.stderr
    name, out = title or "Spacecraft Catalog", site / "output"
    feed = ElementTree.parse(out / "changes.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.findtext(f"{atom}title") == f"{name}: changes"
    assert feed.findtext(f"{atom}author/{atom}name") == name
    assert json.loads((out / "datapackage.json").read_text())["title"] == f"{name}: every spacecraft in Launch Library 2"
    assert json.loads(parse(out / "data.html").json_ld[0])["name"] == f"{name}: every spacecraft in Launch Library 2"
    craft = parse(out / "spacecraft" / "craft-1.html")
    assert f"{name}, spacecraft/craft-1.html" in craft.one("pre", id="cite-text").text
    assert craft.one("details", class_="cite")["data-site"] == name
    bib = (out / "data" / "catalog.bib").read_text()
    assert f"howpublished = {{Launch Library 2, via {name.replace('&', chr(92) + '&')}}}" in bib
    assert all(item["note"].endswith(f"via {name}") for item in json.loads((out / "data" / "catalog.csl.json").read_text()))
    # What cite.js makes in Chromium says the same.
    page.goto((out / "spacecraft" / "craft-1.html").as_uri())
    page.click("details.cite summary")
    assert f"Launch Library 2, via {name.replace('&', chr(92) + '&')}" in page.text_content("#cite-bibtex")
    assert json.loads(page.text_content("#cite-csl"))[0]["note"].endswith(f"via {name}")


def test_the_changes_page_size_pages_the_history(site):
    one_event_history(site / ".cache")
    events = json.loads((site / ".cache" / "history" / "events.json").read_text())
    second = ["2026-11-22T06:00:00Z", 2, "status", "Active", "Retired"]
    ident = hashlib.sha256(json.dumps(second, separators=(",", ":"), sort_keys=True).encode()).hexdigest()[:16]
    events["events"].append({"after": "Retired", "before": "Active", "date": second[0], "id": ident, "kind": "status",
                             "name": "Craft 2", "spacecraft_id": 2})
    (site / ".cache" / "history" / "events.json").write_text(json.dumps(events), encoding="utf-8")
    assert run(cwd=site).returncode == 0
    assert not (site / "output" / "changes-2.html").exists()  # the canary: 2 events fit the default 100
    configure(site, "changes_page_size = 1\n")
    done = run(cwd=site)
    assert done.returncode == 0, done.stderr
    assert "Craft 2" in parse(site / "output" / "changes.html").text  # newest first
    assert "Craft 1" in parse(site / "output" / "changes-2.html").text
