"""End to end: a real worker process on a real Redis makes the pictures (offline engine). The providers' protocols
run in-process through the job's task (test_api.py, test_providers.py)."""
import pytest
from django.db import transaction

from gallery.models import Creation
from tests.conftest import wait_for
from text2image.models import TextToImageJob

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
