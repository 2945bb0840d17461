"""The package's shape: no module imports another that imports it back, and dependencies point one way.

Read from the source with ``ast``, so an import inside a function (a lazy import) counts as much as one
at the top, and so does one under ``if TYPE_CHECKING``: each is a dependency a reader has to follow.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "compliance"
#: The subpackages from the bottom of the flow to the top: each may import only those before it.
LAYERS = ("calendars", "rules", "records", "engines", "reports", "nightly")
#: Modules at the top of the package that every layer may use; they import none of the layers.
SHARED = ("errors", "resources", "yamlio", "atomic")


def _name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py")}


def _is_package(name: str, modules: dict[str, Path]) -> bool:
    return modules[name].name == "__init__.py"


def _imports(name: str, modules: dict[str, Path]) -> set[str]:
    """Every module of the package that importing ``name`` runs, directly."""
    tree = ast.parse(modules[name].read_text(encoding="utf-8"))
    here = name if _is_package(name, modules) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for target in targets:
            if not target.startswith("compliance"):
                continue
            parts = target.split(".")
            # Importing a.b.c runs a.b's __init__ first: that is a dependency too, unless it encloses this module.
            for i in range(1, len(parts) + 1):
                step = ".".join(parts[:i])
                if step in modules and not (name == step or name.startswith(step + ".")):
                    found.add(step)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, modules) for name in modules}


def _cycle_through(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path of imports from ``start`` back to itself, if there is one."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph[node]):
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_no_module_imports_another_that_imports_it_back():
    graph = _graph()
    cycles = [cycle for name in sorted(graph) if (cycle := _cycle_through(name, graph))]
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_checker_sees_lazy_imports_and_package_inits():
    graph = _graph()
    assert "compliance.engines._durable" in graph["compliance.engines._evaluate"]  # imported inside evaluate()
    assert "compliance.calendars" in graph["compliance.records.columns"]  # runs calendars/__init__ first


def _layer(name: str) -> int | None:
    parts = name.split(".")
    if len(parts) > 1 and parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    return None


def test_dependencies_point_one_way_from_calendars_to_the_nightly_report():
    graph = _graph()
    upward = []
    for name, targets in graph.items():
        if name == "compliance":
            continue  # the package root exports the public API from every layer
        mine = _layer(name)
        for target in targets:
            theirs = _layer(target)
            if mine is None and theirs is not None:
                upward.append(f"{name} (shared) imports {target}")
            elif mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{name} imports {target}, a later layer")
    assert not upward, "\n".join(sorted(upward))


def test_few_modules_stay_loose_at_the_top():
    loose = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert loose == sorted(("__init__", *SHARED))
    assert len(loose) <= 6
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()) == sorted(LAYERS)


def test_each_subpackage_says_what_it_is_for():
    for layer in LAYERS:
        doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"compliance/{layer}/__init__.py needs a docstring saying what it is for"
