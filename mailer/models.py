"""Deliveries: one email of one creation to one address, sent in the background (the job pattern)."""
from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.jobs import publish
from core.mail.addresses import normalise_address
from core.models import Job, JobStatus, Owned


class Delivery(Job):
    """Status `succeeded` is shown as `sent` in the API; `error` holds the reason in the sender's language.

    `tries` counts tries at handing the mail to the provider: temporary failures put the delivery back to
    `queued` with `next_attempt_at` in the future, until IMOGEN_MAIL_MAX_ATTEMPTS is reached. (`attempts` is the
    job kit's count of lost workers, capped by IMOGEN_JOB_MAX_ATTEMPTS; a retry is no lost worker.)
    """

    task_name = "mailer.tasks.send_delivery"
    url_names = {"api": "delivery"}

    creation = models.ForeignKey("gallery.Creation", on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.EmailField(max_length=254, db_index=True)
    recipient_key = models.CharField(max_length=254, blank=True, db_index=True,
                                     help_text="The address as the per-recipient limit counts it: lowercase, "
                                               "without a +tag (core.mail.addresses.normalise_address).")
    language = models.CharField(max_length=8, default="en", help_text="The sender's language (mail body).")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, help_text="When a temporary failure is retried.")
    tries = models.PositiveIntegerField(default=0, help_text="Tries at handing the mail to the provider.")
    transport = models.CharField(max_length=16, blank=True, help_text="smtp, or folder when no server is set up.")
    attached = models.BooleanField(null=True, help_text="Whether the image was attached (no: link only).")
    message_id = models.CharField(max_length=250, blank=True)

    class Meta(Job.Meta):
        verbose_name_plural = "deliveries"

    def time_limit_seconds(self):
        """Connecting, TLS, log-in and the message: each may take EMAIL_TIMEOUT."""
        return 60 + 4 * settings.EMAIL_TIMEOUT

    @classmethod
    def claimable(cls, now=None):
        """A retry that arrives early (a duplicate message) is not claimable: the one that is due runs it."""
        now = now or timezone.now()
        due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timezone.timedelta(seconds=1))
        return super().claimable(now) & due

    def count_try(self):
        type(self).objects.filter(pk=self.pk).update(tries=F("tries") + 1)
        self.tries += 1

    def save(self, *args, **kwargs):
        self.recipient_key = normalise_address(self.recipient)
        super().save(*args, **kwargs)

    @property
    def api_status(self):
        if self.status == JobStatus.SUCCEEDED:
            return "sent"
        if self.status in (JobStatus.FAILED, JobStatus.CANCELED):
            return "failed"
        return "queued"

    def retry_later(self, delay_seconds, reason):
        """From `running` back to `queued` (keeping the reason), and send the task again after the delay.

        `enqueued_at` is set to the due time so the periodic sweep leaves it alone until then (and re-sends it
        if the delayed message is lost)."""
        now = timezone.now()
        due = now + timezone.timedelta(seconds=delay_seconds)
        if not self.hand_back(error=str(reason), stage=_("Waiting to try again"), next_attempt_at=due,
                              enqueued_at=due, heartbeat_at=now):
            return False

        def send_later():
            try:
                publish(type(self), self.pk, countdown=max(0.0, delay_seconds))
            except Exception:  # broker down: the sweep re-sends it once it is due
                pass

        transaction.on_commit(send_later)
        return True


class MailRequest(Owned):
    """One mail asked for (of a creation, or "email me when it's ready" on a job that has not finished yet), counted
    by the mail limits from the moment it is asked for (mailer.service.reserve), whether or when it is sent."""

    recipient_key = models.CharField(max_length=254, db_index=True,
                                     help_text="The address as the limits count it (core.mail.addresses.normalise_address).")

    class Meta:
        indexes = [models.Index(fields=["recipient_key", "created_at"], name="mailrequest_recipient_time")]

    def __str__(self):
        return f"mail to {self.recipient_key} asked for at {self.created_at:%Y-%m-%d %H:%M}"
