"""Nothing from outside enters the site: a symbolic link in the old output (to a file outside, to a
folder) is never brought into the new tree, and nothing the last build did not write either."""
from __future__ import annotations

import os

from base import build_site, fleet, site_files


def test_links_in_the_old_output_never_enter_the_new_site(tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    build_site(out, cache, records=fleet(20))
    page = (out / "spacecraft" / "craft-1.html").read_bytes()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    private = tmp_path / "private"
    private.mkdir()
    (private / "key.html").write_text("KEY")
    # An unchanged page replaced by a link out, a link added, a folder of pages made a link to another.
    (out / "spacecraft" / "craft-1.html").unlink()
    (out / "spacecraft" / "craft-1.html").symlink_to(secret)
    (out / "spacecraft" / "evil.html").symlink_to(secret)
    (out / "etc").symlink_to(private, target_is_directory=True)
    os.rename(out / "statuses", tmp_path / "statuses")
    (out / "statuses").symlink_to(tmp_path / "statuses", target_is_directory=True)
    (out / "stray.html").write_text("not the build's")

    build_site(out, cache, records=fleet(21))  # one more record: a new tree, the rest reused

    links = [p for p in out.rglob("*") if p.is_symlink()]
    assert links == []
    files = site_files(out)
    assert files["spacecraft/craft-1.html"] == page
    assert "spacecraft/evil.html" not in files and "stray.html" not in files
    assert not any(path.startswith("etc/") for path in files)
    assert "statuses/index.html" in files and (out / "statuses").is_dir()
    assert secret.read_text() == "SECRET" and os.stat(secret).st_nlink == 1
    assert os.stat(private / "key.html").st_nlink == 1
