"""How to cite a spacecraft or a configuration: a line of text, BibTeX and CSL-JSON.

Each names the record, its Launch Library 2 id, the page's URL (absolute when the build knows the
site's address, --base-url, else the path from the site root) and the date of the data.

A page's "Cite this" block carries the text and the values of its Citation (made when the page is
rendered); static/js/cite.js makes the BibTeX and CSL-JSON from them when the block opens, by the
rules of this module, and tests/site/test_cite_print.py checks that its output equals `bibtex` and
`csl_json` here. The citation files (`files`: every record in one BibTeX and one CSL-JSON file,
linked from the data page) are made here, for readers without script: this module is the one
source of both formats.
"""
from __future__ import annotations

from typing import NamedTuple

import orjson

from ..config import DEFAULT_TITLE
from ..data.groups import Catalog
from ..data.models import Configuration, Spacecraft
from .exports import Dataset
from .urls import Urls, path_for, quote_path

AUTHOR = "The Space Devs"
SOURCE = "Launch Library 2"
SITE = DEFAULT_TITLE  # the site's name in a citation: its configured title (Citer's site)
# A brace is written as a command, never as \{ or \}: BibTeX counts braces before LaTeX sees a
# backslash, so one unbalanced "\{" (a name like "Project {Alpha") made it read past the field's end.
_BIBTEX = {"\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "%": "\\%", "&": "\\&",
           "#": "\\#", "$": "\\$", "_": "\\_", "^": "\\textasciicircum{}", "~": "\\textasciitilde{}"}
_BIBTEX_SPECIAL = frozenset(_BIBTEX)


class Citation(NamedTuple):
    """What a citation says: the text, and the values BibTeX and CSL-JSON are made of."""

    text: str
    key: str  # the BibTeX key and CSL id: "ll2-spacecraft-1208"
    ident: str  # "Launch Library 2 spacecraft id 1208"
    name: str
    url: str
    date: str | None  # YYYY-MM-DD of the fetch; None for the undated sample
    site: str = SITE  # the site cited: its title


def bibtex_text(value: str) -> str:
    """Text safe inside a BibTeX field: LaTeX's special characters escaped (most names have none), and every
    brace of the text a command, so the field's own braces always balance, whatever the text."""
    if _BIBTEX_SPECIAL.isdisjoint(value):
        return value
    return "".join(_BIBTEX.get(char, char) for char in value)


class Citer:
    """Citations of the pages of one build: the URL builder, the date of the data and the site's title."""

    def __init__(self, urls: Urls, data_as_of: str | None, site: str = SITE) -> None:
        self.urls = urls
        self.data_as_of = data_as_of  # YYYY-MM-DD of the fetch; None for the undated sample
        self.site = site

    def __call__(self, subject: Spacecraft | Configuration | Dataset) -> Citation:
        """The citation of a spacecraft's or a configuration's page, or of the data as a whole (the data page)."""
        if isinstance(subject, Dataset):
            path, key, ident = Urls.data_page, "ll2-spacecraft-catalog", f"the {SOURCE} spacecraft endpoint"
        elif isinstance(subject, Spacecraft):
            path, key, ident = path_for(subject), f"ll2-spacecraft-{subject.id}", f"{SOURCE} spacecraft id {subject.id}"
        else:
            path, key = path_for(subject), f"ll2-configuration-{subject.id}"
            ident = f"{SOURCE} spacecraft configuration id {subject.id}"
        url = self.urls.absolute(path) or quote_path(path)
        text = f"{AUTHOR}. \u201c{subject.name}\u201d ({ident}). {SOURCE}, {_as_of(self.data_as_of)}. {self.site}, {url}"
        return Citation(text, key, ident, subject.name, url, self.data_as_of, self.site)

    def files(self, catalog: Catalog) -> dict[str, bytes]:
        """The citation files: the data, then every configuration and every spacecraft by id, as BibTeX and CSL-JSON."""
        configurations = sorted((g.subject for g in catalog.configurations if isinstance(g.subject, Configuration)),
                                key=lambda c: c.id)
        crafts = sorted(catalog.spacecraft, key=lambda c: c.id)
        citations = [self(Dataset((), catalog.meta)), *map(self, configurations), *map(self, crafts)]
        return {Urls.citations_bib: ("\n\n".join(map(bibtex, citations)) + "\n").encode(),
                Urls.citations_csl: orjson.dumps([csl(c) for c in citations],
                                                 option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)}



def _as_of(date: str | None) -> str:
    return f"data as of {date}" if date else "data from an undated sample snapshot"


def bibtex(c: Citation) -> str:
    """The citation as a BibTeX @misc entry."""
    fields = [("author", f"{{{AUTHOR}}}"), ("title", f"{{{bibtex_text(c.name)}}}"),
              ("howpublished", f"{SOURCE}, via {bibtex_text(c.site)}"), ("note", bibtex_text(f"{c.ident}; {_as_of(c.date)}")),
              ("url", c.url)]
    if c.date:
        fields += [("year", c.date[:4]), ("urldate", c.date)]
    return f"@misc{{{c.key},\n" + ",\n".join(f"  {name} = {{{value}}}" for name, value in fields) + "\n}"


def csl(c: Citation) -> dict[str, object]:
    """The citation as one CSL-JSON item."""
    item: dict[str, object] = {"id": c.key, "type": "dataset", "title": c.name,
                               "author": [{"literal": AUTHOR}], "publisher": AUTHOR, "container-title": SOURCE,
                               "note": f"{c.ident}; {_as_of(c.date)}; via {c.site}", "URL": c.url}
    if c.date:
        item["issued"] = {"date-parts": [[int(part) for part in c.date.split("-")]]}
    return item


def csl_json(c: Citation) -> str:
    """The citation as CSL-JSON, as a page shows it: one field per line, each value compact (indented
    all the way, the date alone took eight lines)."""
    item = csl(c)
    return "[{\n" + ",\n".join(f"  {orjson.dumps(name).decode()}: {orjson.dumps(item[name]).decode()}"
                                for name in sorted(item)) + "\n}]"
