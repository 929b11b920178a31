"""Features declare themselves (core.features): the gallery, the queue and the home page loop over the
declarations, so a new feature shows up in them without their code knowing it, and they import no feature."""
import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.translation import gettext_lazy

from core import features
from gallery.models import Creation, CreationKind
from tests.factories import make_creation

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = {"styletransfer", "text2image", "editor"}
# The middle layers and the home page: what they run and render must name no feature app.
LAYERS = ["core", "gallery", "fairqueue", "accounts", "mailer"]
HOME = [ROOT / "imogen" / "views.py"]
DOTTED = re.compile(r"[a-z_0-9]+(\.[A-Za-z_0-9]+)+")
TEMPLATES = [ROOT / "templates", *(ROOT / app / "templates" for app in LAYERS)]


def feature_libraries():
    """{tag library name: app} of the features' template tags ({% load name %})."""
    return {path.stem: app for app in FEATURE_APPS for path in (ROOT / app / "templatetags").glob("*.py")
            if path.stem != "__init__"}


def python_files():
    for app in LAYERS:
        yield from (path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)
    yield from HOME


def imported_apps(path):
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and DOTTED.fullmatch(node.value):
            found.add(node.value.split(".")[0])  # a dotted path is an import made later (import_string)
    return found


def test_the_middle_layers_and_the_home_page_import_no_feature():
    wrong = [f"{path.relative_to(ROOT)} → {app}" for path in python_files()
             for app in imported_apps(path) & FEATURE_APPS]
    assert not wrong, wrong


def test_their_templates_load_and_include_no_feature():
    libraries = feature_libraries()
    assert "style_tags" in libraries  # the check knows where the features' tags are
    wrong = []
    for folder in TEMPLATES:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for names in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", text):
                wrong += [f"{path.relative_to(ROOT)} loads {name}" for name in names.split() if name in libraries]
            for name in re.findall(r"{%\s*(?:include|extends)\s+[\"']([^/\"']+)/", text):
                if name in FEATURE_APPS:
                    wrong.append(f"{path.relative_to(ROOT)} includes {name}/…")
    assert not wrong, wrong


def describe_upscale(creation, meta):
    return [{"label": "Scale", "value": f"×{meta['factor']}"}]


def again_url(creation, mine):
    return f"/upscale/?again={creation.pk}"


def upscale_url(creation, mine):
    return f"/upscale/?creation={creation.pk}"


def pending_upscales(request, limit):
    return {"content_thumb": "/upscale/waiting.jpg"}


@pytest.fixture
def upscale():
    """A feature the gallery has never heard of, declared the way a real one is (in its AppConfig.ready)."""
    features.register(features.Feature(
        app="upscale",
        kinds=[features.Kind("upscale", gettext_lazy("Upscaled"), describe=describe_upscale)],
        links=[features.Link("remix_url", again_url, who="shared"),
               features.Link("upscale", upscale_url, who="owner", label=gettext_lazy("Upscale ×2"))],
        pending=features.Pending("styletransfer/_inputs.html", pending_upscales),
    ))
    yield
    features.unregister("upscale")


@pytest.mark.django_db
def test_a_new_feature_shows_in_my_creations_and_its_page_describes_it(client, upscale):
    session = client.session
    session.save()
    made = make_creation(session_key=session.session_key, kind="upscale", metadata={"factor": 4})
    assert CreationKind.UPSCALE == "upscale" and made.get_kind_display() == "Upscaled"
    mine = client.get("/gallery/mine/").content.decode()
    assert '<span class="badge">Upscaled</span>' in mine and 'href="?kind=upscale"' in mine
    assert "/upscale/waiting.jpg" in mine  # its pending tiles, through the registry
    assert client.get("/gallery/mine/?kind=upscale").context["page"].object_list[0] == made
    page = client.get(made.get_absolute_url()).content.decode()
    assert "Scale" in page and "×4" in page
    assert f'href="/upscale/?again={made.pk}"' in page  # its "Run again" button
    assert f'<a class="button" href="/upscale/?creation={made.pk}">Upscale ×2</a>' in page  # a button of its own
    made.published_at, made.show_settings = made.created_at, True
    made.save()
    public = Client().get(made.get_absolute_url()).content.decode()
    assert "again=" in public and "Upscale ×2" not in public  # the owner's button only


@pytest.mark.django_db
def test_a_kind_no_feature_declared_is_refused(client, upscale):
    with pytest.raises(ValidationError):
        make_creation(kind="sculpture")
    features.unregister("upscale")
    assert "upscale" not in CreationKind.values
    with pytest.raises(AttributeError):
        CreationKind.UPSCALE  # noqa: B018  (the attribute itself is the check)
    assert Creation.objects.count() == 0


def test_the_installed_features_declare_their_kinds_and_jobs():
    assert {"style", "text2image", "edit"} <= set(CreationKind.values)
    assert {model._meta.label for model in features.job_models()} >= {"styletransfer.StyleTransferJob",
                                                                       "text2image.TextToImageJob"}
    assert features.page_strings("styletransfer")["next"]


@pytest.mark.django_db
def test_the_home_page_shows_what_the_features_declare_in_korean(client, korean):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    for words in ("스타일 변환 시작", "프롬프트 쓰기", "편집기 열기", "써 볼 만한 스타일"):  # tools, "Styles to try"
        assert words in html
    assert html.index("스타일 변환 시작") < html.index("프롬프트 쓰기") < html.index("편집기 열기")
