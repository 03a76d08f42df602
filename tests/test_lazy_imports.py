"""A build whose inputs are those of the last one is done before the heavy modules load.

Checked in a child process, as a user runs it: after the no-change build, `sys.modules` holds
none of Jinja, Pillow, Markdown or the models (the lazy-import boundary in catalog/build.py).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from base import ROOT, fleet, write_data

# The last three: what a fetch needs (its transport and the network), what reads a config file.
HEAVY = ("jinja2", "PIL", "markdown", "catalog.data.models", "catalog.data.transport", "socket", "tomllib")

# Run the command line in this interpreter, then report which heavy modules it loaded.
PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from catalog.cli import main
status = main(["--out", {out!r}, "--cache", {cache!r}, "-q", *{extra!r}])
print(json.dumps({{"status": status, "loaded": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def loaded_by_build(out: Path, cache: Path, *extra: str) -> dict:
    code = PROBE.format(root=str(ROOT), out=str(out), cache=str(cache), extra=list(extra), heavy=HEAVY)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_no_change_build_imports_no_heavy_module(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "site"
    write_data(cache, fleet(12))
    first = loaded_by_build(out, cache)
    # The canary: a build that renders loads them (Pillow only when an image is to be resized, and
    # these images were never downloaded; socket comes with Markdown's first run, through Pygments'
    # plugin lookup), so the check below can fail.
    assert first == {"status": 0, "loaded": ["catalog.data.models", "jinja2", "markdown", "socket"]}
    assert loaded_by_build(out, cache) == {"status": 0, "loaded": []}
    # --force renders again: Jinja and the models are back (Markdown's pages come from its cache).
    assert loaded_by_build(out, cache, "--force")["loaded"] == ["catalog.data.models", "jinja2"]
