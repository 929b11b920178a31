"""Image uploads, shared by every feature.

PNG and JPEG only, recognised by their content; byte and pixel limits checked before the image is
decoded; EXIF orientation applied; metadata dropped; stored under random names. Every rejection is an
`UploadRejected` with a message a person understands (translated to Korean where the request asks).
"""
import io
import uuid
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps
from rest_framework import serializers

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# Other formats people rename to .png: named in the error so they know what they sent.
OTHER_MAGIC = [
    (b"GIF8", "GIF"),
    (b"RIFF", "WEBP"),
    (b"<svg", "SVG"),
    (b"<?xml", "SVG/XML"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
]


class UploadRejected(ValidationError):
    pass


@dataclass
class CleanImage:
    """A decoded, oriented, RGB image ready to use, and the format it came in."""

    image: Image.Image
    format: str  # "PNG" or "JPEG"

    @property
    def size(self):
        return self.image.size


def _megabytes(n):
    return f"{n / (1024 * 1024):.1f} MB"


def sniff_format(head):
    if head.startswith(PNG_MAGIC):
        return "PNG"
    if head.startswith(JPEG_MAGIC):
        return "JPEG"
    return None


def _to_rgb(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        array = np.asarray(image, dtype=np.uint32)
        peak = 65535 if image.mode.startswith("I;16") or array.max() > 255 else 255
        return Image.fromarray((array * 255 // peak).astype(np.uint8), "L").convert("RGB")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def read_image(data, max_bytes=None, max_pixels=None):
    """Validate and decode image bytes (or a file object). Raises UploadRejected."""
    max_bytes = max_bytes or settings.IMOGEN_UPLOAD_MAX_BYTES
    max_pixels = max_pixels or settings.IMOGEN_UPLOAD_MAX_PIXELS
    if hasattr(data, "read"):
        if getattr(data, "size", None) and data.size > max_bytes:
            raise UploadRejected(
                _("The file is too large (%(size)s). The limit is %(limit)s.")
                % {"size": _megabytes(data.size), "limit": _megabytes(max_bytes)},
                code="too_large",
            )
        data.seek(0)
        data = data.read(max_bytes + 1)
    if not data:
        raise UploadRejected(_("The file is empty."), code="empty")
    if len(data) > max_bytes:
        raise UploadRejected(
            _("The file is too large (more than %(limit)s).") % {"limit": _megabytes(max_bytes)},
            code="too_large",
        )
    fmt = sniff_format(data[:16])
    if fmt is None:
        head = data[:64].lstrip()
        other = next((name for magic, name in OTHER_MAGIC if head.startswith(magic)), None)
        if other:
            raise UploadRejected(
                _("This is a %(format)s file. Please upload a PNG or JPEG image.") % {"format": other},
                code="wrong_type",
            )
        raise UploadRejected(_("This file is not a PNG or JPEG image."), code="wrong_type")
    try:
        image = Image.open(io.BytesIO(data), formats=[fmt])
        width, height = image.size
    except Image.DecompressionBombError:
        raise UploadRejected(
            _("The image has far too many pixels; the limit is %(limit).0f megapixels.") % {"limit": max_pixels / 1e6},
            code="too_many_pixels",
        ) from None
    except Exception:
        raise UploadRejected(_("The image file is damaged or incomplete."), code="corrupt") from None
    if width < 1 or height < 1:
        raise UploadRejected(_("The image file is damaged or incomplete."), code="corrupt")
    if width * height > max_pixels:
        raise UploadRejected(
            _("The image is %(width)d×%(height)d pixels (%(mp).1f megapixels); the limit is %(limit).0f megapixels.")
            % {"width": width, "height": height, "mp": width * height / 1e6, "limit": max_pixels / 1e6},
            code="too_many_pixels",
        )
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = _to_rgb(image)
        rgb.info.clear()  # drop EXIF, ICC and text chunks: nothing of the original file travels on
        rgb.getexif().clear()
    except Exception:
        raise UploadRejected(_("The image file is damaged or incomplete."), code="corrupt") from None
    return CleanImage(image=rgb, format=fmt)


def encode_image(image, fmt="PNG", pnginfo=None):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=92, optimize=True)
    else:
        image.save(buffer, "PNG", pnginfo=pnginfo)
    return buffer.getvalue()


def random_name(folder, extension):
    """A storage path no user chose: folder/yyyy/mm/<uuid>.<ext>."""
    now = timezone.now()
    return f"{folder}/{now:%Y/%m}/{uuid.uuid4().hex}.{extension.lower().lstrip('.')}"


def save_image(image, folder, fmt="PNG", pnginfo=None):
    """Store a PIL image under a random name in the default storage; returns the storage name."""
    extension = "jpg" if fmt == "JPEG" else "png"
    return default_storage.save(random_name(folder, extension), ContentFile(encode_image(image, fmt, pnginfo)))


class ImageUploadField(serializers.FileField):
    """DRF field: accepts an uploaded PNG/JPEG and returns a CleanImage."""

    def to_internal_value(self, data):
        if not hasattr(data, "read"):
            raise serializers.ValidationError(_("Please choose an image file (PNG or JPEG)."))
        try:
            return read_image(data)
        except UploadRejected as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value):
        return None
