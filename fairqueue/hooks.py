"""What a fairly queued job's task does after `run_job`: learn this machine's speed, send the ready mail."""
import logging

from django.dispatch import receiver

from core.models import JobStatus, job_finished

from . import estimate, notify
from .models import FairQueued

log = logging.getLogger(__name__)


@receiver(job_finished, dispatch_uid="fairqueue-job-finished")
def job_ended(sender, job, **kwargs):
    """A success teaches this machine's rates and sends the ready mail (core.models.Job.finish sends the signal)."""
    if not isinstance(job, FairQueued) or job.status != JobStatus.SUCCEEDED:
        return
    try:
        estimate.learn(job)
    except Exception:  # a measurement must never fail the job
        log.exception("Could not record the speed of %s", job.pk)
    notify.send_ready_mail(job)
