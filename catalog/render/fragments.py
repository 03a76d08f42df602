"""Render the pieces many pages share once, from the macros of _partials.html."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from ..data.crew import Astronaut, Station
from ..site.timelines import first_launch
from ..site.urls import NAV_PATHS
from .templates import PageTemplates

# The drawing a placeholder shows for each kind of spacecraft (static/img/craft-<kind>.svg), found by
# a word of the configuration's type ("Cargo Resupply", "Reuseable Upper Stage"): first match wins.
DRAWINGS = (("capsule", "capsule", "capsule"), ("cargo", "cargo", "cargo vehicle"),
            ("plane", "spaceplane", "spaceplane"), ("stage", "stage", "rocket stage"),
            ("lander", "lander", "lander"), ("station", "station", "station module"),
            ("module", "station", "station module"))
GENERIC_DRAWING = ("generic", "spacecraft")
OWN_DRAWINGS = {Astronaut: ("person", "person"), Station: ("station", "space station")}  # the crew data's pages


def drawing(subject: Any) -> tuple[str, str]:
    """The drawing (file stem, noun) that stands in for a missing picture of `subject`: a
    configuration, or a spacecraft's, by its type; a person or a station its own; anything else (a name)
    gets the generic one."""
    own = OWN_DRAWINGS.get(type(subject))
    if own is not None:
        return own
    kind = getattr(getattr(subject, "config", subject), "type", None)
    words = kind.casefold() if isinstance(kind, str) else ""
    for word, stem, noun in DRAWINGS:
        if word in words:
            return stem, noun
    return GENERIC_DRAWING


class Fragments:
    """Render the pieces many pages share once, from the macros of _partials.html.

    A spacecraft's card shows on four list pages and depends only on the spacecraft and `root`;
    an image's <picture> and credit line depend on the image, its size and `root`, not on the
    page, except for the alt text, which is filled in per page. Calling these from a template
    costs a dictionary look-up where a macro call costs a Jinja frame and every escape in it.
    Templates reach them as filters (make_env lists them): `craft.status|badge`,
    `config|partial("config_facts", root)`...
    """

    NAME = "\ue000"  # stands for the page's name in a cached picture (a private-use character)
    CITE = tuple(chr(0xE001 + n) for n in range(7))  # stand for a citation's values in the cached block

    def __init__(self, templates: PageTemplates, pictures: Mapping[str, Any],
                 nav_paths: frozenset[str] = NAV_PATHS) -> None:
        self.templates = templates
        self.nav_paths = nav_paths  # the header's own links: the page among them is marked current
        self.pictures_shown = pictures  # Image.key -> Picture: the images with thumbnails
        self.modules: dict[str, Any] = {}
        self.cards: dict[tuple[int, str], Markup] = {}
        self.rows: dict[tuple[int, str], str] = {}
        self.list_ends: dict[tuple[str, str], tuple[str, str]] = {}
        self.pictures: dict[tuple[Any, ...], tuple[str, bool]] = {}
        self.credits: dict[tuple[str | None, str], Markup] = {}
        self.badges: dict[tuple[Any, str], Markup] = {}
        self.headers: dict[tuple[str, str], Markup] = {}
        self.partials: dict[tuple[str, int, str], tuple[Any, Markup]] = {}
        self.cite_blocks: dict[str, list[str | int]] = {}

    def module(self, root: str) -> Any:
        """_partials.html's macros for pages whose way back to the site root is `root`."""
        module = self.modules.get(root)
        if module is None:
            module = self.modules[root] = self.templates.module("_partials.html", {"root": root})
        return module

    def card(self, craft: Any, root: str) -> Markup:
        key = (craft.id, root)
        html = self.cards.get(key)
        if html is None:
            html = self.cards[key] = Markup(self.module(root).card(craft, own_image(craft)))
        return html

    def fleet_rows(self, crafts: Any, root: str) -> str:
        """A group page's table body: _partials.html's fleet_row of each spacecraft, each rendered once per
        depth (a spacecraft is in three groups), joined as a plain str like craft_list's cards."""
        rows = []
        for craft in crafts:
            key = (craft.id, root)
            html = self.rows.get(key)
            if html is None:
                html = self.rows[key] = str(self.module(root).fleet_row(craft, first_launch(craft)))
            rows.append(html)
        return "\n".join(rows)

    def craft_list(self, crafts: Any, label: str, root: str) -> str:
        """A list page's bulk: _partials.html's craft_list around the cards of `crafts`, as a plain str.

        The macro is rendered once per label and depth with a stand-in for the cards, then split
        around it. At 100,000 records a status page is 20 MB of cards; a str is not copied by
        the page (which prints it with autoescape off), where each Markup wrap would copy it.
        """
        key = (label, root)
        ends = self.list_ends.get(key)
        if ends is None:
            html = str(self.module(root).craft_list(Markup(self.NAME), label))
            head, _, tail = html.partition(self.NAME)
            ends = self.list_ends[key] = (head, tail)
        head, tail = ends
        parts = [head]  # one join, one copy: `head + "\n".join(cards) + tail` copies the cards twice
        for craft in crafts:
            parts += (self.card(craft, root), "\n")
        if crafts:
            parts.pop()
        parts.append(tail)
        return "".join(parts)

    def picture(self, image: Any, name: str, subject: Any, root: str, size: str = "card", eager: bool = False) -> Markup:
        """The image, or the drawing of `subject`'s kind (a configuration: see drawing) where there is none."""
        image_key = image.key if image else None
        # `subject` only picks a placeholder's drawing: an image with thumbnails is the same
        # picture under every configuration, so only the image is in the key then.
        shown = image_key is not None and image_key in self.pictures_shown
        kind = None if shown else drawing(subject)
        key = (image_key, kind, size, eager, root)
        cached = self.pictures.get(key)
        if cached is None:
            html = str(self.module(root).picture(image, self.NAME, kind or GENERIC_DRAWING, size=size, eager=eager))
            cached = self.pictures[key] = (html, self.NAME in html)
        html, named = cached
        return Markup(html.replace(self.NAME, escape(name)) if named else html)

    def credit(self, image: Any, root: str) -> Markup:
        key = (image.key if image else None, root)  # the key, not the image: hashing a dataclass hashes every field
        html = self.credits.get(key)
        if html is None:
            html = self.credits[key] = Markup(self.module(root).credit(image))
        return html

    def header(self, root: str, page_path: str) -> Markup:
        key = (root, page_path if page_path in self.nav_paths else "")
        html = self.headers.get(key)
        if html is None:
            html = self.headers[key] = Markup(self.module(root).site_header(key[1]))
        return html

    def partial(self, subject: Any, macro: str, root: str) -> Markup:
        """A macro of _partials.html whose output depends only on its one argument and `root`.

        Keyed by the subject's identity (hashing a configuration would hash all its fields); the
        cache holds the subject too, so its id cannot be reused by another object meanwhile.
        """
        key = (macro, id(subject), root)
        found = self.partials.get(key)
        if found is None:
            found = self.partials[key] = (subject, Markup(getattr(self.module(root), macro)(subject)))
        return found[1]

    def cite(self, citation: tuple[str | None, ...], root: str) -> Markup:
        """The "Cite this" block of a citation (its text, key, ident, name, URL, date and site).

        The macro is rendered once per depth with stand-ins, and split around them: a page joins
        the pieces with its escaped values, one join where six replacements each copied the block.
        """
        parts = self.cite_blocks.get(root)
        if parts is None:
            html = str(self.module(root).cite_block(*map(Markup, self.CITE)))
            parts = self.cite_blocks[root] = [self.CITE.index(p) if p in self.CITE else p
                                              for p in re.split(f"([{''.join(self.CITE)}])", html)]
        values = [escape(value or "") for value in citation]
        return Markup("".join(values[p] if isinstance(p, int) else p for p in parts))

    def badge(self, status: Any) -> Markup:
        key = (status.id, status.name)
        html = self.badges.get(key)
        if html is None:
            html = self.badges[key] = Markup(self.module("").status_badge(status))
        return html


def own_image(craft: Any) -> Any:
    """The spacecraft's own image, else None: its configuration's picture, shared by every spacecraft of the
    configuration, would repeat on card after card (a card without its own image is compact, no picture)."""
    image, shared = craft.image, craft.config.image
    if image is None or (shared is not None and image.key == shared.key):
        return None
    return image
