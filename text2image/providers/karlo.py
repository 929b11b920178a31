"""Kakao Karlo (`POST {IMOGEN_T2I_KARLO_URL}/v2/inference/karlo/t2i`, `Authorization: KakaoAK <key>`).

Prompts are English, at most 256 characters. Sizes are multiples of 8. The answer is
`{id, model_version, images: [{id, seed, image}]}` where `image` is a URL that expires within minutes
(downloaded at once) or base64. Errors come as `{"code": <negative int>, "msg": "..."}`.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

QUOTA_CODES = {-10}
TERMINATED_CODES = {-9798, -9799}


class KarloProvider(Provider):
    name = "karlo"
    label = gettext_lazy("Kakao Karlo")
    needs_english = True
    max_prompt_chars = 256
    size_presets = presets(
        (1536, 864, DESKTOP), (864, 1536, PHONE), (720, 1560, TALL_PHONE), (1024, 1024, SQUARE), (1280, 960, TABLET),
    )

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
        payload = {
            "version": settings.IMOGEN_T2I_KARLO_VERSION,
            "prompt": request.prompt[: self.max_prompt_chars],
            "negative_prompt": request.negative_prompt[: self.max_prompt_chars],
            "width": request.width,
            "height": request.height,
            "samples": request.samples,
            "image_format": "png",
            "return_type": settings.IMOGEN_T2I_KARLO_RETURN_TYPE,
        }
        if all(seed is not None for seed in request.seeds):
            payload["seed"] = list(request.seeds)
        progress(0.1, _("Kakao Karlo is drawing"))
        body = call_json(
            self.label, "POST", self.url, classify=self.classify, json=payload,
            headers={"Authorization": f"KakaoAK {settings.IMOGEN_T2I_KARLO_KEY}", "Content-Type": "application/json"},
        )
        items = body.get("images")
        if not isinstance(items, list) or not items:
            raise ProviderError(_("Kakao Karlo sent an answer without pictures. Please try again."))
        results = []
        for index, item in enumerate(items):
            data = item.get("image") if isinstance(item, dict) else None
            if not isinstance(data, str) or not data:
                raise ProviderError(_("Kakao Karlo sent an answer without pictures. Please try again."))
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
            results.append(GeneratedImage(image=image, seed=seed))
        return results
