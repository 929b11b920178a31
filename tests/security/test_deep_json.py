"""Issue 21, item 9: JSON nested about 1000 deep (a 2 KB body) made every JSON endpoint answer 500 with a
RecursionError, and it is parsed inside the CSRF check (so anyone could). Also as the `crop` field of a multipart
submit. Now a 400 with words.

The sweep walks the URL conf, so an endpoint added later is covered without touching this file."""
import uuid

import pytest
from django.urls import URLResolver, get_resolver
from rest_framework.parsers import JSONParser
from rest_framework.views import APIView

from tests.conftest import image_bytes
from tests.security.test_odd_requests import anyone

pytestmark = pytest.mark.django_db(transaction=True)

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000
UNSAFE = ("post", "put", "patch", "delete")
SAMPLE_ARGS = {"uuid": str(uuid.UUID(int=1)), "int": "1", "str": "x", "slug": "x", "path": "x"}


def api_views(patterns=None, prefix="/"):
    """(path with sample arguments, view class) for every DRF view in the URL conf."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        for converter, value in SAMPLE_ARGS.items():
            while f"<{converter}:" in route:
                start = route.index(f"<{converter}:")
                route = route[:start] + value + route[route.index(">", start) + 1:]
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern.url_patterns, prefix + route)
            continue
        view = getattr(pattern.callback, "cls", None)
        if view is not None and issubclass(view, APIView):
            yield prefix + route, view


ENDPOINTS = [(path, method, view) for path, view in api_views() for method in UNSAFE if hasattr(view, method)]


def accepts_json(view):
    return any(isinstance(parser, JSONParser) for parser in view().get_parsers())


def test_the_sweep_finds_the_endpoints_named_in_the_issue():
    paths = {path for path, _method, _view in ENDPOINTS}
    assert {"/api/accounts/login/", "/api/text2image/jobs/", "/api/style-transfer/jobs/"} <= paths
    assert len(ENDPOINTS) >= 12


@pytest.mark.parametrize("with_token", [False, True])
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["list", "object"])
def test_deep_json_is_a_400_with_words_on_every_api_endpoint(live_server, with_token, body):
    session = anyone(live_server, with_token)
    failures = []
    for path, method, view in ENDPOINTS:
        response = session.request(method, live_server.url + path, data=body,
                                   headers={"Content-Type": "application/json"}, timeout=30)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {path} → {response.status_code}")
        elif method == "post" and accepts_json(view):
            detail = response.json().get("detail", "") if response.status_code == 400 else ""
            if "nested too deeply" not in detail:
                failures.append(f"{method.upper()} {path} → {response.status_code} {response.text[:120]}")
    assert not failures, "\n".join(failures)


def test_deep_json_error_is_in_korean(live_server):
    session = anyone(live_server, with_token=True)
    response = session.post(live_server.url + "/api/accounts/login/", data=DEEP,
                            headers={"Content-Type": "application/json", "Accept-Language": "ko"}, timeout=30)
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "nested" not in detail and any("\uac00" <= ch <= "\ud7a3" for ch in detail), detail


@pytest.mark.parametrize("path", ["/api/style-transfer/jobs/", "/api/editor/renders/"])
@pytest.mark.parametrize("crop", [DEEP, DEEP_OBJECT, "[" * 40 + "]" * 40], ids=["list", "object", "40-deep"])
def test_a_deep_crop_field_in_multipart_is_a_400_with_words(live_server, path, crop):
    session = anyone(live_server, with_token=True)
    response = session.post(live_server.url + path, timeout=30,
                            files={"content_image": ("a.png", image_bytes(size=(64, 64)), "image/png"),
                                   "image": ("a.png", image_bytes(size=(64, 64)), "image/png")},
                            data={"crop": crop, "style_sample": "style-01"})
    assert response.status_code == 400, response.text[:300]
    assert "crop" in response.json(), response.text[:300]
