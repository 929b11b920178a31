"""Layering, checked on the source: core imports no feature app, and no two of the project's modules import each
other, directly or in a longer circle. Every import counts, also one inside a function."""
import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "imogen"
APPS = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
FEATURES = [app for app in APPS if app != "core"]


def modules():
    found = {}
    for package in [*APPS, PROJECT]:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = modules()


def known(name):
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports_of(name):
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(known(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            found.update(known(f"{base}.{alias.name}") or known(base) for alias in node.names)
    found.discard("")
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def cycles(graph):
    """Strongly connected components with more than one member (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_the_project():
    assert {"core.models", "core.jobs", "gallery.models", "styletransfer.tasks", "imogen.settings"} <= set(GRAPH)
    assert "core.models" in GRAPH["core.jobs"] and "gallery.models" in GRAPH["styletransfer.tasks"]


def test_core_imports_no_feature_app():
    wrong = {name: sorted(dep for dep in deps if dep.split(".")[0] in FEATURES)
             for name, deps in GRAPH.items() if name.split(".")[0] == "core"}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_no_import_cycle_among_modules():
    assert cycles(GRAPH) == []
