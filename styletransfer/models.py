"""Style transfer jobs: what the user asked for (content, style, options), live progress and the result."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from PIL import Image

from core.models import Job
from fairqueue.estimate import Rates, bucket, predicted_total
from fairqueue.models import FairQueued

from . import samples


class StyleTransferJob(FairQueued, Job):
    """Paint a content image in the style of a style image. Runs on the `style` queue.

    Each side is either an upload (stored under a random name) or a bundled sample id. `options` holds the
    validated request (preset, width, height, style_strength, preserve_colors, seed, size_preset).
    """

    task_name = "styletransfer.tasks.run_style_transfer"
    queue = "style"
    url_names = {"page": "styletransfer:job", "api": "styletransfer-job", "cancel": "styletransfer-job-cancel"}
    progress_span = 0.98  # the engine's fraction is stored × 0.98: the last 2 % are saving the result
    cap_settings = {"account": "IMOGEN_STYLE_QUEUE_CAP_ACCOUNT", "anonymous": "IMOGEN_STYLE_QUEUE_CAP_ANONYMOUS",
                    "address": "IMOGEN_STYLE_QUEUE_CAP_ADDRESS"}

    content_image = models.FileField(max_length=300, blank=True)
    content_sample = models.CharField(max_length=40, blank=True)
    style_image = models.FileField(max_length=300, blank=True)
    style_sample = models.CharField(max_length=40, blank=True)
    options = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True, help_text="Language for stage and error messages.")
    # Small JPEGs made from the uploads: what a post or a remix shows (the originals are never served to others).
    content_thumbnail = models.FileField(max_length=300, blank=True)
    style_thumbnail = models.FileField(max_length=300, blank=True)
    preview = models.FileField(max_length=300, blank=True)
    # Bytes of the job's own files (uploads, their thumbnails, the preview): counted by the storage quota.
    byte_size = models.PositiveBigIntegerField(default=0)
    preview_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(
        "gallery.Creation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Job.Meta):
        verbose_name = _("style transfer job")

    @property
    def creation_id(self):
        return self.result_id

    @classmethod
    def cap_words(cls, waiting, cap, by_address):
        if by_address:
            return ngettext(
                "%(n)d wallpaper from your address is already waiting, and %(cap)d is the most that can wait at "
                "once from one address. Try again when it has begun, or sign in to an account with a confirmed "
                "email address.",
                "%(n)d wallpapers from your address are already waiting, and %(cap)d is the most that can wait at "
                "once from one address. Try again when one of them has begun, or sign in to an account with a "
                "confirmed email address.", waiting) % {"n": waiting, "cap": cap}
        return ngettext(
            "You already have %(n)d wallpaper waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when it has begun, or cancel it on its page.",
            "You already have %(n)d wallpapers waiting, and %(cap)d is the most that can wait at once. "
            "Start this one when one of them has begun, or cancel one in “My style transfers”.", waiting,
        ) % {"n": waiting, "cap": cap}

    # --- for the fair queue's estimates (fairqueue.estimate) ----------------------------------------
    def output_size(self, content_size=None):
        """(width, height) of the result; for the content's own aspect, `content_size` or else 16:9."""

        opts = self.options or {}
        if opts.get("width") and opts.get("height"):
            return int(opts["width"]), int(opts["height"])
        long_side = int(opts.get("size") or settings.IMOGEN_STYLE_CONTENT_LONG_SIDE)
        cw, ch = content_size or (16, 9)
        short = max(1, round(long_side * min(cw, ch) / max(cw, ch)))
        return (long_side, short) if cw >= ch else (short, long_side)

    def _content_size(self):
        sample = samples.get(self.content_sample, "content") if self.content_sample else None
        try:
            if sample:
                with Image.open(sample.path) as image:
                    return image.size
            if self.content_image:
                with self.content_image.open("rb") as handle, Image.open(handle) as image:
                    return image.size
        except (OSError, ValueError):
            pass
        return None

    def planned_work(self):
        """Seconds the engine's cost model gives the painting (no loading) on its reference CPU: the unit its
        progress fraction is proportional to. Each machine's learned rate says how much slower or faster it is."""
        from . import engine  # the engine imports torch: only when asked, never at the web process's start

        opts = self.options or {}
        width, height = self.output_size(self._content_size())
        stages = engine.plan_stages(width, height, opts.get("preset", "standard"), opts.get("init", "feedforward"))
        return sum(stage.seconds for stage in stages if stage.name != "loading")

    def time_limit_seconds(self):
        """The fair queue's prediction from the cost model (this machine's learned speed, else the configured
        default) times IMOGEN_JOB_TIME_ROOM, and two minutes for loading the engine."""
        predicted = predicted_total(self, Rates.load(), [self.machine] if self.machine else ())
        if predicted is None:
            return super().time_limit_seconds()
        return 120 + predicted * settings.IMOGEN_JOB_TIME_ROOM

    def work_key(self):

        width, height = self.output_size()
        return f"{(self.options or {}).get('preset', 'standard')}/{bucket(width * height)}"
