import pytest

from .servers import FakeServer


@pytest.fixture
def fake_server():
    server = FakeServer().start()
    yield server
    server.stop()


@pytest.fixture
def fast_http(settings):
    """Short timeouts and backoff so failure paths take milliseconds."""
    settings.IMOGEN_T2I_TIMEOUT = 1.0
    settings.IMOGEN_T2I_RETRIES = 2
    settings.IMOGEN_T2I_BACKOFF = 0.01
    return settings


def no_progress(fraction, stage=None):
    return True
