"""The LL2 client against a real HTTP server on loopback: pagination, throttling, retries, errors."""
from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from base import fetch_options, spacecraft

from catalog.data import api, transport

PATH = "/2.3.0/spacecraft/"


def options(fake, **kw) -> api.FetchOptions:
    """Fast settings for tests: 429 waits recorded instead of slept, a tiny backoff, a generous timeout."""
    slept = kw.pop("slept", [])
    settings = dict(retries=3, backoff=0.01, max_wait=60.0, sleep=slept.append)
    settings.update(kw)
    return fetch_options(fake.url, **settings)


def test_follows_next_through_every_page_when_server_caps_page_size(fake_api, caplog):
    fake_api.records = [spacecraft(i) for i in range(1, 24)]
    fake_api.page_cap = 5
    caplog.set_level(logging.INFO)
    records, count = api.fetch_all(options(fake_api))
    assert [r["id"] for r in records] == list(range(1, 24))
    assert count == 23
    asked = [urlsplit(r) for r in fake_api.requests]
    assert [r.path for r in asked] == [PATH] * 5
    assert parse_qs(asked[0].query) == {"limit": ["100"], "mode": ["detailed"], "ordering": ["id"]}
    assert [parse_qs(r.query)["offset"] for r in asked[1:]] == [["5"], ["10"], ["15"], ["20"]]
    assert "fetched page 5 of 5" in caplog.text


def test_record_repeated_across_pages_is_kept_once_and_count_mismatch_warns(fake_api, caplog):
    fake_api.records = [spacecraft(i) for i in range(1, 11)]
    fake_api.page_cap = 4
    fake_api.repeat_on_page = {4: spacecraft(2, "Soyuz 2 (updated)")}
    fake_api.count_override = 12
    records, _ = api.fetch_all(options(fake_api))
    assert len(records) == 10
    assert next(r for r in records if r["id"] == 2)["name"] == "Soyuz 2 (updated)"
    assert "reported 12 spacecraft but 10 distinct records" in caplog.text


def test_429_waits_as_the_retry_after_header_says(fake_api, caplog):
    fake_api.records = [spacecraft(1)]
    fake_api.fault(PATH, "429", 7)
    slept: list[float] = []
    records, _ = api.fetch_all(options(fake_api, slept=slept))
    assert len(records) == 1
    assert slept == [7.0]
    assert "waiting 7 s" in caplog.text


def test_429_without_header_waits_the_seconds_named_in_the_body(fake_api):
    fake_api.records = [spacecraft(1)]
    fake_api.fault(PATH, "429", None)  # body: "Expected available in 1 second."
    slept: list[float] = []
    api.fetch_all(options(fake_api, slept=slept))
    assert slept == [1.0]


def test_429_gives_up_after_the_wait_budget_with_a_clear_message(fake_api):
    fake_api.records = [spacecraft(1)]
    fake_api.always[PATH] = ("429", 3000)
    with pytest.raises(api.FetchError, match=r"rate-limited \(HTTP 429\).*3000 s.*--api-key"):
        api.fetch_all(options(fake_api, max_wait=600))


def test_transient_503_is_retried(fake_api):
    fake_api.records = [spacecraft(1), spacecraft(2)]
    fake_api.fault(PATH, "503", times=2)
    records, _ = api.fetch_all(options(fake_api))
    assert len(records) == 2
    assert len(fake_api.requests) == 3


def test_permanent_500_fails_naming_url_and_status(fake_api):
    fake_api.always[PATH] = ("500",)
    with pytest.raises(api.FetchError) as err:
        api.fetch_all(options(fake_api, retries=2))
    assert "HTTP 500" in str(err.value) and fake_api.url in str(err.value)
    assert len(fake_api.requests) == 3  # first try + 2 retries


def test_malformed_json_fails_naming_url(fake_api):
    fake_api.fault(PATH, "badjson")
    with pytest.raises(api.FetchError, match="did not return valid JSON"):
        api.fetch_all(options(fake_api))


def test_unreachable_host_fails_with_one_line(fake_api):
    port = fake_api.port
    fake_api.stop()
    with pytest.raises(api.FetchError, match=f"could not reach http://127.0.0.1:{port}/.*connection failed"):
        api.fetch_all(options(fake_api, retries=1))


class At:
    """A Loopback server seen as an API root, for options()."""

    def __init__(self, loopback) -> None:
        self.url = loopback.origin + "/2.3.0/"


def one_page(*records) -> bytes:
    return json.dumps({"count": len(records), "next": None, "previous": None, "results": list(records)}).encode()


def test_a_reply_that_never_comes_times_out(loopback):
    loopback.hold(PATH)  # answers only once the test is over: the client must give up first
    with pytest.raises(api.FetchError, match=f"could not reach {loopback.origin}{PATH}.*timed out"):
        api.fetch_all(options(At(loopback), timeout=0.2, retries=0))
    assert len(loopback.received) == 1


def test_api_key_is_sent_as_token_header(loopback):
    loopback.reply(PATH, one_page(spacecraft(1)))
    records, _ = api.fetch_all(options(At(loopback), api_key="s3cret"))
    assert [r["id"] for r in records] == [1]
    [request] = loopback.received
    assert request.headers["authorization"] == "Token s3cret"


def test_without_a_key_no_authorization_header_is_sent(loopback):
    loopback.reply(PATH, one_page(spacecraft(1)))
    api.fetch_all(options(At(loopback)))
    [request] = loopback.received
    assert "authorization" not in request.headers


def test_throttle_wait_reads_header_then_body():
    class R:
        def __init__(self, headers, text):
            self.headers, self.text = headers, text

    assert transport.throttle_wait(R({"Retry-After": "12"}, "")) == 12
    assert transport.throttle_wait(R({}, "Request was throttled. Expected available in 845 seconds.")) == 845
    assert transport.throttle_wait(R({}, "nothing")) is None
