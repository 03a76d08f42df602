"""The docs cannot drift from the code: README.md and docs/*.md against the command line, the
settings table, CI's test command, the files they link, and each other.

Each check is a function that returns what is wrong (an empty list when nothing is); each has a
canary, a made-up document it must find fault with, so that none of them can pass vacuously.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from base import ROOT

from catalog import cli, settings

DOCS = ROOT / "docs"
MARKDOWN = (ROOT / "README.md", *sorted(DOCS.glob("*.md")), ROOT / "benchmarks" / "README.md")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- every option of --help is in docs/command-line.md ---------------------------------------------

def help_options(capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The long (and short) options `spacecraft-catalog --help` lists, as a user reads them."""
    with pytest.raises(SystemExit):
        cli.parse_args(["--help"], prog="spacecraft-catalog")
    shown = capsys.readouterr().out
    return sorted(set(re.findall(r"^\s+((?:-\w, )?--[\w-]+)", shown, re.MULTILINE)))


def undocumented_options(options: list[str], doc: str) -> list[str]:
    """The options (`-q, --quiet` counts as both) that the doc never writes as `code`."""
    return [option for option in options
            if any(f"`{name}" not in doc for name in option.split(", "))]


def test_every_option_of_help_is_in_the_command_line_docs(capsys):
    options = help_options(capsys)
    assert len(options) > 20 and "--fetch" in options and "-q, --quiet" in options  # the parse found them
    assert undocumented_options(options, read(DOCS / "command-line.md")) == []


def test_canary_an_option_missing_from_the_docs_is_found(capsys):
    doc = read(DOCS / "command-line.md").replace("`--max-wait", "`--max-delay").replace("`-q", "`-v")
    assert undocumented_options(help_options(capsys), doc) == ["--max-wait", "-q, --quiet"]


# --- every key of spacecraft-catalog.toml is in docs/configuration.md ------------------------------

def undocumented_keys(doc: str) -> list[str]:
    """The keys of catalog/settings.py's table that have no row of their own in the doc's table."""
    return [key.name for key in settings.KEYS if f"| `{key.name}` |" not in doc]


def test_every_key_is_in_the_configuration_docs():
    assert undocumented_keys(read(DOCS / "configuration.md")) == []


def test_canary_a_key_missing_from_the_configuration_docs_is_found():
    assert undocumented_keys(read(DOCS / "configuration.md").replace("| `offline_app` |", "| offline app |")) \
        == ["offline_app"]


# --- every relative link points at a file that exists (and a heading, when it names one) -----------

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes."""
    text = re.sub(r"[`*]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """The anchors of a Markdown text's headings (fenced code left out)."""
    text = re.sub(r"^```.*?^```", "", markdown, flags=re.MULTILINE | re.DOTALL)
    return {anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def broken_links(path: Path, text: str) -> list[str]:
    """The relative links of a Markdown text (read as the file at `path`) that lead nowhere."""
    broken = []
    for target in LINK.findall(re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:: not ours to check offline
            continue
        file, _, fragment = target.partition("#")
        linked = (path.parent / file).resolve()
        if file and not linked.exists():
            broken.append(target)
            continue
        headed = not file or linked.suffix == ".md"  # a heading is checked in Markdown only
        if fragment and headed and fragment not in anchors(read(linked) if file else text):
            broken.append(target)
    return broken


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_leads_to_a_file_and_heading(path):
    assert broken_links(path, read(path)) == []


def test_canary_a_link_to_a_missing_file_or_heading_is_found():
    text = ("[ok](docs/data.md) [ok too](docs/robustness.md#a-full-disk-names-the-file) [gone](docs/nothing.md)\n"
            "[no such heading](docs/data.md#nowhere) [web](https://example.org/x.md) [here](#quick-start)\n"
            "[not here](#nowhere)\n```\n[in code](nothing.md)\n```\n## Quick start\n")
    assert broken_links(ROOT / "README.md", text) == ["docs/nothing.md", "docs/data.md#nowhere", "#nowhere"]


# --- the README's test command is the one CI runs ------------------------------------------------

def ci_command() -> str:
    """The command .ci/run executes: the line that `exec`s it."""
    [line] = [line for line in read(ROOT / ".ci" / "run").splitlines() if line.startswith("exec ")]
    return shlex.join(shlex.split(line)[1:])


def quick_start_commands(readme: str) -> list[str]:
    """Each command of the shell blocks of the README's Quick start section, comments dropped."""
    section = readme.split("\n## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.MULTILINE | re.DOTALL)
    return [line.split(" #", 1)[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readme_quick_start_runs_the_tests_as_ci_does():
    assert ci_command() == "./scripts/test"
    assert ci_command() in quick_start_commands(read(ROOT / "README.md"))


def test_canary_a_quick_start_that_drifted_from_ci_is_found():
    readme = read(ROOT / "README.md").replace("\n./scripts/test\n", "\npython -m pytest\n")
    assert ci_command() not in quick_start_commands(readme)


def install_and_build_drift(commands: list[str]) -> list[str]:
    """How the README's first quick start differs from what tests/test_install.py proves works: install
    from the clone (pip or pipx), then the bare command, no option, in a new empty folder."""
    wrong = []
    if not commands or not commands[0].startswith(("pipx install .", "pip install .")):
        wrong.append("the first command does not install the clone")
    steps = commands[1].split(" && ") if len(commands) > 1 else []
    if not steps or steps[0].split()[0] != "mkdir" or steps[-1] != "spacecraft-catalog":
        wrong.append("the second command is not the bare command in a new folder")
    return wrong


def test_the_readme_quick_start_installs_then_builds_in_an_empty_folder():
    assert install_and_build_drift(quick_start_commands(read(ROOT / "README.md"))) == []


def test_canary_a_quick_start_build_that_drifted_is_found():
    readme = read(ROOT / "README.md").replace("&& spacecraft-catalog\n", "&& spacecraft-catalog --fetch\n")
    assert install_and_build_drift(quick_start_commands(readme)) \
        == ["the second command is not the bare command in a new folder"]


# --- nothing is written twice ----------------------------------------------------------------------

def paragraphs(text: str) -> list[str]:
    """The prose paragraphs and table rows of a Markdown text, white space folded (code left out)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.MULTILINE | re.DOTALL)
    out = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("|"):
            out += [" ".join(row.split()) for row in lines if not re.fullmatch(r"[|:\- ]+", row)]
        elif lines:
            out.append(" ".join(block.split()))
    return [p for p in out if len(p) >= 80]  # headings, short rows and "see X" lines may repeat


def repeated(texts: dict[str, str]) -> list[str]:
    """Paragraphs or table rows of 80 characters or more that stand in two places."""
    seen: dict[str, str] = {}
    twice = []
    for name, text in texts.items():
        for paragraph in paragraphs(text):
            if paragraph in seen:
                twice.append(f"{seen[paragraph]} and {name}: {paragraph[:60]}")
            seen.setdefault(paragraph, name)
    return twice


def test_no_paragraph_is_written_twice_in_the_docs():
    assert repeated({p.relative_to(ROOT).as_posix(): read(p) for p in MARKDOWN}) == []


def test_canary_a_paragraph_copied_into_another_doc_is_found():
    copied = ("The same input gives the same bytes out: no build timestamps, sorted lists, stable slugs, "
              "and a rebuild writes only what changed.")
    found = repeated({"a.md": f"# A\n\n{copied}\n", "b.md": f"# B\n\nOther words.\n\n{copied}\n"})
    assert found == [f"a.md and b.md: {copied[:60]}"]


# --- the specs the docs link hold what they say ----------------------------------------------------

SPECS = ("catalog/data/history.py", "catalog/site/search_index.py", "catalog/site/exports.py",
         "catalog/data/snapshot.py")


def unlinked_specs(data: str) -> list[str]:
    """The modules holding a data format's spec that docs/data.md does not link."""
    return [module for module in SPECS if f"](../{module})" not in data]


def test_the_data_docs_link_the_module_of_each_spec():
    assert unlinked_specs(read(DOCS / "data.md")) == []


def test_canary_a_spec_the_data_docs_do_not_link_is_found():
    data = read(DOCS / "data.md").replace("(../catalog/site/exports.py)", "(exports)")
    assert unlinked_specs(data) == ["catalog/site/exports.py"]


def modules_left_out(layout: str) -> list[str]:
    """The modules of catalog/ that docs/layout.md does not name (an __init__.py is its folder's line)."""
    names = set(re.findall(r"^\s*([\w.]+/?)\s", layout, re.MULTILINE))
    return sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "catalog").rglob("*.py")
                  if path.name not in names and (path.name != "__init__.py" or f"{path.parent.name}/" not in names))


def test_the_layout_names_every_module():
    assert modules_left_out(read(DOCS / "layout.md")) == []


def test_canary_a_module_left_out_of_the_layout_is_found():
    assert modules_left_out(read(DOCS / "layout.md").replace("    crewdata.py ", "    crew data ")) \
        == ["catalog/data/crewdata.py"]
