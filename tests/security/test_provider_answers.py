"""Issue 21, item 5: a provider's answers cannot steer Imogen's requests (SSRF) or hold a worker with an answer that
never ends. Every outbound call of every provider goes through core.fetch: the configured origin only, no redirect
to another origin (and no POST sent on at all), a byte cap, a total deadline, WebSocket messages capped.

Each provider is a local HTTP server speaking its protocol, turned hostile; another local server plays the internal
service (Redis, an admin page) the attacker wants to reach and records every request it gets."""
import base64
import io
import time

import pytest
from PIL import Image

from tests.text2image.servers import Hostile
from text2image.providers import GenerationRequest, ProviderError, get_provider
from text2image.providers import comfyui as comfy_module
from text2image.translation import TranslationError, get_translator

PNG = io.BytesIO()
Image.new("RGB", (32, 32), (10, 200, 30)).save(PNG, "PNG")
PNG = PNG.getvalue()
# What the server managed to write into one endless answer before Imogen hung up: the cap plus what the loopback
# socket buffers hold (several MiB), far below the whole answer (Hostile.ENDLESS_LIMIT).
CUT_SOON = 16 * 1024 * 1024


@pytest.fixture
def hostile(settings):
    provider, internal = Hostile(), Hostile()
    settings.IMOGEN_T2I_RETRIES = 0
    settings.IMOGEN_T2I_BACKOFF = 0.01
    settings.IMOGEN_T2I_TIMEOUT = 20
    settings.IMOGEN_T2I_FETCH_MAX_BYTES = 1024 * 1024
    settings.IMOGEN_T2I_ANSWER_MAX_BYTES = 1024 * 1024
    for name in ("KARLO", "OPENAI", "A1111", "COMFYUI"):
        setattr(settings, f"IMOGEN_T2I_{name}_URL", provider.url)
    settings.IMOGEN_T2I_KARLO_KEY = "test-key"
    settings.IMOGEN_T2I_OPENAI_MODEL = "local-sd"
    settings.IMOGEN_T2I_OPENAI_SIZES = ["1024x1024"]
    settings.IMOGEN_T2I_COMFYUI_SIZES = ["1024x1024"]
    settings.IMOGEN_T2I_COMFYUI_WORKFLOW = ""
    settings.IMOGEN_T2I_COMFYUI_NODES = []
    settings.IMOGEN_T2I_COMFYUI_MAX_WAIT = 2
    yield provider, internal
    provider.stop()
    internal.stop()


def draw(name):
    request = GenerationRequest(prompt="a green square", negative_prompt="", width=1024, height=1024, samples=1,
                                seeds=[1])
    return get_provider(name).generate(request, lambda fraction, stage=None, **extra: None)


# The drawing call of each remote provider, and what a good answer to it is.
DRAW_CALLS = {
    "karlo": ("/v2/inference/karlo/t2i", {"images": [{"image": base64.b64encode(PNG).decode(), "seed": 1}]}),
    "openai": ("/v1/images/generations", {"data": [{"b64_json": base64.b64encode(PNG).decode()}]}),
    "automatic1111": ("/sdapi/v1/txt2img", {"images": [base64.b64encode(PNG).decode()], "info": "{}"}),
}


@pytest.mark.parametrize("name", DRAW_CALLS)
@pytest.mark.parametrize("code", [302, 307])
def test_a_redirect_of_the_drawing_call_is_not_followed(hostile, name, code):
    provider, internal = hostile
    path, _good = DRAW_CALLS[name]
    provider.routes[("POST", path)] = Hostile.redirect(f"{internal.url}/admin", code)
    with pytest.raises(ProviderError, match="could not read"):
        draw(name)
    assert internal.hits == [], "the provider's redirect sent Imogen to another service"


@pytest.mark.parametrize("name", DRAW_CALLS)
def test_an_endless_answer_to_the_drawing_call_is_cut_at_the_cap(hostile, name):
    provider, _internal = hostile
    path, good = DRAW_CALLS[name]
    provider.routes[("POST", path)] = provider.endless()
    with pytest.raises(ProviderError, match="could not read"):
        draw(name)
    assert max(provider.answers) < CUT_SOON, f"read {max(provider.answers)} bytes of a 1 MiB cap"

    provider.routes[("POST", path)] = Hostile.ok(good)  # the same provider answering well still draws
    assert len(draw(name)) == 1


@pytest.mark.parametrize("name", DRAW_CALLS)
def test_a_trickling_answer_meets_the_total_deadline(hostile, settings, name):
    provider, _internal = hostile
    settings.IMOGEN_T2I_TIMEOUT = 1.5
    provider.routes[("POST", DRAW_CALLS[name][0])] = provider.trickle(every=0.2, total=60)  # 12 s, a byte at a time
    started = time.monotonic()
    with pytest.raises(ProviderError, match="did not answer within 1.5 seconds"):
        draw(name)
    assert time.monotonic() - started < 5


def test_a1111_progress_answers_are_capped_too(hostile):
    provider, _internal = hostile
    provider.routes[("POST", "/sdapi/v1/txt2img")] = lambda handler: (time.sleep(2.5), Hostile.ok(
        DRAW_CALLS["automatic1111"][1])(handler))
    provider.routes[("GET", "/sdapi/v1/progress")] = provider.endless(head=b'{"progress": 0.')
    assert len(draw("automatic1111")) == 1
    assert len(provider.answers) > 2 and max(provider.answers) < CUT_SOON, provider.answers


# --- ComfyUI: /prompt, /history, /view (its WebSocket refused here, so the job follows /history) -----------------
def comfy_routes(provider):
    provider.routes.update({
        ("POST", "/prompt"): Hostile.ok({"prompt_id": "p1", "number": 1, "node_errors": {}}),
        ("GET", "/history/p1"): Hostile.ok({"p1": {"outputs": {"9": {"images": [
            {"filename": "a.png", "subfolder": "", "type": "output"}]}}, "status": {"completed": True}}}),
        ("GET", "/view"): lambda handler: handler.reply(200, PNG, "image/png"),
        ("GET", "/queue"): Hostile.ok({"queue_running": [], "queue_pending": []}),
    })


@pytest.mark.parametrize("method, path, code, words", [
    ("GET", "/view", 302, "could not download it"),  # to another local port (the attack reached a Redis)
    ("POST", "/prompt", 307, "could not read"),  # would re-post the workflow to another service
    ("GET", "/history/p1", 302, "did not finish"),  # was followed on every poll; IMOGEN_T2I_COMFYUI_MAX_WAIT ends it
])
def test_comfyui_redirects_to_another_service_are_not_followed(hostile, method, path, code, words):
    provider, internal = hostile
    comfy_routes(provider)
    provider.routes[(method, path)] = Hostile.redirect(f"{internal.url}{path}", code)
    with pytest.raises(ProviderError, match=words):
        draw("comfyui")
    assert internal.hits == []


def test_comfyui_endless_view_and_prompt_answers_are_cut(hostile):
    provider, _internal = hostile
    comfy_routes(provider)
    provider.routes[("GET", "/view")] = provider.endless(head=b"\x89PNG")
    with pytest.raises(ProviderError, match="could not download it"):
        draw("comfyui")
    assert max(provider.answers) < CUT_SOON, f"/view read {max(provider.answers)} bytes of a 1 MiB cap"

    provider.routes[("POST", "/prompt")] = provider.endless(head=b'{"prompt_id": "')
    with pytest.raises(ProviderError, match="could not read"):
        draw("comfyui")
    assert max(provider.answers) < CUT_SOON, f"/prompt read {max(provider.answers)} bytes"


def test_comfyui_websocket_messages_over_the_cap_drop_the_socket_not_the_job(comfy_ws, settings, monkeypatch):
    """A preview frame larger than the cap closes the WebSocket (nothing of it is kept); the job goes on through
    /history and gets its picture."""
    monkeypatch.setattr(comfy_module, "WS_MAX_BYTES", 256, raising=False)  # the fake's preview frames are about 1 KB
    previews = []
    request = GenerationRequest(prompt="a green square", negative_prompt="", width=1024, height=1024, samples=1,
                                seeds=[1])
    images = get_provider("comfyui").generate(
        request, lambda fraction, stage=None, preview=None, **extra: previews.append(preview) if preview else None)
    assert len(images) == 1
    assert previews == []


@pytest.fixture
def comfy_ws(settings):
    from tests.text2image.comfy_server import FakeComfyUI

    server = FakeComfyUI().start()
    settings.IMOGEN_T2I_COMFYUI_URL = server.url
    settings.IMOGEN_T2I_COMFYUI_SIZES = ["1024x1024"]
    settings.IMOGEN_T2I_COMFYUI_WORKFLOW = ""
    settings.IMOGEN_T2I_COMFYUI_NODES = []
    settings.IMOGEN_T2I_COMFYUI_CHECKPOINT = "sd_xl_base_1.0.safetensors"
    yield server
    server.stop()


def test_google_translation_is_under_the_same_rules(hostile, settings):
    """The client library's calls go through core.fetch too: a 307 does not re-post the prompt elsewhere, an endless
    answer is cut."""
    provider, internal = hostile
    settings.IMOGEN_TRANSLATE_PROVIDER, settings.IMOGEN_TRANSLATE_API = "google", "v2"
    settings.IMOGEN_TRANSLATE_ENDPOINT, settings.IMOGEN_TRANSLATE_ANONYMOUS = provider.url, True
    settings.IMOGEN_TRANSLATE_TIMEOUT = 5
    provider.routes[("POST", "/language/translate/v2/detect")] = Hostile.redirect(f"{internal.url}/", 307)
    with pytest.raises(TranslationError):
        get_translator().detect(["노을 지는 바다"])
    assert internal.hits == []

    provider.routes[("POST", "/language/translate/v2/detect")] = provider.endless(head=b'{"data": "')
    with pytest.raises(TranslationError):
        get_translator().detect(["노을 지는 바다"])
    assert max(provider.answers) < CUT_SOON, provider.answers
