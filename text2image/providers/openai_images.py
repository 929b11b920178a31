"""OpenAI-compatible images API (`POST {IMOGEN_T2I_OPENAI_URL}/v1/images/generations`).

Works with OpenAI and with self-hosted servers that speak the same protocol (LocalAI and others). Request
`{model, prompt, n, size: "WxH", response_format: "b64_json"}`, answer `{created, data: [{b64_json|url}]}`,
errors `{"error": {"message", "type", "code"}}`. The API has no negative prompt or seed: the negative prompt
is added in words, and seeds are not recorded.
"""
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import (
    RETRY,
    GeneratedImage,
    Provider,
    ProviderError,
    call_json,
    decode_base64_image,
    download_image,
    error_json,
    presets_from_setting,
)

QUOTA_CODES = {"insufficient_quota", "billing_hard_limit_reached", "billing_not_active"}


class OpenAIImagesProvider(Provider):
    name = "openai"
    prefers_english = True  # these models were trained on English captions
    label = gettext_lazy("OpenAI-compatible images API")
    max_prompt_chars = 1000
    supports_negative = False  # the API has none: generate() adds it to the prompt as "Avoid: …"

    @property
    def size_presets(self):
        return presets_from_setting(settings.IMOGEN_T2I_OPENAI_SIZES)

    def is_configured(self):
        return bool(settings.IMOGEN_T2I_OPENAI_KEY) or "api.openai.com" not in settings.IMOGEN_T2I_OPENAI_URL

    def calls(self, samples):
        return samples if settings.IMOGEN_T2I_OPENAI_MODEL == "dall-e-3" else 1

    def classify(self, response):
        error = error_json(response).get("error")
        error = error if isinstance(error, dict) else {"message": str(error or "")}
        code = str(error.get("code") or "")
        kind = str(error.get("type") or "")
        message = str(error.get("message") or "")
        status = response.status_code
        if code in QUOTA_CODES or kind in QUOTA_CODES:
            return ProviderError(_("The image service's quota or credit for this site is used up. "
                                   "Please try again later."))
        if status in (401, 403):
            return ProviderError(_("The image service refused the API key. Ask the site owner to check "
                                   "IMOGEN_T2I_OPENAI_KEY."))
        if status == 429 or status >= 500:
            return RETRY
        if code == "content_policy_violation":
            return ProviderError(_("The image service refused this prompt under its content rules. "
                                   "Please describe something else."))
        if status in (400, 404, 413, 422):
            detail = f" ({message[:200]})" if message else ""
            return ProviderError(_("The image service did not accept the request%(detail)s.") % {"detail": detail})
        return ProviderError(_("The image service answered with an error (HTTP %(status)d).") % {"status": status})

    def generate(self, request, progress):
        prompt = request.prompt
        if request.negative_prompt:
            prompt = f"{prompt}. Avoid: {request.negative_prompt}."
        headers = {"Content-Type": "application/json"}
        if settings.IMOGEN_T2I_OPENAI_KEY:
            headers["Authorization"] = f"Bearer {settings.IMOGEN_T2I_OPENAI_KEY}"
        # dall-e-3 draws one picture per request; other models and servers take n at once.
        batches = [1] * request.samples if self.calls(request.samples) > 1 else [request.samples]
        results = []
        for number, n in enumerate(batches):
            progress(0.05 + 0.9 * number / len(batches), _("The image service is drawing"))
            body = call_json(
                self.label, "POST", settings.IMOGEN_T2I_OPENAI_URL + "/v1/images/generations",
                classify=self.classify, origin=settings.IMOGEN_T2I_OPENAI_URL, headers=headers,
                json={"model": settings.IMOGEN_T2I_OPENAI_MODEL, "prompt": prompt[: self.max_prompt_chars * 4],
                      "n": n, "size": f"{request.width}x{request.height}", "response_format": "b64_json"},
            )
            items = body.get("data")
            if not isinstance(items, list) or not items:
                raise ProviderError(_("The image service sent an answer without pictures. Please try again."))
            for item in items:
                item = item if isinstance(item, dict) else {}
                if isinstance(item.get("b64_json"), str) and item["b64_json"]:
                    image = decode_base64_image(self.label, item["b64_json"])
                elif isinstance(item.get("url"), str) and item["url"].startswith(("http://", "https://")):
                    image = download_image(self.label, item["url"], trusted_origin=settings.IMOGEN_T2I_OPENAI_URL,
                                           hosts=settings.IMOGEN_T2I_OPENAI_IMAGE_HOSTS)
                else:
                    raise ProviderError(_("The image service sent an answer without pictures. Please try again."))
                results.append(GeneratedImage(image=image, seed=None))
        return results[: request.samples]
