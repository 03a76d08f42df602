"""What search engines and link previews read: page URLs, sitemap.xml, robots.txt and JSON-LD.

Absolute URLs exist only when the build knows where the site is published (--base-url); without
it nothing here emits an absolute link to the site, so the output still works from any folder.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from markupsafe import Markup

from . import urls
from .models import Image, Spacecraft

if TYPE_CHECKING:
    from .images import Picture

NOT_INDEXED = frozenset({"404.html"})  # served for any missing address: no canonical URL of its own
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"

# JSON inside <script> ends at the first "</script"; escaping these keeps any API text inside it.
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # one, not one per page
_STR = json.encoder.encode_basestring  # a str as JSON, as _JSON writes it (ensure_ascii=False), without its checks
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(path, safe="/") leaves as it is


def xml_text(text: str) -> str:
    """Escape text for an XML element (xml.sax.saxutils.escape, without its import of urllib.request and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_path(path: str) -> str:
    """Percent-encode a site path for a URL (most slugs are plain ASCII: no work for them)."""
    return path if _URL_SAFE.fullmatch(path) else quote(path, safe="/")


def page_url(base_url: str, path: str) -> str:
    """Absolute URL of a page: the site root for the home page, else base + path."""
    return base_url if path == "index.html" else base_url + quote_path(path)


def link(path: str, *, page_path: str, base_url: str | None) -> str:
    """URL of a site path as seen from page_path: absolute with a base URL, else relative."""
    return page_url(base_url, path) if base_url else urls.root_of(page_path) + quote_path(path)


def indexed(paths: Iterable[str]) -> list[str]:
    """The HTML pages a search engine should know about, sorted."""
    return sorted(p for p in set(paths) if p.endswith(".html") and p not in NOT_INDEXED)


def sitemap_xml(paths: Iterable[str], base_url: str) -> bytes:
    """A sitemap listing every indexed page by its absolute URL (no dates: rebuilds stay byte-identical)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{xml_text(page_url(base_url, p))}</loc></url>" for p in indexed(paths)]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def robots_txt(base_url: str | None) -> bytes:
    """Allow every crawler; point at the sitemap when the site's address is known."""
    text = "User-agent: *\nAllow: /\n"
    if base_url:
        text += f"\nSitemap: {base_url}{SITEMAP}\n"
    return text.encode()


def site_files(paths: Iterable[str], base_url: str | None) -> dict[str, bytes]:
    """The files written beside the pages: robots.txt always, sitemap.xml with a base URL."""
    files = {ROBOTS: robots_txt(base_url)}
    if base_url:
        files[SITEMAP] = sitemap_xml(paths, base_url)
    return files


def script_json(text: str) -> Markup:
    """JSON text made safe to place inside a <script> element, whatever text the API sent."""
    for char, escaped in _SCRIPT_SAFE:  # str.replace is quicker than str.translate, and mostly finds none
        if char in text:
            text = text.replace(char, escaped)
    return Markup(text)


def image_object(image: Image, *, thumbnail: str | None = None) -> dict[str, Any]:
    """A schema.org ImageObject carrying the image's credit and license."""
    source = image.image_url or image.thumbnail_url
    obj: dict[str, Any] = {"@type": "ImageObject", "name": image.name or None,
                           "contentUrl": source, "url": source, "thumbnailUrl": thumbnail}
    if image.credit:
        obj["creditText"] = image.credit
        obj["copyrightNotice"] = image.credit
    if image.license.link:
        obj["license"] = image.license.link
        obj["acquireLicensePage"] = image.license.link
    return {k: v for k, v in obj.items() if v}


def spacecraft_ld(craft: Spacecraft, *, page_path: str, base_url: str | None,
                  thumbnail: Callable[[Image], str | None] = lambda image: None,
                  memo: dict[Any, Any] | None = None) -> str:
    """JSON-LD for a spacecraft page: the craft as a schema.org Thing, and the page's breadcrumbs.

    The text is what json.dumps(..., sort_keys=True, separators=(",", ":")) makes of those
    objects, put together from pieces: it is on every spacecraft page, and encoding whole
    dictionaries cost a fifth of rendering one. `memo`, kept between the pages of a build, holds
    the pieces many pages share: each image's object, and the first three breadcrumbs (home,
    configurations, the craft's configuration) as seen from each depth.
    """
    memo = {} if memo is None else memo
    root = urls.root_of(page_path)
    config = craft.config
    here = link(page_path, page_path=page_path, base_url=base_url)

    thing = ['{"@id":', _STR(here + "#spacecraft"), ',"@type":"Thing","additionalType":"https://www.wikidata.org/wiki/Q40218"']
    if craft.serial_number and craft.serial_number != craft.name:
        thing += (',"alternateName":', _STR(craft.serial_number))
    if craft.description:
        thing += (',"description":', _STR(craft.description))
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
        crumbs = [("Home", "index.html"), ("Configurations", urls.index_path("configurations")),
                  (config.name, urls.path_for(config))]
        shared = memo[("trail", id(config), root)] = "".join(
            _crumb(n, label, link(path, page_path=page_path, base_url=base_url)) + ","
            for n, (label, path) in enumerate(crumbs, start=1))
    trail = '{"@type":"BreadcrumbList","itemListElement":[' + shared + _crumb(4, craft.name, here) + "]}"
    return '{"@context":"https://schema.org","@graph":[' + "".join(thing) + "," + trail + "]}"


def _crumb(position: int, name: str | None, item: str) -> str:
    return f'{{"@type":"ListItem","item":{_JSON.encode(item)},"name":{_JSON.encode(name)},"position":{position}}}'


def preview_image(image: Image | None, *, thumbnail: Callable[[Image], str | None] = lambda image: None) -> str | None:
    """Absolute URL of the picture a link preview shows: our thumbnail, else the API's own."""
    if image is None:
        return None
    return thumbnail(image) or image.thumbnail_url or image.image_url


def template_filters(base_url: str | None, *,
                     pictures: Mapping[str, Picture] | None = None) -> dict[str, Callable[..., Any]]:
    """Filters templates/base.html uses in <head> (page_path|canonical, craft|json_ld(page_path),
    image|preview_image); pictures are the published thumbnails by Image.key."""
    def thumbnail(image: Image) -> str | None:
        picture = (pictures or {}).get(image.key)
        # The largest JPEG: every link preview service reads JPEG, not all read WebP.
        return page_url(base_url, picture.pick("page").jpeg) if picture and base_url else None

    memo: dict[Any, Any] = {}

    def ld(craft: Spacecraft, page_path: str) -> Markup:
        return script_json(spacecraft_ld(craft, page_path=page_path, base_url=base_url, thumbnail=thumbnail, memo=memo))

    def canonical(page_path: str) -> str | None:
        return page_url(base_url, page_path) if base_url and page_path not in NOT_INDEXED else None

    return {"canonical": canonical, "json_ld": ld,
            "preview_image": lambda image: preview_image(image, thumbnail=thumbnail)}
