"""What search engines and link previews read: page URLs, sitemap.xml, robots.txt and JSON-LD.

Absolute URLs exist only when the build knows where the site is published (--base-url); without
it nothing here emits an absolute link to the site, so the output still works from any folder.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..data.models import Configuration, Group, Image, Spacecraft
from .exports import Dataset
from .urls import CONFIGURATIONS, Urls, index_path, path_for, root_of

if TYPE_CHECKING:
    from ..images import Picture

NOT_INDEXED = frozenset({Urls.not_found})  # served for any missing address: no canonical URL of its own

# JSON inside <script> ends at the first "</script"; escaping these keeps any API text inside it.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # one, not one per page
_STR = json.encoder.encode_basestring  # a str as JSON, as _JSON writes it (ensure_ascii=False), without its checks
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(path, safe="/") leaves as it is


def xml_text(text: str) -> str:
    """Escape text for an XML element (xml.sax.saxutils.escape, without its import of urllib.request and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def indexed(paths: Iterable[str]) -> list[str]:
    """The HTML pages a search engine should know about, sorted."""
    return sorted(p for p in set(paths) if p.endswith(".html") and p not in NOT_INDEXED)


def sitemap_xml(paths: Iterable[str], urls: Urls) -> bytes:
    """A sitemap listing every indexed page by its absolute URL (no dates: rebuilds stay byte-identical)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_text(urls.absolute(p) or p)}</loc></url>" for p in indexed(paths)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def robots_txt(urls: Urls) -> bytes:
    """Allow every crawler; point at the sitemap when the site's address is known."""
    text = "User-agent: *\nAllow: /\n"
    sitemap = urls.absolute(urls.sitemap)
    if sitemap:
        text += f"\nSitemap: {sitemap}\n"
    return text.encode()


def site_files(paths: Iterable[str], urls: Urls) -> dict[str, bytes]:
    """The files written beside the pages: robots.txt always, sitemap.xml with a base URL."""
    files = {urls.robots: robots_txt(urls)}
    if urls.base_url:
        files[urls.sitemap] = sitemap_xml(paths, urls)
    return files


def script_json(text: str) -> Markup:
    """JSON text made safe to place inside a <script> element, whatever text the API sent."""
    for char, escaped in _SCRIPT_SAFE:  # str.replace is quicker than str.translate, and mostly finds none
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def image_object(image: Image, *, thumbnail: str | None = None) -> dict[str, Any]:
    """A schema.org ImageObject carrying the image's credit and license.

    Only what Google Images reads, once each: contentUrl (no `url` repeating it), creditText (no
    copyrightNotice repeating it: the API gives one credit line), license and acquireLicensePage.
    """
    obj: dict[str, Any] = {"@type": "ImageObject", "name": image.name or None,
                           "contentUrl": image.image_url or image.thumbnail_url, "thumbnailUrl": thumbnail}
    if image.credit:
        obj["creditText"] = image.credit
    if image.license.link:
        obj["license"] = image.license.link
        obj["acquireLicensePage"] = image.license.link
    return {k: v for k, v in obj.items() if v}


def spacecraft_ld(craft: Spacecraft, *, page_path: str, urls: Urls,
                  thumbnail: Callable[[Image], str | None] = lambda image: None,
                  memo: dict[Any, Any] | None = None) -> str:
    """JSON-LD for a spacecraft page: the craft as a schema.org Thing, and the page's breadcrumbs.

    What search engines use and the page does not already say in a form they read: the name,
    the Launch Library 2 identifier, the image with its credit and license, the breadcrumbs. Not
    the description (the page's own text, and its meta description), nor an @id nothing refers to,
    nor the last breadcrumb's URL (the page itself: Google's BreadcrumbList leaves it out).

    The text is what json.dumps(..., sort_keys=True, separators=(",", ":")) makes of those
    objects, put together from pieces: it is on every spacecraft page, and encoding whole
    dictionaries cost a fifth of rendering one. `memo`, kept between the pages of a build, holds
    the pieces many pages share: each image's object, and the first three breadcrumbs (home,
    configurations, the craft's configuration) as seen from each depth.
    """
    memo = {} if memo is None else memo
    root = root_of(page_path)
    config = craft.config
    here = urls.link(page_path, page_path=page_path)

    thing = ['{"@type":"Thing","additionalType":"https://www.wikidata.org/wiki/Q40218"']
    if craft.serial_number and craft.serial_number != craft.name:
        thing += (',"alternateName":', _STR(craft.serial_number))
    thing += (',"identifier":{"@type":"PropertyValue","propertyID":"Launch Library 2 spacecraft id","value":',
              _JSON.encode(craft.id), "}")
    image = craft.shown_image
    if image and (image.image_url or image.thumbnail_url):
        obj = memo.get(("image", image.key))
        if obj is None:
            obj = memo[("image", image.key)] = _JSON.encode(image_object(image, thumbnail=thumbnail(image)))
        thing += (',"image":', obj)
    thing += (',"name":', _STR(craft.name), ',"url":', _STR(here), "}")

    shared = memo.get(("trail", id(config), root))  # configurations live as long as the build
    if shared is None:
        crumbs = [("Home", urls.home), (CONFIGURATIONS.title, index_path(CONFIGURATIONS.folder)),
                  (config.name, path_for(config))]
        shared = memo[("trail", id(config), root)] = "".join(
            _crumb(n, label, urls.link(path, page_path=page_path)) + ","
            for n, (label, path) in enumerate(crumbs, start=1))
    last = f'{{"@type":"ListItem","name":{_STR(craft.name)},"position":4}}'
    trail = '{"@type":"BreadcrumbList","itemListElement":[' + shared + last + "]}"
    return '{"@context":"https://schema.org","@graph":[' + "".join(thing) + "," + trail + "]}"


def _crumb(position: int, name: str | None, item: str) -> str:
    return f'{{"@type":"ListItem","item":{_JSON.encode(item)},"name":{_JSON.encode(name)},"position":{position}}}'


def preview_image(image: Image | None, *, thumbnail: Callable[[Image], str | None] = lambda image: None) -> str | None:
    """Absolute URL of the picture a link preview shows: our thumbnail, else the API's own."""
    if image is None:
        return None
    return thumbnail(image) or image.thumbnail_url or image.image_url


class Seo:
    """What goes in each page's <head> for search engines and link previews, from the URL builder
    and the published thumbnails (Image.key -> Picture)."""

    def __init__(self, urls: Urls, pictures: Mapping[str, Picture] | None = None) -> None:
        self.urls = urls
        self.pictures = pictures or {}
        self.memo: dict[Any, Any] = {}  # JSON-LD pieces shared between pages (spacecraft_ld)

    def thumbnail(self, image: Image) -> str | None:
        """Absolute URL of our largest JPEG of the image: every link preview service reads JPEG, not all WebP."""
        picture = self.pictures.get(image.key)
        return self.urls.absolute(picture.pick("page").jpeg) if picture else None

    def canonical(self, page_path: str) -> str | None:
        return None if page_path in NOT_INDEXED else self.urls.absolute(page_path)

    def json_ld(self, craft: Spacecraft, page_path: str) -> Markup:
        return script_json(spacecraft_ld(craft, page_path=page_path, urls=self.urls, thumbnail=self.thumbnail,
                                         memo=self.memo))


class Head:
    """A page's head view: made by the plan for every page, its values computed when the page is
    rendered (in the render workers: JSON-LD for 100,000 pages is not work for the parent alone)."""

    __slots__ = ("seo", "path", "subject")

    def __init__(self, seo: Seo, path: str, subject: Spacecraft | Group | Dataset | None = None) -> None:
        self.seo, self.path, self.subject = seo, path, subject  # subject: what the page previews

    @property
    def canonical(self) -> str | None:
        return self.seo.canonical(self.path)

    @property
    def preview_url(self) -> str | None:
        """The picture a link preview shows: our thumbnail, else the API's own."""
        subject = self.subject
        if isinstance(subject, Spacecraft):
            image = subject.shown_image
        elif isinstance(subject, Group) and isinstance(subject.subject, Configuration):
            image = subject.subject.image  # a configuration's page previews its image; agencies have none
        else:
            image = None
        return preview_image(image, thumbnail=self.seo.thumbnail)

    @property
    def preview_alt(self) -> str | None:
        return self.subject.name if self.subject is not None else None

    @property
    def json_ld(self) -> Markup | None:
        """JSON-LD of a spacecraft page, and of the data page (a Dataset); None elsewhere."""
        if isinstance(self.subject, Spacecraft):
            return self.seo.json_ld(self.subject, self.path)
        if isinstance(self.subject, Dataset):
            return script_json(self.subject.json_ld(self.seo.urls, self.path))
        return None
