"""The package's imports point one way: data <- images <- site <- render <- output <- build.

Read from the source with ast, every import counted, lazy ones inside functions and type-only
ones included: a stage that needs a later one at all is in the wrong place.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "catalog"
# Lower may be imported by higher; the base modules by everyone; a stage by itself.
RANKS = {"config": 0, "errors": 0, "files": 0, "progress": 0, "data": 1, "images": 2, "site": 3, "render": 4,
         "output": 5,
         "build": 6, "settings": 6, "scaffold": 6, "cli": 7}


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that module `name` imports anywhere in its file."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            candidates = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        else:
            continue
        out.update(c for c in candidates if c in known and c != name)
    return out


def stage(name: str) -> str:
    """The stage a module belongs to: catalog.images.resize -> images; catalog -> build."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "build"


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports(name, path, known) for name, path in known.items()}


def wrong_direction(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} imports {b}" for a, targets in edges.items() for b in targets
                  if RANKS[stage(b)] > RANKS[stage(a)] or (RANKS[stage(a)] == 0 and stage(a) != stage(b)))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (a package importing its own
    submodules is its facade, not a cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 and not all(m == v or m.startswith(v + ".") for m in component):
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_belongs_to_a_known_stage():
    assert {stage(name) for name in modules()} <= RANKS.keys()
    assert {"data", "images", "site", "render", "output"} <= {stage(name) for name in modules()}


def test_imports_point_from_later_stages_to_earlier_ones_only():
    assert wrong_direction(graph()) == []


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(graph()) == []


@pytest.mark.parametrize("source, problem", [
    ({"catalog/data/models.py": "from ..site.urls import path_for\n"}, "catalog.data.models imports catalog.site.urls"),
    ({"catalog/config.py": "def f():\n    from .output.writer import SiteWriter\n"}, "catalog.config imports catalog.output.writer"),
])
def test_the_checks_see_an_upward_import_even_when_lazy(tmp_path, source, problem):
    tree = tmp_path / "catalog"
    for name in ("__init__.py", "config.py", "data/__init__.py", "data/models.py", "site/__init__.py",
                 "site/urls.py", "output/__init__.py", "output/writer.py"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("")
    for name, text in source.items():
        (tmp_path / name).write_text(text)
    assert wrong_direction(graph(tree)) == [problem]


def test_the_cycle_check_sees_a_cycle(tmp_path):
    tree = tmp_path / "catalog"
    (tree / "data").mkdir(parents=True)
    (tree / "__init__.py").write_text("")
    (tree / "data" / "__init__.py").write_text("")
    (tree / "data" / "a.py").write_text("from . import b\n")
    (tree / "data" / "b.py").write_text("def f():\n    from .a import x\n")
    assert cycles(graph(tree)) == [["catalog.data.a", "catalog.data.b"]]
