"""The Jinja environment: autoescaped, strict about undefined names, with the catalog's filters."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from . import urls
from .models import Duration
from .sources import STATIC, TEMPLATES  # noqa: F401 - STATIC: part of this module's interface

# The API's ordering fields, each way round, as the list pages and the search page offer them.
ORDERINGS = (
    ("-flights_count", "Most flights"), ("flights_count", "Fewest flights"),
    ("-time_in_space", "Most time in space"), ("time_in_space", "Least time in space"),
    ("-time_docked", "Most time docked"), ("time_docked", "Least time docked"),
    ("-mission_ends_count", "Most mission ends"), ("mission_ends_count", "Fewest mission ends"),
    ("-id", "Newest in the database (id)"), ("id", "Oldest in the database (id)"),
)


# The site header's links, in order.
SECTIONS = (
    ("spacecraft/index.html", "Spacecraft"), ("configurations/index.html", "Configurations"),
    ("agencies/index.html", "Agencies"), ("statuses/index.html", "Statuses"),
    ("search.html", "Search"), ("about.html", "About"),
)
_SECTION_PATHS = frozenset(path for path, _ in SECTIONS)


def duration_text(value: Duration | None) -> str:
    return value.text if value else "—"


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def initials(name: str) -> str:
    """Up to two initials for an image placeholder ("Crew Dragon 2" -> "CD")."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def make_env(templates: Path = TEMPLATES, *, compiled: Path | None = None) -> jinja2.Environment:
    """Build the environment every page is rendered with; `compiled` keeps compiled templates between builds."""
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        cache = jinja2.FileSystemBytecodeCache(str(compiled))  # keyed by each template's source checksum
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        bytecode_cache=cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat() per page
    )
    # Helpers are filters, not global functions: Jinja calls a filter directly, a global through
    # Context.call, which inspects it first (2 µs a call; a spacecraft page made ten of them).
    fragments = Fragments(env)
    env.filters.update(
        duration=duration_text, number=number, initials=initials,
        path=urls.path_for,  # craft|path: "spacecraft/soyuz-29.html", site-relative
        index_path=urls.index_path,  # "agencies"|index_path(2)
        craft_list=fragments.craft_list,  # crafts|craft_list(label, root)
        picture=fragments.picture,  # image|picture(name, label, root, size=..., eager=...)
        credit=fragments.credit,  # image|credit(root)
        badge=fragments.badge,  # status|badge
        site_header=fragments.header,  # root|site_header(page_path)
        site_footer=lambda root: fragments.partial(None, "site_footer", root),  # root|site_footer
        partial=fragments.partial,  # config|partial("config_facts", root)
    )
    env.globals.update(orderings=ORDERINGS, sections=SECTIONS)
    return env


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

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self.modules: dict[str, Any] = {}
        self.cards: dict[tuple[int, str], Markup] = {}
        self.list_ends: dict[tuple[str, str], tuple[str, str]] = {}
        self.pictures: dict[tuple[Any, ...], tuple[str, bool]] = {}
        self.credits: dict[tuple[str | None, str], Markup] = {}
        self.badges: dict[tuple[Any, str], Markup] = {}
        self.headers: dict[tuple[str, str], Markup] = {}
        self.partials: dict[tuple[str, int, str], tuple[Any, Markup]] = {}

    def module(self, root: str) -> Any:
        """_partials.html's macros for pages whose way back to the site root is `root`."""
        module = self.modules.get(root)
        if module is None:
            module = self.modules[root] = self.env.get_template("_partials.html").make_module({"root": root})
        return module

    def card(self, craft: Any, root: str) -> Markup:
        key = (craft.id, root)
        html = self.cards.get(key)
        if html is None:
            html = self.cards[key] = Markup(self.module(root).card(craft))
        return html

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

    def picture(self, image: Any, name: str, label: str, root: str, size: str = "card", eager: bool = False) -> Markup:
        image_key = image.key if image else None
        # `label` only names a placeholder (its initials): an image with thumbnails is the same
        # picture under every configuration, so only the image is in the key then.
        shown = image_key is not None and image_key in self.env.globals.get("thumbs", ())
        key = (image_key, None if shown else label, size, eager, root)
        cached = self.pictures.get(key)
        if cached is None:
            html = str(self.module(root).picture(image, self.NAME, label, size=size, eager=eager))
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
        key = (root, page_path if page_path in _SECTION_PATHS else "")
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

    def badge(self, status: Any) -> Markup:
        key = (status.id, status.name)
        html = self.badges.get(key)
        if html is None:
            html = self.badges[key] = Markup(self.module("").status_badge(status))
        return html


def render(env: jinja2.Environment, template: str, path: str, context: dict[str, Any]) -> bytes:
    """Render one page for the output path `path`; `root` leads back to the site root.

    Every global is set before the first page, so each page template's globals are flattened
    into one dict then: Jinja copies them into every page's context, key by key from the
    ChainMap it keeps them in.
    """
    pages = env.__dict__.setdefault("_page_templates", {})
    page = pages.get(template)
    if page is None:
        page = pages[template] = env.get_template(template)
        page.globals = dict(page.globals)
    return page.render(context, page_path=path, root=urls.root_of(path)).encode()
