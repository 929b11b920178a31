"""Fixtures for the abuse regression tests (issue 15): real accounts and creations, a live server per test."""
import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def log_in(http, email, password):
    response = http.post("/api/accounts/login/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return http


from tests.mailer.conftest import mail_settings, smtp_server  # noqa: E402,F401  (aiosmtpd, SMTP settings)


def mail_body(message):
    return message.message.get_body(preferencelist=("plain",)).get_content()
