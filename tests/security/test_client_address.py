"""Item 1 and 8 of issue 15: every rate limit counts the real client, whatever X-Forwarded-For says.

Against the live app (Django's live server). With no proxy configured (IMOGEN_TRUSTED_PROXIES=0, the default) the
socket's address is the client; behind N proxies the address the outermost one saw."""
import pytest
from django.contrib.auth import get_user_model

from tests.security.conftest import session_of, spoofed

pytestmark = pytest.mark.django_db(transaction=True)


def style_body():
    from styletransfer import samples

    return {"content_sample": samples.by_kind("content")[0].id, "style_sample": samples.by_kind("style")[0].id,
            "preset": "preview", "width": 64, "height": 64}


def test_spoofed_forwarded_for_does_not_escape_the_login_limit(http, rates):
    """The attack: 25 wrong passwords with random X-Forwarded-For values were all answered, then the right one
    logged in. Now the limit holds, and the right password is refused too until the wait is over."""
    rates("login", "5/hour")
    get_user_model().objects.create_user("victim@example.com", "victim@example.com", "right-password-123")
    answers = [http.post("/api/accounts/login/", json={"email": "victim@example.com", "password": f"guess{n}"},
                         headers=spoofed()).status_code for n in range(8)]
    assert answers == [400] * 5 + [429] * 3
    response = http.post("/api/accounts/login/", json={"email": "victim@example.com",
                                                        "password": "right-password-123"}, headers=spoofed())
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("path, form", [
    ("/accounts/login/", {"username": "victim@example.com", "password": "wrong"}),
    ("/admin/login/", {"username": "victim@example.com", "password": "wrong", "next": "/admin/"}),
    ("/accounts/signup/", {"email": "bot@example.com", "password1": "x", "password2": "y"}),
    ("/accounts/password/reset/", {"email": "victim@example.com"}),
])
def test_spoofed_forwarded_for_does_not_escape_the_page_limits(http, rates, path, form):
    """Log-in page, /admin/login/ (item 8: it had no limit at all), sign-up and password reset."""
    rates("login", "3/hour")
    answers = [http.post(path, data=form, headers=spoofed(), allow_redirects=False).status_code for _ in range(5)]
    assert 429 not in answers[:3], answers
    assert answers[3:] == [429, 429], answers
    assert "Too many attempts" in http.post(path, data=form, headers=spoofed()).text


def test_admin_and_site_log_in_share_one_budget(http, rates):
    rates("login", "4/hour")
    for _ in range(2):
        assert http.post("/accounts/login/", data={"username": "a@example.com", "password": "x"}).status_code == 200
        assert http.post("/admin/login/", data={"username": "a", "password": "x"}).status_code == 200
    assert http.post("/admin/login/", data={"username": "a", "password": "x"}).status_code == 429


def test_spoofed_forwarded_for_does_not_escape_the_job_limit(http, rates, broker):
    """The attack: 15 more style jobs past the hourly limit were accepted (202)."""
    rates("jobs", "3/hour")
    answers = [http.post("/api/style-transfer/jobs/", data=style_body(), headers=spoofed()).status_code
               for _ in range(5)]
    assert answers == [202] * 3 + [429] * 2
    response = http.post("/api/text2image/jobs/", json={"prompt": "sea", "width": 1920, "height": 1080,
                                                         "samples": 1}, headers=spoofed())
    assert response.status_code == 429  # one "jobs" budget for every kind of job


def test_new_sessions_and_spoofed_addresses_do_not_escape_the_mail_limit(fresh_http, settings):
    from PIL import Image

    from gallery.models import Creation

    settings.IMOGEN_MAIL_LIMIT_PER_CLIENT = "2/day"
    settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "100/day"
    answers = []
    for n in range(3):
        client = fresh_http()
        client.get("/api/csrf/")
        creation = Creation.objects.create_from_image(Image.new("RGB", (16, 16), "red"), kind="edit",
                                                      session_key=session_of(client))
        answers.append(client.post(f"/api/creations/{creation.pk}/email/", json={"to": f"f{n}@example.com"},
                                   headers=spoofed()).status_code)
    assert answers == [202, 202, 429]


def test_behind_one_proxy_the_address_it_appended_is_the_client(http, rates, settings):
    """IMOGEN_TRUSTED_PROXIES=1 (nginx in front): the rightmost entry counts, what the visitor wrote before it
    does not, and two real visitors have a budget each."""
    settings.IMOGEN_TRUSTED_PROXIES = 1
    rates("login", "2/hour")

    def attempt(forwarded):
        return http.post("/api/accounts/login/", json={"email": "x@example.com", "password": "x"},
                         headers={"X-Forwarded-For": forwarded}).status_code

    assert [attempt(f"{n}.{n}.{n}.{n}, 198.51.100.7") for n in range(1, 4)] == [400, 400, 429]
    assert attempt("198.51.100.8") == 400
    assert attempt("not-an-address") == 400  # unusable: counted as the proxy's own address (127.0.0.1)
