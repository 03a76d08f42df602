"""The next build cleans what a killed build left beside the output and in it; two builds never
write one output at once."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys

from base import ROOT, build_site, fleet, site_files


def test_what_killed_builds_left_is_cleaned_by_the_next_build(tmp_path):
    out, cache = tmp_path / "site" / "out", tmp_path / "cache"
    build_site(out, cache, records=fleet(20))
    before = site_files(out)
    dead = 4_000_000_123  # no such process
    for leftover in (f".out.building-{dead}", f".out.old-{dead}"):
        (out.parent / leftover / "spacecraft").mkdir(parents=True)
        (out.parent / leftover / "spacecraft" / "craft-1.html").write_text("half")
    (out / f".spacecraft-catalog.json.{dead}.k2j4h5g6.tmp").write_text("{")  # a marker being rewritten
    (out.parent / "unrelated").mkdir()  # not ours: kept

    build_site(out, cache, records=fleet(20))  # nothing changed: the build stops early, and cleans

    assert sorted(p.name for p in out.parent.iterdir()) == ["out", "unrelated"]
    assert site_files(out) == before


def test_a_second_build_on_one_output_stops_at_once_with_one_line(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(out, cache, records=fleet(5))
    before = site_files(out)
    with open(tmp_path / ".out.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out), "--cache", str(cache),
                                 "--force"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: another build is writing {out} (process {os.getpid()} holds {tmp_path / '.out.lock'}); "
        "run again when it is done")
    assert site_files(out) == before


def test_an_up_to_date_site_in_a_read_only_folder_still_says_so(tmp_path, monkeypatch):
    import errno

    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(out, cache, records=fleet(5))
    real_open = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(".out.lock"):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert build_site(out, cache, records=fleet(5)).written == 0
