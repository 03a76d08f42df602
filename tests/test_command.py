"""`pip install -e .` puts spacecraft-catalog on PATH: the same command as python build.py."""
from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

from base import ROOT, site_files

SCRIPT = Path(sysconfig.get_path("scripts")) / "spacecraft-catalog"


def options(help_text: str) -> list[str]:
    """Every option a --help names, in order of appearance."""
    return re.findall(r"(?<![\w-])--?[a-z][\w-]*", help_text.split("\n\n", 1)[1])


def test_the_installed_command_has_the_options_of_build_py(tmp_path):
    assert SCRIPT.is_file(), f"{SCRIPT} is missing: install the project with pip install -e ."
    installed = subprocess.run([str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    script = subprocess.run([sys.executable, str(ROOT / "build.py"), "--help"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert installed.returncode == script.returncode == 0
    assert installed.stdout.startswith("usage: spacecraft-catalog [-h] [--config FILE] [--fetch]")
    assert options(installed.stdout) == options(script.stdout)
    assert {"--fetch", "--serve", "--out", "--cache", "--quiet"} <= set(options(installed.stdout))


def test_the_installed_command_builds_the_same_site_as_build_py(tmp_path):
    done = subprocess.run([str(SCRIPT), "--out", "site", "--cache", "C"], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^built \d+ pages for 30 spacecraft into site/", done.stderr, re.M), done.stderr
    again = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", "other", "--cache", "C2"],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "site" / "spacecraft" / "soyuz-29.html").is_file()
    assert site_files(tmp_path / "site") == site_files(tmp_path / "other")
