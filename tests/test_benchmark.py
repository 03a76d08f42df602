"""benchmarks/run.py prints every figure the scale issue asks for (a tiny run: the script, not the speed)."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


def load_run(monkeypatch):
    spec = importlib.util.spec_from_file_location("benchmark_run", RUN)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "benchmark_run", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_benchmark_prints_the_table_and_the_thumbnail_comparison(tmp_path, monkeypatch, capsys):
    run = load_run(monkeypatch)
    monkeypatch.setattr(run, "WORK", tmp_path)
    monkeypatch.setattr(run, "TRASH", tmp_path / "trash")
    assert run.main(["--sizes", "30", "--repeat", "1", "--thumbnails", "2"]) == 0
    out = capsys.readouterr().out

    header = next(line for line in out.splitlines() if line.startswith("| N |"))
    for column in ("full build s", "new data s", "ms/page", "peak MB", "output MB",
                   "index KiB raw/gz", "no-change s", "files written"):
        assert column in header
    cells = next(line for line in out.splitlines() if line.startswith("| 30 |")).strip("|").split("|")
    figures = dict(zip([c.strip() for c in header.strip("|").split("|")], [c.strip() for c in cells], strict=True))
    assert float(figures["full build s"]) > 0 and float(figures["output MB"]) > 0
    assert re.fullmatch(r"[\d,]+ / [\d,]+", figures["index KiB raw/gz"])
    assert figures["files written"] == "0"  # the no-change rebuild wrote nothing
    assert re.search(r"Thumbnails, 2 new 2000x1500 JPEGs: project [\d.]+ s .* naive Pillow loop [\d.]+ s .*: [\d.]+x",
                     out)
    assert "Reference loop" in out
    # Old trees are set aside, never deleted, and the run says where they are.
    assert "Old output trees:" in out and any((tmp_path / "trash").iterdir())
