"""Hostile and odd uploads: each is processed correctly or answered 400 — never a 500, never a hang."""
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import image_bytes

pytestmark = pytest.mark.django_db
URL = "/api/uploads/inspect/"


def post(client, data, name="x.png"):
    return client.post(URL, {"image": SimpleUploadedFile(name, data, content_type="image/png")})


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def bomb_png(width, height):
    """A tiny file that decompresses to width×height pixels of zeros (a decompression bomb)."""
    raw = zlib.compress(b"\x00" * ((width + 1) * min(height, 64)), 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b"")


def encoded(image, fmt, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def animated_png():
    frames = [Image.new("RGB", (20, 20), color) for color in ("red", "green", "blue")]
    return encoded(frames[0], "PNG", save_all=True, append_images=frames[1:])


CASES = {
    "decompression bomb 30000x30000": (bomb_png(30000, 30000), 400),
    "bomb just over the pixel limit": (bomb_png(8000, 6000), 400),
    "short image data (the zlib stream ends after 64 of 500 rows)": (bomb_png(500, 500), 400),
    "cmyk jpeg": (encoded(Image.new("CMYK", (30, 20), (0, 255, 0, 0)), "JPEG"), 200),
    "16-bit png": (encoded(Image.new("I;16", (30, 20), 40000), "PNG"), 200),
    "palette png with transparency": (encoded(Image.new("P", (30, 20)), "PNG", transparency=0), 200),
    "rgba png": (encoded(Image.new("RGBA", (30, 20), (0, 0, 0, 0)), "PNG"), 200),
    "animated png": (animated_png(), 200),
    "png followed by a zip (polyglot)": (image_bytes("PNG") + b"PK\x03\x04" + b"\x00" * 100, 200),
    "html with png magic": (b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", 400),
    "jpeg magic then garbage": (b"\xff\xd8\xff\xe0" + b"\x00" * 300, 400),
    "gif renamed": (encoded(Image.new("P", (10, 10)), "GIF"), 400),
    "zero-byte": (b"", 400),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_upload_is_handled(client, name):
    data, expected = CASES[name]
    response = post(client, data)
    assert response.status_code == expected, (name, response.content[:300])
    if expected == 400:
        assert response.json()["image"][0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2048), keep=st.integers(min_value=0, max_value=400), fmt=st.sampled_from(["PNG", "JPEG"]))
def test_fuzzed_and_truncated_uploads_never_crash(client, data, keep, fmt):
    valid = image_bytes(fmt, size=(24, 16))
    for candidate in (data, valid[:keep] + data, valid[:keep]):
        response = post(client, candidate)
        assert response.status_code in (200, 400), response.content[:300]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(min_value=8, max_value=200), byte=st.integers(min_value=0, max_value=255))
def test_corrupted_bytes_inside_a_valid_image_never_crash(client, position, byte):
    valid = bytearray(image_bytes("PNG", size=(24, 16)))
    valid[position % len(valid)] = byte
    response = post(client, bytes(valid))
    assert response.status_code in (200, 400)
