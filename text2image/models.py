"""A text-to-image request and its outcome (the background job pattern from core.models)."""
from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from core.models import Job, JobStatus
from core.registry import UnknownProvider
from gallery.models import Creation

from .providers import get_provider


class TextToImageJob(Job):
    """Draw `samples` pictures of `prompt` with the provider that was active when the job was made."""

    task_name = "text2image.tasks.run_text2image"
    url_names = {"page": "text2image:job", "api": "text2image-job", "cancel": "text2image-job-cancel"}
    status_labels = {JobStatus.RUNNING: _("Drawing"), JobStatus.SUCCEEDED: _("Done")}

    prompt = models.TextField()
    negative_prompt = models.TextField(blank=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    samples = models.PositiveSmallIntegerField(default=1)
    seed = models.BigIntegerField(null=True, blank=True, help_text="Empty: a random seed per image.")
    steps = models.PositiveSmallIntegerField(null=True, blank=True,
                                             help_text="Sampling steps (providers that take them); empty: default.")
    provider = models.CharField(max_length=32)
    language = models.CharField(max_length=8, blank=True, help_text="The page language; messages use it.")
    # Filled by the worker.
    source_language = models.CharField(max_length=16, blank=True)
    translated_prompt = models.TextField(blank=True, help_text="The prompt as sent to the provider.")
    translated_negative_prompt = models.TextField(blank=True)
    notice = models.TextField(blank=True, help_text="Something the user should know (e.g. not translated).")
    images = models.JSONField(default=list, blank=True, help_text="[{creation_id, seed}] in order.")
    remote = models.JSONField(default=dict, blank=True,
                              help_text="What the provider calls this job (ComfyUI: prompt_id, number, client_id) "
                                        "and how many previews it sent.")
    preview = models.BinaryField(null=True, blank=True, editable=False,
                                 help_text="The latest preview frame (JPEG/PNG) while the provider draws.")

    class Meta(Job.Meta):
        verbose_name = "text-to-image job"

    def time_limit_seconds(self):
        """Its provider's timeouts, every retry spent, plus the translation and a minute to save the pictures."""
        try:
            provider = get_provider(self.provider)
        except UnknownProvider:
            return super().time_limit_seconds()
        return provider.time_budget(self.samples) + 2 * settings.IMOGEN_TRANSLATE_TIMEOUT + 60

    def creations(self):
        """The Creation rows of the results, in order (skipping any deleted since)."""
        ids = [item["creation_id"] for item in self.images]
        found = {str(c.pk): c for c in Creation.objects.filter(pk__in=ids)}
        return [(found[str(item["creation_id"])], item.get("seed")) for item in self.images
                if str(item["creation_id"]) in found]


@receiver(post_delete, sender="gallery.Creation", dispatch_uid="text2image-forget-deleted-picture")
def forget_deleted_picture(sender, instance, **kwargs):
    """A deleted picture takes its job's preview frame with it; the job goes when none of its pictures is left."""
    for job in TextToImageJob.objects.filter(images__icontains=str(instance.pk)):
        if not any(str(item.get("creation_id")) != str(instance.pk) and sender.objects.filter(
                pk=item.get("creation_id")).exists() for item in job.images):
            job.delete()
        else:
            TextToImageJob.objects.filter(pk=job.pk).update(preview=None)
