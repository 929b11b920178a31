"""Item 6: an OpenAI-compatible server that answers with an image *link* cannot make Imogen fetch the server's own
network (SSRF), follow a redirect there, or read an endless body; and the error never tells ports apart.

The provider is a local HTTP server (its configured URL is trusted, as a local ComfyUI or LocalAI would be);
another local server plays the internal service an attacker wants to reach. Jobs go in through the live app's
API and run in-process (the task function itself)."""
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from tests.conftest import free_port
from text2image.models import TextToImageJob
from text2image.tasks import run_text2image

PNG = io.BytesIO()
Image.new("RGB", (32, 32), (10, 200, 30)).save(PNG, "PNG")
PNG = PNG.getvalue()


class Server:
    """A tiny HTTP server in a thread: `answer` is the image link the provider answers with."""

    def __init__(self):
        self.hits, self.sent, self.answer = [], 0, None
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):  # /v1/images/generations
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply(200, json.dumps({"created": 1, "data": [{"url": server.answer}]}).encode(),
                            "application/json")

            def do_GET(self):
                server.hits.append(self.path)
                if self.path == "/ok.png":
                    return self._reply(200, PNG, "image/png")
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", self.path.split("to=", 1)[1])
                    self.send_header("Content-Length", "0")
                    return self.end_headers()
                if self.path == "/huge":
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.end_headers()  # no length: a body that does not end
                    try:
                        for _ in range(90 * 16):
                            self.wfile.write(b"\0" * 65536)
                            server.sent += 65536
                    except OSError:
                        pass
                    return None
                return self._reply(200, b"internal secret", "text/plain")

            def _reply(self, status, body, kind):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers(settings, broker):
    provider, internal = Server(), Server()
    settings.IMOGEN_T2I_PROVIDER = "openai"
    settings.IMOGEN_T2I_OPENAI_URL = provider.url
    settings.IMOGEN_T2I_OPENAI_KEY = "sk-test"
    settings.IMOGEN_T2I_OPENAI_MODEL = "local-sd"
    settings.IMOGEN_T2I_OPENAI_SIZES = ["1024x1024"]
    settings.IMOGEN_T2I_OPENAI_IMAGE_HOSTS = ["localhost", "169.254.169.254", "10.0.0.1"]
    settings.IMOGEN_T2I_RETRIES = 0
    settings.IMOGEN_T2I_FETCH_MAX_BYTES = 1024 * 1024
    settings.IMOGEN_T2I_FETCH_TIMEOUT = 20
    yield provider, internal
    provider.stop()
    internal.stop()


def run(http, provider, link):
    provider.answer = link
    response = http.post("/api/text2image/jobs/", json={"prompt": "a green square", "width": 1024, "height": 1024})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    run_text2image(job_id)  # the worker's task, in this process
    return http.get(f"/api/text2image/jobs/{job_id}/").json()


@pytest.mark.django_db(transaction=True)
def test_image_links_into_the_servers_network_are_refused_with_one_message(http, servers):
    provider, internal = servers
    closed = free_port()
    attacks = {
        "loopback, another port": f"{internal.url}/admin",
        "closed loopback port": f"http://127.0.0.1:{closed}/",
        "redirect from the provider to loopback": f"{provider.url}/redirect?to={internal.url}/admin",
        "configured name that resolves to loopback": f"http://localhost:{internal.url.rsplit(':', 1)[1]}/",
        "link-local metadata address": "http://169.254.169.254/latest/meta-data/",
        "private address": "http://10.0.0.1/",
        "unconfigured public host": "http://example.com/x.png",
        "endless body from the provider itself": f"{provider.url}/huge",
    }
    errors = {}
    for name, link in attacks.items():
        job = run(http, provider, link)
        assert job["status"] == "failed", name
        errors[name] = job["error"]
    assert internal.hits == [], "the internal service was reached"
    assert len(set(errors.values())) == 1, errors  # an open port and a closed one read the same
    assert "could not download it" in next(iter(errors.values()))
    assert "internal secret" not in json.dumps(errors) and "127.0.0.1" not in json.dumps(errors)
    assert provider.sent < 16 * 1024 * 1024  # stopped reading soon after the 1 MB cap (not 90 MB)

    job = run(http, provider, f"{provider.url}/ok.png")  # the provider's own link still works
    assert job["status"] == "succeeded", job
    assert TextToImageJob.objects.get(pk=job["id"]).images


def test_the_check_uses_the_address_connected_to():
    """A public-looking name is resolved and checked by the connection itself (no check-then-connect gap)."""
    from core.fetch import FetchError, checked_address, public_address

    assert public_address("93.184.216.34") and public_address("2606:4700::1111")
    for address in ("127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
                    "0.0.0.0", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1"):
        assert not public_address(address), address
    with pytest.raises(FetchError):
        checked_address("localhost", 80)
