import math

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.uploads import CropField, ImageUploadField, UploadRejected, read_image
from gallery.models import Creation

from .filters import FILTERS


def _fmt(value):
    return f"{value:g}"


class FilterValueField(serializers.FloatField):
    """One filter amount; anything outside FILTERS[name]'s range is refused with the range in the message."""

    def __init__(self, name, **kwargs):
        self.filter_name = name
        spec = FILTERS[name]
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", spec["min"])  # also documents the range in the OpenAPI schema
        kwargs.setdefault("max_value", spec["max"])
        kwargs.setdefault("default", spec["default"])
        kwargs.setdefault("help_text", f"{spec['css']}() amount, {_fmt(spec['min'])}–{_fmt(spec['max'])}"
                                       f"{' ' + spec['unit'] if spec['unit'] else ''}, default {_fmt(spec['default'])}.")
        super().__init__(**kwargs)

    def range_message(self):
        spec = FILTERS[self.filter_name]
        unit = {"deg": _("degrees"), "px": _("pixels")}.get(spec["unit"], "")
        return _("%(name)s must be a number from %(min)s to %(max)s%(unit)s (%(default)s leaves the image unchanged).") % {
            "name": self.filter_name, "min": _fmt(spec["min"]), "max": _fmt(spec["max"]),
            "unit": f" {unit}" if unit else "", "default": _fmt(spec["default"]),
        }

    def to_internal_value(self, data):
        try:
            value = float(str(data).strip())
        except (TypeError, ValueError):
            raise serializers.ValidationError(self.range_message()) from None
        spec = FILTERS[self.filter_name]
        if math.isnan(value) or not spec["min"] <= value <= spec["max"]:
            raise serializers.ValidationError(self.range_message())
        return value


def max_pixels():
    return settings.IMOGEN_EDITOR_MAX_PIXELS


def too_large_words(width, height):
    return gettext("The image is %(width)d×%(height)d pixels; the server renders edits of up to %(limit).0f "
                   "megapixels. Use Download on the editor page instead, or make the image smaller.") % {
        "width": width, "height": height, "limit": max_pixels() / 1e6}


class EditorImageField(ImageUploadField):
    """An upload for a server render: refused above IMOGEN_EDITOR_MAX_PIXELS from its header, before decoding."""

    def to_internal_value(self, data):
        if not hasattr(data, "read"):
            return super().to_internal_value(data)
        try:
            return read_image(data, max_pixels=max_pixels())
        except UploadRejected as exc:
            if getattr(exc, "code", "") == "too_many_pixels":
                raise serializers.ValidationError(
                    [" ".join([*exc.messages, gettext("Use Download on the editor page instead, or make the image "
                                                      "smaller.")])]) from None
            raise serializers.ValidationError(exc.messages) from None


class EditorRenderSerializer(serializers.Serializer):
    image = EditorImageField(required=False, help_text=_("A PNG or JPEG image to edit (or give `creation`)."))
    creation = serializers.UUIDField(required=False, help_text=_("The id of a creation to edit (or give `image`)."))
    format = serializers.RegexField(
        r"^(png|jpeg)$", required=False,
        help_text=_("Output format, png or jpeg; by default JPEG for JPEG sources and PNG otherwise."),
        error_messages={"invalid": _("The format must be png or jpeg.")},
    )
    width = serializers.IntegerField(required=False, min_value=32, max_value=8192, help_text=_(
        "Output width in pixels (with height): the picture is cut to that shape (`crop`, or the centre) and resized."))
    height = serializers.IntegerField(required=False, min_value=32, max_value=8192,
                                      help_text=_("Output height in pixels (with width)."))
    crop = CropField(required=False, allow_null=True, help_text=_(
        'The part of the picture to keep: {"x", "y", "width", "height"} in its pixels (a JSON string in '
        "multipart), at least 32 px a side."))

    def get_fields(self):
        fields = super().get_fields()
        for name in FILTERS:
            fields[name] = FilterValueField(name)
        return fields

    def validate(self, attrs):
        has_image, has_creation = attrs.get("image") is not None, attrs.get("creation") is not None
        if has_image == has_creation:
            raise serializers.ValidationError(
                {"image": [_("Send either an image file or the id of one of your creations, not both.")
                           if has_image else _("Send an image file or the id of a creation to edit.")]}
            )
        if (attrs.get("width") is None) != (attrs.get("height") is None):
            raise serializers.ValidationError({"width": [_("Give both width and height, or neither.")]})
        if attrs.get("width") and attrs["width"] * attrs["height"] > max_pixels():
            raise serializers.ValidationError({"width": [too_large_words(attrs["width"], attrs["height"])]})
        return attrs


class EditorCreationSerializer(serializers.ModelSerializer):
    image_url = serializers.CharField(read_only=True)
    thumbnail_url = serializers.CharField(read_only=True)
    file_name = serializers.CharField(read_only=True)
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    editor_url = serializers.SerializerMethodField()

    class Meta:
        model = Creation
        fields = ["id", "kind", "image_url", "thumbnail_url", "file_name", "width", "height", "byte_size",
                  "page_url", "editor_url", "metadata", "created_at"]
        read_only_fields = fields

    def get_editor_url(self, obj) -> str:
        return f"{reverse('editor:index')}?creation={obj.pk}"
