"""How to cite a spacecraft or a configuration: a line of text, BibTeX and CSL-JSON, for its "Cite this" block.

Each names the record, its Launch Library 2 id, the page's URL (absolute when the build knows the
site's address, --base-url, else the path from the site root) and the date of the data. Made when
the page is rendered (in the render workers): a few short strings per page.
"""
from __future__ import annotations

from typing import NamedTuple

import orjson

from ..data.models import Configuration, Spacecraft
from .exports import Dataset
from .urls import Urls, path_for, quote_path

AUTHOR = "The Space Devs"
SOURCE = "Launch Library 2"
SITE = "Spacecraft Catalog"
# A brace is written as a command, never as \{ or \}: BibTeX counts braces before LaTeX sees a
# backslash, so one unbalanced "\{" (a name like "Project {Alpha") made it read past the field's end.
_BIBTEX = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "%": "\\%", "&": "\\&",
           "#": "\\#", "$": "\\$", "_": "\\_", "^": "\\textasciicircum{}", "~": "\\textasciitilde{}"}
_BIBTEX_SPECIAL = frozenset(_BIBTEX)


class Citation(NamedTuple):
    text: str
    bibtex: str
    csl_json: str


def bibtex_text(value: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped (most names have none), and every
    brace of the text a command, so the field's own braces always balance, whatever the text."""
    if _BIBTEX_SPECIAL.isdisjoint(value):
        return value
    return "".join(_BIBTEX.get(char, char) for char in value)


class Citer:
    """Citations of the pages of one build: the URL builder and the date of the data."""

    def __init__(self, urls: Urls, data_as_of: str | None) -> None:
        self.urls = urls
        self.data_as_of = data_as_of  # YYYY-MM-DD of the fetch; None for the undated sample

    def __call__(self, subject: Spacecraft | Configuration | Dataset) -> Citation:
        """The citation of a spacecraft's or a configuration's page, or of the data as a whole (the data page)."""
        if isinstance(subject, Dataset):
            path, key, ident = Urls.data_page, "ll2-spacecraft-catalog", f"the {SOURCE} spacecraft endpoint"
        else:
            path = path_for(subject)
            kind = "spacecraft" if isinstance(subject, Spacecraft) else "configuration"
            key = f"ll2-{kind}-{subject.id}"
            ident = f"{SOURCE} {'spacecraft' if kind == 'spacecraft' else 'spacecraft configuration'} id {subject.id}"
        url = self.urls.absolute(path) or quote_path(path)
        as_of = f"data as of {self.data_as_of}" if self.data_as_of else "data from an undated sample snapshot"
        text = f"{AUTHOR}. \u201c{subject.name}\u201d ({ident}). {SOURCE}, {as_of}. {SITE}, {url}"

        fields = [("author", f"{{{AUTHOR}}}"), ("title", f"{{{bibtex_text(subject.name)}}}"),
                  ("howpublished", f"{SOURCE}, via {SITE}"), ("note", bibtex_text(f"{ident}; {as_of}")),
                  ("url", url)]
        if self.data_as_of:
            fields += [("year", self.data_as_of[:4]), ("urldate", self.data_as_of)]
        bibtex = f"@misc{{{key},\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields) + "\n}"

        csl: dict[str, object] = {"id": key, "type": "dataset", "title": subject.name,
                                  "author": [{"literal": AUTHOR}], "publisher": AUTHOR, "container-title": SOURCE,
                                  "note": f"{ident}; {as_of}; via {SITE}", "URL": url}
        if self.data_as_of:
            csl["issued"] = {"date-parts": [[int(part) for part in self.data_as_of.split("-")]]}
        # One field per line, each value compact: indented all the way, the date alone took eight lines.
        csl_json = "[{\n" + ",\n".join(f"  {orjson.dumps(name).decode()}: {orjson.dumps(csl[name]).decode()}"
                                        for name in sorted(csl)) + "\n}]"
        return Citation(text, bibtex, csl_json)
