"""Every page is valid HTML (Nu HTML Checker) and passes axe-core in Chromium, in light and dark mode."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from base import build_fixture_site, html_pages, serving

VNU_VERSION = "26.9.27"  # pinned: a newer checker may add rules, and that should be a deliberate change
BASE = "https://someone.github.io/spacecraft-catalog/"

# The kinds of page a visitor lands on.
AXE_PAGES = {
    "home": "index.html",
    "search": "search.html",
    "spacecraft": "spacecraft/craft-1.html",
    "spacecraft list": "spacecraft/index.html",
    "configuration": "configurations/crew-dragon-2.html",
    "agency": "agencies/spx.html",
    "status": "statuses/active.html",
    "credits": "credits.html",
    "flight": "flights/soyuz-ms-25.html",  # the crew data's pages (issue 26)
    "astronaut": "astronauts/oleg-novitsky.html",
    "people": "astronauts/index.html",
    "station": "stations/international-space-station.html",
    "stations": "stations/index.html",
}
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_fixture_site(tmp_path_factory.mktemp("valid"), base_url=BASE)


# --- Nu HTML Checker --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """vnu.jar from npm's vnu-jar package, installed once into the user's cache (needs npm and java)."""
    if os.environ.get("VNU_JAR"):
        return Path(os.environ["VNU_JAR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    prefix = cache / "spacecraft-catalog" / f"vnu-jar-{VNU_VERSION}"
    jar = prefix / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not jar.is_file():
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm is missing: run ./scripts/test, which installs it, or set VNU_JAR to a vnu.jar")
        # --ignore-scripts: the package's install script would fetch a Java runtime; we use the system's.
        done = subprocess.run([npm, "install", "--prefix", str(prefix), "--ignore-scripts", "--no-audit",
                               "--no-fund", "--no-save", f"vnu-jar@{VNU_VERSION}"],
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or not jar.is_file():
            pytest.fail(f"could not install vnu-jar@{VNU_VERSION} with npm: {done.stderr.strip()[-500:]}")
    if not shutil.which("java"):
        pytest.fail("java is missing: run ./scripts/test, which installs a JRE")
    return jar


def vnu(jar: Path, *targets: Path) -> list[dict]:
    """Run the checker once over every HTML file of the targets; return its messages."""
    done = subprocess.run(["java", "-Xss1m", "-jar", str(jar), "--format", "json", "--skip-non-html",
                           "--exit-zero-always", *map(str, targets)],
                          capture_output=True, text=True, timeout=300)
    try:
        return json.loads(done.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report: {done.stdout[-300:]} {done.stderr[-500:]}")


def test_every_page_is_valid_html(site, vnu_jar, tmp_path):
    # A page we know is broken rides along in the same run, to prove the checker really reports errors.
    canary = tmp_path / "canary"
    canary.mkdir()
    (canary / "broken.html").write_text(
        '<!doctype html><html lang="en"><title>x</title><p id="a"><p id="a"><div></span>')
    messages = vnu(vnu_jar, site, canary)
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    page_errors = [m for m in errors if "/canary/" not in m.get("url", "")]
    assert [m for m in errors if m.get("url", "").endswith("/canary/broken.html")], messages
    report = "\n".join(f"{m['url'].split('/out/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in page_errors)
    assert not page_errors, f"{len(page_errors)} HTML errors:\n{report}"
    assert len(html_pages(site)) >= 25  # the run really covered a whole site


# --- axe-core ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(site):
    """The site over HTTP on loopback, as GitHub Pages serves it."""
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("kind", list(AXE_PAGES))
def test_no_serious_accessibility_violations(browser, site, served, axe, kind):
    path = AXE_PAGES[kind]
    assert (site / path).is_file(), f"{path} was not built"
    problems = []
    context = browser.new_context(color_scheme="light")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(served + path)
        for scheme in ("light", "dark"):  # the same page, as the reader's system preference shows it
            page.emulate_media(color_scheme=scheme)
            assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
            violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"]
            problems += [(scheme, v) for v in violations if v["impact"] in BLOCKING]
    finally:
        context.close()
    report = "\n".join(
        f"{scheme}: {v['impact']} {v['id']}: {v['help']} -> "
        + "; ".join(str(n["target"][0]) if n["target"] else "?" for n in v["nodes"][:5])
        + " | " + v["nodes"][0].get("failureSummary", "").replace("\n", " ")
        for scheme, v in problems)
    assert not problems, f"{path}:\n{report}"
    assert not errors, errors


def test_axe_reports_a_known_violation(browser, axe):
    # Proves the check above can fail: light grey text on white, and an image without alt text.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html lang="en"><title>t</title><main><p style="color:#ddd;background:#fff">'
                         'faint</p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></html>')
        ids = {v["id"] for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING}
    finally:
        context.close()
    assert {"color-contrast", "image-alt"} <= ids
