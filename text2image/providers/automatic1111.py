"""AUTOMATIC1111 / Forge Stable Diffusion web UI API (start the web UI with `--api`).

`POST {IMOGEN_T2I_A1111_URL}/sdapi/v1/txt2img` with `{prompt, negative_prompt, width, height, batch_size,
seed, steps, cfg_scale}` answers `{images: [base64 PNG], parameters, info: "<JSON with all_seeds>"}`.
While it draws, `GET /sdapi/v1/progress` reports `{progress: 0..1, eta_relative, state}`. Optional HTTP
basic auth (`--api-auth user:password`).
"""
import contextvars
import json
import logging
import threading

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.fetch import FetchError, request
from core.jobs import JobCanceled

from .base import (
    DESKTOP,
    PHONE,
    RETRY,
    SQUARE,
    TABLET,
    GeneratedImage,
    Provider,
    ProviderError,
    basic_auth,
    call_json,
    decode_base64_image,
    error_json,
    presets,
)

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 1.0
SMALL_ANSWER = 1024 * 1024  # the progress and interrupt answers are a few hundred bytes


class Automatic1111Provider(Provider):
    name = "automatic1111"
    prefers_english = True  # these models were trained on English captions
    label = gettext_lazy("Stable Diffusion web UI (AUTOMATIC1111)")
    supports_steps = True
    max_prompt_chars = 1000
    size_presets = presets(
        (1344, 768, DESKTOP), (768, 1344, PHONE), (1024, 1024, SQUARE), (1152, 896, TABLET),
    )

    @property
    def default_steps(self):
        return settings.IMOGEN_T2I_A1111_STEPS

    @property
    def auth(self):
        if settings.IMOGEN_T2I_A1111_USER:
            return basic_auth(settings.IMOGEN_T2I_A1111_USER, settings.IMOGEN_T2I_A1111_PASSWORD)
        return {}

    def classify(self, response):
        body = error_json(response)
        message = str(body.get("detail") or body.get("error") or body.get("errors") or "")[:200]
        status = response.status_code
        if status in (401, 403):
            return ProviderError(_("The Stable Diffusion web UI refused the user name or password. Ask the site "
                                   "owner to check IMOGEN_T2I_A1111_USER and IMOGEN_T2I_A1111_PASSWORD."))
        if status == 429 or status >= 500:
            return RETRY
        if status == 404:
            return ProviderError(_("The Stable Diffusion web UI has no API here. Start it with --api."))
        if status in (400, 413, 422):
            detail = f" ({message})" if message else ""
            return ProviderError(_("The Stable Diffusion web UI did not accept the request%(detail)s.")
                                 % {"detail": detail})
        return ProviderError(_("The Stable Diffusion web UI answered with an error (HTTP %(status)d).")
                             % {"status": status})

    def _call(self, method, path, **kwargs):
        return request(method, settings.IMOGEN_T2I_A1111_URL + path, origin=settings.IMOGEN_T2I_A1111_URL,
                       headers=self.auth, max_bytes=SMALL_ANSWER, timeout=5, **kwargs)

    def _poll_progress(self):
        try:
            value = float(self._call("GET", "/sdapi/v1/progress", params={"skip_current_image": "true"},
                                     stop=False).json().get("progress") or 0)
            return max(0.0, min(1.0, value))
        except (FetchError, ValueError, TypeError, AttributeError):  # progress is a nicety: never fail a job over it
            return None

    def generate(self, request, progress):
        seed = request.seeds[0] if request.seeds and request.seeds[0] is not None else -1
        payload = {
            "prompt": request.prompt, "negative_prompt": request.negative_prompt,
            "width": request.width, "height": request.height, "batch_size": request.samples, "n_iter": 1,
            "seed": seed, "steps": request.steps or self.default_steps, "cfg_scale": settings.IMOGEN_T2I_A1111_CFG_SCALE,
        }
        outcome = {}

        def draw():
            try:
                outcome["body"] = call_json(self.label, "POST", settings.IMOGEN_T2I_A1111_URL + "/sdapi/v1/txt2img",
                                            classify=self.classify, origin=settings.IMOGEN_T2I_A1111_URL,
                                            json=payload, headers=self.auth)
            except BaseException as exc:  # handed to the job's thread below
                outcome["error"] = exc

        progress(0.02, _("The Stable Diffusion web UI is drawing"))
        # The drawing thread runs in this one's context, so the job's stop check cuts its call as well.
        worker = threading.Thread(target=contextvars.copy_context().run, args=(draw,), daemon=True,
                                  name="a1111-txt2img")
        worker.start()
        while worker.is_alive():
            worker.join(PROGRESS_INTERVAL)
            if worker.is_alive():
                value = self._poll_progress()
                try:
                    if value is not None:
                        progress(0.02 + 0.9 * value, _("The Stable Diffusion web UI is drawing"))
                except JobCanceled:
                    try:
                        self._call("POST", "/sdapi/v1/interrupt", stop=False)
                    except FetchError as exc:
                        log.warning("Stable Diffusion web UI: could not interrupt: %s", exc)
                    raise
        if "error" in outcome:
            raise outcome["error"]
        body = outcome["body"]
        images = body.get("images")
        if not isinstance(images, list) or not images:
            raise ProviderError(_("The Stable Diffusion web UI sent an answer without pictures. Please try again."))
        seeds = []
        try:
            info = body.get("info")
            info = json.loads(info) if isinstance(info, str) else (info or {})
            seeds = [int(s) for s in info.get("all_seeds") or []]
        except (ValueError, TypeError, AttributeError):
            seeds = []
        results = []
        for index, data in enumerate(images[: request.samples]):
            image_seed = seeds[index] if index < len(seeds) else (seed + index if seed >= 0 else None)
            results.append(GeneratedImage(image=decode_base64_image(self.label, data), seed=image_seed))
        return results
