"""Settings read yes/no variables strictly: a typo stops the start with an error naming the variable."""
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from imogen.settings import env_bool
from tests.conftest import ROOT


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("Yes", True), (" on ", True), ("true", True),
                                                  ("0", False), ("no", False), ("OFF", False), ("", None)])
def test_yes_no_words(monkeypatch, value, expected):
    monkeypatch.setenv("IMOGEN_SOME_FLAG", value)
    assert env_bool("IMOGEN_SOME_FLAG", None) is expected


def test_a_typo_names_the_variable(monkeypatch):
    monkeypatch.setenv("EMAIL_USE_TLS", "ture")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS='ture' is not a yes/no value"):
        env_bool("EMAIL_USE_TLS")


def test_the_site_does_not_start_with_a_typo():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imogen.settings", "IMOGEN_RETENTION_INCLUDE_ACCOUNTS": "yse"}
    run = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert run.returncode != 0 and "IMOGEN_RETENTION_INCLUDE_ACCOUNTS='yse'" in run.stderr
