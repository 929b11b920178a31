"""Issue 21, item 4: a job with no end. The heartbeat proves a worker lives, not that its work moves, so every job
has a time limit from its model, a job whose work reports nothing for IMOGEN_JOB_STALL_SECONDS fails with words,
and a cancel frees the worker within 10 s even while a provider call hangs (a provider trickling one byte every
2 s, as in the attack). "Frees its worker" is shown with a real worker on real Redis: the next job runs on it."""
import json
import time

import pytest
from django.db import transaction
from django.utils import timezone

from core.jobs import sweep
from core.models import EchoJob, JobStatus
from core.tasks import run_echo_job
from styletransfer.models import StyleTransferJob
from tests.conftest import wait_for
from tests.text2image.servers import Hostile
from text2image.models import TextToImageJob

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stuck_karlo():
    """Karlo's API that, once asked to draw, sends one byte every 2 s for two minutes."""
    server = Hostile()
    server.routes[("POST", "/v2/inference/karlo/t2i")] = server.trickle(every=2, total=60)
    yield server
    server.stop()


def karlo_worker(worker_factory, server, **env):
    return worker_factory(queues="default", extra_env={
        "IMOGEN_T2I_KARLO_URL": server.url, "IMOGEN_T2I_KARLO_KEY": "test-key", "IMOGEN_T2I_TIMEOUT": "600",
        "IMOGEN_T2I_RETRIES": "0", **env})


def drawing_job():
    with transaction.atomic():
        job = TextToImageJob.objects.create(prompt="a quiet lake at dawn", width=1024, height=1024, provider="karlo",
                                            language="en")
        job.enqueue()
    return job


def worker_is_free():
    """An echo job on the same (only) worker finishes: the slot the hung job held is free again."""
    with transaction.atomic():
        echo = EchoJob.objects.create(message="next")
        echo.enqueue()
    wait_for(lambda: EchoJob.objects.filter(pk=echo.pk, status=JobStatus.SUCCEEDED).exists(), timeout=20,
             message="the next job to run on the freed worker")


@pytest.mark.e2e
def test_cancel_frees_the_worker_within_10_s_while_the_provider_trickles(worker_factory, stuck_karlo):
    worker = karlo_worker(worker_factory, stuck_karlo)
    job = drawing_job()
    wait_for(lambda: stuck_karlo.sent >= 1, timeout=60, message="the provider call to be hanging")
    asked = time.monotonic()
    assert job.request_cancel() == JobStatus.RUNNING
    wait_for(lambda: TextToImageJob.objects.filter(pk=job.pk, status=JobStatus.CANCELED).exists(), timeout=10,
             interval=0.1, message=f"the cancel to end the job\n{worker.output()[-2000:]}")
    assert time.monotonic() - asked < 10
    wait_for(lambda: stuck_karlo.hung_up == 1, timeout=5, message="Imogen to hang up on the provider")
    worker_is_free()


@pytest.mark.e2e
def test_a_stalled_provider_call_fails_with_words_and_frees_the_worker(worker_factory, stuck_karlo):
    worker = karlo_worker(worker_factory, stuck_karlo, IMOGEN_JOB_STALL_SECONDS="2")
    job = drawing_job()
    done = wait_for(lambda: TextToImageJob.objects.filter(pk=job.pk, status=JobStatus.FAILED).first(), timeout=30,
                    interval=0.2, message=f"the stalled job to fail\n{worker.output()[-2000:]}")
    assert "made no progress for 1 minute and was stopped" in done.error
    assert (done.finished_at - done.started_at).total_seconds() < 12
    worker_is_free()


@pytest.mark.parametrize("setting, value, words", [
    # Asleep for 20 s between two reports, stalled after 1 s: interrupted (in this thread, as in a worker's) well
    # before it would wake up.
    ("IMOGEN_JOB_STALL_SECONDS", 1, "made no progress for 1 minute"),
    # 200 s of delay may take 5 + 200 × 0.001 s: past that, stopped in its sleep too.
    ("IMOGEN_JOB_TIME_ROOM", 0.001, "longer than its time limit (1 minute)"),
])
def test_work_past_its_limits_is_stopped_even_when_it_checks_nothing(settings, setting, value, words):
    setattr(settings, setting, value)
    echo = EchoJob.objects.create(message="sleepy", delay_seconds=200)
    started = time.monotonic()
    run_echo_job(echo.pk)
    echo.refresh_from_db()
    assert echo.status == JobStatus.FAILED and words in echo.error
    assert time.monotonic() - started < 15


def test_every_job_has_a_time_limit_from_its_planned_work(settings):
    few = TextToImageJob(prompt="x", width=1024, height=1024, provider="karlo", samples=1)
    many = TextToImageJob(prompt="x", width=1024, height=1024, provider="karlo", samples=4)
    comfy = TextToImageJob(prompt="x", width=1024, height=1024, provider="comfyui", samples=1)
    assert 0 < few.time_limit_seconds() < many.time_limit_seconds()
    assert comfy.time_limit_seconds() > settings.IMOGEN_T2I_COMFYUI_MAX_WAIT
    small, big = StyleTransferJob(work_units=10), StyleTransferJob(work_units=1000)
    assert 120 < small.time_limit_seconds() < big.time_limit_seconds()
    assert big.time_limit_seconds() >= 1000 * settings.IMOGEN_JOB_TIME_ROOM
    assert EchoJob(delay_seconds=0).time_limit_seconds() > 0
    assert EchoJob(delay_seconds=200).time_limit_seconds() == pytest.approx(5 + 200 * settings.IMOGEN_JOB_TIME_ROOM)


def test_the_sweep_fails_running_jobs_whose_work_stopped_moving(settings):
    settings.IMOGEN_JOB_STALL_SECONDS = 60
    now = timezone.now()
    old = now - timezone.timedelta(seconds=120)
    stuck = TextToImageJob.objects.create(prompt="x", width=64, height=40, provider="offline", language="ko",
                                          status=JobStatus.RUNNING, started_at=old, progress_at=old, heartbeat_at=now)
    moving = TextToImageJob.objects.create(prompt="y", width=64, height=40, provider="offline",
                                           status=JobStatus.RUNNING, started_at=old, progress_at=now, heartbeat_at=now)
    counts = sweep(now)
    assert counts["TextToImageJob"]["stalled"] == 1
    stuck.refresh_from_db()
    moving.refresh_from_db()
    assert stuck.status == JobStatus.FAILED and "1분" in stuck.error  # in the job's language (Korean)
    assert moving.status == JobStatus.RUNNING


def test_a_job_lost_past_its_time_limit_is_failed_not_run_again(settings):
    """Celery's hard limit killed the process (the watch could not run): the sweep fails the job with words rather
    than handing it to the next worker to end the same way; a job lost early is still revived."""
    now = timezone.now()
    started = now - timezone.timedelta(hours=2)
    overdue = EchoJob.objects.create(message="overdue", status=JobStatus.RUNNING, started_at=started,
                                     heartbeat_at=started + timezone.timedelta(seconds=400), progress_at=started)
    early = EchoJob.objects.create(message="early", delay_seconds=1000, status=JobStatus.RUNNING, started_at=started,
                                   heartbeat_at=started + timezone.timedelta(seconds=400), progress_at=started)
    counts = sweep(now)["EchoJob"]
    assert counts["overdue"] == 1 and counts["revived"] == 1
    overdue.refresh_from_db()
    early.refresh_from_db()
    assert overdue.status == JobStatus.FAILED and "longer than its time limit" in overdue.error
    assert early.status == JobStatus.QUEUED


def test_messages_carry_the_jobs_hard_time_limit(broker):
    """Every message of a job that runs what it names carries a hard limit past the job's own (Celery's
    `timelimit` header); a fair-queue message, which may run another job, carries none."""
    import redis

    from core.broker import publish

    client = redis.Redis.from_url(broker)
    client.delete("default", "style")
    job = TextToImageJob.objects.create(prompt="x", width=1024, height=1024, provider="karlo")
    publish(TextToImageJob, job.pk)
    publish(StyleTransferJob, StyleTransferJob.objects.create(work_units=10).pk)
    (sent,), (fair,) = client.lrange("default", 0, -1), client.lrange("style", 0, -1)
    hard, _soft = json.loads(sent)["headers"]["timelimit"]
    assert hard > job.time_limit_seconds()
    assert json.loads(fair)["headers"]["timelimit"] == [None, None]
