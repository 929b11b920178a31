import pytest

from .comfy_server import FakeComfyUI
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


@pytest.fixture
def comfy(settings):
    """A local server speaking ComfyUI's HTTP + WebSocket protocol, and the settings that point at it."""
    server = FakeComfyUI().start()
    settings.IMOGEN_T2I_COMFYUI_URL = server.url
    settings.IMOGEN_T2I_COMFYUI_WORKFLOW = ""
    settings.IMOGEN_T2I_COMFYUI_NODES = []
    settings.IMOGEN_T2I_COMFYUI_CHECKPOINT = "sd_xl_base_1.0.safetensors"
    yield server
    server.stop()
