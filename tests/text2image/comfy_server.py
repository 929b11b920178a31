"""A local server that speaks ComfyUI's protocol over HTTP and WebSocket on one port, like ComfyUI itself.

HTTP: POST /prompt (validates the workflow: a checkpoint it does not have is a node error), GET /queue,
POST /queue {"delete"}, POST /interrupt, GET /history/{id}, GET /view. WebSocket: /ws?clientId= with status,
execution_start, executing, progress, executed, execution_success, execution_error, execution_interrupted and
binary preview frames (the WebSocket side is websockets' sans-I/O ServerProtocol on the HTTP server's socket).

One executor thread runs the queue in order. Knobs (attributes): `steps`, `step_delay`, `hold_at_step` (wait at
that step until `release()`), `fail_at_step` + `failure` ("oom" or a message), `drop_at_step` (cut every
WebSocket without a close frame; afterwards `/ws` answers 502 while `refuse_ws`), `previews`.
"""
import io
import json
import struct
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from PIL import Image
from websockets.exceptions import InvalidState
from websockets.server import ServerProtocol


def jpeg(color, size=(64, 36)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


class Client:
    def __init__(self, sock, protocol):
        self.sock, self.protocol, self.lock = sock, protocol, threading.Lock()
        self.open = True

    def _flush(self):
        data = b"".join(self.protocol.data_to_send())
        if data:
            self.sock.sendall(data)

    def send(self, payload):
        with self.lock:
            if not self.open:
                return
            try:
                if isinstance(payload, bytes):
                    self.protocol.send_binary(payload)
                else:
                    self.protocol.send_text(json.dumps(payload).encode())
                self._flush()
            except (OSError, InvalidState):
                self.open = False

    def drop(self):
        """Cut the TCP connection without a WebSocket close frame (a proxy timing out, a network blip)."""
        import socket

        with self.lock:
            self.open = False
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class FakeComfyUI:
    def __init__(self):
        self.checkpoints = ["sd_xl_base_1.0.safetensors", "tiny.safetensors"]  # what its models folder holds
        self.requests = []
        self.clients = {}  # client_id -> [Client]
        self.history = {}
        self.files = {}
        self.pending = []  # [(number, prompt_id, workflow, client_id)]
        self.running = None
        self.number = 0
        self.lock = threading.Condition()
        self.steps, self.step_delay, self.previews = 6, 0.05, True
        self.hold_at_step = self.fail_at_step = self.drop_at_step = None
        self.failure = "oom"
        self.refuse_ws = False
        self.interrupted = set()
        self.released = threading.Event()
        self.reached_hold = threading.Event()
        self.stopping = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                server.record(self.command, url.path, parse_qs(url.query), None)
                if url.path == "/ws":
                    return self.websocket(parse_qs(url.query).get("clientId", [uuid.uuid4().hex])[0])
                if url.path == "/queue":
                    return self.send_json(200, server.queue_state())
                if url.path.startswith("/history/"):
                    entry = server.history.get(url.path[len("/history/"):])
                    return self.send_json(200, {url.path[len("/history/"):]: entry} if entry else {})
                if url.path == "/view":
                    name = parse_qs(url.query).get("filename", [""])[0]
                    data = server.files.get(name)
                    return self.send_raw(200 if data else 404, data or b"not found", "image/png")
                self.send_json(404, {"error": "not found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    body = None
                path = urlparse(self.path).path
                server.record(self.command, path, {}, body)
                if path == "/prompt":
                    status, answer = server.queue_prompt(body or {})
                    return self.send_json(status, answer)
                if path == "/interrupt":
                    server.interrupt((body or {}).get("prompt_id"))
                    return self.send_raw(200, b"", "text/plain")
                if path == "/queue":
                    server.delete((body or {}).get("delete") or [])
                    return self.send_raw(200, b"", "text/plain")
                self.send_json(404, {"error": "not found"})

            def send_json(self, status, body):
                self.send_raw(status, json.dumps(body).encode(), "application/json")

            def send_raw(self, status, data, kind):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def websocket(self, client_id):
                if server.refuse_ws:
                    return self.send_raw(502, b"Bad Gateway", "text/plain")
                protocol = ServerProtocol()
                lines = [self.requestline] + [f"{k}: {v}" for k, v in self.headers.items()]
                protocol.receive_data(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
                request = protocol.events_received()[0]
                protocol.send_response(protocol.accept(request))
                self.wfile.write(b"".join(protocol.data_to_send()))
                self.wfile.flush()
                self.close_connection = True
                client = Client(self.connection, protocol)
                with server.lock:
                    server.clients.setdefault(client_id, []).append(client)
                client.send({"type": "status", "data": {"status": {"exec_info": {
                    "queue_remaining": server.remaining()}}, "sid": client_id}})
                while client.open and not server.stopping:
                    try:
                        data = self.connection.recv(65536)
                    except OSError:
                        break
                    if not data:
                        break
                    with client.lock:
                        protocol.receive_data(data)
                        protocol.events_received()
                        try:
                            client._flush()
                        except OSError:
                            break
                        closing = protocol.close_expected()
                    if closing:  # the close handshake is done: the server closes the TCP connection
                        client.drop()
                        break
                client.open = False
                with server.lock:
                    if client in server.clients.get(client_id, []):
                        server.clients[client_id].remove(client)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.threads = [threading.Thread(target=self.httpd.serve_forever, daemon=True),
                        threading.Thread(target=self.execute_forever, daemon=True)]

    # --- lifecycle ---
    def start(self):
        for thread in self.threads:
            thread.start()
        return self

    def stop(self):
        self.stopping = True
        self.released.set()
        with self.lock:
            self.lock.notify_all()
            clients = [c for group in self.clients.values() for c in group]
        for client in clients:
            client.drop()
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self):
        self.released.set()

    def record(self, method, path, query, body):
        self.requests.append({"method": method, "path": path, "query": query, "body": body})

    def posts(self, path):
        return [r["body"] for r in self.requests if r["method"] == "POST" and r["path"] == path]

    # --- queue ---
    def remaining(self):
        return len(self.pending) + (1 if self.running else 0)

    def queue_state(self):
        def item(entry):
            number, prompt_id, workflow, client_id = entry
            return [number, prompt_id, workflow, {"client_id": client_id}, []]
        with self.lock:
            return {"queue_running": [item(self.running)] if self.running else [],
                    "queue_pending": [item(e) for e in self.pending]}

    def queue_prompt(self, body):
        workflow = body.get("prompt")
        if not isinstance(workflow, dict) or not workflow:
            return 400, {"error": {"type": "no_prompt", "message": "No prompt provided", "details": "",
                                   "extra_info": {}}, "node_errors": {}}
        node_errors = {}
        for node_id, node in workflow.items():
            inputs = node.get("inputs") or {}
            if node.get("class_type") == "CheckpointLoaderSimple" and inputs.get("ckpt_name") not in self.checkpoints:
                node_errors[node_id] = {"errors": [{
                    "type": "value_not_in_list", "message": "Value not in list",
                    "details": f"ckpt_name: '{inputs.get('ckpt_name')}' not in {self.checkpoints}",
                    "extra_info": {"input_name": "ckpt_name"}}], "dependent_outputs": ["9"],
                    "class_type": "CheckpointLoaderSimple"}
        if node_errors:
            return 400, {"error": {"type": "prompt_outputs_failed_validation",
                                   "message": "Prompt outputs failed validation", "details": "", "extra_info": {}},
                         "node_errors": node_errors}
        prompt_id = str(uuid.uuid4())
        with self.lock:
            number = self.number
            self.number += 1
            self.pending.append((number, prompt_id, workflow, body.get("client_id")))
            self.lock.notify_all()
        self.broadcast_status()
        return 200, {"prompt_id": prompt_id, "number": number, "node_errors": {}}

    def delete(self, prompt_ids):
        with self.lock:
            self.pending = [e for e in self.pending if e[1] not in prompt_ids]
        self.broadcast_status()

    def interrupt(self, prompt_id=None):
        with self.lock:
            if self.running and prompt_id in (None, self.running[1]):
                self.interrupted.add(self.running[1])
        self.released.set()

    # --- sending ---
    def send(self, client_id, payload):
        with self.lock:
            targets = list(self.clients.get(client_id, []))
        for client in targets:
            client.send(payload)

    def broadcast_status(self):
        with self.lock:
            targets = [c for group in self.clients.values() for c in group]
            remaining = self.remaining()
        for client in targets:
            client.send({"type": "status", "data": {"status": {"exec_info": {"queue_remaining": remaining}}}})

    def drop_all(self):
        with self.lock:
            targets = [c for group in self.clients.values() for c in group]
        for client in targets:
            client.drop()

    # --- the executor ---
    def execute_forever(self):
        while not self.stopping:
            with self.lock:
                while not self.pending and not self.stopping:
                    self.lock.wait(0.5)
                if self.stopping:
                    return
                self.running = self.pending.pop(0)
            try:
                self.execute(*self.running)
            finally:
                with self.lock:
                    self.running = None
                self.broadcast_status()

    def execute(self, number, prompt_id, workflow, client_id):
        import time

        def event(kind, **data):
            self.send(client_id, {"type": kind, "data": {"prompt_id": prompt_id, **data}})

        def end(status_str, messages, outputs=None):
            self.history[prompt_id] = {"prompt": [number, prompt_id, workflow, {"client_id": client_id}, ["9"]],
                                       "outputs": outputs or {},
                                       "status": {"status_str": status_str, "completed": status_str == "success",
                                                  "messages": messages}}

        event("execution_start", timestamp=0)
        event("execution_cached", nodes=[])
        for node in ("4", "6", "7", "5"):
            event("executing", node=node, display_node=node)
        event("executing", node="3", display_node="3")
        for step in range(1, self.steps + 1):
            if self.hold_at_step == step:
                self.reached_hold.set()
                self.released.wait(30)
            if prompt_id in self.interrupted or self.stopping:
                data = {"node_id": "3", "node_type": "KSampler", "executed": ["4", "6", "7", "5"]}
                event("execution_interrupted", **data)
                end("error", [["execution_start", {"prompt_id": prompt_id}],
                              ["execution_interrupted", {"prompt_id": prompt_id, **data}]])
                return
            if self.fail_at_step == step:
                oom = self.failure == "oom"
                data = {"node_id": "3", "node_type": "KSampler", "executed": ["4", "6", "7", "5"],
                        "exception_type": "torch.OutOfMemoryError" if oom else "RuntimeError",
                        "exception_message": ("Allocation on device 0 would exceed allowed memory. (out of memory)"
                                              if oom else self.failure),
                        "traceback": ["  File \"execution.py\", line 1\n"], "current_inputs": {},
                        "current_outputs": {}}
                event("execution_error", **data)
                end("error", [["execution_start", {"prompt_id": prompt_id}],
                              ["execution_error", {"prompt_id": prompt_id, **data}]])
                return
            time.sleep(self.step_delay)
            event("progress", value=step, max=self.steps, node="3")
            if self.previews:
                shade = int(255 * step / self.steps)
                self.send(client_id, struct.pack(">II", 1, 1) + jpeg((shade, 80, 255 - shade)))
            if self.drop_at_step == step:
                self.refuse_ws = True
                self.drop_all()
        latent = next((n["inputs"] for n in workflow.values() if n.get("class_type") == "EmptyLatentImage"), {})
        width, height = int(latent.get("width", 512)), int(latent.get("height", 512))
        images = []
        for index in range(int(latent.get("batch_size", 1))):
            name = f"imogen_{number:05d}_{index}.png"
            buffer = io.BytesIO()
            Image.new("RGB", (width, height), (40 * index, 120, 200)).save(buffer, "PNG")
            self.files[name] = buffer.getvalue()
            images.append({"filename": name, "subfolder": "", "type": "output"})
        event("executing", node="8", display_node="8")
        event("executing", node="9", display_node="9")
        event("executed", node="9", display_node="9", output={"images": images})
        end("success", [["execution_start", {"prompt_id": prompt_id}],
                        ["execution_success", {"prompt_id": prompt_id}]], {"9": {"images": images}})
        event("executing", node=None)
        event("execution_success")
