"""Running jobs: send an id to the broker, claim it in a worker, keep a heartbeat, record the outcome.

A feature writes the work of one job and gets its Celery task from `job_task`:

    def make_thing(job):
        ...
        return {"field": value}  # saved on the job when it succeeds

    run_thing = job_task(ThingJob)(make_thing)

The task's name and queue come from the model (`ThingJob.task_name`, `ThingJob.queue`), acks_late and
reject_on_worker_lost from the settings (CELERY_TASK_*). `run_thing(job_id)` claims the job and calls
`make_thing(job)`, which calls `job.update_progress(...)` (False once the user canceled → raise `JobCanceled`) and
raises `JobFailed("plain words for the user")` for failures the user should read. Tests call `run_thing(job_id)`
in-process: exactly what a worker does.
"""
import functools
import logging
import threading

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .broker import QUEUE_WAITING, publish, send_job  # noqa: F401  (the job API lives here for callers)
from .models import Job, JobStatus

log = logging.getLogger(__name__)


class JobFailed(Exception):
    """A failure with a message meant for the user (already in plain words)."""


class JobCanceled(Exception):
    """Raised by work functions when they notice the user canceled."""


def job_models():
    return [m for m in apps.get_models() if issubclass(m, Job) and m.task_name]


class _Heartbeat(threading.Thread):
    """Touches heartbeat_at while long work runs, so the sweep knows this worker is alive."""

    def __init__(self, model, job_id, interval):
        super().__init__(daemon=True, name=f"heartbeat-{job_id}")
        self.model, self.job_id, self.interval = model, job_id, interval
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(self.interval):
                self.model.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # the job itself will report any real database trouble
            log.exception("Heartbeat for %s stopped", self.job_id)
        finally:
            connection.close()


def run_job(model, job_id, work):
    """Claim `job_id`, run `work(job)`, record succeeded/failed/canceled. Safe to call twice."""
    close_old_connections()
    job = model.claim(job_id)
    if job is None:
        log.info("%s %s is not claimable (already running, finished or canceled); skipping", model.__name__, job_id)
        return None
    log.info("%s %s started (attempt %d)", model.__name__, job_id, job.attempts)
    beat = _Heartbeat(model, job.pk, settings.IMOGEN_JOB_HEARTBEAT_SECONDS)
    beat.start()
    try:
        fields = work(job) or {}
    except JobCanceled:
        job.finish(JobStatus.CANCELED, error="")
    except JobFailed as exc:
        log.warning("%s %s failed: %s", model.__name__, job_id, exc)
        job.finish(JobStatus.FAILED, error=str(exc))
    except Exception:
        log.exception("%s %s crashed", model.__name__, job_id)
        job.finish(
            JobStatus.FAILED,
            error=_("Something went wrong on our side while making this. Please try again; "
                    "if it keeps failing, tell us the job id."),
        )
    else:
        if model.objects.filter(pk=job.pk, cancel_requested=True).exists():
            job.finish(JobStatus.CANCELED)
        else:
            job.finish(JobStatus.SUCCEEDED, stage="", **fields)
    finally:
        beat.stopped.set()
        beat.join(timeout=2)
    log.info("%s %s ended as %s", model.__name__, job_id, job.status)
    return job


def job_task(model):
    """`job_task(Model)(work)`: the Celery task that runs `Model`'s jobs with `work(job)` (see the module doc)."""
    def decorate(work):
        @functools.wraps(work)
        def run(job_id):
            run_job(model, job_id, work)

        task = shared_task(name=model.task_name, queue=model.queue)(run)
        task.work = work
        return task

    return decorate


def sweep(now=None):
    """Re-send queued jobs nobody picked up and hand abandoned running jobs to another worker."""
    now = now or timezone.now()
    resend_before = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_RESEND_SECONDS)
    stale_before = now - timezone.timedelta(seconds=settings.IMOGEN_JOB_STALE_SECONDS)
    counts = {}
    for model in job_models():
        given_up = model.give_up_lost(now)  # lost too many workers already: failed, not queued again
        if given_up:
            log.warning("%d %s(s) lost IMOGEN_JOB_MAX_ATTEMPTS workers; failed", given_up, model.__name__)
        abandoned = model.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before)
        revived = list(abandoned.values_list("pk", flat=True))
        if revived:
            log.warning("%d %s(s) lost their worker; queueing them again", len(revived), model.__name__)
            model.objects.filter(pk__in=revived, status=JobStatus.RUNNING, heartbeat_at__lt=stale_before).update(
                status=JobStatus.QUEUED, stage=_("Waiting for a worker (the previous one stopped)")
            )
        stuck = model.objects.filter(status=JobStatus.QUEUED, cancel_requested=False).filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=resend_before)
        )
        sent = 0
        for pk in stuck.values_list("pk", flat=True):
            sent += send_job(model, pk)
        counts[model.__name__] = {"revived": len(revived), "resent": sent, "given_up": given_up}
    return counts
