"""A worker killed with SIGKILL in the middle of a job: another worker (with the beat sweep) finishes it, once."""
import pytest
from django.db import transaction

from core.models import EchoJob
from gallery.models import Creation
from styletransfer.models import StyleTransferJob
from tests.conftest import wait_for

from .conftest import beat_worker, first_samples, submit_style, wait_final

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_job_survives_its_worker_being_killed(broker, worker_factory, tmp_path):
    """The job pattern itself (fast, in the default run): SIGKILL mid-job → revived by the sweep → done once."""
    first = worker_factory()
    with transaction.atomic():
        job = EchoJob.objects.create(message="survivor", delay_seconds=8)
        job.enqueue()
    wait_for(lambda: EchoJob.objects.filter(pk=job.pk, status="running", progress__gt=0).exists(),
             timeout=60, interval=0.1, message="the job to be running")
    first.kill()
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1

    second = beat_worker(broker, tmp_path).start()
    try:
        done = wait_for(lambda: EchoJob.objects.filter(pk=job.pk, status__in=["succeeded", "failed"]).first(),
                        timeout=90, message="the revived job to finish")
        output = second.output()
    finally:
        second.stop()
    assert done.status == "succeeded", output[-3000:]
    assert done.reply == "survivor"[::-1] and done.attempts == 2
    assert "lost their worker" in output


@pytest.mark.slow
def test_style_job_survives_its_worker_being_killed(http, broker, worker_factory, tmp_path):
    """The real thing: a style transfer painting at a tiny size, its worker SIGKILLed mid-way."""
    first = worker_factory(queues="style")  # no beat: only the second worker sweeps
    content, style = first_samples(http)
    response = submit_style(http, content, style, preset="standard", width=96, height=64)
    assert response.status_code == 202, response.text
    job_id = response.json()["id"]
    url = f"/api/style-transfer/jobs/{job_id}/"

    # Wait until the engine is really painting (progress written by the task), then kill the worker outright.
    wait_for(lambda: (lambda b: b["status"] == "running" and b["progress"] > 0)(http.get(url).json()),
             timeout=240, interval=0.1, message="the job to be painting")
    first.kill()
    job = StyleTransferJob.objects.get(pk=job_id)
    assert job.status == "running" and job.result_id is None and job.attempts == 1

    second = beat_worker(broker, tmp_path).start()  # default (where the sweep runs) and style
    try:
        body = wait_final(http, url, timeout=480)
        output = second.output()
    finally:
        second.stop()
    assert body["status"] == "succeeded", (body, output[-3000:])
    job.refresh_from_db()
    assert job.attempts == 2, "the job ran exactly once more after the kill"
    assert body["creation_id"] and body["result_url"]
    assert Creation.objects.filter(metadata__job_id=job_id).count() == 1, "one creation, not one per attempt"
    assert http.get(body["result_url"]).status_code == 200
    assert "lost their worker" in output
