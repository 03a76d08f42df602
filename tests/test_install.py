"""Install anywhere: the wheel carries the templates, static files, Markdown pages and sample data.

The wheel is built from a copy of the project's files (so the build leaves nothing in the clone),
with the build backend already installed (--no-build-isolation --no-index: no download at test
time), and installed into a fresh virtual environment. That environment sees the system's site
packages for the runtime dependencies (Jinja, Pillow...), which have no wheels to install offline;
the tests check that `catalog` itself is imported from the environment's copy, not from the clone
or from the editable install, and run the command from an empty folder.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from base import ROOT, parse

SOURCES = ("pyproject.toml", "README.md", "catalog", "templates", "static", "content")
SHIPPED = {"templates": "templates", "static": "static", "content/pages": "content/pages", "content/data": "content/data"}
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, with no PYTHONPATH leading it to the clone."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline from a copy of its files."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    done = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
               "--disable-pip-version-check", "-w", work / "dist", source, cwd=work)
    assert done.returncode == 0, f"{done.stdout}{done.stderr}\n(the build backend is in the test extras: pip install -e '.[test]')"
    (built,) = (work / "dist").glob("spacecraft_catalog-*.whl")
    return built


def install(wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment with the wheel installed; its bin folder."""
    made = run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--force-reinstall",
               "--disable-pip-version-check", wheel, cwd=venv.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    imported = run(python, "-c", "import catalog; print(catalog.__file__)", cwd=venv.parent)
    assert Path(imported.stdout.strip()).is_relative_to(venv), imported.stdout + imported.stderr
    return venv / "bin"


def test_the_wheel_carries_the_code_and_the_built_in_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in SHIPPED.items():
        files = [p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).rglob("*") if p.is_file()]
        assert files, folder
        assert {f"catalog/{inside}/{f}" for f in files} <= names, folder
    code = {p.relative_to(ROOT).as_posix() for p in (ROOT / "catalog").rglob("*.py")}
    assert code <= names  # every stage package, a new one too


def test_an_installed_wheel_builds_the_sample_in_an_empty_folder(wheel, tmp_path):
    bin_folder = install(wheel, tmp_path / "venv")
    empty = tmp_path / "my-site"
    empty.mkdir()
    done = run(bin_folder / "spacecraft-catalog", cwd=empty)
    assert done.returncode == 0, done.stderr
    assert "built " in done.stderr and "for 30 spacecraft into output/" in done.stderr, done.stderr
    home = parse(empty / "output" / "index.html")
    assert "This is a sample of 30 real records" in home.text
    assert (empty / "output" / "spacecraft" / "soyuz-29.html").is_file()
    assert (empty / "output" / "static" / "css" / "site.css").read_bytes() == (ROOT / "static" / "css" / "site.css").read_bytes()
    assert (empty / "output" / "about.html").is_file()  # content/pages/about.md
    assert [p.name for p in empty.iterdir()] == ["output"]  # a build from the sample alone makes no cache


def test_version_prints_the_package_version(wheel, tmp_path):
    bin_folder = install(wheel, tmp_path / "venv")
    done = run(bin_folder / "spacecraft-catalog", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"spacecraft-catalog {VERSION}\n", "")


@pytest.mark.parametrize(("folder", "named"), [("content/data", "content/data/spacecraft.jsonl"), ("templates", "templates")])
def test_a_broken_install_says_what_is_missing_in_one_line(wheel, tmp_path, folder, named):
    bin_folder = install(wheel, tmp_path / "venv")
    package = next((tmp_path / "venv" / "lib").glob("python*/site-packages/catalog"))
    shutil.rmtree(package / folder)
    empty = tmp_path / "my-site"
    empty.mkdir()
    done = run(bin_folder / "spacecraft-catalog", cwd=empty)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith(f"error: {package / named} is missing: this install of spacecraft-catalog is incomplete "), \
        done.stderr
    assert list(empty.iterdir()) == []


def test_version_in_a_clone_is_the_one_its_pyproject_gives(tmp_path):
    done = run(sys.executable, ROOT / "build.py", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"spacecraft-catalog {VERSION}\n", "")
    assert list(tmp_path.iterdir()) == []
