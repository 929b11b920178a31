"""Email verification: an account may like and publish once its address is confirmed by a link sent to it.

The mails go through the mail providers (core.mail: SMTP, the folder, Django's EMAIL_BACKEND), sent while the request
waits, so the page can say at once when the mail server is down. Likes from accounts that are not confirmed do not
count (`counted_likes_q`). Staff accounts count as confirmed.
"""
import logging

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db.models import Q
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.mail import MailError, OutgoingMail, get_provider
from core.mail.addresses import normalise_address
from core.throttling import hit

from .models import EmailVerification

# Sent once an account's address is proven (`user`): features that count accounts' actions (likes) recount them.
email_confirmed = Signal()

log = logging.getLogger(__name__)


class VerificationTokenGenerator(PasswordResetTokenGenerator):
    """Like the password-reset token, with its own salt; it stops working once the address is confirmed."""

    key_salt = "imogen.accounts.verification.VerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        verified = getattr(getattr(user, "email_verification", None), "verified_at", None)
        return f"{user.pk}{user.email}{verified or ''}{timestamp}"


token_generator = VerificationTokenGenerator()


def is_verified(user):
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return EmailVerification.objects.filter(user=user, verified_at__isnull=False).exists()


def counted_likes_q(prefix="user__"):
    """Likes that count: from confirmed (or staff) accounts."""
    return Q(**{f"{prefix}email_verification__verified_at__isnull": False}) | Q(**{f"{prefix}is_staff": True})


def verification_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return settings.SITE_URL + reverse("accounts:verify", args=[uid, token_generator.make_token(user)])


def _send(to, subject, lines):
    """Hand one account mail to the provider; False when it could not go (or this address had enough lately)."""
    if hit(f"account-mail:{normalise_address(to)}", settings.IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT):
        log.warning("Account mail to %s not sent: over IMOGEN_ACCOUNT_MAIL_LIMIT_PER_RECIPIENT", to)
        return False
    mail = OutgoingMail(to=to, subject=subject, body="\n".join(lines) + "\n", from_email=settings.DEFAULT_FROM_EMAIL,
                        headers={"Auto-Submitted": "auto-generated"})
    try:
        get_provider().send(mail)
    except MailError as exc:
        log.warning("Account mail to %s not sent: %s", to, exc)
        return False
    except Exception:  # a provider bug must not turn a sign-up into a 500
        log.exception("Account mail to %s not sent", to)
        return False
    return True


def send_verification(user):
    """Mail the confirmation link; True when the mail server took it."""
    EmailVerification.objects.get_or_create(user=user)
    sent = _send(user.email, _("Confirm your email address for Imogen"), [
        _("Hello,"), "",
        _("Someone (we hope you) made an Imogen account with this address. Open this link to confirm it; then "
          "you can like pictures and share yours on the board:"),
        verification_link(user), "",
        _("The link works for three days. If you did not sign up, ignore this email: nothing else happens."),
    ])
    if sent:
        EmailVerification.objects.filter(user=user).update(sent_at=timezone.now())
    return sent


def send_known_address_notice(user):
    """Someone signed up with an address that already has an account: tell its owner instead of the visitor."""
    return _send(user.email, _("You already have an Imogen account"), [
        _("Hello,"), "",
        _("Someone (perhaps you) tried to sign up for Imogen with this address, but it already has an account. "
          "Log in here:"),
        settings.SITE_URL + reverse("accounts:login"), "",
        _("Forgot the password? Choose a new one here:"),
        settings.SITE_URL + reverse("accounts:password_reset"), "",
        _("If it was not you, ignore this email: your account is unchanged."),
    ])


CONFIRMED, ALREADY, INVALID = "confirmed", "already", "invalid"


def confirm(user, token):
    """Mark the address confirmed if `token` is right: CONFIRMED, ALREADY (confirmed before) or INVALID."""
    if user is None:
        return INVALID
    if EmailVerification.objects.filter(user=user, verified_at__isnull=False).exists():
        return ALREADY
    if not token_generator.check_token(user, token):
        return INVALID
    mark_confirmed(user)
    return CONFIRMED


def mark_confirmed(user):
    """The address is proven (a link sent to it was opened: confirmation or password reset)."""
    if EmailVerification.objects.filter(user=user, verified_at__isnull=False).exists():
        return
    EmailVerification.objects.update_or_create(user=user, defaults={"verified_at": timezone.now()})
    email_confirmed.send(sender=type(user), user=user)  # the gallery counts the likes given before now
