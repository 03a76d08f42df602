""""Cite this" on spacecraft and configuration pages (text, BibTeX, CSL-JSON, a copy button that works
from file://), the citation files, and the print stylesheet, printed to PDF in headless Chromium.

A page carries its text citation; static/js/cite.js makes the BibTeX and CSL-JSON in the browser,
and catalog/site/cite.py writes the same into data/catalog.bib and data/catalog.csl.json."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from base import build_site, config, fleet, parse, spacecraft

from catalog.site import cite

BASE = "https://someone.github.io/spacecraft-catalog/"
SPECIAL = "Craft {50} & 100% #1_$ ~^ \\o/"  # every character BibTeX gives a meaning to
# Names no brace matching survives unescaped: BibTeX counts \\{ and \\} as braces too.
HOSTILE = ["Project {Alpha", "Alpha} Omega", "}{ Inverted", "Trailing \\", "Escaped \\{ brace", "{{{Deep",
           '100% "quoted" #1 & ~tilde^ $x_y$ @misc{evil,', "Comma}, url = {https://evil.example/}"]


def records() -> list[dict]:
    out = fleet(6)
    out.append(spacecraft(50, SPECIAL, cfg=config(6, "Crew Dragon 2", agency=121)))
    out += [spacecraft(80 + i, name) for i, name in enumerate(HOSTILE)]
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cite")
    build_site(root / "out", root / "cache", records=records())
    return root / "out"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cite-published")
    build_site(root / "out", root / "cache", records=records(), base_url=BASE)
    return root / "out"


def citation(path: Path) -> dict[str, str]:
    """The three texts of a page's citation: its text from the page (what every reader gets), its
    BibTeX and CSL-JSON from the site's citation files (what a reader without script gets; the
    script's own are checked against Python's by test_the_script_makes_what_python_makes)."""
    block = parse(path).one("details", class_="cite")
    assert block.one("summary").text == "Cite this"
    site = next(folder for folder in path.parents if (folder / "data.html").exists())
    key = block.attrs["data-key"]
    entries = re.split(r"\n\n(?=@misc\{)", (site / "data/catalog.bib").read_text().removesuffix("\n"))
    [bibtex] = [e for e in entries if e.startswith(f"@misc{{{key},\n")]
    [csl] = [item for item in json.loads((site / "data/catalog.csl.json").read_text()) if item["id"] == key]
    return {"text": block.one("pre", id="cite-text").text, "bibtex": bibtex, "csl": json.dumps([csl])}


def bibtex_fields(entry: str) -> tuple[str, str, dict[str, str]]:
    """Parse one BibTeX entry: its type, key and fields (values without their outer braces); the braces
    of every value must balance, or BibTeX would read past it."""
    match = re.fullmatch(r"@(\w+)\{([^,\s]+),\n(.*)\n\}", entry, re.S)
    assert match, entry
    fields = {}
    for line in match[3].split(",\n"):
        name, _, value = line.strip().partition(" = ")
        assert value.startswith("{") and value.endswith("}"), line
        depth = 0
        for i, char in enumerate(value):  # as BibTeX counts them: a backslash does not escape a brace
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            assert depth > 0 or i == len(value) - 1, f"unbalanced braces in {line!r}"
        fields[name] = value[1:-1]
    return match[1], match[2], fields


def test_a_spacecraft_page_cites_its_name_id_url_and_date(site):
    cite = citation(site / "spacecraft/craft-1.html")
    assert cite["text"] == ("The Space Devs. “Craft 1” (Launch Library 2 spacecraft id 1). Launch Library 2, "
                            "data as of 2026-11-20. Spacecraft Catalog, spacecraft/craft-1.html")
    kind, key, fields = bibtex_fields(cite["bibtex"])
    assert (kind, key) == ("misc", "ll2-spacecraft-1")
    assert fields == {"author": "{The Space Devs}", "title": "{Craft 1}",
                      "howpublished": "Launch Library 2, via Spacecraft Catalog",
                      "note": "Launch Library 2 spacecraft id 1; data as of 2026-11-20",
                      "url": "spacecraft/craft-1.html", "year": "2026", "urldate": "2026-11-20"}
    [csl] = json.loads(cite["csl"])
    assert csl == {"id": "ll2-spacecraft-1", "type": "dataset", "title": "Craft 1",
                   "author": [{"literal": "The Space Devs"}], "publisher": "The Space Devs",
                   "container-title": "Launch Library 2",
                   "note": "Launch Library 2 spacecraft id 1; data as of 2026-11-20; via Spacecraft Catalog",
                   "URL": "spacecraft/craft-1.html", "issued": {"date-parts": [[2026, 11, 20]]}}


def test_a_configuration_page_cites_the_configuration(site):
    cite = citation(site / "configurations/crew-dragon-2.html")
    assert "“Crew Dragon 2” (Launch Library 2 spacecraft configuration id 6)" in cite["text"]
    _, key, fields = bibtex_fields(cite["bibtex"])
    assert key == "ll2-configuration-6" and fields["url"] == "configurations/crew-dragon-2.html"
    assert json.loads(cite["csl"])[0]["title"] == "Crew Dragon 2"


def test_citations_name_the_absolute_url_when_the_site_address_is_known(published):
    cite = citation(published / "spacecraft/craft-1.html")
    assert cite["text"].endswith(BASE + "spacecraft/craft-1.html")
    assert bibtex_fields(cite["bibtex"])[2]["url"] == BASE + "spacecraft/craft-1.html"
    assert json.loads(cite["csl"])[0]["URL"] == BASE + "spacecraft/craft-1.html"


def test_bibtex_escapes_what_latex_would_read_as_commands(site):
    cite = citation(page_named(site, SPECIAL))
    fields = bibtex_fields(cite["bibtex"])[2]
    assert fields["title"] == ("{Craft \\textbraceleft{}50\\textbraceright{} \\& 100\\% \\#1\\_\\$ "
                               "\\textasciitilde{}\\textasciicircum{} \\textbackslash{}o/}")
    assert json.loads(cite["csl"])[0]["title"] == SPECIAL and f"“{SPECIAL}”" in cite["text"]


def test_without_script_the_page_links_the_citation_files(site):
    # The page holds no BibTeX or CSL-JSON of its own: it sends a reader without script to the data
    # page, which links both files, each holding this record's entry.
    page = parse(site / "spacecraft/craft-1.html")
    more = page.one("details", class_="cite").one("p", class_="cite-more")
    assert more.text.startswith("BibTeX and CSL-JSON of every record: the citation files")
    assert ("a.href", "../data.html#cite-h") in page.links
    data = parse(site / "data.html")
    assert ("a.href", "data/catalog.bib") in data.links and ("a.href", "data/catalog.csl.json") in data.links
    assert "@misc{ll2-spacecraft-1,\n" in (site / "data/catalog.bib").read_text()
    keys = [item["id"] for item in json.loads((site / "data/catalog.csl.json").read_text())]
    assert keys[:2] == ["ll2-spacecraft-catalog", "ll2-configuration-1"] and "ll2-spacecraft-50" in keys
    assert len(keys) == len(set(keys)) == 1 + 3 + len(records())  # the data, 3 configurations, every spacecraft


# --- What the script makes, in Chromium from file:// -------------------------------------------------

def opened(page, url: str) -> dict[str, str]:
    """Open a page and its "Cite this" block; the BibTeX and CSL-JSON the script shows there."""
    page.goto(url)
    page.click("details.cite summary")
    page.wait_for_selector("#cite-csl")
    return {"bibtex": page.text_content("#cite-bibtex"), "csl": page.text_content("#cite-csl")}


def python_citation(block: dict[str, str]) -> cite.Citation:
    """The Citation cite.py makes of a block's values (the data- attributes)."""
    return cite.Citation("", block["data-key"], block["data-ident"], block["data-name"], block["data-url"],
                         block["data-date"] or None, block["data-site"])


# Names that BibTeX, JSON or HTML read specially: braces, backslashes, quotes, control characters,
# line and paragraph separators, markup, a character outside the BMP.
STRANGE = [SPECIAL, "Project {Alpha", "}{ \\{ \\", '"quoted" \'single\' </script><b>', "tab\there\u0001\u001f\u007f",
           "line\u2028para\u2029end", "Союз МС-25 🚀 Hermès", "@misc{evil,\n  url = {x}", "   "]


@pytest.mark.parametrize("path", ["spacecraft/craft-1.html", "configurations/crew-dragon-2.html", "data.html"])
def test_the_script_makes_what_python_makes(browser, site, published, path):
    # Every page kind with a citation, with and without the site's address, and any name: what
    # cite.js shows is exactly what cite.py writes into the citation files.
    page = browser.new_page()
    try:
        for root in (site, published):
            block = parse(root / path).one("details", class_="cite").attrs
            shown = opened(page, (root / path).as_uri())
            python = python_citation(block)
            assert shown == {"bibtex": cite.bibtex(python), "csl": cite.csl_json(python)}, (root, path)
            assert shown["bibtex"] == citation(root / path)["bibtex"]  # the page's entry in catalog.bib
        block = parse(site / path).one("details", class_="cite").attrs
        for name in STRANGE:  # the same page, its name changed before the block opens
            page.goto((site / path).as_uri())
            page.evaluate("name => { document.querySelector('details.cite').dataset.name = name }", name)
            page.click("details.cite summary")
            shown = {"bibtex": page.text_content("#cite-bibtex"), "csl": page.text_content("#cite-csl")}
            python = python_citation(block)._replace(name=name)
            assert shown == {"bibtex": cite.bibtex(python), "csl": cite.csl_json(python)}, name
            assert json.loads(shown["csl"])[0]["title"] == name
    finally:
        page.close()


def test_the_script_cites_an_undated_sample_as_python_does(browser, tmp_path):
    # The shipped sample has no fetch date: no year, no urldate, no issued, "an undated sample snapshot".
    build_site(tmp_path / "out", tmp_path / "cache")  # an empty cache: the shipped sample
    path = next(p for p in sorted((tmp_path / "out/spacecraft").glob("*.html")) if p.name != "index.html")
    block = parse(path).one("details", class_="cite").attrs
    assert block["data-date"] == ""
    page = browser.new_page()
    try:
        shown = opened(page, path.as_uri())
    finally:
        page.close()
    assert "undated sample snapshot" in shown["bibtex"] and "year" not in shown["bibtex"]
    assert shown == {"bibtex": cite.bibtex(python_citation(block)), "csl": cite.csl_json(python_citation(block))}


def page_named(site: Path, name: str) -> Path:
    return next(p for p in (site / "spacecraft").glob("*.html") if p.name != "index.html" and parse(p).h1 == name)


@pytest.mark.parametrize("name", [SPECIAL, *HOSTILE])
def test_any_name_gives_a_bibtex_entry_a_bibtex_parser_reads_whole(site, name):
    from pybtex.database import parse_string  # pybtex counts braces as BibTeX does, and fails on unbalanced ones

    page = page_named(site, name)
    bibtex = citation(page)["bibtex"]
    entries = parse_string(bibtex, "bibtex").entries  # raises on an entry BibTeX could not read
    [(key, entry)] = entries.items()
    ident = int(key.rsplit("-", 1)[1])
    assert (entry.type, key) == ("misc", f"ll2-spacecraft-{ident}")
    # Every field is there, as given: the name swallowed none of those after it, and added none.
    assert [str(person) for person in entry.persons["author"]] == ["{The Space Devs}"]
    assert dict(entry.fields) == {
        "title": entry.fields["title"], "howpublished": "Launch Library 2, via Spacecraft Catalog",
        "note": f"Launch Library 2 spacecraft id {ident}; data as of 2026-11-20",
        "url": f"spacecraft/{page.name}", "year": "2026", "urldate": "2026-11-20"}


def test_bibtex_parser_canary_fails_an_unbalanced_brace():
    from pybtex.database import parse_string
    from pybtex.scanner import PybtexSyntaxError

    with pytest.raises(PybtexSyntaxError):  # what cite.py wrote for "Project {Alpha" before
        parse_string("@misc{ll2-spacecraft-1,\n  title = {{Project \\{Alpha}},\n  url = {x}\n}", "bibtex")


# --- The copy button, in Chromium from file:// ------------------------------------------------------

def copy_citation(page, url: str, what: str) -> str:
    """Open the page, open "Cite this", press the copy button of `what`; return the status it shows."""
    page.goto(url)
    page.click("details.cite summary")
    page.click(f"button[aria-label='Copy the {what}']")
    page.wait_for_function("document.querySelector('.cite-status').textContent !== ''")
    return page.text_content(".cite-status")


def test_copy_puts_the_citation_on_the_clipboard_from_file(browser, site):
    context = browser.new_context()
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        url = (site / "spacecraft/craft-1.html").as_uri()
        assert copy_citation(page, url, "BibTeX") == "BibTeX copied."
        assert page.evaluate("navigator.clipboard.readText()") == citation(site / "spacecraft/craft-1.html")["bibtex"]
    finally:
        context.close()


def test_copy_falls_back_to_selecting_the_text_without_the_clipboard_api(browser, site):
    # A browser that keeps navigator.clipboard from file:// pages (it needs a secure context):
    # the script selects the citation and copies it with execCommand("copy").
    context = browser.new_context()
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})")
        url = (site / "configurations/crew-dragon-2.html").as_uri()
        assert copy_citation(page, url, "text citation") == "Text copied."
        expected = citation(site / "configurations/crew-dragon-2.html")["text"]
        assert page.evaluate("window.getSelection().toString()") == expected
        reader = context.new_page()  # the clipboard as another page of the same browser reads it
        reader.goto(url)
        assert reader.evaluate("navigator.clipboard.readText()") == expected
    finally:
        context.close()


def test_without_script_the_copy_buttons_stay_hidden(site):
    for button in parse(site / "spacecraft/craft-1.html").find_all("button", class_="cite-copy"):
        assert "hidden" in button.attrs  # a button that would do nothing is never shown


# --- Print -----------------------------------------------------------------------------------------

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-z])")


@pytest.mark.parametrize("path", ["spacecraft/craft-1.html", "configurations/crew-dragon-2.html"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_printed_spec_sheet_has_no_site_chrome(browser, site, path, scheme):
    context = browser.new_context(color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto((site / path).as_uri())
        shown = "sel => document.querySelector(sel).checkVisibility()"  # rendered at all (not display: none)
        assert page.evaluate(shown, ".site-header nav")  # on screen: the navigation is there
        page.emulate_media(media="print")
        for chrome in (".site-header nav", ".crumbs", "details.cite"):
            assert not page.evaluate(shown, chrome), chrome
        assert page.evaluate(shown, "main h1") and page.evaluate(shown, ".facts")
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(255, 255, 255)", scheme  # ink on white, whatever the screen's scheme
        after = page.evaluate("getComputedStyle(document.querySelector('.site-footer a[href^=\"http\"]'), '::after')"
                              ".content")
        assert "https://thespacedevs.com/llapi" in after  # a printed link says where it goes
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF-") and len(PAGE_OBJECT.findall(pdf)) >= 1
    finally:
        context.close()
