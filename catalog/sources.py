"""Where the inputs live (the API, templates, static files, Markdown pages), and a built site's marker.

A module of its own, without imports, so that the up-to-date check can find them without
loading Jinja or Markdown: a build with nothing to do is done before either is needed.
"""
from __future__ import annotations

from pathlib import Path

DEFAULT_API_URL = "https://ll.thespacedevs.com/2.3.0/"  # where --fetch reads the records

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"  # CSS, scripts and icons, published under static/
PAGES = ROOT / "content" / "pages"

MARKER = ".spacecraft-catalog.json"  # in a built site: what made it (catalog/writer.py writes it)
