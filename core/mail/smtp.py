"""SMTP through Django's SMTP backend, configured from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL and EMAIL_TIMEOUT (read when each mail is sent)."""
from django.conf import settings
from django.core.mail import get_connection

from .base import DjangoBackendProvider, classify_smtp_error


class SmtpProvider(DjangoBackendProvider):
    transport = "smtp"

    def connection(self):
        return get_connection(
            "django.core.mail.backends.smtp.EmailBackend",
            fail_silently=False,
            host=settings.EMAIL_HOST,
            port=settings.EMAIL_PORT,
            username=settings.EMAIL_HOST_USER or None,
            password=settings.EMAIL_HOST_PASSWORD or None,
            use_tls=settings.EMAIL_USE_TLS,
            use_ssl=settings.EMAIL_USE_SSL,
            timeout=settings.EMAIL_TIMEOUT,
        )

    def check(self):
        """Connect and log in, then hang up: the same answer as a real send would get, without a message."""
        try:
            connection = self.connection()
            connection.open()
            connection.close()
        except Exception as exc:
            mapped = classify_smtp_error(exc, "")
            if mapped is None:
                raise
            raise mapped from exc
