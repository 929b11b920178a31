"""'Email me when it's ready': the address is kept on that one job; when the job succeeds, its result goes out
once as an ordinary mailer Delivery (attachment, file name as subject), whether or not a browser is still open."""
import logging

from django.db import transaction
from django.utils import timezone

from core.models import JobStatus
from mailer.models import Delivery

log = logging.getLogger(__name__)


def send_ready_mail(job):
    """Hand the finished job's result to the mailer, at most once per job. Returns the Delivery or None."""
    if job is None or job.status != JobStatus.SUCCEEDED or not job.result_id:
        return None
    model = type(job)
    with transaction.atomic():
        won = (model.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED, notified_at__isnull=True,
                                    result__isnull=False)
               .exclude(notify_email="").update(notified_at=timezone.now()))
        if not won:
            return None
        fresh = model.objects.get(pk=job.pk)
        delivery = Delivery.objects.create(
            creation_id=fresh.result_id, recipient=fresh.notify_email, language=(fresh.language or "en")[:8],
            owner=fresh.owner, session_key=fresh.session_key, client=fresh.client)
        delivery.enqueue()
    log.info("%s %s: ready mail handed over as delivery %s", model.__name__, job.pk, delivery.pk)
    return delivery


def send_missed(model):
    """Ready mails a worker did not hand over (it stopped right after the job): the periodic catch-up."""
    sent = 0
    pending = (model.objects.filter(status=JobStatus.SUCCEEDED, notified_at__isnull=True, result__isnull=False)
               .exclude(notify_email=""))
    for job in pending:
        sent += send_ready_mail(job) is not None
    return sent
