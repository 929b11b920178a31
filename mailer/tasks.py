import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import JobFailed, job_task
from core.mail import PermanentMailError, TemporaryMailError, get_provider

from .models import Delivery
from .service import build_mail, retry_delay

log = logging.getLogger(__name__)


def send(delivery):
    """Hand one delivery to the mail provider. Temporary failures are retried later (the delivery goes back
    to `queued`, and `run_job`'s final step is then a no-op); permanent ones fail at once."""
    with translation.override(delivery.language or settings.LANGUAGE_CODE):
        delivery.update_progress(0.2, stage=_("Sending"))
        try:
            mail = build_mail(delivery)
        except OSError as exc:
            log.warning("Delivery %s: image file unreadable: %s", delivery.pk, exc)
            raise JobFailed(_("The image file is no longer available, so it cannot be emailed.")) from exc
        provider = get_provider()
        delivery.count_try()
        try:
            message_id = provider.send(mail)
        except PermanentMailError as exc:
            raise JobFailed(str(exc)) from exc
        except TemporaryMailError as exc:
            if delivery.tries >= settings.IMOGEN_MAIL_MAX_ATTEMPTS:
                raise JobFailed(
                    _("The email could not be sent after %(n)d tries: %(reason)s Please try again later.")
                    % {"n": delivery.tries, "reason": exc}
                ) from exc
            delay = retry_delay(delivery.tries)
            log.info("Delivery %s: temporary failure (%s); try %d in %.1fs", delivery.pk, exc,
                     delivery.tries + 1, delay)
            delivery.retry_later(delay, _("Trying again soon: %(reason)s") % {"reason": exc})
            return {}
    return {"transport": provider.transport, "message_id": message_id[:250], "attached": bool(mail.attachments),
            "next_attempt_at": None}


send_delivery = job_task(Delivery)(send)
