"""Style transfer jobs: what the user asked for (content, style, options), live progress and the result."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Job


class StyleTransferJob(Job):
    """Paint a content image in the style of a style image. Runs on the `style` queue.

    Each side is either an upload (stored under a random name) or a bundled sample id. `options` holds the
    validated request (preset, width, height, style_strength, preserve_colors, seed, size_preset).
    """

    task_name = "styletransfer.tasks.run_style_transfer"
    queue = "style"
    url_names = {"page": "styletransfer:job", "api": "styletransfer-job", "cancel": "styletransfer-job-cancel"}

    content_image = models.FileField(max_length=300, blank=True)
    content_sample = models.CharField(max_length=40, blank=True)
    style_image = models.FileField(max_length=300, blank=True)
    style_sample = models.CharField(max_length=40, blank=True)
    options = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10, blank=True, help_text="Language for stage and error messages.")
    preview = models.FileField(max_length=300, blank=True)
    preview_at = models.DateTimeField(null=True, blank=True)
    result = models.ForeignKey(
        "gallery.Creation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(Job.Meta):
        verbose_name = _("style transfer job")

    @property
    def creation_id(self):
        return self.result_id
