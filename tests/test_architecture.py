"""The package's shape, read from its source: no import cycle, no module over 400 lines, private
names stay in their module, torch only where the torch twins live.

The import graph is built from every ``import`` statement in the code, those inside functions
(lazy imports) included, so a cycle cannot hide behind a deferred import.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "coursepkg"

# Modules allowed to import torch at module level or lazily: the torch twins, the bench that times
# them, and the environment report (which only asks torch for the device).
TORCH_MODULES = {"coursepkg._torch", "coursepkg.environment", "coursepkg.gpu", "coursepkg.bench"}

# Private names of other projects that the package uses on purpose, each with its reason.
FOREIGN_PRIVATE = {
    ("sklearn.utils.validation", "_check_feature_names"):
        "scikit-learn keeps feature-name checking private (a BaseEstimator method before 1.6); the "
        "estimators need it to record feature_names_in_ as scikit-learn's own do",
}


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name):
    return MODULES[name].name == "__init__.py"


def _resolve(name, node):
    """The absolute module an ``ImportFrom`` in module ``name`` reads from."""
    if node.level == 0:
        return node.module or ""
    base = name.split(".") if _is_package(name) else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(name):
    """(module imported, names taken from it) for every import statement of module ``name``."""
    tree = ast.parse(MODULES[name].read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(name, node)
            subs = [n for n in (alias.name for alias in node.names) if f"{source}.{n}" in MODULES]
            # ``from . import sub`` imports the submodule ``sub`` (its package is already importing)
            found += [(f"{source}.{n}", ()) for n in subs]
            names = tuple(alias.name for alias in node.names if alias.name not in subs)
            if names:
                found.append((source, names))
    return found


def _graph():
    graph = {}
    for name in MODULES:
        targets = {source for source, _ in _imports(name)}
        graph[name] = sorted(t for t in targets if t in MODULES and t != name)
    return graph


def _find_cycle(graph):
    """A list of modules forming a cycle, or None (depth-first search with three colours)."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_import_graph_has_no_cycle_lazy_imports_included():
    graph = _graph()
    assert sum(map(len, graph.values())) > 100  # the graph really was read (about 200 edges)
    assert _find_cycle(graph) is None, " -> ".join(_find_cycle(graph))


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = _graph()
    graph["coursepkg._validation"] = graph["coursepkg._validation"] + ["coursepkg.kernels._ridge"]
    cycle = _find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] and "coursepkg._validation" in cycle


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_400_lines(name):
    assert len(MODULES[name].read_text().splitlines()) <= 400


def _private_imports(name):
    """Underscore names that module ``name`` imports from another module."""
    return [(source, n) for source, names in _imports(name) for n in names
            if n.startswith("_") and not n.startswith("__") and f"{source}.{n}" not in MODULES]


def test_private_names_stay_in_their_module():
    """A leading underscore means "this module only"; what modules share has a plain name (in a
    private module when it is not for readers, as scikit-learn does)."""
    crossing = [(name, source, n) for name in MODULES for source, n in _private_imports(name)
                if (source, n) not in FOREIGN_PRIVATE]
    assert crossing == []
    used = {(source, n) for name in MODULES for source, n in _private_imports(name)}
    assert set(FOREIGN_PRIVATE) <= used  # no stale exemption


def test_the_private_name_check_sees_relative_and_lazy_imports(tmp_path, monkeypatch):
    planted = "def f():\n    from ..kernels._functions import _hidden\n    return _hidden\n"
    monkeypatch.setitem(MODULES, "coursepkg.gpu._planted", tmp_path / "planted.py")
    (tmp_path / "planted.py").write_text(planted)
    assert _private_imports("coursepkg.gpu._planted") == [("coursepkg.kernels._functions", "_hidden")]


def test_torch_only_in_the_torch_twins():
    users = {name for name in MODULES for source, _ in _imports(name) if source.split(".")[0] == "torch"}
    assert users and all(any(u == m or u.startswith(m + ".") for m in TORCH_MODULES) for u in users), users
