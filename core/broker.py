"""Handing job ids to the broker (Celery on Redis): one place, used by `Job.enqueue`, the sweep and retries."""
import logging

from celery import current_app as app  # the project's Celery app (imogen/celery.py), without importing the project
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .status import JobStatus

log = logging.getLogger(__name__)


def publish(model, job_id, countdown=None):
    """Hand the job id to the broker, on the model's queue (raises when the broker is unreachable), with the job's
    hard time limit: past it Celery's pool kills the process running it (the last resort for a call that holds
    the interpreter, where the job's own watch cannot run)."""
    app.send_task(model.task_name, args=[str(job_id)], queue=model.queue, countdown=countdown,
                  time_limit=model.hard_time_limit(job_id))


def send_job(model, job_id):
    """Publish the job id; never raises. Returns True if the broker took it."""
    try:
        publish(model, job_id)
    except Exception as exc:  # broker down: the sweep re-sends queued jobs later
        log.warning("Broker unreachable, %s %s stays queued and will be re-sent: %s", model.__name__, job_id, exc)
        # The job page and API show the stage: tell the user their job is safe and waiting for the queue.
        model.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
        model.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(stage=_(QUEUE_WAITING)[:120])
        return False
    model.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    model.objects.filter(pk=job_id, status=JobStatus.QUEUED, stage__in=_queue_waiting_texts()).update(stage="")
    return True


# Shown as a queued job's stage while the broker is unreachable (cleared once the job is handed over).
QUEUE_WAITING = "Saved. The job queue is unavailable right now; your job will start as soon as it is back."


def _queue_waiting_texts():
    texts = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(_(QUEUE_WAITING)[:120])
    return texts
