"""End to end: the API with a real Celery worker on the `style` queue and the real engine, at a tiny size."""
import io
import time

import pytest
from PIL import Image

from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from tests.conftest import image_bytes, wait_for

from .conftest import TINY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
URL = "/api/style-transfer/jobs/"


def test_submit_progress_succeed_and_download(http, style_worker):
    photo = image_bytes("JPEG", size=(120, 80), color=(30, 120, 200))
    response = http.post(URL, files={"content_image": ("photo.jpg", photo, "image/jpeg")},
                         data={"style_sample": "style-01", "seed": "3", **TINY})
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]

    seen = []

    def finished():
        body = http.get(f"{URL}{job_id}/").json()
        seen.append(body)
        return body if body["status"] in ("succeeded", "failed", "canceled") else None

    body = wait_for(finished, timeout=150, interval=0.3, message="the job to finish")
    assert body["status"] == "succeeded", body
    running = [b for b in seen if b["status"] == "running"]
    assert running, "the job was never seen running"
    fractions = [b["progress"] for b in running]
    assert fractions == sorted(fractions) and max(fractions) > 0
    assert any(b["stage"] for b in running)
    assert any(b["eta_seconds"] is not None for b in running)
    assert any(b["preview_url"] for b in seen), "no preview was written"
    assert body["progress"] == 1.0 and body["error"] == "" and body["finished_at"]

    creation = Creation.objects.get(pk=body["creation_id"])
    assert creation.kind == "style" and (creation.width, creation.height) == (48, 32)
    assert creation.metadata["style"] == "style-01" and creation.metadata["content"] == "upload"
    download = http.get(body["result_url"])
    assert download.status_code == 200
    image = Image.open(io.BytesIO(download.content))
    assert image.format == "PNG" and image.size == (48, 32)
    assert http.get(f"/gallery/c/{creation.pk}/").status_code == 200
    page = http.get(f"/style/jobs/{job_id}/")
    assert page.status_code == 200 and "st-job" in page.text
    assert "style" in StyleTransferJob.objects.get(pk=job_id).task_name
    # nothing else got into the worker's log as an error
    assert "Traceback" not in style_worker.output()


def test_cancel_a_running_job(http, style_worker):
    response = http.post(URL, data={"content_sample": "content-05", "style_sample": "style-06",
                                    "width": "160", "height": "96", "preset": "preview"})
    job_id = response.json()["id"]
    wait_for(lambda: http.get(f"{URL}{job_id}/").json()["status"] == "running", timeout=60,
             message="the job to start")
    time.sleep(1)
    cancel = http.post(f"{URL}{job_id}/cancel/")
    assert cancel.status_code == 200
    body = wait_for(lambda: (b := http.get(f"{URL}{job_id}/").json())["status"] != "running" and b,
                    timeout=30, message="the worker to stop")
    assert body["status"] == "canceled", body
    assert body["creation_id"] is None
    assert not Creation.objects.exists()
