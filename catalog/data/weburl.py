"""One way to read a URL: every URL the catalog takes or follows is checked here, and its origin
(scheme, host, port) is decided here, once.

Two parsers read a URL on its way out: urllib's ``urlsplit`` (ours) and urllib3's ``parse_url``
(the one requests connects with). Where they could disagree on the host, the API key could go to
a host other than the one the origin check saw: ``http://SITE\\@API/`` is API to urlsplit and
SITE to urllib3. So a URL is refused outright when it holds what the two read differently (a
backslash, user info, whitespace, a control character), and when, after that, the two still do not
name the same scheme, host and port. What is left is read the same way by both.

check() is for a URL about to be requested (the API client, image downloads): it asks both
parsers. read() is the first half, stdlib only, for the URLs of every record (image and link URLs)
and for --base-url and --api-url (check_root), which the client checks again when it requests them.

Refusals are ``UrlError`` (a ValueError) whose message says why in a few words and never repeats
the URL: a URL may carry a password, and the caller decides how to show it (``shown``).
"""
from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

MAX_URL = 8192  # characters
DEFAULT_PORTS = {"http": 80, "https": 443}
_REFUSED = re.compile(r"[\\\s\x00-\x1f\x7f-\x9f]")  # a backslash, whitespace (any script's), a control character
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@")


class UrlError(ValueError):
    """A URL refused; str() says why, without the URL."""


class Origin(NamedTuple):
    """The scheme, host and port of an http(s) URL (RFC 6454): where a request really goes."""

    scheme: str
    host: str
    port: int


def check(url: str) -> Origin:
    """The origin of an http(s) URL that both parsers read alike; UrlError saying why otherwise.

    For a URL about to be requested, or that decides where the API key goes.
    """
    found = read(url)
    if _connects_to(url) != found:
        raise UrlError("is read differently by the parser that connects")
    return found


def read(url: str) -> Origin:
    """The origin of an http(s) URL free of everything parsers read differently; UrlError otherwise.

    check() without the second parser (urllib3, about 40 µs a URL): for the image and link URLs of
    every record, which are only published, or checked again when they are requested.
    """
    if not isinstance(url, str) or not url:
        raise UrlError("is empty")
    if len(url) > MAX_URL:
        raise UrlError(f"has {len(url):,} characters; the limit is {MAX_URL:,}")
    bad = _REFUSED.search(url)
    if bad is not None:
        char = bad.group()
        raise UrlError("contains a backslash (parsers disagree on where its host ends)" if char == "\\" else
                     "contains a space or other whitespace" if char.isspace() else "contains a control character")
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    except ValueError as exc:  # an unclosed IPv6 bracket, a port out of range or not a number
        raise UrlError(f"does not parse ({_why(exc)})") from None
    if scheme not in DEFAULT_PORTS:
        raise UrlError("is not an http(s) URL")
    if "@" in parts.netloc:
        raise UrlError("carries a user name or password (pass the API key with --api-key)")
    if not host:
        raise UrlError("has no host")
    if not host.isascii():  # as urllib3 sends it: IDNA ("bücher.example" is "xn--bcher-kva.example")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise UrlError("has a host name that cannot be encoded (IDNA)") from None
    return Origin(scheme, host, port if port is not None else DEFAULT_PORTS[scheme])


def _why(exc: ValueError) -> str:
    text = str(exc)
    return "an IPv6 address with no closing bracket" if "IPv6" in text else (
        "a port that is not a number from 0 to 65535" if "ort" in text else text)


def _connects_to(url: str) -> Origin | None:
    """The origin urllib3 (which requests connects with) reads in url; None if it cannot read one."""
    from urllib3.exceptions import LocationParseError  # here: a build with nothing to do never loads urllib3
    from urllib3.util import parse_url

    try:
        parts = parse_url(url)
    except LocationParseError:
        return None
    scheme, host = (parts.scheme or "").lower(), (parts.host or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return Origin(scheme, host.strip("[]") if ":" in host else host, parts.port or DEFAULT_PORTS[scheme])


def origin(url: str) -> Origin | None:
    """The origin of url, or None when it is not an http(s) URL both parsers read alike."""
    try:
        return check(url)
    except UrlError:
        return None


def same_origin(a: str, b: str) -> bool:
    """Whether two URLs go to the same scheme, host and port (never, when either is refused)."""
    first = origin(a)
    return first is not None and first == origin(b)


def check_root(url: str) -> str:
    """A root the catalog adds paths to (--base-url, --api-url): a URL that read() accepts, without a
    #fragment or a ?query, which would end up in the middle of every URL made from it."""
    read(url)
    if "#" in url:
        raise UrlError("has a #fragment, which would end up in the middle of every URL made from it")
    if "?" in url:
        raise UrlError("has a ?query, which would end up in the middle of every URL made from it")
    return url


def shown(url: str) -> str:
    """url as it may be printed: any user name and password replaced by ***."""
    return _USERINFO.sub(r"\1***@", url)
