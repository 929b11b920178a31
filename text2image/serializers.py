from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.registry import UnknownProvider
from core.serializers import BaseJobSerializer
from gallery.sharing import edit_url

from .models import TextToImageJob
from .providers import PROVIDERS, active_provider, offline
from .tasks import MAX_SEED
from .translation import get_translator, guess_language, needs_english_message


def provider_label(name):
    return PROVIDERS.label(name)


def sketch_reading(job):
    """The offline engine's reading of the job's prompt (offline.understand), or None for another provider."""
    if job.provider != offline.OfflineProvider.name:
        return None
    return offline.understand(job.prompt, job.negative_prompt)


def negative_prompt_note(job, reading):
    """What happened to the job's negative prompt, in words ('' without one); `reading` from sketch_reading."""
    if not job.negative_prompt.strip():
        return ""
    if reading is not None:
        return reading["negative_note"]
    try:
        takes_negative = PROVIDERS.get(job.provider).supports_negative
    except UnknownProvider:  # a job of a provider this server no longer lists: it was sent as one then
        takes_negative = True
    if takes_negative:
        return _("The negative prompt was sent to %(provider)s, which leaves out what it names.") % {
            "provider": provider_label(job.provider)}
    return _("%(provider)s takes no negative prompt: it was added to the prompt as “Avoid: …”.") % {
        "provider": provider_label(job.provider)}


class TextToImageJobCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=2000, trim_whitespace=True,
                                   help_text=gettext_lazy("What to draw, in Korean or English."),
                                   error_messages={"blank": gettext_lazy("Write what you want to see."),
                                                   "required": gettext_lazy("Write what you want to see.")})
    negative_prompt = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                            help_text=gettext_lazy("What the picture should not have."))
    width = serializers.IntegerField(required=False, help_text=gettext_lazy("Pixels; one of the provider's sizes."))
    height = serializers.IntegerField(required=False)
    samples = serializers.IntegerField(required=False, default=1, help_text=gettext_lazy("How many pictures (1–4)."))
    seed = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text=gettext_lazy("Optional; the same seed gives the same picture."))
    steps = serializers.IntegerField(required=False, allow_null=True, default=None,
                                     help_text=gettext_lazy("Sampling steps, for providers that take them; "
                                                            "empty: the provider's default."))

    def validate(self, data):
        provider = active_provider()
        self.provider = provider
        errors = {}
        limit = provider.max_prompt_chars
        for field in ("prompt", "negative_prompt"):
            if len(data.get(field, "")) > limit:
                errors[field] = [_("Please keep it to %(limit)d characters or fewer (%(provider)s's limit); "
                                   "it has %(count)d.") % {"limit": limit, "provider": provider.label,
                                                           "count": len(data[field])}]
        samples = data.get("samples", 1)
        if not 1 <= samples <= provider.max_samples:
            errors["samples"] = [_("Choose between 1 and %(max)d pictures.") % {"max": provider.max_samples}]
        preset = provider.default_preset()
        width, height = data.get("width") or preset.width, data.get("height") or preset.height
        if (data.get("width") is None) != (data.get("height") is None):
            errors["width"] = [_("Give both width and height, or neither.")]
        elif (problem := provider.size_error(width, height)):
            errors["width"] = [problem]
        seed = data.get("seed")
        if seed is not None and not 0 <= seed <= MAX_SEED:
            errors["seed"] = [_("The seed must be a whole number from 0 to %(max)d.") % {"max": MAX_SEED}]
        steps = data.get("steps")
        if steps is not None and not provider.supports_steps:
            data["steps"] = None  # a "Run again" from another provider's job: that provider chooses its own
        elif steps is not None and not 1 <= steps <= provider.max_steps:
            errors["steps"] = [_("Choose between 1 and %(max)d steps.") % {"max": provider.max_steps}]
        if provider.needs_english and not get_translator().configured and "prompt" not in errors:
            if any(guess_language(data.get(f, "")) not in ("en", "und") for f in ("prompt", "negative_prompt")):
                errors["prompt"] = [needs_english_message(provider)]
        if errors:
            raise serializers.ValidationError(errors)
        data["width"], data["height"] = width, height
        return data


class TextToImageResultSerializer(serializers.Serializer):
    creation_id = serializers.UUIDField()
    image_url = serializers.CharField()
    download_url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    file_name = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    seed = serializers.IntegerField(allow_null=True)
    steps = serializers.IntegerField(allow_null=True)
    provider = serializers.CharField()
    provider_label = serializers.CharField()
    page_url = serializers.CharField(help_text="The picture's page (the share link).")
    edit_url = serializers.CharField(help_text="The editor, opened on the picture.")


class SketchReadingSerializer(serializers.Serializer):
    understood = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy(
        "The prompt's words the offline engine paints from (each once, as written)."))
    missing = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy(
        "The prompt's words it could not draw (filler words such as “a” or “the” are in neither list)."))
    motifs = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy(
        "What it paints, in the request's language (e.g. “night sky”, “forest”)."))
    removed = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy(
        "The motifs the negative prompt took away (empty when it took nothing away)."))


class TextToImageJobSerializer(BaseJobSerializer):
    images = serializers.SerializerMethodField()
    sketch = serializers.SerializerMethodField(help_text=gettext_lazy(
        "Offline engine only (else null): which words it understood, which it could not draw, what it paints."))
    negative_prompt_note = serializers.SerializerMethodField(help_text=gettext_lazy(
        "What happened to the negative prompt, in words: for the offline engine, which motifs it took away (or that "
        "it had nothing to take away); for another provider, that it was sent there. Empty without one."))
    provider_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The job's page (the same as page_url).")
    preview_url = serializers.SerializerMethodField()
    queue = serializers.SerializerMethodField()

    class Meta(BaseJobSerializer.Meta):
        model = TextToImageJob
        fields = [*BaseJobSerializer.Meta.fields, "provider", "provider_label", "prompt", "negative_prompt",
                  "translated_prompt", "translated_negative_prompt", "source_language", "notice", "width", "height",
                  "samples", "seed", "steps", "images", "url", "preview_url", "queue", "sketch",
                  "negative_prompt_note"]
        read_only_fields = fields

    @staticmethod
    def _image(creation, seed):
        meta = creation.metadata or {}
        provider = str(meta.get("provider") or "")
        return {"creation_id": creation.pk, "image_url": creation.image_url,
                "download_url": reverse("text2image:download", args=[creation.pk]), "thumbnail_url": creation.thumbnail_url,
                "file_name": creation.file_name, "width": creation.width, "height": creation.height, "seed": seed,
                "steps": meta.get("steps") if isinstance(meta.get("steps"), int) else None,
                "provider": provider, "provider_label": provider_label(provider),
                "page_url": creation.get_absolute_url(), "edit_url": edit_url(creation)}

    def get_images(self, job) -> TextToImageResultSerializer(many=True):
        return TextToImageResultSerializer([self._image(c, seed) for c, seed in job.creations()], many=True).data

    @extend_schema_field(SketchReadingSerializer(allow_null=True))
    def get_sketch(self, job):
        reading = sketch_reading(job)
        return None if reading is None else {key: reading[key] for key in ("understood", "missing", "motifs",
                                                                           "removed")}

    def get_negative_prompt_note(self, job) -> str:
        return negative_prompt_note(job, sketch_reading(job))

    def get_provider_label(self, job) -> str:
        return provider_label(job.provider)

    def get_preview_url(self, job) -> str | None:
        """The latest preview frame while the provider draws (a new URL for each new frame); None otherwise."""
        count = (job.remote or {}).get("previews")
        if not count or job.is_final:
            return None
        return reverse("text2image-job-preview", args=[job.pk]) + f"?n={count}"

    def get_queue(self, job) -> dict | None:
        """What the provider calls the job: {prompt_id, number} for ComfyUI."""
        remote = job.remote or {}
        if not remote.get("prompt_id"):
            return None
        return {"prompt_id": remote["prompt_id"], "number": remote.get("number")}

    def get_url(self, job) -> str:
        return self.get_page_url(job)
