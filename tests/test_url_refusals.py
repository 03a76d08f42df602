"""The URLs build.py refuses before it fetches or touches anything, with one line: a --base-url or
--api-url that parsers could read differently, that carries a user name or password, a fragment, a
query or a space, or that does not parse at all.

Real servers on loopback: the fake LL2 ("API") and a recording server ("SITE"); real child processes.
"""
from __future__ import annotations

import pytest
from base import bare, build_py, one_error_line

KEY = "s3cret-key"




# --- One way to read a URL ---------------------------------------------------------------------------

def test_a_base_url_that_hides_another_host_is_refused_before_the_key_goes_anywhere(fake_api, loopback, tmp_path):
    fake_api.records = [bare(1)]
    disguised = f"{loopback.origin}\\@127.0.0.1:{fake_api.port}/"  # urlsplit: API; requests: SITE
    done = build_py(tmp_path / "O", tmp_path / "C", "--fetch", "--api-url", fake_api.url, "--api-key", KEY,
                    "--base-url", disguised)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "argument --base-url" in line and "backslash" in line
    assert loopback.received == [] and fake_api.received == []
    assert not (tmp_path / "O").exists() and not (tmp_path / "C").exists()


@pytest.mark.parametrize("option", ["--api-url", "--base-url"])
def test_a_url_with_a_password_is_refused_and_the_password_never_printed(option, fake_api, tmp_path):
    fake_api.records = [bare(1)]
    secret = f"http://reader:pa55word@127.0.0.1:{fake_api.port}/2.3.0/"
    urls = {"--api-url": fake_api.url, option: secret}
    done = build_py(tmp_path / "O", tmp_path / "C", "--fetch", "--api-url", urls["--api-url"],
                    *(("--base-url", secret) if option == "--base-url" else ()))
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and f"argument {option}" in line and "user name or password" in line
    assert "--api-key" in line
    assert "pa55word" not in done.stderr + done.stdout and "reader" not in done.stderr + done.stdout
    assert fake_api.received == [] and not (tmp_path / "O").exists()


@pytest.mark.parametrize(("value", "says"), [
    ("https://user.example/repo/#frag", "fragment"),
    ("https://user.example/repo/?from=here", "query"),
    ("https://user.example/my repo/", "space"),
    ("http://[::1/", "IPv6"),
    ("http://user.example:99999/", "port"),
])
def test_a_base_url_that_would_break_every_published_link_is_refused(value, says, tmp_path):
    done = build_py(tmp_path / "O", tmp_path / "C", "--base-url", value)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "argument --base-url" in line
    assert says in line
    assert not (tmp_path / "O").exists()


@pytest.mark.parametrize(("suffix", "says"), [("#frag", "fragment"), ("?format=json", "query")])
def test_an_api_url_with_a_fragment_or_query_is_refused_before_fetching(suffix, says, fake_api, tmp_path):
    fake_api.records = [bare(1)]
    done = build_py(tmp_path / "O", tmp_path / "C", "--fetch", "--api-url", fake_api.url + suffix)
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "argument --api-url" in line and says in line
    assert fake_api.received == [] and not (tmp_path / "O").exists()


def test_an_unclosed_ipv6_api_url_is_one_clear_line(tmp_path):
    done = build_py(tmp_path / "O", tmp_path / "C", "--fetch", "--api-url", "http://[::1/")
    line = one_error_line(done.stderr)
    assert done.returncode == 2 and "argument --api-url" in line and "IPv6" in line
