"""The LL2 client against a hostile server on loopback: every crawl ends, every request has a
deadline and a size limit, every failure is one line naming the URL, text is UTF-8, a bad record
never displaces a good one, and the API key goes to the API's origin only.

Nothing here races a clock: a dripping server pauses on an Event between bytes, far more often
than any per-read timeout, so only the total deadline can end it; `within` only bounds how long a
test waits to learn that a call ended at all.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from base import spacecraft, within
from fakeserver import FakeLL2, gzip_bomb

from catalog.config import FetchOptions
from catalog.data import api, snapshot, transport
from catalog.data.models import FetchMeta

PATH = "/2.3.0/spacecraft/"
ROOT = Path(__file__).resolve().parents[2]
ENDED = 20.0  # seconds: a generous bound that only proves a call ended (it takes well under one)


def options(fake: FakeLL2, **overrides: Any) -> FetchOptions:
    """Settings for a loopback server: no retries, no sleeping (429 waits recorded), a generous per-read
    timeout (a good reply is never late), tiny limits where a test sets them."""
    slept = overrides.pop("slept", [])
    settings: dict[str, Any] = dict(api_url=fake.url, timeout=30.0, retries=0, backoff=0.0, sleep=slept.append)
    settings.update(overrides)
    return FetchOptions(**settings)


@pytest.fixture
def other_api():
    """A second fake server, on another port of the same host: another origin."""
    server = FakeLL2().start()
    yield server
    server.stop()


# --- 1. Every crawl ends ----------------------------------------------------------------------------

def test_an_endless_chain_of_new_records_stops_soon_after_the_count_is_passed(fake_api):
    fake_api.records = [spacecraft(i) for i in range(1, 6)]  # count: 5
    fake_api.page_cap = 2
    fake_api.endless = "new"
    with pytest.raises(api.FetchError) as failed:
        within(ENDED, api.fetch_all, options(fake_api))
    message = str(failed.value)
    assert "\n" not in message and fake_api.url in message and "the pagination does not end" in message
    assert "the first page announced 5" in message
    assert len(fake_api.requests) <= 2 * 3 + 10  # twice the pages the count implies, and a few


def test_an_endless_chain_of_the_same_records_stops_at_the_first_page_bringing_nothing_new(fake_api):
    fake_api.records = [spacecraft(1), spacecraft(2)]
    fake_api.page_cap = 2
    fake_api.endless = "same"
    with pytest.raises(api.FetchError, match="brought no new records but links to another page") as failed:
        within(ENDED, api.fetch_all, options(fake_api))
    assert len(fake_api.requests) == 2
    assert fake_api.requests[1] in str(failed.value)  # the page that brought nothing, by its URL


def test_a_count_that_lies_does_not_make_the_crawl_unbounded(fake_api):
    fake_api.count_override = 10**12
    fake_api.page_cap = 10
    fake_api.endless = "new"
    with pytest.raises(api.FetchError, match=r"stopped after http://127\.0\.0\.1:\d+/2\.3\.0/spacecraft/.*"
                                             r"60 records arrived, over the limit of 50 \(--max-records raises it; "
                                             r"the first page announced 1,000,000,000,000\)"):
        within(ENDED, api.fetch_all, options(fake_api, max_records=50))
    assert len(fake_api.requests) == 6


def test_a_crawl_within_its_bounds_still_ends_normally(fake_api):
    fake_api.records = [spacecraft(i) for i in range(1, 24)]
    fake_api.page_cap = 1  # 23 pages of one record: many pages, none of them suspicious
    records, count = api.fetch_all(options(fake_api))
    assert [r["id"] for r in records] == list(range(1, 24)) and count == 23


# --- 2. Every request has a total deadline ----------------------------------------------------------

def test_a_page_dripped_one_byte_at_a_time_is_abandoned_at_the_deadline(fake_api):
    fake_api.always[PATH] = ("drip", {})
    with pytest.raises(api.FetchError) as failed:
        within(ENDED, api.fetch_all, options(fake_api, deadline=0.5))
    assert str(failed.value) == (f"could not reach {fake_api.url}spacecraft/?limit=100&mode=detailed&ordering=id: "
                                 "took longer than 0.5 s (the deadline of one request)")


def test_a_reply_whose_headers_drip_is_abandoned_at_the_deadline_and_not_retried(fake_api):
    fake_api.always[PATH] = ("drip", {"headers": True})
    with pytest.raises(api.FetchError, match=r"could not reach .* took longer than 0\.5 s"):
        within(ENDED, api.fetch_all, options(fake_api, deadline=0.5, retries=3))
    assert len(fake_api.requests) == 1  # a server that drips is not asked again


def test_the_deadline_is_per_request_so_a_slow_crawl_of_quick_pages_completes(fake_api):
    fake_api.records = [spacecraft(i) for i in range(1, 6)]
    fake_api.page_cap = 1
    fake_api.fault(PATH, "503", times=2)  # retried, each attempt within its own deadline
    records, _ = api.fetch_all(options(fake_api, deadline=5.0, retries=2))
    assert len(records) == 5


# --- 4. Bounded bodies ------------------------------------------------------------------------------

def test_a_gzip_bomb_is_stopped_at_the_page_limit_without_inflating_it(fake_api):
    head = b'{"count": 1, "next": null, "previous": null, "results": [], "pad": "'
    fake_api.always[PATH] = ("gzipbomb", gzip_bomb(200 * 1024 * 1024, head, b'"}'))  # 200 MB in 200 KB
    tracemalloc.start()
    try:
        with pytest.raises(api.FetchError) as failed:
            api.fetch_all(options(fake_api, max_page_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(failed.value) == (f"{fake_api.url}spacecraft/?limit=100&mode=detailed&ordering=id is too large (over the limit "
                                 "of 1,048,576 bytes, decompressed)")
    assert peak < 20 * 1024 * 1024, f"{peak:,} bytes at the peak"


def test_a_page_announcing_more_than_the_limit_is_refused_before_it_is_read(fake_api):
    fake_api.records = [spacecraft(i) for i in range(1, 50)]
    with pytest.raises(api.FetchError, match=r"ordering=id is too large \([\d,]+ bytes; the limit is 10,000\)$"):
        api.fetch_all(options(fake_api, max_page_bytes=10_000))


# --- 5. Every failure is one line naming the URL -----------------------------------------------------

def test_json_nested_too_deeply_for_the_decoder_is_a_fetch_error(fake_api):
    fake_api.always[PATH] = ("deep", 100_000)
    with pytest.raises(api.FetchError, match=r"spacecraft/\?limit=100&mode=detailed&ordering=id returned JSON nested too deeply"):
        api.fetch_all(options(fake_api))


def test_a_record_nested_deeper_than_any_real_one_is_skipped_naming_it(fake_api, caplog):
    nested: Any = "bottom"
    for _ in range(300):  # readable, but more than a record of LL2 ever has
        nested = {"inner": nested}
    fake_api.records = [spacecraft(1), spacecraft(2, description=nested), spacecraft(3)]
    records, _ = api.fetch_all(options(fake_api))
    assert [r["id"] for r in records] == [1, 3]
    [warning] = [m for m in caplog.messages if m.startswith("skipping")]
    assert warning.startswith(f"skipping record 2 on {fake_api.url}spacecraft/") and "nested more than" in warning


def test_a_data_file_line_nested_too_deeply_is_skipped_with_a_warning_naming_file_and_line(tmp_path, caplog):
    data = tmp_path / "spacecraft.jsonl"
    data.write_text('{"meta": {"records": 2}}\n{"id": 1}\n' + "[" * 100_000 + "]" * 100_000 + '\n{"id": 3}\n')
    assert [r["id"] for r in snapshot.iter_records(data)] == [1, 3]
    assert caplog.messages == [f"{data} line 3 is JSON nested too deeply to read; record skipped"]


def test_a_first_line_nested_too_deeply_is_not_a_data_file(tmp_path):
    data = tmp_path / "spacecraft.jsonl"
    data.write_text('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(transport.CatalogError, match="is not a spacecraft data file"):
        snapshot.read_meta(data)


def test_retry_after_in_non_ascii_digits_is_not_a_number(fake_api):
    fake_api.records = [spacecraft(1)]
    fake_api.fault(PATH, "429", "²")  # "²".isdigit() is True; float("²") fails
    slept: list[float] = []
    api.fetch_all(options(fake_api, slept=slept))
    assert slept == [1.0]  # from the body: "Expected available in 1 second."


def test_non_ascii_digits_in_the_body_of_a_429_are_not_a_number_either(fake_api):
    fake_api.records = [spacecraft(1)]
    body = '{"detail": "Request was throttled. Expected available in ٣ seconds."}'.encode()
    fake_api.fault(PATH, "raw", (429, [("Content-Type", "application/json")], body))
    slept: list[float] = []
    api.fetch_all(options(fake_api, slept=slept))
    assert slept == [60.0]  # no usable wait: the default minute, not 3 s


def test_retry_after_as_an_http_date_is_honoured(fake_api):
    fake_api.records = [spacecraft(1)]
    fake_api.fault(PATH, "429", format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True))
    slept: list[float] = []
    api.fetch_all(options(fake_api, slept=slept))
    [wait] = slept
    assert 100 < wait <= 120


def test_retry_after_values_per_rfc_9110():
    now = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)
    assert transport.retry_after("120", now) == 120.0
    assert transport.retry_after("Tue, 01 Dec 2026 09:02:00 GMT", now) == 120.0
    assert transport.retry_after("Tuesday, 01-Dec-26 09:02:00 GMT", now) == 120.0  # the obsolete RFC 850 form
    assert transport.retry_after("Tue, 01 Dec 2026 08:00:00 GMT", now) == 0.0  # past: no wait
    for odd in ("²", "٣", "1.5", "-3", "soon", "", "Tue, 99 Dec 2026 09:02:00 GMT"):
        assert transport.retry_after(odd, now) is None, odd


@pytest.mark.parametrize("link", ["http://[::1", "ftp://127.0.0.1/x", "javascript:alert(1)",
                                  "http://127.0.0.1:99999/2.3.0/spacecraft/"])
def test_a_next_link_that_is_not_an_http_url_is_a_fetch_error_naming_the_page(fake_api, link):
    page = {"count": 2, "next": link, "previous": None, "results": [spacecraft(1)]}
    fake_api.fault(PATH, "raw", (200, [("Content-Type", "application/json")], json.dumps(page).encode()))
    with pytest.raises(api.FetchError, match=r"spacecraft/\?limit=100&mode=detailed&ordering=id gave a next link that is not an "
                                             r"http\(s\) URL"):
        api.fetch_all(options(fake_api))


def test_build_py_says_what_a_hostile_page_did_in_one_line_not_unexpected(fake_api, tmp_path):
    fake_api.always[PATH] = ("deep", 100_000)
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--fetch", "--api-url", fake_api.url,
                           "--retries", "0", "--cache", "C", "--out", "O", "-q"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"error: {fake_api.url}spacecraft/?limit=100&mode=detailed&ordering=id returned JSON "
                                        "nested too deeply to read (200,000 characters)"]


# --- 6. Text is UTF-8 -------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", [None, "text/plain", "application/json; charset=windows-1252"])
def test_pages_are_utf8_whatever_the_content_type_and_a_bad_byte_stays_where_it_is(fake_api, caplog, content_type):
    records = [spacecraft(1, "Hermès"), spacecraft(2, "Союз МС-25", description="one bad byte: BAD.")]
    page = json.dumps({"count": 2, "next": None, "previous": None, "results": records}, ensure_ascii=False)
    body = page.encode("utf-8").replace(b"BAD", b"\xff")
    headers = [("Content-Type", content_type)] if content_type else []
    fake_api.fault(PATH, "raw", (200, headers, body))
    fetched, _ = api.fetch_all(options(fake_api))
    assert [r["name"] for r in fetched] == ["Hermès", "Союз МС-25"]
    assert fetched[1]["description"] == "one bad byte: \ufffd."
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"{fake_api.url}spacecraft/?limit=100&mode=detailed&ordering=id sent bytes that are not UTF-8")


def test_a_page_of_clean_utf8_gives_no_warning(fake_api, caplog):
    fake_api.records = [spacecraft(1, "Hermès"), spacecraft(2, "Союз")]
    fetched, _ = api.fetch_all(options(fake_api))
    assert [r["name"] for r in fetched] == ["Hermès", "Союз"] and caplog.records == []


def test_escaped_lone_surrogates_become_replacement_characters_and_the_data_can_be_saved(fake_api, caplog, tmp_path):
    page = {"count": 1, "next": None, "previous": None, "results": [spacecraft(1, "Soyuz \ud800 \U0001f680")]}
    fake_api.fault(PATH, "raw", (200, [("Content-Type", "application/json")], json.dumps(page).encode()))
    fetched, count = api.fetch_all(options(fake_api))
    assert fetched[0]["name"] == "Soyuz \ufffd \U0001f680"  # the lone one replaced, the escaped pair kept
    [warning] = caplog.messages
    assert warning.startswith(f"{fake_api.url}spacecraft/?limit=100&mode=detailed&ordering=id sent \\u escapes of lone UTF-16")
    meta = FetchMeta(api_url=fake_api.url, count=count, fetched_at="2026-12-01T09:00:00Z", records=1)
    snapshot.write_records(tmp_path / "spacecraft.jsonl", fetched, meta)  # a UTF-8 file can hold it now
    assert [r["name"] for r in snapshot.iter_records(tmp_path / "spacecraft.jsonl")] == ["Soyuz \ufffd \U0001f680"]


# --- 7. A bad record never displaces a good one -----------------------------------------------------

def test_only_genuine_integers_are_ids(fake_api, caplog):
    good = spacecraft(1, "Good")
    fake_api.records = [good] + [dict(spacecraft(9, "Bad"), id=bad) for bad in (True, 1.0, "1", -1, None)]
    fetched, _ = api.fetch_all(options(fake_api))
    assert fetched == [good]  # `true` == 1 in Python: it must not take record 1's place
    [warning] = [m for m in caplog.messages if m.startswith("skipping")]
    assert warning.startswith(f"skipping 5 records without a positive integer id on {fake_api.url}spacecraft/")


# --- 11. The API key goes only to the API's origin ---------------------------------------------------

def test_the_key_is_not_sent_to_a_next_link_on_another_port(fake_api, other_api):
    fake_api.records = other_api.records = [spacecraft(i) for i in range(1, 5)]
    fake_api.page_cap = other_api.page_cap = 2
    fake_api.next_base = other_api.url  # page 2 lives on the same host, another port
    records, _ = api.fetch_all(options(fake_api, api_key="s3cret"))
    assert [r["id"] for r in records] == [1, 2, 3, 4]
    assert [h.get("authorization") for h in fake_api.headers_of(PATH)] == ["Token s3cret"]
    [received] = other_api.headers_of(PATH)
    assert "authorization" not in received and "s3cret" not in str(received)


def test_the_key_is_not_sent_to_a_redirect_to_another_origin_but_is_within_its_own(fake_api, other_api):
    fake_api.records = other_api.records = [spacecraft(1)]
    fake_api.fault(PATH, "redirect", "/2.3.0/spacecraft/?limit=100&mode=detailed&moved=1")  # same origin
    fake_api.fault(PATH, "redirect", other_api.url + "spacecraft/?limit=100&mode=detailed")
    records, _ = api.fetch_all(options(fake_api, api_key="s3cret"))
    assert [r["id"] for r in records] == [1]
    assert [h.get("authorization") for h in fake_api.headers_of(PATH)] == ["Token s3cret", "Token s3cret"]
    [received] = other_api.headers_of(PATH)
    assert "authorization" not in received


def test_redirects_in_a_loop_end_with_one_line(fake_api):
    fake_api.always[PATH] = ("redirect", "/2.3.0/spacecraft/?limit=100&mode=detailed")
    with pytest.raises(api.FetchError, match=r"spacecraft/\?limit=100&mode=detailed: more than 5 redirects"):
        api.fetch_all(options(fake_api))


def test_the_key_goes_to_the_exact_origin_only():
    client = transport.Client(FetchOptions(api_url="http://ll.example:8000/2.3.0/", api_key="k"))
    assert client.auth_for("http://LL.example:8000/2.3.0/spacecraft/?offset=100") == {"Authorization": "Token k"}
    for elsewhere in ("https://ll.example:8000/2.3.0/", "http://ll.example:8001/2.3.0/", "http://ll.example/",
                      "http://other.example:8000/", "http://ll.example:8000@evil.example/", "file:///etc/passwd"):
        assert client.auth_for(elsewhere) == {}, elsewhere
    default_port = transport.Client(FetchOptions(api_url="https://ll.example/2.3.0/", api_key="k"))
    assert default_port.auth_for("https://ll.example:443/2.3.0/x") == {"Authorization": "Token k"}
    assert "Authorization" not in default_port.session.headers
