"""Issue 21, item 5: a provider's answers cannot steer Imogen's requests (SSRF) or hold a worker with an answer that
never ends. Every outbound call of every provider goes through core.fetch: the configured origin only, no redirect
to another origin (and no POST sent on at all), a byte cap, a total deadline, WebSocket messages capped.

Each provider is a local HTTP server speaking its protocol, turned hostile; another local server plays the internal
service (Redis, an admin page) the attacker wants to reach and records every request it gets."""
import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from text2image.providers import GenerationRequest, ProviderError, get_provider
from text2image.providers import comfyui as comfy_module

PNG = io.BytesIO()
Image.new("RGB", (32, 32), (10, 200, 30)).save(PNG, "PNG")
PNG = PNG.getvalue()
ENDLESS_LIMIT = 40 * 1024 * 1024  # the hostile server gives up after this much, so a run without the cap ends
# What the server managed to write into one answer before Imogen hung up: the cap plus what the loopback socket
# buffers hold (several MiB), far below the whole answer.
CUT_SOON = 16 * 1024 * 1024


class Hostile:
    """A local server: `routes[(method, path prefix)]` is what it does there (`ok(body)`, `redirect(url, code)`,
    `endless()`, `trickle()`); it records every request and the bytes it wrote into each endless answer."""

    def __init__(self):
        self.routes, self.hits, self.sent, self.answers = {}, [], 0, [0]
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length) if length else b""
                server.hits.append((self.command, self.path))
                for (method, prefix), action in server.routes.items():
                    if method == self.command and self.path.startswith(prefix):
                        return action(self)
                return self.reply(200, b"internal secret", "text/plain")

            do_GET = do_POST = handle_one

            def reply(self, status, body, kind="application/json", headers=()):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # --- what a route does ---
    @staticmethod
    def ok(body):
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        return lambda handler: handler.reply(200, data)

    @staticmethod
    def redirect(url, code=302):
        return lambda handler: handler.reply(code, b"", headers=[("Location", url)])

    def endless(self, head=b'{"images": ["'):
        """A 200 without a length whose body does not end (until ENDLESS_LIMIT)."""
        def action(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Connection", "close")
            handler.end_headers()
            index = len(self.answers)
            self.answers.append(0)
            try:
                handler.wfile.write(head)
                while self.answers[index] < ENDLESS_LIMIT:
                    handler.wfile.write(b"A" * 65536)
                    self.answers[index] += 65536
            except OSError:
                pass
            handler.close_connection = True
        return action

    def trickle(self, every=0.2, total=60):
        """Headers at once, then one byte every `every` seconds (`total` bytes): no read ever times out."""
        def action(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(total))
            handler.end_headers()
            try:
                for _ in range(total):
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                    self.sent += 1
                    time.sleep(every)
            except OSError:
                pass
        return action


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
    settings.IMOGEN_T2I_COMFYUI_MAX_WAIT = 4
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


def test_comfyui_view_redirect_to_another_port_is_not_followed(hostile):
    provider, internal = hostile
    comfy_routes(provider)
    provider.routes[("GET", "/view")] = Hostile.redirect(f"{internal.url}/", 302)
    with pytest.raises(ProviderError, match="could not download it"):
        draw("comfyui")
    assert internal.hits == []


def test_comfyui_prompt_307_does_not_post_the_workflow_elsewhere(hostile):
    provider, internal = hostile
    comfy_routes(provider)
    provider.routes[("POST", "/prompt")] = Hostile.redirect(f"{internal.url}/prompt", 307)
    with pytest.raises(ProviderError, match="could not read"):
        draw("comfyui")
    assert internal.hits == []


def test_comfyui_history_redirect_is_not_followed(hostile):
    provider, internal = hostile
    comfy_routes(provider)
    provider.routes[("GET", "/history/p1")] = Hostile.redirect(f"{internal.url}/history", 302)
    with pytest.raises(ProviderError, match="did not finish"):
        draw("comfyui")  # IMOGEN_T2I_COMFYUI_MAX_WAIT ends it
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
