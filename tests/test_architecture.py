"""The walls between Netra's packages, checked from the source (docs/architecture.md).

Every import counts: at module level, inside functions and under `TYPE_CHECKING`, since an import
held off until call time still ties two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("monitor", "review_ui", "scrapers", "classifiers")
MONITOR_TOP_LEVEL_LIMIT = 12


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


MODULES = source_modules()


def imported_names(name: str, path: Path) -> Iterator[str]:
    """Every module name an import statement in the file names: `from package import module` names
    the module, `from module import attribute` the module."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, node.module] if node.module else anchor)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield submodule if submodule in MODULES else base


def imports_of(name: str) -> set[str]:
    """The modules of the four packages that `name` imports (a package's `__init__` counts as a module)."""
    found = set()
    for target in imported_names(name, MODULES[name]):
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def package_of(module: str) -> str:
    return module.split(".")[0]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (the first repeated at the end), or None."""
    visiting: list[str] = []
    state: dict[str, str] = {}

    def visit(node: str) -> list[str] | None:
        state[node] = "visiting"
        visiting.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "visiting":
                return [*visiting[visiting.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        visiting.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_sees_imports_in_functions_and_under_type_checking() -> None:
    # Two imports that are held off at runtime, so the check above cannot miss them.
    assert "scrapers.capture" in GRAPH["scrapers.base"]  # under TYPE_CHECKING
    assert "monitor.work.celery_app" in GRAPH["monitor.work.runner"]  # inside CeleryRunner.__init__


def test_find_cycle_reports_a_loop() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_modules() -> None:
    assert find_cycle(GRAPH) is None


FORBIDDEN = {
    "scrapers": {"monitor", "review_ui", "classifiers"},
    "classifiers": {"monitor", "review_ui", "scrapers"},
    "review_ui": {"scrapers", "classifiers"},
}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_it_may(package: str) -> None:
    crossings = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if package_of(module) == package
        for target in targets
        if package_of(target) in FORBIDDEN[package]
    )
    assert crossings == []


def test_monitor_keeps_few_top_level_modules() -> None:
    # Everything else sits in a subpackage named for its concern (registry/, collection/, review/, ...).
    top_level = sorted(p.stem for p in (ROOT / "monitor").glob("*.py") if p.name != "__init__.py")
    assert len(top_level) <= MONITOR_TOP_LEVEL_LIMIT, top_level


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def test_scoring_needs_no_training_code() -> None:
    # classifiers.inference is the package's face: loading a model and scoring posts must not pull in the
    # fine-tuning loop, the training run or the evaluation reports (classifiers/training/).
    training = {m for m in reachable(GRAPH, "classifiers.inference") if m.startswith("classifiers.training")}
    assert training == set()
    assert "classifiers.training.fit" in reachable(GRAPH, "classifiers.training.run")  # the check can see it
