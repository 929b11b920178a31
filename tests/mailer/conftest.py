"""Fixtures for mail tests: a real SMTP server (aiosmtpd) on a free localhost port, creations owned by a
browser session, and the settings/env that point Imogen at that server with short retries."""
import email
import email.policy
import io
import threading
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller
from PIL import Image

from tests.conftest import free_port


class RecordingHandler:
    """Accepts mail like a real server; can answer 451 to the first N messages and 550 to given addresses."""

    def __init__(self):
        self.messages = []
        self.temporary_failures = 0  # answer DATA with 451 this many times first
        self.refused = {}  # address -> SMTP reply for RCPT TO
        self.data_attempts = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_attempts += 1
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Temporary local problem, try again later"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            self.messages.append(SimpleNamespace(mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
                                                 raw=envelope.content, message=message))
        return "250 2.0.0 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_settings(settings, smtp_server, tmp_path, broker):
    """In-process sending (the test calls the task itself) to the test SMTP server; jobs are published to the
    test Redis (`broker`), never to a real one."""
    settings.IMOGEN_MAIL_PROVIDER = "auto"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Imogen <imogen@example.org>"
    settings.IMOGEN_MAIL_MAX_ATTEMPTS = 1
    settings.IMOGEN_MAIL_RETRY_BACKOFF = 0.2
    settings.IMOGEN_MAIL_FOLDER = str(tmp_path / "mail")
    settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT = "5/hour"
    settings.IMOGEN_MAIL_LIMIT_PER_CLIENT = "30/day"
    return settings


def worker_env(port, **extra):
    """Environment for a worker process that sends to the test SMTP server with short retries."""
    env = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "0", "EMAIL_USE_SSL": "0",
           "EMAIL_TIMEOUT": "5", "IMOGEN_MAIL_PROVIDER": "auto", "IMOGEN_MAIL_MAX_ATTEMPTS": "3",
           "IMOGEN_MAIL_RETRY_BACKOFF": "0.3", "DEFAULT_FROM_EMAIL": "Imogen <imogen@example.org>"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def new_session_key():
    """A saved browser session (what a visitor's cookie points at)."""
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store.create()
    return store.session_key


def make_creation(session_key, size=(96, 64), title="Starry night", fmt="PNG"):
    from gallery.models import Creation

    image = Image.new("RGB", size, (20, 40, 120))
    pixels = image.load()
    for x in range(size[0]):
        pixels[x, x % size[1]] = (255, (x * 7) % 256, 0)
    return Creation.objects.create_from_image(image, kind="style", session_key=session_key, title=title, fmt=fmt)


def stored_bytes(creation):
    with creation.image.storage.open(creation.image.name, "rb") as handle:
        return handle.read()


def attachments(message):
    return [(part.get_filename(), part.get_content_type(), part.get_payload(decode=True))
            for part in message.iter_attachments()]


def body_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def png_of(size):
    buffer = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def owner_client(client, transactional_db):
    """Django test client with a saved session, and a creation that session owns."""
    from django.conf import settings

    key = new_session_key()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    client.creation = make_creation(key)
    return client
