"""The one small interface every text-to-image provider implements, and the HTTP plumbing they share.

A provider turns a `GenerationRequest` into a list of `GeneratedImage`s, calling `progress(fraction, stage)`
now and then (which raises when the user canceled), and raises `ProviderError("plain words")` when it cannot.
HTTP providers use `call_json()` (core.fetch's rules: the configured origin only, capped, a total deadline, the
job's cancel checked while it waits), retries with exponential backoff for 429 and 5xx answers (never for a 4xx
that cannot succeed), and readable messages for every way a remote service can fail.
"""
import base64
import binascii
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.fetch import FetchError, fetch, request
from core.uploads import UploadRejected, read_image

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """The provider could not make the pictures; the message is shown to the user as it is."""


@dataclass(frozen=True)
class SizePreset:
    width: int  # the picture the user gets
    height: int
    label: str
    scale: int = 1  # > 1: the provider draws width/scale × height/scale and upscales (e.g. Karlo's `upscale`)

    @property
    def key(self):
        return f"{self.width}x{self.height}"


def presets(*sizes):
    """SizePresets from (width, height, label) or (width, height, label, scale) tuples."""
    return [SizePreset(*size) for size in sizes]


def size_label(width, height):
    """The wallpaper shape a size is for."""
    if width > height:
        return TABLET if width * 3 <= height * 4 + 1 else DESKTOP
    if height > width:
        return PHONE
    return SQUARE


def presets_from_setting(items):
    """SizePresets from a setting's ["WxH", …] (entries that are not WxH are skipped)."""
    sizes = []
    for item in items:
        try:
            width, height = (int(v) for v in item.lower().split("x"))
        except ValueError:
            continue
        sizes.append((width, height, size_label(width, height)))
    return presets(*sizes)


DESKTOP = gettext_lazy("Desktop (16:9)")
DESKTOP_WIDE = gettext_lazy("Wide desktop (16:9, large)")
PHONE = gettext_lazy("Phone (9:16)")
TALL_PHONE = gettext_lazy("Tall phone (9:19.5)")
SQUARE = gettext_lazy("Square (1:1)")
TABLET = gettext_lazy("Tablet (4:3)")


@dataclass
class GenerationRequest:
    prompt: str
    negative_prompt: str
    width: int
    height: int
    samples: int
    seeds: list = field(default_factory=list)  # one per sample; None where the provider picks
    steps: int | None = None  # sampling steps, for providers that take them (None: the provider's default)
    state: dict = field(default_factory=dict)  # what the provider kept on the job in an earlier attempt


@dataclass
class GeneratedImage:
    image: object  # PIL.Image.Image, RGB
    seed: int | None = None
    extra: dict = field(default_factory=dict)  # more facts for the picture's metadata (e.g. batch_index)


class Provider:
    name = ""
    label = ""
    needs_english = False  # True: prompts must be English (translated first, or refused)
    prefers_english = False  # True: translated when translation is set up, else sent as written
    max_prompt_chars = 1000
    max_samples = 4
    offline = False
    supports_negative = True  # False: the negative prompt is put into the prompt in words
    supports_seed = True  # False: the same seed does not give the same picture
    supports_steps = False  # True: the user may choose the number of sampling steps
    default_steps = None
    max_steps = 100
    size_presets: list = []

    def size_error(self, width, height):
        """None when (width, height) is allowed, else a message saying what is."""
        if any(p.width == width and p.height == height for p in self.size_presets):
            return None
        allowed = ", ".join(p.key for p in self.size_presets)
        return _("%(width)d×%(height)d is not a size %(provider)s can make. Choose one of: %(allowed)s.") % {
            "width": width, "height": height, "provider": self.label, "allowed": allowed}

    def default_preset(self):
        return self.size_presets[0]

    def preset_for(self, width, height):
        return next((p for p in self.size_presets if p.width == width and p.height == height), None)

    def is_configured(self):
        return True

    def calls(self, samples):
        """How many drawing calls `samples` pictures take (each may be retried)."""
        return 1

    def time_budget(self, samples):
        """The most seconds `samples` pictures can take when every call and download runs to its timeout and
        every retry is spent: what the job's time limit is made of."""
        retries = max(0, settings.IMOGEN_T2I_RETRIES)
        pauses = sum(max(settings.IMOGEN_T2I_BACKOFF * 2 ** attempt, 30.0) for attempt in range(retries))
        call = (retries + 1) * settings.IMOGEN_T2I_TIMEOUT + pauses
        return self.calls(samples) * call + samples * (retries + 1) * settings.IMOGEN_T2I_FETCH_TIMEOUT

    def generate(self, request, progress):
        """`progress(fraction, stage=None, remote=None, preview=None)`: `remote` (a dict) is kept on the job
        (merged), `preview` (JPEG/PNG bytes) is shown on the job page; both optional."""
        raise NotImplementedError


# --- HTTP ------------------------------------------------------------------------------------------
RETRY = "retry"


def basic_auth(user, password):
    """The Authorization header for HTTP basic auth."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _pause(attempt, response=None):
    delay = settings.IMOGEN_T2I_BACKOFF * (2 ** attempt)
    if response is not None:
        try:
            delay = max(delay, min(float(response.headers.get("Retry-After", 0)), 30.0))
        except ValueError:
            pass
    time.sleep(delay)


def call_json(label, method, url, *, classify, origin, json=None, headers=None, max_bytes=None, timeout=None):
    """Send a request to the provider's own API (`origin`: its configured URL) and return the decoded JSON body.

    Under core.fetch's rules: that origin only, no redirect elsewhere, at most `max_bytes` (default
    IMOGEN_T2I_ANSWER_MAX_BYTES) within `timeout` seconds in all (default IMOGEN_T2I_TIMEOUT), the job's cancel
    checked while it waits. `classify(answer)` looks at a non-2xx answer and returns RETRY (try again after a
    pause) or a ProviderError to raise. Timeouts are not retried: the provider may still be drawing (and charging).
    """
    retries = max(0, settings.IMOGEN_T2I_RETRIES)
    timeout = timeout or settings.IMOGEN_T2I_TIMEOUT
    last_status = None
    for attempt in range(retries + 1):
        try:
            response = request(method, url, origin=origin, json_body=json, headers=headers, timeout=timeout,
                               max_bytes=max_bytes or settings.IMOGEN_T2I_ANSWER_MAX_BYTES)
        except FetchError as exc:
            log.warning("%s: %s %s not done (attempt %d): %s", label, method, url[:200], attempt + 1, exc)
            if exc.reason == "timeout":
                raise ProviderError(
                    _("%(provider)s did not answer within %(seconds)s seconds. Please try again later.")
                    % {"provider": label, "seconds": f"{timeout:g}"}
                )
            if exc.reason in ("too_big", "refused"):
                raise ProviderError(unreadable(label))
            last_status = "unreachable"
            if attempt < retries:
                _pause(attempt)
                continue
            raise ProviderError(
                _("Imogen could not reach %(provider)s. Please try again later.") % {"provider": label}
            )
        if 200 <= response.status < 300:
            try:
                body = response.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                log.warning("%s answered %d with a body that is not a JSON object: %r",
                            label, response.status, response.text[:200])
                raise ProviderError(unreadable(label))
            return body
        outcome = classify(response)
        log.warning("%s answered %d (attempt %d): %s", label, response.status, attempt + 1, response.text[:300])
        if outcome != RETRY:
            raise outcome
        last_status = response.status
        if attempt < retries:
            _pause(attempt, response)
    if last_status == 429:
        raise ProviderError(
            _("%(provider)s is busy (too many requests). Please try again in a few minutes.") % {"provider": label}
        )
    raise ProviderError(
        _("%(provider)s is having trouble right now. Please try again later.") % {"provider": label}
    )


def unreadable(label):
    return _("%(provider)s sent an answer Imogen could not read. Please try again later.") % {"provider": label}


def error_json(response):
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def decode_base64_image(label, data):
    if isinstance(data, str) and data.startswith("data:") and "," in data:
        data = data.split(",", 1)[1]
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, TypeError, ValueError):
        raise ProviderError(_("%(provider)s sent an image Imogen could not read.") % {"provider": label})
    return _decode(label, raw)


def download_image(label, url, *, trusted_origin, hosts=()):
    """Fetch an image the provider links to (such links expire within minutes: fetch at once).

    The link comes from the provider's answer, so it goes through core.fetch: http(s) only, the provider's own
    host or `hosts` configured for it, public addresses only, no redirects to other hosts, capped in bytes and
    time. Every failure gives the user the same words (the log has the reason)."""
    retries = max(0, settings.IMOGEN_T2I_RETRIES)
    for attempt in range(retries + 1):
        try:
            data = fetch(url, trusted_origin=trusted_origin, allowed_hosts=hosts,
                         max_bytes=settings.IMOGEN_T2I_FETCH_MAX_BYTES, timeout=settings.IMOGEN_T2I_FETCH_TIMEOUT)
        except FetchError as exc:
            log.warning("%s: image link %s not fetched: %s", label, str(url)[:200], exc)
            if (exc.status == 429 or (exc.status or 0) >= 500) and attempt < retries:
                _pause(attempt)
                continue
            break
        return _decode(label, data)
    raise ProviderError(
        _("%(provider)s made the picture, but Imogen could not download it (the link may have expired). "
          "Please try again.") % {"provider": label}
    )


def _decode(label, raw):
    try:
        return read_image(raw, max_bytes=64 * 1024 * 1024, max_pixels=40_000_000).image
    except UploadRejected:
        raise ProviderError(_("%(provider)s sent an image Imogen could not read.") % {"provider": label})
