"""One way to read a URL: the client never sends the API key to a host other than the one it connects
to, because a URL that two parsers could read differently (a backslash, user info, a space, a control
character) is refused before anything is sent. Two real servers on loopback, "API" and "SITE".
"""
from __future__ import annotations

from typing import Any

import pytest
from base import Loopback, config, spacecraft
from fakeserver import FakeLL2

from catalog.config import FetchOptions
from catalog.data import api, history, normalize, transport, weburl

PATH = "/2.3.0/spacecraft/"
KEY = "s3cret-key"


def bare(ident: int) -> dict[str, Any]:
    """A record with no image: nothing here may try a host beyond loopback."""
    cfg = config()
    cfg["image"] = None
    return spacecraft(ident, cfg=cfg, image=None)


def options(fake: FakeLL2, **overrides: Any) -> FetchOptions:
    settings: dict[str, Any] = dict(api_url=fake.url, api_key=KEY, timeout=30.0, retries=0, backoff=0.0,
                                    sleep=lambda seconds: None)
    settings.update(overrides)
    return FetchOptions(**settings)


def disguised(site: Loopback, api_port: int, path: str = "/") -> str:
    """A URL that urllib's urlsplit reads as the API's host and requests connects to SITE with."""
    return f"{site.origin}\\@127.0.0.1:{api_port}{path}"


def keys_received(site: Loopback) -> list[str]:
    return [r.headers["authorization"] for r in site.received if "authorization" in r.headers]


def test_a_next_link_with_a_backslash_never_takes_the_key_to_another_host(fake_api, loopback):
    fake_api.records = [bare(1), bare(2)]
    fake_api.page_cap = 1
    fake_api.next_base = disguised(loopback, fake_api.port, "/2.3.0/")
    with pytest.raises(api.FetchError) as failed:
        api.fetch_all(options(fake_api))
    message = str(failed.value)
    assert "\n" not in message and "next link" in message and "backslash" in message
    assert keys_received(loopback) == [] and loopback.received == []
    assert [h.get("authorization") for h in fake_api.headers_of(PATH)] == [f"Token {KEY}"]


def test_a_redirect_with_a_backslash_never_takes_the_key_to_another_host(fake_api, loopback):
    fake_api.records = [bare(1)]
    fake_api.fault(PATH, "redirect", disguised(loopback, fake_api.port, "/2.3.0/spacecraft/"))
    with pytest.raises(api.FetchError) as failed:
        api.fetch_all(options(fake_api))
    assert "redirect" in str(failed.value) and "backslash" in str(failed.value)
    assert loopback.received == []


def test_a_redirect_with_user_info_is_refused(fake_api, loopback):
    fake_api.records = [bare(1)]
    fake_api.fault(PATH, "redirect", f"http://127.0.0.1:{fake_api.port}@{loopback.origin[len('http://'):]}/x")
    with pytest.raises(api.FetchError, match="user name or password"):
        api.fetch_all(options(fake_api))
    assert loopback.received == []


def test_seeding_from_a_disguised_base_url_sends_nothing_to_either_host(fake_api, loopback):
    url = disguised(loopback, fake_api.port, "/changes.json")
    assert history.published(url, options(fake_api)) is None
    assert loopback.received == [] and fake_api.received == []


@pytest.mark.parametrize("url", [
    "http://a.example:1\\@ll.example/", "http://ll.example\\@ll.example/", "http://user:pw@ll.example/",
    "http://ll.example@ll.example/", "http://ll.example/ x", "http://ll.example/\tx", "http://ll.example/\x00",
    "http://ll.example/\x85", "http://[::1/", "http://ll.example:99999/", "http://ll.example:x/",
    "ftp://ll.example/", "http:///x", "http://ll.example\u00a0/",
    "http://[::1]x/", "http://straße.example/",  # urlsplit reads a host here, urllib3 another one
])
def test_a_url_parsers_could_read_differently_has_no_origin_and_gets_no_key(url):
    assert weburl.origin(url) is None
    client = transport.Client(FetchOptions(api_url="http://ll.example/", api_key="k"))
    assert client.auth_for(url) == {}
    assert not weburl.same_origin(url, "http://ll.example/")


def test_an_api_url_parsers_disagree_on_never_gets_the_key():
    client = transport.Client(FetchOptions(api_url="http://a.example:1\\@ll.example/", api_key="k"))
    assert client.auth_for("http://ll.example/spacecraft/") == {}
    assert client.auth_for("http://a.example:1/spacecraft/") == {}


def test_the_origin_is_one_function_for_the_client_and_the_history():
    assert weburl.same_origin("HTTP://LL.example:80/a", "http://ll.example/b")
    assert weburl.origin("https://ll.example/2.3.0/") == ("https", "ll.example", 443)


def test_an_image_url_parsers_could_read_differently_is_no_image_url():
    assert normalize.http_url("https://img.example\\@other.example/a.jpg") is None
    assert normalize.http_url("https://user:pw@img.example/a.jpg") is None
    assert normalize.http_url("https://img.example/a.jpg") == "https://img.example/a.jpg"
