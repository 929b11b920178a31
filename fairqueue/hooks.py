"""What a fairly queued job's task does after `run_job`: learn this machine's speed, send the ready mail."""
import logging

from core.models import JobStatus

from . import estimate, notify

log = logging.getLogger(__name__)


def job_ended(job):
    if job is None or job.status != JobStatus.SUCCEEDED:
        return
    try:
        estimate.learn(job)
    except Exception:  # a measurement must never fail the job
        log.exception("Could not record the speed of %s", job.pk)
    notify.send_ready_mail(job)
