"""Progress as a user sees it: bars with a percentage and an ETA on a terminal, plain lines in a log,
nothing extra with -q, nothing at all from build() called as a library."""
from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest
from base import ROOT, build_site, fleet, image, image_bytes

BUILD = ROOT / "build.py"
STAGES = ("fetching spacecraft", "downloading", "resizing", "rendering")


@pytest.fixture
def served_fleet(fake_api):
    """Twelve records, each with its own image (configurations none) that the fake server serves (so each is downloaded and resized)."""
    records = fleet(12)
    for raw in records:
        ident = raw["id"]
        url = fake_api.add_file(f"/media/{ident}.jpg", image_bytes((64 + ident, 48), "navy"))
        raw["image"] = image(1000 + ident, url=url, thumb=None)
        raw["spacecraft_config"]["image"] = None  # twelve images, all of them the fake server's
    fake_api.records = records
    fake_api.page_cap = 5
    return fake_api


def on_a_terminal(*args: str, cwd, env=None) -> tuple[int, str]:
    """Run build.py with stdout and stderr on a pseudo-terminal 120 columns wide; its exit status and output."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([sys.executable, str(BUILD), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=120), b"".join(chunks).decode()


def test_a_terminal_shows_a_bar_per_stage_that_ends_at_100_percent(served_fleet, tmp_path):
    status, output = on_a_terminal("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O",
                                   cwd=tmp_path)
    assert status == 0, output
    assert "\r" in output  # redrawn in place
    for stage in STAGES:
        drawn = re.findall(rf"{stage}: +(\d+)%\|", output)
        assert drawn, f"no {stage} bar in {output!r}"
        assert drawn[-1] == "100"
    assert re.search(r"downloading: 100%\|[^\r\n]*\| 12/12 images \[[\d:]+<[\d:]+, [\d.]+ [kM]?B, [\d.]+ [kM]?B/s\]", output)
    assert re.search(r"fetching spacecraft: 100%\|[^\r\n]*\| 3/3 pages", output)
    assert re.search(r"^built \d+ pages for 12 spacecraft", output, re.M)


def test_quiet_on_a_terminal_prints_nothing(served_fleet, tmp_path):
    status, output = on_a_terminal("--fetch", "--api-url", served_fleet.url, "--cache", "C", "--out", "O", "-q",
                                   cwd=tmp_path)
    assert status == 0, output
    assert output == ""


def test_a_log_gets_plain_lines_and_no_bar(served_fleet, tmp_path):
    env = dict(os.environ, SPACECRAFT_CATALOG_PROGRESS_SECONDS="0")  # a line at every step, not every 10 s
    done = subprocess.run([sys.executable, str(BUILD), "--fetch", "--api-url", served_fleet.url, "--cache", "C",
                           "--out", "O"], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "%|" not in done.stderr
    lines = done.stderr.splitlines()
    assert "fetching spacecraft: 3 of 3 pages (100%)" in lines
    assert "resizing: 12 of 12 images (100%)" in lines
    assert any(re.fullmatch(r"downloading: 12 of 12 images \(100%\), [\d.]+ [kM]?B at [\d.]+ [kM]?B/s", line) for line in lines)
    assert any(re.fullmatch(r"rendering: 6 of \d+ pages \(\d+%\), about \d+ s left", line) for line in lines)
    assert any(re.fullmatch(r"rendering: (\d+) of \1 pages \(100%\)", line) for line in lines)


def test_a_library_build_prints_nothing(served_fleet, tmp_path, capfd):
    build_site(tmp_path / "O", tmp_path / "C", api=served_fleet)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
