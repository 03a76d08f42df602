"""A write error (a full disk, a file size limit) stops the build with one line naming the file; the
site stays as it was and nothing is left behind."""
from __future__ import annotations

import errno
import json
import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from base import ROOT, build_site, fleet, site_files, write_data

from catalog.config import MARKER

LINE = re.compile(r"error: (?P<reason>[^()]+) \((?P<file>[^()]+)\)")


def build_py(out: Path, cache: Path, *args: str,
             max_file_bytes: int | None = None) -> subprocess.CompletedProcess[str]:
    """build.py in a child process; with max_file_bytes, no file it writes may grow past that
    (RLIMIT_FSIZE, SIGXFSZ ignored: a write past it fails with EFBIG, as a full disk fails with ENOSPC)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    command = [sys.executable, str(ROOT / "build.py"), "--out", str(out), "--cache", str(cache), "-q", *args]
    return subprocess.run(command,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=limit if max_file_bytes is not None else None)


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
