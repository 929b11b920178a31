"""One provider registry for mail, text-to-image and translation: names, aliases, dotted paths, plain errors."""
import os
import subprocess
import sys

import pytest

from core.context_processors import mail
from core.mail import PROVIDERS as MAIL
from core.mail import mail_goes_to_folder
from core.registry import UnknownProvider, describe_all
from tests.conftest import ROOT
from text2image.providers import PROVIDERS as PICTURES
from text2image.providers import active_provider
from text2image.translation import get_translator


def test_names_aliases_and_dotted_paths_choose_the_same_classes():
    assert type(PICTURES.get("A1111")).__name__ == "Automatic1111Provider"
    assert PICTURES.get_class("text2image.providers.offline.OfflineProvider") is PICTURES.get_class("offline")
    assert type(get_translator("gcp")).__name__ == "GoogleTranslator"
    assert MAIL.label("smtp") == "smtp"  # no label: its name


def test_an_unknown_provider_names_the_choices():
    with pytest.raises(UnknownProvider, match="choose one of offline, karlo"):
        PICTURES.get("dalle-9")
    with pytest.raises(UnknownProvider, match="cannot be loaded"):
        MAIL.get("nowhere.Provider")


def test_a_typo_in_the_settings_falls_back_and_says_so(settings, caplog):
    settings.IMOGEN_T2I_PROVIDER = "karol"
    settings.IMOGEN_TRANSLATE_PROVIDER = "gogle"
    assert active_provider().name == "offline" and type(get_translator()).__name__ == "NoTranslator"
    assert "karol" in caplog.text and "gogle" in caplog.text


@pytest.mark.parametrize(("provider", "host", "folder"), [
    ("auto", "", True), ("auto", "mail.example.com", False), ("folder", "mail.example.com", True),
    ("django", "", False), ("smtp", "", False)])
def test_the_pages_say_mail_goes_to_a_folder_only_when_it_does(settings, provider, host, folder):
    settings.IMOGEN_MAIL_PROVIDER, settings.EMAIL_HOST = provider, host
    assert mail_goes_to_folder() is folder
    assert any(line.startswith(f"mail: {'folder' if folder else ''}") for line in describe_all())


def test_the_mail_page_context_uses_the_same_decision(settings, rf):
    settings.IMOGEN_MAIL_PROVIDER, settings.EMAIL_HOST = "django", ""
    assert mail(rf.get("/")) == {"MAIL_TO_FOLDER": False}


def test_the_django_mail_provider_sends_through_the_backend_the_environment_names():
    backend = "django.core.mail.backends.console.EmailBackend"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "imogen.settings", "EMAIL_BACKEND": backend,
           "IMOGEN_MAIL_PROVIDER": "django"}
    code = ("import django; django.setup()\n"
            "from core.mail import OutgoingMail, get_provider\n"
            "get_provider().send(OutgoingMail(to='a@example.com', subject='Hello there', body='b', "
            "from_email='imogen@localhost'))")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "Subject: Hello there" in run.stdout, "the console backend, not the SMTP default, printed the mail"
