"""Mail providers: one module per provider, chosen by `settings.IMOGEN_MAIL_PROVIDER`.

A provider takes an `OutgoingMail` and either returns the Message-ID it handed over, or raises
`TemporaryMailError` (worth retrying later: server unreachable, 4xx) or `PermanentMailError` (retrying
cannot help: recipient refused with 5xx, login refused, misconfiguration). Error messages are for the user,
already translated into the active language.

    auto    SMTP when EMAIL_HOST is set, else the folder provider (the default)
    smtp    mailer.providers.smtp.SmtpProvider — Django's SMTP backend with EMAIL_* settings
    folder  mailer.providers.folder.FolderProvider — .log files (one per message) under IMOGEN_MAIL_FOLDER (var/mail)
    django  mailer.providers.django_backend.DjangoBackendProvider — whatever EMAIL_BACKEND is
    a.b.C   any class with the same interface
"""
from django.conf import settings
from django.utils.module_loading import import_string

from .base import Attachment, MailProvider, OutgoingMail, PermanentMailError, TemporaryMailError

__all__ = ["Attachment", "MailProvider", "OutgoingMail", "PermanentMailError", "TemporaryMailError",
           "get_provider", "provider_path"]

PROVIDERS = {
    "smtp": "mailer.providers.smtp.SmtpProvider",
    "folder": "mailer.providers.folder.FolderProvider",
    "django": "mailer.providers.django_backend.DjangoBackendProvider",
}


def provider_path():
    name = (getattr(settings, "IMOGEN_MAIL_PROVIDER", "auto") or "auto").strip()
    if name.lower() == "auto":
        name = "smtp" if settings.EMAIL_HOST else "folder"
    return PROVIDERS.get(name.lower(), name)


def get_provider():
    return import_string(provider_path())()


def mail_goes_to_folder():
    """True when mail is not really sent but written to files (the UI says so)."""
    return provider_path() == PROVIDERS["folder"]
