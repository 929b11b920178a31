"""The mail transport, below every app that mails (accounts' confirmation and reset mails, the mailer's deliveries):
one module per provider, chosen by `settings.IMOGEN_MAIL_PROVIDER`.

A provider takes an `OutgoingMail` and either returns the Message-ID it handed over, or raises
`TemporaryMailError` (worth retrying later: server unreachable, 4xx) or `PermanentMailError` (retrying
cannot help: recipient refused with 5xx, login refused, misconfiguration). Error messages are for the user,
already translated into the active language.

    auto    SMTP when EMAIL_HOST is set, else the folder provider (the default)
    smtp    core.mail.smtp.SmtpProvider — Django's SMTP backend with EMAIL_* settings
    folder  core.mail.folder.FolderProvider — .log files (one per message) under IMOGEN_MAIL_FOLDER (var/mail)
    django  core.mail.base.DjangoBackendProvider — the backend EMAIL_BACKEND names (Django's test outbox in tests)
    a.b.C   any class with the same interface
"""
from django.conf import settings

from core.registry import ProviderRegistry

from .base import Attachment, MailError, MailProvider, OutgoingMail, PermanentMailError, TemporaryMailError

__all__ = ["Attachment", "MailError", "MailProvider", "OutgoingMail", "PermanentMailError", "TemporaryMailError",
           "get_provider", "mail_goes_to_folder", "provider_path"]

PROVIDERS = ProviderRegistry("mail", {
    "smtp": "core.mail.smtp.SmtpProvider",
    "folder": "core.mail.folder.FolderProvider",
    "django": "core.mail.base.DjangoBackendProvider",
}, setting="IMOGEN_MAIL_PROVIDER")


def provider_name():
    """IMOGEN_MAIL_PROVIDER, with `auto` decided: smtp when EMAIL_HOST is set, else the folder."""
    name = (settings.IMOGEN_MAIL_PROVIDER or "auto").strip()
    if name.lower() == "auto":
        return "smtp" if settings.EMAIL_HOST else "folder"
    return name


PROVIDERS.choose = provider_name


def provider_path():
    return PROVIDERS.path(provider_name())


def get_provider():
    return PROVIDERS.get(provider_name())


def mail_goes_to_folder():
    """True when mail is not really sent but written to files (the pages say so): decided here only."""
    return PROVIDERS.get_class(provider_name()).transport == "folder"
