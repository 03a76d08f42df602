"""--serve --watch: edit a template and the open page changes by itself; a broken one keeps the last good
site and says which template and line; a --fetch crawls once; a CSS edit shows past the service worker."""
from __future__ import annotations

import shutil

import pytest
from base import ROOT, Preview, fleet

COPIED = ("build.py", "pyproject.toml", "catalog", "templates", "static", "content")


@pytest.fixture
def clone(tmp_path):
    """The project copied to tmp_path (its templates are this test's to edit): a clone, as pyproject.toml beside catalog/ says."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def edit(path, old: str, new: str) -> str:
    """Replace the one occurrence of old in the file with new; return the file's original text."""
    original = path.read_text(encoding="utf-8")
    assert original.count(old) == 1
    path.write_text(original.replace(old, new), encoding="utf-8")
    return original


def line_of(path, text: str) -> int:
    """The 1-based line of the file holding text."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_editing_a_template_reloads_the_open_page(clone, page):
    with Preview(clone, "--watch") as preview:
        url = preview.url()
        page.goto(url + "index.html")
        assert page.locator("text=Edited by the watch test").count() == 0
        base = clone / "templates" / "base.html"
        original = edit(base, "</main>", "<p id=edited>Edited by the watch test</p></main>")
        page.wait_for_selector("#edited", timeout=30_000)  # no reload by hand: the page did it
        assert page.locator("#edited").inner_text() == "Edited by the watch test"
        on_disk = (clone / "O" / "index.html").read_text(encoding="utf-8")
        assert "Edited by the watch test" in on_disk and "__reload" not in on_disk

        base.write_text(original.replace("</main>", "{% if %}</main>"), encoding="utf-8")  # a broken template
        preview.wait_for(r"^error: .*still serving the last good site$")
        page.reload()
        assert page.locator("#edited").inner_text() == "Edited by the watch test"
        assert preview.process.poll() is None
        page.goto("about:blank")  # no reload poll left running once the preview stops


def test_a_template_error_names_the_template_and_the_line(clone):
    base = clone / "templates" / "base.html"
    with Preview(clone, "--watch") as preview:
        preview.url()
        original = edit(base, "</main>", "{% if %}</main>")  # a syntax error
        where = line_of(base, "{% if %}")
        error = preview.wait_for(r"^error: .*still serving the last good site$").group(0)
        assert error.startswith(f"error: templates/base.html line {where}: ")
        assert "Traceback" not in "\n".join(preview.lines)

        base.write_text(original.replace("</main>", "{{ no_such_value }}</main>"), encoding="utf-8")  # a runtime one
        error = preview.wait_for(r"^error: .*no_such_value.*still serving the last good site$").group(0)
        assert error.startswith(f"error: templates/base.html line {where}: "), error
        assert preview.process.poll() is None


def test_fetch_with_watch_crawls_once_and_rebuilds_offline(clone, fake_api):
    records = fleet(3)
    for raw in records:  # no images: the crawl is the only thing the fake API serves
        raw["image"] = raw["spacecraft_config"]["image"] = None
    fake_api.records = records
    with Preview(clone, "--watch", "--fetch", "--api-url", fake_api.url, "--retries", "0") as preview:
        preview.url()
        crawl = list(fake_api.requests)
        assert crawl and all(asked.startswith("/2.3.0/") for asked in crawl)  # spacecraft, flights, stations
        edit(clone / "templates" / "base.html", "</main>", "<p>one edit</p></main>")
        preview.wait_for(r"^rebuilt: the open pages reload$")
        assert fake_api.requests == crawl  # the watch rebuilds from the fetched data, offline
        edit(clone / "templates" / "base.html", "<p>one edit</p>", "<p>two edits</p>")
        preview.wait_for(r"^rebuilt: the open pages reload$", count=2)
        assert fake_api.requests == crawl
        assert "two edits" in (clone / "O" / "index.html").read_text(encoding="utf-8")
        assert sum(line == "a file changed: rebuilding" for line in preview.lines) == 2  # one per edit


def test_a_css_edit_shows_after_the_automatic_reload(clone, page):
    with Preview(clone, "--watch") as preview:
        url = preview.url()
        page.goto(url + "index.html")
        page.wait_for_load_state("load")
        # Whatever the preview does with the offline app's worker, let it settle: a page it controls.
        page.wait_for_function("navigator.serviceWorker.getRegistration().then(r => !r || !!r.active)")
        page.reload()
        colour = "getComputedStyle(document.querySelector('h1')).color"
        assert page.evaluate(colour) != "rgb(1, 2, 3)"
        css = clone / "static" / "css" / "site.css"
        css.write_text(css.read_text(encoding="utf-8") + "\nh1 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
        preview.wait_for(r"^rebuilt: the open pages reload$")
        page.wait_for_function(f"{colour} === 'rgb(1, 2, 3)'", timeout=20_000)  # no reload by hand
        page.goto("about:blank")
