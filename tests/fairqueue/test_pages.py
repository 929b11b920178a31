"""Waiting and running jobs on the visitor's pages: tiles with both input thumbnails and the size."""
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.conftest import image_bytes

from .conftest import TINY, URL

pytestmark = pytest.mark.django_db


def test_queued_jobs_show_on_home_my_creations_and_my_style_transfers(client):
    photo = SimpleUploadedFile("p.jpg", image_bytes("JPEG", size=(600, 400)), content_type="image/jpeg")
    job = client.post(URL, {"content_image": photo, "style_sample": "style-02", **TINY}).json()
    for page in ("/", "/gallery/mine/", "/style/jobs/"):
        html = client.get(page).content.decode()
        assert f'data-job="{job["id"]}"' in html, page
        assert f"/style/jobs/{job['id']}/input/content.jpg" in html, page
        assert "/style/samples/style-02/thumbnail.jpg" in html and "48×32" in html, page
    thumb = client.get(f"/style/jobs/{job['id']}/input/content.jpg")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.content)).size) <= 240
    assert Client().get(f"/style/jobs/{job['id']}/input/content.jpg").status_code == 404  # not yours
    assert client.get(f"/style/jobs/{job['id']}/input/style.jpg").status_code == 404  # a sample, no upload
    client.post(f"{URL}{job['id']}/cancel/")
    assert f'data-job="{job["id"]}"' not in client.get("/").content.decode()


def test_job_page_carries_the_queue_words_in_korean(client, korean):
    job = client.post(URL, {"content_sample": "content-01", "style_sample": "style-01", **TINY}).json()
    html = client.get(f"/style/jobs/{job['id']}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert json.dumps("약 %(n)s분 후 시작")[1:-1] in html  # the script's words (json_script escapes them)
    assert "완성되면 이메일로 알려 주세요" in html
