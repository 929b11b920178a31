"""Issue 21, items 9 and 11: what a style submit checks before it accepts a job.

9: a 40×4000, 4000×20 or 1×39,000,000 photo with `size_preset=content` answered 500 (the engine's InputError, raised
   inside the memory estimate during validation); with no memory budget it was accepted and failed in the job.
11: a remix (`content_from`) with a crop box outside the photo was accepted (202) and failed in the job with the
   engine's English words; the memory estimate used the attacker's box (and a remix's photo was taken as 16×9)."""
import json
import struct
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.uploads import encode_image, random_name
from styletransfer.models import StyleTransferJob
from tests.conftest import image_bytes
from tests.factories import account_client, make_style_job, make_user

URL = "/api/style-transfer/jobs/"


def grey_png(width, height):
    """A flat grey PNG of any shape, written directly (Pillow would hold the whole 39 MP image to encode it)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = (b"\x00" + b"\x80" * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
            + chunk(b"IEND", b""))


def upload(data):
    return SimpleUploadedFile("photo.png", data, content_type="image/png")


@pytest.fixture(params=["auto", 0], ids=["budget", "no-budget"])
def budget(request, settings):
    """With the default memory budget (the old 500) and without one (the old 202 that failed in the job)."""
    if request.param == 0:
        settings.IMOGEN_STYLE_MEMORY_BUDGET_MB = 0
    return request.param


@pytest.mark.django_db
@pytest.mark.parametrize(("budget", "size"), [
    ("auto", (40, 4000)), ("auto", (4000, 20)), ("auto", (1, 39_000_000)), (0, (40, 4000)), (0, (4000, 20))],
    ids=["40x4000", "4000x20", "1x39M", "40x4000-no-budget", "4000x20-no-budget"], indirect=["budget"])
def test_a_photo_too_narrow_for_its_own_shape_is_a_400_with_words(client, budget, size):
    response = client.post(URL, {"content_image": upload(grey_png(*size)), "style_sample": "style-01",
                                 "size_preset": "content", "preset": "preview"})
    assert response.status_code == 400, response.content[:300]
    words = " ".join(response.json()["size_preset"])
    assert f"{size[0]}×{size[1]}" in words and "at least 32" in words and "Choose a wallpaper size" in words
    assert not StyleTransferJob.objects.exists()


@pytest.mark.django_db
def test_a_narrow_crop_box_with_the_content_shape_is_a_400(client, budget):
    response = client.post(URL, {"content_image": upload(image_bytes(size=(4000, 300))), "style_sample": "style-01",
                                 "size_preset": "content", "preset": "preview",
                                 "crop": '{"x": 0, "y": 0, "width": 4000, "height": 32}'})
    assert response.status_code == 400, response.content[:300]
    assert "4000×32" in " ".join(response.json()["size_preset"])


@pytest.mark.django_db
def test_a_wide_photo_with_its_own_shape_is_still_accepted(client, budget):
    response = client.post(URL, {"content_image": upload(image_bytes(size=(640, 64))), "style_sample": "style-01",
                                 "size_preset": "content", "preset": "preview"})
    assert response.status_code == 202, response.content[:300]


def remix_source(owner, size):
    """A creation of `owner`'s whose job painted an uploaded photo of `size` (what Remix and Run again reuse)."""
    job = make_style_job(owner=owner, style_sample="style-01")
    job.content_image.name = default_storage.save(random_name("style/uploads", "png"),
                                                  ContentFile(encode_image(Image.new("RGB", size, (120, 140, 90)))))
    job.save()
    job.result.metadata = {**job.result.metadata, "job_id": str(job.pk)}
    job.result.save()
    return job.result


@pytest.fixture
def remixer():
    owner = make_user("remixer@example.com")
    return owner, account_client(owner)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("box", [{"x": 250, "y": 0, "width": 200, "height": 200},
                                 {"x": 0, "y": 0, "width": 3000, "height": 3000}], ids=["off-the-side", "huge"])
def test_a_remix_crop_box_outside_the_photo_is_a_400_at_submit(remixer, box):
    owner, client = remixer
    response = client.post(URL, {"content_from": str(remix_source(owner, (300, 200)).pk), "style_sample": "style-02",
                                 "preset": "preview", "size_preset": "content", "crop": json.dumps(box)})
    assert response.status_code == 400, response.content[:300]
    assert response.json()["crop"] == ["The crop box must lie inside the photo, which is 300×200 pixels (upright)."]
    assert StyleTransferJob.objects.count() == 1  # only the source's


@pytest.mark.django_db
def test_a_remix_inside_the_photo_is_accepted_and_a_narrow_remix_is_refused(remixer):
    owner, client = remixer
    inside = client.post(URL, {"content_from": str(remix_source(owner, (300, 200)).pk), "style_sample": "style-02",
                               "preset": "preview", "size_preset": "content",
                               "crop": json.dumps({"x": 100, "y": 0, "width": 200, "height": 200})})
    assert inside.status_code == 202, inside.content[:300]
    # The remix's own photo decides its shape (it was taken as 16×9 before, and the job failed in the engine).
    narrow = client.post(URL, {"content_from": str(remix_source(owner, (40, 4000)).pk), "style_sample": "style-02",
                               "preset": "preview", "size_preset": "content"})
    assert narrow.status_code == 400, narrow.content[:300]
    assert "40×4000" in " ".join(narrow.json()["size_preset"])



@pytest.mark.django_db
def test_the_narrow_photo_refusal_is_in_korean(client):
    response = client.post(URL, {"content_image": upload(grey_png(4000, 20)), "style_sample": "style-01",
                                 "size_preset": "content"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert response.json()["size_preset"] == [
        "사진이 4000×20 픽셀입니다. 이 모양 그대로면 배경화면이 1920×10가 되는데, 각 변은 32픽셀 이상이어야 합니다. "
        "사진 자체의 비율 대신 배경화면 크기를 고르세요."]
