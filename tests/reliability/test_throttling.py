"""Rate limits: job creation (style transfer and text-to-image), mail and login answer 429 with words a person
can read once a client goes over its rate (`IMOGEN_THROTTLE_JOBS`, `IMOGEN_THROTTLE_MAIL`, `IMOGEN_THROTTLE_LOGIN`)."""
import pytest
from PIL import Image
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from gallery.models import Creation

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(monkeypatch):
    """Low rates for the test (the throttle classes read this dict), from an empty throttle history: every test
    comes from 127.0.0.1, so requests of earlier tests would otherwise count."""
    from django.core.cache import cache

    cache.clear()

    def set_rate(scope, rate):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, rate)
    return set_rate


def assert_throttled(response):
    assert response.status_code == 429, (response.status_code, response.content[:300])
    assert int(response["Retry-After"]) > 0
    detail = response.json()["detail"]
    assert "throttled" in detail.lower() or "too many" in detail.lower(), detail


def style_body():
    from styletransfer import samples

    return {"content_sample": samples.by_kind("content")[0].id, "style_sample": samples.by_kind("style")[0].id,
            "preset": "preview", "width": 64, "height": 64}


def test_style_job_creation_is_throttled(client, rates):
    rates("jobs", "2/minute")
    for _ in range(2):
        assert client.post("/api/style-transfer/jobs/", style_body()).status_code == 202
    assert_throttled(client.post("/api/style-transfer/jobs/", style_body()))
    # Following a job is not limited by the job-creation rate.
    assert client.get("/api/style-transfer/jobs/").status_code == 200


def test_text2image_job_creation_is_throttled(client, rates):
    rates("jobs", "2/minute")
    body = {"prompt": "sunset over the sea", "width": 1920, "height": 1080, "samples": 1}
    for _ in range(2):
        assert client.post("/api/text2image/jobs/", body, content_type="application/json").status_code == 202
    response = client.post("/api/text2image/jobs/", body, content_type="application/json")
    assert_throttled(response)


def test_the_throttle_message_is_in_korean_for_korean_users(client, rates):
    rates("jobs", "1/minute")
    body = {"prompt": "노을", "width": 1920, "height": 1080, "samples": 1}
    client.post("/api/text2image/jobs/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko")
    response = client.post("/api/text2image/jobs/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 429
    assert any("\uac00" <= ch <= "\ud7a3" for ch in response.json()["detail"]), response.json()


def test_mail_is_throttled(client, settings, django_user_model):
    # The mailer applies IMOGEN_THROTTLE_MAIL through its own per-client limit (IMOGEN_MAIL_LIMIT_PER_CLIENT).
    settings.IMOGEN_MAIL_LIMIT_PER_CLIENT = "2/hour"
    user = django_user_model.objects.create_user("m@example.com", "m@example.com", "pw-123456789")
    client.force_login(user)
    creation = Creation.objects.create_from_image(Image.new("RGB", (32, 32), "blue"), kind="edit", owner=user)
    url = f"/api/creations/{creation.pk}/email/"
    for n in range(2):
        response = client.post(url, {"to": f"friend{n}@example.com"}, content_type="application/json")
        assert response.status_code == 202, response.content
    response = client.post(url, {"to": "friend9@example.com"}, content_type="application/json")
    assert response.status_code == 429
    assert "too many" in response.json()["detail"].lower()


def test_login_api_is_throttled(client, rates):
    rates("login", "3/minute")
    for _ in range(3):
        response = client.post("/api/accounts/login/", {"email": "x@example.com", "password": "wrong"},
                               content_type="application/json")
        assert response.status_code == 400
    assert_throttled(client.post("/api/accounts/login/", {"email": "x@example.com", "password": "wrong"},
                                 content_type="application/json"))


def test_login_page_is_throttled(client, rates):
    rates("login", "3/minute")
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "x@example.com", "password": "wrong"}).status_code == 200
    response = client.post("/accounts/login/", {"username": "x@example.com", "password": "wrong"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
