"""The style transfer API: samples, validation of every bad input (400, nothing queued), ownership, cancel."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from styletransfer import samples
from styletransfer.models import StyleTransferJob
from tests.conftest import image_bytes

URL = "/api/style-transfer/jobs/"
TOTAL_MB = 24  # the 32 samples at wallpaper resolution: 19.6 MB (docs/styletransfer.md); keep the repository small


def noisy_png(width, height):
    import numpy as np

    array = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "PNG")
    return buffer.getvalue()


def upload(data, name="photo.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_samples_list_has_16_of_each_kind_with_working_images(client):
    every = client.get("/api/samples/").json()
    assert len(every) == 32
    for kind in ("content", "style"):
        items = client.get("/api/samples/", {"kind": kind}).json()
        assert len(items) == 16 and {i["kind"] for i in items} == {kind}
        assert set(items[0]) == {"id", "kind", "title", "image_url", "thumbnail_url", "credit"}
        assert "CC0" in items[0]["credit"]
    first = every[0]
    image = client.get(first["image_url"])
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(b"".join(image.streaming_content)))
    assert picture.size == (2560, 1707)  # wallpaper resolution: a 1440p wallpaper is painted without enlarging
    thumb = client.get(first["thumbnail_url"])
    assert thumb.status_code == 200 and Image.open(io.BytesIO(b"".join(thumb.streaming_content))).size == (256, 256)
    assert client.get("/api/samples/", {"kind": "fish"}).status_code == 400
    assert client.get("/style/samples/nope.jpg").status_code == 404


def test_every_sample_file_and_credit_is_in_the_repository():
    credits = (samples.SAMPLES_DIR / "CREDITS.md").read_text()
    for sample in samples.SAMPLES.values():
        assert sample.path.is_file() and sample.thumbnail_path.is_file(), sample.id
        assert f"`{sample.id}`" in credits and f"`{sample.function}()`" in credits
    for sample in samples.SAMPLES.values():
        with Image.open(sample.path) as picture, Image.open(sample.thumbnail_path) as thumb:
            assert picture.size == ((2560, 1707) if sample.kind == "content" else (2560, 2560)), sample.id
            assert thumb.size == (256, 256), sample.id
        assert sample.thumbnail_path.stat().st_size < 64 * 1024, sample.id  # the pickers load all 32 at once
    thumbs = sum(s.thumbnail_path.stat().st_size for s in samples.SAMPLES.values())
    total = sum(s.path.stat().st_size for s in samples.SAMPLES.values())
    assert thumbs < 1024 * 1024 and total < TOTAL_MB * 1024 * 1024


GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 40
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.mark.django_db
@pytest.mark.parametrize("case,data,field,words", [
    ("no content", {"style_sample": "style-01"}, "content_image", "Choose a content image"),
    ("no style", {"content_sample": "content-01"}, "style_image", "Choose a style image"),
    ("two content", {"content_sample": "content-01", "style_sample": "style-01", "content_image": "PNG"},
     "content_image", "not both"),
    ("two style", {"content_sample": "content-01", "style_sample": "style-01", "style_image": "PNG"},
     "style_image", "not both"),
    ("text as png", {"content_image": b"hello, not an image", "style_sample": "style-01"}, "content_image",
     "not an image this site can read"),
    ("gif renamed", {"content_image": GIF, "style_sample": "style-01"}, "content_image", "GIF"),
    ("tiff renamed", {"style_image": TIFF, "content_sample": "content-01"}, "style_image", "TIFF"),
    ("svg renamed", {"style_image": SVG, "content_sample": "content-01"}, "style_image", "SVG"),
    ("unknown content sample", {"content_sample": "content-99", "style_sample": "style-01"}, "content_sample",
     "content-99"),
    ("style id as content", {"content_sample": "style-02", "style_sample": "style-01"}, "content_sample", "style-02"),
    ("unknown size", {"size_preset": "8k"}, "size_preset", "Unknown size"),
    ("width only", {"width": "640"}, "height", "both width and height"),
    ("too small", {"width": "8", "height": "8"}, "width", "between"),
    ("too large", {"width": "9000", "height": "100"}, "width", "between"),
    ("size and preset", {"width": "64", "height": "64", "size_preset": "phone"}, "size_preset", "not both"),
    ("unknown preset", {"preset": "ultra"}, "preset", "Unknown quality preset"),
    ("strength", {"style_strength": "0"}, "style_strength", "between 0.1 and 5"),
])
def test_bad_input_is_a_400_with_a_field_message_and_nothing_is_queued(client, case, data, field, words):
    body = {"content_sample": "content-01", "style_sample": "style-01"} if case not in (
        "no content", "no style") else {}
    for key, value in data.items():
        body[key] = upload(image_bytes() if value == "PNG" else value) if isinstance(value, bytes) or value == "PNG" \
            else value
    response = client.post(URL, body)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert field in errors, errors
    assert words in " ".join(errors[field]), errors
    assert StyleTransferJob.objects.count() == 0


@pytest.mark.django_db
def test_oversize_bytes_and_pixels_are_refused(client, settings):
    settings.IMOGEN_UPLOAD_MAX_BYTES = 2000
    big = noisy_png(100, 100)
    assert len(big) > 2000
    response = client.post(URL, {"content_image": upload(big), "style_sample": "style-01"})
    assert response.status_code == 400 and "too large" in response.json()["content_image"][0]
    settings.IMOGEN_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    settings.IMOGEN_UPLOAD_MAX_PIXELS = 1000
    response = client.post(URL, {"style_image": upload(image_bytes(size=(100, 100))), "content_sample": "content-01"})
    assert response.status_code == 400 and "megapixels" in response.json()["style_image"][0]
    assert StyleTransferJob.objects.count() == 0


@pytest.mark.django_db
def test_two_files_for_one_side_are_refused(client):
    response = client.post(URL, {"content_image": [upload(image_bytes()), upload(image_bytes())],
                                 "style_sample": "style-01"})
    assert response.status_code == 400 and "content_image" in response.json()
    assert StyleTransferJob.objects.count() == 0


@pytest.mark.django_db
def test_errors_come_in_korean_when_asked(client):
    response = client.post(URL, {"style_sample": "style-01"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    message = response.json()["content_image"][0]
    assert any("\uac00" <= ch <= "\ud7a3" for ch in message), message


@pytest.mark.django_db(transaction=True)
def test_submit_stores_the_upload_under_a_random_name_and_the_options(client):
    response = client.post(URL, {"content_image": upload(image_bytes(), name="../../etc/passwd.png"),
                                 "style_sample": "style-03", "size_preset": "phone", "preset": "preview",
                                 "style_strength": "1.5", "preserve_colors": "true", "seed": "7"})
    assert response.status_code == 202, response.content
    job = response.json()
    assert set(job) >= {"id", "status", "progress", "stage", "eta_seconds", "preview_url", "result_url",
                        "creation_id", "error", "created_at", "started_at", "finished_at", "options"}
    assert job["status"] == "queued" and job["creation_id"] is None and job["result_url"] is None
    assert job["options"]["width"] == 1080 and job["options"]["height"] == 2400
    assert job["options"]["preserve_colors"] is True and job["options"]["style_strength"] == 1.5
    row = StyleTransferJob.objects.get(pk=job["id"])
    assert row.content_image.name.startswith("style/uploads/") and "passwd" not in row.content_image.name
    assert row.style_sample == "style-03"
    # the job page and "my jobs" show it to its owner
    assert client.get(f"/style/jobs/{job['id']}/").status_code == 200
    mine = client.get("/style/jobs/")
    assert job["id"] in mine.content.decode()
    assert [j["id"] for j in client.get(URL).json()] == [job["id"]]


@pytest.mark.django_db(transaction=True)
def test_cancel_a_queued_job_and_only_the_owner_may(client, django_user_model):
    from django.test import Client

    job = client.post(URL, {"content_sample": "content-02", "style_sample": "style-02"}).json()
    stranger = Client()
    assert stranger.post(f"{URL}{job['id']}/cancel/").status_code == 404  # not theirs: as if it did not exist
    assert stranger.get("/api/style-transfer/jobs/").json() == []
    response = client.post(f"{URL}{job['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/api/style-transfer/jobs/not-a-uuid/").status_code == 404


@pytest.mark.django_db
def test_pages_speak_korean(client):
    page = client.get("/style/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "배경화면 그리기" in page and "달 아래 고양이" in page
    items = client.get("/api/samples/", {"kind": "style"}, HTTP_ACCEPT_LANGUAGE="ko").json()
    assert items[0]["title"] == "별이 빛나는 소용돌이"


def test_api_schema_describes_the_style_transfer_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/style-transfer/jobs/" in schema["paths"]
    assert "/api/style-transfer/jobs/{id}/cancel/" in schema["paths"]
    assert "/api/samples/" in schema["paths"]
