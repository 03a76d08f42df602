"""A write error (a full disk, a file size limit) stops the build with one line naming the file; the
site stays as it was and nothing is left behind."""
from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from base import build_py, build_site, fleet, site_files, write_data

from catalog.config import MARKER

LINE = re.compile(r"error: (?P<reason>[^()]+) \((?P<file>[^()]+)\)")


def test_a_page_too_large_for_the_disk_is_named_and_the_site_kept(tmp_path):
    out, cache = tmp_path / "site" / "out", tmp_path / "cache"
    write_data(cache, fleet(30))
    assert build_py(out, cache).returncode == 0
    before = site_files(out)

    result = build_py(out, cache, "--force", max_file_bytes=4000)

    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and LINE.fullmatch(lines[0]), result.stderr
    said = LINE.fullmatch(lines[0])
    assert said["reason"] == "File too large"
    named = Path(said["file"])
    tree = next(folder for folder in named.parents if folder.name.startswith(".out.building-"))  # the new tree
    assert tree.parent == out.parent
    assert named.relative_to(tree).as_posix() in json.loads(before[MARKER])["files"]  # a file of the site
    assert site_files(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_a_full_disk_names_the_page_even_in_a_render_worker(tmp_path, monkeypatch):
    real = os.write

    def full(fd, data):
        if b"<title>Craft 400 " in bytes(data):  # the disk fills up as this page is written
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)  # forked render workers inherit it
    with pytest.raises(OSError) as failed:
        build_site(tmp_path / "out", tmp_path / "cache", records=fleet(450))
    assert failed.value.errno == errno.ENOSPC
    assert failed.value.filename.endswith("/spacecraft/craft-400.html")
    assert not (tmp_path / "out").exists() and [p.name for p in tmp_path.iterdir()] == ["cache"]
