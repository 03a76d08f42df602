"""A full disk while making thumbnails is no verdict on the image: the build stops with one line
naming the file, nothing is recorded as broken, and once there is space the next build makes them."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from base import ROOT, build_py, build_site, config, image, image_bytes, parse, site_files, spacecraft

LINE = re.compile(r"error: (?P<reason>[^()]+) \((?P<file>[^()]+)\)")


@pytest.fixture
def resized_once(tmp_path, fake_api):
    """A site built with images, then its thumbnails deleted: the next build makes them again."""
    out, cache = tmp_path / "site" / "out", tmp_path / "cache"
    no_image = config(1, "Soyuz")
    no_image["image"] = None
    fake_api.records = [spacecraft(i, f"Craft {i}", cfg=no_image, image=image(i, thumb=None, url=fake_api.add_file(
        f"/media/{i}.jpg", image_bytes((600, 400), (i * 20, 100, 200))))) for i in range(1, 4)]
    build_site(out, cache, api=fake_api)
    for thumb in (cache / "images" / "thumbs").iterdir():
        thumb.unlink()
    return out, cache


def test_a_full_disk_while_resizing_is_no_verdict_on_the_image(resized_once):
    out, cache = resized_once
    before = site_files(out)

    result = build_py(out, cache, "--force", max_file_bytes=300)  # a thumbnail is larger

    assert result.returncode == 1
    [line] = result.stderr.splitlines()  # one line, no traceback of any thread
    said = LINE.fullmatch(line)
    assert said and said["reason"] == "File too large", result.stderr
    assert Path(said["file"]).parent == cache / "images" / "thumbs"
    assert site_files(out) == before
    index = json.loads((cache / "images" / "index.json").read_text())
    assert [entry for entry in index["thumbs"].values() if entry.get("error")] == []

    # Space again: the next build, even without --force, makes the thumbnails and shows them.
    result = build_py(out, cache)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no image warned about
    page = parse(out / "spacecraft" / "craft-1.html")
    assert page.pictures and not page.find_all(class_="placeholder")


# The images stage as the build runs it, in a child process whose files may not pass 300 bytes, so
# that a thumbnail fails the way it fails on a full disk; the child prints the failure as the
# command line does and exits. Several children: the traceback came from the pool's management
# thread, racing the build's own thread, in most runs here, not in all.
FULL_DISK = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (300, 300))
    from catalog.images.resize import run_jobs
    sources, out = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        for _ in run_jobs({path.stem: path for path in sorted(sources.iterdir())}, out, 2):
            pass
    except OSError as exc:
        print(f"error: {exc.strerror} ({exc.filename})", file=sys.stderr)
        sys.exit(1)
""")


def test_a_full_disk_while_many_images_wait_prints_one_line_and_no_traceback(tmp_path):
    sources, out = tmp_path / "src", tmp_path / "thumbs"
    sources.mkdir()
    for i in range(12):  # more images than the pool's queue holds: some are still waiting when one fails
        (sources / f"{i:02d}.jpg").write_bytes(image_bytes((600, 400), (i * 20, 100, 200)))

    for _ in range(5):
        done = subprocess.run([sys.executable, "-c", FULL_DISK, str(sources), str(out)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and "InvalidStateError" not in done.stderr, done.stderr
        [line] = done.stderr.splitlines()  # one line, naming the file
        said = LINE.fullmatch(line)
        assert said and said["reason"] == "File too large" and Path(said["file"]).parent == out, line
