"""A theme folder overrides the built-in templates and static files by name, as MkDocs' custom_dir:
what a visitor sees in real Chromium (the theme's footer, the theme's colour), from file:// and
under a sub-path over HTTP; a broken or missing theme is one line; editing it rebuilds; a compiled
template of another theme is never used."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from base import ROOT, broken_links, build_site, fleet, parse, serving, site_files, write_data

BUILD = ROOT / "build.py"
FOOTER = """{% extends "builtin/base.html" %}
{% block footer %}<footer class="site-footer"><div class="wrap"><p>Kept by the {{ club }} club.</p></div></footer>{% endblock %}
"""
COLOUR = "rgb(120, 20, 60)"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), "-q", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def make_theme(folder: Path, club: str = "Orbiters", colour: str = COLOUR) -> Path:
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    (folder / "static" / "css").mkdir(parents=True, exist_ok=True)
    (folder / "templates" / "base.html").write_text(FOOTER.replace("{{ club }}", club), encoding="utf-8")
    (folder / "static" / "css" / "theme.css").write_text(f":root {{ --header-bg: {colour}; }}\n", encoding="utf-8")
    return folder


@pytest.fixture
def themed(tmp_path: Path) -> Path:
    """A site built with a theme and a base URL under a sub-path."""
    theme = make_theme(tmp_path / "theme")
    build_site(tmp_path / "out", tmp_path / "cache", records=fleet(6), base_url="https://example.org/sub/",
               settings={"theme": theme})
    return tmp_path / "out"


def seen(page) -> tuple[str, str]:
    """The footer's text and the header's background colour, as the browser shows them."""
    return (page.locator("footer").inner_text().strip(),
            page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor"))


def test_the_theme_footer_and_colour_show_from_file(themed, page):
    page.goto((themed / "spacecraft" / "index.html").as_uri())
    assert seen(page) == ("Kept by the Orbiters club.", COLOUR)
    assert broken_links(themed) == []


def test_the_theme_footer_and_colour_show_under_a_sub_path(themed, page, tmp_path):
    shutil.copytree(themed, tmp_path / "www" / "sub")
    with serving(tmp_path / "www") as url:
        page.goto(f"{url}sub/agencies/index.html")
        assert seen(page) == ("Kept by the Orbiters club.", COLOUR)


def test_without_a_theme_the_built_in_footer_and_colour_show(tmp_path, page):  # the canary of the two above
    build_site(tmp_path / "out", tmp_path / "cache", records=fleet(6))
    page.goto((tmp_path / "out" / "index.html").as_uri())
    footer, colour = seen(page)
    assert "Launch Library 2" in footer and colour != COLOUR


def test_a_theme_adds_files_and_replaces_built_in_ones_by_name(tmp_path):
    theme = make_theme(tmp_path / "theme")
    (theme / "static" / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (theme / "static" / "img").mkdir()
    (theme / "static" / "img" / "logo.txt").write_text("ours", encoding="utf-8")
    build_site(tmp_path / "out", tmp_path / "cache", records=fleet(3), settings={"theme": theme})
    out = tmp_path / "out"
    assert (out / "static" / "favicon.svg").read_text(encoding="utf-8") == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert (out / "static" / "img" / "logo.txt").read_text(encoding="utf-8") == "ours"
    assert (out / "static" / "css" / "site.css").read_bytes() == (ROOT / "static" / "css" / "site.css").read_bytes()


def test_a_broken_theme_template_is_one_line_naming_its_file_and_line(tmp_path):
    write_data(tmp_path / ".cache", fleet(3))
    theme = make_theme(tmp_path / "theme")
    assert run(cwd=tmp_path).returncode == 0  # theme/ beside the (absent) config is used: the last good site
    before = site_files(tmp_path / "output")
    (theme / "templates" / "base.html").write_text('{% extends "builtin/base.html" %}\n\n{% block footer %}{% if %}'
                                                   "{% endblock %}\n", encoding="utf-8")
    done = run(cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: theme/templates/base.html line 3: "), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert site_files(tmp_path / "output") == before


def test_a_theme_folder_that_does_not_exist_is_one_line(tmp_path):
    write_data(tmp_path / ".cache", fleet(3))
    (tmp_path / "spacecraft-catalog.toml").write_text('theme = "mytheme"\n', encoding="utf-8")
    done = run(cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: theme folder mytheme does not exist"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not (tmp_path / "output").exists()


def test_editing_the_theme_css_rebuilds(tmp_path):
    write_data(tmp_path / ".cache", fleet(3))
    theme = make_theme(tmp_path / "theme")
    assert run(cwd=tmp_path).returncode == 0
    (theme / "static" / "css" / "theme.css").write_text(":root { --header-bg: rgb(1, 2, 3); }\n", encoding="utf-8")
    assert run(cwd=tmp_path).returncode == 0
    assert "rgb(1, 2, 3)" in (tmp_path / "output" / "static" / "css" / "theme.css").read_text(encoding="utf-8")


def test_a_compiled_template_of_another_theme_is_never_used(tmp_path):
    cache = tmp_path / "cache"
    write_data(cache, fleet(3))
    for club in ("Orbiters", "Landers"):  # two themes, the same file names, one cache of compiled templates
        build_site(tmp_path / club, cache, settings={"theme": make_theme(tmp_path / f"theme-{club}", club)})
    build_site(tmp_path / "none", cache)
    assert [parse(tmp_path / name / "index.html").one("footer").text.strip()[:24]
            for name in ("Orbiters", "Landers")] == ["Kept by the Orbiters clu", "Kept by the Landers club"]
    assert "Launch Library 2" in parse(tmp_path / "none" / "index.html").one("footer").text
