"""Local HTTP servers that speak the providers' protocols (started by the tests, in a thread)."""
import base64
import io
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image


def png_b64(size=(64, 40), color=(30, 120, 200)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


class FakeServer:
    """Answers from a script of (status, body, delay_seconds) per request; records every request.

    `body` may be a dict (sent as JSON), bytes/str (sent as is) or a callable(request) -> (status, body).
    GET /files/<name> serves PNGs put in `files`. When the script runs out, the last answer repeats.
    """

    def __init__(self):
        self.script = []
        self.requests = []
        self.files = {}
        self.routes = {}  # path -> callable(request) for side endpoints (e.g. progress)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                path, _, query = self.path.partition("?")
                record = {"method": self.command, "path": path, "query": query, "headers": dict(self.headers),
                          "body": parsed, "raw": raw}
                if self.path.startswith("/files/"):
                    data = server.files.get(self.path[len("/files/"):])
                    return self._send(200 if data else 404, data or b"missing", "image/png")
                route = server.routes.get(self.path.split("?")[0])
                if route:
                    status, body = route(record)
                    return self._send(status, body)
                server.requests.append(record)
                index = min(len(server.requests) - 1, len(server.script) - 1)
                status, body, delay = server.script[index] if server.script else (500, {"error": "no script"}, 0)
                if delay:
                    time.sleep(delay)
                if callable(body):
                    status, body = body(record)
                self._send(status, body)

            def _send(self, status, body, content_type=None):
                if isinstance(body, dict | list):
                    data, content_type = json.dumps(body).encode(), content_type or "application/json"
                elif isinstance(body, str):
                    data, content_type = body.encode(), content_type or "application/json"
                else:
                    data, content_type = body, content_type or "application/octet-stream"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def answer(self, *script):
        """Set the answers: each item (status, body) or (status, body, delay)."""
        self.script = [tuple(item) + (0,) * (3 - len(item)) for item in script]
        self.requests.clear()
        return self


class Hostile:
    """A provider turned hostile (tests/security/test_provider_answers.py) or stuck (tests/reliability), as a local
    server: `routes[(method, path prefix)]` is what it does there (`ok(body)`, `redirect(url, code)`, `endless()`,
    `trickle()`); it records every request, the bytes it wrote into each endless answer, and `hung_up`: how many
    trickled answers the client cut off."""

    ENDLESS_LIMIT = 40 * 1024 * 1024

    def __init__(self):
        self.routes, self.hits, self.sent, self.answers, self.hung_up = {}, [], 0, [0], 0
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
        # A short poll, so that stopping it (twice per test) takes milliseconds, not half a second.
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

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
        """A 200 without a length whose body does not end (until ENDLESS_LIMIT, so a run without a cap ends)."""
        def action(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Connection", "close")
            handler.end_headers()
            index = len(self.answers)
            self.answers.append(0)
            try:
                handler.wfile.write(head)
                while self.answers[index] < self.ENDLESS_LIMIT:
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
                self.hung_up += 1
        return action
