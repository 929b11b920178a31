"""The provider interface, and a base for providers built on a Django email backend."""
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.utils import make_msgid

from django.core.mail import BadHeaderError, EmailMessage, get_connection
from django.utils.translation import gettext as _


class MailError(Exception):
    """A failure with a message for the user (already translated)."""


class TemporaryMailError(MailError):
    """Worth trying again later (server unreachable or busy, 4xx answers)."""


class PermanentMailError(MailError):
    """Trying again cannot help (address refused, login refused, message refused, bad configuration)."""


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class OutgoingMail:
    to: str
    subject: str
    body: str
    from_email: str
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


class MailProvider:
    """Interface: `send(mail)` returns the Message-ID or raises Temporary/PermanentMailError."""

    #: "smtp" when mail really leaves for a mail server, "folder" when it is only written to files.
    transport = "smtp"

    def send(self, mail: OutgoingMail) -> str:
        raise NotImplementedError

    def check(self):
        """Raise Temporary/PermanentMailError when mail could not be sent now (e.g. the server is down)."""


def _server_text(raw):
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return " ".join(text.split())[:300]


def classify_smtp_error(exc, recipient):
    """Map an exception from smtplib/sockets to a Temporary or Permanent MailError with words for people."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return PermanentMailError(_("Imogen's mail server refused our login, so no email can be sent right now. "
                                    "Please tell the site administrator (server said: %(reason)s).")
                                  % {"reason": _server_text(exc.smtp_error)})
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reason = next(iter(exc.recipients.values()), (550, b""))
        if 400 <= code < 500:
            return TemporaryMailError(_("The mail server cannot take mail for %(to)s right now (%(reason)s).")
                                      % {"to": recipient, "reason": _server_text(reason)})
        return PermanentMailError(_("The mail server refused the address %(to)s: %(reason)s")
                                  % {"to": recipient, "reason": _server_text(reason) or code})
    if isinstance(exc, smtplib.SMTPNotSupportedError | ssl.SSLError):
        return PermanentMailError(_("Imogen's mail settings do not match the mail server (%(reason)s). "
                                    "Please tell the site administrator.") % {"reason": _server_text(exc)})
    if isinstance(exc, smtplib.SMTPResponseException):  # sender refused, data refused, connect answered 4xx/5xx
        reason = _server_text(exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            return TemporaryMailError(_("The mail server is busy (%(code)s %(reason)s).")
                                      % {"code": exc.smtp_code, "reason": reason})
        return PermanentMailError(_("The mail server refused the email (%(code)s %(reason)s).")
                                  % {"code": exc.smtp_code, "reason": reason})
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPException):
        return TemporaryMailError(_("The mail server closed the connection (%(reason)s).")
                                  % {"reason": _server_text(exc) or "-"})
    if isinstance(exc, socket.timeout | TimeoutError):
        return TemporaryMailError(_("The mail server did not answer in time."))
    if isinstance(exc, ConnectionRefusedError):
        return TemporaryMailError(_("Could not connect to the mail server (connection refused)."))
    if isinstance(exc, socket.gaierror):
        return TemporaryMailError(_("Could not find the mail server (%(reason)s).") % {"reason": _server_text(exc)})
    if isinstance(exc, OSError):
        return TemporaryMailError(_("Could not reach the mail server (%(reason)s).")
                                  % {"reason": _server_text(exc.strerror or exc)})
    return None


class DjangoBackendProvider(MailProvider):
    """Sends through a Django email backend; subclasses choose which one in `connection()`."""

    def connection(self):
        return get_connection(fail_silently=False)

    def build(self, mail, connection):
        domain = mail.from_email.rsplit("@", 1)[-1].strip(" >") or "imogen.local"
        headers = {"Message-ID": make_msgid(domain=domain), **mail.headers}
        message = EmailMessage(subject=mail.subject, body=mail.body, from_email=mail.from_email, to=[mail.to],
                               headers=headers, connection=connection)
        for item in mail.attachments:
            message.attach(item.filename, item.content, item.mimetype)
        return message, headers["Message-ID"]

    def send(self, mail):
        try:
            connection = self.connection()
            message, message_id = self.build(mail, connection)
            sent = message.send(fail_silently=False)
        except (BadHeaderError, ValueError) as exc:
            # Addresses and subjects are checked before a delivery is accepted; this is the last line of defence.
            raise PermanentMailError(_("The email was refused because an address or the subject is not valid."
                                       )) from exc
        except MailError:
            raise
        except Exception as exc:
            mapped = classify_smtp_error(exc, mail.to)
            if mapped is None:
                raise
            raise mapped from exc
        if not sent:
            raise TemporaryMailError(_("The mail server did not accept the email."))
        return message_id
