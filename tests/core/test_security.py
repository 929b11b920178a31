"""Production settings pass Django's deployment checks; every response carries the security headers."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    env = dict(os.environ, DEBUG="0", SECRET_KEY="x" * 20 + "-production-secret-for-the-check-0123456789",
               ALLOWED_HOSTS="imogen.example.com", SITE_URL="https://imogen.example.com",
               DJANGO_SETTINGS_MODULE="imogen.settings")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set only for Playwright in tests
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(os.environ, DEBUG="0", SECRET_KEY="", DJANGO_SETTINGS_MODULE="imogen.settings")
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_send_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_state_changing_api_calls_need_the_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/uploads/inspect/", {})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.django_db
def test_admin_needs_a_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/media/../imogen/settings.py", "/media/..%2Fimogen%2Fsettings.py",
                                  "/media/%2e%2e/%2e%2e/etc/passwd", "/media//etc/passwd"])
def test_media_route_does_not_traverse(client, path):
    assert client.get(path).status_code == 404
