"""Every upload rejection is a 400 with a field error a person understands; good images come out clean."""
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import UploadRejected, read_image
from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db
URL = "/api/uploads/inspect/"


def post(client, data, name="photo.png", content_type="image/png", language="en"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, {"image": upload}, HTTP_ACCEPT_LANGUAGE=language)


def test_png_and_jpeg_are_accepted(client):
    for fmt in ("PNG", "JPEG"):
        response = post(client, image_bytes(fmt, size=(80, 60)))
        assert response.status_code == 200, response.content
        assert response.json() == {"width": 80, "height": 60, "format": fmt, "frames": 1, "notes": []}


@pytest.mark.parametrize("fmt,label", [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_other_formats_renamed_png_are_rejected_by_content(client, fmt, label):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, fmt)
    response = post(client, buffer.getvalue(), name="looks-fine.png", content_type="image/png")
    assert response.status_code == 400
    message = response.json()["image"][0]
    assert label in message and "PNG, JPEG, WebP, HEIC/HEIF, AVIF" in message


def test_svg_renamed_jpg_is_rejected(client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    response = post(client, svg, name="x.jpg", content_type="image/jpeg")
    assert response.status_code == 400
    assert "SVG" in response.json()["image"][0]


def test_text_file_renamed_png_is_rejected(client):
    response = post(client, b"hello, this is not an image at all", name="x.png")
    assert response.status_code == 400
    assert response.json()["image"] == [
        "This file is not an image this site can read. These formats work: PNG, JPEG, WebP, HEIC/HEIF, AVIF."]


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_truncated_file_is_rejected(client, fmt):
    data = image_bytes(fmt, size=(200, 200))
    response = post(client, data[: len(data) // 2])
    assert response.status_code == 400
    assert "damaged or incomplete" in response.json()["image"][0]


def test_oversize_bytes_are_rejected_before_decoding(client, settings):
    settings.IMOGEN_UPLOAD_MAX_BYTES = 1000
    noise = Image.frombytes("RGB", (100, 100), os.urandom(100 * 100 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    response = post(client, buffer.getvalue())
    assert response.status_code == 400
    assert "too large" in response.json()["image"][0]


def test_oversize_pixels_are_rejected_from_the_header(client, settings):
    settings.IMOGEN_UPLOAD_MAX_PIXELS = 100 * 100
    response = post(client, image_bytes("PNG", size=(200, 100)))
    assert response.status_code == 400
    message = response.json()["image"][0]
    assert "200×100" in message and "megapixels" in message


def test_declared_huge_dimensions_are_rejected_without_allocating(client):
    # A 1×1 PNG whose header claims 50000×50000: must be refused from the header alone.
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    response = post(client, bytes(data))
    assert response.status_code == 400
    assert "megapixels" in response.json()["image"][0]


def test_rejection_is_in_korean_when_asked(client):
    response = post(client, b"not an image", language="ko")
    assert response.status_code == 400
    assert response.json()["image"] == [
        "이 사이트에서 읽을 수 있는 이미지가 아닙니다. 되는 형식: PNG, JPEG, WebP, HEIC/HEIF, AVIF."]


def test_missing_file_is_a_field_error(client):
    response = client.post(URL, {})
    assert response.status_code == 400
    assert "image" in response.json()


def test_exif_orientation_is_applied_and_metadata_dropped():
    image = Image.new("RGB", (40, 20), "blue")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise on display
    exif[0x010F] = "SecretCam"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    clean = read_image(buffer.getvalue())
    assert clean.image.size == (20, 40)
    assert not clean.image.getexif()


@pytest.mark.parametrize("mode", ["CMYK", "LA", "RGBA", "P", "I;16"])
def test_unusual_modes_become_rgb(mode):
    fmt = "JPEG" if mode == "CMYK" else "PNG"
    image = Image.new(mode, (16, 16))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    clean = read_image(buffer.getvalue())
    assert clean.image.mode == "RGB" and clean.image.size == (16, 16)


def test_sixteen_bit_grey_keeps_its_tones():
    image = Image.new("I;16", (4, 1))
    image.putdata([0, 16384, 32768, 65535])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    rgb = read_image(buffer.getvalue()).image
    assert [rgb.getpixel((x, 0))[0] for x in range(4)] == [0, 63, 127, 255]


def test_empty_file_is_rejected():
    with pytest.raises(UploadRejected, match="empty"):
        read_image(b"")
