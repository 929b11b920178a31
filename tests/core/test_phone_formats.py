"""Phone photos: HEIC/HEIF, WebP and AVIF come in (recognised by content, limits checked before decoding,
orientation applied, metadata including GPS dropped, animations reduced to the first frame with a note);
truncated files of every format are refused with words."""
import base64
import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import read_image

pytestmark = pytest.mark.django_db
URL = "/api/uploads/inspect/"
GPS_IFD = 0x8825


def post(client, data, name="photo.heic", content_type="image/heic", language="en"):
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(URL, {"image": upload}, HTTP_ACCEPT_LANGUAGE=language)


def left_white_right_black(size=(64, 32)):
    image = Image.new("RGB", size, (0, 0, 0))
    image.paste((255, 255, 255), (0, 0, size[0] // 2, size[1]))
    return image


def exif_with_gps(orientation=1):
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneCam"
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 58.0, 40.0)}
    return exif


def encoded(image, fmt, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def heic(image=None, **kwargs):
    """A real HEIC file, written by pillow-heif (registered by core.uploads)."""
    return encoded(image or left_white_right_black(), "HEIF", quality=90, **kwargs)


def with_declared_size(data, width, height):
    """The same HEIC whose every `ispe` box (image spatial extents) declares width×height."""
    out, pos = bytearray(data), 0
    while (pos := out.find(b"ispe", pos)) > 0:
        out[pos + 8:pos + 16] = struct.pack(">II", width, height)
        pos += 4
    return bytes(out)


@pytest.mark.parametrize("fmt,name,mime", [("HEIF", "IMG_0001.HEIC", "image/heic"), ("WEBP", "p.webp", "image/webp"),
                                           ("AVIF", "p.avif", "image/avif")])
def test_phone_formats_are_accepted_by_content_even_misnamed(client, fmt, name, mime):
    data = encoded(Image.new("RGB", (80, 60), (30, 120, 200)), fmt)
    for upload_name, upload_type in ((name, mime), ("looks-like.png", "image/png")):
        response = post(client, data, name=upload_name, content_type=upload_type)
        assert response.status_code == 200, response.content
        assert response.json() == {"width": 80, "height": 60, "format": fmt, "frames": 1, "notes": []}


@pytest.mark.parametrize("fmt", ["HEIF", "WEBP", "JPEG"])
def test_orientation_is_applied_and_gps_and_all_metadata_dropped(fmt):
    data = encoded(left_white_right_black(), fmt, exif=exif_with_gps(orientation=6).tobytes())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the test file must carry GPS"
    clean = read_image(data)
    # Orientation 6 = shown turned 90° clockwise: the white left half ends up on top.
    assert clean.size == (32, 64)
    top, bottom = clean.image.getpixel((16, 8)), clean.image.getpixel((16, 56))
    assert min(top) > 200 and max(bottom) < 60
    assert not clean.image.getexif() and not clean.image.info


def test_truncated_heic_is_refused_with_words(client):
    data = heic()
    for cut in (len(data) // 2, len(data) - 12):
        response = post(client, data[:cut])
        assert response.status_code == 400
        assert response.json()["image"] == ["The image file is damaged or incomplete."]


def test_heic_declaring_a_huge_size_is_refused_before_decoding(client):
    square = heic(left_white_right_black((64, 64)))  # no clean-aperture crop: `ispe` is the size shown
    response = post(client, with_declared_size(square, 9000, 6000))
    assert response.status_code == 400
    message = response.json()["image"][0]
    assert "9000×6000" in message and "megapixels" in message
    response = post(client, with_declared_size(square, 30000, 20000), language="ko")
    assert response.status_code == 400
    assert "메가픽셀" in response.json()["image"][0]


def test_truncated_jpeg_declaring_6000_by_6000_is_refused(client):
    """Issue 15: the header and the start of a 6000×6000 JPEG, closed with an end marker (631 bytes)."""
    whole = encoded(Image.new("RGB", (6000, 6000), "red"), "JPEG")
    scan = whole.find(b"\xff\xda")
    data = whole[:scan + 20] + b"\xff\xd9"
    assert len(data) < 700 and Image.open(io.BytesIO(data)).size == (6000, 6000)
    response = post(client, data, name="x.jpg", content_type="image/jpeg")
    assert response.status_code == 400
    assert "damaged or incomplete" in response.json()["image"][0]
    assert post(client, whole, name="x.jpg", content_type="image/jpeg").status_code == 200


@pytest.mark.parametrize("fmt", ["WEBP", "AVIF"])
def test_truncated_webp_and_avif_are_refused(client, fmt):
    data = encoded(Image.effect_noise((64, 64), 60).convert("RGB"), fmt)
    response = post(client, data[: len(data) * 2 // 3], name="x.img")
    assert response.status_code == 400 and response.json()["image"][0]


def test_animated_webp_gives_its_first_frame_and_says_so(client):
    frames = [Image.new("RGB", (40, 30), color) for color in ((250, 0, 0), (0, 0, 250), (0, 250, 0))]
    data = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    clean = read_image(data)
    assert clean.frames == 3 and clean.image.getpixel((5, 5)) == (250, 0, 0)
    body = post(client, data, name="a.webp", content_type="image/webp", language="ko").json()
    assert body["frames"] == 3 and "첫" in body["notes"][0]


def test_refusal_names_the_formats_that_work_in_korean(client):
    response = post(client, encoded(Image.new("P", (10, 10)), "GIF"), name="x.gif", language="ko")
    assert response.status_code == 400
    message = response.json()["image"][0]
    assert "GIF" in message and "PNG, JPEG, WebP, HEIC/HEIF, AVIF" in message and "형식" in message


def test_inspect_can_answer_a_small_upright_preview_without_metadata(client):
    """For pages whose browser cannot show the file (HEIC in Chromium): the picture as the server reads it."""
    data = heic(left_white_right_black((2400, 1200)), exif=exif_with_gps(orientation=6).tobytes())
    response = client.post(URL, {"image": SimpleUploadedFile("IMG_0001.HEIC", data, content_type="image/heic"),
                                 "preview": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["width"], body["height"]) == (1200, 2400)  # the full picture, upright
    assert body["preview"].startswith("data:image/jpeg;base64,")
    jpeg = base64.b64decode(body["preview"].split(",", 1)[1])
    preview = Image.open(io.BytesIO(jpeg))
    assert preview.format == "JPEG" and preview.size == (512, 1024)
    assert min(preview.getpixel((256, 100))) > 200 and max(preview.getpixel((256, 900))) < 60  # white on top
    assert b"Exif" not in jpeg and b"GPS" not in jpeg and not preview.getexif()
    assert "preview" not in post(client, data).json()  # only when asked
