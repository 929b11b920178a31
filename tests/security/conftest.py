"""Fixtures for the abuse regression tests (issue 15): real accounts and creations, a live server per test, low
rates from an empty counter history, and a client that forges X-Forwarded-For."""
import itertools

import pytest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from tests.conftest import HttpClient


@pytest.fixture(autouse=True)
def _media(media_root):
    return media_root


def log_in(http, email, password):
    response = http.post("/api/accounts/login/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return http


_fake = itertools.count(1)


def spoofed():
    """A different forged X-Forwarded-For for every request, as the attack in issue 15 sent them."""
    n = next(_fake)
    return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


@pytest.fixture
def rates(monkeypatch):
    """Set low rates for this test (every test comes from 127.0.0.1, so the counters start empty)."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()

    def set_rate(scope, rate):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)
        monkeypatch.setitem(api_settings.DEFAULT_THROTTLE_RATES, scope, rate)
    return set_rate


@pytest.fixture
def fresh_http(live_server):
    """A new browser (new session and CSRF cookie) for each call, like a bot that drops its cookies."""
    clients = []

    def make():
        client = HttpClient(live_server.url)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def session_of(client):
    """The session key of a live-server client, creating a session (and its cookie) if it has none yet."""
    from django.contrib.sessions.backends.db import SessionStore

    key = client.cookies.get("sessionid")
    if not key:
        store = SessionStore()
        store.create()
        key = store.session_key
        client.cookies.set("sessionid", key)
    return key


from tests.mailer.conftest import mail_settings, smtp_server  # noqa: E402,F401  (aiosmtpd, SMTP settings)


def mail_body(message):
    return message.message.get_body(preferencelist=("plain",)).get_content()
