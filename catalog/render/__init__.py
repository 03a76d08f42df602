"""Rendering: the Jinja environment (autoescaped, strict about undefined names), its filters, and
the Renderer that turns a planned page into bytes.

Everything a template may read is passed to Renderer() and set as the environment's globals
before the first page; nothing is put into them later or read back from them.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2

from ..config import TEMPLATES
from ..data.gathered import REDUCERS
from ..data.models import Duration, Group
from ..errors import CatalogError
from ..site import crewpages, figures, timelines
from ..site.cite import Citer
from ..site.plan import SPACECRAFT_PAGE, Page, SiteInfo
from ..site.urls import NAV, ORDERINGS, Urls, index_path, path_for, root_of
from . import svg
from .fragments import Fragments
from .templates import COMPILED_PATTERN, Compiler, PageTemplates, escape_output


def duration_text(value: Duration | None) -> str:
    return value.text if value else "—"


def number(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def initials(name: str) -> str:
    """Up to two initials for an image placeholder ("Crew Dragon 2" -> "CD")."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


BUILTIN = "builtin"  # a theme's template extends the built-in one of its name as "builtin/<name>"


def template_loader(templates: Path, theme: Path | None = None) -> jinja2.BaseLoader:
    """Where templates are found: a theme's templates/ first, by name (MkDocs' custom_dir, Hugo's layouts/),
    then the built-in ones, which stay reachable as "builtin/<name>" for a theme's file to extend."""
    builtin = jinja2.FileSystemLoader(str(templates))
    if theme is None:
        return builtin
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(theme / "templates")), builtin,
                                jinja2.PrefixLoader({BUILTIN: builtin})])


def make_env(templates: Path = TEMPLATES, *, compiled: Path | None = None, theme: Path | None = None) -> jinja2.Environment:
    """The environment every page is rendered with; `compiled` keeps compiled templates between builds."""
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        # Keyed by each template's name and file, and checked against its source's checksum: a theme's
        # base.html and the built-in one never share a compiled template (tests/render/test_theme.py).
        cache = jinja2.FileSystemBytecodeCache(str(compiled), COMPILED_PATTERN)
    env = jinja2.Environment(
        loader=template_loader(templates, theme),
        bytecode_cache=cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates do not change during a build: no stat() per page
        cache_size=-1,  # a dict of every template: no LRU bookkeeping and lock on each extends and import
    )
    env.code_generator_class = Compiler  # prints values through escape_output (render/templates.py)
    env.escape_output = escape_output  # type: ignore[attr-defined]
    return env


KEYED = frozenset({SPACECRAFT_PAGE})  # the page kinds with a render key: one per record, each made of its own values


class Renderer:
    """Render planned pages: the environment, its globals and filters, and the shared fragments."""

    def __init__(self, *, site: SiteInfo, urls: Urls, pictures: Mapping[str, Any],
                 templates: Path = TEMPLATES, compiled: Path | None = None, theme: Path | None = None,
                 nav: tuple[tuple[str, str], ...] = NAV, frame: str | None = None) -> None:
        self.env = env = make_env(templates, compiled=compiled, theme=theme)
        self.folders = (templates,) if theme is None else (theme, templates)  # errors name theme/templates/...
        self.pictures = pictures
        # What every page is rendered with besides its own values: the code, templates, theme and options
        # (`frame`, from output/uptodate.py) and the site's values; None: no page is reused.
        self.frame = None if frame is None else hashlib.sha256(
            frame.encode() + pickle.dumps((site, urls.base_url, nav), protocol=5)).digest()
        self.templates = PageTemplates(env)
        # Helpers are filters, not global functions: Jinja calls a filter directly, a global through
        # Context.call, which inspects it first (ten calls a spacecraft page; benchmarks/README.md).
        fragments = self.fragments = Fragments(self.templates, pictures, frozenset(path for path, _ in nav))
        cite = Citer(urls, site.data_as_of, site.title)
        env.filters.update(
            duration=duration_text, number=number, initials=initials,
            path=path_for,  # craft|path: "spacecraft/soyuz-29.html", site-relative
            index_path=index_path,  # "agencies"|index_path(2)
            craft_list=fragments.craft_list,  # crafts|craft_list(label, root)
            fleet_rows=fragments.fleet_rows,  # crafts|fleet_rows(root): a group page's table rows
            picture=fragments.picture,  # image|picture(name, label, root, size=..., eager=...)
            credit=fragments.credit,  # image|credit(root)
            badge=fragments.badge,  # status|badge
            site_header=fragments.header,  # root|site_header(page_path)
            site_footer=lambda root: fragments.partial(None, "site_footer", root),  # root|site_footer
            partial=fragments.partial,  # config|partial("config_facts", root)
            record_path=Urls.record,  # craft|record_path: "spacecraft/soyuz-29.json"
            csv_path=Urls.group_csv,  # group|csv_path: "data/statuses/active.csv"
            cite=lambda subject, root: fragments.cite(cite(subject), root),  # craft|cite(root): "Cite this"
            chart=svg.draw,  # view|chart: a statistics view or a timeline as inline SVG
            # group|fleet_timeline, craft|craft_timeline: the view (None without dated flights), made in the
            # render workers and only for pages that show one; what is in space runs to the data's date.
            fleet_timeline=lambda group: timelines.fleet(group, site.data_date),
            craft_timeline=lambda craft, dockings=(): timelines.craft(craft, site.data_date, dockings),
            flight_duration=timelines.shown_duration,  # f|flight_duration: the API's, or a span marked computed
            launch_summary=timelines.launch_summary,  # f|launch_summary: designator, rocket, pad, mission, status
            # The figures of site/figures.py, each with its source: craft|figures, group|totals (each group's
            # sums made once per worker: a group's pages all show them), craft|craft_page (its figures,
            # flights table and summary line).
            figures=figures.of, totals=self.totals, craft_page=figures.page,
            # The crew data's pages (site/crewpages.py), their views made here in the workers:
            # flight|flight_page(crew, crafts), person|astronaut_page(crew, crafts), station|station_page(crew,
            # crafts, date); craft|crew_checks(crew): a spacecraft page's sums, from its own context (render keys).
            flight_page=crewpages.flight_page, astronaut_page=crewpages.astronaut_page,
            station_page=crewpages.station_page, crew_checks=crewpages.craft_checks, instant=crewpages.instant,
        )
        env.globals.update(site=site, urls=urls, thumbs=pictures, orderings=ORDERINGS, nav=nav)
        self.group_totals: dict[tuple[str, str], figures.GroupTotals] = {}

    def totals(self, group: Group) -> figures.GroupTotals:
        """A group's sums (flights, time in space), each saying how many of its spacecraft it covers."""
        key = (group.kind, group.slug)
        found = self.group_totals.get(key)
        if found is None:
            found = self.group_totals[key] = figures.group_totals(group)
        return found

    def key(self, page: Page) -> str | None:
        """The render key of a page of a kind in KEYED: a digest of everything it is made from (the frame,
        its template, its values and its pictures), so that a page with the previous build's key is kept
        as it was (SiteWriter.reuse) instead of rendered again. None for every other page.

        Sound only while such a page shows nothing but its context, its head's subject and the site-wide
        values in the frame: tests/output/test_reuse.py rebuilds after each kind of change and compares
        with a build that renders everything.
        """
        if self.frame is None or page.kind not in KEYED:
            return None
        craft = page.context["craft"]
        shown = [self.pictures.get(image.key) for image in (craft.image, craft.config.image) if image is not None]
        values = (page.path, page.template, page.context, [p.renditions if p else None for p in shown])
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=5)
        pickler.dispatch_table = REDUCERS
        try:
            pickler.dump(values)
        except Exception:  # noqa: BLE001 - e.g. a record nested too deeply to pickle: rendered every time
            return None
        return hashlib.sha256(self.frame + buffer.getvalue()).hexdigest()[:32]

    def render(self, page: Page) -> bytes:
        """One page's bytes; `root` leads from its path back to the site root."""
        try:  # not `with named_template_errors()`: a context manager costs 2 % of a page's render
            return self.templates.render(page.template, page.context, page_path=page.path,
                                         root=root_of(page.path), kind=page.kind, head=page.head).encode()
        except jinja2.TemplateError as exc:
            raise template_error(exc, self.folders) from exc

    def prepare_fork(self) -> None:
        """Compile every template once, before worker processes are forked."""
        with named_template_errors(*self.folders):
            self.templates.compile_all()


@contextlib.contextmanager
def named_template_errors(*folders: Path) -> Iterator[None]:
    """Turn an error in a template of the folders (its syntax, or a value it asks for) into one line
    naming the file and the line: `templates/base.html line 12: 'title' is undefined`, or a theme's
    `theme/templates/base.html line 3: ...`."""
    try:
        yield
    except jinja2.TemplateError as exc:
        raise template_error(exc, folders) from exc


def template_error(exc: jinja2.TemplateError, folders: tuple[Path, ...]) -> CatalogError:
    """The one line of named_template_errors()."""
    return CatalogError(f"{template_line(exc, folders or (TEMPLATES,))}: {exc.message or type(exc).__name__}")


def template_line(exc: jinja2.TemplateError, folders: tuple[Path, ...]) -> str:
    """Where the error is: a syntax error knows its file and line; any other error's traceback, as Jinja
    rewrites it, has the template's own frames, the innermost of them the line at fault."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return f"{shown(exc.filename, folders)} line {exc.lineno}"
    where = "a template"
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if any(Path(filename).is_relative_to(folder) for folder in folders):
            where = f"{shown(filename, folders)} line {tb.tb_lineno}"
        tb = tb.tb_next
    return where


def shown(filename: str, folders: tuple[Path, ...]) -> str:
    """A template's path as a user finds it in the project: templates/base.html, theme/templates/base.html."""
    path = Path(filename)
    for folder in folders:
        if path.is_relative_to(folder):
            return path.relative_to(folder.parent).as_posix()
    return filename
