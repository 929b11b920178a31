"""Phone photos through the style transfer API and engine, in-process at tiny sizes: HEIC and WebP uploads
become results, no GPS survives in any stored file, the `crop` box is honoured (measured on the result),
bad boxes are refused, and "fit whole photo" keeps the whole picture."""
import io
import json

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import JobStatus
from gallery.models import Creation
from styletransfer.engine import TransferOptions, transfer
from styletransfer.engine.samples import swirls
from styletransfer.models import StyleTransferJob
from styletransfer.tasks import paint
from tests.core.test_phone_formats import GPS_IFD, encoded, exif_with_gps

URL = "/api/style-transfer/jobs/"
QUADRANTS = {"top-left": (220, 40, 40), "top-right": (40, 60, 220), "bottom-left": (40, 200, 60),
             "bottom-right": (230, 210, 40)}


def quadrants(width=256, height=128):
    """Four flat colours, one per quadrant: which part of the photo a result shows can be measured."""
    image = Image.new("RGB", (width, height))
    for index, color in enumerate(QUADRANTS.values()):
        x, y = (index % 2) * width // 2, (index // 2) * height // 2
        image.paste(color, (x, y, x + width // 2, y + height // 2))
    return image


def chroma(image):
    ycc = np.asarray(image.convert("YCbCr"), dtype=np.float32)
    return ycc[..., 1:].reshape(-1, 2).mean(0)


def nearest_quadrant(image):
    """The quadrant whose colour (chroma: with preserve_colors the result keeps the photo's) is closest."""
    got = chroma(image)
    return min(QUADRANTS, key=lambda name: np.linalg.norm(chroma(Image.new("RGB", (1, 1), QUADRANTS[name])) - got))


@pytest.fixture(autouse=True)
def fast_engine(settings, tmp_path):
    """One torch thread (several times faster on a shared 2-core machine), few progress writes, media in tmp."""
    settings.IMOGEN_TORCH_THREADS = 1
    settings.IMOGEN_STYLE_PROGRESS_SECONDS = 30
    settings.IMOGEN_STYLE_PREVIEW_SECONDS = 30
    settings.MEDIA_ROOT = str(tmp_path)


def run_in_process(job_id):
    """What the worker does, called directly: claim, the task's work function, record the success."""
    job = StyleTransferJob.claim(job_id)
    fields = paint(job)
    job.finish(JobStatus.SUCCEEDED, stage="", **fields)
    return fields["result"]


def submit(client, data, upload=None, name="IMG_0001.HEIC", content_type="image/heic", **extra):
    body = {"style_sample": "style-01", "preset": "preview", "width": "64", "height": "32",
            "preserve_colors": "true", **data}
    if upload is not None:
        body["content_image"] = SimpleUploadedFile(name, upload, content_type=content_type)
    return client.post(URL, body, **extra)


@pytest.mark.parametrize("box,expected", [((128, 0, 128, 64), "top-right"), ((0, 64, 128, 64), "bottom-left")])
def test_the_engine_paints_the_chosen_box_not_the_centre(box, expected):
    result = transfer(quadrants(), swirls(64, 64), TransferOptions(
        width=64, height=32, preset="preview", preserve_colors=True, crop=box, threads=1))
    assert result.size == (64, 32)
    assert nearest_quadrant(result) == expected


@pytest.mark.django_db
def test_heic_with_gps_and_a_crop_becomes_a_result_with_that_part_and_no_gps_anywhere(client, tmp_path):
    photo = encoded(quadrants(), "HEIF", quality=95, exif=exif_with_gps().tobytes())
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)
    box = json.dumps({"x": 0, "y": 64, "width": 128, "height": 64})  # bottom-left, as a multipart JSON string
    response = submit(client, {"crop": box}, photo)
    assert response.status_code == 202, response.content
    assert response.json()["options"]["crop"] == {"x": 0, "y": 64, "width": 128, "height": 64}
    creation = run_in_process(response.json()["id"])
    with creation.image.open("rb") as handle:
        result = Image.open(io.BytesIO(handle.read()))
    assert result.size == (64, 32) and nearest_quadrant(result) == "bottom-left"
    stored = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(stored) >= 2  # the converted upload and the result (and maybe a preview)
    for path in stored:
        data = path.read_bytes()
        image = Image.open(io.BytesIO(data))
        assert image.format in ("PNG", "JPEG"), path
        assert not image.getexif().get_ifd(GPS_IFD) and b"GPS" not in data and b"Exif" not in data, path
    job = StyleTransferJob.objects.get(pk=response.json()["id"])
    # A HEIC cannot be kept as received without its metadata: it is encoded on arrival (core.compact), as a JPEG.
    assert Image.open(job.content_image.path).format == "JPEG"


@pytest.mark.django_db
def test_webp_upload_fitted_whole_with_a_blurred_fill(client):
    photo = encoded(quadrants(128, 128), "WEBP", lossless=True)
    response = submit(client, {"fit": "blur", "width": "96", "height": "32"}, photo, "p.webp", "image/webp")
    assert response.status_code == 202, response.content
    creation = run_in_process(response.json()["id"])
    assert Creation.objects.filter(pk=creation.pk).exists() and (creation.width, creation.height) == (96, 32)
    with creation.image.open("rb") as handle:
        result = Image.open(io.BytesIO(handle.read())).convert("RGB")
    # The whole square photo sits in the middle third: its four colours are all there.
    middle = result.crop((32, 0, 64, 32))
    assert [nearest_quadrant(middle.crop(q)) for q in ((0, 0, 16, 16), (16, 0, 32, 16), (0, 16, 16, 32),
                                                        (16, 16, 32, 32))] == list(QUADRANTS)


@pytest.mark.django_db
@pytest.mark.parametrize("crop,words", [
    ('{"x": 0, "y": 0, "width": 20, "height": 64}', "at least 32 pixels"),
    ('{"x": 200, "y": 0, "width": 128, "height": 64}', "inside the photo, which is 256×128"),
    ('{"x": -1, "y": 0, "width": 64, "height": 64}', "inside the photo"),
    ('{"x": 0, "y": 0, "width": 64}', "JSON object"),
    ("not json", "JSON object"),
    ('{"x": "a", "y": 0, "width": 64, "height": 64}', "JSON object"),
])
def test_bad_crop_boxes_are_refused_with_words(client, crop, words):
    response = submit(client, {"crop": crop}, encoded(quadrants(), "PNG"), "p.png", "image/png")
    assert response.status_code == 400
    assert words in " ".join(response.json()["crop"])
    assert not StyleTransferJob.objects.exists()


@pytest.mark.django_db
def test_crop_on_a_sample_is_checked_against_the_sample_and_fit_whole_takes_no_box(client, korean):
    response = submit(client, {"content_sample": "content-01", "crop": '{"x": 0, "y": 0, "width": 99999, '
                                                                       '"height": 64}'})
    assert response.status_code == 400 and "inside the photo" in response.json()["crop"][0]
    response = submit(client, {"content_sample": "content-01", "fit": "colors",
                               "crop": '{"x": 0, "y": 0, "width": 64, "height": 64}'}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400 and "자르기" in response.json()["crop"][0]
    response = submit(client, {"content_sample": "content-01", "crop": '{"x": 0, "y": 0, "width": 64, "height": 64}'})
    assert response.status_code == 202, response.content


@pytest.mark.django_db
def test_an_animated_upload_is_accepted_and_the_answer_says_its_first_frame_is_used(client, korean):
    frames = [Image.new("RGB", (64, 48), color) for color in ((250, 0, 0), (0, 0, 250))]
    animation = encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:])
    response = submit(client, {}, animation, "moving.webp", "image/webp", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 202, response.content
    assert len(response.json()["notes"]) == 1 and "첫 번째 프레임" in response.json()["notes"][0]
    assert client.get(f"{URL}{response.json()['id']}/").json()["notes"] == []
