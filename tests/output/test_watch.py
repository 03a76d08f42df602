"""--serve --watch: edit a template and the open page changes by itself; a broken one keeps the last good site."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading

import pytest
from base import ROOT

COPIED = ("build.py", "catalog", "templates", "static", "content")


@pytest.fixture
def clone(tmp_path):
    """The project copied to tmp_path (its templates are this test's to edit)."""
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


class Preview:
    """build.py --serve --watch running in the clone; its stderr lines, read as they come."""

    def __init__(self, root) -> None:
        self.process = subprocess.Popen([sys.executable, "build.py", "--serve", "--watch", "--port", "0",
                                         "--out", "O", "--cache", "C"], cwd=root, stdin=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        with self.changed:
            found: list[re.Match[str]] = []

            def seen() -> bool:
                found[:] = [m for m in (re.search(pattern, line) for line in self.lines) if m]
                return bool(found)

            assert self.changed.wait_for(seen, timeout), f"no line matching {pattern!r} in {self.lines}"
            return found[-1]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def test_editing_a_template_reloads_the_open_page(clone, page):
    preview = Preview(clone)
    try:
        url = preview.wait_for(r"at (http://127\.0\.0\.1:\d+/)index\.html").group(1)
        page.goto(url + "index.html")
        assert page.locator("text=Edited by the watch test").count() == 0
        base = clone / "templates" / "base.html"
        original = base.read_text(encoding="utf-8")
        assert original.count("</main>") == 1
        base.write_text(original.replace("</main>", "<p id=edited>Edited by the watch test</p></main>"),
                        encoding="utf-8")
        page.wait_for_selector("#edited", timeout=30_000)  # no reload by hand: the page did it
        assert page.locator("#edited").inner_text() == "Edited by the watch test"
        on_disk = (clone / "O" / "index.html").read_text(encoding="utf-8")
        assert "Edited by the watch test" in on_disk and "__reload" not in on_disk

        base.write_text(original.replace("</main>", "{% if %}</main>"), encoding="utf-8")  # a broken template
        error = preview.wait_for(r"^error: .*still serving the last good site$").group(0)
        assert "base.html" in error or "TemplateSyntaxError" in error
        page.reload()
        assert page.locator("#edited").inner_text() == "Edited by the watch test"
        assert preview.process.poll() is None
    finally:
        preview.stop()
