"""The shared mail service: address checks, abuse limits, the message itself, and retry timing.

Every feature emails a creation the same way: `POST /api/creations/{id}/email/` (mailer.api_views), which
calls `check_recipient` and `check_limits` here, records a `Delivery` and enqueues `mailer.tasks.send_delivery`;
the task builds the mail with `build_mail` and hands it to the configured provider (mailer.providers).
"""
import mimetypes
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.throttling import client_ip as core_client_ip
from core.throttling import parse_rate

from .addresses import normalise_address
from .models import Delivery
from .providers import Attachment, OutgoingMail

# Only a bare address: no display name, no list, no whitespace or control characters (header injection).
FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f,;<>\"'()\[\]\\]")


def check_recipient(value):
    """Return the one clean address in `value`, or raise ValidationError with words for people."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(_("Enter an email address."))
    address = value.strip()
    if len(address) > 254 or FORBIDDEN.search(address) or address.count("@") != 1:
        raise ValidationError(_("Enter one valid email address, like name@example.com."))
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(_("Enter one valid email address, like name@example.com.")) from None
    return address


def client_ip(request):
    """The visitor's IP address (None if unknown): core.throttling.client_ip, which every limit shares (it trusts
    X-Forwarded-For only from IMOGEN_TRUSTED_PROXIES proxies)."""
    return core_client_ip(request) or None


def client_q(request):
    """Deliveries asked for by this client: its account, its browser session, or its IP address."""
    q = Q(pk__in=[])
    if request.user.is_authenticated:
        q |= Q(owner=request.user)
    if request.session.session_key:
        q |= Q(session_key=request.session.session_key)
    ip = client_ip(request)
    if ip:
        q |= Q(client_ip=ip)
    return q


@dataclass
class Refusal:
    message: str
    retry_after: int


def _wait_words(seconds):
    minutes = max(1, round(seconds / 60))
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = round(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _window_words(seconds):
    if seconds % 86400 == 0:
        return ngettext("day", "%(n)d days", seconds // 86400) % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return ngettext("hour", "%(n)d hours", seconds // 3600) % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return ngettext("minute", "%(n)d minutes", seconds // 60) % {"n": seconds // 60}
    return ngettext("second", "%(n)d seconds", seconds) % {"n": seconds}


def _over(queryset, rate, now):
    """None if under the limit, else seconds until the oldest counted delivery leaves the window."""
    limit = parse_rate(rate)
    if limit is None:
        return None
    count, window = limit
    recent = queryset.filter(created_at__gte=now - timezone.timedelta(seconds=window)).order_by("-created_at")
    times = list(recent.values_list("created_at", flat=True)[:count])
    if len(times) < count:
        return None
    return count, window, max(1, int((times[-1] + timezone.timedelta(seconds=window) - now).total_seconds()) + 1)


def check_limits(request, recipient):
    """A Refusal (answered with 429) when this client or this address had too many mails lately, else None."""
    now = timezone.now()
    over = _over(Delivery.objects.filter(recipient_key=normalise_address(recipient)),
                 settings.IMOGEN_MAIL_LIMIT_PER_RECIPIENT, now)
    if over:
        count, window, wait = over
        return Refusal(_("Too many emails to %(to)s: at most %(count)d per %(window)s. Try again in %(wait)s.")
                       % {"to": recipient, "count": count, "window": _window_words(window),
                          "wait": _wait_words(wait)}, wait)
    over = _over(Delivery.objects.filter(client_q(request)), settings.IMOGEN_MAIL_LIMIT_PER_CLIENT, now)
    if over:
        count, window, wait = over
        return Refusal(_("You have sent too many emails: at most %(count)d per %(window)s. Try again in %(wait)s.")
                       % {"count": count, "window": _window_words(window), "wait": _wait_words(wait)}, wait)
    return None


def retry_delay(attempt):
    """Seconds to wait after the `attempt`-th try failed temporarily (exponential, capped)."""
    base = max(0.0, float(settings.IMOGEN_MAIL_RETRY_BACKOFF))
    return min(float(settings.IMOGEN_MAIL_RETRY_BACKOFF_MAX), base * (2 ** max(0, attempt - 1)))


def human_size(num_bytes):
    return f"{num_bytes / (1024 * 1024):.1f} MB" if num_bytes >= 1024 * 1024 else f"{max(1, num_bytes // 1024)} KB"


def build_mail(delivery):
    """The message for a delivery, in the active language (the task activates the sender's language).

    Subject: the creation's file name. Body: a few lines with the absolute link. The exact image bytes are
    attached unless they exceed IMOGEN_MAIL_ATTACHMENT_MAX_BYTES; then the mail says it is link only."""
    creation = delivery.creation
    storage = creation.image.storage
    size = storage.size(creation.image.name)
    limit = settings.IMOGEN_MAIL_ATTACHMENT_MAX_BYTES
    link = creation.absolute_image_url()
    attachments = []
    lines = [_("Hello,"), "", _("Here is an image made with Imogen: %(name)s (%(width)d × %(height)d).")
             % {"name": creation.file_name, "width": creation.width, "height": creation.height}, ""]
    if size <= limit:
        with storage.open(creation.image.name, "rb") as handle:
            content = handle.read()
        mimetype = mimetypes.guess_type(creation.file_name)[0] or "application/octet-stream"
        attachments.append(Attachment(creation.file_name, content, mimetype))
        lines += [_("The image is attached. You can also open or download it here:"), link]
    else:
        lines += [_("The image is too large to attach (%(size)s; the limit is %(limit)s), so this email has only "
                    "the link. Open or download it here:") % {"size": human_size(size), "limit": human_size(limit)},
                  link]
    lines += ["", "—", _("Imogen · wallpapers made with generative AI"),
              _("Someone using Imogen asked us to send you this image. If you did not expect it, you can ignore "
                "this email.")]
    return OutgoingMail(to=delivery.recipient, subject=creation.file_name, body="\n".join(lines) + "\n",
                        from_email=settings.DEFAULT_FROM_EMAIL, attachments=attachments,
                        headers={"Auto-Submitted": "auto-generated", "X-Imogen-Delivery": str(delivery.pk)})
