"""Kakao Karlo 2.1 (`POST {IMOGEN_T2I_KARLO_URL}/v2/inference/karlo/t2i`, `Authorization: KakaoAK <key>`).

Request: `version` ("v2.1"), `prompt` and `negative_prompt` (English, at most 256 characters each), `width` and
`height` (256–1280 px, multiples of 8), `samples` (1–8; Imogen asks for up to 4), `seed` (an array, one per
picture), `upscale` + `scale` (2: the picture comes back twice as large, at most 2048 px a side — how Imogen
makes wallpaper sizes), `nsfw_checker`, `image_format`, `return_type` (`base64_string` or `url`). Answer:
`{id, model_version, images: [{id, seed, image, nsfw_content_detected, nsfw_score}]}` where `image` is base64 or
a URL that expires within minutes (downloaded at once). Errors come as `{"code": <negative int>, "msg": "..."}`.
Imogen checks the limits (English, length, size) before it calls, so a refused call costs nothing.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..translation.base import guess_language
from .base import (
    DESKTOP,
    PHONE,
    RETRY,
    SQUARE,
    TABLET,
    TALL_PHONE,
    GeneratedImage,
    Provider,
    ProviderError,
    call_json,
    decode_base64_image,
    download_image,
    error_json,
    presets,
)

MIN_SIDE, MAX_SIDE, MAX_UPSCALED, STEP = 256, 1280, 2048, 8
QUOTA_CODES = {-10}
TERMINATED_CODES = {-9798, -9799}


class KarloProvider(Provider):
    name = "karlo"
    label = gettext_lazy("Kakao Karlo")
    needs_english = True
    max_prompt_chars = 256
    size_presets = presets(
        # Wallpaper sizes: drawn at half size and upscaled ×2 by Karlo (at most 2048 px a side).
        (2048, 1152, DESKTOP, 2), (1152, 2048, PHONE, 2), (944, 2048, TALL_PHONE, 2), (2048, 1536, TABLET, 2),
        (2048, 2048, SQUARE, 2),
        # Karlo's own sizes, not upscaled.
        (1280, 720, DESKTOP), (720, 1280, PHONE), (592, 1280, TALL_PHONE), (1280, 960, TABLET), (1024, 1024, SQUARE),
    )

    def size_error(self, width, height):
        """A preset, or any size Karlo draws itself: 256–1280 px a side in steps of 8."""
        if self.preset_for(width, height) or all(MIN_SIDE <= v <= MAX_SIDE and v % STEP == 0 for v in (width, height)):
            return None
        return _("Kakao Karlo draws sizes from %(min)d to %(max)d px a side in steps of %(step)d (or upscales them "
                 "to wallpaper sizes up to %(upscaled)d px); %(width)d×%(height)d is not one. Choose one of the "
                 "sizes offered.") % {"min": MIN_SIDE, "max": MAX_SIDE, "step": STEP, "upscaled": MAX_UPSCALED,
                                      "width": width, "height": height}

    def is_configured(self):
        return bool(settings.IMOGEN_T2I_KARLO_KEY)

    @property
    def url(self):
        return settings.IMOGEN_T2I_KARLO_URL + "/v2/inference/karlo/t2i"

    def classify(self, response):
        body = error_json(response)
        code = body.get("code")
        message = str(body.get("msg") or body.get("message") or "")
        lowered = message.lower()
        status = response.status_code
        if code in TERMINATED_CODES or "terminated" in lowered or status == 410:
            return ProviderError(_("The Kakao Karlo service has ended (API terminated). "
                                   "Ask the site owner to switch to another provider."))
        if code in QUOTA_CODES or "quota" in lowered or "limit exceeded" in lowered:
            return ProviderError(_("The Kakao Karlo quota for this site is used up. Please try again tomorrow."))
        if status in (401, 403) or code == -401:
            return ProviderError(_("Kakao Karlo refused the API key. Ask the site owner to check "
                                   "IMOGEN_T2I_KARLO_KEY."))
        if status == 429 or status >= 500:
            return RETRY
        if status in (400, 413, 422):
            detail = f" ({message})" if message else ""
            return ProviderError(_("Kakao Karlo did not accept the request%(detail)s. Try a shorter or "
                                   "different prompt.") % {"detail": detail})
        return ProviderError(_("Kakao Karlo answered with an error (HTTP %(status)d).") % {"status": status})

    def generate(self, request, progress):
        if not self.is_configured():
            raise ProviderError(_("Kakao Karlo is selected but no API key is set (IMOGEN_T2I_KARLO_KEY)."))
        self.check(request)
        preset = self.preset_for(request.width, request.height)
        scale = preset.scale if preset else 1
        payload = {
            "version": settings.IMOGEN_T2I_KARLO_VERSION,
            "prompt": request.prompt,
            "negative_prompt": request.negative_prompt,
            "width": request.width // scale,
            "height": request.height // scale,
            "samples": request.samples,
            "image_format": "png",
            "return_type": settings.IMOGEN_T2I_KARLO_RETURN_TYPE,
            "nsfw_checker": settings.IMOGEN_T2I_KARLO_NSFW_CHECKER,
        }
        if scale > 1:
            payload.update(upscale=True, scale=scale)
        if request.seeds and all(seed is not None for seed in request.seeds):
            payload["seed"] = list(request.seeds)
        progress(0.1, _("Kakao Karlo is drawing"))
        body = call_json(
            self.label, "POST", self.url, classify=self.classify, origin=settings.IMOGEN_T2I_KARLO_URL, json=payload,
            headers={"Authorization": f"KakaoAK {settings.IMOGEN_T2I_KARLO_KEY}", "Content-Type": "application/json"},
        )
        items = body.get("images")
        if not isinstance(items, list) or not items:
            raise ProviderError(_("Kakao Karlo sent an answer without pictures. Please try again."))
        results, held_back = [], 0
        for index, item in enumerate(items):
            data = item.get("image") if isinstance(item, dict) else None
            if not isinstance(data, str) or not data:
                raise ProviderError(_("Kakao Karlo sent an answer without pictures. Please try again."))
            if item.get("nsfw_content_detected") is True:
                held_back += 1
                continue
            progress(0.6 + 0.3 * index / len(items), _("Receiving picture %(n)d of %(total)d")
                     % {"n": index + 1, "total": len(items)})
            if data.startswith(("http://", "https://")):
                image = download_image(self.label, data, trusted_origin=settings.IMOGEN_T2I_KARLO_URL,
                                       hosts=settings.IMOGEN_T2I_KARLO_IMAGE_HOSTS)
            else:
                image = decode_base64_image(self.label, data)
            seed = item.get("seed")
            if not isinstance(seed, int):
                seed = request.seeds[index] if index < len(request.seeds) else None
            extra = {"model_version": body["model_version"]} if isinstance(body.get("model_version"), str) else {}
            if scale > 1:
                extra.update(upscaled_from=f"{payload['width']}x{payload['height']}")
            results.append(GeneratedImage(image=image, seed=seed, extra=extra))
        if held_back and not results:
            raise ProviderError(_("Kakao Karlo's safety check held back the pictures. Please describe something "
                                  "else."))
        if held_back:
            progress(0.95, None, notice=_("Kakao Karlo's safety check held back %(n)d of the pictures.")
                     % {"n": held_back})
        return results

    def check(self, request):
        """Karlo's limits, before anything is sent (the serializer checks them at submit too)."""
        for text in (request.prompt, request.negative_prompt):
            if len(text) > self.max_prompt_chars:
                raise ProviderError(_("Kakao Karlo takes prompts of at most %(limit)d characters; this one has "
                                      "%(count)d. Please shorten it.") % {"limit": self.max_prompt_chars,
                                                                          "count": len(text)})
            if guess_language(text) in ("ko", "ja", "zh"):
                raise ProviderError(_("Kakao Karlo understands English only, and the prompt as sent is not "
                                      "English. Please write it in English."))
        if (problem := self.size_error(request.width, request.height)):
            raise ProviderError(problem)
