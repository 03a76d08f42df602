"""Only the project speaks on stderr: a library's log lines (urllib3's "Retrying ...") never reach the
user, at any level, and each failing image URL gets one warning in words once its retries are spent."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from base import ROOT, fleet, image

BUILD = ROOT / "build.py"
THIRD_PARTY = ("Retrying", "urllib3", "connectionpool", "Starting new HTTP", "Incremented Retry", "PIL", "MARKDOWN")


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def images_at(records: list[dict], host: str) -> list[str]:
    """Point every image of the records at host; return the URLs."""
    urls = []
    for raw in records:
        for holder in (raw, raw["spacecraft_config"]):
            if holder.get("image"):
                url = f"{host}/media/{holder['image']['id']}.jpg"
                holder["image"] = image(holder["image"]["id"], url=url, thumb=None)
                urls.append(url)
    return sorted(set(urls))


@pytest.mark.parametrize("level", [[], ["--debug"]], ids=["default", "debug"])
def test_an_unreachable_image_host_gives_one_warning_per_url_and_no_library_line(fake_api, tmp_path, level):
    fake_api.records = fleet(3)
    urls = images_at(fake_api.records, f"http://127.0.0.1:{closed_port()}")
    done = subprocess.run([sys.executable, str(BUILD), "--fetch", "--api-url", fake_api.url, "--retries", "1",
                           "--cache", "C", "--out", "O", *level], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if any(word in line for word in THIRD_PARTY)] == []
    for url in urls:
        said = [line for line in done.stderr.splitlines() if url in line]
        assert len(said) == 1, done.stderr
        assert said[0].endswith(f"{url}: connection failed (refused: nothing listens at that address)")


def test_a_failing_image_server_is_retried_quietly(fake_api, loopback, tmp_path):
    fake_api.records = fleet(2)
    urls = images_at(fake_api.records, loopback.origin)
    for url in urls:
        loopback.reply(url.removeprefix(loopback.origin), b"busy", "text/plain", status=503)
    done = subprocess.run([sys.executable, str(BUILD), "--fetch", "--api-url", fake_api.url, "--retries", "1",
                           "--cache", "C", "--out", "O", "--debug"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    for url in urls:  # retried: the server saw two requests, the user one line
        assert len(loopback.headers_of(url.removeprefix(loopback.origin))) == 2
        assert len([line for line in done.stderr.splitlines() if url in line]) == 1, done.stderr
    assert [line for line in done.stderr.splitlines() if any(word in line for word in THIRD_PARTY)] == []
