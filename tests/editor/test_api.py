"""POST /api/editor/renders/: uploads and creations in, a new `edit` creation out; bad input is a clear 400."""
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from editor.filters import apply_filters
from gallery.models import Creation, CreationKind
from tests.conftest import image_bytes

URL = "/api/editor/renders/"
pytestmark = pytest.mark.django_db


def upload(fmt="PNG", size=(64, 48), name=None):
    data = image_bytes(fmt, size=size)
    return SimpleUploadedFile(name or f"holiday.{fmt.lower()}", data), data


def stored(creation):
    with creation.image.open("rb") as handle:
        return Image.open(io.BytesIO(handle.read()))


def make_creation(client, size=(80, 60), title="Starry night"):
    client.get("/editor/")  # a session, like a visitor's browser
    image = Image.open(io.BytesIO(image_bytes("PNG", size=size))).convert("RGB")
    return Creation.objects.create_from_image(image, kind=CreationKind.STYLE, title=title,
                                              session_key=client.session.session_key)


def test_upload_is_rendered_with_the_same_pixels_as_the_filter_module(client):
    file, data = upload()
    response = client.post(URL, {"image": file, "brightness": "1.3", "sepia": "0.4", "hue_rotate": "-30"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"id", "image_url", "thumbnail_url", "file_name", "width", "height", "page_url"}
    assert (body["width"], body["height"]) == (64, 48)
    assert body["file_name"] == "imogen-edit-holiday-64x48.png"
    assert body["metadata"]["filters"] == {"brightness": 1.3, "sepia": 0.4, "hue_rotate": -30.0}
    assert body["metadata"]["css_filter"] == "brightness(1.3) sepia(0.4) hue-rotate(-30deg)"
    assert body["metadata"]["source"] == {"type": "upload", "format": "PNG"}
    creation = Creation.objects.get(pk=body["id"])
    assert creation.kind == "edit"
    assert creation.session_key == client.session.session_key  # it is the requester's
    expected = apply_filters(Image.open(io.BytesIO(data)), {"brightness": 1.3, "sepia": 0.4, "hue_rotate": -30})
    assert np.array_equal(np.asarray(stored(creation).convert("RGB")), np.asarray(expected))
    # the new image opens in the gallery page and in the editor again
    assert client.get(body["page_url"]).status_code == 200
    assert client.get(body["editor_url"]).status_code == 200


def test_jpeg_in_jpeg_out_unless_png_is_asked_for(client):
    file, _ = upload("JPEG")
    body = client.post(URL, {"image": file, "grayscale": "1"}).json()
    assert body["file_name"].endswith(".jpg")
    assert stored(Creation.objects.get(pk=body["id"])).format == "JPEG"
    file, _ = upload("JPEG")
    body = client.post(URL, {"image": file, "grayscale": "1", "format": "png"}).json()
    assert stored(Creation.objects.get(pk=body["id"])).format == "PNG"


def test_own_creation_is_edited_and_the_source_is_recorded(client):
    source = make_creation(client)
    response = client.post(URL, {"creation": str(source.pk), "invert": "1"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["metadata"]["source"] == {"type": "creation", "id": str(source.pk), "kind": "style"}
    assert body["file_name"] == "imogen-edit-starry-night-80x60.png"
    inverted = np.asarray(stored(Creation.objects.get(pk=body["id"])).convert("RGB")).astype(int)
    original = np.asarray(stored(source).convert("RGB")).astype(int)
    assert np.array_equal(inverted, 255 - original)


def test_anyone_with_the_link_may_edit_a_visible_creation_but_not_a_hidden_one(client):
    source = make_creation(client)
    stranger = Client()
    response = stranger.post(URL, {"creation": str(source.pk), "saturate": "2"})
    assert response.status_code == 201
    copy = Creation.objects.get(pk=response.json()["id"])
    assert copy.session_key == stranger.session.session_key != source.session_key  # the copy is the stranger's
    Creation.objects.filter(pk=source.pk).update(is_hidden=True)
    assert stranger.post(URL, {"creation": str(source.pk), "saturate": "2"}).status_code == 404
    assert client.post(URL, {"creation": str(source.pk), "saturate": "2"}).status_code == 201  # the owner still can
    missing = stranger.post(URL, {"creation": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404 and "detail" in missing.json()


@pytest.mark.parametrize("field,value,message", [
    ("brightness", "3.5", "brightness must be a number from 0 to 3 (1 leaves the image unchanged)."),
    ("contrast", "-1", "contrast must be a number from 0 to 3"),
    ("grayscale", "1.01", "grayscale must be a number from 0 to 1"),
    ("hue_rotate", "200", "hue_rotate must be a number from -180 to 180 degrees"),
    ("blur", "21", "blur must be a number from 0 to 20 pixels"),
    ("invert", "nan", "invert must be a number from 0 to 1"),
    ("sepia", "lots", "sepia must be a number from 0 to 1"),
])
def test_out_of_range_values_are_400_naming_the_allowed_range(client, field, value, message):
    file, _ = upload()
    response = client.post(URL, {"image": file, field: value})
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Creation.objects.exists()


def test_range_message_in_korean(client):
    file, _ = upload()
    response = client.post(URL, {"image": file, "blur": "99"}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert "0" in response.json()["blur"][0] and "20" in response.json()["blur"][0]
    assert "픽셀" in response.json()["blur"][0]


def test_missing_both_or_bad_files_are_400(client):
    assert client.post(URL, {"brightness": "1.2"}).status_code == 400
    file, _ = upload()
    source = make_creation(client)
    both = client.post(URL, {"image": file, "creation": str(source.pk)})
    assert both.status_code == 400 and "not both" in both.json()["image"][0]
    gif = SimpleUploadedFile("x.png", b"GIF89a" + b"\0" * 100)
    response = client.post(URL, {"image": gif})
    assert response.status_code == 400 and "GIF" in response.json()["image"][0]
    assert client.post(URL, {"creation": "not-a-uuid"}).status_code == 400


def test_csrf_is_required(db):
    browser = Client(enforce_csrf_checks=True)
    file, _ = upload()
    assert browser.post(URL, {"image": file}).status_code == 403


def test_api_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/editor/renders/"]["post"]
    props = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "201" in operation["responses"]
    assert props


def test_images_above_the_server_rendering_limit_are_400(client, settings):
    settings.IMOGEN_EDITOR_MAX_PIXELS = 1000
    file, _ = upload(size=(64, 48))
    response = client.post(URL, {"image": file, "brightness": "1.2"})
    assert response.status_code == 400
    assert "64×48" in response.json()["image"][0] and "Download" in response.json()["image"][0]
    source = make_creation(client, size=(80, 60))
    response = client.post(URL, {"creation": str(source.pk)})
    assert response.status_code == 400 and "80×60" in response.json()["creation"][0]


def test_unknown_format_is_400(client):
    file, _ = upload()
    response = client.post(URL, {"image": file, "format": "gif"})
    assert response.status_code == 400 and "png or jpeg" in response.json()["format"][0]
