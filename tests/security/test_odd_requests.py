"""Items 4 and 14 of issue 15, against the live app.

4: more than 1000 multipart fields or 100 files made every POST endpoint answer 500, before the CSRF check (so
anyone could). Now a 400 with words.
14: /healthz told anyone the broker's error text and the workers' host names, and answered 301 over plain http
(load balancers probe over http)."""
import pytest
import requests

from tests.conftest import free_port, port_open
from tests.reliability.conftest import Gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

MANY_FIELDS = [(f"f{n}", "x") for n in range(1001)]
MANY_FILES = [("image", (f"{n}.png", b"x", "image/png")) for n in range(101)]


def anyone(live_server, with_token):
    """A client with the CSRF cookie (anyone gets one from any page), with or without sending the token."""
    session = requests.Session()
    token = session.get(live_server.url + "/api/csrf/").json()["csrftoken"]
    if with_token:
        session.headers.update({"X-CSRFToken": token, "Referer": live_server.url + "/"})
    return session


@pytest.mark.parametrize("path", ["/api/uploads/inspect/", "/api/style-transfer/jobs/", "/api/editor/renders/",
                                  "/api/accounts/login/"])
@pytest.mark.parametrize("kind", ["fields", "files"])
@pytest.mark.parametrize("with_token", [False, True])
def test_too_many_parts_is_a_400_with_words_on_the_api(live_server, path, kind, with_token):
    session = anyone(live_server, with_token)
    if kind == "fields":
        response = session.post(live_server.url + path, files={"image": ("a.png", b"x")}, data=MANY_FIELDS)
    else:
        response = session.post(live_server.url + path, files=MANY_FILES)
    assert response.status_code == 400, response.text[:300]
    detail = response.json()["detail"]
    assert ("1000 are accepted" if kind == "fields" else "100 are accepted") in detail, detail


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/admin/login/"])
def test_too_many_fields_is_a_400_with_words_on_pages(live_server, path):
    response = anyone(live_server, with_token=False).post(live_server.url + path, data=MANY_FIELDS)
    assert response.status_code == 400
    assert "too many form fields" in response.text


class ProductionGunicorn(Gunicorn):
    """gunicorn with DEBUG=0 (SSL redirect on, as in production), probed over plain http like a load balancer."""

    def ready(self):
        if not port_open(self.port):
            return False
        try:
            requests.get(self.url + "/api/csrf/", timeout=5, allow_redirects=False)
            return True
        except requests.RequestException:
            return False


def test_healthz_is_minimal_in_public_and_not_redirected(broker):
    token = "monitor-" + "0123456789abcdef"
    server = ProductionGunicorn(broker, port=free_port(), workers=1,
                                extra_env={"DEBUG": "0", "SITE_URL": "https://imogen.example.com",
                                           "IMOGEN_HEALTH_TOKEN": token}).start()
    try:
        public = requests.get(server.url + "/healthz", allow_redirects=False, timeout=10)
        assert public.status_code == 503  # no worker is running in this test
        assert public.json() == {"status": "degraded"}
        for wrong in ("Bearer nope", f"Basic {token}", ""):
            answer = requests.get(server.url + "/healthz", headers={"Authorization": wrong}, timeout=10)
            assert answer.json() == {"status": "degraded"}
        monitor = requests.get(server.url + "/healthz", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        body = monitor.json()
        assert monitor.status_code == 503 and body["workers"]["live"] == 0 and body["broker"]["ok"] is True
        # Everything else is still redirected to https.
        page = requests.get(server.url + "/accounts/login/", allow_redirects=False, timeout=10)
        assert page.status_code == 301 and page.headers["Location"].startswith("https://")
    finally:
        server.stop()


def test_staff_see_the_details(client, django_user_model, broker):
    assert set(client.get("/healthz").json()) == {"status"}
    staff = django_user_model.objects.create_user("staff@example.com", "staff@example.com", "pw", is_staff=True)
    client.force_login(staff)
    body = client.get("/healthz").json()
    assert {"database", "broker", "workers"} <= set(body)
