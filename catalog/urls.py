"""The one place that maps models to output paths. Paths are site-relative and name a file."""
from __future__ import annotations

from .models import Agency, Configuration, Group, Spacecraft, Status

SECTIONS = {"configuration": "configurations", "agency": "agencies", "status": "statuses"}
_KINDS = {Configuration: "configuration", Agency: "agency", Status: "status"}
LIST_PAGE_SIZE = 1000  # spacecraft per list page; the real catalog (~600) fits on one


def path_for(obj: object) -> str:
    """Output path of a model's page, relative to the site root (e.g. "spacecraft/soyuz-29.html")."""
    if isinstance(obj, Spacecraft):
        return f"spacecraft/{obj.slug}.html"
    kind = obj.kind if isinstance(obj, Group) else _KINDS.get(type(obj))
    if kind is not None:
        return f"{SECTIONS[kind]}/{obj.slug}.html"  # type: ignore[attr-defined]
    raise TypeError(f"no page for {type(obj).__name__}")


def index_path(section: str, page: int = 1) -> str:
    """Path of a section's index, or of its n-th list page."""
    return f"{section}/index.html" if page == 1 else f"{section}/page-{page}.html"


def root_of(path: str) -> str:
    """The relative prefix that leads from a page back to the site root ("", "../"...)."""
    return "../" * path.count("/")
