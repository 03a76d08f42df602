"""Image downloads against a hostile host: a deadline per download however slowly the bytes drip, a
size limit after decompression, and a Ctrl-C that ends the build at once, the site left as it was.

The dripping host pauses on an Event between bytes (tests/fakeserver.py), never on a sleep that a
test would race; the time bounds here only prove that something ended.
"""
from __future__ import annotations

import io
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from base import config, image, spacecraft, within, write_data
from fakeserver import gzip_bomb
from PIL import Image as PILImage

from catalog.config import FetchOptions
from catalog.data import snapshot, transport
from catalog.data.models import Image, License
from catalog.images import download
from catalog.images.store import Store
from catalog.images.uses import Use

ROOT = Path(__file__).resolve().parents[2]
ENDED = 20.0  # seconds: a generous bound that only proves a download (or a build) ended


def options(fake: Any, **overrides: Any) -> FetchOptions:
    settings: dict[str, Any] = dict(api_url=fake.url, timeout=30.0, retries=0, backoff=0.0, sleep=lambda s: None)
    settings.update(overrides)
    return FetchOptions(**settings)


def jpeg() -> bytes:
    buf = io.BytesIO()
    PILImage.new("RGB", (64, 48), "navy").save(buf, "JPEG")
    return buf.getvalue()


def test_an_image_dripped_one_byte_at_a_time_is_abandoned_at_the_deadline(fake_api):
    url = fake_api.origin + "/media/drip.jpg"
    fake_api.always["/media/drip.jpg"] = ("drip", {})
    session = transport.make_session(options(fake_api))
    with pytest.raises(download.TransientError, match=r"^took longer than 0\.5 s \(the deadline of one request\)$"):
        within(ENDED, download.download, session, url, timeout=30.0, deadline=0.5)


def test_a_dripping_image_gives_one_warning_line_naming_its_url_and_the_others_arrive(fake_api, tmp_path):
    drip = fake_api.origin + "/media/drip.jpg"
    fake_api.always["/media/drip.jpg"] = ("drip", {"headers": True})
    good = fake_api.add_file("/media/good.jpg", jpeg())
    uses = {"id-1": Use(Image(1, "drip", drip, None, None, License("Unknown", None)), ["spacecraft Drip"]),
            "id-2": Use(Image(2, "good", good, None, None, License("Unknown", None)), ["spacecraft Good"])}
    store = Store(tmp_path)
    assert within(ENDED, download.fetch_sources, store, uses, options(fake_api, deadline=0.5)) == 1
    assert store.sources["id-1"].error == f"{drip}: took longer than 0.5 s (the deadline of one request)"
    assert not store.sources["id-1"].permanent  # a slow host may be quicker on the next --fetch
    assert store.sources["id-2"].file


def test_a_gzip_bomb_image_is_stopped_at_the_size_limit_without_inflating_it(fake_api):
    fake_api.always["/media/bomb.jpg"] = ("gzipbomb", gzip_bomb(200 * 1024 * 1024, jpeg()))
    session = transport.make_session(options(fake_api))
    tracemalloc.start()
    try:
        with pytest.raises(download.ImageError, match=r"too big \(over the limit of 1,048,576 bytes, decompressed\)"):
            download.download(session, fake_api.origin + "/media/bomb.jpg", timeout=30.0, max_bytes=1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"{peak:,} bytes at the peak"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_first_ctrl_c_ends_a_build_stuck_on_a_dripping_image(fake_api, tmp_path):
    fake_api.records = [spacecraft(1, "Soyuz 1", cfg=config(1, "Soyuz", image=None),
                                   image=image(1, url=fake_api.origin + "/media/drip.jpg", thumb=None))]
    write_data(tmp_path / "C", fake_api.records)  # a site built before, offline: its image not downloaded yet
    build_py = [sys.executable, str(ROOT / "build.py"), "--cache", "C", "--out", "O"]
    first = subprocess.run(build_py, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    site = tree(tmp_path / "O")

    fake_api.always["/media/drip.jpg"] = ("drip", {})  # now --fetch: the image drips, and the user presses Ctrl-C
    build = subprocess.Popen([*build_py, "--fetch", "--api-url", fake_api.url, "--retries", "0"], cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if not fake_api.dripping.wait(60):
            build.kill()
            pytest.fail(f"the build never started the download: {build.communicate()[1]}")
        build.send_signal(signal.SIGINT)
        _, stderr = build.communicate(timeout=ENDED)
    finally:
        build.kill()
        build.wait()
    assert build.returncode == 130, stderr
    assert stderr.splitlines()[-1] == "error: interrupted; the previous site is unchanged, and the cached data is the last complete crawl"
    assert "Traceback" not in stderr
    assert tree(tmp_path / "O") == site
    data = tmp_path / "C/data/spacecraft.jsonl"  # a whole data file of the same records (its fetch time aside)
    assert snapshot.read_meta(data).records == 1
    assert [r["name"] for r in snapshot.iter_records(data)] == ["Soyuz 1"]
