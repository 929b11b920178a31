"""'Email me when it's ready': the address is kept on that one job; when the job succeeds, its result goes out
once as an ordinary mailer Delivery (attachment, file name as subject), whether or not a browser is still open.
Any fairly queued job that makes a creation can offer it: the job names its creation (`made_creation_id`)."""
import logging

from django.db import transaction
from django.utils import timezone

from core.models import JobStatus
from mailer.models import Delivery

log = logging.getLogger(__name__)


def send_ready_mail(job):
    """Hand the finished job's creation to the mailer, at most once per job. Returns the Delivery or None."""
    if job is None or job.status != JobStatus.SUCCEEDED or not job.made_creation_id():
        return None
    model = type(job)
    with transaction.atomic():
        won = (model.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED, notified_at__isnull=True)
               .exclude(notify_email="").update(notified_at=timezone.now()))
        if not won:
            return None
        fresh = model.objects.get(pk=job.pk)
        creation_id = fresh.made_creation_id()
        if not creation_id:  # its creation was deleted in between: nothing to send, and no mail later either
            return None
        delivery = Delivery.objects.create(
            creation_id=creation_id, recipient=fresh.notify_email, language=(fresh.language or "en")[:8],
            owner=fresh.owner, session_key=fresh.session_key, client=fresh.client)
        delivery.enqueue()
    log.info("%s %s: ready mail handed over as delivery %s", model.__name__, job.pk, delivery.pk)
    return delivery


def send_missed(model):
    """Ready mails a worker did not hand over (it stopped right after the job): the periodic catch-up."""
    sent = 0
    pending = model.objects.filter(status=JobStatus.SUCCEEDED, notified_at__isnull=True).exclude(notify_email="")
    for job in pending:
        sent += send_ready_mail(job) is not None
    return sent
