"""The shared job pattern: DB row is the truth, claims are atomic, nothing accepted is lost."""
import time

import pytest
from django.db import transaction
from django.utils import timezone

from core.jobs import sweep
from core.models import EchoJob, JobStatus
from tests.conftest import RedisServer, Worker, test_db_name, use_broker, wait_for

pytestmark = pytest.mark.postgres


def submit(message="hello", **fields):
    with transaction.atomic():
        job = EchoJob.objects.create(message=message, **fields)
        job.enqueue()
    return job


def final(job, timeout=60):
    return wait_for(lambda: EchoJob.objects.filter(pk=job.pk).exclude(status__in=["queued", "running"]).first(),
                    timeout=timeout, message=f"job {job.pk} to finish")


@pytest.mark.e2e
def test_real_worker_completes_a_job_through_redis(celery_worker):
    job = submit("hello", delay_seconds=0.5)
    done = final(job)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert done.reply == "olleh"
    assert done.progress == 1.0 and done.attempts == 1
    assert done.started_at and done.finished_at and done.started_at <= done.finished_at
    assert "run_echo_job" in celery_worker.output()


@pytest.mark.e2e
def test_job_submitted_while_broker_down_completes_when_it_returns(transactional_db):
    server = RedisServer()
    use_broker(server.url)  # nothing listens there yet: the broker is down
    started = time.monotonic()
    job = submit("offline")
    assert time.monotonic() - started < 10, "submitting must not hang while the broker is down"
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is not None

    server.start()
    worker = Worker(server.url, test_db_name(), extra_env={"IMOGEN_SWEEP_SECONDS": "1"})
    worker.command.append("-B")  # beat runs the periodic sweep that re-sends the waiting job
    worker.start()
    try:
        done = final(job, timeout=90)
        assert done.status == JobStatus.SUCCEEDED, worker.output()[-2000:]
        assert done.reply == "enilffo"
    finally:
        worker.stop()
        server.stop()


@pytest.mark.django_db
def test_a_job_is_claimed_only_once():
    job = EchoJob.objects.create()
    assert EchoJob.claim(job.pk) is not None
    assert EchoJob.claim(job.pk) is None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.attempts == 1


@pytest.mark.django_db
def test_a_finished_job_cannot_be_overwritten_by_a_second_delivery():
    job = EchoJob.claim(EchoJob.objects.create().pk)
    assert job.finish(JobStatus.SUCCEEDED)
    assert not job.finish(JobStatus.FAILED, error="late duplicate")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.error == ""


@pytest.mark.django_db
def test_canceling_a_queued_job_means_it_never_runs():
    job = EchoJob.objects.create()
    assert job.request_cancel() == JobStatus.CANCELED
    assert EchoJob.claim(job.pk) is None


@pytest.mark.django_db
def test_canceling_a_running_job_asks_the_worker_to_stop():
    job = EchoJob.claim(EchoJob.objects.create().pk)
    job.request_cancel()
    assert job.update_progress(0.5) is False


@pytest.mark.django_db
def test_sweep_requeues_jobs_whose_worker_stopped_heartbeating(broker):
    old = timezone.now() - timezone.timedelta(minutes=10)
    job = EchoJob.objects.create(status=JobStatus.RUNNING, heartbeat_at=old, started_at=old, attempts=1)
    fresh = EchoJob.claim(EchoJob.objects.create().pk)
    counts = sweep()
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.enqueued_at is not None
    assert fresh.status == JobStatus.RUNNING
    assert counts["EchoJob"]["revived"] == 1
    # And the revived job can be claimed again by the next worker.
    assert EchoJob.claim(job.pk).attempts == 2
