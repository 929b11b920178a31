from django.conf import settings
from django.db import models
from django.utils import timezone


class EmailVerification(models.Model):
    """The account's email address was confirmed by a link sent to it (needed to like and to publish).

    No row, or no `verified_at`: not confirmed. Staff accounts (made by an administrator) count as confirmed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="email_verification")
    verified_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the last confirmation link was sent.")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.user_id}: {'confirmed' if self.verified_at else 'not confirmed'}"
