"""Issue 21 items 1 and 8: what an upload costs the disk, and who may read it.

The attack (item 1): one address posted style jobs with two 7.8 MB noise JPEGs each, kept as two 115 MB PNGs, and
canceled each job at once: 230 MB kept per request for the 7 retention days, outside the storage quota. Item 8: a
kept upload answered 200 at /media/style/uploads/<random>.png to anyone. Against the live app, each client on its
own loopback address (127.0.0.x), except /media/ (Django's live server answers that itself; gunicorn and nginx reach
core.views.media, which the test client calls)."""
import io
import re

import numpy as np
import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image
from requests.adapters import HTTPAdapter

from core.models import JobStatus
from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from styletransfer.tasks import run_style_transfer
from tests.conftest import HttpClient
from tests.factories import PASSWORD, make_user
from tests.security.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/api/style-transfer/jobs/"
OPTIONS = {"preset": "preview", "width": "64", "height": "64"}


def noise_jpeg(width, height, seed=0):
    """Random noise at JPEG quality 20: the attack's 6000×6600 file was 7.8 MB (here smaller, the same kind)."""
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=20)
    return buffer.getvalue()


class SourceAddress(HTTPAdapter):
    """Connections from one loopback address: the server sees a distinct client (no forwarded header trusted)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


@pytest.fixture
def client_at(live_server):
    made = []

    def make(address):
        client = HttpClient(live_server.url.replace("localhost", "127.0.0.1"))
        client.mount("http://", SourceAddress(address))
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def post_job(client, content, style):
    return client.post(URL, data=OPTIONS, files={"content_image": ("a.jpg", content, "image/jpeg"),
                                                 "style_image": ("b.jpg", style, "image/jpeg")})


def test_a_job_canceled_at_once_keeps_nothing_and_the_upload_is_kept_compactly(client_at, media_root, rates, broker):
    attacker = client_at("127.0.0.2")
    content, style = noise_jpeg(600, 660, 1), noise_jpeg(600, 660, 2)
    made = post_job(attacker, content, style)
    assert made.status_code == 202, made.text
    job = StyleTransferJob.objects.get(pk=made.json()["id"])
    # Kept as received (no PNG fifteen times the size): at most twice the bytes received, thumbnails included.
    kept = sum(p.stat().st_size for p in stored_files(media_root))
    assert kept <= 2 * (len(content) + len(style)), (kept, len(content) + len(style))
    assert job.byte_size == kept
    assert attacker.post(f"{URL}{job.pk}/cancel/").json()["status"] == "canceled"
    assert stored_files(media_root) == []
    job.refresh_from_db()
    assert not job.content_image and not job.style_image and job.byte_size == 0


def test_a_failed_job_deletes_its_uploads(client_at, media_root, rates, broker):
    made = post_job(client_at("127.0.0.3"), noise_jpeg(64, 48, 3), noise_jpeg(64, 48, 4))
    job = StyleTransferJob.objects.get(pk=made.json()["id"])
    (media_root / job.style_image.name).unlink()  # the style image went missing: the job fails in plain words
    run_style_transfer(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "style image could not be read" in job.error
    assert stored_files(media_root) == []


def test_uploads_count_in_the_quota_and_one_address_shares_it(client_at, media_root, rates, broker, settings):
    """New cookies from the same address bring no fresh quota; an account and another address have their own."""
    settings.IMOGEN_STORAGE_QUOTA_ANONYMOUS_MB = 1
    first = client_at("127.0.0.4")
    content = noise_jpeg(1700, 1700, 5)  # about 0.6 MB each: two of them fill the 1 MB quota
    assert post_job(first, content, content).status_code == 202
    for visitor in (first, client_at("127.0.0.4")):  # the same browser, then a new session from the same address
        refused = post_job(visitor, content, content)
        assert refused.status_code == 403, refused.text
        assert "storage is full" in refused.json()["detail"] and "1.0 MB" in refused.json()["detail"]
    assert post_job(client_at("127.0.0.5"), content, content).status_code == 202
    make_user("painter@example.com", "Painter")
    member = log_in(client_at("127.0.0.4"), "painter@example.com", PASSWORD)
    assert post_job(member, content, content).status_code == 202
    assert StyleTransferJob.objects.count() == 3


def test_an_original_is_never_on_media_and_a_post_shows_only_a_thumbnail(client_at, media_root, rates, broker):
    owner = make_user("owner@example.com", "Owner")
    painter = log_in(client_at("127.0.0.6"), "owner@example.com", PASSWORD)
    photo = noise_jpeg(900, 600, 6)
    job = StyleTransferJob.objects.get(pk=post_job(painter, photo, noise_jpeg(300, 300, 7)).json()["id"])
    original = job.content_image.name
    assert "/uploads/" in f"/{original}"
    # Nobody fetches the original by its URL: not a stranger without a cookie, not the owner's browser either.
    stranger = Client()
    assert stranger.get(f"/media/{original}").status_code == 404
    assert stranger.get(f"/media/{job.content_thumbnail.name}").status_code == 404

    # The job made a creation that the owner posts with its settings: the post shows a small derived picture.
    creation = Creation.objects.create_from_image(Image.new("RGB", (64, 64)), kind="style", owner=owner,
                                                  metadata={"job_id": str(job.pk), "style": "upload",
                                                            "content": "upload", **job.options})
    Creation.objects.filter(pk=creation.pk).update(published_at=timezone.now(), show_settings=True, title="Noise")
    page = stranger.get(creation.get_absolute_url()).content.decode()
    thumbs = re.findall(r'class="made-with-thumb" src="([^"]+)"', page)
    assert len(thumbs) == 2 and not any(src.startswith("/media/") for src in thumbs), thumbs
    answer = stranger.get(thumbs[0])
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    shown = b"".join(answer.streaming_content)
    assert shown != photo and max(Image.open(io.BytesIO(shown)).size) <= 240
    # Settings hidden again: the thumbnails go with them.
    Creation.objects.filter(pk=creation.pk).update(show_settings=False)
    assert stranger.get(thumbs[0]).status_code == 404
    assert "made-with-thumb" not in stranger.get(creation.get_absolute_url()).content.decode()
