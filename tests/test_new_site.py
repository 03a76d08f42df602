"""`spacecraft-catalog new DIR`: a ready site folder that builds as it is, whose config lists every key,
which refuses a folder with something in it, and whose Pages workflow keeps in step with the project's."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from base import ROOT, parse
from test_publish import WORKFLOW, actionlint

from catalog import settings

BUILD = ROOT / "build.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], cwd=cwd, capture_output=True, text=True, timeout=180)


def test_new_writes_a_site_that_builds_with_its_own_config_and_about_page(tmp_path):
    done = run("new", "mysite", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "mysite"
    names = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert names == [".github/workflows/pages.yml", ".gitignore", "content/pages/about.md", "spacecraft-catalog.toml",
                     "theme/README.md"]
    assert (site / ".gitignore").read_text(encoding="utf-8").splitlines().count(".cache/") == 1
    config = site / "spacecraft-catalog.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('# title = "Spacecraft Catalog"', 'title = "My Fleet"'),
                      encoding="utf-8")
    about = site / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nWe watch the sky from Ushuaia.\n", encoding="utf-8")

    built = run("-q", cwd=site)
    assert built.returncode == 0, built.stderr
    assert parse(site / "output" / "index.html").h1 == "My Fleet"
    assert "We watch the sky from Ushuaia." in parse(site / "output" / "about.html").text
    assert (site / "output" / "spacecraft" / "soyuz-29.html").is_file()  # the sample data shipped with the tool


def test_the_config_written_has_every_key_commented_with_its_default(tmp_path):
    assert run("new", "s", cwd=tmp_path).returncode == 0
    text = (tmp_path / "s" / settings.FILE_NAME).read_text(encoding="utf-8")
    assert tomllib.loads(text) == {}  # all commented out: the defaults hold
    uncommented = "\n".join(line[2:] if any(line.startswith(f"# {key.name} = ") for key in settings.KEYS) else line
                            for line in text.splitlines())
    values = tomllib.loads(uncommented)
    assert sorted(values) == sorted(key.name for key in settings.KEYS)
    assert {k: v for k, v in values.items() if k != "nav"} == {k: v for k, v in settings.defaults().items() if k != "nav"}
    (tmp_path / "s" / settings.FILE_NAME).write_text(uncommented, encoding="utf-8")
    assert settings.read(tmp_path / "s" / settings.FILE_NAME).values["nav"][-1] == ["About", "about.html"]


def test_new_refuses_a_folder_with_something_in_it_or_a_file(tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "afile").write_text("mine", encoding="utf-8")
    for name, why in (("full", "is not empty"), ("afile", "is a file")):
        done = run("new", name, cwd=tmp_path)
        assert done.returncode == 1
        assert done.stderr.startswith(f"error: {name} {why}") and len(done.stderr.strip().splitlines()) == 1
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"


def steps(workflow: dict) -> dict[str, dict]:
    """Every named step of every job, by its name."""
    return {step["name"]: step for job in workflow["jobs"].values() for step in job["steps"] if "name" in step}


SHARED = ("Restore the data and image cache (to read it only)", "Configure Pages", "Restore the data and image cache",
          "Deploy to GitHub Pages")


def drift(ours: dict, theirs: dict) -> list[str]:
    """How the scaffolded workflow differs from the project's where they must agree: the actions and their
    versions, the shared steps, the fetch's secrets, the schedule and the permissions."""
    def used(workflow: dict) -> set[str]:
        return {step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step}

    found = [f"actions: {sorted(used(ours) ^ used(theirs))}"] if used(ours) != used(theirs) else []
    found += [f"step {name!r}" for name in SHARED if steps(ours).get(name) != steps(theirs).get(name)]
    if steps(ours)["Fetch and build"]["env"] != steps(theirs)["Fetch and build"]["env"]:
        found.append("the fetch's environment")
    found += [key for key in ("permissions", "concurrency") if ours[key] != theirs[key]]
    if ours[True] != theirs[True]:  # `on:`, read by YAML 1.1 as true
        found.append("on")
    return found


def test_the_scaffolded_workflow_keeps_in_step_with_the_projects_and_passes_actionlint(tmp_path):
    assert run("new", "s", cwd=tmp_path).returncode == 0
    written = tmp_path / "s" / ".github" / "workflows" / "pages.yml"
    done = subprocess.run([actionlint(), "-no-color", str(written)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    ours = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert drift(ours, yaml.safe_load(written.read_text(encoding="utf-8"))) == []


def test_a_drifted_workflow_is_caught():  # the canary: an older action version, a step changed
    from catalog.scaffold import WORKFLOW as SCAFFOLD

    ours = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    older = yaml.safe_load(SCAFFOLD.replace("actions/deploy-pages@v5", "actions/deploy-pages@v4"))
    assert drift(ours, older) == ["actions: ['actions/deploy-pages@v4', 'actions/deploy-pages@v5']",
                                  "step 'Deploy to GitHub Pages'"]
    moved = yaml.safe_load(SCAFFOLD.replace("path: .cache/\n          key: catalog-cache-${{ github.run_id }}-",
                                            "path: cache/\n          key: catalog-cache-${{ github.run_id }}-"))
    assert drift(ours, moved) == ["step 'Restore the data and image cache'"]
