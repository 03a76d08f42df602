"""No moment without a site: whenever a build is killed (SIGKILL, between any two system calls) the
output folder is there and complete; the next build cleans what the killed one left; no worker
outlives its build; Ctrl-C while resizing or rendering ends the build at once, the old site kept."""
from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from base import build_site, fleet, image, image_bytes, spacecraft, write_data

from catalog.config import MARKER

ROOT = Path(__file__).resolve().parent.parent.parent

# Runs build.py with hooks set by environment variables: SIGKILL itself right after the n-th rename
# (os.rename, os.replace, the atomic exchange), no atomic exchange (the fallback), slow images or
# slow pages (so that a signal finds the build at work there).
HARNESS = f"""
import os, signal, sys, time
sys.path.insert(0, {str(ROOT)!r})
env = os.environ.get
if env("KILL_AFTER_RENAME"):
    import catalog.files as files
    calls = [0]
    def killing(call):
        def wrapper(*args, **kwargs):
            result = call(*args, **kwargs)
            calls[0] += 1
            if calls[0] == int(env("KILL_AFTER_RENAME")):
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapper
    os.rename, os.replace = killing(os.rename), killing(os.replace)
    if hasattr(files, "exchange"):
        files.exchange = killing(files.exchange)
if env("NO_EXCHANGE"):
    import catalog.files as files
    files.exchange = lambda a, b: False
if env("SLOW_RESIZE"):
    import catalog.images.resize as resize
    real = resize.make_renditions
    def slow(*args, **kwargs):
        time.sleep(float(env("SLOW_RESIZE")))
        return real(*args, **kwargs)
    resize.make_renditions = slow
if env("SLOW_RENDER"):
    import catalog.render as render
    real_render = render.Renderer.render
    def slow_render(self, page):
        time.sleep(float(env("SLOW_RENDER")))
        return real_render(self, page)
    render.Renderer.render = slow_render
import build
sys.exit(build.main(sys.argv[1:]))
"""


class Builds:
    """build.py runs on one output folder, each a child process tagged so that its workers can be found."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path
        self.out = tmp_path / "site" / "out"  # alone in its folder: anything beside it is a leftover
        self.cache = tmp_path / "cache"
        self.harness = tmp_path / "harness.py"
        self.harness.write_text(HARNESS)
        self.tag = f"SPACECRAFT_TEST_TAG={uuid.uuid4().hex}"
        self.running: list[subprocess.Popen] = []

    def start(self, *args: str, **hooks: str) -> subprocess.Popen:
        """Start a build; its stderr goes to a file (a pipe would stay open in a surviving worker)."""
        env = {**os.environ, **hooks, self.tag.split("=")[0]: self.tag.split("=")[1]}
        with open(self.root / f"stderr-{len(self.running)}", "wb") as stderr:
            process = subprocess.Popen(
                [sys.executable, str(self.harness), "--cache", str(self.cache), "--out", str(self.out), "-q",
                 *args],
                env=env, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        self.running.append(process)
        return process

    def stderr(self, process: subprocess.Popen) -> str:
        return (self.root / f"stderr-{self.running.index(process)}").read_text()

    def run(self, *args: str, **hooks: str) -> subprocess.CompletedProcess:
        process = self.start(*args, **hooks)
        process.wait(timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, "", self.stderr(process))

    def tagged(self) -> list[int]:
        """Every live process of these builds (workers included: they inherit the environment)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if self.tag.encode() in (entry / "environ").read_bytes().split(b"\0") and not _zombie(entry):
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def children_of(self, pid: int, *, count: int, timeout: float = 20.0) -> list[int]:
        """Wait until pid has `count` child processes; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            kids = [p for p in self.tagged() if _parent(p) == pid]
            if len(kids) >= count:
                return kids
            time.sleep(0.005)
        raise AssertionError(f"process {pid} never had {count} workers")

    def cleanup(self) -> None:
        for pid in self.tagged():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        for process in self.running:
            if process.poll() is None:
                process.kill()
                process.wait()


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _zombie(entry: Path) -> bool:
    return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


@pytest.fixture
def builds(tmp_path):
    runs = Builds(tmp_path)
    yield runs
    runs.cleanup()


def assert_complete(out: Path) -> dict[str, str]:
    """out is a whole site: its marker, and every file the marker lists, a regular file."""
    assert out.is_dir(), f"{out} is missing"
    files = json.loads((out / MARKER).read_text(encoding="utf-8"))["files"]
    missing = [p for p in files if not (out / p).is_file() or (out / p).is_symlink()]
    assert missing == [], f"{len(missing)} files of the manifest are missing, e.g. {missing[:3]}"
    assert "index.html" in files and "spacecraft/index.html" in files
    return files


def assert_no_leftovers(builds: Builds) -> None:
    """Nothing beside the site, nothing in it but what its manifest lists, no process left."""
    assert sorted(p.name for p in builds.out.parent.iterdir()) == ["out"]
    files = set(assert_complete(builds.out)) | {MARKER}
    found = [p.relative_to(builds.out).as_posix() for p in builds.out.rglob("*") if not p.is_dir()]
    assert sorted(found) == sorted(files)
    assert builds.tagged() == []


def test_killed_at_random_moments_the_site_is_always_whole_and_the_next_build_cleans_up(builds):
    write_data(builds.cache, fleet(450))  # enough pages for render workers
    started = time.monotonic()
    assert builds.run().returncode == 0
    duration = time.monotonic() - started
    rng = random.Random(12)
    for _ in range(15):
        process = builds.start("--force")
        time.sleep(rng.uniform(0.05, duration * 1.2))
        process.kill()
        process.wait()
        assert_complete(builds.out)
    result = builds.run()
    assert result.returncode == 0, result.stderr
    assert_no_leftovers(builds)


def test_a_kill_right_after_any_rename_leaves_the_whole_site(builds):
    write_data(builds.cache, fleet(20))
    assert builds.run().returncode == 0
    before = assert_complete(builds.out)
    for n in range(1, 20):
        result = builds.run("--force", KILL_AFTER_RENAME=str(n))
        if result.returncode == 0:
            break  # the build made fewer renames than n: each one was a moment to be killed at
        assert result.returncode == -signal.SIGKILL
        assert assert_complete(builds.out) == before
    else:
        raise AssertionError("the build never ended")
    assert n > 2  # the marker and the swap, at least
    assert_no_leftovers(builds)


def test_without_the_atomic_exchange_the_next_build_puts_back_a_site_a_kill_set_aside(builds):
    write_data(builds.cache, fleet(20))
    assert builds.run().returncode == 0
    before = assert_complete(builds.out)
    missing = 0
    for n in range(1, 20):
        result = builds.run("--force", KILL_AFTER_RENAME=str(n), NO_EXCHANGE="1")
        if result.returncode == 0:
            break
        missing += not builds.out.exists()  # killed between the two renames of the fallback
        result = builds.run()
        assert result.returncode == 0, result.stderr
        assert assert_complete(builds.out) == before
        assert_no_leftovers(builds)
    assert missing == 1


def test_no_worker_outlives_a_killed_build(builds):
    write_data(builds.cache, fleet(450))
    process = builds.start(SLOW_RENDER="0.01")
    workers = builds.children_of(process.pid, count=1)
    time.sleep(0.3)  # at work
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)  # a worker stuck in its work: it does not notice the parent go
    process.kill()
    process.wait()
    assert _gone(builds)


def _gone(builds: Builds, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while builds.tagged() and time.monotonic() < deadline:
        time.sleep(0.02)
    return builds.tagged() == []


@pytest.fixture
def images_to_resize(builds, fake_api):
    """A site built with its images (--fetch from the fake LL2), then its thumbnails deleted: the
    next build resizes every image again."""
    records = [spacecraft(i, f"Craft {i}", image=image(i, thumb=None, url=fake_api.add_file(
        f"/media/{i}.jpg", image_bytes((400, 300), (i, 100, 200))))) for i in range(1, 13)]
    fake_api.records = records
    build_site(builds.out, builds.cache, api=fake_api)
    for thumb in (builds.cache / "images" / "thumbs").iterdir():
        thumb.unlink()
    return builds


def test_no_resize_worker_outlives_a_killed_build(images_to_resize):
    builds = images_to_resize
    process = builds.start("--force", SLOW_RESIZE="1")
    workers = builds.children_of(process.pid, count=2)
    time.sleep(0.3)  # at work
    for pid in workers:
        os.kill(pid, signal.SIGSTOP)
    process.kill()
    process.wait()
    assert _gone(builds)
    assert_complete(builds.out)


def test_ctrl_c_while_resizing_ends_the_build_at_once_and_keeps_the_site(images_to_resize):
    assert_ctrl_c_ends_it(images_to_resize, "resizing", SLOW_RESIZE="6")  # a slow image is not waited for


def test_ctrl_c_while_rendering_ends_the_build_at_once_and_keeps_the_site(builds):
    write_data(builds.cache, fleet(450))
    assert builds.run().returncode == 0
    assert_ctrl_c_ends_it(builds, "rendering", SLOW_RENDER="0.02")


def assert_ctrl_c_ends_it(builds: Builds, stage: str, **hooks: str) -> None:
    before = {p: (builds.out / p).read_bytes() for p in assert_complete(builds.out)}
    process = builds.start("--force", **hooks)
    builds.children_of(process.pid, count=1)  # the workers of that stage are at work
    time.sleep(0.3)
    pressed = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: to the build and its workers
    process.wait(timeout=60)
    took = time.monotonic() - pressed
    assert took < 3, f"Ctrl-C while {stage} took {took:.1f} s"
    assert process.returncode == 130
    said = builds.stderr(process).strip().splitlines()
    assert said == ["error: interrupted; the previous site is unchanged, and the cached data is the last complete crawl"]
    assert {p: (builds.out / p).read_bytes() for p in assert_complete(builds.out)} == before
    assert _gone(builds)
    assert sorted(p.name for p in builds.out.parent.iterdir()) == ["out"]
