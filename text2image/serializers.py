from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.serializers import BaseJobSerializer

from .models import TextToImageJob
from .providers import PROVIDERS, active_provider
from .tasks import MAX_SEED
from .translation import get_translator, guess_language, needs_english_message


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


class TextToImageJobSerializer(BaseJobSerializer):
    images = serializers.SerializerMethodField()
    provider_label = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The job's page (the same as page_url).")

    class Meta(BaseJobSerializer.Meta):
        model = TextToImageJob
        fields = [*BaseJobSerializer.Meta.fields, "provider", "provider_label", "prompt", "negative_prompt",
                  "translated_prompt", "translated_negative_prompt", "source_language", "notice", "width", "height",
                  "samples", "seed", "images", "url"]
        read_only_fields = fields

    @staticmethod
    def _image(creation, seed):
        return {"creation_id": creation.pk, "image_url": creation.image_url,
                "download_url": reverse("text2image:download", args=[creation.pk]), "thumbnail_url": creation.thumbnail_url,
                "file_name": creation.file_name, "width": creation.width, "height": creation.height, "seed": seed}

    def get_images(self, job) -> TextToImageResultSerializer(many=True):
        return TextToImageResultSerializer([self._image(c, seed) for c, seed in job.creations()], many=True).data

    def get_provider_label(self, job) -> str:
        cls = PROVIDERS.get(job.provider)
        return str(cls.label) if cls else job.provider

    def get_url(self, job) -> str:
        return self.get_page_url(job)
