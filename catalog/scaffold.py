"""`spacecraft-catalog new DIR`: a ready site folder, as `mkdocs new` and `hugo new site` write one.

The folder holds the config file with every key commented out (written from catalog/settings.py's
table of keys, so the two never drift), an About page, an empty theme/, a .gitignore for the cache
and the output, and a GitHub Pages workflow. The workflow's shared steps and action versions are
those of the project's own .github/workflows/pages.yml (tests/test_new_site.py compares them).
"""
from __future__ import annotations

from pathlib import Path

from .errors import CatalogError
from .settings import FILE_NAME, commented_config

ABOUT = """\
---
title: About
order: 1
---
This catalog lists spacecraft from [Launch Library 2](https://thespacedevs.com/llapi), the open
database of spaceflight run by The Space Devs. Edit `content/pages/about.md` to say what your
catalog is about; every `.md` file in `content/pages/` becomes a page at the site's root.

Images are the ones Launch Library 2 links to, each shown with its credit and license: the
[credits page](credits.html) lists them all.
"""

THEME_README = """\
A theme: files here override the built-in ones by name (docs/theming.md in the project).

- templates/NAME.html replaces the built-in template NAME.html; a template may extend the built-in
  one it replaces as "builtin/NAME.html" and change only its blocks (header, footer, the home page's strips).
- static/css/theme.css, when present, is linked after the built-in stylesheet on every page: set the
  colours there through the CSS custom properties (--accent, --link, --header-bg...).
- any other file of static/ is published under static/, replacing the built-in file of its name.
"""

GITIGNORE = """\
# The fetched data, downloaded images and compiled templates (the workflow keeps them in its cache).
.cache/
# The built site (the workflow publishes it).
output/
"""

# The steps it shares with the project's own workflow are named and pinned alike (tests/test_new_site.py).
WORKFLOW = """\
# Fetch Launch Library 2, build the catalog and publish it on GitHub Pages (Settings > Pages > Source:
# GitHub Actions). A failed fetch or build fails the run before anything is deployed: the last
# published site stays. Without an API key a run sends at most 12 requests (LL2 allows about 15 an
# hour), so a crawl can take several runs: the schedule is hourly, and the `due` job skips a run when
# no crawl is left part way and the last fetch is less than a day old. With a key, add it as the
# repository secret LL2_API_KEY.
name: Publish to GitHub Pages

on:
  push:
    branches: [main]
  schedule:
    - cron: "23 * * * *"  # hourly: finishes a crawl left part way; otherwise a fetch a day (see `due`)
  workflow_dispatch:

permissions:
  contents: read
  pages: write
  id-token: write

concurrency:
  group: pages
  cancel-in-progress: false

env:
  # What pip installs: the published package, or the project's repository (git+https://github.com/OWNER/REPO).
  CATALOG_PACKAGE: spacecraft-catalog

jobs:
  due:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    outputs:
      due: ${{ steps.due.outputs.due }}
    steps:
      - uses: actions/checkout@v5

      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"

      - name: Restore the data and image cache (to read it only)
        uses: actions/cache/restore@v5
        with:
          path: .cache/
          key: catalog-cache-${{ github.run_id }}
          restore-keys: |
            catalog-cache-

      - name: Is a fetch due?
        id: due
        env:
          EVENT: ${{ github.event_name }}
        run: |
          if [ "$EVENT" = schedule ]; then
            pip install "$CATALOG_PACKAGE" >/dev/null
            spacecraft-catalog --check-due >> "$GITHUB_OUTPUT"
          else
            echo "due=true" >> "$GITHUB_OUTPUT"
          fi

  build:
    needs: due
    if: needs.due.outputs.due == 'true'
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v5

      - uses: actions/setup-python@v6
        with:
          python-version: "3.11"

      - name: Install
        run: pip install "$CATALOG_PACKAGE"

      - name: Configure Pages
        id: pages
        uses: actions/configure-pages@v6

      - name: Restore the data and image cache
        uses: actions/cache@v5
        with:
          path: .cache/
          key: catalog-cache-${{ github.run_id }}-${{ github.run_attempt }}
          restore-keys: |
            catalog-cache-

      - name: Fetch and build
        env:
          LL2_API_KEY: ${{ secrets.LL2_API_KEY }}
          BASE_URL: ${{ steps.pages.outputs.base_url }}
        run: spacecraft-catalog --fetch --base-url "$BASE_URL"

      - uses: actions/upload-pages-artifact@v5
        with:
          path: output/

  deploy:
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v5
"""


def site_files() -> dict[str, str]:
    """Every file of a new site, by its path in the folder."""
    from .site.urls import NAV  # the built-in navigation, shown as nav's default

    return {
        FILE_NAME: commented_config(tuple((label, path) for path, label in NAV)),
        "content/pages/about.md": ABOUT,
        "theme/README.md": THEME_README,
        ".gitignore": GITIGNORE,
        ".github/workflows/pages.yml": WORKFLOW,
    }


def write_site(folder: Path) -> list[Path]:
    """Write a new site into folder (absent or empty); refuse anything else before writing a byte."""
    if folder.exists() and not folder.is_dir():
        raise CatalogError(f"{folder} is a file, not a folder: give a new or empty folder (nothing was written)")
    if folder.is_dir() and any(folder.iterdir()):
        raise CatalogError(f"{folder} is not empty: give a new or empty folder (nothing was written)")
    written = []
    for name, text in site_files().items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
