"""ComfyUI (https://github.com/comfyanonymous/ComfyUI), local or on another machine: `IMOGEN_T2I_COMFYUI_URL`.

The protocol, as ComfyUI's own web page speaks it:

- `WS /ws?clientId=<id>` first, so no message is missed. Text frames are JSON `{type, data}`: `status`
  (`exec_info.queue_remaining`), `execution_start`, `executing` (`node`; `node: null` = the prompt is done),
  `progress` (`value`/`max` sampler steps), `executed` (a node's outputs), `execution_error`
  (`node_id, node_type, exception_type, exception_message`), `execution_interrupted`. Binary frames are
  previews: a 4-byte big-endian event (1 = preview image; 4 = preview with JSON metadata), then for event 1 a
  4-byte image format (1 JPEG, 2 PNG) and the image.
- `POST /prompt {"prompt": <API-format workflow>, "client_id"}` → `{prompt_id, number, node_errors}`; a workflow
  that fails validation is a 400 `{error: {type, message}, node_errors: {<node id>: {class_type, errors: [{message,
  details}]}}}`.
- `GET /history/{prompt_id}` → `{<prompt_id>: {outputs: {<node id>: {images: [{filename, subfolder, type}]}},
  status: {status_str, completed, messages}}}` once it ran (`{}` before); `GET /view?filename&subfolder&type`
  sends an image.
- Cancel: `GET /queue` says whether the prompt is running or waiting; `POST /interrupt {"prompt_id"}` stops it
  while it runs, `POST /queue {"delete": [prompt_id]}` takes it out of the queue.

The workflow is the shipped `comfyui_workflow.json` (an SDXL-style text-to-image graph) or the administrator's
own file exported with "Save (API Format)" (`IMOGEN_T2I_COMFYUI_WORKFLOW`). Values go in through `{{name}}`
placeholders (prompt, negative_prompt, width, height, seed, steps, batch_size, checkpoint) and/or through
`IMOGEN_T2I_COMFYUI_NODES` (`prompt=6.text,seed=KSampler.seed,…`: a node id or title, a dot, an input name).

If the WebSocket drops, the job carries on by polling `/history` (and reconnects when it can). The prompt id,
queue number and client id are kept on the job, so a job that runs again after a lost worker picks up the same
prompt instead of queueing a second one.
"""
import json
import logging
import re
import struct
import time
import uuid
from copy import deepcopy
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from websockets.exceptions import WebSocketException
from websockets.sync.client import connect as ws_connect

from core.fetch import FetchError
from core.fetch import request as http_request  # `request` is the GenerationRequest here
from core.jobs import JobCanceled

from .base import (
    RETRY,
    GeneratedImage,
    Provider,
    ProviderError,
    _decode,
    call_json,
    error_json,
    presets_from_setting,
)

log = logging.getLogger(__name__)

DEFAULT_WORKFLOW = Path(__file__).with_name("comfyui_workflow.json")
FIELDS = ("prompt", "negative_prompt", "width", "height", "seed", "steps", "batch_size", "checkpoint")
FIELD_ALIASES = {"negative": "negative_prompt", "batch": "batch_size", "samples": "batch_size", "ckpt": "checkpoint",
                 "ckpt_name": "checkpoint", "positive": "prompt"}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")

WAIT = 0.5  # seconds per WebSocket read, between cancel checks
HISTORY_EVERY = 5.0  # seconds between /history checks while the WebSocket is up (in case a message was missed)
RECONNECT_EVERY = 3.0  # seconds between WebSocket reconnects after it dropped
PREVIEW_EVERY = 0.5  # at most this often a preview is stored on the job
PREVIEW_EVENT, PREVIEW_WITH_METADATA_EVENT = 1, 4
# What ComfyUI may send, at most (core.fetch cuts a longer answer): the answers to /prompt, /queue and /interrupt
# are a few kilobytes, one /history entry lists file names; a WebSocket message is JSON or one preview frame.
CONTROL_MAX_BYTES = 2 * 1024 * 1024
WS_MAX_BYTES = 8 * 1024 * 1024


def parse_node_map(items):
    """{'prompt': ('6', 'text'), …} from ['prompt=6.text', …] (bad entries are logged and skipped)."""
    mapping = {}
    for item in items:
        field, _sep, target = item.partition("=")
        field = FIELD_ALIASES.get(field.strip().lower(), field.strip().lower())
        node, _dot, name = target.strip().rpartition(".")
        if field not in FIELDS or not node or not name:
            log.error("IMOGEN_T2I_COMFYUI_NODES: cannot read %r (want field=node.input, field one of %s)",
                      item, ", ".join(FIELDS))
            continue
        mapping[field] = (node, name)
    return mapping


class ComfyUIProvider(Provider):
    name = "comfyui"
    label = gettext_lazy("ComfyUI")
    prefers_english = True  # Stable Diffusion models were trained on English captions
    supports_steps = True
    max_prompt_chars = 2000
    max_samples = 4

    @property
    def url(self):
        return settings.IMOGEN_T2I_COMFYUI_URL

    @property
    def size_presets(self):
        return presets_from_setting(settings.IMOGEN_T2I_COMFYUI_SIZES)

    @property
    def default_steps(self):
        return settings.IMOGEN_T2I_COMFYUI_STEPS

    def time_budget(self, samples):
        """The prompt's call, the longest wait for ComfyUI (queue included), then the pictures."""
        return super().time_budget(samples) + settings.IMOGEN_T2I_COMFYUI_MAX_WAIT

    # --- the workflow ---------------------------------------------------------------------------
    def load_workflow(self):
        path = Path(settings.IMOGEN_T2I_COMFYUI_WORKFLOW or DEFAULT_WORKFLOW)
        try:
            workflow = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.error("ComfyUI workflow %s cannot be read: %s", path, exc)
            raise ProviderError(_("The ComfyUI workflow file on this server cannot be read. Ask the site owner "
                                  "to check IMOGEN_T2I_COMFYUI_WORKFLOW.")) from None
        if isinstance(workflow, dict) and "nodes" in workflow and "links" in workflow:
            raise ProviderError(_("The ComfyUI workflow file was saved in the editor format. Ask the site owner "
                                  "to export it with \"Save (API Format)\"."))
        if not isinstance(workflow, dict) or not all(isinstance(n, dict) and "inputs" in n for n in workflow.values()):
            raise ProviderError(_("The ComfyUI workflow file on this server is not a workflow in API format. "
                                  "Ask the site owner to check IMOGEN_T2I_COMFYUI_WORKFLOW."))
        return workflow

    def fill_workflow(self, workflow, values):
        """A copy of `workflow` with `values` put in (placeholders, then the node map). Raises if the prompt has
        no place in it."""
        workflow = deepcopy(workflow)
        placed = set()
        for node in workflow.values():
            inputs = node.get("inputs") or {}
            for key, value in list(inputs.items()):
                if not isinstance(value, str):
                    continue
                whole = PLACEHOLDER.fullmatch(value.strip())
                if whole and whole.group(1) in values:
                    inputs[key] = values[whole.group(1)]
                    placed.add(whole.group(1))
                elif PLACEHOLDER.search(value):
                    def swap(match):
                        if match.group(1) in values:
                            placed.add(match.group(1))
                            return str(values[match.group(1)])
                        return match.group(0)
                    inputs[key] = PLACEHOLDER.sub(swap, value)
        by_title = {}
        for node_id, node in workflow.items():
            title = (node.get("_meta") or {}).get("title")
            if title:
                by_title.setdefault(title, node_id)
        for field, (node_ref, input_name) in parse_node_map(settings.IMOGEN_T2I_COMFYUI_NODES).items():
            node_id = node_ref if node_ref in workflow else by_title.get(node_ref)
            if node_id is None:
                raise ProviderError(_("The ComfyUI workflow has no node “%(node)s” (named in "
                                      "IMOGEN_T2I_COMFYUI_NODES). Ask the site owner to check the node names.")
                                    % {"node": node_ref})
            if field in values:
                workflow[node_id].setdefault("inputs", {})[input_name] = values[field]
                placed.add(field)
        if "prompt" not in placed:
            raise ProviderError(_("The ComfyUI workflow has no place for the prompt. Ask the site owner to put "
                                  "{{prompt}} in it or to name the prompt's node in IMOGEN_T2I_COMFYUI_NODES."))
        return workflow

    def workflow_for(self, request):
        values = {
            "prompt": request.prompt, "negative_prompt": request.negative_prompt,
            "width": request.width, "height": request.height,
            "seed": request.seeds[0] if request.seeds and request.seeds[0] is not None else 0,
            "steps": request.steps or self.default_steps, "batch_size": request.samples,
        }
        if settings.IMOGEN_T2I_COMFYUI_CHECKPOINT:
            values["checkpoint"] = settings.IMOGEN_T2I_COMFYUI_CHECKPOINT
        return self.fill_workflow(self.load_workflow(), values)

    # --- HTTP -----------------------------------------------------------------------------------
    def classify(self, response):
        status = response.status_code
        body = error_json(response)
        if status == 400 and ("node_errors" in body or "error" in body):
            return ProviderError(node_errors_message(body))
        if status in (401, 403):
            return ProviderError(_("ComfyUI refused the request (HTTP %(status)d). Ask the site owner to check "
                                   "who may use it.") % {"status": status})
        if status == 429 or status >= 500:
            return RETRY
        return ProviderError(_("ComfyUI answered with an error (HTTP %(status)d).") % {"status": status})

    def _call(self, method, path, **kwargs):
        """A short call to ComfyUI itself under core.fetch's rules (its own origin, small answers, 10 s in all)."""
        return http_request(method, self.url + path, origin=self.url, max_bytes=CONTROL_MAX_BYTES, timeout=10, **kwargs)

    def _get_json(self, path, **kwargs):
        """A quick GET that never raises (but for the job's stop check): the decoded object, or None."""
        try:
            response = self._call("GET", path, **kwargs)
            body = response.json() if response.status == 200 else None
        except (FetchError, ValueError) as exc:
            log.info("ComfyUI %s not read: %s", path, exc)
            return None
        return body if isinstance(body, dict) else None

    def history(self, prompt_id):
        body = self._get_json(f"/history/{prompt_id}")
        entry = (body or {}).get(prompt_id)
        return entry if isinstance(entry, dict) else None

    def queue_place(self, prompt_id, stop=None):
        """'running', 'pending', None (not in the queue) or 'unknown' (the queue could not be read)."""
        body = self._get_json("/queue", stop=stop)
        if body is None:
            return "unknown"
        for place, key in (("running", "queue_running"), ("pending", "queue_pending")):
            for item in body.get(key) or []:  # [number, prompt_id, prompt, extra, outputs] (some proxies: objects)
                found = item[1] if isinstance(item, list | tuple) and len(item) > 1 else (
                    item.get("prompt_id") if isinstance(item, dict) else None)
                if found == prompt_id:
                    return place
        return None

    def cancel(self, prompt_id):
        """Stop our prompt on the server: interrupt it if it runs, take it out of the queue if it waits."""
        place = self.queue_place(prompt_id, stop=False)  # after a cancel: these calls must still go out
        try:
            if place == "running":
                self._call("POST", "/interrupt", json_body={"prompt_id": prompt_id}, stop=False)
            if place in ("pending", "unknown"):
                self._call("POST", "/queue", json_body={"delete": [prompt_id]}, stop=False)
        except FetchError as exc:
            log.warning("ComfyUI: could not cancel prompt %s: %s", prompt_id, exc)
        log.info("ComfyUI: canceled prompt %s (it was %s)", prompt_id, place or "no longer queued")

    def _connect(self, client_id):
        ws_url = re.sub(r"^http", "ws", self.url) + f"/ws?clientId={client_id}"
        try:
            return ws_connect(ws_url, open_timeout=5, proxy=None, compression=None, max_size=WS_MAX_BYTES,
                              ping_interval=20, ping_timeout=20, close_timeout=2, legacy=True)
        except (OSError, WebSocketException, TimeoutError) as exc:
            log.warning("ComfyUI WebSocket %s not available (%s); following the job through /history", ws_url, exc)
            return None

    # --- drawing --------------------------------------------------------------------------------
    def generate(self, request, progress):
        workflow = self.workflow_for(request)
        state = dict(request.state or {})
        client_id = state.get("client_id") or uuid.uuid4().hex
        socket = self._connect(client_id)
        prompt_id = state.get("prompt_id")
        try:
            if prompt_id and (self.history(prompt_id) or self.queue_place(prompt_id) in ("running", "pending")):
                log.info("ComfyUI: picking up prompt %s from the earlier attempt", prompt_id)
            else:
                body = call_json(self.label, "POST", self.url + "/prompt", classify=self.classify, origin=self.url,
                                 json={"prompt": workflow, "client_id": client_id}, max_bytes=CONTROL_MAX_BYTES)
                if body.get("node_errors"):
                    raise ProviderError(node_errors_message(body))
                prompt_id = body.get("prompt_id")
                if not isinstance(prompt_id, str) or not prompt_id:
                    raise ProviderError(_("ComfyUI sent an answer Imogen could not read. Please try again later."))
                state = {"client_id": client_id, "prompt_id": prompt_id, "number": body.get("number")}
            progress(0.01, _("Waiting in ComfyUI's queue"), remote=state)
            follower = _Follower(self, prompt_id, client_id, socket, progress)
            socket = None  # the follower owns (and closes) it now
            entry = follower.run()
        except JobCanceled:
            if prompt_id:
                self.cancel(prompt_id)
            raise
        finally:
            if socket is not None:
                socket.close()
        return self.images(entry, request, progress)

    def images(self, entry, request, progress):
        outputs = entry.get("outputs") or {}
        wanted = settings.IMOGEN_T2I_COMFYUI_OUTPUT_NODE
        files = []
        for node_id, output in outputs.items():
            if wanted and node_id != wanted:
                continue
            for item in (output or {}).get("images") or []:
                if isinstance(item, dict) and item.get("filename"):
                    files.append(item)
        saved = [f for f in files if f.get("type", "output") == "output"]
        files = (saved or files)[: request.samples]
        if not files:
            raise ProviderError(_("ComfyUI finished, but the workflow saved no pictures. Ask the site owner to "
                                  "check that it ends in a Save Image node."))
        seed = request.seeds[0] if request.seeds else None
        results = []
        for index, item in enumerate(files):
            progress(0.9 + 0.1 * index / len(files), _("Receiving picture %(n)d of %(total)d")
                     % {"n": index + 1, "total": len(files)})
            params = {"filename": item["filename"], "subfolder": item.get("subfolder", ""),
                      "type": item.get("type", "output")}
            try:
                response = http_request("GET", self.url + "/view", origin=self.url, params=params,
                                   max_bytes=settings.IMOGEN_T2I_FETCH_MAX_BYTES, timeout=settings.IMOGEN_T2I_FETCH_TIMEOUT)
            except FetchError as exc:
                log.warning("ComfyUI: picture %s not fetched: %s", str(item["filename"])[:100], exc)
                response = None
            if response is None or response.status != 200:
                raise ProviderError(_("ComfyUI made the picture, but Imogen could not download it. Please try "
                                      "again."))
            results.append(GeneratedImage(image=_decode(self.label, response.body), seed=seed,
                                          extra={"batch_index": index}))
        return results


class _Follower:
    """Follows one prompt: WebSocket messages while the socket lives, /history always; returns the history entry."""

    def __init__(self, provider, prompt_id, client_id, socket, progress):
        self.provider, self.prompt_id, self.socket, self.report = provider, prompt_id, socket, progress
        self.client_id = client_id
        self.fraction, self.stage = 0.01, _("Waiting in ComfyUI's queue")
        self.started = False
        self.done_at = 0.0  # when the socket said the prompt is done
        self.last_history = self.last_report = self.last_preview = self.dropped_at = 0.0
        self.deadline = time.monotonic() + settings.IMOGEN_T2I_COMFYUI_MAX_WAIT

    def run(self):
        try:
            while True:
                now = time.monotonic()
                if now > self.deadline:
                    raise ProviderError(_("ComfyUI did not finish within %(minutes)d minutes. Please try again "
                                          "later.") % {"minutes": round(settings.IMOGEN_T2I_COMFYUI_MAX_WAIT / 60)})
                if self.socket is not None:
                    self.read_socket()
                else:
                    time.sleep(WAIT)
                    self.reconnect()
                now = time.monotonic()
                due = HISTORY_EVERY if (self.socket is not None and not self.done_at) else WAIT
                if now - self.last_history >= due:
                    self.last_history = now
                    entry = self.provider.history(self.prompt_id)
                    if entry is not None and finished(entry):
                        return entry
                    if entry is None and self.done_at and now - self.done_at > 30:
                        raise ProviderError(_("ComfyUI says the job ended but keeps no record of its pictures. "
                                              "Please try again."))
                if now - self.last_report >= WAIT:
                    self.tell()
        finally:
            if self.socket is not None:
                self.socket.close()

    def tell(self, **extra):
        self.last_report = time.monotonic()
        self.report(self.fraction, self.stage, **extra)  # raises JobCanceled once the user canceled

    def read_socket(self):
        try:
            message = self.socket.recv(timeout=WAIT)
        except TimeoutError:
            return
        except (WebSocketException, OSError) as exc:
            log.warning("ComfyUI WebSocket dropped (%s); following prompt %s through /history", exc, self.prompt_id)
            self.socket.close()
            self.socket = None
            self.dropped_at = time.monotonic() - RECONNECT_EVERY + WAIT  # the first reconnect soon, then slower
            if not self.done_at:
                self.stage = _("The live connection to ComfyUI dropped; still following the job")
                self.tell()
            return
        if isinstance(message, bytes):
            self.preview(message)
        else:
            self.handle(message)

    def reconnect(self):
        if self.done_at or time.monotonic() - self.dropped_at < RECONNECT_EVERY:
            return
        self.dropped_at = time.monotonic()
        self.socket = self.provider._connect(self.client_id)

    def preview(self, data):
        if len(data) < 8 or time.monotonic() - self.last_preview < PREVIEW_EVERY:
            return
        event = struct.unpack(">I", data[:4])[0]
        if event == PREVIEW_EVENT:
            image = data[8:]
        elif event == PREVIEW_WITH_METADATA_EVENT:
            length = struct.unpack(">I", data[4:8])[0]
            try:
                meta = json.loads(data[8:8 + length])
            except ValueError:
                return
            if isinstance(meta, dict) and meta.get("prompt_id") not in (None, self.prompt_id):
                return
            image = data[8 + length:]
        else:
            return
        if not image.startswith((b"\xff\xd8", b"\x89PNG")):
            return
        self.last_preview = time.monotonic()
        self.tell(preview=image)

    def handle(self, text):
        try:
            message = json.loads(text)
            kind, data = message.get("type"), message.get("data") or {}
        except (ValueError, AttributeError):
            return
        if not isinstance(data, dict):
            return
        ours = data.get("prompt_id") in (None, self.prompt_id)
        if kind == "status":
            remaining = ((data.get("status") or {}).get("exec_info") or {}).get("queue_remaining")
            if not self.started and isinstance(remaining, int) and remaining > 1:
                self.stage = _("Waiting in ComfyUI's queue (%(ahead)d ahead)") % {"ahead": remaining - 1}
                self.tell()
            return
        if not ours:
            return
        if kind == "execution_start":
            self.started = True
            self.fraction, self.stage = max(self.fraction, 0.05), _("ComfyUI is drawing")
            self.tell()
        elif kind == "executing":
            self.started = True
            if data.get("node") is None:
                self.done_at = time.monotonic()
                self.fraction, self.stage = 0.9, _("ComfyUI has finished; fetching the pictures")
                self.last_history = 0.0  # look at /history now
            else:
                self.stage = _("ComfyUI is drawing")
        elif kind == "progress":
            self.started = True
            value, most = data.get("value"), data.get("max")
            if isinstance(value, int | float) and isinstance(most, int | float) and most > 0:
                self.fraction = max(self.fraction, 0.05 + 0.85 * min(1.0, value / most))
                self.stage = _("ComfyUI is drawing: step %(value)d of %(max)d") % {"value": value, "max": most}
                self.tell()
        elif kind == "execution_success":
            self.done_at = time.monotonic()
            self.last_history = 0.0
        elif kind == "execution_error":
            raise ProviderError(execution_error_message(data))
        elif kind == "execution_interrupted":
            raise ProviderError(_("The job was stopped on the ComfyUI server (interrupted). Please try again."))


def finished(entry):
    """True when the /history entry is final; raises ProviderError when it ended in an error."""
    status = entry.get("status") or {}
    if status.get("status_str") == "error":
        for item in status.get("messages") or []:
            if isinstance(item, list | tuple) and len(item) == 2 and item[0] == "execution_error":
                raise ProviderError(execution_error_message(item[1] if isinstance(item[1], dict) else {}))
            if isinstance(item, list | tuple) and len(item) == 2 and item[0] == "execution_interrupted":
                raise ProviderError(_("The job was stopped on the ComfyUI server (interrupted). Please try again."))
        raise ProviderError(execution_error_message({}))
    return bool(status.get("completed")) or (not status and bool(entry.get("outputs")))


def _short(text, limit=240):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def node_errors_message(body):
    """Plain words for a workflow ComfyUI refused (POST /prompt answered 400)."""
    problems = []
    node_errors = body.get("node_errors")
    if isinstance(node_errors, dict):
        for node_id, info in node_errors.items():
            info = info if isinstance(info, dict) else {}
            for error in info.get("errors") or []:
                error = error if isinstance(error, dict) else {"message": str(error)}
                detail = error.get("details") or ""
                text = error.get("message") or ""
                problems.append(f"{node_id} ({info.get('class_type') or '?'}): {text}"
                                + (f" — {detail}" if detail else ""))
    if not problems:
        error = body.get("error")
        error = error if isinstance(error, dict) else {"message": str(error or "")}
        text = error.get("message") or ""
        if error.get("details"):
            text += f" — {error['details']}"
        problems.append(text or _("no reason given"))
    return _("ComfyUI refused the workflow: %(problems)s. Ask the site owner to check the workflow and the models "
             "it names.") % {"problems": _short("; ".join(problems), 400)}


def execution_error_message(data):
    kind = str(data.get("exception_type") or "")
    text = str(data.get("exception_message") or "")
    if "outofmemory" in kind.replace(" ", "").lower() or "out of memory" in text.lower() \
            or "allocation on device" in text.lower():
        return _("ComfyUI ran out of graphics memory while drawing. Try a smaller size or fewer pictures at once.")
    if data.get("node_id") or data.get("node_type"):
        return _("ComfyUI stopped with an error in node %(node)s (%(type)s): %(message)s") % {
            "node": data.get("node_id") or "?", "type": data.get("node_type") or "?",
            "message": _short(text or kind or _("no reason given"))}
    return _("ComfyUI stopped with an error: %(message)s") % {"message": _short(text or kind or _("no reason given"))}
