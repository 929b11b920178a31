"""Image uploads, shared by every feature.

PNG, JPEG, WebP, HEIC/HEIF and AVIF, recognised by their content; byte and pixel limits checked before the
image is decoded (from the file's header); truncated files refused; EXIF orientation applied; every piece of
metadata (EXIF with GPS, XMP, ICC, text chunks) dropped; animations reduced to their first frame (with a
note saying so); kept under random names as the bytes received without their metadata, or re-encoded where
that cannot be done (core.compact, `save_upload`). Every rejection is an
`UploadRejected` with a message a person understands (translated to Korean where the request asks).
"""
import io
import math
import struct
import uuid
import zlib
from dataclasses import dataclass, field

import numpy as np
import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from PIL import Image, ImageOps
from rest_framework import serializers

from . import parsers
from .compact import compact
from .framing import box_error

pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1", b"mif2"}
AVIF_BRANDS = {b"avif", b"avis"}
# The formats that work, named in every refusal; and the browser's `accept` list for file pickers.
FORMAT_NAMES = "PNG, JPEG, WebP, HEIC/HEIF, AVIF"
ACCEPT = "image/png,image/jpeg,image/webp,image/heic,image/heif,image/avif,.heic,.heif,.avif,.webp"
# Other formats people rename to .png: named in the error so they know what they sent.
OTHER_MAGIC = [
    (b"GIF8", "GIF"),
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
    """A decoded, oriented, RGB image ready to use, the format it came in, and notes for the person."""

    image: Image.Image
    format: str  # "PNG", "JPEG", "WEBP", "HEIF" or "AVIF"
    frames: int = 1
    notes: list = field(default_factory=list)  # e.g. "animated: the first frame is used" (translated lazily)
    source: bytes = b""  # the bytes received: what `save_upload` keeps, without their metadata (core.compact)

    @property
    def size(self):
        return self.image.size


def _megabytes(n):
    return f"{n / (1024 * 1024):.1f} MB"


def sniff_format(head):
    """The format from the first bytes (32 are enough), or None."""
    if head.startswith(PNG_MAGIC):
        return "PNG"
    if head.startswith(JPEG_MAGIC):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp":  # ISO base media file: the brands say which codec is inside
        major, box = head[8:12], struct.unpack(">I", head[:4])[0]
        compatible = {head[i:i + 4] for i in range(16, min(box, len(head)) - 3, 4)}
        if major in AVIF_BRANDS or (major in (b"mif1", b"msf1") and compatible & AVIF_BRANDS):
            return "AVIF"
        if major in HEIF_BRANDS or compatible & HEIF_BRANDS:
            return "HEIF"
    return None


def _to_rgb(image):
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything above 255 to white.
        array = np.asarray(image, dtype=np.uint32)
        peak = 65535 if image.mode.startswith("I;16") or array.max() > 255 else 255
        return Image.fromarray((array * 255 // peak).astype(np.uint8), "L").convert("RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _jpeg_is_truncated(data, width, height):
    """A Huffman-coded JPEG spends at least about a bit on every 8×8 block; a file whose compressed data is far
    shorter than that was cut off (libjpeg then silently paints the missing blocks grey)."""
    pos, arithmetic = 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return True
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            return True  # the end before any image data
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in (0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            arithmetic = True
        if marker == 0xDA:
            entropy_bytes = len(data) - (pos + 2 + length)
            blocks = math.ceil(width / 8) * math.ceil(height / 8)
            return not arithmetic and entropy_bytes < blocks / 16
        pos += 2 + length
    return True


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _png_is_truncated(data):
    """True when the image data ends before the last row (the zlib stream may close early and look whole)."""
    try:
        width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", data[16:29])
        row_bits = PNG_CHANNELS[colour] * depth
    except (struct.error, KeyError):
        return True
    passes = ADAM7 if interlace else ((0, 0, 1, 1),)
    expected = 0
    for x0, y0, dx, dy in passes:
        w, h = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if w > 0 and h > 0:
            expected += h * (1 + -(-(w * row_bits) // 8))
    decompressor, got, pos = zlib.decompressobj(), 0, 8
    while pos + 8 <= len(data) and got < expected:
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            chunk = data[pos + 8:pos + 8 + length]
            while chunk and got < expected:
                try:
                    got += len(decompressor.decompress(chunk, 1 << 20))
                except zlib.error:
                    return True
                chunk = decompressor.unconsumed_tail
        elif kind == b"IEND":
            break
        pos += 12 + length
    return got < expected


def _refuse_type(data):
    head = data[:64].lstrip()
    other = next((name for magic, name in OTHER_MAGIC if head.startswith(magic)), None)
    if other:
        return UploadRejected(
            _("This is a %(format)s file. Please upload an image in one of these formats: %(formats)s.")
            % {"format": other, "formats": FORMAT_NAMES},
            code="wrong_type",
        )
    return UploadRejected(
        _("This file is not an image this site can read. These formats work: %(formats)s.") % {"formats": FORMAT_NAMES},
        code="wrong_type",
    )


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
    fmt = sniff_format(data[:64])
    if fmt is None:
        raise _refuse_type(data)
    corrupt = UploadRejected(_("The image file is damaged or incomplete."), code="corrupt")
    try:
        # Reads the header only (HEIF: the container's boxes): the size is known before any pixel is decoded.
        image = Image.open(io.BytesIO(data), formats=[fmt])
        width, height = image.size
    except Image.DecompressionBombError:
        raise UploadRejected(
            _("The image has far too many pixels; the limit is %(limit).0f megapixels.") % {"limit": max_pixels / 1e6},
            code="too_many_pixels",
        ) from None
    except Exception:
        raise corrupt from None
    if width < 1 or height < 1:
        raise corrupt
    if width * height > max_pixels:
        raise UploadRejected(
            _("The image is %(width)d×%(height)d pixels (%(mp).1f megapixels); the limit is %(limit).0f megapixels.")
            % {"width": width, "height": height, "mp": width * height / 1e6, "limit": max_pixels / 1e6},
            code="too_many_pixels",
        )
    if (fmt == "JPEG" and _jpeg_is_truncated(data, width, height)) or (fmt == "PNG" and _png_is_truncated(data)):
        raise corrupt
    frames, notes = max(1, int(getattr(image, "n_frames", 1) or 1)), []
    if frames > 1:
        notes.append(_("This image holds %(n)d frames (an animation or a burst); the first one is used.")
                     % {"n": frames})
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = _to_rgb(image)
        rgb.info.clear()  # drop EXIF (GPS included), XMP, ICC and text chunks: nothing of the file travels on
        rgb.getexif().clear()
    except Exception:
        raise corrupt from None
    return CleanImage(image=rgb, format=fmt, frames=frames, notes=notes, source=data)


def image_size(path):
    """(width, height) of a trusted image file as shown upright (EXIF orientation), from its header only."""
    with Image.open(path) as image:
        width, height = image.size
        if image.getexif().get(0x0112) in (5, 6, 7, 8):
            return height, width
        return width, height


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
    return save_bytes(encode_image(image, fmt, pnginfo), folder, "jpg" if fmt == "JPEG" else "png")


def save_bytes(data, folder, extension):
    """Store `data` under a random name in the default storage; returns the storage name."""
    return default_storage.save(random_name(folder, extension), ContentFile(data))


INPUT_THUMBNAIL_SIZE = (240, 240)  # the queue tiles show them at this size (fairqueue.views.THUMB)
UPLOADS_FOLDER = "uploads"  # a path with this folder in it is a user's original: never served by /media/


@dataclass
class StoredUpload:
    name: str  # the kept original (core.compact)
    thumbnail: str  # a small JPEG made from it: what other people may be shown, never the original
    byte_size: int  # both together, for the storage quota


def upload_folders(folder):
    """(originals, thumbnails): where a feature's uploads are kept (under an `uploads` folder: never on /media/)."""
    return f"{folder}/{UPLOADS_FOLDER}", f"{folder}/{UPLOADS_FOLDER}/thumbnails"


def save_thumbnail(image, folder):
    """(storage name, bytes) of a small JPEG of an upload's decoded image, kept beside the feature's uploads."""
    scale = min(1, INPUT_THUMBNAIL_SIZE[0] / image.width, INPUT_THUMBNAIL_SIZE[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    data = encode_image(image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0), "JPEG")  # fast on 40 MP
    return save_bytes(data, upload_folders(folder)[1], "jpg"), len(data)


def save_upload(clean, folder):
    """Keep an accepted upload for feature `folder` (core.compact), with its thumbnail beside it."""
    data, extension = compact(clean)
    thumbnail, thumbnail_bytes = save_thumbnail(clean.image, folder)
    return StoredUpload(save_bytes(data, upload_folders(folder)[0], extension), thumbnail, len(data) + thumbnail_bytes)


def is_private_media(name):
    """True for stored originals (any path through an `uploads` folder): served through their owner's route only."""
    return UPLOADS_FOLDER in name.replace("\\", "/").split("/")[:-1]


class ImageUploadField(serializers.FileField):
    """DRF field: accepts an uploaded image (see FORMAT_NAMES) and returns a CleanImage."""

    def to_internal_value(self, data):
        if not hasattr(data, "read"):
            raise serializers.ValidationError(
                _("Please choose an image file (%(formats)s).") % {"formats": FORMAT_NAMES})
        try:
            return read_image(data)
        except UploadRejected as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, value):
        return None


CROP_MIN_SIDE = 32
CROP_KEYS = ("x", "y", "width", "height")


def crop_tuple(stored):
    """(x, y, width, height) of a stored crop box, or None: the object jobs store now, or the list older jobs
    stored (issue 24 made it an object both ways), so an old job still paints and remixes as it was."""
    if not stored:
        return None
    if isinstance(stored, dict):
        return tuple(int(stored[key]) for key in CROP_KEYS)
    return tuple(int(value) for value in stored)


def crop_object(stored):
    """{"x", "y", "width", "height"} of a stored crop box (object or older list), or None: what the API shows."""
    box = crop_tuple(stored)
    return dict(zip(CROP_KEYS, box)) if box else None


CROP_SCHEMA = {"type": "object", "required": list(CROP_KEYS),
               "properties": {k: {"type": "integer"} for k in CROP_KEYS}}


@extend_schema_field(CROP_SCHEMA)
class CropField(serializers.Field):
    """{"x", "y", "width", "height"} in the photo's pixels (after EXIF orientation); a JSON string in multipart.
    Returns [x, y, width, height] (whole pixels); check it against the picture with `crop_message`."""

    def fail_invalid(self):
        raise serializers.ValidationError(
            _('The crop box must be a JSON object {"x", "y", "width", "height"} in the photo\'s pixels.'))

    def to_internal_value(self, data):
        if isinstance(data, str):
            if not data.strip():
                return None
            try:
                data = parsers.loads(data)  # a ValueError, not a RecursionError, when nested too deep
            except ValueError:
                self.fail_invalid()
        if not isinstance(data, dict) or set(data) != set(CROP_KEYS):
            self.fail_invalid()
        box = []
        for key in CROP_KEYS:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                self.fail_invalid()
            box.append(int(round(value)))
        return box

    def to_representation(self, value):
        return crop_object(value)


def crop_message(box, size):
    """None when the box lies inside a picture of `size` (upright) with sides ≥ 32 px, else the words for the 400."""
    error = box_error(box, size, CROP_MIN_SIDE)
    if error == "small":
        return _("The crop box must be at least %(n)d pixels on each side.") % {"n": CROP_MIN_SIDE}
    if error == "outside":
        return _("The crop box must lie inside the photo, which is %(width)d×%(height)d pixels (upright).") % {
            "width": size[0], "height": size[1]}
    return None
