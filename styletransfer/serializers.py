"""API input validation and output shapes for style transfer (field names are a public contract)."""
import math
from pathlib import PurePath

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.uploads import ImageUploadField
from fairqueue.serializers import QUEUE_FIELDS, QueueFactsMixin

from . import samples
from .models import StyleTransferJob

CONTENT_ASPECT = "content"


def size_presets():
    from .engine import SIZE_PRESETS

    return SIZE_PRESETS


def presets():
    from .engine import PRESETS

    return PRESETS


class SampleSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    image_url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    credit = serializers.CharField()


class JobCreateSerializer(serializers.Serializer):
    content_image = ImageUploadField(required=False, help_text=_("The photo to paint (PNG or JPEG)."))
    content_sample = serializers.CharField(required=False, allow_blank=True, help_text=_("A content sample id."))
    style_image = ImageUploadField(required=False, help_text=_("The painting or texture (PNG or JPEG)."))
    style_sample = serializers.CharField(required=False, allow_blank=True, help_text=_("A style sample id."))
    preset = serializers.CharField(required=False, default="standard", help_text=_("preview, standard or high."))
    width = serializers.IntegerField(required=False, help_text=_("Output width in pixels (with height)."))
    height = serializers.IntegerField(required=False, help_text=_("Output height in pixels (with width)."))
    size_preset = serializers.CharField(
        required=False, allow_blank=True,
        help_text=_("desktop-1080p, desktop-1440p, phone, square, 4k, or content (the content's own aspect)."))
    style_strength = serializers.FloatField(required=False, default=1.0, help_text=_("0.1 to 5; 1 is balanced."))
    preserve_colors = serializers.BooleanField(required=False, default=False,
                                               help_text=_("Keep the content image's colours."))
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)

    def validate_preset(self, value):
        if value not in presets():
            raise serializers.ValidationError(
                _("Unknown quality preset “%(value)s”. Choose one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(presets())})
        return value

    def validate_style_strength(self, value):
        if not math.isfinite(value) or not 0.1 <= value <= 5:
            raise serializers.ValidationError(_("Style strength must be between 0.1 and 5."))
        return value

    def _side(self, attrs, side, errors):
        upload, sample_id = attrs.get(f"{side}_image"), (attrs.get(f"{side}_sample") or "").strip()
        if upload is not None and sample_id:
            errors[f"{side}_image"] = [
                _("Give one content image: an upload or a sample, not both.") if side == "content"
                else _("Give one style image: an upload or a sample, not both.")]
        elif upload is None and not sample_id:
            errors[f"{side}_image"] = [
                _("Choose a content image: upload a photo or pick a sample.") if side == "content"
                else _("Choose a style image: upload one or pick a sample.")]
        elif sample_id and samples.get(sample_id, side) is None:
            errors[f"{side}_sample"] = [
                _("There is no %(kind)s sample “%(id)s”.") % {"kind": side, "id": sample_id[:40]}]
        attrs[f"{side}_sample"] = sample_id

    def _size(self, attrs, errors):
        width, height, preset = attrs.get("width"), attrs.get("height"), (attrs.get("size_preset") or "").strip()
        low, high = settings.IMOGEN_STYLE_MIN_SIDE, settings.IMOGEN_STYLE_MAX_SIDE
        if (width is None) != (height is None):
            errors["width" if width is None else "height"] = [_("Give both width and height, or neither.")]
            return
        if width is not None:
            if preset:
                errors["size_preset"] = [_("Give either width and height or a size preset, not both.")]
                return
            for name, value in (("width", width), ("height", height)):
                if not low <= value <= high:
                    errors[name] = [_("The %(name)s must be between %(low)d and %(high)d pixels.")
                                    % {"name": name, "low": low, "high": high}]
            if not errors and width * height > settings.IMOGEN_STYLE_MAX_PIXELS:
                errors["width"] = [_("%(width)d×%(height)d is too large; the limit is %(mp).1f megapixels.")
                                   % {"width": width, "height": height,
                                      "mp": settings.IMOGEN_STYLE_MAX_PIXELS / 1e6}]
            attrs["size_preset"] = ""
            return
        preset = preset or "desktop-1080p"
        if preset == CONTENT_ASPECT:
            attrs.update(width=None, height=None, size=settings.IMOGEN_STYLE_CONTENT_LONG_SIDE)
        elif preset in size_presets():
            w, h = size_presets()[preset]
            if max(w, h) > high or w * h > settings.IMOGEN_STYLE_MAX_PIXELS:
                errors["size_preset"] = [_("The size “%(value)s” is larger than this server allows.")
                                         % {"value": preset}]
            attrs.update(width=w, height=h)
        else:
            errors["size_preset"] = [_("Unknown size “%(value)s”. Choose one of: %(choices)s.")
                                     % {"value": preset[:40], "choices": ", ".join([*size_presets(), CONTENT_ASPECT])}]
        attrs["size_preset"] = preset

    def validate(self, attrs):
        errors = {}
        self._side(attrs, "content", errors)
        self._side(attrs, "style", errors)
        self._size(attrs, errors)
        if errors:
            raise serializers.ValidationError(errors)
        if settings.IMOGEN_STYLE_MEMORY_BUDGET_MB:
            from .engine import TransferOptions, estimate_memory_bytes

            content = attrs.get("content_image")
            size = content.size if content else (16, 9)
            if attrs.get("content_sample"):
                size = (16, 9)
            opts = TransferOptions(width=attrs.get("width"), height=attrs.get("height"), size=attrs.get("size"),
                                   preset=attrs["preset"])
            if estimate_memory_bytes(opts, size) > settings.IMOGEN_STYLE_MEMORY_BUDGET_MB * 2**20:
                raise serializers.ValidationError({"size_preset": [
                    _("This size needs more memory than this server allows. "
                      "Choose a smaller size or a faster quality preset.")]})
        return attrs

    def options(self):
        data = self.validated_data
        return {
            "preset": data["preset"], "width": data.get("width"), "height": data.get("height"),
            "size": data.get("size"), "size_preset": data.get("size_preset", ""),
            "style_strength": data["style_strength"], "preserve_colors": data["preserve_colors"],
            "seed": data["seed"],
        }


class JobSerializer(QueueFactsMixin, serializers.ModelSerializer):
    preview_url = serializers.SerializerMethodField()
    result_url = serializers.SerializerMethodField()
    creation_id = serializers.UUIDField(source="result_id", read_only=True, allow_null=True)
    content_sample = serializers.CharField(read_only=True)
    style_sample = serializers.CharField(read_only=True)
    page_url = serializers.SerializerMethodField()
    download_name = serializers.SerializerMethodField()

    class Meta:
        model = StyleTransferJob
        fields = ["id", "status", "progress", "stage", *QUEUE_FIELDS, "preview_url", "result_url", "creation_id",
                  "error", "created_at", "started_at", "finished_at", "options", "content_sample", "style_sample",
                  "page_url", "download_name"]
        read_only_fields = fields

    def get_preview_url(self, job) -> str | None:
        """The owner-only preview route; `?v=` changes with each new preview (the page swaps it in then)."""
        if not job.preview:
            return None
        return f"{reverse('styletransfer:preview', args=[job.pk])}?v={PurePath(job.preview.name).stem}"

    def get_result_url(self, job) -> str | None:
        return job.result.image_url if job.result_id and job.result else None

    def get_page_url(self, job) -> str:
        return reverse("styletransfer:job", args=[job.pk])

    def get_download_name(self, job) -> str | None:
        return job.result.file_name if job.result_id and job.result else None
