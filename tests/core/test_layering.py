"""Layering, checked on the source: no two of the project's modules import each other, directly or in a longer
circle, and every app imports only apps in the layers below its own (LAYERS, the order docs/CONTRIBUTING.md states).
Every import counts, also one inside a function, and so do templates: `{% load %}` of another app's tag library,
`{% include %}` / `{% extends %}` of another app's template, `{% static %}` of another app's file, and a Python string
that names another app's template."""
import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "imogen"
APPS = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
FEATURES = [app for app in APPS if app != "core"]

# Lowest first. An app uses only apps of lower layers; apps of one layer know nothing of each other. The mail
# transport is core's (core.mail), so accounts mails without the mailer. fairqueue is generic infrastructure (fair
# turns, caps, ready-mails) below the features that queue fairly, above the mailer that sends its ready-mails.
# `imogen` (settings, URLs) sits above them all.
# A new feature app needs no entry: every installed app not named below is a feature, in the top layer.
LAYERS = [["core"], ["accounts"], ["gallery"], ["mailer"], ["fairqueue"], ["styletransfer", "text2image", "editor"]]
BELOW_FEATURES = {app for layer in LAYERS[:-1] for app in layer}
LAYERS[-1] += [app for app in APPS if app not in BELOW_FEATURES and app not in LAYERS[-1]]
LAYER = {app: n for n, apps in enumerate(LAYERS) for app in apps}
LAYER[PROJECT] = len(LAYERS)

# Nothing breaks the layers any more (issue 23): an entry here would name one exact use between two apps.
KNOWN_TO_REMOVE = set()


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


def targets(name, node):
    """The project modules an import statement of module `name` reaches."""
    if isinstance(node, ast.Import):
        return {known(alias.name) for alias in node.names}
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        base = ".".join([*parent, base] if base else parent)
    return {known(f"{base}.{alias.name}") or known(base) for alias in node.names}


def imports_of(name):
    found = set()
    for node in ast.walk(ast.parse(MODULES[name].read_text())):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found |= targets(name, node)
    found.discard("")
    found.discard(name)
    return found


def local_imports(name):
    """(line number, statement, whether a comment gives its reason) of every import inside a function: a `#` on its
    line, or a comment line above its block of imports."""
    lines = MODULES[name].read_text().splitlines()
    for function in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                above = node.lineno - 2
                while above >= 0 and (not lines[above].strip() or lines[above].strip().startswith(("from ", "import "))):
                    above -= 1
                reason = "#" in lines[node.lineno - 1] or (above >= 0 and lines[above].strip().startswith("#"))
                yield node, lines[node.lineno - 1].strip(), reason


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


def app_of(module):
    return module.split(".")[0]


def template_dirs():
    """(folder, app that owns its templates): each app's templates/, and the project's templates/, whose
    `<app>/` subfolders are that app's (templates/core/home.html) and whose other files are core's (base.html)."""
    found = [(ROOT / app / "templates", app) for app in APPS if (ROOT / app / "templates").is_dir()]
    return [*found, (ROOT / "templates", None)]


def owner_of(folder_app, name):
    if folder_app:
        return folder_app
    top = name.split("/")[0]
    return top if "/" in name and top in LAYER and top != PROJECT else "core"


def templates():
    """{template name: (owning app, path)}, the first folder winning as Django's loaders do for the same name."""
    found = {}
    for folder, app in template_dirs():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".html", ".txt"}:
                name = path.relative_to(folder).as_posix()
                found.setdefault(name, (owner_of(app, name), path))
    return found


TEMPLATES = templates()
TAG_LIBRARIES = {path.stem: app for app in APPS for path in (ROOT / app / "templatetags").glob("*.py")
                 if path.stem != "__init__"}
STATIC_PREFIXES = {app for app in APPS if (ROOT / app / "static" / app).is_dir()}
TAG = re.compile(r"{%\s*(load|include|extends|static)\s+([^%]*?)\s*%}")


def template_uses(name):
    """(app, evidence) for every other app a template uses."""
    owner, path = TEMPLATES[name]
    for tag, argument in TAG.findall(path.read_text()):
        if tag == "load":
            libraries = [word for word in argument.split() if word in TAG_LIBRARIES]
            used = [(TAG_LIBRARIES[lib], f"{{% load {lib} %}}") for lib in libraries]
        else:
            quoted = re.match(r"[\"']([^\"']+)[\"']", argument)
            if not quoted:
                continue  # a name from a variable: found where the variable is set
            target = quoted.group(1)
            if tag == "static":
                top = target.split("/")[0]
                used = [(top, f'{{% static "{target}" %}}')] if top in STATIC_PREFIXES else []
            else:
                used = [(TEMPLATES[target][0], f'{{% {tag} "{target}" %}}')] if target in TEMPLATES else []
        for app, evidence in used:
            if app != owner:
                yield app, f"template {name} -> {app}: {evidence}"


def python_template_uses(module):
    """(app, evidence) for every template of another app a module names in a string (render, template_name)."""
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in TEMPLATES:
            app = TEMPLATES[node.value][0]
            if app != app_of(module):
                yield app, f"{module} -> template {node.value}"


def app_uses():
    """{(app, app it uses): [evidence]}: imports between modules of two apps, and the templates' uses."""
    found = {}
    for name, deps in GRAPH.items():
        for dep in deps:
            if app_of(dep) != app_of(name):
                found.setdefault((app_of(name), app_of(dep)), []).append(f"{name} -> {dep}")
        for app, evidence in python_template_uses(name):
            found.setdefault((app_of(name), app), []).append(evidence)
    for name in TEMPLATES:
        for app, evidence in template_uses(name):
            found.setdefault((TEMPLATES[name][0], app), []).append(evidence)
    return found


APP_USES = app_uses()


def test_the_walk_sees_the_project():
    assert {"core.models", "core.jobs", "gallery.models", "styletransfer.tasks", "imogen.settings"} <= set(GRAPH)
    assert "core.models" in GRAPH["core.jobs"] and "gallery.models" in GRAPH["styletransfer.tasks"]


def test_core_imports_no_feature_app():
    wrong = {name: sorted(dep for dep in deps if dep.split(".")[0] in FEATURES)
             for name, deps in GRAPH.items() if name.split(".")[0] == "core"}
    assert {name: deps for name, deps in wrong.items() if deps} == {}


def test_no_import_cycle_among_modules():
    assert cycles(GRAPH) == []


def test_function_local_imports_say_why():
    """CONTRIBUTING: function-local imports only with a reason in a comment (torch kept out of the web process...)."""
    silent = [f"{name}:{node.lineno}: {text}" for name in MODULES for node, text, reason in local_imports(name)
              if not reason and not {f"{name} -> {target}" for target in targets(name, node)} <= KNOWN_TO_REMOVE]
    assert silent == []


def test_the_walk_sees_templates_and_tag_libraries():
    assert TEMPLATES["base.html"][0] == "core" and TEMPLATES["core/home.html"][0] == "core"
    assert TEMPLATES["mailer/email_form.html"][0] == "mailer" and TAG_LIBRARIES.get("style_tags") == "styletransfer"
    assert ("styletransfer", "mailer") in APP_USES, "the style job page includes the mail form"
    assert any(e.startswith("template ") and "{% extends \"base.html\" %}" in e
               for e in APP_USES[("gallery", "core")])


def test_every_app_has_a_layer():
    assert sorted(LAYER) == sorted([*APPS, PROJECT]), "an app below the features goes into LAYERS (and CONTRIBUTING)"


def test_apps_use_only_lower_layers():
    wrong = sorted(evidence for (app, used), found in APP_USES.items() if LAYER[used] >= LAYER[app]
                   for evidence in found if evidence not in KNOWN_TO_REMOVE)
    assert wrong == []


def test_no_cycle_among_apps():
    graph = {}
    for (app, used), found in APP_USES.items():
        if set(found) - KNOWN_TO_REMOVE:
            graph.setdefault(app, set()).add(used)
    assert cycles(graph) == []


def test_contributing_states_these_layers():
    bullet = re.search(r"^- Layering:(.*?)(?=^- |^#)", (ROOT / "docs" / "CONTRIBUTING.md").read_text(), re.S | re.M)
    stated = [name for name in re.findall(r"`([a-z0-9_]+)`", bullet.group(1).split(";")[0]) if name in LAYER]
    assert stated[:len(BELOW_FEATURES)] == [app for layer in LAYERS[:-1] for app in layer]
    assert set(stated[len(BELOW_FEATURES):]) <= set(LAYERS[-1])  # the features it names as examples
