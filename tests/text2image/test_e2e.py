"""End to end: a real worker process on a real Redis makes the pictures (offline engine, then Karlo protocol)."""
import pytest
from django.db import transaction

from gallery.models import Creation
from tests.conftest import wait_for
from text2image.models import TextToImageJob

from .servers import png_b64

pytestmark = pytest.mark.e2e


def submit(**fields):
    defaults = {"prompt": "노을 지는 바다", "negative_prompt": "", "width": 1920, "height": 1080, "samples": 2,
                "seed": 5, "provider": "offline"}
    with transaction.atomic():
        job = TextToImageJob.objects.create(**{**defaults, **fields})
        job.enqueue()
    return job


def finished(job):
    return wait_for(lambda: TextToImageJob.objects.filter(pk=job.pk).exclude(status__in=["queued", "running"]).first(),
                    timeout=90, message=f"job {job.pk}")


def test_offline_pictures_from_a_real_worker(worker_factory):
    worker = worker_factory(queues="default", extra_env={"IMOGEN_T2I_PROVIDER": "offline"})
    done = finished(submit())
    assert done.status == "succeeded", done.error + worker.output()[-2000:]
    assert len(done.images) == 2 and [i["seed"] for i in done.images] == [5, 6]
    creations = Creation.objects.filter(pk__in=[i["creation_id"] for i in done.images])
    assert {c.metadata["provider"] for c in creations} == {"offline"}
    assert all((c.width, c.height) == (1920, 1080) and c.byte_size > 100_000 for c in creations)
    assert "text2image.tasks.run_text2image" in worker.output()


def test_karlo_protocol_pictures_from_a_real_worker(worker_factory, fake_server):
    fake_server.answer((200, lambda record: (200, {
        "id": "r1", "model_version": "v2.1",
        "images": [{"id": f"i{n}", "seed": seed, "image": png_b64((96, 54))} for n, seed in
                   enumerate(record["body"]["seed"])]})))
    worker = worker_factory(queues="default", extra_env={
        "IMOGEN_T2I_PROVIDER": "karlo", "IMOGEN_T2I_KARLO_URL": fake_server.url, "IMOGEN_T2I_KARLO_KEY": "e2e-key",
        "IMOGEN_TRANSLATE_PROVIDER": "none", "IMOGEN_T2I_RETRIES": "1", "IMOGEN_T2I_BACKOFF": "0.01",
    })
    done = finished(submit(prompt="a quiet harbour at dawn", provider="karlo", width=1280, height=720, seed=100))
    assert done.status == "succeeded", done.error + worker.output()[-2000:]
    sent = fake_server.requests[0]
    assert sent["headers"]["Authorization"] == "KakaoAK e2e-key"
    assert sent["body"]["prompt"] == "a quiet harbour at dawn" and sent["body"]["seed"] == [100, 101]
    assert [i["seed"] for i in done.images] == [100, 101]
    assert Creation.objects.get(pk=done.images[0]["creation_id"]).metadata["provider"] == "karlo"

    fake_server.answer((401, {"code": -401, "msg": "invalid key"}))
    failed = finished(submit(prompt="a quiet harbour", provider="karlo", width=1280, height=720, samples=1))
    assert failed.status == "failed" and "refused the API key" in failed.error
