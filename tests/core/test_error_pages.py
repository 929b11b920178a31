"""`make run` serves with DEBUG off: friendly 404 and 500 pages in both languages (never Django's debug page with
every URL pattern), and a secret key made once under var/ so one machine needs no configuration."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

ROOT = Path(__file__).resolve().parents[2]


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@pytest.mark.parametrize("lang, words", [("en", "This page is not here"), ("ko", "여기에는 페이지가 없습니다")])
def test_a_missing_page_is_a_friendly_404_in_the_visitors_language(client, lang, words, korean):
    response = client.get("/gallery/c/00000000-0000-0000-0000-000000000000/", HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 404 and words in html
    assert "urlpatterns" not in html and "URLconf" not in html and 'href="/"' in html


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("lang, words", [("en", "Something went wrong on our side"), ("ko", "저희 쪽에서 문제가")])
def test_a_crash_is_a_friendly_500_in_the_visitors_language(lang, words, korean):
    response = Client(raise_request_exception=False).get("/boom/", HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 500 and words in html
    assert "Traceback" not in html and "a bug" not in html and "RuntimeError" not in html


def settings_in_a_fresh_process(tmp_path, **env):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="imogen.settings", IMOGEN_VAR_DIR=str(tmp_path), **env)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SECRET_KEY, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_make_run_without_a_key_makes_one_under_var_and_keeps_it(tmp_path):
    key_file = tmp_path / "secret_key"
    env = {"DEBUG": "0", "SECRET_KEY": "", "IMOGEN_SECRET_KEY_FILE": str(key_file),
           "SITE_URL": "http://127.0.0.1:8000"}
    debug, key, secure_cookie, redirect = settings_in_a_fresh_process(tmp_path, **env)
    assert debug == "False" and len(key) >= 50 and key == key_file.read_text().strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # Plain http on one machine: no https redirect and cookies that the browser sends back over http.
    assert (secure_cookie, redirect) == ("False", "False")
    assert settings_in_a_fresh_process(tmp_path, **env)[1] == key  # the same key on the next start
    # Over https the production flags come back.
    https = settings_in_a_fresh_process(tmp_path, **{**env, "SITE_URL": "https://imogen.example.com"})
    assert https[2:] == ["True", "True"]


def test_makefile_runs_with_debug_off_unless_asked():
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export DEBUG ?= 0" in makefile and "IMOGEN_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key" in makefile
    dry = subprocess.run(["make", "-n", "dev"], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert "DEBUG=1" in dry.stdout
