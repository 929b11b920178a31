"""Item 15: the language cookie has its flags, a password reset says when the mail could not be sent (for known
and unknown addresses alike), and expired sessions are purged by beat."""
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.verification import is_verified
from core.tasks import clear_sessions
from tests.conftest import ROOT, HttpClient, free_port
from tests.factories import make_user

from .conftest import mail_body

pytestmark = pytest.mark.django_db(transaction=True)


def test_language_cookie_is_httponly_and_samesite_lax(http):
    http.get("/")
    response = http.post("/i18n/setlang/", data={"language": "ko", "next": "/",
                                                  "csrfmiddlewaretoken": http.cookies.get("csrftoken")},
                         allow_redirects=False)
    header = next(h for h in response.raw.headers.getlist("Set-Cookie") if h.startswith("django_language="))
    assert "HttpOnly" in header and "SameSite=Lax" in header, header


def test_language_cookie_is_secure_with_the_https_settings():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "imogen.settings",
           "SITE_URL": "https://imogen.example.com"}  # the HTTPS settings follow SITE_URL
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.LANGUAGE_COOKIE_SECURE, s.SESSION_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def reset(http, email):
    http.get("/accounts/password/reset/")
    return http.post("/accounts/password/reset/", data={"email": email,
                                                        "csrfmiddlewaretoken": http.cookies.get("csrftoken")})


def test_password_reset_says_it_could_not_send_when_smtp_is_down(live_server, mail_settings, smtp_server):
    make_user("forgetful@example.com", verified=False)
    mail_settings.SITE_URL = live_server.url
    working_port = mail_settings.EMAIL_PORT
    mail_settings.EMAIL_PORT = free_port()  # nothing listens there: the mail server is down
    answers = {}
    for email in ("forgetful@example.com", "nobody@example.com"):
        visitor = HttpClient(live_server.url)
        response = reset(visitor, email)
        answers[email] = (response.status_code, "could not be sent right now" in response.text)
        visitor.close()
    assert answers == {"forgetful@example.com": (503, True), "nobody@example.com": (503, True)}
    mail_settings.EMAIL_PORT = working_port  # back up: the link arrives and the page says so
    visitor = HttpClient(live_server.url)
    response = reset(visitor, "forgetful@example.com")
    assert response.status_code == 200 and response.url.endswith("/accounts/password/reset/sent/")
    (message,) = smtp_server.messages
    assert message.rcpt_tos == ["forgetful@example.com"]
    link = re.search(r"(/accounts/password/reset/\S+/)", mail_body(message)).group(1)
    form = visitor.get(link)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    done = visitor.post(form.url, data={"new_password1": "a-new-long-passphrase-5",
                                        "new_password2": "a-new-long-passphrase-5", "csrfmiddlewaretoken": token})
    assert done.url.endswith("/accounts/password/reset/complete/")
    assert is_verified(get_user_model().objects.get(email="forgetful@example.com")), "the mailbox is proven"
    visitor.close()


def test_beat_clears_expired_sessions():
    assert settings.CELERY_BEAT_SCHEDULE["clear-sessions"]["task"] == "core.tasks.clear_sessions"
    Session.objects.create(session_key="old" + "x" * 29, session_data="", expire_date=timezone.now()
                           - timezone.timedelta(days=1))
    Session.objects.create(session_key="new" + "x" * 29, session_data="", expire_date=timezone.now()
                           + timezone.timedelta(days=1))
    clear_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" + "x" * 29]
