"""API input validation and output shapes for style transfer (field names are a public contract)."""
import math
from dataclasses import replace
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.framing import long_side_size
from core.serializers import BaseJobSerializer
from core.sizes import WALLPAPER_SIZES
from core.uploads import CropField, ImageUploadField, crop_message, crop_object, image_size
from gallery.sharing import edit_url

from . import samples
from .engine.images import STYLE_STRENGTH_MAX, STYLE_STRENGTH_MIN
from .models import StyleTransferJob
from .remix import remixable

CONTENT_ASPECT = "content"


def size_presets():
    """{key: (width, height)}: the site's one list of wallpaper sizes (core.sizes)."""
    return {size.key: (size.width, size.height) for size in WALLPAPER_SIZES}


def presets():
    from .engine import PRESETS  # from the torch-free engine.plan, loaded when first asked

    return PRESETS


class SampleSerializer(serializers.Serializer):
    id = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    image_url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    credit = serializers.CharField()


def _gb(n):
    return f"{n / 2**30:.1f}"


def memory_refusal(attrs, content_size, budget):
    """None if the request fits the memory budget, else words saying what it needs and which quality or size fits.

    Asked for at submit time, from the engine's own estimate (the worker checks the same budget again)."""
    from .engine.plan import TransferOptions, estimate_memory_bytes, output_size  # torch-free; loaded when asked

    opts = TransferOptions(width=attrs.get("width"), height=attrs.get("height"), size=attrs.get("size"),
                           preset=attrs["preset"])
    needed = estimate_memory_bytes(opts, content_size)
    if needed <= budget:
        return None
    width, height = output_size(opts, content_size)
    fitting_presets = [name for name in presets() if estimate_memory_bytes(replace(opts, preset=name),
                                                                           content_size) <= budget]
    # "or smaller" must hold: the largest size below which every size fits (tiled sizes above 1920×1080 can
    # need less memory than 1920×1080 itself, which runs in one piece).
    fitting_sizes = []
    for pixels, name, w, h in sorted((w * h, name, w, h) for name, (w, h) in size_presets().items()):
        if estimate_memory_bytes(TransferOptions(width=w, height=h, preset=opts.preset)) > budget:
            break
        fitting_sizes.insert(0, (pixels, name, w, h))
    words = _("%(width)d×%(height)d at “%(preset)s” quality needs about %(needed)s GB of memory; this server allows "
              "%(budget)s GB.") % {"width": width, "height": height, "preset": opts.preset, "needed": _gb(needed),
                                   "budget": _gb(budget)}
    if fitting_presets:
        words += " " + _("At this size, choose the “%(presets)s” quality.") % {
            "presets": "”, “".join(fitting_presets)}
    if fitting_sizes:
        _pixels, name, w, h = fitting_sizes[0]
        words += " " + _("At “%(preset)s” quality, choose the size “%(size)s” (%(width)d×%(height)d) or smaller.") % {
            "preset": opts.preset, "size": name, "width": w, "height": h}
    if not fitting_presets and not fitting_sizes:
        words += " " + _("Choose a smaller size and a faster quality preset.")
    return words


FITS = ("cover", "blur", "colors")
STRENGTH_RANGE = format_lazy(_("Style strength must be between {low} and {high}."), low=STYLE_STRENGTH_MIN,
                             high=STYLE_STRENGTH_MAX)


class JobCreateSerializer(serializers.Serializer):
    content_image = ImageUploadField(required=False, help_text=_("The photo to paint (PNG, JPEG, WebP, HEIC or AVIF)."))
    content_sample = serializers.CharField(required=False, allow_blank=True, help_text=_("A content sample id."))
    style_image = ImageUploadField(required=False, help_text=_("The painting or texture (PNG, JPEG, WebP, HEIC or AVIF)."))
    style_sample = serializers.CharField(required=False, allow_blank=True, help_text=_("A style sample id."))
    content_from = serializers.UUIDField(
        required=False, allow_null=True,
        help_text=_("Remix: a creation id whose uploaded photo is reused as it was (the owner's, or a board post "
                    "that shows its settings)."))
    style_from = serializers.UUIDField(
        required=False, allow_null=True, help_text=_("Remix: a creation id whose uploaded style image is reused."))
    preset = serializers.CharField(required=False, default="standard", help_text=_("instant, preview, standard or high."))
    width = serializers.IntegerField(required=False, help_text=_("Output width in pixels (with height)."))
    height = serializers.IntegerField(required=False, help_text=_("Output height in pixels (with width)."))
    size_preset = serializers.CharField(
        required=False, allow_blank=True,
        help_text=_("desktop-1080p, desktop-1440p, phone, iphone, phone-16x9, tablet, square, 4k, or content "
                    "(the content's own aspect)."))
    style_strength = serializers.FloatField(  # the bounds also reach the schema and the page's slider
        required=False, default=1.0, min_value=STYLE_STRENGTH_MIN, max_value=STYLE_STRENGTH_MAX,
        error_messages={"min_value": STRENGTH_RANGE, "max_value": STRENGTH_RANGE},
        help_text=format_lazy(_("{low} to {high}; 1 is balanced."), low=STYLE_STRENGTH_MIN, high=STYLE_STRENGTH_MAX))
    preserve_colors = serializers.BooleanField(required=False, default=False,
                                               help_text=_("Keep the content image's colours."))
    seed = serializers.IntegerField(required=False, default=0, min_value=0, max_value=2**31 - 1)
    crop = CropField(required=False, allow_null=True, help_text=_(
        'The part of the photo to use instead of the centre: {"x", "y", "width", "height"} in the photo\'s pixels '
        "after EXIF orientation (a JSON string in multipart), at least 32 px a side."))
    fit = serializers.ChoiceField(FITS, required=False, default="cover", help_text=_(
        "cover: fill the wallpaper (centre crop or `crop`); blur or colors: the whole photo, the rest filled with "
        "a blurred copy or with the photo's colours."))

    def validate_preset(self, value):
        if value not in presets():
            raise serializers.ValidationError(
                _("Unknown quality preset “%(value)s”. Choose one of: %(choices)s.")
                % {"value": value, "choices": ", ".join(presets())})
        return value

    def validate_style_strength(self, value):
        if not math.isfinite(value) or not STYLE_STRENGTH_MIN <= value <= STYLE_STRENGTH_MAX:
            raise serializers.ValidationError(STRENGTH_RANGE)
        return value

    def _side(self, attrs, side, errors):
        upload, sample_id = attrs.get(f"{side}_image"), (attrs.get(f"{side}_sample") or "").strip()
        source = attrs.pop(f"{side}_from", None)
        if source is not None and upload is None and not sample_id:

            request = self.context.get("request")
            _creation, job = remixable(request, source) if request is not None else (None, None)
            if job is None or not getattr(job, f"{side}_image") or not getattr(job, f"{side}_image").name:
                errors[f"{side}_from"] = [_("That picture cannot be remixed: it is not yours, its owner does not "
                                            "share its settings, or its images are gone.")]
            else:
                attrs[f"{side}_source_job"] = job
            attrs[f"{side}_sample"] = ""
            return
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

    def content_size(self, attrs):
        """The content's (width, height) after EXIF orientation: the upload's, the sample file's, or the remixed
        job's stored photo (read from its header)."""
        if attrs.get("content_image") is not None:
            return attrs["content_image"].size
        source = attrs.get("content_source_job")
        if source is not None:
            try:
                with default_storage.open(source.content_image.name, "rb") as handle:
                    return image_size(handle)
            except (OSError, ValueError):  # gone or unreadable: copying it fails with words in the view
                return None
        sample = samples.get(attrs.get("content_sample"), "content")
        return image_size(sample.path) if sample else None

    def _crop(self, attrs, errors):
        box = attrs.get("crop")
        if not box:
            attrs["crop"] = None
            return
        if attrs.get("fit", "cover") != "cover":
            errors["crop"] = [_("A crop box goes with fit=cover only: the other fits show the whole photo.")]
            return
        size = self.content_size(attrs)
        if size is None:
            return
        message = crop_message(box, size)
        if message:
            errors["crop"] = [message]

    def _own_shape(self, attrs, errors):
        """With the content's own shape (`size_preset=content`), a photo or crop box narrower than about 60:1 would
        make a wallpaper with a side under the minimum: refused here with words, not by the engine in the job."""
        if attrs.get("width") is not None or not attrs.get("size"):
            return
        shape = tuple(attrs["crop"][2:]) if attrs.get("crop") else self.content_size(attrs)
        if shape is None:
            return
        width, height = long_side_size(shape, attrs["size"])
        low = settings.IMOGEN_STYLE_MIN_SIDE
        if min(width, height) >= low:
            return
        values = {"width": shape[0], "height": shape[1], "out_width": width, "out_height": height, "low": low}
        errors["size_preset"] = [
            _("The crop box is %(width)d×%(height)d pixels: kept in that shape, the wallpaper would be "
              "%(out_width)d×%(out_height)d, and each side must be at least %(low)d pixels. Choose a wallpaper "
              "size, or a less narrow crop box.") % values if attrs.get("crop") else
            _("The photo is %(width)d×%(height)d pixels: kept in that shape, the wallpaper would be "
              "%(out_width)d×%(out_height)d, and each side must be at least %(low)d pixels. Choose a wallpaper "
              "size instead of the photo's own shape.") % values]

    def validate(self, attrs):
        errors = {}
        self._side(attrs, "content", errors)
        self._side(attrs, "style", errors)
        self._size(attrs, errors)
        if not errors:
            self._crop(attrs, errors)
        if not errors:
            self._own_shape(attrs, errors)
        if errors:
            raise serializers.ValidationError(errors)
        self.check_memory(attrs)
        return attrs

    def check_memory(self, attrs):
        if settings.IMOGEN_STYLE_MEMORY_BUDGET_MB:
            # The box was checked against the photo above, so the estimate is of what the job will paint.
            size = tuple(attrs["crop"][2:]) if attrs.get("crop") else self.content_size(attrs) or (16, 9)
            refusal = memory_refusal(attrs, size, settings.IMOGEN_STYLE_MEMORY_BUDGET_MB * 2**20)
            if refusal:
                raise serializers.ValidationError({"size_preset": [refusal]})

    def options(self):
        data = self.validated_data
        return {
            "preset": data["preset"], "width": data.get("width"), "height": data.get("height"),
            "size": data.get("size"), "size_preset": data.get("size_preset", ""),
            "style_strength": data["style_strength"], "preserve_colors": data["preserve_colors"],
            # Stored as the object it came in as, so the job's answer, the picture's metadata and a remix agree.
            "seed": data["seed"], "crop": crop_object(data.get("crop")), "fit": data.get("fit", "cover"),
        }


class StyleOptionsSerializer(serializers.Serializer):
    """The job's settings as the submit chose them (documents `options` in the schema)."""
    preset = serializers.CharField()
    width = serializers.IntegerField(allow_null=True, help_text="Output width; null with size_preset=content.")
    height = serializers.IntegerField(allow_null=True)
    size = serializers.IntegerField(allow_null=True, help_text="Long side with size_preset=content, else null.")
    size_preset = serializers.CharField(allow_blank=True)
    style_strength = serializers.FloatField()
    preserve_colors = serializers.BooleanField()
    seed = serializers.IntegerField()
    crop = CropField(allow_null=True, help_text='The crop box as it was sent: {"x", "y", "width", "height"}, or null.')
    fit = serializers.ChoiceField(FITS)


class JobSerializer(BaseJobSerializer):
    preview_url = serializers.SerializerMethodField()
    result_url = serializers.SerializerMethodField()
    creation_id = serializers.UUIDField(source="result_id", read_only=True, allow_null=True)
    content_sample = serializers.CharField(read_only=True)
    style_sample = serializers.CharField(read_only=True)
    download_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    creation_url = serializers.SerializerMethodField(help_text="The result's page (the share link).")
    edit_url = serializers.SerializerMethodField(help_text="The editor, opened on the result.")
    notes = serializers.SerializerMethodField()
    options = serializers.SerializerMethodField()

    class Meta(BaseJobSerializer.Meta):
        model = StyleTransferJob
        fields = [*BaseJobSerializer.Meta.fields, "preview_url", "result_url", "creation_id", "options",
                  "content_sample", "style_sample", "download_name", "download_url", "creation_url", "edit_url",
                  "notes"]
        read_only_fields = fields

    def get_preview_url(self, job) -> str | None:
        """The owner-only preview route; `?v=` changes with each new preview (the page swaps it in then)."""
        if not job.preview:
            return None
        return f"{reverse('styletransfer:preview', args=[job.pk])}?v={PurePath(job.preview.name).stem}"

    @extend_schema_field(StyleOptionsSerializer)
    def get_options(self, job):
        """The stored options, `crop` as the object the submit took (jobs before issue 24 stored a list)."""
        options = dict(job.options or {})
        if "crop" in options:
            options["crop"] = crop_object(options["crop"])
        return options

    def get_result_url(self, job) -> str | None:
        return job.result.image_url if job.result_id and job.result else None

    def get_notes(self, job) -> list[str]:
        """Only in the answer to a submit: what was changed in the uploads (e.g. first frame of an animation)."""
        return getattr(job, "upload_notes", [])

    def get_download_name(self, job) -> str | None:
        return job.result.file_name if job.result_id and job.result else None

    def get_download_url(self, job) -> str | None:
        return reverse("styletransfer:download", args=[job.pk]) if job.result_id else None

    def get_creation_url(self, job) -> str | None:
        return job.result.get_absolute_url() if job.result_id and job.result else None

    def get_edit_url(self, job) -> str | None:
        return edit_url(job.result) if job.result_id and job.result else None


class PreviewSerializer(JobCreateSerializer):
    """A job's fields without those that only change how long the job paints (quality, seed): the live preview
    paints the feed-forward picture every quality starts from."""

    preset = None
    seed = None

    def check_memory(self, attrs):
        """The preview paints a few hundred pixels, whatever the wallpaper's size."""
